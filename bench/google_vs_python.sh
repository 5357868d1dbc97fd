#!/usr/bin/env bash
# Side-by-side benchmark on the Google Health API v4 path: `fitbit heart-rate` (Rust) against a
# requests + pandas client (bench/google_get_heart_rate.py) doing the same job, for one Pixel
# Watch day served by the local emulator on loopback (`fitbit_sim --pixel-watch`: ~37k samples,
# pages of at most 5,000 points with a `dataSource` each, pretty-printed JSON unless a request
# says prettyPrint=false, as both clients do: ~12 MB a day). Runs alternate Rust, Python, ...;
# reports the median wall time and the median CPU time (user + system of the client process and
# its threads, from wait4's rusage, microsecond resolution) of N runs each, the peak RSS, and
# checks that both wrote the same CSVs.
# Usage: bench/google_vs_python.sh [RUNS]   (needs python3 with pandas and requests: make setup)
# BASE=path/to/an/older/fitbit also runs that binary in the same rotation (before/after).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-11}
DAY=${DAY:-2026-10-20}
OUT=bench/out/google
mkdir -p "$OUT"
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
"$PY" -c "import pandas, requests" 2>/dev/null || { echo "pandas/requests missing for $PY: run make setup" >&2; exit 1; }

cargo build --release -q -p fitbit_cli -p fitbit_sim
target/release/fitbit_sim --addr 127.0.0.1:0 --pixel-watch > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$OUT/sim.log" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$OUT/sim.log" | head -1)
export FITBIT_SIM_URL=$URL FITBIT_DEMO_PROVIDER=google
export GOOGLE_HEALTH_API_URL=$URL GOOGLE_OAUTH_TOKEN_URL=$URL/token
export FITBIT_DEMO_CONFIG=$PWD/$OUT/fb_conf.json
# Authorize the demo Google app once; both sides then use its access token (valid ~1 h).
target/release/fitbit --demo token > /dev/null
TOKEN=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['access_token'])" "$FITBIT_DEMO_CONFIG")

RUST=(target/release/fitbit --config "$FITBIT_DEMO_CONFIG" heart-rate --date "$DAY" --out "$OUT/rust")
PYTHON=("$PY" bench/google_get_heart_rate.py "$URL" "$TOKEN" "$DAY" "$OUT/python")
# One run: "wall_s cpu_s maxrss_kb" of the client process (getrusage of the waited child).
measure() {
  python3 -c 'import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
if status: sys.exit("failed: " + " ".join(sys.argv[1:]))
print(f"{wall:.6f} {ru.ru_utime + ru.ru_stime:.6f} {ru.ru_maxrss}")' "$@"
}
BASE_CMD=()
[ -n "${BASE:-}" ] && BASE_CMD=("$BASE" --config "$FITBIT_DEMO_CONFIG" heart-rate --date "$DAY" --out "$OUT/base")
"${RUST[@]}" > /dev/null; "${PYTHON[@]}" > /dev/null   # warm-up (page cache, connections)
: > "$OUT/rust.txt"; : > "$OUT/python.txt"; : > "$OUT/base.txt"
for _ in $(seq "$RUNS"); do
  measure "${RUST[@]}" >> "$OUT/rust.txt"
  measure "${PYTHON[@]}" >> "$OUT/python.txt"
  [ -n "${BASE:-}" ] && measure "${BASE_CMD[@]}" >> "$OUT/base.txt"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
RW=$(col "$OUT/rust.txt" 1); RC=$(col "$OUT/rust.txt" 2); RK=$(col "$OUT/rust.txt" 3)
PW=$(col "$OUT/python.txt" 1); PC=$(col "$OUT/python.txt" 2); PK=$(col "$OUT/python.txt" 3)

CSV=Fitbit_HR_$DAY.csv
ROWS=$(($(wc -l < "$OUT/rust/$CSV") - 1))
PYROWS=$(($(wc -l < "$OUT/python/$CSV") - 1))
cmp -s "$OUT/rust/$CSV" "$OUT/python/$CSV" && SAME=yes || SAME=no
cmp -s "$OUT/rust/Fitbit_RestingHR_$DAY.csv" "$OUT/python/Fitbit_RestingHR_$DAY.csv" \
  && SAME_R=yes || SAME_R=no
echo "day $DAY: $ROWS samples; rows: rust $ROWS, python $PYROWS; HR CSV identical: $SAME, resting CSV identical: $SAME_R"
awk -v rw="$RW" -v rc="$RC" -v rk="$RK" -v pw="$PW" -v pc="$PC" -v pk="$PK" -v n="$RUNS" 'BEGIN {
  printf "fitbit heart-rate (Rust):   median wall %.1f ms, CPU %.1f ms over %d runs, peak RSS %.1f MB\n", rw*1000, rc*1000, n, rk/1024;
  printf "requests + pandas (Python): median wall %.1f ms, CPU %.1f ms over %d runs, peak RSS %.1f MB\n", pw*1000, pc*1000, n, pk/1024;
  printf "speed-up: %.1fx wall, %.1fx CPU\n", pw/rw, (rc > 0 ? pc/rc : 0) }'
if [ -n "${BASE:-}" ]; then
  BW=$(col "$OUT/base.txt" 1); BC=$(col "$OUT/base.txt" 2)
  cmp -s "$OUT/rust/$CSV" "$OUT/base/$CSV" && SAME_B=yes || SAME_B=no
  awk -v bw="$BW" -v bc="$BC" -v pw="$PW" -v pc="$PC" -v b="$BASE" -v s="$SAME_B" 'BEGIN {
    printf "%s: median wall %.1f ms, CPU %.1f ms (%.1fx / %.1fx Python); same CSV: %s\n", b, bw*1000, bc*1000, pw/bw, pc/bc, s }'
fi
