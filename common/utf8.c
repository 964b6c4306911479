/* See utf8.h. */
#include "utf8.h"

#include <stdlib.h>

char *utf8_from_wide(const WCHAR *wide)
{
    int len;
    char *out;

    if (!wide)
        return NULL;
    len = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
    out = len > 0 ? malloc((size_t)len) : NULL;
    if (out && !WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, len, NULL, NULL)) {
        free(out);
        out = NULL;
    }
    return out;
}

WCHAR *wide_from_utf8(const char *utf8)
{
    int len;
    WCHAR *out;

    if (!utf8)
        return NULL;
    len = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
    out = len > 0 ? malloc((size_t)len * sizeof(WCHAR)) : NULL;
    if (out && !MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, len)) {
        free(out);
        out = NULL;
    }
    return out;
}
