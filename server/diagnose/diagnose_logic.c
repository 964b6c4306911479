/* See diagnose_logic.h. */
#include "diagnose_logic.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crypto/keyblob.h"

static const struct {
    const char *name, *id;
    enum diag_verdict fail_verdict;
} checks[DIAG_CHECK_COUNT] = {
    [DIAG_EXMPLS]        = { "ExMPLS key", "exmpls-key", VERDICT_KEY_MISSING },
    [DIAG_DATA0]         = { "DATA0", "data0", VERDICT_KEY_MISSING },
    [DIAG_STORED_KEY]    = { "stored key", "stored-key", VERDICT_KEY_MISSING },
    [DIAG_PROVIDERS]     = { "DATA0 providers", "data0-providers", VERDICT_PUBLISHED },
    [DIAG_CREDENTIALS]   = { "DATA1..3", "credentials", VERDICT_PUBLISHED },
    [DIAG_DECRYPTABLE]   = { "DATA1..3 decryptable", "credentials-decryptable", VERDICT_PUBLISHED },
    [DIAG_HELPER_FILE]   = { "helper file", "helper-file", VERDICT_PUBLISHED },
    [DIAG_CLSID]         = { "CLSID", "clsid", VERDICT_NOT_CREATED },
    [DIAG_LOCALSERVER32] = { "LocalServer32", "localserver32", VERDICT_NOT_CREATED },
    [DIAG_SERVER_FILE]   = { "server file", "server-file", VERDICT_NOT_CREATED },
    [DIAG_WIN32_APP]     = { "valid Win32 application", "win32-application", VERDICT_NOT_CREATED },
    [DIAG_APPID]         = { "AppID", "appid", VERDICT_PUBLISHED },
    [DIAG_DCOM]          = { "DCOM permissions", "dcom-permissions", VERDICT_NOT_CREATED },
    [DIAG_PROGID]        = { "ProgID", "progid", VERDICT_NOT_CREATED },
    [DIAG_TYPELIB]       = { "type library", "typelib", VERDICT_PUBLISHED },
    [DIAG_PROXYSTUB]     = { "proxy/stub", "proxy-stub", VERDICT_PUBLISHED },
    [DIAG_OBJECT]        = { "object created", "object-created", VERDICT_NOT_CREATED },
    [DIAG_PUBLISH]       = { "Publish()", "publish", VERDICT_PUBLISH_FAILED },
};

static int valid_check(enum diag_check check)
{
    return (unsigned)check < DIAG_CHECK_COUNT;
}

const char *diag_check_name(enum diag_check check)
{
    return valid_check(check) ? checks[check].name : "unknown";
}

const char *diag_check_id(enum diag_check check)
{
    return valid_check(check) ? checks[check].id : "unknown";
}

enum diag_verdict diag_fail_verdict(enum diag_check check)
{
    return valid_check(check) ? checks[check].fail_verdict : VERDICT_PUBLISHED;
}

static void copy_text(char *out, size_t size, const char *text)
{
    snprintf(out, size, "%s", text ? text : "");
}

void diag_set(struct diag_result *results, enum diag_check check, enum diag_status status,
              const char *remedy, const char *fmt, ...)
{
    struct diag_result *r;
    va_list ap;

    if (!results || !valid_check(check))
        return;
    r = &results[check];
    if (status == DIAG_FAIL && diag_fail_verdict(check) == VERDICT_PUBLISHED)
        status = DIAG_WARN;
    r->status = status;
    va_start(ap, fmt);
    vsnprintf(r->found, sizeof(r->found), fmt, ap);
    va_end(ap);
    copy_text(r->remedy, sizeof(r->remedy), status == DIAG_PASS ? NULL : remedy);
}

enum diag_verdict diag_verdict_of(const struct diag_result results[DIAG_CHECK_COUNT])
{
    enum diag_verdict worst = VERDICT_PUBLISHED;
    int i;

