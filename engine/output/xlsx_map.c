/*
 * xlsx_map.c — the Map sheet: the centres at their positions (centres.csv
 * lat, lon) in an XY scatter chart, one series per district (sub-region)
 * so that the legend names the districts, each point labelled with its
 * code.  It is schematic: no district outlines or map underneath, only
 * the axes drawn to the ground's proportions.  The chart's data sit in
 * hidden helper columns; there is no sheet when no centre has a
 * position.  Issue 13 asked for "a map of the centres where data allows".
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* The helper columns (district, code, lon, lat, label), right of the
 * chart, hidden. */
enum { MAP_HELP = 20, MAP_HEAD = 3 };

/* The plot area's width in pixels, the range of its height, and the room
 * around it in the chart (y axis numbers and title left, title above, x
 * axis numbers and title and the legend below): the chart's size is the
 * plot's plus these, so that the plot has the proportions wanted.  The
 * room is LibreOffice 7.4's automatic layout, measured in the PDF of the
 * Ruhr map (a chart of 800 x 472 pixels: plot 88 % of its width, room of
 * 83 pixels above and 138 below with three rows of legend).  LibreOffice
 * draws columns about 1.3 times as wide as Excel (the chart is anchored
 * to cells), so its map comes out that much wider than Excel's. */
enum {
    PLOT_W = 720,
    PLOT_H_MIN = 240,
    PLOT_H_MAX = 460,
    ROOM_X = 98,
    ROOM_TOP = 83,
    ROOM_BOTTOM = 60,
    LEGEND_ROW = 26, /* a row of legend entries */
    LEGEND_PER_ROW = 5
};

/* A label's box in plot pixels: right of its point, about 6 pixels a
 * character of the 9-pt label font plus a margin, 16 high.  Points
 * closer than NEAR pixels each way share a label. */
enum { NEAR = 14 };
typedef struct {
    double x0, y0, x1, y1;
} box;

static box
label_box(double px, double py, size_t chars)
{
    return (box){px + 4.0, py - 8.0, px + 8.0 + 6.0 * (double)chars, py + 8.0};
}

