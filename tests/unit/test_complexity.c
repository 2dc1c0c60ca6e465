/*
 * test_complexity.c — unit and validation tests of relatedness, economic
 * complexity and development potentials (include/s3_kernels.h,
 * engine/binary.c, engine/relatedness.c, engine/complexity.c,
 * engine/potentials.c).
 *
 * Three kinds of expected values:
 *   - worked out by hand in the comment next to them (fractions first);
 *   - computed in the test by an independent method: the formula as the
 *     header writes it (naive loops on the dense matrix), or the
 *     non-symmetric eigenproblem solved with GSL's gsl_eigen_nonsymmv
 *     instead of the engine's symmetric route (Lanczos, dsyevr);
 *   - published: the results of the R package economiccomplexity on its
 *     world-trade table (datasets/world-trade/SOURCES.md), read through the
 *     public API (s3.h) from the result tables.
 *
 * Work arrays are malloc'ed with exactly the documented size, so that the
 * sanitizer build catches a kernel that writes past them.
 *
 * Run with S3_REFDIR=<repo>/datasets/reference CK_VERBOSITY=verbose; the
 * repository root (for the world-trade table) is $S3_REFDIR/../.. .
 */
#include <check.h>
#include <float.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "s3.h"
#include "s3_kernels.h"

/* ---- helpers ------------------------------------------------------------ */

/* |a − b| ≤ tol·max(|b|, 1): relative for values of size 1 and more (such
 * as standardised scores), absolute for those closer to 0, where a purely
 * relative test would demand more than double precision can give. */
#define ck_assert_close(a, b, tol)                                             \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        const double s_ = fabs(b_) > 1.0 ? fabs(b_) : 1.0;                     \
        ck_assert_msg(fabs(a_ - b_) <= (tol)*s_,                               \
                      "%s = %.17g, expected %s = %.17g (tol %g·max(|b|,1))",   \
                      #a, a_, #b, b_, (double)(tol));                          \
    } while (0)

/* A malloc'ed array of n doubles (at least one), checked. */
static double *
dalloc(size_t n)
{
    double *p = malloc((n ? n : 1) * sizeof(double));
    ck_assert_ptr_nonnull(p);
    return p;
}

