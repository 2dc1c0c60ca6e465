/*
 * util.c — the small machinery under everything: the context and its error
 * message, growable arrays, a string arena, a string → index hash map,
 * UTF-8 validation, locale-free number and date parsing, and malloc and
 * calloc for large arrays in huge pages.  (SHA-256 is in sha256.c.)
 */
#define _GNU_SOURCE /* strtod_l, newlocale */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/base.h"

/* ---- status and context ------------------------------------------------- */

static const char *const status_msg[] = {
#define S3_X_MSG(name, value, msg) [value] = msg,
    S3_STATUS_TABLE(S3_X_MSG)
#undef S3_X_MSG
};

const char *
s3_strerror(s3_status status)
{
    if ((size_t)status < sizeof status_msg / sizeof *status_msg &&
        status_msg[status])
        return status_msg[status];
    return "unknown status";
}

s3_ctx *
s3_ctx_new(void)
{
    return calloc(1, sizeof(s3_ctx));
}

void
s3_ctx_free(s3_ctx *ctx)
{
    free(ctx);
}

const char *
s3_ctx_message(const s3_ctx *ctx)
{
    return ctx->msg;
}

s3_status
s3_ctx_status(const s3_ctx *ctx)
{
    return ctx->status;
}

void
s3_ctx_set_progress(s3_ctx *ctx, s3_progress_fn fn, void *user)
{
    ctx->progress = fn;
    ctx->progress_user = user;
}

void
s3_ctx_set_threads(s3_ctx *ctx, int threads)
{
    ctx->threads = threads > 0 ? threads : 0;
}

int
s3i_threads(const s3_ctx *ctx)
{
    if (ctx->threads > 0)
        return ctx->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 2 ? 2 : 1;
}

void
s3i_beside_start(s3i_beside *b, int two, void *(*fn)(void *), void *arg)
{
    b->fn = fn;
    b->arg = arg;
    b->started = two && pthread_create(&b->th, NULL, fn, arg) == 0;
}

void
s3i_beside_end(s3i_beside *b)
{
    if (b->started)
        pthread_join(b->th, NULL);
    else
        b->fn(b->arg);
    b->started = 0;
}

void
s3i_utf8_cut(char *s)
{
    size_t n = strlen(s), i = n;
    /* back to the lead byte of the last character */
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char c = (unsigned char)s[i - 1];
    size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

void
s3i_utf8_repair(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (c >= 0x80 && (i + k > n || !s3i_utf8_valid(s + i, k)))
            s[i++] = '?';
        else
            i += k;
    }
}

s3_status
s3i_fail(s3_ctx *ctx, s3_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    s3i_utf8_cut(ctx->msg); /* a cut message stays valid UTF-8 */
    /* and so does one that quotes values cut at a byte count ("%.60s"),
     * or several messages joined (a file's errors) */
    s3i_utf8_repair(ctx->msg);
    ctx->status = status;
    return status;
}

/* ---- memory ------------------------------------------------------------- */

int
s3i_reserve(void *p, size_t *cap, size_t need, size_t es)
{
    void **pp = p;
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / es)
            return -1;
        n *= 2;
    }
    void *q = realloc(*pp, n * es);
    if (!q)
        return -1;
    *pp = q;
    *cap = n;
    return 0;
}

static void *
alloc_big(size_t n, size_t es, int zero)
{
    if (es && n > SIZE_MAX / es)
        return NULL;
    size_t bytes = n * es;
    if (bytes < S3I_HUGE_MIN)
        return zero ? calloc(n, es) : malloc(bytes);
    void *p;
    if (posix_memalign(&p, S3I_HUGE_PAGE, bytes) != 0)
        return NULL;
    /* advice only: where the kernel has no huge pages it is ignored, and
     * a tail of less than 2 MB keeps small pages (no memory is added) */
    (void)madvise(p, bytes / S3I_HUGE_PAGE * S3I_HUGE_PAGE, MADV_HUGEPAGE);
    if (zero)
        memset(p, 0, bytes);
    return p;
}

void *
s3i_malloc_big(size_t n, size_t es)
{
    return alloc_big(n, es, 0);
}

void *
s3i_calloc_big(size_t n, size_t es)
{
    return alloc_big(n, es, 1);
}

struct s3i_arena_block {
    s3i_arena_block *next;
    size_t used, size;
    char data[];
};

char *
s3i_arena_strndup(s3i_arena *a, const char *s, size_t len)
{
    s3i_arena_block *b = a->head;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > 65536 ? len + 1 : 65536;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, len);
    d[len] = '\0';
    b->used += len + 1;
    return d;
}

char *
s3i_arena_strdup(s3i_arena *a, const char *s)
{
    return s3i_arena_strndup(a, s, strlen(s));
}

