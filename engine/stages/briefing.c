/*
 * briefing.c — the last stage: what the briefing shows, made ready for a
 * reader, from the baseline pass's results.  The workbook renders these
 * tables as they are, and the same facts are in the CSV files:
 *
 *   findings       three to six key findings in sentences, each with the
 *                  number it rests on;
 *   overview       the units of the first level ranked by their score
 *                  (by specialisation strength when there is none), with
 *                  the rank band, a traffic light, and their largest
 *                  specialisations and best opportunities in words;
 *   ranking        every level's units in rank order with their bands;
 *   opportunities  each unit's best opportunities, sectors and
 *                  technologies, with labels and quadrants in words.
 *
 * The traffic light splits the ranking into thirds: green, yellow and red
 * for a unit whose whole 5–95 % rank band lies in one third, grey where
 * the band crosses a third (the data cannot place the unit).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stages.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TXT S3_COL_TEXT
#define NUM S3_COL_NUMBER
#define INT S3_COL_INTEGER
#define CODE S3_COL_CODE

static const s3i_colspec overview_cols[] = {{"level", TXT},
                                            {"matrix", TXT},
                                            {"position", INT},
                                            {"unit", CODE},
                                            {"unit_name", TXT},
                                            {"subregion", TXT},
                                            {"score", NUM},
                                            {"rank_band", TXT},
                                            {"traffic_light", TXT},
                                            {"eci", NUM},
                                            {"krugman", NUM},
                                            {"diversity", INT},
                                            {"total", NUM},
                                            {"largest_specialisations", TXT},
                                            {"best_opportunities", TXT},
                                            {"not_scored", TXT}};
static const s3i_colspec ranking_cols[] = {
    {"level", TXT},       {"rank", INT},      {"unit", CODE},
    {"unit_name", TXT},   {"score", NUM},     {"rank_median", INT},
    {"rank_p05", INT},    {"rank_p95", INT},  {"band_start", NUM},
    {"band_length", NUM}, {"not_scored", TXT}};
static const s3i_colspec opportunity_cols[] = {
    {"level", TXT},       {"matrix", TXT},   {"unit", CODE},
    {"unit_name", TXT},   {"rank", INT},     {"class", CODE},
    {"class_label", TXT}, {"density", NUM},  {"pci", NUM},
    {"cog", NUM},         {"quadrant", TXT}, {"p_ideal", NUM},
    {"nearest_held", TXT}};

/* How many specialisations and opportunities the overview names. */
enum { OVERVIEW_TOP = 3, OPPORTUNITIES_TOP = 10 };

/* The name (s3i_unit_name) and sub-region of row c of a matrix. */
static const char *
unit_name(const s3_dataset *d, const s3i_matrix *x, size_t c, const char **sub)
{
    *sub = "";
    if (!d->generic && x->lv == S3I_LEVEL_CENTRE)
        *sub = d->units.sub[x->row_key[c]];
    return s3i_unit_name(d, x->lv, x->row_key[c], x->row[c]);
}

/* A long classification label cut at a word boundary near `max`
 * characters (not before max / 2 - 5), with an ellipsis. */
static void
cut_label(const char *label, int max, char out[128])
{
    int cut = (int)strlen(label);
    if (cut > max) {
        cut = max;
        while (cut > max / 2 - 5 && label[cut] != ' ')
            cut--;
    }
    snprintf(out, 128, "%.*s%s", cut, label, label[cut] ? "\u2026" : "");
}

/* A label as the Overview and the opportunities show it. */
static void
short_label(const char *label, char out[128])
{
    cut_label(label, 50, out);
}

static const char *
label_of(const s3i_matrix *x, size_t p)
{
    return x->col_label[p] ? x->col_label[p] : "";
}

/* Short and long words for a quadrant. */
static const char *
quadrant_short(int q)
{
    static const char *const w[4] = {"least attractive", "high risk, high gain",
                                     "low risk, low gain", "ideal"};
    return q >= 0 && q < 4 ? w[q] : "";
}

static const char *
quadrant_words(int q)
{
    static const char *const w[4] = {
        "least attractive: low relatedness, low complexity",
        "high risk, high gain: low relatedness, high complexity",
        "low risk, low gain: high relatedness, low complexity",
        "ideal: high relatedness, high complexity"};
    return q >= 0 && q < 4 ? w[q] : "";
}

/* The top k specialisations of unit c of r as text, labels cut near `cut`
 * characters: the classes it is
 * specialised in under the model's rule (rca == r->rca), or whose RCA
 * against the baseline reaches the threshold; highest RCA first (the
 * strongest specialisation relative to its size), then largest value. */
