/* Access to the embedded type library; see typelib.h. */
#include "typelib.h"

#include "empkp.h"

static ITypeInfo *publisher_typeinfo;

DWORD typelib_exe_path(WCHAR *path, DWORD size)
{
    DWORD len = GetModuleFileNameW(NULL, path, size);

    if (len == 0)
        return GetLastError();
    if (len >= size)  /* truncated: GetModuleFileName does not always say so */
        return ERROR_INSUFFICIENT_BUFFER;
    return ERROR_SUCCESS;
}

HRESULT typelib_load(ITypeLib **lib)
{
    WCHAR path[MAX_PATH * 2];
    DWORD err = typelib_exe_path(path, ARRAYSIZE(path));

    *lib = NULL;
    if (err)
        return HRESULT_FROM_WIN32(err);
    return LoadTypeLibEx(path, REGKIND_NONE, lib);
}

static HRESULT load_interface_typeinfo(ITypeInfo **out)
{
    ITypeLib *lib;
    ITypeInfo *dispatch_info = NULL;
    HREFTYPE href;
    HRESULT hr;

    hr = typelib_load(&lib);
    if (FAILED(hr))
        return hr;
    hr = ITypeLib_GetTypeInfoOfGuid(lib, &IID_IPubKeyPublisher, &dispatch_info);
    ITypeLib_Release(lib);
    if (FAILED(hr))
        return hr;
    /* For a dual interface the library hands out the dispatch half; its
     * implemented type -1 is the vtable half. */
    hr = ITypeInfo_GetRefTypeOfImplType(dispatch_info, (UINT)-1, &href);
    if (SUCCEEDED(hr))
        hr = ITypeInfo_GetRefTypeInfo(dispatch_info, href, out);
    ITypeInfo_Release(dispatch_info);
    return hr;
}

HRESULT typelib_publisher_typeinfo(ITypeInfo **info)
{
    ITypeInfo *loaded;
    HRESULT hr;

    *info = NULL;
    if (!publisher_typeinfo) {
        hr = load_interface_typeinfo(&loaded);
        if (FAILED(hr))
            return hr;
        /* Two threads may load at once; the loser drops its copy. */
        if (InterlockedCompareExchangePointer((void **)&publisher_typeinfo, loaded, NULL))
            ITypeInfo_Release(loaded);
    }
    ITypeInfo_AddRef(publisher_typeinfo);
    *info = publisher_typeinfo;
    return S_OK;
}
