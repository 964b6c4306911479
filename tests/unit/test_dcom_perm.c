/* DCOM launch and access permissions decided in plain C
 * (server/diagnose/dcom_perm.c), on descriptors assembled byte by byte here as
 * dcomcnfg writes them. */
#include <string.h>

#include <check.h>

#include "server/diagnose/dcom_perm.h"
#include "sd_builder.h"
#include "suites.h"

#define NEW_LAUNCH 0x0Bu   /* EXECUTE | EXECUTE_LOCAL | ACTIVATE_LOCAL: dcomcnfg's local launch */
#define NEW_ACCESS 0x03u   /* EXECUTE | EXECUTE_LOCAL: dcomcnfg's local access */

/* Owner Administrators, DACL with ACES[0..N). */
static size_t build(unsigned char *buf, size_t size, const struct ace_spec *aces, size_t n)
{
    return build_sd(buf, size, &SD_SID_ADMINISTRATORS, 1, aces, n);
}

/* LocalSystem's token (MSDN "LocalSystem Account": SYSTEM and
 * Administrators, with Everyone and Authenticated Users). */
static const struct sd_sid *system_token(size_t *n)
{
    static struct sd_sid t[4];
    t[0] = SD_SID_SYSTEM;
    t[1] = SD_SID_ADMINISTRATORS;
    t[2] = SD_SID_EVERYONE;
    t[3] = SD_SID_AUTHENTICATED;
    *n = 4;
    return t;
}

/* A domain user who is in no local group: its SID, Everyone, Authenticated Users. */
static const unsigned char user_sid_bytes[] = {
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xE9, 3, 0, 0 };
static const struct sd_sid USER = { user_sid_bytes, sizeof(user_sid_bytes) };
static const struct sd_sid *user_token(size_t *n)
{
    static struct sd_sid t[3];
    t[0] = USER;
    t[1] = SD_SID_EVERYONE;
    t[2] = SD_SID_AUTHENTICATED;
    *n = 3;
    return t;
}

static struct dcom_value val(const unsigned char *sd, size_t len)
{
    struct dcom_value v = { 1, sd, len };
    return v;
}

static const struct dcom_value NONE = { 0, NULL, 0 };

START_TEST(test_names_and_sources)
{
    ck_assert_uint_eq(dcom_needed(DCOM_LAUNCH), COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_ACTIVATE_LOCAL);
    ck_assert_uint_eq(dcom_needed(DCOM_ACCESS), COM_RIGHTS_EXECUTE_LOCAL);
    ck_assert_int_eq(dcom_source_of(1, 1), DCOM_FROM_APPID);
    ck_assert_int_eq(dcom_source_of(1, 0), DCOM_FROM_APPID);
    ck_assert_int_eq(dcom_source_of(0, 1), DCOM_FROM_DEFAULT);
    ck_assert_int_eq(dcom_source_of(0, 0), DCOM_FROM_BUILTIN);
    ck_assert_str_eq(dcom_source_name(DCOM_LAUNCH, DCOM_FROM_APPID), "LaunchPermission");
    ck_assert_str_eq(dcom_source_name(DCOM_ACCESS, DCOM_FROM_APPID), "AccessPermission");
    ck_assert_str_eq(dcom_source_name(DCOM_LAUNCH, DCOM_FROM_DEFAULT), "DefaultLaunchPermission");
    ck_assert_str_eq(dcom_source_name(DCOM_ACCESS, DCOM_FROM_DEFAULT), "DefaultAccessPermission");
    ck_assert_str_eq(dcom_limit_name(DCOM_LAUNCH), "MachineLaunchRestriction");
    ck_assert_uint_eq(dcom_repair_mask(DCOM_LAUNCH, 0), NEW_LAUNCH);
    ck_assert_uint_eq(dcom_repair_mask(DCOM_ACCESS, 0), NEW_ACCESS);
    ck_assert_uint_eq(dcom_repair_mask(DCOM_LAUNCH, 1), COM_RIGHTS_EXECUTE);
}
END_TEST

/* Administrators only: LocalSystem's token holds Administrators, so SYSTEM
 * may launch; an action account outside Administrators may not. */
