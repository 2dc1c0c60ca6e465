/*
 * s3_learning.h — pure kernels for learning partners: how alike two units'
 * profiles (shares over classes) are, for "which regions should we learn
 * from".
 *
 * Same rules as s3_kernels.h: outputs and workspaces from the caller, no
 * allocation, no I/O, no static state; NaN means "no value".
 */
#ifndef S3_LEARNING_H
#define S3_LEARNING_H

#include <stddef.h>

#include "s3_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Cosine of the profiles h and c (n classes, non-negative):
 * Σ h_i c_i / sqrt(Σ h_i² · Σ c_i²), 0..1; NaN when either is all 0 or
 * holds a NaN.  The pairwise form of s3_cosine_similarity. */
S3_API double s3_profile_cosine(const double *h, const double *c, size_t n);

/* Krugman dissimilarity of two share profiles (Krugman 1991, "Geography
 * and Trade"): Σ |h_i − c_i|, 0 (the same mix) .. 2 (nothing in common);
 * NaN when a share is NaN. */
S3_API double s3_krugman_distance(const double *h, const double *c, size_t n);

/* The profiles pushed through the class proximity: out = s Φ (nr × nc
 * times nc × nc, one dgemm; Φ symmetric, so row u of out is Φ s_u).  A
 * NaN in Φ must be replaced by the caller (0: unrelated). */
S3_API void s3_related_profiles(const double *s, size_t nr, size_t nc,
                                const double *phi, double *out);

/* Relatedness-weighted similarity of h and c under the class proximity Φ:
 *   hᵀΦc / sqrt(hᵀΦh · cᵀΦc)
 * from the profiles and their images under Φ (ph = Φh, pc = Φc, as
 * s3_related_profiles makes them), so that many pairs cost n each.  With
 * Φ = I it is the cosine; two units in different but related classes are
 * alike here and not by the cosine.  NaN when hᵀΦh or cᵀΦc is not
 * positive. */
S3_API double s3_related_similarity(const double *h, const double *c,
                                    const double *ph, const double *pc,
                                    size_t n);

/* The same for one pair with Φ itself (n × n, symmetric); work holds 2 n
 * doubles. */
S3_API double s3_related_similarity_phi(const double *h, const double *c,
                                        size_t n, const double *phi,
                                        double *work);

#ifdef __cplusplus
}
#endif
#endif /* S3_LEARNING_H */
