/*
 * binary.c — kernels on the binary specialisation matrix M.
 *
 * M is sparse in practice (a unit is specialised in a fifth to a third of
 * the classes) and its entries are 0 or 1, so the products the measures
 * need are sums of selected rows rather than general matrix products:
 *
 *   - proximity counts Σ_c M_cp M_cq with bit operations: each class is a
 *     bitset over the units, and a pair is one AND and a popcount per 64
 *     units (Hidalgo et al. 2007's co-specialisation counts, exactly);
 *   - density and the outlook gain need M φ and M diag(w) φ: BLAS dgemm
 *     on the dense 0/1 matrix (a blocked sparse sum of φ's rows was tried
 *     and is slower at the usual 20-30 % of ones), so these two take M
 *     densely;
 *   - the method of reflections is a sparse matrix–vector product.
 *
 * The popcount loop is compiled twice (AVX2, which brings POPCNT, and the
 * x86-64 baseline) and chosen at load time where the toolchain supports
 * it.
 */
#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "s3_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(__SANITIZE_ADDRESS__)
#define S3_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define S3_CLONES
#endif

size_t
s3_ones_index(const double *m, size_t nr, size_t nc, s3_ones *o)
{
    size_t n = 0;
    o->nr = nr;
    o->nc = nc;
    for (size_t c = 0; c < nr; c++) {
        o->start[c] = n;
        const double *row = m + c * nc;
        for (size_t p = 0; p < nc; p++)
            if (row[p] == 1.0)
                o->col[n++] = (uint32_t)p;
    }
    o->start[nr] = n;
    o->n = n;
    return n;
}

/* Words of 64 bits for n bits. */
static size_t
words(size_t n)
{
    return (n + 63) / 64;
}

size_t
s3_proximity_workspace(size_t nr, size_t nc)
{
    size_t a = nc * words(nr), b = nr * words(nc);
    return (a > b ? a : b) + nc + nr;
}

/* Pair counts from bitsets: g[i][j] = popcount(bits_i & bits_j). */
S3_CLONES static void
bit_gram(const uint64_t *bits, size_t n, size_t w, double *g)
{
    for (size_t i = 0; i < n; i++) {
        const uint64_t *a = bits + i * w;
        for (size_t j = i; j < n; j++) {
            const uint64_t *b = bits + j * w;
            uint64_t s = 0;
            for (size_t k = 0; k < w; k++)
                s += (uint64_t)__builtin_popcountll(a[k] & b[k]);
            g[i * n + j] = (double)s;
        }
    }
}

/* φ = G / max(k_i, k_j) from the upper triangle of G, k on its diagonal;
 * NaN for items with k = 0; the full symmetric matrix is written. */
static void
gram_to_proximity(double *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double ki = g[i * n + i];
        for (size_t j = i + 1; j < n; j++) {
            double kj = g[j * n + j], k = ki > kj ? ki : kj;
            g[i * n + j] = (ki > 0.0 && kj > 0.0) ? g[i * n + j] / k : NAN;
        }
    }
    for (size_t i = 0; i < n; i++) {
        g[i * n + i] = g[i * n + i] > 0.0 ? 1.0 : NAN;
        for (size_t j = 0; j < i; j++)
            g[i * n + j] = g[j * n + i];
    }
}

void
s3_proximity(const s3_ones *m, double *phi, void *work)
{
    size_t nc = m->nc, w = words(m->nr);
    uint64_t *bits = work;
    memset(bits, 0, nc * w * sizeof *bits);
    for (size_t c = 0; c < m->nr; c++)
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            bits[m->col[k] * w + c / 64] |= (uint64_t)1 << (c % 64);
    bit_gram(bits, nc, w, phi);
    gram_to_proximity(phi, nc);
}

void
s3_unit_proximity(const s3_ones *m, double *phi, void *work)
{
    size_t nr = m->nr, w = words(m->nc);
    uint64_t *bits = work;
    memset(bits, 0, nr * w * sizeof *bits);
    for (size_t c = 0; c < nr; c++)
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            bits[c * w + m->col[k] / 64] |= (uint64_t)1 << (m->col[k] % 64);
    bit_gram(bits, nr, w, phi);
    gram_to_proximity(phi, nr);
}

void
s3_density(const double *m, size_t nr, size_t nc, const double *phi,
           double *omega, double *work)
{
    double *colsum = work;
    s3_col_sums(phi, nc, nc, colsum);
    /* ω = M φ: the blocked BLAS product on the dense 0/1 matrix beats a
     * sparse sum of φ's rows even at 30 % ones (bench/RESULTS.md) */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)nc,
                (int)nc, 1.0, m, (int)nc, phi, (int)nc, 0.0, omega, (int)nc);
    /* the numerator is a sum over some of the terms of the denominator
     * (M is 0/1, φ ≥ 0), so ω ≤ 1 exactly; summed in another order it can
     * come out 1 ulp above: the bound holds exactly */
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++) {
            double v = colsum[p] > 0.0 ? omega[c * nc + p] / colsum[p] : NAN;
            omega[c * nc + p] = v > 1.0 ? 1.0 : v;
        }
}

void
s3_outlook(const double *m, size_t nr, size_t nc, const double *phi,
           const double *omega, const double *pci, double *coi, double *cog,
           double *work)
{
    double *w = work, *a = work + nc, *phiw = a + nc;
    /* w_q = PCI_q / Σ_r φ_rq;  a_p = Σ_q φ_pq w_q;  (W φ)_qp = w_q φ_qp */
    s3_col_sums(phi, nc, nc, w);
    for (size_t q = 0; q < nc; q++)
        w[q] = w[q] > 0.0 ? pci[q] / w[q] : 0.0;
    for (size_t p = 0; p < nc; p++) {
        double acc = 0.0;
        for (size_t q = 0; q < nc; q++)
            acc += phi[p * nc + q] * w[q];
        a[p] = acc;
    }
    for (size_t q = 0; q < nc; q++)
        for (size_t p = 0; p < nc; p++)
            phiw[q * nc + p] = w[q] * phi[q * nc + p];
    /* Σ_q φ_pq w_q (1 − M_cq) = a_p − (M W φ)_cp */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nr, (int)nc,
                (int)nc, 1.0, m, (int)nc, phiw, (int)nc, 0.0, cog, (int)nc);
    for (size_t c = 0; c < nr; c++) {
        double sc = 0.0, cc = 0.0;
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            double free_ = 1.0 - m[i];
            cog[i] = free_ * (a[p] - cog[i]);
            /* compensated Σ_p ω_cp (1 − M_cp) PCI_p */
            double term = omega[i] * free_ * pci[p];
            double t = sc + term;
            cc += fabs(sc) >= fabs(term) ? (sc - t) + term : (term - t) + sc;
            sc = t;
        }
        coi[c] = sc + cc;
    }
}