void
s3i_top_specialisations(const s3i_mres *r, const double *rca, size_t c,
                        double threshold, size_t k, int cut, char *out,
                        size_t outsz)
{
    const s3i_matrix *x = r->x;
    size_t nc = x->nc, chosen[8], nb = 0, len = 0;
    out[0] = '\0';
    for (; nb < k && nb < 8; nb++) {
        size_t best = S3I_NONE;
        for (size_t p = 0; p < nc; p++) {
            int taken = 0;
            for (size_t j = 0; j < nb; j++)
                taken |= chosen[j] == p;
            /* what holds: against the network, the specialisations
             * under the model's rule (M); against the baseline, its RCA */
            int held = rca == r->rca ? r->m[c * nc + p] == 1.0
                                     : rca[c * nc + p] >= threshold;
            /* and, after a bootstrap, in at least half of the draws */
            if (rca == r->rca && r->pspec && !(r->pspec[c * nc + p] >= 0.5))
                held = 0;
            if (taken || !held)
                continue;
            if (best == S3I_NONE) {
                best = p;
                continue;
            }
            double a = rca[c * nc + p], bv = rca[c * nc + best];
            if (a > bv || (a == bv && x->x[c * nc + p] > x->x[c * nc + best]))
                best = p;
        }
        if (best == S3I_NONE)
            break;
        chosen[nb] = best;
        char label[128];
        cut_label(label_of(x, best), cut, label);
        char sure[48] = "";
        if (rca == r->rca && r->pspec)
            snprintf(sure, sizeof sure, ", in %.0f %% of draws",
                     100.0 * r->pspec[c * nc + best]);
        len += (size_t)snprintf(out + len, outsz > len ? outsz - len : 0,
                                "%s%s %s (RCA %.1f%s)", nb ? " | " : "",
                                x->col[best], label, rca[c * nc + best], sure);
        if (len >= outsz)
            break;
    }
}

/* The classes of unit c's opportunities of rank 1..k, in rank order:
 * cls[0..return). */
static size_t
opportunities_of(const s3i_mres *r, size_t c, size_t k, size_t *cls)
{
    size_t nc = r->x->nc, n = 0;
    for (size_t p = 0; r->complexity && p < nc; p++) {
        uint32_t rank = r->orank[c * nc + p];
        if (rank >= 1 && rank <= k) {
            cls[rank - 1] = p;
            n = n > rank ? n : rank;
        }
    }
    return n;
}

/* The k best opportunities of unit c as text:
 * "code label (density 0.41, quadrant)"; after a bootstrap only those in
 * the ideal quadrant in at least half of the draws, in rank order,
 * "code label (density 0.41, ideal in 72 % of draws)". */
static void
best_opportunities(const s3i_mres *r, size_t c, size_t k, char *out,
                   size_t outsz)
{
    const s3i_matrix *x = r->x;
    size_t nc = x->nc, len = 0;
    uint32_t after = 0; /* the rank of the last one shown */
    out[0] = '\0';
    for (size_t shown = 0; r->complexity && shown < k && len < outsz; shown++) {
        /* the next rank that qualifies */
        size_t p = S3I_NONE;
        for (size_t q = 0; q < nc; q++) {
            uint32_t rank = r->orank[c * nc + q];
            if (rank <= after || (r->pideal && !(r->pideal[c * nc + q] >= 0.5)))
                continue;
            if (p == S3I_NONE || rank < r->orank[c * nc + p])
                p = q;
        }
        if (p == S3I_NONE)
            break;
        after = r->orank[c * nc + p];
        char label[128], sure[48];
        short_label(label_of(x, p), label);
        if (r->pideal)
            snprintf(sure, sizeof sure, "ideal in %.0f %% of draws",
                     100.0 * r->pideal[c * nc + p]);
        else
            snprintf(sure, sizeof sure, "%s",
                     quadrant_short(r->quad[c * nc + p]));
        len += (size_t)snprintf(out + len, outsz - len,
                                "%s%s %s (density %.2f, %s)",
                                shown ? " | " : "", x->col[p], label,
                                r->omega[c * r->n2c + r->pos2[p]], sure);
    }
}

/* The matrix of (level, kind) of pass b, or NULL. */
static const s3i_mres *
find(const s3i_pass *b, int lv, int kind)
{
    for (size_t i = 0; i < b->nmx; i++)
        if (b->mx[i].lv == lv && b->mx[i].kind == kind)
            return &b->mr[i];
    return NULL;
}

/* The scores of level lv, when it has them. */
static const s3i_sres *
scores_of(const s3i_pass *b, int lv)
{
    for (size_t l = 0; l < b->nsc; l++)
        if (b->sc[l].scored && b->sc[l].lv == lv)
            return &b->sc[l];
    return NULL;
}

/* a before b in an ascending order with NaN last */
static int
before(double a, double b)
{
    return isnan(b) ? !isnan(a) : a < b;
}

