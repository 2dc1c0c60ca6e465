/*
 * test_scoring.c — unit tests of the composite scores and their
 * uncertainty (include/s3_scoring.h, engine/scoring.c): normalisation,
 * aggregation, ranks and the Monte Carlo over weights and methods.
 *
 * Every expected value is either worked out by hand in the comment next to
 * it (fractions first, the decimal value after) or computed in the test by
 * an independent route (the definition, counted pair by pair, not the
 * engine's sort).  Comparisons are relative: |a − b| ≤ tol·|b|; ranks and
 * shares of draws that must be exact are compared exactly.
 *
 * Work arrays are malloc'ed with exactly the documented size, so that the
 * sanitizer build catches a kernel that writes past them.
 *
 * Run with CK_VERBOSITY=verbose for one line per test.
 */
#include <check.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "s3_scoring.h"

/* ---- helpers ------------------------------------------------------------ */

/* a == b exactly (ranks, exact shares, exact 0) */
#define ck_assert_exact(a, b)                                                  \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        ck_assert_msg(a_ == b_, "%s = %.17g, expected %s = %.17g exactly", #a, \
                      a_, #b, b_);                                             \
    } while (0)

/* A malloc'ed array of n doubles (at least one), checked. */
static double *
dalloc(size_t n)
{
    double *p = malloc((n ? n : 1) * sizeof(double));
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Normalise with work arrays of exactly the documented size. */
static void
normalise(const double *x, size_t n, size_t k, const int *dir,
          s3_normalisation how, const double *lo, const double *hi, double *y)
{
    double *work = dalloc(2 * n);
    size_t *iwork = malloc((n ? n : 1) * sizeof(size_t));
    ck_assert_ptr_nonnull(iwork);
    s3_normalise(x, n, k, dir, how, lo, hi, y, work, iwork);
    free(work);
    free(iwork);
}

/* s3_rank with an exactly sized iwork. */
static void
rank_of(const double *score, size_t n, double *rank)
{
    size_t *iwork = malloc((n ? n : 1) * sizeof(size_t));
    ck_assert_ptr_nonnull(iwork);
    s3_rank(score, n, rank, iwork);
    free(iwork);
}

/* The deterministic ranking: normalise, aggregate, rank. */
static void
det_ranks(const double *x, size_t n, size_t k, const int *dir, const double *w,
          s3_normalisation norm, s3_aggregation agg, double shift,
          const double *lo, const double *hi, double *rank)
{
    double *y = dalloc(n * k), *score = dalloc(n);
    normalise(x, n, k, dir, norm, lo, hi, y);
    s3_aggregate(y, n, k, w, agg, shift, score);
    rank_of(score, n, rank);
    free(y);
    free(score);
}

/* Independent ranks by counting: rank_i = 1 + the units before i, that is
 * with a larger score, or an equal score and a smaller index; a NaN comes
 * after every number and after the NaN of smaller index. */
static void
ranks_by_counting(const double *s, size_t n, double *rank)
{
    for (size_t i = 0; i < n; i++) {
        size_t before = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i)
                continue;
            if (isnan(s[i]))
                before += !isnan(s[j]) || j < i;
            else if (!isnan(s[j]))
                before += s[j] > s[i] || (s[j] == s[i] && j < i);
        }
        rank[i] = (double)(before + 1);
    }
}

/* ---- s3_normalise ------------------------------------------------------- */

START_TEST(norm_minmax_hand)
{
    /* column 0: 2, 4, 10, 6: min 2, max 10, spread 8:
     *   0/8 = 0, 2/8 = 0.25, 8/8 = 1, 4/8 = 0.5
     * column 1: −1, 3, 1, NaN: min −1, max 3, spread 4:
     *   0, 4/4 = 1, 2/4 = 0.5, NaN */
    const double x[4 * 2] = {2, -1, 4, 3, 10, 1, 6, NAN};
    const int dir[2] = {1, 1};
    double y[8];
    normalise(x, 4, 2, dir, S3_NORM_MINMAX, NULL, NULL, y);
    ck_assert_exact(y[0], 0.0);
    ck_assert_rel(y[2], 0.25);
    ck_assert_rel(y[4], 1.0);
    ck_assert_rel(y[6], 0.5);
    ck_assert_exact(y[1], 0.0);
    ck_assert_rel(y[3], 1.0);
    ck_assert_rel(y[5], 0.5);
    ck_assert_nan(y[7]);
}
END_TEST

START_TEST(norm_zscore_hand)
{
    /* 2, 4, 4, 4, 5, 5, 7, 9: mean 40/8 = 5; squared deviations
     * 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32; sample sd = √(32/7) =
     * 2.138089935299395; z = (x − 5)/√(32/7): 2 → −1.403121520040228,
     * 9 → 1.8708286933869707, 5 → 0.  A NaN (unit 8) stays NaN and does
     * not count. */
    const double x[9] = {2, 4, 4, 4, 5, 5, 7, 9, NAN};
    const int dir[1] = {1};
    double y[9];
    normalise(x, 9, 1, dir, S3_NORM_ZSCORE, NULL, NULL, y);
    ck_assert_rel(y[0], -1.403121520040228);
    ck_assert_rel(y[7], 1.8708286933869707);
    ck_assert_rel(y[1], -1.0 / sqrt(32.0 / 7.0));
    ck_assert_abs_tol(y[4], 0.0, 1e-15);
    ck_assert_nan(y[8]);
}
END_TEST

START_TEST(norm_rank_ties_hand)
{
    /* 3, 1, 3, 2, 5, NaN: five values; in order 1 (u1), 2 (u3), 3 (u0),
     * 3 (u2), 5 (u4); the two 3s share rank (3 + 4)/2 = 3.5.
     * (rank − 1)/(5 − 1): u0 2.5/4 = 0.625, u1 0, u2 0.625, u3 1/4 = 0.25,
     * u4 4/4 = 1, u5 NaN. */
    const double x[6] = {3, 1, 3, 2, 5, NAN};
    const int dir[1] = {1};
    double y[6];
    normalise(x, 6, 1, dir, S3_NORM_RANK, NULL, NULL, y);
    ck_assert_rel(y[0], 0.625);
    ck_assert_exact(y[1], 0.0);
    ck_assert_rel(y[2], 0.625);
    ck_assert_rel(y[3], 0.25);
    ck_assert_rel(y[4], 1.0);
    ck_assert_nan(y[5]);
}
END_TEST

START_TEST(norm_goalposts_clip_hand)
{
    /* goalposts 0 and 100: −5 → −0.05 clipped to 0; 0 → 0; 25 → 0.25;
     * 50 → 0.5; 120 → 1.2 clipped to 1.  Column 1 holds the same values,
     * lower is better: 1 − y = 1, 1, 0.75, 0.5, 0. */
    const double x[5 * 2] = {-5, -5, 0, 0, 25, 25, 50, 50, 120, 120};
    const int dir[2] = {1, -1};
    const double lo[2] = {0, 0}, hi[2] = {100, 100};
    double y[10];
    normalise(x, 5, 2, dir, S3_NORM_GOALPOSTS, lo, hi, y);
    const double e0[5] = {0, 0, 0.25, 0.5, 1}, e1[5] = {1, 1, 0.75, 0.5, 0};
    for (size_t i = 0; i < 5; i++) {
        ck_assert_abs_tol(y[2 * i], e0[i], 1e-15);
        ck_assert_abs_tol(y[2 * i + 1], e1[i], 1e-15);
    }
}
END_TEST

