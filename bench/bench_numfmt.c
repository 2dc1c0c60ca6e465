/*
 * bench_numfmt.c — time the CSV writer's number formatting
 * (s3i_format_number, through s3i_format_double in engine/base/numfmt.c)
 * against two same-process baselines: snprintf("%.17g"), what a C program
 * writes to be sure of the round trip, and the former formatter, kept
 * below as it was (a printf of 17 digits and a strtod of the chosen text
 * per number).  Machines here are noisy, so each figure is the best of
 * several runs.
 *
 *   build/bench/bench_numfmt [count repeats seed]
 *
 * Two sets of count numbers: numbers as the output tables hold them
 * (shares and RCAs from counts, fractions of whole numbers, products of
 * uniform numbers like cosines), and any finite double (random bit
 * patterns, mostly 17 digits with a three-digit exponent: printf's slowest
 * case).  Both sets are also formatted by the former formatter and the
 * texts compared byte for byte, with further numbers where formatting is
 * delicate: next to every power of two and of ten, decimals of 1 to 17
 * digits, subnormals.  Any difference is printed and makes the exit status
 * 1.
 *
 * Unlike the other benchmarks this one calls internal functions, so it
 * links the library's objects (as the module unit tests do).
 */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "output/output.h"

#include "bench_util.h"

/* ---- the former formatter (engine/output/output.c before numfmt.c) ----- */

/* "%.Pg" of a number whose 17 significant digits (correctly rounded) are
 * d and whose decimal exponent is x, written by hand: P digits rounded half
 * up, trailing zeros dropped, fixed notation for -4 <= exponent < P, else
 * d.ddde+XX.  Returns 0 (and writes nothing) where the 17 digits cannot
 * tell which way the exact value rounds: the dropped digits are exactly
 * "5" or "50". */
static int
g_digits(int negative, const char d17[17], int x, int prec, char *out)
{
    char d[18];
    memcpy(d, d17, 17);
    if (prec < 17) {
        int tie = d[prec] == '5' && (prec == 16 || d[prec + 1] == '0');
        if (tie)
            return 0;
        if (d[prec] >= '5') {
            int i = prec - 1;
            for (; i >= 0 && d[i] == '9'; i--)
                d[i] = '0';
            if (i >= 0) {
                d[i]++;
            } else { /* 9.99... became 10.0... */
                memmove(d + 1, d, (size_t)prec - 1);
                d[0] = '1';
                x++;
            }
        }
    }
    int n = prec;
    while (n > 1 && d[n - 1] == '0')
        n--;
    char *o = out;
    if (negative)
        *o++ = '-';
    if (x < -4 || x >= prec) {
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)n - 1);
            o += n - 1;
        }
        o += sprintf(o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            *o++ = i < n ? d[i] : '0';
        if (n > x + 1) {
            *o++ = '.';
            memcpy(o, d + x + 1, (size_t)(n - x - 1));
            o += n - x - 1;
        }
        *o = '\0';
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *o++ = '0';
        memcpy(o, d, (size_t)n);
        o += n;
        *o = '\0';
    }
    return 1;
}

/* The former s3i_format_number: the first of "%.15g", "%.16g", "%.17g"
 * that reads back as v; "" for NaN, no "-0". */
