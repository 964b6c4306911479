/* This program as COM sees it: the identity its file name gives it
 * (identity.h), that identity's CLSID, and the UTF-8 <-> UTF-16 conversions
 * between the plain-C decision code and the Windows API. */
#ifndef EMPKP_SELF_H
#define EMPKP_SELF_H

#include <windows.h>

#include "identity.h"

/* From GetModuleFileName; IDENTITY_EMPKP if the path cannot be read. */
enum identity_kind self_identity(void);

/* The CLSID of an identity (widl's CLSID_PubKeyPublisher or
 * CLSID_ExchKPPubKeyPublisher). */
const CLSID *identity_clsid(enum identity_kind kind);

/* malloc'd conversions (free()); NULL on failure or NULL input.  Invalid
 * UTF-16 becomes U+FFFD, so the result is always valid UTF-8. */
char *utf8_from_wide(const WCHAR *wide);
WCHAR *wide_from_utf8(const char *utf8);

#endif
