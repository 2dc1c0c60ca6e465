#!/usr/bin/env bash
# The awkward-input corpus: tests/inputs/cases/*, each run on top of
# tests/inputs/base/ (the format of a case is in tests/inputs/README.md).
#
#   tests/inputs/run.sh BUILD_DIR [CASE...]     (run from the repository root)
#
# Prints one line per case, "ok - inputs: NAME" or "not ok - inputs: NAME:
# REASON" (a case marked known-defect prints "ok - inputs: NAME # TODO known
# defect ..." instead of failing), then "# N passed, N failed", and exits 1
# if any case failed.  Needs bash, coreutils and grep only.
set -u
export LC_ALL=C

if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [CASE...]   (run from the repository root)" >&2
    exit 2
fi
ROOT=$(pwd)
BIN=$(cd "$1" 2>/dev/null && pwd)/s3engine
shift
INPUTS=$ROOT/tests/inputs
REFDIR=$ROOT/datasets/reference
if [ ! -x "$BIN" ] || [ ! -d "$INPUTS/base" ] || [ ! -d "$REFDIR" ]; then
    echo "$0: needs BUILD_DIR/s3engine and must run from the repository root" >&2
    exit 2
fi
# the sanitizer settings of tests/run, unless the caller chose others
: "${ASAN_OPTIONS:=detect_leaks=1:abort_on_error=0:exitcode=99}"
: "${UBSAN_OPTIONS:=halt_on_error=1:print_stacktrace=1:exitcode=98}"
export ASAN_OPTIONS UBSAN_OPTIONS

WORK=$(mktemp -d) || exit 1
if [ -n "${KEEP:-}" ]; then
    echo "# KEEP: the case folders stay in $WORK/cases"
else
    trap 'rm -rf "$WORK"' EXIT
fi

# ---- helpers ---------------------------------------------------------------

# s3 DIR CMD ARGS...: run the engine on the case folder DIR (its model.ini,
# the reference classifications of the repository; run writes to
# DIR/res/out) with at most 30 s, in the empty folder DIR/cwd; stdout,
# stderr and the exit status go to DIR/CMD.out, .err, .rc.
s3() {
    local dir=$1 cmd=$2
    shift 2
    local extra=()
    [ "$cmd" = run ] && extra=(--out "$dir/res/out")
    mkdir -p "$dir/cwd"
    (cd "$dir/cwd" && exec timeout 30 "$BIN" "$cmd" "$@" --model "$dir/data/model.ini" \
        --reference "$REFDIR" "${extra[@]}") >"$dir/$cmd.out" 2>"$dir/$cmd.err"
    echo $? >"$dir/$cmd.rc"
}

# snapshot DIR: every path below DIR, and the SHA-256 of every file.
snapshot() {
    (cd "$1" && find . | sort && find . -type f -exec sha256sum {} + | sort)
}

# one_line FILE: the first 300 bytes of FILE on one line, for a reason.
one_line() { head -c 300 "$1" | tr '\n\r' '  '; }

# sanitizer FILE: the sanitizer report in FILE, if any.
sanitizer() {
    grep -m 1 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$1"
}