static void
old_format_number(double v, char buf[32])
{
    if (isnan(v)) {
        buf[0] = '\0';
        return;
    }
    if (v == 0.0)
        v = 0.0; /* no "-0" */
    /* whole numbers below 10^15 (counts, ranks): their digits, which is
     * what "%.15g" writes, without printf and the check */
    if (fabs(v) < 1e15 && v == trunc(v)) {
        char tmp[24];
        size_t n = 0, i = 0;
        uint64_t x = (uint64_t)fabs(v);
        do
            tmp[n++] = (char)('0' + x % 10);
        while ((x /= 10) > 0);
        if (v < 0)
            buf[i++] = '-';
        while (n > 0)
            buf[i++] = tmp[--n];
        buf[i] = '\0';
        return;
    }
    if (isinf(v)) {
        snprintf(buf, 32, "%s", v > 0 ? "inf" : "-inf");
        return;
    }
    /* the first of "%.15g", "%.16g", "%.17g" that reads back as v, all
     * three made from one printf of 17 digits */
    char e17[40];
    snprintf(e17, sizeof e17, "%.16e", fabs(v));
    char d[17];
    for (int i = 0, k = 0; i < 17; k++)
        if (e17[k] >= '0' && e17[k] <= '9')
            d[i++] = e17[k];
    int x = atoi(strchr(e17, 'e') + 1);
    for (int prec = 15; prec <= 17; prec++) {
        if (!g_digits(v < 0, d, x, prec, buf)) {
            snprintf(buf, 32, prec == 15 ? "%.15g" : "%.16g", v);
            for (char *c = buf; *c; c++) /* whatever the locale's point */
                if (*c != '-' && *c != '+' && *c != 'e' &&
                    (*c < '0' || *c > '9'))
                    *c = '.';
        }
        double back;
        if (s3i_parse_number(buf, strlen(buf), 0, &back) == 0 && back == v)
            return;
    }
}

/* ---- numbers ------------------------------------------------------------ */

/* a uniform 64-bit word from mt19937's 32-bit draws */
static uint64_t
draw64(gsl_rng *r)
{
    return (uint64_t)gsl_rng_get(r) << 32 | (uint64_t)gsl_rng_get(r);
}

/* a uniform double in [0, 1) with 53 random bits */
static double
uniform53(gsl_rng *r)
{
    return (double)(draw64(r) >> 11) * 0x1p-53;
}

/* A number as the output tables hold them: kind 0 a share a/b of counts,
 * 1 an RCA (a/b)/(c/d), 2 a whole number over a small divisor (means,
 * halves, thirds, percentages), 3 a product of uniform numbers (a cosine,
 * a density), 4 a signed standardised score. */
static double
output_like(gsl_rng *r, int kind)
{
    double a = (double)(1 + gsl_rng_uniform_int(r, 100000));
    double b = a + (double)gsl_rng_uniform_int(r, 1000000);
    switch (kind) {
    case 0:
        return a / b;
    case 1: {
        double c = (double)(1 + gsl_rng_uniform_int(r, 5000000));
        double d = c + (double)gsl_rng_uniform_int(r, 50000000);
        return (a / b) / (c / d);
    }
    case 2: {
        static const double div[] = {2, 3, 4, 7, 12, 100, 365};
        return (double)gsl_rng_uniform_int(r, 10000000) /
               div[gsl_rng_uniform_int(r, 7)];
    }
    case 3:
        return uniform53(r) * uniform53(r);
    default:
        return (uniform53(r) - 0.5) * 6.0;
    }
}

/* Any finite double: random bit patterns. */
static double
any_double(gsl_rng *r)
{
    for (;;) {
        uint64_t b = draw64(r);
        double v;
        memcpy(&v, &b, sizeof v);
        if (isfinite(v))
            return v;
    }
}

/* A delicate number: kind 0 within 4 ulps of a power of two, 1 within 4
 * ulps of a power of ten, 2 a decimal of 1 to 17 random digits read by
 * strtod, 3 a subnormal. */
