/*
 * idtab.c — compact tables of ids (patents, tenants): id → dense index.
 *
 * Millions of ids are kept without storing their text.  Each id becomes a
 * 16-byte fingerprint: an id of up to 15 bytes is its own bytes with its
 * length in the last byte (exact, no collisions possible); a longer id is
 * a 120-bit hash with 0xFF in the last byte, where two ids of a file of a
 * billion rows collide with a probability below 10^-18.  Fingerprints live
 * in one array in order of arrival (index i is the i-th new id); the hash
 * slots hold the index and 32 bits of the hash, so that a probe touches the
 * fingerprint only when those bits match.  16 + 8/load bytes per id, about
 * 28 bytes, against 32 for a pointer slot plus the text of the id.
 *
 * Files are often sorted by id.  While every new id sorts after the one
 * before (shorter first, then byte by byte), an id is either the last one
 * or new, and no hash slots are built at all: no memory, and no cache miss
 * per id.  The first id out of order builds the slots.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

void
s3i_fingerprint_long(const char *key, size_t len, s3i_fp *fp)
{
    /* two lanes with different seeds and multipliers over 8-byte words */
    uint64_t a = 0x9E3779B97F4A7C15ULL ^ len, b = 0xD6E8FEB86659FD93ULL ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, key + i, 8);
        a = s3i_mix64(a ^ w) * 0xBF58476D1CE4E5B9ULL;
        b = s3i_mix64(b ^ (w * 0x94D049BB133111EBULL) ^ a);
    }
    uint64_t w = 0;
    memcpy(&w, key + i, len - i);
    a = s3i_mix64(a ^ w ^ b);
    b = s3i_mix64(b ^ (w + 0x2545F4914F6CDD1DULL) ^ a);
    fp->w[0] = a;
    /* the last byte (little end of w[1] at byte 15) marks a hashed id */
    unsigned char t[8];
    memcpy(t, &b, 8);
    t[7] = 0xFF;
    memcpy(&fp->w[1], t, 8);
}

static uint64_t
fp_hash(const s3i_fp *fp)
{
    return s3i_mix64(fp->w[0] ^ s3i_mix64(fp->w[1] + 0x9E3779B97F4A7C15ULL));
}

/* Order of ids of up to 15 bytes: by length, then byte by byte; hashed
 * (longer) ids have no order. */
static int
fp_after(const s3i_fp *a, const s3i_fp *b)
{
    unsigned la = (unsigned)(a->w[1] >> 56), lb = (unsigned)(b->w[1] >> 56);
    if (la == 0xFF || lb == 0xFF)
        return 0;
    if (la != lb)
        return la > lb;
    uint64_t a0 = __builtin_bswap64(a->w[0]), b0 = __builtin_bswap64(b->w[0]);
    if (a0 != b0)
        return a0 > b0;
    return __builtin_bswap64(a->w[1]) > __builtin_bswap64(b->w[1]);
}

/* Slot: (tag << 32) | (index + 1); 0 is empty. */
static int
grow(s3i_idtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 1024;
    while ((t->n + 1) * 3 > cap * 2)
        cap *= 2;
    size_t mask = cap - 1;
    uint64_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t k = 0; k < t->cap; k++) {
        uint64_t s = t->slot[k];
        if (!s)
            continue;
        size_t j = fp_hash(&t->fp[(uint32_t)s - 1]) & mask;
        while (slot[j])
            j = (j + 1) & mask;
        slot[j] = s;
    }
    if (!t->cap) /* out of sorted mode: every id so far */
        for (size_t i = 0; i < t->n; i++) {
            size_t j = fp_hash(&t->fp[i]) & mask;
            while (slot[j])
                j = (j + 1) & mask;
            slot[j] = fp_hash(&t->fp[i]) >> 32 << 32 | (uint64_t)(i + 1);
        }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    return 0;
}

/* The index of fp, or S3I_NONE; *slot_at is the empty slot where it would
 * go. */
static size_t
find(const s3i_idtab *t, const s3i_fp *fp, uint64_t h, size_t *slot_at)
{
    uint64_t tag = h >> 32;
    size_t mask = t->cap - 1, k = h & mask;
    for (uint64_t s; (s = t->slot[k]) != 0; k = (k + 1) & mask)
        if (s >> 32 == tag) {
            size_t i = (uint32_t)s - 1;
            if (t->fp[i].w[0] == fp->w[0] && t->fp[i].w[1] == fp->w[1])
                return i;
        }
    *slot_at = k;
    return S3I_NONE;
}

size_t
s3i_idtab_find(const s3i_idtab *t, const s3i_fp *fp)
{
    size_t at;
    if (t->cap)
        return find(t, fp, fp_hash(fp), &at);
    /* sorted mode: a binary search */
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fp_after(fp, &t->fp[mid]))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->fp[lo].w[0] == fp->w[0] && t->fp[lo].w[1] == fp->w[1]
               ? lo
               : S3I_NONE;
}

/* Append fp as id n. */
static size_t
append(s3i_idtab *t, const s3i_fp *fp)
{
    if (t->n >= UINT32_MAX - 1 ||
        s3i_reserve(&t->fp, &t->capfp, t->n + 1, sizeof *t->fp))
        return S3I_NONE;
    t->fp[t->n] = *fp;
    return t->n++;
}

size_t
s3i_idtab_put(s3i_idtab *t, const s3i_fp *fp, int *added)
{
    *added = 0;
    if (!t->cap) {
        if (t->n == 0 || fp_after(fp, &t->fp[t->n - 1])) {
            *added = 1;
            return append(t, fp);
        }
        if (t->fp[t->n - 1].w[0] == fp->w[0] &&
            t->fp[t->n - 1].w[1] == fp->w[1])
            return t->n - 1;
    }
    if ((t->n + 1) * 3 > t->cap * 2 && grow(t))
        return S3I_NONE;
    uint64_t h = fp_hash(fp);
    size_t at, i = find(t, fp, h, &at);
    if (i != S3I_NONE)
        return i;
    /* new: append the fingerprint, fill the empty slot */
    if ((i = append(t, fp)) == S3I_NONE)
        return S3I_NONE;
    t->slot[at] = (h >> 32) << 32 | (uint64_t)(i + 1);
    *added = 1;
    return i;
}

size_t
s3i_idtab_get(const s3i_idtab *t, const char *key, size_t len)
{
    s3i_fp fp;
    s3i_fingerprint(key, len, &fp);
    return s3i_idtab_find(t, &fp);
}

size_t
s3i_idtab_add(s3i_idtab *t, const char *key, size_t len, int *added)
{
    s3i_fp fp;
    s3i_fingerprint(key, len, &fp);
    return s3i_idtab_put(t, &fp, added);
}

int
s3i_idtab_sorted_before(const s3i_idtab *a, const s3i_idtab *b)
{
    return !a->cap && !b->cap &&
           (!a->n || !b->n || fp_after(&b->fp[0], &a->fp[a->n - 1]));
}

int
s3i_idtab_hash_all(s3i_idtab *t)
{
    return t->cap ? 0 : grow(t);
}

void
s3i_idtab_free(s3i_idtab *t)
{
    free(t->slot);
    free(t->fp);
    memset(t, 0, sizeof *t);
}
