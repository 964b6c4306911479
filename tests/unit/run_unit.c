/* One runner for every unit suite in suites.h.  Exit status 0 when all
 * passed.  Natively Check forks per test and enforces timeouts; under Wine
 * it runs without fork, so the caller wraps it in `timeout`. */
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(keyblob_suite());
    int failed;

    srunner_add_suite(sr, cmdline_suite());
    srunner_add_suite(sr, publish_plan_suite());
    srunner_add_suite(sr, identity_suite());
    srunner_add_suite(sr, pe_check_suite());
    srunner_add_suite(sr, diagnose_suite());
    srunner_add_suite(sr, credblob_suite());
    srunner_add_suite(sr, credtool_suite());
    srunner_add_suite(sr, sdcheck_suite());
    srunner_add_suite(sr, dcom_perm_suite());
    srunner_add_suite(sr, benchstats_suite());
    srunner_add_suite(sr, regsafe_suite());
#ifdef _WIN32
    srunner_add_suite(sr, keygen_suite());
    srunner_add_suite(sr, wintext_suite());
    srunner_add_suite(sr, regvalue_suite());
#else
    /* Not a skip: the suite tests the patched libcrypto that ships in
     * empkp.exe, which only the Windows build links. */
    puts("keygen suite (test_keygen.c): in the Windows build only; this "
         "build links the system's unpatched libcrypto");
    puts("wintext suite (test_wintext.c): in the Windows build only; common/wintext.c "
         "is Windows code");
    puts("regvalue suite (test_regvalue.c): in the Windows build only; common/regvalue.c "
         "is Windows code (the registry)");
#endif
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
