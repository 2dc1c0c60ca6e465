/*
 * test_significance.c — unit tests of the significance kernels
 * (include/s3_kernels.h, engine/measures/significance.c): the
 * over-representation p-value, Benjamini–Hochberg q-values, the exact
 * confidence interval of the RCA.
 *
 * Expected values come from four places: worked out by hand in the
 * comment next to them (fractions first); printed tables (Garwood
 * intervals); scipy, through tests/unit/significance_ref.py, which this
 * test runs (python3-scipy; the path is compiled in, S3_PYTHON names the
 * interpreter) and whose every value must match to 1e-10 relative; and,
 * beyond scipy's own accuracy (n = 10^7), exact binomial sums and gamma
 * quantiles from mpmath at 40 digits, kept here.  Invariants complete
 * them: tails that sum to the density, monotonicity, nesting of levels,
 * exact coverage, permutations, and GSL's error handler never called.
 *
 * Run with CK_VERBOSITY=verbose for one line per test.
 */
#include <check.h>
#include <float.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_util.h"
#include "s3_kernels.h"

#ifndef S3_SIGNIF_REF_PY
#error "S3_SIGNIF_REF_PY (the path of significance_ref.py) is set by meson"
#endif

/* scipy's values are compared at this relative tolerance */
#define SCIPY_TOL 1e-10

/* a equals b exactly, or both are NaN */
#define ck_assert_same(a, b)                                                   \
    do {                                                                       \
        const double a_ = (a), b_ = (b);                                       \
        ck_assert_msg(a_ == b_ || (isnan(a_) && isnan(b_)),                    \
                      "%s = %.17g, expected %s = %.17g (exactly)", #a, a_, #b, \
                      b_);                                                     \
    } while (0)

/* log C(n, k) p^k q^(n − k), the binomial density by its definition
 * (log Γ of numbers near n: an absolute error of about n ε) */
static double
log_binom_pmf(double k, double n, double p)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(p) +
           (n - k) * log1p(-p);
}

/* The same for whole n ≤ 50, to a few ε: C(n, k) is exact in a double
 * (each partial product is a whole number below 2^53). */
static double
binom_pmf_small(int k, int n, double p)
{
    double c = 1.0;
    for (int i = 0; i < k; i++)
        c = c * (n - i) / (i + 1);
    return c * pow(p, k) * pow(1.0 - p, n - k);
}

/* ---- p-values: by hand and by invariants ------------------------------- */

START_TEST(pvalue_hand_small)
{
    /* n = 3, p = 1/4: P(X = k) = 27/64, 27/64, 9/64, 1/64 */
    ck_assert_rel(s3_overrep_pvalue(1, 3, 0.25), 37.0 / 64);
    ck_assert_rel(s3_overrep_pvalue(2, 3, 0.25), 10.0 / 64);
    ck_assert_rel(s3_overrep_pvalue(3, 3, 0.25), 1.0 / 64);
    /* n = 5, p = 1/2: P(X ≥ 3) = (10 + 5 + 1)/32 = 1/2, P(X ≥ 4) = 6/32 */
    ck_assert_rel(s3_overrep_pvalue(3, 5, 0.5), 0.5);
    ck_assert_rel(s3_overrep_pvalue(4, 5, 0.5), 6.0 / 32);
    /* one firm of 12 tenants where the network has 2 % of the class:
     * 1 − 0.98^12 = 0.21528... */
    ck_assert_rel(s3_overrep_pvalue(1, 12, 0.02), 1 - pow(0.98, 12));
}
END_TEST

START_TEST(pvalue_edges)
{
    ck_assert_same(s3_overrep_pvalue(0, 7, 0.3), 1.0);  /* x ≤ 0 */
    ck_assert_same(s3_overrep_pvalue(-2, 7, 0.3), 1.0); /* x ≤ 0 */
    ck_assert_same(s3_overrep_pvalue(1, 7, 0.0), 0.0);  /* p = 0 */
    ck_assert_same(s3_overrep_pvalue(0, 7, 0.0), 1.0);  /* x ≤ 0 first */
    ck_assert_same(s3_overrep_pvalue(0.5, 7, 1.0), 1.0);
    ck_assert_same(s3_overrep_pvalue(7, 7, 1.0), 1.0);
    ck_assert_rel(s3_overrep_pvalue(7, 7, 0.3), pow(0.3, 7)); /* x = n */
    ck_assert_rel(s3_overrep_pvalue(7.25, 7.25, 0.3), pow(0.3, 7.25));
    ck_assert_nan(s3_overrep_pvalue(1, 0, 0.3)); /* empty unit */
    ck_assert_nan(s3_overrep_pvalue(0, 0, 0.3));
    ck_assert_nan(s3_overrep_pvalue(1, -3, 0.3));
    ck_assert_nan(s3_overrep_pvalue(1, INFINITY, 0.3));
    ck_assert_nan(s3_overrep_pvalue(8, 7, 0.3)); /* count above total */
    ck_assert_nan(s3_overrep_pvalue(1, 7, -0.1));
    ck_assert_nan(s3_overrep_pvalue(1, 7, 1.5));
    ck_assert_nan(s3_overrep_pvalue(NAN, 7, 0.3));
    ck_assert_nan(s3_overrep_pvalue(1, NAN, 0.3));
    ck_assert_nan(s3_overrep_pvalue(1, 7, NAN));
}
END_TEST

/* P(X ≥ x) − P(X ≥ x + 1) is the density at x, for every x of n = 40 and
 * of n = 1000 near the mean and in the tail */
