/* Unit tests for crypto/credblob.c (Check).
 *
 * The oracle is decryption with the private key, which credblob never
 * uses: OpenSSL's PKCS#1 v1.5 decryption after reversing our output to
 * big-endian, and a raw RSA decryption (no padding) that shows the block
 * exactly as CryptDecrypt will see it: 00 02, at least 8 non-zero random
 * bytes, 00, the plaintext.  CryptoAPI itself checks the same output under
 * Wine (tests/cred-tests.sh).
 *
 * Portable C11 + OpenSSL + Check only: also cross-compiled for Windows and
 * run under Wine, where Check runs without fork. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/credblob.h"
#include "crypto/keyblob.h"
#include "suites.h"

/* ------------------------------------------------------------------ */
/* fixture: one RSA-2048 key and its PUBLICKEYBLOB (DATA0)             */

static EVP_PKEY *g_key;
static unsigned char *g_data0;
static size_t g_data0_len;

static void setup_key(void)
{
    g_key = NULL;
    g_data0 = NULL;
    g_data0_len = 0;
    if (keyblob_generate(2048, &g_key) != KEYBLOB_OK)
        return;
    if (keyblob_encode_public(g_key, &g_data0, &g_data0_len) != KEYBLOB_OK) {
        g_data0 = NULL;
        g_data0_len = 0;
    }
}

static void teardown_key(void)
{
    free(g_data0);
    EVP_PKEY_free(g_key);
    g_data0 = NULL;
    g_key = NULL;
    g_data0_len = 0;
}

static void need_key(void)
{
    ck_assert_msg(g_key != NULL && g_data0 != NULL, "fixture: 2048-bit key not made");
    ck_assert_uint_eq(g_data0_len, 276);
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

/* OpenSSL decryption of one of our (little-endian) ciphertexts with
 * padding pad.  Returns the plaintext length, or -1 if OpenSSL refuses;
 * the plaintext goes to out (room for 512 bytes). */
static long oracle_decrypt(const unsigned char *ct_le, size_t ct_len, int pad,
                           unsigned char *out)
{
    unsigned char be[512];
    EVP_PKEY_CTX *ctx;
    size_t out_len = 512;
    long r = -1;

    ck_assert_uint_le(ct_len, sizeof(be));
    memcpy(be, ct_le, ct_len);
    credblob_reverse(be, ct_len);
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, g_key, NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_decrypt_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, pad), 1);
    if (EVP_PKEY_decrypt(ctx, out, &out_len, be, ct_len) > 0)
        r = (long)out_len;
    EVP_PKEY_CTX_free(ctx);
    return r;
}

/* Encrypt plain with g_data0 and decrypt it again with the private key;
 * the plaintext must come back byte for byte. */
static void assert_round_trip(const unsigned char *plain, size_t len)
{
    unsigned char *ct = NULL, back[512];
    size_t ct_len = 0;

    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, plain, len, &ct, &ct_len),
                     CREDBLOB_OK);
    ck_assert_ptr_nonnull(ct);
    ck_assert_uint_eq(ct_len, 256);
    ck_assert_int_eq(oracle_decrypt(ct, ct_len, RSA_PKCS1_PADDING, back), (long)len);
    ck_assert(len == 0 || memcmp(back, plain, len) == 0);
    free(ct);
}

/* A DATA0 for a key of `bits` whose modulus is all 0xFF bytes: parses as a
 * PUBLICKEYBLOB (odd, top byte set), and OpenSSL will encrypt to it.  No
 * private key exists, which is fine for length-limit tests. */
static unsigned char *fake_data0(unsigned bits, size_t *len)
{
    size_t mod = bits / 8u;
    unsigned char *b = malloc(KEYBLOB_HEADER_SIZE + mod);
    static const unsigned char head[KEYBLOB_HEADER_SIZE] = {
        0x06, 0x02, 0x00, 0x00, 0x00, 0xA4, 0x00, 0x00, 'R', 'S', 'A', '1',
        0, 0, 0, 0, 0x01, 0x00, 0x01, 0x00
    };

    ck_assert_ptr_nonnull(b);
    memcpy(b, head, sizeof(head));
    b[12] = (unsigned char)(bits & 0xFFu);
    b[13] = (unsigned char)(bits >> 8);
    memset(b + KEYBLOB_HEADER_SIZE, 0xFF, mod);
    *len = KEYBLOB_HEADER_SIZE + mod;
    ck_assert_int_eq(keyblob_parse_public(b, *len, NULL), KEYBLOB_OK);
    return b;
}

