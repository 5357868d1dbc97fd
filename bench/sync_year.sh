#!/usr/bin/env bash
# A year of one user's Google heart rate and HRV into a fresh store, from the local emulator with
# its documented per-user quota on (300 requests a minute, docs/google-health-api.md §5.1), then
# the same sync again (incremental: nothing new to fetch).
#
# The emulator plays a Pixel Watch (`--pixel-watch`: about 38,000 samples a worn day) and, as the
# live API was seen doing, answers at most 5,000 points a page whatever `pageSize` asks
# (`--google-page-cap 5000`), so a worn day is 8 pages.
#
# Every request is needed: the minimum below is what any client must send (the time-zone lookup
# included); the few empty first pages of HRV queries over nights without sleep data are listed.
# Reports, for each run: data requests the emulator counted, 429 answers, the minimum the API
# allows (computed from what was stored: per intraday day ceil(rows / 5000) pages, at least one;
# per daily table one page per 5,000 days of the range), wall time against the quota floor
# (requests / 300 per minute), rows per second and the peak RSS of the `fitbit` process.
#
# Usage: bench/sync_year.sh [DAYS]   (default 365; 30 for a quick look). Takes DAYS/365 × ~11 min.
set -euo pipefail
cd "$(dirname "$0")/.."
DAYS=${1:-365}
PAGE_CAP=5000
OUT=bench/out/sync_year
rm -rf "$OUT"
mkdir -p "$OUT"

cargo build --release -q --locked -p fitbit_cli -p fitbit_sim
target/release/fitbit_sim --addr 127.0.0.1:0 --pixel-watch --google-page-cap "$PAGE_CAP" > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$OUT/sim.log" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$OUT/sim.log" | head -1)
export FITBIT_SIM_URL=$URL FITBIT_DEMO_PROVIDER=google
export GOOGLE_HEALTH_API_URL=$URL GOOGLE_OAUTH_TOKEN_URL=$URL/token
export FITBIT_DEMO_CONFIG=$PWD/$OUT/fb_conf.json
target/release/fitbit --demo token > /dev/null

# The year ends 8 days ago, so every day of it is past the 7-day settle time and complete.
END=$(date -u -d "8 days ago" +%F)
START=$(date -u -d "$END - $((DAYS - 1)) days" +%F)

run() { # $1 = label
  curl -s -X POST "$URL/_sim/reset-counters" > /dev/null
  /usr/bin/time -f "%e %M" -o "$OUT/$1.time" \
    target/release/fitbit --config "$FITBIT_DEMO_CONFIG" sync --store "$OUT/store" \
      --start "$START" --end "$END" > "$OUT/$1.out" 2> "$OUT/$1.err"
  curl -s "$URL/_sim/counters" > "$OUT/$1.counters.json"
}
run first
run second

python3 - "$OUT" "$PAGE_CAP" "$DAYS" <<'EOF'
import glob, json, math, os, sqlite3, sys
out, cap, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ledger = glob.glob(os.path.join(out, "store", "_ledger", "*.sqlite"))[0]
db = sqlite3.connect(ledger)
per_day = {"heart_rate", "hrv_intraday"}
minimum, rows = 0, 0
for ds, n, r in db.execute("SELECT dataset, rows, requests FROM days"):
    rows += n
    if ds in per_day:
        minimum += max(1, math.ceil(n / cap))
# Daily tables: one list request per page of at most `cap` days over the whole range.
for (n_days,) in db.execute(
        "SELECT COUNT(*) FROM days WHERE dataset NOT IN ('heart_rate','hrv_intraday') GROUP BY dataset"):
    minimum += max(1, math.ceil(n_days / cap))
minimum += 1  # the user's time zone (`settings`), once per sync that fetches anything
def report(label):
    wall, rss_kb = open(os.path.join(out, label + ".time")).read().split()
    c = json.load(open(os.path.join(out, label + ".counters.json")))
    wall = float(wall)
    req = c["data_requests"]
    floor = req / 300 * 60
    line = (f"{label:>6}: {req} data requests (minimum {minimum if label == 'first' else 0}), "
            f"{c['rate_limited']} answered 429, wall {wall:.1f} s")
    if req and wall > 0:
        line += f" = {wall / floor:.3f} x the quota floor of {floor:.1f} s, {rows / wall:,.0f} rows/s"
    line += f", peak RSS {int(rss_kb) / 1024:.0f} MB"
    print(line)
    hrv = c["per_path"].get("/v4/users/me/dataTypes/heart-rate-variability/dataPoints", 0)
    hrv_days = db.execute("SELECT COUNT(*) FROM days WHERE dataset='hrv_intraday'").fetchone()[0]
    if label == "first" and hrv > hrv_days:
        print(f"        of which {hrv - hrv_days} are the empty first page the API sends for an HRV "
              "query over a night without main sleep (docs/google-health-api.md; counted as needed)")
print(f"{days} days, {rows:,} rows stored")
report("first")
report("second")
EOF