static double
mean_of(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

/* Sample standard deviation (n − 1). */
static double
sd_of(const double *v, size_t n)
{
    double m = mean_of(v, n), ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    return sqrt(ss / (double)(n - 1));
}

/* Pearson correlation. */
static double
corr_of(const double *a, const double *b, size_t n)
{
    double ma = mean_of(a, n), mb = mean_of(b, n), sab = 0.0, saa = 0.0,
           sbb = 0.0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* Diversity (row sums) and ubiquity (column sums) of binary M, by loops. */
static void
degrees(const double *m, size_t nr, size_t nc, double *kd, double *ku)
{
    for (size_t c = 0; c < nr; c++) {
        kd[c] = 0.0;
        for (size_t p = 0; p < nc; p++)
            kd[c] += m[c * nc + p];
    }
    for (size_t p = 0; p < nc; p++) {
        ku[p] = 0.0;
        for (size_t c = 0; c < nr; c++)
            ku[p] += m[c * nc + p];
    }
}

/* Loops over many rows check each row without a Check assertion per row
 * (every ck_assert records its location through Check's channel: a
 * million of them take seconds); the first failure is kept and asserted
 * once after the loop. */
typedef struct {
    size_t n;
    char first[512];
} failures;

#define fail_if_(f, cond, ...)                                                 \
    do {                                                                       \
        if ((cond) && (f)->n++ == 0)                                           \
            snprintf((f)->first, sizeof(f)->first, __VA_ARGS__);               \
    } while (0)
#define ck_assert_no_failures(f)                                               \
    ck_assert_msg((f)->n == 0, "%zu failures; the first: %s", (f)->n,          \
                  (f)->first)

/* The ones index of a dense binary matrix, in arrays of exactly the
 * documented sizes (start nr + 1, col room for nr · nc). */
static s3_ones
ones_of(const double *m, size_t nr, size_t nc)
{
    s3_ones o = {0};
    o.start = malloc((nr + 1) * sizeof(size_t));
    o.col = malloc((nr * nc > 0 ? nr * nc : 1) * sizeof(uint32_t));
    ck_assert(o.start && o.col);
    s3_ones_index(m, nr, nc, &o);
    return o;
}

static void
ones_free(s3_ones *o)
{
    free(o->start);
    free(o->col);
}

/* The kernels on dense 0/1 matrices, each with exactly the workspace its
 * header documents (so that the sanitizer build sees any overrun). */
static void
run_proximity(const double *m, size_t nr, size_t nc, double *phi, int units)
{
    s3_ones o = ones_of(m, nr, nc);
    size_t nw = s3_proximity_workspace(nr, nc);
    uint64_t *work = malloc((nw ? nw : 1) * sizeof(uint64_t));
    ck_assert_ptr_nonnull(work);
    if (units)
        s3_unit_proximity(&o, phi, work);
    else
        s3_proximity(&o, phi, work);
    free(work);
    ones_free(&o);
}

static void
run_density(const double *m, size_t nr, size_t nc, const double *phi,
            double *omega)
{
    double *work = malloc(nc * sizeof(double));
    ck_assert_ptr_nonnull(work);
    s3_density(m, nr, nc, phi, omega, work);
    free(work);
}

static void
run_outlook(const double *m, size_t nr, size_t nc, const double *phi,
            const double *omega, const double *pci, double *coi, double *cog)
{
    double *work = malloc((nc * nc + 2 * nc) * sizeof(double));
    ck_assert_ptr_nonnull(work);
    s3_outlook(m, nr, nc, phi, omega, pci, coi, cog, work);
    free(work);
}

/* A pseudo-random binary matrix (xorshift64, fixed seed) with about a
 * share `dens` of ones, and a one on the wrapped diagonal so that every
 * row and column holds one.  Caller frees. */
static double *
random_binary(size_t nr, size_t nc, double dens, uint64_t seed)
{
    double *m = malloc(nr * nc * sizeof(double));
    ck_assert_ptr_nonnull(m);
    uint64_t x = seed;
    for (size_t i = 0; i < nr * nc; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        m[i] = (double)(x >> 11) * 0x1.0p-53 < dens ? 1.0 : 0.0;
    }
    size_t n = nr > nc ? nr : nc;
    for (size_t i = 0; i < n; i++)
        m[(i % nr) * nc + i % nc] = 1.0;
    return m;
}

/* Mean ECI of the units holding each class. */
static void
mean_eci_of_holders(const double *m, size_t nr, size_t nc, const double *eci,
                    double *out)
{
    for (size_t p = 0; p < nc; p++) {
        double s = 0.0, k = 0.0;
        for (size_t c = 0; c < nr; c++) {
            s += m[c * nc + p] * eci[c];
            k += m[c * nc + p];
        }
        out[p] = s / k;
    }
}

/* ---- fixtures ----------------------------------------------------------- */

/* A 4 × 3 binary matrix (units c0..c3, classes p0..p2):
 *   c0: 1 1 0     diversity k_c = 2, 1, 3, 1
 *   c1: 1 0 0     ubiquity  k_p = 3, 2, 2
 *   c2: 1 1 1
 *   c3: 0 0 1
 * Co-specialisation: p0p1 {c0, c2} = 2, p0p2 {c2} = 1, p1p2 {c2, c3} = 1. */
enum { AR = 4, AC = 3 };
static const double A43[AR * AC] = {
    1, 1, 0, /* c0 */
    1, 0, 0, /* c1 */
    1, 1, 1, /* c2 */
    0, 0, 1, /* c3 */
};
/* Its proximity by hand: φ01 = 2/max(3,2) = 2/3, φ02 = 1/max(3,2) = 1/3,
 * φ12 = 1/max(2,2) = 1/2; column sums Σ_q φ_qp = 2, 13/6, 11/6. */
static const double PHI43[AC * AC] = {
    1.0,       2.0 / 3.0, 1.0 / 3.0, /* p0 */
    2.0 / 3.0, 1.0,       0.5,       /* p1 */
    1.0 / 3.0, 0.5,       1.0,       /* p2 */
};

/* A 6 × 5 binary matrix (more units than classes: the engine solves the
 * class side); every row and column holds a 1, and row 3 links all. */
enum { BR = 6, BC = 5 };
static const double B65[BR * BC] = {
    1, 1, 0, 0, 1, /* k = 3 */
    1, 0, 1, 0, 0, /* 2 */
    0, 1, 1, 1, 0, /* 3 */
    1, 1, 1, 1, 1, /* 5 */
    0, 0, 0, 1, 0, /* 1 */
    1, 0, 0, 1, 1, /* 3 */
};

/* A 5 × 7 binary matrix (fewer units than classes: the unit side). */
enum { CR = 5, CC = 7 };
static const double C57[CR * CC] = {
    1, 0, 1, 0, 0, 1, 0, /* k = 3 */
    1, 1, 1, 1, 0, 1, 1, /* 6 */
    0, 1, 0, 0, 1, 0, 0, /* 2 */
    1, 0, 0, 1, 0, 0, 1, /* 3 */
    0, 0, 1, 0, 1, 1, 0, /* 3 */
};

/* A 6 × 6 binary matrix (square: the unit side). */
enum { ER = 6, EC = 6 };
static const double E66[ER * EC] = {
    1, 1, 1, 1, 0, 1, /* 5 */
    1, 0, 1, 0, 0, 0, /* 2 */
    0, 1, 0, 1, 1, 0, /* 3 */
    1, 1, 0, 0, 0, 1, /* 3 */
    0, 0, 0, 1, 0, 0, /* 1 */
    1, 0, 1, 0, 1, 1, /* 4 */
};

/* ---- s3_ones_index ------------------------------------------------------ */

START_TEST(ones_index_hand_4x3)
{
    /* A43 row by row: c0 {0, 1}, c1 {0}, c2 {0, 1, 2}, c3 {2}:
     * start = 0, 2, 3, 6, 7;  col = 0 1 | 0 | 0 1 2 | 2;  7 ones */
    static const size_t start[AR + 1] = {0, 2, 3, 6, 7};
    static const uint32_t col[7] = {0, 1, 0, 0, 1, 2, 2};
    s3_ones o = {0};
    o.start = malloc((AR + 1) * sizeof(size_t));
    o.col = malloc(AR * AC * sizeof(uint32_t));
    ck_assert(o.start && o.col);
    ck_assert_uint_eq(s3_ones_index(A43, AR, AC, &o), 7);
    ck_assert_uint_eq(o.nr, AR);
    ck_assert_uint_eq(o.nc, AC);
    ck_assert_uint_eq(o.n, 7);
    for (size_t c = 0; c <= AR; c++)
        ck_assert_uint_eq(o.start[c], start[c]);
    for (size_t k = 0; k < 7; k++)
        ck_assert_uint_eq(o.col[k], col[k]);
    ones_free(&o);
}
END_TEST

START_TEST(ones_index_only_exact_ones)
{
    /* NaN, 0 and values other than exactly 1 (0.5, 2, 1 + 2^-52) are not
     * ones; an empty row has start[c] = start[c + 1] */
    /* clang-format off */
    static const double m[3 * 4] = {
        NAN, 1.0,                0.5, 2.0, /* {1} */
        0.0, 0.0,                0.0, 0.0, /* {} */
        1.0, 1.0000000000000002, 0.0, 1.0, /* {0, 3}: 1 + 2^-52 is not 1 */
    };
    /* clang-format on */
    s3_ones o = ones_of(m, 3, 4);
    ck_assert_uint_eq(o.n, 3);
    ck_assert_uint_eq(o.start[0], 0);
    ck_assert_uint_eq(o.start[1], 1);
    ck_assert_uint_eq(o.start[2], 1);
    ck_assert_uint_eq(o.start[3], 3);
    ck_assert_uint_eq(o.col[0], 1);
    ck_assert_uint_eq(o.col[1], 0);
    ck_assert_uint_eq(o.col[2], 3);
    ones_free(&o);
}
END_TEST

/* ---- s3_proximity, s3_unit_proximity ------------------------------------ */

START_TEST(proximity_hand_4x3)
{
    double *phi = dalloc(AC * AC);
    run_proximity(A43, AR, AC, phi, 0);
    for (size_t i = 0; i < AC * AC; i++)
        ck_assert_rel(phi[i], PHI43[i]);
    free(phi);
}
END_TEST

START_TEST(proximity_diagonal_one_symmetric)
{
    /* φ_pp = 1 and φ_pq = φ_qp (bitwise), on the 6 × 5 and 5 × 7 matrices */
    double *phi = dalloc(CC * CC);
    run_proximity(B65, BR, BC, phi, 0);
    for (size_t p = 0; p < BC; p++) {
        ck_assert_msg(phi[p * BC + p] == 1.0, "phi[%zu][%zu] = %.17g", p, p,
                      phi[p * BC + p]);
        for (size_t q = 0; q < BC; q++)
            ck_assert_msg(phi[p * BC + q] == phi[q * BC + p],
                          "phi not symmetric at %zu, %zu", p, q);
    }
    run_proximity(C57, CR, CC, phi, 0);
    for (size_t p = 0; p < CC; p++) {
        ck_assert_msg(phi[p * CC + p] == 1.0, "phi[%zu][%zu] = %.17g", p, p,
                      phi[p * CC + p]);
        for (size_t q = 0; q < CC; q++)
            ck_assert_msg(phi[p * CC + q] == phi[q * CC + p],
                          "phi not symmetric at %zu, %zu", p, q);
    }
    free(phi);
}
END_TEST

/* φ (classes, or units when `units`) against Σ M M / max(k, k) by loops;
 * returns the number of wrong entries, the first in *f. */
static void
check_proximity_definition(const double *m, size_t nr, size_t nc, int units,
                           failures *f)
{
    size_t n = units ? nr : nc, o = units ? nc : nr;
    double *phi = dalloc(n * n), *k = dalloc(n);
    run_proximity(m, nr, nc, phi, units);
    for (size_t i = 0; i < n; i++) {
        k[i] = 0.0;
        for (size_t r = 0; r < o; r++)
            k[i] += units ? m[i * nc + r] : m[r * nc + i];
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0;
            for (size_t r = 0; r < o; r++)
                s += units ? m[i * nc + r] * m[j * nc + r]
                           : m[r * nc + i] * m[r * nc + j];
            double e = i == j ? 1.0 : s / (k[i] > k[j] ? k[i] : k[j]);
            double g = phi[i * n + j];
            fail_if_(f, !(fabs(g - e) <= REL_TOL * fabs(e)),
                     "%s phi[%zu][%zu] = %.17g, expected %.17g",
                     units ? "unit" : "class", i, j, g, e);
        }
    free(phi);
    free(k);
}

START_TEST(proximity_vs_definition_5x7)
{
    failures f = {0};
    check_proximity_definition(C57, CR, CC, 0, &f);
    check_proximity_definition(C57, CR, CC, 1, &f);
    ck_assert_no_failures(&f);
}
END_TEST

START_TEST(proximity_vs_definition_multiword)
{
    /* bitsets of more than one 64-bit word: 150 units (3 words) for the
     * classes, 130 classes (3 words) for the units; sizes at and just past
     * a multiple of 64 (64, 65, 128, 129) */
    failures f = {0};
    double *a = random_binary(150, 9, 0.3, 0x5EED0001u);
    check_proximity_definition(a, 150, 9, 0, &f);
    check_proximity_definition(a, 150, 9, 1, &f);
    free(a);
    double *b = random_binary(7, 130, 0.25, 0x5EED0002u);
    check_proximity_definition(b, 7, 130, 0, &f);
    check_proximity_definition(b, 7, 130, 1, &f);
    free(b);
    /* exactly 64 and 128; one past 64 and 128 */
    double *c = random_binary(128, 64, 0.2, 0x5EED0003u);
    check_proximity_definition(c, 128, 64, 0, &f);
    check_proximity_definition(c, 128, 64, 1, &f);
    free(c);
    double *d = random_binary(65, 129, 0.2, 0x5EED0004u);
    check_proximity_definition(d, 65, 129, 0, &f);
    check_proximity_definition(d, 65, 129, 1, &f);
    free(d);
    ck_assert_no_failures(&f);
}
END_TEST

START_TEST(proximity_zero_ubiquity_nan)
{
    /* The 4 × 3 matrix with a fourth class p3 that nobody holds: row and
     * column 3 are NaN (φ33 too), the rest is the 4 × 3 proximity. */
    static const double m[AR * 4] = {
        1, 1, 0, 0, /* */
        1, 0, 0, 0, /* */
        1, 1, 1, 0, /* */
        0, 0, 1, 0, /* */
    };
    double *phi = dalloc(16);
    run_proximity(m, AR, 4, phi, 0);
    for (size_t p = 0; p < 4; p++)
        for (size_t q = 0; q < 4; q++) {
            if (p == 3 || q == 3)
                ck_assert_nan(phi[p * 4 + q]);
            else
                ck_assert_rel(phi[p * 4 + q], PHI43[p * AC + q]);
        }
    free(phi);
}
END_TEST

START_TEST(unit_proximity_hand_4x3)
{
    /* φ_cd = shared classes / max(k_c, k_d), k_c = 2, 1, 3, 1:
     *   c0c1 {p0} 1/2     c0c2 {p0,p1} 2/3   c0c3 {} 0
     *   c1c2 {p0} 1/3     c1c3 {} 0          c2c3 {p2} 1/3 */
    static const double e[AR * AR] = {
        1.0,       0.5,       2.0 / 3.0, 0.0,       /* c0 */
        0.5,       1.0,       1.0 / 3.0, 0.0,       /* c1 */
        2.0 / 3.0, 1.0 / 3.0, 1.0,       1.0 / 3.0, /* c2 */
        0.0,       0.0,       1.0 / 3.0, 1.0,       /* c3 */
    };
    double *phi = dalloc(AR * AR);
    run_proximity(A43, AR, AC, phi, 1);
    for (size_t i = 0; i < AR * AR; i++)
        ck_assert_rel(phi[i], e[i]);
    free(phi);
}
END_TEST

START_TEST(unit_proximity_is_proximity_of_transpose)
{
    /* φ on the unit side of M = φ on the class side of Mᵀ (6 × 5) */
    double mt[BC * BR];
    for (size_t c = 0; c < BR; c++)
        for (size_t p = 0; p < BC; p++)
            mt[p * BR + c] = B65[c * BC + p];
    double *a = dalloc(BR * BR), *b = dalloc(BR * BR);
    run_proximity(B65, BR, BC, a, 1);
    run_proximity(mt, BC, BR, b, 0);
    for (size_t i = 0; i < BR * BR; i++)
        ck_assert_msg(a[i] == b[i], "[%zu]: %.17g vs %.17g", i, a[i], b[i]);
    free(a);
    free(b);
}
END_TEST

START_TEST(unit_proximity_empty_unit_nan)
{
    /* a unit with diversity 0 (row 1) has NaN row and column */
    static const double m[3 * 3] = {1, 1, 0, 0, 0, 0, 0, 1, 1};
    double *phi = dalloc(9);
    run_proximity(m, 3, 3, phi, 1);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_nan(phi[1 * 3 + i]);
        ck_assert_nan(phi[i * 3 + 1]);
    }
    /* rows 0 and 2 share class 1 of 2 each: 1/2 */
    ck_assert_rel(phi[0 * 3 + 2], 0.5);
    ck_assert_rel(phi[2 * 3 + 0], 0.5);
    ck_assert_rel(phi[0], 1.0);
    ck_assert_rel(phi[8], 1.0);
    free(phi);
}
END_TEST

/* ---- s3_cooccurrence_relatedness ---------------------------------------- */

/* A co-occurrence matrix of 4 classes; the diagonal (7, 5, 9, 4) must be
 * ignored; class 3 shares nothing with another class.
 *   s = Σ_{j≠i} C_ij = 3, 5, 4, 0;   t = 12 */
static const double COOC[16] = {
    7, 2, 1, 0, /* */
    2, 5, 3, 0, /* */
    1, 3, 9, 0, /* */
    0, 0, 0, 4, /* */
};

static void
check_cooc(s3_relatedness_method method, double r01, double r02, double r12)
{
    double *out = dalloc(16), *work = dalloc(4);
    s3_cooccurrence_relatedness(COOC, 4, method, out, work);
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(out[i * 4 + i] == 0.0, "diagonal [%zu] = %.17g", i,
                      out[i * 4 + i]);
    ck_assert_rel(out[0 * 4 + 1], r01);
    ck_assert_rel(out[1 * 4 + 0], r01);
    ck_assert_rel(out[0 * 4 + 2], r02);
    ck_assert_rel(out[2 * 4 + 0], r02);
    ck_assert_rel(out[1 * 4 + 2], r12);
    ck_assert_rel(out[2 * 4 + 1], r12);
    free(out);
    free(work);
}

START_TEST(cooc_association_hand)
{
    /* C_ij t / (s_i s_j): 2·12/(3·5) = 8/5, 1·12/(3·4) = 1,
     * 3·12/(5·4) = 9/5 */
    check_cooc(S3_REL_ASSOCIATION, 8.0 / 5.0, 1.0, 9.0 / 5.0);
}
END_TEST

START_TEST(cooc_probability_hand)
{
    /* C_ij / ((s_i s_j/(t − s_j) + s_i s_j/(t − s_i)) / 2):
     *   01: 15/7 + 15/9 = 80/21, /2 = 40/21 → 2 · 21/40 = 21/20
     *   02: 12/8 + 12/9 = 17/6,  /2 = 17/12 → 1 · 12/17 = 12/17
     *   12: 20/8 + 20/7 = 75/14, /2 = 75/28 → 3 · 28/75 = 28/25 */
    check_cooc(S3_REL_PROBABILITY, 21.0 / 20.0, 12.0 / 17.0, 28.0 / 25.0);
}
END_TEST

START_TEST(cooc_cosine_hand)
{
    /* C_ij / sqrt(s_i s_j): 2/√15, 1/√12, 3/√20 */
    check_cooc(S3_REL_COSINE, 2.0 / sqrt(15.0), 1.0 / sqrt(12.0),
               3.0 / sqrt(20.0));
}
END_TEST

START_TEST(cooc_jaccard_hand)
{
    /* C_ij / (s_i + s_j − C_ij): 2/6 = 1/3, 1/6, 3/6 = 1/2 */
    check_cooc(S3_REL_JACCARD, 1.0 / 3.0, 1.0 / 6.0, 0.5);
}
END_TEST

START_TEST(cooc_isolated_class_nan)
{
    /* Class 3 (s_3 = 0) has a zero denominator with every class for
     * association (s_i·0), probability ((0 + 0)/2) and cosine (√0): NaN.
     * Jaccard's denominator s_i + 0 − 0 = s_i is not 0 for i = 0..2: the
     * documented formula gives 0/s_i = 0 (the Jaccard index of a set and an
     * empty one); only two isolated classes give 0/0 = NaN, checked below. */
    double *out = dalloc(16), *work = dalloc(4);
    const s3_relatedness_method nan_methods[3] = {
        S3_REL_ASSOCIATION, S3_REL_PROBABILITY, S3_REL_COSINE};
    for (size_t k = 0; k < 3; k++) {
        s3_cooccurrence_relatedness(COOC, 4, nan_methods[k], out, work);
        for (size_t i = 0; i < 3; i++) {
            ck_assert_msg(isnan(out[i * 4 + 3]) && isnan(out[3 * 4 + i]),
                          "method %d: out[%zu][3] = %.17g, out[3][%zu] = "
                          "%.17g, expected NaN",
                          (int)nan_methods[k], i, out[i * 4 + 3], i,
                          out[3 * 4 + i]);
        }
        ck_assert_msg(out[3 * 4 + 3] == 0.0, "diagonal of class 3 = %.17g",
                      out[15]);
    }
    s3_cooccurrence_relatedness(COOC, 4, S3_REL_JACCARD, out, work);
    static const double s_i[3] = {3, 5, 4};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(out[i * 4 + 3] == 0.0 && out[3 * 4 + i] == 0.0,
                      "jaccard out[%zu][3] = %.17g, expected 0/%g = 0", i,
                      out[i * 4 + 3], s_i[i]);
    }
    /* two isolated classes 2 and 3: every method has 0/0 between them */
    static const double two[16] = {
        3, 2, 0, 0, /* */
        2, 1, 0, 0, /* */
        0, 0, 6, 0, /* */
        0, 0, 0, 0, /* */
    };
    for (int k = 0; k < 4; k++) {
        s3_cooccurrence_relatedness(two, 4, (s3_relatedness_method)k, out,
                                    work);
        ck_assert_msg(isnan(out[2 * 4 + 3]) && isnan(out[3 * 4 + 2]),
                      "method %d: out[2][3] = %.17g, expected NaN", k,
                      out[2 * 4 + 3]);
        ck_assert_msg(out[2 * 4 + 2] == 0.0 && out[3 * 4 + 3] == 0.0,
                      "method %d: diagonal not 0", k);
    }
    free(out);
    free(work);
}
END_TEST

