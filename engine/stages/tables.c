/*
 * tables.c — every output table, made once at the end of a run from the
 * stages' typed results.
 *
 * Each table is declared here by its columns (name and type) and filled
 * by one function that appends whole rows in column order, so that no
 * column position is written anywhere else and every cell is checked
 * against its column's type (s3i_table_append); the unit × class and pair
 * tables are views instead (views.c), each made by one cell function in
 * column order, their rows added per matrix.  Beside it:
 * measure_tables.c (specialisation.csv, units.csv and classes.csv, whose
 * measure columns come from the catalogue) and codecols.c (what the code
 * columns hold).  The CSV writer and the workbook read these tables;
 * neither computes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/catalogue.h"
#include "stages/stages.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TXT S3_COL_TEXT
#define NUM S3_COL_NUMBER
#define INT S3_COL_INTEGER
#define CODE S3_COL_CODE

/* ---- schemas ------------------------------------------------------------ */

static const s3i_colspec pair_cols[] = {{"level", TXT},
                                        {"matrix", TXT},
                                        {"class_a", CODE},
                                        {"class_b", CODE},
                                        {"proximity", NUM}};
static const s3i_colspec upair_cols[] = {{"level", TXT},
                                         {"matrix", TXT},
                                         {"unit_a", CODE},
                                         {"unit_b", CODE},
                                         {"proximity", NUM}};
static const s3i_colspec pot_cols[] = {{"level", TXT},
                                       {"matrix", TXT},
                                       {"unit", CODE},
                                       {"class", CODE},
                                       {"specialised", INT},
                                       {"density", NUM},
                                       {"density_low", NUM},
                                       {"density_high", NUM},
                                       {"pci", NUM},
                                       {"cog", NUM},
                                       {"quadrant", TXT},
                                       {"p_ideal", NUM},
                                       {"opportunity_rank", INT},
                                       {"unit_name", TXT},
                                       {"class_label", TXT}};
static const s3i_colspec quad_cols[] = {
    {"level", TXT}, {"matrix", TXT},        {"split", TXT},
    {"used", TXT},  {"opportunities", INT}, {"labels_changed", INT}};
static const s3i_colspec rel_cols[] = {
    {"level", TXT},       {"matrix", TXT},       {"class_a", CODE},
    {"class_b", CODE},    {"cooccurrence", NUM}, {"association", NUM},
    {"probability", NUM}, {"cosine", NUM},       {"jaccard", NUM}};
static const s3i_colspec econ_cols[] = {
    {"level", TXT},         {"matrix", TXT},        {"unit", CODE},
    {"region", CODE},       {"aggregate", CODE},    {"class_label", TXT},
    {"centres_share", NUM}, {"economy_share", NUM}, {"ratio", NUM},
    {"unit_name", TXT}};
static const s3i_colspec dom_cols[] = {
    {"level", TXT}, {"matrix", TXT}, {"unit", CODE}, {"domain", TXT},
    {"value", NUM}, {"share", NUM},  {"rca", NUM},   {"unit_name", TXT}};
static const s3i_colspec dover_cols[] = {{"domain_a", TXT},
                                         {"domain_b", TXT},
                                         {"shared_classes", INT},
                                         {"shared_fields", INT},
                                         {"shared_tenants", INT}};
static const s3i_colspec score_cols[] = {{"scenario", TXT},
                                         {"level", TXT},
                                         {"unit", CODE},
                                         {"score", NUM},
                                         {"rank", INT},
                                         {"rank_median", INT},
                                         {"rank_p05", INT},
                                         {"rank_p95", INT},
                                         {"rank_p05_weights", INT},
                                         {"rank_p95_weights", INT},
                                         {"not_scored", TXT},
                                         {"unit_name", TXT}};
static const s3i_colspec ind_cols[] = {
    {"scenario", TXT}, {"level", TXT},      {"unit", CODE}, {"indicator", TXT},
    {"value", NUM},    {"normalised", NUM}, {"weight", NUM}};
static const s3i_colspec out_cols[] = {{"scenario", TXT},
                                       {"level", TXT},
                                       {"unit_a", CODE},
                                       {"unit_b", CODE},
                                       {"probability_a_above_b", NUM},
                                       {"distinguishable", INT}};
static const s3i_colspec sim_cols[] = {
    {"level", TXT},          {"matrix", TXT}, {"unit_a", CODE},
    {"unit_b", CODE},        {"cosine", NUM}, {"jaccard", NUM},
    {"complementarity", NUM}};
static const s3i_colspec clu_cols[] = {{"level", TXT},
                                       {"matrix", TXT},
                                       {"unit", CODE},
                                       {"cluster", INT},
                                       {"unit_name", TXT}};
static const s3i_colspec partner_cols[] = {
    {"level", TXT}, {"matrix", TXT},   {"unit", CODE}, {"kind", TXT},
    {"rank", INT},  {"partner", CODE}, {"value", NUM}, {"tied", INT}};
static const s3i_colspec centre_cols[] = {{"centre_id", CODE}, {"name", TXT},
                                          {"subregion", TXT},  {"nuts3", CODE},
                                          {"lat", NUM},        {"lon", NUM}};
static const s3i_colspec param_cols[] = {
    {"parameter", TXT}, {"value", TXT}, {"meaning", TXT}};
static const s3i_colspec def_cols[] = {
    {"section", TXT}, {"name", TXT}, {"definition", TXT}};
static const s3i_colspec delta_cols[] = {
    {"scenario", TXT},       {"level", TXT},  {"matrix", TXT},
    {"unit", CODE},          {"class", CODE}, {"measure", TXT},
    {"baseline", NUM},       {"value", NUM},  {"delta", NUM},
    {"baseline_label", TXT}, {"label", TXT}};

