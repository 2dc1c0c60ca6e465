/*
 * test_overlaps.c — unit tests of the overlaps between units
 * (include/s3_scoring.h, engine/overlaps.c): cosine and Jaccard
 * similarity, complementarity, average-linkage clustering.
 *
 * Every expected value is either worked out by hand in the comment next to
 * it (fractions first, the decimal value after) or computed in the test by
 * an independent formula: the definition, or for the clustering a naive
 * O(n³) average linkage that recomputes every mean distance from d.
 * Comparisons are relative: |a − b| ≤ tol·|b| (an expected 0 must therefore
 * come out exactly 0, which it does for the 0 counts used here).
 *
 * Run with CK_VERBOSITY=verbose for one line per test.
 */
#include <check.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "s3_scoring.h"

/* ---- helpers ------------------------------------------------------------ */

/* a equals b exactly, or both are NaN */
#define ck_assert_same(a, b)                                                   \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        ck_assert_msg(a_ == b_ || (isnan(a_) && isnan(b_)),                    \
                      "%s = %.17g, expected %s = %.17g (exactly)", #a, a_, #b, \
                      b_);                                                     \
    } while (0)

/* Zeroed memory, failing the test when there is none. */
static void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Memory filled with 0xff bytes (a NaN as a double), so that a kernel
 * relying on zeroed output or workspace would show. */
static double *
garbage(size_t n)
{
    double *p = xcalloc(n, sizeof *p);
    memset(p, 0xff, (n ? n : 1) * sizeof *p);
    return p;
}

static gsl_rng *
rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ck_assert_ptr_nonnull(r);
    gsl_rng_set(r, seed);
    return r;
}

/* ---- cosine similarity --------------------------------------------------- */

/* The definition, in long double. */
static double
cosine_of(const double *x, size_t nc, size_t c, size_t d)
{
    long double xy = 0, xx = 0, yy = 0;
    for (size_t p = 0; p < nc; p++) {
        xy += (long double)x[c * nc + p] * x[d * nc + p];
        xx += (long double)x[c * nc + p] * x[c * nc + p];
        yy += (long double)x[d * nc + p] * x[d * nc + p];
    }
    return (double)(xy / sqrtl(xx * yy));
}

/* A random non-negative nr × nc matrix with some exact zeros. */
static void
random_counts(gsl_rng *r, double *x, size_t nr, size_t nc)
{
    for (size_t i = 0; i < nr * nc; i++)
        x[i] = gsl_rng_uniform(r) < 0.25 ? 0.0 : 100.0 * gsl_rng_uniform(r);
}

/* s3_nearest against sorting each row: values drawn from a few levels (many
 * ties), some NaN, through a map onto a larger matrix. */
static int
before(const double *row, const size_t *map, size_t a, size_t b)
{
    double x = row[map[a]], y = row[map[b]];
    if (isnan(x) != isnan(y))
        return isnan(y);
    if (!isnan(x) && x != y)
        return x > y;
    return a < b;
}

START_TEST(nearest_matches_sorting)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20261205);
    enum { BIG = 40 };
    double v[BIG * BIG];
    size_t map[30], work[40];
    unsigned char keep[30 * 30];
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 1 + gsl_rng_uniform_int(r, 30);
        size_t k = 1 + gsl_rng_uniform_int(r, 35);
        for (size_t i = 0; i < BIG * BIG; i++)
            v[i] = gsl_rng_uniform(r) < 0.1
                       ? NAN
                       : (double)gsl_rng_uniform_int(r, 5) / 4.0;
        for (size_t i = 0; i < n; i++) /* rows and columns of v, < BIG */
            map[i] = i + gsl_rng_uniform_int(r, BIG - 30 + 1) * (i % 2);
        s3_nearest(v, BIG, map, n, k, keep, work);
        for (size_t a = 0; a < n; a++) {
            const double *row = v + map[a] * BIG;
            size_t kept = 0;
            for (size_t b = 0; b < n; b++) {
                if (b == a) {
                    ck_assert_int_eq(keep[a * n + b], 0);
                    continue;
                }
                /* b is kept iff fewer than k others come before it */
                size_t ahead = 0;
                for (size_t c = 0; c < n; c++)
                    ahead += c != a && c != b && before(row, map, c, b);
                ck_assert_int_eq(keep[a * n + b], ahead < k);
                kept += keep[a * n + b];
            }
            ck_assert_uint_eq(kept, k < n - 1 ? k : n - 1);
        }
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(cosine_hand_3x3)
{
    /* rows (1, 2, 2), (2, 0, 1), (0, 3, 4): norms 3, √5, 5
     *   c01 = (2 + 0 + 2) / (3 √5)  = 4 / (3 √5) = 0.59628479399994394
     *   c02 = (0 + 6 + 8) / (3 · 5) = 14 / 15    = 0.93333333333333333
     *   c12 = (0 + 0 + 4) / (√5 · 5) = 4 / (5 √5) = 0.35777087639996635 */
    const double x[9] = {1, 2, 2, 2, 0, 1, 0, 3, 4};
    double *out = garbage(9);
    s3_cosine_similarity(x, 3, 3, out);
    ck_assert_rel(out[0 * 3 + 1], 4.0 / (3.0 * sqrt(5.0)));
    ck_assert_rel(out[0 * 3 + 2], 14.0 / 15.0);
    ck_assert_rel(out[1 * 3 + 2], 4.0 / (5.0 * sqrt(5.0)));
    ck_assert_rel(out[1 * 3 + 0], 0.59628479399994394);
    ck_assert_rel(out[2 * 3 + 0], 0.93333333333333333);
    ck_assert_rel(out[2 * 3 + 1], 0.35777087639996635);
    for (size_t i = 0; i < 3; i++)
        ck_assert_same(out[i * 3 + i], 1.0);
    free(out);
}
END_TEST

