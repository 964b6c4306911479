/* /diagnose: where the helper is and how COM would start it.  Registry
 * reads go through HKEY_CLASSES_ROOT, the merged view COM itself uses. */
#include "diagnose_checks.h"

#include <shlobj.h>
#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>

#include "empkp.h"
#include "server/register/localserver32.h"
#include "server/register/registration.h"
#include "pe_check.h"
#include "server/com/self_identity.h"
#include "common/regvalue.h"
#include "common/wintext.h"

#define PATH_CHARS         (MAX_PATH * 2)

/* The KB's three places for the helper. */
static const struct {
    int csidl;
    const WCHAR *relative;
    enum identity_kind kind;
    const char *versions;
} kb_locations[] = {
    { CSIDL_PROGRAM_FILES, L"Exchsrvr\\bin\\empkp.exe", IDENTITY_EMPKP, "Exchange 2003" },
    { CSIDL_PROGRAM_FILES_COMMON, L"Exchange 2000 Management Pack Objects\\empkp.exe",
      IDENTITY_EMPKP, "Exchange 2000 with MOM 2005" },
    { CSIDL_PROGRAM_FILES, L"Microsoft Operations Manager 2000\\OnePoint\\ExchKP.exe",
      IDENTITY_EXCHKP, "Exchange 2000 with MOM 2000 SP1" },
};

/* A string value under HKCR, REG_EXPAND_SZ expanded; FALSE when absent, not
 * a string or longer than OUT (never cut).  *key_exists (may be NULL) tells
 * whether the key itself is there. */
static BOOL hkcr_string(const WCHAR *path, const WCHAR *name, WCHAR *out, DWORD size, BOOL *key_exists)
{
    WCHAR raw[1024];
    DWORD type, n;
    HKEY key;
    LONG err;

    out[0] = 0;
    if (key_exists)
        *key_exists = FALSE;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, path, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return FALSE;
    if (key_exists)
        *key_exists = TRUE;
    err = regvalue_read_string(key, name, raw, ARRAYSIZE(raw), &type);
    RegCloseKey(key);
    if (err != ERROR_SUCCESS)
        return FALSE;
    if (type == REG_SZ) {
        if (wcslen(raw) >= size)
            return FALSE;
        lstrcpyW(out, raw);
        return TRUE;
    }
    n = ExpandEnvironmentStringsW(raw, out, size);
    if (!n || n > size) {
        out[0] = 0;
        return FALSE;
    }
    return TRUE;
}

/* The program a LocalServer32 value names (localserver32.c), wide. */
static BOOL program_of(const WCHAR *value, WCHAR *out, DWORD size)
{
    char utf8[PATH_CHARS * 3], path[PATH_CHARS * 3];
    WCHAR *wide;
    BOOL ok = FALSE;

    out[0] = 0;
    utf8_from_wide_buf(value, utf8, sizeof(utf8));
    if (!localserver_path(utf8, path, sizeof(path), NULL) || !(wide = wide_from_utf8(path)))
        return FALSE;
    if (wcslen(wide) < size) {
        lstrcpyW(out, wide);
        ok = TRUE;
    }
    free(wide);
    return ok;
}

static void clsid_key(enum identity_kind kind, const WCHAR *sub, WCHAR *out, size_t size)
{
    WCHAR clsid[39];

    StringFromGUID2(identity_clsid(kind), clsid, ARRAYSIZE(clsid));
    _snwprintf(out, size, L"CLSID\\%ls%ls%ls", clsid, sub ? L"\\" : L"", sub ? sub : L"");
    out[size - 1] = 0;
}

static BOOL registered_program(enum identity_kind kind, WCHAR *out, DWORD size)
{
    WCHAR key[96], value[1024];

    clsid_key(kind, L"LocalServer32", key, ARRAYSIZE(key));
    return hkcr_string(key, NULL, value, ARRAYSIZE(value), NULL) && program_of(value, out, size);
}

static BOOL is_file(const WCHAR *path)
{
    DWORD attrs = GetFileAttributesW(path);

    return attrs != INVALID_FILE_ATTRIBUTES && !(attrs & FILE_ATTRIBUTE_DIRECTORY);
}

static void append(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);

    if (used < size)
        snprintf(out + used, size - used, "%s", text);
}

