/* IClassFactory for PubKeyPublisher; see factory.h. */
#include "factory.h"

#include "server_loop.h"
#include "publisher_object.h"
#include "trace.h"

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
        *ppv = iface;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    (void)iface;
    return 1;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer,
                                             REFIID riid, void **ppv)
{
    WCHAR iid[40];
    HRESULT hr;

    (void)iface;
    if (!ppv) {
        hr = E_POINTER;
    } else {
        *ppv = NULL;
        if (outer) {
            hr = CLASS_E_NOAGGREGATION;
        } else {
            server_touch();
            hr = publisher_create(riid, ppv);
        }
    }
    TRACE(L"factory CreateInstance(outer %p, %ls) -> 0x%08lx, object %p", (void *)outer,
          trace_iid(riid, iid, ARRAYSIZE(iid)), (unsigned long)hr, ppv ? *ppv : NULL);
    return hr;
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    TRACE(L"factory LockServer(%ls)", lock ? L"TRUE" : L"FALSE");
    if (lock)
        server_lock();
    else
        server_unlock();
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static IClassFactory factory = { &factory_vtbl };

IUnknown *factory_instance(void)
{
    return (IUnknown *)&factory;
}
