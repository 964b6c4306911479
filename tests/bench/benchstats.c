/* benchstats.c: medians, their bootstrap intervals, and verdicts against a
 * target, for "make bench" (see benchstats.h). */
#include "benchstats.h"

#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double benchstats_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* xorshift64*: a small generator, plenty for resampling. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* One side of a bootstrap: the runs sorted once, and a count per run. */
struct side {
    double *sorted;
    int *count;
    int n;
};

static int side_init(struct side *s, const double *v, int n)
{
    s->n = n;
    s->sorted = malloc((size_t)n * sizeof(*s->sorted));
    s->count = malloc((size_t)n * sizeof(*s->count));
    if (!s->sorted || !s->count) {
        free(s->sorted);
        free(s->count);
        return -1;
    }
    memcpy(s->sorted, v, (size_t)n * sizeof(*v));
    qsort(s->sorted, (size_t)n, sizeof(*s->sorted), cmp_double);
    return 0;
}

static void side_free(struct side *s)
{
    free(s->sorted);
    free(s->count);
}

/* The median of one resample (n draws with replacement).  A resample is a
 * count per run; walking the sorted runs with those counts finds the
 * elements of rank (n-1)/2 and n/2 without sorting the resample. */
static double side_resample_median(struct side *s, uint64_t *state)
{
    int i, rank = 0, want_lo = (s->n - 1) / 2, want_hi = s->n / 2;
    double lo = 0, hi = 0;

    memset(s->count, 0, (size_t)s->n * sizeof(*s->count));
    for (i = 0; i < s->n; i++)
        s->count[(uint64_t)(next_random(state) >> 32) * (uint64_t)s->n >> 32]++;
    for (i = 0; i < s->n; i++) {
        int next = rank + s->count[i];

        if (rank <= want_lo && want_lo < next)
            lo = s->sorted[i];
        if (rank <= want_hi && want_hi < next) {
            hi = s->sorted[i];
            break;
        }
        rank = next;
    }
    return (lo + hi) / 2.0;
}

/* The p-quantile of sorted v[0..n-1], interpolated between neighbours. */
static double quantile(const double *v, int n, double p)
{
    double pos = p * (n - 1);
    int i = (int)pos;

    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* The bootstrap behind both interval functions: k sides (1 or 2), the
 * statistic the resampled median (k = 1) or m0 / m1 (k = 2). */
static int bootstrap(const double *const *v, const int *n, int k, int resamples,
                     uint32_t seed, double *lo, double *hi)
{
    struct side s[2];
    double *stat;
    uint64_t state = 0x9E3779B97F4A7C15ULL ^ seed;
    int i, j, rc = -1;

    if (k < 1 || k > 2 || resamples < 2)
        return -1;
    for (j = 0; j < k; j++)
        if (!v[j] || n[j] < 1)
            return -1;
    stat = malloc((size_t)resamples * sizeof(*stat));
    if (!stat)
        return -1;
    for (j = 0; j < k; j++) {
        if (side_init(&s[j], v[j], n[j]) != 0) {
            while (j-- > 0)
                side_free(&s[j]);
            free(stat);
            return -1;
        }
    }
    for (i = 0; i < resamples; i++) {
        double m[2];

        for (j = 0; j < k; j++)
            m[j] = side_resample_median(&s[j], &state);
        if (k == 1) {
            stat[i] = m[0];
            continue;
        }
        if (!(m[1] > 0))
            goto out;
        stat[i] = m[0] / m[1];
    }
    qsort(stat, (size_t)resamples, sizeof(*stat), cmp_double);
    *lo = quantile(stat, resamples, 0.025);
    *hi = quantile(stat, resamples, 0.975);
    rc = 0;
out:
    for (j = 0; j < k; j++)
        side_free(&s[j]);
    free(stat);
    return rc;
}

int benchstats_median_ci(const double *v, int n, int resamples, uint32_t seed,
                         double *lo, double *hi)
{
    const double *vs[1] = { v };
    int ns[1] = { n };

    return bootstrap(vs, ns, 1, resamples, seed, lo, hi);
}

int benchstats_ratio_ci(const double *a, int na, const double *b, int nb, int resamples,
                        uint32_t seed, double *lo, double *hi)
{
    const double *vs[2] = { a, b };
    int ns[2] = { na, nb };

    return bootstrap(vs, ns, 2, resamples, seed, lo, hi);
}

enum benchstats_verdict benchstats_verdict(double lo, double hi, double target)
{
    if (hi < target)
        return BENCHSTATS_MET;
    if (lo > target)
        return BENCHSTATS_NOT_MET;
    return BENCHSTATS_UNDECIDED;
}

const char *benchstats_verdict_name(enum benchstats_verdict v)
{
    switch (v) {
    case BENCHSTATS_MET:
        return "met";
    case BENCHSTATS_NOT_MET:
        return "NOT met";
    default:
        return "undecided";
    }
}
