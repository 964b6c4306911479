/* COM registration of empkp.exe, written to HKLM\SOFTWARE\Classes so that
 * it is machine-wide whatever the caller's per-user classes hold.  What is
 * registered is the identity the program's file name gives it (identity.h):
 * EMPKP.PubKeyPublisher as empkp.exe, ExchKP.PubKeyPublisher as ExchKP.exe.
 *
 *   CLSID\{clsid}                     "PubKeyPublisher Class", AppID={appid}
 *     LocalServer32                   "<full path of the exe>" (quoted)
 *     ProgID                          <progid>.1
 *     VersionIndependentProgID        <progid>
 *     TypeLib                         {libid}
 *     Version                         1.0
 *   <progid>[.1]                      CLSID={clsid}  (and CurVer)
 *   AppID\{appid}                     "EMPKP" / "ExchKP": the name DCOM Config lists
 *   AppID\<exe file name>             AppID={appid}
 *   TypeLib\{libid}, Interface\{iid}  by RegisterTypeLib, from the copy of
 *                                     the library embedded in the exe
 * and the event source, so Event Viewer finds our message texts:
 *   HKLM\SYSTEM\...\EventLog\Application\EMPKP  EventMessageFile, TypesSupported
 *
 * The type library, Interface\{iid} and the event source are shared by both
 * identities (one interface, one event source).  Unregistering one identity
 * while the other stays registered leaves them in place, pointed at the
 * other's program if they named ours: two copies registered side by side
 * (empkp.exe and ExchKP.exe) can be removed in either order.
 */
#include "registration.h"

#include "empkp.h"
#include "server/publish/eventlog.h"
#include "common/faultpoint.h"
#include "common/regvalue.h"
#include "localserver32.h"
#include "regsafe.h"
#include "server/com/self_identity.h"
#include "common/wintext.h"
#include "server/com/typelib.h"

#include <oleauto.h>
#include <stdio.h>
#include <stdlib.h>

#define CLASS_NAME         L"PubKeyPublisher Class"
#define CLASSES            L"SOFTWARE\\Classes\\"

struct names {
    enum identity_kind kind;
    WCHAR clsid[39], appid[39], libid[39], iid[39], other_clsid[39];
    WCHAR progid[64], progid_versioned[64], appid_name[32];
    WCHAR exe_path[MAX_PATH * 2];
    const WCHAR *exe_name;           /* points into exe_path */
};

static DWORD get_names(struct names *n)
{
    const struct identity_names *id;
    const WCHAR *p;
    char *utf8;
    DWORD err = typelib_exe_path(n->exe_path, ARRAYSIZE(n->exe_path));

    if (err)
        return err;
    utf8 = utf8_from_wide(n->exe_path);
    if (!utf8)
        return ERROR_NOT_ENOUGH_MEMORY;
    n->kind = identity_from_path(utf8);
    free(utf8);
    id = identity_names(n->kind);
    StringFromGUID2(identity_clsid(n->kind), n->clsid, ARRAYSIZE(n->clsid));
    StringFromGUID2(identity_appid(n->kind), n->appid, ARRAYSIZE(n->appid));
    StringFromGUID2(identity_clsid(identity_other(n->kind)), n->other_clsid, ARRAYSIZE(n->other_clsid));
    wide_from_utf8_buf(id->progid, n->progid, ARRAYSIZE(n->progid));
    wide_from_utf8_buf(id->progid_versioned, n->progid_versioned, ARRAYSIZE(n->progid_versioned));
    wide_from_utf8_buf(id->appid_name, n->appid_name, ARRAYSIZE(n->appid_name));
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

/* The open of one key to delete; a test build can make it fail for a
 * child named NAME with err:regdel-open:NAME=CODE (faultpoint.h). */
static LONG open_for_delete(HKEY root, const WCHAR *path, int depth, HKEY *key)
{
#ifdef EMPKP_FAULT_POINTS
    char point[300];
    DWORD injected;

    snprintf(point, sizeof(point), "regdel-open:%ls", path);
    if (depth > 0 && (injected = FAULT_ERROR(point)))
        return (LONG)injected;
#endif
    (void)depth;
    return RegOpenKeyExW(root, path, 0, KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE, key);
}

/* RegDeleteTree is Vista's; Windows 2000 deletes one leaf at a time. */
static LONG delete_tree(HKEY root, const WCHAR *path, int depth)
{
    WCHAR child[256], last[256] = L"";
    DWORD len;
    HKEY key;
    LONG err;

    if (depth > 32)
        return ERROR_CANTWRITE;
    err = open_for_delete(root, path, depth, &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return err;
    for (;;) {
        len = ARRAYSIZE(child);
        err = RegEnumKeyExW(key, 0, child, &len, NULL, NULL, NULL, NULL);
        if (err == ERROR_NO_MORE_ITEMS)
            break;
        /* The child just dealt with is still the first: it enumerates but
         * would not open ("not found") or delete, and the loop would find
         * it again forever.  The parent cannot go while it stays. */
        if (err == ERROR_SUCCESS && last[0] && !lstrcmpiW(child, last))
            err = ERROR_CANTWRITE;
        if (err == ERROR_SUCCESS) {
            lstrcpyW(last, child);
            err = delete_tree(key, child, depth + 1);
        }
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

/* Reads a REG_SZ under HKLM\SOFTWARE\Classes\<a>\<b>[\<c>]; "" when absent,
 * not a string or longer than OUT. */
static void get_string(const WCHAR *a, const WCHAR *b, const WCHAR *c, const WCHAR *name,
                       WCHAR *out, DWORD size)
{
    WCHAR path[256];
    HKEY key;

    out[0] = 0;
    classes_path(path, ARRAYSIZE(path), a, b, c);
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return;
    regvalue_read_string(key, name, out, size, NULL);
    RegCloseKey(key);
}

static DWORD register_typelib_from(const WCHAR *exe_path)
{
    ITypeLib *lib;
    HRESULT hr = LoadTypeLibEx(exe_path, REGKIND_NONE, &lib);

    if (SUCCEEDED(hr)) {
        hr = RegisterTypeLib(lib, (OLECHAR *)exe_path, NULL);
        ITypeLib_Release(lib);
    }
    return SUCCEEDED(hr) ? ERROR_SUCCESS : (DWORD)hr;
}

static DWORD set_event_message_file(const WCHAR *exe_path)
{
    DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    HKEY key;
    LONG err;

    err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                          KEY_SET_VALUE, NULL, &key, NULL);
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)exe_path,
                         (DWORD)((wcslen(exe_path) + 1) * sizeof(WCHAR)));
    if (err == ERROR_SUCCESS)
        err = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof(types));
    RegCloseKey(key);
    return (DWORD)err;
}

