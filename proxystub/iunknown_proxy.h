/* Force-included into widl's empkp_p.c.
 *
 * The stubless proxy delegates IUnknown to rpcrt4's IUnknown_*_Proxy
 * functions.  MinGW-w64's <rpcproxy.h> declares them only for C++, so a C
 * build of widl's output needs these declarations; the definitions come from
 * librpcrt4.a. */
#ifndef EMPKP_IUNKNOWN_PROXY_H
#define EMPKP_IUNKNOWN_PROXY_H

#include <objbase.h>

HRESULT STDMETHODCALLTYPE IUnknown_QueryInterface_Proxy(IUnknown *This, REFIID riid, void **ppvObject);
ULONG STDMETHODCALLTYPE IUnknown_AddRef_Proxy(IUnknown *This);
ULONG STDMETHODCALLTYPE IUnknown_Release_Proxy(IUnknown *This);

#endif
