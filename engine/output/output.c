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
#include <stdint.h>
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

/* The CSV writer's buffer: a piece of a file (PIECE_ROWS rows) is
 * formatted into it and handed on with one write, so that no field costs
 * a stdio call (a table of two million rows has thirty million fields),
 * and so that one thread can format a piece while the other writes the
 * piece before it (write_files).  b is mem, which grows to hold the
 * piece; a piece that runs out of memory sets fail and goes on into the
 * fixed buffer, discarding. */
typedef struct {
    char *b; /* mem, or fixed */
    size_t n, cap;
    char *mem;
    size_t capmem;
    int fail;
    char fixed[1 << 16];
} csvbuf;

enum { CSV_ROOM = 64 }; /* the longest number plus a separator */

/* Start o on a new piece. */
static void
csv_start(csvbuf *o)
{
    o->n = 0;
    o->fail = 0;
    o->b = o->mem ? o->mem : o->fixed;
    o->cap = o->mem ? o->capmem : sizeof o->fixed;
}

/* Room for k more bytes (k <= sizeof o->fixed), the slow way: the piece's
 * buffer grows. */
static char *
csv_more(csvbuf *o, size_t k)
{
    if (!o->fail && !s3i_reserve(&o->mem, &o->capmem, o->n + k, 1)) {
        if (o->b == o->fixed) /* the piece's first growth */
            memcpy(o->mem, o->fixed, o->n);
        o->b = o->mem;
        o->cap = o->capmem;
    } else {
        o->fail = 1;
        o->b = o->fixed;
        o->cap = sizeof o->fixed;
        o->n = 0;
    }
    return o->b + o->n;
}

/* Make room for k more bytes (k <= sizeof o->fixed). */
static inline char *
csv_room(csvbuf *o, size_t k)
{
    return o->n + k <= o->cap ? o->b + o->n : csv_more(o, k);
}

static void
csv_put(csvbuf *o, const char *s, size_t k)
{
    for (size_t part; k > 0; s += part, k -= part) { /* a long text in parts */
        part = k < sizeof o->fixed ? k : sizeof o->fixed;
        memcpy(csv_room(o, part), s, part);
        o->n += part;
    }
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
 * written by the caller and never changed.  Returns the text's length
 * when it was written as it is, else PLAIN_NOT. */
#define PLAIN_NOT SIZE_MAX

static size_t
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
        return guard ? PLAIN_NOT : k;
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
    return PLAIN_NOT;
}

/* The header row of t, after the BOM in the German dialect. */
static void
csv_header(csvbuf *o, const s3_table *t, int german)
{
    char sep = german ? ';' : ',';
    if (german)
        csv_put(o, "\xEF\xBB\xBF", 3);
    for (size_t c = 0; c < s3_table_cols(t); c++) {
        if (c)
            csv_char(o, sep);
        csv_text(o, s3_table_col_name(t, c), sep, 1);
    }
    csv_put(o, "\r\n", 2);
}

