/* See diagnose_com.h. */
#include "diagnose_com.h"

#include <oleauto.h>
#include <stdlib.h>

/* Shared by the caller and the worker; the last one out frees it, so a
 * worker that outlives the deadline still writes to valid memory. */
struct com_job {
    LONG refs;
    WCHAR progid[64];
    BOOL call_publish;
    struct diagnose_com_result result;
};

static void job_release(struct com_job *job)
{
    if (InterlockedDecrement(&job->refs) == 0)
        free(job);
}

static void call_publish(IDispatch *disp, struct diagnose_com_result *r)
{
    OLECHAR *name = (OLECHAR *)L"Publish";
    DISPPARAMS no_args = { NULL, NULL, 0, 0 };
    EXCEPINFO excep;
    VARIANT ret;
    DISPID id;

    r->called = TRUE;
    VariantInit(&ret);
    memset(&excep, 0, sizeof(excep));
    /* Late bound, as VBScript's "ErrID=oKeySet.Publish()" is. */
    r->call_hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
    if (SUCCEEDED(r->call_hr))
        r->call_hr = IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD,
                                      &no_args, &ret, &excep, NULL);
    if (SUCCEEDED(r->call_hr))
        r->call_hr = VariantChangeType(&ret, &ret, 0, VT_I4);
    if (SUCCEEDED(r->call_hr))
        r->err_id = V_I4(&ret);
    VariantClear(&ret);
    SysFreeString(excep.bstrSource);
    SysFreeString(excep.bstrDescription);
    SysFreeString(excep.bstrHelpFile);
}

static DWORD WINAPI worker(void *arg)
{
    struct com_job *job = arg;
    struct diagnose_com_result *r = &job->result;
    IDispatch *disp = NULL;
    DWORD start;
    CLSID clsid;

    r->create_hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (SUCCEEDED(r->create_hr)) {
        start = GetTickCount();
        r->create_hr = CLSIDFromProgID(job->progid, &clsid);
        if (SUCCEEDED(r->create_hr))
            r->create_hr = CoCreateInstance(&clsid, NULL, CLSCTX_LOCAL_SERVER, &IID_IDispatch,
                                            (void **)&disp);
        r->create_ms = GetTickCount() - start;
        if (SUCCEEDED(r->create_hr) && job->call_publish)
            call_publish(disp, r);
        if (disp)
            IDispatch_Release(disp);
        CoUninitialize();
    }
    job_release(job);
    return 0;
}

void diagnose_com(const WCHAR *progid, BOOL call, struct diagnose_com_result *out)
{
    struct com_job *job = calloc(1, sizeof(*job));
    HANDLE thread;

    memset(out, 0, sizeof(*out));
    if (!job) {
        out->create_hr = E_OUTOFMEMORY;
        return;
    }
    job->refs = 2;
    lstrcpynW(job->progid, progid, ARRAYSIZE(job->progid));
    job->call_publish = call;
    thread = CreateThread(NULL, 0, worker, job, 0, NULL);
    if (!thread) {
        out->create_hr = HRESULT_FROM_WIN32(GetLastError());
        free(job);
        return;
    }
    if (WaitForSingleObject(thread, DIAGNOSE_COM_TIMEOUT_MS) == WAIT_OBJECT_0)
        *out = job->result;   /* the worker has ended: every write is done */
    else
        out->timed_out = TRUE;
    CloseHandle(thread);
    job_release(job);
}
