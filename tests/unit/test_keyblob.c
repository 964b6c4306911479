/* Unit tests for crypto/keyblob.c (Check).
 *
 * The independent oracle is OpenSSL's own CryptoAPI blob code
 * (i2b_PublicKey_bio / b2i_PublicKey_bio, i2b_PrivateKey_bio /
 * b2i_PrivateKey_bio), which our encoders do not use.
 * Keys are generated once per test case with unchecked fixtures (run in the
 * parent, so forked tests inherit them) to keep the suite fast.
 *
 * Portable C11 + OpenSSL + Check only: this file is also cross-compiled for
 * Windows (mingw) and run under Wine, where Check runs without fork. */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "crypto/keyblob.h"
#include "suites.h"

#define BLOB2048_LEN 276u
#define BLOB3072_LEN 404u
#define BLOB4096_LEN 532u
/* PRIVATEKEYBLOB: 20 + bitlen/8 + 5 * bitlen/16 + bitlen/8 */
#define PRIV2048_LEN 1172u
#define PRIV3072_LEN 1748u
#define PRIV4096_LEN 2324u

/* The last keyblob_status (test_status_str walks them all). */
#define LAST_STATUS KEYBLOB_E_PRIVATE

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8)
         | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFFu);
    p[1] = (unsigned char)((v >> 8) & 0xFFu);
    p[2] = (unsigned char)((v >> 16) & 0xFFu);
    p[3] = (unsigned char)((v >> 24) & 0xFFu);
}

/* A heap buffer of exactly `len` bytes (so ASan sees any over-read), holding
 * the first min(len, src_len) bytes of src and zeros after that. */
static unsigned char *exact_copy(const unsigned char *src, size_t src_len, size_t len)
{
    unsigned char *p = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, len ? len : 1);
    memcpy(p, src, len < src_len ? len : src_len);
    return p;
}

/* OpenSSL's blob for key written by i2b (i2b_PublicKey_bio or
 * i2b_PrivateKey_bio), malloc'd. */
static unsigned char *oracle_i2b_with(int (*i2b)(BIO *, const EVP_PKEY *),
                                      const EVP_PKEY *key, size_t *len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long n;
    unsigned char *copy;

    ck_assert_ptr_nonnull(bio);
    ck_assert_int_gt(i2b(bio, key), 0);
    n = BIO_get_mem_data(bio, &data);
    ck_assert_int_gt(n, 0);
    copy = malloc((size_t)n);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, data, (size_t)n);
    *len = (size_t)n;
    BIO_free(bio);   /* a memory BIO clears its buffer when freed */
    return copy;
}

/* OpenSSL's PUBLICKEYBLOB for key, malloc'd. */
static unsigned char *oracle_i2b(const EVP_PKEY *key, size_t *len)
{
    return oracle_i2b_with(i2b_PublicKey_bio, key, len);
}

/* OpenSSL's PRIVATEKEYBLOB for key; free with keyblob_free_secret. */
static unsigned char *oracle_i2b_priv(const EVP_PKEY *key, size_t *len)
{
    return oracle_i2b_with(i2b_PrivateKey_bio, key, len);
}

/* OpenSSL's reading of a PUBLICKEYBLOB (NULL if it refuses it). */
static EVP_PKEY *oracle_b2i(const unsigned char *blob, size_t len)
{
    BIO *bio = BIO_new_mem_buf(blob, (int)len);
    EVP_PKEY *k;

    ck_assert_ptr_nonnull(bio);
    k = b2i_PublicKey_bio(bio);
    BIO_free(bio);
    return k;
}

static BIGNUM *get_bn(const EVP_PKEY *key, const char *name)
{
    BIGNUM *bn = NULL;
    ck_assert_int_eq(EVP_PKEY_get_bn_param(key, name, &bn), 1);
    ck_assert_ptr_nonnull(bn);
    return bn;
}

/* Public key of type alg ("RSA", "RSA-PSS") from arbitrary n, e (OpenSSL
 * does not validate them on import). */
static EVP_PKEY *make_pub(const char *alg, const BIGNUM *n, const BIGNUM *e)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *k = NULL;

    ck_assert_ptr_nonnull(bld);
    ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n), 1);
    ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e), 1);
    params = OSSL_PARAM_BLD_to_param(bld);
    ck_assert_ptr_nonnull(params);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params), 1);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return k;
}

static EVP_PKEY *make_rsa_pub(const BIGNUM *n, const BIGNUM *e)
{
    return make_pub("RSA", n, e);
}

/* The numbers of an RSA key pair in PRIVATEKEYBLOB order (N, then the five
 * half-size fields, then D), with E last (it lives in the header). */
enum { PN, PP, PQ, PDP, PDQ, PQINV, PD, PE, NPARTS };
static const char *const part_names[NPARTS] = {
    OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_FACTOR1,
    OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
    OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1,
    OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_E,
};

static void get_parts(const EVP_PKEY *key, BIGNUM *parts[NPARTS])
{
    int i;
    for (i = 0; i < NPARTS; i++)
        parts[i] = get_bn(key, part_names[i]);
}

static void free_parts(BIGNUM *parts[NPARTS])
{
    int i;
    for (i = 0; i < NPARTS; i++) {
        BN_clear_free(parts[i]);
        parts[i] = NULL;
    }
}

/* An RSA key pair from arbitrary numbers: OpenSSL imports them without
 * checking that they belong together, which lets a test put any value in
 * any field. */
static EVP_PKEY *make_rsa_pair(BIGNUM *const parts[NPARTS])
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *k = NULL;
    int i;

    ck_assert_ptr_nonnull(bld);
    for (i = 0; i < NPARTS; i++)
        ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, part_names[i], parts[i]), 1);
    params = OSSL_PARAM_BLD_to_param(bld);
    ck_assert_ptr_nonnull(params);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_KEYPAIR, params), 1);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);   /* OSSL_PARAM_clear_free is 3.2+; test keys only */
    OSSL_PARAM_BLD_free(bld);
    return k;
}

/* blob[off .. off+len) is bn, little-endian, zero-padded to len bytes. */
static void check_le_field(const unsigned char *blob, size_t off, size_t len,
                           const BIGNUM *bn, const char *what)
{
    unsigned char be[512];
    size_t i;
    ck_assert_uint_le(len, sizeof be);
    ck_assert_int_eq(BN_bn2binpad(bn, be, (int)len), (int)len);
    for (i = 0; i < len; i++)
        ck_assert_msg(blob[off + i] == be[len - 1 - i],
                      "%s: byte %u (blob offset %u) differs", what,
                      (unsigned)i, (unsigned)(off + i));
    OPENSSL_cleanse(be, sizeof be);
}

/* Our PRIVATEKEYBLOB of key must be byte-identical to OpenSSL's. */
static void check_private_matches_openssl(const EVP_PKEY *key,
                                          const unsigned char *blob, size_t len)
{
    size_t olen = 0;
    unsigned char *o = oracle_i2b_priv(key, &olen);
    ck_assert_uint_eq(olen, len);
    ck_assert_mem_eq(o, blob, len);
    keyblob_free_secret(o, olen);
}

/* OpenSSL's reading of a PRIVATEKEYBLOB (NULL if it refuses it). */
static EVP_PKEY *oracle_b2i_priv(const unsigned char *blob, size_t len)
{
    BIO *bio = BIO_new_mem_buf(blob, (int)len);
    EVP_PKEY *k;

    ck_assert_ptr_nonnull(bio);
    k = b2i_PrivateKey_bio(bio);
    BIO_free(bio);
    return k;
}

