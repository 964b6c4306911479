/* Can this Windows start that file as a program?  The checks behind
 * "<path> -Embedding is not a valid Win32 application" (ERROR_BAD_EXE_FORMAT),
 * the DCOM error KB 911143 quotes, read from the file's first bytes: MZ and
 * PE signatures, truncation, machine type against the OS's, PE32/PE32+
 * against the machine, the executable and DLL flags, the subsystem, and
 * the subsystem version against the OS version.
 *
 * The bytes are hostile input (whatever file LocalServer32 names): every
 * field is bounds-checked against the bytes given and the file size, all
 * arithmetic is done in 64 bits, and nothing is read past data[len - 1].
 * Plain C with no Windows headers (layouts spelled out here), unit-tested
 * natively under the sanitizers. */
#ifndef EMPKP_PE_CHECK_H
#define EMPKP_PE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#define PE_MACHINE_I386   0x014Cu
#define PE_MACHINE_AMD64  0x8664u
#define PE_MACHINE_IA64   0x0200u
#define PE_MACHINE_ARMNT  0x01C4u
#define PE_MACHINE_ARM64  0xAA64u

#define PE_MAGIC_PE32      0x010Bu
#define PE_MAGIC_PE32PLUS  0x020Bu

#define PE_FILE_EXECUTABLE_IMAGE  0x0002u
#define PE_FILE_DLL               0x2000u

#define PE_SUBSYSTEM_WINDOWS_GUI  2u
#define PE_SUBSYSTEM_WINDOWS_CUI  3u

/* How many bytes of the file the caller should read: enough for the headers
 * of any ordinary program (ours: about 1 KiB). */
#define PE_CHECK_READ_BYTES  (64u * 1024u)

/* The Windows that would start the program. */
struct pe_host {
    uint16_t machine;           /* native machine: PE_MACHINE_I386 or _AMD64 (or _IA64, _ARM64) */
    unsigned os_major, os_minor; /* e.g. 5.0 for Windows 2000, 5.2 for Server 2003 */
};

enum pe_status {
    PE_OK,
    PE_E_EMPTY,              /* the file is empty */
    PE_E_NOT_MZ,             /* no "MZ": not a program at all (text, data, a script) */
    PE_E_TRUNCATED,          /* ends before its headers or its sections do: a damaged copy */
    PE_E_NOT_PE,             /* "MZ" but no "PE\0\0" where e_lfanew points: MS-DOS or 16-bit */
    PE_E_HEADER_FAR,         /* the PE header lies beyond the bytes given: not checked */
    PE_E_BAD_HEADER,         /* optional header too small, unknown magic, sections overlap it */
    PE_E_MACHINE,            /* built for a machine this Windows cannot run */
    PE_E_MAGIC,              /* PE32 for a 64-bit machine or PE32+ for i386 */
    PE_E_NOT_EXECUTABLE,     /* IMAGE_FILE_EXECUTABLE_IMAGE unset: an object file or a failed link */
    PE_E_DLL,                /* a DLL, which cannot be started as a program */
    PE_E_SUBSYSTEM,          /* not a Windows GUI or console program (driver, EFI, ...) */
    PE_E_SUBSYSTEM_VERSION   /* asks for a newer Windows than this one */
};

/* What was read, as far as it got (fields not reached stay 0). */
struct pe_info {
    uint32_t e_lfanew;
    char signature[3];       /* "PE", or "NE"/"LE"/"LX" for old formats, else "" */
    uint16_t machine;
    uint16_t sections;
    uint16_t characteristics;
    uint16_t magic;
    uint16_t subsystem;
    uint16_t subsystem_major, subsystem_minor;
    uint64_t needed;         /* for TRUNCATED: the bytes the file should have */
    uint64_t file_size;      /* as given (at least len) */
};

/* data: the first len bytes of a file of file_size bytes (file_size below
 * len is taken as len).  info may be NULL; otherwise it is zeroed first.
 * The first failing check wins: the file's structure first (signatures,
 * header sizes, truncation), then what the image asks for (machine,
 * magic, flags, subsystem, version).  host NULL: the machine and version
 * checks are skipped. */
enum pe_status pe_check(const unsigned char *data, size_t len, uint64_t file_size,
                        const struct pe_host *host, struct pe_info *info);

/* Short, static, never NULL. */
const char *pe_status_str(enum pe_status st);
/* "i386", "AMD64", "IA64", "ARM", "ARM64", or "unknown". */
const char *pe_machine_name(uint16_t machine);
/* Whether a Windows on host_machine starts programs for image_machine
 * (64-bit Windows runs i386 programs through WOW64). */
int pe_host_runs(uint16_t host_machine, uint16_t image_machine);

/* One line saying what the file is, or why Windows will not start it, into
 * out (always NUL terminated when size > 0). */
void pe_describe(enum pe_status st, const struct pe_info *info, const struct pe_host *host,
                 char *out, size_t size);

#endif
