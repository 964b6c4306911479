/* The Publish operation: what IPubKeyPublisher::Publish and
 * "empkp /publish" do.  See README.md, "What Publish does". */
#ifndef EMPKP_PUBLISH_H
#define EMPKP_PUBLISH_H

#include <windows.h>

/* Serialises Publish across every process on the machine (COM clients,
 * several server processes, command-line runs). */
#define PUBLISH_MUTEX       L"Global\\EMPKP.Publish"
#define PUBLISH_MUTEX_SDDL  L"D:(A;;GA;;;SY)(A;;GA;;;BA)"
/* Long enough for another Publish's 4096-bit key generation on a slow
 * server, short enough that a stuck one cannot hang MOM's script forever. */
#define PUBLISH_WAIT_MS     (5u * 60u * 1000u)

/* Makes DATA0 the public half of the stored key, creating or repairing
 * whatever is needed, per the state table in publish_plan.h.  Returns
 * ERROR_SUCCESS or the Win32 / CryptoAPI code README.md documents. */
DWORD publish(void);

#endif
