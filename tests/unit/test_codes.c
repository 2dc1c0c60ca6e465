/*
 * test_codes.c — unit tests of the reference classifications and code
 * normalisation (engine/ingest/codes.c) against every row of the shipped
 * tables in $S3_REFDIR, where test_util.c checks chosen codes: every NACE
 * code of nace_rev2_en.csv finds itself in its documented spellings
 * (dotted, digits only, with its section letter, padded to a WZ
 * sub-class) with its level, parent and label; every WZ 2008 sub-class of
 * wz2008_de.csv finds its NACE class; every row of the IPC concordance maps
 * a symbol of its subclass (and main group) in each documented spelling to
 * its WIPO field; the 35 fields carry their number, name and sector; and a
 * broken reference file is refused with its name and line.
 *
 * Run with S3_REFDIR=<repo>/datasets/reference.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "ingest/ingest.h"

/* ---- the reference, loaded once per test --------------------------------- */

static s3_ctx *ctx;
static s3i_ref ref;
static s3_status ref_status = S3_EINTERNAL;
static const char *refdir;

static void
setup(void)
{
    memset(&ref, 0, sizeof ref);
    refdir = getenv("S3_REFDIR");
    ctx = s3_ctx_new();
    ref_status = S3_EINTERNAL;
    if (refdir && *refdir && ctx)
        ref_status = s3i_ref_load(ctx, refdir, &ref, NULL);
}

static void
teardown(void)
{
    s3i_ref_free(&ref);
    s3_ctx_free(ctx);
    ctx = NULL;
}

static void
require_ref(void)
{
    ck_assert_msg(refdir && *refdir, "S3_REFDIR is not set");
    ck_assert_msg(ref_status == S3_OK, "s3i_ref_load(%s): %s", refdir,
                  ctx ? s3_ctx_message(ctx) : "no context");
}

/* ---- reading a reference file's columns (with the engine's reader) ------- */

enum { MAXCOL = 6 };

typedef struct {
    const char *want[MAXCOL]; /* column names */
    size_t nwant, at[MAXCOL];
    size_t nrows, cap;
    char **cell; /* nrows × nwant */
} sheet;

static s3_status
sheet_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)r, (void)len;
    sheet *s = u;
    for (size_t k = 0; k < s->nwant; k++) {
        s->at[k] = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            if (strcmp(f[i], s->want[k]) == 0)
                s->at[k] = i;
        ck_assert_msg(s->at[k] != S3I_NONE, "no column %s", s->want[k]);
    }
    return S3_OK;
}

static s3_status
sheet_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)r, (void)n, (void)len;
    sheet *s = u;
    ck_assert_int_eq(s3i_reserve(&s->cell, &s->cap, (s->nrows + 1) * s->nwant,
                                 sizeof *s->cell),
                     0);
    for (size_t k = 0; k < s->nwant; k++)
        s->cell[s->nrows * s->nwant + k] = strdup(f[s->at[k]]);
    s->nrows++;
    return S3_OK;
}

/* Read the named columns of refdir/file into s. */
static void
read_sheet(const char *file, sheet *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", refdir, file);
    s3i_csv_info info;
    s3_status st =
        s3i_csv_read(ctx, path, file, 0, sheet_header, sheet_row, s, &info);
    ck_assert_msg(st == S3_OK, "%s: %s", file, s3_ctx_message(ctx));
    ck_assert_uint_gt(s->nrows, 0);
}

static const char *
cell(const sheet *s, size_t row, size_t k)
{
    return s->cell[row * s->nwant + k];
}

static void
sheet_free(sheet *s)
{
    for (size_t i = 0; i < s->nrows * s->nwant; i++)
        free(s->cell[i]);
    free(s->cell);
}

static size_t
nace(const char *s)
{
    return s3i_nace_lookup(&ref, s, strlen(s));
}

/* ---- NACE -----------------------------------------------------------------
 */

/* Every code of the table: found as written, as its digits only, with its
 * section letter in front (upper and lower case), and with blanks around;
 * the level, the label and the parent are those of its row; every class
 * padded to a five-digit WZ spelling with a final 0 is the class itself
 * unless WZ 2008 has that sub-class. */
