/* Command-line decisions of empkp.exe (server/cmdline.c). */
#include <string.h>

#include <check.h>

#include "server/cmdline.h"
#include "suites.h"

static struct cmdline parse1(const char *arg)
{
    const char *argv[] = { "empkp.exe", arg, NULL };
    struct cmdline cmd;

    cmdline_parse(2, argv, &cmd);
    return cmd;
}

START_TEST(test_switches_any_case_and_prefix)
{
    static const struct { const char *arg; enum cmdline_action want; } cases[] = {
        { "/regserver", CMDLINE_REGSERVER },   { "-regserver", CMDLINE_REGSERVER },
        { "/RegServer", CMDLINE_REGSERVER },   { "-REGSERVER", CMDLINE_REGSERVER },
        { "/unregserver", CMDLINE_UNREGSERVER }, { "-UnRegServer", CMDLINE_UNREGSERVER },
        { "-Embedding", CMDLINE_EMBEDDING },   { "/embedding", CMDLINE_EMBEDDING },
        { "/Automation", CMDLINE_EMBEDDING },
        { "/publish", CMDLINE_PUBLISH },       { "-PUBLISH", CMDLINE_PUBLISH },
        { "/?", CMDLINE_USAGE }, { "-?", CMDLINE_USAGE }, { "/h", CMDLINE_USAGE },
        { "/HELP", CMDLINE_USAGE },
        { "/stopservers", CMDLINE_STOPSERVERS }, { "-StopServers", CMDLINE_STOPSERVERS },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cmdline cmd = parse1(cases[i].arg);
        ck_assert_msg(cmd.action == cases[i].want, "%s gave %d, want %d",
                      cases[i].arg, (int)cmd.action, (int)cases[i].want);
        ck_assert_str_eq(cmd.message, "");
    }
}
END_TEST

START_TEST(test_bad_arguments_are_errors)
{
    static const char *const bad[] = {
        "regserver", "/regserve", "/regserverx", "//regserver", "/", "-", "",
        "/reg server", "/Embedding=1", "/unregister", "/s", "/\xc3\xa9", "/publishx", "/pub",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct cmdline cmd = parse1(bad[i]);
        ck_assert_msg(cmd.action == CMDLINE_ERROR, "\"%s\" was accepted", bad[i]);
        ck_assert_msg(strstr(cmd.message, "unknown argument") != NULL, "%s", cmd.message);
    }
}
END_TEST

START_TEST(test_no_arguments_is_an_error)
{
    const char *argv[] = { "empkp.exe", NULL };
    struct cmdline cmd;

    cmdline_parse(1, argv, &cmd);
    ck_assert_int_eq(cmd.action, CMDLINE_ERROR);
    ck_assert_ptr_nonnull(strstr(cmd.message, "/?"));
    cmdline_parse(0, NULL, &cmd);
    ck_assert_int_eq(cmd.action, CMDLINE_ERROR);
}
END_TEST

START_TEST(test_two_switches_are_refused)
{
    const char *argv[] = { "empkp.exe", "/regserver", "/unregserver", NULL };
    struct cmdline cmd;

    cmdline_parse(3, argv, &cmd);
    ck_assert_int_eq(cmd.action, CMDLINE_ERROR);
    ck_assert_ptr_nonnull(strstr(cmd.message, "/unregserver"));
}
END_TEST

START_TEST(test_long_argument_is_cut_in_message)
{
    char arg[4096];
    struct cmdline cmd;

    memset(arg, 'A', sizeof(arg) - 1);
    arg[0] = '/';
    arg[sizeof(arg) - 1] = 0;
    cmd = parse1(arg);
    ck_assert_int_eq(cmd.action, CMDLINE_ERROR);
    ck_assert_uint_lt(strlen(cmd.message), sizeof(cmd.message));
    ck_assert_ptr_nonnull(strstr(cmd.message, "...\""));
}
END_TEST

START_TEST(test_usage_names_every_switch)
{
    const char *usage = cmdline_usage();

    ck_assert_ptr_nonnull(strstr(usage, "/regserver"));
    ck_assert_ptr_nonnull(strstr(usage, "/unregserver"));
    ck_assert_ptr_nonnull(strstr(usage, "-Embedding"));
    ck_assert_ptr_nonnull(strstr(usage, "/publish"));
    ck_assert_ptr_nonnull(strstr(usage, "/stopservers"));
    ck_assert_ptr_nonnull(strstr(usage, "87"));
}
END_TEST