START_TEST(cooc_symmetric_nonneg_5x5)
{
    /* A 5 × 5 co-occurrence matrix with non-integer counts: every method
     * gives a symmetric, non-negative result, and each agrees with the
     * header's formula evaluated directly. */
    static const double c[25] = {
        0.0,  4.5,  1.25, 0.0,  2.0, /* */
        4.5,  3.0,  0.75, 6.0,  1.5, /* */
        1.25, 0.75, 0.0,  2.25, 0.5, /* */
        0.0,  6.0,  2.25, 8.0,  3.5, /* */
        2.0,  1.5,  0.5,  3.5,  0.0, /* */
    };
    double s[5], t = 0.0;
    for (size_t i = 0; i < 5; i++) {
        s[i] = 0.0;
        for (size_t j = 0; j < 5; j++)
            s[i] += i == j ? 0.0 : c[i * 5 + j];
        t += s[i];
    }
    double *out = dalloc(25), *work = dalloc(5);
    for (int k = 0; k < 4; k++) {
        s3_cooccurrence_relatedness(c, 5, (s3_relatedness_method)k, out, work);
        for (size_t i = 0; i < 5; i++)
            for (size_t j = 0; j < 5; j++) {
                if (i == j)
                    continue;
                double cij = c[i * 5 + j], e;
                if (k == S3_REL_ASSOCIATION)
                    e = cij * t / (s[i] * s[j]);
                else if (k == S3_REL_PROBABILITY)
                    e = cij /
                        ((s[i] * s[j] / (t - s[j]) + s[j] * s[i] / (t - s[i])) /
                         2.0);
                else if (k == S3_REL_COSINE)
                    e = cij / sqrt(s[i] * s[j]);
                else
                    e = cij / (s[i] + s[j] - cij);
                ck_assert_rel(out[i * 5 + j], e);
                ck_assert_rel(out[j * 5 + i], out[i * 5 + j]);
                ck_assert(out[i * 5 + j] >= 0.0);
            }
    }
    free(out);
    free(work);
}
END_TEST

/* ---- s3_density --------------------------------------------------------- */

START_TEST(density_hand_4x3)
{
    /* ω_cp = Σ_q M_cq φ_pq / Σ_q φ_pq with PHI43, column sums 2, 13/6, 11/6:
     *   c0 (1 1 0): p0 (1 + 2/3)/2 = 5/6;   p1 (2/3 + 1)·6/13 = 10/13;
     *               p2 (1/3 + 1/2)·6/11 = 5/11
     *   c1 (1 0 0): p0 1/2;  p1 (2/3)·6/13 = 4/13;  p2 (1/3)·6/11 = 2/11
     *   c2 (1 1 1): 1, 1, 1 (holds every neighbour)
     *   c3 (0 0 1): p0 (1/3)/2 = 1/6;  p1 (1/2)·6/13 = 3/13;  p2 6/11 */
    static const double e[AR * AC] = {
        5.0 / 6.0, 10.0 / 13.0, 5.0 / 11.0, /* */
        0.5,       4.0 / 13.0,  2.0 / 11.0, /* */
        1.0,       1.0,         1.0,        /* */
        1.0 / 6.0, 3.0 / 13.0,  6.0 / 11.0, /* */
    };
    double *omega = dalloc(AR * AC);
    run_density(A43, AR, AC, PHI43, omega);
    for (size_t i = 0; i < AR * AC; i++)
        ck_assert_rel(omega[i], e[i]);
    free(omega);
}
END_TEST

START_TEST(density_bounds_and_full_unit)
{
    /* On the 6 × 5 matrix with its proximity: 0 ≤ ω ≤ 1; unit 3 holds every
     * class, so ω = 1 for it; ω agrees with the formula by a naive loop. */
    double *phi = dalloc(BC * BC), *omega = dalloc(BR * BC);
    run_proximity(B65, BR, BC, phi, 0);
    run_density(B65, BR, BC, phi, omega);
    for (size_t c = 0; c < BR; c++)
        for (size_t p = 0; p < BC; p++) {
            double w = omega[c * BC + p], num = 0.0, den = 0.0;
            ck_assert_msg(w >= 0.0 && w <= 1.0, "omega[%zu][%zu] = %.17g", c, p,
                          w);
            for (size_t q = 0; q < BC; q++) {
                num += B65[c * BC + q] * phi[p * BC + q];
                den += phi[p * BC + q];
            }
            ck_assert_rel(w, num / den);
            if (c == 3)
                ck_assert_rel(w, 1.0);
        }
    free(phi);
    free(omega);
}
END_TEST

START_TEST(density_zero_relatedness_nan)
{
    /* φ with class 2 related to nothing (its row and column 0, diagonal
     * too): Σ_q φ_2q = 0 → ω_c2 NaN for every unit; the others by hand:
     * column sums 1.5, 1.5;  c0 (1 0 1): p0 1/1.5 = 2/3, p1 0.5/1.5 = 1/3;
     * c1 (0 1 0): p0 1/3, p1 2/3. */
    static const double phi[9] = {1.0, 0.5, 0.0, 0.5, 1.0, 0.0, 0, 0, 0};
    static const double m[6] = {1, 0, 1, 0, 1, 0};
    double *omega = dalloc(6);
    run_density(m, 2, 3, phi, omega);
    ck_assert_nan(omega[2]);
    ck_assert_nan(omega[5]);
    ck_assert_rel(omega[0], 2.0 / 3.0);
    ck_assert_rel(omega[1], 1.0 / 3.0);
    ck_assert_rel(omega[3], 1.0 / 3.0);
    ck_assert_rel(omega[4], 2.0 / 3.0);
    free(omega);
}
END_TEST

START_TEST(density_full_unit_never_above_one)
{
    /* A unit holding every class has ω = 1 exactly in theory; the
     * numerator (a BLAS product) and the denominator (a compensated sum)
     * add the same terms in other orders, which gave 1.0000000000000002
     * in the Ruhr run.  On 50 sparse symmetric φ (40 classes, a third of
     * the pairs related with fractions k/7..k/26, a fixed LCG): every ω
     * of the full unit lies in [1 - 4 ulp, 1], of the empty unit is 0. */
    enum { NC = 40 };
    double *phi = dalloc(NC * NC), *m = dalloc(2 * NC), *omega = dalloc(2 * NC);
    uint64_t seed = 1;
    for (size_t p = 0; p < NC; p++)
        m[p] = 1.0, m[NC + p] = 0.0;
    for (int trial = 0; trial < 50; trial++) {
        for (size_t p = 0; p < NC; p++)
            for (size_t q = 0; q <= p; q++) {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                unsigned r = (unsigned)(seed >> 33);
                double v = p == q ? 1.0
                           : r % 3 == 0
                               ? (double)(r % 11) / (double)(7 + (r >> 8) % 20)
                               : 0.0;
                phi[p * NC + q] = phi[q * NC + p] = v > 1.0 ? 1.0 : v;
            }
        run_density(m, 2, NC, phi, omega);
        for (size_t p = 0; p < NC; p++) {
            ck_assert_msg(omega[p] <= 1.0 && omega[p] >= 1.0 - 4 * DBL_EPSILON,
                          "trial %d: omega[%zu] = %.17g", trial, p, omega[p]);
            ck_assert_msg(omega[NC + p] == 0.0, "omega[1][%zu] = %.17g", p,
                          omega[NC + p]);
        }
    }
    free(phi);
    free(m);
    free(omega);
}
END_TEST

/* ---- s3_outlook --------------------------------------------------------- */

START_TEST(outlook_hand_4x3)
{
    /* PHI43, its density (density_hand_4x3) and PCI = (1/2, −1, 2):
     *   COI_c3 = ω_c3,0 · 1/2 + ω_c3,1 · (−1) + 0 (p2 held)
     *          = 1/12 − 3/13 = −23/156
     *   COG_c3,p0 = Σ_q φ_0q / Σ_r φ_rq (1 − M_3q) PCI_q
     *            = 1/2 · 1/2 + (2/3)/(13/6) · (−1) + 0 = 1/4 − 4/13 = −3/52
     *   COG_c3,p2 = 0 (held)
     *   COI_c2 = 0 and COG_c2,p = 0 (c2 holds everything)
     *   COG_c1,p1 (c1 holds p0 only)
     *            = φ_10/2 · 0 + φ_11/(13/6) · (−1) + φ_12/(11/6) · 2
     *            = −6/13 + (1/2)(6/11) · 2 = −6/13 + 6/11
     *            = (−66 + 78)/143 = 12/143 */
    static const double pci[AC] = {0.5, -1.0, 2.0};
    double *omega = dalloc(AR * AC), *coi = dalloc(AR), *cog = dalloc(AR * AC);
    run_density(A43, AR, AC, PHI43, omega);
    run_outlook(A43, AR, AC, PHI43, omega, pci, coi, cog);
    ck_assert_rel(coi[3], -23.0 / 156.0);
    ck_assert_rel(cog[3 * AC + 0], -3.0 / 52.0);
    ck_assert_rel(cog[1 * AC + 1], 12.0 / 143.0);
    ck_assert_msg(cog[3 * AC + 2] == 0.0, "cog of a held class = %.17g",
                  cog[3 * AC + 2]);
    ck_assert_msg(coi[2] == 0.0, "coi of a unit holding all = %.17g", coi[2]);
    for (size_t p = 0; p < AC; p++)
        ck_assert_msg(cog[2 * AC + p] == 0.0, "cog[2][%zu] = %.17g", p,
                      cog[2 * AC + p]);
    free(omega);
    free(coi);
    free(cog);
}
END_TEST

