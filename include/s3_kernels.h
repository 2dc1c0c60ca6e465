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

#ifdef __cplusplus
extern "C" {
#endif

/* Compensated (Neumaier) sum of n values v[0], v[stride], ...  NaN values
 * propagate. */
double
s3_sum(const double *v, size_t n, size_t stride);

/* Row sums rs[nr] and column sums cs[nc] of X, each compensated. */
void
s3_margins(const double *x, size_t nr, size_t nc, double *rs, double *cs);

/* Shares and revealed comparative advantage (Balassa 1965):
 *   share_cp = x_cp / x_c,   rca_cp = share_cp / (ref_p / Σ ref)
 * ref[nc] is the reference distribution; pass the column sums of X for the
 * network reference, or an external baseline.  share and rca are nr × nc;
 * a unit with x_c = 0 gives NaN shares and RCAs, a class with ref_p = 0 NaN
 * RCAs.  rs[nr] must hold the row sums of X.  Returns the number of NaN RCA
 * values. */
size_t
s3_rca(const double *x, size_t nr, size_t nc, const double *rs,
       const double *ref, double *share, double *rca);

/* Symmetric RCA (Dalum et al. 1998): (rca - 1) / (rca + 1), in [-1, 1);
 * NaN stays NaN.  out may equal rca. */
void
s3_rsca(const double *rca, size_t n, double *out);

/* Binary specialisation M = 1 where rca >= threshold, 0 below, NaN where
 * rca is NaN. */
void
s3_binary(const double *rca, size_t n, double threshold, double *m);

/* Diversity k_c = Σ_p M_cp over the defined values (NaN when none is). */
void
s3_diversity(const double *m, size_t nr, size_t nc, double *k);

/* Ubiquity k_p = Σ_c M_cp over the defined values (NaN when none is). */
void
s3_ubiquity(const double *m, size_t nr, size_t nc, double *k);

/* Per unit, from its shares (NaN row → NaN results):
 *   Krugman dissimilarity K_c = Σ_p |s_cp − r_p| (0–2), against the
 *   reference shares r[nc] (which sum to 1); the Hoover coefficient is K/2;
 *   Herfindahl H_c = Σ_p s_cp²;  Shannon entropy E_c = −Σ_p s_cp log2 s_cp
 *   (0 log 0 = 0).  Any output pointer may be NULL. */
void
s3_unit_profile(const double *share, size_t nr, size_t nc, const double *r,
                double *krugman, double *herfindahl, double *entropy);

/* Related and unrelated variety (Frenken, Van Oort & Verburg 2007).
 * group[p] in [0, ng) puts each class in a group (a NACE division, a WIPO
 * sector).  With P_g = Σ_{p∈g} s_cp:
 *   unrelated_c = −Σ_g P_g log2 P_g,
 *   related_c   = Σ_g P_g H_g,  H_g = −Σ_{p∈g} (s_cp/P_g) log2 (s_cp/P_g),
 * so that related + unrelated = entropy.  work holds ng doubles. */
void
s3_variety(const double *share, size_t nr, size_t nc, const size_t *group,
           size_t ng, double *related, double *unrelated, double *work);

/* Locational Gini per class (Krugman 1991, as EconGeo's locational.Gini):
 * units ordered by x_cp / x_c, the Lorenz curve of the class's cumulative
 * share against the units' cumulative share of the total; the area between
 * it and the diagonal, 0 (spread like the total) to 0.5.  Units with x_c = 0
 * are left out; a class with x_p = 0 gives NaN.  rs[nr] holds the row sums;
 * work holds 2·nr doubles and iwork nr size_t. */
void
s3_locational_gini(const double *x, size_t nr, size_t nc, const double *rs,
                   double *gini, double *work, size_t *iwork);

#ifdef __cplusplus
}
#endif
#endif /* S3_KERNELS_H */
