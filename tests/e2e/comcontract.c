/* Conformance tests of the COM contract of our class factory and of the
 * PubKeyPublisher object, in the manner of Wine's dlls/<name>/tests: every
 * assertion prints one line, "ok NAME" or "not ok NAME: what was seen", and
 * tests/wine-tests.sh turns each into a check of its own.
 *
 *   comcontract inproc      the server's own class factory (factory.h),
 *                           linked into this program: no COM activation, no
 *                           marshaler, so NULL out-pointers, reference
 *                           counts and the server's lock count (server_loop.h)
 *                           can be asserted
 *   comcontract local       the questions that make sense across processes,
 *                           through whatever marshaler the registry names
 *                           for the interface (the type library marshaler
 *                           after "empkp /regserver", empkpps.dll after
 *                           regsvr32)
 *   comcontract lockserver  IClassFactory::LockServer across processes: a
 *                           locked server outlives its last object, and
 *                           ends once unlocked (skips, saying why, where the
 *                           client's proxy does not forward LockServer, as
 *                           Wine 8.0's does not)
 *
 * Exit code 0 when every assertion held, 1 otherwise, 2 on bad usage; the
 * last line is "done: N assertions, F failed".  Each mode calls Publish at
 * most once (in "inproc" and "local", through IDispatch::Invoke as VBScript
 * does).  The program also writes one OutputDebugString line of its own
 * ("comcontract: debug output probe"), so that a test reading the debug
 * output can tell "nothing traced" from "nothing captured". */
#include <windows.h>
#include <tlhelp32.h>
#include <stdarg.h>
#include <stdio.h>

#include "empkp.h"
#include "server/com/factory.h"
#include "server/com/server_loop.h"

static int assertions, failures;

