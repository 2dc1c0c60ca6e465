/*
 * bench_scoring.c — time the composite score (normalise, aggregate, rank)
 * and its Monte Carlo uncertainty (s3_score_uncertainty) on synthetic
 * indicators, against a same-run baseline: sorting the units' scores with
 * qsort as many times as there are draws.  The ratio says how far above bare
 * sorting the whole uncertainty run (weights, scores, ranks, pairwise
 * outranking table, rank bands) is.  Machines here are noisy, so each
 * figure is the best of several runs.
 *
 *   build/bench/bench_scoring [units indicators draws repeats seed]
 *
 * One core: the kernels are single-threaded (bench/run sets
 * OPENBLAS_NUM_THREADS=1 all the same).
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "s3_scoring.h"

#include "bench_util.h"

/* Indicators with the structure of real ones: a common "strength" of each
 * unit plus indicator-specific noise, skewed (log-normal) for half of the
 * indicators, a few lower-is-better ones, and 2 % missing values. */
static void
synthesise(gsl_rng *r, double *x, int *dir, size_t n, size_t k)
{
    for (size_t j = 0; j < k; j++)
        dir[j] = j % 4 == 3 ? -1 : 1;
    for (size_t i = 0; i < n; i++) {
        double strength =
            gsl_rng_uniform(r) + gsl_rng_uniform(r) + gsl_rng_uniform(r) - 1.5;
        for (size_t j = 0; j < k; j++) {
            double v = strength + (gsl_rng_uniform(r) - 0.5);
            v = j % 2 ? exp(v) : v;
            x[i * k + j] = dir[j] < 0 ? -v : v;
            if (gsl_rng_uniform(r) < 0.02)
                x[i * k + j] = NAN;
        }
    }
}

/* qsort comparator: descending, NaN last. */
static int
by_score_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a < b) - (a > b);
}

typedef struct {
    size_t calls;
} progress_count;

static void
count_progress(void *user, double done)
{
    (void)done;
    ((progress_count *)user)->calls++;
}

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
    size_t k = argc > 2 ? strtoul(argv[2], NULL, 10) : 11;
    size_t draws = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
    int reps = argc > 4 ? atoi(argv[4]) : 3;
    uint64_t seed = argc > 5 ? strtoull(argv[5], NULL, 10) : 20261126;
    double *x = malloc(n * k * sizeof(double)),
           *y = malloc(n * k * sizeof(double)), *w = malloc(k * sizeof(double)),
           *score = malloc(n * sizeof(double)),
           *rank = malloc(n * sizeof(double)),
           *sorted = malloc(n * sizeof(double)),
           *work = malloc(2 * n * sizeof(double)),
           *med = malloc(n * sizeof(double)), *p05 = malloc(n * sizeof(double)),
           *p95 = malloc(n * sizeof(double)),
           *outrank = malloc(n * n * sizeof(double));
    int *dir = malloc(k * sizeof(int));
    size_t *iwork = malloc(n * sizeof(size_t));
    size_t nwork = s3_uncertainty_workspace(n, k, draws);
    void *uwork = malloc(nwork);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!x || !y || !w || !score || !rank || !sorted || !work || !med || !p05 ||
        !p95 || !outrank || !dir || !iwork || !uwork || !r) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    gsl_rng_set(r, (unsigned long)seed);
    synthesise(r, x, dir, n, k);
    for (size_t j = 0; j < k; j++)
        w[j] = 1.0 + (double)(j % 3);

    enum { BASE, SCORE, MC, MCVARY, N };
    struct {
        const char *name;
        double best;
    } t[N] = {{"qsort baseline (x draws)", 1e9},
              {"deterministic score", 1e9},
              {"monte carlo, weights", 1e9},
              {"monte carlo, all choices", 1e9}};
    progress_count pc = {0};
    double spread = 0.0;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = now();
        s3_normalise(x, n, k, dir, S3_NORM_MINMAX, NULL, NULL, y, work, iwork);
        s3_aggregate(y, n, k, w, S3_AGG_ARITHMETIC, 0.0, score);
        s3_rank(score, n, rank, iwork);
        double t1 = now();
        for (size_t d = 0; d < draws; d++) {
            /* a fresh unsorted copy each time, as a draw has new scores */
            for (size_t i = 0; i < n; i++)
                sorted[i] = score[i];
            qsort(sorted, n, sizeof(double), by_score_desc);
        }
        double t2 = now();
        gsl_rng_set(r, seed);
        pc.calls = 0;
        int rc = s3_score_uncertainty(x, n, k, dir, w, S3_NORM_MINMAX,
                                      S3_AGG_ARITHMETIC, 0.1, NULL, NULL, draws,
                                      0.3, 0, 0, r, med, p05, p95, outrank,
                                      uwork, nwork, count_progress, &pc);
        double t3 = now();
        gsl_rng_set(r, seed);
        rc |= s3_score_uncertainty(x, n, k, dir, w, S3_NORM_MINMAX,
                                   S3_AGG_ARITHMETIC, 0.1, NULL, NULL, draws,
                                   0.3, 1, 1, r, med, p05, p95, outrank, uwork,
                                   nwork, NULL, NULL);
        double t4 = now();
        if (rc != 0) {
            fprintf(stderr, "bench: s3_score_uncertainty failed\n");
            return 1;
        }
        double d[N] = {t2 - t1, t1 - t0, t3 - t2, t4 - t3};
        for (int q = 0; q < N; q++)
            if (d[q] < t[q].best)
                t[q].best = d[q];
    }
    for (size_t i = 0; i < n; i++)
        spread += p95[i] - p05[i];
    printf("composite scores of %zu units x %zu indicators, %zu draws (seed "
           "%llu, workspace %.1f MB, %zu progress calls, mean 5-95%% rank "
           "band %.1f), best of %d\n",
           n, k, draws, (unsigned long long)seed, (double)nwork / 1e6, pc.calls,
           spread / (double)n, reps);
    printf("%-28s %10s %10s\n", "step", "seconds", "x qsort");
    for (int q = 0; q < N; q++)
        printf("%-28s %10.4f %10.2f\n", t[q].name, t[q].best,
               t[q].best / t[BASE].best);
    free(x), free(y), free(w), free(score), free(rank), free(sorted);
    free(work), free(med), free(p05), free(p95), free(outrank), free(dir);
    free(iwork), free(uwork);
    gsl_rng_free(r);
    return 0;
}
