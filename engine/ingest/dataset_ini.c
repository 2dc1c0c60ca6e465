/*
 * dataset_ini.c — how header names are matched, and dataset.ini: how a
 * dataset folder describes files whose column names are not the engine's
 * (a German spreadsheet export with "Mieter-Nr" for tenant_id).
 *
 * Header names match the engine's column names in any case of the ASCII
 * letters, with blanks (spaces, tabs, no-break spaces) around them
 * ignored and a run of blanks inside read as '_': "Tenant_ID",
 * " tenant id " and "TENANT_ID" are all tenant_id.  Nothing else is
 * guessed ("Tenant-ID" is not); that is what dataset.ini is for:
 *
 *   [columns]              ; every file of the folder
 *   tenant_id = Mieter-Nr
 *   [columns.tenants]      ; tenants.csv only (wins over [columns])
 *   name = Firma
 *
 * A key is the engine's name of a column (datasets/README.md), a value the
 * header name in the file, matched the same way.  A file without the
 * header name given is read under the engine's own name, so that one
 * [columns] line serves every file that has the column.  The file is
 * optional and read by libinih, like a model; unknown sections and keys,
 * a key set twice in a section and an empty value are errors naming the
 * line.  It is listed among the inputs with its SHA-256, since it decides
 * how the data are read.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/load.h"

/* ---- header names --------------------------------------------------------
 */

/* The length of a blank (space, tab, UTF-8 no-break space) at s, 0 when
 * none; n bytes are left. */
static size_t
blank_at(const char *s, size_t n)
{
    if (n && (*s == ' ' || *s == '\t'))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    return 0;
}

/* s without the blanks around it: *n its length. */
static const char *
trim(const char *s, size_t *n)
{
    size_t len = strlen(s), k;
    while ((k = blank_at(s, len)) > 0)
        s += k, len -= k;
    while (len) {
        if (s[len - 1] == ' ' || s[len - 1] == '\t')
            len--;
        else if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 &&
                 (unsigned char)s[len - 1] == 0xA0)
            len -= 2;
        else
            break;
    }
    *n = len;
    return s;
}

/* The next character of a trimmed name as matched: a run of blanks is
 * '_', an ASCII letter its lower case; -1 at the end. */
static int
next_char(const char **s, const char *end)
{
    if (*s >= end)
        return -1;
    size_t k = blank_at(*s, (size_t)(end - *s));
    if (k) {
        while (*s < end && (k = blank_at(*s, (size_t)(end - *s))) > 0)
            *s += k;
        return '_';
    }
    unsigned char c = (unsigned char)*(*s)++;
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
s3i_header_is(const char *h, const char *name)
{
    size_t nh, nn;
    const char *a = trim(h, &nh), *b = trim(name, &nn);
    const char *ea = a + nh, *eb = b + nn;
    if (nh == 0)
        return 0;
    for (;;) {
        int x = next_char(&a, ea), y = next_char(&b, eb);
        if (x != y)
            return 0;
        if (x < 0)
            return 1;
    }
}

/* ---- dataset.ini ---------------------------------------------------------
 */

/* The files a [columns.NAME] section may name, and their columns. */
static const s3i_file_columns *const files[] = {
    &s3i_centres_columns, &s3i_tenants_columns, &s3i_patents_columns,
    &s3i_baseline_columns};
enum { NFILES = sizeof files / sizeof *files };

/* The file of a "columns.NAME" section ("tenants.csv"), or NULL. */
static const s3i_file_columns *
section_file(const char *section)
{
    if (strncmp(section, "columns.", 8) != 0)
        return NULL;
    size_t n = strlen(section + 8);
    for (size_t i = 0; i < NFILES; i++)
        if (n && strncmp(files[i]->file, section + 8, n) == 0 &&
            strcmp(files[i]->file + n, ".csv") == 0)
            return files[i];
    return NULL;
}

/* Whether file f has a column `name`. */
static int
has_column(const s3i_file_columns *f, const char *name)
{
    for (size_t k = 0; k < f->n; k++)
        if (strcmp(f->col[k].name, name) == 0)
            return 1;
    return 0;
}

typedef struct {
    s3_ctx *ctx;
    s3i_describe *desc;
    const char *path;
    FILE *f;
    size_t line, bytes;
    struct sha256_ctx sha;
    s3_status status;
} ini_state;

/* Line reader for ini_parse_stream: counts lines, hashes the bytes,
 * refuses lines longer than inih's buffer, lines that are not UTF-8 and
 * unknown section lines (which inih reports only with a key under
 * them). */
static char *
ini_line(char *buf, int size, void *stream)
{
    ini_state *st = stream;
    if (st->status || size < 2 || !fgets(buf, size, st->f)) {
        if (!st->status && ferror(st->f))
            st->status = s3i_fail(st->ctx, S3_EIO, "%s:%zu: cannot read: %s",
                                  st->path, st->line + 1, strerror(errno));
        return NULL;
    }
    size_t n = strlen(buf);
    st->line++;
    st->bytes += n;
    sha256_update(&st->sha, n, (const uint8_t *)buf);
    if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(st->f)) {
        st->status = s3i_fail(st->ctx, S3_EINPUT,
                              "%s:%zu: line longer than %d characters",
                              st->path, st->line, size - 2);
        return NULL;
    }
    if (!s3i_utf8_valid(buf, n)) {
        st->status = s3i_fail(st->ctx, S3_EINPUT,
                              "%s:%zu: the line is not valid UTF-8 (save "
                              "dataset.ini as UTF-8)",
                              st->path, st->line);
        return NULL;
    }
    const char *s = buf + strspn(buf, " \t");
    if (st->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    if (*s == '[') {
        size_t k = strcspn(s + 1, "]");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(k < 63 ? k : 63), s + 1);
        if (strcmp(name, "columns") != 0 && !section_file(name)) {
            st->status = s3i_fail(st->ctx, S3_EINPUT,
                                  "%s:%zu: unknown section [%s] (known: "
                                  "[columns], [columns.centres], "
                                  "[columns.tenants], [columns.patents], "
                                  "[columns.baseline])",
                                  st->path, st->line, name);
            return NULL;
        }
    }
    return buf;
}

