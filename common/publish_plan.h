/* What Publish must do, decided from what it finds.  Plain C with no
 * Windows headers, so the native unit tests cover every state under the
 * sanitizers; server/publish/publish.c gathers the facts and carries the plan out.
 *
 * | stored key          | DATA0                   | plan            |
 * |---------------------|-------------------------|-----------------|
 * | present             | equal to its public blob| nothing         |
 * | present             | missing / other bytes   | rewrite DATA0   |
 * | absent or corrupt   | anything                | new key pair    |
 * | could not be read   | anything                | fail, no change |
 * | hidden (exists, but | anything                | fail, no change |
 * |  this account cannot|                         |                 |
 * |  open it)           |                         |                 |
 * | untrusted owner/DACL| anything                | refuse, no change|
 *
 * "Absent" is only a claim until the container is made: CryptAcquireContext
 * answers NTE_BAD_KEYSET both for "no such container" and for one this
 * account may not open.  So a new pair starts by creating the container
 * (CRYPT_NEWKEYSET) before anything is deleted; NTE_EXISTS then turns the
 * state into STORE_HIDDEN (publish_create_outcome) and nothing is written.
 */
#ifndef EMPKP_PUBLISH_PLAN_H
#define EMPKP_PUBLISH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "sdcheck.h"

enum store_state {
    STORE_PRESENT,   /* the container holds a usable key exchange key */
    STORE_ABSENT,    /* no container, or a container without the key */
    STORE_CORRUPT,   /* there, but unreadable or not a key we can use */
    STORE_ERROR,     /* could not look (access denied, provider missing):
                        never a reason to replace the key */
    STORE_HIDDEN,    /* "no such container", yet creating it says it
                        exists: one this account may not open */
    STORE_UNTRUSTED  /* its owner or DACL lets another account use,
                        replace or delete the key (publish_sd_judge) */
};

enum data0_state {
    DATA0_MATCHES,   /* byte-identical to the stored key's public blob */
    DATA0_MISSING,
    DATA0_DIFFERS    /* truncated, corrupt, of another key, or not binary */
};

enum publish_plan {
    PLAN_NOTHING,
    PLAN_REWRITE_DATA0,  /* from the stored key; DATA1..3 stay */
    PLAN_NEW_KEY,        /* new pair; DATA1..3 removed (encrypted to a lost key) */
    PLAN_FAIL,           /* report the store's error, change nothing */
    PLAN_UNTRUSTED       /* report the container's owner/DACL, change nothing */
};

enum publish_plan publish_plan(enum store_state store, enum data0_state data0);

/* What creating the container for a new pair (CRYPT_NEWKEYSET) found:
 * 0 → STORE_ABSENT (it really was absent: go on), NTE_EXISTS → STORE_HIDDEN,
 * anything else → STORE_ERROR.  Feed the result to publish_plan() again. */
enum store_state publish_create_outcome(uint32_t err);
#define PUBLISH_NTE_EXISTS     0x8009000Fu
#define PUBLISH_NTE_BAD_KEYSET 0x80090016u

/* Whose rules may stand on the key container and on the Publish lock.
 *
 * Trusted: SYSTEM, Administrators, and CALLER_OWNER (the default owner of
 * what the calling account creates, its TokenOwner: an administrator on
 * Windows XP owns what it creates, and Wine gives every object that owner).
 * A descriptor is trusted when its owner is one of those (an owner may
 * always rewrite the DACL) and no allow ACE that applies to the object
 * gives anyone else a right in RIGHTS.  A descriptor that does not parse,
 * has no owner, or has no (or a NULL) DACL is not trusted. */
/* The rights that count, as raw mask bits (generic bits included, since an
 * ACE may carry them unmapped):
 * - key container: everything except READ_CONTROL (0x20000), SYNCHRONIZE
 *   (0x100000), FILE_READ_EA (0x8) and FILE_READ_ATTRIBUTES (0x80): reading
 *   the key file (FILE_READ_DATA = 1) is using the key, writing or deleting
 *   it replaces it, WRITE_DAC/WRITE_OWNER hand out the rest.  Under Wine the
 *   container is a registry key, whose rights share these bit positions.
 * - Publish lock (a mutex): everything except READ_CONTROL: SYNCHRONIZE is
 *   what waiting, and so holding, takes. */
#define PUBLISH_KEYSET_RIGHTS (~(uint32_t)(0x20000u | 0x100000u | 0x8u | 0x80u))
#define PUBLISH_LOCK_RIGHTS   (~(uint32_t)0x20000u)

enum sd_trust {
    SD_TRUSTED,
    SD_UNREADABLE,        /* malformed */
    SD_FOREIGN_OWNER,     /* no owner, or not a trusted one */
    SD_FOREIGN_GRANT      /* the DACL (or its absence) lets another account in */
};

/* Judges SD[0..LEN); WHY (if not NULL) says what was wrong, e.g. "owner
 * S-1-5-21-1-2-3-1001" or "the DACL allows Everyone 0x00120089". */
enum sd_trust publish_sd_judge(const void *sd, size_t len, uint32_t rights,
                               struct sd_sid caller_owner, char *why, size_t why_size);

/* "owner Administrators; allowed: SYSTEM full, Administrators full,
 * S-1-5-21-1-2-3-1001 0x00020019; denied: ..." for /diagnose and events. */
void publish_sd_describe(const void *sd, size_t len, char *out, size_t size);

/* DATA0 as read (present, REG_BINARY or not) against the stored public blob. */
enum data0_state data0_state_of(int present, int is_binary,
                                const unsigned char *data0, size_t data0_len,
                                const unsigned char *stored, size_t stored_len);

/* The key size for a new pair from the KeyBits setting: 2048 when absent;
 * the value when it is a REG_DWORD of 1024, 2048, 3072 or 4096; otherwise 0 (the
 * caller refuses, never clamps). */
unsigned publish_key_bits(int present, int is_dword, uint32_t value);

/* Human-readable names, for events and messages. */
const char *publish_plan_name(enum publish_plan plan);
const char *data0_state_name(enum data0_state state);
const char *sd_trust_name(enum sd_trust t);

#endif
