/*
 * test_kernels.c — unit tests of the pure specialisation kernels
 * (include/s3_kernels.h, engine/specialisation.c).
 *
 * Every expected value is either worked out by hand in the comment next to
 * it (fractions first, the decimal value after) or computed in the test by
 * an independent formula (the definition, not the engine's rearrangement).
 * Comparisons are relative: |a − b| ≤ tol·|b| (an expected 0 must therefore
 * come out exactly 0, which it does for the 0 counts used here).
 *
 * Run with CK_VERBOSITY=verbose for one line per test.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "s3_kernels.h"

/* ---- fixtures ----------------------------------------------------------- */

/* datasets/small tenant counts: centres A1, A2, B1, B2 (rows) × NACE
 * divisions 62, 72, 21, 28 (columns); see datasets/small/README.md.
 *   row sums    x_c = 6, 5, 6, 4
 *   column sums x_p = 8, 3, 4, 6
 *   total       x   = 21 */
enum { SR = 4, SC = 4 };
static const double SMALL[SR * SC] = {
    5, 1, 0, 0, /* A1 */
    2, 0, 3, 0, /* A2 */
    0, 2, 0, 4, /* B1 */
    1, 0, 1, 2, /* B2 */
};
#define S(c, p) ((c)*SC + (p))

/* A random-ish 7 × 5 matrix with non-integer values; every row and every
 * column has a positive total, a few cells are 0. */
enum { IR = 7, IC = 5, IG = 3 };
static const double INV[IR * IC] = {
    2.385, 0.75, 13.2, 4.125, 0.0,  /* u0 */
    7.91,  3.3,  0.0,  1.06,  5.5,  /* u1 */
    0.42,  11.7, 2.2,  6.35,  1.9,  /* u2 */
    5.05,  0.0,  8.8,  2.71,  3.14, /* u3 */
    1.618, 4.4,  0.93, 0.0,   12.6, /* u4 */
    9.99,  2.02, 3.75, 7.07,  0.55, /* u5 */
    0.33,  6.6,  1.41, 2.9,   4.8,  /* u6 */
};
/* class groups for related/unrelated variety: {0, 1}, {2, 3}, {4} */
static const size_t INV_GROUP[IC] = {0, 0, 1, 1, 2};

/* Every measure of one matrix, with the network reference. */
enum { MR = 8, MC = 8 };
typedef struct {
    double rs[MR], cs[MC], r[MC];
    double share[MR * MC], rca[MR * MC];
    size_t nnan;
    double krugman[MR], herf[MR], entropy[MR];
    double related[MR], unrelated[MR];
    double gini[MC];
} measures;

static void
compute_all(const double *x, size_t nr, size_t nc, const size_t *group,
            size_t ng, measures *m)
{
    double work[2 * MR];
    size_t iwork[MR];
    memset(m, 0, sizeof *m);
    s3_margins(x, nr, nc, m->rs, m->cs);
    m->nnan = s3_rca(x, nr, nc, m->rs, m->cs, m->share, m->rca);
    double total = s3_sum(m->cs, nc, 1);
    for (size_t p = 0; p < nc; p++)
        m->r[p] = m->cs[p] / total;
    s3_unit_profile(m->share, nr, nc, m->r, m->krugman, m->herf, m->entropy);
    s3_variety(m->share, nr, nc, group, ng, m->related, m->unrelated, work);
    s3_locational_gini(x, nr, nc, m->rs, m->gini, work, iwork);
}

/* Independent entropy (bits) of n shares, 0 log 0 = 0. */
static double
entropy_of(const double *s, size_t n)
{
    double e = 0.0;
    for (size_t i = 0; i < n; i++)
        if (s[i] > 0.0)
            e -= s[i] * log2(s[i]);
    return e;
}

/* ---- s3_sum ------------------------------------------------------------- */

START_TEST(sum_cancellation_1e16)
{
    /* 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2), so
     * a naive left-to-right sum gives 0; the exact sum is 1. */
    const double v[3] = {1e16, 1.0, -1e16};
    ck_assert_rel(s3_sum(v, 3, 1), 1.0);
}
END_TEST

START_TEST(sum_alternating_long)
{
    /* Blocks {1e16, 2.375, −1e16, 0.8125} repeated 100000 times.  All
     * addends are dyadic (2.375 = 19/8, 0.8125 = 13/16), so every rounding
     * error is itself a double and a compensated sum can be exact:
     * exact sum = 100000 · (2.375 + 0.8125) = 100000 · 3.1875 = 318750.
     * Naively, 1e16 + 2.375 rounds to 1e16 + 2, so each block loses about
     * 0.375 and the naive sum drifts far off. */
    enum { NB = 100000 };
    double *v = malloc(4 * NB * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t b = 0; b < NB; b++) {
        v[4 * b] = 1e16;
        v[4 * b + 1] = 2.375;
        v[4 * b + 2] = -1e16;
        v[4 * b + 3] = 0.8125;
    }
    double naive = 0.0;
    for (size_t i = 0; i < 4 * NB; i++)
        naive += v[i];
    double got = s3_sum(v, 4 * NB, 1);
    free(v);
    ck_assert_msg(fabs(naive - 318750.0) > 1000.0,
                  "naive sum %.17g should drift from 318750", naive);
    ck_assert_rel(got, 318750.0);
}
END_TEST

START_TEST(sum_stride_column)
{
    /* Column 2 (division 21) of the small matrix, stride 4: 0 + 3 + 0 + 1
     * = 4; column 0: 5 + 2 + 0 + 1 = 8. */
    ck_assert_rel(s3_sum(SMALL + 2, SR, SC), 4.0);
    ck_assert_rel(s3_sum(SMALL, SR, SC), 8.0);
}
END_TEST

START_TEST(sum_non_integer)
{
    /* 2.385 + 7.91 + 0.42 + 5.05 + 1.618 + 9.99 + 0.33 = 27.703 (column 0
     * of the 7 × 5 matrix, added on paper) */
    ck_assert_rel(s3_sum(INV, IR, IC), 27.703);
}
END_TEST

START_TEST(sum_nan_propagates)
{
    const double v[4] = {2.385, NAN, 7.25, -1.5};
    ck_assert_nan(s3_sum(v, 4, 1));
}
END_TEST

START_TEST(sum_empty_zero)
{
    const double v[1] = {2.385};
    double s = s3_sum(v, 0, 1);
    ck_assert_msg(s == 0.0, "sum of nothing = %.17g, expected 0", s);
}
END_TEST

/* ---- s3_margins --------------------------------------------------------- */

START_TEST(margins_hand_small)
{
    double rs[SR], cs[SC];
    s3_margins(SMALL, SR, SC, rs, cs);
    /* rows: A1 5+1 = 6, A2 2+3 = 5, B1 2+4 = 6, B2 1+1+2 = 4 */
    ck_assert_rel(rs[0], 6.0);
    ck_assert_rel(rs[1], 5.0);
    ck_assert_rel(rs[2], 6.0);
    ck_assert_rel(rs[3], 4.0);
    /* columns: 62 5+2+1 = 8, 72 1+2 = 3, 21 3+1 = 4, 28 4+2 = 6 */
    ck_assert_rel(cs[0], 8.0);
    ck_assert_rel(cs[1], 3.0);
    ck_assert_rel(cs[2], 4.0);
    ck_assert_rel(cs[3], 6.0);
}
END_TEST

