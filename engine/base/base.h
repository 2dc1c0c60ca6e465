/*
 * base/base.h — the engine's foundations, shared by every layer (prefix
 * s3i_): the context with its error message, memory helpers, a string map,
 * compact id tables, text and number parsing, SHA-256 and tidy tables.
 * Nothing here knows of datasets, measures or files.  Not public API.
 *
 * Layers, and the only way arrows go (each header includes the one above):
 *   base/     foundations
 *   ingest/   inputs: CSV reading, reference classifications, models,
 *             datasets (centres, tenants, patents, baseline, long tables)
 *   measures/ pure numerical kernels (include/s3_kernels.h, s3_scoring.h,
 *             s3_learning.h)
 *   stages/   the pipeline: matrices → specialisation → complexity and
 *             relatedness → potentials → overlaps → domains → scores →
 *             scenarios
 *   output/   CSV and workbook writers
 */
#ifndef S3_BASE_H
#define S3_BASE_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <nettle/sha2.h>

#include "s3.h"
#include "s3_kernels.h"
#include "s3_learning.h"
#include "s3_scoring.h"

#define S3I_NONE ((size_t)-1)

/* ---- context ------------------------------------------------------------ */

struct s3_ctx {
    s3_status status;
    char msg[4096]; /* room for a file's first errors, one a line */
    s3_progress_fn progress;
    void *progress_user;
    int threads; /* 0: as many as useful (two at most for now) */
};

/* The threads ctx allows: its setting, or the online processors. */
int s3i_threads(const s3_ctx *ctx);

