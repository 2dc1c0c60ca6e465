/*
 * scenarios.c — "what if": a scenario is a named list of changes to the
 * inputs or the parameters ([scenario.NAME] in the model).  It is applied
 * to a view of the dataset (its own tenants, patents and closed centres,
 * everything else borrowed), the same pipeline runs on it, and the
 * results are compared with the baseline.
 *
 * Changes to the inputs:
 *   add_tenants    = CENTRE NACE COUNT [employees=N] [startups]
 *   remove_tenants = CENTRE NACE COUNT      (the first COUNT in file order)
 *   move_tenants   = FROM TO NACE COUNT
 *   merge_centres  = FROM INTO              (FROM's tenants and patents)
 *   close_centre   = CENTRE
 *   add_patents    = CENTRE FIELD COUNT     (FIELD F01-F35)
 * Changes to the parameters: threshold, reference, level, weight, weights
 * (see s3i_model_variant).  A key may repeat; actions run in file order.
 *
 * The differences from the baseline (scenario_deltas.csv) are taken from
 * the two passes' typed results, matched on what each row and column is
 * in the dataset (the matrices' row_key and col_key): every specialisation
 * gained or lost, every density or quadrant that changed, and the score,
 * rank and rank band of every unit.  A unit whose status changed has a row
 * of measure `status` that says what happened: a centre the scenario
 * closed or merged away (it has no row in the scenario's matrices, so no
 * other row would name it), and a unit scored in one pass but not in the
 * other, with the reason (a sub-region without an open centre, a missing
 * indicator).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

/* Split a value into blank- or comma-separated words (in buf); the first
 * max go to w.  Returns the number of words, also those past max, so that
 * the caller can refuse a word too many instead of ignoring it. */
static size_t
words(const char *v, char *buf, size_t bufsz, char **w, size_t max)
{
    snprintf(buf, bufsz, "%s", v);
    size_t n = 0;
    for (char *p = buf + strspn(buf, " \t,"); *p; n++) {
        size_t len = strcspn(p, " \t,");
        if (n < max)
            w[n] = p;
        p += len;
        if (*p)
            *p++ = '\0';
        p += strspn(p, " \t,");
    }
    return n;
}

/* Index of a centre id, or an error naming the model line. */
static s3_status
centre(s3_ctx *ctx, const s3_model *m, const s3i_entry *e, const s3_dataset *d,
       const s3i_overlay *v, const char *id, size_t *out)
{
    *out = s3i_map_get(&d->units.map, id, strlen(id));
    if (*out == S3I_NONE)
        return s3i_fail(ctx, S3_EMODEL, "%s:%zu: [%s] %s: '%s' is not a centre",
                        m->path, e->line, e->section, e->key, id);
    if (v->closed[*out])
        return s3i_fail(ctx, S3_EMODEL,
                        "%s:%zu: [%s] %s: centre '%s' is closed by an earlier "
                        "change",
                        m->path, e->line, e->section, e->key, id);
    return S3_OK;
}

/* A positive whole count, or an error. */
static s3_status
count(s3_ctx *ctx, const s3_model *m, const s3i_entry *e, const char *v,
      size_t *out)
{
    double x;
    if (s3i_parse_number(v, strlen(v), 0, &x) || x < 1 || x > 1e7 ||
        x != floor(x))
        return s3i_fail(ctx, S3_EMODEL,
                        "%s:%zu: [%s] %s: '%s' is not a count (1 or more)",
                        m->path, e->line, e->section, e->key, v);
    *out = (size_t)x;
    return S3_OK;
}

/* Whether NACE code i lies inside code c (is c or below it). */
static int
inside(const s3i_ref *ref, size_t i, size_t c)
{
    for (size_t a = i; a != S3I_NONE; a = ref->nace_parent[a])
        if (a == c)
            return 1;
    return 0;
}

/* The day a scenario's changes take effect: the cut-off date, or, without
 * one, after every date.  A tenant added or moved in enters its centre on
 * that day and one removed or moved out leaves on it, so that tenant
 * growth (from growth_from to the cut-off date, scores.c) counts it at
 * the centre it was in before the change. */
static int32_t
effect_day(const s3_model *m)
{
    return m->cutoff ? m->cutoff : INT32_MAX;
}

