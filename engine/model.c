/*
 * model.c — analysis plans read from INI files (libinih).
 *
 * Every parameter a model may set is one row of PARAMS below: its section,
 * key, default and meaning.  The same table validates the file (unknown
 * sections and keys, duplicates and bad values are errors with the line),
 * fills in defaults, and lists the parameters on the method sheet.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* section, key, default, allowed values ("" = free text), meaning */
#define PARAMS(X)                                                              \
    X("model", "name", "", "",                                                 \
      "name of the analysis; results go to out/<name>")                        \
    X("model", "dataset", "../datasets/ruhr", "",                              \
      "dataset folder, relative to the model file")                            \
    X("model", "reference", "../datasets/reference", "",                       \
      "folder of the reference classifications, relative to the model file")   \
    X("sectors", "level", "division", "section|division|group|class",          \
      "NACE level at which tenants are counted")                               \
    X("sectors", "weight", "tenants", "tenants|employees",                     \
      "count matrix used for the headline ranking")                            \
    X("specialisation", "reference", "network", "network|baseline",            \
      "what the headline RCA compares with: the network or the baseline")      \
    X("specialisation", "threshold", "1", "",                                  \
      "RCA at or above which a unit counts as specialised (M = 1)")            \
    X("data", "cutoff", "", "",                                                \
      "count tenants present on this date (YYYY-MM-DD) and patents up to its " \
      "year; empty = all")                                                     \
    X("complexity", "reflections", "20", "",                                   \
      "iterations of the method of reflections (ECI: last even order, PCI: "   \
      "last odd order)")                                                       \
    X("potentials", "relatedness", "proximity",                                \
      "proximity|association|probability|cosine|jaccard",                      \
      "relatedness between classes for density and outlook: proximity, or a "  \
      "patent co-occurrence measure (technology fields only)")                 \
    X("potentials", "split", "median", "median|mean|percentile",               \
      "where opportunities split into high and low relatedness and "           \
      "complexity")                                                            \
    X("potentials", "percentile", "75", "",                                    \
      "the percentile for split = percentile (and the alternative compared)")  \
    X("baseline", "region", "total", "",                                       \
      "baseline region to compare with: total (sum of all regions), own (each" \
      " unit's own region) or a region code")                                  \
    X("baseline", "key", "nuts3", "nuts3|subregion",                           \
      "centre column that names the baseline region")

typedef struct {
    const char *section, *key, *def, *allowed, *help;
} param_info;

static const param_info params[] = {
#define X(s, k, d, a, h) {s, k, d, a, h},
    PARAMS(X)
#undef X
};
enum { NPARAMS = sizeof params / sizeof *params };

/* Parsing state: the raw text of each parameter and where it was set. */
typedef struct {
    s3_ctx *ctx;
    const char *path;
    FILE *f;
    size_t line;
    char *value[NPARAMS];
    size_t set_line[NPARAMS];
    char sections[16][64];
    size_t nsections;
    s3_status status;
} parse_state;

/* Whether some parameter lives in section `name`. */
static int
known_section(const char *name)
{
    for (size_t i = 0; i < NPARAMS; i++)
        if (strcmp(params[i].section, name) == 0)
            return 1;
    return 0;
}

/* Check a "[section]" line: known, and not seen before.  inih reports
 * sections only with their keys, so an empty or repeated section would
 * pass unseen without this. */
static void
check_section_line(parse_state *ps, const char *line)
{
    const char *s = line + strspn(line, " \t");
    if (*s != '[')
        return;
    const char *e = strchr(s, ']');
    if (!e)
        return; /* inih reports the syntax error */
    char name[64];
    size_t n = (size_t)(e - s - 1);
    snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), s + 1);
    if (!known_section(name) || n >= 63) {
        ps->status =
            s3i_fail(ps->ctx, S3_EMODEL, "%s:%zu: unknown section [%s]",
                     ps->path, ps->line, name);
        return;
    }
    for (size_t i = 0; i < ps->nsections; i++)
        if (strcmp(ps->sections[i], name) == 0) {
            ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                                  "%s:%zu: section [%s] appears twice",
                                  ps->path, ps->line, name);
            return;
        }
    if (ps->nsections < 16)
        strcpy(ps->sections[ps->nsections++], name);
}

/* Line reader for ini_parse_stream: counts lines, checks section lines,
 * and refuses lines longer than inih's buffer instead of letting them
 * split.  It ends the stream at the first error. */
static char *
read_line(char *buf, int size, void *stream)
{
    parse_state *ps = stream;
    if (ps->status || !fgets(buf, size, ps->f))
        return NULL;
    ps->line++;
    size_t n = strlen(buf);
    if (n == (size_t)size - 1 && buf[n - 1] != '\n' && !feof(ps->f)) {
        ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                              "%s:%zu: line longer than %d characters",
                              ps->path, ps->line, size - 2);
        return NULL;
    }
    check_section_line(ps, buf);
    return ps->status ? NULL : buf;
}

