/*
 * complexity.c — the economic complexity of units (ECI) and classes (PCI).
 *
 * Hidalgo & Hausmann (2009), "The building blocks of economic complexity":
 * a unit is complex when it is specialised in many classes that few others
 * hold.  The eigenvector formulation takes the eigenvector of the
 * second-largest eigenvalue of the unit-side transition matrix
 * D⁻¹ M U⁻¹ Mᵀ.  That matrix is not symmetric, and a general eigensolver
 * returns eigenvalues in no particular order (the fault behind wrong ECI
 * vectors in some packages).  It is similar to the symmetric N Nᵀ with
 * N = D^-½ M U^-½ (and the class side to Nᵀ N), whose leading eigenvector
 * D^½ 1 (eigenvalue 1) is known.  So the smaller of the two symmetric
 * matrices is formed with one dsyrk and LAPACK's dsyevr computes only its
 * two largest eigenpairs; the other side follows by one matrix-vector
 * product.  The method of reflections iterates the same averages.
 */
#include <gsl/gsl_cblas.h>
#include <math.h>
#include <string.h>

#include "s3_kernels.h"

/* LAPACK (from OpenBLAS): eigenpairs il..iu of a symmetric matrix. */
extern void
dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n,
        double *a, const int *lda, const double *vl, const double *vu,
        const int *il, const int *iu, const double *abstol, int *m, double *w,
        double *z, const int *ldz, int *isuppz, double *work,
        const int *lwork, int *iwork, const int *liwork, int *info);

int
s3_standardise(double *v, size_t n)
{
    if (n < 2)
        goto none;
    double mean = s3_sum(v, n, 1) / (double)n, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    double sd = sqrt(ss / (double)(n - 1));
    if (!(sd > 0.0) || !isfinite(sd))
        goto none;
    for (size_t i = 0; i < n; i++)
        v[i] = (v[i] - mean) / sd;
    return 0;
none:
    for (size_t i = 0; i < n; i++)
        v[i] = NAN;
    return -1;
}

/* Pearson correlation's sign: Σ (a − ā)(b − b̄). */
static double
covariance(const double *a, const double *b, size_t n)
{
    double ma = s3_sum(a, n, 1) / (double)n, mb = s3_sum(b, n, 1) / (double)n;
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (a[i] - ma) * (b[i] - mb);
    return s;
}

/* Standardise eci and pci and fix their signs: ECI with diversity, PCI with
 * the mean ECI of the units holding the class.  tmp holds nr + nc. */
static void
standardise_and_sign(const double *m, size_t nr, size_t nc, double *eci,
                     double *pci, double *tmp)
{
    double *div = tmp, *mean_eci = tmp + nr;
    s3_standardise(eci, nr);
    s3_standardise(pci, nc);
    for (size_t c = 0; c < nr; c++)
        div[c] = s3_sum(m + c * nc, nc, 1);
    if (covariance(eci, div, nr) < 0.0)
        for (size_t c = 0; c < nr; c++)
            eci[c] = -eci[c];
    for (size_t p = 0; p < nc; p++) {
        double s = 0.0, k = 0.0;
        for (size_t c = 0; c < nr; c++) {
            s += m[c * nc + p] * eci[c];
            k += m[c * nc + p];
        }
        mean_eci[p] = s / k;
    }
    if (covariance(pci, mean_eci, nc) < 0.0)
        for (size_t p = 0; p < nc; p++)
            pci[p] = -pci[p];
}

void
s3_complexity_workspace(size_t nr, size_t nc, size_t *nwork, size_t *niwork)
{
    int n = (int)(nr < nc ? nr : nc), lwork = -1, liwork = -1, m, info;
    int il = n > 1 ? n - 1 : 1, iu = n, isuppz[4];
    double vl = 0.0, vu = 0.0, tol = 0.0, wq = 0.0, dummy = 0.0, w[2], z[2];
    int iq = 0;
    if (n > 0)
        dsyevr_("V", "I", "U", &n, &dummy, &n, &vl, &vu, &il, &iu, &tol, &m,
                w, z, &n, isuppz, &wq, &lwork, &iq, &liwork, &info);
    size_t sn = (size_t)n;
    /* N (nr × nc), G (n × n), eigenvalues (n), vectors (2n), the
     * unit/class vectors for signing (nr + nc), dsyevr's work */
    *nwork = nr * nc + sn * sn + sn + 2 * sn + nr + nc + (size_t)wq + 16;
    *niwork = (size_t)iq + 2 * sn + 16;
}