static void check_helper_file(struct diag_result *results, const struct diag_facts *f)
{
    WCHAR registered[IDENTITY_COUNT][PATH_CHARS], folder[MAX_PATH], path[PATH_CHARS];
    BOOL has_registered[IDENTITY_COUNT], present_here = FALSE, registered_here = FALSE;
    char found[DIAG_FOUND_MAX] = "", remedy[DIAG_REMEDY_MAX] = "", where[DIAG_REMEDY_MAX] = "";
    char u8[PATH_CHARS * 3], line[PATH_CHARS * 3 + 128];
    size_t i;
    int k, as;

    for (k = 0; k < IDENTITY_COUNT; k++)
        has_registered[k] = registered_program((enum identity_kind)k, registered[k], PATH_CHARS);
    for (i = 0; i < ARRAYSIZE(kb_locations); i++) {
        if (FAILED(SHGetFolderPathW(NULL, kb_locations[i].csidl, NULL, SHGFP_TYPE_CURRENT, folder)))
            continue;
        _snwprintf(path, ARRAYSIZE(path), L"%ls\\%ls", folder, kb_locations[i].relative);
        path[ARRAYSIZE(path) - 1] = 0;
        as = -1;
        if (is_file(path))
            for (k = 0; k < IDENTITY_COUNT && as < 0; k++)
                if (has_registered[k] && same_file(registered[k], path))
                    as = k;
        utf8_from_wide_buf(path, u8, sizeof(u8));
        snprintf(line, sizeof(line), "%s%s: %s%s%s", found[0] ? "; " : "", u8,
                 is_file(path) ? "present" : "absent", as >= 0 ? ", registered as " : "",
                 as >= 0 ? identity_names((enum identity_kind)as)->progid : "");
        append(found, sizeof(found), line);
        if (kb_locations[i].kind != f->kind)
            continue;
        snprintf(line, sizeof(line), "%s%s: ", where[0] ? "; " : "", kb_locations[i].versions);
        append(where, sizeof(where), line);
        utf8_from_wide_buf(folder, u8, sizeof(u8));
        append(where, sizeof(where), u8);
        append(where, sizeof(where), "\\");
        utf8_from_wide_buf(kb_locations[i].relative, u8, sizeof(u8));
        if (strrchr(u8, '\\'))
            *strrchr(u8, '\\') = 0;   /* the folder, without the file name */
        append(where, sizeof(where), u8);
        if (is_file(path))
            present_here = TRUE;
        if (as == (int)f->kind)
            registered_here = TRUE;
    }
    if (has_registered[f->kind] && !registered_here) {
        utf8_from_wide_buf(registered[f->kind], u8, sizeof(u8));
        snprintf(line, sizeof(line), "; %s is registered to %s, not a KB location", f->id->progid, u8);
        append(found, sizeof(found), line);
    }
    if (registered_here) {
        diag_set(results, DIAG_HELPER_FILE, DIAG_PASS, NULL, "%s", found);
        return;
    }
    if (present_here)
        snprintf(remedy, sizeof(remedy), "type %s /regserver in the KB's folder (%s), so that COM "
                 "starts that copy", f->id->appid_name, where);
    else
        snprintf(remedy, sizeof(remedy), "copy %s from another source to the folder for your "
                 "versions (%s) and type %s /regserver there", f->id->exe_name, where,
                 f->id->appid_name);
    diag_set(results, DIAG_HELPER_FILE, DIAG_WARN, remedy, "%s", found);
}

static void get_host(struct pe_host *host)
{
    typedef void (WINAPI *native_info_fn)(SYSTEM_INFO *);
    native_info_fn native_info;
    OSVERSIONINFOW version;
    SYSTEM_INFO si;

    memset(&si, 0, sizeof(si));
    /* GetNativeSystemInfo (XP and later) tells a 32-bit process on 64-bit
     * Windows the truth; looked up so that Windows 2000 still loads us. */
    native_info = (native_info_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                                  "GetNativeSystemInfo");
    if (native_info)
        native_info(&si);
    else
        GetSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64: host->machine = PE_MACHINE_AMD64; break;
    case PROCESSOR_ARCHITECTURE_IA64:  host->machine = PE_MACHINE_IA64; break;
    case 12 /* PROCESSOR_ARCHITECTURE_ARM64 */: host->machine = PE_MACHINE_ARM64; break;
    default:                           host->machine = PE_MACHINE_I386; break;
    }
    memset(&version, 0, sizeof(version));
    version.dwOSVersionInfoSize = sizeof(version);
    if (GetVersionExW(&version)) {
        host->os_major = version.dwMajorVersion;
        host->os_minor = version.dwMinorVersion;
    } else {
        host->os_major = 0xFFFF;   /* unknown: never blame the version */
        host->os_minor = 0;
    }
}

