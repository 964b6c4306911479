/* The PubKeyPublisher object.  IDispatch is answered from the type library
 * embedded in empkp.exe, so late-bound VBScript callers and early-bound
 * vtable callers reach the same Publish. */
#include "publisher_object.h"

#include <stdlib.h>

#include "empkp.h"
#include "server_loop.h"
#include "server/publish/publish.h"
#include "trace.h"
#include "typelib.h"

struct publisher {
    IPubKeyPublisher IPubKeyPublisher_iface;
    LONG ref;
    BOOL holds_lock;   /* FALSE only for the RPC pin (rpcpin.c) */
};

static struct publisher *impl_from_IPubKeyPublisher(IPubKeyPublisher *iface)
{
    return CONTAINING_RECORD(iface, struct publisher, IPubKeyPublisher_iface);
}

static HRESULT WINAPI publisher_QueryInterface(IPubKeyPublisher *iface, REFIID riid, void **ppv)
{
    WCHAR iid[40];
    HRESULT hr = E_NOINTERFACE;

    if (!ppv) {
        hr = E_POINTER;
    } else if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) ||
               IsEqualIID(riid, &IID_IPubKeyPublisher)) {
        *ppv = iface;
        IPubKeyPublisher_AddRef(iface);
        hr = S_OK;
    } else {
        *ppv = NULL;
    }
    TRACE(L"object %p QueryInterface(%ls) -> 0x%08lx", (void *)iface,
          trace_iid(riid, iid, ARRAYSIZE(iid)), (unsigned long)hr);
    return hr;
}

static ULONG WINAPI publisher_AddRef(IPubKeyPublisher *iface)
{
    struct publisher *This = impl_from_IPubKeyPublisher(iface);
    LONG ref = InterlockedIncrement(&This->ref);

    TRACE(L"object %p AddRef -> %ld", (void *)iface, (long)ref);
    return (ULONG)ref;
}

static ULONG WINAPI publisher_Release(IPubKeyPublisher *iface)
{
    struct publisher *This = impl_from_IPubKeyPublisher(iface);
    LONG ref = InterlockedDecrement(&This->ref);

    TRACE(L"object %p Release -> %ld%ls", (void *)iface, (long)ref, ref == 0 ? L", freed" : L"");
    if (ref == 0) {
        BOOL holds_lock = This->holds_lock;

        free(This);
        if (holds_lock)
            server_unlock();
    }
    return (ULONG)ref;
}

static HRESULT WINAPI publisher_GetTypeInfoCount(IPubKeyPublisher *iface, UINT *count)
{
    (void)iface;
    if (!count)
        return E_POINTER;
    *count = 1;
    return S_OK;
}

static HRESULT WINAPI publisher_GetTypeInfo(IPubKeyPublisher *iface, UINT index, LCID lcid,
                                            ITypeInfo **info)
{
    (void)iface;
    (void)lcid;
    if (!info)
        return E_POINTER;
    *info = NULL;
    if (index != 0)
        return DISP_E_BADINDEX;
    return typelib_publisher_typeinfo(info);
}

static HRESULT WINAPI publisher_GetIDsOfNames(IPubKeyPublisher *iface, REFIID riid,
                                              LPOLESTR *names, UINT count, LCID lcid,
                                              DISPID *ids)
{
    ITypeInfo *info;
    HRESULT hr;

    (void)iface;
    (void)lcid;
    if (!IsEqualIID(riid, &IID_NULL))
        return DISP_E_UNKNOWNINTERFACE;
    server_touch();
    hr = typelib_publisher_typeinfo(&info);
    if (FAILED(hr))
        return hr;
    hr = DispGetIDsOfNames(info, names, count, ids);
    ITypeInfo_Release(info);
    return hr;
}

static HRESULT WINAPI publisher_Invoke(IPubKeyPublisher *iface, DISPID id, REFIID riid,
                                       LCID lcid, WORD flags, DISPPARAMS *params,
                                       VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    ITypeInfo *info;
    HRESULT hr;

    (void)lcid;
    TRACE(L"object %p Invoke(dispid %ld, flags 0x%x, %u args)", (void *)iface, (long)id,
          (unsigned)flags, params ? params->cArgs : 0u);
    if (!IsEqualIID(riid, &IID_NULL)) {
        hr = DISP_E_UNKNOWNINTERFACE;
    } else if (!params) {
        /* Refused here, with what Wine's DispInvoke answers (measured),
         * rather than left to whichever oleaut32 the server meets. */
        hr = E_INVALIDARG;
    } else {
        hr = typelib_publisher_typeinfo(&info);
        if (SUCCEEDED(hr)) {
            hr = DispInvoke(iface, info, id, flags, params, result, excep, arg_err);
            ITypeInfo_Release(info);
        }
    }
    TRACE(L"object %p Invoke(dispid %ld) -> 0x%08lx", (void *)iface, (long)id, (unsigned long)hr);
    return hr;
}

static HRESULT WINAPI publisher_Publish(IPubKeyPublisher *iface, LONG *err_id)
{
    (void)iface;
    if (!err_id)
        return E_POINTER;
    server_touch();
    TRACE(L"object %p Publish", (void *)iface);
    /* Operational failures are reported in ErrID, not the HRESULT: MOM's
     * script reads "ErrID=oKeySet.Publish()", and a failed HRESULT would
     * become a VBScript runtime error instead of a number it can log. */
    *err_id = (LONG)publish();
    server_touch();
    TRACE(L"object %p Publish -> ErrID %ld", (void *)iface, (long)*err_id);
    return S_OK;
}

static const IPubKeyPublisherVtbl publisher_vtbl = {
    publisher_QueryInterface,
    publisher_AddRef,
    publisher_Release,
    publisher_GetTypeInfoCount,
    publisher_GetTypeInfo,
    publisher_GetIDsOfNames,
    publisher_Invoke,
    publisher_Publish,
};

static HRESULT create(BOOL holds_lock, REFIID riid, void **ppv)
{
    struct publisher *This;
    HRESULT hr;

    This = malloc(sizeof(*This));
    if (!This)
        return E_OUTOFMEMORY;
    This->IPubKeyPublisher_iface.lpVtbl = &publisher_vtbl;
    This->ref = 1;
    This->holds_lock = holds_lock;
    if (holds_lock)
        server_lock();

    hr = IPubKeyPublisher_QueryInterface(&This->IPubKeyPublisher_iface, riid, ppv);
    IPubKeyPublisher_Release(&This->IPubKeyPublisher_iface);
    return hr;
}

HRESULT publisher_create(REFIID riid, void **ppv)
{
    return create(TRUE, riid, ppv);
}

HRESULT publisher_create_pin(REFIID riid, void **ppv)
{
    return create(FALSE, riid, ppv);
}
