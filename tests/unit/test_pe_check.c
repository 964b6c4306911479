/* The PE image checker (server/diagnose/pe_check.c): every cause of "is not a valid
 * Win32 application" from crafted headers, and hostile bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "server/diagnose/pe_check.h"
#include "suites.h"

#define LFANEW    0x80u
#define FILE_LEN  0x400u

static const struct pe_host win2000_x86 = { PE_MACHINE_I386, 5, 0 };
static const struct pe_host win2003_x64 = { PE_MACHINE_AMD64, 5, 2 };

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFF); put16(p + 2, v >> 16); }

struct spec {
    unsigned machine, magic, characteristics, subsystem, major, minor;
};

/* A minimal well-formed image: DOS header, PE header at 0x80, optional
 * header, one section whose raw data is 0x200..0x400. */
static size_t make_pe(unsigned char *buf, const struct spec *s)
{
    unsigned char *coff = buf + LFANEW + 4, *opt = coff + 20;
    unsigned size_opt = s->magic == PE_MAGIC_PE32PLUS ? 0xF0 : 0xE0;
    unsigned char *sect = opt + size_opt;

    memset(buf, 0, FILE_LEN);
    buf[0] = 'M';
    buf[1] = 'Z';
    put32(buf + 0x3C, LFANEW);
    memcpy(buf + LFANEW, "PE\0\0", 4);
    put16(coff, s->machine);
    put16(coff + 2, 1);
    put16(coff + 16, size_opt);
    put16(coff + 18, s->characteristics);
    put16(opt, s->magic);
    put16(opt + 48, s->major);
    put16(opt + 50, s->minor);
    put32(opt + 60, 0x200);
    put16(opt + 68, s->subsystem);
    memcpy(sect, ".text", 5);
    put32(sect + 16, 0x200);
    put32(sect + 20, 0x200);
    return FILE_LEN;
}

static const struct spec i386_gui = { PE_MACHINE_I386, PE_MAGIC_PE32, 0x0102, 2, 4, 0 };
static const struct spec amd64_gui = { PE_MACHINE_AMD64, PE_MAGIC_PE32PLUS, 0x0022, 2, 5, 2 };

static enum pe_status check_spec(const struct spec *s, const struct pe_host *host, struct pe_info *info)
{
    unsigned char buf[FILE_LEN];
    size_t len = make_pe(buf, s);

    return pe_check(buf, len, len, host, info);
}

START_TEST(test_good_images)
{
    struct pe_info info;
    char text[200];

    ck_assert_int_eq(check_spec(&i386_gui, &win2000_x86, &info), PE_OK);
    ck_assert_int_eq(info.machine, PE_MACHINE_I386);
    ck_assert_str_eq(info.signature, "PE");
    pe_describe(PE_OK, &info, &win2000_x86, text, sizeof(text));
    ck_assert_str_eq(text, "a PE32 i386 Windows GUI program for Windows 4.0 or later");
    /* WOW64: a 32-bit server on 64-bit Windows starts. */
    ck_assert_int_eq(check_spec(&i386_gui, &win2003_x64, NULL), PE_OK);
    ck_assert_int_eq(check_spec(&amd64_gui, &win2003_x64, &info), PE_OK);
    ck_assert_int_eq(info.magic, PE_MAGIC_PE32PLUS);
    /* Without a host, only the file's own consistency is checked. */
    ck_assert_int_eq(check_spec(&amd64_gui, NULL, NULL), PE_OK);
}
END_TEST

