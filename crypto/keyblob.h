/* RSA key generation, CryptoAPI PUBLICKEYBLOB encoding and parsing, and
 * PRIVATEKEYBLOB encoding, in plain C over OpenSSL 3's EVP API.  No Windows
 * headers: this file is compiled natively for the unit tests (under the
 * sanitizers) and for both Windows arches, so the blob layouts are spelled
 * out here rather than taken from <wincrypt.h>. */
#ifndef EMPKP_KEYBLOB_H
#define EMPKP_KEYBLOB_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

/* Layout of a CryptoAPI PUBLICKEYBLOB for RSA (all integers little-endian):
 *   BLOBHEADER { BYTE bType=6; BYTE bVersion=2; WORD reserved=0; ALG_ID aiKeyAlg=0xA400 }
 *   RSAPUBKEY  { DWORD magic="RSA1"; DWORD bitlen; DWORD pubexp }
 *   BYTE modulus[bitlen/8]            (little-endian) */
#define KEYBLOB_PUBLICKEYBLOB   0x06
#define KEYBLOB_CUR_VERSION     0x02
#define KEYBLOB_CALG_RSA_KEYX   0x0000A400u
#define KEYBLOB_MAGIC_RSA1      0x31415352u /* "RSA1" */
#define KEYBLOB_HEADER_SIZE     20u         /* BLOBHEADER + RSAPUBKEY */

/* Layout of a CryptoAPI PRIVATEKEYBLOB for RSA (all integers little-endian,
 * each number zero-padded to its field):
 *   BLOBHEADER { BYTE bType=7; BYTE bVersion=2; WORD reserved=0; ALG_ID aiKeyAlg=0xA400 }
 *   RSAPUBKEY  { DWORD magic="RSA2"; DWORD bitlen; DWORD pubexp }
 *   BYTE modulus[bitlen/8]
 *   BYTE prime1[bitlen/16]            p
 *   BYTE prime2[bitlen/16]            q
 *   BYTE exponent1[bitlen/16]         d mod (p-1)
 *   BYTE exponent2[bitlen/16]         d mod (q-1)
 *   BYTE coefficient[bitlen/16]       q^-1 mod p
 *   BYTE privateExponent[bitlen/8]    d
 * 20 + 9 * bitlen/16 bytes: 1172 for RSA-2048. */
#define KEYBLOB_PRIVATEKEYBLOB  0x07
#define KEYBLOB_MAGIC_RSA2      0x32415352u /* "RSA2" */

#define KEYBLOB_DEFAULT_BITS    2048u
/* The smallest size allowed: by the KeyBits setting only, for credential
 * tools that open Microsoft's Base Cryptographic Provider (MS_DEF_PROV),
 * which imports RSA key-exchange keys of 384 to 1024 bits only
 * (packaging/MANUAL.txt, "What Publish does", KeyBits). */
#define KEYBLOB_COMPAT_BITS     1024u

enum keyblob_status {
    KEYBLOB_OK = 0,
    KEYBLOB_E_NOMEM,        /* allocation failed */
    KEYBLOB_E_BITS,         /* key size not one we allow (1024, 2048, 3072, 4096);
                               encode: modulus bit length not exactly one of them */
    KEYBLOB_E_KEYGEN,       /* OpenSSL key generation failed (RNG, ...) */
    KEYBLOB_E_NOT_RSA,      /* EVP_PKEY is NULL or not an RSA key (RSA-PSS included) */
    KEYBLOB_E_TRUNCATED,    /* blob shorter than its header says */
    KEYBLOB_E_TRAILING,     /* bytes after the modulus */
    KEYBLOB_E_TYPE,         /* bType is not PUBLICKEYBLOB */
    KEYBLOB_E_VERSION,      /* bVersion is not 2 */
    KEYBLOB_E_RESERVED,     /* reserved field not zero */
    KEYBLOB_E_ALG,          /* aiKeyAlg is not CALG_RSA_KEYX */
    KEYBLOB_E_MAGIC,        /* not "RSA1" */
    KEYBLOB_E_BITLEN,       /* bitlen not a multiple of 8, or not allowed */
    KEYBLOB_E_EXPONENT,     /* public exponent even or < 3 (encode: or wider than 32 bits) */
    KEYBLOB_E_MODULUS,      /* modulus even, or top byte zero (bit length lies) */
    KEYBLOB_E_OPENSSL,      /* OpenSSL refused the key material */
    KEYBLOB_E_PRIVATE       /* encode_private: no private half (public-only
                               key), more than two primes, or a component
                               wider than its PRIVATEKEYBLOB field */
};

/* Human-readable, static, never NULL. */
const char *keyblob_status_str(enum keyblob_status st);

/* Only these sizes are accepted anywhere (keygen and parse). */
int keyblob_bits_allowed(unsigned bits);

/* Generate an RSA key pair (exponent 65537) with EVP_PKEY_generate.
 * *out is set to NULL first and gets the key (free with EVP_PKEY_free) only on
 * KEYBLOB_OK.  Disallowed bits -> KEYBLOB_E_BITS without touching OpenSSL;
 * out == NULL -> KEYBLOB_E_KEYGEN. */
