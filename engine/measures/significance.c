/*
 * significance.c — how sure a specialisation is: the over-representation
 * p-value of a cell, Benjamini–Hochberg q-values over many cells, and an
 * exact confidence interval of the RCA.
 *
 * A centre holds tens of tenants, so an RCA of 3 may rest on one firm.  A
 * cell's count x out of its unit's n records is read against the share p
 * the class has in the reference: the p-value is the binomial upper tail
 * P(X ≥ x), X ~ Bin(n, p), continued to fractional counts through the
 * regularised incomplete beta function; the interval is Garwood's (1936)
 * exact Poisson interval of the count, divided by the expected count n p.
 *
 * The tails are computed here, not by GSL's gsl_sf_beta_inc_e,
 * gsl_sf_gamma_inc_P_e and gsl_cdf_gamma_Pinv: those report underflow,
 * exhausted iterations and failed inversions through gsl_error, which
 * calls GSL's error handler (by default: abort) even from the _e variants,
 * and the library promises never to reach it.  Measured on GSL 2.7.1
 * against scipy: gsl_sf_beta_inc_e calls the handler for ordinary cells
 * such as x = 1 of n = 1000 at p = 0.9 (a term subtracted from 1
 * underflows; the result, 1, is right and the status says success) and
 * for every x = n cell at small p; its continued fraction stops after 512
 * terms, which n = 10^7 needs near the mean; and its error grows with n
 * (2.9e-10 relative at n = 10^5, 3e-8 at 10^7 with a status of success),
 * because its prefactor is exp(a log x + b log(1 − x) − log B(a, b)), a
 * difference of terms of size n log n.  So the same continued fractions
 * (modified Lentz method; Press et al., Numerical Recipes in C, 2nd ed.,
 * §5.2, §6.2, §6.4) are evaluated here, with their prefactors written as
 * binomial and Poisson densities in Loader's saddle-point form (C. Loader,
 * "Fast and accurate computation of binomial probabilities", 2000; as R's
 * dbinom and dpois), which keeps them near rounding for any n (the
 * accuracy measured is in s3_kernels.h).  From shape 1000 on, the gamma
 * tails near the mode are Temme's uniform expansion instead, whose cost
 * does not grow with the count (GSL's gsl_sf_gamma_inc_Q_e was measured
 * there: 3e-12 relative at a = 1000, 1e-7 at 1e5).  Likewise the p-value:
 * from shapes 1000 (or 8, when the other reaches 10^6) on, near the mean,
 * it is Temme's uniform expansion of I_x(a, b) (TOMS 708's BASYM), and
 * with one shape far larger than the other, the gamma limit; both cost
 * the same at any n, where the continued fraction needs O(√n) terms and
 * loses digits as n grows (at n = 1e300 it never ended).  Measured against
 * mpmath for shapes 2 to 10^12: 1e-11 relative for p-values above
 * 1e-100 (tests/unit/test_significance.c).  GSL is used only where it
 * has no error path: gsl_sf_lngamma_e at arguments ≥ 1 and the normal quantiles
 * (starting values of the gamma quantiles).
 *
 * Everything is pure: no allocation, no static state, no GSL error.
 */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "s3_kernels.h"

/* log √(2π) and log 2π */
#define LN_SQRT_2PI 0.918938533204672741780329736406
#define LN_2PI 1.83787706640934548356065947281
/* √(2π) and √π */
#define SQRT_2PI 2.50662827463100050241576528481
#define SQRT_PI 1.77245385090551602729816748334

/* Below this a Lentz denominator is replaced (Press et al. §5.2). */
#define LENTZ_TINY (DBL_MIN / DBL_EPSILON)

/* ---- saddle-point densities (Loader 2000) ------------------------------- */

/* stirlerr(k / 2) for k = 1 .. 30 (index 0 unused), to 20 digits
 * (mpmath at 50 digits), as the table of R's nmath/stirlerr.c: whole and
 * half counts, the common case, exact to the last place. */
static const double STIRLERR_HALVES[31] = {
    0.0,
    0.15342640972002734529,   /* 0.5 */
    0.08106146679532725822,   /* 1.0 */
    0.054814121051917653896,  /* 1.5 */
    0.041340695955409294094,  /* 2.0 */
    0.033162873519936287485,  /* 2.5 */
    0.027677925684998339149,  /* 3.0 */
    0.023746163656297495971,  /* 3.5 */
    0.020790672103765093112,  /* 4.0 */
    0.018488450532673185231,  /* 4.5 */
    0.016644691189821192163,  /* 5.0 */
    0.015134973221917378874,  /* 5.5 */
    0.013876128823070747999,  /* 6.0 */
    0.012810465242920226924,  /* 6.5 */
    0.011896709945891770095,  /* 7.0 */
    0.011104559758206917327,  /* 7.5 */
    0.010411265261972096497,  /* 8.0 */
    0.0097994161261588032984, /* 8.5 */
    0.0092554621827127329177, /* 9.0 */
    0.008768700134139385463,  /* 9.5 */
    0.0083305634333628712565, /* 10.0 */
    0.0079341145643140205472, /* 10.5 */
    0.007573675487951840795,  /* 11.0 */
    0.0072445543013203831795, /* 11.5 */
    0.0069428401072095298657, /* 12.0 */
    0.0066652470327076824424, /* 12.5 */
    0.0064089941880042070684, /* 13.0 */
    0.0061717122630394576475, /* 13.5 */
    0.0059513701127588477356, /* 14.0 */
    0.005746216513010115682,  /* 14.5 */
    0.005554733551962801371,  /* 15.0 */
};

