/*
 * table.c — tidy result tables: named, typed columns and rows of cells.
 * Every result of the engine takes this form, so the CSV writer and the
 * workbook writer need to know nothing about the measures.
 */
#define _GNU_SOURCE /* mremap */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"

typedef union {
    double num;
    const char *text; /* in the table's arena; NULL = empty */
} cell;

struct s3_table {
    char *name;
    size_t ncols, nrows, cap;
    char **colname;
    s3_coltype *coltype;
    unsigned char *own; /* per column: the engine's own text, not data */
    cell *cells;        /* nrows × ncols, `cap` cells */
    size_t mapped;      /* bytes when cells are mapped, 0 when malloc'd */
    s3i_arena arena;
    /* short texts kept once: a table of unit pairs repeats each id a
     * thousand times (text → its copy in the arena) */
    s3i_map interned;
    /* per column, the text set last (a unit's id down its classes' rows):
     * compared before the map is asked */
    const char **last;
    /* a view (s3i_table_view): cells made by cell() from src; its rows
     * are nblocks blocks, block b from row start[b] on: a grid of
     * ni[b] × nj[b] rows, or (pairs[b] not NULL) a list of ni[b] (i, j) */
    s3i_cell_fn cell;
    void *src;
    size_t nblocks, *start, *ni, *nj;
    uint32_t **pairs;
};

enum { INTERN_MAX = 64 }; /* longer texts are copied each time */

/* Cell arrays from this size on are mapped by the table itself and backed
 * by huge pages where the kernel offers them (transparent huge pages in
 * "madvise" mode, Debian's default).  A run's large tables are written
 * once and read once, so their cost is mostly the first touch of each
 * page: world trade's specialisation and potentials tables take some
 * 11,000 page faults of 4 KB each; a huge page takes one fault per 2 MB.
 * The advice needs a mapping of its own: given to part of a malloc'd
 * block it splits malloc's mapping, and realloc can then no longer grow
 * the block in place (mremap fails, and it copies).  Where the kernel
 * declines the advice, the pages are ordinary ones. */
enum { MAPPED_MIN = S3I_HUGE_MIN };

static void
cells_free(s3_table *t)
{
    if (t->mapped)
        munmap(t->cells, t->mapped);
    else
        free(t->cells);
}

/* Room for `rows` rows in all (capacity doubled, as s3i_reserve does);
 * -1 when out of memory. */
static int
reserve_rows(s3_table *t, size_t rows)
{
    if (t->cell || (t->ncols && rows > SIZE_MAX / t->ncols))
        return -1;
    size_t need = rows * t->ncols;
    if (need <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 16;
    while (cap < need) {
        if (cap > SIZE_MAX / 2 / sizeof(cell))
            return -1;
        cap *= 2;
    }
    size_t bytes = cap * sizeof(cell);
    if (bytes < MAPPED_MIN)
        return s3i_reserve(&t->cells, &t->cap, need, sizeof(cell));
    void *p;
    if (t->mapped) {
        p = mremap(t->cells, t->mapped, bytes, MREMAP_MAYMOVE);
    } else {
        p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED && t->cells) {
            memcpy(p, t->cells, t->nrows * t->ncols * sizeof(cell));
            free(t->cells);
        }
    }
    if (p == MAP_FAILED)
        return -1;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    t->cells = p;
    t->cap = cap;
    t->mapped = bytes;
    return 0;
}

s3_table *
s3i_table_new(const char *name, size_t ncols, const s3i_colspec *cols)
{
    s3_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->ncols = ncols;
    t->colname = calloc(ncols ? ncols : 1, sizeof *t->colname);
    t->coltype = calloc(ncols ? ncols : 1, sizeof *t->coltype);
    t->own = calloc(ncols ? ncols : 1, sizeof *t->own);
    t->last = calloc(ncols ? ncols : 1, sizeof *t->last);
    if (!t->colname || !t->coltype || !t->own || !t->last ||
        !(t->name = s3i_arena_strdup(&t->arena, name)))
        goto fail;
    for (size_t i = 0; i < ncols; i++) {
        if (!(t->colname[i] = s3i_arena_strdup(&t->arena, cols[i].name)))
            goto fail;
        t->coltype[i] = cols[i].type;
    }
    return t;
fail:
    s3i_table_free(t);
    return NULL;
}