START_TEST(pvalue_differences_are_density)
{
    const double ps[] = {0.0137, 0.2385, 0.5, 0.77};
    for (size_t i = 0; i < 4; i++) {
        double p = ps[i];
        for (double x = 0; x < 40; x++) {
            double d =
                s3_overrep_pvalue(x, 40, p) - s3_overrep_pvalue(x + 1, 40, p);
            double pmf = binom_pmf_small((int)x, 40, p);
            /* each tail is exp of a log, good to a few ε (1 + |ln P|)
             * (measured: 5.2 ε at most for n ≤ 40, against mpmath); the
             * difference of two loses more when the density is small
             * beside them */
            double big = s3_overrep_pvalue(x, 40, p),
                   small = s3_overrep_pvalue(x + 1, 40, p);
            double tol = 8 * DBL_EPSILON * big * (1 + fabs(log(big))) +
                         8 * DBL_EPSILON * small * (1 + fabs(log(small)));
            ck_assert_abs_tol(d, pmf, tol);
        }
    }
    for (double x = 180; x < 320; x += 7) {
        double d = s3_overrep_pvalue(x, 1000, 0.2) -
                   s3_overrep_pvalue(x + 1, 1000, 0.2);
        ck_assert_rel_tol(d, exp(log_binom_pmf(x, 1000, 0.2)), 1e-9);
    }
}
END_TEST

/* The continued tail falls with x, rises with p, and passes through the
 * whole-number values without a jump. */
START_TEST(pvalue_monotone_and_continuous)
{
    double prev = 1.0;
    for (double x = 0.05; x <= 7.25; x += 0.05) {
        double v = s3_overrep_pvalue(x, 7.25, 0.3);
        ck_assert_msg(v < prev, "not falling at x = %g: %g after %g", x, v,
                      prev);
        prev = v;
    }
    prev = 0.0;
    for (double p = 0.01; p < 1; p += 0.01) {
        double v = s3_overrep_pvalue(2.5, 7.25, p);
        ck_assert_msg(v > prev, "not rising at p = %g", p);
        prev = v;
    }
    for (double x = 1; x <= 6; x++) {
        double at = s3_overrep_pvalue(x, 7, 0.2385);
        ck_assert_rel_tol(s3_overrep_pvalue(x - 1e-9, 7, 0.2385), at, 1e-7);
        ck_assert_rel_tol(s3_overrep_pvalue(x + 1e-9, 7, 0.2385), at, 1e-7);
    }
}
END_TEST

/* n = 10^7, where scipy itself errs by up to 5e-10: exact binomial sums
 * from mpmath at 40 digits. */
START_TEST(pvalue_mpmath_large_n)
{
    ck_assert_rel_tol(s3_overrep_pvalue(10, 1e7, 1e-6), 0.54207034808320104351,
                      1e-13);
    ck_assert_rel_tol(s3_overrep_pvalue(12999, 1e7, 0.001),
                      5.2303172458161565136e-181, 1e-11);
    ck_assert_rel_tol(s3_overrep_pvalue(1028461, 1e7, 0.1),
                      2.0673892340167078441e-196, 1e-11);
    ck_assert_rel_tol(s3_overrep_pvalue(3004348, 1e7, 0.3),
                      0.0013512623232373119462, 1e-11);
    ck_assert_rel_tol(s3_overrep_pvalue(5047435, 1e7, 0.5),
                      4.8427800618210802215e-198, 1e-11);
}
END_TEST

/* The matrix form is the scalar one per cell, with the network's shares
 * or a row per unit; it counts its NaN values. */
START_TEST(pvalues_matrix)
{
    enum { R = 3, C = 4 };
    const double x[R * C] = {
        5, 1, 0,   0,   /* */
        2, 0, 3.5, 0.5, /* fractional */
        0, 0, 0,   0,   /* empty unit: NaN row */
    };
    double rs[R], cs[C], share[C], pv[R * C];
    s3_margins(x, R, C, rs, cs);
    double total = s3_sum(cs, C, 1);
    for (size_t p = 0; p < C; p++)
        share[p] = cs[p] / total;
    ck_assert_uint_eq(s3_overrep_pvalues(x, R, C, rs, share, 0, pv), C);
    for (size_t c = 0; c < R; c++)
        for (size_t p = 0; p < C; p++)
            ck_assert_same(pv[c * C + p],
                           s3_overrep_pvalue(x[c * C + p], rs[c], share[p]));
    /* a baseline row per unit; a share of 0 gives 0 where x > 0 */
    const double base[R * C] = {
        0.4,  0.3,  0.2,  0.1, /* */
        0.1,  0.2,  0.0,  0.7, /* */
        0.25, 0.25, 0.25, 0.25,
    };
    ck_assert_uint_eq(s3_overrep_pvalues(x, R, C, rs, base, 1, pv), C);
    for (size_t c = 0; c < R; c++)
        for (size_t p = 0; p < C; p++)
            ck_assert_same(pv[c * C + p], s3_overrep_pvalue(x[c * C + p], rs[c],
                                                            base[c * C + p]));
    ck_assert_same(pv[1 * C + 2], 0.0);
}
END_TEST

/* ---- Benjamini–Hochberg ------------------------------------------------ */