START_TEST(test_machine_type)
{
    struct spec arm64 = amd64_gui, ia64 = amd64_gui;
    struct pe_info info;
    char text[200];

    /* An x86_64 server on 32-bit Windows 2000: the case wine32 would show. */
    ck_assert_int_eq(check_spec(&amd64_gui, &win2000_x86, &info), PE_E_MACHINE);
    pe_describe(PE_E_MACHINE, &info, &win2000_x86, text, sizeof(text));
    ck_assert_str_eq(text, "a PE image for AMD64 (machine 0x8664), which this i386 Windows cannot run");
    arm64.machine = PE_MACHINE_ARM64;
    ck_assert_int_eq(check_spec(&arm64, &win2003_x64, &info), PE_E_MACHINE);
    pe_describe(PE_E_MACHINE, &info, &win2003_x64, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "ARM64 (machine 0xAA64)"));
    ia64.machine = PE_MACHINE_IA64;
    ck_assert_int_eq(check_spec(&ia64, &win2003_x64, NULL), PE_E_MACHINE);
    ck_assert(pe_host_runs(PE_MACHINE_AMD64, PE_MACHINE_I386));
    ck_assert(pe_host_runs(PE_MACHINE_IA64, PE_MACHINE_I386));
    ck_assert(!pe_host_runs(PE_MACHINE_I386, PE_MACHINE_AMD64));
    ck_assert(!pe_host_runs(PE_MACHINE_AMD64, PE_MACHINE_ARM64));
    ck_assert(pe_host_runs(PE_MACHINE_ARM64, PE_MACHINE_AMD64));
    ck_assert(!pe_host_runs(PE_MACHINE_I386, 0x1234));
    ck_assert_str_eq(pe_machine_name(0x1234), "unknown");
}
END_TEST

START_TEST(test_flags_subsystem_magic)
{
    struct spec s;
    struct pe_info info;
    char text[200];

    s = i386_gui; s.characteristics |= PE_FILE_DLL;
    ck_assert_int_eq(check_spec(&s, &win2000_x86, NULL), PE_E_DLL);
    s = i386_gui; s.characteristics &= ~PE_FILE_EXECUTABLE_IMAGE;
    ck_assert_int_eq(check_spec(&s, &win2000_x86, NULL), PE_E_NOT_EXECUTABLE);
    s = i386_gui; s.subsystem = 1;
    ck_assert_int_eq(check_spec(&s, &win2000_x86, &info), PE_E_SUBSYSTEM);
    pe_describe(PE_E_SUBSYSTEM, &info, &win2000_x86, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "native"));
    s = i386_gui; s.subsystem = 3;
    ck_assert_int_eq(check_spec(&s, &win2000_x86, NULL), PE_OK);
    s = i386_gui; s.magic = PE_MAGIC_PE32PLUS;
    ck_assert_int_eq(check_spec(&s, &win2000_x86, NULL), PE_E_MAGIC);
    s = amd64_gui; s.magic = PE_MAGIC_PE32;
    ck_assert_int_eq(check_spec(&s, &win2003_x64, NULL), PE_E_MAGIC);
    s = i386_gui; s.magic = 0x107;  /* ROM image */
    ck_assert_int_eq(check_spec(&s, &win2000_x86, NULL), PE_E_BAD_HEADER);
}
END_TEST

START_TEST(test_subsystem_version)
{
    static const struct { unsigned major, minor; struct pe_host host; enum pe_status want; } cases[] = {
        { 4, 0, { PE_MACHINE_I386, 5, 0 }, PE_OK },
        { 5, 0, { PE_MACHINE_I386, 5, 0 }, PE_OK },
        { 5, 1, { PE_MACHINE_I386, 5, 0 }, PE_E_SUBSYSTEM_VERSION },  /* XP exe on 2000 */
        { 5, 2, { PE_MACHINE_I386, 5, 2 }, PE_OK },
        { 6, 0, { PE_MACHINE_I386, 5, 2 }, PE_E_SUBSYSTEM_VERSION },  /* mingw default-ish on 2003 */
        { 6, 0, { PE_MACHINE_I386, 10, 0 }, PE_OK },
        { 5, 9, { PE_MACHINE_I386, 6, 0 }, PE_OK },
        { 10, 0, { PE_MACHINE_I386, 6, 3 }, PE_E_SUBSYSTEM_VERSION },
    };
    struct spec s = i386_gui;
    struct pe_info info;
    char text[200];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s.major = cases[i].major;
        s.minor = cases[i].minor;
        ck_assert_msg(check_spec(&s, &cases[i].host, &info) == cases[i].want, "case %zu", i);
    }
    s.major = 6; s.minor = 0;
    ck_assert_int_eq(check_spec(&s, &win2003_x64, &info), PE_E_SUBSYSTEM_VERSION);
    pe_describe(PE_E_SUBSYSTEM_VERSION, &info, &win2003_x64, text, sizeof(text));
    ck_assert_str_eq(text, "it asks for Windows 6.0 or later (subsystem version); this is Windows 5.2");
}
END_TEST