/* Note a change that could only be made in part. */
static s3_status
note(s3_ctx *ctx, s3i_overlay *v, const s3_model *m, const s3i_entry *e,
     const char *what)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s:%zu: %s = %s: %s", m->path, e->line, e->key,
             e->value, what);
    if (s3i_note(v->notes, e->section, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* Apply one action to the overlay v on d. */
static s3_status
apply_action(s3_ctx *ctx, const s3_model *m, const s3i_entry *e,
             const s3_dataset *d, s3i_overlay *v)
{
    const s3i_ref *ref = d->ref;
    char buf[512], *w[8];
    size_t n = words(e->value, buf, sizeof buf, w, 8);
    s3_status st;
    size_t c1, c2, k = 0, code;
    /* from MIN to MAX words (MAX < 8), else an error naming the form */
#define NEED(MIN, MAX, FORM)                                                   \
    if (n < (MIN))                                                             \
        return s3i_fail(ctx, S3_EMODEL, "%s:%zu: [%s] %s: expected %s",        \
                        m->path, e->line, e->section, e->key, FORM);           \
    if (n > (MAX))                                                             \
        return s3i_fail(ctx, S3_EMODEL,                                        \
                        "%s:%zu: [%s] %s: unexpected '%s' (expected %s)",      \
                        m->path, e->line, e->section, e->key, w[MAX], FORM);
#define NACE(S)                                                                \
    code = s3i_nace_lookup(ref, (S), strlen(S));                               \
    if (code == S3I_NONE)                                                      \
        return s3i_fail(ctx, S3_EMODEL,                                        \
                        "%s:%zu: [%s] %s: '%s' is not a NACE Rev. 2 code",     \
                        m->path, e->line, e->section, e->key, (S));
    if (!strcmp(e->key, "add_tenants")) {
        NEED(3, 5, "CENTRE NACE COUNT [employees=N] [startups]");
        if ((st = centre(ctx, m, e, d, v, w[0], &c1)) ||
            (st = count(ctx, m, e, w[2], &k)))
            return st;
        NACE(w[1]);
        if (ref->nace_level[code] < m->level)
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [%s] %s: '%s' is coarser than the model's "
                            "level",
                            m->path, e->line, e->section, e->key, w[1]);
        double emp = NAN;
        int startup = 0;
        for (size_t i = 3; i < n; i++) {
            if (!strncmp(w[i], "employees=", 10)) {
                if (s3i_parse_number(w[i] + 10, strlen(w[i] + 10), 0, &emp) ||
                    emp < 0)
                    return s3i_fail(ctx, S3_EMODEL,
                                    "%s:%zu: [%s] %s: '%s': expected "
                                    "employees=N",
                                    m->path, e->line, e->section, e->key, w[i]);
            } else if (!strcmp(w[i], "startups")) {
                startup = 1;
            } else {
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [%s] %s: unknown option '%s'", m->path,
                                e->line, e->section, e->key, w[i]);
            }
        }
        if (s3i_reserve(&v->rec.tenants, &v->rec.tenants_cap,
                        v->rec.ntenants + k, sizeof(s3i_tenant)))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        for (size_t i = 0; i < k; i++)
            v->rec.tenants[v->rec.ntenants++] =
                (s3i_tenant){c1, code, emp, startup, effect_day(m), 0, 1};
        return S3_OK;
    }
    if (!strcmp(e->key, "remove_tenants") || !strcmp(e->key, "move_tenants")) {
        int move = e->key[0] == 'm';
        NEED(move ? 4u : 3u, move ? 4u : 3u,
             move ? "FROM TO NACE COUNT" : "CENTRE NACE COUNT");
        if ((st = centre(ctx, m, e, d, v, w[0], &c1)) ||
            (move && (st = centre(ctx, m, e, d, v, w[1], &c2))) ||
            (st = count(ctx, m, e, w[move ? 3 : 2], &k)))
            return st;
        NACE(w[move ? 2 : 1]);
        size_t done = 0;
        for (size_t t = 0; t < v->rec.ntenants && done < k; t++) {
            s3i_tenant *te = &v->rec.tenants[t];
            if (te->centre != c1 || !te->active || !inside(ref, te->nace, code))
                continue;
            done++;
            if (move && c1 == c2)
                continue;
            if (move) {
                /* it leaves FROM and enters TO: a copy at TO */
                if (s3i_reserve(&v->rec.tenants, &v->rec.tenants_cap,
                                v->rec.ntenants + 1, sizeof(s3i_tenant)))
                    return s3i_fail(ctx, S3_ENOMEM, "out of memory");
                te = &v->rec.tenants[t];
                s3i_tenant to = *te;
                to.centre = c2, to.entered = effect_day(m);
                v->rec.tenants[v->rec.ntenants++] = to;
            }
            te->active = 0, te->left = effect_day(m);
        }
        if (done < k) {
            char what[160];
            snprintf(what, sizeof what,
                     "only %zu of %zu such tenants are there: %s %zu", done, k,
                     move ? "moved" : "removed", done);
            return note(ctx, v, m, e, what);
        }
        return S3_OK;
    }
    if (!strcmp(e->key, "merge_centres")) {
        NEED(2, 2, "FROM INTO");
        if ((st = centre(ctx, m, e, d, v, w[0], &c1)) ||
            (st = centre(ctx, m, e, d, v, w[1], &c2)))
            return st;
        if (c1 == c2)
            return s3i_fail(
                ctx, S3_EMODEL,
                "%s:%zu: [%s] %s: a centre cannot merge into itself", m->path,
                e->line, e->section, e->key);
        for (size_t t = 0; t < v->rec.ntenants; t++)
            if (v->rec.tenants[t].centre == c1)
                v->rec.tenants[t].centre = c2;
        size_t nf = ref->nfields;
        for (size_t f = 0; v->rec.patents && f < nf; f++) {
            v->rec.patents[c2 * nf + f] += v->rec.patents[c1 * nf + f];
            v->rec.patents[c1 * nf + f] = 0.0;
        }
        v->closed[c1] = 1;
        v->into[c1] = c2;
        return S3_OK;
    }
    if (!strcmp(e->key, "close_centre")) {
        NEED(1, 1, "CENTRE");
        if ((st = centre(ctx, m, e, d, v, w[0], &c1)))
            return st;
        v->closed[c1] = 1;
        return S3_OK;
    }
    if (!strcmp(e->key, "add_patents")) {
        NEED(3, 3, "CENTRE FIELD COUNT (FIELD F01-F35)");
        if ((st = centre(ctx, m, e, d, v, w[0], &c1)) ||
            (st = count(ctx, m, e, w[2], &k)))
            return st;
        const char *f = w[1] + (toupper((unsigned char)w[1][0]) == 'F');
        char *end;
        long fl = strtol(f, &end, 10);
        if (*end || fl < 1 || (size_t)fl > ref->nfields || !v->rec.patents)
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [%s] %s: '%s' is not a WIPO field "
                            "(F01-F35)%s",
                            m->path, e->line, e->section, e->key, w[1],
                            v->rec.patents ? ""
                                           : ", or the dataset has no patents");
        v->rec.patents[c1 * ref->nfields + (size_t)fl - 1] += (double)k;
        return S3_OK;
    }