/* ---- relatedness, potentials, overlaps ---------------------------------- */

/* Pair tables at scale.  Unit × unit and class × class tables grow with the
 * square of the units or classes (2,000 regions: four million rows of
 * similarity), so past S3I_PAIRS_FULL_MAX rows per matrix (output.pairs =
 * auto), or always (top), each item keeps only the pairs to its top_pairs
 * nearest; the rows kept are those of the full table, in its order. */

/* How many pairs per item to keep in a table of `rows` rows for one
 * matrix: 0 = all. */
static size_t
pair_cut(const s3_model *m, size_t rows, size_t items)
{
    if (m->pairs == S3I_PAIRS_ALL ||
        (m->pairs == S3I_PAIRS_AUTO && rows <= S3I_PAIRS_FULL_MAX))
        return 0;
    return m->top_pairs + 1 < items ? m->top_pairs : 0;
}

/* The kept-pairs mask of one matrix's part of a pair table (NULL when all
 * are written; -1 when out of memory), over n items (`what`: "units" or
 * "classes") making `rows` rows, and a note saying what was cut. */
static int
pair_mask(const s3_model *m, const s3i_matrix *x, const char *table,
          const char *what, const char *by, const double *v, size_t ld,
          const size_t *map, size_t n, size_t rows, s3_table *notes,
          unsigned char **keep)
{
    *keep = NULL;
    size_t k = pair_cut(m, rows, n);
    if (k == 0)
        return 0;
    size_t *heap = malloc(k * sizeof *heap);
    *keep = s3i_malloc_big(n > 0 ? n * n : 1, 1);
    if (!heap || !*keep) {
        free(heap);
        free(*keep);
        *keep = NULL;
        return -1;
    }
    s3_nearest(v, ld, map, n, k, *keep, heap);
    free(heap);
    char scope[64], msg[512];
    snprintf(scope, sizeof scope, "%s.csv", table);
    snprintf(msg, sizeof msg,
             "%s, %s: %zu %s make %zu rows; each keeps its %zu nearest by %s "
             "(output.pairs = %s, top_pairs = %zu; --pairs all writes all)",
             x->level, x->name, n, what, rows, k, by,
             m->pairs == S3I_PAIRS_TOP ? "top" : "auto", k);
    return s3i_note(notes, scope, msg) ? -1 : 0;
}

/* Add matrix r's block of a pair view: the pairs of n items kept by
 * keep (NULL: all; freed here), unordered (i < j) or ordered. */
static int
pair_block(s3_table *t, size_t n, unsigned char *keep, int ordered)
{
    size_t count;
    uint32_t *pairs = s3i_pair_list(n, keep, ordered, &count);
    free(keep);
    return pairs ? s3i_table_view_pairs(t, pairs, count) : -1;
}

/* A cell of proximity.csv: classes i and j (of the binary matrix). */
static s3i_val
proximity_cell(const void *src, size_t k, size_t i, size_t j, size_t col)
{
    const s3i_grid_block *b = &((const s3i_grid *)src)->b[k];
    const s3i_mres *r = b->r;
    if (col < 4)
        return s3i_grid_lead(b, col, b->cls[r->col2[i]], b->cls[r->col2[j]]);
    return S3I_NUM(r->prox[i * r->n2c + j]);
}

static int
proximity_rows(s3_table *t, const s3_model *m, const s3i_mres *r,
               s3_table *notes)
{
    size_t n = r->n2c;
    unsigned char *keep;
    if (pair_mask(m, r->x, "proximity", "classes", "proximity", r->prox, n,
                  NULL, n, n * (n - 1) / 2, notes, &keep))
        return -1;
    return pair_block(t, n, keep, 0);
}

/* A cell of unit_proximity.csv: units a and b (of the binary matrix). */
static s3i_val
unit_proximity_cell(const void *src, size_t k, size_t a, size_t b, size_t col)
{
    const s3i_grid_block *g = &((const s3i_grid *)src)->b[k];
    const s3i_mres *r = g->r;
    size_t ua = r->row2[a], ub = r->row2[b];
    if (col < 4)
        return s3i_grid_lead(g, col, g->unit[ua], g->unit[ub]);
    return S3I_NUM(r->uprox[ua * r->x->nr + ub]);
}

static int
unit_proximity_rows(s3_table *t, const s3_model *m, const s3i_mres *r,
                    s3_table *notes)
{
    size_t n = r->n2r;
    unsigned char *keep;
    if (pair_mask(m, r->x, "unit_proximity", "units", "proximity", r->uprox,
                  r->x->nr, r->row2, n, n * (n - 1) / 2, notes, &keep))
        return -1;
    return pair_block(t, n, keep, 0);
}

