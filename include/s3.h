/*
 * s3.h — the public API of s3engine, a smart-specialisation analytics engine.
 *
 * The engine reads a dataset (centres, tenants, patents, an optional sector
 * baseline) or any long table "unit, class, value", builds unit × class count
 * matrices and computes specialisation measures on them.  Results are kept as
 * tidy tables that the output layer writes as CSV and as an Excel briefing.
 *
 *     s3_ctx *ctx = s3_ctx_new();
 *     s3_model *m = NULL; s3_dataset *d = NULL; s3_result *r = NULL;
 *     if (s3_model_load(ctx, "models/ruhr.ini", &m) ||
 *         s3_dataset_load(ctx, m, &d) ||
 *         s3_analyse(ctx, m, d, &r) ||
 *         s3_result_write(ctx, r, "out/ruhr", S3_WRITE_ALL))
 *         fprintf(stderr, "%s\n", s3_ctx_message(ctx));
 *
 * Ownership, once for the whole API: every object returned through a
 * `**out` parameter of a `_new`, `_load` or `_analyse` function belongs to the
 * caller and is released by the matching `_free`, which accepts NULL.  Every
 * other pointer a function returns or receives is borrowed: it stays owned by
 * the object it came from and is valid until that object is freed.
 *
 * Errors are values: every fallible function returns an s3_status; the
 * detailed message (file, line, column, value) is kept on the s3_ctx.  The
 * library never prints and never exits.  It calls no GSL function that could
 * reach GSL's default (aborting) error handler; callers that use GSL
 * themselves should still call gsl_set_error_handler_off().
 *
 * Threads.  The library keeps no global state of its own that changes:
 * everything lives in the objects it returns.  Use one s3_ctx per thread (a
 * ctx holds the last error and the progress callback, and has no lock).  A
 * model, dataset or result, once built, is only read by the functions that
 * take it as const, so several threads may use the same one at once, each
 * with its own ctx, provided no thread frees or changes it meanwhile
 * (s3_model_set_paths changes a model).  Two s3_result_write calls at once
 * must name different output folders.  The threads the engine starts
 * itself (s3_ctx_set_threads) live within one call and keep their own
 * contexts; the progress callback is called only from the thread that made
 * the call.  What is process-wide stays so: GSL's error handler, the C
 * locale, and OpenBLAS's thread count, which s3_run and s3_analyse set to
 * one (openblas_set_num_threads(1)), so that no result depends on how many
 * cores the machine has (a product split over threads rounds differently).
 *
 * The pure numerical kernels are declared in s3_kernels.h.
 */
#ifndef S3_H
#define S3_H

#include <stddef.h>
#include <stdint.h>

#include "s3_export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define S3_VERSION "0.1.0"

/* ------------------------------------------------------------------------- */
/* Status codes                                                              */
/* ------------------------------------------------------------------------- */

/* The one table of status codes: name, value, message. */
#define S3_STATUS_TABLE(X)                                                     \
    X(S3_OK, 0, "success")                                                     \
    X(S3_EUSAGE, 1, "invalid arguments")                                       \
    X(S3_EINPUT, 2, "invalid input data")                                      \
    X(S3_EMODEL, 3, "invalid model file")                                      \
    X(S3_EIO, 4, "input/output error")                                         \
    X(S3_ENOMEM, 5, "out of memory")                                           \
    X(S3_ENUMERIC, 6, "numerical failure")                                     \
    X(S3_EINTERNAL, 7, "internal error")

typedef enum {
#define S3_X_ENUM(name, value, msg) name = value,
    S3_STATUS_TABLE(S3_X_ENUM)
#undef S3_X_ENUM
} s3_status;

/* The fixed message of a status code ("invalid input data"). */
S3_API const char *s3_strerror(s3_status status);

/* ------------------------------------------------------------------------- */
/* Context: error message and data-quality log                               */
/* ------------------------------------------------------------------------- */

typedef struct s3_ctx s3_ctx;

/* A new context, or NULL when memory is exhausted. */
S3_API s3_ctx *s3_ctx_new(void);

/* Free a context and everything it holds; NULL is accepted. */
S3_API void s3_ctx_free(s3_ctx *ctx);

/* The message of the last error, e.g.
 * "tenants.csv:17: column 'nace': '62.O1' is not a NACE Rev. 2 code";
 * "" when no error occurred. */
