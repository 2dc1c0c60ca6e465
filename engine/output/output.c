/*
 * output.c — writing results: one RFC 4180 CSV per table and the workbook,
 * into a temporary folder beside the target that replaces the target only
 * when everything is written (an atomic exchange where the kernel has it),
 * so a failed run leaves the previous results as they were.
 *
 * The output layer knows tables, not formulas: it formats what the analysis
 * put into the tables.
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/output.h"

/* Shortest text that reads back as the same double (s3i_format_double);
 * "" for NaN, and no "-0". */
void
s3i_format_number(double v, char buf[32])
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    s3i_format_double(v, buf);
}

/* The CSV writer's buffer: rows are formatted into it and handed to the
 * file in large writes, so that no field costs a stdio call (a table of
 * two million rows has thirty million fields). */
typedef struct {
    FILE *f;
    size_t n;
    char b[1 << 16];
} csvbuf;

enum { CSV_ROOM = 64 }; /* the longest number plus a separator */

static void
csv_flush(csvbuf *o)
{
    if (o->n)
        fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
}

/* Make room for k more bytes (k <= sizeof o->b). */
static inline char *
csv_room(csvbuf *o, size_t k)
{
    if (o->n + k > sizeof o->b)
        csv_flush(o);
    return o->b + o->n;
}

static void
csv_put(csvbuf *o, const char *s, size_t k)
{
    if (k > sizeof o->b / 2) { /* a long text: straight through */
        csv_flush(o);
        fwrite(s, 1, k, o->f);
        return;
    }
    memcpy(csv_room(o, k), s, k);
    o->n += k;
}

static inline void
csv_char(csvbuf *o, char c)
{
    *csv_room(o, 1) = c;
    o->n++;
}

/* Whether a data text starting with c would be taken for a formula by a
 * spreadsheet (a switch, not strchr: this runs for every text cell). */
static inline int
formula_start(char c)
{
    switch (c) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
        return 1;
    default:
        return 0;
    }
}

/* Write one text field: quoted when it holds the separator, a quote or a
 * line end; and, when it is data text (own = 0: names and ids from the
 * input files) that starts with = + - @ (or a tab or carriage return),
 * preceded by an apostrophe, so that a spreadsheet opening the file shows
 * the text instead of running it as a formula (the OWASP rule for CSV
 * injection).  The engine's own texts (s3i_table_set_own_text: the
 * parameters and their meanings) are written as they are.  Numbers are
 * written by the caller and never changed. */
static void
csv_text(csvbuf *o, const char *s, char sep, int own)
{
    int guard = !own && formula_start(s[0]);
    size_t k = 0;
    int quote = 0;
    for (; s[k]; k++)
        quote |= s[k] == sep || s[k] == '"' || s[k] == '\r' || s[k] == '\n';
    if (!quote) {
        if (guard)
            csv_char(o, '\'');
        csv_put(o, s, k);
        return;
    }
    csv_char(o, '"');
    if (guard)
        csv_char(o, '\'');
    for (; *s; s++) {
        if (*s == '"')
            csv_char(o, '"');
        csv_char(o, *s);
    }
    csv_char(o, '"');
}

