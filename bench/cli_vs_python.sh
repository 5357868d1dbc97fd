#!/usr/bin/env bash
# Side-by-side benchmark: `fitbit heart-rate` (Rust) against the original Python path
# (requests + pandas) for one 86,400-point 1sec day served by the local emulator on loopback.
# Reports the median wall time of N runs each and the peak RSS (GNU time), in one run.
# Usage: bench/cli_vs_python.sh [RUNS]   (needs python3 with pandas and requests: make setup)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-15}
DAY=2026-10-20
OUT=bench/out
mkdir -p "$OUT"
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
"$PY" -c "import pandas, requests" 2>/dev/null || { echo "pandas/requests missing for $PY: run make setup" >&2; exit 1; }
[ -x /usr/bin/time ] || { command -v apt-get >/dev/null && apt-get install -y -qq time >/dev/null; }

cargo build --release -q -p fitbit_cli -p fitbit_sim
target/release/fitbit_sim --addr 127.0.0.1:0 --dense-1sec > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$OUT/sim.log" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$OUT/sim.log" | head -1)
export FITBIT_API_URL=$URL FITBIT_SIM_URL=$URL FITBIT_DEMO_PROVIDER=fitbit
export FITBIT_DEMO_CONFIG=$PWD/$OUT/fb_conf.json
# Authorize the demo Fitbit app once; both sides then use its access token.
target/release/fitbit --demo token > /dev/null
TOKEN=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['access_token'])" "$FITBIT_DEMO_CONFIG")

run_rust() { target/release/fitbit --config "$FITBIT_DEMO_CONFIG" heart-rate --date $DAY --detail 1sec --out "$OUT/rust" > /dev/null; }
run_py() { "$PY" bench/original_get_heart_rate.py "$URL" "$TOKEN" $DAY 1sec "$OUT/python" > /dev/null; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {
  local fn=$1
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(date +%s%N); $fn; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 ))
  done | median
}
run_rust; run_py   # warm-up (page cache, emulator cache)
RUST_US=$(time_runs run_rust)
PY_US=$(time_runs run_py)
RUST_KB=$(/usr/bin/time -f %M target/release/fitbit --config "$FITBIT_DEMO_CONFIG" heart-rate --date $DAY --detail 1sec --out "$OUT/rust" 2>&1 >/dev/null | tail -1)
PY_KB=$(/usr/bin/time -f %M "$PY" bench/original_get_heart_rate.py "$URL" "$TOKEN" $DAY 1sec "$OUT/python" 2>&1 >/dev/null | tail -1)
ROWS=$(($(wc -l < "$OUT/rust/Fitbit_HR_$DAY.csv") - 1))
PYROWS=$(($(wc -l < "$OUT/python/Fitbit_HR_$DAY.csv") - 1))
# Same rows, same first two columns.
cut -d, -f1,2 "$OUT/rust/Fitbit_HR_$DAY.csv" | cmp -s - "$OUT/python/Fitbit_HR_$DAY.csv" && SAME=yes || SAME=no
echo "rows: rust $ROWS, python $PYROWS; timestamp,heartrate identical: $SAME"
awk -v r="$RUST_US" -v p="$PY_US" -v rk="$RUST_KB" -v pk="$PY_KB" -v n="$RUNS" 'BEGIN {
  printf "fitbit heart-rate (Rust):   median %.1f ms over %d runs, peak RSS %.1f MB\n", r/1000, n, rk/1024;
  printf "requests + pandas (Python): median %.1f ms over %d runs, peak RSS %.1f MB\n", p/1000, n, pk/1024;
  printf "speed-up: %.1fx\n", p/r }'
