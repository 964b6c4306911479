/* empkp /diagnose: one run of the checks (diagnose_key.c, diagnose_registration.c,
 * then the live test through COM), the repairs of /fix, the report.  See
 * diagnose.h and diagnose_logic.h. */
#include "diagnose.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/console.h"
#include "diagnose_checks.h"
#include "diagnose_com.h"
#include "diagnose_dcom.h"
#include "diagnose_report.h"
#include "server/publish/publish.h"
#include "server/register/registration.h"
#include "server/com/self_identity.h"
#include "common/wintext.h"
#include "server/com/typelib.h"

#define FIX_TEXT_MAX 1600

/* What the script's CreateObject failure means, in the KB's terms.  A
 * cause an earlier check found comes first: the code COM returns for it
 * varies (Windows says ERROR_BAD_EXE_FORMAT for a non-PE file, Wine says
 * ERROR_FILE_NOT_FOUND). */
static void object_remedy(HRESULT hr, const struct diag_result *results, const struct diag_facts *f,
                          char *out, size_t size)
{
    if (results[DIAG_DCOM].status == DIAG_FAIL && FAILED(hr)) {
        snprintf(out, size, "DCOM's permissions keep the script's account out (see \"DCOM permissions\")");
        return;
    }
    if (results[DIAG_SERVER_FILE].status == DIAG_FAIL) {
        snprintf(out, size, "LocalServer32 names no program that exists (see \"server file\")");
        return;
    }
    if (results[DIAG_WIN32_APP].status == DIAG_FAIL) {
        snprintf(out, size, "Windows cannot start the file LocalServer32 names (see \"valid Win32 "
                 "application\")");
        return;
    }
    switch ((unsigned long)hr) {
    case 0x80040154ul:  /* REGDB_E_CLASSNOTREG */
    case 0x800401F3ul:  /* CO_E_CLASSSTRING: the ProgID is not registered */
        snprintf(out, size, "%s", f->register_remedy);
        break;
    case 0x80070002ul:  /* the file LocalServer32 names is not there */
    case 0x80070003ul:
        snprintf(out, size, "LocalServer32 names a file that does not exist (see \"server file\")");
        break;
    case 0x800700C1ul:  /* ERROR_BAD_EXE_FORMAT */
        snprintf(out, size, "Windows cannot start the file LocalServer32 names (see \"valid Win32 "
                 "application\")");
        break;
    case 0x80070005ul:  /* E_ACCESSDENIED */
        snprintf(out, size, "DCOM's launch or access permissions refuse this account: set them for "
                 "%s in DCOM Config (dcomcnfg), see KB 274696", f->id->appid_name);
        break;
    case 0x80080005ul:  /* CO_E_SERVER_EXEC_FAILURE */
        snprintf(out, size, "the program started but never offered %s: is LocalServer32 naming "
                 "the right program? The System log (source DCOM) says more", f->id->progid);
        break;
    default:
        snprintf(out, size, "the System event log (source DCOM, event 10000) names the cause; for "
                 "permissions see KB 274696");
        break;
    }
}