/* The error of Stirling's formula, log Γ(n + 1) − (n + ½) log n + n −
 * log √(2π), for real n > 0: the table, log Γ for other n ≤ 15, else the
 * asymptotic series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) +
 * 1/(1188n⁹), cut where the next term is below 3e-16 of the value. */
static double
stirlerr(double n)
{
    const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260,
                 s3 = 1.0 / 1680, s4 = 1.0 / 1188;
    if (n <= 15.0) {
        double nn = n + n;
        if (nn == floor(nn))
            return STIRLERR_HALVES[(int)nn];
        /* n + 1 ≥ 1: GSL's Padé or Lanczos branch, which has no error */
        gsl_sf_result lg;
        gsl_sf_lngamma_e(n + 1.0, &lg);
        return lg.val - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
    }
    double nn = n * n;
    if (n > 500)
        return (s0 - s1 / nn) / n;
    if (n > 80)
        return (s0 - (s1 - s2 / nn) / nn) / n;
    if (n > 35)
        return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* The deviance term x log(x / m) + m − x (x > 0, m ≥ 0).  Near x = m the
 * plain form cancels; there it is the series 2x Σ_j v^(2j+1) / (2j + 1) −
 * (x − m) with v = (x − m) / (x + m), |v| < 0.1, whose terms fall a
 * hundredfold each. */
static double
bd0(double x, double m)
{
    if (fabs(x - m) < 0.1 * (x + m)) {
        double v = (x - m) / (x + m), s = (x - m) * v;
        if (fabs(s) < DBL_MIN)
            return s;
        double ej = 2.0 * x * v;
        v *= v;
        for (int j = 1; j < 1000; j++) {
            ej *= v;
            double s1 = s + ej / (2 * j + 1);
            if (s1 == s)
                return s1;
            s = s1;
        }
    }
    /* log of the ratio, unless the ratio overflows or underflows */
    double r = x / m;
    return x * (r > 0.0 && r < INFINITY ? log(r) : log(x) - log(m)) + m - x;
}

/* log of the binomial density continued to real 0 < x < n,
 *   Γ(n + 1) / (Γ(x + 1) Γ(n − x + 1)) p^x q^(n − x),  q = 1 − p. */
static double
log_dbinom(double x, double n, double p, double q)
{
    double lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) -
                bd0(n - x, n * q);
    /* log(2π x (n − x) / n), with n − x exact when x > n / 2 */
    double lf =
        LN_2PI + log(x) + (x <= 0.5 * n ? log1p(-x / n) : log((n - x) / n));
    return lc - 0.5 * lf;
}

/* log of the Poisson density continued to real a > 0 at mean t ≥ 0,
 *   e^(−t) t^a / Γ(a + 1);  sa = stirlerr(a). */
static double
log_dpois(double a, double t, double sa)
{
    return -sa - bd0(a, t) - 0.5 * (LN_2PI + log(a));
}

/* Terms a series or continued fraction may take before it is given up:
 * near the mode they need O(√size) (the mass within a few standard
 * deviations), about 9 √size for the gamma series at 1e-16. */
static double
max_terms(double size)
{
    return 64.0 + 32.0 * sqrt(size);
}

/* ---- the p-value ----------------------------------------------------------
 */

/* The continued fraction of the incomplete beta function (Abramowitz &
 * Stegun 26.5.8) by the modified Lentz method:
 *   I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · beta_cf(a, b, x, 1 − x),
 * quick for x < (a + 1) / (a + b + 2).  Its first denominator,
 * 1 − (a + b) x / (a + 1), nears 0 there (2 / (a + b + 2)); written as
 * ((a + 1) y − (b − 1) x) / (a + 1) with y = 1 − x given exactly, it keeps
 * its digits when b is small (x = n − 1 of n at p near 1: 5e-11 → 1e-15
 * at n = 10^7).  NaN if the fraction does not converge. */
static double
beta_cf(double a, double b, double x, double y)
{
    double c = 1.0, d = ((a + 1.0) * y - (b - 1.0) * x) / (a + 1.0);
    if (fabs(d) < LENTZ_TINY)
        d = LENTZ_TINY;
    d = 1.0 / d;
    /* the callers use it where it converges in O(√min(a, b)) terms (at
     * most √1000 / 4 or so near the mode, a few dozen beyond 0.03
     * min(a, b)); the cap bounds the loop at any shape */
    double h = d, limit = max_terms(fmin(fmax(a, b), 1e8));
    for (double m = 1.0; m <= limit; m += 1.0) {
        double m2 = 2.0 * m;
        /* even step */
        double aa = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
        d = 1.0 + aa * d;
        c = 1.0 + aa / c;
        d = 1.0 / (fabs(d) < LENTZ_TINY ? LENTZ_TINY : d);
        c = fabs(c) < LENTZ_TINY ? LENTZ_TINY : c;
        h *= d * c;
        /* odd step */
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
        d = 1.0 + aa * d;
        c = 1.0 + aa / c;
        d = 1.0 / (fabs(d) < LENTZ_TINY ? LENTZ_TINY : d);
        c = fabs(c) < LENTZ_TINY ? LENTZ_TINY : c;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 2.0 * DBL_EPSILON)
            return h;
    }
    return NAN;
}

