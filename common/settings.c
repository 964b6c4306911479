/* See settings.h. */
#include "settings.h"

#include "exmpls.h"
#include "regvalue.h"

DWORD settings_read_key_bits(BOOL *present, BOOL *is_dword, DWORD *value)
{
    HKEY key;
    LONG err;

    *present = *is_dword = FALSE;
    *value = 0;
    err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, SETTINGS_KEY, 0, KEY_QUERY_VALUE | exmpls_view(), &key);
    if (err == ERROR_FILE_NOT_FOUND)
        return ERROR_SUCCESS;
    if (err != ERROR_SUCCESS)
        return (DWORD)err;
    err = regvalue_read_dword(key, L"KeyBits", present, is_dword, value);
    RegCloseKey(key);
    return (DWORD)err;
}
