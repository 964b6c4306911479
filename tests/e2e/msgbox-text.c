/* Waits up to N seconds (argv[1], default 30) for a top-level dialog (whose
 * title is argv[2], when given) and prints the text of each of its
 * child windows, one per line, so a test can assert what a message box
 * shows.  It leaves the box open: closing it is the caller's job (xdotool,
 * as a person would).  Exit code 0 when the box was found. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

struct texts {
    char lines[8][1024];
    int count;
};

static BOOL CALLBACK collect_child(HWND child, LPARAM param)
{
    struct texts *t = (struct texts *)param;
    WCHAR text[512];

    if (t->count < 8 && GetWindowTextW(child, text, ARRAYSIZE(text)) > 0 &&
        WideCharToMultiByte(CP_UTF8, 0, text, -1, t->lines[t->count], sizeof(t->lines[0]),
                            NULL, NULL) > 0)
        t->count++;
    return TRUE;
}

int wmain(int argc, WCHAR **argv)
{
    int seconds = argc > 1 ? _wtoi(argv[1]) : 30, i;
    const WCHAR *title = argc > 2 ? argv[2] : NULL;
    struct texts t;
    HWND box;

    /* The dialog exists a moment before its controls do: poll until a
     * visible box has at least two texts (the message and the button). */
    for (i = 0; i < seconds * 10; i++) {
        box = FindWindowW(L"#32770", title);
        t.count = 0;
        if (box && IsWindowVisible(box))
            EnumChildWindows(box, collect_child, (LPARAM)&t);
        if (t.count >= 2) {
            for (i = 0; i < t.count; i++)
                printf("text: %s\n", t.lines[i]);
            return 0;
        }
        Sleep(100);
    }
    printf("no message box with text within %d s\n", seconds);
    return 1;
}
