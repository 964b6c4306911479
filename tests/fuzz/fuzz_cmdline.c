/* libFuzzer target: empkp.exe's command-line parser (server/cmdline.c).
 *
 * The input is split at NUL bytes into arguments (argv[1..]); argv[0] is the
 * program name, and argv[argc] is NULL, as main() gets them.  The parser must
 * never crash or read out of bounds, and its result must keep the promises of
 * cmdline.h: a known action; an empty message unless it is an error; a
 * terminated message of bounded length that quotes at most 40 bytes of the
 * offending argument. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/cmdline.h"

#define REQUIRE(cond) \
    do { if (!(cond)) { fprintf(stderr, "property failed: %s (line %d)\n", #cond, __LINE__); abort(); } } while (0)

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *argv[MAX_ARGS + 2];
    struct cmdline cmd;
    char *buf, *p, *end;
    int argc = 1;

    /* Each argument in a heap block of its own, exactly sized, so that
     * AddressSanitizer catches a read past any argument's terminator. */
    buf = malloc(size + 1);
    REQUIRE(buf != NULL);
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[0] = "empkp.exe";
    for (p = buf, end = buf + size; argc <= MAX_ARGS; p += strlen(p) + 1) {
        size_t n = strlen(p);
        char *arg = malloc(n + 1);
        REQUIRE(arg != NULL);
        memcpy(arg, p, n + 1);
        argv[argc++] = arg;
        if (p + n >= end)
            break;
    }
    argv[argc] = NULL;

    memset(&cmd, 0xA5, sizeof cmd);   /* the parser must set every field */
    cmdline_parse(argc, argv, &cmd);

    REQUIRE(cmd.action == CMDLINE_USAGE || cmd.action == CMDLINE_REGSERVER
            || cmd.action == CMDLINE_UNREGSERVER || cmd.action == CMDLINE_EMBEDDING
            || cmd.action == CMDLINE_ERROR);
    REQUIRE(memchr(cmd.message, '\0', sizeof cmd.message) != NULL);
    if (cmd.action == CMDLINE_ERROR) {
        REQUIRE(cmd.message[0] != '\0');
        /* Longest template text (< 70) + 40 quoted bytes + "...\"": the
         * message never just repeats a long hostile argument. */
        REQUIRE(strlen(cmd.message) <= 120);
    } else {
        REQUIRE(cmd.message[0] == '\0');
        REQUIRE(argc == 2);
        REQUIRE(argv[1][0] == '/' || argv[1][0] == '-');
    }

    /* Every parse is a pure function of argv: the same again. */
    {
        struct cmdline again;
        cmdline_parse(argc, argv, &again);
        REQUIRE(again.action == cmd.action);
        REQUIRE(strcmp(again.message, cmd.message) == 0);
    }

    while (argc > 1)
        free((void *)argv[--argc]);
    free(buf);
    return 0;
}
