/*
 * long.c — the generic path: any long table "unit, class, value", so that
 * the same measures run on NUTS-3 × NACE employment, regions × IPC
 * patents or countries × products.
 *
 * A long table has one row per (unit, class, value); the three columns are
 * named by the caller and found by name.  A Eurostat bulk TSV file (legacy
 * and current headers alike) has one row per combination of its
 * dimensions, written comma-joined in the first column under a header such
 * as "unit,nace_r2,geo\TIME_PERIOD", and one column per period; its unit
 * and class are dimensions and its value is a period column.  Rows can be
 * filtered by "COL=VALUE" conditions (a column or a dimension); a Eurostat
 * dimension that is neither unit nor class must then hold one value, since
 * adding up rows of different units of measure would be nonsense.  Values
 * follow Eurostat: ':' (or empty, or a flag alone) for missing, flags
 * after a space.  A missing value is not zero: a unit with one is left
 * out of the analysis, or, where most units miss a class, the class; a
 * row simply absent is zero (trade and patent tables leave out what does
 * not occur).
 *
 * Units and classes are numbered in sorted order, so that results do not
 * depend on the order of the rows; a repeated (unit, class) pair adds its
 * value, with a note.
 *
 * Eurostat regional tables mix levels and aggregates: EU27_2020, countries
 * and NUTS-1/2/3 regions in the unit column, TOTAL and section groups
 * (B-E holding C, G-J holding G-I) in the NACE column.  Both are told:
 * a warning names the NUTS levels of a mixed unit column (a NUTS level
 * filter keeps one, without the extra-regio codes DEZ, DEZZ, DEZZZ), and
 * the classes are cut to one partition of the total, the same for every
 * unit: the finest that (nearly) all units have (see aggregates()).
 *
 * A large plain table (8 MB and more, not a Eurostat file) is read by two
 * threads (s3i_csv_read_split): the second parses the part after a line
 * end near the middle into a state of its own, which long_merge joins as
 * if one thread had read every row.  Its sums s1 + s2 are the one-thread
 * sums only when every value is a whole number and all add up to less
 * than 2^53 (every addition exact); otherwise the first thread reads the
 * second part again (long_joinable).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/load.h"

/* At most this many Eurostat dimensions, and filters. */
enum { MAX_DIMS = 16, MAX_WHERE = 16 };

/* The rows with a value of one (unit, class) pair, kept as the matrix
 * needs them: their values added in the order of the rows (the matrix
 * adds a repeated pair in that order, so the sum is the same double), and
 * how many rows (and, in long_state.zero, how many were added to a sum
 * still zero: the others are the repeats of the note).  A file of records
 * repeats each pair many times: a cell a row would take as much memory as
 * the file; a cell a pair takes no more than the matrix. */
typedef struct {
    double sum;
    size_t rows;
} long_cell;

/* The strings of one column (units, or classes), each found by the key
 * words of its bytes (key_words) before any byte is compared: open
 * addressing, at most half full; len 0 marks an empty slot (a unit or
 * class is never empty).  A slot takes 32 bytes, two to a cache line:
 * the hash is not kept but computed again when the table grows. */
typedef struct {
    uint64_t w[2];
    size_t len, id;
} long_key;

typedef struct {
    long_key *slot;
    size_t cap;
} long_keys;

/* The units (or classes) interned in the order of the rows, id[0..n),
 * found through keys; the strings lie in an arena. */
typedef struct {
    long_keys keys;
    char **id;
    size_t n, cap;
} long_ids;

typedef struct {
    s3_ctx *ctx;
    s3_dataset *d;
    s3i_counts c;
    const char *want[3];
    const char *const *where;
    size_t nwhere;
    const char *wlist[MAX_WHERE]; /* each filter's list, after = or != */
    int wneg[MAX_WHERE];          /* != */
    unsigned wgrp[MAX_WHERE];     /* first filter on the same column */
    unsigned wall;                /* the groups a row must pass */
    int nuts_filter, nuts_level, drop_aggregates;
    size_t nuts_other, extra_regio;
    int is_nuts; /* most units are NUTS codes */
    const char *label_col;
    size_t lcol;  /* field of the label column */
    char **label; /* per unit interned: its first label */
    size_t nlabel, cap_label;
    size_t col[3];          /* field of unit, class, value */
    size_t wcol[MAX_WHERE]; /* field of each filter */
    int eurostat;           /* first column holds the dimensions */
    size_t ndims;
    char dims[MAX_DIMS][64];
    size_t filtered;
    char first[MAX_DIMS][128]; /* Eurostat: first value of each dimension */
    int seen;
    /* the units and classes interned, their strings (and the labels) in
     * arena: the dataset's, or the second part's own (long_part) */
    long_ids units, classes;
    s3i_arena *arena;
    long_key last_unit; /* the last row's unit (len 0: none) */
    /* the cells read: per unit interned (nrow of them so far), its row of
     * cells by class: room for ncls[u], of which those beyond the classes
     * interned are still empty (cell_room) */
    long_cell **cell;
    size_t **zero; /* cell's rows added to a zero sum (rarely touched) */
    size_t *ncls;
    size_t nrow, cap_cell, cap_zero, cap_ncls;
    size_t ncell; /* rows with a value */
    /* the cells given as missing: unit, class, line */
    size_t *mu, *mc, *ml;
    size_t nmiss, cap_mu, cap_mc, cap_ml;
    /* the sum of the values added to cells, and whether one was not a
     * whole number below 2^53: the two parts of a file read by two threads
     * are joined only when every sum is exact (long_joinable) */
    double total;
    int inexact;
} long_state;

/* Field index for a dimension d (Eurostat): encoded as S3I_NONE - 1 - d. */
#define DIM(d) (S3I_NONE - 1 - (d))

static s3_status
long_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    long_state *st = u;
    const char *bs = n > 1 ? strchr(f[0], '\\') : NULL;
    if (!bs) {
        s3i_colreq want[4 + MAX_WHERE];
        for (size_t k = 0; k < 3; k++)
            want[k] = (s3i_colreq){st->want[k], 1};
        /* each column asked once: filters may repeat a column, or name
         * the unit or class column */
        char names[MAX_WHERE][64];
        size_t at[MAX_WHERE], nw = 3;
        for (size_t k = 0; k < st->nwhere; k++) {
            snprintf(names[k], sizeof names[k], "%.*s",
                     (int)strcspn(st->where[k], "!="), st->where[k]);
            for (at[k] = 0; at[k] < nw; at[k]++)
                if (strcmp(want[at[k]].name, names[k]) == 0)
                    break;
            if (at[k] == nw)
                want[nw++] = (s3i_colreq){names[k], 1};
        }
        size_t lat = nw;
        if (st->label_col) {
            for (lat = 0; lat < nw; lat++)
                if (strcmp(want[lat].name, st->label_col) == 0)
                    break;
            if (lat == nw)
                want[nw++] = (s3i_colreq){st->label_col, 1};
        }
        size_t idx[4 + MAX_WHERE];
        s3_status rc = s3i_map_columns(st->ctx, st->d, r, n, f, want, nw, idx);
        memcpy(st->col, idx, sizeof st->col);
        st->lcol = st->label_col ? idx[lat] : S3I_NONE;
        for (size_t k = 0; k < st->nwhere; k++)
            st->wcol[k] = idx[at[k]];
        return rc;
    }
    /* Eurostat: dimensions before the backslash, periods after column 0 */
    st->eurostat = 1;
    for (const char *p = f[0]; p < bs && st->ndims < MAX_DIMS;) {
        size_t k = strcspn(p, ",\\");
        if (k >= sizeof st->dims[0])
            return s3i_csv_fail(st->ctx, r, 0, f[0],
                                "names a dimension longer than 63 bytes: is "
                                "this a Eurostat TSV header?");
        memcpy(st->dims[st->ndims], p, k);
        st->dims[st->ndims++][k] = '\0';
        p += k + (p[k] == ',');
    }
    st->lcol = S3I_NONE;
    for (size_t k = 0; k < 3 + st->nwhere + (st->label_col != NULL); k++) {
        const char *name = k < 3                ? st->want[k]
                           : k < 3 + st->nwhere ? st->where[k - 3]
                                                : st->label_col;
        size_t nl =
            k < 3 || k == 3 + st->nwhere ? strlen(name) : strcspn(name, "!=");
        size_t found = S3I_NONE;
        if (k == 2) {
            for (size_t i = 1; i < n; i++) {
                size_t l = strlen(f[i]);
                while (l && f[i][l - 1] == ' ')
                    l--;
                if (l == nl && strncmp(f[i], name, nl) == 0)
                    found = i;
            }
        } else {
            for (size_t d = 0; d < st->ndims; d++)
                if (strlen(st->dims[d]) == nl &&
                    strncmp(st->dims[d], name, nl) == 0)
                    found = DIM(d);
        }
        if (found == S3I_NONE)
            return s3i_fail(st->ctx, S3_EINPUT,
                            "%s:1: %s '%.*s' is not in this Eurostat file "
                            "(dimensions: %s%s%s%s; periods: %s ... %s)",
                            s3i_csv_name(r), k == 2 ? "period" : "dimension",
                            (int)nl, name, st->dims[0],
                            st->ndims > 1 ? ", " : "",
                            st->ndims > 1 ? st->dims[1] : "",
                            st->ndims > 2 ? ", ..." : "", f[1], f[n - 1]);
        if (k < 3)
            st->col[k] = found;
        else if (k < 3 + st->nwhere)
            st->wcol[k - 3] = found;
        else
            st->lcol = found;
    }
    return S3_OK;
}

