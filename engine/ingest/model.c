/*
 * model.c — analysis plans read from INI files (libinih).
 *
 * Every parameter a model may set is one row of PARAMS below: its section,
 * key, default, kind (with the s3_model field it sets and the values it
 * allows) and meaning.  The same table validates the file (unknown
 * sections and keys, duplicates and bad values are errors with the line),
 * fills in defaults and the model's fields, and lists the parameters on
 * the method sheet.  The checks that span several keys (the [score] lists
 * agree, every scenario changes something) are in model_check.c.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

/* What a parameter is, and so the type of the s3_model field it sets. */
typedef enum {
    P_TEXT,   /* char *: the text as written; not empty when lo is 1 */
    P_PATH,   /* char *: a path, relative to the model file's folder */
    P_CHOICE, /* int: lo + the position of the value in `choices` */
    P_NUMBER, /* double: a number in the range lo..hi */
    P_COUNT,  /* size_t: a whole number in the range lo..hi */
    P_SEED,   /* unsigned long: a whole number in the range lo..hi */
    P_DATE,   /* int32_t: a date YYYY-MM-DD as YYYYMMDD; empty = 0 */
    P_LIST    /* a [score] list, read by s3i_score_lists */
} param_kind;

/* Whether a range includes its bounds: lo..hi, or strictly between. */
enum { CLOSED, OPEN };

/* The kinds as written in PARAMS.  FIELD is the offset of s3_model field
 * f, which must have type T (else the array size is -1: a compile error). */
/* clang-format off (it breaks _Generic) */
#define FIELD(f, T)                                                            \
    offsetof(s3_model, f) +                                                    \
        0 * sizeof(char[_Generic(((s3_model *)0)->f, T : 1, default            \
                                 : -1)])
/* clang-format on */
#define TEXT(f, nonempty)                                                      \
    .kind = P_TEXT, .field = FIELD(f, char *), .lo = nonempty
#define PATH(f) .kind = P_PATH, .field = FIELD(f, char *)
#define CHOICE(f, first, list)                                                 \
    .kind = P_CHOICE, .field = FIELD(f, int), .lo = first, .choices = list
#define NUMBER(f, l, h, bounds)                                                \
    .kind = P_NUMBER, .field = FIELD(f, double), .lo = l, .hi = h,             \
    .open = bounds
#define COUNT(f, l, h)                                                         \
    .kind = P_COUNT, .field = FIELD(f, size_t), .lo = l, .hi = h
#define SEED(f, l, h)                                                          \
    .kind = P_SEED, .field = FIELD(f, unsigned long), .lo = l, .hi = h
#define DATE(f) .kind = P_DATE, .field = FIELD(f, int32_t)
#define LIST() .kind = P_LIST

