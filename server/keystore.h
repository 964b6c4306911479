/* Where the private key lives: a CryptoAPI machine key set.
 *
 * Publish generates the pair with OpenSSL and imports the private half here
 * as a non-exportable AT_KEYEXCHANGE key; DATA0 is its public half.  Any
 * CryptoAPI program on the server that opens this container (with
 * CRYPT_MACHINE_KEYSET, as SYSTEM or an administrator) can then decrypt
 * what was encrypted to DATA0, which is how the decrypting side works.
 * These names are part of empkp's interface: README.md documents them. */
#ifndef EMPKP_KEYSTORE_H
#define EMPKP_KEYSTORE_H

#include <windows.h>
#include <wincrypt.h>

#define KEYSTORE_CONTAINER  L"EMPKP PubKeyPublisher"
#define KEYSTORE_PROVIDER   MS_ENHANCED_PROV_W   /* in Windows 2000 SP2 and later */
#define KEYSTORE_PROV_TYPE  PROV_RSA_FULL
#define KEYSTORE_KEY_SPEC   AT_KEYEXCHANGE
#define KEYSTORE_FLAGS      CRYPT_MACHINE_KEYSET

#include "publish_plan.h"

/* The stored key's PUBLICKEYBLOB (malloc'd, free()) when STORE_PRESENT;
 * otherwise *err says why (the CryptoAPI error, for events and ErrIDs). */
enum store_state keystore_read_public(BYTE **blob, DWORD *len, DWORD *err);

/* Makes the PRIVATEKEYBLOB the container's key exchange key, imported as
 * non-exportable, creating the container if needed; recreate first deletes
 * a container that could not be read.  On success *public_blob (malloc'd,
 * free()) is the PUBLICKEYBLOB exported from the key as stored. */
DWORD keystore_replace(const BYTE *private_blob, DWORD len, BOOL recreate,
                       BYTE **public_blob, DWORD *public_len);

/* Keeps the provider's DLL loaded while the server runs (see keystore.c);
 * best effort: without it every container open only costs more.  Called
 * by server_run at start and end, and by the bench to time the same. */
void keystore_hold_provider(void);
void keystore_release_provider(void);

#endif
