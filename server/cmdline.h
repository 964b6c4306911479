/* What empkp.exe was asked to do, decided from its arguments.
 *
 * Plain C with no Windows headers, so the native unit tests can reach every
 * case under the sanitizers; server/main.c does the Windows side (wide
 * argv to UTF-8, printing, exit codes). */
#ifndef EMPKP_CMDLINE_H
#define EMPKP_CMDLINE_H

#include <stddef.h>

enum cmdline_action {
    CMDLINE_USAGE,        /* /? /h /help: print usage, exit 0 */
    CMDLINE_REGSERVER,    /* /regserver */
    CMDLINE_UNREGSERVER,  /* /unregserver */
    CMDLINE_EMBEDDING,    /* -Embedding or /Automation: started by COM, serve */
    CMDLINE_PUBLISH,      /* /publish: Publish once, print ErrID, exit with it */
    CMDLINE_DIAGNOSE,     /* /diagnose [/fix [/dcom]] [/format:json|text] [/account:NAME] */
    CMDLINE_STOPSERVERS,  /* /stopservers: wait, bounded, for running servers to end */
    CMDLINE_ERROR         /* anything else: message, exit CMDLINE_EXIT_BADARGS */
};

/* Exit code for bad arguments: ERROR_INVALID_PARAMETER, so that it reads the
 * same way as every other Win32 code empkp returns. */
#define CMDLINE_EXIT_BADARGS 87

struct cmdline {
    enum cmdline_action action;
    int fix;            /* /diagnose /fix: may re-register and re-publish */
    int json;           /* /diagnose /format:json: one JSON object */
    int dcom;           /* /diagnose /fix /dcom: may add the account to DCOM permissions */
    char account[257];  /* /diagnose /account:NAME: the account MOM runs as ("" = SYSTEM) */
    char message[160];  /* for CMDLINE_ERROR: what was wrong, one line */
};

/* argv[0] is the program; argv[1..argc-1] are UTF-8 arguments.  One
 * switch per run; only /diagnose takes options, each at most once and only
 * after it: /fix, /format:json, /format:text, /account:NAME (DOMAIN\user,
 * at most 256 bytes, not empty) and /dcom (only with /fix). */
void cmdline_parse(int argc, const char *const *argv, struct cmdline *out);

/* The usage text, with trailing newline. */
const char *cmdline_usage(void);

#endif
