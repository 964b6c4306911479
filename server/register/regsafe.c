/* Registration safety decisions (see regsafe.h). */
#include "regsafe.h"

#include <stdio.h>
#include <string.h>

#define SID_BYTES(...) ((const unsigned char[]){__VA_ARGS__})

/* FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS */
const struct sd_generic_map REGSAFE_FILE_MAP = {0x00120089u, 0x00120116u, 0x001200A0u, 0x001F01FFu};

/* S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464: the
 * service SID that owns Windows' own files from Vista on; only code
 * running as SYSTEM can act as it. */
const struct sd_sid REGSAFE_SID_TRUSTED_INSTALLER = {
    SID_BYTES(1, 6, 0, 0, 0, 0, 0, 5, 80, 0, 0, 0,
              0xB5, 0x89, 0xFB, 0x38, 0x19, 0x84, 0xC2, 0xCB, 0x5C, 0x6C, 0x23, 0x6D,
              0x57, 0x00, 0x77, 0x6E, 0xC0, 0x02, 0x64, 0x87),
    32};
/* S-1-3-4: the owner's rights; as trusted as the owner. */
static const struct sd_sid SID_OWNER_RIGHTS = {SID_BYTES(1, 1, 0, 0, 0, 0, 0, 3, 4, 0, 0, 0), 12};

