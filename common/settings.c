/* See settings.h. */
#include "settings.h"

#include "exmpls.h"

DWORD settings_read_key_bits(BOOL *present, BOOL *is_dword, DWORD *value)
{
    DWORD type, size = sizeof(*value);
    HKEY key;
    LONG err;

    *present = *is_dword = FALSE;
    *value = 0;
    err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, SETTINGS_KEY, 0, KEY_QUERY_VALUE | exmpls_view(), &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = RegQueryValueExW(key, L"KeyBits", NULL, &type, (BYTE *)value, &size);
    RegCloseKey(key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    *present = TRUE;
    if (err == ERROR_MORE_DATA) {  /* not a DWORD: present, and refused */
        *value = 0;
        return ERROR_SUCCESS;
    }
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    *is_dword = type == REG_DWORD && size == sizeof(*value);
    return ERROR_SUCCESS;
}
