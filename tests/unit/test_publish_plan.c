/* Publish's decisions (common/publish_plan.c): the state table of README. */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "crypto/keyblob.h"
#include "common/publish_plan.h"
#include "sd_builder.h"
#include "suites.h"

START_TEST(test_plan_table)
{
    static const struct {
        enum store_state store;
        enum data0_state data0;
        enum publish_plan want;
    } rows[] = {
        { STORE_PRESENT, DATA0_MATCHES, PLAN_NOTHING },
        { STORE_PRESENT, DATA0_MISSING, PLAN_REWRITE_DATA0 },
        { STORE_PRESENT, DATA0_DIFFERS, PLAN_REWRITE_DATA0 },
        { STORE_ABSENT,  DATA0_MATCHES, PLAN_NEW_KEY },
        { STORE_ABSENT,  DATA0_MISSING, PLAN_NEW_KEY },
        { STORE_ABSENT,  DATA0_DIFFERS, PLAN_NEW_KEY },
        { STORE_CORRUPT, DATA0_MISSING, PLAN_NEW_KEY },
        { STORE_CORRUPT, DATA0_DIFFERS, PLAN_NEW_KEY },
        { STORE_ERROR,   DATA0_MATCHES, PLAN_FAIL },
        { STORE_ERROR,   DATA0_MISSING, PLAN_FAIL },
        { STORE_ERROR,   DATA0_DIFFERS, PLAN_FAIL },
        /* exists, but this account may not open it: never a new pair */
        { STORE_HIDDEN,  DATA0_MATCHES, PLAN_FAIL },
        { STORE_HIDDEN,  DATA0_MISSING, PLAN_FAIL },
        { STORE_HIDDEN,  DATA0_DIFFERS, PLAN_FAIL },
        /* someone else controls it: neither used nor written into */
        { STORE_UNTRUSTED, DATA0_MATCHES, PLAN_UNTRUSTED },
        { STORE_UNTRUSTED, DATA0_MISSING, PLAN_UNTRUSTED },
        { STORE_UNTRUSTED, DATA0_DIFFERS, PLAN_UNTRUSTED },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ck_assert_msg(publish_plan(rows[i].store, rows[i].data0) == rows[i].want,
                      "row %u: got %s", (unsigned)i,
                      publish_plan_name(publish_plan(rows[i].store, rows[i].data0)));
}
END_TEST

START_TEST(test_create_outcome)
{
    /* Created: it really was absent.  NTE_EXISTS: "no such container" was
     * "not for you", and the plan for that is to change nothing. */
    ck_assert_int_eq(publish_create_outcome(0), STORE_ABSENT);
    ck_assert_int_eq(publish_create_outcome(PUBLISH_NTE_EXISTS), STORE_HIDDEN);
    ck_assert_int_eq(publish_plan(publish_create_outcome(PUBLISH_NTE_EXISTS), DATA0_MATCHES), PLAN_FAIL);
    ck_assert_int_eq(publish_create_outcome(5), STORE_ERROR);
    ck_assert_int_eq(publish_create_outcome(PUBLISH_NTE_BAD_KEYSET), STORE_ERROR);
    ck_assert_int_eq(publish_plan(publish_create_outcome(5), DATA0_MISSING), PLAN_FAIL);
}
END_TEST

/* --- whose container, whose lock: crafted self-relative descriptors ------ */

/* S-1-5-21-1-2-3-1001: some local account (the squatter); S-1-5-21-0-0-0-513:
 * Wine's token owner. */
static const unsigned char squatter_bytes[] = { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                                2, 0, 0, 0, 3, 0, 0, 0, 0xE9, 3, 0, 0 };
static const struct sd_sid squatter = { squatter_bytes, sizeof(squatter_bytes) };
static const unsigned char wine_owner_bytes[] = { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0, 0, 0, 0,
                                                  0, 0, 0, 0, 0, 0, 0, 0, 0x01, 2, 0, 0 };
static const struct sd_sid wine_owner = { wine_owner_bytes, sizeof(wine_owner_bytes) };
static const struct sd_sid nobody = { NULL, 0 };

#define FILE_ALL_ 0x1F01FFu
#define FILE_READ_DATA_ 0x1u
#define READ_CONTROL_ 0x20000u
#define SYNCHRONIZE_ 0x100000u
#define WRITE_DAC_ 0x40000u
#define WRITE_OWNER_ 0x80000u
#define DELETE_ 0x10000u

static enum sd_trust judge(const struct sd_sid *owner, int dacl, const struct ace_spec *aces, size_t n,
                           uint32_t rights, struct sd_sid caller, char *why, size_t why_size)
{
    unsigned char buf[512];
    size_t len = build_sd(buf, sizeof(buf), owner, dacl, aces, n);

    return publish_sd_judge(buf, len, rights, caller, why, why_size);
}

START_TEST(test_sd_ours)
{
    /* What we create: owner Administrators, SYSTEM and Administrators full */
    const struct ace_spec ours[] = {
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_SYSTEM },
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_ADMINISTRATORS },
    };
    unsigned char buf[512];
    char why[200], text[300];
    size_t len;

    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, ours, 2, PUBLISH_KEYSET_RIGHTS, nobody, why,
                           sizeof(why)), SD_TRUSTED);
    ck_assert_str_eq(why, "");
    ck_assert_int_eq(judge(&SD_SID_SYSTEM, 1, ours, 2, PUBLISH_LOCK_RIGHTS, nobody, NULL, 0), SD_TRUSTED);
    /* Wine reports its token owner: trusted only as the caller's own */
    ck_assert_int_eq(judge(&wine_owner, 1, ours, 2, PUBLISH_KEYSET_RIGHTS, wine_owner, NULL, 0),
                     SD_TRUSTED);
    ck_assert_int_eq(judge(&wine_owner, 1, ours, 2, PUBLISH_KEYSET_RIGHTS, nobody, NULL, 0),
                     SD_FOREIGN_OWNER);
    len = build_sd(buf, sizeof(buf), &SD_SID_ADMINISTRATORS, 1, ours, 2);
    publish_sd_describe(buf, len, text, sizeof(text));
    ck_assert_str_eq(text, "owner Administrators; allowed: SYSTEM full, Administrators full");
}
END_TEST

