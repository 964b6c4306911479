/* See exmpls.h. */
#include "exmpls.h"

#include <sddl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "faultpoint.h"

REGSAM exmpls_view(void)
{
    typedef BOOL (WINAPI *is_wow64_fn)(HANDLE, BOOL *);
    is_wow64_fn is_wow64;
    BOOL wow64 = FALSE;

    /* IsWow64Process is newer than Windows 2000 (XP SP2): looked up, not
     * imported, so the exe still loads there. */
    is_wow64 = (is_wow64_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                            "IsWow64Process");
    if (is_wow64 && is_wow64(GetCurrentProcess(), &wow64) && wow64)
        return KEY_WOW64_64KEY;
    return 0;
}

LONG exmpls_open(REGSAM access, HKEY *key)
{
    return RegOpenKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, access | exmpls_view(), key);
}

DWORD exmpls_read_data0(BYTE **data, DWORD *len, BOOL *present, BOOL *is_binary)
{
    DWORD type;
    HKEY key;
    LONG err;

    *data = NULL;
    *len = 0;
    *present = *is_binary = FALSE;
    err = exmpls_open(KEY_QUERY_VALUE, &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = regvalue_read(key, L"DATA0", &type, data, len, present);
    RegCloseKey(key);
    if (err == REGVALUE_E_TOO_LARGE) {
        /* No key is that big: for Publish a DATA0 that is not the stored
         * key's (it rewrites it), for /diagnose a FAIL saying so. */
        *len = 0;
        return ERROR_SUCCESS;
    }
    if (err != ERROR_SUCCESS)
        *present = FALSE;
    *is_binary = *present && type == REG_BINARY;
    return (DWORD)err;
}

/* ntdll's answer to KeyValuePartialInformation (2), and its name argument. */
struct value_partial_info {
    ULONG title_index, type, data_length;
    UCHAR data[1];
};
struct counted_name {
    USHORT length, maximum_length;
    const WCHAR *buffer;
};
typedef LONG (NTAPI *nt_query_value_key_fn)(HANDLE, struct counted_name *, int, void *, ULONG,
                                            ULONG *);
typedef ULONG (NTAPI *rtl_status_to_error_fn)(LONG);

/* Largest value query_value_once reads itself (a 4096-bit key's DATA0 is
 * 532 bytes); a longer one goes to RegQueryValueExW. */
#define QUERY_ONCE_MAX 1024u

/* RegQueryValueExW of NAME in one trip to the registry.  Wine 8's
 * RegQueryValueExW first asks with a 256-byte buffer and asks again for
 * anything longer than 244 bytes, and DATA0 is 276: two wineserver round
 * trips, measured as most of a steady-state Publish's own time.
 * NtQueryValueKey (ntdll, on every Windows NT; what RegQueryValueExW is
 * built on) with room for the whole value asks once.  Same results as
 * RegQueryValueExW: ERROR_MORE_DATA with the size needed when BUF is short. */
static LONG query_value_once(HKEY key, const WCHAR *name, DWORD *type, BYTE *buf, DWORD *size)
{
    static nt_query_value_key_fn query;
    static rtl_status_to_error_fn to_error;
    static volatile LONG looked_up;
    union {
        struct value_partial_info info;
        BYTE bytes[offsetof(struct value_partial_info, data) + QUERY_ONCE_MAX];
    } answer;
    const ULONG header = offsetof(struct value_partial_info, data);
    struct counted_name uname;
    ULONG got = 0;
    LONG status;

    if (!looked_up) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

        /* Both found or neither: a race only looks them up twice. */
        if (ntdll) {
            to_error = (rtl_status_to_error_fn)(void (*)(void))GetProcAddress(
                ntdll, "RtlNtStatusToDosError");
            if (to_error)
                query = (nt_query_value_key_fn)(void (*)(void))GetProcAddress(
                    ntdll, "NtQueryValueKey");
        }
        InterlockedExchange(&looked_up, 1);
    }
    if (!query || *size > QUERY_ONCE_MAX || (size_t)lstrlenW(name) * sizeof(WCHAR) > 0xfffe)
        return RegQueryValueExW(key, name, NULL, type, buf, size);
    uname.length = (USHORT)(lstrlenW(name) * sizeof(WCHAR));
    uname.maximum_length = uname.length;
    uname.buffer = name;
    status = query(key, &uname, 2 /* KeyValuePartialInformation */, &answer,
                   header + *size, &got);
    if (status == 0) {
        if (answer.info.data_length > *size) {  /* ntdll said it fit: not so */
            *size = answer.info.data_length;
            return ERROR_MORE_DATA;
        }
        memcpy(buf, answer.info.data, answer.info.data_length);
        *size = answer.info.data_length;
        *type = answer.info.type;
        return ERROR_SUCCESS;
    }
    /* STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL: GOT is the whole size. */
    if ((ULONG)status == 0x80000005u || (ULONG)status == 0xC0000023u) {
        *size = got > header ? got - header : *size + 1;
        return ERROR_MORE_DATA;
    }
    return (LONG)to_error(status);
}

