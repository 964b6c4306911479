/* RSA key generation, CryptoAPI PUBLICKEYBLOB encode/parse and PRIVATEKEYBLOB
 * encode over OpenSSL 3.
 *
 * Only the OpenSSL 3 EVP / OSSL_PARAM API is used (no deprecated RSA_*).  The
 * blob is produced and read byte by byte with explicit little-endian
 * arithmetic: no casts of the buffer to wider types, no assumption about host
 * byte order or alignment.  The parser treats its input as hostile.
 *
 * Secrets: the EVP_PKEY made by keyblob_generate is released with
 * EVP_PKEY_free (it clears the key components).  keyblob_encode_private reads
 * the private numbers into BIGNUMs (released with BN_clear_free) and writes
 * them straight into the output buffer, which is the only byte buffer holding
 * them: it is cleansed on every error path, and the caller cleanses it with
 * keyblob_free_secret.  N, E and the PUBLICKEYBLOB are public. */
#include "keyblob.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

/* Byte offsets inside the 20-byte header. */
#define OFF_TYPE     0u
#define OFF_VERSION  1u
#define OFF_RESERVED 2u   /* WORD   */
#define OFF_ALG      4u   /* ALG_ID */
#define OFF_MAGIC    8u   /* DWORD  */
#define OFF_BITLEN   12u  /* DWORD  */
#define OFF_PUBEXP   16u  /* DWORD  */

#define KEYBLOB_RSA_E 65537u

const char *keyblob_status_str(enum keyblob_status st)
{
    switch (st) {
    case KEYBLOB_OK:          return "success";
    case KEYBLOB_E_NOMEM:     return "out of memory";
    case KEYBLOB_E_BITS:      return "RSA key size not allowed (1024, 2048, 3072 or 4096 bits)";
    case KEYBLOB_E_KEYGEN:    return "RSA key generation failed";
    case KEYBLOB_E_NOT_RSA:   return "key is not an RSA key";
    case KEYBLOB_E_TRUNCATED: return "key blob truncated";
    case KEYBLOB_E_TRAILING:  return "key blob has trailing bytes";
    case KEYBLOB_E_TYPE:      return "key blob type is not PUBLICKEYBLOB";
    case KEYBLOB_E_VERSION:   return "key blob version is not 2";
    case KEYBLOB_E_RESERVED:  return "key blob reserved field is not zero";
    case KEYBLOB_E_ALG:       return "key blob algorithm is not CALG_RSA_KEYX";
    case KEYBLOB_E_MAGIC:     return "key blob magic is not RSA1";
    case KEYBLOB_E_BITLEN:    return "key blob bit length not allowed";
    case KEYBLOB_E_EXPONENT:  return "RSA public exponent invalid";
    case KEYBLOB_E_MODULUS:   return "RSA modulus invalid";
    case KEYBLOB_E_OPENSSL:   return "OpenSSL rejected the key material";
    case KEYBLOB_E_PRIVATE:   return "RSA private key missing or does not fit a PRIVATEKEYBLOB";
    }
    return "unknown status";
}

int keyblob_bits_allowed(unsigned bits)
{
    return bits == KEYBLOB_COMPAT_BITS || bits == 2048u || bits == 3072u || bits == 4096u;
}

/* ---- little-endian helpers (byte by byte, any alignment, any host) ---- */

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xFFu);
    p[1] = (unsigned char)((v >> 8) & 0xFFu);
    p[2] = (unsigned char)((v >> 16) & 0xFFu);
    p[3] = (unsigned char)((v >> 24) & 0xFFu);
}

static uint16_t get_le16(const unsigned char *p)
{
    return (uint16_t)((unsigned)p[0] | ((unsigned)p[1] << 8));
}

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0]
         | ((uint32_t)p[1] << 8)
         | ((uint32_t)p[2] << 16)
         | ((uint32_t)p[3] << 24);
}

/* ---- key generation ---- */

enum keyblob_status keyblob_generate(unsigned bits, EVP_PKEY **out)
{
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    enum keyblob_status st = KEYBLOB_E_KEYGEN;
    unsigned int e = KEYBLOB_RSA_E;
    OSSL_PARAM params[2];