START_TEST(test_sd_squatted)
{
    const struct ace_spec squat[] = {
        { SD_ACE_ALLOWED, 0, FILE_ALL_, &squatter },
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_SYSTEM },
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_ADMINISTRATORS },
    };
    const struct ace_spec only_admins[] = {
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_SYSTEM },
        { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_ADMINISTRATORS },
    };
    unsigned char buf[512];
    char why[200], text[300];
    size_t len;

    /* the squatter owns it: even a DACL of admins only does not help (an
     * owner may rewrite the DACL at any time) */
    ck_assert_int_eq(judge(&squatter, 1, only_admins, 2, PUBLISH_KEYSET_RIGHTS, nobody, why,
                           sizeof(why)), SD_FOREIGN_OWNER);
    ck_assert_str_eq(why, "its owner is S-1-5-21-1-2-3-1001, not SYSTEM or Administrators");
    /* an administrator took ownership, but the squatter's ACE is still there */
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, squat, 3, PUBLISH_KEYSET_RIGHTS, nobody, why,
                           sizeof(why)), SD_FOREIGN_GRANT);
    ck_assert_str_eq(why, "its DACL allows S-1-5-21-1-2-3-1001 0x001F01FF");
    /* no owner at all; no DACL (everyone); malformed */
    ck_assert_int_eq(judge(NULL, 1, only_admins, 2, PUBLISH_KEYSET_RIGHTS, nobody, why, sizeof(why)),
                     SD_FOREIGN_OWNER);
    ck_assert_int_eq(judge(&SD_SID_SYSTEM, 0, NULL, 0, PUBLISH_KEYSET_RIGHTS, nobody, why, sizeof(why)),
                     SD_FOREIGN_GRANT);
    ck_assert_str_eq(why, "it has no DACL: everyone may use it");
    len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 1, only_admins, 2);
    ck_assert_int_eq(publish_sd_judge(buf, len - 1, PUBLISH_KEYSET_RIGHTS, nobody, NULL, 0), SD_UNREADABLE);
    ck_assert_int_eq(publish_sd_judge(NULL, 0, PUBLISH_KEYSET_RIGHTS, nobody, NULL, 0), SD_UNREADABLE);
    len = build_sd(buf, sizeof(buf), &squatter, 1, squat, 3);
    publish_sd_describe(buf, len, text, sizeof(text));
    ck_assert_str_eq(text, "owner S-1-5-21-1-2-3-1001; allowed: S-1-5-21-1-2-3-1001 full, SYSTEM full, "
                           "Administrators full");
    publish_sd_describe(buf, len, text, 12);   /* cut, still terminated */
    ck_assert_uint_eq(strlen(text), 11);
}
END_TEST

