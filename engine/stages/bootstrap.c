/*
 * bootstrap.c — how much of a pass the data carry: the chain from the
 * counts to the score, again on resampled data, `draws` times.
 *
 * A centre is a small sample of the firms it could hold: tens of tenants.
 * Each draw resamples every centre's active tenants with replacement (as
 * many as it has; Efron & Tibshirani 1993, the nonparametric bootstrap),
 * or, for a long table, each unit's counts (multinomial with the unit's
 * total and shares), and recomputes on the level's headline matrix: the
 * RCA and the binary matrix under the model's rule (its q-values too),
 * diversity and ubiquity, ECI and PCI (the eigenvector, signed by the same
 * convention in every draw: ECI rises with diversity), proximity, density,
 * the quadrants, and the indicators of the score.  Start-up and S3 shares
 * follow the drawn tenants; growth and patents per tenant count the whole
 * population, not a sample, and stay as observed.
 *
 * What it gives: per cell the share of draws in which it is specialised
 * (p_specialised) and in which it is an opportunity in the ideal quadrant
 * (p_ideal), and the 5-95 % interval of its density; per level the rank
 * bands and the outranking shares from the data draws and the weight draws
 * together (the weight draws alone stay as rank_p05_weights and
 * rank_p95_weights).
 *
 * Every array is allocated once before the draws; a draw allocates
 * nothing.  Before the draws the chain runs once on the observed counts
 * and must give the pass's own binary matrix, quadrants and indicators:
 * the bootstrap recomputes nothing the stages define differently.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_double.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* The density samples of all draws are kept (for exact percentiles) when
 * they fit in this many bytes; beyond it the interval is left out. */
static const size_t DENSITY_BUDGET = (size_t)256 << 20;

/* Fractional counts are drawn on a grid of millionths, so that sums
 * that differ in their last bit (patents added up in another row order)
 * give the same draws. */
static const double GRID = 1e6;

/* The draw of one level: its headline matrix, scratch for one draw and
 * what the draws accumulate. */
typedef struct {
    s3i_mres *r;           /* the pass's results (p_* filled here) */
    s3i_sres *s;           /* the level's score */
    const s3i_mres *firms; /* the tenants matrix testing an employees one */
    size_t nr, nc, k, n2c; /* n2c: the classes kept in the draw */
    int whole;             /* the tested counts are whole numbers */
    int counted;   /* drawn from its own counts (a long table, patents), not
                      from the tenants */
    size_t *rowof; /* per centre: its row here (S3I_NONE: none) */
    size_t *colof; /* per tenant: the column of its code here */
    /* one draw */
    double *x, *xt; /* counts (xt: the firms' counts; = x without firms) */
    double *xg;     /* counted levels: the observed counts on the grid */
    double *rs, *cs, *rst, *cst, *share, *rca, *m, *refs, *krug;
    /* against the baseline (s3i_against_baseline): the region's expected
     * shares of every cell, fixed in every draw (only the units' counts
     * are drawn again); NULL against the network */
    double *bsh;
    double *pv, *pvs;
    size_t *cand;
    double *mc, *phi, *omega, *eci, *pci, *eci2, *pci2, *dv, *dwork;
    size_t *row2, *col2, *pos2, *ostart, *mstart;
    uint32_t *ocol;
    double *ework;
    int *eiwork;
    size_t nework, neiwork;
    void *pwork;
    double *act, *su_yes, *su_known, *aligned; /* per row */
    signed char *ideal;
    /* the draws */
    uint32_t *nspec, *nideal;
    double *dens; /* draws × nr × nc, or NULL */
    double *ind;  /* draws × nr × k */
} level;

/* What every draw reads. */
typedef struct {
    s3_ctx *ctx;
    const s3_model *m;
    const s3i_pass *p;
    /* tenants: the active tenants of each open centre, centre by centre,
     * and whether each tenant's code lies in an S3 domain */
    size_t nt, *tl, *tstart;
    unsigned char *t_aligned;
} boot;

/* One thread's share of the draws, [d0, d1), with its own scratch and
 * counts; the per-draw outputs (density, indicators) are written at the
 * draw's place in arrays every worker shares. */
typedef struct {
    const boot *b;
    level lv[3];
    size_t nlv;
    size_t *draw; /* the drawn tenants */
    gsl_rng *rng;
    size_t d0, d1;
    int failed;
} worker;

