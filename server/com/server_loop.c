/* Server lifetime for empkp.exe -Embedding; see server_loop.h. */
#include "server_loop.h"

#include "factory.h"
#include "common/keystore.h"
#include "rpcpin.h"
#include "self_identity.h"
#include "trace.h"

static LONG locks;
static LONG ever_locked;
static LONG last_call_tick;
static HANDLE lock_released;   /* auto-reset: signalled when locks drops to 0 */

void server_lock(void)
{
    LONG held = InterlockedIncrement(&locks);

    TRACE(L"server lock -> %ld held", (long)held);
    InterlockedExchange(&ever_locked, 1);
    server_touch();
}

void server_unlock(void)
{
    LONG held;

    server_touch();
    held = InterlockedDecrement(&locks);
    TRACE(L"server unlock -> %ld held", (long)held);
    if (held == 0 && lock_released)
        SetEvent(lock_released);
}

LONG server_lock_count(void)
{
    return InterlockedCompareExchange(&locks, 0, 0);
}

void server_touch(void)
{
    InterlockedExchange(&last_call_tick, (LONG)GetTickCount());
}

static DWORD ms_since(LONG tick)
{
    /* Unsigned arithmetic survives the 49.7-day wrap of GetTickCount. */
    return GetTickCount() - (DWORD)tick;
}

/* Decides, once a second or when a lock is released, whether to stop: the
 * reason (for the trace), or NULL to go on. */
static const WCHAR *stop_reason(DWORD started)
{
    LONG held = InterlockedCompareExchange(&locks, 0, 0);
    DWORD quiet = ms_since(InterlockedCompareExchange(&last_call_tick, 0, 0));

    if (held > 0)
        return quiet >= SERVER_IDLE_TIMEOUT_MS ? L"idle timeout with locks held" : NULL;
    if (InterlockedCompareExchange(&ever_locked, 0, 0))
        return quiet >= SERVER_LINGER_MS ? L"last lock released" : NULL;
    return GetTickCount() - started >= SERVER_STARTUP_TIMEOUT_MS ? L"no client since start" : NULL;
}

/* Whether our class is still registered: HKLM\SOFTWARE\Classes\CLSID\{clsid}
 * \LocalServer32 exists.  /unregserver removes it, and so does every
 * uninstall and upgrade (install.cmd, the MSI) before it replaces the files:
 * a server that sees it gone stops taking activations and ends once its
 * clients are done, instead of holding the files it is replaced by.  Only
 * SYSTEM and Administrators can write that key, so nobody else can stop the
 * server this way.  Anything but "not found" counts as registered. */
static BOOL still_registered(void)
{
    WCHAR path[96] = L"SOFTWARE\\Classes\\CLSID\\";
    size_t len = wcslen(path);
    HKEY key;
    LONG err;

    if (StringFromGUID2(identity_clsid(self_identity()), path + len,
                        (int)(ARRAYSIZE(path) - len)) == 0)
        return TRUE;
    len = wcslen(path);
    if (len + ARRAYSIZE(L"\\LocalServer32") > ARRAYSIZE(path))
        return TRUE;
    lstrcpyW(path + len, L"\\LocalServer32");
    err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, KEY_QUERY_VALUE, &key);
    if (err == ERROR_SUCCESS)
        RegCloseKey(key);
    return err != ERROR_FILE_NOT_FOUND;
}

/* The shutdown watchdog: once armed, it ends the process unless disarmed
 * within SERVER_SHUTDOWN_GRACE_MS.  Revoking the class object and
 * CoUninitialize have both been seen to hang in Wine's RPC code (see
 * rpcpin.h); once we are leaving, nothing is left to lose by ending. */
static HANDLE watchdog_disarmed;

static DWORD WINAPI shutdown_watchdog(void *event)
{
    if (WaitForSingleObject(event, SERVER_SHUTDOWN_GRACE_MS) == WAIT_TIMEOUT) {
        TRACE(L"server shutdown stalled: the watchdog ends the process");
        ExitProcess(0);
    }
    CloseHandle(event);
    return 0;
}

