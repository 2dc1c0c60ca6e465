/*
 * xlsx.c — the briefing workbook (libxlsxwriter), for a reader without the
 * tool: an overview of the centres ranked by specialisation strength with
 * their top specialisations, the centre × class RCA heatmap, a method sheet
 * (definitions, formulas, parameters, input files with SHA-256) and the
 * data quality.
 *
 * Text from the input data is always written with worksheet_write_string,
 * which stores a string, never a formula: a tenant named "=HYPERLINK(...)"
 * stays text.  A number without value is an empty cell, never 0.  The
 * creation date in the document properties is fixed, so the same inputs give
 * the same bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "output/output.h"

/* Excel's limit on rows per sheet. */
enum { XLSX_MAX_ROWS = 1048576 };

/* The row where the Scores sheet's first table starts its data (title on
 * row 3, header on row 4): the Overview's chart points there. */
enum { SCORES_FIRST = 5 };

typedef struct {
    lxw_workbook *wb;
    lxw_format *title, *head, *wrap, *num2, *num3, *integer, *note;
    lxw_format *light[4]; /* green, yellow, red, grey */
    lxw_format *top;      /* plain text, aligned to the top */
    const s3_table *centres;
    s3i_map centre_row; /* centre id → row of centres */
    /* runs of rows with the same first three texts (level, matrix, unit
     * or class) in the potentials and classes tables: key → run */
    s3i_map run;
    size_t *run_first, *run_count, nrun, capfirst, capcount;
    s3i_arena keys;
    char *key; /* scratch for keys */
    size_t capkey;
} book;

/* The key of (table tag, a, b, c): each part length-prefixed, so that no
 * two different keys meet; in b->key, its length returned (S3I_NONE when
 * out of memory). */
static size_t
run_key(book *b, char tag, const char *x, const char *y, const char *z)
{
    const char *part[3] = {x ? x : "", y ? y : "", z ? z : ""};
    size_t len = 0, need = 2;
    for (int i = 0; i < 3; i++)
        need += strlen(part[i]) + 24;
    if (s3i_reserve(&b->key, &b->capkey, need, 1))
        return S3I_NONE;
    b->key[len++] = tag;
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(part[i]);
        len += (size_t)snprintf(b->key + len, 24, "%zu:", n);
        memcpy(b->key + len, part[i], n);
        len += n;
    }
    return len;
}

/* Index the runs of table t (tag names it in the keys); -1 when out of
 * memory. */
static int
index_runs(book *b, char tag, const s3_table *t)
{
    for (size_t r = 0; t && r < s3_table_rows(t); r++) {
        size_t len = run_key(b, tag, s3_table_text(t, r, 0),
                             s3_table_text(t, r, 1), s3_table_text(t, r, 2));
        if (len == S3I_NONE)
            return -1;
        size_t k = s3i_map_get(&b->run, b->key, len);
        if (k != S3I_NONE && b->run_first[k] + b->run_count[k] == r) {
            b->run_count[k]++;
            continue;
        }
        if (k != S3I_NONE)
            continue; /* not contiguous: the first run is kept */
        char *kk = s3i_arena_strndup(&b->keys, b->key, len);
        if (!kk ||
            s3i_reserve(&b->run_first, &b->capfirst, b->nrun + 1,
                        sizeof(size_t)) ||
            s3i_reserve(&b->run_count, &b->capcount, b->nrun + 1,
                        sizeof(size_t)) ||
            s3i_map_put(&b->run, kk, len, b->nrun) == S3I_NONE)
            return -1;
        b->run_first[b->nrun] = r;
        b->run_count[b->nrun++] = 1;
    }
    return 0;
}

/* The run of (tag, x, y, z): *n rows from the returned one (n = 0: none). */
static size_t
find_run(book *b, char tag, const char *x, const char *y, const char *z,
         size_t *n)
{
    *n = 0;
    size_t len = run_key(b, tag, x, y, z), k;
    if (len == S3I_NONE || (k = s3i_map_get(&b->run, b->key, len)) == S3I_NONE)
        return 0;
    *n = b->run_count[k];
    return b->run_first[k];
}

/* Column index by name (the analysis made these tables, so the names
 * exist). */
static size_t
col(const s3_table *t, const char *name)
{
    return s3_table_col(t, name);
}

/* Write a number, or an empty cell for NaN. */
static void
put_num(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v, lxw_format *f)
{
    if (isnan(v))
        worksheet_write_blank(ws, r, c, f);
    else
        worksheet_write_number(ws, r, c, v, f);
}

/* A whole table as a sheet section with a header row and a filter, from
 * row `r0`; stops at Excel's row limit with a note.  Returns the next free
 * row. */
static lxw_row_t
put_table(book *b, lxw_worksheet *ws, lxw_row_t r0, const s3_table *t,
          int filter)
{
    size_t nc = s3_table_cols(t), nr = s3_table_rows(t);
    for (size_t c = 0; c < nc; c++)
        worksheet_write_string(ws, r0, (lxw_col_t)c, s3_table_col_name(t, c),
                               b->head);
    size_t fit = nr;
    if (r0 + 1 + fit > XLSX_MAX_ROWS - 2)
        fit = XLSX_MAX_ROWS - 2 - r0 - 1;
    for (size_t r = 0; r < fit; r++)
        for (size_t c = 0; c < nc; c++) {
            lxw_row_t row = (lxw_row_t)(r0 + 1 + r);
            if (s3_table_col_type(t, c) == S3_COL_TEXT)
                worksheet_write_string(ws, row, (lxw_col_t)c,
                                       s3_table_text(t, r, c), NULL);
            else
                put_num(ws, row, (lxw_col_t)c, s3_table_num(t, r, c),
                        s3_table_col_type(t, c) == S3_COL_INTEGER ? b->integer
                                                                  : b->num3);
        }
    if (filter && nr > 0 && nc > 0)
        worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + fit),
                             (lxw_col_t)(nc - 1));
    lxw_row_t next = (lxw_row_t)(r0 + 1 + fit);
    if (fit < nr) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu more rows do not fit in a worksheet: see csv/%s.csv",
                 nr - fit, s3_table_name(t));
        worksheet_write_string(ws, next++, 0, msg, b->note);
    }
    return next;
}

/* Sheet setup shared by all sheets: landscape, fit to page width. */
static void
page_setup(lxw_worksheet *ws)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
}

/* Rows of a long table that belong to (level, matrix). */
static int
is(const s3_table *t, size_t r, const char *level, const char *matrix)
{
    return strcmp(s3_table_text(t, r, 0), level) == 0 &&
           strcmp(s3_table_text(t, r, 1), matrix) == 0;
}

/* Indices of rows sorted by a number column descending (NaN last, ties by
 * the unit text ascending): insertion into a ranked list. */
