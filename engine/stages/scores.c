/*
 * scores.c — the strategist's and the ministry's questions, from the
 * measures already computed: S3 domains, the development-potential score
 * with its uncertainty, overlaps and partners between units, and the
 * sub-regions side by side with their own economy.
 *
 * S3 domains are named sets of NACE codes (any level) and WIPO technology
 * fields (F01-F35) from the model's [domains] section; a class may belong
 * to several domains.  A unit's share of activity in a domain is counted on
 * the finest codes the tenants give, so a domain that names a class inside
 * a division still counts exactly.
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

/* ---- S3 domains --------------------------------------------------------- */

void
s3i_domains_free(s3i_domains *dm)
{
    if (!dm)
        return;
    free(dm->name);
    free(dm->nace_in);
    free(dm->field_in);
    memset(dm, 0, sizeof *dm);
}

s3_status
s3i_domains_resolve(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                    s3i_domains *dm)
{
    memset(dm, 0, sizeof *dm);
    size_t nn = ref->nnace, nf = ref->nfields, cap = 0;
    for (size_t e = 0; e < m->nentries; e++) {
        const s3i_entry *en = &m->entries[e];
        if (strcmp(en->section, "domains"))
            continue;
        size_t d;
        for (d = 0; d < dm->n; d++)
            if (strcmp(dm->name[d], en->key) == 0)
                break;
        if (d == dm->n) {
            /* a new domain: grow the arrays */
            if (s3i_reserve(&dm->name, &cap, dm->n + 1, sizeof(char *)))
                goto nomem;
            unsigned char *ni = realloc(dm->nace_in, (dm->n + 1) * nn + 1);
            if (!ni)
                goto nomem;
            dm->nace_in = ni;
            unsigned char *fi = realloc(dm->field_in, (dm->n + 1) * nf + 1);
            if (!fi)
                goto nomem;
            dm->field_in = fi;
            memset(dm->nace_in + dm->n * nn, 0, nn);
            memset(dm->field_in + dm->n * nf, 0, nf);
            dm->name[d] = en->key;
            dm->n++;
        }
        /* codes separated by blanks or commas */
        for (const char *p = en->value; *p;) {
            p += strspn(p, " ,\t");
            size_t l = strcspn(p, " ,\t");
            if (!l)
                break;
            char code[32];
            snprintf(code, sizeof code, "%.*s", (int)(l < 31 ? l : 31), p);
            p += l;
            if ((code[0] == 'F' || code[0] == 'f') &&
                isdigit((unsigned char)code[1])) {
                char *end;
                long f = strtol(code + 1, &end, 10);
                if (*end || f < 1 || (size_t)f > nf)
                    return s3i_fail(ctx, S3_EMODEL,
                                    "%s:%zu: [domains] %s: '%s' is not a WIPO "
                                    "field (F01-F%02zu)",
                                    m->path, en->line, en->key, code, nf);
                dm->field_in[d * nf + (size_t)f - 1] = 1;
                continue;
            }
            size_t c = s3i_nace_lookup(ref, code, strlen(code));
            if (c == S3I_NONE)
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [domains] %s: '%s' is not a NACE Rev. "
                                "2 code or a WIPO field (F01-F35)",
                                m->path, en->line, en->key, code);
            /* the code and everything inside it */
            for (size_t i = 0; i < nn; i++)
                for (size_t a = i; a != S3I_NONE; a = ref->nace_parent[a])
                    if (a == c) {
                        dm->nace_in[d * nn + i] = 1;
                        break;
                    }
        }
    }
    return S3_OK;
nomem:
    return s3i_fail(ctx, S3_ENOMEM, "out of memory");
}

/* Whether finest NACE code i lies in domain d. */
static int
nace_in(const s3i_domains *dm, const s3i_ref *ref, size_t d, size_t i)
{
    return i != S3I_NONE && dm->nace_in[d * ref->nnace + i];
}

/* Domain shares and RCAs of one matrix: for tenant matrices over the
 * finest codes (vx), for patents over the fields. */
