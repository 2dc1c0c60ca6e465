/*
 * ingest/load.h — what the files of the ingest layer share (prefix s3i_):
 * for the dataset loaders the counters and warnings of one input file,
 * columns found by name, number and date fields, and the loader of each
 * input file; for the model, its checks across keys.  Private to the .c
 * files of engine/ingest; the layers above see ingest.h only.
 *
 * dataset.c defines these helpers and s3i_dataset_load_ref, which calls
 * the loaders in the order of the data: centres.c, tenants.c, patents.c
 * (which needs the tenants, for patents given by tenant), baseline.c.
 * long.c, the generic long table, uses the same helpers.
 */
#ifndef S3_INGEST_LOAD_H
#define S3_INGEST_LOAD_H

#include <math.h>

#include "ingest/ingest.h"

/* ---- one input file: counters and warnings ----------------------------- */

/* Counters of one input file, for the quality table: for every file,
 * rows read = rows used + rows rejected. */
typedef struct {
    const char *file;
    size_t read, used, rejected, warnings;
    s3_table *log; /* where the file's warnings go */
    /* values of the year column (named) given as dates, for a note */
    size_t year_dates;
    const char *year_column;
} s3i_counts;

/* The reference classifications of d: ref (the caller's, kept by the
 * caller), else read from the model's reference folder into d's own (an
 * empty reference without one). */
s3_status s3i_dataset_use_ref(s3_ctx *ctx, s3_dataset *d, const s3_model *m,
                              const s3i_ref *ref);

/* A quality row for the file of c. */
s3_status s3i_record_quality(s3_ctx *ctx, s3_dataset *d, const s3i_counts *c);
/* A note when file was read as Windows-1252 (info->cp1252_line). */
s3_status s3i_note_encoding(s3_ctx *ctx, s3_dataset *d, const char *file,
                            const s3i_csv_info *info);
/* An inputs row (file, path, rows, bytes, SHA-256). */
s3_status s3i_record_input(s3_ctx *ctx, s3_dataset *d, const char *name,
                           const char *path, const s3i_csv_info *info);

/* Reject the current row with a warning naming column col and value. */
s3_status s3i_reject(s3_ctx *ctx, s3i_counts *c, s3i_csv *r, size_t col,
                     const char *value, const char *msg);
/* Warn about the current row, which is still used. */
s3_status s3i_warn_used(s3_ctx *ctx, s3i_counts *c, s3i_csv *r, size_t col,
                        const char *value, const char *msg);
/* A warning on line `line` of c's file, found after the row was read. */
s3_status s3i_warn_line(s3_ctx *ctx, s3i_counts *c, size_t line,
                        const char *column, const char *value, const char *msg);
/* Merge the counts and warnings of a file's second part, read by a second
 * thread with its lines numbered from 1 after the first `lines`. */
s3_status s3i_merge_counts(s3_ctx *ctx, s3i_counts *a, const s3i_counts *b,
                           size_t lines);
/* An empty warnings table, for the second thread's part of a file. */
s3_table *s3i_warning_table_new(void);
/* One note for the n rows of `file` outside the model's cut-off date. */
s3_status s3i_note_cutoff(s3_ctx *ctx, s3_dataset *d, const char *file,
                          size_t n, const s3_model *m);

/* ---- columns by name ---------------------------------------------------- */

/* A wanted column.  required: 1 = the file must have it, 0 = optional,
 * 2 = one of a group that the caller checks (a patent's centre_id or
 * tenant_id). */
typedef struct {
    const char *name;
    int required;
} s3i_colreq;

/* The columns a dataset file has, in its loader's order: the names
 * dataset.ini may map (dataset_ini.c). */
typedef struct {
    const char *file;
    const s3i_colreq *col;
    size_t n;
} s3i_file_columns;

extern const s3i_file_columns s3i_centres_columns, s3i_tenants_columns,
    s3i_patents_columns, s3i_baseline_columns;

/* Whether header name h names column `name`: ASCII letters in any case,
 * blanks (and no-break spaces) around it ignored, a run of blanks inside
 * it read as '_' ("Tenant ID" is tenant_id). */
int s3i_header_is(const char *h, const char *name);

/* The dataset.ini of folder dir into d->desc (nothing when the folder has
 * none), checked: known sections, keys and values, each set once. */
s3_status s3i_describe_load(s3_ctx *ctx, s3_dataset *d, const char *dir);
void s3i_describe_free(s3i_describe *ds);
/* The header name dataset.ini gives column `name` of `file`, or NULL;
 * *line the line that says so. */
const char *s3i_describe_column(const s3_dataset *d, const char *file,
                                const char *name, size_t *line);

/* Find each wanted column in the header (by s3i_header_is, under the name
 * dataset.ini gives it, else its own); missing required ones are errors,
 * as are two header columns that match one wanted column; unknown header
 * columns get a note.  idx[i] = S3I_NONE when absent. */
s3_status s3i_map_columns(s3_ctx *ctx, s3_dataset *d, s3i_csv *r, size_t n,
                          char **f, const s3i_colreq *want, size_t nwant,
                          size_t *idx);

