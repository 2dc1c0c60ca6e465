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
 * D^½ 1 (eigenvalue 1) is known.  So on the smaller side, Lanczos with full
 * reorthogonalisation, applied through the ones of M and deflated by that
 * known vector, finds the second eigenpair in a few dozen sparse products
 * (stopping on a residual below LANCZOS_TOL); should it not converge, the
 * symmetric matrix is formed with one dsyrk and LAPACK's dsyevr computes
 * its two largest eigenpairs.  The other side follows by one product with
 * M.  The method of reflections iterates the same averages.
 */
#include <gsl/gsl_cblas.h>
#include <math.h>
#include <string.h>

#include "s3_kernels.h"

/* LAPACK (from OpenBLAS): eigenpairs il..iu of a symmetric matrix. */
extern void dsyevr_(const char *jobz, const char *range, const char *uplo,
                    const int *n, double *a, const int *lda, const double *vl,
                    const double *vu, const int *il, const int *iu,
                    const double *abstol, int *m, double *w, double *z,
                    const int *ldz, int *isuppz, double *work, const int *lwork,
                    int *iwork, const int *liwork, int *info);

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

/* Diversity kd[nr] and ubiquity ku[nc] of M. */
static void
degrees(const s3_ones *m, double *kd, double *ku)
{
    memset(ku, 0, m->nc * sizeof(double));
    for (size_t c = 0; c < m->nr; c++) {
        kd[c] = (double)(m->start[c + 1] - m->start[c]);
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            ku[m->col[k]] += 1.0;
    }
}

/* Standardise eci and pci and fix their signs: ECI with diversity, PCI with
 * the mean ECI of the units holding the class.  tmp holds 2 (nr + nc). */
static void
standardise_and_sign(const s3_ones *m, double *eci, double *pci, double *tmp)
{
    size_t nr = m->nr, nc = m->nc;
    double *div = tmp, *ku = tmp + nr, *mean_eci = ku + nc;
    s3_standardise(eci, nr);
    s3_standardise(pci, nc);
    degrees(m, div, ku);
    if (covariance(eci, div, nr) < 0.0)
        for (size_t c = 0; c < nr; c++)
            eci[c] = -eci[c];
    memset(mean_eci, 0, nc * sizeof(double));
    for (size_t c = 0; c < nr; c++)
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            mean_eci[m->col[k]] += eci[c];
    for (size_t p = 0; p < nc; p++)
        mean_eci[p] /= ku[p];
    if (covariance(pci, mean_eci, nc) < 0.0)
        for (size_t p = 0; p < nc; p++)
            pci[p] = -pci[p];
}

/* LAPACK: all eigenpairs of a symmetric tridiagonal matrix; selected
 * eigenvalues by bisection, and their eigenvectors by inverse iteration. */
extern void dstev_(const char *jobz, const int *n, double *d, double *e,
                   double *z, const int *ldz, double *work, int *info);
extern void dstebz_(const char *range, const char *order, const int *n,
                    const double *vl, const double *vu, const int *il,
                    const int *iu, const double *abstol, const double *d,
                    const double *e, int *m, int *nsplit, double *w,
                    int *iblock, int *isplit, double *work, int *iwork,
                    int *info);
extern void dstein_(const int *n, const double *d, const double *e,
                    const int *m, const double *w, const int *iblock,
                    const int *isplit, double *z, const int *ldz, double *work,
                    int *iwork, int *ifail, int *info);

/* The largest eigenvalue θ of the symmetric tridiagonal T (order k,
 * diagonal d, off-diagonal e) and the last component of its unit
 * eigenvector, in O(k) (bisection, then inverse iteration); work holds
 * 11 k doubles.  Returns 0, or -1 when LAPACK fails. */