/* section, key, default, kind, meaning */
#define PARAMS(X)                                                              \
    X("model", "name", "", TEXT(name, 0),                                      \
      "name of the analysis; results go to out/<name>")                        \
    X("model", "title", "", TEXT(title, 0),                                    \
      "the network's name as the briefing's title and document properties "    \
      "show it; empty = the model's name")                                     \
    X("model", "dataset", "../datasets/ruhr", PATH(dataset_dir),               \
      "dataset folder, relative to the model file")                            \
    X("model", "reference", "../datasets/reference", PATH(reference_dir),      \
      "folder of the reference classifications, relative to the model file")   \
    X("model", "exclude_classes", "", TEXT(exclude_classes, 0),                \
      "classes never suggested as opportunities: class codes or code "         \
      "prefixes, comma-separated (e.g. M70, O84: no S3 option); they stay "    \
      "in every measure, only out of the ranking; empty = none")               \
    X("sectors", "level", "division",                                          \
      CHOICE(level, 1, "section|division|group|class"),                        \
      "NACE level at which tenants are counted")                               \
    X("sectors", "weight", "tenants", CHOICE(weight, 0, "tenants|employees"),  \
      "count matrix used for the headline ranking")                            \
    X("specialisation", "reference", "network",                                \
      CHOICE(reference, 0, "network|baseline"),                                \
      "what the binary specialisation M (and all that follows it: "            \
      "diversity, ECI/PCI, density, quadrants, scores, the bootstrap) is "     \
      "measured against: network = all units; baseline = the baseline "        \
      "region's shares, on every matrix whose classes the baseline covers "    \
      "(each class the sum of baseline rows that hold only it); other "        \
      "matrices (patents, NACE divisions inside broad aggregates) stay "       \
      "against the network, with a note")                                      \
    X("specialisation", "threshold", "1",                                      \
      NUMBER(threshold, 0, INFINITY, OPEN),                                    \
      "RCA at or above which a unit counts as specialised (M = 1)")            \
    X("specialisation", "rule", "rca", CHOICE(rule, 0, "rca|significant"),     \
      "when a unit counts as specialised: rca = its RCA reaches the "          \
      "threshold; significant = that, and the count is significantly high "    \
      "(Benjamini-Hochberg q-value at most alpha)")                            \
    X("specialisation", "alpha", "0.05", NUMBER(alpha, 0, 1, OPEN),            \
      "false discovery rate of the significant rule: the expected share of "   \
      "specialisations it reports that are chance")                            \
    X("specialisation", "confidence", "0.95", NUMBER(confidence, 0, 1, OPEN),  \
      "confidence level of the RCA interval (rca_low, rca_high)")              \
    X("data", "cutoff", "", DATE(cutoff),                                      \
      "count tenants present on this date (YYYY-MM-DD) and patents up to its " \
      "year; empty = all")                                                     \
    X("complexity", "reflections", "20", COUNT(reflections, 2, 1000),          \
      "iterations of the method of reflections (ECI: last even order, PCI: "   \
      "last odd order)")                                                       \
    X("potentials", "relatedness", "proximity",                                \
      CHOICE(relatedness, 0,                                                   \
             "proximity|association|probability|cosine|jaccard"),              \
      "relatedness between classes for density and outlook: proximity, or a "  \
      "patent co-occurrence measure (technology fields only)")                 \
    X("potentials", "split", "median",                                         \
      CHOICE(split, 0, "median|mean|percentile"),                              \
      "where opportunities split into high and low relatedness: the "          \
      "median, mean or percentile of the density over every opportunity of "   \
      "the matrix (complexity splits at PCI 0)")                               \
    X("potentials", "percentile", "75", NUMBER(percentile, 0, 100, OPEN),      \
      "the percentile for split = percentile (and the alternative compared)")  \
    X("baseline", "region", "total", TEXT(baseline_region, 1),                 \
      "baseline region to compare with: total (sum of all regions), own (each" \
      " unit's own region) or a region code")                                  \
    X("baseline", "key", "nuts3", CHOICE(baseline_key, 0, "nuts3|subregion"),  \
      "centre column that names the baseline region")                          \
    X("overlaps", "cluster_cut", "0.6", NUMBER(cluster_cut, 0, 2, CLOSED),     \
      "groups of centres: average-linkage clusters on 1 - cosine similarity, " \
      "cut at this height (0-2; distances between centres are at most 1, so "  \
      "1 or more makes one cluster)")                                          \
    X("overlaps", "partners", "3", COUNT(partners, 1, 50),                     \
      "most similar and most complementary partners listed per unit")          \
    X("score", "indicators",                                                   \
      "specialisation, density, eci, startups, growth, patents, alignment",    \
      LIST(),                                                                  \
      "indicators of the development-potential score (comma-separated)")       \
    X("score", "weights", "2, 2, 2, 1, 1, 1, 1", LIST(),                       \
      "weight of each indicator (any positive scale)")                         \
    X("score", "directions", "+, +, +, +, +, +, +", LIST(),                    \
      "+ where higher is better, - where lower is better")                     \
    X("score", "normalisation", "minmax",                                      \
      CHOICE(norm, 0, "minmax|zscore|rank|goalposts"),                         \
      "how indicators are put on one scale")                                   \
    X("score", "goalposts_low", "", LIST(),                                    \
      "for goalposts: the value that counts as 0, per indicator")              \
    X("score", "goalposts_high", "", LIST(),                                   \
      "for goalposts: the value that counts as 1, per indicator")              \
    X("score", "aggregation", "arithmetic",                                    \
      CHOICE(agg, 0, "arithmetic|geometric"),                                  \
      "weighted mean or weighted geometric mean")                              \
    X("score", "geometric_shift", "0.01", NUMBER(shift, 1e-9, 1e9, CLOSED),    \
      "added to normalised values before a geometric mean, so that one 0 "     \
      "does not zero the score")                                               \
    X("score", "growth_from", "", DATE(growth_from),                           \
      "tenant growth is measured from this date (YYYY-MM-DD) to the cut-off "  \
      "date; empty = five years before it")                                    \
    X("uncertainty", "draws", "1000", COUNT(draws, 0, 1e7),                    \
      "Monte Carlo draws of the score (0 = none)")                             \
    X("uncertainty", "seed", "20261126", SEED(seed, 0, 4294967295.0),          \
      "seed of the Monte Carlo: the same seed gives the same bands")           \
    X("uncertainty", "weight_sd", "0.25", NUMBER(weight_sd, 0, 5, CLOSED),     \
      "each weight is multiplied by exp(sd z), z standard normal")             \
    X("uncertainty", "vary_normalisation", "no",                               \
      CHOICE(vary_norm, 0, "no|yes"),                                          \
      "also draw the normalisation (minmax, zscore, rank)")                    \
    X("uncertainty", "vary_aggregation", "no", CHOICE(vary_agg, 0, "no|yes"),  \
      "also draw the aggregation (arithmetic, geometric)")                     \
    X("uncertainty", "resample", "none", CHOICE(resample, 0, "none|records"),  \
      "records: each draw also resamples the data (every centre's tenants "    \
      "with replacement, or a long table's counts, multinomial per unit) and " \
      "recomputes the chain to the score; none: the draws vary the weights "   \
      "only")                                                                  \
    X("output", "pairs", "auto", CHOICE(pairs, 0, "auto|all|top"),             \
      "pair tables (similarity, unit_proximity, proximity, outranking): all "  \
      "pairs; top: each unit's or class's top_pairs nearest; auto: all up "    \
      "to 500,000 pairs per matrix, else top")                                 \
    X("output", "top_pairs", "20", COUNT(top_pairs, 1, 100000),                \
      "pairs kept per unit or class when a pair table is cut")                 \
    X("output", "cells", "auto", CHOICE(cells, 0, "auto|all|top"),             \
      "unit x class tables (specialisation, potentials): all cells; top: "     \
      "specialisation.csv the cells with a value, potentials.csv each "        \
      "unit's specialisations and its top_opportunities best-ranked "          \
      "opportunities; auto: all up to 500,000 cells per matrix, else top")     \
    X("output", "top_opportunities", "50",                                     \
      COUNT(top_opportunities, 1, 100000),                                     \
      "opportunities kept per unit in potentials.csv when it is cut")          \
    X("output", "square_sheets", "auto",                                       \
      CHOICE(square_sheets, 0, "auto|yes|no"),                                 \
      "the workbook's unit x unit sheets (Outranking, Overlaps): yes, no, or " \
      "auto: written up to 200 units (above, outranking.csv and "              \
      "similarity.csv hold the pairs)")                                        \
    X("learning", "home", "", TEXT(learn_home, 0),                             \
      "units that look for learning partners (comma-separated codes; empty "   \
      "= no learning table)")                                                  \
    X("learning", "candidates", "all", TEXT(learn_candidates, 1),              \
      "the units that may be partners: all (every unit not in home) or a "     \
      "comma-separated list")                                                  \
    X("learning", "compare", "", TEXT(learn_compare, 0),                       \
      "units always shown beside each home unit's partners (comma-separated)") \
    X("learning", "top", "10", COUNT(learn_top, 1, 1000),                      \
      "partners listed per home unit, by the combined similarity rank")        \
    X("learning", "outcome", "", PATH(learn_outcome),                          \
      "optional CSV with a unit column and an outcome (GDP per head, "         \
      "productivity) per unit; empty = none")                                  \
    X("learning", "outcome_column", "value", TEXT(learn_outcome_column, 1),    \
      "the outcome file's value column")

