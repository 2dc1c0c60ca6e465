/*
 * overlaps.c — the overlaps stage: how similar the units' profiles are,
 * how far one unit holds what another could move into, groups of similar
 * units, and for each unit its best partners of both kinds — the
 * cooperation network the Ruhr centres aim at.  Cosine of the count rows,
 * Jaccard of the specialisations, complementarity (the share of c's
 * opportunities, weighted by density, that d holds), average-linkage
 * clusters on 1 − cosine; the kernels are in measures/overlaps.c.
 *
 * Partners often tie: every unit that holds all of c's opportunities has
 * a complementarity of 1.  Within a tie (to 1e-12) the order is a second
 * key — Jaccard for the similar, cosine similarity for the complementary
 * (the partner nearer c's profile is the easier cooperation) — then the
 * id; each shown partner carries the number of other candidates it ties
 * with, and notes.csv says how often the shown ones are cut from a tie.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* Partners tie when their values differ by at most this: complementarity
 * is 1 for every unit that holds all of c's opportunities, and sums of
 * the same terms in another order differ in the last bits. */
#define TIE_TOL 1e-12

/* Whether candidate a ranks before candidate b: a higher value (beyond
 * TIE_TOL), then within a tie a higher second key w (NaN last), then the
 * lower index (the rows are in id order: the lower code). */
static int
ranks_before(const double *v, const double *w, size_t a, size_t b)
{
    if (fabs(v[a] - v[b]) > TIE_TOL)
        return v[a] > v[b];
    if (!isnan(w[a]) || !isnan(w[b])) {
        if (isnan(w[a]) || isnan(w[b]))
            return isnan(w[b]);
        if (w[a] != w[b])
            return w[a] > w[b];
    }
    return a < b;
}

/* The k best partners of unit c by value v, ties by w (ranks_before; NaN
 * values and c itself left out) into best[], and for each the number of
 * other candidates tied with it into tied[]; returns how many there are
 * (up to k).  *cut is set when the last shown partner's tie goes on
 * beyond the k shown. */
static size_t
best_partners(const double *v, const double *w, size_t n, size_t c, size_t k,
              size_t *best, size_t *tied, int *cut)
{
    size_t nb = 0, cand = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == c || isnan(v[j]))
            continue;
        cand++;
        size_t pos = nb < k ? nb++ : k;
        while (pos > 0 && ranks_before(v, w, j, best[pos - 1])) {
            if (pos < k)
                best[pos] = best[pos - 1];
            pos--;
        }
        if (pos < k)
            best[pos] = j;
    }
    for (size_t i = 0; i < nb; i++) {
        tied[i] = 0;
        for (size_t j = 0; j < n; j++)
            tied[i] += j != c && j != best[i] && !isnan(v[j]) &&
                       fabs(v[j] - v[best[i]]) <= TIE_TOL;
    }
    /* the shown partners tied with the last one, itself included */
    size_t shown = 0;
    for (size_t i = 0; i < nb; i++)
        shown += fabs(v[best[i]] - v[best[nb - 1]]) <= TIE_TOL;
    *cut = nb > 0 && cand > nb && tied[nb - 1] + 1 > shown;
    return nb;
}

/* The Jaccard similarity and the complementarity of a matrix's units, a
 * job for a second thread while the first computes the cosine similarity
 * and its clusters (each a pure function of its inputs: the same numbers
 * on either thread). */
typedef struct {
    s3i_mres *r;
    void *work; /* s3_proximity_workspace words and nr × n2c doubles */
} pairs_job;

static void *
pairs_work(void *arg)
{
    pairs_job *j = arg;
    s3i_mres *r = j->r;
    s3_jaccard_units(&r->oc, r->jac, j->work);
    s3_complementarity(r->mc, r->omega, r->x->nr, r->n2c, r->comp, j->work);
    return NULL;
}