static unsigned char *filled(size_t len, unsigned char byte)
{
    unsigned char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    memset(p, byte, len ? len : 1);
    return p;
}

/* A non-NULL pointer the API must overwrite on failure. */
static unsigned char sentinel_storage;
#define SENTINEL (&sentinel_storage)

/* ------------------------------------------------------------------ */
/* encryption                                                          */

START_TEST(test_round_trip_ascii)
{
    static const unsigned char pw[] = "P@ssw0rd, with spaces";

    need_key();
    assert_round_trip(pw, sizeof(pw) - 1);
}
END_TEST

START_TEST(test_round_trip_every_byte_value)
{
    unsigned char all[245];
    size_t i;

    need_key();
    for (i = 0; i < sizeof(all); i++)
        all[i] = (unsigned char)(i * 7u + 1u);   /* includes 0x00 and 0xFF */
    all[3] = 0;
    all[4] = 0xFF;
    assert_round_trip(all, sizeof(all));
}
END_TEST

START_TEST(test_empty_value)
{
    unsigned char *ct = NULL, back[512];
    size_t ct_len = 0;

    need_key();
    assert_round_trip(NULL, 0);
    /* The text form too: 0 units is the empty string. */
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, NULL, 0, &ct, &ct_len),
                     CREDBLOB_OK);
    ck_assert_uint_eq(ct_len, 256);
    ck_assert_int_eq(oracle_decrypt(ct, ct_len, RSA_PKCS1_PADDING, back), 0);
    free(ct);
}
END_TEST

/* The byte order: our output, read little-endian, is the RSA block; read
 * as OpenSSL writes it (big-endian), it is not. */
START_TEST(test_output_is_little_endian)
{
    static const unsigned char pw[] = "order";
    unsigned char *ct = NULL, block[512], back[512];
    size_t ct_len = 0, i;
    EVP_PKEY_CTX *ctx;
    size_t out_len = sizeof(back);
    int rc;

    need_key();
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, pw, 5, &ct, &ct_len), CREDBLOB_OK);

    /* Raw RSA on the reversed ciphertext: exactly the PKCS#1 v1.5 type 2
     * block CryptDecrypt checks, with our plaintext at its end. */
    ck_assert_int_eq(oracle_decrypt(ct, ct_len, RSA_NO_PADDING, block), 256);
    ck_assert_uint_eq(block[0], 0x00);
    ck_assert_uint_eq(block[1], 0x02);
    for (i = 2; i < 256 - 5 - 1; i++)
        ck_assert_msg(block[i] != 0, "padding byte %zu is zero", i);
    ck_assert_uint_eq(block[256 - 5 - 1], 0x00);
    ck_assert_mem_eq(block + 256 - 5, pw, 5);

    /* The same bytes taken without reversing are not a valid block. */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, g_key, NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_decrypt_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
    rc = EVP_PKEY_decrypt(ctx, back, &out_len, ct, ct_len);
    ck_assert_msg(rc <= 0 || out_len != 5 || memcmp(back, pw, 5) != 0,
                  "big-endian reading of the output decrypted to the plaintext");
    EVP_PKEY_CTX_free(ctx);
    free(ct);
}
END_TEST

/* PKCS#1 v1.5 padding is random, as CryptEncrypt's is: the same value
 * never gives the same ciphertext twice. */
START_TEST(test_padding_is_random)
{
    static const unsigned char pw[] = "same";
    unsigned char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;

    need_key();
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, pw, 4, &a, &la), CREDBLOB_OK);
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, pw, 4, &b, &lb), CREDBLOB_OK);
    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) != 0);
    free(a);
    free(b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* length limits                                                       */

START_TEST(test_limit_2048_exact_and_one_more)
{
    unsigned char *p = filled(246, 'x'), *ct = SENTINEL;
    size_t ct_len = 99, max = 0;

    need_key();
    ck_assert_int_eq(credblob_max_plaintext(g_data0, g_data0_len, &max), CREDBLOB_OK);
    ck_assert_uint_eq(max, 245);
    assert_round_trip(p, 245);
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, p, 246, &ct, &ct_len),
                     CREDBLOB_E_TOO_LONG);
    ck_assert_ptr_null(ct);
    ck_assert_uint_eq(ct_len, 0);
    free(p);
}
END_TEST

/* Larger keys allow more (modulus bytes - 11); a fake modulus is enough
 * to encrypt, no private key needed to check the limit itself. */
