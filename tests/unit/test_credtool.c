/* Decisions of empkpcred.exe in plain C: its arguments (tools/credargs.c)
 * and how it reads a password from redirected standard input or from a
 * console line (tools/credinput.c). */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "tools/credargs.h"
#include "tools/credinput.h"
#include "suites.h"

/* ------------------------------------------------------------------ */
/* arguments                                                           */

static struct credargs parse(int argc, const char *const *argv)
{
    struct credargs a;

    credargs_parse(argc, argv, &a);
    return a;
}

START_TEST(test_set_with_values)
{
    const char *argv[] = { "empkpcred.exe", "SET", "/user:mom-svc", "-Domain:CONTOSO",
                           "/SERVER:\\\\EXCH01", NULL };
    struct credargs a = parse(5, argv);

    ck_assert_int_eq(a.action, CREDARGS_SET);
    ck_assert_str_eq(a.message, "");
    ck_assert_int_eq(a.user.arg, 2);
    ck_assert_str_eq(argv[a.user.arg] + a.user.at, "mom-svc");
    ck_assert_int_eq(a.domain.arg, 3);
    ck_assert_str_eq(argv[a.domain.arg] + a.domain.at, "CONTOSO");
    ck_assert_int_eq(a.server.arg, 4);
    ck_assert_str_eq(argv[a.server.arg] + a.server.at, "\\\\EXCH01");
}
END_TEST

/* The offset is counted in the ASCII switch name, so it is valid in the
 * UTF-16 form of the argument too; the value itself may be anything. */
START_TEST(test_non_ascii_value_and_colon_in_value)
{
    const char *argv[] = { "x", "set", "/domain:M\xC3\xBCnchen", "/user:a:b", NULL };
    struct credargs a = parse(4, argv);

    ck_assert_int_eq(a.action, CREDARGS_SET);
    ck_assert_uint_eq(a.domain.at, strlen("/domain:"));
    ck_assert_str_eq(argv[2] + a.domain.at, "M\xC3\xBCnchen");
    ck_assert_str_eq(argv[3] + a.user.at, "a:b");
    ck_assert_int_eq(a.server.arg, 0);
}
END_TEST

START_TEST(test_verify_and_recover)
{
    const char *v[] = { "x", "Verify", NULL };
    const char *r[] = { "x", "recover", "/server:exch01", NULL };
    const char *r0[] = { "x", "recover", NULL };
    const char *h[] = { "x", "/?", NULL };

    ck_assert_int_eq(parse(2, v).action, CREDARGS_VERIFY);
    ck_assert_int_eq(parse(3, r).action, CREDARGS_RECOVER);
    ck_assert_int_eq(parse(3, r).server.arg, 2);
    ck_assert_int_eq(parse(2, r0).action, CREDARGS_RECOVER);
    ck_assert_int_eq(parse(2, h).action, CREDARGS_USAGE);
    {
        const char *nk[] = { "x", "NewKey", NULL };
        const char *nk_server[] = { "x", "newkey", "/server:exch01", NULL };
        struct credargs a = parse(3, nk_server);
        ck_assert_int_eq(parse(2, nk).action, CREDARGS_NEWKEY);
        ck_assert_int_eq(a.action, CREDARGS_ERROR);
        ck_assert_ptr_nonnull(strstr(a.message, "newkey takes no arguments"));
    }
}
END_TEST

