/* Keeps the RPC interface that activations arrive on registered for the
 * server's whole life, around a deadlock in Wine's COM.
 *
 * Wine (8.0, combase rpc_unregister_interface) unregisters an interface from
 * RPC when its last stub goes away, and waits there for the calls on it to
 * finish while holding the lock every call needs to marshal a result.  When
 * one client releases the class object just as another is being activated
 * through it (an IServiceProvider::QueryService call in flight), both wait
 * for ever: seen in the stress tests, about one run in four, at the moment a
 * script ends and the next begins.  Holding one table-strong marshal of an
 * IServiceProvider of our own keeps that interface's count above zero, so it
 * is never unregistered while we serve.  On Windows the pin is an unused
 * marshaled object and costs nothing. */
#ifndef EMPKP_RPCPIN_H
#define EMPKP_RPCPIN_H

#include <objbase.h>

void rpcpin_hold(void);
void rpcpin_release(void);

#endif
