/*
 * xlsx_overview.c — the workbook's first sheets: the Contents (one line
 * and a link per sheet) and the Overview: the network's title, the key
 * findings (findings table), the units in the order the briefing stage
 * gave (overview table) and their rank bands as a chart beside them.
 * Everything shown is computed in stages/briefing.c; this file lays it
 * out for a reader who has 30 seconds.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* A parameter's value from parameters.csv, or "". */
static const char *
param(const s3_result *res, const char *name)
{
    const s3_table *pt = s3_result_table(res, "parameters");
    for (size_t r = 0; pt && r < s3_table_rows(pt); r++)
        if (!strcmp(s3_table_text(pt, r, 0), name))
            return s3_table_text(pt, r, 1);
    return "";
}

const char *
s3i_xlsx_title(const s3_result *res)
{
    const char *t = param(res, "model.title");
    return *t ? t : res->model_name;
}

void
s3i_xlsx_contents(book *b, const sheet_spec *s)
{
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws)
        return;
    char title[600];
    snprintf(title, sizeof title, "%s: contents of the briefing",
             s3i_xlsx_title(b->res));
    sheet_title(b, ws, title);
    /* the header now, so that the title wraps over both columns */
    str(b, ws, 2, 0, "Sheet", b->head);
    str(b, ws, 2, 1, "What it shows", b->head);
    column(b, ws, 0, 0, 28, NULL);
    column(b, ws, 1, 1, 100, NULL);
}

/* The Contents' lines, once every sheet is drawn: one per sheet written,
 * in the workbook's order, with an internal link to its cell A1 and what
 * it shows (the sheet table's `about`). */
void
s3i_xlsx_contents_links(book *b, const sheet_spec *sheets, size_t n)
{
    lxw_worksheet *ws = workbook_get_worksheet_by_name(b->wb, "Contents");
    if (!ws)
        return;
    lxw_row_t row = 2; /* the header (s3i_xlsx_contents) */
    for (size_t i = 0; i < n; i++) {
        const char *name = sheet_name(b, &sheets[i]);
        if (!name || !strcmp(name, "Contents") ||
            !workbook_get_worksheet_by_name(b->wb, name))
            continue;
        char url[300];
        snprintf(url, sizeof url, "internal:'%s'!A1", name);
        row++;
        keep(b, worksheet_write_url_opt(ws, row, 0, url, NULL, name, NULL));
        str(b, ws, row, 1, sheets[i].about ? sheets[i].about : "", b->wrap);
    }
    /* the sheet was finished before its lines were written */
    keep(b, worksheet_print_area(ws, 0, 0, row, 1));
}

/* The key findings, numbered, one merged line each; returns the next row. */
static lxw_row_t
findings_block(book *b, lxw_worksheet *ws, lxw_row_t row)
{
    const s3_table *ft = s3_result_table(b->res, "findings");
    size_t n = ft ? s3_table_rows(ft) : 0;
    if (!n)
        return row;
    str(b, ws, row++, 0, "Key findings", b->title);
    for (size_t i = 0; i < n; i++, row++) {
        char line[2600];
        snprintf(line, sizeof line, "%zu. %s", i + 1,
                 s3_table_text(ft, i, col(ft, "text")));
        para(b, ws, row, line, b->wrap);
    }
    return row + 1;
}