/* from the interval's section below: the expansion and the gamma tails
 * serve the p-value too */
static double erfcx_large(double s);
static double gamma_tail(double a, double t, double sa, int upper, int method,
                         double *slope);

/* The uniform asymptotic expansion of I_x(a, b) for a, b both large
 * (Temme, "Incomplete Laplace integrals: uniform asymptotic expansion with
 * application to the incomplete beta function", SIAM J. Math. Anal. 18,
 * 1987, 1638; as BASYM of DiDonato & Morris, "Significant digit
 * computation of the incomplete beta function ratios", ACM TOMS 18, 1992,
 * 360, algorithm 708, and of R's toms708.c), for the lower tail:
 * λ = (a + b) y − b ≥ 0, i.e. x ≤ a / (a + b).  Its terms fall as powers
 * of 1 / √min(a, b) times powers of λ / min(a, b); at most 20 are taken.
 * The exponent f = a φ(−λ/a) + b φ(λ/b), φ(t) = t − log(1 + t), is
 * written as two deviances, bd0(a, (a + b) x) + bd0(b, (a + b) y), which
 * keep their digits from x and y given separately (λ itself would lose
 * ulp(a + b)).  Γ ratios enter as stirlerr (TOMS 708's bcorr).  Cost: a
 * few hundred flops at any a, b. */
enum { BASYM_TERMS = 20 };

/* x φ(d / x), φ(t) = t − log(1 + t): the deviance bd0(x, x + d) from the
 * difference d itself (TOMS 708's rlog1), which the caller has to full
 * precision; |t| < 0.1 by the series t² (1/2 − t/3 + t²/4 − …), whose
 * terms fall tenfold. */
static double
xphi(double x, double d)
{
    double t = d / x;
    if (fabs(t) >= 0.1)
        return x * (t - log1p(t));
    double s = 0.0, tk = 1.0;
    for (int k = 2; k < 40; k++) {
        double term = tk / k;
        s += (k & 1) ? -term : term;
        tk *= t;
        if (fabs(tk) < 1e-17 * fabs(s))
            break;
    }
    return d * t * s;
}

static double
beta_asym(double a, double b, double lambda)
{
    const double e0 = 1.12837916709551257390; /* 2 / √π */
    const double e1 = 0.35355339059327376220; /* 2^(−3/2) */
    double f = xphi(a, -lambda) + xphi(b, lambda);
    if (f > 800.0) /* e^(−f) underflows; the sum is below 1 */
        return 0.0;
    double z0 = sqrt(f), z = z0 / e1 * 0.5, z2 = f + f, h, r0, r1, w0;
    if (a < b) {
        h = a / b;
        r0 = 1.0 / (h + 1.0);
        r1 = (b - a) / b;
        w0 = 1.0 / sqrt(a * (h + 1.0));
    } else {
        h = b / a;
        r0 = 1.0 / (h + 1.0);
        r1 = (b - a) / a;
        w0 = 1.0 / sqrt(b * (h + 1.0));
    }
    double a0[BASYM_TERMS + 1], b0[BASYM_TERMS + 1], c[BASYM_TERMS + 1],
        d[BASYM_TERMS + 1];
    a0[0] = r1 * (2.0 / 3.0);
    c[0] = -0.5 * a0[0];
    d[0] = -c[0];
    /* j0 = ½ e^(z0²) erfc(z0) / e0 */
    double ex = f < 700.0 ? exp(f) * erfc(z0) : erfcx_large(z0);
    double j0 = 0.5 / e0 * ex, j1 = e1, sum = j0 + d[0] * w0 * j1;
    double s = 1.0, h2 = h * h, hn = 1.0, w = w0, znm1 = z, zn = z2;
    for (int n = 2; n <= BASYM_TERMS; n += 2) {
        hn *= h2;
        a0[n - 1] = 2.0 * r0 * (h * hn + 1.0) / (n + 2.0);
        s += hn;
        a0[n] = 2.0 * r1 * s / (n + 3.0);
        for (int i = n; i <= n + 1; i++) {
            double r = -0.5 * (i + 1.0);
            b0[0] = r * a0[0];
            for (int m = 2; m <= i; m++) {
                double bsum = 0.0;
                for (int j = 1; j < m; j++)
                    bsum += (j * r - (m - j)) * a0[j - 1] * b0[m - j - 1];
                b0[m - 1] = r * a0[m - 1] + bsum / m;
            }
            c[i - 1] = b0[i - 1] / (i + 1.0);
            double dsum = 0.0;
            for (int j = 1; j < i; j++)
                dsum += d[i - j - 1] * c[j - 1];
            d[i - 1] = -(dsum + c[i - 1]);
        }
        j0 = e1 * znm1 + (n - 1.0) * j0;
        j1 = e1 * zn + n * j1;
        znm1 *= z2;
        zn *= z2;
        w *= w0;
        double t0 = d[n - 1] * w * j0;
        w *= w0;
        double t1 = d[n] * w * j1;
        sum += t0 + t1;
        if (fabs(t0) + fabs(t1) <= 0.5 * DBL_EPSILON * sum)
            break;
    }
    double bc = stirlerr(a) + stirlerr(b) - stirlerr(a + b);
    return e0 * sum * exp(-f - bc);
}