typedef struct {
    const char *section, *key, *def, *help;
    param_kind kind;
    size_t field;        /* offsetof(s3_model, ...) */
    double lo, hi;       /* see param_kind */
    int open;            /* OPEN: lo and hi themselves are refused */
    const char *choices; /* "a|b|c" */
} param_info;

static const param_info params[] = {
#define X(s, k, d, kind, h) {.section = s, .key = k, .def = d, .help = h, kind},
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
    char sections[64][64];
    size_t nsections;
    s3i_entry *entries; /* [domains] and [scenario.*] keys, in file order */
    size_t nentries, cap_entries;
    s3_status status;
} parse_state;

/* The keys of a [scenario.NAME] section: what a scenario may change. */
static const char *const scenario_keys[] = {
    "description",   "add_tenants",  "remove_tenants", "move_tenants",
    "merge_centres", "close_centre", "add_patents",    "threshold",
    "reference",     "level",        "weights",        "weight"};
enum { NSCENKEYS = sizeof scenario_keys / sizeof *scenario_keys };

/* Whether `name` is a scenario section "scenario.NAME". */
static int
scenario_section(const char *name)
{
    if (strncmp(name, "scenario.", 9) != 0 || !name[9])
        return 0;
    for (const char *c = name + 9; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            return 0;
    return 1;
}

/* Whether some parameter lives in section `name`. */
static int
known_section(const char *name)
{
    if (strcmp(name, "domains") == 0 || scenario_section(name))
        return 1;
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
    if (ps->nsections == 64) {
        ps->status =
            s3i_fail(ps->ctx, S3_EMODEL, "%s:%zu: more than 64 sections",
                     ps->path, ps->line);
        return;
    }
    strcpy(ps->sections[ps->nsections++], name);
}

/* Whether s[0..n) is valid UTF-8 once its NUL bytes are left out: a line
 * that is not UTF-8 anyway (UTF-16, Latin-1) is reported as such, not for
 * its NUL bytes. */
static int
utf8_valid_but_nul(const char *s, size_t n)
{
    for (size_t i = 0; i <= n;) {
        const char *z = memchr(s + i, '\0', n - i);
        size_t j = z ? (size_t)(z - s) : n;
        if (!s3i_utf8_valid(s + i, j - i))
            return 0;
        i = j + 1;
    }
    return 1;
}

/* Line reader for ini_parse_stream: counts lines, checks section lines,
 * and refuses lines longer than inih's buffer instead of letting them
 * split, lines that are not UTF-8, and NUL bytes (which would silently cut
 * the line for inih: 'division\0s' read as 'division').  It reads byte by
 * byte, so that it knows the line's length past a NUL, and ends the
 * stream at the first error. */
static char *
read_line(char *buf, int size, void *stream)
{
    parse_state *ps = stream;
    if (ps->status || size < 2)
        return NULL;
    size_t n = 0, max = (size_t)size - 1;
    int c = EOF;
    while (n < max && (c = getc(ps->f)) != EOF) {
        buf[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (ferror(ps->f)) {
        ps->status = s3i_fail(ps->ctx, S3_EIO, "%s:%zu: cannot read: %s",
                              ps->path, ps->line + 1, strerror(errno));
        return NULL;
    }
    if (n == 0)
        return NULL; /* the end of the file */
    buf[n] = '\0';
    ps->line++;
    if (n == max && buf[n - 1] != '\n') {
        ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                              "%s:%zu: line longer than %d characters",
                              ps->path, ps->line, size - 2);
        return NULL;
    }
    if (!utf8_valid_but_nul(buf, n)) {
        ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                              "%s:%zu: the line is not valid UTF-8 (save the "
                              "model as UTF-8)",
                              ps->path, ps->line);
        return NULL;
    }
    const char *nul = memchr(buf, '\0', n);
    if (nul) {
        ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                              "%s:%zu: the line holds a NUL byte (byte %zu; "
                              "save the model as UTF-8 text)",
                              ps->path, ps->line, (size_t)(nul - buf) + 1);
        return NULL;
    }
    check_section_line(ps, buf);
    return ps->status ? NULL : buf;
}