static void
level_free(level *L, int owner)
{
    if (owner)
        free(L->dens), free(L->ind);
    free(L->xg), free(L->rowof), free(L->colof), free(L->x), free(L->xt),
        free(L->rs);
    free(L->cs), free(L->rst), free(L->cst), free(L->share), free(L->rca);
    free(L->m), free(L->refs), free(L->krug), free(L->pv), free(L->pvs);
    free(L->bsh);
    free(L->cand), free(L->mc), free(L->phi), free(L->omega), free(L->eci);
    free(L->pci), free(L->eci2), free(L->pci2), free(L->dv);
    free(L->dwork), free(L->row2), free(L->col2), free(L->pos2);
    free(L->ostart), free(L->mstart), free(L->ocol), free(L->ework);
    free(L->eiwork), free(L->pwork), free(L->act), free(L->su_yes);
    free(L->su_known), free(L->aligned), free(L->ideal), free(L->nspec);
    free(L->nideal);
}

static void *
zalloc(size_t n, size_t size, int *fail)
{
    void *p = s3i_calloc_big(n + 1, size);
    *fail |= p == NULL;
    return p;
}

/* Allocate a level's arrays for matrix r and score s. */
static int
level_init(const boot *b, level *L, s3i_mres *r, s3i_sres *s,
           const s3i_mres *firms, const level *owner)
{
    const s3_model *m = b->m;
    const s3_dataset *d = b->p->d;
    size_t nr = r->x->nr, nc = r->x->nc, n = nr * nc, k = s ? s->k : 0;
    int f = 0;
    L->r = r, L->s = s, L->firms = firms;
    /* tenants are counted whole; a long table's counts stay whole in the
     * draws when they are whole */
    L->counted = d->generic || r->x->kind == S3I_KIND_PATENTS;
    L->whole = 1;
    for (size_t i = 0; L->counted && i < n && L->whole; i++)
        L->whole = r->x->x[i] == nearbyint(r->x->x[i]);
    if (L->counted) {
        int f = 0;
        if (!(L->xg = zalloc(n, sizeof(double), &f)))
            return -1;
        for (size_t i = 0; i < n; i++)
            L->xg[i] = L->whole ? r->x->x[i] : nearbyint(r->x->x[i] * GRID);
    }
    L->nr = nr, L->nc = nc, L->k = k;
    L->x = zalloc(n, sizeof(double), &f);
    L->xt = firms ? zalloc(n, sizeof(double), &f) : NULL;
    L->rs = zalloc(nr, sizeof(double), &f);
    L->cs = zalloc(nc, sizeof(double), &f);
    L->rst = zalloc(nr, sizeof(double), &f);
    L->cst = zalloc(nc, sizeof(double), &f);
    L->share = zalloc(n, sizeof(double), &f);
    L->rca = zalloc(n, sizeof(double), &f);
    L->m = zalloc(n, sizeof(double), &f);
    L->refs = zalloc(nc, sizeof(double), &f);
    if (s3i_against_baseline(m, r->x))
        L->bsh = zalloc(n, sizeof(double), &f);
    L->krug = zalloc(nr, sizeof(double), &f);
    L->pv = zalloc(n, sizeof(double), &f);
    L->pvs = zalloc(n, sizeof(double), &f);
    L->cand = zalloc(n, sizeof(size_t), &f);
    L->mc = zalloc(n, sizeof(double), &f);
    L->phi = zalloc(nc * nc, sizeof(double), &f);
    L->omega = zalloc(n, sizeof(double), &f);
    L->eci = zalloc(nr, sizeof(double), &f);
    L->pci = zalloc(nc, sizeof(double), &f);
    L->eci2 = zalloc(nr, sizeof(double), &f);
    L->pci2 = zalloc(nc, sizeof(double), &f);
    L->dv = zalloc(n, sizeof(double), &f);
    L->dwork = zalloc(nc + nr, sizeof(double), &f);
    L->row2 = zalloc(nr, sizeof(size_t), &f);
    L->col2 = zalloc(nc, sizeof(size_t), &f);
    L->pos2 = zalloc(nc, sizeof(size_t), &f);
    L->ostart = zalloc(nr + 1, sizeof(size_t), &f);
    L->mstart = zalloc(nr + 1, sizeof(size_t), &f);
    L->ocol = zalloc(n, sizeof(uint32_t), &f);
    s3_complexity_workspace(nr, nc, &L->nework, &L->neiwork);
    L->ework = zalloc(L->nework, sizeof(double), &f);
    L->eiwork = zalloc(L->neiwork, sizeof(int), &f);
    L->pwork = zalloc(s3_proximity_workspace(nr, nc), sizeof(uint64_t), &f);
    L->act = zalloc(nr, sizeof(double), &f);
    L->su_yes = zalloc(nr, sizeof(double), &f);
    L->su_known = zalloc(nr, sizeof(double), &f);
    L->aligned = zalloc(nr, sizeof(double), &f);
    L->ideal = zalloc(n, 1, &f);
    L->nspec = zalloc(n, sizeof(uint32_t), &f);
    L->nideal = zalloc(n, sizeof(uint32_t), &f);
    if (!owner) {
        L->ind = zalloc(m->draws * nr * k, sizeof(double), &f);
        if (n <= DENSITY_BUDGET / sizeof(double) / (m->draws ? m->draws : 1))
            L->dens = zalloc(m->draws * n, sizeof(double), &f);
    }
    if (f)
        return -1;
    if (L->bsh) /* the shares alone: rca is overwritten by every draw */
        s3i_baseline_rca(r->x, r->x->x, r->rs, L->rca, L->bsh);
    /* where each tenant's record lands: its centre's row, its code's
     * column (as matrices.c counts them) */
    if (!L->counted) {
        const s3i_matrix *x = r->x;
        int by_sub = x->lv == S3I_LEVEL_SUBREGION;
        const s3i_records *rec = b->p->in.rec;
        size_t *code = zalloc(d->ref->nnace, sizeof(size_t), &f);
        L->rowof = zalloc(d->units.n, sizeof(size_t), &f);
        L->colof = zalloc(rec->ntenants, sizeof(size_t), &f);
        if (f) {
            free(code);
            return -1;
        }
        for (size_t c = 0; c < d->units.n; c++) {
            L->rowof[c] = S3I_NONE;
            if (b->p->in.closed && b->p->in.closed[c])
                continue;
            size_t key = by_sub ? d->units.subidx[c] : c;
            for (size_t i = 0; i < nr; i++)
                if (x->row_key[i] == key)
                    L->rowof[c] = i;
        }
        for (size_t i = 0; i < d->ref->nnace; i++)
            code[i] = S3I_NONE;
        for (size_t p = 0; p < nc; p++)
            code[x->col_key[p]] = p;
        for (size_t t = 0; t < rec->ntenants; t++)
            L->colof[t] =
                code[s3i_nace_at_level(d->ref, rec->tenants[t].nace, m->level)];
        free(code);
    }
    return 0;
}

