/*
 * ingest/ingest.h — the inputs (prefix s3i_): streaming CSV reading, the
 * reference classifications (NACE, WZ, IPC → WIPO fields), models read
 * from INI files, and loaded datasets.  Not public API.
 */
#ifndef S3_INGEST_H
#define S3_INGEST_H

#include "base/base.h"

/* ---- CSV reading -------------------------------------------------------- */

typedef struct s3i_csv s3i_csv;

/* Called once with the header, then once per data row.  fields[i] is
 * NUL-terminated; len[i] its length.  Return S3_OK to go on; any other
 * status stops the read (the callback sets the message). */
typedef s3_status (*s3i_csv_fn)(void *user, s3i_csv *r, size_t n, char **fields,
                                const size_t *len);

typedef struct {
    size_t rows;     /* data rows (header and blank lines not counted) */
    uint64_t bytes;  /* file size */
    char sha256[65]; /* of the file's bytes */
    char separator;  /* detected: ',', ';' or '\t' */
    /* the line from which the file was read as Windows-1252 (its first
     * field beyond ASCII), 0 when it is UTF-8 */
    size_t cp1252_line;
} s3i_csv_info;

/* Flags of s3i_csv_read: a tab may be the separator; the file must be
 * UTF-8 (no Windows-1252); a data row's error (S3_EINPUT from the row
 * callback, a ragged row, a bad byte) does not stop the read: the file's
 * errors are reported together, the first S3I_CSV_MAX_ERRORS of them, one
 * a line (the callback must leave its state as it was when it fails);
 * (internal) the second thread's part, which leaves a switch of encoding
 * to the first thread. */
enum {
    S3I_CSV_TAB = 1,
    S3I_CSV_UTF8_ONLY = 2,
    S3I_CSV_ALL_ERRORS = 4,
    S3I_CSV_NO_SWITCH = 8
};
enum { S3I_CSV_MAX_ERRORS = 20 };

/* Read a CSV file: BOM skipped, LF or CRLF, separator detected from the
 * header (',', ';' or, with S3I_CSV_TAB, '\t'), strict RFC 4180 quoting
 * (libcsv with CSV_STRICT | CSV_STRICT_FINI), every field checked for NUL
 * bytes and valid UTF-8 (or, for a whole file, Windows-1252, converted:
 * csvread.c), every row for the header's field count; lines of separators
 * only are empty lines.  `name` is the file name used in messages. */
s3_status s3i_csv_read(s3_ctx *ctx, const char *path, const char *name,
                       int flags, s3i_csv_fn header, s3i_csv_fn row, void *user,
                       s3i_csv_info *info);

/* Reading a large file with two threads: the second parses from a line end
 * near the middle on, into its own state user2, once the header is known;
 * fork(user, user2) readies user2 then (column map, ctx2 for messages)
 * and returns 1, or returns 0 to read the file with one thread.  merge is
 * for the caller of s3i_csv_read_split (the reader does not call it).
 * When used is set afterwards, user2 holds the rows after the first
 * `lines` lines (its line numbers start at 1 again) and the caller merges
 * it into user; otherwise user saw every row.  The split is taken only
 * where it is a record boundary, and results are those of one thread: a
 * failing second part is read again by the first. */
typedef struct {
    void *user2;
    s3_ctx *ctx2;
    int (*fork)(void *user, void *user2);
    /* optional: whether user2 can be merged into user; when not, the
     * reader reads the second part again into user */
    int (*joinable)(void *user, void *user2);
    s3_status (*merge)(s3_ctx *ctx, void *user, void *user2, size_t lines);
    int used;
    size_t lines;
} s3i_csv_split;

s3_status s3i_csv_read_split(s3_ctx *ctx, const char *path, const char *name,
                             int flags, s3i_csv_fn header, s3i_csv_fn row,
                             void *user, s3i_csv_split *split,
                             s3i_csv_info *info);

/* The physical line (1-based) where the current record starts. */
size_t s3i_csv_line(const s3i_csv *r);
/* The file name used in messages. */
const char *s3i_csv_name(const s3i_csv *r);
/* Whether numbers use a decimal comma (the separator is ';'). */
int s3i_csv_decimal_comma(const s3i_csv *r);
/* The header name of column i. */
const char *s3i_csv_colname(const s3i_csv *r, size_t i);

