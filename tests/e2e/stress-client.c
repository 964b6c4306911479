/* stress-client.exe: the client side of tests/stress.sh (make stress).
 *
 *   stress-client publish N      activate, call Publish N times; every call
 *                                must return S_OK and ErrID 0
 *   stress-client hold FLAG S    activate and keep the object (so the server
 *                                keeps running) until file FLAG exists or S
 *                                seconds passed
 *   stress-client cycles N       N activation/release cycles against the
 *                                server a "hold" keeps running; measures the
 *                                server's handle count and private bytes
 *                                after 10 warm-up cycles and after all N
 *   stress-client keymatch       the key store holds a key pair whose public
 *                                half is DATA0 (issue 3's key store)
 *
 * Prints one line per result; exit code 0 only when the mode's checks hold. */
#include <windows.h>
#include <wincrypt.h>
#include <psapi.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "empkp.h"
#include "keystore.h"
#include "publish.h"

/* Growth allowed over the second half of the cycles: a few handles and one
 * heap segment are the runtimes' own caches settling; beyond that, 256 bytes
 * per cycle, so that even a small allocation leaked per activation fails. */
#define MAX_HANDLE_GROWTH        8
#define PRIVATE_SLACK            (64u * 1024u)
#define MAX_PRIVATE_PER_CYCLE    256u

static IPubKeyPublisher *activate(void)
{
    IPubKeyPublisher *p = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_PubKeyPublisher, NULL, CLSCTX_LOCAL_SERVER,
                                  &IID_IPubKeyPublisher, (void **)&p);

    if (FAILED(hr)) {
        printf("CoCreateInstance failed: 0x%08lx\n", (unsigned long)hr);
        return NULL;
    }
    return p;
}

static int do_publish(int n)
{
    IPubKeyPublisher *p = activate();
    LONG err_id;
    HRESULT hr;
    int i;

    if (!p)
        return 1;
    for (i = 0; i < n; i++) {
        err_id = -1;
        hr = IPubKeyPublisher_Publish(p, &err_id);
        if (FAILED(hr) || err_id != 0) {
            printf("Publish %d of %d: hr 0x%08lx ErrID %ld\n", i + 1, n, (unsigned long)hr,
                   (long)err_id);
            IPubKeyPublisher_Release(p);
            return 1;
        }
    }
    IPubKeyPublisher_Release(p);
    printf("publish: %d calls, all ErrID=0\n", n);
    return 0;
}

static int do_hold(const char *flag, int seconds)
{
    IPubKeyPublisher *p = activate();
    UINT count;
    int i;

    if (!p)
        return 1;
    IPubKeyPublisher_GetTypeInfoCount(p, &count);
    printf("held\n");
    fflush(stdout);
    for (i = 0; i < seconds * 10; i++) {
        if (GetFileAttributesA(flag) != INVALID_FILE_ATTRIBUTES)
            break;
        Sleep(100);
    }
    IPubKeyPublisher_Release(p);
    return 0;
}

/* The one running empkp.exe, opened for queries; NULL if none or several. */
static HANDLE open_server(DWORD *pid_out)
{
    PROCESSENTRY32W pe;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    DWORD pid = 0;
    int found = 0;

    if (snap == INVALID_HANDLE_VALUE)
        return NULL;
    pe.dwSize = sizeof(pe);
    if (Process32FirstW(snap, &pe)) {
        do {
            if (lstrcmpiW(pe.szExeFile, L"empkp.exe") == 0) {
                pid = pe.th32ProcessID;
                found++;
            }
        } while (Process32NextW(snap, &pe));
    }
    CloseHandle(snap);
    *pid_out = pid;
    if (found != 1) {
        printf("found %d empkp.exe processes, want 1\n", found);
        return NULL;
    }
    return OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
}

/* NtQuerySystemInformation(SystemHandleInformation): every handle of every
 * process (Windows 2000 and later; Wine implements it, while its
 * GetProcessHandleCount answers 0 for another process). */
struct handle_entry {
    ULONG owner_pid;
    BYTE object_type;
    BYTE flags;
    USHORT value;
    PVOID object;
    ULONG access;
};
struct handle_info {
    ULONG count;
    struct handle_entry entry[1];
};