/* s3_col_sums is s3_sum down each column, to the bit: values of every size
 * and sign (the compensation matters), a NaN, a column wider than one
 * block of 256. */
START_TEST(col_sums_as_sum)
{
    enum { NR = 37, NC = 300 };
    static double x[NR * NC];
    uint64_t s = 12345;
    for (size_t i = 0; i < NR * NC; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(s >> 11) / 9007199254740992.0; /* [0, 1) */
        x[i] = (u - 0.5) * pow(10.0, (double)((s >> 3) % 33) - 16.0);
    }
    x[5 * NC + 7] = NAN;
    double cs[NC];
    s3_col_sums(x, NR, NC, cs);
    for (size_t p = 0; p < NC; p++) {
        double want = s3_sum(x + p, NR, NC);
        ck_assert_msg(memcmp(&cs[p], &want, sizeof want) == 0,
                      "column %zu: %.17g, s3_sum %.17g", p, cs[p], want);
    }
    ck_assert(isnan(cs[7]));
}
END_TEST

/* ---- s3_rca on the small matrix ----------------------------------------- */

/* Margins, shares and RCA of the small matrix with the network reference. */
static size_t
small_rca(double *share, double *rca)
{
    double rs[SR], cs[SC];
    s3_margins(SMALL, SR, SC, rs, cs);
    return s3_rca(SMALL, SR, SC, rs, cs, share, rca);
}

START_TEST(rca_shares_hand_small)
{
    double share[SR * SC], rca[SR * SC];
    small_rca(share, rca);
    /* A1: 5/6, 1/6, 0, 0 */
    ck_assert_rel(share[S(0, 0)], 5.0 / 6.0);
    ck_assert_rel(share[S(0, 1)], 1.0 / 6.0);
    ck_assert_rel(share[S(0, 2)], 0.0);
    ck_assert_rel(share[S(0, 3)], 0.0);
    /* A2: 2/5 = 0.4, 0, 3/5 = 0.6, 0 */
    ck_assert_rel(share[S(1, 0)], 0.4);
    ck_assert_rel(share[S(1, 2)], 0.6);
    /* B1: 0, 2/6 = 1/3, 0, 4/6 = 2/3 */
    ck_assert_rel(share[S(2, 1)], 1.0 / 3.0);
    ck_assert_rel(share[S(2, 3)], 2.0 / 3.0);
    /* B2: 1/4, 0, 1/4, 2/4 */
    ck_assert_rel(share[S(3, 0)], 0.25);
    ck_assert_rel(share[S(3, 1)], 0.0);
    ck_assert_rel(share[S(3, 2)], 0.25);
    ck_assert_rel(share[S(3, 3)], 0.5);
}
END_TEST

START_TEST(rca_hand_small)
{
    /* RCA(c, p) = (x_cp / x_c) / (x_p / 21) */
    double share[SR * SC], rca[SR * SC];
    small_rca(share, rca);
    /* A1×62 = (5/6)/(8/21) = 105/48 = 2.1875 (README worked example) */
    ck_assert_rel(rca[S(0, 0)], 2.1875);
    /* A1×72 = (1/6)/(3/21) = 21/18 = 7/6 = 1.1666… */
    ck_assert_rel(rca[S(0, 1)], 7.0 / 6.0);
    /* A1×21, A1×28: no tenants → 0 */
    ck_assert_rel(rca[S(0, 2)], 0.0);
    ck_assert_rel(rca[S(0, 3)], 0.0);
    /* A2×62 = (2/5)/(8/21) = 42/40 = 1.05 */
    ck_assert_rel(rca[S(1, 0)], 1.05);
    /* A2×21 = (3/5)/(4/21) = 63/20 = 3.15 */
    ck_assert_rel(rca[S(1, 2)], 3.15);
    /* B1×72 = (2/6)/(3/21) = 42/18 = 7/3 */
    ck_assert_rel(rca[S(2, 1)], 7.0 / 3.0);
    /* B1×28 = (4/6)/(6/21) = 84/36 = 7/3 */
    ck_assert_rel(rca[S(2, 3)], 7.0 / 3.0);
    /* B2×62 = (1/4)/(8/21) = 21/32 = 0.65625 */
    ck_assert_rel(rca[S(3, 0)], 0.65625);
    /* B2×21 = (1/4)/(4/21) = 21/16 = 1.3125 */
    ck_assert_rel(rca[S(3, 2)], 1.3125);
    /* B2×28 = (2/4)/(6/21) = 42/24 = 1.75 */
    ck_assert_rel(rca[S(3, 3)], 1.75);
}
END_TEST

START_TEST(rca_return_no_nan_small)
{
    /* every unit and class of the small matrix has a positive total */
    double share[SR * SC], rca[SR * SC];
    ck_assert_uint_eq(small_rca(share, rca), 0);
    for (size_t i = 0; i < SR * SC; i++)
        ck_assert_msg(!isnan(rca[i]) && !isnan(share[i]), "cell %zu is NaN", i);
}
END_TEST

/* A 3 × 3 matrix with an empty unit (row 1) and an empty class (column 1):
 *   row sums 2.385 + 1.25 = 3.635, 0, 4.5 + 3.125 = 7.625
 *   column sums 2.385 + 4.5 = 6.885, 0, 1.25 + 3.125 = 4.375
 *   total 11.26 */
static const double HOLES[9] = {
    2.385, 0.0, 1.25,  /* row 0 */
    0.0,   0.0, 0.0,   /* row 1 */
    4.5,   0.0, 3.125, /* row 2 */
};

static size_t
holes_rca(double *share, double *rca)
{
    double rs[3], cs[3];
    s3_margins(HOLES, 3, 3, rs, cs);
    return s3_rca(HOLES, 3, 3, rs, cs, share, rca);
}

START_TEST(rca_empty_unit_nan)
{
    double share[9], rca[9];
    holes_rca(share, rca);
    /* row 1 has x_c = 0: its shares and RCAs are undefined, never 0 or 1 */
    for (size_t p = 0; p < 3; p++) {
        ck_assert_nan(share[3 + p]);
        ck_assert_nan(rca[3 + p]);
    }
    /* the other rows are defined: share(0,0) = 2.385/3.635 */
    ck_assert_rel(share[0], 2.385 / 3.635);
    ck_assert_rel(share[8], 3.125 / 7.625);
}
END_TEST

START_TEST(rca_empty_class_nan)
{
    double share[9], rca[9];
    holes_rca(share, rca);
    /* column 1 has x_p = 0: its RCAs are NaN, its shares of non-empty rows
     * are 0/x_c = 0 */
    ck_assert_nan(rca[1]);
    ck_assert_nan(rca[7]);
    ck_assert_rel(share[1], 0.0);
    ck_assert_rel(share[7], 0.0);
    /* the defined cells, by the definition (x_cp/x_c)/(x_p/x):
     * (0,0) = (2.385/3.635)/(6.885/11.26) ≈ 0.65612/0.61146 ≈ 1.07305
     * (0,2) = (1.25/3.635)/(4.375/11.26)  ≈ 0.34388/0.38854 ≈ 0.88505
     * (2,0) = (4.5/7.625)/(6.885/11.26)   ≈ 0.59016/0.61146 ≈ 0.96518
     * (2,2) = (3.125/7.625)/(4.375/11.26) ≈ 0.40984/0.38854 ≈ 1.05480 */
    ck_assert_rel(rca[0], (2.385 / 3.635) / (6.885 / 11.26));
    ck_assert_rel(rca[2], (1.25 / 3.635) / (4.375 / 11.26));
    ck_assert_rel(rca[6], (4.5 / 7.625) / (6.885 / 11.26));
    ck_assert_rel(rca[8], (3.125 / 7.625) / (4.375 / 11.26));
}
END_TEST

