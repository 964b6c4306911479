/* See publish_plan.h. */
#include "publish_plan.h"

#include <string.h>

#include "keyblob.h"

enum publish_plan publish_plan(enum store_state store, enum data0_state data0)
{
    switch (store) {
    case STORE_PRESENT:
        return data0 == DATA0_MATCHES ? PLAN_NOTHING : PLAN_REWRITE_DATA0;
    case STORE_ABSENT:
    case STORE_CORRUPT:
        return PLAN_NEW_KEY;
    case STORE_ERROR:
    default:
        /* Not being able to read the store says nothing about the key in
         * it; replacing it would silently break stored credentials. */
        return PLAN_FAIL;
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