/* encode_private refuses key with want and leaves nothing behind. */
static void check_private_refused(const EVP_PKEY *key, enum keyblob_status want,
                                  const char *what)
{
    unsigned char *out = (unsigned char *)&want;   /* any non-NULL value */
    size_t out_len = 12345;
    enum keyblob_status st = keyblob_encode_private(key, &out, &out_len);
    ck_assert_msg(st == want, "%s: status %d (%s), want %d", what, (int)st,
                  keyblob_status_str(st), (int)want);
    ck_assert_msg(out == NULL, "%s: *out not cleared", what);
    ck_assert_msg(out_len == 0, "%s: *out_len not cleared", what);
}

/* Parse a copy of blob (exact-size heap buffer) after applying nothing. */
static enum keyblob_status parse_exact(const unsigned char *src, size_t src_len, size_t len)
{
    unsigned char *p = exact_copy(src, src_len, len);
    struct keyblob_public pub;
    enum keyblob_status st = keyblob_parse_public(p, len, &pub);
    free(p);
    return st;
}

/* A non-NULL pointer value that is not a key: the API must overwrite it. */
static char sentinel_storage;
#define SENTINEL_PKEY ((EVP_PKEY *)(void *)&sentinel_storage)
#define SENTINEL_BUF  ((unsigned char *)&sentinel_storage)

/* ------------------------------------------------------------------ */
/* fixture: one RSA-2048 key and our blob of it                        */

static EVP_PKEY *g_key;
static unsigned char *g_blob;
static size_t g_blob_len;
static unsigned char *g_priv;    /* PRIVATEKEYBLOB of g_key */
static size_t g_priv_len;

static void setup_2048(void)
{
    g_key = NULL;
    g_blob = NULL;
    g_blob_len = 0;
    g_priv = NULL;
    g_priv_len = 0;
    if (keyblob_generate(2048, &g_key) != KEYBLOB_OK)
        return;
    if (keyblob_encode_public(g_key, &g_blob, &g_blob_len) != KEYBLOB_OK) {
        g_blob = NULL;
        g_blob_len = 0;
    }
    if (keyblob_encode_private(g_key, &g_priv, &g_priv_len) != KEYBLOB_OK) {
        g_priv = NULL;
        g_priv_len = 0;
    }
}

static void teardown_2048(void)
{
    free(g_blob);
    keyblob_free_secret(g_priv, g_priv_len);
    EVP_PKEY_free(g_key);
    g_blob = NULL;
    g_priv = NULL;
    g_key = NULL;
    g_blob_len = 0;
    g_priv_len = 0;
}

static void need_fixture(void)
{
    ck_assert_msg(g_key != NULL, "fixture: keyblob_generate(2048) failed");
    ck_assert_msg(g_blob != NULL, "fixture: keyblob_encode_public failed");
}

static void need_private_fixture(void)
{
    need_fixture();
    ck_assert_msg(g_priv != NULL, "fixture: keyblob_encode_private failed");
}

/* Parse g_blob after setting the 32-bit field at off to v. */
static enum keyblob_status parse_with32(size_t off, uint32_t v)
{
    unsigned char *p = exact_copy(g_blob, g_blob_len, g_blob_len);
    enum keyblob_status st;
    wr32(p + off, v);
    st = keyblob_parse_public(p, g_blob_len, NULL);
    free(p);
    return st;
}

/* Parse g_blob after setting byte off to v. */
static enum keyblob_status parse_with8(size_t off, unsigned char v)
{
    unsigned char *p = exact_copy(g_blob, g_blob_len, g_blob_len);
    enum keyblob_status st;
    p[off] = v;
    st = keyblob_parse_public(p, g_blob_len, NULL);
    free(p);
    return st;
}

/* ------------------------------------------------------------------ */
/* generation                                                          */

START_TEST(test_bits_allowed)
{
    ck_assert(keyblob_bits_allowed(1024));   /* KeyBits' compatibility choice */
    ck_assert(keyblob_bits_allowed(2048));
    ck_assert(keyblob_bits_allowed(3072));
    ck_assert(keyblob_bits_allowed(4096));
    ck_assert(!keyblob_bits_allowed(0));
    ck_assert(!keyblob_bits_allowed(512));
    ck_assert(!keyblob_bits_allowed(768));
    ck_assert(!keyblob_bits_allowed(1023));
    ck_assert(!keyblob_bits_allowed(1025));
    ck_assert(!keyblob_bits_allowed(1536));
    ck_assert(!keyblob_bits_allowed(2047));
    ck_assert(!keyblob_bits_allowed(2049));
    ck_assert(!keyblob_bits_allowed(2056));
    ck_assert(!keyblob_bits_allowed(8192));
    ck_assert(!keyblob_bits_allowed(UINT_MAX));
}
END_TEST

START_TEST(test_generate_bad_bits)
{
    static const unsigned bad[] = { 768u, 1023u, 0u, 2047u, 8192u, 2049u, 512u, UINT_MAX };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        EVP_PKEY *k = SENTINEL_PKEY;
        enum keyblob_status st = keyblob_generate(bad[i], &k);
        ck_assert_msg(st == KEYBLOB_E_BITS, "bits %u: status %d (%s)",
                      bad[i], (int)st, keyblob_status_str(st));
        ck_assert_msg(k == NULL, "bits %u: *out not cleared", bad[i]);
    }
}
END_TEST

START_TEST(test_generate_2048_props)
{
    BIGNUM *e, *d = NULL;
    need_fixture();
    ck_assert(EVP_PKEY_is_a(g_key, "RSA"));
    ck_assert_int_eq(EVP_PKEY_get_bits(g_key), 2048);
    e = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);
    ck_assert(BN_is_word(e, 65537));
    BN_free(e);
    /* It is a key pair: the private exponent is there. */
    ck_assert_int_eq(EVP_PKEY_get_bn_param(g_key, OSSL_PKEY_PARAM_RSA_D, &d), 1);
    BN_clear_free(d);
}
END_TEST

/* p and q are primes of half the modulus' size whose product is n, judged
 * by BN_check_prime's own rounds (64 at this size, with trial division):
 * not the reduced count of the libcrypto we ship (test_keygen.c). */
START_TEST(test_generate_2048_primes)
{
    BIGNUM *n, *p, *q, *pq = BN_new();
    BN_CTX *bn = BN_CTX_new();
    need_fixture();
    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    p = get_bn(g_key, OSSL_PKEY_PARAM_RSA_FACTOR1);
    q = get_bn(g_key, OSSL_PKEY_PARAM_RSA_FACTOR2);
    ck_assert(pq != NULL && bn != NULL);
    ck_assert_int_eq(BN_num_bits(p), 1024);
    ck_assert_int_eq(BN_num_bits(q), 1024);
    ck_assert_int_eq(BN_check_prime(p, bn, NULL), 1);
    ck_assert_int_eq(BN_check_prime(q, bn, NULL), 1);
    ck_assert_int_eq(BN_mul(pq, p, q, bn), 1);
    ck_assert_int_eq(BN_cmp(pq, n), 0);
    BN_clear_free(p);
    BN_clear_free(q);
    BN_free(pq);
    BN_free(n);
    BN_CTX_free(bn);
}
END_TEST

/* ------------------------------------------------------------------ */
/* encoding                                                            */