/* ---- resampling ---------------------------------------------------------- */

/* The counts of one level from the drawn tenants draw[0..nt) (or, with
 * draw NULL, from every active tenant: the observed counts). */
static void
count_tenants(const boot *b, level *L, const size_t *draw)
{
    const s3i_records *rec = b->p->in.rec;
    int employees = L->r->x->kind == S3I_KIND_EMPLOYEES;
    size_t n = L->nr * L->nc;
    memset(L->x, 0, n * sizeof(double));
    if (L->xt)
        memset(L->xt, 0, n * sizeof(double));
    for (size_t i = 0; i < L->nr; i++)
        L->act[i] = L->su_yes[i] = L->su_known[i] = L->aligned[i] = 0.0;
    for (size_t i = 0; i < b->nt; i++) {
        size_t t = draw ? draw[i] : b->tl[i];
        const s3i_tenant *te = &rec->tenants[t];
        size_t row = L->rowof[te->centre];
        if (row == S3I_NONE)
            continue;
        size_t cell = row * L->nc + L->colof[t];
        double v = employees ? te->employees : 1.0;
        if (!isnan(v))
            L->x[cell] += v;
        if (L->xt)
            L->xt[cell] += 1.0;
        L->act[row] += 1.0;
        if (te->startup >= 0) {
            L->su_known[row] += 1.0;
            L->su_yes[row] += te->startup;
        }
        L->aligned[row] += b->t_aligned[t];
    }
}

/* Draw every open centre's active tenants with replacement. */
static void
draw_tenants(const boot *b, worker *w)
{
    for (size_t c = 0; c < b->p->d->units.n; c++) {
        size_t s = b->tstart[c], nc = b->tstart[c + 1] - s;
        for (size_t i = 0; i < nc; i++)
            w->draw[s + i] = b->tl[s + gsl_rng_uniform_int(w->rng, nc)];
    }
}

/* A long table's (or the patents') counts: per unit a multinomial draw of
 * its total (taken as a count of records, rounded) over its shares, in
 * whole grid steps (L->xg: exact integers, so every conditional share is
 * the same whatever order the counts were summed in), scaled back to the
 * total.  A unit of more than UINT_MAX records keeps its counts (their
 * sampling error is below 1e-4 of each). */
static void
draw_counts(gsl_rng *rng, level *L)
{
    size_t nc = L->nc;
    for (size_t i = 0; i < L->nr; i++) {
        const double *g = L->xg + i * nc;
        double gtot = 0.0;
        for (size_t p = 0; p < nc; p++)
            gtot += g[p];
        double tot = L->whole ? gtot : gtot / GRID, nrec = nearbyint(tot);
        if (!(nrec >= 1.0) || nrec > (double)UINT_MAX) {
            memcpy(L->x + i * nc, L->r->x->x + i * nc, nc * sizeof(double));
            continue;
        }
        unsigned int rem = (unsigned int)nrec;
        double left = gtot;
        for (size_t p = 0; p < nc; p++) {
            double v = 0.0;
            if (rem > 0 && g[p] > 0.0) {
                unsigned int k = g[p] >= left
                                     ? rem
                                     : gsl_ran_binomial(rng, g[p] / left, rem);
                rem -= k;
                v = (double)k * (tot / nrec);
            }
            left -= g[p];
            L->x[i * nc + p] = v;
        }
    }
}