s3_status
s3i_write_csv(s3_ctx *ctx, const s3_table *t, const char *path, int german)
{
    FILE *f = fopen(path, "wb");
    csvbuf *o = f ? malloc(sizeof *o) : NULL;
    if (!o) {
        int e = f ? ENOMEM : errno;
        if (f)
            fclose(f);
        return s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    o->f = f;
    o->n = 0;
    /* German spreadsheet dialect: BOM, ';' between fields, decimal comma */
    char sep = german ? ';' : ',';
    if (german)
        csv_put(o, "\xEF\xBB\xBF", 3);
    size_t nc = s3_table_cols(t), nr = s3_table_rows(t);
    for (size_t c = 0; c < nc; c++) {
        if (c)
            csv_char(o, sep);
        csv_text(o, s3_table_col_name(t, c), sep, 1);
    }
    csv_put(o, "\r\n", 2);
    /* per column, once: its type and whether its text is the engine's */
    unsigned char *text = malloc(nc ? nc : 1), *own = malloc(nc ? nc : 1);
    s3i_val *row = malloc((nc ? nc : 1) * sizeof *row);
    if (!text || !own || !row) {
        free(text);
        free(own);
        free(row);
        free(o);
        fclose(f);
        return s3i_fail(ctx, S3_ENOMEM, "%s: out of memory", path);
    }
    for (size_t c = 0; c < nc; c++) {
        text[c] = (unsigned char)s3_coltype_is_text(s3_table_col_type(t, c));
        own[c] = (unsigned char)s3i_table_own_text(t, c);
    }
    /* a row at a time: a view (s3i_table_view) makes it once */
    for (size_t r = 0; r < nr; r++) {
        s3i_table_row(t, r, row);
        for (size_t c = 0; c < nc; c++) {
            if (c)
                csv_char(o, sep);
            if (text[c]) {
                csv_text(o, row[c].v.text, sep, own[c]);
                continue;
            }
            /* as s3i_format_number, with the length the formatter
             * returns instead of a strlen */
            char *p = csv_room(o, CSV_ROOM);
            double v = row[c].v.num;
            size_t k = isnan(v) ? 0 : s3i_format_double(v == 0.0 ? 0.0 : v, p);
            if (german)
                for (size_t i = 0; i < k; i++)
                    if (p[i] == '.')
                        p[i] = ',';
            o->n += k;
        }
        csv_put(o, "\r\n", 2);
    }
    csv_flush(o);
    free(text);
    free(own);
    free(row);
    free(o);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return s3i_fail(ctx, S3_EIO, "%s: write failed: %s", path,
                        strerror(errno ? errno : EIO));
    return S3_OK;
}

/* Remove a folder tree (only what the engine itself wrote). */
static void
remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            struct stat sb;
            if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                remove_tree(p);
            else
                unlink(p);
        }
        closedir(dir);
    }
    rmdir(path);
}

/* The file that marks a folder as written by s3engine: only such a folder
 * (or an empty one) is ever replaced. */
#define MARKER ".s3engine-output"

/* Whether an existing folder may be replaced: empty, or marked. */
static int
replaceable(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/" MARKER, dir);
    if (access(p, F_OK) == 0)
        return 1;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

/* mkdir -p for the parent folders of path. */
static int
make_parents(const char *path)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return 0;
}

/* The files of a result: job 0 the workbook, job 1 + i the CSV table i.
 * Jobs are independent, so two threads may share them; each job's status
 * and message are kept, and the first failing job in this order is the
 * one reported, as by one thread. */
typedef struct {
    const s3_result *r;
    const char *tmp, *csvdir;
    int what;
    size_t njobs;
    atomic_size_t next;
    s3_status *status;
    char **msg;
} file_jobs;

static void *
file_worker(void *arg)
{
    file_jobs *j = arg;
    s3_ctx *ctx = s3_ctx_new();
    char path[4400];
    for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->njobs;) {
        s3_status st = S3_OK;
        if (!ctx) {
            st = S3_ENOMEM;
        } else if (k == 0) {
            if (j->what & S3_WRITE_XLSX) {
                snprintf(path, sizeof path, "%s/briefing.xlsx", j->tmp);
                st = s3i_write_xlsx(ctx, j->r, path);
            }
        } else if (j->what & S3_WRITE_CSV) {
            const s3_table *t = j->r->tables[k - 1];
            snprintf(path, sizeof path, "%s/%s.csv", j->csvdir,
                     s3_table_name(t));
            st = s3i_write_csv(ctx, t, path,
                               (j->what & S3_WRITE_CSV_GERMAN) != 0);
        }
        j->status[k] = st;
        if (st && ctx && !(j->msg[k] = strdup(s3_ctx_message(ctx))))
            j->status[k] = S3_ENOMEM;
        if (st)
            atomic_store(&j->next, j->njobs); /* stop taking jobs */
    }
    s3_ctx_free(ctx);
    return NULL;
}

