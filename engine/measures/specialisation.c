/*
 * specialisation.c — the specialisation kernels: margins, shares, RCA and
 * its symmetric and binary forms, diversity and ubiquity, the per-unit
 * profile measures (Krugman, Herfindahl, entropy, related and unrelated
 * variety) and the per-class locational Gini.
 *
 * All kernels are pure (see s3_kernels.h).  Sums are Neumaier-compensated:
 * at European scale a row holds thousands of values of very different size,
 * and a plain sum loses the small ones.
 */
#include <math.h>

#include "s3_kernels.h"

/* Neumaier's variant of Kahan summation: also correct when the next term is
 * larger than the running sum. */
double
s3_sum(const double *v, size_t n, size_t stride)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        double t = s + x;
        if (fabs(s) >= fabs(x))
            c += (s - t) + x;
        else
            c += (x - t) + s;
        s = t;
    }
    return s + c;
}

/* Row and column sums, each compensated.  Columns are accumulated row by
 * row over blocks of columns, with one Neumaier term per column kept on
 * the stack: contiguous, and written so that the compiler vectorises it. */
enum { COLBLOCK = 256 };

void
s3_margins(const double *x, size_t nr, size_t nc, double *rs, double *cs)
{
    for (size_t c = 0; c < nr; c++)
        rs[c] = s3_sum(x + c * nc, nc, 1);
    s3_col_sums(x, nr, nc, cs);
}

void
s3_col_sums(const double *x, size_t nr, size_t nc, double *cs)
{
    for (size_t p0 = 0; p0 < nc; p0 += COLBLOCK) {
        size_t bw = nc - p0 < COLBLOCK ? nc - p0 : COLBLOCK;
        double s[COLBLOCK] = {0}, comp[COLBLOCK] = {0};
        for (size_t c = 0; c < nr; c++) {
            const double *row = x + c * nc + p0;
            for (size_t j = 0; j < bw; j++) {
                double v = row[j], t = s[j] + v;
                double big = fabs(s[j]) >= fabs(v) ? s[j] : v;
                double small = fabs(s[j]) >= fabs(v) ? v : s[j];
                comp[j] += (big - t) + small;
                s[j] = t;
            }
        }
        for (size_t j = 0; j < bw; j++)
            cs[p0 + j] = s[j] + comp[j];
    }
}

size_t
s3_rca(const double *x, size_t nr, size_t nc, const double *rs,
       const double *ref, double *share, double *rca)
{
    if (nr == 0)
        return 0;
    double total = s3_sum(ref, nc, 1);
    size_t nnan = 0;
    /* rca = share / (ref_p / total) = share · (total / ref_p): the factors
     * are kept in the first row of rca, which is computed last, in place */
    double *factor = rca;
    for (size_t p = 0; p < nc; p++)
        factor[p] = (ref[p] > 0.0 && total > 0.0) ? total / ref[p] : NAN;
    for (size_t c = nr; c-- > 0;) {
        const double *xr = x + c * nc;
        double *sr = share + c * nc, *rr = rca + c * nc;
        if (!(rs[c] > 0.0)) {
            for (size_t p = 0; p < nc; p++)
                sr[p] = rr[p] = NAN;
            nnan += nc;
            continue;
        }
        for (size_t p = 0; p < nc; p++) {
            sr[p] = xr[p] / rs[c];
            rr[p] = sr[p] * factor[p];
        }
        for (size_t p = 0; p < nc; p++)
            nnan += isnan(rr[p]);
    }
    return nnan;
}

void
s3_rsca(const double *rca, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (rca[i] - 1.0) / (rca[i] + 1.0);
}

void
s3_binary(const double *rca, size_t n, double threshold, double *m)
{
    for (size_t i = 0; i < n; i++)
        m[i] = isnan(rca[i]) ? NAN : (rca[i] >= threshold ? 1.0 : 0.0);
}

/* Sum of the defined values of a strided vector; NaN when none is. */
static double
defined_sum(const double *v, size_t n, size_t stride)
{
    double s = 0.0;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isnan(x)) {
            s += x;
            any = 1;
        }
    }
    return any ? s : NAN;
}

void
s3_diversity(const double *m, size_t nr, size_t nc, double *k)
{
    for (size_t c = 0; c < nr; c++)
        k[c] = defined_sum(m + c * nc, nc, 1);
}

void
s3_ubiquity(const double *m, size_t nr, size_t nc, double *k)
{
    for (size_t p = 0; p < nc; p++)
        k[p] = defined_sum(m + p, nr, nc);
}

