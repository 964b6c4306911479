/* What Publish must do, decided from what it finds.  Plain C with no
 * Windows headers, so the native unit tests cover every state under the
 * sanitizers; server/publish.c gathers the facts and carries the plan out.
 *
 * | stored key          | DATA0                   | plan            |
 * |---------------------|-------------------------|-----------------|
 * | present             | equal to its public blob| nothing         |
 * | present             | missing / other bytes   | rewrite DATA0   |
 * | absent or corrupt   | anything                | new key pair    |
 * | could not be read   | anything                | fail, no change |
 */
#ifndef EMPKP_PUBLISH_PLAN_H
#define EMPKP_PUBLISH_PLAN_H

#include <stddef.h>
#include <stdint.h>

enum store_state {
    STORE_PRESENT,   /* the container holds a usable key exchange key */
    STORE_ABSENT,    /* no container, or a container without the key */
    STORE_CORRUPT,   /* there, but unreadable or not a key we can use */
    STORE_ERROR      /* could not look (access denied, provider missing):
                        never a reason to replace the key */
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
    PLAN_FAIL            /* report the store's error, change nothing */
};

enum publish_plan publish_plan(enum store_state store, enum data0_state data0);

/* DATA0 as read (present, REG_BINARY or not) against the stored public blob. */
enum data0_state data0_state_of(int present, int is_binary,
                                const unsigned char *data0, size_t data0_len,
                                const unsigned char *stored, size_t stored_len);

/* The key size for a new pair from the KeyBits setting: 2048 when absent;
 * the value when it is a REG_DWORD of 2048, 3072 or 4096; otherwise 0 (the
 * caller refuses, never clamps). */
unsigned publish_key_bits(int present, int is_dword, uint32_t value);

/* Human-readable names, for events and messages. */
const char *publish_plan_name(enum publish_plan plan);
const char *data0_state_name(enum data0_state state);

#endif