S3_API const char *s3_ctx_message(const s3_ctx *ctx);

/* The status of the last error (S3_OK when none). */
S3_API s3_status s3_ctx_status(const s3_ctx *ctx);

/* Progress callback: called with a stage name and a fraction in [0, 1]
 * during long work.  The library never draws anything itself. */
typedef void (*s3_progress_fn)(void *user, const char *stage, double fraction);

/* Install (or remove, with fn = NULL) a progress callback.  It is called
 * from the calling thread only. */
S3_API void s3_ctx_set_progress(s3_ctx *ctx, s3_progress_fn fn, void *user);

/* How many threads the engine may use (0, the default: as many as help,
 * from the online processors; 1: one thread).  Results do not depend on
 * it.  Today the reading of large tenants and patents files and the
 * writing of the output files use a second thread. */
S3_API void s3_ctx_set_threads(s3_ctx *ctx, int threads);

/* ------------------------------------------------------------------------- */
/* Tables: the form of every result                                          */
/* ------------------------------------------------------------------------- */

/* A tidy table: named, typed columns and rows.  Numbers are doubles, where
 * NaN means "no value" (an empty CSV field, an empty workbook cell). */
typedef struct s3_table s3_table;

/* Column types.  S3_COL_CODE is text that identifies a unit or a class
 * (a centre id, "J62.01", "F06", a long table's own keys): a key to join
 * on, written and read like S3_COL_TEXT, and to be read as text by any
 * reader (s3_coltype_is_text is true for both). */
typedef enum {
    S3_COL_TEXT,
    S3_COL_NUMBER,
    S3_COL_INTEGER,
    S3_COL_CODE
} s3_coltype;

/* Whether cells of type t are text (S3_COL_TEXT or S3_COL_CODE). */
static inline int
s3_coltype_is_text(s3_coltype t)
{
    return t == S3_COL_TEXT || t == S3_COL_CODE;
}

/* The table's name ("units"), also the CSV file name without ".csv". */
S3_API const char *s3_table_name(const s3_table *t);

/* Number of rows and of columns. */
S3_API size_t s3_table_rows(const s3_table *t);
S3_API size_t s3_table_cols(const s3_table *t);

/* Column name and type. */
S3_API const char *s3_table_col_name(const s3_table *t, size_t col);
S3_API s3_coltype s3_table_col_type(const s3_table *t, size_t col);

/* Index of the column named `name`, or (size_t)-1. */
S3_API size_t s3_table_col(const s3_table *t, const char *name);

/* A number cell (NaN for no value; NaN for text columns). */
S3_API double s3_table_num(const s3_table *t, size_t row, size_t col);

/* A text cell ("" for no value; NULL for number columns). */
S3_API const char *s3_table_text(const s3_table *t, size_t row, size_t col);

/* ------------------------------------------------------------------------- */
/* Models                                                                    */
/* ------------------------------------------------------------------------- */

/* An analysis plan read from an INI file (see models/ruhr.ini). */
typedef struct s3_model s3_model;

/* Read and validate a model file.  Relative paths inside it are resolved
 * against the file's folder. */
S3_API s3_status s3_model_load(s3_ctx *ctx, const char *path, s3_model **out);

/* A model with every parameter at its default, for the generic analysis. */
S3_API s3_status s3_model_default(s3_ctx *ctx, s3_model **out);

S3_API void s3_model_free(s3_model *m);

/* The model's name (from [model] name, else the file name without ".ini"). */
S3_API const char *s3_model_name(const s3_model *m);

/* Override the dataset folder and the reference folder named by the model
 * (NULL leaves a value as it is). */
S3_API s3_status s3_model_set_paths(s3_ctx *ctx, s3_model *m,
                                    const char *data_dir,
                                    const char *reference_dir);

/* The model's parameters as (name, value) text pairs in a fixed order, for
 * the method sheet.  Returns the number of pairs; i runs from 0. */
/* Set one model parameter by its name "section.key" (as parameters.csv
 * names it) to a value, checked as in a model file; the model is unchanged
 * when it fails (S3_EUSAGE: unknown name, S3_EMODEL: bad value). */
S3_API s3_status s3_model_set(s3_ctx *ctx, s3_model *m, const char *name,
                              const char *value);

