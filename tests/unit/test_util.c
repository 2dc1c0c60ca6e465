/*
 * test_util.c — unit tests of the engine's internal helpers (engine/util.c:
 * numbers, dates, UTF-8, the string map; SHA-256 as csvread.c computes
 * it with nettle; engine/output.c: number formatting;
 * engine/codes.c: NACE and IPC normalisation against the reference tables
 * in $S3_REFDIR).
 *
 * Parsed numbers are compared for exact equality with a C literal or with
 * strtod in the C locale: both are correctly rounded, so a correct parser
 * gives the identical double.
 *
 * Run with S3_REFDIR=<repo>/datasets/reference CK_VERBOSITY=verbose.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "output/output.h"

/* ---- helpers ------------------------------------------------------------ */

/* s3i_parse_number on a C string; the result must be exactly `want`. */
#define ck_parse_eq(str, comma, want)                                          \
    do {                                                                       \
        const char *s_ = (str);                                                \
        const double w_ = (want);                                              \
        double v_ = -2.385;                                                    \
        int rc_ = s3i_parse_number(s_, strlen(s_), (comma), &v_);              \
        ck_assert_msg(rc_ == 0, "parse_number(\"%s\", comma=%d) failed", s_,   \
                      (comma));                                                \
        ck_assert_msg(v_ == w_,                                                \
                      "parse_number(\"%s\", comma=%d) = %.17g, expected "      \
                      "%.17g",                                                 \
                      s_, (comma), v_, w_);                                    \
    } while (0)

#define ck_parse_rejects(str, comma)                                           \
    do {                                                                       \
        const char *s_ = (str);                                                \
        double v_ = -2.385;                                                    \
        int rc_ = s3i_parse_number(s_, strlen(s_), (comma), &v_);              \
        ck_assert_msg(rc_ == -1,                                               \
                      "parse_number(\"%s\", comma=%d) accepted (%.17g), "      \
                      "expected -1",                                           \
                      s_, (comma), v_);                                        \
    } while (0)

/* ---- s3i_parse_number ---------------------------------------------------- */

START_TEST(number_plain)
{
    ck_parse_eq("2.385", 0, 2.385);
    ck_parse_eq("42", 0, 42.0);
    ck_parse_eq("0.0625", 0, 0.0625);
    ck_parse_eq("1234567.891", 0, 1234567.891);
    ck_parse_eq("007.25", 0, 7.25);
    ck_parse_eq("  2.385\t", 0, 2.385); /* blanks around are allowed */
    ck_parse_eq("17.", 0, 17.0);
    /* the same text in decimal-comma mode without separators */
    ck_parse_eq("42", 1, 42.0);
}
END_TEST

START_TEST(number_signs)
{
    ck_parse_eq("-2.385", 0, -2.385);
    ck_parse_eq("+2.385", 0, 2.385);
    ck_parse_eq("-0.75", 0, -0.75);
    ck_parse_eq("-0,75", 1, -0.75);
    ck_parse_eq("+1.234,5", 1, 1234.5);
}
END_TEST

START_TEST(number_exponents)
{
    ck_parse_eq("2.385e3", 0, 2.385e3);
    ck_parse_eq("2.385E-3", 0, 2.385e-3);
    ck_parse_eq("-1.5e+2", 0, -1.5e+2);
    ck_parse_eq("7e0", 0, 7.0);
    ck_parse_eq("6.02214076e23", 0, 6.02214076e23);
    ck_parse_eq("1e-300", 0, 1e-300);
    ck_parse_eq("2,385e2", 1, 238.5); /* comma mode: 2.385 · 10² */
}
END_TEST

START_TEST(number_decimal_comma)
{
    ck_parse_eq("1.234,5", 1, 1234.5); /* thousands dot, decimal comma */
    ck_parse_eq("2,385", 1, 2.385);
    ck_parse_eq("1.234.567,89", 1, 1234567.89);
    ck_parse_eq("1.234", 1, 1234.0); /* a dot is only a thousands dot */
    ck_parse_eq("1234,5", 1, 1234.5);
    /* in point mode "2.385" is 2.385, in comma mode 2385 (thousands) */
    ck_parse_eq("2.385", 1, 2385.0);
}
END_TEST

START_TEST(number_rejects)
{
    static const char *const bad_point[] = {
        "",     "   ",   "abc",      "1,2",     "nan",    "NaN",
        "inf",  "-inf",  "Infinity", "1e999",   "-1e999", "1.2.3",
        "1e",   "1e+",   "+",        "-",       "- 2",    "2.385abc",
        "0x1A", "1 000", "1..2",     "1,234.5", ".",
    };
    static const char *const bad_comma[] = {
        "12,34,5",  /* two decimal commas */
        "12.34",    /* a thousands group of 2 digits */
        "1234.567", /* 4 digits before a thousands dot */
        "1.23,4",   /* group of 2 before the comma */
        "1,2.345",  /* thousands dot after the decimal comma */
        "nan",      "inf", "1e999", "",
    };
    for (size_t i = 0; i < sizeof bad_point / sizeof *bad_point; i++)
        ck_parse_rejects(bad_point[i], 0);
    for (size_t i = 0; i < sizeof bad_comma / sizeof *bad_comma; i++)
        ck_parse_rejects(bad_comma[i], 1);
}
END_TEST

START_TEST(number_explicit_length)
{
    /* only len bytes are read: "2.385" out of "2.3859999" */
    double v = 0.0;
    ck_assert_int_eq(s3i_parse_number("2.3859999", 5, 0, &v), 0);
    ck_assert(v == 2.385);
}
END_TEST

