/*
 * sha256.c — SHA-256 (FIPS 180-4), the fingerprint of every input file,
 * computed while the file is read.
 *
 * The compression function exists twice and both give identical digests:
 *
 *   - portable C, one 64-byte block at a time;
 *   - on x86-64 processors with the SHA extensions (Intel from Goldmont and
 *     Ice Lake, AMD from Zen), the SHA-NI instructions: SHA256RNDS2 runs
 *     two rounds, SHA256MSG1 and SHA256MSG2 extend the message schedule
 *     four words at a time (Gulley et al., "Intel SHA Extensions", Intel
 *     white paper, 2013).  Several times faster than the C.
 *
 * The choice is made once, at the first update, with cpuid.  The
 * environment variable S3_NO_SHANI=1 (any value but empty or 0) forces the
 * portable code for the whole process; s3i_sha256_force_portable switches
 * it within a process, so that the tests can compare the two.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define S3_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define S3_SHANI 0
#endif

/* Compress n consecutive 64-byte blocks at p into the state h. */
typedef void sha_blocks_fn(uint32_t h[8], const unsigned char *p, size_t n);

/* The round constants: the first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. */
static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* ---- portable compression ------------------------------------------------ */

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* Compress one 64-byte block into the state. */
static void
sha_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5],
             g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
                      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
                      ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

static void
sha_blocks_portable(uint32_t h[8], const unsigned char *p, size_t n)
{
    for (; n; n--, p += 64)
        sha_block(h, p);
}

/* ---- SHA-NI compression (x86-64) ----------------------------------------- */

#if S3_SHANI

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Whether the processor has the SHA extensions and the SSSE3 (PSHUFB) and
 * SSE4.1 (PEXTRD) instructions used around them.  They work on XMM
 * registers only, which every x86-64 system saves, so there is no OS
 * support (XSAVE) to check. */
static int
cpu_has_shani(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
        !(c & bit_SSE4_1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & bit_SHA) != 0;
}

/*
 * SHA256RNDS2 keeps the eight working variables in two registers, {A,B,E,F}
 * and {C,D,G,H}, listed from the highest 32-bit lane down.  It runs two
 * rounds with W[t] + K[t] and W[t+1] + K[t+1] in lanes 0 and 1 of its third
 * operand and returns the new {A,B,E,F}; the old {A,B,E,F} is the new
 * {C,D,G,H} (two rounds move A to C, B to D, E to G, F to H), so the two
 * registers swap roles after each instruction and are back in place after
 * every four rounds.
 */

/* Four rounds t..t+3 on the message words w = W[t..t+3] (lane 0 first). */
SHANI_TARGET static inline void
shani_rounds4(__m128i *abef, __m128i *cdgh, __m128i w, int t)
{
    __m128i wk =
        _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(sha_k + t)));
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    /* rounds t+2, t+3: their W + K moved down to lanes 0 and 1 */
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* The next four message words W[t..t+3] from the previous sixteen,
 * w0 = W[t-16..t-13], ..., w3 = W[t-4..t-1]:
 *   W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16].
 * SHA256MSG1 gives W[t-16+j] + σ0(W[t-15+j]); W[t-7..t-4] are lanes 1-3 of
 * w2 and lane 0 of w3; SHA256MSG2 adds σ1(W[t-2+j]), computing W[t] and
 * W[t+1] before it needs them for W[t+2] and W[t+3]. */
SHANI_TARGET static inline __m128i
shani_schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3)
{
    __m128i x = _mm_sha256msg1_epu32(w0, w1);
    x = _mm_add_epi32(x, _mm_alignr_epi8(w3, w2, 4));
    return _mm_sha256msg2_epu32(x, w3);
}

/* The four big-endian message words at p, the first in lane 0. */
SHANI_TARGET static inline __m128i
shani_load(const unsigned char *p)
{
    /* reverse the bytes of each 32-bit word */
    const __m128i bswap =
        _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bswap);
}

