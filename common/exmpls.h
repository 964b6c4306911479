/* The registry side of Publish: HKLM\SOFTWARE\Microsoft\ExMPLS, where DATA0
 * (our public key) and DATA1..3 (credentials encrypted to it) live.  Always the 64-bit view on 64-bit
 * Windows, where 64-bit MOM components look, even from the 32-bit build. */
#ifndef EMPKP_EXMPLS_H
#define EMPKP_EXMPLS_H

#include <windows.h>

#include "regvalue.h"   /* REGVALUE_MAX, REGVALUE_E_TOO_LARGE */

#define EXMPLS_KEY    L"SOFTWARE\\Microsoft\\ExMPLS"
/* ExMPLS is created with this DACL, protected from inheritance: full control
 * for SYSTEM and Administrators, nobody else.  An existing key's DACL is
 * never changed. */
#define EXMPLS_SDDL   L"D:P(A;CI;KA;;;SY)(A;CI;KA;;;BA)"

/* KEY_WOW64_64KEY where it means something (WOW64), else 0: Windows 2000
 * does not know the flag. */
REGSAM exmpls_view(void);

/* ExMPLS opened for ACCESS in that view. */
LONG exmpls_open(REGSAM access, HKEY *key);

/* DATA0 as stored: *data is malloc'd (free()) when *present.  A DATA0 over
 * REGVALUE_MAX is reported present but not read (ERROR_SUCCESS, *data
 * NULL, *is_binary FALSE): Publish rewrites it from the stored key, /diagnose
 * says it is too large to be a key. */
DWORD exmpls_read_data0(BYTE **data, DWORD *len, BOOL *present, BOOL *is_binary);

/* One read of DATA0 into BUF (*SIZE bytes in, at most REGVALUE_MAX; the
 * value's size out) through
 * *KEY, opened on first use and kept; closed and set to NULL on any failure.
 * For Publish's fast path (publish_cache.c), where the usual open/size/read/
 * close would be most of the call; the read itself is one registry request
 * (see query_value_once in exmpls.c). */
DWORD exmpls_read_data0_fast(HKEY *key, BYTE *buf, DWORD *size, BOOL *is_binary);

/* Writes DATA0 in one RegSetValueEx (readers see old or new, never a mix),
 * creating ExMPLS with EXMPLS_SDDL if it does not exist. */
DWORD exmpls_write_data0(const BYTE *blob, DWORD len);

/* Whether this account could write DATA0, asked without writing: ExMPLS
 * opened for KEY_SET_VALUE or, when it does not exist, its parent for
 * KEY_CREATE_SUB_KEY.  ERROR_SUCCESS, or the error the write would get
 * (what /diagnose predicts Publish's ErrID from).  The fault-point build
 * answers ERROR_ACCESS_DENIED for deny-exmpls-write, as its writes do. */
DWORD exmpls_check_writable(void);

/* Deletes DATA0..DATA3; absent values and an absent key are fine. */
DWORD exmpls_delete_values(void);

#endif
