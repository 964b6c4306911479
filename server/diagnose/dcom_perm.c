/* DCOM launch and access permissions, decided in plain C (see dcom_perm.h). */
#include "dcom_perm.h"

#include <string.h>

#define NEW_BITS (COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_EXECUTE_REMOTE | \
                  COM_RIGHTS_ACTIVATE_LOCAL | COM_RIGHTS_ACTIVATE_REMOTE)

/* S-1-5-10, PRINCIPAL_SELF: dcomcnfg's "SELF" in the default access list. */
static const unsigned char self_sid[] = { 1, 1, 0, 0, 0, 0, 0, 5, 10, 0, 0, 0 };

static void put16(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

uint32_t dcom_needed(enum dcom_kind kind)
{
    return kind == DCOM_LAUNCH ? COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_ACTIVATE_LOCAL
                               : COM_RIGHTS_EXECUTE_LOCAL;
}

enum dcom_source dcom_source_of(int appid_present, int default_present)
{
    if (appid_present)
        return DCOM_FROM_APPID;
    return default_present ? DCOM_FROM_DEFAULT : DCOM_FROM_BUILTIN;
}

const char *dcom_source_name(enum dcom_kind kind, enum dcom_source source)
{
    switch (source) {
    case DCOM_FROM_APPID:
        return kind == DCOM_LAUNCH ? "LaunchPermission" : "AccessPermission";
    case DCOM_FROM_DEFAULT:
        return kind == DCOM_LAUNCH ? "DefaultLaunchPermission" : "DefaultAccessPermission";
    case DCOM_FROM_BUILTIN:
    default:
        return kind == DCOM_LAUNCH ? "the built-in launch default" : "the built-in access default";
    }
}

const char *dcom_limit_name(enum dcom_kind kind)
{
    return kind == DCOM_LAUNCH ? "MachineLaunchRestriction" : "MachineAccessRestriction";
}

int dcom_sd_check(const void *sd, size_t len, struct sd_view *view, int *old, const char **why)
{
    struct sd_ace ace;
    int any_new = 0, any_old = 0;
    unsigned i;

    *old = 0;
    *why = NULL;
    if (sd_parse(sd, len, view)) {
        *why = "not a well-formed self-relative security descriptor";
        return -1;
    }
    for (i = 0; view->dacl && i < view->ace_count; i++) {
        if (sd_ace_at(view, i, &ace)) {
            *why = "an ACE is malformed";
            return -1;
        }
        if (ace.type != SD_ACE_ALLOWED && ace.type != SD_ACE_DENIED)
            continue;
        if (!(ace.mask & COM_RIGHTS_EXECUTE)) {
            *why = "an ACE lacks COM_RIGHTS_EXECUTE, which every COM ACE must have";
            return -1;
        }
        if (ace.mask & NEW_BITS)
            any_new = 1;
        else
            any_old = 1;
    }
    if (any_new && any_old) {
        *why = "it mixes ACEs of the format before Windows XP SP2 (COM_RIGHTS_EXECUTE only) "
               "with ACEs of the newer one";
        return -1;
    }
    *old = any_old && !any_new;
    return 0;
}

uint32_t dcom_local_rights(const struct sd_view *view, int old, const struct sd_sid *token, size_t n)
{
    uint32_t local = COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_ACTIVATE_LOCAL;

    if (old)
        return (sd_access(view, token, n, COM_RIGHTS_EXECUTE, NULL) & COM_RIGHTS_EXECUTE) ? local : 0;
    return sd_access(view, token, n, local, NULL);
}

/* The first deny ACE of VIEW for one of TOKEN's SIDs that takes one of
 * NEEDED (old format: COM_RIGHTS_EXECUTE) before an allow grants it. */
static int find_deny(const struct sd_view *view, int old, uint32_t needed, const struct sd_sid *token,
                     size_t n, struct sd_sid *who)
{
    uint32_t want = old ? COM_RIGHTS_EXECUTE : needed, granted = 0;
    struct sd_ace ace;
    unsigned i;

    for (i = 0; view->dacl && i < view->ace_count; i++) {
        if (sd_ace_at(view, i, &ace) || (ace.flags & SD_ACE_INHERIT_ONLY) || !sd_sid_in(ace.sid, token, n))
            continue;
        if (ace.type == SD_ACE_DENIED && (ace.mask & want & ~granted)) {
            *who = ace.sid;
            return 1;
        }
        if (ace.type == SD_ACE_ALLOWED)
            granted |= ace.mask & want;
    }
    return 0;
}

/* The built-in launch default: Administrators, SYSTEM, INTERACTIVE. */
static int builtin_launch_grants(const struct sd_sid *token, size_t n)
{
    return sd_sid_in(SD_SID_ADMINISTRATORS, token, n) || sd_sid_in(SD_SID_SYSTEM, token, n) ||
           sd_sid_in(SD_SID_INTERACTIVE, token, n);
}

void dcom_evaluate(enum dcom_kind kind, const struct dcom_value *appid, const struct dcom_value *def,
                   const struct dcom_value *limit, const struct sd_sid *token, size_t n,
                   struct dcom_eval *out)
{
    uint32_t needed = dcom_needed(kind);
    const struct dcom_value *rule;
    struct sd_view view;
    int old;
    const char *why;

    memset(out, 0, sizeof(*out));
    out->source = dcom_source_of(appid && appid->present, def && def->present);
    rule = out->source == DCOM_FROM_APPID ? appid : out->source == DCOM_FROM_DEFAULT ? def : NULL;
    if (rule) {
        if (!rule->sd || dcom_sd_check(rule->sd, rule->len, &view, &old, &why)) {
            out->verdict = DCOM_INVALID;
            out->invalid_why = rule->sd ? why : "it is not REG_BINARY, or too large";
            return;
        }
        out->old_format = old;
        out->granted = dcom_local_rights(&view, old, token, n);
        if ((out->granted & needed) != needed) {
            out->verdict = DCOM_DENIED;
            out->denied_by_ace = find_deny(&view, old, needed, token, n, &out->deny_sid);
            return;
        }
    } else if (kind == DCOM_LAUNCH) {
        out->old_format = 1;
        out->granted = builtin_launch_grants(token, n) ? needed : 0;
        if (!out->granted) {
            out->verdict = DCOM_DENIED;
            return;
        }
    } else {
        /* Only the server principal and SYSTEM: EMPKP runs as whoever
         * launched it, so its caller is its principal. */
        out->old_format = 1;
        out->granted = needed;
    }
    if (limit && limit->present) {
        if (!limit->sd || dcom_sd_check(limit->sd, limit->len, &view, &old, &why)) {
            out->verdict = DCOM_INVALID;
            out->invalid_why = limit->sd ? why : "it is not REG_BINARY, or too large";
            out->invalid_is_limit = 1;
            return;
        }
        if ((dcom_local_rights(&view, old, token, n) & needed) != needed) {
            out->verdict = DCOM_DENIED_LIMIT;
            out->denied_by_ace = find_deny(&view, old, needed, token, n, &out->deny_sid);
            return;
        }
    }
    out->verdict = DCOM_GRANTED;
}

uint32_t dcom_repair_mask(enum dcom_kind kind, int old_format)
{
    return old_format ? COM_RIGHTS_EXECUTE : COM_RIGHTS_EXECUTE | dcom_needed(kind);
}

/* A self-relative SD laid out as header, DACL, owner, group. */
static size_t assemble(const struct sd_sid *owner, const struct sd_sid *group, const unsigned char *acl,
                       size_t acl_len, unsigned ace_count, struct sd_sid add, uint32_t mask,
                       unsigned char *out, size_t size)
{
    size_t ace_len = 8 + add.len, new_acl = acl_len + ace_len, at;

    if (new_acl > 0xFFFF || ace_count >= 0xFFFF)
        return 0;
    if (20 + new_acl + owner->len + group->len > size)
        return 0;
    memset(out, 0, 20);
    out[0] = 1;
    put16(out + 2, SD_CONTROL_SELF_RELATIVE | SD_CONTROL_DACL_PRESENT);
    at = 20;
    put32(out + 16, (uint32_t)at);
    memcpy(out + at, acl, acl_len);
    put16(out + at + 2, new_acl);
    put16(out + at + 4, ace_count + 1);
    at += acl_len;
    out[at] = SD_ACE_ALLOWED;
    out[at + 1] = 0;
    put16(out + at + 2, ace_len);
    put32(out + at + 4, mask);
    memcpy(out + at + 8, add.p, add.len);
    at += ace_len;
    if (owner->len) {
        put32(out + 4, (uint32_t)at);
        memcpy(out + at, owner->p, owner->len);
        at += owner->len;
    }
    if (group->len) {
        put32(out + 8, (uint32_t)at);
        memcpy(out + at, group->p, group->len);
        at += group->len;
    }
    return at;
}

/* Where the ACEs of a parsed DACL end (its header's size may be larger). */
static size_t aces_end(const struct sd_view *v)
{
    size_t at = 8;
    unsigned i;

    for (i = 0; i < v->ace_count; i++)
        at += (size_t)(v->dacl[at + 2] | v->dacl[at + 3] << 8);
    return at;
}

size_t dcom_sd_add_allow(const void *sd, size_t len, struct sd_sid sid, uint32_t mask,
                         unsigned char *out, size_t size)
{
    static const unsigned char empty_acl[8] = { 2, 0, 8, 0, 0, 0, 0, 0 };
    struct sd_view v;
    size_t sid_len;

    if (!out || !sd_sid_parse(sid.p, sid.len, &sid_len) || sid_len != sid.len)
        return 0;
    if (!sd)
        return assemble(&SD_SID_ADMINISTRATORS, &SD_SID_ADMINISTRATORS, empty_acl, sizeof(empty_acl),
                        0, sid, mask, out, size);
    if (sd_parse(sd, len, &v) || !v.dacl_present || !v.dacl)
        return 0;
    /* sd_parse checked every ACE against the ACL's size. */
    return assemble(&v.owner, &v.group, v.dacl, aces_end(&v), v.ace_count, sid, mask, out, size);
}

size_t dcom_builtin_sd(enum dcom_kind kind, unsigned char *out, size_t size)
{
    const struct sd_sid self = { self_sid, sizeof(self_sid) };
    unsigned char a[256], b[256];
    size_t n;

    if (kind == DCOM_LAUNCH) {
        n = dcom_sd_add_allow(NULL, 0, SD_SID_ADMINISTRATORS, COM_RIGHTS_EXECUTE, a, sizeof(a));
        n = n ? dcom_sd_add_allow(a, n, SD_SID_SYSTEM, COM_RIGHTS_EXECUTE, b, sizeof(b)) : 0;
        return n ? dcom_sd_add_allow(b, n, SD_SID_INTERACTIVE, COM_RIGHTS_EXECUTE, out, size) : 0;
    }
    n = dcom_sd_add_allow(NULL, 0, self, COM_RIGHTS_EXECUTE, a, sizeof(a));
    return n ? dcom_sd_add_allow(a, n, SD_SID_SYSTEM, COM_RIGHTS_EXECUTE, out, size) : 0;
}