START_TEST(norm_direction_minus)
{
    /* 2, 4, 10, 6 lower is better:
     *   min-max 1 − (0, 1/4, 1, 1/2) = 1, 0.75, 0, 0.5;
     *   ranks 1, 2, 4, 3 → (rank − 1)/3 = 0, 1/3, 1, 2/3, mirrored
     *   1, 2/3, 0, 1/3;
     *   z-scores: mean 22/4 = 5.5, deviations −3.5, −1.5, 4.5, 0.5,
     *   squares 12.25 + 2.25 + 20.25 + 0.25 = 35, sd √(35/3); mirrored
     *   −z = (5.5 − x)/√(35/3): 2 → 3.5/3.415650255319866 =
     *   1.02469507659596. */
    const double x[4] = {2, 4, 10, 6};
    const int dir[1] = {-1};
    double y[4];
    normalise(x, 4, 1, dir, S3_NORM_MINMAX, NULL, NULL, y);
    ck_assert_rel(y[0], 1.0);
    ck_assert_rel(y[1], 0.75);
    ck_assert_exact(y[2], 0.0);
    ck_assert_rel(y[3], 0.5);
    normalise(x, 4, 1, dir, S3_NORM_RANK, NULL, NULL, y);
    ck_assert_rel(y[0], 1.0);
    ck_assert_rel(y[1], 2.0 / 3.0);
    ck_assert_exact(y[2], 0.0);
    ck_assert_rel(y[3], 1.0 / 3.0);
    normalise(x, 4, 1, dir, S3_NORM_ZSCORE, NULL, NULL, y);
    ck_assert_rel(y[0], 1.02469507659596);
    ck_assert_rel(y[2], -4.5 / sqrt(35.0 / 3.0));
    ck_assert_rel(y[3], -0.5 / sqrt(35.0 / 3.0));
}
END_TEST

START_TEST(norm_constant_column)
{
    /* a column of 7s (and a NaN) cannot tell units apart: 0.5 for min-max
     * and ranks, 0 (not −0) for z-scores, in either direction; with
     * goalposts 0 and 10 the scale is fixed and 7 stays 0.7 (0.3 lower is
     * better). */
    const double x[4 * 2] = {7, 7, 7, 7, NAN, NAN, 7, 7};
    const int dir[2] = {1, -1};
    const double lo[2] = {0, 0}, hi[2] = {10, 10};
    double y[8];
    const s3_normalisation half[2] = {S3_NORM_MINMAX, S3_NORM_RANK};
    for (int h = 0; h < 2; h++) {
        normalise(x, 4, 2, dir, half[h], NULL, NULL, y);
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < 2; j++) {
                if (i == 2)
                    ck_assert_nan(y[i * 2 + j]);
                else
                    ck_assert_exact(y[i * 2 + j], 0.5);
            }
    }
    normalise(x, 4, 2, dir, S3_NORM_ZSCORE, NULL, NULL, y);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 2; j++)
            if (i != 2) {
                ck_assert_exact(y[i * 2 + j], 0.0);
                ck_assert(!signbit(y[i * 2 + j]));
            }
    normalise(x, 4, 2, dir, S3_NORM_GOALPOSTS, lo, hi, y);
    ck_assert_rel(y[0], 0.7);
    ck_assert_rel(y[1], 0.3);
    ck_assert_nan(y[4]);
}
END_TEST

START_TEST(norm_single_value_and_empty)
{
    /* one defined value has no spread (0.5, or 0 for z-scores); a column
     * with no value stays NaN */
    const double x[3 * 2] = {NAN, NAN, 4.25, NAN, NAN, NAN};
    const int dir[2] = {1, 1};
    double y[6];
    normalise(x, 3, 2, dir, S3_NORM_MINMAX, NULL, NULL, y);
    ck_assert_exact(y[2], 0.5);
    ck_assert_nan(y[0]);
    ck_assert_nan(y[1]);
    ck_assert_nan(y[3]);
    ck_assert_nan(y[5]);
    normalise(x, 3, 2, dir, S3_NORM_ZSCORE, NULL, NULL, y);
    ck_assert_exact(y[2], 0.0);
    normalise(x, 3, 2, dir, S3_NORM_RANK, NULL, NULL, y);
    ck_assert_exact(y[2], 0.5);
}
END_TEST

START_TEST(norm_goalposts_degenerate)
{
    /* goalposts with hi ≤ lo cannot scale anything: 0.5 */
    const double x[2] = {1.0, 3.0};
    const int dir[1] = {1};
    const double lo[1] = {2.0}, hi[1] = {2.0};
    double y[2];
    normalise(x, 2, 1, dir, S3_NORM_GOALPOSTS, lo, hi, y);
    ck_assert_exact(y[0], 0.5);
    ck_assert_exact(y[1], 0.5);
}
END_TEST

/* ---- normalisation on a reference's scale (issue 12, item 5) ----------- */

/* The scale of ref (nref × k) with work arrays of exactly the documented
 * size; *buf and *m are the caller's to free. */
static s3_scale
scale_of(const double *ref, size_t nref, size_t k, double **buf, size_t **m)
{
    s3_scale sc;
    *buf = dalloc(k * (nref + 4) + nref);
    *m = malloc(k * sizeof(size_t));
    size_t *iwork = malloc((nref ? nref : 1) * sizeof(size_t));
    ck_assert_ptr_nonnull(*m);
    ck_assert_ptr_nonnull(iwork);
    s3_scale_build(ref, nref, k, *buf, *m, iwork, &sc);
    free(iwork);
    return sc;
}

/* On its own data the scaled normalisation is s3_normalise to the last
 * bit, for every method and direction, with ties, NaN and a constant
 * column: a scenario unit equal to a baseline unit keeps its values. */
START_TEST(norm_scaled_own_data_bit_identical)
{
    enum { N = 7, K = 4 };
    const double x[N * K] = {2.385, 0.1,  NAN,   5.0, /* */
                             0.731, 0.7,  1.125, 5.0, /* */
                             2.385, 0.3,  1.125, 5.0, /* */
                             NAN,   0.1,  0.977, 5.0, /* */
                             1.049, 0.93, 0.212, 5.0, /* */
                             3.3,   0.1,  4.5,   5.0, /* */
                             0.731, 0.44, NAN,   NAN};
    const int dirs[2][K] = {{1, 1, 1, 1}, {-1, 1, -1, -1}};
    const double lo[K] = {0.5, 0.0, 0.0, 4.0}, hi[K] = {3.0, 1.0, 4.0, 6.0};
    double *buf;
    size_t *m;
    s3_scale sc = scale_of(x, N, K, &buf, &m);
    double y[N * K], ys[N * K];
    for (int how = S3_NORM_MINMAX; how <= S3_NORM_GOALPOSTS; how++)
        for (int d = 0; d < 2; d++) {
            normalise(x, N, K, dirs[d], (s3_normalisation)how, lo, hi, y);
            s3_normalise_scaled(x, N, K, dirs[d], (s3_normalisation)how, lo, hi,
                                &sc, ys);
            for (size_t i = 0; i < N * K; i++)
                ck_assert_msg((isnan(y[i]) && isnan(ys[i])) ||
                                  memcmp(&y[i], &ys[i], sizeof(double)) == 0,
                              "method %d dir %d cell %zu: %.17g != %.17g", how,
                              d, i, ys[i], y[i]);
        }
    free(buf);
    free(m);
}
END_TEST

