/* UTF-8 <-> UTF-16 conversion between the plain-C decision code (UTF-8)
 * and the Windows API (UTF-16). */
#ifndef EMPKP_UTF8_H
#define EMPKP_UTF8_H

#include <windows.h>

/* malloc'd conversions (free()); NULL on failure or NULL input.  Invalid
 * UTF-16 becomes U+FFFD, so the result is always valid UTF-8. */
char *utf8_from_wide(const WCHAR *wide);
WCHAR *wide_from_utf8(const char *utf8);

#endif
