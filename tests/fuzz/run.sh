#!/usr/bin/env bash
# Build and run the libFuzzer harnesses of s3engine:
#
#   tests/fuzz/run.sh [SECONDS]        (default 60: the total fuzzing time)
#
# 1. builds tests/fuzz/fuzz_*.c with the engine sources into build-fuzz/
#    (tests/fuzz/build.sh; S3FUZZ_BUILD names another folder);
# 2. replays every input in tests/fuzz/regressions/<harness>/: each must run
#    without a crash, a leak or a sanitizer report.  A file named known-*
#    reproduces an engine bug that is reported but not fixed yet: it is
#    replayed without suppressions and expected to fail still (it passes
#    as "still open", or as "fixed" with a request to rename it), and
#    tests/fuzz/known_leaks.supp, known_ub.supp and known_invariants keep
#    it from stopping the fuzzing (tests/fuzz/README.md);
# 3. fuzzes each harness for an equal share of SECONDS, starting from its
#    seeds in tests/fuzz/corpus/<harness>/ and the inputs kept from earlier
#    runs in build-fuzz/corpus/<harness>/ (new inputs go there, never into
#    the checked-in seeds).  A crash is kept in build-fuzz/artifacts/<harness>/.
#
# Prints one line per case, "ok - NAME" or "not ok - NAME: reason" (counted
# by tests/run), and exits 1 if any failed.  Extra libFuzzer flags can be
# given in S3FUZZ_FLAGS (e.g. "-max_len=4096 -len_control=10" for larger
# inputs sooner).  Without clang (or its
# libFuzzer runtime, Debian package libclang-rt-14-dev) it reports one
# failed case and exits 1.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
total=${1:-60}
case $total in
'' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
out=${S3FUZZ_BUILD:-build-fuzz}
fails=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }

# The sanitizers report and stop; libFuzzer turns that into a crash file.
# Known, reported engine bugs are suppressed (known_leaks.supp for
# LeakSanitizer, known_ub.supp for UBSan) except when their own
# reproducers run.  allow_addr2line: symbolize (function names, which the
# suppressions match) with binutils when llvm-symbolizer is missing.
sym=allow_addr2line=1
export ASAN_OPTIONS=detect_leaks=1:$sym
ubsan_base=halt_on_error=1:print_stacktrace=1:$sym
lsan_known=$sym
ubsan_known=$ubsan_base
[ -f tests/fuzz/known_leaks.supp ] &&
    lsan_known=$lsan_known:suppressions=$root/tests/fuzz/known_leaks.supp:print_suppressions=0
[ -f tests/fuzz/known_ub.supp ] &&
    ubsan_known=$ubsan_known:suppressions=$root/tests/fuzz/known_ub.supp
export LSAN_OPTIONS=$lsan_known UBSAN_OPTIONS=$ubsan_known
# known_h HARNESS: the harness invariants that known bugs break, for
# S3FUZZ_KNOWN (comma-separated ids from tests/fuzz/known_invariants)
known_h() {
    [ -f tests/fuzz/known_invariants ] || return 0
    awk -v h="$1" '!/^#/ && NF >= 2 && ($1 == h || $1 == "*") { printf "%s%s", sep, $2; sep = "," }' \
        tests/fuzz/known_invariants
}
# one BLAS thread: the matrices are tiny, and runs stay reproducible
export OPENBLAS_NUM_THREADS=1
export LC_ALL=C