START_TEST(cosine_zero_row_nan)
{
    /* row 1 is all 0: its row and column are NaN, the diagonal too; the
     * rest as the definition: (1, 2, 2)·(0, 3, 4) / (3 · 5) = 14 / 15 */
    const double x[9] = {1, 2, 2, 0, 0, 0, 0, 3, 4};
    double out[9];
    s3_cosine_similarity(x, 3, 3, out);
    for (size_t j = 0; j < 3; j++) {
        ck_assert_nan(out[1 * 3 + j]);
        ck_assert_nan(out[j * 3 + 1]);
    }
    ck_assert_rel(out[0 * 3 + 2], 14.0 / 15.0);
    ck_assert_same(out[0], 1.0);
    ck_assert_same(out[8], 1.0);
}
END_TEST

START_TEST(cosine_symmetric_vs_definition)
{
    enum { R = 11, C = 7 };
    gsl_rng *r = rng(11);
    double x[R * C], *out = garbage(R * R);
    random_counts(r, x, R, C);
    s3_cosine_similarity(x, R, C, out);
    for (size_t i = 0; i < R; i++)
        for (size_t j = 0; j < R; j++) {
            ck_assert_same(out[i * R + j], out[j * R + i]);
            if (i != j)
                ck_assert_rel(out[i * R + j], cosine_of(x, C, i, j));
        }
    gsl_rng_free(r);
    free(out);
}
END_TEST

START_TEST(cosine_diagonal_exactly_one)
{
    /* values whose squares do not add up exactly: still exactly 1 */
    enum { R = 9, C = 13 };
    gsl_rng *r = rng(12);
    double x[R * C], out[R * R];
    for (size_t i = 0; i < R * C; i++)
        x[i] = 1e-3 + gsl_rng_uniform(r) * 1e5;
    s3_cosine_similarity(x, R, C, out);
    for (size_t i = 0; i < R; i++)
        ck_assert_same(out[i * R + i], 1.0);
    for (size_t i = 0; i < R * R; i++)
        ck_assert(out[i] > 0.0 && out[i] <= 1.0);
    gsl_rng_free(r);
}
END_TEST

START_TEST(cosine_row_scaling_invariant)
{
    /* cos(3.7 x_c, x_d) = cos(x_c, x_d): a unit's size does not matter */
    enum { R = 8, C = 6 };
    gsl_rng *r = rng(13);
    double x[R * C], y[R * C], a[R * R], b[R * R];
    random_counts(r, x, R, C);
    memcpy(y, x, sizeof x);
    for (size_t p = 0; p < C; p++)
        y[2 * C + p] *= 3.7;
    /* a parallel row: exactly 1 against the original, not above */
    for (size_t p = 0; p < C; p++)
        x[5 * C + p] = y[5 * C + p] = 0.3 * x[2 * C + p];
    s3_cosine_similarity(x, R, C, a);
    s3_cosine_similarity(y, R, C, b);
    for (size_t i = 0; i < R * R; i++)
        ck_assert_rel(b[i], a[i]);
    ck_assert_rel(a[2 * R + 5], 1.0);
    ck_assert(a[2 * R + 5] <= 1.0 && b[2 * R + 5] <= 1.0);
    gsl_rng_free(r);
}
END_TEST

/* ---- Jaccard similarity -------------------------------------------------- */

/* A ones index for the dense 0/1 matrix m (free with ones_free). */
static s3_ones
ones_of(const double *m, size_t nr, size_t nc)
{
    s3_ones o;
    o.start = xcalloc(nr + 1, sizeof *o.start);
    o.col = xcalloc(nr * nc, sizeof *o.col);
    s3_ones_index(m, nr, nc, &o);
    return o;
}

static void
ones_free(s3_ones *o)
{
    free(o->start);
    free(o->col);
}

/* s3_jaccard_units on a dense matrix, with its workspace. */
static void
jaccard_dense(const double *m, size_t nr, size_t nc, double *out)
{
    s3_ones o = ones_of(m, nr, nc);
    uint64_t *work = xcalloc(s3_proximity_workspace(nr, nc), sizeof(uint64_t));
    s3_jaccard_units(&o, out, work);
    free(work);
    ones_free(&o);
}

