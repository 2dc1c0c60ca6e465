/*
 * learning.c — how alike two units' profiles are (include/s3_learning.h):
 * cosine, Krugman dissimilarity and a relatedness-weighted similarity, the
 * kernels of the learning-partners stage (stages/learning.c).
 */
#include <math.h>

#include <cblas.h>

#include "s3_learning.h"

double
s3_profile_cosine(const double *h, const double *c, size_t n)
{
    double hc = 0.0, hh = 0.0, cc = 0.0;
    for (size_t i = 0; i < n; i++) {
        hc += h[i] * c[i];
        hh += h[i] * h[i];
        cc += c[i] * c[i];
    }
    if (!(hh > 0.0) || !(cc > 0.0) || isnan(hc))
        return NAN;
    double v = hc / sqrt(hh * cc);
    /* a cosine: rounding must not take it above 1 */
    return v > 1.0 ? 1.0 : v;
}

double
s3_krugman_distance(const double *h, const double *c, size_t n)
{
    double d = 0.0;
    for (size_t i = 0; i < n; i++)
        d += fabs(h[i] - c[i]);
    return d;
}

void
s3_related_profiles(const double *s, size_t nr, size_t nc, const double *phi,
                    double *out)
{
    if (nr == 0 || nc == 0)
        return;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)nc,
                (int)nc, 1.0, s, (int)nc, phi, (int)nc, 0.0, out, (int)nc);
}

double
s3_related_similarity(const double *h, const double *c, const double *ph,
                      const double *pc, size_t n)
{
    double hh = cblas_ddot((int)n, h, 1, ph, 1),
           cc = cblas_ddot((int)n, c, 1, pc, 1);
    if (!(hh > 0.0) || !(cc > 0.0))
        return NAN;
    /* hᵀΦc from both sides (Φ symmetric): their mean keeps the value
     * symmetric in h and c to the last bit */
    double hc = 0.5 * (cblas_ddot((int)n, ph, 1, c, 1) +
                       cblas_ddot((int)n, pc, 1, h, 1));
    if (isnan(hc))
        return NAN;
    double v = hc / sqrt(hh * cc);
    return v > 1.0 ? 1.0 : v;
}

double
s3_related_similarity_phi(const double *h, const double *c, size_t n,
                          const double *phi, double *work)
{
    double *ph = work, *pc = work + n;
    for (size_t i = 0; i < n; i++) {
        ph[i] = cblas_ddot((int)n, phi + i * n, 1, h, 1);
        pc[i] = cblas_ddot((int)n, phi + i * n, 1, c, 1);
    }
    return s3_related_similarity(h, c, ph, pc, n);
}
