/* Command-line decisions for empkp.exe; see cmdline.h. */
#include "cmdline.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    enum cmdline_action action;
} switches[] = {
    /* ATL local servers accept these, case-insensitively, after '/' or '-';
     * COM itself starts a local server with "-Embedding", and with
     * "/Automation" when an automation client launches it. */
    { "regserver",   CMDLINE_REGSERVER },
    { "unregserver", CMDLINE_UNREGSERVER },
    { "embedding",   CMDLINE_EMBEDDING },
    { "automation",  CMDLINE_EMBEDDING },
    { "publish",     CMDLINE_PUBLISH },
    { "?",           CMDLINE_USAGE },
    { "h",           CMDLINE_USAGE },
    { "help",        CMDLINE_USAGE },
};

static int ascii_tolower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_tolower((unsigned char)*a) != ascii_tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* Copies at most 40 bytes of arg into the message, so that a hostile
 * argument can neither overflow it nor flood the console. */
static void set_error(struct cmdline *out, const char *what, const char *arg)
{
    out->action = CMDLINE_ERROR;
    if (arg)
        snprintf(out->message, sizeof(out->message), "%s: \"%.40s%s\"",
                 what, arg, strlen(arg) > 40 ? "..." : "");
    else
        snprintf(out->message, sizeof(out->message), "%s", what);
}

static int lookup(const char *arg, enum cmdline_action *action)
{
    size_t i;

    if (arg[0] != '/' && arg[0] != '-')
        return 0;
    for (i = 0; i < sizeof(switches) / sizeof(switches[0]); i++) {
        if (ascii_ieq(arg + 1, switches[i].name)) {
            *action = switches[i].action;
            return 1;
        }
    }
    return 0;
}

void cmdline_parse(int argc, const char *const *argv, struct cmdline *out)
{
    enum cmdline_action action;

    memset(out, 0, sizeof(*out));
    if (argc < 2 || !argv) {
        set_error(out, "no command given (try /? for usage)", NULL);
        return;
    }
    if (argc > 2) {
        /* One action per run: "/regserver /unregserver" has no sensible
         * meaning, and guessing would hide a typo in an install script. */
        set_error(out, "too many arguments; give exactly one switch, starting at", argv[2]);
        return;
    }
    if (!argv[1] || !lookup(argv[1], &action)) {
        set_error(out, "unknown argument", argv[1] ? argv[1] : "");
        return;
    }
    out->action = action;
}

const char *cmdline_usage(void)
{
    return
        "empkp: the EMPKP public key publisher (DCOM helper for MOM monitoring of Exchange).\n"
        "\n"
        "Usage:\n"
        "  empkp /regserver     register EMPKP.PubKeyPublisher with COM (DCOM Config: EMPKP)\n"
        "  empkp /unregserver   remove that registration\n"
        "  empkp /publish       do what Publish() does, print ErrID and exit with it\n"
        "  empkp /?             show this text\n"
        "\n"
        "COM starts empkp with -Embedding when a script calls\n"
        "CreateObject(\"EMPKP.PubKeyPublisher\").Publish().\n"
        "Switches are case-insensitive and may start with '/' or '-'.\n"
        "Exit code: 0 on success, otherwise a Win32 error code (87: bad arguments).\n";
}
