/*
 * scores.c — the scores stage: the development-potential score of the
 * units of one level, from the indicators the model names, with its
 * uncertainty.  The indicators come from the earlier stages' results on
 * the level's headline matrix (Krugman, ECI, the density of the
 * opportunities) and from the tenants (start-ups, growth, patents, S3
 * alignment).
 *
 * The score follows the OECD/JRC Handbook on Constructing Composite
 * Indicators (2008): indicators with a direction, normalised, weighted and
 * aggregated; its uncertainty is a Monte Carlo over the weights (Saisana,
 * Saltelli & Tarantola 2005), reported as rank bands and as the probability
 * that one unit outranks another.
 */
#include <ctype.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

static const char *const indicator_name[] = {
#define X(id, n, h) n,
    S3I_INDICATORS(X)
#undef X
};

static const char *const indicator_help[] = {
#define X(id, n, h) h,
    S3I_INDICATORS(X)
#undef X
};

const char *
s3i_indicator_help(size_t i)
{
    return i < S3I_NIND ? indicator_help[i] : NULL;
}

const char *
s3i_indicator_name(size_t i)
{
    return i < S3I_NIND ? indicator_name[i] : NULL;
}

/* Whether a tenant is present on date day (YYYYMMDD). */
static int
present(const s3i_tenant *t, int32_t day)
{
    return (!t->entered || t->entered <= day) && (!t->left || t->left > day);
}

/* The same day five years before day (YYYYMMDD); 29 February becomes 28
 * February when that year has none. */
static int32_t
five_years_before(int32_t day)
{
    int32_t y = day / 10000 - 5, md = day % 10000;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (md == 229 && !leap)
        md = 228;
    return y * 10000 + md;
}

/* The indicator matrix (n units × k indicators) of one level: the units
 * are the rows of its headline matrix r; unit_of_centre maps a centre to
 * its row (S3I_NONE when none). */
static void
indicators(const s3_model *m, const s3i_input *in, const s3i_domains *dm,
           const s3i_mres *r, const size_t *unit_of_centre, double *cnt,
           double *x)
{
    const s3_dataset *d = in->d;
    const s3i_records *rec = in->rec;
    size_t k = m->nind, n = r->x->nr, nc = r->x->nc;
    double *active = cnt, *su_yes = cnt + n, *su_known = cnt + 2 * n,
           *at_from = cnt + 3 * n, *aligned = cnt + 4 * n, *pat = cnt + 5 * n;
    int32_t cut = m->cutoff, from = m->growth_from
                                        ? m->growth_from
                                        : (cut ? five_years_before(cut) : 0);
    for (size_t t = 0; !d->generic && t < rec->ntenants; t++) {
        const s3i_tenant *te = &rec->tenants[t];
        size_t u = unit_of_centre[te->centre];
        if (u == S3I_NONE)
            continue;
        if (from && present(te, from))
            at_from[u] += 1.0;
        if (!te->active)
            continue;
        active[u] += 1.0;
        if (te->startup >= 0) {
            su_known[u] += 1.0;
            su_yes[u] += te->startup;
        }
        int in = 0;
        for (size_t dd = 0; dd < dm->n && !in; dd++)
            in = s3i_domain_has(dm, d->ref, dd, te->nace);
        aligned[u] += in;
    }
    for (size_t c = 0; !d->generic && rec->patents && c < d->units.n; c++) {
        size_t u = unit_of_centre[c];
        if (u != S3I_NONE)
            pat[u] +=
                s3_sum(rec->patents + c * d->ref->nfields, d->ref->nfields, 1);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < k; j++) {
            double v = NAN;
            switch (m->ind[j]) {
            case IND_SPEC:
                v = r->krug[i];
                break;
            case IND_ECI:
                v = r->complexity ? r->eci[i] : NAN;
                break;
            case IND_DENS: {
                /* the mean density of the classes the unit is not
                 * specialised in */
                double s = 0.0, c = 0.0;
                for (size_t p = 0; r->complexity && p < nc; p++) {
                    size_t q = r->pos2[p];
                    if (r->m[i * nc + p] == 0.0 && q != S3I_NONE &&
                        !isnan(r->omega[i * r->n2c + q])) {
                        s += r->omega[i * r->n2c + q];
                        c += 1.0;
                    }
                }
                v = c > 0.0 ? s / c : NAN;
                break;
            }
            case IND_STARTUP:
                v = su_known[i] > 0.0 ? su_yes[i] / su_known[i] : NAN;
                break;
            case IND_GROWTH:
                v = (from && at_from[i] > 0.0) ? active[i] / at_from[i] - 1.0
                                               : NAN;
                break;
            case IND_PATENTS:
                v = (rec->patents && active[i] > 0.0) ? pat[i] / active[i]
                                                      : NAN;
                break;
            case IND_ALIGN:
                v = (dm->n && active[i] > 0.0) ? aligned[i] / active[i] : NAN;
                break;
            }
            x[i * k + j] = v;
        }
    }
}

/* Progress of the Monte Carlo, passed on to the context's callback. */
static void
mc_progress(void *user, double fraction)
{
    s3_ctx *ctx = user;
    if (ctx->progress)
        ctx->progress(ctx->progress_user, "uncertainty", fraction);
}