/* Sort idx[0..n) by key ascending, NaN last, stable (insertion: tens to
 * thousands of units). */
static void
sort_by(size_t *idx, size_t n, const double *key)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && before(key[idx[j]], key[idx[j - 1]]); j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
}

/* The traffic light of a unit at rank `at` (median rank, or rank) with
 * band [lo, hi] among the n ranked units: its third of the ranking, grey
 * when the band crosses a third, empty without a rank. */
static const char *
traffic_light(double at, double lo, double hi, size_t n)
{
    static const char *const light[] = {"green", "yellow", "red"};
    if (isnan(at))
        return "";
    int third = (int)((at - 1.0) * 3.0 / (double)n),
        tlo = isnan(lo) ? third : (int)((lo - 1.0) * 3.0 / (double)n),
        thi = isnan(hi) ? third : (int)((hi - 1.0) * 3.0 / (double)n);
    return tlo != thi  ? "grey"
           : third < 0 ? ""
           : third > 2 ? "red"
                       : light[third];
}

static int
overview_rows(s3_table *t, const s3i_pass *b, int lv, int kind, int agg_kind)
{
    const s3_model *m = b->m;
    const s3i_mres *r = find(b, lv, kind);
    if (!r)
        return 0;
    const s3i_matrix *x = r->x;
    /* the specialisations listed: against the network on the headline
     * matrix, or against the baseline on its sector aggregates */
    int against_baseline = m->reference == S3I_REF_BASELINE;
    const s3i_mres *sr = against_baseline ? find(b, lv, agg_kind) : r;
    const double *rca = !sr ? NULL : against_baseline ? sr->rcab : sr->rca;
    const s3i_sres *sc = scores_of(b, lv);
    size_t n = x->nr;
    size_t *idx = malloc((n + 1) * sizeof(size_t));
    double *key = malloc((n + 1) * sizeof(double));
    char top[1024], opp[1024], band[64];
    int rc = 0;
    if (!idx || !key) {
        rc = -1;
        goto done;
    }
    /* by specialisation strength (descending, no value last, ties by id),
     * then by the score's rank where there is one */
    for (size_t i = 0; i < n; i++) {
        idx[i] = i;
        key[i] = isnan(r->krug[i]) ? INFINITY : -r->krug[i];
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t a = idx[j], c = idx[j - 1];
            int before =
                key[a] != key[c]
                    ? key[a] < key[c]
                    : !isinf(key[a]) && strcmp(x->row[a], x->row[c]) < 0;
            if (!before)
                break;
            idx[j] = c;
            idx[j - 1] = a;
        }
    if (sc)
        sort_by(idx, n, sc->rank);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t c = idx[i];
        const char *sub, *name = unit_name(b->d, x, c, &sub);
        top[0] = '\0';
        if (rca && sr->x->nr == n)
            s3i_top_specialisations(sr, rca, c, m->threshold, OVERVIEW_TOP, 50,
                                    top, sizeof top);
        best_opportunities(r, c, OVERVIEW_TOP, opp, sizeof opp);
        double v[5] = {NAN, NAN, NAN, NAN, NAN};
        const char *light = "", *why = sc ? s3i_sres_why(sc, c) : "";
        band[0] = '\0';
        if (sc) {
            s3i_sres_values(sc, c, v);
            if (!isnan(v[3]) && !isnan(v[4]))
                snprintf(band, sizeof band, "%.0f-%.0f", v[3], v[4]);
            /* thirds of the ranked units, the only ones with a rank */
            light =
                traffic_light(isnan(v[2]) ? v[1] : v[2], v[3], v[4], sc->ns);
        }
        s3i_val row[] = {S3I_TEXT(x->level),
                         S3I_TEXT(x->name),
                         S3I_INT(*why ? NAN : (double)(i + 1)),
                         S3I_TEXT(x->row[c]),
                         S3I_TEXT(name),
                         S3I_TEXT(sub),
                         S3I_NUM(v[0]),
                         S3I_TEXT(band),
                         S3I_TEXT(light),
                         S3I_NUM(r->complexity ? r->eci[c] : NAN),
                         S3I_NUM(r->krug[c]),
                         S3I_INT(r->div[c]),
                         S3I_NUM(r->rs[c]),
                         S3I_TEXT(top),
                         S3I_TEXT(opp),
                         S3I_TEXT(why)};
        rc = s3i_table_append(t, row, N(row));
    }
done:
    free(idx);
    free(key);
    return rc;
}