START_TEST(test_administrators_only)
{
    const struct ace_spec aces[] = { { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_ADMINISTRATORS } };
    unsigned char sd[128];
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), aces, 1));
    const struct sd_sid *t;
    struct dcom_eval e;
    size_t n;

    t = system_token(&n);
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    ck_assert_int_eq(e.source, DCOM_FROM_APPID);
    ck_assert(!e.old_format);
    t = user_token(&n);
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    ck_assert(!e.denied_by_ace);
    ck_assert_uint_eq(e.granted, 0);
}
END_TEST

START_TEST(test_interactive_only_keeps_system_out)
{
    const struct ace_spec aces[] = { { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_INTERACTIVE } };
    unsigned char sd[128];
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), aces, 1));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    /* The AppID's value wins over a machine default that would grant. */
    {
        const struct ace_spec all[] = { { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_EVERYONE } };
        unsigned char d[128];
        struct dcom_value def = val(d, build(d, sizeof(d), all, 1));
        dcom_evaluate(DCOM_LAUNCH, &appid, &def, &NONE, t, n, &e);
        ck_assert_int_eq(e.verdict, DCOM_DENIED);
        ck_assert_int_eq(e.source, DCOM_FROM_APPID);
    }
}
END_TEST

/* Remote rights alone do not let MOM's local script in. */
START_TEST(test_remote_rights_only_are_not_enough)
{
    const struct ace_spec aces[] = {
        { SD_ACE_ALLOWED, 0, COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_REMOTE | COM_RIGHTS_ACTIVATE_REMOTE,
          &SD_SID_SYSTEM },
        { SD_ACE_ALLOWED, 0, COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL, &SD_SID_EVERYONE },
    };
    unsigned char sd[128];
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), aces, 2));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    /* Launch needs ACTIVATE_LOCAL too, which nobody is given. */
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    ck_assert_uint_eq(e.granted, COM_RIGHTS_EXECUTE_LOCAL);
    /* Access needs EXECUTE_LOCAL only, which Everyone has. */
    dcom_evaluate(DCOM_ACCESS, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
}
END_TEST

START_TEST(test_old_format_execute_grants_every_local_right)
{
    const struct ace_spec aces[] = { { SD_ACE_ALLOWED, 0, COM_RIGHTS_EXECUTE, &SD_SID_SYSTEM } };
    unsigned char sd[128];
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), aces, 1));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    ck_assert(e.old_format);
    ck_assert_uint_eq(e.granted, COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_ACTIVATE_LOCAL);
    t = user_token(&n);
    dcom_evaluate(DCOM_ACCESS, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
}
END_TEST

/* AccessCheck's order: a deny for SYSTEM before the allow for Everyone. */
START_TEST(test_deny_first_is_named)
{
    const struct ace_spec aces[] = {
        { SD_ACE_DENIED, 0, NEW_LAUNCH, &SD_SID_SYSTEM },
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_EVERYONE },
    };
    const struct ace_spec late[] = {
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_EVERYONE },
        { SD_ACE_DENIED, 0, NEW_LAUNCH, &SD_SID_SYSTEM },
    };
    unsigned char sd[128];
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), aces, 2));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    ck_assert(e.denied_by_ace);
    ck_assert(sd_sid_equal(e.deny_sid, SD_SID_SYSTEM));
    /* A deny after the grant comes too late. */
    appid = val(sd, build(sd, sizeof(sd), late, 2));
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
}
END_TEST

START_TEST(test_invalid_descriptors)
{
    const struct ace_spec mixed[] = {
        { SD_ACE_ALLOWED, 0, COM_RIGHTS_EXECUTE, &SD_SID_ADMINISTRATORS },
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_SYSTEM },
    };
    const struct ace_spec no_execute[] = {
        { SD_ACE_ALLOWED, 0, COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_ACTIVATE_LOCAL, &SD_SID_SYSTEM },
    };
    unsigned char sd[128], junk[4] = { 1, 0, 4, 0x80 };
    struct dcom_value appid = val(sd, build(sd, sizeof(sd), mixed, 2));
    struct dcom_value not_binary = { 1, NULL, 0 };
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_INVALID);
    ck_assert_ptr_nonnull(strstr(e.invalid_why, "mixes"));
    appid = val(sd, build(sd, sizeof(sd), no_execute, 1));
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_INVALID);
    ck_assert_ptr_nonnull(strstr(e.invalid_why, "COM_RIGHTS_EXECUTE"));
    appid = val(junk, sizeof(junk));
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_INVALID);
    dcom_evaluate(DCOM_ACCESS, &NONE, &not_binary, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_INVALID);
    ck_assert_int_eq(e.source, DCOM_FROM_DEFAULT);
    ck_assert(!e.invalid_is_limit);
}
END_TEST