static int
meet(box a, box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/* Above this many centres with a position the labels are left out: the
 * grouping below compares every pair of labels. */
enum { MAP_LABELS_MAX = 100 };

/* A centre on the map. */
typedef struct {
    size_t row;      /* in the centres table */
    size_t district; /* index into the district names, sorted */
    double lon, lat, px, py;
    size_t group; /* the point that carries its label (union-find root) */
    size_t chars; /* the group's label length, on the root */
} spot;

static size_t
root(spot *s, size_t i)
{
    while (s[i].group != i)
        i = s[i].group = s[s[i].group].group;
    return i;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The number at the end of code (its digits from *at), or -1. */
static long
tail_number(const char *code, size_t *at)
{
    size_t n = strlen(code), i = n;
    while (i > 0 && code[i - 1] >= '0' && code[i - 1] <= '9')
        i--;
    *at = i;
    if (i == n || n - i > 9)
        return -1;
    return strtol(code + i, NULL, 10);
}

/* Whether code b follows code a: the same text before the same number of
 * digits, the number one more (C09, C10 do not: C09 has two digits, as
 * C10 has, so they do; C9, C10 do not). */
static int
follows(const char *a, const char *b)
{
    size_t ia, ib;
    long na = tail_number(a, &ia), nb = tail_number(b, &ib);
    return na >= 0 && nb == na + 1 && ia == ib && !strncmp(a, b, ia) &&
           strlen(a) == strlen(b);
}

/* The label of the group whose members have group root r (member j is
 * in it when in[j] == r): their codes in the table's order, a run of
 * three or more consecutive codes written first-last with an en dash
 * (C01-C05), so that a cluster's label stays short; its length in
 * characters. */
static size_t
group_text(const spot *s, const size_t *in, size_t n, size_t r,
           const s3_table *ct, char *buf, size_t size)
{
    size_t len = 0, chars = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < n; j++) {
        if (in[j] != r)
            continue;
        /* the run starting at j */
        const char *first = s3_table_text(ct, s[j].row, 0), *last = first;
        size_t k = j, run = 1;
        for (size_t m = j + 1; m < n; m++) {
            if (in[m] != r)
                continue;
            const char *c = s3_table_text(ct, s[m].row, 0);
            if (!follows(last, c))
                break;
            last = c;
            k = m;
            run++;
        }
        int w;
        if (run >= 3) {
            w = snprintf(buf + len, size - len, "%s%s\u2013%s", len ? ", " : "",
                         first, last);
            chars += (len ? 2 : 0) + strlen(first) + 1 + strlen(last);
            j = k;
        } else {
            w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", first);
            chars += (len ? 2 : 0) + strlen(first);
        }
        if (w < 0 || (size_t)w >= size - len) {
            buf[len] = '\0'; /* no room: the label stops here */
            break;
        }
        len += (size_t)w;
    }
    return chars;
}

/* Group the points so that no two labels print over each other: points
 * closer than a marker or two share one label listing their codes; a
 * group's label goes right of whichever of its points leaves it clear of
 * the labels placed before (groups from west to east); where none does,
 * the group joins the one in its way and all is laid out again.  On
 * return each point's group is the point that carries its label. */
static void
group_labels(spot *s, size_t n, const s3_table *ct, size_t *anchor, size_t *in)
{
    for (size_t i = 0; i < n; i++)
        s[i].group = i;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (fabs(s[i].px - s[j].px) < NEAR &&
                fabs(s[i].py - s[j].py) < NEAR)
                s[root(s, j)].group = root(s, i);
    for (;;) {
        /* each group's label length, on its root */
        char text[1024];
        for (size_t i = 0; i < n; i++)
            in[i] = root(s, i);
        for (size_t i = 0; i < n; i++)
            if (in[i] == i)
                s[i].chars = group_text(s, in, n, i, ct, text, sizeof text);
        size_t clash = S3I_NONE, with = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            anchor[i] = S3I_NONE;
        /* the groups by their westernmost point */
        for (size_t k = 0; k < n && clash == S3I_NONE; k++) {
            size_t g = S3I_NONE;
            double west = INFINITY;
            for (size_t i = 0; i < n; i++)
                if (root(s, i) == i && anchor[i] == S3I_NONE) {
                    double w = INFINITY;
                    for (size_t j = 0; j < n; j++)
                        if (root(s, j) == i && s[j].px < w)
                            w = s[j].px;
                    if (w < west) {
                        west = w;
                        g = i;
                    }
                }
            if (g == S3I_NONE)
                break;
            size_t first_in_way = S3I_NONE;
            for (size_t j = 0; j < n && anchor[g] == S3I_NONE; j++) {
                if (root(s, j) != g)
                    continue;
                box a = label_box(s[j].px, s[j].py, s[g].chars);
                size_t in_way = S3I_NONE;
                for (size_t h = 0; h < n && in_way == S3I_NONE; h++)
                    if (h != g && root(s, h) == h && anchor[h] != S3I_NONE &&
                        meet(a, label_box(s[anchor[h]].px, s[anchor[h]].py,
                                          s[h].chars)))
                        in_way = h;
                if (in_way == S3I_NONE)
                    anchor[g] = j;
                else if (first_in_way == S3I_NONE)
                    first_in_way = in_way;
            }
            if (anchor[g] == S3I_NONE) {
                clash = g;
                with = first_in_way;
            }
        }
        if (clash == S3I_NONE)
            break;
        s[clash].group = with;
    }
    /* the label's point becomes its group's root (chars: scratch) */
    for (size_t i = 0; i < n; i++)
        s[i].chars = anchor[root(s, i)];
    for (size_t i = 0; i < n; i++)
        s[i].group = s[i].chars;
}

void
s3i_xlsx_map(book *b, const sheet_spec *s)
{
    const s3_table *ct = b->centres;
    if (!ct || s3_table_rows(ct) == 0)
        return;
    size_t nc = s3_table_rows(ct), clat = col(ct, "lat"), clon = col(ct, "lon");
    size_t csub = col(ct, "subregion");
    spot *sp = calloc(nc, sizeof *sp);
    const char **dn = calloc(nc, sizeof *dn);
    size_t *order = calloc(nc, sizeof *order);
    size_t *in = calloc(nc, sizeof *in);
    char *none = calloc(1, 16 * nc + 64);
    char **labs = calloc(nc, sizeof *labs);
    if (!sp || !dn || !order || !in || !none || !labs) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        goto done;
    }
    /* the centres with a position, and the districts they lie in */
    size_t n = 0, nd = 0, nnone = 0;
    for (size_t r = 0; r < nc; r++) {
        double lat = s3_table_num(ct, r, clat), lon = s3_table_num(ct, r, clon);
        if (isnan(lat) || isnan(lon)) {
            snprintf(none + strlen(none), 16 * nc + 64 - strlen(none), "%s%s",
                     nnone++ ? ", " : "", s3_table_text(ct, r, 0));
            continue;
        }
        sp[n++] = (spot){.row = r, .lat = lat, .lon = lon};
        const char *d = s3_table_text(ct, r, csub);
        size_t k = 0;
        while (k < nd && strcmp(dn[k], d))
            k++;
        if (k == nd)
            dn[nd++] = d;
    }
    if (n == 0)
        goto done;
    qsort(dn, nd, sizeof *dn, by_name);
    double lon_lo = INFINITY, lon_hi = -INFINITY, lat_lo = INFINITY,
           lat_hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const char *d = s3_table_text(ct, sp[i].row, csub);
        while (strcmp(dn[sp[i].district], d))
            sp[i].district++;
        lon_lo = fmin(lon_lo, sp[i].lon);
        lon_hi = fmax(lon_hi, sp[i].lon);
        lat_lo = fmin(lat_lo, sp[i].lat);
        lat_hi = fmax(lat_hi, sp[i].lat);
    }
    /* the axes: a degree of longitude is cos(latitude) of a degree of
     * latitude on the ground (a sphere; at 51.5 degrees N 0.62), so the
     * plot is as much wider than high as the ranges on the ground are;
     * room around the points, more on the right for the labels; the
     * ranges start on a tenth of a degree, where the gridlines are */
    double c = cos((lat_lo + lat_hi) / 2.0 * M_PI / 180.0);
    if (c < 0.05)
        c = 0.05; /* near a pole the proportions cannot hold */
    double span_lon = fmax(lon_hi - lon_lo, 0.02),
           span_lat = fmax(lat_hi - lat_lo, 0.02);
    double x0 = floor((lon_lo - 0.06 * span_lon) * 10.0) / 10.0;
    double x1 = lon_hi + 0.15 * span_lon + 0.02;
    double y0 = floor((lat_lo - 0.08 * span_lat) * 10.0) / 10.0;
    double y1 = lat_hi + 0.08 * span_lat + 0.01;
    double plot_h = PLOT_W * (y1 - y0) / ((x1 - x0) * c);
    if (plot_h < PLOT_H_MIN) { /* a wide region: more latitude above */
        plot_h = PLOT_H_MIN;
        y1 = y0 + PLOT_H_MIN * (x1 - x0) * c / PLOT_W;
    } else if (plot_h > PLOT_H_MAX) { /* a tall one: more longitude */
        plot_h = PLOT_H_MAX;
        x1 = x0 + PLOT_W * (y1 - y0) / (PLOT_H_MAX * c);
    }
    for (size_t i = 0; i < n; i++) {
        sp[i].px = (sp[i].lon - x0) / (x1 - x0) * PLOT_W;
        sp[i].py = (y1 - sp[i].lat) / (y1 - y0) * plot_h;
    }
    int labels = n <= MAP_LABELS_MAX;
    if (labels)
        group_labels(sp, n, ct, order, in);
    for (size_t i = 0; i < n; i++)
        in[i] = sp[i].group;

    const char *name = s->name;
    lxw_worksheet *ws = new_sheet(b, name);
    if (!ws)
        goto done;
    sheet_title(b, ws,
                "Map of the centres: their positions (longitude, latitude) "
                "by district");
    char text[1600];
    snprintf(text, sizeof text,
             "Each point is a centre where centres.csv places it (lat, lon "
             "in csv/centres.csv), %s; the colour and the legend give its "
             "district (sub-region). Schematic: no district outlines and no "
             "map underneath, only the axes drawn to the ground's "
             "proportions (a degree of longitude is cos(latitude), here "
             "%.2f, of a degree of latitude). %s%s%s",
             labels ? "labelled with its code (centres close together share "
                      "one label)"
                    : "without labels (too many centres to label)",
             c, nnone ? "No position given, not shown: " : "",
             nnone ? none : "Every centre has a position.", nnone ? "." : "");
    para(b, ws, 1, text, b->wrap);

    /* the chart's data: per district in name order, its centres in the
     * table's (id) order */
    static const char *const head[] = {"district", "centre", "lon", "lat",
                                       "label"};
    for (lxw_col_t k = 0; k < 5; k++)
        str(b, ws, MAP_HEAD, MAP_HELP + k, head[k], b->head);
    size_t at = 0;
    for (size_t d = 0; d < nd; d++)
        for (size_t i = 0; i < n; i++)
            if (sp[i].district == d)
                order[at++] = i;
    char lab[1024];
    for (size_t k = 0; k < n; k++) {
        const spot *p = &sp[order[k]];
        lxw_row_t r = MAP_HEAD + 1 + (lxw_row_t)k;
        str(b, ws, r, MAP_HELP, dn[p->district], NULL);
        str(b, ws, r, MAP_HELP + 1, s3_table_text(ct, p->row, 0), NULL);
        num(b, ws, r, MAP_HELP + 2, p->lon, NULL);
        num(b, ws, r, MAP_HELP + 3, p->lat, NULL);
        /* a group's codes on the point that carries its label */
        lab[0] = '\0';
        if (labels && in[order[k]] == order[k])
            group_text(sp, in, n, order[k], ct, lab, sizeof lab);
        if (lab[0]) {
            str(b, ws, r, MAP_HELP + 4, lab, NULL);
            if (!(labs[k] = strdup(lab)))
                keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        }
    }

    lxw_chart *ch = new_chart(b, LXW_CHART_SCATTER);
    if (!ch)
        goto done;
    /* a palette of 20 that tells neighbours apart (Tableau 20) */
    static const lxw_color_t pal[20] = {
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2,
        0x7F7F7F, 0xBCBD22, 0x17BECF, 0xAEC7E8, 0xFFBB78, 0x98DF8A, 0xFF9896,
        0xC5B0D5, 0xC49C94, 0xF7B6D2, 0xC7C7C7, 0xDBDB8D, 0x9EDAE5};
    static const uint8_t shape[3] = {LXW_CHART_MARKER_CIRCLE,
                                     LXW_CHART_MARKER_SQUARE,
                                     LXW_CHART_MARKER_DIAMOND};
    lxw_chart_data_label *dl = calloc(n, sizeof *dl);
    lxw_chart_data_label **dlp = calloc(n + 1, sizeof *dlp);
    if (!dl || !dlp) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        free(dl);
        free(dlp);
        goto done;
    }
    at = 0;
    for (size_t d = 0; d < nd; d++) {
        size_t from = at;
        while (at < n && sp[order[at]].district == d)
            at++;
        lxw_row_t r0 = MAP_HEAD + 1 + (lxw_row_t)from,
                  r1 = MAP_HEAD + (lxw_row_t)at;
        lxw_chart_series *se =
            series(b, ch, name, r0, r1, MAP_HELP + 2, MAP_HELP + 3);
        if (!se)
            break;
        chart_series_set_name(se, dn[d]);
        chart_series_set_marker_type(se, shape[d / 20 % 3]);
        chart_series_set_marker_size(se, 6);
        lxw_chart_fill fill = {.color = pal[d % 20]};
        lxw_chart_line edge = {.color = 0x404040, .width = 0.5};
        chart_series_set_marker_fill(se, &fill);
        chart_series_set_marker_line(se, &edge);
        lxw_chart_line none = {.none = LXW_TRUE};
        chart_series_set_line(se, &none);
        if (!labels)
            continue;
        /* each point's label: the text of its cell in the label column
         * (as text: LibreOffice shows the y value instead of a label
         * that refers to a cell); points whose code is in a
         * neighbour's label have none */
        for (size_t k = from; k < at; k++) {
            size_t i = k - from;
            dl[i] = (lxw_chart_data_label){0};
            if (in[order[k]] == order[k]) {
                dl[i].value = labs[k];
            } else {
                dl[i].hide = LXW_TRUE;
            }
            dlp[i] = &dl[i];
        }
        dlp[at - from] = NULL;
        chart_series_set_labels(se);
        chart_series_set_labels_position(se, LXW_CHART_LABEL_POSITION_RIGHT);
        lxw_chart_font small = {.size = 9};
        chart_series_set_labels_font(se, &small);
        keep(b, chart_series_set_labels_custom(se, dlp));
    }
    free(dl);
    free(dlp);
    chart_title_set_name(ch, "Centres by position, coloured by district");
    chart_axis_set_name(ch->x_axis, "longitude");
    chart_axis_set_name(ch->y_axis, "latitude");
    chart_axis_set_min(ch->x_axis, x0);
    chart_axis_set_max(ch->x_axis, x1);
    chart_axis_set_min(ch->y_axis, y0);
    chart_axis_set_max(ch->y_axis, y1);
    chart_axis_set_major_unit(ch->x_axis, 0.1);
    chart_axis_set_major_unit(ch->y_axis, 0.1);
    chart_axis_set_num_format(ch->x_axis, "0.0");
    chart_axis_set_num_format(ch->y_axis, "0.0");
    chart_axis_major_gridlines_set_visible(ch->x_axis, LXW_TRUE);
    chart_axis_major_gridlines_set_visible(ch->y_axis, LXW_TRUE);
    lxw_chart_line grid = {.color = 0xE0E0E0, .width = 0.5};
    chart_axis_major_gridlines_set_line(ch->x_axis, &grid);
    chart_axis_major_gridlines_set_line(ch->y_axis, &grid);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    chart_show_hidden_data(ch);
    /* the chart's size: the plot's plus the room around it (above) */
    double legend_rows = (double)((nd + LEGEND_PER_ROW - 1) / LEGEND_PER_ROW);
    double w = PLOT_W + ROOM_X,
           h = plot_h + ROOM_TOP + ROOM_BOTTOM + LEGEND_ROW * legend_rows;
    lxw_chart_options opt = {
        .x_offset = 8, .x_scale = w / 480.0, .y_scale = h / 288.0};
    keep(b, worksheet_insert_chart_opt(ws, MAP_HEAD, 0, ch, &opt));
    /* printed: the title, the paragraph and the chart on one page (20
     * pixels a row, 64 a column) */
    lxw_row_t last_row = MAP_HEAD + (lxw_row_t)ceil(h / 20.0) + 1;
    lxw_col_t last_col = (lxw_col_t)ceil((w + 8.0) / 64.0);
    print_area(b, last_row, last_col, 1);
    /* the rows under the chart as high as libxlsxwriter anchors it
     * (LibreOffice takes its own default height otherwise) */
    for (lxw_row_t r = MAP_HEAD; r <= last_row; r++)
        keep(b, worksheet_set_row(ws, r, 15.0, NULL));
    column(b, ws, 0, last_col, LXW_DEF_COL_WIDTH, NULL);
    lxw_row_col_options hide = {.hidden = 1};
    keep(b,
         worksheet_set_column_opt(ws, MAP_HELP, MAP_HELP + 4, 12, NULL, &hide));
done:
    for (size_t i = 0; labs && i < nc; i++)
        free(labs[i]);
    free(labs);
    free(sp);
    free(dn);
    free(order);
    free(in);
    free(none);
}
