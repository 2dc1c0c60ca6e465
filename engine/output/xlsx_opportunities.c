/*
 * xlsx_opportunities.c — the Opportunities sheets (sectors, technologies):
 * each unit's best opportunities from the briefing stage, and the chart.
 */
#include <stdio.h>
#include <stdlib.h>

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
}
