/* Security descriptors, read and judged in plain C (see sdcheck.h). */
#include <stdio.h>
#include <string.h>

#include "sdcheck.h"

#define SID_BYTES(...) ((const unsigned char[]){__VA_ARGS__})
#define WELL_KNOWN(name, ...) \
    const struct sd_sid name = {SID_BYTES(__VA_ARGS__), sizeof((const unsigned char[]){__VA_ARGS__})}

/* revision 1, sub-authority count, authority (big-endian), sub-authorities
 * (little-endian) */
WELL_KNOWN(SD_SID_SYSTEM, 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0);
WELL_KNOWN(SD_SID_ADMINISTRATORS, 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0);
WELL_KNOWN(SD_SID_USERS, 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x21, 2, 0, 0);
WELL_KNOWN(SD_SID_EVERYONE, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0);
WELL_KNOWN(SD_SID_AUTHENTICATED, 1, 1, 0, 0, 0, 0, 0, 5, 11, 0, 0, 0);
WELL_KNOWN(SD_SID_INTERACTIVE, 1, 1, 0, 0, 0, 0, 0, 5, 4, 0, 0, 0);
WELL_KNOWN(SD_SID_SERVICE, 1, 1, 0, 0, 0, 0, 0, 5, 6, 0, 0, 0);
WELL_KNOWN(SD_SID_CREATOR_OWNER, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0);

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int sd_sid_parse(const unsigned char *p, size_t avail, size_t *len)
{
    size_t need;

    if (!p || avail < 8 || p[0] != 1 || p[1] > 15)
        return 0;
    need = 8 + 4 * (size_t)p[1];
    if (need > avail)
        return 0;
    if (len)
        *len = need;
    return 1;
}

int sd_sid_equal(struct sd_sid a, struct sd_sid b)
{
    return a.len != 0 && a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

int sd_sid_in(struct sd_sid s, const struct sd_sid *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (sd_sid_equal(s, list[i]))
            return 1;
    return 0;
}

int sd_sid_to_string(struct sd_sid s, char *buf, size_t size)
{
    uint64_t authority = 0;
    size_t len, used, i;
    int n;

    if (!buf || size == 0)
        return 0;
    if (!sd_sid_parse(s.p, s.len, &len) || len != s.len) {
        snprintf(buf, size, "?");
        return 0;
    }
    for (i = 2; i < 8; i++)
        authority = authority << 8 | s.p[i];
    n = snprintf(buf, size, "S-1-%llu", (unsigned long long)authority);
    if (n < 0 || (size_t)n >= size)
        goto too_small;
    used = (size_t)n;
    for (i = 0; i < s.p[1]; i++) {
        n = snprintf(buf + used, size - used, "-%lu", (unsigned long)le32(s.p + 8 + 4 * i));
        if (n < 0 || (size_t)n >= size - used)
            goto too_small;
        used += (size_t)n;
    }
    return 1;
too_small:
    snprintf(buf, size, "?");
    return 0;
}

const char *sd_sid_wellknown_name(struct sd_sid s)
{
    static const struct {
        const struct sd_sid *sid;
        const char *name;
    } names[] = {
        {&SD_SID_SYSTEM, "SYSTEM"},
        {&SD_SID_ADMINISTRATORS, "Administrators"},
        {&SD_SID_USERS, "Users"},
        {&SD_SID_EVERYONE, "Everyone"},
        {&SD_SID_AUTHENTICATED, "Authenticated Users"},
        {&SD_SID_INTERACTIVE, "INTERACTIVE"},
        {&SD_SID_SERVICE, "SERVICE"},
        {&SD_SID_CREATOR_OWNER, "CREATOR OWNER"},
    };
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (sd_sid_equal(s, *names[i].sid))
            return names[i].name;
    return NULL;
}

/* A SID at OFFSET of SD (0 = none): 0, or -1 when out of bounds. */
static int sid_at(const unsigned char *sd, size_t len, uint32_t offset, struct sd_sid *out)
{
    size_t sid_len;

    out->p = NULL;
    out->len = 0;
    if (offset == 0)
        return 0;
    if (offset < 20 || offset >= len || !sd_sid_parse(sd + offset, len - offset, &sid_len))
        return -1;
    out->p = sd + offset;
    out->len = sid_len;
    return 0;
}

/* Where an ACE's mask and SID sit, by ACE type.  Basic layout (allowed,
 * denied, audit, alarm, their callback forms, the mandatory label):
 * header, mask, SID.  Object layout: header, mask, flags, up to two GUIDs,
 * SID. */
static int ace_sid_offset(const unsigned char *ace, size_t size, size_t *offset)
{
    switch (ace[0]) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x09: case 0x0A:
    case 0x0D: case 0x0E: case 0x11:
        *offset = 8;
        return 1;
    case 0x05: case 0x06: case 0x07: case 0x08: case 0x0B: case 0x0C:
    case 0x0F: case 0x10: {
        uint32_t flags;
        if (size < 12)
            return 0;
        flags = le32(ace + 8);
        *offset = 12 + ((flags & 1) ? 16 : 0) + ((flags & 2) ? 16 : 0);
        return 1;
    }
    default:
        return 0;
    }
}

