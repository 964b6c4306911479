/* Proves DATA0's format against CryptoAPI itself: reads
 * HKLM\SOFTWARE\Microsoft\ExMPLS\DATA0 (64-bit view), imports it with
 * CryptImportKey, checks the key length, encrypts with it, and re-exports
 * it, which must give back DATA0 byte for byte.
 * Prints one line; exit code 0 only when all of that holds. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    BYTE data0[8192], again[8192], msg[256] = "empkp test";
    DWORD type, size = sizeof(data0), again_size = sizeof(again), bits = 0, bits_size = sizeof(bits);
    DWORD msg_len = 10;
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    HKEY hkey;
    LONG err;
    int ok;

    err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\ExMPLS", 0,
                        KEY_QUERY_VALUE | KEY_WOW64_64KEY, &hkey);
    if (err == ERROR_SUCCESS) {
        err = RegQueryValueExW(hkey, L"DATA0", NULL, &type, data0, &size);
        RegCloseKey(hkey);
    }
    if (err != ERROR_SUCCESS || type != REG_BINARY) {
        printf("DATA0 not readable as REG_BINARY: error %ld type %lu\n", (long)err, (unsigned long)type);
        return 2;
    }
    if (!CryptAcquireContextW(&prov, NULL, MS_ENHANCED_PROV_W, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT)) {
        printf("CryptAcquireContext failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 3;
    }
    if (!CryptImportKey(prov, data0, size, 0, 0, &key)) {
        printf("CryptImportKey rejected DATA0 (%lu bytes): 0x%08lx\n", (unsigned long)size,
               (unsigned long)GetLastError());
        CryptReleaseContext(prov, 0);
        return 4;
    }
    CryptGetKeyParam(key, KP_KEYLEN, (BYTE *)&bits, &bits_size, 0);
    ok = CryptEncrypt(key, 0, TRUE, 0, msg, &msg_len, sizeof(msg)) && msg_len == bits / 8;
    ok = ok && CryptExportKey(key, 0, PUBLICKEYBLOB, 0, again, &again_size) &&
         again_size == size && memcmp(again, data0, size) == 0;
    printf("DATA0 bytes=%lu bits=%lu encrypt+reexport=%s\n", (unsigned long)size,
           (unsigned long)bits, ok ? "identical" : "MISMATCH");
    CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return ok && bits == 2048 ? 0 : 1;
}
