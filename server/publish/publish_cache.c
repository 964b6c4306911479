/* See publish_cache.h. */
#include "publish_cache.h"

#include <stdlib.h>
#include <string.h>

#include "common/exmpls.h"
#include "common/publish_plan.h"

static struct {
    CRITICAL_SECTION lock;
    BYTE *blob;     /* what DATA0 held after the last successful Publish */
    DWORD len;
    BYTE *buf;      /* len + 1 bytes: a longer DATA0 shows as ERROR_MORE_DATA */
    HKEY key;       /* ExMPLS, opened for reading on first use */
} cache;

/* InitOnceExecuteOnce is Vista's; this runs on Windows 2000. */
static void lock(void)
{
    static volatile LONG state;  /* 0 new, 1 initialising, 2 ready */

    if (state != 2) {
        if (InterlockedCompareExchange(&state, 1, 0) == 0) {
            InitializeCriticalSection(&cache.lock);
            InterlockedExchange(&state, 2);
        } else {
            while (state != 2)
                Sleep(0);
        }
    }
    EnterCriticalSection(&cache.lock);
}

static void forget_locked(void)
{
    free(cache.blob);
    free(cache.buf);
    cache.blob = cache.buf = NULL;
    cache.len = 0;
}

BOOL publish_cache_confirms(void)
{
    BOOL same = FALSE, is_binary;
    DWORD size;

    lock();
    if (cache.blob) {
        size = cache.len + 1;
        /* Any failure (value gone, key deleted, access) means "look properly". */
        if (exmpls_read_data0_fast(&cache.key, cache.buf, &size, &is_binary) == ERROR_SUCCESS)
            same = data0_state_of(TRUE, is_binary, cache.buf, size, cache.blob, cache.len) ==
                   DATA0_MATCHES;
    }
    LeaveCriticalSection(&cache.lock);
    return same;
}

void publish_cache_remember(const BYTE *blob, DWORD len)
{
    lock();
    forget_locked();
    cache.blob = malloc(len ? len : 1);
    cache.buf = malloc(len + 1);
    if (cache.blob && cache.buf) {
        memcpy(cache.blob, blob, len);
        cache.len = len;
    } else {
        forget_locked();  /* no memory: no fast path, nothing else lost */
    }
    LeaveCriticalSection(&cache.lock);
}

void publish_cache_forget(void)
{
    lock();
    forget_locked();
    LeaveCriticalSection(&cache.lock);
}
