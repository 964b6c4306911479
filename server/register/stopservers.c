/* empkp /stopservers; see stopservers.h. */
#include "stopservers.h"

#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/console.h"
#include "server/com/identity.h"
#include "server/com/self_identity.h"
#include "common/wintext.h"

#define MAX_SERVERS 64

/* The process ids of the running servers (self excepted), at most max;
 * -1 when the process list cannot be read. */
static int find_servers(DWORD *pids, int max)
{
    PROCESSENTRY32W entry;
    HANDLE snap;
    DWORD self = GetCurrentProcessId();
    int n = 0;
    char *name;

    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE)
        return -1;
    entry.dwSize = sizeof(entry);
    if (Process32FirstW(snap, &entry)) {
        do {
            if (entry.th32ProcessID == self || n >= max)
                continue;
            entry.szExeFile[ARRAYSIZE(entry.szExeFile) - 1] = 0;
            name = utf8_from_wide(entry.szExeFile);
            if (name && identity_is_server_exe(name))
                pids[n++] = entry.th32ProcessID;
            free(name);
        } while (Process32NextW(snap, &entry));
    }
    CloseHandle(snap);
    return n;
}

/* Administrators hold SeDebugPrivilege but not enabled: without it,
 * OpenProcess(PROCESS_TERMINATE) on a server running as another account
 * (MOM's action account) is refused.  LocalSystem has it enabled.  Best
 * effort: without it, end_server reports the access denied. */
static void enable_debug_privilege(void)
{
    TOKEN_PRIVILEGES tp;
    HANDLE token;

    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, &token))
        return;
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    if (LookupPrivilegeValueW(NULL, L"SeDebugPrivilege", &tp.Privileges[0].Luid))
        AdjustTokenPrivileges(token, FALSE, &tp, sizeof(tp), NULL, NULL);
    CloseHandle(token);
}

/* Ends one server and waits for it to be gone; ERROR_SUCCESS when it is
 * (or was already). */
static DWORD end_server(DWORD pid)
{
    HANDLE process;
    DWORD err = ERROR_SUCCESS;

    process = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid);
    if (!process)
        /* ERROR_INVALID_PARAMETER: it ended meanwhile. */
        return GetLastError() == ERROR_INVALID_PARAMETER ? ERROR_SUCCESS : GetLastError();
    if (!TerminateProcess(process, ERROR_TIMEOUT) && WaitForSingleObject(process, 0) != WAIT_OBJECT_0)
        err = GetLastError();
    else if (WaitForSingleObject(process, STOPSERVERS_KILL_WAIT_MS) != WAIT_OBJECT_0)
        err = ERROR_TIMEOUT;
    CloseHandle(process);
    return err;
}

static DWORD report(DWORD err, const char *what, int count)
{
    char msg[512], text[300];

    if (err == ERROR_SUCCESS)
        snprintf(msg, sizeof(msg), "empkp /stopservers: no server is running%s.\n", what);
    else
        snprintf(msg, sizeof(msg), "empkp /stopservers: %d server(s) still running: %s "
                 "(%s); run this as an administrator.\n", count, what,
                 win32_error_text(err, text, sizeof(text)));
    console_write(err != ERROR_SUCCESS, msg);
    return err;
}

DWORD stop_servers(void)
{
    DWORD pids[MAX_SERVERS], start = GetTickCount(), err = ERROR_SUCCESS;
    int n, i, round, ended = 0;

    /* Servers that are unregistered end by themselves within a second of
     * their last call; older ones (no such check) after their linger. */
    for (;;) {
        n = find_servers(pids, MAX_SERVERS);
        if (n < 0)
            return report(GetLastError(), "cannot list the processes", 0);
        if (n == 0)
            return report(ERROR_SUCCESS, "", 0);
        if (GetTickCount() - start >= STOPSERVERS_WAIT_MS)
            break;
        Sleep(200);
    }
    /* Still busy at the bound: end them.  A few rounds, for a server COM
     * started meanwhile for a client (the class may still be registered). */
    enable_debug_privilege();
    for (round = 0; round < 3 && n > 0; round++) {
        for (i = 0; i < n; i++) {
            DWORD e = end_server(pids[i]);
            if (e != ERROR_SUCCESS)
                err = e;
            else
                ended++;
        }
        n = find_servers(pids, MAX_SERVERS);
        if (n < 0)
            return report(GetLastError(), "cannot list the processes", 0);
    }
    if (n == 0)
        return report(ERROR_SUCCESS, ended ? " (ended those still busy after 30 s)" : "", 0);
    return report(err != ERROR_SUCCESS ? err : ERROR_TIMEOUT, "could not end them", n);
}
