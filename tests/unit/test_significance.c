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

/* Large shapes: I_p(a, b) with a = x, b = n − x + 1 from 2 to 10^12 each
 * (one of them at least 10^3, or the larger 10^6: where the expansion,
 * the gamma limit or the bounded fraction take over), the count at −3,
 * 0, 1, 3, 10 and 30 standard deviations from the mean.  References: the
 * density integrated by mpmath's quad at 45 digits around the point (a
 * and b ≥ 20; checked against mpmath.betainc where it converges, and
 * against an exact binomial sum at b = 1000, a = 10^9: 15 digits), else
 * mpmath.betainc.  Measured error of each in its comment: at most 1e-11
 * for p-values above 1e-100, 1.8e-10 below (the fraction far in the upper
 * tail of a ≫ b, p-values of 1e-256). */
static const double PV_LARGE[][4] = {
    {2, 1000001, 1.2684528682714388e-05,
     9.9995759919586928578e-1}, /* 8.2e-16 */
    {2, 1000001, 1.9999980000020001e-06,
     5.9399442096072843136e-1}, /* 4.1e-16 */
    {2, 1000001, 9.9999933333392598e-07,
     2.6424124028359917406e-1}, /* 1.6e-16 */
    {2, 1000000001, 1.2684658308669481e-08,
     9.9995760088273858886e-1}, /* 3.8e-17 */
    {2, 1000000001, 1.9999999979999998e-09,
     5.9399415056083244319e-1}, /* 7.9e-17 */
    {2, 1000000001, 9.9999999933333343e-10,
     2.6424111777974187402e-1}, /* 3.4e-16 */
    {2, 1000000000001, 1.2684658438296733e-11,
     9.9995760088442543655e-1}, /* 1.3e-17 */
    {2, 1000000000001, 1.9999999999979999e-12,
     5.9399415029043255778e-1}, /* 1.3e-17 */
    {2, 1000000000001, 9.9999999999933355e-13,
     2.6424111765723806307e-1}, /* 2.3e-16 */
    {10, 1000009, 2.4999507152026655e-05,
     9.9977851345493310209e-1}, /* 1.5e-15 */
    {10, 1000009, 9.9999100008099935e-06,
     5.4207091107624134224e-1}, /* 1.3e-14 */
    {10, 1000009, 7.2983805147521531e-06,
     2.0100905841833903128e-1}, /* 5.8e-14 */
    {10, 1000009, 3.999971071870049e-06,
     8.1322040515635753228e-3}, /* 1.4e-12 */
    {10, 1000000009, 2.4999999507142864e-08,
     9.9977852335184448048e-1},                                 /* 8.0e-18 */
    {10, 1000000009, 9.99999991e-09, 5.4207028615369786876e-1}, /* 1.3e-14 */
    {10, 1000000009, 7.2984378239165741e-09,
     2.0100882753518412003e-1}, /* 5.7e-14 */
    {10, 1000000009, 4.0000001854529771e-09,
     8.1322455947091274442e-3}, /* 1.4e-12 */
    {10, 1000000000009, 2.4999999999507143e-11,
     9.9977852336174130977e-1}, /* 2.4e-17 */
    {10, 1000000000009, 9.9999999999099999e-12,
     5.4207028552877332716e-1}, /* 1.3e-14 */
    {10, 1000000000009, 7.2984378812262084e-12,
     2.0100882730430023672e-1}, /* 5.8e-14 */
    {10, 1000000000009, 4.0000002145667855e-12,
     8.1322456362525247696e-3}, /* 1.4e-12 */
    {30, 1000029, 5.1534529008789056e-05,
     9.9954147648544004405e-1}, /* 1.7e-15 */
    {30, 1000029, 2.9999130025229267e-05,
     5.2428410339886625426e-1}, /* 1.4e-16 */
    {30, 1000029, 2.4999331836462604e-05,
     1.8210428753332265043e-1}, /* 2.5e-16 */
    {30, 1000029, 1.7462849090843158e-05,
     3.9590422204877948611e-3}, /* 2.4e-15 */
    {30, 1000000029, 5.1536722841283609e-08,
     9.9954150186178720194e-1}, /* 5.0e-17 */
    {30, 1000000029, 2.9999999130000023e-08,
     5.2428301498319779253e-1}, /* 1.1e-16 */
    {30, 1000000029, 2.4999999331818201e-08,
     1.8210391634901429043e-1}, /* 7.8e-16 */
    {30, 1000000029, 1.7463274536716488e-08,
     3.9591046554153431361e-3}, /* 2.6e-15 */
    {30, 1000000000029, 5.1536725035204704e-11,
     9.9954150188716359534e-1}, /* 2.4e-17 */
    {30, 1000000000029, 2.999999999913e-11,
     5.2428301389476956272e-1}, /* 9.3e-17 */
    {30, 1000000000029, 2.499999999933182e-11,
     1.8210391597782676376e-1}, /* 4.3e-16 */
    {30, 1000000000029, 1.7463274962173296e-11,
     3.9591047178516055197e-3},                                   /* 7.5e-16 */
    {1000, 1999, 0.53372313801519067, 9.9873341407994173752e-1},  /* 2.4e-17 */
    {1000, 1999, 0.5002501250625313, 5.0892322394864553238e-1},   /* 2.2e-16 */
    {1000, 1999, 0.48906966151074271, 1.6412773228016167042e-1},  /* 6.7e-16 */
    {1000, 1999, 0.46677486995293688, 1.4665545110871997758e-3},  /* 1.2e-15 */
    {1000, 1999, 0.39110328895582536, 3.1851611263110494233e-23}, /* 5.0e-15 */
    {1000, 1999, 0.22158145295767404, 1.024952002511929722e-163}, /* 1.3e-13 */
    {1000, 1000999, 0.0010983205441950992,
     9.98883778591546317e-1}, /* 5.1e-18 */
    {1000, 1000999, 0.00099900199700499203,
     5.0421154886493559991e-1}, /* 1.7e-16 */
    {1000, 1000999, 0.00096792114723089193,
     1.6252352753386188602e-1}, /* 8.7e-17 */
    {1000, 1000999, 0.00090865642302194601,
     1.6323716903536453816e-3}, /* 2.7e-17 */
    {1000, 1000999, 0.00072919845496006888,
     1.6590652019968142905e-21}, /* 1.3e-15 */
    {1000, 1000999, 0.00039966927964273346,
     8.4244488697047424512e-140}, /* 6.3e-14 */
    {1000, 1000000999, 1.0994738410591728e-06,
     9.9888400392447091437e-1}, /* 5.0e-17 */
    {1000, 1000000999, 9.9999900100099805e-07,
     5.0420525048751923141e-1}, /* 3.5e-16 */
    {1000, 1000000999, 9.6887231773534573e-07,
     1.6252157670913418478e-1}, /* 7.4e-17 */
    {1000, 1000000999, 9.0952413387086847e-07,
     1.6326367374983051714e-3}, /* 1.5e-15 */
    {1000, 1000000999, 7.298431422043883e-07,
     1.6683988245540191183e-21}, /* 2.6e-14 */
    {1000, 1000000999, 3.9999969043035655e-07,
     9.0971060600079001994e-140}, /* 8.6e-14 */
    {1000, 1000000000999, 1.0994749955540085e-09,
     9.9888400414993343872e-1}, /* 4.8e-17 */
    {1000, 1000000000999, 9.9999999900099997e-10,
     5.0420524418652247904e-1}, /* 3.6e-17 */
    {1000, 1000000000999, 9.6887326984519922e-10,
     1.6252157475779404917e-1}, /* 1.9e-16 */
    {1000, 1000000000999, 9.0952500242091934e-10,
     1.6326370027235612553e-3}, /* 2.0e-15 */
    {1000, 1000000000999, 7.2984378748243306e-10,
     1.6684081889898328846e-21}, /* 2.1e-14 */
    {1000, 1000000000999, 4.000000211285634e-10,
     9.0978052207640536982e-140}, /* 5.6e-14 */
    {1000000, 1000001, 0.99999900000099995,
     7.357588823245664075e-1}, /* 3.4e-17 */
    {1000000, 1000001, 0.99999738197169463,
     2.6392177620846426311e-1}, /* 2.0e-15 */
    {1000000, 1000001, 0.99998909178300111,
     2.1799295156060963669e-4}, /* 9.7e-12 */
    {1000000, 1000001, 0.99989802010581408,
     5.2624583103637713296e-43}, /* 3.4e-13 */
    {1000000, 1000009, 0.99999656227724032,
     9.9707385515165177235e-1}, /* 1.2e-14 */
    {1000000, 1000009, 0.99999100008099928,
     5.8740824433422747734e-1}, /* 2.0e-14 */
    {1000000, 1000009, 0.99998745875746353,
     1.9828342170732865576e-1}, /* 3.4e-14 */
    {1000000, 1000009, 0.9999764381544386,
     5.6370574167004472416e-4}, /* 4.6e-12 */
    {1000000, 1000009, 0.99988270333584439,
     1.4252312202499774851e-38}, /* 4.9e-13 */
    {1000000, 1000029, 0.99998327091987727,
     9.9782796416904789098e-1}, /* 4.8e-17 */
    {1000000, 1000029, 0.99997100084097557,
     5.4917088528365542762e-1}, /* 4.1e-16 */
    {1000000, 1000029, 0.99996509279805168,
     1.8099745738546220409e-1}, /* 2.3e-16 */
    {1000000, 1000029, 0.99994973162602585,
     8.1299576388562975732e-4}, /* 3.5e-15 */
    {1000000, 1000029, 0.99984753554784456,
     1.7251338335053258002e-34}, /* 3.7e-13 */
    {1000000, 1000999, 0.99909229529599464,
     9.9852916523302276916e-1}, /* 5.1e-17 */
    {1000000, 1000999, 0.99900199700499204,
     5.0841357498104432368e-1}, /* 2.4e-17 */
    {1000000, 1000999, 0.99896993492312414,
     1.6248442266199458338e-1}, /* 2.5e-17 */
    {1000000, 1000999, 0.99890272572281835,
     1.2378161052766633344e-3}, /* 1.4e-15 */
    {1000000, 1000999, 0.99863265852824479,
     4.8198522425598661171e-26}, /* 2.3e-14 */
    {1000000, 1000999, 0.99750659119170115,
     1.0100882535873431189e-255}, /* 4.4e-13 */
    {1000000, 1999999, 0.50106090804946568,
     9.9865321916689347246e-1}, /* 4.8e-17 */
    {1000000, 1999999, 0.50000025000012505,
     5.0028209487410347308e-1}, /* 1.3e-17 */
    {1000000, 1999999, 0.4996466966094068,
     1.5882641360709465075e-1}, /* 7.5e-18 */
    {1000000, 1999999, 0.49893959194853432,
     1.3530484691230312178e-3}, /* 2.1e-16 */
    {1000000, 1999999, 0.49646480358290901,
     7.6840495139367977644e-24}, /* 7.2e-15 */
    {1000000, 1999999, 0.48939603120026565,
     5.545880944545018357e-198}, /* 1.2e-14 */
    {1000000, 1000999999, 0.0010020009954892497,
     9.9865819496139930078e-1}, /* 8.2e-18 */
    {1000000, 1000999999, 0.0009990009999990019,
     5.001331801489006402e-1}, /* 3.1e-17 */
    {1000000, 1000999999, 0.00099800299650374649,
     1.5877634014326841782e-1}, /* 3.2e-16 */
    {1000000, 1000999999, 0.00099600997755361961,
     1.3580397352413134469e-3}, /* 4.5e-16 */
    {1000000, 1000999999, 0.00098906570756635394,
     9.0446963394590493239e-24}, /* 3.8e-15 */
    {1000000, 1000999999, 0.00096949124944033704,
     4.4530597263043469863e-196}, /* 1.8e-14 */
    {1000000, 1000000999999, 1.003003498863478e-06,
     9.9865820268460079554e-1}, /* 2.0e-17 */
    {1000000, 1000000999999, 9.9999900000199998e-07,
     5.0013298096033832222e-1}, /* 1.7e-17 */
    {1000000, 1000000999999, 9.9899950137549805e-07,
     1.5877627968591278199e-1}, /* 2.3e-16 */
    {1000000, 1000000999999, 9.9700350111352194e-07,
     1.3580474982400580077e-3}, /* 2.5e-15 */
    {1000000, 1000000999999, 9.9004888985381032e-07,
     9.0469082705596554294e-24}, /* 1.1e-14 */
    {1000000, 1000000999999, 9.7044566887002451e-07,
     4.4822421731562587034e-196}, /* 7.9e-14 */
    {1000000000, 1000000001, 0.99999999900000003,
     7.3575889237934635949e-1}, /* 4.0e-17 */
    {1000000000, 1000000001, 0.99999999738196599,
     2.6392158998555597106e-1}, /* 2.5e-16 */
    {1000000000, 1000000001, 0.99999998909167331,
     2.1798400511449889342e-4}, /* 2.6e-16 */
    {1000000000, 1000000001, 0.99999989800981537,
     5.2362356643511959633e-43}, /* 1.2e-14 */
    {1000000000, 1000000009, 0.99999999100000003,
     5.8740823794084136959e-1}, /* 2.0e-14 */
    {1000000000, 1000000009, 0.99999998745861884,
     1.9828314365116171809e-1}, /* 3.5e-14 */
    {1000000000, 1000000009, 0.99999997643769467,
     5.6367812942890929016e-4}, /* 3.8e-16 */
    {1000000000, 1000000009, 0.99999988269049389,
     1.4180831546033293293e-38}, /* 6.7e-15 */
    {1000000000, 1000000029, 0.99999998327051021,
     9.9782791299866619173e-1}, /* 5.9e-17 */
    {1000000000, 1000000029, 0.99999997100000082,
     5.4917088374362743212e-1}, /* 2.1e-16 */
    {1000000000, 1000000029, 0.99999996509167421,
     1.80997043744820224e-1}, /* 2.8e-16 */
    {1000000000, 1000000029, 0.99999994972949235,
     8.1294382582949888078e-4}, /* 3.7e-16 */
    {1000000000, 1000000029, 0.99999984751532811,
     1.7162009943455862961e-34}, /* 3.5e-14 */
    {1000000000, 1000000999, 0.99999909142847254,
     9.9852885096480495472e-1}, /* 2.9e-17 */
    {1000000000, 1000000999, 0.99999900100099803,
     5.0841357435442337065e-1}, /* 2.3e-17 */
    {1000000000, 1000000999, 0.99999896889013107,
     1.6248243128829953006e-1}, /* 2.2e-17 */
    {1000000000, 1000000999, 0.99999890157355054,
     1.2375017593489134947e-3}, /* 1.1e-15 */
    {1000000000, 1000000999, 0.99999863100166053,
     4.7683022109075392908e-26}, /* 4.9e-15 */
    {1000000000, 1000000999, 0.99999750143383159,
     6.2432944064870617335e-256}, /* 1.8e-10 */
    {1000000000, 1000999999, 0.99900399101995108,
     9.9864641429440853197e-1}, /* 5.2e-17 */
    {1000000000, 1000999999, 0.99900099999900205,
     5.0026596167260911654e-1}, /* 1.1e-16 */
    {1000000000, 1000999999, 0.99900000099900044,
     1.5877629987703799428e-1}, /* 8.3e-17 */
    {1000000000, 1000999999, 0.99899800000500805,
     1.3462192218177736067e-3}, /* 1.8e-15 */
    {1000000000, 1000999999, 0.99899096501106732,
     6.4846833440736637388e-24}, /* 2.5e-15 */
    {1000000000, 1000999999, 0.99897059295971546,
     5.5737401482174371759e-200}, /* 5.2e-14 */
    {1000000000, 1999999999, 0.50003354126959543,
     9.9865020105089987997e-1}, /* 2.5e-17 */
    {1000000000, 1999999999, 0.50000000025000002,
     5.0000892062131700085e-1}, /* 7.0e-17 */
    {1000000000, 1999999999, 0.49998881991011251,
     1.5866066462212011016e-1}, /* 1.6e-16 */
    {1000000000, 1999999999, 0.49996645923040461,
     1.3499971474053808847e-3}, /* 4.1e-16 */
    {1000000000, 1999999999, 0.49988819685389213,
     7.6215833052674645492e-24}, /* 8.2e-15 */
    {1000000000, 1999999999, 0.49966459012875836,
     4.9105073668248051017e-198}, /* 1.9e-14 */
    {1000000000, 1000999999999, 0.00099909572969360651,
     9.9865035863571840405e-1}, /* 2.1e-17 */
    {1000000000, 1000999999999, 0.0009990009990019969,
     5.0000421152475862787e-1}, /* 5.2e-17 */
    {1000000000, 1000999999999, 0.0009989694240988352,
     1.5865908177770508563e-1}, /* 7.1e-17 */
    {1000000000, 1000999999999, 0.00099890627728343247,
     1.3501547477077238294e-3}, /* 1.1e-16 */
    {1000000000, 1000999999999, 0.00099868529483172308,
     7.6612707972134532066e-24}, /* 9.2e-15 */
    {1000000000, 1000999999999, 0.00099805418549860905,
     5.6585540730397362482e-198}, /* 1.3e-13 */
    {1000000000000, 1000000000001, 0.99999999999900002,
     7.3576702046855216215e-1}, /* 2.7e-16 */
    {1000000000000, 1000000000001, 0.99999999999738198,
     2.6392485609676996304e-1}, /* 1.3e-17 */
    {1000000000000, 1000000000001, 0.99999999998909184,
     2.1801665297345036505e-4}, /* 7.3e-16 */
    {1000000000000, 1000000000001, 0.99999999989800992,
     5.2367896603931631554e-43}, /* 9.4e-15 */
    {1000000000000, 1000000000009, 0.99999999999099998,
     5.8740522064477111167e-1}, /* 2.0e-14 */
    {1000000000000, 1000000000009, 0.99999999998745859,
     1.9828079442598942667e-1}, /* 3.5e-14 */
    {1000000000000, 1000000000009, 0.99999999997643774,
     5.6369344772446617136e-4}, /* 1.2e-16 */
    {1000000000000, 1000000000009, 0.9999999998826905,
     1.4181068175199285533e-38}, /* 8.8e-15 */
    {1000000000000, 1000000000029, 0.99999999998327049,
     9.978278823618631721e-1}, /* 2.2e-17 */
    {1000000000000, 1000000000029, 0.99999999997099998,
     5.4916906774808820703e-1}, /* 1.1e-16 */
    {1000000000000, 1000000000029, 0.9999999999650917,
     1.8099827862192624972e-1}, /* 4.3e-16 */
    {1000000000000, 1000000000029, 0.99999999994972955,
     8.1296382679795976106e-4}, /* 1.1e-15 */
    {1000000000000, 1000000000029, 0.99999999984751542,
     1.7163474732507957807e-34}, /* 1.7e-14 */
    {1000000000000, 1000000000999, 0.99999999909142756,
     9.9852884347558395103e-1}, /* 4.6e-17 */
    {1000000000000, 1000000000999, 0.99999999900100001,
     5.0841363908399992026e-1}, /* 5.1e-17 */
    {1000000000000, 1000000000999, 0.99999999896888903,
     1.6248197545637124729e-1}, /* 1.7e-16 */
    {1000000000000, 1000000000999, 0.99999999890157243,
     1.2375053012642107676e-3}, /* 4.1e-16 */
    {1000000000000, 1000000000999, 0.99999999863099998,
     4.7682169201112414869e-26}, /* 6.3e-17 */
    {1000000000000, 1000000000999, 0.99999999750142876,
     6.2406509973821455713e-256}, /* 1.2e-14 */
    {1000000000000, 1000000999999, 0.99999900299749733,
     9.9864640410331303223e-1}, /* 3.6e-17 */
    {1000000000000, 1000000999999, 0.99999900000200004,
     5.0026597798518190927e-1}, /* 8.4e-19 */
    {1000000000000, 1000000999999, 0.9999989990015018,
     1.5877622118088860269e-1}, /* 1.9e-16 */
    {1000000000000, 1000000999999, 0.99999899699750261,
     1.346209150094705077e-3}, /* 2.8e-16 */
    {1000000000000, 1000000999999, 0.99999898995189518,
     6.4830347675751084046e-24}, /* 6.4e-15 */
    {1000000000000, 1000000999999, 0.99999896954868661,
     5.5351383460026801094e-200}, /* 7.2e-14 */
    {1000000000000, 1000999999999, 0.99900109372371548,
     9.9864998548427616558e-1}, /* 2.7e-17 */
    {1000000000000, 1000999999999, 0.99900099900199701,
     5.000084105730409712e-1}, /* 1.3e-16 */
    {1000000000000, 1000999999999, 0.99900096742609679,
     1.5865908122773046893e-1}, /* 7.4e-17 */
    {1000000000000, 1000999999999, 0.9990009042713055,
     1.3497815700712260907e-3}, /* 3.3e-16 */
    {1000000000000, 1000999999999, 0.9990006831981264,
     7.5810809204535197617e-24}, /* 1.4e-15 */
    {1000000000000, 1000999999999, 0.99900005129118963,
     4.2588158896798764677e-198}, /* 6.3e-14 */
    {1000000000000, 1999999999999, 0.50000106066042171,
     9.9865010510135097729e-1}, /* 1.6e-17 */
    {1000000000000, 1999999999999, 0.50000000000025002,
     5.0000028211987016508e-1}, /* 6.6e-17 */
    {1000000000000, 1999999999999, 0.49999964644685946,
     1.5865542506584350084e-1}, /* 2.6e-16 */
    {1000000000000, 1999999999999, 0.49999893934007822,
     1.3499011653946640994e-3}, /* 3.7e-16 */
    {1000000000000, 1999999999999, 0.49999646446634416,
     7.6199074438914453133e-24}, /* 2.3e-14 */
    {1000000000000, 1999999999999, 0.4999893933985346,
     4.9068186329113038371e-198}, /* 7.2e-15 */
};