START_TEST(outlook_vs_naive_5x4)
{
    /* A 5 × 4 M, a symmetric φ with non-integer values (not a proximity:
     * any symmetric non-negative relatedness) and non-integer PCI; COI and
     * COG against a naive triple loop of the header's formulas:
     *   COI_c  = Σ_p ω_cp (1 − M_cp) PCI_p
     *   COG_cp = (1 − M_cp) Σ_q (φ_pq / Σ_r φ_rq) (1 − M_cq) PCI_q */
    enum { R = 5, K = 4 };
    static const double m[R * K] = {
        1, 0, 0, 1, /* */
        0, 1, 0, 0, /* */
        1, 1, 0, 1, /* */
        0, 0, 1, 0, /* */
        0, 1, 1, 1, /* */
    };
    static const double phi[K * K] = {
        1.0,   0.375, 0.62,  0.125, /* */
        0.375, 0.9,   0.2,   0.55,  /* */
        0.62,  0.2,   1.0,   0.305, /* */
        0.125, 0.55,  0.305, 0.75,  /* */
    };
    static const double pci[K] = {-0.8125, 1.3, 0.4375, -0.925};
    double *omega = dalloc(R * K), *coi = dalloc(R), *cog = dalloc(R * K);
    run_density(m, R, K, phi, omega);
    run_outlook(m, R, K, phi, omega, pci, coi, cog);
    for (size_t c = 0; c < R; c++) {
        double e = 0.0;
        for (size_t p = 0; p < K; p++)
            e += omega[c * K + p] * (1.0 - m[c * K + p]) * pci[p];
        ck_assert_close(coi[c], e, 1e-13);
        for (size_t p = 0; p < K; p++) {
            double g = 0.0;
            for (size_t q = 0; q < K; q++) {
                double colsum = 0.0;
                for (size_t r = 0; r < K; r++)
                    colsum += phi[r * K + q];
                g += phi[p * K + q] / colsum * (1.0 - m[c * K + q]) * pci[q];
            }
            g *= 1.0 - m[c * K + p];
            ck_assert_close(cog[c * K + p], g, 1e-13);
        }
    }
    free(omega);
    free(coi);
    free(cog);
}
END_TEST

/* ---- s3_standardise ----------------------------------------------------- */

START_TEST(standardise_hand)
{
    /* 2 4 4 4 5 5 7 9: mean 5, deviations −3 −1 −1 −1 0 0 2 4,
     * Σ d² = 32, sample variance 32/7, sd = √(32/7) */
    double v[8] = {2, 4, 4, 4, 5, 5, 7, 9};
    const double d[8] = {-3, -1, -1, -1, 0, 0, 2, 4}, sd = sqrt(32.0 / 7.0);
    ck_assert_int_eq(s3_standardise(v, 8), 0);
    for (size_t i = 0; i < 8; i++) {
        if (d[i] == 0.0)
            ck_assert_abs_tol(v[i], 0.0, 1e-15);
        else
            ck_assert_rel(v[i], d[i] / sd);
    }
    /* two values: mean 1.5, sd √(0.5/1) → ∓1/√2 (n − 1, not n: with n the
     * result would be ∓1) */
    double w[2] = {1.0, 2.0};
    ck_assert_int_eq(s3_standardise(w, 2), 0);
    ck_assert_rel(w[0], -1.0 / sqrt(2.0));
    ck_assert_rel(w[1], 1.0 / sqrt(2.0));
}
END_TEST

START_TEST(standardise_mean0_sd1)
{
    double v[9] = {2.385, -0.75, 13.2, 4.125, 0.0, 7.91, 3.3, -1.06, 5.5};
    ck_assert_int_eq(s3_standardise(v, 9), 0);
    ck_assert_abs_tol(mean_of(v, 9), 0.0, 1e-15);
    ck_assert_rel(sd_of(v, 9), 1.0);
}
END_TEST

START_TEST(standardise_constant_nan)
{
    double v[4] = {2.5, 2.5, 2.5, 2.5};
    ck_assert_int_eq(s3_standardise(v, 4), -1);
    for (size_t i = 0; i < 4; i++)
        ck_assert_nan(v[i]);
}
END_TEST

START_TEST(standardise_short_nan)
{
    double v[1] = {3.75};
    ck_assert_int_eq(s3_standardise(v, 1), -1);
    ck_assert_nan(v[0]);
    double w[1] = {3.75};
    ck_assert_int_eq(s3_standardise(w, 0), -1);
    ck_assert_msg(w[0] == 3.75, "n = 0 wrote v[0] = %.17g", w[0]);
}
END_TEST

/* ---- s3_complexity_eigen ------------------------------------------------ */

/* Run s3_complexity_eigen with exactly the workspace it asks for. */
static int
run_eigen(const double *m, size_t nr, size_t nc, double *eci, double *pci,
          double lambda[2])
{
    size_t nw = 0, niw = 0;
    s3_complexity_workspace(nr, nc, &nw, &niw);
    double *work = dalloc(nw);
    int *iwork = malloc((niw ? niw : 1) * sizeof(int));
    ck_assert_ptr_nonnull(iwork);
    s3_ones o = ones_of(m, nr, nc);
    int rc = s3_complexity_eigen(&o, eci, pci, lambda, work, nw, iwork, niw);
    ones_free(&o);
    free(work);
    free(iwork);
    return rc;
}

/* The eigenvector of the second-largest eigenvalue (by real part) of the
 * non-symmetric transition matrix, by GSL's general solver:
 *   classes = 0: D⁻¹ M U⁻¹ Mᵀ (nr × nr),  a_cd = Σ_p M_cp M_dp / (k_c k_p)
 *   classes = 1: U⁻¹ Mᵀ D⁻¹ M (nc × nc),  a_pq = Σ_c M_cp M_cq / (k_p k_c)
 * vec receives the real part of the eigenvector (unit norm, sign as GSL
 * gives it), lam the three largest eigenvalues' real parts and *imag the
 * largest |imaginary part| of the first two (0 for this similar-to-
 * symmetric matrix, up to rounding). */
static void
gsl_second_eigvec(const double *m, size_t nr, size_t nc, int classes,
                  double *vec, double lam[3], double *imag)
{
    size_t n = classes ? nc : nr, no = classes ? nr : nc;
    double *kd = dalloc(nr), *ku = dalloc(nc);
    degrees(m, nr, nc, kd, ku);
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_vector_complex *eval = gsl_vector_complex_alloc(n);
    gsl_matrix_complex *evec = gsl_matrix_complex_alloc(n, n);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(n);
    ck_assert(a && eval && evec && w);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0;
            for (size_t k = 0; k < no; k++) {
                double mi = classes ? m[k * nc + i] : m[i * nc + k];
                double mj = classes ? m[k * nc + j] : m[j * nc + k];
                s += mi * mj / (classes ? kd[k] : ku[k]);
            }
            gsl_matrix_set(a, i, j, s / (classes ? ku[i] : kd[i]));
        }
    ck_assert_int_eq(gsl_eigen_nonsymmv(a, eval, evec, w), GSL_SUCCESS);
    /* indices by real part, descending (selection sort) */
    size_t *idx = malloc(n * sizeof(size_t));
    ck_assert_ptr_nonnull(idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < n; j++)
            if (GSL_REAL(gsl_vector_complex_get(eval, idx[j])) >
                GSL_REAL(gsl_vector_complex_get(eval, idx[best])))
                best = j;
        size_t t = idx[i];
        idx[i] = idx[best];
        idx[best] = t;
    }
    for (size_t i = 0; i < 3; i++)
        lam[i] = GSL_REAL(gsl_vector_complex_get(eval, idx[i]));
    *imag = fmax(fabs(GSL_IMAG(gsl_vector_complex_get(eval, idx[0]))),
                 fabs(GSL_IMAG(gsl_vector_complex_get(eval, idx[1]))));
    for (size_t i = 0; i < n; i++)
        vec[i] = GSL_REAL(gsl_matrix_complex_get(evec, i, idx[1]));
    free(idx);
    gsl_eigen_nonsymmv_free(w);
    gsl_matrix_complex_free(evec);
    gsl_vector_complex_free(eval);
    gsl_matrix_free(a);
    free(kd);
    free(ku);
}

/* Standardise by hand (mean, sample sd) — not s3_standardise. */
static void
zscore(double *v, size_t n)
{
    double mu = mean_of(v, n), sd = sd_of(v, n);
    for (size_t i = 0; i < n; i++)
        v[i] = (v[i] - mu) / sd;
}

/* s3_complexity_eigen against GSL's non-symmetric solver on both sides. */
static void
check_eigen_vs_gsl(const double *m, size_t nr, size_t nc)
{
    double *eci = dalloc(nr), *pci = dalloc(nc), lambda[2] = {0, 0};
    double *x = dalloc(nr), *y = dalloc(nc), lu[3], lp[3], iu, ip;
    double *kd = dalloc(nr), *ku = dalloc(nc), *me = dalloc(nc);
    ck_assert_int_eq(run_eigen(m, nr, nc, eci, pci, lambda), 0);

    gsl_second_eigvec(m, nr, nc, 0, x, lu, &iu);
    gsl_second_eigvec(m, nr, nc, 1, y, lp, &ip);
    /* preconditions: real leading eigenvalues, λ2 simple (else the vector
     * is not unique), both sides with the same spectrum top */
    ck_assert_msg(iu < 1e-12 && ip < 1e-12, "complex eigenvalues %g %g", iu,
                  ip);
    ck_assert_msg(lu[1] - lu[2] > 1e-3, "lambda2 not simple: %g %g", lu[1],
                  lu[2]);
    ck_assert_abs_tol(lu[0], 1.0, 1e-12);
    ck_assert_abs_tol(lp[0], 1.0, 1e-12);
    ck_assert_abs_tol(lp[1], lu[1], 1e-12);

    /* λ1 = 1, λ2 = GSL's second eigenvalue */
    ck_assert_abs_tol(lambda[0], 1.0, 1e-12);
    ck_assert_close(lambda[1], lu[1], 1e-9);

    /* ECI: standardise, sign by correlation with diversity */
    degrees(m, nr, nc, kd, ku);
    zscore(x, nr);
    if (corr_of(x, kd, nr) < 0.0)
        for (size_t c = 0; c < nr; c++)
            x[c] = -x[c];
    for (size_t c = 0; c < nr; c++)
        ck_assert_close(eci[c], x[c], 1e-9);

    /* PCI: standardise, sign by correlation with the mean ECI of holders */
    zscore(y, nc);
    mean_eci_of_holders(m, nr, nc, x, me);
    if (corr_of(y, me, nc) < 0.0)
        for (size_t p = 0; p < nc; p++)
            y[p] = -y[p];
    for (size_t p = 0; p < nc; p++)
        ck_assert_close(pci[p], y[p], 1e-9);

    free(eci), free(pci), free(x), free(y), free(kd), free(ku), free(me);
}

START_TEST(eigen_vs_gsl_6x5)
{
    check_eigen_vs_gsl(B65, BR, BC);
}
END_TEST

START_TEST(eigen_vs_gsl_5x7)
{
    check_eigen_vs_gsl(C57, CR, CC);
}
END_TEST

START_TEST(eigen_vs_gsl_6x6)
{
    check_eigen_vs_gsl(E66, ER, EC);
}
END_TEST

START_TEST(eigen_vs_gsl_transpose)
{
    /* Mᵀ of the 6 × 5 matrix is 5 × 6: the unit side of the solver, with
     * the roles of ECI and PCI exchanged (signs are fixed anew) */
    double mt[BC * BR];
    for (size_t c = 0; c < BR; c++)
        for (size_t p = 0; p < BC; p++)
            mt[p * BR + c] = B65[c * BC + p];
    check_eigen_vs_gsl(mt, BC, BR);
}
END_TEST

START_TEST(eigen_vs_gsl_random_40x60)
{
    /* larger than the 8 Lanczos steps after which the engine tests for
     * convergence: the unit side (40) converges before the space is full */
    double *m = random_binary(40, 60, 0.3, 0xC0FFEE01u);
    check_eigen_vs_gsl(m, 40, 60);
    free(m);
}
END_TEST

START_TEST(eigen_vs_gsl_random_90x35)
{
    /* the class side (35), sparser */
    double *m = random_binary(90, 35, 0.15, 0xC0FFEE02u);
    check_eigen_vs_gsl(m, 90, 35);
    free(m);
}
END_TEST

