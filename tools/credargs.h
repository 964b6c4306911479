/* What empkpcred.exe was asked to do, decided from its arguments, and the
 * exit codes it returns.
 *
 * Plain C with no Windows headers, like server/cmdline.h, so the native
 * unit tests reach every case under the sanitizers.  Arguments arrive as
 * UTF-8; a value (/domain:VALUE) is returned as the index of its argument
 * and the offset of VALUE in it.  The offset counts the switch name, which
 * is ASCII, so it is the same in the UTF-8 and the UTF-16 form of the
 * argument: tools/empkpcred.c takes the value from the wide argv, exactly
 * as the user typed it, without a round trip through UTF-8. */
#ifndef EMPKP_CREDARGS_H
#define EMPKP_CREDARGS_H

#include <stddef.h>

/* Exit codes of empkpcred.exe (packaging/MANUAL.txt).  Each refusal has its
 * own; 5 and 87 read the same as the Win32 codes they match
 * (ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, as empkp.exe uses it). */
enum credexit {
    CREDEXIT_OK          = 0,   /* set: DATA1..3 written; verify: all three decrypt */
    CREDEXIT_FAILED      = 1,   /* anything else; the message names the Win32 error */
    CREDEXIT_NO_DATA0    = 2,   /* no ExMPLS key or no DATA0: Publish has not run (event 9986) */
    CREDEXIT_BAD_DATA0   = 3,   /* set: DATA0 is not a PUBLICKEYBLOB we accept;
                                   set, verify: DATA0 is over 64 KiB, not read */
    CREDEXIT_TOO_LONG    = 4,   /* a value does not fit the key (modulus bytes - 11) */
    CREDEXIT_DENIED      = 5,   /* access denied (registry or key container) */
    CREDEXIT_NO_SERVER   = 6,   /* /server: the remote registry cannot be reached */
    CREDEXIT_NO_PASSWORD = 7,   /* password not read: empty, not confirmed, not text */
    CREDEXIT_UNTRUSTED   = 8,   /* set: DATA0 is not the stored key's public half (on
                                   the server), or with /server its fingerprint was
                                   not confirmed; nothing encrypted, nothing written.
                                   set, verify: the key container's owner or DACL is
                                   not trusted (Publish's ErrID 1338, event 1103) */
    CREDEXIT_MISSING     = 10,  /* verify: DATA1, DATA2 or DATA3 missing */
    CREDEXIT_STALE       = 11,  /* verify: encrypted to another key than the stored one */
    CREDEXIT_CORRUPT     = 12,  /* verify: damaged (length, or only some decrypt) */
    CREDEXIT_ENCODING    = 13,  /* verify: decrypts, but is not UTF-16LE text */
    CREDEXIT_NO_KEY      = 14,  /* verify, set: no stored key (container or key missing) */
    CREDEXIT_INTERRUPTED = 15,  /* verify: a set was interrupted; run "empkpcred recover" */
    CREDEXIT_BADARGS     = 87   /* bad arguments */
};

enum credargs_action {
    CREDARGS_USAGE,     /* /? help: print usage, exit 0 */
    CREDARGS_SET,       /* set /domain:D /user:U [/server:NAME] [/fingerprint:HEX] */
    CREDARGS_VERIFY,    /* verify */
    CREDARGS_RECOVER,   /* recover [/server:NAME] */
    CREDARGS_NEWKEY,    /* newkey: remove DATA0..3 and the stored key (this computer) */
    CREDARGS_ERROR      /* message, exit CREDEXIT_BADARGS */
};

/* Where a switch's value is: argv[arg] + at, or arg == 0 when not given. */
struct credargs_value {
    int arg;
    size_t at;
};

struct credargs {
    enum credargs_action action;
    struct credargs_value domain, user, server, fingerprint;
    /* /fingerprint:HEX (set only): DATA0's SHA-256 as empkp /diagnose
     * prints it (crypto/keyblob.h), checked for its form here. */
    unsigned char sha256[32];
    char message[160];  /* for CREDARGS_ERROR: what was wrong, one line */
};

/* argv[0] is the program; argv[1..argc-1] are UTF-8 arguments. */
void credargs_parse(int argc, const char *const *argv, struct credargs *out);

/* The usage text, with trailing newline. */
const char *credargs_usage(void);

#endif
