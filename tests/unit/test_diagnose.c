/* /diagnose's decisions and output (server/diagnose/diagnose_logic.c,
 * server/diagnose/diagnose_report.c): the verdict and exit code from the checks,
 * the texts built from facts, and the text and JSON formats. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server/diagnose/diagnose_logic.h"
#include "server/diagnose/diagnose_report.h"
#include "crypto/keyblob.h"
#include "suites.h"

static void all_pass(struct diag_result *r)
{
    int i;

    memset(r, 0, sizeof(struct diag_result) * DIAG_CHECK_COUNT);
    for (i = 0; i < DIAG_CHECK_COUNT; i++)
        diag_set(r, (enum diag_check)i, DIAG_PASS, "never shown", "fine %d", i);
}

/* A structurally valid PUBLICKEYBLOB (RSA-2048, exponent 65537); fill
 * varies the modulus so two blobs can differ. */
static size_t make_blob(unsigned char *b, unsigned char fill)
{
    memset(b, 0, 276);
    b[0] = 6; b[1] = 2; b[5] = 0xA4;
    memcpy(b + 8, "RSA1", 4);
    b[13] = 0x08;            /* bitlen 2048 */
    b[16] = 1; b[18] = 1;    /* 65537 */
    memset(b + 20, fill, 256);
    b[20] |= 1;              /* odd */
    b[275] = 0xC1;           /* top byte set */
    return 276;
}

START_TEST(test_verdict_precedence)
{
    struct diag_result r[DIAG_CHECK_COUNT];

    all_pass(r);
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_PUBLISHED);
    diag_set(r, DIAG_DATA0, DIAG_FAIL, "x", "bad");
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_KEY_MISSING);
    diag_set(r, DIAG_PUBLISH, DIAG_FAIL, "x", "ErrID 5");
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_PUBLISH_FAILED);
    diag_set(r, DIAG_WIN32_APP, DIAG_FAIL, "x", "ARM64");
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_NOT_CREATED);

    /* Each check's FAIL alone, and every WARN alone. */
    for (int i = 0; i < DIAG_CHECK_COUNT; i++) {
        all_pass(r);
        diag_set(r, (enum diag_check)i, DIAG_WARN, "x", "warn");
        ck_assert_int_eq(diag_verdict_of(r), VERDICT_PUBLISHED);
        all_pass(r);
        diag_set(r, (enum diag_check)i, DIAG_FAIL, "x", "fail");
        ck_assert_int_eq(diag_verdict_of(r), diag_fail_verdict((enum diag_check)i));
    }
    ck_assert_int_eq(diag_fail_verdict(DIAG_EXMPLS), VERDICT_KEY_MISSING);
    ck_assert_int_eq(diag_fail_verdict(DIAG_STORED_KEY), VERDICT_KEY_MISSING);
    ck_assert_int_eq(diag_fail_verdict(DIAG_CLSID), VERDICT_NOT_CREATED);
    ck_assert_int_eq(diag_fail_verdict(DIAG_LOCALSERVER32), VERDICT_NOT_CREATED);
    ck_assert_int_eq(diag_fail_verdict(DIAG_SERVER_FILE), VERDICT_NOT_CREATED);
    ck_assert_int_eq(diag_fail_verdict(DIAG_PROGID), VERDICT_NOT_CREATED);
    ck_assert_int_eq(diag_fail_verdict(DIAG_OBJECT), VERDICT_NOT_CREATED);
    ck_assert_int_eq(diag_fail_verdict(DIAG_PUBLISH), VERDICT_PUBLISH_FAILED);
    /* KB 911143: a DCOM permissions issue keeps the object from being created. */
    ck_assert_int_eq(diag_fail_verdict(DIAG_DCOM), VERDICT_NOT_CREATED);
    ck_assert_str_eq(diag_check_id(DIAG_DCOM), "dcom-permissions");
    ck_assert_str_eq(diag_check_name(DIAG_DCOM), "DCOM permissions");
}
END_TEST

