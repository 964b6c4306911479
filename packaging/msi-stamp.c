/* packaging/msi-stamp.c: msi-stamp FILE.msi PACKAGE-CODE EPOCH
 *
 * Sets an MSI's summary information to what the build decides instead of
 * what wixl took from the clock and the random number generator: the
 * package code (Revision Number, PID_REVNUMBER) and the Create and Last
 * Saved times (PID_CREATE_DTM, PID_LASTSAVE_DTM), the latter to EPOCH
 * (seconds since 1970, UTC: SOURCE_DATE_EPOCH).  wixl 0.101 ignores the
 * Package element's Id and SOURCE_DATE_EPOCH, and writes the other bytes
 * of the file the same way every time (measured: two runs on the same
 * files differ in these three properties only).
 *
 * A host build tool (libmsi from msitools, the library wixl itself writes
 * with), run by make dist; never shipped.  Exit 0 done, 1 libmsi failed,
 * 2 bad arguments. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmsi.h>

/* A GUID the way Windows Installer wants a package code: braces, upper
 * case hex, 8-4-4-4-12. */
static int is_msi_guid(const char *s)
{
    static const char shape[] = "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
    size_t i;

    if (strlen(s) != sizeof shape - 1)
        return 0;
    for (i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == 'X') {
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F')))
                return 0;
        } else if (s[i] != shape[i]) {
            return 0;
        }
    }
    return 1;
}

/* Seconds since 1970 as a FILETIME (100 ns units since 1601, UTC).  Only
 * digits, and no later than 9999-12-31, so the product cannot overflow. */
static int epoch_to_filetime(const char *s, uint64_t *ft)
{
    const uint64_t max_epoch = 253402300799ULL; /* 9999-12-31 23:59:59 */
    const uint64_t from_1601 = 11644473600ULL;  /* seconds, 1601 to 1970 */
    unsigned long long v;
    char *end;

    if (s[0] < '0' || s[0] > '9')
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max_epoch)
        return 0;
    *ft = ((uint64_t)v + from_1601) * 10000000ULL;
    return 1;
}

int main(int argc, char **argv)
{
    LibmsiDatabase *db = NULL;
    LibmsiSummaryInfo *si = NULL;
    GError *err = NULL;
    uint64_t ft;
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: %s FILE.msi PACKAGE-CODE EPOCH\n", argv[0]);
        return 2;
    }
    if (!is_msi_guid(argv[2])) {
        fprintf(stderr, "msi-stamp: package code %s is not {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} in upper case\n",
                argv[2]);
        return 2;
    }
    if (!epoch_to_filetime(argv[3], &ft)) {
        fprintf(stderr, "msi-stamp: EPOCH %s is not a number of seconds since 1970 (up to year 9999)\n",
                argv[3]);
        return 2;
    }

    db = libmsi_database_new(argv[1], LIBMSI_DB_FLAGS_TRANSACT, NULL, &err);
    if (db == NULL)
        goto out;
    si = libmsi_summary_info_new(db, INT_MAX, &err);
    if (si == NULL ||
        !libmsi_summary_info_set_string(si, LIBMSI_PROPERTY_UUID, argv[2], &err) ||
        !libmsi_summary_info_set_filetime(si, LIBMSI_PROPERTY_CREATED_TM, ft, &err) ||
        !libmsi_summary_info_set_filetime(si, LIBMSI_PROPERTY_LASTSAVED_TM, ft, &err) ||
        !libmsi_summary_info_persist(si, &err) ||
        !libmsi_database_commit(db, &err))
        goto out;
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "msi-stamp: %s: %s\n", argv[1], err != NULL ? err->message : "libmsi failed");
    if (err != NULL)
        g_error_free(err);
    if (si != NULL)
        g_object_unref(si);
    if (db != NULL)
        g_object_unref(db);
    return rc;
}
