#!/usr/bin/env bash
# A study on one machine: PARTICIPANTS people × DAYS days of Google heart rate and HRV synced
# into one store by `fitbit sync --cohort --jobs N`, from the local emulator with its documented
# quotas on (300 requests a minute per user, 120,000 a minute per project:
# docs/google-health-api.md §5.1), then the same sync again (nothing new: no data request), then
# the whole study read into polars (`cohort::scan_study`, benches/study_read.rs) and DuckDB.
#
# Enrollment is by the emulator's control endpoint (`POST /_sim/tokens`, as if each participant
# had consented; `scripts/sim.py enroll`): one `configs/P0001.json` (0600, `"user": "P0001"`) per
# participant and `cohort.csv`. A study of more than 100 people needs a verified app: the
# emulator runs with `--user-cap none` and the client with `--max-users PARTICIPANTS`.
#
# To fit 1,000 × 30 into minutes on 2 cores, the emulator's people wear a watch that records one
# heart-rate sample every HR_EVERY seconds (default 60: 1,440 a worn day, one page a day)
# instead of every 1–5 s (~28,000 a day); HR_EVERY=0 keeps the realistic density. HRV (one
# 5-minute point a sleeping interval) and the daily tables are unchanged.
#
# Reports, for each run: data requests the emulator counted against the minimum the API allows
# (computed from what was stored, as bench/sync_year.sh does: per intraday day ceil(rows / 10,000)
# pages, at least one; per daily table one page per 10,000 days; one time-zone lookup per
# participant), 429 answers, wall time, requests per second against the per-user and project
# quotas (the most one user / the project sent in one minute, as the emulator saw), the peak RSS
# of `fitbit` and of the emulator, and the machine's load average (other work shares the cores).
#
# Usage: bench/cohort.sh [PARTICIPANTS] [DAYS]   (default 1000 30; JOBS=16 participants at once)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
DAYS=${2:-30}
JOBS=${JOBS:-16}
HR_EVERY=${HR_EVERY:-60}
OUT=bench/out/cohort
rm -rf "$OUT"
mkdir -p "$OUT"

cargo build --release -q --locked -p fitbit_cli -p fitbit_sim
SPARSE=()
[ "$HR_EVERY" != 0 ] && SPARSE=(--hr-every-secs "$HR_EVERY")
target/release/fitbit_sim --addr 127.0.0.1:0 --accounts "$N" --user-cap none "${SPARSE[@]}" \
  > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$OUT/sim.log" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$OUT/sim.log" | head -1)
export FITBIT_SIM_URL=$URL GOOGLE_HEALTH_API_URL=$URL GOOGLE_OAUTH_TOKEN_URL=$URL/token

/usr/bin/time -f "%e" -o "$OUT/enroll.time" python3 scripts/sim.py enroll "$N" "$OUT/study" > /dev/null
echo "enrolled $N participants in $(cat "$OUT/enroll.time") s (a token pair each from POST /_sim/tokens)"

# Every day of the window ended more than 7 days ago in every participant's zone (Los Angeles is
# behind UTC, hence 9 days), so every day is settled and complete.
END=$(date -u -d "9 days ago" +%F)
START=$(date -u -d "$END - $((DAYS - 1)) days" +%F)

run() { # $1 = label
  curl -s -X POST "$URL/_sim/reset-counters" > /dev/null
  cut -d' ' -f1-3 /proc/loadavg > "$OUT/$1.load"
  /usr/bin/time -f "%e %M" -o "$OUT/$1.time" \
    target/release/fitbit sync --cohort "$OUT/study/cohort.csv" --store "$OUT/study/store" \
      --start "$START" --end "$END" --jobs "$JOBS" --max-users "$N" > "$OUT/$1.out" 2> "$OUT/$1.err" \
    || { echo "$1 sync failed:"; tail -5 "$OUT/$1.out" "$OUT/$1.err"; }
  curl -s "$URL/_sim/counters" > "$OUT/$1.counters.json"
  grep VmHWM "/proc/$SIM/status" | awk '{print $2}' > "$OUT/$1.sim_rss"
}
run first
run second