START_TEST(bh_hand)
{
    /* m = 5; p m / rank = 0.05, 0.03, 0.0667, 0.05125, 0.9; from the top,
     * the running minimum: 0.9, 0.05125, min(0.0667, 0.05125) = 0.05125
     * (the step-up), 0.03, min(0.05, 0.03) = 0.03 */
    const double p[5] = {0.01, 0.012, 0.04, 0.041, 0.9};
    const double want[5] = {0.03, 0.03, 0.05125, 0.05125, 0.9};
    double q[5];
    size_t iw[5];
    ck_assert_uint_eq(s3_bh_qvalues(p, 5, q, iw), 5);
    for (size_t i = 0; i < 5; i++)
        ck_assert_rel(q[i], want[i]);
}
END_TEST

START_TEST(bh_nan_ties_order)
{
    /* the same p-values shuffled, NaN among them; m = 6:
     * sorted 0.0, 0.02, 0.02, 0.02, 0.3, 1.0: p m / rank = 0, 0.06, 0.04,
     * 0.03, 0.36, 1.0; q = 0, 0.03, 0.03, 0.03, 0.36, 1.0 */
    const double p[9] = {0.3, NAN, 0.02, 0.02, 1.0, NAN, 0.02, 0.0, NAN};
    const double want[9] = {0.36, NAN, 0.03, 0.03, 1.0, NAN, 0.03, 0.0, NAN};
    double q[9];
    size_t iw[9];
    ck_assert_uint_eq(s3_bh_qvalues(p, 9, q, iw), 6);
    for (size_t i = 0; i < 9; i++) {
        if (isnan(want[i]))
            ck_assert_nan(q[i]);
        else if (want[i] == 0.0)
            ck_assert_same(q[i], 0.0);
        else
            ck_assert_rel(q[i], want[i]);
    }
    /* every rotation of the input gives the rotated output */
    for (size_t s = 1; s < 9; s++) {
        double pr[9], qr[9];
        for (size_t i = 0; i < 9; i++)
            pr[i] = p[(i + s) % 9];
        s3_bh_qvalues(pr, 9, qr, iw);
        for (size_t i = 0; i < 9; i++)
            ck_assert_same(qr[i], q[(i + s) % 9]);
    }
}
END_TEST

/* q rises with p and lies in [p, 1]; p is left as it was (q is the
 * sort's scratch); p-values of 1 or more get 1, negative ones sort first */
START_TEST(bh_monotone_p_unchanged)
{
    enum { N = 500 };
    double p[N], q[N], copy[N];
    size_t iw[N];
    unsigned long s = 2385;
    for (size_t i = 0; i < N; i++) {
        s = s * 6364136223846793005UL + 1442695040888963407UL;
        double u = (double)(s >> 11) / 9007199254740992.0;
        /* a coarse grid for ties, and every 13th NaN */
        p[i] = i % 13 == 5 ? NAN : round(u * u * 200) / 200;
    }
    p[7] = 1.5;    /* not a p-value, used as given: q = 1 */
    p[8] = -0.125; /* likewise: sorted first */
    memcpy(copy, p, sizeof p);
    size_t m = s3_bh_qvalues(p, N, q, iw);
    ck_assert(memcmp(copy, p, sizeof p) == 0);
    ck_assert_uint_eq(m, N - (N + 7) / 13);
    ck_assert_same(q[7], 1.0);
    ck_assert_rel(q[8], -0.125 * (double)m); /* rank 1: p m / 1 */
    for (size_t i = 0; i < N; i++) {
        if (isnan(p[i])) {
            ck_assert_nan(q[i]);
            continue;
        }
        ck_assert(q[i] <= 1.0);
        ck_assert(p[i] < 0.0 || q[i] >= fmin(p[i], 1.0));
        for (size_t j = 0; j < N; j++)
            if (!isnan(p[j]) && p[i] <= p[j])
                ck_assert_msg(q[i] <= q[j], "q not monotone at %zu, %zu", i, j);
    }
    /* the definition, without sorting: q_i = min(1, min over p_k ≥ p_i of
     * p_k m / r_k), r_k the number of p-values ≤ p_k */
    double r[N];
    for (size_t k = 0; k < N; k++) {
        r[k] = 0;
        for (size_t l = 0; l < N; l++)
            r[k] += !isnan(p[l]) && p[l] <= p[k];
    }
    for (size_t i = 0; i < N; i++) {
        if (isnan(p[i]))
            continue;
        double want = 1.0;
        for (size_t k = 0; k < N; k++)
            if (!isnan(p[k]) && p[k] >= p[i])
                want = fmin(want, p[k] * (double)m / r[k]);
        ck_assert_rel(q[i], want);
    }
}
END_TEST

START_TEST(bh_degenerate)
{
    double p[3] = {NAN, NAN, NAN}, q[3] = {1, 2, 3};
    size_t iw[3];
    ck_assert_uint_eq(s3_bh_qvalues(p, 0, q, iw), 0);
    ck_assert_same(q[0], 1.0); /* n = 0 writes nothing */
    ck_assert_uint_eq(s3_bh_qvalues(p, 3, q, iw), 0);
    for (size_t i = 0; i < 3; i++)
        ck_assert_nan(q[i]);
    p[1] = 0.042;
    ck_assert_uint_eq(s3_bh_qvalues(p, 3, q, iw), 1);
    ck_assert_same(q[1], 0.042);
}
END_TEST

/* ---- the interval ------------------------------------------------------ */

/* The exact 95 % limits of a Poisson count x = 0 .. 5, as printed in the
 * usual tables (to three decimals; 0.0253 and 0.2422 to four), here with
 * n p = 1 (n = 10, p = 0.1, whose product rounds to 1). */