START_TEST(jaccard_hand_4x5)
{
    /* u0 = {0, 1, 4}, u1 = {1, 2, 4}, u2 = {0}, u3 = {1, 2, 3, 4}
     *   J01 = |{1, 4}| / |{0, 1, 2, 4}|       = 2 / 4 = 0.5
     *   J02 = |{0}| / |{0, 1, 4}|             = 1 / 3
     *   J03 = |{1, 4}| / |{0, 1, 2, 3, 4}|    = 2 / 5 = 0.4
     *   J12 = 0 / |{0, 1, 2, 4}|              = 0
     *   J13 = |{1, 2, 4}| / |{1, 2, 3, 4}|    = 3 / 4 = 0.75
     *   J23 = 0 / 5                           = 0 */
    const double m[4 * 5] = {
        1, 1, 0, 0, 1, /* u0 */
        0, 1, 1, 0, 1, /* u1 */
        1, 0, 0, 0, 0, /* u2 */
        0, 1, 1, 1, 1, /* u3 */
    };
    const double want[4 * 4] = {
        1.0,       0.5,  1.0 / 3.0, 0.4,  /* */
        0.5,       1.0,  0.0,       0.75, /* */
        1.0 / 3.0, 0.0,  1.0,       0.0,  /* */
        0.4,       0.75, 0.0,       1.0,
    };
    double *out = garbage(16);
    jaccard_dense(m, 4, 5, out);
    for (size_t i = 0; i < 16; i++)
        ck_assert_rel(out[i], want[i]);
    free(out);
}
END_TEST

START_TEST(jaccard_two_empty_nan)
{
    /* u1 and u2 hold nothing: J12 = 0 / 0 → NaN, and so their diagonal;
     * against u0 = {0, 2} they are 0 / 2 = 0 */
    const double m[3 * 3] = {1, 0, 1, 0, 0, 0, 0, 0, 0};
    double out[9];
    jaccard_dense(m, 3, 3, out);
    ck_assert_nan(out[1 * 3 + 2]);
    ck_assert_nan(out[2 * 3 + 1]);
    ck_assert_nan(out[1 * 3 + 1]);
    ck_assert_nan(out[2 * 3 + 2]);
    ck_assert_same(out[0 * 3 + 1], 0.0);
    ck_assert_same(out[2 * 3 + 0], 0.0);
    ck_assert_same(out[0], 1.0);
}
END_TEST

START_TEST(jaccard_disjoint_zero)
{
    /* {0, 1} and {2, 3}, and {64, 65} across a word boundary: all
     * intersections empty → 0 exactly */
    enum { C = 70 };
    double m[3 * C] = {0};
    m[0 * C + 0] = m[0 * C + 1] = 1.0;
    m[1 * C + 2] = m[1 * C + 3] = 1.0;
    m[2 * C + 64] = m[2 * C + 65] = 1.0;
    double out[9];
    jaccard_dense(m, 3, C, out);
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++)
            ck_assert_same(out[i * 3 + j], i == j ? 1.0 : 0.0);
}
END_TEST

START_TEST(jaccard_bitsets_vs_naive)
{
    /* one to three 64-bit words per unit, with the last column and the
     * first beyond a word set; one empty and one full unit */
    const size_t ncs[] = {63, 64, 65, 130};
    enum { R = 9 };
    gsl_rng *r = rng(21);
    for (size_t t = 0; t < sizeof ncs / sizeof *ncs; t++) {
        size_t nc = ncs[t];
        double *m = xcalloc(R * nc, sizeof *m), *out = garbage(R * R);
        for (size_t i = 0; i < R * nc; i++)
            m[i] = gsl_rng_uniform(r) < 0.35 ? 1.0 : 0.0;
        for (size_t p = 0; p < nc; p++) {
            m[3 * nc + p] = 0.0; /* empty */
            m[4 * nc + p] = 1.0; /* full */
        }
        m[0 * nc + nc - 1] = m[1 * nc + nc - 1] = 1.0;
        if (nc > 64)
            m[0 * nc + 64] = m[2 * nc + 64] = 1.0;
        jaccard_dense(m, R, nc, out);
        for (size_t i = 0; i < R; i++)
            for (size_t j = 0; j < R; j++) {
                double both = 0, either = 0;
                for (size_t p = 0; p < nc; p++) {
                    both += m[i * nc + p] == 1.0 && m[j * nc + p] == 1.0;
                    either += m[i * nc + p] == 1.0 || m[j * nc + p] == 1.0;
                }
                ck_assert_same(out[i * R + j],
                               either > 0 ? both / either : NAN);
            }
        free(m);
        free(out);
    }
    gsl_rng_free(r);
}
END_TEST

/* ---- complementarity ----------------------------------------------------- */

/* The definition: a triple loop, NaN densities as 0. */
static void
complementarity_naive(const double *m, const double *w, size_t nr, size_t nc,
                      double *out)
{
    for (size_t c = 0; c < nr; c++) {
        long double den = 0;
        for (size_t p = 0; p < nc; p++)
            if (m[c * nc + p] == 0.0 && !isnan(w[c * nc + p]))
                den += w[c * nc + p];
        for (size_t d = 0; d < nr; d++) {
            long double num = 0;
            for (size_t p = 0; p < nc; p++)
                if (m[c * nc + p] == 0.0 && !isnan(w[c * nc + p]))
                    num += w[c * nc + p] * m[d * nc + p];
            out[c * nr + d] = c == d    ? 0.0
                              : den > 0 ? (double)(num / den)
                                        : NAN;
        }
    }
}

