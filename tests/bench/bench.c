/* bench.exe: the Windows half of "make bench" (tests/bench/bench.sh runs it
 * under Wine and adds the machine, the cold path and the binary sizes).
 * Prints table rows; never fails on a slow figure, only when it could not
 * measure at all (exit 2).
 *
 *   bench keygen N        RSA-2048 keygen, N runs each, interleaved in this
 *                         process: our OpenSSL path (keyblob_generate) vs
 *                         CryptGenKey(PROV_RSA_FULL, AT_KEYEXCHANGE, 2048<<16)
 *   bench calls NF NP H   against one running empkp.exe (activated first):
 *                         NF no-op calls (IDispatch::GetTypeInfoCount, a real
 *                         round trip through the same proxy that does nothing)
 *                         and NP Publish calls in steady state, DATA0 read
 *                         around each; then the server's peak working set;
 *                         then holds the object H ms (bench.sh reads VmHWM of
 *                         the Wine process meanwhile)
 *   bench first N         N times: remove DATA0 and the key container, then
 *                         time one Publish against a running server: the
 *                         first Publish on an empty machine
 *
 * Times come from QueryPerformanceCounter.  Keygen spread is 5-10x between
 * runs (random prime search), so only medians of many runs are compared, and
 * only within one run of this program.  Every median comes with its 95%
 * interval and every ratio of medians too (a bootstrap over the runs,
 * benchstats.c); a "target:" line says "met" only when the whole interval
 * is under the target, "NOT met" when it is all over, else "undecided". */
#include <windows.h>
#include <wincrypt.h>
#include <psapi.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchstats.h"
#include "empkp.h"
#include "crypto/keyblob.h"
#include "common/keystore.h"
#include "common/exmpls.h"
#include "common/publish_lock.h"

#define TYPELIB_MARSHALER L"{00020424-0000-0000-C000-000000000046}"

static LARGE_INTEGER g_freq;

static double now_ms(void)
{
    LARGE_INTEGER t;

    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1000.0 / (double)g_freq.QuadPart;
}

/* One table row: label, n, min / median / max in ms, and the median's 95%
 * interval.  Sorts v; returns the median. */
static double row(const char *label, double *v, int n)
{
    double med = benchstats_median(v, n), lo = 0, hi = 0;

    if (benchstats_median_ci(v, n, BENCHSTATS_RESAMPLES, 1, &lo, &hi) != 0)
        lo = hi = 0;
    printf("%-56s %5d %10.3f %10.3f %10.3f %10.3f %10.3f\n", label, n, v[0], med, v[n - 1],
           lo, hi);
    return med;
}

/* A ratio's line and its target's verdict:
 *   "  ratio of medians WHAT: R, 95% interval LO-HI"
 *   "  target: WHAT <= T: met" (or "NOT met", "undecided")
 * [lo, hi] from benchstats; rc its return code (no interval: undecided). */
static void ratio_lines(const char *what, double ratio, int rc, double lo, double hi,
                        double target)
{
    if (rc != 0) {
        printf("  ratio of medians %s: %.2f (no interval: bootstrap failed)\n", what, ratio);
        printf("  target: %s <= %.1f: undecided (no interval)\n", what, target);
        return;
    }
    printf("  ratio of medians %s: %.2f, 95%% interval %.2f-%.2f\n", what, ratio, lo, hi);
    printf("  target: %s <= %.1f: %s\n", what, target,
           benchstats_verdict_name(benchstats_verdict(lo, hi, target)));
}

static void *xcalloc(int n)
{
    void *p = calloc((size_t)n, sizeof(double));

    if (!p) {
        printf("bench: out of memory\n");
        exit(2);
    }
    return p;
}

/* ---- keygen ------------------------------------------------------------- */

