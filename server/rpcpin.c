/* See rpcpin.h. */
#include "rpcpin.h"

#include <servprov.h>

static IStream *pin_stream;

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

void rpcpin_hold(void)
{
    IStream *stream;

    if (FAILED(CreateStreamOnHGlobal(NULL, TRUE, &stream)))
        return;
    if (FAILED(CoMarshalInterface(stream, &IID_IServiceProvider, (IUnknown *)&pin,
                                  MSHCTX_LOCAL, NULL, MSHLFLAGS_TABLESTRONG))) {
        IStream_Release(stream);
        return;
    }
    pin_stream = stream;
}

void rpcpin_release(void)
{
    LARGE_INTEGER zero = { { 0, 0 } };

    if (!pin_stream)
        return;
    IStream_Seek(pin_stream, zero, STREAM_SEEK_SET, NULL);
    CoReleaseMarshalData(pin_stream);
    IStream_Release(pin_stream);
    pin_stream = NULL;
}
