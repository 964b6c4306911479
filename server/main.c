/* empkp.exe: the EMPKP public key publisher, an out-of-process COM server.
 * Decides what to do from its arguments (cmdline.c) and dispatches. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmdline.h"
#include "common/console.h"
#include "server/diagnose/diagnose.h"
#include "server/diagnose/diagnose_dcom.h"
#include "server/com/server_loop.h"
#include "server/publish/publish.h"
#include "server/register/registration.h"
#include "server/register/stopservers.h"
#include "server/com/trace.h"
#include "common/wintext.h"

static void report(const char *what, DWORD err)
{
    char msg[512], text[300];

    if (err == ERROR_SUCCESS)
        return;
    snprintf(msg, sizeof(msg), "empkp: %s failed: %s\n", what, win32_error_text(err, text, sizeof(text)));
    console_write(1, msg);
}

static DWORD run(const struct cmdline *cmd)
{
    char msg[256];
    DWORD err;

    switch (cmd->action) {
    case CMDLINE_USAGE:
        console_write(0, cmdline_usage());
        return ERROR_SUCCESS;
    case CMDLINE_REGSERVER:
        err = register_server();
        report("/regserver", err);
        return err;
    case CMDLINE_UNREGSERVER: {
        char left[MAX_PATH * 12 + 400];
        err = unregister_server_report(left, sizeof(left));
        report("/unregserver", err);
        if (left[0]) {
            snprintf(msg, sizeof(msg), "empkp: /unregserver: ");
            console_write(0, msg);
            console_write(0, left);
            console_write(0, "\n");
        }
        return err;
    }
    case CMDLINE_EMBEDDING:
        return server_run();
    case CMDLINE_PUBLISH:
        err = publish();
        snprintf(msg, sizeof(msg), "ErrID=%ld\n", (long)err);
        console_write(0, msg);
        return err;
    case CMDLINE_DIAGNOSE:
        diagnose_dcom_options(cmd->account, cmd->dcom);
        return diagnose(cmd->fix, cmd->json);
    case CMDLINE_STOPSERVERS:
        return stop_servers();
    case CMDLINE_ERROR:
    default:
        snprintf(msg, sizeof(msg), "empkp: %s\n", cmd->message);
        console_write(1, msg);
        return CMDLINE_EXIT_BADARGS;
    }
}

int WINAPI wWinMain(HINSTANCE instance, HINSTANCE prev, LPWSTR cmdline_text, int show)
{
    struct cmdline cmd;
    char **argv;
    int argc = __argc;

    (void)instance;
    (void)prev;
    (void)cmdline_text;
    (void)show;
    trace_init();
    argv = console_utf8_args(argc, __wargv);
    if (!argv)
        return ERROR_NOT_ENOUGH_MEMORY;
    cmdline_parse(argc, (const char *const *)argv, &cmd);
    console_free_args(argc, argv);
    return (int)run(&cmd);
}
