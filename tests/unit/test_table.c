/*
 * test_table.c — unit tests of the tidy result tables (engine/base/table.c)
 * through the internal constructors and the public accessors of s3.h: the
 * schema, the empty value of a new row (NaN, ""), that text is copied (and
 * shared between cells when short, without one cell's change reaching
 * another) and kept valid UTF-8, the 64-byte boundary of that sharing, the
 * accessors' answers for the wrong column type and out-of-range cells, growth
 * to many rows (also past the size from which cells are mapped),
 * s3i_table_free(NULL), and views (s3i_table_view): rows in blocks made
 * when read, read-only, copied as stored tables.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "check_util.h"

static const s3i_colspec cols[] = {
    {"unit", S3_COL_TEXT},
    {"rca", S3_COL_NUMBER},
    {"rank", S3_COL_INTEGER},
    {"label", S3_COL_TEXT},
};

START_TEST(schema)
{
    s3_table *t = s3i_table_new("specialisation", 4, cols);
    ck_assert_ptr_nonnull(t);
    ck_assert_str_eq(s3_table_name(t), "specialisation");
    ck_assert_uint_eq(s3_table_cols(t), 4);
    ck_assert_uint_eq(s3_table_rows(t), 0);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(s3_table_col_name(t, i), cols[i].name);
        ck_assert_int_eq(s3_table_col_type(t, i), cols[i].type);
        ck_assert_uint_eq(s3_table_col(t, cols[i].name), i);
    }
    ck_assert_ptr_null(s3_table_col_name(t, 4));
    ck_assert_uint_eq(s3_table_col(t, "no such column"), (size_t)-1);
    ck_assert_uint_eq(s3_table_col(t, "ran"), (size_t)-1); /* a prefix */
    s3i_table_free(t);
}
END_TEST

/* the names are copied: the caller's strings may go away */
START_TEST(names_copied)
{
    char name[16] = "units", c0[16] = "total";
    s3i_colspec spec[] = {{c0, S3_COL_NUMBER}};
    s3_table *t = s3i_table_new(name, 1, spec);
    ck_assert_ptr_nonnull(t);
    strcpy(name, "xxxxx");
    strcpy(c0, "yyyyy");
    ck_assert_str_eq(s3_table_name(t), "units");
    ck_assert_str_eq(s3_table_col_name(t, 0), "total");
    s3i_table_free(t);
}
END_TEST

/* a new row holds no values: NaN numbers, "" texts */
START_TEST(new_row_is_empty)
{
    s3_table *t = s3i_table_new("t", 4, cols);
    ck_assert_uint_eq(s3i_table_add_row(t), 0);
    ck_assert_uint_eq(s3i_table_add_row(t), 1);
    ck_assert_uint_eq(s3_table_rows(t), 2);
    for (size_t r = 0; r < 2; r++) {
        ck_assert_str_eq(s3_table_text(t, r, 0), "");
        ck_assert_nan(s3_table_num(t, r, 1));
        ck_assert_nan(s3_table_num(t, r, 2));
        ck_assert_str_eq(s3_table_text(t, r, 3), "");
    }
    s3i_table_free(t);
}
END_TEST

/* numbers are kept exactly, including infinities and signed zeros; the
 * accessors refuse the other type and cells out of range */
START_TEST(numbers_and_types)
{
    s3_table *t = s3i_table_new("t", 4, cols);
    const double v[] = {
        2.385,    -0.0,   1e-308, 4.9e-324, 1.7976931348623157e308,
        INFINITY, -517.25};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t r = s3i_table_add_row(t);
        s3i_table_set_num(t, r, 1, v[i]);
        s3i_table_set_num(t, r, 2, (double)(i + 1));
    }
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        double got = s3_table_num(t, i, 1);
        ck_assert_int_eq(memcmp(&got, &v[i], sizeof got), 0);
        ck_assert_double_eq(s3_table_num(t, i, 2), (double)(i + 1));
        /* a text column has no number, a number column no text */
        ck_assert_nan(s3_table_num(t, i, 0));
        ck_assert_ptr_null(s3_table_text(t, i, 1));
        ck_assert_ptr_null(s3_table_text(t, i, 2));
    }
    /* out of range: no value, not a crash */
    ck_assert_nan(s3_table_num(t, 7, 1));
    ck_assert_nan(s3_table_num(t, 0, 4));
    ck_assert_ptr_null(s3_table_text(t, 7, 0));
    ck_assert_ptr_null(s3_table_text(t, 0, 4));
    /* setting NaN again clears a value */
    s3i_table_set_num(t, 0, 1, NAN);
    ck_assert_nan(s3_table_num(t, 0, 1));
    s3i_table_free(t);
}
END_TEST

