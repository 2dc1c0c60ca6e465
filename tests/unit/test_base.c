/*
 * test_base.c — unit tests of the parts of engine/base/util.c that
 * test_util.c (numbers, dates, UTF-8 validation, the map's basics) leaves
 * out: the context and its messages (s3i_fail, s3_strerror, the cut of a
 * long message at a character boundary), growable arrays (s3i_reserve and
 * its overflow guard), the string arena (copies, blocks larger than the
 * default, pointers that stay valid), and the string map's edge cases
 * (the empty key, keys with NUL bytes, keys that differ past their eighth
 * byte, many keys that share a long prefix).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "check_util.h"

/* ---- the context ----------------------------------------------------------
 */

START_TEST(strerror_table)
{
    ck_assert_str_eq(s3_strerror(S3_OK), "success");
    ck_assert_str_eq(s3_strerror(S3_EINPUT), "invalid input data");
    ck_assert_str_eq(s3_strerror(S3_EMODEL), "invalid model file");
    ck_assert_str_eq(s3_strerror(S3_EINTERNAL), "internal error");
    ck_assert_str_eq(s3_strerror((s3_status)2385), "unknown status");
    ck_assert_str_eq(s3_strerror((s3_status)-1), "unknown status");
}
END_TEST

START_TEST(fail_keeps_status_and_message)
{
    s3_ctx *ctx = s3_ctx_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(s3_ctx_status(ctx), S3_OK);
    ck_assert_str_eq(s3_ctx_message(ctx), "");
    s3_status st = s3i_fail(ctx, S3_EINPUT,
                            "%s:%zu: column '%s': '%s' is not a NACE Rev. 2 "
                            "code",
                            "tenants.csv", (size_t)17, "nace", "62.O1");
    ck_assert_int_eq(st, S3_EINPUT);
    ck_assert_int_eq(s3_ctx_status(ctx), S3_EINPUT);
    ck_assert_str_eq(s3_ctx_message(ctx),
                     "tenants.csv:17: column 'nace': '62.O1' is not a NACE "
                     "Rev. 2 code");
    /* a later failure replaces the earlier one */
    s3i_fail(ctx, S3_EIO, "out: %d", 2385);
    ck_assert_int_eq(s3_ctx_status(ctx), S3_EIO);
    ck_assert_str_eq(s3_ctx_message(ctx), "out: 2385");
    s3_ctx_free(ctx);
    s3_ctx_free(NULL);
}
END_TEST

/* A message longer than the context's buffer is cut, and the cut never
 * leaves half a UTF-8 character (a value from the data may hold any). */
START_TEST(fail_cuts_long_message_on_character)
{
    s3_ctx *ctx = s3_ctx_new();
    /* the context's message buffer, and a value three times as long */
    enum { CAP = sizeof ctx->msg };
    static char value[3 * CAP];
    /* "ü" (2 bytes), "€" (3 bytes), "𝄞" (4 bytes) after every offset */
    const char *chars[] = {"\xC3\xBC", "\xE2\x82\xAC", "\xF0\x9D\x84\x9E"};
    for (size_t shift = 0; shift < 8; shift++)
        for (size_t c = 0; c < 3; c++) {
            size_t n = 0;
            for (size_t i = 0; i < shift; i++)
                value[n++] = 'x';
            while (n + 4 < sizeof value - 1) {
                size_t l = strlen(chars[c]);
                memcpy(value + n, chars[c], l);
                n += l;
            }
            value[n] = '\0';
            s3i_fail(ctx, S3_EINPUT, "centres.csv:3: column 'name': '%s'",
                     value);
            const char *m = s3_ctx_message(ctx);
            size_t len = strlen(m);
            ck_assert_uint_lt(len, CAP);
            ck_assert_uint_gt(len, CAP - 5);
            ck_assert_msg(s3i_utf8_valid(m, len),
                          "shift %zu, %zu-byte characters: the message ends "
                          "inside a character",
                          shift, strlen(chars[c]));
            ck_assert_int_eq(strncmp(m, "centres.csv:3: column 'name': '", 31),
                             0);
        }
    s3_ctx_free(ctx);
}
END_TEST

/* A value cut at a byte count inside the message ("%.2s" of "aäb", or a
 * file's errors joined) leaves no half character: the stray bytes become
 * '?', the rest is kept. */
