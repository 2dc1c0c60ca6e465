/*
 * base/numfmt.c — a double as decimal text that reads back as the same
 * double, the CSV writer's numbers: what the first of "%.15g", "%.16g",
 * "%.17g" that reads back (strtod) writes, byte for byte, but without
 * printf and without reading anything back.
 *
 * What is written.  The digits of v correctly rounded (ties to even, as
 * glibc rounds) to the first precision P of 15, 16, 17 at which they read
 * back as v, trailing zeros dropped, laid out as "%.Pg" lays them out:
 * fixed notation when the decimal exponent X of the first digit is in
 * -4 <= X < P, else d.ddde-XX (the exponent signed, two digits at least);
 * '.' as the point whatever the locale.
 *
 * For every normal double these are the shortest digits that read back,
 * the first P of 1..17 (Python's repr has the same, but at 46 powers of two,
 * below): at most one decimal of 15 or fewer significant digits lies within
 * an ulp of a normal double, since such decimals are more than an ulp
 * apart, so the correctly rounded 15 digits are the shortest ones padded
 * with zeros whenever the shortest have 15 or fewer.  Subnormals below
 * about 1e-309 have fewer bits than 15 digits: several 15-digit decimals
 * read back, and the 15 correctly rounded digits are written where fewer
 * would do ("4.94065645841247e-324", not "5e-324"), as before.  Such
 * numbers do reach the outputs (p-values that underflow).
 *
 * The shortest digits: Schubfach (Raffaello Giulietti, "The Schubfach way
 * to render doubles", 2020-2022, drive.google.com/open?id=1luHhyQF9zKlM8y
 * J1nebU0OgVYhfC6CBN; OpenJDK's Double.toString since Java 19), in the
 * form of Alexander Bolz's C++ version (github.com/abolz/Drachennest,
 * src/schubfach_64.cc): 128-bit powers of ten rounded up, products rounded
 * to odd.  With v = c·2^q, the numbers that read back as v lie between the
 * halfway points to its neighbours, (4c ∓ 2)·2^(q-2).  One 64 × 128-bit
 * product each scales v and the two bounds by 10^-k, with k chosen so
 * that the interval is less than 10 units wide: then at most one multiple
 * of 10 lies in it, and if one does it is the shortest decimal (its zeros
 * dropped); else s = floor(v·10^-k) or s + 1, whichever lies inside or,
 * when both do, the nearer (ties to even), which is v correctly rounded.
 * No loop and no division but by constants.  (Ryū, Adams, PLDI 2018,
 * finds the same digits; written first, it took a quarter longer here.)
 * The table of powers of ten is computed exactly (Python's integers).
 *
 * Two departures, for the rule above.  Where v is a power of two (above
 * the smallest normal) its lower neighbour is twice as close as its upper
 * one, and the interval is lopsided.  The shortest decimal in it may then
 * be one above v while the correctly rounded decimal of that length,
 * below v, falls outside: "%.Pg" does not read back and the search goes
 * on to P + 1.  This happens only at 16 digits (fewer are too far apart to
 * give two candidates; 17 always read back), for 46 powers of two, e.g.
 * 2^-1017: 7.1202363472230444e-307, where Python's repr writes
 * 7.120236347223045e-307.  And a subnormal whose shortest digits are fewer
 * than 15 gets 15.  Both come from v's exact decimal expansion (at most 767
 * digits, in base 10^9: microseconds, and rare).
 */
#include <stdint.h>
#include <string.h>

#include "base/base.h"

/* 128-bit products from the compiler's unsigned __int128, and digits
 * eight at a time in a register, stored as words, where memory is
 * little-endian (x86-64, arm64).  Elsewhere, or with S3_NUMFMT_PORTABLE
 * defined (to test that path), 32-bit halves and two digits at a time. */
#if defined(__SIZEOF_INT128__) && !defined(S3_NUMFMT_PORTABLE)
__extension__ typedef unsigned __int128 u128;
#define HAVE_U128 1
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#endif
#endif

/* G[j + 292] = ceil(10^j / 2^r), r = floor(log2 10^j) - 127, for
 * -292 <= j <= 324: 10^j to 128 bits, rounded up ({high, low} words). */
#include "base/numfmt_pow10.h"