static void check_win32_app(struct diag_result *results, const struct diag_facts *f,
                            const WCHAR *path, BOOL exists, const char *file_remedy)
{
    unsigned char *head;
    char u8[PATH_CHARS * 3], what[300], remedy[DIAG_REMEDY_MAX], err_text[200];
    struct pe_info info;
    struct pe_host host;
    enum pe_status st;
    LARGE_INTEGER size;
    DWORD got = 0, n;
    HANDLE h;

    if (!exists) {
        diag_set(results, DIAG_WIN32_APP, DIAG_FAIL, file_remedy, "not checked: no program to start");
        return;
    }
    utf8_from_wide_buf(path, u8, sizeof(u8));
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, 0, NULL);
    head = malloc(PE_CHECK_READ_BYTES);
    if (h == INVALID_HANDLE_VALUE || !head || !GetFileSizeEx(h, &size)) {
        win32_error_text(head ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY, err_text, sizeof(err_text));
        diag_set(results, DIAG_WIN32_APP, DIAG_FAIL, "give the account that runs the script read "
                 "access to the file", "%s could not be read: %s", u8, err_text);
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        free(head);
        return;
    }
    while (got < PE_CHECK_READ_BYTES && ReadFile(h, head + got, PE_CHECK_READ_BYTES - got, &n, NULL) && n)
        got += n;
    CloseHandle(h);
    get_host(&host);
    st = pe_check(head, got, (uint64_t)size.QuadPart, &host, &info);
    free(head);
    pe_describe(st, &info, &host, what, sizeof(what));
    switch (st) {
    case PE_OK:
        diag_set(results, DIAG_WIN32_APP, DIAG_PASS, NULL, "yes: %s", what);
        return;
    case PE_E_HEADER_FAR:
        diag_set(results, DIAG_WIN32_APP, DIAG_WARN, NULL, "%s", what);
        return;
    case PE_E_MACHINE:
        snprintf(remedy, sizeof(remedy), "copy the build of %s made for this %s Windows over it "
                 "(Exchange 2000/2003 on 32-bit Windows: the i686 build)", f->id->exe_name,
                 pe_machine_name(host.machine));
        break;
    case PE_E_SUBSYSTEM_VERSION:
        snprintf(remedy, sizeof(remedy), "copy a build of %s made for Windows %u.%u over it "
                 "(ours: the i686 build runs on Windows 2000 and later)", f->id->exe_name,
                 host.os_major, host.os_minor);
        break;
    case PE_E_DLL:
        snprintf(remedy, sizeof(remedy), "LocalServer32 must name the program, not a DLL: %s",
                 f->register_remedy);
        break;
    default:
        snprintf(remedy, sizeof(remedy), "replace it with a good copy of %s (the KB: copy the "
                 "helper from another source), then %s", f->id->exe_name, f->register_remedy);
        break;
    }
    diag_set(results, DIAG_WIN32_APP, DIAG_FAIL, remedy,
             "no: Windows would say \"%s -Embedding is not a valid Win32 application\": %s", u8, what);
}

static void check_appid(struct diag_result *results, const struct diag_facts *f, BOOL clsid_exists)
{
    WCHAR key[96], appid[64], name[128];
    char u8id[64], u8name[384], remedy[DIAG_REMEDY_MAX];
    BOOL exists;

    snprintf(remedy, sizeof(remedy), "%s: DCOM Config (dcomcnfg) then lists %s, where the launch "
             "and access permissions of KB 274696 are set", f->register_remedy, f->id->appid_name);
    clsid_key(f->kind, NULL, key, ARRAYSIZE(key));
    if (!clsid_exists) {
        diag_set(results, DIAG_APPID, DIAG_WARN, remedy, "not checked: no CLSID key");
        return;
    }
    if (!hkcr_string(key, L"AppID", appid, ARRAYSIZE(appid), NULL) || !appid[0]) {
        diag_set(results, DIAG_APPID, DIAG_WARN, remedy, "HKCR\\CLSID\\%s names no AppID: DCOM "
                 "Config does not list %s", f->clsid, f->id->appid_name);
        return;
    }
    utf8_from_wide_buf(appid, u8id, sizeof(u8id));
    _snwprintf(key, ARRAYSIZE(key), L"AppID\\%ls", appid);
    key[ARRAYSIZE(key) - 1] = 0;
    hkcr_string(key, NULL, name, ARRAYSIZE(name), &exists);
    utf8_from_wide_buf(name, u8name, sizeof(u8name));
    if (!exists)
        diag_set(results, DIAG_APPID, DIAG_WARN, remedy, "AppID %s is not registered: DCOM Config "
                 "does not list %s", u8id, f->id->appid_name);
    else
        diag_set(results, DIAG_APPID, DIAG_PASS, NULL, "%s \"%s\": DCOM Config lists it", u8id, u8name);
}