/* The field of column k of a loader state st (with its col[] map), or ""
 * when the column is absent. */
#define S3I_FIELD(st, f, k) ((st)->col[k] == S3I_NONE ? "" : (f)[(st)->col[k]])

/* ---- fields ------------------------------------------------------------- */

/* Parse a number field in [lo, hi] (the common slow path of
 * s3i_number_field); empty gives NaN when allowed. */
s3_status s3i_number_slow(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v,
                          int allow_empty, double lo, double hi, double *out);

/* The same, with the common cases inline: empty, and plain integers of up
 * to 9 digits within range. */
static inline s3_status
s3i_number_field(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v,
                 int allow_empty, double lo, double hi, double *out)
{
    if (!*v && allow_empty) {
        *out = NAN;
        return S3_OK;
    }
    uint32_t x = 0;
    size_t i = 0;
    for (; i < 9 && v[i] >= '0' && v[i] <= '9'; i++)
        x = x * 10 + (uint32_t)(v[i] - '0');
    if (i > 0 && !v[i] && (double)x >= lo && (double)x <= hi) {
        *out = (double)x;
        return S3_OK;
    }
    return s3i_number_slow(ctx, r, col, v, allow_empty, lo, hi, out);
}

/* The years a year column may hold (centres' opened, tenants' founded,
 * patents' and the baseline's year).  They only catch slips: wide enough
 * for any real year of opening, founding or filing (old firms, historical
 * patents, planned openings), narrow enough to stop a two-digit year
 * ("19"), a whole date ("20190101") or a count from the next column.
 * Nothing is computed from them, so they are constants, not model
 * parameters. */
enum { S3I_YEAR_MIN = 1800, S3I_YEAR_MAX = 2100 };

/* Parse an optional year column `name` (col): a whole number in
 * [S3I_YEAR_MIN, S3I_YEAR_MAX], or a date (YYYY-MM-DD, DD.MM.YYYY), of
 * which the year is used and counted in c for a note; NaN when empty. */
s3_status s3i_year_field(s3_ctx *ctx, s3i_csv *r, s3i_counts *c, size_t col,
                         const char *name, const char *v, double *out);

/* Parse an optional date column; 0 when empty. */
s3_status s3i_date_field(s3_ctx *ctx, s3i_csv *r, size_t col, const char *v,
                         int32_t *out);

/* The length of a Eurostat-style value without trailing blanks and flags:
 * flags are Eurostat's letters after a space ("12.3 e", ": c"), so that
 * "30x" or "nan" stay whole and fail as numbers. */
size_t s3i_value_length(const char *val);

/* ---- the loaders -------------------------------------------------------- */

/* Read dataset file dir/file with the header and row callbacks on state
 * st (split: a second thread may read the second part, or NULL), then
 * record it in the inputs and quality tables.  A file without data rows
 * is an error. */
s3_status s3i_read_file(s3_ctx *ctx, s3_dataset *d, const char *dir,
                        const char *file, s3i_csv_fn h, s3i_csv_fn row,
                        void *st, s3i_counts *c, s3i_csv_split *split);

/* tenant_id → centre index (S3I_UNKNOWN_CENTRE: a tenant of an unknown
 * centre), for duplicate ids and for patents given by tenant */
typedef struct {
    s3i_idtab ids;
    uint32_t *centre;
    size_t cap;
} s3i_tenant_index;

/* s3i_tenant_index value of a tenant whose centre is unknown */
#define S3I_UNKNOWN_CENTRE UINT32_MAX

void s3i_tenant_index_free(s3i_tenant_index *t);

/* centres.csv into d's centres and sub-regions. */
s3_status s3i_load_centres(s3_ctx *ctx, s3_dataset *d, const char *dir);
/* tenants.csv into d's tenants; fills tenant_map (the caller frees it). */
s3_status s3i_load_tenants(s3_ctx *ctx, s3_dataset *d, const s3_model *m,
                           const char *dir, s3i_tenant_index *tenant_map);
/* patents.csv into d's patent matrix and field co-occurrences. */
s3_status s3i_load_patents(s3_ctx *ctx, s3_dataset *d, const s3_model *m,
                           const char *dir, const s3i_tenant_index *tenant_map);
/* baseline.csv into d's region × aggregate table. */
s3_status s3i_load_baseline(s3_ctx *ctx, s3_dataset *d, const char *dir);

/* A dataset with its empty logs. */
s3_status s3i_dataset_new(s3_ctx *ctx, s3_dataset **out);

/* ---- model checks across keys (model_check.c) --------------------------- */

/* Parse and check the [score] lists of model m (file `path`, NULL for the
 * default model): indicators, weights, directions, goalposts.  v[at[k]]
 * and line[at[k]] are the text and line (0: the default) of indicators,
 * weights, directions, goalposts_low, goalposts_high and normalisation. */
s3_status s3i_score_lists(s3_ctx *ctx, const char *path, s3_model *m,
                          char *const *v, const size_t *line, const size_t *at);
/* Every [scenario.NAME] section changes something. */
s3_status s3i_check_scenarios(s3_ctx *ctx, const s3_model *m);

#endif /* S3_INGEST_LOAD_H */
