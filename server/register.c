/* COM registration of empkp.exe, written to HKLM\SOFTWARE\Classes so that
 * it is machine-wide whatever the caller's per-user classes hold.
 *
 *   CLSID\{clsid}                     "PubKeyPublisher Class", AppID={appid}
 *     LocalServer32                   "<full path of empkp.exe>" (quoted)
 *     ProgID                          EMPKP.PubKeyPublisher.1
 *     VersionIndependentProgID        EMPKP.PubKeyPublisher
 *     TypeLib                         {libid}
 *     Version                         1.0
 *   EMPKP.PubKeyPublisher[.1]         CLSID={clsid}  (and CurVer)
 *   AppID\{appid}                     "EMPKP": the name DCOM Config lists
 *   AppID\empkp.exe                   AppID={appid}
 *   TypeLib\{libid}, Interface\{iid}  by RegisterTypeLib, from the copy of
 *                                     the library embedded in the exe
 * and the event source, so Event Viewer finds our message texts:
 *   HKLM\SYSTEM\...\EventLog\Application\EMPKP  EventMessageFile, TypesSupported
 */
#include "register.h"

#include "empkp.h"
#include "eventlog.h"
#include "typelib.h"

#include <oleauto.h>
#include <stdio.h>

#define PROGID             L"EMPKP.PubKeyPublisher"
#define PROGID_VERSIONED   L"EMPKP.PubKeyPublisher.1"
#define CLASS_NAME         L"PubKeyPublisher Class"
#define APPID_NAME         L"EMPKP"
#define CLASSES            L"SOFTWARE\\Classes\\"
/* The oleaut32 marshaler that RegisterTypeLib names for dual interfaces. */
#define TYPELIB_MARSHALER  L"{00020424-0000-0000-C000-000000000046}"

/* The AppID named in the IDL's neighbourhood: ours, documented in README. */
static const GUID APPID_EMPKP =
    { 0xD618966E, 0x4B67, 0x47DB, { 0xB2, 0xCC, 0x35, 0x0E, 0xD3, 0x96, 0xB2, 0xAB } };

struct names {
    WCHAR clsid[39], appid[39], libid[39], iid[39];
    WCHAR exe_path[MAX_PATH * 2];
    const WCHAR *exe_name;           /* points into exe_path */
};

static DWORD get_names(struct names *n)
{
    const WCHAR *p;
    DWORD err = typelib_exe_path(n->exe_path, ARRAYSIZE(n->exe_path));

    if (err)
        return err;
    StringFromGUID2(&CLSID_PubKeyPublisher, n->clsid, ARRAYSIZE(n->clsid));
    StringFromGUID2(&APPID_EMPKP, n->appid, ARRAYSIZE(n->appid));
    StringFromGUID2(&LIBID_EMPKPLib, n->libid, ARRAYSIZE(n->libid));
    StringFromGUID2(&IID_IPubKeyPublisher, n->iid, ARRAYSIZE(n->iid));
    n->exe_name = n->exe_path;
    for (p = n->exe_path; *p; p++)
        if (*p == L'\\' || *p == L'/')
            n->exe_name = p + 1;
    return ERROR_SUCCESS;
}

/* HKLM\SOFTWARE\Classes\<a>[\<b>[\<c>]], NULL parts skipped. */
static void classes_path(WCHAR *out, size_t size, const WCHAR *a, const WCHAR *b, const WCHAR *c)
{
    _snwprintf(out, size, L"%ls%ls%ls%ls%ls%ls", CLASSES, a, b ? L"\\" : L"", b ? b : L"",
               c ? L"\\" : L"", c ? c : L"");
    out[size - 1] = 0;
}

static DWORD set_string(const WCHAR *a, const WCHAR *b, const WCHAR *c,
                        const WCHAR *name, const WCHAR *value)
{
    WCHAR path[256];
    HKEY key;
    LONG err;

    classes_path(path, ARRAYSIZE(path), a, b, c);
    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, path, 0, NULL, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE, NULL, &key, NULL);
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                         (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    RegCloseKey(key);
    return (DWORD)err;
}

/* RegDeleteTree is Vista's; Windows 2000 deletes one leaf at a time. */
static LONG delete_tree(HKEY root, const WCHAR *path, int depth)
{
    WCHAR child[256];
    DWORD len;
    HKEY key;
    LONG err;

    if (depth > 32)
        return ERROR_CANTWRITE;
    err = RegOpenKeyExW(root, path, 0, KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE, &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return err;
    for (;;) {
        len = ARRAYSIZE(child);
        err = RegEnumKeyExW(key, 0, child, &len, NULL, NULL, NULL, NULL);
        if (err == ERROR_NO_MORE_ITEMS)
            break;
        if (err == ERROR_SUCCESS)
            err = delete_tree(key, child, depth + 1);
        if (err != ERROR_SUCCESS) {
            RegCloseKey(key);
            return err;
        }
    }
    RegCloseKey(key);
    err = RegDeleteKeyW(root, path);
    return err == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : err;
}

static DWORD delete_classes_key(const WCHAR *a, const WCHAR *b)
{
    WCHAR path[256];

    classes_path(path, ARRAYSIZE(path), a, b, NULL);
    return (DWORD)delete_tree(HKEY_LOCAL_MACHINE, path, 0);
}

/* Reads a REG_SZ under HKLM\SOFTWARE\Classes\<a>\<b>[\<c>]; "" when absent. */
static void get_string(const WCHAR *a, const WCHAR *b, const WCHAR *c, const WCHAR *name,
                       WCHAR *out, DWORD size)
{
    WCHAR path[256];
    DWORD type, bytes = (size - 1) * sizeof(WCHAR);
    HKEY key;

    out[0] = 0;
    classes_path(path, ARRAYSIZE(path), a, b, c);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return;
    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)out, &bytes) != ERROR_SUCCESS ||
        type != REG_SZ)
        bytes = 0;
    out[bytes / sizeof(WCHAR)] = 0;
    RegCloseKey(key);
}

