/* /diagnose: DCOM launch and access permissions for the account MOM runs
 * as (see diagnose_dcom.h, dcom_perm.h). */
#include "diagnose_dcom.h"

#include <lm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/regvalue.h"
#include "dcom_perm.h"
#include "server/com/self_identity.h"

#define OLE_KEY      L"SOFTWARE\\Microsoft\\Ole"
#define TOKEN_MAX    64
#define SID_MAX      68

static char account_arg[260];
static int fix_dcom;

void diagnose_dcom_options(const char *account, int fix)
{
    snprintf(account_arg, sizeof(account_arg), "%s", account ? account : "");
    fix_dcom = fix;
}

/* S-1-5-3 BATCH: with INTERACTIVE and SERVICE, the SIDs a token holds by
 * how the account was logged on. */
static const unsigned char batch_bytes[] = { 1, 1, 0, 0, 0, 0, 0, 5, 3, 0, 0, 0 };

struct account {
    char name[600];                 /* as printed */
    int is_system;
    int resolved;
    DWORD error;                    /* LookupAccountName's, when not resolved */
    unsigned char sids[TOKEN_MAX][SID_MAX];
    struct sd_sid token[TOKEN_MAX];
    size_t n;
    int local_groups_known;         /* NetUserGetLocalGroups answered */
};

static void add_sid(struct account *a, const void *sid, size_t len)
{
    if (a->n >= TOKEN_MAX || len > SID_MAX || len < 8)
        return;
    memcpy(a->sids[a->n], sid, len);
    a->token[a->n].p = a->sids[a->n];
    a->token[a->n].len = len;
    a->n++;
}

static int is_system_name(const WCHAR *name)
{
    const WCHAR *tail = wcsrchr(name, L'\\');

    if (!name[0])
        return 1;
    /* MSDN "LocalSystem Account": LookupAccountName does not know it as
     * .\LocalSystem or COMPUTER\LocalSystem. */
    return !lstrcmpiW(tail ? tail + 1 : name, L"LocalSystem") || !lstrcmpiW(name, L"SYSTEM") ||
           !lstrcmpiW(name, L"NT AUTHORITY\\SYSTEM");
}

typedef NET_API_STATUS (WINAPI *local_groups_fn)(LPCWSTR, LPCWSTR, DWORD, DWORD, LPBYTE *, DWORD,
                                                  LPDWORD, LPDWORD);
typedef NET_API_STATUS (WINAPI *buffer_free_fn)(LPVOID);

/* The local groups NAME is in, directly or through global groups
 * (LG_INCLUDE_INDIRECT), added to the token.  netapi32 is loaded here, so
 * that empkp.exe imports nothing new. */
static void add_local_groups(struct account *a, const WCHAR *name)
{
    HMODULE netapi = LoadLibraryW(L"netapi32.dll");
    local_groups_fn get_groups;
    buffer_free_fn buffer_free;
    LOCALGROUP_USERS_INFO_0 *groups = NULL;
    DWORD read = 0, total = 0, i, sid_len, dom_len;
    BYTE sid[SID_MAX];
    WCHAR dom[256];
    SID_NAME_USE use;

    if (!netapi)
        return;
    get_groups = (local_groups_fn)(void (*)(void))GetProcAddress(netapi, "NetUserGetLocalGroups");
    buffer_free = (buffer_free_fn)(void (*)(void))GetProcAddress(netapi, "NetApiBufferFree");
    if (get_groups && buffer_free &&
        get_groups(NULL, name, 0, LG_INCLUDE_INDIRECT, (LPBYTE *)&groups, MAX_PREFERRED_LENGTH, &read,
                   &total) == NERR_Success) {
        a->local_groups_known = 1;
        for (i = 0; groups && i < read; i++) {
            sid_len = sizeof(sid);
            dom_len = ARRAYSIZE(dom);
            if (LookupAccountNameW(NULL, groups[i].lgrui0_name, sid, &sid_len, dom, &dom_len, &use))
                add_sid(a, sid, GetLengthSid(sid));
        }
    }
    if (groups && buffer_free)
        buffer_free(groups);
    FreeLibrary(netapi);
}

/* The account's SIDs, as far as they can be known here (packaging/MANUAL.txt,
 * "DCOM permissions": SYSTEM's
 * token fully; a named account's user SID, Everyone, Authenticated Users
 * and its local groups; not its logon-type SIDs or domain groups). */