START_TEST(interval_garwood_table)
{
    const double lo[6] = {0, 0.0253, 0.2422, 0.619, 1.090, 1.623};
    const double hi[6] = {3.689, 5.572, 7.225, 8.767, 10.242, 11.668};
    const double half[6] = {0, 5e-5, 5e-5, 5e-4, 5e-4, 5e-4};
    for (int x = 0; x <= 5; x++) {
        double l, h;
        s3_rca_interval(x, 10, 0.1, 0.95, &l, &h);
        ck_assert_abs_tol(l, lo[x], half[x]);
        ck_assert_abs_tol(h, hi[x], 5e-4);
    }
    /* x = 0: lower limit exactly 0, upper −log(α/2) = log 40 */
    double l, h;
    s3_rca_interval(0, 10, 0.1, 0.95, &l, &h);
    ck_assert_same(l, 0.0);
    ck_assert_rel(h, -log(0.5 * (1 - 0.95)));
}
END_TEST

/* Garwood's interval is exact, i.e. conservative: for every Poisson mean
 * μ, the probability that the interval of a count drawn from Poisson(μ)
 * holds μ is at least the level.  Computed exactly (the density by its
 * recurrence) for means from 0.05 to 27.5 at 90 % and 95 %. */
START_TEST(interval_exact_coverage)
{
    const double mus[] = {0.05, 0.3, 1.0, 2.385, 4.9, 10.0, 27.5};
    const double levels[] = {0.9, 0.95};
    for (size_t li = 0; li < 2; li++) {
        for (size_t mi = 0; mi < sizeof mus / sizeof *mus; mi++) {
            double mu = mus[mi], pmf = exp(-mu), cover = 0.0, mass = 0.0;
            for (double k = 0; k < mu + 12 * sqrt(mu) + 30; k++) {
                double l, h;
                /* n p = 1000 · 0.001 = 1 */
                s3_rca_interval(k, 1000, 0.001, levels[li], &l, &h);
                if (l <= mu && mu <= h)
                    cover += pmf;
                mass += pmf;
                pmf *= mu / (k + 1);
            }
            ck_assert_rel_tol(mass, 1.0, 1e-12);
            ck_assert_msg(cover >= levels[li],
                          "coverage %g below %g at mean %g", cover, levels[li],
                          mu);
        }
    }
}
END_TEST

/* lo ≤ RCA ≤ hi, for whole and fractional counts; the limits rise with
 * the count and the intervals nest as the level rises. */
START_TEST(interval_contains_nests_rises)
{
    const double levels[] = {0.5, 0.8, 0.9, 0.95, 0.99, 0.999};
    const double counts[] = {0,    0.01, 0.5, 1,    2.385, 3,
                             7.25, 13,   40,  1234, 1e5};
    for (size_t ci = 0; ci < sizeof counts / sizeof *counts; ci++) {
        double x = counts[ci], n = 2.385 * (x + 1), p = 0.0417;
        double rca = x / (n * p), plo = INFINITY, phi = -INFINITY;
        for (size_t li = 0; li < 6; li++) {
            double l, h;
            s3_rca_interval(x, n, p, levels[li], &l, &h);
            ck_assert_msg(l <= rca && rca <= h && l < h,
                          "x = %g level %g: %g, %g, %g", x, levels[li], l, rca,
                          h);
            ck_assert_msg(x == 0 ? l == 0 : l < plo,
                          "lower limit not falling with the level");
            ck_assert_msg(h > phi, "upper limit not rising with the level");
            plo = l;
            phi = h;
        }
    }
    double pl = -1, ph = 0;
    for (double x = 0; x <= 12; x += 0.125) {
        double l, h;
        s3_rca_interval(x, 20, 0.25, 0.95, &l, &h);
        ck_assert_msg(x == 0 ? l == 0 : l > pl, "lower limit at %g", x);
        ck_assert_msg(h > ph, "upper limit at %g", x);
        pl = l;
        ph = h;
    }
}
END_TEST

START_TEST(interval_edges)
{
    double l, h;
    s3_rca_interval(3, 40, 1.0, 0.95, &l, &h); /* p = 1 has an RCA */
    ck_assert(l < 3.0 / 40 && 3.0 / 40 < h);
    const double bad[][4] = {
        {1, 0, 0.3, 0.95},   {1, -1, 0.3, 0.95}, {1, INFINITY, 0.3, 0.95},
        {1, 7, 0.0, 0.95},   {1, 7, -0.2, 0.95}, {1, 7, 1.2, 0.95},
        {-1, 7, 0.3, 0.95},  {8, 7, 0.3, 0.95},  {1, 7, 0.3, 0.0},
        {1, 7, 0.3, 1.0},    {1, 7, 0.3, -0.5},  {NAN, 7, 0.3, 0.95},
        {1, NAN, 0.3, 0.95}, {1, 7, NAN, 0.95},  {1, 7, 0.3, NAN},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        l = h = 0.0;
        s3_rca_interval(bad[i][0], bad[i][1], bad[i][2], bad[i][3], &l, &h);
        ck_assert_nan(l);
        ck_assert_nan(h);
    }
    /* a tiny fractional count: the lower limit is below the smallest
     * double, so 0 */
    s3_rca_interval(1e-4, 10, 0.1, 0.95, &l, &h);
    ck_assert_same(l, 0.0);
    ck_assert(h > 3.6 && h < 3.7);
}
END_TEST

