/* The Publish lock: one machine-wide mutex that serialises Publish across
 * every process (COM clients, several server processes, command-line runs)
 * and that empkpcred holds while it writes DATA1..3.
 *
 * Any account may create a named object while no Publish runs, so a name
 * alone proves nothing: a mutex found already there is used only when its
 * owner is SYSTEM, Administrators or this account's own default owner and
 * its DACL gives nobody else a right that could hold, signal or re-secure
 * it (publish_sd_judge in publish_plan.c, on the bytes of
 * GetKernelObjectSecurity).  One we create gets owner Administrators and a
 * DACL of SYSTEM and Administrators.  A lock that fails that test, or one
 * this account may not open at all, is PUBLISH_LOCK_FOREIGN: the caller
 * reports it at once instead of waiting for it.  Every call used here is in
 * Windows 2000. */
#ifndef EMPKP_PUBLISH_LOCK_H
#define EMPKP_PUBLISH_LOCK_H

#include <windows.h>

#include "sdcheck.h"

#define PUBLISH_LOCK_NAME    L"Global\\EMPKP.Publish"
#define PUBLISH_LOCK_SDDL    L"O:BAD:(A;;GA;;;SY)(A;;GA;;;BA)"
/* Long enough for another Publish's 4096-bit key generation on a slow
 * server, short enough that a stuck one cannot hang MOM's script forever. */
#define PUBLISH_LOCK_WAIT_MS (5u * 60u * 1000u)
/* ErrID (and error) for a lock another account made or holds. */
#define PUBLISH_LOCK_FOREIGN ERROR_INVALID_OWNER

/* Opens (or creates) the lock and checks whose it is.  ERROR_SUCCESS and
 * *lock; PUBLISH_LOCK_FOREIGN with WHY saying what was found; or another
 * error (WHY empty).  Does not wait.  Test build: err:lock-create=CODE is
 * CreateMutex's answer, fail:lock-foreign makes an existing lock's
 * descriptor a foreign account's (Wine enforces no ACL on kernel objects). */
DWORD publish_lock_open(HANDLE *lock, char *why, size_t why_size);
/* Waits for the lock (at most MS): ERROR_SUCCESS (also when a holder died
 * with it: every state a Publish can leave is one the next repairs),
 * ERROR_TIMEOUT, or the error. */
DWORD publish_lock_wait(HANDLE lock, DWORD ms);
/* Releases a lock taken by publish_lock_wait and closes it. */
void publish_lock_release(HANDLE lock);
/* Closes a lock that was opened and not taken. */
void publish_lock_close(HANDLE lock);

/* The calling account's default owner (TokenOwner) as a SID in BUF; len 0
 * if it cannot be read.  The third owner publish_sd_judge trusts. */
struct sd_sid publish_caller_owner(BYTE *buf, DWORD size);

#endif
