/*
 * codes.c — reference classifications and the normalisation of codes.
 *
 * NACE Rev. 2 (Eurostat) gives sections, divisions, groups and classes; the
 * German WZ 2008 adds a fifth level of sub-classes, each inside one NACE
 * class.  A NACE code arrives in many spellings ("62.01", "6201", "62010",
 * "62.01.0", "J", "C10"); all are reduced to a key of digits and looked up.
 *
 * IPC symbols map to the 35 WIPO technology fields by the Schmoch (2008)
 * concordance: a symbol is matched on subclass + main group first, then on
 * the subclass alone.  Symbols come as "G06F 17/30", "G06F17/30", the
 * PATSTAT padding "G06F  17/30" or the 14-character form "G06F0017300000".
 *
 * The tables are read at run time from the reference folder, so a user can
 * update them without rebuilding.
 *
 * Every class has one text form in the outputs, made here once per class:
 * a NACE code with its section letter, as Eurostat writes it ("J62",
 * "C10.1", "J62.01"; a section stays "J"), a WIPO field as "F01".."F35".
 * Bare "62" and "01" are read as numbers by pandas and R (and "01" would be
 * both crop farming and electrical machinery); the lookups accept either
 * form on input.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest.h"

/* Column lookup by header name: idx[i] = position of names[i] or S3I_NONE;
 * a name whose bit is set in `required` must be present. */
static s3_status
find_columns(s3_ctx *ctx, s3i_csv *r, size_t n, char **fields,
             const char *const *names, size_t nnames, size_t *idx)
{
    for (size_t k = 0; k < nnames; k++) {
        idx[k] = S3I_NONE;
        for (size_t i = 0; i < n; i++)
            if (strcmp(fields[i], names[k]) == 0)
                idx[k] = i;
        if (idx[k] == S3I_NONE)
            return s3i_fail(ctx, S3_EINPUT,
                            "%s:%zu: required column '%s' is missing",
                            s3i_csv_name(r), s3i_csv_line(r), names[k]);
    }
    return S3_OK;
}

/* Append to a char* array with its own capacity. */
static int
push_str(char ***v, size_t *cap, size_t n, char *s)
{
    if (!s || s3i_reserve(v, cap, n + 1, sizeof(char *)))
        return -1;
    (*v)[n] = s;
    return 0;
}

/* Reduce a NACE spelling to its digits (dots and blanks dropped); a leading
 * section letter is returned in *letter (0 if none).  Returns the number of
 * digits, or -1 when another character occurs or there are more than 5. */
static int
nace_key(const char *s, size_t len, char key[8], char *letter)
{
    int n = 0;
    *letter = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' || c == ' ')
            continue;
        if (isalpha((unsigned char)c) && n == 0 && !*letter) {
            *letter = (char)toupper((unsigned char)c);
            continue;
        }
        if (c < '0' || c > '9' || n >= 5)
            return -1;
        key[n++] = c;
    }
    key[n] = '\0';
    return n;
}

/* ---- loading ------------------------------------------------------------ */

typedef struct {
    s3_ctx *ctx;
    s3i_ref *ref;
    size_t col[6];
    size_t cap_code, cap_label, cap_level, cap_parent, cap_f, cap_ft, cap_fl,
        cap_fs, cap_s;
    char **parent_code; /* temporary: parent code per NACE entry */
    size_t cap_pc;
} loader;

static s3_status
nace_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    loader *L = u;
    static const char *const names[] = {"level", "code", "parent", "label_en"};
    return find_columns(L->ctx, r, n, f, names, 4, L->col);
}

static s3_status
nace_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    loader *L = u;
    s3i_ref *ref = L->ref;
    int level = atoi(f[L->col[0]]);
    if (level < 1 || level > 4)
        return s3i_csv_fail(L->ctx, r, L->col[0], f[L->col[0]],
                            "is not a NACE level (1-4)");
    size_t i = ref->nnace;
    if (push_str(&ref->nace_code, &L->cap_code, i,
                 s3i_arena_strdup(&ref->arena, f[L->col[1]])) ||
        push_str(&ref->nace_label, &L->cap_label, i,
                 s3i_arena_strdup(&ref->arena, f[L->col[3]])) ||
        push_str(&L->parent_code, &L->cap_pc, i,
                 s3i_arena_strdup(&ref->arena, f[L->col[2]])) ||
        s3i_reserve(&ref->nace_level, &L->cap_level, i + 1, sizeof(int)))
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    ref->nace_level[i] = level;
    char key[8], letter;
    int nd = nace_key(f[L->col[1]], strlen(f[L->col[1]]), key, &letter);
    const char *k = level == 1 ? ref->nace_code[i] : NULL;
    if (level > 1) {
        if (nd != level || letter)
            return s3i_csv_fail(L->ctx, r, L->col[1], f[L->col[1]],
                                "is not a NACE code of its level");
        k = s3i_arena_strdup(&ref->arena, key);
    }
    if (!k || s3i_map_put(&ref->nace_by_key, k, strlen(k), i) == S3I_NONE)
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    ref->nnace++;
    return S3_OK;
}