/* M and Ω of the hand example (NaN densities where M = 1: ignored). */
static const double CM[3 * 4] = {
    1, 0, 0, 0, /* c0 */
    0, 1, 1, 0, /* c1 */
    1, 1, 0, 1, /* c2 */
};
static const double CW[3 * 4] = {
    0.9, 0.5, 0.2,  0.7, /* c0 */
    0.4, NAN, 0.6,  0.1, /* c1 */
    NAN, 0.6, 0.25, 0.5, /* c2 */
};

START_TEST(complementarity_hand_3x4)
{
    /* weights A = (1 − M) ∘ Ω and their totals:
     *   c0: (0, 0.5, 0.2, 0.7)  S0 = 1.4
     *   c1: (0.4, 0, 0, 0.1)    S1 = 0.5
     *   c2: (0, 0, 0.25, 0)     S2 = 0.25
     * K_cd = A_c · M_d / S_c:
     *   K01 = (0.5 + 0.2) / 1.4 = 0.5      K02 = (0.5 + 0.7) / 1.4 = 6/7
     *   K10 = 0.4 / 0.5 = 0.8              K12 = (0.4 + 0.1) / 0.5 = 1
     *   K20 = 0 / 0.25 = 0                 K21 = 0.25 / 0.25 = 1 */
    const double want[3 * 3] = {
        0.0, 0.5, 6.0 / 7.0, /* */
        0.8, 0.0, 1.0,       /* */
        0.0, 1.0, 0.0,
    };
    double *out = garbage(9), work[12];
    s3_complementarity(CM, CW, 3, 4, out, work);
    for (size_t i = 0; i < 9; i++)
        ck_assert_rel(out[i], want[i]);
    ck_assert_rel(out[0 * 3 + 2], 0.85714285714285714);
    free(out);
}
END_TEST

START_TEST(complementarity_diagonal_zero)
{
    /* K_cc = 0 even though c holds every class it holds */
    enum { R = 6, C = 5 };
    gsl_rng *r = rng(31);
    double m[R * C], w[R * C], out[R * R], work[R * C];
    for (size_t i = 0; i < R * C; i++) {
        m[i] = gsl_rng_uniform(r) < 0.4 ? 1.0 : 0.0;
        w[i] = gsl_rng_uniform(r);
    }
    s3_complementarity(m, w, R, C, out, work);
    for (size_t c = 0; c < R; c++)
        ck_assert_same(out[c * R + c], 0.0);
    gsl_rng_free(r);
}
END_TEST

START_TEST(complementarity_no_opportunity_nan)
{
    /* c0 holds every class; c1's open classes have density 0 and NaN: both
     * have Σ_p (1 − M_cp) ω_cp = 0, so their rows are NaN (diagonal 0);
     * c2 = {0}: K20 = ω_21 · 1 / ω_21 = 1, K21 = ω_21 · 0 / ω_21 = 0 */
    const double m[3 * 2] = {1, 1, 0, 0, 1, 0};
    const double w[3 * 2] = {0.5, 0.5, 0.0, NAN, 0.3, 0.4};
    double out[9], work[6];
    s3_complementarity(m, w, 3, 2, out, work);
    for (size_t c = 0; c < 2; c++)
        for (size_t d = 0; d < 3; d++) {
            if (c == d)
                ck_assert_same(out[c * 3 + d], 0.0);
            else
                ck_assert_nan(out[c * 3 + d]);
        }
    ck_assert_rel(out[2 * 3 + 0], 1.0);
    ck_assert_same(out[2 * 3 + 1], 0.0);
    ck_assert_same(out[2 * 3 + 2], 0.0);
}
END_TEST

START_TEST(complementarity_vs_naive_7x9)
{
    /* random M (40 % ones), Ω in (0, 1) with some NaN; unit 6 holds every
     * class (NaN row) */
    enum { R = 7, C = 9 };
    gsl_rng *r = rng(32);
    double m[R * C], w[R * C], out[R * R], want[R * R], work[R * C];
    for (int rep = 0; rep < 5; rep++) {
        for (size_t i = 0; i < R * C; i++) {
            m[i] = gsl_rng_uniform(r) < 0.4 ? 1.0 : 0.0;
            w[i] = gsl_rng_uniform(r) < 0.1 ? NAN : gsl_rng_uniform(r);
        }
        for (size_t p = 0; p < C; p++)
            m[6 * C + p] = 1.0;
        s3_complementarity(m, w, R, C, out, work);
        complementarity_naive(m, w, R, C, want);
        for (size_t i = 0; i < R * R; i++) {
            if (isnan(want[i]))
                ck_assert_nan(out[i]);
            else
                ck_assert_rel(out[i], want[i]);
        }
    }
    gsl_rng_free(r);
}
END_TEST

