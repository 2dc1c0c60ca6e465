/*
 * xlsx_briefing.c — the workbook's sheets of the briefing stage's tables
 * (stages/briefing.c): the Overview, the opportunities and the Scores.
 * They render rows in the order the stage gave them, with their charts.
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
        str(b, ws, (lxw_row_t)(r0 + n + 1), 0, line, b->note);
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
    page_setup(ws);
}

/* The ranked opportunities of every unit (the briefing's best ten each),
 * and density against complexity as a scatter chart with the guides. */
void
s3i_xlsx_opportunities(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    const s3i_guides *g = &res->guides[s->which];
    const s3_table *op = s3_result_table(res, "opportunities");
    const char *level = b->level,
               *matrix = s->which ? "patents" : res->headline_matrix;
    const char *sheet = sheet_name(b, s);
    if (g->n == 0 || !op)
        return;
    lxw_worksheet *ws = new_sheet(b, sheet);
    if (!ws)
        return;
    char title[300];
    snprintf(title, sizeof title,
             "Development opportunities by %s (%s): the classes a unit is not "
             "yet specialised in, closest to what it does first",
             level, matrix);
    sheet_title(b, ws, title);
    keep(b,
         worksheet_merge_range(
             ws, 1, 0, 1, 9,
             "Relatedness density: how much of what surrounds the class the "
             "unit already does (0-1). PCI: how complex the class is (mean 0, "
             "sd 1). COG: how much the move would raise the unit's "
             "complexity outlook. Quadrant: relatedness is high where the "
             "density is above 0 and reaches the split over every opportunity "
             "in the "
             "network (the model's split: median, mean or percentile; the "
             "chart's vertical line), complexity is high where the PCI is "
             "above 0, the average class (the horizontal line); the same "
             "rule in the chart, this sheet and csv/potentials.csv, which "
             "lists all opportunities.",
             b->wrap));
    keep(b, worksheet_set_row(ws, 1, 48, NULL));
    static const char *const head[] = {
        "Unit",    "Name", "Rank", "Class",    "Label",
        "Density", "PCI",  "COG",  "Quadrant", "Ideal in share of draws"};
    lxw_row_t r0 = 3, row = r0;
    for (lxw_col_t c = 0; c < 10; c++)
        str(b, ws, r0, c, head[c], b->head);
    for (size_t i = 0; i < s3_table_rows(op); i++) {
        if (!is(op, i, level, matrix))
            continue;
        row++;
        str(b, ws, row, 0, s3_table_text(op, i, col(op, "unit")), NULL);
        str(b, ws, row, 1, s3_table_text(op, i, col(op, "unit_name")), NULL);
        num(b, ws, row, 2, s3_table_num(op, i, col(op, "rank")), b->integer);
        str(b, ws, row, 3, s3_table_text(op, i, col(op, "class")), NULL);
        str(b, ws, row, 4, s3_table_text(op, i, col(op, "class_label")), NULL);
        num(b, ws, row, 5, s3_table_num(op, i, col(op, "density")), b->num3);
        num(b, ws, row, 6, s3_table_num(op, i, col(op, "pci")), b->num3);
        num(b, ws, row, 7, s3_table_num(op, i, col(op, "cog")), b->num3);
        str(b, ws, row, 8, s3_table_text(op, i, col(op, "quadrant")), NULL);
        num(b, ws, row, 9, s3_table_num(op, i, col(op, "p_ideal")), b->num2);
    }
    if (row > r0) {
        keep(b, worksheet_autofilter(ws, r0, 0, row, 9));
        data_bar(b, ws, r0 + 1, 5, row);
        /* the guides, in helper cells K-L */
        str(b, ws, r0, 10, "quadrant lines: x", b->head);
        str(b, ws, r0, 11, "y", b->head);
        for (size_t i = 0; i < g->n; i++) {
            num(b, ws, r0 + 1 + (lxw_row_t)i, 10, g->pt[i][0], b->num3);
            num(b, ws, r0 + 1 + (lxw_row_t)i, 11, g->pt[i][1], b->num3);
        }
        lxw_chart *ch = new_chart(b, LXW_CHART_SCATTER);
        lxw_chart_series *se =
            ch ? series(b, ch, sheet, r0 + 1, row, 5, 6) : NULL;
        if (!se)
            return;
        chart_series_set_name(se, "opportunities");
        for (int l = 0; l < 2; l++) {
            lxw_chart_series *sl =
                series(b, ch, sheet, r0 + 1 + 2 * l, r0 + 2 + 2 * l, 10, 11);
            if (!sl)
                return;
            chart_series_set_name(sl, l ? "complexity split (PCI 0)"
                                        : "relatedness split (density)");
            lxw_chart_line line = {.color = 0x808080, .width = 1.25};
            chart_series_set_line(sl, &line);
            chart_series_set_marker_type(sl, LXW_CHART_MARKER_NONE);
        }
        chart_title_set_name(ch, "Opportunities: relatedness density "
                                 "(x) against complexity (y)");
        chart_axis_set_name(ch->x_axis, "relatedness density");
        chart_axis_set_name(ch->y_axis, "PCI");
        lxw_chart_options big = {.x_scale = 1.6, .y_scale = 1.8};
        keep(b, worksheet_insert_chart_opt(ws, r0 + 6, 10, ch, &big));
    }
    freeze(b, ws, r0 + 1, 2);
    column(b, ws, 0, 0, 10, NULL);
    column(b, ws, 1, 1, 36, NULL);
    column(b, ws, 2, 3, 7, NULL);
    column(b, ws, 4, 4, 50, NULL);
    column(b, ws, 5, 7, 10, NULL);
    column(b, ws, 8, 8, 52, NULL);
    column(b, ws, 9, 9, 12, NULL);
    column(b, ws, 10, 11, 16, NULL);
    page_setup(ws);
}

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
    keep(b, worksheet_merge_range(ws, 1, 0, 1, 8, text, b->wrap));
    keep(b, worksheet_set_row(ws, 1, 60, NULL));
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
        /* a bar chart of the scores, in rank order, and one of the rank
         * bands as floating bars: an invisible bar up to the 5 % rank,
         * then a visible one to the 95 % rank (helper columns K and L) */
        lxw_row_t last = (lxw_row_t)(first + n - 1);
        str(b, ws, first - 1, 10, "band start", b->head);
        str(b, ws, first - 1, 11, "band length", b->head);
        for (size_t i = 0; i < n; i++) {
            num(b, ws, (lxw_row_t)(first + i), 10,
                s3_table_num(rk, idx[i], col(rk, "band_start")), b->num2);
            num(b, ws, (lxw_row_t)(first + i), 11,
                s3_table_num(rk, idx[i], col(rk, "band_length")), b->num2);
        }
        lxw_chart *ch = new_chart(b, LXW_CHART_BAR);
        if (!ch || !series(b, ch, "Scores", first, last, 1, 3))
            break;
        chart_title_set_name(ch, "Score");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(ch->y_axis);
        keep(b, worksheet_insert_chart(ws, first - 1, 13, ch));
        lxw_chart *cb = new_chart(b, LXW_CHART_BAR_STACKED);
        lxw_chart_series *s0 =
            cb ? series(b, cb, "Scores", first, last, 1, 10) : NULL;
        if (!s0 || !series(b, cb, "Scores", first, last, 1, 11))
            break;
        lxw_chart_fill none = {.none = LXW_TRUE};
        chart_series_set_fill(s0, &none);
        chart_title_set_name(cb, "Rank band, 5-95 % (1 = best)");
        chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
        chart_axis_set_reverse(cb->y_axis);
        keep(b, worksheet_insert_chart(ws, first + 15, 13, cb));
    }
    column(b, ws, 0, 0, 7, NULL);
    column(b, ws, 1, 1, 18, NULL);
    column(b, ws, 2, 2, 40, NULL);
    column(b, ws, 3, 6, 12, NULL);
    column(b, ws, 7, 7, 30, NULL);
    page_setup(ws);
    free(idx);
}
