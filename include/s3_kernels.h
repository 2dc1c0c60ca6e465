/*
 * s3_kernels.h — the pure numerical kernels of s3engine.
 *
 * Every kernel works on a dense unit × class matrix X stored row-major
 * (x[c * nc + p], c = unit, p = class), takes its outputs and any workspace
 * from the caller, never allocates, never prints and has no static state.
 * A value that cannot be defined (a unit or class with total 0, a share of
 * an empty unit) is NaN; the kernels return how many such values they
 * produced where the caller needs to report it.
 *
 * Notation (as in the design): x_c row sums, x_p column sums, x the total,
 * s_cp = x_cp / x_c the unit's shares, s_p = x_p / x the reference shares.
 */
#ifndef S3_KERNELS_H
#define S3_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "s3_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Compensated (Neumaier) sum of n values v[0], v[stride], ...  NaN values
 * propagate. */
S3_API double s3_sum(const double *v, size_t n, size_t stride);

/* Row sums rs[nr] and column sums cs[nc] of X, each compensated. */
S3_API void s3_margins(const double *x, size_t nr, size_t nc, double *rs,
                       double *cs);

/* Column sums cs[nc] of X, each compensated: s3_sum(x + p, nr, nc) for
 * every column p, to the bit, read row by row. */
S3_API void s3_col_sums(const double *x, size_t nr, size_t nc, double *cs);

/* Shares and revealed comparative advantage (Balassa 1965):
 *   share_cp = x_cp / x_c,   rca_cp = share_cp · (Σ ref / ref_p)
 * ref[nc] is the reference distribution; pass the column sums of X for the
 * network reference, or an external baseline.  share and rca are nr × nc;
 * a unit with x_c = 0 gives NaN shares and RCAs, a class with ref_p = 0 NaN
 * RCAs.  rs[nr] must hold the row sums of X.  Returns the number of NaN
 * RCA values. */
S3_API size_t s3_rca(const double *x, size_t nr, size_t nc, const double *rs,
                     const double *ref, double *share, double *rca);

/* Symmetric RCA (Dalum et al. 1998): (rca - 1) / (rca + 1), in [-1, 1);
 * NaN stays NaN.  out may equal rca. */
S3_API void s3_rsca(const double *rca, size_t n, double *out);

/* Binary specialisation M = 1 where rca >= threshold, 0 below, NaN where
 * rca is NaN. */
S3_API void s3_binary(const double *rca, size_t n, double threshold, double *m);

/* Diversity k_c = Σ_p M_cp over the defined values (NaN when none is). */
S3_API void s3_diversity(const double *m, size_t nr, size_t nc, double *k);

/* Ubiquity k_p = Σ_c M_cp over the defined values (NaN when none is). */
S3_API void s3_ubiquity(const double *m, size_t nr, size_t nc, double *k);

/* Per unit, from its shares (NaN row → NaN results):
 *   Krugman dissimilarity K_c = Σ_p |s_cp − r_p| (0–2), against the
 *   reference shares r[nc] (which sum to 1); the Hoover coefficient is K/2;
 *   Herfindahl H_c = Σ_p s_cp²;  Shannon entropy E_c = −Σ_p s_cp log2 s_cp
 *   (0 log 0 = 0).  Any output pointer may be NULL. */
S3_API void s3_unit_profile(const double *share, size_t nr, size_t nc,
                            const double *r, double *krugman,
                            double *herfindahl, double *entropy);

/* Related and unrelated variety (Frenken, Van Oort & Verburg 2007).
 * group[p] in [0, ng) puts each class in a group (a NACE division, a WIPO
 * sector).  With P_g = Σ_{p∈g} s_cp:
 *   unrelated_c = −Σ_g P_g log2 P_g,
 *   related_c   = Σ_g P_g H_g,  H_g = −Σ_{p∈g} (s_cp/P_g) log2 (s_cp/P_g),
 * so that related + unrelated = entropy.  work holds ng doubles. */
S3_API void s3_variety(const double *share, size_t nr, size_t nc,
                       const size_t *group, size_t ng, double *related,
                       double *unrelated, double *work);

/* Locational Gini per class (Krugman 1991, as EconGeo's locational.Gini):
 * units ordered by x_cp / x_c, the Lorenz curve of the class's cumulative
 * share against the units' cumulative share of the total; the area between
 * it and the diagonal, 0 (spread like the total) to 0.5.  Units with x_c = 0
 * are left out; a class with x_p = 0 gives NaN.  rs[nr] holds the row sums;
 * work holds 2·nr doubles and iwork nr size_t. */
