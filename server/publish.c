/* Publish: key generation (crypto/keyblob.c) and the registry write. */
#include "publish.h"

#include "keyblob.h"

#include <stdlib.h>

/* Win32 codes for what can go wrong in crypto/; registry failures pass
 * through as the code RegCreateKeyEx / RegSetValueEx returned. */
static DWORD errid_from_keyblob(enum keyblob_status st)
{
    switch (st) {
    case KEYBLOB_OK:
        return ERROR_SUCCESS;
    case KEYBLOB_E_NOMEM:
        return ERROR_NOT_ENOUGH_MEMORY;
    default:
        /* Key generation or encoding failed inside OpenSSL (for example
         * the random number generator could not be seeded). */
        return ERROR_INTERNAL_ERROR;
    }
}

REGSAM publish_registry_view(void)
{
    typedef BOOL (WINAPI *is_wow64_fn)(HANDLE, BOOL *);
    is_wow64_fn is_wow64;
    BOOL wow64 = FALSE;

    /* KEY_WOW64_64KEY is unknown to Windows 2000, so ask for it only where
     * it means something.  IsWow64Process itself is newer than Windows
     * 2000 (XP SP2), so it is looked up rather than imported. */
    is_wow64 = (is_wow64_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                            "IsWow64Process");
    if (is_wow64 && is_wow64(GetCurrentProcess(), &wow64) && wow64)
        return KEY_WOW64_64KEY;
    return 0;
}

static DWORD write_data0(const unsigned char *blob, size_t len)
{
    HKEY key;
    LONG err;

    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE | publish_registry_view(), NULL, &key, NULL);
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    /* One RegSetValueEx replaces the value as a whole: readers see the old
     * blob or the new one, never a mixture. */
    err = RegSetValueExW(key, EXMPLS_DATA0, 0, REG_BINARY, blob, (DWORD)len);
    RegCloseKey(key);
    return (DWORD)err;
}

DWORD publish_data0(void)
{
    EVP_PKEY *pair = NULL;
    unsigned char *blob = NULL;
    size_t len = 0;
    enum keyblob_status st;
    DWORD err;

    st = keyblob_generate(KEYBLOB_DEFAULT_BITS, &pair);
    if (st == KEYBLOB_OK)
        st = keyblob_encode_public(pair, &blob, &len);
    /* The private half is freed (OpenSSL clears its numbers) as soon as the
     * public blob exists.  Keeping it is the key store's job (README). */
    EVP_PKEY_free(pair);
    if (st != KEYBLOB_OK)
        return errid_from_keyblob(st);

    err = write_data0(blob, len);
    free(blob);
    return err;
}