/* New values on a reference's scale, worked by hand: reference column
 * {1, 2, 2, 5}: min 1, max 5; min-max (x − 1) / 4; ranks of 0 (below all:
 * p = q = 0, r = 1/2, (r − 1) / 3 = −1/6), 2 (p = 1, q = 3, r = 5/2,
 * 1/2), 3 (p = q = 3, r = 7/2, 5/6) and 7 (r = 9/2, 7/6); outside 0-1 and
 * not clipped, unless a floor is set (min-max and ranks only). */
START_TEST(norm_scaled_new_values_hand)
{
    const double ref[4] = {1.0, 2.0, 2.0, 5.0}, x[4] = {0.0, 2.0, 3.0, 7.0};
    const int dir[1] = {1};
    double *buf;
    size_t *m;
    s3_scale sc = scale_of(ref, 4, 1, &buf, &m);
    double y[4];
    s3_normalise_scaled(x, 4, 1, dir, S3_NORM_MINMAX, NULL, NULL, &sc, y);
    ck_assert_rel_tol(y[0], -0.25, 1e-15);
    ck_assert_rel_tol(y[1], 0.25, 1e-15);
    ck_assert_rel_tol(y[2], 0.5, 1e-15);
    ck_assert_rel_tol(y[3], 1.5, 1e-15);
    s3_normalise_scaled(x, 4, 1, dir, S3_NORM_RANK, NULL, NULL, &sc, y);
    ck_assert_rel_tol(y[0], -1.0 / 6.0, 1e-15);
    ck_assert_rel_tol(y[1], 0.5, 1e-15);
    ck_assert_rel_tol(y[2], 5.0 / 6.0, 1e-15);
    ck_assert_rel_tol(y[3], 7.0 / 6.0, 1e-15);
    /* mean 2.5, sd sqrt(3): z of 7 = 4.5 / sqrt(3) */
    s3_normalise_scaled(x, 4, 1, dir, S3_NORM_ZSCORE, NULL, NULL, &sc, y);
    ck_assert_rel_tol(y[3], 4.5 / sqrt(3.0), 1e-15);
    ck_assert_rel_tol(y[0], -2.5 / sqrt(3.0), 1e-15);
    sc.floor = 0.0;
    s3_normalise_scaled(x, 4, 1, dir, S3_NORM_MINMAX, NULL, NULL, &sc, y);
    ck_assert_exact(y[0], 0.0);
    ck_assert_rel_tol(y[3], 1.5, 1e-15);
    s3_normalise_scaled(x, 4, 1, dir, S3_NORM_ZSCORE, NULL, NULL, &sc, y);
    ck_assert_rel_tol(y[0], -2.5 / sqrt(3.0), 1e-15);
    free(buf);
    free(m);
}
END_TEST

/* A reference without spread: its value 0.5 (z 0), above 1 (z 1), below
 * 0 (z −1), mirrored for dir −1; a reference without a value: NaN. */
START_TEST(norm_scaled_no_spread)
{
    const double ref[2 * 2] = {3.0, NAN, 3.0, NAN};
    const double x[3 * 2] = {3.0, 1.0, 4.0, 1.0, 2.0, 1.0};
    const int up[2] = {1, 1}, down[2] = {-1, 1};
    double *buf;
    size_t *m;
    s3_scale sc = scale_of(ref, 2, 2, &buf, &m);
    double y[6];
    s3_normalise_scaled(x, 3, 2, up, S3_NORM_MINMAX, NULL, NULL, &sc, y);
    ck_assert_exact(y[0], 0.5);
    ck_assert_exact(y[2], 1.0);
    ck_assert_exact(y[4], 0.0);
    ck_assert(isnan(y[1]) && isnan(y[3]) && isnan(y[5]));
    s3_normalise_scaled(x, 3, 2, down, S3_NORM_ZSCORE, NULL, NULL, &sc, y);
    ck_assert_exact(y[0], 0.0);
    ck_assert_exact(y[2], -1.0);
    ck_assert_exact(y[4], 1.0);
    free(buf);
    free(m);
}
END_TEST

/* ---- s3_aggregate ------------------------------------------------------- */

START_TEST(agg_arithmetic_hand)
{
    /* w = 1, 2, 1 (sum 4):
     *   u0 (0.2, 0.5, 1.0): (0.2 + 1.0 + 1.0)/4 = 2.2/4 = 0.55
     *   u1 (1.0, 0.0, 0.5): (1.0 + 0 + 0.5)/4 = 1.5/4 = 0.375 */
    const double y[2 * 3] = {0.2, 0.5, 1.0, 1.0, 0.0, 0.5};
    const double w[3] = {1, 2, 1};
    double s[2];
    ck_assert_uint_eq(s3_aggregate(y, 2, 3, w, S3_AGG_ARITHMETIC, 0.0, s), 0);
    ck_assert_rel(s[0], 0.55);
    ck_assert_rel(s[1], 0.375);
}
END_TEST

START_TEST(agg_geometric_shift_hand)
{
    /* w = 1, 1:
     *   u0 (0.25, 1.0), shift 0: √(0.25 · 1) = 0.5;
     *                   shift 1: √(1.25 · 2) − 1 = √2.5 − 1 =
     *                   0.5811388300841898
     *   u1 (0.0, 0.5),  shift 1: √(1 · 1.5) − 1 = 0.22474487139158894;
     *                   shift 0: 0 + 0 ≤ 0 → NaN
     * w = 1, 3: u0 shift 0: 0.25^(1/4) · 1^(3/4) = √0.5 =
     * 0.7071067811865476 */
    const double y[2 * 2] = {0.25, 1.0, 0.0, 0.5};
    const double w[2] = {1, 1}, w13[2] = {1, 3};
    double s[2];
    s3_aggregate(y, 2, 2, w, S3_AGG_GEOMETRIC, 0.0, s);
    ck_assert_rel(s[0], 0.5);
    ck_assert_nan(s[1]);
    s3_aggregate(y, 2, 2, w, S3_AGG_GEOMETRIC, 1.0, s);
    ck_assert_rel(s[0], 0.5811388300841898);
    ck_assert_rel(s[1], 0.22474487139158894);
    s3_aggregate(y, 2, 2, w13, S3_AGG_GEOMETRIC, 0.0, s);
    ck_assert_rel(s[0], 0.7071067811865476);
}
END_TEST

START_TEST(agg_missing_rescaled_hand)
{
    /* w = 1, 2, 1:
     *   u0 (0.2, NaN, 1.0): weights 1, 1 → (0.2 + 1.0)/2 = 0.6
     *   u1 (NaN, NaN, NaN): NaN
     *   u2 (0.5, 0.5, NaN): weights 1, 2 → (0.5 + 1.0)/3 = 0.5
     *   u3 (0.1, 0.2, 0.3): (0.1 + 0.4 + 0.3)/4 = 0.2
     * two units rescaled (u0, u2).  Geometric, shift 0: u0 √(0.2 · 1) =
     * 0.4472135954999579; u2 (0.5 · 0.5²)^(1/3) = 0.5. */
    const double y[4 * 3] = {0.2, NAN, 1.0, NAN, NAN, NAN,
                             0.5, 0.5, NAN, 0.1, 0.2, 0.3};
    const double w[3] = {1, 2, 1};
    double s[4];
    ck_assert_uint_eq(s3_aggregate(y, 4, 3, w, S3_AGG_ARITHMETIC, 0.0, s), 2);
    ck_assert_rel(s[0], 0.6);
    ck_assert_nan(s[1]);
    ck_assert_rel(s[2], 0.5);
    ck_assert_rel(s[3], 0.2);
    ck_assert_uint_eq(s3_aggregate(y, 4, 3, w, S3_AGG_GEOMETRIC, 0.0, s), 2);
    ck_assert_rel(s[0], 0.4472135954999579);
    ck_assert_nan(s[1]);
    ck_assert_rel(s[2], 0.5);
}
END_TEST

