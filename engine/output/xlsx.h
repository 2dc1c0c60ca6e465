/*
 * output/xlsx.h — what the workbook's files share (output/ only): the
 * book being written with its formats and its first error, the sheet
 * specs, and small checked writers.  Every libxlsxwriter result goes
 * through keep(), so that the first error is returned by s3i_write_xlsx.
 */
#ifndef S3_XLSX_H
#define S3_XLSX_H

#include <math.h>
#include <stdio.h>
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
    lxw_format *weak;     /* a value that does not hold: grey italic, 0.00 */
    lxw_format *light[4]; /* green, yellow, red, grey */
    lxw_format *top;      /* plain text, aligned to the top */
    lxw_format *banner;   /* the synthetic-data banner: bold, dark red */
    const s3_result *res;
    const char *level; /* the first level: "centre" or "unit" */
    const s3_table *centres;
    s3i_map centre_row; /* centre id → row of centres */
    lxw_error err;      /* the first error */
} book;

/* What a sheet shows: its renderer and its parameters.  A level or matrix
 * "$level", "$headline" or "$aggregate" stands for the run's first level,
 * headline matrix and the headline over the baseline's aggregates. */
typedef struct sheet_spec sheet_spec;
struct sheet_spec {
    void (*draw)(book *b, const sheet_spec *s);
    const char *name, *generic_name; /* generic_name NULL: centres only */
    const char *title;
    const char *table;
    const char *sel_col[2], *sel_val[2];
    size_t nsel;
    /* pivots: row, column and value columns, colour scale */
    const char *rowc, *colc, *value;
    double lo, mid, hi;
    /* row lists: columns shown and their headings */
    const char *const *show, *const *head;
    size_t ncols;
    size_t which; /* heatmaps: matrix (0 headline, 1 patents), level (2
                     sub-regions); opportunities: 0 sectors, 1 technologies */
};

/* ---- checked writing ---------------------------------------------------- */

/* Keep the first error of a libxlsxwriter call. */
static inline void
keep(book *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
        b->err = e;
}

static inline void
str(book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
    lxw_format *f)
{
    keep(b, worksheet_write_string(ws, r, c, s, f));
}

/* A sheet's title in its first cell; for a synthetic dataset preceded,
 * in the same cell, by the banner saying so, so that no sheet shows the
 * named centres' results without it. */
static inline void
sheet_title(book *b, lxw_worksheet *ws, const char *title)
{
    const char *banner = b->res->synthetic;
    if (!banner) {
        str(b, ws, 0, 0, title, b->title);
        return;
    }
    /* libxlsxwriter takes the fragments as char *: copies */
    char btext[600], sep[] = " | ", ttext[1024];
    snprintf(btext, sizeof btext, "%s", banner);
    snprintf(ttext, sizeof ttext, "%s", title);
    lxw_rich_string_tuple parts[] = {{.format = b->banner, .string = btext},
                                     {.format = b->title, .string = sep},
                                     {.format = b->title, .string = ttext}};
    lxw_rich_string_tuple *list[] = {&parts[0], &parts[1], &parts[2], NULL};
    keep(b, worksheet_write_rich_string(ws, 0, 0, list, NULL));
}

/* A number, or an empty cell for NaN. */
static inline void
num(book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
    lxw_format *f)
{
    keep(b, isnan(v) ? worksheet_write_blank(ws, r, c, f)
                     : worksheet_write_number(ws, r, c, v, f));
}

static inline void
column(book *b, lxw_worksheet *ws, lxw_col_t c0, lxw_col_t c1, double width,
       lxw_format *f)
{
    keep(b, worksheet_set_column(ws, c0, c1, width, f));
}

/* A new sheet, a chart or a chart series; NULL (and the error kept) when
 * out of memory. */
static inline lxw_worksheet *
new_sheet(book *b, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    /* printed: A4 landscape, the sheet's name and "page X of Y" below;
     * not shrunk to the page width (the heatmaps would print at 3 pt):
     * wide sheets go on over pages with their headers repeated (freeze) */
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    keep(b, worksheet_set_footer(ws, "&L&A&RPage &P of &N"));
    return ws;
}