START_TEST(rca_return_counts_nan)
{
    double share[9], rca[9];
    /* 3 NaNs in the empty row + 2 more in the empty column (rows 0 and 2)
     * = 5 */
    size_t n = holes_rca(share, rca);
    ck_assert_uint_eq(n, 5);
    size_t counted = 0;
    for (size_t i = 0; i < 9; i++)
        counted += isnan(rca[i]) != 0;
    ck_assert_uint_eq(counted, 5);
}
END_TEST

START_TEST(rca_baseline_reference)
{
    /* External baseline ref = {40.5, 12.25, 7.0, 30.0}, Σ ref = 89.75:
     * RCA(c, p) = share_cp / (ref_p / 89.75) */
    const double ref[SC] = {40.5, 12.25, 7.0, 30.0};
    double rs[SR], cs[SC], share[SR * SC], rca[SR * SC];
    s3_margins(SMALL, SR, SC, rs, cs);
    ck_assert_uint_eq(s3_rca(SMALL, SR, SC, rs, ref, share, rca), 0);
    /* shares do not depend on the reference: A1×62 = 5/6 */
    ck_assert_rel(share[S(0, 0)], 5.0 / 6.0);
    /* A1×62 = (5/6)/(40.5/89.75) = 448.75/243 ≈ 1.846708 */
    ck_assert_rel(rca[S(0, 0)], 448.75 / 243.0);
    /* A1×72 = (1/6)/(12.25/89.75) = 89.75/73.5 ≈ 1.221088 */
    ck_assert_rel(rca[S(0, 1)], 89.75 / 73.5);
    /* A2×21 = (3/5)/(7/89.75) = 53.85/7 ≈ 7.692857 */
    ck_assert_rel(rca[S(1, 2)], 53.85 / 7.0);
    /* B2×21 = (1/4)/(7/89.75) = 89.75/28 ≈ 3.205357 */
    ck_assert_rel(rca[S(3, 2)], 89.75 / 28.0);
    /* B1×28 = (2/3)/(30/89.75) = 179.5/90 ≈ 1.994444 */
    ck_assert_rel(rca[S(2, 3)], 179.5 / 90.0);
    /* A2×72: 0 tenants → 0 */
    ck_assert_rel(rca[S(1, 1)], 0.0);
}
END_TEST

START_TEST(rca_baseline_zero_class_nan)
{
    /* a baseline with ref_p = 0 for class 1: RCAs of class 1 are NaN
     * (4 units) even though the units have tenants there */
    const double ref[SC] = {40.5, 0.0, 7.0, 30.0};
    double rs[SR], cs[SC], share[SR * SC], rca[SR * SC];
    s3_margins(SMALL, SR, SC, rs, cs);
    ck_assert_uint_eq(s3_rca(SMALL, SR, SC, rs, ref, share, rca), 4);
    for (size_t c = 0; c < SR; c++)
        ck_assert_nan(rca[S(c, 1)]);
    /* Σ ref = 77.5; A1×62 = (5/6)/(40.5/77.5) = 387.5/243 ≈ 1.594650 */
    ck_assert_rel(rca[S(0, 0)], 387.5 / 243.0);
}
END_TEST

/* ---- s3_rsca ------------------------------------------------------------ */

START_TEST(rsca_hand_small)
{
    double share[SR * SC], rca[SR * SC], rsca[SR * SC];
    small_rca(share, rca);
    s3_rsca(rca, SR * SC, rsca);
    /* A1×62: (2.1875 − 1)/(2.1875 + 1) = 1.1875/3.1875 = 19/51 */
    ck_assert_rel(rsca[S(0, 0)], 19.0 / 51.0);
    /* B1×72: (7/3 − 1)/(7/3 + 1) = (4/3)/(10/3) = 0.4 */
    ck_assert_rel(rsca[S(2, 1)], 0.4);
    /* B2×62: (21/32 − 1)/(21/32 + 1) = (−11/32)/(53/32) = −11/53 */
    ck_assert_rel(rsca[S(3, 0)], -11.0 / 53.0);
    /* RCA 0 → (0 − 1)/(0 + 1) = −1 */
    ck_assert_rel(rsca[S(0, 2)], -1.0);
    /* every value in [−1, 1) */
    for (size_t i = 0; i < SR * SC; i++)
        ck_assert_msg(rsca[i] >= -1.0 && rsca[i] < 1.0, "rsca[%zu] = %g", i,
                      rsca[i]);
}
END_TEST

START_TEST(rsca_in_place_nan)
{
    /* out may equal rca; NaN stays NaN.
     * 2.385 → 1.385/3.385;  0.4 → −0.6/1.4 = −3/7;  1 → 0 */
    double v[4] = {2.385, NAN, 0.4, 1.0};
    s3_rsca(v, 4, v);
    ck_assert_rel(v[0], 1.385 / 3.385);
    ck_assert_nan(v[1]);
    ck_assert_rel(v[2], -3.0 / 7.0);
    ck_assert_rel(v[3], 0.0);
}
END_TEST

/* ---- s3_binary, s3_diversity, s3_ubiquity -------------------------------- */

START_TEST(binary_threshold_1_small)
{
    /* RCA ≥ 1 (from rca_hand_small):
     *   A1: 2.1875, 7/6, 0, 0        → 1 1 0 0
     *   A2: 1.05, 0, 3.15, 0         → 1 0 1 0
     *   B1: 0, 7/3, 0, 7/3           → 0 1 0 1
     *   B2: 0.65625, 0, 1.3125, 1.75 → 0 0 1 1 */
    static const double want[SR * SC] = {1, 1, 0, 0, 1, 0, 1, 0,
                                         0, 1, 0, 1, 0, 0, 1, 1};
    double share[SR * SC], rca[SR * SC], m[SR * SC];
    small_rca(share, rca);
    s3_binary(rca, SR * SC, 1.0, m);
    for (size_t i = 0; i < SR * SC; i++)
        ck_assert_msg(m[i] == want[i], "M[%zu] = %g, expected %g", i, m[i],
                      want[i]);
}
END_TEST

START_TEST(binary_threshold_1_3_small)
{
    /* RCA ≥ 1.3: 7/6 ≈ 1.167 (A1×72) and 1.05 (A2×62) drop out:
     *   A1: 1 0 0 0;  A2: 0 0 1 0;  B1: 0 1 0 1;  B2: 0 0 1 1
     *   (B2×21 = 1.3125 ≥ 1.3 stays) */
    static const double want[SR * SC] = {1, 0, 0, 0, 0, 0, 1, 0,
                                         0, 1, 0, 1, 0, 0, 1, 1};
    double share[SR * SC], rca[SR * SC], m[SR * SC];
    small_rca(share, rca);
    s3_binary(rca, SR * SC, 1.3, m);
    for (size_t i = 0; i < SR * SC; i++)
        ck_assert_msg(m[i] == want[i], "M[%zu] = %g, expected %g", i, m[i],
                      want[i]);
}
END_TEST