/* The text of a field or of a Eurostat dimension; dims holds the split
 * first column. */
static const char *
long_field(char **f, char dims[][128], size_t idx)
{
    return idx >= DIM(MAX_DIMS - 1) ? dims[DIM(0) - idx] : f[idx];
}

/* The length of that field or dimension; dlen holds the dimensions'. */
static size_t
long_len(const size_t *len, const size_t *dlen, size_t idx)
{
    return idx >= DIM(MAX_DIMS - 1) ? dlen[DIM(0) - idx] : len[idx];
}

/* Whether v (vl bytes) is one of the comma-separated list. */
static int
in_list(const char *list, const char *v, size_t vl)
{
    for (const char *p = list;;) {
        size_t l = strcspn(p, ",");
        if (l == vl && strncmp(p, v, l) == 0)
            return 1;
        if (!p[l])
            return 0;
        p += l + 1;
    }
}

/* The NUTS level (0 to 3) of a code, or -1 when it is not a NUTS code: two
 * capital letters and 0 to 3 capitals or digits (Regulation (EC) No
 * 1059/2003 as amended; NUTS 2021).  EU27_2020, EA20, EU28, EFTA are
 * aggregates of countries, not NUTS. */
static int
nuts_level_of(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 5 || !isupper((unsigned char)s[0]) ||
        !isupper((unsigned char)s[1]) ||
        (s[0] == 'E' && (s[1] == 'U' || s[1] == 'A' || s[1] == 'F')))
        return -1;
    for (size_t i = 2; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return -1;
    return (int)n - 2;
}

/* Extra-regio codes (activity not attached to a region: embassies,
 * offshore): level 1 to 3 with only Z after the country, DEZ to DEZZZ.
 * (CZ, Czechia, is a country.) */
static int
extra_regio(const char *s)
{
    size_t n = strlen(s);
    return n > 2 && strspn(s + 2, "Z") == n - 2;
}

/* ---- units, classes and cells ------------------------------------------ */

/* Two words of the n bytes at s that, with n, tell apart any two strings
 * of at most 16 bytes: overlapping loads from both ends cover every byte
 * (for n < 4, bytes 0, n/2 and n-1).  Longer strings also differ in their
 * middle: their bytes are compared too. */
static void
key_words(const char *s, size_t n, uint64_t w[2])
{
    if (n >= 8) {
        memcpy(&w[0], s, 8);
        memcpy(&w[1], s + n - 8, 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        w[0] = x;
        w[1] = y;
    } else {
        const unsigned char *t = (const unsigned char *)s;
        w[0] =
            n ? (uint64_t)t[0] << 16 | (uint64_t)t[n / 2] << 8 | t[n - 1] : 0;
        w[1] = 0;
    }
}

/* One step of the hash: multiply and fold (as the string map does). */
static uint64_t
fold(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    return h ^ (h >> 31);
}

/* The hash of the n bytes at s, of key words w: the words, and for more
 * than 16 bytes the middle ones too. */
static uint64_t
key_hash(const uint64_t w[2], const char *s, size_t n)
{
    uint64_t h = fold(fold(0x9E3779B97F4A7C15ULL ^ n, w[0]), w[1]);
    for (size_t i = 8; i + 8 < n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        h = fold(h, x);
    }
    return h ^ (h >> 29);
}

/* Whether key k is the n bytes at s, of key words w; ids holds the
 * strings interned. */
static int
key_is(const long_key *k, char *const *ids, const char *s, size_t n,
       const uint64_t w[2])
{
    return k->len == n && k->w[0] == w[0] && k->w[1] == w[1] &&
           (n <= 16 || memcmp(ids[k->id], s, n) == 0);
}

/* The id of the n bytes at s (key words w, hash h) in t, or S3I_NONE. */
static inline size_t
keys_find(const long_keys *t, char *const *ids, const char *s, size_t n,
          const uint64_t w[2], uint64_t h)
{
    if (!t->cap)
        return S3I_NONE;
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const long_key *k = &t->slot[i];
        if (!k->len)
            return S3I_NONE;
        if (key_is(k, ids, s, n, w))
            return k->id;
    }
}

/* Put key k (not in t, of hash h) into t's slots. */
static void
keys_place(long_key *slot, size_t cap, const long_key *k, uint64_t h)
{
    size_t mask = cap - 1, i = h & mask;
    while (slot[i].len)
        i = (i + 1) & mask;
    slot[i] = *k;
}

/* Add key k of hash h to t, which holds n keys, the strings ids; -1 when
 * out of memory. */
