/* DCOM launch and access permissions, decided in plain C.
 *
 * KB 911143's third cause of event 10001 is "an underlying DCOM permissions
 * issue" (KB 274696): the account MOM's script runs as (LocalSystem, or a
 * MOM action account) is not in the rules that say who may launch EMPKP
 * and who may call it.  Those rules are self-relative security descriptors
 * (REG_BINARY), and which one applies is COM's choice:
 *   launch: HKLM\SOFTWARE\Classes\AppID\{appid} LaunchPermission, else
 *           HKLM\SOFTWARE\Microsoft\Ole DefaultLaunchPermission, else the
 *           built-in default (MSDN "DefaultLaunchPermission": Administrators,
 *           SYSTEM and INTERACTIVE may launch);
 *   access: AppID AccessPermission, else DefaultAccessPermission, else the
 *           built-in default (MSDN "DefaultAccessPermission": only the server
 *           principal and SYSTEM; EMPKP runs as the account that launched it,
 *           so that is the caller itself);
 *   and, where Windows XP SP2 / Server 2003 SP1 have them, the machine-wide
 *   limits MachineLaunchRestriction / MachineAccessRestriction must grant
 *   the same rights as well.
 * Rights (MSDN "Access Control Lists for COM"): COM_RIGHTS_EXECUTE 1,
 * EXECUTE_LOCAL 2, EXECUTE_REMOTE 4, ACTIVATE_LOCAL 8, ACTIVATE_REMOTE 0x10.
 * An ACL in the format before XP SP2 grants only COM_RIGHTS_EXECUTE, which
 * means every right; the two formats must not be mixed in one ACL, and
 * COM_RIGHTS_EXECUTE must be in every ACE.  MOM's script activates EMPKP on
 * the same machine, so the rights needed are the local ones:
 * EXECUTE_LOCAL|ACTIVATE_LOCAL to launch, EXECUTE_LOCAL to call.
 *
 * The ACE walk is sdcheck.c's (AccessCheck's order of deny and allow);
 * server/diagnose/diagnose_dcom.c reads the values and resolves the account. */
#ifndef EMPKP_DCOM_PERM_H
#define EMPKP_DCOM_PERM_H

#include <stddef.h>
#include <stdint.h>

#include "common/sdcheck.h"

/* objbase.h has the same values when Windows headers come first. */
#ifndef COM_RIGHTS_EXECUTE
#define COM_RIGHTS_EXECUTE          0x01u
#define COM_RIGHTS_EXECUTE_LOCAL    0x02u
#define COM_RIGHTS_EXECUTE_REMOTE   0x04u
#define COM_RIGHTS_ACTIVATE_LOCAL   0x08u
#define COM_RIGHTS_ACTIVATE_REMOTE  0x10u
#endif
#define COM_RIGHTS_ALL              0x1Fu

enum dcom_kind { DCOM_LAUNCH, DCOM_ACCESS };

/* Where the rule in force comes from. */
enum dcom_source {
    DCOM_FROM_APPID,     /* LaunchPermission / AccessPermission under our AppID */
    DCOM_FROM_DEFAULT,   /* DefaultLaunchPermission / DefaultAccessPermission */
    DCOM_FROM_BUILTIN    /* neither value: Windows' built-in default */
};

enum dcom_verdict {
    DCOM_GRANTED,
    DCOM_DENIED,         /* no allow ACE for the account (or a deny first) */
    DCOM_DENIED_LIMIT,   /* the rule grants it, the machine-wide limit does not */
    DCOM_INVALID         /* the value is not a valid COM security descriptor */
};

/* One rule as read from the registry: present, and its bytes. */
struct dcom_value {
    int present;
    const unsigned char *sd;
    size_t len;
};

/* What was found for one kind (launch or access). */
struct dcom_eval {
    enum dcom_verdict verdict;
    enum dcom_source source;
    int old_format;            /* the rule in force grants COM_RIGHTS_EXECUTE only */
    uint32_t granted;          /* the local rights it grants the account (old format: mapped) */
    int denied_by_ace;         /* a deny ACE for one of the account's SIDs took a needed right */
    struct sd_sid deny_sid;    /* that ACE's SID */
    const char *invalid_why;   /* DCOM_INVALID: what is wrong */
    int invalid_is_limit;      /* DCOM_INVALID: in the limit, not the rule */
};

/* The local rights KIND needs, new format. */
uint32_t dcom_needed(enum dcom_kind kind);
/* Which rule applies: the AppID's value when present, else the machine
 * default, else the built-in one. */
enum dcom_source dcom_source_of(int appid_present, int default_present);
/* "LaunchPermission", "DefaultAccessPermission", "the built-in default", ... */
const char *dcom_source_name(enum dcom_kind kind, enum dcom_source source);
/* "MachineLaunchRestriction" / "MachineAccessRestriction". */
const char *dcom_limit_name(enum dcom_kind kind);

/* Is SD a valid COM permission descriptor (sd_parse, then every ACE with
 * COM_RIGHTS_EXECUTE, the two formats not mixed)?  0, or -1 with *WHY. *OLD
 * is set when every ACE grants COM_RIGHTS_EXECUTE only. */
int dcom_sd_check(const void *sd, size_t len, struct sd_view *view, int *old, const char **why);

/* The local rights of the account whose token holds TOKEN[0..N) under the
 * descriptor (old format: COM_RIGHTS_EXECUTE grants every local right). */
uint32_t dcom_local_rights(const struct sd_view *view, int old, const struct sd_sid *token, size_t n);

/* The whole decision for one kind: APPID and DEFAULT as read, LIMIT the
 * machine-wide restriction (not present: no limit), the account's token.
 * The built-in defaults are those of MSDN's pages, above; SERVER_IS_CALLER
 * says that the server runs as the account that launched it (EMPKP has no
 * RunAs), which the built-in access default grants. */
void dcom_evaluate(enum dcom_kind kind, const struct dcom_value *appid, const struct dcom_value *def,
                   const struct dcom_value *limit, const struct sd_sid *token, size_t n,
                   struct dcom_eval *out);

/* What the account needs granted by the rule in force for KIND, for a
 * repair: the rights (old format: COM_RIGHTS_EXECUTE) of an allow ACE. */
uint32_t dcom_repair_mask(enum dcom_kind kind, int old_format);

/* A new self-relative descriptor: SD (NULL: one with an empty DACL, owner
 * and group Administrators) with an allow ACE for SID and MASK appended to
 * its DACL, so that every rule the administrator wrote stays as it was and
 * in its order.  The SACL, which DCOM does not read, is not copied.  Writes
 * at most SIZE bytes to OUT; returns the length, or 0 when SD is not valid,
 * has no DACL (a NULL DACL already grants everyone), or OUT is too small. */
size_t dcom_sd_add_allow(const void *sd, size_t len, struct sd_sid sid, uint32_t mask,
                         unsigned char *out, size_t size);

/* The built-in default for KIND as a descriptor (launch: Administrators,
 * SYSTEM, INTERACTIVE, with every right; access: SYSTEM; old format, as
 * Windows 2000 and Server 2003 before SP1 write them), for a repair that
 * must start from it.  Returns the length, or 0 when SIZE is too small. */
size_t dcom_builtin_sd(enum dcom_kind kind, unsigned char *out, size_t size);

#endif
