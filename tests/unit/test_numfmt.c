/*
 * test_numfmt.c — unit tests of s3i_format_double (engine/base/numfmt.c),
 * the CSV writer's number texts, against glibc's printf and strtod (C
 * locale; both correctly rounded, ties to even).  For a normal number:
 *
 *   round trip  strtod reads the text back as the same double, bit for bit;
 *   shortest    with n the number of digits written, no shorter "%.Pe"
 *               reads back: n is what the reference search finds, the
 *               first P of 1..17 whose text reads back;
 *   correctly rounded, and the layout: the text is the one "%.Qg" writes
 *               with Q = max(15, n) (which is also the former rule's text,
 *               the first of "%.15g", "%.16g", "%.17g" that reads back).
 *
 * For a subnormal: the round trip, and the text of the former rule, byte
 * for byte (glibc's own "%.15g", "%.16g", "%.17g").  Below about 1e-309
 * that is longer than the shortest text (numfmt.c says why), which is the
 * one place where n is not the search's.
 *
 * The search for shorter texts takes two printf calls, not up to 17: where
 * the numbers that read back as v lie symmetrically about v (every double
 * but a power of two above the smallest normal), the correctly rounded
 * (P + 1)-digit decimal is at least as close to v as the P-digit one (a
 * (P + 1)-digit decimal itself), so if "%.Pe" reads back so does every
 * longer one, and "%.{n-2}e" failing means every shorter one fails.  Powers
 * of two get the whole search, and the test case "full_search" runs the
 * whole search on 200,000 numbers of the random mix to show both agree.
 *
 * 10^7 random numbers (tcase "random"): a quarter any finite bit pattern,
 * a quarter numbers as the output tables hold them (shares, RCAs,
 * fractions of counts, products of uniform numbers, scores), the rest next
 * to powers of two and ten and to 2^53, subnormals, and decimals of 1 to
 * 17 digits; half of them negative.  About 15 s here (it is glibc's printf
 * and strtod that take the time).  Under valgrind (memcheck,
 * tests/valgrind.sh) the counts are divided by 100, as each printf there
 * takes a hundred times as long; the assertions are the same.
 *
 * Run as `test_numfmt --print` it reads doubles as 16 hex digits (their
 * bits) one per line and writes their texts, for tests/unit/numfmt_repr.py,
 * which compares them with Python's repr on 10^6 numbers (run by tests/run
 * and meson test).
 */
#include <check.h>
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef S3_HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include "base/base.h"
#include "check_util.h"

/* How many numbers the random test cases take: the figure on the normal
 * build, a tenth of it under AddressSanitizer and a hundredth under
 * valgrind (tests/run's other passes, which look for memory errors: the
 * texts are the same code's, checked in full on the normal build). */
static long
count(long n)
{
#ifdef __SANITIZE_ADDRESS__
    return n / 10;
#else
#ifdef S3_HAVE_VALGRIND_H
    if (RUNNING_ON_VALGRIND)
        return n / 100;
#endif
    return n;
#endif
}

/* ---- decimal texts ------------------------------------------------------ */

/* A decimal text reduced to sign, significant digits (no leading or
 * trailing zeros; none for zero) and the exponent x of the first digit, so
 * that texts in different layouts compare. */
typedef struct {
    int neg, n, x;
    char dig[40];
} dectext;

/* Read s ("-12.5", "1.25e+01", "0.000125", "1e-300"); -1 when it is not a
 * plain decimal of that form. */