/* ---- clustering ---------------------------------------------------------- */

/* The result of one clustering, with its own buffers. */
typedef struct {
    size_t n, k;
    size_t *label, *a, *b;
    double *h;
} clustering;

static clustering
cluster(const double *d, size_t n, double cut)
{
    clustering c = {n, 0, NULL, NULL, NULL, NULL};
    c.label = xcalloc(n, sizeof *c.label);
    c.a = xcalloc(n, sizeof *c.a);
    c.b = xcalloc(n, sizeof *c.b);
    c.h = xcalloc(n, sizeof *c.h);
    double *work = garbage(n * n + 4 * n);
    c.k = s3_cluster_average(d, n, cut, c.label, c.a, c.b, c.h, work);
    free(work);
    return c;
}

static void
clustering_free(clustering *c)
{
    free(c->label);
    free(c->a);
    free(c->b);
    free(c->h);
}

/* Greedy average linkage straight from the definition: at each step every
 * mean distance between two clusters is summed again from d (O(n²) per
 * step, O(n³) in all), the smallest taken (ties: first pair in (a, b)
 * order).  Clusters are named by their smallest member.  Then the cut, as
 * documented.  Returns the number of clusters. */
static size_t
naive_average(const double *d, size_t n, double cut, size_t *label, size_t *ma,
              size_t *mb, double *h)
{
    size_t *of = xcalloc(n, sizeof *of), *cnt = xcalloc(n, sizeof *cnt);
    long double *sum = xcalloc(n * n, sizeof *sum);
    for (size_t i = 0; i < n; i++) {
        of[i] = i;
        cnt[i] = 1;
    }
    for (size_t step = 0; step + 1 < n; step++) {
        memset(sum, 0, n * n * sizeof *sum);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                if (of[i] < of[j])
                    sum[of[i] * n + of[j]] += d[i * n + j];
        size_t ba = n, bb = n;
        double best = INFINITY;
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                if (cnt[a] && cnt[b]) {
                    double v = (double)(sum[a * n + b] /
                                        ((long double)cnt[a] * cnt[b]));
                    if (ba == n || v < best) {
                        best = v;
                        ba = a;
                        bb = b;
                    }
                }
        ma[step] = ba;
        mb[step] = bb;
        h[step] = best;
        for (size_t i = 0; i < n; i++)
            if (of[i] == bb)
                of[i] = ba;
        cnt[ba] += cnt[bb];
        cnt[bb] = 0;
    }
    /* the cut: replay the merges up to it */
    for (size_t i = 0; i < n; i++)
        of[i] = i;
    for (size_t s = 0; s + 1 < n && h[s] <= cut; s++)
        for (size_t i = 0; i < n; i++)
            if (of[i] == mb[s])
                of[i] = ma[s];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        label[i] = of[i] == i ? ++k : label[of[i]];
    free(of);
    free(cnt);
    free(sum);
    return k;
}

/* A random symmetric distance matrix: Euclidean distances of points in
 * the plane (kind 0) or independent uniform values (kind 1, not a metric;
 * average linkage is reducible all the same). */
static void
random_distances(gsl_rng *r, double *d, size_t n, int kind)
{
    double *pt = xcalloc(2 * n, sizeof *pt);
    for (size_t i = 0; i < 2 * n; i++)
        pt[i] = gsl_rng_uniform(r);
    for (size_t i = 0; i < n; i++) {
        d[i * n + i] = 0.0;
        for (size_t j = 0; j < i; j++) {
            double v = kind == 0 ? hypot(pt[2 * i] - pt[2 * j],
                                         pt[2 * i + 1] - pt[2 * j + 1])
                                 : 0.1 + gsl_rng_uniform(r);
            d[i * n + j] = d[j * n + i] = v;
        }
    }
    free(pt);
}

/* Same partition: i and j together in one exactly when in the other,
 * with units of b renamed by perm (b's unit u is a's unit perm[u]). */
static int
same_partition(const size_t *la, const size_t *lb, const size_t *perm, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            size_t pi = perm ? perm[i] : i, pj = perm ? perm[j] : j;
            if ((lb[i] == lb[j]) != (la[pi] == la[pj]))
                return 0;
        }
    return 1;
}

/* The 5-taxa UPGMA example (Wikipedia, "UPGMA"): a, b, c, d, e. */
static const double UPGMA5[5 * 5] = {
    0,  17, 21, 31, 23, /* a */
    17, 0,  30, 34, 21, /* b */
    21, 30, 0,  28, 39, /* c */
    31, 34, 28, 0,  43, /* d */
    23, 21, 39, 43, 0,  /* e */
};