/* EventMessageFile of our event source; FALSE when absent, not a string or
 * longer than OUT. */
static BOOL read_event_message_file(WCHAR *out, DWORD size)
{
    HKEY key;
    LONG err;

    out[0] = 0;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return FALSE;
    err = regvalue_read_string(key, L"EventMessageFile", out, size, NULL);
    RegCloseKey(key);
    return err == ERROR_SUCCESS;
}

/* The program the other identity's LocalServer32 names, when that identity
 * is registered: then the keys both share stay. */
static BOOL other_identity_path(const struct names *n, WCHAR *out, DWORD size)
{
    WCHAR value[MAX_PATH * 2 + 64];
    char *utf8, path[MAX_PATH * 6];
    WCHAR *wide;
    BOOL found = FALSE;

    out[0] = 0;
    get_string(L"CLSID", n->other_clsid, L"LocalServer32", NULL, value, ARRAYSIZE(value));
    if (!value[0] || !(utf8 = utf8_from_wide(value)))
        return FALSE;
    if (localserver_path(utf8, path, sizeof(path), NULL) && (wide = wide_from_utf8(path))) {
        found = wcslen(wide) < size;
        if (found)
            lstrcpyW(out, wide);
        free(wide);
    }
    free(utf8);
    return found;
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
        { L"CLSID", n.clsid, L"ProgID", NULL, n.progid_versioned },
        { L"CLSID", n.clsid, L"VersionIndependentProgID", NULL, n.progid },
        { L"CLSID", n.clsid, L"TypeLib", NULL, n.libid },
        { L"CLSID", n.clsid, L"Version", NULL, L"1.0" },
        { n.progid_versioned, NULL, NULL, NULL, CLASS_NAME },
        { n.progid_versioned, L"CLSID", NULL, NULL, n.clsid },
        { n.progid, NULL, NULL, NULL, CLASS_NAME },
        { n.progid, L"CLSID", NULL, NULL, n.clsid },
        { n.progid, L"CurVer", NULL, NULL, n.progid_versioned },
        { L"AppID", n.appid, NULL, NULL, n.appid_name },
        { L"AppID", n.exe_name, NULL, L"AppID", n.appid },
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(values) && !err; i++)
        err = set_string(values[i].a, values[i].b, values[i].c, values[i].name, values[i].value);
    if (!err)
        err = register_typelib_from(n.exe_path);
    if (!err)
        err = set_event_message_file(n.exe_path);
    if (err)
        unregister_server();  /* leave no half registration behind */
    return err;
}

/* The type library, Interface\{iid} and the event source: removed when no
 * identity is left, else kept and pointed at the other identity's program
 * if they named this one. */
