/* libFuzzer target for empkpcred's password input (tools/credinput.c):
 * whatever bytes an administrator's script pipes into standard input, and
 * whatever the console returns.  Beyond no crash: a decoded password fits
 * the buffer, is never empty and holds no U+0000 and no line end; a
 * failure leaves *n at 0; an accepted console line fits the capacity it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/credinput.h"

#define CAP 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint16_t out[CAP], *units;
    size_t n = 12345, i, count = size / 2, cap;
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

    /* The same bytes as UTF-16 code units from ReadConsoleW, read into a
     * buffer two units larger than the capacity, as password.c does: an
     * accepted line fits the capacity (password.c copies n units into a
     * cap-unit buffer), ends before a CR or LF, and holds no U+0000.  The
     * capacity comes from the input too, so short inputs reach the bound. */
    cap = size ? data[0] : 0;
    units = malloc(count ? count * sizeof(*units) : 1);
    if (!units)
        return 0;
    memcpy(units, data, count * sizeof(*units));
    n = 12345;
    st = credinput_console_line(units, count, cap, &n);
    if (st == CREDINPUT_OK) {
        if (n == 0 || n > cap || n >= count || (units[n] != '\r' && units[n] != '\n'))
            abort();
        for (i = 0; i < n; i++)
            if (units[i] == 0 || units[i] == '\r' || units[i] == '\n')
                abort();
    } else if (n != 0) {
        abort();
    }
    free(units);
    return 0;
}
