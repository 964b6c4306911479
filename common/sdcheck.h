/* Security descriptors, read and judged in plain C.
 *
 * Windows keeps the rules that decide who may launch EMPKP (an AppID's
 * LaunchPermission), use or delete our key container, write a folder that
 * LocalServer32 names, or open a named object, as self-relative security
 * descriptors.  Wine enforces none of them, so the decisions about them are
 * made here, on the bytes, where the native unit tests reach every case;
 * the Windows glue only fetches the bytes (RegQueryValueEx,
 * CryptGetProvParam(PP_KEYSET_SEC_DESCR), GetFileSecurity, ...).
 *
 * Layout (MSDN "SECURITY_DESCRIPTOR_RELATIVE", "ACL", "ACE_HEADER", "SID"):
 * all integers little-endian, every offset checked against the length. */
#ifndef EMPKP_SDCHECK_H
#define EMPKP_SDCHECK_H

#include <stddef.h>
#include <stdint.h>

/* A SID inside some buffer: bytes and length (0 = none). */
struct sd_sid {
    const unsigned char *p;
    size_t len;
};

/* A parsed self-relative security descriptor; points into the caller's
 * buffer, which must outlive it. */
struct sd_view {
    uint16_t control;
    struct sd_sid owner;            /* len 0: no owner */
    struct sd_sid group;
    int dacl_present;               /* SE_DACL_PRESENT */
    const unsigned char *dacl;      /* NULL with dacl_present: a NULL DACL */
    size_t dacl_len;
    unsigned ace_count;
};

/* One ACE of a DACL. */
struct sd_ace {
    unsigned char type;             /* SD_ACE_ALLOWED, SD_ACE_DENIED, other */
    unsigned char flags;            /* SD_ACE_INHERIT_ONLY, ... */
    uint32_t mask;
    struct sd_sid sid;              /* len 0 for a type whose SID we do not read */
};

#define SD_ACE_ALLOWED        0x00
#define SD_ACE_DENIED         0x01
#define SD_ACE_INHERIT_ONLY   0x08
#define SD_CONTROL_DACL_PRESENT 0x0004
#define SD_CONTROL_SELF_RELATIVE 0x8000

#define SD_GENERIC_READ    0x80000000u
#define SD_GENERIC_WRITE   0x40000000u
#define SD_GENERIC_EXECUTE 0x20000000u
#define SD_GENERIC_ALL     0x10000000u

/* What GENERIC_READ/WRITE/EXECUTE/ALL mean for one kind of object (its
 * GENERIC_MAPPING); all zero leaves generic bits as they are. */
struct sd_generic_map {
    uint32_t read, write, execute, all;
};

/* Well-known SIDs, as bytes. */
extern const struct sd_sid SD_SID_SYSTEM;          /* S-1-5-18 */
extern const struct sd_sid SD_SID_ADMINISTRATORS;  /* S-1-5-32-544 */
extern const struct sd_sid SD_SID_EVERYONE;        /* S-1-1-0 */
extern const struct sd_sid SD_SID_AUTHENTICATED;   /* S-1-5-11 */
extern const struct sd_sid SD_SID_USERS;           /* S-1-5-32-545 */
extern const struct sd_sid SD_SID_INTERACTIVE;     /* S-1-5-4 */
extern const struct sd_sid SD_SID_SERVICE;         /* S-1-5-6 */
extern const struct sd_sid SD_SID_CREATOR_OWNER;   /* S-1-3-0 */

/* Is P[0..AVAIL) a well-formed SID at its start?  Sets *LEN to its size. */
int sd_sid_parse(const unsigned char *p, size_t avail, size_t *len);
int sd_sid_equal(struct sd_sid a, struct sd_sid b);
/* Is S one of LIST[0..N)? */
int sd_sid_in(struct sd_sid s, const struct sd_sid *list, size_t n);
/* "S-1-5-32-544" into BUF (always terminated); 0 if it did not fit or the
 * SID is malformed (BUF then holds "?"). */
int sd_sid_to_string(struct sd_sid s, char *buf, size_t size);
/* "SYSTEM", "Administrators", ... for the SIDs above, else NULL. */
const char *sd_sid_wellknown_name(struct sd_sid s);

/* Parses a self-relative security descriptor of LEN bytes: 0 and *OUT on
 * success, -1 when any offset, size, ACL, ACE or SID is out of bounds or
 * malformed (nothing it says can then be trusted). */
int sd_parse(const void *sd, size_t len, struct sd_view *out);
/* The ACE at INDEX (< ace_count) of a parsed DACL: 0, or -1. */
int sd_ace_at(const struct sd_view *v, unsigned index, struct sd_ace *out);

/* The rights of DESIRED that an account whose token holds the SIDs
 * TOKEN[0..N) is granted, evaluated as AccessCheck does: ACEs in order,
 * inherit-only ones skipped, a deny for a bit not yet granted denies it for
 * good, an allow grants; generic bits in ACEs mapped through MAP.  No DACL
 * (or a NULL DACL) grants everything; an empty DACL nothing.  Ownership's
 * implicit READ_CONTROL/WRITE_DAC is not counted. */
uint32_t sd_access(const struct sd_view *v, const struct sd_sid *token, size_t n,
                   uint32_t desired, const struct sd_generic_map *map);

/* Does the DACL let a SID outside TRUSTED[0..N) have any of RIGHTS?  An
 * allow ACE of any type for such a SID counts (deny ACEs are not credited:
 * the question is whether the rules hand the right out at all), as do a
 * missing or NULL DACL (everyone).  Inherit-only ACEs do not apply to the
 * object itself.  When it does, *WHO (if not NULL) is the first such SID
 * (len 0 for "everyone, no DACL").  Callers check the owner apart: an
 * owner may always rewrite the DACL. */
int sd_grants_outside(const struct sd_view *v, const struct sd_sid *trusted, size_t n,
                      uint32_t rights, const struct sd_generic_map *map, struct sd_sid *who);

#endif