# ---- build ------------------------------------------------------------------
mkdir -p "$out"
# the harnesses' temporary folders (one per input, removed after it; an
# input that crashes leaves its folder): inside the build folder, emptied
# on every run
rm -rf "$out/tmp"
mkdir -p "$out/tmp"
export TMPDIR=$root/$out/tmp
case $out in /*) TMPDIR=$out/tmp ;; esac
blog=$out/build.log
bash tests/fuzz/build.sh "$out" >"$blog" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    sed 's/^/    /' "$blog" | tail -20
    if [ $rc -eq 3 ]; then
        not_ok "fuzz build: skipped, $(grep -m1 'build.sh:' "$blog" | sed 's/^build.sh: //')"
    else
        not_ok "fuzz build: the harnesses do not compile (log: $blog)"
    fi
    exit 1
fi
ok "fuzz build (harnesses in $out)"

harnesses=()
for f in tests/fuzz/fuzz_*.c; do
    harnesses+=("$(basename "$f" .c)")
done

# ---- regressions --------------------------------------------------------------
mkdir -p "$out/logs"
for h in "${harnesses[@]}"; do
    [ -d "tests/fuzz/regressions/$h" ] || continue
    for f in "tests/fuzz/regressions/$h"/*; do
        [ -f "$f" ] || continue
        name=$h/$(basename "$f")
        log=$out/logs/regression-$h-$(basename "$f").log
        case $(basename "$f") in
        known-*)
            # an open engine bug: without the suppressions it must still fail
            if LSAN_OPTIONS=$sym UBSAN_OPTIONS=$ubsan_base S3FUZZ_KNOWN= \
                timeout 300 "$out/$h" -timeout=60 -rss_limit_mb=2048 "$f" >"$log" 2>&1; then
                ok "fuzz regression $name (known engine bug is FIXED: rename the file without known- and drop its lines in tests/fuzz/known_*)"
            else
                why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated|Timeout' "$log" |
                    sed 's/^==[0-9]*==//; s/^ *//' | LC_ALL=C tr -cd '\11\40-\176' | cut -c1-120)
                ok "fuzz regression $name (known engine bug, still open: ${why:-fails})"
            fi
            continue
            ;;
        esac
        # a file is run once; -timeout turns a hang into a failure
        if S3FUZZ_KNOWN=$(known_h "$h") timeout 300 "$out/$h" -timeout=60 -rss_limit_mb=2048 "$f" >"$log" 2>&1; then
            ok "fuzz regression $name"
        else
            why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated|Timeout' "$log" |
                sed 's/^==[0-9]*==//; s/^ *//' | cut -c1-200)
            sed 's/^/    /' "$log" | grep -v '^    INFO:' | head -40
            not_ok "fuzz regression $name: ${why:-exit status $(tail -c 200 "$log" | tr '\n' ' ')} (log: $log)"
        fi
    done
done

# ---- fuzzing ----------------------------------------------------------------
n=${#harnesses[@]}
share=$((total / n))
[ "$share" -ge 1 ] || share=1
for h in "${harnesses[@]}"; do
    corpus=$out/corpus/$h
    art=$out/artifacts/$h
    log=$out/logs/$h.log
    mkdir -p "$corpus" "$art"
    dict=()
    [ -f "tests/fuzz/$h.dict" ] && dict=(-dict="tests/fuzz/$h.dict")
    stamp=$out/logs/.$h.stamp
    : >"$stamp"
    # the seeds come second: libFuzzer writes new inputs into the first
    # folder only.  -timeout: an input that takes 30 s is a finding.
    # shellcheck disable=SC2086
    S3FUZZ_KNOWN=$(known_h "$h") timeout $((share + 300)) "$out/$h" -max_total_time="$share" -timeout=30 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" \
        "${dict[@]}" ${S3FUZZ_FLAGS:-} "$corpus" "tests/fuzz/corpus/$h" >"$log" 2>&1
    rc=$?
    runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    [ -n "$runs" ] || runs=$(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')
    if [ $rc -eq 0 ]; then
        ok "fuzz $h (${runs:-?} runs in ${share} s)"
    else
        crash=$(find "$art" -type f -newer "$stamp" 2>/dev/null | head -1)
        why=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated|SUMMARY' "$log" |
            sed 's/^==[0-9]*==//; s/^ *//' | cut -c1-200)
        grep -v -E '^(#[0-9]+|INFO:|MS:|base unit:|0x|\\)' "$log" | sed 's/^/    /' | head -60
        not_ok "fuzz $h: ${why:-exit status $rc} (crash file: ${crash:-none}; log: $log)"
    fi
    rm -f "$stamp"
done

[ "$fails" -eq 0 ]
