#!/usr/bin/env bash
# s3engine beside the tools users would pick instead (bench/peers/: the R
# package economiccomplexity, py-ecomplexity, data.table and pandas), as
# whole processes alternated A B A B, each under /usr/bin/time: the median
# wall time, the median peak memory and the ratio per line.  A peer that is
# not installed prints "peer not installed" and the script goes on.
#
#   bench/peers.sh [build dir]          (from anywhere; REPS=3 by default)
#
# Peers: Debian r-base-core r-cran-data.table python3-pandas (and
# python3-sklearn for py-ecomplexity); economiccomplexity and
# cpp11armadillo installed with `R CMD INSTALL -l $PEERS/Rlib DIR`,
# py-ecomplexity's source in $PEERS/src/py-ecomplexity (bench/README.md).
# OpenBLAS and the engine run with their defaults (two cores), as a user
# would run them.  The data go to $TMPDIR (default /tmp), made once:
#   - world trade, 226 countries × 785 products (datasets/world-trade);
#   - a long table of 5 million records, 250 units × 100 classes, 85 MB
#     (bench_long write, seeded), against libcsv's empty callbacks on it;
#   - the seeded 2,000 × 1,000 table of bench/peers/gen_synth.py.
set -u
cd "$(dirname "$0")/.."
b=${1:-build}
reps=${REPS:-3}
tmp=${TMPDIR:-/tmp}
py=${PYTHON:-/usr/bin/python3}
peers=${PEERS:-/work/peers}
export PEERS=$peers R_LIBS=$peers/Rlib${R_LIBS:+:$R_LIBS}
here=$PWD/bench/peers
s3=$PWD/$b/s3engine
[ -x /usr/bin/time ] || { echo "peers.sh: /usr/bin/time is needed"; exit 1; }
[ -x "$s3" ] || { echo "peers.sh: no $s3 (build first)"; exit 1; }

have_r() {
    command -v Rscript >/dev/null &&
        Rscript -e "quit(status = !requireNamespace('$1', quietly = TRUE))" \
            >/dev/null 2>&1
}
have_py() { [ -x "$py" ] && "$py" -c "import $1" >/dev/null 2>&1; }

