/* empkp /diagnose: KB 911143's manual checks as data, and the verdict.
 *
 * Each check ends as one result: PASS, WARN or FAIL, what was found, and
 * (when not PASS) the remedy in the KB's terms.  A FAIL is always something
 * that keeps MOM from logging event 9986, and the first kind of FAIL (in
 * the order below) decides which event it logs instead; a WARN is something
 * wrong that does not stop 9986 today.  The exit code is the event number
 * of the verdict (0 for 9986).
 *
 * Plain C with no Windows headers: the native unit tests reach the verdict,
 * the texts built from facts, and the output formats.  server/diagnose/diagnose.c
 * gathers the facts (registry, key store, files, COM). */
#ifndef EMPKP_DIAGNOSE_LOGIC_H
#define EMPKP_DIAGNOSE_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#include "server/com/identity.h"
#include "common/publish_plan.h"

enum diag_status { DIAG_PASS, DIAG_WARN, DIAG_FAIL };

/* The KB's ways out, shared by several checks. */
#define DIAG_REMEDY_PUBLISH \
    "the \"Exchange - Publish ExMP Data\" script writes it when Publish() succeeds (MOM rules " \
    "\"Daily Agent Mailbox data generation\" and \"Publish data for Agent Mailbox " \
    "impersonation\"); /diagnose /fix publishes now"
#define DIAG_REMEDY_CREDENTIALS \
    "once event 9986 is logged, store the mailbox access account with the Exchange Management " \
    "Pack Configuration Wizard or the ExchangeMOMSetCredentialUtility utility"
#define DIAG_REMEDY_ADMIN "run /diagnose as an administrator (or SYSTEM, as MOM's agent runs it)"

/* In the order they run and print (the order of the issue and the KB). */
enum diag_check {
    DIAG_EXMPLS,        /* HKLM\SOFTWARE\Microsoft\ExMPLS present */
    DIAG_DATA0,         /* DATA0 a well-formed PUBLICKEYBLOB of an allowed size */
    DIAG_STORED_KEY,    /* the private key in the key store, matching DATA0 */
    DIAG_PROVIDERS,     /* which CryptoAPI providers import DATA0 (credential tools) */
    DIAG_CREDENTIALS,   /* DATA1..3 present (never shown) */
    DIAG_DECRYPTABLE,   /* DATA1..3 decrypt with the stored key */
    DIAG_HELPER_FILE,   /* the helper at the KB's location, and which one is registered */
    DIAG_CLSID,         /* HKCR\CLSID\{clsid} */
    DIAG_LOCALSERVER32, /* its LocalServer32 names a program */
    DIAG_SERVER_FILE,   /* that file exists */
    DIAG_WIN32_APP,     /* it is a PE image this Windows can start */
    DIAG_APPID,         /* the AppID: the DCOM Config entry */
    DIAG_DCOM,          /* DCOM launch/access permissions let MOM's account in */
    DIAG_PROGID,        /* the ProgID resolves to the CLSID */
    DIAG_TYPELIB,       /* the type library registered, its file present */
    DIAG_PROXYSTUB,     /* the interface's marshaler registered, its file present */
    DIAG_OBJECT,        /* CreateObject(ProgID) out of process */
    DIAG_PUBLISH,       /* Publish() and its ErrID */
    DIAG_CHECK_COUNT
};

enum diag_verdict {
    VERDICT_PUBLISHED,       /* 9986 */
    VERDICT_KEY_MISSING,     /* 9987 */
    VERDICT_PUBLISH_FAILED,  /* 10000; 9970 for ExchKP (MOM 2000 SP1) */
    VERDICT_NOT_CREATED      /* 10001; 9972 for ExchKP */
};

#define DIAG_FOUND_MAX   768
#define DIAG_REMEDY_MAX  512
#define DIAG_SHA256_MAX  65     /* 64 hex digits and the terminator */

struct diag_result {
    enum diag_status status;
    char found[DIAG_FOUND_MAX];
    char remedy[DIAG_REMEDY_MAX];
    /* DATA0 only: SHA-256 of its bytes (keyblob_fingerprint), or "" when
     * it could not be read.  Printed on a line of its own, and in JSON as
     * "sha256": what empkpcred set /server: asks to be confirmed. */
    char sha256[DIAG_SHA256_MAX];
};

/* "ExMPLS key", "DATA0", ...: the name printed before the colon. */
const char *diag_check_name(enum diag_check check);
/* "exmpls-key", "data0", ...: the JSON "check" id. */
const char *diag_check_id(enum diag_check check);