void
s3i_table_free(s3_table *t)
{
    if (!t)
        return;
    free(t->colname);
    free(t->coltype);
    free(t->own);
    free(t->last);
    free(t->src);
    free(t->start);
    free(t->ni);
    free(t->nj);
    for (size_t b = 0; b < t->nblocks; b++)
        free(t->pairs[b]);
    free(t->pairs);
    cells_free(t);
    s3i_map_free(&t->interned);
    s3i_arena_free(&t->arena);
    free(t);
}

s3_table *
s3i_table_new_like(const s3_table *src, const char *name)
{
    size_t nc = src->ncols;
    s3i_colspec *cols = malloc((nc + 1) * sizeof *cols);
    if (!cols)
        return NULL;
    for (size_t i = 0; i < nc; i++)
        cols[i] = (s3i_colspec){src->colname[i], src->coltype[i]};
    s3_table *t = s3i_table_new(name, nc, cols);
    free(cols);
    if (t)
        memcpy(t->own, src->own, nc);
    return t;
}

int
s3i_table_set_own_text(s3_table *t, size_t col)
{
    if (col >= t->ncols || !s3_coltype_is_text(t->coltype[col]))
        return -1;
    t->own[col] = 1;
    return 0;
}

int
s3i_table_own_text(const s3_table *t, size_t col)
{
    return col < t->ncols && t->own[col];
}

s3_table *
s3i_table_copy(const s3_table *src)
{
    s3_table *t = s3i_table_new_like(src, src->name);
    for (size_t r = 0; t && r < src->nrows; r++) {
        size_t row = s3i_table_add_row(t);
        if (row == S3I_NONE) {
            s3i_table_free(t);
            return NULL;
        }
        for (size_t c = 0; c < src->ncols; c++) {
            if (!s3_coltype_is_text(src->coltype[c]))
                t->cells[row * t->ncols + c].num = s3_table_num(src, r, c);
            else if (s3i_table_set_text(t, row, c, s3_table_text(src, r, c))) {
                s3i_table_free(t);
                return NULL;
            }
        }
    }
    return t;
}

int
s3i_table_reserve(s3_table *t, size_t rows)
{
    return rows > t->nrows && reserve_rows(t, rows) != 0 ? -1 : 0;
}

size_t
s3i_table_add_row(s3_table *t)
{
    if (reserve_rows(t, t->nrows + 1) != 0)
        return S3I_NONE;
    cell *r = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        if (s3_coltype_is_text(t->coltype[i]))
            r[i].text = NULL;
        else
            r[i].num = NAN;
    }
    return t->nrows++;
}

int
s3i_table_set_num(s3_table *t, size_t row, size_t col, double v)
{
    if (t->cell || row >= t->nrows || col >= t->ncols ||
        s3_coltype_is_text(t->coltype[col]))
        return -1;
    t->cells[row * t->ncols + col].num = v;
    return 0;
}

static int set_text(s3_table *t, size_t row, size_t col, const char *s);

int
s3i_table_set_text(s3_table *t, size_t row, size_t col, const char *s)
{
    if (t->cell || row >= t->nrows || col >= t->ncols ||
        !s3_coltype_is_text(t->coltype[col]))
        return -1;
    /* every text of a table is valid UTF-8: the input's texts are checked
     * when read, but a message or finding that quotes one cut at a byte
     * count ("%.60s") or by its buffer can split a letter anywhere */
    char *fixed = NULL;
    if (s && *s && !s3i_utf8_valid(s, strlen(s))) {
        if (!(fixed = strdup(s)))
            return -1;
        s3i_utf8_cut(fixed);
        s3i_utf8_repair(fixed);
        s = fixed;
    }
    int rc = set_text(t, row, col, s);
    free(fixed);
    return rc;
}

/* s3i_table_set_text of valid text */
static int
set_text(s3_table *t, size_t row, size_t col, const char *s)
{
    const char *c = NULL;
    if (s && *s && t->last[col] && strcmp(s, t->last[col]) == 0) {
        c = t->last[col];
    } else if (s && *s) {
        size_t n = strlen(s), k;
        if (n <= INTERN_MAX &&
            (k = s3i_map_get(&t->interned, s, n)) != S3I_NONE) {
            c = (const char *)(uintptr_t)k;
        } else {
            char *copy = s3i_arena_strndup(&t->arena, s, n);
            if (!copy || (n <= INTERN_MAX &&
                          s3i_map_put(&t->interned, copy, n,
                                      (size_t)(uintptr_t)copy) == S3I_NONE))
                return -1;
            c = copy;
        }
        t->last[col] = c;
    }
    t->cells[row * t->ncols + col].text = c;
    return 0;
}