static void watchdog_arm(void)
{
    HANDLE thread;

    watchdog_disarmed = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!watchdog_disarmed)
        return;
    thread = CreateThread(NULL, 0, shutdown_watchdog, watchdog_disarmed, 0, NULL);
    if (thread)
        CloseHandle(thread);
}

static void watchdog_disarm(void)
{
    /* The watchdog thread closes the event once it has seen it. */
    if (watchdog_disarmed)
        SetEvent(watchdog_disarmed);
    watchdog_disarmed = NULL;
}

static void pump_messages_briefly(void)
{
    MSG msg;
    DWORD start = GetTickCount();

    /* Lets in-flight COM/RPC work that posted window messages finish before
     * COM is torn down; bounded, so a stream of messages cannot stall us. */
    while (GetTickCount() - start < 100) {
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        Sleep(10);
    }
}

DWORD server_run(void)
{
    DWORD cookie = 0, started = GetTickCount();
    BOOL unregistered = FALSE;
    const WCHAR *reason = NULL;
    HRESULT hr;

    lock_released = CreateEventW(NULL, FALSE, FALSE, NULL);
    if (!lock_released)
        return GetLastError();
    server_touch();

    /* Multithreaded: calls arrive on RPC threads, so a slow key generation
     * for one client does not block another client's activation. */
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(hr))
        return (DWORD)hr;
    rpcpin_hold();
    /* The class of the identity this program's file name gives it
     * (identity.h): ExchKP.exe serves ExchKP.PubKeyPublisher's CLSID. */
    hr = CoRegisterClassObject(identity_clsid(self_identity()), factory_instance(),
                               CLSCTX_LOCAL_SERVER, REGCLS_MULTIPLEUSE, &cookie);
    if (trace_enabled()) {
        WCHAR clsid[40];

        TRACE(L"server CoRegisterClassObject(%ls) -> 0x%08lx, cookie %lu",
              trace_iid(identity_clsid(self_identity()), clsid, ARRAYSIZE(clsid)),
              (unsigned long)hr, (unsigned long)cookie);
    }
    if (FAILED(hr)) {
        CoUninitialize();
        return (DWORD)hr;
    }
    /* After registering, so that activation does not wait for it. */
    keystore_hold_provider();

    for (;;) {
        DWORD woke = WaitForSingleObject(lock_released, 1000);

        if (!unregistered)
            unregistered = !still_registered();
        reason = stop_reason(started);
        TRACE(L"server wake (%ls): %ld locks held, class %ls%ls%ls",
              woke == WAIT_OBJECT_0 ? L"a lock released" : L"1 s tick",
              (long)InterlockedCompareExchange(&locks, 0, 0),
              unregistered ? L"unregistered" : L"registered",
              reason ? L", stopping: " : L"", reason ? reason : L"");
        /* Unregistered: revoke at once, and end as soon as no lock is held
         * (no linger: nobody can activate us any more), calls in flight
         * (a Publish) finishing first. */
        if (!reason &&
            !(unregistered && (cookie || InterlockedCompareExchange(&locks, 0, 0) == 0)))
            continue;
        if (!reason)
            reason = L"class unregistered";
        /* Stop taking new activations first; a client that got the class
         * object just before may still create an object, which we then
         * serve until it is released too (COM starts a new server for
         * anyone else). */
        watchdog_arm();
        if (cookie) {
            CoRevokeClassObject(cookie);
            cookie = 0;
            if (InterlockedCompareExchange(&locks, 0, 0) > 0) {
                TRACE(L"server revoked the class (%ls); serving the objects still held", reason);
                watchdog_disarm();
                continue;
            }
        }
        break;
    }
    TRACE(L"server exits (%ls)", reason);

    /* Still armed: the rest of the shutdown is bounded too. */
    pump_messages_briefly();
    keystore_release_provider();
    rpcpin_release();
    CoUninitialize();
    CloseHandle(lock_released);
    return ERROR_SUCCESS;
}