START_TEST(agg_zero_weight_takes_no_part)
{
    /* w = 1, 0, 1: the middle indicator takes no part, missing or not
     * (no rescaling):  u0 (0.4, NaN, 0.6) → 0.5;  u1 (0.4, 0.9, 0.6) →
     * 0.5; geometric with shift 1 and a middle value −5 (−5 + 1 ≤ 0, but
     * weight 0): √(1.4 · 1.6) − 1 = √2.24 − 1 = 0.49666295470957667;
     * u2 (NaN, 0.3, NaN): only a weight-0 value → NaN. */
    const double y[3 * 3] = {0.4, NAN, 0.6, 0.4, -5.0, 0.6, NAN, 0.3, NAN};
    const double w[3] = {1, 0, 1};
    double s[3];
    ck_assert_uint_eq(s3_aggregate(y, 3, 3, w, S3_AGG_ARITHMETIC, 0.0, s), 0);
    ck_assert_rel(s[0], 0.5);
    ck_assert_rel(s[1], 0.5);
    ck_assert_nan(s[2]);
    s3_aggregate(y, 3, 3, w, S3_AGG_GEOMETRIC, 1.0, s);
    ck_assert_rel(s[1], 0.49666295470957667);
}
END_TEST

START_TEST(agg_geometric_nonpositive_nan)
{
    /* z-scores −1.5 and 0.5 with shift 1: −1.5 + 1 = −0.5 ≤ 0 → NaN;
     * (0.5, 2.0) with shift 1: √(1.5 · 3) − 1 = √4.5 − 1 =
     * 1.1213203435596424 */
    const double y[2 * 2] = {-1.5, 0.5, 0.5, 2.0};
    const double w[2] = {1, 1};
    double s[2];
    s3_aggregate(y, 2, 2, w, S3_AGG_GEOMETRIC, 1.0, s);
    ck_assert_nan(s[0]);
    ck_assert_rel(s[1], 1.1213203435596424);
}
END_TEST

START_TEST(composite_constant_column_hand)
{
    /* x: u0 (2, 7), u1 (4, 7), u2 (10, 7), w = 1, 1, min-max:
     * column 0 → 0, 0.25, 1; column 1 (constant) → 0.5, 0.5, 0.5;
     * scores (0 + 0.5)/2 = 0.25, (0.25 + 0.5)/2 = 0.375, (1 + 0.5)/2 =
     * 0.75; ranks 3, 2, 1. */
    const double x[3 * 2] = {2, 7, 4, 7, 10, 7};
    const int dir[2] = {1, 1};
    const double w[2] = {1, 1};
    double y[6], s[3], r[3];
    normalise(x, 3, 2, dir, S3_NORM_MINMAX, NULL, NULL, y);
    s3_aggregate(y, 3, 2, w, S3_AGG_ARITHMETIC, 0.0, s);
    ck_assert_rel(s[0], 0.25);
    ck_assert_rel(s[1], 0.375);
    ck_assert_rel(s[2], 0.75);
    rank_of(s, 3, r);
    ck_assert_exact(r[0], 3.0);
    ck_assert_exact(r[1], 2.0);
    ck_assert_exact(r[2], 1.0);
}
END_TEST

START_TEST(composite_pipeline_hand)
{
    /* x: u0 (10, 5), u1 (20, 1), u2 (30, 3); indicator 1 lower is better.
     * min-max: column 0 → 0, 0.5, 1; column 1 mirrored: (5 − x)/4 →
     * 0, 1, 0.5.  w = 3, 1: u0 0, u1 (1.5 + 1)/4 = 0.625, u2 (3 + 0.5)/4
     * = 0.875.  Geometric, shift 0.5: u0 (0.5³ · 0.5)^(1/4) − 0.5 = 0;
     * u1 (1³ · 1.5)^(1/4) − 0.5 = 1.5^(1/4) − 0.5 = 0.6066819197003215;
     * u2 (1.5³ · 1)^(1/4) − 0.5 = 1.5^(3/4) − 0.5 = 0.8554030054147672.
     */
    const double x[3 * 2] = {10, 5, 20, 1, 30, 3};
    const int dir[2] = {1, -1};
    const double w[2] = {3, 1};
    double y[6], s[3];
    normalise(x, 3, 2, dir, S3_NORM_MINMAX, NULL, NULL, y);
    s3_aggregate(y, 3, 2, w, S3_AGG_ARITHMETIC, 0.0, s);
    ck_assert_exact(s[0], 0.0);
    ck_assert_rel(s[1], 0.625);
    ck_assert_rel(s[2], 0.875);
    s3_aggregate(y, 3, 2, w, S3_AGG_GEOMETRIC, 0.5, s);
    ck_assert_abs_tol(s[0], 0.0, 1e-15);
    ck_assert_rel(s[1], 0.6066819197003215);
    ck_assert_rel(s[2], 0.8554030054147672);
}
END_TEST

/* ---- invariants --------------------------------------------------------- */

/* A 7 × 3 matrix of non-integer values for the invariants. */
enum { IR = 7, IC = 3 };
static const double INV[IR * IC] = {
    2.385, 0.75,  13.2, 7.91, 3.3,  0.0,  0.42, 11.7, 2.2, 5.05, 0.0,
    8.8,   1.618, 4.4,  0.93, 9.99, 2.02, 3.75, 0.33, 6.6, 1.41,
};

START_TEST(inv_identical_indicators_equal_scores)
{
    /* three copies of one indicator, equal weights: the composite is that
     * indicator's normalised value (arithmetic and geometric alike) */
    double x[IR * 3], y[IR * 3], s[IR], one[IR];
    const int dir[3] = {1, 1, 1};
    const double w[3] = {1, 1, 1};
    for (size_t i = 0; i < IR; i++)
        for (size_t j = 0; j < 3; j++)
            x[i * 3 + j] = INV[i * IC];
    normalise(x, IR, 3, dir, S3_NORM_MINMAX, NULL, NULL, y);
    for (size_t i = 0; i < IR; i++)
        one[i] = y[i * 3];
    s3_aggregate(y, IR, 3, w, S3_AGG_ARITHMETIC, 0.0, s);
    for (size_t i = 0; i < IR; i++)
        ck_assert_abs_tol(s[i], one[i], 1e-15);
    s3_aggregate(y, IR, 3, w, S3_AGG_GEOMETRIC, 0.25, s);
    for (size_t i = 0; i < IR; i++)
        ck_assert_abs_tol(s[i], one[i], 1e-14);
}
END_TEST

START_TEST(inv_identical_units_equal_scores_ranks_by_index)
{
    /* units 1, 3 and 5 have identical rows: equal scores, and consecutive
     * ranks in the order of their index, under every method */
    double x[IR * IC], y[IR * IC], s[IR], r[IR];
    memcpy(x, INV, sizeof x);
    for (size_t j = 0; j < IC; j++)
        x[3 * IC + j] = x[5 * IC + j] = x[1 * IC + j];
    const int dir[IC] = {1, -1, 1};
    const double w[IC] = {1, 1, 1}, lo[IC] = {0, 0, 0}, hi[IC] = {20, 20, 20};
    for (int h = 0; h < 4; h++) {
        for (int a = 0; a < 2; a++) {
            normalise(x, IR, IC, dir, (s3_normalisation)h, lo, hi, y);
            s3_aggregate(y, IR, IC, w, (s3_aggregation)a, 3.0, s);
            rank_of(s, IR, r);
            ck_assert_exact(s[3], s[1]);
            ck_assert_exact(s[5], s[1]);
            ck_assert_exact(r[3], r[1] + 1.0);
            ck_assert_exact(r[5], r[1] + 2.0);
        }
    }
}
END_TEST

