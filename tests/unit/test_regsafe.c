/* Where /diagnose /fix may register, and what /unregserver may remove
 * (server/register/regsafe.c), on descriptors assembled here as Windows lays them
 * out. */
#include <string.h>

#include <check.h>

#include "server/register/regsafe.h"
#include "sd_builder.h"
#include "suites.h"

#define FA  0x001F01FFu  /* FILE_ALL_ACCESS */
#define RX  0x001200A9u  /* read and execute */
#define M   0x001301BFu  /* "Modify" */

struct ace {
    unsigned char type, flags;
    uint32_t mask;
    struct sd_sid sid;
};

/* Self-relative: header, owner (NULL: none), DACL (DACL 0: none; -1: a
 * NULL DACL) of ACES[0..N), into a 1024-byte BUF (sd_builder.c). */
static size_t sd(unsigned char *buf, const struct sd_sid *owner, int dacl, const struct ace *aces, size_t n)
{
    struct ace_spec spec[8];
    size_t i;

    ck_assert_uint_le(n, sizeof(spec) / sizeof(spec[0]));
    for (i = 0; i < n; i++) {
        spec[i].type = aces[i].type;
        spec[i].flags = aces[i].flags;
        spec[i].mask = aces[i].mask;
        spec[i].sid = &aces[i].sid;
    }
    return build_sd(buf, 1024, owner, dacl, spec, n);
}

/* S-1-5-21-1-2-3-1000: some local account. */
static const unsigned char user_bytes[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0,
                                           2, 0, 0, 0, 3, 0, 0, 0, 0xE8, 3, 0, 0};
static const struct sd_sid user = {user_bytes, sizeof(user_bytes)};
static const struct sd_sid none = {NULL, 0};
/* S-1-5-32-547 Power Users: not administrators. */
static const unsigned char pu_bytes[] = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x23, 2, 0, 0};
static const struct sd_sid power_users = {pu_bytes, sizeof(pu_bytes)};

static enum regsafe_sd_verdict judge(const struct sd_sid *owner, int dacl, const struct ace *a, size_t n,
                                     int folder, struct sd_sid runner, char *who)
{
    unsigned char buf[1024];
    size_t len = sd(buf, owner, dacl, a, n);

    return regsafe_judge_sd(buf, len, folder, runner, who, 200);
}

START_TEST(test_trusted_installer_sid)
{
    char s[100];

    ck_assert(sd_sid_to_string(REGSAFE_SID_TRUSTED_INSTALLER, s, sizeof(s)));
    ck_assert_str_eq(s, "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464");
}
END_TEST

START_TEST(test_admin_only_folder_is_ok)
{
    /* Exchsrvr\bin as Exchange leaves it: SYSTEM and Administrators full,
     * Everyone read and execute, CREATOR OWNER full on what is created. */
    const struct ace a[] = {
        {0, 0x03, FA, SD_SID_SYSTEM}, {0, 0x03, FA, SD_SID_ADMINISTRATORS},
        {0, 0x03, RX, SD_SID_EVERYONE}, {0, 0x0B, FA, SD_SID_CREATOR_OWNER},
        {0, 0, 0x10000000u, SD_SID_ADMINISTRATORS},   /* GENERIC_ALL */
        {0, 0, 0x80000000u | 0x20000000u, SD_SID_USERS}, /* GENERIC_READ|EXECUTE */
    };
    char who[200];

    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, a, 6, 1, none, who), REGSAFE_SD_OK);
    ck_assert_int_eq(judge(&SD_SID_SYSTEM, 1, a, 6, 0, none, who), REGSAFE_SD_OK);
    ck_assert_int_eq(judge(&REGSAFE_SID_TRUSTED_INSTALLER, 1, a, 6, 0, none, who), REGSAFE_SD_OK);
    ck_assert_str_eq(who, "");
    /* Deny ACEs do not matter; an inherit-only grant to Users does not
     * apply to the folder itself. */
    const struct ace b[] = {{1, 0, FA, SD_SID_EVERYONE}, {0, 0x0B, FA, SD_SID_USERS},
                            {0, 0, FA, SD_SID_SYSTEM}};
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, b, 3, 1, none, who), REGSAFE_SD_OK);
}
END_TEST