static struct cmdline parse_n(int argc, const char *a1, const char *a2, const char *a3, const char *a4)
{
    const char *argv[] = { "empkp.exe", a1, a2, a3, a4, NULL };
    struct cmdline cmd;

    cmdline_parse(argc, argv, &cmd);
    return cmd;
}

START_TEST(test_diagnose_and_its_options)
{
    static const struct { int argc; const char *a1, *a2, *a3; int fix, json; } cases[] = {
        { 2, "/diagnose", NULL, NULL, 0, 0 },
        { 2, "-DIAGNOSE", NULL, NULL, 0, 0 },
        { 3, "/diagnose", "/fix", NULL, 1, 0 },
        { 3, "/Diagnose", "-FIX", NULL, 1, 0 },
        { 3, "/diagnose", "/format:json", NULL, 0, 1 },
        { 3, "/diagnose", "/FORMAT:JSON", NULL, 0, 1 },
        { 3, "/diagnose", "/format:text", NULL, 0, 0 },
        { 4, "/diagnose", "/fix", "/format:json", 1, 1 },
        { 4, "/diagnose", "/format:json", "/fix", 1, 1 },
        { 4, "/diagnose", "-format:Json", "-fix", 1, 1 },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cmdline cmd = parse_n(cases[i].argc, cases[i].a1, cases[i].a2, cases[i].a3, NULL);
        ck_assert_msg(cmd.action == CMDLINE_DIAGNOSE, "case %zu: %s", i, cmd.message);
        ck_assert_int_eq(cmd.fix, cases[i].fix);
        ck_assert_int_eq(cmd.json, cases[i].json);
        ck_assert_str_eq(cmd.message, "");
    }
}
END_TEST

