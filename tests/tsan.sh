#!/usr/bin/env bash
# ThreadSanitizer on the engine's two threads (reading large files,
# writing the output files):
#
#   tests/tsan.sh [BUILD_DIR]     (run from anywhere; default: build-tsan)
#
# Builds the tool from engine/*.c and engine/cli/main.c with clang and
# -fsanitize=thread into BUILD_DIR (GCC 12's ThreadSanitizer does not start
# on this kernel; clang's does), writes a dataset whose tenants and patents
# files are each over the 8 MB from which a second thread reads them, and
# runs `s3engine check --threads 2` under TSan (halt_on_error=1) on it as
# generated (the halves are joined), with an id repeated across the cut
# (the first thread reads the second half again), and with an error after
# the cut (the second thread fails); then the Ruhr run, whose output files
# two threads write and whose bootstrap draws two workers share; a long
# table that `analyse --threads 2` reads on two threads; and the analyse of
# world trade, whose evidence, outlook, overlaps, briefing and output files in
# pieces two threads share (engine/README.md, "Threads and memory").  Prints
# "ok - tsan NAME" or "not ok - tsan NAME: reason" per case and exits 1 if
# any failed.
set -u
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-build-tsan}
mkdir -p "$out"
out=$(cd "$out" && pwd)
fails=0
ok() { echo "ok - tsan $*"; }
not_ok() { echo "not ok - tsan $*"; fails=$((fails + 1)); }

cc=${CC:-}
if [ -z "$cc" ]; then
    for c in clang-14 clang; do
        if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
    done
fi
if [ -z "$cc" ]; then
    not_ok "build: clang is not installed (apt-get install clang)"
    exit 1
fi
pkgs="openblas xlsxwriter inih nettle"
# shellcheck disable=SC2046
if ! "$cc" -std=c11 -O1 -g -fsanitize=thread -D_POSIX_C_SOURCE=200809L \
    -D_DEFAULT_SOURCE -Iinclude -Iengine $(pkg-config --cflags $pkgs) \
    engine/base/*.c engine/ingest/*.c engine/measures/*.c engine/stages/*.c engine/output/*.c engine/cli/main.c -o "$out/s3engine" \
    -lgsl $(pkg-config --libs $pkgs) -lcsv -lz -lm -pthread >"$out/build.log" 2>&1; then
    sed 's/^/    /' "$out/build.log" | head -20
    not_ok "build (log: $out/build.log)"
    exit 1
fi
ok "build ($cc, -fsanitize=thread)"

tmp=$(mktemp -d) || { not_ok "mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
export OPENBLAS_NUM_THREADS=1
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
bin=$out/s3engine

# check NAME WANT_EXIT: run the check, expect the exit status, no report
check() {
    local name=$1 want=$2 rc
    "$bin" check --quiet --threads 2 --model "$tmp/m.ini" >"$tmp/log" 2>&1
    rc=$?
    if grep -q 'ThreadSanitizer' "$tmp/log"; then
        sed 's/^/    /' "$tmp/log" | head -40
        not_ok "$name: ThreadSanitizer report"
    elif [ "$rc" != "$want" ]; then
        sed 's/^/    /' "$tmp/log" | head -10
        not_ok "$name: exit $rc, expected $want"
    else
        ok "$name"
    fi
}

if ! "$bin" generate --out "$tmp/d" --units 60 --tenants 320000 \
    --patents 300000 --reference "$root/datasets/reference" >"$tmp/log" 2>&1; then
    not_ok "generate: $(head -c 300 "$tmp/log")"
    exit 1
fi
printf '[model]\nname = tsan\ndataset = %s\nreference = %s\n[data]\ncutoff =\n' \
    "$tmp/d" "$root/datasets/reference" >"$tmp/m.ini"
check "two threads, halves joined" 0
# an early tenant again at the end, an early patent's row again at the end
head -2 "$tmp/d/tenants.csv" | tail -1 >>"$tmp/d/tenants.csv"
head -2 "$tmp/d/patents.csv" | tail -1 >>"$tmp/d/patents.csv"
check "two threads, an id on both sides of the cut" 0
# a bad year at the end: the second thread fails
echo "P9,U00000001,G06F 17/30,abc" >>"$tmp/d/patents.csv"
check "two threads, an error after the cut" 3
# whole NAME FILE CMD...: run the engine, expect exit 0, no report, FILE
whole() {
    local name=$1 file=$2 rc
    shift 2
    "$bin" "$@" >"$tmp/log" 2>&1
    rc=$?
    if grep -q 'ThreadSanitizer' "$tmp/log"; then
        sed 's/^/    /' "$tmp/log" | head -40
        not_ok "$name: ThreadSanitizer report"
    elif [ "$rc" != 0 ] || [ ! -s "$file" ]; then
        not_ok "$name: exit $rc"
    else
        ok "$name"
    fi
}
# the output files (CSV tables and workbook) written by two threads
whole "run, output files by two threads" "$tmp/out/briefing.xlsx" \
    run --quiet --threads 2 --out "$tmp/out"
# a matrix large enough for the second thread of the evidence (the RCA
# intervals and the Gini beside the q-values: stages/specialisation.c), of
# the outlook (beside the ranking of opportunities: stages/potentials.c),
# of the overlaps (Jaccard and complementarity beside the cosine and its
# clusters: stages/overlaps.c), the briefing's tables beside the others
# (stages/tables.c), and tables of several pieces, formatted by both
# threads and written in order (output/output.c)
whole "analyse, evidence, outlook, overlaps, briefing and pieces of files by two threads" \
    "$tmp/wt/csv/specialisation.csv" \
    analyse --quiet --threads 2 --csv-only --reference "$root/datasets/reference" \
    --input "$root/datasets/world-trade/world_trade_avg_1998_to_2000.csv" \
    --unit country --class product --value value --out "$tmp/wt"
# a long table over the 8 MB from which a second thread reads its second
# part (engine/ingest/long.c): whole numbers (the parts are joined), then
# with one value 0.5 (the first thread reads the second part again)
awk 'BEGIN { x = 7; print "unit,class,value"
    for (i = 1; i <= 700000; i++) {
        x = (x * 16807) % 2147483647
        printf "U%03d,K%02d,%d\n", x % 300, int(x / 300) % 50, x % 1000
    } }' >"$tmp/long.csv"
whole "analyse, a long table read by two threads" "$tmp/long/csv/units.csv" \
    analyse --quiet --threads 2 --csv-only --reference "$root/datasets/reference" \
    --input "$tmp/long.csv" --unit unit --class class --value value --out "$tmp/long"
echo "U001,K01,0.5" >>"$tmp/long.csv"
whole "analyse, a long table read again by the first thread" \
    "$tmp/long2/csv/units.csv" \
    analyse --quiet --threads 2 --csv-only --reference "$root/datasets/reference" \
    --input "$tmp/long.csv" --unit unit --class class --value value --out "$tmp/long2"
exit $((fails > 0))