int sd_ace_at(const struct sd_view *v, unsigned index, struct sd_ace *out)
{
    const unsigned char *p;
    size_t at = 8, size = 0, sid_off, sid_len;
    unsigned i;

    if (!v || !v->dacl || index >= v->ace_count)
        return -1;
    for (i = 0; i <= index; i++) {
        at += size;
        if (v->dacl_len - at < 4)
            return -1;
        size = le16(v->dacl + at + 2);
        if (size < 8 || size > v->dacl_len - at)
            return -1;
    }
    p = v->dacl + at;
    out->type = p[0];
    out->flags = p[1];
    out->mask = le32(p + 4);
    out->sid.p = NULL;
    out->sid.len = 0;
    if (ace_sid_offset(p, size, &sid_off)) {
        if (sid_off >= size || !sd_sid_parse(p + sid_off, size - sid_off, &sid_len))
            return -1;
        out->sid.p = p + sid_off;
        out->sid.len = sid_len;
    }
    return 0;
}

int sd_parse(const void *sd_bytes, size_t len, struct sd_view *out)
{
    const unsigned char *sd = sd_bytes;
    uint32_t dacl_off;
    struct sd_ace ace;
    unsigned i;

    if (!sd || !out || len < 20 || sd[0] != 1)
        return -1;
    memset(out, 0, sizeof(*out));
    out->control = le16(sd + 2);
    if (!(out->control & SD_CONTROL_SELF_RELATIVE))
        return -1;
    if (sid_at(sd, len, le32(sd + 4), &out->owner) || sid_at(sd, len, le32(sd + 8), &out->group))
        return -1;
    out->dacl_present = (out->control & SD_CONTROL_DACL_PRESENT) != 0;
    dacl_off = le32(sd + 16);
    if (out->dacl_present && dacl_off != 0) {
        size_t acl_size;
        if (dacl_off < 20 || dacl_off > len || len - dacl_off < 8)
            return -1;
        acl_size = le16(sd + dacl_off + 2);
        if ((sd[dacl_off] != 2 && sd[dacl_off] != 4) || acl_size < 8 || acl_size > len - dacl_off)
            return -1;
        out->dacl = sd + dacl_off;
        out->dacl_len = acl_size;
        out->ace_count = le16(sd + dacl_off + 4);
        for (i = 0; i < out->ace_count; i++)
            if (sd_ace_at(out, i, &ace))
                return -1;
    }
    return 0;
}

static uint32_t map_generic(uint32_t mask, const struct sd_generic_map *map)
{
    uint32_t out;

    if (!map || (map->read | map->write | map->execute | map->all) == 0)
        return mask;
    out = mask & ~(SD_GENERIC_READ | SD_GENERIC_WRITE | SD_GENERIC_EXECUTE | SD_GENERIC_ALL);
    if (mask & SD_GENERIC_READ)
        out |= map->read;
    if (mask & SD_GENERIC_WRITE)
        out |= map->write;
    if (mask & SD_GENERIC_EXECUTE)
        out |= map->execute;
    if (mask & SD_GENERIC_ALL)
        out |= map->all;
    return out;
}

uint32_t sd_access(const struct sd_view *v, const struct sd_sid *token, size_t n,
                   uint32_t desired, const struct sd_generic_map *map)
{
    uint32_t granted = 0, denied = 0, mask;
    struct sd_ace ace;
    unsigned i;

    if (!v || !v->dacl_present || !v->dacl)
        return desired;
    for (i = 0; i < v->ace_count && (granted | denied) != desired; i++) {
        if (sd_ace_at(v, i, &ace) || (ace.flags & SD_ACE_INHERIT_ONLY))
            continue;
        if (!sd_sid_in(ace.sid, token, n))
            continue;
        mask = map_generic(ace.mask, map) & desired;
        if (ace.type == SD_ACE_DENIED)
            denied |= mask & ~granted;
        else if (ace.type == SD_ACE_ALLOWED)
            granted |= mask & ~denied;
    }
    return granted;
}

static int is_allow_type(unsigned char type)
{
    /* allowed, allowed-object, allowed-callback, allowed-callback-object */
    return type == 0x00 || type == 0x05 || type == 0x09 || type == 0x0B;
}

int sd_grants_outside(const struct sd_view *v, const struct sd_sid *trusted, size_t n,
                      uint32_t rights, const struct sd_generic_map *map, struct sd_sid *who)
{
    struct sd_ace ace;
    unsigned i;

    if (who) {
        who->p = NULL;
        who->len = 0;
    }
    if (!v || !v->dacl_present || !v->dacl)
        return 1;
    for (i = 0; i < v->ace_count; i++) {
        if (sd_ace_at(v, i, &ace) || (ace.flags & SD_ACE_INHERIT_ONLY) || !is_allow_type(ace.type))
            continue;
        if ((map_generic(ace.mask, map) & rights) == 0 || sd_sid_in(ace.sid, trusted, n))
            continue;
        if (who)
            *who = ace.sid;
        return 1;
    }
    return 0;
}