static int
top_ritz(int k, const double *d, const double *e, double *theta, double *last,
         double *work)
{
    /* θ to 1e-9 (the spectrum lies in [0, 1]): inverse iteration then
     * gives the component to far better than the margin it is used with */
    double *w = work, *z = w + k, *wk = z + k, vl = 0.0, vu = 0.0, tol = 1e-9;
    int *ib = (int *)(wk + 5 * (size_t)k), *is = ib + k, *iw = is + k,
        found = 0, nsplit = 0, info = 0, one = 1, ifail = 0;
    dstebz_("I", "B", &k, &vl, &vu, &k, &k, &tol, d, e, &found, &nsplit, w, ib,
            is, wk, iw, &info);
    if (info != 0 || found != 1)
        return -1;
    dstein_(&k, d, e, &one, w, ib, is, z, &k, wk, iw, &ifail, &info);
    if (info != 0)
        return -1;
    *theta = w[0];
    *last = z[k - 1];
    return 0;
}

/* The cheap residual of top_ritz decides when the exact one (dstev, all
 * eigenpairs) is worth computing: within this factor of the tolerance. */
enum { LANCZOS_PRECHECK = 16 };

/* Most Lanczos steps before the dense solver takes over. */
enum { LANCZOS_MAX = 300 };

/* Lanczos stops when its Ritz pair (θ, x) has the residual
 * ‖A x − θ x‖ = β_j |s_j| ≤ LANCZOS_TOL θ.  A is symmetric with spectrum
 * in [0, 1], so θ is then within LANCZOS_TOL θ of an eigenvalue and x
 * within an angle of LANCZOS_TOL θ / gap of its eigenvector (Davis & Kahan,
 * "The rotation of eigenvectors by a perturbation III", SIAM J. Numer.
 * Anal. 7, 1970: the sin θ theorem).  The value is about 450 ε of double
 * precision: low enough that ECI and PCI agree with the dense solver's
 * (dsyevr) to a few 1e-13 after standardisation (measured on world trade,
 * 226 × 785, 19 steps, and on a 2,000 × 1,000 synthetic matrix, 10 steps),
 * so the result does not depend on which solver ran; high enough to stay
 * clear of the rounding floor of the computed residual, which grows with
 * the size of M, so that Lanczos does not run on to LANCZOS_MAX chasing
 * digits that rounding denies and then hand over to the far slower dense
 * solver.  A constant, not a parameter: it sets the
 * precision of an eigenvector, not a modelling choice, and every caller
 * would pass the same value. */
static const double LANCZOS_TOL = 1e-13;

/* β_j ≤ LANCZOS_BREAKDOWN |α_j|: the new Lanczos vector is rounding noise,
 * the Krylov space is invariant, and its Ritz pairs are eigenpairs (exact
 * up to rounding; Parlett, "The Symmetric Eigenvalue Problem", 1980). */
static const double LANCZOS_BREAKDOWN = 1e-14;

static size_t
lanczos_steps(size_t n)
{
    return n - 1 < LANCZOS_MAX ? n - 1 : LANCZOS_MAX;
}

/* Doubles of dsyevr's optimal workspace for order n, and its ints. */
static void
dsyevr_query(size_t n, size_t *nw, size_t *niw)
{
    int ni = (int)n, lwork = -1, liwork = -1, m, info, isuppz[4], iq = 0;
    int il = ni > 1 ? ni - 1 : 1, iu = ni;
    double vl = 0.0, vu = 0.0, tol = 0.0, wq = 0.0, dummy = 0.0, w[2], z[2];
    if (ni > 0)
        dsyevr_("V", "I", "U", &ni, &dummy, &ni, &vl, &vu, &il, &iu, &tol, &m,
                w, z, &ni, isuppz, &wq, &lwork, &iq, &liwork, &info);
    *nw = (size_t)wq;
    *niw = (size_t)iq;
}

void
s3_complexity_workspace(size_t nr, size_t nc, size_t *nwork, size_t *niwork)
{
    size_t n = nr < nc ? nr : nc, k = n > 1 ? lanczos_steps(n) : 1, dw, diw;
    dsyevr_query(n, &dw, &diw);
    /* degrees and signing 2 (nr + nc), the second eigenvector n; then
     * either Lanczos (basis k·n, vector n, scratch and 1/√k 2 (nr + nc),
     * α, β, the tridiagonal's d and e, its vectors k·k, dstev's 2k and
     * top_ritz's 11k) or
     * the dense solver (N nr·nc, G n·n, eigenvalues n, vectors 2n,
     * dsyevr's work) */
    size_t lanczos = k * n + n + 2 * (nr + nc) + 16 * k + k * k;
    size_t dense = nr * nc + n * n + 3 * n + dw;
    *nwork = 2 * (nr + nc) + n + (lanczos > dense ? lanczos : dense) + 16;
    *niwork = diw + 2 * n + 16;
}