s3_status
s3i_domain_rows(s3_ctx *ctx, const s3i_ref *ref, const s3i_domains *dm,
                const s3i_matrix *x, s3_table *t)
{
    int patents = strcmp(x->name, "patents") == 0;
    int tenantlike = !strcmp(x->name, "tenants") ||
                     !strcmp(x->name, "employees");
    if (!dm->n || (!patents && !tenantlike) || !x->vx)
        return S3_OK;
    size_t nr = x->nr, nc = x->nvc, nd = dm->n;
    double *v = calloc(nr * nd + 1, sizeof(double)),
           *tot = calloc(nr + 1, sizeof(double)),
           *dtot = calloc(nd + 1, sizeof(double));
    unsigned char *in = calloc(nc * nd + 1, 1);
    s3_status rc = S3_OK;
    if (!v || !tot || !dtot || !in) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    /* membership of each column of vx */
    for (size_t p = 0; p < nc; p++) {
        const char *code = x->col_of_vx ? x->col_of_vx[p] : x->col[p];
        for (size_t d = 0; d < nd; d++) {
            if (patents) {
                long f = strtol(code, NULL, 10);
                in[p * nd + d] = f >= 1 && (size_t)f <= ref->nfields &&
                                 dm->field_in[d * ref->nfields + (size_t)f - 1];
            } else {
                in[p * nd + d] =
                    nace_in(dm, ref, d, s3i_nace_lookup(ref, code, strlen(code)));
            }
        }
    }
    double all = 0.0;
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++) {
            double val = x->vx[c * nc + p];
            tot[c] += val;
            all += val;
            for (size_t d = 0; d < nd; d++)
                if (in[p * nd + d]) {
                    v[c * nd + d] += val;
                    dtot[d] += val;
                }
        }
    for (size_t c = 0; c < nr && !rc; c++)
        for (size_t d = 0; d < nd; d++) {
            size_t row = s3i_table_add_row(t);
            if (row == S3I_NONE || s3i_table_set_text(t, row, 0, x->level) ||
                s3i_table_set_text(t, row, 1, x->name) ||
                s3i_table_set_text(t, row, 2, x->row[c]) ||
                s3i_table_set_text(t, row, 3, dm->name[d])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            double share = tot[c] > 0.0 ? v[c * nd + d] / tot[c] : NAN;
            double ref_share = all > 0.0 ? dtot[d] / all : NAN;
            s3i_table_set_num(t, row, 4, v[c * nd + d]);
            s3i_table_set_num(t, row, 5, share);
            s3i_table_set_num(t, row, 6,
                              ref_share > 0.0 ? share / ref_share : NAN);
        }
done:
    free(v), free(tot), free(dtot), free(in);
    return rc;
}

s3_status
s3i_domain_overlap(s3_ctx *ctx, const s3_dataset *d, const s3i_domains *dm,
                   s3_table *t)
{
    const s3i_ref *ref = &d->ref;
    for (size_t a = 0; a < dm->n; a++)
        for (size_t b = a + 1; b < dm->n; b++) {
            double classes = 0.0, fields = 0.0, tenants = 0.0;
            for (size_t i = 0; i < ref->nnace; i++)
                classes += ref->nace_level[i] == 4 && nace_in(dm, ref, a, i) &&
                           nace_in(dm, ref, b, i);
            for (size_t f = 0; f < ref->nfields; f++)
                fields += dm->field_in[a * ref->nfields + f] &&
                          dm->field_in[b * ref->nfields + f];
            for (size_t k = 0; k < d->ntenants; k++) {
                size_t code = d->tenants[k].nace;
                tenants += d->tenants[k].active && nace_in(dm, ref, a, code) &&
                           nace_in(dm, ref, b, code);
            }
            size_t row = s3i_table_add_row(t);
            if (row == S3I_NONE || s3i_table_set_text(t, row, 0, dm->name[a]) ||
                s3i_table_set_text(t, row, 1, dm->name[b]))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
            s3i_table_set_num(t, row, 2, classes);
            s3i_table_set_num(t, row, 3, fields);
            s3i_table_set_num(t, row, 4, tenants);
        }
    return S3_OK;
}