static int
keys_put(long_keys *t, char *const *ids, size_t n, const long_key *k,
         uint64_t h)
{
    if (2 * (n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        long_key *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return -1;
        for (size_t i = 0; i < t->cap; i++) {
            const long_key *o = &t->slot[i];
            if (o->len)
                keys_place(slot, cap, o, key_hash(o->w, ids[o->id], o->len));
        }
        free(t->slot);
        t->slot = slot;
        t->cap = cap;
    }
    keys_place(t->slot, t->cap, k, h);
    return 0;
}

/* Intern the n bytes at s (key words w, hash h), not in t, as its id
 * t->n, the string copied into arena; the id, or S3I_NONE on out of
 * memory. */
static size_t
intern_new(s3i_arena *arena, long_ids *t, const char *s, size_t n,
           const uint64_t w[2], uint64_t h)
{
    char *k = s3i_arena_strndup(arena, s, n);
    if (!k || s3i_reserve(&t->id, &t->cap, t->n + 1, sizeof(char *)) ||
        keys_put(&t->keys, t->id, t->n, &(long_key){{w[0], w[1]}, n, t->n}, h))
        return S3I_NONE;
    t->id[t->n] = k;
    return t->n++;
}

/* The id of string s in t, or S3I_NONE; *w and *h get its key words and
 * hash (for intern_new). */
static size_t
key_id(const long_ids *t, const char *s, uint64_t w[2], uint64_t *h)
{
    size_t n = strlen(s);
    key_words(s, n, w);
    *h = key_hash(w, s, n);
    return keys_find(&t->keys, t->id, s, n, w, *h);
}

/* Room for the cell of unit ui and class ci; -1 when out of memory.  A
 * unit's row grows to the classes known (those of its first rows are all
 * known then), and doubles when it must grow again. */
static int
cell_room(long_state *st, size_t ui, size_t ci)
{
    if (ui >= st->nrow) {
        if (s3i_reserve(&st->cell, &st->cap_cell, ui + 1, sizeof *st->cell) ||
            s3i_reserve(&st->zero, &st->cap_zero, ui + 1, sizeof *st->zero) ||
            s3i_reserve(&st->ncls, &st->cap_ncls, ui + 1, sizeof *st->ncls))
            return -1;
        for (; st->nrow <= ui; st->nrow++) {
            st->cell[st->nrow] = NULL;
            st->zero[st->nrow] = NULL;
            st->ncls[st->nrow] = 0;
        }
    }
    if (ci >= st->ncls[ui]) {
        size_t n = st->classes.n, had = st->ncls[ui];
        if (n < 2 * had)
            n = 2 * had;
        if (n < ci + 1)
            n = ci + 1;
        long_cell *row = realloc(st->cell[ui], n * sizeof *row);
        if (row)
            st->cell[ui] = row;
        size_t *zero = realloc(st->zero[ui], n * sizeof *zero);
        if (zero)
            st->zero[ui] = zero;
        if (!row || !zero)
            return -1;
        memset(row + had, 0, (n - had) * sizeof *row);
        memset(zero + had, 0, (n - had) * sizeof *zero);
        st->ncls[ui] = n;
    }
    return 0;
}

/* Whether a value of vl bytes (without flags) is missing: empty, ':' or
 * Eurostat flags alone (": c" is often exported as "c"). */
static int
value_missing(const char *val, size_t vl)
{
    if (vl == 0)
        return 1;
    if (val[0] >= '0' && val[0] <= '9')
        return 0;
    return (vl == 1 && val[0] == ':') ||
           (vl <= 3 && strspn(val, "bcdefnprsuz") >= vl);
}

static s3_status
long_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    long_state *st = u;
    s3_ctx *ctx = st->ctx;
    char dims[MAX_DIMS][128];
    size_t dlen[MAX_DIMS];
    if (st->eurostat) {
        const char *p = f[0];
        for (size_t k = 0; k < st->ndims; k++) {
            size_t l = strcspn(p, ",");
            if (!p[l] && k + 1 < st->ndims)
                return s3i_csv_fail(ctx, r, 0, f[0],
                                    "has fewer dimensions than the header");
            if (l >= sizeof dims[k])
                return s3i_csv_fail(ctx, r, 0, f[0],
                                    "holds a dimension value longer than 127 "
                                    "bytes");
            memcpy(dims[k], p, l);
            dims[k][l] = '\0';
            dlen[k] = l;
            p += l + (p[l] == ',');
        }
    }
    /* filters first: a row another filter excludes is not checked;
     * filters on one column are ORed, across columns ANDed */
    unsigned pass = 0;
    for (size_t k = 0; k < st->nwhere; k++)
        if (in_list(st->wlist[k], long_field(f, dims, st->wcol[k]),
                    long_len(len, dlen, st->wcol[k])) != st->wneg[k])
            pass |= 1u << st->wgrp[k];
    if (pass != st->wall) {
        st->filtered++;
        st->c.rejected++;
        return S3_OK;
    }
    if (st->nuts_filter) {
        const char *unit = long_field(f, dims, st->col[0]);
        int lv = nuts_level_of(unit);
        if (lv != st->nuts_level || extra_regio(unit)) {
            if (lv == st->nuts_level)
                st->extra_regio++;
            else
                st->nuts_other++;
            st->c.rejected++;
            return S3_OK;
        }
    }
    /* a Eurostat dimension that is neither unit nor class must be fixed:
     * summing thousands of persons with percentages would be nonsense */
    for (size_t k = 0; st->eurostat && k < st->ndims; k++) {
        if (DIM(k) == st->col[0] || DIM(k) == st->col[1] || DIM(k) == st->lcol)
            continue;
        if (!st->seen) {
            snprintf(st->first[k], sizeof st->first[k], "%s", dims[k]);
        } else if (strcmp(st->first[k], dims[k]) != 0) {
            char what[400];
            snprintf(what, sizeof what,
                     "has %s = '%.60s' where an earlier row has '%.60s': "
                     "choose one with --where %s=%.60s",
                     st->dims[k], dims[k], st->first[k], st->dims[k],
                     st->first[k]);
            return s3i_csv_fail(ctx, r, 0, f[0], what);
        }
    }
    st->seen = 1;
    const char *unit = long_field(f, dims, st->col[0]),
               *cls = long_field(f, dims, st->col[1]),
               *val = long_field(f, dims, st->col[2]);
    size_t ul = long_len(len, dlen, st->col[0]),
           cl = long_len(len, dlen, st->col[1]),
           vlen = long_len(len, dlen, st->col[2]);
    size_t vcol = st->col[2];
    if (!ul)
        return s3i_csv_fail(ctx, r, st->eurostat ? 0 : st->col[0], unit,
                            "is empty");
    if (!cl)
        return s3i_csv_fail(ctx, r, st->eurostat ? 0 : st->col[1], cls,
                            "is empty");
    /* the unit and the class looked up before the value is read (nothing
     * is interned before it is known to be good), so that the load of
     * their cell overlaps the reading; rows come grouped by unit: the
     * last one is tried before any hash */
    uint64_t uw[2], cw[2], uh = 0;
    key_words(unit, ul, uw);
    key_words(cls, cl, cw);
    uint64_t ch = key_hash(cw, cls, cl);
    size_t ci = keys_find(&st->classes.keys, st->classes.id, cls, cl, cw, ch);
    size_t ui = st->last_unit.id;
    if (!key_is(&st->last_unit, st->units.id, unit, ul, uw)) {
        uh = key_hash(uw, unit, ul);
        ui = keys_find(&st->units.keys, st->units.id, unit, ul, uw, uh);
    }
    if (ui < st->nrow && ci < st->ncls[ui])
        __builtin_prefetch(&st->cell[ui][ci], 1);
    /* Eurostat style values: ':' (or empty, or a flag alone) for missing,
     * flags after the number; a value ending in a digit has no flag */
    size_t vl = vlen && val[vlen - 1] >= '0' && val[vlen - 1] <= '9'
                    ? vlen
                    : s3i_value_length(val);
    int missing = value_missing(val, vl);
    double v = 0.0;
    s3_status rc = S3_OK;
    if (!missing && vl == vlen && vl <= 63) {
        /* the field is the number, as the copy below would be */
        rc = s3i_number_field(ctx, r, vcol, val, 0, 0, 1e300, &v);
    } else if (!missing) {
        char num[64];
        size_t nl = vl < 63 ? vl : 63;
        memcpy(num, val, nl); /* (a "%.*s" printf per row cost 8 % of a
                                 read) */
        num[nl] = '\0';
        rc = s3i_number_field(ctx, r, vcol, num, 0, 0, 1e300, &v);
    }
    if (rc)
        return rc;
    if (ui == S3I_NONE)
        ui = intern_new(st->arena, &st->units, unit, ul, uw, uh);
    if (ci == S3I_NONE && ui != S3I_NONE)
        ci = intern_new(st->arena, &st->classes, cls, cl, cw, ch);
    if (ui == S3I_NONE || ci == S3I_NONE)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    st->last_unit = (long_key){{uw[0], uw[1]}, ul, ui};
    if (st->label_col && ui == st->nlabel) {
        /* a unit's name: its first label (units are interned in turn) */
        if (s3i_reserve(&st->label, &st->cap_label, ui + 1, sizeof(char *)) ||
            !(st->label[ui] =
                  s3i_arena_strdup(st->arena, long_field(f, dims, st->lcol))))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->nlabel++;
    }
    /* a missing value is not zero: the unit (or, where most units miss
     * it, the class) is left out once every row is read */
    if (missing) {
        if (s3i_reserve(&st->mu, &st->cap_mu, st->nmiss + 1, sizeof(size_t)) ||
            s3i_reserve(&st->mc, &st->cap_mc, st->nmiss + 1, sizeof(size_t)) ||
            s3i_reserve(&st->ml, &st->cap_ml, st->nmiss + 1, sizeof(size_t)))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        st->mu[st->nmiss] = ui;
        st->mc[st->nmiss] = ci;
        st->ml[st->nmiss++] = s3i_csv_line(r);
        return s3i_reject(ctx, &st->c, r, vcol, val,
                          "missing value, not zero: the row is not used, "
                          "and its unit (or its class, where most units "
                          "miss it) is left out of the analysis");
    }
    /* as the matrix adds a repeated pair (see long_cell) */
    if ((ui >= st->nrow || ci >= st->ncls[ui]) && cell_room(st, ui, ci))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    long_cell *cell = &st->cell[ui][ci];
    if (cell->sum == 0.0)
        st->zero[ui][ci]++;
    cell->sum += v;
    cell->rows++;
    st->total += v;
    st->inexact |= !(v < 0x1p53) || v != (double)(int64_t)v;
    st->ncell++;
    st->c.used++;
    return S3_OK;
}

