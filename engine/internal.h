/*
 * internal.h — declarations shared between the engine's source files
 * (prefix s3i_).  Nothing here is part of the public API.
 */
#ifndef S3_INTERNAL_H
#define S3_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "s3.h"
#include "s3_kernels.h"
#include "s3_scoring.h"

#define S3I_NONE ((size_t)-1)

/* ---- context ------------------------------------------------------------ */

struct s3_ctx {
    s3_status status;
    char msg[1024];
    s3_progress_fn progress;
    void *progress_user;
    int threads; /* 0: as many as useful (two at most for now) */
};

/* The threads ctx allows: its setting, or the online processors. */
int
s3i_threads(const s3_ctx *ctx);

/* Record an error on ctx (printf-style message) and return status. */
s3_status
s3i_fail(s3_ctx *ctx, s3_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- memory ------------------------------------------------------------- */

/* Make room for `need` elements in *p (capacity *cap, element size es).
 * Returns 0 on success, -1 when memory is exhausted (*p is unchanged). */
int
s3i_reserve(void *p, size_t *cap, size_t need, size_t es);

/* An arena of strings, freed at once. */
typedef struct s3i_arena_block s3i_arena_block;
typedef struct {
    s3i_arena_block *head;
} s3i_arena;

/* Copy len bytes of s and a NUL into the arena; NULL when out of memory. */
char *
s3i_arena_strndup(s3i_arena *a, const char *s, size_t len);
char *
s3i_arena_strdup(s3i_arena *a, const char *s);
void
s3i_arena_free(s3i_arena *a);

/* ---- string → index map (open addressing, FNV-1a) ---------------------- */

typedef struct {
    uint64_t hash;    /* of the key, compared before its bytes */
    const char *key;  /* borrowed: the caller keeps the keys alive; NULL =
                         empty slot */
    size_t klen, val;
} s3i_slot;

typedef struct {
    size_t cap, n;
    s3i_slot *slot;   /* one cache line per probe */
} s3i_map;

/* The value stored for key, or S3I_NONE. */
size_t
s3i_map_get(const s3i_map *m, const char *key, size_t len);

/* Store key → val unless present.  Returns the value now stored for key
 * (the old one if it was present), or S3I_NONE when out of memory.  The key
 * memory is borrowed and must outlive the map. */
size_t
s3i_map_put(s3i_map *m, const char *key, size_t len, size_t val);
void
s3i_map_free(s3i_map *m);

/* ---- compact id tables (idtab.c) ---------------------------------------- */

/* The 64-bit finaliser of MurmurHash3: every bit of h reaches every bit. */
static inline uint64_t
s3i_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

/* Copy n <= 16 bytes without a call: two overlapping moves. */
static inline void
s3i_copy16(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* An id's 16-byte fingerprint: its bytes when shorter than 16 (exact), else
 * a 120-bit hash. */
typedef struct {
    uint64_t w[2];
} s3i_fp;

void
s3i_fingerprint_long(const char *key, size_t len, s3i_fp *fp);

/* Built in registers (a byte store followed by a wide load would stall):
 * the bytes little-endian in w[0] and the low bytes of w[1], the length in
 * the top byte of w[1]. */
static inline void
s3i_fingerprint(const char *key, size_t len, s3i_fp *fp)
{
    const unsigned char *s = (const unsigned char *)key;
    uint64_t lo = 0, hi = (uint64_t)len << 56;
    if (len >= 16) {
        s3i_fingerprint_long(key, len, fp);
        return;
    }
    if (len >= 8) {
        uint64_t b;
        memcpy(&lo, s, 8);
        memcpy(&b, s + len - 8, 8);
        if (len > 8)
            hi |= b >> (8 * (16 - len));
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        lo = (uint64_t)a | (uint64_t)b << (8 * (len - 4));
    } else if (len > 0) {
        lo = (uint64_t)s[0] | (uint64_t)s[len / 2] << (8 * (len / 2)) |
             (uint64_t)s[len - 1] << (8 * (len - 1));
    }
    fp->w[0] = lo;
    fp->w[1] = hi;
}

static inline int
s3i_fp_equal(const s3i_fp *a, const s3i_fp *b)
{
    return a->w[0] == b->w[0] && a->w[1] == b->w[1];
}

/* A small direct-mapped memo of short strings (codes) → a value, in front
 * of a slower lookup.  Only texts of 1 to 15 bytes are kept: their
 * fingerprint is the text itself, so a hit is exact. */
typedef struct {
    struct {
        s3i_fp key;
        uint64_t val;
    } e[1024];
} s3i_memo;

static inline size_t
s3i_memo_slot(const s3i_fp *k)
{
    return (size_t)((k->w[0] * 0x9E3779B97F4A7C15ULL ^ k->w[1]) *
                        0xBF58476D1CE4E5B9ULL >>
                    54);
}

/* Whether s[0..len) is in the memo; its value in *val. */
static inline int
s3i_memo_get(const s3i_memo *m, const char *s, size_t len, uint64_t *val)
{
    if (len == 0 || len >= 16)
        return 0;
    s3i_fp k;
    s3i_fingerprint(s, len, &k);
    size_t i = s3i_memo_slot(&k);
    if (!s3i_fp_equal(&m->e[i].key, &k))
        return 0;
    *val = m->e[i].val;
    return 1;
}

/* Keep s[0..len) → val (texts of 1 to 15 bytes only). */
static inline void
s3i_memo_put(s3i_memo *m, const char *s, size_t len, uint64_t val)
{
    if (len == 0 || len >= 16)
        return;
    s3i_fp k;
    s3i_fingerprint(s, len, &k);
    size_t i = s3i_memo_slot(&k);
    m->e[i].key = k;
    m->e[i].val = val;
}

/* id → dense index 0, 1, 2, ... in order of arrival; fp[i] is id i's
 * fingerprint.  About 28 bytes per id, no id text kept. */
typedef struct {
    uint64_t *slot; /* (32 hash bits << 32) | (index + 1); 0 is empty */
    size_t cap;
    s3i_fp *fp;
    size_t n, capfp;
} s3i_idtab;

/* The index of the fingerprint or id, or S3I_NONE. */
size_t
s3i_idtab_find(const s3i_idtab *t, const s3i_fp *fp);
size_t
s3i_idtab_get(const s3i_idtab *t, const char *key, size_t len);
/* The index of the fingerprint or id, added when new (*added = 1);
 * S3I_NONE when out of memory. */
size_t
s3i_idtab_put(s3i_idtab *t, const s3i_fp *fp, int *added);
size_t
s3i_idtab_add(s3i_idtab *t, const char *key, size_t len, int *added);
/* Whether both tables hold sorted ids (no slots yet) and every id of a
 * sorts before every id of b: then they share no id. */
int
s3i_idtab_sorted_before(const s3i_idtab *a, const s3i_idtab *b);
/* Build the hash slots now (a table of ids that arrive sorted has none,
 * and is searched by bisection); -1 when out of memory. */
int
s3i_idtab_hash_all(s3i_idtab *t);
void
s3i_idtab_free(s3i_idtab *t);

/* ---- text and numbers --------------------------------------------------- */

/* Drop an incomplete UTF-8 sequence at the end of s (left by a cut). */
void
s3i_utf8_cut(char *s);

/* Whether s[0..len) is valid UTF-8 without NUL bytes. */
int
s3i_utf8_valid(const char *s, size_t len);

/* Parse a decimal number without locale: optional sign, digits, one decimal
 * separator ('.', or ',' when decimal_comma is set, in which case '.' is
 * accepted as a thousands separator between groups of three digits), an
 * optional exponent.  Leading and trailing blanks are allowed; at most
 * about 500 characters are read.  Returns 0 and sets *out, or -1 when s is
 * not a finite number. */
int
s3i_parse_number(const char *s, size_t len, int decimal_comma, double *out);

/* Parse a date (YYYY-MM-DD or DD.MM.YYYY) to YYYYMMDD; -1 if invalid. */
int
s3i_parse_date(const char *s, size_t len, int32_t *out);

/* SHA-256 of a byte stream (FIPS 180-4; sha256.c). */
typedef struct {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t nbuf;
} s3i_sha256;
void
s3i_sha256_init(s3i_sha256 *s);
void
s3i_sha256_update(s3i_sha256 *s, const void *data, size_t len);
/* Finish and write 64 lowercase hex digits and a NUL to hex. */
void
s3i_sha256_hex(s3i_sha256 *s, char hex[65]);
/* For the tests: with on != 0, use the portable compression function even
 * where the SHA extensions are available (as S3_NO_SHANI=1 does for a whole
 * process); with 0, go back to the choice made from cpuid and S3_NO_SHANI.
 * Returns the previous setting. */
int
s3i_sha256_force_portable(int on);
/* The compression function s3i_sha256_update uses now: "sha-ni" or
 * "portable". */
const char *
s3i_sha256_impl(void);

/* ---- tables ------------------------------------------------------------- */

typedef struct {
    const char *name;
    s3_coltype type;
} s3i_colspec;

/* A table with the given columns; NULL when out of memory. */
s3_table *
s3i_table_new(const char *name, size_t ncols, const s3i_colspec *cols);
void
s3i_table_free(s3_table *t);

/* Append a row (numbers NaN, text empty); returns its index or S3I_NONE. */
size_t
s3i_table_add_row(s3_table *t);
void
s3i_table_set_num(s3_table *t, size_t row, size_t col, double v);
/* Copies s; returns -1 when out of memory. */
int
s3i_table_set_text(s3_table *t, size_t row, size_t col, const char *s);

/* ---- CSV reading -------------------------------------------------------- */

typedef struct s3i_csv s3i_csv;

/* Called once with the header, then once per data row.  fields[i] is
 * NUL-terminated; len[i] its length.  Return S3_OK to go on; any other
 * status stops the read (the callback sets the message). */
typedef s3_status (*s3i_csv_fn)(void *user, s3i_csv *r, size_t n,
                                char **fields, const size_t *len);

typedef struct {
    size_t rows;      /* data rows (header and blank lines not counted) */
    uint64_t bytes;   /* file size */
    char sha256[65];  /* of the file's bytes */
    char separator;   /* detected: ',', ';' or '\t' */
} s3i_csv_info;

/* Read a CSV file: BOM skipped, LF or CRLF, separator detected from the
 * header (',', ';' or, when allow_tab, '\t'), strict RFC 4180 quoting
 * (libcsv with CSV_STRICT | CSV_STRICT_FINI), every field checked for NUL
 * bytes and valid UTF-8, every row for the header's field count.  `name` is
 * the file name used in messages. */
s3_status
s3i_csv_read(s3_ctx *ctx, const char *path, const char *name, int allow_tab,
             s3i_csv_fn header, s3i_csv_fn row, void *user,
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

s3_status
s3i_csv_read_split(s3_ctx *ctx, const char *path, const char *name,
                   int allow_tab, s3i_csv_fn header, s3i_csv_fn row,
                   void *user, s3i_csv_split *split, s3i_csv_info *info);

/* The physical line (1-based) where the current record starts. */
size_t
s3i_csv_line(const s3i_csv *r);
/* The file name used in messages. */
const char *
s3i_csv_name(const s3i_csv *r);
/* Whether numbers use a decimal comma (the separator is ';'). */
int
s3i_csv_decimal_comma(const s3i_csv *r);
/* The header name of column i. */
const char *
s3i_csv_colname(const s3i_csv *r, size_t i);

/* Fail with "name:line: column 'col': 'value' <what>". */
s3_status
s3i_csv_fail(s3_ctx *ctx, const s3i_csv *r, size_t col, const char *value,
             const char *what);

/* ---- reference tables --------------------------------------------------- */

typedef struct {
    /* NACE Rev. 2: every code of levels 1 (section) to 4 (class) */
    size_t nnace;
    char **nace_code;     /* "J", "62", "62.0", "62.01" */
    char **nace_label;
    int *nace_level;
    size_t *nace_parent;  /* S3I_NONE for sections */
    s3i_map nace_by_key;  /* "J", "62", "620", "6201" → index */
    s3i_map wz_by_key;    /* WZ 2008 sub-class "62010" → class index */
    /* WIPO technology fields (Schmoch concordance) */
    size_t nfields;       /* 35 */
    char **field_code;    /* "01".."35" */
    char **field_label;
    size_t *field_sector; /* index into sector */
    size_t nsectors;
    char **sector_label;
    s3i_map ipc_by_key;   /* "A61K8" (subclass+main group), "A61K" → field */
    s3_table *inputs;     /* not owned: the dataset's input table */
    s3i_arena arena;
} s3i_ref;

s3_status
s3i_ref_load(s3_ctx *ctx, const char *dir, s3i_ref *ref, s3_table *inputs);
void
s3i_ref_free(s3i_ref *ref);

/* Normalise a NACE code in any common spelling ("62.01", "6201", "62010",
 * "62.01.0", "J", "C10") to the index of a NACE Rev. 2 code (a WZ sub-class
 * maps to its class).  Returns S3I_NONE when it is none. */
size_t
s3i_nace_lookup(const s3i_ref *ref, const char *s, size_t len);

/* The ancestor of NACE code i at `level` (i itself when at that level),
 * S3I_NONE when i is coarser than level. */
size_t
s3i_nace_at_level(const s3i_ref *ref, size_t i, int level);

/* Map an IPC symbol ("G06F 17/30", "A61K8/02", "H01M") to a WIPO field
 * index.  Returns 0 and sets *field (S3I_NONE when the code is valid but
 * not in the concordance), or -1 when s is not an IPC symbol. */
int
s3i_ipc_lookup(const s3i_ref *ref, const char *s, size_t len, size_t *field);

/* ---- model -------------------------------------------------------------- */

enum { S3I_REF_NETWORK, S3I_REF_BASELINE };
enum { S3I_WEIGHT_TENANTS, S3I_WEIGHT_EMPLOYEES };
enum { S3I_KEY_NUTS3, S3I_KEY_SUBREGION };
enum { S3I_REL_PROXIMITY = 0 }; /* else 1 + s3_relatedness_method */
enum { S3I_SPLIT_MEDIAN, S3I_SPLIT_MEAN, S3I_SPLIT_PERCENTILE };

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
    X(IND_ALIGN, "alignment",                                                  \
      "share of tenants in the model's S3 domains")

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
    char *dataset_dir, *reference_dir;
    int level;           /* 1 section .. 4 class */
    int weight;          /* S3I_WEIGHT_* */
    int reference;       /* S3I_REF_* */
    double threshold;
    int32_t cutoff;      /* YYYYMMDD; 0 = none */
    size_t reflections;  /* iterations of the method of reflections */
    int relatedness;     /* S3I_REL_PROXIMITY or 1 + s3_relatedness_method */
    int split;           /* S3I_SPLIT_* */
    double percentile;   /* for S3I_SPLIT_PERCENTILE, 0-100 */
    char *baseline_region; /* "total", "own" or a region code */
    int baseline_key;    /* S3I_KEY_* */
    /* overlaps */
    double cluster_cut;
    size_t partners;
    /* the development-potential score */
    size_t nind;
    int ind[S3I_MAXIND];    /* IND_* */
    double w[S3I_MAXIND];
    int dir[S3I_MAXIND];    /* +1 or -1 */
    double lo[S3I_MAXIND], hi[S3I_MAXIND];
    int norm, agg;          /* s3_normalisation, s3_aggregation */
    double shift;
    int32_t growth_from;    /* YYYYMMDD, 0 = five years before the cut-off */
    /* its uncertainty */
    size_t draws;
    unsigned long seed;
    double weight_sd;
    int vary_norm, vary_agg;
    /* [domains] and [scenario.*] keys, in file order */
    s3i_entry *entries;
    size_t nentries;
    /* text form of every parameter, for the method sheet */
    size_t nparams;
    char **param_name, **param_value;
};

/* A copy of base with the parameter changes of its section `section`
 * ("scenario.NAME": threshold, reference, level, weight, weights). */
s3_status
s3i_model_variant(s3_ctx *ctx, const s3_model *base, const char *section,
                  s3_model **out);

/* The meaning of model parameter i, in s3_model_param_name order. */
const char *
s3i_model_param_help(size_t i);

/* ---- dataset ------------------------------------------------------------ */

typedef struct {
    size_t centre;     /* index into centres */
    size_t nace;       /* index of the finest NACE code given */
    double employees;  /* NaN when missing */
    int startup;       /* 1, 0, or -1 when missing */
    int32_t entered, left; /* YYYYMMDD, 0 when missing */
    int active;        /* present on the cut-off date: counted in matrices */
} s3i_tenant;

/* A count matrix ready for the measures. */
typedef struct {
    const char *level;   /* "centre", "subregion", "unit" */
    const char *name;    /* "tenants", "employees", "patents", "input", ... */
    size_t nr, nc;
    double *x;           /* nr × nc */
    const char **row, **col, **col_label; /* borrowed from the dataset */
    /* related/unrelated variety: a finer matrix with class groups, or
     * vx = NULL when the classes have no hierarchy */
    size_t nvc, ngroups;
    double *vx;          /* nr × nvc */
    const char **col_of_vx; /* ids of vx's columns (NULL: as col) */
    const char *no_variety; /* why vx is NULL, for the notes */
    size_t *vgroup;      /* nvc */
    /* baseline comparison: reference row per unit (nr × nc), or NULL; and
     * each unit's own region (for the local-economy table), or NULL */
    double *bref, *bown;
    const char **region; /* the unit's baseline region, per row */
    /* complexity and potentials are computed (not on broad aggregates) */
    int complexity;
    /* class × class co-occurrence counts (nc × nc), or NULL */
    double *cooc;
} s3i_matrix;

struct s3_dataset {
    s3i_ref ref;
    int ref_shared; /* ref belongs to the caller (s3i_dataset_load_ref) */
    int generic;
    /* centres (or the units of a long table) */
    size_t ncentres;
    char **centre_id, **centre_name, **centre_sub, **centre_nuts3;
    s3i_map centre_map;
    s3i_idtab centre_ids; /* the same, for the hot paths */
    size_t nsub;
    char **sub_name, **sub_nuts3;
    size_t *centre_subidx;
    /* tenants */
    size_t ntenants, tenants_cap;
    s3i_tenant *tenants;
    /* patents: fractional counts centre × field */
    double *patents;
    double *cooc;        /* fields × fields: patents holding both, diag 0 */
    /* baseline: regions × aggregates (only the disjoint set in use) */
    size_t nbreg, nbagg;
    char **breg, **bagg_code, **bagg_label;
    double *bval;        /* nbreg × nbagg, NaN missing */
    size_t *nace_bagg;   /* per NACE code index: aggregate or S3I_NONE */
    /* generic long table */
    size_t nclasses;
    char **class_id;
    double *gx;          /* ncentres × nclasses */
    /* logs */
    s3_table *quality, *warnings, *inputs, *notes;
    s3i_arena arena;
    /* a scenario's view of another dataset: it owns only its tenants,
     * patents, closed flags and notes, and borrows the rest from base */
    const s3_dataset *base;
    unsigned char *closed; /* per centre: closed by a scenario (or NULL) */
};

/* s3_dataset_load with reference tables the caller loaded once
 * (s3i_ref_load) and keeps until the dataset is freed; ref NULL loads them
 * from the model's reference folder.  For the fuzz harnesses, which would
 * otherwise spend most of their time reading the same tables. */
s3_status
s3i_dataset_load_ref(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                     s3_dataset **out);
/* The same for s3_dataset_load_long_where. */
s3_status
s3i_dataset_load_long_ref(s3_ctx *ctx, const char *path, const char *unit_col,
                          const char *class_col, const char *value_col,
                          const char *const *where, size_t nwhere,
                          const s3_model *m, const s3i_ref *ref,
                          s3_dataset **out);

/* Add a warning row (file, line, column, value, message); -1 when out of
 * memory.  line 0 = not tied to a line. */
int
s3i_warn(s3_dataset *d, const char *file, size_t line, const char *column,
         const char *value, const char *message);
/* Add a data-quality note (scope, message). */
int
s3i_note(s3_table *notes, const char *scope, const char *message);

/* Build the count matrices the model asks for, at every level.  The caller
 * frees them with s3i_matrices_free. */
s3_status
s3i_matrices_build(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
                   s3i_matrix **out, size_t *n);
void
s3i_matrices_free(s3i_matrix *mx, size_t n);

/* ---- results ------------------------------------------------------------ */

/* The tables the measures are written into. */
typedef struct {
    s3_table *spec, *units, *classes, *notes, *proximity, *unit_proximity,
        *potentials, *quadrants, *relatedness, *economy, *domains,
        *domain_overlap, *scores, *indicators, *outranking, *similarity,
        *clusters, *partners;
} s3i_tables;

/* S3 domains resolved against the classifications. */
typedef struct {
    size_t n;
    char **name;             /* borrowed from the model */
    unsigned char *nace_in;  /* n × nnace: code (or an ancestor) listed */
    unsigned char *field_in; /* n × nfields */
} s3i_domains;

s3_status
s3i_domains_resolve(s3_ctx *ctx, const s3_model *m, const s3i_ref *ref,
                    s3i_domains *dm);
void
s3i_domains_free(s3i_domains *dm);

/* Rows of domains.csv for one matrix, and domain_overlap.csv. */
s3_status
s3i_domain_rows(s3_ctx *ctx, const s3i_ref *ref, const s3i_domains *dm,
                const s3i_matrix *x, s3_table *t);
s3_status
s3i_domain_overlap(s3_ctx *ctx, const s3_dataset *d, const s3i_domains *dm,
                   s3_table *t);

/* The development-potential score of the units of one level on the
 * headline matrix, with its uncertainty: rows of scores.csv,
 * indicators.csv and outranking.csv. */
s3_status
s3i_scores(s3_ctx *ctx, const s3_model *m, const s3_dataset *d,
           const s3i_domains *dm, const s3i_tables *T, const char *scenario,
           const char *level, const char *headline);

/* A scenario's view of base: its own tenants, patents and closed centres,
 * changed by the actions of the model's section `section`. */
s3_status
s3i_dataset_variant(s3_ctx *ctx, const s3_dataset *base, const s3_model *m,
                    const char *section, s3_dataset **out);

/* Similarity, clusters and partners of the units of one matrix: mc is the
 * dense 0/1 matrix over the nc2 classes that hold a specialisation, oc its
 * ones, omega the relatedness density over the same classes. */
s3_status
s3i_overlaps(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
             const double *mc, const s3_ones *oc, const double *omega,
             size_t nc2, s3i_tables *T);

/* The meaning of indicator i (IND_*). */
const char *
s3i_indicator_help(size_t i);

/* Complexity, relatedness and potentials of one matrix, from its binary
 * specialisation mb (nr × nc, NaN where undefined); fills the eci/coi and
 * pci columns of the rows written from unit_row0 and class_row0. */
s3_status
s3i_potentials(s3_ctx *ctx, const s3_model *m, const s3i_matrix *x,
               const double *mb, s3i_tables *T, size_t unit_row0,
               size_t class_row0);

/* The co-occurrence relatedness rows of a matrix that has x->cooc. */
s3_status
s3i_relatedness_table(s3_ctx *ctx, const s3i_matrix *x, s3_table *t);

struct s3_result {
    size_t ntables;
    s3_table **tables;
    /* the workbook needs to know which matrix is the headline one */
    char *model_name, *headline_matrix;
    int reference_baseline;
    double threshold;
};

/* Write the workbook into path. */
s3_status
s3i_write_xlsx(s3_ctx *ctx, const s3_result *r, const char *path);
/* Write one table as RFC 4180 CSV into path (german: the German
 * spreadsheet dialect). */
s3_status
s3i_write_csv(s3_ctx *ctx, const s3_table *t, const char *path, int german);

/* Format a double for CSV: shortest round-trip, '.' decimal, "" for NaN. */
void
s3i_format_number(double v, char buf[32]);

#endif /* S3_INTERNAL_H */
