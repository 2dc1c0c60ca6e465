/*
 * relatedness.c — how close classes are to each other, and how close a
 * class a unit does not hold is to what it does.
 *
 * Proximity (Hidalgo, Klinger, Barabási & Hausmann 2007, "The product space
 * conditions the development of nations") is the minimum of the two
 * conditional probabilities of being specialised in one class given the
 * other: φ_pq = Σ_c M_cp M_cq / max(k_p, k_q).  Co-occurrence relatedness
 * normalises how often two classes appear on the same patent (van Eck &
 * Waltman 2009), as EconGeo does.  Relatedness density (Balland et al. 2019)
 * is the φ-weighted share of a class's neighbours a unit already holds.
 *
 * The kernels on the binary matrix itself (proximity, density, outlook)
 * are in binary.c.
 */
#include <math.h>

#include "s3_kernels.h"

void
s3_cooccurrence_relatedness(const double *c, size_t n,
                            s3_relatedness_method method, double *out,
                            double *work)
{
    double *s = work, t = 0.0;
    for (size_t i = 0; i < n; i++) {
        s[i] = 0.0;
        for (size_t j = 0; j < n; j++)
            if (j != i)
                s[i] += c[i * n + j];
        t += s[i];
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double cij = c[i * n + j], si = s[i], sj = s[j], den;
            if (i == j) {
                out[i * n + j] = 0.0;
                continue;
            }
            switch (method) {
            case S3_REL_ASSOCIATION:
                den = si * sj;
                out[i * n + j] = den > 0.0 ? cij * t / den : NAN;
                break;
            case S3_REL_PROBABILITY:
                den = (t - sj > 0.0 && t - si > 0.0)
                          ? 0.5 * (si * sj / (t - sj) + si * sj / (t - si))
                          : 0.0;
                out[i * n + j] = den > 0.0 ? cij / den : NAN;
                break;
            case S3_REL_COSINE:
                den = sqrt(si * sj);
                out[i * n + j] = den > 0.0 ? cij / den : NAN;
                break;
            case S3_REL_JACCARD:
                den = si + sj - cij;
                out[i * n + j] = den > 0.0 ? cij / den : NAN;
                break;
            }
        }
    }
}
