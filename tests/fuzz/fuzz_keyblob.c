/* libFuzzer target: the PUBLICKEYBLOB reader (crypto/keyblob.c), which reads
 * DATA0 from the registry: outside input, so it must never crash, read out of
 * bounds or leak, and its answers must be consistent with each other and
 * with OpenSSL's own reader.
 *
 * libFuzzer hands us a heap copy of exactly `size` bytes, so AddressSanitizer
 * sees any read past the end.  Beyond "no crash", every property below is an
 * abort() when it fails, so libFuzzer saves the input as a crash.  The same
 * bytes also feed DATA0's fingerprint (SHA-256 and the /fingerprint: text). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "crypto/keyblob.h"

#define REQUIRE(cond) \
    do { if (!(cond)) { fprintf(stderr, "property failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

/* OpenSSL's reading of the same bytes, or NULL. */
static EVP_PKEY *openssl_b2i(const uint8_t *data, size_t size)
{
    BIO *bio;
    EVP_PKEY *k;

    if (size > 1u << 20)
        return NULL;
    bio = BIO_new_mem_buf(data, (int)size);
    REQUIRE(bio != NULL);
    k = b2i_PublicKey_bio(bio);
    BIO_free(bio);
    return k;
}

static int same_bn(const EVP_PKEY *a, const EVP_PKEY *b, const char *name)
{
    BIGNUM *x = NULL, *y = NULL;
    int same;

    REQUIRE(EVP_PKEY_get_bn_param(a, name, &x) == 1);
    REQUIRE(EVP_PKEY_get_bn_param(b, name, &y) == 1);
    same = BN_cmp(x, y) == 0;
    BN_free(x);
    BN_free(y);
    return same;
}

/* DATA0's fingerprint: our SHA-256 equals OpenSSL's for the same bytes,
 * and the fingerprint parser (empkpcred's /fingerprint:) takes the bytes
 * as text: it accepts only what prints back the same, never reading past
 * the terminator. */
static void fingerprint_properties(const uint8_t *data, size_t size)
{
    unsigned char ours[KEYBLOB_SHA256_LEN], theirs[EVP_MAX_MD_SIZE], parsed[KEYBLOB_SHA256_LEN];
    char text[KEYBLOB_FINGERPRINT_CHARS + 1], *copy;
    unsigned int theirs_len = 0;
    size_t i, j;

    REQUIRE(keyblob_sha256(data, size, ours) == 0);
    REQUIRE(EVP_Digest(data, size, theirs, &theirs_len, EVP_sha256(), NULL) == 1);
    REQUIRE(theirs_len == KEYBLOB_SHA256_LEN && memcmp(ours, theirs, theirs_len) == 0);

    copy = malloc(size + 1);
    REQUIRE(copy != NULL);
    memcpy(copy, data, size);
    copy[size] = 0;
    if (keyblob_fingerprint_parse(copy, parsed) == 0) {
        keyblob_fingerprint_text(parsed, text);
        for (i = j = 0; copy[i]; i++) {
            if (copy[i] == ':')
                continue;
            REQUIRE(j < KEYBLOB_FINGERPRINT_CHARS);
            REQUIRE((copy[i] | 0x20) == text[j]);
            j++;
        }
        REQUIRE(j == KEYBLOB_FINGERPRINT_CHARS);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct keyblob_public pub;
    enum keyblob_status st, st_pkey, st_enc;
    EVP_PKEY *key = NULL, *oracle;
    unsigned char *again = NULL;
    size_t again_len = 0;

    fingerprint_properties(data, size);

    /* 1. The parser, validating only and filling a view: same verdict. */
    st = keyblob_parse_public(data, size, NULL);
    REQUIRE(keyblob_parse_public(data, size, &pub) == st);
    REQUIRE(keyblob_status_str(st) != NULL);
    if (st != KEYBLOB_OK) {
        /* Zeroed on failure, as keyblob.h promises. */
        REQUIRE(pub.bitlen == 0 && pub.modulus_le == NULL && pub.modulus_len == 0);
    } else {
        /* The view lies inside the input and accounts for every byte. */
        REQUIRE(keyblob_bits_allowed(pub.bitlen));
        REQUIRE(pub.modulus_le == data + KEYBLOB_HEADER_SIZE);
        REQUIRE(pub.modulus_len == pub.bitlen / 8u);
        REQUIRE(KEYBLOB_HEADER_SIZE + pub.modulus_len == size);
        REQUIRE(pub.pubexp >= 3u && (pub.pubexp & 1u) == 1u);
    }

    /* 2. To an OpenSSL key: a bad blob gives the parser's own status. */
    st_pkey = keyblob_public_to_pkey(data, size, &key);
    if (st != KEYBLOB_OK) {
        REQUIRE(st_pkey == st);
        REQUIRE(key == NULL);
        return 0;
    }
    REQUIRE(st_pkey == KEYBLOB_OK);
    REQUIRE(key != NULL);
    REQUIRE(EVP_PKEY_is_a(key, "RSA"));

    /* 3. OpenSSL's reader accepts what we accept and sees the same key. */
    oracle = openssl_b2i(data, size);
    REQUIRE(oracle != NULL);
    REQUIRE(same_bn(key, oracle, OSSL_PKEY_PARAM_RSA_N));
    REQUIRE(same_bn(key, oracle, OSSL_PKEY_PARAM_RSA_E));
    EVP_PKEY_free(oracle);

    /* 4. Re-encoding gives back the very bytes read.  The one documented
     *    difference: the parser accepts any non-zero top modulus byte, the
     *    encoder only a modulus of exactly bitlen bits (top bit set). */
    st_enc = keyblob_encode_public(key, &again, &again_len);
    if (data[size - 1] & 0x80u) {
        REQUIRE(st_enc == KEYBLOB_OK);
        REQUIRE(again_len == size);
        REQUIRE(memcmp(again, data, size) == 0);
    } else {
        REQUIRE(st_enc == KEYBLOB_E_BITS);
        REQUIRE(again == NULL && again_len == 0);
    }
    free(again);
    EVP_PKEY_free(key);
    return 0;
}
