/*
 * test_csvread.c — unit tests of the streaming CSV reader
 * (engine/ingest/csvread.c) on small files, where test_util.c checks the
 * two-thread split of a large one: the separator and the decimal comma
 * detected from the header (',', ';', tab only when allowed), the BOM
 * skipped, the file info (rows, bytes), the physical line where each
 * record starts (blank lines, CRLF, lone CR, quoted fields over several
 * lines), a callback that stops the read, and every kind of error with the
 * file name, the line and the column (ragged row, NUL byte, invalid UTF-8,
 * mixed encodings, a stray or unterminated quote, a column named twice, an
 * empty file), s3i_csv_fail's message with a long or control-character
 * value, Windows-1252 files converted, and header names matched.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "ingest/load.h"

static char path[64];

static void
setup(void)
{
    snprintf(path, sizeof path, "/tmp/s3t-csvread-%d.csv", (int)getpid());
}

static void
teardown(void)
{
    unlink(path);
}

static void
write_file(const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

#define WRITE(lit) write_file(lit, sizeof(lit) - 1)

/* What the callbacks saw. */
typedef struct {
    size_t ncols, rows, stop_after;
    char header[8][32];
    char cell[16][8][32]; /* rows × columns */
    size_t line[16];
    int comma;
} seen;

static s3_status
on_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    seen *s = u;
    s->ncols = n;
    for (size_t i = 0; i < n && i < 8; i++) {
        ck_assert_uint_eq(strlen(f[i]), len[i]);
        snprintf(s->header[i], sizeof s->header[i], "%s", f[i]);
        ck_assert_str_eq(s3i_csv_colname(r, i), f[i]);
    }
    s->comma = s3i_csv_decimal_comma(r);
    return S3_OK;
}

static s3_status
on_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    seen *s = u;
    ck_assert_uint_eq(n, s->ncols);
    if (s->rows < 16) {
        for (size_t i = 0; i < n && i < 8; i++) {
            ck_assert_uint_eq(strlen(f[i]), len[i]);
            snprintf(s->cell[s->rows][i], sizeof s->cell[0][0], "%s", f[i]);
        }
        s->line[s->rows] = s3i_csv_line(r);
    }
    s->rows++;
    if (s->stop_after && s->rows == s->stop_after)
        return S3_EINPUT;
    return S3_OK;
}

/* Read path with flags (S3I_CSV_*); returns the status, the message in
 * *msg. */
static s3_status
read_csv(int allow_tab, seen *s, s3i_csv_info *info, char *msg, size_t msgsz)
{
    s3_ctx *ctx = s3_ctx_new();
    s3_status st = s3i_csv_read(ctx, path, "tenants.csv", allow_tab, on_header,
                                on_row, s, info);
    snprintf(msg, msgsz, "%s", s3_ctx_message(ctx));
    s3_ctx_free(ctx);
    return st;
}

START_TEST(plain_file)
{
    WRITE("tenant_id,centre_id,employees\n"
          "T001,A1,20\n"
          "T002,A1,8.5\n");
    seen s = {0};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_uint_eq(s.ncols, 3);
    ck_assert_str_eq(s.header[2], "employees");
    ck_assert_uint_eq(s.rows, 2);
    ck_assert_uint_eq(info.rows, 2);
    ck_assert_uint_eq(info.bytes, 53);
    ck_assert_int_eq(info.separator, ',');
    ck_assert_int_eq(s.comma, 0);
    ck_assert_str_eq(s.cell[1][0], "T002");
    ck_assert_str_eq(s.cell[1][2], "8.5");
    ck_assert_uint_eq(strlen(info.sha256), 64);
}
END_TEST

/* A German spreadsheet export: BOM, ';', CRLF, decimal comma, quoted
 * fields with ';' inside. */
