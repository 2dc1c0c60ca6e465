#!/usr/bin/env bash
# Memcheck on the normal (unsanitized) build:
#
#   tests/valgrind.sh BUILD_DIR        (run from anywhere; default: build)
#
# Runs under valgrind --leak-check=full, counting definite and indirect
# leaks and every memory error as a failure:
#   - each Check unit test program in BUILD_DIR/tests (CK_FORK=no, so the
#     tests run inside the checked process).  test_complexity runs one test
#     case at a time, without "worldtrade": its fixture analyses the world
#     trade table (and once more shuffled), minutes under valgrind; the same
#     code runs below on a small long table, and under ASan in tests/run;
#   - `s3engine run` on datasets/small (tests/golden/small.ini), workbook
#     included;
#   - `s3engine analyse` on a 4 x 3 long table.
# Prints one line per program, "ok - valgrind NAME" or "not ok - valgrind
# NAME: reason" (counted by tests/run), and exits 1 if any failed.  Without
# valgrind it reports one failed case.  Logs go to a temporary folder that
# is kept (and named) when something failed.
set -u
cd "$(dirname "$0")/.."
root=$PWD
B=${1:-build}
B=$(cd "$B" 2>/dev/null && pwd) || { echo "not ok - valgrind: no build folder '${1:-build}'"; exit 1; }
fails=0
ok() { echo "ok - valgrind $*"; }
not_ok() { echo "not ok - valgrind $*"; fails=$((fails + 1)); }

if ! command -v valgrind >/dev/null 2>&1; then
    not_ok "skipped: valgrind is not installed (apt-get install valgrind)"
    exit 1
fi

tmp=$(mktemp -d) || { not_ok "mktemp failed"; exit 1; }
keep=0
trap '[ "$keep" -eq 1 ] || rm -rf "$tmp"' EXIT

# OpenBLAS: one thread (its thread pool only slows valgrind down)
export OPENBLAS_NUM_THREADS=1
export S3_REFDIR=$root/datasets/reference
export CK_FORK=no CK_VERBOSITY=normal
export LC_ALL=C
vg=(valgrind -q --error-exitcode=101 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --track-origins=no --num-callers=30)

# check NAME LOG CMD...: run CMD under valgrind, one case.
check() {
    local name=$1 log=$2
    shift 2
    local start=$SECONDS
    (cd "$tmp" && timeout 900 "${vg[@]}" --log-file="$log.vg" "$@") >"$log" 2>&1
    local rc=$? secs=$((SECONDS - start))
    if [ $rc -eq 0 ]; then
        ok "$name (${secs} s)"
        return
    fi
    keep=1
    local why
    if [ $rc -eq 101 ]; then
        why=$(grep -m1 -E 'Invalid|uninitialised|definitely lost|indirectly lost|Mismatched|overlap|ERROR SUMMARY' "$log.vg" |
            sed 's/^==[0-9]*== *//' | cut -c1-160)
        why="memcheck: ${why:-errors}"
    elif [ $rc -eq 124 ]; then
        why="timed out"
    else
        why="exit status $rc: $(grep -m1 -E '[0-9]+%: Checks|error|Error' "$log" | cut -c1-160)"
    fi
    # the valgrind log, indented; ':' shown as ' :' so that the test
    # runner does not count Check result lines of it twice
    sed 's/^/    /; s/:\([PFE]\):/ :\1:/g' "$log.vg" "$log" 2>/dev/null | head -60
    not_ok "$name: $why (logs: $log, $log.vg)"
}

# ---- unit tests ---------------------------------------------------------------
for t in "$B"/tests/test_*; do
    [ -x "$t" ] && [ -f "$t" ] || continue
    n=$(basename "$t")
    if [ "$n" = test_complexity ]; then
        # one test case at a time, all but the world-trade fixture
        cases=$(grep -oE 'tcase_create\("[A-Za-z0-9_]+"\)' "$root/tests/unit/$n.c" |
            sed 's/.*("\(.*\)")/\1/' | grep -vx worldtrade)
        [ -n "$cases" ] || { not_ok "$n: no test cases found in tests/unit/$n.c"; continue; }
        for c in $cases; do
            CK_RUN_CASE=$c check "$n ($c)" "$tmp/$n-$c.log" "$t"
        done
    else
        check "$n" "$tmp/$n.log" "$t"
    fi
done

# ---- the command-line tool ----------------------------------------------------
if [ -x "$B/s3engine" ]; then
    check "s3engine run (datasets/small)" "$tmp/run.log" \
        "$B/s3engine" run --quiet --model "$root/tests/golden/small.ini" --out "$tmp/out-run"
    [ -f "$tmp/out-run/briefing.xlsx" ] || [ "$keep" -eq 1 ] ||
        not_ok "s3engine run wrote no briefing.xlsx"
    {
        printf 'region,nace,emp,note\n'
        printf 'R1,62.01,10,a\nR1,62.02,5,b\nR1,72.11,1,c\n'
        printf 'R2,62.01,2,\nR2,62.02,0,\nR2,72.11,8,\n'
        printf 'R3,62.01,4,\nR3,62.02,4,\nR3,72.11,4,\n'
        printf 'R4,62.01,1,\nR4,62.02,12.5,\nR4,72.11,0,\n'
    } >"$tmp/long.csv"
    check "s3engine analyse (long table)" "$tmp/analyse.log" \
        "$B/s3engine" analyse --quiet --reference "$root/datasets/reference" \
        --input "$tmp/long.csv" --unit region --class nace \
        --value emp --out "$tmp/out-analyse"
    [ -f "$tmp/out-analyse/csv/units.csv" ] || [ "$keep" -eq 1 ] ||
        not_ok "s3engine analyse wrote no csv/units.csv"
else
    not_ok "s3engine: $B/s3engine was not built"
fi

[ "$keep" -eq 1 ] && echo "    (valgrind logs kept in $tmp)"
[ "$fails" -eq 0 ]