/* A cell of potentials.csv: unit c and class p of block k's matrix. */
static s3i_val
potential_cell(const void *src, size_t k, size_t c, size_t p, size_t col)
{
    const s3i_grid_block *b = &((const s3i_grid *)src)->b[k];
    const s3i_mres *r = b->r;
    size_t n2c = r->n2c, j = r->pos2[p], i = c * r->x->nc + p;
    int held = j != S3I_NONE;
    if (col < 4)
        return s3i_grid_lead(b, col, b->unit[c], b->cls[p]);
    switch (col) {
    case 4:
        return S3I_INT(r->m[i]);
    case 5:
        return S3I_NUM(held ? r->omega[c * n2c + j] : NAN);
    case 6:
        return S3I_NUM(r->dlo ? r->dlo[i] : NAN);
    case 7:
        return S3I_NUM(r->dhi ? r->dhi[i] : NAN);
    case 8:
        return S3I_NUM(held ? r->pci[p] : NAN);
    case 9:
        return S3I_NUM(held && r->have_eci && r->mc[c * n2c + j] == 0.0
                           ? r->cog[c * n2c + j]
                           : NAN);
    case 10:
        return S3I_TEXT(s3i_quadrant_name(r->quad[i]));
    case 11:
        return S3I_NUM(r->pideal ? r->pideal[i] : NAN);
    case 12:
        return S3I_INT(r->orank[i] ? (double)r->orank[i] : NAN);
    case 13:
        return S3I_TEXT(b->unit_name[c]);
    default:
        return S3I_TEXT(b->label[p]);
    }
}

/* The unit × class tables at scale: past S3I_PAIRS_FULL_MAX cells per
 * matrix (output.cells = auto), or always (top), specialisation.csv keeps
 * the cells with a value and potentials.csv each unit's specialisations
 * and its top_opportunities best-ranked opportunities; the rows kept are
 * those of the full tables, in their order. */
static int
cells_cut(const s3_model *m, size_t cells)
{
    return m->cells == S3I_PAIRS_TOP ||
           (m->cells == S3I_PAIRS_AUTO && cells > S3I_PAIRS_FULL_MAX);
}

/* Add matrix r's block to the unit × class view t (potentials: pot), all
 * its cells or, cut, those kept, with a note saying what was cut. */
static int
cell_block(s3_table *t, const s3_model *m, const s3i_mres *r, int pot,
           s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, nc = x->nc, n = nr * nc;
    if (!cells_cut(m, n))
        return s3i_table_view_block(t, nr, nc);
    if (nr > UINT32_MAX || nc > UINT32_MAX)
        return -1;
    uint32_t *v = s3i_malloc_big((n ? n : 1) * 2, sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    for (size_t c = 0; c < nr; c++)
        for (size_t p = 0; p < nc; p++) {
            size_t i = c * nc + p;
            int keep =
                pot ? r->m[i] == 1.0 ||
                          (r->orank[i] && r->orank[i] <= m->top_opportunities)
                    : x->x[i] != 0.0;
            if (keep) {
                v[2 * k] = (uint32_t)c;
                v[2 * k + 1] = (uint32_t)p;
                k++;
            }
        }
    char msg[640];
    if (pot)
        snprintf(msg, sizeof msg,
                 "%s, %s: %zu units x %zu classes make %zu rows; each unit "
                 "keeps its specialisations and its %zu best-ranked "
                 "opportunities: %zu rows (output.cells = %s, "
                 "top_opportunities = %zu; --cells all writes all)",
                 x->level, x->name, nr, nc, n, m->top_opportunities, k,
                 m->cells == S3I_PAIRS_TOP ? "top" : "auto",
                 m->top_opportunities);
    else
        snprintf(msg, sizeof msg,
                 "%s, %s: %zu units x %zu classes make %zu rows; only the "
                 "%zu cells with a value are written (a cell without one has "
                 "share and RCA 0 and is not specialised; output.cells = %s; "
                 "--cells all writes all)",
                 x->level, x->name, nr, nc, n, k,
                 m->cells == S3I_PAIRS_TOP ? "top" : "auto");
    if (s3i_note(notes, pot ? "potentials.csv" : "specialisation.csv", msg)) {
        free(v);
        return -1;
    }
    return s3i_table_view_pairs(t, v, k);
}

static int
quadrant_rows(s3_table *t, const s3_model *m, const s3i_mres *r)
{
    static const char *const rule_name[3] = {"median", "mean", "percentile"};
    for (int rule = 0; rule < 3; rule++) {
        char rn[32];
        if (rule == S3I_SPLIT_PERCENTILE)
            snprintf(rn, sizeof rn, "percentile %g", m->percentile);
        else
            snprintf(rn, sizeof rn, "%s", rule_name[rule]);
        s3i_val v[] = {
            S3I_TEXT(r->x->level), S3I_TEXT(r->x->name),
            S3I_TEXT(rn),          S3I_TEXT(rule == m->split ? "yes" : "no"),
            S3I_INT(r->nopp),      S3I_INT(r->changed[rule])};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

static int
relatedness_rows(s3_table *t, const s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    size_t n = x->nc, nn = n * n;
    if (s3i_table_reserve(t, s3_table_rows(t) + (n ? n * (n - 1) / 2 : 0)))
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            size_t k = i * n + j;
            s3i_val v[] = {
                S3I_TEXT(x->level),         S3I_TEXT(x->name),
                S3I_TEXT(x->col[i]),        S3I_TEXT(x->col[j]),
                S3I_NUM(x->cooc[k]),        S3I_NUM(r->rel[k]),
                S3I_NUM(r->rel[nn + k]),    S3I_NUM(r->rel[2 * nn + k]),
                S3I_NUM(r->rel[3 * nn + k])};
            if (s3i_table_append(t, v, N(v)))
                return -1;
        }
    return 0;
}

/* A cell of similarity.csv: units a and b, a != b. */
static s3i_val
similarity_cell(const void *src, size_t k, size_t a, size_t b, size_t col)
{
    const s3i_grid_block *g = &((const s3i_grid *)src)->b[k];
    const s3i_mres *r = g->r;
    size_t i = a * r->x->nr + b;
    if (col < 4)
        return s3i_grid_lead(g, col, g->unit[a], g->unit[b]);
    switch (col) {
    case 4:
        return S3I_NUM(r->cos[i]);
    case 5:
        return S3I_NUM(r->jac[i]);
    default:
        return S3I_NUM(r->comp[i]);
    }
}

static int
similarity_rows(s3_table *t, const s3_model *m, const s3i_mres *r,
                s3_table *notes)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr;
    unsigned char *keep;
    if (pair_mask(m, x, "similarity", "units", "cosine", r->cos, nr, NULL, nr,
                  nr * (nr - 1), notes, &keep))
        return -1;
    /* the workbook leaves its unit × unit sheets out at scale (rendered
     * by output/xlsx.c draw_pivot with the same rule): say where they are */
    if (m->square_sheets == S3I_SQUARE_NO ||
        (m->square_sheets == S3I_SQUARE_AUTO && nr > S3I_SQUARE_MAX_UNITS)) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "%s, %s: %zu units: the workbook's unit x unit sheets "
                 "(Outranking, Overlaps) are not written (output."
                 "square_sheets = %s%s); outranking.csv and similarity.csv "
                 "hold the pairs (--set output.square_sheets=yes writes "
                 "the sheets)",
                 x->level, x->name, nr,
                 m->square_sheets == S3I_SQUARE_NO ? "no" : "auto",
                 m->square_sheets == S3I_SQUARE_NO
                     ? ""
                     : ": written up to 200 units");
        if (s3i_note(notes, "briefing.xlsx", msg)) {
            free(keep);
            return -1;
        }
    }
    return pair_block(t, nr, keep, 1);
}

