#!/usr/bin/env python3
"""significance_ref.py - reference values for the significance kernels
(engine/measures/significance.c), from scipy: an implementation that
shares nothing with the engine's (Boost's incomplete beta behind
scipy.stats.binom and scipy.stats.beta, Cephes's incomplete beta and gamma
quantiles behind scipy.special).  tests/unit/test_significance.c runs this
script and compares every value with relative tolerance 1e-10.

Prints one case a line, every number as Python's repr (the shortest string
that reads back as the same double, so C's strtod sees the very inputs
scipy saw):

    p X N P VALUE           P(X >= x), X ~ Bin(n, p): scipy.stats.binom.sf
                            (x - 1, n, p) for whole x, for fractional x the
                            continuous extension scipy.special.betainc(x,
                            n - x + 1, p), checked against Boost's
                            scipy.stats.beta.cdf(p, x, n - x + 1)
    ci X N P LEVEL LO HI    Garwood's interval of the RCA x / (n p):
                            scipy.stats.gamma.ppf(a / 2, x) / (n p) (0 at
                            x = 0) and scipy.stats.gamma.isf(a / 2, x + 1)
                            / (n p), a = 1 - level (isf(a / 2) is ppf(1 -
                            a / 2) without the rounding of 1 - a / 2;
                            checked against it)
    bh M P1 .. PM Q1 .. QM  Benjamini-Hochberg q-values ('nan' where p is
                            NaN), from the definition (below), and from
                            scipy.stats.false_discovery_control where scipy
                            has it (1.11 on; Debian 12 has 1.10)

Lines starting with '#' are comments.  Exits 1, printing 'error: ...',
when scipy is missing or two scipy routes disagree.

The cases: small units as centres have (n = 3 .. 40, every x), large ones
(n = 10^5 and 10^6, x from the mean to 30 standard deviations above it),
tiny and large shares (1e-30 .. 0.9999), tails down to 1e-300 (values
below that, where doubles lose digits, are left out), fractional counts
(2.5 of 7.25 and others), and for the intervals counts 0 .. 40, fractional
and large (to 10^5) at six levels.  scipy's own error grows with n (its
binomial tail is off by up to 5e-10 at n = 10^7, its gamma quantiles by
8e-7 at 10^7 in the 1e-9 tail, measured against mpmath), so the cases
stop at 10^6 and 10^5; test_significance.c checks n = 10^7 against
mpmath values it keeps.
"""
import math
import sys

try:
    import numpy as np
    import scipy
    import scipy.special as sp
    import scipy.stats as st
except ImportError as e:
    print("error: %s (apt-get install python3-scipy)" % e)
    sys.exit(1)

TAIL_MIN = 1e-300  # smaller tails are not compared


def fail(msg):
    print("error: " + msg)
    sys.exit(1)


def num(v):
    return repr(float(v))


out = []


def pvalue(x, n, p):
    x, n, p = float(x), float(n), float(p)
    if x == math.floor(x):
        v = float(st.binom.sf(x - 1, n, p))
    else:
        v = float(sp.betainc(x, n - x + 1, p))
        w = float(st.beta.cdf(p, x, n - x + 1))
        if abs(v - w) > 1e-11 * abs(w):
            fail("betainc and beta.cdf disagree at x=%r n=%r p=%r: %r %r"
                 % (x, n, p, v, w))
    if v >= TAIL_MIN:
        out.append("p %s %s %s %s" % (num(x), num(n), num(p), num(v)))


def interval(x, n, p, level):
    x, n, p, level = float(x), float(n), float(p), float(level)
    a = 1.0 - level
    e = n * p
    lo = 0.0 if x == 0 else float(st.gamma.ppf(a / 2, x)) / e
    hi = float(st.gamma.isf(a / 2, x + 1)) / e
    hi2 = float(st.gamma.ppf(1 - a / 2, x + 1)) / e
    if abs(hi - hi2) > 1e-12 * hi:
        fail("gamma isf and ppf disagree at x=%r level=%r" % (x, level))
    out.append("ci %s %s %s %s %s %s"
               % (num(x), num(n), num(p), num(level), num(lo), num(hi)))


