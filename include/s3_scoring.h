/*
 * s3_scoring.h — pure kernels for the strategist's questions: composite
 * development-potential scores with their uncertainty, and the overlaps
 * between units (similarity, clusters, complementarity).
 *
 * Same rules as s3_kernels.h: row-major dense matrices, outputs and
 * workspaces from the caller, no allocation, no I/O, no static state; NaN
 * means "no value".
 */
#ifndef S3_SCORING_H
#define S3_SCORING_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "s3_export.h"
#include "s3_kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- composite scores (OECD/JRC Handbook on Constructing Composite
 * Indicators, 2008) ------------------------------------------------------ */

typedef enum {
    S3_NORM_MINMAX, /* (x − min) / (max − min), 0–1 */
    S3_NORM_ZSCORE, /* (x − mean) / sd (sample, n − 1) */
    S3_NORM_RANK, /* (rank − 1) / (n − 1), average ranks for ties, 0–1 */
    S3_NORM_GOALPOSTS /* (x − lo) / (hi − lo) clipped to 0–1 */
} s3_normalisation;

typedef enum {
    S3_AGG_ARITHMETIC, /* Σ w_i y_i (weights summing to 1) */
    S3_AGG_GEOMETRIC   /* Π (y_i + shift)^w_i − shift */
} s3_aggregation;

/* Normalise each column j of the n × k indicator matrix x into y (n × k)
 * by `how`, over the units with a value (NaN stays NaN).  dir[j] is +1
 * (higher is better) or −1 (lower is better: the normalised value is
 * mirrored, 1 − y for the 0–1 methods and −y for z-scores; any negative
 * dir[j] counts as −1).  lo[j], hi[j] are the goalposts (only read for
 * S3_NORM_GOALPOSTS).  A column with no spread (all values equal, or one
 * value) gives 0.5 for min-max and ranks and 0 for z-scores: it cannot
 * tell units apart.  With goalposts the scale is fixed by lo and hi, not
 * by the data, so a constant column keeps its value; goalposts with
 * hi ≤ lo cannot scale anything and give 0.5.  work holds 2 n doubles and
 * iwork n size_t. */
S3_API void s3_normalise(const double *x, size_t n, size_t k, const int *dir,
                         s3_normalisation how, const double *lo,
                         const double *hi, double *y, double *work,
                         size_t *iwork);

/* The scale of each indicator taken from reference units rather than
 * from the units normalised: a scenario is normalised on the baseline's
 * goalposts, so that a unit whose indicators did not change keeps its
 * normalised values (and its score) bit for bit.  Per indicator j:
 * m[j] reference values (the defined ones), sorted ascending at
 * sorted + j · nref; their min, max, mean and sd (sample, n − 1), summed
 * in the reference's unit order as s3_normalise sums them.  floor: NaN,
 * or the least value s3_normalise_scaled gives by min-max or ranks (a
 * geometric mean needs y + shift > 0; values below a reference's range
 * give y < 0).
 * Filled by s3_scale_build; every array is the caller's. */
typedef struct {
    size_t k, nref;
    const double *sorted, *min, *max, *mean, *sd;
    const size_t *m;
    double floor;
} s3_scale;

/* The scale of the nref × k reference matrix ref (NaN: no value).  buf
 * holds k · (nref + 4) + nref doubles and mbuf k size_t (both then held by
 * sc), iwork nref size_t; floor is NaN. */
S3_API void s3_scale_build(const double *ref, size_t nref, size_t k,
                           double *buf, size_t *mbuf, size_t *iwork,
                           s3_scale *sc);

/* Normalise x (n × k) as s3_normalise does, but on the scale sc instead of
 * x's own: min-max with the reference's min and max, z-scores with its
 * mean and sd, ranks as the mid-rank among the reference's values
 * ((p + 1 + q) / 2 with p values below and q − p equal; a value between
 * two reference values falls between their ranks), goalposts as
 * s3_normalise.  So a unit with the same values as a reference unit gets
 * exactly that unit's normalised values, and values outside the
 * reference's range give values outside 0–1, not clipped (only raised to
 * sc->floor when that is set).  An indicator whose reference has no
 * spread gives 0.5 (z-score 0) for its reference value, 1 (z-score 1)
 * above it and 0 (z-score −1) below, before mirroring; one whose
 * reference has no value gives NaN. */