static void ok_(int line, int cond, const char *name, const char *fmt, ...)
{
    va_list ap;

    assertions++;
    if (cond) {
        printf("ok %s\n", name);
    } else {
        failures++;
        printf("not ok %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf(" (comcontract.c:%d)\n", line);
    }
    fflush(stdout);
}
#define ok(cond, name, ...) ok_(__LINE__, !!(cond), name, __VA_ARGS__)

/* An assertion that cannot be asked here, with the reason. */
static void skip(const char *name, const char *why)
{
    printf("skip %s: %s\n", name, why);
    fflush(stdout);
}

/* Whether the calls cross a process: then NULL out-pointers are not asked
 * (the proxies would fault or raise in the client, which is not our code)
 * and reference counts are the proxy's, not the object's. */
static BOOL remote;

/* An IID nobody implements. */
static const IID IID_nothing =
    { 0x6b0c6a3e, 0x1f2d, 0x4e58, { 0x9a, 0x61, 0x3c, 0x7e, 0x0b, 0x52, 0xd4, 0x19 } };

/* The DISPID of Publish: [id(1)] in idl/empkp.idl. */
#define DISPID_PUBLISH 1

static void test_factory(IClassFactory *factory)
{
    IUnknown *unk;
    void *p;
    HRESULT hr;

    unk = NULL;
    hr = IClassFactory_QueryInterface(factory, &IID_IUnknown, (void **)&unk);
    ok(hr == S_OK && unk, "factory QueryInterface IUnknown gives S_OK", "hr %08lx, %p",
       (unsigned long)hr, (void *)unk);
    if (unk)
        IUnknown_Release(unk);

    unk = NULL;
    hr = IClassFactory_QueryInterface(factory, &IID_IClassFactory, (void **)&unk);
    ok(hr == S_OK && unk, "factory QueryInterface IClassFactory gives S_OK", "hr %08lx, %p",
       (unsigned long)hr, (void *)unk);
    if (unk)
        IUnknown_Release(unk);

    p = (void *)0xdeadbeef;
    hr = IClassFactory_QueryInterface(factory, &IID_IDispatch, &p);
    ok(hr == E_NOINTERFACE && !p, "factory QueryInterface IDispatch gives E_NOINTERFACE and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);

    p = (void *)0xdeadbeef;
    hr = IClassFactory_QueryInterface(factory, &IID_nothing, &p);
    ok(hr == E_NOINTERFACE && !p,
       "factory QueryInterface an unknown IID gives E_NOINTERFACE and NULL", "hr %08lx, %p",
       (unsigned long)hr, p);

    if (!remote) {
        ULONG ref;

        hr = IClassFactory_QueryInterface(factory, &IID_IUnknown, NULL);
        ok(hr == E_POINTER, "factory QueryInterface with a NULL out-pointer gives E_POINTER",
           "hr %08lx", (unsigned long)hr);
        /* A static object (factory.h): the count never reaches 0. */
        ref = IClassFactory_AddRef(factory);
        ok(ref == 2, "factory AddRef of the static object gives 2", "got %lu", (unsigned long)ref);
        ref = IClassFactory_Release(factory);
        ok(ref == 1, "factory Release of the static object gives 1", "got %lu", (unsigned long)ref);
    }

    p = (void *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, (IUnknown *)factory, &IID_IUnknown, &p);
    ok(hr == CLASS_E_NOAGGREGATION && !p,
       "CreateInstance with an outer unknown gives CLASS_E_NOAGGREGATION and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);

    p = (void *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IClassFactory, &p);
    ok(hr == E_NOINTERFACE && !p,
       "CreateInstance for an interface the object lacks gives E_NOINTERFACE and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);

    if (!remote) {
        hr = IClassFactory_CreateInstance(factory, NULL, &IID_IUnknown, NULL);
        ok(hr == E_POINTER, "CreateInstance with a NULL out-pointer gives E_POINTER", "hr %08lx",
           (unsigned long)hr);
    }
}

/* In process only: the server's lock count (server_loop.h), which decides
 * when the server ends, as LockServer and the objects move it. */
static void test_locks(IClassFactory *factory)
{
    IPubKeyPublisher *obj = NULL;
    LONG before = server_lock_count(), now;
    void *p;
    HRESULT hr;

    hr = IClassFactory_LockServer(factory, TRUE);
    now = server_lock_count();
    ok(hr == S_OK && now == before + 1, "LockServer(TRUE) gives S_OK and holds one lock",
       "hr %08lx, locks %ld -> %ld", (unsigned long)hr, (long)before, (long)now);
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IPubKeyPublisher, (void **)&obj);
    now = server_lock_count();
    ok(hr == S_OK && now == before + 2, "a live object holds one more lock",
       "hr %08lx, locks %ld -> %ld", (unsigned long)hr, (long)before, (long)now);
    if (obj)
        IPubKeyPublisher_Release(obj);
    now = server_lock_count();
    ok(now == before + 1, "releasing the last object leaves the LockServer lock held",
       "locks %ld -> %ld", (long)before, (long)now);
    hr = IClassFactory_LockServer(factory, FALSE);
    now = server_lock_count();
    ok(hr == S_OK && now == before, "LockServer(FALSE) gives S_OK and releases its lock",
       "hr %08lx, locks %ld -> %ld", (unsigned long)hr, (long)before, (long)now);
    p = (void *)0xdeadbeef;
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_nothing, &p);
    now = server_lock_count();
    ok(hr == E_NOINTERFACE && now == before, "a failed CreateInstance leaves no lock behind",
       "hr %08lx, locks %ld -> %ld", (unsigned long)hr, (long)before, (long)now);
}

static void test_unknown(IPubKeyPublisher *obj)
{
    IUnknown *unk1 = NULL, *unk2 = NULL;
    IDispatch *disp = NULL;
    IPubKeyPublisher *pkp = NULL;
    void *p;
    HRESULT hr;

    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IUnknown, (void **)&unk1);
    ok(hr == S_OK && unk1, "QueryInterface IUnknown gives S_OK", "hr %08lx", (unsigned long)hr);
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IUnknown, (void **)&unk2);
    ok(hr == S_OK && unk1 == unk2, "QueryInterface IUnknown twice gives one pointer (identity)",
       "hr %08lx, %p and %p", (unsigned long)hr, (void *)unk1, (void *)unk2);
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IDispatch, (void **)&disp);
    ok(hr == S_OK && disp, "QueryInterface IDispatch gives S_OK", "hr %08lx", (unsigned long)hr);
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IPubKeyPublisher, (void **)&pkp);
    ok(hr == S_OK && pkp, "QueryInterface IPubKeyPublisher gives S_OK", "hr %08lx",
       (unsigned long)hr);
    if (!remote)   /* a dual interface: one vtable serves both */
        ok((void *)disp == (void *)pkp && (void *)pkp == (void *)obj,
           "IDispatch and IPubKeyPublisher are one interface (dual)", "%p, %p, %p",
           (void *)disp, (void *)pkp, (void *)obj);
    if (unk1)
        IUnknown_Release(unk1);
    if (unk2)
        IUnknown_Release(unk2);
    if (disp)
        IDispatch_Release(disp);
    if (pkp)
        IPubKeyPublisher_Release(pkp);

    p = (void *)0xdeadbeef;
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IClassFactory, &p);
    ok(hr == E_NOINTERFACE && !p, "QueryInterface IClassFactory gives E_NOINTERFACE and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);
    p = (void *)0xdeadbeef;
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IPersist, &p);
    ok(hr == E_NOINTERFACE && !p, "QueryInterface IPersist gives E_NOINTERFACE and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);
    p = (void *)0xdeadbeef;
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_nothing, &p);
    ok(hr == E_NOINTERFACE && !p, "QueryInterface an unknown IID gives E_NOINTERFACE and NULL",
       "hr %08lx, %p", (unsigned long)hr, p);
    if (!remote) {
        hr = IPubKeyPublisher_QueryInterface(obj, &IID_IUnknown, NULL);
        ok(hr == E_POINTER, "QueryInterface with a NULL out-pointer gives E_POINTER", "hr %08lx",
           (unsigned long)hr);
    }
}