static void
rank_desc(const s3_table *t, size_t *idx, size_t n, size_t vcol, size_t icol)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = idx[i], j = i;
        double vx = s3_table_num(t, x, vcol);
        for (; j > 0; j--) {
            size_t y = idx[j - 1];
            double vy = s3_table_num(t, y, vcol);
            int before = isnan(vy)   ? !isnan(vx)
                         : isnan(vx) ? 0
                         : vx != vy  ? vx > vy
                                     : strcmp(s3_table_text(t, x, icol),
                                              s3_table_text(t, y, icol)) < 0;
            if (!before)
                break;
            idx[j] = y;
        }
        idx[j] = x;
    }
}

/* A long classification label cut at a word boundary near 50 characters,
 * with an ellipsis. */
static void
short_label(const char *label, char out[128])
{
    int cut = (int)strlen(label);
    if (cut > 50) {
        cut = 50;
        while (cut > 20 && label[cut] != ' ')
            cut--;
    }
    snprintf(out, 128, "%.*s%s", cut, label, label[cut] ? "\u2026" : "");
}

/* The top k specialisations of a unit as text: the classes whose RCA (the
 * column `rca`: network or baseline) reaches the threshold, largest value
 * first, then highest RCA.  The unit's rows in spec are spec_row0 ..
 * spec_row0 + nc - 1, in the order of the class rows class_row0 .. of
 * classes (the analysis writes them so). */
static void
top_specialisations(const s3_table *spec, size_t spec_row0,
                    const s3_table *classes, size_t class_row0, size_t nc,
                    const char *rca, double threshold, size_t k, char *out,
                    size_t outsz)
{
    size_t cv = col(spec, "value"), cr = col(spec, rca);
    size_t chosen[8], nb = 0, len = 0;
    out[0] = '\0';
    for (; nb < k && nb < 8; nb++) {
        size_t best = S3I_NONE;
        for (size_t p = 0; p < nc; p++) {
            size_t r = spec_row0 + p;
            int taken = 0;
            for (size_t j = 0; j < nb; j++)
                taken |= chosen[j] == p;
            if (taken || !(s3_table_num(spec, r, cr) >= threshold))
                continue;
            if (best == S3I_NONE) {
                best = p;
                continue;
            }
            double a = s3_table_num(spec, r, cv),
                   bv = s3_table_num(spec, spec_row0 + best, cv);
            if (a > bv ||
                (a == bv && s3_table_num(spec, r, cr) >
                                s3_table_num(spec, spec_row0 + best, cr)))
                best = p;
        }
        if (best == S3I_NONE)
            break;
        chosen[nb] = best;
        char label[128];
        short_label(s3_table_text(classes, class_row0 + best, 3), label);
        len += (size_t)snprintf(
            out + len, outsz > len ? outsz - len : 0, "%s%s %s (RCA %.1f)",
            nb ? " | " : "", s3_table_text(classes, class_row0 + best, 2),
            label, s3_table_num(spec, spec_row0 + best, cr));
        if (len >= outsz)
            break;
    }
}

/* First row of (level, matrix) in a long table, and how many follow. */
static size_t
block(const s3_table *t, const char *level, const char *matrix, size_t *n)
{
    size_t first = S3I_NONE;
    *n = 0;
    for (size_t r = 0; r < s3_table_rows(t); r++)
        if (is(t, r, level, matrix)) {
            if (first == S3I_NONE)
                first = r;
            ++*n;
        }
    return first;
}

/* The name of a centre from the centres table, or the id. */
static const char *
centre_name(const book *b, const char *id, const char **sub)
{
    *sub = "";
    size_t r = id ? s3i_map_get(&b->centre_row, id, strlen(id)) : S3I_NONE;
    if (r == S3I_NONE)
        return id;
    *sub = s3_table_text(b->centres, r, 2);
    return s3_table_text(b->centres, r, 1);
}

/* qsort order of doubles. */
static int
cmp_num(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Short words for a quadrant code of potentials.csv. */
static const char *
quadrant_short(const char *q)
{
    static const char *const map[][2] = {
        {"ideal", "ideal"},
        {"low_risk_low_gain", "low risk, low gain"},
        {"high_risk_high_gain", "high risk, high gain"},
        {"least_attractive", "least attractive"}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(q, map[i][0]) == 0)
            return map[i][1];
    return q;
}

/* Words for a quadrant code of potentials.csv. */
static const char *
quadrant_words(const char *q)
{
    static const char *const map[][2] = {
        {"ideal", "ideal: high relatedness, high complexity"},
        {"low_risk_low_gain", "low risk, low gain: high relatedness, low "
                              "complexity"},
        {"high_risk_high_gain", "high risk, high gain: low relatedness, high "
                                "complexity"},
        {"least_attractive", "least attractive: low relatedness, low "
                             "complexity"}};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(q, map[i][0]) == 0)
            return map[i][1];
    return q;
}

/* A unit's potentials rows with opportunity_rank <= k, in rank order:
 * idx[0..return) are row numbers of potentials. */
static size_t
unit_opportunities(book *b, const s3_table *pot, const char *level,
                   const char *matrix, const char *unit, size_t k, size_t *idx)
{
    size_t cr = col(pot, "opportunity_rank"), n = 0, nrows;
    size_t r0 = find_run(b, 'p', level, matrix, unit, &nrows);
    for (size_t r = r0; r < r0 + nrows; r++) {
        double rank = s3_table_num(pot, r, cr);
        if (!(rank >= 1.0 && rank <= (double)k))
            continue;
        idx[(size_t)rank - 1] = r;
        n = n > (size_t)rank ? n : (size_t)rank;
    }
    return n;
}

/* The class label of (level, matrix, class) from classes.csv. */
static const char *
class_label(book *b, const s3_table *classes, const char *level,
            const char *matrix, const char *code)
{
    size_t n, r = find_run(b, 'c', level, matrix, code, &n);
    return n ? s3_table_text(classes, r, 3) : "";
}

/* The k best opportunities of a unit as text:
 * "code label (density 0.41, quadrant)". */
static void
best_opportunities(book *b, const s3_table *pot, const s3_table *classes,
                   const char *level, const char *matrix, const char *unit,
                   size_t k, char *out, size_t outsz)
{
    size_t idx[16], len = 0;
    size_t n =
        unit_opportunities(b, pot, level, matrix, unit, k < 16 ? k : 16, idx);
    out[0] = '\0';
    for (size_t i = 0; i < n && len < outsz; i++) {
        const char *code = s3_table_text(pot, idx[i], col(pot, "class"));
        char label[128];
        short_label(class_label(b, classes, level, matrix, code), label);
        len += (size_t)snprintf(
            out + len, outsz - len, "%s%s %s (density %.2f, %s)",
            i ? " | " : "", code, label,
            s3_table_num(pot, idx[i], col(pot, "density")),
            quadrant_short(s3_table_text(pot, idx[i], col(pot, "quadrant"))));
    }
}