void
s3_unit_profile(const double *share, size_t nr, size_t nc, const double *r,
                double *krugman, double *herfindahl, double *entropy)
{
    for (size_t c = 0; c < nr; c++) {
        const double *s = share + c * nc;
        double k = 0.0, kc = 0.0, h = 0.0, hc = 0.0, e = 0.0, ec = 0.0;
        int empty = nc > 0 && isnan(s[0]);
        for (size_t p = 0; p < nc && !empty; p++) {
            /* compensated accumulation of three sums at once */
            double terms[3] = {fabs(s[p] - r[p]), s[p] * s[p],
                               s[p] > 0.0 ? -s[p] * log2(s[p]) : 0.0};
            double *acc[3] = {&k, &h, &e}, *cmp[3] = {&kc, &hc, &ec};
            for (int j = 0; j < 3; j++) {
                double t = *acc[j] + terms[j];
                if (fabs(*acc[j]) >= fabs(terms[j]))
                    *cmp[j] += (*acc[j] - t) + terms[j];
                else
                    *cmp[j] += (terms[j] - t) + *acc[j];
                *acc[j] = t;
            }
        }
        if (krugman)
            krugman[c] = empty ? NAN : k + kc;
        if (herfindahl)
            herfindahl[c] = empty ? NAN : h + hc;
        if (entropy)
            entropy[c] = empty ? NAN : e + ec;
    }
}

void
s3_variety(const double *share, size_t nr, size_t nc, const size_t *group,
           size_t ng, double *related, double *unrelated, double *work)
{
    for (size_t c = 0; c < nr; c++) {
        const double *s = share + c * nc;
        if (nc == 0 || isnan(s[0])) {
            related[c] = unrelated[c] = NAN;
            continue;
        }
        for (size_t g = 0; g < ng; g++)
            work[g] = 0.0;
        for (size_t p = 0; p < nc; p++)
            work[group[p]] += s[p];
        double uv = 0.0;
        for (size_t g = 0; g < ng; g++)
            if (work[g] > 0.0)
                uv -= work[g] * log2(work[g]);
        /* Σ_g P_g H_g = −Σ_p s_p log2(s_p / P_g(p)) */
        double rv = 0.0;
        for (size_t p = 0; p < nc; p++)
            if (s[p] > 0.0)
                rv -= s[p] * log2(s[p] / work[group[p]]);
        related[c] = rv;
        unrelated[c] = uv;
    }
}

/* Restore the heap property below node i of a max-heap of indices keyed by
 * key[] (ties by index, so the order is total and the sort deterministic). */
static void
sift_down(size_t *idx, size_t i, size_t n, const double *key)
{
    for (;;) {
        size_t l = 2 * i + 1, big = i;
        if (l >= n)
            return;
        for (size_t j = l; j <= l + 1 && j < n; j++) {
            double a = key[idx[j]], b = key[idx[big]];
            if (a > b || (a == b && idx[j] > idx[big]))
                big = j;
        }
        if (big == i)
            return;
        size_t t = idx[i];
        idx[i] = idx[big];
        idx[big] = t;
        i = big;
    }
}

/* Heapsort of idx[0..n) by key ascending: in place, no allocation, no
 * static state (qsort would need a global key). */
static void
sort_by_key(size_t *idx, size_t n, const double *key)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(idx, i, n, key);
    for (size_t end = n; end-- > 1;) {
        size_t t = idx[0];
        idx[0] = idx[end];
        idx[end] = t;
        sift_down(idx, 0, end, key);
    }
}

void
s3_locational_gini(const double *x, size_t nr, size_t nc, const double *rs,
                   double *gini, double *work, size_t *iwork)
{
    double total = s3_sum(rs, nr, 1);
    double *ratio = work, *pop = work + nr;
    for (size_t p = 0; p < nc; p++) {
        size_t n = 0, nz = 0;
        double xp = 0.0;
        int negative = 0;
        for (size_t c = 0; c < nr; c++) {
            if (rs[c] > 0.0) {
                ratio[c] = x[c * nc + p] / rs[c];
                pop[c] = rs[c] / total;
                xp += x[c * nc + p];
                nz += ratio[c] == 0.0;
                negative |= ratio[c] < 0.0;
            }
        }
        if (!(xp > 0.0)) {
            gini[p] = NAN;
            continue;
        }
        /* in the order of (ratio, unit): where no ratio is below 0, the
         * units without the class first, as they come, then the others
         * sorted (most units lack most classes) */
        size_t z = 0, k = negative ? 0 : nz;
        for (size_t c = 0; c < nr; c++)
            if (rs[c] > 0.0) {
                if (!negative && ratio[c] == 0.0)
                    iwork[z++] = c;
                else
                    iwork[k++] = c;
            }
        n = k;
        /* ties do not change the area: their points are collinear */
        sort_by_key(iwork + z, n - z, ratio);
        /* Shoelace area between the Lorenz curve and the diagonal: the
         * polygon (0,0), (P_1,A_1), ..., (1,1) closed along the diagonal. */
        double cp = 0.0, ca = 0.0, area = 0.0;
        for (size_t k = 0; k < n; k++) {
            size_t c = iwork[k];
            double np = cp + pop[c], na = ca + x[c * nc + p] / xp;
            area += cp * na - ca * np;
            cp = np;
            ca = na;
        }
        gini[p] = 0.5 * area;
    }
}
