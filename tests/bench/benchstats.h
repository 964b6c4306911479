/* benchstats.c: the statistics behind "make bench"'s verdicts, in plain C
 * (bench.exe prints them under Wine; tests/unit/test_benchstats.c checks
 * them natively).  A figure is a median of many timed runs; its 95%
 * interval comes from a bootstrap over those runs (resampled with
 * replacement, a fixed seed, so the same runs give the same interval), and a
 * target counts as met only when the whole interval is under it. */
#ifndef EMPKP_TESTS_BENCH_BENCHSTATS_H
#define EMPKP_TESTS_BENCH_BENCHSTATS_H

#include <stdint.h>

/* Resamples per interval: 4000 gives 2.5/97.5 percentiles that move by
 * about 1% of the interval's width between seeds. */
#define BENCHSTATS_RESAMPLES 4000

/* The median of v[0..n-1] (n >= 1); sorts v. */
double benchstats_median(double *v, int n);

/* 95% bootstrap interval of the median of v[0..n-1] (n >= 1): *lo and *hi
 * are the 2.5th and 97.5th percentiles of the medians of `resamples`
 * resamples of v.  v is left as it was.  0 on success, -1 when out of
 * memory or on bad arguments. */
int benchstats_median_ci(const double *v, int n, int resamples, uint32_t seed,
                         double *lo, double *hi);

/* 95% bootstrap interval of median(a) / median(b): each side is resampled
 * independently (a ratio of medians of two sets of runs).  0 on success, -1
 * when out of memory, on bad arguments, or when a resampled median of b is
 * not positive. */
int benchstats_ratio_ci(const double *a, int na, const double *b, int nb, int resamples,
                        uint32_t seed, double *lo, double *hi);

enum benchstats_verdict {
    BENCHSTATS_MET,        /* the whole interval is under the target */
    BENCHSTATS_NOT_MET,    /* the whole interval is over the target */
    BENCHSTATS_UNDECIDED   /* the interval holds the target */
};

/* For a target "figure <= target", from the figure's interval [lo, hi]. */
enum benchstats_verdict benchstats_verdict(double lo, double hi, double target);

/* "met", "NOT met" or "undecided". */
const char *benchstats_verdict_name(enum benchstats_verdict v);

#endif