/* The ranked opportunities of every unit (the best k each). */
static void
sheet_opportunities(book *b, const s3_result *res, const char *sheet,
                    const char *level, const char *matrix, size_t k)
{
    const s3_table *pot = s3_result_table(res, "potentials"),
                   *units = s3_result_table(res, "units"),
                   *classes = s3_result_table(res, "classes");
    size_t nu;
    if (block(units, level, matrix, &nu) == S3I_NONE)
        return;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    char title[300];
    snprintf(title, sizeof title,
             "Development opportunities by %s (%s): the classes a unit is not "
             "yet specialised in, closest to what it does first",
             level, matrix);
    worksheet_write_string(ws, 0, 0, title, b->title);
    worksheet_merge_range(
        ws, 1, 0, 1, 9,
        "Relatedness density: how much of what surrounds the class the unit "
        "already does (0-1). PCI: how complex the class is (mean 0, sd 1). "
        "COG: how much the move would raise the unit's complexity outlook. "
        "Quadrant: density and PCI high or low against the median of the "
        "unit's opportunities (see the model's split). All opportunities: "
        "csv/potentials.csv.",
        b->wrap);
    worksheet_set_row(ws, 1, 48, NULL);
    static const char *const head[] = {
        "Unit",    "Name", "Rank", "Class",    "Label",
        "Density", "PCI",  "COG",  "Quadrant", "Specialisations held"};
    lxw_row_t r0 = 3, row = r0;
    for (lxw_col_t c = 0; c < 9; c++)
        worksheet_write_string(ws, r0, c, head[c], b->head);
    size_t u0 = block(units, level, matrix, &nu), idx[64];
    if (k > 64)
        k = 64;
    size_t kmax = k;
    for (size_t i = 0; i < nu; i++) {
        const char *id = s3_table_text(units, u0 + i, col(units, "unit")), *sr;
        const char *name = centre_name(b, id, &sr);
        size_t n = unit_opportunities(b, pot, level, matrix, id, k, idx);
        for (size_t j = 0; j < n; j++) {
            size_t r = idx[j];
            const char *code = s3_table_text(pot, r, col(pot, "class"));
            row++;
            worksheet_write_string(ws, row, 0, id, NULL);
            worksheet_write_string(ws, row, 1, name, NULL);
            worksheet_write_number(ws, row, 2, (double)(j + 1), b->integer);
            worksheet_write_string(ws, row, 3, code, NULL);
            worksheet_write_string(
                ws, row, 4, class_label(b, classes, level, matrix, code), NULL);
            put_num(ws, row, 5, s3_table_num(pot, r, col(pot, "density")),
                    b->num3);
            put_num(ws, row, 6, s3_table_num(pot, r, col(pot, "pci")), b->num3);
            put_num(ws, row, 7, s3_table_num(pot, r, col(pot, "cog")), b->num3);
            worksheet_write_string(
                ws, row, 8,
                quadrant_words(s3_table_text(pot, r, col(pot, "quadrant"))),
                NULL);
        }
    }
    if (row > r0) {
        worksheet_autofilter(ws, r0, 0, row, 8);
        lxw_conditional_format bar = {.type = LXW_CONDITIONAL_DATA_BAR};
        worksheet_conditional_format_range(ws, r0 + 1, 5, row, 5, &bar);
        /* density against complexity, with the medians of the points as
         * the quadrant lines (helper cells in K-L) */
        size_t np = (size_t)(row - r0);
        double *dv = malloc((2 * np + 1) * sizeof(double)), *cv = dv + np;
        size_t npts = 0;
        if (dv) {
            /* the plotted values, from the table rows written above */
            for (size_t i = 0, w = 0; i < nu && w < np; i++) {
                const char *id =
                    s3_table_text(units, u0 + i, col(units, "unit"));
                size_t m =
                    unit_opportunities(b, pot, level, matrix, id, kmax, idx);
                for (size_t j = 0; j < m && w < np; j++, w++) {
                    double d = s3_table_num(pot, idx[j], col(pot, "density")),
                           p = s3_table_num(pot, idx[j], col(pot, "pci"));
                    if (!isnan(d) && !isnan(p)) {
                        dv[npts] = d;
                        cv[npts++] = p;
                    }
                }
            }
            size_t q = npts;
            qsort(dv, q, sizeof *dv, cmp_num);
            qsort(cv, q, sizeof *cv, cmp_num);
            double md = q ? (dv[(q - 1) / 2] + dv[q / 2]) / 2 : 0.0,
                   mp = q ? (cv[(q - 1) / 2] + cv[q / 2]) / 2 : 0.0,
                   dlo = q ? dv[0] : 0.0, dhi = q ? dv[q - 1] : 1.0,
                   plo = q ? cv[0] : 0.0, phi = q ? cv[q - 1] : 1.0;
            worksheet_write_string(ws, r0, 10, "median lines: x", b->head);
            worksheet_write_string(ws, r0, 11, "y", b->head);
            double pts[4][2] = {{md, plo}, {md, phi}, {dlo, mp}, {dhi, mp}};
            for (int i = 0; i < 4; i++) {
                worksheet_write_number(ws, r0 + 1 + (lxw_row_t)i, 10, pts[i][0],
                                       b->num3);
                worksheet_write_number(ws, r0 + 1 + (lxw_row_t)i, 11, pts[i][1],
                                       b->num3);
            }
            lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_SCATTER);
            lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
            chart_series_set_categories(se, sheet, r0 + 1, 5, row, 5);
            chart_series_set_values(se, sheet, r0 + 1, 6, row, 6);
            chart_series_set_name(se, "opportunities");
            for (int l = 0; l < 2; l++) {
                lxw_chart *ln = ch;
                lxw_chart_series *sl = chart_add_series(ln, NULL, NULL);
                chart_series_set_categories(sl, sheet, r0 + 1 + 2 * l, 10,
                                            r0 + 2 + 2 * l, 10);
                chart_series_set_values(sl, sheet, r0 + 1 + 2 * l, 11,
                                        r0 + 2 + 2 * l, 11);
                chart_series_set_name(sl, l ? "median complexity"
                                            : "median density");
                lxw_chart_line line = {.color = 0x808080, .width = 1.25};
                chart_series_set_line(sl, &line);
                chart_series_set_marker_type(sl, LXW_CHART_MARKER_NONE);
            }
            chart_title_set_name(ch, "Opportunities: relatedness density "
                                     "(x) against complexity (y)");
            chart_axis_set_name(ch->x_axis, "relatedness density");
            chart_axis_set_name(ch->y_axis, "PCI");
            lxw_chart_options big = {.x_scale = 1.6, .y_scale = 1.8};
            worksheet_insert_chart_opt(ws, r0 + 6, 10, ch, &big);
            free(dv);
        }
    }
    worksheet_freeze_panes(ws, r0 + 1, 2);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, 3, 7, NULL);
    worksheet_set_column(ws, 4, 4, 50, NULL);
    worksheet_set_column(ws, 5, 7, 10, NULL);
    worksheet_set_column(ws, 8, 8, 52, NULL);
    page_setup(ws);
}