START_TEST(test_encode_2048_header)
{
    const unsigned char *b;
    need_fixture();
    b = g_blob;
    ck_assert_uint_eq(g_blob_len, BLOB2048_LEN);
    ck_assert_uint_eq(b[0], 0x06);              /* PUBLICKEYBLOB */
    ck_assert_uint_eq(b[1], 0x02);              /* CUR_BLOB_VERSION */
    ck_assert_uint_eq(b[2], 0x00);              /* reserved */
    ck_assert_uint_eq(b[3], 0x00);
    /* aiKeyAlg 0x0000A400, little-endian */
    ck_assert_uint_eq(b[4], 0x00);
    ck_assert_uint_eq(b[5], 0xA4);
    ck_assert_uint_eq(b[6], 0x00);
    ck_assert_uint_eq(b[7], 0x00);
    ck_assert_mem_eq(b + 8, "RSA1", 4);
    /* bitlen 2048 = 0x00000800 */
    ck_assert_uint_eq(b[12], 0x00);
    ck_assert_uint_eq(b[13], 0x08);
    ck_assert_uint_eq(b[14], 0x00);
    ck_assert_uint_eq(b[15], 0x00);
    /* pubexp 65537 = 0x00010001 */
    ck_assert_uint_eq(b[16], 0x01);
    ck_assert_uint_eq(b[17], 0x00);
    ck_assert_uint_eq(b[18], 0x01);
    ck_assert_uint_eq(b[19], 0x00);
}
END_TEST

START_TEST(test_encode_2048_matches_openssl)
{
    size_t olen = 0;
    unsigned char *o;
    need_fixture();
    o = oracle_i2b(g_key, &olen);
    ck_assert_uint_eq(olen, g_blob_len);
    ck_assert_mem_eq(o, g_blob, olen);
    free(o);
}
END_TEST

/* The modulus bytes are N in exact reverse (little-endian) order. */
START_TEST(test_encode_2048_modulus_le)
{
    unsigned char be[256];
    BIGNUM *n;
    size_t i;
    need_fixture();
    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    ck_assert_int_eq(BN_bn2binpad(n, be, (int)sizeof be), (int)sizeof be);
    for (i = 0; i < sizeof be; i++)
        ck_assert_msg(g_blob[20 + i] == be[sizeof be - 1 - i],
                      "modulus byte %u differs", (unsigned)i);
    BN_free(n);
}
END_TEST

START_TEST(test_roundtrip_2048)
{
    struct keyblob_public pub;
    EVP_PKEY *back = SENTINEL_PKEY;
    BIGNUM *n0, *e0, *n1, *e1;
    need_fixture();

    ck_assert_int_eq(keyblob_parse_public(g_blob, g_blob_len, &pub), KEYBLOB_OK);
    ck_assert_uint_eq(pub.bitlen, 2048);
    ck_assert_uint_eq(pub.pubexp, 65537);
    ck_assert_ptr_eq(pub.modulus_le, g_blob + 20);
    ck_assert_uint_eq(pub.modulus_len, 256);

    ck_assert_int_eq(keyblob_public_to_pkey(g_blob, g_blob_len, &back), KEYBLOB_OK);
    ck_assert_ptr_nonnull(back);
    ck_assert_ptr_ne(back, SENTINEL_PKEY);
    ck_assert(EVP_PKEY_is_a(back, "RSA"));
    ck_assert_int_eq(EVP_PKEY_get_bits(back), 2048);
    ck_assert_int_eq(EVP_PKEY_eq(g_key, back), 1);

    n0 = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    e0 = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);
    n1 = get_bn(back, OSSL_PKEY_PARAM_RSA_N);
    e1 = get_bn(back, OSSL_PKEY_PARAM_RSA_E);
    ck_assert_int_eq(BN_cmp(n0, n1), 0);
    ck_assert_int_eq(BN_cmp(e0, e1), 0);
    BN_free(n0); BN_free(e0); BN_free(n1); BN_free(e1);

    /* Re-encoding the public-only key gives the very same bytes. */
    {
        unsigned char *again = SENTINEL_BUF;
        size_t again_len = 0;
        ck_assert_int_eq(keyblob_encode_public(back, &again, &again_len), KEYBLOB_OK);
        ck_assert_uint_eq(again_len, g_blob_len);
        ck_assert_mem_eq(again, g_blob, g_blob_len);
        free(again);
    }
    EVP_PKEY_free(back);
}
END_TEST

START_TEST(test_openssl_reads_our_blob)
{
    EVP_PKEY *k;
    BIGNUM *n0, *n1, *e1;
    need_fixture();
    k = oracle_b2i(g_blob, g_blob_len);
    ck_assert_msg(k != NULL, "b2i_PublicKey_bio refused our blob");
    n0 = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    n1 = get_bn(k, OSSL_PKEY_PARAM_RSA_N);
    e1 = get_bn(k, OSSL_PKEY_PARAM_RSA_E);
    ck_assert_int_eq(BN_cmp(n0, n1), 0);
    ck_assert(BN_is_word(e1, 65537));
    BN_free(n0); BN_free(n1); BN_free(e1);
    EVP_PKEY_free(k);
}
END_TEST

/* Our parser accepts OpenSSL's blob and decodes the same N. */
START_TEST(test_parse_openssl_blob)
{
    size_t olen = 0;
    unsigned char *o;
    EVP_PKEY *k = NULL;
    need_fixture();
    o = oracle_i2b(g_key, &olen);
    ck_assert_int_eq(keyblob_public_to_pkey(o, olen, &k), KEYBLOB_OK);
    ck_assert_int_eq(EVP_PKEY_eq(g_key, k), 1);
    EVP_PKEY_free(k);
    free(o);
}
END_TEST

START_TEST(test_encode_not_rsa)
{
    /* The Windows builds of OpenSSL are configured without EC; a key with
     * no type at all is just as much "not RSA" there. */
#ifndef OPENSSL_NO_EC
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
#else
    EVP_PKEY *ec = EVP_PKEY_new();
#endif
    unsigned char *out = SENTINEL_BUF;
    size_t out_len = 12345;
    enum keyblob_status st;

    ck_assert_ptr_nonnull(ec);
    st = keyblob_encode_public(ec, &out, &out_len);
    EVP_PKEY_free(ec);
    ck_assert_int_eq(st, KEYBLOB_E_NOT_RSA);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(out_len, 0);

    out = SENTINEL_BUF;
    ck_assert_int_eq(keyblob_encode_public(NULL, &out, &out_len), KEYBLOB_E_NOT_RSA);
    ck_assert_ptr_null(out);
}
END_TEST

/* RSA-PSS keys are a different key type: not exported as a KEYX blob. */
START_TEST(test_encode_rsa_pss_refused)
{
    BIGNUM *n, *e;
    EVP_PKEY *pss;
    unsigned char *out = SENTINEL_BUF;
    size_t out_len = 1;
    enum keyblob_status st;

    need_fixture();
    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    e = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);
    pss = make_pub("RSA-PSS", n, e);
    ck_assert(EVP_PKEY_is_a(pss, "RSA-PSS"));
    st = keyblob_encode_public(pss, &out, &out_len);
    EVP_PKEY_free(pss);
    BN_free(n);
    BN_free(e);
    ck_assert_int_eq(st, KEYBLOB_E_NOT_RSA);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(out_len, 0);
}
END_TEST

/* A real RSA key of a size we do not allow is refused, not mis-encoded. */
START_TEST(test_encode_rsa768_refused)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)768);
    unsigned char *out = SENTINEL_BUF;
    size_t out_len = 1;
    enum keyblob_status st;
    ck_assert_ptr_nonnull(k);
    st = keyblob_encode_public(k, &out, &out_len);
    EVP_PKEY_free(k);
    ck_assert_int_eq(st, KEYBLOB_E_BITS);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(out_len, 0);
}
END_TEST

/* Keys that OpenSSL imports without checks but a DWORD/CryptoAPI blob
 * cannot honestly carry. */
