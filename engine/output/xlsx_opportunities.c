/*
 * xlsx_opportunities.c — the Opportunities sheets (sectors, technologies):
 * each unit's best opportunities from the briefing stage, why each is
 * suggested (the nearest classes the unit holds), and the chart of all
 * of them by quadrant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/xlsx.h"

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
    para(b, ws, 1,
         "Relatedness density: how much of what surrounds the class the "
         "unit already does (0-1). PCI: how complex the class is (mean 0, "
         "sd 1). COG: how much the move would raise the unit's complexity "
         "outlook. Quadrant: relatedness is high where the density is above "
         "0 and reaches the split over every opportunity in the network "
         "(the model's split: median, mean or percentile; the chart's "
         "vertical line), complexity is high where the PCI is above 0, the "
         "average class (the horizontal line); the same rule in the chart, "
         "this sheet and csv/potentials.csv, which lists all opportunities.",
         b->wrap);
    /* the chart first (rows 2 to CHART_ROWS + 1), the table below it;
     * the table fits the page's width (OPP_W sums to 140) */
    static const char *const head[] = {"Unit",
                                       "Name",
                                       "Rank",
                                       "Class",
                                       "Label",
                                       "Density",
                                       "PCI",
                                       "COG",
                                       "Quadrant",
                                       "Ideal in share of draws",
                                       "Why: the nearest classes the unit "
                                       "is specialised in (relatedness)"};
    static const double OPP_W[] = {6, 21, 5, 6, 26, 8, 6, 6, 17, 9, 30};
    enum { NCOL = 11, HELP = 30, CHART_ROWS = 27 };
    lxw_row_t r0 = 2 + CHART_ROWS, row = r0;
    for (lxw_col_t c = 0; c < NCOL; c++)
        str(b, ws, r0, c, head[c], b->head);
    keep(b, worksheet_set_row(ws, r0, wrapped_height(head, OPP_W, NCOL), NULL));
    size_t cq = col(op, "quadrant"), cn = col(op, "nearest_held");
    for (size_t i = 0; i < s3_table_rows(op); i++) {
        if (!is(op, i, level, matrix))
            continue;
        row++;
        /* the quadrant's name (the text before its colon; the paragraph
         * and the chart's legend say what each means) */
        const char *q = s3_table_text(op, i, cq);
        char qname[80];
        snprintf(qname, sizeof qname, "%.*s", (int)strcspn(q ? q : "", ":"),
                 q ? q : "");
        /* the nearest held classes one a line ("A | B" in the CSV) */
        char why[600] = "";
        const char *w = cn == S3I_NONE ? NULL : s3_table_text(op, i, cn);
        for (size_t k = 0, o = 0; w && w[k] && o + 1 < sizeof why; k++) {
            if (!strncmp(w + k, " | ", 3)) {
                why[o++] = '\n';
                k += 2;
            } else {
                why[o++] = w[k];
            }
            why[o] = '\0';
        }
        const char *texts[] = {s3_table_text(op, i, col(op, "unit_name")),
                               s3_table_text(op, i, col(op, "class_label")),
                               qname, why};
        const double tw[] = {OPP_W[1], OPP_W[4], OPP_W[8], OPP_W[10]};
        str(b, ws, row, 0, s3_table_text(op, i, col(op, "unit")), b->top);
        str(b, ws, row, 1, texts[0], b->wrap);
        num(b, ws, row, 2, s3_table_num(op, i, col(op, "rank")), b->integer);
        str(b, ws, row, 3, s3_table_text(op, i, col(op, "class")), b->top);
        str(b, ws, row, 4, texts[1], b->wrap);
        num(b, ws, row, 5, s3_table_num(op, i, col(op, "density")), b->num2);
        num(b, ws, row, 6, s3_table_num(op, i, col(op, "pci")), b->num2);
        num(b, ws, row, 7, s3_table_num(op, i, col(op, "cog")), b->num2);
        str(b, ws, row, 8, texts[2], b->wrap);
        num(b, ws, row, 9, s3_table_num(op, i, col(op, "p_ideal")), b->pct);
        str(b, ws, row, 10, texts[3], b->wrap);
        double h = wrapped_height(texts, tw, 4);
        if (h > 15.0)
            keep(b, worksheet_set_row(ws, row, h, NULL));
    }
    if (row > r0) {
        keep(b, worksheet_autofilter(ws, r0, 0, row, NCOL - 1));
        data_bar(b, ws, r0 + 1, 5, row);
        /* the chart's data, in hidden helper columns: the guides, then
         * the points again grouped by quadrant (one series each, so the
         * legend says what a colour means; 35 units' points in one
         * unlabelled series told nothing) */
        lxw_col_t gx = HELP, px = HELP + 2;
        str(b, ws, r0, gx, "quadrant lines: x", b->head);
        str(b, ws, r0, gx + 1, "y", b->head);
        for (size_t i = 0; i < g->n; i++) {
            num(b, ws, r0 + 1 + (lxw_row_t)i, gx, g->pt[i][0], b->num3);
            num(b, ws, r0 + 1 + (lxw_row_t)i, gx + 1, g->pt[i][1], b->num3);
        }
        str(b, ws, r0, px, "density", b->head);
        str(b, ws, r0, px + 1, "PCI", b->head);
        static const char *const quad[4] = {
            "ideal: high relatedness, high complexity",
            "low risk, low gain: high relatedness, low complexity",
            "high risk, high gain: low relatedness, high complexity",
            "least attractive: low relatedness, low complexity"};
        static const char *const quad_name[4] = {"ideal", "low risk, low gain",
                                                 "high risk, high gain",
                                                 "least attractive"};
        static const lxw_color_t quad_color[4] = {0x2E7D32, 0x1F77B4, 0xFF8C00,
                                                  0x9E9E9E};
        lxw_row_t from[4], to[4], at = r0;
        for (int q = 0; q < 4; q++) {
            from[q] = at + 1;
            for (size_t i = 0; i < s3_table_rows(op); i++) {
                const char *w = s3_table_text(op, i, cq);
                if (!is(op, i, level, matrix) || !w || strcmp(w, quad[q]))
                    continue;
                at++;
                num(b, ws, at, px, s3_table_num(op, i, col(op, "density")),
                    b->num3);
                num(b, ws, at, px + 1, s3_table_num(op, i, col(op, "pci")),
                    b->num3);
            }
            to[q] = at;
        }
        lxw_chart *ch = new_chart(b, LXW_CHART_SCATTER);
        if (!ch)
            return;
        for (int q = 0; q < 4; q++) {
            if (to[q] < from[q])
                continue;
            lxw_chart_series *se =
                series(b, ch, sheet, from[q], to[q], px, px + 1);
            if (!se)
                return;
            char name[80];
            snprintf(name, sizeof name, "%s (%u)", quad_name[q],
                     (unsigned)(to[q] - from[q] + 1));
            chart_series_set_name(se, name);
            chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
            chart_series_set_marker_size(se, 5);
            lxw_chart_fill fill = {.color = quad_color[q]};
            lxw_chart_line none = {.none = LXW_TRUE};
            chart_series_set_marker_fill(se, &fill);
            chart_series_set_marker_line(se, &none);
        }
        for (int l = 0; l < 2; l++) {
            lxw_chart_series *sl = series(b, ch, sheet, r0 + 1 + 2 * l,
                                          r0 + 2 + 2 * l, gx, gx + 1);
            if (!sl)
                return;
            chart_series_set_name(sl, l ? "complexity split (PCI 0)"
                                        : "relatedness split (density)");
            lxw_chart_line line = {.color = 0x808080, .width = 1.25};
            chart_series_set_line(sl, &line);
            chart_series_set_marker_type(sl, LXW_CHART_MARKER_NONE);
        }
        char ct[200];
        snprintf(ct, sizeof ct,
                 "Each %s's ten best opportunities: relatedness density "
                 "(x) against complexity (y), by quadrant",
                 level);
        chart_title_set_name(ch, ct);
        chart_axis_set_name(ch->x_axis,
                            "relatedness density (share of related classes "
                            "held, 0-1)");
        chart_axis_set_name(ch->y_axis, "complexity of the class (PCI)");
        chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
        /* the axis numbers at the chart's edge, not along PCI 0 */
        chart_axis_set_label_position(ch->x_axis,
                                      LXW_CHART_AXIS_LABEL_POSITION_LOW);
        chart_axis_set_label_position(ch->y_axis,
                                      LXW_CHART_AXIS_LABEL_POSITION_LOW);
        /* the data sit in hidden columns: plot them all the same */
        chart_show_hidden_data(ch);
        /* 1.8 x 288 pixels high: 26 rows of 20 pixels */
        lxw_chart_options big = {.x_offset = 8, .x_scale = 1.8, .y_scale = 1.8};
        keep(b, worksheet_insert_chart_opt(ws, 2, 0, ch, &big));
    }
    /* the header row printed on every page (no frozen pane: the chart
     * above the table would fill the screen) */
    keep(b, worksheet_repeat_rows(ws, r0, r0));
    print_area(b, row, NCOL - 1, 0);
    for (lxw_col_t c = 0; c < NCOL; c++)
        column(b, ws, c, c, OPP_W[c], NULL);
    /* the chart's helper columns, hidden */
    lxw_row_col_options hide = {.hidden = 1};
    keep(b, worksheet_set_column_opt(ws, HELP, HELP + 3, 10, NULL, &hide));
}
