/* /diagnose: may the account MOM runs as launch and call EMPKP?  The
 * rules (registry) and the account (LookupAccountName, its local groups)
 * are gathered here; dcom_perm.c decides.  See
 * packaging/MANUAL.txt, "DCOM permissions". */
#ifndef EMPKP_DIAGNOSE_DCOM_H
#define EMPKP_DIAGNOSE_DCOM_H

#include "diagnose_checks.h"

/* The account to judge (UTF-8; NULL or "" = LocalSystem, as MOM's agent
 * runs by default) and whether /fix may add it to the permissions (/dcom).
 * Set once before diagnose(). */
void diagnose_dcom_options(const char *account, int fix_dcom);

/* The "DCOM permissions" check. */
void diagnose_dcom_check(struct diag_result *results, const struct diag_facts *facts);

/* /fix /dcom: when the check FAILed because the rule in force leaves the
 * account out (not a deny ACE, not the machine-wide limit), adds an allow
 * ACE for it to EMPKP's own AppID LaunchPermission / AccessPermission,
 * starting from the rule in force.  Returns 1 when it attempted a repair
 * (TEXT says what it did), 0 when there was nothing it may repair (TEXT
 * says why, or is empty when /dcom was not asked or nothing failed). */
int diagnose_dcom_fix(const struct diag_result *results, const struct diag_facts *facts,
                      char *text, size_t size);

#endif
