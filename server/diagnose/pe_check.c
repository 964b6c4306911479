/* See pe_check.h.  Offsets are those of the PE/COFF specification:
 *   DOS header: "MZ" at 0, e_lfanew (u32) at 0x3C
 *   at e_lfanew: "PE\0\0", then the COFF header (20 bytes): Machine u16 at
 *     0, NumberOfSections u16 at 2, SizeOfOptionalHeader u16 at 16,
 *     Characteristics u16 at 18
 *   optional header: Magic u16 at 0, MajorSubsystemVersion u16 at 48,
 *     MinorSubsystemVersion at 50, SizeOfHeaders u32 at 60, Subsystem u16
 *     at 68; at least 96 bytes (PE32) or 112 (PE32+) for those fields
 *   section headers (40 bytes each) follow it: SizeOfRawData u32 at 16,
 *     PointerToRawData u32 at 20 */
#include "pe_check.h"

#include <stdio.h>
#include <string.h>

#define COFF_HEADER_SIZE     20u
#define SECTION_HEADER_SIZE  40u
#define OPT_MIN_PE32         96u
#define OPT_MIN_PE32PLUS     112u

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Decimal text of a 64-bit number: msvcrt on Windows 2000 knows no %llu. */
static const char *u64_text(uint64_t v, char out[24])
{
    char *p = out + 23;

    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

/* [offset, offset + size) must lie in the file (else TRUNCATED) and in the
 * bytes we have (else HEADER_FAR); PE_OK when it does. */
static enum pe_status need(uint64_t offset, uint64_t size, size_t len, struct pe_info *info)
{
    if (offset + size > info->file_size) {
        info->needed = offset + size;
        return PE_E_TRUNCATED;
    }
    if (offset + size > len)
        return PE_E_HEADER_FAR;
    return PE_OK;
}

int pe_host_runs(uint16_t host_machine, uint16_t image_machine)
{
    if (host_machine == image_machine)
        return 1;
    switch (host_machine) {
    case PE_MACHINE_AMD64:   /* WOW64 */
    case PE_MACHINE_IA64:    /* the IA-32 execution layer / WOW64 */
        return image_machine == PE_MACHINE_I386;
    case PE_MACHINE_ARM64:   /* x86 and ARM32 emulation; x64 since Windows 11 */
        return image_machine == PE_MACHINE_I386 || image_machine == PE_MACHINE_AMD64 ||
               image_machine == PE_MACHINE_ARMNT;
    default:
        return 0;
    }
}

static enum pe_status check_sections(const unsigned char *data, uint64_t table, struct pe_info *info)
{
    uint64_t end, furthest = 0;
    unsigned i;

    for (i = 0; i < info->sections; i++) {
        const unsigned char *s = data + table + (uint64_t)i * SECTION_HEADER_SIZE;
        uint32_t raw_size = rd32(s + 16), raw_ptr = rd32(s + 20);

        end = (uint64_t)raw_ptr + raw_size;
        if (raw_size && end > furthest)
            furthest = end;
    }
    if (furthest > info->file_size) {
        info->needed = furthest;
        return PE_E_TRUNCATED;
    }
    return PE_OK;
}

enum pe_status pe_check(const unsigned char *data, size_t len, uint64_t file_size,
                        const struct pe_host *host, struct pe_info *info)
{
    struct pe_info scratch;
    uint64_t coff, opt, table;
    uint32_t size_of_headers;
    uint16_t size_opt, min_opt;
    enum pe_status st;

    if (!info)
        info = &scratch;
    memset(info, 0, sizeof(*info));
    if (!data)
        len = 0;
    info->file_size = file_size < len ? len : file_size;
    if (info->file_size == 0)
        return PE_E_EMPTY;
    if (len < 2)
        return info->file_size < 2 ? PE_E_NOT_MZ : PE_E_HEADER_FAR;
    if (data[0] != 'M' || data[1] != 'Z')
        return PE_E_NOT_MZ;
    if ((st = need(0, 0x40, len, info)) != PE_OK)
        return st;
    info->e_lfanew = rd32(data + 0x3C);

    /* A DOS program's e_lfanew may point anywhere, even past the end. */
    if ((uint64_t)info->e_lfanew + 4 > info->file_size)
        return PE_E_NOT_PE;
    if ((uint64_t)info->e_lfanew + 4 > len)
        return PE_E_HEADER_FAR;
    if (is_upper(data[info->e_lfanew]) && is_upper(data[info->e_lfanew + 1])) {
        info->signature[0] = (char)data[info->e_lfanew];
        info->signature[1] = (char)data[info->e_lfanew + 1];
    }
    if (memcmp(data + info->e_lfanew, "PE\0\0", 4) != 0) {
        if (strcmp(info->signature, "NE") && strcmp(info->signature, "LE") &&
            strcmp(info->signature, "LX"))
            info->signature[0] = 0;
        return PE_E_NOT_PE;
    }

    coff = (uint64_t)info->e_lfanew + 4;
    if ((st = need(coff, COFF_HEADER_SIZE, len, info)) != PE_OK)
        return st;
    info->machine = rd16(data + coff);
    info->sections = rd16(data + coff + 2);
    size_opt = rd16(data + coff + 16);
    info->characteristics = rd16(data + coff + 18);

    opt = coff + COFF_HEADER_SIZE;
    if (size_opt < 2)
        return PE_E_BAD_HEADER;
    if ((st = need(opt, size_opt, len, info)) != PE_OK)
        return st;
    info->magic = rd16(data + opt);
    if (info->magic == PE_MAGIC_PE32)
        min_opt = OPT_MIN_PE32;
    else if (info->magic == PE_MAGIC_PE32PLUS)
        min_opt = OPT_MIN_PE32PLUS;
    else
        return PE_E_BAD_HEADER;
    if (size_opt < min_opt)
        return PE_E_BAD_HEADER;
    info->subsystem_major = rd16(data + opt + 48);
    info->subsystem_minor = rd16(data + opt + 50);
    size_of_headers = rd32(data + opt + 60);
    info->subsystem = rd16(data + opt + 68);

    table = opt + size_opt;
    if ((st = need(table, (uint64_t)info->sections * SECTION_HEADER_SIZE, len, info)) != PE_OK)
        return st;
    if (size_of_headers > info->file_size) {
        info->needed = size_of_headers;
        return PE_E_TRUNCATED;
    }
    if ((st = check_sections(data, table, info)) != PE_OK)
        return st;

    if (host && !pe_host_runs(host->machine, info->machine))
        return PE_E_MACHINE;
    if ((info->machine == PE_MACHINE_I386 || info->machine == PE_MACHINE_ARMNT)
            ? info->magic != PE_MAGIC_PE32
            : (info->machine == PE_MACHINE_AMD64 || info->machine == PE_MACHINE_IA64 ||
               info->machine == PE_MACHINE_ARM64) && info->magic != PE_MAGIC_PE32PLUS)
        return PE_E_MAGIC;
    if (!(info->characteristics & PE_FILE_EXECUTABLE_IMAGE))
        return PE_E_NOT_EXECUTABLE;
    if (info->characteristics & PE_FILE_DLL)
        return PE_E_DLL;
    if (info->subsystem != PE_SUBSYSTEM_WINDOWS_GUI && info->subsystem != PE_SUBSYSTEM_WINDOWS_CUI)
        return PE_E_SUBSYSTEM;
    if (host && (info->subsystem_major > host->os_major ||
                 (info->subsystem_major == host->os_major && info->subsystem_minor > host->os_minor)))
        return PE_E_SUBSYSTEM_VERSION;
    return PE_OK;
}

const char *pe_status_str(enum pe_status st)
{
    switch (st) {
    case PE_OK:                  return "a program this Windows can start";
    case PE_E_EMPTY:             return "empty file";
    case PE_E_NOT_MZ:            return "not a program (no MZ signature)";
    case PE_E_TRUNCATED:         return "truncated";
    case PE_E_NOT_PE:            return "MS-DOS or 16-bit program (no PE header)";
    case PE_E_HEADER_FAR:        return "PE header beyond the bytes read";
    case PE_E_BAD_HEADER:        return "damaged PE header";
    case PE_E_MACHINE:           return "built for another machine type";
    case PE_E_MAGIC:             return "PE32/PE32+ does not match the machine type";
    case PE_E_NOT_EXECUTABLE:    return "not marked executable";
    case PE_E_DLL:               return "a DLL, not a program";
    case PE_E_SUBSYSTEM:         return "not a Windows GUI or console program";
    case PE_E_SUBSYSTEM_VERSION: return "needs a newer Windows (subsystem version)";
    }
    return "unknown";
}

const char *pe_machine_name(uint16_t machine)
{
    switch (machine) {
    case PE_MACHINE_I386:  return "i386";
    case PE_MACHINE_AMD64: return "AMD64";
    case PE_MACHINE_IA64:  return "IA64";
    case PE_MACHINE_ARMNT: return "ARM";
    case PE_MACHINE_ARM64: return "ARM64";
    }
    return "unknown";
}

static const char *subsystem_name(uint16_t subsystem)
{
    switch (subsystem) {
    case 1:  return "native: a driver or boot-time program";
    case 2:  return "Windows GUI";
    case 3:  return "Windows console";
    case 5:  return "OS/2 console";
    case 7:  return "POSIX console";
    case 9:  return "Windows CE";
    case 10: case 11: case 12: case 13: return "EFI";
    case 14: return "Xbox";
    case 16: return "boot application";
    }
    return "unknown";
}

void pe_describe(enum pe_status st, const struct pe_info *info, const struct pe_host *host,
                 char *out, size_t size)
{
    static const struct pe_info none;
    const char *kind;
    char needed[24], have[24];

    if (!out || !size)
        return;
    if (!info)
        info = &none;
    kind = info->magic == PE_MAGIC_PE32PLUS ? "PE32+" : "PE32";
    switch (st) {
    case PE_OK:
        snprintf(out, size, "a %s %s %s program for Windows %u.%u or later", kind,
                 pe_machine_name(info->machine), subsystem_name(info->subsystem),
                 info->subsystem_major, info->subsystem_minor);
        break;
    case PE_E_EMPTY:
        snprintf(out, size, "the file is empty (0 bytes)");
        break;
    case PE_E_NOT_MZ:
        snprintf(out, size, "not a program: it does not start with \"MZ\" (a text or data file)");
        break;
    case PE_E_TRUNCATED:
        snprintf(out, size, "truncated: its headers and sections need %s bytes, the file has %s "
                 "(an interrupted copy)", u64_text(info->needed, needed),
                 u64_text(info->file_size, have));
        break;
    case PE_E_NOT_PE:
        if (!strcmp(info->signature, "NE"))
            snprintf(out, size, "a 16-bit Windows program (NE header), not a Win32 one");
        else if (info->signature[0])
            snprintf(out, size, "an OS/2 or VxD image (%s header), not a Win32 program",
                     info->signature);
        else
            snprintf(out, size, "an MS-DOS program: no PE header where e_lfanew (0x%lX) points",
                     (unsigned long)info->e_lfanew);
        break;
    case PE_E_HEADER_FAR:
        snprintf(out, size, "its PE header lies beyond the first bytes read (e_lfanew 0x%lX): "
                 "not checked", (unsigned long)info->e_lfanew);
        break;
    case PE_E_BAD_HEADER:
        snprintf(out, size, "a damaged PE header (optional header magic 0x%04X)", info->magic);
        break;
    case PE_E_MACHINE:
        snprintf(out, size, "a PE image for %s (machine 0x%04X), which this %s Windows cannot run",
                 pe_machine_name(info->machine), info->machine,
                 host ? pe_machine_name(host->machine) : "");
        break;
    case PE_E_MAGIC:
        snprintf(out, size, "a %s header for an %s machine: a damaged or patched header", kind,
                 pe_machine_name(info->machine));
        break;
    case PE_E_NOT_EXECUTABLE:
        snprintf(out, size, "not marked executable (an object file, or a link that failed)");
        break;
    case PE_E_DLL:
        snprintf(out, size, "a DLL, not a program: it cannot be started as a local server");
        break;
    case PE_E_SUBSYSTEM:
        snprintf(out, size, "subsystem %u (%s), not a Windows GUI or console program",
                 info->subsystem, subsystem_name(info->subsystem));
        break;
    case PE_E_SUBSYSTEM_VERSION:
        snprintf(out, size, "it asks for Windows %u.%u or later (subsystem version); this is "
                 "Windows %u.%u", info->subsystem_major, info->subsystem_minor,
                 host ? host->os_major : 0, host ? host->os_minor : 0);
        break;
    default:
        snprintf(out, size, "%s", pe_status_str(st));
        break;
    }
}
