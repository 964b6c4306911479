/* See diagnose_report.h. */
#include "diagnose_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_buf_free(struct diag_buf *buf)
{
    free(buf->data);
    memset(buf, 0, sizeof(*buf));
}

static void append_n(struct diag_buf *buf, const char *text, size_t n)
{
    size_t cap;
    char *grown;

    if (buf->oom)
        return;
    if (buf->len + n + 1 > buf->cap) {
        cap = buf->cap ? buf->cap : 1024;
        while (cap < buf->len + n + 1)
            cap *= 2;
        grown = realloc(buf->data, cap);
        if (!grown) {
            buf->oom = 1;
            return;
        }
        buf->data = grown;
        buf->cap = cap;
    }
    memcpy(buf->data + buf->len, text, n);
    buf->len += n;
    buf->data[buf->len] = 0;
}

static void append(struct diag_buf *buf, const char *text)
{
    append_n(buf, text, strlen(text));
}

static void appendf(struct diag_buf *buf, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void appendf(struct diag_buf *buf, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (n > 0)
        append_n(buf, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

static const char *status_word(enum diag_status status)
{
    switch (status) {
    case DIAG_PASS: return "PASS";
    case DIAG_WARN: return "WARN";
    case DIAG_FAIL: return "FAIL";
    }
    return "FAIL";
}

/* Text: UTF-8 as is, control characters as '?'. */
static void append_line_safe(struct diag_buf *buf, const char *text)
{
    const unsigned char *p;
    char c;

    for (p = (const unsigned char *)text; *p; p++) {
        c = (*p < 0x20 || *p == 0x7F) ? '?' : (char)*p;
        append_n(buf, &c, 1);
    }
}

static void text_checks(struct diag_buf *out, const struct diag_result *results)
{
    int i;

    for (i = 0; i < DIAG_CHECK_COUNT; i++) {
        appendf(out, "%s %s: ", status_word(results[i].status), diag_check_name((enum diag_check)i));
        append_line_safe(out, results[i].found);
        if (results[i].status != DIAG_PASS && results[i].remedy[0]) {
            append(out, " -- ");
            append_line_safe(out, results[i].remedy);
        }
        append(out, "\n");
        if (results[i].sha256[0]) {
            append(out, "     DATA0 SHA-256: ");
            append_line_safe(out, results[i].sha256);
            append(out, "\n");
        }
    }
}

int diag_render_text(const struct diag_run *run, struct diag_buf *out)
{
    const struct identity_names *id = identity_names(run->identity);
    enum diag_verdict verdict = diag_verdict_of(run->results);
    char text[600];
    size_t i;

    appendf(out, "empkp /diagnose of %s %s (%s); this program: ", id->progid, run->clsid,
            id->mp_versions);
    append_line_safe(out, run->program ? run->program : "?");
    append(out, "\n");
    if (run->before) {
        append(out, "Before /fix:\n");
        text_checks(out, run->before);
    }
    for (i = 0; i < run->fix_count; i++) {
        append(out, "FIX ");
        append_line_safe(out, run->fixes[i] ? run->fixes[i] : "");
        append(out, "\n");
    }
    if (run->before)
        append(out, "After /fix:\n");
    text_checks(out, run->results);
    diag_verdict_text(verdict, run->identity, text, sizeof(text));
    appendf(out, "VERDICT %d (%s): %s\n", diag_verdict_event(verdict, run->identity),
            diag_verdict_name(verdict), text);
    return out->oom ? -1 : 0;
}

/* Decodes one UTF-8 sequence at *p; invalid or overlong input gives
 * U+FFFD and consumes one byte. */
static unsigned long next_code_point(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned long cp;
    int n, i;

    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) { n = 1; cp = s[0] & 0x1F; }
    else if ((s[0] & 0xF0) == 0xE0) { n = 2; cp = s[0] & 0x0F; }
    else if ((s[0] & 0xF8) == 0xF0) { n = 3; cp = s[0] & 0x07; }
    else { *p = s + 1; return 0xFFFD; }
    for (i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {   /* also stops at the terminating NUL */
            *p = s + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *p = s + 1;
        return 0xFFFD;
    }
    *p = s + n + 1;
    return cp;
}

static void json_string(struct diag_buf *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    unsigned long cp;

    append(out, "\"");
    while (*p) {
        cp = next_code_point(&p);
        if (cp == '"')
            append(out, "\\\"");
        else if (cp == '\\')
            append(out, "\\\\");
        else if (cp == '\n')
            append(out, "\\n");
        else if (cp == '\r')
            append(out, "\\r");
        else if (cp == '\t')
            append(out, "\\t");
        else if (cp >= 0x20 && cp < 0x7F) {
            char c = (char)cp;
            append_n(out, &c, 1);
        } else if (cp < 0x10000)
            appendf(out, "\\u%04lx", cp);
        else
            appendf(out, "\\u%04lx\\u%04lx", 0xD800 + ((cp - 0x10000) >> 10),
                    0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
    append(out, "\"");
}

static void json_checks(struct diag_buf *out, const struct diag_result *results)
{
    int i;

    append(out, "[");
    for (i = 0; i < DIAG_CHECK_COUNT; i++) {
        append(out, i ? ",\n  {\"check\": " : "\n  {\"check\": ");
        json_string(out, diag_check_id((enum diag_check)i));
        append(out, ", \"name\": ");
        json_string(out, diag_check_name((enum diag_check)i));
        append(out, ", \"status\": ");
        json_string(out, status_word(results[i].status));
        append(out, ", \"found\": ");
        json_string(out, results[i].found);
        append(out, ", \"remedy\": ");
        json_string(out, results[i].status == DIAG_PASS ? "" : results[i].remedy);
        if (results[i].sha256[0]) {
            append(out, ", \"sha256\": ");
            json_string(out, results[i].sha256);
        }
        append(out, "}");
    }
    append(out, "\n ]");
}

int diag_render_json(const struct diag_run *run, struct diag_buf *out)
{
    const struct identity_names *id = identity_names(run->identity);
    enum diag_verdict verdict = diag_verdict_of(run->results);
    char text[600];
    size_t i;

    append(out, "{\"identity\": {\"progid\": ");
    json_string(out, id->progid);
    append(out, ", \"clsid\": ");
    json_string(out, run->clsid);
    append(out, ", \"program\": ");
    json_string(out, run->program);
    appendf(out, "},\n \"fix\": %s,\n", run->fix ? "true" : "false");
    if (run->before) {
        append(out, " \"checks_before_fix\": ");
        json_checks(out, run->before);
        append(out, ",\n");
    }
    if (run->fix) {
        append(out, " \"fixes\": [");
        for (i = 0; i < run->fix_count; i++) {
            if (i)
                append(out, ", ");
            json_string(out, run->fixes[i]);
        }
        append(out, "],\n");
    }
    append(out, " \"checks\": ");
    json_checks(out, run->results);
    diag_verdict_text(verdict, run->identity, text, sizeof(text));
    appendf(out, ",\n \"verdict\": {\"event\": %d, \"name\": ", diag_verdict_event(verdict, run->identity));
    json_string(out, diag_verdict_name(verdict));
    appendf(out, ", \"exit_code\": %d, \"text\": ", diag_exit_code(verdict, run->identity));
    json_string(out, text);
    append(out, "}}\n");
    return out->oom ? -1 : 0;
}
