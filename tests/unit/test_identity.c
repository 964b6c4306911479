/* Which identity a file name gives (server/com/identity.c), and the program a
 * LocalServer32 value names (server/register/localserver32.c). */
#include <string.h>

#include <check.h>

#include "server/com/identity.h"
#include "server/register/localserver32.h"
#include "suites.h"

START_TEST(test_exchkp_by_file_name_any_case)
{
    static const char *const exchkp[] = {
        "ExchKP.exe", "exchkp.exe", "EXCHKP.EXE", "ExchKp.Exe",
        "C:\\Program Files\\Microsoft Operations Manager 2000\\OnePoint\\ExchKP.exe",
        "C:/x/ExchKP.exe", "C:ExchKP.exe", "\\\\server\\share\\EXCHKP.EXE",
    };
    size_t i;

    for (i = 0; i < sizeof(exchkp) / sizeof(exchkp[0]); i++)
        ck_assert_msg(identity_from_path(exchkp[i]) == IDENTITY_EXCHKP, "%s", exchkp[i]);
}
END_TEST

START_TEST(test_every_other_name_is_empkp)
{
    static const char *const empkp[] = {
        "empkp.exe", "C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", "", "ExchKP",
        "ExchKP.exe.bak", "myExchKP.exe", "ExchKP.exe ", "ExchKP.ex", "ExchKP.exe\\empkp.exe",
        "C:\\ExchKP.exe\\empkp.exe", "ExchKP1.exe", "Exch\xc3\x9aP.exe", "\\", "C:",
    };
    size_t i;

    ck_assert_int_eq(identity_from_path(NULL), IDENTITY_EMPKP);
    for (i = 0; i < sizeof(empkp) / sizeof(empkp[0]); i++)
        ck_assert_msg(identity_from_path(empkp[i]) == IDENTITY_EMPKP, "[%s]", empkp[i]);
}
END_TEST

START_TEST(test_server_exe_names)
{
    static const char *const yes[] = {
        "empkp.exe", "EMPKP.EXE", "ExchKP.exe", "exchkp.EXE",
        "C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", "C:ExchKP.exe", "/x/empkp.exe",
    };
    static const char *const no[] = {
        "", "empkp", "empkp.ex", "empkp.exe2", "xempkp.exe", "empkpcred.exe",
        "msi1234.tmp", "C:\\empkp.exe\\other.exe", "exchkp.exe.tmp",
    };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        ck_assert_msg(identity_is_server_exe(yes[i]), "%s", yes[i]);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        ck_assert_msg(!identity_is_server_exe(no[i]), "%s", no[i]);
    ck_assert(!identity_is_server_exe(NULL));
}
END_TEST

START_TEST(test_names_are_the_kbs)
{
    const struct identity_names *e = identity_names(IDENTITY_EMPKP);
    const struct identity_names *x = identity_names(IDENTITY_EXCHKP);

    ck_assert_str_eq(e->progid, "EMPKP.PubKeyPublisher");
    ck_assert_str_eq(e->appid_name, "EMPKP");
    ck_assert_int_eq(e->event_not_created, 10001);
    ck_assert_int_eq(e->event_publish_failed, 10000);
    ck_assert_str_eq(x->progid, "ExchKP.PubKeyPublisher");
    ck_assert_str_eq(x->progid_versioned, "ExchKP.PubKeyPublisher.1");
    ck_assert_str_eq(x->appid_name, "ExchKP");
    ck_assert_int_eq(x->event_not_created, 9972);
    ck_assert_int_eq(x->event_publish_failed, 9970);
    ck_assert_int_eq(identity_other(IDENTITY_EMPKP), IDENTITY_EXCHKP);
    ck_assert_int_eq(identity_other(IDENTITY_EXCHKP), IDENTITY_EMPKP);
    /* Out of range falls back to EMPKP rather than reading past the table. */
    ck_assert_ptr_eq(identity_names((enum identity_kind)7), e);
}
END_TEST

START_TEST(test_localserver_forms)
{
    static const struct { const char *value, *path; int quoted; } cases[] = {
        { "\"C:\\Program Files\\Exchsrvr\\bin\\empkp.exe\"", "C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", 1 },
        { "\"C:\\Program Files\\x\\empkp.exe\" -Embedding", "C:\\Program Files\\x\\empkp.exe", 1 },
        { "C:\\PROGRA~1\\Exchsrvr\\bin\\empkp.exe", "C:\\PROGRA~1\\Exchsrvr\\bin\\empkp.exe", 0 },
        { "C:\\PROGRA~1\\Exchsrvr\\bin\\empkp.exe /Automation", "C:\\PROGRA~1\\Exchsrvr\\bin\\empkp.exe", 0 },
        { "C:\\Program Files\\Exchsrvr\\bin\\EMPKP.EXE -Embedding", "C:\\Program Files\\Exchsrvr\\bin\\EMPKP.EXE", 0 },
        { "  \t\"C:\\a b\\ExchKP.exe\"  ", "C:\\a b\\ExchKP.exe", 1 },
        { "C:\\tools\\server -x", "C:\\tools\\server", 0 },
        { "C:\\my.exed\\server.exe", "C:\\my.exed\\server.exe", 0 },
        { "\"C:\\never closed\\empkp.exe", "C:\\never closed\\empkp.exe", 1 },
        { "\"C:\\x\\empkp.exe \"", "C:\\x\\empkp.exe", 1 },
    };
    char out[260];
    size_t i;
    int quoted;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(localserver_path(cases[i].value, out, sizeof(out), &quoted), "%s", cases[i].value);
        ck_assert_str_eq(out, cases[i].path);
        ck_assert_int_eq(quoted, cases[i].quoted);
    }
}
END_TEST