/* Record an error on ctx (printf-style message) and return status. */
s3_status s3i_fail(s3_ctx *ctx, s3_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- memory ------------------------------------------------------------- */

/* Make room for `need` elements in *p (capacity *cap, element size es).
 * Returns 0 on success, -1 when memory is exhausted (*p is unchanged). */
int s3i_reserve(void *p, size_t *cap, size_t need, size_t es);

/* malloc and calloc for the large arrays (matrices, pair tables), freed
 * with free().  An array of 4 MB or more starts on a 2 MB boundary and its
 * whole 2 MB pages are advised to the kernel as transparent huge pages
 * (madvise), so that touching it faults once per 2 MB instead of once per
 * 4 KB: at 2,000 × 1,000 the faults took a sixth of the run.  NULL on
 * overflow or out of memory. */
void *s3i_malloc_big(size_t n, size_t es);
void *s3i_calloc_big(size_t n, size_t es);
/* Transparent huge pages: their size, and the smallest array advised (by
 * s3i_malloc_big, and by tables for their cells, table.c). */
enum { S3I_HUGE_PAGE = 2 << 20, S3I_HUGE_MIN = 4 << 20 };

/* A job beside the calling thread: s3i_beside_start runs fn(arg) on a
 * second thread when two is set and one starts; s3i_beside_end waits for
 * it, or runs fn(arg) itself when no thread took it.  For work that is a
 * pure function of its inputs, so that the results are the same either
 * way. */
typedef struct {
    void *(*fn)(void *);
    void *arg;
    int started;
    pthread_t th;
} s3i_beside;
void s3i_beside_start(s3i_beside *b, int two, void *(*fn)(void *), void *arg);
void s3i_beside_end(s3i_beside *b);

/* An arena of strings, freed at once. */
typedef struct s3i_arena_block s3i_arena_block;
typedef struct {
    s3i_arena_block *head;
} s3i_arena;

/* Copy len bytes of s and a NUL into the arena; NULL when out of memory. */
char *s3i_arena_strndup(s3i_arena *a, const char *s, size_t len);
char *s3i_arena_strdup(s3i_arena *a, const char *s);
void s3i_arena_free(s3i_arena *a);

/* ---- string → index map (open addressing, FNV-1a) ---------------------- */

typedef struct {
    uint64_t hash;   /* of the key, compared before its bytes */
    const char *key; /* borrowed: the caller keeps the keys alive; NULL =
                        empty slot */
    size_t klen, val;
} s3i_slot;

typedef struct {
    size_t cap, n;
    s3i_slot *slot; /* one cache line per probe */
} s3i_map;

/* The value stored for key, or S3I_NONE. */
size_t s3i_map_get(const s3i_map *m, const char *key, size_t len);

/* Store key → val unless present.  Returns the value now stored for key
 * (the old one if it was present), or S3I_NONE when out of memory.  The key
 * memory is borrowed and must outlive the map. */
size_t s3i_map_put(s3i_map *m, const char *key, size_t len, size_t val);
void s3i_map_free(s3i_map *m);

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

void s3i_fingerprint_long(const char *key, size_t len, s3i_fp *fp);

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
size_t s3i_idtab_find(const s3i_idtab *t, const s3i_fp *fp);
size_t s3i_idtab_get(const s3i_idtab *t, const char *key, size_t len);
/* The index of the fingerprint or id, added when new (*added = 1);
 * S3I_NONE when out of memory. */
size_t s3i_idtab_put(s3i_idtab *t, const s3i_fp *fp, int *added);
size_t s3i_idtab_add(s3i_idtab *t, const char *key, size_t len, int *added);
/* Whether both tables hold sorted ids (no slots yet) and every id of a
 * sorts before every id of b: then they share no id. */
int s3i_idtab_sorted_before(const s3i_idtab *a, const s3i_idtab *b);
/* Build the hash slots now (a table of ids that arrive sorted has none,
 * and is searched by bisection); -1 when out of memory. */
int s3i_idtab_hash_all(s3i_idtab *t);
void s3i_idtab_free(s3i_idtab *t);

/* ---- text and numbers --------------------------------------------------- */

/* Drop an incomplete UTF-8 sequence at the end of s (left by a cut). */
void s3i_utf8_cut(char *s);

/* Replace every byte of s that does not belong to a valid UTF-8
 * character by '?'. */
void s3i_utf8_repair(char *s);

/* Whether s[0..len) is valid UTF-8 without NUL bytes. */
int s3i_utf8_valid(const char *s, size_t len);

/* Parse a decimal number without locale: optional sign, digits, one decimal
 * separator ('.', or ',' when decimal_comma is set, in which case '.' is
 * accepted as a thousands separator between groups of three digits), an
 * optional exponent.  Leading and trailing blanks are allowed; at most
 * about 500 characters are read.  Returns 0 and sets *out, or -1 when s is
 * not a finite number. */
int s3i_parse_number(const char *s, size_t len, int decimal_comma, double *out);

/* Write v (numfmt.c) as the first of "%.15g", "%.16g", "%.17g" that reads
 * back as v would write it, without printf: for a normal number the
 * shortest decimal that reads back, correctly rounded ("0.1", "1234.5",
 * "1e+15", "2.5e-07"); '.' whatever the locale; "nan", "inf", "-inf",
 * "-0".  Returns the length; the text ends with a NUL. */
size_t s3i_format_double(double v, char buf[32]);

/* Parse a date (YYYY-MM-DD or DD.MM.YYYY) to YYYYMMDD; -1 if invalid. */
int s3i_parse_date(const char *s, size_t len, int32_t *out);

/* SHA-256 (FIPS 180-4), the fingerprint of every input file: nettle's
 * struct sha256_ctx, sha256_init and sha256_update (<nettle/sha2.h>; its
 * Debian build picks the processor's SHA extensions at load time where
 * present), finished by s3i_sha256_hex. */

/* Finish the digest of s (nettle then starts s afresh) and write it as 64
 * lowercase hex digits and a NUL, as sha256sum prints it. */
static inline void
s3i_sha256_hex(struct sha256_ctx *s, char hex[65])
{
    static const char digit[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(s, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        hex[2 * i] = digit[d[i] >> 4];
        hex[2 * i + 1] = digit[d[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

/* ---- tables ------------------------------------------------------------- */

typedef struct {
    const char *name;
    s3_coltype type;
} s3i_colspec;

/* A table with the given columns; NULL when out of memory. */
s3_table *s3i_table_new(const char *name, size_t ncols,
                        const s3i_colspec *cols);
void s3i_table_free(s3_table *t);
/* A copy of t, or an empty table with t's columns named `name`; NULL when
 * out of memory. */
s3_table *s3i_table_copy(const s3_table *t);
s3_table *s3i_table_new_like(const s3_table *t, const char *name);

/* Text column col holds the engine's own text (and the model's checked
 * parameters), not text from input data: the CSV writer writes it without
 * the formula guard it puts before data text.  -1 when col is not a text
 * column.  Copies of t keep the mark. */
int s3i_table_set_own_text(s3_table *t, size_t col);
int s3i_table_own_text(const s3_table *t, size_t col);

/* Append a row (numbers NaN, text empty); returns its index or S3I_NONE. */
size_t s3i_table_add_row(s3_table *t);
/* Make room for `rows` rows in all, so that a table whose size is known
 * grows once instead of by doubling; -1 when out of memory. */
int s3i_table_reserve(s3_table *t, size_t rows);
/* Set a cell.  Returns -1 when row or col is out of range, the column is
 * of the other type, or (text) memory is exhausted; text is copied. */
int s3i_table_set_num(s3_table *t, size_t row, size_t col, double v);
int s3i_table_set_text(s3_table *t, size_t row, size_t col, const char *s);

/* A cell value for s3i_table_append: text (NULL or "" = empty) for a text
 * column, a number (NaN = empty) for a number or integer column. */
typedef struct {
    s3_coltype type;
    union {
        double num;
        const char *text;
    } v;
} s3i_val;

#define S3I_TEXT(s) ((s3i_val){.type = S3_COL_TEXT, .v.text = (s)})
#define S3I_NUM(x) ((s3i_val){.type = S3_COL_NUMBER, .v.num = (x)})
#define S3I_INT(x) ((s3i_val){.type = S3_COL_INTEGER, .v.num = (double)(x)})

/* Append a row of n values in column order.  Returns -1 when n is not the
 * table's column count or a value's type is not its column's (a number
 * fits an integer column and the reverse), or memory is exhausted; the
 * table is then unchanged. */
int s3i_table_append(s3_table *t, const s3i_val *vals, size_t n);

/* A view: a table whose cells are not stored but made when read, from
 * typed results kept alive beside it (by the s3_result that holds both).
 * Its rows come in blocks, each a grid of ni × nj rows in the order
 * (0,0), (0,1), ..., (ni-1,nj-1); cell(src, block, i, j, col) gives a
 * cell of row (i, j) of a block (text: a stable string, NULL or "" for
 * empty; a code column's text a function of i alone or of j alone, as the
 * unit and class of a row are: s3i_table_code_texts relies on it).  A unit ×
 * class table of 2,000 × 1,000 is 2 million rows: as a view it costs no memory,
 * and the CSV writer makes each row once, as it writes it.  The view owns src
 * (freed with free()).  Views cannot be changed by the setters above (-1 /
 * S3I_NONE); a copy is stored. */
typedef s3i_val (*s3i_cell_fn)(const void *src, size_t block, size_t i,
                               size_t j, size_t col);
s3_table *s3i_table_view(const char *name, size_t ncols,
                         const s3i_colspec *cols, s3i_cell_fn cell, void *src);
/* Append a block of ni × nj rows to a view; -1 when t is not a view or
 * memory is exhausted. */
int s3i_table_view_block(s3_table *t, size_t ni, size_t nj);
/* Append a block of n rows listed as pairs (i, j) (pairs[2k], pairs[2k+1]
 * of row k); the view takes pairs (malloc'd), also on failure. */
int s3i_table_view_pairs(s3_table *t, uint32_t *pairs, size_t n);
/* The ncols values of row `row` into out (text never NULL: "" when empty),
 * as s3_table_num and s3_table_text give them one by one; -1 when row is
 * out of range. */
int s3i_table_row(const s3_table *t, size_t row, s3i_val *out);
/* fn(text, user) for the texts of text column col ("" when empty), row by
 * row; in a view's grid block only those of its first row and its first
 * column, and in a list of pairs only the pairs whose i or whose j is new,
 * which show each text of a code column (a function of one index) where
 * the whole block first shows it: a 2,000 × 1,000 grid is then 3,000
 * calls, not 2 million.  So the texts come in the order of their first
 * appearance, not once per row. */
void s3i_table_code_texts(const s3_table *t, size_t col,
                          void (*fn)(const char *text, void *user), void *user);

#endif /* S3_BASE_H */
