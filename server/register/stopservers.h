/* empkp /stopservers: what an install, upgrade or uninstall runs before it
 * replaces or removes the files, so that no running server holds them (a
 * file in use makes Windows Installer schedule the replacement for the next
 * reboot and exit 3010, "reboot required").
 *
 * Waits up to STOPSERVERS_WAIT_MS for every process whose file name is
 * empkp.exe or ExchKP.exe (identity_is_server_exe), itself excepted, to end,
 * then ends those still running and waits up to STOPSERVERS_KILL_WAIT_MS for
 * them to be gone.  A server ends by itself once it is unregistered (see
 * server_loop.c) or after its linger; one of an older version that is still
 * busy at the bound is ended mid-call, which Publish survives (the next
 * Publish repairs what it left, see publish.c).  Needs SYSTEM or an
 * administrator: ending another account's server takes SeDebugPrivilege,
 * which it enables for that.
 *
 * Returns ERROR_SUCCESS once no such process runs, else a Win32 error
 * (ERROR_TIMEOUT when one could not be ended), after a message. */
#ifndef EMPKP_STOPSERVERS_H
#define EMPKP_STOPSERVERS_H

#include <windows.h>

#define STOPSERVERS_WAIT_MS       (30u * 1000u)
#define STOPSERVERS_KILL_WAIT_MS  (10u * 1000u)

DWORD stop_servers(void);

#endif