/* floor(x / 2^n), whatever the sign of x */
static inline int32_t
floor_shift(int32_t x, int n)
{
    return x >= 0 ? x >> n : ~(~x >> n);
}

/* floor(log2(10^e)) for |e| <= 1233 (checked against exact values) */
static inline int32_t
floor_log2_pow10(int32_t e)
{
    return floor_shift(e * 1741647, 19);
}

/* floor(cp · g / 2^128), with the lowest bit set when the exact product
 * cp · 10^j has a fraction ("round to odd"): it shows in the 64 bits below
 * the point, beyond the at most 1 that g's rounding up adds (Giulietti
 * proves a fraction is never smaller). */
static inline uint64_t
round_to_odd(const uint64_t g[2], uint64_t cp)
{
#ifdef HAVE_U128
    const u128 x = (u128)cp * g[1];
    const u128 y = (u128)cp * g[0] + (uint64_t)(x >> 64);
    return (uint64_t)(y >> 64) | ((uint64_t)y > 1);
#else
    /* 64 × 64 → 128 bits from 32-bit halves */
    uint64_t hi[2], lo[2];
    for (int i = 0; i < 2; i++) {
        const uint64_t a0 = (uint32_t)cp, a1 = cp >> 32;
        const uint64_t b0 = (uint32_t)g[i], b1 = g[i] >> 32;
        const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
        const uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
        lo[i] = mid << 32 | (uint32_t)p00;
        hi[i] = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    }
    const uint64_t y0 = lo[0] + hi[1];
    const uint64_t y1 = hi[0] + (y0 < hi[1]);
    return y1 | (y0 > 1);
#endif
}

static const uint64_t POW10[20] = {1ULL,
                                   10ULL,
                                   100ULL,
                                   1000ULL,
                                   10000ULL,
                                   100000ULL,
                                   1000000ULL,
                                   10000000ULL,
                                   100000000ULL,
                                   1000000000ULL,
                                   10000000000ULL,
                                   100000000000ULL,
                                   1000000000000ULL,
                                   10000000000000ULL,
                                   100000000000000ULL,
                                   1000000000000000ULL,
                                   10000000000000000ULL,
                                   100000000000000000ULL,
                                   1000000000000000000ULL,
                                   10000000000000000000ULL};

/* The number of decimal digits of m (1 for 0): log10 from the bit length
 * (1233/4096 is just above log10 2), corrected by one comparison; m | 1
 * compares as m does, 10^t being even, but counts 0 as a digit. */
static inline int
decimal_length(uint64_t m)
{
    const int bits = 64 - __builtin_clzll(m | 1);
    const int t = (bits * 1233) >> 12;
    return t + ((m | 1) >= POW10[t]);
}

static const char PAIRS[201] = "00010203040506070809"
                               "10111213141516171819"
                               "20212223242526272829"
                               "30313233343536373839"
                               "40414243444546474849"
                               "50515253545556575859"
                               "60616263646566676869"
                               "70717273747576777879"
                               "80818283848586878889"
                               "90919293949596979899";

/* Write the 8 digits of v < 10^8 (with leading zeros) at p[0..8). */
static inline void
put8(uint32_t v, char *p)
{
    const uint32_t hi = v / 10000, lo = v - 10000 * hi;
    memcpy(p, PAIRS + 2 * (hi / 100), 2);
    memcpy(p + 2, PAIRS + 2 * (hi % 100), 2);
    memcpy(p + 4, PAIRS + 2 * (lo / 100), 2);
    memcpy(p + 6, PAIRS + 2 * (lo % 100), 2);
}

/* Write m as n digits at d[0..n), with leading zeros where m is shorter:
 * eight at a time in 32-bit arithmetic, then pairs. */
static inline void
put_digits(uint64_t m, char *d, int n)
{
    while (n > 8) {
        const uint64_t q = m / 100000000;
        put8((uint32_t)(m - 100000000 * q), d + n - 8);
        m = q;
        n -= 8;
    }
    uint32_t v = (uint32_t)m;
    int i = n; /* d[i..n) written; m has at most n digits */
    while (v >= 100) {
        const uint32_t q = v / 100;
        i -= 2;
        memcpy(d + i, PAIRS + 2 * (v - 100 * q), 2);
        v = q;
    }
    if (v >= 10) {
        i -= 2;
        memcpy(d + i, PAIRS + 2 * v, 2);
    } else {
        d[--i] = (char)('0' + v);
    }
    while (i > 0) /* leading zeros */
        d[--i] = '0';
}

