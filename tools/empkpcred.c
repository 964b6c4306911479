/* empkpcred.exe: sets the credentials MOM uses for Exchange mailbox access
 * (DATA1..3, encrypted to DATA0) and checks them on the server.  A console
 * program for administrators and scripts; see packaging/MANUAL.txt and
 * `empkpcred /?`.  Decisions live in credargs.c and credinput.c (plain C),
 * the registry in credstore.c, the server-side check in credcheck.c. */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"
#include "credargs.h"
#include "crypto/credblob.h"
#include "common/cred/credcheck.h"
#include "common/cred/credstore.h"
#include "crypto/keyblob.h"
#include "common/keystore.h"
#include "password.h"
#include "common/publish_lock.h"
#include "common/publish_plan.h"
#include "common/exmpls.h"
#include "common/regvalue.h"
#include "common/settings.h"
#include "common/wintext.h"

static const char *const value_what[3] = { "domain", "user name", "password" };

/* ---- output ------------------------------------------------------------ */

static void say(int to_stderr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int to_stderr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(to_stderr, buf);
}

/* Wide text as UTF-8 into a caller's buffer (names, never secrets). */
static const char *utf8(const WCHAR *w, char *buf, size_t size)
{
    utf8_from_wide_buf(w, buf, size);
    return buf;
}

static int is_denied_error(DWORD err)
{
    return err == ERROR_ACCESS_DENIED || err == (DWORD)NTE_PERM;
}

/* "on this computer" or "on \\NAME" */
static const char *where(const WCHAR *server, char *buf, size_t size)
{
    char u[600];

    if (!server)
        snprintf(buf, size, "on this computer");
    else
        snprintf(buf, size, "on \\\\%s", utf8(server, u, sizeof(u)));
    return buf;
}

/* A DATA0 the registry reader would not read (over REGVALUE_MAX): set and
 * verify refuse it in the same words, with CREDEXIT_BAD_DATA0. */
static int refuse_data0_too_large(const WCHAR *server, DWORD len, const char *then)
{
    char w[700];

    say(1, "empkpcred: DATA0 %s is %lu bytes, larger than any public key (the registry is "
           "read up to %u bytes).\nRun empkp's Publish again to rewrite it%s\n",
        where(server, w, sizeof(w)), (unsigned long)len, REGVALUE_MAX, then);
    return CREDEXIT_BAD_DATA0;
}

/* ---- set --------------------------------------------------------------- */

struct set_job {
    const WCHAR *server;                /* NULL: this computer */
    const WCHAR *text[3];               /* domain, user (password: pw) */
    const unsigned char *want_sha256;   /* /fingerprint:, or NULL */
    HKEY root, exmpls;
    struct credstore_value data0;
    BYTE *cipher[3];
    DWORD cipher_len[3];
};

static int refuse_no_data0(const struct set_job *job, int no_key)
{
    char w[700];

    say(1, "empkpcred: %s %s.\n"
           "The credentials can only be set after the public key has been published:\n"
           "MOM logs event 9986 when empkp's Publish has run (the \"Exchange - Publish\n"
           "ExMP Data\" rule, or the script of KB 911143). Nothing was written.\n",
        no_key ? "HKLM\\SOFTWARE\\Microsoft\\ExMPLS does not exist"
               : "HKLM\\SOFTWARE\\Microsoft\\ExMPLS has no DATA0",
        where(job->server, w, sizeof(w)));
    return CREDEXIT_NO_DATA0;
}

static int refuse_denied(const struct set_job *job, const char *doing)
{
    char w[700];

    say(1, "empkpcred: access denied %s HKLM\\SOFTWARE\\Microsoft\\ExMPLS %s.\n"
           "Run it as an administrator of that server. Nothing was written.\n",
        doing, where(job->server, w, sizeof(w)));
    return CREDEXIT_DENIED;
}

/* ---- is DATA0 the key to encrypt to? ----------------------------------- */

/* The stored key's container is not trusted (keystore_open judged its
 * owner and DACL as Publish does): Publish refuses it with ErrID 1338 and
 * event 1103, and so does empkpcred. */
static void untrusted_container(const char *why, const char *nothing)
{
    say(1, "empkpcred: the machine key container \"%ls\" is not trusted: %s.\n"
           "Another account could use, replace or delete the key in it; Publish refuses it "
           "too\n(ErrID %lu, event 1103). %s\n"
           "Run \"empkp /diagnose\" for its owner and DACL.\n", KEYSTORE_CONTAINER,
        why && why[0] ? why : "its owner or DACL lets another account in",
        (unsigned long)KEYSTORE_E_UNTRUSTED, nothing);
}

