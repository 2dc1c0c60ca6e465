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
 * The binary products are BLAS level-3 calls on doubles (dsyrk, dsymm):
 * for 0/1 matrices they are exact, and much faster than integer loops.
 */
#include <gsl/gsl_cblas.h>
#include <math.h>

#include "s3_kernels.h"

/* Fill the lower triangle of a symmetric n × n matrix from the upper. */
static void
mirror_upper(double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            a[i * n + j] = a[j * n + i];
}

/* φ = G / max(k_i, k_j) with k the diagonal of the Gram matrix G. */
static void
proximity_from_gram(double *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double ki = g[i * n + i];
        for (size_t j = i + 1; j < n; j++) {
            double kj = g[j * n + j], k = ki > kj ? ki : kj;
            g[i * n + j] = (ki > 0.0 && kj > 0.0) ? g[i * n + j] / k : NAN;
        }
    }
    for (size_t i = 0; i < n; i++)
        g[i * n + i] = g[i * n + i] > 0.0 ? 1.0 : NAN;
    mirror_upper(g, n);
}

void
s3_proximity(const double *m, size_t nr, size_t nc, double *phi)
{
    /* Mᵀ M: class co-specialisation counts, k_p on the diagonal */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)nc, (int)nr, 1.0,
                m, (int)nc, 0.0, phi, (int)nc);
    proximity_from_gram(phi, nc);
}

void
s3_unit_proximity(const double *m, size_t nr, size_t nc, double *phi)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nr, (int)nc,
                1.0, m, (int)nc, 0.0, phi, (int)nr);
    proximity_from_gram(phi, nr);
}

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

void
s3_density(const double *m, size_t nr, size_t nc, const double *phi,
           double *omega, double *work)
{
    double *colsum = work;
    for (size_t p = 0; p < nc; p++)
        colsum[p] = s3_sum(phi + p, nc, nc);
    /* ω = M φ (φ symmetric), then each column divided by Σ_q φ_qp */
    cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, (int)nr, (int)nc, 1.0,
                phi, (int)nc, m, (int)nc, 0.0, omega, (int)nc);
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++)
            omega[c * nc + p] =
                colsum[p] > 0.0 ? omega[c * nc + p] / colsum[p] : NAN;
}

void
s3_outlook(const double *m, size_t nr, size_t nc, const double *phi,
           const double *omega, const double *pci, double *coi, double *cog,
           double *work)
{
    double *mw = work, *w = work + nr * nc, *a = w + nc;
    /* w_q = PCI_q / Σ_r φ_rq;  a_p = Σ_q φ_pq w_q */
    for (size_t q = 0; q < nc; q++) {
        double s = s3_sum(phi + q, nc, nc);
        w[q] = s > 0.0 ? pci[q] / s : 0.0;
    }
    for (size_t p = 0; p < nc; p++) {
        double acc = 0.0;
        for (size_t q = 0; q < nc; q++)
            acc += phi[p * nc + q] * w[q];
        a[p] = acc;
    }
    /* Σ_q φ_pq w_q (1 − M_cq) = a_p − (M diag(w) φ)_cp */
    for (size_t c = 0; c < nr; c++)
        for (size_t q = 0; q < nc; q++)
            mw[c * nc + q] = m[c * nc + q] * w[q];
    cblas_dsymm(CblasRowMajor, CblasRight, CblasUpper, (int)nr, (int)nc, 1.0,
                phi, (int)nc, mw, (int)nc, 0.0, cog, (int)nc);
    for (size_t c = 0; c < nr; c++) {
        double sc = 0.0, cc = 0.0;
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            double held = m[i];
            cog[i] = (1.0 - held) * (a[p] - cog[i]);
            /* compensated Σ_p ω_cp (1 − M_cp) PCI_p */
            double term = omega[i] * (1.0 - held) * pci[p];
            double t = sc + term;
            cc += fabs(sc) >= fabs(term) ? (sc - t) + term : (term - t) + sc;
            sc = t;
        }
        coi[c] = sc + cc;
    }
}