START_TEST(number_17_digits_like_strtod)
{
    /* 17 or more significant digits take the slow path; the result must be
     * what strtod gives in the C locale (this program never calls
     * setlocale, so strtod runs in the C locale). */
    static const char *const v[] = {
        "0.10000000000000001",
        "0.30000000000000004441",
        "2.3850000000000000088817841970012523",
        "9007199254740993",            /* 2^53 + 1: a tie, to even */
        "9007199254740993.0000000001", /* just above the tie: up */
        "123456789012345678901234567890",
        "3.14159265358979323846264338327950288",
        "1.7976931348623157e308",  /* DBL_MAX */
        "4.9406564584124654e-324", /* the least subnormal */
        "2.2250738585072011e-308",
        "-98765432109876543.21",
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        ck_parse_eq(v[i], 0, strtod(v[i], NULL));
    /* decimal-comma mode: the same digits with a comma */
    ck_parse_eq("2,3850000000000000088817841970012523", 1,
                strtod("2.3850000000000000088817841970012523", NULL));
    ck_parse_eq("1.234,56789012345678901", 1,
                strtod("1234.56789012345678901", NULL));
}
END_TEST

START_TEST(number_long_mantissa_like_strtod)
{
    /* A finite number may have any number of digits: the exact decimal
     * value of the double nearest 0.1 (55 significant digits, 57
     * characters) is 0.1; a 62-character number just above the tie
     * 2^53 + 1 rounds up to 2^53 + 2.  Expected values from strtod. */
    static const char *const v[] = {
        "0.1000000000000000055511151231257827021181583404541015625",
        "9007199254740993.000000000000000000000000000000000000000000001",
        "0.000000000000000000000000000000000000000000000000000000000002385",
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        ck_parse_eq(v[i], 0, strtod(v[i], NULL));
}
END_TEST

/* ---- s3i_format_number (engine/output.c) --------------------------------- */

/* Format v, then read it back with strtod (C locale) and with the engine's
 * parser: both must give v exactly. */
static void
check_round_trip(double v)
{
    char buf[32];
    memset(buf, 'x', sizeof buf);
    s3i_format_number(v, buf);
    ck_assert_msg(memchr(buf, '\0', sizeof buf) != NULL,
                  "format(%.17g): no NUL within 32 bytes", v);
    ck_assert_msg(buf[0] != '\0', "format(%.17g) is empty", v);
    ck_assert_msg(strchr(buf, ',') == NULL, "format(%.17g) = \"%s\"", v, buf);
    char *end;
    double back = strtod(buf, &end);
    ck_assert_msg(*end == '\0' && back == v,
                  "format(%.17g) = \"%s\" reads back as %.17g", v, buf, back);
    double mine = 0.0;
    ck_assert_int_eq(s3i_parse_number(buf, strlen(buf), 0, &mine), 0);
    ck_assert_msg(mine == v, "format(%.17g) = \"%s\" parses as %.17g", v, buf,
                  mine);
}

START_TEST(format_round_trip)
{
    const double v[] = {0.1,
                        1.0 / 3.0,
                        1e-300,
                        -2.5e17,
                        2.385,
                        -7.0 / 3.0,
                        0.1 + 0.2,
                        123456.789,
                        DBL_MAX,
                        DBL_MIN,
                        4.9406564584124654e-324,
                        1e21,
                        9007199254740994.0,
                        -1e-300,
                        6.02214076e23,
                        1234567.891};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        check_round_trip(v[i]);
}
END_TEST

START_TEST(format_shortest_text)
{
    /* expected texts are the shortest round-trip forms (as printed by
     * Python's repr, and by printf "%.15g" for these values) */
    char buf[32];
    s3i_format_number(0.1, buf);
    ck_assert_str_eq(buf, "0.1");
    s3i_format_number(1.0 / 3.0, buf);
    ck_assert_str_eq(buf, "0.3333333333333333"); /* 16 digits */
    s3i_format_number(0.1 + 0.2, buf);
    ck_assert_str_eq(buf, "0.30000000000000004"); /* 17 digits */
    s3i_format_number(1e-300, buf);
    ck_assert_str_eq(buf, "1e-300");
    s3i_format_number(-2.5e17, buf);
    ck_assert_str_eq(buf, "-2.5e+17");
    s3i_format_number(2.385, buf);
    ck_assert_str_eq(buf, "2.385");
}
END_TEST

/* The formatter against the plain three-printf loop it replaces, on a
 * 100,000 doubles: random bit patterns, fractions k/n, values next to
 * decimal ties, powers of ten and their neighbours. */
static void
format_reference(double v, char buf[32])
{
    if (v == 0.0)
        v = 0.0;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        double back = strtod(buf, NULL);
        if (back == v)
            return;
    }
}

START_TEST(format_same_as_printf_loop)
{
    char got[32], want[32];
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (long i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        switch (i % 5) {
        case 0: /* any finite double */
            memcpy(&v, &x, sizeof v);
            if (!isfinite(v))
                continue;
            break;
        case 1: /* a fraction, like a share or a probability */
            v = (double)(x % 100000) / (double)(1 + (x >> 40) % 9999);
            break;
        case 2: /* a decimal with 15 to 17 digits and a 5 where it rounds */
            v = ((double)(x % 1000000000000000ULL) + 0.5) * 1e-10;
            break;
        case 3: /* next to a power of ten */
            v = nextafter(pow(10.0, (double)((int)(x % 60) - 30)),
                          x & 1 ? INFINITY : 0.0);
            break;
        default: /* a product of uniform numbers, like a cosine */
            v = ((double)(x >> 11) / 9007199254740992.0) *
                ((double)(x % 1000) / 999.0);
            break;
        }
        if (v == trunc(v) && fabs(v) < 1e15)
            continue; /* the whole-number path, tested above */
        s3i_format_number(v, got);
        format_reference(v, want);
        ck_assert_msg(strcmp(got, want) == 0, "%.17g: '%s', printf '%s'", v,
                      got, want);
    }
}
END_TEST

START_TEST(format_nan_empty)
{
    char buf[32] = "x";
    s3i_format_number(NAN, buf);
    ck_assert_str_eq(buf, "");
    strcpy(buf, "x");
    s3i_format_number(-NAN, buf);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(format_no_negative_zero)
{
    char buf[32];
    s3i_format_number(-0.0, buf);
    ck_assert_str_eq(buf, "0");
    s3i_format_number(0.0, buf);
    ck_assert_str_eq(buf, "0");
    /* a tiny negative number is not zero and keeps its sign */
    s3i_format_number(-2.385e-300, buf);
    ck_assert_str_eq(buf, "-2.385e-300");
}
END_TEST

/* Whole numbers take a path of their own: the same text as "%.15g", and
 * from 10^15 on the general path ("1e+15") */
START_TEST(format_whole_numbers_like_printf)
{
    char buf[32], want[32];
    double v[] = {1,
                  -1,
                  7,
                  10,
                  99,
                  100,
                  1e6,
                  4294967296.0,
                  123456789012345.0,
                  -999999999999999.0,
                  1e15,
                  -1e15,
                  2e15,
                  9007199254740992.0,
                  1e300};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        s3i_format_number(v[i], buf);
        snprintf(want, sizeof want, "%.15g", v[i]);
        if (fabs(v[i]) >= 1e15) {
            /* the general path: shortest text that reads back */
            ck_assert_double_eq(strtod(buf, NULL), v[i]);
        } else {
            ck_assert_str_eq(buf, want);
        }
    }
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d = (double)(int64_t)(x % 2000000000000000ULL) - 1e15;
        s3i_format_number(d, buf);
        snprintf(want, sizeof want, "%.15g", d);
        if (fabs(d) < 1e15)
            ck_assert_str_eq(buf, want);
    }
}
END_TEST

/* ---- s3i_parse_date ------------------------------------------------------ */