/* On the server: DATA0 must be the public half of the key empkp stores
 * here (credcheck_data0: the comparison verify and Publish make), or
 * whoever wrote DATA0 could read the password, and this server could not. */
static int check_stored_key(const struct set_job *job)
{
    enum data0_state state;
    enum credcheck_result r;
    unsigned bits = 0;
    DWORD err = 0;
    char e[600], why[240];

    r = credcheck_data0(&job->data0, &state, &bits, &err, why, sizeof(why));
    if (r == CREDCHECK_OK && state == DATA0_MATCHES)
        return CREDEXIT_OK;
    switch (r) {
    case CREDCHECK_OK:
        say(1, "empkpcred: DATA0 on this computer is not the public half of the key empkp "
               "stores here\n(machine key container \"%ls\", RSA-%u). Another program wrote "
               "it, or it is left from an\nearlier key: whoever holds its private key could "
               "read what is encrypted to it, and\nthis server could not. Nothing was "
               "encrypted or written.\nRun empkp's Publish (the KB's script, or \"empkp "
               "/diagnose /fix\"): it rewrites DATA0\nfrom the stored key. Then set the "
               "credentials again.\n", KEYSTORE_CONTAINER, bits);
        return CREDEXIT_UNTRUSTED;
    case CREDCHECK_NO_KEY:
        say(1, "empkpcred: no key is stored on this computer (machine key container \"%ls\": "
               "%s),\nso DATA0 is not the public half of a key empkp holds here: nothing on "
               "this server\ncould decrypt what is encrypted to it. Nothing was encrypted or "
               "written.\nRun empkp's Publish (it makes a new key pair and rewrites DATA0), "
               "then set the\ncredentials.\n", KEYSTORE_CONTAINER, win32_error_text(err, e, sizeof(e)));
        return CREDEXIT_NO_KEY;
    case CREDCHECK_UNTRUSTED:
        untrusted_container(why, "Nothing was encrypted or written.");
        return CREDEXIT_UNTRUSTED;
    case CREDCHECK_DENIED:
        say(1, "empkpcred: access denied opening the stored key (machine key container "
               "\"%ls\": %s),\nso DATA0 cannot be checked against it. Run it as an "
               "administrator of this server.\nNothing was written.\n", KEYSTORE_CONTAINER,
            win32_error_text(err, e, sizeof(e)));
        return CREDEXIT_DENIED;
    default:
        say(1, "empkpcred: DATA0 could not be checked against the stored key (machine key "
               "container \"%ls\"): %s. Nothing was written.\n", KEYSTORE_CONTAINER,
            win32_error_text(err, e, sizeof(e)));
        return CREDEXIT_FAILED;
    }
}

/* With /server: the stored key is on NAME, out of reach.  DATA0's
 * fingerprint is shown; it must match /fingerprint: or be confirmed on the
 * console, against what "empkp /diagnose" prints on NAME.  Also run on the
 * server itself when /fingerprint: is given. */
