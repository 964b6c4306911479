/* The password from the console (no echo) or redirected standard input;
 * see password.h.  Every buffer that held it is wiped with
 * SecureZeroMemory before it goes out of scope. */
#include "password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/wintext.h"

/* Redirected input larger than this is not one password. */
#define STDIN_MAX_BYTES 8192

/* The console's mode while echo is off, to put back if Ctrl+C ends us. */
static HANDLE echo_input = INVALID_HANDLE_VALUE;
static DWORD echo_mode;

static BOOL WINAPI restore_echo(DWORD event)
{
    (void)event;
    if (echo_input != INVALID_HANDLE_VALUE)
        SetConsoleMode(echo_input, echo_mode);
    return FALSE;   /* and let the default handler end the process */
}

/* Text for the person at the console: CONOUT$ even when standard output
 * and error are redirected, since the prompt belongs to the console. */
static void console_say(const char *utf8)
{
    HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL);
    WCHAR wide[512];
    DWORD done;

    if (out == INVALID_HANDLE_VALUE)
        return;
    if (wide_from_utf8_buf(utf8, wide, ARRAYSIZE(wide)) && wide[0])
        WriteConsoleW(out, wide, (DWORD)lstrlenW(wide), &done, NULL);
    CloseHandle(out);
}

/* One line typed without echo into units[0..*n), units having room for
 * PASSWORD_MAX_UNITS. */
static enum password_status read_console_line(HANDLE in, uint16_t *units, size_t *n,
                                              struct password *pw)
{
    WCHAR line[PASSWORD_MAX_UNITS + 2];
    DWORD got = 0, mode;
    enum password_status st = PASSWORD_OK;
    BOOL ok;

    *n = 0;
    if (!GetConsoleMode(in, &mode)) {
        pw->error = GetLastError();
        return PASSWORD_READ_ERROR;
    }
    echo_input = in;
    echo_mode = mode;
    SetConsoleCtrlHandler(restore_echo, TRUE);
    SetConsoleMode(in, (mode & ~(DWORD)ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT
                       | ENABLE_PROCESSED_INPUT);
    ok = ReadConsoleW(in, line, PASSWORD_MAX_UNITS + 2, &got, NULL);
    if (!ok)
        pw->error = GetLastError();
    SetConsoleMode(in, mode);
    SetConsoleCtrlHandler(restore_echo, FALSE);
    echo_input = INVALID_HANDLE_VALUE;
    console_say("\r\n");   /* Enter was not echoed either */

    if (!ok) {
        st = PASSWORD_READ_ERROR;
    } else {
        pw->input = credinput_console_line((const uint16_t *)line, got, PASSWORD_MAX_UNITS, n);
        if (pw->input == CREDINPUT_TOO_LONG)
            FlushConsoleInputBuffer(in);   /* the rest of the long line */
        if (pw->input != CREDINPUT_OK)
            st = PASSWORD_INPUT;
        else
            memcpy(units, line, *n * sizeof(uint16_t));
    }
    SecureZeroMemory(line, sizeof(line));
    return st;
}

static enum password_status from_console(HANDLE in, const char *who, struct password *pw)
{
    uint16_t again[PASSWORD_MAX_UNITS];
    size_t n2 = 0;
    enum password_status st;
    char prompt[600];

    pw->from_console = 1;
    snprintf(prompt, sizeof(prompt), "Password for %.400s: ", who);
    console_say(prompt);
    st = read_console_line(in, pw->units, &pw->n, pw);
    if (st == PASSWORD_OK) {
        /* Typed blind, so typed twice. */
        console_say("Type it again to confirm: ");
        st = read_console_line(in, again, &n2, pw);
        if (st == PASSWORD_OK
            && (n2 != pw->n || memcmp(again, pw->units, pw->n * sizeof(uint16_t)) != 0))
            st = PASSWORD_MISMATCH;
    }
    SecureZeroMemory(again, sizeof(again));
    return st;
}

static enum password_status from_stdin(HANDLE in, struct password *pw)
{
    unsigned char *buf;
    DWORD got, total = 0;
    enum password_status st = PASSWORD_OK;

    buf = malloc(STDIN_MAX_BYTES + 1);
    if (!buf) {
        pw->error = ERROR_NOT_ENOUGH_MEMORY;
        return PASSWORD_READ_ERROR;
    }
    /* Read to the end (one byte more than we accept tells "too long"). */
    for (;;) {
        got = 0;
        if (!ReadFile(in, buf + total, STDIN_MAX_BYTES + 1 - total, &got, NULL)) {
            DWORD e = GetLastError();
            if (e != ERROR_BROKEN_PIPE && e != ERROR_HANDLE_EOF) {
                pw->error = e;
                st = PASSWORD_READ_ERROR;
            }
            break;
        }
        if (got == 0)
            break;
        total += got;
        if (total > STDIN_MAX_BYTES)
            break;
    }
    if (st == PASSWORD_OK) {
        if (total > STDIN_MAX_BYTES)
            pw->input = CREDINPUT_TOO_LONG;
        else
            pw->input = credinput_decode(buf, total, pw->units, PASSWORD_MAX_UNITS, &pw->n);
        if (pw->input != CREDINPUT_OK)
            st = PASSWORD_INPUT;
    }
    SecureZeroMemory(buf, STDIN_MAX_BYTES + 1);
    free(buf);
    return st;
}

enum password_status password_read(const char *who_utf8, struct password *pw)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode;
    enum password_status st;

    memset(pw, 0, sizeof(*pw));
    if (in == NULL || in == INVALID_HANDLE_VALUE)
        return PASSWORD_NO_INPUT;
    if (GetConsoleMode(in, &mode))
        st = from_console(in, who_utf8, pw);
    else
        st = from_stdin(in, pw);
    if (st != PASSWORD_OK) {
        /* Whatever was read is of no further use. */
        SecureZeroMemory(pw->units, sizeof(pw->units));
        pw->n = 0;
    }
    return st;
}

void password_wipe(struct password *pw)
{
    SecureZeroMemory(pw, sizeof(*pw));
}

enum password_status password_confirm(const char *question_utf8, int *yes, DWORD *error)
{
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    WCHAR line[64];
    DWORD mode, got = 0;
    BOOL ok;

    *yes = 0;
    *error = ERROR_SUCCESS;
    if (in == NULL || in == INVALID_HANDLE_VALUE || !GetConsoleMode(in, &mode))
        return PASSWORD_NO_INPUT;
    console_say(question_utf8);
    SetConsoleMode(in, mode | ENABLE_ECHO_INPUT | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
    ok = ReadConsoleW(in, line, ARRAYSIZE(line), &got, NULL);
    if (!ok)
        *error = GetLastError();
    SetConsoleMode(in, mode);
    if (!ok)
        return PASSWORD_READ_ERROR;
    if (got > ARRAYSIZE(line))
        got = ARRAYSIZE(line);
    *yes = credinput_console_yes((const uint16_t *)line, got);
    if (got == ARRAYSIZE(line) && line[got - 1] != L'\n')
        FlushConsoleInputBuffer(in);   /* the rest of a long line */
    return PASSWORD_OK;
}