#undef NEED
#undef NACE
    return S3_OK; /* description and parameter changes */
}

void
s3i_overlay_free(s3i_overlay *o)
{
    if (!o)
        return;
    free(o->rec.tenants);
    free(o->rec.patents);
    free(o->closed);
    free(o->into);
    s3i_table_free(o->notes);
    free(o);
}

s3_status
s3i_overlay_new(s3_ctx *ctx, const s3_dataset *base, const s3_model *m,
                const char *section, s3i_overlay **out)
{
    *out = NULL;
    if (base->generic)
        return s3i_fail(ctx, S3_EMODEL,
                        "scenarios need a centre dataset, not a long table");
    static const s3i_colspec note_cols[] = {{"scope", S3_COL_TEXT},
                                            {"message", S3_COL_TEXT}};
    const s3i_records *br = &base->records;
    s3i_overlay *v = calloc(1, sizeof *v);
    if (!v)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    /* borrowed: the co-occurrences and a long table's cells */
    v->rec = *br;
    v->rec.patents = NULL;
    v->rec.tenants_cap = br->ntenants + 1;
    v->rec.tenants = malloc(v->rec.tenants_cap * sizeof(s3i_tenant));
    v->notes = s3i_table_new("notes", 2, note_cols);
    v->closed = calloc(base->units.n + 1, 1);
    v->into = malloc((base->units.n + 1) * sizeof(size_t));
    size_t np = base->units.n * base->ref->nfields;
    if (br->patents)
        v->rec.patents = malloc((np + 1) * sizeof(double));
    if (!v->notes || !v->rec.tenants || !v->closed || !v->into ||
        (br->patents && !v->rec.patents)) {
        s3i_overlay_free(v);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t c = 0; c < base->units.n; c++)
        v->into[c] = S3I_NONE;
    memcpy(v->rec.tenants, br->tenants, br->ntenants * sizeof(s3i_tenant));
    if (br->patents)
        memcpy(v->rec.patents, br->patents, np * sizeof(double));
    for (size_t e = 0; e < m->nentries; e++) {
        if (strcmp(m->entries[e].section, section))
            continue;
        s3_status st = apply_action(ctx, m, &m->entries[e], base, v);
        if (st) {
            s3i_overlay_free(v);
            return st;
        }
    }
    *out = v;
    return S3_OK;
}

