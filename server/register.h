/* empkp /regserver and /unregserver. */
#ifndef EMPKP_REGISTER_H
#define EMPKP_REGISTER_H

#include <windows.h>

/* Both return ERROR_SUCCESS or a Win32 error code, and are idempotent:
 * registering twice, or unregistering what is not registered, succeeds. */
DWORD register_server(void);
DWORD unregister_server(void);

#endif