static void
sheet_overview(book *b, const s3_result *res, const char *level,
               const char *matrix)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Overview");
    const s3_table *units = s3_result_table(res, "units"),
                   *spec = s3_result_table(res, "specialisation"),
                   *classes = s3_result_table(res, "classes");
    char title[400];
    /* the data date (the model's cut-off) and the scenario shown */
    const s3_table *pt = s3_result_table(res, "parameters");
    const char *cutoff = "";
    for (size_t r = 0; pt && r < s3_table_rows(pt); r++)
        if (!strcmp(s3_table_text(pt, r, 0), "data.cutoff"))
            cutoff = s3_table_text(pt, r, 1);
    snprintf(title, sizeof title,
             "Smart-specialisation briefing: %s. Data as of %s. Scenario: "
             "baseline (the others: Scenarios sheet)",
             res->model_name, *cutoff ? cutoff : "all rows (no cut-off date)");
    worksheet_write_string(ws, 0, 0, title, b->title);
    /* the specialisations listed: against the network on the headline
     * matrix, or against the baseline on its sector aggregates */
    char smatrix[64];
    snprintf(smatrix, sizeof smatrix, "%s%s", matrix,
             res->reference_baseline ? "_by_aggregate" : "");
    const char *rca = res->reference_baseline ? "rca_baseline" : "rca";
    /* the scores of this level, when there are */
    const s3_table *sc = s3_result_table(res, "scores");
    size_t nsc = 0, sc0 = S3I_NONE;
    for (size_t r = 0; sc && r < s3_table_rows(sc); r++)
        if (!strcmp(s3_table_text(sc, r, 0), "baseline") &&
            !strcmp(s3_table_text(sc, r, 1), level)) {
            if (sc0 == S3I_NONE)
                sc0 = r;
            nsc++;
        }
    char sub[900];
    snprintf(sub, sizeof sub,
             "%s A unit is specialised in a class where its location "
             "quotient (RCA, %s matrix) is at least %g; the largest "
             "specialisations are measured against %s. Traffic light: green "
             "= top third, yellow = middle third, red = bottom third of the "
             "ranking, grey = its rank band crosses a third (not "
             "distinguishable). An empty cell has no value (Data quality "
             "sheet). Definitions: Method sheet.",
             nsc ? "Units ranked by their development-potential score (Scores "
                   "sheet), with the 5-95 % band of the rank when the weights "
                   "vary."
                 : "Units ranked by specialisation strength (Krugman "
                   "dissimilarity from the network's profile, 0-2).",
             matrix, res->threshold,
             res->reference_baseline
                 ? "the regional economy (baseline sector aggregates)"
                 : "the network");
    worksheet_merge_range(ws, 1, 0, 1, 12, sub, b->wrap);
    worksheet_set_row(ws, 1, 48, NULL);
    worksheet_set_row(ws, 3, 45, NULL);
    static const char *const head[] = {
        "Rank",
        "Unit",
        "Name",
        "Sub-region",
        "Development-potential score",
        "Rank band (5-95 %)",
        "Traffic light",
        "Economic complexity (ECI)",
        "Specialisation strength (Krugman)",
        "Specialised classes (diversity)",
        "Total",
        "Largest specialisations",
        "Best opportunities (closest sectors not yet specialised in)"};
    lxw_row_t r0 = 3;
    for (lxw_col_t c = 0; c < 13; c++)
        worksheet_write_string(ws, r0, c, head[c], b->head);
    size_t n = 0, nr = s3_table_rows(units);
    size_t *idx = malloc((nr + 1) * sizeof(size_t));
    if (!idx)
        return;
    for (size_t r = 0; r < nr; r++)
        if (is(units, r, level, matrix))
            idx[n++] = r;
    size_t ck = col(units, "krugman"), cu = col(units, "unit");
    size_t ncls, class0 = block(classes, level, smatrix, &ncls), nspec;
    size_t spec0 = block(spec, level, smatrix, &nspec);
    size_t unit0 = n ? idx[0] : 0;
    rank_desc(units, idx, n, ck, cu);
    /* ranked by score when there is one: the score rows follow the units'
     * order, so row i of the block belongs to units row unit0 + i */
    double *srank = malloc((n + 1) * sizeof(double));
    if (srank && nsc == n) {
        for (size_t i = 0; i < n; i++)
            srank[i] = s3_table_num(sc, sc0 + (idx[i] - unit0), 4);
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && srank[j] < srank[j - 1]; j--) {
                double t = srank[j];
                srank[j] = srank[j - 1];
                srank[j - 1] = t;
                size_t u = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = u;
            }
    }
    free(srank);
    for (size_t i = 0; i < n; i++) {
        size_t r = idx[i];
        lxw_row_t row = (lxw_row_t)(r0 + 1 + i);
        const char *id = s3_table_text(units, r, cu), *sr;
        const char *name = centre_name(b, id, &sr);
        char top[1024] = "";
        if (ncls && nspec == n * ncls)
            top_specialisations(spec, spec0 + (r - unit0) * ncls, classes,
                                class0, ncls, rca, res->threshold, 3, top,
                                sizeof top);
        /* four lines for the wrapped specialisations and opportunities */
        worksheet_set_row(ws, row, 54, NULL);
        worksheet_write_number(ws, row, 0, (double)(i + 1), b->integer);
        worksheet_write_string(ws, row, 1, id, b->top);
        worksheet_write_string(ws, row, 2, name, b->wrap);
        worksheet_write_string(ws, row, 3, sr, b->top);
        put_num(ws, row, 10, s3_table_num(units, r, col(units, "total")),
                b->num2);
        put_num(ws, row, 8, s3_table_num(units, r, ck), b->num3);
        put_num(ws, row, 9, s3_table_num(units, r, col(units, "diversity")),
                b->integer);
        worksheet_write_string(ws, row, 11, top, b->wrap);
        put_num(ws, row, 7, s3_table_num(units, r, col(units, "eci")), b->num2);
        best_opportunities(b, s3_result_table(res, "potentials"), classes,
                           level, matrix, id, 3, top, sizeof top);
        worksheet_write_string(ws, row, 12, top, b->wrap);
        if (nsc == n) {
            size_t sr_ = sc0 + (r - unit0);
            double lo = s3_table_num(sc, sr_, 6), hi = s3_table_num(sc, sr_, 7),
                   med = s3_table_num(sc, sr_, 5);
            put_num(ws, row, 4, s3_table_num(sc, sr_, 3), b->num3);
            char band[64] = "";
            if (!isnan(lo) && !isnan(hi))
                snprintf(band, sizeof band, "%.0f-%.0f", lo, hi);
            worksheet_write_string(ws, row, 5, band, b->top);
            /* thirds of the ranking, from the median rank (or the rank) */
            double at = isnan(med) ? s3_table_num(sc, sr_, 4) : med;
            int third = (int)((at - 1.0) * 3.0 / (double)n),
                tlo = isnan(lo) ? third : (int)((lo - 1.0) * 3.0 / (double)n),
                thi = isnan(hi) ? third : (int)((hi - 1.0) * 3.0 / (double)n);
            static const char *const light[] = {"green", "yellow", "red"};
            worksheet_write_string(ws, row, 6,
                                   tlo != thi  ? "grey"
                                   : third < 0 ? ""
                                   : third > 2 ? "red"
                                               : light[third],
                                   b->light[tlo != thi  ? 3
                                            : third > 2 ? 2
                                            : third < 0 ? 3
                                                        : third]);
        }
    }
    if (n > 0 && nsc == n) {
        /* the rank bands of the Scores sheet's first block (its data starts
         * on row SCORES_FIRST), as floating bars */
        lxw_row_t first = SCORES_FIRST,
                  last = (lxw_row_t)(SCORES_FIRST + n - 1);
        lxw_chart *cb = workbook_add_chart(b->wb, LXW_CHART_BAR_STACKED);
        lxw_chart_series *s0 = chart_add_series(cb, NULL, NULL),
                         *s1 = chart_add_series(cb, NULL, NULL);
        chart_series_set_categories(s0, "Scores", first, 2, last, 2);
        chart_series_set_values(s0, "Scores", first, 10, last, 10);
        chart_series_set_categories(s1, "Scores", first, 2, last, 2);
        chart_series_set_values(s1, "Scores", first, 11, last, 11);
        lxw_chart_fill none = {.none = LXW_TRUE};
        chart_series_set_fill(s0, &none);
        chart_title_set_name(cb, "Rank of the development-potential score: "
                                 "5-95 % band (1 = best)");
        chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(cb->y_axis);
        lxw_chart_options big = {.x_scale = 1.6, .y_scale = 2.2};
        worksheet_insert_chart_opt(ws, (lxw_row_t)(r0 + n + 2), 2, cb, &big);
    }
    if (n > 0) {
        worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + n), 12);
        lxw_conditional_format bar = {.type = LXW_CONDITIONAL_DATA_BAR};
        worksheet_conditional_format_range(ws, r0 + 1, 4, (lxw_row_t)(r0 + n),
                                           4, &bar);
    }
    worksheet_freeze_panes(ws, r0 + 1, 3);
    worksheet_set_column(ws, 0, 0, 6, NULL);
    worksheet_set_column(ws, 1, 1, 8, NULL);
    worksheet_set_column(ws, 2, 2, 34, b->wrap);
    worksheet_set_column(ws, 3, 3, 16, NULL);
    worksheet_set_column(ws, 4, 10, 12, NULL);
    worksheet_set_column(ws, 11, 12, 60, NULL);
    page_setup(ws);
    free(idx);
}

