/* The type library embedded in empkp.exe as resource 1 TYPELIB. */
#ifndef EMPKP_TYPELIB_H
#define EMPKP_TYPELIB_H

#include <windows.h>
#include <oleauto.h>

/* The full path of the running executable (MAX_PATH-sized and beyond). */
DWORD typelib_exe_path(WCHAR *path, DWORD size);

/* Loads the embedded library without registering it. */
HRESULT typelib_load(ITypeLib **lib);

/* The TKIND_INTERFACE description of IPubKeyPublisher, which DispInvoke
 * needs for a dual interface (the TKIND_DISPATCH half cannot call through
 * the vtable).  Loaded once, then shared; the caller releases its reference. */
HRESULT typelib_publisher_typeinfo(ITypeInfo **info);

#endif