START_TEST(test_each_write_right_counts)
{
    /* File: write data, append, delete, WRITE_DAC, WRITE_OWNER, GENERIC_WRITE, GENERIC_ALL. */
    static const uint32_t file_bad[] = {0x2, 0x4, 0x10000, 0x40000, 0x80000, 0x40000000u, 0x10000000u, M};
    /* Folder: add file, add subfolder, delete child, and the same. */
    static const uint32_t folder_bad[] = {0x2, 0x4, 0x40, 0x10000, 0x40000, 0x80000, 0x40000000u,
                                          0x10000000u, M};
    /* Rights that change nothing that runs: read, execute, attributes, EA. */
    static const uint32_t harmless[] = {RX, 0x100, 0x10, 0x80000000u, 0x20000000u, 0x20000 /* READ_CONTROL */};
    char who[200];
    size_t i;

    for (i = 0; i < sizeof(file_bad) / sizeof(file_bad[0]); i++) {
        const struct ace a[] = {{0, 0, FA, SD_SID_SYSTEM}, {0, 0, file_bad[i], SD_SID_USERS}};
        ck_assert_msg(judge(&SD_SID_ADMINISTRATORS, 1, a, 2, 0, none, who) == REGSAFE_SD_GRANTS,
                      "file mask 0x%x", (unsigned)file_bad[i]);
        ck_assert_str_eq(who, "Users");
    }
    for (i = 0; i < sizeof(folder_bad) / sizeof(folder_bad[0]); i++) {
        const struct ace a[] = {{0, 0, folder_bad[i], SD_SID_EVERYONE}};
        ck_assert_msg(judge(&SD_SID_ADMINISTRATORS, 1, a, 1, 1, none, who) == REGSAFE_SD_GRANTS,
                      "folder mask 0x%x", (unsigned)folder_bad[i]);
        ck_assert_str_eq(who, "Everyone");
    }
    /* DELETE_CHILD on a file means nothing (it is a folder right). */
    const struct ace dc[] = {{0, 0, 0x40, SD_SID_USERS}};
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, dc, 1, 0, none, who), REGSAFE_SD_OK);
    for (i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
        const struct ace a[] = {{0, 0, harmless[i], SD_SID_EVERYONE}};
        ck_assert_msg(judge(&SD_SID_ADMINISTRATORS, 1, a, 1, 1, none, who) == REGSAFE_SD_OK,
                      "harmless 0x%x", (unsigned)harmless[i]);
        ck_assert_msg(judge(&SD_SID_ADMINISTRATORS, 1, a, 1, 0, none, who) == REGSAFE_SD_OK,
                      "harmless 0x%x", (unsigned)harmless[i]);
    }
}
END_TEST

START_TEST(test_power_users_and_other_accounts_are_not_trusted)
{
    /* Windows 2000's default on Program Files gives Power Users "Modify". */
    const struct ace a[] = {{0, 0x03, FA, SD_SID_ADMINISTRATORS}, {0, 0x03, M, power_users}};
    const struct ace b[] = {{0, 0, FA, user}};
    char who[200];

    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, a, 2, 1, none, who), REGSAFE_SD_GRANTS);
    ck_assert_str_eq(who, "S-1-5-32-547");
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, b, 1, 0, none, who), REGSAFE_SD_GRANTS);
    ck_assert_str_eq(who, "S-1-5-21-1-2-3-1000");
    /* The same account running /fix (an administrator: it may register
     * in HKLM) is trusted, as owner and in an ACE. */
    ck_assert_int_eq(judge(&user, 1, b, 1, 0, user, who), REGSAFE_SD_OK);
}
END_TEST