static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
    parse_state *ps = user;
    if (ps->status)
        return 0;
    for (size_t i = 0; i < NPARAMS; i++) {
        if (strcmp(params[i].section, section) || strcmp(params[i].key, name))
            continue;
        if (ps->value[i]) {
            ps->status =
                s3i_fail(ps->ctx, S3_EMODEL,
                         "%s:%zu: '%s' is set twice in [%s] (first "
                         "on line %zu)",
                         ps->path, ps->line, name, section, ps->set_line[i]);
            return 0;
        }
        if (!(ps->value[i] = strdup(value))) {
            ps->status = s3i_fail(ps->ctx, S3_ENOMEM, "out of memory");
            return 0;
        }
        ps->set_line[i] = ps->line;
        return 1;
    }
    if (known_section(section))
        ps->status =
            s3i_fail(ps->ctx, S3_EMODEL, "%s:%zu: unknown key '%s' in [%s]",
                     ps->path, ps->line, name, section);
    else
        ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                              "%s:%zu: a key outside any section: put it "
                              "under [model], [sectors], ...",
                              ps->path, ps->line);
    return 0;
}

/* Index of value in a "a|b|c" list, or -1. */
static int
choice(const char *allowed, const char *value)
{
    size_t n = strlen(value);
    int k = 0;
    for (const char *p = allowed; *p; k++) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return k;
        p += len + (e != NULL);
    }
    return -1;
}

/* Join dir and a relative path (absolute paths are kept). */
static char *
resolve(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir || !*dir)
        return strdup(p);
    size_t n = strlen(dir) + strlen(p) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, p);
    return s;
}