static int handle_count(DWORD pid, DWORD *count)
{
    typedef LONG (WINAPI *query_fn)(ULONG, PVOID, ULONG, PULONG);
    query_fn query = (query_fn)(void (*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                               "NtQuerySystemInformation");
    ULONG size = 1u << 16, i, n = 0;
    struct handle_info *info = NULL;
    LONG status;

    if (!query)
        return 0;
    for (;;) {
        free(info);
        if (!(info = malloc(size)))
            return 0;
        status = query(16 /* SystemHandleInformation */, info, size, NULL);
        if (status != (LONG)0xC0000004 /* STATUS_INFO_LENGTH_MISMATCH */ || size >= (1u << 28))
            break;
        size *= 2;
    }
    if (status != 0) {
        free(info);
        return 0;
    }
    for (i = 0; i < info->count; i++)
        if (info->entry[i].owner_pid == pid)
            n++;
    free(info);
    *count = n;
    return 1;
}

/* Handle count and private bytes of the server. */
static int sample(HANDLE proc, DWORD pid, DWORD *handles, SIZE_T *private_bytes)
{
    PROCESS_MEMORY_COUNTERS pmc;

    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (!handle_count(pid, handles) || !GetProcessMemoryInfo(proc, &pmc, sizeof(pmc)))
        return 0;
    *private_bytes = pmc.PagefileUsage;
    return 1;
}

/* One cycle: activate, one call, release.  With g_same set, the call goes
 * to one object kept for all cycles instead: the control that tells growth
 * per activation from growth per call. */
static IPubKeyPublisher *g_same;

static int cycle(void)
{
    IPubKeyPublisher *p = g_same ? g_same : activate();
    UINT count = 0;
    HRESULT hr;

    if (!p)
        return 0;
    hr = IPubKeyPublisher_GetTypeInfoCount(p, &count);
    if (!g_same)
        IPubKeyPublisher_Release(p);
    return SUCCEEDED(hr) && count == 1;
}

/* Samples after 10 warm-up cycles, at half way and at the end: caches in
 * the COM and RPC runtimes fill during the first half; a leak keeps
 * growing through the second. */
static int do_cycles(int n)
{
    DWORD pid = 0, h[3];
    SIZE_T m[3], limit;
    HANDLE proc = open_server(&pid);
    int i, ok = 1, s = 0;

    if (!proc) {
        printf("cycles: no single running server to measure (a hold must run)\n");
        return 1;
    }
    for (i = 0; i < n && ok; i++) {
        if (i == 10 || i == n / 2)
            ok = sample(proc, pid, &h[s], &m[s]), s++;
        ok = ok && cycle();
    }
    ok = ok && s == 2 && sample(proc, pid, &h[2], &m[2]);
    CloseHandle(proc);
    if (!ok) {
        printf("cycles: cycle %d failed (or n < 22, or the server could not be measured)\n", i);
        return 1;
    }
    printf("cycles: %d, server pid %lu: handles %lu -> %lu -> %lu, private bytes %lu -> %lu -> %lu"
           " (after 10, %d, %d cycles)\n", n, (unsigned long)pid, (unsigned long)h[0],
           (unsigned long)h[1], (unsigned long)h[2], (unsigned long)m[0], (unsigned long)m[1],
           (unsigned long)m[2], n / 2, n);
    limit = PRIVATE_SLACK + MAX_PRIVATE_PER_CYCLE * (SIZE_T)(n - n / 2);
    if (h[2] > h[1] + MAX_HANDLE_GROWTH || m[2] > m[1] + limit) {
        printf("cycles: the server grew in the second half: %ld handles, %ld bytes "
               "(%.0f bytes per cycle; limits %d handles, %lu bytes)\n",
               (long)h[2] - (long)h[1], (long)m[2] - (long)m[1],
               ((double)m[2] - (double)m[1]) / (n - n / 2), MAX_HANDLE_GROWTH,
               (unsigned long)limit);
        return 1;
    }
    return 0;
}

static int do_keymatch(void)
{
    static BYTE data0[8192], pub[8192];
    DWORD data0_len = sizeof(data0), pub_len = sizeof(pub), type = 0;
    HCRYPTPROV prov = 0;
    HCRYPTKEY key = 0;
    HKEY hkey;
    int ok;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY,
                      &hkey) != ERROR_SUCCESS
        || RegQueryValueExW(hkey, EXMPLS_DATA0, NULL, &type, data0, &data0_len) != ERROR_SUCCESS
        || type != REG_BINARY) {
        printf("keymatch: DATA0 not readable\n");
        return 1;
    }
    RegCloseKey(hkey);
    if (!CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              KEYSTORE_FLAGS | CRYPT_SILENT)) {
        printf("keymatch: no key container (0x%08lx)\n", (unsigned long)GetLastError());
        return 1;
    }
    ok = CryptGetUserKey(prov, KEYSTORE_KEY_SPEC, &key)
         && CryptExportKey(key, 0, PUBLICKEYBLOB, 0, pub, &pub_len)
         && pub_len == data0_len && memcmp(pub, data0, pub_len) == 0;
    printf("keymatch: the key store's public key %s DATA0\n", ok ? "is" : "is NOT");
    if (key)
        CryptDestroyKey(key);
    CryptReleaseContext(prov, 0);
    return !ok;
}

int main(int argc, char **argv)
{
    int rc = 2;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 2 && strcmp(argv[1], "keymatch") == 0)
        return do_keymatch();
    if (FAILED(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED))) {
        printf("CoInitializeEx failed\n");
        return 2;
    }
    if (argc == 3 && strcmp(argv[1], "publish") == 0)
        rc = do_publish(atoi(argv[2]));
    else if (argc == 4 && strcmp(argv[1], "hold") == 0)
        rc = do_hold(argv[2], atoi(argv[3]));
    else if (argc == 3 && strcmp(argv[1], "cycles") == 0)
        rc = do_cycles(atoi(argv[2]));
    else if (argc == 3 && strcmp(argv[1], "calls") == 0 && (g_same = activate()) != NULL) {
        rc = do_cycles(atoi(argv[2]));
        IPubKeyPublisher_Release(g_same);
    }
    else
        printf("usage: stress-client publish N | hold FLAGFILE SECONDS | cycles N | calls N"
               " | keymatch\n");
    CoUninitialize();
    return rc;
}