START_TEST(german_export)
{
    WRITE("\xEF\xBB\xBF"
          "tenant_id;name;employees\r\n"
          "T001;\"Müller; Söhne\";2,385\r\n"
          "T002;\"A, B\";7\r\n");
    seen s = {0};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_int_eq(info.separator, ';');
    ck_assert_int_eq(s.comma, 1);
    ck_assert_str_eq(s.header[0], "tenant_id"); /* no BOM in the name */
    ck_assert_str_eq(s.cell[0][1], "Müller; Söhne");
    ck_assert_str_eq(s.cell[0][2], "2,385");
    ck_assert_str_eq(s.cell[1][1], "A, B");
    ck_assert_uint_eq(s.line[1], 3);
}
END_TEST

/* Commas and semicolons inside quotes do not count for the separator; a
 * tab separates only where allowed (long tables, Eurostat). */
START_TEST(separator_detection)
{
    WRITE("\"a;b;c\",x,y\n1,2,3\n");
    seen s = {0};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_int_eq(info.separator, ',');
    ck_assert_str_eq(s.header[0], "a;b;c");

    WRITE("unit\tclass\tvalue\nDEA52\t62\t2.385\n");
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(read_csv(1, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_int_eq(info.separator, '\t');
    ck_assert_uint_eq(s.ncols, 3);
    ck_assert_str_eq(s.cell[0][2], "2.385");
    /* not allowed: one column holding the tabs */
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_int_eq(info.separator, ',');
    ck_assert_uint_eq(s.ncols, 1);
}
END_TEST

/* The line where each record starts, with blank lines, quoted line ends
 * and three kinds of line end. */
START_TEST(record_lines)
{
    static const struct {
        const char *bytes;
        size_t n;
    } files[] = {
#define F(lit) {lit, sizeof(lit) - 1}
        F("id,text\n1,plain\n\n2,\"a\nb\nc\"\n3,after\n\n\n4,end"),
        F("id,text\r\n1,plain\r\n\r\n2,\"a\r\nb\r\nc\"\r\n3,after\r\n\r\n\r\n"
          "4,end\r\n"),
        /* lone CRs (classic Mac OS); the quoted field on one line */
        F("id,text\r1,plain\r\r2,\"a b\"\r3,after\r\r\r4,end\r"),
#undef F
    };
    static const size_t want[3][4] = {
        {2, 4, 7, 10}, {2, 4, 7, 10}, {2, 4, 5, 8}};
    for (size_t k = 0; k < 3; k++) {
        write_file(files[k].bytes, files[k].n);
        seen s = {0};
        s3i_csv_info info;
        char msg[1024];
        ck_assert_msg(read_csv(0, &s, &info, msg, sizeof msg) == S3_OK,
                      "file %zu: %s", k, msg);
        ck_assert_uint_eq(s.rows, 4);
        ck_assert_uint_eq(info.rows, 4);
        for (size_t i = 0; i < 4; i++)
            ck_assert_msg(s.line[i] == want[k][i],
                          "file %zu row %zu: line %zu, expected %zu", k, i,
                          s.line[i], want[k][i]);
        ck_assert_str_eq(s.cell[3][1], "end");
        ck_assert_str_eq(s.cell[1][1], k == 0   ? "a\nb\nc"
                                       : k == 1 ? "a\r\nb\r\nc"
                                                : "a b");
    }
}
END_TEST

/* A callback's status stops the read: no row after it is seen. */
START_TEST(callback_stops)
{
    WRITE("id,text\n1,a\n2,b\n3,c\n4,d\n");
    seen s = {.stop_after = 2};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_EINPUT);
    ck_assert_uint_eq(s.rows, 2);
}
END_TEST

/* Every error names the file and the line (and the column where there is
 * one). */
static const struct {
    const char *bytes;
    size_t n;
    const char *msg;
} bad[] = {
#define B(lit, m)                                                              \
    {                                                                          \
        lit, sizeof(lit) - 1, m                                                \
    }
    B("id,text\n1,\"a\nb\"\n2,b,extra\n",
      "tenants.csv:4: the row has 3 fields, the header has 2"),
    B("id,text\n1,a\n2\n", "tenants.csv:3: the row has 1 fields, the header "
                           "has 2"),
    B("id,text\n1,a\n\n2,b\x81(\n",
      "tenants.csv:4: column 2 ('text'): byte 0x81 is neither UTF-8 nor "
      "Windows-1252 text"),
    B("id,text\n1,\xC3\xA4\n2,b\xE4\n",
      "tenants.csv:3: column 2 ('text'): the field is not valid UTF-8, but "
      "line 2 is UTF-8 text: the file mixes encodings"),
    B("id,text\n1,b\xE4\n2,\xC3\xA4\n",
      "tenants.csv:3: column 2 ('text'): the field is UTF-8 text, but line 2 "
      "is Windows-1252: the file mixes encodings"),
    B("id,text\n1,a\n2,b\0c\n",
      "tenants.csv:3: column 2 ('text'): the field holds a NUL byte"),
    B("id,text\n1,a\n2,\"b\"c\n",
      "tenants.csv:3: column 2 ('text'): text after a closing quote "
      "(malformed CSV)"),
    B("id,text\n1,a\n2,b\"c\n",
      "tenants.csv:3: column 2 ('text'): a quote inside an unquoted field"),
    B("id,text\n1,a\n2,\"b\nc\n",
      "tenants.csv:3: column 2 ('text'): a quoted field is not closed before "
      "the end of the file"),
    B("id,text,id\n1,a,2\n",
      "tenants.csv:1: column 'id' appears twice in the header"),
    B("", "tenants.csv: the file is empty (no header row)"),
    B("\n\n", "tenants.csv: the file is empty (no header row)"),
#undef B
};

START_TEST(errors_name_line)
{
    write_file(bad[_i].bytes, bad[_i].n);
    seen s = {0};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_EINPUT);
    ck_assert_msg(strncmp(msg, bad[_i].msg, strlen(bad[_i].msg)) == 0,
                  "case %d: '%s', expected '%s'", _i, msg, bad[_i].msg);
}
END_TEST

