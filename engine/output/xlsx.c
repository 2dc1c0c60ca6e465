/*
 * xlsx.c — the briefing workbook (libxlsxwriter), for a reader without the
 * tool.  It renders tables the engine has made and computes nothing: the
 * briefing stage (stages/briefing.c) has put the units in order, chosen
 * the traffic lights and written the specialisations and opportunities in
 * words.  SHEETS below lists every sheet in order with the renderer that
 * draws it and what it shows; the sheets of the briefing stage's own
 * tables are in xlsx_overview.c, xlsx_opportunities.c and xlsx_scores.c,
 * the learning stage's in xlsx_learning.c.
 *
 * Text from the input data is always written with worksheet_write_string,
 * which stores a string, never a formula: a tenant named "=HYPERLINK(...)"
 * stays text.  A number without value is an empty cell, never 0.  The
 * creation date in the document properties is fixed, so the same inputs
 * give the same bytes.  The first error of any libxlsxwriter call is kept
 * and returned; the workbook is then not valid.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* The length in characters of a text's longest word. */
static size_t
longest_word(const char *s)
{
    size_t best = 0, n = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == ' ' || *p == '\n')
            n = 0;
        else if ((*p & 0xC0) != 0x80 && ++n > best)
            best = n;
    }
    return best;
}

/* The number format of column k of t, one per kind of column across the
 * workbook: counts and ranks whole numbers; shares and probabilities
 * (share, p_*, probability*) as 0 %; indices (RCA, ECI, PCI, Krugman,
 * density, COG, cosine, ratios: 0-1 or around 1, or standardised) two
 * decimals; anything else (scores) three. */
lxw_format *
s3i_xlsx_format(const book *b, const s3_table *t, size_t k)
{
    static const char *const index2[] = {"rca",
                                         "rca_low",
                                         "rca_high",
                                         "rsca",
                                         "eci",
                                         "pci",
                                         "krugman",
                                         "hoover",
                                         "density",
                                         "cog",
                                         "coi",
                                         "cosine",
                                         "jaccard",
                                         "ratio",
                                         "value",
                                         "proximity",
                                         "density_low",
                                         "density_high",
                                         "entropy",
                                         "related_variety",
                                         "unrelated_variety"};
    const char *name = s3_table_col_name(t, k);
    if (s3_table_col_type(t, k) == S3_COL_INTEGER)
        return b->integer;
    if (strstr(name, "share") || !strncmp(name, "p_", 2) ||
        !strncmp(name, "probability", 11))
        return b->pct;
    for (size_t i = 0; i < sizeof index2 / sizeof *index2; i++)
        if (!strcmp(name, index2[i]))
            return b->num2;
    return b->num3;
}

/* A whole table as a sheet section with a header row and a filter, from
 * row `r0`; stops at Excel's row limit with a note.  With the sheet's
 * column widths (`widths[0..nw)`, or NULL), texts wrap within their
 * column, the last column spans the sheet's columns to its right, and
 * each row is as high as its longest text, so that no text runs over its
 * neighbour or off the printed page.  Returns the next free row. */
static lxw_row_t
put_table(book *b, lxw_worksheet *ws, lxw_row_t r0, const s3_table *t,
          int filter, const double *widths, size_t nw)
{
    size_t nc = s3_table_cols(t), nr = s3_table_rows(t);
    for (size_t c = 0; c < nc; c++)
        str(b, ws, r0, (lxw_col_t)c, s3_table_col_name(t, c), b->head);
    size_t fit = nr;
    if (r0 + 1 + fit > XLSX_MAX_ROWS - 2)
        fit = XLSX_MAX_ROWS - 2 - r0 - 1;
    /* the last column's span: itself and the sheet's columns beyond */
    double last_w = 0.0;
    for (size_t c = nc ? nc - 1 : 0; widths && c < nw; c++)
        last_w += widths[c];
    enum { WRAP_COLS = 16 };
    const char *texts[WRAP_COLS];
    double tw[WRAP_COLS];
    for (size_t r = 0; r < fit; r++) {
        lxw_row_t row = (lxw_row_t)(r0 + 1 + r);
        size_t nt = 0;
        for (size_t c = 0; c < nc; c++) {
            if (!s3_coltype_is_text(s3_table_col_type(t, c))) {
                num(b, ws, row, (lxw_col_t)c, s3_table_num(t, r, c),
                    s3i_xlsx_format(b, t, c));
                continue;
            }
            const char *v = s3_table_text(t, r, c);
            if (!widths || c >= nw || nt == WRAP_COLS) {
                str(b, ws, row, (lxw_col_t)c, v, b->top);
                continue;
            }
            if (longest_word(v) > 1.1 * widths[c] && (c + 1 < nc || nc >= nw)) {
                /* a path or checksum cannot wrap: shrunk into its cell */
                str(b, ws, row, (lxw_col_t)c, v, b->shrink);
                continue;
            }
            texts[nt] = v;
            if (c + 1 == nc && nc < nw) {
                keep(b, worksheet_merge_range(ws, row, (lxw_col_t)c, row,
                                              (lxw_col_t)(nw - 1), v, b->wrap));
                tw[nt++] = last_w;
            } else {
                str(b, ws, row, (lxw_col_t)c, v, b->wrap);
                tw[nt++] = widths[c];
            }
        }
        double h = wrapped_height(texts, tw, nt);
        if (h > 15.0)
            keep(b, worksheet_set_row(ws, row, h, NULL));
    }
    if (filter && nr > 0 && nc > 0)
        keep(b, worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + fit),
                                     (lxw_col_t)(nc - 1)));
    lxw_row_t next = (lxw_row_t)(r0 + 1 + fit);
    if (fit < nr) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu more rows do not fit in a worksheet: see csv/%s.csv",
                 nr - fit, s3_table_name(t));
        para(b, ws, next++, msg, b->note_wrap);
    }
    return next;
}

