/* See regvalue.h. */
#include "regvalue.h"

#include <stdlib.h>
#include <string.h>

LONG regvalue_read(HKEY key, const WCHAR *name, DWORD *type, BYTE **data, DWORD *len,
                   BOOL *present)
{
    DWORD size = 0;
    LONG err;
    int tries;

    *data = NULL;
    *len = 0;
    *present = FALSE;
    *type = REG_NONE;
    /* A size, then the read; a value that grew in between is sized again
     * (a few times: a writer cannot keep us here). */
    for (tries = 0; tries < 4; tries++) {
        err = RegQueryValueExW(key, name, NULL, type, *data, &size);
        if (err == ERROR_FILE_NOT_FOUND) {
            free(*data);
            *data = NULL;
            *type = REG_NONE;
            return ERROR_SUCCESS;
        }
        if (err == ERROR_SUCCESS && *data) {
            *present = TRUE;
            *len = size;
            return ERROR_SUCCESS;
        }
        if (err != ERROR_SUCCESS && err != ERROR_MORE_DATA)
            break;
        free(*data);
        *data = NULL;
        if (size > REGVALUE_MAX) {
            /* Never read, never cut: the caller is told, with the size. */
            *present = TRUE;
            *len = size;
            return REGVALUE_E_TOO_LARGE;
        }
        *data = malloc(size ? size : 1);
        if (!*data)
            return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (err == ERROR_SUCCESS)
        err = ERROR_MORE_DATA;   /* still growing after the last try */
    free(*data);
    *data = NULL;
    *type = REG_NONE;
    return err;
}

LONG regvalue_read_string(HKEY key, const WCHAR *name, WCHAR *out, DWORD chars, DWORD *type)
{
    DWORD t, len, n = 0;
    BYTE *data;
    BOOL present;
    LONG err;

    if (type)
        *type = REG_NONE;
    if (!chars)
        return ERROR_MORE_DATA;
    out[0] = 0;
    err = regvalue_read(key, name, &t, &data, &len, &present);
    if (err != ERROR_SUCCESS)
        return err;
    if (!present)
        return ERROR_FILE_NOT_FOUND;
    if (t != REG_SZ && t != REG_EXPAND_SZ) {
        free(data);
        return ERROR_INVALID_DATATYPE;
    }
    /* Up to the first NUL, or the whole value when it has none (an odd
     * last byte is not a character). */
    while (n < len / sizeof(WCHAR) && ((const WCHAR *)data)[n])
        n++;
    if (n >= chars) {
        free(data);
        return ERROR_MORE_DATA;
    }
    memcpy(out, data, n * sizeof(WCHAR));
    out[n] = 0;
    free(data);
    if (type)
        *type = t;
    return ERROR_SUCCESS;
}

LONG regvalue_read_dword(HKEY key, const WCHAR *name, BOOL *present, BOOL *is_dword, DWORD *value)
{
    DWORD type, len;
    BYTE *data;
    LONG err;

    *is_dword = FALSE;
    *value = 0;
    err = regvalue_read(key, name, &type, &data, &len, present);
    if (err == REGVALUE_E_TOO_LARGE)
        return ERROR_SUCCESS;   /* present, and no DWORD */
    if (err != ERROR_SUCCESS || !*present)
        return err;
    *is_dword = type == REG_DWORD && len == sizeof(*value);
    if (*is_dword)
        memcpy(value, data, sizeof(*value));
    free(data);
    return ERROR_SUCCESS;
}

void regvalue_size(HKEY key, const WCHAR *name, BOOL *present, DWORD *type, DWORD *size)
{
    *size = 0;
    /* No buffer: Windows reports the size and type, not the data. */
    *present = RegQueryValueExW(key, name, NULL, type, NULL, size) == ERROR_SUCCESS;
    if (!*present) {
        *type = REG_NONE;
        *size = 0;
    }
}