/* ---- differences from the baseline -------------------------------------- */

static int
push_delta(s3i_deltas *o, const s3i_delta *v)
{
    if (s3i_reserve(&o->v, &o->cap, o->n + 1, sizeof *o->v))
        return -1;
    o->v[o->n++] = *v;
    return 0;
}

/* The baseline's matrix of the same level and kind, or NULL. */
static const s3i_mres *
twin(const s3i_pass *b, const s3i_matrix *x)
{
    for (size_t i = 0; i < b->nmx; i++)
        if (b->mx[i].lv == x->lv && b->mx[i].kind == x->kind)
            return &b->mr[i];
    return NULL;
}

/* inv[k] = the index i with key[i] == k (S3I_NONE elsewhere), for keys
 * below nkey. */
static void
invert(const size_t *key, size_t n, size_t *inv, size_t nkey)
{
    for (size_t k = 0; k < nkey; k++)
        inv[k] = S3I_NONE;
    for (size_t i = 0; i < n; i++)
        if (key[i] < nkey)
            inv[key[i]] = i;
}

/* The density of cell (c, p) of r: NaN for a class without any
 * specialisation. */
static double
density_at(const s3i_mres *r, size_t c, size_t p)
{
    size_t q = r->pos2[p];
    return q == S3I_NONE ? NAN : r->omega[c * r->n2c + q];
}

static int
same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* Specialisations gained or lost, densities and quadrants that changed,
 * in one matrix of the scenario. */
static int
matrix_deltas(const char *name, const s3i_mres *bm, const s3i_mres *sm,
              size_t *rinv, size_t nrk, size_t *cinv, size_t nck,
              s3i_deltas *out, int potentials)
{
    const s3i_matrix *x = sm->x;
    size_t nr = x->nr, nc = x->nc, bnc = bm ? bm->x->nc : 0;
    if (bm) {
        invert(bm->x->row_key, bm->x->nr, rinv, nrk);
        invert(bm->x->col_key, bnc, cinv, nck);
    }
    for (size_t c = 0; c < nr; c++) {
        size_t bc = bm ? rinv[x->row_key[c]] : S3I_NONE;
        for (size_t p = 0; p < nc; p++) {
            size_t bp = bm ? cinv[x->col_key[p]] : S3I_NONE;
            int found = bc != S3I_NONE && bp != S3I_NONE;
            size_t bi = bc * bnc + bp, i = c * nc + p;
            s3i_delta d = {.scenario = name,
                           .level = x->level,
                           .matrix = x->name,
                           .unit = x->row[c],
                           .cls = x->col[p],
                           .cls_label = x->col_label ? x->col_label[p] : NULL,
                           .base_label = "",
                           .label = ""};
            if (!potentials) {
                d.measure = "specialised";
                d.base = found ? bm->m[bi] : NAN;
                d.value = sm->m[i];
                d.rca_base = found ? bm->rca[bi] : NAN;
                d.rca_value = sm->rca[i];
                if (!same(d.base, d.value) && push_delta(out, &d))
                    return -1;
                continue;
            }
            d.measure = "density";
            d.base = found ? density_at(bm, bc, bp) : NAN;
            d.value = density_at(sm, c, p);
            if (!same(d.base, d.value) && push_delta(out, &d))
                return -1;
            const char *l = s3i_quadrant_name(sm->quad[i]),
                       *bl = found ? s3i_quadrant_name(bm->quad[bi]) : "";
            if (strcmp(l, bl)) {
                d.measure = "quadrant";
                d.base = d.value = NAN;
                d.base_label = bl;
                d.label = l;
                if (push_delta(out, &d))
                    return -1;
            }
        }
    }
    return 0;
}