/* s3i_csv_fail: "file:line: column 'name': 'value' what", the value cut
 * at 60 bytes on a character boundary with "...", control bytes as '?' */
static s3_ctx *fail_ctx;
static const char *fail_value;

static s3_status
fail_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)u, (void)n, (void)f, (void)len;
    return s3i_csv_fail(fail_ctx, r, 1, fail_value,
                        "is not a NACE Rev. 2 code");
}

static s3_status
ok_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)u, (void)r, (void)n, (void)f, (void)len;
    return S3_OK;
}

START_TEST(fail_message_value)
{
    WRITE("tenant_id,nace\n\n\nT001,62.O1\n");
    fail_ctx = s3_ctx_new();
    s3i_csv_info info;
    fail_value = "62.O1";
    ck_assert_int_eq(s3i_csv_read(fail_ctx, path, "tenants.csv", 0, ok_header,
                                  fail_row, NULL, &info),
                     S3_EINPUT);
    ck_assert_str_eq(s3_ctx_message(fail_ctx),
                     "tenants.csv:4: column 'nace': '62.O1' is not a NACE "
                     "Rev. 2 code");
    /* 59 ASCII bytes then "€" (3 bytes): cut before the €, "..." */
    char longv[128];
    memset(longv, 'x', 59);
    strcpy(longv + 59, "\xE2\x82\xAC and more");
    fail_value = longv;
    s3i_csv_read(fail_ctx, path, "tenants.csv", 0, ok_header, fail_row, NULL,
                 &info);
    char want[256];
    snprintf(want, sizeof want,
             "tenants.csv:4: column 'nace': '%.59s...' is not a NACE Rev. 2 "
             "code",
             longv);
    ck_assert_str_eq(s3_ctx_message(fail_ctx), want);
    fail_value = "62\t01\r";
    s3i_csv_read(fail_ctx, path, "tenants.csv", 0, ok_header, fail_row, NULL,
                 &info);
    ck_assert_str_eq(s3_ctx_message(fail_ctx),
                     "tenants.csv:4: column 'nace': '62?01?' is not a NACE "
                     "Rev. 2 code");
    s3_ctx_free(fail_ctx);
}
END_TEST

START_TEST(missing_file)
{
    s3_ctx *ctx = s3_ctx_new();
    s3i_csv_info info;
    seen s = {0};
    ck_assert_int_eq(s3i_csv_read(ctx, "/nonexistent/t.csv", "t.csv", 0,
                                  on_header, on_row, &s, &info),
                     S3_EINPUT);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), "/nonexistent/t.csv"));
    s3_ctx_free(ctx);
}
END_TEST