/* Header rows r and columns c kept on screen and repeated on every
 * printed page. */
static inline void
freeze(book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c)
{
    worksheet_freeze_panes(ws, r, c);
    if (r > 0)
        keep(b, worksheet_repeat_rows(ws, 0, r - 1));
    if (c > 0)
        keep(b, worksheet_repeat_columns(ws, 0, c - 1));
}

static inline lxw_chart *
new_chart(book *b, uint8_t type)
{
    lxw_chart *ch = workbook_add_chart(b->wb, type);
    if (!ch)
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    return ch;
}

/* A series of (categories, values) from one sheet's cells, or NULL. */
static inline lxw_chart_series *
series(book *b, lxw_chart *ch, const char *sheet, lxw_row_t r0, lxw_row_t r1,
       lxw_col_t cat, lxw_col_t val)
{
    lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
    if (!se) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    chart_series_set_categories(se, sheet, r0, cat, r1, cat);
    chart_series_set_values(se, sheet, r0, val, r1, val);
    return se;
}

/* Column index by name (the engine made these tables, so the names
 * exist). */
static inline size_t
col(const s3_table *t, const char *name)
{
    return s3_table_col(t, name);
}

/* Rows of a long table that belong to (level, matrix). */
static inline int
is(const s3_table *t, size_t r, const char *level, const char *matrix)
{
    return strcmp(s3_table_text(t, r, 0), level) == 0 &&
           strcmp(s3_table_text(t, r, 1), matrix) == 0;
}

/* Sheet setup shared by all sheets: landscape, A4, fit to page width. */
static inline void
page_setup(lxw_worksheet *ws)
{
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
}

/* A data bar over a column range. */
static inline void
data_bar(book *b, lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c, lxw_row_t r1)
{
    lxw_conditional_format bar = {.type = LXW_CONDITIONAL_DATA_BAR};
    keep(b, worksheet_conditional_format_range(ws, r0, c, r1, c, &bar));
}

/* The name of a centre from the centres table, or the id. */
static inline const char *
centre_name(const book *b, const char *id)
{
    size_t r = id ? s3i_map_get(&b->centre_row, id, strlen(id)) : S3I_NONE;
    return r == S3I_NONE ? id : s3_table_text(b->centres, r, 1);
}

static inline const char *
sheet_name(const book *b, const sheet_spec *s)
{
    return strcmp(b->level, "unit") ? s->name : s->generic_name;
}

/* Rows of t whose text columns `cols` equal `vals` (NULL value = any):
 * idx[0..return). */
size_t s3i_xlsx_select(const s3_table *t, const char *const *cols,
                       const char *const *vals, size_t nsel, size_t *idx);
/* Write the columns `show` of the rows idx of t under a header with the
 * labels `head`, from row r0; returns the next free row.  "name" shows
 * the name of the centre in the column "unit"; "arrow" the direction of
 * the column "delta". */
lxw_row_t s3i_xlsx_rows(book *b, lxw_worksheet *ws, lxw_row_t r0,
                        const s3_table *t, const size_t *idx, size_t n,
                        const char *const *show, const char *const *head,
                        size_t ncols);
/* The sheets of the briefing stage's tables (xlsx_overview.c,
 * xlsx_opportunities.c, xlsx_scores.c). */
void s3i_xlsx_overview(book *b, const sheet_spec *s);
/* The Contents sheet (xlsx_overview.c): drawn first, its links once every
 * sheet exists; and the workbook's title (parameter model.title). */
void s3i_xlsx_contents(book *b, const sheet_spec *s);
void s3i_xlsx_contents_links(book *b);
const char *s3i_xlsx_title(const s3_result *res);
void s3i_xlsx_opportunities(book *b, const sheet_spec *s);
void s3i_xlsx_scores(book *b, const sheet_spec *s);

#endif /* S3_XLSX_H */