static int
dectext_read(const char *s, dectext *d)
{
    d->neg = *s == '-';
    s += d->neg;
    int point = -1, i = 0, lead = 1, k = 0; /* k: digits before the point */
    d->n = 0;
    int first = 0; /* position of the first significant digit */
    for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
        if (*s == '.') {
            if (point >= 0)
                return -1;
            point = i;
            continue;
        }
        if (lead && *s == '0') {
            i++;
            continue;
        }
        if (lead)
            first = i;
        lead = 0;
        if (d->n >= (int)sizeof d->dig - 1)
            return -1;
        d->dig[d->n++] = *s;
        i++;
    }
    k = point >= 0 ? point : i;
    int e = 0;
    if (*s == 'e') {
        s++;
        int sign = 1;
        if (*s == '+' || *s == '-')
            sign = *s++ == '-' ? -1 : 1;
        if (*s < '0' || *s > '9')
            return -1;
        for (; *s >= '0' && *s <= '9'; s++)
            e = 10 * e + (*s - '0');
        e *= sign;
    }
    if (*s != '\0' || i == 0)
        return -1;
    while (d->n > 0 && d->dig[d->n - 1] == '0')
        d->n--;
    d->dig[d->n] = '\0';
    d->x = d->n ? k - first - 1 + e : 0;
    return 0;
}

static int
dectext_equal(const dectext *a, const dectext *b)
{
    return a->neg == b->neg && a->n == b->n && a->x == b->x &&
           strcmp(a->dig, b->dig) == 0;
}

START_TEST(dectext_reads_layouts)
{
    dectext a, b;
    ck_assert_int_eq(dectext_read("-12.5", &a), 0);
    ck_assert_int_eq(dectext_read("-1.25e+01", &b), 0);
    ck_assert(dectext_equal(&a, &b));
    ck_assert_str_eq(a.dig, "125");
    ck_assert_int_eq(a.x, 1);
    ck_assert(a.neg);
    ck_assert_int_eq(dectext_read("0.000125", &a), 0);
    ck_assert_int_eq(a.x, -4);
    ck_assert_int_eq(dectext_read("1250000", &a), 0);
    ck_assert_str_eq(a.dig, "125");
    ck_assert_int_eq(a.x, 6);
    ck_assert_int_eq(dectext_read("5e-324", &a), 0);
    ck_assert_int_eq(a.x, -324);
    ck_assert_int_eq(dectext_read("0", &a), 0);
    ck_assert_int_eq(a.n, 0);
    ck_assert_int_eq(dectext_read("1.2.3", &a), -1);
    ck_assert_int_eq(dectext_read("1e", &a), -1);
    ck_assert_int_eq(dectext_read("1,5", &a), -1);
}
END_TEST

/* ---- the checks --------------------------------------------------------- */

/* What went wrong with one number (text empty: nothing). */
typedef struct {
    long failures;
    char first[256];
} errors;

static void
record(errors *e, double v, const char *got, const char *why, const char *ref)
{
    if (e->failures++ == 0)
        snprintf(e->first, sizeof e->first, "%a: \"%s\" %s \"%s\"", v, got, why,
                 ref);
}

/* Whether v's mantissa field is 0 and it is above the smallest normal: a
 * power of two whose lower neighbour is half as far as its upper one. */
static int
lopsided(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    uint32_t e = (uint32_t)(b >> 52) & 0x7FF;
    return (b & ((1ULL << 52) - 1)) == 0 && e > 1 && e < 0x7FF;
}

/* "%.{p-1}e" and "%.pg" for p = 1..17, written out: a precision given as
 * "*" sends glibc's printf down its slower positional path. */
static const char *const fmt_e[18] = {
    "",      "%.0e",  "%.1e",  "%.2e",  "%.3e",  "%.4e",
    "%.5e",  "%.6e",  "%.7e",  "%.8e",  "%.9e",  "%.10e",
    "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e"};
static const char *const fmt_g[18] = {
    "",      "%.1g",  "%.2g",  "%.3g",  "%.4g",  "%.5g",
    "%.6g",  "%.7g",  "%.8g",  "%.9g",  "%.10g", "%.11g",
    "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g"};

/* "%.{p-1}e" of v reads back as v. */
static int
reads_back(double v, int p, char *text, size_t size)
{
    snprintf(text, size, fmt_e[p], v);
    return strtod(text, NULL) == v;
}

/* d (n >= 2 digits, the last not 5) rounded to n - 1 digits, as a text
 * strtod reads; 0 when the last digit is 5. */
