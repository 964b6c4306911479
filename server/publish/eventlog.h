/* Events in the Windows Application log, source "EMPKP"; the texts are in
 * server/publish/messages.mc, compiled into empkp.exe. */
#ifndef EMPKP_EVENTLOG_H
#define EMPKP_EVENTLOG_H

#include <windows.h>

#define EVENT_SOURCE L"EMPKP"
#define EVENT_SOURCE_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\EMPKP"

/* Reports message id with up to 4 insertion strings; failures to log are
 * ignored (logging must never turn a good Publish into a failed one). */
void eventlog_report(DWORD id, WORD count, const WCHAR *const *strings);

#endif