/* In process only: the counts the object itself keeps. */
static void test_refcount(IClassFactory *factory)
{
    IPubKeyPublisher *obj = NULL;
    IDispatch *disp = NULL;
    void *p;
    ULONG ref;
    HRESULT hr;

    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IPubKeyPublisher, (void **)&obj);
    ok(hr == S_OK && obj, "CreateInstance for the reference count tests gives S_OK", "hr %08lx",
       (unsigned long)hr);
    if (!obj)
        return;
    ref = IPubKeyPublisher_AddRef(obj);
    ok(ref == 2, "AddRef on a new object gives 2", "got %lu", (unsigned long)ref);
    ref = IPubKeyPublisher_Release(obj);
    ok(ref == 1, "Release then gives 1", "got %lu", (unsigned long)ref);
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IDispatch, (void **)&disp);
    ref = IPubKeyPublisher_AddRef(obj);
    ok(hr == S_OK && ref == 3, "a successful QueryInterface adds one reference",
       "hr %08lx, AddRef then gave %lu", (unsigned long)hr, (unsigned long)ref);
    IPubKeyPublisher_Release(obj);
    p = NULL;
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_nothing, &p);
    ref = IPubKeyPublisher_AddRef(obj);
    ok(hr == E_NOINTERFACE && ref == 3, "a failed QueryInterface adds none",
       "hr %08lx, AddRef then gave %lu", (unsigned long)hr, (unsigned long)ref);
    IPubKeyPublisher_Release(obj);
    if (disp) {
        ref = IDispatch_Release(disp);
        ok(ref == 1, "Release of the IDispatch reference gives 1", "got %lu", (unsigned long)ref);
    }
    ref = IPubKeyPublisher_Release(obj);
    ok(ref == 0, "the last Release gives 0", "got %lu", (unsigned long)ref);
}