enum keyblob_status keyblob_generate(unsigned bits, EVP_PKEY **out);

/* Encode the public half of an RSA key as a PUBLICKEYBLOB into a malloc'd
 * buffer (*out, *out_len); caller frees with free().  Byte-identical to
 * OpenSSL's i2b_PublicKey_bio for the keys we accept: the modulus must be odd
 * and exactly 1024/2048/3072/4096 bits (else KEYBLOB_E_MODULUS / KEYBLOB_E_BITS)
 * and the exponent must fit a DWORD.  *out = NULL, *out_len = 0 on any
 * failure; out or out_len NULL -> KEYBLOB_E_NOMEM (nowhere to put it). */
enum keyblob_status keyblob_encode_public(const EVP_PKEY *key,
                                          unsigned char **out, size_t *out_len);

/* Encode an RSA key pair as a PRIVATEKEYBLOB (for CryptImportKey as
 * AT_KEYEXCHANGE) into a malloc'd buffer (*out, *out_len).
 *
 * THE BUFFER HOLDS THE PRIVATE KEY: release it with
 * keyblob_free_secret(*out, *out_len), never with plain free(), and never log
 * or print it.
 *
 * Byte-identical to OpenSSL's i2b_PrivateKey_bio for the keys we accept.
 * Checks, in order: key NULL or not RSA (NOT_RSA); out or out_len NULL
 * (NOMEM); then the same public-half checks as keyblob_encode_public (BITS,
 * MODULUS, EXPONENT); then PRIVATE if the key has no private half, has more
 * than two primes, or p, q, d mod (p-1), d mod (q-1), q^-1 mod p do not fit
 * bitlen/16 bytes or d does not fit bitlen/8 bytes.  All checks happen before
 * the buffer is allocated; on any failure *out = NULL, *out_len = 0 and no
 * key material is left behind in memory we allocated. */
enum keyblob_status keyblob_encode_private(const EVP_PKEY *key,
                                           unsigned char **out, size_t *out_len);

/* OPENSSL_cleanse the len bytes at buf, then free(buf).  NULL-safe (any len).
 * For buffers from keyblob_encode_private. */
void keyblob_free_secret(unsigned char *buf, size_t len);

/* Parsed view of a PUBLICKEYBLOB; modulus points into the caller's buffer. */
struct keyblob_public {
    uint32_t bitlen;
    uint32_t pubexp;
    const unsigned char *modulus_le;  /* bitlen/8 bytes, little-endian */
    size_t modulus_len;
};

/* Check every header field and the length; never reads past blob[len-1].
 * Checks, in order (first failure wins): len >= 20 and blob != NULL
 * (TRUNCATED), bType, bVersion, reserved, aiKeyAlg, magic, bitlen allowed
 * (BITLEN; before any size arithmetic), len == 20 + bitlen/8 (TRUNCATED /
 * TRAILING), exponent (EXPONENT), modulus odd with non-zero top byte
 * (MODULUS).  out may be NULL (validate only); otherwise it is zeroed first
 * and filled on KEYBLOB_OK. */
enum keyblob_status keyblob_parse_public(const unsigned char *blob, size_t len,
                                         struct keyblob_public *out);

/* DATA0's fingerprint: SHA-256 over the value's bytes exactly as stored
 * (whatever they are: no parsing first).  Printed as 64 lowercase hex
 * digits (what sha256sum prints for the same bytes); read back ignoring
 * case, with or without a colon between each two digits.  empkp /diagnose
 * prints it on the server; empkpcred set /server: shows it and takes it
 * as /fingerprint:.  0 on success, -1 for NULL data with a length. */
#define KEYBLOB_SHA256_LEN       32u
#define KEYBLOB_FINGERPRINT_CHARS 64u   /* the text, without its terminator */
int keyblob_sha256(const unsigned char *data, size_t len,
                   unsigned char digest[KEYBLOB_SHA256_LEN]);
/* out gets KEYBLOB_FINGERPRINT_CHARS + 1 bytes (terminated). */
void keyblob_fingerprint_text(const unsigned char digest[KEYBLOB_SHA256_LEN],
                              char out[KEYBLOB_FINGERPRINT_CHARS + 1]);
/* SHA-256 and text in one; "" when hashing fails.  Returns 0 or -1. */
int keyblob_fingerprint(const unsigned char *data, size_t len,
                        char out[KEYBLOB_FINGERPRINT_CHARS + 1]);
/* Text as an administrator gives it: 64 hex digits, or 32 pairs separated
 * by single colons; any case; nothing else (no spaces).  0 and the digest,
 * or -1 (digest zeroed). */
int keyblob_fingerprint_parse(const char *text, unsigned char digest[KEYBLOB_SHA256_LEN]);

/* Parse, then build an OpenSSL public key from the blob (EVP_PKEY_fromdata).
 * Returns the parser's status unchanged on a bad blob.  *out is set to NULL
 * first; out == NULL -> KEYBLOB_E_OPENSSL. */
enum keyblob_status keyblob_public_to_pkey(const unsigned char *blob, size_t len,
                                           EVP_PKEY **out);

#endif