/* ---- a large file on two threads --------------------------------------- */

/* Free what a state gathered while reading (not its ids' arrays, which
 * the dataset takes, nor their strings). */
static void
long_state_free(long_state *st)
{
    free(st->units.keys.slot);
    free(st->classes.keys.slot);
    for (size_t u = 0; u < st->nrow; u++)
        free(st->cell[u]), free(st->zero[u]);
    free(st->cell);
    free(st->zero);
    free(st->ncls);
    free(st->mu), free(st->mc), free(st->ml);
    free(st->label);
}

/* The second thread's part of a large file (s3i_csv_split): a state of
 * its own, with its own units and classes, whose strings lie in its own
 * arena until the merge copies the new ones into the dataset's. */
typedef struct {
    long_state st;
    s3i_arena arena;
} long_part;

static void
long_part_free(long_part *q)
{
    long_state_free(&q->st);
    free(q->st.units.id);
    free(q->st.classes.id);
    s3i_arena_free(&q->arena);
}

/* Ready the second part's state after the header: the first's columns
 * and filters, nothing read.  A Eurostat file (small, and its dimensions
 * checked against its first row) is read by one thread. */
static int
long_fork(void *user, void *user2)
{
    const long_state *a = user;
    long_part *q = user2;
    if (a->eurostat)
        return 0;
    s3_ctx *ctx2 = q->st.ctx;
    s3_table *log2 = q->st.c.log;
    long_part_free(q);
    memset(q, 0, sizeof *q);
    q->st = (long_state){.ctx = ctx2,
                         .c = {.file = a->c.file, .log = log2},
                         .where = a->where,
                         .nwhere = a->nwhere,
                         .wall = a->wall,
                         .nuts_filter = a->nuts_filter,
                         .nuts_level = a->nuts_level,
                         .label_col = a->label_col,
                         .lcol = a->lcol,
                         .arena = &q->arena};
    memcpy(q->st.want, a->want, sizeof a->want);
    memcpy(q->st.wlist, a->wlist, sizeof a->wlist);
    memcpy(q->st.wneg, a->wneg, sizeof a->wneg);
    memcpy(q->st.wgrp, a->wgrp, sizeof a->wgrp);
    memcpy(q->st.col, a->col, sizeof a->col);
    memcpy(q->st.wcol, a->wcol, sizeof a->wcol);
    return 1;
}

/* The parts can be joined when a cell's sum over both, s1 + s2, is the
 * double that adding its rows in turn gives: when every value is a whole
 * number and all of them add up to less than 2^53, every one of these
 * sums is exact.  Otherwise the reader reads the second part again. */
static int
long_joinable(void *user, void *user2)
{
    const long_state *a = user;
    const long_part *q = user2;
    return !a->inexact && !q->st.inexact && a->total + q->st.total < 0x1p53;
}

/* The id in t of string s, interned after t's (copied into arena) when
 * t lacks it; S3I_NONE when out of memory. */
static size_t
ids_join(s3i_arena *arena, long_ids *t, const char *s)
{
    uint64_t w[2], h;
    size_t i = key_id(t, s, w, &h);
    return i != S3I_NONE ? i : intern_new(arena, t, s, strlen(s), w, h);
}

/* Merge the second part (its lines numbered from 1 after the first
 * `lines`) into the first, as if one thread had read both: its new units
 * and classes interned after the first's in its order (with their first
 * labels), its cells added to the first's, its missing cells and
 * warnings after the first's, its counts added. */
