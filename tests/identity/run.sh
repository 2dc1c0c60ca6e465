#!/usr/bin/env bash
# Byte identity of every output file on five runs: the shipped Ruhr model
# (all scenarios; the German CSV dialect; relatedness from the patents'
# co-occurrence), the hand-made datasets/small and world trade through
# `analyse`.  tests/identity/*.sha256 hold the
# SHA-256 of each file as the engine wrote it when the file was last
# updated; a change of any number, text or cell shows here.  A commit that
# changes outputs on purpose updates them (--update) and says which numbers
# changed and why.
#
#   tests/identity/run.sh BUILD_DIR [--update]   (from the repository root)
#
# Prints "ok - identity: CASE" or "not ok - identity: CASE: FILES" per case.
# OpenBLAS picks its kernels from the processor; one fixed kernel set keeps
# the last bits of its products the same on any x86-64 with AVX2.
set -u
BUILD=${1:?usage: tests/identity/run.sh BUILD_DIR [--update]}
update=${2:-}
here=tests/identity
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
bin=$BUILD/s3engine
fail=0

cases=(ruhr ruhr_german ruhr_cooc small trade)
args_ruhr=(run --quiet)
args_ruhr_german=(run --quiet --german-csv --scenario ai_startups_dortmund)
args_ruhr_cooc=(run --quiet --csv-only --scenario ai_startups_dortmund
                --set potentials.relatedness=association)
args_small=(run --quiet --model tests/golden/small.ini)
args_trade=(analyse --quiet --input datasets/world-trade/world_trade_avg_1998_to_2000.csv
            --unit country --class product --value value)

for c in "${cases[@]}"; do
    eval "args=(\"\${args_$c[@]}\")"
    if ! "$bin" "${args[@]}" --out "$tmp/$c" >"$tmp/$c.log" 2>&1; then
        echo "not ok - identity: $c: s3engine failed: $(tail -1 "$tmp/$c.log")"
        fail=1
        continue
    fi
    (cd "$tmp/$c" && find . -type f | LC_ALL=C sort | xargs sha256sum) >"$tmp/$c.sha256"
    if [ "$update" = --update ]; then
        cp "$tmp/$c.sha256" "$here/$c.sha256"
        echo "ok - identity: $c (updated)"
    elif diff -q "$here/$c.sha256" "$tmp/$c.sha256" >/dev/null 2>&1; then
        echo "ok - identity: $c"
    else
        changed=$(diff "$here/$c.sha256" "$tmp/$c.sha256" | sed -n 's/^> [0-9a-f]*  \.\///p' | tr '\n' ' ')
        echo "not ok - identity: $c: changed: $changed"
        fail=1
    fi
done
exit $fail
