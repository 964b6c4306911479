/* Publish's fast path: what this process last left consistent.
 *
 * Once a Publish (under the machine-wide mutex) has made or found DATA0
 * equal to the stored key's public blob, the next Publish in the same
 * server process only has to see that DATA0 still holds those bytes: one
 * registry read through a key handle kept open, no mutex, no key container.
 * Why that is enough: everything of ours that replaces the key removes
 * DATA0 first and writes it last (publish.c), so DATA0 equal to the blob we
 * published means nobody of ours has touched the key since.  (A new pair
 * makes its container ready before DATA0 is removed, but that step only
 * creates an empty container or deletes one whose key could not be used
 * already; the key itself is imported after DATA0 is gone.)  What it does
 * not see: a container deleted by hand, behind DATA0's back; that is found
 * by the next server process (this one lives as long as its clients, plus
 * 3 s).  Thread-safe: the COM server calls Publish from many threads. */
#ifndef EMPKP_PUBLISH_CACHE_H
#define EMPKP_PUBLISH_CACHE_H

#include <windows.h>

/* TRUE if DATA0 is byte for byte the blob last remembered. */
BOOL publish_cache_confirms(void);

/* After a successful Publish, under the mutex: DATA0 now holds BLOB. */
void publish_cache_remember(const BYTE *blob, DWORD len);

/* Before Publish looks for itself: forget, so a failed one leaves nothing. */
void publish_cache_forget(void);

#endif
