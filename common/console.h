/* Messages from a program to whoever started it, and its command line. */
#ifndef EMPKP_CONSOLE_H
#define EMPKP_CONSOLE_H

#include <wchar.h>

/* Writes UTF-8 text to standard output (to_stderr = 0) or standard error:
 * the redirected handle when there is one, else the console of the parent
 * process (AttachConsole, Windows XP and later).  Started by COM or from
 * Explorer on Windows 2000, there is nowhere to write, and the text is
 * dropped: the exit code still tells. */
void console_write(int to_stderr, const char *utf8);

/* The wide command line as malloc'd UTF-8 strings, argv[argc] NULL, for the
 * plain-C parsers (cmdline.c, credargs.c); NULL when out of memory.  Free
 * with console_free_args. */
char **console_utf8_args(int argc, wchar_t **wargv);
void console_free_args(int argc, char **argv);

#endif
