/* The Check suites of the unit-test runner (run_unit.c), which is built
 * natively (under the sanitizers) and for Windows (run under Wine). */
#ifndef EMPKP_TESTS_UNIT_SUITES_H
#define EMPKP_TESTS_UNIT_SUITES_H

#include <check.h>

Suite *keyblob_suite(void);   /* test_keyblob.c: crypto/keyblob.c */
Suite *cmdline_suite(void);   /* test_cmdline.c: server/cmdline.c */
Suite *publish_plan_suite(void); /* test_publish_plan.c: common/publish_plan.c */
Suite *identity_suite(void);  /* test_identity.c: server/com/identity.c, server/register/localserver32.c */
Suite *pe_check_suite(void);  /* test_pe_check.c: server/diagnose/pe_check.c */
Suite *diagnose_suite(void);  /* test_diagnose.c: server/diagnose/diagnose_logic.c, diagnose_report.c */
Suite *credblob_suite(void);  /* test_credblob.c: crypto/credblob.c */
Suite *credtool_suite(void);  /* test_credtool.c: tools/credargs.c, tools/credinput.c */
Suite *sdcheck_suite(void);   /* test_sdcheck.c: common/sdcheck.c */
Suite *dcom_perm_suite(void); /* test_dcom_perm.c: server/diagnose/dcom_perm.c */
Suite *benchstats_suite(void); /* test_benchstats.c: tests/bench/benchstats.c */
Suite *regsafe_suite(void);   /* test_regsafe.c: server/register/regsafe.c */
#ifdef _WIN32
Suite *keygen_suite(void);    /* test_keygen.c: our patches to libcrypto's RSA keygen */
Suite *wintext_suite(void);      /* test_wintext.c: common/wintext.c (Windows code) */
Suite *regvalue_suite(void);     /* test_regvalue.c: common/regvalue.c (Windows code) */
#endif

#endif