/* The verdict a FAIL of this check forces; VERDICT_PUBLISHED for the checks
 * that can only WARN (credentials, decryptability, helper file location,
 * AppID, type library, proxy/stub: MOM's late-bound script needs none of
 * them to log 9986). */
enum diag_verdict diag_fail_verdict(enum diag_check check);

/* Sets one result (found from a printf format, truncated to fit; remedy may
 * be NULL).  A FAIL asked for a check that can only WARN is recorded as a
 * WARN, so that FAIL keeps meaning "stops 9986". */
void diag_set(struct diag_result *results, enum diag_check check, enum diag_status status,
              const char *remedy, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* The verdict of a full set of results: object not created, then Publish
 * failed, then key missing, else published. */
enum diag_verdict diag_verdict_of(const struct diag_result results[DIAG_CHECK_COUNT]);
/* The MOM event the "Exchange - Publish ExMP Data" script of this identity
 * logs, which is also the exit code (0 for 9986). */
int diag_verdict_event(enum diag_verdict verdict, enum identity_kind identity);
int diag_exit_code(enum diag_verdict verdict, enum identity_kind identity);
const char *diag_verdict_name(enum diag_verdict verdict);
/* One sentence explaining the verdict, with the ProgID and the event. */
void diag_verdict_text(enum diag_verdict verdict, enum identity_kind identity, char *out, size_t size);

/* Whether /diagnose may call Publish(): when /fix was asked, or when
 * Publish would write nothing (PLAN_NOTHING) or fail without writing
 * (PLAN_FAIL).  Otherwise calling it would change DATA0 or the key. */
int diag_may_call_publish(enum publish_plan plan, int fix);
/* What Publish would do, for the line that says why it was not called. */
const char *diag_publish_would(enum publish_plan plan);

/* The DATA0 check from the value as read: present, REG_BINARY, its bytes
 * (NULL with present: too large to read).  *bits gets the key size when the
 * blob is well formed (else 0).  Returns the status it set. */
enum diag_status diag_check_data0(struct diag_result *results, int present, int is_binary,
                                  const unsigned char *data0, size_t len, unsigned *bits);

/* The stored-key check: the store's state and error, the stored public
 * blob (NULL unless STORE_PRESENT), and DATA0 when it was well formed
 * (NULL otherwise: then the two cannot be compared). */
enum diag_status diag_check_stored_key(struct diag_result *results, enum store_state store,
                                       unsigned long store_err, const char *container,
                                       const unsigned char *stored, size_t stored_len,
                                       const unsigned char *data0, size_t data0_len);

/* One CryptoAPI provider's CryptImportKey of DATA0 (CRYPT_VERIFYCONTEXT),
 * as the glue tried it: the tools that encrypt credentials to DATA0 open
 * one of them, and no public source says which. */
enum diag_import {
    DIAG_IMPORT_OK,           /* imported (and encrypted a value) */
    DIAG_IMPORT_REFUSED,      /* installed, but refused DATA0; see error */
    DIAG_IMPORT_NOT_INSTALLED /* the provider is not there (NTE_KEYSET_NOT_DEF,
                                 NTE_PROV_TYPE_NOT_DEF): e.g. RSA/AES on 2000 */
};
struct diag_provider {
    const char *name;          /* as shown: "Base (MS_DEF_PROV)", ... */
    int is_base;               /* Microsoft Base Cryptographic Provider (the
                                  default PROV_RSA_FULL provider may be it) */
    enum diag_import result;
    unsigned long error;       /* CryptoAPI's error for REFUSED / NOT_INSTALLED */
};
#define DIAG_BASE_PROV_MAX_BITS 1024u   /* Microsoft: RSA key exchange 384..1024 */

/* The providers check: bits is DATA0's key size (0 when DATA0 is not well
 * formed: not checked).  PASS when every installed provider imports DATA0;
 * WARN naming the Base provider's limit when it refuses, or the provider
 * that refuses.  Only WARNs: MOM logs 9986 whatever the wizard can do. */
enum diag_status diag_check_providers(struct diag_result *results, unsigned bits,
                                      const struct diag_provider *providers, size_t count);

/* DATA1..3: present[i] and size[i] for DATA(i+1); exmpls_present 0 when
 * the key itself is missing.  Only WARNs: 9986 comes before credentials. */
enum diag_status diag_check_credentials(struct diag_result *results, int exmpls_present,
                                        const int present[3], const unsigned long size[3]);

/* What an ErrID of Publish means (packaging/MANUAL.txt's table), and what to do. */
void diag_errid_text(long errid, char *meaning, size_t meaning_size,
                     char *remedy, size_t remedy_size);

#endif