/* ---- the chain ----------------------------------------------------------- */

/* The binary matrix under the model's rule from L->x (and L->xt): as
 * s3i_specialise, with the q-values of the significant rule computed only
 * where one can reach alpha.  A count at or below its expectation has a
 * p-value of at least 1/2 (a binomial's median is the floor or ceiling of
 * its mean), so with alpha < 1/2 those cells neither pass nor move the
 * Benjamini-Hochberg cut-off, and only the others are tested. */
static void
binary(const boot *b, level *L)
{
    const s3_model *m = b->m;
    size_t nr = L->nr, nc = L->nc, n = nr * nc;
    s3_margins(L->x, nr, nc, L->rs, L->cs);
    s3_rca(L->x, nr, nc, L->rs, L->cs, L->share, L->rca);
    if (L->bsh)
        s3i_baseline_rca(L->r->x, L->x, L->rs, L->rca, NULL);
    s3_binary(L->rca, n, m->threshold, L->m);
    if (m->rule != S3I_RULE_SIGNIFICANT)
        return;
    const double *xt = L->xt ? L->xt : L->x;
    const double *rst = L->rs, *cst = L->cs;
    if (L->xt) {
        s3_margins(xt, nr, nc, L->rst, L->cst);
        rst = L->rst, cst = L->cst;
    }
    double total = s3_sum(rst, nr, 1);
    size_t tests = 0, nt = 0; /* the cells with a p-value */
    for (size_t p = 0; p < nc; p++)
        L->refs[p] = total > 0.0 && cst[p] > 0.0 ? cst[p] / total : NAN;
    int all = !L->whole || !(m->alpha < 0.5);
    for (size_t c = 0; c < nr; c++) {
        if (!(rst[c] > 0.0))
            continue;
        /* the expected shares: the network's, or the unit's baseline
         * region's */
        const double *refs = L->bsh ? L->bsh + c * nc : L->refs;
        for (size_t p = 0; p < nc; p++)
            tests += !isnan(refs[p]);
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            double e = rst[c] * refs[p];
            if (isnan(refs[p]) || !(xt[i] > 0.0) ||
                (!all && xt[i] <= e && L->m[i] != 1.0))
                continue;
            /* a p-value above alpha neither passes nor ranks below one
             * that does */
            L->pv[i] = s3_overrep_pvalue(xt[i], rst[c], refs[p]);
            if (L->pv[i] <= m->alpha) {
                L->pvs[nt] = L->pv[i];
                L->cand[nt++] = i;
            }
        }
    }
    /* the cut-off: the largest p whose running minimum of p m / rank (from
     * the largest down, as s3_bh_qvalues) is at most alpha */
    gsl_sort(L->pvs, 1, nt);
    double cut = -1.0, run = 1.0;
    for (size_t j = nt; j-- > 0;) {
        double v = L->pvs[j] * (double)tests / (double)(j + 1);
        if (v < run)
            run = v;
        if (run <= m->alpha && cut < 0.0)
            cut = L->pvs[j];
    }
    /* M = 1 only where the RCA reached the threshold and q <= alpha */
    for (size_t i = 0; i < n; i++)
        if (L->m[i] == 1.0)
            L->m[i] = 0.0;
    for (size_t a = 0; a < nt; a++) {
        size_t i = L->cand[a];
        if (L->rca[i] >= m->threshold && L->pv[i] <= cut)
            L->m[i] = 1.0;
    }
}

/* ECI, PCI, proximity, density and the ideal quadrant from L->m, as the
 * complexity, relatedness and potentials stages; 0 or -1 when the
 * workspace is too small (it is sized for the whole matrix). */