START_TEST(inv_minmax_affine)
{
    /* x_j → 3.7 x_j + 12.5 for one indicator leaves min-max values, and
     * so the scores and ranks, unchanged (z-scores and ranks too) */
    double x2[IR * IC], y1[IR * IC], y2[IR * IC], s1[IR], s2[IR], r1[IR],
        r2[IR];
    memcpy(x2, INV, sizeof x2);
    for (size_t i = 0; i < IR; i++)
        x2[i * IC + 1] = 3.7 * INV[i * IC + 1] + 12.5;
    const int dir[IC] = {1, -1, 1};
    const double w[IC] = {2, 1, 0.5};
    const s3_normalisation hows[3] = {S3_NORM_MINMAX, S3_NORM_ZSCORE,
                                      S3_NORM_RANK};
    for (int h = 0; h < 3; h++) {
        normalise(INV, IR, IC, dir, hows[h], NULL, NULL, y1);
        normalise(x2, IR, IC, dir, hows[h], NULL, NULL, y2);
        s3_aggregate(y1, IR, IC, w, S3_AGG_ARITHMETIC, 0.0, s1);
        s3_aggregate(y2, IR, IC, w, S3_AGG_ARITHMETIC, 0.0, s2);
        for (size_t i = 0; i < IR; i++)
            ck_assert_abs_tol(s2[i], s1[i], 1e-14);
        rank_of(s1, IR, r1);
        rank_of(s2, IR, r2);
        for (size_t i = 0; i < IR; i++)
            ck_assert_exact(r2[i], r1[i]);
    }
}
END_TEST

/* ---- s3_rank ------------------------------------------------------------ */

START_TEST(rank_hand)
{
    /* 0.3, 0.9, 0.1, 0.5 → 0.9 first, 0.5, 0.3, 0.1: ranks 3, 1, 4, 2 */
    const double s[4] = {0.3, 0.9, 0.1, 0.5};
    double r[4];
    rank_of(s, 4, r);
    ck_assert_exact(r[0], 3.0);
    ck_assert_exact(r[1], 1.0);
    ck_assert_exact(r[2], 4.0);
    ck_assert_exact(r[3], 2.0);
}
END_TEST

START_TEST(rank_nan_last_ties_by_index)
{
    /* 0.5, NaN, 0.7, 0.5, NaN, 0.7, −0, 0: 0.7 (u2) 1, 0.7 (u5) 2,
     * 0.5 (u0) 3, 0.5 (u3) 4, −0 (u6) 5, 0 (u7) 6 (−0 = 0: a tie),
     * NaN (u1) 7, NaN (u4) 8 */
    const double s[8] = {0.5, NAN, 0.7, 0.5, NAN, 0.7, -0.0, 0.0};
    const double e[8] = {3, 7, 1, 4, 8, 2, 5, 6};
    double r[8];
    rank_of(s, 8, r);
    for (size_t i = 0; i < 8; i++)
        ck_assert_exact(r[i], e[i]);
}
END_TEST

START_TEST(rank_many_ties_counting)
{
    /* 1000 scores from 13 values (many ties) and every 17th NaN: the ranks
     * equal those counted pair by pair */
    enum { N = 1000 };
    double *s = dalloc(N), *r = dalloc(N), *e = dalloc(N);
    for (size_t i = 0; i < N; i++)
        s[i] = i % 17 == 5 ? NAN : (double)((i * 7919) % 13) / 4.0;
    rank_of(s, N, r);
    ranks_by_counting(s, N, e);
    for (size_t i = 0; i < N; i++)
        ck_assert_exact(r[i], e[i]);
    free(s), free(r), free(e);
}
END_TEST

START_TEST(rank_empty_and_single)
{
    const double s[1] = {NAN};
    double r[1] = {0};
    rank_of(s, 0, r);
    ck_assert_exact(r[0], 0.0);
    rank_of(s, 1, r);
    ck_assert_exact(r[0], 1.0);
}
END_TEST

/* ---- s3_score_uncertainty ----------------------------------------------- */

/* The Monte Carlo fixture: 20 units × 5 indicators,
 *   x_ij = i/19 + 0.35 sin(1.7 i (j + 1) + j),
 * negated for indicator 4 (lower is better), so the units overlap; unit 13
 * repeats unit 6 (a tie), unit 7 misses indicator 2, unit 19 has no value
 * at all (NaN score: always last).  Goalposts −0.5 and 1.5 (−1.5 and 0.5
 * for indicator 4) hold every value. */
enum { MN = 20, MK = 5 };
static const int MC_DIR[MK] = {1, 1, 1, 1, -1};
static const double MC_W[MK] = {1, 2, 1, 1.5, 1};
static const double MC_LO[MK] = {-0.5, -0.5, -0.5, -0.5, -1.5};
static const double MC_HI[MK] = {1.5, 1.5, 1.5, 1.5, 0.5};

static void
mc_fixture(double *x)
{
    for (size_t i = 0; i < MN; i++)
        for (size_t j = 0; j < MK; j++) {
            double v =
                (double)i / 19.0 +
                0.35 * sin(1.7 * (double)i * (double)(j + 1) + (double)j);
            x[i * MK + j] = MC_DIR[j] < 0 ? -v : v;
        }
    for (size_t j = 0; j < MK; j++) {
        x[13 * MK + j] = x[6 * MK + j];
        x[19 * MK + j] = NAN;
    }
    x[7 * MK + 2] = NAN;
}

/* One Monte Carlo's setting and results. */
typedef struct {
    s3_normalisation norm;
    s3_aggregation agg;
    double shift, sd;
    int vary_norm, vary_agg, goalposts;
    size_t draws;
    unsigned long seed;
    double med[MN], p05[MN], p95[MN], out[MN * MN];
} mc_run;

/* Run s3_score_uncertainty on x (MN × MK) with a workspace of exactly the
 * documented size; returns its return value. */
static int
run_mc(const double *x, mc_run *m, void (*progress)(void *, double), void *user)
{
    size_t nwork = s3_uncertainty_workspace(MN, MK, m->draws);
    unsigned char *work = malloc(nwork);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_ptr_nonnull(work);
    ck_assert_ptr_nonnull(r);
    /* garbage in the workspace: the kernel must not read what it did not
     * write */
    for (size_t i = 0; i < nwork; i++)
        work[i] = (unsigned char)((i * 2654435761u) >> 13);
    gsl_rng_set(r, m->seed);
    int rc = s3_score_uncertainty(x, MN, MK, MC_DIR, MC_W, m->norm, m->agg,
                                  m->shift, m->goalposts ? MC_LO : NULL,
                                  m->goalposts ? MC_HI : NULL, m->draws, m->sd,
                                  m->vary_norm, m->vary_agg, r, m->med, m->p05,
                                  m->p95, m->out, work, nwork, progress, user);
    gsl_rng_free(r);
    free(work);
    return rc;
}