/* y = A x for the symmetric A = Nᵀ N (classes side) or N Nᵀ (units side),
 * N = D^-½ M U^-½, through the ones of M.  rd = 1/√k_c, ru = 1/√k_p;
 * aux holds nr + nc doubles. */
static void
apply(const s3_ones *m, int units_side, const double *rd, const double *ru,
      const double *x, double *y, double *aux)
{
    size_t nr = m->nr, nc = m->nc;
    if (!units_side) {
        /* t_c = (1/k_c) Σ_{q∈S_c} x_q/√k_q;  y_p = (1/√k_p) Σ_{c∋p} t_c */
        double *xs = aux;
        for (size_t p = 0; p < nc; p++) {
            xs[p] = x[p] * ru[p];
            y[p] = 0.0;
        }
        for (size_t c = 0; c < nr; c++) {
            double s = 0.0;
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                s += xs[m->col[k]];
            s *= rd[c] * rd[c];
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                y[m->col[k]] += s;
        }
        for (size_t p = 0; p < nc; p++)
            y[p] *= ru[p];
    } else {
        /* u_p = (1/k_p) Σ_{c∋p} x_c/√k_c;  y_c = (1/√k_c) Σ_{p∈S_c} u_p */
        double *u = aux;
        memset(u, 0, nc * sizeof(double));
        for (size_t c = 0; c < nr; c++) {
            double s = x[c] * rd[c];
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                u[m->col[k]] += s;
        }
        for (size_t p = 0; p < nc; p++)
            u[p] *= ru[p] * ru[p];
        for (size_t c = 0; c < nr; c++) {
            double s = 0.0;
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                s += u[m->col[k]];
            y[c] = s * rd[c];
        }
    }
}

static double
dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* The second eigenpair of A by Lanczos with full reorthogonalisation on the
 * complement of the known first eigenvector v1 (√k on the solved side).
 * Stops when the residual ‖A x − θ x‖ is below LANCZOS_TOL θ.  Returns 0,
 * or -1 when LANCZOS_MAX steps do not converge (the caller solves
 * densely). */