static s3_status
long_merge(s3_ctx *ctx, void *user, void *user2, size_t lines)
{
    long_state *a = user;
    long_state *b = &((long_part *)user2)->st;
    size_t *umap = malloc((b->units.n + 1) * sizeof(size_t)),
           *cmap = malloc((b->classes.n + 1) * sizeof(size_t));
    s3_status rc = S3_OK;
    if (!umap || !cmap)
        goto nomem;
    if ((rc = s3i_merge_counts(ctx, &a->c, &b->c, lines)))
        goto done;
    for (size_t u = 0; u < b->units.n; u++) {
        size_t had = a->units.n;
        if ((umap[u] = ids_join(a->arena, &a->units, b->units.id[u])) ==
            S3I_NONE)
            goto nomem;
        if (!a->label_col || umap[u] != had)
            continue;
        if (s3i_reserve(&a->label, &a->cap_label, had + 1, sizeof(char *)) ||
            !(a->label[had] = s3i_arena_strdup(a->arena, b->label[u])))
            goto nomem;
        a->nlabel++;
    }
    for (size_t c = 0; c < b->classes.n; c++)
        if ((cmap[c] = ids_join(a->arena, &a->classes, b->classes.id[c])) ==
            S3I_NONE)
            goto nomem;
    /* values are 0 or more: a row of the second part was added to a zero
     * sum when the first part's sum is zero and its own part's was */
    for (size_t u = 0; u < b->nrow; u++)
        for (size_t c = 0; c < b->ncls[u]; c++) {
            const long_cell *y = &b->cell[u][c];
            if (!y->rows)
                continue;
            size_t ui = umap[u], ci = cmap[c];
            if (cell_room(a, ui, ci))
                goto nomem;
            long_cell *x = &a->cell[ui][ci];
            if (x->sum == 0.0)
                a->zero[ui][ci] += b->zero[u][c];
            x->sum += y->sum;
            x->rows += y->rows;
        }
    size_t n = a->nmiss + b->nmiss;
    if (s3i_reserve(&a->mu, &a->cap_mu, n + 1, sizeof(size_t)) ||
        s3i_reserve(&a->mc, &a->cap_mc, n + 1, sizeof(size_t)) ||
        s3i_reserve(&a->ml, &a->cap_ml, n + 1, sizeof(size_t)))
        goto nomem;
    for (size_t k = 0; k < b->nmiss; k++) {
        a->mu[a->nmiss] = umap[b->mu[k]];
        a->mc[a->nmiss] = cmap[b->mc[k]];
        a->ml[a->nmiss++] = lines + b->ml[k];
    }
    a->filtered += b->filtered;
    a->nuts_other += b->nuts_other;
    a->extra_regio += b->extra_regio;
    a->ncell += b->ncell;
    a->total += b->total;
    a->inexact |= b->inexact;
    goto done;
nomem:
    rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
done:
    free(umap), free(cmap);
    return rc;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the missing cells leave out: a class missing for most units
 * (more than half), else every unit with a missing cell in a class kept.
 * drop_u and drop_c get the flags; notes and warnings name them. */
static s3_status
missing_cells(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base,
              unsigned char *drop_u, unsigned char *drop_c)
{
    size_t nu = d->units.n, nc = d->records.nclasses;
    size_t *per_class = calloc(nc + 1, sizeof(size_t));
    size_t *first = malloc((nu + 1) * sizeof(size_t)); /* unit's first */
    unsigned char *seen = calloc(nu * nc + 1, 1);
    s3_status rc = S3_OK;
    char msg[2048];
    if (!per_class || !first || !seen) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < st->nmiss; k++) {
        size_t i = st->mu[k] * nc + st->mc[k];
        per_class[st->mc[k]] += !seen[i];
        seen[i] = 1;
    }
    for (size_t c = 0; c < nc && !rc; c++) {
        drop_c[c] = 2 * per_class[c] > nu;
        if (!drop_c[c])
            continue;
        snprintf(msg, sizeof msg,
                 "class '%.200s' left out of the analysis: its value is "
                 "missing (empty, ':' or a flag without a number) for %zu "
                 "of %zu units, most of them",
                 d->records.class_id[c], per_class[c], nu);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    /* a unit whose rows all lie in classes left out has nothing left */
    size_t empty = 0;
    memset(seen, 0, nu);
    for (size_t u = 0; u < st->nrow; u++)
        for (size_t c = 0; c < st->ncls[u] && c < nc; c++)
            if (st->cell[u][c].rows)
                seen[u] |= !drop_c[c];
    for (size_t u = 0; u < nu; u++)
        first[u] = S3I_NONE;
    for (size_t k = 0; k < st->nmiss; k++)
        if (!drop_c[st->mc[k]] && first[st->mu[k]] == S3I_NONE)
            first[st->mu[k]] = k;
    size_t ndrop = 0, len = 0;
    for (size_t u = 0; u < nu && !rc; u++) {
        drop_u[u] = first[u] != S3I_NONE || !seen[u];
        if (first[u] == S3I_NONE) {
            empty += drop_u[u];
            continue;
        }
        size_t k = first[u];
        const char *cls = d->records.class_id[st->mc[k]];
        if (ndrop++ < 20 && len < sizeof msg)
            len += (size_t)snprintf(
                msg + len, sizeof msg - len, "%s%.60s (%.60s, line %zu)",
                ndrop > 1 ? ", " : "", d->units.id[u], cls, st->ml[k]);
        char w[400];
        snprintf(w, sizeof w,
                 "unit '%.100s' left out of the analysis: its value for "
                 "class '%.100s' is missing, which is not zero",
                 d->units.id[u], cls);
        rc = s3i_warn_line(ctx, &st->c, st->ml[k], st->want[1], cls, w);
    }
    if (ndrop && !rc) {
        char note[2400];
        snprintf(note, sizeof note,
                 "%zu of %zu units left out of the analysis: a value is "
                 "missing (empty, ':' or a flag without a number), which is "
                 "not zero: %s%s",
                 ndrop, nu, msg, ndrop > 20 ? ", ..." : "");
        if (s3i_note(d->log.notes, base, note))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (empty && !rc) {
        snprintf(msg, sizeof msg,
                 "%zu unit(s) with values only in the classes left out: left "
                 "out too",
                 empty);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    if (!rc && ndrop + empty == nu)
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: every unit has a missing value (empty, ':' or a "
                      "flag without a number): nothing is left to analyse",
                      base);
done:
    free(per_class), free(first), free(seen);
    return rc;
}

/* Warn (once, with a note) about the whole file: no line, the column. */
static s3_status
file_warning(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base,
             const char *column, const char *value, const char *msg)
{
    if (s3i_note(d->log.notes, base, msg))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    return s3i_warn_line(ctx, &st->c, 0, column, value, msg);
}

/* The NUTS levels of the unit column: with a level filter, notes of what
 * it left out; without, a warning when the column mixes levels (regions
 * would be counted inside their countries). */
static s3_status
nuts_levels(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base)
{
    char msg[800];
    s3_status rc = S3_OK;
    if (st->nuts_filter) {
        st->is_nuts = 1;
        if (st->nuts_other) {
            snprintf(msg, sizeof msg,
                     "%zu rows are not of NUTS level %d (other levels, or "
                     "aggregates such as EU27_2020) and are not used",
                     st->nuts_other, st->nuts_level);
            if (s3i_note(d->log.notes, base, msg))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
        if (st->extra_regio) {
            snprintf(msg, sizeof msg,
                     "%zu rows of extra-regio units (codes ending in Z such as "
                     "DEZ, DEZZ, DEZZZ: activity not attached to a region) "
                     "are not used",
                     st->extra_regio);
            if (s3i_note(d->log.notes, base, msg))
                return s3i_fail(ctx, S3_ENOMEM, "out of memory");
        }
        return S3_OK;
    }
    size_t n[5] = {0}, xr = 0, nu = d->units.n;
    const char *other = NULL;
    for (size_t u = 0; u < nu; u++) {
        int lv = nuts_level_of(d->units.id[u]);
        n[lv < 0 ? 4 : lv]++;
        xr += lv > 0 && extra_regio(d->units.id[u]);
        if (lv < 0 && !other)
            other = d->units.id[u];
    }
    st->is_nuts = 2 * n[4] < nu;
    int levels = (n[0] > 0) + (n[1] > 0) + (n[2] > 0) + (n[3] > 0);
    if (!st->is_nuts || (levels < 2 && !n[4]))
        return S3_OK;
    size_t len =
        (size_t)snprintf(msg, sizeof msg, "the unit column mixes NUTS levels:");
    for (int lv = 0; lv < 4; lv++)
        if (n[lv] && len < sizeof msg)
            len += (size_t)snprintf(msg + len, sizeof msg - len,
                                    " level %d: %zu units;", lv, n[lv]);
    if (n[4] && len < sizeof msg)
        len += (size_t)snprintf(msg + len, sizeof msg - len,
                                " not NUTS (aggregates such as %.40s): %zu;",
                                other, n[4]);
    if (len < sizeof msg)
        snprintf(msg + len, sizeof msg - len,
                 " %zu extra-regio units; regions are counted again inside "
                 "their countries: choose one level with --nuts-level N",
                 xr);
    rc = file_warning(ctx, d, st, base, st->want[0], "", msg);
    return rc;
}

/* The NACE sections (A to U) a Eurostat NACE code covers, as bits: a
 * section "C", a range "B-E", a pair "M_N", or TOTAL (every section; NACE
 * Rev. 2, Eurostat's aggregates in nama_10r_3empers); 0 for anything
 * else (divisions, other classifications). */
static unsigned
nace_mask(const char *s)
{
    if (strcmp(s, "TOTAL") == 0)
        return (1u << 21) - 1;
    if (s[0] < 'A' || s[0] > 'U')
        return 0;
    if (!s[1])
        return 1u << (s[0] - 'A');
    if ((s[1] != '-' && s[1] != '_') || s[2] <= s[0] || s[2] > 'U' || s[3])
        return 0;
    if (s[1] == '_')
        return 1u << (s[0] - 'A') | 1u << (s[2] - 'A');
    return ((1u << (s[2] - 'A' + 1)) - 1) & ~((1u << (s[0] - 'A')) - 1);
}

/* Bits set in m. */
static int
popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* The classes of the data directly inside class p (by NACE sections): the
 * largest ones, not inside another class inside p.  Returns their number
 * (at most max in parts); *cover gets their union, *overlap whether two
 * of them share a section. */
static size_t
children(const unsigned *mask, size_t nc, size_t p, size_t *parts, size_t max,
         unsigned *cover, int *overlap)
{
    size_t n = 0;
    *cover = 0;
    *overlap = 0;
    for (size_t q = 0; q < nc; q++) {
        if (!mask[q] || q == p || (mask[q] & ~mask[p]) || mask[q] == mask[p])
            continue;
        int inner = 0;
        for (size_t r = 0; r < nc && !inner; r++)
            inner = mask[r] && r != p && r != q && mask[r] != mask[p] &&
                    !(mask[r] & ~mask[p]) && mask[r] != mask[q] &&
                    !(mask[q] & ~mask[r]);
        if (inner)
            continue;
        *overlap |= (*cover & mask[q]) != 0;
        *cover |= mask[q];
        if (n < max)
            parts[n] = q;
        n++;
    }
    return n;
}

/* Whether two values agree as Eurostat rounds them (to 0.01 or coarser):
 * within 0.1 % plus 0.01 per part. */
static int
sums_to(double a, double t, size_t nparts)
{
    return fabs(a - t) <= 1e-3 * fabs(a) + 0.01 * (double)nparts;
}

/* Share of the units having an aggregate in which all its parts are
 * present and add up to it, for the aggregate to be split into them. */
#define SPLIT_SHARE 0.95

/* Classes that hold other classes of the data (TOTAL, B-E holding C, G-J
 * holding G-I and J) would count their activity twice.  Every unit gets
 * the same partition of the total, the finest that (nearly) all units
 * have: from the largest class down, TOTAL is left out; an aggregate is
 * left out (split into its parts) when its parts cover it and are present
 * and add up to it in at least 95 % of the units that have it; otherwise
 * the aggregate is kept and every class inside it is left out (a part
 * without its complement, C inside B-E without B, D, E, too: keeping it
 * would count its values twice).  A warning names each class left out,
 * why, and its rows.  With drop_aggregates unset the aggregates are only
 * named.  A unit without a row for a class of the partition that its other
 * rows show is not zero (a part of it left out holds a value, or an
 * aggregate holding it exceeds the classes kept inside it) has a missing
 * value, not a zero: it is left out (drop_u), like a unit with ':'. */
static s3_status
aggregates(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base,
           unsigned char *drop_u, unsigned char *drop_c)
{
    size_t nu = d->units.n, nc = d->records.nclasses;
    unsigned *mask = calloc(nc + 1, sizeof(unsigned));
    size_t *order = malloc((nc + 1) * sizeof(size_t));
    size_t *why = malloc((nc + 1) * sizeof(size_t)); /* kept aggregate */
    size_t *rows = calloc(nc + 1, sizeof(size_t));
    unsigned char *out = calloc(nc + 1, 1); /* 1 aggregate, 2 part */
    double *val = NULL;
    unsigned char *has = NULL;
    s3_status rc = S3_OK;
    char msg[1400], names[600];
    if (!mask || !order || !why || !rows || !out) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    const unsigned all = (1u << 21) - 1;
    size_t nagg = 0;
    for (size_t c = 0; c < nc; c++) {
        mask[c] = drop_c[c] ? 0 : nace_mask(d->records.class_id[c]);
        order[c] = c;
        why[c] = S3I_NONE;
    }
    for (size_t c = 0; c < nc; c++) {
        size_t parts[1];
        unsigned cover;
        int overlap;
        nagg += mask[c] && children(mask, nc, c, parts, 0, &cover, &overlap);
    }
    if (!nagg)
        goto done;
    if (!(val = calloc(nu * nc + 1, sizeof(double))) ||
        !(has = calloc(nu * nc + 1, 1))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t u = 0; u < st->nrow; u++)
        for (size_t c = 0; c < st->ncls[u] && c < nc; c++) {
            const long_cell *cell = &st->cell[u][c];
            if (!cell->rows)
                continue;
            val[u * nc + c] += cell->sum;
            has[u * nc + c] = 1;
            rows[c] += cell->rows;
        }
    /* largest classes first (insertion sort: a few dozen classes) */
    for (size_t i = 1; i < nc; i++)
        for (size_t j = i;
             j > 0 && popcount(mask[order[j]]) > popcount(mask[order[j - 1]]);
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < nc && !rc; i++) {
        size_t p = order[i], parts[32];
        unsigned cover;
        int overlap;
        if (!mask[p] || out[p])
            continue;
        size_t np = children(mask, nc, p, parts, 32, &cover, &overlap);
        if (!np)
            continue;
        size_t len = 0;
        for (size_t k = 0; k < np && k < 32 && len < sizeof names; k++)
            len +=
                (size_t)snprintf(names + len, sizeof names - len, "%s%.40s",
                                 k ? ", " : "", d->records.class_id[parts[k]]);
        /* in how many of the units having p its parts add up to it */
        size_t have = 0, ok = 0;
        for (size_t u = 0; u < nu; u++) {
            if (!has[u * nc + p])
                continue;
            have++;
            int all_there = 1;
            double t = 0.0;
            for (size_t k = 0; k < np && k < 32 && all_there; k++) {
                all_there = has[u * nc + parts[k]];
                t += val[u * nc + parts[k]];
            }
            ok += all_there && sums_to(val[u * nc + p], t, np);
        }
        int exact = cover == mask[p] && !overlap && np <= 32;
        int split = exact && (double)ok >= SPLIT_SHARE * (double)have;
        if (!st->drop_aggregates) {
            snprintf(msg, sizeof msg,
                     "class '%.40s' is an aggregate of classes in the data "
                     "(%s; they add up to it in %zu of the %zu units that "
                     "have it): kept, so its activity is counted twice",
                     d->records.class_id[p], names, ok, have);
            rc = file_warning(ctx, d, st, base, st->want[1],
                              d->records.class_id[p], msg);
            continue;
        }
        if (mask[p] == all || split) {
            out[p] = 1;
            if (mask[p] == all && !split)
                snprintf(msg, sizeof msg,
                         "class '%.40s' left out of the analysis: the total "
                         "of all classes (an aggregate of %s), counted twice "
                         "if kept; its %zu rows are not used",
                         d->records.class_id[p], names, rows[p]);
            else
                snprintf(msg, sizeof msg,
                         "class '%.40s' left out of the analysis: an "
                         "aggregate of %s, which are present and add up to "
                         "it (within 0.1 %%) in %zu of the %zu units that "
                         "have it (at least 95 %%); its %zu rows are not "
                         "used",
                         d->records.class_id[p], names, ok, have, rows[p]);
            rc = file_warning(ctx, d, st, base, st->want[1],
                              d->records.class_id[p], msg);
            continue;
        }
        /* kept: every class inside it goes */
        snprintf(msg, sizeof msg,
                 "class '%.40s' kept, and the classes inside it (%s) left "
                 "out: %s",
                 d->records.class_id[p], names,
                 !exact ? "they do not cover it (its other parts are not in "
                          "the data), so they would count part of its "
                          "activity twice"
                        : "they are present and add up to it in too few of "
                          "the units that have it");
        len = strlen(msg);
        if (exact && len < sizeof msg)
            snprintf(msg + len, sizeof msg - len, " (%zu of %zu, under 95 %%)",
                     ok, have);
        if ((rc = s3i_note(d->log.notes, base, msg)
                      ? s3i_fail(ctx, S3_ENOMEM, "out of memory")
                      : S3_OK))
            break;
        for (size_t q = 0; q < nc; q++)
            if (mask[q] && q != p && !out[q] && !(mask[q] & ~mask[p])) {
                out[q] = 2;
                why[q] = p;
            }
    }
    if (!st->drop_aggregates || rc)
        goto done;
    for (size_t q = 0; q < nc && !rc; q++) {
        if (out[q] != 2)
            continue;
        snprintf(msg, sizeof msg,
                 "class '%.40s' left out of the analysis: part of the kept "
                 "aggregate '%.40s' (its values are counted there); its %zu "
                 "rows are not used",
                 d->records.class_id[q], d->records.class_id[why[q]], rows[q]);
        rc = file_warning(ctx, d, st, base, st->want[1], d->records.class_id[q],
                          msg);
    }
    /* the partition kept */
    size_t len = (size_t)snprintf(msg, sizeof msg,
                                  "classes kept (one partition of the "
                                  "total for every unit):");
    {
        size_t n = 0;
        for (size_t c = 0; c < nc && len < sizeof msg; c++)
            if (!drop_c[c] && !out[c])
                len += (size_t)snprintf(msg + len, sizeof msg - len, "%s %.40s",
                                        n++ ? "," : "", d->records.class_id[c]);
    }
    if (!rc && s3i_note(d->log.notes, base, msg))
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t c = 0; c < nc; c++)
        drop_c[c] |= out[c] != 0;
    /* a unit without a row for a kept class that its other rows show is
     * not zero: missing, so the unit is left out */
    size_t nbad = 0;
    len = 0;
    for (size_t u = 0; u < nu && !rc; u++) {
        if (drop_u[u])
            continue;
        /* the kept classes it lacks, and whether any of them is shown to
         * hold a value (a total above the kept classes cannot say which:
         * all are named) */
        char lack[200];
        size_t ll = 0, nl = 0;
        int shown = 0;
        for (size_t k = 0; k < nc; k++) {
            if (drop_c[k] || !mask[k] || has[u * nc + k])
                continue;
            if (ll < sizeof lack)
                ll += (size_t)snprintf(lack + ll, sizeof lack - ll, "%s%.40s",
                                       nl ? ", " : "", d->records.class_id[k]);
            nl++;
            for (size_t q = 0; q < nc && !shown; q++) {
                if (!out[q] || !has[u * nc + q] || !(mask[q] & mask[k]))
                    continue;
                if (!(mask[q] & ~mask[k])) { /* a part of k holds a value */
                    shown = val[u * nc + q] > 0.0;
                    continue;
                }
                if (mask[k] & ~mask[q])
                    continue;
                /* q holds k: more than the kept classes inside q */
                double t = 0.0;
                size_t n = 0;
                for (size_t r = 0; r < nc; r++)
                    if (!drop_c[r] && mask[r] && !(mask[r] & ~mask[q]) &&
                        has[u * nc + r]) {
                        t += val[u * nc + r];
                        n++;
                    }
                shown = val[u * nc + q] > t && !sums_to(val[u * nc + q], t, n);
            }
        }
        if (!shown)
            continue;
        drop_u[u] = 1;
        if (nbad++ < 10 && len < sizeof names)
            len += (size_t)snprintf(names + len, sizeof names - len,
                                    "%s%.40s (%s)", nbad > 1 ? ", " : "",
                                    d->units.id[u], lack);
        snprintf(msg, sizeof msg,
                 "unit '%.60s' left out of the analysis: it has no row for "
                 "%s, which its other rows show is not all zero (a class "
                 "left out inside it holds a value, or one holding it "
                 "exceeds the classes kept): missing, not zero",
                 d->units.id[u], lack);
        rc = s3i_warn_line(ctx, &st->c, 0, st->want[1], lack, msg);
    }
    if (nbad && !rc) {
        snprintf(msg, sizeof msg,
                 "%zu of %zu units left out of the analysis: each lacks "
                 "rows for classes kept that its other rows show are not "
                 "all zero (missing, not zero): %s%s",
                 nbad, nu, names, nbad > 10 ? ", ..." : "");
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    free(mask), free(order), free(why), free(rows), free(out), free(val),
        free(has);
    return rc;
}

/* After the matrix: fewer than 20 classes (complexity rests on few), and,
 * for NUTS regions (where Eurostat writes every cell it has), units with no
 * row for a class most units have: an absent row is read as zero. */
static s3_status
coverage(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base,
         const size_t *urank, const size_t *crank, size_t nu0, size_t nc0)
{
    (void)nu0;
    size_t nu = d->units.n, nc = d->records.nclasses;
    char msg[2400];
    s3_status rc = S3_OK;
    if (nc < 20) {
        snprintf(msg, sizeof msg,
                 "complexity (ECI/PCI) rests on %zu classes; read it with "
                 "care",
                 nc);
        if ((rc = file_warning(ctx, d, st, base, st->want[1], "", msg)))
            return rc;
    }
    if (!st->is_nuts)
        return S3_OK;
    unsigned char *has = calloc(nu * nc + 1, 1);
    size_t *per = calloc(nc + 1, sizeof(size_t));
    if (!has || !per) {
        free(has), free(per);
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < st->nrow; i++)
        for (size_t k = 0; k < st->ncls[i] && k < nc0; k++) {
            size_t u = urank[i], c = crank[k];
            if (st->cell[i][k].rows && u != S3I_NONE && c != S3I_NONE &&
                !has[u * nc + c]) {
                has[u * nc + c] = 1;
                per[c]++;
            }
        }
    size_t nbad = 0, len = 0;
    for (size_t u = 0; u < nu && !rc; u++) {
        char cls[300];
        size_t cl = 0, nmiss = 0;
        for (size_t c = 0; c < nc; c++)
            if (2 * per[c] > nu && !has[u * nc + c]) {
                if (cl < sizeof cls)
                    cl += (size_t)snprintf(cls + cl, sizeof cls - cl, "%s%.30s",
                                           nmiss ? ", " : "",
                                           d->records.class_id[c]);
                nmiss++;
            }
        if (!nmiss)
            continue;
        if (nbad++ < 20 && len < sizeof msg)
            len += (size_t)snprintf(msg + len, sizeof msg - len,
                                    "%s%.40s (%.100s)", nbad > 1 ? ", " : "",
                                    d->units.id[u], cls);
        char w[600];
        snprintf(w, sizeof w,
                 "unit '%.60s' has no row for %zu class(es) most units have "
                 "(%s): an absent row is read as zero (a missing value, ':' "
                 "or empty, would leave the unit out)",
                 d->units.id[u], nmiss, cls);
        rc = s3i_warn_line(ctx, &st->c, 0, st->want[1], cls, w);
    }
    if (nbad && !rc) {
        char note[2600];
        snprintf(note, sizeof note,
                 "%zu of %zu units have no row for a class most units have; "
                 "an absent row is read as zero: %s%s",
                 nbad, nu, msg, nbad > 20 ? ", ..." : "");
        if (s3i_note(d->log.notes, base, note))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    free(has), free(per);
    return rc;
}

/* The units × classes matrix of the cells read: units and classes in
 * sorted order, so that results do not depend on the order of the rows,
 * without those the missing cells leave out (their rows are counted as
 * rejected).  A row simply absent is a zero: trade and patent tables
 * leave out what does not occur. */
static s3_status
long_matrix(s3_ctx *ctx, s3_dataset *d, long_state *st, const char *base)
{
    size_t nu = d->units.n, nc = d->records.nclasses;
    size_t *urank = malloc((nu + 1) * sizeof(size_t)),
           *crank = malloc((nc + 1) * sizeof(size_t));
    char **us = malloc((nu + 1) * sizeof(char *)),
         **cs = malloc((nc + 1) * sizeof(char *));
    unsigned char *drop_u = calloc(nu + 1, 1), *drop_c = calloc(nc + 1, 1);
    s3_status rc = S3_OK;
    if (!urank || !crank || !us || !cs || !drop_u || !drop_c) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = missing_cells(ctx, d, st, base, drop_u, drop_c)) ||
        (rc = aggregates(ctx, d, st, base, drop_u, drop_c)))
        goto done;
    /* a unit left with rows only in classes left out (TOTAL alone) has
     * nothing to analyse */
    {
        unsigned char *any = calloc(nu + 1, 1);
        if (!any) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t u = 0; u < st->nrow; u++)
            for (size_t c = 0; c < st->ncls[u] && c < nc; c++)
                if (st->cell[u][c].rows)
                    any[u] |= !drop_c[c];
        size_t empty = 0;
        for (size_t u = 0; u < nu; u++)
            if (!drop_u[u] && !any[u]) {
                drop_u[u] = 1;
                empty++;
            }
        free(any);
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu unit(s) with rows only in classes left out: left out "
                 "too",
                 empty);
        if (empty && s3i_note(d->log.notes, base, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    size_t ku = 0, kc = 0;
    for (size_t i = 0; i < nu; i++)
        if (!drop_u[i])
            us[ku++] = d->units.id[i];
    for (size_t i = 0; i < nc; i++)
        if (!drop_c[i])
            cs[kc++] = d->records.class_id[i];
    if (ku == 0 || kc == 0) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: no unit or no class is left to analyse once the "
                      "missing values and the aggregates are left out (see "
                      "the warnings)",
                      base);
        goto done;
    }
    qsort(us, ku, sizeof(char *), cmp_str);
    qsort(cs, kc, sizeof(char *), cmp_str);
    for (size_t i = 0; i < nu; i++)
        urank[i] = S3I_NONE;
    for (size_t i = 0; i < nc; i++)
        crank[i] = S3I_NONE;
    for (size_t i = 0; i < ku; i++) {
        uint64_t w[2], h;
        urank[key_id(&st->units, us[i], w, &h)] = i;
    }
    for (size_t i = 0; i < kc; i++) {
        uint64_t w[2], h;
        crank[key_id(&st->classes, cs[i], w, &h)] = i;
    }
    if (st->label) {
        if (!(d->units.name = malloc((ku + 1) * sizeof(char *)))) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < nu; i++)
            if (urank[i] != S3I_NONE)
                d->units.name[urank[i]] = st->label[i];
    }
    memcpy(d->units.id, us, ku * sizeof(char *));
    memcpy(d->records.class_id, cs, kc * sizeof(char *));
    d->units.n = ku;
    d->records.nclasses = kc;
    if (!(d->records.gx = calloc(ku * kc + 1, sizeof(double)))) {
        rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    /* each pair's sum is the one its cell would get adding its rows in
     * turn (see long_cell); its rows added to a non-zero cell are the
     * repeats the note counts */
    size_t merged = 0;
    for (size_t i = 0; i < st->nrow; i++)
        for (size_t k = 0; k < st->ncls[i] && k < nc; k++) {
            const long_cell *cell = &st->cell[i][k];
            size_t u = urank[i], c = crank[k];
            if (!cell->rows)
                continue;
            if (u == S3I_NONE || c == S3I_NONE) {
                st->c.used -= cell->rows;
                st->c.rejected += cell->rows;
                continue;
            }
            d->records.gx[u * kc + c] = cell->sum;
            merged += cell->rows - st->zero[i][k];
        }
    if ((rc = coverage(ctx, d, st, base, urank, crank, nu, nc)))
        goto done;
    if (merged) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "%zu rows repeat a (unit, class) pair already seen: their "
                 "values are added",
                 merged);
        if (s3i_note(d->log.notes, base, msg))
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
done:
    free(urank), free(crank), free(us), free(cs), free(drop_u), free(drop_c);
    return rc;
}

s3_status
s3_dataset_load_long(s3_ctx *ctx, const char *path, const s3_long_options *opt,
                     const s3_model *m, s3_dataset **out)
{
    return s3i_dataset_load_long_ref(ctx, path, opt, m, NULL, out);
}

s3_status
s3i_dataset_load_long_ref(s3_ctx *ctx, const char *path,
                          const s3_long_options *opt, const s3_model *m,
                          const s3i_ref *ref, s3_dataset **out)
{
    *out = NULL;
    if (!opt || !opt->unit_col || !opt->class_col || !opt->value_col ||
        (opt->nwhere && !opt->where))
        return s3i_fail(ctx, S3_EUSAGE,
                        "s3_dataset_load_long: unit_col, class_col and "
                        "value_col are required, and where when nwhere > 0");
    const char *const *where = opt->where;
    size_t nwhere = opt->nwhere;
    if (nwhere > MAX_WHERE)
        return s3i_fail(ctx, S3_EUSAGE, "at most %d filters", MAX_WHERE);
    for (size_t k = 0; k < nwhere; k++) {
        size_t nl = strcspn(where[k], "!=");
        if (!strchr(where[k], '=') || nl == 0 ||
            (where[k][nl] == '!' && where[k][nl + 1] != '='))
            return s3i_fail(ctx, S3_EUSAGE,
                            "filter '%s': expected COLUMN=VALUE[,VALUE...] "
                            "or COLUMN!=VALUE[,VALUE...]",
                            where[k]);
    }
    if (opt->nuts_filter && (opt->nuts_level < 0 || opt->nuts_level > 3))
        return s3i_fail(ctx, S3_EUSAGE, "NUTS level %d: expected 0 to 3",
                        opt->nuts_level);
    s3_dataset *d;
    s3_status rc = s3i_dataset_new(ctx, &d);
    if (rc)
        return rc;
    d->generic = 1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    long_state st = {.ctx = ctx,
                     .d = d,
                     .c = {.file = base, .log = d->log.warnings},
                     .want = {opt->unit_col, opt->class_col, opt->value_col},
                     .where = where,
                     .nwhere = nwhere,
                     .nuts_filter = opt->nuts_filter,
                     .nuts_level = opt->nuts_level,
                     .drop_aggregates = opt->drop_aggregates,
                     .label_col = opt->label_col,
                     .arena = &d->arena};
    /* the state of the second thread that may read the second part of a
     * large file */
    long_part *st2 = NULL;
    s3i_csv_split split = {0};
    for (size_t k = 0; k < nwhere; k++) {
        size_t nl = strcspn(where[k], "!=");
        st.wneg[k] = where[k][nl] == '!';
        st.wlist[k] = where[k] + nl + 1 + st.wneg[k];
        st.wgrp[k] = (unsigned)k;
        for (size_t j = 0; j < k; j++)
            if (strcspn(where[j], "!=") == nl &&
                strncmp(where[j], where[k], nl) == 0) {
                st.wgrp[k] = st.wgrp[j];
                break;
            }
        st.wall |= 1u << st.wgrp[k];
    }
    s3i_csv_info info;
    /* the reference lets NACE classes get related/unrelated variety */
    if ((rc = s3i_dataset_use_ref(ctx, d, m, ref)))
        goto done;
    if (s3i_threads(ctx) >= 2) {
        if (!(st2 = calloc(1, sizeof *st2)) || !(st2->st.ctx = s3_ctx_new()) ||
            !(st2->st.c.log = s3i_warning_table_new())) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
        split = (s3i_csv_split){.user2 = st2,
                                .ctx2 = st2->st.ctx,
                                .fork = long_fork,
                                .joinable = long_joinable,
                                .merge = long_merge};
    }
    rc = s3i_csv_read_split(ctx, path, base, S3I_CSV_TAB | S3I_CSV_ALL_ERRORS,
                            long_header, long_row, &st, st2 ? &split : NULL,
                            &info);
    if (!rc && split.used)
        rc = split.merge(ctx, &st, st2, split.lines);
    /* the dataset owns the units and classes from here on (their strings
     * lie in its arena); st keeps finding them by key */
    d->units.id = st.units.id, d->units.n = st.units.n;
    d->records.class_id = st.classes.id, d->records.nclasses = st.classes.n;
    if (rc || (rc = s3i_note_encoding(ctx, d, base, &info)))
        goto done;
    if (info.rows == 0) {
        rc = s3i_fail(ctx, S3_EINPUT,
                      "%s: the file has a header but no data "
                      "rows",
                      base);
        goto done;
    }
    st.c.read = info.rows;
    if (st.filtered) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%zu rows do not match the filters and are not used",
                 st.filtered);
        if (s3i_note(d->log.notes, base, msg)) {
            rc = s3i_fail(ctx, S3_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (st.ncell == 0) {
        rc = s3i_fail(ctx, S3_EINPUT, "%s: no row has a value%s", base,
                      nwhere || st.nuts_filter ? " (after the filters)" : "");
        goto done;
    }
    if ((rc = s3i_record_input(ctx, d, base, path, &info)) ||
        (rc = nuts_levels(ctx, d, &st, base)) ||
        (rc = long_matrix(ctx, d, &st, base)) ||
        (rc = s3i_record_quality(ctx, d, &st.c)))
        goto done;
done:
    long_state_free(&st);
    if (st2) {
        long_part_free(st2);
        s3_ctx_free(st2->st.ctx);
        s3i_table_free(st2->st.c.log);
        free(st2);
    }
    if (rc) {
        s3_dataset_free(d);
        return rc;
    }
    *out = d;
    return S3_OK;
}
