/* Credential encryption to DATA0's key; see credblob.h for the contract.
 *
 * Secrets: the plaintext arrives in the caller's buffer (the caller wipes
 * it); the only copy made here is the UTF-16LE buffer of
 * credblob_encrypt_text, wiped with OPENSSL_cleanse before it is freed.
 * OpenSSL pads the plaintext into its own buffer and clears that itself.
 * The ciphertext and DATA0 are public. */
#include "credblob.h"

#include "keyblob.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

const char *credblob_status_str(enum credblob_status st)
{
    switch (st) {
    case CREDBLOB_OK:               return "success";
    case CREDBLOB_E_ARG:            return "missing argument";
    case CREDBLOB_E_NOMEM:          return "out of memory";
    case CREDBLOB_E_KEY:            return "DATA0 is not a usable RSA public key blob";
    case CREDBLOB_E_TOO_LONG:       return "value too long for the key (modulus bytes - 11)";
    case CREDBLOB_E_TEXT_ODD:       return "odd number of bytes: not UTF-16LE text";
    case CREDBLOB_E_TEXT_SURROGATE: return "unpaired UTF-16 surrogate: not well-formed text";
    case CREDBLOB_E_TEXT_NUL:       return "contains a NUL character (U+0000)";
    case CREDBLOB_E_OPENSSL:        return "OpenSSL could not encrypt";
    }
    return "unknown status";
}

void credblob_reverse(unsigned char *buf, size_t len)
{
    size_t i;
    unsigned char t;

    if (buf == NULL)
        return;
    for (i = 0; i < len / 2u; i++) {
        t = buf[i];
        buf[i] = buf[len - 1u - i];
        buf[len - 1u - i] = t;
    }
}

enum credblob_status credblob_max_plaintext(const unsigned char *data0, size_t data0_len,
                                            size_t *max)
{
    struct keyblob_public pub;

    if (max == NULL)
        return CREDBLOB_E_ARG;
    *max = 0;
    if (keyblob_parse_public(data0, data0_len, &pub) != KEYBLOB_OK)
        return CREDBLOB_E_KEY;
    /* modulus_len is 256, 384 or 512: always more than the overhead. */
    *max = pub.modulus_len - CREDBLOB_PKCS1_OVERHEAD;
    return CREDBLOB_OK;
}

enum credblob_status credblob_encrypt(const unsigned char *data0, size_t data0_len,
                                      const unsigned char *plain, size_t plain_len,
                                      unsigned char **out, size_t *out_len)
{
    static const unsigned char nothing[1] = { 0 };
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    size_t max, mod_len, got;
    enum credblob_status st;

    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (out == NULL || out_len == NULL || (plain == NULL && plain_len != 0))
        return CREDBLOB_E_ARG;

    st = credblob_max_plaintext(data0, data0_len, &max);
    if (st != CREDBLOB_OK)
        return st;
    /* Our own check, so the limit is ours to state and test, not whatever
     * OpenSSL's error queue says. */
    if (plain_len > max)
        return CREDBLOB_E_TOO_LONG;
    mod_len = max + CREDBLOB_PKCS1_OVERHEAD;

    if (keyblob_public_to_pkey(data0, data0_len, &key) != KEYBLOB_OK)
        return CREDBLOB_E_KEY;
    st = CREDBLOB_E_OPENSSL;
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (ctx == NULL
        || EVP_PKEY_encrypt_init(ctx) <= 0
        || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
        goto done;
    buf = malloc(mod_len);
    if (buf == NULL) {
        st = CREDBLOB_E_NOMEM;
        goto done;
    }
    got = mod_len;
    /* An empty value is legal PKCS#1 (all padding); give OpenSSL a valid
     * pointer all the same. */
    if (EVP_PKEY_encrypt(ctx, buf, &got, plain_len ? plain : nothing, plain_len) <= 0
        || got != mod_len)
        goto done;

    /* OpenSSL writes the RSA block big-endian; CryptoAPI keeps it
     * little-endian. */
    credblob_reverse(buf, mod_len);
    *out = buf;
    *out_len = mod_len;
    buf = NULL;
    st = CREDBLOB_OK;
done:
    free(buf);  /* ciphertext only */
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(key);
    return st;
}

static int is_high_surrogate(uint16_t u) { return u >= 0xD800u && u <= 0xDBFFu; }
static int is_low_surrogate(uint16_t u)  { return u >= 0xDC00u && u <= 0xDFFFu; }

enum credblob_status credblob_check_units(const uint16_t *units, size_t n)
{
    size_t i;

    if (units == NULL && n != 0)
        return CREDBLOB_E_ARG;
    for (i = 0; i < n; i++) {
        if (units[i] == 0)
            return CREDBLOB_E_TEXT_NUL;
        if (is_high_surrogate(units[i])) {
            if (i + 1u >= n || !is_low_surrogate(units[i + 1u]))
                return CREDBLOB_E_TEXT_SURROGATE;
            i++;  /* the pair is one character */
        } else if (is_low_surrogate(units[i])) {
            return CREDBLOB_E_TEXT_SURROGATE;
        }
    }
    return CREDBLOB_OK;
}

enum credblob_status credblob_check_text(const unsigned char *bytes, size_t len)
{
    size_t i;
    uint16_t u, next;

    if (bytes == NULL && len != 0)
        return CREDBLOB_E_ARG;
    if (len % 2u != 0)
        return CREDBLOB_E_TEXT_ODD;
    /* The same rules as credblob_check_units, read from little-endian
     * bytes without copying the (secret) plaintext anywhere. */
    for (i = 0; i < len; i += 2u) {
        u = (uint16_t)(bytes[i] | (bytes[i + 1u] << 8));
        if (u == 0)
            return CREDBLOB_E_TEXT_NUL;
        if (is_high_surrogate(u)) {
            if (i + 2u >= len)
                return CREDBLOB_E_TEXT_SURROGATE;
            next = (uint16_t)(bytes[i + 2u] | (bytes[i + 3u] << 8));
            if (!is_low_surrogate(next))
                return CREDBLOB_E_TEXT_SURROGATE;
            i += 2u;
        } else if (is_low_surrogate(u)) {
            return CREDBLOB_E_TEXT_SURROGATE;
        }
    }
    return CREDBLOB_OK;
}

enum credblob_status credblob_encrypt_text(const unsigned char *data0, size_t data0_len,
                                           const uint16_t *units, size_t n,
                                           unsigned char **out, size_t *out_len)
{
    unsigned char *le;
    enum credblob_status st;
    size_t i, max;

    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (out == NULL || out_len == NULL)
        return CREDBLOB_E_ARG;
    st = credblob_check_units(units, n);
    if (st != CREDBLOB_OK)
        return st;
    /* The limit first, so that n * 2 below cannot overflow either. */
    st = credblob_max_plaintext(data0, data0_len, &max);
    if (st != CREDBLOB_OK)
        return st;
    if (n > max / 2u)
        return CREDBLOB_E_TOO_LONG;

    le = malloc(n ? n * 2u : 1u);
    if (le == NULL)
        return CREDBLOB_E_NOMEM;
    /* Byte by byte: UTF-16LE on any host. */
    for (i = 0; i < n; i++) {
        le[2u * i] = (unsigned char)(units[i] & 0xFFu);
        le[2u * i + 1u] = (unsigned char)(units[i] >> 8);
    }
    st = credblob_encrypt(data0, data0_len, le, n * 2u, out, out_len);
    OPENSSL_cleanse(le, n ? n * 2u : 1u);
    free(le);
    return st;
}