/* Rows [r0, r1) of t; -1 when out of memory. */
static int
csv_rows(csvbuf *o, const s3_table *t, size_t r0, size_t r1, int german)
{
    char sep = german ? ';' : ',';
    size_t nc = s3_table_cols(t);
    /* per column, once: its type and whether its text is the engine's */
    unsigned char *text = malloc(nc ? nc : 1), *own = malloc(nc ? nc : 1);
    s3i_val *row = malloc((nc ? nc : 1) * sizeof *row);
    /* per text column, its last text when that needs no quote or guard,
     * and its length: a code repeated down the rows (a view's texts are
     * kept once) is scanned once */
    const char **last = calloc(nc ? nc : 1, sizeof *last);
    size_t *lastk = malloc((nc ? nc : 1) * sizeof *lastk);
    if (!text || !own || !row || !last || !lastk) {
        free(text);
        free(own);
        free(row);
        free(last);
        free(lastk);
        return -1;
    }
    for (size_t c = 0; c < nc; c++) {
        text[c] = (unsigned char)s3_coltype_is_text(s3_table_col_type(t, c));
        own[c] = (unsigned char)s3i_table_own_text(t, c);
    }
    /* a row at a time: a view (s3i_table_view) makes it once */
    for (size_t r = r0; r < r1; r++) {
        s3i_table_row(t, r, row);
        for (size_t c = 0; c < nc; c++) {
            if (c)
                csv_char(o, sep);
            if (text[c]) {
                const char *s = row[c].v.text;
                if (s == last[c]) {
                    csv_put(o, s, lastk[c]);
                } else {
                    size_t k = csv_text(o, s, sep, own[c]);
                    if (k != PLAIN_NOT)
                        last[c] = s, lastk[c] = k;
                }
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
    free(text);
    free(own);
    free(row);
    free(last);
    free(lastk);
    return 0;
}

/* Close f, written to path; an error when any write failed. */
static s3_status
csv_close(s3_ctx *ctx, FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return s3i_fail(ctx, S3_EIO, "%s: write failed: %s", path,
                        strerror(errno ? errno : EIO));
    return S3_OK;
}

/* Rows per piece of a file. */
enum { PIECE_ROWS = 1 << 15 };

static size_t
table_pieces(const s3_table *t)
{
    size_t n = s3_table_rows(t);
    return n ? (n + PIECE_ROWS - 1) / PIECE_ROWS : 1;
}

/* Piece p of table t into o (the header before the first); -1 when out
 * of memory. */
static int
csv_piece(csvbuf *o, const s3_table *t, size_t p, int german)
{
    size_t nr = s3_table_rows(t), r0 = p * PIECE_ROWS,
           r1 = nr - r0 < PIECE_ROWS ? nr : r0 + PIECE_ROWS;
    csv_start(o);
    if (p == 0)
        csv_header(o, t, german);
    return csv_rows(o, t, r0, r1, german) || o->fail ? -1 : 0;
}

s3_status
s3i_write_csv(s3_ctx *ctx, const s3_table *t, const char *path, int german)
{
    FILE *f = fopen(path, "wb");
    csvbuf *o = f ? calloc(1, sizeof *o) : NULL;
    if (!o) {
        int e = f ? ENOMEM : errno;
        if (f)
            fclose(f);
        return s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    int bad = 0;
    for (size_t p = 0; p < table_pieces(t) && !bad; p++)
        if (!(bad = csv_piece(o, t, p, german)))
            fwrite(o->b, 1, o->n, f);
    free(o->mem);
    free(o);
    s3_status st = csv_close(ctx, f, path);
    return bad ? s3i_fail(ctx, S3_ENOMEM, "%s: out of memory", path) : st;
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

/* The files of a result, as jobs: job 0 the workbook, then each CSV
 * table cut into pieces of PIECE_ROWS rows, so that a large table's
 * formatting takes both threads.  The threads take the jobs in order;
 * each formats its piece into its own buffer and writes it once the
 * pieces before it in the file are written, so that every file has the
 * bytes one thread would write.  (No deadlock: the thread holding the
 * lowest job taken waits for nothing.)  Each file's status and message
 * are kept, and the first failing file in this order is the one
 * reported, as by one thread. */
typedef struct {
    const s3_result *r;
    const char *tmp, *csvdir;
    int what;
    size_t njobs;
    size_t *job_file; /* per job: 0 the workbook, 1 + i table i */
    size_t *first;    /* per table: its first job */
    atomic_size_t next;
    pthread_mutex_t lock;
    pthread_cond_t turn;
    size_t *written;   /* per table: its pieces written */
    FILE **file;       /* per table: open from its first piece to its last */
    int stop;          /* a file failed: no thread waits any longer */
    s3_status *status; /* per file */
    char **msg;
} file_jobs;

/* Piece p of table i into memory; then, in its turn, into the file. */
static s3_status
write_piece(s3_ctx *ctx, file_jobs *j, csvbuf *o, size_t i, size_t p,
            int *stopped)
{
    const s3_table *t = j->r->tables[i];
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.csv", j->csvdir, s3_table_name(t));
    int bad = csv_piece(o, t, p, (j->what & S3_WRITE_CSV_GERMAN) != 0);
    pthread_mutex_lock(&j->lock);
    while (!j->stop && j->written[i] != p)
        pthread_cond_wait(&j->turn, &j->lock);
    *stopped = j->stop;
    pthread_mutex_unlock(&j->lock);
    if (*stopped)
        return S3_OK;
    if (bad)
        return s3i_fail(ctx, S3_ENOMEM, "%s: out of memory", path);
    /* this thread's turn: the file is its own until written[i] moves */
    if (p == 0 && !(j->file[i] = fopen(path, "wb")))
        return s3i_fail(ctx, S3_EIO, "%s: cannot write: %s", path,
                        strerror(errno));
    fwrite(o->b, 1, o->n, j->file[i]);
    if (p + 1 < table_pieces(t))
        return S3_OK;
    FILE *f = j->file[i];
    j->file[i] = NULL;
    return csv_close(ctx, f, path);
}

static void *
file_worker(void *arg)
{
    file_jobs *j = arg;
    s3_ctx *ctx = s3_ctx_new();
    csvbuf *o = calloc(1, sizeof *o);
    char path[4400];
    for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->njobs;) {
        s3_status st = S3_OK;
        size_t f = j->job_file[k];
        int stopped = 0;
        if (!ctx || !o) {
            st = S3_ENOMEM;
        } else if (f == 0) {
            if (j->what & S3_WRITE_XLSX) {
                snprintf(path, sizeof path, "%s/briefing.xlsx", j->tmp);
                st = s3i_write_xlsx(ctx, j->r, path);
            }
        } else {
            st = write_piece(ctx, j, o, f - 1, k - j->first[f - 1], &stopped);
        }
        if (stopped)
            break;
        pthread_mutex_lock(&j->lock);
        if (f)
            j->written[f - 1]++;
        if (st && !j->status[f]) {
            j->status[f] = st;
            if (ctx && !(j->msg[f] = strdup(s3_ctx_message(ctx))))
                j->status[f] = S3_ENOMEM;
        }
        if (st) {
            j->stop = 1;
            atomic_store(&j->next, j->njobs); /* stop taking jobs */
        }
        pthread_cond_broadcast(&j->turn);
        pthread_mutex_unlock(&j->lock);
    }
    if (o)
        free(o->mem);
    free(o);
    s3_ctx_free(ctx);
    return NULL;
}

static s3_status
write_files(s3_ctx *ctx, const s3_result *r, const char *tmp,
            const char *csvdir, int what)
{
    size_t nt = (what & S3_WRITE_CSV) ? r->ntables : 0, njobs = 1;
    for (size_t i = 0; i < nt; i++)
        njobs += table_pieces(r->tables[i]);
    file_jobs j = {.r = r,
                   .tmp = tmp,
                   .csvdir = csvdir,
                   .what = what,
                   .njobs = njobs,
                   .job_file = malloc(njobs * sizeof(size_t)),
                   .first = calloc(nt + 1, sizeof(size_t)),
                   .written = calloc(nt + 1, sizeof(size_t)),
                   .file = calloc(nt + 1, sizeof(FILE *)),
                   .status = calloc(nt + 1, sizeof(s3_status)),
                   .msg = calloc(nt + 1, sizeof(char *))};
    s3_status rc = S3_OK;
    if (!j.job_file || !j.first || !j.written || !j.file || !j.status ||
        !j.msg) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    j.job_file[0] = 0;
    for (size_t i = 0, k = 1; i < nt; i++) {
        j.first[i] = k;
        for (size_t p = table_pieces(r->tables[i]); p > 0; p--)
            j.job_file[k++] = 1 + i;
    }
    atomic_init(&j.next, 0);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.turn, NULL);
    pthread_t th;
    int two = s3i_threads(ctx) >= 2 &&
              pthread_create(&th, NULL, file_worker, &j) == 0;
    file_worker(&j);
    if (two)
        pthread_join(th, NULL);
    pthread_cond_destroy(&j.turn);
    pthread_mutex_destroy(&j.lock);
    for (size_t f = 0; f <= nt && !rc; f++)
        if ((rc = j.status[f]))
            rc = s3i_fail(ctx, rc, "%s", j.msg[f] ? j.msg[f] : "out of memory");
    /* a file left open by a failure elsewhere (the folder is removed) */
    for (size_t i = 0; i < nt; i++)
        if (j.file[i])
            fclose(j.file[i]);
done:
    if (j.msg)
        for (size_t f = 0; f <= nt; f++)
            free(j.msg[f]);
    free(j.msg);
    free(j.status);
    free(j.file);
    free(j.written);
    free(j.first);
    free(j.job_file);
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