START_TEST(nace_every_code)
{
    require_ref();
    sheet s = {.want = {"level", "code", "parent", "label_en"}, .nwant = 4};
    read_sheet("nace_rev2_en.csv", &s);
    ck_assert_uint_eq(s.nrows, ref.nnace);
    size_t levels[5] = {0};
    const char *section = NULL;
    for (size_t r = 0; r < s.nrows; r++) {
        const char *code = cell(&s, r, 1);
        int level = atoi(cell(&s, r, 0));
        size_t i = nace(code);
        ck_assert_msg(i != S3I_NONE, "NACE %s not found", code);
        ck_assert_str_eq(ref.nace_code[i], code);
        ck_assert_int_eq(ref.nace_level[i], level);
        ck_assert_str_eq(ref.nace_label[i], cell(&s, r, 3));
        levels[level]++;
        if (level == 1) {
            section = code;
            ck_assert_uint_eq(ref.nace_parent[i], S3I_NONE);
            ck_assert_uint_eq(s3i_nace_at_level(&ref, i, 1), i);
            continue;
        }
        ck_assert_uint_ne(ref.nace_parent[i], S3I_NONE);
        ck_assert_str_eq(ref.nace_code[ref.nace_parent[i]], cell(&s, r, 2));
        /* the file lists each code after its section */
        size_t sec = s3i_nace_at_level(&ref, i, 1);
        ck_assert_str_eq(ref.nace_code[sec], section);
        char alt[32];
        size_t n = 0;
        for (const char *c = code; *c; c++)
            if (*c != '.')
                alt[n++] = *c;
        alt[n] = '\0';
        ck_assert_msg(nace(alt) == i, "NACE %s as %s", code, alt);
        snprintf(alt, sizeof alt, "%s%s", section, code);
        ck_assert_msg(nace(alt) == i, "NACE %s as %s", code, alt);
        snprintf(alt, sizeof alt, "%c%s", section[0] + ('a' - 'A'), code);
        ck_assert_msg(nace(alt) == i, "NACE %s as %s", code, alt);
        snprintf(alt, sizeof alt, "  %s ", code);
        ck_assert_msg(nace(alt) == i, "NACE %s as '%s'", code, alt);
        /* another section's letter is refused */
        snprintf(alt, sizeof alt, "%c%s", section[0] == 'A' ? 'B' : 'A', code);
        ck_assert_msg(nace(alt) == S3I_NONE, "NACE %s accepted", alt);
        if (level == 4) {
            snprintf(alt, sizeof alt, "%s.0", code);
            size_t w = nace(alt);
            ck_assert_msg(w == i, "NACE %s as %s: %s", code, alt,
                          w == S3I_NONE ? "not found" : ref.nace_code[w]);
        }
    }
    /* NACE Rev. 2: 21 sections, 88 divisions, 272 groups, 615 classes */
    ck_assert_uint_eq(levels[1], 21);
    ck_assert_uint_eq(levels[2], 88);
    ck_assert_uint_eq(levels[3], 272);
    ck_assert_uint_eq(levels[4], 615);
    sheet_free(&s);
}
END_TEST

/* Every WZ 2008 sub-class (level 5, "62.01.9") is found, dotted and as
 * five digits, as the NACE class it belongs to. */
START_TEST(wz_every_subclass)
{
    require_ref();
    sheet s = {.want = {"level", "code"}, .nwant = 2};
    read_sheet("wz2008_de.csv", &s);
    size_t n5 = 0;
    for (size_t r = 0; r < s.nrows; r++) {
        if (atoi(cell(&s, r, 0)) != 5)
            continue;
        n5++;
        const char *code = cell(&s, r, 1); /* "62.01.9" */
        char cls[8], digits[8];
        ck_assert_uint_eq(strlen(code), 7);
        memcpy(cls, code, 5);
        cls[5] = '\0';
        snprintf(digits, sizeof digits, "%c%c%c%c%c", code[0], code[1], code[3],
                 code[4], code[6]);
        size_t c = nace(cls);
        ck_assert_msg(c != S3I_NONE, "WZ %s: class %s unknown", code, cls);
        ck_assert_msg(nace(code) == c, "WZ %s is not %s", code, cls);
        ck_assert_msg(nace(digits) == c, "WZ %s as %s is not %s", code, digits,
                      cls);
    }
    /* WZ 2008 has 839 sub-classes */
    ck_assert_uint_eq(n5, 839);
    sheet_free(&s);
}
END_TEST

