/* The registry value reader and its typed wrappers (common/regvalue.c),
 * on values written here: the edges the hand-written reads it replaced
 * got wrong or never met (a string without its terminator, one longer
 * than the caller's buffer, a value one byte over the limit, a DWORD of
 * the wrong size).  Windows code: in the cross-built runner only (under
 * Wine), on a volatile key of the current user that the fixture removes. */
#ifdef _WIN32
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <check.h>

#include "common/regvalue.h"
#include "suites.h"

#define TEST_KEY L"Software\\empkp-unit-regvalue"

static HKEY key;

static void open_key(void)
{
    ck_assert_int_eq(RegCreateKeyExW(HKEY_CURRENT_USER, TEST_KEY, 0, NULL, REG_OPTION_VOLATILE,
                                     KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &key, NULL),
                     ERROR_SUCCESS);
}

static void drop_key(void)
{
    if (key)
        RegCloseKey(key);
    key = NULL;
    RegDeleteKeyW(HKEY_CURRENT_USER, TEST_KEY);
}

static void set(const WCHAR *name, DWORD type, const void *data, DWORD len)
{
    ck_assert_int_eq(RegSetValueExW(key, name, 0, type, (const BYTE *)data, len), ERROR_SUCCESS);
}

START_TEST(test_read_whole_and_absent)
{
    static const BYTE bytes[] = { 1, 2, 3, 0, 5 };
    DWORD type, len;
    BYTE *data;
    BOOL present;

    set(L"bin", REG_BINARY, bytes, sizeof(bytes));
    ck_assert_int_eq(regvalue_read(key, L"bin", &type, &data, &len, &present), ERROR_SUCCESS);
    ck_assert(present);
    ck_assert_uint_eq(type, REG_BINARY);
    ck_assert_uint_eq(len, sizeof(bytes));
    ck_assert_int_eq(memcmp(data, bytes, sizeof(bytes)), 0);
    free(data);
    /* An empty value is present, with a buffer. */
    set(L"empty", REG_BINARY, bytes, 0);
    ck_assert_int_eq(regvalue_read(key, L"empty", &type, &data, &len, &present), ERROR_SUCCESS);
    ck_assert(present);
    ck_assert_uint_eq(len, 0);
    free(data);
    /* Absent: success, not present, nothing allocated. */
    ck_assert_int_eq(regvalue_read(key, L"nothing", &type, &data, &len, &present), ERROR_SUCCESS);
    ck_assert(!present);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(type, REG_NONE);
}
END_TEST

START_TEST(test_limit_exact_and_one_over)
{
    BYTE *big = malloc(REGVALUE_MAX + 1), *data;
    DWORD type, len;
    BOOL present;

    ck_assert_ptr_nonnull(big);
    memset(big, 0x41, REGVALUE_MAX + 1);
    set(L"max", REG_BINARY, big, REGVALUE_MAX);
    set(L"over", REG_BINARY, big, REGVALUE_MAX + 1);
    free(big);
    ck_assert_int_eq(regvalue_read(key, L"max", &type, &data, &len, &present), ERROR_SUCCESS);
    ck_assert(present);
    ck_assert_uint_eq(len, REGVALUE_MAX);
    ck_assert(data[0] == 0x41 && data[REGVALUE_MAX - 1] == 0x41);
    free(data);
    /* Never read, never cut: the size, no data. */
    ck_assert_int_eq(regvalue_read(key, L"over", &type, &data, &len, &present), REGVALUE_E_TOO_LARGE);
    ck_assert(present);
    ck_assert_uint_eq(len, REGVALUE_MAX + 1);
    ck_assert_ptr_null(data);
}
END_TEST

START_TEST(test_string_terminated_or_not)
{
    static const WCHAR text[] = L"C:\\empkp.exe";
    WCHAR out[64];
    DWORD type;

    set(L"with", REG_SZ, text, sizeof(text));
    ck_assert_int_eq(regvalue_read_string(key, L"with", out, ARRAYSIZE(out), &type), ERROR_SUCCESS);
    ck_assert(!wcscmp(out, text));
    ck_assert_uint_eq(type, REG_SZ);
    /* Stored without its terminator: read the same, terminated. */
    memset(out, 0x55, sizeof(out));
    set(L"without", REG_EXPAND_SZ, text, sizeof(text) - sizeof(WCHAR));
    ck_assert_int_eq(regvalue_read_string(key, L"without", out, ARRAYSIZE(out), &type), ERROR_SUCCESS);
    ck_assert(!wcscmp(out, text));
    ck_assert_uint_eq(type, REG_EXPAND_SZ);
    /* An odd last byte is not a character. */
    set(L"odd", REG_SZ, text, 2 * sizeof(WCHAR) + 1);
    ck_assert_int_eq(regvalue_read_string(key, L"odd", out, ARRAYSIZE(out), NULL), ERROR_SUCCESS);
    ck_assert(!wcscmp(out, L"C:"));
    /* Up to the first NUL (a REG_MULTI_SZ-like tail is not the string). */
    set(L"nul", REG_SZ, L"ab\0cd", 6 * sizeof(WCHAR));
    ck_assert_int_eq(regvalue_read_string(key, L"nul", out, ARRAYSIZE(out), NULL), ERROR_SUCCESS);
    ck_assert(!wcscmp(out, L"ab"));
}
END_TEST

