/* This program as COM sees it: the identity its file name gives it
 * (identity.h) and that identity's GUIDs. */
#ifndef EMPKP_SELF_IDENTITY_H
#define EMPKP_SELF_IDENTITY_H

#include <windows.h>

#include "identity.h"

/* From GetModuleFileName; IDENTITY_EMPKP if the path cannot be read. */
enum identity_kind self_identity(void);

/* The CLSID of an identity (widl's CLSID_PubKeyPublisher or
 * CLSID_ExchKPPubKeyPublisher). */
const CLSID *identity_clsid(enum identity_kind kind);
/* The AppID of an identity (the DCOM Config entry); ours, see
 * self_identity.c. */
const GUID *identity_appid(enum identity_kind kind);
/* GUID as COM writes it, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
 * (StringFromGUID2), in ASCII for the plain-C code's messages. */
void guid_text(const GUID *guid, char out[39]);

#endif
