/* The Publish operation: what IPubKeyPublisher::Publish and
 * "empkp /publish" do.  See packaging/MANUAL.txt,
 * "What Publish does". */
#ifndef EMPKP_PUBLISH_H
#define EMPKP_PUBLISH_H

#include <windows.h>

/* Publish is serialised across every process on the machine by the lock
 * of publish_lock.h. */
#include "common/publish_lock.h"

/* Makes DATA0 the public half of the stored key, creating or repairing
 * whatever is needed, per the state table in publish_plan.h.  Returns
 * ERROR_SUCCESS or the Win32 / CryptoAPI code
 * packaging/MANUAL.txt documents. */
DWORD publish(void);

#endif