static void check_progid(struct diag_result *results, const struct diag_facts *f)
{
    WCHAR progid[64], got_text[39];
    char u8got[64], err_text[200];
    CLSID got;
    HRESULT hr;

    wide_from_utf8_buf(f->id->progid, progid, ARRAYSIZE(progid));
    hr = CLSIDFromProgID(progid, &got);
    if (FAILED(hr)) {
        win32_error_text((DWORD)hr, err_text, sizeof(err_text));
        diag_set(results, DIAG_PROGID, DIAG_FAIL, f->register_remedy,
                 "%s does not resolve to a CLSID (%s): CreateObject(\"%s\") fails", f->id->progid,
                 err_text, f->id->progid);
        return;
    }
    StringFromGUID2(&got, got_text, ARRAYSIZE(got_text));
    utf8_from_wide_buf(got_text, u8got, sizeof(u8got));
    if (!IsEqualCLSID(&got, identity_clsid(f->kind)))
        diag_set(results, DIAG_PROGID, DIAG_FAIL, f->register_remedy, "%s resolves to %s, not %s",
                 f->id->progid, u8got, f->clsid);
    else
        diag_set(results, DIAG_PROGID, DIAG_PASS, NULL, "%s resolves to %s", f->id->progid, u8got);
}

static void check_typelib(struct diag_result *results, const struct diag_facts *f)
{
    ITypeInfo *info;
    ITypeLib *lib;
    BSTR path;
    HRESULT hr;
    char u8[PATH_CHARS * 3], err_text[200];

    hr = QueryPathOfRegTypeLib(&LIBID_EMPKPLib, 1, 0, LOCALE_NEUTRAL, &path);
    if (FAILED(hr)) {
        diag_set(results, DIAG_TYPELIB, DIAG_WARN, f->register_remedy,
                 "EMPKPLib 1.0 is not registered: early-bound (C/C++) callers cannot marshal "
                 "IPubKeyPublisher; MOM's script binds late and does not need it");
        return;
    }
    utf8_from_wide_buf(path, u8, sizeof(u8));
    hr = LoadTypeLibEx(path, REGKIND_NONE, &lib);
    SysFreeString(path);
    if (SUCCEEDED(hr)) {
        hr = ITypeLib_GetTypeInfoOfGuid(lib, &IID_IPubKeyPublisher, &info);
        if (SUCCEEDED(hr))
            ITypeInfo_Release(info);
        ITypeLib_Release(lib);
    }
    if (FAILED(hr)) {
        win32_error_text((DWORD)hr, err_text, sizeof(err_text));
        diag_set(results, DIAG_TYPELIB, DIAG_WARN, f->register_remedy,
                 "EMPKPLib 1.0 is registered to %s, which does not describe IPubKeyPublisher (%s)",
                 u8, err_text);
        return;
    }
    diag_set(results, DIAG_TYPELIB, DIAG_PASS, NULL, "EMPKPLib 1.0 registered: %s", u8);
}