    if (out == NULL)
        return KEYBLOB_E_KEYGEN;
    *out = NULL;
    if (!keyblob_bits_allowed(bits))
        return KEYBLOB_E_BITS;

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL)
        goto done;
    if (EVP_PKEY_keygen_init(ctx) <= 0)
        goto done;
    /* bits is one of 1024/2048/3072/4096, so the int conversion is exact. */
    if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) <= 0)
        goto done;
    /* 65537 is OpenSSL's default too; say it explicitly. */
    params[0] = OSSL_PARAM_construct_uint(OSSL_PKEY_PARAM_RSA_E, &e);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_PKEY_CTX_set_params(ctx, params) <= 0)
        goto done;
    if (EVP_PKEY_generate(ctx, &pkey) <= 0 || pkey == NULL)
        goto done;
    /* Paranoia: the key must really be of the size asked for. */
    if (EVP_PKEY_get_bits(pkey) != (int)bits)
        goto done;

    *out = pkey;
    pkey = NULL;
    st = KEYBLOB_OK;
done:
    EVP_PKEY_free(pkey);      /* private key: EVP_PKEY_free clears it */
    EVP_PKEY_CTX_free(ctx);
    return st;
}

/* ---- encoding ---- */

static void put_header(unsigned char *buf, unsigned char type, uint32_t magic,
                       int nbits, uint32_t e32)
{
    buf[OFF_TYPE] = type;
    buf[OFF_VERSION] = KEYBLOB_CUR_VERSION;
    buf[OFF_RESERVED] = 0;        /* WORD reserved = 0 */
    buf[OFF_RESERVED + 1u] = 0;
    put_le32(buf + OFF_ALG, KEYBLOB_CALG_RSA_KEYX);
    put_le32(buf + OFF_MAGIC, magic);
    put_le32(buf + OFF_BITLEN, (uint32_t)nbits);
    put_le32(buf + OFF_PUBEXP, e32);
}

/* The public half both blob types carry.  On KEYBLOB_OK, *n_out is N (caller
 * BN_free's it; NULL on failure), *nbits its exact bit length (1024, 2048,
 * 3072 or 4096) and *e32 the exponent. */
static enum keyblob_status get_public(const EVP_PKEY *key, BIGNUM **n_out,
                                      int *nbits, uint32_t *e32)
{
    BIGNUM *n = NULL, *e = NULL;
    enum keyblob_status st;

    *n_out = NULL;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) <= 0
        || EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) <= 0) {
        st = KEYBLOB_E_OPENSSL;
        goto done;
    }

    /* The modulus must have exactly an allowed bit length, so the blob's
     * bitlen field tells the truth and bitlen/8 bytes hold it exactly. */
    *nbits = BN_num_bits(n);
    if (*nbits <= 0 || !keyblob_bits_allowed((unsigned)*nbits)) {
        st = KEYBLOB_E_BITS;
        goto done;
    }
    if (!BN_is_odd(n)) {
        st = KEYBLOB_E_MODULUS;
        goto done;
    }
    /* pubexp is a DWORD: it must fit 32 bits, be odd and >= 3. */
    if (BN_num_bits(e) > 32 || !BN_is_odd(e) || BN_is_one(e)) {
        st = KEYBLOB_E_EXPONENT;
        goto done;
    }
    {
        BN_ULONG w = BN_get_word(e);  /* fits: at most 32 bits */
        *e32 = (uint32_t)w;
    }

    *n_out = n;
    n = NULL;
    st = KEYBLOB_OK;
done:
    BN_free(n);  /* public values */
    BN_free(e);
    return st;
}

/* The common start of both encoders: no output until success, and the
 * arguments checked. */
static enum keyblob_status start_encode(const EVP_PKEY *key, unsigned char **out,
                                        size_t *out_len)
{
    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (key == NULL || !EVP_PKEY_is_a(key, "RSA"))
        return KEYBLOB_E_NOT_RSA;
    if (out == NULL || out_len == NULL)
        return KEYBLOB_E_NOMEM;   /* nowhere to put the result */
    return KEYBLOB_OK;
}

