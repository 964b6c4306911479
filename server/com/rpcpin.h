/* Keeps the RPC interface that activations arrive on registered for the
 * server's whole life, around a deadlock in Wine's COM.
 *
 * Wine (8.0, combase rpc_unregister_interface) unregisters an interface from
 * RPC when its last stub goes away, and waits there for the calls on it to
 * finish while holding the lock every call needs to marshal a result.  When
 * one client releases the class object just as another is being activated
 * through it (an IServiceProvider::QueryService call in flight), both wait
 * for ever: seen in the stress tests, about one run in four, at the moment a
 * script ends and the next begins, and again when a client releases its
 * last publisher while the next one is being created (200 back-to-back
 * activations hung one run in four; with a client holding an object
 * throughout, never).  So the server holds table-strong marshals of its
 * own: an IServiceProvider, and a publisher (that keeps no server lock) as
 * IPubKeyPublisher, IDispatch and IUnknown.  Their interfaces' counts then
 * never reach zero, and they are never unregistered while we serve.  On
 * Windows the pins are unused marshaled objects and cost nothing. */
#ifndef EMPKP_RPCPIN_H
#define EMPKP_RPCPIN_H

#include <objbase.h>

void rpcpin_hold(void);
void rpcpin_release(void);

#endif
