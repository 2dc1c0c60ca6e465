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
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "output/output.h"

/* Excel's limit on rows per sheet. */
enum { XLSX_MAX_ROWS = 1048576 };

/* The row where the Scores sheet's first table starts its data (title on
 * row 3, header on row 4): the Overview's chart points there. */
enum { SCORES_FIRST = 5 };

/* A paragraph: a text alone on its row, wrapped over the columns of the
 * sheet's first printed page when the sheet is finished (para()). */
struct para {
    lxw_row_t row;
    char *text;
    lxw_format *format;
};

typedef struct {
    lxw_workbook *wb;
    lxw_format *title, *head, *wrap, *num2, *num3, *integer, *note;
    lxw_format *weak;     /* a value that does not hold: grey italic, 0.00 */
    lxw_format *light[4]; /* green, yellow, red, grey */
    lxw_format *top;      /* plain text, aligned to the top */
    lxw_format *banner;   /* the synthetic-data banner: bold, dark red */
    lxw_format *pct;      /* shares and probabilities: 0 % */
    const s3_result *res;
    const char *level;      /* the first level: "centre" or "unit" */
    lxw_format *title_wrap; /* the title: bold, wrapped, at the top */
    lxw_format *shrink;     /* a text that cannot wrap, shrunk to fit */
    lxw_format *note_wrap;  /* a note: italic, wrapped (para()) */
    lxw_worksheet *cur;     /* the sheet being drawn: finished by the next
                               new_sheet() or at the end (s3i_finish_sheet) */
    char cur_title[1024];   /* its title (sheet_title), "" if none */
    double *colw;           /* its column widths set by column(), 0 unset */
    size_t ncolw;
    struct para *paras; /* its paragraphs, laid out when it is finished */
    int one_page;       /* print it on one page (print_area()) */
    lxw_row_t print_r1; /* its printed rows and columns, 0 0: all */
    lxw_col_t print_c1;
    size_t nparas, cparas;
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
    const char *about; /* what the sheet shows, a sentence (Contents) */
    const char *title;
    const char *table;
    const char *sel_col[2], *sel_val[2];
    size_t nsel;
    /* pivots: row, column and value columns, colour scale */
    const char *rowc, *colc, *value;
    double lo, mid, hi;
    int single_hue; /* white at lo to blue at hi (no "bad" end), not
                       red-white-green */
    int percent;    /* the value is a share or probability: 0 % */
    /* row lists: columns shown and their headings */
    const char *const *show, *const *head;
    size_t ncols;
    size_t which; /* heatmaps: matrix (0 headline, 1 patents), level (2
                     sub-regions); opportunities: 0 sectors, 1 technologies */
    int square;   /* pivots: a unit × unit sheet, left out at scale
                     (output.square_sheets) */
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
    if (ws == b->cur)
        snprintf(b->cur_title, sizeof b->cur_title, "%s", title);
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

/* A paragraph of text alone on row r of the sheet being drawn, in a
 * format that wraps (b->wrap, b->note): laid out when the sheet is
 * finished, over the columns of its first printed page, its row as high
 * as its lines, so that it neither runs off the page nor over a cell. */
static inline void
para(book *b, lxw_worksheet *ws, lxw_row_t r, const char *text, lxw_format *f)
{
    if (ws != b->cur) {
        str(b, ws, r, 0, text, f);
        return;
    }
    if (b->nparas == b->cparas) {
        size_t n = b->cparas ? 2 * b->cparas : 16;
        struct para *p = realloc(b->paras, n * sizeof *p);
        if (!p) {
            keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        b->paras = p;
        b->cparas = n;
    }
    char *copy = strdup(text);
    if (!copy) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    b->paras[b->nparas++] = (struct para){r, copy, f};
    str(b, ws, r, 0, text, f); /* the row counts as written */
}

/* The sheet being drawn prints rows 0..r1 and columns 0..c1 only (not
 * the helper cells of its charts), on one page if one_page. */
static inline void
print_area(book *b, lxw_row_t r1, lxw_col_t c1, int one_page)
{
    b->print_r1 = r1;
    b->print_c1 = c1;
    b->one_page = one_page;
}

/* A number, or an empty cell for NaN. */
static inline void
num(book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double v,
    lxw_format *f)
{
    keep(b, isnan(v) ? worksheet_write_blank(ws, r, c, f)
                     : worksheet_write_number(ws, r, c, v, f));
}

/* Columns c0..c1 set to a width (kept for the print setup) and format. */
static inline void
column(book *b, lxw_worksheet *ws, lxw_col_t c0, lxw_col_t c1, double width,
       lxw_format *f)
{
    keep(b, worksheet_set_column(ws, c0, c1, width, f));
    if (ws != b->cur)
        return;
    if (c1 >= b->ncolw) {
        size_t n = (size_t)c1 + 64;
        double *w = realloc(b->colw, n * sizeof *w);
        if (!w) {
            keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            return;
        }
        for (size_t i = b->ncolw; i < n; i++)
            w[i] = 0.0;
        b->colw = w;
        b->ncolw = n;
    }
    for (lxw_col_t c = c0; c <= c1; c++)
        b->colw[c] = width;
}

/* A new sheet, a chart or a chart series; NULL (and the error kept) when
 * out of memory. */
void s3i_finish_sheet(book *b);

static inline lxw_worksheet *
new_sheet(book *b, const char *name)
{
    s3i_finish_sheet(b);
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    b->cur = ws;
    b->cur_title[0] = '\0';
    b->one_page = 0;
    b->print_r1 = 0;
    b->print_c1 = 0;
    for (size_t i = 0; i < b->ncolw; i++)
        b->colw[i] = 0.0;
    /* printed: A4 landscape, the sheet's name and "page X of Y" below,
     * and on synthetic data a reminder on every page (the banner itself
     * is on the first); the scale is chosen when the sheet is finished */
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);
    keep(b, worksheet_set_footer(ws, b->res->synthetic
                                         ? "&L&A&C&\"-,Bold\"&KC00000"
                                           "Synthetic data: not findings"
                                           "&R&\"-,Regular\"&K000000"
                                           "Page &P of &N"
                                         : "&L&A&RPage &P of &N"));
    return ws;
}

/* Rows above r and columns left of c kept on screen; the header row
 * (r - 1; not the title above it) and the columns repeated on every
 * printed page. */
static inline void
freeze(book *b, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c)
{
    worksheet_freeze_panes(ws, r, c);
    if (r > 0)
        keep(b, worksheet_repeat_rows(ws, r - 1, r - 1));
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

/* The printed width of A4 landscape inside the default margins (0.7 in):
 * 740 pt, about 100 of Excel's column-width units at 100 % as LibreOffice
 * prints them (measured: 7.2 pt a unit; Excel's 7-px digit would give
 * 140).  A sheet up to PRINT_FIT_MAX units wide is fitted to the page's
 * width, which keeps 11-pt text at 7.8 pt or more; a wider one (the
 * heatmaps, the matrices) prints at PRINT_WIDE_SCALE % over several
 * pages, its header row and columns repeated (freeze), instead of
 * shrinking to 3 pt. */
enum { PRINT_PAGE_WIDTH = 100, PRINT_FIT_MAX = 140, PRINT_WIDE_SCALE = 75 };

/* A column's width in column units: as set by column(), else Excel's
 * default 8.43. */
static inline double
column_width(const book *b, lxw_col_t c)
{
    return c < b->ncolw && b->colw[c] > 0.0 ? b->colw[c] : LXW_DEF_COL_WIDTH;
}

/* The width of the sheet being drawn over its columns 0..c1. */
static inline double
sheet_width(const book *b, lxw_col_t c1)
{
    double w = 0.0;
    for (lxw_col_t c = 0; c <= c1; c++)
        w += column_width(b, c);
    return w;
}

/* The height of a row holding wrapped texts, each in a column (or merged
 * range) of the given width: enough lines for the longest, so that
 * LibreOffice, which keeps a row's stored height, does not print lines
 * over the next row.  The lines are laid out word by word as a
 * spreadsheet wraps them (a word that does not fit starts a line; a
 * newline ends one); characters are counted, not bytes; a line holds
 * about 1.2 characters per width unit of average text less 2 for the
 * cell's padding (measured in LibreOffice: "Gesundheitscampus Bochum",
 * 24 characters, takes two lines in 21 units), and a line is 13 pt of
 * the 11-pt font, plus 2 pt. */
static inline double
wrapped_height(const char *const *texts, const double *widths, size_t n)
{
    double lines = 1.0;
    for (size_t i = 0; i < n; i++) {
        if (!texts[i])
            continue;
        double per = 1.2 * widths[i] - 2.0, need = 1.0, cur = 0.0, word = 0.0;
        for (const unsigned char *p = (const unsigned char *)texts[i];; p++) {
            if (*p && *p != ' ' && *p != '\n') {
                word += (*p & 0xC0) != 0x80;
                continue;
            }
            /* a word ends: on this line, or the next (a word longer than
             * a line is broken over lines) */
            if (word > 0.0) {
                if (cur > 0.0 && cur + 1.0 + word > per) {
                    need += 1.0;
                    cur = 0.0;
                }
                cur += (cur > 0.0) + word;
                while (cur > per) {
                    need += 1.0;
                    cur -= per;
                }
                word = 0.0;
            }
            if (!*p)
                break;
            if (*p == '\n') {
                need += 1.0;
                cur = 0.0;
            }
        }
        if (need > lines)
            lines = need;
    }
    return 13.0 * lines + 2.0;
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
/* The number format of column k of t by its kind (counts, shares,
 * indices, scores), the same across the workbook. */
lxw_format *s3i_xlsx_format(const book *b, const s3_table *t, size_t k);
void s3i_xlsx_overview(book *b, const sheet_spec *s);
/* The Contents sheet (xlsx_overview.c): drawn first, its links once every
 * sheet exists; and the workbook's title (parameter model.title). */
void s3i_xlsx_contents(book *b, const sheet_spec *s);
void s3i_xlsx_contents_links(book *b, const sheet_spec *sheets, size_t n);
const char *s3i_xlsx_title(const s3_result *res);
void s3i_xlsx_opportunities(book *b, const sheet_spec *s);
void s3i_xlsx_scores(book *b, const sheet_spec *s);
/* The learning partners (xlsx_learning.c), when the run has them. */
void s3i_xlsx_learning(book *b, const sheet_spec *s);
/* The profiles stage's sheets (xlsx_profiles.c): Profiles, Districts. */
void s3i_xlsx_profiles(book *b, const sheet_spec *s);
void s3i_xlsx_districts(book *b, const sheet_spec *s);
/* The Scenarios sheet (xlsx_scenarios.c). */
void s3i_xlsx_scenarios(book *b, const sheet_spec *s);
/* The centres at their positions (xlsx_map.c), when any has one. */
void s3i_xlsx_map(book *b, const sheet_spec *s);

#endif /* S3_XLSX_H */
