/* Load for the stress tests (tests/stress-tests.sh), through COM:
 *   stress calls N      one object, N Publish calls; prints "calls=N ok=M"
 *   stress cycles N     N times: create, Publish, release; "cycles=N ok=M"
 *                       (the shell measures the server around it: Wine
 *                       reports no handle counts to Windows programs)
 *   stress hold S FILE  holds one object, keeping one server up, until FILE
 *                       exists or S seconds have passed; then releases it;
 *                       prints "holding" once it holds it
 * Exit code 0 when every Publish returned S_OK with ErrID 0. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "empkp.h"

static HRESULT create(IPubKeyPublisher **p)
{
    return CoCreateInstance(&CLSID_PubKeyPublisher, NULL, CLSCTX_LOCAL_SERVER,
                            &IID_IPubKeyPublisher, (void **)p);
}

static int publish_ok(IPubKeyPublisher *p)
{
    LONG err_id = -1;

    return SUCCEEDED(IPubKeyPublisher_Publish(p, &err_id)) && err_id == 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int n = argc > 2 ? atoi(argv[2]) : 0, i, ok = 0;
    IPubKeyPublisher *p = NULL;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (!strcmp(mode, "calls") || !strcmp(mode, "hold")) {
        hr = create(&p);
        if (FAILED(hr)) {
            printf("CoCreateInstance failed: 0x%08lx\n", (unsigned long)hr);
            return 3;
        }
        if (!strcmp(mode, "hold")) {
            /* Released, not killed: a killed client's reference is never
             * given back under Wine, and the server would wait out its
             * idle timeout. */
            ok = publish_ok(p);
            /* The drivers wait for this line: the server has registered its
             * class by now, so their clients join it rather than race to
             * start another. */
            printf("holding\n");
            fflush(stdout);
            for (i = 0; i < n * 10; i++) {
                if (argc > 3 && GetFileAttributesA(argv[3]) != INVALID_FILE_ATTRIBUTES)
                    break;
                Sleep(100);
            }
            n = 1;
        } else {
            for (i = 0; i < n; i++)
                ok += publish_ok(p);
            printf("calls=%d ok=%d\n", n, ok);
        }
        IPubKeyPublisher_Release(p);
    } else if (!strcmp(mode, "cycles")) {
        for (i = 0; i < n; i++) {
            hr = create(&p);
            if (SUCCEEDED(hr)) {
                ok += publish_ok(p);
                IPubKeyPublisher_Release(p);
            }
        }
        printf("cycles=%d ok=%d\n", n, ok);
    } else {
        printf("usage: stress calls N | cycles N | hold SECONDS FILE\n");
        return 2;
    }
    CoUninitialize();
    return ok == n ? 0 : 1;
}
