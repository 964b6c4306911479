/* Registration safety: where /diagnose /fix may register a program, and
 * whether a folder or file is one that only administrators may change.
 *
 * MOM's agent starts the program LocalServer32 names as SYSTEM every night,
 * so registering a copy that someone else may replace hands SYSTEM to
 * them.  /fix therefore registers only a copy at one of the KB's locations
 * (or the very file LocalServer32 already names), on a fixed local drive,
 * in a folder and as a file whose security descriptors let no one but
 * SYSTEM, Administrators, TrustedInstaller and the administrator running
 * /fix change them.
 *
 * Plain C with no Windows headers, unit-tested natively; the glue
 * (server/diagnose/diagnose_fixsafe.c) gathers the facts: GetDriveType,
 * GetFileSecurity, the KB's folders from SHGetFolderPath. */
#ifndef EMPKP_REGSAFE_H
#define EMPKP_REGSAFE_H

#include <stddef.h>

#include "common/sdcheck.h"

/* GetDriveType's answers, by value. */
enum regsafe_drive {
    REGSAFE_DRIVE_UNKNOWN = 0,
    REGSAFE_DRIVE_NO_ROOT = 1,
    REGSAFE_DRIVE_REMOVABLE = 2,
    REGSAFE_DRIVE_FIXED = 3,
    REGSAFE_DRIVE_REMOTE = 4,
    REGSAFE_DRIVE_CDROM = 5,
    REGSAFE_DRIVE_RAMDISK = 6
};

/* The rights that let their holder replace what a file runs, or put
 * another file in a folder's place (access masks as Windows defines them,
 * GENERIC_* bits mapped through REGSAFE_FILE_MAP first). */
#define REGSAFE_FILE_WRITE_RIGHTS   0x000D0006u /* WRITE_DATA, APPEND_DATA, DELETE, WRITE_DAC, WRITE_OWNER */
#define REGSAFE_FOLDER_WRITE_RIGHTS 0x000D0046u /* ADD_FILE, ADD_SUBDIRECTORY, DELETE_CHILD, DELETE, WRITE_DAC, WRITE_OWNER */
extern const struct sd_generic_map REGSAFE_FILE_MAP;  /* FILE_GENERIC_READ/WRITE/EXECUTE, FILE_ALL_ACCESS */
extern const struct sd_sid REGSAFE_SID_TRUSTED_INSTALLER;

/* Is PATH a UNC path (\\server\share\..., //server/..., \\?\UNC\...) or
 * a device path (\\.\...)? */
int regsafe_is_unc(const char *path);

enum regsafe_sd_verdict {
    REGSAFE_SD_OK,            /* only trusted accounts may change it */
    REGSAFE_SD_UNREADABLE,    /* no descriptor (could not be read) */
    REGSAFE_SD_MALFORMED,     /* sd_parse refused it */
    REGSAFE_SD_OWNER,         /* owned by an account that is not trusted */
    REGSAFE_SD_NO_DACL,       /* no DACL, or a NULL DACL: everyone may */
    REGSAFE_SD_GRANTS         /* an ACE gives a write right to another account */
};

/* Judges one descriptor (SD, LEN bytes; SD NULL: unreadable) of a folder
 * (FOLDER 1) or a file: trusted are SYSTEM, Administrators,
 * TrustedInstaller, CREATOR OWNER (on the object itself it names no one)
 * and RUNNER (the account running /fix, len 0 for none); OWNER RIGHTS too
 * when the owner is trusted.  WHO (WHO_SIZE bytes, may be NULL) gets the
 * account to blame: "Everyone", "S-1-5-21-...", "no DACL", ... */
enum regsafe_sd_verdict regsafe_judge_sd(const void *sd, size_t len, int folder,
                                         struct sd_sid runner, char *who, size_t who_size);

/* The facts /fix decides on, about this program's file. */
struct regsafe_fix_facts {
    const char *program;        /* UTF-8 path of this program */
    int kb_location;            /* it is at one of the KB's locations for its identity */
    int registered;             /* LocalServer32 already names this very file */
    enum regsafe_drive drive;   /* GetDriveType of its root */
    const void *file_sd;        /* its descriptor (NULL: unreadable) */
    size_t file_sd_len;
    const void *folder_sd;      /* its folder's */
    size_t folder_sd_len;
    struct sd_sid runner;       /* the account running /fix */
};

enum regsafe_fix_verdict {
    REGSAFE_FIX_OK,
    REGSAFE_FIX_NOT_KB,         /* neither a KB location nor the registered file */
    REGSAFE_FIX_UNC,
    REGSAFE_FIX_DRIVE,          /* not a fixed local drive */
    REGSAFE_FIX_FOLDER,         /* the folder's descriptor lets others write */
    REGSAFE_FIX_FILE            /* the file's descriptor does */
};

/* May /fix register this program?  Checked in this order: UNC path, drive
 * type, location, folder, file.  REASON (REASON_SIZE bytes) gets one
 * sentence naming the cause when not OK ("" when OK). */
enum regsafe_fix_verdict regsafe_fix_decide(const struct regsafe_fix_facts *f, char *reason,
                                            size_t reason_size);

/* What /unregserver does with one identity's registration, from what its
 * LocalServer32 names. */
enum regsafe_unreg {
    REGSAFE_UNREG_REMOVE,       /* it names this program (or nothing at all: a remnant) */
    REGSAFE_UNREG_LEAVE         /* it names another program: not ours to remove */
};
/* LS_PRESENT: the CLSID has a LocalServer32 value naming a program;
 * SAME_FILE: that program is this one (same file, whatever its name). */
enum regsafe_unreg regsafe_unreg_decide(int ls_present, int same_file);

#endif
