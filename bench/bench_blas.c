/*
 * bench_blas.c — at which size two OpenBLAS threads beat one, for the
 * products the engine makes (engine/measures/): density and outlook gain,
 * dgemm (units × classes) · (classes × classes); complementarity, dgemm
 * (units × classes) · (units × classes)ᵀ; cosine similarity and the dense
 * eigenvector, dsyrk of a units × classes matrix.
 *
 *   bench_blas [repeats]
 *
 * For each shape, one and two threads (openblas_set_num_threads) run in
 * interleaved rounds, best of repeats (default 7), wall and process CPU
 * time; the CPU time shows what the second thread costs the other work of
 * the process (OpenBLAS's idle workers spin in sched_yield a while after
 * each threaded call).  It also checks that both results are the same to
 * the bit: the engine's outputs must not depend on the thread count.
 */
#include <gsl/gsl_cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

extern void openblas_set_num_threads(int n);

static double
cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { GEMM_PHI, GEMM_PAIRS, SYRK };
static const char *const kind_name[] = {"dgemm M·φ", "dgemm A·Mᵀ",
                                        "dsyrk X·Xᵀ"};

static void
product(int kind, const double *a, const double *b, double *c, int nr, int nc)
{
    if (kind == GEMM_PHI)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nr, nc, nc, 1.0,
                    a, nc, b, nc, 0.0, c, nc);
    else if (kind == GEMM_PAIRS)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nr, nr, nc, 1.0, a,
                    nc, b, nc, 0.0, c, nr);
    else
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, nr, nc, 1.0, a, nc,
                    0.0, c, nr);
}

int
main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 7;
    /* the engine's shapes (Ruhr centres × fields, world trade, the
     * 2,000 × 1,000 table) and a ladder between them */
    static const int shape[][2] = {
        {35, 60},    {60, 100},   {100, 100},   {100, 200},  {150, 300},
        {200, 400},  {226, 400},  {226, 785},   {300, 600},  {400, 800},
        {600, 1000}, {1000, 500}, {1000, 1000}, {2000, 1000}};
    size_t nshape = sizeof shape / sizeof shape[0];
    size_t big = 2000 * 2000;
    double *a = malloc(big * sizeof *a), *b = malloc(big * sizeof *b),
           *c1 = malloc(big * sizeof *c1), *c2 = malloc(big * sizeof *c2);
    if (!a || !b || !c1 || !c2)
        return 1;
    srand(20261205);
    for (size_t i = 0; i < big; i++) {
        a[i] = (rand() % 10) < 3; /* a 0/1 matrix, 30 % ones */
        b[i] = (double)rand() / RAND_MAX;
    }
    printf("%-12s %11s %12s %9s %9s %9s %9s %7s %s\n", "product", "shape",
           "m·n·k", "1 thr, s", "2 thr, s", "1 thr cpu", "2 thr cpu", "1/2",
           "same bits");
    for (int kind = 0; kind < 3; kind++)
        for (size_t s = 0; s < nshape; s++) {
            int nr = shape[s][0], nc = shape[s][1];
            double mnk =
                kind == GEMM_PHI ? (double)nr * nc * nc : (double)nr * nr * nc;
            /* each timing repeats the product until 20 ms have passed */
            int inner = 1;
            openblas_set_num_threads(1);
            double t0 = now();
            product(kind, a, b, c1, nr, nc);
            double one = now() - t0;
            if (one < 0.02)
                inner = (int)(0.02 / (one > 1e-7 ? one : 1e-7)) + 1;
            double best[2] = {1e300, 1e300}, bcpu[2] = {1e300, 1e300};
            for (int r = 0; r < reps; r++)
                for (int th = 1; th <= 2; th++) {
                    openblas_set_num_threads(th);
                    double w0 = now(), p0 = cpu();
                    for (int i = 0; i < inner; i++)
                        product(kind, a, b, th == 1 ? c1 : c2, nr, nc);
                    double w = (now() - w0) / inner, p = (cpu() - p0) / inner;
                    if (w < best[th - 1])
                        best[th - 1] = w;
                    if (p < bcpu[th - 1])
                        bcpu[th - 1] = p;
                }
            size_t nout = kind == GEMM_PHI ? (size_t)nr * nc : (size_t)nr * nr;
            int same = 1;
            if (kind == SYRK) { /* only the upper triangle is written */
                for (int i = 0; i < nr && same; i++)
                    same = !memcmp(c1 + (size_t)i * nr + i,
                                   c2 + (size_t)i * nr + i,
                                   (size_t)(nr - i) * sizeof *c1);
            } else {
                same = !memcmp(c1, c2, nout * sizeof *c1);
            }
            char sh[32];
            snprintf(sh, sizeof sh, "%d×%d", nr, nc);
            printf("%-12s %11s %12.3g %9.5f %9.5f %9.5f %9.5f %7.2f %s\n",
                   kind_name[kind], sh, mnk, best[0], best[1], bcpu[0], bcpu[1],
                   best[0] / best[1], same ? "yes" : "NO");
            fflush(stdout);
        }
    free(a);
    free(b);
    free(c1);
    free(c2);
    return 0;
}