/* A red-white-green colour scale over a range: red at lo, white at mid,
 * green at hi. */
static void
color_scale(book *b, lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0,
            lxw_row_t r1, lxw_col_t c1, double lo, double mid, double hi)
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
    keep(b, worksheet_conditional_format_range(ws, r0, c0, r1, c1, &scale));
}

size_t
s3i_xlsx_select(const s3_table *t, const char *const *cols,
                const char *const *vals, size_t nsel, size_t *idx)
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

lxw_row_t
s3i_xlsx_rows(book *b, lxw_worksheet *ws, lxw_row_t r0, const s3_table *t,
              const size_t *idx, size_t n, const char *const *show,
              const char *const *head, size_t ncols)
{
    for (size_t c = 0; c < ncols; c++)
        str(b, ws, r0, (lxw_col_t)c, head[c], b->head);
    for (size_t i = 0; i < n; i++) {
        lxw_row_t row = (lxw_row_t)(r0 + 1 + i);
        if (row >= XLSX_MAX_ROWS - 2) {
            str(b, ws, row, 0,
                "more rows than a worksheet holds: see the CSV table", b->note);
            return row + 1;
        }
        for (size_t c = 0; c < ncols; c++) {
            if (!strcmp(show[c], "arrow")) {
                /* the direction of the change, as a symbol */
                double d = s3_table_num(t, idx[i], col(t, "delta"));
                str(b, ws, row, (lxw_col_t)c,
                    isnan(d)  ? ""
                    : d > 0.0 ? "\u25B2 up"
                    : d < 0.0 ? "\u25BC down"
                              : "= same",
                    d > 0.0   ? b->light[0]
                    : d < 0.0 ? b->light[2]
                              : NULL);
                continue;
            }
            if (!strcmp(show[c], "name") || !strcmp(show[c], "partner_name")) {
                const char *of = show[c][0] == 'n' ? "unit" : "partner";
                /* shrunk into its cell, never running into the next */
                str(b, ws, row, (lxw_col_t)c,
                    centre_name(b, s3_table_text(t, idx[i], col(t, of))),
                    b->shrink);
                continue;
            }
            size_t k = col(t, show[c]);
            if (s3_coltype_is_text(s3_table_col_type(t, k)))
                str(b, ws, row, (lxw_col_t)c, s3_table_text(t, idx[i], k),
                    NULL);
            else
                num(b, ws, row, (lxw_col_t)c, s3_table_num(t, idx[i], k),
                    s3i_xlsx_format(b, t, k));
        }
    }
    if (n > 0)
        keep(b, worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + n),
                                     (lxw_col_t)(ncols - 1)));
    return (lxw_row_t)(r0 + 1 + n);
}

/* The value of a spec's symbolic text. */
static const char *
resolve(const book *b, const char *v, char *buf, size_t n)
{
    if (!v)
        return NULL;
    if (!strcmp(v, "$level"))
        return b->level;
    if (!strcmp(v, "$headline"))
        return b->res->headline_matrix;
    if (!strcmp(v, "$aggregate")) {
        snprintf(buf, n, "%s_by_aggregate", b->res->headline_matrix);
        return buf;
    }
    return v;
}

/* The unit × class RCA heatmap of one matrix, colour scale centred on 1. */
static void
draw_heatmap(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    const s3_table *spec = s3_result_table(res, "specialisation"),
                   *classes = s3_result_table(res, "classes");
    const char *level = s->which == 2 ? "subregion" : b->level,
               *matrix = s->which == 1 ? "patents" : res->headline_matrix;
    /* classes of this matrix in order */
    size_t ncls = 0, nrows = s3_table_rows(classes);
    for (size_t r = 0; r < nrows; r++)
        ncls += is(classes, r, level, matrix);
    if (ncls == 0 || ncls > 16000)
        return;
    lxw_worksheet *ws = new_sheet(b, sheet_name(b, s));
    if (!ws)
        return;
    char title[400];
    snprintf(title, sizeof title,
             "Location quotients (RCA) by %s and class, %s matrix: above 1 "
             "(green) over-represented, below 1 (red) under-represented; "
             "grey italic: the RCA reaches the threshold but the unit does "
             "not count as specialised there (too few records to rule out "
             "chance, Method sheet)",
             level, matrix);
    sheet_title(b, ws, title);
    str(b, ws, 2, 0, "Unit", b->head);
    str(b, ws, 2, 1, "Name", b->head);
    str(b, ws, 3, 0, "", b->head);
    str(b, ws, 3, 1, "", b->head);
    /* each class's column: at scale specialisation.csv keeps only the
     * cells with a value (output.cells), so a unit's row can skip some */
    s3i_map at = {0};
    size_t k = 0;
    for (size_t r = 0; r < nrows; r++) {
        if (!is(classes, r, level, matrix))
            continue;
        const char *code = s3_table_text(classes, r, 2);
        if (s3i_map_put(&at, code, strlen(code), k) == S3I_NONE)
            keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        str(b, ws, 2, (lxw_col_t)(2 + k), code, b->head);
        str(b, ws, 3, (lxw_col_t)(2 + k), s3_table_text(classes, r, 3),
            b->wrap);
        k++;
    }
    keep(b, worksheet_set_row(ws, 3, 90, NULL));
    size_t cu = col(spec, "unit"), cc = col(spec, "class"),
           cr = col(spec, "rca"), cs = col(spec, "specialised");
    /* a view hands out each text as one pointer: the level and matrix
     * that matched, and each class's column, are remembered by pointer
     * (a prime number of slots: pointers are aligned) */
    enum { SLOTS = 2039 };
    const char *lv_at = NULL, *mx_at = NULL, *slot[SLOTS] = {0};
    size_t slot_col[SLOTS];
    const char *prev = NULL;
    lxw_row_t row = 3;
    for (size_t r = 0; r < s3_table_rows(spec); r++) {
        const char *lv = s3_table_text(spec, r, 0),
                   *mx = s3_table_text(spec, r, 1);
        if (lv != lv_at || mx != mx_at) {
            if (strcmp(lv, level) || strcmp(mx, matrix))
                continue;
            lv_at = lv, mx_at = mx;
        }
        const char *u = s3_table_text(spec, r, cu),
                   *cls = s3_table_text(spec, r, cc);
        if (!prev || strcmp(prev, u)) {
            row++;
            prev = u;
            str(b, ws, row, 0, u, b->shrink);
            str(b, ws, row, 1, centre_name(b, u), b->shrink);
        }
        size_t h = (size_t)((uintptr_t)cls % SLOTS), c;
        if (slot[h] == cls) {
            c = slot_col[h];
        } else {
            c = s3i_map_get(&at, cls, strlen(cls));
            slot[h] = cls;
            slot_col[h] = c;
        }
        if (c == S3I_NONE)
            continue;
        double rca = s3_table_num(spec, r, cr);
        int weak = rca >= res->threshold && s3_table_num(spec, r, cs) == 0.0;
        num(b, ws, row, (lxw_col_t)(2 + c), rca, weak ? b->weak : b->num2);
    }
    s3i_map_free(&at);
    if (row > 3)
        color_scale(b, ws, 4, 2, row, (lxw_col_t)(1 + ncls), 0, 1, 3);
    freeze(b, ws, 4, 2);
    column(b, ws, 0, 0, 10, NULL);
    column(b, ws, 1, 1, 40, NULL);
    column(b, ws, 2, (lxw_col_t)(1 + ncls), 11, NULL);
}

