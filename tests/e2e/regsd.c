/* Writes, reads or deletes a REG_BINARY security descriptor under HKLM, for
 * tests/diagnose-tests.sh's DCOM permission cases (LaunchPermission,
 * AccessPermission under an AppID, DefaultLaunchPermission under Ole).
 * Wine stores such values but does not enforce them.
 *   regsd set KEY VALUE SDDL   converts SDDL to a self-relative SD, writes it
 *   regsd get KEY VALUE        prints the value as SDDL (DACL, owner, group)
 *   regsd delete KEY VALUE     removes the value (absent: success) */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>

int wmain(int argc, WCHAR **argv)
{
    PSECURITY_DESCRIPTOR sd = NULL;
    WCHAR *sddl = NULL;
    BYTE buf[8192];
    DWORD size = sizeof(buf), type, sd_len = 0;
    HKEY k;
    LONG err;

    if (argc < 4 || (wcscmp(argv[1], L"set") == 0 && argc != 5)) {
        printf("usage: regsd set KEY VALUE SDDL | get KEY VALUE | delete KEY VALUE\n");
        return 87;
    }
    if (wcscmp(argv[1], L"set") == 0) {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(argv[4], SDDL_REVISION_1, &sd, &sd_len)) {
            printf("bad SDDL: %lu\n", (unsigned long)GetLastError());
            return 2;
        }
        err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[2], 0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL);
        if (err == ERROR_SUCCESS) {
            err = RegSetValueExW(k, argv[3], 0, REG_BINARY, sd, sd_len);
            RegCloseKey(k);
        }
        LocalFree(sd);
    } else if (wcscmp(argv[1], L"get") == 0) {
        err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, argv[2], 0, KEY_QUERY_VALUE, &k);
        if (err == ERROR_SUCCESS) {
            err = RegQueryValueExW(k, argv[3], NULL, &type, buf, &size);
            RegCloseKey(k);
        }
        if (err == ERROR_SUCCESS && (type != REG_BINARY ||
            !ConvertSecurityDescriptorToStringSecurityDescriptorW(buf, SDDL_REVISION_1,
                DACL_SECURITY_INFORMATION | OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION,
                &sddl, NULL)))
            err = ERROR_INVALID_DATA;
        if (sddl) {
            printf("%ls\n", sddl);
            LocalFree(sddl);
        }
    } else if (wcscmp(argv[1], L"delete") == 0) {
        err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, argv[2], 0, KEY_SET_VALUE, &k);
        if (err == ERROR_SUCCESS) {
            err = RegDeleteValueW(k, argv[3]);
            RegCloseKey(k);
        }
        if (err == ERROR_FILE_NOT_FOUND)
            err = ERROR_SUCCESS;
    } else {
        printf("unknown command\n");
        return 87;
    }
    if (err != ERROR_SUCCESS)
        printf("failed: %ld\n", (long)err);
    return err == ERROR_SUCCESS ? 0 : 1;
}
