/* Publish: gathers the facts (key store, DATA0, settings), lets
 * publish_plan.c decide, and carries the plan out in an order that survives
 * a crash at any step (the fault points mark each one). */
#include "publish.h"

#include <stdio.h>
#include <stdlib.h>

#include "eventlog.h"
#include "common/exmpls.h"
#include "common/settings.h"
#include "common/faultpoint.h"
#include "crypto/keyblob.h"
#include "common/keystore.h"
#include "messages.h"
#include "publish_cache.h"
#include "common/publish_lock.h"
#include "common/publish_plan.h"
#include "common/wintext.h"

/* Logs MSG_PUBLISH_FAILED for the step that failed and returns its code. */
static DWORD failed(const WCHAR *step, DWORD err)
{
    WCHAR code[16], text[256];
    char message[512];
    const WCHAR *strings[3] = { step, code, text };

    _snwprintf(code, ARRAYSIZE(code), L"%lu", (unsigned long)err);
    code[ARRAYSIZE(code) - 1] = 0;
    /* The message's "error %2 (%3)": the system's text, or the code in hex. */
    if (!win32_message(err, message, sizeof(message))[0] ||
        !wide_from_utf8_buf(message, text, ARRAYSIZE(text))) {
        _snwprintf(text, ARRAYSIZE(text), L"0x%08lX", (unsigned long)err);
        text[ARRAYSIZE(text) - 1] = 0;
    }
    eventlog_report(MSG_PUBLISH_FAILED, 3, strings);
    return err;
}

/* Event 1102: the container is there, but this account may not open it. */
static DWORD hidden(DWORD err)
{
    WCHAR code[16];
    const WCHAR *strings[2] = { KEYSTORE_CONTAINER, code };

    _snwprintf(code, ARRAYSIZE(code), L"0x%08lX", (unsigned long)err);
    code[ARRAYSIZE(code) - 1] = 0;
    eventlog_report(MSG_KEYSET_HIDDEN, 2, strings);
    return err;
}

/* Event 1103: the container's owner or DACL lets another account in. */
static DWORD untrusted(const char *why, const char *sd_text)
{
    WCHAR w_why[256], w_sd[512];
    const WCHAR *strings[3] = { KEYSTORE_CONTAINER, w_why, w_sd };

    wide_from_utf8_buf(why, w_why, ARRAYSIZE(w_why));
    wide_from_utf8_buf(sd_text, w_sd, ARRAYSIZE(w_sd));
    eventlog_report(MSG_KEYSET_UNTRUSTED, 3, strings);
    return KEYSTORE_E_UNTRUSTED;
}

static DWORD errid_from_keyblob(enum keyblob_status st)
{
    /* Out of memory is the caller's to retry; anything else means OpenSSL
     * could not make or encode the key (for example an unseeded RNG). */
    return st == KEYBLOB_E_NOMEM ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INTERNAL_ERROR;
}

/* The key size for a new pair, or 0 after logging why the setting is refused. */
static unsigned key_bits(DWORD *err)
{
    BOOL present, is_dword;
    DWORD value;
    unsigned bits;
    WCHAR shown[16];
    const WCHAR *strings[1] = { shown };

    *err = settings_read_key_bits(&present, &is_dword, &value);
    if (*err)
        return 0;
    bits = publish_key_bits(present, is_dword, value);
    if (!bits) {
        if (is_dword)
            _snwprintf(shown, ARRAYSIZE(shown), L"%lu", (unsigned long)value);
        else
            lstrcpynW(shown, L"not a REG_DWORD", ARRAYSIZE(shown));
        shown[ARRAYSIZE(shown) - 1] = 0;
        eventlog_report(MSG_BAD_KEY_BITS, 1, strings);
        *err = ERROR_INVALID_DATA;
    }
    return bits;
}

/* Generates a pair with OpenSSL and installs it.  Order matters:
 * 1. the container is made ready first (created with our owner and DACL,
 *    or an empty one of ours reused): CRYPT_NEWKEYSET is the only sure
 *    answer to "is it really absent?", and NTE_EXISTS stops here with
 *    nothing deleted;
 * 2. the old credentials and DATA0 go (useless without the old key);
 * 3. the key is imported into the container held since step 1;
 * 4. DATA0 is written from the store.
 * A crash between any two steps leaves "no key" (an empty container of
 * ours, or none: the next Publish makes one and removes what is left) or
 * "key without DATA0" (the next Publish rewrites DATA0), never credentials
 * beside a key they were not encrypted to. */