static int bench_keygen(int runs)
{
    double *ossl = xcalloc(runs), *capi = xcalloc(runs), t0, mo, mc, lo = 0, hi = 0;
    HCRYPTPROV prov = 0;
    int i, k, rc;

    /* An ephemeral context: CryptGenKey's cost without touching any
     * machine key set.  The Enhanced provider, as the key store uses. */
    if (!CryptAcquireContextW(&prov, NULL, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                              CRYPT_VERIFYCONTEXT)) {
        printf("bench: CryptAcquireContext failed: 0x%08lx\n", (unsigned long)GetLastError());
        return 2;
    }
    /* Interleaved, alternating which goes first, so that drift in the
     * machine's load (other builds run here too) hits both alike. */
    for (i = 0; i < runs; i++) {
        for (k = 0; k < 2; k++) {
            if ((i + k) % 2 == 0) {
                EVP_PKEY *key = NULL;
                t0 = now_ms();
                if (keyblob_generate(2048, &key) != KEYBLOB_OK) {
                    printf("bench: keyblob_generate failed\n");
                    return 2;
                }
                ossl[i] = now_ms() - t0;
                EVP_PKEY_free(key);
            } else {
                HCRYPTKEY key = 0;
                t0 = now_ms();
                if (!CryptGenKey(prov, AT_KEYEXCHANGE, 2048u << 16, &key)) {
                    printf("bench: CryptGenKey failed: 0x%08lx\n", (unsigned long)GetLastError());
                    return 2;
                }
                capi[i] = now_ms() - t0;
                CryptDestroyKey(key);
            }
        }
    }
    CryptReleaseContext(prov, 0);
    mo = row("RSA-2048 keygen, OpenSSL (keyblob_generate)", ossl, runs);
    mc = row("RSA-2048 keygen, CryptGenKey (Enhanced CSP)", capi, runs);
    rc = benchstats_ratio_ci(ossl, runs, capi, runs, BENCHSTATS_RESAMPLES, 2, &lo, &hi);
    ratio_lines("keygen OpenSSL / CryptGenKey", mo / mc, rc, lo, hi, 1.0);
    free(ossl);
    free(capi);
    return 0;
}

/* ---- the server ----------------------------------------------------------- */

static IPubKeyPublisher *activate(void)
{
    IPubKeyPublisher *p = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_PubKeyPublisher, NULL, CLSCTX_LOCAL_SERVER,
                                  &IID_IPubKeyPublisher, (void **)&p);

    if (FAILED(hr)) {
        printf("bench: CoCreateInstance failed: 0x%08lx\n", (unsigned long)hr);
        return NULL;
    }
    return p;
}

/* Which marshaler serves the interface: the last writer of
 * Interface\{IID}\ProxyStubClsid32 (README, "marshaling"). */
static const char *marshaler(void)
{
    WCHAR iid[39], key[80], value[64];
    LONG size = sizeof(value);

    /* The IID as widl defines it (empkp_i.c), as the registry spells it. */
    if (!StringFromGUID2(&IID_IPubKeyPublisher, iid, ARRAYSIZE(iid)))
        return "unknown marshaler";
    _snwprintf(key, ARRAYSIZE(key), L"Interface\\%ls\\ProxyStubClsid32", iid);
    key[ARRAYSIZE(key) - 1] = 0;
    if (RegQueryValueW(HKEY_CLASSES_ROOT, key, value, &size) != ERROR_SUCCESS)
        return "unknown marshaler";
    if (lstrcmpiW(value, TYPELIB_MARSHALER) == 0)
        return "type library marshaler";
    if (lstrcmpiW(value, iid) == 0)
        return "empkpps.dll";
    return "other marshaler";
}

/* DATA0 as the registry holds it (64-bit view); returns its length, 0 if
 * there is none. */
static DWORD read_data0(BYTE *buf, DWORD size)
{
    HKEY key;
    DWORD type = 0;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY,
                      &key) != ERROR_SUCCESS)
        return 0;
    if (RegQueryValueExW(key, L"DATA0", NULL, &type, buf, &size) != ERROR_SUCCESS
        || type != REG_BINARY)
        size = 0;
    RegCloseKey(key);
    return size;
}

/* The Windows id of the running empkp.exe, 0 if none or more than one. */
static DWORD server_pid(void)
{
    PROCESSENTRY32W pe;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    DWORD pid = 0;
    int found = 0;

    if (snap == INVALID_HANDLE_VALUE)
        return 0;
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
    return found == 1 ? pid : 0;
}

