/* This program as COM sees it: the identity its file name gives it
 * (identity.h) and that identity's CLSID. */
#ifndef EMPKP_SELF_IDENTITY_H
#define EMPKP_SELF_IDENTITY_H

#include <windows.h>

#include "identity.h"

/* From GetModuleFileName; IDENTITY_EMPKP if the path cannot be read. */
enum identity_kind self_identity(void);

/* The CLSID of an identity (widl's CLSID_PubKeyPublisher or
 * CLSID_ExchKPPubKeyPublisher). */
const CLSID *identity_clsid(enum identity_kind kind);

#endif
