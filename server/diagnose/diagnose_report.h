/* The output of empkp /diagnose: text lines for people, one JSON object for
 * scripts.  Plain C (unit-tested natively); server/diagnose/diagnose.c hands the
 * text to console.c.
 *
 * Text: a header line, then per check "PASS|WARN|FAIL <check>: <found>"
 * with " -- <remedy>" when not PASS, then "VERDICT <event> (<name>): ...".
 * With /fix that changed something: the checks before ("Before /fix:"),
 * one "FIX <what was done>" line each, then the checks after.  Control
 * characters from the registry become '?', so every check is one line.
 *
 * JSON: {"identity":{...},"fix":bool,["checks_before_fix":[...],]
 * ["fixes":[...],]"checks":[{"check","name","status","found","remedy"}...],
 * "verdict":{"event","name","exit_code","text"}}, pure ASCII (everything
 * else as \u escapes), whatever the console's code page. */
#ifndef EMPKP_DIAGNOSE_REPORT_H
#define EMPKP_DIAGNOSE_REPORT_H

#include <stddef.h>

#include "diagnose_logic.h"

/* A growing string; oom is set (and further appends dropped) when an
 * allocation fails.  Start zeroed; release with diag_buf_free. */
struct diag_buf {
    char *data;
    size_t len, cap;
    int oom;
};
void diag_buf_free(struct diag_buf *buf);

struct diag_run {
    enum identity_kind identity;
    const char *clsid;                 /* the identity's CLSID, "{...}" */
    const char *program;               /* this program's path, UTF-8 */
    int fix;                           /* /fix was given */
    const struct diag_result *before;  /* the checks before /fix changed anything, or NULL */
    const char *const *fixes;          /* what /fix did, one text each */
    size_t fix_count;
    const struct diag_result *results; /* the checks (after /fix, if it ran) */
};

/* Append the report to out; 0, or -1 when out of memory. */
int diag_render_text(const struct diag_run *run, struct diag_buf *out);
int diag_render_json(const struct diag_run *run, struct diag_buf *out);

#endif