static void resolve_account(struct account *a)
{
    WCHAR name[260], dom[256];
    BYTE sid[SID_MAX];
    DWORD sid_len = sizeof(sid), dom_len = ARRAYSIZE(dom);
    SID_NAME_USE use;

    memset(a, 0, sizeof(*a));
    wide_from_utf8_buf(account_arg, name, ARRAYSIZE(name));
    if (is_system_name(name) && (!account_arg[0] || name[0])) {
        a->is_system = a->resolved = 1;
        snprintf(a->name, sizeof(a->name), "%s", account_arg[0] ? account_arg : "SYSTEM");
    } else if (LookupAccountNameW(NULL, name, sid, &sid_len, dom, &dom_len, &use)) {
        a->resolved = 1;
        snprintf(a->name, sizeof(a->name), "%s", account_arg);
        a->is_system = EqualSid(sid, (PSID)SD_SID_SYSTEM.p);
        if (!a->is_system) {
            add_sid(a, sid, GetLengthSid(sid));
            add_sid(a, SD_SID_EVERYONE.p, SD_SID_EVERYONE.len);
            add_sid(a, SD_SID_AUTHENTICATED.p, SD_SID_AUTHENTICATED.len);
            add_local_groups(a, name);
        }
    } else {
        a->error = GetLastError();
        snprintf(a->name, sizeof(a->name), "%s", account_arg);
        return;
    }
    if (a->is_system) {
        /* MSDN "LocalSystem Account": its token holds SYSTEM and
         * Administrators; every logged-on token holds Everyone and
         * Authenticated Users. */
        a->n = 0;
        add_sid(a, SD_SID_SYSTEM.p, SD_SID_SYSTEM.len);
        add_sid(a, SD_SID_ADMINISTRATORS.p, SD_SID_ADMINISTRATORS.len);
        add_sid(a, SD_SID_EVERYONE.p, SD_SID_EVERYONE.len);
        add_sid(a, SD_SID_AUTHENTICATED.p, SD_SID_AUTHENTICATED.len);
    }
}

/* A REG_BINARY value: *present, and a malloc'd copy (NULL when it is not
 * REG_BINARY, larger than REGVALUE_MAX or could not be read). */
static void read_binary(const WCHAR *path, const WCHAR *name, struct dcom_value *v)
{
    DWORD type, size;
    BYTE *buf;
    BOOL present;
    HKEY key;
    LONG err;

    memset(v, 0, sizeof(*v));
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_QUERY_VALUE, &key) != ERROR_SUCCESS)
        return;
    err = regvalue_read(key, name, &type, &buf, &size, &present);
    RegCloseKey(key);
    v->present = present;
    if (err == ERROR_SUCCESS && present && type == REG_BINARY) {
        v->sd = buf;
        v->len = size;
    } else {
        free(buf);
    }
}

static void free_value(struct dcom_value *v)
{
    free((void *)v->sd);
    memset(v, 0, sizeof(*v));
}

struct rules {
    WCHAR appid_key[96];
    struct dcom_value appid[2], def[2], limit[2];
    char enable_dcom[8];        /* "Y", "N", or "" when absent */
};

static void read_rules(const struct diag_facts *f, struct rules *r)
{
    static const WCHAR *const appid_names[2] = { L"LaunchPermission", L"AccessPermission" };
    static const WCHAR *const def_names[2] = { L"DefaultLaunchPermission", L"DefaultAccessPermission" };
    static const WCHAR *const limit_names[2] = { L"MachineLaunchRestriction", L"MachineAccessRestriction" };
    WCHAR value[8], appid[39];
    HKEY key;
    int k;

    memset(r, 0, sizeof(*r));
    StringFromGUID2(identity_appid(f->kind), appid, ARRAYSIZE(appid));
    _snwprintf(r->appid_key, ARRAYSIZE(r->appid_key), L"SOFTWARE\\Classes\\AppID\\%ls", appid);
    r->appid_key[ARRAYSIZE(r->appid_key) - 1] = 0;
    for (k = 0; k < 2; k++) {
        read_binary(r->appid_key, appid_names[k], &r->appid[k]);
        read_binary(OLE_KEY, def_names[k], &r->def[k]);
        read_binary(OLE_KEY, limit_names[k], &r->limit[k]);
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, OLE_KEY, 0, KEY_QUERY_VALUE, &key) == ERROR_SUCCESS) {
        DWORD type;

        if (regvalue_read_string(key, L"EnableDCOM", value, ARRAYSIZE(value), &type) == ERROR_SUCCESS &&
            type == REG_SZ)
            utf8_from_wide_buf(value, r->enable_dcom, sizeof(r->enable_dcom));
        RegCloseKey(key);
    }
}