START_TEST(test_string_never_cut)
{
    static const WCHAR text[] = L"0123456789";   /* 10 characters */
    WCHAR out[11];

    set(L"s", REG_SZ, text, sizeof(text));
    /* Exactly fits, with the terminator. */
    ck_assert_int_eq(regvalue_read_string(key, L"s", out, 11, NULL), ERROR_SUCCESS);
    ck_assert(!wcscmp(out, text));
    /* One unit short: refused, OUT "", never a prefix. */
    ck_assert_int_eq(regvalue_read_string(key, L"s", out, 10, NULL), ERROR_MORE_DATA);
    ck_assert(out[0] == 0);
    /* Without its terminator and one unit short: the same. */
    set(L"u", REG_SZ, text, sizeof(text) - sizeof(WCHAR));
    ck_assert_int_eq(regvalue_read_string(key, L"u", out, 10, NULL), ERROR_MORE_DATA);
    ck_assert(out[0] == 0);
}
END_TEST

START_TEST(test_string_absent_or_other_type)
{
    DWORD one = 1, type = 77;
    WCHAR out[8] = L"junk";

    ck_assert_int_eq(regvalue_read_string(key, L"none", out, ARRAYSIZE(out), &type),
                     ERROR_FILE_NOT_FOUND);
    ck_assert(out[0] == 0);
    ck_assert_uint_eq(type, REG_NONE);
    set(L"dw", REG_DWORD, &one, sizeof(one));
    out[0] = L'x';
    ck_assert_int_eq(regvalue_read_string(key, L"dw", out, ARRAYSIZE(out), &type),
                     ERROR_INVALID_DATATYPE);
    ck_assert(out[0] == 0);
}
END_TEST

START_TEST(test_dword)
{
    DWORD v = 3072, value;
    BYTE eight[8] = { 0 };
    BOOL present, is_dword;

    set(L"dw", REG_DWORD, &v, sizeof(v));
    ck_assert_int_eq(regvalue_read_dword(key, L"dw", &present, &is_dword, &value), ERROR_SUCCESS);
    ck_assert(present && is_dword);
    ck_assert_uint_eq(value, 3072);
    /* Present, not a DWORD: another type, or REG_DWORD of another size. */
    set(L"bin", REG_BINARY, &v, sizeof(v));
    ck_assert_int_eq(regvalue_read_dword(key, L"bin", &present, &is_dword, &value), ERROR_SUCCESS);
    ck_assert(present && !is_dword);
    ck_assert_uint_eq(value, 0);
    set(L"wide", REG_DWORD, eight, sizeof(eight));
    ck_assert_int_eq(regvalue_read_dword(key, L"wide", &present, &is_dword, &value), ERROR_SUCCESS);
    ck_assert(present && !is_dword);
    set(L"short", REG_DWORD, &v, 2);
    ck_assert_int_eq(regvalue_read_dword(key, L"short", &present, &is_dword, &value), ERROR_SUCCESS);
    ck_assert(present && !is_dword);
    ck_assert_int_eq(regvalue_read_dword(key, L"none", &present, &is_dword, &value), ERROR_SUCCESS);
    ck_assert(!present && !is_dword);
}
END_TEST

START_TEST(test_size_without_reading)
{
    static const BYTE bytes[300] = { 0 };
    DWORD type, size;
    BOOL present;

    set(L"bin", REG_BINARY, bytes, sizeof(bytes));
    regvalue_size(key, L"bin", &present, &type, &size);
    ck_assert(present);
    ck_assert_uint_eq(type, REG_BINARY);
    ck_assert_uint_eq(size, sizeof(bytes));
    regvalue_size(key, L"none", &present, &type, &size);
    ck_assert(!present);
    ck_assert_uint_eq(type, REG_NONE);
    ck_assert_uint_eq(size, 0);
}
END_TEST

Suite *regvalue_suite(void)
{
    Suite *s = suite_create("regvalue");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, open_key, drop_key);
    tcase_add_test(tc, test_read_whole_and_absent);
    tcase_add_test(tc, test_limit_exact_and_one_over);
    tcase_add_test(tc, test_string_terminated_or_not);
    tcase_add_test(tc, test_string_never_cut);
    tcase_add_test(tc, test_string_absent_or_other_type);
    tcase_add_test(tc, test_dword);
    tcase_add_test(tc, test_size_without_reading);
    suite_add_tcase(s, tc);
    return s;
}
#endif
