/* Fault points: places in Publish where a test build can make empkp fail
 * on purpose, to prove that a crash or a refused write at any step leaves a
 * state the next Publish repairs.  They exist only when compiled with
 * -DEMPKP_FAULT_POINTS (build/<arch>/tests/empkp-faults.exe); the shipped
 * empkp.exe has none, and reads no environment for them.
 *
 * EMPKP_FAULT=<name> in the environment selects one:
 *   FAULT_CRASH(name)  ends the process at once (exit code FAULT_EXIT_CODE),
 *                      as a power cut or a kill would;
 *   FAULT_DENY(name)   is true, so the caller fails that step with
 *                      ERROR_ACCESS_DENIED, as a tightened DACL would. */
#ifndef EMPKP_FAULTPOINT_H
#define EMPKP_FAULTPOINT_H

#define FAULT_EXIT_CODE 0xFA

#ifdef EMPKP_FAULT_POINTS
#include <windows.h>

static inline BOOL fault_selected(const WCHAR *name)
{
    WCHAR want[64];
    DWORD len = GetEnvironmentVariableW(L"EMPKP_FAULT", want, ARRAYSIZE(want));

    return len > 0 && len < ARRAYSIZE(want) && !lstrcmpW(want, name);
}
#define FAULT_CRASH(name) \
    do { if (fault_selected(L##name)) TerminateProcess(GetCurrentProcess(), FAULT_EXIT_CODE); } while (0)
#define FAULT_DENY(name) fault_selected(L##name)
#else
#define FAULT_CRASH(name) do { } while (0)
#define FAULT_DENY(name) 0
#endif

#endif
