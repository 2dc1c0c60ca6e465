/*
 * xlsx_overview.c — the workbook's first sheet, the Overview, from the
 * briefing stage's table (stages/briefing.c), in the order the stage gave.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

void
s3i_xlsx_overview(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    const s3_table *ov = s3_result_table(res, "overview");
    const char *matrix = res->headline_matrix;
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws || !ov)
        return;
    char title[400];
    /* the data date (the model's cut-off) and the scenario shown */
    const s3_table *pt = s3_result_table(res, "parameters");
    const char *cutoff = "", *rule = "", *alpha = "", *resample = "";
    for (size_t r = 0; pt && r < s3_table_rows(pt); r++) {
        const char *k = s3_table_text(pt, r, 0), *v = s3_table_text(pt, r, 1);
        if (!strcmp(k, "data.cutoff"))
            cutoff = v;
        else if (!strcmp(k, "specialisation.rule"))
            rule = v;
        else if (!strcmp(k, "specialisation.alpha"))
            alpha = v;
        else if (!strcmp(k, "uncertainty.resample"))
            resample = v;
    }
    int boot = !strcmp(resample, "records");
    char holds[600] = "";
    if (!strcmp(rule, "significant"))
        snprintf(holds, sizeof holds,
                 ", and only where the count is too high to be chance "
                 "(q-value at most %s: Method sheet, 'How sure is a "
                 "specialisation?')",
                 alpha);
    if (boot)
        snprintf(holds + strlen(holds), sizeof holds - strlen(holds),
                 ". Only what holds when the data are drawn again is listed: "
                 "specialisations that hold, and opportunities that are ideal, "
                 "in at least half of the draws, each with its share of "
                 "draws");
    snprintf(title, sizeof title,
             "Smart-specialisation briefing: %s. Data as of %s. Scenario: "
             "baseline (the others: Scenarios sheet)",
             res->model_name, *cutoff ? cutoff : "all rows (no cut-off date)");
    sheet_title(b, ws, title);
    char sub[2000];
    snprintf(sub, sizeof sub,
             "%s A unit is specialised in a class where its location "
             "quotient (RCA, %s matrix) is at least %g%s; the largest "
             "specialisations are measured against %s. Traffic light: green "
             "= top third, yellow = middle third, red = bottom third of the "
             "ranking, grey = its rank band crosses a third (not "
             "distinguishable). An empty cell has no value (Data quality "
             "sheet). Definitions: Method sheet.",
             res->scored && boot
                 ? "Units ranked by their development-potential score (Scores "
                   "sheet), with the 5-95 % band of the rank when the data "
                   "(each centre's tenants drawn again) and the weights vary."
             : res->scored
                 ? "Units ranked by their development-potential score (Scores "
                   "sheet), with the 5-95 % band of the rank when the weights "
                   "vary."
                 : "Units ranked by specialisation strength (Krugman "
                   "dissimilarity from the network's profile, 0-2).",
             matrix, res->threshold, holds,
             res->reference_baseline
                 ? "the regional economy (baseline sector aggregates)"
                 : "the network");
    keep(b, worksheet_merge_range(ws, 1, 0, 1, 12, sub, b->wrap));
    keep(b, worksheet_set_row(ws, 1, 48, NULL));
    keep(b, worksheet_set_row(ws, 3, 45, NULL));
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
        str(b, ws, r0, c, head[c], b->head);
    size_t n = s3_table_rows(ov), unranked = 0;
    static const char *const lights[] = {"green", "yellow", "red"};
    /* the units without a score, named with their reason below the table */
    char none[2000] = "";
    size_t nlen = 0;
    for (size_t i = 0; i < n; i++) {
        lxw_row_t row = (lxw_row_t)(r0 + 1 + i);
        double v[6];
        static const char *const nums[] = {"position",  "total", "krugman",
                                           "diversity", "eci",   "score"};
        for (int k = 0; k < 6; k++)
            v[k] = s3_table_num(ov, i, col(ov, nums[k]));
        /* four lines for the wrapped specialisations and opportunities */
        keep(b, worksheet_set_row(ws, row, 54, NULL));
        const char *why = s3_table_text(ov, i, col(ov, "not_scored"));
        if (res->scored && *why) {
            str(b, ws, row, 0, "\u2013", b->top);
            str(b, ws, row, 5, "not ranked", b->top);
            if (nlen < sizeof none)
                nlen += (size_t)snprintf(none + nlen, sizeof none - nlen,
                                         "%s%s (%s)", unranked ? "; " : "",
                                         s3_table_text(ov, i, col(ov, "unit")),
                                         why);
            unranked++;
        } else {
            num(b, ws, row, 0, v[0], b->integer);
        }
        str(b, ws, row, 1, s3_table_text(ov, i, col(ov, "unit")), b->top);
        str(b, ws, row, 2, s3_table_text(ov, i, col(ov, "unit_name")), b->wrap);
        str(b, ws, row, 3, s3_table_text(ov, i, col(ov, "subregion")), b->top);
        num(b, ws, row, 10, v[1], b->num2);
        num(b, ws, row, 8, v[2], b->num3);
        num(b, ws, row, 9, v[3], b->integer);
        str(b, ws, row, 11,
            s3_table_text(ov, i, col(ov, "largest_specialisations")), b->wrap);
        num(b, ws, row, 7, v[4], b->num2);
        str(b, ws, row, 12, s3_table_text(ov, i, col(ov, "best_opportunities")),
            b->wrap);
        if (res->scored && !*why) {
            const char *light = s3_table_text(ov, i, col(ov, "traffic_light"));
            size_t f = 3;
            for (size_t k = 0; k < 3; k++)
                if (!strcmp(light, lights[k]))
                    f = k;
            num(b, ws, row, 4, v[5], b->num3);
            str(b, ws, row, 5, s3_table_text(ov, i, col(ov, "rank_band")),
                b->top);
            str(b, ws, row, 6, light, b->light[f]);
        }
    }
    if (unranked) {
        char line[2200];
        snprintf(line, sizeof line,
                 "Not ranked (no score: a unit is scored only with a value "
                 "for every indicator of the score): %s.",
                 none);
        para(b, ws, (lxw_row_t)(r0 + n + 1), line, b->note_wrap);
    }
    if (n > 0 && res->scored) {
        /* the rank bands of the Scores sheet's first block (its data starts
         * on row SCORES_FIRST), as floating bars */
        lxw_row_t first = SCORES_FIRST,
                  last = (lxw_row_t)(SCORES_FIRST + n - 1);
        lxw_chart *cb = new_chart(b, LXW_CHART_BAR_STACKED);
        lxw_chart_series *s0 = cb ? series(b, cb, "Scores", first, last, 2, 10)
                                  : NULL,
                         *s1 = s0 ? series(b, cb, "Scores", first, last, 2, 11)
                                  : NULL;
        if (s1) {
            lxw_chart_fill none = {.none = LXW_TRUE};
            chart_series_set_fill(s0, &none);
            chart_title_set_name(cb, "Rank of the development-potential "
                                     "score: 5-95 % band (1 = best)");
            chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
            chart_axis_set_reverse(cb->y_axis);
            lxw_chart_options big = {.x_scale = 1.6, .y_scale = 2.2};
            keep(b, worksheet_insert_chart_opt(ws, (lxw_row_t)(r0 + n + 2), 2,
                                               cb, &big));
        }
    }
    if (n > 0) {
        keep(b, worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + n), 12));
        data_bar(b, ws, r0 + 1, 4, (lxw_row_t)(r0 + n));
    }
    freeze(b, ws, r0 + 1, 3);
    column(b, ws, 0, 0, 6, NULL);
    column(b, ws, 1, 1, 8, NULL);
    column(b, ws, 2, 2, 34, b->wrap);
    column(b, ws, 3, 3, 16, NULL);
    column(b, ws, 4, 10, 12, NULL);
    column(b, ws, 11, 12, 60, NULL);
}