static DWORD register_typelib(const struct names *n)
{
    ITypeLib *lib;
    HRESULT hr = LoadTypeLibEx(n->exe_path, REGKIND_NONE, &lib);

    if (SUCCEEDED(hr)) {
        hr = RegisterTypeLib(lib, (OLECHAR *)n->exe_path, NULL);
        ITypeLib_Release(lib);
    }
    return SUCCEEDED(hr) ? ERROR_SUCCESS : (DWORD)hr;
}

static DWORD register_event_source(const struct names *n)
{
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    HKEY key;
    LONG err;

    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE, NULL, &key, NULL);
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)n->exe_path,
                         (DWORD)((wcslen(n->exe_path) + 1) * sizeof(WCHAR)));
    if (err == ERROR_SUCCESS)
        err = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof(types));
    RegCloseKey(key);
    return (DWORD)err;
}

DWORD register_server(void)
{
    struct names n;
    WCHAR quoted[MAX_PATH * 2 + 2];
    DWORD err = get_names(&n);

    if (err)
        return err;
    /* Quoted, so that a path with spaces (C:\Program Files\...) cannot be
     * mistaken for C:\Program with arguments. */
    _snwprintf(quoted, ARRAYSIZE(quoted), L"\"%ls\"", n.exe_path);
    quoted[ARRAYSIZE(quoted) - 1] = 0;

    struct { const WCHAR *a, *b, *c, *name, *value; } values[] = {
        { L"CLSID", n.clsid, NULL, NULL, CLASS_NAME },
        { L"CLSID", n.clsid, NULL, L"AppID", n.appid },
        { L"CLSID", n.clsid, L"LocalServer32", NULL, quoted },
        { L"CLSID", n.clsid, L"ProgID", NULL, PROGID_VERSIONED },
        { L"CLSID", n.clsid, L"VersionIndependentProgID", NULL, PROGID },
        { L"CLSID", n.clsid, L"TypeLib", NULL, n.libid },
        { L"CLSID", n.clsid, L"Version", NULL, L"1.0" },
        { PROGID_VERSIONED, NULL, NULL, NULL, CLASS_NAME },
        { PROGID_VERSIONED, L"CLSID", NULL, NULL, n.clsid },
        { PROGID, NULL, NULL, NULL, CLASS_NAME },
        { PROGID, L"CLSID", NULL, NULL, n.clsid },
        { PROGID, L"CurVer", NULL, NULL, PROGID_VERSIONED },
        { L"AppID", n.appid, NULL, NULL, APPID_NAME },
        { L"AppID", n.exe_name, NULL, L"AppID", n.appid },
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(values) && !err; i++)
        err = set_string(values[i].a, values[i].b, values[i].c, values[i].name, values[i].value);
    if (!err)
        err = register_typelib(&n);
    if (!err)
        err = register_event_source(&n);
    if (err)
        unregister_server();  /* leave no half registration behind */
    return err;
}

DWORD unregister_server(void)
{
    struct names n;
    WCHAR value[64];
    DWORD err = get_names(&n), first = ERROR_SUCCESS, e;
    BSTR tlb_path;
    HRESULT hr;

    if (err)
        return err;
    /* Only a registered library is unregistered: asked for one that is not,
     * UnRegisterTypeLib fails (E_INVALIDARG in Wine), and unregistering what
     * is not there must succeed quietly. */
    if (SUCCEEDED(QueryPathOfRegTypeLib(&LIBID_EMPKPLib, 1, 0, LOCALE_NEUTRAL, &tlb_path))) {
        SysFreeString(tlb_path);
        hr = UnRegisterTypeLib(&LIBID_EMPKPLib, 1, 0, LOCALE_NEUTRAL,
                               sizeof(void *) == 8 ? SYS_WIN64 : SYS_WIN32);
        if (FAILED(hr))
            first = (DWORD)hr;
    }
    /* The TypeLib key may outlive UnRegisterTypeLib when another arch's
     * registration of the same library shares it; ours goes either way. */
    if ((e = delete_classes_key(L"TypeLib", n.libid)) && !first)
        first = e;
    /* Interface\{iid} pointing at the type library marshaler was written by
     * RegisterTypeLib for us; one pointing elsewhere belongs to the proxy
     * DLL, which regsvr32 /u empkpps.dll removes. */
    get_string(L"Interface", n.iid, L"ProxyStubClsid32", NULL, value, ARRAYSIZE(value));
    if (!lstrcmpiW(value, TYPELIB_MARSHALER) && (e = delete_classes_key(L"Interface", n.iid)) && !first)
        first = e;
    if ((e = delete_classes_key(L"CLSID", n.clsid)) && !first)
        first = e;
    if ((e = delete_classes_key(PROGID, NULL)) && !first)
        first = e;
    if ((e = delete_classes_key(PROGID_VERSIONED, NULL)) && !first)
        first = e;
    if ((e = delete_classes_key(L"AppID", n.appid)) && !first)
        first = e;
    get_string(L"AppID", n.exe_name, NULL, L"AppID", value, ARRAYSIZE(value));
    if (!lstrcmpiW(value, n.appid) && (e = delete_classes_key(L"AppID", n.exe_name)) && !first)
        first = e;
    if ((e = (DWORD)delete_tree(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0)) && !first)
        first = e;
    return first;
}