START_TEST(test_limit_3072_and_4096)
{
    static const struct { unsigned bits; size_t max; } cases[] = {
        { 1024, 117 }, { 2048, 245 }, { 3072, 373 }, { 4096, 501 },
    };
    size_t i, len, max, ct_len;
    unsigned char *d0, *p, *ct;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        d0 = fake_data0(cases[i].bits, &len);
        ck_assert_int_eq(credblob_max_plaintext(d0, len, &max), CREDBLOB_OK);
        ck_assert_uint_eq(max, cases[i].max);
        p = filled(max + 1, 'y');
        ck_assert_int_eq(credblob_encrypt(d0, len, p, max, &ct, &ct_len), CREDBLOB_OK);
        ck_assert_uint_eq(ct_len, cases[i].bits / 8u);
        free(ct);
        ck_assert_int_eq(credblob_encrypt(d0, len, p, max + 1, &ct, &ct_len),
                         CREDBLOB_E_TOO_LONG);
        ck_assert_ptr_null(ct);
        free(p);
        free(d0);
    }
}
END_TEST

/* KeyBits = 1024 (the Base provider's largest): a real key, so the values
 * decrypt again.  117 bytes hold 58 UTF-16 units; 59 do not fit. */
START_TEST(test_limit_1024_in_utf16_units)
{
    EVP_PKEY *k = NULL;
    EVP_PKEY_CTX *ctx;
    unsigned char *d0 = NULL, *ct = NULL, be[128], back[128];
    size_t d0_len = 0, ct_len = 0, max = 0, back_len = sizeof(back), i;
    uint16_t u[60];

    for (i = 0; i < 60; i++)
        u[i] = (uint16_t)(0x00E0 + i);   /* non-ASCII: two bytes each, as always */
    ck_assert_int_eq(keyblob_generate(1024, &k), KEYBLOB_OK);
    ck_assert_int_eq(keyblob_encode_public(k, &d0, &d0_len), KEYBLOB_OK);
    ck_assert_uint_eq(d0_len, 148);
    ck_assert_int_eq(credblob_max_plaintext(d0, d0_len, &max), CREDBLOB_OK);
    ck_assert_uint_eq(max, 117);
    ck_assert_int_eq(credblob_encrypt_text(d0, d0_len, u, 58, &ct, &ct_len), CREDBLOB_OK);
    ck_assert_uint_eq(ct_len, 128);
    memcpy(be, ct, ct_len);
    credblob_reverse(be, ct_len);
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_decrypt_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
    ck_assert_int_gt(EVP_PKEY_decrypt(ctx, back, &back_len, be, ct_len), 0);
    EVP_PKEY_CTX_free(ctx);
    ck_assert_uint_eq(back_len, 116);
    for (i = 0; i < 58; i++)
        ck_assert_uint_eq(back[2 * i] | (back[2 * i + 1] << 8), u[i]);
    free(ct);
    ct = SENTINEL;
    ck_assert_int_eq(credblob_encrypt_text(d0, d0_len, u, 59, &ct, &ct_len), CREDBLOB_E_TOO_LONG);
    ck_assert_ptr_null(ct);
    ck_assert_uint_eq(ct_len, 0);
    free(d0);
    EVP_PKEY_free(k);
}
END_TEST

/* UTF-16LE: 245 bytes hold 122 code units; a surrogate pair is two. */
START_TEST(test_limit_in_utf16_units)
{
    uint16_t u[124];
    unsigned char *ct = SENTINEL, back[512];
    size_t ct_len = 0, i;

    need_key();
    for (i = 0; i < 124; i++)
        u[i] = 'a';
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, u, 122, &ct, &ct_len),
                     CREDBLOB_OK);
    ck_assert_int_eq(oracle_decrypt(ct, ct_len, RSA_PKCS1_PADDING, back), 244);
    free(ct);
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, u, 123, &ct, &ct_len),
                     CREDBLOB_E_TOO_LONG);
    ck_assert_ptr_null(ct);

    /* 120 units + one pair = 122 units: fits; 121 + a pair: does not. */
    u[120] = 0xD83D; u[121] = 0xDD11;
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, u, 122, &ct, &ct_len),
                     CREDBLOB_OK);
    free(ct);
    u[120] = 'a'; u[121] = 0xD83D; u[122] = 0xDD11;
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, u, 123, &ct, &ct_len),
                     CREDBLOB_E_TOO_LONG);
    ck_assert_ptr_null(ct);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the text encoding                                                   */

/* Non-ASCII, including a character outside the BMP (a surrogate pair),
 * arrives as UTF-16LE bytes without a terminator. */
