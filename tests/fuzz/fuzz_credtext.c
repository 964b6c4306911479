/* libFuzzer target for the DATA1..3 reader's own part (crypto/credblob.c):
 * CryptDecrypt gives back whatever plaintext a DATA1..3 value decrypts to,
 * and credblob_check_text decides whether to believe it.  Beyond no crash:
 * it agrees with credblob_check_units on the same bytes read as UTF-16LE
 * (an odd length is always refused), and credblob_reverse is its own
 * inverse (the byte order swap every value goes through). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/credblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum credblob_status text = credblob_check_text(data, size), units_st;
    uint16_t *units;
    unsigned char *copy;
    size_t i, n = size / 2;

    if (size % 2) {
        if (text == CREDBLOB_OK)
            abort();
    } else {
        units = malloc(n ? n * sizeof(*units) : 1);
        if (!units)
            return 0;
        for (i = 0; i < n; i++)
            units[i] = (uint16_t)(data[2 * i] | data[2 * i + 1] << 8);
        units_st = credblob_check_units(units, n);
        free(units);
        if ((text == CREDBLOB_OK) != (units_st == CREDBLOB_OK))
            abort();
    }
    if (!credblob_status_str(text))
        abort();

    copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    credblob_reverse(copy, size);
    for (i = 0; i < size; i++)
        if (copy[i] != data[size - 1 - i])
            abort();
    credblob_reverse(copy, size);
    if (size && memcmp(copy, data, size))
        abort();
    free(copy);
    return 0;
}