static int
round_off(const dectext *d, char *text, size_t size)
{
    char dig[40];
    int n = d->n - 1, x = d->x;
    if (d->dig[n] == '5')
        return 0;
    memcpy(dig, d->dig, (size_t)n);
    if (d->dig[n] > '5') {
        int i = n - 1;
        for (; i >= 0 && dig[i] == '9'; i--)
            dig[i] = '0';
        if (i >= 0) {
            dig[i]++;
        } else { /* 99...9 became 100...0 */
            dig[0] = '1';
            x++;
        }
    }
    dig[n] = '\0';
    snprintf(text, size, "%s0.%se%d", d->neg ? "-" : "", dig, x + 1);
    return 1;
}

/* Check one finite number (see the opening comment); full: the whole
 * search for a shorter text. */
static void
check_number(double v, int full, errors *err)
{
    char got[32], ref[64]; /* exactly 32: ASan sees a write past it */
    memset(got, 'x', sizeof got);
    size_t len = s3i_format_double(v, got);
    if (memchr(got, '\0', sizeof got) == NULL || strlen(got) != len) {
        record(err, v, "", "no NUL within 32 bytes, or not the length", "");
        return;
    }
    char *end;
    double back = strtod(got, &end);
    if (*end != '\0' || memcmp(&back, &v, sizeof v) != 0) {
        snprintf(ref, sizeof ref, "%a", back);
        record(err, v, got, "reads back as", ref);
        return;
    }
    if (v == 0) {
        if (strcmp(got, signbit(v) ? "-0" : "0") != 0)
            record(err, v, got, "is not", signbit(v) ? "-0" : "0");
        return;
    }
    dectext ours, theirs;
    if (dectext_read(got, &ours) != 0 || ours.n < 1 || ours.n > 17) {
        record(err, v, got, "is not a decimal of 1 to 17 digits", "");
        return;
    }
    const int n = ours.n;
    if (fabs(v) < DBL_MIN) { /* a subnormal: the former rule */
        for (int p = 15; p <= 17; p++) {
            snprintf(ref, sizeof ref, fmt_g[p], v);
            if (strtod(ref, NULL) == v)
                break;
        }
        if (strcmp(got, ref) != 0)
            record(err, v, got, "is not the former rule's", ref);
        return;
    }
    if (full) { /* n digits, correctly rounded (also shown below) */
        reads_back(v, n, ref, sizeof ref);
        dectext_read(ref, &theirs);
        if (!dectext_equal(&ours, &theirs)) {
            record(err, v, got, "is not the correctly rounded", ref);
            return;
        }
    }
    /* the layout; this shows the digits correctly rounded too: "%.Qg"
     * rounds v to Q >= n digits, and when those are ours and zeros, no
     * other n-digit decimal is as close to v */
    snprintf(ref, sizeof ref, fmt_g[n > 15 ? n : 15], v);
    if (strcmp(got, ref) != 0) {
        record(err, v, got, "is not laid out as", ref);
        return;
    }
    /* no shorter text reads back */
    if (full || lopsided(v)) {
        for (int p = 1; p < n; p++)
            if (reads_back(v, p, ref, sizeof ref)) {
                record(err, v, got, "is longer than", ref);
                return;
            }
    } else if (n > 1) {
        /* "%.{n-2}e", v correctly rounded to n - 1 digits: when the last
         * of the n correct digits is not 5, rounding them gives it (the
         * exact digits from the n-th on are then surely below or above one
         * half); printf is asked otherwise */
        if (!round_off(&ours, ref, sizeof ref))
            snprintf(ref, sizeof ref, fmt_e[n - 1], v);
        if (strtod(ref, NULL) == v) {
            record(err, v, got, "is longer than", ref);
            return;
        }
    }
}

static void
check_both_signs(double v, int full, errors *err)
{
    check_number(v, full, err);
    check_number(-v, full, err);
}

#define ck_assert_no_errors(err, what)                                         \
    ck_assert_msg((err).failures == 0, "%ld failures among %s; first: %s",     \
                  (err).failures, (what), (err).first)

/* ---- numbers ------------------------------------------------------------ */