static void test_dispatch(IDispatch *disp, const char *via, BOOL publish)
{
    char name[160];
    ITypeInfo *info;
    TYPEATTR *attr;
    OLECHAR *names[1];
    DISPID id, id2;
    DISPPARAMS params = { NULL, NULL, 0, 0 };
    VARIANT args[2], result;
    EXCEPINFO excep;
    UINT count, arg_err;
    HRESULT hr;

#define NAME(text) (snprintf(name, sizeof(name), "%s (%s)", text, via), name)

    count = 0xdead;
    hr = IDispatch_GetTypeInfoCount(disp, &count);
    ok(hr == S_OK && count == 1, NAME("GetTypeInfoCount gives 1"), "hr %08lx, count %u",
       (unsigned long)hr, count);
    if (!remote) {
        hr = IDispatch_GetTypeInfoCount(disp, NULL);
        ok(hr == E_POINTER, NAME("GetTypeInfoCount with a NULL out-pointer gives E_POINTER"),
           "hr %08lx", (unsigned long)hr);
    }

    info = NULL;
    hr = IDispatch_GetTypeInfo(disp, 0, LOCALE_SYSTEM_DEFAULT, &info);
    attr = NULL;
    if (info && SUCCEEDED(ITypeInfo_GetTypeAttr(info, &attr)) && attr) {
        ok(hr == S_OK && IsEqualGUID(&attr->guid, &IID_IPubKeyPublisher),
           NAME("GetTypeInfo(0) describes IPubKeyPublisher"), "hr %08lx", (unsigned long)hr);
        ITypeInfo_ReleaseTypeAttr(info, attr);
    } else {
        ok(0, NAME("GetTypeInfo(0) describes IPubKeyPublisher"), "hr %08lx, info %p, no TYPEATTR",
           (unsigned long)hr, (void *)info);
    }
    if (info)
        ITypeInfo_Release(info);
    info = (ITypeInfo *)0xdeadbeef;
    hr = IDispatch_GetTypeInfo(disp, 1, LOCALE_SYSTEM_DEFAULT, &info);
    ok(hr == DISP_E_BADINDEX && !info, NAME("GetTypeInfo(1) gives DISP_E_BADINDEX and NULL"),
       "hr %08lx, %p", (unsigned long)hr, (void *)info);

    names[0] = (OLECHAR *)L"Publish";
    id = 0xdead;
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id);
    ok(hr == S_OK && id == DISPID_PUBLISH, NAME("GetIDsOfNames Publish gives its DISPID"),
       "hr %08lx, id %ld", (unsigned long)hr, (long)id);
    names[0] = (OLECHAR *)L"publish";
    id2 = 0xdead;
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id2);
    ok(hr == S_OK && id2 == id, NAME("GetIDsOfNames publish gives the same DISPID"),
       "hr %08lx, id %ld", (unsigned long)hr, (long)id2);
    names[0] = (OLECHAR *)L"PUBLISH";
    id2 = 0xdead;
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id2);
    ok(hr == S_OK && id2 == id, NAME("GetIDsOfNames PUBLISH gives the same DISPID"),
       "hr %08lx, id %ld", (unsigned long)hr, (long)id2);
    names[0] = (OLECHAR *)L"Unpublish";
    id2 = 0xdead;
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id2);
    ok(hr == DISP_E_UNKNOWNNAME && id2 == DISPID_UNKNOWN,
       NAME("GetIDsOfNames of an unknown name gives DISP_E_UNKNOWNNAME and DISPID_UNKNOWN"),
       "hr %08lx, id %ld", (unsigned long)hr, (long)id2);
    names[0] = (OLECHAR *)L"Publish";
    hr = IDispatch_GetIDsOfNames(disp, &IID_nothing, names, 1, LOCALE_USER_DEFAULT, &id2);
    ok(hr == DISP_E_UNKNOWNINTERFACE,
       NAME("GetIDsOfNames with riid not IID_NULL gives DISP_E_UNKNOWNINTERFACE"), "hr %08lx",
       (unsigned long)hr);

    VariantInit(&result);
    hr = IDispatch_Invoke(disp, 0x4242, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD,
                          &params, &result, &excep, &arg_err);
    ok(hr == DISP_E_MEMBERNOTFOUND, NAME("Invoke of an unknown DISPID gives DISP_E_MEMBERNOTFOUND"),
       "hr %08lx", (unsigned long)hr);
    VariantClear(&result);

    /* A well-formed property put (one argument named DISPID_PROPERTYPUT),
     * on a method. */
    {
        DISPID put = DISPID_PROPERTYPUT;
        DISPPARAMS put_params = { args, &put, 1, 1 };

        V_VT(&args[0]) = VT_I4;
        V_I4(&args[0]) = 0;
        hr = IDispatch_Invoke(disp, DISPID_PUBLISH, &IID_NULL, LOCALE_USER_DEFAULT,
                              DISPATCH_PROPERTYPUT, &put_params, NULL, &excep, &arg_err);
        ok(hr == DISP_E_MEMBERNOTFOUND,
           NAME("Invoke DISPATCH_PROPERTYPUT on Publish gives DISP_E_MEMBERNOTFOUND"), "hr %08lx",
           (unsigned long)hr);
    }
    {
        DISPPARAMS two = { args, NULL, 2, 0 };

        V_VT(&args[0]) = VT_I4;
        V_I4(&args[0]) = 1;
        V_VT(&args[1]) = VT_I4;
        V_I4(&args[1]) = 2;
        VariantInit(&result);
        hr = IDispatch_Invoke(disp, DISPID_PUBLISH, &IID_NULL, LOCALE_USER_DEFAULT,
                              DISPATCH_METHOD, &two, &result, &excep, &arg_err);
        ok(hr == DISP_E_BADPARAMCOUNT,
           NAME("Invoke Publish with two arguments gives DISP_E_BADPARAMCOUNT"), "hr %08lx",
           (unsigned long)hr);
        VariantClear(&result);
    }
    hr = IDispatch_Invoke(disp, DISPID_PUBLISH, &IID_nothing, LOCALE_USER_DEFAULT,
                          DISPATCH_METHOD, &params, &result, &excep, &arg_err);
    ok(hr == DISP_E_UNKNOWNINTERFACE,
       NAME("Invoke with riid not IID_NULL gives DISP_E_UNKNOWNINTERFACE"), "hr %08lx",
       (unsigned long)hr);
    if (!remote) {
        hr = IDispatch_Invoke(disp, DISPID_PUBLISH, &IID_NULL, LOCALE_USER_DEFAULT,
                              DISPATCH_METHOD, NULL, &result, &excep, &arg_err);
        ok(hr == E_INVALIDARG, NAME("Invoke with NULL DISPPARAMS gives E_INVALIDARG"), "hr %08lx",
           (unsigned long)hr);
    }

    if (publish) {
        /* As VBScript calls "ErrID=oKeySet.Publish()": a method whose value
         * it uses, no arguments. */
        VariantInit(&result);
        memset(&excep, 0, sizeof(excep));
        hr = IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT,
                              DISPATCH_METHOD | DISPATCH_PROPERTYGET, &params, &result, &excep,
                              &arg_err);
        ok(hr == S_OK && V_VT(&result) == VT_I4,
           NAME("Invoke Publish gives S_OK and the ErrID as a VT_I4"), "hr %08lx, vt %u",
           (unsigned long)hr, (unsigned)V_VT(&result));
        ok(V_VT(&result) == VT_I4 && V_I4(&result) == 0, NAME("Invoke Publish gives ErrID 0"),
           "vt %u, value %ld", (unsigned)V_VT(&result),
           V_VT(&result) == VT_I4 ? (long)V_I4(&result) : -1L);
        VariantClear(&result);
    }