#define ck_date_eq(str, want)                                                  \
    do {                                                                       \
        const char *s_ = (str);                                                \
        int32_t d_ = -1;                                                       \
        ck_assert_msg(s3i_parse_date(s_, strlen(s_), &d_) == 0,                \
                      "parse_date(\"%s\") failed", s_);                        \
        ck_assert_int_eq(d_, (want));                                          \
    } while (0)

START_TEST(date_valid)
{
    ck_date_eq("2024-02-29", 20240229); /* 2024 is a leap year */
    ck_date_eq("2000-02-29", 20000229); /* divisible by 400: leap */
    ck_date_eq("2025-12-31", 20251231);
    ck_date_eq("1998-07-04", 19980704);
    ck_date_eq("31.12.2025", 20251231); /* German DD.MM.YYYY */
    ck_date_eq("29.02.2024", 20240229);
    ck_date_eq("01.03.2023", 20230301);
}
END_TEST

START_TEST(date_invalid)
{
    static const char *const bad[] = {
        "2023-02-29", /* 2023 is not a leap year */
        "1900-02-29", /* divisible by 100, not by 400 */
        "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00",
        "2025-01-32", "31.13.2025", "32.01.2025", "29.02.2023",
        "2025-1-01",  "2025/01/01", "",           "2025-01-01 ",
        "20250101",   "31.12.25",   "2025-0a-01", "2025-01-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int32_t d = 0;
        ck_assert_msg(s3i_parse_date(bad[i], strlen(bad[i]), &d) == -1,
                      "parse_date(\"%s\") accepted (%d)", bad[i], (int)d);
    }
}
END_TEST

/* ---- s3i_utf8_valid ------------------------------------------------------ */

#define UTF8_OK(lit) s3i_utf8_valid(lit, sizeof(lit) - 1)

START_TEST(utf8_ascii)
{
    ck_assert(UTF8_OK("Technologiezentrum Ruhr, 2.385 m2"));
    ck_assert(s3i_utf8_valid("", 0));
}
END_TEST

START_TEST(utf8_multibyte_valid)
{
    ck_assert(UTF8_OK("M\xC3\xBCller"));      /* Müller */
    ck_assert(UTF8_OK("\xE2\x82\xAC 2,385")); /* € */
    ck_assert(UTF8_OK("\xF0\x9F\x98\x80"));   /* U+1F600 */
    ck_assert(UTF8_OK("\xC2\x80"));           /* U+0080, least 2-byte */
    ck_assert(UTF8_OK("\xDF\xBF"));           /* U+07FF */
    ck_assert(UTF8_OK("\xE0\xA0\x80"));       /* U+0800, least 3-byte */
    ck_assert(UTF8_OK("\xED\x9F\xBF"));       /* U+D7FF, before surr. */
    ck_assert(UTF8_OK("\xEE\x80\x80"));       /* U+E000, after surr. */
    ck_assert(UTF8_OK("\xEF\xBF\xBF"));       /* U+FFFF */
    ck_assert(UTF8_OK("\xF0\x90\x80\x80"));   /* U+10000 */
    ck_assert(UTF8_OK("\xF4\x8F\xBF\xBF"));   /* U+10FFFF, the last */
    ck_assert(UTF8_OK("D\xC3\xBCsseldorf \xE2\x80\x93 Essen")); /* – */
}
END_TEST

START_TEST(utf8_overlong_rejected)
{
    ck_assert(!UTF8_OK("\xC0\xAF"));         /* '/' in 2 bytes */
    ck_assert(!UTF8_OK("\xC1\xBF"));         /* U+007F in 2 bytes */
    ck_assert(!UTF8_OK("\xE0\x80\xAF"));     /* '/' in 3 bytes */
    ck_assert(!UTF8_OK("\xE0\x9F\xBF"));     /* U+07FF in 3 bytes */
    ck_assert(!UTF8_OK("\xF0\x80\x80\xAF")); /* '/' in 4 bytes */
    ck_assert(!UTF8_OK("\xF0\x8F\xBF\xBF")); /* U+FFFF in 4 bytes */
}
END_TEST

START_TEST(utf8_surrogate_rejected)
{
    ck_assert(!UTF8_OK("\xED\xA0\x80"));   /* U+D800 */
    ck_assert(!UTF8_OK("\xED\xBF\xBF"));   /* U+DFFF */
    ck_assert(!UTF8_OK("a\xED\xB0\x80z")); /* U+DC00 inside text */
}
END_TEST

START_TEST(utf8_truncated_rejected)
{
    ck_assert(!UTF8_OK("\xE2\x82")); /* € without its last byte */
    ck_assert(!UTF8_OK("\xC3"));
    ck_assert(!UTF8_OK("abc\xF0\x9F\x98"));
    ck_assert(!UTF8_OK("\xE2\x82"
                       "A")); /* continuation missing */
    ck_assert(!UTF8_OK("\xC3\x28"));
    /* a valid sequence cut by the explicit length */
    ck_assert(!s3i_utf8_valid("M\xC3\xBCller", 2));
}
END_TEST

START_TEST(utf8_invalid_bytes)
{
    ck_assert(!UTF8_OK("\x80")); /* lone continuation */
    ck_assert(!UTF8_OK("ab\xBF"));
    ck_assert(!UTF8_OK("\xFE"));
    ck_assert(!UTF8_OK("\xFF"));
    ck_assert(!UTF8_OK("\xF5\x80\x80\x80")); /* lead byte beyond F4 */
    ck_assert(!UTF8_OK("\xF4\x90\x80\x80")); /* U+110000 */
    ck_assert(!UTF8_OK("M\xFCller"));        /* Latin-1 ü */
}
END_TEST

START_TEST(utf8_embedded_nul)
{
    const char s[] = "ab\0cd";
    ck_assert(!s3i_utf8_valid(s, 5));
    ck_assert(s3i_utf8_valid(s, 2)); /* the length stops before the NUL */
    ck_assert(!s3i_utf8_valid("\xC3\xBC\0", 3));
}
END_TEST

/* ---- SHA-256 --------------------------------------------------------------
 */

/* The digest as the engine computes a file's fingerprint (csvread.c):
 * nettle's sha256_init and sha256_update, s3i_sha256_hex to finish. */
static void
sha_hex(const void *data, size_t len, char hex[65])
{
    struct sha256_ctx s;
    sha256_init(&s);
    sha256_update(&s, len, data);
    s3i_sha256_hex(&s, hex);
}

/* Pseudo-random bytes: byte i is the top byte of x_{i+1} in Knuth's MMIX
 * generator x_{i+1} = 6364136223846793005 x_i + 1442695040888963407
 * (mod 2^64), x_0 = seed. */
static void
sha_prng_bytes(unsigned char *m, size_t n, uint64_t seed)
{
    uint64_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        m[i] = (unsigned char)(x >> 56);
    }
}

