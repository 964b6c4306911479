/* The PubKeyPublisher COM object: IPubKeyPublisher, a dual interface. */
#ifndef EMPKP_PUBLISHER_OBJECT_H
#define EMPKP_PUBLISHER_OBJECT_H

#include <objbase.h>

/* Creates an object and returns the interface riid on it (one server lock
 * per live object). */
HRESULT publisher_create(REFIID riid, void **ppv);

/* The same object, but one that does not keep the server alive: only for
 * the RPC pin (rpcpin.h), which holds it for the server's whole life. */
HRESULT publisher_create_pin(REFIID riid, void **ppv);

#endif