S3_API void s3_locational_gini(const double *x, size_t nr, size_t nc,
                               const double *rs, double *gini, double *work,
                               size_t *iwork);

/* ---- evidence: how sure a specialisation is --------------------------- */

/* One-sided over-representation p-value of a count: the probability that
 * a unit of n records, each in the class with the reference's share p,
 * holds at least x of them there, the binomial upper tail
 *   P(X ≥ x) = I_p(x, n − x + 1),  X ~ Bin(n, p),  0 < x ≤ n,
 * with I the regularised incomplete beta function (Abramowitz & Stegun
 * 26.5.24): the exact tail at whole x, continued to fractional counts
 * (patents counted fractionally).  Edges: x ≤ 0 gives 1, p = 0 (x > 0)
 * gives 0, p = 1 gives 1, x = n gives p^n.  NaN when an input is NaN, when
 * n ≤ 0 or infinite (an empty unit), p is outside [0, 1], or x > n (a
 * count above its unit's total).  Accuracy, against exact binomial sums
 * (mpmath, 40 digits): relative error below 6 ε (1 + |ln P|) for n ≤ 40
 * (1e-13 at P = 1e-300; a tail is the exponential of its logarithm),
 * below 3e-12 for n up to 10^7 and p ≤ 0.99; as p nears 1 it grows, to
 * 3e-11 at 1 − p = 10^-4 or 10^-5 and 2e-10 at 10^-6 (cancellation of
 * order ε / (1 − p) in the continued fraction: the order of the
 * uncertainty such a share carries from its own rounding, as the tail's
 * sensitivity to p grows alike).  Tails below the smallest normal
 * double (2.2e-308) lose digits, to 0 under 4.9e-324.  Never calls GSL's
 * error handler (engine/measures/significance.c says why GSL's own
 * incomplete beta is not used). */
S3_API double s3_overrep_pvalue(double x, double n, double p);

/* s3_overrep_pvalue for every cell of X (nr × nc):
 *   pval_cp = s3_overrep_pvalue(x_cp, rs_c, r_cp),
 * with rs[nr] the units' totals (the row sums of X) and r the reference
 * shares s_p = x_p / x: one row ref_share[nc] for every unit (per_unit_ref
 * = 0; the network's, or one baseline) or one row per unit, ref_share[nr ×
 * nc] (per_unit_ref = 1; e.g. each unit's own region).  Returns the number
 * of NaN p-values. */
S3_API size_t s3_overrep_pvalues(const double *x, size_t nr, size_t nc,
                                 const double *rs, const double *ref_share,
                                 int per_unit_ref, double *pval);

/* Benjamini–Hochberg q-values (Benjamini & Hochberg 1995, the step-up
 * procedure made monotone): with the m p-values that are not NaN sorted,
 * p_(1) ≤ … ≤ p_(m),
 *   q_(i) = min(1, min_{j ≥ i} p_(j) m / j),
 * so q rises with p and tied p-values share one q.  Rejecting every
 * hypothesis with q ≤ α keeps the expected share of false discoveries at
 * most α for independent or positively dependent tests (Benjamini &
 * Yekutieli 2001).  NaN p-values are left out of m and get NaN q-values;
 * the others are used as given.  iwork holds n size_t (the order: a
 * stable radix sort, ties by index); q, which also serves as the sort's
 * scratch, must not overlap p.  Returns m. */
S3_API size_t s3_bh_qvalues(const double *p, size_t n, double *q,
                            size_t *iwork);

/* Exact confidence interval of an RCA at confidence level (0 < level < 1).
 * The count x is taken as Poisson with mean RCA · n p, and the reference
 * share p as known: it rests on the whole network or a baseline, far
 * larger than the cell, so its own sampling error is left out (Beyene &
 * Moineddin 2005, "Methods for confidence interval estimation of a ratio
 * parameter with application to location quotients", BMC Medical
 * Research Methodology 5:32, give delta, Fieller and profile-likelihood
 * intervals for the general case).  The count's exact interval (Garwood
 * 1936, "Fiducial limits for the Poisson distribution", Biometrika 28),
 *   [G⁻¹(α/2; x), G⁻¹(1 − α/2; x + 1)],  α = 1 − level,
 * with G⁻¹(·; a) the quantile of the gamma distribution of shape a and
 * scale 1 (real shapes: fractional counts work; the lower limit is 0 at
 * x = 0), divided by the expected count n p, gives
 *   *lo ≤ RCA = x / (n p) ≤ *hi.
 * The gamma quantiles agree with scipy to 1e-14 for counts up to 10^5
 * and with mpmath to 1e-13 at 10^7 (where scipy errs by 8e-7 in the
 * 1e-9 tail).  A lower limit below 2.2e-308 · n p is 0.  Both limits are
 * NaN when an input is NaN, n ≤ 0 or infinite, p ≤ 0 or p > 1 (no RCA),
 * x < 0, x > n, or level is outside (0, 1).  Never calls GSL's error
 * handler. */
