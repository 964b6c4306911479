/* An early-bound C client: creates PubKeyPublisher out of process and calls
 * Publish through the vtable, so the call crosses processes through whatever
 * marshaler Interface\{IID}\ProxyStubClsid32 names (empkpps.dll, or the type
 * library marshaler when only /regserver ran).
 * Prints "ErrID=N"; exit code 0 when Publish returned S_OK with ErrID 0. */
#include <windows.h>
#include <stdio.h>

#include "empkp.h"

int main(void)
{
    IPubKeyPublisher *publisher = NULL;
    LONG err_id = -1;
    HRESULT hr;

    hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (FAILED(hr)) {
        printf("CoInitializeEx failed: 0x%08lx\n", (unsigned long)hr);
        return 2;
    }
    hr = CoCreateInstance(&CLSID_PubKeyPublisher, NULL, CLSCTX_LOCAL_SERVER,
                          &IID_IPubKeyPublisher, (void **)&publisher);
    if (FAILED(hr)) {
        printf("CoCreateInstance failed: 0x%08lx\n", (unsigned long)hr);
        CoUninitialize();
        return 3;
    }
    hr = IPubKeyPublisher_Publish(publisher, &err_id);
    IPubKeyPublisher_Release(publisher);
    CoUninitialize();
    if (FAILED(hr)) {
        printf("Publish failed: 0x%08lx\n", (unsigned long)hr);
        return 4;
    }
    printf("ErrID=%ld\n", (long)err_id);
    return err_id == 0 ? 0 : 1;
}
