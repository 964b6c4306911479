/* Where the private key lives: a CryptoAPI machine key set.
 *
 * Publish generates the pair with OpenSSL and imports the private half here
 * as a non-exportable AT_KEYEXCHANGE key; DATA0 is its public half.  Any
 * CryptoAPI program on the server that opens this container (with
 * CRYPT_MACHINE_KEYSET, as SYSTEM or an administrator) can then decrypt
 * what was encrypted to DATA0, which is how the decrypting side works.
 * These names are part of empkp's interface: packaging/MANUAL.txt
 * documents them. */
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

/* A container we create gets this owner and DACL (CryptSetProvParam
 * PP_KEYSET_SEC_DESCR): SYSTEM and Administrators only, not inherited. */
#define KEYSTORE_SDDL L"O:BAD:P(A;;GA;;;SY)(A;;GA;;;BA)"
/* ErrID for a container whose owner or DACL is not trusted (see
 * publish_sd_judge in publish_plan.h). */
#define KEYSTORE_E_UNTRUSTED ERROR_INVALID_SECURITY_DESCR

/* The stored key's PUBLICKEYBLOB (malloc'd, free()) when STORE_PRESENT;
 * otherwise *err says why (the CryptoAPI error, for events and ErrIDs).
 * A container that opens is judged by its owner and DACL before its key is
 * read: STORE_UNTRUSTED (*err KEYSTORE_E_UNTRUSTED) when another account
 * could use, replace or delete the key.  SD_TEXT (if not NULL) gets the
 * container's owner and DACL as publish_sd_describe writes them (or why
 * they could not be read), WHY what made it untrusted. */
enum store_state keystore_read_public(BYTE **blob, DWORD *len, DWORD *err);
/* The same look, with the container kept open for using the key: what
 * "empkpcred verify", "empkpcred set" and /diagnose's credentials check
 * (common/cred/credcheck.c) decrypt and compare with.  STORE_PRESENT: K holds
 * the context, the key and its PUBLICKEYBLOB (malloc'd), all freed by
 * keystore_close.  Otherwise K is empty (keystore_close harmless) and *err,
 * SD_TEXT and WHY are as keystore_read_public_ex gives them. */
struct keystore_key {
    HCRYPTPROV prov;
    HCRYPTKEY key;
    BYTE *blob;
    DWORD len;
};
enum store_state keystore_open(struct keystore_key *k, DWORD *err, char *sd_text, size_t sd_size,
                               char *why, size_t why_size);
void keystore_close(struct keystore_key *k);
enum store_state keystore_read_public_ex(BYTE **blob, DWORD *len, DWORD *err,
                                         char *sd_text, size_t sd_size,
                                         char *why, size_t why_size);

/* A new pair, in two steps, so that nothing is deleted before the new key
 * is known to have a place: keystore_prepare gives a handle on a container
 * that is ours (RECREATE first deletes one whose key could not be used;
 * an existing, already judged, empty container is reused; otherwise it is
 * created with CRYPT_NEWKEYSET and given KEYSTORE_SDDL).  NTE_EXISTS from
 * the creation means the container is there but this account may not open
 * it (publish_create_outcome): nothing was changed.  keystore_import then
 * imports the PRIVATEKEYBLOB as non-exportable through that handle and
 * exports *public_blob (malloc'd, free()) from the key as stored; it
 * releases the handle, as keystore_abandon does without importing. */
DWORD keystore_prepare(BOOL recreate, HCRYPTPROV *prov);
DWORD keystore_import(HCRYPTPROV prov, const BYTE *private_blob, DWORD len,
                      BYTE **public_blob, DWORD *public_len);
void keystore_abandon(HCRYPTPROV prov);

/* Deletes the container and the key in it (Publish's RECREATE, empkpcred
 * newkey): ERROR_SUCCESS also when there was none, else the CryptoAPI
 * error.  The test build answers err:keyset-delete=CODE for Windows. */
DWORD keystore_delete(void);

/* Both steps at once (for the benchmark). */
DWORD keystore_replace(const BYTE *private_blob, DWORD len, BOOL recreate,
                       BYTE **public_blob, DWORD *public_len);

/* Keeps the provider's DLL loaded while the server runs (see keystore.c);
 * best effort: without it every container open only costs more.  Called
 * by server_run at start and end, and by the bench to time the same. */
void keystore_hold_provider(void);
void keystore_release_provider(void);

#endif