SHANI_TARGET static void
sha_blocks_shani(uint32_t h[8], const unsigned char *p, size_t n)
{
    __m128i abef = _mm_set_epi32((int)h[0], (int)h[1], (int)h[4], (int)h[5]);
    __m128i cdgh = _mm_set_epi32((int)h[2], (int)h[3], (int)h[6], (int)h[7]);

    for (; n; n--, p += 64) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i w0 = shani_load(p), w1 = shani_load(p + 16),
                w2 = shani_load(p + 32), w3 = shani_load(p + 48);
        shani_rounds4(&abef, &cdgh, w0, 0);
        shani_rounds4(&abef, &cdgh, w1, 4);
        shani_rounds4(&abef, &cdgh, w2, 8);
        shani_rounds4(&abef, &cdgh, w3, 12);
        /* rounds 16-63: each register in turn takes the next four words */
        for (int t = 16; t < 64; t += 16) {
            w0 = shani_schedule(w0, w1, w2, w3);
            shani_rounds4(&abef, &cdgh, w0, t);
            w1 = shani_schedule(w1, w2, w3, w0);
            shani_rounds4(&abef, &cdgh, w1, t + 4);
            w2 = shani_schedule(w2, w3, w0, w1);
            shani_rounds4(&abef, &cdgh, w2, t + 8);
            w3 = shani_schedule(w3, w0, w1, w2);
            shani_rounds4(&abef, &cdgh, w3, t + 12);
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }

    h[0] = (uint32_t)_mm_extract_epi32(abef, 3);
    h[1] = (uint32_t)_mm_extract_epi32(abef, 2);
    h[4] = (uint32_t)_mm_extract_epi32(abef, 1);
    h[5] = (uint32_t)_mm_extract_epi32(abef, 0);
    h[2] = (uint32_t)_mm_extract_epi32(cdgh, 3);
    h[3] = (uint32_t)_mm_extract_epi32(cdgh, 2);
    h[6] = (uint32_t)_mm_extract_epi32(cdgh, 1);
    h[7] = (uint32_t)_mm_extract_epi32(cdgh, 0);
}

#endif /* S3_SHANI */

/* ---- choice of the compression function ---------------------------------- */

/* The file's only state, atomic because files may be read on several
 * threads (which then all decide the same thing). */
#if S3_SHANI
/* Whether SHA-NI may be used: -1 not decided yet, then 0 or 1 (cpuid and
 * S3_NO_SHANI). */
static atomic_int sha_shani_ok = -1;
#endif
/* Set by s3i_sha256_force_portable. */
static atomic_int sha_forced_portable = 0;

static sha_blocks_fn *
sha_blocks(void)
{
#if S3_SHANI
    int ok = atomic_load_explicit(&sha_shani_ok, memory_order_relaxed);
    if (ok < 0) {
        const char *no = getenv("S3_NO_SHANI");
        ok = cpu_has_shani() && !(no && *no && strcmp(no, "0") != 0);
        atomic_store_explicit(&sha_shani_ok, ok, memory_order_relaxed);
    }
    if (ok && !atomic_load_explicit(&sha_forced_portable, memory_order_relaxed))
        return sha_blocks_shani;
#endif
    return sha_blocks_portable;
}

int
s3i_sha256_force_portable(int on)
{
    return atomic_exchange(&sha_forced_portable, on != 0);
}

const char *
s3i_sha256_impl(void)
{
    return sha_blocks() == sha_blocks_portable ? "portable" : "sha-ni";
}

/* ---- streaming interface ------------------------------------------------- */

void
s3i_sha256_init(s3i_sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                   0xa54ff53a, 0x510e527f, 0x9b05688c,
                                   0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->bytes = 0;
    s->nbuf = 0;
}

void
s3i_sha256_update(s3i_sha256 *s, const void *data, size_t len)
{
    sha_blocks_fn *blocks = sha_blocks();
    const unsigned char *p = data;
    s->bytes += len;
    if (s->nbuf) {
        size_t n = 64 - s->nbuf < len ? 64 - s->nbuf : len;
        memcpy(s->buf + s->nbuf, p, n);
        s->nbuf += n;
        p += n;
        len -= n;
        if (s->nbuf < 64)
            return;
        blocks(s->h, s->buf, 1);
        s->nbuf = 0;
    }
    /* all whole blocks in one call: SHA-NI keeps the state in registers */
    size_t whole = len / 64;
    if (whole) {
        blocks(s->h, p, whole);
        p += 64 * whole;
        len -= 64 * whole;
    }
    if (len)
        memcpy(s->buf, p, len);
    s->nbuf = len;
}

void
s3i_sha256_hex(s3i_sha256 *s, char hex[65])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad[72] = {0x80};
    size_t npad = (s->nbuf < 56 ? 56 : 120) - s->nbuf;
    for (int i = 0; i < 8; i++)
        pad[npad + i] = (unsigned char)(bits >> (56 - 8 * i));
    uint64_t keep = s->bytes;
    s3i_sha256_update(s, pad, npad + 8);
    s->bytes = keep;
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}