static int
ranking_rows(s3_table *t, const s3i_pass *b, const s3i_sres *s)
{
    size_t n = s->n;
    size_t *idx = malloc((n + 1) * sizeof(size_t));
    if (!idx)
        return -1;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_by(idx, n, s->rank);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t u = idx[i];
        double v[5];
        s3i_sres_values(s, u, v);
        const char *name = s3i_unit_name(b->d, s->lv, s->key[u], s->unit[u]);
        s3i_val row[] = {S3I_TEXT(s->level),
                         S3I_INT(v[1]),
                         S3I_TEXT(s->unit[u]),
                         S3I_TEXT(name),
                         S3I_NUM(v[0]),
                         S3I_INT(v[2]),
                         S3I_INT(v[3]),
                         S3I_INT(v[4]),
                         S3I_NUM(v[3] - 0.5),
                         S3I_NUM(v[4] - v[3] + 1.0),
                         S3I_TEXT(s3i_sres_why(s, u))};
        rc = s3i_table_append(t, row, N(row));
    }
    free(idx);
    return rc;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* How many held classes explain an opportunity. */
enum { NEAREST_HELD = 3 };

/* Why opportunity p of unit c is suggested, as text: the (up to
 * NEAREST_HELD) classes the unit is specialised in whose relatedness φ to
 * p is highest, "code label (φ 0.42)", highest first, ties in class
 * order.  These are the largest terms of p's density, Σ_k M_ck φ_kp /
 * Σ_k φ_kp (Hidalgo et al. 2007), so they are what makes it near.  phit
 * is φ transposed (phit[q · n2c + k] = φ_kq; φ itself where it is
 * symmetric): a column of φ read as a row. */
static void
nearest_held(const s3i_mres *r, const double *phit, size_t c, size_t p,
             char *out, size_t outsz)
{
    const s3i_matrix *x = r->x;
    size_t n2c = r->n2c, q = r->pos2[p], chosen[NEAREST_HELD], nb = 0;
    out[0] = '\0';
    if (q == S3I_NONE)
        return;
    /* one pass over the held classes in order, keeping the best so far
     * sorted (a later class replaces one only with a higher φ: ties stay
     * in class order); φ's column is read only where the unit holds */
    const double *held = r->mc + c * n2c, *phi_q = phit + q * n2c;
    for (size_t k = 0; k < n2c; k++) {
        if (held[k] != 1.0 || k == q)
            continue;
        double v = phi_q[k];
        if (!(v > 0.0))
            continue;
        size_t at = nb;
        while (at > 0 && v > phi_q[chosen[at - 1]])
            at--;
        if (at == NEAREST_HELD)
            continue;
        if (nb < NEAREST_HELD)
            nb++;
        memmove(chosen + at + 1, chosen + at, (nb - 1 - at) * sizeof *chosen);
        chosen[at] = k;
    }
    size_t len = 0;
    for (size_t i = 0; i < nb && len < outsz; i++) {
        size_t cp = r->col2[chosen[i]];
        char label[128];
        short_label(label_of(x, cp), label);
        len += (size_t)snprintf(out + len, outsz - len, "%s%s %s (%.2f)",
                                i ? " | " : "", x->col[cp], label,
                                phi_q[chosen[i]]);
    }
}

/* The opportunities rows of one matrix, and the guides of its chart: the
 * lines that split the quadrants, across the points shown. */