static int bench_calls(int nfloor, int npublish, DWORD hold_ms)
{
    static BYTE before[8192], after[8192];
    double *floor_ms = xcalloc(nfloor), *pub_ms = xcalloc(npublish), t0, mf, mp, lo = 0, hi = 0;
    IPubKeyPublisher *p;
    PROCESS_MEMORY_COUNTERS pmc;
    DWORD before_len, after_len, pid;
    HANDLE proc;
    int i, changed = 0, failed = 0, rc;
    UINT count;
    LONG err_id;
    char label[96], what[96];

    if (!(p = activate()))
        return 2;
    /* Warm up: the first calls set up the proxy and the server's state. */
    for (i = 0; i < 20; i++)
        IPubKeyPublisher_GetTypeInfoCount(p, &count);
    IPubKeyPublisher_Publish(p, &err_id);

    /* Interleaved, so that both see the same load on a shared machine. */
    for (i = 0; i < nfloor || i < npublish; i++) {
        if (i < nfloor) {
            t0 = now_ms();
            if (FAILED(IPubKeyPublisher_GetTypeInfoCount(p, &count)))
                failed++;
            floor_ms[i] = now_ms() - t0;
        }
        if (i >= npublish)
            continue;
        before_len = read_data0(before, sizeof(before));
        t0 = now_ms();
        if (FAILED(IPubKeyPublisher_Publish(p, &err_id)) || err_id != 0)
            failed++;
        pub_ms[i] = now_ms() - t0;
        after_len = read_data0(after, sizeof(after));
        if (before_len != after_len || memcmp(before, after, after_len) != 0)
            changed++;
    }

    printf("cross-process calls through the %s:\n", marshaler());
    snprintf(label, sizeof(label), "  floor: IDispatch::GetTypeInfoCount");
    mf = row(label, floor_ms, nfloor);
    snprintf(label, sizeof(label), "  Publish, steady state (server running)");
    mp = row(label, pub_ms, npublish);
    rc = benchstats_ratio_ci(pub_ms, npublish, floor_ms, nfloor, BENCHSTATS_RESAMPLES, 3, &lo, &hi);
    snprintf(what, sizeof(what), "steady Publish / floor (%s)", marshaler());
    ratio_lines(what, mp / mf, rc, lo, hi, 1.2);
    if (changed)
        printf("  (Publish not yet idempotent)\n");
    printf("  server-side time of Publish (median Publish - median floor): %.3f ms\n", mp - mf);
    printf("  DATA0 changed in %d of %d Publish calls\n", changed, npublish);
    if (failed)
        printf("  WARNING: %d calls failed or returned ErrID != 0\n", failed);

    /* Peak working set of the server: its own process, so psapi's
     * GetProcessMemoryInfo through OpenProcess (works the same on Windows;
     * under Wine the wineserver answers from the Unix process). */
    pid = server_pid();
    proc = pid ? OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid) : NULL;
    memset(&pmc, 0, sizeof(pmc));
    pmc.cb = sizeof(pmc);
    if (proc && GetProcessMemoryInfo(proc, &pmc, sizeof(pmc)))
        printf("  empkp.exe (pid %lu) after %d Publish calls: peak working set %.1f MB, "
               "working set %.1f MB, peak pagefile %.1f MB (psapi)\n",
               (unsigned long)pid, npublish + 1, pmc.PeakWorkingSetSize / 1048576.0,
               pmc.WorkingSetSize / 1048576.0, pmc.PeakPagefileUsage / 1048576.0);
    else
        printf("  empkp.exe peak working set: not measured (pid %lu, error %lu)\n",
               (unsigned long)pid, (unsigned long)GetLastError());
    if (proc)
        CloseHandle(proc);
    if (hold_ms) {
        /* bench.sh waits for this line, then reads VmHWM under /proc. */
        printf("HOLD %lu\n", (unsigned long)pid);
        fflush(stdout);
        Sleep(hold_ms);
    }
    IPubKeyPublisher_Release(p);
    free(floor_ms);
    free(pub_ms);
    return failed ? 2 : 0;
}

/* Back to an empty machine: no DATA0, no key container. */
static void make_empty(void)
{
    HCRYPTPROV prov;
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, EXMPLS_KEY, 0, KEY_SET_VALUE | KEY_WOW64_64KEY,
                      &key) == ERROR_SUCCESS) {
        RegDeleteValueW(key, L"DATA0");
        RegCloseKey(key);
    }
    /* The stored key too, so that Publish really makes a new pair. */
    CryptAcquireContextW(&prov, KEYSTORE_CONTAINER, KEYSTORE_PROVIDER, KEYSTORE_PROV_TYPE,
                         KEYSTORE_FLAGS | CRYPT_DELETEKEYSET);
}

/* What a first Publish does after keyblob_generate (publish.c's
 * new_key_pair), in this process: encode, remove the old values, store the
 * key (which exports its public half), write DATA0.  Timed apart from key generation, whose
 * random spread would otherwise hide it.  0 on success. */