START_TEST(pvalue_mpmath_large_shapes)
{
    for (size_t i = 0; i < sizeof PV_LARGE / sizeof *PV_LARGE; i++) {
        const double *r = PV_LARGE[i];
        double v = s3_overrep_pvalue(r[0], r[1], r[2]);
        ck_assert_msg(fabs(v / r[3] - 1) <= (r[3] > 1e-100 ? 1e-11 : 2e-10),
                      "I_%.17g(%.17g, n = %.17g) = %.17g, expected %.17g", r[2],
                      r[0], r[1], v, r[3]);
    }
}
END_TEST

/* Totals of any size return at once (a total of 1e300 made the
 * continued fraction loop for ever: its counter stops at 2^53), inside
 * [0, 1] and falling in the count, near the mean and far from it. */
START_TEST(pvalue_huge_totals_return)
{
    const double ns[] = {1e12, 1e15, 1e25, 1e300, DBL_MAX / 2};
    const double ps[] = {1e-300, 1e-20, 1e-9, 1e-3, 0.5, 1 - 1e-9};
    const double ks[] = {-1e3, -30, -3, -1, -0.3, 0, 0.3, 1, 3, 30, 1e3};
    clock_t t0 = clock();
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (size_t j = 0; j < sizeof ps / sizeof *ps; j++) {
            double n = ns[i], p = ps[j], mean = n * p,
                   sd = sqrt(mean * (1 - p));
            /* counts in order: small, around the mean, near n */
            double xs[64];
            size_t m = 0;
            for (double x = 1; x < 1e4; x *= 3)
                xs[m++] = x;
            for (size_t k = 0; k < sizeof ks / sizeof *ks; k++) {
                double x = mean + ks[k] * fmax(sd, 1.0);
                if (x > xs[m - 1] && x < n - 1e4)
                    xs[m++] = x;
            }
            for (double d = 1e4; d >= 1; d /= 3)
                if (n - d > xs[m - 1])
                    xs[m++] = n - d;
            double prev = 1.0;
            for (size_t k = 0; k < m; k++) {
                double v = s3_overrep_pvalue(xs[k], n, p);
                ck_assert_msg(
                    v >= 0 && v <= 1 && v <= prev * (1 + 1e-9),
                    "P(X >= %.17g), n = %g, p = %g: %.17g after %.17g", xs[k],
                    n, p, v, prev);
                prev = v;
            }
        }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 0.5, "huge totals took %g s", secs);
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
    tcase_add_test(tc, pvalue_mpmath_large_shapes);
    tcase_add_test(tc, pvalue_huge_totals_return);
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