s3_status
s3i_scenario_deltas(s3_ctx *ctx, const s3i_pass *b, const s3i_pass *s,
                    s3i_deltas *out)
{
    const s3_dataset *d = s->d;
    const s3i_ref *ref = d->ref;
    /* keys: centres, sub-regions or units; NACE codes, fields, baseline
     * aggregates or classes */
    size_t nrk = d->units.n > d->units.nsub ? d->units.n : d->units.nsub;
    size_t nck = ref->nnace;
    if (ref->nfields > nck)
        nck = ref->nfields;
    if (d->baseline.nagg > nck)
        nck = d->baseline.nagg;
    if (s->in.rec->nclasses > nck)
        nck = s->in.rec->nclasses;
    size_t *rinv = malloc((nrk + 1) * sizeof(size_t)),
           *cinv = malloc((nck + 1) * sizeof(size_t));
    s3_status rc = S3_OK;
    if (!rinv || !cinv)
        goto nomem;
    for (int pot = 0; pot < 2; pot++)
        for (size_t i = 0; i < s->nmx; i++) {
            const s3i_mres *sm = &s->mr[i];
            if (pot && !sm->complexity)
                continue;
            if (matrix_deltas(s->scenario, twin(b, sm->x), sm, rinv, nrk, cinv,
                              nck, out, pot))
                goto nomem;
        }
    /* every unit's score, rank and band */
    const char *headline = b->headline;
    for (size_t l = 0; l < s->nsc; l++) {
        const s3i_sres *ss = &s->sc[l], *bs = NULL;
        if (!ss->scored)
            continue;
        for (size_t k = 0; k < b->nsc; k++)
            if (b->sc[k].scored && b->sc[k].lv == ss->lv)
                bs = &b->sc[k];
        if (bs)
            invert(bs->key, bs->n, rinv, nrk);
        for (size_t u = 0; u < ss->n; u++) {
            size_t bu = bs ? rinv[ss->key[u]] : S3I_NONE;
            double v[5], bv[5];
            s3i_sres_values(ss, u, v);
            if (bu != S3I_NONE)
                s3i_sres_values(bs, bu, bv);
            static const char *const measure[5] = {
                "score", "rank", "rank_median", "rank_p05", "rank_p95"};
            for (int k = 0; k < 5; k++) {
                s3i_delta dl = {.scenario = s->scenario,
                                .level = ss->level,
                                .matrix = headline,
                                .unit = ss->unit[u],
                                .cls = "",
                                .measure = measure[k],
                                .base = bu != S3I_NONE ? bv[k] : NAN,
                                .value = v[k],
                                .base_label = "",
                                .label = ""};
                if (push_delta(out, &dl))
                    goto nomem;
            }
            /* scored in one pass, not in the other: why (the reasons
             * live in both passes' scores until the tables are made) */
            const char *bw = bu != S3I_NONE ? s3i_sres_why(bs, bu) : "",
                       *sw = s3i_sres_why(ss, u);
            if (bu != S3I_NONE && strcmp(bw, sw)) {
                s3i_delta st = {.scenario = s->scenario,
                                .level = ss->level,
                                .matrix = headline,
                                .unit = ss->unit[u],
                                .cls = "",
                                .measure = "status",
                                .base = NAN,
                                .value = NAN,
                                .base_label = *bw ? bw : "scored",
                                .label = *sw ? sw : "scored"};
                if (push_delta(out, &st))
                    goto nomem;
            }
        }
    }
    /* the centres the scenario closed or merged away */
    for (size_t c = 0; s->in.closed && c < d->units.n; c++) {
        if (!s->in.closed[c])
            continue;
        s3i_delta st = {.scenario = s->scenario,
                        .level = "centre",
                        .matrix = headline,
                        .unit = d->units.id[c],
                        .cls = "",
                        .measure = "status",
                        .base = NAN,
                        .value = NAN,
                        .base_label = "open",
                        .label = "closed"};
        size_t to = s->in.into ? s->in.into[c] : S3I_NONE;
        if (to != S3I_NONE) {
            st.label = "merged into";
            st.label_id = d->units.id[to];
        }
        if (push_delta(out, &st))
            goto nomem;
    }
    goto done;
nomem:
    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(rinv), free(cinv);
    return rc;
}

/* ---- the Scenarios sheet's table ---------------------------------------- */

/* scenario_summary: what the workbook's Scenarios sheet shows, one block
 * per scenario and level, from scenario_deltas (which stays the complete
 * record).  kind is
 *   rank            a unit whose rank moved: ranks and scores before and
 *                   after, rank_move better (a smaller rank number) or
 *                   worse, score_move higher or lower where the change
 *                   shows at 3 decimals, band: whether the new rank lies
 *                   outside the unit's baseline 5-95 % rank band;
 *   specialisation  a specialisation gained or lost, with the RCA before
 *                   and after and each side's label ("" where the
 *                   baseline lacks the unit or the class);
 *   opportunity     a class whose quadrant changed, with the density;
 *   status          closed, merged into ..., scored or not;
 *   unchanged       one row counting the units whose rank did not move.
 * Every row carries the scenario's description from the model. */