START_TEST(test_encode_bad_components)
{
    BIGNUM *n, *e, *tmp;
    EVP_PKEY *k;
    unsigned char *out;
    size_t out_len;
    static const struct { const char *e_dec; int want; } cases[] = {
        { "65536", KEYBLOB_E_EXPONENT },        /* even */
        { "1", KEYBLOB_E_EXPONENT },            /* < 3 */
        { "4294967297", KEYBLOB_E_EXPONENT },   /* 2^32+1: no DWORD */
        { "4294967295", KEYBLOB_OK },           /* 2^32-1: fits */
        { "3", KEYBLOB_OK },
    };
    size_t i;

    need_fixture();
    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        e = NULL;
        ck_assert_int_gt(BN_dec2bn(&e, cases[i].e_dec), 0);
        k = make_rsa_pub(n, e);
        out = SENTINEL_BUF;
        out_len = 0;
        ck_assert_msg((int)keyblob_encode_public(k, &out, &out_len) == cases[i].want,
                      "e=%s", cases[i].e_dec);
        if (cases[i].want == KEYBLOB_OK) {
            ck_assert_uint_eq(out_len, BLOB2048_LEN);
            ck_assert_uint_eq(rd32(out + 16), (uint32_t)strtoul(cases[i].e_dec, NULL, 10));
            free(out);
        } else {
            ck_assert_ptr_null(out);
        }
        EVP_PKEY_free(k);
        BN_free(e);
    }

    e = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);

    /* even modulus of the right size */
    tmp = BN_dup(n);
    ck_assert_ptr_nonnull(tmp);
    ck_assert_int_eq(BN_sub_word(tmp, 1), 1);
    k = make_rsa_pub(tmp, e);
    out = SENTINEL_BUF;
    ck_assert_int_eq(keyblob_encode_public(k, &out, &out_len), KEYBLOB_E_MODULUS);
    ck_assert_ptr_null(out);
    EVP_PKEY_free(k);
    BN_free(tmp);

    /* 2047-bit modulus */
    tmp = BN_dup(n);
    ck_assert_ptr_nonnull(tmp);
    ck_assert_int_eq(BN_rshift1(tmp, tmp), 1);
    ck_assert_int_eq(BN_num_bits(tmp), 2047);
    k = make_rsa_pub(tmp, e);
    out = SENTINEL_BUF;
    ck_assert_int_eq(keyblob_encode_public(k, &out, &out_len), KEYBLOB_E_BITS);
    ck_assert_ptr_null(out);
    EVP_PKEY_free(k);
    BN_free(tmp);

    BN_free(e);
    BN_free(n);
}
END_TEST

/* ------------------------------------------------------------------ */
/* PRIVATEKEYBLOB encoding                                             */

START_TEST(test_private_2048_header)
{
    const unsigned char *b;
    need_private_fixture();
    b = g_priv;
    ck_assert_uint_eq(g_priv_len, PRIV2048_LEN);  /* 20 + 256 + 5*128 + 256 */
    ck_assert_uint_eq(b[0], 0x07);              /* PRIVATEKEYBLOB */
    ck_assert_uint_eq(b[1], 0x02);              /* CUR_BLOB_VERSION */
    ck_assert_uint_eq(b[2], 0x00);              /* reserved */
    ck_assert_uint_eq(b[3], 0x00);
    /* aiKeyAlg 0x0000A400 (CALG_RSA_KEYX), little-endian */
    ck_assert_uint_eq(b[4], 0x00);
    ck_assert_uint_eq(b[5], 0xA4);
    ck_assert_uint_eq(b[6], 0x00);
    ck_assert_uint_eq(b[7], 0x00);
    ck_assert_mem_eq(b + 8, "RSA2", 4);
    ck_assert_uint_eq(rd32(b + 12), 2048u);
    ck_assert_uint_eq(rd32(b + 16), 65537u);
    /* Never mistaken for the public blob that goes to DATA0. */
    ck_assert_int_eq(keyblob_parse_public(g_priv, g_priv_len, NULL), KEYBLOB_E_TYPE);
}
END_TEST

/* Each number in its own field, at offsets written out by hand from the
 * PRIVATEKEYBLOB layout (not from the encoder's table). */
START_TEST(test_private_2048_fields)
{
    static const struct { int part; size_t off, len; const char *what; } f[] = {
        { PN,    20u, 256u, "modulus" },
        { PP,   276u, 128u, "prime1" },
        { PQ,   404u, 128u, "prime2" },
        { PDP,  532u, 128u, "exponent1" },
        { PDQ,  660u, 128u, "exponent2" },
        { PQINV, 788u, 128u, "coefficient" },
        { PD,   916u, 256u, "privateExponent" },
    };
    BIGNUM *parts[NPARTS];
    size_t i;
    need_private_fixture();
    ck_assert_uint_eq(f[6].off + f[6].len, g_priv_len);
    get_parts(g_key, parts);
    for (i = 0; i < sizeof f / sizeof f[0]; i++)
        check_le_field(g_priv, f[i].off, f[i].len, parts[f[i].part], f[i].what);
    /* The same modulus bytes as the public blob. */
    ck_assert_mem_eq(g_priv + 20, g_blob + 20, 256);
    free_parts(parts);
}
END_TEST

START_TEST(test_private_2048_matches_openssl)
{
    need_private_fixture();
    check_private_matches_openssl(g_key, g_priv, g_priv_len);
}
END_TEST

/* OpenSSL reads our blob back as the very same key pair, private half
 * included (EVP_PKEY_eq compares only the public half). */
START_TEST(test_private_roundtrip_2048)
{
    EVP_PKEY *back;
    EVP_PKEY_CTX *ctx;
    BIGNUM *p0[NPARTS], *p1[NPARTS];
    unsigned char *again = NULL;
    size_t again_len = 0;
    int i;
    need_private_fixture();

    back = oracle_b2i_priv(g_priv, g_priv_len);
    ck_assert_msg(back != NULL, "b2i_PrivateKey_bio refused our blob");
    ck_assert(EVP_PKEY_is_a(back, "RSA"));
    ck_assert_int_eq(EVP_PKEY_eq(g_key, back), 1);

    get_parts(g_key, p0);
    get_parts(back, p1);
    for (i = 0; i < NPARTS; i++)
        ck_assert_msg(BN_cmp(p0[i], p1[i]) == 0, "%s differs after round trip",
                      part_names[i]);
    free_parts(p0);
    free_parts(p1);

    /* The numbers belong together (primes, p*q = N, d, CRT values). */
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, back, NULL);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_check(ctx), 1);
    EVP_PKEY_CTX_free(ctx);

    ck_assert_int_eq(keyblob_encode_private(back, &again, &again_len), KEYBLOB_OK);
    ck_assert_uint_eq(again_len, g_priv_len);
    ck_assert_mem_eq(again, g_priv, g_priv_len);
    keyblob_free_secret(again, again_len);
    EVP_PKEY_free(back);
}
END_TEST

START_TEST(test_private_not_rsa)
{
    /* No EC in the Windows builds of OpenSSL: see test_encode_not_rsa. */
#ifndef OPENSSL_NO_EC
    EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
#else
    EVP_PKEY *ec = EVP_PKEY_new();
#endif
    BIGNUM *n, *e;
    EVP_PKEY *pss;
    unsigned char *out = SENTINEL_BUF;
    size_t out_len = 1;

    need_fixture();
    ck_assert_ptr_nonnull(ec);
    check_private_refused(ec, KEYBLOB_E_NOT_RSA, "EC / untyped key");
    EVP_PKEY_free(ec);
    check_private_refused(NULL, KEYBLOB_E_NOT_RSA, "NULL key");

    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    e = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);
    pss = make_pub("RSA-PSS", n, e);
    check_private_refused(pss, KEYBLOB_E_NOT_RSA, "RSA-PSS key");
    EVP_PKEY_free(pss);
    BN_free(n);
    BN_free(e);

    /* Nowhere to put the result; whatever can be cleared is. */
    ck_assert_int_eq(keyblob_encode_private(g_key, NULL, &out_len), KEYBLOB_E_NOMEM);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_int_eq(keyblob_encode_private(g_key, &out, NULL), KEYBLOB_E_NOMEM);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_private_rsa768_refused)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)768);
    ck_assert_ptr_nonnull(k);
    check_private_refused(k, KEYBLOB_E_BITS, "RSA-768");
    EVP_PKEY_free(k);
}
END_TEST