#ifdef SWAR
/* The 8 digits of v < 10^8 (leading zeros kept) as ASCII bytes of a word,
 * the first digit in the lowest byte: the halves, quarters and eighths of
 * the number split in parallel lanes (division by 100 as multiplication
 * by 10486 / 2^20, by 10 as 103 / 2^10, exact in these ranges). */
static inline uint64_t
ascii8(uint32_t v)
{
    uint64_t x = (uint64_t)(v / 10000) | (uint64_t)(v % 10000) << 32;
    uint64_t q = (x * 10486 >> 20) & 0x0000007F0000007FULL;
    x = q | (x - q * 100) << 16;
    q = (x * 103 >> 10) & 0x000F000F000F000FULL;
    x = q | (x - q * 10) << 8;
    return x | 0x3030303030303030ULL;
}

/* The first 16 of the n <= 17 digits of m as the bytes of *y (the first
 * digit lowest), and the 17th in *d16. */
static inline void
digit_words(uint64_t m, int n, u128 *y, char *d16)
{
    const uint64_t hi = m / 100000000;
    const uint32_t a = (uint32_t)(hi / 100000000);
    const u128 bc = (u128)ascii8((uint32_t)(m - hi * 100000000)) << 64 |
                    ascii8((uint32_t)(hi - (uint64_t)a * 100000000));
    if (n <= 16) {
        *y = bc >> (8 * (16 - n));
        *d16 = '0';
    } else {
        *y = bc << 8 | (u128)('0' + a);
        *d16 = (char)(bc >> 120);
    }
}
#endif

/* Write the n <= 17 digits of m at d: exactly n bytes in the portable
 * path, up to 17 (the rest to be overwritten or past the end) with words. */
static inline void
write_digits(uint64_t m, int n, char *d)
{
#ifdef SWAR
    u128 y;
    digit_words(m, n, &y, d + 16);
    memcpy(d, &y, 16);
#else
    put_digits(m, d, n);
#endif
}

/* Drop the trailing zeros of m > 0 into the exponent e. */
static inline void
strip_zeros(uint64_t *m, int32_t *e)
{
    if (*m % 10 != 0)
        return;
    while (*m % 100000000 == 0) {
        *m /= 100000000;
        *e += 8;
    }
    if (*m % 10000 == 0) {
        *m /= 10000;
        *e += 4;
    }
    if (*m % 100 == 0) {
        *m /= 100;
        *e += 2;
    }
    if (*m % 10 == 0) {
        *m /= 10;
        *e += 1;
    }
}

/* v = c · 2^q (c < 2^53) correctly rounded to p <= 17 significant digits,
 * ties to even: m · 10^e.  From v's exact decimal digits: those of the
 * whole number c · 2^q, or of c · 5^-q when q < 0 (then v is that times
 * 10^q), at most 767 of them, in base 10^9.  Slow (microseconds), for the
 * few numbers that need it. */
static void
exact_round(uint64_t c, int32_t q, int p, uint64_t *m, int32_t *e)
{
    uint32_t l[90]; /* little end first */
    int len = 0;
    for (uint64_t t = c; t > 0; t /= 1000000000)
        l[len++] = (uint32_t)(t % 1000000000);
    for (int left = q < 0 ? -q : q; left > 0;) {
        /* times 5^12 or 2^29 at most, below 10^9 */
        const int step =
            q < 0 ? (left < 12 ? left : 12) : (left < 29 ? left : 29);
        uint64_t f = 1;
        for (int i = 0; i < step; i++)
            f *= q < 0 ? 5 : 2;
        left -= step;
        uint64_t carry = 0;
        for (int i = 0; i < len; i++) {
            const uint64_t x = (uint64_t)l[i] * f + carry;
            l[i] = (uint32_t)(x % 1000000000);
            carry = x / 1000000000;
        }
        for (; carry > 0; carry /= 1000000000)
            l[len++] = (uint32_t)(carry % 1000000000);
    }
    /* the leading digits: the top limb's, then two more limbs (or zeros);
     * rest: whether any digit after the (p + 1)-th is not 0 */
    char d[40];
    const int k = decimal_length(l[len - 1]);
    put_digits(l[len - 1], d, k);
    put_digits(len >= 2 ? l[len - 2] : 0, d + k, 9);
    put_digits(len >= 3 ? l[len - 3] : 0, d + k + 9, 9);
    int rest = 0;
    for (int i = 0; i < len - 3; i++)
        rest |= l[i] != 0;
    for (int i = p + 1; i < k + 18; i++)
        rest |= d[i] != '0';
    uint64_t t = 0;
    for (int i = 0; i < p; i++)
        t = 10 * t + (uint64_t)(d[i] - '0');
    t += d[p] > '5' || (d[p] == '5' && (rest || (t & 1)));
    *m = t; /* 10^p after a carry: one trailing zero more */
    *e = k + 9 * (len - 1) - p + (q < 0 ? q : 0);
}

