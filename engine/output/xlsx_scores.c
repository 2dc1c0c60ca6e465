/*
 * xlsx_scores.c — the Scores sheet: scores and rank bands per level, in
 * the briefing stage's rank order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* Scores with their rank bands, per level, in the briefing's rank order. */
void
s3i_xlsx_scores(book *b, const sheet_spec *s)
{
    const s3_table *rk = s3_result_table(b->res, "ranking");
    (void)s;
    if (!rk || s3_table_rows(rk) == 0)
        return;
    size_t nr = s3_table_rows(rk);
    size_t *idx = malloc((nr + 1) * sizeof(size_t));
    if (!idx) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_worksheet *ws = new_sheet(b, "Scores");
    if (!ws) {
        free(idx);
        return;
    }
    sheet_title(b, ws,
                "Development-potential score: ranks with their uncertainty");
    /* what the band varies: the weights, and the data when resampled */
    const s3_table *pt = s3_result_table(b->res, "parameters");
    int boot = 0;
    for (size_t r = 0; pt && r < s3_table_rows(pt); r++)
        boot |= !strcmp(s3_table_text(pt, r, 0), "uncertainty.resample") &&
                !strcmp(s3_table_text(pt, r, 1), "records");
    char text[600];
    snprintf(text, sizeof text,
             "The score combines the indicators in csv/indicators.csv with "
             "the model's weights (Method sheet). The rank band is the 5-95 "
             "%% range of ranks when %s vary at random (Monte Carlo): where "
             "the bands of two units overlap, the data cannot tell them "
             "apart (see the Outranking sheet for the probability that one "
             "ranks above the other).",
             boot ? "the data (each centre's tenants drawn again) and the "
                    "weights"
                  : "the weights");
    para(b, ws, 1, text, b->wrap);
    enum { HELP = 40, CHART_ROWS = 18 }; /* hidden helper columns */
    lxw_row_t row = 3;
    static const char *const show[] = {"rank",     "unit",        "name",
                                       "score",    "rank_median", "rank_p05",
                                       "rank_p95", "not_scored"};
    static const char *const head[] = {
        "Rank",        "Unit",      "Name",       "Score",
        "Median rank", "Rank, 5 %", "Rank, 95 %", "Not ranked: why (no score)"};
    static const char *const levels[] = {"centre", "subregion", "unit"};
    for (size_t l = 0; l < 3; l++) {
        const char *cols[] = {"level"};
        const char *vals[] = {levels[l]};
        size_t n = s3i_xlsx_select(rk, cols, vals, 1, idx);
        if (n == 0)
            continue;
        char t[96];
        snprintf(t, sizeof t, "By %s", levels[l]);
        str(b, ws, row++, 0, t, b->title);
        lxw_row_t first = row + 1;
        row = s3i_xlsx_rows(b, ws, row, rk, idx, n, show, head, 8) + 1;
        /* below the table, side by side: a bar chart of the scores in
         * rank order, and one of the rank bands as floating bars (an
         * invisible bar up to the 5 % rank, then a visible one to the
         * 95 % rank, from hidden helper columns) */
        lxw_row_t last = (lxw_row_t)(first + n - 1);
        str(b, ws, first - 1, HELP, "band start", b->head);
        str(b, ws, first - 1, HELP + 1, "band length", b->head);
        for (size_t i = 0; i < n; i++) {
            num(b, ws, (lxw_row_t)(first + i), HELP,
                s3_table_num(rk, idx[i], col(rk, "band_start")), b->num2);
            num(b, ws, (lxw_row_t)(first + i), HELP + 1,
                s3_table_num(rk, idx[i], col(rk, "band_length")), b->num2);
        }
        /* 288 pixels a chart, 1.2 times for 35 bars: 18 rows of 20 */
        lxw_chart_options size = {.x_scale = 0.9, .y_scale = 1.2};
        lxw_chart *ch = new_chart(b, LXW_CHART_BAR);
        if (!ch || !series(b, ch, "Scores", first, last, 1, 3))
            break;
        chart_title_set_name(ch, "Score");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(ch->y_axis);
        keep(b, worksheet_insert_chart_opt(ws, row, 0, ch, &size));
        lxw_chart *cb = new_chart(b, LXW_CHART_BAR_STACKED);
        lxw_chart_series *s0 =
            cb ? series(b, cb, "Scores", first, last, 1, HELP) : NULL;
        if (!s0 || !series(b, cb, "Scores", first, last, 1, HELP + 1))
            break;
        lxw_chart_fill none = {.none = LXW_TRUE};
        chart_series_set_fill(s0, &none);
        chart_title_set_name(cb, "Rank band, 5-95 % (1 = best)");
        chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(cb->y_axis);
        chart_show_hidden_data(cb);
        keep(b, worksheet_insert_chart_opt(ws, row, 4, cb, &size));
        row += CHART_ROWS + 1;
        /* the charts' rows are printed (no cell below them is written) */
        str(b, ws, row - 1, 0, "", NULL);
    }
    static const double SCORE_W[8] = {7, 12, 36, 12, 12, 12, 12, 26};
    for (lxw_col_t c = 0; c < 8; c++)
        column(b, ws, c, c, SCORE_W[c], NULL);
    lxw_row_col_options hide = {.hidden = 1};
    keep(b, worksheet_set_column_opt(ws, HELP, HELP + 1, 10, NULL, &hide));
    print_area(b, row, 7, 0);
    free(idx);
}