static s3_status
write_files(s3_ctx *ctx, const s3_result *r, const char *tmp,
            const char *csvdir, int what)
{
    file_jobs j = {.r = r,
                   .tmp = tmp,
                   .csvdir = csvdir,
                   .what = what,
                   .njobs = r->ntables + 1};
    atomic_init(&j.next, 0);
    j.status = calloc(j.njobs, sizeof *j.status);
    j.msg = calloc(j.njobs, sizeof *j.msg);
    if (!j.status || !j.msg) {
        free(j.status);
        free(j.msg);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    pthread_t th;
    int two = s3i_threads(ctx) >= 2 &&
              pthread_create(&th, NULL, file_worker, &j) == 0;
    file_worker(&j);
    if (two)
        pthread_join(th, NULL);
    s3_status rc = S3_OK;
    for (size_t k = 0; k < j.njobs && !rc; k++)
        if ((rc = j.status[k]))
            rc = s3i_fail(ctx, rc, "%s", j.msg[k] ? j.msg[k] : "out of memory");
    for (size_t k = 0; k < j.njobs; k++)
        free(j.msg[k]);
    free(j.msg);
    free(j.status);
    return rc;
}

s3_status
s3_result_write(s3_ctx *ctx, const s3_result *r, const char *out_dir, int what)
{
    char dir[4096], tmp[4200], csvdir[4300], path[4400], old[4200];
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/')
        n--;
    if (n == 0 || n >= sizeof dir)
        return s3i_fail(ctx, S3_EUSAGE, "invalid output folder '%s'", out_dir);
    memcpy(dir, out_dir, n);
    dir[n] = '\0';
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", dir, (long)getpid());
    snprintf(old, sizeof old, "%s.old-%ld", dir, (long)getpid());
    snprintf(csvdir, sizeof csvdir, "%s/csv", tmp);
    struct stat sb;
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return s3i_fail(ctx, S3_EUSAGE,
                        "%s exists and is not a folder: choose another output "
                        "folder",
                        dir);
    if (stat(dir, &sb) == 0 && !replaceable(dir))
        return s3i_fail(ctx, S3_EUSAGE,
                        "%s holds files that s3engine did not write: choose "
                        "another output folder (s3engine replaces its output "
                        "folder as a whole)",
                        dir);
    if (make_parents(tmp) != 0)
        return s3i_fail(ctx, S3_EIO, "%s: cannot create the folder: %s", dir,
                        strerror(errno));
    remove_tree(tmp);
    if (mkdir(tmp, 0777) != 0)
        return s3i_fail(ctx, S3_EIO, "%s: cannot create: %s", tmp,
                        strerror(errno));
    s3_status rc = S3_OK;
    snprintf(path, sizeof path, "%s/" MARKER, tmp);
    FILE *mark = fopen(path, "w");
    if (!mark || fputs("This folder is written by s3engine and replaced as a "
                       "whole on every run.\n",
                       mark) < 0)
        rc = s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path,
                      strerror(errno));
    if (mark && fclose(mark) != 0 && !rc)
        rc = s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path,
                      strerror(errno));
    if (!rc && (what & S3_WRITE_CSV) && mkdir(csvdir, 0777) != 0)
        rc = s3i_fail(ctx, S3_EIO, "%s: cannot create: %s", csvdir,
                      strerror(errno));
    if (!rc)
        rc = write_files(ctx, r, tmp, csvdir, what);
    if (rc) {
        remove_tree(tmp);
        return rc;
    }
    /* swap the new folder in: atomically where renameat2 can, else by two
     * renames with the old folder kept until the new one is in place */
    if (stat(dir, &sb) == 0) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
            remove_tree(tmp);
            return S3_OK;
        }
        if (rename(dir, old) != 0) {
            int e = errno;
            remove_tree(tmp);
            return s3i_fail(ctx, S3_EIO, "%s: cannot replace: %s", dir,
                            strerror(e));
        }
        if (rename(tmp, dir) != 0) {
            int e = errno;
            rename(old, dir);
            remove_tree(tmp);
            return s3i_fail(ctx, S3_EIO, "%s: cannot replace: %s", dir,
                            strerror(e));
        }
        remove_tree(old);
        return S3_OK;
    }
    if (rename(tmp, dir) != 0) {
        int e = errno;
        remove_tree(tmp);
        return s3i_fail(ctx, S3_EIO, "%s: cannot create: %s", dir, strerror(e));
    }
    return S3_OK;
}
