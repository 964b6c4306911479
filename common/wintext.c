/* See wintext.h. */
#include "wintext.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int int_size(size_t size)
{
    return size > INT_MAX ? INT_MAX : (int)size;
}

int utf8_from_wide_buf(const WCHAR *wide, char *out, size_t size)
{
    char *full;
    size_t cut;

    if (!size)
        return 0;
    out[0] = 0;
    if (!wide)
        return 1;
    if (WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, int_size(size), NULL, NULL) > 0)
        return 1;
    /* Too long for OUT: as much of the whole as fits, backing off over
     * continuation bytes (10xxxxxx) to the start of the cut character. */
    out[0] = 0;
    if ((full = utf8_from_wide(wide))) {
        cut = strlen(full);
        if (cut >= size) {
            cut = size - 1;
            while (cut && ((unsigned char)full[cut] & 0xC0) == 0x80)
                cut--;
        }
        memcpy(out, full, cut);
        out[cut] = 0;
        free(full);
    }
    return 0;
}

int wide_from_utf8_buf(const char *utf8, WCHAR *out, size_t count)
{
    if (!count)
        return 0;
    out[0] = 0;
    if (!utf8)
        return 1;
    if (MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, int_size(count)) > 0)
        return 1;
    /* A failed conversion may have written part of it. */
    SecureZeroMemory(out, count * sizeof(WCHAR));
    return 0;
}

const char *win32_message(DWORD err, char *out, size_t size)
{
    WCHAR text[512];
    size_t n;

    if (!size)
        return out;
    out[0] = 0;
    if (!FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
                        text, ARRAYSIZE(text), NULL))
        return out;
    text[ARRAYSIZE(text) - 1] = 0;
    utf8_from_wide_buf(text, out, size);
    n = strlen(out);
    while (n && (out[n - 1] == '\r' || out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '.'))
        out[--n] = 0;
    return out;
}

const char *win32_error_text(DWORD err, char *out, size_t size)
{
    char message[512];

    win32_message(err, message, sizeof(message));
    snprintf(out, size, "error %lu (0x%08lX)%s%s", (unsigned long)err, (unsigned long)err,
             message[0] ? ": " : "", message);
    return out;
}
