/* /diagnose: the published key.  ExMPLS and DATA0 as exmpls.c reads them
 * (64-bit view), the stored key as keystore.c reads it, DATA1..3 by size
 * only: their contents are never read here. */
#include "diagnose_checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wincrypt.h>

#include "common/cred/credcheck.h"
#include "common/exmpls.h"
#include "common/regvalue.h"
#include "common/keystore.h"

/* The single place where DATA1..3 are decrypted: the server-side
 * check (common/cred/credcheck.c, the same as "empkpcred verify"), which wipes
 * what it decrypts.  Only its verdict is printed, never the values (not
 * even the domain and user name it hands back).  Decryptability does not
 * change the verdict (event 9986 comes before any credentials exist), so
 * this check can only WARN. */
static void check_credentials_decryptable(struct diag_result *results, int credentials_present)
{
    static const char *const remedy_set =
        "store the mailbox access account again (Exchange Management Pack Configuration "
        "Wizard, ExchangeMOMSetCredentialUtility, or empkpcred set)";
    struct credcheck_report report;
    enum credcheck_result result;
    const char *remedy = remedy_set;

    if (!credentials_present) {
        diag_set(results, DIAG_DECRYPTABLE, DIAG_WARN, DIAG_REMEDY_CREDENTIALS,
                 "nothing to decrypt: DATA1..3 are not all set");
        return;
    }
    result = credcheck_run(&report);
    if (result == CREDCHECK_OK) {
        diag_set(results, DIAG_DECRYPTABLE, DIAG_PASS, NULL,
                 "DATA1, DATA2 and DATA3 decrypt with the stored key to text (not shown)");
    } else {
        if (result == CREDCHECK_DENIED)
            remedy = DIAG_REMEDY_ADMIN;
        else if (result == CREDCHECK_INTERRUPTED)
            remedy = "run empkpcred recover, which finishes or undoes the interrupted set";
        else if (result == CREDCHECK_NO_DATA0 || result == CREDCHECK_NO_KEY
                 || result == CREDCHECK_BAD_DATA0)
            remedy = DIAG_REMEDY_PUBLISH;
        else if (result == CREDCHECK_UNTRUSTED)
            remedy = "see the stored key check: nothing is decrypted with a key another "
                     "account controls";
        diag_set(results, DIAG_DECRYPTABLE, DIAG_WARN, remedy,
                 "%s (DATA1 %s, DATA2 %s, DATA3 %s; error 0x%08lX)", credcheck_result_str(result),
                 credcheck_value_str(report.value[0]), credcheck_value_str(report.value[1]),
                 credcheck_value_str(report.value[2]), (unsigned long)report.error);
    }
    SecureZeroMemory(&report, sizeof(report));
}

/* CryptImportKey of DATA0 into each provider a credential tool may open
 * (an ephemeral CRYPT_VERIFYCONTEXT: nothing is stored), and one
 * CryptEncrypt with it; diag_check_providers words the result. */
static void check_providers(struct diag_result *results, unsigned bits, const BYTE *data0,
                            DWORD data0_len)
{
    static const struct { const WCHAR *prov; DWORD type; const char *name; } tried[] = {
        { MS_DEF_PROV_W, PROV_RSA_FULL, "Base (MS_DEF_PROV)" },
        { MS_STRONG_PROV_W, PROV_RSA_FULL, "Strong (MS_STRONG_PROV)" },
        { MS_ENHANCED_PROV_W, PROV_RSA_FULL, "Enhanced (MS_ENHANCED_PROV)" },
        { MS_ENH_RSA_AES_PROV_W, PROV_RSA_AES, "Enhanced RSA and AES (MS_ENH_RSA_AES_PROV)" },
        { NULL, PROV_RSA_FULL, NULL },   /* the default PROV_RSA_FULL provider */
    };
    struct diag_provider p[ARRAYSIZE(tried)];
    char default_name[200], pname[101];
    BYTE value[512];
    DWORD len, size;
    HCRYPTPROV prov;
    HCRYPTKEY key;
    size_t i;

    if (!bits) {
        diag_check_providers(results, 0, NULL, 0);
        return;
    }
    snprintf(default_name, sizeof(default_name), "default PROV_RSA_FULL");
    for (i = 0; i < ARRAYSIZE(tried); i++) {
        p[i].name = tried[i].name ? tried[i].name : default_name;
        p[i].is_base = i == 0;
        p[i].result = DIAG_IMPORT_OK;
        p[i].error = 0;
        if (!CryptAcquireContextW(&prov, NULL, tried[i].prov, tried[i].type, CRYPT_VERIFYCONTEXT)) {
            p[i].error = GetLastError();
            p[i].result = (p[i].error == (DWORD)NTE_KEYSET_NOT_DEF
                           || p[i].error == (DWORD)NTE_PROV_TYPE_NOT_DEF
                           || p[i].error == (DWORD)NTE_PROV_TYPE_ENTRY_BAD
                           || p[i].error == (DWORD)NTE_PROV_DLL_NOT_FOUND)
                              ? DIAG_IMPORT_NOT_INSTALLED : DIAG_IMPORT_REFUSED;
            continue;
        }
        if (!tried[i].prov) {
            /* PP_NAME is an ANSI string (provider names are ASCII). */
            size = sizeof(pname) - 1;
            if (CryptGetProvParam(prov, PP_NAME, (BYTE *)pname, &size, 0)) {
                pname[size < sizeof(pname) ? size : sizeof(pname) - 1] = 0;
                snprintf(default_name, sizeof(default_name), "default PROV_RSA_FULL (%s)", pname);
                p[i].is_base = strcmp(pname, MS_DEF_PROV_A) == 0;
            }
        }
        if (!CryptImportKey(prov, data0, data0_len, 0, 0, &key)) {
            p[i].error = GetLastError();
            p[i].result = DIAG_IMPORT_REFUSED;
        } else {
            memcpy(value, "empkp", 5);
            len = 5;
            if (!CryptEncrypt(key, 0, TRUE, 0, value, &len, sizeof(value))) {
                p[i].error = GetLastError();
                p[i].result = DIAG_IMPORT_REFUSED;
            }
            CryptDestroyKey(key);
        }
        CryptReleaseContext(prov, 0);
    }
    diag_check_providers(results, bits, p, ARRAYSIZE(p));
}

