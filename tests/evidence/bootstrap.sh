#!/usr/bin/env bash
# The bootstrap (engine/stages/bootstrap.c, tests/evidence/bootstrap.py):
# p_specialised against an exact enumeration on a tiny table; the
# invariants of the Ruhr run's bootstrap outputs; the same seed gives the
# same bytes with one and two threads; without resampling the rank bands
# are the weights' alone.
#   tests/evidence/bootstrap.sh BUILD_DIR        (from the repository root)
set -u
bin=${1:?usage: tests/evidence/bootstrap.sh BUILD_DIR}/s3engine
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
ref=$PWD/datasets/reference

# exact: 20,000 multinomial draws of a three-unit table
draws=20000
python3 tests/evidence/bootstrap.py exact "$tmp" || exit 1
printf '[specialisation]\nrule = rca\n[uncertainty]\nresample = records\ndraws = %s\n' \
    "$draws" >"$tmp/tiny.ini"
if "$bin" analyse --quiet --csv-only --model "$tmp/tiny.ini" --reference "$ref" \
    --input "$tmp/tiny.csv" --unit unit --class class --value value \
    --out "$tmp/out" >"$tmp/log" 2>&1; then
    python3 tests/evidence/bootstrap.py check-exact "$tmp" "$draws"
else
    echo "not ok - bootstrap exact: analyse failed: $(tail -1 "$tmp/log")"
fi

# the Ruhr model: invariants, and one thread against two
for t in 1 2; do
    "$bin" run --quiet --csv-only --threads "$t" --out "$tmp/ruhr$t" \
        >"$tmp/log$t" 2>&1 || echo "# run with $t thread(s) failed: $(tail -1 "$tmp/log$t")"
done
python3 tests/evidence/bootstrap.py invariants "$tmp/ruhr1"
if diff -r "$tmp/ruhr1" "$tmp/ruhr2" >/dev/null 2>&1; then
    echo "ok - bootstrap: the same seed gives byte-identical outputs with 1 and 2 threads"
else
    echo "not ok - bootstrap: outputs differ between 1 and 2 threads"
fi

# resample = none: the joint bands are the weights' bands, no p_* values
sed 's/^resample = records/resample = none/' models/ruhr.ini >models/.boot-none.ini
"$bin" run --quiet --csv-only --model models/.boot-none.ini --out "$tmp/none" \
    >"$tmp/lognone" 2>&1
rm -f models/.boot-none.ini
python3 - "$tmp/none" <<'PY'
import csv, sys
d = sys.argv[1] + "/csv/"
s = list(csv.DictReader(open(d + "scores.csv")))
same = s and all(r["rank_p05"] == r["rank_p05_weights"] and
                 r["rank_p95"] == r["rank_p95_weights"] for r in s)
empty = all(r["p_specialised"] == "" for r in csv.DictReader(open(d + "specialisation.csv")))
print(("ok" if same and empty else "not ok") +
      " - bootstrap: resample = none keeps the weights-only bands and leaves p_specialised empty")
PY