/* The label of a class from the classes table (the baseline's); for a
 * class new in the scenario (a division no centre had) the scenario
 * matrix's label `own` (the delta's), as its classes table would have
 * it; else "". */
static const char *
class_label(const s3_table *classes, const char *level, const char *matrix,
            const char *cls, const char *own)
{
    for (size_t r = 0; classes && r < s3_table_rows(classes); r++)
        if (!strcmp(s3_table_text(classes, r, 0), level) &&
            !strcmp(s3_table_text(classes, r, 1), matrix) &&
            !strcmp(s3_table_text(classes, r, 2), cls))
            return s3_table_text(classes, r, 3);
    return own ? own : "";
}

/* A unit's name: a centre's from the centres table, else its id. */
static const char *
unit_name_of(const s3_table *centres, const char *level, const char *unit)
{
    if (!strcmp(level, "centre"))
        for (size_t r = 0; centres && r < s3_table_rows(centres); r++)
            if (!strcmp(s3_table_text(centres, r, 0), unit))
                return s3_table_text(centres, r, 1);
    return unit;
}

/* The row of deltas t for (scenario, level, unit, measure) at or after
 * row `from` (the rows of one unit are together), or S3I_NONE. */
static size_t
delta_at(const s3_table *t, size_t from, const char *scen, const char *level,
         const char *unit, const char *measure)
{
    for (size_t r = from; r < s3_table_rows(t) && r < from + 8; r++)
        if (!strcmp(s3_table_text(t, r, 0), scen) &&
            !strcmp(s3_table_text(t, r, 1), level) &&
            !strcmp(s3_table_text(t, r, 3), unit) &&
            !strcmp(s3_table_text(t, r, 5), measure))
            return r;
    return S3I_NONE;
}

/* A change that shows at `digits` decimals (the change itself rounded,
 * as the sheet prints it): +1, -1, or 0. */
static int
shows(double before, double after, int digits)
{
    if (isnan(before) || isnan(after))
        return 0;
    double d = round((after - before) * pow(10.0, digits));
    return d > 0 ? 1 : d < 0 ? -1 : 0;
}

enum {
    SS_SCEN,
    SS_DESC,
    SS_LEVEL,
    SS_KIND,
    SS_UNIT,
    SS_NAME,
    SS_MATRIX,
    SS_CLASS,
    SS_LABEL,
    SS_RANK0,
    SS_RANK1,
    SS_RANKD,
    SS_RMOVE,
    SS_BAND,
    SS_SCORE0,
    SS_SCORE1,
    SS_SCORED,
    SS_SMOVE,
    SS_V0,
    SS_V1,
    SS_L0,
    SS_L1,
    SS_TEXT,
    SS_N
};

const s3i_colspec s3i_summary_cols[] = {{"scenario", S3_COL_TEXT},
                                        {"description", S3_COL_TEXT},
                                        {"level", S3_COL_TEXT},
                                        {"kind", S3_COL_TEXT},
                                        {"unit", S3_COL_CODE},
                                        {"unit_name", S3_COL_TEXT},
                                        {"matrix", S3_COL_TEXT},
                                        {"class", S3_COL_CODE},
                                        {"class_label", S3_COL_TEXT},
                                        {"rank_before", S3_COL_INTEGER},
                                        {"rank_after", S3_COL_INTEGER},
                                        {"rank_change", S3_COL_INTEGER},
                                        {"rank_move", S3_COL_TEXT},
                                        {"band", S3_COL_TEXT},
                                        {"score_before", S3_COL_NUMBER},
                                        {"score_after", S3_COL_NUMBER},
                                        {"score_change", S3_COL_NUMBER},
                                        {"score_move", S3_COL_TEXT},
                                        {"value_before", S3_COL_NUMBER},
                                        {"value_after", S3_COL_NUMBER},
                                        {"label_before", S3_COL_TEXT},
                                        {"label_after", S3_COL_TEXT},
                                        {"text", S3_COL_TEXT}};
const size_t s3i_summary_ncols = SS_N;

/* One row of the summary: the cells not given stay empty. */
typedef struct {
    const char *kind, *unit, *matrix, *cls, *cls_label, *rmove, *band, *smove,
        *l0, *l1, *text;
    double r0, r1, s0, s1, v0, v1;
} srow;