START_TEST(test_sd_rights_that_count)
{
    /* one ACE for Users at a time: which rights make the container or the
     * lock untrusted */
    static const struct {
        uint32_t mask;
        int keyset_bad, lock_bad;
    } rows[] = {
        { READ_CONTROL_, 0, 0 },                 /* read the DACL: harmless */
        { SYNCHRONIZE_, 0, 1 },                  /* wait on the lock = hold it */
        { 0x80u, 0, 1 },                         /* FILE_READ_ATTRIBUTES */
        { 0x8u, 0, 1 },                          /* FILE_READ_EA */
        { FILE_READ_DATA_, 1, 1 },               /* read the key file = use the key */
        { 0x2u, 1, 1 },                          /* write it */
        { DELETE_, 1, 1 },                       /* delete it */
        { WRITE_DAC_, 1, 1 },
        { WRITE_OWNER_, 1, 1 },
        { SD_GENERIC_READ, 1, 1 },               /* unmapped generic bits count */
        { SD_GENERIC_ALL, 1, 1 },
        { READ_CONTROL_ | SYNCHRONIZE_ | 0x88u, 0, 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct ace_spec aces[] = {
            { SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_SYSTEM },
            { SD_ACE_ALLOWED, 0, rows[i].mask, &SD_SID_USERS },
        };
        ck_assert_msg((judge(&SD_SID_ADMINISTRATORS, 1, aces, 2, PUBLISH_KEYSET_RIGHTS, nobody, NULL, 0)
                       != SD_TRUSTED) == rows[i].keyset_bad, "keyset row %u", (unsigned)i);
        ck_assert_msg((judge(&SD_SID_ADMINISTRATORS, 1, aces, 2, PUBLISH_LOCK_RIGHTS, nobody, NULL, 0)
                       != SD_TRUSTED) == rows[i].lock_bad, "lock row %u", (unsigned)i);
    }
    {
        /* inherit-only ACEs do not apply to the object (Wine's default
         * container DACL has one for Users); deny ACEs grant nothing */
        const struct ace_spec aces[] = {
            { SD_ACE_ALLOWED, SD_ACE_INHERIT_ONLY | 0x02, SD_GENERIC_READ, &SD_SID_USERS },
            { SD_ACE_DENIED, 0, SD_GENERIC_ALL, &SD_SID_EVERYONE },
            { SD_ACE_ALLOWED, 0, 0xF003Fu, &SD_SID_ADMINISTRATORS },
        };
        ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, aces, 3, PUBLISH_KEYSET_RIGHTS, nobody, NULL, 0),
                         SD_TRUSTED);
    }
}
END_TEST