def bh_definition(p):
    """q_i = min(1, min over p_k >= p_i of p_k m / r_k), r_k the number of
    defined p-values <= p_k: the step-up procedure made monotone, written
    without sorting (O(m^2)), as a check independent of the kernel's."""
    idx = [i for i, v in enumerate(p) if not math.isnan(v)]
    m = len(idx)
    q = [math.nan] * len(p)
    for i in idx:
        best = 1.0
        for k in idx:
            if p[k] >= p[i]:
                r = sum(1 for l in idx if p[l] <= p[k])
                best = min(best, p[k] * m / r)
        q[i] = best
    return q


def bh(p):
    q = bh_definition(p)
    if hasattr(st, "false_discovery_control"):
        d = [v for v in p if not math.isnan(v)]
        if d:
            f = iter(st.false_discovery_control(d))
            for i, v in enumerate(p):
                if not math.isnan(v):
                    w = float(next(f))
                    if abs(w - q[i]) > 1e-12 * q[i]:
                        fail("false_discovery_control disagrees: %r %r"
                             % (w, q[i]))
    out.append("bh %d %s %s" % (len(p), " ".join(num(v) for v in p),
                                " ".join(num(v) for v in q)))


# ---- p-values ---------------------------------------------------------

# small units, every count
for n in (3, 4, 7, 12, 25, 40):
    for p in (1e-30, 1e-6, 0.002, 0.0137, 0.05, 0.1, 0.2385, 0.5, 0.77,
              0.999):
        for x in range(1, n + 1):
            pvalue(x, n, p)

# large units: small counts, and the mean to 30 standard deviations above
for n in (1e5, 1e6):
    for p in (1e-12, 1e-7, 1e-4, 0.003, 0.0417, 0.1, 0.5, 0.9, 0.9999):
        mu, sd = n * p, math.sqrt(n * p * (1 - p))
        xs = {1, 2, 3, 7}
        for k in (-2, 0, 0.5, 1, 3, 10, 30):
            xs.add(math.ceil(mu + k * sd))
        xs.add(n - 1)
        xs.add(n)
        for x in sorted(xs):
            if 0 < x <= n:
                pvalue(x, n, p)

# fractional counts and totals (patents counted fractionally)
for x, n in ((2.5, 7.25), (0.5, 3), (0.25, 1.75), (1.333, 4.667),
             (3.75, 3.75), (6.9, 7.25), (10.25, 100.5), (33.3, 100.5),
             (1234.5, 1e5), (4017.25, 1e5)):
    for p in (1e-5, 0.003, 0.0417, 0.15, 0.3, 0.5, 0.85):
        pvalue(x, n, p)

# deep tails: about 1e-50 .. 1e-300
for x, n, p in ((40, 40, 1e-4), (25, 40, 1e-6), (12, 12, 1e-12),
                (20, 25, 1e-14), (7, 7, 1e-40), (1500, 1e5, 1e-3),
                (3000, 1e5, 1e-3), (60000, 1e5, 0.5), (11.5, 12.25, 1e-20)):
    pvalue(x, n, p)

# ---- intervals --------------------------------------------------------

counts = list(range(0, 41)) + [0.001, 0.25, 0.5, 2.5, 7.25, 13.333, 100,
                               1000, 12345, 1e5]
for level in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
    for x in counts:
        n = max(x, 1.0) * 2.385
        interval(x, n, 0.0417, level)
for x, n, p in ((1, 3, 0.5), (2, 25, 0.003), (3, 40, 1.0), (5, 17, 1e-9)):
    interval(x, n, p, 0.95)

# ---- Benjamini-Hochberg -----------------------------------------------

rng = np.random.default_rng(20261126)
nan = math.nan
bh([0.01, 0.012, 0.04, 0.041, 0.9])
bh([0.3, nan, 0.02, 0.02, 0.5, nan, 0.02, 1.0, 0.0])
bh([float(v) for v in rng.uniform(0, 0.2, 40)])
# many ties: p-values on a coarse grid, with NaN between them
grid = [float(v) for v in np.round(rng.uniform(0, 1, 120) ** 3, 2)]
grid = [nan if i % 11 == 3 else v for i, v in enumerate(grid)]
bh(grid)
# tiny p-values, as deep binomial tails give
bh([float(v) for v in 10.0 ** -rng.uniform(0, 200, 60)])
bh([nan, nan])
bh([0.7])

print("# scipy %s, numpy %s" % (scipy.__version__, np.__version__))
print("\n".join(out))
