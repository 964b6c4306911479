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
    { "diagnose",    CMDLINE_DIAGNOSE },
    { "stopservers", CMDLINE_STOPSERVERS },
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

enum option { OPTION_NONE, OPTION_FIX, OPTION_FORMAT_JSON, OPTION_FORMAT_TEXT, OPTION_ACCOUNT,
              OPTION_DCOM };

static int ascii_iprefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (ascii_tolower((unsigned char)*s) != ascii_tolower((unsigned char)*prefix))
            return 0;
    return 1;
}

/* The options /diagnose takes: "/fix", "/format:json", "/format:text",
 * "/account:NAME", "/dcom". */
static enum option option_of(const char *arg)
{
    if (!arg || (arg[0] != '/' && arg[0] != '-'))
        return OPTION_NONE;
    if (ascii_ieq(arg + 1, "fix"))
        return OPTION_FIX;
    if (ascii_ieq(arg + 1, "dcom"))
        return OPTION_DCOM;
    if (ascii_iprefix(arg + 1, "account:"))
        return OPTION_ACCOUNT;
    if (ascii_ieq(arg + 1, "format:json"))
        return OPTION_FORMAT_JSON;
    if (ascii_ieq(arg + 1, "format:text"))
        return OPTION_FORMAT_TEXT;
    return OPTION_NONE;
}

static void parse_diagnose_options(int argc, const char *const *argv, struct cmdline *out)
{
    int i, seen_fix = 0, seen_format = 0, seen_account = 0, seen_dcom = 0;
    const char *name;

    for (i = 2; i < argc; i++) {
        switch (option_of(argv[i])) {
        case OPTION_ACCOUNT:
            name = argv[i] + 9;
            if (seen_account++) {
                set_error(out, "/account given twice", NULL);
                return;
            }
            if (!name[0]) {
                set_error(out, "/account: needs a name, as /account:DOMAIN\\user", NULL);
                return;
            }
            if (strlen(name) >= sizeof(out->account)) {
                set_error(out, "/account: name longer than 256 bytes", argv[i]);
                return;
            }
            memcpy(out->account, name, strlen(name) + 1);
            break;
        case OPTION_DCOM:
            if (seen_dcom++) {
                set_error(out, "/dcom given twice", NULL);
                return;
            }
            out->dcom = 1;
            break;
        case OPTION_FIX:
            if (seen_fix++) {
                set_error(out, "/fix given twice", NULL);
                return;
            }
            out->fix = 1;
            break;
        case OPTION_FORMAT_JSON:
        case OPTION_FORMAT_TEXT:
            if (seen_format++) {
                set_error(out, "/format given twice", NULL);
                return;
            }
            out->json = option_of(argv[i]) == OPTION_FORMAT_JSON;
            break;
        case OPTION_NONE:
        default:
            set_error(out, "unknown /diagnose option (it takes /fix, /dcom, /format:json and "
                      "/account:NAME)", argv[i] ? argv[i] : "");
            return;
        }
    }
    if (out->dcom && !out->fix)
        set_error(out, "/dcom only goes with /fix (/diagnose /fix /dcom)", NULL);
}

void cmdline_parse(int argc, const char *const *argv, struct cmdline *out)
{
    enum cmdline_action action;

    memset(out, 0, sizeof(*out));
    if (argc < 2 || !argv) {
        set_error(out, "no command given (try /? for usage)", NULL);
        return;
    }
    if (option_of(argv[1]) != OPTION_NONE) {
        set_error(out, "this option is only valid after /diagnose", argv[1]);
        return;
    }
    if (!argv[1] || !lookup(argv[1], &action)) {
        set_error(out, "unknown argument", argv[1] ? argv[1] : "");
        return;
    }
    if (action == CMDLINE_DIAGNOSE) {
        out->action = action;
        parse_diagnose_options(argc, argv, out);
        return;
    }
    if (argc > 2) {
        /* One action per run: "/regserver /unregserver" has no sensible
         * meaning, and guessing would hide a typo in an install script. */
        if (option_of(argv[2]) != OPTION_NONE)
            set_error(out, "this option is only valid after /diagnose", argv[2]);
        else
            set_error(out, "too many arguments; give exactly one switch, starting at", argv[2]);
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
        "  empkp /diagnose [/fix [/dcom]] [/format:json] [/account:DOMAIN\\user]\n"
        "                       KB 911143's checks, one line each, and the MOM event the\n"
        "                       \"Exchange - Publish ExMP Data\" script would log; exit code 0\n"
        "                       only for event 9986, else the event number (9987, 10000,\n"
        "                       10001).  Changes nothing unless /fix (re-register, Publish).\n"
        "                       DCOM permissions are judged for SYSTEM, or the account named;\n"
        "                       /fix /dcom adds that account where they leave it out.\n"
        "  empkp /stopservers   before replacing the files (install, upgrade): waits up to\n"
        "                       30 s for every running empkp.exe or ExchKP.exe to end, then\n"
        "                       ends those left; exit code 0 once none runs.  A server ends\n"
        "                       by itself once /unregserver removed its registration.\n"
        "  empkp /?             show this text\n"
        "\n"
        "COM starts empkp with -Embedding when a script calls\n"
        "CreateObject(\"EMPKP.PubKeyPublisher\").Publish().\n"
        "Copied and run as ExchKP.exe, the same program registers and serves\n"
        "ExchKP.PubKeyPublisher (Exchange 2000 with MOM 2000 SP1) instead.\n"
        "Switches are case-insensitive and may start with '/' or '-'.\n"
        "Exit code: 0 on success, otherwise a Win32 error code (87: bad arguments);\n"
        "/diagnose: as above.\n";
}