/* The digits m (no trailing zeros) and exponent e, v = m · 10^e, of the
 * positive finite double with fields ieee_m, ieee_e (see the opening
 * comment): Schubfach, then the two departures. */
static void
shortest(uint64_t ieee_m, uint32_t ieee_e, uint64_t *m, int32_t *e)
{
    uint64_t c;
    int32_t q;
    if (ieee_e != 0) {
        c = ieee_m | 1ULL << 52;
        q = (int32_t)ieee_e - 1075;
    } else { /* subnormal */
        c = ieee_m;
        q = -1074;
    }
    /* v = c · 2^q; those that read back lie between the halfway points to
     * the neighbours, (4c - 2) · 2^(q-2) and (4c + 2) · 2^(q-2), bounds
     * included when c is even (ties go to even); at a power of two above
     * the smallest normal the lower one is (4c - 1) · 2^(q-2) */
    const int lopsided = ieee_m == 0 && ieee_e > 1;
    const int even = (c & 1) == 0;
    const uint64_t cb = 4 * c, cbl = cb - 2 + (uint64_t)lopsided;
    const uint64_t cbr = cb + 2;
    /* k = floor(log10(2^q)), or floor(log10(3/4 · 2^q)) when lopsided
     * (both formulas checked against exact values for every q): then the
     * interval, scaled by 10^-k, is less than 10 wide */
    const int32_t k = floor_shift(q * 1262611 - (lopsided ? 524031 : 0), 22);
    const int h = q + floor_log2_pow10(-k) + 1; /* 1..4 */
    const uint64_t *g = G[292 - k];
    const uint64_t vbl = round_to_odd(g, cbl << h);
    const uint64_t vb = round_to_odd(g, cb << h);
    const uint64_t vbr = round_to_odd(g, cbr << h);
    const uint64_t lower = vbl + !even, upper = vbr - !even;
    /* s = floor(v · 10^-k), 16 or 17 digits for a normal v; vb has two
     * bits of fraction, the last one sticky */
    const uint64_t s = vb >> 2;
    uint64_t out = 0;
    int32_t exp = k;
    int found = 0;
    if (s >= 10) { /* a multiple of 10 in the interval (one at most) */
        const uint64_t sp = s / 10;
        const int up = lower <= 40 * sp, wp = 40 * sp + 40 <= upper;
        if (up != wp) {
            out = sp + (uint64_t)wp;
            exp = k + 1;
            found = 1;
        }
    }
    if (!found) { /* s or s + 1: the one inside, or the nearer, ties even */
        const int u = lower <= 4 * s, w = 4 * s + 4 <= upper;
        const uint64_t mid = 4 * s + 2;
        out =
            u != w ? s + (uint64_t)w : s + (vb > mid || (vb == mid && (s & 1)));
    }
    strip_zeros(&out, &exp);
    const int n = decimal_length(out);
    if (ieee_e == 0 && n < 15) { /* a subnormal: 15 digits */
        exact_round(c, q, 15, &out, &exp);
        strip_zeros(&out, &exp);
    } else if (lopsided && n == 16) {
        /* the shortest, but is it the correctly rounded one?  If not, it
         * does not read back, and 17 digits do */
        uint64_t r;
        int32_t re;
        exact_round(c, q, 16, &r, &re);
        if (r != out || re != exp) {
            exact_round(c, q, 17, &out, &exp);
            strip_zeros(&out, &exp);
        }
    }
    *m = out;
    *e = exp;
}

