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
    free(s->p05w), free(s->p95w), free(s->sel), free(s->why);
    free(s->scale_buf), free(s->scale_m);
    memset(s, 0, sizeof *s);
}

/* Why unit i of s has no score, into s->why (empty when it has one): no
 * tenants (or, in a scenario, no open centre), else the indicators in use
 * it lacks.  Returns whether it is scored. */
static int
reason(s3i_sres *s, size_t i, double active, int emptied, int generic)
{
    char *w = s->why + i * S3I_WHY;
    size_t k = s->k, len = 0, lacks = 0;
    w[0] = '\0';
    for (size_t j = 0; j < k; j++) {
        if (!(s->w[j] > 0.0) || !isnan(s->x[i * k + j]))
            continue;
        len += (size_t)snprintf(
            w + len, len < S3I_WHY ? S3I_WHY - len : 0, "%s%s",
            lacks++ ? ", " : "missing: ", indicator_name[s->ind[j]]);
    }
    if (!lacks)
        return 1;
    if (emptied)
        snprintf(w, S3I_WHY, "no open centre (closed or merged away)");
    else if (!(active > 0.0))
        snprintf(w, S3I_WHY, "%s", generic ? "total 0" : "no tenants");
    return 0;
}

s3_status
s3i_score_bands(s3_ctx *ctx, const s3_model *m, s3i_sres *s, const double *x,
                int per_draw, gsl_rng *rng, void (*progress)(void *, double),
                void *user)
{
    size_t n = s->n, k = s->k, ns = s->ns, draws = m->draws;
    size_t reps = per_draw ? draws : 1;
    size_t nw = s3_uncertainty_workspace(ns, k, draws);
    double *xs = s3i_malloc_big(reps * ns * k + 1, sizeof(double)),
           *q = s3i_malloc_big(3 * ns + ns * ns + 1, sizeof(double));
    void *work = malloc(nw ? nw : 1);
    s3_status rc = S3_OK;
    if (!xs || !q || !work || nw == SIZE_MAX) {
        rc = s3i_fail(ctx, S3_ENOMEM,
                      "out of memory for the Monte Carlo (%zu draws, %zu "
                      "units)",
                      draws, ns);
        goto done;
    }
    /* the scored units' rows, draw by draw */
    for (size_t d = 0; d < reps; d++)
        for (size_t t = 0; t < ns; t++)
            memcpy(xs + (d * ns + t) * k, x + (d * n + s->sel[t]) * k,
                   k * sizeof(double));
    double *med = q, *p05 = q + ns, *p95 = q + 2 * ns, *out = q + 3 * ns;
    /* in a scenario on the baseline's scale, as its scores */
    int bad = s3_score_uncertainty_scaled(
        xs, per_draw, ns, k, m->dir, s->w, (s3_normalisation)m->norm,
        (s3_aggregation)m->agg, m->shift, m->lo, m->hi,
        s->scaled ? &s->scale : NULL, draws, m->weight_sd, m->vary_norm,
        m->vary_agg, rng, med, p05, p95, out, work, nw, progress, user);
    if (bad) {
        rc = s3i_fail(ctx, S3_EINTERNAL,
                      "the Monte Carlo of the %s scores "
                      "failed",
                      s->level);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        s->med[i] = s->p05[i] = s->p95[i] = NAN;
    for (size_t i = 0; i < n * n; i++)
        s->out[i] = NAN;
    for (size_t a = 0; a < ns; a++) {
        size_t ua = s->sel[a];
        s->med[ua] = med[a], s->p05[ua] = p05[a], s->p95[ua] = p95[a];
        for (size_t b = 0; b < ns; b++)
            s->out[ua * n + s->sel[b]] = out[a * ns + b];
    }
done:
    free(xs), free(q), free(work);
    return rc;
}

/* The goalposts of every normalisation of a level: the scale (min, max,
 * mean, sd, sorted values) of the baseline's scored units (issue 12, item
 * 5).  A scenario is normalised on them, not on its own data, so that a
 * unit whose indicators did not change keeps its score exactly and a rank
 * moves only when something moved; an indicator the baseline left out (no
 * value) stays out.  The bootstrap's draws, the baseline's and a
 * scenario's alike, are normalised on them too, so that a band shows how
 * the data vary against the same goalposts, not the goalposts moving with
 * each draw (on the baseline's own data the scaled normalisation equals
 * s3_normalise to the last bit: its score does not change).  Values beyond
 * the baseline's range normalise beyond 0-1 and stay so, except under a
 * geometric mean (it needs y + shift > 0): there they are raised to 0.
 * base: the baseline's scores of this level (s itself for the baseline,
 * after its units are selected), or NULL: none. */
static s3_status
goalposts(s3_ctx *ctx, const s3_model *m, const s3i_sres *bs, s3i_sres *s)
{
    if (!bs || !bs->ns)
        return S3_OK;
    size_t k = s->k, nref = bs->ns;
    double *ref = s3i_malloc_big(nref * k + 1, sizeof(double));
    size_t *iwork = malloc((nref + 1) * sizeof(size_t));
    s->scale_buf = malloc((k * (nref + 4) + nref + 1) * sizeof(double));
    s->scale_m = malloc((k + 1) * sizeof(size_t));
    if (!ref || !iwork || !s->scale_buf || !s->scale_m) {
        free(ref), free(iwork);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t t = 0; t < nref; t++)
        memcpy(ref + t * k, bs->x + bs->sel[t] * k, k * sizeof(double));
    s3_scale_build(ref, nref, k, s->scale_buf, s->scale_m, iwork, &s->scale);
    if ((s3_aggregation)m->agg == S3_AGG_GEOMETRIC || m->vary_agg)
        s->scale.floor = 0.0;
    free(ref), free(iwork);
    s->wsum = 0.0;
    for (size_t j = 0; j < k; j++) {
        if (!(bs->w[j] > 0.0))
            s->w[j] = 0.0;
        s->wsum += s->w[j];
    }
    s->scaled = s->wsum > 0.0;
    return S3_OK;
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
           *work = malloc((2 * n + 1) * sizeof(double)),
           *xs = s3i_malloc_big(n * k + 1, sizeof(double)),
           *ys = s3i_malloc_big(n * k + 1, sizeof(double)),
           *ss = malloc((2 * n + 1) * sizeof(double));
    unsigned char *emptied = calloc(n + 1, 1);
    s->unit = malloc((n + 1) * sizeof(char *));
    s->key = malloc((n + 1) * sizeof(size_t));
    s->x = s3i_malloc_big(n * k + 1, sizeof(double));
    s->y = s3i_malloc_big(n * k + 1, sizeof(double));
    s->score = malloc((n + 1) * sizeof(double));
    s->rank = malloc((n + 1) * sizeof(double));
    s->med = malloc((n + 1) * sizeof(double));
    s->p05 = malloc((n + 1) * sizeof(double));
    s->p95 = malloc((n + 1) * sizeof(double));
    s->out = s3i_malloc_big(n * n + 1, sizeof(double));
    s->sel = malloc((n + 1) * sizeof(size_t));
    s->why = calloc(n * S3I_WHY + 1, 1);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!uoc || !iwork || !cnt || !work || !xs || !ys || !ss || !emptied ||
        !s->unit || !s->key || !s->x || !s->y || !s->score || !s->rank ||
        !s->med || !s->p05 || !s->p95 || !s->out || !s->sel || !s->why ||
        !rng) {
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
        /* a row whose centres a scenario closed or merged away, all of
         * them, is emptied (marked 1 for a closed one, 2 for an open) */
        for (size_t c = 0; c < d->units.n; c++) {
            int shut = ps->in.closed && ps->in.closed[c];
            size_t row = rowof[by_sub ? d->units.subidx[c] : c];
            uoc[c] = shut ? S3I_NONE /* a closed centre counts nowhere */
                          : row;
            if (row != S3I_NONE)
                emptied[row] |= shut ? 1 : 2;
        }
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
    /* a scenario takes the baseline's goalposts */
    const s3i_sres *bs = NULL;
    for (size_t l = 0; l < ps->in.nbase; l++)
        if (ps->in.base[l].scored && ps->in.base[l].lv == s->lv &&
            ps->in.base[l].k == k &&
            !memcmp(ps->in.base[l].ind, s->ind, k * sizeof(int)))
            bs = &ps->in.base[l];
    if (bs && (rc = goalposts(ctx, m, bs, s)))
        goto done;
    /* a unit is scored only with every indicator in use: a score on fewer
     * would rank it on other terms than the rest; the others are ranked
     * among themselves */
    for (size_t i = 0; i < n; i++) {
        double active = d->generic ? r->rs[i] : cnt[i];
        if (reason(s, i, active, emptied[i] == 1, d->generic)) {
            s->sel[s->ns++] = i;
            continue;
        }
        char msg[S3I_WHY + 120];
        snprintf(msg, sizeof msg,
                 "%s is not scored (%s): no score, rank, rank band or "
                 "traffic light",
                 s->unit[i], s3i_sres_why(s, i));
        if (s3i_note(notes, level, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    size_t ns = s->ns;
    if (ns == 0) {
        if (s3i_note(notes, level,
                     "no unit has a value for every indicator in use: no "
                     "score"))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    /* the baseline's goalposts are its own */
    if (!ps->in.base && (rc = goalposts(ctx, m, s, s)))
        goto done;
    for (size_t t = 0; t < ns; t++)
        memcpy(xs + t * k, s->x + s->sel[t] * k, k * sizeof(double));
    if (s->scaled)
        s3_normalise_scaled(xs, ns, k, m->dir, (s3_normalisation)m->norm, m->lo,
                            m->hi, &s->scale, ys);
    else
        s3_normalise(xs, ns, k, m->dir, (s3_normalisation)m->norm, m->lo, m->hi,
                     ys, work, iwork);
    s3_aggregate(ys, ns, k, s->w, (s3_aggregation)m->agg, m->shift, ss);
    s3_rank(ss, ns, ss + n, iwork);
    for (size_t i = 0; i < n * k; i++)
        s->y[i] = NAN;
    for (size_t i = 0; i < n; i++)
        s->score[i] = s->rank[i] = s->med[i] = s->p05[i] = s->p95[i] = NAN;
    for (size_t t = 0; t < ns; t++) {
        size_t i = s->sel[t];
        memcpy(s->y + i * k, ys + t * k, k * sizeof(double));
        s->score[i] = ss[t];
        s->rank[i] = ss[n + t];
    }
    s->scored = 1;
    /* uncertainty */
    if (m->draws > 0) {
        gsl_rng_set(rng, m->seed);
        rc = s3i_score_bands(ctx, m, s, s->x, 0, rng, mc_progress, ctx);
        s->have_mc = rc == S3_OK;
    }
done:
    gsl_rng_free(rng);
    free(uoc), free(iwork), free(rowof), free(cnt), free(work), free(xs),
        free(ys), free(ss), free(emptied);
    return rc;
}