START_TEST(test_text_is_utf16le_without_terminator)
{
    /* "Grüße, 日本 🔑" */
    static const uint16_t u[] = { 'G', 'r', 0x00FC, 0x00DF, 'e', ',', ' ',
                                  0x65E5, 0x672C, ' ', 0xD83D, 0xDD11 };
    static const unsigned char want[] = {
        'G', 0, 'r', 0, 0xFC, 0x00, 0xDF, 0x00, 'e', 0, ',', 0, ' ', 0,
        0xE5, 0x65, 0x2C, 0x67, ' ', 0, 0x3D, 0xD8, 0x11, 0xDD
    };
    unsigned char *ct = NULL, back[512];
    size_t ct_len = 0;

    need_key();
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, u, 12, &ct, &ct_len),
                     CREDBLOB_OK);
    ck_assert_int_eq(oracle_decrypt(ct, ct_len, RSA_PKCS1_PADDING, back), (long)sizeof(want));
    ck_assert_mem_eq(back, want, sizeof(want));
    ck_assert_int_eq(credblob_check_text(back, sizeof(want)), CREDBLOB_OK);
    free(ct);
}
END_TEST

START_TEST(test_units_refused)
{
    static const struct { uint16_t u[4]; size_t n; enum credblob_status want; } cases[] = {
        { { 'a', 0xD83D }, 2, CREDBLOB_E_TEXT_SURROGATE },           /* high at end */
        { { 0xD83D, 'a' }, 2, CREDBLOB_E_TEXT_SURROGATE },           /* high, no low */
        { { 0xDD11, 'a' }, 2, CREDBLOB_E_TEXT_SURROGATE },           /* lone low */
        { { 0xDD11, 0xD83D }, 2, CREDBLOB_E_TEXT_SURROGATE },        /* pair reversed */
        { { 0xD83D, 0xD83D, 0xDD11 }, 3, CREDBLOB_E_TEXT_SURROGATE },/* high, high */
        { { 'a', 0, 'b' }, 3, CREDBLOB_E_TEXT_NUL },
        { { 'a', 0 }, 2, CREDBLOB_E_TEXT_NUL },                       /* a terminator */
        { { 0xD83D, 0xDD11, 'a' }, 3, CREDBLOB_OK },
        { { 0xFFFF, 0xE000 }, 2, CREDBLOB_OK },                       /* not surrogates */
    };
    size_t i;
    unsigned char *ct = SENTINEL, le[8];
    size_t ct_len = 7, j;

    need_key();
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(credblob_check_units(cases[i].u, cases[i].n) == cases[i].want,
                      "case %zu", i);
        /* check_text must agree on the same text as little-endian bytes. */
        for (j = 0; j < cases[i].n; j++) {
            le[2 * j] = (unsigned char)(cases[i].u[j] & 0xFF);
            le[2 * j + 1] = (unsigned char)(cases[i].u[j] >> 8);
        }
        ck_assert_msg(credblob_check_text(le, 2 * cases[i].n) == cases[i].want,
                      "case %zu as bytes", i);
        if (cases[i].want != CREDBLOB_OK) {
            ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, cases[i].u,
                                                   cases[i].n, &ct, &ct_len),
                             cases[i].want);
            ck_assert_ptr_null(ct);
            ck_assert_uint_eq(ct_len, 0);
            ct = SENTINEL;
        }
    }
}
END_TEST

/* What a decrypting side that expects UTF-16LE sees from a tool that wrote
 * ANSI, or with a terminator. */
START_TEST(test_check_text_rejects_other_encodings)
{
    static const unsigned char ansi_odd[] = "abc";             /* 3 bytes */
    static const unsigned char terminated[] = { 'a', 0, 'b', 0, 0, 0 };

    ck_assert_int_eq(credblob_check_text(ansi_odd, 3), CREDBLOB_E_TEXT_ODD);
    ck_assert_int_eq(credblob_check_text(terminated, 6), CREDBLOB_E_TEXT_NUL);
    ck_assert_int_eq(credblob_check_text(terminated, 4), CREDBLOB_OK);
    ck_assert_int_eq(credblob_check_text(NULL, 0), CREDBLOB_OK);
    ck_assert_int_eq(credblob_check_text(NULL, 2), CREDBLOB_E_ARG);
}
END_TEST

/* ------------------------------------------------------------------ */
/* bad input                                                           */