# generate_bigfield DIR FILE LINE FIELD BYTES: replace field FIELD (1-based)
# of physical line LINE of DIR/FILE (a line without quotes) by a quoted
# field whose value has BYTES bytes or a little more: a UTF-8 text with
# commas and doubled quotes, repeated.
generate_bigfield() {
    local dir=$1 file=$2 line=$3 field=$4 bytes=$5 f fields i value
    local pattern=$'Gr\xc3\xbc\xc3\x9fe, ""M\xc3\xbcller"" & Co; '
    f=$dir/$file
    [ -f "$f" ] || return 1
    value=${pattern//\"\"/\"} # the pattern as read: "" is one quote
    IFS=, read -r -a fields <<<"$(sed -n "${line}p" "$f")"
    [ "${#fields[@]}" -ge "$field" ] || return 1
    {
        head -n $((line - 1)) "$f"
        for ((i = 0; i < field - 1; i++)); do printf '%s,' "${fields[i]}"; done
        printf '"'
        yes "$pattern" | head -n $((bytes / ${#value} + 1)) | tr -d '\n'
        printf '"'
        for ((i = field; i < ${#fields[@]}; i++)); do printf ',%s' "${fields[i]}"; done
        printf '\n'
        tail -n +$((line + 1)) "$f"
    } >"$f.new" && mv "$f.new" "$f"
}

# check_table DIR: the row table that `check` printed: read = used +
# rejected on every file line; the rows lines of the case are there.
check_table() {
    local dir=$1 file r u j w got want words
    while read -r file r u j w; do
        [ "$r" -eq $((u + j)) ] || fail "check: $file read $r != used $u + rejected $j"
    done < <(grep -E '^[^ ]+\.csv +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ *$' "$dir/check.out")
    for want in "${ROWS[@]}"; do
        read -r -a words <<<"$want"
        set -- "${words[@]}"
        got=$(grep -E "^$(escape "$1") " "$dir/check.out" | awk '{print $2, $3, $4}')
        [ "$got" = "$2 $3 $4" ] ||
            fail "check: $1 read/used/rejected '${got:-no row}', expected '$2 $3 $4'"
        tr -d '\r' <"$dir/res/out/csv/quality.csv" | grep -qxE "$(escape "$1"),$2,$3,$4,[0-9]+" ||
            fail "quality.csv has no row '$1,$2,$3,$4,...'"
    done
}

escape() { printf '%s' "$1" | sed 's/[.[\*^$]/\\&/g'; }

fail() { WHY+=("$*"); }

# ---- the base output, a previous good run ----------------------------------

mkdir -p "$WORK/base/data" "$WORK/base/res"
cp "$INPUTS/base/"* "$WORK/base/data/"
s3 "$WORK/base" run
if [ "$(cat "$WORK/base/run.rc")" != 0 ] || [ ! -d "$WORK/base/res/out/csv" ]; then
    echo "not ok - inputs: base: run exited $(cat "$WORK/base/run.rc"): $(one_line "$WORK/base/run.err")"
    echo "# 0 passed, 1 failed"
    exit 1
fi
BASEOUT=$WORK/base/res/out

# ---- one case ----------------------------------------------------------------

run_case() {
    local name=$1 case=$INPUTS/cases/$1 dir=$WORK/cases/$1
    local exit_want="" known="" args="" same=no gens=() words=() kw rest f g cmd line
    MESSAGES=()
    ROWS=()
    WARNINGS=()
    WHY=()
    HARD=() # failures that a known-defect line does not excuse
    if [ ! -f "$case/expect" ]; then
        fail "no file expect"
    else
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line%$'\r'}
            case $line in "" | "#"*) continue ;; esac
            kw=${line%% *}
            rest=""
            [ "$kw" = "$line" ] || rest=${line#* }
            case $kw in
            exit) exit_want=$rest ;;
            message) MESSAGES+=("$rest") ;;
            args) args=$rest ;;
            rows) ROWS+=("$rest") ;;
            warning) WARNINGS+=("$rest") ;;
            same-as-base) same=yes ;;
            generate) gens+=("$rest") ;;
            known-defect) known=$rest ;;
            *) fail "expect: unknown line '$line'" ;;
            esac
        done <"$case/expect"
        case $exit_want in [0-9]*) ;; *) fail "expect: no 'exit N' line" ;; esac
    fi
    if [ ${#WHY[@]} -eq 0 ]; then
        mkdir -p "$dir/data" "$dir/res"
        cp "$INPUTS/base/"* "$dir/data/"
        for f in "$case"/*; do
            [ "${f##*/}" = expect ] || cp "$f" "$dir/data/"
        done
        for g in "${gens[@]}"; do
            read -r -a words <<<"$g"
            set -- "${words[@]}"
            if [ "$1" = bigfield ] && [ $# -eq 5 ]; then
                generate_bigfield "$dir/data" "$2" "$3" "$4" "$5" || fail "generate $g failed"
            else
                fail "expect: unknown 'generate $g'"
            fi
        done
    fi
    if [ ${#WHY[@]} -eq 0 ]; then
        # the output folder holds a previous good output
        cp -R "$BASEOUT" "$dir/res/out"
        snapshot "$dir/res/out" >"$dir/before"
        snapshot "$dir/data" >"$dir/data.before"
        if [ -n "$args" ]; then
            read -r -a words <<<"$args"
            s3 "$dir" "${words[@]}"
            CMDS=("${words[0]}")
        else
            s3 "$dir" run
            s3 "$dir" check
            CMDS=(run check)
        fi
        for cmd in "${CMDS[@]}"; do
            local rc err=$dir/$cmd.err san
            rc=$(cat "$dir/$cmd.rc")
            san=$(sanitizer "$err") && HARD+=("$cmd: sanitizer report: $san")
            [ "$rc" = "$exit_want" ] || fail "$cmd: exit $rc, expected $exit_want (stderr: $(one_line "$err"))"
            for m in "${MESSAGES[@]}"; do
                grep -qF -- "$m" "$err" || fail "$cmd: stderr lacks \"$m\" (stderr: $(one_line "$err"))"
            done
        done
        if [ "$exit_want" != 0 ]; then
            [ -f "$dir/run.out" ] && grep -q 'wrote ' "$dir/run.out" && fail "run says it wrote output"
            snapshot "$dir/res/out" >"$dir/after"
            cmp -s "$dir/before" "$dir/after" || fail "the previous output changed"
        else
            check_valid "$dir" "$same"
        fi
        [ "$(ls -A "$dir/res")" = out ] || fail "left next to the output: $(ls -A "$dir/res" | tr '\n' ' ')"
        [ -z "$(ls -A "$dir/cwd")" ] || fail "written to the current folder: $(ls -A "$dir/cwd" | tr '\n' ' ')"
        snapshot "$dir/data" | cmp -s "$dir/data.before" - || fail "the dataset folder changed"
    fi
    if [ ${#HARD[@]} -gt 0 ]; then
        known=""
        WHY=("${HARD[@]}" "${WHY[@]}")
    fi
    if [ ${#WHY[@]} -eq 0 ] && [ -z "$known" ]; then
        echo "ok - inputs: $name"
    elif [ ${#WHY[@]} -eq 0 ]; then
        echo "ok - inputs: $name # TODO known defect ($known) no longer shows: remove the known-defect line"
    elif [ -n "$known" ]; then
        echo "ok - inputs: $name # TODO known defect: $known"
    else
        local IFS=';'
        echo "not ok - inputs: $name: ${WHY[*]}"
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}

# check_valid DIR SAME: after a successful run and check: the row table,
# the warnings (exactly those of the case), the numbers of the base run.
check_valid() {
    local dir=$1 same=$2 csv=$1/res/out/csv n w loc file line rest prefix
    [ -f "$csv/warnings.csv" ] || { fail "run wrote no csv/warnings.csv"; return; }
    [ -f "$dir/check.out" ] && check_table "$dir"
    n=$(tail -n +2 "$csv/warnings.csv" | grep -c .)
    [ "$n" -eq ${#WARNINGS[@]} ] ||
        fail "warnings.csv has $n rows, expected ${#WARNINGS[@]}: $(tail -n +2 "$csv/warnings.csv" | head -n 3 | tr '\n' ' ')"
    if [ -f "$dir/check.out" ]; then
        grep -qE "^${#WARNINGS[@]} warnings?[;,. ]" "$dir/check.out" ||
            fail "check does not say ${#WARNINGS[@]} warnings: $(tail -n 1 "$dir/check.out")"
    fi
    for w in "${WARNINGS[@]}"; do
        loc=${w%% *}
        rest=""
        [ "$loc" = "$w" ] || rest=${w#* }
        file=${loc%%:*}
        line=${loc#*:}
        prefix="$file,$line,"
        if [ -n "$rest" ]; then
            prefix+="${rest%% *},"
            [ "${rest%% *}" = "$rest" ] || prefix+="${rest#* },"
        fi
        awk -v p="$prefix" 'index($0, p) == 1 { f = 1 } END { exit !f }' "$csv/warnings.csv" ||
            fail "warnings.csv has no row '$prefix...': $(tail -n +2 "$csv/warnings.csv" | head -n 3 | tr '\n' ' ')"
    done
    if [ "$same" = yes ]; then
        for f in specialisation units classes; do
            cmp -s <(without_names "$BASEOUT/csv/$f.csv") <(without_names "$csv/$f.csv") ||
                fail "$f.csv differs from the base run's"
        done
    fi
}

# without_names FILE: FILE without its unit_name column, the one column of
# these tables that is input text (a case may spell a centre's name
# otherwise: Windows-1252, Latin-1); every other field is compared.
without_names() {
    python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
drop = rows[0].index("unit_name") if "unit_name" in rows[0] else -1
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow([v for i, v in enumerate(r) if i != drop])
' "$1"
}

# ---- all cases -------------------------------------------------------------

if [ $# -gt 0 ]; then
    NAMES=("$@")
else
    NAMES=()
    for d in "$INPUTS/cases/"*/; do
        d=${d%/}
        NAMES+=("${d##*/}")
    done
fi
# the cases run in parallel, JOBS at a time (default: the number of
# processors), the slow ones (with a generate line) first; their lines are
# printed in the order of the names
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$WORK/lines"
ORDER=()
for i in "${!NAMES[@]}"; do
    grep -qs '^generate ' "$INPUTS/cases/${NAMES[i]}/expect" && ORDER+=("$i")
done
for i in "${!NAMES[@]}"; do
    grep -qs '^generate ' "$INPUTS/cases/${NAMES[i]}/expect" || ORDER+=("$i")
done
for i in "${ORDER[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run_case "${NAMES[i]}" >"$WORK/lines/$(printf '%04d' "$i")" 2>&1 &
done
wait
PASS=0
FAIL=0
TODO=0
for f in "$WORK/lines/"*; do
    line=$(grep -m 1 -E '^(not )?ok - ' "$f")
    [ -n "$line" ] || line="not ok - inputs: ${NAMES[$((10#${f##*/}))]}: no result: $(one_line "$f")"
    echo "$line"
    case $line in
    "ok - "*"# TODO"*) PASS=$((PASS + 1)) TODO=$((TODO + 1)) ;;
    "ok - "*) PASS=$((PASS + 1)) ;;
    *) FAIL=$((FAIL + 1)) ;;
    esac
done
echo "# $PASS passed ($TODO known defects), $FAIL failed"
[ "$FAIL" -eq 0 ]
