/* Writes the fuzzers' seed corpus: gen_corpus DIR makes DIR/keyblob/ and
 * DIR/cmdline/ (run by "make fuzz-corpus"; the output is checked in as
 * tests/fuzz/corpus/, so fuzzing starts from inputs that reach every check).
 *
 * keyblob: valid PUBLICKEYBLOBs of every allowed size, made by our own
 * keygen and encoder, and one blob per parser check that fails exactly that
 * check.  cmdline: NUL-separated argument lists. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crypto/keyblob.h"

static const char *g_dir;

static void put(const char *sub, const char *name, const void *data, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s/%s", g_dir, sub, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static unsigned char *valid_blob(unsigned bits, size_t *len)
{
    EVP_PKEY *key = NULL;
    unsigned char *blob = NULL;

    if (keyblob_generate(bits, &key) != KEYBLOB_OK
        || keyblob_encode_public(key, &blob, len) != KEYBLOB_OK) {
        fprintf(stderr, "gen_corpus: RSA-%u keygen/encode failed\n", bits);
        exit(1);
    }
    EVP_PKEY_free(key);
    return blob;
}

/* A copy of the 2048-bit blob with one 32-bit field (off) or byte changed. */
static void variant32(const unsigned char *b, size_t len, const char *name, size_t off, uint32_t v)
{
    unsigned char copy[276];

    memcpy(copy, b, len);
    wr32(copy + off, v);
    put("keyblob", name, copy, len);
}

static void variant8(const unsigned char *b, size_t len, const char *name, size_t off, unsigned char v)
{
    unsigned char copy[276];

    memcpy(copy, b, len);
    copy[off] = v;
    put("keyblob", name, copy, len);
}

static void keyblob_seeds(void)
{
    static const unsigned sizes[] = { 2048u, 3072u, 4096u };
    unsigned char *b = NULL, copy[277], small[20 + 128];
    size_t i, len = 0;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char name[32];
        size_t n;
        unsigned char *v = valid_blob(sizes[i], &n);
        snprintf(name, sizeof name, "valid-%u", sizes[i]);
        put("keyblob", name, v, n);
        if (sizes[i] == 2048u)
            b = v, len = n;
        else
            free(v);
    }
    if (len != sizeof copy - 1) {
        fprintf(stderr, "gen_corpus: RSA-2048 blob is %zu bytes, want 276\n", len);
        exit(1);
    }

    /* Lengths around the header and the modulus. */
    put("keyblob", "empty", b, 0);
    put("keyblob", "header-short-19", b, 19);
    put("keyblob", "header-only-20", b, 20);
    put("keyblob", "truncated-275", b, len - 1);
    memcpy(copy, b, len);
    copy[len] = 0;
    put("keyblob", "trailing-277", copy, len + 1);

    /* One per header check, in the parser's order. */
    variant8(b, len, "type-privatekeyblob", 0, 0x07);
    variant8(b, len, "version-1", 1, 0x01);
    variant8(b, len, "reserved-1", 2, 0x01);
    variant32(b, len, "alg-rsa-sign", 4, 0x00002400u);
    variant32(b, len, "magic-rsa2", 8, 0x32415352u);
    variant32(b, len, "bitlen-2047", 12, 2047u);
    variant32(b, len, "bitlen-max", 12, 0xFFFFFFFFu);
    variant32(b, len, "bitlen-3072-in-2048", 12, 3072u);
    variant32(b, len, "exponent-even", 16, 65536u);
    variant32(b, len, "exponent-1", 16, 1u);
    variant32(b, len, "exponent-3", 16, 3u);
    variant32(b, len, "exponent-max", 16, 0xFFFFFFFFu);
    variant8(b, len, "modulus-even", 20, (unsigned char)(b[20] & 0xFEu));
    variant8(b, len, "modulus-top-zero", len - 1, 0x00);
    variant8(b, len, "modulus-top-01", len - 1, 0x01);

    /* A consistent 1024-bit blob: refused for its size, not its length. */
    memcpy(small, b, 20);
    wr32(small + 12, 1024u);
    memcpy(small + 20, b + 20, 128);
    put("keyblob", "bitlen-1024", small, sizeof small);

    memset(copy, 0xFF, len);
    put("keyblob", "all-ff", copy, len);
    free(b);
}

static void cmdline_seed(const char *name, const char *args, size_t len)
{
    put("cmdline", name, args, len);
}
#define SEED(name, lit) cmdline_seed(name, lit, sizeof(lit) - 1)

static void cmdline_seeds(void)
{
    char long_arg[300];

    SEED("regserver", "/regserver");
    SEED("unregserver", "-UnRegServer");
    SEED("embedding", "-Embedding");
    SEED("automation", "/Automation");
    SEED("help", "/?");
    SEED("help-long", "-HELP");
    SEED("none", "");
    SEED("two-switches", "/regserver\0/unregserver");
    SEED("no-prefix", "regserver");
    SEED("double-slash", "//regserver");
    SEED("utf8", "/r\xc3\xa9gserver");
    SEED("trailing-empty", "/regserver\0");
    memset(long_arg, 'A', sizeof long_arg);
    long_arg[0] = '/';
    cmdline_seed("long", long_arg, sizeof long_arg);
}

int main(int argc, char **argv)
{
    char sub[4096];

    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus DIR\n");
        return 2;
    }
    g_dir = argv[1];
    snprintf(sub, sizeof sub, "%s/keyblob", g_dir);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST)
        return perror(sub), 1;
    snprintf(sub, sizeof sub, "%s/cmdline", g_dir);
    if (mkdir(sub, 0755) != 0 && errno != EEXIST)
        return perror(sub), 1;
    keyblob_seeds();
    cmdline_seeds();
    return 0;
}