static int
ini_pair(void *user, const char *section, const char *name, const char *value)
{
    ini_state *st = user;
    s3i_describe *ds = st->desc;
    if (st->status)
        return 0;
    const s3i_file_columns *file = section_file(section);
    if (strcmp(section, "columns") != 0 && !file) {
        st->status = s3i_fail(st->ctx, S3_EINPUT,
                              "%s:%zu: '%s' outside a section: put it under "
                              "[columns] or [columns.tenants], ...",
                              st->path, st->line, name);
        return 0;
    }
    int known = 0;
    for (size_t i = 0; i < NFILES && !known; i++)
        known = (!file || file == files[i]) && has_column(files[i], name);
    if (!known) {
        st->status = s3i_fail(
            st->ctx, S3_EINPUT,
            "%s:%zu: [%s] '%s' is not a column of %s (the names are the "
            "engine's, e.g. tenant_id = Mieter-Nr: datasets/README.md)",
            st->path, st->line, section, name,
            file ? file->file : "any dataset file");
        return 0;
    }
    if (!*value) {
        st->status = s3i_fail(st->ctx, S3_EINPUT,
                              "%s:%zu: [%s] %s: the header name is empty",
                              st->path, st->line, section, name);
        return 0;
    }
    for (size_t i = 0; i < ds->ncol; i++)
        if (strcmp(ds->col[i].column, name) == 0 &&
            (ds->col[i].file == NULL) == (file == NULL) &&
            (!file || strcmp(ds->col[i].file, file->file) == 0)) {
            st->status =
                s3i_fail(st->ctx, S3_EINPUT,
                         "%s:%zu: [%s] %s is set twice (first on "
                         "line %zu)",
                         st->path, st->line, section, name, ds->col[i].line);
            return 0;
        }
    if (s3i_reserve(&ds->col, &ds->cap, ds->ncol + 1, sizeof *ds->col)) {
        st->status = s3i_fail(st->ctx, S3_ENOMEM, "out of memory");
        return 0;
    }
    s3i_colname *c = &ds->col[ds->ncol++];
    *c = (s3i_colname){.line = st->line};
    if ((file && !(c->file = strdup(file->file))) ||
        !(c->column = strdup(name)) || !(c->header = strdup(value))) {
        st->status = s3i_fail(st->ctx, S3_ENOMEM, "out of memory");
        return 0;
    }
    return 1;
}

s3_status
s3i_describe_load(s3_ctx *ctx, s3_dataset *d, const char *dir)
{
    char path[4096];
    struct stat sb;
    if ((size_t)snprintf(path, sizeof path, "%s/dataset.ini", dir) >=
        sizeof path)
        return s3i_fail(ctx, S3_EUSAGE, "%s: path too long", dir);
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return S3_OK; /* optional */
    ini_state st = {.ctx = ctx, .desc = &d->desc, .path = path};
    if (!(d->desc.path = strdup(path)))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    sha256_init(&st.sha);
    if (!(st.f = fopen(path, "r")))
        return s3i_fail(ctx, S3_EINPUT, "%s: cannot open: %s", path,
                        strerror(errno));
    int rc = ini_parse_stream(ini_line, &st, ini_pair, &st);
    fclose(st.f);
    if (st.status)
        return st.status;
    if (rc != 0)
        return s3i_fail(ctx, S3_EINPUT,
                        rc > 0 ? "%s:%d: not a 'key = value' line or "
                                 "[section]"
                               : "%s: cannot read dataset.ini (%d)",
                        path, rc);
    s3i_csv_info info = {.rows = d->desc.ncol, .bytes = st.bytes};
    s3i_sha256_hex(&st.sha, info.sha256);
    return s3i_record_input(ctx, d, "dataset.ini", path, &info);
}

const char *
s3i_describe_column(const s3_dataset *d, const char *file, const char *name,
                    size_t *line)
{
    const s3i_colname *any = NULL;
    for (size_t i = 0; i < d->desc.ncol; i++) {
        const s3i_colname *c = &d->desc.col[i];
        if (strcmp(c->column, name) != 0)
            continue;
        if (c->file && strcmp(c->file, file) == 0) {
            *line = c->line;
            return c->header;
        }
        if (!c->file)
            any = c;
    }
    if (any)
        *line = any->line;
    return any ? any->header : NULL;
}

void
s3i_describe_free(s3i_describe *ds)
{
    for (size_t i = 0; i < ds->ncol; i++) {
        free(ds->col[i].file);
        free(ds->col[i].column);
        free(ds->col[i].header);
    }
    free(ds->col);
    free(ds->path);
    memset(ds, 0, sizeof *ds);
}
