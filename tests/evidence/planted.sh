#!/usr/bin/env bash
# The planted-signal test of the significant rule (tests/evidence/planted.py):
# five seeded networks, each analysed with rule = rca and rule =
# significant; the recovery, false discovery share and noise rates are
# pooled over the five.
#   tests/evidence/planted.sh BUILD_DIR        (from the repository root)
set -u
bin=${1:?usage: tests/evidence/planted.sh BUILD_DIR}/s3engine
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
alpha=0.05
dirs=()
for seed in 1 2 3 4 5; do
    d=$tmp/s$seed
    python3 tests/evidence/planted.py make "$d" "$seed" || exit 1
    for rule in rca significant; do
        printf '[specialisation]\nrule = %s\nalpha = %s\n' "$rule" "$alpha" \
            >"$d/$rule.ini"
        out=$d/$rule
        [ "$rule" = significant ] && out=$d/sig
        if ! "$bin" analyse --quiet --csv-only --model "$d/$rule.ini" \
            --reference "$PWD/datasets/reference" \
            --input "$d/planted.csv" --unit unit --class class --value value \
            --out "$out" >"$d/log" 2>&1; then
            echo "not ok - planted signal: analyse failed: $(tail -1 "$d/log")"
            exit 1
        fi
    done
    dirs+=("$d")
done
python3 tests/evidence/planted.py score "$alpha" "${dirs[@]}" | tee "$tmp/out"
! grep -q '^not ok' "$tmp/out"
