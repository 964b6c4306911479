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

#endif