static s3_status
wz_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    loader *L = u;
    static const char *const names[] = {"level", "code"};
    return find_columns(L->ctx, r, n, f, names, 2, L->col);
}

static s3_status
wz_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    loader *L = u;
    s3i_ref *ref = L->ref;
    if (atoi(f[L->col[0]]) != 5)
        return S3_OK; /* levels 1-4 are NACE itself */
    char key[8], letter;
    if (nace_key(f[L->col[1]], strlen(f[L->col[1]]), key, &letter) != 5 ||
        letter)
        return s3i_csv_fail(L->ctx, r, L->col[1], f[L->col[1]],
                            "is not a WZ 2008 sub-class");
    char cls[5];
    memcpy(cls, key, 4);
    cls[4] = '\0';
    size_t c = s3i_map_get(&ref->nace_by_key, cls, 4);
    if (c == S3I_NONE)
        return s3i_csv_fail(L->ctx, r, L->col[1], f[L->col[1]],
                            "is a WZ sub-class of no NACE Rev. 2 class");
    char *k = s3i_arena_strdup(&ref->arena, key);
    if (!k || s3i_map_put(&ref->wz_by_key, k, 5, c) == S3I_NONE)
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    return S3_OK;
}

static s3_status
fields_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    loader *L = u;
    static const char *const names[] = {"field_nr", "sector", "field_name"};
    return find_columns(L->ctx, r, n, f, names, 3, L->col);
}

static s3_status
fields_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    loader *L = u;
    s3i_ref *ref = L->ref;
    int nr = atoi(f[L->col[0]]);
    if (nr != (int)ref->nfields + 1)
        return s3i_csv_fail(L->ctx, r, L->col[0], f[L->col[0]],
                            "is out of order: fields must be numbered 1, 2, "
                            "...");
    size_t s;
    for (s = 0; s < ref->nsectors; s++)
        if (strcmp(ref->sector_label[s], f[L->col[1]]) == 0)
            break;
    if (s == ref->nsectors &&
        push_str(&ref->sector_label, &L->cap_s, ref->nsectors++,
                 s3i_arena_strdup(&ref->arena, f[L->col[1]])))
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    char code[16], text[16];
    snprintf(code, sizeof code, "%02d", nr);
    snprintf(text, sizeof text, "F%02d", nr);
    size_t i = ref->nfields;
    if (push_str(&ref->field_code, &L->cap_f, i,
                 s3i_arena_strdup(&ref->arena, code)) ||
        push_str(&ref->field_text, &L->cap_ft, i,
                 s3i_arena_strdup(&ref->arena, text)) ||
        push_str(&ref->field_label, &L->cap_fl, i,
                 s3i_arena_strdup(&ref->arena, f[L->col[2]])) ||
        s3i_reserve(&ref->field_sector, &L->cap_fs, i + 1, sizeof(size_t)))
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    ref->field_sector[i] = s;
    ref->nfields++;
    return S3_OK;
}

static s3_status
ipc_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)len;
    loader *L = u;
    static const char *const names[] = {"ipc_subclass", "ipc_main_group",
                                        "field_nr"};
    return find_columns(L->ctx, r, n, f, names, 3, L->col);
}

static s3_status
ipc_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n;
    (void)len;
    loader *L = u;
    s3i_ref *ref = L->ref;
    int nr = atoi(f[L->col[2]]);
    if (nr < 1 || (size_t)nr > ref->nfields)
        return s3i_csv_fail(L->ctx, r, L->col[2], f[L->col[2]],
                            "is not a WIPO field number");
    char key[32];
    const char *sub = f[L->col[0]], *mg = f[L->col[1]];
    if (strlen(sub) != 4)
        return s3i_csv_fail(L->ctx, r, L->col[0], sub,
                            "is not an IPC subclass");
    snprintf(key, sizeof key, "%s%s", sub, *mg ? mg : "");
    for (char *c = key; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    char *k = s3i_arena_strdup(&ref->arena, key);
    if (!k)
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    size_t had = s3i_map_put(&ref->ipc_by_key, k, strlen(k), (size_t)nr - 1);
    if (had == S3I_NONE)
        return s3i_fail(L->ctx, S3_ENOMEM, "out of memory");
    if (had != (size_t)nr - 1)
        return s3i_csv_fail(L->ctx, r, L->col[0], key,
                            "maps to two different WIPO fields");
    return S3_OK;
}

