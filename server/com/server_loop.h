/* Server lifetime, in one place: how long empkp.exe -Embedding keeps running.
 *
 * Every live object and every IClassFactory::LockServer(TRUE) holds one lock.
 * The server runs while locks are held, and ends when
 *   - the last lock has been released for SERVER_LINGER_MS (the normal case:
 *     the script released its object).  The pause, as ATL servers make it,
 *     lets clients that found our class object just before the release
 *     still create theirs instead of reaching a server on its way out; or
 *   - no client has connected STARTUP_TIMEOUT after start (COM started us but
 *     the activation was abandoned), or
 *   - locks are held but no call has arrived for IDLE_TIMEOUT (clients that
 *     died without releasing: Wine never releases their references, and on
 *     Windows DCOM's own garbage collection takes about six minutes).
 * Shutdown itself is bounded by a watchdog (see server_run). */
#ifndef EMPKP_SERVER_LOOP_H
#define EMPKP_SERVER_LOOP_H

#include <windows.h>

#define SERVER_LINGER_MS           (3u * 1000u)
#define SERVER_STARTUP_TIMEOUT_MS  (60u * 1000u)
#define SERVER_IDLE_TIMEOUT_MS     (10u * 60u * 1000u)
#define SERVER_SHUTDOWN_GRACE_MS   (5u * 1000u)

void server_lock(void);
void server_unlock(void);
/* Records that a client called us, for the idle timeout. */
void server_touch(void);
/* The locks held now: for the in-process contract tests, which drive the
 * class factory without server_run (tests/e2e/comcontract.c). */
LONG server_lock_count(void);

/* Registers the class object, serves until one of the conditions above
 * holds, revokes it and uninitializes COM.  Returns a Win32 error code for
 * the process exit. */
DWORD server_run(void);

#endif