static int
cluster_rows(s3_table *t, const s3i_mres *r, const s3_dataset *d)
{
    const s3i_matrix *x = r->x;
    for (size_t i = 0; i < r->nclu; i++) {
        size_t c = r->clu_unit[i];
        s3i_val v[] = {
            S3I_TEXT(x->level), S3I_TEXT(x->name), S3I_TEXT(x->row[c]),
            S3I_INT(r->clu_label[i]),
            S3I_TEXT(s3i_unit_name(d, x->lv, x->row_key[c], x->row[c]))};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

static int
partner_rows(s3_table *t, const s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    size_t nr = x->nr, k = r->npart_k;
    for (size_t c = 0; c < nr; c++)
        for (size_t kind = 0; kind < 2; kind++) {
            size_t slot = c * 2 + kind;
            const double *val = (kind ? r->comp : r->cos) + c * nr;
            for (size_t i = 0; i < r->npart[slot]; i++) {
                size_t b = r->part[slot * k + i];
                s3i_val v[] = {S3I_TEXT(x->level),
                               S3I_TEXT(x->name),
                               S3I_TEXT(x->row[c]),
                               S3I_TEXT(kind ? "complementary" : "similar"),
                               S3I_INT(i + 1),
                               S3I_TEXT(x->row[b]),
                               S3I_NUM(val[b]),
                               S3I_INT(r->ptied[slot * k + i])};
                if (s3i_table_append(t, v, N(v)))
                    return -1;
            }
        }
    return 0;
}

/* ---- domains, the local economy ----------------------------------------- */

static int
domain_rows(s3_table *t, const s3i_domains *dm, const s3i_mres *r,
            const s3_dataset *ds)
{
    const s3i_matrix *x = r->x;
    for (size_t c = 0; c < x->nr; c++)
        for (size_t d = 0; d < dm->n; d++) {
            const double *o = r->dom + 3 * (c * dm->n + d);
            s3i_val v[] = {
                S3I_TEXT(x->level),
                S3I_TEXT(x->name),
                S3I_TEXT(x->row[c]),
                S3I_TEXT(dm->name[d]),
                S3I_NUM(o[0]),
                S3I_NUM(o[1]),
                S3I_NUM(o[2]),
                S3I_TEXT(s3i_unit_name(ds, x->lv, x->row_key[c], x->row[c]))};
            if (s3i_table_append(t, v, N(v)))
                return -1;
        }
    return 0;
}

static int
domain_overlap_rows(s3_table *t, const s3i_domains *dm, const double *o)
{
    size_t i = 0;
    for (size_t a = 0; a < dm->n; a++)
        for (size_t b = a + 1; b < dm->n; b++, i++) {
            s3i_val v[] = {S3I_TEXT(dm->name[a]), S3I_TEXT(dm->name[b]),
                           S3I_INT(o[3 * i]), S3I_INT(o[3 * i + 1]),
                           S3I_INT(o[3 * i + 2])};
            if (s3i_table_append(t, v, N(v)))
                return -1;
        }
    return 0;
}

static int
economy_rows(s3_table *t, const s3i_mres *r, const s3_dataset *d)
{
    const s3i_matrix *x = r->x;
    size_t nc = x->nc;
    if (s3i_table_reserve(t, s3_table_rows(t) + x->nr * nc))
        return -1;
    for (size_t c = 0; c < x->nr; c++)
        for (size_t p = 0; p < nc; p++) {
            double cs = r->econ_cs[c * nc + p], es = r->econ_es[c * nc + p];
            s3i_val v[] = {
                S3I_TEXT(x->level),
                S3I_TEXT(x->name),
                S3I_TEXT(x->row[c]),
                S3I_TEXT(x->region[c]),
                S3I_TEXT(x->col[p]),
                S3I_TEXT(x->col_label[p]),
                S3I_NUM(cs),
                S3I_NUM(es),
                S3I_NUM(es > 0.0 ? cs / es : NAN),
                S3I_TEXT(s3i_unit_name(d, x->lv, x->row_key[c], x->row[c]))};
            if (s3i_table_append(t, v, N(v)))
                return -1;
        }
    return 0;
}

/* ---- scores ------------------------------------------------------------- */

void
s3i_sres_values(const s3i_sres *s, size_t u, double v[5])
{
    v[0] = s->score[u];
    v[1] = s->rank[u];
    v[2] = s->have_mc ? s->med[u] : NAN;
    v[3] = s->have_mc ? s->p05[u] : NAN;
    v[4] = s->have_mc ? s->p95[u] : NAN;
}

/* A cell of outranking.csv: row i of block k, a grid of rows × 1 (the
 * view's src holds the store). */
static s3i_val
outrank_cell(const void *src, size_t k, size_t i, size_t j, size_t col)
{
    (void)j;
    const s3i_outrank *o = &(*(s3i_store *const *)src)->out[k];
    switch (col) {
    case 0:
        return S3I_TEXT(o->scenario);
    case 1:
        return S3I_TEXT(o->level);
    case 2:
        return S3I_TEXT(o->unit[o->pair[2 * i]]);
    case 3:
        return S3I_TEXT(o->unit[o->pair[2 * i + 1]]);
    case 4:
        return S3I_NUM(o->share[i]);
    default:
        return S3I_INT(o->apart[i]);
    }
}

/* Whether outranking.csv compares units a and b of s: both scored (one
 * without a score ranks nowhere) and, with a cut, at most cut places
 * apart in rank. */
static int
outrank_pair(const s3i_sres *s, size_t a, size_t b, size_t cut)
{
    return a != b && !*s3i_sres_why(s, a) && !*s3i_sres_why(s, b) &&
           !(cut && fabs(s->rank[a] - s->rank[b]) > (double)cut);
}

/* The outranking rows of s into the store, and their block of the view
 * to; -1 when out of memory. */
static int
outrank_block(s3_table *to, s3i_store *st, const char *scenario,
              const s3i_sres *s, size_t cut)
{
    size_t n = s->n, rows = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            rows += (size_t)outrank_pair(s, a, b, cut);
    if (n > UINT32_MAX ||
        s3i_reserve(&st->out, &st->capout, st->nout + 1, sizeof *st->out))
        return -1;
    s3i_outrank *o = &st->out[st->nout];
    *o = (s3i_outrank){.scenario = s3i_store_text(st, scenario),
                       .level = s3i_store_text(st, s->level),
                       .unit = malloc((n ? n : 1) * sizeof *o->unit),
                       .pair = s3i_malloc_big(2 * rows + 1, sizeof *o->pair),
                       .share = s3i_malloc_big(rows + 1, sizeof *o->share),
                       .apart = malloc(rows + 1),
                       .rows = rows};
    st->nout++; /* the store frees what is allocated */
    if (!o->scenario || !o->level || !o->unit || !o->pair || !o->share ||
        !o->apart)
        return -1;
    for (size_t a = 0; a < n; a++)
        if (!(o->unit[a] = s3i_store_text(st, s->unit[a])))
            return -1;
    size_t k = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            if (!outrank_pair(s, a, b, cut))
                continue;
            o->pair[2 * k] = (uint32_t)a;
            o->pair[2 * k + 1] = (uint32_t)b;
            o->share[k] = s->out[a * n + b];
            /* bands [p05, p95] that overlap: not distinguishable */
            o->apart[k] = s->p95[a] < s->p05[b] || s->p95[b] < s->p05[a];
            k++;
        }
    return s3i_table_view_block(to, rows, 1);
}

/* scores.csv, indicators.csv and outranking.csv rows of one level. */
static int
score_rows(s3_table *ts, s3_table *ti, s3_table *to, s3i_store *st,
           const char *scenario, const s3i_sres *s, const s3_dataset *d,
           const s3_model *m, s3_table *notes)
{
    if (!s->scored)
        return 0;
    size_t n = s->n, k = s->k;
    for (size_t i = 0; i < n; i++) {
        double sv[5];
        s3i_sres_values(s, i, sv);
        int w = s->have_mc && s->p05w;
        s3i_val v[] = {
            S3I_TEXT(scenario),
            S3I_TEXT(s->level),
            S3I_TEXT(s->unit[i]),
            S3I_NUM(sv[0]),
            S3I_INT(sv[1]),
            S3I_INT(sv[2]),
            S3I_INT(sv[3]),
            S3I_INT(sv[4]),
            S3I_INT(w ? s->p05w[i] : NAN),
            S3I_INT(w ? s->p95w[i] : NAN),
            S3I_TEXT(s3i_sres_why(s, i)),
            S3I_TEXT(s3i_unit_name(d, s->lv, s->key[i], s->unit[i]))};
        if (s3i_table_append(ts, v, N(v)))
            return -1;
        for (size_t j = 0; j < k; j++) {
            s3i_val w[] = {S3I_TEXT(scenario),
                           S3I_TEXT(s->level),
                           S3I_TEXT(s->unit[i]),
                           S3I_TEXT(s3i_indicator_name((size_t)s->ind[j])),
                           S3I_NUM(s->x[i * k + j]),
                           S3I_NUM(s->y[i * k + j]),
                           S3I_NUM(s->w[j] / s->wsum)};
            if (s3i_table_append(ti, w, N(w)))
                return -1;
        }
    }
    /* at scale, each unit against the top_pairs units nearest in rank on
     * either side: the pairs whose order the bands can leave open */
    size_t cut = s->have_mc ? pair_cut(m, n * (n - 1), n) : 0;
    if (cut) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "%s, %s: %zu units make %zu rows; each keeps the %zu units "
                 "nearest in rank on either side (output.pairs = %s; --pairs "
                 "all writes all)",
                 scenario, s->level, n, n * (n - 1), cut,
                 m->pairs == S3I_PAIRS_TOP ? "top" : "auto");
        if (s3i_note(notes, "outranking.csv", msg))
            return -1;
    }
    return s->have_mc ? outrank_block(to, st, scenario, s, cut) : 0;
}

