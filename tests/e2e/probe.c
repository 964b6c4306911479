/* Test-side probe of the state Publish works on, so the shell tests can
 * look at and break what reg.exe cannot reach:
 *   probe store-public       the stored key's PUBLICKEYBLOB in hex, or "absent"
 *   probe store-delete       deletes the key container (the key is lost)
 *   probe data0              DATA0 in hex, or "absent"
 *   probe other-blob         writes DATA0 = the public blob of a fresh key
 *                            that is NOT stored (a valid blob of another key)
 *   probe sddl               the DACL of ExMPLS as SDDL
 *   probe set-sddl SDDL      sets the DACL of ExMPLS
 *   probe message ID EXE     the text of event message ID in EXE's table
 *   probe store-sddl         the key container's owner and DACL as SDDL
 *                            (PP_KEYSET_SEC_DESCR), or "absent"
 *   probe big-value NAME N   sets value NAME of ExMPLS to N bytes of 0x41,
 *                            REG_BINARY (longer than reg.exe's command line
 *                            can carry: the registry reader's size limit)
 * ExMPLS is read in the 64-bit view, as empkp writes it.  Exit code 0 on
 * success, 1 otherwise (with a message). */
#include <windows.h>
#include <wincrypt.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/keystore.h"

#define EXMPLS L"SOFTWARE\\Microsoft\\ExMPLS"

static void print_hex(const BYTE *p, DWORD n)
{
    DWORD i;

    for (i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static int store_public(void)
{
    HCRYPTPROV prov;
    HCRYPTKEY key;
    BYTE blob[4096];
    DWORD len = sizeof(blob);

    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS | CRYPT_SILENT)) {
        printf("absent\n");
        return 0;
    }
    if (!CryptGetUserKey(prov, KEYSTORE_KEY_SPEC, &key)) {
        printf("absent\n");
    } else {
        if (CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &len))
            print_hex(blob, len);
        else
            printf("unexportable 0x%08lx\n", (unsigned long)GetLastError());
        CryptDestroyKey(key);
    }
    CryptReleaseContext(prov, 0);
    return 0;
}

static int store_delete(void)
{
    HCRYPTPROV prov;

    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS | CRYPT_DELETEKEYSET) &&
        GetLastError() != (DWORD)NTE_BAD_KEYSET) {
        printf("delete failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 1;
    }
    return 0;
}

static LONG open_exmpls(REGSAM access, HKEY *key)
{
    return RegOpenKeyExW(HKEY_LOCAL_MACHINE, EXMPLS, 0, access | KEY_WOW64_64KEY, key);
}

static int data0(void)
{
    BYTE blob[65536];
    DWORD len = sizeof(blob), type;
    HKEY key;

    if (open_exmpls(KEY_QUERY_VALUE, &key) != ERROR_SUCCESS) {
        printf("absent\n");
        return 0;
    }
    if (RegQueryValueExW(key, L"DATA0", NULL, &type, blob, &len) == ERROR_SUCCESS)
        print_hex(blob, len);
    else
        printf("absent\n");
    RegCloseKey(key);
    return 0;
}

static int other_blob(void)
{
    HCRYPTPROV prov;
    HCRYPTKEY key;
    BYTE blob[4096];
    DWORD len = sizeof(blob);
    HKEY reg;
    int ok;

    ok = CryptAcquireContextW(&prov, NULL, MS_ENHANCED_PROV_W, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT) &&
         CryptGenKey(prov, AT_KEYEXCHANGE, 2048u << 16, &key) &&
         CryptExportKey(key, 0, PUBLICKEYBLOB, 0, blob, &len);
    if (ok && RegCreateKeyExW(HKEY_LOCAL_MACHINE, EXMPLS, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY,
                              NULL, &reg, NULL) == ERROR_SUCCESS) {
        ok = RegSetValueExW(reg, L"DATA0", 0, REG_BINARY, blob, len) == ERROR_SUCCESS;
        RegCloseKey(reg);
    } else {
        ok = 0;
    }
    printf(ok ? "wrote another key's blob\n" : "failed: 0x%08lx\n", (unsigned long)GetLastError());
    return ok ? 0 : 1;
}

