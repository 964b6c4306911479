/* The CryptoAPI machine key set that keeps the private key; see keystore.h. */
#include "keystore.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultpoint.h"
#include "crypto/keyblob.h"
#include "publish_lock.h"

/* Every container open, by purpose; the test build can answer for Windows
 * (err:keyset-open=0x80090016: an existing container this account may not
 * open; err:keyset-create=0x8009000F; ...). */
static BOOL acquire(HCRYPTPROV *prov, DWORD flags)
{
    const char *point = (flags & CRYPT_NEWKEYSET) ? "keyset-create"
                        : (flags & CRYPT_DELETEKEYSET) ? "keyset-delete" : "keyset-open";
    DWORD injected = FAULT_ERROR(point);

    if (injected) {
        SetLastError(injected);
        return FALSE;
    }
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

/* A squatter's container, for the test build: owned by and open to a
 * made-up domain user (Wine reports every container as ours). */
#define FOREIGN_SDDL L"O:S-1-5-21-1-2-3-1001D:(A;;GA;;;S-1-5-21-1-2-3-1001)(A;;GA;;;SY)(A;;GA;;;BA)"

/* Reads and judges the open container's owner and DACL. */
static enum store_state judge_container(HCRYPTPROV prov, DWORD *err, char *sd_text, size_t sd_size,
                                        char *why, size_t why_size)
{
    BYTE sd[4096], owner_buf[256];
    PSECURITY_DESCRIPTOR foreign = NULL;
    DWORD len = sizeof(sd), injected = FAULT_ERROR("keyset-get-sd");
    const void *bytes = sd;
    char what[240];
    enum sd_trust t;

    if (FAULT_FAIL("keyset-foreign")) {
        ULONG flen;
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(FOREIGN_SDDL, SDDL_REVISION_1,
                                                                  &foreign, &flen)) {
            *err = GetLastError();
            return STORE_ERROR;
        }
        bytes = foreign;
        len = flen;
    } else if (injected || !CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, &len,
                                              OWNER_SECURITY_INFORMATION
                                              | DACL_SECURITY_INFORMATION)) {
        /* Not being able to see who controls the key is no reason to trust
         * it, nor to replace it. */
        *err = injected ? injected : GetLastError();
        if (sd_text && sd_size)
            snprintf(sd_text, sd_size, "owner and DACL could not be read (error 0x%08lX)",
                     (unsigned long)*err);
        return STORE_ERROR;
    }
    if (sd_text && sd_size)
        publish_sd_describe(bytes, len, sd_text, sd_size);
    t = publish_sd_judge(bytes, len, PUBLISH_KEYSET_RIGHTS,
                         publish_caller_owner(owner_buf, sizeof(owner_buf)), what, sizeof(what));
    if (why && why_size)
        snprintf(why, why_size, "%s", t == SD_TRUSTED ? "" : what);
    if (foreign)
        LocalFree(foreign);
    if (t != SD_TRUSTED) {
        *err = KEYSTORE_E_UNTRUSTED;
        return STORE_UNTRUSTED;
    }
    return STORE_PRESENT;
}

void keystore_close(struct keystore_key *k)
{
    if (k->key)
        CryptDestroyKey(k->key);
    if (k->prov)
        CryptReleaseContext(k->prov, 0);
    free(k->blob);
    memset(k, 0, sizeof(*k));
}

enum store_state keystore_open(struct keystore_key *k, DWORD *err, char *sd_text, size_t sd_size,
                               char *why, size_t why_size)
{
    enum store_state state;

    memset(k, 0, sizeof(*k));
    *err = ERROR_SUCCESS;
    if (sd_text && sd_size)
        sd_text[0] = 0;
    if (why && why_size)
        why[0] = 0;
    if (!acquire(&k->prov, 0)) {
        *err = GetLastError();
        k->prov = 0;
        if (sd_text && sd_size)
            snprintf(sd_text, sd_size, "not read: the container did not open");
        return classify(*err);
    }
    /* Whose container it is comes first: a key someone else controls, or
     * put there, is not ours to publish, to encrypt to or to write into. */
    state = judge_container(k->prov, err, sd_text, sd_size, why, why_size);
    if (state == STORE_PRESENT) {
        if (!CryptGetUserKey(k->prov, KEYSTORE_KEY_SPEC, &k->key)) {
            *err = GetLastError();
            k->key = 0;
            state = classify(*err);
        } else {
            /* Exporting the public half is allowed for a non-exportable key. */
            state = export_public(k->key, &k->blob, &k->len, err);
        }
    }
    if (state != STORE_PRESENT)
        keystore_close(k);
    return state;
}

