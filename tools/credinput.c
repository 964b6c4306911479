/* Password input decisions; see credinput.h. */
#include "credinput.h"

const char *credinput_status_str(enum credinput_status st)
{
    switch (st) {
    case CREDINPUT_OK:         return "success";
    case CREDINPUT_EMPTY:      return "the password is empty";
    case CREDINPUT_NOT_TEXT:   return "standard input is not UTF-8 (or UTF-16 with a byte order mark)";
    case CREDINPUT_NUL:        return "the password contains a NUL character";
    case CREDINPUT_MORE_LINES: return "standard input has more than one line";
    case CREDINPUT_TOO_LONG:   return "the password is too long";
    }
    return "unknown status";
}

/* One code point from strict UTF-8 at in[*i..len): no overlong forms, no
 * encoded surrogates, nothing above U+10FFFF, no truncated sequence.
 * Returns the code point, or -1. */
static long utf8_next(const unsigned char *in, size_t len, size_t *i)
{
    unsigned char b = in[*i];
    size_t need, k;
    unsigned long cp, min;

    if (b < 0x80u) {
        (*i)++;
        return b;
    }
    if (b >= 0xC2u && b <= 0xDFu) {
        need = 1; cp = b & 0x1Fu; min = 0x80u;
    } else if (b >= 0xE0u && b <= 0xEFu) {
        need = 2; cp = b & 0x0Fu; min = 0x800u;
    } else if (b >= 0xF0u && b <= 0xF4u) {
        need = 3; cp = b & 0x07u; min = 0x10000u;
    } else {
        return -1;  /* continuation byte, C0/C1 (overlong), F5..FF */
    }
    if (len - *i <= need)
        return -1;
    for (k = 1; k <= need; k++) {
        b = in[*i + k];
        if ((b & 0xC0u) != 0x80u)
            return -1;
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu))
        return -1;
    *i += need + 1;
    return (long)cp;
}

/* Appends code point cp as UTF-16; 0 when it does not fit. */
static int put_units(uint16_t *out, size_t cap, size_t *n, unsigned long cp)
{
    if (cp >= 0x10000u) {
        if (cap - *n < 2)
            return 0;
        cp -= 0x10000u;
        out[(*n)++] = (uint16_t)(0xD800u + (cp >> 10));
        out[(*n)++] = (uint16_t)(0xDC00u + (cp & 0x3FFu));
        return 1;
    }
    if (cap - *n < 1)
        return 0;
    out[(*n)++] = (uint16_t)cp;
    return 1;
}

static int is_surrogate(unsigned long u) { return u >= 0xD800u && u <= 0xDFFFu; }

/* The next code point from UTF-16LE bytes; surrogate pairs must be whole.
 * Returns it, or -1. */
static long utf16le_next(const unsigned char *in, size_t len, size_t *i)
{
    unsigned long u, lo;

    if (len - *i < 2)
        return -1;
    u = (unsigned long)in[*i] | ((unsigned long)in[*i + 1] << 8);
    if (!is_surrogate(u)) {
        *i += 2;
        return (long)u;
    }
    if (u >= 0xDC00u || len - *i < 4)
        return -1;
    lo = (unsigned long)in[*i + 2] | ((unsigned long)in[*i + 3] << 8);
    if (lo < 0xDC00u || lo > 0xDFFFu)
        return -1;
    *i += 4;
    return (long)(0x10000u + ((u - 0xD800u) << 10) + (lo - 0xDC00u));
}

enum credinput_status credinput_decode(const unsigned char *in, size_t len,
                                       uint16_t *out, size_t cap, size_t *n)
{
    int utf16 = 0, line_ended = 0;
    size_t i = 0, count = 0;
    long cp;

    if (n == NULL)
        return CREDINPUT_NOT_TEXT;
    *n = 0;
    if (in == NULL || len == 0)
        return CREDINPUT_EMPTY;
    if (out == NULL)
        return CREDINPUT_TOO_LONG;
    if (len >= 2 && in[0] == 0xFFu && in[1] == 0xFEu) {
        utf16 = 1;
        i = 2;
    } else if (len >= 3 && in[0] == 0xEFu && in[1] == 0xBBu && in[2] == 0xBFu) {
        i = 3;
    }

    while (i < len) {
        cp = utf16 ? utf16le_next(in, len, &i) : utf8_next(in, len, &i);
        if (cp < 0)
            return CREDINPUT_NOT_TEXT;
        if (cp == '\r' || cp == '\n') {
            line_ended = 1;
            continue;
        }
        if (line_ended)
            return CREDINPUT_MORE_LINES;
        if (cp == 0)
            return CREDINPUT_NUL;
        if (!put_units(out, cap, &count, (unsigned long)cp))
            return CREDINPUT_TOO_LONG;
    }
    if (count == 0)
        return CREDINPUT_EMPTY;
    *n = count;
    return CREDINPUT_OK;
}

enum credinput_status credinput_console_line(const uint16_t *in, size_t len, size_t cap,
                                             size_t *n)
{
    size_t i;

    if (n == NULL)
        return CREDINPUT_NOT_TEXT;
    *n = 0;
    if (in == NULL || len == 0)
        return CREDINPUT_EMPTY;   /* end of input: nothing was typed */
    for (i = 0; i < len; i++) {
        if (in[i] == '\r' || in[i] == '\n')
            break;
        if (in[i] == 0)
            return CREDINPUT_NUL;
    }
    /* The read buffer holds cap units and the line end: a line of cap + 1
     * units still ends with CR there (its LF left for the next read). */
    if (i == len || i > cap)
        return CREDINPUT_TOO_LONG;
    if (i == 0)
        return CREDINPUT_EMPTY;
    *n = i;
    return CREDINPUT_OK;
}

int credinput_console_yes(const uint16_t *in, size_t len)
{
    static const char yes[] = "yes";
    size_t i = 0, k;

    if (in == NULL)
        return 0;
    while (i < len && in[i] == ' ')
        i++;
    for (k = 0; k < 3; k++, i++)
        if (i >= len || (in[i] | 0x20u) != (unsigned)yes[k])
            return 0;
    while (i < len && in[i] == ' ')
        i++;
    return i < len && (in[i] == '\r' || in[i] == '\n');
}
