/* See rpcpin.h. */
#include "rpcpin.h"

#include <servprov.h>

#include "empkp.h"
#include "publisher_object.h"

/* One stream per pinned interface: each table-strong marshal keeps one stub
 * of that interface, and so its RPC registration, alive. */
static IStream *pin_streams[4];

static HRESULT WINAPI pin_QueryInterface(IServiceProvider *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IServiceProvider)) {
        *ppv = iface;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI pin_AddRef(IServiceProvider *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI pin_Release(IServiceProvider *iface)
{
    (void)iface;
    return 1;
}

static HRESULT WINAPI pin_QueryService(IServiceProvider *iface, REFGUID service, REFIID riid,
                                       void **ppv)
{
    (void)iface;
    (void)service;
    (void)riid;
    if (ppv)
        *ppv = NULL;
    return E_NOINTERFACE;   /* it serves nothing: it only exists */
}

static const IServiceProviderVtbl pin_vtbl = {
    pin_QueryInterface,
    pin_AddRef,
    pin_Release,
    pin_QueryService,
};

static IServiceProvider pin = { &pin_vtbl };

static void pin_interface(IUnknown *object, REFIID riid, IStream **slot)
{
    IStream *stream;

    if (FAILED(CreateStreamOnHGlobal(NULL, TRUE, &stream)))
        return;
    if (FAILED(CoMarshalInterface(stream, riid, object, MSHCTX_LOCAL, NULL, MSHLFLAGS_TABLESTRONG))) {
        IStream_Release(stream);
        return;
    }
    *slot = stream;
}

void rpcpin_hold(void)
{
    IUnknown *publisher;

    pin_interface((IUnknown *)&pin, &IID_IServiceProvider, &pin_streams[0]);
    if (FAILED(publisher_create_pin(&IID_IUnknown, (void **)&publisher)))
        return;
    pin_interface(publisher, &IID_IPubKeyPublisher, &pin_streams[1]);
    pin_interface(publisher, &IID_IDispatch, &pin_streams[2]);
    pin_interface(publisher, &IID_IUnknown, &pin_streams[3]);
    IUnknown_Release(publisher);   /* the marshals hold it now */
}

void rpcpin_release(void)
{
    LARGE_INTEGER zero = { { 0, 0 } };
    size_t i;

    for (i = 0; i < ARRAYSIZE(pin_streams); i++) {
        if (!pin_streams[i])
            continue;
        IStream_Seek(pin_streams[i], zero, STREAM_SEEK_SET, NULL);
        CoReleaseMarshalData(pin_streams[i]);
        IStream_Release(pin_streams[i]);
        pin_streams[i] = NULL;
    }
}