static int
put_summary(s3_table *t, const char *scen, const char *desc, const char *level,
            const s3_table *classes, const s3_table *centres, const srow *s)
{
    const char *unit = s->unit ? s->unit : "";
    const char *cls = s->cls ? s->cls : "", *mx = s->matrix ? s->matrix : "";
    s3i_val v[SS_N] = {
        [SS_SCEN] = S3I_TEXT(scen),
        [SS_DESC] = S3I_TEXT(desc),
        [SS_LEVEL] = S3I_TEXT(level),
        [SS_KIND] = S3I_TEXT(s->kind),
        [SS_UNIT] = S3I_TEXT(unit),
        [SS_NAME] = S3I_TEXT(*unit ? unit_name_of(centres, level, unit) : ""),
        [SS_MATRIX] = S3I_TEXT(mx),
        [SS_CLASS] = S3I_TEXT(cls),
        [SS_LABEL] = S3I_TEXT(
            *cls ? class_label(classes, level, mx, cls, s->cls_label) : ""),
        [SS_RANK0] = S3I_INT(s->r0),
        [SS_RANK1] = S3I_INT(s->r1),
        [SS_RANKD] = S3I_INT(s->r1 - s->r0),
        [SS_RMOVE] = S3I_TEXT(s->rmove),
        [SS_BAND] = S3I_TEXT(s->band),
        [SS_SCORE0] = S3I_NUM(s->s0),
        [SS_SCORE1] = S3I_NUM(s->s1),
        [SS_SCORED] = S3I_NUM(s->s1 - s->s0),
        [SS_SMOVE] = S3I_TEXT(s->smove),
        [SS_V0] = S3I_NUM(s->v0),
        [SS_V1] = S3I_NUM(s->v1),
        [SS_L0] = S3I_TEXT(s->l0),
        [SS_L1] = S3I_TEXT(s->l1),
        [SS_TEXT] = S3I_TEXT(s->text)};
    return s3i_table_append(t, v, SS_N);
}