START_TEST(test_fail_means_stops_9986)
{
    static const enum diag_check warn_only[] = {
        DIAG_CREDENTIALS, DIAG_DECRYPTABLE, DIAG_HELPER_FILE, DIAG_APPID, DIAG_TYPELIB, DIAG_PROXYSTUB,
    };
    struct diag_result r[DIAG_CHECK_COUNT];
    size_t i;

    for (i = 0; i < sizeof(warn_only) / sizeof(warn_only[0]); i++) {
        all_pass(r);
        diag_set(r, warn_only[i], DIAG_FAIL, "remedy", "asked to fail");
        ck_assert_int_eq(r[warn_only[i]].status, DIAG_WARN);
        ck_assert_str_eq(r[warn_only[i]].remedy, "remedy");
    }
    /* A PASS keeps no remedy; out-of-range checks are ignored. */
    diag_set(r, DIAG_CLSID, DIAG_PASS, "remedy", "ok");
    ck_assert_str_eq(r[DIAG_CLSID].remedy, "");
    diag_set(r, DIAG_CHECK_COUNT, DIAG_FAIL, "x", "ignored");
    diag_set(NULL, DIAG_CLSID, DIAG_FAIL, "x", "ignored");
    ck_assert_str_eq(diag_check_name(DIAG_CHECK_COUNT), "unknown");
}
END_TEST

START_TEST(test_events_and_exit_codes)
{
    static const struct { enum diag_verdict v; int empkp, exchkp; } table[] = {
        { VERDICT_PUBLISHED, 9986, 9986 },
        { VERDICT_KEY_MISSING, 9987, 9987 },
        { VERDICT_PUBLISH_FAILED, 10000, 9970 },
        { VERDICT_NOT_CREATED, 10001, 9972 },
    };
    char text[600];
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        ck_assert_int_eq(diag_verdict_event(table[i].v, IDENTITY_EMPKP), table[i].empkp);
        ck_assert_int_eq(diag_verdict_event(table[i].v, IDENTITY_EXCHKP), table[i].exchkp);
        ck_assert_int_eq(diag_exit_code(table[i].v, IDENTITY_EMPKP), i ? table[i].empkp : 0);
        ck_assert_int_eq(diag_exit_code(table[i].v, IDENTITY_EXCHKP), i ? table[i].exchkp : 0);
    }
    diag_verdict_text(VERDICT_NOT_CREATED, IDENTITY_EXCHKP, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "event 9972"));
    ck_assert_ptr_nonnull(strstr(text, "Failed to create the object 'ExchKP.PubKeyPublisher'"));
    diag_verdict_text(VERDICT_NOT_CREATED, IDENTITY_EMPKP, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "Failed to create the object 'EMPKP.PubKeyPublisher'"));
    diag_verdict_text(VERDICT_PUBLISH_FAILED, IDENTITY_EMPKP, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "event 10000"));
    diag_verdict_text(VERDICT_KEY_MISSING, IDENTITY_EMPKP, text, sizeof(text));
    ck_assert_ptr_nonnull(strstr(text, "event 9987"));
}
END_TEST

START_TEST(test_publish_only_when_harmless)
{
    ck_assert(diag_may_call_publish(PLAN_NOTHING, 0));
    ck_assert(diag_may_call_publish(PLAN_FAIL, 0));
    ck_assert(!diag_may_call_publish(PLAN_REWRITE_DATA0, 0));
    ck_assert(!diag_may_call_publish(PLAN_NEW_KEY, 0));
    ck_assert(diag_may_call_publish(PLAN_REWRITE_DATA0, 1));
    ck_assert(diag_may_call_publish(PLAN_NEW_KEY, 1));
    ck_assert_ptr_nonnull(strstr(diag_publish_would(PLAN_NEW_KEY), "remove DATA1..3"));
}
END_TEST

START_TEST(test_data0_check)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    unsigned char blob[276];
    size_t len = make_blob(blob, 0x5A);
    unsigned bits;

    all_pass(r);
    ck_assert_int_eq(diag_check_data0(r, 1, 1, blob, len, &bits), DIAG_PASS);
    ck_assert_uint_eq(bits, 2048);
    ck_assert_str_eq(r[DIAG_DATA0].found, "a PUBLICKEYBLOB of an RSA-2048 key (exponent 65537), 276 bytes");
    ck_assert_int_eq(diag_check_data0(r, 0, 0, NULL, 0, &bits), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_DATA0].found, "no DATA0"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_DATA0].remedy, "Exchange - Publish ExMP Data"));
    ck_assert_int_eq(diag_check_data0(r, 1, 1, NULL, 0, &bits), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_DATA0].found, "64 KiB"));
    ck_assert_int_eq(diag_check_data0(r, 1, 0, blob, len, &bits), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_DATA0].found, "not REG_BINARY"));
    ck_assert_int_eq(diag_check_data0(r, 1, 1, blob, 100, &bits), DIAG_FAIL);
    ck_assert_str_eq(r[DIAG_DATA0].found, "DATA0 (100 bytes) is not a well-formed PUBLICKEYBLOB: key blob truncated");
    ck_assert_uint_eq(bits, 0);
    blob[0] = 7;
    ck_assert_int_eq(diag_check_data0(r, 1, 1, blob, len, NULL), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_DATA0].found, "not PUBLICKEYBLOB"));
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_KEY_MISSING);
}
END_TEST

