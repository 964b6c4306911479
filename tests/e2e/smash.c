/* smash.exe TEXT: copies TEXT into an 8-byte local array, on purpose
 * without a bound, to show that the stack protector of the shipped
 * binaries' flags is live: with it, a long TEXT ends the process in
 * libssp's __stack_chk_fail (an illegal instruction, 0xC000001D) instead of
 * a return into the overwritten bytes.  A test program, never shipped. */
#include <stdio.h>
#include <string.h>

static __attribute__((noinline)) size_t copy_into_small(const char *text)
{
    char small[8];
    size_t n = strlen(text);

    memcpy(small, text, n + 1);   /* no bound check: the point of the test */
    puts(small);   /* the array is used, so the copy stays */
    return n;
}

int main(int argc, char **argv)
{
    size_t n = copy_into_small(argc > 1 ? argv[1] : "short");

    printf("copied %u bytes\n", (unsigned)n);
    return 0;
}