START_TEST(test_machine_default_applies_without_appid_value)
{
    const struct ace_spec aces[] = {
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_INTERACTIVE },
        { SD_ACE_ALLOWED, 0, NEW_ACCESS, &SD_SID_INTERACTIVE },
    };
    unsigned char sd[128];
    struct dcom_value def = val(sd, build(sd, sizeof(sd), aces, 1));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &NONE, &def, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    ck_assert_int_eq(e.source, DCOM_FROM_DEFAULT);
    dcom_evaluate(DCOM_ACCESS, &NONE, &def, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
}
END_TEST

START_TEST(test_builtin_defaults)
{
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &NONE, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    ck_assert_int_eq(e.source, DCOM_FROM_BUILTIN);
    t = user_token(&n);
    dcom_evaluate(DCOM_LAUNCH, &NONE, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    /* Access: the server principal is the launching account itself. */
    dcom_evaluate(DCOM_ACCESS, &NONE, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
}
END_TEST

START_TEST(test_machine_limit)
{
    const struct ace_spec rule[] = { { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_SYSTEM } };
    const struct ace_spec lim[] = { { SD_ACE_ALLOWED, 0, COM_RIGHTS_ALL, &SD_SID_INTERACTIVE } };
    const struct ace_spec xp_default[] = {
        { SD_ACE_ALLOWED, 0, COM_RIGHTS_ALL, &SD_SID_ADMINISTRATORS },
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_EVERYONE },
    };
    unsigned char a[128], l[128];
    struct dcom_value appid = val(a, build(a, sizeof(a), rule, 1));
    struct dcom_value limit = val(l, build(l, sizeof(l), lim, 1));
    struct dcom_eval e;
    size_t n;
    const struct sd_sid *t = system_token(&n);

    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &limit, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED_LIMIT);
    /* MSDN's default limit (Administrators everything, Everyone local) lets SYSTEM in. */
    limit = val(l, build(l, sizeof(l), xp_default, 2));
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &limit, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    limit = val(l, 3);
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &limit, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_INVALID);
    ck_assert(e.invalid_is_limit);
}
END_TEST