/* ---- the development-potential score ------------------------------------ */

/* Whether a tenant is present on date day (YYYYMMDD). */
static int
present(const s3i_tenant *t, int32_t day)
{
    return (!t->entered || t->entered <= day) && (!t->left || t->left > day);
}

/* A date five years before day. */
static int32_t
five_years_before(int32_t day)
{
    return day - 50000;
}

/* Row of unit `id` among the rows of (level, matrix) in a long table, or
 * S3I_NONE; the caller gives the first row and count of that block. */
static size_t
find_row(const s3_table *t, size_t first, size_t n, size_t col,
         const char *id)
{
    for (size_t r = first; r < first + n; r++)
        if (strcmp(s3_table_text(t, r, col), id) == 0)
            return r;
    return S3I_NONE;
}

/* First row and count of (level, matrix) in a long table. */
static size_t
block(const s3_table *t, const char *level, const char *matrix, size_t *n)
{
    size_t first = S3I_NONE;
    *n = 0;
    for (size_t r = 0; r < s3_table_rows(t); r++)
        if (!strcmp(s3_table_text(t, r, 0), level) &&
            !strcmp(s3_table_text(t, r, 1), matrix)) {
            if (first == S3I_NONE)
                first = r;
            ++*n;
        }
    return first;
}

/* The indicator matrix (units × indicators) of one level.  unit[i] are
 * the unit ids (rows of units.csv for the headline matrix), unit_of_centre
 * maps a centre to its row (S3I_NONE when none). */