void
s3i_xlsx_overview(book *b, const sheet_spec *s)
{
    const s3_result *res = b->res;
    const s3_table *ov = s3_result_table(res, "overview");
    const char *matrix = res->headline_matrix;
    lxw_worksheet *ws = new_sheet(b, s->name);
    if (!ws || !ov)
        return;
    worksheet_activate(ws);
    int generic = !strcmp(b->level, "unit");
    /* plain words on a centres run: centre and sector */
    const char *unit = generic ? "unit" : "centre",
               *Unit = generic ? "Unit" : "Centre",
               *cls = generic ? "class" : "sector";
    char title[600];
    /* the data date (the model's cut-off) and the scenario shown */
    const char *cutoff = param(res, "data.cutoff"),
               *rule = param(res, "specialisation.rule"),
               *alpha = param(res, "specialisation.alpha"),
               *resample = param(res, "uncertainty.resample");
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
             "%s: smart-specialisation briefing. Data as of %s. Scenario: "
             "baseline (the others: Scenarios sheet)",
             s3i_xlsx_title(res),
             *cutoff ? cutoff : "all rows (no cut-off date)");
    sheet_title(b, ws, title);
    lxw_row_t row = findings_block(b, ws, 2);
    char sub[2400];
    snprintf(sub, sizeof sub,
             "%s A %s is specialised in a %s where its location quotient "
             "(RCA, %s matrix) is at least %g%s; the largest specialisations "
             "are measured against %s and listed by RCA, highest first. "
             "Traffic light: green = top third, yellow = middle third, red "
             "= bottom third of the ranking; grey = its rank band crosses a "
             "third, so the data cannot place the %s in one third (most "
             "%ss when the bands are wide); no light and no rank = no score "
             "(a value is missing for an indicator: the line below the "
             "table says which). An empty cell has no value (Data quality "
             "sheet). Definitions: Method sheet.",
             res->scored && boot
                 ? "Ranked by the development-potential score (Scores "
                   "sheet), with the 5-95 % band of the rank when the data "
                   "(each centre's tenants drawn again) and the weights vary."
             : res->scored
                 ? "Ranked by the development-potential score (Scores "
                   "sheet), with the 5-95 % band of the rank when the weights "
                   "vary."
                 : "Ranked by specialisation strength (Krugman "
                   "dissimilarity from the network's profile, 0-2).",
             unit, cls, matrix, res->threshold, holds,
             res->reference_baseline
                 ? "the regional economy (baseline sector aggregates)"
                 : "the network",
             unit, unit);
    para(b, ws, row, sub, b->wrap);
    lxw_row_t r0 = row + 2;
    char total[64], spec[64], largest[96], best[96];
    if (generic)
        snprintf(total, sizeof total, "Total (%s)", matrix);
    else
        snprintf(total, sizeof total, "Total %s", matrix);
    snprintf(spec, sizeof spec, "Specialised %ss (diversity)", cls);
    snprintf(largest, sizeof largest,
             "Largest specialisations (highest RCA first)");
    snprintf(best, sizeof best,
             "Best opportunities (closest %ss not yet specialised in)", cls);
    const char *head[] = {"Rank",
                          Unit,
                          "Name",
                          "Sub-region",
                          "Development-potential score",
                          "Rank band (5-95 %)",
                          "Traffic light",
                          "Economic complexity (ECI)",
                          "Specialisation strength (Krugman)",
                          spec,
                          total,
                          largest,
                          best};
    /* widths: at least the longest word of the header, so no word
     * breaks; printed at 75 % on two pages across, columns A-C repeated:
     * the numbers (A-K, 131 units) and the words (A-C, L-M, 130) */
    static const double width[13] = {5,  7,  22, 14, 21, 9, 8,
                                     10, 14, 12, 9,  48, 48};
    enum { HELP = 40 }; /* the chart's data: hidden columns from here */
    for (lxw_col_t c = 0; c < 13; c++)
        str(b, ws, r0, c, head[c], b->head);
    keep(b, worksheet_set_row(ws, r0, wrapped_height(head, width, 13), NULL));
    double table_pt = 0.0; /* the rows' heights, for the chart's */
    size_t n = s3_table_rows(ov), unranked = 0, ranked = 0;
    static const char *const lights[] = {"green", "yellow", "red"};
    /* the units without a score, named with their reason below the table */
    char none[2000] = "";
    size_t nlen = 0;
    for (size_t i = 0; i < n; i++) {
        lxw_row_t rr = (lxw_row_t)(r0 + 1 + i);
        double v[6];
        static const char *const nums[] = {"position",  "total", "krugman",
                                           "diversity", "eci",   "score"};
        for (int k = 0; k < 6; k++)
            v[k] = s3_table_num(ov, i, col(ov, nums[k]));
        /* as high as its wrapped words: the whole text is shown */
        const char *texts[] = {
            s3_table_text(ov, i, col(ov, "unit_name")),
            s3_table_text(ov, i, col(ov, "subregion")),
            s3_table_text(ov, i, col(ov, "largest_specialisations")),
            s3_table_text(ov, i, col(ov, "best_opportunities"))};
        const double tw[] = {width[2], width[3], width[11], width[12]};
        double h = wrapped_height(texts, tw, 4);
        keep(b, worksheet_set_row(ws, rr, h, NULL));
        if (!(res->scored && *s3_table_text(ov, i, col(ov, "not_scored"))))
            table_pt += h;
        const char *why = s3_table_text(ov, i, col(ov, "not_scored"));
        if (res->scored && *why) {
            str(b, ws, rr, 0, "\u2013", b->top);
            str(b, ws, rr, 5, "not ranked", b->top);
            if (nlen < sizeof none)
                nlen += (size_t)snprintf(none + nlen, sizeof none - nlen,
                                         "%s%s (%s)", unranked ? "; " : "",
                                         s3_table_text(ov, i, col(ov, "unit")),
                                         why);
            unranked++;
        } else {
            num(b, ws, rr, 0, v[0], b->integer);
            ranked++;
        }
        str(b, ws, rr, 1, s3_table_text(ov, i, col(ov, "unit")), b->top);
        /* a unit without a name (a long table) by its code, so that the
         * chart beside, labelled from this column, names every bar */
        const char *name = s3_table_text(ov, i, col(ov, "unit_name"));
        str(b, ws, rr, 2,
            name && *name ? name : s3_table_text(ov, i, col(ov, "unit")),
            b->wrap);
        str(b, ws, rr, 3, s3_table_text(ov, i, col(ov, "subregion")), b->wrap);
        num(b, ws, rr, 10, v[1], b->integer);
        num(b, ws, rr, 8, v[2], b->num3);
        num(b, ws, rr, 9, v[3], b->integer);
        str(b, ws, rr, 11,
            s3_table_text(ov, i, col(ov, "largest_specialisations")), b->wrap);
        num(b, ws, rr, 7, v[4], b->num2);
        str(b, ws, rr, 12, s3_table_text(ov, i, col(ov, "best_opportunities")),
            b->wrap);
        if (res->scored && !*why) {
            const char *light = s3_table_text(ov, i, col(ov, "traffic_light"));
            size_t f = 3;
            for (size_t k = 0; k < 3; k++)
                if (!strcmp(light, lights[k]))
                    f = k;
            num(b, ws, rr, 4, v[5], b->num3);
            str(b, ws, rr, 5, s3_table_text(ov, i, col(ov, "rank_band")),
                b->top);
            str(b, ws, rr, 6, light, b->light[f]);
        }
    }
    if (unranked) {
        char line[2200];
        snprintf(line, sizeof line,
                 "Not ranked (no score: a %s is scored only with a value "
                 "for every indicator of the score): %s.",
                 unit, none);
        para(b, ws, (lxw_row_t)(r0 + n + 1), line, b->note_wrap);
    }
    const s3_table *rk = s3_result_table(res, "ranking");
    if (ranked > 0 && res->scored && rk) {
        /* the rank bands as floating bars beside the table: an invisible
         * bar to the 5 % rank, a visible one to the 95 % rank; the band
         * from the ranking table (hidden helper columns), the labels the
         * names of column C, every one shown */
        lxw_row_t first = r0 + 1, last = (lxw_row_t)(r0 + ranked);
        str(b, ws, r0, HELP, "chart: band start", b->head);
        str(b, ws, r0, HELP + 1, "chart: band length", b->head);
        size_t rl = col(rk, "level"), ru = col(rk, "unit"),
               bs = col(rk, "band_start"), bl = col(rk, "band_length");
        for (size_t i = 0; i < ranked; i++) {
            const char *id = s3_table_text(ov, i, col(ov, "unit"));
            for (size_t r = 0; r < s3_table_rows(rk); r++)
                if (!strcmp(s3_table_text(rk, r, rl), b->level) &&
                    !strcmp(s3_table_text(rk, r, ru), id)) {
                    num(b, ws, (lxw_row_t)(first + i), HELP,
                        s3_table_num(rk, r, bs), b->num2);
                    num(b, ws, (lxw_row_t)(first + i), HELP + 1,
                        s3_table_num(rk, r, bl), b->num2);
                }
        }
        lxw_row_col_options hide = {.hidden = 1};
        keep(b, worksheet_set_column_opt(ws, HELP, HELP + 1, 12, NULL, &hide));
        lxw_chart *cb = new_chart(b, LXW_CHART_BAR_STACKED);
        /* categories: the names in column C (set once: libxlsxwriter
         * does not free a range set twice) */
        lxw_chart_series *s0 = cb ? series(b, cb, s->name, first, last, 2, HELP)
                                  : NULL,
                         *s1 = s0 ? series(b, cb, s->name, first, last, 2,
                                           HELP + 1)
                                  : NULL;
        if (s1) {
            lxw_chart_fill nofill = {.none = LXW_TRUE};
            chart_series_set_fill(s0, &nofill);
            char ct[200];
            snprintf(ct, sizeof ct,
                     "Rank band of each %s (5-95 %% of draws; 1 = best)", unit);
            chart_title_set_name(cb, ct);
            /* a bar chart's y axis is the (vertical) category axis */
            chart_axis_set_name(cb->y_axis, Unit);
            chart_axis_set_name(cb->x_axis, "Rank (1 = best)");
            chart_axis_set_interval_unit(cb->y_axis, 1);
            lxw_chart_font small = {.size = 8};
            chart_axis_set_num_font(cb->y_axis, &small);
            chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
            chart_axis_set_reverse(cb->y_axis);
            chart_axis_set_min(cb->x_axis, 0);
            chart_show_hidden_data(cb);
            /* beside the table on screen, as tall as its ranked rows
             * (4/3 pixels a point); not printed (the Scores sheet prints
             * the same bands) */
            lxw_chart_options size = {
                .x_scale = 1.5, .y_scale = (table_pt * 4.0 / 3.0) / 288.0};
            keep(b, worksheet_insert_chart_opt(ws, r0, 13, cb, &size));
        }
    }
    if (n > 0) {
        keep(b, worksheet_autofilter(ws, r0, 0, (lxw_row_t)(r0 + n), 12));
        /* data bars from 0, so the last unit's score shows a bar too */
        lxw_conditional_format bar = {.type = LXW_CONDITIONAL_DATA_BAR,
                                      .min_rule_type =
                                          LXW_CONDITIONAL_RULE_TYPE_NUMBER,
                                      .min_value = 0};
        keep(b, worksheet_conditional_format_range(
                    ws, r0 + 1, 4, (lxw_row_t)(r0 + n), 4, &bar));
    }
    freeze(b, ws, r0 + 1, 3);
    for (lxw_col_t c = 0; c < 13; c++)
        column(b, ws, c, c, width[c], NULL);
    print_area(b, (lxw_row_t)(r0 + n + (unranked ? 1 : 0)), 12, 0);
}