    /* The enum is ordered by precedence: a server whose object cannot be
     * created logs 10001 whatever state its key is in. */
    for (i = 0; i < DIAG_CHECK_COUNT; i++)
        if (results[i].status == DIAG_FAIL && diag_fail_verdict((enum diag_check)i) > worst)
            worst = diag_fail_verdict((enum diag_check)i);
    return worst;
}

int diag_verdict_event(enum diag_verdict verdict, enum identity_kind identity)
{
    const struct identity_names *id = identity_names(identity);

    switch (verdict) {
    case VERDICT_PUBLISHED:      return 9986;
    case VERDICT_KEY_MISSING:    return 9987;
    case VERDICT_PUBLISH_FAILED: return id->event_publish_failed;
    case VERDICT_NOT_CREATED:    return id->event_not_created;
    }
    return id->event_not_created;
}

int diag_exit_code(enum diag_verdict verdict, enum identity_kind identity)
{
    return verdict == VERDICT_PUBLISHED ? 0 : diag_verdict_event(verdict, identity);
}

const char *diag_verdict_name(enum diag_verdict verdict)
{
    switch (verdict) {
    case VERDICT_PUBLISHED:      return "published";
    case VERDICT_KEY_MISSING:    return "key missing";
    case VERDICT_PUBLISH_FAILED: return "Publish failed";
    case VERDICT_NOT_CREATED:    return "object not created";
    }
    return "unknown";
}

void diag_verdict_text(enum diag_verdict verdict, enum identity_kind identity, char *out, size_t size)
{
    const struct identity_names *id = identity_names(identity);
    int event = diag_verdict_event(verdict, identity);

    switch (verdict) {
    case VERDICT_PUBLISHED:
        snprintf(out, size, "MOM logs event 9986 (\"Successfully published Exchange Management Pack "
                 "data\"): the \"Exchange - Publish ExMP Data\" script creates %s, Publish() "
                 "returns 0 and ExMPLS holds the published key", id->progid);
        break;
    case VERDICT_KEY_MISSING:
        snprintf(out, size, "MOM logs event 9987 (no usable ExMPLS key) until the \"Exchange - "
                 "Publish ExMP Data\" script publishes one; %s can be created, so its next run "
                 "should (see the FAIL lines; /diagnose /fix publishes now)", id->progid);
        break;
    case VERDICT_PUBLISH_FAILED:
        snprintf(out, size, "MOM logs event %d (\"Failed to publish Exchange Management Pack "
                 "data\"): the script creates %s but Publish() fails (see the FAIL lines)",
                 event, id->progid);
        break;
    case VERDICT_NOT_CREATED:
    default:
        snprintf(out, size, "MOM logs event %d (\"Failed to create the object '%s'\"): the "
                 "\"Exchange - Publish ExMP Data\" script cannot create it (see the FAIL lines)",
                 event, id->progid);
        break;
    }
}

int diag_may_call_publish(enum publish_plan plan, int fix)
{
    return fix || plan == PLAN_NOTHING || plan == PLAN_FAIL || plan == PLAN_UNTRUSTED;
}

const char *diag_publish_would(enum publish_plan plan)
{
    switch (plan) {
    case PLAN_NOTHING:       return "change nothing";
    case PLAN_REWRITE_DATA0: return "rewrite DATA0 from the stored key (DATA1..3 kept)";
    case PLAN_NEW_KEY:       return "generate a new key pair and remove DATA1..3";
    case PLAN_FAIL:          return "fail without writing";
    case PLAN_UNTRUSTED:     return "refuse the untrusted key container without writing";
    }
    return "do something unknown";
}