#undef NAME
}

static void test_object(IClassFactory *factory)
{
    IPubKeyPublisher *obj = NULL;
    IDispatch *disp = NULL;
    HRESULT hr;

    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IPubKeyPublisher, (void **)&obj);
    ok(hr == S_OK && obj, "CreateInstance IPubKeyPublisher gives S_OK", "hr %08lx",
       (unsigned long)hr);
    if (!obj)
        return;
    test_unknown(obj);
    /* Through the early-bound interface (its IDispatch half: our proxy's or
     * the type library marshaler's) and through IDispatch itself (the
     * standard IDispatch marshaling VBScript's calls take). */
    test_dispatch((IDispatch *)obj, "IPubKeyPublisher", FALSE);
    hr = IPubKeyPublisher_QueryInterface(obj, &IID_IDispatch, (void **)&disp);
    if (SUCCEEDED(hr) && disp) {
        test_dispatch(disp, "IDispatch", TRUE);
        IDispatch_Release(disp);
    } else {
        ok(0, "QueryInterface IDispatch for the IDispatch tests", "hr %08lx", (unsigned long)hr);
    }
    IPubKeyPublisher_Release(obj);
}

/* The Wine or Windows process of empkp.exe, opened for SYNCHRONIZE: 0 when
 * there is not exactly one. */
static HANDLE open_server_process(DWORD *pid)
{
    PROCESSENTRY32W entry;
    HANDLE snap, process = NULL;
    int found = 0;

    *pid = 0;
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE)
        return NULL;
    entry.dwSize = sizeof(entry);
    if (Process32FirstW(snap, &entry)) {
        do {
            if (lstrcmpiW(entry.szExeFile, L"empkp.exe") == 0) {
                found++;
                *pid = entry.th32ProcessID;
            }
        } while (Process32NextW(snap, &entry));
    }
    CloseHandle(snap);
    if (found == 1)
        process = OpenProcess(SYNCHRONIZE, FALSE, *pid);
    return process;
}