static int
opportunity_rows(s3_table *t, const s3i_pass *b, const s3i_mres *r,
                 s3i_guides *g)
{
    const s3i_matrix *x = r->x;
    size_t cls[OPPORTUNITIES_TOP], np = 0, n2c = r->n2c;
    double *dv = malloc((2 * x->nr * OPPORTUNITIES_TOP + 1) * sizeof(double)),
           *cv = dv ? dv + x->nr * OPPORTUNITIES_TOP : NULL,
           *phit = r->phi_symmetric
                       ? NULL
                       : s3i_malloc_big(n2c * n2c + 1, sizeof(double));
    if (!dv || (!r->phi_symmetric && !phit)) {
        free(dv);
        free(phit);
        return -1;
    }
    /* φ transposed, in tiles: the opportunities read its columns */
    enum { TILE = 32 };
    for (size_t k0 = 0; phit && k0 < n2c; k0 += TILE)
        for (size_t q0 = 0; q0 < n2c; q0 += TILE)
            for (size_t k = k0; k < k0 + TILE && k < n2c; k++)
                for (size_t q = q0; q < q0 + TILE && q < n2c; q++)
                    phit[q * n2c + k] = r->phi[k * n2c + q];
    for (size_t c = 0; c < x->nr; c++) {
        const char *sub, *name = unit_name(b->d, x, c, &sub);
        size_t n = opportunities_of(r, c, OPPORTUNITIES_TOP, cls);
        for (size_t j = 0; j < n; j++) {
            size_t p = cls[j], q = r->pos2[p];
            char why[1024];
            nearest_held(r, phit ? phit : r->phi, c, p, why, sizeof why);
            double d = r->omega[c * n2c + q], pc = r->pci[p],
                   cog = r->have_eci ? r->cog[c * n2c + q] : NAN;
            s3i_val row[] = {
                S3I_TEXT(x->level),
                S3I_TEXT(x->name),
                S3I_TEXT(x->row[c]),
                S3I_TEXT(name),
                S3I_INT(j + 1),
                S3I_TEXT(x->col[p]),
                S3I_TEXT(label_of(x, p)),
                S3I_NUM(d),
                S3I_NUM(pc),
                S3I_NUM(cog),
                S3I_TEXT(quadrant_words(r->quad[c * x->nc + p])),
                S3I_NUM(r->pideal ? r->pideal[c * x->nc + p] : NAN),
                S3I_TEXT(why)};
            if (s3i_table_append(t, row, N(row))) {
                free(dv);
                free(phit);
                return -1;
            }
            if (!isnan(d) && !isnan(pc)) {
                dv[np] = d;
                cv[np++] = pc;
            }
        }
    }
    /* the lines of the quadrants: the density split and PCI 0, across the
     * range of the points shown (and of the lines themselves) */
    size_t q = np;
    qsort(dv, q, sizeof *dv, cmp_double);
    qsort(cv, q, sizeof *cv, cmp_double);
    double md = isnan(r->dsplit) ? 0.0 : r->dsplit, mp = 0.0,
           dlo = fmin(q ? dv[0] : 0.0, md), dhi = fmax(q ? dv[q - 1] : 1.0, md),
           plo = fmin(q ? cv[0] : -1.0, mp),
           phi = fmax(q ? cv[q - 1] : 1.0, mp);
    double pts[4][2] = {{md, plo}, {md, phi}, {dlo, mp}, {dhi, mp}};
    memcpy(g->pt, pts, sizeof pts);
    free(dv);
    free(phit);
    return 0;
}