enum keyblob_status keyblob_encode_public(const EVP_PKEY *key,
                                          unsigned char **out, size_t *out_len)
{
    BIGNUM *n = NULL;
    unsigned char *buf = NULL;
    enum keyblob_status st;
    int nbits = 0;
    size_t mod_len, total;
    uint32_t e32 = 0;

    st = start_encode(key, out, out_len);
    if (st != KEYBLOB_OK)
        return st;
    st = get_public(key, &n, &nbits, &e32);
    if (st != KEYBLOB_OK)
        goto done;

    mod_len = (size_t)nbits / 8u;
    total = KEYBLOB_HEADER_SIZE + mod_len;
    buf = malloc(total);
    if (buf == NULL) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }

    put_header(buf, KEYBLOB_PUBLICKEYBLOB, KEYBLOB_MAGIC_RSA1, nbits, e32);
    /* mod_len <= 512, so the int conversion is exact. */
    if (BN_bn2lebinpad(n, buf + KEYBLOB_HEADER_SIZE, (int)mod_len) != (int)mod_len) {
        st = KEYBLOB_E_OPENSSL;
        goto done;
    }

    *out = buf;
    *out_len = total;
    buf = NULL;
    st = KEYBLOB_OK;
done:
    free(buf);   /* public data only */
    BN_free(n);  /* public value */
    return st;
}

void keyblob_free_secret(unsigned char *buf, size_t len)
{
    if (buf == NULL)
        return;
    OPENSSL_cleanse(buf, len);
    free(buf);
}

/* The private numbers of a PRIVATEKEYBLOB, in blob order after the modulus,
 * with each field's width in units of bitlen/16 bytes. */
static const struct {
    const char *param;
    size_t halves;
} private_fields[] = {
    { OSSL_PKEY_PARAM_RSA_FACTOR1, 1 },       /* prime1 = p */
    { OSSL_PKEY_PARAM_RSA_FACTOR2, 1 },       /* prime2 = q */
    { OSSL_PKEY_PARAM_RSA_EXPONENT1, 1 },     /* exponent1 = d mod (p-1) */
    { OSSL_PKEY_PARAM_RSA_EXPONENT2, 1 },     /* exponent2 = d mod (q-1) */
    { OSSL_PKEY_PARAM_RSA_COEFFICIENT1, 1 },  /* coefficient = q^-1 mod p */
    { OSSL_PKEY_PARAM_RSA_D, 2 },             /* privateExponent = d */
};
#define N_PRIVATE_FIELDS (sizeof private_fields / sizeof private_fields[0])

enum keyblob_status keyblob_encode_private(const EVP_PKEY *key,
                                           unsigned char **out, size_t *out_len)
{
    BIGNUM *n = NULL, *extra = NULL;
    BIGNUM *priv[N_PRIVATE_FIELDS] = { NULL };
    unsigned char *buf = NULL;
    enum keyblob_status st;
    int nbits = 0;
    size_t half, total = 0, off, i;
    uint32_t e32 = 0;

    st = start_encode(key, out, out_len);
    if (st != KEYBLOB_OK)
        return st;
    st = get_public(key, &n, &nbits, &e32);
    if (st != KEYBLOB_OK)
        goto done;

    /* A PRIVATEKEYBLOB has room for two primes only; for a multi-prime key
     * p*q is not N, so its blob would import as a broken key. */
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_FACTOR3, &extra) > 0) {
        st = KEYBLOB_E_PRIVATE;
        goto done;
    }

    /* Every number is read and size-checked before the buffer exists, so a
     * refused key never leaves a half-written blob behind.  nbits is 1024,
     * 2048, 3072 or 4096, so half is exact and every width below fits an int. */
    half = (size_t)nbits / 16u;
    total = KEYBLOB_HEADER_SIZE + 2u * half;          /* header + modulus */
    for (i = 0; i < N_PRIVATE_FIELDS; i++) {
        size_t width = private_fields[i].halves * half;
        if (EVP_PKEY_get_bn_param(key, private_fields[i].param, &priv[i]) <= 0
            || (size_t)BN_num_bytes(priv[i]) > width) {
            st = KEYBLOB_E_PRIVATE;
            goto done;
        }
        total += width;
    }

    buf = malloc(total);
    if (buf == NULL) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }

    put_header(buf, KEYBLOB_PRIVATEKEYBLOB, KEYBLOB_MAGIC_RSA2, nbits, e32);
    off = KEYBLOB_HEADER_SIZE;
    if (BN_bn2lebinpad(n, buf + off, (int)(2u * half)) != (int)(2u * half)) {
        st = KEYBLOB_E_OPENSSL;
        goto done;
    }
    off += 2u * half;
    for (i = 0; i < N_PRIVATE_FIELDS; i++) {
        int width = (int)(private_fields[i].halves * half);
        /* Cannot fail after the size checks above; handled all the same. */
        if (BN_bn2lebinpad(priv[i], buf + off, width) != width) {
            st = KEYBLOB_E_OPENSSL;
            goto done;
        }
        off += (size_t)width;
    }

    *out = buf;
    *out_len = total;
    buf = NULL;
    st = KEYBLOB_OK;