/* Where unit `id` comes in the units' order: its row of the centres
 * table, or after every centre (then by id). */
static size_t
unit_order(const book *b, const char *id)
{
    size_t r = s3i_map_get(&b->centre_row, id, strlen(id));
    return r == S3I_NONE ? SIZE_MAX : r;
}

/* keys k[0..n) in the units' order: the centres table's, then by id
 * (insertion: tens to a thousand units, once per sheet) */
static void
sort_units(const book *b, const char **k, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t x = unit_order(b, k[j]), y = unit_order(b, k[j - 1]);
            if (x > y || (x == y && strcmp(k[j], k[j - 1]) >= 0))
                break;
            const char *t = k[j];
            k[j] = k[j - 1];
            k[j - 1] = t;
        }
}

/* A column heading for unit `id`: "C01 TZDO", the code and the
 * abbreviation in capitals in brackets at the end of its name; the code
 * alone where the name has none (the row headings, in the same order,
 * carry the names: a cut name in a 10-wide column printed over the next). */
static void
unit_heading(const book *b, const char *id, char *out, size_t n)
{
    const char *name = centre_name(b, id);
    if (!name || name == id || !*name || !strcmp(name, id)) {
        snprintf(out, n, "%s", id);
        return;
    }
    size_t len = strlen(name);
    const char *open = strrchr(name, '(');
    int abbr = open && name[len - 1] == ')' && name + len - open <= 14;
    for (const char *c = open + 1; abbr && c < name + len - 1; c++)
        abbr = (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
               *c == '-' || *c == '&';
    if (abbr)
        snprintf(out, n, "%s %.*s", id, (int)(name + len - 1 - open - 1),
                 open + 1);
    else
        snprintf(out, n, "%s", id);
}

/* A model key in words: "digital_economy" -> "Digital economy". */
static void
key_words(const char *key, char *out, size_t n)
{
    size_t i = 0;
    for (; key[i] && i + 1 < n; i++)
        out[i] = key[i] == '_' ? ' '
                 : i == 0 && key[i] >= 'a' && key[i] <= 'z'
                     ? (char)(key[i] - 'a' + 'A')
                     : key[i];
    out[i] = '\0';
}

/* A unit × unit (or unit × domain) matrix sheet from a long table: the
 * units in their order (the centres table's), rows and columns alike for
 * unit × unit so that the diagonal is the diagonal; columns headed
 * "code short-name" (domains in words); the spec's value column, colour
 * scale lo-mid-hi (or white to blue for a single-hue spec); only the rows
 * its selection keeps. */
static void
draw_pivot(book *b, const sheet_spec *s)
{
    const s3_table *t = s3_result_table(b->res, s->table);
    /* output.square_sheets: decided by the stage (notes.csv says so) */
    if (!t || (s->square && !b->res->square_sheets))
        return;
    char buf[2][80];
    const char *vals[2];
    for (size_t k = 0; k < s->nsel; k++)
        vals[k] = resolve(b, s->sel_val[k], buf[k], sizeof buf[k]);
    size_t nr = s3_table_rows(t);
    size_t *idx = malloc((nr + 1) * sizeof(size_t)),
           *ri = malloc((nr + 1) * sizeof(size_t)),
           *ci = malloc((nr + 1) * sizeof(size_t)),
           *rpos = malloc((2 * nr + 1) * sizeof(size_t)),
           *cpos = malloc((2 * nr + 1) * sizeof(size_t));
    const char **rk = malloc((2 * nr + 1) * sizeof(char *)),
               **ck = malloc((2 * nr + 1) * sizeof(char *)),
               **ro = malloc((2 * nr + 1) * sizeof(char *)),
               **co = malloc((2 * nr + 1) * sizeof(char *));
    s3i_map rmap = {0}, cmap = {0};
    if (!idx || !ri || !ci || !rpos || !cpos || !rk || !ck || !ro || !co) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        goto done;
    }
    size_t n = s3i_xlsx_select(t, s->sel_col, vals, s->nsel, idx), nrk = 0,
           nck = 0;
    size_t cr = col(t, s->rowc), cc = col(t, s->colc), cv = col(t, s->value);
    /* unit × unit: one set of keys for rows and columns */
    int square = s->square;
    s3i_map *cm = square ? &rmap : &cmap;
    const char **cks = square ? rk : ck;
    size_t *nckp = square ? &nrk : &nck;
    /* row and column keys, found by hash (a matrix of 1,200 units has 1.4
     * million cells) */
    for (size_t i = 0; i < n; i++) {
        const char *a = s3_table_text(t, idx[i], cr),
                   *bb = s3_table_text(t, idx[i], cc);
        a = a ? a : "", bb = bb ? bb : "";
        if ((ri[i] = s3i_map_put(&rmap, a, strlen(a), nrk)) == nrk)
            rk[nrk++] = a;
        if ((ci[i] = s3i_map_put(cm, bb, strlen(bb), *nckp)) == *nckp)
            cks[(*nckp)++] = bb;
        if (ri[i] == S3I_NONE || ci[i] == S3I_NONE) {
            keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
            goto done;
        }
    }
    if (square)
        nck = nrk;
    /* the units' order; columns of another kind in first-seen order */
    memcpy(ro, rk, nrk * sizeof(char *));
    sort_units(b, ro, nrk);
    for (size_t i = 0; i < nrk; i++)
        rpos[s3i_map_get(&rmap, ro[i], strlen(ro[i]))] = i;
    memcpy(co, square ? ro : ck, nck * sizeof(char *));
    for (size_t j = 0; j < nck; j++)
        cpos[j] = square ? rpos[j] : j;
    if (n == 0 || nck > 16000)
        goto done;
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws)
        goto done;
    sheet_title(b, ws, s->title);
    str(b, ws, 2, 0, "", b->head);
    str(b, ws, 2, 1, "", b->head);
    for (size_t j = 0; j < nck; j++) {
        char h[160];
        if (square)
            unit_heading(b, co[j], h, sizeof h);
        else
            key_words(co[j], h, sizeof h);
        str(b, ws, 2, (lxw_col_t)(2 + j), h, b->head);
    }
    for (size_t i = 0; i < nrk; i++) {
        str(b, ws, (lxw_row_t)(3 + i), 0, ro[i], NULL);
        str(b, ws, (lxw_row_t)(3 + i), 1, centre_name(b, ro[i]), b->shrink);
    }
    for (size_t i = 0; i < n; i++)
        num(b, ws, (lxw_row_t)(3 + rpos[ri[i]]), (lxw_col_t)(2 + cpos[ci[i]]),
            s3_table_num(t, idx[i], cv), s->percent ? b->pct : b->num2);
    if (s->single_hue) {
        lxw_conditional_format scale = {
            .type = LXW_CONDITIONAL_2_COLOR_SCALE,
            .min_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
            .min_value = s->lo,
            .min_color = 0xFFFFFF,
            .max_rule_type = LXW_CONDITIONAL_RULE_TYPE_NUMBER,
            .max_value = s->hi,
            .max_color = 0x5B9BD5};
        keep(b,
             worksheet_conditional_format_range(ws, 3, 2, (lxw_row_t)(2 + nrk),
                                                (lxw_col_t)(1 + nck), &scale));
    } else
        color_scale(b, ws, 3, 2, (lxw_row_t)(2 + nrk), (lxw_col_t)(1 + nck),
                    s->lo, s->mid, s->hi);
    keep(b, worksheet_set_row(ws, 2, 45, NULL));
    freeze(b, ws, 3, 2);
    column(b, ws, 0, 0, 10, NULL);
    column(b, ws, 1, 1, 36, NULL);
    column(b, ws, 2, (lxw_col_t)(1 + nck), square ? 10 : 14, NULL);