/* The public-half checks are the PUBLICKEYBLOB encoder's. */
START_TEST(test_private_bad_public_half)
{
    BIGNUM *parts[NPARTS];
    EVP_PKEY *k;
    need_fixture();

    get_parts(g_key, parts);
    ck_assert_int_eq(BN_set_word(parts[PE], 65536), 1);           /* even e */
    k = make_rsa_pair(parts);
    check_private_refused(k, KEYBLOB_E_EXPONENT, "even exponent");
    EVP_PKEY_free(k);
    free_parts(parts);

    get_parts(g_key, parts);
    ck_assert_int_eq(BN_sub_word(parts[PN], 1), 1);                /* even N */
    k = make_rsa_pair(parts);
    check_private_refused(k, KEYBLOB_E_MODULUS, "even modulus");
    EVP_PKEY_free(k);
    free_parts(parts);

    get_parts(g_key, parts);
    ck_assert_int_eq(BN_rshift1(parts[PN], parts[PN]), 1);         /* 2047 bits */
    k = make_rsa_pair(parts);
    check_private_refused(k, KEYBLOB_E_BITS, "2047-bit modulus");
    EVP_PKEY_free(k);
    free_parts(parts);
}
END_TEST

/* A public key has no private half to export. */
START_TEST(test_private_public_only)
{
    BIGNUM *n, *e;
    EVP_PKEY *k;
    need_fixture();
    n = get_bn(g_key, OSSL_PKEY_PARAM_RSA_N);
    e = get_bn(g_key, OSSL_PKEY_PARAM_RSA_E);
    k = make_rsa_pub(n, e);
    check_private_refused(k, KEYBLOB_E_PRIVATE, "public-only key");
    EVP_PKEY_free(k);
    BN_free(n);
    BN_free(e);
}
END_TEST

/* Field boundaries, for each private number in turn: a value filling its
 * field with 0xFF bytes fits, one more (a 1 past the field) does not, and a
 * short value is zero-padded.  OpenSSL agrees byte for byte wherever we
 * encode. */
START_TEST(test_private_field_widths)
{
    static const struct { int part; size_t off, len; } f[] = {
        { PP, 276u, 128u }, { PQ, 404u, 128u }, { PDP, 532u, 128u },
        { PDQ, 660u, 128u }, { PQINV, 788u, 128u }, { PD, 916u, 256u },
    };
    size_t i, j;
    need_fixture();

    for (i = 0; i < sizeof f / sizeof f[0]; i++) {
        BIGNUM *parts[NPARTS];
        EVP_PKEY *k;
        unsigned char *out = NULL;
        size_t out_len = 0;
        const char *name = part_names[f[i].part];

        /* 2^(8*len) - 1: exactly fills the field */
        get_parts(g_key, parts);
        BN_zero(parts[f[i].part]);
        ck_assert_int_eq(BN_set_bit(parts[f[i].part], (int)(8u * f[i].len)), 1);
        ck_assert_int_eq(BN_sub_word(parts[f[i].part], 1), 1);
        k = make_rsa_pair(parts);
        ck_assert_msg(keyblob_encode_private(k, &out, &out_len) == KEYBLOB_OK,
                      "%s all-ones refused", name);
        ck_assert_uint_eq(out_len, PRIV2048_LEN);
        for (j = 0; j < f[i].len; j++)
            ck_assert_msg(out[f[i].off + j] == 0xFF, "%s byte %u", name, (unsigned)j);
        check_private_matches_openssl(k, out, out_len);
        keyblob_free_secret(out, out_len);
        EVP_PKEY_free(k);

        /* 2^(8*len): one byte too wide */
        ck_assert_int_eq(BN_add_word(parts[f[i].part], 1), 1);
        ck_assert_int_eq(BN_num_bytes(parts[f[i].part]), (int)f[i].len + 1);
        k = make_rsa_pair(parts);
        check_private_refused(k, KEYBLOB_E_PRIVATE, name);
        EVP_PKEY_free(k);

        /* 0x0102: two bytes, then zero padding up to the next field */
        ck_assert_int_eq(BN_set_word(parts[f[i].part], 0x0102), 1);
        k = make_rsa_pair(parts);
        out = NULL;
        ck_assert_int_eq(keyblob_encode_private(k, &out, &out_len), KEYBLOB_OK);
        ck_assert_uint_eq(out[f[i].off], 0x02);
        ck_assert_uint_eq(out[f[i].off + 1], 0x01);
        for (j = 2; j < f[i].len; j++)
            ck_assert_msg(out[f[i].off + j] == 0, "%s pad byte %u", name, (unsigned)j);
        check_private_matches_openssl(k, out, out_len);
        keyblob_free_secret(out, out_len);
        EVP_PKEY_free(k);
        free_parts(parts);
    }
}
END_TEST

/* A three-prime key has no PRIVATEKEYBLOB: p*q would not be N. */
START_TEST(test_private_multiprime_refused)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;
    BIGNUM *r = NULL;
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, 3), 1);
    ck_assert_int_eq(EVP_PKEY_generate(ctx, &k), 1);
    EVP_PKEY_CTX_free(ctx);
    ck_assert_int_eq(EVP_PKEY_get_bits(k), 2048);
    /* It really has a third prime. */
    ck_assert_int_eq(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_FACTOR3, &r), 1);
    BN_clear_free(r);
    check_private_refused(k, KEYBLOB_E_PRIVATE, "3-prime key");
    EVP_PKEY_free(k);
}
END_TEST

START_TEST(test_free_secret)
{
    unsigned char *p = malloc(PRIV2048_LEN);
    keyblob_free_secret(NULL, 0);
    keyblob_free_secret(NULL, PRIV2048_LEN);   /* NULL wins over len */
    ck_assert_ptr_nonnull(p);
    memset(p, 0xA5, PRIV2048_LEN);
    keyblob_free_secret(p, PRIV2048_LEN);      /* ASan: in bounds, freed once */
}
END_TEST

/* ------------------------------------------------------------------ */
/* parser rejections                                                   */

START_TEST(test_parse_truncations)
{
    size_t len;
    need_fixture();
    ck_assert_int_eq(parse_exact(g_blob, g_blob_len, g_blob_len), KEYBLOB_OK);
    for (len = 0; len < g_blob_len; len++) {
        enum keyblob_status st = parse_exact(g_blob, g_blob_len, len);
        ck_assert_msg(st == KEYBLOB_E_TRUNCATED, "len %u: status %d (%s)",
                      (unsigned)len, (int)st, keyblob_status_str(st));
    }
    ck_assert_int_eq(keyblob_parse_public(NULL, 0, NULL), KEYBLOB_E_TRUNCATED);
    ck_assert_int_eq(keyblob_parse_public(NULL, BLOB2048_LEN, NULL), KEYBLOB_E_TRUNCATED);
}
END_TEST

START_TEST(test_parse_trailing)
{
    need_fixture();
    ck_assert_int_eq(parse_exact(g_blob, g_blob_len, g_blob_len + 1), KEYBLOB_E_TRAILING);
    ck_assert_int_eq(parse_exact(g_blob, g_blob_len, g_blob_len + 256), KEYBLOB_E_TRAILING);
}
END_TEST