/* Text is copied; short texts are kept once and shared, and a cell set
 * again does not change the other cells that held the same text. */
START_TEST(text_copied_and_shared)
{
    s3_table *t = s3i_table_new("t", 4, cols);
    char buf[128];
    for (size_t r = 0; r < 3; r++)
        s3i_table_add_row(t);
    strcpy(buf, "Alpha Technology Centre 1");
    ck_assert_int_eq(s3i_table_set_text(t, 0, 0, buf), 0);
    ck_assert_int_eq(s3i_table_set_text(t, 1, 0, buf), 0);
    strcpy(buf, "changed by the caller");
    ck_assert_str_eq(s3_table_text(t, 0, 0), "Alpha Technology Centre 1");
    ck_assert_str_eq(s3_table_text(t, 1, 0), "Alpha Technology Centre 1");
    ck_assert_ptr_eq(s3_table_text(t, 0, 0), s3_table_text(t, 1, 0));
    ck_assert_int_eq(s3i_table_set_text(t, 1, 0, "Beta Incubator 2"), 0);
    ck_assert_str_eq(s3_table_text(t, 0, 0), "Alpha Technology Centre 1");
    ck_assert_str_eq(s3_table_text(t, 1, 0), "Beta Incubator 2");
    /* NULL and "" are no value */
    ck_assert_int_eq(s3i_table_set_text(t, 0, 3, "x"), 0);
    ck_assert_int_eq(s3i_table_set_text(t, 0, 3, NULL), 0);
    ck_assert_str_eq(s3_table_text(t, 0, 3), "");
    ck_assert_int_eq(s3i_table_set_text(t, 1, 3, ""), 0);
    ck_assert_str_eq(s3_table_text(t, 1, 3), "");
    /* texts around 64 bytes (up to 64 kept once and shared, longer ones
     * copied for each cell), and one holding every byte value 1..255:
     * ASCII kept, each byte of no valid UTF-8 letter shown as '?' */
    for (size_t n = 63; n <= 66; n++) {
        memset(buf, 'a' + (int)(n % 26), n);
        buf[n] = '\0';
        ck_assert_int_eq(s3i_table_set_text(t, 2, 0, buf), 0);
        ck_assert_int_eq(s3i_table_set_text(t, 2, 3, buf), 0);
        buf[0] = 'Z';
        ck_assert_uint_eq(strlen(s3_table_text(t, 2, 0)), n);
        ck_assert_int_eq(s3_table_text(t, 2, 0)[0], 'a' + (int)(n % 26));
        ck_assert_str_eq(s3_table_text(t, 2, 0), s3_table_text(t, 2, 3));
    }
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    ck_assert_int_eq(s3i_table_set_text(t, 2, 3, all), 0);
    const char *kept = s3_table_text(t, 2, 3);
    ck_assert_int_eq(memcmp(kept, all, 127), 0);
    ck_assert(s3i_utf8_valid(kept, strlen(kept)));
    ck_assert_uint_ge(strlen(kept), 127 + 120);
    for (size_t i = 127; kept[i]; i++)
        ck_assert_int_eq(kept[i], '?');
    s3i_table_free(t);
}
END_TEST

/* many rows: every value survives the table's growth */
START_TEST(growth)
{
    enum { N = 100003 };
    s3_table *t = s3i_table_new("pairs", 4, cols);
    char id[32];
    for (size_t i = 0; i < N; i++) {
        size_t r = s3i_table_add_row(t);
        ck_assert_uint_eq(r, i);
        snprintf(id, sizeof id, "C%03zu", i % 997);
        ck_assert_int_eq(s3i_table_set_text(t, r, 0, id), 0);
        s3i_table_set_num(t, r, 1, 2.385 * (double)i);
        s3i_table_set_num(t, r, 2, (double)(N - i));
    }
    ck_assert_uint_eq(s3_table_rows(t), N);
    for (size_t i = 0; i < N; i++) {
        snprintf(id, sizeof id, "C%03zu", i % 997);
        ck_assert_str_eq(s3_table_text(t, i, 0), id);
        ck_assert_double_eq(s3_table_num(t, i, 1), 2.385 * (double)i);
        ck_assert_double_eq(s3_table_num(t, i, 2), (double)(N - i));
        ck_assert_str_eq(s3_table_text(t, i, 3), "");
    }
    s3i_table_free(t);
}
END_TEST