/* Keep a [domains] or [scenario.*] key.  Such keys may repeat (a domain
 * continued on the next line, a scenario with several actions). */
static int
keep_entry(parse_state *ps, const char *section, const char *name,
           const char *value)
{
    if (scenario_section(section)) {
        size_t k;
        for (k = 0; k < NSCENKEYS; k++)
            if (strcmp(scenario_keys[k], name) == 0)
                break;
        if (k == NSCENKEYS) {
            ps->status = s3i_fail(ps->ctx, S3_EMODEL,
                                  "%s:%zu: unknown key '%s' in [%s] (a "
                                  "scenario knows: description, add_tenants, "
                                  "remove_tenants, move_tenants, "
                                  "merge_centres, close_centre, add_patents, "
                                  "threshold, reference, level, weights)",
                                  ps->path, ps->line, name, section);
            return 0;
        }
    }
    if (s3i_reserve(&ps->entries, &ps->cap_entries, ps->nentries + 1,
                    sizeof(s3i_entry))) {
        ps->status = s3i_fail(ps->ctx, S3_ENOMEM, "out of memory");
        return 0;
    }
    s3i_entry *e = &ps->entries[ps->nentries];
    e->section = strdup(section);
    e->key = strdup(name);
    e->value = strdup(value);
    e->line = ps->line;
    ps->nentries++;
    if (!e->section || !e->key || !e->value) {
        ps->status = s3i_fail(ps->ctx, S3_ENOMEM, "out of memory");
        return 0;
    }
    return 1;
}

