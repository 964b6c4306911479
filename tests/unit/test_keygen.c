/* Unit tests for our patches to OpenSSL's RSA keygen (deps/patches/
 * openssl-keygen-rounds.patch), in the libcrypto that ships in empkp.exe.
 *
 * Windows build only: the native build links Debian's unpatched libcrypto,
 * which neither has the patch nor exports the function tested here, so
 * run_unit.c leaves this suite out there and says so.
 *
 * The patch changes how 2048-bit keygen tests its primes (FIPS 186-5 round
 * counts) and sieves the candidates for p and q by the odd primes below
 * 2^16.  What must not change is which prime a walk ends on: a reference
 * walk written here from FIPS 186-4 C.9, with BN_check_prime's full rounds
 * and no sieve, must find the same one. */
#ifdef _WIN32
#include <check.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "suites.h"

/* Internal to libcrypto (include/crypto/bn.h), linkable from the static
 * library: FIPS 186-4 C.9, a prime Y of nlen/2 bits from X and the
 * auxiliary primes r1, r2, with GCD(Y - 1, e) = 1. */
int ossl_bn_rsa_fips186_4_derive_prime(BIGNUM *Y, BIGNUM *X, const BIGNUM *Xin,
                                       const BIGNUM *r1, const BIGNUM *r2,
                                       int nlen, const BIGNUM *e, BN_CTX *ctx,
                                       BN_GENCB *cb);

/* ---- the rounds, seen through the keygen callback ---- */

/* Each passed Miller-Rabin round reports (1, i), a found auxiliary prime
 * (2, n), a found p or q (3, 0).  The run of rounds just before a (2, .) or
 * (3, 0) is that prime's round count. */
struct round_log {
    int run;            /* consecutive passed rounds so far */
    int aux, aux_bad;   /* auxiliary primes found, with a count != 38 */
    int pq, pq_bad;     /* p and q found, with a count != 5 */
    int last_bad;       /* the last wrong count seen */
};

static int count_rounds(EVP_PKEY_CTX *ctx)
{
    struct round_log *log = EVP_PKEY_CTX_get_app_data(ctx);
    int a = EVP_PKEY_CTX_get_keygen_info(ctx, 0);
    int b = EVP_PKEY_CTX_get_keygen_info(ctx, 1);

    if (a == 1 && b >= 0) {
        log->run = b == 0 ? 1 : log->run + 1;
        return 1;
    }
    if (a == 2) {
        log->aux++;
        if (log->run != 38) {
            log->aux_bad++;
            log->last_bad = log->run;
        }
    } else if (a == 3) {
        log->pq++;
        if (log->run != 5) {
            log->pq_bad++;
            log->last_bad = log->run;
        }
    }
    log->run = 0;
    return 1;
}

/* FIPS 186-5 Table B.1 for a 2048-bit key: 5 rounds on p and q, 38 on each
 * auxiliary prime (stock OpenSSL 3.0: 64 on all of them). */
START_TEST(test_keygen_mr_rounds)
{
    struct round_log log = { 0 };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;

    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
    ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
    EVP_PKEY_CTX_set_app_data(ctx, &log);
    EVP_PKEY_CTX_set_cb(ctx, count_rounds);
    ck_assert_int_eq(EVP_PKEY_generate(ctx, &k), 1);
    /* Two primes, each from two auxiliary primes (more if q came out too
     * close to p and was drawn again). */
    ck_assert_int_ge(log.pq, 2);
    ck_assert_int_eq(log.aux, 2 * log.pq);
    ck_assert_msg(log.pq_bad == 0 && log.aux_bad == 0,
                  "%d of %d p/q and %d of %d auxiliary primes had another "
                  "round count (last: %d)", log.pq_bad, log.pq, log.aux_bad,
                  log.aux, log.last_bad);
    EVP_PKEY_free(k);
    EVP_PKEY_CTX_free(ctx);
}
END_TEST

/* ---- the sieve: same prime as a walk without it ---- */

