/* Security descriptors read and judged in plain C (common/sdcheck.c), on
 * descriptors assembled byte by byte here as Windows lays them out. */
#include <string.h>

#include <check.h>

#include "common/sdcheck.h"
#include "sd_builder.h"
#include "suites.h"

#define KEY_ALL_ACCESS_ 0xF003Fu
#define KEY_READ_       0x20019u
#define KEY_WRITE_      0x20006u

static const struct sd_sid *trusted(void)
{
    static struct sd_sid t[2];
    t[0] = SD_SID_SYSTEM;
    t[1] = SD_SID_ADMINISTRATORS;
    return t;
}

static const struct sd_generic_map key_map = {KEY_READ_, KEY_WRITE_, KEY_READ_, KEY_ALL_ACCESS_};

START_TEST(test_sid_strings)
{
    char buf[64];

    ck_assert(sd_sid_to_string(SD_SID_SYSTEM, buf, sizeof(buf)));
    ck_assert_str_eq(buf, "S-1-5-18");
    ck_assert(sd_sid_to_string(SD_SID_ADMINISTRATORS, buf, sizeof(buf)));
    ck_assert_str_eq(buf, "S-1-5-32-544");
    ck_assert(sd_sid_to_string(SD_SID_EVERYONE, buf, sizeof(buf)));
    ck_assert_str_eq(buf, "S-1-1-0");
    ck_assert(!sd_sid_to_string(SD_SID_ADMINISTRATORS, buf, 12));
    ck_assert_str_eq(buf, "?");
    ck_assert(sd_sid_to_string(SD_SID_ADMINISTRATORS, buf, 13));
    ck_assert_str_eq(buf, "S-1-5-32-544");
    ck_assert_str_eq(sd_sid_wellknown_name(SD_SID_ADMINISTRATORS), "Administrators");
    ck_assert_ptr_null(sd_sid_wellknown_name((struct sd_sid){SD_SID_ADMINISTRATORS.p, 12}));
    ck_assert(!sd_sid_equal(SD_SID_SYSTEM, SD_SID_SERVICE));
}
END_TEST

START_TEST(test_sid_parse_bounds)
{
    unsigned char sid[8 + 4 * 16] = {1, 15};
    size_t len = 0;

    ck_assert(sd_sid_parse(sid, 8 + 4 * 15, &len));
    ck_assert_uint_eq(len, 68);
    ck_assert(!sd_sid_parse(sid, 8 + 4 * 15 - 1, &len));
    sid[1] = 16;
    ck_assert(!sd_sid_parse(sid, sizeof(sid), &len));
    sid[1] = 0;
    sid[0] = 2;
    ck_assert(!sd_sid_parse(sid, sizeof(sid), &len));
}
END_TEST

START_TEST(test_system_and_admins_only_is_trusted)
{
    unsigned char buf[256];
    const struct ace_spec aces[] = {
        {SD_ACE_ALLOWED, 0, KEY_ALL_ACCESS_, &SD_SID_SYSTEM},
        {SD_ACE_ALLOWED, 0, SD_GENERIC_ALL, &SD_SID_ADMINISTRATORS},
    };
    size_t len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 1, aces, 2);
    struct sd_view v;
    struct sd_sid who;

    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_uint_eq(v.ace_count, 2);
    ck_assert(sd_sid_equal(v.owner, SD_SID_SYSTEM));
    ck_assert(!sd_grants_outside(&v, trusted(), 2, 0xFFFFFFFFu, &key_map, &who));
    ck_assert_uint_eq(who.len, 0);
}
END_TEST

START_TEST(test_outsider_found_by_right)
{
    unsigned char buf[256];
    const struct ace_spec aces[] = {
        {SD_ACE_ALLOWED, 0, KEY_ALL_ACCESS_, &SD_SID_SYSTEM},
        {SD_ACE_ALLOWED, 0, SD_GENERIC_READ, &SD_SID_EVERYONE},
        {SD_ACE_ALLOWED, SD_ACE_INHERIT_ONLY, SD_GENERIC_ALL, &SD_SID_USERS},
    };
    size_t len = build_sd(buf, sizeof(buf), &SD_SID_ADMINISTRATORS, 1, aces, 3);
    struct sd_view v;
    struct sd_sid who;

    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    /* Everyone may read (generic read, mapped), but write only through an
     * inherit-only ACE, which does not apply to the object. */
    ck_assert(sd_grants_outside(&v, trusted(), 2, KEY_READ_, &key_map, &who));
    ck_assert(sd_sid_equal(who, SD_SID_EVERYONE));
    ck_assert(!sd_grants_outside(&v, trusted(), 2, 0x00000006u, &key_map, &who));
    /* Unmapped, GENERIC_READ is just a bit: no KEY_READ bits granted. */
    ck_assert(!sd_grants_outside(&v, trusted(), 2, KEY_READ_, NULL, NULL));
}
END_TEST