/* The blocks of one scenario and level. */
static int
summary_block(s3_table *t, const s3_table *dl, const s3i_deltas *dv,
              const char *scen, const char *desc, const char *level,
              const s3_table *classes, const s3_table *centres, int banded)
{
    const double nan = NAN;
    size_t nr = s3_table_rows(dl), unchanged = 0;
    int any = 0;
#define SAME(r)                                                                \
    (!strcmp(s3_table_text(dl, r, 0), scen) &&                                 \
     !strcmp(s3_table_text(dl, r, 1), level))
    /* units whose rank moved */
    for (size_t r = 0; r < nr; r++) {
        if (!SAME(r) || strcmp(s3_table_text(dl, r, 5), "rank"))
            continue;
        any = 1;
        const char *unit = s3_table_text(dl, r, 3);
        double r0 = s3_table_num(dl, r, 6), r1 = s3_table_num(dl, r, 7);
        if (same(r0, r1)) {
            unchanged++;
            continue;
        }
        size_t rs = delta_at(dl, r > 2 ? r - 2 : 0, scen, level, unit, "score"),
               lo = delta_at(dl, r, scen, level, unit, "rank_p05"),
               hi = delta_at(dl, r, scen, level, unit, "rank_p95");
        double s0 = rs != S3I_NONE ? s3_table_num(dl, rs, 6) : nan,
               s1 = rs != S3I_NONE ? s3_table_num(dl, rs, 7) : nan,
               b0 = lo != S3I_NONE ? s3_table_num(dl, lo, 6) : nan,
               b1 = hi != S3I_NONE ? s3_table_num(dl, hi, 6) : nan;
        int sm = shows(s0, s1, 3);
        const char *band = "no band";
        char bandtxt[80];
        if (banded && !isnan(b0) && !isnan(b1) && !isnan(r1)) {
            snprintf(bandtxt, sizeof bandtxt, "%s (band %.0f-%.0f)",
                     r1 < b0 || r1 > b1 ? "exceeds the band"
                                        : "within the band",
                     b0, b1);
            band = bandtxt;
        }
        srow s = {.kind = "rank",
                  .unit = unit,
                  .rmove = isnan(r0) || isnan(r1) ? ""
                           : r1 < r0              ? "better"
                                                  : "worse",
                  .band = band,
                  .smove = sm > 0   ? "higher"
                           : sm < 0 ? "lower"
                                    : "",
                  .r0 = r0,
                  .r1 = r1,
                  .s0 = s0,
                  .s1 = s1,
                  .v0 = nan,
                  .v1 = nan};
        if (put_summary(t, scen, desc, level, classes, centres, &s))
            return -1;
    }
    /* specialisations gained or lost, opportunities, status */
    static const char *const kinds[3] = {"specialised", "quadrant", "status"};
    for (int k = 0; k < 3; k++)
        for (size_t r = 0; r < nr; r++) {
            if (!SAME(r) || strcmp(s3_table_text(dl, r, 5), kinds[k]))
                continue;
            any = 1;
            const char *unit = s3_table_text(dl, r, 3),
                       *mx = s3_table_text(dl, r, 2),
                       *cls = s3_table_text(dl, r, 4);
            srow s = {.unit = unit,
                      .r0 = nan,
                      .r1 = nan,
                      .s0 = nan,
                      .s1 = nan,
                      .v0 = nan,
                      .v1 = nan};
            if (k < 2 && dv && r < dv->n) /* row r of the table is dv->v[r] */
                s.cls_label = dv->v[r].cls_label;
            if (k == 0) {
                /* each side as it is: a class or unit the baseline
                 * lacks (a division new in the scenario) was neither
                 * specialised nor not: "" (not "specialised", which made
                 * a new class with RCA 0 a specialisation lost) */
                double m0 = s3_table_num(dl, r, 6), m1 = s3_table_num(dl, r, 7);
                s.kind = "specialisation";
                s.matrix = mx, s.cls = cls;
                s.l0 = isnan(m0)  ? ""
                       : m0 > 0.5 ? "specialised"
                                  : "not specialised";
                s.l1 = isnan(m1)  ? ""
                       : m1 > 0.5 ? "specialised"
                                  : "not specialised";
                if (dv && r < dv->n) { /* row r of the table is dv->v[r] */
                    s.v0 = dv->v[r].rca_base;
                    s.v1 = dv->v[r].rca_value;
                }
            } else if (k == 1) {
                s.kind = "opportunity";
                s.matrix = mx, s.cls = cls;
                s.l0 = s3_table_text(dl, r, 9);
                s.l1 = s3_table_text(dl, r, 10);
                size_t dn = S3I_NONE;
                for (size_t q = 0; q < nr && dn == S3I_NONE; q++)
                    if (SAME(q) &&
                        !strcmp(s3_table_text(dl, q, 5), "density") &&
                        !strcmp(s3_table_text(dl, q, 3), unit) &&
                        !strcmp(s3_table_text(dl, q, 2), mx) &&
                        !strcmp(s3_table_text(dl, q, 4), cls))
                        dn = q;
                if (dn != S3I_NONE) {
                    s.v0 = s3_table_num(dl, dn, 6);
                    s.v1 = s3_table_num(dl, dn, 7);
                }
            } else {
                s.kind = "status";
                s.l0 = s3_table_text(dl, r, 9);
                s.l1 = s3_table_text(dl, r, 10);
            }
            if (put_summary(t, scen, desc, level, classes, centres, &s))
                return -1;
        }
#undef SAME
    if (!any)
        return 0;
    char text[120];
    snprintf(text, sizeof text, "%zu %s%s unchanged", unchanged,
             !strcmp(level, "subregion") ? "sub-region" : level,
             unchanged == 1 ? "" : "s");
    srow s = {.kind = "unchanged",
              .text = text,
              .r0 = NAN,
              .r1 = NAN,
              .s0 = NAN,
              .s1 = NAN,
              .v0 = NAN,
              .v1 = NAN};
    return put_summary(t, scen, desc, level, classes, centres, &s);
}

int
s3i_scenario_summary(s3_table *t, const s3_table *deltas, const s3i_deltas *dv,
                     const s3i_pass *b, const s3i_pass *scen, size_t nscen,
                     const s3_table *classes, const s3_table *centres)
{
    const s3_model *m = b->m;
    int banded = m->resample == S3I_RESAMPLE_RECORDS && m->draws > 0;
    static const char *const levels[] = {"centre", "subregion", "unit"};
    for (size_t i = 0; i < nscen; i++) {
        const char *name = scen[i].scenario, *desc = "";
        char section[300];
        snprintf(section, sizeof section, "scenario.%s", name);
        for (size_t e = 0; e < m->nentries; e++)
            if (!strcmp(m->entries[e].section, section) &&
                !strcmp(m->entries[e].key, "description"))
                desc = m->entries[e].value;
        for (size_t l = 0; l < 3; l++)
            if (summary_block(t, deltas, dv, name, desc, levels[l], classes,
                              centres, banded))
                return -1;
    }
    return 0;
}