done:
    s3i_map_free(&rmap);
    s3i_map_free(&cmap);
    free(idx), free(ri), free(ci), free(rpos), free(cpos);
    free(rk), free(ck), free(ro), free(co);
}

/* A long table's selected rows as a sheet (partners, clusters, the local
 * economy, scenario deltas). */
static void
draw_rows(book *b, const sheet_spec *s)
{
    const s3_table *t = s3_result_table(b->res, s->table);
    if (!t || s3_table_rows(t) == 0)
        return;
    char buf[2][80];
    const char *vals[2];
    for (size_t k = 0; k < s->nsel; k++)
        vals[k] = resolve(b, s->sel_val[k], buf[k], sizeof buf[k]);
    size_t *idx = malloc((s3_table_rows(t) + 1) * sizeof(size_t));
    if (!idx) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    size_t n = s3i_xlsx_select(t, s->sel_col, vals, s->nsel, idx);
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (ws) {
        sheet_title(b, ws, s->title);
        s3i_xlsx_rows(b, ws, 2, t, idx, n, s->show, s->head, s->ncols);
        freeze(b, ws, 3, 0);
        for (size_t c = 0; c < s->ncols; c++)
            column(b, ws, (lxw_col_t)c, (lxw_col_t)c,
                   strstr(s->show[c], "name") ? 36 : 16, NULL);
    }
    free(idx);
}

/* The Method sheet's column widths: measure, table, definition, formula,
 * source. */
static const double METHOD_W[5] = {18, 15, 48, 34, 25};

/* The input files on the Method sheet, two rows each so that the page
 * holds them: file, path, rows read and bytes, then the SHA-256 below
 * (csv/inputs.csv has them in one row). */
static void
put_inputs(book *b, lxw_worksheet *ws, lxw_row_t r, const s3_table *t)
{
    if (!t)
        return;
    static const char *const head[] = {"path", "rows read", "bytes"};
    keep(b, worksheet_merge_range(ws, r, 0, r, 1, "file", b->head));
    for (lxw_col_t c = 0; c < 3; c++)
        str(b, ws, r, c + 2, head[c], b->head);
    size_t file = col(t, "file"), path = col(t, "path"),
           rows = col(t, "rows_read"), bytes = col(t, "bytes"),
           sha = col(t, "sha256");
    for (size_t i = 0; i < s3_table_rows(t); i++) {
        r++;
        keep(b, worksheet_merge_range(ws, r, 0, r, 1, s3_table_text(t, i, file),
                                      b->top));
        const char *p = s3_table_text(t, i, path);
        str(b, ws, r, 2, p,
            longest_word(p) > 1.1 * METHOD_W[2] ? b->shrink : b->wrap);
        num(b, ws, r, 3, s3_table_num(t, i, rows), b->integer);
        num(b, ws, r, 4, s3_table_num(t, i, bytes), b->integer);
        r++;
        keep(b, worksheet_merge_range(ws, r, 0, r, 1, "SHA-256", b->note));
        keep(b, worksheet_merge_range(ws, r, 2, r, 4, s3_table_text(t, i, sha),
                                      b->top));
    }
}