void
s3i_sres_free(s3i_sres *s)
{
    if (!s)
        return;
    free(s->unit), free(s->key), free(s->x), free(s->y), free(s->score),
        free(s->rank);
    free(s->med), free(s->p05), free(s->p95), free(s->out);
    free(s->p05w), free(s->p95w);
    memset(s, 0, sizeof *s);
}

s3_status
s3i_score(s3_ctx *ctx, const s3i_pass *ps, const char *level, const s3i_mres *r,
          s3_table *notes, s3i_sres *s)
{
    const s3_model *m = ps->m;
    const s3_dataset *d = ps->d;
    memset(s, 0, sizeof *s);
    s->level = level;
    if (!r || r->x->nr == 0)
        return S3_OK;
    s->lv = r->x->lv;
    size_t n = r->x->nr, k = m->nind;
    s->n = n;
    s->k = k;
    memcpy(s->ind, m->ind, k * sizeof(int));
    s3_status rc = S3_OK;
    size_t *uoc = malloc((d->units.n + 1) * sizeof(size_t)),
           *iwork = malloc((n + 1) * sizeof(size_t)), *rowof = NULL;
    double *cnt = calloc(8 * n + 1, sizeof(double)),
           *work = malloc((2 * n + 1) * sizeof(double));
    s->unit = malloc((n + 1) * sizeof(char *));
    s->key = malloc((n + 1) * sizeof(size_t));
    s->x = malloc((n * k + 1) * sizeof(double));
    s->y = malloc((n * k + 1) * sizeof(double));
    s->score = malloc((n + 1) * sizeof(double));
    s->rank = malloc((n + 1) * sizeof(double));
    s->med = malloc((n + 1) * sizeof(double));
    s->p05 = malloc((n + 1) * sizeof(double));
    s->p95 = malloc((n + 1) * sizeof(double));
    s->out = malloc((n * n + 1) * sizeof(double));
    void *mcw = NULL;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!uoc || !iwork || !cnt || !work || !s->unit || !s->key || !s->x ||
        !s->y || !s->score || !s->rank || !s->med || !s->p05 || !s->p95 ||
        !s->out || !rng) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    memcpy(s->unit, r->x->row, n * sizeof(char *));
    memcpy(s->key, r->x->row_key, n * sizeof(size_t));
    /* centre → row: a centre's own row, or the row of its sub-region */
    if (!d->generic) {
        int by_sub = r->x->lv == S3I_LEVEL_SUBREGION;
        size_t nkey = by_sub ? d->units.nsub : d->units.n;
        if (!(rowof = malloc((nkey + 1) * sizeof(size_t)))) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < nkey; i++)
            rowof[i] = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            rowof[r->x->row_key[i]] = i;
        for (size_t c = 0; c < d->units.n; c++)
            uoc[c] = ps->in.closed && ps->in.closed[c]
                         ? S3I_NONE /* a closed centre counts nowhere */
                         : rowof[by_sub ? d->units.subidx[c] : c];
    }
    indicators(m, &ps->in, &ps->dm, r, uoc, cnt, s->x);
    /* an indicator without any value is left out, with a note */
    for (size_t j = 0; j < k; j++) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            any |= !isnan(s->x[i * k + j]);
        s->w[j] = any ? m->w[j] : 0.0;
        s->wsum += s->w[j];
        char msg[200];
        snprintf(msg, sizeof msg,
                 "indicator '%s' has no value here: left out of the score",
                 indicator_name[m->ind[j]]);
        if (!any && s3i_note(notes, level, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (!(s->wsum > 0.0)) {
        if (s3i_note(notes, level,
                     "no indicator of the score has a value: no score"))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_normalise(s->x, n, k, m->dir, (s3_normalisation)m->norm, m->lo, m->hi,
                 s->y, work, iwork);
    size_t rescaled = s3_aggregate(s->y, n, k, s->w, (s3_aggregation)m->agg,
                                   m->shift, s->score);
    s3_rank(s->score, n, s->rank, iwork);
    s->scored = 1;
    if (rescaled) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu units lack an indicator: their score uses the others, "
                 "with the weights rescaled",
                 rescaled);
        if (s3i_note(notes, level, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* uncertainty */
    if (m->draws > 0) {
        size_t nw = s3_uncertainty_workspace(n, k, m->draws);
        if (!(mcw = malloc(nw ? nw : 1))) {
            rc = s3i_fail(ctx, S3_ENOMEM,
                          "out of memory for the Monte Carlo (%zu draws, %zu "
                          "units)",
                          m->draws, n);
            goto done;
        }
        gsl_rng_set(rng, m->seed);
        s->have_mc =
            s3_score_uncertainty(
                s->x, n, k, m->dir, s->w, (s3_normalisation)m->norm,
                (s3_aggregation)m->agg, m->shift, m->lo, m->hi, m->draws,
                m->weight_sd, m->vary_norm, m->vary_agg, rng, s->med, s->p05,
                s->p95, s->out, mcw, nw, mc_progress, ctx) == 0;
    }
done:
    gsl_rng_free(rng);
    free(uoc), free(iwork), free(rowof), free(cnt), free(work), free(mcw);
    return rc;
}
