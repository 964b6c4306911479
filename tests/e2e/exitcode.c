/* exitcode PROGRAM [ARGS...]: runs the rest of its command line as it is,
 * with the same standard handles, waits, then prints "exit=N": the whole
 * 32-bit exit code, which a Unix shell running Wine sees only modulo 256
 * (empkp /diagnose exits with MOM event numbers such as 10001).  Exit code
 * 0, or 2 when the program could not be started. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    WCHAR *cmd = GetCommandLineW();
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 0;

    /* Skip our own name, quoted or not, and the blanks after it. */
    if (*cmd == L'"') {
        for (cmd++; *cmd && *cmd != L'"'; cmd++)
            ;
        if (*cmd)
            cmd++;
    } else {
        while (*cmd && *cmd != L' ' && *cmd != L'\t')
            cmd++;
    }
    while (*cmd == L' ' || *cmd == L'\t')
        cmd++;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    fflush(stdout);
    if (!*cmd || !CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("exitcode: could not start the program (error %lu)\n", (unsigned long)GetLastError());
        return 2;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    printf("exit=%lu\n", (unsigned long)code);
    return 0;
}