/* A red-white-green colour scale over a range: red at lo, white at mid,
 * green at hi. */
static void
color_scale(lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1,
            lxw_col_t c1, double lo, double mid, double hi)
{
    lxw_conditional_format scale = {
        .type = LXW_CONDITIONAL_3_COLOR_SCALE,
        .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
        .min_value = lo,
        .min_color = 0xF8696B,
        .mid_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
        .mid_value = mid,
        .mid_color = 0xFFFFFF,
        .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
        .max_value = hi,
        .max_color = 0x63BE7B};
    worksheet_conditional_format_range(ws, r0, c0, r1, c1, &scale);
}

/* The unit × class RCA heatmap of one matrix, colour scale centred on 1. */
static void
sheet_heatmap(book *b, const s3_result *res, const char *sheet,
              const char *level, const char *matrix)
{
    const s3_table *spec = s3_result_table(res, "specialisation"),
                   *classes = s3_result_table(res, "classes");
    /* classes of this matrix in order */
    size_t ncls = 0, nrows = s3_table_rows(classes);
    for (size_t r = 0; r < nrows; r++)
        ncls += is(classes, r, level, matrix);
    if (ncls == 0 || ncls > 16000)
        return;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    char title[200];
    snprintf(title, sizeof title,
             "Location quotients (RCA) by %s and class, %s matrix: above 1 "
             "(green) over-represented, below 1 (red) under-represented",
             level, matrix);
    worksheet_write_string(ws, 0, 0, title, b->title);
    worksheet_write_string(ws, 2, 0, "Unit", b->head);
    worksheet_write_string(ws, 2, 1, "Name", b->head);
    worksheet_write_string(ws, 3, 0, "", b->head);
    worksheet_write_string(ws, 3, 1, "", b->head);
    size_t k = 0;
    for (size_t r = 0; r < nrows; r++) {
        if (!is(classes, r, level, matrix))
            continue;
        worksheet_write_string(ws, 2, (lxw_col_t)(2 + k),
                               s3_table_text(classes, r, 2), b->head);
        worksheet_write_string(ws, 3, (lxw_col_t)(2 + k),
                               s3_table_text(classes, r, 3), b->wrap);
        k++;
    }
    worksheet_set_row(ws, 3, 90, NULL);
    size_t cu = col(spec, "unit"), cr = col(spec, "rca");
    const char *prev = NULL;
    lxw_row_t row = 3;
    size_t c = 0;
    for (size_t r = 0; r < s3_table_rows(spec); r++) {
        if (!is(spec, r, level, matrix))
            continue;
        const char *u = s3_table_text(spec, r, cu);
        if (!prev || strcmp(prev, u)) {
            row++;
            c = 0;
            prev = u;
            const char *sr;
            worksheet_write_string(ws, row, 0, u, NULL);
            worksheet_write_string(ws, row, 1, centre_name(b, u, &sr), NULL);
        }
        put_num(ws, row, (lxw_col_t)(2 + c), s3_table_num(spec, r, cr),
                b->num2);
        c++;
    }
    if (row > 3)
        color_scale(ws, 4, 2, row, (lxw_col_t)(1 + ncls), 0, 1, 3);
    worksheet_freeze_panes(ws, 4, 2);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 40, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(1 + ncls), 11, NULL);
    page_setup(ws);
}

static void
sheet_method(book *b, const s3_result *res)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Method");
    worksheet_write_string(ws, 0, 0, "Method", b->title);
    worksheet_write_string(ws, 1, 0, "Engine: s3engine " S3_VERSION, NULL);
    lxw_row_t r = 3;
    static const char *const head[] = {"measure", "table", "definition",
                                       "formula", "source"};
    for (lxw_col_t c = 0; c < 5; c++)
        worksheet_write_string(ws, r, c, head[c], b->head);
    for (size_t i = 0; i < s3_measures_count(); i++) {
        const s3_measure_info *m = s3_measure_at(i);
        r++;
        worksheet_write_string(ws, r, 0, m->name, NULL);
        worksheet_write_string(ws, r, 1, m->table, NULL);
        worksheet_write_string(ws, r, 2, m->definition, b->wrap);
        worksheet_write_string(ws, r, 3, m->formula, b->wrap);
        worksheet_write_string(ws, r, 4, m->source, b->wrap);
    }
    r += 2;
    worksheet_write_string(ws, r++, 0, "Parameters", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "parameters"), 0) + 1;
    worksheet_write_string(
        ws, r++, 0, "Score indicators, S3 domains and scenarios", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "definitions"), 0) + 1;
    worksheet_write_string(
        ws, r++, 0,
        "Rules: a value that cannot be defined (a unit or class with total 0) "
        "is an empty cell, never 0; ranks put such units last; a Monte Carlo "
        "run is reproducible from its seed; text from the input data is "
        "written as text, never as a formula.",
        b->note);
    r++;
    worksheet_write_string(ws, r++, 0, "Input files", b->title);
    put_table(b, ws, r, s3_result_table(res, "inputs"), 0);
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, 1, 30, NULL);
    worksheet_set_column(ws, 2, 2, 70, NULL);
    worksheet_set_column(ws, 3, 3, 40, NULL);
    worksheet_set_column(ws, 4, 4, 66, NULL);
    page_setup(ws);
}