static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
    parse_state *ps = user;
    if (ps->status)
        return 0;
    if (strcmp(section, "domains") == 0 || scenario_section(section))
        return keep_entry(ps, section, name, value);
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
    /* an empty path stays empty: an optional file not given */
    if (!*p || p[0] == '/' || !dir || !*dir)
        return strdup(p);
    size_t n = strlen(dir) + strlen(p) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, p);
    return s;
}

/* Read v as a number in p's range: a whole number unless p is a NUMBER. */
static s3_status
number_param(s3_ctx *ctx, const char *file, size_t line, const param_info *p,
             const char *v, double *out)
{
    int whole = p->kind != P_NUMBER;
    double d;
    if (!s3i_parse_number(v, strlen(v), 0, &d) && (!whole || d == floor(d)) &&
        (p->open ? d > p->lo && d < p->hi : d >= p->lo && d <= p->hi)) {
        *out = d;
        return S3_OK;
    }
    char range[64];
    if (!p->open)
        snprintf(range, sizeof range, "from %g to %g", p->lo, p->hi);
    else if (isinf(p->hi))
        snprintf(range, sizeof range, "above %g", p->lo);
    else
        snprintf(range, sizeof range, "between %g and %g", p->lo, p->hi);
    return s3i_fail(ctx, S3_EMODEL, "%s:%zu: [%s] %s = '%s': expected a %s %s",
                    file, line, p->section, p->key, v,
                    whole ? "whole number" : "number", range);
}

/* Set the field of parameter p from its text v (set on `line`); dir is
 * the model file's folder, for paths. */