/* The digest of m fed in chunks of 1, 2, ..., 199, 1, 2, ... bytes (the
 * uneven sizes alternate buffered, direct and many-block updates). */
static void
sha_hex_chunked(const unsigned char *m, size_t len, char hex[65])
{
    struct sha256_ctx s;
    sha256_init(&s);
    for (size_t i = 0, c = 1; i < len; c = c % 199 + 1) {
        size_t n = c < len - i ? c : len - i;
        sha256_update(&s, n, m + i);
        i += n;
    }
    s3i_sha256_hex(&s, hex);
}

/* The FIPS 180-2 appendix B / NIST CSRC example vectors of SHA-256 (FIPS
 * 180-4), and `sha256sum`. */
START_TEST(sha256_empty)
{
    char hex[65];
    sha_hex("", 0, hex);
    ck_assert_str_eq(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(sha256_abc)
{
    char hex[65];
    sha_hex("abc", 3, hex);
    ck_assert_str_eq(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(sha256_two_blocks_56)
{
    /* 56 bytes: the length no longer fits the first block's padding */
    static const char m[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ck_assert_uint_eq(sizeof m - 1, 56);
    char hex[65];
    sha_hex(m, 56, hex);
    ck_assert_str_eq(
        hex,
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(sha256_112)
{
    static const char m[] =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    ck_assert_uint_eq(sizeof m - 1, 112);
    char hex[65];
    sha_hex(m, 112, hex);
    ck_assert_str_eq(
        hex,
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}
END_TEST

START_TEST(sha256_million_a_uneven_chunks)
{
    /* one million 'a' fed in chunks of 1, 63, 64, 65, 7, 128, 1000, 3, ...
     * bytes, so that buffered and direct block paths alternate */
    static const size_t chunk[] = {1, 63, 64, 65, 7, 128, 1000, 3, 55, 4097};
    char *a = malloc(4097);
    ck_assert_ptr_nonnull(a);
    memset(a, 'a', 4097);
    struct sha256_ctx s;
    sha256_init(&s);
    size_t left = 1000000, k = 0;
    while (left) {
        size_t n = chunk[k++ % (sizeof chunk / sizeof *chunk)];
        if (n > left)
            n = left;
        sha256_update(&s, n, (const uint8_t *)a);
        left -= n;
    }
    free(a);
    char hex[65];
    s3i_sha256_hex(&s, hex);
    ck_assert_str_eq(
        hex,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(sha256_padding_boundaries)
{
    /* message byte i = 'a' + (7·i mod 26); expected digests from
     * python3 -c "import sys; sys.stdout.write(''.join(chr(97+(i*7)%26)
     *   for i in range(N)))" | sha256sum */
    static const struct {
        size_t n;
        const char *hex;
    } v[] = {
        {55,
         "7cda990214cc40c5e59b2a5f09f1c34da7ea4a7d44479d36b150ea7c04aa009a"},
        {56,
         "642b572edefc37c5664b4b95a7a83bdc5617dc06b241bfac5c8094b10fec734e"},
        {63,
         "125d5830922e3666b5891332b54f12d328861b7ec30fec51a03fa27bbe549642"},
        {64,
         "15c32cfa73534b3c34a1244e4331e3757b34daf267f6a7322d471c849e3a5c65"},
        {65,
         "ddd761939cd192b02ac5b652b6f4763b0351e0c40a325432c318b0aab6c4afc5"},
        {119,
         "a1913d07c18ff09efb38be9e5317b92e7a4cf103f6fb7448257c30c7cab59462"},
        {120,
         "f9fe9011baded2c49c901e5d4d74f66a00f057070e9e9d641b566eeea45f3be3"},
    };
    char m[128], hex[65];
    for (size_t i = 0; i < sizeof m; i++)
        m[i] = (char)('a' + (7 * i) % 26);
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        sha_hex(m, v[i].n, hex);
        ck_assert_msg(strcmp(hex, v[i].hex) == 0, "length %zu: %s", v[i].n,
                      hex);
    }
}
END_TEST

START_TEST(sha256_chunking_invariant)
{
    /* for every length 0..200: one call, byte by byte, and two calls split
     * at len/3 give the same digest */
    unsigned char m[200];
    for (size_t i = 0; i < sizeof m; i++)
        m[i] = (unsigned char)(i * 31 + 7);
    for (size_t len = 0; len <= sizeof m; len++) {
        char one[65], bytes[65], split[65];
        sha_hex(m, len, one);
        struct sha256_ctx s;
        sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            sha256_update(&s, 1, m + i);
        s3i_sha256_hex(&s, bytes);
        sha256_init(&s);
        sha256_update(&s, len / 3, m);
        sha256_update(&s, len - len / 3, m + len / 3);
        s3i_sha256_hex(&s, split);
        ck_assert_msg(strcmp(one, bytes) == 0 && strcmp(one, split) == 0,
                      "length %zu: %s / %s / %s", len, one, bytes, split);
    }
}
END_TEST

START_TEST(sha256_prng_100000_like_sha256sum)
{
    /* 100000 bytes of sha_prng_bytes(seed 2385), fed in uneven chunks;
     * the expected digest is from
     *   python3 -c "import sys
     *   x=2385;b=bytearray()
     *   for i in range(100000):
     *       x=(x*6364136223846793005+1442695040888963407)%2**64
     *       b.append(x>>56)
     *   sys.stdout.buffer.write(b)" | sha256sum
     * (the bytes begin e7 7c 3f a1 94 a1 89 5e) */
    enum { N = 100000 };
    unsigned char *m = malloc(N);
    ck_assert_ptr_nonnull(m);
    sha_prng_bytes(m, N, 2385);
    ck_assert_uint_eq(m[0], 0xe7);
    ck_assert_uint_eq(m[7], 0x5e);
    char one[65], chunked[65];
    sha_hex(m, N, one);
    sha_hex_chunked(m, N, chunked);
    free(m);
    ck_assert_str_eq(
        one,
        "bb173372eee0c9c20362809cc43bf5e0718a168d89b4f6f0ac1e7eee35d8ff62");
    ck_assert_str_eq(one, chunked);
}
END_TEST

/* ---- s3i_map ------------------------------------------------------------- */

/* ---- id tables (idtab.c) ------------------------------------------------ */

/* ids up to 15 bytes are their own fingerprint: distinct ids, distinct
 * fingerprints, also for ids that differ only in length or a last byte */
START_TEST(fingerprint_short_exact)
{
    const char *ids[] = {"",
                         "a",
                         "a\x01",
                         "ab",
                         "P1",
                         "P10",
                         "P01",
                         "abcdefgh",
                         "abcdefgh1",
                         "abcdefghijklmno",
                         "abcdefghijklmnp",
                         "0123456789abcde"};
    size_t n = sizeof ids / sizeof *ids;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            s3i_fp a, b;
            s3i_fingerprint(ids[i], strlen(ids[i]), &a);
            s3i_fingerprint(ids[j], strlen(ids[j]), &b);
            ck_assert_int_eq(s3i_fp_equal(&a, &b), i == j);
        }
    /* the bytes and the length, little-endian */
    s3i_fp f;
    s3i_fingerprint("P0000000001", 11, &f);
    ck_assert_uint_eq(f.w[1] >> 56, 11);
    ck_assert_int_eq(memcmp(&f.w[0], "P0000000", 8), 0);
    ck_assert_uint_eq(f.w[1] & 0xFFFFFF,
                      (uint64_t)'0' | (uint64_t)'0' << 8 | (uint64_t)'1' << 16);
    /* long ids are hashed and marked 0xFF; one byte changes the print */
    char a[40] = "EP-2019-0000000000000000000000001", b[40];
    memcpy(b, a, sizeof a);
    b[20] ^= 1;
    s3i_fp fa, fb;
    s3i_fingerprint(a, strlen(a), &fa);
    s3i_fingerprint(b, strlen(b), &fb);
    ck_assert_uint_eq(fa.w[1] >> 56, 0xFF);
    ck_assert(!s3i_fp_equal(&fa, &fb));
}
END_TEST

/* Check a table against the ids it was given: every id has the index of
 * its first arrival, unknown ids are absent. */
static void
check_ids(s3i_idtab *t, char (*ids)[24], size_t n, const size_t *first)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(s3i_idtab_get(t, ids[i], strlen(ids[i])), first[i]);
    ck_assert_uint_eq(s3i_idtab_get(t, "no such id", 10), S3I_NONE);
    ck_assert_uint_eq(s3i_idtab_get(t, "", 0), S3I_NONE);
}

/* Sorted ids use no slots and bisection; the first id out of order builds
 * the slots; repeats get their first index; the same with long ids and in
 * a random order, against a plain reference (first index by scanning). */
START_TEST(idtab_sorted_then_hashed)
{
    enum { N = 30000 };
    static char ids[N][24];
    static size_t first[N], first_of_key[N];
    for (int mode = 0; mode < 3; mode++) {
        s3i_idtab t = {0};
        uint64_t x = 88172645463325252ULL;
        size_t distinct = 0;
        for (size_t k = 0; k < N; k++)
            first_of_key[k] = S3I_NONE;
        for (size_t i = 0; i < N; i++) {
            size_t k;
            if (mode == 0 || i < N / 2) {
                k = i; /* sorted: "P0000012345" */
            } else {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                k = (size_t)(x % (N / 2 + 1000)); /* repeats and new */
            }
            snprintf(ids[i], sizeof ids[i],
                     mode == 2 ? "LONG-ID-%015zu" : "P%010zu", k);
            int is_new = first_of_key[k] == S3I_NONE;
            if (is_new)
                first_of_key[k] = distinct++;
            first[i] = first_of_key[k];
            int added;
            size_t got = s3i_idtab_add(&t, ids[i], strlen(ids[i]), &added);
            ck_assert_uint_eq(got, first[i]);
            ck_assert_int_eq(added, is_new);
            /* sorted short ids keep the table slot-free */
            if (mode == 0)
                ck_assert_uint_eq(t.cap, 0);
        }
        ck_assert_uint_eq(t.n, distinct);
        if (mode > 0)
            ck_assert_uint_gt(t.cap, distinct); /* hashed by now */
        check_ids(&t, ids, N, first);
        /* hashing everything later changes no index */
        ck_assert_int_eq(s3i_idtab_hash_all(&t), 0);
        check_ids(&t, ids, N, first);
        s3i_idtab_free(&t);
    }
}
END_TEST

/* ids of different lengths: shorter sorts first, so "P9" then "P10" stays
 * sorted; a shorter one after a longer one is out of order */
START_TEST(idtab_numeric_order)
{
    s3i_idtab t = {0};
    int added;
    const char *seq[] = {"1", "2", "9", "10", "11", "100"};
    for (size_t i = 0; i < 6; i++)
        ck_assert_uint_eq(s3i_idtab_add(&t, seq[i], strlen(seq[i]), &added), i);
    ck_assert_uint_eq(t.cap, 0);
    ck_assert_uint_eq(s3i_idtab_add(&t, "5", 1, &added), 6);
    ck_assert_int_eq(added, 1);
    ck_assert_uint_gt(t.cap, 0);
    ck_assert_uint_eq(s3i_idtab_add(&t, "10", 2, &added), 3);
    ck_assert_int_eq(added, 0);
    s3i_idtab_free(&t);
}
END_TEST

/* ---- reading a large file with two threads (csvread.c) ------------------- */

typedef struct {
    size_t rows, first_id, first_line;
    double sum;
} split_user;

static s3_status
split_header(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)u, (void)r, (void)n, (void)f, (void)len;
    return S3_OK;
}

static s3_status
split_row(void *u, s3i_csv *r, size_t n, char **f, const size_t *len)
{
    (void)n, (void)len;
    split_user *s = u;
    if (s->rows++ == 0) {
        s->first_id = strtoul(f[0], NULL, 10);
        s->first_line = s3i_csv_line(r);
    }
    s->sum += strtod(f[1], NULL);
    return S3_OK;
}

static int
split_fork(void *user, void *user2)
{
    (void)user;
    memset(user2, 0, sizeof(split_user));
    return 1;
}

/* Write N rows "i,i%97,text" and return the path; with quoted set, the
 * text of the row that starts 200 kB before 45 % of the plain file's size
 * is a quoted field of 20,000 lines (500 kB), over the cut. */
static const char *
split_file(size_t n, int quoted)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/s3engine-split-%d.csv", (int)getpid());
    long at = -1;
    for (int pass = 0; pass < 1 + quoted; pass++) {
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("id,value,text\n", f);
        int done = 0;
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%zu,%zu,", i, i % 97);
            if (pass == 1 && !done && ftell(f) >= at) {
                done = 1;
                fputc('"', f);
                for (int k = 0; k < 20000; k++)
                    fputs("a line, with \"\"quotes\"\"\n", f);
                fputs("\"\n", f);
            } else {
                fputs("some text here\n", f);
            }
        }
        if (pass == 0)
            at = ftell(f) * 45 / 100 - 200000;
        ck_assert_int_eq(fclose(f), 0);
    }
    return path;
}

START_TEST(split_read_same_rows)
{
    enum { N = 400000 };
    s3_ctx *ctx = s3_ctx_new();
    s3_ctx *ctx2 = s3_ctx_new();
    s3_ctx_set_threads(ctx, 2);
    /* _i == 0: a plain file, split; 1: a quoted field of 2,000 lines over
     * the cut (45 % of the file), read on by the first thread */
    const char *path = split_file(N, _i);
    split_user a = {0}, b = {0};
    s3i_csv_split sp = {.user2 = &b, .ctx2 = ctx2, .fork = split_fork};
    s3i_csv_info info;
    ck_assert_int_eq(s3i_csv_read_split(ctx, path, "split.csv", 0, split_header,
                                        split_row, &a, &sp, &info),
                     S3_OK);
    ck_assert_uint_eq(info.rows, N);
    ck_assert_int_eq(sp.used, _i == 0);
    size_t rows = a.rows + (sp.used ? b.rows : 0);
    double sum = a.sum + (sp.used ? b.sum : 0);
    ck_assert_uint_eq(rows, N);
    double want = 0;
    for (size_t i = 0; i < N; i++)
        want += (double)(i % 97);
    ck_assert_double_eq(sum, want);
    if (sp.used) {
        /* the second part starts at a row boundary, near 45 % */
        ck_assert_uint_eq(b.first_id, a.rows);
        ck_assert_uint_gt(a.rows, N * 40 / 100);
        ck_assert_uint_lt(a.rows, N * 50 / 100);
        /* its lines count from 1 after the first part's */
        ck_assert_uint_eq(b.first_line, 1);
        ck_assert_uint_eq(sp.lines + b.first_line, b.first_id + 2);
    }
    /* the checksum does not depend on the split */
    s3i_csv_info one;
    split_user c = {0};
    s3_ctx_set_threads(ctx, 1);
    ck_assert_int_eq(s3i_csv_read_split(ctx, path, "split.csv", 0, split_header,
                                        split_row, &c, &sp, &one),
                     S3_OK);
    ck_assert_int_eq(sp.used, 0);
    ck_assert_str_eq(one.sha256, info.sha256);
    ck_assert_uint_eq(c.rows, N);
    unlink(path);
    s3_ctx_free(ctx2);
    s3_ctx_free(ctx);
}
END_TEST

START_TEST(map_put_get_basic)
{
    s3i_map m = {0};
    ck_assert_uint_eq(s3i_map_get(&m, "J", 1), S3I_NONE); /* empty map */
    ck_assert_uint_eq(s3i_map_put(&m, "62.01", 5, 2385), 2385);
    ck_assert_uint_eq(s3i_map_put(&m, "J", 1, 7), 7);
    ck_assert_uint_eq(s3i_map_get(&m, "62.01", 5), 2385);
    ck_assert_uint_eq(s3i_map_get(&m, "J", 1), 7);
    /* the length is part of the key: a prefix is another key */
    ck_assert_uint_eq(s3i_map_get(&m, "62.0", 4), S3I_NONE);
    ck_assert_uint_eq(s3i_map_get(&m, "62.01xyz", 5), 2385);
    ck_assert_uint_eq(s3i_map_get(&m, "K", 1), S3I_NONE);
    ck_assert_uint_eq(m.n, 2);
    s3i_map_free(&m);
    ck_assert_uint_eq(m.cap, 0);
    ck_assert_uint_eq(m.n, 0);
}
END_TEST

START_TEST(map_put_existing_keeps_old)
{
    s3i_map m = {0};
    ck_assert_uint_eq(s3i_map_put(&m, "A61K8", 5, 13), 13);
    /* a second put returns the stored value and changes nothing */
    ck_assert_uint_eq(s3i_map_put(&m, "A61K8", 5, 15), 13);
    ck_assert_uint_eq(s3i_map_get(&m, "A61K8", 5), 13);
    ck_assert_uint_eq(m.n, 1);
    s3i_map_free(&m);
}
END_TEST

START_TEST(map_growth_past_10000)
{
    enum { N = 12345, KL = 24 };
    char *keys = malloc((size_t)N * KL);
    size_t *len = malloc(N * sizeof *len);
    ck_assert_ptr_nonnull(keys);
    ck_assert_ptr_nonnull(len);
    s3i_map m = {0};
    for (size_t i = 0; i < N; i++) {
        char *k = keys + i * KL;
        len[i] = (size_t)snprintf(k, KL, "k%zu-%zu", i * 7919 % 100003, i);
        size_t val = (i * 2654435761u) % 1000003;
        ck_assert_uint_eq(s3i_map_put(&m, k, len[i], val), val);
    }
    ck_assert_uint_eq(m.n, N);
    /* capacity: a power of two, at most 3/4 full */
    ck_assert((m.cap & (m.cap - 1)) == 0);
    ck_assert(m.n * 4 <= m.cap * 3);
    for (size_t i = 0; i < N; i++)
        ck_assert_uint_eq(s3i_map_get(&m, keys + i * KL, len[i]),
                          (i * 2654435761u) % 1000003);
    /* keys never stored */
    char miss[KL];
    for (size_t i = 0; i < 1000; i++) {
        int n = snprintf(miss, sizeof miss, "k%zu-%zu", i, i + N);
        ck_assert_uint_eq(s3i_map_get(&m, miss, (size_t)n), S3I_NONE);
    }
    s3i_map_free(&m);
    free(keys);
    free(len);
}
END_TEST

/* ---- NACE and IPC (engine/codes.c) --------------------------------------- */

static s3_ctx *ref_ctx;
static s3i_ref ref;
static s3_status ref_status = S3_EINTERNAL;
static const char *ref_dir;

static void
ref_setup(void)
{
    memset(&ref, 0, sizeof ref);
    ref_dir = getenv("S3_REFDIR");
    ref_ctx = s3_ctx_new();
    ref_status = S3_EINTERNAL;
    if (ref_dir && *ref_dir && ref_ctx)
        ref_status = s3i_ref_load(ref_ctx, ref_dir, &ref, NULL);
}

static void
ref_teardown(void)
{
    s3i_ref_free(&ref);
    s3_ctx_free(ref_ctx);
    ref_ctx = NULL;
}

/* Every codes test starts with this: the reference must have loaded. */
static void
require_ref(void)
{
    ck_assert_msg(ref_dir && *ref_dir, "S3_REFDIR is not set");
    ck_assert_msg(ref_status == S3_OK, "s3i_ref_load(%s): %s", ref_dir,
                  ref_ctx ? s3_ctx_message(ref_ctx) : "no context");
}

static size_t
nace(const char *s)
{
    return s3i_nace_lookup(&ref, s, strlen(s));
}

#define ck_nace_is(str, code, level)                                           \
    do {                                                                       \
        size_t i_ = nace(str);                                                 \
        ck_assert_msg(i_ != S3I_NONE, "NACE \"%s\" not found", (str));         \
        ck_assert_str_eq(ref.nace_code[i_], (code));                           \
        ck_assert_int_eq(ref.nace_level[i_], (level));                         \
    } while (0)

#define ck_nace_none(str)                                                      \
    do {                                                                       \
        size_t i_ = nace(str);                                                 \
        ck_assert_msg(i_ == S3I_NONE, "NACE \"%s\" accepted as \"%s\"", (str), \
                      ref.nace_code[i_]);                                      \
    } while (0)

START_TEST(ref_load_counts)
{
    require_ref();
    /* datasets/reference/wipo35_fields.csv: 35 fields in 5 sectors */
    ck_assert_uint_eq(ref.nfields, 35);
    ck_assert_uint_eq(ref.nsectors, 5);
    ck_assert(ref.nnace > 0);
}
END_TEST

START_TEST(nace_spellings_6201)
{
    require_ref();
    size_t i = nace("62.01");
    ck_assert_uint_ne(i, S3I_NONE);
    ck_assert_str_eq(ref.nace_code[i], "62.01");
    ck_assert_int_eq(ref.nace_level[i], 4);
    ck_assert_uint_eq(nace("6201"), i);
    ck_assert_uint_eq(nace(" 62.01 "), i);
    ck_assert_uint_eq(nace("62.01   "), i);
}
END_TEST

START_TEST(nace_wz_padded_class)
{
    /* "62010" and "62.01.0" (the class padded to five digits) are
     * documented spellings of 62.01 (engine/internal.h, s3i_nace_lookup;
     * codes.c header).  Note: WZ 2008 itself (wz2008_de.csv) divides 62.01
     * into 62.01.1 and 62.01.9 only; there is no sub-class 62.01.0. */
    require_ref();
    size_t i = nace("62.01");
    ck_assert_uint_ne(i, S3I_NONE);
    ck_assert_msg(nace("62010") == i, "NACE \"62010\" is not 62.01");
    ck_assert_msg(nace("62.01.0") == i, "NACE \"62.01.0\" is not 62.01");
}
END_TEST

START_TEST(nace_wz_subclass_maps_to_class)
{
    /* wz2008_de.csv level 5: 62.01.1, 62.01.9 (in 62.01), 99.00.0 (in
     * 99.00) */
    require_ref();
    size_t i = nace("62.01");
    ck_assert_uint_eq(nace("62.01.9"), i);
    ck_assert_uint_eq(nace("62019"), i);
    ck_assert_uint_eq(nace("62.01.1"), i);
    ck_nace_is("99.00.0", "99.00", 4);
    ck_nace_is("99000", "99.00", 4);
}
END_TEST

START_TEST(nace_levels)
{
    require_ref();
    ck_nace_is("J", "J", 1);
    ck_nace_is("j", "J", 1);
    ck_nace_is("62", "62", 2);
    ck_nace_is("62.0", "62.0", 3);
    ck_nace_is("620", "62.0", 3);
    ck_nace_is("10.11", "10.11", 4);
}
END_TEST

START_TEST(nace_section_letter_prefix)
{
    require_ref();
    /* "C10": division 10 (Manufacture of food products) in section C */
    ck_nace_is("C10", "10", 2);
    ck_nace_is("C10.11", "10.11", 4);
    ck_nace_is("J62.01", "62.01", 4);
    /* a letter that is not the code's section */
    ck_nace_none("J10");
    ck_nace_none("C62.01");
}
END_TEST

START_TEST(nace_rejects)
{
    require_ref();
    ck_nace_none("62.O1"); /* letter O for zero */
    ck_nace_none("99.99"); /* well-formed, not a NACE class */
    ck_nace_none("");
    ck_nace_none("   ");
    ck_nace_none("6");      /* one digit is no level */
    ck_nace_none("620111"); /* six digits */
    ck_nace_none("62-01");
    ck_nace_none("JJ");
    ck_nace_none("V"); /* sections run A..U */
}
END_TEST

START_TEST(nace_at_level_6201)
{
    require_ref();
    size_t i = nace("62.01");
    ck_assert_uint_ne(i, S3I_NONE);
    size_t d = s3i_nace_at_level(&ref, i, 2);
    ck_assert_uint_ne(d, S3I_NONE);
    ck_assert_str_eq(ref.nace_code[d], "62");
    size_t g = s3i_nace_at_level(&ref, i, 3),
           sec = s3i_nace_at_level(&ref, i, 1);
    ck_assert_uint_ne(g, S3I_NONE);
    ck_assert_uint_ne(sec, S3I_NONE);
    ck_assert_str_eq(ref.nace_code[g], "62.0");
    ck_assert_str_eq(ref.nace_code[sec], "J");
    ck_assert_uint_eq(s3i_nace_at_level(&ref, i, 4), i);
    /* a division has no class-level ancestor */
    ck_assert_uint_eq(s3i_nace_at_level(&ref, d, 4), S3I_NONE);
    ck_assert_uint_eq(s3i_nace_at_level(&ref, d, 2), d);
}
END_TEST

static int
ipc(const char *s, size_t *field)
{
    *field = 2385; /* must be overwritten on success */
    return s3i_ipc_lookup(&ref, s, strlen(s), field);
}

START_TEST(ipc_spellings_same_field)
{
    /* ipc_to_wipo35_concordance.csv has "G06F,,G06F,6,...,Computer
     * technology": G06F maps by subclass to field 6 (index 5), which
     * wipo35_fields.csv lists as "6,Electrical engineering,Computer
     * technology" */
    require_ref();
    static const char *const sp[] = {"G06F 17/30", "G06F17/30", "G06F  17/30",
                                     "G06F0017300000", " G06F 17/30 "};
    for (size_t i = 0; i < sizeof sp / sizeof *sp; i++) {
        size_t f;
        ck_assert_msg(ipc(sp[i], &f) == 0, "IPC \"%s\" rejected", sp[i]);
        ck_assert_msg(f == 5, "IPC \"%s\" → field index %zu", sp[i], f);
    }
    ck_assert_str_eq(ref.field_code[5], "06");
    ck_assert_str_eq(ref.field_label[5], "Computer technology");
    ck_assert_str_eq(ref.sector_label[ref.field_sector[5]],
                     "Electrical engineering");
}
END_TEST

START_TEST(ipc_main_group_first)
{
    /* A61K has main-group rows only: A61K 8 → 14 Organic fine chemistry
     * (index 13), A61K 31 → 16 Pharmaceuticals (index 15) */
    require_ref();
    size_t f;
    ck_assert_int_eq(ipc("A61K 8/02", &f), 0);
    ck_assert_uint_eq(f, 13);
    ck_assert_str_eq(ref.field_label[f], "Organic fine chemistry");
    ck_assert_int_eq(ipc("A61K0008020000", &f), 0);
    ck_assert_uint_eq(f, 13);
    ck_assert_int_eq(ipc("A61K 31/00", &f), 0);
    ck_assert_uint_eq(f, 15);
    ck_assert_str_eq(ref.field_label[f], "Pharmaceuticals");
    ck_assert_int_eq(ipc("A61K31/4439", &f), 0);
    ck_assert_uint_eq(f, 15);
    /* G01N 33 → 11 Analysis of biological materials (index 10), G01N 21 →
     * 10 Measurement (index 9); H04N 21 → 4 (index 3), H04N 5 → 2 (1) */
    ck_assert_int_eq(ipc("G01N 33/48", &f), 0);
    ck_assert_uint_eq(f, 10);
    ck_assert_int_eq(ipc("G01N 21/88", &f), 0);
    ck_assert_uint_eq(f, 9);
    ck_assert_int_eq(ipc("H04N 21/2343", &f), 0);
    ck_assert_uint_eq(f, 3);
    ck_assert_int_eq(ipc("H04N 5/232", &f), 0);
    ck_assert_uint_eq(f, 1);
}
END_TEST

START_TEST(ipc_subclass_fallback)
{
    /* subclass-only rows: H01M → 1 (index 0), C12N → 15 (index 14),
     * H04L → 4 (index 3); with or without a group */
    require_ref();
    size_t f;
    ck_assert_int_eq(ipc("H01M", &f), 0);
    ck_assert_uint_eq(f, 0);
    ck_assert_int_eq(ipc("H01M 10/0525", &f), 0);
    ck_assert_uint_eq(f, 0);
    ck_assert_int_eq(ipc("C12N 15/10", &f), 0);
    ck_assert_uint_eq(f, 14);
    ck_assert_int_eq(ipc("H04L9/32", &f), 0);
    ck_assert_uint_eq(f, 3);
}
END_TEST

START_TEST(ipc_valid_not_in_concordance)
{
    /* G06V is newer than the concordance; A61K 99 and G01N 99 are main
     * groups not listed for subclasses without a subclass-only row */
    require_ref();
    static const char *const v[] = {"G06V 10/82", "G06V10/82", "A61K 99/00",
                                    "G01N 99/00", "A61K"};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t f;
        ck_assert_msg(ipc(v[i], &f) == 0, "IPC \"%s\" rejected", v[i]);
        ck_assert_msg(f == S3I_NONE, "IPC \"%s\" → field index %zu", v[i], f);
    }
}
END_TEST

START_TEST(ipc_rejects)
{
    require_ref();
    static const char *const bad[] = {
        "XYZ",           "G06F/30",         "A61K 8/02x", "",
        "    ",          "I01M 1/00",       "G6F 17/30",  "G06F 17/",
        "G06F 12345/00", "G06F 17/1234567", "G06F 17-30", "606F 17/30",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        size_t f;
        ck_assert_msg(ipc(bad[i], &f) == -1, "IPC \"%s\" accepted (%zu)",
                      bad[i], f);
    }
}
END_TEST

/* ---- suites -------------------------------------------------------------- */

static Suite *
util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc;

    tc = tcase_create("number");
    tcase_add_test(tc, number_plain);
    tcase_add_test(tc, number_signs);
    tcase_add_test(tc, number_exponents);
    tcase_add_test(tc, number_decimal_comma);
    tcase_add_test(tc, number_rejects);
    tcase_add_test(tc, number_explicit_length);
    tcase_add_test(tc, number_17_digits_like_strtod);
    tcase_add_test(tc, number_long_mantissa_like_strtod);
    suite_add_tcase(s, tc);

    tc = tcase_create("date");
    tcase_add_test(tc, date_valid);
    tcase_add_test(tc, date_invalid);
    suite_add_tcase(s, tc);

    tc = tcase_create("utf8");
    tcase_add_test(tc, utf8_ascii);
    tcase_add_test(tc, utf8_multibyte_valid);
    tcase_add_test(tc, utf8_overlong_rejected);
    tcase_add_test(tc, utf8_surrogate_rejected);
    tcase_add_test(tc, utf8_truncated_rejected);
    tcase_add_test(tc, utf8_invalid_bytes);
    tcase_add_test(tc, utf8_embedded_nul);
    suite_add_tcase(s, tc);

    tc = tcase_create("sha256");
    tcase_add_test(tc, sha256_empty);
    tcase_add_test(tc, sha256_abc);
    tcase_add_test(tc, sha256_two_blocks_56);
    tcase_add_test(tc, sha256_112);
    tcase_add_test(tc, sha256_million_a_uneven_chunks);
    tcase_add_test(tc, sha256_padding_boundaries);
    tcase_add_test(tc, sha256_chunking_invariant);
    tcase_add_test(tc, sha256_prng_100000_like_sha256sum);
    suite_add_tcase(s, tc);

    tc = tcase_create("map");
    tcase_add_test(tc, map_put_get_basic);
    tcase_add_test(tc, map_put_existing_keeps_old);
    tcase_add_test(tc, map_growth_past_10000);
    suite_add_tcase(s, tc);

    return s;
}

static Suite *
output_suite(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, format_round_trip);
    tcase_add_test(tc, format_shortest_text);
    tcase_add_test(tc, format_nan_empty);
    tcase_add_test(tc, format_no_negative_zero);
    tcase_add_test(tc, format_whole_numbers_like_printf);
    tcase_add_test(tc, format_same_as_printf_loop);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *
idtab_suite(void)
{
    Suite *s = suite_create("idtab");
    TCase *tc = tcase_create("ids");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fingerprint_short_exact);
    tcase_add_test(tc, idtab_sorted_then_hashed);
    tcase_add_test(tc, idtab_numeric_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("split");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, split_read_same_rows, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

static Suite *
codes_suite(void)
{
    Suite *s = suite_create("codes");
    TCase *tc;

    tc = tcase_create("nace");
    tcase_add_checked_fixture(tc, ref_setup, ref_teardown);
    tcase_add_test(tc, ref_load_counts);
    tcase_add_test(tc, nace_spellings_6201);
    tcase_add_test(tc, nace_wz_padded_class);
    tcase_add_test(tc, nace_wz_subclass_maps_to_class);
    tcase_add_test(tc, nace_levels);
    tcase_add_test(tc, nace_section_letter_prefix);
    tcase_add_test(tc, nace_rejects);
    tcase_add_test(tc, nace_at_level_6201);
    suite_add_tcase(s, tc);

    tc = tcase_create("ipc");
    tcase_add_checked_fixture(tc, ref_setup, ref_teardown);
    tcase_add_test(tc, ipc_spellings_same_field);
    tcase_add_test(tc, ipc_main_group_first);
    tcase_add_test(tc, ipc_subclass_fallback);
    tcase_add_test(tc, ipc_valid_not_in_concordance);
    tcase_add_test(tc, ipc_rejects);
    suite_add_tcase(s, tc);

    return s;
}

int
main(void)
{
    Suite *suites[] = {util_suite(), idtab_suite(), output_suite(),
                       codes_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