static int
chain(const boot *b, level *L, double *ind)
{
    const s3_model *m = b->m;
    size_t nr = L->nr, nc = L->nc;
    size_t n2r = 0, n2c = 0;
    for (size_t c = 0; c < nr; c++) {
        L->eci[c] = NAN;
        int any = 0;
        for (size_t p = 0; p < nc && !any; p++)
            any = L->m[c * nc + p] == 1.0;
        if (any)
            L->row2[n2r++] = c;
    }
    for (size_t p = 0; p < nc; p++) {
        L->pci[p] = NAN;
        int any = 0;
        for (size_t c = 0; c < nr && !any; c++)
            any = L->m[c * nc + p] == 1.0;
        L->pos2[p] = any ? n2c : S3I_NONE;
        if (any)
            L->col2[n2c++] = p;
    }
    for (size_t c = 0; c < nr; c++)
        for (size_t j = 0; j < n2c; j++)
            L->mc[c * n2c + j] = L->m[c * nc + L->col2[j]] == 1.0;
    s3_ones oc = {.start = L->ostart, .col = L->ocol};
    s3_ones_index(L->mc, nr, n2c, &oc);
    int have_eci = 0;
    if (n2r >= 2 && n2c >= 2) {
        size_t nw, niw;
        s3_complexity_workspace(n2r, n2c, &nw, &niw);
        if (nw > L->nework || niw > L->neiwork)
            return -1;
        s3_ones om = {.nr = n2r,
                      .nc = n2c,
                      .n = oc.n,
                      .start = L->mstart,
                      .col = L->ocol};
        for (size_t i = 0; i < n2r; i++)
            L->mstart[i] = L->ostart[L->row2[i]];
        L->mstart[n2r] = L->ostart[nr];
        double lambda[2];
        have_eci = s3_complexity_eigen(&om, L->eci2, L->pci2, lambda, L->ework,
                                       L->nework, L->eiwork, L->neiwork) == 0;
        for (size_t i = 0; have_eci && i < n2r; i++)
            L->eci[L->row2[i]] = L->eci2[i];
        for (size_t j = 0; have_eci && j < n2c; j++)
            L->pci[L->col2[j]] = L->pci2[j];
    }
    s3_proximity(&oc, L->phi, L->pwork);
    s3_density(L->mc, nr, n2c, L->phi, L->omega, L->dwork);
    /* the quadrants, as the potentials stage: the density split over
     * every opportunity of the matrix, PCI at 0 */
    memset(L->ideal, 0, nr * nc);
    size_t nopp = 0;
    for (size_t c = 0; c < nr && have_eci; c++)
        for (size_t j = 0; j < n2c; j++) {
            double d = L->omega[c * n2c + j], pc = L->pci[L->col2[j]];
            if (L->mc[c * n2c + j] == 0.0 && !isnan(d) && !isnan(pc) &&
                !isnan(L->m[c * nc + L->col2[j]]))
                L->dv[nopp++] = d;
        }
    double sd = s3i_split_value(L->dv, nopp, m->split, m->percentile);
    for (size_t c = 0; c < nr && nopp > 0; c++)
        for (size_t j = 0; j < n2c; j++) {
            double d = L->omega[c * n2c + j], pc = L->pci[L->col2[j]];
            if (L->mc[c * n2c + j] == 0.0 && !isnan(d) && !isnan(pc) &&
                !isnan(L->m[c * nc + L->col2[j]]) &&
                !s3i_class_excluded(m->exclude_classes,
                                    L->r->x->col[L->col2[j]]))
                L->ideal[c * nc + L->col2[j]] =
                    s3i_quadrant(d, pc, sd) == S3I_QUAD_IDEAL;
        }
    L->n2c = n2c;
    if (!L->s) /* a matrix without a score */
        return 0;
    /* the indicators: the observed ones, with those that follow the draw
     * replaced */
    const s3i_sres *s = L->s;
    size_t k = L->k;
    double total = s3_sum(L->rs, nr, 1);
    for (size_t p = 0; p < nc; p++)
        L->refs[p] = total > 0.0 ? L->cs[p] / total : NAN;
    s3_unit_profile(L->share, nr, nc, L->refs, L->krug, NULL, NULL);
    int generic = b->p->d->generic, domains = b->p->dm.n > 0;
    for (size_t i = 0; i < nr; i++) {
        double *x = ind + i * k;
        for (size_t j = 0; j < k; j++) {
            double v = s->x[i * k + j];
            switch (s->ind[j]) {
            case IND_SPEC:
                v = L->krug[i];
                break;
            case IND_ECI:
                v = L->eci[i];
                break;
            case IND_DENS: {
                double sum = 0.0, cnt = 0.0;
                for (size_t p = 0; p < nc; p++) {
                    size_t q = L->pos2[p];
                    if (L->m[i * nc + p] == 0.0 && q != S3I_NONE &&
                        !isnan(L->omega[i * n2c + q])) {
                        sum += L->omega[i * n2c + q];
                        cnt += 1.0;
                    }
                }
                v = cnt > 0.0 ? sum / cnt : NAN;
                break;
            }
            case IND_STARTUP:
                if (!generic)
                    v = L->su_known[i] > 0.0 ? L->su_yes[i] / L->su_known[i]
                                             : NAN;
                break;
            case IND_ALIGN:
                if (!generic)
                    v = domains && L->act[i] > 0.0 ? L->aligned[i] / L->act[i]
                                                   : NAN;
                break;
            default: /* growth and patents: the whole population */
                break;
            }
            x[j] = v;
        }
    }
    L->n2c = n2c;
    return 0;
}

/* ---- the draws ----------------------------------------------------------- */

/* The seed of draw d: a splitmix64 step from the model's seed, so that
 * each draw has its own stream whatever thread runs it. */