S3_API void s3_rca_interval(double x, double n, double p, double level,
                            double *lo, double *hi);

/* How s3_gamma_log_tail evaluates: AUTO as the intervals do; SERIES the
 * A&S series or continued fraction at every shape (O(√a) terms; NaN
 * past 64 + 32 √(10^7) ≈ 10^5 of them, near the mode from a ≈ 10^8); TEMME
 * Temme's uniform expansion (NaN unless a ≥ 20 and |t / a − 1| ≤ 0.4).  The
 * last two are for tests of the crossover. */
enum { S3_GAMMA_AUTO = 0, S3_GAMMA_SERIES = 1, S3_GAMMA_TEMME = 2 };

/* log P(a, t) (upper = 0) or log Q(a, t) (upper ≠ 0), the regularised
 * incomplete gamma functions (Abramowitz & Stegun 6.5.1) behind the
 * limits of s3_rca_interval, for a, t > 0 finite (else NaN).  With AUTO,
 * shapes a ≥ 1000 take Temme's expansion near the mode (|t / a − 1| ≤
 * 0.4; Temme 1979, DiDonato & Morris 1986) and the series or fraction
 * beyond it, where they converge in a few dozen terms: the cost is
 * bounded for every a, and the relative error of log P and log Q is below
 * 1e-14 where they are above 1e-17 (measured against mpmath).  NaN if an
 * iteration fails to converge. */
S3_API double s3_gamma_log_tail(double a, double t, int upper, int method);

/* s3_rca_interval for every cell of X (nr × nc), with rs, ref_share and
 * per_unit_ref as for s3_overrep_pvalues; lo and hi are nr × nc.  Returns
 * the number of cells with NaN limits. */
S3_API size_t s3_rca_intervals(const double *x, size_t nr, size_t nc,
                               const double *rs, const double *ref_share,
                               int per_unit_ref, double level, double *lo,
                               double *hi);

/* ---- the binary matrix ------------------------------------------------- */

/* The ones of a binary matrix M (nr × nc), row by row: unit c holds the
 * classes col[start[c]] .. col[start[c + 1] − 1], in increasing order.
 * The kernels on M take this index: M is sparse in practice, and its
 * products are sums of selected rows. */
typedef struct {
    size_t nr, nc, n; /* rows, columns, ones */
    size_t *start;    /* nr + 1 entries */
    uint32_t *col;    /* n entries (room for nr · nc when built) */
} s3_ones;

/* Fill o from a dense matrix m (an entry counts when it is exactly 1; NaN
 * and 0 do not): o->start needs nr + 1 entries, o->col room for every
 * one.  Returns the number of ones. */
S3_API size_t s3_ones_index(const double *m, size_t nr, size_t nc, s3_ones *o);

/* ---- relatedness -------------------------------------------------------- */

/* The 64-bit words of workspace s3_proximity and s3_unit_proximity need. */
S3_API size_t s3_proximity_workspace(size_t nr, size_t nc);

/* Proximity between classes (Hidalgo et al. 2007):
 *   φ_pq = Σ_c M_cp M_cq / max(k_p, k_q),  φ_pp = 1,
 * NaN in the rows and columns of a class with ubiquity k_p = 0.  phi is
 * nc × nc.  The counts are exact: bitsets, AND and popcount.  work holds
 * s3_proximity_workspace(nr, nc) 64-bit words. */
S3_API void s3_proximity(const s3_ones *m, double *phi, void *work);

/* The same on the unit side: φ_cd = Σ_p M_cp M_dp / max(k_c, k_d); phi is
 * nr × nr. */
S3_API void s3_unit_proximity(const s3_ones *m, double *phi, void *work);

/* Normalisations of a co-occurrence matrix C (n × n, symmetric; its
 * diagonal is ignored), as EconGeo's relatedness() (van Eck & Waltman 2009;
 * Steijn 2017), with s_i = Σ_j C_ij and t = Σ_ij C_ij:
 *   association  C_ij t / (s_i s_j)
 *   probability  C_ij / ((s_i s_j / (t − s_j) + s_j s_i / (t − s_i)) / 2)
 *   cosine       C_ij / sqrt(s_i s_j)
 *   jaccard      C_ij / (s_i + s_j − C_ij)
 * The diagonal of out is 0; a zero denominator gives NaN where EconGeo
 * writes 0 (for association, probability and cosine: any pair with a class
 * that never co-occurs; for jaccard, which stays defined, only a pair of
 * two such classes).  work holds n doubles. */