START_TEST(test_owner_must_be_trusted)
{
    const struct ace a[] = {{0, 0, FA, SD_SID_ADMINISTRATORS}};
    const struct ace rights[] = {{0, 0, FA, SD_SID_ADMINISTRATORS}, {0, 0, M, (struct sd_sid){
        (const unsigned char[]){1, 1, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0}, 12}}};
    char who[200];

    ck_assert_int_eq(judge(&user, 1, a, 1, 0, none, who), REGSAFE_SD_OWNER);
    ck_assert_str_eq(who, "S-1-5-21-1-2-3-1000");
    ck_assert_int_eq(judge(&SD_SID_EVERYONE, 1, a, 1, 1, none, who), REGSAFE_SD_OWNER);
    ck_assert_str_eq(who, "Everyone");
    ck_assert_int_eq(judge(NULL, 1, a, 1, 1, none, who), REGSAFE_SD_OWNER);
    ck_assert_str_eq(who, "no owner");
    /* OWNER RIGHTS is the owner's, trusted when the owner is. */
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, rights, 2, 1, none, who), REGSAFE_SD_OK);
}
END_TEST

START_TEST(test_no_dacl_unreadable_malformed)
{
    unsigned char buf[1024];
    size_t len;
    char who[200];

    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 0, NULL, 0, 1, none, who), REGSAFE_SD_NO_DACL);
    ck_assert_str_eq(who, "Everyone (no DACL)");
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, -1, NULL, 0, 0, none, who), REGSAFE_SD_NO_DACL);
    ck_assert_str_eq(who, "Everyone (a NULL DACL)");
    /* An empty DACL: nobody but the owner. */
    ck_assert_int_eq(judge(&SD_SID_ADMINISTRATORS, 1, NULL, 0, 1, none, who), REGSAFE_SD_OK);
    ck_assert_int_eq(regsafe_judge_sd(NULL, 0, 1, none, who, sizeof(who)), REGSAFE_SD_UNREADABLE);
    len = sd(buf, &SD_SID_ADMINISTRATORS, 1, NULL, 0);
    ck_assert_int_eq(regsafe_judge_sd(buf, len - 1, 1, none, who, sizeof(who)), REGSAFE_SD_MALFORMED);
    ck_assert_int_eq(regsafe_judge_sd(buf, 10, 1, none, NULL, 0), REGSAFE_SD_MALFORMED);
}
END_TEST

START_TEST(test_unc)
{
    ck_assert(regsafe_is_unc("\\\\server\\share\\empkp.exe"));
    ck_assert(regsafe_is_unc("//server/share/empkp.exe"));
    ck_assert(regsafe_is_unc("\\\\?\\UNC\\server\\share\\empkp.exe"));
    ck_assert(regsafe_is_unc("\\\\.\\pipe\\x"));
    ck_assert(!regsafe_is_unc("C:\\temp\\empkp.exe"));
    ck_assert(!regsafe_is_unc("\\temp\\empkp.exe"));
    ck_assert(!regsafe_is_unc(""));
    ck_assert(!regsafe_is_unc(NULL));
}
END_TEST