enum diag_status diag_check_data0(struct diag_result *results, int present, int is_binary,
                                  const unsigned char *data0, size_t len, unsigned *bits)
{
    struct keyblob_public parsed;
    enum keyblob_status st;
    unsigned scratch;

    if (!bits)
        bits = &scratch;
    *bits = 0;
    if (results) {
        results[DIAG_DATA0].sha256[0] = '\0';
        if (present && data0)
            keyblob_fingerprint(data0, len, results[DIAG_DATA0].sha256);
    }
    if (!present) {
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_PUBLISH,
                 "HKLM\\SOFTWARE\\Microsoft\\ExMPLS has no DATA0 value (the public key BLOB)");
    } else if (!data0) {
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_PUBLISH,
                 "DATA0 is larger than 64 KiB: not a public key BLOB");
    } else if (!is_binary) {
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_PUBLISH,
                 "DATA0 is not REG_BINARY (%lu bytes): not a public key BLOB", (unsigned long)len);
    } else if ((st = keyblob_parse_public(data0, len, &parsed)) != KEYBLOB_OK) {
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_PUBLISH,
                 "DATA0 (%lu bytes) is not a well-formed PUBLICKEYBLOB: %s", (unsigned long)len,
                 keyblob_status_str(st));
    } else {
        *bits = parsed.bitlen;
        diag_set(results, DIAG_DATA0, DIAG_PASS, NULL,
                 "a PUBLICKEYBLOB of an RSA-%u key (exponent %u), %lu bytes",
                 (unsigned)parsed.bitlen, (unsigned)parsed.pubexp, (unsigned long)len);
    }
    return results ? results[DIAG_DATA0].status : DIAG_FAIL;
}

enum diag_status diag_check_stored_key(struct diag_result *results, enum store_state store,
                                       unsigned long store_err, const char *container,
                                       const unsigned char *stored, size_t stored_len,
                                       const unsigned char *data0, size_t data0_len)
{
    struct keyblob_public parsed;
    unsigned bits = 0;

    if (!container)
        container = "";
    if (store == STORE_PRESENT && stored &&
        keyblob_parse_public(stored, stored_len, &parsed) == KEYBLOB_OK)
        bits = parsed.bitlen;
    switch (store) {
    case STORE_PRESENT:
        if (!data0)
            diag_set(results, DIAG_STORED_KEY, DIAG_PASS, NULL,
                     "the machine key set \"%s\" holds an RSA-%u key (DATA0 is not its public "
                     "half: see DATA0)", container, bits);
        else if (data0_state_of(1, 1, data0, data0_len, stored, stored_len) == DATA0_MATCHES)
            diag_set(results, DIAG_STORED_KEY, DIAG_PASS, NULL,
                     "the machine key set \"%s\" holds DATA0's private key (RSA-%u)",
                     container, bits);
        else
            diag_set(results, DIAG_STORED_KEY, DIAG_FAIL,
                     "Publish() rewrites DATA0 from the stored key (the script, or /diagnose "
                     "/fix); credentials stored since DATA0 changed must then be set again: "
                     DIAG_REMEDY_CREDENTIALS,
                     "the machine key set \"%s\" holds an RSA-%u key, but DATA0 is another "
                     "key's: what is encrypted to DATA0 cannot be decrypted here", container, bits);
        break;
    case STORE_ABSENT:
    case STORE_CORRUPT:
        diag_set(results, DIAG_STORED_KEY, DIAG_FAIL,
                 "Publish() makes a new key pair and removes DATA1..3 (the script, or "
                 "/diagnose /fix); then " DIAG_REMEDY_CREDENTIALS,
                 "the machine key set \"%s\" %s (error 0x%08lX): nothing here can decrypt what "
                 "is encrypted to DATA0", container,
                 store == STORE_ABSENT ? "holds no key" : "holds a key that cannot be used",
                 store_err);
        break;
    case STORE_HIDDEN:
        diag_set(results, DIAG_STORED_KEY, DIAG_FAIL,
                 "find which account created it (MachineKeys folder, file owner); delete it as an "
                 "administrator only if it is not the key DATA1..3 were encrypted to, then run "
                 "/diagnose /fix",
                 "the machine key set \"%s\" exists but this account may not open it (error "
                 "0x%08lX): another account created it, or its DACL leaves this one out; Publish "
                 "changes nothing", container, store_err);
        break;
    case STORE_UNTRUSTED:
        diag_set(results, DIAG_STORED_KEY, DIAG_FAIL,
                 "another account could use, replace or delete the key: delete the container as "
                 "an administrator (the credentials must then be set again), then run /diagnose "
                 "/fix; Publish refuses it (ErrID 1338)",
                 "the machine key set \"%s\" is not trusted: its owner or DACL lets another "
                 "account in", container);
        break;
    case STORE_ERROR:
    default:
        diag_set(results, DIAG_STORED_KEY, DIAG_FAIL, DIAG_REMEDY_ADMIN,
                 "the machine key set \"%s\" could not be opened (error 0x%08lX)", container,
                 store_err);
        break;
    }
    return results ? results[DIAG_STORED_KEY].status : DIAG_FAIL;
}