START_TEST(eigen_hand_2x3)
{
    /* M = [1 1 1; 0 1 0]: diversity (3, 1), ubiquity (1, 2, 1).
     * D⁻¹ M U⁻¹ Mᵀ = [(1 + 1/2 + 1)/3, (1/2)/3; (1/2)/1, (1/2)/1]
     *             = [5/6, 1/6; 1/2, 1/2]: trace 4/3, det 1/3, so λ = 1, 1/3.
     * For λ2 = 1/3: (5/6 − 1/3) x0 + x1/6 = 0 → x = (1, −3); standardised
     * (two values: ±1/√2), signed with diversity → ECI = (1/√2, −1/√2).
     * y = U⁻¹ Mᵀ x = (1, (1 − 3)/2, 1) = (1, −1, 1): mean 1/3, deviations
     * (2, −4, 2)/3, Σ d² = 24/9, sd = 2/√3 → (1, −2, 1)/√3; the mean ECI
     * of holders (1/√2, 0, 1/√2) agrees in sign → PCI = (1, −2, 1)/√3.
     * Two units: one Lanczos step spans the whole complement of v1. */
    static const double m[2 * 3] = {1, 1, 1, 0, 1, 0};
    double eci[2], pci[3], l[2];
    ck_assert_int_eq(run_eigen(m, 2, 3, eci, pci, l), 0);
    ck_assert_abs_tol(l[0], 1.0, 1e-14);
    ck_assert_rel(l[1], 1.0 / 3.0);
    ck_assert_rel(eci[0], 1.0 / sqrt(2.0));
    ck_assert_rel(eci[1], -1.0 / sqrt(2.0));
    ck_assert_rel(pci[0], 1.0 / sqrt(3.0));
    ck_assert_rel(pci[1], -2.0 / sqrt(3.0));
    ck_assert_rel(pci[2], 1.0 / sqrt(3.0));
    /* Mᵀ (3 × 2, the class side has two): ECI' ∝ (1, −2, 1) signed with
     * diversity' (1, 2, 1) → (−1, 2, −1)/√3; PCI' = ±(1, −1)/√2 signed
     * with the mean ECI' of holders (0, 2/√3) → (−1, 1)/√2 */
    static const double mt[3 * 2] = {1, 0, 1, 1, 1, 0};
    double e3[3], p2[2];
    ck_assert_int_eq(run_eigen(mt, 3, 2, e3, p2, l), 0);
    ck_assert_rel(l[1], 1.0 / 3.0);
    ck_assert_rel(e3[0], -1.0 / sqrt(3.0));
    ck_assert_rel(e3[1], 2.0 / sqrt(3.0));
    ck_assert_rel(e3[2], -1.0 / sqrt(3.0));
    ck_assert_rel(p2[0], -1.0 / sqrt(2.0));
    ck_assert_rel(p2[1], 1.0 / sqrt(2.0));
}
END_TEST

START_TEST(eigen_permutation)
{
    /* Permuting rows and columns permutes ECI and PCI.  perm_r maps new
     * row i to old row perm_r[i]. */
    static const size_t pr[BR] = {4, 2, 0, 5, 1, 3}, pc[BC] = {3, 0, 4, 1, 2};
    double mp[BR * BC];
    for (size_t i = 0; i < BR; i++)
        for (size_t j = 0; j < BC; j++)
            mp[i * BC + j] = B65[pr[i] * BC + pc[j]];
    double eci[BR], pci[BC], l[2], ecip[BR], pcip[BC], lp[2];
    ck_assert_int_eq(run_eigen(B65, BR, BC, eci, pci, l), 0);
    ck_assert_int_eq(run_eigen(mp, BR, BC, ecip, pcip, lp), 0);
    for (size_t i = 0; i < BR; i++)
        ck_assert_close(ecip[i], eci[pr[i]], 1e-10);
    for (size_t j = 0; j < BC; j++)
        ck_assert_close(pcip[j], pci[pc[j]], 1e-10);
    ck_assert_abs_tol(lp[1], l[1], 1e-12);
}
END_TEST

START_TEST(eigen_mean0_sd1_signs)
{
    /* On each matrix: ECI and PCI have mean 0 and sample sd 1; ECI
     * correlates positively with diversity; PCI with the mean ECI of the
     * units holding the class. */
    const double *ms[3] = {B65, C57, E66};
    const size_t r[3] = {BR, CR, ER}, k[3] = {BC, CC, EC};
    for (size_t t = 0; t < 3; t++) {
        size_t nr = r[t], nc = k[t];
        double eci[8], pci[8], l[2], kd[8], ku[8], me[8];
        ck_assert_int_eq(run_eigen(ms[t], nr, nc, eci, pci, l), 0);
        ck_assert_abs_tol(mean_of(eci, nr), 0.0, 1e-14);
        ck_assert_abs_tol(mean_of(pci, nc), 0.0, 1e-14);
        ck_assert_rel_tol(sd_of(eci, nr), 1.0, 1e-13);
        ck_assert_rel_tol(sd_of(pci, nc), 1.0, 1e-13);
        degrees(ms[t], nr, nc, kd, ku);
        ck_assert_msg(corr_of(eci, kd, nr) > 0.0,
                      "matrix %zu: corr(eci, diversity) = %g", t,
                      corr_of(eci, kd, nr));
        mean_eci_of_holders(ms[t], nr, nc, eci, me);
        ck_assert_msg(corr_of(pci, me, nc) > 0.0,
                      "matrix %zu: corr(pci, mean eci) = %g", t,
                      corr_of(pci, me, nc));
    }
}
END_TEST

START_TEST(eigen_disconnected_lambda2_one)
{
    /* Two blocks that share no class: the unit-side matrix has eigenvalue 1
     * twice (λ2 = 1, as the header documents) */
    static const double m[4 * 4] = {
        1, 1, 0, 0, /* */
        1, 0, 0, 0, /* */
        0, 0, 1, 1, /* */
        0, 0, 0, 1, /* */
    };
    double eci[4], pci[4], l[2];
    ck_assert_int_eq(run_eigen(m, 4, 4, eci, pci, l), 0);
    ck_assert_abs_tol(l[0], 1.0, 1e-12);
    ck_assert_abs_tol(l[1], 1.0, 1e-12);
}
END_TEST

START_TEST(eigen_refuses_bad_input)
{
    /* -1 for: n = min(nr, nc) < 2; a workspace one double or one int too
     * short; a unit or a class without a one (the header: "drop empty ones
     * first; -1 otherwise") */
    double eci[BR], pci[BC], l[2];
    static const double m1[3] = {1, 1, 1};
    ck_assert_int_eq(run_eigen(m1, 1, 3, eci, pci, l), -1);
    ck_assert_int_eq(run_eigen(m1, 3, 1, eci, pci, l), -1);

    size_t nw, niw;
    s3_complexity_workspace(BR, BC, &nw, &niw);
    double *work = dalloc(nw);
    int *iwork = malloc(niw * sizeof(int));
    ck_assert_ptr_nonnull(iwork);
    s3_ones o = ones_of(B65, BR, BC);
    ck_assert_int_eq(
        s3_complexity_eigen(&o, eci, pci, l, work, nw - 1, iwork, niw), -1);
    ck_assert_int_eq(
        s3_complexity_eigen(&o, eci, pci, l, work, nw, iwork, niw - 1), -1);
    ones_free(&o);
    free(work);
    free(iwork);

    /* A43 with an empty fifth unit; A43 with an empty fourth class */
    static const double er[5 * AC] = {
        1, 1, 0, /* */
        1, 0, 0, /* */
        1, 1, 1, /* */
        0, 0, 1, /* */
        0, 0, 0, /* empty unit */
    };
    static const double ec[AR * 4] = {
        1, 1, 0, 0, /* */
        1, 0, 0, 0, /* */
        1, 1, 1, 0, /* */
        0, 0, 1, 0, /* the fourth class is empty */
    };
    ck_assert_int_eq(run_eigen(er, 5, AC, eci, pci, l), -1);
    ck_assert_int_eq(run_eigen(ec, AR, 4, eci, pci, l), -1);
}
END_TEST

/* ---- s3_complexity_reflections ------------------------------------------ */

static void
run_reflections(const double *m, size_t nr, size_t nc, size_t it, double *eci,
                double *pci)
{
    double *work = dalloc(3 * (nr + nc));
    s3_ones o = ones_of(m, nr, nc);
    s3_complexity_reflections(&o, it, eci, pci, work);
    ones_free(&o);
    free(work);
}

START_TEST(reflections_hand_4x3_iter4)
{
    /* A43, k_c,0 = (2, 1, 3, 1), k_p,0 = (3, 2, 2):
     *   k_c,1 = (5/2, 3, 7/3, 2)           k_p,1 = (2, 5/2, 2)
     *   k_c,2 = ((2 + 5/2)/2, 2, (2 + 5/2 + 2)/3, 2) = (9/4, 2, 13/6, 2)
     *   k_p,2 = (47/18, 29/12, 13/6)
     *   k_p,3 = ((9/4 + 2 + 13/6)/3, (9/4 + 13/6)/2, (13/6 + 2)/2)
     *         = (77/36, 53/24, 25/12)
     * iterations = 4 → orders 0..3: ECI from k_c,2, PCI from k_p,3.
     * ECI: mean 101/48, deviations (7, −5, 3, −5)/48, Σ d² = 108/48²,
     *   sample sd = √(36/48²) = 1/8 → (7/6, −5/6, 1/2, −5/6); its
     *   covariance with diversity (dev. 1/4, −3/4, 5/4, −3/4) is
     *   (7/4 + 15/4 + 15/4 + 15/4)/6 > 0: sign kept.
     * PCI: (154, 159, 150)/72, deviations (−1, 14, −13)/216, Σ d² = 366/216²,
     *   sd = √183/216 → (−1, 14, −13)/√183; the mean ECI of holders is
     *   (5/18, 5/6, −1/6), covariance (−5 + 210 + 39)/18 > 0: sign kept. */
    double eci[AR], pci[AC];
    run_reflections(A43, AR, AC, 4, eci, pci);
    ck_assert_rel(eci[0], 7.0 / 6.0);
    ck_assert_rel(eci[1], -5.0 / 6.0);
    ck_assert_rel(eci[2], 0.5);
    ck_assert_rel(eci[3], -5.0 / 6.0);
    ck_assert_rel(pci[0], -1.0 / sqrt(183.0));
    ck_assert_rel(pci[1], 14.0 / sqrt(183.0));
    ck_assert_rel(pci[2], -13.0 / sqrt(183.0));
}
END_TEST

START_TEST(reflections_hand_4x3_iter2)
{
    /* iterations = 2 → orders 0, 1: ECI from k_c,0 = diversity (2, 1, 3, 1),
     * PCI from k_p,1 = (2, 5/2, 2).
     * ECI: mean 7/4, deviations (1, −3, 5, −3)/4, Σ d² = 44/16, variance
     *   11/12 → (1, −3, 5, −3)/√(44/3).
     * PCI: mean 13/6, deviations (−1, 2, −1)/6, Σ d² = 1/6, variance 1/12
     *   → (−1, 2, −1)/√3; mean ECI of holders ∝ (1, 3, 1): sign kept. */
    double eci[AR], pci[AC];
    run_reflections(A43, AR, AC, 2, eci, pci);
    const double s = sqrt(44.0 / 3.0);
    ck_assert_rel(eci[0], 1.0 / s);
    ck_assert_rel(eci[1], -3.0 / s);
    ck_assert_rel(eci[2], 5.0 / s);
    ck_assert_rel(eci[3], -3.0 / s);
    ck_assert_rel(pci[0], -1.0 / sqrt(3.0));
    ck_assert_rel(pci[1], 2.0 / sqrt(3.0));
    ck_assert_rel(pci[2], -1.0 / sqrt(3.0));
}
END_TEST

START_TEST(reflections_hand_4x3_iter3)
{
    /* iterations = 3 → orders 0..2: ECI from k_c,2 (as with 4), PCI from
     * k_p,1 (as with 2) */
    double eci[AR], pci[AC];
    run_reflections(A43, AR, AC, 3, eci, pci);
    ck_assert_rel(eci[0], 7.0 / 6.0);
    ck_assert_rel(eci[1], -5.0 / 6.0);
    ck_assert_rel(eci[2], 0.5);
    ck_assert_rel(eci[3], -5.0 / 6.0);
    ck_assert_rel(pci[0], -1.0 / sqrt(3.0));
    ck_assert_rel(pci[1], 2.0 / sqrt(3.0));
    ck_assert_rel(pci[2], -1.0 / sqrt(3.0));
}
END_TEST

