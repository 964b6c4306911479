/* Fault points: places where a test build can make empkp or empkpcred fail on
 * purpose, to prove that a crash or a refused write at any step leaves a
 * state the next run repairs.  They exist only when compiled with
 * -DEMPKP_FAULT_POINTS (build/<arch>/tests/empkp-faults.exe and
 * empkpcred-faults.exe); the shipped binaries have none, and read no
 * environment for them.
 *
 * EMPKP_FAULT=<list> in the environment, comma-separated:
 *   kill:POINT   FAULT_CRASH(POINT) ends the process at once (exit code
 *                FAULT_EXIT_CODE), as a power cut or a kill would;
 *   fail:POINT   FAULT_FAIL(POINT) is true, so the caller fails that step
 *                (with ERROR_ACCESS_DENIED, ERROR_WRITE_FAULT, ... as a
 *                tightened DACL or a full disk would);
 *   err:POINT=CODE  FAULT_ERROR(POINT) is CODE (decimal or 0x hex), which
 *                the caller returns instead of calling Windows: Windows'
 *                own answer where Wine would give another (NTE_BAD_KEYSET
 *                for a container another account owns, ERROR_ACCESS_DENIED
 *                on an object Wine never protects).  0 when not selected.
 *   text:POINT=TEXT  FAULT_TEXT(POINT, BUF, SIZE) copies TEXT (up to the next
 *                comma) to BUF and is true: a value the caller uses instead
 *                of asking Windows (an SDDL security descriptor where Wine
 *                keeps none).  False, BUF untouched, when not selected.
 * POINT may be a string built at run time (one per loop step, say). */
#ifndef EMPKP_FAULTPOINT_H
#define EMPKP_FAULTPOINT_H

#define FAULT_EXIT_CODE 0xFA

#ifdef EMPKP_FAULT_POINTS
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is "ACTION:POINT" one whole entry of EMPKP_FAULT? */
static inline BOOL fault_selected(const char *action, const char *point)
{
    char list[512], want[128];
    DWORD n = GetEnvironmentVariableA("EMPKP_FAULT", list + 1, sizeof(list) - 2);

    if (n == 0 || n >= sizeof(list) - 2)
        return FALSE;
    list[0] = ',';               /* ",kill:a,fail:b," finds whole entries */
    list[n + 1] = ',';
    list[n + 2] = 0;
    snprintf(want, sizeof(want), ",%s:%s,", action, point);
    return strstr(list, want) != NULL;
}
/* The CODE of an "err:POINT=CODE" entry of EMPKP_FAULT, or 0. */
static inline DWORD fault_error(const char *point)
{
    char list[512], want[128], *at, *end;
    unsigned long code;
    DWORD n = GetEnvironmentVariableA("EMPKP_FAULT", list + 1, sizeof(list) - 1);

    if (n == 0 || n >= sizeof(list) - 1)
        return 0;
    list[0] = ',';
    snprintf(want, sizeof(want), ",err:%s=", point);
    at = strstr(list, want);
    if (!at)
        return 0;
    code = strtoul(at + strlen(want), &end, 0);
    return (*end == ',' || *end == 0) ? (DWORD)code : 0;
}
/* The TEXT of a "text:POINT=TEXT" entry of EMPKP_FAULT into buf. */
static inline BOOL fault_text(const char *point, char *buf, size_t size)
{
    char list[512], want[128], *at, *end;
    DWORD n = GetEnvironmentVariableA("EMPKP_FAULT", list + 1, sizeof(list) - 1);
    size_t len;

    if (n == 0 || n >= sizeof(list) - 1 || !size)
        return FALSE;
    list[0] = ',';
    snprintf(want, sizeof(want), ",text:%s=", point);
    if (!(at = strstr(list, want)))
        return FALSE;
    at += strlen(want);
    end = strchr(at, ',');
    len = end ? (size_t)(end - at) : strlen(at);
    if (len >= size)
        return FALSE;
    memcpy(buf, at, len);
    buf[len] = 0;
    return TRUE;
}
#define FAULT_CRASH(point) \
    do { if (fault_selected("kill", (point))) TerminateProcess(GetCurrentProcess(), FAULT_EXIT_CODE); } while (0)
#define FAULT_FAIL(point) fault_selected("fail", (point))
#define FAULT_ERROR(point) fault_error(point)
#define FAULT_TEXT(point, buf, size) fault_text((point), (buf), (size))
#else
#define FAULT_CRASH(point) do { (void)(point); } while (0)
#define FAULT_FAIL(point) ((void)(point), 0)
#define FAULT_ERROR(point) ((void)(point), (DWORD)0)
#define FAULT_TEXT(point, buf, size) ((void)(point), (void)(buf), (void)(size), 0)
#endif

#endif