/* Where the expansion serves: |λ| ≤ BASYM_MAX_LAMBDA min(a, b) (TOMS 708
 * takes 0.03 there, from min(a, b) > 100; measured here, its 20 terms
 * keep 1e-12 to λ = min(a, b) at shapes ≥ 30), from the smaller shape
 * BASYM_MIN_SHAPE on, or from 30 on when the larger shape reaches
 * CF_MAX_SHAPE.  Elsewhere the continued fraction, which converges in a
 * few dozen terms beyond 0.03 min(a, b) at any shape (measured: ≤ 60,
 * min(a, b) from 10^3 to 10^8) and near the mode needs about
 * √min(a, b) / 4 (54 at 10^3, 2282 at 10^8); it keeps 1e-13 up to a
 * larger shape of 10^6 but then loses digits, its terms differing from 1
 * by O(min / max) (6.5e-10 at a = 30, b = 10^8; 1e-6 at a = 10^12, b =
 * 10^3; at 1e300 it never converges).  Below these shapes (every Ruhr
 * cell) the fraction is used as before, to the same bits. */
#define BASYM_MIN_SHAPE 1000.0
#define BASYM_MIN_SHAPE_LARGE 8.0
#define BASYM_MAX_LAMBDA 0.7
#define CF_MAX_SHAPE 1e6

/* The gamma limit: with s the smaller shape and L the larger, I_x(s, L) →
 * P(s, u) as L → ∞, u = −(L + (s − 1)/2) log(1 − x) (the leading term of
 * TOMS 708's BGRAT, Temme's expansion in 1/T², T = L + (s − 1)/2).  Its
 * relative error, measured against mpmath, is about 0.04 s³ / L² (2.4e-17
 * at s = 2, L = 10^8; 1e-13 at s = 30; 4e-9 at s = 999); it is used from
 * L ≥ GAMMA_LIMIT_RATIO s^1.5 (and L ≥ CF_MAX_SHAPE) on, where that is
 * below 1.1e-11, and covers the small s the expansion does not. */
#define GAMMA_LIMIT_RATIO 4.5e5

/* I_x(a, b) through the gamma limit, a ≤ b; y = 1 − x exactly.  upper:
 * return 1 − I_x(a, b) instead. */
static double
beta_gamma_limit(double a, double b, double x, double y, int upper)
{
    double u = -(b + 0.5 * (a - 1.0)) * (x < 0.5 ? log1p(-x) : log(y));
    if (!(u < INFINITY))
        return upper ? 0.0 : 1.0;
    double slope;
    return exp(gamma_tail(a, u, stirlerr(a), upper, S3_GAMMA_AUTO, &slope));
}

double
s3_overrep_pvalue(double x, double n, double p)
{
    if (!(n > 0.0 && n < INFINITY) || !(p >= 0.0 && p <= 1.0) || !(x <= n))
        return NAN;
    if (x <= 0.0)
        return 1.0;
    if (p == 0.0)
        return 0.0;
    if (p == 1.0)
        return 1.0;
    if (x == n)
        return pow(p, n); /* I_p(n, 1) */
    /* P(X ≥ x) = I_p(a, b) with a = x, b = n − x + 1, whose prefactor
     * p^a q^b / (a B(a, b)) is q times the binomial density at x */
    double q = 1.0 - p, a = x, b = n - x + 1.0;
    double s = fmin(a, b), big = fmax(a, b);
    if (s >= BASYM_MIN_SHAPE ||
        (s >= BASYM_MIN_SHAPE_LARGE && big >= CF_MAX_SHAPE)) {
        /* λ = (a + b) q − b, from the deviation of the count x from
         * the mean (a + b) p */
        double ab = a + b, m = ab * p, lambda = (a - m) - fma(ab, p, -m);
        if (fabs(lambda) <= BASYM_MAX_LAMBDA * s)
            return lambda >= 0.0 ? beta_asym(a, b, lambda)
                                 : 1.0 - beta_asym(b, a, -lambda);
    }
    if (big >= CF_MAX_SHAPE && big >= GAMMA_LIMIT_RATIO * s * sqrt(s)) {
        /* I_p(a, b) = 1 − I_q(b, a) */
        return a <= b ? beta_gamma_limit(a, b, p, q, 0)
                      : beta_gamma_limit(b, a, q, p, 1);
    }
    double ld = log_dbinom(x, n, p, q);
    if (p < (a + 1.0) / (a + b + 2.0))
        return exp(ld + log(q * beta_cf(a, b, p, q)));
    /* I_p(a, b) = 1 − I_q(b, a): the continued fraction at 1 − p, with
     * the prefactor q^b p^a / (b B(a, b)) = (a / b) q · density */
    return 1.0 - exp(ld + log(q * (a / b) * beta_cf(b, a, q, p)));
}

