#!/usr/bin/env bash
# A study end to end in a minute, on the local emulator (no account, synthetic people):
# enroll PARTICIPANTS people (a token pair each, as if they had consented), sync them all into
# one store, show their status and write it as CSV; then one participant withdraws consent, the
# next sync stores the others and names the one to re-authorize, and the status says so too.
#
# Usage: scripts/demo_cohort.sh [PARTICIPANTS] [DIR]   (default 4 and output/demo_cohort)
# Leaves DIR/cohort.csv, DIR/configs/ (one fb_conf.json each, 0600), DIR/store/, DIR/status.csv.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4}
DIR=${2:-output/demo_cohort}
[ "$N" -ge 2 ] 2>/dev/null || { echo "error: PARTICIPANTS must be a number, at least 2" >&2; exit 2; }
rm -rf "$DIR"
mkdir -p "$DIR"
BIN=${FITBIT_BIN_DIR:-target/release}
if [ ! -x "$BIN/fitbit" ] || [ ! -x "$BIN/fitbit_sim" ]; then
  echo "Building the release binaries (a few minutes the first time)..."
  cargo build --release -q --locked -p fitbit_cli -p fitbit_sim
fi
"$BIN/fitbit_sim" --addr 127.0.0.1:0 --accounts "$N" > "$DIR/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$DIR/sim.log" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$DIR/sim.log" | head -1)
[ -n "$URL" ] || { echo "error: the emulator did not start; see $DIR/sim.log" >&2; exit 1; }
export FITBIT_SIM_URL=$URL GOOGLE_HEALTH_API_URL=$URL GOOGLE_OAUTH_TOKEN_URL=$URL/token
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "== 1. Enroll $N participants (on a real study: fitbit --config $DIR/configs/P0001.json auth)"
python3 scripts/sim.py enroll "$N" "$DIR"
cat "$DIR/cohort.csv"

echo; echo "== 2. Sync the last 14 days of everyone into one store, 2 participants at a time"
START=$(date -u -d "14 days ago" +%F)
step "$BIN/fitbit" sync --cohort "$DIR/cohort.csv" --store "$DIR/store" --start "$START" --jobs 2

echo; echo "== 3. The status of each participant, also as CSV for the study's records"
step "$BIN/fitbit" status --cohort "$DIR/cohort.csv" --store "$DIR/store" --csv "$DIR/status.csv"

LAST=$(tail -1 "$DIR/cohort.csv" | cut -d, -f1)
echo; echo "== 4. $LAST withdraws consent; the next sync stores the others and names $LAST"
curl -s -X POST "$URL/_sim/revoke?account=$((N - 1))" > /dev/null
step "$BIN/fitbit" sync --cohort "$DIR/cohort.csv" --store "$DIR/store" --jobs 2 \
  || echo "(exit status $?: a participant failed, as it should)"
step "$BIN/fitbit" status --cohort "$DIR/cohort.csv" --store "$DIR/store" --csv "$DIR/status.csv"

echo; echo "The study is in $DIR/store (hive-partitioned Parquet: <table>/user=<id>/date=<day>/),"
echo "its status in $DIR/status.csv. Read it with DuckDB:"
echo "  SELECT \"user\", count(*) FROM read_parquet('$DIR/store/heart_rate/**/*.parquet', hive_partitioning = true) GROUP BY ALL"