START_TEST(fail_repairs_cut_inside)
{
    s3_ctx *ctx = s3_ctx_new();
    s3i_fail(ctx, S3_EINPUT, "x: '%.2s' then '%s'",
             "a\xC3\xA4"
             "b",
             "\xC3\xA4\xE2\x82\xAC");
    ck_assert_str_eq(s3_ctx_message(ctx),
                     "x: 'a?' then '\xC3\xA4\xE2\x82\xAC'");
    s3i_fail(ctx, S3_EINPUT, "%s", "\xFF\x80ok\xF0\x9D\x84");
    /* (a character cut at the very end is dropped, as before) */
    ck_assert_str_eq(s3_ctx_message(ctx), "??ok");
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(utf8_cut)
{
    struct {
        const char *in, *out;
    } cases[] = {
        {"abc", "abc"},
        {"ab\xC3\xBC", "ab\xC3\xBC"},         /* complete ü */
        {"ab\xC3", "ab"},                     /* lead byte alone */
        {"ab\xE2\x82", "ab"},                 /* 2 of 3 bytes */
        {"ab\xE2\x82\xAC", "ab\xE2\x82\xAC"}, /* complete € */
        {"\xF0\x9D\x84", ""},                 /* 3 of 4 bytes */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[16];
        strcpy(buf, cases[i].in);
        s3i_utf8_cut(buf);
        ck_assert_msg(strcmp(buf, cases[i].out) == 0, "case %zu", i);
    }
}
END_TEST

START_TEST(threads_setting)
{
    s3_ctx *ctx = s3_ctx_new();
    int online = s3i_threads(ctx); /* the default: 1 or 2 */
    ck_assert(online == 1 || online == 2);
    s3_ctx_set_threads(ctx, 1);
    ck_assert_int_eq(s3i_threads(ctx), 1);
    s3_ctx_set_threads(ctx, 3);
    ck_assert_int_eq(s3i_threads(ctx), 3);
    s3_ctx_set_threads(ctx, -7); /* back to the default */
    ck_assert_int_eq(s3i_threads(ctx), online);
    s3_ctx_free(ctx);
}
END_TEST

/* ---- growable arrays ------------------------------------------------------
 */

START_TEST(reserve_grows_and_keeps)
{
    double *v = NULL;
    size_t cap = 0;
    for (size_t n = 1; n <= 10000; n++) {
        ck_assert_int_eq(s3i_reserve(&v, &cap, n, sizeof *v), 0);
        ck_assert_uint_ge(cap, n);
        v[n - 1] = 2.385 * (double)n;
    }
    for (size_t n = 1; n <= 10000; n++)
        ck_assert_double_eq(v[n - 1], 2.385 * (double)n);
    /* asking for less than the capacity changes nothing */
    double *before = v;
    size_t cap_before = cap;
    ck_assert_int_eq(s3i_reserve(&v, &cap, 17, sizeof *v), 0);
    ck_assert_ptr_eq(v, before);
    ck_assert_uint_eq(cap, cap_before);
    free(v);
}
END_TEST

/* a size whose bytes overflow size_t is refused, the array unchanged */
START_TEST(reserve_overflow_refused)
{
    double *v = NULL;
    size_t cap = 0;
    ck_assert_int_eq(s3i_reserve(&v, &cap, 4, sizeof *v), 0);
    v[0] = 2.385;
    double *before = v;
    size_t cap_before = cap;
    ck_assert_int_eq(s3i_reserve(&v, &cap, SIZE_MAX / 4, sizeof *v), -1);
    ck_assert_int_eq(s3i_reserve(&v, &cap, SIZE_MAX, 1), -1);
    ck_assert_ptr_eq(v, before);
    ck_assert_uint_eq(cap, cap_before);
    ck_assert_double_eq(v[0], 2.385);
    free(v);
}
END_TEST

/* ---- the arena ------------------------------------------------------------
 */

/* Copies: NUL-terminated, independent of the source, never moved by
 * later copies; copies larger than a block get a block of their own. */
START_TEST(arena_copies_stay)
{
    enum { N = 40000 };
    s3i_arena a = {0};
    static char *p[N];
    char buf[64];
    for (size_t i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "Small Firm %05zu GmbH", i);
        p[i] = s3i_arena_strndup(&a, buf, (size_t)n);
        ck_assert_ptr_nonnull(p[i]);
        buf[0] = '?';
    }
    for (size_t i = 0; i < N; i++) {
        snprintf(buf, sizeof buf, "Small Firm %05zu GmbH", i);
        ck_assert_str_eq(p[i], buf);
    }
    /* strndup copies len bytes, also NUL bytes, and adds a NUL */
    char *q = s3i_arena_strndup(&a, "62.01\0xy", 8);
    ck_assert_int_eq(memcmp(q, "62.01\0xy", 9), 0);
    char *e = s3i_arena_strndup(&a, "ignored", 0);
    ck_assert_str_eq(e, "");
    /* larger than a block (64 kB) */
    size_t big = 200000;
    char *src = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        src[i] = (char)('a' + i % 23);
    src[big] = '\0';
    char *b = s3i_arena_strdup(&a, src);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(memcmp(b, src, big + 1), 0);
    /* and small copies after it still work, the earlier ones unchanged */
    char *after = s3i_arena_strdup(&a, "after");
    ck_assert_str_eq(after, "after");
    ck_assert_str_eq(p[0], "Small Firm 00000 GmbH");
    ck_assert_str_eq(p[N - 1], "Small Firm 39999 GmbH");
    free(src);
    s3i_arena_free(&a);
    ck_assert_ptr_null(a.head);
    s3i_arena_free(&a); /* freeing twice is harmless */
}
END_TEST