S3_API void s3_normalise_scaled(const double *x, size_t n, size_t k,
                                const int *dir, s3_normalisation how,
                                const double *lo, const double *hi,
                                const s3_scale *sc, double *y);

/* Aggregate the normalised n × k matrix y with weights w[k] (w_j ≥ 0, not
 * all 0; they need not sum to 1) into score[n]: each unit's weights are
 * scaled to sum to 1 over the indicators it has.  A missing value (NaN)
 * drops that indicator for that unit and the unit's remaining weights are
 * rescaled to sum to 1; a unit with no value at all gets NaN.  An
 * indicator with weight 0 takes no part (nor does its missing value); a
 * unit whose only values have weight 0 gets NaN.  Geometric aggregation
 * uses y + shift (shift > 0 keeps a 0 from zeroing the product; values
 * with y + shift ≤ 0, as z-scores can give, make the score NaN).  Returns
 * the number of units with a score whose weights were rescaled. */
S3_API size_t s3_aggregate(const double *y, size_t n, size_t k, const double *w,
                           s3_aggregation how, double shift, double *score);

/* Ranks of score[n], 1 = highest; NaN last; ties keep the order of the
 * units (which the engine sorts by id), so ranks are a strict order.
 * rank[i] is the rank of unit i (rank serves as scratch first: it must not
 * overlap score); iwork holds n size_t. */
S3_API void s3_rank(const double *score, size_t n, double *rank, size_t *iwork);

/* A Monte Carlo over the weights (and optionally over the normalisation
 * and aggregation method) of a composite score.  In each draw every weight
 * is multiplied by exp(sd · z), z standard normal, and the weights are
 * renormalised; when vary_norm is set the normalisation is drawn uniformly
 * from minmax, zscore and rank (goalposts too when lo/hi are given), when
 * vary_agg the aggregation from arithmetic and geometric (geometric is
 * never paired with zscore: the drawn pair is redrawn; when neither is
 * drawn, norm and agg are used as given).  With sd = 0 the weights are
 * kept as they are.  lo/hi must be given when norm is S3_NORM_GOALPOSTS.
 * In every draw the units are ranked as s3_rank does (NaN last, ties by
 * index).  The draws come from r (the caller seeds it, so a run is
 * reproducible from its seed).
 *
 * Per unit: median rank and the 5 % and 95 % rank quantiles (the smallest
 * rank whose cumulative share of draws reaches 0.5, 0.05, 0.95).  For every
 * ordered pair: outrank[a·n + b] = share of draws in which a ranks above b
 * (diagonal 0; outrank[a·n + b] + outrank[b·n + a] = 1).  If `progress` is
 * not NULL it is called now and then (at most 100 times, after blocks of
 * draws, the last time with 1) with the fraction done.
 *
 * Workspace: s3_uncertainty_workspace(n, k, draws) bytes in work, aligned
 * as malloc aligns.  Returns 0, or -1 when the workspace is too small or
 * draws is 0. */
S3_API size_t s3_uncertainty_workspace(size_t n, size_t k, size_t draws);

S3_API int s3_score_uncertainty(
    const double *x, size_t n, size_t k, const int *dir, const double *w,
    s3_normalisation norm, s3_aggregation agg, double shift, const double *lo,
    const double *hi, size_t draws, double sd, int vary_norm, int vary_agg,
    gsl_rng *r, double *rank_median, double *rank_p05, double *rank_p95,
    double *outrank, void *work, size_t nwork, void (*progress)(void *, double),
    void *progress_user);

/* The same Monte Carlo with the indicators drawn too: xd holds one n × k
 * indicator matrix per draw (draws × n × k, e.g. from a bootstrap of the
 * data the indicators come from), normalised within its draw; draw d
 * pairs xd + d·n·k with the d-th drawn weights (and methods), so that the
 * bands and the outranking shares reflect the data and the weights
 * together.  The weights come from r exactly as in s3_score_uncertainty:
 * seeded alike, both draw the same weights.  Same workspace. */
S3_API int s3_score_uncertainty_data(
    const double *xd, size_t n, size_t k, const int *dir, const double *w,
    s3_normalisation norm, s3_aggregation agg, double shift, const double *lo,
    const double *hi, size_t draws, double sd, int vary_norm, int vary_agg,
    gsl_rng *r, double *rank_median, double *rank_p05, double *rank_p95,
    double *outrank, void *work, size_t nwork, void (*progress)(void *, double),
    void *progress_user);