/* Fail with "name:line: column 'col': 'value' <what>". */
s3_status s3i_csv_fail(s3_ctx *ctx, const s3i_csv *r, size_t col,
                       const char *value, const char *what);

/* ---- reference tables --------------------------------------------------- */

typedef struct {
    /* NACE Rev. 2: every code of levels 1 (section) to 4 (class) */
    size_t nnace;
    char **nace_code; /* "J", "62", "62.0", "62.01" */
    /* the code as the outputs write it, with its section letter as
     * Eurostat writes it ("J", "J62", "J62.0", "J62.01"): never read as a
     * number, and a division is not mistaken for a WIPO field */
    char **nace_text;
    char **nace_label;
    int *nace_level;
    size_t *nace_parent; /* S3I_NONE for sections */
    s3i_map nace_by_key; /* "J", "62", "620", "6201" → index */
    s3i_map wz_by_key;   /* WZ 2008 sub-class "62010" → class index */
    /* WIPO technology fields (Schmoch concordance) */
    size_t nfields;    /* 35 */
    char **field_code; /* "01".."35" */
    char **field_text; /* as the outputs write it: "F01".."F35" */
    char **field_label;
    size_t *field_sector; /* index into sector */
    size_t nsectors;
    char **sector_label;
    s3i_map ipc_by_key; /* "A61K8" (subclass+main group), "A61K" → field */
    s3_table *inputs;   /* not owned: the dataset's input table */
    s3i_arena arena;
} s3i_ref;

s3_status s3i_ref_load(s3_ctx *ctx, const char *dir, s3i_ref *ref,
                       s3_table *inputs);
void s3i_ref_free(s3i_ref *ref);

/* Normalise a NACE code in any common spelling ("62.01", "6201", "62010",
 * "62.01.0", "J", "C10") to the index of a NACE Rev. 2 code (a WZ sub-class
 * maps to its class).  Returns S3I_NONE when it is none. */
size_t s3i_nace_lookup(const s3i_ref *ref, const char *s, size_t len);

/* The ancestor of NACE code i at `level` (i itself when at that level),
 * S3I_NONE when i is coarser than level. */
size_t s3i_nace_at_level(const s3i_ref *ref, size_t i, int level);

/* Map an IPC symbol ("G06F 17/30", "A61K8/02", "H01M") to a WIPO field
 * index.  Returns 0 and sets *field (S3I_NONE when the code is valid but
 * not in the concordance), or -1 when s is not an IPC symbol. */
int s3i_ipc_lookup(const s3i_ref *ref, const char *s, size_t len,
                   size_t *field);

/* ---- model -------------------------------------------------------------- */

enum { S3I_REF_NETWORK, S3I_REF_BASELINE };
enum { S3I_WEIGHT_TENANTS, S3I_WEIGHT_EMPLOYEES };
enum { S3I_KEY_NUTS3, S3I_KEY_SUBREGION };
enum { S3I_REL_PROXIMITY = 0 }; /* else 1 + s3_relatedness_method */
enum { S3I_SPLIT_MEDIAN, S3I_SPLIT_MEAN, S3I_SPLIT_PERCENTILE };
/* When a unit counts as specialised in a class. */
enum { S3I_RULE_RCA, S3I_RULE_SIGNIFICANT };
enum { S3I_RESAMPLE_NONE, S3I_RESAMPLE_RECORDS };
enum { S3I_PAIRS_AUTO, S3I_PAIRS_ALL, S3I_PAIRS_TOP };
/* pairs = auto: a pair table's part for one matrix is written in full up
 * to this many rows, else cut to each item's top_pairs nearest; cells =
 * auto: the same for the unit × class tables */
enum { S3I_PAIRS_FULL_MAX = 500000 };
/* output.square_sheets: the workbook's unit × unit sheets (Outranking,
 * Overlaps) are written up to this many units under auto: 1,207 regions
 * made 1.4 million cells per sheet, unreadable and 25 MB. */
enum { S3I_SQUARE_AUTO, S3I_SQUARE_YES, S3I_SQUARE_NO };
enum { S3I_SQUARE_MAX_UNITS = 200 };

/* A key of a [domains] or [scenario.NAME] section, with its line. */
typedef struct {
    char *section, *key, *value;
    size_t line;
} s3i_entry;