static void check_object_and_publish(struct diag_result *results, const struct diag_facts *f, int fix)
{
    struct diagnose_com_result r;
    char text[300], remedy[DIAG_REMEDY_MAX], meaning[300];
    WCHAR progid[64];
    BOOL call = diag_may_call_publish(f->plan, fix);

    wide_from_utf8_buf(f->id->progid, progid, ARRAYSIZE(progid));
    diagnose_com(progid, call, &r);
    if (r.timed_out) {
        diag_set(results, DIAG_OBJECT, DIAG_FAIL, "end any hung empkp.exe (Task Manager); the "
                 "System event log (source DCOM) names the cause",
                 "no answer from COM within %u s (creating %s%s)", DIAGNOSE_COM_TIMEOUT_MS / 1000,
                 f->id->progid, call ? " or calling Publish()" : "");
        diag_set(results, DIAG_PUBLISH, DIAG_WARN, NULL, "no result: COM did not answer");
        return;
    }
    if (FAILED(r.create_hr)) {
        win32_error_text((DWORD)r.create_hr, text, sizeof(text));
        object_remedy(r.create_hr, results, f, remedy, sizeof(remedy));
        diag_set(results, DIAG_OBJECT, DIAG_FAIL, remedy, "CreateObject(\"%s\") fails: %s",
                 f->id->progid, text);
        diag_set(results, DIAG_PUBLISH, DIAG_WARN, NULL, "not called: the object was not created");
        return;
    }
    diag_set(results, DIAG_OBJECT, DIAG_PASS, NULL, "CreateObject(\"%s\") created it out of "
             "process (CLSCTX_LOCAL_SERVER) in %lu ms", f->id->progid, (unsigned long)r.create_ms);
    if (!r.called && f->write_error) {
        /* Not called (it would write), but the write is sure to fail. */
        diag_errid_text((long)f->write_error, meaning, sizeof(meaning), remedy, sizeof(remedy));
        diag_set(results, DIAG_PUBLISH, DIAG_FAIL, remedy, "not called, but it would fail: Publish() "
                 "must %s and this account may not write ExMPLS, so it would return ErrID %lu (%s)",
                 diag_publish_would(f->plan), (unsigned long)f->write_error, meaning);
    } else if (!r.called) {
        diag_set(results, DIAG_PUBLISH, DIAG_WARN, "/diagnose /fix publishes now, or let the "
                 "\"Exchange - Publish ExMP Data\" script run", "not called: Publish() would %s, "
                 "and /diagnose changes nothing without /fix", diag_publish_would(f->plan));
    } else if (FAILED(r.call_hr)) {
        win32_error_text((DWORD)r.call_hr, text, sizeof(text));
        diag_set(results, DIAG_PUBLISH, DIAG_FAIL, "the Application log (source EMPKP) and the "
                 "System log (source DCOM) name the cause", "the call failed: %s", text);
    } else if (r.err_id != 0) {
        diag_errid_text((long)r.err_id, meaning, sizeof(meaning), remedy, sizeof(remedy));
        diag_set(results, DIAG_PUBLISH, DIAG_FAIL, remedy, "returned ErrID %ld: %s", (long)r.err_id,
                 meaning);
    } else {
        diag_set(results, DIAG_PUBLISH, DIAG_PASS, NULL, "returned ErrID 0%s",
                 f->plan == PLAN_NOTHING ? " (nothing written: DATA0 was already the stored key's)" : "");
    }
}

static void run_checks(struct diag_result *results, struct diag_facts *f, int fix)
{
    memset(results, 0, sizeof(*results) * DIAG_CHECK_COUNT);
    diagnose_key_checks(results, f);
    diagnose_registration_checks(results, f);
    diagnose_dcom_check(results, f);
    check_object_and_publish(results, f, fix);
}

static BOOL any_not_pass(const struct diag_result *r, const enum diag_check *checks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (r[checks[i]].status != DIAG_PASS)
            return TRUE;
    return FALSE;
}

/* /fix: re-register this program when the registration is not what
 * /regserver leaves, publish when the key is not healthy or Publish()
 * failed.  Returns how many repairs were attempted (each says what it did
 * in fixes[]); the proxy/stub DLL and the helper's location are left to
 * the administrator. */