size_t
s3_overrep_pvalues(const double *x, size_t nr, size_t nc, const double *rs,
                   const double *ref_share, int per_unit_ref, double *pval)
{
    size_t nnan = 0;
    for (size_t c = 0; c < nr; c++) {
        const double *r = per_unit_ref ? ref_share + c * nc : ref_share;
        for (size_t p = 0; p < nc; p++) {
            double v = s3_overrep_pvalue(x[c * nc + p], rs[c], r[p]);
            pval[c * nc + p] = v;
            nnan += isnan(v);
        }
    }
    return nnan;
}

/* ---- Benjamini–Hochberg ------------------------------------------------- */

/* The bits of v as an unsigned number in the order of the doubles: every
 * bit of a negative flipped, the sign bit of the rest (NaN left out). */
static uint64_t
order_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | (UINT64_C(1) << 63);
}

/* Sort idx[0..n) by key[idx] ascending, stably: an LSD radix sort on
 * order_key, a byte a pass (a pass whose byte every key shares is
 * skipped), the indices moving between idx and tmp (n doubles, which hold
 * them exactly: below 2^53).  Linear, and its passes stream through
 * memory, where a heapsort of 2 million indices waits on the cache. */
static void
radix_sort_index(size_t *idx, size_t n, const double *key, double *tmp)
{
    size_t count[8][256] = {{0}};
    for (size_t j = 0; j < n; j++) {
        uint64_t k = order_key(key[idx[j]]);
        for (int b = 0; b < 8; b++)
            count[b][(k >> (8 * b)) & 0xff]++;
    }
    int in_tmp = 0;
    for (int b = 0; b < 8; b++) {
        size_t *c = count[b], sum = 0;
        int shared = 0;
        for (int d = 0; d < 256; d++)
            shared |= c[d] == n;
        if (shared)
            continue;
        for (int d = 0; d < 256; d++) {
            size_t t = c[d];
            c[d] = sum;
            sum += t;
        }
        for (size_t j = 0; j < n; j++) {
            size_t i = in_tmp ? (size_t)tmp[j] : idx[j];
            size_t to = c[(order_key(key[i]) >> (8 * b)) & 0xff]++;
            if (in_tmp)
                idx[to] = i;
            else
                tmp[to] = (double)i;
        }
        in_tmp = !in_tmp;
    }
    if (in_tmp)
        for (size_t j = 0; j < n; j++)
            idx[j] = (size_t)tmp[j];
}

size_t
s3_bh_qvalues(const double *p, size_t n, double *q, size_t *iwork)
{
    /* A p-value of 1 or more (every empty cell's) has q = 1: all terms
     * p_(j) m / j from its rank on are at least 1.  Only the others, the
     * smallest, are sorted (ranks 1 .. ns), in index order first. */
    size_t m = 0, ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(p[i]))
            continue;
        m++;
        if (p[i] < 1.0)
            iwork[ns++] = i;
    }
    radix_sort_index(iwork, ns, p, q);
    /* from the largest p down, the running minimum of p m / rank, which
     * starts at 1 (the cap) */
    double run = 1.0;
    for (size_t j = ns; j-- > 0;) {
        size_t i = iwork[j];
        double v = p[i] * (double)m / (double)(j + 1);
        if (v < run)
            run = v;
        q[i] = run;
    }
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            q[i] = NAN;
        else if (p[i] >= 1.0)
            q[i] = 1.0;
    return m;
}

/* ---- the interval ---------------------------------------------------------
 */

/* From this shape on the tails are Temme's expansion (near the mode) or a
 * series or continued fraction far from it, whose terms then fall
 * geometrically: a cost that does not grow with a.  Below it the series
 * and fraction are used everywhere, as before (the same bits: no count
 * of the Ruhr cases reaches it).  Measured (bench/RESULTS.md): at a =
 * 1000 both are within 5e-14 of mpmath in P and Q down to 1e-17 (2e-15
 * near the mode), and the expansion takes 0.38 µs against 0.93; the
 * series needs 64 + 32 √a terms at most, 1076 here, which bounds every
 * evaluation at any shape. */
#define TEMME_MIN_SHAPE 1000.0

/* Temme's expansion serves |t / a − 1| ≤ this; beyond it the series (t <
 * 0.6 a: terms fall by 0.6 each) or the fraction (t > 1.4 a) converge in
 * a few dozen terms.  Boost.Math uses its double coefficients up to 0.4
 * at a > 20. */
#define TEMME_MAX_SIGMA 0.4

/* Temme's uniform expansion of the incomplete gamma functions (N. M.
 * Temme, "The asymptotic expansion of the incomplete gamma functions",
 * SIAM J. Math. Anal. 10, 1979, 757; DiDonato & Morris, ACM TOMS 12,
 * 1986, eq. 17–18):
 *   Q(a, t) = ½ erfc(√y) + R,  P(a, t) = ½ erfc(√y) − R  (t ≥ a, t < a)
 *   R = e^(−y) / √(2π a) Σ_k C_k(z) a^(−k),
 * with y = a (λ − 1 − log λ) = bd0(a, t), λ = t / a, z = ±√(2y / a) of
 * the sign of t − a.  The C_k as polynomials in z to double precision for
 * |λ − 1| ≤ 0.4 and a > 20 are Boost.Math's (igamma_large.hpp, 53-bit
 * set, J. Maddock 2006, computed by Temme's eq. 3.8 ff.; they agree with
 * DiDonato & Morris's).  Returns log Q for t ≥ a, log P below; *other
 * receives log of the complement. */