S3_API size_t s3_model_params(const s3_model *m);
S3_API const char *s3_model_param_name(const s3_model *m, size_t i);
S3_API const char *s3_model_param_value(const s3_model *m, size_t i);

/* ------------------------------------------------------------------------- */
/* Datasets                                                                  */
/* ------------------------------------------------------------------------- */

/* A loaded, validated dataset: reference tables, centres, tenants, patents
 * and the optional baseline, with its data-quality log. */
typedef struct s3_dataset s3_dataset;

/* Load the dataset the model names.  Fails with S3_EINPUT (and a message
 * naming file, line, column and value) on the first hard error; rows that
 * are only doubtful (a tenant of an unknown centre, an unmapped IPC code)
 * are rejected, counted and listed as warnings. */
S3_API s3_status s3_dataset_load(s3_ctx *ctx, const s3_model *m,
                                 s3_dataset **out);

/* How s3_dataset_load_long reads a long table.  Zero-initialise it, best
 * with a designated initialiser:
 *
 *     s3_long_options o = {.unit_col = "geo", .class_col = "nace_r2",
 *                          .value_col = "2018"};
 *
 * Fields may be added in later versions (more filters); a field left 0 or
 * NULL keeps the behaviour of the versions without it. */
typedef struct {
    /* The names of the unit, class and value columns (all three required),
     * found in the header by name.  In a Eurostat bulk TSV file unit and
     * class name dimensions and value names a period ("2018"). */
    const char *unit_col;
    const char *class_col;
    const char *value_col;
    /* Filters where[0..nwhere), each "COLUMN=VALUE", "COLUMN=A,B" (one of
     * the list) or "COLUMN!=X,Y" (none of the list): only the rows whose
     * column (or Eurostat dimension) passes are used; the others are
     * counted as rejected and noted.  Filters on the same column are ORed,
     * filters on different columns ANDed.  At most 16; where may be NULL
     * when nwhere is 0.  In a Eurostat file every dimension other than unit
     * and class must hold one value, so filters fix the others. */
    const char *const *where;
    size_t nwhere;
    /* NUTS regions (codes of 2 letters and 0 to 3 letters or digits, e.g.
     * DE, DEA, DEA1, DEA11; EU27_2020, EA20 are aggregates, not NUTS):
     * when nuts_filter is set, only the units of NUTS level nuts_level
     * (0 to 3) are used, without the extra-regio codes (DEZ, DEZZ, DEZZZ);
     * the other rows are counted as rejected and noted.  Unset, a unit
     * column mixing levels gets a warning naming the levels. */
    int nuts_filter;
    int nuts_level;
    /* When set, classes that are aggregates of other classes in the data
     * (NACE sections: TOTAL, B-E holding C, G-J holding G-I) are left out,
     * with a warning naming them; their rows are counted as rejected.
     * Unset (the behaviour before), they are only warned about. */
    int drop_aggregates;
    /* The column (or Eurostat dimension) naming each unit, e.g. geo_label:
     * its first value per unit is the unit_name of the outputs.  NULL: no
     * names (unit_name empty). */
    const char *label_col;
} s3_long_options;

/* Load a long table "unit, class, value" for the generic analysis: a CSV
 * file (',', ';' or tab separated) or a Eurostat bulk TSV file (first column
 * "dim1,dim2,...\\time", one column per period, ':' for missing values,
 * flags after numbers).  opt is read during the call only.  Fails with
 * S3_EUSAGE when a column name is missing or a filter is not COLUMN=VALUE,
 * and with S3_EINPUT (file, line, column, value) on bad data. */
S3_API s3_status s3_dataset_load_long(s3_ctx *ctx, const char *path,
                                      const s3_long_options *opt,
                                      const s3_model *m, s3_dataset **out);

S3_API void s3_dataset_free(s3_dataset *d);

/* Data quality: one row per input file (file, rows_read, rows_used,
 * rows_rejected, warnings) and one row per warning (file, line, column,
 * value, message).  Borrowed. */
S3_API const s3_table *s3_dataset_quality(const s3_dataset *d);
S3_API const s3_table *s3_dataset_warnings(const s3_dataset *d);

/* Input files: one row per file (file, path, rows_read, bytes, sha256). */
S3_API const s3_table *s3_dataset_inputs(const s3_dataset *d);