START_TEST(test_not_programs)
{
    static const unsigned char text_file[] = "Set oKeySet=CreateObject(\"EMPKP.PubKeyPublisher\")\r\n";
    unsigned char buf[FILE_LEN];
    struct pe_info info;
    char text[200];

    memset(buf, 0, sizeof(buf));
    ck_assert_int_eq(pe_check(buf, 0, 0, &win2000_x86, &info), PE_E_EMPTY);
    ck_assert_int_eq(pe_check(NULL, 100, 0, &win2000_x86, NULL), PE_E_EMPTY);
    ck_assert_int_eq(pe_check(text_file, sizeof(text_file) - 1, sizeof(text_file) - 1, &win2000_x86, &info),
                     PE_E_NOT_MZ);
    ck_assert_int_eq(pe_check((const unsigned char *)"M", 1, 1, &win2000_x86, NULL), PE_E_NOT_MZ);
    ck_assert_int_eq(pe_check((const unsigned char *)"MZ", 2, 2, &win2000_x86, &info), PE_E_TRUNCATED);
    ck_assert_int_eq(info.needed, 0x40);

    /* MS-DOS program: e_lfanew points past the end, or at no "PE". */
    make_pe(buf, &i386_gui);
    put32(buf + 0x3C, 0xFFFFFFFFu);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, &info), PE_E_NOT_PE);
    put32(buf + 0x3C, FILE_LEN - 2);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, &info), PE_E_NOT_PE);
    put32(buf + 0x3C, LFANEW);
    memcpy(buf + LFANEW, "NE\x05\x0a", 4);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, &info), PE_E_NOT_PE);
    ck_assert_str_eq(info.signature, "NE");
    pe_describe(PE_E_NOT_PE, &info, &win2000_x86, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "16-bit"));
    memcpy(buf + LFANEW, "PX\0\0", 4);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, &info), PE_E_NOT_PE);
    ck_assert_str_eq(info.signature, "");
    pe_describe(PE_E_NOT_PE, &info, &win2000_x86, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "MS-DOS"));
}
END_TEST

