/* Reading a registry value, written once for both programs: every value
 * our code reads (DATA0..3 and the journal's copies, KeyBits, the COM
 * registration /diagnose and /unregserver look at, the DCOM permissions)
 * goes through regvalue_read or one of its typed wrappers below, under one
 * size limit. */
#ifndef EMPKP_REGVALUE_H
#define EMPKP_REGVALUE_H

#include <windows.h>

/* No key, ciphertext, path or security descriptor we read is near it. */
#define REGVALUE_MAX        (64u * 1024u)
#define REGVALUE_E_TOO_LARGE  ERROR_INVALID_DATA

/* NAME of KEY, whole: *data malloc'd (free()), *len bytes, *type, *present
 * TRUE.  No such value: ERROR_SUCCESS with *present FALSE.  A value over
 * REGVALUE_MAX bytes is never read, let alone cut: REGVALUE_E_TOO_LARGE
 * with *present TRUE, *type and *len its type and size, and *data NULL; each caller says what
 * that means for it.  A value that grows between the size and the read is
 * sized again. */
LONG regvalue_read(HKEY key, const WCHAR *name, DWORD *type, BYTE **data, DWORD *len,
                   BOOL *present);

/* A REG_SZ or REG_EXPAND_SZ value into OUT (CHARS units), always
 * terminated, up to its first NUL: a value stored without its terminator
 * reads the same as one with it.  *type (may be NULL) says which of the two
 * it is; expanding is the caller's.  ERROR_SUCCESS; ERROR_FILE_NOT_FOUND when
 * absent; ERROR_INVALID_DATATYPE when not a string; ERROR_MORE_DATA when
 * it does not fit OUT (never cut); REGVALUE_E_TOO_LARGE, or the read's
 * error.  On any error OUT is "". */
LONG regvalue_read_string(HKEY key, const WCHAR *name, WCHAR *out, DWORD chars, DWORD *type);

/* A DWORD setting: *present when the value exists, *is_dword when it is a
 * REG_DWORD of 4 bytes (then *value holds it, else 0).  ERROR_SUCCESS also
 * when absent or of another type or size; another error when it cannot be
 * read. */
LONG regvalue_read_dword(HKEY key, const WCHAR *name, BOOL *present, BOOL *is_dword, DWORD *value);

/* Whether NAME exists, its type and size, without reading it: *present
 * FALSE when absent or unreadable (then *type REG_NONE, *size 0). */
void regvalue_size(HKEY key, const WCHAR *name, BOOL *present, DWORD *type, DWORD *size);

#endif
