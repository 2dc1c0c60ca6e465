#!/usr/bin/env bash
# World trade `analyse --csv-only` (226 countries × 785 products) with two
# binaries, whole processes alternated: median wall time, median user +
# system CPU time, peak memory and minor page faults of each.
#
#   bench/trade_ab.sh OLD_BINARY NEW_BINARY [rounds]   (repository root)
#
# Run both with the same environment (OpenBLAS's default threads; the
# engine sets one thread for its products itself).
set -eu
old=${1:?usage: bench/trade_ab.sh OLD_BINARY NEW_BINARY [rounds]}
new=${2:?usage: bench/trade_ab.sh OLD_BINARY NEW_BINARY [rounds]}
rounds=${3:-5}
input=datasets/world-trade/world_trade_avg_1998_to_2000.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$rounds"); do
    for which in old new; do
        bin=$old
        [ "$which" = new ] && bin=$new
        /usr/bin/time -a -o "$tmp/$which.times" -f '%e %U %S %M %R' \
            "$bin" analyse --quiet --csv-only --input "$input" \
            --unit country --class product --value value --out "$tmp/out"
    done
done
for which in old new; do
    awk -v w="$which" '
        { wall[NR] = $1; cpu[NR] = $2 + $3; mem = $4 > mem ? $4 : mem;
          flt[NR] = $5 }
        function median(a, n,   i, j, t) {
            for (i = 2; i <= n; i++)
                for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
                    t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
                }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            printf "%s: runs %d; wall", w, NR
            for (i = 1; i <= NR; i++) printf " %.2f", wall[i]
            printf "; user+sys"
            for (i = 1; i <= NR; i++) printf " %.2f", cpu[i]
            printf "\n  median wall %.2f s, median user+sys %.2f s, " \
                   "peak %d MB, minor faults %d\n",
                   median(wall, NR), median(cpu, NR), mem / 1024, median(flt, NR)
        }' "$tmp/$which.times"
done
