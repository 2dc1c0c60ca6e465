/*
 * overlaps.c — the overlaps stage: how similar the units' profiles are,
 * how far one unit holds what another could move into, groups of similar
 * units, and for each unit its best partners of both kinds — the
 * cooperation network the Ruhr centres aim at.  Cosine of the count rows,
 * Jaccard of the specialisations, complementarity (the share of c's
 * opportunities, weighted by density, that d holds), average-linkage
 * clusters on 1 − cosine; the kernels are in measures/overlaps.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* The k best partners of unit c by value (descending, NaN and c itself
 * left out, ties by index) into best[]; returns how many. */
static size_t
best_partners(const double *v, size_t n, size_t c, size_t k, size_t *best)
{
    size_t nb = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == c || isnan(v[j]))
            continue;
        size_t pos = nb < k ? nb++ : k;
        while (pos > 0 && v[best[pos - 1]] < v[j]) {
            if (pos < k)
                best[pos] = best[pos - 1];
            pos--;
        }
        if (pos < k)
            best[pos] = j;
    }
    return nb;
}

s3_status
s3i_overlaps(s3_ctx *ctx, const s3_model *m, s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc2 = r->n2c, k = m->partners;
    size_t nw = s3_proximity_workspace(nr, nc2);
    size_t nw2 =
        nr * nc2 > 2 * nr * nr + 4 * nr ? nr * nc2 : 2 * nr * nr + 4 * nr;
    s3_status rc = S3_OK;
    r->cos = malloc((nr * nr + 1) * sizeof(double));
    r->jac = malloc((nr * nr + 1) * sizeof(double));
    r->comp = malloc((nr * nr + 1) * sizeof(double));
    r->clu_unit = malloc((nr + 1) * sizeof(size_t));
    r->clu_label = malloc((nr + 1) * sizeof(size_t));
    r->npart = calloc(2 * nr + 1, sizeof(size_t));
    r->part = malloc((2 * nr * k + 1) * sizeof(size_t));
    r->npart_k = k;
    double *dist = malloc((nr * nr + 1) * sizeof(double)),
           *work = malloc((nw2 + nw + 1) * sizeof(double)),
           *height = malloc((nr + 1) * sizeof(double));
    size_t *ma = malloc((nr + 1) * sizeof(size_t)),
           *mb = malloc((nr + 1) * sizeof(size_t));
    if (!r->cos || !r->jac || !r->comp || !r->clu_unit || !r->clu_label ||
        !r->npart || !r->part || !dist || !work || !height || !ma || !mb) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_cosine_similarity(x->x, nr, x->nc, r->cos);
    s3_jaccard_units(&r->oc, r->jac, work);
    s3_complementarity(r->mc, r->omega, nr, nc2, r->comp, work);
    /* clusters of the units with activity, on 1 − cosine */
    size_t nk = 0, *keep = r->clu_unit;
    for (size_t c = 0; c < nr; c++)
        if (!isnan(r->cos[c * nr + c]))
            keep[nk++] = c;
    for (size_t i = 0; i < nk; i++)
        for (size_t j = 0; j < nk; j++) {
            double cv = r->cos[keep[i] * nr + keep[j]];
            dist[i * nk + j] = i == j ? 0.0 : 1.0 - (isnan(cv) ? 0.0 : cv);
        }
    r->nclu = nk;
    if (nk > 0)
        s3_cluster_average(dist, nk, m->cluster_cut, r->clu_label, ma, mb,
                           height, work);
    /* partners: most similar (kind 0) and most complementary (kind 1) */
    for (size_t c = 0; c < nr; c++)
        for (int kind = 0; kind < 2; kind++) {
            const double *v = (kind ? r->comp : r->cos) + c * nr;
            size_t slot = c * 2 + (size_t)kind;
            r->npart[slot] = best_partners(v, nr, c, k, r->part + slot * k);
            if (r->npart[slot] > k)
                r->npart[slot] = k;
        }
done:
    free(dist), free(work), free(height), free(ma), free(mb);
    return rc;
}