static void free_rules(struct rules *r)
{
    int k;

    for (k = 0; k < 2; k++) {
        free_value(&r->appid[k]);
        free_value(&r->def[k]);
        free_value(&r->limit[k]);
    }
}

static void sid_name(struct sd_sid s, char *out, size_t size)
{
    const char *known = sd_sid_wellknown_name(s);
    WCHAR name[256], dom[256];
    DWORD nl = ARRAYSIZE(name), dl = ARRAYSIZE(dom);
    SID_NAME_USE use;
    char u8n[768], u8d[768];

    if (known) {
        snprintf(out, size, "%s", known);
    } else if (s.len && LookupAccountSidW(NULL, (PSID)s.p, name, &nl, dom, &dl, &use)) {
        utf8_from_wide_buf(name, u8n, sizeof(u8n));
        utf8_from_wide_buf(dom, u8d, sizeof(u8d));
        snprintf(out, size, "%s%s%s", u8d, u8d[0] ? "\\" : "", u8n);
    } else {
        sd_sid_to_string(s, out, size);
    }
}

/* For a named account denied by the rule: an allow ACE that would grant it
 * through a SID the account may hold without our knowing (a logon-type
 * SID, or a domain group).  Its name in OUT; 0 when there is none. */
static int uncertain_grant(const struct account *a, const struct dcom_value *rule, enum dcom_kind kind,
                           char *out, size_t size)
{
    const struct sd_sid batch = { batch_bytes, sizeof(batch_bytes) };
    struct sd_view v;
    struct sd_ace ace;
    const char *why;
    int old;
    unsigned i;
    WCHAR name[256], dom[256];
    DWORD nl, dl;
    SID_NAME_USE use;

    if (a->is_system || !rule || !rule->sd || dcom_sd_check(rule->sd, rule->len, &v, &old, &why))
        return 0;
    for (i = 0; v.dacl && i < v.ace_count; i++) {
        if (sd_ace_at(&v, i, &ace) || ace.type != SD_ACE_ALLOWED || (ace.flags & SD_ACE_INHERIT_ONLY))
            continue;
        if (!(ace.mask & (old ? COM_RIGHTS_EXECUTE : dcom_needed(kind))) || sd_sid_in(ace.sid, a->token, a->n))
            continue;
        nl = ARRAYSIZE(name);
        dl = ARRAYSIZE(dom);
        if (sd_sid_equal(ace.sid, SD_SID_INTERACTIVE) || sd_sid_equal(ace.sid, SD_SID_SERVICE) ||
            sd_sid_equal(ace.sid, batch) ||
            (LookupAccountSidW(NULL, (PSID)ace.sid.p, name, &nl, dom, &dl, &use) && use == SidTypeGroup)) {
            sid_name(ace.sid, out, size);
            return 1;
        }
    }
    return 0;
}

/* "SYSTEM" or "DOMAIN\user (in Everyone, Authenticated Users, Users)": the
 * account and the groups credited to it. */
static void account_text(const struct account *a, char *out, size_t size)
{
    char one[300];
    size_t i, used;

    if (a->is_system) {
        snprintf(out, size, "%s (LocalSystem, as MOM's agent runs the script)", a->name);
        return;
    }
    snprintf(out, size, "%s (MOM's action account; credited groups: ", a->name);
    for (i = 1; i < a->n; i++) {
        sid_name(a->token[i], one, sizeof(one));
        used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i > 1 ? ", " : "", one);
    }
    used = strlen(out);
    snprintf(out + used, size - used, "%s)", a->local_groups_known ? "" : "; local groups unknown");
}

static const char *kind_word(enum dcom_kind k) { return k == DCOM_LAUNCH ? "launch" : "access"; }

static void describe(enum dcom_kind k, const struct dcom_eval *e, char *out, size_t size)
{
    char who[300];

    switch (e->verdict) {
    case DCOM_GRANTED:
        snprintf(out, size, "%s: %s grants it%s", kind_word(k), dcom_source_name(k, e->source),
                 e->source == DCOM_FROM_BUILTIN && k == DCOM_ACCESS ? " (the server runs as its caller)" : "");
        break;
    case DCOM_DENIED:
        if (e->denied_by_ace) {
            sid_name(e->deny_sid, who, sizeof(who));
            snprintf(out, size, "%s: %s denies it (a deny entry for %s)", kind_word(k),
                     dcom_source_name(k, e->source), who);
        } else {
            snprintf(out, size, "%s: %s leaves it out (%s)", kind_word(k), dcom_source_name(k, e->source),
                     k == DCOM_LAUNCH ? "no Local Launch and Local Activation" : "no Local Access");
        }
        break;
    case DCOM_DENIED_LIMIT:
        snprintf(out, size, "%s: %s grants it, but the machine-wide limit %s does not", kind_word(k),
                 dcom_source_name(k, e->source), dcom_limit_name(k));
        break;
    case DCOM_INVALID:
    default:
        snprintf(out, size, "%s: %s is not a valid COM security descriptor: %s", kind_word(k),
                 e->invalid_is_limit ? dcom_limit_name(k) : dcom_source_name(k, e->source),
                 e->invalid_why ? e->invalid_why : "?");
        break;
    }
}