static int check_fingerprint(const struct set_job *job, const struct keyblob_public *pub)
{
    unsigned char digest[KEYBLOB_SHA256_LEN];
    char fp[KEYBLOB_FINGERPRINT_CHARS + 1], w[700], q[900], e[600], n[520];
    const char *name = job->server ? utf8(job->server, n, sizeof(n)) : "this computer";
    enum password_status st;
    DWORD err;
    int yes;

    if (keyblob_sha256(job->data0.data, job->data0.len, digest) != 0) {
        say(1, "empkpcred: could not compute DATA0's SHA-256. Nothing was written.\n");
        return CREDEXIT_FAILED;
    }
    keyblob_fingerprint_text(digest, fp);
    say(0, "empkpcred: DATA0 %s is an RSA-%lu public key with the SHA-256 fingerprint\n"
           "  %s\n", where(job->server, w, sizeof(w)), (unsigned long)pub->bitlen, fp);
    if (job->want_sha256) {
        if (memcmp(digest, job->want_sha256, sizeof(digest)) == 0) {
            say(0, "empkpcred: it is the fingerprint given with /fingerprint:.\n");
            return CREDEXIT_OK;
        }
        say(1, "empkpcred: that is not the fingerprint given with /fingerprint:. DATA0 %s\n"
               "was replaced (by another program, or by a Publish that made a new key), or the\n"
               "fingerprint is another server's. Nothing was encrypted or written.\n"
               "\"empkp /diagnose\" on %s shows DATA0's fingerprint and whether DATA0 is the\n"
               "stored key's (line \"stored key\": PASS).\n", where(job->server, w, sizeof(w)),
            name);
        return CREDEXIT_UNTRUSTED;
    }
    /* The fingerprint again where the question is asked (the console),
     * in case standard output goes elsewhere. */
    snprintf(q, sizeof(q), "DATA0's SHA-256: %s\nIs this the fingerprint \"empkp /diagnose\" "
             "prints on %.400s (with \"stored key\" PASS)?\nType yes to continue: ", fp, name);
    st = password_confirm(q, &yes, &err);
    if (st == PASSWORD_NO_INPUT) {
        say(1, "empkpcred: standard input is not a console, so the fingerprint cannot be "
               "confirmed.\nCompare it with what \"empkp /diagnose\" prints on %s, and give "
               "that as\n/fingerprint:HEX. Nothing was encrypted or written.\n", name);
        return CREDEXIT_UNTRUSTED;
    }
    if (st != PASSWORD_OK) {
        say(1, "empkpcred: could not read the answer: %s. Nothing was written.\n",
            win32_error_text(err, e, sizeof(e)));
        return CREDEXIT_FAILED;
    }
    if (!yes) {
        say(1, "empkpcred: the fingerprint was not confirmed. Nothing was encrypted or "
               "written.\n");
        return CREDEXIT_UNTRUSTED;
    }
    return CREDEXIT_OK;
}

/* The length limit, checked before the password is asked for when it is
 * the domain or user that does not fit. */
static int check_fits(const struct set_job *job, int i, size_t units)
{
    struct keyblob_public pub;
    size_t max = 0;

    credblob_max_plaintext(job->data0.data, job->data0.len, &max);
    if (units <= max / 2u)
        return CREDEXIT_OK;
    keyblob_parse_public(job->data0.data, job->data0.len, &pub);
    if (i == 2)   /* not even the password's length is shown */
        say(1, "empkpcred: the password is too long for DATA0's %lu-bit key: at most %lu "
               "UTF-16 units (%lu bytes: modulus length - 11). Nothing was written.\n",
            (unsigned long)pub.bitlen, (unsigned long)(max / 2u), (unsigned long)max);
    else
        say(1, "empkpcred: the %s is too long for DATA0's %lu-bit key: %lu UTF-16 units "
               "(%lu bytes); at most %lu units (%lu bytes: modulus length - 11). "
               "Nothing was written.\n",
            value_what[i], (unsigned long)pub.bitlen, (unsigned long)units,
            (unsigned long)(units * 2u), (unsigned long)(max / 2u), (unsigned long)max);
    return CREDEXIT_TOO_LONG;
}

static int encrypt_value(struct set_job *job, int i, const uint16_t *units, size_t n)
{
    enum credblob_status st;
    size_t len = 0;

    st = credblob_encrypt_text(job->data0.data, job->data0.len, units, n, &job->cipher[i], &len);
    job->cipher_len[i] = (DWORD)len;
    if (st == CREDBLOB_E_TOO_LONG)
        return check_fits(job, i, n);
    if (st != CREDBLOB_OK) {
        say(1, "empkpcred: could not encrypt the %s: %s. Nothing was written.\n", value_what[i],
            credblob_status_str(st));
        if (st == CREDBLOB_E_TEXT_NUL || st == CREDBLOB_E_TEXT_SURROGATE)
            return i == 2 ? CREDEXIT_NO_PASSWORD : CREDEXIT_BADARGS;
        return CREDEXIT_FAILED;
    }
    return CREDEXIT_OK;
}