/* Appends ", name" (or "name (0x...)") to list. */
static void list_provider(char *list, size_t size, const struct diag_provider *p, int with_error)
{
    size_t used = strlen(list);

    if (used >= size)
        return;
    if (with_error)
        snprintf(list + used, size - used, "%s%s (0x%08lX)", used ? ", " : "", p->name,
                 p->error);
    else
        snprintf(list + used, size - used, "%s%s", used ? ", " : "", p->name);
}

enum diag_status diag_check_providers(struct diag_result *results, unsigned bits,
                                      const struct diag_provider *providers, size_t count)
{
    char ok[256] = "", refused[256] = "", absent[256] = "";
    const struct diag_provider *base = NULL;
    size_t i;

    if (!bits) {
        diag_set(results, DIAG_PROVIDERS, DIAG_WARN, DIAG_REMEDY_PUBLISH,
                 "not checked: DATA0 is not a well-formed public key BLOB (see DATA0)");
        return results ? results[DIAG_PROVIDERS].status : DIAG_WARN;
    }
    for (i = 0; providers && i < count; i++) {
        const struct diag_provider *p = &providers[i];
        if (p->result == DIAG_IMPORT_OK) {
            list_provider(ok, sizeof(ok), p, 0);
        } else if (p->result == DIAG_IMPORT_REFUSED) {
            list_provider(refused, sizeof(refused), p, 1);
            if (p->is_base && !base)
                base = p;
        } else {
            list_provider(absent, sizeof(absent), p, 0);
        }
    }
    if (base) {
        diag_set(results, DIAG_PROVIDERS, DIAG_WARN,
                 "if the Configuration Wizard or ExchangeMOMSetCredentialUtility cannot store the "
                 "mailbox access account (it may open the Base provider), set HKLM\\SOFTWARE\\EMPKP "
                 "KeyBits = 1024, run empkpcred newkey and then Publish, and store the account "
                 "again (the manual, README.txt or empkp-README.txt: \"The wizard cannot store "
                 "the account\"); or "
                 "store it with empkpcred set",
                 "the Microsoft Base Cryptographic Provider (MS_DEF_PROV) cannot import DATA0's "
                 "RSA-%u key: it takes RSA key exchange keys of 384 to %u bits only. Refused by: "
                 "%s; imported by: %s%s%s", bits, DIAG_BASE_PROV_MAX_BITS, refused,
                 ok[0] ? ok : "none", absent[0] ? "; not installed: " : "", absent);
    } else if (refused[0]) {
        diag_set(results, DIAG_PROVIDERS, DIAG_WARN,
                 "a credential tool that opens that provider cannot encrypt to DATA0; store the "
                 "account with a tool that opens another (empkpcred set)",
                 "DATA0's RSA-%u key is refused by: %s; imported by: %s%s%s", bits, refused,
                 ok[0] ? ok : "none", absent[0] ? "; not installed: " : "", absent);
    } else if (!ok[0]) {
        diag_set(results, DIAG_PROVIDERS, DIAG_WARN, DIAG_REMEDY_ADMIN,
                 "no CryptoAPI provider could be asked to import DATA0%s%s",
                 absent[0] ? "; not installed: " : "", absent);
    } else {
        diag_set(results, DIAG_PROVIDERS, DIAG_PASS, NULL,
                 "DATA0's RSA-%u key is imported by every provider a credential tool may open: "
                 "%s%s%s", bits, ok, absent[0] ? "; not installed: " : "", absent);
    }
    return results ? results[DIAG_PROVIDERS].status : DIAG_WARN;
}