int
s3i_table_append(s3_table *t, const s3i_val *vals, size_t n)
{
    if (n != t->ncols)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s3_coltype_is_text(vals[i].type) !=
            s3_coltype_is_text(t->coltype[i]))
            return -1;
    /* every cell is set here, so the row is not first filled with empty
     * cells as s3i_table_add_row does (one write per cell, not two) */
    if (reserve_rows(t, t->nrows + 1) != 0)
        return -1;
    size_t row = t->nrows++;
    cell *r = t->cells + row * t->ncols;
    for (size_t i = 0; i < n; i++) {
        if (!s3_coltype_is_text(vals[i].type)) {
            r[i].num = vals[i].v.num;
        } else if (s3i_table_set_text(t, row, i, vals[i].v.text)) {
            t->nrows--;
            return -1;
        }
    }
    return 0;
}

const char *
s3_table_name(const s3_table *t)
{
    return t->name;
}

size_t
s3_table_rows(const s3_table *t)
{
    return t->nrows;
}

size_t
s3_table_cols(const s3_table *t)
{
    return t->ncols;
}

const char *
s3_table_col_name(const s3_table *t, size_t col)
{
    return col < t->ncols ? t->colname[col] : NULL;
}

s3_coltype
s3_table_col_type(const s3_table *t, size_t col)
{
    return t->coltype[col];
}

size_t
s3_table_col(const s3_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->colname[i], name) == 0)
            return i;
    return S3I_NONE;
}

/* The block of a view's row, and the row's place (i, j) in it. */
static size_t
view_locate(const s3_table *t, size_t row, size_t *i, size_t *j)
{
    size_t b = t->nblocks - 1;
    while (b > 0 && t->start[b] > row) /* few blocks: one per matrix */
        b--;
    size_t k = row - t->start[b];
    if (t->pairs[b]) {
        *i = t->pairs[b][2 * k];
        *j = t->pairs[b][2 * k + 1];
    } else {
        *i = k / t->nj[b];
        *j = k % t->nj[b];
    }
    return b;
}

static s3i_val
view_cell(const s3_table *t, size_t row, size_t col)
{
    size_t i, j, b = view_locate(t, row, &i, &j);
    return t->cell(t->src, b, i, j, col);
}

double
s3_table_num(const s3_table *t, size_t row, size_t col)
{
    if (row >= t->nrows || col >= t->ncols ||
        s3_coltype_is_text(t->coltype[col]))
        return NAN;
    if (t->cell)
        return view_cell(t, row, col).v.num;
    return t->cells[row * t->ncols + col].num;
}

const char *
s3_table_text(const s3_table *t, size_t row, size_t col)
{
    if (row >= t->nrows || col >= t->ncols ||
        !s3_coltype_is_text(t->coltype[col]))
        return NULL;
    const char *s = t->cell ? view_cell(t, row, col).v.text
                            : t->cells[row * t->ncols + col].text;
    return s ? s : "";
}

int
s3i_table_row(const s3_table *t, size_t row, s3i_val *out)
{
    if (row >= t->nrows)
        return -1;
    size_t i = 0, j = 0, b = t->cell ? view_locate(t, row, &i, &j) : 0;
    const cell *r = t->cell ? NULL : t->cells + row * t->ncols;
    for (size_t c = 0; c < t->ncols; c++) {
        int text = s3_coltype_is_text(t->coltype[c]);
        s3i_val v = t->cell ? t->cell(t->src, b, i, j, c)
                    : text  ? S3I_TEXT(r[c].text)
                            : S3I_NUM(r[c].num);
        v.type = t->coltype[c];
        if (text && !v.v.text)
            v.v.text = "";
        out[c] = v;
    }
    return 0;
}

/* The text of column col of a view's row (i, j) of block b. */
static const char *
view_text(const s3_table *t, size_t b, size_t i, size_t j, size_t col)
{
    const char *v = t->cell(t->src, b, i, j, col).v.text;
    return v ? v : "";
}