static void test_lockserver(void)
{
    IClassFactory *factory = NULL;
    IPubKeyPublisher *obj = NULL;
    HANDLE server;
    DWORD pid, waited;
    HRESULT hr;

    hr = CoGetClassObject(&CLSID_PubKeyPublisher, CLSCTX_LOCAL_SERVER, NULL, &IID_IClassFactory,
                          (void **)&factory);
    ok(hr == S_OK && factory, "CoGetClassObject starts the server", "hr %08lx", (unsigned long)hr);
    if (!factory)
        return;
    hr = IClassFactory_LockServer(factory, TRUE);
    if (hr == E_NOTIMPL) {
        /* Our LockServer never fails: E_NOTIMPL is the client's proxy
         * answering without calling us (Wine's, measured with the trace:
         * no "factory LockServer" line in the server). */
        static const char why[] = "the client's IClassFactory proxy answered E_NOTIMPL "
                                  "without calling the server (Wine's does not forward "
                                  "LockServer), so no lock is held across processes here";

        skip("LockServer(TRUE) across processes gives S_OK", why);
        skip("a locked server is still running 7 s after its last object was released", why);
        skip("LockServer(FALSE) across processes gives S_OK", why);
        skip("the unlocked server ends within 20 s", why);
        /* One object made and released: the server then ends as after any
         * client, not after the 60 s wait for a first one. */
        if (SUCCEEDED(IClassFactory_CreateInstance(factory, NULL, &IID_IPubKeyPublisher,
                                                   (void **)&obj)))
            IPubKeyPublisher_Release(obj);
        IClassFactory_Release(factory);
        return;
    }
    ok(hr == S_OK, "LockServer(TRUE) across processes gives S_OK", "hr %08lx", (unsigned long)hr);
    hr = IClassFactory_CreateInstance(factory, NULL, &IID_IPubKeyPublisher, (void **)&obj);
    ok(hr == S_OK && obj, "CreateInstance on the locked server gives S_OK", "hr %08lx",
       (unsigned long)hr);
    if (obj)
        IPubKeyPublisher_Release(obj);
    server = open_server_process(&pid);
    ok(server != NULL, "one empkp.exe process serves us", "pid %lu", (unsigned long)pid);
    /* Twice the linger time (server_loop.h) after the last object went. */
    Sleep(2 * 3000 + 1000);
    ok(server && WaitForSingleObject(server, 0) == WAIT_TIMEOUT,
       "a locked server is still running 7 s after its last object was released",
       "the process %s", server ? "ended" : "was not found");
    hr = IClassFactory_LockServer(factory, FALSE);
    ok(hr == S_OK, "LockServer(FALSE) across processes gives S_OK", "hr %08lx", (unsigned long)hr);
    IClassFactory_Release(factory);
    waited = GetTickCount();
    ok(server && WaitForSingleObject(server, 20000) == WAIT_OBJECT_0,
       "the unlocked server ends within 20 s", "still running after %lu ms",
       (unsigned long)(GetTickCount() - waited));
    if (server) {
        printf("# the server ended %lu ms after LockServer(FALSE)\n",
               (unsigned long)(GetTickCount() - waited));
        CloseHandle(server);
    }
}

int wmain(int argc, WCHAR **argv)
{
    IClassFactory *factory = NULL;
    const WCHAR *mode = argc == 2 ? argv[1] : L"";
    HRESULT hr;

    if (lstrcmpW(mode, L"inproc") && lstrcmpW(mode, L"local") && lstrcmpW(mode, L"lockserver")) {
        fprintf(stderr, "usage: comcontract inproc|local|lockserver\n");
        return 2;
    }
    OutputDebugStringW(L"comcontract: debug output probe\n");
    remote = lstrcmpW(mode, L"inproc") != 0;
    /* The client's apartment, as the KB's script has one; in process the
     * server's multithreaded one. */
    hr = CoInitializeEx(NULL, remote ? COINIT_APARTMENTTHREADED : COINIT_MULTITHREADED);
    if (FAILED(hr)) {
        printf("not ok CoInitializeEx: hr %08lx\n", (unsigned long)hr);
        return 1;
    }
    if (!lstrcmpW(mode, L"lockserver")) {
        test_lockserver();
    } else {
        if (remote)
            hr = CoGetClassObject(&CLSID_PubKeyPublisher, CLSCTX_LOCAL_SERVER, NULL,
                                  &IID_IClassFactory, (void **)&factory);
        else
            hr = IUnknown_QueryInterface(factory_instance(), &IID_IClassFactory,
                                         (void **)&factory);
        ok(hr == S_OK && factory, "the class factory is reached", "hr %08lx", (unsigned long)hr);
        if (factory) {
            test_factory(factory);
            if (!remote)
                test_locks(factory);
            test_object(factory);
            if (!remote)
                test_refcount(factory);
            IClassFactory_Release(factory);
        }
    }
    CoUninitialize();
    printf("done: %d assertions, %d failed\n", assertions, failures);
    return failures ? 1 : 0;
}
