/* Text between our code (UTF-8) and the Windows API (UTF-16): conversions,
 * and the system's text for an error code.
 *
 * Memory, in all of our code (both programs, common/, crypto/): malloc and
 * free.  COM's allocators only where COM's contract names them: a BSTR
 * (SysAllocString / SysFreeString) or a buffer COM hands out or takes
 * (CoTaskMemAlloc / CoTaskMemFree).  A buffer that held a secret (a
 * password, a decrypted credential, a private key) is wiped before it is
 * freed or goes out of scope: SecureZeroMemory in Windows code,
 * OPENSSL_cleanse in crypto/. */
#ifndef EMPKP_WINTEXT_H
#define EMPKP_WINTEXT_H

#include <windows.h>

/* Invalid input (a lone surrogate; a malformed UTF-8 sequence) becomes
 * U+FFFD, as Windows Vista and later and Wine convert; Windows 2000 and XP
 * drop malformed UTF-8 and pass a lone surrogate through. */

/* malloc'd conversions (free()); NULL on failure or NULL input. */
char *utf8_from_wide(const WCHAR *wide);
WCHAR *wide_from_utf8(const char *utf8);

/* Into a caller's buffer of SIZE bytes, always terminated (SIZE > 0):
 * 1 when all of WIDE fits, else 0 with as much as fits, cut between
 * characters (never inside one); NULL WIDE gives "" and 1. */
int utf8_from_wide_buf(const WCHAR *wide, char *out, size_t size);
/* Into a caller's buffer of COUNT WCHARs: 1 when all of UTF8 fits, else 0
 * with OUT empty (a cut name or password would be another one); NULL UTF8
 * gives L"" and 1.  No copy is left elsewhere, so it may carry a secret. */
int wide_from_utf8_buf(const char *utf8, WCHAR *out, size_t count);

/* The system's text for a Win32 error code or HRESULT (FormatMessage), in
 * UTF-8 without its final full stop and line break: "Access is denied";
 * "" when the system has none.  Returns OUT. */
const char *win32_message(DWORD err, char *out, size_t size);
/* Every error we show a person: "error 5 (0x00000005): Access is denied",
 * or "error 5 (0x00000005)" when the system has no text for it.  Returns
 * OUT. */
const char *win32_error_text(DWORD err, char *out, size_t size);

#endif