START_TEST(cluster_upgma_textbook_5)
{
    /* a–b at 17 (branch height 8.5); then D((a,b), e) = (23 + 21)/2 = 22
     * (11), D((a,b), c) = (21 + 30)/2 = 25.5, D((a,b), d) = 32.5; c–d at 28
     * (14) after D((a,b,e), c) = (2·25.5 + 39)/3 = 30 and D((a,b,e), d) =
     * (2·32.5 + 43)/3 = 36; last D((a,b,e), (c,d)) = (30 + 36)/2 = 33
     * (16.5).  As smallest members: (0,1), (0,4), (2,3), (0,2). */
    const size_t wa[4] = {0, 0, 2, 0}, wb[4] = {1, 4, 3, 2};
    const double half[4] = {8.5, 11.0, 14.0, 16.5};
    clustering c = cluster(UPGMA5, 5, 30.0);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(c.a[i], wa[i]);
        ck_assert_uint_eq(c.b[i], wb[i]);
        ck_assert_rel(c.h[i] / 2.0, half[i]);
    }
    /* cut at 30: {a, b, e}, {c, d} */
    ck_assert_uint_eq(c.k, 2);
    const size_t wl[5] = {1, 1, 2, 2, 1};
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(c.label[i], wl[i]);
    clustering_free(&c);
}
END_TEST

START_TEST(cluster_vs_naive_random_30)
{
    enum { N = 30 };
    double d[N * N];
    size_t lab[N], ma[N], mb[N];
    double h[N];
    for (unsigned long seed = 1; seed <= 6; seed++) {
        gsl_rng *r = rng(100 + seed);
        random_distances(r, d, N, (int)(seed % 2));
        naive_average(d, N, -1.0, lab, ma, mb, h);
        clustering c = cluster(d, N, -1.0);
        for (size_t i = 0; i + 1 < N; i++) {
            ck_assert_rel(c.h[i], h[i]);
            ck_assert_uint_eq(c.a[i], ma[i]);
            ck_assert_uint_eq(c.b[i], mb[i]);
        }
        clustering_free(&c);
        /* cuts between merges, where rounding cannot decide */
        const size_t at[] = {0, 5, 14, 22, N - 3};
        for (size_t t = 0; t < sizeof at / sizeof *at; t++) {
            double cut = 0.5 * (h[at[t]] + h[at[t] + 1]);
            size_t k = naive_average(d, N, cut, lab, ma, mb, h);
            c = cluster(d, N, cut);
            ck_assert_uint_eq(c.k, k);
            ck_assert_uint_eq(k, N - 1 - at[t]);
            for (size_t i = 0; i < N; i++)
                ck_assert_uint_eq(c.label[i], lab[i]);
            clustering_free(&c);
        }
        gsl_rng_free(r);
    }
}
END_TEST

START_TEST(cluster_heights_sorted_merges_valid)
{
    /* on a larger case: heights non-decreasing, and every merge joins two
     * clusters existing at that point, named by their smallest members */
    enum { N = 200 };
    gsl_rng *r = rng(41);
    double *d = xcalloc(N * N, sizeof *d);
    random_distances(r, d, N, 0);
    clustering c = cluster(d, N, INFINITY);
    size_t of[N];
    for (size_t i = 0; i < N; i++)
        of[i] = i;
    for (size_t s = 0; s + 1 < N; s++) {
        if (s > 0)
            ck_assert(c.h[s] >= c.h[s - 1]);
        ck_assert_uint_lt(c.a[s], c.b[s]);
        ck_assert_uint_eq(of[c.a[s]], c.a[s]);
        ck_assert_uint_eq(of[c.b[s]], c.b[s]);
        for (size_t i = 0; i < N; i++)
            if (of[i] == c.b[s])
                of[i] = c.a[s];
    }
    ck_assert_uint_eq(c.k, 1);
    clustering_free(&c);
    free(d);
    gsl_rng_free(r);
}
END_TEST

START_TEST(cluster_cut_below_first_n)
{
    /* every distance is at least 8.5·2 = 17: a cut at 16.99 keeps no merge,
     * so every unit is its own cluster, numbered 1 .. n */
    clustering c = cluster(UPGMA5, 5, 16.99);
    ck_assert_uint_eq(c.k, 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(c.label[i], i + 1);
    clustering_free(&c);
    /* and a cut exactly at the first height keeps it (≤) */
    c = cluster(UPGMA5, 5, 17.0);
    ck_assert_uint_eq(c.k, 4);
    ck_assert_uint_eq(c.label[0], 1);
    ck_assert_uint_eq(c.label[1], 1);
    clustering_free(&c);
}
END_TEST

START_TEST(cluster_cut_above_last_one)
{
    /* the last merge is at 33: a cut at 33 or above gives one cluster */
    const double cuts[] = {33.0, 100.0, INFINITY};
    for (size_t t = 0; t < 3; t++) {
        clustering c = cluster(UPGMA5, 5, cuts[t]);
        ck_assert_uint_eq(c.k, 1);
        for (size_t i = 0; i < 5; i++)
            ck_assert_uint_eq(c.label[i], 1);
        clustering_free(&c);
    }
}
END_TEST

/* Points on a line at 0, 10, 1, 11, 20: d = |x_i − x_j|. */
static void
line_points(double *d)
{
    const double x[5] = {0, 10, 1, 11, 20};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            d[i * 5 + j] = fabs(x[i] - x[j]);
}

START_TEST(cluster_labels_by_smallest_member)
{
    /* {0, 2} and {1, 3} at 1 (a tie: chain order, 0's pair first), then
     * {1, 3} with 4 at (10 + 9)/2 = 9.5, last at the mean of d over
     * {0, 2} × {1, 3, 4} = (10 + 11 + 20 + 9 + 10 + 19)/6 = 79/6.
     * Cut at 2: {0, 2} → 1, {1, 3} → 2, {4} → 3. */
    double d[25];
    line_points(d);
    clustering c = cluster(d, 5, 2.0);
    const size_t wl[5] = {1, 2, 1, 2, 3};
    ck_assert_uint_eq(c.k, 3);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(c.label[i], wl[i]);
    const size_t wa[4] = {0, 1, 1, 0}, wb[4] = {2, 3, 4, 1};
    const double wh[4] = {1.0, 1.0, 9.5, 79.0 / 6.0};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(c.a[i], wa[i]);
        ck_assert_uint_eq(c.b[i], wb[i]);
        ck_assert_rel(c.h[i], wh[i]);
    }
    clustering_free(&c);
    /* cut at 10: {0, 2} → 1, {1, 3, 4} → 2 */
    c = cluster(d, 5, 10.0);
    const size_t wl2[5] = {1, 2, 1, 2, 2};
    ck_assert_uint_eq(c.k, 2);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(c.label[i], wl2[i]);
    clustering_free(&c);
}
END_TEST