size_t
s3i_format_double(double v, char buf[32])
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const uint32_t ieee_e = (uint32_t)(bits >> 52) & 0x7FF;
    const uint64_t ieee_m = bits & ((1ULL << 52) - 1);
    char *o = buf;
    if (ieee_e == 0x7FF && ieee_m != 0) {
        memcpy(buf, "nan", 4);
        return 3;
    }
    if (bits >> 63)
        *o++ = '-';
    if (ieee_e == 0x7FF) {
        memcpy(o, "inf", 4);
        return (size_t)(o - buf) + 3;
    }
    /* whole numbers below 10^15 (counts, ranks, zero): their digits, the
     * fixed layout of "%.15g".  1 <= |v| < 2^50 is whole when the mantissa
     * has no bits below the point. */
    uint64_t whole = 0;
    int is_whole = (bits << 1) == 0; /* ±0 */
    if (ieee_e - 1023U < 50U) {
        const uint32_t point = 1075 - ieee_e; /* fraction bits: 3..52 */
        const uint64_t m2 = ieee_m | 1ULL << 52;
        whole = m2 >> point;
        is_whole = (m2 & ((1ULL << point) - 1)) == 0 && whole < POW10[15];
    }
    if (is_whole) {
        const int n = decimal_length(whole);
        write_digits(whole, n, o);
        o[n] = '\0';
        return (size_t)(o - buf) + (size_t)n;
    }

    uint64_t m;
    int32_t e;
    shortest(ieee_m, ieee_e, &m, &e);
    const int n = decimal_length(m);
    const int x = e + n - 1; /* exponent of the first digit */
    const int prec = n > 15 ? n : 15;
    /* The digits are written where they go, by stores only: a wide load
     * of bytes just stored in narrower pieces waits for the stores to
     * retire (no store forwarding).  The writes stay within 32 bytes:
     * at most a sign, 5 bytes of "0.000" and 17 digits. */
    if (x < -4 || x >= prec) { /* d.ddde±XX */
        write_digits(m, n, o + 1);
        o[0] = o[1];
        o[1] = '.';
        o += n > 1 ? n + 1 : 1;
        o[0] = 'e';
        o[1] = x < 0 ? '-' : '+';
        const int ax = x < 0 ? -x : x;
        if (ax >= 100) {
            o[2] = (char)('0' + ax / 100);
            memcpy(o + 3, PAIRS + 2 * (ax % 100), 2);
            o += 5;
        } else {
            memcpy(o + 2, PAIRS + 2 * ax, 2);
            o += 4;
        }
    } else if (x < 0) { /* 0.000ddd */
        memcpy(o, "0.000000", 8);
        write_digits(m, n, o + 1 - x);
        o += 1 - x + n;
    } else if (n > x + 1) { /* ddd.ddd */
#ifdef SWAR
        /* the digits from the (x + 1)-th on move up a byte for the point,
         * in the register */
        u128 y;
        char d16;
        digit_words(m, n, &y, &d16);
        const int k = x + 1; /* 1..16 */
        if (k < 16) {
            const u128 low = ((u128)1 << (8 * k)) - 1;
            const u128 out = (y & low) | (y & ~low) << 8 | (u128)'.' << (8 * k);
            memcpy(o, &out, 16);
            o[16] = (char)(y >> 120);
            o[17] = d16;
        } else {
            memcpy(o, &y, 16);
            o[16] = '.';
            o[17] = d16;
        }
#else
        /* the whole part moved left by one byte at a time (one byte read
         * from a two-byte store forwards) */
        put_digits(m, o + 1, n);
        char c = o[1]; /* (a plain o[i] = o[i + 1] loop becomes a call) */
        for (int i = 0; i <= x; i++) {
            const char next = o[i + 2];
            o[i] = c;
            c = next;
        }
        o[x + 1] = '.';
#endif
        o += n + 1;
    } else { /* the 16 or 17 digits of a whole number, as n = x + 1 here */
        write_digits(m, n, o);
        o += n;
    }
    *o = '\0';
    return (size_t)(o - buf);
}
