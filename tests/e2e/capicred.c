/* CryptoAPI's side of the credentials, for tests/cred-tests.sh: an
 * independent implementation (no OpenSSL, none of our code) of both ends.
 *
 *   capicred write DOMAIN USER PASSWORD
 *       what another credentials tool would do: CryptImportKey of DATA0,
 *       CryptEncrypt of each value as UTF-16LE without terminator, DATA1..3
 *       written as REG_BINARY.  (A test program: the password is an
 *       argument here, which empkpcred never allows.)
 *   capicred write-ansi DOMAIN USER PASSWORD
 *       the same in the ANSI code page with a terminator: an encoding the
 *       decrypting side must notice.
 *   capicred decrypt N
 *       CryptDecrypt of DATA<N> with the stored key (keystore.h); prints
 *       "plain=<hex>" of the plaintext bytes.
 *   capicred delete-key
 *       deletes the stored key's container.
 * Exit code 0 on success; otherwise prints the error. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>

#include "keystore.h"

static const WCHAR *const names[3] = { L"DATA1", L"DATA2", L"DATA3" };

static HKEY open_exmpls(REGSAM access)
{
    HKEY k = NULL;
    LONG err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\ExMPLS", 0,
                             access | KEY_WOW64_64KEY, &k);

    if (err != ERROR_SUCCESS) {
        printf("cannot open ExMPLS: %ld\n", (long)err);
        return NULL;
    }
    return k;
}

static int write_values(WCHAR **text, int ansi)
{
    BYTE data0[4096], buf[1024];
    DWORD size = sizeof(data0), type, len;
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HKEY k = open_exmpls(KEY_QUERY_VALUE | KEY_SET_VALUE);
    int i, n;

    if (!k)
        return 2;
    if (RegQueryValueExW(k, L"DATA0", NULL, &type, data0, &size) != ERROR_SUCCESS) {
        printf("no DATA0\n");
        return 2;
    }
    if (!CryptAcquireContextW(&prov, NULL, MS_ENHANCED_PROV_W, PROV_RSA_FULL,
                              CRYPT_VERIFYCONTEXT)
        || !CryptImportKey(prov, data0, size, 0, 0, &key)) {
        printf("CryptImportKey of DATA0 failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 3;
    }
    for (i = 0; i < 3; i++) {
        if (ansi) {
            n = WideCharToMultiByte(CP_ACP, 0, text[i], -1, (char *)buf, sizeof(buf), NULL, NULL);
            len = n > 0 ? (DWORD)n : 0;   /* with its terminator */
        } else {
            len = (DWORD)(wcslen(text[i]) * sizeof(WCHAR));
            memcpy(buf, text[i], len);   /* WCHAR is UTF-16LE on x86 */
        }
        if (!CryptEncrypt(key, 0, TRUE, 0, buf, &len, sizeof(buf))) {
            printf("CryptEncrypt of DATA%d failed: 0x%08lx\n", i + 1,
                   (unsigned long)GetLastError());
            return 4;
        }
        if (RegSetValueExW(k, names[i], 0, REG_BINARY, buf, len) != ERROR_SUCCESS) {
            printf("writing DATA%d failed\n", i + 1);
            return 5;
        }
    }
    SecureZeroMemory(buf, sizeof(buf));
    CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    RegCloseKey(k);
    printf("written\n");
    return 0;
}

static int decrypt_value(int n)
{
    BYTE buf[1024];
    DWORD size = sizeof(buf), type, i;
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HKEY k = open_exmpls(KEY_QUERY_VALUE);

    if (!k)
        return 2;
    if (n < 1 || n > 3
        || RegQueryValueExW(k, names[n - 1], NULL, &type, buf, &size) != ERROR_SUCCESS) {
        printf("no DATA%d\n", n);
        return 2;
    }
    RegCloseKey(k);
    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS)
        || !CryptGetUserKey(prov, KEYSTORE_KEY_SPEC, &key)) {
        printf("no stored key: 0x%08lx\n", (unsigned long)GetLastError());
        return 3;
    }
    if (!CryptDecrypt(key, 0, TRUE, 0, buf, &size)) {
        printf("CryptDecrypt failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 4;
    }
    printf("plain=");
    for (i = 0; i < size; i++)
        printf("%02x", buf[i]);
    printf("\n");
    SecureZeroMemory(buf, sizeof(buf));
    CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return 0;
}

static int delete_key(void)
{
    HCRYPTPROV prov;

    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS | CRYPT_DELETEKEYSET)) {
        printf("delete failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("deleted\n");
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    if (argc == 5 && wcscmp(argv[1], L"write") == 0)
        return write_values(argv + 2, 0);
    if (argc == 5 && wcscmp(argv[1], L"write-ansi") == 0)
        return write_values(argv + 2, 1);
    if (argc == 3 && wcscmp(argv[1], L"decrypt") == 0)
        return decrypt_value(_wtoi(argv[2]));
    if (argc == 2 && wcscmp(argv[1], L"delete-key") == 0)
        return delete_key();
    printf("usage: capicred write|write-ansi D U P | decrypt N | delete-key\n");
    return 87;
}