/* FIPS 186-4 C.9 steps 1-10 for a given X: R = ((r2^-1 mod 2r1) * r2) -
 * ((2r1^-1 mod r2) * 2r1), Y = X + ((R - X) mod 2r1r2), then Y += 2r1r2
 * until GCD(Y - 1, e) = 1 and Y is prime.  0 if Y outgrows bits. */
static int reference_walk(BIGNUM *Y, const BIGNUM *X, const BIGNUM *r1,
                          const BIGNUM *r2, int bits, const BIGNUM *e,
                          BN_CTX *bn, int *walked)
{
    BIGNUM *r1x2 = BN_new(), *step = BN_new(), *R = BN_new(), *t = BN_new();
    int found = 0;

    ck_assert(r1x2 && step && R && t);
    ck_assert(BN_lshift1(r1x2, r1));
    ck_assert(BN_mul(step, r1x2, r2, bn));
    ck_assert_ptr_nonnull(BN_mod_inverse(R, r2, r1x2, bn));
    ck_assert(BN_mul(R, R, r2, bn));
    ck_assert_ptr_nonnull(BN_mod_inverse(t, r1x2, r2, bn));
    ck_assert(BN_mul(t, t, r1x2, bn));
    ck_assert(BN_sub(R, R, t));
    ck_assert(BN_nnmod(R, R, step, bn));
    ck_assert(BN_mod_sub(Y, R, X, step, bn));
    ck_assert(BN_add(Y, Y, X));
    for (*walked = 0; BN_num_bits(Y) <= bits; ++*walked) {
        ck_assert(BN_sub(t, Y, BN_value_one()));
        ck_assert(BN_gcd(t, t, e, bn));
        if (BN_is_one(t) && BN_check_prime(Y, bn, NULL) == 1) {
            found = 1;
            break;
        }
        ck_assert(BN_add(Y, Y, step));
    }
    BN_free(r1x2);
    BN_free(step);
    BN_free(R);
    BN_free(t);
    return found;
}

START_TEST(test_derive_prime_same_as_unsieved_walk)
{
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *X = BN_new(), *Xout = BN_new(), *r1 = BN_new(), *r2 = BN_new();
    BIGNUM *e = BN_new(), *Y = BN_new(), *Yref = BN_new();
    int walked;

    ck_assert(bn && X && Xout && r1 && r2 && e && Y && Yref);
    ck_assert(BN_set_word(e, 65537));
    /* Auxiliary primes of FIPS 186-5's minimum size for nlen 2048. */
    ck_assert(BN_generate_prime_ex(r1, 141, 0, NULL, NULL, NULL));
    ck_assert(BN_generate_prime_ex(r2, 141, 0, NULL, NULL, NULL));
    /* X in [sqrt(2) * 2^1023, 2^1024): the top two bits set are enough. */
    ck_assert(BN_rand(X, 1024, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ANY));

    ck_assert_int_eq(reference_walk(Yref, X, r1, r2, 1024, e, bn, &walked), 1);
    ck_assert_int_eq(ossl_bn_rsa_fips186_4_derive_prime(Y, Xout, X, r1, r2,
                                                        2048, e, bn, NULL), 1);
    ck_assert_msg(BN_cmp(Y, Yref) == 0,
                  "the sieved walk ended elsewhere than the plain one "
                  "(%d steps)", walked);
    ck_assert_int_eq(BN_cmp(Xout, X), 0);

    BN_CTX_free(bn);
    BN_free(X);
    BN_free(Xout);
    BN_free(r1);
    BN_free(r2);
    BN_free(e);
    BN_clear_free(Y);
    BN_clear_free(Yref);
}
END_TEST

Suite *keygen_suite(void)
{
    Suite *s = suite_create("keygen");
    TCase *tc = tcase_create("patched libcrypto");

    /* RSA-2048 under Wine i686 is about half a second per key. */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_keygen_mr_rounds);
    tcase_add_loop_test(tc, test_derive_prime_same_as_unsieved_walk, 0, 6);
    suite_add_tcase(s, tc);
    return s;
}
#endif