/* The full setting: weights, normalisation and aggregation all drawn. */
static mc_run
mc_all(size_t draws, unsigned long seed)
{
    mc_run m = {.norm = S3_NORM_MINMAX,
                .agg = S3_AGG_ARITHMETIC,
                .shift = 0.5,
                .sd = 0.5,
                .vary_norm = 1,
                .vary_agg = 1,
                .goalposts = 1,
                .draws = draws,
                .seed = seed};
    return m;
}

START_TEST(mc_reproducible_seed)
{
    double x[MN * MK];
    mc_fixture(x);
    mc_run *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    *a = mc_all(700, 42);
    *b = mc_all(700, 42);
    ck_assert_int_eq(run_mc(x, a, NULL, NULL), 0);
    ck_assert_int_eq(run_mc(x, b, NULL, NULL), 0);
    ck_assert(memcmp(a->med, b->med, sizeof a->med) == 0);
    ck_assert(memcmp(a->p05, b->p05, sizeof a->p05) == 0);
    ck_assert(memcmp(a->p95, b->p95, sizeof a->p95) == 0);
    ck_assert(memcmp(a->out, b->out, sizeof a->out) == 0);
    free(a), free(b);
}
END_TEST

START_TEST(mc_different_seed)
{
    double x[MN * MK];
    mc_fixture(x);
    mc_run *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    *a = mc_all(700, 42);
    *b = mc_all(700, 43);
    ck_assert_int_eq(run_mc(x, a, NULL, NULL), 0);
    ck_assert_int_eq(run_mc(x, b, NULL, NULL), 0);
    ck_assert(memcmp(a->out, b->out, sizeof a->out) != 0);
    free(a), free(b);
}
END_TEST

/* Every band is one rank, the deterministic one, and every pair is
 * settled: outrank 1 when a ranks above b, 0 otherwise. */
static void
assert_deterministic(const mc_run *m, const double *det)
{
    for (size_t a = 0; a < MN; a++) {
        ck_assert_exact(m->med[a], det[a]);
        ck_assert_exact(m->p05[a], det[a]);
        ck_assert_exact(m->p95[a], det[a]);
        for (size_t b = 0; b < MN; b++)
            ck_assert_exact(m->out[a * MN + b], det[a] < det[b] ? 1.0 : 0.0);
    }
}

START_TEST(mc_sd0_deterministic)
{
    /* sd = 0 and no method drawn: every draw is the deterministic
     * ranking, for every normalisation and aggregation (z-scores with
     * geometric means too, when asked for: NaN scores go last) */
    double x[MN * MK], det[MN];
    mc_fixture(x);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    for (int h = 0; h < 4; h++) {
        for (int a = 0; a < 2; a++) {
            *m = (mc_run){.norm = (s3_normalisation)h,
                          .agg = (s3_aggregation)a,
                          .shift = 0.5,
                          .goalposts = 1,
                          .draws = 300,
                          .seed = 1};
            ck_assert_int_eq(run_mc(x, m, NULL, NULL), 0);
            det_ranks(x, MN, MK, MC_DIR, MC_W, m->norm, m->agg, m->shift, MC_LO,
                      MC_HI, det);
            /* the tie (13 repeats 6) by index, the empty unit last */
            ck_assert_exact(det[19], (double)MN);
            if (!(h == S3_NORM_ZSCORE && a == S3_AGG_GEOMETRIC))
                ck_assert_exact(det[13], det[6] + 1.0);
            assert_deterministic(m, det);
        }
    }
    free(m);
}
END_TEST

START_TEST(mc_zscore_never_geometric)
{
    /* z-scores are never paired with a geometric mean: with the
     * aggregation drawn, z-scores and sd = 0, every draw is the arithmetic
     * ranking (the geometric one differs: it puts units with z ≤ −0.5 last)
     */
    double x[MN * MK], arith[MN], geo[MN];
    mc_fixture(x);
    det_ranks(x, MN, MK, MC_DIR, MC_W, S3_NORM_ZSCORE, S3_AGG_ARITHMETIC, 0.5,
              NULL, NULL, arith);
    det_ranks(x, MN, MK, MC_DIR, MC_W, S3_NORM_ZSCORE, S3_AGG_GEOMETRIC, 0.5,
              NULL, NULL, geo);
    ck_assert(memcmp(arith, geo, sizeof arith) != 0);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = (mc_run){.norm = S3_NORM_ZSCORE,
                  .agg = S3_AGG_GEOMETRIC,
                  .shift = 0.5,
                  .vary_agg = 1,
                  .draws = 500,
                  .seed = 3};
    ck_assert_int_eq(run_mc(x, m, NULL, NULL), 0);
    assert_deterministic(m, arith);
    free(m);
}
END_TEST

START_TEST(mc_vary_methods_single_indicator)
{
    /* one indicator: every normalisation is increasing in it and every
     * aggregation of one value is the value, so with everything drawn
     * each draw is the same ranking (by the indicator, ties by index) */
    double x[MN * MK], det[MN];
    mc_fixture(x);
    double w1[MK] = {0, 1, 0, 0, 0};
    size_t nwork = s3_uncertainty_workspace(MN, MK, 900);
    void *work = malloc(nwork);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(work);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(m);
    gsl_rng_set(r, 11);
    ck_assert_int_eq(s3_score_uncertainty(
                         x, MN, MK, MC_DIR, w1, S3_NORM_RANK, S3_AGG_GEOMETRIC,
                         0.5, MC_LO, MC_HI, 900, 0.8, 1, 1, r, m->med, m->p05,
                         m->p95, m->out, work, nwork, NULL, NULL),
                     0);
    double col[MN];
    for (size_t i = 0; i < MN; i++)
        col[i] = x[i * MK + 1];
    ranks_by_counting(col, MN, det);
    assert_deterministic(m, det);
    gsl_rng_free(r);
    free(work), free(m);
}
END_TEST

/* Unit i holds (t_i, 1 − t_i), t_i = i/19, with weights w0 and 1 drawn
 * (sd 0.8; the other indicators have weight 0).  Min-max keeps t_i and
 * 1 − t_i, and the score ω t_i + (1 − ω)(1 − t_i), ω = w0/(w0 + 1), is
 * increasing in t when ω > 1/2 and decreasing otherwise: every draw ranks
 * the units in one of two orders.  So every pair with t_a > t_b has the
 * same share, the share of draws with w0 e^(0.8 z0) > e^(0.8 z1), of
 * probability P(0.8 (z0 − z1) > −ln w0) = Φ(ln w0 / (0.8 √2)); unit i has
 * rank 20 − i in those draws and i + 1 in the others, and its quantiles
 * follow from the two counts.  Many pairs overlap in their ranks: this
 * exercises the counting over the stored draws, not only the pairs settled
 * by their ranges.  Returns the share. */