START_TEST(test_parse_header_fields)
{
    need_fixture();
    ck_assert_int_eq(parse_with8(0, 0x07), KEYBLOB_E_TYPE);      /* PRIVATEKEYBLOB */
    ck_assert_int_eq(parse_with8(0, 0x00), KEYBLOB_E_TYPE);
    ck_assert_int_eq(parse_with8(1, 0x01), KEYBLOB_E_VERSION);
    ck_assert_int_eq(parse_with8(1, 0x03), KEYBLOB_E_VERSION);
    ck_assert_int_eq(parse_with8(2, 0x01), KEYBLOB_E_RESERVED);
    ck_assert_int_eq(parse_with8(3, 0x80), KEYBLOB_E_RESERVED);
    ck_assert_int_eq(parse_with32(4, 0x00002400u), KEYBLOB_E_ALG);   /* CALG_RSA_SIGN */
    ck_assert_int_eq(parse_with32(4, 0x0000A401u), KEYBLOB_E_ALG);
    ck_assert_int_eq(parse_with32(4, 0x0100A400u), KEYBLOB_E_ALG);
    ck_assert_int_eq(parse_with32(8, 0x32415352u), KEYBLOB_E_MAGIC); /* "RSA2" */
    ck_assert_int_eq(parse_with32(8, 0x52534131u), KEYBLOB_E_MAGIC); /* byte-swapped */
}
END_TEST

START_TEST(test_parse_bitlen)
{
    need_fixture();
    ck_assert_int_eq(parse_with32(12, 768u), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 1023u), KEYBLOB_E_BITLEN);
    /* 1024 is allowed: a 2048-bit blob that claims it has bytes too many. */
    ck_assert_int_eq(parse_with32(12, 1024u), KEYBLOB_E_TRAILING);
    ck_assert_int_eq(parse_with32(12, 2049u), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 2056u), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 0u), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 8192u), KEYBLOB_E_BITLEN);
    /* Would wrap 20 + bitlen/8 or bitlen+7 arithmetic if done unchecked. */
    ck_assert_int_eq(parse_with32(12, 0xFFFFFFFFu), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 0xFFFFFFF8u), KEYBLOB_E_BITLEN);
    ck_assert_int_eq(parse_with32(12, 0x80000800u), KEYBLOB_E_BITLEN);
    /* Allowed sizes that do not match the data length. */
    ck_assert_int_eq(parse_with32(12, 3072u), KEYBLOB_E_TRUNCATED);
    ck_assert_int_eq(parse_with32(12, 4096u), KEYBLOB_E_TRUNCATED);
}
END_TEST

START_TEST(test_parse_exponent)
{
    need_fixture();
    ck_assert_int_eq(parse_with32(16, 65536u), KEYBLOB_E_EXPONENT);
    ck_assert_int_eq(parse_with32(16, 1u), KEYBLOB_E_EXPONENT);
    ck_assert_int_eq(parse_with32(16, 0u), KEYBLOB_E_EXPONENT);
    ck_assert_int_eq(parse_with32(16, 2u), KEYBLOB_E_EXPONENT);
    ck_assert_int_eq(parse_with32(16, 0xFFFFFFFEu), KEYBLOB_E_EXPONENT);
    /* boundaries that are fine */
    ck_assert_int_eq(parse_with32(16, 3u), KEYBLOB_OK);
    ck_assert_int_eq(parse_with32(16, 0xFFFFFFFFu), KEYBLOB_OK);
}
END_TEST

START_TEST(test_parse_modulus)
{
    need_fixture();
    ck_assert_uint_eq(g_blob[20] & 1u, 1u);
    ck_assert_uint_ne(g_blob[g_blob_len - 1], 0u);
    ck_assert_int_eq(parse_with8(20, (unsigned char)(g_blob[20] & 0xFEu)), KEYBLOB_E_MODULUS);
    ck_assert_int_eq(parse_with8(g_blob_len - 1, 0x00), KEYBLOB_E_MODULUS);
    /* a small but non-zero top byte is fine */
    ck_assert_int_eq(parse_with8(g_blob_len - 1, 0x01), KEYBLOB_OK);
}
END_TEST

/* Every single-bit flip of the header: the exact expected status. */
START_TEST(test_parse_header_bitflips)
{
    size_t off;
    unsigned bit;
    need_fixture();
    for (off = 0; off < 20; off++) {
        for (bit = 0; bit < 8; bit++) {
            unsigned char *p = exact_copy(g_blob, g_blob_len, g_blob_len);
            enum keyblob_status st, want;
            p[off] = (unsigned char)(p[off] ^ (1u << bit));
            if (off == 0)
                want = KEYBLOB_E_TYPE;
            else if (off == 1)
                want = KEYBLOB_E_VERSION;
            else if (off < 4)
                want = KEYBLOB_E_RESERVED;
            else if (off < 8)
                want = KEYBLOB_E_ALG;
            else if (off < 12)
                want = KEYBLOB_E_MAGIC;
            else if (off < 16)
                want = keyblob_bits_allowed(rd32(p + 12)) ? KEYBLOB_E_TRUNCATED
                                                          : KEYBLOB_E_BITLEN;
            else {
                uint32_t e = rd32(p + 16);
                want = (e >= 3 && (e & 1u)) ? KEYBLOB_OK : KEYBLOB_E_EXPONENT;
            }
            st = keyblob_parse_public(p, g_blob_len, NULL);
            free(p);
            ck_assert_msg(st == want, "byte %u bit %u: got %d (%s), want %d",
                          (unsigned)off, bit, (int)st, keyblob_status_str(st), (int)want);
        }
    }
}
END_TEST

/* public_to_pkey passes the parser's verdict through and leaves *out NULL. */
START_TEST(test_to_pkey_errors)
{
    unsigned char *p;
    EVP_PKEY *k;
    need_fixture();

    k = SENTINEL_PKEY;
    p = exact_copy(g_blob, g_blob_len, g_blob_len - 1);
    ck_assert_int_eq(keyblob_public_to_pkey(p, g_blob_len - 1, &k), KEYBLOB_E_TRUNCATED);
    ck_assert_ptr_null(k);
    free(p);

    k = SENTINEL_PKEY;
    p = exact_copy(g_blob, g_blob_len, g_blob_len);
    p[0] = 0x07;
    ck_assert_int_eq(keyblob_public_to_pkey(p, g_blob_len, &k), KEYBLOB_E_TYPE);
    ck_assert_ptr_null(k);
    free(p);

    k = SENTINEL_PKEY;
    ck_assert_int_eq(keyblob_public_to_pkey(NULL, 0, &k), KEYBLOB_E_TRUNCATED);
    ck_assert_ptr_null(k);
}
END_TEST

/* Cheap deterministic mutation run (a mini fuzzer; ASan watches the reads):
 * parse and public_to_pkey must agree, and an accepted blob must come back
 * byte-identical through encode. */
