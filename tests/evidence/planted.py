#!/usr/bin/env python3
"""A planted signal: does the significant rule find what is there, and only that?

    planted.py make DIR SEED      writes DIR/planted.csv (unit,class,value)
                                  and DIR/planted_truth.csv (the planted cells)
    planted.py score DIR...       reads each DIR's truth and the engine's
                                  DIR/rca/csv/specialisation.csv and
                                  DIR/sig/csv/specialisation.csv; prints the
                                  rates as "ok - ..." / "not ok - ..." lines

A network of small units (60 to 300 records each, like technology
centres) over 40 classes with unequal shares.  Every unit draws its
records from the network's shares (multinomial noise), except that one
unit in five has two planted classes, among the 20 largest, whose share is
five times the network's (in the smallest classes a unit of this size
expects less than one record, and no test can tell four from one).  A cell is a
true specialisation when it is planted.  The significant rule (RCA >= 1 and
Benjamini-Hochberg q <= alpha) should recover most planted cells while the
share of its specialisations that are not planted (the false discovery
share) stays at or under alpha; plain RCA >= 1 flags many noise cells.
Pure standard library: random.Random(seed) is the same on every machine.
"""
import csv
import os
import random
import sys

UNITS, CLASSES, BOOST, PLANTED = 150, 40, 5.0, 2


def make(out, seed):
    rng = random.Random(seed)
    # unequal class shares: a few large classes, many small ones
    w = [1.0 / (k + 1) ** 0.8 for k in range(CLASSES)]
    tot = sum(w)
    base = [x / tot for x in w]
    rows, truth = [], []
    for u in range(UNITS):
        n = rng.randint(60, 300)
        share = list(base)
        planted = []
        if u % 5 == 0:
            planted = rng.sample(range(CLASSES // 2), PLANTED)
            for k in planted:
                share[k] *= BOOST
            s = sum(share)
            share = [x / s for x in share]
        counts = [0] * CLASSES
        cum = []
        acc = 0.0
        for x in share:
            acc += x
            cum.append(acc)
        for _ in range(n):
            r = rng.random() * acc
            k = next(i for i, c in enumerate(cum) if r < c)
            counts[k] += 1
        name = "U%03d" % u
        for k in range(CLASSES):
            if counts[k]:
                rows.append((name, "K%02d" % k, counts[k]))
        truth += [(name, "K%02d" % k) for k in planted]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "planted.csv"), "w", newline="") as f:
        w_ = csv.writer(f)
        w_.writerow(["unit", "class", "value"])
        w_.writerows(rows)
    with open(os.path.join(out, "planted_truth.csv"), "w", newline="") as f:
        w_ = csv.writer(f)
        w_.writerow(["unit", "class"])
        w_.writerows(truth)


def flagged(path):
    with open(path, newline="") as f:
        return {(r["unit"], r["class"]) for r in csv.DictReader(f)
                if r["specialised"] == "1"}


def score(dirs, alpha):
    tp = fp = planted = fp_rca = noise_rca = noise = 0
    for d in dirs:
        with open(os.path.join(d, "planted_truth.csv"), newline="") as f:
            truth = {(r["unit"], r["class"]) for r in csv.DictReader(f)}
        sig = flagged(os.path.join(d, "sig", "csv", "specialisation.csv"))
        rca = flagged(os.path.join(d, "rca", "csv", "specialisation.csv"))
        with open(os.path.join(d, "planted.csv"), newline="") as f:
            cells = {(r["unit"], r["class"]) for r in csv.DictReader(f)}
        planted += len(truth)
        tp += len(sig & truth)
        fp += len(sig - truth)
        noise += len(cells - truth)
        noise_rca += len(rca - truth)
    recovery = tp / planted
    false_share = fp / max(tp + fp, 1)
    rca_noise = noise_rca / noise
    print("# planted cells %d, significant rule flags %d (%d planted), "
          "plain RCA flags %d noise cells of %d" %
          (planted, tp + fp, tp, noise_rca, noise))
    ok = recovery >= 0.7
    print("%s - planted signal: the significant rule recovers %.0f %% of the "
          "planted cells (at least 70 %%)" %
          ("ok" if ok else "not ok", 100 * recovery))
    ok = false_share <= alpha
    print("%s - planted signal: false discovery share of the significant "
          "rule %.1f %% (at most alpha = %.0f %%)" %
          ("ok" if ok else "not ok", 100 * false_share, 100 * alpha))
    ok = rca_noise >= 0.2
    print("%s - planted signal: plain RCA >= 1 flags %.0f %% of the noise "
          "cells (the noise the rule removes)" %
          ("ok" if ok else "not ok", 100 * rca_noise))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    else:
        score(sys.argv[3:], float(sys.argv[2]))
