/*
 * xlsx_learning.c — the "Learning partners" sheet: per home unit of the
 * model's [learning] section its block, the most alike partners on the
 * left and the compare units beside them on the right, as the learning
 * stage (stages/learning.c) ordered and described them in the table
 * `learning`.  Nothing is computed here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* The columns of one list, and where the compare list starts. */
enum { NSHOW = 10, COMPARE_COL = 11 };

static const char *const show[NSHOW] = {
    "position", "partner", "partner_name",    "rank",  "cosine",
    "krugman",  "related", "outcome_partner", "ahead", "move_into_labels"};
static const char *const head[NSHOW] = {
    "#",
    "Partner",
    "Name",
    "Combined rank",
    "Cosine",
    "Krugman distance",
    "Related similarity",
    "Outcome",
    "Ahead",
    "What it has that the home unit could move into"};

/* One list (kind "top" or "compare") of the rows idx[0..n) of home unit
 * `unit`, from row r0 at column c0; returns the next free row. */
static lxw_row_t
list(book *b, lxw_worksheet *ws, const s3_table *t, const size_t *idx, size_t n,
     const char *unit, const char *kind, lxw_row_t r0, lxw_col_t c0)
{
    for (size_t c = 0; c < NSHOW; c++)
        str(b, ws, r0, (lxw_col_t)(c0 + c), head[c], b->head);
    keep(b, worksheet_set_row(ws, r0, 30, NULL));
    lxw_row_t r = r0 + 1;
    size_t ku = col(t, "unit"), kk = col(t, "kind");
    for (size_t i = 0; i < n; i++) {
        size_t x = idx[i];
        if (strcmp(s3_table_text(t, x, ku), unit) ||
            strcmp(s3_table_text(t, x, kk), kind))
            continue;
        for (size_t c = 0; c < NSHOW; c++) {
            size_t k = col(t, show[c]);
            s3_coltype ty = s3_table_col_type(t, k);
            double v = s3_table_num(t, x, k);
            if (!strcmp(show[c], "ahead"))
                str(b, ws, r, (lxw_col_t)(c0 + c),
                    isnan(v) ? ""
                    : v > 0  ? "yes"
                             : "no",
                    b->top);
            else if (!strcmp(show[c], "outcome_partner"))
                num(b, ws, r, (lxw_col_t)(c0 + c), v, b->top);
            else if (s3_coltype_is_text(ty))
                str(b, ws, r, (lxw_col_t)(c0 + c), s3_table_text(t, x, k),
                    b->top);
            else
                num(b, ws, r, (lxw_col_t)(c0 + c), v,
                    ty == S3_COL_INTEGER ? b->integer : b->num3);
        }
        r++;
    }
    return r;
}

void
s3i_xlsx_learning(book *b, const sheet_spec *s)
{
    const s3_table *t = s3_result_table(b->res, "learning");
    if (!t || s3_table_rows(t) == 0)
        return;
    size_t nr = s3_table_rows(t);
    size_t *idx = malloc((nr + 1) * sizeof(size_t));
    if (!idx) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws) {
        free(idx);
        return;
    }
    sheet_title(b, ws, s->title);
    keep(b, worksheet_merge_range(
                ws, 1, 0, 1, 8,
                "Partners: the units whose mix of activities is most like "
                "the home unit's, by the mean of three ranks (cosine of the "
                "shares, Krugman distance, similarity weighted by how "
                "related the classes are; csv/learning.csv and "
                "definitions.csv say how). Right: the units the model "
                "always compares with. The last column lists up to three "
                "classes where the partner is specialised and the home unit "
                "is not, nearest to what the home unit holds first.",
                b->wrap));
    keep(b, worksheet_set_row(ws, 1, 75, NULL));
    for (size_t i = 0; i < nr; i++)
        idx[i] = i;
    size_t ku = col(t, "unit"), kn = col(t, "unit_name"),
           ko = col(t, "outcome_unit");
    lxw_row_t row = 3;
    for (size_t i = 0; i < nr; i++) {
        const char *unit = s3_table_text(t, i, ku);
        if (i > 0 && !strcmp(unit, s3_table_text(t, i - 1, ku)))
            continue; /* a home unit's rows are together */
        char h[400];
        const char *name = s3_table_text(t, i, kn);
        double out = s3_table_num(t, i, ko);
        int len =
            snprintf(h, sizeof h, "%s%s%s", unit, *name ? ": " : "", name);
        if (!isnan(out) && len > 0 && (size_t)len < sizeof h)
            snprintf(h + len, sizeof h - (size_t)len, " (outcome %.4g)", out);
        str(b, ws, row++, 0, h, b->title);
        str(b, ws, row, 0, "Most alike", b->note);
        str(b, ws, row, COMPARE_COL, "Compared with", b->note);
        row++;
        lxw_row_t r1 = list(b, ws, t, idx + i, nr - i, unit, "top", row, 0);
        lxw_row_t r2 =
            list(b, ws, t, idx + i, nr - i, unit, "compare", row, COMPARE_COL);
        row = (r1 > r2 ? r1 : r2) + 1;
    }
    for (lxw_col_t c0 = 0; c0 <= COMPARE_COL; c0 += COMPARE_COL) {
        column(b, ws, c0, c0, 4, NULL);
        column(b, ws, c0 + 1, c0 + 1, 10, NULL);
        column(b, ws, c0 + 2, c0 + 2, 22, NULL);
        column(b, ws, c0 + 3, c0 + 8, 10, NULL);
        column(b, ws, c0 + 9, c0 + 9, 40, NULL);
    }
    column(b, ws, COMPARE_COL - 1, COMPARE_COL - 1, 3, NULL);
    freeze(b, ws, 3, 0);
    free(idx);
}
