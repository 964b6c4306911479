/* See eventlog.h. */
#include "eventlog.h"

static WORD event_type(DWORD id)
{
    switch (id >> 30) {   /* the severity windmc put in the top two bits */
    case 3:  return EVENTLOG_ERROR_TYPE;
    case 2:  return EVENTLOG_WARNING_TYPE;
    default: return EVENTLOG_INFORMATION_TYPE;
    }
}

void eventlog_report(DWORD id, WORD count, const WCHAR *const *strings)
{
    HANDLE source = RegisterEventSourceW(NULL, EVENT_SOURCE);

    if (!source)
        return;
    ReportEventW(source, event_type(id), 0, id, NULL, count, 0, (const WCHAR **)strings, NULL);
    DeregisterEventSource(source);
}
