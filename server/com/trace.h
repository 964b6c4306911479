/* An opt-in trace of the COM plumbing, for a contributor chasing an
 * activation bug: what the class factory, the object and the server loop
 * were asked and what they answered, through OutputDebugString.
 *
 * Off by default.  On when the environment variable EMPKP_TRACE is "1" when
 * the process starts (read once).  An environment variable, not a switch or
 * a registry value: COM starts the server as "empkp.exe -Embedding" with no
 * room for options, and the server it starts inherits the environment (on
 * Windows DCOM's, that is the system environment: set EMPKP_TRACE=1 as a
 * system variable, System Properties > Advanced > Environment Variables,
 * or "setx EMPKP_TRACE 1 /M"; if a server started after that does not
 * trace, restart Windows: the launcher may keep the environment it started
 * with; not measured on Windows).  Under Wine the server is
 * started from the client's process and inherits the client's environment,
 * WINEDEBUG included: with WINEDEBUG=warn+seh, Wine 8.0 prints each line on
 * standard error as 'warn:seh:OutputDebugStringA "empkp[...]: ..."'
 * (measured; WINEDEBUG=+debugstr printed nothing there).  On Windows,
 * Sysinternals DebugView or a debugger shows them.
 *
 * Every line is "empkp[PID]: ..." and at most TRACE_LINE_MAX characters,
 * truncated beyond.  Nothing secret is ever traced: interface ids, counts,
 * HRESULTs and ErrIDs only. */
#ifndef EMPKP_TRACE_H
#define EMPKP_TRACE_H

#include <windows.h>

#define TRACE_LINE_MAX 256

/* Reads EMPKP_TRACE.  Called first thing at start; the first TRACE calls
 * it in a program that did not (the in-process tests). */
void trace_init(void);
BOOL trace_enabled(void);

/* printf-like, with msvcrt's wide format rules (%ls for a WCHAR string). */
void trace_write(const WCHAR *fmt, ...);

/* Formats the arguments only when the trace is on. */
#define TRACE(...) do { if (trace_enabled()) trace_write(__VA_ARGS__); } while (0)

/* An interface id as a name for the ones we serve or are asked for most,
 * else as {GUID} text, in buf (of at least 40 characters). */
const WCHAR *trace_iid(REFIID riid, WCHAR *buf, int size);

#endif