static void
draw_method(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws)
        return;
    sheet_title(b, ws, "Method");
    str(b, ws, 1, 0, "Engine: s3engine " S3_VERSION, NULL);
    lxw_row_t r = 3;
    static const char *const head[] = {"measure", "table", "definition",
                                       "formula", "source"};
    for (lxw_col_t c = 0; c < 5; c++)
        str(b, ws, r, c, head[c], b->head);
    for (size_t i = 0; i < s3_measures_count(); i++) {
        const s3_measure_info *m = s3_measure_at(i);
        r++;
        str(b, ws, r, 0, m->name, b->top);
        str(b, ws, r, 1, m->table, b->top);
        str(b, ws, r, 2, m->definition, b->wrap);
        str(b, ws, r, 3, m->formula, b->wrap);
        str(b, ws, r, 4, m->source, b->wrap);
        const char *texts[] = {m->definition, m->formula, m->source};
        keep(b, worksheet_set_row(ws, r, wrapped_height(texts, METHOD_W + 2, 3),
                                  NULL));
    }
    r += 2;
    str(b, ws, r++, 0, "Parameters", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "parameters"), 0, METHOD_W,
                  5) +
        1;
    str(b, ws, r++, 0, "Score indicators, S3 domains and scenarios", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "definitions"), 0, METHOD_W,
                  5) +
        1;
    para(b, ws, r++,
         "Rules: a value that cannot be defined (a unit or class with total 0) "
         "is an empty cell, never 0; a unit is scored only with a value for "
         "every indicator of the score (a unit without tenants, or missing "
         "one, has no score, rank, rank band or traffic light: column "
         "not_scored says why), and the others are ranked among themselves; "
         "a Monte Carlo run is reproducible from its seed; text from the "
         "input data is written as text, never as a formula.",
         b->note_wrap);
    r++;
    /* how sure a specialisation is, in words, with the rule that ran */
    const s3_table *pt = s3_result_table(res, "parameters");
    const char *rule = "", *alpha = "", *conf = "", *resample = "", *draws = "";
    for (size_t i = 0; pt && i < s3_table_rows(pt); i++) {
        const char *k = s3_table_text(pt, i, 0), *v = s3_table_text(pt, i, 1);
        if (!strcmp(k, "specialisation.rule"))
            rule = v;
        else if (!strcmp(k, "specialisation.alpha"))
            alpha = v;
        else if (!strcmp(k, "specialisation.confidence"))
            conf = v;
        else if (!strcmp(k, "uncertainty.resample"))
            resample = v;
        else if (!strcmp(k, "uncertainty.draws"))
            draws = v;
    }
    char sure[1400];
    snprintf(sure, sizeof sure,
             "How sure is a specialisation? A centre is small: with 40 "
             "tenants, one firm in a rare sector gives a high RCA that rests "
             "on that one firm. For every centre and sector the engine asks "
             "how likely at least this many tenants (or patents) would be "
             "there by chance, if the centre had the network's mix of "
             "sectors: that chance is the p-value (a binomial test). Because "
             "every centre and sector is tested at once, some small p-values "
             "are chance too; the q-value adjusts for that "
             "(Benjamini-Hochberg): among the cells with a q-value up to %s, "
             "at most that share is expected to be chance. rca_low and "
             "rca_high give the range of RCAs the count is compatible with "
             "(%s confidence; exact Poisson limits). This run uses the rule "
             "'%s': %s",
             alpha, conf, rule,
             !strcmp(rule, "significant")
                 ? "a centre is specialised where its RCA reaches the "
                   "threshold and its q-value is at most alpha, so every "
                   "specialisation, and everything built on them (diversity, "
                   "complexity, opportunities, scores), rests on what the "
                   "data can support."
                 : "every RCA that reaches the threshold counts as a "
                   "specialisation, also where the q-value says it may be "
                   "chance; the notes on the Data quality sheet say how "
                   "many.");
    para(b, ws, r++, sure, b->wrap);
    char again[1400];
    if (!strcmp(resample, "records"))
        snprintf(again, sizeof again,
                 "What if the data had come out a little differently? The "
                 "engine draws each centre's tenants again, %s times: a "
                 "centre of 40 tenants gets 40 of its own tenants picked at "
                 "random, some twice, some not at all, as a second sample "
                 "of the firms such a centre attracts (the bootstrap). Each "
                 "draw is analysed like the real data, from specialisations "
                 "to the score. p_specialised is the share of draws in which "
                 "a sector stays a specialisation; p_ideal the share in "
                 "which an opportunity lands in the ideal quadrant; "
                 "density_low and density_high hold 90 %% of the draws' "
                 "densities. The rank band (rank_p05 to rank_p95) covers 90 "
                 "%% of the draws with the data and the weights varied "
                 "together; rank_p05_weights and rank_p95_weights vary the "
                 "weights only. The Overview lists only specialisations and "
                 "opportunities that hold in at least half of the draws. "
                 "Growth and patents per tenant count every firm, not a "
                 "sample, and are not redrawn.",
                 draws);
    else
        snprintf(again, sizeof again,
                 "The data are not drawn again in this run "
                 "(uncertainty.resample = none): rank bands vary the "
                 "weights only, and p_specialised and p_ideal are empty. Set "
                 "resample = records in the model's [uncertainty] section to "
                 "see how much of each result the data carry.");
    para(b, ws, r++, again, b->wrap);
    /* scenarios on the baseline's goalposts (issue 12, item 5) */
    para(b, ws, r++,
         "Scenarios are scored on the baseline's goalposts: every "
         "indicator is normalised on the baseline's scale (its minimum "
         "and maximum for min-max, its mean and standard deviation for "
         "z-scores, its values for ranks), taken over the baseline's "
         "scored units of the same level, not over the scenario's own "
         "units. So a unit whose indicators did not change keeps its "
         "score exactly, and a rank moves only when something moved. A "
         "scenario value beyond the baseline's range gets a normalised "
         "value below 0 or above 1 (csv/indicators.csv) and keeps it: it "
         "is not clipped, and the score may leave 0-1. Only under the "
         "geometric mean, which needs positive values, is a normalised "
         "value below 0 raised to 0. The bootstrap's draws, of the "
         "baseline and of every scenario, are normalised on the same "
         "goalposts, so that a rank band shows the data varying, not "
         "the scale.",
         b->wrap);
    r++;
    str(b, ws, r++, 0, "Input files", b->title);
    put_inputs(b, ws, r, s3_result_table(res, "inputs"));
    for (lxw_col_t c = 0; c < 5; c++)
        column(b, ws, c, c, METHOD_W[c], NULL);
}