median() { sort -g | awk '{a[NR] = $1} END {
    if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# round NAME CMD [NAME CMD ...]: REPS rounds, each running every command
# once in the order given; a CMD of "-" is a peer that is not installed.
# Leaves the median wall time in wall[NAME], user + system CPU time in
# cpu[NAME] and peak memory (MB) in mb[NAME].
declare -A wall cpu mb
round() {
    local -a names=() cmds=()
    while [ $# -ge 2 ]; do names+=("$1"); cmds+=("$2"); shift 2; done
    local i k log=$tmp/s3engine-peers-time
    for k in "${!names[@]}"; do : >"$log.$k"; done
    for ((i = 0; i < reps; i++)); do
        for k in "${!names[@]}"; do
            [ "${cmds[$k]}" = - ] && continue
            if ! /usr/bin/time -f '%e %M %U %S' -o "$log.$k.1" \
                bash -c "${cmds[$k]}" >"$log.$k.out" 2>&1; then
                echo "  ${names[$k]} failed: $(tail -2 "$log.$k.out" | head -c 300)"
                cmds[$k]=-
                continue
            fi
            tail -1 "$log.$k.1" >>"$log.$k"
        done
    done
    for k in "${!names[@]}"; do
        local n=${names[$k]}
        if [ "${cmds[$k]}" = - ]; then
            unset "wall[$n]" "cpu[$n]" "mb[$n]"
            printf '  %-40s peer not installed (or failed)\n' "$n"
            continue
        fi
        wall[$n]=$(cut -d' ' -f1 "$log.$k" | median)
        cpu[$n]=$(awk '{print $3 + $4}' "$log.$k" | median)
        mb[$n]=$(cut -d' ' -f2 "$log.$k" | median | awk '{printf "%.0f", $1 / 1024}')
        printf '  %-40s %7.2f s  cpu %6.2f s  peak %5d MB  (runs: %s)\n' "$n" \
            "${wall[$n]}" "${cpu[$n]}" "${mb[$n]}" \
            "$(cut -d' ' -f1 "$log.$k" | tr '\n' ' ')"
    done
    rm -f "$log".*
}

# ratio TEXT A B: A's wall time over B's (and CPU time, when both have
# one), when both ran.
ratio() {
    if [ -n "${wall[$2]:-}" ] && [ -n "${wall[$3]:-}" ]; then
        awk -v a="${wall[$2]}" -v b="${wall[$3]}" -v t="$1" \
            -v ca="${cpu[$2]:-}" -v cb="${cpu[$3]:-}" 'BEGIN {
            printf "  %-58s %6.2f ×", t, (b > 0 ? a / b : 0)
            if (ca != "" && cb > 0) printf "  (cpu %.2f ×)", ca / cb
            printf "\n" }'
    else
        printf '  %-58s peer not installed\n' "$1"
    fi
}

r_ok=0; have_r data.table && r_ok=1
ec_ok=0; [ $r_ok = 1 ] && have_r economiccomplexity && ec_ok=1
pd_ok=0; have_py pandas && pd_ok=1
pe_ok=0
[ $pd_ok = 1 ] && have_py sklearn && [ -d "$peers/src/py-ecomplexity" ] && pe_ok=1
peer() { [ "$1" = 1 ] && printf '%s' "$2" || printf -- -; }

echo "== peers: economiccomplexity $([ $ec_ok = 1 ] && echo yes || echo 'not installed'), data.table $([ $r_ok = 1 ] && echo yes || echo 'not installed'), pandas $([ $pd_ok = 1 ] && echo yes || echo 'not installed'), py-ecomplexity $([ $pe_ok = 1 ] && echo yes || echo 'not installed'); $reps alternated runs, medians"

out=$tmp/s3engine-peers-out
wt=$PWD/datasets/world-trade/world_trade_avg_1998_to_2000.csv
an() { printf '%s analyse --quiet --input %s --unit %s --class %s --value %s --out %s/%s' \
    "$s3" "$1" "$2" "$3" "$4" "$out" "$5"; }

echo "== world trade, 226 countries × 785 products (read, compute, write)"
rm -rf "$out"
round "s3engine analyse --csv-only" "$(an "$wt" country product value wt) --csv-only" \
    "s3engine analyse (CSV and workbook)" "$(an "$wt" country product value wtx)" \
    "economiccomplexity (R), end to end" \
    "$(peer $ec_ok "Rscript $here/reco.R $wt country product value $out/wt-ec")" \
    "py-ecomplexity, end to end" \
    "$(peer $pe_ok "$py $here/pyeco.py $wt country product value $out/wt-pe")"
if [ $ec_ok = 1 ] && [ -f "$out/wt-ec/compute_seconds" ]; then
    # the compute alone, a line per run (written by reco.R)
    wall[ec-compute]=$(median <"$out/wt-ec/compute_seconds")
    printf '  %-40s %7.2f s  (median; no reading, writing or R start)\n' \
        "economiccomplexity compute alone" "${wall[ec-compute]}"
fi
ratio "economiccomplexity compute alone / s3engine --csv-only" \
    ec-compute "s3engine analyse --csv-only"
ratio "economiccomplexity end to end / s3engine --csv-only" \
    "economiccomplexity (R), end to end" "s3engine analyse --csv-only"
ratio "py-ecomplexity end to end / s3engine --csv-only" \
    "py-ecomplexity, end to end" "s3engine analyse --csv-only"
echo "  targets: --csv-only ≤ 0.25 s, with the workbook ≤ 0.5 s, compute-alone ratio ≥ 3"

long=$tmp/s3engine-bench-long-5m.csv
[ -f "$long" ] || "$b/bench/bench_long" write "$long" 5000000 250 100 ||
    { echo "peers.sh: cannot write $long"; exit 1; }
echo "== long table, 5 million records, 250 units × 100 classes, $(($(stat -c %s "$long") / 1000000)) MB"
round "libcsv, empty callbacks (floor)" "$PWD/$b/bench/bench_long floor $long" \
    "s3engine analyse --csv-only" "$(an "$long" unit class value long) --csv-only" \
    "data.table fread + dcast, 2 threads" \
    "$(peer $r_ok "Rscript $here/ingest_dt.R $long $out/long-dt.csv unit class value")" \
    "pandas read_csv + groupby + unstack" \
    "$(peer $pd_ok "$py $here/ingest_pd.py $long $out/long-pd.csv unit class value")"
ratio "s3engine --csv-only / libcsv floor (target ≤ 2)" \
    "s3engine analyse --csv-only" "libcsv, empty callbacks (floor)"
ratio "data.table / s3engine --csv-only (target ≥ 2)" \
    "data.table fread + dcast, 2 threads" "s3engine analyse --csv-only"
ratio "pandas / s3engine --csv-only" \
    "pandas read_csv + groupby + unstack" "s3engine analyse --csv-only"

synth=$tmp/s3engine-bench-synth2000.csv
if [ ! -f "$synth" ]; then
    if have_py numpy; then
        "$py" "$here/gen_synth.py" "$synth" 2>/dev/null
    else
        echo "== 2,000 × 1,000: numpy not installed (gen_synth.py), skipped"
    fi
fi
if [ -f "$synth" ]; then
    unset "wall[ec-compute]"
    echo "== synthetic 2,000 units × 1,000 classes (gen_synth.py)"
    round "s3engine analyse --csv-only" \
        "$(an "$synth" region class value synth) --csv-only" \
        "economiccomplexity (R), end to end" \
        "$(peer $ec_ok "Rscript $here/reco.R $synth region class value $out/synth-ec")"
    if [ $ec_ok = 1 ] && [ -f "$out/synth-ec/compute_seconds" ]; then
        wall[ec-compute]=$(median <"$out/synth-ec/compute_seconds")
        printf '  %-40s %7.2f s  (median)\n' "economiccomplexity compute alone" \
            "${wall[ec-compute]}"
    fi
    ratio "economiccomplexity end to end / s3engine --csv-only" \
        "economiccomplexity (R), end to end" "s3engine analyse --csv-only"
    ratio "economiccomplexity compute alone / s3engine --csv-only" \
        ec-compute "s3engine analyse --csv-only"
fi
rm -rf "$out"