START_TEST(reflections_vs_loop_6x5)
{
    /* 20 iterations on the 6 × 5 matrix against the recursion written as
     * a loop over orders (ECI: order 18, PCI: order 19) */
    enum { IT = 20 };
    double kd[BR], ku[BC], kc[BR], kp[BC], nkc[BR], nkp[BC], x[BR], y[BC];
    degrees(B65, BR, BC, kd, ku);
    memcpy(kc, kd, sizeof kc);
    memcpy(kp, ku, sizeof kp);
    for (size_t n = 1; n < IT; n++) {
        for (size_t c = 0; c < BR; c++) {
            nkc[c] = 0.0;
            for (size_t p = 0; p < BC; p++)
                nkc[c] += B65[c * BC + p] * kp[p];
            nkc[c] /= kd[c];
        }
        for (size_t p = 0; p < BC; p++) {
            nkp[p] = 0.0;
            for (size_t c = 0; c < BR; c++)
                nkp[p] += B65[c * BC + p] * kc[c];
            nkp[p] /= ku[p];
        }
        memcpy(kc, nkc, sizeof kc);
        memcpy(kp, nkp, sizeof kp);
        if (n == IT - 2)
            memcpy(x, kc, sizeof x);
        if (n == IT - 1)
            memcpy(y, kp, sizeof y);
    }
    /* late orders of the recursion are nearly constant: standardising
     * amplifies rounding, hence the looser tolerance */
    zscore(x, BR);
    zscore(y, BC);
    double me[BC];
    if (corr_of(x, kd, BR) < 0.0)
        for (size_t c = 0; c < BR; c++)
            x[c] = -x[c];
    mean_eci_of_holders(B65, BR, BC, x, me);
    if (corr_of(y, me, BC) < 0.0)
        for (size_t p = 0; p < BC; p++)
            y[p] = -y[p];
    double eci[BR], pci[BC];
    run_reflections(B65, BR, BC, IT, eci, pci);
    for (size_t c = 0; c < BR; c++)
        ck_assert_close(eci[c], x[c], 1e-6);
    for (size_t p = 0; p < BC; p++)
        ck_assert_close(pci[p], y[p], 1e-6);
}
END_TEST

START_TEST(reflections_permutation_mean_sd)
{
    /* permuted rows and columns permute the outputs; mean 0, sd 1 */
    static const size_t pr[CR] = {3, 0, 4, 2, 1},
                        pc[CC] = {6, 2, 0, 5, 1, 3, 4};
    double mp[CR * CC];
    for (size_t i = 0; i < CR; i++)
        for (size_t j = 0; j < CC; j++)
            mp[i * CC + j] = C57[pr[i] * CC + pc[j]];
    double eci[CR], pci[CC], ecip[CR], pcip[CC];
    run_reflections(C57, CR, CC, 6, eci, pci);
    run_reflections(mp, CR, CC, 6, ecip, pcip);
    for (size_t i = 0; i < CR; i++)
        ck_assert_close(ecip[i], eci[pr[i]], 1e-10);
    for (size_t j = 0; j < CC; j++)
        ck_assert_close(pcip[j], pci[pc[j]], 1e-10);
    ck_assert_abs_tol(mean_of(eci, CR), 0.0, 1e-14);
    ck_assert_abs_tol(mean_of(pci, CC), 0.0, 1e-14);
    ck_assert_rel_tol(sd_of(eci, CR), 1.0, 1e-13);
    ck_assert_rel_tol(sd_of(pci, CC), 1.0, 1e-13);
}
END_TEST

/* ---- world trade through the public API --------------------------------- */

/* Published (datasets/world-trade/SOURCES.md; R package economiccomplexity,
 * eigenvalue method, sample sd), given to 7 or 8 decimals: compared to
 * 1e-6. */
#define WT_TOL 1e-6
#define WT_UNITS 226
#define WT_CLASSES 785
#define WT_ONES 31951

typedef struct {
    s3_ctx *ctx;
    s3_model *m;
    s3_dataset *d;
    s3_result *r;
    s3_status st;
    char msg[1024];
} analysis;

static analysis wt;          /* the world-trade table as shipped */
static char wt_path[4096];   /* its path */
static char wt_refdir[4096]; /* $S3_REFDIR */

/* Analyse a long table with the default model; never asserts (it runs in
 * an unchecked fixture), leaves the status and message in *a. */
static void
analyse_long(analysis *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->st = S3_EINTERNAL;
    if (!(a->ctx = s3_ctx_new())) {
        snprintf(a->msg, sizeof a->msg, "s3_ctx_new failed");
        return;
    }
    if ((a->st = s3_model_default(a->ctx, &a->m)) ||
        (a->st = s3_model_set_paths(a->ctx, a->m, NULL, wt_refdir)) ||
        (a->st = s3_dataset_load_long(a->ctx, path,
                                      &(s3_long_options){.unit_col = "country",
                                                         .class_col = "product",
                                                         .value_col = "value"},
                                      a->m, &a->d)) ||
        (a->st = s3_analyse(a->ctx, a->m, a->d, &a->r)))
        snprintf(a->msg, sizeof a->msg, "%s: %s", path, s3_ctx_message(a->ctx));
}

static void
analysis_free(analysis *a)
{
    s3_result_free(a->r);
    s3_dataset_free(a->d);
    s3_model_free(a->m);
    s3_ctx_free(a->ctx);
    memset(a, 0, sizeof *a);
}

/* Unchecked fixture: the world-trade table is analysed once, in the parent
 * process; the forked tests read the result. */
static void
wt_setup(void)
{
    const char *ref = getenv("S3_REFDIR");
    memset(&wt, 0, sizeof wt);
    wt.st = S3_EINTERNAL;
    if (!ref || !*ref) {
        snprintf(wt.msg, sizeof wt.msg, "S3_REFDIR is not set");
        return;
    }
    snprintf(wt_refdir, sizeof wt_refdir, "%s", ref);
    snprintf(wt_path, sizeof wt_path,
             "%s/../../datasets/world-trade/world_trade_avg_1998_to_2000.csv",
             ref);
    analyse_long(&wt, wt_path);
}

static void
wt_teardown(void)
{
    analysis_free(&wt);
}

/* A result table with its level and matrix columns. */
typedef struct {
    const s3_table *t;
    size_t level, matrix;
} rtable;

static size_t
col_of(const s3_table *t, const char *name)
{
    size_t c = s3_table_col(t, name);
    ck_assert_msg(c != (size_t)-1, "table %s has no column '%s'",
                  s3_table_name(t), name);
    return c;
}

static rtable
table_of(const analysis *a, const char *name)
{
    ck_assert_msg(a->st == S3_OK, "world-trade analysis failed: %s", a->msg);
    const s3_table *t = s3_result_table(a->r, name);
    ck_assert_msg(t != NULL, "no result table '%s'", name);
    return (rtable){t, col_of(t, "level"), col_of(t, "matrix")};
}

/* Is the row one of level "unit", matrix "input"? */
static int
unit_input(const rtable *t, size_t row)
{
    return strcmp(s3_table_text(t->t, row, t->level), "unit") == 0 &&
           strcmp(s3_table_text(t->t, row, t->matrix), "input") == 0;
}

/* The value of column `col` in the unit/input row whose `key` column is
 * `name` (asserts that there is exactly one). */
static double
lookup(const analysis *a, const char *table, const char *key, const char *name,
       const char *col)
{
    rtable t = table_of(a, table);
    size_t k = col_of(t.t, key), v = col_of(t.t, col), hit = (size_t)-1, n = 0;
    for (size_t i = 0; i < s3_table_rows(t.t); i++)
        if (unit_input(&t, i) && strcmp(s3_table_text(t.t, i, k), name) == 0)
            hit = i, n++;
    ck_assert_msg(n == 1, "%s '%s' appears %zu times in %s", key, name, n,
                  table);
    return s3_table_num(t.t, hit, v);
}

/* The unit/input rows of a table: names (borrowed) and one number column. */
typedef struct {
    size_t n;
    const char *name[WT_CLASSES];
    double v[WT_CLASSES];
} column;

static void
column_of(const analysis *a, const char *table, const char *key,
          const char *col, column *out)
{
    rtable t = table_of(a, table);
    size_t k = col_of(t.t, key), v = col_of(t.t, col), extra = 0;
    out->n = 0;
    for (size_t i = 0; i < s3_table_rows(t.t); i++) {
        if (!unit_input(&t, i))
            continue;
        if (out->n == WT_CLASSES) {
            extra++;
            continue;
        }
        out->name[out->n] = s3_table_text(t.t, i, k);
        out->v[out->n++] = s3_table_num(t.t, i, v);
    }
    ck_assert_msg(extra == 0, "table %s has more than %d unit/input rows",
                  table, WT_CLASSES);
}

static size_t
index_of(const column *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return i;
    return (size_t)-1;
}

/* index_of, trying `hint` first (rows come grouped). */
static size_t
index_near(const column *c, const char *name, size_t hint)
{
    if (hint < c->n && strcmp(c->name[hint], name) == 0)
        return hint;
    return index_of(c, name);
}

START_TEST(wt_tables_sizes)
{
    /* 226 countries and 785 products, all with at least one specialisation
     * (so all have an ECI or PCI); C(785, 2) = 307,720 proximity pairs;
     * 226 · 785 = 177,410 potentials rows */
    column u, c;
    column_of(&wt, "units", "unit", "eci", &u);
    column_of(&wt, "classes", "class", "pci", &c);
    ck_assert_uint_eq(u.n, WT_UNITS);
    ck_assert_uint_eq(c.n, WT_CLASSES);
    failures f = {0};
    for (size_t i = 0; i < u.n; i++)
        fail_if_(&f, !isfinite(u.v[i]), "eci of %s = %g", u.name[i], u.v[i]);
    for (size_t i = 0; i < c.n; i++)
        fail_if_(&f, !isfinite(c.v[i]), "pci of %s = %g", c.name[i], c.v[i]);
    ck_assert_no_failures(&f);
    ck_assert_uint_eq(s3_table_rows(table_of(&wt, "proximity").t),
                      (size_t)WT_CLASSES * (WT_CLASSES - 1) / 2);
    ck_assert_uint_eq(s3_table_rows(table_of(&wt, "potentials").t),
                      (size_t)WT_UNITS * WT_CLASSES);
}
END_TEST

START_TEST(wt_binary_ones_31951)
{
    /* published: the binary RCA matrix has 31,951 ones; and the ubiquities
     * of the classes table add up to the same */
    rtable t = table_of(&wt, "specialisation");
    size_t s = col_of(t.t, "specialised"), ones = 0, rows = 0;
    for (size_t i = 0; i < s3_table_rows(t.t); i++)
        if (unit_input(&t, i)) {
            rows++;
            ones += s3_table_num(t.t, i, s) == 1.0;
        }
    ck_assert_uint_eq(rows, (size_t)WT_UNITS * WT_CLASSES);
    ck_assert_uint_eq(ones, WT_ONES);
    column k;
    column_of(&wt, "classes", "class", "ubiquity", &k);
    double sum = 0.0;
    for (size_t i = 0; i < k.n; i++)
        sum += k.v[i];
    ck_assert_msg(sum == WT_ONES, "sum of ubiquities = %g", sum);
}
END_TEST