/* ---- the run's context: centres, parameters, definitions, deltas ------- */

/* The centres (id, name, subregion, nuts3, lat, lon) in id order. */
static int
centre_rows(s3_table *t, const s3_dataset *d)
{
    size_t n = d->generic ? 0 : d->units.n;
    size_t *perm = malloc((n + 1) * sizeof(size_t));
    if (!perm)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(d->units.id[i], d->units.id[perm[j - 1]]) < 0;
             j--)
            perm[j] = perm[j - 1];
        perm[j] = i;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t c = perm[i];
        s3i_val v[] = {S3I_TEXT(d->units.id[c]),
                       S3I_TEXT(d->units.name[c]),
                       S3I_TEXT(d->units.sub[c]),
                       S3I_TEXT(d->units.nuts3[c]),
                       S3I_NUM(d->units.lat ? d->units.lat[c] : NAN),
                       S3I_NUM(d->units.lon ? d->units.lon[c] : NAN)};
        rc = s3i_table_append(t, v, N(v));
    }
    free(perm);
    return rc;
}

/* What centres.csv's position columns hold, for definitions.csv (its
 * code columns are defined by codecols.c, name and subregion need no
 * words). */
static int
centre_definitions(s3_table *t, const s3_dataset *d)
{
    static const char *const help[][2] = {
        {"lat", "the centre's latitude in decimal degrees (north positive), "
                "as centres.csv gives it; empty where it gives none"},
        {"lon", "the centre's longitude in decimal degrees (east positive), "
                "as centres.csv gives it; empty where it gives none"}};
    if (d->generic)
        return 0;
    for (size_t i = 0; i < N(help); i++) {
        s3i_val v[] = {S3I_TEXT("centres column"), S3I_TEXT(help[i][0]),
                       S3I_TEXT(help[i][1])};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

static int
param_rows(s3_table *t, const s3_model *m)
{
    /* the model's checked parameters and their meanings: no formula guard */
    if (s3i_table_set_own_text(t, 1) || s3i_table_set_own_text(t, 2))
        return -1;
    for (size_t i = 0; i < s3_model_params(m); i++) {
        s3i_val v[] = {S3I_TEXT(s3_model_param_name(m, i)),
                       S3I_TEXT(s3_model_param_value(m, i)),
                       S3I_TEXT(s3i_model_param_help(i))};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

/* The model's indicators, S3 domains and scenarios in words, for the
 * method sheet. */
static int
definition_rows(s3_table *t, const s3_model *m)
{
    for (size_t j = 0; j < m->nind; j++) {
        char def[300];
        snprintf(def, sizeof def, "%s (weight %g, %s is better)",
                 s3i_indicator_help((size_t)m->ind[j]), m->w[j],
                 m->dir[j] > 0 ? "higher" : "lower");
        s3i_val v[] = {S3I_TEXT("score indicator"),
                       S3I_TEXT(s3i_indicator_name((size_t)m->ind[j])),
                       S3I_TEXT(def)};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    for (size_t e = 0; e < m->nentries; e++) {
        const s3i_entry *en = &m->entries[e];
        int domain = !strcmp(en->section, "domains");
        char name[200];
        snprintf(name, sizeof name, "%s%s%s",
                 domain ? en->key : en->section + 9, domain ? "" : ": ",
                 domain ? "" : en->key);
        s3i_val v[] = {S3I_TEXT(domain ? "S3 domain" : "scenario"),
                       S3I_TEXT(name), S3I_TEXT(en->value)};
        if (s3i_table_append(t, v, N(v)))
            return -1;
    }
    return 0;
}

static int
delta_rows(s3_table *t, const s3i_deltas *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        const s3i_delta *d = &ds->v[i];
        char *label = NULL;
        if (d->label_id) { /* "merged into C21" */
            size_t len = strlen(d->label) + strlen(d->label_id) + 2;
            if (!(label = malloc(len)))
                return -1;
            snprintf(label, len, "%s %s", d->label, d->label_id);
        }
        s3i_val v[] = {S3I_TEXT(d->scenario),
                       S3I_TEXT(d->level),
                       S3I_TEXT(d->matrix),
                       S3I_TEXT(d->unit),
                       S3I_TEXT(d->cls),
                       S3I_TEXT(d->measure),
                       S3I_NUM(d->base),
                       S3I_NUM(d->value),
                       S3I_NUM(d->value - d->base),
                       S3I_TEXT(d->base_label),
                       S3I_TEXT(label ? label : d->label)};
        int rc = s3i_table_append(t, v, N(v));
        free(label);
        if (rc)
            return -1;
    }
    return 0;
}

/* ---- all tables, in output order ---------------------------------------- */

/* The tables of a result, in output order. */
enum {
    T_SPEC,
    T_UNITS,
    T_CLASSES,
    T_PROX,
    T_UPROX,
    T_POT,
    T_QUAD,
    T_REL,
    T_SCORES,
    T_IND,
    T_OUT,
    T_SIM,
    T_CLU,
    T_PART,
    T_DOM,
    T_DOV,
    T_ECON,
    T_CENTRES,
    T_QUALITY,
    T_WARNINGS,
    T_NOTES,
    T_INPUTS,
    T_PARAMS,
    T_DEFS,
    T_DELTAS,
    T_SCENSUM,
    T_OVERVIEW,
    T_RANKING,
    T_OPPORTUNITIES,
    T_LEARNING,
    T_PROFILES,
    T_PROFILE_SUMMARY,
    T_DISTRICTS,
    T_FINDINGS,
    T_COUNT
};

/* The empty tables a run writes (NULL where it writes none); -1 when out
 * of memory. */
static int
tables_new(const s3i_pass *b, s3i_store *st, int with_deltas, s3_table **t,
           int *ids[2], size_t nids[2])
{
    static const s3i_colspec lead[] = {
        {"level", TXT}, {"matrix", TXT}, {"unit", CODE}, {"class", CODE}};
    /* label: the contract's name (DESIGN.md); class_label follows as in
     * every table */
    static const s3i_colspec class_lead[] = {
        {"level", TXT}, {"matrix", TXT}, {"class", CODE}, {"label", TXT}};
    static const struct {
        int id;
        const char *name;
        const s3i_colspec *cols;
        size_t n;
    } plain[] = {
#define T(id, name, cols) {id, name, cols, N(cols)}
        T(T_QUAD, "quadrants", quad_cols),
        T(T_REL, "relatedness", rel_cols),
        T(T_SCORES, "scores", score_cols),
        T(T_IND, "indicators", ind_cols),
        T(T_CLU, "clusters", clu_cols),
        T(T_PART, "partners", partner_cols),
        T(T_DOM, "domains", dom_cols),
        T(T_DOV, "domain_overlap", dover_cols),
        T(T_ECON, "local_economy", econ_cols),
        T(T_CENTRES, "centres", centre_cols),
        T(T_PARAMS, "parameters", param_cols),
        T(T_DEFS, "definitions", def_cols),
        T(T_DELTAS, "scenario_deltas", delta_cols),
#undef T
    };
    int with_baseline = 0, with_cooc = 0;
    for (size_t i = 0; i < b->nmx; i++) {
        with_baseline |= b->mx[i].bref != NULL;
        with_cooc |= b->mx[i].cooc != NULL;
    }
    int want[T_COUNT];
    for (int i = 0; i < T_COUNT; i++)
        want[i] = 1;
    want[T_REL] = with_cooc;
    want[T_DOM] = want[T_DOV] = b->dm.n > 0;
    want[T_ECON] = with_baseline;
    want[T_DELTAS] = with_deltas;
    /* the unit × class and pair tables are views of the results
     * (views.c), their blocks added per matrix by s3i_tables_make */
    t[T_SPEC] = s3i_specialisation_view(b, st, lead, with_baseline);
    static const struct {
        int id;
        const char *name;
        const s3i_colspec *cols;
        size_t n;
        s3i_cell_fn cell;
    } pairs[] = {
        {T_POT, "potentials", pot_cols, N(pot_cols), potential_cell},
        {T_PROX, "proximity", pair_cols, N(pair_cols), proximity_cell},
        {T_UPROX, "unit_proximity", upair_cols, N(upair_cols),
         unit_proximity_cell},
        {T_SIM, "similarity", sim_cols, N(sim_cols), similarity_cell},
    };
    for (size_t i = 0; i < N(pairs); i++) {
        s3i_grid *g = s3i_grid_new(b, st, 1, NULL, 0);
        if (!g ||
            !(t[pairs[i].id] = s3i_table_view(pairs[i].name, pairs[i].n,
                                              pairs[i].cols, pairs[i].cell, g)))
            return -1;
    }
    /* outranking.csv: the rows score_rows keeps in the store */
    s3i_store **out_src = malloc(sizeof *out_src);
    if (out_src)
        *out_src = st;
    if (!out_src ||
        !(t[T_OUT] = s3i_table_view("outranking", N(out_cols), out_cols,
                                    outrank_cell, out_src)))
        return -1;
    t[T_UNITS] = s3i_measure_table("units", lead, 3, 0, ids[0], &nids[0]);
    t[T_CLASSES] =
        s3i_measure_table("classes", class_lead, 4, 0, ids[1], &nids[1]);
    int fail = !t[T_SPEC] || !t[T_POT] || !t[T_UNITS] || !t[T_CLASSES];
    for (size_t i = 0; i < N(plain) && !fail; i++)
        if (want[plain[i].id] &&
            !(t[plain[i].id] =
                  s3i_table_new(plain[i].name, plain[i].n, plain[i].cols)))
            fail = 1;
    if (!fail && (!(t[T_QUALITY] = s3i_table_copy(b->d->log.quality)) ||
                  !(t[T_WARNINGS] = s3i_table_copy(b->d->log.warnings)) ||
                  !(t[T_INPUTS] = s3i_table_copy(b->d->log.inputs))))
        fail = 1;
    if (!fail && with_deltas &&
        !(t[T_SCENSUM] = s3i_table_new("scenario_summary", s3i_summary_ncols,
                                       s3i_summary_cols)))
        fail = 1;
    return fail ? -1 : 0;
}

/* The briefing's tables (s3i_briefing), a job for a second thread while
 * the first makes the other tables: it reads only the pass. */
typedef struct {
    s3_ctx *ctx;
    const s3i_pass *b;
    s3_table **overview, **ranking, **opportunities;
    s3i_guides *guides;
    s3_status rc;
} briefing_job;

static void *
briefing_work(void *arg)
{
    briefing_job *j = arg;
    j->rc = s3i_briefing(j->ctx, j->b, j->overview, j->ranking,
                         j->opportunities, j->guides);
    return NULL;
}

s3_status
s3i_tables_make(s3_ctx *ctx, const s3i_pass *b, const s3i_pass *scen,
                size_t nscen, const s3i_deltas *deltas, int with_deltas,
                s3_table *notes, s3_result *r)
{
    const s3_model *m = b->m;
    s3_table *t[T_COUNT] = {0};
    int uid[32], cid[32], *ids[2] = {uid, cid};
    size_t nids[2];
    t[T_NOTES] = notes;
    t[T_LEARNING] = b->learning; /* the result's from here on */
    int fail = !(r->store = calloc(1, sizeof *r->store)) ||
               tables_new(b, r->store, with_deltas, t, ids, nids);
    briefing_job bj = {.b = b,
                       .overview = &t[T_OVERVIEW],
                       .ranking = &t[T_RANKING],
                       .opportunities = &t[T_OPPORTUNITIES],
                       .guides = r->guides};
    /* with a context of its own, for its message */
    s3i_beside brief;
    int briefing = !fail && (bj.ctx = s3_ctx_new()) != NULL;
    fail |= !briefing;
    if (briefing)
        s3i_beside_start(&brief, s3i_threads(ctx) >= 2, briefing_work, &bj);
    for (size_t i = 0; i < b->nmx && !fail; i++) {
        const s3i_mres *x = &b->mr[i];
        fail = cell_block(t[T_SPEC], m, x, 0, notes) ||
               s3i_unit_rows(t[T_UNITS], uid, nids[0], x, b->d) ||
               s3i_class_rows(t[T_CLASSES], cid, nids[1], x);
        if (!fail && x->complexity)
            fail = proximity_rows(t[T_PROX], m, x, notes) ||
                   unit_proximity_rows(t[T_UPROX], m, x, notes) ||
                   cell_block(t[T_POT], m, x, 1, notes) ||
                   quadrant_rows(t[T_QUAD], m, x) ||
                   similarity_rows(t[T_SIM], m, x, notes) ||
                   cluster_rows(t[T_CLU], x, b->d) ||
                   partner_rows(t[T_PART], x);
        if (!fail && x->rel)
            fail = relatedness_rows(t[T_REL], x);
        if (!fail && x->dom)
            fail = domain_rows(t[T_DOM], &b->dm, x, b->d);
        if (!fail && x->econ_cs)
            fail = economy_rows(t[T_ECON], x, b->d);
    }
    for (size_t l = 0; l < b->nsc && !fail; l++)
        fail = score_rows(t[T_SCORES], t[T_IND], t[T_OUT], r->store,
                          b->scenario, &b->sc[l], b->d, m, notes);
    for (size_t i = 0; i < nscen && !fail; i++)
        for (size_t l = 0; l < scen[i].nsc && !fail; l++)
            fail = score_rows(t[T_SCORES], t[T_IND], t[T_OUT], r->store,
                              scen[i].scenario, &scen[i].sc[l], scen[i].d, m,
                              notes);
    if (!fail && t[T_DOV])
        fail = domain_overlap_rows(t[T_DOV], &b->dm, b->domover);
    if (!fail)
        fail = centre_rows(t[T_CENTRES], b->d) || param_rows(t[T_PARAMS], m) ||
               definition_rows(t[T_DEFS], m) ||
               centre_definitions(t[T_DEFS], b->d) ||
               (t[T_LEARNING] && s3i_learning_definitions(t[T_DEFS])) ||
               (t[T_DELTAS] && delta_rows(t[T_DELTAS], deltas)) ||
               (t[T_SCENSUM] &&
                s3i_scenario_summary(t[T_SCENSUM], t[T_DELTAS], deltas, b, scen,
                                     nscen, t[T_CLASSES], t[T_CENTRES]));
    s3_status rc = S3_OK;
    if (briefing) {
        s3i_beside_end(&brief);
        if ((rc = bj.rc))
            rc = s3i_fail(ctx, rc, "%s", s3_ctx_message(bj.ctx));
    }
    s3_ctx_free(bj.ctx);
    if (!fail && !rc)
        rc = s3i_profiles(ctx, b, notes, &t[T_PROFILES], &t[T_PROFILE_SUMMARY],
                          &t[T_DISTRICTS]);
    if (!fail && !rc)
        rc = s3i_findings(ctx, b, t[T_SCORES], t[T_PART], &t[T_FINDINGS]);
    if (!fail && !rc)
        fail =
            s3i_code_columns(t, T_COUNT, t[T_DEFS], t[T_NOTES], b->d->generic);
    /* the result owns every table made, in output order */
    for (int i = 0; i < T_COUNT; i++) {
        if (!t[i])
            continue;
        s3_table **v = realloc(r->tables, (r->ntables + 1) * sizeof *v);
        if (!v) {
            for (int j = i; j < T_COUNT; j++)
                s3i_table_free(t[j]);
            fail = 1;
            break;
        }
        r->tables = v;
        r->tables[r->ntables++] = t[i];
    }
    r->model_name = strdup(m->name);
    r->headline_matrix = strdup(b->headline);
    r->reference_baseline = m->reference == S3I_REF_BASELINE;
    r->threshold = m->threshold;
    r->square_sheets = m->square_sheets == S3I_SQUARE_YES ||
                       (m->square_sheets == S3I_SQUARE_AUTO &&
                        (b->nsc == 0 || b->sc[0].n <= S3I_SQUARE_MAX_UNITS));
    for (size_t l = 0; l < b->nsc; l++)
        r->scored |= l == 0 && b->sc[l].scored;
    if (rc)
        return rc;
    if (fail || !r->model_name || !r->headline_matrix)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}
