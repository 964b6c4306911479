/* Text between our UTF-8 and the Windows API's UTF-16, and the system's
 * error text (common/wintext.c).  Windows code: in the cross-built runner
 * only (under Wine), whose conversions of invalid input are Vista's. */
#ifdef _WIN32
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <check.h>

#include "common/wintext.h"
#include "suites.h"

START_TEST(test_round_trip)
{
    /* "a", e acute, U+1F600 (a surrogate pair), "z" */
    static const WCHAR wide[] = { 'a', 0xE9, 0xD83D, 0xDE00, 'z', 0 };
    static const char utf8[] = "a\xc3\xa9\xf0\x9f\x98\x80z";
    char *u = utf8_from_wide(wide);
    WCHAR *w = wide_from_utf8(utf8);

    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(u, utf8);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(memcmp(w, wide, sizeof(wide)), 0);
    free(u);
    free(w);
    ck_assert_ptr_null(utf8_from_wide(NULL));
    ck_assert_ptr_null(wide_from_utf8(NULL));
}
END_TEST

START_TEST(test_invalid_input_becomes_replacement)
{
    static const WCHAR lone[] = { 'a', 0xD800, 'b', 0 };
    /* A stray continuation byte, a cut sequence, and "/" encoded overlong
     * (C0 AF), which must not come out as "/". */
    static const char bad[] = "x\x80y\xc3z\xc0\xafw";
    char *u = utf8_from_wide(lone);
    WCHAR *w = wide_from_utf8(bad);
    size_t i, n, replaced = 0;

    ck_assert_ptr_nonnull(u);
    ck_assert_str_eq(u, "a\xef\xbf\xbd" "b");
    ck_assert_ptr_nonnull(w);
    n = wcslen(w);
    for (i = 0; i < n; i++) {
        ck_assert_msg(w[i] != '/', "overlong '/' decoded at %u", (unsigned)i);
        replaced += w[i] == 0xFFFD;
    }
    ck_assert_uint_ge(replaced, 3);
    ck_assert(w[0] == 'x' && w[n - 1] == 'w');
    free(u);
    free(w);
}
END_TEST

START_TEST(test_utf8_buf_cuts_between_characters)
{
    static const WCHAR wide[] = { 'a', 0xE9, 'b', 0 };   /* "a" C3 A9 "b": 4 bytes */
    static const WCHAR pair[] = { 'a', 0xD83D, 0xDE00, 0 };
    char out[8];

    ck_assert_int_eq(utf8_from_wide_buf(wide, out, 5), 1);
    ck_assert_str_eq(out, "a\xc3\xa9" "b");
    ck_assert_int_eq(utf8_from_wide_buf(wide, out, 4), 0);
    ck_assert_str_eq(out, "a\xc3\xa9");
    ck_assert_int_eq(utf8_from_wide_buf(wide, out, 3), 0);
    ck_assert_str_eq(out, "a");                           /* not "a\xc3" */
    ck_assert_int_eq(utf8_from_wide_buf(pair, out, 4), 0);
    ck_assert_str_eq(out, "a");                           /* not half of U+1F600 */
    ck_assert_int_eq(utf8_from_wide_buf(wide, out, 1), 0);
    ck_assert_str_eq(out, "");
    memset(out, 'q', sizeof(out));
    ck_assert_int_eq(utf8_from_wide_buf(wide, out, 0), 0);
    ck_assert_int_eq(out[0], 'q');                        /* nothing written */
    ck_assert_int_eq(utf8_from_wide_buf(NULL, out, sizeof(out)), 1);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_wide_buf_all_or_nothing)
{
    WCHAR out[4];
    size_t i;

    ck_assert_int_eq(wide_from_utf8_buf("ab\xc3\xa9", out, 4), 1);
    ck_assert(out[0] == 'a' && out[1] == 'b' && out[2] == 0xE9 && out[3] == 0);
    ck_assert_int_eq(wide_from_utf8_buf("abcd", out, 4), 0);
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(out[i], 0);                      /* no part of it left */
    out[0] = 'q';
    ck_assert_int_eq(wide_from_utf8_buf("a", out, 0), 0);
    ck_assert_int_eq(out[0], 'q');
    ck_assert_int_eq(wide_from_utf8_buf(NULL, out, 4), 1);
    ck_assert_int_eq(out[0], 0);
}
END_TEST

START_TEST(test_error_text_one_format)
{
    char out[300], message[200], small[8];
    size_t n;

    win32_message(ERROR_ACCESS_DENIED, message, sizeof(message));
    n = strlen(message);
    ck_assert_uint_gt(n, 0);
    ck_assert_msg(!strchr(".\r\n ", message[n - 1]), "\"%s\" keeps its end", message);
    win32_error_text(ERROR_ACCESS_DENIED, out, sizeof(out));
    ck_assert_int_eq(strncmp(out, "error 5 (0x00000005): ", 22), 0);
    ck_assert_str_eq(out + 22, message);
    /* An HRESULT: the same format. */
    win32_error_text(0x80070005ul, out, sizeof(out));
    ck_assert_int_eq(strncmp(out, "error 2147942405 (0x80070005)", 29), 0);
    /* A code the system has no text for (customer bit set): the code alone. */
    win32_error_text(0x2000FFFFul, out, sizeof(out));
    ck_assert_str_eq(out, "error 536936447 (0x2000FFFF)");
    ck_assert_str_eq(win32_message(0x2000FFFFul, message, sizeof(message)), "");
    /* Bounded: cut and terminated. */
    win32_error_text(ERROR_ACCESS_DENIED, small, sizeof(small));
    ck_assert_str_eq(small, "error 5");
}
END_TEST

Suite *wintext_suite(void)
{
    Suite *s = suite_create("wintext");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_invalid_input_becomes_replacement);
    tcase_add_test(tc, test_utf8_buf_cuts_between_characters);
    tcase_add_test(tc, test_wide_buf_all_or_nothing);
    tcase_add_test(tc, test_error_text_one_format);
    suite_add_tcase(s, tc);
    return s;
}
#endif
