/*
 * test_idtab.c — unit tests of the compact id tables (engine/base/idtab.c)
 * and the memo of short codes (base.h), beyond what test_util.c checks
 * (exact short fingerprints, a sorted run turning hashed, numeric order):
 * the 15/16-byte boundary between exact and hashed fingerprints, that every
 * byte of a long id reaches its fingerprint, the sorted path keeping the
 * table slot-free through repeats of the last id and ids that differ only
 * past their eighth byte, lookups of absent ids by bisection,
 * s3i_idtab_sorted_before, a table hashed before its first id, and the
 * memo's exact hits and evictions.
 *
 * Ids are stable, hierarchical texts ("P000123", "EP-2019-...").
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "check_util.h"

/* ---- fingerprints ---------------------------------------------------------
 */

/* up to 15 bytes the length byte holds the length; from 16 on it is 0xFF */
START_TEST(fingerprint_15_exact_16_hashed)
{
    const char *s15 = "DE-2385-0000001", *s16 = "DE-2385-00000001";
    ck_assert_uint_eq(strlen(s15), 15);
    ck_assert_uint_eq(strlen(s16), 16);
    s3i_fp a, b;
    s3i_fingerprint(s15, 15, &a);
    s3i_fingerprint(s16, 16, &b);
    ck_assert_uint_eq(a.w[1] >> 56, 15);
    ck_assert_uint_eq(b.w[1] >> 56, 0xFF);
    /* the 15-byte id is its bytes: the first 8 in w[0], the next 7 below
     * the length byte */
    ck_assert_int_eq(memcmp(&a.w[0], s15, 8), 0);
    uint64_t rest = 0;
    memcpy(&rest, s15 + 8, 7);
    ck_assert_uint_eq(a.w[1] & 0x00FFFFFFFFFFFFFFULL, rest);
    /* only len bytes are read: the 15-byte prefix of a longer buffer is
     * the 15-byte id */
    s3i_fingerprint("DE-2385-00000012", 15, &b);
    ck_assert(s3i_fp_equal(&a, &b));
}
END_TEST

/* a long id's fingerprint depends on every byte: flipping any one bit of
 * any byte, at lengths 16 to 40 (every tail length of the 8-byte words),
 * gives another fingerprint, and the same text the same one */
START_TEST(fingerprint_long_every_byte_counts)
{
    char id[41], other[41];
    for (size_t len = 16; len <= 40; len++) {
        for (size_t i = 0; i < len; i++)
            id[i] = (char)('A' + (i * 7 + len) % 26);
        id[len] = '\0';
        s3i_fp base, again;
        s3i_fingerprint(id, len, &base);
        s3i_fingerprint(id, len, &again);
        ck_assert(s3i_fp_equal(&base, &again));
        ck_assert_uint_eq(base.w[1] >> 56, 0xFF);
        for (size_t i = 0; i < len; i++)
            for (int bit = 0; bit < 8; bit++) {
                memcpy(other, id, len + 1);
                other[i] ^= (char)(1 << bit);
                s3i_fp f;
                s3i_fingerprint(other, len, &f);
                ck_assert_msg(!s3i_fp_equal(&base, &f),
                              "length %zu: byte %zu bit %d does not change "
                              "the fingerprint",
                              len, i, bit);
            }
        /* one byte longer or shorter: another fingerprint */
        s3i_fp shorter;
        s3i_fingerprint(id, len - 1, &shorter);
        ck_assert(!s3i_fp_equal(&base, &shorter));
    }
}
END_TEST

/* ---- the sorted path ------------------------------------------------------
 */

/* A sorted file repeats an id on consecutive rows (a patent's classes): the
 * repeat of the last id is found without leaving the sorted path. */
START_TEST(sorted_repeat_of_last_stays_sorted)
{
    s3i_idtab t = {0};
    const char *rows[] = {"P000101", "P000101", "P000102", "P000102",
                          "P000102", "P000517", "P000517", "P002385"};
    const size_t want[] = {0, 0, 1, 1, 1, 2, 2, 3};
    const int added[] = {1, 0, 1, 0, 0, 1, 0, 1};
    for (size_t i = 0; i < 8; i++) {
        int a = -1;
        ck_assert_uint_eq(s3i_idtab_add(&t, rows[i], strlen(rows[i]), &a),
                          want[i]);
        ck_assert_int_eq(a, added[i]);
        ck_assert_uint_eq(t.cap, 0);
    }
    ck_assert_uint_eq(t.n, 4);
    /* an earlier id again (not the last) is out of order: the slots are
     * built and it keeps its index */
    int a = -1;
    ck_assert_uint_eq(s3i_idtab_add(&t, "P000102", 7, &a), 1);
    ck_assert_int_eq(a, 0);
    ck_assert_uint_gt(t.cap, 0);
    ck_assert_uint_eq(t.n, 4);
    ck_assert_uint_eq(s3i_idtab_get(&t, "P002385", 7), 3);
    s3i_idtab_free(&t);
    /* free leaves an empty table that can be used again */
    ck_assert_uint_eq(t.n, 0);
    ck_assert_uint_eq(t.cap, 0);
    ck_assert_uint_eq(s3i_idtab_add(&t, "P000001", 7, &a), 0);
    s3i_idtab_free(&t);
}
END_TEST