START_TEST(wt_proximity_0011_0012)
{
    /* published: φ(0011, 0012) = 0.3658537; and by the definition from the
     * specialisation table: countries specialised in both / max ubiquity */
    rtable p = table_of(&wt, "proximity");
    size_t ca = col_of(p.t, "class_a"), cb = col_of(p.t, "class_b"),
           cv = col_of(p.t, "proximity"), hit = (size_t)-1;
    for (size_t i = 0; i < s3_table_rows(p.t); i++)
        if (unit_input(&p, i) && !strcmp(s3_table_text(p.t, i, ca), "0011") &&
            !strcmp(s3_table_text(p.t, i, cb), "0012"))
            hit = i;
    ck_assert_msg(hit != (size_t)-1, "pair 0011, 0012 not in proximity");
    double phi = s3_table_num(p.t, hit, cv);
    ck_assert_abs_tol(phi, 0.3658537, WT_TOL);

    rtable s = table_of(&wt, "specialisation");
    size_t su = col_of(s.t, "unit"), sc = col_of(s.t, "class"),
           sv = col_of(s.t, "specialised");
    column u;
    column_of(&wt, "units", "unit", "eci", &u);
    int in11[WT_UNITS] = {0}, in12[WT_UNITS] = {0};
    for (size_t i = 0; i < s3_table_rows(s.t); i++) {
        if (!unit_input(&s, i) || s3_table_num(s.t, i, sv) != 1.0)
            continue;
        const char *cls = s3_table_text(s.t, i, sc);
        int a = !strcmp(cls, "0011"), b = !strcmp(cls, "0012");
        if (!a && !b)
            continue;
        size_t k = index_of(&u, s3_table_text(s.t, i, su));
        ck_assert_uint_ne(k, (size_t)-1);
        if (a)
            in11[k] = 1;
        else
            in12[k] = 1;
    }
    double both = 0.0, k11 = 0.0, k12 = 0.0;
    for (size_t k = 0; k < WT_UNITS; k++) {
        both += in11[k] && in12[k];
        k11 += in11[k];
        k12 += in12[k];
    }
    ck_assert_rel(phi, both / (k11 > k12 ? k11 : k12));
    ck_assert_rel(lookup(&wt, "classes", "class", "0011", "ubiquity"), k11);
    ck_assert_rel(lookup(&wt, "classes", "class", "0012", "ubiquity"), k12);
}
END_TEST

START_TEST(wt_eci_published)
{
    /* published: ECI afg = −0.5764283, ago = −1.7770752 */
    ck_assert_abs_tol(lookup(&wt, "units", "unit", "afg", "eci"), -0.5764283,
                      WT_TOL);
    ck_assert_abs_tol(lookup(&wt, "units", "unit", "ago", "eci"), -1.7770752,
                      WT_TOL);
}
END_TEST

START_TEST(wt_pci_published)
{
    /* published: PCI 0011 = −0.66657613 */
    ck_assert_abs_tol(lookup(&wt, "classes", "class", "0011", "pci"),
                      -0.66657613, WT_TOL);
}
END_TEST

START_TEST(wt_eci_reflections_published)
{
    /* published: ECI by reflections (20 iterations, the default model's)
     * afg = −0.5788151 */
    ck_assert_abs_tol(lookup(&wt, "units", "unit", "afg", "eci_reflections"),
                      -0.5788151, WT_TOL);
}
END_TEST

START_TEST(wt_eci_pci_mean0_sd1)
{
    /* eigenvector ECI and PCI: mean 0 and sample sd 1 to rounding.  The
     * reflections at orders 18/19 are nearly constant (k_c,18 varies by
     * about 5e-8 of its level), so standardising them loses about seven
     * digits: rounding the mean of the raw values by ε/2 shifts the
     * standardised ones by ε/2 · level/sd ≈ 2e-9 (seen: −2e-9 for
     * eci_reflections); 1e-7 leaves room for another summation order. */
    column c;
    static const char *const tab[4] = {"units", "units", "classes", "classes"};
    static const char *const key[4] = {"unit", "unit", "class", "class"};
    static const char *const col[4] = {"eci", "eci_reflections", "pci",
                                       "pci_reflections"};
    static const size_t n[4] = {WT_UNITS, WT_UNITS, WT_CLASSES, WT_CLASSES};
    static const double tol[4] = {1e-13, 1e-7, 1e-13, 1e-7};
    for (size_t k = 0; k < 4; k++) {
        column_of(&wt, tab[k], key[k], col[k], &c);
        ck_assert_uint_eq(c.n, n[k]);
        double mu = mean_of(c.v, c.n), sd = sd_of(c.v, c.n);
        ck_assert_msg(fabs(mu) <= tol[k] && fabs(sd - 1.0) <= 1e-12,
                      "%s: mean %.3g, sd − 1 = %.3g", col[k], mu, sd - 1.0);
    }
}
END_TEST

START_TEST(wt_eci_corr_diversity)
{
    column e, d;
    column_of(&wt, "units", "unit", "eci", &e);
    column_of(&wt, "units", "unit", "diversity", &d);
    double r = corr_of(e.v, d.v, e.n);
    ck_assert_msg(r > 0.0, "corr(eci, diversity) = %g", r);
}
END_TEST

START_TEST(wt_pci_corr_mean_eci)
{
    /* the mean ECI of the countries specialised in each product, from the
     * specialisation and units tables */
    column e, p;
    column_of(&wt, "units", "unit", "eci", &e);
    column_of(&wt, "classes", "class", "pci", &p);
    rtable s = table_of(&wt, "specialisation");
    size_t su = col_of(s.t, "unit"), sc = col_of(s.t, "class"),
           sv = col_of(s.t, "specialised");
    double sum[WT_CLASSES] = {0}, cnt[WT_CLASSES] = {0};
    size_t lu = 0, lc = 0;
    failures f = {0};
    for (size_t i = 0; i < s3_table_rows(s.t); i++) {
        if (!unit_input(&s, i) || s3_table_num(s.t, i, sv) != 1.0)
            continue;
        const char *un = s3_table_text(s.t, i, su),
                   *cn = s3_table_text(s.t, i, sc);
        lu = index_near(&e, un, lu);
        lc = index_near(&p, cn, lc + 1);
        fail_if_(&f, lu == (size_t)-1 || lc == (size_t)-1,
                 "row %zu: %s, %s not in units/classes", i, un, cn);
        if (lu == (size_t)-1 || lc == (size_t)-1) {
            lu = lc = 0;
            continue;
        }
        sum[lc] += e.v[lu];
        cnt[lc] += 1.0;
    }
    ck_assert_no_failures(&f);
    double me[WT_CLASSES];
    for (size_t j = 0; j < p.n; j++) {
        ck_assert_msg(cnt[j] > 0.0, "product %s has no exporter", p.name[j]);
        me[j] = sum[j] / cnt[j];
    }
    double r = corr_of(p.v, me, p.n);
    ck_assert_msg(r > 0.0, "corr(pci, mean eci of exporters) = %g", r);
}
END_TEST

START_TEST(wt_density_bounds)
{
    rtable t = table_of(&wt, "potentials");
    size_t dc = col_of(t.t, "density"), n = 0;
    failures f = {0};
    for (size_t i = 0; i < s3_table_rows(t.t); i++) {
        if (!unit_input(&t, i))
            continue;
        double d = s3_table_num(t.t, i, dc);
        fail_if_(&f, !(d >= 0.0 && d <= 1.0), "row %zu: density = %.17g", i, d);
        n++;
    }
    ck_assert_no_failures(&f);
    ck_assert_uint_eq(n, (size_t)WT_UNITS * WT_CLASSES);
}
END_TEST

/* One unit/input potentials row. */
typedef struct {
    size_t unit; /* index in the units column */
    int spec;    /* specialised */
    double density, pci, rank;
    const char *quadrant;
} pot_row;

/* All unit/input potentials rows with the unit index resolved; also the
 * rows grouped by unit: by_unit[first[u] .. first[u + 1]). */
typedef struct {
    size_t n;
    pot_row *r;
    size_t *by_unit, first[WT_UNITS + 1];
} pot_rows;

static void
pot_rows_of(const analysis *a, const column *units, pot_rows *p)
{
    rtable t = table_of(a, "potentials");
    size_t cu = col_of(t.t, "unit"), cs = col_of(t.t, "specialised"),
           cd = col_of(t.t, "density"), cp = col_of(t.t, "pci"),
           cq = col_of(t.t, "quadrant"), cr = col_of(t.t, "opportunity_rank");
    size_t rows = s3_table_rows(t.t);
    p->r = malloc((rows + 1) * sizeof *p->r);
    p->by_unit = malloc((rows + 1) * sizeof *p->by_unit);
    ck_assert(p->r && p->by_unit);
    size_t k = 0, last = 0, cnt[WT_UNITS + 1] = {0};
    failures f = {0};
    for (size_t i = 0; i < rows; i++) {
        if (!unit_input(&t, i))
            continue;
        const char *un = s3_table_text(t.t, i, cu);
        last = index_near(units, un, last);
        fail_if_(&f, last == (size_t)-1, "unit %s not in units", un);
        if (last == (size_t)-1) {
            last = 0;
            continue;
        }
        p->r[k++] = (pot_row){last,
                              s3_table_num(t.t, i, cs) == 1.0,
                              s3_table_num(t.t, i, cd),
                              s3_table_num(t.t, i, cp),
                              s3_table_num(t.t, i, cr),
                              s3_table_text(t.t, i, cq)};
        cnt[last + 1]++;
    }
    p->n = k;
    for (size_t u = 0; u < WT_UNITS; u++)
        cnt[u + 1] += cnt[u];
    memcpy(p->first, cnt, sizeof p->first);
    for (size_t i = 0; i < k; i++)
        p->by_unit[cnt[p->r[i].unit]++] = i;
    if (f.n) {
        free(p->r);
        free(p->by_unit);
    }
    ck_assert_no_failures(&f);
}

static void
pot_rows_free(pot_rows *p)
{
    free(p->r);
    free(p->by_unit);
}

START_TEST(wt_opportunity_rank)
{
    /* For each unit, the rows with specialised = 0 and a quadrant carry
     * opportunity_rank 1..k without gaps or repeats, in the documented
     * order: density descending, then PCI descending.  Rows without a
     * quadrant have no rank; specialised rows have neither.  Every class
     * has a density and a PCI here, so every 0 is an opportunity:
     * 177,410 − 31,951 = 145,459 of them. */
    column u;
    column_of(&wt, "units", "unit", "eci", &u);
    pot_rows p;
    pot_rows_of(&wt, &u, &p);
    failures f = {0};
    size_t total = 0;
    size_t at[WT_CLASSES];
    for (size_t c = 0; c < WT_UNITS; c++) {
        size_t k = 0;
        for (size_t i = 0; i < WT_CLASSES; i++)
            at[i] = (size_t)-1;
        for (size_t b = p.first[c]; b < p.first[c + 1]; b++) {
            const pot_row *r = &p.r[p.by_unit[b]];
            if (r->spec || !*r->quadrant) {
                fail_if_(&f, !isnan(r->rank),
                         "unit %s: rank %g without an opportunity", u.name[c],
                         r->rank);
                fail_if_(&f, r->spec && *r->quadrant,
                         "unit %s: specialised row in quadrant %s", u.name[c],
                         r->quadrant);
                continue;
            }
            k++;
            double q = r->rank;
            if (!(q >= 1.0 && q <= WT_CLASSES && q == floor(q))) {
                fail_if_(&f, 1, "unit %s: rank %g", u.name[c], q);
                continue;
            }
            fail_if_(&f, at[(size_t)q - 1] != (size_t)-1,
                     "unit %s: rank %g twice", u.name[c], q);
            at[(size_t)q - 1] = p.by_unit[b];
        }
        for (size_t j = 0; j < k; j++) {
            fail_if_(&f, at[j] == (size_t)-1,
                     "unit %s: rank %zu missing of 1..%zu", u.name[c], j + 1,
                     k);
            if (j == 0 || at[j] == (size_t)-1 || at[j - 1] == (size_t)-1)
                continue;
            const pot_row *a = &p.r[at[j - 1]], *b = &p.r[at[j]];
            fail_if_(&f,
                     !(a->density > b->density ||
                       (a->density == b->density && a->pci >= b->pci)),
                     "unit %s: rank %zu (density %.17g, pci %.17g) before "
                     "rank %zu (%.17g, %.17g)",
                     u.name[c], j, a->density, a->pci, j + 1, b->density,
                     b->pci);
        }
        total += k;
    }
    pot_rows_free(&p);
    ck_assert_no_failures(&f);
    ck_assert_uint_eq(total, (size_t)WT_UNITS * WT_CLASSES - WT_ONES);
}
END_TEST

