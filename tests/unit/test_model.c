/*
 * test_model.c — unit tests of models (engine/ingest/model.c): the
 * defaults of every parameter (s3_model_default and a file that sets
 * nothing), values as written (numbers, dates, choices, the [score]
 * lists, paths relative to the model's folder), the name taken from the
 * file, [domains] and [scenario.*] keys kept in file order with their
 * lines, a scenario's variant of the model (s3i_model_variant), and bad
 * values refused with S3_EMODEL and a message that names the file, the
 * line of the offending value and the value.
 *
 * The CLI tests check a few bad models end to end (unknown key and
 * section, duplicate section, bad level, threshold 0); here every kind of
 * parameter is covered, each with the exact line.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_util.h"
#include "ingest/ingest.h"

static char dir[64], path[128];

static void
setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/s3t-model-%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/plan-2385.ini", dir);
}

static void
teardown(void)
{
    unlink(path);
    rmdir(dir);
}

/* Write text into the model file. */
static void
write_model(const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* The text value of parameter `name` (e.g. "score.weights"). */
static const char *
param(const s3_model *m, const char *name)
{
    for (size_t i = 0; i < s3_model_params(m); i++)
        if (strcmp(s3_model_param_name(m, i), name) == 0)
            return s3_model_param_value(m, i);
    ck_abort_msg("no parameter %s", name);
    return NULL;
}

/* Every field at its default (the values models/ruhr.ini explains). */
static void
ck_defaults(const s3_model *m)
{
    ck_assert_int_eq(m->level, 2); /* division */
    ck_assert_int_eq(m->weight, S3I_WEIGHT_TENANTS);
    ck_assert_int_eq(m->reference, S3I_REF_NETWORK);
    ck_assert_double_eq(m->threshold, 1.0);
    ck_assert_int_eq(m->cutoff, 0);
    ck_assert_uint_eq(m->reflections, 20);
    ck_assert_int_eq(m->relatedness, S3I_REL_PROXIMITY);
    ck_assert_int_eq(m->split, S3I_SPLIT_MEDIAN);
    ck_assert_double_eq(m->percentile, 75.0);
    ck_assert_str_eq(m->baseline_region, "total");
    ck_assert_int_eq(m->baseline_key, S3I_KEY_NUTS3);
    ck_assert_double_eq(m->cluster_cut, 0.6);
    ck_assert_uint_eq(m->partners, 3);
    ck_assert_uint_eq(m->nind, 7);
    const int ind[] = {IND_SPEC,   IND_DENS,    IND_ECI,  IND_STARTUP,
                       IND_GROWTH, IND_PATENTS, IND_ALIGN};
    const double w[] = {2, 2, 2, 1, 1, 1, 1};
    for (size_t i = 0; i < 7; i++) {
        ck_assert_int_eq(m->ind[i], ind[i]);
        ck_assert_double_eq(m->w[i], w[i]);
        ck_assert_int_eq(m->dir[i], 1);
    }
    ck_assert_int_eq(m->norm, S3_NORM_MINMAX);
    ck_assert_int_eq(m->agg, S3_AGG_ARITHMETIC);
    ck_assert_double_eq(m->shift, 0.01);
    ck_assert_int_eq(m->growth_from, 0);
    ck_assert_uint_eq(m->draws, 1000);
    ck_assert_uint_eq(m->seed, 20261126);
    ck_assert_double_eq(m->weight_sd, 0.25);
    ck_assert_int_eq(m->vary_norm, 0);
    ck_assert_int_eq(m->vary_agg, 0);
    ck_assert_uint_eq(m->nentries, 0);
    ck_assert_int_eq(m->rule, S3I_RULE_RCA);
    ck_assert_double_eq(m->alpha, 0.05);
    ck_assert_double_eq(m->confidence, 0.95);
}

/* s3_model_set: one parameter by name, checked as in a file; a refused
 * value leaves the model as it was. */
START_TEST(set_by_name)
{
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_int_eq(s3_model_default(ctx, &m), S3_OK);
    ck_assert_int_eq(s3_model_set(ctx, m, "output.pairs", "top"), S3_OK);
    ck_assert_int_eq(m->pairs, S3I_PAIRS_TOP);
    ck_assert_str_eq(param(m, "output.pairs"), "top");
    ck_assert_int_eq(s3_model_set(ctx, m, "specialisation.threshold", "1.5"),
                     S3_OK);
    ck_assert_double_eq(m->threshold, 1.5);
    ck_assert_int_eq(m->pairs, S3I_PAIRS_TOP); /* the first setting stays */
    ck_assert_int_eq(
        s3_model_set(ctx, m, "score.weights", "1, 1, 1, 1, 1, 1, 1"), S3_OK);
    ck_assert_double_eq(m->w[0], 1.0);
    ck_assert_int_eq(s3_model_set(ctx, m, "output.top_pairs", "0"), S3_EMODEL);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), "output.top_pairs"));
    ck_assert_uint_eq(m->top_pairs, 20);
    ck_assert_int_eq(s3_model_set(ctx, m, "specialisation.threshold", "x"),
                     S3_EMODEL);
    ck_assert_double_eq(m->threshold, 1.5);
    ck_assert_int_eq(s3_model_set(ctx, m, "no.such", "1"), S3_EUSAGE);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), "'no.such'"));
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(default_model)
{
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_int_eq(s3_model_default(ctx, &m), S3_OK);
    ck_defaults(m);
    ck_assert_str_eq(s3_model_name(m), "analysis");
    /* the parameter list: section.key names, each with its meaning */
    size_t n = s3_model_params(m);
    ck_assert_uint_eq(n, 47);
    /* no title: the model's name */
    ck_assert_str_eq(param(m, "model.title"), "analysis");
    ck_assert_str_eq(param(m, "output.pairs"), "auto");
    ck_assert_str_eq(param(m, "output.cells"), "auto");
    ck_assert_int_eq(m->cells, S3I_PAIRS_AUTO);
    ck_assert_str_eq(param(m, "output.top_opportunities"), "50");
    ck_assert_uint_eq(m->top_opportunities, 50);
    ck_assert_str_eq(param(m, "output.square_sheets"), "auto");
    ck_assert_int_eq(m->square_sheets, S3I_SQUARE_AUTO);
    ck_assert_str_eq(param(m, "learning.home"), "");
    ck_assert_str_eq(param(m, "learning.candidates"), "all");
    ck_assert_str_eq(param(m, "learning.top"), "10");
    ck_assert_str_eq(param(m, "learning.outcome"), "");
    ck_assert_uint_eq(m->learn_top, 10);
    ck_assert_str_eq(m->learn_outcome, "");
    ck_assert_str_eq(param(m, "output.top_pairs"), "20");
    ck_assert_str_eq(param(m, "uncertainty.resample"), "none");
    ck_assert_str_eq(param(m, "specialisation.rule"), "rca");
    ck_assert_str_eq(s3_model_param_name(m, 0), "model.name");
    ck_assert_str_eq(param(m, "score.directions"), "+, +, +, +, +, +, +");
    ck_assert_str_eq(param(m, "uncertainty.seed"), "20261126");
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_nonnull(strchr(s3_model_param_name(m, i), '.'));
        ck_assert_ptr_nonnull(s3_model_param_value(m, i));
        ck_assert_ptr_nonnull(s3i_model_param_help(i));
        ck_assert_uint_gt(strlen(s3i_model_param_help(i)), 10);
    }
    ck_assert_ptr_null(s3_model_param_name(m, n));
    ck_assert_ptr_null(s3_model_param_value(m, n));
    ck_assert_ptr_null(s3i_model_param_help(n));
    s3_model_free(m);
    s3_model_free(NULL);
    s3_ctx_free(ctx);
}
END_TEST