/* The indicators a development-potential score can use: name, meaning. */
#define S3I_INDICATORS(X)                                                      \
    X(IND_SPEC, "specialisation",                                              \
      "specialisation strength: Krugman dissimilarity of the sector profile")  \
    X(IND_DENS, "density",                                                     \
      "mean relatedness density of the unit's opportunities")                  \
    X(IND_ECI, "eci", "economic complexity index (sectors)")                   \
    X(IND_STARTUP, "startups", "share of start-ups among the tenants")         \
    X(IND_GROWTH, "growth",                                                    \
      "tenant growth from growth_from to the cut-off date")                    \
    X(IND_PATENTS, "patents", "patents (fractional) per tenant")               \
    X(IND_ALIGN, "alignment", "share of tenants in the model's S3 domains")

enum {
#define X(id, n, h) id,
    S3I_INDICATORS(X)
#undef X
        S3I_NIND
};

/* At most this many indicators in a score. */
enum { S3I_MAXIND = 16 };

struct s3_model {
    char *path, *name;
    char *title; /* the network's name for the briefing; default: name */
    char *dataset_dir, *reference_dir;
    char *exclude_classes; /* codes or prefixes never suggested, "a, b" */
    int level;             /* 1 section .. 4 class */
    int weight;            /* S3I_WEIGHT_* */
    int reference;         /* S3I_REF_* */
    double threshold;
    int rule;              /* S3I_RULE_* */
    double alpha;          /* false discovery rate of the significant rule */
    double confidence;     /* level of the RCA interval */
    int32_t cutoff;        /* YYYYMMDD; 0 = none */
    size_t reflections;    /* iterations of the method of reflections */
    int relatedness;       /* S3I_REL_PROXIMITY or 1 + s3_relatedness_method */
    int split;             /* S3I_SPLIT_* */
    double percentile;     /* for S3I_SPLIT_PERCENTILE, 0-100 */
    char *baseline_region; /* "total", "own" or a region code */
    int baseline_key;      /* S3I_KEY_* */
    /* overlaps */
    double cluster_cut;
    size_t partners;
    /* the development-potential score */
    size_t nind;
    int ind[S3I_MAXIND]; /* IND_* */
    double w[S3I_MAXIND];
    int dir[S3I_MAXIND]; /* +1 or -1 */
    double lo[S3I_MAXIND], hi[S3I_MAXIND];
    int norm, agg; /* s3_normalisation, s3_aggregation */
    double shift;
    int32_t growth_from; /* YYYYMMDD, 0 = five years before the cut-off */
    /* its uncertainty */
    size_t draws;
    unsigned long seed;
    double weight_sd;
    int vary_norm, vary_agg;
    int resample; /* S3I_RESAMPLE_* */
    /* the pair tables (unit × unit, class × class, outranking) */
    int pairs;        /* S3I_PAIRS_* */
    size_t top_pairs; /* how many per unit or class when cut */
    int cells;        /* S3I_PAIRS_*: the unit x class tables, likewise */
    size_t top_opportunities; /* per unit in potentials.csv when cut */
    int square_sheets;        /* S3I_SQUARE_* */
    /* learning partners (stages/learning.c): the lists as written
     * (comma-separated unit codes; empty home = no stage), the outcome
     * file ("" = none) and its value column */
    char *learn_home, *learn_candidates, *learn_compare;
    size_t learn_top;
    char *learn_outcome, *learn_outcome_column;
    /* [domains] and [scenario.*] keys, in file order */
    s3i_entry *entries;
    size_t nentries;
    /* text form of every parameter, for the method sheet, and the line
     * of the model file that set it (0: its default) */
    size_t nparams;
    char **param_name, **param_value;
    size_t *param_line;
};

/* The name of the scenario whose section entry e of model m opens (its
 * first key), or NULL. */
const char *s3i_model_scenario_at(const s3_model *m, size_t e);

/* The names of model m's scenarios, comma-separated, into buf (n bytes;
 * "..." when they do not fit); "" when it has none. */
void s3i_model_scenarios(const s3_model *m, char *buf, size_t n);

/* The line of model m that set parameter "section.key" (0: its default or
 * none). */
size_t s3i_model_param_line(const s3_model *m, const char *name);

/* A copy of base with the parameter changes of its section `section`
 * ("scenario.NAME": threshold, reference, level, weight, weights). */
s3_status s3i_model_variant(s3_ctx *ctx, const s3_model *base,
                            const char *section, s3_model **out);

