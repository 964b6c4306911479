/* Self-relative security descriptors assembled byte by byte, as Windows
 * lays them out, for the tests of the plain-C readers and judges of
 * descriptors (test_sdcheck.c, test_publish_plan.c, test_dcom_perm.c,
 * test_regsafe.c). */
#ifndef EMPKP_TESTS_UNIT_SD_BUILDER_H
#define EMPKP_TESTS_UNIT_SD_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/sdcheck.h"

/* One ACE: SD_ACE_ALLOWED or SD_ACE_DENIED, its flags (SD_ACE_INHERIT_ONLY,
 * ...), its access mask and whom it names. */
struct ace_spec {
    unsigned char type, flags;
    uint32_t mask;
    const struct sd_sid *sid;
};

/* Header, OWNER (none when NULL), then the DACL with ACES[0..N) when DACL
 * is positive (0: no DACL; negative: a NULL DACL, present without an ACL),
 * into BUF[0..SIZE) (zeroed first; a Check assertion fails when it does
 * not fit).  Returns the descriptor's length. */
size_t build_sd(unsigned char *buf, size_t size, const struct sd_sid *owner, int dacl,
                const struct ace_spec *aces, size_t n);

/* Little-endian stores, as the descriptor's fields are. */
void sd_put16(unsigned char *p, unsigned v);
void sd_put32(unsigned char *p, uint32_t v);

#endif
