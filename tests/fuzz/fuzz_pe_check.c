/* libFuzzer target for the PE checker (server/diagnose/pe_check.c), which /diagnose
 * runs on whatever file LocalServer32 names: any bytes at all.
 * Beyond "no crash": the verdict is the same with and without an info
 * block, the description always fits its buffer, and an accepted image was
 * read within the bytes given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/diagnose/pe_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct pe_host hosts[] = {
        { PE_MACHINE_I386, 5, 0 }, { PE_MACHINE_AMD64, 5, 2 }, { PE_MACHINE_AMD64, 10, 0 },
    };
    struct pe_info info;
    char line[256];
    size_t i;

    for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        enum pe_status with = pe_check(data, size, size, &hosts[i], &info);
        enum pe_status without = pe_check(data, size, size, &hosts[i], NULL);

        if (with != without)
            abort();
        pe_describe(with, &info, &hosts[i], line, sizeof(line));
        if (strlen(line) >= sizeof(line))
            abort();
        if (with == PE_OK && info.e_lfanew >= size)
            abort();
    }
    /* No host: the structure checks alone; a file claimed larger than given. */
    (void)pe_check(data, size, (uint64_t)size + 4096u, NULL, NULL);
    return 0;
}
