/* STAND-IN for "empkp /publish" (issue 3), for tests/cred-tests.sh only.
 * Replaced by the real command when issue 3 merges: the swap is the one
 * line `publish()` in tests/cred-tests.sh; then delete this file and its
 * Makefile rule.
 *
 * Leaves the state issue 3's Publish leaves, with CryptoAPI alone (no
 * OpenSSL, none of our code):
 *   - the machine key container named in server/keystore.h holds a
 *     non-exportable AT_KEYEXCHANGE RSA-2048 key (made here if missing:
 *     then DATA1..3 are deleted, since they were encrypted to a key that
 *     no longer exists);
 *   - HKLM\SOFTWARE\Microsoft\ExMPLS\DATA0 (64-bit view) is that key's
 *     PUBLICKEYBLOB, written only when it differs.
 * Prints "ErrID=N" and exits with N, as `empkp /publish` will. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>

#include "keystore.h"

static DWORD publish(void)
{
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    BYTE blob[2048], old[2048];
    DWORD len = sizeof(blob), old_len = sizeof(old), type, err = ERROR_SUCCESS;
    HKEY exmpls;
    int made = 0;

    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS)) {
        if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER,
                                  KEYSTORE_PROV_TYPE, KEYSTORE_FLAGS | CRYPT_NEWKEYSET))
            return GetLastError();
    }
    if (!CryptGetUserKey(prov, KEYSTORE_KEY_SPEC, &key)) {
        /* 2048 bits in the upper half of the flags; no CRYPT_EXPORTABLE. */
        if (!CryptGenKey(prov, KEYSTORE_KEY_SPEC, 2048u << 16, &key)) {
            err = GetLastError();
            goto done;
        }
        made = 1;
    }
    if (!CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &len)) {
        err = GetLastError();
        goto done;
    }
    err = (DWORD)RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\ExMPLS", 0, NULL, 0,
                                 KEY_QUERY_VALUE | KEY_SET_VALUE | KEY_WOW64_64KEY, NULL,
                                 &exmpls, NULL);
    if (err != ERROR_SUCCESS)
        goto done;
    if (made) {
        RegDeleteValueW(exmpls, L"DATA1");
        RegDeleteValueW(exmpls, L"DATA2");
        RegDeleteValueW(exmpls, L"DATA3");
    }
    if (RegQueryValueExW(exmpls, L"DATA0", NULL, &type, old, &old_len) != ERROR_SUCCESS
        || type != REG_BINARY || old_len != len || memcmp(old, blob, len) != 0)
        err = (DWORD)RegSetValueExW(exmpls, L"DATA0", 0, REG_BINARY, blob, len);
    RegCloseKey(exmpls);
done:
    if (key)
        CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return err;
}

int wmain(int argc, WCHAR **argv)
{
    DWORD err;

    if (argc != 2 || wcscmp(argv[1], L"/publish") != 0) {
        printf("usage: mkstore /publish\n");
        return 87;
    }
    err = publish();
    printf("ErrID=%lu\n", (unsigned long)err);
    return (int)err;
}