START_TEST(test_diagnose_options_only_after_diagnose)
{
    static const struct { int argc; const char *a1, *a2, *a3, *a4; const char *says; } cases[] = {
        { 2, "/fix", NULL, NULL, NULL, "only valid after /diagnose" },
        { 2, "/format:json", NULL, NULL, NULL, "only valid after /diagnose" },
        { 3, "/fix", "/diagnose", NULL, NULL, "only valid after /diagnose" },
        { 3, "/format:json", "/diagnose", NULL, NULL, "only valid after /diagnose" },
        { 3, "/publish", "/fix", NULL, NULL, "only valid after /diagnose" },
        { 3, "/regserver", "/format:json", NULL, NULL, "only valid after /diagnose" },
        { 3, "-Embedding", "/fix", NULL, NULL, "only valid after /diagnose" },
        { 4, "/diagnose", "/fix", "/fix", NULL, "/fix given twice" },
        { 4, "/diagnose", "/format:json", "/format:text", NULL, "/format given twice" },
        { 5, "/diagnose", "/fix", "/format:json", "/fix", "/fix given twice" },
        { 3, "/diagnose", "/format:xml", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "/format:", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "/format", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "/fixx", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "fix", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "/diagnose", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "/regserver", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", "", NULL, NULL, "unknown /diagnose option" },
        { 3, "/diagnose", NULL, NULL, NULL, "unknown /diagnose option" },
        { 2, "/diagnosefix", NULL, NULL, NULL, "unknown argument" },
        { 2, "/diagnose:json", NULL, NULL, NULL, "unknown argument" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cmdline cmd = parse_n(cases[i].argc, cases[i].a1, cases[i].a2, cases[i].a3, cases[i].a4);
        ck_assert_msg(cmd.action == CMDLINE_ERROR, "case %zu accepted", i);
        ck_assert_msg(strstr(cmd.message, cases[i].says) != NULL, "case %zu: %s", i, cmd.message);
        ck_assert_uint_lt(strlen(cmd.message), sizeof(cmd.message));
    }
}
END_TEST

START_TEST(test_diagnose_account_and_dcom)
{
    static const struct { int argc; const char *a1, *a2, *a3, *a4; const char *account; int fix, dcom; } ok[] = {
        { 3, "/diagnose", "/account:CONTOSO\\mom-action", NULL, NULL, "CONTOSO\\mom-action", 0, 0 },
        { 3, "/diagnose", "-ACCOUNT:NT AUTHORITY\\SYSTEM", NULL, NULL, "NT AUTHORITY\\SYSTEM", 0, 0 },
        { 4, "/diagnose", "/fix", "/dcom", NULL, "", 1, 1 },
        { 5, "/diagnose", "/DCOM", "/account:mom", "/fix", "mom", 1, 1 },
        { 3, "/diagnose", "/account:a:b", NULL, NULL, "a:b", 0, 0 },
    };
    static const struct { int argc; const char *a1, *a2, *a3, *a4; const char *says; } bad[] = {
        { 3, "/diagnose", "/account:", NULL, NULL, "needs a name" },
        { 3, "/diagnose", "/account", NULL, NULL, "unknown /diagnose option" },
        { 4, "/diagnose", "/account:a", "/account:b", NULL, "/account given twice" },
        { 3, "/diagnose", "/dcom", NULL, NULL, "only goes with /fix" },
        { 5, "/diagnose", "/fix", "/dcom", "/dcom", "/dcom given twice" },
        { 2, "/account:x", NULL, NULL, NULL, "only valid after /diagnose" },
        { 3, "/regserver", "/dcom", NULL, NULL, "only valid after /diagnose" },
    };
    char longname[300];
    struct cmdline cmd;
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        cmd = parse_n(ok[i].argc, ok[i].a1, ok[i].a2, ok[i].a3, ok[i].a4);
        ck_assert_msg(cmd.action == CMDLINE_DIAGNOSE, "case %zu: %s", i, cmd.message);
        ck_assert_str_eq(cmd.account, ok[i].account);
        ck_assert_int_eq(cmd.fix, ok[i].fix);
        ck_assert_int_eq(cmd.dcom, ok[i].dcom);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cmd = parse_n(bad[i].argc, bad[i].a1, bad[i].a2, bad[i].a3, bad[i].a4);
        ck_assert_msg(cmd.action == CMDLINE_ERROR, "case %zu accepted", i);
        ck_assert_msg(strstr(cmd.message, bad[i].says) != NULL, "case %zu: %s", i, cmd.message);
    }
    /* 256 bytes of name fit, 257 do not. */
    memcpy(longname, "/account:", 9);
    memset(longname + 9, 'a', 256);
    longname[9 + 256] = 0;
    cmd = parse_n(3, "/diagnose", longname, NULL, NULL);
    ck_assert_int_eq(cmd.action, CMDLINE_DIAGNOSE);
    ck_assert_uint_eq(strlen(cmd.account), 256);
    longname[9 + 256] = 'a';
    longname[9 + 257] = 0;
    cmd = parse_n(3, "/diagnose", longname, NULL, NULL);
    ck_assert_int_eq(cmd.action, CMDLINE_ERROR);
    ck_assert_ptr_nonnull(strstr(cmd.message, "longer than 256"));
}
END_TEST

START_TEST(test_usage_names_diagnose)
{
    const char *usage = cmdline_usage();

    ck_assert_ptr_nonnull(strstr(usage, "/diagnose"));
    ck_assert_ptr_nonnull(strstr(usage, "/fix"));
    ck_assert_ptr_nonnull(strstr(usage, "/format:json"));
    ck_assert_ptr_nonnull(strstr(usage, "/account:"));
    ck_assert_ptr_nonnull(strstr(usage, "/dcom"));
    ck_assert_ptr_nonnull(strstr(usage, "ExchKP.exe"));
}
END_TEST

Suite *cmdline_suite(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_switches_any_case_and_prefix);
    tcase_add_test(tc, test_bad_arguments_are_errors);
    tcase_add_test(tc, test_no_arguments_is_an_error);
    tcase_add_test(tc, test_two_switches_are_refused);
    tcase_add_test(tc, test_long_argument_is_cut_in_message);
    tcase_add_test(tc, test_usage_names_every_switch);
    tcase_add_test(tc, test_diagnose_and_its_options);
    tcase_add_test(tc, test_diagnose_options_only_after_diagnose);
    tcase_add_test(tc, test_diagnose_account_and_dcom);
    tcase_add_test(tc, test_usage_names_diagnose);
    suite_add_tcase(s, tc);
    return s;
}
