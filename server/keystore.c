/* The CryptoAPI machine key set that keeps the private key; see keystore.h. */
#include "keystore.h"

#include <stdlib.h>

#include "keyblob.h"

static BOOL acquire(HCRYPTPROV *prov, DWORD flags)
{
    return CryptAcquireContextW(prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                                KEYSTORE_FLAGS | CRYPT_SILENT | flags);
}

/* Wine 8's advapi32 unloads a provider's DLL when its last context is
 * released and loads it again on the next CryptAcquireContext: ~3.2 ms of
 * each container open against ~0.2 ms with the DLL kept loaded (x86_64;
 * Windows not measured), and a first Publish opens the container three
 * times.  A verify
 * context (no container, no key) held for the server's life keeps it
 * loaded.  Only server_run's thread calls these. */
static HCRYPTPROV provider_hold;

void keystore_hold_provider(void)
{
    if (!provider_hold
        && !CryptAcquireContextW(&provider_hold, NULL, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                                 CRYPT_VERIFYCONTEXT | CRYPT_SILENT))
        provider_hold = 0;   /* the next real open reports what is wrong */
}

void keystore_release_provider(void)
{
    if (provider_hold)
        CryptReleaseContext(provider_hold, 0);
    provider_hold = 0;
}

/* Sorts a failure into "the key is not there or broken" (a new one may be
 * made) and "could not look" (it must not be replaced). */
static enum store_state classify(DWORD err)
{
    switch (err) {
    case NTE_BAD_KEYSET:        /* no such container */
    case NTE_NO_KEY:            /* container without a key exchange key */
        return STORE_ABSENT;
    case NTE_KEYSET_ENTRY_BAD:  /* container file damaged */
    case NTE_BAD_KEY:
    case NTE_BAD_KEY_STATE:
        return STORE_CORRUPT;
    default:                    /* access denied, provider missing, ... */
        return STORE_ERROR;
    }
}

/* KEY's PUBLICKEYBLOB into *blob (malloc'd) when it is a key we store. */
static enum store_state export_public(HCRYPTKEY key, BYTE **blob, DWORD *len, DWORD *err)
{
    struct keyblob_public parsed;
    enum store_state state = STORE_PRESENT;

    if (!CryptExportKey(key, 0, PUBLICKEYBLOB, 0, NULL, len)) {
        *err = GetLastError();
        state = classify(*err);
    } else if (!(*blob = malloc(*len))) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        state = STORE_ERROR;
    } else if (!CryptExportKey(key, 0, PUBLICKEYBLOB, 0, *blob, len)) {
        *err = GetLastError();
        state = classify(*err);
    } else if (keyblob_parse_public(*blob, *len, &parsed) != KEYBLOB_OK) {
        /* A key of a size or kind we never store: not ours to keep. */
        *err = (DWORD)NTE_BAD_KEY;
        state = STORE_CORRUPT;
    }
    if (state != STORE_PRESENT) {
        free(*blob);
        *blob = NULL;
        *len = 0;
    }
    return state;
}

enum store_state keystore_read_public(BYTE **blob, DWORD *len, DWORD *err)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    enum store_state state;

    *blob = NULL;
    *len = 0;
    *err = ERROR_SUCCESS;
    if (!acquire(&prov, 0)) {
        *err = GetLastError();
        return classify(*err);
    }
    if (!CryptGetUserKey(prov, KEYSTORE_KEY_SPEC, &key)) {
        *err = GetLastError();
        state = classify(*err);
    } else {
        state = export_public(key, blob, len, err);
        CryptDestroyKey(key);
    }
    CryptReleaseContext(prov, 0);
    return state;
}

DWORD keystore_replace(const BYTE *private_blob, DWORD len, BOOL recreate,
                       BYTE **public_blob, DWORD *public_len)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    DWORD err = ERROR_SUCCESS;

    *public_blob = NULL;
    *public_len = 0;
    if (recreate && !acquire(&prov, CRYPT_DELETEKEYSET) && GetLastError() != (DWORD)NTE_BAD_KEYSET)
        return GetLastError();
    if (!acquire(&prov, 0)) {
        if (GetLastError() != (DWORD)NTE_BAD_KEYSET || !acquire(&prov, CRYPT_NEWKEYSET))
            return GetLastError();
    }
    /* No CRYPT_EXPORTABLE: the private key never leaves the store again.
     * The public half is exported from the key the store now holds, through
     * the same handle: opening the container again costs more than all the
     * rest (Wine: ~10 ms of a ~27 ms first Publish after keygen). */
    if (!CryptImportKey(prov, private_blob, len, 0, 0, &key)) {
        err = GetLastError();
    } else {
        if (export_public(key, public_blob, public_len, &err) != STORE_PRESENT && !err)
            err = (DWORD)NTE_BAD_KEY;
        CryptDestroyKey(key);
    }
    CryptReleaseContext(prov, 0);
    return err;
}
