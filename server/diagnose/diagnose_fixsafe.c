/* /diagnose /fix: the facts regsafe.c decides on before /fix registers
 * this program (see regsafe.h): its drive, its place, and the security
 * descriptors of its folder and file.
 *
 * Wine keeps no real ACLs (every file is its one user's), so the test
 * build can substitute Windows' answers: text:fix-folder-sd=SDDL and
 * text:fix-file-sd=SDDL a descriptor, fail:fix-folder-sd / fail:fix-file-sd
 * an unreadable one, err:fix-drive=N a GetDriveType answer
 * (faultpoint.h). */
#include "diagnose_checks.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef EMPKP_FAULT_POINTS
#include <sddl.h>
#endif

#include "common/faultpoint.h"
#include "server/register/regsafe.h"

#define SD_INFO (OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION)

/* PATH's self-relative descriptor (owner and DACL), malloc'd; NULL when it
 * cannot be read.  POINT names the test build's substitute. */
static void *read_sd(const WCHAR *path, DWORD *len, const char *point)
{
    DWORD need = 0;
    void *sd;
#ifdef EMPKP_FAULT_POINTS
    char sddl[400];
    WCHAR wsddl[400];
    PSECURITY_DESCRIPTOR made;
    ULONG made_len;

    if (FAULT_FAIL(point))
        return NULL;
    if (FAULT_TEXT(point, sddl, sizeof(sddl))) {
        if (!wide_from_utf8_buf(sddl, wsddl, ARRAYSIZE(wsddl)) ||
            !ConvertStringSecurityDescriptorToSecurityDescriptorW(wsddl, SDDL_REVISION_1, &made, &made_len))
            return NULL;
        sd = malloc(made_len);
        if (sd)
            memcpy(sd, made, made_len);
        *len = made_len;
        LocalFree(made);
        return sd;
    }
#else
    (void)point;
#endif
    if (GetFileSecurityW(path, SD_INFO, NULL, 0, &need) || GetLastError() != ERROR_INSUFFICIENT_BUFFER ||
        !need || !(sd = malloc(need)))
        return NULL;
    if (!GetFileSecurityW(path, SD_INFO, sd, need, len)) {
        free(sd);
        return NULL;
    }
    *len = need;
    return sd;
}

/* The SID of the account running /fix, malloc'd (its bytes), or NULL. */
static void *runner_sid(size_t *len)
{
    unsigned char buf[256];
    TOKEN_USER *user = (TOKEN_USER *)buf;
    DWORD got;
    HANDLE token;
    void *copy = NULL;

    *len = 0;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return NULL;
    if (GetTokenInformation(token, TokenUser, buf, sizeof(buf), &got) && IsValidSid(user->User.Sid)) {
        *len = GetLengthSid(user->User.Sid);
        if ((copy = malloc(*len)))
            memcpy(copy, user->User.Sid, *len);
        else
            *len = 0;
    }
    CloseHandle(token);
    return copy;
}

int diag_fix_may_register(const struct diag_facts *f, char *why, size_t why_size)
{
    struct regsafe_fix_facts facts;
    WCHAR folder[MAX_PATH * 2], root[4];
    WCHAR *slash;
    DWORD file_len = 0, folder_len = 0, drive;
    void *file_sd, *folder_sd, *sid;
    size_t sid_len;
    enum regsafe_fix_verdict v;

    memset(&facts, 0, sizeof(facts));
    facts.program = f->program_utf8;
    diag_fix_location(f->program, f->kind, &facts.kb_location, &facts.registered);
    /* The drive of C:\...; anything else (UNC, \\?\) is refused by path. */
    facts.drive = REGSAFE_DRIVE_UNKNOWN;
    if (f->program[0] && f->program[1] == L':' && f->program[2] == L'\\') {
        root[0] = f->program[0];
        root[1] = L':';
        root[2] = L'\\';
        root[3] = 0;
        drive = FAULT_ERROR("fix-drive");
        facts.drive = (enum regsafe_drive)(drive ? drive : GetDriveTypeW(root));
    }
    lstrcpynW(folder, f->program, ARRAYSIZE(folder));
    slash = wcsrchr(folder, L'\\');
    if (slash)
        slash[slash > folder && slash[-1] == L':' ? 1 : 0] = 0;   /* C:\ keeps its backslash */
    folder_sd = read_sd(folder, &folder_len, "fix-folder-sd");
    file_sd = read_sd(f->program, &file_len, "fix-file-sd");
    sid = runner_sid(&sid_len);
    facts.folder_sd = folder_sd;
    facts.folder_sd_len = folder_len;
    facts.file_sd = file_sd;
    facts.file_sd_len = file_len;
    facts.runner.p = sid;
    facts.runner.len = sid ? sid_len : 0;
    v = regsafe_fix_decide(&facts, why, why_size);
    free(folder_sd);
    free(file_sd);
    free(sid);
    return v == REGSAFE_FIX_OK;
}