/* past 4 MB of cells the table maps them itself (table.c): every value
 * survives the move from malloc'd to mapped cells, the mapping's growth
 * (1,120,004 cells pass 2^20) and a reservation in between */
START_TEST(growth_mapped)
{
    enum { N = 280001, HALF = 140000 };
    s3_table *t = s3i_table_new("cells", 4, cols);
    char id[32];
    /* mismatches are counted and asserted once: Check writes a record
     * per assertion, which would dominate 1.4 million of them */
    size_t failed = 0, wrong = 0;
    for (size_t i = 0; i < N; i++) {
        if (i == HALF)
            ck_assert_int_eq(s3i_table_reserve(t, N), 0);
        snprintf(id, sizeof id, "U%zu", i % 1009);
        s3i_val v[] = {S3I_TEXT(id), S3I_NUM(0.5 * (double)i),
                       S3I_INT(i % 7 ? (double)i : NAN), S3I_TEXT(NULL)};
        failed += s3i_table_append(t, v, 4) != 0;
    }
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_eq(s3_table_rows(t), N);
    for (size_t i = 0; i < N; i++) {
        snprintf(id, sizeof id, "U%zu", i % 1009);
        double rank = s3_table_num(t, i, 2);
        wrong += strcmp(s3_table_text(t, i, 0), id) != 0 ||
                 s3_table_num(t, i, 1) != 0.5 * (double)i ||
                 (i % 7 ? rank != (double)i : !isnan(rank)) ||
                 strcmp(s3_table_text(t, i, 3), "") != 0;
    }
    ck_assert_uint_eq(wrong, 0);
    s3i_table_free(t);
}
END_TEST

/* a table without columns is a valid (if useless) table; free accepts
 * NULL */
START_TEST(edge_cases)
{
    s3_table *t = s3i_table_new("empty", 0, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(s3_table_cols(t), 0);
    ck_assert_uint_eq(s3i_table_add_row(t), 0);
    ck_assert_uint_eq(s3_table_rows(t), 1);
    ck_assert_uint_eq(s3_table_col(t, "unit"), (size_t)-1);
    s3i_table_free(t);
    s3i_table_free(NULL);
}
END_TEST

/* a table's text is valid UTF-8: a letter split by a cut at the end is
 * dropped, a broken one inside becomes '?' (what a message quoting a name
 * cut at a byte count would hold) */
START_TEST(text_kept_utf8)
{
    s3_table *t = s3i_table_new("notes", 4, cols);
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(s3i_table_add_row(t), 0);
    ck_assert_int_eq(s3i_table_set_text(t, 0, 0, "M\xc3\xbcnster \xc3"), 0);
    ck_assert_str_eq(s3_table_text(t, 0, 0), "M\xc3\xbcnster ");
    ck_assert_int_eq(s3i_table_set_text(t, 0, 3, "'K\xc3' left out"), 0);
    ck_assert_str_eq(s3_table_text(t, 0, 3), "'K?' left out");
    ck_assert_int_eq(s3i_table_set_text(t, 0, 3, "D\xc3\xbcsseldorf"), 0);
    ck_assert_str_eq(s3_table_text(t, 0, 3), "D\xc3\xbcsseldorf");
    s3i_table_free(t);
}
END_TEST

/* ---- views -------------------------------------------------------------- */

static const char *const view_names[] = {"first", "second", "third"};

/* cell (i, j) of block b: unit = the block's name, rca = b·100 + i·10 + j,
 * rank = i, label = empty (NULL) on odd j */
static s3i_val
view_cell(const void *src, size_t b, size_t i, size_t j, size_t col)
{
    const int *tag = src;
    switch (col) {
    case 0:
        return S3I_TEXT(view_names[b]);
    case 1:
        return S3I_NUM(*tag * 1000.0 + b * 100.0 + i * 10.0 + j);
    case 2:
        return S3I_INT(i);
    default:
        return S3I_TEXT(j % 2 ? NULL : "even");
    }
}

static s3_table *
view_new(void)
{
    int *tag = malloc(sizeof *tag);
    ck_assert_ptr_nonnull(tag);
    *tag = 7;
    s3_table *t = s3i_table_view("view", 4, cols, view_cell, tag);
    ck_assert_ptr_nonnull(t);
    /* 2 × 3, an empty block, 1 × 2: 8 rows */
    ck_assert_int_eq(s3i_table_view_block(t, 2, 3), 0);
    ck_assert_int_eq(s3i_table_view_block(t, 0, 4), 0);
    ck_assert_int_eq(s3i_table_view_block(t, 1, 2), 0);
    return t;
}

/* rows in block order, each (i, j) in row-major order; the cell readers
 * and the row reader agree; out of range: NaN, NULL, -1 */
START_TEST(view_blocks)
{
    s3_table *t = view_new();
    ck_assert_uint_eq(s3_table_rows(t), 8);
    ck_assert_uint_eq(s3_table_cols(t), 4);
    static const struct {
        size_t b, i, j;
    } want[] = {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 1, 0},
                {0, 1, 1}, {0, 1, 2}, {2, 0, 0}, {2, 0, 1}};
    for (size_t r = 0; r < 8; r++) {
        double rca = 7000.0 + want[r].b * 100.0 + want[r].i * 10.0 + want[r].j;
        ck_assert_str_eq(s3_table_text(t, r, 0), view_names[want[r].b]);
        ck_assert_double_eq(s3_table_num(t, r, 1), rca);
        ck_assert_double_eq(s3_table_num(t, r, 2), (double)want[r].i);
        ck_assert_str_eq(s3_table_text(t, r, 3), want[r].j % 2 ? "" : "even");
        ck_assert_ptr_null(s3_table_text(t, r, 1)); /* the wrong type */
        ck_assert(isnan(s3_table_num(t, r, 0)));
        s3i_val v[4];
        ck_assert_int_eq(s3i_table_row(t, r, v), 0);
        ck_assert_int_eq(v[0].type, S3_COL_TEXT);
        ck_assert_str_eq(v[0].v.text, view_names[want[r].b]);
        ck_assert_int_eq(v[1].type, S3_COL_NUMBER);
        ck_assert_double_eq(v[1].v.num, rca);
        ck_assert_int_eq(v[2].type, S3_COL_INTEGER);
        ck_assert_double_eq(v[2].v.num, (double)want[r].i);
        ck_assert_str_eq(v[3].v.text, want[r].j % 2 ? "" : "even");
    }
    ck_assert(isnan(s3_table_num(t, 8, 1)));
    ck_assert_ptr_null(s3_table_text(t, 8, 0));
    s3i_val v[4];
    ck_assert_int_eq(s3i_table_row(t, 8, v), -1);
    s3i_table_free(t);
}
END_TEST