START_TEST(test_bad_arguments)
{
    static const struct { int argc; const char *argv[6]; const char *says; } cases[] = {
        { 1, { "x" }, "no command" },
        { 2, { "x", "sett" }, "unknown command" },
        { 2, { "x", "set" }, "needs /domain" },
        { 3, { "x", "set", "/domain:D" }, "needs /domain" },
        { 3, { "x", "set", "/user:U" }, "needs /domain" },
        { 4, { "x", "set", "/domain:", "/user:U" }, "needs a value" },
        { 4, { "x", "set", "/domain:D", "/user" }, "unknown switch \"/user\"" },
        { 5, { "x", "set", "/domain:D", "/user:U", "/user:V" }, "given twice" },
        { 5, { "x", "set", "/domain:D", "/user:U", "/bogus:1" }, "unknown switch \"/bogus\"" },
        { 3, { "x", "verify", "/server:EXCH01" }, "verify takes no arguments" },
        { 3, { "x", "verify", "/user:U" }, "verify takes no arguments" },
        { 3, { "x", "recover", "/domain:D" }, "recover takes only /server" },
        { 3, { "x", "/?", "set" }, "takes no arguments" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct credargs a = parse(cases[i].argc, cases[i].argv);
        ck_assert_msg(a.action == CREDARGS_ERROR, "case %zu: action %d", i, (int)a.action);
        ck_assert_msg(strstr(a.message, cases[i].says) != NULL, "case %zu: message [%s]",
                      i, a.message);
    }
}
END_TEST

/* Something that may be a password is never repeated in a message. */
START_TEST(test_password_never_echoed)
{
    const char *bare[] = { "x", "set", "/domain:D", "/user:U", "Secr3t!", NULL };
    const char *sw[] = { "x", "set", "/domain:D", "/user:U", "/password:Secr3t!", NULL };
    const char *pw[] = { "x", "set", "/domain:D", "/user:U", "-pw:Secr3t!", NULL };
    const char *other[] = { "x", "set", "/domain:D", "/user:U", "/p:Secr3t!", NULL };
    struct credargs a;

    a = parse(5, bare);
    ck_assert_int_eq(a.action, CREDARGS_ERROR);
    ck_assert_ptr_null(strstr(a.message, "Secr3t"));
    ck_assert_ptr_nonnull(strstr(a.message, "argument 4"));
    a = parse(5, sw);
    ck_assert_ptr_null(strstr(a.message, "Secr3t"));
    ck_assert_ptr_nonnull(strstr(a.message, "never an argument"));
    a = parse(5, pw);
    ck_assert_ptr_null(strstr(a.message, "Secr3t"));
    ck_assert_ptr_nonnull(strstr(a.message, "never an argument"));
    a = parse(5, other);
    ck_assert_ptr_null(strstr(a.message, "Secr3t"));
    ck_assert_ptr_nonnull(strstr(a.message, "\"/p\""));
}
END_TEST

START_TEST(test_long_switch_cut)
{
    char longsw[200];
    const char *argv[] = { "x", "set", longsw, NULL };
    struct credargs a;

    memset(longsw, 'z', sizeof(longsw) - 1);
    longsw[0] = '/';
    longsw[sizeof(longsw) - 1] = '\0';
    a = parse(3, argv);
    ck_assert_int_eq(a.action, CREDARGS_ERROR);
    ck_assert_uint_lt(strlen(a.message), 100);
    ck_assert_ptr_nonnull(strstr(a.message, "..."));
}
END_TEST

START_TEST(test_usage_names_commands_and_codes)
{
    const char *u = credargs_usage();

    ck_assert_ptr_nonnull(strstr(u, "set /domain:DOMAIN /user:USER [/server:NAME]"));
    ck_assert_ptr_nonnull(strstr(u, "verify"));
    ck_assert_ptr_nonnull(strstr(u, "recover"));
    ck_assert_ptr_nonnull(strstr(u, "9986"));
    ck_assert_ptr_nonnull(strstr(u, "87 bad arguments"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* password from standard input                                        */

static enum credinput_status decode(const char *bytes, size_t len, uint16_t *out, size_t *n)
{
    return credinput_decode((const unsigned char *)bytes, len, out, 64, n);
}

START_TEST(test_stdin_line_endings)
{
    static const struct { const char *in; size_t len; } cases[] = {
        { "pa ss ", 6 }, { "pa ss \n", 7 }, { "pa ss \r\n", 8 }, { "pa ss \r", 7 },
        { "pa ss \r\n\r\n\n", 11 }, { "\xEF\xBB\xBFpa ss \r\n", 11 },
    };
    static const uint16_t want[] = { 'p', 'a', ' ', 's', 's', ' ' };
    uint16_t out[64];
    size_t i, n;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(decode(cases[i].in, cases[i].len, out, &n) == CREDINPUT_OK, "case %zu", i);
        ck_assert_uint_eq(n, 6);
        ck_assert_mem_eq(out, want, sizeof(want));
    }
}
END_TEST

START_TEST(test_stdin_utf8_non_ascii)
{
    /* "é日🔑" in UTF-8: 2 + 3 + 4 bytes; U+1F511 becomes a surrogate pair. */
    static const char in[] = "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x94\x91\r\n";
    static const uint16_t want[] = { 0x00E9, 0x65E5, 0xD83D, 0xDD11 };
    uint16_t out[64];
    size_t n;

    ck_assert_int_eq(decode(in, sizeof(in) - 1, out, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

START_TEST(test_stdin_utf16le_with_bom)
{
    static const unsigned char in[] = { 0xFF, 0xFE, 'a', 0, 0xE9, 0, 0x3D, 0xD8, 0x11, 0xDD,
                                        '\r', 0, '\n', 0 };
    static const uint16_t want[] = { 'a', 0x00E9, 0xD83D, 0xDD11 };
    static const unsigned char lone[] = { 0xFF, 0xFE, 'a', 0, 0x3D, 0xD8, 'b', 0 };
    static const unsigned char odd[] = { 0xFF, 0xFE, 'a', 0, 'b' };
    uint16_t out[64];
    size_t n = 9;

    ck_assert_int_eq(credinput_decode(in, sizeof(in), out, 64, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(out, want, sizeof(want));
    ck_assert_int_eq(credinput_decode(lone, sizeof(lone), out, 64, &n), CREDINPUT_NOT_TEXT);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(credinput_decode(odd, sizeof(odd), out, 64, &n), CREDINPUT_NOT_TEXT);
}
END_TEST

/* Bytes in a legacy code page are refused, not guessed at. */
START_TEST(test_stdin_not_utf8_refused)
{
    static const char *const bad[] = {
        "P\xE4ssword",            /* Latin-1 a-umlaut */
        "P\x84ssword",            /* OEM 850 a-umlaut */
        "\xC0\xAF",               /* overlong '/' */
        "\xE0\x80\xAF",           /* overlong, 3 bytes */
        "\xED\xA0\xBD",           /* encoded surrogate D83D */
        "\xF4\x90\x80\x80",       /* above U+10FFFF */
        "abc\xE6\x97",            /* truncated at the end */
        "\xFE\xFF\x00\x61",       /* UTF-16BE BOM */
    };
    uint16_t out[64];
    size_t i, n;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(decode(bad[i], strlen(bad[i]), out, &n)
                      == CREDINPUT_NOT_TEXT, "case %zu", i);
}
END_TEST

START_TEST(test_stdin_refusals)
{
    uint16_t out[64];
    size_t n = 5;
    char big[70];

    ck_assert_int_eq(decode("", 0, out, &n), CREDINPUT_EMPTY);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(decode("\r\n", 2, out, &n), CREDINPUT_EMPTY);
    ck_assert_int_eq(decode("\xEF\xBB\xBF\n", 4, out, &n), CREDINPUT_EMPTY);
    ck_assert_int_eq(decode("one\ntwo\n", 8, out, &n), CREDINPUT_MORE_LINES);
    ck_assert_int_eq(decode("one\r\n\r\ntwo", 10, out, &n), CREDINPUT_MORE_LINES);
    ck_assert_int_eq(decode("a\0b", 3, out, &n), CREDINPUT_NUL);
    memset(big, 'x', sizeof(big));
    ck_assert_int_eq(decode(big, 64, out, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, 64);
    ck_assert_int_eq(decode(big, 65, out, &n), CREDINPUT_TOO_LONG);
    ck_assert_uint_eq(n, 0);
    /* A pair that would straddle the end of the buffer does not fit. */
    ck_assert_int_eq(credinput_decode((const unsigned char *)"ab\xF0\x9F\x94\x91", 6, out, 3, &n),
                     CREDINPUT_TOO_LONG);
    ck_assert_int_eq(credinput_decode(NULL, 0, out, 64, &n), CREDINPUT_EMPTY);
    ck_assert_int_eq(credinput_decode((const unsigned char *)"a", 1, out, 64, NULL),
                     CREDINPUT_NOT_TEXT);
}
END_TEST

START_TEST(test_console_line)
{
    static const uint16_t typed[] = { 'p', 0xE9, '\r', '\n' };
    static const uint16_t lf[] = { 'p', '\n' };
    static const uint16_t full[] = { 'p', 'q', 'r' };
    static const uint16_t empty[] = { '\r', '\n' };
    static const uint16_t nul[] = { 'p', 0, '\r', '\n' };
    size_t n = 7;

    ck_assert_int_eq(credinput_console_line(typed, 4, 8, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(credinput_console_line(lf, 2, 8, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(credinput_console_line(full, 3, 8, &n), CREDINPUT_TOO_LONG);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(credinput_console_line(empty, 2, 8, &n), CREDINPUT_EMPTY);
    ck_assert_int_eq(credinput_console_line(nul, 4, 8, &n), CREDINPUT_NUL);
    ck_assert_int_eq(credinput_console_line(NULL, 0, 8, &n), CREDINPUT_EMPTY);
}
END_TEST

/* password.c reads the console into PASSWORD_MAX_UNITS + 2 units (room
 * for CR LF) and copies *n units into a PASSWORD_MAX_UNITS buffer.  A line
 * of exactly the capacity fits; one unit more arrives as the capacity + 1
 * units and CR (its LF left in the console), and must not be accepted. */
#define CONSOLE_CAP 1024
START_TEST(test_console_line_capacity)
{
    static uint16_t buf[CONSOLE_CAP + 2];
    size_t i, n = 7;

    for (i = 0; i < CONSOLE_CAP + 2; i++)
        buf[i] = 'a';
    buf[CONSOLE_CAP] = '\r';
    buf[CONSOLE_CAP + 1] = '\n';
    ck_assert_int_eq(credinput_console_line(buf, CONSOLE_CAP + 2, CONSOLE_CAP, &n), CREDINPUT_OK);
    ck_assert_uint_eq(n, CONSOLE_CAP);

    buf[CONSOLE_CAP] = 'a';
    buf[CONSOLE_CAP + 1] = '\r';
    n = 7;
    ck_assert_int_eq(credinput_console_line(buf, CONSOLE_CAP + 2, CONSOLE_CAP, &n),
                     CREDINPUT_TOO_LONG);
    ck_assert_uint_eq(n, 0);

    /* The same at a small capacity, with a bare CR and a bare LF. */
    {
        static const uint16_t four_cr[] = { 'a', 'b', 'c', 'd', '\r' };
        static const uint16_t five_lf[] = { 'a', 'b', 'c', 'd', 'e', '\n' };
        ck_assert_int_eq(credinput_console_line(four_cr, 5, 4, &n), CREDINPUT_OK);
        ck_assert_uint_eq(n, 4);
        ck_assert_int_eq(credinput_console_line(five_lf, 6, 4, &n), CREDINPUT_TOO_LONG);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(credinput_console_line(five_lf, 6, 5, &n), CREDINPUT_OK);
        ck_assert_uint_eq(n, 5);
        ck_assert_int_eq(credinput_console_line(four_cr, 5, 0, &n), CREDINPUT_TOO_LONG);
    }
}
END_TEST

START_TEST(test_console_yes)
{
    static const uint16_t yes[] = { 'y', 'e', 's', '\r', '\n' };
    static const uint16_t yes_upper_spaced[] = { ' ', 'Y', 'E', 's', ' ', '\r', '\n' };
    static const uint16_t y[] = { 'y', '\r', '\n' };
    static const uint16_t yess[] = { 'y', 'e', 's', 's', '\r', '\n' };
    static const uint16_t no_end[] = { 'y', 'e', 's' };
    static const uint16_t empty[] = { '\r', '\n' };
    /* 'y' | 0x20 must not make other characters match: 'Y'+0x80 etc. */
    static const uint16_t wide[] = { 0x0179, 'e', 's', '\r', '\n' };

    ck_assert_int_eq(credinput_console_yes(yes, 5), 1);
    ck_assert_int_eq(credinput_console_yes(yes_upper_spaced, 7), 1);
    ck_assert_int_eq(credinput_console_yes(y, 3), 0);
    ck_assert_int_eq(credinput_console_yes(yess, 6), 0);
    ck_assert_int_eq(credinput_console_yes(no_end, 3), 0);
    ck_assert_int_eq(credinput_console_yes(empty, 2), 0);
    ck_assert_int_eq(credinput_console_yes(wide, 5), 0);
    ck_assert_int_eq(credinput_console_yes(NULL, 0), 0);
}
END_TEST

/* /fingerprint: is checked for its form by the parser (the value itself
 * is compared with DATA0 by empkpcred). */
START_TEST(test_fingerprint_switch)
{
    static const char hex[] =
        "/fingerprint:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
    const char *ok[] = { "x", "set", "/domain:D", "/user:U", "/server:S", hex, NULL };
    const char *bad[] = { "x", "set", "/domain:D", "/user:U", "/fingerprint:abcd", NULL };
    const char *v[] = { "x", "verify", hex, NULL };
    const char *r[] = { "x", "recover", hex, NULL };
    struct credargs a = parse(6, ok);

    ck_assert_int_eq(a.action, CREDARGS_SET);
    ck_assert_int_eq(a.fingerprint.arg, 5);
    ck_assert_uint_eq(a.sha256[0], 0xBA);
    ck_assert_uint_eq(a.sha256[31], 0xAD);
    a = parse(5, bad);
    ck_assert_int_eq(a.action, CREDARGS_ERROR);
    ck_assert_ptr_nonnull(strstr(a.message, "/fingerprint:"));
    ck_assert_ptr_nonnull(strstr(a.message, "64 hex digits"));
    ck_assert_int_eq(parse(3, v).action, CREDARGS_ERROR);
    ck_assert_int_eq(parse(3, r).action, CREDARGS_ERROR);
}
END_TEST

START_TEST(test_input_status_str)
{
    int st;

    for (st = CREDINPUT_OK; st <= CREDINPUT_TOO_LONG; st++)
        ck_assert_str_ne(credinput_status_str((enum credinput_status)st), "unknown status");
    ck_assert_str_eq(credinput_status_str((enum credinput_status)77), "unknown status");
}
END_TEST

Suite *credtool_suite(void)
{
    Suite *s = suite_create("credtool");
    TCase *tc;

    tc = tcase_create("arguments");
    tcase_add_test(tc, test_set_with_values);
    tcase_add_test(tc, test_non_ascii_value_and_colon_in_value);
    tcase_add_test(tc, test_verify_and_recover);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_password_never_echoed);
    tcase_add_test(tc, test_long_switch_cut);
    tcase_add_test(tc, test_usage_names_commands_and_codes);
    tcase_add_test(tc, test_fingerprint_switch);
    suite_add_tcase(s, tc);

    tc = tcase_create("password input");
    tcase_add_test(tc, test_stdin_line_endings);
    tcase_add_test(tc, test_stdin_utf8_non_ascii);
    tcase_add_test(tc, test_stdin_utf16le_with_bom);
    tcase_add_test(tc, test_stdin_not_utf8_refused);
    tcase_add_test(tc, test_stdin_refusals);
    tcase_add_test(tc, test_console_line);
    tcase_add_test(tc, test_console_line_capacity);
    tcase_add_test(tc, test_console_yes);
    tcase_add_test(tc, test_input_status_str);
    suite_add_tcase(s, tc);
    return s;
}