START_TEST(binary_threshold_inclusive)
{
    /* B2×28 = 0.5 · 21 / 6 = 1.75 exactly: with threshold 7/4 it counts
     * (≥), with the next double above 1.75 it does not */
    double share[SR * SC], rca[SR * SC], m[SR * SC];
    small_rca(share, rca);
    s3_binary(rca, SR * SC, 7.0 / 4.0, m);
    ck_assert(m[S(3, 3)] == 1.0);
    s3_binary(rca, SR * SC, nextafter(1.75, 2.0), m);
    ck_assert(m[S(3, 3)] == 0.0);
}
END_TEST

START_TEST(binary_keeps_nan)
{
    double v[5] = {2.385, NAN, 0.97, 1.0, NAN}, m[5];
    s3_binary(v, 5, 1.0, m);
    ck_assert(m[0] == 1.0);
    ck_assert_nan(m[1]);
    ck_assert(m[2] == 0.0);
    ck_assert(m[3] == 1.0);
    ck_assert_nan(m[4]);
}
END_TEST

START_TEST(diversity_ubiquity_small_t1)
{
    /* M from binary_threshold_1_small:
     *   diversity (row sums)   A1 2, A2 2, B1 2, B2 2
     *   ubiquity  (col sums)   62: A1+A2 = 2, 72: A1+B1 = 2,
     *                          21: A2+B2 = 2, 28: B1+B2 = 2 */
    double share[SR * SC], rca[SR * SC], m[SR * SC], k[SR], u[SC];
    small_rca(share, rca);
    s3_binary(rca, SR * SC, 1.0, m);
    s3_diversity(m, SR, SC, k);
    s3_ubiquity(m, SR, SC, u);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_rel(k[i], 2.0);
        ck_assert_rel(u[i], 2.0);
    }
}
END_TEST

START_TEST(diversity_ubiquity_small_t1_3)
{
    /* M from binary_threshold_1_3_small:
     *   diversity A1 1, A2 1, B1 2, B2 2
     *   ubiquity  62: A1 = 1, 72: B1 = 1, 21: A2+B2 = 2, 28: B1+B2 = 2 */
    double share[SR * SC], rca[SR * SC], m[SR * SC], k[SR], u[SC];
    small_rca(share, rca);
    s3_binary(rca, SR * SC, 1.3, m);
    s3_diversity(m, SR, SC, k);
    s3_ubiquity(m, SR, SC, u);
    ck_assert_rel(k[0], 1.0);
    ck_assert_rel(k[1], 1.0);
    ck_assert_rel(k[2], 2.0);
    ck_assert_rel(k[3], 2.0);
    ck_assert_rel(u[0], 1.0);
    ck_assert_rel(u[1], 1.0);
    ck_assert_rel(u[2], 2.0);
    ck_assert_rel(u[3], 2.0);
}
END_TEST

START_TEST(diversity_skips_nan)
{
    /* HOLES RCAs (rca_empty_class_nan): row 0 = 1.073, NaN, 0.885 → M 1 NaN 0;
     * row 1 all NaN; row 2 = 0.965, NaN, 1.055 → M 0 NaN 1.
     *   diversity: 1 + 0 = 1, NaN (nothing defined), 0 + 1 = 1
     *   ubiquity:  1 + 0 = 1, NaN, 0 + 1 = 1 */
    double share[9], rca[9], m[9], k[3], u[3];
    holes_rca(share, rca);
    s3_binary(rca, 9, 1.0, m);
    ck_assert(m[0] == 1.0 && m[2] == 0.0 && m[6] == 0.0 && m[8] == 1.0);
    s3_diversity(m, 3, 3, k);
    s3_ubiquity(m, 3, 3, u);
    ck_assert_rel(k[0], 1.0);
    ck_assert_nan(k[1]);
    ck_assert_rel(k[2], 1.0);
    ck_assert_rel(u[0], 1.0);
    ck_assert_nan(u[1]);
    ck_assert_rel(u[2], 1.0);
}
END_TEST

/* ---- invariants on the 7 × 5 matrix -------------------------------------- */

START_TEST(inv_shares_rows_sum_to_one)
{
    measures m;
    compute_all(INV, IR, IC, INV_GROUP, IG, &m);
    ck_assert_uint_eq(m.nnan, 0);
    for (size_t c = 0; c < IR; c++) {
        double s = 0.0;
        for (size_t p = 0; p < IC; p++)
            s += m.share[c * IC + p];
        ck_assert_rel(s, 1.0);
    }
}
END_TEST

START_TEST(inv_rca_weighted_mean_one)
{
    /* Σ_c (x_c/x) RCA_cp = Σ_c (x_c/x)(x_cp/x_c)(x/x_p) = Σ_c x_cp/x_p = 1 */
    measures m;
    compute_all(INV, IR, IC, INV_GROUP, IG, &m);
    double total = 0.0;
    for (size_t c = 0; c < IR; c++)
        total += m.rs[c];
    for (size_t p = 0; p < IC; p++) {
        double s = 0.0;
        for (size_t c = 0; c < IR; c++)
            s += m.rs[c] / total * m.rca[c * IC + p];
        ck_assert_rel(s, 1.0);
    }
}
END_TEST

START_TEST(inv_row_permutation)
{
    /* X'[i] = X[σ(i)]: per-unit results move with the rows, per-class
     * results (Gini) do not change */
    static const size_t sigma[IR] = {3, 6, 0, 5, 1, 4, 2};
    double xp[IR * IC];
    for (size_t i = 0; i < IR; i++)
        memcpy(xp + i * IC, INV + sigma[i] * IC, IC * sizeof(double));
    measures a, b;
    compute_all(INV, IR, IC, INV_GROUP, IG, &a);
    compute_all(xp, IR, IC, INV_GROUP, IG, &b);
    for (size_t i = 0; i < IR; i++) {
        size_t o = sigma[i];
        for (size_t p = 0; p < IC; p++) {
            ck_assert_rel(b.share[i * IC + p], a.share[o * IC + p]);
            ck_assert_rel(b.rca[i * IC + p], a.rca[o * IC + p]);
        }
        ck_assert_rel(b.krugman[i], a.krugman[o]);
        ck_assert_rel(b.herf[i], a.herf[o]);
        ck_assert_rel(b.entropy[i], a.entropy[o]);
        ck_assert_rel(b.related[i], a.related[o]);
        ck_assert_rel(b.unrelated[i], a.unrelated[o]);
    }
    for (size_t p = 0; p < IC; p++)
        ck_assert_rel(b.gini[p], a.gini[p]);
}
END_TEST

START_TEST(inv_col_permutation)
{
    /* X'[:, j] = X[:, τ(j)] with the groups permuted alike: per-class
     * results move with the columns, per-unit results do not change */
    static const size_t tau[IC] = {2, 4, 0, 3, 1};
    double xp[IR * IC];
    size_t gp[IC];
    for (size_t j = 0; j < IC; j++) {
        gp[j] = INV_GROUP[tau[j]];
        for (size_t i = 0; i < IR; i++)
            xp[i * IC + j] = INV[i * IC + tau[j]];
    }
    measures a, b;
    compute_all(INV, IR, IC, INV_GROUP, IG, &a);
    compute_all(xp, IR, IC, gp, IG, &b);
    for (size_t j = 0; j < IC; j++) {
        size_t o = tau[j];
        for (size_t i = 0; i < IR; i++) {
            ck_assert_rel(b.share[i * IC + j], a.share[i * IC + o]);
            ck_assert_rel(b.rca[i * IC + j], a.rca[i * IC + o]);
        }
        ck_assert_rel(b.gini[j], a.gini[o]);
    }
    for (size_t i = 0; i < IR; i++) {
        ck_assert_rel(b.krugman[i], a.krugman[i]);
        ck_assert_rel(b.herf[i], a.herf[i]);
        ck_assert_rel(b.entropy[i], a.entropy[i]);
        ck_assert_rel(b.related[i], a.related[i]);
        ck_assert_rel(b.unrelated[i], a.unrelated[i]);
    }
}
END_TEST