/* ---- IPC → WIPO fields ----------------------------------------------------
 */

static void
ck_ipc_field(const char *symbol, int field_nr, const char *why)
{
    size_t f = 2385;
    ck_assert_msg(s3i_ipc_lookup(&ref, symbol, strlen(symbol), &f) == 0,
                  "IPC '%s' rejected (%s)", symbol, why);
    ck_assert_msg(f == (size_t)field_nr - 1,
                  "IPC '%s' -> field index %zu, expected field %d (%s)", symbol,
                  f, field_nr, why);
}

/* Each concordance row: a symbol of its subclass and main group (when the
 * row names one) maps to the row's field in the documented spellings
 * ("A61K 8/02", "A61K8/02", the PATSTAT padding "A61K   8/02", the
 * 14-character "A61K0008020000", lower case); a row of the subclass alone
 * maps the bare subclass. */
START_TEST(ipc_every_concordance_row)
{
    require_ref();
    sheet s = {.want = {"ipc_subclass", "ipc_main_group", "field_nr"},
               .nwant = 3};
    read_sheet("ipc_to_wipo35_concordance.csv", &s);
    for (size_t r = 0; r < s.nrows; r++) {
        const char *sub = cell(&s, r, 0), *mg = cell(&s, r, 1);
        int field = atoi(cell(&s, r, 2));
        char sym[64];
        if (!*mg) {
            ck_ipc_field(sub, field, "subclass row");
            continue;
        }
        int g = atoi(mg);
        snprintf(sym, sizeof sym, "%s %d/00", sub, g);
        ck_ipc_field(sym, field, "main-group row");
        snprintf(sym, sizeof sym, "%s%d/517", sub, g);
        ck_ipc_field(sym, field, "main-group row, no blank");
        snprintf(sym, sizeof sym, "%s%4d/2385", sub, g);
        ck_ipc_field(sym, field, "main-group row, PATSTAT padding");
        snprintf(sym, sizeof sym, "%s%04d238500", sub, g);
        ck_ipc_field(sym, field, "main-group row, 14 characters");
        snprintf(sym, sizeof sym, "%s %d/00", sub, g);
        for (char *c = sym; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + ('a' - 'A') : *c);
        ck_ipc_field(sym, field, "main-group row, lower case");
    }
    sheet_free(&s);
}
END_TEST

/* The output text of every NACE code: its section letter before the code
 * (Eurostat's form), a section as it is; each text is unique, reads back
 * to its code, and never parses as a number.  Fixed examples from the
 * Eurostat tables: A01, C10.1, J62, J62.01. */
START_TEST(nace_output_texts)
{
    require_ref();
    static const char *const ex[][2] = {{"01", "A01"},      {"10.1", "C10.1"},
                                        {"62", "J62"},      {"62.01", "J62.01"},
                                        {"J", "J"},         {"35", "D35"},
                                        {"86.21", "Q86.21"}};
    for (size_t k = 0; k < sizeof ex / sizeof ex[0]; k++) {
        size_t i = nace(ex[k][0]);
        ck_assert_uint_ne(i, S3I_NONE);
        ck_assert_str_eq(ref.nace_text[i], ex[k][1]);
    }
    for (size_t i = 0; i < ref.nnace; i++) {
        const char *t = ref.nace_text[i];
        size_t sec = s3i_nace_at_level(&ref, i, 1);
        ck_assert_uint_ne(sec, S3I_NONE);
        ck_assert_int_eq(t[0], ref.nace_code[sec][0]);
        ck_assert_uint_eq(nace(t), i);
        char *end;
        (void)strtod(t, &end);
        ck_assert_ptr_eq(end, t); /* not a number at all */
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(ref.nace_text[j], t);
    }
    for (size_t f = 0; f < ref.nfields; f++) {
        char want[24];
        snprintf(want, sizeof want, "F%02zu", f + 1);
        ck_assert_str_eq(ref.field_text[f], want);
    }
}
END_TEST