static void check_proxystub(struct diag_result *results, const struct diag_facts *f)
{
    WCHAR iid[39], key[128], ps[64], dll[PATH_CHARS];
    char u8ps[64], u8dll[PATH_CHARS * 3], remedy[DIAG_REMEDY_MAX];

    StringFromGUID2(&IID_IPubKeyPublisher, iid, ARRAYSIZE(iid));
    _snwprintf(key, ARRAYSIZE(key), L"Interface\\%ls\\ProxyStubClsid32", iid);
    key[ARRAYSIZE(key) - 1] = 0;
    if (!hkcr_string(key, NULL, ps, ARRAYSIZE(ps), NULL) || !ps[0]) {
        diag_set(results, DIAG_PROXYSTUB, DIAG_WARN, f->register_remedy,
                 "IPubKeyPublisher has no marshaler registered: early-bound callers cannot reach "
                 "it out of process (MOM's script binds late and does not need one)");
        return;
    }
    if (is_typelib_marshaler(ps)) {
        diag_set(results, DIAG_PROXYSTUB, DIAG_PASS, NULL, "IPubKeyPublisher is marshaled by the "
                 "type library (the proxy/stub DLL empkpps.dll, optional, is not registered)");
        return;
    }
    utf8_from_wide_buf(ps, u8ps, sizeof(u8ps));
    _snwprintf(key, ARRAYSIZE(key), L"CLSID\\%ls\\InprocServer32", ps);
    key[ARRAYSIZE(key) - 1] = 0;
    hkcr_string(key, NULL, dll, ARRAYSIZE(dll), NULL);
    utf8_from_wide_buf(dll, u8dll, sizeof(u8dll));
    if (dll[0] && is_file(dll)) {
        diag_set(results, DIAG_PROXYSTUB, DIAG_PASS, NULL, "proxy/stub DLL %s (%s)", u8dll, u8ps);
        return;
    }
    snprintf(remedy, sizeof(remedy), "regsvr32 empkpps.dll where it is; or regsvr32 /u it and %s "
             "(the type library marshaler needs no DLL)", f->register_remedy);
    diag_set(results, DIAG_PROXYSTUB, DIAG_WARN, remedy, "IPubKeyPublisher's proxy/stub %s names "
             "\"%s\", which does not exist: early-bound callers cannot marshal it", u8ps, u8dll);
}

/* An unquoted LocalServer32 whose path has a blank: CreateProcess tries
 * each blank in turn (C:\Program.exe first), and on Windows 2000 Everyone
 * may create files in C:\.  FAIL when a file it would try first exists
 * (COM starts that instead, as SYSTEM under MOM), else WARN.  Returns
 * whether it set the result. */
static BOOL check_unquoted(struct diag_result *results, const struct diag_facts *f,
                           const char *u8value, const char *u8path)
{
    char tried[PATH_CHARS * 3], first[PATH_CHARS * 3] = "", remedy[DIAG_REMEDY_MAX];
    WCHAR *wide;
    unsigned i;
    BOOL exists = FALSE;

    for (i = 0; !exists && localserver_unquoted_try(u8value, i, tried, sizeof(tried)); i++) {
        if (!first[0])
            snprintf(first, sizeof(first), "%s", tried);
        if ((wide = wide_from_utf8(tried))) {
            exists = is_file(wide);
            free(wide);
        }
    }
    if (!first[0])
        return FALSE;
    snprintf(remedy, sizeof(remedy), "/diagnose /fix (or %s /regserver in the KB's folder) "
             "writes it quoted%s", f->id->appid_name,
             exists ? "; then find out who put that file there, and remove it" : "");
    if (exists)
        diag_set(results, DIAG_LOCALSERVER32, DIAG_FAIL, remedy, "%s is not quoted: Windows "
                 "tries %s before \"%s\", and that file exists: COM would start it instead",
                 u8value, tried, u8path);
    else
        diag_set(results, DIAG_LOCALSERVER32, DIAG_WARN, remedy, "%s is not quoted: Windows "
                 "would try %s first (not there now; whoever may create it takes over what "
                 "COM starts, as SYSTEM under MOM), then \"%s\"", u8value, first, u8path);
    return TRUE;
}

void diag_fix_location(const WCHAR *program, enum identity_kind kind, int *kb, int *registered)
{
    WCHAR folder[MAX_PATH], path[PATH_CHARS], reg[PATH_CHARS];
    size_t i;

    *kb = 0;
    *registered = registered_program(kind, reg, PATH_CHARS) && is_file(reg) && same_file(reg, program);
    for (i = 0; i < ARRAYSIZE(kb_locations); i++) {
        if (kb_locations[i].kind != kind ||
            FAILED(SHGetFolderPathW(NULL, kb_locations[i].csidl, NULL, SHGFP_TYPE_CURRENT, folder)))
            continue;
        _snwprintf(path, ARRAYSIZE(path), L"%ls\\%ls", folder, kb_locations[i].relative);
        path[ARRAYSIZE(path) - 1] = 0;
        if (is_file(path) && same_file(path, program))
            *kb = 1;
    }
}