static const double TEMME_C0[] = {
    -0.33333333333333333,   0.083333333333333333,    -0.014814814814814815,
    0.0011574074074074074,  0.0003527336860670194,   -0.00017875514403292181,
    0.39192631785224378e-4, -0.21854485106799922e-5, -0.185406221071516e-5,
    0.8296711340953086e-6,  -0.17665952736826079e-6, 0.67078535434014986e-8,
    0.10261809784240308e-7, -0.43820360184533532e-8, 0.91476995822367902e-9,
};
static const double TEMME_C1[] = {
    -0.0018518518518518519,  -0.0034722222222222222, 0.0026455026455026455,
    -0.00099022633744855967, 0.00020576131687242798, -0.40187757201646091e-6,
    -0.18098550334489978e-4, 0.76491609160811101e-5, -0.16120900894563446e-5,
    0.46471278028074343e-8,  0.1378633446915721e-6,  -0.5752545603517705e-7,
    0.11951628599778147e-7,
};
static const double TEMME_C2[] = {
    0.0041335978835978836,   -0.0026813271604938272,  0.00077160493827160494,
    0.20093878600823045e-5,  -0.00010736653226365161, 0.52923448829120125e-4,
    -0.12760635188618728e-4, 0.34235787340961381e-7,  0.13721957309062933e-5,
    -0.6298992138380055e-6,  0.14280614206064242e-6,
};
static const double TEMME_C3[] = {
    0.00064943415637860082, 0.00022947209362139918,  -0.00046918949439525571,
    0.00026772063206283885, -0.75618016718839764e-4, -0.23965051138672967e-6,
    0.11082654115347302e-4, -0.56749528269915966e-5, 0.14230900732435884e-5,
};
static const double TEMME_C4[] = {
    -0.0008618882909167117,  0.00078403922172006663, -0.00029907248030319018,
    -0.14638452578843418e-5, 0.66414982154651222e-4, -0.39683650471794347e-4,
    0.11375726970678419e-4,
};
static const double TEMME_C5[] = {
    -0.00033679855336635815, -0.69728137583658578e-4, 0.00027727532449593921,
    -0.00019932570516188848, 0.67977804779372078e-4,  0.1419062920643967e-6,
    -0.13594048189768693e-4, 0.80184702563342015e-5,  -0.22914811765080952e-5,
};
static const double TEMME_C6[] = {
    0.00053130793646399222,  -0.00059216643735369388, 0.00027087820967180448,
    0.79023532326603279e-6,  -0.81539693675619688e-4, 0.56116827531062497e-4,
    -0.18329116582843376e-4,
};
static const double TEMME_C7[] = {
    0.00034436760689237767, 0.51717909082605922e-4,  -0.00033493161081142236,
    0.0002812695154763237,  -0.00010976582244684731,
};
static const double TEMME_C8[] = {
    -0.00065262391859530942,
    0.00083949872067208728,
    -0.00043829709854172101,
};

/* c[0] + c[1] z + … + c[n − 1] z^(n − 1) by Horner's rule */
static double
poly(const double *c, int n, double z)
{
    double s = c[n - 1];
    for (int i = n - 2; i >= 0; i--)
        s = s * z + c[i];
    return s;
}

#define POLY(c, z) poly(c, (int)(sizeof c / sizeof *c), z)

/* e^(s²) erfc(s) for s² ≥ 700 (s > 26.4), by its asymptotic series
 * 1 / (s √π) Σ_k (−1)^k (2k − 1)!! / (2 s²)^k (A&S 7.1.23), whose eighth
 * term is below 1e-17 there. */
static double
erfcx_large(double s)
{
    double r = 1.0 / (2.0 * s * s), term = 1.0, sum = 1.0;
    for (int k = 1; k <= 8; k++) {
        term *= -(2 * k - 1) * r;
        sum += term;
    }
    return sum / (s * SQRT_PI);
}

static double
temme_log_tail(double a, double t, double y, double *other)
{
    double z = sqrt(2.0 * y / a);
    if (t < a)
        z = -z;
    double ia = 1.0 / a;
    double c[10] = {POLY(TEMME_C0, z), POLY(TEMME_C1, z),
                    POLY(TEMME_C2, z), POLY(TEMME_C3, z),
                    POLY(TEMME_C4, z), POLY(TEMME_C5, z),
                    POLY(TEMME_C6, z), POLY(TEMME_C7, z),
                    POLY(TEMME_C8, z), -0.00059676129019274625};
    double sum = poly(c, 10, ia) / (SQRT_2PI * sqrt(a));
    if (t < a)
        sum = -sum;
    double lv;
    if (y < 700.0) /* neither e^(−y) nor erfc(√y) is subnormal */
        lv = log(0.5 * erfc(sqrt(y)) + exp(-y) * sum);
    else
        lv = -y + log(0.5 * erfcx_large(sqrt(y)) + sum);
    if (other)
        *other = log1p(-exp(lv));
    return lv;
}