static s3_status
set_param(s3_ctx *ctx, const char *file, size_t line, const param_info *p,
          const char *v, const char *dir, s3_model *m)
{
    void *f = (char *)m + p->field;
    s3_status st;
    double d;
    int k;
    switch (p->kind) {
    case P_TEXT:
    case P_PATH:
        if (p->lo > 0 && !*v)
            return s3i_fail(ctx, S3_EMODEL, "%s:%zu: [%s] %s is empty", file,
                            line, p->section, p->key);
        *(char **)f = p->kind == P_PATH ? resolve(dir, v) : strdup(v);
        return *(char **)f ? S3_OK : s3i_fail(ctx, S3_ENOMEM, "out of memory");
    case P_CHOICE:
        if ((k = choice(p->choices, v)) < 0)
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [%s] %s = '%s': expected one of %s", file,
                            line, p->section, p->key, v, p->choices);
        *(int *)f = (int)p->lo + k;
        return S3_OK;
    case P_NUMBER:
        return number_param(ctx, file, line, p, v, f);
    case P_COUNT:
        if (!(st = number_param(ctx, file, line, p, v, &d)))
            *(size_t *)f = (size_t)d;
        return st;
    case P_SEED:
        if (!(st = number_param(ctx, file, line, p, v, &d)))
            *(unsigned long *)f = (unsigned long)d;
        return st;
    case P_DATE:
        *(int32_t *)f = 0;
        if (*v && s3i_parse_date(v, strlen(v), f))
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [%s] %s = '%s': expected a date "
                            "YYYY-MM-DD",
                            file, line, p->section, p->key, v);
        return S3_OK;
    case P_LIST: /* s3i_score_lists reads them once all the others are set */
        break;
    }
    return S3_OK;
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
    const char *file = path ? path : "model";
    s3_status st = S3_OK;
    m->nparams = NPARAMS;
    m->param_name = calloc(NPARAMS, sizeof(char *));
    m->param_value = calloc(NPARAMS, sizeof(char *));
    m->param_line = calloc(NPARAMS, sizeof(size_t));
    if (!m->param_name || !m->param_value || !m->param_line) {
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
        m->param_line[i] = line[i];
        if ((st = set_param(ctx, file, line[i], &params[i], v, dir, m)))
            goto done;
    }
    /* the [score] lists, now that normalisation and aggregation are known */
    {
        static const char *const keys[6] = {"indicators",     "weights",
                                            "directions",     "goalposts_low",
                                            "goalposts_high", "normalisation"};
        size_t at[6];
        for (int j = 0; j < 6; j++)
            for (size_t i = 0; i < NPARAMS; i++)
                if (!strcmp(params[i].section, "score") &&
                    !strcmp(params[i].key, keys[j]))
                    at[j] = i;
        if ((st = s3i_score_lists(ctx, path, m, m->param_value, line, at)))
            goto done;
    }
    if (!*m->name) {
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
                          file, m->name);
            goto done;
        }
    if (m->name && !*m->title) {
        /* no title: the model's name, in parameters.csv too */
        for (size_t i = 0; i < NPARAMS; i++)
            if (!strcmp(m->param_name[i], "model.title")) {
                free(m->param_value[i]);
                m->param_value[i] = strdup(m->name);
                if (!m->param_value[i]) {
                    st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
                    goto done;
                }
            }
        free(m->title);
        m->title = strdup(m->name);
    }
    if (!m->name || !m->title || !(m->path = strdup(path ? path : "")))
        st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(dir);
    return st;
}

/* Free an array of entries. */
static void
free_entries(s3i_entry *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++) {
        free(e[i].section);
        free(e[i].key);
        free(e[i].value);
    }
    free(e);
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
    if (m) {
        m->entries = ps.entries;
        m->nentries = ps.nentries;
    } else {
        free_entries(ps.entries, ps.nentries);
    }
    if (!st)
        st = s3i_check_scenarios(ctx, m);
    if (st) {
        s3_model_free(m);
        return st;
    }
    *out = m;
    return S3_OK;
}

/* build() names a parameter's own section in its messages ("file:line:
 * [specialisation] threshold = ..."); a scenario's value stands in the
 * scenario's section, on the line given, so name that one instead. */
static void
name_scenario_section(s3_ctx *ctx, const char *section)
{
    char msg[sizeof ctx->msg];
    snprintf(msg, sizeof msg, "%s", s3_ctx_message(ctx));
    char *open = strstr(msg, ": ["), *close = open ? strchr(open, ']') : NULL;
    if (!close)
        return;
    open[2] = '\0';
    s3i_fail(ctx, S3_EMODEL, "%s[%s]%s", msg, section, close + 1);
}

/* A model like base (its folders and its [domains] and [scenario.*]
 * entries) with its parameters set from value and line. */