static DWORD unregister_shared(const struct names *n)
{
    WCHAR value[64], other[MAX_PATH * 2], message_file[MAX_PATH * 2];
    DWORD first = ERROR_SUCCESS, e;
    BSTR tlb_path;
    HRESULT hr;

    if (other_identity_path(n, other, ARRAYSIZE(other))) {
        if (SUCCEEDED(QueryPathOfRegTypeLib(&LIBID_EMPKPLib, 1, 0, LOCALE_NEUTRAL, &tlb_path))) {
            if (!lstrcmpiW(tlb_path, n->exe_path))
                first = register_typelib_from(other);
            SysFreeString(tlb_path);
        }
        if (read_event_message_file(message_file, ARRAYSIZE(message_file)) &&
            !lstrcmpiW(message_file, n->exe_path) && (e = set_event_message_file(other)) && !first)
            first = e;
        return first;
    }
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
    if ((e = delete_classes_key(L"TypeLib", n->libid)) && !first)
        first = e;
    /* Interface\{iid} pointing at the type library marshaler was written by
     * RegisterTypeLib for us; one pointing elsewhere belongs to the proxy
     * DLL, which regsvr32 /u empkpps.dll removes. */
    get_string(L"Interface", n->iid, L"ProxyStubClsid32", NULL, value, ARRAYSIZE(value));
    if (is_typelib_marshaler(value) && (e = delete_classes_key(L"Interface", n->iid)) && !first)
        first = e;
    if ((e = (DWORD)delete_tree(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, 0)) && !first)
        first = e;
    return first;
}

BOOL is_typelib_marshaler(const WCHAR *clsid)
{
    return !lstrcmpiW(clsid, L"{00020424-0000-0000-C000-000000000046}");
}

static BOOL file_id(const WCHAR *path, BY_HANDLE_FILE_INFORMATION *info)
{
    HANDLE h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    BOOL ok;

    if (h == INVALID_HANDLE_VALUE)
        return FALSE;
    ok = GetFileInformationByHandle(h, info);
    CloseHandle(h);
    return ok;
}

BOOL same_file(const WCHAR *a, const WCHAR *b)
{
    BY_HANDLE_FILE_INFORMATION ia, ib;

    if (file_id(a, &ia) && file_id(b, &ib))
        return ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber &&
               ia.nFileIndexHigh == ib.nFileIndexHigh && ia.nFileIndexLow == ib.nFileIndexLow;
    return !lstrcmpiW(a, b);
}

/* Does this identity's LocalServer32 name a program other than this one?
 * Then OTHER gets that program (as LocalServer32 names it).  One file
 * under two names (C:\PROGRA~1\... and C:\Program Files\...) is ours. */
static BOOL registered_elsewhere(const struct names *n, WCHAR *other, DWORD size)
{
    WCHAR value[MAX_PATH * 2 + 64], expanded[MAX_PATH * 2 + 64];
    char *utf8, path[MAX_PATH * 6];
    WCHAR *wide;
    int present = 0, same = 0;
    DWORD len;

    other[0] = 0;
    get_string(L"CLSID", n->clsid, L"LocalServer32", NULL, value, ARRAYSIZE(value));
    /* %ProgramFiles%\... (REG_EXPAND_SZ) names the file it expands to. */
    len = ExpandEnvironmentStringsW(value, expanded, ARRAYSIZE(expanded));
    if (len && len <= ARRAYSIZE(expanded))
        lstrcpyW(value, expanded);
    if (value[0] && (utf8 = utf8_from_wide(value))) {
        if (localserver_path(utf8, path, sizeof(path), NULL) && (wide = wide_from_utf8(path))) {
            present = 1;
            same = same_file(wide, n->exe_path);
            lstrcpynW(other, wide, (int)size);
            free(wide);
        }
        free(utf8);
    }
    return regsafe_unreg_decide(present, same) == REGSAFE_UNREG_LEAVE;
}

DWORD unregister_server(void)
{
    return unregister_server_report(NULL, 0);
}

DWORD unregister_server_report(char *left, size_t left_size)
{
    struct names n;
    WCHAR value[64], other[MAX_PATH * 2];
    DWORD err = get_names(&n), first, e;
    char *u8other, *u8self;

    if (left && left_size)
        left[0] = 0;
    if (err)
        return err;
    /* Another program's registration (the original helper, another copy)
     * is not ours to remove: everything of this identity stays, and so do
     * the keys both identities share. */
    if (registered_elsewhere(&n, other, ARRAYSIZE(other))) {
        if (left && left_size) {
            u8other = utf8_from_wide(other);
            u8self = utf8_from_wide(n.exe_path);
            snprintf(left, left_size, "left %ls registered: its LocalServer32 names %s, not this "
                     "program (%s). Nothing was removed. Run that program's /unregserver, or "
                     "/regserver here first to make this copy the registered one",
                     n.progid, u8other ? u8other : "another program", u8self ? u8self : "?");
            free(u8other);
            free(u8self);
        }
        return ERROR_SUCCESS;
    }
    first = unregister_shared(&n);
    if ((e = delete_classes_key(L"CLSID", n.clsid)) && !first)
        first = e;
    if ((e = delete_classes_key(n.progid, NULL)) && !first)
        first = e;
    if ((e = delete_classes_key(n.progid_versioned, NULL)) && !first)
        first = e;
    if ((e = delete_classes_key(L"AppID", n.appid)) && !first)
        first = e;
    get_string(L"AppID", n.exe_name, NULL, L"AppID", value, ARRAYSIZE(value));
    if (!lstrcmpiW(value, n.appid) && (e = delete_classes_key(L"AppID", n.exe_name)) && !first)
        first = e;
    return first;
}