static int read_password(struct set_job *job, struct password *pw)
{
    char who[1200], d[520], u[520];
    enum password_status st;

    snprintf(who, sizeof(who), "%s\\%s", utf8(job->text[0], d, sizeof(d)),
             utf8(job->text[1], u, sizeof(u)));
    st = password_read(who, pw);
    switch (st) {
    case PASSWORD_OK:
        return CREDEXIT_OK;
    case PASSWORD_MISMATCH:
        say(1, "empkpcred: the two passwords typed differ. Nothing was written.\n");
        break;
    case PASSWORD_INPUT:
        if (pw->input == CREDINPUT_TOO_LONG) {
            say(1, "empkpcred: the password is longer than empkpcred reads (%d UTF-16 units). "
                   "Nothing was written.\n", PASSWORD_MAX_UNITS);
            return CREDEXIT_TOO_LONG;
        }
        say(1, "empkpcred: %s. Nothing was written.\n", credinput_status_str(pw->input));
        break;
    case PASSWORD_NO_INPUT:
        say(1, "empkpcred: there is no console and no standard input to read the password "
               "from. Nothing was written.\n");
        break;
    case PASSWORD_READ_ERROR: {
        char e[600];
        say(1, "empkpcred: could not read the password: %s. Nothing was written.\n",
            win32_error_text(pw->error, e, sizeof(e)));
        break;
    }
    }
    return CREDEXIT_NO_PASSWORD;
}

/* Publish's lock (common/publish_lock.h), held while DATA0 is checked
 * again and DATA1..3 are written, so that no Publish on this computer
 * replaces the key in between.  Opened, and its owner checked, before the
 * password is asked for (a lock another account made fails the run before
 * anyone types); waited for only after, so that a Publish is not kept
 * waiting while a person types.  A Publish on another computer cannot be
 * locked out from here: for /server the re-check of DATA0 is all there is. */
static int refuse_lock(DWORD err, const char *why)
{
    char e[600];

    if (err == PUBLISH_LOCK_FOREIGN)
        say(1, "empkpcred: Publish's lock %ls is not empkp's: %s.\n"
               "Another account made it (to block Publish and empkpcred); end the process "
               "holding it. Nothing was written.\n", PUBLISH_LOCK_NAME, why);
    else
        say(1, "empkpcred: could not open Publish's lock (%ls): %s. Nothing was written.\n",
            PUBLISH_LOCK_NAME, win32_error_text(err, e, sizeof(e)));
    return err == ERROR_ACCESS_DENIED || err == PUBLISH_LOCK_FOREIGN ? CREDEXIT_DENIED
                                                                     : CREDEXIT_FAILED;
}

/* Waits for Publish's lock (opened by publish_lock_open): CREDEXIT_OK with
 * it held, or the refusal, the lock closed, saying NOTHING ("Nothing was
 * written."). */
static int wait_lock(HANDLE lock, const char *nothing)
{
    DWORD err = publish_lock_wait(lock, PUBLISH_LOCK_WAIT_MS);
    char e[600];

    if (err == ERROR_SUCCESS)
        return CREDEXIT_OK;
    publish_lock_close(lock);
    say(1, "empkpcred: could not wait for Publish's lock (%ls): %s. %s\n", PUBLISH_LOCK_NAME,
        win32_error_text(err, e, sizeof(e)), nothing);
    return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_FAILED;
}

static int write_locked(struct set_job *job, const struct keyblob_public *pub);

