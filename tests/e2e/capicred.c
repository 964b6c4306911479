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
 *   capicred write-with PROVIDER DOMAIN USER PASSWORD
 *       write, with DATA0 imported into PROVIDER (base, strong, enhanced,
 *       aes, default): what a wizard that opens that provider does.
 *   capicred import-all BITS
 *       CryptImportKey of DATA0 into every provider a credential tool may
 *       open (CRYPT_VERIFYCONTEXT), KP_KEYLEN, and a CryptEncrypt of the
 *       longest value the key takes; one line per provider; exit 0 only
 *       when all of them import a BITS-bit key and encrypt.
 *   capicred plant BITS
 *       another program's DATA0: CryptGenKey of a BITS-bit key exchange
 *       pair in an ephemeral context (only this process ever holds the
 *       private half), its PUBLICKEYBLOB written as DATA0.
 * Exit code 0 on success; otherwise prints the error. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>

#include "common/keystore.h"

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

static const struct {
    const char *arg;
    const WCHAR *name;
    DWORD type;
} providers[] = {
    { "base", MS_DEF_PROV_W, PROV_RSA_FULL },
    { "strong", MS_STRONG_PROV_W, PROV_RSA_FULL },
    { "enhanced", MS_ENHANCED_PROV_W, PROV_RSA_FULL },
    { "aes", MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES },
    { "default", NULL, PROV_RSA_FULL },
};
#define ENHANCED 2

static int provider_index(const WCHAR *arg)
{
    char a[16];
    size_t i;

    if (WideCharToMultiByte(CP_ACP, 0, arg, -1, a, sizeof(a), NULL, NULL) <= 0)
        return -1;
    for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
        if (strcmp(a, providers[i].arg) == 0)
            return (int)i;
    return -1;
}

static int write_values(WCHAR **text, int ansi, int pi)
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
    if (!CryptAcquireContextW(&prov, NULL, providers[pi].name, providers[pi].type,
                              CRYPT_VERIFYCONTEXT)
        || !CryptImportKey(prov, data0, size, 0, 0, &key)) {
        printf("CryptImportKey of DATA0 (%s provider) failed: 0x%08lx\n", providers[pi].arg,
               (unsigned long)GetLastError());
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

static int import_all(DWORD want_bits)
{
    BYTE data0[4096], buf[1024];
    DWORD size = sizeof(data0), type, bits, bits_size, len;
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HKEY k = open_exmpls(KEY_QUERY_VALUE);
    size_t i;
    int all = 1;

    if (!k)
        return 2;
    if (RegQueryValueExW(k, L"DATA0", NULL, &type, data0, &size) != ERROR_SUCCESS) {
        printf("no DATA0\n");
        return 2;
    }
    RegCloseKey(k);
    for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
        bits = 0;
        bits_size = sizeof(bits);
        if (!CryptAcquireContextW(&prov, NULL, providers[i].name, providers[i].type,
                                  CRYPT_VERIFYCONTEXT)) {
            printf("%s: CryptAcquireContext 0x%08lx\n", providers[i].arg,
                   (unsigned long)GetLastError());
            all = 0;
            continue;
        }
        if (!CryptImportKey(prov, data0, size, 0, 0, &key)) {
            printf("%s: CryptImportKey 0x%08lx\n", providers[i].arg, (unsigned long)GetLastError());
            all = 0;
        } else {
            CryptGetKeyParam(key, KP_KEYLEN, (BYTE *)&bits, &bits_size, 0);
            len = bits / 8 - 11;   /* the longest PKCS#1 v1.5 value */
            memset(buf, 'v', len);
            if (bits / 8 > sizeof(buf) || !CryptEncrypt(key, 0, TRUE, 0, buf, &len, sizeof(buf))
                || len != bits / 8) {
                printf("%s: CryptEncrypt 0x%08lx\n", providers[i].arg,
                       (unsigned long)GetLastError());
                all = 0;
            } else {
                printf("%s: imported, %lu bits, encrypted %lu bytes\n", providers[i].arg,
                       (unsigned long)bits, (unsigned long)(bits / 8 - 11));
                if (bits != want_bits)
                    all = 0;
            }
            CryptDestroyKey(key);
        }
        CryptReleaseContext(prov, 0);
    }
    return all ? 0 : 1;
}

static int plant(DWORD bits)
{
    BYTE blob[4096];
    DWORD len = sizeof(blob);
    HCRYPTPROV prov;
    HCRYPTKEY key;
    HKEY k;
    LONG err;

    if (!CryptAcquireContextW(&prov, NULL, MS_ENHANCED_PROV_W, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)
        || !CryptGenKey(prov, AT_KEYEXCHANGE, bits << 16, &key)
        || !CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &len)) {
        printf("key generation failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 3;
    }
    CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    k = open_exmpls(KEY_SET_VALUE);
    if (!k)
        return 2;
    err = RegSetValueExW(k, L"DATA0", 0, REG_BINARY, blob, len);
    RegCloseKey(k);
    if (err != ERROR_SUCCESS) {
        printf("writing DATA0 failed: %ld\n", (long)err);
        return 5;
    }
    printf("planted %lu bytes\n", (unsigned long)len);
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    int pi;

    if (argc == 5 && wcscmp(argv[1], L"write") == 0)
        return write_values(argv + 2, 0, ENHANCED);
    if (argc == 5 && wcscmp(argv[1], L"write-ansi") == 0)
        return write_values(argv + 2, 1, ENHANCED);
    if (argc == 6 && wcscmp(argv[1], L"write-with") == 0 && (pi = provider_index(argv[2])) >= 0)
        return write_values(argv + 3, 0, pi);
    if (argc == 3 && wcscmp(argv[1], L"import-all") == 0)
        return import_all((DWORD)_wtoi(argv[2]));
    if (argc == 3 && wcscmp(argv[1], L"plant") == 0)
        return plant((DWORD)_wtoi(argv[2]));
    if (argc == 3 && wcscmp(argv[1], L"decrypt") == 0)
        return decrypt_value(_wtoi(argv[2]));
    if (argc == 2 && wcscmp(argv[1], L"delete-key") == 0)
        return delete_key();
    printf("usage: capicred write|write-ansi D U P | write-with PROV D U P | decrypt N | "
           "delete-key | import-all BITS | plant BITS\n");
    return 87;
}