int regsafe_is_unc(const char *path)
{
    if (!path)
        return 0;
    return (path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/');
}

static void name_sid(struct sd_sid sid, char *who, size_t size)
{
    const char *name;

    if (!who || !size)
        return;
    name = sd_sid_wellknown_name(sid);
    if (name)
        snprintf(who, size, "%s", name);
    else if (!sd_sid_to_string(sid, who, size))
        snprintf(who, size, "an unreadable SID");
}

enum regsafe_sd_verdict regsafe_judge_sd(const void *sd, size_t len, int folder,
                                         struct sd_sid runner, char *who, size_t who_size)
{
    struct sd_sid trusted[7], blame;
    struct sd_view v;
    size_t n = 0;

    if (who && who_size)
        who[0] = 0;
    if (!sd)
        return REGSAFE_SD_UNREADABLE;
    if (sd_parse(sd, len, &v))
        return REGSAFE_SD_MALFORMED;
    trusted[n++] = SD_SID_SYSTEM;
    trusted[n++] = SD_SID_ADMINISTRATORS;
    trusted[n++] = REGSAFE_SID_TRUSTED_INSTALLER;
    trusted[n++] = SD_SID_CREATOR_OWNER;
    if (runner.len)
        trusted[n++] = runner;
    /* The owner may always rewrite the DACL. */
    if (!v.owner.len || !sd_sid_in(v.owner, trusted, n)) {
        if (v.owner.len)
            name_sid(v.owner, who, who_size);
        else if (who && who_size)
            snprintf(who, who_size, "no owner");
        return REGSAFE_SD_OWNER;
    }
    trusted[n++] = SID_OWNER_RIGHTS;
    if (!v.dacl_present || !v.dacl) {
        if (who && who_size)
            snprintf(who, who_size, "Everyone (%s)", v.dacl_present ? "a NULL DACL" : "no DACL");
        return REGSAFE_SD_NO_DACL;
    }
    if (sd_grants_outside(&v, trusted, n, folder ? REGSAFE_FOLDER_WRITE_RIGHTS : REGSAFE_FILE_WRITE_RIGHTS,
                          &REGSAFE_FILE_MAP, &blame)) {
        name_sid(blame, who, who_size);
        return REGSAFE_SD_GRANTS;
    }
    return REGSAFE_SD_OK;
}

static const char *drive_name(enum regsafe_drive d)
{
    switch (d) {
    case REGSAFE_DRIVE_REMOVABLE: return "a removable drive";
    case REGSAFE_DRIVE_REMOTE:    return "a network drive";
    case REGSAFE_DRIVE_CDROM:     return "a CD-ROM drive";
    case REGSAFE_DRIVE_RAMDISK:   return "a RAM disk";
    case REGSAFE_DRIVE_NO_ROOT:   return "a drive with no root folder";
    default:                      return "a drive of unknown type";
    }
}

/* One sentence for a descriptor that failed: what, whose, why. */
static void sd_reason(enum regsafe_sd_verdict v, const char *what, const char *program,
                      const char *who, char *out, size_t size)
{
    switch (v) {
    case REGSAFE_SD_UNREADABLE:
        snprintf(out, size, "the security descriptor of %s of %s could not be read, so it cannot "
                 "be shown that only administrators may change it", what, program);
        break;
    case REGSAFE_SD_MALFORMED:
        snprintf(out, size, "the security descriptor of %s of %s is malformed", what, program);
        break;
    case REGSAFE_SD_OWNER:
        snprintf(out, size, "%s of %s is owned by %s, not by Administrators or SYSTEM: its owner "
                 "may always change its permissions", what, program, who);
        break;
    case REGSAFE_SD_NO_DACL:
        snprintf(out, size, "%s of %s has no permissions at all (a FAT volume, or a NULL DACL): "
                 "anyone may change it", what, program);
        break;
    default:
        snprintf(out, size, "%s of %s lets %s, who is not an administrator, change it (write, "
                 "delete, or change permissions or owner)", what, program, who);
        break;
    }
}

enum regsafe_fix_verdict regsafe_fix_decide(const struct regsafe_fix_facts *f, char *reason,
                                            size_t reason_size)
{
    const char *program = f && f->program ? f->program : "this program";
    enum regsafe_sd_verdict v;
    char who[200];

    if (reason && reason_size)
        reason[0] = 0;
    if (!reason || !reason_size) {
        static char scratch[1];
        reason = scratch;
        reason_size = sizeof(scratch);
    }
    if (!f || regsafe_is_unc(f->program)) {
        snprintf(reason, reason_size, "%s is on a network share (a UNC path): whoever may write "
                 "the share could replace what SYSTEM runs", program);
        return REGSAFE_FIX_UNC;
    }
    if (!(((program[0] | 0x20) >= 'a' && (program[0] | 0x20) <= 'z') && program[1] == ':' &&
          (program[2] == '\\' || program[2] == '/'))) {
        snprintf(reason, reason_size, "%s is not a full path on a drive letter (C:\\...), so "
                 "not on a fixed local disk", program);
        return REGSAFE_FIX_DRIVE;
    }
    if (f->drive != REGSAFE_DRIVE_FIXED) {
        snprintf(reason, reason_size, "%s is on %s, not a fixed local disk", program,
                 drive_name(f->drive));
        return REGSAFE_FIX_DRIVE;
    }
    if (!f->kb_location && !f->registered) {
        snprintf(reason, reason_size, "%s is not at one of the KB's locations, and LocalServer32 "
                 "does not already name it", program);
        return REGSAFE_FIX_NOT_KB;
    }
    v = regsafe_judge_sd(f->folder_sd, f->folder_sd_len, 1, f->runner, who, sizeof(who));
    if (v != REGSAFE_SD_OK) {
        sd_reason(v, "the folder", program, who, reason, reason_size);
        return REGSAFE_FIX_FOLDER;
    }
    v = regsafe_judge_sd(f->file_sd, f->file_sd_len, 0, f->runner, who, sizeof(who));
    if (v != REGSAFE_SD_OK) {
        sd_reason(v, "the file", program, who, reason, reason_size);
        return REGSAFE_FIX_FILE;
    }
    return REGSAFE_FIX_OK;
}

enum regsafe_unreg regsafe_unreg_decide(int ls_present, int same_file)
{
    return ls_present && !same_file ? REGSAFE_UNREG_LEAVE : REGSAFE_UNREG_REMOVE;
}