/* 15-byte ids that differ only in bytes 9..15 (the second word of the
 * fingerprint) and ids whose first word grows while the second shrinks:
 * the order is byte by byte, so both runs are sorted; bisection finds
 * every id and none of the absent ones between them. */
START_TEST(sorted_order_across_both_words)
{
    s3i_idtab t = {0};
    char ids[200][16];
    size_t n = 0;
    for (int hi = 0; hi < 10; hi++)
        for (int lo = 0; lo < 20; lo++)
            /* "ABCDEFG" + a letter (the 8th byte, end of the first word)
             * + 7 digits (the second word) */
            snprintf(ids[n++], sizeof ids[0], "ABCDEFG%c%07d", 'a' + hi,
                     lo * 2385);
    for (size_t i = 0; i < n; i++) {
        int a;
        ck_assert_uint_eq(s3i_idtab_add(&t, ids[i], 15, &a), i);
        ck_assert_int_eq(a, 1);
    }
    ck_assert_uint_eq(t.cap, 0); /* never left the sorted path */
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(s3i_idtab_get(&t, ids[i], 15), i);
    /* absent ids: between two present ones, before the first, after the
     * last, and of other lengths */
    char miss[16];
    for (size_t i = 0; i < n; i++) {
        memcpy(miss, ids[i], 16);
        miss[14] = '1'; /* every lo * 2385 ends in 0 or 5 */
        ck_assert_uint_eq(s3i_idtab_get(&t, miss, 15), S3I_NONE);
    }
    ck_assert_uint_eq(s3i_idtab_get(&t, "ABCDEFGa0000000", 15), 0);
    ck_assert_uint_eq(s3i_idtab_get(&t, "ABCDEFG`9999999", 15), S3I_NONE);
    ck_assert_uint_eq(s3i_idtab_get(&t, "ABCDEFGk0000000", 15), S3I_NONE);
    ck_assert_uint_eq(s3i_idtab_get(&t, "ABCDEFGa000000", 14), S3I_NONE);
    ck_assert_uint_eq(s3i_idtab_get(&t, "ABCDEFGa00000000", 16), S3I_NONE);
    /* through the fingerprint interface too */
    s3i_fp fp;
    s3i_fingerprint(ids[117], 15, &fp);
    ck_assert_uint_eq(s3i_idtab_find(&t, &fp), 117);
    int a;
    ck_assert_uint_eq(s3i_idtab_put(&t, &fp, &a), 117);
    ck_assert_int_eq(a, 0);
    s3i_idtab_free(&t);
}
END_TEST

/* Two files sorted by id whose ranges do not overlap share no id: the
 * caller may then skip a join. */
START_TEST(sorted_before)
{
    s3i_idtab a = {0}, b = {0}, c = {0}, empty = {0};
    int added;
    const char *ia[] = {"T0001", "T0002", "T0517"};
    const char *ib[] = {"T0518", "T2385"};
    const char *ic[] = {"T0100", "T0600"};
    for (size_t i = 0; i < 3; i++)
        s3i_idtab_add(&a, ia[i], 5, &added);
    for (size_t i = 0; i < 2; i++) {
        s3i_idtab_add(&b, ib[i], 5, &added);
        s3i_idtab_add(&c, ic[i], 5, &added);
    }
    ck_assert_int_eq(s3i_idtab_sorted_before(&a, &b), 1);
    ck_assert_int_eq(s3i_idtab_sorted_before(&b, &a), 0);
    ck_assert_int_eq(s3i_idtab_sorted_before(&a, &c), 0); /* overlap */
    ck_assert_int_eq(s3i_idtab_sorted_before(&empty, &a), 1);
    ck_assert_int_eq(s3i_idtab_sorted_before(&a, &empty), 1);
    /* a shorter id sorts first: "T999" before "T0518" */
    s3i_idtab d = {0};
    s3i_idtab_add(&d, "T999", 4, &added);
    ck_assert_int_eq(s3i_idtab_sorted_before(&d, &b), 1);
    /* once hashed, a table's order is unknown */
    ck_assert_int_eq(s3i_idtab_hash_all(&a), 0);
    ck_assert_int_eq(s3i_idtab_sorted_before(&a, &b), 0);
    ck_assert_int_eq(s3i_idtab_sorted_before(&d, &a), 0);
    s3i_idtab_free(&a);
    s3i_idtab_free(&b);
    s3i_idtab_free(&c);
    s3i_idtab_free(&d);
}
END_TEST

/* A table hashed before its first id takes ids in any order; long ids
 * (hashed fingerprints) mixed with short ones. */