static int
lanczos_second(const s3_ones *m, int units_side, const double *kd,
               const double *ku, double *v2, double *lambda2, double *work)
{
    size_t n = units_side ? m->nr : m->nc, kmax = lanczos_steps(n);
    double *q = work, *w = q + kmax * n, *aux = w + n,
           *rd = aux + m->nr + m->nc, *ru = rd + m->nr, *alpha = ru + m->nc,
           *beta = alpha + kmax, *d = beta + kmax, *e = d + kmax, *z = e + kmax,
           *tw = z + kmax * kmax;
    for (size_t c = 0; c < m->nr; c++)
        rd[c] = 1.0 / sqrt(kd[c]);
    for (size_t p = 0; p < m->nc; p++)
        ru[p] = 1.0 / sqrt(ku[p]);
    const double *kv = units_side ? kd : ku;
    /* v1 = √k / ‖√k‖, kept in v2 until the end */
    double norm = 0.0;
    for (size_t i = 0; i < n; i++)
        norm += kv[i];
    norm = sqrt(norm);
    for (size_t i = 0; i < n; i++)
        v2[i] = sqrt(kv[i]) / norm;
    /* the start vector, made orthogonal to v1: q_i = frac((i + 1) φ) − ½,
     * φ = (√5 − 1)/2, the golden-ratio (Weyl) sequence, equidistributed in
     * [−½, ½) (Kuipers & Niederreiter, "Uniform Distribution of Sequences",
     * 1974, ch. 1).  Lanczos needs only a start with a component along the
     * wanted eigenvector.  A vector made from the data (the degrees, say)
     * would be the same on units that a symmetry of M exchanges, and so
     * orthogonal to an eigenvector that changes sign between them; this one
     * depends on the index alone, takes no generator state and no
     * allocation, and gives the same bits on every IEEE machine.  Its first
     * two entries have opposite signs, so it is never parallel to the
     * positive v1 and stays nonzero after the deflation. */
    const double phi = 0.61803398874989484820;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(i + 1) * phi;
        q[i] = (t - floor(t)) - 0.5;
    }
    for (int pass = 0; pass < 2; pass++) {
        double h = dot(q, v2, n);
        for (size_t i = 0; i < n; i++)
            q[i] -= h * v2[i];
    }
    double qn = sqrt(dot(q, q, n));
    for (size_t i = 0; i < n; i++)
        q[i] /= qn;
    for (size_t j = 0; j < kmax; j++) {
        double *qj = q + j * n;
        apply(m, units_side, rd, ru, qj, w, aux);
        alpha[j] = dot(qj, w, n);
        /* full reorthogonalisation, twice: against v1 and the basis */
        for (int pass = 0; pass < 2; pass++) {
            double h = dot(w, v2, n);
            for (size_t i = 0; i < n; i++)
                w[i] -= h * v2[i];
            for (size_t k = 0; k <= j; k++) {
                double hk = dot(w, q + k * n, n);
                for (size_t i = 0; i < n; i++)
                    w[i] -= hk * q[k * n + i];
            }
        }
        beta[j] = sqrt(dot(w, w, n));
        int last =
            j + 1 == kmax || beta[j] <= LANCZOS_BREAKDOWN * fabs(alpha[j]);
        if (j + 1 >= 8 || last) {
            /* Ritz values of T_j: the largest and its residual β_j |s_j|,
             * first cheaply: the full solve only when it may pass */
            int kk = (int)(j + 1), info;
            double th, sl;
            if (!last && top_ritz(kk, alpha, beta, &th, &sl, tw) == 0 &&
                fabs(beta[j] * sl) > LANCZOS_PRECHECK * LANCZOS_TOL * fabs(th))
                goto next;
            memcpy(d, alpha, (j + 1) * sizeof(double));
            memcpy(e, beta, j * sizeof(double));
            dstev_("V", &kk, d, e, z, &kk, tw, &info);
            if (info != 0)
                return -1;
            double theta = d[j], *s = z + j * (size_t)kk; /* column j */
            if (fabs(beta[j] * s[j]) <= LANCZOS_TOL * fabs(theta) ||
                beta[j] <= LANCZOS_BREAKDOWN * fabs(alpha[j])) {
                for (size_t i = 0; i < n; i++) {
                    double x = 0.0;
                    for (size_t k = 0; k <= j; k++)
                        x += s[k] * q[k * n + i];
                    w[i] = x;
                }
                memcpy(v2, w, n * sizeof(double));
                *lambda2 = theta;
                return 0;
            }
        }
        if (last)
            return -1;
    next:
        for (size_t i = 0; i < n; i++)
            q[(j + 1) * n + i] = w[i] / beta[j];
    }
    return -1;
}

/* The second eigenpair of A formed densely, by LAPACK's dsyevr. */
static int
dense_second(const s3_ones *m, int units_side, const double *kd,
             const double *ku, double *v2, double lambda[2], double *work,
             size_t nwork, int *iwork, size_t niwork)
{
    size_t nr = m->nr, nc = m->nc, n = units_side ? nr : nc;
    double *nm = work, *g = nm + nr * nc, *w = g + n * n, *z = w + n,
           *lw = z + 2 * n;
    memset(nm, 0, nr * nc * sizeof(double));
    for (size_t c = 0; c < nr; c++) {
        double rd = 1.0 / sqrt(kd[c]);
        for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
            nm[c * nc + m->col[k]] = rd / sqrt(ku[m->col[k]]);
    }
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
    dsyevr_("V", "I", "L", &ni, g, &ni, &vl, &vu, &il, &iu, &tol, &found, w, z,
            &ni, iwork, lw, &lwork, iwork + 2 * n, &liwork, &info);
    if (info != 0 || found != 2)
        return -1;
    lambda[0] = w[1];
    lambda[1] = w[0];
    memcpy(v2, z, n * sizeof(double)); /* ascending: the first is λ2 */
    return 0;
}