static double
delicate(gsl_rng *r, int kind)
{
    double v;
    char text[64];
    switch (kind) {
    case 0:
        v = ldexp(1.0, (int)gsl_rng_uniform_int(r, 2098) - 1074);
        break;
    case 1:
        snprintf(text, sizeof text, "1e%d",
                 (int)gsl_rng_uniform_int(r, 633) - 324);
        v = strtod(text, NULL);
        break;
    case 2: {
        int digits = 1 + (int)gsl_rng_uniform_int(r, 17);
        uint64_t m = draw64(r) % 100000000000000000ULL;
        while (m >= 10 && (int)floor(log10((double)m)) + 1 > digits)
            m /= 10;
        snprintf(text, sizeof text, "%llue%d", (unsigned long long)m,
                 (int)gsl_rng_uniform_int(r, 600) - 320);
        return strtod(text, NULL);
    }
    default: {
        uint64_t b = draw64(r) & ((1ULL << 52) - 1);
        memcpy(&v, &b, sizeof v);
        return v;
    }
    }
    for (int k = (int)gsl_rng_uniform_int(r, 9) - 4; k != 0 && v > 0;
         k += k < 0 ? 1 : -1)
        v = nextafter(v, k < 0 ? 0.0 : INFINITY);
    return v;
}

/* ---- timing and comparison --------------------------------------------- */

enum { NEW, PRINTF, OLD, NFMT };

/* Seconds for formatting x[0..n) with formatter f; the lengths are summed
 * into *sink so that nothing is optimised away. */
static double
time_one(int f, const double *x, size_t n, size_t *sink)
{
    char buf[40];
    size_t total = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        if (f == NEW) {
            s3i_format_number(x[i], buf);
        } else if (f == PRINTF) {
            snprintf(buf, sizeof buf, "%.17g", x[i]);
        } else {
            old_format_number(x[i], buf);
        }
        total += strlen(buf);
    }
    double t = now() - t0;
    *sink += total;
    return t;
}

/* The number of texts of the new and the former formatter that differ on
 * x[0..n); the first is printed. */
static size_t
compare(const double *x, size_t n, size_t diff)
{
    size_t more = 0;
    for (size_t i = 0; i < n; i++) {
        char a[32], b[32];
        s3i_format_number(x[i], a);
        old_format_number(x[i], b);
        if (strcmp(a, b) != 0 && diff + more++ == 0)
            printf("DIFFERENT: %a: new \"%s\", former \"%s\"\n", x[i], a, b);
    }
    return more;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    unsigned long seed = argc > 3 ? strtoul(argv[3], NULL, 10) : 20261126;
    double *x = malloc(n * sizeof *x);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!x || !r || n == 0) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    gsl_rng_set(r, seed);
    static const char *const set_name[2] = {"output-like numbers",
                                            "any finite double"};
    static const char *const fmt_name[NFMT] = {
        "s3i_format_number (new)", "snprintf %.17g", "former formatter"};
    size_t sink = 0, compared = 0, diff = 0;
    printf("number formatting, %zu numbers per set, seed %lu, best of %d\n", n,
           seed, reps);
    for (int set = 0; set < 2; set++) {
        for (size_t i = 0; i < n; i++)
            x[i] = set == 0 ? output_like(r, (int)(i % 5)) : any_double(r);
        double best[NFMT] = {1e9, 1e9, 1e9};
        for (int rep = 0; rep < reps; rep++)
            for (int f = 0; f < NFMT; f++) {
                double t = time_one(f, x, n, &sink);
                if (t < best[f])
                    best[f] = t;
            }
        printf("%s\n%-26s %10s %12s %12s\n", set_name[set], "formatter",
               "ns/number", "x %.17g", "x former");
        for (int f = 0; f < NFMT; f++)
            printf("%-26s %10.1f %12.2f %12.2f\n", fmt_name[f],
                   best[f] * 1e9 / (double)n, best[PRINTF] / best[f],
                   best[OLD] / best[f]);
        printf("speed-up: %.2f x snprintf %%.17g, %.2f x former\n",
               best[PRINTF] / best[NEW], best[OLD] / best[NEW]);
        diff += compare(x, n, diff);
        compared += n;
    }
    for (int kind = 0; kind < 4; kind++) {
        for (size_t i = 0; i < n; i++)
            x[i] = delicate(r, kind);
        diff += compare(x, n, diff);
        compared += n;
    }
    printf("new vs former texts on %zu numbers: %zu differ\n", compared, diff);
    free(x);
    gsl_rng_free(r);
    return diff != 0 || sink == 0;
}
