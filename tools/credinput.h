/* The password as empkpcred reads it, decided in plain C (no Windows
 * headers) so the native unit tests reach every case under the sanitizers.
 * tools/password.c does the Windows side (console, ReadFile).
 *
 * Redirected standard input (scripts) is one line of text:
 *   - UTF-16LE when it starts with the BOM FF FE (PowerShell, "Unicode"
 *     files from Notepad);
 *   - otherwise UTF-8, with or without the BOM EF BB BF; bytes that are
 *     not UTF-8 are refused rather than guessed at, so that a password
 *     saved in an ANSI or OEM code page is never silently encrypted as
 *     some other string;
 *   - the line ends at LF, CR LF or CR (or at the end of input); only empty
 *     lines may follow it.  Spaces are part of the password.
 * Every buffer here may hold the password: the caller wipes them. */
#ifndef EMPKP_CREDINPUT_H
#define EMPKP_CREDINPUT_H

#include <stddef.h>
#include <stdint.h>

enum credinput_status {
    CREDINPUT_OK = 0,
    CREDINPUT_EMPTY,        /* the first line is empty (or there is no input) */
    CREDINPUT_NOT_TEXT,     /* not UTF-8 (or, after FF FE, not UTF-16LE) */
    CREDINPUT_NUL,          /* contains U+0000 */
    CREDINPUT_MORE_LINES,   /* a second, non-empty line follows */
    CREDINPUT_TOO_LONG      /* more than cap code units (console: no line end) */
};

/* Human-readable, static, never NULL. */
const char *credinput_status_str(enum credinput_status st);

/* Decodes the password from the bytes of redirected standard input into
 * out[0..*n) (UTF-16 code units, no terminator), at most cap units.
 * *n is 0 unless CREDINPUT_OK.  A surrogate pair counts as two units. */
enum credinput_status credinput_decode(const unsigned char *in, size_t len,
                                       uint16_t *out, size_t cap, size_t *n);

/* What ReadConsoleW gave in line mode: the typed text followed by CR LF.
 * Sets *n to the length without the line end, at most cap: that is how
 * many units the caller may copy out of in[] into its cap-unit buffer.
 * A line longer than cap, or no line end at all (the line did not fit the
 * read buffer), is CREDINPUT_TOO_LONG.  An empty line is CREDINPUT_EMPTY;
 * U+0000 is CREDINPUT_NUL. */
enum credinput_status credinput_console_line(const uint16_t *in, size_t len, size_t cap,
                                             size_t *n);

/* The answer to empkpcred's "type yes to continue" as ReadConsoleW gave it
 * (the typed text and CR LF): 1 only for "yes" in any case, spaces around
 * it allowed; 0 for anything else, a line without its end included. */
int credinput_console_yes(const uint16_t *in, size_t len);

#endif
