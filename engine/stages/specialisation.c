/*
 * specialisation.c — the first stage on a count matrix: where each unit
 * is over-represented.  Shares, the Balassa RCA (location quotient) and
 * its symmetric and binary forms, against the network and, where the
 * matrix has one, against a baseline region; how sure each RCA is (the
 * chance of a count this high under the network's shares, its
 * Benjamini-Hochberg q-value over the matrix, an exact interval), and
 * under the model's significant rule a specialisation only where that
 * chance is small; per unit its diversity and
 * profile (Krugman, Herfindahl, entropy, related and unrelated variety
 * after Frenken, Van Oort & Verburg 2007), per class its ubiquity and
 * locational Gini; and for matrices over the baseline's sector aggregates
 * the local economy beside the centres.  The kernels are in measures/.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* A zeroed array of n doubles (one more, so that n = 0 allocates). */
static double *
dalloc(size_t n)
{
    return s3i_calloc_big(n + 1, sizeof(double));
}

/* A matrix's evidence, shared by two threads in blocks of units: first
 * the p-values (each a pure function of its cell), then, while the first
 * thread computes the q-values (which need every p-value), the locational
 * Gini and the RCA intervals (pure functions of a class and of a cell).
 * The same numbers however the blocks fall. */
typedef struct {
    const double *x, *rs, *ref;
    size_t nr, nc;
    size_t np, ni; /* units with p-values to compute, with intervals */
    int per_unit;
    double level, *pval, *lo, *hi;
    atomic_size_t next_p, next_i; /* the next block of units to take */
    size_t p_done;                /* blocks of p-values done (lock) */
    pthread_mutex_t lock;
    pthread_cond_t p_ready;
    atomic_int gini_taken;
    double *gini, *gini_work; /* 2 nr */
    size_t *gini_iwork;       /* nr */
} evidence_job;

/* Units per block. */
enum { EVIDENCE_BLOCK = 16 };

static size_t
blocks(size_t units)
{
    return (units + EVIDENCE_BLOCK - 1) / EVIDENCE_BLOCK;
}

/* The first unit of block b of `units` into *c0; its number of units. */
static size_t
block_units(size_t units, size_t b, size_t *c0)
{
    *c0 = b * EVIDENCE_BLOCK;
    return units - *c0 < EVIDENCE_BLOCK ? units - *c0 : EVIDENCE_BLOCK;
}

/* The p-values of the blocks not yet taken. */
static void
pvalue_blocks(evidence_job *j)
{
    size_t nc = j->nc;
    for (size_t b; (b = atomic_fetch_add(&j->next_p, 1)) < blocks(j->np);) {
        size_t c0, k = block_units(j->np, b, &c0);
        s3_overrep_pvalues(j->x + c0 * nc, k, nc, j->rs + c0,
                           j->per_unit ? j->ref + c0 * nc : j->ref, j->per_unit,
                           j->pval + c0 * nc);
        pthread_mutex_lock(&j->lock);
        if (++j->p_done == blocks(j->np))
            pthread_cond_broadcast(&j->p_ready);
        pthread_mutex_unlock(&j->lock);
    }
}

/* The Gini, if not taken, and the intervals of the blocks not taken. */
static void
rest_blocks(evidence_job *j)
{
    size_t nc = j->nc;
    if (!atomic_exchange(&j->gini_taken, 1))
        s3_locational_gini(j->x, j->nr, nc, j->rs, j->gini, j->gini_work,
                           j->gini_iwork);
    for (size_t b; (b = atomic_fetch_add(&j->next_i, 1)) < blocks(j->ni);) {
        size_t c0, k = block_units(j->ni, b, &c0);
        s3_rca_intervals(j->x + c0 * nc, k, nc, j->rs + c0,
                         j->per_unit ? j->ref + c0 * nc : j->ref, j->per_unit,
                         j->level, j->lo + c0 * nc, j->hi + c0 * nc);
    }
}

static void *
evidence_work(void *arg)
{
    pvalue_blocks(arg);
    rest_blocks(arg);
    return NULL;
}

/* From this many cells on, a second thread shares the evidence. */
enum { EVIDENCE_SPLIT_MIN = 20000 };

/* The evidence of every cell: p- and q-values from the counts of firms
 * (r itself, or the tenants matrix of an employees matrix), the RCA's
 * interval from r's own counts where they are records (not employees),
 * and, beside them, each class's locational Gini (gwork: 2 nr doubles,
 * giwork: nr).  The expected shares are the network's, or with bshare
 * (nr × nc) each unit's baseline region's.  two: a second thread may
 * help. */
