/* libFuzzer target for empkpcred's password input (tools/credinput.c):
 * whatever bytes an administrator's script pipes into standard input, and
 * whatever the console returns.  Beyond no crash: a decoded password fits
 * the buffer, is never empty and holds no U+0000 and no line end; a
 * failure leaves *n at 0; the console line's length is within the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "credinput.h"

#define CAP 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t out[CAP], *units;
    size_t n = 12345, i, count = size / 2;
    enum credinput_status st = credinput_decode(data, size, out, CAP, &n);

    if (st == CREDINPUT_OK) {
        if (n == 0 || n > CAP)
            abort();
        for (i = 0; i < n; i++)
            if (out[i] == 0 || out[i] == '\n' || out[i] == '\r')
                abort();
    } else if (n != 0) {
        abort();
    }
    if (!credinput_status_str(st))
        abort();

    /* The same bytes as UTF-16 code units from ReadConsoleW. */
    units = malloc(count ? count * sizeof(*units) : 1);
    if (!units)
        return 0;
    memcpy(units, data, count * sizeof(*units));
    n = 0;
    if (credinput_console_line(units, count, &n) == CREDINPUT_OK && n > count)
        abort();
    free(units);
    return 0;
}
