/* The class object COM hands out for CLSID_PubKeyPublisher. */
#ifndef EMPKP_FACTORY_H
#define EMPKP_FACTORY_H

#include <objbase.h>

/* A static object: its reference count does not keep the server alive
 * (LockServer does), the way Wine's own local servers treat class objects. */
IUnknown *factory_instance(void);

#endif