/* Record a read input file in the inputs table. */
static s3_status
record_input(s3_ctx *ctx, s3_table *inputs, const char *name, const char *path,
             const s3i_csv_info *info)
{
    if (!inputs)
        return S3_OK;
    size_t row = s3i_table_add_row(inputs);
    if (row == S3I_NONE || s3i_table_set_text(inputs, row, 0, name) ||
        s3i_table_set_text(inputs, row, 1, path) ||
        s3i_table_set_text(inputs, row, 4, info->sha256))
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    s3i_table_set_num(inputs, row, 2, (double)info->rows);
    s3i_table_set_num(inputs, row, 3, (double)info->bytes);
    return S3_OK;
}

/* The output text of every NACE code (ref->nace_text): its section's
 * letter before the code, once the parents are known. */
static s3_status
nace_texts(s3_ctx *ctx, s3i_ref *ref)
{
    ref->nace_text = malloc((ref->nnace + 1) * sizeof(char *));
    if (!ref->nace_text)
        return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    for (size_t i = 0; i < ref->nnace; i++) {
        size_t sec = s3i_nace_at_level(ref, i, 1);
        char text[64];
        if (ref->nace_level[i] == 1 || sec == S3I_NONE)
            snprintf(text, sizeof text, "%s", ref->nace_code[i]);
        else
            snprintf(text, sizeof text, "%s%s", ref->nace_code[sec],
                     ref->nace_code[i]);
        if (!(ref->nace_text[i] = s3i_arena_strdup(&ref->arena, text)))
            return s3i_fail(ctx, S3_ENOMEM, "out of memory");
    }
    return S3_OK;
}

/* Read one reference file of dir. */
static s3_status
read_ref(s3_ctx *ctx, const char *dir, const char *file, s3i_csv_fn h,
         s3i_csv_fn row, loader *L, s3_table *inputs)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return s3i_fail(ctx, S3_EUSAGE, "%s: path too long", dir);
    s3i_csv_info info;
    char name[256];
    snprintf(name, sizeof name, "reference/%s", file);
    s3_status st =
        s3i_csv_read(ctx, path, name, S3I_CSV_UTF8_ONLY, h, row, L, &info);
    if (st)
        return st;
    return record_input(ctx, inputs, name, path, &info);
}