START_TEST(hashed_from_the_start)
{
    enum { N = 5000 };
    s3i_idtab t = {0};
    ck_assert_int_eq(s3i_idtab_hash_all(&t), 0);
    ck_assert_uint_gt(t.cap, 0);
    ck_assert_uint_eq(s3i_idtab_get(&t, "x", 1), S3I_NONE);
    char id[48];
    for (size_t i = 0; i < N; i++) {
        size_t k = (i * 2385) % N; /* 2385 and 5000 are not coprime:
                                      repeats */
        int n = snprintf(id, sizeof id, k % 2 ? "EP-2019-%030zu" : "P%zu", k);
        int added;
        size_t got = s3i_idtab_add(&t, id, (size_t)n, &added);
        ck_assert_uint_ne(got, S3I_NONE);
        ck_assert_uint_eq(s3i_idtab_get(&t, id, (size_t)n), got);
    }
    /* (i * 2385) mod 5000 takes the multiples of gcd(2385, 5000) = 5 */
    ck_assert_uint_eq(t.n, N / 5);
    ck_assert_int_eq(s3i_idtab_hash_all(&t), 0); /* a no-op now */
    ck_assert_uint_eq(t.n, N / 5);
    s3i_idtab_free(&t);
}
END_TEST

/* ---- the memo of short codes ----------------------------------------------
 */

START_TEST(memo_exact_hits_only)
{
    static s3i_memo m; /* 32 kB: not on the stack */
    memset(&m, 0, sizeof m);
    uint64_t v = 2385;
    ck_assert_int_eq(s3i_memo_get(&m, "62.01", 5, &v), 0);
    ck_assert_uint_eq(v, 2385); /* untouched on a miss */
    s3i_memo_put(&m, "62.01", 5, 517);
    ck_assert_int_eq(s3i_memo_get(&m, "62.01", 5, &v), 1);
    ck_assert_uint_eq(v, 517);
    /* a prefix, a longer text, another text: misses */
    ck_assert_int_eq(s3i_memo_get(&m, "62.0", 4, &v), 0);
    ck_assert_int_eq(s3i_memo_get(&m, "62.011", 6, &v), 0);
    ck_assert_int_eq(s3i_memo_get(&m, "62.02", 5, &v), 0);
    /* empty texts and texts of 16 bytes or more are never kept */
    s3i_memo_put(&m, "", 0, 1);
    ck_assert_int_eq(s3i_memo_get(&m, "", 0, &v), 0);
    const char *long16 = "G06F 17/30 (2006";
    s3i_memo_put(&m, long16, 16, 2);
    ck_assert_int_eq(s3i_memo_get(&m, long16, 16, &v), 0);
    const char *len15 = "G06F 17/30 (200";
    s3i_memo_put(&m, len15, 15, 3);
    ck_assert_int_eq(s3i_memo_get(&m, len15, 15, &v), 1);
    ck_assert_uint_eq(v, 3);
}
END_TEST

/* The memo is direct-mapped: a code that lands in an occupied slot evicts
 * the one there, which then misses (it is never answered with the other
 * code's value). */
START_TEST(memo_eviction_is_a_miss)
{
    static s3i_memo m;
    memset(&m, 0, sizeof m);
    s3i_fp first;
    s3i_fingerprint("C0001", 5, &first);
    size_t slot = s3i_memo_slot(&first);
    char other[16];
    int found = 0;
    for (int i = 2; i < 200000 && !found; i++) {
        snprintf(other, sizeof other, "C%04d", i);
        s3i_fp f;
        s3i_fingerprint(other, strlen(other), &f);
        found = s3i_memo_slot(&f) == slot;
    }
    ck_assert_msg(found, "no code shares slot %zu with C0001", slot);
    uint64_t v;
    s3i_memo_put(&m, "C0001", 5, 11);
    s3i_memo_put(&m, other, strlen(other), 22);
    ck_assert_int_eq(s3i_memo_get(&m, other, strlen(other), &v), 1);
    ck_assert_uint_eq(v, 22);
    ck_assert_int_eq(s3i_memo_get(&m, "C0001", 5, &v), 0);
}
END_TEST

static Suite *
idtab_suite(void)
{
    Suite *s = suite_create("idtab");
    TCase *tc = tcase_create("fingerprint");
    tcase_add_test(tc, fingerprint_15_exact_16_hashed);
    tcase_add_test(tc, fingerprint_long_every_byte_counts);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");
    tcase_add_test(tc, sorted_repeat_of_last_stays_sorted);
    tcase_add_test(tc, sorted_order_across_both_words);
    tcase_add_test(tc, sorted_before);
    tcase_add_test(tc, hashed_from_the_start);
    suite_add_tcase(s, tc);
    tc = tcase_create("memo");
    tcase_add_test(tc, memo_exact_hits_only);
    tcase_add_test(tc, memo_eviction_is_a_miss);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {idtab_suite()};
    return s3t_run(s, 1);
}
