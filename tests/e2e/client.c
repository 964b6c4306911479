/* An early-bound C client: creates PubKeyPublisher out of process and calls
 * Publish through the vtable, so the call crosses processes through whatever
 * marshaler Interface\{IID}\ProxyStubClsid32 names (empkpps.dll, or the type
 * library marshaler when only /regserver ran).
 * Prints "ErrID=N" and a fingerprint of DATA0 as it is right after the call
 * ("DATA0=<FNV-1a>/<bytes>"), so concurrent clients can be checked to have
 * seen one and the same key.  Exit code 0 when Publish returned S_OK with
 * ErrID 0. */
#include <windows.h>
#include <stdio.h>

#include "empkp.h"

static void print_data0_fingerprint(void)
{
    static BYTE blob[65536];
    DWORD len = sizeof(blob), type, i, hash = 2166136261u;
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\ExMPLS", 0,
                      KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key) != ERROR_SUCCESS) {
        printf("DATA0=absent\n");
        return;
    }
    if (RegQueryValueExW(key, L"DATA0", NULL, &type, blob, &len) != ERROR_SUCCESS)
        len = 0;
    RegCloseKey(key);
    for (i = 0; i < len; i++)
        hash = (hash ^ blob[i]) * 16777619u;
    printf("DATA0=%08lx/%lu\n", (unsigned long)hash, (unsigned long)len);
}

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
    print_data0_fingerprint();
    return err_id == 0 ? 0 : 1;
}