static s3_status
rebuild(s3_ctx *ctx, const s3_model *base, char **value, const size_t *line,
        s3_model **out)
{
    *out = NULL;
    s3_model *m = calloc(1, sizeof *m);
    if (!m)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3_status st = build(ctx, base->path, value, line, m);
    if (!st) {
        free(m->dataset_dir);
        free(m->reference_dir);
        m->dataset_dir = strdup(base->dataset_dir);
        m->reference_dir = strdup(base->reference_dir);
        m->entries = calloc(base->nentries + 1, sizeof(s3i_entry));
        if (!m->dataset_dir || !m->reference_dir || !m->entries)
            st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        for (size_t e = 0; !st && e < base->nentries; e++) {
            const s3i_entry *en = &base->entries[e];
            s3i_entry *c = &m->entries[m->nentries++];
            c->line = en->line;
            if (!(c->section = strdup(en->section)) ||
                !(c->key = strdup(en->key)) || !(c->value = strdup(en->value)))
                st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
    }
    if (st) {
        s3_model_free(m);
        return st;
    }
    *out = m;
    return S3_OK;
}

s3_status
s3i_model_variant(s3_ctx *ctx, const s3_model *base, const char *section,
                  s3_model **out)
{
    char *value[NPARAMS];
    size_t line[NPARAMS] = {0};
    for (size_t i = 0; i < NPARAMS; i++)
        value[i] = base->param_value[i];
    /* the scenario's parameter changes */
    for (size_t e = 0; e < base->nentries; e++) {
        const s3i_entry *en = &base->entries[e];
        if (strcmp(en->section, section))
            continue;
        const char *sec = !strcmp(en->key, "threshold")   ? "specialisation"
                          : !strcmp(en->key, "reference") ? "specialisation"
                          : !strcmp(en->key, "level")     ? "sectors"
                          : !strcmp(en->key, "weight")    ? "sectors"
                          : !strcmp(en->key, "weights")   ? "score"
                                                          : NULL;
        for (size_t i = 0; sec && i < NPARAMS; i++)
            if (!strcmp(params[i].section, sec) &&
                !strcmp(params[i].key, en->key)) {
                value[i] = en->value;
                line[i] = en->line;
            }
    }
    s3_status st = rebuild(ctx, base, value, line, out);
    if (st == S3_EMODEL)
        name_scenario_section(ctx, section);
    return st;
}

s3_status
s3_model_set(s3_ctx *ctx, s3_model *m, const char *name, const char *value)
{
    size_t at = 0;
    while (at < NPARAMS && strcmp(m->param_name[at], name) != 0)
        at++;
    if (at == NPARAMS)
        return s3i_fail(ctx, S3_EUSAGE,
                        "unknown model parameter '%s': parameters.csv of any "
                        "run lists them (section.key)",
                        name);
    char *v[NPARAMS];
    size_t line[NPARAMS];
    for (size_t i = 0; i < NPARAMS; i++) {
        v[i] = m->param_value[i];
        line[i] = m->param_line[i];
    }
    v[at] = (char *)value;
    line[at] = 0;
    s3_model *n;
    s3_status st = rebuild(ctx, m, v, line, &n);
    if (st) {
        /* "file:0: [section] key = ...: why" → "name=value: why" */
        const char *msg = s3_ctx_message(ctx), *why = strstr(msg, "': ");
        char text[512];
        snprintf(text, sizeof text, "%s", why ? why + 3 : msg);
        return s3i_fail(ctx, st, "model parameter %s = '%s': %s", name, value,
                        text);
    }
    s3_model tmp = *m;
    *m = *n;
    *n = tmp;
    s3_model_free(n);
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
    free(m->title);
    free(m->dataset_dir);
    free(m->reference_dir);
    free(m->baseline_region);
    free(m->learn_home), free(m->learn_candidates), free(m->learn_compare);
    free(m->learn_outcome), free(m->learn_outcome_column);
    free(m->exclude_classes);
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->param_name ? m->param_name[i] : NULL);
        free(m->param_value ? m->param_value[i] : NULL);
    }
    free(m->param_name);
    free(m->param_value);
    free(m->param_line);
    free_entries(m->entries, m->nentries);
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

const char *
s3i_model_scenario_at(const s3_model *m, size_t e)
{
    const char *s = m->entries[e].section;
    if (strncmp(s, "scenario.", 9))
        return NULL;
    for (size_t f = 0; f < e; f++)
        if (!strcmp(m->entries[f].section, s))
            return NULL;
    return s + 9;
}

void
s3i_model_scenarios(const s3_model *m, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t e = 0; e < m->nentries; e++) {
        const char *name = s3i_model_scenario_at(m, e);
        if (!name)
            continue;
        size_t len = strlen(name) + (at ? 2 : 0);
        if (at + len + 4 >= n) {
            snprintf(buf + at, n - at, "%s...", at ? ", " : "");
            return;
        }
        at += (size_t)snprintf(buf + at, n - at, "%s%s", at ? ", " : "", name);
    }
}

size_t
s3i_model_param_line(const s3_model *m, const char *name)
{
    for (size_t i = 0; m->param_line && i < m->nparams; i++)
        if (strcmp(m->param_name[i], name) == 0)
            return m->param_line[i];
    return 0;
}

/* The meaning of parameter i (same order as s3_model_param_name). */
const char *
s3i_model_param_help(size_t i)
{
    return i < NPARAMS ? params[i].help : NULL;
}