START_TEST(fields_and_sectors)
{
    require_ref();
    sheet s = {.want = {"field_nr", "sector", "field_name"}, .nwant = 3};
    read_sheet("wipo35_fields.csv", &s);
    ck_assert_uint_eq(s.nrows, 35);
    ck_assert_uint_eq(ref.nfields, 35);
    for (size_t r = 0; r < s.nrows; r++) {
        char code[8];
        snprintf(code, sizeof code, "%02d", atoi(cell(&s, r, 0)));
        ck_assert_uint_eq((size_t)atoi(cell(&s, r, 0)), r + 1);
        ck_assert_str_eq(ref.field_code[r], code);
        ck_assert_str_eq(ref.field_label[r], cell(&s, r, 2));
        ck_assert_uint_lt(ref.field_sector[r], ref.nsectors);
        ck_assert_str_eq(ref.sector_label[ref.field_sector[r]], cell(&s, r, 1));
    }
    ck_assert_uint_eq(ref.nsectors, 5);
    sheet_free(&s);
}
END_TEST

/* ---- loading --------------------------------------------------------------
 */

/* Copy the reference folder into dir, replacing line `line` of `file` by
 * `text` (line 0: leave every file as it is). */
static void
copy_reference(const char *dir, const char *file, size_t line, const char *text)
{
    static const char *const files[] = {"nace_rev2_en.csv", "wz2008_de.csv",
                                        "wipo35_fields.csv",
                                        "ipc_to_wipo35_concordance.csv"};
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    for (size_t k = 0; k < 4; k++) {
        char src[4096], dst[4096], buf[4096];
        snprintf(src, sizeof src, "%s/%s", refdir, files[k]);
        snprintf(dst, sizeof dst, "%s/%s", dir, files[k]);
        FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
        ck_assert_ptr_nonnull(in);
        ck_assert_ptr_nonnull(out);
        for (size_t n = 1; fgets(buf, sizeof buf, in); n++)
            fputs(strcmp(files[k], file) == 0 && n == line ? text : buf, out);
        fclose(in);
        ck_assert_int_eq(fclose(out), 0);
    }
}

static void
remove_reference(const char *dir)
{
    static const char *const files[] = {"nace_rev2_en.csv", "wz2008_de.csv",
                                        "wipo35_fields.csv",
                                        "ipc_to_wipo35_concordance.csv"};
    char p[4096];
    for (size_t k = 0; k < 4; k++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[k]);
        unlink(p);
    }
    rmdir(dir);
}

/* The inputs table gets one row per reference file with its data rows
 * and size. */
START_TEST(load_records_inputs)
{
    require_ref();
    static const s3i_colspec cols[] = {{"file", S3_COL_TEXT},
                                       {"path", S3_COL_TEXT},
                                       {"rows_read", S3_COL_INTEGER},
                                       {"bytes", S3_COL_INTEGER},
                                       {"sha256", S3_COL_TEXT}};
    s3_table *inputs = s3i_table_new("inputs", 5, cols);
    s3i_ref r2;
    ck_assert_int_eq(s3i_ref_load(ctx, refdir, &r2, inputs), S3_OK);
    ck_assert_uint_eq(s3_table_rows(inputs), 4);
    ck_assert_str_eq(s3_table_text(inputs, 0, 0), "reference/nace_rev2_en.csv");
    ck_assert_str_eq(s3_table_text(inputs, 3, 0),
                     "reference/ipc_to_wipo35_concordance.csv");
    /* data rows: 996 NACE codes (21 + 88 + 272 + 615), 35 fields */
    ck_assert_double_eq(s3_table_num(inputs, 0, 2), 996);
    ck_assert_double_eq(s3_table_num(inputs, 2, 2), 35);
    for (size_t i = 0; i < 4; i++) {
        struct stat sb;
        ck_assert_int_eq(stat(s3_table_text(inputs, i, 1), &sb), 0);
        ck_assert_double_eq(s3_table_num(inputs, i, 3), (double)sb.st_size);
        ck_assert_uint_eq(strlen(s3_table_text(inputs, i, 4)), 64);
    }
    s3i_ref_free(&r2);
    s3i_table_free(inputs);
}
END_TEST