/* The Monte Carlo of s3_score_uncertainty (per_draw = 0: x is n × k) or
 * of s3_score_uncertainty_data (per_draw = 1: x is draws × n × k), with
 * every normalisation on the scale sc (s3_normalise_scaled) instead of
 * the draw's own data; sc = NULL is the plain function.  Same
 * workspace. */
S3_API int s3_score_uncertainty_scaled(
    const double *x, int per_draw, size_t n, size_t k, const int *dir,
    const double *w, s3_normalisation norm, s3_aggregation agg, double shift,
    const double *lo, const double *hi, const s3_scale *sc, size_t draws,
    double sd, int vary_norm, int vary_agg, gsl_rng *r, double *rank_median,
    double *rank_p05, double *rank_p95, double *outrank, void *work,
    size_t nwork, void (*progress)(void *, double), void *progress_user);

/* ---- overlaps between units -------------------------------------------- */

/* Cosine similarity of the rows of x (nr × nc, non-negative): out is
 * nr × nr, 1 on the diagonal; NaN in the row and column of a unit whose
 * row is all 0. */
S3_API void s3_cosine_similarity(const double *x, size_t nr, size_t nc,
                                 double *out);

/* Jaccard similarity of the binary rows of M: |S_c ∩ S_d| / |S_c ∪ S_d|;
 * out is nr × nr, 1 on the diagonal; NaN where both units hold nothing
 * (so also on the diagonal of a unit that holds nothing; against a unit
 * that holds something it is 0).  The counts are exact: bitsets, AND and
 * popcount.  work holds s3_proximity_workspace(nr, nc) 64-bit words. */
S3_API void s3_jaccard_units(const s3_ones *m, double *out, void *work);

/* Complementarity of unit d for unit c: the share of c's opportunities,
 * weighted by c's relatedness density, in which d is specialised:
 *   K_cd = Σ_p (1 − M_cp) ω_cp M_dp / Σ_p (1 − M_cp) ω_cp,  K_cc = 0.
 * (a partner that is strong where c could go next).  m is the dense 0/1
 * matrix (nr × nc, no NaN), omega the density (NaN counts as 0); out is
 * nr × nr, its row c NaN for a unit c with no weighted opportunity
 * (Σ_p (1 − M_cp) ω_cp = 0), the diagonal 0 always.  work holds
 * nr × nc doubles.  One BLAS dgemm. */
S3_API void s3_complementarity(const double *m, const double *omega, size_t nr,
                               size_t nc, double *out, double *work);

/* Agglomerative clustering with average linkage (UPGMA) on a symmetric
 * distance matrix d (n × n, no NaN: one would count as +∞; the diagonal is
 * not read), by the nearest-neighbour chain algorithm (O(n²) time).  The
 * n − 1 merges (merge_a, merge_b, height: n − 1 entries each; none for
 * n = 1) are written in the order of increasing height: merge_a[i] <
 * merge_b[i] are the smallest unit index of each merged cluster, height[i]
 * the average distance between them (the textbook UPGMA branch height is
 * half of it).  Ties are settled deterministically: a nearest neighbour is
 * the chain's predecessor when it is among the nearest, else the smallest
 * index among them; equal heights keep the order in which the chain merged
 * them (a cluster is always formed before it merges again).  Cutting at
 * `cut` (merges with height ≤ cut are kept) gives label[n]: clusters
 * numbered 1, 2, ... in the order of their smallest unit index.  Returns
 * the number of clusters (0 for n = 0).  d is not modified; work holds
 * n² + 4 n doubles. */
S3_API size_t s3_cluster_average(const double *d, size_t n, double cut,
                                 size_t *label, size_t *merge_a,
                                 size_t *merge_b, double *height, double *work);

/* Each item's k nearest other items: keep[a * n + b] = 1 (else 0) where b
 * is among the k items with the largest v[map[a] * ld + map[b]], b != a
 * (map NULL: the identity), larger first, NaN last, ties to the smaller
 * index, so the choice is one total order.  Fewer than k when n - 1 < k.
 * keep holds n² bytes; work holds k indices.  (The pair tables at scale:
 * similarity by cosine, proximity.) */
S3_API void s3_nearest(const double *v, size_t ld, const size_t *map, size_t n,
                       size_t k, unsigned char *keep, size_t *work);

#ifdef __cplusplus
}
#endif
#endif /* S3_SCORING_H */