typedef enum {
    S3_REL_ASSOCIATION,
    S3_REL_PROBABILITY,
    S3_REL_COSINE,
    S3_REL_JACCARD
} s3_relatedness_method;

S3_API void s3_cooccurrence_relatedness(const double *c, size_t n,
                                        s3_relatedness_method method,
                                        double *out, double *work);

/* Relatedness density (Hidalgo et al. 2007; Balland et al. 2019):
 *   ω_cp = Σ_q M_cq φ_pq / Σ_q φ_pq,  0–1,
 * for the binary M given densely (nr × nc, 0 or 1, no NaN: one BLAS dgemm
 * is faster than any sparse product at usual densities) and a symmetric
 * relatedness matrix φ (nc × nc, no NaN; its diagonal is used as it is: 1
 * for proximity).  A class with Σ_q φ_pq = 0 gives NaN.  omega is nr × nc;
 * work holds nc doubles. */
S3_API void s3_density(const double *m, size_t nr, size_t nc, const double *phi,
                       double *omega, double *work);

/* ---- economic complexity ----------------------------------------------- */

/* Standardise v[0..n) to mean 0 and sample standard deviation 1 (n − 1).
 * Returns 0, or -1 (v set to NaN) when n < 2 or the deviation is 0. */
S3_API int s3_standardise(double *v, size_t n);

/* Size of the workspace s3_complexity_eigen needs: *nwork doubles and
 * *niwork ints. */
S3_API void s3_complexity_workspace(size_t nr, size_t nc, size_t *nwork,
                                    size_t *niwork);

/* ECI and PCI (Hidalgo & Hausmann 2009) by the eigenvector method: the
 * eigenvector of the second-largest eigenvalue of D⁻¹ M U⁻¹ Mᵀ (D, U the
 * diagonal diversity and ubiquity) for units and of U⁻¹ Mᵀ D⁻¹ M for
 * classes.  Both are similar to the symmetric N Nᵀ and Nᵀ N with
 * N = D^-½ M U^-½, so only the smaller side is solved, with LAPACK's
 * dsyevr for its two largest eigenpairs; the other side follows from
 * x = D⁻¹ M y (y = U⁻¹ Mᵀ x).  Results are standardised (s3_standardise)
 * and signed so that ECI correlates positively with diversity and PCI with
 * the mean ECI of the units holding the class.
 * Every unit and every class of m must hold a one (drop empty ones
 * first; -1 otherwise).  *lambda receives the two largest eigenvalues (λ1 = 1
 * up to rounding; λ2 close to 1 means the network splits into disconnected
 * parts).  Returns 0, or -1 when the solver fails. */
S3_API int s3_complexity_eigen(const s3_ones *m, double *eci, double *pci,
                               double lambda[2], double *work, size_t nwork,
                               int *iwork, size_t niwork);

/* ECI and PCI by the method of reflections (Hidalgo & Hausmann 2009):
 *   k_c,0 = diversity, k_p,0 = ubiquity,
 *   k_c,n = Σ_p M_cp k_p,n−1 / k_c,0,  k_p,n = Σ_c M_cp k_c,n−1 / k_p,0,
 * for n = 1 .. iterations − 1; ECI is k_c at the last even order and PCI
 * k_p at the last odd order, standardised and signed as in
 * s3_complexity_eigen (as the R package economiccomplexity).  iterations
 * must be at least 2.  work holds 3 (nr + nc) doubles. */
S3_API void s3_complexity_reflections(const s3_ones *m, size_t iterations,
                                      double *eci, double *pci, double *work);

/* Complexity outlook (Hausmann et al. 2014), for the binary M given densely
 * as for s3_density, relatedness φ (nc × nc symmetric, no NaN), density ω
 * (from s3_density) and pci[nc]:
 *   COI_c  = Σ_p ω_cp (1 − M_cp) PCI_p
 *   COG_cp = (1 − M_cp) Σ_q (φ_pq / Σ_r φ_rq) (1 − M_cq) PCI_q.
 * cog is nr × nc; work holds nc · nc + 2 nc doubles.  One BLAS dgemm. */
S3_API void s3_outlook(const double *m, size_t nr, size_t nc, const double *phi,
                       const double *omega, const double *pci, double *coi,
                       double *cog, double *work);

#ifdef __cplusplus
}
#endif
#endif /* S3_KERNELS_H */