/* Beyond scipy's accuracy (its gamma quantile is off by 8e-7 here): the
 * limits of x = 10^6 at 95 % and of x = 10^7 at 1 − 10^-9, from mpmath
 * (series of P at 50 digits, root found by mpmath.findroot). */
START_TEST(interval_mpmath_large_count)
{
    double l, h, e = 1e8 * 0.1;
    s3_rca_interval(1e7, 1e8, 0.1, 0.999999999, &l, &h);
    ck_assert_rel_tol(l * e, 9980692.4552478113347, 1e-13);
    ck_assert_rel_tol(h * e, 10019332.762312482954, 1e-13);
    e = 1e7 * 0.1;
    s3_rca_interval(1e6, 1e7, 0.1, 0.95, &l, &h);
    ck_assert_rel_tol(l * e, 998040.98334029390338, 1e-13);
    ck_assert_rel_tol(h * e, 1001961.9119454321936, 1e-13);
}
END_TEST

/* The matrix form solves each whole count below its cache once: the
 * numbers must be those of the scalar form, exactly. */
START_TEST(intervals_matrix)
{
    enum { R = 3, C = 5 };
    const double x[R * C] = {
        0,    1,   2, 255, 256, /* */
        3,    0.5, 1, 1,   300, /* */
        7.25, 2,   0, 40,  12,  /* */
    };
    double rs[R], cs[C], share[C], lo[R * C], hi[R * C];
    s3_margins(x, R, C, rs, cs);
    double total = s3_sum(cs, C, 1);
    for (size_t p = 0; p < C; p++)
        share[p] = cs[p] / total;
    for (int rep = 0; rep < 2; rep++) {
        double level = rep ? 0.99 : 0.95;
        ck_assert_uint_eq(
            s3_rca_intervals(x, R, C, rs, share, 0, level, lo, hi), 0);
        for (size_t c = 0; c < R; c++)
            for (size_t p = 0; p < C; p++) {
                double l, h;
                s3_rca_interval(x[c * C + p], rs[c], share[p], level, &l, &h);
                ck_assert_same(lo[c * C + p], l);
                ck_assert_same(hi[c * C + p], h);
            }
    }
    /* a row per unit, with a zero share (no RCA: NaN) */
    double base[R * C];
    for (size_t i = 0; i < R * C; i++)
        base[i] = (double)(i % C + 1) / 15.0;
    base[2 * C + 1] = 0.0;
    ck_assert_uint_eq(s3_rca_intervals(x, R, C, rs, base, 1, 0.9, lo, hi), 1);
    ck_assert_nan(lo[2 * C + 1]);
    ck_assert_nan(hi[2 * C + 1]);
    double l, h;
    s3_rca_interval(x[C + 3], rs[1], base[C + 3], 0.9, &l, &h);
    ck_assert_same(lo[C + 3], l);
    ck_assert_same(hi[C + 3], h);
}
END_TEST

/* ---- the gamma tails at large shapes ------------------------------------ */

/* Temme's expansion against the A&S series and continued fraction where
 * both serve (a = 10^3 .. 10^6, t from a − 9 √a to a + 9 √a and out to
 * |t / a − 1| = 0.39): the same P and Q to 1e-13 relative (|Δ log| ≤
 * 1e-13) wherever they are above 1e-17, the smallest tail an interval
 * needs (α / 2 > 5.5e-17 for level < 1).  AUTO is the expansion there,
 * and is the series, bit for bit, below a = 1000. */
START_TEST(gamma_temme_matches_series)
{
    const double as[] = {1000, 2385, 1e4, 1e5, 1e6};
    const double small[] = {20, 385, 999.5};
    double worst = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < sizeof as / sizeof *as; i++) {
        double a = as[i];
        for (double k = -9.0; k <= 9.0; k += 0.25) {
            for (int s = 0; s < 2; s++) {
                double t = s ? a * (1.0 + 0.039 * k) : a + k * sqrt(a);
                for (int upper = 0; upper < 2; upper++) {
                    double ls = s3_gamma_log_tail(a, t, upper, S3_GAMMA_SERIES),
                           lt = s3_gamma_log_tail(a, t, upper, S3_GAMMA_TEMME),
                           la = s3_gamma_log_tail(a, t, upper, S3_GAMMA_AUTO);
                    ck_assert_msg(isfinite(ls) && isfinite(lt),
                                  "a = %g t = %.17g: %g %g", a, t, ls, lt);
                    ck_assert_same(la, lt);
                    if (ls < log(1e-17))
                        continue;
                    double d = fabs(ls - lt);
                    ck_assert_msg(d <= 1e-13,
                                  "a = %g t = %.17g upper %d: series %.17g, "
                                  "Temme %.17g",
                                  a, t, upper, ls, lt);
                    worst = fmax(worst, d);
                    n++;
                }
            }
        }
    }
    ck_assert_uint_ge(n, 1000);
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        for (double k = -5.0; k <= 5.0; k += 0.5) {
            double a = small[i], t = a + k * sqrt(a);
            for (int upper = 0; upper < 2; upper++)
                ck_assert_same(s3_gamma_log_tail(a, t, upper, S3_GAMMA_AUTO),
                               s3_gamma_log_tail(a, t, upper, S3_GAMMA_SERIES));
        }
    fprintf(stderr,
            "gamma tails: Temme vs series, %zu values: max |d log| %.2g\n", n,
            worst);
}
END_TEST

/* log P and log Q from mpmath (gammainc, 40 digits) at shapes where the
 * expansion serves, near the mode and in tails down to e^-40. */
