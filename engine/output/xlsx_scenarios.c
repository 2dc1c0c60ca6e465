/*
 * xlsx_scenarios.c — the Scenarios sheet: one block per scenario, from
 * the scenario_summary table (stages/scenarios.c), which has decided
 * everything shown: which units moved, better or worse, whether a move
 * leaves the unit's rank band, which score change shows at 3 decimals.
 * The renderer only lays the rows out and colours them: green = better
 * (a smaller rank number, a higher score), red = worse; no colour and no
 * arrow where the stage found no change at display precision.
 */
#include "output/xlsx.h"

/* Formats of this sheet: rank integers and score numbers, plain, green
 * and red; a block heading and a level heading. */
typedef struct {
    lxw_format *rank[3], *score[3], *dir[3], *rca, *plain, *wrap, *scen, *lvl;
} scen_formats;

static lxw_format *
fmt(book *b, const char *numfmt, lxw_color_t fill)
{
    lxw_format *f = workbook_add_format(b->wb);
    if (!f) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    if (numfmt)
        format_set_num_format(f, numfmt);
    if (fill)
        format_set_bg_color(f, fill);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

static void
scen_formats_make(book *b, scen_formats *f)
{
    /* the light colours of the workbook: green, red */
    static const lxw_color_t fill[3] = {0, 0xC6EFCE, 0xFFC7CE};
    for (int i = 0; i < 3; i++) {
        f->rank[i] = fmt(b, "0", fill[i]);
        f->score[i] = fmt(b, "0.000", fill[i]);
        f->dir[i] = fmt(b, NULL, fill[i]);
    }
    f->rca = fmt(b, "0.00", 0);
    f->plain = fmt(b, NULL, 0);
    f->wrap = fmt(b, NULL, 0);
    format_set_text_wrap(f->wrap);
    f->scen = fmt(b, NULL, 0xDDEBF7);
    format_set_bold(f->scen);
    format_set_font_size(f->scen, 13);
    f->lvl = fmt(b, NULL, 0);
    format_set_bold(f->lvl);
}

/* Colour index of a move: 1 green (better), 2 red (worse), 0 none. */
static int
tone(const char *move)
{
    if (!strcmp(move, "better") || !strcmp(move, "higher") ||
        !strcmp(move, "gained"))
        return 1;
    if (!strcmp(move, "worse") || !strcmp(move, "lower") ||
        !strcmp(move, "lost"))
        return 2;
    return 0;
}

/* The columns' widths (Excel units): 137 in all, within PRINT_FIT_MAX,
 * so the sheet is fitted to the page's width at about 73 % (11-pt text
 * prints at 8 pt).  Names, class labels and the last column wrap, their
 * rows as high as their lines (wrapped_height). */
static const double widths[10] = {7, 36, 9, 8, 14, 10, 9, 9, 9, 26};

/* A header row of section headings, as high as its longest heading. */
static lxw_row_t
heads(book *b, lxw_worksheet *ws, lxw_row_t r, const char *const *h, size_t n)
{
    double w[10];
    for (size_t c = 0; c < n; c++) {
        str(b, ws, r, (lxw_col_t)c, h[c], b->head);
        w[c] = widths[c] / 1.1; /* bold is wider (as s3i_finish_sheet) */
    }
    keep(b, worksheet_set_row(ws, r, wrapped_height(h, w, n), NULL));
    return r + 1;
}

static const char *const rank_head[] = {
    "Unit",         "Name",
    "Rank before",  "Rank after",
    "Change",       "Direction",
    "Score before", "Score after",
    "Score change", "Rank band (baseline, 5-95 % of the bootstrap draws)"};
static const char *const spec_head[] = {
    "Unit",
    "Name",
    "Matrix",
    "Class",
    "Class label",
    "",
    "RCA before",
    "RCA after",
    "Change",
    "Specialisation before \u2192 after (\u2014: not in the "
    "baseline)"};
static const char *const opp_head[] = {"Unit",
                                       "Name",
                                       "Matrix",
                                       "Class",
                                       "Class label",
                                       "",
                                       "Density before",
                                       "Density after",
                                       "",
                                       "Quadrant before \u2192 after "
                                       "(\u2014: specialised, or not in "
                                       "that pass)"};
static const char *const status_head[] = {
    "Unit", "Name", "", "", "", "", "", "", "", "Status before \u2192 after"};

/* One row of the summary table t, row i, of kind k, at sheet row r. */
static void
put_row(book *b, lxw_worksheet *ws, const scen_formats *f, lxw_row_t r,
        const s3_table *t, size_t i, const char *k)
{
#define TXT_(name) s3_table_text(t, i, col(t, name))
#define NUM_(name) s3_table_num(t, i, col(t, name))
    /* a sub-region's name is its code: shown once, running over the
     * empty name cell */
    const char *unit = TXT_("unit"), *name = TXT_("unit_name");
    if (!strcmp(name, unit))
        name = "";
    str(b, ws, r, 0, unit, f->plain);
    str(b, ws, r, 1, name, f->wrap);
    char both[300];
    const char *texts[4] = {name, NULL, NULL, NULL};
    /* the class label spans columns 4 and 5 (Direction is a rank's) */
    const double w[4] = {widths[1], widths[4] + widths[5], widths[9],
                         widths[2]};
    if (!strcmp(k, "rank")) {
        int tr = tone(TXT_("rank_move")), ts = tone(TXT_("score_move"));
        num(b, ws, r, 2, NUM_("rank_before"), f->rank[0]);
        num(b, ws, r, 3, NUM_("rank_after"), f->rank[tr]);
        num(b, ws, r, 4, NUM_("rank_change"), f->rank[tr]);
        str(b, ws, r, 5,
            tr == 1   ? "\u25B2 better"
            : tr == 2 ? "\u25BC worse"
                      : "",
            f->dir[tr]);
        num(b, ws, r, 6, NUM_("score_before"), f->score[0]);
        num(b, ws, r, 7, NUM_("score_after"), f->score[0]);
        num(b, ws, r, 8, NUM_("score_change"), f->score[ts]);
        str(b, ws, r, 9, TXT_("band"), f->wrap);
        texts[2] = TXT_("band");
        keep(b, worksheet_set_row(ws, r, wrapped_height(texts, w, 4), NULL));
        return;
    }
    /* an empty label: no such cell in that pass, or (a quadrant) the
     * unit holds the class */
    const char *l0 = TXT_("label_before"), *l1 = TXT_("label_after");
    snprintf(both, sizeof both, "%s \u2192 %s", *l0 ? l0 : "\u2014",
             *l1 ? l1 : "\u2014");
    texts[2] = both;
    if (!strcmp(k, "status")) {
        str(b, ws, r, 9, both, f->wrap);
        keep(b, worksheet_set_row(ws, r, wrapped_height(texts, w, 4), NULL));
        return;
    }
    str(b, ws, r, 2, TXT_("matrix"), f->wrap); /* tenants_by_aggregate */
    texts[3] = TXT_("matrix");
    str(b, ws, r, 3, TXT_("class"), f->plain);
    keep(b,
         worksheet_merge_range(ws, r, 4, r, 5, TXT_("class_label"), f->wrap));
    texts[1] = TXT_("class_label");
    num(b, ws, r, 6, NUM_("value_before"), f->rca);
    num(b, ws, r, 7, NUM_("value_after"), f->rca);
    if (!strcmp(k, "specialisation")) {
        /* gained: specialised after, not before; lost: the reverse; a
         * class new in the scenario and not specialised there neither */
        int was = !strcmp(l0, "specialised"), is = !strcmp(l1, "specialised");
        if (was != is)
            str(b, ws, r, 8, is ? "gained" : "lost", f->dir[is ? 1 : 2]);
    }
    str(b, ws, r, 9, both, f->wrap);
    keep(b, worksheet_set_row(ws, r, wrapped_height(texts, w, 4), NULL));
#undef TXT_
#undef NUM_
}

void
s3i_xlsx_scenarios(book *b, const sheet_spec *s)
{
    const s3_table *t = s3_result_table(b->res, "scenario_summary");
    lxw_worksheet *ws = new_sheet(b, sheet_name(b, s));
    if (!ws)
        return;
    scen_formats f;
    scen_formats_make(b, &f);
    if (b->err)
        return;
    sheet_title(b, ws,
                "Scenarios: what changes against the baseline (every "
                "change in csv/scenario_deltas.csv)");
    lxw_row_t r = 2;
    if (!t || s3_table_rows(t) == 0) {
        str(b, ws, r, 0, "No scenario ran (run with --scenario NAME or all).",
            b->note);
    }
    size_t n = t ? s3_table_rows(t) : 0;
    size_t csc = n ? col(t, "scenario") : 0, clv = n ? col(t, "level") : 0,
           ckd = n ? col(t, "kind") : 0;
    lxw_row_t breaks[64];
    size_t nbreaks = 0;
    for (size_t i = 0; i < n && r < XLSX_MAX_ROWS - 8; i++) {
        const char *sc = s3_table_text(t, i, csc),
                   *lv = s3_table_text(t, i, clv),
                   *k = s3_table_text(t, i, ckd);
        int new_scen = i == 0 || strcmp(sc, s3_table_text(t, i - 1, csc));
        int new_level = new_scen || strcmp(lv, s3_table_text(t, i - 1, clv));
        int new_kind = new_level || strcmp(k, s3_table_text(t, i - 1, ckd));
        if (new_scen) {
            if (i > 0) {
                r++;
                if (nbreaks < 63)
                    breaks[nbreaks++] = r; /* each scenario on a new page */
            }
            char h[300];
            snprintf(h, sizeof h, "Scenario: %s", sc);
            keep(b, worksheet_merge_range(ws, r, 0, r, 9, h, f.scen));
            r++;
            const char *d = s3_table_text(t, i, col(t, "description"));
            para(b, ws, r++, *d ? d : "(no description)", b->note_wrap);
        }
        if (new_level) {
            char h[120];
            snprintf(h, sizeof h, "%s",
                     !strcmp(lv, "centre")      ? "Centres"
                     : !strcmp(lv, "subregion") ? "Sub-regions"
                                                : "Units");
            str(b, ws, r++, 0, h, f.lvl);
        }
        if (!strcmp(k, "unchanged")) {
            str(b, ws, r++, 0, s3_table_text(t, i, col(t, "text")), b->note);
            continue;
        }
        if (new_kind) {
            if (!strcmp(k, "rank")) {
                str(b, ws, r++, 0, "Ranks that moved (1 = best)", f.lvl);
                r = heads(b, ws, r, rank_head, 10);
            } else if (!strcmp(k, "specialisation")) {
                str(b, ws, r++, 0, "Specialisations gained or lost", f.lvl);
                r = heads(b, ws, r, spec_head, 10);
            } else if (!strcmp(k, "opportunity")) {
                str(b, ws, r++, 0, "Opportunities that changed quadrant",
                    f.lvl);
                r = heads(b, ws, r, opp_head, 10);
            } else {
                str(b, ws, r++, 0, "Status", f.lvl);
                r = heads(b, ws, r, status_head, 10);
            }
        }
        put_row(b, ws, &f, r++, t, i, k);
    }
    if (nbreaks) {
        breaks[nbreaks] = 0;
        keep(b, worksheet_set_h_pagebreaks(ws, breaks));
    }
    for (lxw_col_t c = 0; c < 10; c++)
        column(b, ws, c, c, widths[c], NULL);
}
