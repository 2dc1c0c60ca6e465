/*
 * xlsx_profiles.c — the Profiles sheet (what drives each unit's score:
 * every indicator's raw value, normalised value and contribution, and the
 * strengths and weaknesses in words) and the Districts sheet (the
 * sub-regions compared on one printed page, with a chart of their scores
 * and rank bands).  Both render the profiles stage's tables
 * (profile_summary, profiles, districts; engine/stages/profiles.c) as
 * they are.
 */
#include <stdio.h>
#include <stdlib.h>

#include "output/xlsx.h"

/* The note of level `level` in notes.csv that holds `word`, or NULL. */
static const char *
find_note(const book *b, const char *level, const char *word)
{
    const s3_table *nt = s3_result_table(b->res, "notes");
    for (size_t r = 0; nt && r < s3_table_rows(nt); r++)
        if (!strcmp(s3_table_text(nt, r, 0), level) &&
            strstr(s3_table_text(nt, r, 1), word))
            return s3_table_text(nt, r, 1);
    return NULL;
}

/* A percentage format: 28 %. */
static lxw_format *
percent(book *b)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (!f) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    format_set_num_format(f, "0%");
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

/* Green (high) to red (low) over a column of scores. */
static void
score_colours(book *b, lxw_worksheet *ws, lxw_row_t r0, lxw_row_t r1,
              lxw_col_t c)
{
    lxw_conditional_format cf = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                 .min_color = 0xF8696B,
                                 .mid_color = 0xFFEB84,
                                 .max_color = 0x63BE7B};
    keep(b, worksheet_conditional_format_range(ws, r0, c, r1, c, &cf));
}

void
s3i_xlsx_profiles(book *b, const sheet_spec *s)
{
    const s3_table *su = s3_result_table(b->res, "profile_summary"),
                   *pr = s3_result_table(b->res, "profiles");
    if (!su || !pr || s3_table_rows(su) == 0)
        return;
    lxw_worksheet *ws = new_sheet(b, sheet_name(b, s));
    if (!ws)
        return;
    sheet_title(b, ws,
                "Profiles: what drives each score (indicator by indicator)");
    para(b, ws, 1,
         "Each indicator's raw value, its normalised value (0-1, 1 = "
         "best of the network) and its contribution to the score "
         "(weight x normalised / sum of weights): the contributions add "
         "up to the score. Strengths and weaknesses: the indicators "
         "that lift or lower the score most against the median unit. "
         "All rows in csv/profiles.csv and csv/profile_summary.csv.",
         b->wrap);
    size_t ns = s3_table_rows(su), np = s3_table_rows(pr);
    /* the indicators: the first unit's rows of profiles */
    size_t k = 0;
    while (k < np &&
           !strcmp(s3_table_text(pr, k, 2), s3_table_text(su, 0, 2)) &&
           !strcmp(s3_table_text(pr, k, 1), s3_table_text(su, 0, 0)))
        k++;
    if (!k || np != ns * k)
        return; /* the stage writes k rows per unit, in the same order */
    static const char *const lead[] = {"Rank",  "Name",      "Tenants",
                                       "Score", "Strengths", "Weaknesses"};
    static const char *const sub[] = {"raw", "normalised", "contribution"};
    enum { NLEAD = 6 };
    lxw_row_t row = 3;
    const char *level = NULL;
    lxw_row_t first = 0;
    for (size_t r = 0; r <= ns; r++) {
        int fresh = r == ns || !level || strcmp(level, s3_table_text(su, r, 0));
        if (fresh && level && row > first) {
            /* close the level: colours over score and contributions */
            score_colours(b, ws, first, row - 1, 3);
            for (size_t j = 0; j < k; j++)
                data_bar(b, ws, first, (lxw_col_t)(NLEAD + 3 * j + 2), row - 1);
            row++;
        }
        if (r == ns)
            break;
        if (fresh) {
            level = s3_table_text(su, r, 0);
            char t[96];
            snprintf(t, sizeof t, "By %s", level);
            str(b, ws, row++, 0, t, b->title);
            for (lxw_col_t c = 0; c < NLEAD; c++) {
                keep(b, worksheet_merge_range(ws, row, c, row + 1, c, lead[c],
                                              b->head));
            }
            for (size_t j = 0; j < k; j++) {
                lxw_col_t c = (lxw_col_t)(NLEAD + 3 * j);
                keep(b,
                     worksheet_merge_range(ws, row, c, row, c + 2,
                                           s3_table_text(pr, j, 4), b->head));
                for (lxw_col_t q = 0; q < 3; q++)
                    str(b, ws, row + 1, c + q, sub[q], b->head);
            }
            row += 2;
            first = row;
        }
        const char *why = s3_table_text(su, r, col(su, "not_scored"));
        /* three lines of strengths (LibreOffice does not fit rows) */
        keep(b, worksheet_set_row(ws, row, 40, NULL));
        num(b, ws, row, 0, s3_table_num(su, r, col(su, "rank")), b->integer);
        /* the name, or the code where the data name none (long tables) */
        const char *nm = s3_table_text(su, r, col(su, "unit_name"));
        str(b, ws, row, 1, *nm ? nm : s3_table_text(su, r, col(su, "unit")),
            b->top);
        num(b, ws, row, 2, s3_table_num(su, r, col(su, "tenants")), b->integer);
        num(b, ws, row, 3, s3_table_num(su, r, col(su, "score")), b->num3);
        str(b, ws, row, 4, s3_table_text(su, r, col(su, "strengths")), b->wrap);
        char wk[1200];
        snprintf(wk, sizeof wk, "%s%s%s",
                 s3_table_text(su, r, col(su, "weaknesses")),
                 *why ? "not ranked: " : "", why);
        str(b, ws, row, 5, wk, b->wrap);
        for (size_t j = 0; j < k; j++) {
            size_t p = r * k + j;
            lxw_col_t c = (lxw_col_t)(NLEAD + 3 * j);
            num(b, ws, row, c, s3_table_num(pr, p, col(pr, "raw")), b->num3);
            num(b, ws, row, c + 1, s3_table_num(pr, p, col(pr, "normalised")),
                b->num2);
            num(b, ws, row, c + 2, s3_table_num(pr, p, col(pr, "contribution")),
                b->num3);
        }
        row++;
    }
    column(b, ws, 0, 0, 6, NULL);
    column(b, ws, 1, 1, 34, b->wrap);
    column(b, ws, 2, 3, 9, NULL);
    column(b, ws, 4, 5, 44, NULL);
    column(b, ws, NLEAD, (lxw_col_t)(NLEAD + 3 * k - 1), 9, NULL);
    /* printed over pages, Rank and Name repeated: fitted to one page
     * width the 27 columns would print too small to read */
    freeze(b, ws, 0, 2);
}

