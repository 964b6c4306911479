/* /diagnose's live test: what the KB's script does, CreateObject(ProgID)
 * and Publish(), through IDispatch out of process, on a worker thread with
 * a deadline, so that a server that never answers cannot hang /diagnose. */
#ifndef EMPKP_DIAGNOSE_COM_H
#define EMPKP_DIAGNOSE_COM_H

#include <windows.h>

/* How long /diagnose waits for COM to create the object and Publish() to
 * return: longer than a cold start of a healthy server (about 1 s, 3 s when
 * a previous server is on its way out), shorter than any script timeout. */
#define DIAGNOSE_COM_TIMEOUT_MS  (60u * 1000u)

struct diagnose_com_result {
    BOOL timed_out;     /* nothing below is set */
    HRESULT create_hr;  /* CLSIDFromProgID, then CoCreateInstance */
    DWORD create_ms;
    BOOL called;        /* Publish() was invoked */
    HRESULT call_hr;    /* GetIDsOfNames / Invoke */
    LONG err_id;        /* Publish's ErrID, when call_hr succeeded */
};

/* Creates progid with CLSCTX_LOCAL_SERVER, calls Publish() only if
 * call_publish, releases it.  COM is initialized on the worker thread. */
void diagnose_com(const WCHAR *progid, BOOL call_publish, struct diagnose_com_result *out);

#endif