s3_status
s3i_ref_load(s3_ctx *ctx, const char *dir, s3i_ref *ref, s3_table *inputs)
{
    loader L = {.ctx = ctx, .ref = ref};
    s3_status st;
    memset(ref, 0, sizeof *ref);
    /* a folder that is not there: most often a run outside the repository,
     * where the default datasets/reference is not reachable */
    char first[4096];
    struct stat sb;
    if ((size_t)snprintf(first, sizeof first, "%s/nace_rev2_en.csv", dir) <
            sizeof first &&
        stat(first, &sb) != 0) {
        st = s3i_fail(ctx, S3_EINPUT,
                      "%s: cannot open: %s: the reference classifications "
                      "(NACE, WZ, IPC -> WIPO fields) are not there; name "
                      "their folder (the repository's datasets/reference) "
                      "with --reference DIR, or as reference = DIR in the "
                      "model's [model] section",
                      first, strerror(errno));
        goto done;
    }
    if ((st = read_ref(ctx, dir, "nace_rev2_en.csv", nace_header, nace_row, &L,
                       inputs)))
        goto done;
    /* resolve parents */
    ref->nace_parent = malloc((ref->nnace ? ref->nnace : 1) * sizeof(size_t));
    if (!ref->nace_parent) {
        st = s3i_fail(ctx, S3_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ref->nnace; i++) {
        ref->nace_parent[i] = S3I_NONE;
        if (ref->nace_level[i] == 1)
            continue;
        char key[8], letter;
        const char *pc = L.parent_code[i];
        int nd = nace_key(pc, strlen(pc), key, &letter);
        size_t p = nd > 0 ? s3i_map_get(&ref->nace_by_key, key, (size_t)nd)
                          : s3i_map_get(&ref->nace_by_key, pc, strlen(pc));
        if (p == S3I_NONE || ref->nace_level[p] != ref->nace_level[i] - 1) {
            st = s3i_fail(ctx, S3_EINPUT,
                          "reference/nace_rev2_en.csv: code '%s' has an "
                          "unknown parent '%s'",
                          ref->nace_code[i], pc);
            goto done;
        }
        ref->nace_parent[i] = p;
    }
    if ((st = nace_texts(ctx, ref)))
        goto done;
    if ((st = read_ref(ctx, dir, "wz2008_de.csv", wz_header, wz_row, &L,
                       inputs)) ||
        (st = read_ref(ctx, dir, "wipo35_fields.csv", fields_header, fields_row,
                       &L, inputs)) ||
        (st = read_ref(ctx, dir, "ipc_to_wipo35_concordance.csv", ipc_header,
                       ipc_row, &L, inputs)))
        goto done;
done:
    free(L.parent_code);
    return st;
}

void
s3i_ref_free(s3i_ref *ref)
{
    free(ref->nace_code);
    free(ref->nace_text);
    free(ref->nace_label);
    free(ref->nace_level);
    free(ref->nace_parent);
    s3i_map_free(&ref->nace_by_key);
    s3i_map_free(&ref->wz_by_key);
    free(ref->field_code);
    free(ref->field_text);
    free(ref->field_label);
    free(ref->field_sector);
    free(ref->sector_label);
    s3i_map_free(&ref->ipc_by_key);
    s3i_arena_free(&ref->arena);
    memset(ref, 0, sizeof *ref);
}

/* ---- lookups ------------------------------------------------------------ */

size_t
s3i_nace_lookup(const s3i_ref *ref, const char *s, size_t len)
{
    char key[8], letter;
    while (len && s[len - 1] == ' ')
        len--;
    while (len && *s == ' ')
        s++, len--;
    int nd = nace_key(s, len, key, &letter);
    if (nd < 0)
        return S3I_NONE;
    if (nd == 0) {
        char sec[2] = {letter, 0};
        return letter ? s3i_map_get(&ref->nace_by_key, sec, 1) : S3I_NONE;
    }
    size_t i = S3I_NONE;
    if (nd >= 2 && nd <= 4)
        i = s3i_map_get(&ref->nace_by_key, key, (size_t)nd);
    else if (nd == 5) {
        i = s3i_map_get(&ref->wz_by_key, key, 5);
        /* "62010" / "62.01.0": a class padded with 0, common in registers
         * even where WZ splits the class (62.01.1, 62.01.9) */
        if (i == S3I_NONE && key[4] == '0') {
            i = s3i_map_get(&ref->nace_by_key, key, 4);
            if (i != S3I_NONE && ref->nace_level[i] != 4)
                i = S3I_NONE;
        }
    }
    if (i != S3I_NONE && letter) {
        /* "C10": the letter must be the code's section */
        size_t sec = s3i_nace_at_level(ref, i, 1);
        if (sec == S3I_NONE || ref->nace_code[sec][0] != letter)
            return S3I_NONE;
    }
    return i;
}

size_t
s3i_nace_at_level(const s3i_ref *ref, size_t i, int level)
{
    while (i != S3I_NONE && ref->nace_level[i] > level)
        i = ref->nace_parent[i];
    return (i != S3I_NONE && ref->nace_level[i] == level) ? i : S3I_NONE;
}

int
s3i_ipc_lookup(const s3i_ref *ref, const char *s, size_t len, size_t *field)
{
    while (len && s[len - 1] == ' ')
        len--;
    while (len && *s == ' ')
        s++, len--;
    if (len < 4)
        return -1;
    char sub[5];
    for (int i = 0; i < 4; i++)
        sub[i] = (char)toupper((unsigned char)s[i]);
    sub[4] = '\0';
    if (sub[0] < 'A' || sub[0] > 'H' || !isdigit((unsigned char)sub[1]) ||
        !isdigit((unsigned char)sub[2]) || sub[3] < 'A' || sub[3] > 'Z')
        return -1;
    size_t i = 4;
    while (i < len && s[i] == ' ')
        i++;
    long mg = -1;
    if (i < len) {
        /* main group: digits, then '/' and the subgroup digits, or the
         * 14-character form with 4 + 6 digits and no slash */
        size_t d0 = i;
        while (i < len && isdigit((unsigned char)s[i]))
            i++;
        size_t nd = i - d0;
        if (nd == 0)
            return -1;
        if (i == len && nd == 10) {
            mg = strtol((char[5]){s[d0], s[d0 + 1], s[d0 + 2], s[d0 + 3], 0},
                        NULL, 10);
        } else {
            if (nd > 4)
                return -1;
            mg = 0;
            for (size_t k = d0; k < i; k++)
                mg = mg * 10 + (s[k] - '0');
            if (i < len) {
                if (s[i] != '/')
                    return -1;
                size_t g0 = ++i;
                while (i < len && isdigit((unsigned char)s[i]))
                    i++;
                if (i == g0 || i - g0 > 6 || i != len)
                    return -1;
            }
        }
    }
    size_t f = S3I_NONE;
    if (mg >= 0) {
        /* the key "A61K8": subclass and main group without leading zeros */
        char key[16], digits[8];
        size_t nd = 0, n = 4;
        memcpy(key, sub, 4);
        do
            digits[nd++] = (char)('0' + mg % 10);
        while ((mg /= 10) > 0 && nd < sizeof digits);
        while (nd > 0)
            key[n++] = digits[--nd];
        f = s3i_map_get(&ref->ipc_by_key, key, n);
    }
    if (f == S3I_NONE)
        f = s3i_map_get(&ref->ipc_by_key, sub, 4);
    *field = f;
    return 0;
}