enum diag_status diag_check_credentials(struct diag_result *results, int exmpls_present,
                                        const int present[3], const unsigned long size[3])
{
    char missing[32] = "";
    int i, n = 0;

    for (i = 0; i < 3; i++) {
        if (present[i]) {
            n++;
        } else {
            size_t used = strlen(missing);
            snprintf(missing + used, sizeof(missing) - used, "%sDATA%d", used ? ", " : "", i + 1);
        }
    }
    if (!exmpls_present)
        diag_set(results, DIAG_CREDENTIALS, DIAG_WARN, DIAG_REMEDY_CREDENTIALS,
                 "not set (no ExMPLS key)");
    else if (n == 3)
        diag_set(results, DIAG_CREDENTIALS, DIAG_PASS, NULL,
                 "DATA1, DATA2 and DATA3 present (%lu, %lu and %lu bytes; contents not shown)",
                 size[0], size[1], size[2]);
    else if (n == 0)
        diag_set(results, DIAG_CREDENTIALS, DIAG_WARN, DIAG_REMEDY_CREDENTIALS,
                 "the mailbox access account is not stored (no DATA1, DATA2, DATA3)");
    else
        diag_set(results, DIAG_CREDENTIALS, DIAG_WARN, DIAG_REMEDY_CREDENTIALS,
                 "incomplete: %s missing", missing);
    return results ? results[DIAG_CREDENTIALS].status : DIAG_WARN;
}

void diag_errid_text(long errid, char *meaning, size_t meaning_size,
                     char *remedy, size_t remedy_size)
{
    const char *m = NULL, *r = "look for event 1100 (source EMPKP) in the Application log: it "
                               "names the step that failed";
    unsigned long code = (unsigned long)errid & 0xFFFFFFFFul;

    switch (errid) {
    case 0:
        m = "success";
        r = "";
        break;
    case 5:
        m = "access denied: HKLM\\SOFTWARE\\Microsoft\\ExMPLS could not be created or written";
        r = "the account the script runs as (SYSTEM or MOM's action account) needs full control "
            "of ExMPLS; for DCOM permissions see KB 274696";
        break;
    case 8:
        m = "out of memory";
        break;
    case 13:
        m = "the KeyBits setting (HKLM\\SOFTWARE\\EMPKP) is not 1024, 2048, 3072 or 4096";
        r = "correct or delete the KeyBits value";
        break;
    case 1359:
        m = "OpenSSL could not generate or encode the key";
        break;
    case 1307:
        m = "the Publish lock (Global\\EMPKP.Publish) was created by an account other than "
            "SYSTEM or Administrators, or this account may not open it";
        r = "find and end the process holding it (Process Explorer: find handle EMPKP.Publish); "
            "the Application log (source EMPKP, event 1104) says more";
        break;
    case 1338:
        m = "the key container's owner or DACL lets another account use, replace or delete the key";
        r = "see the stored key line; the Application log (source EMPKP, event 1103) names the "
            "owner and the ACE";
        break;
    case 1460:
        m = "another Publish held the lock for 5 minutes";
        r = "look for a hung empkp.exe (Task Manager) and end it";
        break;
    }
    if (!m && code == 0x8009000Ful) {
        m = "the key container exists but this account may not open it (NTE_EXISTS after "
            "NTE_BAD_KEYSET)";
        r = "see the stored key line; the Application log (source EMPKP, event 1102)";
    }
    if (m) {
        snprintf(meaning, meaning_size, "%s", m);
    } else if ((code & 0xFFFF0000ul) == 0x80090000ul) {
        snprintf(meaning, meaning_size, "the CryptoAPI key store refused (0x%08lX)", code);
        r = DIAG_REMEDY_ADMIN "; the machine key set must be readable by the script's account";
    } else {
        snprintf(meaning, meaning_size, "error %ld (0x%08lX)", errid, code);
    }
    snprintf(remedy, remedy_size, "%s", r);
}