/* Whether the dataset says it is synthetic ([dataset] synthetic = yes in
 * its dataset.ini): NULL when not, else the banner its outputs carry
 * ("Synthetic data - results are illustrative, ...") followed by the
 * folder's note, if any.  Borrowed. */
S3_API const char *s3_dataset_synthetic(const s3_dataset *d);

/* ------------------------------------------------------------------------- */
/* Analysis and results                                                      */
/* ------------------------------------------------------------------------- */

typedef struct s3_result s3_result;

/* Run every measure on every count matrix of the dataset at every level
 * (centres and sub-regions, or the units of a long table). */
S3_API s3_status s3_analyse(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
                            s3_result **out);

/* Pass as nscen to s3_run for every scenario of the model. */
#define S3_ALL_SCENARIOS ((size_t)-1)

/* The same, and scenarios of the model: the nscen named in scenarios[],
 * none (nscen = 0, the same as s3_analyse), or all of them (nscen =
 * S3_ALL_SCENARIOS, scenarios ignored).  Every scenario reruns the
 * pipeline on its changed inputs and parameters; its scores join
 * scores.csv and outranking.csv under its name, and its differences from
 * the baseline go to scenario_deltas.csv.  A name the model does not
 * define is an S3_EMODEL error. */
S3_API s3_status s3_run(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
                        const char *const *scenarios, size_t nscen,
                        s3_result **out);

/* Check, without computing, what s3_run would refuse in the model only
 * once it meets the dataset: the codes of the S3 domains, and every
 * scenario of the model (its parameter changes and its changes to the
 * inputs: centres, NACE codes, fields, counts).  Returns S3_OK, or
 * S3_EMODEL with the message s3_run would give, e.g.
 * "model.ini:30: [scenario.grow] add_tenants: 'Z9' is not a centre"
 * (S3_ENOMEM when memory runs out).  `s3engine check` calls it after
 * loading the dataset. */
S3_API s3_status s3_model_check(s3_ctx *ctx, const s3_model *m,
                                const s3_dataset *d);

S3_API void s3_result_free(s3_result *r);

/* The result tables in output order; s3_result_table() looks one up by
 * name ("specialisation", "units", "classes", "quality", ...). */
S3_API size_t s3_result_ntables(const s3_result *r);
S3_API const s3_table *s3_result_table_at(const s3_result *r, size_t i);
S3_API const s3_table *s3_result_table(const s3_result *r, const char *name);

/* What to write. */
enum {
    S3_WRITE_CSV = 1,
    S3_WRITE_XLSX = 2,
    S3_WRITE_ALL = 3,
    /* CSV in the German spreadsheet dialect: UTF-8 with BOM, ';' between
     * fields, decimal comma (so that a double-click opens it right) */
    S3_WRITE_CSV_GERMAN = 4
};

/* Write OUT/csv/<table>.csv and OUT/briefing.xlsx.  Text that starts with
 * = + - or @ is written to CSV after an apostrophe, so that a spreadsheet
 * does not run it as a formula; numbers are never changed.  Everything is first
 * written under a temporary name beside OUT and renamed into place only when
 * complete, so a failed write leaves the previous OUT intact. */
S3_API s3_status s3_result_write(s3_ctx *ctx, const s3_result *r,
                                 const char *out_dir, int what);

/* ------------------------------------------------------------------------- */
/* Synthetic data                                                            */
/* ------------------------------------------------------------------------- */

/* Write a seeded synthetic dataset into out_dir (created if needed):
 * centres.csv with `units` units, tenants.csv with `tenants` rows and
 * patents.csv with `patent_rows` patent-class rows (one to three per
 * patent), every code valid in the reference classifications of
 * reference_dir.  The same seed gives the same bytes. */
S3_API s3_status s3_generate(s3_ctx *ctx, const char *reference_dir,
                             const char *out_dir, size_t units, size_t tenants,
                             size_t patent_rows, unsigned long seed);

/* ------------------------------------------------------------------------- */
/* Measures                                                                  */
/* ------------------------------------------------------------------------- */

/* The one table of measures: name, the result table that holds it, a
 * one-sentence definition, its formula and its source. */
typedef struct {
    const char *name;
    const char *table;
    const char *definition;
    const char *formula;
    const char *source;
} s3_measure_info;

S3_API size_t s3_measures_count(void);
S3_API const s3_measure_info *s3_measure_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif /* S3_H */