static void
sheet_quality(book *b, const s3_result *res)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Data quality");
    worksheet_write_string(ws, 0, 0,
                           "Data quality: for every file, rows read = rows "
                           "used + rows rejected",
                           b->title);
    lxw_row_t r = put_table(b, ws, 2, s3_result_table(res, "quality"), 0) + 1;
    worksheet_write_string(ws, r++, 0, "Notes", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "notes"), 0) + 1;
    worksheet_write_string(ws, r++, 0, "Warnings (one row each)", b->title);
    put_table(b, ws, r, s3_result_table(res, "warnings"), 1);
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 3, 14, NULL);
    worksheet_set_column(ws, 4, 4, 90, NULL);
    page_setup(ws);
}

/* ---- the strategist's sheets -------------------------------------------- */

/* Rows of t whose text columns `cols` equal `vals` (NULL value = any):
 * idx[0..return). */
static size_t
select_rows(const s3_table *t, const char *const *cols, const char *const *vals,
            size_t nsel, size_t *idx)
{
    size_t n = 0, c[8];
    for (size_t k = 0; k < nsel; k++)
        c[k] = col(t, cols[k]);
    for (size_t r = 0; r < s3_table_rows(t); r++) {
        int ok = 1;
        for (size_t k = 0; k < nsel && ok; k++)
            ok = !vals[k] || !strcmp(s3_table_text(t, r, c[k]), vals[k]);
        if (ok)
            idx[n++] = r;
    }
    return n;
}

/* Write the columns `show` of the rows idx of t under a header with the
 * labels `head`, from row r0; returns the next free row. */
static lxw_row_t
put_rows(book *b, lxw_worksheet *ws, lxw_row_t r0, const s3_table *t,
         const size_t *idx, size_t n, const char *const *show,
         const char *const *head, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++)
        worksheet_write_string(ws, r0, (lxw_col_t)c, head[c], b->head);
    for (size_t i = 0; i < n; i++) {
        lxw_row_t row = (lxw_row_t)(r0 + 1 + i);
        if (row >= XLSX_MAX_ROWS - 2) {
            worksheet_write_string(ws, row, 0,
                                   "more rows than a worksheet holds: see the "
                                   "CSV table",
                                   b->note);
            return row + 1;
        }
        for (size_t c = 0; c < ncols; c++) {
            if (!strcmp(show[c], "arrow")) {
                /* the direction of the change, as a symbol */
                double d = s3_table_num(t, idx[i], col(t, "delta"));
                worksheet_write_string(ws, row, (lxw_col_t)c,
                                       isnan(d)  ? ""
                                       : d > 0.0 ? "\u25B2 up"
                                       : d < 0.0 ? "\u25BC down"
                                                 : "= same",
                                       d > 0.0   ? b->light[0]
                                       : d < 0.0 ? b->light[2]
                                                 : NULL);
                continue;
            }
            if (!strcmp(show[c], "name")) {
                const char *sr;
                worksheet_write_string(
                    ws, row, (lxw_col_t)c,
                    centre_name(b, s3_table_text(t, idx[i], col(t, "unit")),
                                &sr),
                    NULL);
                continue;
            }
            size_t k = col(t, show[c]);
            if (s3_table_col_type(t, k) == S3_COL_TEXT)
                worksheet_write_string(ws, row, (lxw_col_t)c,
                                       s3_table_text(t, idx[i], k), NULL);
            else
                put_num(ws, row, (lxw_col_t)c, s3_table_num(t, idx[i], k),
                        s3_table_col_type(t, k) == S3_COL_INTEGER ? b->integer
                                                                  : b->num3);
        }
    }
    if (n > 0)
        worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + n),
                             (lxw_col_t)(ncols - 1));
    return (lxw_row_t)(r0 + 1 + n);
}

/* A unit × unit (or unit × domain) matrix sheet from a long table: rows
 * and columns in first-seen order, value column v, colour scale lo-mid-hi.
 * Only the rows selected by (cols, vals). */
static void
sheet_pivot(book *b, const char *sheet, const char *title, const s3_table *t,
            const char *const *cols, const char *const *vals, size_t nsel,
            const char *rowc, const char *colc, const char *v, double lo,
            double mid, double hi)
{
    if (!t)
        return;
    size_t nr = s3_table_rows(t);
    size_t *idx = malloc((nr + 1) * sizeof(size_t)),
           *ri = malloc((nr + 1) * sizeof(size_t)),
           *ci = malloc((nr + 1) * sizeof(size_t));
    const char **rk = malloc((nr + 1) * sizeof(char *)),
               **ck = malloc((nr + 1) * sizeof(char *));
    s3i_map rmap = {0}, cmap = {0};
    if (!idx || !ri || !ci || !rk || !ck)
        goto done;
    size_t n = select_rows(t, cols, vals, nsel, idx), nrk = 0, nck = 0;
    size_t cr = col(t, rowc), cc = col(t, colc), cv = col(t, v);
    /* row and column keys in first-seen order, found by hash (a matrix of
     * 1,200 units has 1.4 million cells) */
    for (size_t i = 0; i < n; i++) {
        const char *a = s3_table_text(t, idx[i], cr),
                   *bb = s3_table_text(t, idx[i], cc);
        a = a ? a : "", bb = bb ? bb : "";
        if ((ri[i] = s3i_map_put(&rmap, a, strlen(a), nrk)) == nrk)
            rk[nrk++] = a;
        if ((ci[i] = s3i_map_put(&cmap, bb, strlen(bb), nck)) == nck)
            ck[nck++] = bb;
        if (ri[i] == S3I_NONE || ci[i] == S3I_NONE)
            goto done;
    }
    if (n == 0 || nck > 16000)
        goto done;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    worksheet_write_string(ws, 0, 0, title, b->title);
    worksheet_write_string(ws, 2, 0, "", b->head);
    worksheet_write_string(ws, 2, 1, "", b->head);
    for (size_t j = 0; j < nck; j++)
        worksheet_write_string(ws, 2, (lxw_col_t)(2 + j), ck[j], b->head);
    for (size_t i = 0; i < nrk; i++) {
        const char *sr;
        worksheet_write_string(ws, (lxw_row_t)(3 + i), 0, rk[i], NULL);
        worksheet_write_string(ws, (lxw_row_t)(3 + i), 1,
                               centre_name(b, rk[i], &sr), NULL);
    }
    for (size_t i = 0; i < n; i++)
        put_num(ws, (lxw_row_t)(3 + ri[i]), (lxw_col_t)(2 + ci[i]),
                s3_table_num(t, idx[i], cv), b->num2);
    color_scale(ws, 3, 2, (lxw_row_t)(2 + nrk), (lxw_col_t)(1 + nck), lo, mid,
                hi);
    worksheet_freeze_panes(ws, 3, 2);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 36, NULL);
    worksheet_set_column(ws, 2, (lxw_col_t)(1 + nck), 9, NULL);
    page_setup(ws);