/* The Data quality sheet's column widths (file, rows read, used,
 * rejected, warnings; below: a note's scope and message, a warning's
 * file, line, column, value and message). */
static const double QUALITY_W[5] = {26, 14, 14, 14, 70};

static void
draw_quality(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws)
        return;
    sheet_title(
        b, ws,
        "Data quality: for every file, rows read = rows used + rows rejected");
    lxw_row_t r =
        put_table(b, ws, 2, s3_result_table(res, "quality"), 0, QUALITY_W, 5) +
        1;
    str(b, ws, r++, 0, "Notes", b->title);
    r = put_table(b, ws, r, s3_result_table(res, "notes"), 0, QUALITY_W, 5) + 1;
    str(b, ws, r++, 0, "Warnings (one row each)", b->title);
    put_table(b, ws, r, s3_result_table(res, "warnings"), 1, QUALITY_W, 5);
    for (lxw_col_t c = 0; c < 5; c++)
        column(b, ws, c, c, QUALITY_W[c], NULL);
}

static const char *const partner_show[] = {
    "unit", "name", "kind", "rank", "partner", "partner_name", "value", "tied"};
static const char *const partner_head[] = {
    "Unit",
    "Name",
    "Kind",
    "Rank",
    "Partner",
    "Partner's name",
    "Similarity (cosine) or complementarity (share of the unit's "
    "opportunities the partner is strong in)",
    "Tied (other candidates with the same value; order within a tie: "
    "Jaccard or cosine similarity, then id)"};
static const char *const cluster_show[] = {"unit", "name", "cluster"};
static const char *const cluster_head[] = {"Unit", "Name", "Cluster"};
/* Every sheet, in order. */
static const sheet_spec SHEETS[] = {
    {.draw = s3i_xlsx_contents,
     .about = "This list.",
     .name = "Contents",
     .generic_name = "Contents"},
    {.draw = s3i_xlsx_overview,
     .about = "Key findings, and every unit ranked with its score, rank band, "
              "traffic light and largest specialisations.",
     .name = "Overview",
     .generic_name = "Overview"},
    {.draw = draw_heatmap,
     .about = "Which classes (sectors) each unit is specialised in: the "
              "location quotient (RCA) as a heatmap.",
     .name = "RCA sectors",
     .generic_name = "RCA",
     .which = 0},
    {.draw = draw_heatmap,
     .about = "Which technology fields each unit's patents are specialised in "
              "(RCA).",
     .name = "RCA technologies",
     .which = 1},
    {.draw = draw_heatmap,
     .about = "The sub-regions' specialisations (RCA).",
     .name = "RCA sub-regions",
     .which = 2},
    {.draw = s3i_xlsx_opportunities,
     .about = "Each unit's best next classes: close to what it does and "
              "complex, with a chart by quadrant.",
     .name = "Opportunities sectors",
     .generic_name = "Opportunities",
     .which = 0},
    {.draw = s3i_xlsx_opportunities,
     .about =
         "Each unit's best next technology fields, with a chart by quadrant.",
     .name = "Opportunities technologies",
     .which = 1},
    {.draw = s3i_xlsx_scores,
     .about = "The development-potential score and its rank band, per level, "
              "with charts.",
     .name = "Scores",
     .generic_name = "Scores"},
    {.draw = s3i_xlsx_profiles,
     .about = "What drives each score: every indicator raw, normalised and its "
              "contribution.",
     .name = "Profiles",
     .generic_name = "Profiles"},
    {.draw = draw_pivot,
     .about = "The probability that one unit ranks above another.",
     .name = "Outranking",
     .generic_name = "Outranking",
     .title = "Probability that the unit in the row ranks above the unit in "
              "the column (Monte Carlo over the weights)",
     .table = "outranking",
     .sel_col = {"scenario", "level"},
     .sel_val = {"baseline", "$level"},
     .nsel = 2,
     .rowc = "unit_a",
     .colc = "unit_b",
     .value = "probability_a_above_b",
     .lo = 0.0,
     .mid = 0.5,
     .hi = 1.0,
     .percent = 1,
     .square = 1},
    {.draw = draw_pivot,
     .about = "How similar the units' mixes of activity are (cosine).",
     .name = "Overlaps",
     .generic_name = "Overlaps",
     .title = "Similarity of the units' profiles (cosine of their shares, "
              "0-1): candidates for cooperation",
     .table = "similarity",
     .sel_col = {"level", "matrix"},
     .sel_val = {"$level", "$headline"},
     .nsel = 2,
     .rowc = "unit_a",
     .colc = "unit_b",
     .value = "cosine",
     .lo = 0.0,
     .mid = 0.5,
     .hi = 1.0,
     .single_hue = 1,
     .square = 1},
    {.draw = draw_rows,
     .about = "Each unit's most similar and most complementary partners.",
     .name = "Partners",
     .generic_name = "Partners",
     .title = "Partners: the most similar and the most complementary",
     .table = "partners",
     .sel_col = {"level", "matrix"},
     .sel_val = {"$level", "$headline"},
     .nsel = 2,
     .show = partner_show,
     .head = partner_head,
     .ncols = 8},
    {.draw = draw_rows,
     .about = "Groups of units with similar mixes.",
     .name = "Clusters",
     .generic_name = "Clusters",
     .title = "Groups of similar units (average linkage on 1 - cosine, cut "
              "at the model's cluster_cut)",
     .table = "clusters",
     .sel_col = {"level", "matrix"},
     .sel_val = {"$level", "$headline"},
     .nsel = 2,
     .show = cluster_show,
     .head = cluster_head,
     .ncols = 3},
    {.draw = s3i_xlsx_learning,
     .about = "The regions elsewhere most like each home region, and what they "
              "hold.",
     .name = "Learning partners",
     .generic_name = "Learning partners",
     .title = "Learning partners: whom each home unit can learn from"},
    {.draw = draw_pivot,
     .about = "Each unit's share in the S3 domains of the strategy.",
     .name = "Domains",
     .generic_name = "Domains",
     .title = "Share of each unit's activity in the S3 domains of the model "
              "(domain RCA in csv/domains.csv)",
     .table = "domains",
     .sel_col = {"level", "matrix"},
     .sel_val = {"$level", "$headline"},
     .nsel = 2,
     .rowc = "unit",
     .colc = "domain",
     .value = "share",
     .lo = 0.0,
     .mid = 0.15,
     .hi = 0.6,
     .single_hue = 1,
     .percent = 1},
    {.draw = s3i_xlsx_districts,
     .about = "The sub-regions compared on one printable page, with charts.",
     .name = "Districts"},
    {.draw = s3i_xlsx_map,
     .about = "The centres at their positions, one colour per district "
              "(schematic: no outlines).",
     .name = "Map"},
    {.draw = s3i_xlsx_scenarios,
     .about = "What-if scenarios: ranks, scores and specialisations against "
              "the baseline.",
     .name = "Scenarios",
     .generic_name = "Scenarios"},
    {.draw = draw_method,
     .about =
         "How every number is computed, the parameters and the input files.",
     .name = "Method",
     .generic_name = "Method"},
    {.draw = draw_quality,
     .about = "What was read, used or rejected in the input data, and every "
              "warning.",
     .name = "Data quality",
     .generic_name = "Data quality"},
};