/* The texts of column col in the list of pairs of block b: of each pair
 * whose i or whose j is not met before (the column is a function of one
 * of them), or, out of memory, of every pair. */
static void
pair_texts(const s3_table *t, size_t b, size_t col,
           void (*fn)(const char *text, void *user), void *user)
{
    const uint32_t *p = t->pairs[b];
    size_t n = t->ni[b], top = 0;
    for (size_t k = 0; k < 2 * n; k++)
        top = p[k] > top ? p[k] : top;
    unsigned char *met_i = calloc(2 * (top + 1), 1),
                  *met_j = met_i ? met_i + top + 1 : NULL;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = p[2 * k], j = p[2 * k + 1];
        if (met_i && met_i[i] && met_j[j])
            continue;
        if (met_i)
            met_i[i] = met_j[j] = 1;
        fn(view_text(t, b, i, j, col), user);
    }
    free(met_i);
}

void
s3i_table_code_texts(const s3_table *t, size_t col,
                     void (*fn)(const char *text, void *user), void *user)
{
    if (col >= t->ncols || !s3_coltype_is_text(t->coltype[col]))
        return;
    if (!t->cell) {
        for (size_t r = 0; r < t->nrows; r++)
            fn(s3_table_text(t, r, col), user);
        return;
    }
    for (size_t b = 0; b < t->nblocks; b++) {
        if (t->pairs[b]) {
            pair_texts(t, b, col, fn, user);
            continue;
        }
        if (t->ni[b] == 0)
            continue;
        for (size_t j = 0; j < t->nj[b]; j++) /* the first row */
            fn(view_text(t, b, 0, j, col), user);
        for (size_t i = 1; i < t->ni[b] && t->nj[b] > 0; i++) /* column */
            fn(view_text(t, b, i, 0, col), user);
    }
}

s3_table *
s3i_table_view(const char *name, size_t ncols, const s3i_colspec *cols,
               s3i_cell_fn cell, void *src)
{
    s3_table *t = s3i_table_new(name, ncols, cols);
    if (!t) {
        free(src);
        return NULL;
    }
    t->cell = cell;
    t->src = src;
    return t;
}

/* Append a block of `rows` rows: a grid ni × nj, or the list `pairs`
 * (taken; freed on failure too). */
static int
view_add(s3_table *t, size_t rows, size_t ni, size_t nj, uint32_t *pairs)
{
    size_t n = t->nblocks + 1, *start = NULL, *ni_ = NULL, *nj_ = NULL;
    uint32_t **lists = NULL;
    if (t->cell && rows <= SIZE_MAX - t->nrows) {
        if ((start = realloc(t->start, n * sizeof *start)))
            t->start = start;
        if (start && (ni_ = realloc(t->ni, n * sizeof *ni_)))
            t->ni = ni_;
        if (ni_ && (nj_ = realloc(t->nj, n * sizeof *nj_)))
            t->nj = nj_;
        if (nj_ && (lists = realloc(t->pairs, n * sizeof *lists)))
            t->pairs = lists;
    }
    if (!lists) {
        free(pairs);
        return -1;
    }
    /* an empty block starts at the next one's first row, after every row
     * of the view so far: view_locate never stops at it */
    t->start[t->nblocks] = t->nrows;
    t->ni[t->nblocks] = ni;
    t->nj[t->nblocks] = nj;
    t->pairs[t->nblocks] = pairs;
    t->nblocks++;
    t->nrows += rows;
    return 0;
}

int
s3i_table_view_block(s3_table *t, size_t ni, size_t nj)
{
    if (nj && ni > SIZE_MAX / nj)
        return -1;
    return view_add(t, ni * nj, ni, nj, NULL);
}

int
s3i_table_view_pairs(s3_table *t, uint32_t *pairs, size_t n)
{
    if (!n) { /* nothing to find: no list */
        free(pairs);
        return view_add(t, 0, 0, 0, NULL);
    }
    if (!pairs)
        return -1;
    /* lists are made at their largest size, then filled: keep what holds */
    uint32_t *fit = realloc(pairs, 2 * n * sizeof *pairs);
    return view_add(t, n, n, 0, fit ? fit : pairs);
}
