/* verinfo FILE...: prints each FILE's version resource as Windows reads it
 * (GetFileVersionInfo, VerQueryValue: what Explorer's Properties > Details
 * and inventory tools show), one "name=value" line each:
 *   file=FILE
 *   fixed.file=a.b.c.d     fixed.product=a.b.c.d     fixed.type=N
 *   CompanyName=... FileDescription=... FileVersion=... OriginalFilename=...
 *   ProductName=... ProductVersion=...
 * The strings come from the first language/code page that VarFileInfo's
 * Translation names, as Explorer picks them.  Exit code: 0, or 1 after a
 * "error=..." line when a file has no version resource or lacks a value. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static const WCHAR *const names[] = {
    L"CompanyName", L"FileDescription", L"FileVersion",
    L"OriginalFilename", L"ProductName", L"ProductVersion",
};

static void put(const WCHAR *name, const WCHAR *value)
{
    char n[128], v[512];

    WideCharToMultiByte(CP_UTF8, 0, name, -1, n, sizeof(n), NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, value, -1, v, sizeof(v), NULL, NULL);
    printf("%s=%s\n", n, v);
}

static void put_version(const char *name, DWORD ms, DWORD ls)
{
    printf("%s=%lu.%lu.%lu.%lu\n", name, (unsigned long)HIWORD(ms), (unsigned long)LOWORD(ms),
           (unsigned long)HIWORD(ls), (unsigned long)LOWORD(ls));
}

static int show(const WCHAR *file)
{
    DWORD handle, size = GetFileVersionInfoSizeW(file, &handle);
    VS_FIXEDFILEINFO *fixed;
    WORD *translation;
    UINT len;
    void *data;
    int ok = 1;
    size_t i;

    put(L"file", file);
    if (!size || !(data = malloc(size)) || !GetFileVersionInfoW(file, 0, size, data)) {
        printf("error=no version resource (error %lu)\n", (unsigned long)GetLastError());
        return 0;
    }
    if (VerQueryValueW(data, L"\\", (void **)&fixed, &len) && len >= sizeof(*fixed)) {
        put_version("fixed.file", fixed->dwFileVersionMS, fixed->dwFileVersionLS);
        put_version("fixed.product", fixed->dwProductVersionMS, fixed->dwProductVersionLS);
        printf("fixed.type=%lu\n", (unsigned long)fixed->dwFileType);
    } else {
        printf("error=no VS_FIXEDFILEINFO\n");
        ok = 0;
    }
    if (!VerQueryValueW(data, L"\\VarFileInfo\\Translation", (void **)&translation, &len) ||
        len < 2 * sizeof(WORD)) {
        printf("error=no VarFileInfo\\Translation\n");
        free(data);
        return 0;
    }
    for (i = 0; i < ARRAYSIZE(names); i++) {
        WCHAR path[128], *value;

        _snwprintf(path, ARRAYSIZE(path), L"\\StringFileInfo\\%04x%04x\\%ls", translation[0],
                   translation[1], names[i]);
        path[ARRAYSIZE(path) - 1] = 0;
        if (VerQueryValueW(data, path, (void **)&value, &len) && len) {
            put(names[i], value);
        } else {
            put(L"error=missing", names[i]);
            ok = 0;
        }
    }
    free(data);
    return ok;
}

int wmain(int argc, WCHAR **argv)
{
    int i, ok = argc > 1;

    for (i = 1; i < argc; i++)
        ok &= show(argv[i]);
    fflush(stdout);
    return ok ? 0 : 1;
}