void diagnose_registration_checks(struct diag_result *results, struct diag_facts *f)
{
    WCHAR key[96], value[1024], path[PATH_CHARS], resolved[PATH_CHARS];
    char u8value[3072], u8path[PATH_CHARS * 3], file_remedy[DIAG_REMEDY_MAX];
    BOOL clsid_exists = FALSE, ls_exists, have_path = FALSE, exists = FALSE;
    DWORD attrs;
    HKEY hkey;

    check_helper_file(results, f);

    clsid_key(f->kind, NULL, key, ARRAYSIZE(key));
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, key, 0, KEY_QUERY_VALUE, &hkey) == ERROR_SUCCESS) {
        clsid_exists = TRUE;
        RegCloseKey(hkey);
        diag_set(results, DIAG_CLSID, DIAG_PASS, NULL, "HKCR\\CLSID\\%s present", f->clsid);
    } else {
        diag_set(results, DIAG_CLSID, DIAG_FAIL, f->register_remedy, "HKCR\\CLSID\\%s is not "
                 "present: %s is not registered", f->clsid, f->id->progid);
    }

    clsid_key(f->kind, L"LocalServer32", key, ARRAYSIZE(key));
    hkcr_string(key, NULL, value, ARRAYSIZE(value), &ls_exists);
    utf8_from_wide_buf(value, u8value, sizeof(u8value));
    if (!clsid_exists) {
        diag_set(results, DIAG_LOCALSERVER32, DIAG_FAIL, f->register_remedy, "not checked: no CLSID key");
    } else if (!ls_exists) {
        diag_set(results, DIAG_LOCALSERVER32, DIAG_FAIL, f->register_remedy, "HKCR\\CLSID\\%s\\"
                 "LocalServer32 is not present: COM does not know which program to start",
                 f->clsid);
    } else if (!(have_path = program_of(value, path, ARRAYSIZE(path)))) {
        diag_set(results, DIAG_LOCALSERVER32, DIAG_FAIL, f->register_remedy,
                 "LocalServer32 (\"%s\") names no program", u8value);
    } else {
        utf8_from_wide_buf(path, u8path, sizeof(u8path));
        if (!check_unquoted(results, f, u8value, u8path))
            diag_set(results, DIAG_LOCALSERVER32, DIAG_PASS, NULL, "%s: COM starts \"%s\" -Embedding",
                     u8value, u8path);
    }

    snprintf(file_remedy, sizeof(file_remedy), "copy %s there from another source (KB 911143), or "
             "%s", f->id->exe_name, f->register_remedy);
    if (!have_path) {
        diag_set(results, DIAG_SERVER_FILE, DIAG_FAIL, f->register_remedy,
                 "not checked: LocalServer32 names no program");
    } else {
        attrs = GetFileAttributesW(path);
        /* A bare name is found on the search path, as CreateProcess would. */
        if (attrs == INVALID_FILE_ATTRIBUTES && !wcschr(path, L'\\')) {
            /* 0: not found; ARRAYSIZE or more: the size it would need,
             * with resolved left undefined. */
            DWORD n = SearchPathW(NULL, path, NULL, ARRAYSIZE(resolved), resolved, NULL);
            if (n && n < ARRAYSIZE(resolved)) {
                lstrcpyW(path, resolved);
                attrs = GetFileAttributesW(path);
            }
        }
        utf8_from_wide_buf(path, u8path, sizeof(u8path));
        if (attrs == INVALID_FILE_ATTRIBUTES)
            diag_set(results, DIAG_SERVER_FILE, DIAG_FAIL, file_remedy, "%s does not exist", u8path);
        else if (attrs & FILE_ATTRIBUTE_DIRECTORY)
            diag_set(results, DIAG_SERVER_FILE, DIAG_FAIL, file_remedy, "%s is a folder, not a program",
                     u8path);
        else {
            exists = TRUE;
            diag_set(results, DIAG_SERVER_FILE, DIAG_PASS, NULL, "%s exists", u8path);
        }
    }
    check_win32_app(results, f, path, exists, have_path ? file_remedy : f->register_remedy);
    check_appid(results, f, clsid_exists);
    check_progid(results, f);
    check_typelib(results, f);
    check_proxystub(results, f);
}