START_TEST(test_null_and_missing_dacl_grant_everyone)
{
    unsigned char buf[128];
    size_t len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 0, NULL, 0);
    struct sd_view v;
    struct sd_sid everyone = SD_SID_EVERYONE;

    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert(sd_grants_outside(&v, trusted(), 2, 1, NULL, NULL));
    ck_assert_uint_eq(sd_access(&v, &everyone, 1, 0x1F, NULL), 0x1F);
    /* DACL present with offset 0: a NULL DACL. */
    sd_put16(buf + 2, SD_CONTROL_SELF_RELATIVE | SD_CONTROL_DACL_PRESENT);
    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_ptr_null(v.dacl);
    ck_assert(sd_grants_outside(&v, trusted(), 2, 1, NULL, NULL));
    ck_assert_uint_eq(sd_access(&v, &everyone, 1, 0x1F, NULL), 0x1F);
}
END_TEST

START_TEST(test_empty_dacl_grants_nothing)
{
    unsigned char buf[128];
    size_t len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 1, NULL, 0);
    struct sd_view v;

    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_uint_eq(sd_access(&v, trusted(), 2, 0x1F, NULL), 0);
    ck_assert(!sd_grants_outside(&v, trusted(), 2, 0xFFFFFFFFu, NULL, NULL));
}
END_TEST

START_TEST(test_access_evaluates_in_order)
{
    unsigned char buf[256];
    const struct ace_spec deny_first[] = {
        {SD_ACE_DENIED, 0, 0x1, &SD_SID_SERVICE},
        {SD_ACE_ALLOWED, 0, 0xB, &SD_SID_EVERYONE},
    };
    const struct ace_spec allow_first[] = {
        {SD_ACE_ALLOWED, 0, 0xB, &SD_SID_EVERYONE},
        {SD_ACE_DENIED, 0, 0x1, &SD_SID_SERVICE},
    };
    struct sd_sid system_token[] = {SD_SID_SYSTEM, SD_SID_EVERYONE, SD_SID_SERVICE,
                                    SD_SID_ADMINISTRATORS};
    struct sd_sid admin_token[] = {SD_SID_EVERYONE, SD_SID_ADMINISTRATORS};
    struct sd_view v;
    size_t len;

    len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 1, deny_first, 2);
    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_uint_eq(sd_access(&v, system_token, 4, 0xB, NULL), 0xA);
    ck_assert_uint_eq(sd_access(&v, admin_token, 2, 0xB, NULL), 0xB);
    len = build_sd(buf, sizeof(buf), &SD_SID_SYSTEM, 1, allow_first, 2);
    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_uint_eq(sd_access(&v, system_token, 4, 0xB, NULL), 0xB);
    /* Only what was asked for. */
    ck_assert_uint_eq(sd_access(&v, admin_token, 2, 0x3, NULL), 0x3);
    ck_assert_uint_eq(sd_access(&v, admin_token, 2, 0x4, NULL), 0x0);
}
END_TEST

START_TEST(test_every_truncation_is_refused)
{
    unsigned char buf[256];
    const struct ace_spec aces[] = {
        {SD_ACE_ALLOWED, 0, KEY_ALL_ACCESS_, &SD_SID_SYSTEM},
        {SD_ACE_DENIED, 0, KEY_WRITE_, &SD_SID_EVERYONE},
    };
    size_t len = build_sd(buf, sizeof(buf), &SD_SID_ADMINISTRATORS, 1, aces, 2), cut;
    struct sd_view v;

    for (cut = 0; cut < len; cut++)
        ck_assert_msg(sd_parse(buf, cut, &v) == -1, "parsed at %zu of %zu", cut, len);
    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
}
END_TEST