/* DATA0's fingerprint: SHA-256 of the bytes as read, the same function
 * empkpcred shows (keyblob_fingerprint), for any DATA0 that could be read;
 * "" when there are no bytes. */
START_TEST(test_data0_fingerprint)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    unsigned char blob[276];
    char want[KEYBLOB_FINGERPRINT_CHARS + 1];
    size_t len = make_blob(blob, 0x5A);

    all_pass(r);
    ck_assert_int_eq(keyblob_fingerprint(blob, len, want), 0);
    diag_check_data0(r, 1, 1, blob, len, NULL);
    ck_assert_str_eq(r[DIAG_DATA0].sha256, want);
    ck_assert_uint_eq(strlen(r[DIAG_DATA0].sha256), 64);
    /* A truncated DATA0 has a fingerprint of its own (it is what was read). */
    diag_check_data0(r, 1, 1, blob, 100, NULL);
    ck_assert_uint_eq(strlen(r[DIAG_DATA0].sha256), 64);
    ck_assert_str_ne(r[DIAG_DATA0].sha256, want);
    diag_check_data0(r, 0, 0, NULL, 0, NULL);
    ck_assert_str_eq(r[DIAG_DATA0].sha256, "");
    diag_check_data0(r, 1, 1, NULL, 0, NULL);   /* too large to read */
    ck_assert_str_eq(r[DIAG_DATA0].sha256, "");
}
END_TEST

/* Which providers import DATA0: the Base provider's 1024-bit limit is
 * named when it refuses; providers that are not installed never WARN. */
START_TEST(test_providers_check)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    struct diag_provider p[5] = {
        { "Base (MS_DEF_PROV)", 1, DIAG_IMPORT_REFUSED, 0x80090005ul },
        { "Strong (MS_STRONG_PROV)", 0, DIAG_IMPORT_OK, 0 },
        { "Enhanced (MS_ENHANCED_PROV)", 0, DIAG_IMPORT_OK, 0 },
        { "Enhanced RSA and AES (MS_ENH_RSA_AES_PROV)", 0, DIAG_IMPORT_NOT_INSTALLED, 0x80090019ul },
        { "default PROV_RSA_FULL (x)", 0, DIAG_IMPORT_OK, 0 },
    };

    all_pass(r);
    ck_assert_int_eq(diag_check_providers(r, 2048, p, 5), DIAG_WARN);
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "Microsoft Base Cryptographic Provider"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "RSA-2048"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "384 to 1024 bits"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "Base (MS_DEF_PROV) (0x80090005)"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found,
        "imported by: Strong (MS_STRONG_PROV), Enhanced (MS_ENHANCED_PROV), default PROV_RSA_FULL (x)"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found,
        "not installed: Enhanced RSA and AES (MS_ENH_RSA_AES_PROV)"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].remedy, "KeyBits = 1024"));
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_PUBLISHED);   /* only a WARN */

    /* The default provider is the Base one (an old Windows 2000). */
    p[0].result = DIAG_IMPORT_OK;
    p[4].is_base = 1;
    p[4].result = DIAG_IMPORT_REFUSED;
    ck_assert_int_eq(diag_check_providers(r, 2048, p, 5), DIAG_WARN);
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "Refused by: default PROV_RSA_FULL (x)"));

    /* Another provider refuses: WARN naming it, no Base-provider text. */
    p[4].is_base = 0;
    ck_assert_int_eq(diag_check_providers(r, 2048, p, 5), DIAG_WARN);
    ck_assert_ptr_null(strstr(r[DIAG_PROVIDERS].found, "Base Cryptographic"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "refused by: default PROV_RSA_FULL (x)"));

    /* KeyBits = 1024: everything installed imports it. */
    p[4].result = DIAG_IMPORT_OK;
    ck_assert_int_eq(diag_check_providers(r, 1024, p, 5), DIAG_PASS);
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "RSA-1024 key is imported by every provider"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "Base (MS_DEF_PROV), Strong"));
    ck_assert_str_eq(r[DIAG_PROVIDERS].remedy, "");

    /* Nothing installed at all; and a DATA0 that is not well formed. */
    for (int i = 0; i < 5; i++)
        p[i].result = DIAG_IMPORT_NOT_INSTALLED;
    ck_assert_int_eq(diag_check_providers(r, 1024, p, 5), DIAG_WARN);
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "no CryptoAPI provider"));
    ck_assert_int_eq(diag_check_providers(r, 0, NULL, 0), DIAG_WARN);
    ck_assert_ptr_nonnull(strstr(r[DIAG_PROVIDERS].found, "not checked"));
    ck_assert_int_eq(diag_fail_verdict(DIAG_PROVIDERS), VERDICT_PUBLISHED);
    ck_assert_str_eq(diag_check_id(DIAG_PROVIDERS), "data0-providers");
}
END_TEST

