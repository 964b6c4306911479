/* The Publish lock; see publish_lock.h. */
#include "publish_lock.h"

#include <sddl.h>
#include <stdio.h>

#include "faultpoint.h"
#include "publish_plan.h"

struct sd_sid publish_caller_owner(BYTE *buf, DWORD size)
{
    struct sd_sid none = { NULL, 0 };
    HANDLE token;
    DWORD n = 0;
    BOOL ok;
    TOKEN_OWNER *owner = (TOKEN_OWNER *)buf;

    if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)
        && !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return none;
    ok = GetTokenInformation(token, TokenOwner, buf, size, &n);
    CloseHandle(token);
    if (!ok || !owner->Owner || !IsValidSid(owner->Owner))
        return none;
    /* The SID lies inside BUF (GetTokenInformation puts it after the
     * pointer); its length is checked against what is left of BUF. */
    if ((BYTE *)owner->Owner < buf || (BYTE *)owner->Owner >= buf + size
        || GetLengthSid(owner->Owner) > (DWORD)(buf + size - (BYTE *)owner->Owner))
        return none;
    none.p = owner->Owner;
    none.len = GetLengthSid(owner->Owner);
    return none;
}

/* A foreign account's mutex, for the test build: owned by and open to a
 * made-up domain user. */
#define FOREIGN_SDDL L"O:S-1-5-21-1-2-3-1001D:(A;;GA;;;S-1-5-21-1-2-3-1001)(A;;GA;;;WD)"

static DWORD judge_existing(HANDLE lock, char *why, size_t why_size)
{
    BYTE sd[2048], owner_buf[256];
    PSECURITY_DESCRIPTOR foreign = NULL;
    DWORD need = 0, len;
    const void *bytes = sd;
    enum sd_trust t;
    char what[240];

    if (FAULT_FAIL("lock-foreign")) {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(FOREIGN_SDDL, SDDL_REVISION_1,
                                                                  &foreign, &len))
            return GetLastError();
        bytes = foreign;
    } else if (!GetKernelObjectSecurity(lock, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                        sd, sizeof(sd), &need)) {
        /* Cannot even read it: not ours to trust. */
        snprintf(why, why_size, "its security could not be read (error %lu)",
                 (unsigned long)GetLastError());
        return PUBLISH_LOCK_FOREIGN;
    } else {
        len = GetSecurityDescriptorLength(sd);
    }
    t = publish_sd_judge(bytes, len, PUBLISH_LOCK_RIGHTS,
                         publish_caller_owner(owner_buf, sizeof(owner_buf)), what, sizeof(what));
    if (t != SD_TRUSTED) {
        char shown[300];
        publish_sd_describe(bytes, len, shown, sizeof(shown));
        snprintf(why, why_size, "%s (%s)", what, shown);
    }
    if (foreign)
        LocalFree(foreign);
    return t == SD_TRUSTED ? ERROR_SUCCESS : PUBLISH_LOCK_FOREIGN;
}

DWORD publish_lock_open(HANDLE *lock, char *why, size_t why_size)
{
    SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
    DWORD err, injected;

    *lock = NULL;
    if (why_size)
        why[0] = 0;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(PUBLISH_LOCK_SDDL, SDDL_REVISION_1,
                                                              &sa.lpSecurityDescriptor, NULL))
        return GetLastError();
    injected = FAULT_ERROR("lock-create");
    if (injected) {
        err = injected;
    } else {
        *lock = CreateMutexW(&sa, FALSE, PUBLISH_LOCK_NAME);
        err = GetLastError();   /* read before LocalFree can change it */
    }
    LocalFree(sa.lpSecurityDescriptor);
    if (!*lock) {
        /* Access denied: the name exists with a DACL that leaves this
         * account out.  Invalid handle: it exists as another kind of
         * object (an event, a semaphore).  Neither is a lock of ours. */
        if (err == ERROR_ACCESS_DENIED || err == ERROR_INVALID_HANDLE) {
            snprintf(why, why_size, "%ls exists and this account may not open it as a mutex "
                     "(error %lu): another account made it, or this account is neither SYSTEM "
                     "nor an administrator", PUBLISH_LOCK_NAME, (unsigned long)err);
            return PUBLISH_LOCK_FOREIGN;
        }
        return err ? err : ERROR_INVALID_FUNCTION;
    }
    /* The test build's foreign holder stands for one that made the name
     * before us, whether or not another process has it open now. */
    if (err == ERROR_ALREADY_EXISTS || FAULT_FAIL("lock-foreign")) {
        err = judge_existing(*lock, why, why_size);
        if (err != ERROR_SUCCESS) {
            CloseHandle(*lock);
            *lock = NULL;
        }
        return err;
    }
    return ERROR_SUCCESS;
}

DWORD publish_lock_wait(HANDLE lock, DWORD ms)
{
    switch (WaitForSingleObject(lock, ms)) {
    case WAIT_OBJECT_0:
    case WAIT_ABANDONED:
        return ERROR_SUCCESS;
    case WAIT_TIMEOUT:
        return ERROR_TIMEOUT;
    default:
        return GetLastError();
    }
}

void publish_lock_release(HANDLE lock)
{
    if (lock) {
        ReleaseMutex(lock);
        CloseHandle(lock);
    }
}

void publish_lock_close(HANDLE lock)
{
    if (lock)
        CloseHandle(lock);
}