static double
two_orders(double w0, unsigned long seed)
{
    enum { D = 3000 };
    double x[MN * MK] = {0}, w[MK] = {w0, 1, 0, 0, 0};
    const int dir[MK] = {1, 1, 1, 1, 1};
    for (size_t i = 0; i < MN; i++) {
        x[i * MK] = (double)i / 19.0;
        x[i * MK + 1] = 1.0 - (double)i / 19.0;
    }
    size_t nwork = s3_uncertainty_workspace(MN, MK, D);
    void *work = malloc(nwork);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(work);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(m);
    gsl_rng_set(r, seed);
    ck_assert_int_eq(s3_score_uncertainty(x, MN, MK, dir, w, S3_NORM_MINMAX,
                                          S3_AGG_ARITHMETIC, 0.0, NULL, NULL, D,
                                          0.8, 0, 0, r, m->med, m->p05, m->p95,
                                          m->out, work, nwork, NULL, NULL),
                     0);
    double share = m->out[(MN - 1) * MN];
    double p = gsl_cdf_ugaussian_P(log(w0) / (0.8 * sqrt(2.0)));
    ck_assert_abs_tol(share, p, 4.0 * sqrt(p * (1.0 - p) / D));
    /* the quantiles from the counts: the smaller of the two ranks first */
    double c_up = round(share * D), c_down = D - c_up;
    const double num[3] = {1, 10, 19}; /* of 20: 5 %, 50 %, 95 % */
    for (size_t a = 0; a < MN; a++) {
        double up = (double)(MN - a), down = (double)(a + 1);
        double r1 = fmin(up, down), r2 = fmax(up, down);
        double c1 = up < down ? c_up : c_down, e[3];
        for (int q = 0; q < 3; q++)
            e[q] = c1 * 20.0 >= num[q] * D ? r1 : r2;
        ck_assert_exact(m->p05[a], e[0]);
        ck_assert_exact(m->med[a], e[1]);
        ck_assert_exact(m->p95[a], e[2]);
        for (size_t b = 0; b < a; b++) {
            ck_assert_exact(m->out[a * MN + b], share);
            ck_assert_abs_tol(m->out[b * MN + a], 1.0 - share, 1e-15);
        }
    }
    gsl_rng_free(r);
    free(work), free(m);
    return share;
}

START_TEST(mc_two_orders_exact)
{
    /* w0 = 2: Φ(ln 2 / (0.8 √2)) = Φ(0.61266) = 0.72995 */
    double share = two_orders(2.0, 12);
    ck_assert(share > 0.5 && share < 0.95);
}
END_TEST

START_TEST(mc_two_orders_tail_quantiles)
{
    /* w0 = 5.3: Φ(ln 5.3 / (0.8 √2)) = Φ(1.4739) = 0.92975: the rarer
     * order has about 7 % of the draws, inside the 5 % band end (a 10 %
     * end would differ) */
    double share = two_orders(5.3, 13);
    ck_assert(share > 0.91 && share < 0.95);
}
END_TEST

START_TEST(mc_sd0_many_ties_large)
{
    /* 1000 units of 2 indicators from 5 × 4 levels (many exact ties) and
     * every 37th unit empty: with sd = 0 every draw's ranks are the ranks
     * counted pair by pair (ties by index, NaN last) of the deterministic
     * scores; long runs exercise every merge of the sort */
    enum { N = 1000, K = 2 };
    double *x = dalloc(N * K), *y = dalloc(N * K), *s = dalloc(N),
           *e = dalloc(N), *med = dalloc(N), *p05 = dalloc(N), *p95 = dalloc(N),
           *out = dalloc(N * N);
    const int dir[K] = {1, -1};
    const double w[K] = {1, 1};
    for (size_t i = 0; i < N; i++) {
        x[i * K] = i % 37 == 3 ? NAN : (double)((i * 7) % 5);
        x[i * K + 1] = i % 37 == 3 ? NAN : (double)((i * 11) % 4);
    }
    normalise(x, N, K, dir, S3_NORM_MINMAX, NULL, NULL, y);
    s3_aggregate(y, N, K, w, S3_AGG_ARITHMETIC, 0.0, s);
    ranks_by_counting(s, N, e);
    size_t nwork = s3_uncertainty_workspace(N, K, 5);
    void *work = malloc(nwork);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_ptr_nonnull(work);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(s3_score_uncertainty(x, N, K, dir, w, S3_NORM_MINMAX,
                                          S3_AGG_ARITHMETIC, 0.0, NULL, NULL, 5,
                                          0.0, 0, 0, r, med, p05, p95, out,
                                          work, nwork, NULL, NULL),
                     0);
    for (size_t i = 0; i < N; i++) {
        ck_assert_exact(med[i], e[i]);
        ck_assert_exact(p05[i], e[i]);
        ck_assert_exact(p95[i], e[i]);
    }
    for (size_t a = 0; a < N; a++)
        for (size_t b = 0; b < N; b++)
            ck_assert_exact(out[a * N + b], e[a] < e[b] ? 1.0 : 0.0);
    gsl_rng_free(r);
    free(work), free(x), free(y), free(s), free(e), free(med), free(p05);
    free(p95), free(out);
}
END_TEST

START_TEST(mc_outrank_complement)
{
    /* outrank[a, b] + outrank[b, a] = 1 (ranks are a strict order), 0 on
     * the diagonal, shares in [0, 1] */
    double x[MN * MK];
    mc_fixture(x);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = mc_all(1000, 5);
    ck_assert_int_eq(run_mc(x, m, NULL, NULL), 0);
    for (size_t a = 0; a < MN; a++) {
        ck_assert_exact(m->out[a * MN + a], 0.0);
        for (size_t b = 0; b < MN; b++) {
            double o = m->out[a * MN + b];
            ck_assert(o >= 0.0 && o <= 1.0);
            if (a != b)
                ck_assert_abs_tol(o + m->out[b * MN + a], 1.0, 1e-15);
        }
    }
    /* the empty unit 19 is always last */
    for (size_t b = 0; b < MN - 1; b++)
        ck_assert_exact(m->out[b * MN + 19], 1.0);
    free(m);
}
END_TEST

START_TEST(mc_bands_contain_median)
{
    /* 1 ≤ p05 ≤ median ≤ p95 ≤ n, all whole ranks; the draws really vary
     * (some band is wider than one rank) */
    double x[MN * MK];
    mc_fixture(x);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = mc_all(1000, 6);
    ck_assert_int_eq(run_mc(x, m, NULL, NULL), 0);
    int wide = 0;
    for (size_t a = 0; a < MN; a++) {
        ck_assert(m->p05[a] >= 1.0);
        ck_assert(m->p05[a] <= m->med[a]);
        ck_assert(m->med[a] <= m->p95[a]);
        ck_assert(m->p95[a] <= (double)MN);
        ck_assert_exact(m->med[a], floor(m->med[a]));
        wide |= m->p95[a] - m->p05[a] >= 2.0;
    }
    ck_assert(wide);
    free(m);
}
END_TEST

START_TEST(mc_dominant_unit)
{
    /* unit 0 is strictly best on every indicator (1.4 above every other
     * value ≤ 1.35; −1.4 on the lower-is-better one): it ranks first in
     * every draw whatever the weights and methods */
    double x[MN * MK];
    mc_fixture(x);
    for (size_t j = 0; j < MK; j++)
        x[j] = MC_DIR[j] < 0 ? -1.4 : 1.4;
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = mc_all(2000, 8);
    m->sd = 1.0;
    ck_assert_int_eq(run_mc(x, m, NULL, NULL), 0);
    ck_assert_exact(m->med[0], 1.0);
    ck_assert_exact(m->p05[0], 1.0);
    ck_assert_exact(m->p95[0], 1.0);
    for (size_t b = 1; b < MN; b++) {
        ck_assert_exact(m->out[b], 1.0);
        ck_assert_exact(m->out[b * MN], 0.0);
    }
    free(m);
}
END_TEST