START_TEST(gamma_tail_mpmath)
{
    const struct {
        double a, t;
        int upper;
        double want;
    } ref[] = {
        {3000, 2616.5942097463835, 0, -29.69232535661644209509599},
        {3000, 3000, 1, -0.6980147879504177629617936},
        {3000, 3492.9503017546494, 1, -39.67706227665758165977388},
        {1e5, 97786.40563788214, 0, -27.75155330336578037874427},
        {1e5, 100000, 0, -0.6923064898187248533382132},
        {1e5, 100000, 1, -0.6939885786567971653592891},
        {1e5, 100948.68329805051, 1, -6.580241852332461812983966},
    };
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
        double got =
            s3_gamma_log_tail(ref[i].a, ref[i].t, ref[i].upper, S3_GAMMA_AUTO);
        ck_assert_abs_tol(got, ref[i].want, 1e-13);
    }
    /* outside its domain the forced expansion is NaN, as are bad inputs */
    ck_assert_nan(s3_gamma_log_tail(10, 10, 0, S3_GAMMA_TEMME));
    ck_assert_nan(s3_gamma_log_tail(1e4, 5e3, 0, S3_GAMMA_TEMME));
    ck_assert_nan(s3_gamma_log_tail(1e12, 1e12, 0, S3_GAMMA_SERIES));
    ck_assert_nan(s3_gamma_log_tail(0, 1, 0, S3_GAMMA_AUTO));
    ck_assert_nan(s3_gamma_log_tail(1, INFINITY, 0, S3_GAMMA_AUTO));
    ck_assert_nan(s3_gamma_log_tail(1, 1, 0, 7));
}
END_TEST

/* Across the edges of the expansion (t = 0.6 a and 1.4 a, where the
 * series and fraction take over) log P rises and log Q falls with t, and
 * they do not jump: the neighbours of the edge differ by less than 1e-12
 * relative in the log. */
START_TEST(gamma_tail_edges_continuous)
{
    const double as[] = {1000, 3.5e4, 1e9, 1e25};
    for (size_t i = 0; i < sizeof as / sizeof *as; i++)
        for (int side = 0; side < 2; side++) {
            double a = as[i], edge = a * (side ? 1.4 : 0.6);
            for (int upper = 0; upper < 2; upper++) {
                double prev = NAN;
                for (int k = -4; k <= 4; k++) {
                    double t = edge * (1.0 + k * 4 * DBL_EPSILON);
                    double v = s3_gamma_log_tail(a, t, upper, S3_GAMMA_AUTO);
                    ck_assert_msg(isfinite(v), "a = %g t = %.17g", a, t);
                    if (k > -4) {
                        ck_assert_msg(upper ? v <= prev : v >= prev,
                                      "a = %g t = %.17g: not monotone", a, t);
                        ck_assert_msg(
                            fabs(v - prev) <= 1e-12 * fmax(1.0, fabs(v)),
                            "a = %g t = %.17g: jump %g", a, t, v - prev);
                    }
                    prev = v;
                }
            }
        }
}
END_TEST

/* The quantiles invert the tails: at the lower limit l of a count x,
 * P(x, l) = α/2 and at the upper h, Q(x + 1, h) = α/2, up to the
 * rounding of the limit and of the logs.  n p is a power of two, so the
 * division by it is exact. */
START_TEST(interval_quantile_round_trip)
{
    const double xs[] = {300.5, 999, 1000, 1234.5, 2.385e4,
                         1e6,   3e7, 1e9,  1e12,   1e15};
    const double levels[] = {1e-6, 0.5, 0.95, 0.999999999, 1 - 1e-15};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
        for (size_t j = 0; j < sizeof levels / sizeof *levels; j++) {
            double x = xs[i], n = ldexp(1.0, (int)ceil(log2(x)) + 1);
            double lt = log(0.5 * (1 - levels[j])), l, h;
            s3_rca_interval(x, n, 0.5, levels[j], &l, &h);
            l *= 0.5 * n;
            h *= 0.5 * n;
            /* 4 ulps of the limit, and the rounding of log P or log Q
             * themselves: a log(a / t) in the density is a difference of
             * terms near a, so the logs step by about a ε in the far
             * tails (2e-13 at a = 1000), below 2e-14 of |log(α/2)| */
            double r = 4 * DBL_EPSILON, tol = 2e-14 * fmax(1.0, fabs(lt));
            double p0 = s3_gamma_log_tail(x, l * (1 - r), 0, S3_GAMMA_AUTO),
                   p1 = s3_gamma_log_tail(x, l * (1 + r), 0, S3_GAMMA_AUTO),
                   q0 = s3_gamma_log_tail(x + 1, h * (1 - r), 1, S3_GAMMA_AUTO),
                   q1 = s3_gamma_log_tail(x + 1, h * (1 + r), 1, S3_GAMMA_AUTO);
            ck_assert_msg(p0 <= lt + tol && p1 >= lt - tol,
                          "lower limit of %g at %g: %.17g", x, levels[j], l);
            ck_assert_msg(q0 >= lt - tol && q1 <= lt + tol,
                          "upper limit of %g at %g: %.17g", x, levels[j], h);
        }
}
END_TEST

/* The limits rise with the count, across the shape where the expansion
 * takes over (the lower limit switches at x = 1000, the upper at 999) and
 * at large counts, where a step of 1 moves them by about 1. */