/* Everything that can refuse, then the one write. */
static int run_set(struct set_job *job)
{
    struct keyblob_public pub;
    struct password pw;
    enum keyblob_status kst;
    HANDLE lock = NULL;
    char w[700], e[600];
    size_t n;
    LONG err;
    int rc, i, remote = job->server != NULL;

    err = credstore_connect(job->server, &job->root);
    if (err != ERROR_SUCCESS) {
        if (err == ERROR_ACCESS_DENIED)
            return refuse_denied(job, "connecting to the registry with");
        say(1, "empkpcred: cannot reach the registry %s: %s.\n"
               "Check the name, that the Remote Registry service runs there, and that the\n"
               "network lets this computer reach it. Nothing was written.\n",
            where(job->server, w, sizeof(w)), win32_error_text((DWORD)err, e, sizeof(e)));
        return CREDEXIT_NO_SERVER;
    }
    /* All the access a write needs, asked for now: "denied" comes before
     * the password is typed and before anything is written. */
    err = credstore_open(job->root, remote, CREDSTORE_WRITE_ACCESS, &job->exmpls);
    if (err == ERROR_FILE_NOT_FOUND)
        return refuse_no_data0(job, 1);
    if (err == ERROR_ACCESS_DENIED)
        return refuse_denied(job, "writing to");
    if (err == ERROR_SUCCESS)
        err = credstore_read(job->exmpls, CREDSTORE_DATA0, &job->data0);
    if (err == ERROR_ACCESS_DENIED)
        return refuse_denied(job, "reading");
    if (err == REGVALUE_E_TOO_LARGE && job->data0.present)
        return refuse_data0_too_large(job->server, job->data0.len, ". Nothing was written.");
    if (err != ERROR_SUCCESS) {
        say(1, "empkpcred: cannot read HKLM\\SOFTWARE\\Microsoft\\ExMPLS %s: %s. "
               "Nothing was written.\n", where(job->server, w, sizeof(w)),
            win32_error_text((DWORD)err, e, sizeof(e)));
        return CREDEXIT_FAILED;
    }
    if (!job->data0.present)
        return refuse_no_data0(job, 0);
    kst = job->data0.type == REG_BINARY
              ? keyblob_parse_public(job->data0.data, job->data0.len, &pub) : KEYBLOB_E_TYPE;
    if (kst != KEYBLOB_OK) {
        say(1, "empkpcred: DATA0 %s is not a public key empkpcred can use: %s "
               "(%lu bytes, registry type %lu).\n"
               "Run empkp's Publish again to rewrite it. Nothing was written.\n",
            where(job->server, w, sizeof(w)),
            job->data0.type == REG_BINARY ? keyblob_status_str(kst) : "not REG_BINARY",
            (unsigned long)job->data0.len, (unsigned long)job->data0.type);
        return CREDEXIT_BAD_DATA0;
    }

    /* Whose key DATA0 is: before anything is encrypted to it, and before
     * the password is asked for. */
    if (!remote && (rc = check_stored_key(job)) != CREDEXIT_OK)
        return rc;
    if ((remote || job->want_sha256) && (rc = check_fingerprint(job, &pub)) != CREDEXIT_OK)
        return rc;

    /* Domain and user: checked (and encrypted) before the password is
     * asked for, so that nobody types it for a doomed run. */
    for (i = 0; i < 2; i++) {
        n = wcslen(job->text[i]);
        if ((rc = check_fits(job, i, n)) != CREDEXIT_OK)
            return rc;
        if ((rc = encrypt_value(job, i, (const uint16_t *)job->text[i], n)) != CREDEXIT_OK)
            return rc;
    }
    if (!remote) {
        char why[400];
        err = (LONG)publish_lock_open(&lock, why, sizeof(why));
        if (err != ERROR_SUCCESS)
            return refuse_lock((DWORD)err, why);
    }
    rc = read_password(job, &pw);
    if (rc == CREDEXIT_OK)
        rc = encrypt_value(job, 2, pw.units, pw.n);
    password_wipe(&pw);
    if (rc != CREDEXIT_OK) {
        publish_lock_close(lock);
        return rc;
    }

    if (!remote && (rc = wait_lock(lock, "Nothing was written.")) != CREDEXIT_OK)
        return rc;
    rc = write_locked(job, &pub);
    if (!remote)
        publish_lock_release(lock);
    return rc;
}

/* With Publish locked out (on this computer): check DATA0 again, finish
 * an earlier interrupted set, write. */
static int write_locked(struct set_job *job, const struct keyblob_public *pub)
{
    struct credstore_value again;
    enum credstore_recovery rec;
    enum credstore_after after;
    char w[700], e[600], d[520], u[520];
    const BYTE *values[3];
    LONG err;
    int i, remote = job->server != NULL;

    /* Publish may have replaced DATA0 while the password was typed. */
    err = credstore_read(job->exmpls, CREDSTORE_DATA0, &again);
    if (err == ERROR_SUCCESS && !credstore_value_same(&again, &job->data0))
        err = ERROR_INVALID_DATA;
    credstore_value_free(&again);
    if (err != ERROR_SUCCESS) {
        say(1, "empkpcred: DATA0 changed while the password was being read (a Publish ran?). "
               "Nothing was written; run empkpcred set again.\n");
        return CREDEXIT_FAILED;
    }

    /* A set that was interrupted before is finished (or dropped) first, so
     * that a failure below rolls back to a consistent state. */
    err = credstore_recover(job->exmpls, remote, &rec);
    if (err != ERROR_SUCCESS) {
        say(1, "empkpcred: an earlier interrupted set could not be recovered: %s. "
               "Nothing was written.\n", win32_error_text((DWORD)err, e, sizeof(e)));
        return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_FAILED;
    }
    if (rec != CREDSTORE_NOTHING)
        say(0, "empkpcred: an earlier interrupted set was %s first.\n",
            rec == CREDSTORE_COMPLETED ? "completed" : "discarded");

    for (i = 0; i < 3; i++)
        values[i] = job->cipher[i];
    err = credstore_write(job->exmpls, remote, values, job->cipher_len, job->data0.data,
                          job->data0.len, &after);
    if (err != ERROR_SUCCESS) {
        if (after == CREDSTORE_UNCHANGED)
            say(1, "empkpcred: writing DATA1..3 %s failed: %s. The old values were put back: "
                   "nothing changed.\n", where(job->server, w, sizeof(w)),
                win32_error_text((DWORD)err, e, sizeof(e)));
        else
            say(1, "empkpcred: writing DATA1..3 %s failed: %s, and the old values could not be "
                   "put back. Run \"empkpcred recover%s%s\" to complete the write.\n",
                where(job->server, w, sizeof(w)), win32_error_text((DWORD)err, e, sizeof(e)),
                remote ? " /server:" : "", remote ? utf8(job->server, d, sizeof(d)) : "");
        return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_FAILED;
    }
    say(0, "empkpcred: DATA1, DATA2 and DATA3 set for %s\\%s %s (encrypted to DATA0's %lu-bit "
           "key).\nOn the Exchange server, \"empkpcred verify\" checks that they decrypt.\n",
        utf8(job->text[0], d, sizeof(d)), utf8(job->text[1], u, sizeof(u)),
        where(job->server, w, sizeof(w)), (unsigned long)pub->bitlen);
    return CREDEXIT_OK;
}

