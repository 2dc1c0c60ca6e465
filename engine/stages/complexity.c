/*
 * complexity.c — the complexity stage: which units and classes hold a
 * specialisation at all, and the economic complexity of both (Hidalgo &
 * Hausmann 2009): ECI and PCI by the eigenvector method and by the method
 * of reflections (the kernels are in measures/complexity.c).
 *
 * Units and classes without any specialisation have no ECI or PCI, and
 * those classes no proximity, density or outlook: they are dropped here,
 * and the notes say how many.  The binary matrix over the kept classes
 * (mc, with the index of its ones) is what the later stages —
 * relatedness, potentials, overlaps — work on.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* A second eigenvalue this close to 1 means the units fall apart into
 * groups that share no specialisation (the bipartite graph of M is
 * nearly disconnected): ECI then mostly tells the groups apart. */
static const double NEARLY_DISCONNECTED = 1.0 - 1e-9;

static s3_status
note(s3_ctx *ctx, s3_table *notes, const char *scope, const char *msg)
{
    return s3i_note(notes, scope, msg)
               ? s3i_fail(ctx, S3_ENOMEM, "out of memory")
               : S3_OK;
}

s3_status
s3i_complexity(s3_ctx *ctx, const s3_model *m, s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc;
    s3_status rc = S3_OK;
    char scope[96], msg[320];
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    r->complexity = 1;
    r->row2 = malloc((nr + 1) * sizeof(size_t));
    r->col2 = malloc((nc + 1) * sizeof(size_t));
    r->pos2 = malloc((nc + 1) * sizeof(size_t));
    r->eci = malloc((nr + 1) * sizeof(double));
    r->ecir = malloc((nr + 1) * sizeof(double));
    r->coi = malloc((nr + 1) * sizeof(double));
    r->pci = malloc((nc + 1) * sizeof(double));
    r->pcir = malloc((nc + 1) * sizeof(double));
    if (!r->row2 || !r->col2 || !r->pos2 || !r->eci || !r->ecir || !r->coi ||
        !r->pci || !r->pcir)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t c = 0; c < nr; c++)
        r->eci[c] = r->ecir[c] = r->coi[c] = NAN;
    for (size_t p = 0; p < nc; p++)
        r->pci[p] = r->pcir[p] = NAN;
    /* units and classes that hold at least one specialisation */
    size_t n2r = 0, n2c = 0;
    for (size_t c = 0; c < nr; c++) {
        int any = 0;
        for (size_t p = 0; p < nc && !any; p++)
            any = r->m[c * nc + p] == 1.0;
        if (any)
            r->row2[n2r++] = c;
    }
    for (size_t p = 0; p < nc; p++) {
        int any = 0;
        for (size_t c = 0; c < nr && !any; c++)
            any = r->m[c * nc + p] == 1.0;
        r->pos2[p] = any ? n2c : S3I_NONE;
        if (any)
            r->col2[n2c++] = p;
    }
    r->n2r = n2r;
    r->n2c = n2c;
    if (n2r < nr || n2c < nc) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units and %zu of %zu classes hold no "
                 "specialisation: they have no ECI or PCI, and those classes "
                 "no proximity, density or outlook",
                 nr - n2r, nr, nc - n2c, nc);
        if ((rc = note(ctx, notes, scope, msg)))
            return rc;
    }
    /* mc: all units × kept classes, M with NaN as 0, and the index of its
     * ones (oc); om: the same for the kept units, sharing oc's classes
     * (the rows left out are empty, so the kept ones stay contiguous) */
    size_t nw = 0, niw = 0;
    s3_complexity_workspace(n2r, n2c, &nw, &niw);
    /* the workspace the later stages need too (the eigen-solver's LAPACK
     * fallback is given all of it, as before the stages were split) */
    if (nw < n2c * n2c + 2 * n2c + 16)
        nw = n2c * n2c + 2 * n2c + 16;
    if (nw < 3 * (nr + nc) + 16)
        nw = 3 * (nr + nc) + 16;
    if (nw < s3_proximity_workspace(nr, n2c) + 17)
        nw = s3_proximity_workspace(nr, n2c) + 17;
    r->mc = s3i_calloc_big(nr * n2c + 1, sizeof(double));
    r->oc_start = malloc((nr + 1) * sizeof(size_t));
    r->oc_col = s3i_malloc_big(nr * n2c + 1, sizeof(uint32_t));
    size_t *mstart = malloc((n2r + 1) * sizeof(size_t));
    double *eci = malloc((n2r + 1) * sizeof(double)),
           *ecir = malloc((n2r + 1) * sizeof(double)),
           *pci = malloc((n2c + 1) * sizeof(double)),
           *pcir = malloc((n2c + 1) * sizeof(double)),
           *work = s3i_malloc_big(nw, sizeof(double));
    int *iwork = malloc((niw + 1) * sizeof(int));
    if (!r->mc || !r->oc_start || !r->oc_col || !mstart || !eci || !ecir ||
        !pci || !pcir || !work || !iwork) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nr; c++)
        for (size_t j = 0; j < n2c; j++)
            r->mc[c * n2c + j] = r->m[c * nc + r->col2[j]] == 1.0;
    r->oc = (s3_ones){.start = r->oc_start, .col = r->oc_col};
    s3_ones_index(r->mc, nr, n2c, &r->oc);
    s3_ones om = {
        .nr = n2r, .nc = n2c, .n = r->oc.n, .start = mstart, .col = r->oc_col};
    for (size_t i = 0; i < n2r; i++)
        mstart[i] = r->oc_start[r->row2[i]];
    mstart[n2r] = r->oc_start[nr];

    double lambda[2] = {NAN, NAN};
    if (n2r >= 2 && n2c >= 2) {
        r->have_eci = s3_complexity_eigen(&om, eci, pci, lambda, work, nw,
                                          iwork, niw) == 0;
        s3_complexity_reflections(&om, m->reflections, ecir, pcir, work);
        if (!r->have_eci)
            rc = note(ctx, notes, scope,
                      "the eigen-solver failed: ECI and PCI (eigenvector) "
                      "have no value");
        else if (lambda[1] > NEARLY_DISCONNECTED) {
            snprintf(msg, sizeof msg,
                     "the second eigenvalue is %.12g: the units fall into "
                     "groups that share no specialisation, and ECI mainly "
                     "tells the groups apart",
                     lambda[1]);
            rc = note(ctx, notes, scope, msg);
        }
        for (size_t i = 0; i < n2r; i++) {
            r->ecir[r->row2[i]] = ecir[i];
            if (r->have_eci)
                r->eci[r->row2[i]] = eci[i];
        }
        for (size_t j = 0; j < n2c; j++) {
            r->pcir[r->col2[j]] = pcir[j];
            if (r->have_eci)
                r->pci[r->col2[j]] = pci[j];
        }
    } else {
        rc = note(ctx, notes, scope,
                  "fewer than two units or classes hold a specialisation: "
                  "no complexity");
    }
done:
    free(mstart), free(eci), free(ecir), free(pci), free(pcir);
    free(work), free(iwork);
    return rc;
}