START_TEST(interval_monotone_in_count)
{
    const double from[] = {990, 1e6, 1e12};
    const double step[] = {0.125, 1, 1};
    for (size_t i = 0; i < sizeof from / sizeof *from; i++) {
        double pl = 0, ph = 0;
        for (int k = 0; k < 160; k++) {
            /* n p = 2^k · 2^-k = 1: the limits are the count's own */
            double x = from[i] + k * step[i], l, h;
            int e = (int)ceil(log2(x)) + 1;
            s3_rca_interval(x, ldexp(1.0, e), ldexp(1.0, -e), 0.95, &l, &h);
            ck_assert_msg(l < x && x < h, "x = %.17g: [%.17g, %.17g]", x, l, h);
            if (k > 0)
                ck_assert_msg(l > pl && h > ph,
                              "x = %.17g: [%.17g, %.17g] after [%.17g, %.17g]",
                              x, l, h, pl, ph);
            pl = l;
            ph = h;
        }
    }
}
END_TEST

/* A fuzzer's count near 10^25 made the interval take 10^14 series terms.
 * Now every count returns at once: a sensible interval (around the count,
 * of width about 2 · 1.96 √x where that is representable) or, for
 * counts whose width is below the rounding, the count itself. */
START_TEST(interval_huge_counts_return)
{
    const double xs[] = {1e13, 3.7e18, 1e25, 2.385e100, 1e300, DBL_MAX / 2};
    clock_t t0 = clock();
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double x = xs[i], l, h;
        s3_rca_interval(x, 2 * x, 0.5, 0.95, &l, &h);
        l *= x;
        h *= x;
        ck_assert_msg(l <= x && x <= h, "x = %g: [%.17g, %.17g]", x, l, h);
        double w = 1.96 * sqrt(x);
        if (w > 1e3 * DBL_EPSILON * x) {
            ck_assert_rel_tol(x - l, w, 1e-3);
            ck_assert_rel_tol(h - x, w, 1e-3);
        } else {
            ck_assert_rel_tol(l, x, 4 * DBL_EPSILON);
            ck_assert_rel_tol(h, x, 4 * DBL_EPSILON);
        }
        for (double lv = 1e-12; lv < 1; lv = 1 - (1 - lv) / 1e3) {
            s3_rca_interval(x, 2 * x, 0.5, lv, &l, &h);
            ck_assert(isfinite(l) && isfinite(h) && l <= h);
        }
        /* and the tails themselves, near and far from the mode */
        const double ts[] = {0.01, 0.5, 0.7, 1, 1.3, 2, 50};
        for (size_t j = 0; j < sizeof ts / sizeof *ts; j++)
            for (int upper = 0; upper < 2; upper++)
                ck_assert(!isnan(s3_gamma_log_tail(x, fmin(x * ts[j], DBL_MAX),
                                                   upper, S3_GAMMA_AUTO)));
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 0.5, "huge counts took %g s", secs);
}
END_TEST

/* ---- GSL's error handler ------------------------------------------------ */

static int handler_calls;

static void
counting_handler(const char *reason, const char *file, int line, int err)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)err;
    handler_calls++;
}

/* The inputs for which GSL's own gsl_sf_beta_inc_e calls its handler
 * (underflow of a term subtracted from 1, x = n at small p, more than 512
 * continued-fraction terms) and every edge: the kernels call it never. */
START_TEST(gsl_handler_never_called)
{
    gsl_set_error_handler(counting_handler);
    handler_calls = 0;
    double sink = 0.0, l, h;
    const double ns[] = {1, 3, 7.25, 40, 1000, 1e5, 1e7};
    const double ps[] = {0, 1e-300, 1e-30, 1e-6, 0.3, 0.9, 0.999999, 1};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
            double n = ns[i], p = ps[j];
            const double xs[] = {-1,      0,     1e-9,      0.5,   1,
                                 2,       n * p, n * p + 3, n / 2, n - 1,
                                 n - 0.5, n,     n + 1};
            for (size_t k = 0; k < sizeof xs / sizeof *xs; k++) {
                sink += s3_overrep_pvalue(xs[k], n, p);
                s3_rca_interval(xs[k], n, p, 0.95, &l, &h);
                sink += l + h;
                s3_rca_interval(xs[k], n, p, 1e-12, &l, &h);
                s3_rca_interval(xs[k], n, p, 1 - 1e-12, &l, &h);
                sink += l + h;
            }
        }
    gsl_set_error_handler_off();
    (void)sink;
    ck_assert_int_eq(handler_calls, 0);
}
END_TEST

/* ---- scipy --------------------------------------------------------------- */

/* Largest relative error seen, per kind. */
typedef struct {
    double p, lo, hi, q;
    size_t np, nci, nbh;
} errors;

static double
rel_err(double got, double want)
{
    if (isnan(want))
        return isnan(got) ? 0.0 : INFINITY;
    if (want == 0.0)
        return got == 0.0 ? 0.0 : INFINITY;
    return fabs(got - want) / fabs(want);
}