static void
indicators(const s3_model *m, const s3_dataset *d, const s3i_domains *dm,
           const s3i_tables *T, const char *level, const char *headline,
           size_t n, const char **unit, const size_t *unit_of_centre,
           double *x)
{
    size_t k = m->nind;
    size_t nu, u0 = block(T->units, level, headline, &nu);
    size_t np, p0 = block(T->potentials, level, headline, &np);
    size_t ck = s3_table_col(T->units, "krugman"),
           ce = s3_table_col(T->units, "eci"),
           pu = s3_table_col(T->potentials, "unit"),
           ps = s3_table_col(T->potentials, "specialised"),
           pd = s3_table_col(T->potentials, "density");
    /* tenant-based sums per unit */
    double *cnt = calloc(8 * n + 1, sizeof(double));
    if (!cnt) {
        for (size_t i = 0; i < n * k; i++)
            x[i] = NAN;
        return;
    }
    double *active = cnt, *su_yes = cnt + n, *su_known = cnt + 2 * n,
           *at_from = cnt + 3 * n, *aligned = cnt + 4 * n, *pat = cnt + 5 * n;
    int32_t cut = m->cutoff,
            from = m->growth_from ? m->growth_from
                                  : (cut ? five_years_before(cut) : 0);
    for (size_t t = 0; !d->generic && t < d->ntenants; t++) {
        const s3i_tenant *te = &d->tenants[t];
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
            in = nace_in(dm, &d->ref, dd, te->nace);
        aligned[u] += in;
    }
    for (size_t c = 0; !d->generic && d->patents && c < d->ncentres; c++) {
        size_t u = unit_of_centre[c];
        if (u != S3I_NONE)
            pat[u] += s3_sum(d->patents + c * d->ref.nfields, d->ref.nfields, 1);
    }
    for (size_t i = 0; i < n; i++) {
        size_t ur = u0 == S3I_NONE ? S3I_NONE
                                   : find_row(T->units, u0, nu, 2, unit[i]);
        for (size_t j = 0; j < k; j++) {
            double v = NAN;
            switch (m->ind[j]) {
            case IND_SPEC:
                v = ur == S3I_NONE ? NAN : s3_table_num(T->units, ur, ck);
                break;
            case IND_ECI:
                v = ur == S3I_NONE ? NAN : s3_table_num(T->units, ur, ce);
                break;
            case IND_DENS: {
                double s = 0.0, c = 0.0;
                for (size_t r = p0; p0 != S3I_NONE && r < p0 + np; r++)
                    if (!strcmp(s3_table_text(T->potentials, r, pu), unit[i]) &&
                        s3_table_num(T->potentials, r, ps) == 0.0 &&
                        !isnan(s3_table_num(T->potentials, r, pd))) {
                        s += s3_table_num(T->potentials, r, pd);
                        c += 1.0;
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
                v = (d->patents && active[i] > 0.0) ? pat[i] / active[i] : NAN;
                break;
            case IND_ALIGN:
                v = (dm->n && active[i] > 0.0) ? aligned[i] / active[i] : NAN;
                break;
            }
            x[i * k + j] = v;
        }
    }
    free(cnt);
}

/* Progress of the Monte Carlo, passed on to the context's callback. */
static void
mc_progress(void *user, double fraction)
{
    s3_ctx *ctx = user;
    if (ctx->progress)
        ctx->progress(ctx->progress_user, "uncertainty", fraction);
}

s3_status
s3i_scores(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
           const s3i_domains *dm, const s3i_tables *T, const char *scenario,
           const char *level, const char *headline)
{
    size_t n, u0 = block(T->units, level, headline, &n), k = m->nind;
    if (u0 == S3I_NONE || n == 0)
        return S3_OK;
    s3_status rc = S3_OK;
    const char **unit = calloc(n + 1, sizeof(char *));
    size_t *uoc = malloc((d->ncentres + 1) * sizeof(size_t)),
           *iwork = malloc((n + 1) * sizeof(size_t));
    double *x = malloc((n * k + 1) * sizeof(double)),
           *y = malloc((n * k + 1) * sizeof(double)),
           *score = malloc((n + 1) * sizeof(double)),
           *rank = malloc((n + 1) * sizeof(double)),
           *med = malloc((n + 1) * sizeof(double)),
           *p05 = malloc((n + 1) * sizeof(double)),
           *p95 = malloc((n + 1) * sizeof(double)),
           *out = malloc((n * n + 1) * sizeof(double)),
           *work = malloc((2 * n + 1) * sizeof(double)), w[S3I_MAXIND];
    void *mcw = NULL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!unit || !uoc || !iwork || !x || !y || !score || !rank || !med ||
        !p05 || !p95 || !out || !work || !r) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        unit[i] = s3_table_text(T->units, u0 + i, 2);
    /* centre → unit row */
    for (size_t c = 0; !d->generic && c < d->ncentres; c++) {
        const char *key = strcmp(level, "centre") == 0
                              ? d->centre_id[c]
                              : d->sub_name[d->centre_subidx[c]];
        uoc[c] = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            if (strcmp(unit[i], key) == 0)
                uoc[c] = i;
    }
    indicators(m, d, dm, T, level, headline, n, unit, uoc, x);
    /* an indicator without any value is left out, with a note */
    double wsum = 0.0;
    for (size_t j = 0; j < k; j++) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            any |= !isnan(x[i * k + j]);
        w[j] = any ? m->w[j] : 0.0;
        wsum += w[j];
        char msg[200];
        snprintf(msg, sizeof msg,
                 "indicator '%s' has no value here: left out of the score",
                 indicator_name[m->ind[j]]);
        if (!any && s3i_note(T->notes, level, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (!(wsum > 0.0)) {
        if (s3i_note(T->notes, level,
                     "no indicator of the score has a value: no score"))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_normalise(x, n, k, m->dir, (s3_normalisation)m->norm, m->lo, m->hi, y,
                 work, iwork);
    size_t rescaled = s3_aggregate(y, n, k, w, (s3_aggregation)m->agg,
                                   m->shift, score);
    s3_rank(score, n, rank, iwork);
    if (rescaled) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu units lack an indicator: their score uses the others, "
                 "with the weights rescaled",
                 rescaled);
        if (s3i_note(T->notes, level, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* uncertainty */
    int have_mc = 0;
    if (m->draws > 0) {
        size_t nw = s3_uncertainty_workspace(n, k, m->draws);
        if (!(mcw = malloc(nw ? nw : 1))) {
            rc = s3i_fail(ctx, S3_ENOMEM,
                          "out of memory for the Monte Carlo (%zu draws, %zu "
                          "units)",
                          m->draws, n);
            goto done;
        }
        gsl_rng_set(r, m->seed);
        if (s3_score_uncertainty(x, n, k, m->dir, w, (s3_normalisation)m->norm,
                                 (s3_aggregation)m->agg, m->shift, m->lo,
                                 m->hi, m->draws, m->weight_sd, m->vary_norm,
                                 m->vary_agg, r, med, p05, p95, out, mcw, nw,
                                 mc_progress, ctx) == 0)
            have_mc = 1;
    }
    /* scores.csv and indicators.csv */
    for (size_t i = 0; i < n && !rc; i++) {
        size_t row = s3i_table_add_row(T->scores);
        if (row == S3I_NONE || s3i_table_set_text(T->scores, row, 0, scenario) ||
            s3i_table_set_text(T->scores, row, 1, level) ||
            s3i_table_set_text(T->scores, row, 2, unit[i])) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            break;
        }
        double v[] = {score[i], rank[i], have_mc ? med[i] : NAN,
                      have_mc ? p05[i] : NAN, have_mc ? p95[i] : NAN};
        for (size_t j = 0; j < 5; j++)
            s3i_table_set_num(T->scores, row, 3 + j, v[j]);
        for (size_t j = 0; j < k; j++) {
            size_t ir = s3i_table_add_row(T->indicators);
            if (ir == S3I_NONE ||
                s3i_table_set_text(T->indicators, ir, 0, scenario) ||
                s3i_table_set_text(T->indicators, ir, 1, level) ||
                s3i_table_set_text(T->indicators, ir, 2, unit[i]) ||
                s3i_table_set_text(T->indicators, ir, 3,
                                   indicator_name[m->ind[j]])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->indicators, ir, 4, x[i * k + j]);
            s3i_table_set_num(T->indicators, ir, 5, y[i * k + j]);
            s3i_table_set_num(T->indicators, ir, 6, w[j] / wsum);
        }
    }
    /* outranking.csv: every ordered pair */
    for (size_t a = 0; a < n && have_mc && !rc; a++)
        for (size_t b = 0; b < n && !rc; b++) {
            if (a == b)
                continue;
            size_t row = s3i_table_add_row(T->outranking);
            if (row == S3I_NONE ||
                s3i_table_set_text(T->outranking, row, 0, scenario) ||
                s3i_table_set_text(T->outranking, row, 1, level) ||
                s3i_table_set_text(T->outranking, row, 2, unit[a]) ||
                s3i_table_set_text(T->outranking, row, 3, unit[b])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->outranking, row, 4, out[a * n + b]);
            /* bands [p05, p95] that overlap: not distinguishable */
            int overlap = !(p95[a] < p05[b] || p95[b] < p05[a]);
            s3i_table_set_num(T->outranking, row, 5, overlap ? 0.0 : 1.0);
        }
done:
    gsl_rng_free(r);
    free(unit), free(uoc), free(iwork), free(x), free(y), free(score);
    free(rank), free(med), free(p05), free(p95), free(out), free(work);
    free(mcw);
    return rc;
}

const char *
s3i_indicator_help(size_t i)
{
    return i < S3I_NIND ? indicator_help[i] : NULL;
}

/* ---- overlaps between units --------------------------------------------- */

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
s3i_overlaps(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
             const double *mc, const s3_ones *oc, const double *omega,
             size_t nc2, s3i_tables *T)
{
    size_t nr = x->nr, nw = s3_proximity_workspace(nr, nc2);
    s3_status rc = S3_OK;
    double *cos = malloc((nr * nr + 1) * sizeof(double)),
           *jac = malloc((nr * nr + 1) * sizeof(double)),
           *comp = malloc((nr * nr + 1) * sizeof(double)),
           *dist = malloc((nr * nr + 1) * sizeof(double)),
           *work = malloc(((nr * nc2 > 2 * nr * nr + 4 * nr ? nr * nc2
                                                            : 2 * nr * nr +
                                                                  4 * nr) +
                           nw + 1) *
                          sizeof(double)),
           *height = malloc((nr + 1) * sizeof(double));
    size_t *label = malloc((nr + 1) * sizeof(size_t)),
           *ma = malloc((nr + 1) * sizeof(size_t)),
           *mb = malloc((nr + 1) * sizeof(size_t)),
           *best = malloc((m->partners + 1) * sizeof(size_t)),
           *keep = malloc((nr + 1) * sizeof(size_t));
    if (!cos || !jac || !comp || !dist || !work || !height || !label || !ma ||
        !mb || !best || !keep) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    s3_cosine_similarity(x->x, nr, x->nc, cos);
    s3_jaccard_units(oc, jac, work);
    s3_complementarity(mc, omega, nr, nc2, comp, work);
    /* similarity.csv: every ordered pair (complementarity is not
     * symmetric) */
    for (size_t a = 0; a < nr && !rc; a++)
        for (size_t b = 0; b < nr && !rc; b++) {
            if (a == b)
                continue;
            size_t row = s3i_table_add_row(T->similarity);
            if (row == S3I_NONE ||
                s3i_table_set_text(T->similarity, row, 0, x->level) ||
                s3i_table_set_text(T->similarity, row, 1, x->name) ||
                s3i_table_set_text(T->similarity, row, 2, x->row[a]) ||
                s3i_table_set_text(T->similarity, row, 3, x->row[b])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->similarity, row, 4, cos[a * nr + b]);
            s3i_table_set_num(T->similarity, row, 5, jac[a * nr + b]);
            s3i_table_set_num(T->similarity, row, 6, comp[a * nr + b]);
        }
    /* clusters of the units with activity, on 1 − cosine */
    size_t nk = 0;
    for (size_t c = 0; c < nr; c++)
        if (!isnan(cos[c * nr + c]))
            keep[nk++] = c;
    for (size_t i = 0; i < nk; i++)
        for (size_t j = 0; j < nk; j++) {
            double cv = cos[keep[i] * nr + keep[j]];
            dist[i * nk + j] = i == j ? 0.0 : 1.0 - (isnan(cv) ? 0.0 : cv);
        }
    if (nk > 0) {
        s3_cluster_average(dist, nk, m->cluster_cut, label, ma, mb, height,
                           work);
        for (size_t i = 0; i < nk && !rc; i++) {
            size_t row = s3i_table_add_row(T->clusters);
            if (row == S3I_NONE ||
                s3i_table_set_text(T->clusters, row, 0, x->level) ||
                s3i_table_set_text(T->clusters, row, 1, x->name) ||
                s3i_table_set_text(T->clusters, row, 2, x->row[keep[i]])) {
                rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                break;
            }
            s3i_table_set_num(T->clusters, row, 3, (double)label[i]);
        }
    }
    /* partners: most similar and most complementary */
    for (size_t c = 0; c < nr && !rc; c++) {
        for (int kind = 0; kind < 2 && !rc; kind++) {
            const double *v = (kind ? comp : cos) + c * nr;
            size_t nb = best_partners(v, nr, c, m->partners, best);
            for (size_t i = 0; i < nb && !rc; i++) {
                size_t row = s3i_table_add_row(T->partners);
                if (row == S3I_NONE ||
                    s3i_table_set_text(T->partners, row, 0, x->level) ||
                    s3i_table_set_text(T->partners, row, 1, x->name) ||
                    s3i_table_set_text(T->partners, row, 2, x->row[c]) ||
                    s3i_table_set_text(T->partners, row, 3,
                                       kind ? "complementary" : "similar") ||
                    s3i_table_set_text(T->partners, row, 5, x->row[best[i]])) {
                    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                    break;
                }
                s3i_table_set_num(T->partners, row, 4, (double)(i + 1));
                s3i_table_set_num(T->partners, row, 6, v[best[i]]);
            }
        }
    }
done:
    free(cos), free(jac), free(comp), free(dist), free(work), free(height);
    free(label), free(ma), free(mb), free(best), free(keep);
    return rc;
}