START_TEST(test_bad_data0_refused)
{
    static const unsigned char pw[] = "x";
    unsigned char *bad, *ct = SENTINEL;
    size_t ct_len = 5, max = 5;

    need_key();
    bad = malloc(g_data0_len);
    ck_assert_ptr_nonnull(bad);
    memcpy(bad, g_data0, g_data0_len);
    ck_assert_int_eq(credblob_encrypt(bad, g_data0_len - 1, pw, 1, &ct, &ct_len),
                     CREDBLOB_E_KEY);
    ck_assert_ptr_null(ct);
    ck_assert_uint_eq(ct_len, 0);
    bad[0] = 0x07;   /* PRIVATEKEYBLOB */
    ct = SENTINEL;
    ck_assert_int_eq(credblob_encrypt(bad, g_data0_len, pw, 1, &ct, &ct_len), CREDBLOB_E_KEY);
    ck_assert_ptr_null(ct);
    ck_assert_int_eq(credblob_max_plaintext(bad, g_data0_len, &max), CREDBLOB_E_KEY);
    ck_assert_uint_eq(max, 0);
    ck_assert_int_eq(credblob_encrypt(NULL, 0, pw, 1, &ct, &ct_len), CREDBLOB_E_KEY);
    free(bad);
}
END_TEST

START_TEST(test_null_arguments)
{
    static const unsigned char pw[] = "x";
    unsigned char *ct = SENTINEL;
    size_t ct_len = 3;

    need_key();
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, pw, 1, NULL, &ct_len),
                     CREDBLOB_E_ARG);
    ck_assert_uint_eq(ct_len, 0);
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, pw, 1, &ct, NULL), CREDBLOB_E_ARG);
    ck_assert_ptr_null(ct);
    ck_assert_int_eq(credblob_encrypt(g_data0, g_data0_len, NULL, 1, &ct, &ct_len),
                     CREDBLOB_E_ARG);
    ck_assert_int_eq(credblob_encrypt_text(g_data0, g_data0_len, NULL, 1, &ct, &ct_len),
                     CREDBLOB_E_ARG);
    ck_assert_int_eq(credblob_max_plaintext(g_data0, g_data0_len, NULL), CREDBLOB_E_ARG);
}
END_TEST

START_TEST(test_reverse)
{
    unsigned char a[] = { 1, 2, 3, 4, 5 }, b[] = { 1, 2, 3, 4 };
    static const unsigned char ra[] = { 5, 4, 3, 2, 1 }, rb[] = { 4, 3, 2, 1 };

    credblob_reverse(a, 5);
    credblob_reverse(b, 4);
    ck_assert_mem_eq(a, ra, 5);
    ck_assert_mem_eq(b, rb, 4);
    credblob_reverse(a, 5);
    ck_assert_uint_eq(a[0], 1);
    ck_assert_uint_eq(a[4], 5);
    credblob_reverse(NULL, 3);   /* no crash */
    credblob_reverse(a, 0);
    ck_assert_uint_eq(a[0], 1);
}
END_TEST

START_TEST(test_status_str)
{
    int st;

    for (st = CREDBLOB_OK; st <= CREDBLOB_E_OPENSSL; st++) {
        const char *s = credblob_status_str((enum credblob_status)st);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, "unknown status");
    }
    ck_assert_str_eq(credblob_status_str((enum credblob_status)999), "unknown status");
}
END_TEST

Suite *credblob_suite(void)
{
    Suite *s = suite_create("credblob");
    TCase *tc;

    tc = tcase_create("plain");
    tcase_add_test(tc, test_limit_3072_and_4096);
    tcase_add_test(tc, test_check_text_rejects_other_encodings);
    tcase_add_test(tc, test_reverse);
    tcase_add_test(tc, test_status_str);
    suite_add_tcase(s, tc);

    tc = tcase_create("rsa2048");
    tcase_add_unchecked_fixture(tc, setup_key, teardown_key);
    tcase_set_timeout(tc, 60);   /* slow machines, sanitizers */
    tcase_add_test(tc, test_round_trip_ascii);
    tcase_add_test(tc, test_round_trip_every_byte_value);
    tcase_add_test(tc, test_empty_value);
    tcase_add_test(tc, test_output_is_little_endian);
    tcase_add_test(tc, test_padding_is_random);
    tcase_add_test(tc, test_limit_2048_exact_and_one_more);
    tcase_add_test(tc, test_limit_in_utf16_units);
    tcase_add_test(tc, test_limit_1024_in_utf16_units);
    tcase_add_test(tc, test_text_is_utf16le_without_terminator);
    tcase_add_test(tc, test_units_refused);
    tcase_add_test(tc, test_bad_data0_refused);
    tcase_add_test(tc, test_null_arguments);
    suite_add_tcase(s, tc);
    return s;
}