START_TEST(test_localserver_nothing_or_too_long)
{
    static const char *const none[] = { "", "   ", "\"\"", "\" \"", "\t" };
    char out[16], big[300];
    size_t i;

    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        ck_assert_int_eq(localserver_path(none[i], out, sizeof(out), NULL), 0);
        ck_assert_str_eq(out, "");
    }
    ck_assert_int_eq(localserver_path(NULL, out, sizeof(out), NULL), 0);
    ck_assert_int_eq(localserver_path("a.exe", NULL, 5, NULL), 0);
    ck_assert_int_eq(localserver_path("a.exe", out, 0, NULL), 0);
    /* Exactly fits (15 + NUL), then one too many. */
    ck_assert_int_eq(localserver_path("C:\\x\\abcdef.exe", out, sizeof(out), NULL), 1);
    ck_assert_int_eq(localserver_path("C:\\x\\abcdefg.exe", out, sizeof(out), NULL), 0);
    ck_assert_str_eq(out, "");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    ck_assert_int_eq(localserver_path(big, out, sizeof(out), NULL), 0);
}
END_TEST

/* An unquoted LocalServer32 with blanks: what CreateProcess tries first. */
START_TEST(test_localserver_unquoted_tries)
{
    char out[260];

    ck_assert_int_eq(localserver_unquoted_try("C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", 0,
                                              out, sizeof(out)), 1);
    ck_assert_str_eq(out, "C:\\Program.exe");
    ck_assert_int_eq(localserver_unquoted_try("C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", 1,
                                              out, sizeof(out)), 0);
    ck_assert_str_eq(out, "");
    /* MSDN's own example, with -Embedding as COM appends it. */
    ck_assert_int_eq(localserver_unquoted_try("c:\\program files\\sub dir\\program name.exe -Embedding",
                                              0, out, sizeof(out)), 1);
    ck_assert_str_eq(out, "c:\\program.exe");
    ck_assert_int_eq(localserver_unquoted_try("c:\\program files\\sub dir\\program name.exe -Embedding",
                                              1, out, sizeof(out)), 1);
    ck_assert_str_eq(out, "c:\\program files\\sub.exe");
    ck_assert_int_eq(localserver_unquoted_try("c:\\program files\\sub dir\\program name.exe -Embedding",
                                              2, out, sizeof(out)), 1);
    ck_assert_str_eq(out, "c:\\program files\\sub dir\\program.exe");
    ck_assert_int_eq(localserver_unquoted_try("c:\\program files\\sub dir\\program name.exe -Embedding",
                                              3, out, sizeof(out)), 0);
    /* A part with an extension is tried as it is. */
    ck_assert_int_eq(localserver_unquoted_try("C:\\My.Tools x\\empkp.exe", 0, out, sizeof(out)), 1);
    ck_assert_str_eq(out, "C:\\My.Tools");
    /* Quoted, or no blank in the path (arguments do not count): nothing. */
    ck_assert_int_eq(localserver_unquoted_try("\"C:\\Program Files\\Exchsrvr\\bin\\empkp.exe\"", 0,
                                              out, sizeof(out)), 0);
    ck_assert_int_eq(localserver_unquoted_try("C:\\PROGRA~1\\Exchsrvr\\bin\\empkp.exe -Embedding", 0,
                                              out, sizeof(out)), 0);
    ck_assert_int_eq(localserver_unquoted_try("  C:\\x\\empkp.exe", 0, out, sizeof(out)), 0);
    ck_assert_int_eq(localserver_unquoted_try(NULL, 0, out, sizeof(out)), 0);
    ck_assert_int_eq(localserver_unquoted_try("C:\\a b\\x.exe", 0, NULL, 10), 0);
    /* "C:\a" + ".exe" + NUL is 9 bytes: 8 is too few. */
    ck_assert_int_eq(localserver_unquoted_try("C:\\a b\\x.exe", 0, out, 8), 0);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(localserver_unquoted_try("C:\\a b\\x.exe", 0, out, 9), 1);
    ck_assert_str_eq(out, "C:\\a.exe");
}
END_TEST

Suite *identity_suite(void)
{
    Suite *s = suite_create("identity");
    TCase *tc = tcase_create("identity");

    tcase_add_test(tc, test_exchkp_by_file_name_any_case);
    tcase_add_test(tc, test_every_other_name_is_empkp);
    tcase_add_test(tc, test_server_exe_names);
    tcase_add_test(tc, test_names_are_the_kbs);
    tcase_add_test(tc, test_localserver_forms);
    tcase_add_test(tc, test_localserver_nothing_or_too_long);
    tcase_add_test(tc, test_localserver_unquoted_tries);
    suite_add_tcase(s, tc);
    return s;
}