/* A broken row of a reference file stops the load with the file, line,
 * column and value; a missing folder names the file it could not open. */
START_TEST(load_refuses_broken_rows)
{
    require_ref();
    struct {
        const char *file;
        size_t line;
        const char *text, *msg;
    } cases[] = {
        {"nace_rev2_en.csv", 7, "7,01.1,01,Growing,01\n",
         "reference/nace_rev2_en.csv:7: column 'level': '7'"},
        {"nace_rev2_en.csv", 9, "4,01.113,01.1,Growing,011\n",
         "reference/nace_rev2_en.csv:9: column 'code': '01.113'"},
        {"nace_rev2_en.csv", 5, "4,01.19,01.9,Growing,011\n",
         "unknown parent '01.9'"},
        {"wz2008_de.csv", 12, "5,99.99.9,x,y\n",
         "reference/wz2008_de.csv:12: column 'code': '99.99.9' is a WZ "
         "sub-class of no NACE Rev. 2 class"},
        {"wipo35_fields.csv", 3, "7,Chemistry,x\n",
         "reference/wipo35_fields.csv:3: column 'field_nr': '7' is out of "
         "order"},
        {"ipc_to_wipo35_concordance.csv", 4, "A01D,,A01D,36,x,y\n",
         "reference/ipc_to_wipo35_concordance.csv:4: column 'field_nr': "
         "'36' is not a WIPO field number"},
        {"ipc_to_wipo35_concordance.csv", 2, "A01,,A01,29,x,y\n",
         "reference/ipc_to_wipo35_concordance.csv:2: column 'ipc_subclass': "
         "'A01'"},
    };
    char dir[64];
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        snprintf(dir, sizeof dir, "/tmp/s3t-codes-%d-%zu", (int)getpid(), k);
        copy_reference(dir, cases[k].file, cases[k].line, cases[k].text);
        s3i_ref r2;
        s3_status st = s3i_ref_load(ctx, dir, &r2, NULL);
        const char *m = s3_ctx_message(ctx);
        ck_assert_msg(st == S3_EINPUT, "case %zu: status %d (%s)", k, st, m);
        ck_assert_msg(strstr(m, cases[k].msg) != NULL,
                      "case %zu: message '%s' lacks '%s'", k, m, cases[k].msg);
        s3i_ref_free(&r2);
        remove_reference(dir);
    }
    /* an unchanged copy loads */
    snprintf(dir, sizeof dir, "/tmp/s3t-codes-%d-ok", (int)getpid());
    copy_reference(dir, "", 0, NULL);
    s3i_ref r2;
    ck_assert_int_eq(s3i_ref_load(ctx, dir, &r2, NULL), S3_OK);
    s3i_ref_free(&r2);
    remove_reference(dir);
    /* no such folder */
    ck_assert_int_ne(s3i_ref_load(ctx, "/nonexistent/s3t", &r2, NULL), S3_OK);
    ck_assert_ptr_nonnull(
        strstr(s3_ctx_message(ctx), "/nonexistent/s3t/nace_rev2_en.csv"));
    s3i_ref_free(&r2);
}
END_TEST

static Suite *
codes_suite(void)
{
    Suite *s = suite_create("codes");
    TCase *tc = tcase_create("every row");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, nace_every_code);
    tcase_add_test(tc, nace_output_texts);
    tcase_add_test(tc, wz_every_subclass);
    tcase_add_test(tc, ipc_every_concordance_row);
    tcase_add_test(tc, fields_and_sectors);
    suite_add_tcase(s, tc);
    tc = tcase_create("loading");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, load_records_inputs);
    tcase_add_test(tc, load_refuses_broken_rows);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {codes_suite()};
    return s3t_run(s, 1);
}
