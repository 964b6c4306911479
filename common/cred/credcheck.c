/* Server-side check of DATA1..3 with the stored key; see credcheck.h.
 *
 * Stale or corrupt: a PKCS#1 ciphertext does not say which key it was made
 * for, so the check reasons from what it finds.  A value that does not
 * decrypt with the stored key was made for another key -- unless its
 * neighbours, written in the same operation, do decrypt, in which case it
 * was damaged.  A length that no RSA key gives is damage; the length of
 * another allowed key size is a key change. */
#include "credcheck.h"

#include <wincrypt.h>
#include <string.h>

#include "crypto/credblob.h"
#include "credstore.h"
#include "crypto/keyblob.h"
#include "common/keystore.h"
#include "common/regvalue.h"

const char *credcheck_result_str(enum credcheck_result result)
{
    switch (result) {
    case CREDCHECK_OK:          return "the credentials decrypt";
    case CREDCHECK_NO_DATA0:    return "no public key has been published (DATA0)";
    case CREDCHECK_BAD_DATA0:   return "DATA0 is larger than any public key";
    case CREDCHECK_NO_KEY:      return "the stored private key is missing";
    case CREDCHECK_DENIED:      return "access denied";
    case CREDCHECK_UNTRUSTED:   return "the key container's owner or DACL is not trusted";
    case CREDCHECK_MISSING:     return "credentials missing";
    case CREDCHECK_STALE:       return "credentials are stale: encrypted to another key";
    case CREDCHECK_CORRUPT:     return "credentials are damaged";
    case CREDCHECK_ENCODING:    return "credentials decrypt, but are not UTF-16LE text";
    case CREDCHECK_INTERRUPTED: return "an interrupted 'empkpcred set' left a journal";
    case CREDCHECK_FAILED:      return "the check failed";
    }
    return "unknown result";
}

const char *credcheck_value_str(enum credcheck_value value)
{
    switch (value) {
    case CREDVAL_OK:         return "decrypts";
    case CREDVAL_MISSING:    return "missing";
    case CREDVAL_NOT_BINARY: return "not REG_BINARY";
    case CREDVAL_BAD_SIZE:   return "not the size of any RSA ciphertext";
    case CREDVAL_OTHER_SIZE: return "a ciphertext for another key size";
    case CREDVAL_NO_DECRYPT: return "does not decrypt with the stored key";
    case CREDVAL_NOT_TEXT:   return "decrypts, but not to UTF-16LE text";
    }
    return "unknown";
}

static int is_denied(DWORD err)
{
    return err == ERROR_ACCESS_DENIED || err == (DWORD)NTE_PERM;
}

/* Decrypts one value in a private buffer, checks the text, copies it to
 * text (if not NULL) and wipes the buffer. */
static enum credcheck_value check_value(HCRYPTKEY key, DWORD mod_len,
                                        const struct credstore_value *v, WCHAR *text,
                                        DWORD *decrypt_error)
{
    BYTE buf[512];
    DWORD len, i;
    enum credcheck_value result;

    *decrypt_error = 0;
    if (!v->present)
        return CREDVAL_MISSING;
    if (v->type != REG_BINARY)
        return CREDVAL_NOT_BINARY;
    if (v->len != mod_len)
        return (v->len == 128 || v->len == 256 || v->len == 384 || v->len == 512)
                   ? CREDVAL_OTHER_SIZE : CREDVAL_BAD_SIZE;
    memcpy(buf, v->data, v->len);
    len = v->len;
    if (!CryptDecrypt(key, 0, TRUE, 0, buf, &len)) {
        *decrypt_error = GetLastError();
        result = CREDVAL_NO_DECRYPT;
    } else if (credblob_check_text(buf, len) != CREDBLOB_OK
               || len / 2 > CREDCHECK_TEXT_MAX) {
        result = CREDVAL_NOT_TEXT;
    } else {
        result = CREDVAL_OK;
        if (text) {
            for (i = 0; i < len / 2; i++)
                text[i] = (WCHAR)(buf[2 * i] | (buf[2 * i + 1] << 8));
            text[len / 2] = 0;
        }
    }
    SecureZeroMemory(buf, sizeof(buf));
    return result;
}