/* log P(a, t) (upper = 0) or log Q(a, t) (upper = 1), the regularised
 * incomplete gamma functions (Abramowitz & Stegun 6.5.1), for a, t > 0;
 * *slope receives its derivative in log t.  sa = stirlerr(a).  With the
 * Poisson density d = e^(−t) t^a / Γ(a + 1):
 *   t < a + 1:  P = d Σ_k t^k / ((a + 1) … (a + k))      (A&S 6.5.29)
 *   otherwise:  Q = a d / (t + 1 − a − 1 (1 − a) / (t + 3 − a − …))
 *                                                         (A&S 6.5.31)
 * and the other one as the complement, which is then at least 0.13 for
 * the shapes used here (Q(a, a + 1) ≥ Q(1, 2) = e^-2 for a ≥ 1; P ≥ ½
 * beyond the mode).  From a = TEMME_MIN_SHAPE on, Temme's expansion
 * serves |t / a − 1| ≤ 0.4, where the series and the fraction would need
 * O(√a) terms (method S3_GAMMA_SERIES forces them, S3_GAMMA_TEMME the
 * expansion, for the tests).  NaN if the series or fraction does not
 * converge within its bound of terms. */
static double
gamma_tail(double a, double t, double sa, int upper, int method, double *slope)
{
    /* the forced series stops at 10^5 terms or so (a = 10^7) */
    int near = fabs(t - a) <= TEMME_MAX_SIGMA * a;
    if (method == S3_GAMMA_TEMME && !(a >= 20.0 && near))
        return NAN;
    if (method == S3_GAMMA_TEMME ||
        (method == S3_GAMMA_AUTO && a >= TEMME_MIN_SHAPE && near)) {
        /* the expansion gives the tail of t's side of a, lv; the other
         * one, lo, is its complement, computed only when it is asked */
        double y = bd0(a, t), lo = NAN,
               lv = temme_log_tail(a, t, y,
                                   (t < a) == (upper != 0) ? &lo : NULL);
        double lp = t < a ? lv : lo, lq = t < a ? lo : lv;
        double lf = upper ? lq : lp;
        /* the density log_dpois(a, t, sa), with its bd0 y */
        double ld = -sa - y - 0.5 * (LN_2PI + log(a));
        *slope = (upper ? -a : a) * exp(ld - lf);
        return lf;
    }
    double ld = log_dpois(a, t, sa),
           limit = max_terms(
               fmin(a, method == S3_GAMMA_SERIES ? 1e7 : TEMME_MIN_SHAPE));
    if (t < a + 1.0) {
        double sum = 1.0, term = 1.0;
        for (double k = 1.0;; k += 1.0) {
            term *= t / (a + k);
            sum += term;
            if (term <= 0.5 * DBL_EPSILON * sum)
                break;
            if (k > limit)
                return NAN;
        }
        double lp = ld + log(sum);
        if (!upper) {
            *slope = a / sum; /* t P'(t) / P = a d / (d Σ) */
            return lp;
        }
        double pv = exp(lp);
        *slope = -a * exp(ld) / (1.0 - pv);
        return log1p(-pv);
    }
    double bb = t + 1.0 - a, c = 1.0 / LENTZ_TINY, d = 1.0 / bb, h = d;
    for (double i = 1.0;; i += 1.0) {
        double an = -i * (i - a);
        bb += 2.0;
        d = an * d + bb;
        c = bb + an / c;
        d = 1.0 / (fabs(d) < LENTZ_TINY ? LENTZ_TINY : d);
        c = fabs(c) < LENTZ_TINY ? LENTZ_TINY : c;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) <= 2.0 * DBL_EPSILON)
            break;
        if (i > limit)
            return NAN;
    }
    double lq = log(a) + ld + log(h);
    if (upper) {
        *slope = -1.0 / h; /* t Q'(t) / Q = −a d / (a d h) */
        return lq;
    }
    double qv = exp(lq);
    *slope = a * exp(ld) / (1.0 - qv);
    return log1p(-qv);
}

/* The t > 0 with P(a, t) = tail (upper = 0) or Q(a, t) = tail (upper = 1),
 * 0 < tail ≤ ½, given as ltail = log tail: the gamma quantiles
 * G⁻¹(tail; a) and G⁻¹(1 − tail; a), the upper one without the rounding
 * of 1 − tail.  Newton's method on log F against log t, from the
 * Wilson–Hilferty (1931) approximation (or, in the lower tail of a small
 * shape, from P ≈ t^a / Γ(a + 1)), kept inside the bracket the iterates
 * have established (a geometric bisection when a step leaves it).  Newton
 * converges quadratically, so once a step is below 1e-9 (relative) the
 * point it leads to is exact to rounding.  A lower quantile below the
 * smallest normal double is returned as 0; NaN if the iteration fails.
 * z is the normal quantile of the tail (level_tail). */