static void
evidence(const s3_model *m, const s3i_mres *firms, s3i_mres *r, double *share,
         const double *bshare, size_t *iwork, double *gwork, size_t *giwork,
         int two)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, n = nr * nc;
    evidence_job j = {.x = x->x,
                      .rs = r->rs,
                      .ref = bshare ? bshare : share,
                      .nr = nr,
                      .nc = nc,
                      .np = firms ? 0 : nr,
                      .ni = firms ? 0 : nr,
                      .per_unit = bshare != NULL,
                      .level = m->confidence,
                      .pval = r->pval,
                      .lo = r->rlo,
                      .hi = r->rhi,
                      .gini = r->gini,
                      .gini_work = gwork,
                      .gini_iwork = giwork};
    atomic_init(&j.next_p, 0);
    atomic_init(&j.next_i, 0);
    atomic_init(&j.gini_taken, 0);
    if (firms) {
        memcpy(r->pval, firms->pval, n * sizeof(double));
        memcpy(r->qval, firms->qval, n * sizeof(double));
        for (size_t i = 0; i < n; i++)
            r->rlo[i] = r->rhi[i] = NAN;
        rest_blocks(&j); /* the Gini only */
        return;
    }
    if (!bshare) {
        double total = s3_sum(r->rs, nr, 1);
        /* a class no unit holds has no RCA and is not tested (it would
         * only add to the number of tests) */
        for (size_t p = 0; p < nc; p++)
            share[p] = total > 0.0 && r->cs[p] > 0.0 ? r->cs[p] / total : NAN;
    }
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.p_ready, NULL);
    pthread_t th;
    int second = two && n >= EVIDENCE_SPLIT_MIN &&
                 pthread_create(&th, NULL, evidence_work, &j) == 0;
    pvalue_blocks(&j);
    pthread_mutex_lock(&j.lock);
    while (j.p_done < blocks(nr))
        pthread_cond_wait(&j.p_ready, &j.lock);
    pthread_mutex_unlock(&j.lock);
    s3_bh_qvalues(r->pval, n, r->qval, iwork);
    rest_blocks(&j);
    if (second)
        pthread_join(th, NULL);
    pthread_cond_destroy(&j.p_ready);
    pthread_mutex_destroy(&j.lock);
}

int
s3i_against_baseline(const s3_model *m, const s3i_matrix *x)
{
    return m->reference == S3I_REF_BASELINE && x->bref != NULL;
}

void
s3i_baseline_rca(const s3i_matrix *x, const double *cnt, const double *rs,
                 double *rcab, double *bshare)
{
    size_t nc = x->nc;
    for (size_t c = 0; c < x->nr; c++)
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            double b = x->bref[i], t = x->btot[c];
            /* as s3_rca: share · (total / ref_p) */
            double factor = b > 0.0 && t > 0.0 ? t / b : NAN;
            rcab[i] = rs[c] > 0.0 ? cnt[i] / rs[c] * factor : NAN;
            if (bshare)
                bshare[i] = b > 0.0 && t > 0.0 ? b / t : NAN;
        }
}

s3_status
s3i_specialise(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
               const s3i_mres *firms, s3i_mres *r)
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
    r->pval = dalloc(n), r->qval = dalloc(n), r->rlo = dalloc(n);
    r->rhi = dalloc(n);
    r->econ_cs = x->bown ? dalloc(n) : NULL;
    r->econ_es = x->bown ? dalloc(n) : NULL;
    double *work = dalloc(nw), *gwork = dalloc(2 * nr),
           *vshare = x->vx ? dalloc(nr * x->nvc) : NULL,
           *vrca = x->vx ? dalloc(nr * x->nvc) : NULL,
           *vcs = x->vx ? dalloc(x->nvc) : NULL;
    size_t *iwork = s3i_malloc_big((n > nr ? n : nr) + 1, sizeof(size_t)),
           *giwork = malloc((nr + 1) * sizeof(size_t));
    /* with reference = baseline, M follows the RCA against the baseline
     * where the baseline covers the matrix's classes */
    int vs_base = s3i_against_baseline(m, x);
    double *bshare = vs_base ? dalloc(n) : NULL;
    s3_status rc = S3_OK;
    if (!r->rs || !r->cs || !r->share || !r->rca || !r->rsca || !r->m ||
        (x->bref && !r->rcab) || !r->div || !r->krug || !r->herf || !r->entr ||
        !r->rv || !r->uv || !r->ubiq || !r->gini || !r->pval || !r->qval ||
        !r->rlo || !r->rhi || (x->bown && (!r->econ_cs || !r->econ_es)) ||
        !work || !gwork || !iwork || !giwork ||
        (x->vx && (!vshare || !vrca || !vcs)) || (vs_base && !bshare)) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_margins(x->x, nr, nc, r->rs, r->cs);
    s3_rca(x->x, nr, nc, r->rs, r->cs, r->share, r->rca);
    s3_rsca(r->rca, n, r->rsca);
    if (x->bref)
        s3i_baseline_rca(x, x->x, r->rs, r->rcab, bshare);
    s3_binary(vs_base ? r->rcab : r->rca, n, m->threshold, r->m);
    evidence(m, firms, r, work, bshare, iwork, gwork, giwork,
             s3i_threads(ctx) >= 2);
    /* the significant rule: an RCA that reaches the threshold is a
     * specialisation only where its count is unlikely by chance */
    for (size_t i = 0; m->rule == S3I_RULE_SIGNIFICANT && i < n; i++)
        if (r->m[i] == 1.0 && !(r->qval[i] <= m->alpha))
            r->m[i] = 0.0;
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
    /* per class (the locational Gini is computed beside the evidence) */
    s3_ubiquity(r->m, nr, nc, r->ubiq);
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
    free(work), free(gwork), free(vshare), free(vrca), free(vcs);
    free(iwork), free(giwork);
    free(bshare);
    return rc;
}