START_TEST(inv_scaling_3_7)
{
    /* every measure is a function of ratios: X → 3.7·X changes nothing */
    double xs[IR * IC];
    for (size_t i = 0; i < IR * IC; i++)
        xs[i] = 3.7 * INV[i];
    measures a, b;
    compute_all(INV, IR, IC, INV_GROUP, IG, &a);
    compute_all(xs, IR, IC, INV_GROUP, IG, &b);
    for (size_t i = 0; i < IR * IC; i++) {
        ck_assert_rel(b.share[i], a.share[i]);
        ck_assert_rel(b.rca[i], a.rca[i]);
    }
    for (size_t c = 0; c < IR; c++) {
        ck_assert_rel(b.krugman[c], a.krugman[c]);
        ck_assert_rel(b.herf[c], a.herf[c]);
        ck_assert_rel(b.entropy[c], a.entropy[c]);
        ck_assert_rel(b.related[c], a.related[c]);
        ck_assert_rel(b.unrelated[c], a.unrelated[c]);
    }
    for (size_t p = 0; p < IC; p++)
        ck_assert_rel(b.gini[p], a.gini[p]);
}
END_TEST

/* ---- s3_unit_profile ----------------------------------------------------- */

/* network reference shares of the small matrix: 8/21, 3/21, 4/21, 6/21 */
static const double SMALL_R[SC] = {8.0 / 21, 3.0 / 21, 4.0 / 21, 6.0 / 21};

START_TEST(profile_hand_a1)
{
    /* A1 shares 5/6, 1/6, 0, 0 (in 42ths: 35, 7, 0, 0) against
     * 8/21, 3/21, 4/21, 6/21 (in 42ths: 16, 6, 8, 12):
     *   K = (19 + 1 + 8 + 12)/42 = 40/42 = 20/21 ≈ 0.952381
     *   H = 25/36 + 1/36 = 26/36 = 13/18 ≈ 0.722222
     *   E = −(5/6 log2 5/6 + 1/6 log2 1/6) ≈ 0.650022 */
    const double s[SC] = {5.0 / 6, 1.0 / 6, 0.0, 0.0};
    double k, h, e;
    s3_unit_profile(s, 1, SC, SMALL_R, &k, &h, &e);
    ck_assert_rel(k, 20.0 / 21.0);
    ck_assert_rel(h, 13.0 / 18.0);
    ck_assert_rel(e, -(5.0 / 6 * log2(5.0 / 6) + 1.0 / 6 * log2(1.0 / 6)));
}
END_TEST

START_TEST(profile_hand_small_rows)
{
    /* the whole small matrix through s3_rca, row B2 = 1/4, 0, 1/4, 1/2
     * (in 84ths: 21, 0, 21, 42) against 32, 12, 16, 24:
     *   K = (11 + 12 + 5 + 18)/84 = 46/84 = 23/42 ≈ 0.547619
     *   H = 1/16 + 1/16 + 1/4 = 3/8
     *   E = 1/4·2 + 1/4·2 + 1/2·1 = 1.5 bits
     * row B1 = 0, 1/3, 0, 2/3 (in 63ths: 0, 21, 0, 42) against
     * 24, 9, 12, 18:  K = (24 + 12 + 12 + 24)/63 = 72/63 = 8/7;
     *   H = 1/9 + 4/9 = 5/9 */
    double share[SR * SC], rca[SR * SC], k[SR], h[SR], e[SR];
    small_rca(share, rca);
    s3_unit_profile(share, SR, SC, SMALL_R, k, h, e);
    ck_assert_rel(k[3], 23.0 / 42.0);
    ck_assert_rel(h[3], 3.0 / 8.0);
    ck_assert_rel(e[3], 1.5);
    ck_assert_rel(k[2], 8.0 / 7.0);
    ck_assert_rel(h[2], 5.0 / 9.0);
    ck_assert_rel(k[0], 20.0 / 21.0);
}
END_TEST

START_TEST(profile_krugman_bounds)
{
    measures m;
    compute_all(INV, IR, IC, INV_GROUP, IG, &m);
    for (size_t c = 0; c < IR; c++) {
        ck_assert_msg(m.krugman[c] >= 0.0 && m.krugman[c] <= 2.0,
                      "K[%zu] = %g outside [0, 2]", c, m.krugman[c]);
        /* H in [1/n, 1], E in [0, log2 n] */
        ck_assert(m.herf[c] >= 1.0 / IC - 1e-15 && m.herf[c] <= 1.0);
        ck_assert(m.entropy[c] >= 0.0 && m.entropy[c] <= log2(IC) + 1e-15);
        /* entropy agrees with the independent formula */
        ck_assert_rel(m.entropy[c], entropy_of(m.share + c * IC, IC));
    }
    /* a unit with all of a class the reference lacks is at the maximum:
     * s = (1, 0), r = (0, 1) → K = 1 + 1 = 2 */
    const double s2[2] = {1.0, 0.0}, r2[2] = {0.0, 1.0};
    double k2;
    s3_unit_profile(s2, 1, 2, r2, &k2, NULL, NULL);
    ck_assert_rel(k2, 2.0);
}
END_TEST

START_TEST(profile_uniform_entropy_log2n)
{
    /* uniform rows of n = 5 and n = 7: E = log2 n, H = 1/n, and K = 0 against
     * the same uniform reference */
    double s5[5], s7[7];
    for (size_t i = 0; i < 5; i++)
        s5[i] = 1.0 / 5;
    for (size_t i = 0; i < 7; i++)
        s7[i] = 1.0 / 7;
    double k, h, e;
    s3_unit_profile(s5, 1, 5, s5, &k, &h, &e);
    ck_assert_rel(e, log2(5.0));
    ck_assert_rel(h, 0.2);
    ck_assert_abs_tol(k, 0.0, 1e-15);
    s3_unit_profile(s7, 1, 7, s7, &k, &h, &e);
    ck_assert_rel(e, log2(7.0));
    ck_assert_rel(h, 1.0 / 7);
}
END_TEST

START_TEST(profile_one_class_row)
{
    /* all of the unit in division 21: H = 1, E = 0,
     * K = 8/21 + 3/21 + (1 − 4/21) + 6/21 = (8 + 3 + 17 + 6)/21 = 34/21 */
    const double s[SC] = {0.0, 0.0, 1.0, 0.0};
    double k, h, e;
    s3_unit_profile(s, 1, SC, SMALL_R, &k, &h, &e);
    ck_assert_rel(h, 1.0);
    ck_assert_rel(e, 0.0);
    ck_assert_rel(k, 34.0 / 21.0);
}
END_TEST

