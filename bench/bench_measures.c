/*
 * bench_measures.c — time the measure set on a synthetic units × classes
 * matrix against a same-run baseline: one dgemm of the shape
 * (units × classes) · (classes × classes) through the linked BLAS.
 * Machines here are noisy, so each figure is the best of several runs and
 * is reported as a ratio to the baseline measured in the same process.
 *
 *   build/bench/bench_measures [units classes repeats seed]
 *
 * Run it on one core: OPENBLAS_NUM_THREADS=1 (bench/run sets it).
 */
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "s3_kernels.h"

#include "bench_util.h"

/* Counts with the skew of real data: log-normal unit sizes and class
 * popularity, and a unit-specific taste for a band of classes. */
static void
synthesise(gsl_rng *r, double *x, size_t nr, size_t nc)
{
    double *pop = malloc(nc * sizeof(double));
    for (size_t p = 0; p < nc; p++)
        pop[p] = exp(1.5 * (gsl_rng_uniform(r) + gsl_rng_uniform(r) +
                            gsl_rng_uniform(r) - 1.5));
    for (size_t c = 0; c < nr; c++) {
        double size =
            exp(2.0 * (gsl_rng_uniform(r) + gsl_rng_uniform(r) - 1.0));
        double centre = gsl_rng_uniform(r) * (double)nc,
               width = 0.05 + 0.3 * gsl_rng_uniform(r);
        for (size_t p = 0; p < nc; p++) {
            double d = fabs((double)p - centre) / (double)nc;
            double taste = exp(-d / width);
            double v = size * pop[p] * taste * 20.0 * gsl_rng_uniform(r);
            x[c * nc + p] = floor(v);
        }
    }
    free(pop);
}

typedef struct {
    const char *name;
    double best;
} timing;

int
main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t nr = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
    size_t nc = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 20261126;
    size_t n = nr * nc;
    double *x = malloc(n * sizeof(double)), *rs = malloc(nr * sizeof(double)),
           *cs = malloc(nc * sizeof(double)),
           *share = malloc(n * sizeof(double)),
           *rca = malloc(n * sizeof(double)), *m = malloc(n * sizeof(double)),
           *phi = malloc(nc * nc * sizeof(double)),
           *omega = malloc(n * sizeof(double)),
           *cog = malloc(n * sizeof(double)),
           *coi = malloc(nr * sizeof(double)),
           *eci = malloc(nr * sizeof(double)),
           *pci = malloc(nc * sizeof(double)),
           *ecir = malloc(nr * sizeof(double)),
           *pcir = malloc(nc * sizeof(double)),
           *b = malloc(nc * nc * sizeof(double)),
           *c = malloc(n * sizeof(double));
    size_t nw, niw;
    s3_complexity_workspace(nr, nc, &nw, &niw);
    size_t nwork = nw > nc * nc + 2 * nc ? nw : nc * nc + 2 * nc;
    if (nwork < 3 * (nr + nc))
        nwork = 3 * (nr + nc);
    if (nwork < s3_proximity_workspace(nr, nc))
        nwork = s3_proximity_workspace(nr, nc);
    double *work = malloc(nwork * sizeof(double));
    s3_ones ones = {.start = malloc((nr + 1) * sizeof(size_t)),
                    .col = malloc(n * sizeof(uint32_t))};
    int *iwork = malloc(niw * sizeof(int));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    gsl_rng_set(r, (unsigned long)seed);
    synthesise(r, x, nr, nc);
    gsl_rng_free(r);
    for (size_t i = 0; i < nc * nc; i++)
        b[i] = (double)(i % 7) / 7.0;

    enum {
        BASE,
        MARGINS,
        RCA,
        BINARY,
        PROX,
        ECI,
        REFL,
        DENS,
        OUTLOOK,
        TOTAL,
        N
    };
    timing t[N] = {{"dgemm baseline", 1e9},
                   {"margins", 1e9},
                   {"rca + rsca", 1e9},
                   {"binary M + index", 1e9},
                   {"proximity", 1e9},
                   {"eci/pci eigen", 1e9},
                   {"eci/pci reflections (20)", 1e9},
                   {"density", 1e9},
                   {"coi/cog", 1e9},
                   {"whole measure set", 1e9}};
    double lambda[2] = {0, 0}, share_ones = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)nc,
                    (int)nc, 1.0, x, (int)nc, b, (int)nc, 0.0, c, (int)nc);
        double t1 = now();
        s3_margins(x, nr, nc, rs, cs);
        double t2 = now();
        s3_rca(x, nr, nc, rs, cs, share, rca);
        s3_rsca(rca, n, share);
        double t3 = now();
        s3_binary(rca, n, 1.0, m);
        for (size_t i = 0; i < n; i++)
            if (isnan(m[i]))
                m[i] = 0.0;
        s3_ones_index(m, nr, nc, &ones);
        double t4 = now();
        s3_proximity(&ones, phi, work);
        double t5 = now();
        int rc = s3_complexity_eigen(&ones, eci, pci, lambda, work, nwork,
                                     iwork, niw);
        double t6 = now();
        s3_complexity_reflections(&ones, 20, ecir, pcir, work);
        double t7 = now();
        s3_density(m, nr, nc, phi, omega, work);
        double t8 = now();
        s3_outlook(m, nr, nc, phi, omega, pci, coi, cog, work);
        double t9 = now();
        if (rc != 0) {
            fprintf(stderr, "bench: the eigen-solver failed\n");
            return 1;
        }
        double d[N] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4,
                       t6 - t5, t7 - t6, t8 - t7, t9 - t8, t9 - t1};
        for (int k = 0; k < N; k++)
            if (d[k] < t[k].best)
                t[k].best = d[k];
    }
    share_ones = (double)ones.n / (double)n;
    printf(
        "measure set on %zu units x %zu classes (seed %llu, %.1f%% of M = 1, "
        "lambda2 = %.4f), best of %d\n",
        nr, nc, (unsigned long long)seed, 100.0 * share_ones, lambda[1], reps);
    printf("%-28s %10s %10s\n", "step", "seconds", "x dgemm");
    for (int k = 0; k < N; k++)
        printf("%-28s %10.4f %10.2f\n", t[k].name, t[k].best,
               t[k].best / t[BASE].best);
    free(x), free(rs), free(cs), free(share), free(rca), free(m), free(phi);
    free(omega), free(cog), free(coi), free(eci), free(pci), free(ecir);
    free(pcir), free(b), free(c), free(work), free(iwork);
    free(ones.start), free(ones.col);
    return 0;
}