/* ---- verify ------------------------------------------------------------ */

static void print_values(const struct credcheck_report *r)
{
    char e[600];
    int i;

    for (i = 0; i < 3; i++) {
        if (r->value[i] == CREDVAL_NO_DECRYPT)
            say(1, "  DATA%d (%s): %s (%s)\n", i + 1, value_what[i],
                credcheck_value_str(r->value[i]), win32_error_text(r->decrypt_error[i], e, sizeof(e)));
        else
            say(1, "  DATA%d (%s): %s\n", i + 1, value_what[i], credcheck_value_str(r->value[i]));
    }
}

static int run_verify(void)
{
    struct credcheck_report r;
    char e[600], d[800], u[800];
    int rc = CREDEXIT_FAILED;

    credcheck_run(&r);
    switch (r.result) {
    case CREDCHECK_OK:
        say(0, "empkpcred: credentials for %s\\%s decrypt (stored %u-bit key).\n",
            utf8(r.domain, d, sizeof(d)), utf8(r.user, u, sizeof(u)), r.key_bits);
        rc = CREDEXIT_OK;
        break;
    case CREDCHECK_NO_DATA0:
        say(1, "empkpcred: no key has been published on this computer (no DATA0 and no stored "
               "key).\nCredentials can only be set and checked after MOM event 9986 (empkp's "
               "Publish).\n");
        rc = CREDEXIT_NO_DATA0;
        break;
    case CREDCHECK_BAD_DATA0:
        rc = refuse_data0_too_large(NULL, r.data0_len, ", then set the credentials again.");
        break;
    case CREDCHECK_NO_KEY:
        say(1, "empkpcred: the stored private key is missing (machine key container "
               "\"EMPKP PubKeyPublisher\": %s),\nso nothing can decrypt DATA1..3. Run Publish "
               "(it makes a new key), then set the credentials again.\n",
            win32_error_text(r.error, e, sizeof(e)));
        rc = CREDEXIT_NO_KEY;
        break;
    case CREDCHECK_UNTRUSTED:
        untrusted_container(r.why, "Nothing was decrypted.");
        rc = CREDEXIT_UNTRUSTED;
        break;
    case CREDCHECK_DENIED:
        say(1, "empkpcred: access denied (%s). Run verify as an administrator of this "
               "server.\n", win32_error_text(r.error, e, sizeof(e)));
        rc = CREDEXIT_DENIED;
        break;
    case CREDCHECK_MISSING:
        say(1, "empkpcred: credentials missing; set them with \"empkpcred set\".\n");
        print_values(&r);
        rc = CREDEXIT_MISSING;
        break;
    case CREDCHECK_STALE:
        say(1, "empkpcred: credentials are stale: none of DATA1..3 decrypts with the stored "
               "%u-bit key,\nso they were encrypted to another key (the key changed after they "
               "were set). Set them again.\n", r.key_bits);
        print_values(&r);
        rc = CREDEXIT_STALE;
        break;
    case CREDCHECK_CORRUPT:
        say(1, "empkpcred: credentials are damaged. Set them again.\n");
        print_values(&r);
        rc = CREDEXIT_CORRUPT;
        break;
    case CREDCHECK_ENCODING:
        say(1, "empkpcred: credentials decrypt, but not all are UTF-16LE text (written by "
               "another tool?).\n");
        print_values(&r);
        rc = CREDEXIT_ENCODING;
        break;
    case CREDCHECK_INTERRUPTED:
        say(1, "empkpcred: an interrupted \"empkpcred set\" left its journal "
               "(ExMPLS\\PendingCredentials);\nDATA1..3 may be a mixture. Run \"empkpcred "
               "recover\" (or set them again).\n");
        rc = CREDEXIT_INTERRUPTED;
        break;
    case CREDCHECK_FAILED:
        say(1, "empkpcred: the check failed: %s.\n", win32_error_text(r.error, e, sizeof(e)));
        rc = CREDEXIT_FAILED;
        break;
    }
    if (r.data0 == DATA0_DIFFERS && r.result != CREDCHECK_NO_KEY)
        say(1, "empkpcred: note: DATA0 is not the stored key's public key (Publish rewrites "
               "it);\ncredentials set before that would be encrypted to the wrong key.\n");
    SecureZeroMemory(&r, sizeof(r));
    return rc;
}