START_TEST(profile_nan_row)
{
    /* HOLES row 1 is empty → NaN results; the other rows are defined.
     * Row 0 shares 2.385/3.635, 0, 1.25/3.635: H = Σ s² */
    double share[9], rca[9], k[3], h[3], e[3];
    holes_rca(share, rca);
    const double r[3] = {6.885 / 11.26, 0.0, 4.375 / 11.26};
    s3_unit_profile(share, 3, 3, r, k, h, e);
    ck_assert_nan(k[1]);
    ck_assert_nan(h[1]);
    ck_assert_nan(e[1]);
    double a = 2.385 / 3.635, b = 1.25 / 3.635;
    ck_assert_rel(h[0], a * a + b * b);
    ck_assert_rel(e[0], -(a * log2(a) + b * log2(b)));
    ck_assert_rel(k[0], fabs(a - 6.885 / 11.26) + fabs(b - 4.375 / 11.26));
}
END_TEST

START_TEST(profile_null_outputs)
{
    /* any output may be NULL; the others are still written */
    const double s[SC] = {5.0 / 6, 1.0 / 6, 0.0, 0.0};
    double h = -2.385;
    s3_unit_profile(s, 1, SC, SMALL_R, NULL, &h, NULL);
    ck_assert_rel(h, 13.0 / 18.0); /* as in profile_hand_a1 */
}
END_TEST

/* ---- s3_variety ---------------------------------------------------------- */

START_TEST(variety_hand_two_groups)
{
    /* shares 0.5, 0.25 in group 0 and 0.25 in group 1: P = 0.75, 0.25
     *   UV = −(0.75 log2 0.75 + 0.25 log2 0.25) ≈ 0.811278
     *   RV = 0.75 · H(2/3, 1/3) + 0.25 · H(1) = 0.75 · 0.918296 ≈ 0.688722
     *   UV + RV = H(0.5, 0.25, 0.25) = 0.5 + 0.5 + 0.5 = 1.5 */
    const double s[3] = {0.5, 0.25, 0.25};
    const size_t g[3] = {0, 0, 1};
    double rv, uv, work[2];
    s3_variety(s, 1, 3, g, 2, &rv, &uv, work);
    ck_assert_rel(uv, -(0.75 * log2(0.75) + 0.25 * log2(0.25)));
    ck_assert_rel(rv,
                  0.75 * -(2.0 / 3 * log2(2.0 / 3) + 1.0 / 3 * log2(1.0 / 3)));
    ck_assert_rel(rv + uv, 1.5);
}
END_TEST

START_TEST(variety_hand_small_b2)
{
    /* small-matrix row B2 (1/4, 0, 1/4, 1/2) with divisions 62, 72 in group
     * 0 ("services") and 21, 28 in group 1 ("industry"): P = 1/4, 3/4
     *   UV = −(1/4 log2 1/4 + 3/4 log2 3/4) ≈ 0.811278
     *   RV = 1/4 · H(1, 0) + 3/4 · H(1/3, 2/3) ≈ 0.688722 */
    double share[SR * SC], rca[SR * SC], rv[SR], uv[SR], work[2];
    const size_t g[SC] = {0, 0, 1, 1};
    small_rca(share, rca);
    s3_variety(share, SR, SC, g, 2, rv, uv, work);
    ck_assert_rel(uv[3], -(0.25 * log2(0.25) + 0.75 * log2(0.75)));
    ck_assert_rel(rv[3],
                  0.75 * -(1.0 / 3 * log2(1.0 / 3) + 2.0 / 3 * log2(2.0 / 3)));
    /* A1 (5/6, 1/6, 0, 0) is all in group 0: UV = 0, RV = H(5/6, 1/6) */
    ck_assert_rel(uv[0], 0.0);
    ck_assert_rel(rv[0], -(5.0 / 6 * log2(5.0 / 6) + 1.0 / 6 * log2(1.0 / 6)));
}
END_TEST

START_TEST(variety_sum_is_entropy)
{
    /* related + unrelated = entropy of the finest shares, for every row of
     * the 7 × 5 matrix, with groups {0,1}, {2,3}, {4} */
    measures m;
    compute_all(INV, IR, IC, INV_GROUP, IG, &m);
    for (size_t c = 0; c < IR; c++) {
        double e = entropy_of(m.share + c * IC, IC);
        ck_assert_rel(m.related[c] + m.unrelated[c], e);
        ck_assert(m.related[c] >= 0.0 && m.unrelated[c] >= 0.0);
    }
}
END_TEST

START_TEST(variety_one_group_uv_zero)
{
    /* all classes in one group: P = 1, UV = 0 and RV = entropy */
    double share[IR * IC], rca[IR * IC], rs[IR], cs[IC], rv[IR], uv[IR],
        work[1];
    const size_t g[IC] = {0, 0, 0, 0, 0};
    s3_margins(INV, IR, IC, rs, cs);
    s3_rca(INV, IR, IC, rs, cs, share, rca);
    s3_variety(share, IR, IC, g, 1, rv, uv, work);
    for (size_t c = 0; c < IR; c++) {
        ck_assert_abs_tol(uv[c], 0.0, 1e-15);
        ck_assert_rel(rv[c], entropy_of(share + c * IC, IC));
    }
}
END_TEST

START_TEST(variety_singleton_groups_rv_zero)
{
    /* each class its own group: H_g = 0, RV = 0 and UV = entropy */
    double share[IR * IC], rca[IR * IC], rs[IR], cs[IC], rv[IR], uv[IR],
        work[IC];
    const size_t g[IC] = {0, 1, 2, 3, 4};
    s3_margins(INV, IR, IC, rs, cs);
    s3_rca(INV, IR, IC, rs, cs, share, rca);
    s3_variety(share, IR, IC, g, IC, rv, uv, work);
    for (size_t c = 0; c < IR; c++) {
        ck_assert_abs_tol(rv[c], 0.0, 1e-15);
        ck_assert_rel(uv[c], entropy_of(share + c * IC, IC));
    }
}
END_TEST

START_TEST(variety_nan_row)
{
    /* HOLES row 1 (empty) → NaN; row 0 with groups {0, 1}, {2}:
     * P = a, b (a = 2.385/3.635, b = 1.25/3.635), RV = 0, UV = H(a, b) */
    double share[9], rca[9], rv[3], uv[3], work[2];
    const size_t g[3] = {0, 0, 1};
    holes_rca(share, rca);
    s3_variety(share, 3, 3, g, 2, rv, uv, work);
    ck_assert_nan(rv[1]);
    ck_assert_nan(uv[1]);
    double a = 2.385 / 3.635, b = 1.25 / 3.635;
    ck_assert_abs_tol(rv[0], 0.0, 1e-15);
    ck_assert_rel(uv[0], -(a * log2(a) + b * log2(b)));
}
END_TEST

/* ---- s3_locational_gini -------------------------------------------------- */

/* EconGeo's locational_gini documentation example: regions R1..R5 (rows)
 * × industries I1..I5 (columns); expected values in gini_econgeo_example */
static const double ECONGEO[25] = {
    100, 0,  0,  0,  0,  /* R1 */
    0,   15, 5,  70, 10, /* R2 */
    0,   20, 10, 20, 50, /* R3 */
    0,   25, 30, 5,  40, /* R4 */
    0,   40, 55, 5,  0,  /* R5 */
};
static const double ECONGEO_GINI[5] = {0.4, 0.18, 0.27, 0.31, 0.28};