void
s3i_xlsx_districts(book *b, const sheet_spec *s)
{
    const s3_table *dt = s3_result_table(b->res, "districts");
    if (!dt || s3_table_rows(dt) == 0)
        return;
    const char *name = sheet_name(b, s);
    lxw_worksheet *ws = new_sheet(b, name);
    lxw_format *pct = percent(b);
    if (!ws || !pct)
        return;
    sheet_title(b, ws,
                "Districts compared: development-potential score, size and "
                "specialisation (sorted by rank)");
    char text[1200];
    const char *krug = find_note(b, "subregion", "Krugman");
    snprintf(text, sizeof text,
             "Rank band: the 5-95 %% range of ranks under the Monte Carlo "
             "(Scores sheet); where two bands overlap the data cannot tell "
             "the districts apart. Share in S3 domains: tenants in the "
             "model's S3 domains. Sector mix against the regional economy: "
             "csv/local_economy.csv. Note: %s.",
             krug ? krug
                  : "the Krugman index's relation to size could not "
                    "be measured");
    para(b, ws, 1, text, b->wrap);
    static const char *const head[] = {"Rank",
                                       "District",
                                       "NUTS 3",
                                       "Centres",
                                       "Tenants",
                                       "Score",
                                       "Rank band (5-95 %)",
                                       "Krugman index",
                                       "Share in S3 domains",
                                       "Top specialisations (RCA)",
                                       "Not ranked: why"};
    static const char *const src[] = {
        "rank",      "unit_name", "nuts3",   "centres",  "tenants",
        "score",     "rank_band", "krugman", "s3_share", "top_specialisations",
        "not_scored"};
    enum { NC = 11, BAND0 = 12 };
    /* 140 units: one page wide at 7.8 pt; each column at least its
     * heading's longest word */
    static const double DISTRICT_W[NC] = {5, 16, 7, 7, 8, 7, 9, 8, 9, 54, 10};
    lxw_row_t h = 3, first = 4;
    for (lxw_col_t c = 0; c < NC; c++)
        str(b, ws, h, c, head[c], b->head);
    keep(b,
         worksheet_set_row(ws, h, wrapped_height(head, DISTRICT_W, NC), NULL));
    str(b, ws, h, BAND0, "band start", b->head);
    str(b, ws, h, BAND0 + 1, "band length", b->head);
    size_t n = s3_table_rows(dt);
    for (size_t r = 0; r < n; r++) {
        lxw_row_t row = (lxw_row_t)(first + r);
        /* as high as its texts' lines (LibreOffice does not fit rows) */
        const char *texts[] = {s3_table_text(dt, r, col(dt, src[1])),
                               s3_table_text(dt, r, col(dt, src[9])),
                               s3_table_text(dt, r, col(dt, src[10]))};
        const double widths[] = {DISTRICT_W[1], DISTRICT_W[9], DISTRICT_W[10]};
        keep(b, worksheet_set_row(ws, row, wrapped_height(texts, widths, 3),
                                  NULL));
        for (lxw_col_t c = 0; c < NC; c++) {
            size_t k = col(dt, src[c]);
            switch (c) {
            case 0:
            case 3:
            case 4:
                num(b, ws, row, c, s3_table_num(dt, r, k), b->integer);
                break;
            case 5:
            case 7:
                num(b, ws, row, c, s3_table_num(dt, r, k), b->num2);
                break;
            case 8:
                num(b, ws, row, c, s3_table_num(dt, r, k), pct);
                break;
            default:
                str(b, ws, row, c, s3_table_text(dt, r, k), b->wrap);
            }
        }
        num(b, ws, row, BAND0, s3_table_num(dt, r, col(dt, "band_start")),
            b->num2);
        num(b, ws, row, BAND0 + 1, s3_table_num(dt, r, col(dt, "band_length")),
            b->num2);
    }
    lxw_row_t last = (lxw_row_t)(first + n - 1);
    score_colours(b, ws, first, last, 5);
    data_bar(b, ws, first, 4, last);
    /* the scores, every bar named, and the rank bands as floating bars:
     * an invisible bar up to the 5 % rank, a visible one to the 95 % */
    lxw_chart *ch = new_chart(b, LXW_CHART_BAR);
    lxw_chart_series *se = ch ? series(b, ch, name, first, last, 1, 5) : NULL;
    if (!se)
        return;
    chart_title_set_name(ch, "Score by district (1 = best possible)");
    chart_axis_set_name(ch->y_axis, "District");
    chart_axis_set_name(ch->x_axis, "Score");
    chart_axis_set_min(ch->x_axis, 0.0);
    chart_axis_set_max(ch->x_axis, 1.0);
    chart_axis_set_reverse(ch->y_axis);
    chart_axis_set_interval_unit(ch->y_axis, 1);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
    lxw_chart *cb = new_chart(b, LXW_CHART_BAR_STACKED);
    lxw_chart_series *s0 =
        cb ? series(b, cb, name, first, last, 1, BAND0) : NULL;
    if (!s0 || !series(b, cb, name, first, last, 1, BAND0 + 1))
        return;
    lxw_chart_fill none = {.none = LXW_TRUE};
    chart_series_set_fill(s0, &none);
    chart_title_set_name(cb, "Rank band, 5-95 % (1 = best)");
    chart_axis_set_name(cb->y_axis, "District");
    chart_axis_set_name(cb->x_axis, "Rank (1 = best)");
    chart_axis_set_reverse(cb->y_axis);
    chart_axis_set_interval_unit(cb->y_axis, 1);
    chart_legend_set_position(cb, LXW_CHART_LEGEND_NONE);
    /* side by side within the page's 140 units (about 1,035 pixels: 7
     * a unit and 5 a column): 510 pixels each, the second from column I
     * (columns A-H are 509 pixels) */
    lxw_chart_options opt = {.x_scale = 510.0 / 480.0, .y_scale = 1.7},
                      opt2 = {.x_offset = 8,
                              .x_scale = 510.0 / 480.0,
                              .y_scale = 1.7};
    keep(b, worksheet_insert_chart_opt(ws, last + 2, 0, ch, &opt));
    keep(b, worksheet_insert_chart_opt(ws, last + 2, 8, cb, &opt2));
    for (lxw_col_t c = 0; c < NC; c++)
        column(b, ws, c, c, DISTRICT_W[c], NULL);
    /* the page: the table and the charts, not the band helper columns */
    /* printed one page wide (7.8 pt or more): the table on the first
     * page, the charts on the second (both on one page would print at
     * 5 pt) */
    lxw_row_t breaks[] = {last + 1, 0};
    keep(b, worksheet_set_h_pagebreaks(ws, breaks));
    print_area(b, last + 30, 10, 0);
}
