#!/usr/bin/env python3
"""numfmt_repr.py - s3i_format_double's texts against Python's repr.

    python3 tests/unit/numfmt_repr.py BUILD/tests/test_numfmt

Python's repr of a float (David Gay's dtoa, mode 0) is the shortest decimal
that reads back as the same double.  This script formats 10^6 doubles with
the engine (the test program run as `test_numfmt --print`, bit patterns
in, texts out) and compares them with repr.  The layouts differ (repr
writes '1e+16', '0.0001', '123.0'; the engine "%g"'s layout), so each text
is reduced to its sign, significant digits and the exponent of the first
digit, and those must be equal.

Two differences are expected, and checked to be only these: the engine
writes what the first of "%.15g", "%.16g", "%.17g" that reads back writes,
which is the shortest text for normal numbers but for two cases.  At a
power of two the numbers that read back lie twice as far above as below,
and there the shortest decimal (repr's) can be one whose length of
correctly rounded digits does not read back; the "%g" text then has 17
digits (46 of the 2,098 powers of two).  And a subnormal below about
1e-309 has fewer bits than 15 digits: "%.15g" reads back but repr is
shorter ('5e-324' against 4.94065645841247e-324).  Python's '%g' is
correctly rounded too and gives the expected texts.

Run by tests/run and meson test.  Prints "ok - ..." or
"not ok - ..." lines, and exits 1 when one is not ok.
"""
import math
import random
import struct
import subprocess
import sys

N = 1_000_000


def bits(v):
    return struct.unpack('<Q', struct.pack('<d', v))[0]


def from_bits(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


def norm(text):
    """(negative, significant digits, exponent of the first digit)"""
    neg = text.startswith('-')
    t = text[1:] if neg else text
    if t in ('inf', 'nan'):
        return (neg, t, 0)
    mant, _, exp = t.partition('e')
    whole, _, frac = mant.partition('.')
    digits = whole + frac
    sig = digits.lstrip('0')
    if not sig:
        return (neg, '', 0)
    lead = len(digits) - len(sig)
    return (neg, sig.rstrip('0'), len(whole) - lead - 1 + int(exp or 0))


def by_search(v):
    """digits of the first P in 1..17 whose '%.{P-1}e' reads back"""
    for p in range(1, 18):
        t = '%.*e' % (p - 1, v)
        if float(t) == v:
            return norm(t)
    raise AssertionError(v)


def former(v):
    """the first of '%.15g', '%.16g', '%.17g' that reads back"""
    for p in (15, 16, 17):
        t = '%.*g' % (p, v)
        if float(t) == v:
            return t
    raise AssertionError(v)


def numbers(rng):
    """10^6 doubles: every power of two, special values, then a mix"""
    out = [math.ldexp(1.0, k) for k in range(-1074, 1024)]
    out += [0.0, -0.0, math.inf, -math.inf, 5e-324, 2.2250738585072014e-308,
            1.7976931348623157e308, 0.1, 0.2, 0.3, 0.1 + 0.2, 1e15, 1e16,
            1e17, 9007199254740992.0, 9007199254740994.0]
    pow10 = [float('1e%d' % k) for k in range(-323, 309)]
    i = 0
    while len(out) < N:
        k = i % 10
        i += 1
        if k < 3:  # any finite bit pattern
            v = from_bits(rng.getrandbits(64))
            if math.isinf(v) or math.isnan(v):
                continue
        elif k == 3:  # a share of counts
            a = rng.randint(1, 100000)
            v = a / (a + rng.randint(0, 1000000))
        elif k == 4:  # an RCA
            a, b = rng.randint(1, 100000), rng.randint(1, 5000000)
            v = (a / (a + rng.randint(0, 10**6))) / (
                b / (b + rng.randint(0, 5 * 10**7)))
        elif k == 5:  # a count over a small divisor
            v = rng.randint(0, 10**8) / rng.choice((2, 3, 4, 7, 12, 100, 365))
        elif k == 6:  # a product of uniform numbers
            v = rng.random() * rng.random()
        elif k == 7:  # next to a power of two or of ten
            v = (math.ldexp(1.0, rng.randint(-1074, 1023)) if rng.random() < .5
                 else rng.choice(pow10))
            for _ in range(rng.randint(0, 4)):
                v = math.nextafter(v, rng.choice((0.0, math.inf)))
        elif k == 8:  # a decimal of 1 to 17 digits
            d = rng.randint(1, 17)
            v = float('%de%d' % (rng.randrange(10**d), rng.randint(-340, 300)))
            if math.isinf(v):
                continue
        else:  # a subnormal
            v = from_bits(rng.getrandbits(52))
        out.append(-v if rng.random() < .5 else v)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    values = numbers(random.Random(20261126))
    run = subprocess.run([sys.argv[1], '--print'], capture_output=True,
                         text=True, check=False,
                         input=''.join('%016x\n' % bits(v) for v in values))
    texts = run.stdout.split('\n')[:-1]
    if run.returncode != 0 or len(texts) != len(values):
        print('not ok - numfmt repr: %s --print: exit status %d, %d texts '
              'for %d numbers' % (sys.argv[1], run.returncode, len(texts),
                                  len(values)))
        return 1
    same = 0
    powers = []  # the expected differences, checked
    subnormals = 0
    wrong = []
    for v, ours in zip(values, texts):
        a, b = norm(ours), norm(repr(v))
        if a == b:
            same += 1
        elif (bits(abs(v)) & ((1 << 52) - 1)) == 0 and a == by_search(v) \
                and len(a[1]) == 17 and len(b[1]) == 16:
            powers.append(v)
        elif 0 < abs(v) < 2.2250738585072014e-308 and ours == former(v) \
                and len(a[1]) > len(b[1]):
            subnormals += 1
        else:
            wrong.append((v, ours, repr(v)))
    ok = not wrong
    print('%s - numfmt repr: %d numbers, %d with the same sign, digits and '
          'exponent as repr, %d subnormals written longer (as "%%.15g" '
          'writes them), %d powers of two written longer (below), %d other '
          'differences%s' %
          ('ok' if ok else 'not ok', len(values), same, subnormals,
           len(powers), len(wrong),
           '' if ok else '; first: %r: ours %r, repr %r' % wrong[0]))
    # the powers of two where repr's shortest is not the %g search's
    expect = sorted(k for k in range(-1074, 1024)
                    if by_search(math.ldexp(1.0, k))
                    != norm(repr(math.ldexp(1.0, k))))
    got = sorted({math.frexp(abs(v))[1] - 1 for v in powers})
    ok2 = got == expect and len(expect) > 0
    print('%s - numfmt repr: %d texts of powers of two differ from repr as '
          'expected (17 correctly rounded digits where repr\'s 16 are not the '
          'correctly rounded ones); the search says %d powers of two: %s' %
          ('ok' if ok2 else 'not ok', len(powers), len(expect),
           ' '.join('2^%d' % k for k in expect[:6]) + ' ...'))
    return 0 if ok and ok2 else 1


if __name__ == '__main__':
    sys.exit(main())