/* splitmix64 (Steele, Lea and Flood 2014): a seeded, well-mixed stream */
static uint64_t
next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double
uniform53(uint64_t *s)
{
    return (double)(next64(s) >> 11) * 0x1p-53;
}

static double
from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* 10^k for -323 <= k <= 308, correctly rounded (strtod) */
static double pow10_table[632];

static void
fill_pow10(void)
{
    for (int k = -323; k <= 308; k++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", k);
        pow10_table[k + 323] = strtod(text, NULL);
    }
}

/* v moved by k ulps (toward zero when k < 0), stopping at zero */
static double
ulps(double v, int k)
{
    for (; k < 0 && v > 0; k++)
        v = nextafter(v, 0.0);
    for (; k > 0 && v < INFINITY; k--)
        v = nextafter(v, INFINITY);
    return v;
}

/* A decimal of 1 to 17 random digits and a random exponent in
 * -range..range, read by strtod; 0 when it underflows or overflows. */
static double
short_decimal(uint64_t *s, int range)
{
    int digits = 1 + (int)(next64(s) % 17);
    uint64_t m = next64(s) % 100000000000000000ULL;
    int e = (int)(next64(s) % (uint64_t)(2 * range + 1)) - range;
    char text[32], *p = text;
    for (int i = digits - 1; i >= 0; i--, m /= 10)
        p[i] = (char)('0' + m % 10);
    p += digits;
    *p++ = 'e';
    if (e < 0)
        *p++ = '-';
    for (int a = e < 0 ? -e : e, d = 100; d > 0; d /= 10)
        *p++ = (char)('0' + a / d % 10);
    *p = '\0';
    double v = strtod(text, NULL);
    return isinf(v) ? 0.0 : v;
}

/* The i-th number of the random mix (never NaN or infinite), in blocks of
 * 40: a quarter any bit pattern, a quarter numbers as the outputs hold
 * them, 15 % next to powers of two and ten, 2.5 % subnormals, 27.5 %
 * decimals of 1 to 17 digits (the cases of short texts). */
static double
mixed(uint64_t *s, long i)
{
    double v, a, b;
    const int k = (int)(i % 40);
    if (k < 10) { /* any finite bit pattern */
        do
            v = from_bits(next64(s));
        while (!isfinite(v));
        return v;
    }
    switch (k) {
    case 10: /* any mantissa, exponent between 2^-40 and 2^40 */
    case 11:
        return from_bits((next64(s) >> 12) |
                         (uint64_t)(1023 - 40 + next64(s) % 81) << 52);
    case 12: /* a share of counts */
    case 13:
        a = (double)(1 + next64(s) % 100000);
        return a / (a + (double)(next64(s) % 1000000));
    case 14: /* an RCA */
    case 15:
        a = (double)(1 + next64(s) % 100000);
        b = (double)(1 + next64(s) % 5000000);
        return (a / (a + (double)(next64(s) % 1000000))) /
               (b / (b + (double)(next64(s) % 50000000)));
    case 16: /* a count over a small divisor: means, thirds, percentages */
    case 17: {
        static const double div[] = {2, 3, 4, 7, 12, 100, 365, 1000};
        return (double)(next64(s) % 100000000) / div[next64(s) % 8];
    }
    case 18: /* a product of uniform numbers (a cosine, a density) */
    case 19:
        return uniform53(s) * uniform53(s);
    case 20: /* a standardised score */
    case 21:
        return (uniform53(s) - 0.5) * 6.0;
    case 22: /* next to a power of two */
    case 23:
        return ulps(ldexp(1.0, (int)(next64(s) % 2098) - 1074),
                    (int)(next64(s) % 9) - 4);
    case 24: /* next to a power of ten */
    case 25:
        return ulps(pow10_table[next64(s) % 632], (int)(next64(s) % 9) - 4);
    case 26: /* next to a whole number around 2^53 */
    case 27:
        return ulps(ldexp(1.0, 50 + (int)(next64(s) % 8)) +
                        (double)(next64(s) % 1000),
                    (int)(next64(s) % 5) - 2);
    case 28: /* a subnormal */
        return from_bits(next64(s) & ((1ULL << 52) - 1));
    default: /* a decimal of 1 to 17 digits, of any size or near 1 */
        return short_decimal(s, k < 34 ? 340 : 25);
    }
}