static int
cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median (the mean of the two middle values for even n). */
static double
median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

START_TEST(wt_quadrants_median)
{
    /* table quadrants: the chosen split (median, used = yes) reports 0
     * labels changed and 145,459 opportunities; and each unit's labels
     * follow the documented rule: high = at or above the median of the
     * unit's opportunities, for density and for PCI */
    rtable q = table_of(&wt, "quadrants");
    size_t cs = col_of(q.t, "split"), cu = col_of(q.t, "used"),
           co = col_of(q.t, "opportunities"),
           cl = col_of(q.t, "labels_changed"), hit = (size_t)-1, used = 0;
    for (size_t i = 0; i < s3_table_rows(q.t); i++) {
        if (!unit_input(&q, i))
            continue;
        used += !strcmp(s3_table_text(q.t, i, cu), "yes");
        if (!strcmp(s3_table_text(q.t, i, cs), "median"))
            hit = i;
    }
    ck_assert_uint_eq(used, 1);
    ck_assert_msg(hit != (size_t)-1, "no median row in quadrants");
    ck_assert_str_eq(s3_table_text(q.t, hit, cu), "yes");
    ck_assert_msg(s3_table_num(q.t, hit, cl) == 0.0, "labels_changed = %g",
                  s3_table_num(q.t, hit, cl));
    ck_assert_msg(s3_table_num(q.t, hit, co) == WT_UNITS * WT_CLASSES - WT_ONES,
                  "opportunities = %g", s3_table_num(q.t, hit, co));

    column u;
    column_of(&wt, "units", "unit", "eci", &u);
    pot_rows p;
    pot_rows_of(&wt, &u, &p);
    /* the quadrant rule: density above 0 and at or above the median of
     * every opportunity's density in the network; PCI at least 0 */
    double *dv = malloc(WT_UNITS * WT_CLASSES * sizeof(double));
    ck_assert_ptr_nonnull(dv);
    size_t k = 0;
    for (size_t c = 0; c < WT_UNITS; c++)
        for (size_t b = p.first[c]; b < p.first[c + 1]; b++) {
            const pot_row *r = &p.r[p.by_unit[b]];
            if (*r->quadrant)
                dv[k++] = r->density;
        }
    ck_assert_uint_gt(k, 0);
    double md = median_of(dv, k);
    free(dv);
    failures f = {0};
    for (size_t c = 0; c < WT_UNITS; c++)
        for (size_t b = p.first[c]; b < p.first[c + 1]; b++) {
            const pot_row *r = &p.r[p.by_unit[b]];
            if (!*r->quadrant)
                continue;
            int hd = r->density > 1e-12 && r->density >= md - 1e-12,
                hc = r->pci >= -1e-12;
            const char *e =
                hd ? (hc ? "ideal" : "low_risk_low_gain")
                   : (hc ? "high_risk_high_gain" : "least_attractive");
            fail_if_(&f, strcmp(r->quadrant, e),
                     "unit %s: density %.17g (network median %.17g), pci "
                     "%.17g: quadrant %s, expected %s",
                     u.name[c], r->density, md, r->pci, r->quadrant, e);
        }
    pot_rows_free(&p);
    ck_assert_no_failures(&f);
}
END_TEST

/* Write the world-trade rows shuffled (a fixed-seed Fisher–Yates) and with
 * the first two columns swapped: "product","country","value".  Returns 0
 * on success. */
static int
write_shuffled(const char *src, const char *dst)
{
    FILE *in = fopen(src, "r");
    if (!in)
        return -1;
    size_t cap = (size_t)1 << 17, n = 0;
    char **line = malloc(cap * sizeof(char *)), buf[256];
    int rc = -1;
    if (!line || !fgets(buf, sizeof buf, in)) /* the header */
        goto out;
    while (fgets(buf, sizeof buf, in)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (!*buf)
            continue;
        char *c1 = strchr(buf, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2)
            goto out;
        *c1 = *c2 = '\0';
        /* product, country, value */
        size_t len = strlen(buf) + strlen(c1 + 1) + strlen(c2 + 1) + 3;
        char *s = malloc(len);
        if (!s)
            goto out;
        snprintf(s, len, "%s,%s,%s", c1 + 1, buf, c2 + 1);
        if (n == cap) {
            char **g = realloc(line, 2 * cap * sizeof(char *));
            if (!g) {
                free(s);
                goto out;
            }
            line = g, cap *= 2;
        }
        line[n++] = s;
    }
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t i = n; i > 1; i--) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        size_t j = (size_t)(x % i);
        char *t = line[i - 1];
        line[i - 1] = line[j];
        line[j] = t;
    }
    FILE *out = fopen(dst, "w");
    if (!out)
        goto out;
    fprintf(out, "\"product\",\"country\",\"value\"\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s\n", line[i]);
    rc = fclose(out) == 0 && n == 124336 ? 0 : -1;
out:
    for (size_t i = 0; i < n; i++)
        free(line[i]);
    free(line);
    fclose(in);
    return rc;
}

/* Every value of column `col` (keyed by `key`) the same in a and b, to
 * 1e-12·max(|v|, 1); differences are added to *f. */
static void
same_column(const analysis *a, const analysis *b, const char *table,
            const char *key, const char *col, failures *f)
{
    column x, y;
    column_of(a, table, key, col, &x);
    column_of(b, table, key, col, &y);
    fail_if_(f, x.n != y.n, "%s: %zu rows, %zu after shuffling", table, x.n,
             y.n);
    for (size_t i = 0; i < x.n; i++) {
        size_t j = index_near(&y, x.name[i], i);
        fail_if_(f, j == (size_t)-1, "%s %s missing after shuffling", key,
                 x.name[i]);
        if (j == (size_t)-1)
            continue;
        fail_if_(f, !(fabs(y.v[j] - x.v[i]) <= 1e-12 * fmax(fabs(x.v[i]), 1.0)),
                 "%s %s: %s %.17g shuffled, %.17g original", key, x.name[i],
                 col, y.v[j], x.v[i]);
    }
}

START_TEST(wt_permutation_invariance)
{
    /* the same table with its rows shuffled and the country and product
     * columns swapped gives the same ECI and PCI (both methods) */
    ck_assert_msg(wt.st == S3_OK, "world-trade analysis failed: %s", wt.msg);
    const char *tmpdir = getenv("TMPDIR");
    char dst[4096];
    snprintf(dst, sizeof dst, "%s/s3_wt_shuffledXXXXXX.csv",
             tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemps(dst, 4);
    ck_assert_msg(fd >= 0, "mkstemps(%s) failed", dst);
    close(fd);
    int w = write_shuffled(wt_path, dst);
    analysis sh = {0};
    if (w == 0)
        analyse_long(&sh, dst);
    remove(dst);
    ck_assert_msg(w == 0, "could not write the shuffled table %s", dst);
    char msg[sizeof sh.msg];
    snprintf(msg, sizeof msg, "%s", sh.msg);
    if (sh.st != S3_OK)
        analysis_free(&sh);
    ck_assert_msg(sh.r != NULL, "shuffled analysis failed: %s", msg);
    failures f = {0};
    same_column(&wt, &sh, "units", "unit", "eci", &f);
    same_column(&wt, &sh, "units", "unit", "eci_reflections", &f);
    same_column(&wt, &sh, "classes", "class", "pci", &f);
    same_column(&wt, &sh, "classes", "class", "pci_reflections", &f);
    analysis_free(&sh);
    ck_assert_no_failures(&f);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
complexity_suite(void)
{
    Suite *s = suite_create("complexity");
    TCase *tc;

    tc = tcase_create("proximity");
    tcase_add_test(tc, ones_index_hand_4x3);
    tcase_add_test(tc, ones_index_only_exact_ones);
    tcase_add_test(tc, proximity_hand_4x3);
    tcase_add_test(tc, proximity_diagonal_one_symmetric);
    tcase_add_test(tc, proximity_vs_definition_5x7);
    tcase_add_test(tc, proximity_vs_definition_multiword);
    tcase_add_test(tc, proximity_zero_ubiquity_nan);
    tcase_add_test(tc, unit_proximity_hand_4x3);
    tcase_add_test(tc, unit_proximity_is_proximity_of_transpose);
    tcase_add_test(tc, unit_proximity_empty_unit_nan);
    suite_add_tcase(s, tc);

    tc = tcase_create("cooccurrence");
    tcase_add_test(tc, cooc_association_hand);
    tcase_add_test(tc, cooc_probability_hand);
    tcase_add_test(tc, cooc_cosine_hand);
    tcase_add_test(tc, cooc_jaccard_hand);
    tcase_add_test(tc, cooc_isolated_class_nan);
    tcase_add_test(tc, cooc_symmetric_nonneg_5x5);
    suite_add_tcase(s, tc);

    tc = tcase_create("density");
    tcase_add_test(tc, density_hand_4x3);
    tcase_add_test(tc, density_bounds_and_full_unit);
    tcase_add_test(tc, density_zero_relatedness_nan);
    tcase_add_test(tc, density_full_unit_never_above_one);
    tcase_add_test(tc, outlook_hand_4x3);
    tcase_add_test(tc, outlook_vs_naive_5x4);
    suite_add_tcase(s, tc);

    tc = tcase_create("standardise");
    tcase_add_test(tc, standardise_hand);
    tcase_add_test(tc, standardise_mean0_sd1);
    tcase_add_test(tc, standardise_constant_nan);
    tcase_add_test(tc, standardise_short_nan);
    suite_add_tcase(s, tc);

    tc = tcase_create("eigen");
    tcase_add_test(tc, eigen_hand_2x3);
    tcase_add_test(tc, eigen_vs_gsl_6x5);
    tcase_add_test(tc, eigen_vs_gsl_5x7);
    tcase_add_test(tc, eigen_vs_gsl_6x6);
    tcase_add_test(tc, eigen_vs_gsl_transpose);
    tcase_add_test(tc, eigen_vs_gsl_random_40x60);
    tcase_add_test(tc, eigen_vs_gsl_random_90x35);
    tcase_add_test(tc, eigen_permutation);
    tcase_add_test(tc, eigen_mean0_sd1_signs);
    tcase_add_test(tc, eigen_disconnected_lambda2_one);
    tcase_add_test(tc, eigen_refuses_bad_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("reflections");
    tcase_add_test(tc, reflections_hand_4x3_iter4);
    tcase_add_test(tc, reflections_hand_4x3_iter2);
    tcase_add_test(tc, reflections_hand_4x3_iter3);
    tcase_add_test(tc, reflections_vs_loop_6x5);
    tcase_add_test(tc, reflections_permutation_mean_sd);
    suite_add_tcase(s, tc);

    /* analysed once in the parent (unchecked fixture); the shuffled copy
     * takes a second analysis, ~3× slower under the sanitizers */
    tc = tcase_create("worldtrade");
    tcase_add_unchecked_fixture(tc, wt_setup, wt_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, wt_tables_sizes);
    tcase_add_test(tc, wt_binary_ones_31951);
    tcase_add_test(tc, wt_proximity_0011_0012);
    tcase_add_test(tc, wt_eci_published);
    tcase_add_test(tc, wt_pci_published);
    tcase_add_test(tc, wt_eci_reflections_published);
    tcase_add_test(tc, wt_eci_pci_mean0_sd1);
    tcase_add_test(tc, wt_eci_corr_diversity);
    tcase_add_test(tc, wt_pci_corr_mean_eci);
    tcase_add_test(tc, wt_density_bounds);
    tcase_add_test(tc, wt_opportunity_rank);
    tcase_add_test(tc, wt_quadrants_median);
    tcase_add_test(tc, wt_permutation_invariance);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {complexity_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