START_TEST(cluster_permutation_same_partition)
{
    /* relabelling the units permutes the labels, not the partition, and
     * leaves the heights */
    enum { N = 30 };
    double d[N * N], dp[N * N];
    size_t perm[N];
    for (unsigned long seed = 1; seed <= 4; seed++) {
        gsl_rng *r = rng(200 + seed);
        random_distances(r, d, N, (int)(seed % 2));
        for (size_t i = 0; i < N; i++)
            perm[i] = i;
        gsl_ran_shuffle(r, perm, N, sizeof *perm);
        for (size_t i = 0; i < N; i++)
            for (size_t j = 0; j < N; j++)
                dp[i * N + j] = d[perm[i] * N + perm[j]];
        clustering a = cluster(d, N, INFINITY);
        double h[N];
        memcpy(h, a.h, (N - 1) * sizeof *h);
        clustering_free(&a);
        const size_t at[] = {3, 12, 20, 26};
        for (size_t t = 0; t < sizeof at / sizeof *at; t++) {
            double cut = 0.5 * (h[at[t]] + h[at[t] + 1]);
            a = cluster(d, N, cut);
            clustering b = cluster(dp, N, cut);
            ck_assert_uint_eq(a.k, b.k);
            ck_assert(same_partition(a.label, b.label, perm, N));
            for (size_t i = 0; i + 1 < N; i++)
                ck_assert_rel(b.h[i], a.h[i]);
            clustering_free(&a);
            clustering_free(&b);
        }
        gsl_rng_free(r);
    }
}
END_TEST

START_TEST(cluster_ties_deterministic)
{
    /* all distances 1: the chain from 0 takes 1 (smallest index), 1 goes
     * back to its predecessor 0; then {0,1} with 2, then with 3 — all at
     * height 1, in chain order */
    enum { N = 4 };
    double d[N * N];
    for (size_t i = 0; i < N * N; i++)
        d[i] = i % (N + 1) == 0 ? 0.0 : 1.0;
    clustering c = cluster(d, N, 0.999);
    ck_assert_uint_eq(c.k, N);
    for (size_t i = 0; i + 1 < N; i++) {
        ck_assert_uint_eq(c.a[i], 0);
        ck_assert_uint_eq(c.b[i], i + 1);
        ck_assert_same(c.h[i], 1.0);
    }
    clustering_free(&c);
    c = cluster(d, N, 1.0);
    ck_assert_uint_eq(c.k, 1);
    clustering_free(&c);
    /* integer distances with many ties: the same answer every time, and a
     * valid dendrogram */
    enum { M = 40 };
    gsl_rng *r = rng(51);
    double e[M * M];
    for (size_t i = 0; i < M; i++) {
        e[i * M + i] = 0.0;
        for (size_t j = 0; j < i; j++)
            e[i * M + j] = e[j * M + i] =
                (double)(1 + gsl_rng_uniform_int(r, 4));
    }
    clustering x = cluster(e, M, 2.0), y = cluster(e, M, 2.0);
    ck_assert_uint_eq(x.k, y.k);
    for (size_t i = 0; i < M; i++)
        ck_assert_uint_eq(x.label[i], y.label[i]);
    for (size_t s = 0; s + 1 < M; s++) {
        ck_assert_uint_eq(x.a[s], y.a[s]);
        ck_assert_uint_eq(x.b[s], y.b[s]);
        ck_assert_same(x.h[s], y.h[s]);
        if (s > 0)
            ck_assert(x.h[s] >= x.h[s - 1]);
    }
    clustering_free(&x);
    clustering_free(&y);
    gsl_rng_free(r);
}
END_TEST

