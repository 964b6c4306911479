/* The Windows side of /diagnose's checks, shared by diagnose.c (the run),
 * diagnose_key.c (ExMPLS and the key store) and diagnose_registration.c (files and
 * the COM registration).  Each fills results[] through diag_set(). */
#ifndef EMPKP_DIAGNOSE_CHECKS_H
#define EMPKP_DIAGNOSE_CHECKS_H

#include <windows.h>

#include "diagnose_logic.h"
#include "common/wintext.h"
#include "server/com/identity.h"

struct diag_facts {
    enum identity_kind kind;
    const struct identity_names *id;
    char clsid[39];                /* identity_clsid as text */
    WCHAR program[MAX_PATH * 2];   /* this program */
    char program_utf8[MAX_PATH * 6];
    char register_remedy[256];     /* "in the folder of empkp.exe, type EMPKP /regserver ..." */
    /* Found by the key checks, for deciding whether Publish may be called. */
    enum publish_plan plan;
    /* When the plan writes: ERROR_SUCCESS, or the error the write would
     * get (exmpls_check_writable), which Publish would return as ErrID. */
    DWORD write_error;
};

/* ExMPLS, DATA0, the stored key, DATA1..3 and their decryptability. */
void diagnose_key_checks(struct diag_result *results, struct diag_facts *facts);
/* The helper file, CLSID, LocalServer32, the file, its PE image, AppID,
 * ProgID, type library and proxy/stub. */
void diagnose_registration_checks(struct diag_result *results, struct diag_facts *facts);

/* For /fix: is PROGRAM (the same file, whatever its name) at one of the
 * KB's locations for KIND (*kb), and does KIND's LocalServer32 already
 * name it (*registered)? */
void diag_fix_location(const WCHAR *program, enum identity_kind kind, int *kb, int *registered);
/* May /fix register this program (diagnose_fixsafe.c, deciding with
 * regsafe.c)?  1, or 0 with WHY saying why not. */
int diag_fix_may_register(const struct diag_facts *f, char *why, size_t why_size);

#endif