static void
check_line(char *line, errors *e)
{
    char *s = line, *end;
    double v[2048];
    size_t nv = 0;
    const char *kind = strtok_r(s, " \n", &end);
    if (!kind || kind[0] == '#')
        return;
    for (char *tok; (tok = strtok_r(NULL, " \n", &end)) && nv < 2048;)
        v[nv++] = strtod(tok, NULL);
    if (strcmp(kind, "p") == 0) {
        ck_assert_uint_eq(nv, 4);
        double got = s3_overrep_pvalue(v[0], v[1], v[2]), r;
        r = rel_err(got, v[3]);
        ck_assert_msg(r <= SCIPY_TOL,
                      "p-value x=%.17g n=%.17g p=%.17g: %.17g, scipy %.17g "
                      "(relative error %.3g)",
                      v[0], v[1], v[2], got, v[3], r);
        e->p = fmax(e->p, r);
        e->np++;
    } else if (strcmp(kind, "ci") == 0) {
        ck_assert_uint_eq(nv, 6);
        double lo, hi;
        s3_rca_interval(v[0], v[1], v[2], v[3], &lo, &hi);
        double rl = rel_err(lo, v[4]), rh = rel_err(hi, v[5]);
        ck_assert_msg(rl <= SCIPY_TOL && rh <= SCIPY_TOL,
                      "interval x=%.17g n=%.17g p=%.17g level=%.17g: [%.17g, "
                      "%.17g], scipy [%.17g, %.17g]",
                      v[0], v[1], v[2], v[3], lo, hi, v[4], v[5]);
        e->lo = fmax(e->lo, rl);
        e->hi = fmax(e->hi, rh);
        e->nci++;
    } else if (strcmp(kind, "bh") == 0) {
        size_t m = (size_t)v[0];
        ck_assert_uint_eq(nv, 1 + 2 * m);
        double q[1024];
        size_t iw[1024];
        ck_assert_uint_le(m, 1024);
        s3_bh_qvalues(v + 1, m, q, iw);
        for (size_t i = 0; i < m; i++) {
            double r = rel_err(q[i], v[1 + m + i]);
            ck_assert_msg(r <= SCIPY_TOL,
                          "q-value %zu of %zu: %.17g, want %.17g", i, m, q[i],
                          v[1 + m + i]);
            e->q = fmax(e->q, r);
        }
        e->nbh++;
    } else {
        ck_abort_msg("significance_ref.py: %s", line);
    }
}

/* Runs significance_ref.py with the first python3 that has scipy. */
START_TEST(scipy_reference)
{
    const char *cmd =
        "for py in \"${S3_PYTHON:-python3}\" /usr/bin/python3; do "
        "if \"$py\" -c 'import scipy' 2>/dev/null; then "
        "exec \"$py\" '" S3_SIGNIF_REF_PY "'; fi; done; "
        "echo 'error: no python3 with scipy (apt-get install python3-scipy)'";
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    static char line[1 << 16];
    errors e = {0};
    char first[256] = "";
    while (fgets(line, sizeof line, f)) {
        if (!first[0]) /* "# scipy 1.10.1, numpy 1.24.2" */
            snprintf(first, sizeof first, "%.200s", line + (line[0] == '#'));
        first[strcspn(first, "\n")] = '\0';
        ck_assert_msg(strncmp(line, "error:", 6) != 0, "%s", line);
        check_line(line, &e);
    }
    ck_assert_int_eq(pclose(f), 0);
    /* the script's cases, all of them */
    ck_assert_uint_ge(e.np, 1000);
    ck_assert_uint_ge(e.nci, 300);
    ck_assert_uint_ge(e.nbh, 7);
    fprintf(stderr,
            "significance vs%s: %zu p-values: max relative error %.2g; "
            "%zu intervals: %.2g (lower), %.2g (upper); %zu BH sets: %.2g\n",
            first, e.np, e.p, e.nci, e.lo, e.hi, e.nbh, e.q);
}
END_TEST

/* ---- the suite ----------------------------------------------------------- */

static Suite *
significance_suite(void)
{
    Suite *s = suite_create("significance");
    TCase *tc;

    tc = tcase_create("pvalue");
    tcase_add_test(tc, pvalue_hand_small);
    tcase_add_test(tc, pvalue_edges);
    tcase_add_test(tc, pvalue_differences_are_density);
    tcase_add_test(tc, pvalue_monotone_and_continuous);
    tcase_add_test(tc, pvalue_mpmath_large_n);
    tcase_add_test(tc, pvalues_matrix);
    suite_add_tcase(s, tc);

    tc = tcase_create("bh");
    tcase_add_test(tc, bh_hand);
    tcase_add_test(tc, bh_nan_ties_order);
    tcase_add_test(tc, bh_monotone_p_unchanged);
    tcase_add_test(tc, bh_degenerate);
    suite_add_tcase(s, tc);

    tc = tcase_create("interval");
    tcase_add_test(tc, interval_garwood_table);
    tcase_add_test(tc, interval_exact_coverage);
    tcase_add_test(tc, interval_contains_nests_rises);
    tcase_add_test(tc, interval_edges);
    tcase_add_test(tc, interval_mpmath_large_count);
    tcase_add_test(tc, intervals_matrix);
    suite_add_tcase(s, tc);

    tc = tcase_create("gamma");
    tcase_add_test(tc, gamma_temme_matches_series);
    tcase_add_test(tc, gamma_tail_mpmath);
    tcase_add_test(tc, gamma_tail_edges_continuous);
    tcase_add_test(tc, interval_quantile_round_trip);
    tcase_add_test(tc, interval_monotone_in_count);
    tcase_add_test(tc, interval_huge_counts_return);
    /* a hang is a failure: the forced series at a = 10^6 takes the most */
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);

    tc = tcase_create("robust");
    tcase_add_test(tc, gsl_handler_never_called);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("scipy");
    tcase_add_test(tc, scipy_reference);
    /* python and scipy start in a second or two; valgrind is slower */
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {significance_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
