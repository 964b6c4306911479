/* The Publish operation: what IPubKeyPublisher::Publish does. */
#ifndef EMPKP_PUBLISH_H
#define EMPKP_PUBLISH_H

#include <windows.h>

#define EXMPLS_KEY   L"SOFTWARE\\Microsoft\\ExMPLS"
#define EXMPLS_DATA0 L"DATA0"

/* Generates an RSA key pair and writes its public half as a CryptoAPI
 * PUBLICKEYBLOB to HKLM\SOFTWARE\Microsoft\ExMPLS, REG_BINARY DATA0.
 * Returns ERROR_SUCCESS or the Win32 code README.md documents. */
DWORD publish_data0(void);

/* Registry access mask extra bits so that a 32-bit empkp on 64-bit Windows
 * reads and writes the 64-bit view, where 64-bit MOM components look. */
REGSAM publish_registry_view(void);

#endif