START_TEST(test_malformed_parts_are_refused)
{
    unsigned char good[256], buf[256];
    const struct ace_spec aces[] = {{SD_ACE_ALLOWED, 0, KEY_ALL_ACCESS_, &SD_SID_SYSTEM}};
    size_t len = build_sd(good, sizeof(good), &SD_SID_SYSTEM, 1, aces, 1);
    size_t acl = 20 + SD_SID_SYSTEM.len, ace = acl + 8;
    struct sd_view v;

    ck_assert_int_eq(sd_parse(good, len, &v), 0);
#define MUTATE(stmt) do { memcpy(buf, good, len); stmt; \
        ck_assert_msg(sd_parse(buf, len, &v) == -1, "%s", #stmt); } while (0)
    MUTATE(buf[0] = 2);                                   /* SD revision */
    MUTATE(sd_put16(buf + 2, SD_CONTROL_DACL_PRESENT));      /* absolute, not self-relative */
    MUTATE(sd_put32(buf + 4, 8));                            /* owner inside the header */
    MUTATE(sd_put32(buf + 4, (uint32_t)len));                /* owner past the end */
    MUTATE(buf[20 + 1] = 15);                             /* owner SID longer than the SD */
    MUTATE(buf[acl] = 3);                                 /* ACL revision */
    MUTATE(sd_put16(buf + acl + 2, 4));                      /* ACL smaller than its header */
    MUTATE(sd_put16(buf + acl + 2, (unsigned)(len - acl + 4))); /* ACL past the end */
    MUTATE(sd_put16(buf + acl + 4, 2));                      /* more ACEs than it holds */
    MUTATE(sd_put16(buf + ace + 2, 0));                      /* ACE of size 0 */
    MUTATE(sd_put16(buf + ace + 2, 7));                      /* ACE smaller than its header */
    MUTATE(sd_put16(buf + ace + 2, (unsigned)(len - ace + 4))); /* ACE past the ACL */
    MUTATE(buf[ace + 9] = 5);                             /* ACE's SID past the ACE */
#undef MUTATE
    ck_assert_int_eq(sd_parse(NULL, len, &v), -1);
}
END_TEST

START_TEST(test_object_ace_sid_after_guids)
{
    unsigned char buf[256];
    const struct ace_spec aces[] = {{SD_ACE_ALLOWED, 0, 1, &SD_SID_SYSTEM}};
    size_t len = build_sd(buf, sizeof(buf), NULL, 1, aces, 1);
    size_t ace = 20 + 8, obj_size = 12 + 16 + SD_SID_USERS.len;
    struct sd_view v;
    struct sd_ace a;
    struct sd_sid who;

    /* Replace the one ACE with an allowed-object ACE: mask, flags (one
     * GUID present), the GUID, then the SID. */
    buf[ace] = 0x05;
    sd_put16(buf + ace + 2, (unsigned)obj_size);
    sd_put32(buf + ace + 8, 1);
    memset(buf + ace + 12, 0xAB, 16);
    memcpy(buf + ace + 28, SD_SID_USERS.p, SD_SID_USERS.len);
    len = ace + obj_size;
    sd_put16(buf + 20 + 2, (unsigned)(len - 20));
    ck_assert_int_eq(sd_parse(buf, len, &v), 0);
    ck_assert_int_eq(sd_ace_at(&v, 0, &a), 0);
    ck_assert(sd_sid_equal(a.sid, SD_SID_USERS));
    ck_assert_uint_eq(v.owner.len, 0);
    ck_assert(sd_grants_outside(&v, trusted(), 2, 1, NULL, &who));
    ck_assert(sd_sid_equal(who, SD_SID_USERS));
    /* AccessCheck's plain evaluation does not apply object ACEs. */
    ck_assert_uint_eq(sd_access(&v, &who, 1, 1, NULL), 0);
}
END_TEST

Suite *sdcheck_suite(void)
{
    Suite *s = suite_create("sdcheck");
    TCase *tc = tcase_create("sdcheck");

    tcase_add_test(tc, test_sid_strings);
    tcase_add_test(tc, test_sid_parse_bounds);
    tcase_add_test(tc, test_system_and_admins_only_is_trusted);
    tcase_add_test(tc, test_outsider_found_by_right);
    tcase_add_test(tc, test_null_and_missing_dacl_grant_everyone);
    tcase_add_test(tc, test_empty_dacl_grants_nothing);
    tcase_add_test(tc, test_access_evaluates_in_order);
    tcase_add_test(tc, test_every_truncation_is_refused);
    tcase_add_test(tc, test_malformed_parts_are_refused);
    tcase_add_test(tc, test_object_ace_sid_after_guids);
    suite_add_tcase(s, tc);
    return s;
}
