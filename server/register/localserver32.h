/* The program a LocalServer32 value names, as COM would start it.
 *
 * The value is a command line: "C:\Program Files\Exchsrvr\bin\empkp.exe",
 * a quoted path with arguments ("...\empkp.exe" -Embedding), or an unquoted
 * one (C:\PROGRA~1\Exchsrvr\bin\empkp.exe, the KB's example, or one with
 * spaces, which CreateProcess resolves by trying each space in turn).
 * Plain C with no Windows headers (UTF-8 in and out), unit-tested natively;
 * the registry and the file system are the caller's. */
#ifndef EMPKP_LOCALSERVER32_H
#define EMPKP_LOCALSERVER32_H

#include <stddef.h>

/* Writes the program's path (unquoted, arguments stripped) to out, NUL
 * terminated.  Unquoted, the path ends after the first ".exe" followed by a
 * blank or the end (so "C:\Program Files\x\empkp.exe /Automation" gives the
 * whole path), or at the first blank when there is no ".exe".  A quote that
 * is never closed runs to the end, as CreateProcess takes it.  Returns 1, or
 * 0 (out = "") when value is NULL or names nothing, or the path does not fit
 * in size bytes.  *quoted (may be NULL) tells whether it was quoted. */
int localserver_path(const char *value, char *out, size_t size, int *quoted);

/* The programs CreateProcess would try before the one VALUE names, when
 * VALUE is unquoted and that path has blanks: for
 * C:\Program Files\Exchsrvr\bin\empkp.exe, first C:\Program.exe.  Each
 * blank inside the path ends a try (".exe" appended when its last part has
 * no extension, as CreateProcess does).  Writes the INDEX-th (from 0) to
 * out and returns 1; 0 (out = "") when there is none: VALUE quoted, no
 * blank in the path, INDEX past the last, or it does not fit. */
int localserver_unquoted_try(const char *value, unsigned index, char *out, size_t size);

#endif