/* a view cannot be changed; a stored table takes no blocks */
START_TEST(view_read_only)
{
    s3_table *t = view_new();
    ck_assert_uint_eq(s3i_table_add_row(t), (size_t)-1);
    ck_assert_int_eq(s3i_table_set_num(t, 0, 1, 1.0), -1);
    ck_assert_int_eq(s3i_table_set_text(t, 0, 0, "x"), -1);
    ck_assert_int_eq(s3i_table_reserve(t, 100), -1);
    s3i_val row[] = {S3I_TEXT("a"), S3I_NUM(1.0), S3I_INT(2), S3I_TEXT("b")};
    ck_assert_int_eq(s3i_table_append(t, row, 4), -1);
    ck_assert_uint_eq(s3_table_rows(t), 8);
    ck_assert_str_eq(s3_table_text(t, 0, 0), "first");
    s3_table *plain = s3i_table_new("plain", 4, cols);
    ck_assert_ptr_nonnull(plain);
    ck_assert_int_eq(s3i_table_view_block(plain, 2, 2), -1);
    ck_assert_uint_eq(s3_table_rows(plain), 0);
    s3i_table_free(plain);
    s3i_table_free(t);
}
END_TEST

/* a copy of a view is a stored table with the same cells */
START_TEST(view_copy)
{
    s3_table *t = view_new();
    s3_table *c = s3i_table_copy(t);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(s3_table_rows(c), 8);
    for (size_t r = 0; r < 8; r++)
        for (size_t k = 0; k < 4; k++) {
            if (k == 0 || k == 3)
                ck_assert_str_eq(s3_table_text(c, r, k),
                                 s3_table_text(t, r, k));
            else
                ck_assert_double_eq(s3_table_num(c, r, k),
                                    s3_table_num(t, r, k));
        }
    ck_assert_uint_eq(s3i_table_add_row(c), 8);
    s3i_table_free(t);
    ck_assert_str_eq(s3_table_text(c, 7, 0), "third");
    s3i_table_free(c);
}
END_TEST

/* ---- the texts of code columns (s3i_table_code_texts) ------------------ */

static const char *const code_units[] = {"u0", "u1", "u2"};
static const char *const code_classes[] = {"c0", "c1", "c2", "c3"};

