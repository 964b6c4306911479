/* See sd_builder.h. */
#include "sd_builder.h"

#include <string.h>

#include <check.h>

void sd_put16(unsigned char *p, unsigned v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
}

void sd_put32(unsigned char *p, uint32_t v)
{
    sd_put16(p, v & 0xffff);
    sd_put16(p + 2, v >> 16);
}

size_t build_sd(unsigned char *buf, size_t size, const struct sd_sid *owner, int dacl,
                const struct ace_spec *aces, size_t n)
{
    size_t at = 20, acl_at, i;

    ck_assert_uint_ge(size, at);
    memset(buf, 0, size);
    buf[0] = 1;
    sd_put16(buf + 2, SD_CONTROL_SELF_RELATIVE | (dacl ? SD_CONTROL_DACL_PRESENT : 0));
    if (owner) {
        ck_assert_uint_le(at + owner->len, size);
        sd_put32(buf + 4, (uint32_t)at);
        memcpy(buf + at, owner->p, owner->len);
        at += owner->len;
    }
    if (dacl <= 0)
        return at;   /* none, or a NULL DACL: present, with no ACL */
    ck_assert_uint_le(at + 8, size);
    acl_at = at;
    sd_put32(buf + 16, (uint32_t)acl_at);
    buf[at] = 2;
    sd_put16(buf + at + 4, (unsigned)n);
    at += 8;
    for (i = 0; i < n; i++) {
        size_t ace_size = 8 + aces[i].sid->len;
        ck_assert_uint_le(at + ace_size, size);
        buf[at] = aces[i].type;
        buf[at + 1] = aces[i].flags;
        sd_put16(buf + at + 2, (unsigned)ace_size);
        sd_put32(buf + at + 4, aces[i].mask);
        memcpy(buf + at + 8, aces[i].sid->p, aces[i].sid->len);
        at += ace_size;
    }
    sd_put16(buf + acl_at + 2, (unsigned)(at - acl_at));
    return at;
}
