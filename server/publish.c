/* Publish: gathers the facts (key store, DATA0, settings), lets
 * publish_plan.c decide, and carries the plan out in an order that survives
 * a crash at any step (the fault points mark each one). */
#include "publish.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>

#include "eventlog.h"
#include "exmpls.h"
#include "faultpoint.h"
#include "keyblob.h"
#include "keystore.h"
#include "messages.h"
#include "publish_cache.h"
#include "publish_plan.h"

/* Logs MSG_PUBLISH_FAILED for the step that failed and returns its code. */
static DWORD failed(const WCHAR *step, DWORD err)
{
    WCHAR code[16], text[256];
    const WCHAR *strings[3] = { step, code, text };

    _snwprintf(code, ARRAYSIZE(code), L"%lu", (unsigned long)err);
    code[ARRAYSIZE(code) - 1] = 0;
    if (!FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
                        text, ARRAYSIZE(text), NULL))
        _snwprintf(text, ARRAYSIZE(text), L"0x%08lX", (unsigned long)err);
    text[ARRAYSIZE(text) - 1] = 0;
    eventlog_report(MSG_PUBLISH_FAILED, 3, strings);
    return err;
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

/* Generates a pair with OpenSSL and installs it.  Order matters: the old
 * credentials go first (they are useless without the old key), then the
 * key is stored, then DATA0 is written from the store.  A crash between any
 * two steps leaves either "no key" (next Publish makes one) or "key without
 * DATA0" (next Publish rewrites DATA0), never credentials beside a key they
 * were not encrypted to. */
static DWORD new_key_pair(BOOL recreate, const WCHAR *why)
{
    EVP_PKEY *pair = NULL;
    unsigned char *private_blob = NULL;
    size_t private_len = 0;
    BYTE *public_blob = NULL;
    DWORD public_len, err;
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

    err = exmpls_delete_values();
    if (err) {
        keyblob_free_secret(private_blob, private_len);
        return failed(L"remove DATA0..DATA3 of the lost key", err);
    }
    FAULT_CRASH("new-key-values-deleted");

    err = keystore_replace(private_blob, (DWORD)private_len, recreate, &public_blob, &public_len);
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

    publish_cache_forget();
    store = keystore_read_public(&stored, &stored_len, &store_err);
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
        MultiByteToWideChar(CP_ACP, 0, data0_state_name(d0), -1, found, ARRAYSIZE(found));
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
    }
    free(stored);
    return err;
}

static HANDLE open_publish_mutex(void)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    HANDLE mutex;

    /* An explicit DACL, so that a Publish run by SYSTEM and one run by an
     * administrator can both open the same mutex. */
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PUBLISH_MUTEX_SDDL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        return NULL;
    mutex = CreateMutexW(&sa, FALSE, PUBLISH_MUTEX);
    LocalFree(sa.lpSecurityDescriptor);
    return mutex;
}

DWORD publish(void)
{
    HANDLE mutex;
    DWORD err;

    /* Steady state in a running server: DATA0 is still what the last Publish
     * here left consistent (see publish_cache.h). */
    if (publish_cache_confirms())
        return ERROR_SUCCESS;
    mutex = open_publish_mutex();
    if (!mutex)
        return failed(L"create the Publish mutex", GetLastError());
    switch (WaitForSingleObject(mutex, PUBLISH_WAIT_MS)) {
    case WAIT_OBJECT_0:
    case WAIT_ABANDONED:
        /* Abandoned: another Publish died mid-way.  Every state it can
         * have left is one publish_plan() repairs. */
        err = publish_locked();
        ReleaseMutex(mutex);
        break;
    case WAIT_TIMEOUT:
        err = failed(L"wait for another Publish to finish", ERROR_TIMEOUT);
        break;
    default:
        err = failed(L"wait for the Publish mutex", GetLastError());
        break;
    }
    CloseHandle(mutex);
    return err;
}