START_TEST(test_truncated_and_far)
{
    unsigned char buf[FILE_LEN];
    struct pe_info info;
    char text[200];
    size_t n;

    make_pe(buf, &i386_gui);
    /* Every shorter copy of the file is refused, none is read past its end. */
    for (n = 0; n < FILE_LEN; n++) {
        enum pe_status st = pe_check(buf, n, n, &win2000_x86, &info);
        ck_assert_msg(st != PE_OK && st != PE_E_HEADER_FAR, "%zu bytes gave %d", n, (int)st);
    }
    ck_assert_int_eq(pe_check(buf, 0x300, 0x300, &win2000_x86, &info), PE_E_TRUNCATED);
    ck_assert_int_eq(info.needed, 0x400);
    pe_describe(PE_E_TRUNCATED, &info, &win2000_x86, text, sizeof(text));
    ck_assert_str_eq(text, "truncated: its headers and sections need 1024 bytes, the file has 768 "
                           "(an interrupted copy)");
    /* The file is whole, but we were given only its first bytes. */
    ck_assert_int_eq(pe_check(buf, 0x90, FILE_LEN, &win2000_x86, NULL), PE_E_HEADER_FAR);
    /* A section far beyond the end; 65535 sections in a small file. */
    put32(buf + LFANEW + 24 + 0xE0 + 20, 0xFFFFFFF0u);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, &info), PE_E_TRUNCATED);
    ck_assert(info.needed > 0xFFFFFFFFull);
    make_pe(buf, &i386_gui);
    put16(buf + LFANEW + 4 + 2, 0xFFFF);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, NULL), PE_E_TRUNCATED);
    /* Optional header sizes too small for the fields we read. */
    make_pe(buf, &i386_gui);
    put16(buf + LFANEW + 4 + 16, 0);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, NULL), PE_E_BAD_HEADER);
    put16(buf + LFANEW + 4 + 16, 95);
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, NULL), PE_E_BAD_HEADER);
    make_pe(buf, &i386_gui);
    put32(buf + LFANEW + 24 + 60, 0x10000);  /* SizeOfHeaders past the end */
    ck_assert_int_eq(pe_check(buf, FILE_LEN, FILE_LEN, &win2000_x86, NULL), PE_E_TRUNCATED);
}
END_TEST

/* A deterministic mutation run: a valid image with bytes of its headers
 * changed at random must never crash the checker or its description (the
 * sanitizers watch every read); a small stand-in for a fuzzer. */
START_TEST(test_mutated_headers_never_crash)
{
    unsigned char base[FILE_LEN], buf[FILE_LEN];
    uint32_t seed = 0x2545F491u;
    struct pe_info info;
    char text[256];
    int i, j, ok = 0;

    make_pe(base, &i386_gui);
    for (i = 0; i < 200000; i++) {
        size_t len;
        memcpy(buf, base, FILE_LEN);
        for (j = 0; j < 1 + i % 6; j++) {
            seed = seed * 1103515245u + 12345u;
            buf[(seed >> 8) % 0x1C0] = (unsigned char)(seed >> 24);
        }
        seed = seed * 1103515245u + 12345u;
        len = (i % 7) ? FILE_LEN : (seed >> 8) % (FILE_LEN + 1);
        enum pe_status st = pe_check(buf, len, len + (i % 3 == 0 ? 0 : 0x100), &win2003_x64, &info);
        pe_describe(st, &info, &win2003_x64, text, sizeof(text));
        ck_assert(text[0] != 0);
        ok += st == PE_OK;
    }
    ck_assert_int_gt(ok, 0);  /* the mutations also left some images valid */
}
END_TEST

START_TEST(test_descriptions_bounded)
{
    struct pe_info info;
    char text[8];
    int st;

    memset(&info, 0xFF, sizeof(info));
    info.signature[2] = 0;
    for (st = PE_OK; st <= PE_E_SUBSYSTEM_VERSION; st++) {
        memset(text, 'x', sizeof(text));
        pe_describe((enum pe_status)st, &info, NULL, text, sizeof(text));
        ck_assert_uint_lt(strlen(text), sizeof(text));
        ck_assert_str_ne(pe_status_str((enum pe_status)st), "unknown");
    }
    pe_describe(PE_OK, NULL, NULL, text, 1);
    ck_assert_str_eq(text, "");
    pe_describe(PE_OK, NULL, NULL, NULL, 10);
}
END_TEST

Suite *pe_check_suite(void)
{
    Suite *s = suite_create("pe_check");
    TCase *tc = tcase_create("pe_check");

    tcase_add_test(tc, test_good_images);
    tcase_add_test(tc, test_machine_type);
    tcase_add_test(tc, test_flags_subsystem_magic);
    tcase_add_test(tc, test_subsystem_version);
    tcase_add_test(tc, test_not_programs);
    tcase_add_test(tc, test_truncated_and_far);
    tcase_add_test(tc, test_mutated_headers_never_crash);
    tcase_add_test(tc, test_descriptions_bounded);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