DWORD exmpls_read_data0_fast(HKEY *key, BYTE *buf, DWORD *size, BOOL *is_binary)
{
    DWORD type;
    LONG err = ERROR_SUCCESS;

    /* The reader's size rule holds here too (BUF is the caller's, and no
     * larger than a key; see regvalue_read). */
    *is_binary = FALSE;
    if (*size > REGVALUE_MAX)
        return REGVALUE_E_TOO_LARGE;
    if (!*key)
        err = exmpls_open(KEY_QUERY_VALUE, key);
    if (err == ERROR_SUCCESS)
        err = query_value_once(*key, L"DATA0", &type, buf, size);
    /* A deleted and re-created ExMPLS (ERROR_KEY_DELETED) needs a new handle;
     * so may anything else that went wrong: drop it, the next call reopens. */
    if (err != ERROR_SUCCESS && *key) {
        RegCloseKey(*key);
        *key = NULL;
    }
    *is_binary = err == ERROR_SUCCESS && type == REG_BINARY;
    return (DWORD)err;
}

DWORD exmpls_write_data0(const BYTE *blob, DWORD len)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    DWORD disposition = 0;
    HKEY key = NULL;
    LONG err;

    if (FAULT_FAIL("exmpls-write"))
        return ERROR_ACCESS_DENIED;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(EXMPLS_SDDL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        return GetLastError();
    /* An existing key is opened for what is used, KEY_SET_VALUE: an account
     * delegated set-value rights on it must not fail for WRITE_DAC, which
     * only a key created here needs (its DACL is set again below). */
    err = exmpls_open(KEY_SET_VALUE, &key);
    if (err != ERROR_SUCCESS)
        key = NULL;
    if (err == ERROR_FILE_NOT_FOUND) {
        err = RegCreateKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                              KEY_SET_VALUE | WRITE_DAC | exmpls_view(), &sa, &key, &disposition);
        /* Set again on a new key: Wine ignores the descriptor given at
         * creation, and a key left with its inherited DACL would be
         * readable by Users.  (Created meanwhile by another writer: it
         * keeps the DACL that writer gave it.) */
        if (err == ERROR_SUCCESS && disposition == REG_CREATED_NEW_KEY)
            err = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sa.lpSecurityDescriptor);
    }
    LocalFree(sa.lpSecurityDescriptor);
    if (err != ERROR_SUCCESS) {
        if (key)
            RegCloseKey(key);
        return (DWORD)err;
    }
    err = RegSetValueExW(key, L"DATA0", 0, REG_BINARY, blob, len);
    RegCloseKey(key);
    return (DWORD)err;
}

DWORD exmpls_check_writable(void)
{
    HKEY key;
    LONG err;

    if (FAULT_FAIL("exmpls-write"))
        return ERROR_ACCESS_DENIED;
    err = exmpls_open(KEY_SET_VALUE, &key);
    if (err == ERROR_FILE_NOT_FOUND)
        err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft", 0,
                            KEY_CREATE_SUB_KEY | exmpls_view(), &key);
    if (err == ERROR_SUCCESS)
        RegCloseKey(key);
    return (DWORD)err;
}

DWORD exmpls_delete_values(void)
{
    static const WCHAR *const names[] = { L"DATA1", L"DATA2", L"DATA3", L"DATA0" };
    HKEY key;
    LONG err;
    size_t i;

    if (FAULT_FAIL("exmpls-write"))
        return ERROR_ACCESS_DENIED;
    err = exmpls_open(KEY_SET_VALUE, &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    /* The credentials first: should this stop half-way, what is left is a
     * DATA0 without credentials, never credentials beside a new key. */
    for (i = 0; i < ARRAYSIZE(names) && err == ERROR_SUCCESS; i++) {
        err = RegDeleteValueW(key, names[i]);
        if (err == ERROR_FILE_NOT_FOUND)
            err = ERROR_SUCCESS;
    }
    RegCloseKey(key);
    return (DWORD)err;
}
