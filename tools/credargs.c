/* Command-line decisions for empkpcred.exe; see credargs.h. */
#include "credargs.h"

#include <stdio.h>
#include <string.h>

#include "crypto/keyblob.h"

static int ascii_tolower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Does arg start with prefix, ignoring ASCII case? */
static int ascii_istarts(const char *arg, const char *prefix)
{
    for (; *prefix; arg++, prefix++)
        if (ascii_tolower((unsigned char)*arg) != ascii_tolower((unsigned char)*prefix))
            return 0;
    return 1;
}

static int ascii_ieq(const char *a, const char *b)
{
    return ascii_istarts(a, b) && strlen(a) == strlen(b);
}

/* At most 40 bytes of arg go into the message: a hostile argument can
 * neither overflow it nor flood the console.  Never called with a value
 * that could be a secret (passwords are not arguments at all). */
static void set_error(struct credargs *out, const char *what, const char *arg)
{
    out->action = CREDARGS_ERROR;
    if (arg)
        snprintf(out->message, sizeof(out->message), "%s: \"%.40s%s\"",
                 what, arg, strlen(arg) > 40 ? "..." : "");
    else
        snprintf(out->message, sizeof(out->message), "%s", what);
}

static const char *const switch_names[] = { "domain", "user", "server", "fingerprint" };
#define SWITCHES (sizeof(switch_names) / sizeof(switch_names[0]))

/* "/name:value" or "-name:value": which switch (0 .. SWITCHES-1), or -1. */
static int which_switch(const char *arg, size_t *at)
{
    size_t i, n;

    if (arg[0] != '/' && arg[0] != '-')
        return -1;
    for (i = 0; i < SWITCHES; i++) {
        n = strlen(switch_names[i]);
        if (ascii_istarts(arg + 1, switch_names[i]) && arg[1 + n] == ':') {
            *at = n + 2;
            return (int)i;
        }
    }
    return -1;
}

static int is_help(const char *arg)
{
    return ascii_ieq(arg, "/?") || ascii_ieq(arg, "-?") || ascii_ieq(arg, "/h")
        || ascii_ieq(arg, "/help") || ascii_ieq(arg, "-help") || ascii_ieq(arg, "help");
}

/* An argument we do not know may be a password typed where it does not
 * belong: show only a switch's name, never a bare word or a value. */
static void refuse_unknown(struct credargs *out, int index, const char *arg)
{
    const char *name = arg + (arg[0] == '/' || arg[0] == '-');
    size_t n = strcspn(name, ":");
    char what[64];

    if (name == arg) {
        snprintf(out->message, sizeof(out->message),
                 "unexpected argument %d (not shown, in case it is a password)", index);
    } else if (ascii_istarts(name, "pass") || ascii_istarts(name, "pw")) {
        /* There is deliberately no such switch: a password in the command
         * line is visible to every user of the machine (process lists). */
        snprintf(out->message, sizeof(out->message),
                 "the password is never an argument: it is read from the console "
                 "or from standard input");
    } else {
        snprintf(what, sizeof(what), "%.*s", (int)(n > 40 ? 41 : n + 1), arg);  /* with its / */
        snprintf(out->message, sizeof(out->message), "unknown switch \"%s\"%s", what,
                 n > 40 ? "..." : "");
    }
    out->action = CREDARGS_ERROR;
}