/* Windows-1252 (German Excel's "CSV"): converted to UTF-8 from the first
 * field beyond ASCII on, also in the header; the line given in the info;
 * S3I_CSV_UTF8_ONLY refuses it */
START_TEST(windows_1252)
{
    WRITE("id;Stra\xDF"
          "e\n"
          "1;M\xFCller & S\xF6hne\n"
          "2;\x80 5\n"
          "3;plain\n");
    seen s = {0};
    s3i_csv_info info;
    char msg[1024];
    ck_assert_int_eq(read_csv(0, &s, &info, msg, sizeof msg), S3_OK);
    ck_assert_str_eq(s.header[1], "Stra\xC3\x9F"
                                  "e");
    ck_assert_str_eq(s.cell[0][1], "M\xC3\xBCller & S\xC3\xB6hne");
    ck_assert_str_eq(s.cell[1][1], "\xE2\x82\xAC 5");
    ck_assert_str_eq(s.cell[2][1], "plain");
    ck_assert_uint_eq(info.cp1252_line, 1);
    ck_assert_uint_eq(info.rows, 3);
    /* a UTF-8 file says 0 */
    WRITE("id,text\n1,M\xC3\xBCller\n");
    seen u = {0};
    ck_assert_int_eq(read_csv(0, &u, &info, msg, sizeof msg), S3_OK);
    ck_assert_uint_eq(info.cp1252_line, 0);
    ck_assert_str_eq(u.cell[0][1], "M\xC3\xBCller");
    /* strict UTF-8 */
    WRITE("id,text\n1,a\n2,M\xFCller\n");
    seen t = {0};
    ck_assert_int_eq(read_csv(S3I_CSV_UTF8_ONLY, &t, &info, msg, sizeof msg),
                     S3_EINPUT);
    ck_assert_str_eq(msg, "tenants.csv:3: column 2 ('text'): the field is not "
                          "valid UTF-8 (save the file as UTF-8)");
}
END_TEST

START_TEST(header_names)
{
    /* header names match in any ASCII case, blanks and no-break spaces
     * around them ignored, a run of blanks inside read as '_' */
    ck_assert(s3i_header_is("tenant_id", "tenant_id"));
    ck_assert(s3i_header_is("Tenant_ID", "tenant_id"));
    ck_assert(s3i_header_is(" tenant id ", "tenant_id"));
    ck_assert(s3i_header_is("\xC2\xA0TENANT \t ID\t", "tenant_id"));
    ck_assert(s3i_header_is("Mieter-Nr", " mieter-nr"));
    ck_assert(s3i_header_is("Stra\xC3\x9F"
                            "e",
                            "Stra\xC3\x9F"
                            "e"));
    ck_assert(!s3i_header_is("Tenant-ID", "tenant_id"));
    ck_assert(!s3i_header_is("tenant_ids", "tenant_id"));
    ck_assert(!s3i_header_is("tenant", "tenant_id"));
    ck_assert(!s3i_header_is("", "tenant_id"));
    ck_assert(!s3i_header_is("  ", ""));
    /* ASCII letters fold, other bytes are compared as they are */
    ck_assert(s3i_header_is("STRA\xC3\x9F"
                            "E",
                            "stra\xC3\x9F"
                            "e"));
    ck_assert(!s3i_header_is("\xC3\x84", "\xC3\xA4"));
}
END_TEST

static Suite *
csvread_suite(void)
{
    Suite *s = suite_create("csvread");
    TCase *tc = tcase_create("read");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, plain_file);
    tcase_add_test(tc, german_export);
    tcase_add_test(tc, separator_detection);
    tcase_add_test(tc, record_lines);
    tcase_add_test(tc, callback_stops);
    tcase_add_test(tc, fail_message_value);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, header_names);
    tcase_add_test(tc, windows_1252);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, errors_name_line, 0,
                        (int)(sizeof bad / sizeof *bad));
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {csvread_suite()};
    return s3t_run(s, 1);
}