void
s3i_arena_free(s3i_arena *a)
{
    while (a->head) {
        s3i_arena_block *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

/* ---- hash map ----------------------------------------------------------- */

/* A fast string hash: eight bytes at a time, multiplied and folded, then
 * the finaliser of MurmurHash3 (fmix64) so that linear probing sees well
 * spread slots. */
static uint64_t
hash_key(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, s + i, len - i);
    return s3i_mix64((h ^ w) * 0x94D049BB133111EBULL);
}

size_t
s3i_map_get(const s3i_map *m, const char *key, size_t len)
{
    if (!m->cap)
        return S3I_NONE;
    size_t mask = m->cap - 1;
    uint64_t h = hash_key(key, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const s3i_slot *sl = &m->slot[i];
        if (!sl->key)
            return S3I_NONE;
        if (sl->hash == h && sl->klen == len && memcmp(sl->key, key, len) == 0)
            return sl->val;
    }
}

/* Double the table (or create it) and reinsert every key: no comparisons,
 * the keys are distinct. */
static int
map_grow(s3i_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64, mask = cap - 1;
    s3i_slot *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i].key)
            continue;
        size_t j = m->slot[i].hash & mask;
        while (slot[j].key)
            j = (j + 1) & mask;
        slot[j] = m->slot[i];
    }
    free(m->slot);
    m->slot = slot;
    m->cap = cap;
    return 0;
}

size_t
s3i_map_put(s3i_map *m, const char *key, size_t len, size_t val)
{
    if ((m->n + 1) * 4 > m->cap * 3 && map_grow(m) != 0)
        return S3I_NONE;
    size_t mask = m->cap - 1;
    uint64_t h = hash_key(key, len);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        s3i_slot *sl = &m->slot[i];
        if (!sl->key) {
            *sl = (s3i_slot){h, key, len, val};
            m->n++;
            return val;
        }
        if (sl->hash == h && sl->klen == len && memcmp(sl->key, key, len) == 0)
            return sl->val;
    }
}

void
s3i_map_free(s3i_map *m)
{
    free(m->slot);
    memset(m, 0, sizeof *m);
}

/* ---- UTF-8 -------------------------------------------------------------- */

int
s3i_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n >= len)
            return 0;
        unsigned cp = c & (0x3F >> n);
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

/* ---- numbers ------------------------------------------------------------ */

/* Exact powers of ten that a double holds (Clinger's fast path). */
static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod in the C locale, whatever locale the process has set.  Only the
 * rare slow path (long mantissas, exponents) comes here, so the locale
 * object is made per call rather than kept in static state. */
static double
strtod_c(const char *s, char **end)
{
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!c_locale) {
        *end = (char *)s;
        return NAN;
    }
    double v = strtod_l(s, end, c_locale);
    freelocale(c_locale);
    return v;
}

int
s3i_parse_number(const char *s, size_t len, int decimal_comma, double *out)
{
    char buf[512];
    size_t b = 0, i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (i == len)
        return -1;
    if (s[i] == '+' || s[i] == '-')
        buf[b++] = s[i++];
    /* mantissa: digits, optional thousands dots (decimal-comma mode), one
     * decimal separator */
    uint64_t mant = 0;
    int ndig = 0, frac = 0, seen_sep = 0, exact = 1, digits_in_group = -1;
    size_t start = i;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (b >= sizeof buf - 8)
                return -1;
            buf[b++] = c;
            if (mant < 100000000000000000ULL)
                mant = mant * 10 + (uint64_t)(c - '0');
            else
                exact = 0;
            ndig++;
            frac += seen_sep;
            if (digits_in_group >= 0)
                digits_in_group++;
        } else if (!seen_sep && (decimal_comma ? c == ',' : c == '.')) {
            if (digits_in_group >= 0 && digits_in_group != 3)
                return -1;
            digits_in_group = -1;
            seen_sep = 1;
            buf[b++] = '.';
        } else if (decimal_comma && c == '.' && !seen_sep) {
            /* thousands separator: groups of exactly three digits */
            if ((digits_in_group >= 0 && digits_in_group != 3) ||
                (digits_in_group < 0 && (i == start || i - start > 3)))
                return -1;
            digits_in_group = 0;
        } else {
            break;
        }
    }
    if (digits_in_group >= 0 && digits_in_group != 3)
        return -1;
    if (ndig == 0)
        return -1;
    int exp10 = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        exact = 0;
        buf[b++] = 'e';
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            buf[b++] = s[i++];
        int nexp = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nexp++) {
            if (b >= sizeof buf - 1)
                return -1;
            buf[b++] = s[i];
        }
        if (nexp == 0)
            return -1;
    }
    if (i != len)
        return -1;
    buf[b] = '\0';
    double v;
    if (exact && frac <= 22 && mant < (1ULL << 53)) {
        exp10 = frac;
        v = (double)mant / pow10_exact[exp10];
        if (buf[0] == '-')
            v = -v;
    } else {
        char *end;
        errno = 0;
        v = strtod_c(buf, &end);
        if (*end != '\0')
            return -1;
    }
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Days in a month of a year (proleptic Gregorian). */
static int
month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

/* Read n digits from s into *v; -1 if any is not a digit. */
static int
digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int
s3i_parse_date(const char *s, size_t len, int32_t *out)
{
    int y, m, d;
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
            return -1;
    } else if (len == 10 && s[2] == '.' && s[5] == '.') {
        if (digits(s, 2, &d) || digits(s + 3, 2, &m) || digits(s + 6, 4, &y))
            return -1;
    } else {
        return -1;
    }
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return -1;
    *out = y * 10000 + m * 100 + d;
    return 0;
}