void credargs_parse(int argc, const char *const *argv, struct credargs *out)
{
    struct credargs_value *slot[SWITCHES];
    enum credargs_action action;
    const char *cmd;
    size_t at;
    int i, w;

    memset(out, 0, sizeof(*out));
    slot[0] = &out->domain;
    slot[1] = &out->user;
    slot[2] = &out->server;
    slot[3] = &out->fingerprint;
    if (argc < 2 || !argv || !argv[1]) {
        set_error(out, "no command given (try /? for usage)", NULL);
        return;
    }
    cmd = argv[1];
    if (is_help(cmd)) {
        if (argc > 2) {
            set_error(out, "/? takes no arguments, found", argv[2] ? argv[2] : "");
            return;
        }
        out->action = CREDARGS_USAGE;
        return;
    }
    if (ascii_ieq(cmd, "set"))
        action = CREDARGS_SET;
    else if (ascii_ieq(cmd, "verify"))
        action = CREDARGS_VERIFY;
    else if (ascii_ieq(cmd, "recover"))
        action = CREDARGS_RECOVER;
    else if (ascii_ieq(cmd, "newkey"))
        action = CREDARGS_NEWKEY;
    else {
        set_error(out, "unknown command (set, verify, recover, newkey or /?)", cmd);
        return;
    }

    for (i = 2; i < argc; i++) {
        if (!argv[i]) {
            set_error(out, "missing argument", NULL);
            return;
        }
        w = which_switch(argv[i], &at);
        if (w < 0) {
            refuse_unknown(out, i, argv[i]);
            return;
        }
        if (slot[w]->arg) {
            set_error(out, "given twice", argv[i]);
            return;
        }
        if (argv[i][at] == '\0') {
            set_error(out, "needs a value after ':'", argv[i]);
            return;
        }
        slot[w]->arg = i;
        slot[w]->at = at;
    }

    switch (action) {
    case CREDARGS_SET:
        if (!out->domain.arg || !out->user.arg) {
            set_error(out, "set needs /domain:DOMAIN and /user:USER", NULL);
            return;
        }
        if (out->fingerprint.arg
            && keyblob_fingerprint_parse(argv[out->fingerprint.arg] + out->fingerprint.at,
                                         out->sha256) != 0) {
            set_error(out, "/fingerprint: needs 64 hex digits (DATA0's SHA-256, as empkp "
                           "/diagnose prints it); found",
                      argv[out->fingerprint.arg]);
            return;
        }
        break;
    case CREDARGS_VERIFY:
        /* The stored key can only be used on the server that holds it. */
        if (out->domain.arg || out->user.arg || out->server.arg || out->fingerprint.arg) {
            set_error(out, "verify takes no arguments (run it on the Exchange server itself); found",
                      argv[2]);
            return;
        }
        break;
    case CREDARGS_RECOVER:
        if (out->domain.arg || out->user.arg || out->fingerprint.arg) {
            set_error(out, "recover takes only /server:NAME; found",
                      argv[out->domain.arg ? out->domain.arg
                           : out->user.arg ? out->user.arg : out->fingerprint.arg]);
            return;
        }
        break;
    case CREDARGS_NEWKEY:
        /* The stored key is this computer's: no /server. */
        if (argc > 2) {
            set_error(out, "newkey takes no arguments (run it on the Exchange server itself); "
                           "found", argv[2]);
            return;
        }
        break;
    default:
        break;
    }
    out->action = action;
}

const char *credargs_usage(void)
{
    return
        "empkpcred: set and check the credentials MOM uses for Exchange mailbox access\n"
        "(HKLM\\SOFTWARE\\Microsoft\\ExMPLS: DATA1 domain, DATA2 user, DATA3 password,\n"
        "each encrypted to the public key in DATA0 that empkp publishes).\n"
        "\n"
        "Usage:\n"
        "  empkpcred set /domain:DOMAIN /user:USER [/server:NAME] [/fingerprint:HEX]\n"
        "      Encrypts domain, user and password to DATA0 and writes DATA1..3\n"
        "      (all three, or none).  The password is read from the console\n"
        "      without echo (typed twice), or from standard input when it is\n"
        "      redirected (one line, UTF-8 or UTF-16 with BOM).  Never give it\n"
        "      as an argument.  On the server, DATA0 must be the public half of\n"
        "      the key empkp stores there.  /server:NAME writes to NAME's\n"
        "      registry: DATA0's SHA-256 fingerprint is shown and must be\n"
        "      confirmed on the console, or given as /fingerprint:HEX (scripts),\n"
        "      as \"empkp /diagnose\" prints it on NAME.\n"
        "  empkpcred verify\n"
        "      On the Exchange server, as an administrator: decrypts DATA1..3\n"
        "      with the stored key and says whether they are usable.  Never\n"
        "      prints the password.\n"
        "  empkpcred recover [/server:NAME]\n"
        "      Completes or undoes a set that was interrupted.\n"
        "  empkpcred newkey\n"
        "      On the Exchange server, after asking: removes DATA0..3 and the\n"
        "      stored key, so that the next Publish makes a new pair of the\n"
        "      KeyBits size.  The credentials must then be set again.\n"
        "  empkpcred /?\n"
        "\n"
        "Exit codes: 0 done; 1 failed (Win32 error shown); 2 no DATA0 (run after\n"
        "MOM event 9986); 3 DATA0 malformed; 4 value too long for the key;\n"
        "5 access denied; 6 server not reachable; 7 password not read;\n"
        "8 DATA0 not the stored key's (or its fingerprint not confirmed);\n"
        "verify: 10 missing, 11 stale (another key), 12 corrupt, 13 not UTF-16LE,\n"
        "14 no stored key (verify, set), 15 interrupted set; 87 bad arguments.\n";
}
