/* make bench's statistics (tests/bench/benchstats.c): medians, bootstrap
 * intervals, verdicts against a target. */
#include <check.h>
#include <stdlib.h>

#include "tests/bench/benchstats.h"
#include "suites.h"

START_TEST(test_median)
{
    double odd[] = { 5, 1, 4, 2, 3 }, even[] = { 8, 2, 6, 4 }, one[] = { 7 };

    ck_assert(benchstats_median(odd, 5) == 3);
    ck_assert(benchstats_median(even, 4) == 5);
    ck_assert(benchstats_median(one, 1) == 7);
}
END_TEST

START_TEST(test_constant_runs)
{
    double v[21], w[21], lo = 0, hi = 0;
    int i;

    for (i = 0; i < 21; i++) {
        v[i] = 4.0;
        w[i] = 2.0;
    }
    ck_assert_int_eq(benchstats_median_ci(v, 21, 1000, 1, &lo, &hi), 0);
    ck_assert(lo == 4.0 && hi == 4.0);
    ck_assert_int_eq(benchstats_ratio_ci(v, 21, w, 21, 1000, 1, &lo, &hi), 0);
    ck_assert(lo == 2.0 && hi == 2.0);
}
END_TEST

/* 1..1001: median 501, and the median of n runs from a uniform spread has a
 * standard error of about range / (2 sqrt(n)) = 15.8, so the 95% interval
 * is about 501 +- 31. */
START_TEST(test_median_interval_width)
{
    double v[1001], lo, hi, lo2, hi2;
    int i;

    for (i = 0; i < 1001; i++)
        v[(i * 617) % 1001] = i + 1;     /* not in order: 617 is prime to 1001 */
    ck_assert_int_eq(benchstats_median_ci(v, 1001, 4000, 7, &lo, &hi), 0);
    ck_assert_msg(lo > 501 - 45 && lo < 501 - 18 && hi > 501 + 18 && hi < 501 + 45,
                  "interval %.1f..%.1f", lo, hi);
    /* v is not reordered, and the same seed gives the same interval. */
    ck_assert(v[617] == 2);
    ck_assert_int_eq(benchstats_median_ci(v, 1001, 4000, 7, &lo2, &hi2), 0);
    ck_assert(lo == lo2 && hi == hi2);
}
END_TEST

/* Coverage: runs drawn as u^2, u uniform on (0, 1) (median 1/4, a long
 * tail to the right like a keygen's times), 51 each, as make bench's keygen:
 * the 95% interval of the median holds 1/4 in about 95% of 300 trials, and
 * the interval of the ratio of two such medians holds 1 as often. */
START_TEST(test_coverage)
{
    double a[51], b[51], lo, hi;
    uint64_t x = 88172645463325252ULL;
    int t, i, held = 0, held_ratio = 0;

    for (t = 0; t < 300; t++) {
        for (i = 0; i < 51; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a[i] = ((x >> 11) + 0.5) / 9007199254740992.0;
            a[i] *= a[i];
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = ((x >> 11) + 0.5) / 9007199254740992.0;
            b[i] *= b[i];
        }
        ck_assert_int_eq(benchstats_median_ci(a, 51, 1000, (uint32_t)t, &lo, &hi), 0);
        held += lo <= 0.25 && 0.25 <= hi;
        ck_assert_int_eq(benchstats_ratio_ci(a, 51, b, 51, 1000, (uint32_t)t, &lo, &hi), 0);
        held_ratio += lo <= 1.0 && 1.0 <= hi;
    }
    /* 95% of 300 = 285; binomial sd 3.8.  A bootstrap of a median runs a
     * little wide or narrow with n = 51, hence the margin. */
    ck_assert_msg(held >= 270 && held <= 298, "median interval held 1/4 in %d of 300", held);
    ck_assert_msg(held_ratio >= 270 && held_ratio <= 298,
                  "ratio interval held 1 in %d of 300", held_ratio);
}
END_TEST

START_TEST(test_bad_arguments)
{
    double v[3] = { 1, 2, 3 }, z[3] = { 0, 0, 0 }, lo, hi;

    ck_assert_int_eq(benchstats_median_ci(v, 0, 1000, 1, &lo, &hi), -1);
    ck_assert_int_eq(benchstats_median_ci(v, 3, 1, 1, &lo, &hi), -1);
    ck_assert_int_eq(benchstats_median_ci(NULL, 3, 1000, 1, &lo, &hi), -1);
    /* a denominator whose median is 0 has no ratio */
    ck_assert_int_eq(benchstats_ratio_ci(v, 3, z, 3, 1000, 1, &lo, &hi), -1);
}
END_TEST

START_TEST(test_verdicts)
{
    ck_assert(benchstats_verdict(0.55, 0.95, 1.0) == BENCHSTATS_MET);
    ck_assert(benchstats_verdict(0.9, 1.1, 1.0) == BENCHSTATS_UNDECIDED);
    ck_assert(benchstats_verdict(0.9, 1.0, 1.0) == BENCHSTATS_UNDECIDED);
    ck_assert(benchstats_verdict(1.05, 1.3, 1.0) == BENCHSTATS_NOT_MET);
    ck_assert(benchstats_verdict(1.0, 1.3, 1.0) == BENCHSTATS_UNDECIDED);
    ck_assert_str_eq(benchstats_verdict_name(BENCHSTATS_MET), "met");
    ck_assert_str_eq(benchstats_verdict_name(BENCHSTATS_NOT_MET), "NOT met");
    ck_assert_str_eq(benchstats_verdict_name(BENCHSTATS_UNDECIDED), "undecided");
}
END_TEST

Suite *benchstats_suite(void)
{
    Suite *s = suite_create("benchstats");
    TCase *tc = tcase_create("bootstrap");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_median);
    tcase_add_test(tc, test_constant_runs);
    tcase_add_test(tc, test_median_interval_width);
    tcase_add_test(tc, test_coverage);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_verdicts);
    suite_add_tcase(s, tc);
    return s;
}