/* The meaning of model parameter i, in s3_model_param_name order. */
const char *s3i_model_param_help(size_t i);

/* ---- dataset ------------------------------------------------------------ */

typedef struct {
    size_t centre;         /* index into centres */
    size_t nace;           /* index of the finest NACE code given */
    double employees;      /* NaN when missing */
    int startup;           /* 1, 0, or -1 when missing */
    int32_t entered, left; /* YYYYMMDD, 0 when missing */
    int active; /* present on the cut-off date: counted in matrices */
} s3i_tenant;

/* The units of a network: its centres (or a long table's units) and the
 * sub-regions they lie in. */
typedef struct {
    size_t n;
    char **id, **name, **sub, **nuts3;
    s3i_map map;   /* id → index */
    s3i_idtab ids; /* the same, for the hot paths */
    size_t nsub;
    char **sub_name, **sub_nuts3;
    size_t *subidx; /* per unit: its sub-region */
    /* per centre: its position in decimal degrees (centres.csv lat, lon),
     * NaN where the cells are empty; NULL for a long table's units */
    double *lat, *lon;
} s3i_units;

/* The records counted: the tenants, the fractional patents, or a long
 * table's cells.  A scenario changes a copy of these and nothing else. */
typedef struct {
    size_t ntenants, tenants_cap;
    s3i_tenant *tenants;
    double *patents; /* units × fields, or NULL */
    double *cooc;    /* fields × fields: patents holding both, diag 0 */
    /* a long table */
    size_t nclasses;
    char **class_id;
    double *gx; /* units × classes */
} s3i_records;

/* The sector baseline: regions × aggregates (only the disjoint set in
 * use). */
typedef struct {
    size_t nreg, nagg;
    char **reg, **agg_code, **agg_label;
    double *val;      /* nreg × nagg, NaN missing */
    size_t *nace_agg; /* per NACE code index: aggregate or S3I_NONE */
} s3i_baseline;

/* What a dataset folder's dataset.ini says about its files: the header
 * names its files use for the engine's columns. */
typedef struct {
    char *file;   /* "tenants.csv", or NULL: every file */
    char *column; /* the engine's name: "tenant_id" */
    char *header; /* the file's name for it: "Mieter-Nr" */
    size_t line;  /* of dataset.ini */
} s3i_colname;

typedef struct {
    char *path; /* DIR/dataset.ini, NULL when the folder has none */
    s3i_colname *col;
    size_t ncol, cap;
    /* [dataset]: the data are synthetic (made up, e.g. for a
     * demonstration), and a short note on them; the lines that set them */
    int synthetic;
    char *note, *banner; /* banner: S3I_SYNTHETIC_BANNER and the note */
    size_t synthetic_line, note_line;
} s3i_describe;

/* The banner every output of a synthetic dataset carries. */
#define S3I_SYNTHETIC_BANNER                                                   \
    "Synthetic data \xE2\x80\x94 "                                             \
    "results are illustrative, not findings "                                  \
    "about the named centres"

/* The data-quality log: per file, per warning, per input, and notes. */
typedef struct {
    s3_table *quality, *warnings, *inputs, *notes;
} s3i_log;

struct s3_dataset {
    /* the reference classifications: own_ref, or the caller's
     * (s3i_dataset_load_ref) */
    const s3i_ref *ref;
    s3i_ref *own_ref;
    int generic; /* a long table, not a network of centres */
    s3i_units units;
    s3i_records records;
    s3i_baseline baseline;
    s3i_describe desc;
    s3i_log log;
    s3i_arena arena;
};

/* s3_dataset_load with reference tables the caller loaded once
 * (s3i_ref_load) and keeps until the dataset is freed; ref NULL loads them
 * from the model's reference folder.  For the fuzz harnesses, which would
 * otherwise spend most of their time reading the same tables. */
s3_status s3i_dataset_load_ref(s3_ctx *ctx, const s3_model *m,
                               const s3i_ref *ref, s3_dataset **out);
/* The same for s3_dataset_load_long. */
s3_status s3i_dataset_load_long_ref(s3_ctx *ctx, const char *path,
                                    const s3_long_options *opt,
                                    const s3_model *m, const s3i_ref *ref,
                                    s3_dataset **out);

/* Add a data-quality note (scope, message). */
int s3i_note(s3_table *notes, const char *scope, const char *message);
#endif /* S3_INGEST_H */
