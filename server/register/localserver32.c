/* See localserver32.h. */
#include "localserver32.h"

#include <string.h>

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int ends_exe(const char *p)
{
    return (p[0] == '.') && (p[1] == 'e' || p[1] == 'E') && (p[2] == 'x' || p[2] == 'X') &&
           (p[3] == 'e' || p[3] == 'E') && (p[4] == 0 || is_blank(p[4]));
}

int localserver_path(const char *value, char *out, size_t size, int *quoted)
{
    const char *start, *end, *p;
    size_t len;

    if (quoted)
        *quoted = 0;
    if (out && size)
        out[0] = 0;
    if (!value || !out || !size)
        return 0;
    while (is_blank(*value))
        value++;
    if (*value == '"') {
        if (quoted)
            *quoted = 1;
        start = value + 1;
        end = strchr(start, '"');
        if (!end)
            end = start + strlen(start);
    } else {
        start = value;
        end = NULL;
        for (p = start; *p; p++) {
            if (ends_exe(p)) {
                end = p + 4;
                break;
            }
        }
        if (!end)
            for (end = start; *end && !is_blank(*end); end++)
                ;
    }
    /* Blanks just inside the quotes are part of no real path. */
    while (end > start && is_blank(end[-1]))
        end--;
    len = (size_t)(end - start);
    if (len == 0 || len >= size)
        return 0;
    memcpy(out, start, len);
    out[len] = 0;
    return 1;
}

int localserver_unquoted_try(const char *value, unsigned index, char *out, size_t size)
{
    char path[1024];
    const char *p, *part;
    size_t len;
    int quoted;
    unsigned n = 0;

    if (out && size)
        out[0] = 0;
    if (!out || !size || !localserver_path(value, path, sizeof(path), &quoted) || quoted)
        return 0;
    for (p = path; *p; p++) {
        if (!is_blank(*p) || p == path)
            continue;
        if (n++ != index)
            continue;
        len = (size_t)(p - path);
        for (part = p; part > path && part[-1] != '\\' && part[-1] != '/'; part--)
            ;
        if (len + 5 > size)
            return 0;
        memcpy(out, path, len);
        out[len] = 0;
        if (!memchr(part, '.', (size_t)(p - part)))
            memcpy(out + len, ".exe", 5);
        return 1;
    }
    return 0;
}