/* From this many units on, the second thread takes pairs_work. */
enum { OVERLAPS_SPLIT_MIN = 200 };

s3_status
s3i_overlaps(s3_ctx *ctx, const s3_model *m, s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc2 = r->n2c, k = m->partners;
    size_t nw = s3_proximity_workspace(nr, nc2);
    size_t nw2 = nr * nc2 > nw ? nr * nc2 : nw; /* Jaccard, complementarity */
    size_t nwc = nr * nr + 4 * nr;              /* the clusters */
    s3_status rc = S3_OK;
    r->cos = s3i_malloc_big(nr * nr + 1, sizeof(double));
    r->jac = s3i_malloc_big(nr * nr + 1, sizeof(double));
    r->comp = s3i_malloc_big(nr * nr + 1, sizeof(double));
    r->clu_unit = malloc((nr + 1) * sizeof(size_t));
    r->clu_label = malloc((nr + 1) * sizeof(size_t));
    r->npart = calloc(2 * nr + 1, sizeof(size_t));
    r->part = s3i_malloc_big(2 * nr * k + 1, sizeof(size_t));
    r->ptied = s3i_malloc_big(2 * nr * k + 1, sizeof(size_t));
    r->npart_k = k;
    double *dist = s3i_malloc_big(nr * nr + 1, sizeof(double)),
           *work = s3i_malloc_big(nw2 + 1, sizeof(double)),
           *cwork = s3i_malloc_big(nwc + 1, sizeof(double)),
           *height = malloc((nr + 1) * sizeof(double));
    size_t *ma = malloc((nr + 1) * sizeof(size_t)),
           *mb = malloc((nr + 1) * sizeof(size_t));
    if (!r->cos || !r->jac || !r->comp || !r->clu_unit || !r->clu_label ||
        !r->npart || !r->part || !r->ptied || !dist || !work || !cwork ||
        !height || !ma || !mb) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    pairs_job job = {.r = r, .work = work};
    s3i_beside pairs;
    s3i_beside_start(&pairs, s3i_threads(ctx) >= 2 && nr >= OVERLAPS_SPLIT_MIN,
                     pairs_work, &job);
    s3_cosine_similarity(x->x, nr, x->nc, r->cos);
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
                           height, cwork);
    s3i_beside_end(&pairs);
    /* partners: most similar (kind 0; ties by Jaccard) and most
     * complementary (kind 1; ties by cosine similarity), then by id */
    size_t ncut[2] = {0, 0}, nties[2] = {0, 0};
    for (size_t c = 0; c < nr; c++)
        for (int kind = 0; kind < 2; kind++) {
            const double *v = (kind ? r->comp : r->cos) + c * nr;
            const double *w = (kind ? r->cos : r->jac) + c * nr;
            size_t slot = c * 2 + (size_t)kind;
            int cut;
            r->npart[slot] = best_partners(v, w, nr, c, k, r->part + slot * k,
                                           r->ptied + slot * k, &cut);
            ncut[kind] += (size_t)cut;
            for (size_t i = 0; i < r->npart[slot]; i++)
                nties[kind] += r->ptied[slot * k + i] > 0;
        }
    for (int kind = 0; kind < 2 && notes; kind++) {
        if (!ncut[kind])
            continue;
        char scope[96], msg[600];
        snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
        snprintf(msg, sizeof msg,
                 "%s partners: %zu shown partners tie with another candidate "
                 "on %s (to 1e-12; column tied counts them), ordered within "
                 "a tie by %s, then by id; for %zu of %zu units the %zu shown "
                 "are cut from a larger tie",
                 kind ? "complementary" : "similar", nties[kind],
                 kind ? "complementarity" : "cosine similarity",
                 kind ? "cosine similarity" : "Jaccard similarity", ncut[kind],
                 nr, k);
        if (s3i_note(notes, scope, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
done:
    free(dist), free(work), free(cwork), free(height), free(ma), free(mb);
    return rc;
}