enum store_state keystore_read_public_ex(BYTE **blob, DWORD *len, DWORD *err,
                                         char *sd_text, size_t sd_size,
                                         char *why, size_t why_size)
{
    struct keystore_key k;
    enum store_state state = keystore_open(&k, err, sd_text, sd_size, why, why_size);

    /* The blob is handed over; the context and key are released. */
    *blob = k.blob;
    *len = k.len;
    k.blob = NULL;
    keystore_close(&k);
    return state;
}

enum store_state keystore_read_public(BYTE **blob, DWORD *len, DWORD *err)
{
    return keystore_read_public_ex(blob, len, err, NULL, 0, NULL, 0);
}

static DWORD set_security(HCRYPTPROV prov)
{
    PSECURITY_DESCRIPTOR sd;
    DWORD err = FAULT_ERROR("keyset-set-sd");

    if (err)
        return err;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(KEYSTORE_SDDL, SDDL_REVISION_1, &sd,
                                                              NULL))
        return GetLastError();
    /* Two calls, the DACL first (while the creator may still write it),
     * then the owner.  Measured under Wine 8: a call that includes
     * OWNER_SECURITY_INFORMATION returns TRUE and changes nothing; the DACL
     * alone is set (and the container then reports Wine's token owner,
     * which publish_sd_judge trusts as the caller's own). */
    if (!CryptSetProvParam(prov, PP_KEYSET_SEC_DESCR, (BYTE *)sd, DACL_SECURITY_INFORMATION)
        || !CryptSetProvParam(prov, PP_KEYSET_SEC_DESCR, (BYTE *)sd, OWNER_SECURITY_INFORMATION))
        err = GetLastError();
    LocalFree(sd);
    return err;
}

DWORD keystore_delete(void)
{
    HCRYPTPROV scratch;

    if (acquire(&scratch, CRYPT_DELETEKEYSET) || GetLastError() == (DWORD)NTE_BAD_KEYSET)
        return ERROR_SUCCESS;   /* deleted, or already gone */
    return GetLastError();
}

DWORD keystore_prepare(BOOL recreate, HCRYPTPROV *prov)
{
    DWORD err;

    *prov = 0;
    /* A container whose key could not be used: that key is lost already,
     * and the container it sits in is replaced by one of ours. */
    if (recreate && (err = keystore_delete()) != ERROR_SUCCESS)
        return err;
    /* An empty container that opens: reuse it, judged again, since the
     * lock keeps out other Publishes but not an account that creates the
     * container between that look and this one. */
    if (!recreate && acquire(prov, 0)) {
        if (judge_container(*prov, &err, NULL, 0, NULL, 0) == STORE_PRESENT)
            return ERROR_SUCCESS;
        CryptReleaseContext(*prov, 0);
        *prov = 0;
        return err;
    }
    if (!acquire(prov, CRYPT_NEWKEYSET)) {
        *prov = 0;
        return GetLastError();   /* NTE_EXISTS: there, but not for us */
    }
    err = set_security(*prov);
    if (err) {
        /* Empty, and never ours in the way it should be: remove it again. */
        CryptReleaseContext(*prov, 0);
        *prov = 0;
        keystore_delete();
    }
    return err;
}

void keystore_abandon(HCRYPTPROV prov)
{
    if (prov)
        CryptReleaseContext(prov, 0);
}

DWORD keystore_import(HCRYPTPROV prov, const BYTE *private_blob, DWORD len,
                      BYTE **public_blob, DWORD *public_len)
{
    HCRYPTKEY key = 0;
    DWORD err = FAULT_ERROR("keyset-import");

    *public_blob = NULL;
    *public_len = 0;
    /* No CRYPT_EXPORTABLE: the private key never leaves the store again.
     * The public half is exported from the key the store now holds, through
     * the same handle: opening the container again costs more than all the
     * rest (Wine: ~10 ms of a ~27 ms first Publish after keygen). */
    if (err) {
        /* injected */
    } else if (!CryptImportKey(prov, private_blob, len, 0, 0, &key)) {
        err = GetLastError();
    } else {
        if (export_public(key, public_blob, public_len, &err) != STORE_PRESENT && !err)
            err = (DWORD)NTE_BAD_KEY;
        CryptDestroyKey(key);
    }
    CryptReleaseContext(prov, 0);
    return err;
}

DWORD keystore_replace(const BYTE *private_blob, DWORD len, BOOL recreate,
                       BYTE **public_blob, DWORD *public_len)
{
    HCRYPTPROV prov;
    DWORD err = keystore_prepare(recreate, &prov);

    *public_blob = NULL;
    *public_len = 0;
    if (err)
        return err;
    return keystore_import(prov, private_blob, len, public_blob, public_len);
}
