#!/usr/bin/env bash
# Benchmark of the offline export import (fitbit_core::source::export).
#
# Generates a synthetic multi-year Takeout export with gen_export, imports it in release mode
# with the import_export example, and reports rows/second and peak RSS (/usr/bin/time -v).
#
# Defaults: 3 years (1096 days), legacy layout (the biggest format: pretty-printed JSON plus
# HRV CSVs), 17,280 samples a day (one every 5 s, the spacing of the real sample), about
# 19 M heart-rate rows / 2 GB. That runs in a few minutes on 2 cores. Override with env vars:
#   DAYS=1096 SAMPLES=17280 LAYOUT=legacy|googledata|both ZIP=0|1 TZ_NAME=Europe/Berlin
#   OUT=/tmp/fitbit_bench_export KEEP=0|1
set -euo pipefail

DAYS=${DAYS:-1096}
SAMPLES=${SAMPLES:-17280}
LAYOUT=${LAYOUT:-legacy}
ZIP=${ZIP:-0}
TZ_NAME=${TZ_NAME:-Europe/Berlin}
OUT=${OUT:-/tmp/fitbit_bench_export}
KEEP=${KEEP:-0}
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time for peak-RSS measurement" >&2
    apt-get install -y time >/dev/null
fi

echo "== building (release)" >&2
cargo build --release -q -p fitbit_sim --bin gen_export
cargo build --release -q -p fitbit_core --example import_export
BIN="$CARGO_TARGET_DIR/release"

echo "== generating $DAYS days × $SAMPLES samples/day, layout $LAYOUT, zip=$ZIP, tz $TZ_NAME -> $OUT" >&2
rm -rf "$OUT"
zipflag=()
[ "$ZIP" = 1 ] && zipflag=(--zip)
gen_start=$(date +%s.%N)
"$BIN/gen_export" --out "$OUT" --start 2023-01-01 --days "$DAYS" --samples-per-day "$SAMPLES" \
    --layout "$LAYOUT" --tz "$TZ_NAME" "${zipflag[@]}" >/dev/null
gen_end=$(date +%s.%N)
size=$(du -sh "$OUT" | cut -f1)
echo "generated $size in $(echo "$gen_end - $gen_start" | bc) s" >&2

input="$OUT"
[ "$ZIP" = 1 ] && input="$OUT/takeout-20260101T000000Z-001.zip"

echo "== importing $input" >&2
log=$(mktemp)
/usr/bin/time -v "$BIN/examples/import_export" "$input" --tz "$TZ_NAME" >"$log.out" 2>"$log"
cat "$log.out"
rss_kb=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
cpu=$(grep "Percent of CPU" "$log" | awk '{print $NF}')
echo
echo "RESULT days=$DAYS samples_per_day=$SAMPLES layout=$LAYOUT zip=$ZIP size=$size"
echo "RESULT $(grep 'rows/s' "$log.out")"
echo "RESULT wall=$wall cpu=$cpu peak_rss=$((rss_kb / 1024)) MB"
rm -f "$log" "$log.out"
[ "$KEEP" = 1 ] || rm -rf "$OUT"