static size_t apply_fixes(const struct diag_result *r, const struct diag_facts *f,
                          char fixes[][FIX_TEXT_MAX], size_t *count)
{
    static const enum diag_check registration[] = {
        DIAG_CLSID, DIAG_LOCALSERVER32, DIAG_SERVER_FILE, DIAG_WIN32_APP, DIAG_APPID, DIAG_PROGID,
        DIAG_TYPELIB, DIAG_OBJECT,
    };
    static const enum diag_check key[] = { DIAG_EXMPLS, DIAG_DATA0, DIAG_STORED_KEY };
    char text[300], meaning[300], remedy[DIAG_REMEDY_MAX], why[FIX_TEXT_MAX / 2];
    size_t attempted = 0;
    int refused = 0;
    DWORD err;

    *count = 0;
    if (any_not_pass(r, registration, ARRAYSIZE(registration))) {
        /* MOM starts what is registered as SYSTEM: only a copy that only
         * administrators may replace (regsafe.h). */
        if (!diag_fix_may_register(f, why, sizeof(why))) {
            snprintf(fixes[(*count)++], FIX_TEXT_MAX, "refused to register %s to \"%s\": %s. "
                     "Nothing was registered. Copy %s to the KB's folder for your versions (see "
                     "\"helper file\"), on a local disk where only administrators may write, "
                     "and run /diagnose /fix there", f->id->progid, f->program_utf8, why,
                     f->id->exe_name);
            refused = 1;
        } else {
            err = register_server();
            if (err)
                win32_error_text(err, text, sizeof(text));
            snprintf(fixes[(*count)++], FIX_TEXT_MAX, "registered %s to \"%s\" (as %s /regserver): %s",
                     f->id->progid, f->program_utf8, f->id->appid_name, err ? text : "done");
            attempted++;
        }
    }
    if (any_not_pass(r, key, ARRAYSIZE(key)) || r[DIAG_PUBLISH].status == DIAG_FAIL) {
        err = publish();
        diag_errid_text((long)err, meaning, sizeof(meaning), remedy, sizeof(remedy));
        snprintf(fixes[(*count)++], FIX_TEXT_MAX, "Publish() run here (as /publish), to %s: ErrID %ld, %s",
                 diag_publish_would(f->plan), (long)err, meaning);
        attempted++;
    }
    if (diagnose_dcom_fix(r, f, fixes[*count], FIX_TEXT_MAX))
        (*count)++, attempted++;
    else if (fixes[*count][0])
        (*count)++;
    if (!attempted && !refused)
        snprintf(fixes[(*count)++], FIX_TEXT_MAX, "nothing to repair: the registration and the key "
                 "are as /regserver and Publish() leave them");
    return attempted;
}

DWORD diagnose(int fix, int json)
{
    char fixes[4][FIX_TEXT_MAX];
    const char *fix_list[4];
    struct diag_result *first, *second = NULL;
    struct diag_run run;
    struct diag_buf out = { 0 };
    struct diag_facts f;
    size_t fix_count = 0, i;
    DWORD exit_code;
    HRESULT hr;

    memset(&f, 0, sizeof(f));
    f.kind = self_identity();
    f.id = identity_names(f.kind);
    guid_text(identity_clsid(f.kind), f.clsid);
    if (typelib_exe_path(f.program, ARRAYSIZE(f.program)))
        f.program[0] = 0;
    utf8_from_wide_buf(f.program, f.program_utf8, sizeof(f.program_utf8));
    snprintf(f.register_remedy, sizeof(f.register_remedy), "in the folder of %s, type %s /regserver "
             "(KB 911143's manual registration), or run /diagnose /fix", f.id->exe_name,
             f.id->appid_name);

    first = calloc(DIAG_CHECK_COUNT, sizeof(*first));
    if (!first)
        return ERROR_NOT_ENOUGH_MEMORY;
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    /* The first look changes nothing, /fix or not. */
    run_checks(first, &f, 0);
    if (fix && apply_fixes(first, &f, fixes, &fix_count) && (second = calloc(DIAG_CHECK_COUNT, sizeof(*second))))
        run_checks(second, &f, 1);
    for (i = 0; i < fix_count; i++)
        fix_list[i] = fixes[i];

    memset(&run, 0, sizeof(run));
    run.identity = f.kind;
    run.clsid = f.clsid;
    run.program = f.program_utf8;
    run.fix = fix;
    run.before = second ? first : NULL;
    run.fixes = fix_list;
    run.fix_count = fix_count;
    run.results = second ? second : first;
    if ((json ? diag_render_json(&run, &out) : diag_render_text(&run, &out)) == 0)
        console_write(0, out.data);
    else
        console_write(1, "empkp: /diagnose: out of memory\n");
    exit_code = (DWORD)diag_exit_code(diag_verdict_of(run.results), f.kind);
    diag_buf_free(&out);
    free(first);
    free(second);
    if (SUCCEEDED(hr))
        CoUninitialize();
    return exit_code;
}
