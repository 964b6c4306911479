/* empkp's own settings, HKLM\SOFTWARE\EMPKP (the same registry view as
 * ExMPLS: exmpls_view()).  Absent means the default; what a value means is
 * decided in plain C (publish_key_bits, common/publish_plan.h). */
#ifndef EMPKP_SETTINGS_H
#define EMPKP_SETTINGS_H

#include <windows.h>

#define SETTINGS_KEY  L"SOFTWARE\\EMPKP"

/* The KeyBits value: *present when it exists, *is_dword when it is a
 * REG_DWORD of 4 bytes (then *value holds it).  ERROR_SUCCESS also when
 * the key or value is absent; another error when it cannot be read. */
DWORD settings_read_key_bits(BOOL *present, BOOL *is_dword, DWORD *value);

#endif
