/*
 * measure_tables.c — specialisation.csv, units.csv and classes.csv: their
 * columns are the measures of the catalogue (catalogue.h) in its order,
 * after the lead columns DESIGN.md fixes, and the names of their codes
 * last; one row per cell, unit or class of each matrix.
 */
#include <math.h>
#include <string.h>

#include "stages/catalogue.h"
#include "stages/stages.h"

#define TXT S3_COL_TEXT
#define NUM S3_COL_NUMBER
#define INT S3_COL_INTEGER

/* The columns of a measure table: `lead`, then every measure of `table`
 * in MEASURES order (rca_baseline only with a baseline), then what its
 * codes name (unit_name, class_label; after the columns DESIGN.md fixes);
 * ids[] gets the measure of each column after the lead.  Returns the
 * number of columns (at most 32). */
static size_t
measure_cols(const char *table, const s3i_colspec *lead, size_t nlead,
             int with_baseline, s3i_colspec *cols, int *ids, size_t *nids)
{
    static const s3i_colspec names[] = {{"unit_name", TXT},
                                        {"class_label", TXT}};
    size_t n = 0;
    for (size_t i = 0; i < nlead; i++)
        cols[n++] = lead[i];
    *nids = 0;
    for (size_t i = 0; i < M_COUNT; i++) {
        const s3_measure_info *mi = s3_measure_at(i);
        if (strcmp(mi->table, table) || (i == M_RCAB && !with_baseline))
            continue;
        int integer = i == M_SPEC || i == M_DIV || i == M_UBIQ;
        cols[n++] = (s3i_colspec){mi->name, integer ? INT : NUM};
        ids[(*nids)++] = (int)i;
    }
    /* units.csv names its units, classes.csv its classes, the rest both */
    int unit = strcmp(table, "classes") != 0, cls = strcmp(table, "units");
    if (unit)
        cols[n++] = names[0];
    if (cls)
        cols[n++] = names[1];
    return n;
}

s3_table *
s3i_measure_table(const char *table, const s3i_colspec *lead, size_t nlead,
                  int with_baseline, int *ids, size_t *nids)
{
    s3i_colspec cols[32];
    size_t n = measure_cols(table, lead, nlead, with_baseline, cols, ids, nids);
    return s3i_table_new(table, n, cols);
}

/* The value of measure id for cell i = c * nc + p, unit c or class p. */
static double
measure_value(const s3i_mres *r, int id, size_t c, size_t p)
{
    size_t i = c * r->x->nc + p;
    switch (id) {
    case M_VALUE:
        return r->x->x[i];
    case M_SHARE:
        return r->share[i];
    case M_RCA:
        return r->rca[i];
    case M_RSCA:
        return r->rsca[i];
    case M_SPEC:
        return r->m[i];
    case M_RCAB:
        return r->rcab ? r->rcab[i] : NAN;
    case M_RCALO:
        return r->rlo[i];
    case M_RCAHI:
        return r->rhi[i];
    case M_PVAL:
        return r->pval[i];
    case M_QVAL:
        return r->qval[i];
    case M_PSPEC:
        return r->pspec ? r->pspec[i] : NAN;
    case M_TOTAL:
        return r->rs[c];
    case M_DIV:
        return r->div[c];
    case M_KRUG:
        return r->krug[c];
    case M_HOOV:
        return r->krug[c] / 2.0;
    case M_HERF:
        return r->herf[c];
    case M_ENTR:
        return r->entr[c];
    case M_RV:
        return r->rv[c];
    case M_UV:
        return r->uv[c];
    case M_ECI:
        return r->complexity ? r->eci[c] : NAN;
    case M_ECIR:
        return r->complexity ? r->ecir[c] : NAN;
    case M_COI:
        return r->complexity ? r->coi[c] : NAN;
    case M_CTOTAL:
        return r->cs[p];
    case M_UBIQ:
        return r->ubiq[p];
    case M_GINI:
        return r->gini[p];
    case M_PCI:
        return r->complexity ? r->pci[p] : NAN;
    case M_PCIR:
        return r->complexity ? r->pcir[p] : NAN;
    default:
        return NAN;
    }
}

/* The lead, measure and name columns of one row (names: the unit's name
 * and the class's label, as many as the table has). */
static int
measure_row(s3_table *t, const s3i_val *lead, size_t nlead, const s3i_mres *r,
            const int *ids, size_t nids, size_t c, size_t p,
            const char *const *names, size_t nnames)
{
    s3i_val v[32];
    for (size_t i = 0; i < nlead; i++)
        v[i] = lead[i];
    for (size_t j = 0; j < nids; j++)
        v[nlead + j] = S3I_NUM(measure_value(r, ids[j], c, p));
    for (size_t j = 0; j < nnames; j++)
        v[nlead + nids + j] = S3I_TEXT(names[j]);
    return s3i_table_append(t, v, nlead + nids + nnames);
}

const char *
s3i_unit_name(const s3_dataset *d, int lv, size_t key, const char *id)
{
    if (d->generic) /* a long table names its units with --label only */
        return d->units.name ? d->units.name[key] : "";
    return lv == S3I_LEVEL_CENTRE ? d->units.name[key] : id;
}

/* The label of class p of x ("" where it has none). */
const char *
s3i_class_label(const s3i_matrix *x, size_t p)
{
    return x->col_label[p] ? x->col_label[p] : "";
}

/* A cell of specialisation.csv: unit i and class j of block k's matrix. */
static s3i_val
specialisation_cell(const void *src, size_t k, size_t i, size_t j, size_t col)
{
    const s3i_grid *g = src;
    const s3i_grid_block *b = &g->b[k];
    if (col < 4)
        return s3i_grid_lead(b, col, b->unit[i], b->cls[j]);
    col -= 4;
    if (col < g->nids)
        return S3I_NUM(measure_value(b->r, g->ids[col], i, j));
    return S3I_TEXT(col == g->nids ? b->unit_name[i] : b->label[j]);
}

s3_table *
s3i_specialisation_view(const s3i_pass *b, s3i_store *st,
                        const s3i_colspec *lead, int with_baseline)
{
    s3i_colspec cols[32];
    int ids[32];
    size_t nids, n = measure_cols("specialisation", lead, 4, with_baseline,
                                  cols, ids, &nids);
    s3i_grid *g = s3i_grid_new(b, st, 0, ids, nids);
    return g ? s3i_table_view("specialisation", n, cols, specialisation_cell, g)
             : NULL;
}

int
s3i_unit_rows(s3_table *t, const int *ids, size_t nids, const s3i_mres *r,
              const s3_dataset *d)
{
    const s3i_matrix *x = r->x;
    for (size_t c = 0; c < x->nr; c++) {
        s3i_val lead[] = {S3I_TEXT(x->level), S3I_TEXT(x->name),
                          S3I_TEXT(x->row[c])};
        const char *names[] = {
            s3i_unit_name(d, x->lv, x->row_key[c], x->row[c])};
        if (measure_row(t, lead, 3, r, ids, nids, c, 0, names, 1))
            return -1;
    }
    return 0;
}

int
s3i_class_rows(s3_table *t, const int *ids, size_t nids, const s3i_mres *r)
{
    const s3i_matrix *x = r->x;
    for (size_t p = 0; p < x->nc; p++) {
        s3i_val lead[] = {S3I_TEXT(x->level), S3I_TEXT(x->name),
                          S3I_TEXT(x->col[p]), S3I_TEXT(x->col_label[p])};
        const char *names[] = {s3i_class_label(x, p)};
        if (measure_row(t, lead, 4, r, ids, nids, 0, p, names, 1))
            return -1;
    }
    return 0;
}