static size_t count_lines(const char *s, const char *prefix);

/* The fingerprint is one more line under DATA0's, and "sha256" in its
 * JSON object only. */
START_TEST(test_fingerprint_in_reports)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    struct diag_buf out = { 0 };
    struct diag_run run = { IDENTITY_EMPKP, "{11111111-2222-3333-4444-555555555555}", "C:\\x\\empkp.exe", 0, NULL, NULL, 0, r };
    unsigned char blob[276];
    size_t len = make_blob(blob, 0x33);
    char want[200], fp[KEYBLOB_FINGERPRINT_CHARS + 1];

    all_pass(r);
    diag_check_data0(r, 1, 1, blob, len, NULL);
    keyblob_fingerprint(blob, len, fp);
    ck_assert_int_eq(diag_render_text(&run, &out), 0);
    snprintf(want, sizeof(want), "\nPASS DATA0: a PUBLICKEYBLOB of an RSA-2048 key (exponent 65537), "
             "276 bytes\n     DATA0 SHA-256: %s\nPASS stored key: ", fp);
    ck_assert_ptr_nonnull(strstr(out.data, want));
    ck_assert_uint_eq(count_lines(out.data, ""), DIAG_CHECK_COUNT + 3);
    diag_buf_free(&out);

    ck_assert_int_eq(diag_render_json(&run, &out), 0);
    snprintf(want, sizeof(want), "\"remedy\": \"\", \"sha256\": \"%s\"}", fp);
    ck_assert_ptr_nonnull(strstr(out.data, want));
    ck_assert_ptr_nonnull(strstr(out.data, "{\"check\": \"data0\""));
    {   /* once: only DATA0 has one */
        const char *first = strstr(out.data, "\"sha256\"");
        ck_assert_ptr_null(strstr(first + 1, "\"sha256\""));
    }
    diag_buf_free(&out);
}
END_TEST

START_TEST(test_stored_key_check)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    unsigned char a[276], b[276];
    size_t len = make_blob(a, 0x11);

    make_blob(b, 0x22);
    all_pass(r);
    ck_assert_int_eq(diag_check_stored_key(r, STORE_PRESENT, 0, "C", a, len, a, len), DIAG_PASS);
    ck_assert_ptr_nonnull(strstr(r[DIAG_STORED_KEY].found, "holds DATA0's private key (RSA-2048)"));
    ck_assert_int_eq(diag_check_stored_key(r, STORE_PRESENT, 0, "C", a, len, b, len), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_STORED_KEY].found, "another key's"));
    ck_assert_int_eq(diag_check_stored_key(r, STORE_PRESENT, 0, "C", a, len, NULL, 0), DIAG_PASS);
    ck_assert_int_eq(diag_check_stored_key(r, STORE_ABSENT, 0x80090016ul, "EMPKP PubKeyPublisher",
                                           NULL, 0, a, len), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_STORED_KEY].found, "\"EMPKP PubKeyPublisher\" holds no key (error 0x80090016)"));
    ck_assert_ptr_nonnull(strstr(r[DIAG_STORED_KEY].remedy, "new key pair"));
    ck_assert_int_eq(diag_check_stored_key(r, STORE_CORRUPT, 0x8009000Dul, "C", NULL, 0, NULL, 0), DIAG_FAIL);
    ck_assert_int_eq(diag_check_stored_key(r, STORE_ERROR, 5, NULL, NULL, 0, NULL, 0), DIAG_FAIL);
    ck_assert_ptr_nonnull(strstr(r[DIAG_STORED_KEY].remedy, "administrator"));
}
END_TEST