static void remedy_for(enum dcom_kind k, const struct dcom_eval *e, const struct account *a,
                       const struct diag_facts *f, char *out, size_t size)
{
    const char *rights = k == DCOM_LAUNCH ? "Local Launch and Local Activation" : "Local Access";
    const char *tab = k == DCOM_LAUNCH ? "Launch and Activation Permissions" : "Access Permissions";

    if (e->verdict == DCOM_DENIED_LIMIT || (e->verdict == DCOM_INVALID && e->invalid_is_limit))
        snprintf(out, size, "KB 274696: in dcomcnfg, My Computer > Properties > COM Security > %s > "
                 "Edit Limits: allow %s %s (/fix does not change machine-wide limits)", tab, a->name, rights);
    else if (e->verdict == DCOM_DENIED && e->denied_by_ace)
        snprintf(out, size, "KB 274696: in dcomcnfg, DCOM Config > %s > Properties > Security > %s: "
                 "remove the Deny for %s (/fix leaves an administrator's Deny alone)", f->id->appid_name,
                 tab, a->name);
    else
        snprintf(out, size, "KB 274696: in dcomcnfg (Component Services > Computers > My Computer > "
                 "DCOM Config > %s > Properties > Security; Windows 2000: Applications tab), %s > "
                 "Customize > Edit: add %s with %s; or /diagnose /fix /dcom%s%s%s adds it", f->id->appid_name,
                 tab, a->name, rights, a->is_system ? "" : " \"/account:", a->is_system ? "" : a->name,
                 a->is_system ? "" : "\"");
}

void diagnose_dcom_check(struct diag_result *results, const struct diag_facts *f)
{
    struct account *a = calloc(1, sizeof(*a));
    struct rules r;
    struct dcom_eval e[2];
    char parts[2][400], remedy[DIAG_REMEDY_MAX] = "", maybe[300], dcom_note[120], who[700];
    int k, failed = -1;

    if (!a) {
        diag_set(results, DIAG_DCOM, DIAG_WARN, NULL, "not checked: out of memory");
        return;
    }
    resolve_account(a);
    if (!a->resolved) {
        win32_error_text(a->error, maybe, sizeof(maybe));
        diag_set(results, DIAG_DCOM, DIAG_WARN, "name the account as DOMAIN\\user, as MOM's action "
                 "account is set", "not checked: the account \"%s\" is not known here (LookupAccountName: %s)",
                 a->name, maybe);
        free(a);
        return;
    }
    read_rules(f, &r);
    account_text(a, who, sizeof(who));
    for (k = 0; k < 2; k++) {
        dcom_evaluate((enum dcom_kind)k, &r.appid[k], &r.def[k], &r.limit[k], a->token, a->n, &e[k]);
        describe((enum dcom_kind)k, &e[k], parts[k], sizeof(parts[k]));
        if (e[k].verdict != DCOM_GRANTED && failed < 0)
            failed = k;
    }
    /* EnableDCOM=N stops remote activation only (MSDN "EnableDCOM"). */
    snprintf(dcom_note, sizeof(dcom_note), "EnableDCOM=%s%s", r.enable_dcom[0] ? r.enable_dcom : "(absent)",
             (r.enable_dcom[0] == 'N' || r.enable_dcom[0] == 'n') ? ", which does not block a local "
             "activation" : "");
    if (failed < 0) {
        diag_set(results, DIAG_DCOM, DIAG_PASS, NULL, "%s may launch and call %s: %s; %s; %s",
                 who, f->id->appid_name, parts[0], parts[1], dcom_note);
    } else if (e[failed].verdict == DCOM_DENIED && !e[failed].denied_by_ace &&
               uncertain_grant(a, e[failed].source == DCOM_FROM_APPID ? &r.appid[failed] : &r.def[failed],
                               (enum dcom_kind)failed, maybe, sizeof(maybe))) {
        remedy_for((enum dcom_kind)failed, &e[failed], a, f, remedy, sizeof(remedy));
        diag_set(results, DIAG_DCOM, DIAG_WARN, remedy, "%s: %s; %s; only %s would let it in, which "
                 "/diagnose cannot see whether the account holds (a logon type or a domain group); %s",
                 who, parts[0], parts[1], maybe, dcom_note);
    } else {
        remedy_for((enum dcom_kind)failed, &e[failed], a, f, remedy, sizeof(remedy));
        diag_set(results, DIAG_DCOM, DIAG_FAIL, remedy, "%s may not %s %s: %s; %s; %s", who,
                 failed == DCOM_LAUNCH ? "launch" : "call", f->id->appid_name, parts[0], parts[1], dcom_note);
    }
    free_rules(&r);
    free(a);
}