/* unit = a function of i, class = a function of j, as a view's leads */
static s3i_val
code_cell(const void *src, size_t b, size_t i, size_t j, size_t col)
{
    (void)src, (void)b;
    return S3I_TEXT(col == 0 ? code_units[i] : code_classes[j]);
}

typedef struct {
    const char *got[64];
    size_t n;
} code_calls;

static void
code_take(const char *text, void *user)
{
    code_calls *c = user;
    ck_assert_uint_lt(c->n, 64);
    c->got[c->n++] = text;
}

/* The distinct texts of a code column in the order the rows first show
 * them: a grid's first row and first column (3 + 4 - 1 calls, not 12), a
 * list of pairs the pairs with a new i or j (2 calls, not 4), a stored
 * table row by row. */
START_TEST(view_code_texts)
{
    static const s3i_colspec code_cols[] = {{"unit", S3_COL_CODE},
                                            {"class", S3_COL_CODE}};
    s3_table *t =
        s3i_table_view("codes", 2, code_cols, code_cell, calloc(1, 1));
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(s3i_table_view_block(t, 3, 4), 0);
    /* (2,3), (1,0), then (2,0) and (1,3), whose i and j are both met */
    uint32_t *pairs = malloc(8 * sizeof *pairs);
    ck_assert_ptr_nonnull(pairs);
    static const uint32_t list[] = {2, 3, 1, 0, 2, 0, 1, 3};
    memcpy(pairs, list, sizeof list);
    ck_assert_int_eq(s3i_table_view_pairs(t, pairs, 4), 0);
    code_calls u = {0}, c = {0};
    s3i_table_code_texts(t, 0, code_take, &u);
    s3i_table_code_texts(t, 1, code_take, &c);
    static const char *const want_u[] = {"u0", "u0", "u0", "u0",
                                         "u1", "u2", "u2", "u1"};
    static const char *const want_c[] = {"c0", "c1", "c2", "c3",
                                         "c0", "c0", "c3", "c0"};
    ck_assert_uint_eq(u.n, 8);
    ck_assert_uint_eq(c.n, 8);
    for (size_t k = 0; k < 8; k++) {
        ck_assert_str_eq(u.got[k], want_u[k]);
        ck_assert_str_eq(c.got[k], want_c[k]);
    }
    /* every text of the 16 rows is among them, first seen in row order */
    for (size_t r = 0; r < s3_table_rows(t); r++)
        for (size_t col = 0; col < 2; col++) {
            const code_calls *got = col ? &c : &u;
            const char *v = s3_table_text(t, r, col);
            int met = 0;
            for (size_t k = 0; k < got->n; k++)
                met |= !strcmp(got->got[k], v);
            ck_assert(met);
        }
    s3i_table_free(t);
    /* a stored table: every row */
    s3_table *p = s3i_table_new("plain", 2, code_cols);
    ck_assert_ptr_nonnull(p);
    for (size_t r = 0; r < 5; r++) {
        s3i_val v[] = {S3I_TEXT(code_units[r % 3]),
                       S3I_TEXT(r == 2 ? NULL : code_classes[r % 4])};
        ck_assert_int_eq(s3i_table_append(p, v, 2), 0);
    }
    code_calls q = {0};
    s3i_table_code_texts(p, 1, code_take, &q);
    ck_assert_uint_eq(q.n, 5);
    ck_assert_str_eq(q.got[2], "");
    ck_assert_str_eq(q.got[4], "c0");
    code_calls none = {0};
    s3i_table_code_texts(p, 2, code_take, &none); /* no such column */
    ck_assert_uint_eq(none.n, 0);
    s3i_table_free(p);
}
END_TEST

static Suite *
table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("table");
    /* growth's 100,003 rows take about 5 s under AddressSanitizer, more
     * while valgrind and the fuzzers share the machine (tests/run) */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, schema);
    tcase_add_test(tc, names_copied);
    tcase_add_test(tc, new_row_is_empty);
    tcase_add_test(tc, numbers_and_types);
    tcase_add_test(tc, text_copied_and_shared);
    tcase_add_test(tc, growth);
    tcase_add_test(tc, growth_mapped);
    tcase_add_test(tc, edge_cases);
    tcase_add_test(tc, text_kept_utf8);
    tcase_add_test(tc, view_blocks);
    tcase_add_test(tc, view_read_only);
    tcase_add_test(tc, view_copy);
    tcase_add_test(tc, view_code_texts);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {table_suite()};
    return s3t_run(s, 1);
}
