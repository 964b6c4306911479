/* The PubKeyPublisher COM object: IPubKeyPublisher, a dual interface. */
#ifndef EMPKP_PUBLISHER_H
#define EMPKP_PUBLISHER_H

#include <objbase.h>

/* Creates an object and returns the interface riid on it (one server lock
 * per live object). */
HRESULT publisher_create(REFIID riid, void **ppv);

#endif