static void append(char *text, size_t size, size_t *used, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static void append(char *text, size_t size, size_t *used, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (*used + 1 >= size)
        return;
    va_start(ap, fmt);
    n = vsnprintf(text + *used, size - *used, fmt, ap);
    va_end(ap);
    if (n > 0)
        *used = *used + (size_t)n < size ? *used + (size_t)n : size - 1;
}

int diagnose_dcom_fix(const struct diag_result *results, const struct diag_facts *f, char *text, size_t size)
{
    static const WCHAR *const appid_names[2] = { L"LaunchPermission", L"AccessPermission" };
    struct account *a;
    struct rules r;
    struct dcom_eval e;
    unsigned char base[512], *out;
    const unsigned char *from;
    size_t from_len, len, used = 0;
    int k, attempted = 0;
    LONG err;
    HKEY key;

    text[0] = 0;
    if (!fix_dcom || results[DIAG_DCOM].status == DIAG_PASS)
        return 0;
    if (!(a = calloc(1, sizeof(*a))))
        return 0;
    resolve_account(a);
    if (!a->resolved) {
        free(a);
        return 0;
    }
    read_rules(f, &r);
    for (k = 0; k < 2; k++) {
        dcom_evaluate((enum dcom_kind)k, &r.appid[k], &r.def[k], &r.limit[k], a->token, a->n, &e);
        if (e.verdict == DCOM_GRANTED)
            continue;
        if (e.verdict != DCOM_DENIED || e.denied_by_ace) {
            append(text, size, &used, "%s%s not changed: %s", used ? "; " : "", dcom_source_name((enum dcom_kind)k, e.source),
                                     e.verdict == DCOM_DENIED ? "a deny entry is the administrator's to remove"
                                     : e.verdict == DCOM_DENIED_LIMIT ? "the machine-wide limit keeps it out"
                                     : "it is not a valid descriptor");
            continue;
        }
        if (e.source == DCOM_FROM_APPID) {
            from = r.appid[k].sd;
            from_len = r.appid[k].len;
        } else if (e.source == DCOM_FROM_DEFAULT) {
            from = r.def[k].sd;
            from_len = r.def[k].len;
        } else {
            from_len = dcom_builtin_sd((enum dcom_kind)k, base, sizeof(base));
            from = base;
        }
        attempted = 1;
        len = from_len + 8 + SID_MAX + 64;
        out = malloc(len);
        len = out ? dcom_sd_add_allow(from, from_len, a->is_system ? SD_SID_SYSTEM : a->token[0],
                                      dcom_repair_mask((enum dcom_kind)k, e.old_format), out, len) : 0;
        err = len ? RegCreateKeyExW(HKEY_LOCAL_MACHINE, r.appid_key, 0, NULL, REG_OPTION_NON_VOLATILE,
                                    KEY_SET_VALUE, NULL, &key, NULL) : ERROR_INVALID_DATA;
        if (len && err == ERROR_SUCCESS) {
            err = RegSetValueExW(key, appid_names[k], 0, REG_BINARY, out, (DWORD)len);
            RegCloseKey(key);
        }
        free(out);
        {
            char err_text[200];
            win32_error_text((DWORD)err, err_text, sizeof(err_text));
            append(text, size, &used, "%sadded %s with %s to %s's %s (from %s, every rule in it kept): %s",
                                     used ? "; " : "", a->name, k == DCOM_LAUNCH ? "Local Launch and Local "
                                     "Activation" : "Local Access", f->id->appid_name,
                                     dcom_source_name((enum dcom_kind)k, DCOM_FROM_APPID),
                                     dcom_source_name((enum dcom_kind)k, e.source),
                                     err == ERROR_SUCCESS ? "done" : err_text);
        }
    }
    free_rules(&r);
    free(a);
    return attempted;
}