int
s3_complexity_eigen(const double *m, size_t nr, size_t nc, double *eci,
                    double *pci, double lambda[2], double *work, size_t nwork,
                    int *iwork, size_t niwork)
{
    size_t n = nr < nc ? nr : nc;
    if (n < 2)
        return -1;
    double *nm = work, *g = nm + nr * nc, *w = g + n * n, *z = w + n,
           *tmp = z + 2 * n, *lw = tmp + nr + nc;
    size_t need, ineed;
    s3_complexity_workspace(nr, nc, &need, &ineed);
    if (nwork < need || niwork < ineed)
        return -1;
    /* N = D^-½ M U^-½ (diversity and ubiquity in tmp) */
    double *kd = tmp, *ku = tmp + nr;
    for (size_t c = 0; c < nr; c++)
        kd[c] = s3_sum(m + c * nc, nc, 1);
    for (size_t p = 0; p < nc; p++)
        ku[p] = s3_sum(m + p, nr, nc);
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++)
            nm[c * nc + p] = m[c * nc + p] / sqrt(kd[c] * ku[p]);
    int units_side = nr <= nc;
    if (units_side)
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)nr, (int)nc,
                    1.0, nm, (int)nc, 0.0, g, (int)nr);
    else
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)nc, (int)nr,
                    1.0, nm, (int)nc, 0.0, g, (int)nc);
    /* row-major upper = column-major lower for LAPACK */
    int ni = (int)n, il = ni - 1, iu = ni, found = 0, info = 0;
    int lwork = (int)(nwork - (size_t)(lw - work)),
        liwork = (int)(niwork - 2 * n);
    double vl = 0.0, vu = 0.0, tol = 0.0;
    dsyevr_("V", "I", "L", &ni, g, &ni, &vl, &vu, &il, &iu, &tol, &found, w,
            z, &ni, iwork, lw, &lwork, iwork + 2 * n, &liwork, &info);
    if (info != 0 || found != 2)
        return -1;
    lambda[0] = w[1];
    lambda[1] = w[0];
    const double *v2 = z; /* eigenvalues ascending: the first is λ2 */
    if (units_side) {
        /* x = D^-½ v;  y = U⁻¹ Mᵀ x */
        for (size_t c = 0; c < nr; c++)
            eci[c] = v2[c] / sqrt(kd[c]);
        for (size_t p = 0; p < nc; p++) {
            double s = 0.0;
            for (size_t c = 0; c < nr; c++)
                s += m[c * nc + p] * eci[c];
            pci[p] = s / ku[p];
        }
    } else {
        /* y = U^-½ v;  x = D⁻¹ M y */
        for (size_t p = 0; p < nc; p++)
            pci[p] = v2[p] / sqrt(ku[p]);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)nr, (int)nc, 1.0, m,
                    (int)nc, pci, 1, 0.0, eci, 1);
        for (size_t c = 0; c < nr; c++)
            eci[c] /= kd[c];
    }
    standardise_and_sign(m, nr, nc, eci, pci, tmp);
    return 0;
}

void
s3_complexity_reflections(const double *m, size_t nr, size_t nc,
                          size_t iterations, double *eci, double *pci,
                          double *work)
{
    double *kc = work, *kp = kc + nr, *nkc = kp + nc, *nkp = nkc + nr,
           *kc0 = nkp + nc, *kp0 = kc0 + nr;
    for (size_t c = 0; c < nr; c++)
        kc0[c] = kc[c] = s3_sum(m + c * nc, nc, 1);
    for (size_t p = 0; p < nc; p++)
        kp0[p] = kp[p] = s3_sum(m + p, nr, nc);
    /* orders 0 .. iterations − 1: ECI keeps the last even order of k_c, PCI
     * the last odd order of k_p */
    size_t last = iterations - 1;
    size_t even = last & ~(size_t)1, odd = (last & 1) ? last : last - 1;
    if (even == 0)
        memcpy(eci, kc0, nr * sizeof(double));
    for (size_t n = 1; n <= last; n++) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)nr, (int)nc, 1.0, m,
                    (int)nc, kp, 1, 0.0, nkc, 1);
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)nr, (int)nc, 1.0, m,
                    (int)nc, kc, 1, 0.0, nkp, 1);
        for (size_t c = 0; c < nr; c++)
            kc[c] = nkc[c] / kc0[c];
        for (size_t p = 0; p < nc; p++)
            kp[p] = nkp[p] / kp0[p];
        if (n == even)
            memcpy(eci, kc, nr * sizeof(double));
        if (n == odd)
            memcpy(pci, kp, nc * sizeof(double));
    }
    standardise_and_sign(m, nr, nc, eci, pci, nkc);
}