START_TEST(test_fix_decisions)
{
    unsigned char good[1024], bad[1024];
    const struct ace ga[] = {{0, 0, FA, SD_SID_SYSTEM}, {0, 0, FA, SD_SID_ADMINISTRATORS},
                             {0, 0, RX, SD_SID_USERS}};
    const struct ace ba[] = {{0, 0, FA, SD_SID_ADMINISTRATORS}, {0, 0, M, SD_SID_AUTHENTICATED}};
    size_t glen = sd(good, &SD_SID_ADMINISTRATORS, 1, ga, 3);
    size_t blen = sd(bad, &SD_SID_ADMINISTRATORS, 1, ba, 2);
    struct regsafe_fix_facts f = {"C:\\Program Files\\Exchsrvr\\bin\\empkp.exe", 1, 0,
                                  REGSAFE_DRIVE_FIXED, good, glen, good, glen, {NULL, 0}};
    char why[600];

    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_OK);
    ck_assert_str_eq(why, "");
    f.kb_location = 0;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_NOT_KB);
    ck_assert_ptr_nonnull(strstr(why, "not at one of the KB's locations"));
    f.registered = 1;   /* the file LocalServer32 already names */
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_OK);
    f.folder_sd = bad;
    f.folder_sd_len = blen;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_FOLDER);
    ck_assert_ptr_nonnull(strstr(why, "the folder of C:\\Program Files\\Exchsrvr\\bin\\empkp.exe lets Authenticated Users"));
    f.folder_sd = good;
    f.folder_sd_len = glen;
    f.file_sd = NULL;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_FILE);
    ck_assert_ptr_nonnull(strstr(why, "could not be read"));
    f.file_sd = bad;
    f.file_sd_len = blen;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_FILE);
    /* The drive and the path come before the location and the rights. */
    f.drive = REGSAFE_DRIVE_REMOVABLE;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    ck_assert_ptr_nonnull(strstr(why, "a removable drive"));
    f.drive = REGSAFE_DRIVE_REMOTE;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    f.drive = REGSAFE_DRIVE_CDROM;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    f.drive = REGSAFE_DRIVE_UNKNOWN;
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    f.drive = REGSAFE_DRIVE_FIXED;
    f.program = "UNC\\host\\share\\empkp.exe";   /* what Wine 8 reports for a UNC program */
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    ck_assert_ptr_nonnull(strstr(why, "not a full path on a drive letter"));
    f.program = "\\temp\\empkp.exe";
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_DRIVE);
    f.program = "c:/temp/empkp.exe";   /* drive letter: on to the drive type */
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_FILE);
    f.program = "\\\\fileserver\\tools\\empkp.exe";
    ck_assert_int_eq(regsafe_fix_decide(&f, why, sizeof(why)), REGSAFE_FIX_UNC);
    ck_assert_ptr_nonnull(strstr(why, "UNC path"));
    ck_assert_int_eq(regsafe_fix_decide(NULL, why, sizeof(why)), REGSAFE_FIX_UNC);
    /* A short reason buffer is cut, never overrun. */
    ck_assert_int_eq(regsafe_fix_decide(&f, why, 8), REGSAFE_FIX_UNC);
    ck_assert_uint_eq(strlen(why), 7);
    ck_assert_int_eq(regsafe_fix_decide(&f, NULL, 0), REGSAFE_FIX_UNC);
}
END_TEST

START_TEST(test_unreg_decisions)
{
    ck_assert_int_eq(regsafe_unreg_decide(1, 1), REGSAFE_UNREG_REMOVE);
    ck_assert_int_eq(regsafe_unreg_decide(1, 0), REGSAFE_UNREG_LEAVE);
    ck_assert_int_eq(regsafe_unreg_decide(0, 0), REGSAFE_UNREG_REMOVE);
    ck_assert_int_eq(regsafe_unreg_decide(0, 1), REGSAFE_UNREG_REMOVE);
}
END_TEST

Suite *regsafe_suite(void)
{
    Suite *s = suite_create("regsafe");
    TCase *tc = tcase_create("regsafe");

    tcase_add_test(tc, test_trusted_installer_sid);
    tcase_add_test(tc, test_admin_only_folder_is_ok);
    tcase_add_test(tc, test_each_write_right_counts);
    tcase_add_test(tc, test_power_users_and_other_accounts_are_not_trusted);
    tcase_add_test(tc, test_owner_must_be_trusted);
    tcase_add_test(tc, test_no_dacl_unreadable_malformed);
    tcase_add_test(tc, test_unc);
    tcase_add_test(tc, test_fix_decisions);
    tcase_add_test(tc, test_unreg_decisions);
    suite_add_tcase(s, tc);
    return s;
}