done:
    s3i_map_free(&rmap);
    s3i_map_free(&cmap);
    free(idx);
    free(ri);
    free(ci);
    free(rk);
    free(ck);
}

/* Scores with their rank bands, per level, ranked. */
static void
sheet_scores(book *b, const s3_result *res, const char *const *levels,
             size_t nlevels)
{
    const s3_table *sc = s3_result_table(res, "scores");
    if (!sc || s3_table_rows(sc) == 0)
        return;
    size_t nr = s3_table_rows(sc);
    size_t *idx = malloc((nr + 1) * sizeof(size_t));
    if (!idx)
        return;
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, "Scores");
    worksheet_write_string(ws, 0, 0,
                           "Development-potential score: ranks with their "
                           "uncertainty",
                           b->title);
    worksheet_merge_range(
        ws, 1, 0, 1, 8,
        "The score combines the indicators in csv/indicators.csv with the "
        "model's weights (Method sheet). The rank band is the 5-95 % range of "
        "ranks when the weights vary at random (Monte Carlo): where the bands "
        "of two units overlap, the data cannot tell them apart (see the "
        "Outranking sheet for the probability that one ranks above the "
        "other).",
        b->wrap);
    worksheet_set_row(ws, 1, 60, NULL);
    lxw_row_t row = 3;
    static const char *const show[] = {
        "rank", "unit", "name", "score", "rank_median", "rank_p05", "rank_p95"};
    static const char *const head[] = {"Rank",      "Unit",        "Name",
                                       "Score",     "Median rank", "Rank, 5 %",
                                       "Rank, 95 %"};
    for (size_t l = 0; l < nlevels; l++) {
        const char *cols[] = {"scenario", "level"};
        const char *vals[] = {"baseline", levels[l]};
        size_t n = select_rows(sc, cols, vals, 2, idx);
        if (n == 0)
            continue;
        /* by rank */
        size_t cr = col(sc, "rank");
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && s3_table_num(sc, idx[j], cr) <
                                            s3_table_num(sc, idx[j - 1], cr);
                 j--) {
                size_t t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
        char t[96];
        snprintf(t, sizeof t, "By %s", levels[l]);
        worksheet_write_string(ws, row++, 0, t, b->title);
        lxw_row_t first = row + 1;
        row = put_rows(b, ws, row, sc, idx, n, show, head, 7) + 1;
        /* a bar chart of the scores, in rank order, and one of the rank
         * bands as floating bars: an invisible bar up to the 5 % rank,
         * then a visible one to the 95 % rank (helper columns K and L) */
        lxw_row_t last = (lxw_row_t)(first + n - 1);
        worksheet_write_string(ws, first - 1, 10, "band start", b->head);
        worksheet_write_string(ws, first - 1, 11, "band length", b->head);
        for (size_t i = 0; i < n; i++) {
            double lo = s3_table_num(sc, idx[i], col(sc, "rank_p05")),
                   hi = s3_table_num(sc, idx[i], col(sc, "rank_p95"));
            put_num(ws, (lxw_row_t)(first + i), 10, lo - 0.5, b->num2);
            put_num(ws, (lxw_row_t)(first + i), 11, hi - lo + 1.0, b->num2);
        }
        lxw_chart *ch = workbook_add_chart(b->wb, LXW_CHART_BAR);
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(se, "Scores", first, 1, last, 1);
        chart_series_set_values(se, "Scores", first, 3, last, 3);
        chart_title_set_name(ch, "Score");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(ch->y_axis);
        worksheet_insert_chart(ws, first - 1, 13, ch);
        lxw_chart *cb = workbook_add_chart(b->wb, LXW_CHART_BAR_STACKED);
        lxw_chart_series *s0 = chart_add_series(cb, NULL, NULL),
                         *s1 = chart_add_series(cb, NULL, NULL);
        chart_series_set_categories(s0, "Scores", first, 1, last, 1);
        chart_series_set_values(s0, "Scores", first, 10, last, 10);
        chart_series_set_categories(s1, "Scores", first, 1, last, 1);
        chart_series_set_values(s1, "Scores", first, 11, last, 11);
        lxw_chart_fill none = {.none = LXW_TRUE};
        chart_series_set_fill(s0, &none);
        chart_title_set_name(cb, "Rank band, 5-95 % (1 = best)");
        chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(cb->y_axis);
        worksheet_insert_chart(ws, first + 15, 13, cb);
    }
    worksheet_set_column(ws, 0, 0, 7, NULL);
    worksheet_set_column(ws, 1, 1, 18, NULL);
    worksheet_set_column(ws, 2, 2, 40, NULL);
    worksheet_set_column(ws, 3, 6, 12, NULL);
    page_setup(ws);
    free(idx);
}

/* A long table's selected rows as a sheet (for partners, clusters,
 * deltas, the local economy). */
static void
sheet_rows(book *b, const s3_result *res, const char *sheet, const char *title,
           const char *tname, const char *const *cols, const char *const *vals,
           size_t nsel, const char *const *show, const char *const *head,
           size_t ncols)
{
    const s3_table *t = s3_result_table(res, tname);
    if (!t || s3_table_rows(t) == 0)
        return;
    size_t *idx = malloc((s3_table_rows(t) + 1) * sizeof(size_t));
    if (!idx)
        return;
    size_t n = select_rows(t, cols, vals, nsel, idx);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, sheet);
    worksheet_write_string(ws, 0, 0, title, b->title);
    put_rows(b, ws, 2, t, idx, n, show, head, ncols);
    worksheet_freeze_panes(ws, 3, 0);
    for (size_t c = 0; c < ncols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
                             !strcmp(show[c], "name") ? 36 : 16, NULL);
    page_setup(ws);
    free(idx);
}

static void
book_free(book *b)
{
    s3i_map_free(&b->centre_row);
    s3i_map_free(&b->run);
    s3i_arena_free(&b->keys);
    free(b->run_first);
    free(b->run_count);
    free(b->key);
}