/* A file with comments and nothing else: every default; the name from the
 * file name; the dataset and reference folders relative to the file. */
START_TEST(file_setting_nothing)
{
    write_model("; a comment\n# another\n\n");
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_msg(s3_model_load(ctx, path, &m) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    ck_defaults(m);
    ck_assert_str_eq(s3_model_name(m), "plan-2385");
    char want[256];
    snprintf(want, sizeof want, "%s/../datasets/ruhr", dir);
    ck_assert_str_eq(m->dataset_dir, want);
    snprintf(want, sizeof want, "%s/../datasets/reference", dir);
    ck_assert_str_eq(m->reference_dir, want);
    /* the parameter list keeps the text as given (the default here) */
    ck_assert_str_eq(param(m, "model.dataset"), "../datasets/ruhr");
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

/* Values as written, of every kind. */
START_TEST(values_of_every_kind)
{
    write_model("[model]\n"
                "name = ruhr_2385\n"
                "dataset = /data/ruhr\n"
                "reference = ref\n"
                "[sectors]\n"
                "level = group\n"
                "weight = employees\n"
                "[specialisation]\n"
                "reference = baseline\n"
                "threshold = 1.385\n"
                "[data]\n"
                "cutoff = 2024-06-30\n"
                "[complexity]\n"
                "reflections = 17\n"
                "[potentials]\n"
                "relatedness = jaccard\n"
                "split = percentile\n"
                "percentile = 62.5\n"
                "[baseline]\n"
                "region = DEA52\n"
                "key = subregion\n"
                "[overlaps]\n"
                "cluster_cut = 0.385\n"
                "partners = 7\n"
                "[score]\n"
                "indicators = eci, density,patents\n"
                "weights = 3.5, 0, 1.25\n"
                "directions = -, +, -\n"
                "normalisation = goalposts\n"
                "goalposts_low = -2, 0, 0.1\n"
                "goalposts_high = 2, 1, 2.385\n"
                "aggregation = geometric\n"
                "geometric_shift = 0.5\n"
                "growth_from = 2019-12-31\n"
                "[uncertainty]\n"
                "draws = 2e3\n"
                "seed = 4294967295\n"
                "weight_sd = 0.125\n"
                "vary_normalisation = yes\n"
                "vary_aggregation = yes\n");
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_msg(s3_model_load(ctx, path, &m) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    ck_assert_str_eq(s3_model_name(m), "ruhr_2385");
    ck_assert_str_eq(m->dataset_dir, "/data/ruhr"); /* absolute: kept */
    char want[256];
    snprintf(want, sizeof want, "%s/ref", dir);
    ck_assert_str_eq(m->reference_dir, want);
    ck_assert_int_eq(m->level, 3);
    ck_assert_int_eq(m->weight, S3I_WEIGHT_EMPLOYEES);
    ck_assert_int_eq(m->reference, S3I_REF_BASELINE);
    ck_assert_double_eq(m->threshold, 1.385);
    ck_assert_int_eq(m->cutoff, 20240630);
    ck_assert_uint_eq(m->reflections, 17);
    ck_assert_int_eq(m->relatedness, 1 + S3_REL_JACCARD);
    ck_assert_int_eq(m->split, S3I_SPLIT_PERCENTILE);
    ck_assert_double_eq(m->percentile, 62.5);
    ck_assert_str_eq(m->baseline_region, "DEA52");
    ck_assert_int_eq(m->baseline_key, S3I_KEY_SUBREGION);
    ck_assert_double_eq(m->cluster_cut, 0.385);
    ck_assert_uint_eq(m->partners, 7);
    ck_assert_uint_eq(m->nind, 3);
    ck_assert_int_eq(m->ind[0], IND_ECI);
    ck_assert_int_eq(m->ind[1], IND_DENS);
    ck_assert_int_eq(m->ind[2], IND_PATENTS);
    ck_assert_double_eq(m->w[0], 3.5);
    ck_assert_double_eq(m->w[1], 0.0);
    ck_assert_double_eq(m->w[2], 1.25);
    ck_assert_int_eq(m->dir[0], -1);
    ck_assert_int_eq(m->dir[1], 1);
    ck_assert_int_eq(m->dir[2], -1);
    ck_assert_int_eq(m->norm, S3_NORM_GOALPOSTS);
    ck_assert_double_eq(m->lo[0], -2.0);
    ck_assert_double_eq(m->lo[2], 0.1);
    ck_assert_double_eq(m->hi[2], 2.385);
    ck_assert_int_eq(m->agg, S3_AGG_GEOMETRIC);
    ck_assert_double_eq(m->shift, 0.5);
    ck_assert_int_eq(m->growth_from, 20191231);
    ck_assert_uint_eq(m->draws, 2000);
    ck_assert_uint_eq(m->seed, 4294967295UL);
    ck_assert_double_eq(m->weight_sd, 0.125);
    ck_assert_int_eq(m->vary_norm, 1);
    ck_assert_int_eq(m->vary_agg, 1);
    /* the method sheet shows the text as written */
    ck_assert_str_eq(param(m, "specialisation.threshold"), "1.385");
    ck_assert_str_eq(param(m, "uncertainty.draws"), "2e3");
    ck_assert_str_eq(param(m, "score.indicators"), "eci, density,patents");
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

/* [domains] and [scenario.*] keys are kept in file order with their
 * lines; a domain key may repeat (continued on a later line). */
START_TEST(domains_and_scenarios_kept)
{
    write_model("[model]\n"                              /* 1 */
                "name = t\n"                             /* 2 */
                "[domains]\n"                            /* 3 */
                "ict = 62 63 F06\n"                      /* 4 */
                "health = 21 F16\n"                      /* 5 */
                "ict = 58.2\n"                           /* 6 */
                "[scenario.grow-A1]\n"                   /* 7 */
                "description = A1 grows\n"               /* 8 */
                "add_tenants = A1 62.01 5 employees=4\n" /* 9 */
                "threshold = 1.25\n"                     /* 10 */
                "add_tenants = A1 72.19 2\n");           /* 11 */
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_msg(s3_model_load(ctx, path, &m) == S3_OK, "%s",
                  s3_ctx_message(ctx));
    ck_assert_uint_eq(m->nentries, 7);
    const char *sec[] = {"domains",          "domains",
                         "domains",          "scenario.grow-A1",
                         "scenario.grow-A1", "scenario.grow-A1",
                         "scenario.grow-A1"};
    const char *key[] = {"ict",         "health",      "ict",
                         "description", "add_tenants", "threshold",
                         "add_tenants"};
    const char *val[] = {
        "62 63 F06", "21 F16",    "58.2", "A1 grows", "A1 62.01 5 employees=4",
        "1.25",      "A1 72.19 2"};
    for (size_t i = 0; i < 7; i++) {
        ck_assert_str_eq(m->entries[i].section, sec[i]);
        ck_assert_str_eq(m->entries[i].key, key[i]);
        ck_assert_str_eq(m->entries[i].value, val[i]);
        ck_assert_uint_eq(m->entries[i].line, i < 3 ? i + 4 : i + 5);
    }
    /* the model's own threshold is not the scenario's */
    ck_assert_double_eq(m->threshold, 1.0);

    /* the scenario's variant: its parameters, the rest and the entries
     * as in the base model */
    s3_model *v = NULL;
    ck_assert_msg(s3i_model_variant(ctx, m, "scenario.grow-A1", &v) == S3_OK,
                  "%s", s3_ctx_message(ctx));
    ck_assert_double_eq(v->threshold, 1.25);
    ck_assert_str_eq(param(v, "specialisation.threshold"), "1.25");
    ck_assert_str_eq(v->dataset_dir, m->dataset_dir);
    ck_assert_str_eq(s3_model_name(v), "t");
    ck_assert_uint_eq(v->nentries, 7);
    ck_assert_str_eq(v->entries[6].value, "A1 72.19 2");
    ck_assert_double_eq(m->threshold, 1.0);
    s3_model_free(v);
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

/* A scenario's bad parameter is named with the scenario's section and the
 * line it stands on. */
START_TEST(variant_bad_value_names_scenario)
{
    write_model("[model]\n"
                "name = t\n"
                "[scenario.strict]\n"
                "description = a threshold of 0\n"
                "threshold = 0\n");
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL, *v = NULL;
    ck_assert_int_eq(s3_model_load(ctx, path, &m), S3_OK);
    ck_assert_int_eq(s3i_model_variant(ctx, m, "scenario.strict", &v),
                     S3_EMODEL);
    ck_assert_ptr_null(v);
    char want[256];
    snprintf(want, sizeof want, "%s:5: [scenario.strict] threshold = '0'",
             path);
    ck_assert_msg(strncmp(s3_ctx_message(ctx), want, strlen(want)) == 0,
                  "message '%s', expected it to start with '%s'",
                  s3_ctx_message(ctx), want);
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

/* Bad models: S3_EMODEL, and a message "<file>:<line>: ..." holding the
 * given text (the offending value, mostly). */
static const struct {
    const char *text;
    size_t line;
    const char *has;
} bad[] = {
    /* the kinds of parameter */
    {"[model]\nname = t\n[specialisation]\nthreshold = 0\n", 4,
     "threshold = '0': expected a number above 0"},
    {"[specialisation]\nthreshold = 1,5\n", 2, "'1,5'"},
    {"[specialisation]\nthreshold = nan\n", 2, "'nan'"},
    {"[sectors]\nlevel = region\n", 2,
     "level = 'region': expected one of section|division|group|class"},
    {"[sectors]\nweight = patents\n", 2,
     "weight = 'patents': expected one of tenants|employees"},
    {"\n\n[complexity]\nreflections = 2.5\n", 4,
     "reflections = '2.5': expected a whole number from 2 to 1000"},
    {"[complexity]\nreflections = 1\n", 2, "from 2 to 1000"},
    {"[data]\ncutoff = 2025-02-30\n", 2,
     "cutoff = '2025-02-30': expected a date"},
    {"[potentials]\npercentile = 100\n", 2,
     "percentile = '100': expected a number between 0 and 100"},
    {"[overlaps]\ncluster_cut = 2.385\n", 2, "from 0 to 2"},
    {"[overlaps]\npartners = 0\n", 2, "partners = '0'"},
    {"[uncertainty]\nseed = -1\n", 2, "seed = '-1'"},
    {"[uncertainty]\ndraws = 1e8\n", 2, "draws = '1e8'"},
    {"[baseline]\nregion =\n", 2, "region is empty"},
    /* the [score] lists */
    {"[score]\nindicators = eci, size\n", 2, "'size' is not one of"},
    {"[score]\nindicators = eci, eci\nweights = 1, 1\ndirections = +, +\n", 2,
     "'eci' appears twice"},
    {"[score]\nindicators = eci, density\nweights = 1\ndirections = +, +\n", 3,
     "weights: give 2 numbers"},
    {"[score]\nindicators = eci, density\nweights = 1, -2.385\n"
     "directions = +, +\n",
     3, "-2.385 is negative"},
    {"[score]\nindicators = eci\nweights = 0\ndirections = +\n", 3,
     "weights are all 0"},
    {"[score]\nindicators = eci, density\nweights = 1, x\n"
     "directions = +, +\n",
     3, "item 2 'x' is not a finite number"},
    {"[score]\nindicators = eci\nweights = 1\ndirections = up\n", 4,
     "'up' is not + or -"},
    /* the default weights do not fit: the indicators line is named */
    {"[model]\nname = t\n[score]\nindicators = eci, density\n", 4,
     "weights is not set"},
    {"[score]\nnormalisation = zscore\naggregation = geometric\n", 0,
     "a geometric mean needs non-negative values"},
    {"[score]\nindicators = eci\nweights = 1\ndirections = +\n"
     "normalisation = goalposts\ngoalposts_low = 1\ngoalposts_high = 1\n",
     7, "high must exceed low"},
    /* the file's structure */
    {"[model]\nname = t\nname = u\n", 3,
     "'name' is set twice in [model] "
     "(first on line 2)"},
    {"[model]\nnmae = t\n", 2, "unknown key 'nmae' in [model]"},
    {"[modle]\nname = t\n", 1, "unknown section [modle]"},
    {"[model]\nname = t\n[sectors]\nlevel = class\n[model]\n", 5,
     "section [model] appears twice"},
    {"name = t\n", 1, "a key outside any section"},
    {"[model]\nname = my plan\n", 0, "[model] name = 'my plan': use letters"},
    {"[model]\nthis line has no equals sign\n", 2, "not a 'key = value' line"},
    {"[model]\nname = t\n[scenario.x]\ndescription = nothing\n", 4,
     "[scenario.x] changes nothing"},
    {"[model]\nname = t\n[scenario.x]\nadd_tenant = A1 62.01 1\n", 4,
     "unknown key 'add_tenant' in [scenario.x]"},
    {"[model]\nname = t\n[sectors]\nlevel = class\xC3(\n", 4,
     "not valid UTF-8"},
};

START_TEST(bad_value_names_line)
{
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = (s3_model *)&m; /* must be set to NULL */
    write_model(bad[_i].text);
    s3_status st = s3_model_load(ctx, path, &m);
    const char *msg = s3_ctx_message(ctx);
    ck_assert_msg(st == S3_EMODEL, "case %d: status %d (%s)", _i, st, msg);
    ck_assert_ptr_null(m);
    char want[256];
    if (bad[_i].line)
        snprintf(want, sizeof want, "%s:%zu: ", path, bad[_i].line);
    else
        snprintf(want, sizeof want, "%s", path);
    ck_assert_msg(strncmp(msg, want, strlen(want)) == 0,
                  "case %d: message '%s' does not start with '%s'", _i, msg,
                  want);
    ck_assert_msg(strstr(msg, bad[_i].has) != NULL,
                  "case %d: message '%s' lacks '%s'", _i, msg, bad[_i].has);
    s3_ctx_free(ctx);
}
END_TEST

/* A NUL byte cuts nothing silently: the line and the byte are named. */
START_TEST(nul_byte_refused)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite("[sectors]\nlevel = division\0s\n", 1, 29, f);
    ck_assert_int_eq(fclose(f), 0);
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_int_eq(s3_model_load(ctx, path, &m), S3_EMODEL);
    char want[256];
    snprintf(want, sizeof want, "%s:2: the line holds a NUL byte (byte 17",
             path);
    ck_assert_msg(strncmp(s3_ctx_message(ctx), want, strlen(want)) == 0,
                  "message '%s'", s3_ctx_message(ctx));
    /* a missing file */
    ck_assert_int_eq(s3_model_load(ctx, "/nonexistent/m.ini", &m), S3_EMODEL);
    ck_assert_ptr_nonnull(strstr(s3_ctx_message(ctx), "/nonexistent/m.ini"));
    s3_ctx_free(ctx);
}
END_TEST

/* s3_model_set_paths replaces the folders and their text in the list. */
START_TEST(set_paths)
{
    s3_ctx *ctx = s3_ctx_new();
    s3_model *m = NULL;
    ck_assert_int_eq(s3_model_default(ctx, &m), S3_OK);
    ck_assert_int_eq(s3_model_set_paths(ctx, m, "/srv/data-2385", NULL), S3_OK);
    ck_assert_str_eq(m->dataset_dir, "/srv/data-2385");
    ck_assert_str_eq(param(m, "model.dataset"), "/srv/data-2385");
    ck_assert_str_eq(param(m, "model.reference"), "../datasets/reference");
    ck_assert_int_eq(s3_model_set_paths(ctx, m, NULL, "/srv/ref"), S3_OK);
    ck_assert_str_eq(m->reference_dir, "/srv/ref");
    ck_assert_str_eq(m->dataset_dir, "/srv/data-2385");
    s3_model_free(m);
    s3_ctx_free(ctx);
}
END_TEST

static Suite *
model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, default_model);
    tcase_add_test(tc, set_by_name);
    tcase_add_test(tc, file_setting_nothing);
    tcase_add_test(tc, values_of_every_kind);
    tcase_add_test(tc, domains_and_scenarios_kept);
    tcase_add_test(tc, variant_bad_value_names_scenario);
    tcase_add_loop_test(tc, bad_value_names_line, 0,
                        (int)(sizeof bad / sizeof *bad));
    tcase_add_test(tc, nul_byte_refused);
    tcase_add_test(tc, set_paths);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {model_suite()};
    return s3t_run(s, 1);
}
