/*
 * model_check.c — the checks of a model that span several keys, made once
 * the whole file is read (model.c checks each key on its own, from the
 * PARAMS table).
 *
 * The [score] lists: which indicators make the development-potential
 * score, their weights and directions, and for goalpost normalisation the
 * values that count as 0 and as 1.  They are comma-separated lists that
 * must agree with each other (one weight, one direction, one goalpost per
 * indicator) and with the normalisation and aggregation.  A list that is
 * wrong names its own line, or, when it was left at its default, the line
 * of the indicators that it no longer matches.
 *
 * The scenarios: each [scenario.NAME] changes something.
 */
#include <stdio.h>
#include <string.h>

#include "ingest/load.h"

/* Split a comma-separated list into at most max trimmed items (written
 * into buf, pointers in item).  Returns the count, or -1 when there are
 * more than max. */
static int
split_list(const char *v, char *buf, size_t bufsz, char **item, int max)
{
    snprintf(buf, bufsz, "%s", v);
    int n = 0;
    for (char *p = buf; *p;) {
        char *e = strchr(p, ',');
        if (e)
            *e = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
            p[--l] = '\0';
        if (n == max)
            return -1;
        item[n++] = p;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

/* A [score] list of `got` items where the n indicators (named on line
 * ind_line) need n: on the list's line, or, when the list was left at its
 * default (line 0), on the indicators line.  one/many: "number"/"numbers". */
static s3_status
wrong_count(s3_ctx *ctx, const char *file, size_t line, size_t ind_line,
            const char *key, const char *one, const char *many, int got, int n)
{
    if (line)
        return s3i_fail(ctx, S3_EMODEL,
                        "%s:%zu: [score] %s: give %d %s, one per indicator",
                        file, line, key, n, n == 1 ? one : many);
    return s3i_fail(ctx, S3_EMODEL,
                    "%s:%zu: [score] indicators names %d indicator%s, but %s "
                    "is not set and its default has %d: set %s too, %d %s",
                    file, ind_line, n, n == 1 ? "" : "s", key, got, key, n,
                    n == 1 ? one : many);
}

/* Parse the [score] list `key` (set on `line`) into n finite numbers.  An
 * item that is not one is named with its position, before the count is
 * checked: "1, nan, 1" is a bad item, not a wrong count. */
static s3_status
number_list(s3_ctx *ctx, const char *file, size_t line, size_t ind_line,
            const char *key, const char *v, double *out, int n)
{
    char buf[1024], *item[S3I_MAXIND + 1];
    int got = split_list(v, buf, sizeof buf, item, S3I_MAXIND);
    for (int i = 0; i < got; i++)
        if (s3i_parse_number(item[i], strlen(item[i]), 0, &out[i]))
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [score] %s: item %d '%s' is not a finite "
                            "number",
                            file, line, key, i + 1, item[i]);
    if (got != n)
        return wrong_count(ctx, file, line, ind_line, key, "number", "numbers",
                           got, n);
    return S3_OK;
}

/* The indicator names, for parsing. */
static const char *const indicator_name[] = {
#define X(id, n, h) n,
    S3I_INDICATORS(X)
#undef X
};

/* Parse and check the [score] lists: indicators, weights, directions,
 * goalposts.  v[at[k]] and line[at[k]] are the text and line of indicators,
 * weights, directions, goalposts_low, goalposts_high and normalisation. */
s3_status
s3i_score_lists(s3_ctx *ctx, const char *path, s3_model *m, char *const *v,
                const size_t *line, const size_t *at)
{
    const char *file = path ? path : "model";
    char buf[1024], *item[S3I_MAXIND + 1];
    int n = split_list(v[at[0]], buf, sizeof buf, item, S3I_MAXIND);
    if (n <= 0)
        return s3i_fail(ctx, S3_EMODEL,
                        "%s:%zu: [score] indicators: give 1 to %d names", file,
                        line[at[0]], S3I_MAXIND);
    for (int i = 0; i < n; i++) {
        int k;
        for (k = 0; k < S3I_NIND; k++)
            if (strcmp(item[i], indicator_name[k]) == 0)
                break;
        if (k == S3I_NIND)
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [score] indicators: '%s' is not one of "
                            "specialisation, density, eci, startups, growth, "
                            "patents, alignment",
                            file, line[at[0]], item[i]);
        for (int j = 0; j < i; j++)
            if (m->ind[j] == k)
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [score] indicators: '%s' appears "
                                "twice",
                                file, line[at[0]], item[i]);
        m->ind[i] = k;
    }
    m->nind = (size_t)n;
    double sum = 0.0;
    s3_status st = number_list(ctx, file, line[at[1]], line[at[0]], "weights",
                               v[at[1]], m->w, n);
    if (st)
        return st;
    for (int i = 0; i < n; i++) {
        if (!(m->w[i] >= 0.0))
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [score] weights: %g is negative", file,
                            line[at[1]], m->w[i]);
        sum += m->w[i];
    }
    if (!(sum > 0.0))
        return s3i_fail(ctx, S3_EMODEL, "%s:%zu: [score] weights are all 0",
                        file, line[at[1]]);
    int nd = split_list(v[at[2]], buf, sizeof buf, item, S3I_MAXIND);
    if (nd != n)
        return wrong_count(ctx, file, line[at[2]], line[at[0]], "directions",
                           "sign (+ or -)", "signs (+ or -)", nd, n);
    for (int i = 0; i < n; i++) {
        if (strcmp(item[i], "+") && strcmp(item[i], "-"))
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [score] directions: '%s' is not + or -",
                            file, line[at[2]], item[i]);
        m->dir[i] = item[i][0] == '+' ? 1 : -1;
    }
    if (m->norm == S3_NORM_GOALPOSTS) {
        for (int k = 3; k <= 4; k++)
            if (!*v[at[k]])
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [score] normalisation = goalposts "
                                "needs goalposts_low and goalposts_high, %d "
                                "numbers each",
                                file, line[at[5]], n);
        if ((st = number_list(ctx, file, line[at[3]], line[at[0]],
                              "goalposts_low", v[at[3]], m->lo, n)) ||
            (st = number_list(ctx, file, line[at[4]], line[at[0]],
                              "goalposts_high", v[at[4]], m->hi, n)))
            return st;
        for (int i = 0; i < n; i++)
            if (!(m->hi[i] > m->lo[i]))
                return s3i_fail(ctx, S3_EMODEL,
                                "%s:%zu: [score] goalposts: high must exceed "
                                "low (indicator %d)",
                                file, line[at[4]], i + 1);
    }
    if (m->agg == S3_AGG_GEOMETRIC && m->norm == S3_NORM_ZSCORE)
        return s3i_fail(ctx, S3_EMODEL,
                        "%s:%zu: [score] a geometric mean needs non-negative "
                        "values: use minmax, rank or goalposts with it",
                        file, line[at[0]]);
    return S3_OK;
}

/* Every scenario has at least one change, and a named section appears
 * once (check_section_line) — the actions themselves are checked when the
 * scenario runs, against the dataset. */
s3_status
s3i_check_scenarios(s3_ctx *ctx, const s3_model *m)
{
    for (size_t e = 0; e < m->nentries; e++) {
        const s3i_entry *en = &m->entries[e];
        if (strncmp(en->section, "scenario.", 9))
            continue;
        int changes = 0;
        for (size_t f = 0; f < m->nentries; f++)
            changes += !strcmp(m->entries[f].section, en->section) &&
                       strcmp(m->entries[f].key, "description");
        if (!changes)
            return s3i_fail(ctx, S3_EMODEL,
                            "%s:%zu: [%s] changes nothing: add e.g. "
                            "add_tenants = CENTRE NACE COUNT",
                            m->path, en->line, en->section);
    }
    return S3_OK;
}