int
s3_complexity_eigen(const s3_ones *m, double *eci, double *pci,
                    double lambda[2], double *work, size_t nwork, int *iwork,
                    size_t niwork)
{
    size_t nr = m->nr, nc = m->nc, n = nr < nc ? nr : nc;
    if (n < 2)
        return -1;
    size_t need, ineed;
    s3_complexity_workspace(nr, nc, &need, &ineed);
    if (nwork < need || niwork < ineed)
        return -1;
    double *tmp = work, *v2 = tmp + 2 * (nr + nc), *rest = v2 + n;
    double *kd = tmp, *ku = tmp + nr;
    degrees(m, kd, ku);
    for (size_t c = 0; c < nr; c++)
        if (!(kd[c] > 0.0))
            return -1;
    for (size_t p = 0; p < nc; p++)
        if (!(ku[p] > 0.0))
            return -1;
    /* the smaller side; Lanczos first, the dense solver if it stalls */
    int units_side = nr <= nc;
    lambda[0] = 1.0;
    if (lanczos_second(m, units_side, kd, ku, v2, &lambda[1], rest) != 0 &&
        dense_second(m, units_side, kd, ku, v2, lambda, rest,
                     nwork - (size_t)(rest - work), iwork, niwork) != 0)
        return -1;
    if (units_side) {
        /* x = D^-½ v;  y = U⁻¹ Mᵀ x */
        for (size_t c = 0; c < nr; c++)
            eci[c] = v2[c] / sqrt(kd[c]);
        memset(pci, 0, nc * sizeof(double));
        for (size_t c = 0; c < nr; c++)
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                pci[m->col[k]] += eci[c];
        for (size_t p = 0; p < nc; p++)
            pci[p] /= ku[p];
    } else {
        /* y = U^-½ v;  x = D⁻¹ M y */
        for (size_t p = 0; p < nc; p++)
            pci[p] = v2[p] / sqrt(ku[p]);
        for (size_t c = 0; c < nr; c++) {
            double s = 0.0;
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++)
                s += pci[m->col[k]];
            eci[c] = s / kd[c];
        }
    }
    standardise_and_sign(m, eci, pci, tmp);
    return 0;
}

void
s3_complexity_reflections(const s3_ones *m, size_t iterations, double *eci,
                          double *pci, double *work)
{
    size_t nr = m->nr, nc = m->nc;
    double *kc = work, *kp = kc + nr, *nkc = kp + nc, *nkp = nkc + nr,
           *kc0 = nkp + nc, *kp0 = kc0 + nr;
    degrees(m, kc0, kp0);
    memcpy(kc, kc0, nr * sizeof(double));
    memcpy(kp, kp0, nc * sizeof(double));
    /* orders 0 .. iterations − 1: ECI keeps the last even order of k_c, PCI
     * the last odd order of k_p */
    size_t last = iterations - 1;
    size_t even = last & ~(size_t)1, odd = (last & 1) ? last : last - 1;
    if (even == 0)
        memcpy(eci, kc0, nr * sizeof(double));
    for (size_t n = 1; n <= last; n++) {
        memset(nkp, 0, nc * sizeof(double));
        for (size_t c = 0; c < nr; c++) {
            double s = 0.0;
            for (size_t k = m->start[c]; k < m->start[c + 1]; k++) {
                s += kp[m->col[k]];
                nkp[m->col[k]] += kc[c];
            }
            nkc[c] = s / kc0[c];
        }
        for (size_t p = 0; p < nc; p++)
            kp[p] = nkp[p] / kp0[p];
        memcpy(kc, nkc, nr * sizeof(double));
        if (n == even)
            memcpy(eci, kc, nr * sizeof(double));
        if (n == odd)
            memcpy(pci, kp, nc * sizeof(double));
    }
    standardise_and_sign(m, eci, pci, nkc);
}