START_TEST(test_parse_mutations)
{
    uint32_t rng = 0x12345678u;
    int iter;
    need_fixture();
    for (iter = 0; iter < 3000; iter++) {
        size_t len = g_blob_len, k, nmut;
        unsigned char *p;
        enum keyblob_status st1, st2;
        EVP_PKEY *pk = NULL;

        rng = rng * 1664525u + 1013904223u;
        if ((rng >> 28) == 0)                      /* 1 in 16: change length */
            len = (size_t)((rng >> 8) % (g_blob_len + 40u));
        p = exact_copy(g_blob, g_blob_len, len);
        nmut = (size_t)((rng >> 4) & 3u);
        for (k = 0; k < nmut && len > 0; k++) {
            size_t pos;
            rng = rng * 1664525u + 1013904223u;
            /* bias towards the header and the modulus ends */
            pos = ((rng >> 24) & 1u) ? (size_t)(rng >> 8) % (len < 24 ? len : 24)
                                     : (size_t)(rng >> 8) % len;
            p[pos] = (unsigned char)(rng >> 16);
        }
        st1 = keyblob_parse_public(p, len, NULL);
        st2 = keyblob_public_to_pkey(p, len, &pk);
        ck_assert_msg(st1 == st2, "iter %d: parse %d, to_pkey %d", iter, (int)st1, (int)st2);
        if (st1 == KEYBLOB_OK) {
            unsigned char *again = NULL;
            size_t again_len = 0;
            ck_assert_ptr_nonnull(pk);
            if (p[len - 1] >= 0x80) {
                /* full-length modulus: re-encodes exactly */
                ck_assert_int_eq(keyblob_encode_public(pk, &again, &again_len), KEYBLOB_OK);
                ck_assert_uint_eq(again_len, len);
                ck_assert_mem_eq(again, p, len);
                free(again);
            }
            EVP_PKEY_free(pk);
        } else {
            ck_assert_ptr_null(pk);
        }
        free(p);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* 3072 / 4096                                                         */

/* The PRIVATEKEYBLOB of a freshly generated key of another size. */
static void check_private_size(const EVP_PKEY *k, unsigned bits, size_t want_len)
{
    unsigned char *b = NULL;
    size_t len = 0;
    EVP_PKEY *back;

    ck_assert_int_eq(keyblob_encode_private(k, &b, &len), KEYBLOB_OK);
    ck_assert_uint_eq(len, want_len);
    ck_assert_uint_eq(b[0], 0x07);
    ck_assert_mem_eq(b + 8, "RSA2", 4);
    ck_assert_uint_eq(rd32(b + 12), bits);
    ck_assert_uint_eq(rd32(b + 16), 65537u);
    check_private_matches_openssl(k, b, len);

    back = oracle_b2i_priv(b, len);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(EVP_PKEY_eq(k, back), 1);
    {
        BIGNUM *d0 = get_bn(k, OSSL_PKEY_PARAM_RSA_D);
        BIGNUM *d1 = get_bn(back, OSSL_PKEY_PARAM_RSA_D);
        ck_assert_int_eq(BN_cmp(d0, d1), 0);
        BN_clear_free(d0);
        BN_clear_free(d1);
    }
    EVP_PKEY_free(back);
    keyblob_free_secret(b, len);
}

static void check_size(unsigned bits, size_t want_len, size_t want_priv_len)
{
    EVP_PKEY *k = NULL;
    unsigned char *b = NULL, *o;
    size_t len = 0, olen = 0;
    struct keyblob_public pub;
    EVP_PKEY *back = NULL;

    ck_assert_int_eq(keyblob_generate(bits, &k), KEYBLOB_OK);
    ck_assert_int_eq(EVP_PKEY_get_bits(k), (int)bits);
    ck_assert_int_eq(keyblob_encode_public(k, &b, &len), KEYBLOB_OK);
    ck_assert_uint_eq(len, want_len);
    ck_assert_uint_eq(rd32(b + 12), bits);
    ck_assert_uint_eq(rd32(b + 16), 65537u);

    o = oracle_i2b(k, &olen);
    ck_assert_uint_eq(olen, len);
    ck_assert_mem_eq(o, b, len);
    free(o);

    ck_assert_int_eq(keyblob_parse_public(b, len, &pub), KEYBLOB_OK);
    ck_assert_uint_eq(pub.bitlen, bits);
    ck_assert_uint_eq(pub.modulus_len, bits / 8u);
    ck_assert_int_eq(parse_exact(b, len, len - 1), KEYBLOB_E_TRUNCATED);
    ck_assert_int_eq(parse_exact(b, len, len + 1), KEYBLOB_E_TRAILING);
    ck_assert_int_eq(keyblob_public_to_pkey(b, len, &back), KEYBLOB_OK);
    ck_assert_int_eq(EVP_PKEY_eq(k, back), 1);

    check_private_size(k, bits, want_priv_len);

    EVP_PKEY_free(back);
    free(b);
    EVP_PKEY_free(k);
}

/* KeyBits = 1024: 20 + 128 bytes public, 20 + 9 * 64 private. */
START_TEST(test_encode_1024)
{
    check_size(1024, 148u, 596u);
}
END_TEST

START_TEST(test_encode_3072)
{
    check_size(3072, BLOB3072_LEN, PRIV3072_LEN);
}
END_TEST

START_TEST(test_encode_4096)
{
    check_size(4096, BLOB4096_LEN, PRIV4096_LEN);
}
END_TEST

/* ------------------------------------------------------------------ */
/* status strings                                                      */

START_TEST(test_status_str)
{
    const char *s[LAST_STATUS + 1];
    int i, j;
    for (i = KEYBLOB_OK; i <= LAST_STATUS; i++) {
        s[i] = keyblob_status_str((enum keyblob_status)i);
        ck_assert_ptr_nonnull(s[i]);
        ck_assert_msg(s[i][0] != '\0', "status %d: empty string", i);
        ck_assert_msg(strcmp(s[i], "unknown status") != 0, "status %d: unknown", i);
    }
    for (i = KEYBLOB_OK; i <= LAST_STATUS; i++)
        for (j = i + 1; j <= LAST_STATUS; j++)
            ck_assert_msg(strcmp(s[i], s[j]) != 0, "status %d and %d share \"%s\"",
                          i, j, s[i]);
    ck_assert_str_eq(keyblob_status_str((enum keyblob_status)(LAST_STATUS + 1)),
                     "unknown status");
    ck_assert_str_eq(keyblob_status_str((enum keyblob_status)1000), "unknown status");
    ck_assert_str_eq(keyblob_status_str((enum keyblob_status)-1), "unknown status");
}
END_TEST

/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* DATA0's fingerprint                                                 */

/* FIPS 180-2's example: SHA-256("abc"). */
static const char abc_hex[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

START_TEST(test_fingerprint_known_value)
{
    char text[KEYBLOB_FINGERPRINT_CHARS + 1];
    unsigned char d[KEYBLOB_SHA256_LEN];

    ck_assert_int_eq(keyblob_fingerprint((const unsigned char *)"abc", 3, text), 0);
    ck_assert_str_eq(text, abc_hex);
    ck_assert_uint_eq(strlen(text), KEYBLOB_FINGERPRINT_CHARS);
    ck_assert_int_eq(keyblob_sha256((const unsigned char *)"abc", 3, d), 0);
    ck_assert_uint_eq(d[0], 0xBA);
    ck_assert_uint_eq(d[31], 0xAD);
    /* Over the bytes as they are: one byte more is another fingerprint. */
    ck_assert_int_eq(keyblob_fingerprint((const unsigned char *)"abcd", 4, text), 0);
    ck_assert_str_ne(text, abc_hex);
}
END_TEST

/* FIPS 180-2's examples: the two-block message (56 bytes, whose padding
 * needs a second block) and a million 'a's; and the empty string. */
START_TEST(test_sha256_known_vectors)
{
    static const char two_blocks[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const unsigned char want_two[4] = { 0x24, 0x8d, 0x6a, 0x61 };
    static const unsigned char want_million[4] = { 0xcd, 0xc7, 0x6e, 0x5c };
    static const unsigned char want_empty[4] = { 0xe3, 0xb0, 0xc4, 0x42 };
    unsigned char d[KEYBLOB_SHA256_LEN], *a = malloc(1000000);
    char text[KEYBLOB_FINGERPRINT_CHARS + 1];

    ck_assert_int_eq(keyblob_sha256((const unsigned char *)two_blocks, 56, d), 0);
    ck_assert_mem_eq(d, want_two, 4);
    keyblob_fingerprint_text(d, text);
    ck_assert_str_eq(text, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 1000000);
    ck_assert_int_eq(keyblob_sha256(a, 1000000, d), 0);
    ck_assert_mem_eq(d, want_million, 4);
    keyblob_fingerprint_text(d, text);
    ck_assert_str_eq(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
    ck_assert_int_eq(keyblob_sha256(NULL, 0, d), 0);
    ck_assert_mem_eq(d, want_empty, 4);
    ck_assert_int_eq(keyblob_sha256(NULL, 1, d), -1);
}
END_TEST

#ifndef _WIN32
/* Our SHA-256 against the system OpenSSL's, at every length around the
 * one- and two-block padding boundaries and at a DATA0's sizes.  Native
 * only: the libcrypto the Windows build links has no digests in its
 * default provider (deps/patches/openssl-providers.patch). */
START_TEST(test_sha256_matches_openssl)
{
    unsigned char buf[1200], ours[KEYBLOB_SHA256_LEN], theirs[EVP_MAX_MD_SIZE];
    unsigned int theirs_len = 0;
    size_t i, len;

    for (i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 131u + 7u);
    for (len = 0; len <= sizeof buf; len += (len < 300 ? 1 : 37)) {
        ck_assert_int_eq(keyblob_sha256(buf, len, ours), 0);
        ck_assert_int_eq(EVP_Digest(buf, len, theirs, &theirs_len, EVP_sha256(), NULL), 1);
        ck_assert_uint_eq(theirs_len, KEYBLOB_SHA256_LEN);
        ck_assert_msg(memcmp(ours, theirs, KEYBLOB_SHA256_LEN) == 0, "length %zu", len);
    }
}
END_TEST
#endif

START_TEST(test_fingerprint_parse_forms)
{
    static const char colons[] =
        "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:"
        "B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD";
    unsigned char want[KEYBLOB_SHA256_LEN], got[KEYBLOB_SHA256_LEN];
    char upper[sizeof abc_hex];
    size_t i;

    ck_assert_int_eq(keyblob_sha256((const unsigned char *)"abc", 3, want), 0);
    ck_assert_int_eq(keyblob_fingerprint_parse(abc_hex, got), 0);
    ck_assert_mem_eq(got, want, sizeof want);
    for (i = 0; i < sizeof abc_hex; i++)
        upper[i] = (char)toupper((unsigned char)abc_hex[i]);
    memset(got, 0x55, sizeof got);
    ck_assert_int_eq(keyblob_fingerprint_parse(upper, got), 0);
    ck_assert_mem_eq(got, want, sizeof want);
    memset(got, 0x55, sizeof got);
    ck_assert_int_eq(keyblob_fingerprint_parse(colons, got), 0);
    ck_assert_mem_eq(got, want, sizeof want);
}
END_TEST

START_TEST(test_fingerprint_parse_refused)
{
    static const unsigned char zero[KEYBLOB_SHA256_LEN];
    unsigned char got[KEYBLOB_SHA256_LEN];
    char t[200];
    size_t i;

    /* 63 and 65 digits, a non-hex digit, a space, colons in the wrong
     * place or only some, a trailing colon, nothing, NULL. */
    static const char *const bad[] = {
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
        "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "ba7816bf8f01cfea414140de5dae2223 00361a396177a9cb410ff61f20015ad",
        "b:a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15ad:",
        "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15",
        "ba:78:16:bf:8f:01:cf:ea:41:41:40:de:5d:ae:22:23:b0:03:61:a3:96:17:7a:9c:b4:10:ff:61:f2:00:15:ad:",
        "ba.78.16.bf.8f.01.cf.ea.41.41.40.de.5d.ae.22.23.b0.03.61.a3.96.17.7a.9c.b4.10.ff.61.f2.00.15.ad",
        "",
    };
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(got, 0x55, sizeof got);
        ck_assert_msg(keyblob_fingerprint_parse(bad[i], got) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_mem_eq(got, zero, sizeof zero);
    }
    ck_assert_int_eq(keyblob_fingerprint_parse(NULL, got), -1);
    /* A long argument is refused without reading it all. */
    memset(t, 'a', sizeof t - 1);
    t[sizeof t - 1] = 0;
    ck_assert_int_eq(keyblob_fingerprint_parse(t, got), -1);
}
END_TEST

Suite *keyblob_suite(void)
{
    Suite *s = suite_create("keyblob");
    TCase *tc;

    tc = tcase_create("generate");
    tcase_add_test(tc, test_bits_allowed);
    tcase_add_test(tc, test_generate_bad_bits);
    tcase_add_test(tc, test_status_str);
    tcase_add_test(tc, test_free_secret);
    suite_add_tcase(s, tc);

    tc = tcase_create("fingerprint");
    tcase_add_test(tc, test_fingerprint_known_value);
    tcase_add_test(tc, test_sha256_known_vectors);
#ifndef _WIN32
    tcase_add_test(tc, test_sha256_matches_openssl);
#endif
    tcase_add_test(tc, test_fingerprint_parse_forms);
    tcase_add_test(tc, test_fingerprint_parse_refused);
    suite_add_tcase(s, tc);

    /* One RSA-2048 key shared by the encode and parse tests. */
    tc = tcase_create("rsa2048");
    tcase_add_unchecked_fixture(tc, setup_2048, teardown_2048);
    tcase_set_timeout(tc, 60);   /* slow machines, sanitizers */
    tcase_add_test(tc, test_generate_2048_props);
    tcase_add_test(tc, test_generate_2048_primes);
    tcase_add_test(tc, test_encode_2048_header);
    tcase_add_test(tc, test_encode_2048_matches_openssl);
    tcase_add_test(tc, test_encode_2048_modulus_le);
    tcase_add_test(tc, test_roundtrip_2048);
    tcase_add_test(tc, test_openssl_reads_our_blob);
    tcase_add_test(tc, test_parse_openssl_blob);
    tcase_add_test(tc, test_encode_not_rsa);
    tcase_add_test(tc, test_encode_rsa_pss_refused);
    tcase_add_test(tc, test_encode_rsa768_refused);
    tcase_add_test(tc, test_encode_bad_components);
    tcase_add_test(tc, test_private_2048_header);
    tcase_add_test(tc, test_private_2048_fields);
    tcase_add_test(tc, test_private_2048_matches_openssl);
    tcase_add_test(tc, test_private_roundtrip_2048);
    tcase_add_test(tc, test_private_not_rsa);
    tcase_add_test(tc, test_private_rsa768_refused);
    tcase_add_test(tc, test_private_bad_public_half);
    tcase_add_test(tc, test_private_public_only);
    tcase_add_test(tc, test_private_field_widths);
    tcase_add_test(tc, test_private_multiprime_refused);
    tcase_add_test(tc, test_parse_truncations);
    tcase_add_test(tc, test_parse_trailing);
    tcase_add_test(tc, test_parse_header_fields);
    tcase_add_test(tc, test_parse_bitlen);
    tcase_add_test(tc, test_parse_exponent);
    tcase_add_test(tc, test_parse_modulus);
    tcase_add_test(tc, test_parse_header_bitflips);
    tcase_add_test(tc, test_to_pkey_errors);
    tcase_add_test(tc, test_parse_mutations);
    suite_add_tcase(s, tc);

    /* Bigger keys: RSA-4096 keygen can take seconds (much more under Wine
     * i686); Check enforces timeouts only when it forks. */
    tc = tcase_create("sizes");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_encode_1024);
    tcase_add_test(tc, test_encode_3072);
    tcase_add_test(tc, test_encode_4096);
    suite_add_tcase(s, tc);

    return s;
}