static int sddl(void)
{
    BYTE sd[4096];
    DWORD len = sizeof(sd);
    WCHAR *text;
    HKEY key;
    LONG err;

    err = open_exmpls(READ_CONTROL, &key);
    if (err == ERROR_SUCCESS) {
        err = RegGetKeySecurity(key, DACL_SECURITY_INFORMATION, sd, &len);
        RegCloseKey(key);
    }
    if (err != ERROR_SUCCESS ||
        !ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1,
                                                              DACL_SECURITY_INFORMATION, &text, NULL)) {
        printf("failed: %ld\n", (long)err);
        return 1;
    }
    printf("%ls\n", text);
    LocalFree(text);
    return 0;
}

static int set_sddl(const WCHAR *text)
{
    PSECURITY_DESCRIPTOR sd;
    HKEY key;
    LONG err;

    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(text, SDDL_REVISION_1, &sd, NULL))
        return 1;
    err = open_exmpls(WRITE_DAC, &key);
    if (err == ERROR_SUCCESS) {
        err = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
        RegCloseKey(key);
    }
    LocalFree(sd);
    return err == ERROR_SUCCESS ? 0 : 1;
}

static int message(const WCHAR *id, const WCHAR *exe)
{
    HMODULE module = LoadLibraryExW(exe, NULL, LOAD_LIBRARY_AS_DATAFILE);
    WCHAR text[2048];
    const WCHAR *args[4] = { L"%1", L"%2", L"%3", L"%4" };
    DWORD n;

    if (!module)
        return 1;
    n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, module,
                       (DWORD)wcstoul(id, NULL, 0), 0, text, ARRAYSIZE(text), (va_list *)args);
    FreeLibrary(module);
    if (!n)
        return 1;
    printf("%ls\n", text);
    return 0;
}

static int store_sddl(void)
{
    HCRYPTPROV prov;
    BYTE sd[4096];
    DWORD len = sizeof(sd);
    WCHAR *text;

    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS | CRYPT_SILENT)) {
        printf("absent\n");
        return 0;
    }
    if (!CryptGetProvParam(prov, PP_KEYSET_SEC_DESCR, sd, &len,
                           OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION)
        || !ConvertSecurityDescriptorToStringSecurityDescriptorW(
               sd, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
               &text, NULL)) {
        printf("unreadable 0x%08lx\n", (unsigned long)GetLastError());
        CryptReleaseContext(prov, 0);
        return 1;
    }
    printf("%ls\n", text);
    LocalFree(text);
    CryptReleaseContext(prov, 0);
    return 0;
}

static int big_value(const WCHAR *name, const WCHAR *count)
{
    DWORD n = (DWORD)wcstoul(count, NULL, 10);
    BYTE *buf = malloc(n ? n : 1);
    HKEY key;
    LONG err;

    if (!buf) {
        printf("out of memory\n");
        return 1;
    }
    memset(buf, 0x41, n);
    err = open_exmpls(KEY_SET_VALUE, &key);
    if (err == ERROR_SUCCESS) {
        err = RegSetValueExW(key, name, 0, REG_BINARY, buf, n);
        RegCloseKey(key);
    }
    free(buf);
    if (err != ERROR_SUCCESS) {
        printf("RegSetValueEx failed: %ld\n", (long)err);
        return 1;
    }
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    const WCHAR *cmd = argc > 1 ? argv[1] : L"";

    if (!lstrcmpW(cmd, L"store-public")) return store_public();
    if (!lstrcmpW(cmd, L"store-delete")) return store_delete();
    if (!lstrcmpW(cmd, L"data0"))        return data0();
    if (!lstrcmpW(cmd, L"other-blob"))   return other_blob();
    if (!lstrcmpW(cmd, L"sddl"))         return sddl();
    if (!lstrcmpW(cmd, L"store-sddl"))   return store_sddl();
    if (argc > 2 && !lstrcmpW(cmd, L"set-sddl")) return set_sddl(argv[2]);
    if (argc > 3 && !lstrcmpW(cmd, L"message"))  return message(argv[2], argv[3]);
    if (argc > 3 && !lstrcmpW(cmd, L"big-value")) return big_value(argv[2], argv[3]);
    printf("usage: probe store-public|store-delete|data0|other-blob|sddl|store-sddl|set-sddl S|message ID EXE|big-value NAME N\n");
    return 1;
}