s3_status
s3i_write_xlsx(s3_ctx *ctx, const s3_result *res, const char *path)
{
    book b = {0};
    b.wb = workbook_new(path);
    if (!b.wb)
        return s3i_fail(ctx, S3_EIO, "%s: cannot create the workbook", path);
    b.title = workbook_add_format(b.wb);
    format_set_bold(b.title);
    format_set_font_size(b.title, 14);
    b.head = workbook_add_format(b.wb);
    format_set_bold(b.head);
    format_set_bg_color(b.head, 0xDDEBF7);
    format_set_text_wrap(b.head);
    format_set_align(b.head, LXW_ALIGN_VERTICAL_TOP);
    b.wrap = workbook_add_format(b.wb);
    format_set_text_wrap(b.wrap);
    format_set_align(b.wrap, LXW_ALIGN_VERTICAL_TOP);
    b.num2 = workbook_add_format(b.wb);
    format_set_num_format(b.num2, "0.00");
    b.num3 = workbook_add_format(b.wb);
    format_set_num_format(b.num3, "0.000");
    b.integer = workbook_add_format(b.wb);
    format_set_num_format(b.integer, "0");
    b.top = workbook_add_format(b.wb);
    lxw_format *all_top[] = {b.num2, b.num3, b.integer, b.top};
    for (size_t i = 0; i < 4; i++)
        format_set_align(all_top[i], LXW_ALIGN_VERTICAL_TOP);
    b.note = workbook_add_format(b.wb);
    format_set_italic(b.note);
    static const lxw_color_t lights[4] = {0xC6EFCE, 0xFFEB9C, 0xFFC7CE,
                                          0xD9D9D9};
    for (int i = 0; i < 4; i++) {
        b.light[i] = workbook_add_format(b.wb);
        format_set_bg_color(b.light[i], lights[i]);
        format_set_align(b.light[i], LXW_ALIGN_VERTICAL_TOP);
    }

    char title[200];
    snprintf(title, sizeof title, "s3engine briefing: %s", res->model_name);
    lxw_doc_properties props = {
        .title = title,
        .subject = "Smart-specialisation analysis: specialisation, "
                   "relatedness, complexity, development potential",
        .author = "s3engine " S3_VERSION,
        .created = 946684800 /* 2000-01-01: fixed, for identical reruns */};
    workbook_set_properties(b.wb, &props);

    b.centres = s3_result_table(res, "centres");
    for (size_t r = 0; b.centres && r < s3_table_rows(b.centres); r++) {
        const char *id = s3_table_text(b.centres, r, 0);
        if (id && s3i_map_put(&b.centre_row, id, strlen(id), r) == S3I_NONE) {
            workbook_close(b.wb);
            book_free(&b);
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
    if (index_runs(&b, 'p', s3_result_table(res, "potentials")) ||
        index_runs(&b, 'c', s3_result_table(res, "classes"))) {
        workbook_close(b.wb);
        book_free(&b);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    int generic = s3_table_rows(s3_result_table(res, "centres")) == 0;
    const char *level = generic ? "unit" : "centre";
    sheet_overview(&b, res, level, res->headline_matrix);
    sheet_heatmap(&b, res, generic ? "RCA" : "RCA sectors", level,
                  res->headline_matrix);
    if (!generic)
        sheet_heatmap(&b, res, "RCA technologies", level, "patents");
    if (!generic)
        sheet_heatmap(&b, res, "RCA sub-regions", "subregion",
                      res->headline_matrix);
    sheet_opportunities(&b, res,
                        generic ? "Opportunities" : "Opportunities sectors",
                        level, res->headline_matrix, 10);
    if (!generic)
        sheet_opportunities(&b, res, "Opportunities technologies", level,
                            "patents", 10);
    /* scores, outranking, overlaps, domains, sub-regions, scenarios */
    static const char *const lv_centre[] = {"centre", "subregion"};
    static const char *const lv_unit[] = {"unit"};
    sheet_scores(&b, res, generic ? lv_unit : lv_centre, generic ? 1 : 2);
    {
        const char *cols[] = {"scenario", "level"};
        const char *vals[] = {"baseline", level};
        sheet_pivot(&b, "Outranking",
                    "Probability that the unit in the row ranks above the unit "
                    "in the column (Monte Carlo over the weights)",
                    s3_result_table(res, "outranking"), cols, vals, 2, "unit_a",
                    "unit_b", "probability_a_above_b", 0.0, 0.5, 1.0);
    }
    {
        const char *cols[] = {"level", "matrix"};
        const char *vals[] = {level, res->headline_matrix};
        sheet_pivot(&b, "Overlaps",
                    "Similarity of the units' profiles (cosine of their "
                    "shares, 0-1): candidates for cooperation",
                    s3_result_table(res, "similarity"), cols, vals, 2, "unit_a",
                    "unit_b", "cosine", 0.0, 0.5, 1.0);
        static const char *const show[] = {"unit", "name",    "kind",
                                           "rank", "partner", "value"};
        static const char *const head[] = {
            "Unit",
            "Name",
            "Kind",
            "Rank",
            "Partner",
            "Similarity (cosine) or complementarity (share of the unit's "
            "opportunities the partner is strong in)"};
        sheet_rows(&b, res, "Partners",
                   "Partners: the most similar and the most complementary",
                   "partners", cols, vals, 2, show, head, 6);
        static const char *const cshow[] = {"unit", "name", "cluster"};
        static const char *const chead[] = {"Unit", "Name", "Cluster"};
        sheet_rows(&b, res, "Clusters",
                   "Groups of similar units (average linkage on 1 - cosine, "
                   "cut at the model's cluster_cut)",
                   "clusters", cols, vals, 2, cshow, chead, 3);
        sheet_pivot(&b, "Domains",
                    "Share of each unit's activity in the S3 domains of the "
                    "model (domain RCA in csv/domains.csv)",
                    s3_result_table(res, "domains"), cols, vals, 2, "unit",
                    "domain", "share", 0.0, 0.15, 0.6);
    }
    if (!generic) {
        char agg[64];
        snprintf(agg, sizeof agg, "%s_by_aggregate", res->headline_matrix);
        const char *cols[] = {"level", "matrix"};
        const char *vals[] = {"subregion", agg};
        static const char *const show[] = {
            "unit",          "region",        "aggregate", "label",
            "centres_share", "economy_share", "ratio"};
        static const char *const head[] = {
            "Sub-region",
            "Region",
            "Sector",
            "Sector name",
            "Share of the centres' tenants",
            "Share of the local employment",
            "Ratio (above 1: the centres lean to this sector more than the "
            "local economy)"};
        sheet_rows(&b, res, "Sub-regions",
                   "The sub-regions' centres beside their own economy "
                   "(baseline: employment by sector)",
                   "local_economy", cols, vals, 2, show, head, 7);
    }
    {
        static const char *const show[] = {"scenario", "level",   "unit",
                                           "name",     "measure", "baseline",
                                           "value",    "delta",   "arrow"};
        static const char *const head[] = {
            "Scenario",
            "Level",
            "Unit",
            "Name",
            "Measure",
            "Baseline",
            "Scenario value",
            "Change",
            "Direction (for ranks, down is better)"};
        const char *cols[] = {"class"};
        const char *vals[] = {""};
        sheet_rows(&b, res, "Scenarios",
                   "Scenarios: scores and ranks against the baseline (all "
                   "changes, also of specialisations and opportunities, in "
                   "csv/scenario_deltas.csv)",
                   "scenario_deltas", cols, vals, 1, show, head, 9);
    }
    sheet_method(&b, res);
    sheet_quality(&b, res);
    lxw_error e = workbook_close(b.wb);
    book_free(&b);
    if (e != LXW_NO_ERROR)
        return s3i_fail(ctx, S3_EIO, "%s: cannot write the workbook: %s", path,
                        lxw_strerror(e));
    return S3_OK;
}