s3_status
s3i_specialisation_notes(s3_ctx *ctx, const s3_model *m, const s3i_mres *firms,
                         const s3i_mres *r, s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, empty_units = 0, no_ref = 0;
    /* how much of the specialisation the data support: the cells whose RCA
     * reaches the threshold, those of them whose count is significant,
     * those that rest on a single record (firm or patent) */
    const double *cnt = (firms ? firms : r)->x->x;
    int vs_base = s3i_against_baseline(m, x);
    const double *rca = vs_base ? r->rcab : r->rca;
    size_t cells = 0, high = 0, sig = 0, single = 0;
    for (size_t i = 0; i < nr * nc; i++) {
        cells += !isnan(r->pval[i]);
        if (!(rca[i] >= m->threshold))
            continue;
        high++;
        sig += r->qval[i] <= m->alpha;
        single += cnt[i] <= 1.0;
    }
    for (size_t c = 0; c < nr; c++)
        empty_units += !(r->rs[c] > 0.0);
    if (x->bref)
        for (size_t c = 0; c < nr; c++)
            no_ref += isnan(x->bref[c * nc]);
    char scope[96], msg[768];
    snprintf(scope, sizeof scope, "%s/%s", x->level, x->name);
    const char *record = x->kind == S3I_KIND_PATENTS ? "patent"
                         : x->kind == S3I_KIND_INPUT ? "record"
                                                     : "tenant";
    /* what reference = baseline changes here, and where it cannot */
    if (m->reference == S3I_REF_BASELINE) {
        if (vs_base)
            snprintf(msg, sizeof msg,
                     "reference baseline: specialised (M) is measured "
                     "against the baseline region (%s): rca_baseline at or "
                     "above the threshold and, under the significant rule, "
                     "a q-value from the test with the region's class "
                     "shares as the expected shares (p_value, q_value, "
                     "rca_low and rca_high are against the region too); "
                     "diversity, ubiquity%s follow M; rca, rsca and the "
                     "Krugman profile stay against the network",
                     m->baseline_region,
                     x->complexity ? ", ECI/PCI, proximity, density, "
                                     "quadrants, partners, the scores and "
                                     "the bootstrap"
                                   : "");
        else
            snprintf(msg, sizeof msg,
                     "reference baseline not applied: %s; specialised (M) "
                     "and everything from it stay against the network%s",
                     *x->bnote ? x->bnote
                               : "the dataset has no baseline for these "
                                 "classes",
                     *x->bnote ? " (the comparison with the baseline is in "
                                 "the *_by_aggregate matrices)"
                               : "");
        if (s3i_note(notes, scope, msg))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (high) {
        if (m->rule == S3I_RULE_SIGNIFICANT)
            snprintf(msg, sizeof msg,
                     "rule significant: of the %zu cells with %s >= %g, %zu "
                     "have a q-value <= %g (Benjamini-Hochberg over %zu "
                     "cells) and count as specialised; %zu of the %zu rest "
                     "on a single %s",
                     high, vs_base ? "rca_baseline" : "RCA", m->threshold, sig,
                     m->alpha, cells, single, high, record);
        else
            snprintf(msg, sizeof msg,
                     "rule rca: all %zu cells with %s >= %g count as "
                     "specialised; %zu of them have a q-value <= %g "
                     "(Benjamini-Hochberg over %zu cells), %zu rest on a "
                     "single %s",
                     high, vs_base ? "rca_baseline" : "RCA", m->threshold, sig,
                     m->alpha, cells, single, record);
        if (s3i_note(notes, scope, msg))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
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
    /* Frenken et al. (2007): at division level the columns are the groups
     * of unrelated variety, so it equals entropy (not a defect) */
    if (x->vx && m->level == 2 &&
        (x->kind == S3I_KIND_TENANTS || x->kind == S3I_KIND_EMPLOYEES) &&
        s3i_note(notes, scope,
                 "at division level unrelated variety (entropy between NACE "
                 "divisions) equals entropy; related variety is the entropy "
                 "of the NACE codes as given within each division, and the "
                 "two add up to the entropy over those codes"))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}