/* The result from the three values' states (see the comment at the top). */
static enum credcheck_result classify(const enum credcheck_value v[3])
{
    int i, missing = 0, bad = 0, foreign = 0, text = 0;

    for (i = 0; i < 3; i++) {
        switch (v[i]) {
        case CREDVAL_MISSING:    missing++; break;
        case CREDVAL_NOT_BINARY:
        case CREDVAL_BAD_SIZE:   bad++; break;
        case CREDVAL_OTHER_SIZE:
        case CREDVAL_NO_DECRYPT: foreign++; break;
        case CREDVAL_NOT_TEXT:   text++; break;
        case CREDVAL_OK:         break;
        }
    }
    if (missing)
        return CREDCHECK_MISSING;
    if (bad)
        return CREDCHECK_CORRUPT;
    if (foreign == 3)
        return CREDCHECK_STALE;
    if (foreign)
        return CREDCHECK_CORRUPT;   /* written together, yet only some decrypt */
    if (text)
        return CREDCHECK_ENCODING;
    return CREDCHECK_OK;
}

/* DATA0 against the stored public blob: Publish's own comparison. */
static enum data0_state compare_data0(const struct credstore_value *data0,
                                      const struct keystore_key *stored)
{
    return data0_state_of(data0->present, data0->type == REG_BINARY, data0->data, data0->len,
                          stored->blob, stored->len);
}

/* What opening the stored key found, when it is not STORE_PRESENT.  A
 * container another account controls is refused as Publish refuses it
 * (PLAN_UNTRUSTED, ErrID KEYSTORE_E_UNTRUSTED): nothing is decrypted with
 * it, nothing encrypted to a DATA0 that matches it. */
static enum credcheck_result store_result(enum store_state state, DWORD err, int data0_present)
{
    if (state == STORE_UNTRUSTED)
        return CREDCHECK_UNTRUSTED;
    if (is_denied(err))
        return CREDCHECK_DENIED;
    if (err == (DWORD)NTE_BAD_KEYSET || err == (DWORD)NTE_NO_KEY)
        return data0_present ? CREDCHECK_NO_KEY : CREDCHECK_NO_DATA0;
    return CREDCHECK_FAILED;
}

enum credcheck_result credcheck_data0(const struct credstore_value *data0,
                                      enum data0_state *state, unsigned *key_bits,
                                      DWORD *error, char *why, size_t why_size)
{
    struct keyblob_public pub;
    struct keystore_key stored;
    enum store_state store;
    enum credcheck_result result = CREDCHECK_OK;

    *state = DATA0_DIFFERS;
    *key_bits = 0;
    store = keystore_open(&stored, error, NULL, 0, why, why_size);
    if (store != STORE_PRESENT) {
        result = store_result(store, *error, 1);
        if (result == CREDCHECK_NO_DATA0)   /* not for a DATA0 that is there */
            result = CREDCHECK_NO_KEY;
    } else if (keyblob_parse_public(stored.blob, stored.len, &pub) != KEYBLOB_OK) {
        *error = (DWORD)NTE_BAD_KEY;   /* not a key empkp would have stored */
        result = CREDCHECK_FAILED;
    } else {
        *key_bits = pub.bitlen;
        *state = compare_data0(data0, &stored);
    }
    keystore_close(&stored);
    return result;
}

static enum credcheck_result finish(struct credcheck_report *r, enum credcheck_result result,
                                    DWORD error)
{
    r->result = result;
    r->error = error;
    return result;
}

