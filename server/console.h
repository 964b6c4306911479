/* Messages from a GUI-subsystem program to whoever started it. */
#ifndef EMPKP_CONSOLE_H
#define EMPKP_CONSOLE_H

/* Writes UTF-8 text to standard output (to_stderr = 0) or standard error:
 * the redirected handle when there is one, else the console of the parent
 * process (AttachConsole, Windows XP and later).  Started by COM or from
 * Explorer on Windows 2000, there is nowhere to write, and the text is
 * dropped: the exit code still tells. */
void console_write(int to_stderr, const char *utf8);

#endif
