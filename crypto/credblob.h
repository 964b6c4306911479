/* Credential values (DATA1, DATA2, DATA3) encrypted to the key in DATA0,
 * in plain C over OpenSSL 3's EVP API.  No Windows headers: compiled
 * natively for the unit tests (under the sanitizers) and for both Windows
 * arches.
 *
 * The contract with the decrypting side (CryptDecrypt with the stored key,
 * common/cred/credcheck.c; packaging/MANUAL.txt, "The credentials tool"):
 *   - each value is RSA PKCS#1 v1.5 (block type 2) encrypted to DATA0's key,
 *     one RSA block per value, exactly modulus-length bytes;
 *   - the ciphertext is stored little-endian, i.e. byte-reversed from
 *     OpenSSL's (and PKCS#1's) big-endian output, which is what CryptEncrypt
 *     produces and CryptDecrypt expects;
 *   - the plaintext is the value in UTF-16LE, without a terminator: the
 *     ciphertext's decrypted length is the string's length.  Well-formed
 *     UTF-16 only (no unpaired surrogate), no U+0000 anywhere. */
#ifndef EMPKP_CREDBLOB_H
#define EMPKP_CREDBLOB_H

#include <stddef.h>
#include <stdint.h>

/* PKCS#1 v1.5 encryption padding: 00 02, at least 8 random non-zero bytes,
 * 00.  A value may be at most (modulus bytes - 11) bytes long. */
#define CREDBLOB_PKCS1_OVERHEAD 11u

enum credblob_status {
    CREDBLOB_OK = 0,
    CREDBLOB_E_ARG,           /* a required pointer is NULL */
    CREDBLOB_E_NOMEM,         /* allocation failed */
    CREDBLOB_E_KEY,           /* DATA0 is not a PUBLICKEYBLOB we accept
                                 (keyblob_parse_public says why) */
    CREDBLOB_E_TOO_LONG,      /* plaintext longer than modulus bytes - 11 */
    CREDBLOB_E_TEXT_ODD,      /* odd number of bytes: not UTF-16LE */
    CREDBLOB_E_TEXT_SURROGATE,/* an unpaired surrogate: not well-formed UTF-16 */
    CREDBLOB_E_TEXT_NUL,      /* contains U+0000 (a terminator or worse) */
    CREDBLOB_E_OPENSSL        /* OpenSSL could not encrypt (RNG, ...) */
};

/* Human-readable, static, never NULL. */
const char *credblob_status_str(enum credblob_status st);

/* The longest plaintext, in bytes, that fits one RSA block of DATA0's key:
 * modulus bytes - 11 (245 for RSA-2048, i.e. 122 UTF-16 code units).
 * *max is 0 unless CREDBLOB_OK. */
enum credblob_status credblob_max_plaintext(const unsigned char *data0, size_t data0_len,
                                            size_t *max);

/* Encrypts plain[0..plain_len) as it is (no encoding applied) to the key in
 * DATA0 with RSA PKCS#1 v1.5 (EVP_PKEY_encrypt, RSA_PKCS1_PADDING), and
 * byte-reverses the result into CryptoAPI's little-endian order.  *out is
 * malloc'd (free with free(); it is ciphertext, not secret), *out_len is the
 * modulus length.  plain may be NULL when plain_len is 0.  A plaintext
 * longer than modulus bytes - 11 gives CREDBLOB_E_TOO_LONG before OpenSSL
 * sees it.  *out = NULL, *out_len = 0 on any failure. */
enum credblob_status credblob_encrypt(const unsigned char *data0, size_t data0_len,
                                      const unsigned char *plain, size_t plain_len,
                                      unsigned char **out, size_t *out_len);

/* The credential encoding: checks units[0..n) (credblob_check_units), writes
 * them as UTF-16LE bytes without terminator into a private buffer, encrypts
 * that with credblob_encrypt, and wipes the buffer (OPENSSL_cleanse).  The
 * length limit is in bytes: 2 * n <= modulus bytes - 11. */
enum credblob_status credblob_encrypt_text(const unsigned char *data0, size_t data0_len,
                                           const uint16_t *units, size_t n,
                                           unsigned char **out, size_t *out_len);

/* Is units[0..n) a value we encrypt: well-formed UTF-16, no U+0000?
 * (n == 0, the empty string, is well-formed.) */
enum credblob_status credblob_check_units(const uint16_t *units, size_t n);

/* Is a decrypted plaintext in our encoding: an even number of bytes that,
 * read as UTF-16LE, pass credblob_check_units?  The decrypting side calls
 * this before it believes a value. */
enum credblob_status credblob_check_text(const unsigned char *bytes, size_t len);

/* Reverses buf[0..len) in place: big-endian (OpenSSL, PKCS#1) <->
 * little-endian (CryptoAPI).  Its own inverse. */
void credblob_reverse(unsigned char *buf, size_t len);

#endif