/* ---- recover ----------------------------------------------------------- */

static int run_recover(const WCHAR *server)
{
    enum credstore_recovery rec;
    char w[700], e[600];
    HKEY root, exmpls;
    LONG err;
    int remote = server != NULL;

    err = credstore_connect(server, &root);
    if (err != ERROR_SUCCESS) {
        say(1, "empkpcred: cannot reach the registry %s: %s.\n", where(server, w, sizeof(w)),
            win32_error_text((DWORD)err, e, sizeof(e)));
        return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_NO_SERVER;
    }
    err = credstore_open(root, remote, CREDSTORE_WRITE_ACCESS, &exmpls);
    if (err == ERROR_SUCCESS) {
        err = credstore_recover(exmpls, remote, &rec);
        RegCloseKey(exmpls);
    }
    if (remote)
        RegCloseKey(root);
    if (err == ERROR_FILE_NOT_FOUND) {
        say(0, "empkpcred: nothing to recover (no ExMPLS key %s).\n", where(server, w, sizeof(w)));
        return CREDEXIT_NO_DATA0;
    }
    if (err != ERROR_SUCCESS) {
        say(1, "empkpcred: recover failed %s: %s.\n", where(server, w, sizeof(w)),
            win32_error_text((DWORD)err, e, sizeof(e)));
        return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_FAILED;
    }
    say(0, "empkpcred: %s\n",
        rec == CREDSTORE_NOTHING ? "nothing to recover."
        : rec == CREDSTORE_COMPLETED ? "an interrupted set was completed: DATA1..3 hold its "
                                       "new values."
                                     : "an incomplete set was discarded: DATA1..3 are "
                                       "unchanged.");
    return CREDEXIT_OK;
}

/* ---- newkey ------------------------------------------------------------ */

/* For credential tools that cannot encrypt to DATA0 (packaging/MANUAL.txt,
 * "The wizard cannot store the account"): DATA1..3 and DATA0 go first, as Publish removes them
 * (exmpls_delete_values), then the stored key, all with Publish locked out
 * on this computer; the next Publish then finds no key and makes a pair of
 * the KeyBits size.  Should this stop half-way, what is left is "a key
 * without DATA0" (Publish rewrites DATA0 from it: run newkey again) or "no
 * key", never credentials beside a key they were not encrypted to. */