static int store_steps(EVP_PKEY *key)
{
    unsigned char *private_blob = NULL;
    size_t private_len = 0;
    BYTE *public_blob = NULL;
    DWORD public_len, err = 1;

    if (keyblob_encode_private(key, &private_blob, &private_len) != KEYBLOB_OK)
        return 1;
    if (exmpls_delete_values() == 0)
        err = keystore_replace(private_blob, (DWORD)private_len, FALSE, &public_blob, &public_len);
    keyblob_free_secret(private_blob, private_len);
    if (err == 0)
        err = exmpls_write_data0(public_blob, public_len);
    free(public_blob);
    return err != 0;
}

static int bench_first(int runs)
{
    static BYTE data0[8192];
    double *first = xcalloc(runs), *bare = xcalloc(runs), *store = xcalloc(runs), t0, mf, mb, ms;
    double lo = 0, hi = 0;
    IPubKeyPublisher *p;
    EVP_PKEY *key;
    UINT count;
    LONG err_id;
    int i, failed = 0, rc;

    if (!(p = activate()))
        return 2;
    IPubKeyPublisher_GetTypeInfoCount(p, &count);
    /* store_steps below runs here, so keep the CSP loaded as the server does. */
    keystore_hold_provider();
    for (i = 0; i < runs; i++) {
        make_empty();
        if (read_data0(data0, sizeof(data0)) != 0) {
            printf("bench: DATA0 could not be removed\n");
            return 2;
        }
        t0 = now_ms();
        if (FAILED(IPubKeyPublisher_Publish(p, &err_id)) || err_id != 0)
            failed++;
        first[i] = now_ms() - t0;
        if (read_data0(data0, sizeof(data0)) == 0)
            failed++;
        /* Bare key generation, interleaved: the same OpenSSL code the
         * server runs, without COM, the registry or the key store. */
        key = NULL;
        t0 = now_ms();
        if (keyblob_generate(2048, &key) != KEYBLOB_OK)
            failed++;
        bare[i] = now_ms() - t0;
        make_empty();
        t0 = now_ms();
        if (!key || store_steps(key))
            failed++;
        store[i] = now_ms() - t0;
        EVP_PKEY_free(key);
    }
    IPubKeyPublisher_Release(p);
    keystore_release_provider();
    mf = row("first Publish on an empty machine (no DATA0, no key)", first, runs);
    mb = row("  bare RSA-2048 keygen, interleaved (this process)", bare, runs);
    rc = benchstats_ratio_ci(first, runs, bare, runs, BENCHSTATS_RESAMPLES, 4, &lo, &hi);
    ratio_lines("first Publish / bare keygen", mf / mb, rc, lo, hi, 1.1);
    ms = row("  its steps after keygen, alone (encode, store, DATA0)", store, runs);
    /* The same ratio without the spread of two sets of keygens: what a first
     * Publish adds to its keygen, over the keygen. */
    if (benchstats_ratio_ci(store, runs, bare, runs, BENCHSTATS_RESAMPLES, 5, &lo, &hi) != 0)
        lo = hi = -1;
    printf("  keygen + those steps, medians: (%.1f + %.1f) / %.1f = %.3f, 95%% interval "
           "%.3f-%.3f\n  (the same ratio without the keygen spread; the call itself not in "
           "it)\n", mb, ms, mb, (mb + ms) / mb, 1 + lo, 1 + hi);
    if (failed)
        printf("  WARNING: %d first Publish calls failed or wrote no DATA0\n", failed);
    free(first);
    free(bare);
    free(store);
    return failed ? 2 : 0;
}

int main(int argc, char **argv)
{
    int rc;

    QueryPerformanceFrequency(&g_freq);
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "keygen") == 0 && atoi(argv[2]) > 0)
        return bench_keygen(atoi(argv[2]));
    if ((argc == 5 && strcmp(argv[1], "calls") == 0 && atoi(argv[2]) > 0 && atoi(argv[3]) > 0)
        || (argc == 3 && strcmp(argv[1], "first") == 0 && atoi(argv[2]) > 0)) {
        if (FAILED(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED))) {
            printf("bench: CoInitializeEx failed\n");
            return 2;
        }
        /* STA, as cscript running MOM's script is. */
        rc = argv[1][0] == 'c' ? bench_calls(atoi(argv[2]), atoi(argv[3]), (DWORD)atoi(argv[4]))
                               : bench_first(atoi(argv[2]));
        CoUninitialize();
        return rc;
    }
    printf("usage: bench keygen N | bench calls NFLOOR NPUBLISH HOLD_MS | bench first N\n");
    return 2;
}