START_TEST(test_credentials_check)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    const int all[3] = { 1, 1, 1 }, none[3] = { 0, 0, 0 }, some[3] = { 1, 0, 1 };
    const unsigned long sizes[3] = { 256, 256, 256 };

    all_pass(r);
    ck_assert_int_eq(diag_check_credentials(r, 1, all, sizes), DIAG_PASS);
    ck_assert_str_eq(r[DIAG_CREDENTIALS].found,
                     "DATA1, DATA2 and DATA3 present (256, 256 and 256 bytes; contents not shown)");
    ck_assert_int_eq(diag_check_credentials(r, 1, none, sizes), DIAG_WARN);
    ck_assert_ptr_nonnull(strstr(r[DIAG_CREDENTIALS].remedy, "ExchangeMOMSetCredentialUtility"));
    ck_assert_int_eq(diag_check_credentials(r, 1, some, sizes), DIAG_WARN);
    ck_assert_str_eq(r[DIAG_CREDENTIALS].found, "incomplete: DATA2 missing");
    ck_assert_int_eq(diag_check_credentials(r, 0, none, sizes), DIAG_WARN);
    ck_assert_int_eq(diag_verdict_of(r), VERDICT_PUBLISHED);
}
END_TEST

START_TEST(test_errid_texts)
{
    char meaning[200], remedy[300];

    diag_errid_text(5, meaning, sizeof(meaning), remedy, sizeof(remedy));
    ck_assert_ptr_nonnull(strstr(meaning, "access denied"));
    ck_assert_ptr_nonnull(strstr(remedy, "274696"));
    diag_errid_text(13, meaning, sizeof(meaning), remedy, sizeof(remedy));
    ck_assert_ptr_nonnull(strstr(meaning, "KeyBits"));
    diag_errid_text((long)(int32_t)0x80090010u, meaning, sizeof(meaning), remedy, sizeof(remedy));
    ck_assert_str_eq(meaning, "the CryptoAPI key store refused (0x80090010)");
    diag_errid_text(1234, meaning, sizeof(meaning), remedy, sizeof(remedy));
    ck_assert_str_eq(meaning, "error 1234 (0x000004D2)");
    ck_assert_ptr_nonnull(strstr(remedy, "1100"));
    diag_errid_text(0, meaning, sizeof(meaning), remedy, sizeof(remedy));
    ck_assert_str_eq(remedy, "");
}
END_TEST