START_TEST(gini_econgeo_example)
{
    /* EconGeo locational_gini documentation example (regions R1..R5 ×
     * industries I1..I5).  Every row and every column sums to 100, so each
     * region has population share 1/5 and the units are ordered by x_cp.
     * Gini = 1/2 − area under the Lorenz curve, the area by trapezoids of
     * width 1/5 over cumulative class shares C_0 = 0, C_1, ..., C_5 = 1:
     *   I1 sorted 0,0,0,0,100 → C = 0,0,0,0,1
     *      under = 0.2·(0.5)                          = 0.1  → 0.4
     *   I2 sorted 0,15,20,25,40 → C = 0,.15,.35,.60,1
     *      under = 0.2·(.075 + .25 + .475 + .8) = 0.32  → 0.18
     *   I3 sorted 0,5,10,30,55 → C = 0,.05,.15,.45,1
     *      under = 0.2·(.025 + .1 + .3 + .725)  = 0.23  → 0.27
     *   I4 sorted 0,5,5,20,70 → C = 0,.05,.10,.30,1
     *      under = 0.2·(.025 + .075 + .2 + .65) = 0.19  → 0.31
     *   I5 sorted 0,0,10,40,50 → C = 0,0,.1,.5,1
     *      under = 0.2·(0 + .05 + .3 + .75)     = 0.22  → 0.28
     * (the same as EconGeo's (Σ cind[i+1]·cpop[i] − Σ cind[i]·cpop[i+1])/2:
     * e.g. I1 cpop = .2,.4,.6,.8,1, cind = 0,0,0,0,1 → (0.8·1 − 0)/2 = 0.4) */
    double rs[5], cs[5], g[5], work[10];
    size_t iwork[5];
    s3_margins(ECONGEO, 5, 5, rs, cs);
    s3_locational_gini(ECONGEO, 5, 5, rs, g, work, iwork);
    for (size_t p = 0; p < 5; p++) {
        ck_assert_rel(g[p], ECONGEO_GINI[p]);
        ck_assert(g[p] <= 0.5);
    }
}
END_TEST

START_TEST(gini_empty_units_econgeo)
{
    /* the EconGeo matrix with empty units inserted first, in the middle and
     * last (8 rows): they are left out, the Ginis stay those of
     * gini_econgeo_example */
    double x[8 * 5], rs[8], cs[5], g[5], work[16];
    size_t iwork[8];
    static const int from[8] = {-1, 0, 1, 2, -1, 3, 4, -1};
    for (size_t i = 0; i < 8; i++)
        for (size_t p = 0; p < 5; p++)
            x[i * 5 + p] = from[i] < 0 ? 0.0 : ECONGEO[from[i] * 5 + p];
    s3_margins(x, 8, 5, rs, cs);
    s3_locational_gini(x, 8, 5, rs, g, work, iwork);
    for (size_t p = 0; p < 5; p++)
        ck_assert_rel(g[p], ECONGEO_GINI[p]);
}
END_TEST

START_TEST(gini_hand_small)
{
    /* Unequal unit sizes (tenants 6, 5, 6, 4 of 21).
     * Division 62 (5, 2, 0, 1 of 8): ratios A1 5/6, A2 2/5, B1 0, B2 1/4,
     * order B1, B2, A2, A1; population steps 6/21, 4/21, 5/21, 6/21; class
     * cumulative 0, 1/8, 3/8, 1:
     *   under = 6/21·0 + 4/21·(1/8)/2 + 5/21·(1/8 + 3/8)/2 + 6/21·(3/8 + 1)/2
     *         = 4/336 + 20/336 + 66/336 = 90/336 = 15/56
     *   Gini = 1/2 − 15/56 = 13/56 ≈ 0.232143
     * Division 28 (0, 0, 4, 2 of 6): order A1, A2 (both 0), B2 (1/2),
     * B1 (2/3); steps 6/21, 5/21, 4/21, 6/21; class cumulative 0, 0, 1/3, 1:
     *   under = 4/21·(1/3)/2 + 6/21·(1/3 + 1)/2 = 4/126 + 24/126 = 2/9
     *   Gini = 1/2 − 2/9 = 5/18 ≈ 0.277778 */
    double rs[SR], cs[SC], g[SC], work[2 * SR];
    size_t iwork[SR];
    s3_margins(SMALL, SR, SC, rs, cs);
    s3_locational_gini(SMALL, SR, SC, rs, g, work, iwork);
    ck_assert_rel(g[0], 13.0 / 56.0);
    ck_assert_rel(g[3], 5.0 / 18.0);
}
END_TEST

START_TEST(gini_spread_like_total_zero)
{
    /* column 2 is exactly 0.4 × the row totals of columns 0 and 1
     * (rows 2.385 + 1.615 = 4, 7.25 + 2.75 = 10, 0.5 + 5.5 = 6; column 2 =
     * 1.6, 4, 2.4), so its Lorenz curve is the diagonal: Gini = 0 (up to
     * rounding); and all ratios tie, the order cannot matter */
    static const double x[9] = {
        2.385, 1.615, 1.6, /* row 0 */
        7.25,  2.75,  4.0, /* row 1 */
        0.5,   5.5,   2.4, /* row 2 */
    };
    double rs[3], cs[3], g[3], work[6];
    size_t iwork[3];
    s3_margins(x, 3, 3, rs, cs);
    s3_locational_gini(x, 3, 3, rs, g, work, iwork);
    ck_assert_abs_tol(g[2], 0.0, 1e-15);
    ck_assert(g[0] > 0.0 && g[0] <= 0.5);
    ck_assert(g[1] > 0.0 && g[1] <= 0.5);
}
END_TEST

/* The Gini to the bit as the Lorenz curve in the order of (ratio, unit)
 * over every unit gives it, computed here with qsort: on a sparse matrix
 * (units without a class, ties of equal ratios, an empty unit) and on one
 * with negative values, where no unit can go first unsorted. */
static const double *gini_ratio;

static int
cmp_ratio_unit(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (gini_ratio[i] != gini_ratio[j])
        return gini_ratio[i] < gini_ratio[j] ? -1 : 1;
    return (i > j) - (i < j);
}

static double
gini_by_qsort(const double *x, size_t nr, size_t nc, const double *rs, size_t p)
{
    double total = s3_sum(rs, nr, 1), ratio[64], xp = 0.0;
    size_t idx[64], n = 0;
    for (size_t c = 0; c < nr; c++)
        if (rs[c] > 0.0) {
            idx[n++] = c;
            ratio[c] = x[c * nc + p] / rs[c];
            xp += x[c * nc + p];
        }
    gini_ratio = ratio;
    qsort(idx, n, sizeof *idx, cmp_ratio_unit);
    double cp = 0.0, ca = 0.0, area = 0.0;
    for (size_t k = 0; k < n; k++) {
        size_t c = idx[k];
        double np = cp + rs[c] / total, na = ca + x[c * nc + p] / xp;
        area += cp * na - ca * np;
        cp = np;
        ca = na;
    }
    return 0.5 * area;
}

START_TEST(gini_order_as_sorted)
{
    enum { NR = 40, NC = 12 };
    double x[NR * NC], rs[NR], cs[NC], g[NC], work[2 * NR];
    size_t iwork[NR];
    uint64_t s = 99;
    for (int negative = 0; negative < 2; negative++) {
        for (size_t i = 0; i < NR * NC; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(s >> 33) % 10;
            /* 60 % zeros, ties among 1 and 2, some fractions */
            x[i] = r < 6 ? 0.0 : r < 8 ? (double)(r - 5) : (double)r / 3.0;
        }
        for (size_t p = 0; p < NC; p++)
            x[7 * NC + p] = 0.0; /* an empty unit */
        if (negative)
            x[3 * NC + 5] = -0.5;
        s3_margins(x, NR, NC, rs, cs);
        s3_locational_gini(x, NR, NC, rs, g, work, iwork);
        for (size_t p = 0; p < NC; p++) {
            double want = gini_by_qsort(x, NR, NC, rs, p);
            ck_assert_msg(memcmp(&g[p], &want, sizeof want) == 0,
                          "class %zu: %.17g, sorted %.17g", p, g[p], want);
        }
    }
}
END_TEST

