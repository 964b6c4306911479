/* See publish_plan.h. */
#include "publish_plan.h"

#include <stdio.h>
#include <string.h>

#include "crypto/keyblob.h"

enum publish_plan publish_plan(enum store_state store, enum data0_state data0)
{
    switch (store) {
    case STORE_PRESENT:
        return data0 == DATA0_MATCHES ? PLAN_NOTHING : PLAN_REWRITE_DATA0;
    case STORE_ABSENT:
    case STORE_CORRUPT:
        return PLAN_NEW_KEY;
    case STORE_UNTRUSTED:
        /* Someone else could read, replace or delete the key, or already
         * put their own there: neither use it nor write into it. */
        return PLAN_UNTRUSTED;
    case STORE_HIDDEN:
    case STORE_ERROR:
    default:
        /* Not being able to read the store says nothing about the key in
         * it; replacing it would silently break stored credentials. */
        return PLAN_FAIL;
    }
}

enum store_state publish_create_outcome(uint32_t err)
{
    if (err == 0)
        return STORE_ABSENT;
    if (err == PUBLISH_NTE_EXISTS)
        return STORE_HIDDEN;
    return STORE_ERROR;
}

static void who_text(struct sd_sid s, char *buf, size_t size)
{
    const char *name = sd_sid_wellknown_name(s);

    if (name)
        snprintf(buf, size, "%s", name);
    else
        sd_sid_to_string(s, buf, size);
}

enum sd_trust publish_sd_judge(const void *sd, size_t len, uint32_t rights,
                               struct sd_sid caller_owner, char *why, size_t why_size)
{
    struct sd_sid trusted[3], who;
    struct sd_view v;
    struct sd_ace ace;
    char name[200];
    size_t n = 2;
    unsigned i;

    if (why && why_size)
        why[0] = 0;
    trusted[0] = SD_SID_SYSTEM;
    trusted[1] = SD_SID_ADMINISTRATORS;
    if (caller_owner.len && sd_sid_parse(caller_owner.p, caller_owner.len, NULL))
        trusted[n++] = caller_owner;
    if (!sd || sd_parse(sd, len, &v) != 0) {
        if (why)
            snprintf(why, why_size, "its security descriptor is malformed");
        return SD_UNREADABLE;
    }
    if (!v.owner.len || !sd_sid_in(v.owner, trusted, n)) {
        if (why) {
            if (v.owner.len)
                who_text(v.owner, name, sizeof(name));
            snprintf(why, why_size, "its owner is %s, not SYSTEM or Administrators",
                     v.owner.len ? name : "not set");
        }
        return SD_FOREIGN_OWNER;
    }
    if (sd_grants_outside(&v, trusted, n, rights, NULL, &who)) {
        if (why) {
            if (!who.len) {
                snprintf(why, why_size, "it has no DACL: everyone may use it");
            } else {
                uint32_t mask = 0;
                for (i = 0; i < v.ace_count; i++)
                    if (sd_ace_at(&v, i, &ace) == 0 && ace.sid.p == who.p)
                        mask = ace.mask;
                who_text(who, name, sizeof(name));
                snprintf(why, why_size, "its DACL allows %s 0x%08lX", name, (unsigned long)mask);
            }
        }
        return SD_FOREIGN_GRANT;
    }
    return SD_TRUSTED;
}

static int is_full(uint32_t mask)
{
    /* GENERIC_ALL, a file's, a registry key's and a mutex's full control */
    return mask == SD_GENERIC_ALL || mask == 0x1F01FFu || mask == 0xF003Fu || mask == 0x1F0001u;
}

void publish_sd_describe(const void *sd, size_t len, char *out, size_t size)
{
    struct sd_view v;
    struct sd_ace ace;
    char name[200];
    size_t used;
    unsigned i, pass;
    int n;

    if (!out || !size)
        return;
    if (!sd || sd_parse(sd, len, &v) != 0) {
        snprintf(out, size, "malformed security descriptor");
        return;
    }
    if (v.owner.len)
        who_text(v.owner, name, sizeof(name));
    n = snprintf(out, size, "owner %s", v.owner.len ? name : "(none)");
    used = n < 0 ? 0 : (size_t)n;
    if (!v.dacl_present || !v.dacl) {
        if (used < size)
            snprintf(out + used, size - used, "; no DACL (everyone: full)");
        return;
    }
    /* denied first, as Windows orders them; inherit-only ACEs do not apply */
    for (pass = 0; pass < 2; pass++) {
        int first = 1;
        for (i = 0; i < v.ace_count && used < size; i++) {
            if (sd_ace_at(&v, i, &ace) || (ace.flags & SD_ACE_INHERIT_ONLY) || !ace.sid.len)
                continue;
            if ((pass == 0) != (ace.type == SD_ACE_DENIED))
                continue;
            who_text(ace.sid, name, sizeof(name));
            if (is_full(ace.mask))
                n = snprintf(out + used, size - used, "%s%s full", first ? (pass ? "; allowed: " : "; denied: ") : ", ", name);
            else
                n = snprintf(out + used, size - used, "%s%s 0x%08lX", first ? (pass ? "; allowed: " : "; denied: ") : ", ", name, (unsigned long)ace.mask);
            if (n < 0)
                return;
            used += (size_t)n;
            first = 0;
        }
        if (pass == 1 && first && used < size)
            snprintf(out + used, size - used, "; allowed: nobody");
    }
}

enum data0_state data0_state_of(int present, int is_binary,
                                const unsigned char *data0, size_t data0_len,
                                const unsigned char *stored, size_t stored_len)
{
    if (!present)
        return DATA0_MISSING;
    if (!is_binary || !data0 || !stored || data0_len != stored_len ||
        memcmp(data0, stored, stored_len) != 0)
        return DATA0_DIFFERS;
    return DATA0_MATCHES;
}

unsigned publish_key_bits(int present, int is_dword, uint32_t value)
{
    if (!present)
        return KEYBLOB_DEFAULT_BITS;
    if (is_dword && keyblob_bits_allowed(value))
        return value;
    return 0;
}

const char *publish_plan_name(enum publish_plan plan)
{
    switch (plan) {
    case PLAN_NOTHING:       return "nothing to do";
    case PLAN_REWRITE_DATA0: return "rewrite DATA0 from the stored key";
    case PLAN_NEW_KEY:       return "generate a new key pair";
    case PLAN_FAIL:          return "fail without changes";
    case PLAN_UNTRUSTED:     return "refuse the untrusted key container";
    }
    return "unknown plan";
}

const char *data0_state_name(enum data0_state state)
{
    switch (state) {
    case DATA0_MATCHES: return "equal to the stored key";
    case DATA0_MISSING: return "missing";
    case DATA0_DIFFERS: return "not the stored key's public blob";
    }
    return "unknown";
}

const char *sd_trust_name(enum sd_trust t)
{
    switch (t) {
    case SD_TRUSTED:       return "trusted";
    case SD_UNREADABLE:    return "malformed";
    case SD_FOREIGN_OWNER: return "foreign owner";
    case SD_FOREIGN_GRANT: return "grants another account";
    }
    return "unknown";
}
