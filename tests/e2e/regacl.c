/* Reads or sets the DACL of HKLM\SOFTWARE\Microsoft\ExMPLS (64-bit view),
 * for tests/cred-tests.sh's "access denied" case.
 *   regacl get          prints the DACL as SDDL
 *   regacl set SDDL     replaces the DACL (the owner keeps WRITE_DAC, so
 *                       the old DACL can be put back) */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>

int wmain(int argc, WCHAR **argv)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    WCHAR *sddl = NULL;
    BYTE buf[4096];
    DWORD size = sizeof(buf);
    HKEY k;
    LONG err;
    int get = argc == 2 && wcscmp(argv[1], L"get") == 0;
    int set = argc == 3 && wcscmp(argv[1], L"set") == 0;

    if (!get && !set) {
        printf("usage: regacl get | set SDDL\n");
        return 87;
    }
    err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\ExMPLS", 0,
                        (get ? READ_CONTROL : WRITE_DAC) | KEY_WOW64_64KEY, &k);
    if (err != ERROR_SUCCESS) {
        printf("open failed: %ld\n", (long)err);
        return 2;
    }
    if (get) {
        err = RegGetKeySecurity(k, DACL_SECURITY_INFORMATION, buf, &size);
        if (err == ERROR_SUCCESS
            && ConvertSecurityDescriptorToStringSecurityDescriptorW(
                   buf, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL)) {
            printf("%ls\n", sddl);
            LocalFree(sddl);
        }
    } else if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(argv[2], SDDL_REVISION_1,
                                                                     &sd, NULL)) {
        err = (LONG)GetLastError();
    } else {
        err = RegSetKeySecurity(k, DACL_SECURITY_INFORMATION, sd);
        LocalFree(sd);
    }
    RegCloseKey(k);
    if (err != ERROR_SUCCESS)
        printf("failed: %ld\n", (long)err);
    return err == ERROR_SUCCESS ? 0 : 1;
}
