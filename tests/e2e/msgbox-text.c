/* Waits up to N seconds (argv[1], default 30) for a top-level dialog (whose
 * title is argv[2], when given) and prints the text of each of its
 * child windows, one per line, so a test can assert what a message box
 * shows.  It leaves the box open: closing it is the caller's job (xdotool,
 * as a person would).  Exit code 0 when the box was found. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static BOOL CALLBACK print_child(HWND child, LPARAM unused)
{
    WCHAR text[512];
    char utf8[1024];

    (void)unused;
    if (GetWindowTextW(child, text, ARRAYSIZE(text)) > 0 &&
        WideCharToMultiByte(CP_UTF8, 0, text, -1, utf8, sizeof(utf8), NULL, NULL) > 0)
        printf("text: %s\n", utf8);
    return TRUE;
}

int wmain(int argc, WCHAR **argv)
{
    int seconds = argc > 1 ? _wtoi(argv[1]) : 30, i;
    const WCHAR *title = argc > 2 ? argv[2] : NULL;
    HWND box = NULL;

    for (i = 0; i < seconds * 10 && !box; i++) {
        box = FindWindowW(L"#32770", title);
        if (!box)
            Sleep(100);
    }
    if (!box) {
        printf("no dialog within %d s\n", seconds);
        return 1;
    }
    EnumChildWindows(box, print_child, 0);
    return 0;
}
