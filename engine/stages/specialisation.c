/*
 * specialisation.c — the first stage on a count matrix: where each unit
 * is over-represented.  Shares, the Balassa RCA (location quotient) and
 * its symmetric and binary forms, against the network and, where the
 * matrix has one, against a baseline region; per unit its diversity and
 * profile (Krugman, Herfindahl, entropy, related and unrelated variety
 * after Frenken, Van Oort & Verburg 2007), per class its ubiquity and
 * locational Gini; and for matrices over the baseline's sector aggregates
 * the local economy beside the centres.  The kernels are in measures/.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* A zeroed array of n doubles (one more, so that n = 0 allocates). */
static double *
dalloc(size_t n)
{
    return calloc(n + 1, sizeof(double));
}

s3_status
s3i_specialise(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x, s3i_mres *r)
{
    size_t nr = x->nr, nc = x->nc, n = nr * nc;
    size_t nw = nr + nc + 3 * (nr > nc ? nr : nc) + x->ngroups + 16;
    r->x = x;
    r->rs = dalloc(nr), r->cs = dalloc(nc);
    r->share = dalloc(n), r->rca = dalloc(n), r->rsca = dalloc(n);
    r->m = dalloc(n);
    r->rcab = x->bref ? dalloc(n) : NULL;
    r->div = dalloc(nr), r->krug = dalloc(nr), r->herf = dalloc(nr);
    r->entr = dalloc(nr), r->rv = dalloc(nr), r->uv = dalloc(nr);
    r->ubiq = dalloc(nc), r->gini = dalloc(nc);
    r->econ_cs = x->bown ? dalloc(n) : NULL;
    r->econ_es = x->bown ? dalloc(n) : NULL;
    double *work = dalloc(nw), *vshare = x->vx ? dalloc(nr * x->nvc) : NULL,
           *vrca = x->vx ? dalloc(nr * x->nvc) : NULL,
           *vcs = x->vx ? dalloc(x->nvc) : NULL;
    size_t *iwork = malloc((nr + 1) * sizeof(size_t));
    s3_status rc = S3_OK;
    if (!r->rs || !r->cs || !r->share || !r->rca || !r->rsca || !r->m ||
        (x->bref && !r->rcab) || !r->div || !r->krug || !r->herf || !r->entr ||
        !r->rv || !r->uv || !r->ubiq || !r->gini ||
        (x->bown && (!r->econ_cs || !r->econ_es)) || !work || !iwork ||
        (x->vx && (!vshare || !vrca || !vcs))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_margins(x->x, nr, nc, r->rs, r->cs);
    s3_rca(x->x, nr, nc, r->rs, r->cs, r->share, r->rca);
    s3_rsca(r->rca, n, r->rsca);
    s3_binary(r->rca, n, m->threshold, r->m);
    if (x->bref)
        for (size_t c = 0; c < nr; c++)
            s3_rca(x->x + c * nc, 1, nc, &r->rs[c], x->bref + c * nc,
                   r->share + c * nc, r->rcab + c * nc);
    /* per unit, against the network's profile */
    double total = s3_sum(r->rs, nr, 1);
    double *ref_share = work; /* nc */
    for (size_t p = 0; p < nc; p++)
        ref_share[p] = total > 0.0 ? r->cs[p] / total : NAN;
    s3_diversity(r->m, nr, nc, r->div);
    s3_unit_profile(r->share, nr, nc, ref_share, r->krug, r->herf, r->entr);
    if (x->vx) {
        double *vrs = work + nc; /* nr */
        s3_margins(x->vx, nr, x->nvc, vrs, vcs);
        s3_rca(x->vx, nr, x->nvc, vrs, vcs, vshare, vrca);
        s3_variety(vshare, nr, x->nvc, x->vgroup, x->ngroups, r->rv, r->uv,
                   work + nc + nr);
    } else {
        for (size_t c = 0; c < nr; c++)
            r->rv[c] = r->uv[c] = NAN;
    }
    /* per class */
    s3_ubiquity(r->m, nr, nc, r->ubiq);
    s3_locational_gini(x->x, nr, nc, r->rs, r->gini, work, iwork);
    /* the local economy: the unit's share of each aggregate beside the
     * aggregate's share of employment in the unit's own region */
    for (size_t c = 0; x->bown && c < nr; c++) {
        double tot = s3_sum(x->x + c * nc, nc, 1), btot = 0.0;
        for (size_t p = 0; p < nc; p++)
            btot += x->bown[c * nc + p];
        for (size_t p = 0; p < nc; p++) {
            r->econ_cs[c * nc + p] = tot > 0.0 ? x->x[c * nc + p] / tot : NAN;
            r->econ_es[c * nc + p] =
                btot > 0.0 ? x->bown[c * nc + p] / btot : NAN;
        }
    }
done:
    free(work), free(vshare), free(vrca), free(vcs), free(iwork);
    return rc;
}

s3_status
s3i_specialisation_notes(s3_ctx *ctx, const s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, empty_units = 0, no_ref = 0;
    for (size_t c = 0; c < nr; c++)
        empty_units += !(r->rs[c] > 0.0);
    if (x->bref)
        for (size_t c = 0; c < nr; c++)
            no_ref += isnan(x->bref[c * nc]);
    char scope[96], msg[256];
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    if (empty_units) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units have a total of 0: their shares, RCAs and "
                 "profile measures have no value",
                 empty_units, nr);
        if (s3i_note(notes, scope, msg))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (no_ref) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units have no baseline region: rca_baseline has "
                 "no value for them",
                 no_ref, nr);
        if (s3i_note(notes, scope, msg))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!x->vx && x->no_variety && s3i_note(notes, scope, x->no_variety))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}