START_TEST(mc_convergence_2000_20000)
{
    /* 2,000 draws against 20,000 (independent streams): the median ranks
     * and band ends differ by at most one rank, the outranking shares by
     * at most 0.04.  The standard error of a difference of shares at
     * p = 1/2 is √(0.25 (1/2000 + 1/20000)) = 0.0117, and 190 pairs are
     * compared: 0.03 would be 2.6 standard errors, crossed by chance (3 of
     * 30 seeds tried); 0.04 is 3.4.  These seeds give 1 rank and 0.020. */
    double x[MN * MK];
    mc_fixture(x);
    mc_run *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    *a = mc_all(2000, 2026);
    *b = mc_all(20000, 1126);
    ck_assert_int_eq(run_mc(x, a, NULL, NULL), 0);
    ck_assert_int_eq(run_mc(x, b, NULL, NULL), 0);
    double dmax = 0.0, rmax = 0.0;
    for (size_t u = 0; u < MN; u++) {
        rmax = fmax(rmax, fabs(a->med[u] - b->med[u]));
        rmax = fmax(rmax, fabs(a->p05[u] - b->p05[u]));
        rmax = fmax(rmax, fabs(a->p95[u] - b->p95[u]));
    }
    for (size_t i = 0; i < MN * MN; i++)
        dmax = fmax(dmax, fabs(a->out[i] - b->out[i]));
    ck_assert_msg(rmax <= 1.0, "ranks differ by %g", rmax);
    ck_assert_msg(dmax <= 0.04, "outranking shares differ by %g", dmax);
    free(a), free(b);
}
END_TEST

START_TEST(mc_workspace_too_small)
{
    double x[MN * MK];
    mc_fixture(x);
    size_t need = s3_uncertainty_workspace(MN, MK, 300);
    void *work = malloc(need);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(work);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(s3_score_uncertainty(x, MN, MK, MC_DIR, MC_W,
                                          S3_NORM_MINMAX, S3_AGG_ARITHMETIC,
                                          0.5, NULL, NULL, 300, 0.3, 0, 0, r,
                                          m->med, m->p05, m->p95, m->out, work,
                                          need - 1, NULL, NULL),
                     -1);
    /* no draw at all cannot give a share */
    ck_assert_int_eq(s3_score_uncertainty(x, MN, MK, MC_DIR, MC_W,
                                          S3_NORM_MINMAX, S3_AGG_ARITHMETIC,
                                          0.5, NULL, NULL, 0, 0.3, 0, 0, r,
                                          m->med, m->p05, m->p95, m->out, work,
                                          need, NULL, NULL),
                     -1);
    ck_assert_int_eq(s3_score_uncertainty(x, MN, MK, MC_DIR, MC_W,
                                          S3_NORM_MINMAX, S3_AGG_ARITHMETIC,
                                          0.5, NULL, NULL, 300, 0.3, 0, 0, r,
                                          m->med, m->p05, m->p95, m->out, work,
                                          need, NULL, NULL),
                     0);
    gsl_rng_free(r);
    free(work), free(m);
}
END_TEST

START_TEST(mc_workspace_size)
{
    /* grows with the draws; at most 200 MB for 2,000 units × 11
     * indicators × 10,000 draws (the ranks take 2,000 · 10,240 · 2 bytes
     * = 41 MB of it) */
    size_t big = s3_uncertainty_workspace(2000, 11, 10000);
    ck_assert_uint_le(big, 200000000u);
    ck_assert_uint_ge(big, 2000u * 10000u * 2u);
    ck_assert_uint_lt(s3_uncertainty_workspace(20, 5, 100),
                      s3_uncertainty_workspace(20, 5, 1000));
}
END_TEST

/* Progress record: calls, the last fraction, whether they increase. */
typedef struct {
    size_t calls;
    double last;
    int increasing;
} progress_log;

static void
log_progress(void *user, double done)
{
    progress_log *p = user;
    p->increasing &= done > p->last;
    p->last = done;
    p->calls++;
}

START_TEST(mc_progress_calls)
{
    /* many draws: at most 100 calls, increasing, ending at 1 */
    double x[MN * MK];
    mc_fixture(x);
    mc_run *m = malloc(sizeof *m);
    ck_assert_ptr_nonnull(m);
    *m = mc_all(60000, 9);
    progress_log p = {0, 0.0, 1};
    ck_assert_int_eq(run_mc(x, m, log_progress, &p), 0);
    ck_assert_uint_ge(p.calls, 1);
    ck_assert_uint_le(p.calls, 100);
    ck_assert(p.increasing);
    ck_assert_exact(p.last, 1.0);
    /* and a short run calls it too */
    *m = mc_all(10, 9);
    p = (progress_log){0, 0.0, 1};
    ck_assert_int_eq(run_mc(x, m, log_progress, &p), 0);
    ck_assert_uint_eq(p.calls, 1);
    ck_assert_exact(p.last, 1.0);
    free(m);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
scoring_suite(void)
{
    Suite *s = suite_create("scoring");
    TCase *tc;

    tc = tcase_create("normalise");
    tcase_add_test(tc, norm_minmax_hand);
    tcase_add_test(tc, norm_zscore_hand);
    tcase_add_test(tc, norm_rank_ties_hand);
    tcase_add_test(tc, norm_goalposts_clip_hand);
    tcase_add_test(tc, norm_direction_minus);
    tcase_add_test(tc, norm_constant_column);
    tcase_add_test(tc, norm_single_value_and_empty);
    tcase_add_test(tc, norm_goalposts_degenerate);
    tcase_add_test(tc, norm_scaled_own_data_bit_identical);
    tcase_add_test(tc, norm_scaled_new_values_hand);
    tcase_add_test(tc, norm_scaled_no_spread);
    suite_add_tcase(s, tc);

    tc = tcase_create("aggregate");
    tcase_add_test(tc, agg_arithmetic_hand);
    tcase_add_test(tc, agg_geometric_shift_hand);
    tcase_add_test(tc, agg_missing_rescaled_hand);
    tcase_add_test(tc, agg_zero_weight_takes_no_part);
    tcase_add_test(tc, agg_geometric_nonpositive_nan);
    tcase_add_test(tc, composite_constant_column_hand);
    tcase_add_test(tc, composite_pipeline_hand);
    suite_add_tcase(s, tc);

    tc = tcase_create("invariants");
    tcase_add_test(tc, inv_identical_indicators_equal_scores);
    tcase_add_test(tc, inv_identical_units_equal_scores_ranks_by_index);
    tcase_add_test(tc, inv_minmax_affine);
    suite_add_tcase(s, tc);

    tc = tcase_create("rank");
    tcase_add_test(tc, rank_hand);
    tcase_add_test(tc, rank_nan_last_ties_by_index);
    tcase_add_test(tc, rank_many_ties_counting);
    tcase_add_test(tc, rank_empty_and_single);
    suite_add_tcase(s, tc);

    tc = tcase_create("uncertainty");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mc_reproducible_seed);
    tcase_add_test(tc, mc_different_seed);
    tcase_add_test(tc, mc_sd0_deterministic);
    tcase_add_test(tc, mc_zscore_never_geometric);
    tcase_add_test(tc, mc_vary_methods_single_indicator);
    tcase_add_test(tc, mc_two_orders_exact);
    tcase_add_test(tc, mc_two_orders_tail_quantiles);
    tcase_add_test(tc, mc_sd0_many_ties_large);
    tcase_add_test(tc, mc_outrank_complement);
    tcase_add_test(tc, mc_bands_contain_median);
    tcase_add_test(tc, mc_dominant_unit);
    tcase_add_test(tc, mc_convergence_2000_20000);
    tcase_add_test(tc, mc_workspace_too_small);
    tcase_add_test(tc, mc_workspace_size);
    tcase_add_test(tc, mc_progress_calls);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {scoring_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
