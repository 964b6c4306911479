/* Server-side check of the credentials: do DATA1..3 decrypt with the
 * stored private key (common/keystore.h), and are they UTF-16LE text as
 * crypto/credblob.h defines it?
 *
 * Windows only (CryptoAPI, registry); depends on common/keystore.h,
 * crypto/ and common/cred/credstore.h, not on empkpcred.exe's main, so that
 * empkp.exe can offer the same check (/verify, /diagnose) by linking
 * credcheck.c and credstore.c.  Prints nothing: the caller words the
 * report.  The password is decrypted into a buffer that is wiped at once;
 * only the domain and user name are returned. */
#ifndef EMPKP_CREDCHECK_H
#define EMPKP_CREDCHECK_H

#include <windows.h>

#include "credstore.h"
#include "common/publish_plan.h"

enum credcheck_result {
    CREDCHECK_OK,           /* all three decrypt to UTF-16LE text */
    CREDCHECK_NO_DATA0,     /* no ExMPLS key, or neither DATA0 nor a stored key:
                               Publish has not run (no event 9986 yet) */
    CREDCHECK_BAD_DATA0,    /* DATA0 is over REGVALUE_MAX bytes: not read, no
                               public key is that large (.data0_len) */
    CREDCHECK_NO_KEY,       /* DATA0 is there but the key container or its
                               AT_KEYEXCHANGE key is not */
    CREDCHECK_DENIED,       /* registry or key container: access denied */
    CREDCHECK_UNTRUSTED,    /* the key container's owner or DACL lets another
                               account use, replace or delete the key: refused
                               as Publish refuses it (STORE_UNTRUSTED, .why) */
    CREDCHECK_MISSING,      /* DATA1, DATA2 or DATA3 (or all) missing */
    CREDCHECK_STALE,        /* none decrypts: encrypted to another key */
    CREDCHECK_CORRUPT,      /* a length no RSA key gives, or some decrypt
                               and others do not */
    CREDCHECK_ENCODING,     /* all decrypt, but not all are UTF-16LE text */
    CREDCHECK_INTERRUPTED,  /* a journal: an interrupted set (credstore.h) */
    CREDCHECK_FAILED        /* any other error; see .error */
};

/* What was found for one of DATA1..3. */
enum credcheck_value {
    CREDVAL_OK,
    CREDVAL_MISSING,
    CREDVAL_NOT_BINARY,     /* not REG_BINARY */
    CREDVAL_BAD_SIZE,       /* not 128, 256, 384 or 512 bytes */
    CREDVAL_OTHER_SIZE,     /* a ciphertext for another key size */
    CREDVAL_NO_DECRYPT,     /* CryptDecrypt refused it (padding) */
    CREDVAL_NOT_TEXT        /* decrypts, but not to UTF-16LE text */
};

#define CREDCHECK_TEXT_MAX 256  /* UTF-16 units: a 4096-bit key holds 250 */

struct credcheck_report {
    enum credcheck_result result;
    DWORD error;                    /* the Win32/CryptoAPI error behind it, or 0 */
    enum data0_state data0;         /* DATA0 against the stored key (publish_plan.h) */
    unsigned key_bits;              /* the stored key's size, 0 if none */
    DWORD data0_len;                /* CREDCHECK_BAD_DATA0: DATA0's size */
    enum credcheck_value value[3];  /* DATA1, DATA2, DATA3 */
    DWORD decrypt_error[3];         /* CryptDecrypt's error for CREDVAL_NO_DECRYPT */
    WCHAR domain[CREDCHECK_TEXT_MAX + 1];  /* decrypted DATA1 and DATA2 */
    WCHAR user[CREDCHECK_TEXT_MAX + 1];    /* (not secret), when result is OK */
    char why[240];                  /* CREDCHECK_UNTRUSTED: what is wrong with the
                                       container's owner or DACL */
};

/* Checks this computer's credentials (the stored key is local).  Fills
 * *r and returns r->result. */
enum credcheck_result credcheck_run(struct credcheck_report *r);

/* Is DATA0, as read (present, type, bytes), the public half of the key
 * stored on this computer?  The comparison credcheck_run and Publish make
 * (data0_state_of, common/publish_plan.h), on the key as Publish opens and
 * judges it (keystore_open), for "empkpcred set" to check before it
 * encrypts anything to DATA0.  CREDCHECK_OK with *state DATA0_MATCHES or
 * DATA0_DIFFERS (and *key_bits the stored key's size); otherwise
 * CREDCHECK_NO_KEY (no container or no key in it), CREDCHECK_UNTRUSTED (WHY
 * says what), CREDCHECK_DENIED or CREDCHECK_FAILED, with *error the
 * CryptoAPI error (KEYSTORE_E_UNTRUSTED for an untrusted container) and
 * *state DATA0_DIFFERS. */
enum credcheck_result credcheck_data0(const struct credstore_value *data0,
                                      enum data0_state *state, unsigned *key_bits,
                                      DWORD *error, char *why, size_t why_size);

/* One line for a result, static, never NULL. */
const char *credcheck_result_str(enum credcheck_result result);
const char *credcheck_value_str(enum credcheck_value value);

#endif