/* The workbook's formats. */
static void
formats(book *b)
{
    b->title = workbook_add_format(b->wb);
    format_set_bold(b->title);
    format_set_font_size(b->title, 14);
    b->head = workbook_add_format(b->wb);
    format_set_bold(b->head);
    format_set_bg_color(b->head, 0xDDEBF7);
    format_set_text_wrap(b->head);
    format_set_align(b->head, LXW_ALIGN_VERTICAL_TOP);
    b->wrap = workbook_add_format(b->wb);
    format_set_text_wrap(b->wrap);
    format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
    b->num2 = workbook_add_format(b->wb);
    format_set_num_format(b->num2, "0.00");
    b->num3 = workbook_add_format(b->wb);
    format_set_num_format(b->num3, "0.000");
    b->integer = workbook_add_format(b->wb);
    format_set_num_format(b->integer, "0");
    b->shrink = workbook_add_format(b->wb);
    format_set_shrink(b->shrink);
    format_set_align(b->shrink, LXW_ALIGN_VERTICAL_TOP);
    b->title_wrap = workbook_add_format(b->wb);
    format_set_bold(b->title_wrap);
    format_set_font_size(b->title_wrap, 14);
    format_set_text_wrap(b->title_wrap);
    format_set_align(b->title_wrap, LXW_ALIGN_VERTICAL_TOP);
    b->pct = workbook_add_format(b->wb);
    format_set_num_format(b->pct, "0 %");
    b->top = workbook_add_format(b->wb);
    lxw_format *all_top[] = {b->num2, b->num3, b->integer, b->pct, b->top};
    for (size_t i = 0; i < 5; i++)
        format_set_align(all_top[i], LXW_ALIGN_VERTICAL_TOP);
    b->banner = workbook_add_format(b->wb);
    format_set_bold(b->banner);
    format_set_font_size(b->banner, 14);
    format_set_font_color(b->banner, 0xC00000);
    b->note = workbook_add_format(b->wb);
    format_set_italic(b->note);
    b->note_wrap = workbook_add_format(b->wb);
    format_set_italic(b->note_wrap);
    format_set_text_wrap(b->note_wrap);
    format_set_align(b->note_wrap, LXW_ALIGN_VERTICAL_TOP);
    b->weak = workbook_add_format(b->wb);
    format_set_num_format(b->weak, "0.00");
    format_set_italic(b->weak);
    format_set_font_color(b->weak, 0x808080);
    static const lxw_color_t lights[4] = {0xC6EFCE, 0xFFEB9C, 0xFFC7CE,
                                          0xD9D9D9};
    for (int i = 0; i < 4; i++) {
        b->light[i] = workbook_add_format(b->wb);
        format_set_bg_color(b->light[i], lights[i]);
        format_set_align(b->light[i], LXW_ALIGN_VERTICAL_TOP);
    }
}

/* The sheet just drawn, finished for print once its columns are set:
 * the print area is the cells written (LibreOffice would otherwise widen
 * it to text running over the last column, and shrink the page to fit);
 * a sheet up to PRINT_FIT_MAX units wide is fitted to the page's width,
 * a wider one printed at PRINT_WIDE_SCALE % over several pages; and the
 * title (with the synthetic-data banner) wraps within the first page's
 * columns instead of running off the page. */