static size_t count_lines(const char *s, const char *prefix)
{
    size_t n = 0, plen = strlen(prefix);
    const char *line = s;

    while (line && *line) {
        if (!strncmp(line, prefix, plen))
            n++;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return n;
}

START_TEST(test_text_report)
{
    struct diag_result r[DIAG_CHECK_COUNT], before[DIAG_CHECK_COUNT];
    struct diag_buf out = { 0 };
    const char *fixes[] = { "re-registered", "published: ErrID 0" };
    struct diag_run run = { IDENTITY_EMPKP, "{11111111-2222-3333-4444-555555555555}", "C:\\x\\empkp.exe", 0, NULL, NULL, 0, r };

    all_pass(r);
    diag_set(r, DIAG_LOCALSERVER32, DIAG_FAIL, "EMPKP /regserver", "names \"C:\\bad\nline\"");
    diag_set(r, DIAG_APPID, DIAG_WARN, "register", "no AppID");
    ck_assert_int_eq(diag_render_text(&run, &out), 0);
    ck_assert_uint_eq(count_lines(out.data, ""), DIAG_CHECK_COUNT + 2);
    ck_assert_uint_eq(count_lines(out.data, "PASS "), DIAG_CHECK_COUNT - 2);
    ck_assert_ptr_nonnull(strstr(out.data, "\nFAIL LocalServer32: names \"C:\\bad?line\" -- EMPKP /regserver\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\nWARN AppID: no AppID -- register\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\nPASS ExMPLS key: fine 0\n"));
    ck_assert_ptr_null(strstr(out.data, "never shown"));
    ck_assert_ptr_nonnull(strstr(out.data, "\nVERDICT 10001 (object not created): "));
    ck_assert_ptr_nonnull(strstr(out.data, "empkp /diagnose of EMPKP.PubKeyPublisher {11111111-2222-3333-4444-555555555555} ("));
    diag_buf_free(&out);

    /* /fix: before, what was done, after. */
    memcpy(before, r, sizeof(before));
    all_pass(r);
    run.fix = 1;
    run.before = before;
    run.fixes = fixes;
    run.fix_count = 2;
    ck_assert_int_eq(diag_render_text(&run, &out), 0);
    ck_assert_uint_eq(count_lines(out.data, ""), 2 * DIAG_CHECK_COUNT + 6);
    ck_assert_ptr_nonnull(strstr(out.data, "\nBefore /fix:\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\nFIX re-registered\nFIX published: ErrID 0\nAfter /fix:\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "\nVERDICT 9986 (published): "));
    diag_buf_free(&out);
}
END_TEST

START_TEST(test_json_report)
{
    struct diag_result r[DIAG_CHECK_COUNT];
    struct diag_buf out = { 0 };
    struct diag_run run = { IDENTITY_EXCHKP, "{66666666-7777-8888-9999-AAAAAAAAAAAA}", "C:\\Program Files\\caf\xc3\xa9\\ExchKP.exe", 1, NULL, NULL, 0, r };
    const unsigned char *p;

    all_pass(r);
    diag_set(r, DIAG_PUBLISH, DIAG_FAIL, "tab\there", "quote \" backslash \\ nl \n emoji \xf0\x9f\x98\x80 bad \xff\xc3");
    ck_assert_int_eq(diag_render_json(&run, &out), 0);
    for (p = (const unsigned char *)out.data; *p; p++)
        ck_assert_msg(*p < 0x80 && (*p >= 0x20 || *p == '\n'), "byte 0x%02x in JSON", *p);
    ck_assert_ptr_nonnull(strstr(out.data, "\"program\": \"C:\\\\Program Files\\\\caf\\u00e9\\\\ExchKP.exe\""));
    ck_assert_ptr_nonnull(strstr(out.data, "quote \\\" backslash \\\\ nl \\n emoji \\ud83d\\ude00 bad \\ufffd\\ufffd\""));
    ck_assert_ptr_nonnull(strstr(out.data, "\"remedy\": \"tab\\there\""));
    ck_assert_ptr_nonnull(strstr(out.data, "{\"check\": \"exmpls-key\", \"name\": \"ExMPLS key\", \"status\": \"PASS\""));
    ck_assert_ptr_nonnull(strstr(out.data, "\"verdict\": {\"event\": 9970, \"name\": \"Publish failed\", \"exit_code\": 9970"));
    ck_assert_ptr_nonnull(strstr(out.data, "\"fix\": true"));
    ck_assert_ptr_nonnull(strstr(out.data, "\"fixes\": []"));
    ck_assert_ptr_null(strstr(out.data, "checks_before_fix"));
    ck_assert_uint_eq(count_lines(out.data, "  {\"check\": "), DIAG_CHECK_COUNT);
    ck_assert_str_eq(out.data + out.len - 3, "}}\n");
    diag_buf_free(&out);
}
END_TEST

Suite *diagnose_suite(void)
{
    Suite *s = suite_create("diagnose");
    TCase *tc = tcase_create("diagnose");

    tcase_add_test(tc, test_verdict_precedence);
    tcase_add_test(tc, test_fail_means_stops_9986);
    tcase_add_test(tc, test_events_and_exit_codes);
    tcase_add_test(tc, test_publish_only_when_harmless);
    tcase_add_test(tc, test_data0_check);
    tcase_add_test(tc, test_data0_fingerprint);
    tcase_add_test(tc, test_providers_check);
    tcase_add_test(tc, test_fingerprint_in_reports);
    tcase_add_test(tc, test_stored_key_check);
    tcase_add_test(tc, test_credentials_check);
    tcase_add_test(tc, test_errid_texts);
    tcase_add_test(tc, test_text_report);
    tcase_add_test(tc, test_json_report);
    suite_add_tcase(s, tc);
    return s;
}