/* ---- the random mix ----------------------------------------------------- */

START_TEST(random_mix)
{
    const long n = count(10000000);
    uint64_t s = 20261126;
    errors err = {0};
    fill_pow10();
    for (long i = 0; i < n; i++) {
        double v = mixed(&s, i);
        check_number(next64(&s) & 1 ? -v : v, 0, &err);
    }
    printf("numfmt: %ld random numbers, %ld failures\n", n, err.failures);
    ck_assert_no_errors(err, "the random mix");
}
END_TEST

START_TEST(full_search)
{
    const long n = count(200000);
    uint64_t s = 2385;
    errors err = {0};
    fill_pow10();
    for (long i = 0; i < n; i++)
        check_number(mixed(&s, i), 1, &err);
    ck_assert_no_errors(err, "the mix with the whole search");
}
END_TEST

/* ---- edge cases --------------------------------------------------------- */

/* s3i_format_double(v) is want */
#define ck_text(v, want)                                                       \
    do {                                                                       \
        char b_[32];                                                           \
        s3i_format_double((v), b_);                                            \
        ck_assert_msg(strcmp(b_, (want)) == 0, "%s: \"%s\", expected \"%s\"",  \
                      #v, b_, (want));                                         \
    } while (0)

START_TEST(known_texts)
{
    ck_text(0.0, "0");
    ck_text(-0.0, "-0");
    ck_text(0.1, "0.1");
    ck_text(0.2, "0.2");
    ck_text(0.3, "0.3");
    ck_text(0.1 + 0.2, "0.30000000000000004");
    ck_text(1.0 / 3.0, "0.3333333333333333");
    ck_text(-2.385, "-2.385");
    ck_text(2.5e-7, "2.5e-07");
    ck_text(0.0001, "0.0001");
    ck_text(0.00001, "1e-05");
    ck_text(123456.789, "123456.789");
    ck_text(1e14, "100000000000000");
    ck_text(999999999999999.0, "999999999999999");
    ck_text(1e15, "1e+15");
    ck_text(1e16, "1e+16");
    ck_text(1e17, "1e+17");
    ck_text(1234567890123456.0, "1234567890123456");
    ck_text(12345678901234567.0, "12345678901234568");
    ck_text(123456789012345678.0, "1.2345678901234568e+17");
    ck_text(9007199254740992.0, "9007199254740992");
    ck_text(9007199254740993.0, "9007199254740992"); /* 2^53 + 1 rounds */
    ck_text(9007199254740994.0, "9007199254740994");
    ck_text(DBL_MAX, "1.7976931348623157e+308");
    ck_text(-DBL_MAX, "-1.7976931348623157e+308");
    ck_text(DBL_MIN, "2.2250738585072014e-308");
    /* subnormals keep 15 digits where fewer would read back */
    ck_text(DBL_TRUE_MIN, "4.94065645841247e-324");
    ck_text(-DBL_TRUE_MIN, "-4.94065645841247e-324");
    ck_text(0x0.fffffffffffffp-1022, "2.225073858507201e-308");
    ck_text(1e-320, "9.99988867182683e-321");
    ck_text(1e308, "1e+308");
    ck_text(1e-300, "1e-300");
    ck_text(1e100, "1e+100");
    ck_text(1e21, "1e+21");
    ck_text(1e23, "1e+23");
    ck_text(5e-324 * 3, "1.48219693752374e-323");
    ck_text(0x1.0p-1060, "8.09477154146298e-320");
    /* 2^-1017: the shortest decimal that reads back has 16 digits
     * (7.120236347223045e-307, Python's repr), but the correctly rounded
     * 16 digits do not read back; the %g search writes 17 */
    ck_text(0x1p-1017, "7.1202363472230444e-307");
    ck_text(0x1p-1007, "7.2911220195563975e-304");
    ck_text(INFINITY, "inf");
    ck_text(-INFINITY, "-inf");
    ck_text(NAN, "nan");
    char buf[32];
    ck_assert_uint_eq(s3i_format_double(-1.5e-300, buf), strlen("-1.5e-300"));
}
END_TEST

START_TEST(edge_numbers)
{
    errors err = {0};
    fill_pow10();
    /* ±0, the smallest and largest subnormals and normals, the largest
     * finite */
    check_both_signs(0.0, 1, &err);
    check_both_signs(DBL_TRUE_MIN, 1, &err);
    check_both_signs(2 * DBL_TRUE_MIN, 1, &err);
    check_both_signs(0x0.fffffffffffffp-1022, 1, &err);
    check_both_signs(DBL_MIN, 1, &err);
    check_both_signs(DBL_MAX, 1, &err);
    check_both_signs(nextafter(DBL_MAX, 0), 1, &err);
    /* subnormals at every bit length */
    for (int k = 0; k < 52; k++) {
        check_both_signs(ldexp(1.0, k - 1074), 1, &err);
        check_both_signs(ldexp(1.0, k - 1074) * 3, 1, &err);
        check_both_signs(ulps(ldexp(1.0, k - 1073), -1), 1, &err);
    }
    /* powers of ten 1e-323 .. 1e308 and their neighbours */
    for (int k = 0; k < 632; k++)
        for (int u = -2; u <= 2; u++)
            check_both_signs(ulps(pow10_table[k], u), 1, &err);
    /* every power of two and its neighbours (the lopsided intervals) */
    for (int k = -1074; k <= 1023; k++)
        for (int u = -2; u <= 2; u++)
            check_both_signs(ulps(ldexp(1.0, k), u), 1, &err);
    /* whole numbers around 2^53, 10^15, 10^16, 10^17 */
    for (int k = -20; k <= 20; k++) {
        check_both_signs(9007199254740992.0 + 2 * k, 1, &err);
        check_both_signs(1e15 + k, 1, &err);
        check_both_signs(1e16 + 2 * k, 1, &err);
        check_both_signs(1e17 + 16 * k, 1, &err);
        check_both_signs(ulps(1e15, k), 1, &err);
        check_both_signs(ulps(1e16, k), 1, &err);
        check_both_signs(ulps(1e17, k), 1, &err);
    }
    /* tenths and their sums */
    for (int k = 1; k <= 1000; k++) {
        check_both_signs(k / 10.0, 1, &err);
        check_both_signs(k * 0.1, 1, &err);
        check_both_signs(0.1 * (k % 10) + 0.2, 1, &err);
    }
    ck_assert_no_errors(err, "the edge cases");
}
END_TEST

/* The text uses '.' whatever the locale (glibc's printf would write ','
 * under a German LC_NUMERIC). */
START_TEST(locale_free)
{
    const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                 "C.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    ck_text(1234.5, "1234.5");
    ck_text(2.5e-7, "2.5e-07");
    setlocale(LC_NUMERIC, "C");
}
END_TEST

/* ---- runner ------------------------------------------------------------- */

static Suite *
numfmt_suite(void)
{
    Suite *s = suite_create("numfmt");
    TCase *tc = tcase_create("texts");
    tcase_add_test(tc, dectext_reads_layouts);
    tcase_add_test(tc, known_texts);
    tcase_add_test(tc, locale_free);
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_add_test(tc, edge_numbers);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_add_test(tc, random_mix);
    tcase_set_timeout(tc, 600);
    suite_add_tcase(s, tc);

    tc = tcase_create("full_search");
    tcase_add_test(tc, full_search);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);

    return s;
}

/* `test_numfmt --print`: bit patterns in, texts out (for numfmt_repr.py) */
static int
print_texts(void)
{
    char line[64], text[32];
    while (fgets(line, sizeof line, stdin)) {
        double v = from_bits(strtoull(line, NULL, 16));
        s3i_format_double(v, text);
        puts(text);
    }
    return ferror(stdin) || fflush(stdout) != 0;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--print") == 0)
        return print_texts();
    Suite *suites[] = {numfmt_suite()};
    return s3t_run(suites, sizeof suites / sizeof *suites);
}