s3_status
s3i_briefing(s3_ctx *ctx, const s3i_pass *b, s3_table **overview,
             s3_table **ranking, s3_table **opportunities, s3i_guides g[2])
{
    const s3_dataset *d = b->d;
    int lv = d->generic ? S3I_LEVEL_UNIT : S3I_LEVEL_CENTRE;
    int kind = d->generic                             ? S3I_KIND_INPUT
               : b->m->weight == S3I_WEIGHT_EMPLOYEES ? S3I_KIND_EMPLOYEES
                                                      : S3I_KIND_TENANTS;
    int agg = kind == S3I_KIND_EMPLOYEES ? S3I_KIND_EMPLOYEES_AGG
                                         : S3I_KIND_TENANTS_AGG;
    *overview = s3i_table_new("overview", N(overview_cols), overview_cols);
    *ranking = s3i_table_new("ranking", N(ranking_cols), ranking_cols);
    *opportunities =
        s3i_table_new("opportunities", N(opportunity_cols), opportunity_cols);
    int fail = !*overview || !*ranking || !*opportunities ||
               overview_rows(*overview, b, lv, kind, agg);
    for (size_t l = 0; l < b->nsc && !fail; l++)
        if (b->sc[l].scored)
            fail = ranking_rows(*ranking, b, &b->sc[l]);
    /* sectors, then technologies */
    const s3i_mres *om[2] = {find(b, lv, kind),
                             d->generic ? NULL : find(b, lv, S3I_KIND_PATENTS)};
    for (int i = 0; i < 2 && !fail; i++) {
        g[i].n = 0;
        if (om[i] && om[i]->complexity) {
            fail = opportunity_rows(*opportunities, b, om[i], &g[i]);
            g[i].n = 4;
        }
    }
    if (fail)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

/* ---- key findings --------------------------------------------------- */

static const s3i_colspec finding_cols[] = {
    {"rank", INT},     {"kind", TXT},  {"scenario", TXT}, {"unit", CODE},
    {"partner", CODE}, {"value", NUM}, {"measure", TXT},  {"text", TXT}};

/* One unit of the first level in the scores table: its row per scenario
 * is found by id. */
typedef struct {
    const s3_table *t;
    size_t scen, level, unit, name, rank, p05, p95, why;
} score_view;

static const char *
sv_text(const score_view *v, size_t r, size_t c)
{
    return s3_table_text(v->t, r, c);
}

/* The row of unit `id` in scenario `scen` at level `lv`, or S3I_NONE. */
static size_t
sv_find(const score_view *v, const char *scen, const char *lv, const char *id)
{
    for (size_t r = 0; r < s3_table_rows(v->t); r++)
        if (!strcmp(sv_text(v, r, v->scen), scen) &&
            !strcmp(sv_text(v, r, v->level), lv) &&
            !strcmp(sv_text(v, r, v->unit), id))
            return r;
    return S3I_NONE;
}

static int
finding(s3_table *t, size_t *k, const char *kind, const char *scen,
        const char *unit, const char *partner, double value,
        const char *measure, const char *text)
{
    s3i_val row[] = {S3I_INT(++*k),     S3I_TEXT(kind),    S3I_TEXT(scen),
                     S3I_TEXT(unit),    S3I_TEXT(partner), S3I_NUM(value),
                     S3I_TEXT(measure), S3I_TEXT(text)};
    return s3i_table_append(t, row, N(row));
}

/* "C12 Placeholder centre Essen 3 (synthetic)" */
static void
who(const score_view *v, size_t r, char *out, size_t outsz)
{
    const char *name = sv_text(v, r, v->name);
    snprintf(out, outsz, "%s%s%s", sv_text(v, r, v->unit), *name ? " " : "",
             name);
}

/* The findings of the ranking: who leads (only where the leader's rank
 * band does not overlap the next unit's), who is in the top third in
 * every draw but the 5 % tails, and how many units have no score. */
static int
ranking_findings(s3_table *t, size_t *k, const score_view *v, const char *word,
                 size_t *order, size_t n)
{
    char a[400], bb[400], text[2400];
    if (n >= 2) {
        size_t r0 = order[0], r1 = order[1];
        double hi0 = s3_table_num(v->t, r0, v->p95),
               lo1 = s3_table_num(v->t, r1, v->p05);
        who(v, r0, a, sizeof a);
        who(v, r1, bb, sizeof bb);
        if (hi0 < lo1) {
            snprintf(text, sizeof text,
                     "%s leads the ranking: its rank band (%.0f-%.0f) does "
                     "not overlap that of the next %s, %s (%.0f-%.0f).",
                     a, s3_table_num(v->t, r0, v->p05), hi0, word, bb, lo1,
                     s3_table_num(v->t, r1, v->p95));
            if (finding(t, k, "lead", "baseline", sv_text(v, r0, v->unit),
                        sv_text(v, r1, v->unit), hi0, "rank_p95", text))
                return -1;
        } else {
            /* the units whose band overlaps the first one's */
            size_t tied = 0;
            double lo0 = s3_table_num(v->t, r0, v->p05);
            for (size_t i = 1; i < n; i++)
                tied += s3_table_num(v->t, order[i], v->p05) <= hi0 &&
                        s3_table_num(v->t, order[i], v->p95) >= lo0;
            snprintf(text, sizeof text,
                     "No %s leads clearly: %s ranks first, but its rank band "
                     "(%.0f-%.0f) overlaps those of %zu other %ss, so they "
                     "are tied within uncertainty (the next: %s, "
                     "%.0f-%.0f).",
                     word, a, s3_table_num(v->t, r0, v->p05), hi0, tied, word,
                     bb, lo1, s3_table_num(v->t, r1, v->p95));
            if (finding(t, k, "lead", "baseline", sv_text(v, r0, v->unit),
                        sv_text(v, r1, v->unit), (double)tied,
                        "units tied with the first", text))
                return -1;
        }
        /* the top third as the traffic light counts it: a band whose last
         * rank is in the top third (rank <= n/3) */
        size_t robust = 0, len = 0;
        char list[1600] = "";
        /* the last rank of the top third, as traffic_light counts it */
        double third = 1.0;
        while ((int)(third * 3.0 / (double)n) == 0)
            third += 1.0;
        for (size_t i = 0; i < n; i++) {
            size_t r = order[i];
            double p95 = s3_table_num(v->t, r, v->p95);
            if (!(p95 <= third))
                continue;
            if (robust < 5 && len < sizeof list) {
                who(v, r, a, sizeof a);
                len += (size_t)snprintf(list + len, sizeof list - len,
                                        "%s%s (%.0f-%.0f)", robust ? "; " : "",
                                        a, s3_table_num(v->t, r, v->p05), p95);
            }
            robust++;
        }
        if (robust)
            snprintf(text, sizeof text,
                     "%zu %s%s rank in the top third (ranks 1-%.0f) in 90 %% "
                     "of draws (the whole 5-95 %% rank band): %s%s.",
                     robust, word, robust == 1 ? "" : "s", third, list,
                     robust > 5 ? " and more (Scores sheet)" : "");
        else
            snprintf(text, sizeof text,
                     "No %s's rank band (5-95 %%) lies within the top third "
                     "(ranks 1-%.0f): the data cannot single out a leading "
                     "group.",
                     word, third);
        if (finding(t, k, "top_third", "baseline", "", "", (double)robust,
                    "units whose band is in the top third", text))
            return -1;
    }
    return 0;
}

/* How many units have no score, and why. */
static int
unscored_finding(s3_table *t, size_t *k, const score_view *v, const char *lv,
                 const char *word, size_t nall)
{
    char text[2400];
    /* the units without a score, by reason */
    size_t none = 0, len = 0;
    char list[1600] = "";
    for (size_t r = 0; r < s3_table_rows(v->t); r++) {
        if (strcmp(sv_text(v, r, v->scen), "baseline") ||
            strcmp(sv_text(v, r, v->level), lv) || !*sv_text(v, r, v->why))
            continue;
        if (len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s (%s)",
                                    none ? "; " : "", sv_text(v, r, v->unit),
                                    sv_text(v, r, v->why));
        none++;
    }
    if (none)
        snprintf(text, sizeof text,
                 "%zu of %zu %ss cannot be scored: a score needs a value for "
                 "every indicator, and they miss one: %s.",
                 none, nall, word, list);
    else
        snprintf(text, sizeof text, "Every one of the %zu %ss is scored.", nall,
                 word);
    return finding(t, k, "not_scored", "baseline", "", "", (double)none,
                   "units without a score", text);
}

/* The largest shift of a unit's rank in a scenario: beyond its baseline
 * rank band (5-95 %) it is a finding; otherwise that no scenario moves any
 * unit beyond its band. */
static int
scenario_finding(s3_table *t, size_t *k, const score_view *v, const char *lv,
                 const char *word)
{
    size_t nr = s3_table_rows(v->t), best = S3I_NONE, bestb = S3I_NONE,
           within = S3I_NONE, withinb = S3I_NONE, beyond = 0;
    double shift = -1.0, wshift = -1.0;
    int any = 0;
    for (size_t r = 0; r < nr; r++) {
        const char *sc = sv_text(v, r, v->scen);
        double rank = s3_table_num(v->t, r, v->rank);
        if (!strcmp(sc, "baseline") || strcmp(sv_text(v, r, v->level), lv))
            continue;
        any = 1;
        size_t b = sv_find(v, "baseline", lv, sv_text(v, r, v->unit));
        if (b == S3I_NONE || isnan(rank))
            continue;
        double r0 = s3_table_num(v->t, b, v->rank),
               lo = s3_table_num(v->t, b, v->p05),
               hi = s3_table_num(v->t, b, v->p95);
        if (isnan(r0))
            continue;
        double d = fabs(rank - r0);
        if (rank < lo || rank > hi) {
            beyond++;
            if (d > shift) {
                shift = d;
                best = r;
                bestb = b;
            }
        } else if (d > wshift) {
            wshift = d;
            within = r;
            withinb = b;
        }
    }
    if (!any)
        return 0;
    char a[400], text[2000];
    size_t r = best != S3I_NONE ? best : within,
           b = best != S3I_NONE ? bestb : withinb;
    if (r == S3I_NONE)
        return 0;
    who(v, r, a, sizeof a);
    double r0 = s3_table_num(v->t, b, v->rank),
           r1 = s3_table_num(v->t, r, v->rank);
    if (best != S3I_NONE)
        snprintf(text, sizeof text,
                 "Scenario %s moves %s from rank %.0f to %.0f, beyond its "
                 "rank band (%.0f-%.0f)%s.",
                 sv_text(v, r, v->scen), a, r0, r1,
                 s3_table_num(v->t, b, v->p05), s3_table_num(v->t, b, v->p95),
                 beyond > 1 ? "; other moves beyond a band: Scenarios sheet"
                            : "");
    else
        snprintf(text, sizeof text,
                 "No scenario moves any %s beyond its rank band (5-95 %%); "
                 "the largest shift is %s, rank %.0f to %.0f in scenario %s, "
                 "within its band (%.0f-%.0f).",
                 word, a, r0, r1, sv_text(v, r, v->scen),
                 s3_table_num(v->t, b, v->p05), s3_table_num(v->t, b, v->p95));
    return finding(t, k,
                   best != S3I_NONE ? "scenario_beyond_band"
                                    : "scenario_within_band",
                   sv_text(v, r, v->scen), sv_text(v, r, v->unit), "", r1,
                   "rank in the scenario", text);
}

/* The two most similar pairs of units (cosine similarity of their mixes,
 * from the partners table), as candidates for cooperation. */
static int
pair_findings(s3_table *t, size_t *k, const s3_table *p, const score_view *v,
              const char *lv, const char *matrix, const char *word)
{
    size_t cl = s3_table_col(p, "level"), cm = s3_table_col(p, "matrix"),
           cu = s3_table_col(p, "unit"), ck = s3_table_col(p, "kind"),
           cp = s3_table_col(p, "partner"), cv = s3_table_col(p, "value"),
           np = s3_table_rows(p), taken[2] = {S3I_NONE, S3I_NONE};
    for (int j = 0; j < 2; j++) {
        size_t best = S3I_NONE;
        for (size_t r = 0; r < np; r++) {
            if (strcmp(s3_table_text(p, r, cl), lv) ||
                strcmp(s3_table_text(p, r, cm), matrix) ||
                strcmp(s3_table_text(p, r, ck), "similar") ||
                isnan(s3_table_num(p, r, cv)))
                continue;
            /* the same pair seen from the other side */
            int seen = 0;
            for (int i = 0; i < j; i++)
                seen |= (!strcmp(s3_table_text(p, r, cu),
                                 s3_table_text(p, taken[i], cu)) &&
                         !strcmp(s3_table_text(p, r, cp),
                                 s3_table_text(p, taken[i], cp))) ||
                        (!strcmp(s3_table_text(p, r, cu),
                                 s3_table_text(p, taken[i], cp)) &&
                         !strcmp(s3_table_text(p, r, cp),
                                 s3_table_text(p, taken[i], cu)));
            if (seen)
                continue;
            if (best == S3I_NONE ||
                s3_table_num(p, r, cv) > s3_table_num(p, best, cv))
                best = r;
        }
        if (best == S3I_NONE)
            break;
        taken[j] = best;
        const char *u = s3_table_text(p, best, cu),
                   *q = s3_table_text(p, best, cp);
        size_t ru = sv_find(v, "baseline", lv, u),
               rq = sv_find(v, "baseline", lv, q);
        char text[1200];
        char a[400], c[400];
        if (ru != S3I_NONE)
            who(v, ru, a, sizeof a);
        else
            snprintf(a, sizeof a, "%s", u);
        if (rq != S3I_NONE)
            who(v, rq, c, sizeof c);
        else
            snprintf(c, sizeof c, "%s", q);
        snprintf(text, sizeof text,
                 "%s similar pair of %ss (%s mix, cosine similarity %.2f, 1 "
                 "= identical): %s and %s; partners for cooperation "
                 "(Partners sheet).",
                 j ? "Second most" : "Most", word,
                 strcmp(word, "centre") ? "class" : "sector",
                 s3_table_num(p, best, cv), a, c);
        if (finding(t, k, "similar_pair", "baseline", u, q,
                    s3_table_num(p, best, cv), "cosine similarity", text))
            return -1;
    }
    return 0;
}

s3_status
s3i_findings(s3_ctx *ctx, const s3i_pass *b, const s3_table *scores,
             const s3_table *partners, s3_table **out)
{
    const s3_dataset *d = b->d;
    const char *lv = d->generic ? "unit" : "centre",
               *word = d->generic ? "unit" : "centre";
    s3_table *t = *out =
        s3i_table_new("findings", N(finding_cols), finding_cols);
    if (!t || s3i_table_set_own_text(t, 6))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!scores)
        return S3_OK;
    score_view v = {.t = scores,
                    .scen = s3_table_col(scores, "scenario"),
                    .level = s3_table_col(scores, "level"),
                    .unit = s3_table_col(scores, "unit"),
                    .name = s3_table_col(scores, "unit_name"),
                    .rank = s3_table_col(scores, "rank"),
                    .p05 = s3_table_col(scores, "rank_p05"),
                    .p95 = s3_table_col(scores, "rank_p95"),
                    .why = s3_table_col(scores, "not_scored")};
    size_t nr = s3_table_rows(scores), n = 0, nall = 0, k = 0;
    size_t *order = malloc((nr + 1) * sizeof *order);
    double *key = malloc((nr + 1) * sizeof *key);
    int fail = !order || !key;
    for (size_t r = 0; r < nr && !fail; r++) {
        if (strcmp(sv_text(&v, r, v.scen), "baseline") ||
            strcmp(sv_text(&v, r, v.level), lv))
            continue;
        nall++;
        key[r] = s3_table_num(scores, r, v.rank);
        if (!isnan(key[r]) && !isnan(s3_table_num(scores, r, v.p05)))
            order[n++] = r;
    }
    if (!fail)
        sort_by(order, n, key);
    /* the scores of the first level, with bands (a bootstrap or weights
     * varied); without a score the findings are about pairs only */
    const s3i_mres *hr =
        find(b, d->generic ? S3I_LEVEL_UNIT : S3I_LEVEL_CENTRE,
             d->generic                             ? S3I_KIND_INPUT
             : b->m->weight == S3I_WEIGHT_EMPLOYEES ? S3I_KIND_EMPLOYEES
                                                    : S3I_KIND_TENANTS);
    if (!fail && nall)
        fail = ranking_findings(t, &k, &v, word, order, n) ||
               scenario_finding(t, &k, &v, lv, word);
    if (!fail && partners && hr)
        fail = pair_findings(t, &k, partners, &v, lv, hr->x->name, word);
    if (!fail && nall)
        fail = unscored_finding(t, &k, &v, lv, word, nall);
    free(order);
    free(key);
    return fail ? s3i_fail(ctx, S3_ENOMEM, "out of memory") : S3_OK;
}