python3 - "$OUT" "$N" "$DAYS" "$JOBS" <<'PY'
import glob, json, math, os, sqlite3, sys
out, n, days, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
cap = 10_000  # points (intraday) or days (daily tables) on one Google list page
per_day = {"heart_rate", "hrv_intraday"}
minimum, rows, hrv_days, ledgers = 0, 0, 0, glob.glob(os.path.join(out, "study", "store", "_ledger", "*.sqlite"))
for path in ledgers:
    db = sqlite3.connect(path)
    for ds, r in db.execute("SELECT dataset, rows FROM days"):
        rows += r
        if ds in per_day:
            minimum += max(1, math.ceil(r / cap))
    for (n_days,) in db.execute("SELECT COUNT(*) FROM days WHERE dataset NOT IN "
                                "('heart_rate','hrv_intraday') GROUP BY dataset"):
        minimum += max(1, math.ceil(n_days / cap))
    minimum += 1  # the participant's time zone (`settings`), once per sync that fetches anything
    hrv_days += db.execute("SELECT COUNT(*) FROM days WHERE dataset = 'hrv_intraday'").fetchone()[0]
print(f"{n} participants x {days} days, {len(ledgers)} ledgers, {rows:,} rows stored, jobs {jobs}")
for label in ("first", "second"):
    wall, rss_kb = open(os.path.join(out, label + ".time")).read().split()
    wall = float(wall)
    c = json.load(open(os.path.join(out, label + ".counters.json")))
    req = c["data_requests"]
    sim_mb = int(open(os.path.join(out, label + ".sim_rss")).read() or 0) / 1024
    load = open(os.path.join(out, label + ".load")).read().strip()
    line = (f"{label:>6}: {req:,} data requests (minimum {minimum if label == 'first' else 0:,}), "
            f"{c['rate_limited']} answered 429 ({c.get('project_rate_limited', 0)} for the project), "
            f"wall {wall:.1f} s")
    if req and wall > 0:
        line += (f", {req / wall:,.0f} requests/s = {req / wall * 60:,.0f}/min against the project's "
                 f"120,000/min; the most one user sent in a minute {c['max_user_window']} (quota 300), "
                 f"the project {c['max_project_window']:,} (quota 120,000); {rows / wall:,.0f} rows/s")
    line += f"; peak RSS fitbit {int(rss_kb) / 1024:.0f} MB, emulator {sim_mb:.0f} MB; load average {load}"
    print(line)
    hrv = c["per_path"].get("/v4/users/me/dataTypes/heart-rate-variability/dataPoints", 0)
    if label == "first" and hrv > hrv_days:
        print(f"        of which {hrv - hrv_days} are the empty first page the API sends for an HRV "
              "query over a night without main sleep (docs/google-health-api.md): needed, as in "
              "bench/sync_year.sh, though not in the minimum above")
PY

echo "--- the whole study into polars (cohort::scan_study, release):"
cargo bench -q -p fitbit_core --features store --bench study_read -- "$PWD/$OUT/study/store" 2>&1 \
  | grep -v "^$" | tee "$OUT/polars.txt"
echo "--- the whole study into DuckDB (read_parquet with hive_partitioning, into an in-memory table):"
scripts/py.sh - "$OUT/study/store" <<'PY' | tee "$OUT/duckdb.txt"
import sys, time
import duckdb
store = sys.argv[1]
con = duckdb.connect()
for table in ["resting_heart_rate", "hrv_daily", "heart_rate", "hrv_intraday"]:
    for i in range(3):
        t = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet("
                    f"'{store}/{table}/**/*.parquet', hive_partitioning = true)")
        secs = time.perf_counter() - t
        rows, users = con.execute(f"SELECT count(*), count(DISTINCT \"user\") FROM {table}").fetchone()
        print(f"{table}: read {i}: {rows:,} rows, {users} participants in {secs:.3f} s")
PY
cut -d' ' -f1-3 /proc/loadavg | xargs echo "load average at the end:"