done:
    keyblob_free_secret(buf, total);   /* partial blob: may hold key bytes */
    BN_free(n);                        /* public value */
    BN_clear_free(extra);
    for (i = 0; i < N_PRIVATE_FIELDS; i++)
        BN_clear_free(priv[i]);
    return st;
}

/* ---- parsing ---- */

enum keyblob_status keyblob_parse_public(const unsigned char *blob, size_t len,
                                         struct keyblob_public *out)
{
    uint32_t alg, magic, bitlen, pubexp;
    size_t mod_len, need;
    const unsigned char *mod;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (blob == NULL || len < KEYBLOB_HEADER_SIZE)
        return KEYBLOB_E_TRUNCATED;

    if (blob[OFF_TYPE] != KEYBLOB_PUBLICKEYBLOB)
        return KEYBLOB_E_TYPE;
    if (blob[OFF_VERSION] != KEYBLOB_CUR_VERSION)
        return KEYBLOB_E_VERSION;
    if (get_le16(blob + OFF_RESERVED) != 0)
        return KEYBLOB_E_RESERVED;
    alg = get_le32(blob + OFF_ALG);
    if (alg != KEYBLOB_CALG_RSA_KEYX)
        return KEYBLOB_E_ALG;
    magic = get_le32(blob + OFF_MAGIC);
    if (magic != KEYBLOB_MAGIC_RSA1)
        return KEYBLOB_E_MAGIC;
    bitlen = get_le32(blob + OFF_BITLEN);
    /* Checked before any size arithmetic: afterwards bitlen <= 4096, so
     * nothing below can overflow even a 32-bit size_t. */
    if (!keyblob_bits_allowed(bitlen))
        return KEYBLOB_E_BITLEN;
    pubexp = get_le32(blob + OFF_PUBEXP);

    mod_len = (size_t)bitlen / 8u;
    need = KEYBLOB_HEADER_SIZE + mod_len;
    if (len < need)
        return KEYBLOB_E_TRUNCATED;
    if (len > need)
        return KEYBLOB_E_TRAILING;

    if (pubexp < 3u || (pubexp & 1u) == 0)
        return KEYBLOB_E_EXPONENT;

    mod = blob + KEYBLOB_HEADER_SIZE;
    if ((mod[0] & 1u) == 0 || mod[mod_len - 1] == 0)
        return KEYBLOB_E_MODULUS;

    if (out != NULL) {
        out->bitlen = bitlen;
        out->pubexp = pubexp;
        out->modulus_le = mod;
        out->modulus_len = mod_len;
    }
    return KEYBLOB_OK;
}

/* SHA-256 (FIPS 180-4), written out here rather than through EVP_Digest:
 * the libcrypto empkp ships leaves the default provider's digests out
 * (deps/patches/openssl-providers.patch), and CryptoAPI has SHA-256 only in
 * the RSA/AES provider, which Windows 2000 lacks.  The unit tests compare
 * it with the system OpenSSL's SHA-256 on many inputs. */
static const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

static uint32_t ror32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32u - n));
}

/* One 64-byte block into the state h[8]. */
static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
    unsigned i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16
             | (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++)
        w[i] = (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10)) + w[i - 7]
             + (ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 16];
    a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
    for (i = 0; i < 64; i++) {
        t1 = hh + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g))
           + sha256_k[i] + w[i];
        t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