static int run_newkey(void)
{
    BOOL present, is_dword;
    DWORD value, err;
    HANDLE lock = NULL;
    unsigned bits;
    enum password_status st;
    char e[600], q[900], why[400];
    int yes, rc;

    err = settings_read_key_bits(&present, &is_dword, &value);
    bits = err == ERROR_SUCCESS ? publish_key_bits(present, is_dword, value) : 0;
    if (!bits) {
        say(1, "empkpcred: the KeyBits setting (HKLM\\SOFTWARE\\EMPKP) is not 1024, 2048, 3072 "
               "or 4096%s%s,\nso Publish could not make a new pair: nothing was removed. "
               "Correct or delete it first.\n", err ? ": " : "",
            err ? win32_error_text(err, e, sizeof(e)) : "");
        return CREDEXIT_FAILED;
    }
    snprintf(q, sizeof(q), "This removes DATA0, DATA1, DATA2 and DATA3 and the stored key (machine "
             "key container\n\"EMPKP PubKeyPublisher\"). The next Publish makes a new RSA-%u pair "
             "(KeyBits%s);\nthe mailbox access account must then be stored again.\n"
             "Type yes to continue: ", bits, present ? "" : " not set: the default");
    st = password_confirm(q, &yes, &err);
    if (st == PASSWORD_NO_INPUT) {
        say(1, "empkpcred: newkey asks on the console before it removes anything, and standard "
               "input is\nnot a console. Nothing was removed.\n");
        return CREDEXIT_BADARGS;
    }
    if (st != PASSWORD_OK || !yes) {
        say(1, "empkpcred: not confirmed. Nothing was removed.\n");
        return CREDEXIT_FAILED;
    }
    err = publish_lock_open(&lock, why, sizeof(why));
    if (err != ERROR_SUCCESS)
        return refuse_lock(err, why);
    if ((rc = wait_lock(lock, "Nothing was removed.")) != CREDEXIT_OK)
        return rc;
    err = exmpls_delete_values();
    if (err != ERROR_SUCCESS) {
        publish_lock_release(lock);
        say(1, "empkpcred: removing DATA0..3 failed: %s. The stored key was kept.\n",
            win32_error_text(err, e, sizeof(e)));
        return err == ERROR_ACCESS_DENIED ? CREDEXIT_DENIED : CREDEXIT_FAILED;
    }
    err = keystore_delete();   /* already gone is what we want */
    if (err != ERROR_SUCCESS) {
        publish_lock_release(lock);
        say(1, "empkpcred: DATA0..3 were removed, but the stored key could not be: %s.\n"
               "Publish would rewrite DATA0 from it; run newkey again as an administrator.\n",
            win32_error_text(err, e, sizeof(e)));
        return is_denied_error(err) ? CREDEXIT_DENIED : CREDEXIT_FAILED;
    }
    publish_lock_release(lock);
    say(0, "empkpcred: DATA0..3 and the stored key were removed. Now run \"empkp /publish\" in "
           "the folder of\nempkp.exe (or let MOM's script publish): it makes a new RSA-%u pair. "
           "Then store the\nmailbox access account again (the Configuration Wizard, or "
           "empkpcred set).\n", bits);
    return CREDEXIT_OK;
}

/* ---- main -------------------------------------------------------------- */

static const WCHAR *value_of(WCHAR **wargv, struct credargs_value v)
{
    return v.arg ? wargv[v.arg] + v.at : NULL;
}

/* /server:NAME or /server:\\NAME: the name without backslashes. */
static const WCHAR *server_of(WCHAR **wargv, struct credargs_value v)
{
    const WCHAR *s = value_of(wargv, v);

    while (s && *s == L'\\')
        s++;
    return s;
}

int wmain(int argc, WCHAR **wargv)
{
    struct credargs args;
    struct set_job job;
    char **argv;
    int i, rc;

    argv = console_utf8_args(argc, wargv);
    if (!argv)
        return CREDEXIT_FAILED;
    credargs_parse(argc, (const char *const *)argv, &args);
    console_free_args(argc, argv);

    if (args.server.arg && !*server_of(wargv, args.server)) {
        say(1, "empkpcred: /server: needs a computer name\n");
        return CREDEXIT_BADARGS;
    }
    switch (args.action) {
    case CREDARGS_USAGE:
        console_write(0, credargs_usage());
        return CREDEXIT_OK;
    case CREDARGS_VERIFY:
        return run_verify();
    case CREDARGS_RECOVER:
        return run_recover(server_of(wargv, args.server));
    case CREDARGS_NEWKEY:
        return run_newkey();
    case CREDARGS_SET:
        memset(&job, 0, sizeof(job));
        job.server = server_of(wargv, args.server);
        job.text[0] = value_of(wargv, args.domain);
        job.text[1] = value_of(wargv, args.user);
        job.want_sha256 = args.fingerprint.arg ? args.sha256 : NULL;
        rc = run_set(&job);
        for (i = 0; i < 3; i++)
            free(job.cipher[i]);
        credstore_value_free(&job.data0);
        if (job.exmpls)
            RegCloseKey(job.exmpls);
        if (job.server && job.root && job.root != HKEY_LOCAL_MACHINE)
            RegCloseKey(job.root);
        return rc;
    case CREDARGS_ERROR:
    default:
        say(1, "empkpcred: %s\n", args.message);
        return CREDEXIT_BADARGS;
    }
}
