/*
 * relatedness.c — the relatedness stage: how close classes are to each
 * other, and units to each other.
 *
 * Proximity (Hidalgo, Klinger, Barabási & Hausmann 2007) between the
 * classes that hold a specialisation, and its unit-side counterpart; the
 * relatedness φ that density and outlook use is proximity or, when the
 * model asks and the matrix has patents, a normalisation of how often two
 * technology fields share a patent (van Eck & Waltman 2009, as EconGeo's
 * `relatedness`).  The kernels are in measures/binary.c and
 * measures/relatedness.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

s3_status
s3i_relatedness(s3_ctx *ctx, const s3_model *m, s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, n2c = r->n2c;
    size_t nw = s3_proximity_workspace(nr, n2c) + n2c * n2c + 2 * n2c +
                3 * (nr + nc) + 16;
    r->prox = s3i_calloc_big(n2c * n2c + 1, sizeof(double));
    r->phi = s3i_calloc_big(n2c * n2c + 1, sizeof(double));
    r->uprox = s3i_calloc_big(nr * nr + 1, sizeof(double));
    double *work = s3i_malloc_big(nw, sizeof(double)),
           *cc = s3i_malloc_big(n2c * n2c + 1, sizeof(double));
    s3_status rc = S3_OK;
    if (!r->prox || !r->phi || !r->uprox || !work || !cc) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    int rel = m->relatedness;
    if (rel != S3I_REL_PROXIMITY && !x->cooc) {
        char scope[96];
        snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
        if (s3i_note(notes, scope,
                     "patent co-occurrence relatedness exists for technology "
                     "fields only: proximity is used here")) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        rel = S3I_REL_PROXIMITY;
    }
    /* proximity between kept classes (always, for proximity.csv) */
    s3_proximity(&r->oc, r->prox, work);
    r->phi_symmetric = rel == S3I_REL_PROXIMITY;
    if (rel == S3I_REL_PROXIMITY) {
        memcpy(r->phi, r->prox, n2c * n2c * sizeof(double));
    } else {
        for (size_t i = 0; i < n2c; i++)
            for (size_t j = 0; j < n2c; j++)
                cc[i * n2c + j] = x->cooc[r->col2[i] * nc + r->col2[j]];
        s3_cooccurrence_relatedness(cc, n2c, (s3_relatedness_method)(rel - 1),
                                    r->phi, work);
        /* a class that never shares a patent is related to nothing */
        for (size_t i = 0; i < n2c * n2c; i++)
            if (isnan(r->phi[i]))
                r->phi[i] = 0.0;
    }
    s3_unit_proximity(&r->oc, r->uprox, work);
done:
    free(work), free(cc);
    return rc;
}

s3_status
s3i_cooccurrence(s3_ctx *ctx, s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    size_t n = x->nc;
    double *work = malloc((n + 1) * sizeof(double));
    r->rel = s3i_malloc_big(4 * n * n + 1, sizeof(double));
    if (!work || !r->rel) {
        free(work);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    for (int k = 0; k < 4; k++)
        s3_cooccurrence_relatedness(x->cooc, n, (s3_relatedness_method)k,
                                    r->rel + (size_t)k * n * n, work);
    free(work);
    return S3_OK;
}