int keyblob_sha256(const unsigned char *data, size_t len, unsigned char digest[KEYBLOB_SHA256_LEN])
{
    uint32_t h[8] = { 0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                      0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u };
    unsigned char last[128];
    size_t full = len / 64u * 64u, rest = len - full, i, tail;
    uint64_t bits = (uint64_t)len * 8u;

    memset(digest, 0, KEYBLOB_SHA256_LEN);
    if (data == NULL && len != 0)
        return -1;
    for (i = 0; i < full; i += 64)
        sha256_block(h, data + i);
    /* The rest, 0x80, zeros, and the length in bits (big-endian): one or
     * two blocks. */
    memset(last, 0, sizeof(last));
    if (rest)
        memcpy(last, data + full, rest);
    last[rest] = 0x80;
    tail = rest + 1 + 8 <= 64 ? 64 : 128;
    for (i = 0; i < 8; i++)
        last[tail - 1 - i] = (unsigned char)(bits >> (8 * i));
    sha256_block(h, last);
    if (tail == 128)
        sha256_block(h, last + 64);
    for (i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)h[i];
    }
    return 0;
}

void keyblob_fingerprint_text(const unsigned char digest[KEYBLOB_SHA256_LEN],
                              char out[KEYBLOB_FINGERPRINT_CHARS + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < KEYBLOB_SHA256_LEN; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0x0Fu];
    }
    out[KEYBLOB_FINGERPRINT_CHARS] = '\0';
}

int keyblob_fingerprint(const unsigned char *data, size_t len,
                        char out[KEYBLOB_FINGERPRINT_CHARS + 1])
{
    unsigned char digest[KEYBLOB_SHA256_LEN];

    out[0] = '\0';
    if (keyblob_sha256(data, len, digest) != 0)
        return -1;
    keyblob_fingerprint_text(digest, out);
    return 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int keyblob_fingerprint_parse(const char *text, unsigned char digest[KEYBLOB_SHA256_LEN])
{
    size_t len, i, step, at;
    int hi, lo;

    memset(digest, 0, KEYBLOB_SHA256_LEN);
    if (text == NULL)
        return -1;
    /* Bounded: nothing longer than the colon form is looked at further. */
    for (len = 0; len <= 3u * KEYBLOB_SHA256_LEN && text[len]; len++)
        ;
    if (len == KEYBLOB_FINGERPRINT_CHARS)
        step = 2;                              /* 64 digits */
    else if (len == 3u * KEYBLOB_SHA256_LEN - 1u)
        step = 3;                              /* 32 pairs, 31 colons */
    else
        return -1;
    for (i = 0; i < KEYBLOB_SHA256_LEN; i++) {
        at = i * step;
        if (step == 3 && i > 0 && text[at - 1] != ':')
            goto bad;
        hi = hex_value(text[at]);
        lo = hex_value(text[at + 1]);
        if (hi < 0 || lo < 0)
            goto bad;
        digest[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
bad:
    memset(digest, 0, KEYBLOB_SHA256_LEN);
    return -1;
}

enum keyblob_status keyblob_public_to_pkey(const unsigned char *blob, size_t len,
                                           EVP_PKEY **out)
{
    struct keyblob_public pub;
    enum keyblob_status st;
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (out == NULL)
        return KEYBLOB_E_OPENSSL;
    *out = NULL;

    st = keyblob_parse_public(blob, len, &pub);
    if (st != KEYBLOB_OK)
        return st;

    /* modulus_len <= 512, so the int conversion is exact. */
    n = BN_lebin2bn(pub.modulus_le, (int)pub.modulus_len, NULL);
    e = BN_new();
    if (n == NULL || e == NULL || !BN_set_word(e, pub.pubexp)) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }
    /* The parser's checks imply these; keep the invariant explicit. */
    if (BN_num_bits(n) > (int)pub.bitlen || BN_num_bits(n) <= (int)pub.bitlen - 8) {
        st = KEYBLOB_E_MODULUS;
        goto done;
    }

    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }
    if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) {
        st = KEYBLOB_E_NOMEM;
        goto done;
    }

    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL
        || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0
        || pkey == NULL) {
        st = KEYBLOB_E_OPENSSL;
        goto done;
    }

    *out = pkey;
    pkey = NULL;
    st = KEYBLOB_OK;
done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return st;
}