void
s3i_finish_sheet(book *b)
{
    lxw_worksheet *ws = b->cur;
    if (!ws)
        return;
    b->cur = NULL;
    lxw_row_t r1 = b->print_r1 ? b->print_r1 : ws->dim_rowmax;
    lxw_col_t c1 = b->print_c1 ? b->print_c1 : ws->dim_colmax;
    double width = sheet_width(b, c1);
    keep(b, worksheet_print_area(ws, 0, 0, r1, c1));
    double page = width;
    if (b->one_page) {
        worksheet_fit_to_pages(ws, 1, 1);
    } else if (width <= PRINT_FIT_MAX) {
        worksheet_fit_to_pages(ws, 1, 0);
    } else {
        worksheet_set_print_scale(ws, PRINT_WIDE_SCALE);
        page = PRINT_PAGE_WIDTH * 100.0 / PRINT_WIDE_SCALE;
    }
    /* titles and paragraphs wrap over the columns of the first page */
    lxw_col_t last = 0;
    double span = column_width(b, 0);
    while (last < c1 && span + column_width(b, last + 1) <= page) {
        last++;
        span += column_width(b, last);
    }
    for (size_t i = 0; i < b->nparas; i++) {
        const struct para *p = &b->paras[i];
        if (last > 0)
            keep(b, worksheet_merge_range(ws, p->row, 0, p->row, last, p->text,
                                          p->format));
        const char *texts[] = {p->text};
        keep(b, worksheet_set_row(ws, p->row, wrapped_height(texts, &span, 1),
                                  NULL));
        free(p->text);
    }
    b->nparas = 0;
    if (!b->cur_title[0])
        return;
    const char *banner = b->res->synthetic;
    char text[1700];
    snprintf(text, sizeof text, "%s%s%s", banner ? banner : "",
             banner ? " | " : "", b->cur_title);
    const char *texts[] = {text};
    if (last > 0)
        keep(b, worksheet_merge_range(ws, 0, 0, 0, last, "", b->title_wrap));
    if (banner) {
        char btext[600], sep[] = " | ", ttext[1024];
        snprintf(btext, sizeof btext, "%s", banner);
        snprintf(ttext, sizeof ttext, "%s", b->cur_title);
        lxw_rich_string_tuple parts[] = {{.format = b->banner, .string = btext},
                                         {.format = b->title, .string = sep},
                                         {.format = b->title, .string = ttext}};
        lxw_rich_string_tuple *list[] = {&parts[0], &parts[1], &parts[2], NULL};
        keep(b, worksheet_write_rich_string(ws, 0, 0, list, b->title_wrap));
    } else {
        str(b, ws, 0, 0, b->cur_title, b->title_wrap);
    }
    /* 14-pt bold text: fewer characters per line, 17-pt lines */
    double span14 = span * 11.0 / 14.0 / 1.1; /* bold is wider */
    keep(b, worksheet_set_row(
                ws, 0, wrapped_height(texts, &span14, 1) * 19.0 / 15.0, NULL));
}

s3_status
s3i_write_xlsx(s3_ctx *ctx, const s3_result *res, const char *path)
{
    book b = {.res = res};
    b.wb = workbook_new(path);
    if (!b.wb)
        return s3i_fail(ctx, S3_EIO, "%s: cannot create the workbook", path);
    formats(&b);
    char title[600];
    const s3_table *pt = s3_result_table(res, "parameters");
    const char *cutoff = "";
    for (size_t r = 0; pt && r < s3_table_rows(pt); r++)
        if (!strcmp(s3_table_text(pt, r, 0), "data.cutoff"))
            cutoff = s3_table_text(pt, r, 1);
    snprintf(title, sizeof title, "%s%s%s: smart-specialisation briefing%s%s",
             res->synthetic ? res->synthetic : "", res->synthetic ? " | " : "",
             s3i_xlsx_title(res), *cutoff ? ", data as of " : "", cutoff);
    lxw_doc_properties props = {
        .title = title,
        .subject = "Smart-specialisation analysis: specialisation, "
                   "relatedness, complexity, development potential",
        .author = "s3engine " S3_VERSION,
        .created = 946684800 /* 2000-01-01: fixed, for identical reruns */};
    keep(&b, workbook_set_properties(b.wb, &props));
    b.centres = s3_result_table(res, "centres");
    for (size_t r = 0; b.centres && r < s3_table_rows(b.centres); r++) {
        const char *id = s3_table_text(b.centres, r, 0);
        if (id && s3i_map_put(&b.centre_row, id, strlen(id), r) == S3I_NONE)
            keep(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    int generic = !b.centres || s3_table_rows(b.centres) == 0;
    b.level = generic ? "unit" : "centre";
    for (size_t i = 0; i < sizeof SHEETS / sizeof SHEETS[0] && !b.err; i++)
        if (!generic || SHEETS[i].generic_name)
            SHEETS[i].draw(&b, &SHEETS[i]);
    s3i_finish_sheet(&b);
    s3i_xlsx_contents_links(&b, SHEETS, sizeof SHEETS / sizeof SHEETS[0]);
    free(b.colw);
    free(b.paras);
    lxw_error e = workbook_close(b.wb);
    s3i_map_free(&b.centre_row);
    if (b.err == LXW_ERROR_MEMORY_MALLOC_FAILED)
        return s3i_fail(ctx, S3_ENOMEM, "%s: out of memory for the workbook",
                        path);
    if (b.err != LXW_NO_ERROR || e != LXW_NO_ERROR)
        return s3i_fail(ctx, S3_EIO, "%s: cannot write the workbook: %s", path,
                        lxw_strerror(b.err != LXW_NO_ERROR ? b.err : e));
    return S3_OK;
}
