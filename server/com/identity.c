/* See identity.h. */
#include "identity.h"

#include <stddef.h>

static const struct identity_names names[IDENTITY_COUNT] = {
    [IDENTITY_EMPKP] = {
        .progid = "EMPKP.PubKeyPublisher",
        .progid_versioned = "EMPKP.PubKeyPublisher.1",
        .appid_name = "EMPKP",
        .exe_name = "empkp.exe",
        .mp_versions = "Exchange 2003, or Exchange 2000 with MOM 2005",
        .event_not_created = 10001,
        .event_publish_failed = 10000,
    },
    [IDENTITY_EXCHKP] = {
        .progid = "ExchKP.PubKeyPublisher",
        .progid_versioned = "ExchKP.PubKeyPublisher.1",
        .appid_name = "ExchKP",
        .exe_name = "ExchKP.exe",
        .mp_versions = "Exchange 2000 with MOM 2000 SP1",
        .event_not_created = 9972,
        .event_publish_failed = 9970,
    },
};

static int ascii_tolower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* The file name: after the last separator, or after "C:" in "C:ExchKP.exe". */
static const char *file_name(const char *path)
{
    const char *name = path, *p;

    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/' || (*p == ':' && p == path + 1))
            name = p + 1;
    return name;
}

/* name equals lower (all lower case ASCII) in any case. */
static int name_is(const char *name, const char *lower)
{
    for (; *lower; name++, lower++)
        if (!*name || ascii_tolower((unsigned char)*name) != *lower)
            return 0;
    return !*name;
}

enum identity_kind identity_from_path(const char *path)
{
    if (!path)
        return IDENTITY_EMPKP;
    return name_is(file_name(path), "exchkp.exe") ? IDENTITY_EXCHKP : IDENTITY_EMPKP;
}

int identity_is_server_exe(const char *path)
{
    const char *name;

    if (!path)
        return 0;
    name = file_name(path);
    return name_is(name, "empkp.exe") || name_is(name, "exchkp.exe");
}

const struct identity_names *identity_names(enum identity_kind kind)
{
    return &names[kind == IDENTITY_EXCHKP ? IDENTITY_EXCHKP : IDENTITY_EMPKP];
}

enum identity_kind identity_other(enum identity_kind kind)
{
    return kind == IDENTITY_EXCHKP ? IDENTITY_EMPKP : IDENTITY_EXCHKP;
}