/* ---- the map: edge cases --------------------------------------------------
 */

START_TEST(map_empty_and_nul_keys)
{
    s3i_map m = {0};
    ck_assert_uint_eq(s3i_map_put(&m, "", 0, 2385), 2385);
    ck_assert_uint_eq(s3i_map_get(&m, "", 0), 2385);
    /* keys are byte strings of a length: NUL bytes are part of them */
    ck_assert_uint_eq(s3i_map_put(&m, "a\0b", 3, 1), 1);
    ck_assert_uint_eq(s3i_map_put(&m, "a\0c", 3, 2), 2);
    ck_assert_uint_eq(s3i_map_put(&m, "a", 1, 3), 3);
    ck_assert_uint_eq(s3i_map_get(&m, "a\0b", 3), 1);
    ck_assert_uint_eq(s3i_map_get(&m, "a\0c", 3), 2);
    ck_assert_uint_eq(s3i_map_get(&m, "a\0", 2), S3I_NONE);
    ck_assert_uint_eq(s3i_map_get(&m, "a", 1), 3);
    ck_assert_uint_eq(m.n, 4);
    s3i_map_free(&m);
}
END_TEST

/* keys that share a prefix of 8, 16, 24 bytes and differ in one byte at
 * each position after it (the hash reads eight bytes at a time) */
START_TEST(map_keys_differ_late)
{
    s3i_map m = {0};
    static char keys[40 * 40][41];
    size_t n = 0;
    for (size_t len = 9; len <= 40; len++)
        for (size_t pos = 0; pos < len; pos++) {
            memset(keys[n], 'k', len);
            keys[n][len] = '\0';
            keys[n][pos] = 'K';
            ck_assert_uint_eq(s3i_map_put(&m, keys[n], len, n), n);
            n++;
        }
    ck_assert_uint_eq(m.n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(s3i_map_get(&m, keys[i], strlen(keys[i])), i);
    /* the all-lowercase keys were never stored */
    char miss[41];
    for (size_t len = 9; len <= 40; len++) {
        memset(miss, 'k', len);
        ck_assert_uint_eq(s3i_map_get(&m, miss, len), S3I_NONE);
    }
    s3i_map_free(&m);
}
END_TEST

static Suite *
base_suite(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("context");
    tcase_add_test(tc, strerror_table);
    tcase_add_test(tc, fail_keeps_status_and_message);
    tcase_add_test(tc, fail_cuts_long_message_on_character);
    tcase_add_test(tc, fail_repairs_cut_inside);
    tcase_add_test(tc, utf8_cut);
    tcase_add_test(tc, threads_setting);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_test(tc, reserve_grows_and_keeps);
    tcase_add_test(tc, reserve_overflow_refused);
    tcase_add_test(tc, arena_copies_stay);
    suite_add_tcase(s, tc);
    tc = tcase_create("map");
    tcase_add_test(tc, map_empty_and_nul_keys);
    tcase_add_test(tc, map_keys_differ_late);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    Suite *s[] = {base_suite()};
    return s3t_run(s, 1);
}