/* The repair keeps every rule and adds one allow ACE at the end. */
START_TEST(test_add_allow_keeps_the_rules)
{
    const struct ace_spec aces[] = {
        { SD_ACE_DENIED, 0, NEW_LAUNCH, &SD_SID_USERS },
        { SD_ACE_ALLOWED, 0, NEW_LAUNCH, &SD_SID_INTERACTIVE },
    };
    unsigned char sd[128], out[256];
    size_t len = build(sd, sizeof(sd), aces, 2), n, got;
    struct dcom_value appid;
    struct sd_view v;
    struct sd_ace ace;
    struct dcom_eval e;
    const struct sd_sid *t = system_token(&n);

    got = dcom_sd_add_allow(sd, len, SD_SID_SYSTEM, dcom_repair_mask(DCOM_LAUNCH, 0), out, sizeof(out));
    ck_assert_uint_eq(got, len + 8 + SD_SID_SYSTEM.len);
    ck_assert_int_eq(sd_parse(out, got, &v), 0);
    ck_assert_uint_eq(v.ace_count, 3);
    ck_assert(sd_sid_equal(v.owner, SD_SID_ADMINISTRATORS));
    ck_assert_int_eq(sd_ace_at(&v, 0, &ace), 0);
    ck_assert_int_eq(ace.type, SD_ACE_DENIED);
    ck_assert(sd_sid_equal(ace.sid, SD_SID_USERS));
    ck_assert_int_eq(sd_ace_at(&v, 1, &ace), 0);
    ck_assert(sd_sid_equal(ace.sid, SD_SID_INTERACTIVE));
    ck_assert_int_eq(sd_ace_at(&v, 2, &ace), 0);
    ck_assert(sd_sid_equal(ace.sid, SD_SID_SYSTEM));
    ck_assert_uint_eq(ace.mask, NEW_LAUNCH);
    appid = val(out, got);
    dcom_evaluate(DCOM_LAUNCH, &appid, &NONE, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    /* Every size short of the whole is refused, never overrun. */
    for (n = 0; n < got; n++)
        ck_assert_uint_eq(dcom_sd_add_allow(sd, len, SD_SID_SYSTEM, NEW_LAUNCH, out, n), 0);
    ck_assert_uint_eq(dcom_sd_add_allow(sd, len - 1, SD_SID_SYSTEM, NEW_LAUNCH, out, sizeof(out)), 0);
    ck_assert_uint_eq(dcom_sd_add_allow(sd, len, (struct sd_sid){ SD_SID_SYSTEM.p, 7 }, NEW_LAUNCH,
                                        out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_add_allow_null_dacl_and_new)
{
    unsigned char sd[20] = { 1, 0, 0x04, 0x80 }, out[128];
    struct sd_view v;
    size_t got;

    /* SE_DACL_PRESENT with no DACL: everyone already may. */
    ck_assert_uint_eq(dcom_sd_add_allow(sd, sizeof(sd), SD_SID_SYSTEM, NEW_LAUNCH, out, sizeof(out)), 0);
    got = dcom_sd_add_allow(NULL, 0, SD_SID_SYSTEM, NEW_ACCESS, out, sizeof(out));
    ck_assert_uint_gt(got, 0);
    ck_assert_int_eq(sd_parse(out, got, &v), 0);
    ck_assert_uint_eq(v.ace_count, 1);
    ck_assert(sd_sid_equal(v.group, SD_SID_ADMINISTRATORS));
}
END_TEST

START_TEST(test_builtin_descriptors_match_the_rules)
{
    unsigned char sd[256];
    struct dcom_value def;
    struct dcom_eval e;
    const struct sd_sid *t;
    size_t n, len;
    int old;
    const char *why;
    struct sd_view v;

    len = dcom_builtin_sd(DCOM_LAUNCH, sd, sizeof(sd));
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dcom_sd_check(sd, len, &v, &old, &why), 0);
    ck_assert(old);
    ck_assert_uint_eq(v.ace_count, 3);
    def = val(sd, len);
    t = system_token(&n);
    dcom_evaluate(DCOM_LAUNCH, &NONE, &def, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_GRANTED);
    t = user_token(&n);
    dcom_evaluate(DCOM_LAUNCH, &NONE, &def, &NONE, t, n, &e);
    ck_assert_int_eq(e.verdict, DCOM_DENIED);
    len = dcom_builtin_sd(DCOM_ACCESS, sd, sizeof(sd));
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dcom_sd_check(sd, len, &v, &old, &why), 0);
    ck_assert_uint_eq(v.ace_count, 2);
    ck_assert_uint_eq(dcom_builtin_sd(DCOM_LAUNCH, sd, 30), 0);
}
END_TEST

Suite *dcom_perm_suite(void)
{
    Suite *s = suite_create("dcom_perm");
    TCase *tc = tcase_create("dcom_perm");

    tcase_add_test(tc, test_names_and_sources);
    tcase_add_test(tc, test_administrators_only);
    tcase_add_test(tc, test_interactive_only_keeps_system_out);
    tcase_add_test(tc, test_remote_rights_only_are_not_enough);
    tcase_add_test(tc, test_old_format_execute_grants_every_local_right);
    tcase_add_test(tc, test_deny_first_is_named);
    tcase_add_test(tc, test_invalid_descriptors);
    tcase_add_test(tc, test_machine_default_applies_without_appid_value);
    tcase_add_test(tc, test_builtin_defaults);
    tcase_add_test(tc, test_machine_limit);
    tcase_add_test(tc, test_add_allow_keeps_the_rules);
    tcase_add_test(tc, test_add_allow_null_dacl_and_new);
    tcase_add_test(tc, test_builtin_descriptors_match_the_rules);
    suite_add_tcase(s, tc);
    return s;
}