static unsigned long
draw_seed(unsigned long seed, size_t d)
{
    uint64_t z = (uint64_t)seed + 0x9E3779B97F4A7C15u * (uint64_t)(d + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return (unsigned long)((z ^ (z >> 32)) & 0xffffffffu);
}

/* Whether a and b agree: both NaN, or within a relative 1e-9. */
static int
agree(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-9 * (1.0 + fabs(b));
}

/* The chain on the observed counts must give the pass's own results. */
static s3_status
self_check(const boot *b, level *L, double *ind)
{
    const s3i_mres *r = L->r;
    const s3i_sres *s = L->s;
    size_t n = L->nr * L->nc;
    const char *what = NULL;
    if (L->counted)
        memcpy(L->x, r->x->x, n * sizeof(double));
    else
        count_tenants(b, L, NULL);
    for (size_t i = 0; i < n && !what; i++)
        if (!agree(L->x[i], r->x->x[i]))
            what = "counts";
    binary(b, L);
    if (!what && chain(b, L, ind))
        what = "workspace";
    for (size_t i = 0; i < n && !what; i++)
        if (!agree(L->m[i], r->m[i]))
            what = "binary matrix";
        else if (L->ideal[i] != (r->quad[i] == S3I_QUAD_IDEAL))
            what = "quadrants";
    for (size_t i = 0; i < L->nr * L->k && !what; i++)
        if (!agree(ind[i], s->x[i]))
            what = "indicators";
    if (what)
        return s3i_fail(b->ctx, S3_EINTERNAL,
                        "the bootstrap of %s/%s does not reproduce the "
                        "pass's %s on the observed data",
                        r->x->level, r->x->name, what);
    return S3_OK;
}

/* What the draws of one level give: p_specialised, p_ideal, the density
 * interval; the joint rank bands. */
static s3_status
finish(const boot *b, level *L, gsl_rng *rng)
{
    const s3_model *m = b->m;
    s3i_mres *r = L->r;
    s3i_sres *s = L->s;
    size_t nr = L->nr, nc = L->nc, n = nr * nc, D = m->draws;
    double dd = (double)D;
    int f = 0;
    r->pspec = zalloc(n, sizeof(double), &f);
    r->pideal = zalloc(n, sizeof(double), &f);
    r->dlo = zalloc(n, sizeof(double), &f);
    r->dhi = zalloc(n, sizeof(double), &f);
    double *v = zalloc(D, sizeof(double), &f);
    if (f) {
        free(v);
        return s3i_fail(b->ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        r->pspec[i] = isnan(r->rca[i]) ? NAN : (double)L->nspec[i] / dd;
        r->pideal[i] = r->m[i] == 0.0 && !s3i_class_excluded(m->exclude_classes,
                                                             r->x->col[i % nc])
                           ? (double)L->nideal[i] / dd
                           : NAN;
        r->dlo[i] = r->dhi[i] = NAN;
        size_t c = i / nc, p = i % nc;
        if (!L->dens || r->pos2[p] == S3I_NONE ||
            isnan(r->omega[c * r->n2c + r->pos2[p]]))
            continue;
        size_t k = 0;
        for (size_t d = 0; d < D; d++)
            if (!isnan(L->dens[d * n + i]))
                v[k++] = L->dens[d * n + i];
        if (k == 0)
            continue;
        r->dlo[i] = s3i_quantile(v, k, 0.05);
        r->dhi[i] = s3i_quantile(v, k, 0.95);
    }
    free(v);
    if (!s || !s->scored || !s->have_mc)
        return S3_OK;
    gsl_rng_set(rng, m->seed); /* the weights drawn as without it */
    /* over the units the pass scored, as the weights-only bands */
    s3_status rc = s3i_score_bands(b->ctx, m, s, L->ind, 1, rng, NULL, NULL);
    if (rc)
        return rc;
    s->have_boot = 1;
    return S3_OK;
}

/* The headline matrix of a level (and its kind), or NULL. */
static s3i_mres *
headline(const s3i_pass *p, int lv, int kind)
{
    for (size_t i = 0; i < p->nmx; i++)
        if (p->mx[i].lv == lv && p->mx[i].kind == kind)
            return &p->mr[i];
    return NULL;
}

/* A matrix the draws recompute, its level's score (NULL: none), and the
 * tenants matrix that tests an employees one. */
typedef struct {
    s3i_mres *r;
    s3i_sres *s;
    const s3i_mres *firms;
} target;

/* Whether the draws can recompute matrix r: it has complexity measures,
 * and its relatedness comes from its own binary matrix (proximity), not
 * from patent co-occurrences. */
static int
bootable(const s3_model *m, const s3i_mres *r)
{
    return r && r->complexity && r->x->nr > 0 &&
           (!r->x->cooc || m->relatedness == S3I_REL_PROXIMITY);
}

/* The draws [w->d0, w->d1) of one worker. */
static void *
work(void *arg)
{
    worker *w = arg;
    const boot *b = w->b;
    const s3_model *m = b->m;
    int generic = b->p->d->generic;
    for (size_t dr = w->d0; dr < w->d1 && !w->failed; dr++) {
        gsl_rng_set(w->rng, draw_seed(m->seed, dr));
        if (!generic)
            draw_tenants(b, w);
        for (size_t l = 0; l < w->nlv && !w->failed; l++) {
            level *L = &w->lv[l];
            size_t n = L->nr * L->nc;
            if (L->counted)
                draw_counts(w->rng, L);
            else
                count_tenants(b, L, w->draw);
            binary(b, L);
            if (chain(b, L, L->ind + dr * L->nr * L->k)) {
                w->failed = 1;
                break;
            }
            for (size_t i = 0; i < n; i++) {
                L->nspec[i] += L->m[i] == 1.0;
                L->nideal[i] += (uint32_t)L->ideal[i];
            }
            for (size_t i = 0; L->dens && i < n; i++) {
                size_t q = L->pos2[i % L->nc];
                L->dens[dr * n + i] =
                    q == S3I_NONE ? NAN : L->omega[(i / L->nc) * L->n2c + q];
            }
        }
        s3_ctx *ctx = b->ctx;
        if (w->d0 == 0 && ctx->progress && (dr + 1) % 64 == 0)
            ctx->progress(ctx->progress_user, "bootstrap",
                          (double)(dr + 1) / (double)w->d1);
    }
    return NULL;
}

/* An order of tenants by what the draws read of them (code, start-up,
 * dates, employees; NaN first), so that the draws do not depend on the
 * order of the rows in the file: tenants alike in all of it are
 * interchangeable. */
static int
tenant_cmp(const s3i_tenant *a, const s3i_tenant *b)
{
    if (a->nace != b->nace)
        return a->nace < b->nace ? -1 : 1;
    if (a->startup != b->startup)
        return a->startup < b->startup ? -1 : 1;
    if (a->entered != b->entered)
        return a->entered < b->entered ? -1 : 1;
    if (a->left != b->left)
        return a->left < b->left ? -1 : 1;
    int na = isnan(a->employees), nb = isnan(b->employees);
    if (na || nb)
        return nb - na;
    return (a->employees > b->employees) - (a->employees < b->employees);
}

/* The tenants the draws resample: the active tenants of the open
 * centres, grouped by centre, each centre's in tenant_cmp order. */
static int
tenant_pool(boot *b)
{
    const s3i_pass *p = b->p;
    const s3_dataset *d = p->d;
    const s3i_records *rec = p->in.rec;
    size_t nu = d->units.n;
    int f = 0;
    b->tstart = zalloc(nu + 1, sizeof(size_t), &f);
    b->tl = zalloc(rec->ntenants, sizeof(size_t), &f);
    b->t_aligned = zalloc(rec->ntenants, 1, &f);
    size_t *fill = zalloc(nu, sizeof(size_t), &f);
    if (f) {
        free(fill);
        return -1;
    }
    for (size_t t = 0; t < rec->ntenants; t++) {
        const s3i_tenant *te = &rec->tenants[t];
        int in = 0;
        for (size_t k = 0; k < p->dm.n && !in; k++)
            in = s3i_domain_has(&p->dm, d->ref, k, te->nace);
        b->t_aligned[t] = (unsigned char)in;
        if (te->active && !(p->in.closed && p->in.closed[te->centre]))
            b->tstart[te->centre + 1]++;
    }
    for (size_t c = 0; c < nu; c++) {
        b->tstart[c + 1] += b->tstart[c];
        fill[c] = b->tstart[c];
    }
    for (size_t t = 0; t < rec->ntenants; t++) {
        const s3i_tenant *te = &rec->tenants[t];
        if (te->active && !(p->in.closed && p->in.closed[te->centre]))
            b->tl[fill[te->centre]++] = t;
    }
    b->nt = b->tstart[nu];
    free(fill);
    /* insertion sort within each centre (tens to hundreds of tenants) */
    for (size_t c = 0; c < nu; c++)
        for (size_t i = b->tstart[c] + 1; i < b->tstart[c + 1]; i++)
            for (size_t j = i; j > b->tstart[c] &&
                               tenant_cmp(&rec->tenants[b->tl[j]],
                                          &rec->tenants[b->tl[j - 1]]) < 0;
                 j--) {
                size_t t = b->tl[j];
                b->tl[j] = b->tl[j - 1];
                b->tl[j - 1] = t;
            }
    return 0;
}

/* Bands from the weights alone: the Monte Carlo of the scores stage. */
static s3_status
keep_weight_bands(s3_ctx *ctx, s3i_pass *p)
{
    for (size_t l = 0; l < p->nsc; l++) {
        s3i_sres *s = &p->sc[l];
        if (!s->scored)
            continue;
        s->p05w = malloc((s->n + 1) * sizeof(double));
        s->p95w = malloc((s->n + 1) * sizeof(double));
        if (!s->p05w || !s->p95w)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        memcpy(s->p05w, s->p05, s->n * sizeof(double));
        memcpy(s->p95w, s->p95, s->n * sizeof(double));
    }
    return S3_OK;
}

enum { MAX_WORKERS = 2 };

s3_status
s3i_bootstrap(s3_ctx *ctx, s3i_pass *p)
{
    const s3_model *m = p->m;
    const s3_dataset *d = p->d;
    s3_status rc = keep_weight_bands(ctx, p);
    if (rc || m->resample == S3I_RESAMPLE_NONE || m->draws == 0)
        return rc;
    int kind = d->generic                          ? S3I_KIND_INPUT
               : m->weight == S3I_WEIGHT_EMPLOYEES ? S3I_KIND_EMPLOYEES
                                                   : S3I_KIND_TENANTS;
    boot b = {.ctx = ctx, .m = m, .p = p};
    /* two workers when there are draws enough to share */
    size_t nw = s3i_threads(ctx) >= 2 && m->draws >= 64 ? 2 : 1;
    worker w[MAX_WORKERS];
    memset(w, 0, sizeof w);
    /* what the draws recompute: each scored level's headline matrix, and
     * the centres' patents (without a score) */
    target tg[3];
    size_t ntg = 0;
    for (size_t l = 0; l < p->nsc && ntg < 2; l++) {
        s3i_sres *s = &p->sc[l];
        s3i_mres *r = headline(p, s->lv, kind);
        if (s->scored && bootable(m, r))
            tg[ntg++] = (target){r, s,
                                 kind == S3I_KIND_EMPLOYEES
                                     ? headline(p, s->lv, S3I_KIND_TENANTS)
                                     : NULL};
    }
    s3i_mres *pr =
        d->generic ? NULL : headline(p, S3I_LEVEL_CENTRE, S3I_KIND_PATENTS);
    if (bootable(m, pr))
        tg[ntg++] = (target){pr, NULL, NULL};
    if (!d->generic && tenant_pool(&b))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t t = 0; t < nw && !rc; t++) {
        w[t].b = &b;
        w[t].d0 = m->draws * t / nw;
        w[t].d1 = m->draws * (t + 1) / nw;
        int f = 0;
        w[t].draw = zalloc(b.nt, sizeof(size_t), &f);
        w[t].rng = gsl_rng_alloc(gsl_rng_mt19937);
        for (size_t l = 0; l < ntg && !f; l++) {
            level *L = &w[t].lv[l];
            const level *owner = t ? &w[0].lv[l] : NULL;
            w[t].nlv++;
            f = level_init(&b, L, tg[l].r, tg[l].s, tg[l].firms, owner);
            if (owner)
                L->ind = owner->ind, L->dens = owner->dens;
        }
        if (f || !w[t].rng)
            rc = s3i_fail(ctx, S3_ENOMEM,
                          "out of memory for the bootstrap (%zu draws)",
                          m->draws);
    }
    for (size_t l = 0; l < w[0].nlv && !rc; l++)
        rc = self_check(&b, &w[0].lv[l], w[0].lv[l].ind);
    if (!rc) {
        pthread_t th;
        int second = nw == 2 && pthread_create(&th, NULL, work, &w[1]) == 0;
        work(&w[0]);
        if (nw == 2 && !second)
            work(&w[1]); /* no thread: the same draws, one after the other */
        if (second)
            pthread_join(th, NULL);
        if (w[0].failed || (nw == 2 && w[1].failed))
            rc = s3i_fail(ctx, S3_EINTERNAL,
                          "the bootstrap's workspace is too small");
    }
    /* the counts of every worker, then what they give */
    for (size_t t = 1; t < nw && !rc; t++)
        for (size_t l = 0; l < w[0].nlv; l++) {
            level *L0 = &w[0].lv[l], *L = &w[t].lv[l];
            for (size_t i = 0; i < L0->nr * L0->nc; i++) {
                L0->nspec[i] += L->nspec[i];
                L0->nideal[i] += L->nideal[i];
            }
        }
    for (size_t l = 0; l < w[0].nlv && !rc; l++)
        rc = finish(&b, &w[0].lv[l], w[0].rng);
    for (size_t t = 0; t < nw; t++) {
        for (size_t l = 0; l < w[t].nlv; l++)
            level_free(&w[t].lv[l], t == 0);
        free(w[t].draw);
        gsl_rng_free(w[t].rng);
    }
    free(b.tl), free(b.tstart), free(b.t_aligned);
    return rc;
}
