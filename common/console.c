/* See console.h. */
#include "console.h"

#include <windows.h>
#include <stdlib.h>
#include <string.h>

#include "wintext.h"

static HANDLE parent_console(int to_stderr)
{
    typedef BOOL (WINAPI *attach_console_fn)(DWORD);
    static int attached = -1;
    attach_console_fn attach;

    if (attached < 0) {
        attach = (attach_console_fn)(void (*)(void))GetProcAddress(
            GetModuleHandleW(L"kernel32.dll"), "AttachConsole");
        attached = attach && attach((DWORD)-1 /* ATTACH_PARENT_PROCESS */);
    }
    if (!attached)
        return INVALID_HANDLE_VALUE;
    return GetStdHandle(to_stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE);
}

static void write_handle(HANDLE h, const char *utf8)
{
    DWORD mode, done;
    WCHAR *wide;
    char *local;
    int wlen, llen;

    if (!utf8[0] || !(wide = wide_from_utf8(utf8)))
        return;
    wlen = lstrlenW(wide);
    if (GetConsoleMode(h, &mode)) {
        /* A real console shows every character whatever its code page. */
        WriteConsoleW(h, wide, (DWORD)wlen, &done, NULL);
    } else {
        /* A file or pipe gets the console's code page, as cmd's own
         * redirections do. */
        UINT cp = GetConsoleOutputCP() ? GetConsoleOutputCP() : GetOEMCP();
        llen = WideCharToMultiByte(cp, 0, wide, wlen, NULL, 0, NULL, NULL);
        local = llen > 0 ? malloc((size_t)llen) : NULL;
        if (local) {
            WideCharToMultiByte(cp, 0, wide, wlen, local, llen, NULL, NULL);
            WriteFile(h, local, (DWORD)llen, &done, NULL);
            free(local);
        }
    }
    free(wide);
}

void console_write(int to_stderr, const char *utf8)
{
    HANDLE h = GetStdHandle(to_stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE);

    if (!h || h == INVALID_HANDLE_VALUE)
        h = parent_console(to_stderr);
    if (h && h != INVALID_HANDLE_VALUE)
        write_handle(h, utf8);
}

char **console_utf8_args(int argc, wchar_t **wargv)
{
    char **argv = calloc((size_t)argc + 1, sizeof(*argv));
    int i;

    for (i = 0; argv && i < argc; i++) {
        if (!(argv[i] = utf8_from_wide(wargv[i]))) {
            console_free_args(i, argv);
            return NULL;
        }
    }
    return argv;
}

void console_free_args(int argc, char **argv)
{
    int i;

    if (!argv)
        return;
    for (i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}