static DWORD new_key_pair(BOOL recreate, const WCHAR *why)
{
    EVP_PKEY *pair = NULL;
    unsigned char *private_blob = NULL;
    size_t private_len = 0;
    BYTE *public_blob = NULL;
    DWORD public_len, err;
    HCRYPTPROV prov;
    enum keyblob_status st;
    unsigned bits;
    WCHAR bits_text[16];
    const WCHAR *strings[2] = { bits_text, why };

    bits = key_bits(&err);
    if (!bits)
        return err == ERROR_INVALID_DATA ? err : failed(L"read the KeyBits setting", err);
    st = keyblob_generate(bits, &pair);
    if (st == KEYBLOB_OK)
        st = keyblob_encode_private(pair, &private_blob, &private_len);
    EVP_PKEY_free(pair);   /* OpenSSL clears the private numbers */
    if (st != KEYBLOB_OK)
        return failed(L"generate a key pair", errid_from_keyblob(st));
    FAULT_CRASH("new-key-generated");

    err = keystore_prepare(recreate, &prov);
    if (err) {
        keyblob_free_secret(private_blob, private_len);
        /* "No such container" was a claim: creating it says it is there. */
        if (publish_create_outcome(err) == STORE_HIDDEN)
            return hidden(err);
        if (err == KEYSTORE_E_UNTRUSTED)
            return untrusted("it appeared while Publish ran, and its owner or DACL lets another "
                             "account in", "not shown");
        return failed(L"create the key container", err);
    }
    FAULT_CRASH("new-key-container-ready");

    err = exmpls_delete_values();
    if (err) {
        keystore_abandon(prov);
        keyblob_free_secret(private_blob, private_len);
        return failed(L"remove DATA0..DATA3 of the lost key", err);
    }
    FAULT_CRASH("new-key-values-deleted");

    err = keystore_import(prov, private_blob, (DWORD)private_len, &public_blob, &public_len);
    keyblob_free_secret(private_blob, private_len);
    if (err)
        return failed(L"store the private key", err);
    FAULT_CRASH("new-key-stored");

    /* DATA0 is the public half as the store exported it, not OpenSSL's. */
    err = exmpls_write_data0(public_blob, public_len);
    if (!err)
        publish_cache_remember(public_blob, public_len);
    free(public_blob);
    if (err)
        return failed(L"write DATA0", err);
    FAULT_CRASH("new-key-data0-written");

    _snwprintf(bits_text, ARRAYSIZE(bits_text), L"%u", bits);
    bits_text[ARRAYSIZE(bits_text) - 1] = 0;
    eventlog_report(MSG_NEW_KEY_PAIR, 2, strings);
    return ERROR_SUCCESS;
}

static DWORD publish_locked(void)
{
    BYTE *stored = NULL, *data0 = NULL;
    DWORD stored_len, data0_len, store_err, err;
    BOOL present, is_binary;
    enum store_state store;
    enum data0_state d0;
    WCHAR found[64];
    const WCHAR *strings[1] = { found };
    char sd_text[400], why[240];

    publish_cache_forget();
    store = keystore_read_public_ex(&stored, &stored_len, &store_err, sd_text, sizeof(sd_text),
                                    why, sizeof(why));
    err = exmpls_read_data0(&data0, &data0_len, &present, &is_binary);
    if (err) {
        free(stored);
        return failed(L"read DATA0", err);
    }
    d0 = data0_state_of(present, is_binary, data0, data0_len, stored, stored_len);
    free(data0);

    switch (publish_plan(store, d0)) {
    case PLAN_NOTHING:
        publish_cache_remember(stored, stored_len);
        break;
    case PLAN_REWRITE_DATA0:
        FAULT_CRASH("before-rewrite-data0");
        err = exmpls_write_data0(stored, stored_len);
        if (err) {
            err = failed(L"rewrite DATA0 from the stored key", err);
            break;
        }
        publish_cache_remember(stored, stored_len);
        wide_from_utf8_buf(data0_state_name(d0), found, ARRAYSIZE(found));
        eventlog_report(MSG_DATA0_REPAIRED, 1, strings);
        break;
    case PLAN_NEW_KEY:
        err = new_key_pair(store == STORE_CORRUPT,
                           store == STORE_CORRUPT ? L"the stored key could not be used"
                                                  : L"no key was stored");
        break;
    case PLAN_FAIL:
        err = failed(L"open the key store", store_err);
        break;
    case PLAN_UNTRUSTED:
        err = untrusted(why, sd_text);
        break;
    }
    free(stored);
    return err;
}

/* Event 1104: the lock was made (or is held) by another account. */
static DWORD foreign_lock(const char *why)
{
    WCHAR w_why[400];
    const WCHAR *strings[2] = { PUBLISH_LOCK_NAME, w_why };

    wide_from_utf8_buf(why, w_why, ARRAYSIZE(w_why));
    eventlog_report(MSG_LOCK_FOREIGN, 2, strings);
    return PUBLISH_LOCK_FOREIGN;
}

DWORD publish(void)
{
    HANDLE lock;
    char why[400];
    DWORD err;

    /* Steady state in a running server: DATA0 is still what the last Publish
     * here left consistent (see publish_cache.h). */
    if (publish_cache_confirms())
        return ERROR_SUCCESS;
    err = publish_lock_open(&lock, why, sizeof(why));
    if (err == PUBLISH_LOCK_FOREIGN)
        return foreign_lock(why);
    if (err)
        return failed(L"create the Publish lock", err);
    err = publish_lock_wait(lock, PUBLISH_LOCK_WAIT_MS);
    if (err == ERROR_SUCCESS) {
        /* Also when a Publish died holding it: every state it can have
         * left is one publish_plan() repairs. */
        err = publish_locked();
        publish_lock_release(lock);
        return err;
    }
    publish_lock_close(lock);
    if (err == ERROR_TIMEOUT)
        return failed(L"wait for another Publish to finish", ERROR_TIMEOUT);
    return failed(L"wait for the Publish lock", err);
}