START_TEST(cluster_tie_prefers_chain_predecessor)
{
    /* d03 = 4, d12 = d23 = 2, the other pairs 10.  The chain runs 0 → 3
     * (4) → 2 (2); 2 is as near to 1 as to 3 and goes back to its
     * predecessor 3 (by smallest index alone it would take 1 and merge
     * {1, 2}, as the greedy algorithm's first pair in (a, b) order does):
     * (2, 3) at 2.  Then d({2,3}, 0) = (10 + 4)/2 = 7, d({2,3}, 1) =
     * (2 + 10)/2 = 6, d01 = 10: (1, 2) at 6, and last 0 with {1, 2, 3} at
     * (10 + 10 + 4)/3 = 8. */
    const double d[16] = {
        0,  10, 10, 4,  /* */
        10, 0,  2,  10, /* */
        10, 2,  0,  2,  /* */
        4,  10, 2,  0,
    };
    const size_t wa[3] = {2, 1, 0}, wb[3] = {3, 2, 1};
    const double wh[3] = {2.0, 6.0, 8.0};
    clustering c = cluster(d, 4, 2.0);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(c.a[i], wa[i]);
        ck_assert_uint_eq(c.b[i], wb[i]);
        ck_assert_rel(c.h[i], wh[i]);
    }
    /* cut at 2: {0}, {1}, {2, 3} */
    const size_t wl[4] = {1, 2, 3, 3};
    ck_assert_uint_eq(c.k, 3);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(c.label[i], wl[i]);
    clustering_free(&c);
}
END_TEST

START_TEST(cluster_single_and_pair)
{
    /* n = 1: one cluster, no merge written; n = 2: one merge at d01 */
    double d1 = 0.0;
    size_t label[2] = {99, 99}, a[1] = {99}, b[1] = {99};
    double h[1] = {-1.0}, work[2 * 2 + 4 * 2];
    ck_assert_uint_eq(s3_cluster_average(&d1, 1, 0.5, label, a, b, h, work), 1);
    ck_assert_uint_eq(label[0], 1);
    ck_assert_uint_eq(a[0], 99);
    ck_assert_uint_eq(b[0], 99);
    ck_assert_same(h[0], -1.0);
    const double d2[4] = {0, 3, 3, 0};
    ck_assert_uint_eq(s3_cluster_average(d2, 2, 2.0, label, a, b, h, work), 2);
    ck_assert_uint_eq(label[0], 1);
    ck_assert_uint_eq(label[1], 2);
    ck_assert_uint_eq(a[0], 0);
    ck_assert_uint_eq(b[0], 1);
    ck_assert_same(h[0], 3.0);
    ck_assert_uint_eq(s3_cluster_average(d2, 2, 3.0, label, a, b, h, work), 1);
    ck_assert_uint_eq(label[1], 1);
}
END_TEST

START_TEST(cluster_input_unchanged)
{
    double d[25], keep[25];
    line_points(d);
    memcpy(keep, d, sizeof d);
    clustering c = cluster(d, 5, 5.0);
    ck_assert_int_eq(memcmp(d, keep, sizeof d), 0);
    clustering_free(&c);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

static Suite *
overlaps_suite(void)
{
    Suite *s = suite_create("overlaps");
    TCase *tc;

    tc = tcase_create("cosine");
    tcase_add_test(tc, nearest_matches_sorting);
    tcase_add_test(tc, cosine_hand_3x3);
    tcase_add_test(tc, cosine_zero_row_nan);
    tcase_add_test(tc, cosine_symmetric_vs_definition);
    tcase_add_test(tc, cosine_diagonal_exactly_one);
    tcase_add_test(tc, cosine_row_scaling_invariant);
    suite_add_tcase(s, tc);

    tc = tcase_create("jaccard");
    tcase_add_test(tc, jaccard_hand_4x5);
    tcase_add_test(tc, jaccard_two_empty_nan);
    tcase_add_test(tc, jaccard_disjoint_zero);
    tcase_add_test(tc, jaccard_bitsets_vs_naive);
    suite_add_tcase(s, tc);

    tc = tcase_create("complementarity");
    tcase_add_test(tc, complementarity_hand_3x4);
    tcase_add_test(tc, complementarity_diagonal_zero);
    tcase_add_test(tc, complementarity_no_opportunity_nan);
    tcase_add_test(tc, complementarity_vs_naive_7x9);
    suite_add_tcase(s, tc);

    tc = tcase_create("cluster");
    tcase_add_test(tc, cluster_upgma_textbook_5);
    tcase_add_test(tc, cluster_vs_naive_random_30);
    tcase_add_test(tc, cluster_heights_sorted_merges_valid);
    tcase_add_test(tc, cluster_cut_below_first_n);
    tcase_add_test(tc, cluster_cut_above_last_one);
    tcase_add_test(tc, cluster_labels_by_smallest_member);
    tcase_add_test(tc, cluster_permutation_same_partition);
    tcase_add_test(tc, cluster_ties_deterministic);
    tcase_add_test(tc, cluster_tie_prefers_chain_predecessor);
    tcase_add_test(tc, cluster_single_and_pair);
    tcase_add_test(tc, cluster_input_unchanged);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {overlaps_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