static double
gamma_quantile(double a, double ltail, int upper, double z)
{
    double sa = stirlerr(a), t;
    double wh = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * sqrt(a));
    if (upper || (a >= 1.0 && wh > 0.0)) {
        t = a * wh * wh * wh;
    } else {
        gsl_sf_result lg; /* a + 1 > 1: no error path */
        gsl_sf_lngamma_e(a + 1.0, &lg);
        double lt = (ltail + lg.val) / a;
        if (lt < log(DBL_MIN))
            return 0.0;
        t = exp(lt);
    }
    double lo = 0.0, hi = INFINITY;
    for (int it = 0; it < 200; it++) {
        double slope = NAN,
               g = gamma_tail(a, t, sa, upper, S3_GAMMA_AUTO, &slope) - ltail;
        if (isnan(g))
            return NAN;
        if (upper) { /* make g increasing in t */
            g = -g;
            slope = -slope;
        }
        if (g == 0.0)
            return t;
        if (g < 0.0)
            lo = t;
        else
            hi = t;
        double du = -g / slope, next = t * exp(du);
        if (fabs(du) < 1e-9)
            return next;
        if (!(next > lo && next < hi)) {
            if (lo > 0.0 && hi < INFINITY)
                next = sqrt(lo) * sqrt(hi);
            else if (lo > 0.0)
                next = 16.0 * lo;
            else
                next = hi / 16.0;
        }
        t = next;
    }
    return NAN;
}

double
s3_gamma_log_tail(double a, double t, int upper, int method)
{
    if (!(a > 0.0 && a < INFINITY) || !(t > 0.0 && t < INFINITY) ||
        method < S3_GAMMA_AUTO || method > S3_GAMMA_TEMME)
        return NAN;
    double slope;
    return gamma_tail(a, t, stirlerr(a), upper != 0, method, &slope);
}

/* Whether (x, n, p, level) has an interval; *e receives n p. */
static int
interval_defined(double x, double n, double p, double level, double *e)
{
    if (!(n > 0.0 && n < INFINITY) || !(p > 0.0 && p <= 1.0) ||
        !(x >= 0.0 && x <= n) || !(level > 0.0 && level < 1.0))
        return 0;
    *e = n * p;
    return 1;
}

/* The log of each tail outside a confidence level, log(α/2), and its
 * normal quantiles z[0] = Φ⁻¹(α/2) and z[1] = Φ⁻¹(1 − α/2), which start
 * the gamma quantiles: the level's alone, the same for every cell. */
static double
level_tail(double level, double z[2])
{
    double ltail = log(0.5 * (1.0 - level));
    z[0] = gsl_cdf_ugaussian_Pinv(exp(ltail));
    z[1] = gsl_cdf_ugaussian_Qinv(exp(ltail));
    return ltail;
}

/* Garwood's limits of a count x ≥ 0, before the division by n p; ltail
 * and z from level_tail. */
static void
count_limits(double x, double ltail, const double z[2], double *lo, double *hi)
{
    if (x == 0.0) {
        *lo = 0.0;
        *hi = -ltail; /* Q(1, t) = e^(−t) */
        return;
    }
    *lo = gamma_quantile(x, ltail, 0, z[0]);
    *hi = gamma_quantile(x + 1.0, ltail, 1, z[1]);
}

void
s3_rca_interval(double x, double n, double p, double level, double *lo,
                double *hi)
{
    double e, z[2];
    *lo = *hi = NAN;
    if (!interval_defined(x, n, p, level, &e))
        return;
    double ltail = level_tail(level, z);
    count_limits(x, ltail, z, lo, hi);
    *lo /= e;
    *hi /= e;
}

/* The count's limits depend on x and the level only: whole counts below
 * COUNT_CACHE, most cells of a centre matrix, are solved once per call,
 * on the stack (the same numbers as cell by cell, 50 times faster). */
enum { COUNT_CACHE = 256 };

size_t
s3_rca_intervals(const double *x, size_t nr, size_t nc, const double *rs,
                 const double *ref_share, int per_unit_ref, double level,
                 double *lo, double *hi)
{
    double clo[COUNT_CACHE], chi[COUNT_CACHE];
    unsigned char known[COUNT_CACHE] = {0};
    size_t nnan = 0;
    double z[2] = {NAN, NAN}, ltail = NAN;
    if (level > 0.0 && level < 1.0)
        ltail = level_tail(level, z);
    for (size_t c = 0; c < nr; c++) {
        const double *r = per_unit_ref ? ref_share + c * nc : ref_share;
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            double e, v = x[i];
            if (!interval_defined(v, rs[c], r[p], level, &e)) {
                lo[i] = hi[i] = NAN;
                nnan++;
                continue;
            }
            if (v < COUNT_CACHE && v == floor(v)) {
                size_t k = (size_t)v;
                if (!known[k]) {
                    count_limits(v, ltail, z, &clo[k], &chi[k]);
                    known[k] = 1;
                }
                lo[i] = clo[k] / e;
                hi[i] = chi[k] / e;
            } else {
                count_limits(v, ltail, z, &lo[i], &hi[i]);
                lo[i] /= e;
                hi[i] /= e;
            }
            nnan += isnan(lo[i]) || isnan(hi[i]);
        }
    }
    return nnan;
}
