/* Publish's decisions (server/publish_plan.c): the state table of README. */
#include <check.h>

#include "keyblob.h"
#include "publish_plan.h"
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
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ck_assert_msg(publish_plan(rows[i].store, rows[i].data0) == rows[i].want,
                      "row %u: got %s", (unsigned)i,
                      publish_plan_name(publish_plan(rows[i].store, rows[i].data0)));
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
}
END_TEST

START_TEST(test_key_bits_setting)
{
    ck_assert_uint_eq(publish_key_bits(0, 0, 0), 2048);
    ck_assert_uint_eq(publish_key_bits(1, 1, 2048), 2048);
    ck_assert_uint_eq(publish_key_bits(1, 1, 3072), 3072);
    ck_assert_uint_eq(publish_key_bits(1, 1, 4096), 4096);
    /* refused, never clamped */
    ck_assert_uint_eq(publish_key_bits(1, 1, 1024), 0);
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
    tcase_add_test(tc, test_data0_compare);
    tcase_add_test(tc, test_key_bits_setting);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}
