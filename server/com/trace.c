/* The opt-in trace; see trace.h. */
#include "trace.h"

#include <objbase.h>
#include <stdarg.h>
#include <stdio.h>

#include "empkp.h"

/* 0: not read yet, 1: off, 2: on. */
static LONG state;

void trace_init(void)
{
    WCHAR value[8];
    DWORD len = GetEnvironmentVariableW(L"EMPKP_TRACE", value, ARRAYSIZE(value));
    BOOL on = len == 1 && value[0] == L'1';

    InterlockedExchange(&state, on ? 2 : 1);
}

BOOL trace_enabled(void)
{
    LONG s = InterlockedCompareExchange(&state, 0, 0);

    if (s == 0) {
        trace_init();
        s = InterlockedCompareExchange(&state, 0, 0);
    }
    return s == 2;
}

void trace_write(const WCHAR *fmt, ...)
{
    WCHAR line[TRACE_LINE_MAX + 2];   /* + "\n" and the terminator */
    size_t cap = TRACE_LINE_MAX;      /* characters before the "\n" */
    int len, n;
    va_list ap;

    len = _snwprintf(line, cap, L"empkp[%lu]: ", (unsigned long)GetCurrentProcessId());
    if (len < 0 || (size_t)len >= cap)
        return;
    va_start(ap, fmt);
    n = _vsnwprintf(line + len, cap - (size_t)len, fmt, ap);
    va_end(ap);
    /* _vsnwprintf neither terminates nor says how much on truncation. */
    if (n < 0 || (size_t)n >= cap - (size_t)len)
        len = (int)cap;
    else
        len += n;
    line[len] = L'\n';
    line[len + 1] = 0;
    OutputDebugStringW(line);
}

const WCHAR *trace_iid(REFIID riid, WCHAR *buf, int size)
{
    static const struct { const IID *iid; const WCHAR *name; } known[] = {
        { &IID_IUnknown, L"IUnknown" },
        { &IID_IDispatch, L"IDispatch" },
        { &IID_IPubKeyPublisher, L"IPubKeyPublisher" },
        { &IID_IClassFactory, L"IClassFactory" },
        { &IID_IMarshal, L"IMarshal" },
        { &IID_NULL, L"IID_NULL" },
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(known); i++)
        if (IsEqualIID(riid, known[i].iid))
            return known[i].name;
    if (size < 40 || StringFromGUID2(riid, buf, size) == 0)
        return L"(iid)";
    return buf;
}