START_TEST(gini_empty_class_nan)
{
    /* HOLES column 1 has x_p = 0 → NaN; the others are defined */
    double rs[3], cs[3], g[3], work[6];
    size_t iwork[3];
    s3_margins(HOLES, 3, 3, rs, cs);
    s3_locational_gini(HOLES, 3, 3, rs, g, work, iwork);
    ck_assert_nan(g[1]);
    ck_assert(!isnan(g[0]) && !isnan(g[2]));
}
END_TEST

START_TEST(gini_empty_unit_left_out)
{
    /* HOLES without its empty row 1 gives the same Ginis: rows 0 and 2 only.
     * Column 0 by hand: units 3.635 and 7.625 of 11.26; ratios
     * 2.385/3.635 ≈ 0.656 (row 0) > 4.5/7.625 ≈ 0.590 (row 2), so row 2
     * first: steps 7.625/11.26, 3.635/11.26, class cumulative 4.5/6.885, 1:
     *   Gini = 1/2 − [7.625/11.26 · (4.5/6.885)/2
     *                 + 3.635/11.26 · (4.5/6.885 + 1)/2] */
    static const double two[6] = {2.385, 0.0, 1.25, 4.5, 0.0, 3.125};
    double rs[3], cs[3], g[3], work[6];
    size_t iwork[3];
    double rs2[2], cs2[3], g2[3], work2[4];
    size_t iwork2[2];
    s3_margins(HOLES, 3, 3, rs, cs);
    s3_locational_gini(HOLES, 3, 3, rs, g, work, iwork);
    s3_margins(two, 2, 3, rs2, cs2);
    s3_locational_gini(two, 2, 3, rs2, g2, work2, iwork2);
    ck_assert_rel(g[0], g2[0]);
    ck_assert_rel(g[2], g2[2]);
    double a = 4.5 / 6.885;
    ck_assert_rel(
        g[0], 0.5 - (7.625 / 11.26 * a / 2 + 3.635 / 11.26 * (a + 1.0) / 2));
}
END_TEST

START_TEST(gini_bounds)
{
    /* 0 ≤ Gini ≤ 1/2 on the 7 × 5 matrix, and it agrees with an
     * independent trapezoid computation (insertion sort by x_cp/x_c) */
    measures m;
    compute_all(INV, IR, IC, INV_GROUP, IG, &m);
    double total = 0.0;
    for (size_t c = 0; c < IR; c++)
        total += m.rs[c];
    for (size_t p = 0; p < IC; p++) {
        ck_assert_msg(m.gini[p] >= 0.0 && m.gini[p] <= 0.5, "gini[%zu] = %g", p,
                      m.gini[p]);
        size_t ord[IR];
        for (size_t i = 0; i < IR; i++) {
            size_t j = i;
            double key = INV[i * IC + p] / m.rs[i];
            while (j > 0 && INV[ord[j - 1] * IC + p] / m.rs[ord[j - 1]] > key) {
                ord[j] = ord[j - 1];
                j--;
            }
            ord[j] = i;
        }
        double ca = 0.0, under = 0.0;
        for (size_t k = 0; k < IR; k++) {
            size_t c = ord[k];
            double na = ca + INV[c * IC + p] / m.cs[p];
            under += m.rs[c] / total * (ca + na) / 2.0;
            ca = na;
        }
        ck_assert_rel_tol(m.gini[p], 0.5 - under, 1e-11);
    }
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
kernels_suite(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc;

    tc = tcase_create("sum");
    tcase_add_test(tc, sum_cancellation_1e16);
    tcase_add_test(tc, sum_alternating_long);
    tcase_add_test(tc, sum_stride_column);
    tcase_add_test(tc, sum_non_integer);
    tcase_add_test(tc, sum_nan_propagates);
    tcase_add_test(tc, sum_empty_zero);
    tcase_add_test(tc, margins_hand_small);
    tcase_add_test(tc, col_sums_as_sum);
    suite_add_tcase(s, tc);

    tc = tcase_create("rca");
    tcase_add_test(tc, rca_shares_hand_small);
    tcase_add_test(tc, rca_hand_small);
    tcase_add_test(tc, rca_return_no_nan_small);
    tcase_add_test(tc, rca_empty_unit_nan);
    tcase_add_test(tc, rca_empty_class_nan);
    tcase_add_test(tc, rca_return_counts_nan);
    tcase_add_test(tc, rca_baseline_reference);
    tcase_add_test(tc, rca_baseline_zero_class_nan);
    tcase_add_test(tc, rsca_hand_small);
    tcase_add_test(tc, rsca_in_place_nan);
    suite_add_tcase(s, tc);

    tc = tcase_create("binary");
    tcase_add_test(tc, binary_threshold_1_small);
    tcase_add_test(tc, binary_threshold_1_3_small);
    tcase_add_test(tc, binary_threshold_inclusive);
    tcase_add_test(tc, binary_keeps_nan);
    tcase_add_test(tc, diversity_ubiquity_small_t1);
    tcase_add_test(tc, diversity_ubiquity_small_t1_3);
    tcase_add_test(tc, diversity_skips_nan);
    suite_add_tcase(s, tc);

    tc = tcase_create("invariants");
    tcase_add_test(tc, inv_shares_rows_sum_to_one);
    tcase_add_test(tc, inv_rca_weighted_mean_one);
    tcase_add_test(tc, inv_row_permutation);
    tcase_add_test(tc, inv_col_permutation);
    tcase_add_test(tc, inv_scaling_3_7);
    suite_add_tcase(s, tc);

    tc = tcase_create("profile");
    tcase_add_test(tc, profile_hand_a1);
    tcase_add_test(tc, profile_hand_small_rows);
    tcase_add_test(tc, profile_krugman_bounds);
    tcase_add_test(tc, profile_uniform_entropy_log2n);
    tcase_add_test(tc, profile_one_class_row);
    tcase_add_test(tc, profile_nan_row);
    tcase_add_test(tc, profile_null_outputs);
    suite_add_tcase(s, tc);

    tc = tcase_create("variety");
    tcase_add_test(tc, variety_hand_two_groups);
    tcase_add_test(tc, variety_hand_small_b2);
    tcase_add_test(tc, variety_sum_is_entropy);
    tcase_add_test(tc, variety_one_group_uv_zero);
    tcase_add_test(tc, variety_singleton_groups_rv_zero);
    tcase_add_test(tc, variety_nan_row);
    suite_add_tcase(s, tc);

    tc = tcase_create("gini");
    tcase_add_test(tc, gini_econgeo_example);
    tcase_add_test(tc, gini_empty_units_econgeo);
    tcase_add_test(tc, gini_hand_small);
    tcase_add_test(tc, gini_spread_like_total_zero);
    tcase_add_test(tc, gini_empty_class_nan);
    tcase_add_test(tc, gini_order_as_sorted);
    tcase_add_test(tc, gini_empty_unit_left_out);
    tcase_add_test(tc, gini_bounds);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {kernels_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