static void read_credential_sizes(HKEY key, int present[3], unsigned long size[3])
{
    static const WCHAR *const names[3] = { L"DATA1", L"DATA2", L"DATA3" };
    DWORD type, bytes;
    BOOL here;
    int i;

    for (i = 0; i < 3; i++) {
        regvalue_size(key, names[i], &here, &type, &bytes);
        present[i] = here;
        size[i] = bytes;
    }
}

void diagnose_key_checks(struct diag_result *results, struct diag_facts *facts)
{
    int cred_present[3] = { 0, 0, 0 };
    unsigned long cred_size[3] = { 0, 0, 0 };
    BYTE *data0 = NULL, *stored = NULL;
    DWORD data0_len = 0, stored_len = 0, store_err, data0_err, err;
    BOOL present = FALSE, is_binary = FALSE, exmpls = FALSE;
    enum store_state store;
    char text[256], container[64], sd_text[400], why[240];
    unsigned bits = 0;
    HKEY key;

    err = (DWORD)exmpls_open(KEY_QUERY_VALUE, &key);
    if (err == ERROR_SUCCESS) {
        exmpls = TRUE;
        read_credential_sizes(key, cred_present, cred_size);
        RegCloseKey(key);
        diag_set(results, DIAG_EXMPLS, DIAG_PASS, NULL, "HKLM\\SOFTWARE\\Microsoft\\ExMPLS present");
    } else if (err == ERROR_FILE_NOT_FOUND) {
        diag_set(results, DIAG_EXMPLS, DIAG_FAIL, DIAG_REMEDY_PUBLISH,
                 "HKLM\\SOFTWARE\\Microsoft\\ExMPLS is not present (the Configuration Wizard "
                 "says \"This configuration can only be made after the Exchange MOM event 9986 "
                 "is registered by MOM\")");
    } else {
        win32_error_text(err, text, sizeof(text));
        diag_set(results, DIAG_EXMPLS, DIAG_FAIL, DIAG_REMEDY_ADMIN,
                 "HKLM\\SOFTWARE\\Microsoft\\ExMPLS could not be opened: %s", text);
    }

    data0_err = exmpls_read_data0(&data0, &data0_len, &present, &is_binary);
    if (data0_err != ERROR_SUCCESS) {
        win32_error_text(data0_err, text, sizeof(text));
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_ADMIN, "DATA0 could not be read: %s", text);
    } else if (!exmpls) {
        diag_set(results, DIAG_DATA0, DIAG_FAIL, DIAG_REMEDY_PUBLISH, "not present (no ExMPLS key)");
    } else {
        diag_check_data0(results, present, is_binary, data0, data0_len, &bits);
    }
    check_providers(results, results[DIAG_DATA0].status == DIAG_PASS ? bits : 0, data0,
                    data0_len);

    store = keystore_read_public_ex(&stored, &stored_len, &store_err, sd_text, sizeof(sd_text),
                                    why, sizeof(why));
    utf8_from_wide_buf(KEYSTORE_CONTAINER, container, sizeof(container));
    diag_check_stored_key(results, store, store_err, container, stored, stored_len,
                          results[DIAG_DATA0].status == DIAG_PASS ? data0 : NULL, data0_len);
    /* Who controls the key: the container's owner and DACL, as read. */
    if (sd_text[0]) {
        size_t used = strlen(results[DIAG_STORED_KEY].found);
        snprintf(results[DIAG_STORED_KEY].found + used, sizeof(results[DIAG_STORED_KEY].found) - used,
                 "%s%s; security: %s", why[0] ? ": " : "", why, sd_text);
    }

    /* What Publish() would do now: publish.c's own decision on the same
     * facts.  DATA0 unreadable makes Publish fail before writing. */
    facts->plan = data0_err != ERROR_SUCCESS ? PLAN_FAIL
                : publish_plan(store, data0_state_of(present, is_binary, data0, data0_len,
                                                     stored, stored_len));
    free(data0);
    free(stored);
    facts->write_error = ERROR_SUCCESS;
    if (facts->plan == PLAN_REWRITE_DATA0 || facts->plan == PLAN_NEW_KEY)
        facts->write_error = exmpls_check_writable();

    diag_check_credentials(results, exmpls, cred_present, cred_size);
    check_credentials_decryptable(results, cred_present[0] && cred_present[1] && cred_present[2]);
}