/* Turn the raw texts into the model's fields; lines for messages. */
static s3_status
build(s3_ctx *ctx, const char *path, char **value, const size_t *line,
      s3_model *m)
{
    char *dir = NULL;
    if (path) {
        const char *slash = strrchr(path, '/');
        dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
        if (!dir)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    s3_status st = S3_OK;
    m->nparams = NPARAMS;
    m->param_name = calloc(NPARAMS, sizeof(char *));
    m->param_value = calloc(NPARAMS, sizeof(char *));
    if (!m->param_name || !m->param_value) {
        st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < NPARAMS; i++) {
        const char *v = value[i] ? value[i] : params[i].def;
        char full[128];
        snprintf(full, sizeof full, "%s.%s", params[i].section, params[i].key);
        if (!(m->param_name[i] = strdup(full)) ||
            !(m->param_value[i] = strdup(v))) {
            st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        int k = *params[i].allowed ? choice(params[i].allowed, v) : 0;
        if (k < 0) {
            st = s3i_fail(ctx, S3_EMODEL,
                          "%s:%zu: [%s] %s = '%s': expected one of %s",
                          path ? path : "model", line[i], params[i].section,
                          params[i].key, v, params[i].allowed);
            goto done;
        }
        const char *key = params[i].key, *sec = params[i].section;
        if (!strcmp(sec, "model") && !strcmp(key, "name")) {
            m->name = strdup(v);
        } else if (!strcmp(sec, "model") && !strcmp(key, "dataset")) {
            m->dataset_dir = resolve(dir, v);
        } else if (!strcmp(sec, "model") && !strcmp(key, "reference")) {
            m->reference_dir = resolve(dir, v);
        } else if (!strcmp(key, "level")) {
            m->level = k + 1;
        } else if (!strcmp(key, "weight")) {
            m->weight = k;
        } else if (!strcmp(sec, "specialisation") &&
                   !strcmp(key, "reference")) {
            m->reference = k;
        } else if (!strcmp(key, "threshold")) {
            if (s3i_parse_number(v, strlen(v), 0, &m->threshold) ||
                !(m->threshold > 0.0)) {
                st = s3i_fail(ctx, S3_EMODEL,
                              "%s:%zu: [specialisation] threshold = '%s': "
                              "expected a number above 0",
                              path ? path : "model", line[i], v);
                goto done;
            }
        } else if (!strcmp(key, "cutoff")) {
            m->cutoff = 0;
            if (*v && s3i_parse_date(v, strlen(v), &m->cutoff)) {
                st = s3i_fail(ctx, S3_EMODEL,
                              "%s:%zu: [data] cutoff = '%s': expected a date "
                              "YYYY-MM-DD",
                              path ? path : "model", line[i], v);
                goto done;
            }
        } else if (!strcmp(key, "reflections")) {
            double it;
            if (s3i_parse_number(v, strlen(v), 0, &it) || it < 2 || it > 1000 ||
                it != floor(it)) {
                st = s3i_fail(ctx, S3_EMODEL,
                              "%s:%zu: [complexity] reflections = '%s': "
                              "expected a whole number from 2 to 1000",
                              path ? path : "model", line[i], v);
                goto done;
            }
            m->reflections = (size_t)it;
        } else if (!strcmp(key, "relatedness")) {
            m->relatedness = k;
        } else if (!strcmp(key, "split")) {
            m->split = k;
        } else if (!strcmp(key, "percentile")) {
            if (s3i_parse_number(v, strlen(v), 0, &m->percentile) ||
                !(m->percentile > 0.0 && m->percentile < 100.0)) {
                st = s3i_fail(ctx, S3_EMODEL,
                              "%s:%zu: [potentials] percentile = '%s': "
                              "expected a number between 0 and 100",
                              path ? path : "model", line[i], v);
                goto done;
            }
        } else if (!strcmp(key, "region")) {
            if (!*v) {
                st = s3i_fail(ctx, S3_EMODEL,
                              "%s:%zu: [baseline] region is empty",
                              path ? path : "model", line[i]);
                goto done;
            }
            m->baseline_region = strdup(v);
        } else if (!strcmp(key, "key")) {
            m->baseline_key = k;
        }
    }
    if (!m->name || !*m->name) {
        /* the file name without folder and extension */
        free(m->name);
        const char *b = path ? strrchr(path, '/') : NULL;
        b = b ? b + 1 : (path ? path : "analysis");
        size_t n = strlen(b);
        if (n > 4 && strcmp(b + n - 4, ".ini") == 0)
            n -= 4;
        m->name = strndup(b, n);
    }
    for (const char *c = m->name; c && *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
            st = s3i_fail(ctx, S3_EMODEL,
                          "%s: [model] name = '%s': use letters, digits, '-' "
                          "and '_' only (it names the output folder)",
                          path ? path : "model", m->name);
            goto done;
        }
    if (!m->name || !m->dataset_dir || !m->reference_dir ||
        !m->baseline_region || !(m->path = strdup(path ? path : "")))
        st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(dir);
    return st;
}

s3_status
s3_model_load(s3_ctx *ctx, const char *path, s3_model **out)
{
    *out = NULL;
    parse_state ps = {.ctx = ctx, .path = path};
    ps.f = fopen(path, "r");
    if (!ps.f)
        return s3i_fail(ctx, S3_EMODEL, "%s: cannot open: %s", path,
                        strerror(errno));
    int rc = ini_parse_stream(read_line, &ps, on_pair, &ps);
    fclose(ps.f);
    s3_model *m = NULL;
    s3_status st = ps.status;
    if (!st && rc != 0)
        st = s3i_fail(ctx, S3_EMODEL,
                      rc > 0 ? "%s:%d: not a 'key = value' line or [section]"
                             : "%s: cannot read the model (%d)",
                      path, rc);
    if (!st && !(m = calloc(1, sizeof *m)))
        st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    if (!st)
        st = build(ctx, path, ps.value, ps.set_line, m);
    for (size_t i = 0; i < NPARAMS; i++)
        free(ps.value[i]);
    if (st) {
        s3_model_free(m);
        return st;
    }
    *out = m;
    return S3_OK;
}

s3_status
s3_model_default(s3_ctx *ctx, s3_model **out)
{
    char *value[NPARAMS] = {0};
    size_t line[NPARAMS] = {0};
    s3_model *m = calloc(1, sizeof *m);
    if (!m)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3_status st = build(ctx, NULL, value, line, m);
    if (st) {
        s3_model_free(m);
        return st;
    }
    *out = m;
    return S3_OK;
}

void
s3_model_free(s3_model *m)
{
    if (!m)
        return;
    free(m->path);
    free(m->name);
    free(m->dataset_dir);
    free(m->reference_dir);
    free(m->baseline_region);
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->param_name ? m->param_name[i] : NULL);
        free(m->param_value ? m->param_value[i] : NULL);
    }
    free(m->param_name);
    free(m->param_value);
    free(m);
}

const char *
s3_model_name(const s3_model *m)
{
    return m->name;
}

s3_status
s3_model_set_paths(s3_ctx *ctx, s3_model *m, const char *data_dir,
                   const char *reference_dir)
{
    const char *src[2] = {data_dir, reference_dir};
    char **dst[2] = {&m->dataset_dir, &m->reference_dir};
    const char *pname[2] = {"model.dataset", "model.reference"};
    for (int k = 0; k < 2; k++) {
        if (!src[k])
            continue;
        char *c = strdup(src[k]);
        if (!c)
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        free(*dst[k]);
        *dst[k] = c;
        for (size_t i = 0; i < m->nparams; i++)
            if (strcmp(m->param_name[i], pname[k]) == 0) {
                char *v = strdup(src[k]);
                if (!v)
                    return s3i_fail(ctx, S3_ENOMEM, "out of memory");
                free(m->param_value[i]);
                m->param_value[i] = v;
            }
    }
    return S3_OK;
}

size_t
s3_model_params(const s3_model *m)
{
    return m->nparams;
}

const char *
s3_model_param_name(const s3_model *m, size_t i)
{
    return i < m->nparams ? m->param_name[i] : NULL;
}

const char *
s3_model_param_value(const s3_model *m, size_t i)
{
    return i < m->nparams ? m->param_value[i] : NULL;
}

/* The meaning of parameter i (same order as s3_model_param_name). */
const char *
s3i_model_param_help(size_t i)
{
    return i < NPARAMS ? params[i].help : NULL;
}
