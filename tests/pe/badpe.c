/* badpe.exe: a deliberately unfit PE, never shipped.  tests/pe-tests.sh runs
 * its checks on this file too and expects every one of them to fail, so a
 * check that can no longer fail (say, after a change in objdump's output)
 * shows up as a failure instead of a silent pass.  The Makefile links it
 * without ASLR, DEP or relocations, asking for Windows 6.0, with debug
 * sections (which name the build folder) and no time stamp; the code adds a section both writable and executable, and an
 * import that Windows 2000/2003 do not have. */
#include <windows.h>

/* Vista and later; declared here so that no _WIN32_WINNT setting hides it. */
WINBASEAPI ULONGLONG WINAPI GetTickCount64(void);

__asm__(".section .wxcode,\"wx\"\n\t.byte 0xc3\n\t.text");

int main(void)
{
    return (int)(GetTickCount64() & 1);
}