START_TEST(test_data0_compare)
{
    static const unsigned char stored[] = { 6, 2, 0, 0, 0, 0xa4, 0, 0, 'R', 'S', 'A', '1' };
    unsigned char copy[sizeof(stored)];
    size_t i;

    for (i = 0; i < sizeof(stored); i++)
        copy[i] = stored[i];
    ck_assert_int_eq(data0_state_of(1, 1, copy, sizeof(copy), stored, sizeof(stored)), DATA0_MATCHES);
    ck_assert_int_eq(data0_state_of(0, 1, copy, sizeof(copy), stored, sizeof(stored)), DATA0_MISSING);
    /* truncated, longer, one bit off, right bytes but REG_SZ, empty */
    ck_assert_int_eq(data0_state_of(1, 1, copy, sizeof(copy) - 1, stored, sizeof(stored)), DATA0_DIFFERS);
    ck_assert_int_eq(data0_state_of(1, 1, copy, sizeof(copy), stored, sizeof(stored) - 1), DATA0_DIFFERS);
    copy[sizeof(copy) - 1] ^= 1;
    ck_assert_int_eq(data0_state_of(1, 1, copy, sizeof(copy), stored, sizeof(stored)), DATA0_DIFFERS);
    copy[sizeof(copy) - 1] ^= 1;
    ck_assert_int_eq(data0_state_of(1, 0, copy, sizeof(copy), stored, sizeof(stored)), DATA0_DIFFERS);
    ck_assert_int_eq(data0_state_of(1, 1, NULL, 0, stored, sizeof(stored)), DATA0_DIFFERS);
    /* Present but not read (over the registry reader's size limit): the
     * bytes are NULL with the value's size, and Publish rewrites it. */
    ck_assert_int_eq(data0_state_of(1, 0, NULL, sizeof(stored), stored, sizeof(stored)), DATA0_DIFFERS);
    /* No stored key to compare with: never a match, even for empty DATA0. */
    ck_assert_int_eq(data0_state_of(1, 1, copy, 0, NULL, 0), DATA0_DIFFERS);
    ck_assert_int_eq(data0_state_of(0, 1, NULL, 0, NULL, 0), DATA0_MISSING);
    /* The one decision Publish, /diagnose, empkpcred set and verify make:
     * only MATCHES leaves DATA0 alone. */
    ck_assert_int_eq(publish_plan(STORE_PRESENT, data0_state_of(1, 1, copy, sizeof(copy), stored,
                                                                sizeof(stored))), PLAN_NOTHING);
}
END_TEST

START_TEST(test_key_bits_setting)
{
    ck_assert_uint_eq(publish_key_bits(0, 0, 0), 2048);
    ck_assert_uint_eq(publish_key_bits(1, 1, 1024), 1024);   /* Base provider's limit */
    ck_assert_uint_eq(publish_key_bits(1, 1, 2048), 2048);
    ck_assert_uint_eq(publish_key_bits(1, 1, 3072), 3072);
    ck_assert_uint_eq(publish_key_bits(1, 1, 4096), 4096);
    /* refused, never clamped */
    ck_assert_uint_eq(publish_key_bits(1, 1, 768), 0);
    ck_assert_uint_eq(publish_key_bits(1, 1, 512), 0);
    ck_assert_uint_eq(publish_key_bits(1, 1, 2047), 0);
    ck_assert_uint_eq(publish_key_bits(1, 1, 8192), 0);
    ck_assert_uint_eq(publish_key_bits(1, 1, 0), 0);
    ck_assert_uint_eq(publish_key_bits(1, 1, 0xFFFFFFFFu), 0);
    ck_assert_uint_eq(publish_key_bits(1, 0, 2048), 0);   /* REG_SZ "2048" */
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_ne(publish_plan_name(PLAN_NOTHING), publish_plan_name(PLAN_NEW_KEY));
    ck_assert_str_eq(publish_plan_name((enum publish_plan)99), "unknown plan");
    ck_assert_str_eq(data0_state_name(DATA0_MISSING), "missing");
}
END_TEST

Suite *publish_plan_suite(void)
{
    Suite *s = suite_create("publish_plan");
    TCase *tc = tcase_create("decide");

    tcase_add_test(tc, test_plan_table);
    tcase_add_test(tc, test_create_outcome);
    tcase_add_test(tc, test_sd_ours);
    tcase_add_test(tc, test_sd_squatted);
    tcase_add_test(tc, test_sd_rights_that_count);
    tcase_add_test(tc, test_data0_compare);
    tcase_add_test(tc, test_key_bits_setting);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}
