/* Reading the password: from the console without echo (asked twice), or
 * from standard input when it is redirected (scripts).  Never from the
 * command line.  The decisions (line ends, encodings) are credinput.c's. */
#ifndef EMPKP_PASSWORD_H
#define EMPKP_PASSWORD_H

#include <windows.h>
#include <stdint.h>

#include "credinput.h"

/* Room for the password, in UTF-16 code units.  The key decides what fits
 * (122 units for RSA-2048); this only bounds the input. */
#define PASSWORD_MAX_UNITS 1024

enum password_status {
    PASSWORD_OK,
    PASSWORD_INPUT,       /* credinput refused it; see .input */
    PASSWORD_MISMATCH,    /* the two console entries differ */
    PASSWORD_NO_INPUT,    /* no console and no standard input */
    PASSWORD_READ_ERROR   /* ReadConsole / ReadFile failed; see .error */
};

struct password {
    uint16_t units[PASSWORD_MAX_UNITS];
    size_t n;
    enum credinput_status input;
    DWORD error;
    int from_console;
};

/* Reads the password into pw->units[0..pw->n).  On the console the prompt
 * names who it is for ("Password for DOMAIN\user: ", UTF-8).  Whatever
 * the outcome, wipe pw with password_wipe when done. */
enum password_status password_read(const char *who_utf8, struct password *pw);

void password_wipe(struct password *pw);

/* Asks a yes/no question on the console (standard input must be one:
 * PASSWORD_NO_INPUT otherwise, for a script to be refused), with echo.
 * *yes is 1 only when "yes" was typed (credinput_console_yes).  Whatever
 * else was typed on a line too long for the buffer is flushed, so that it
 * is never read as the password. */
enum password_status password_confirm(const char *question_utf8, int *yes, DWORD *error);

#endif
