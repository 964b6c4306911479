/* empkp /regserver and /unregserver. */
#ifndef EMPKP_REGISTRATION_H
#define EMPKP_REGISTRATION_H

#include <windows.h>

/* Both return ERROR_SUCCESS or a Win32 error code, and are idempotent:
 * registering twice, or unregistering what is not registered, succeeds. */
DWORD register_server(void);
DWORD unregister_server(void);
/* unregister_server, which removes only a registration whose LocalServer32
 * names this program (or nothing): one naming another program is left as
 * it is, and LEFT (LEFT_SIZE bytes, may be NULL) says so in one sentence
 * ("" when everything was removed).  Leaving it is a success. */
DWORD unregister_server_report(char *left, size_t left_size);

/* Does a ProxyStubClsid32 value name oleaut32's type library marshaler
 * (what RegisterTypeLib writes for a dual interface)? */
BOOL is_typelib_marshaler(const WCHAR *clsid);
/* One file under two names (C:\PROGRA~1\... and C:\Program Files\...)?
 * The volume and file index when both files open, else the names in any
 * case. */
BOOL same_file(const WCHAR *a, const WCHAR *b);

#endif