enum credcheck_result credcheck_run(struct credcheck_report *r)
{
    struct credstore_value data0, value[3];
    struct keyblob_public pub;
    struct keystore_key stored = { 0, 0, NULL, 0 };
    enum store_state store;
    DWORD err;
    HKEY exmpls = NULL;
    LONG lerr;
    int journal = 0, i;
    WCHAR password[CREDCHECK_TEXT_MAX + 1];

    memset(r, 0, sizeof(*r));
    memset(&data0, 0, sizeof(data0));
    memset(value, 0, sizeof(value));
    r->data0 = DATA0_MISSING;

    lerr = credstore_open(HKEY_LOCAL_MACHINE, 0, KEY_QUERY_VALUE, &exmpls);
    if (lerr == ERROR_FILE_NOT_FOUND)
        return finish(r, CREDCHECK_NO_DATA0, (DWORD)lerr);
    if (lerr != ERROR_SUCCESS)
        return finish(r, is_denied((DWORD)lerr) ? CREDCHECK_DENIED : CREDCHECK_FAILED, (DWORD)lerr);

    /* Values from an interrupted write may be a mixture: say that first. */
    lerr = credstore_journal_present(exmpls, 0, &journal);
    if (lerr == ERROR_SUCCESS && journal) {
        finish(r, CREDCHECK_INTERRUPTED, 0);
        goto done;
    }
    lerr = credstore_read(exmpls, CREDSTORE_DATA0, &data0);
    if (lerr == REGVALUE_E_TOO_LARGE && data0.present) {
        /* Not read: what set refuses with the same words (exit 3). */
        r->data0_len = data0.len;
        finish(r, CREDCHECK_BAD_DATA0, (DWORD)lerr);
        goto done;
    }
    for (i = 0; i < 3 && lerr == ERROR_SUCCESS; i++) {
        lerr = credstore_read(exmpls, credstore_names[i], &value[i]);
        /* Over the limit: present with its size and type, never read; no
         * RSA ciphertext is that long (check_value: CREDVAL_BAD_SIZE). */
        if (lerr == REGVALUE_E_TOO_LARGE && value[i].present)
            lerr = ERROR_SUCCESS;
    }
    if (lerr != ERROR_SUCCESS) {
        finish(r, is_denied((DWORD)lerr) ? CREDCHECK_DENIED : CREDCHECK_FAILED, (DWORD)lerr);
        goto done;
    }

    store = keystore_open(&stored, &err, NULL, 0, r->why, sizeof(r->why));
    if (store != STORE_PRESENT) {
        finish(r, store_result(store, err, data0.present), err);
        goto done;
    }
    if (keyblob_parse_public(stored.blob, stored.len, &pub) != KEYBLOB_OK) {
        /* Not a key empkp would have stored (size, exponent). */
        finish(r, CREDCHECK_FAILED, (DWORD)NTE_BAD_KEY);
        goto done;
    }
    r->key_bits = pub.bitlen;
    r->data0 = compare_data0(&data0, &stored);

    r->value[0] = check_value(stored.key, (DWORD)pub.modulus_len, &value[0], r->domain, &r->decrypt_error[0]);
    r->value[1] = check_value(stored.key, (DWORD)pub.modulus_len, &value[1], r->user, &r->decrypt_error[1]);
    r->value[2] = check_value(stored.key, (DWORD)pub.modulus_len, &value[2], password, &r->decrypt_error[2]);
    SecureZeroMemory(password, sizeof(password));
    finish(r, classify(r->value), 0);
    if (r->result != CREDCHECK_OK) {
        /* Names are reported only for credentials that work. */
        SecureZeroMemory(r->domain, sizeof(r->domain));
        SecureZeroMemory(r->user, sizeof(r->user));
    }
done:
    keystore_close(&stored);
    credstore_value_free(&data0);
    for (i = 0; i < 3; i++)
        credstore_value_free(&value[i]);
    RegCloseKey(exmpls);
    return r->result;
}
