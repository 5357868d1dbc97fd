"""The store that `fitbit sync` writes, read by other tools as it is: DuckDB and pyarrow read the
hive-partitioned Parquet with the `user` and `date` keys, and agree row for row with the
ledger; then a study of three participants (`fitbit sync --cohort`, people in three time zones)
read by DuckDB as one dataset agrees with each participant's ledger, and every row under a
participant's `user=` key is that participant's (its local time is UTC plus their zone's
offset). Runs the release CLI against the emulator (no account needed)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
import zoneinfo
from pathlib import Path

import duckdb
import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sim  # noqa: E402

TABLES = ["heart_rate", "resting_heart_rate", "hrv_daily", "hrv_intraday"]
START, END = "2026-10-20", "2026-10-26"
PARTICIPANTS = 3


def check_study(url: str, tmp: Path, env: dict[str, str]) -> list[str]:
    """A cohort of three synced into one store, read by DuckDB as one study."""
    study = tmp / "study"
    cohort = sim.enroll(study, PARTICIPANTS, url)
    store = study / "store"
    cmd = [str(sim.bin_dir() / "fitbit"), "sync", "--cohort", str(cohort), "--store", str(store),
           "--start", START, "--end", END, "--jobs", str(PARTICIPANTS)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return [f"fitbit sync --cohort: exit {p.returncode}\n{p.stdout}{p.stderr}"]
    failures = []
    ids = [sim.participant_id(k) for k in range(PARTICIPANTS)]
    for table in TABLES:
        want = {}
        for pid in ids:
            ledger = sqlite3.connect(store / "_ledger" / f"user={pid}.sqlite")
            want[pid] = dict(ledger.execute(
                "SELECT date, rows FROM days WHERE dataset = ? AND rows > 0", (table,)).fetchall())
            ledger.close()
        got: dict[str, dict[str, int]] = {}
        for user, date, n in duckdb.sql(
                f"SELECT \"user\", CAST(date AS VARCHAR), count(*) FROM read_parquet("
                f"'{store}/{table}/**/*.parquet', hive_partitioning = true) GROUP BY ALL").fetchall():
            got.setdefault(user, {})[date] = n
        if got != want or not all(want.values()):
            failures.append(f"DuckDB study {table}: {got} != ledgers {want}")
    # Each participant is an emulator account with its own time zone (Berlin, New York, Tokyo:
    # disjoint offsets), so a row filed under another participant's key would show it.
    with urllib.request.urlopen(f"{url}/_sim/accounts", timeout=30) as r:
        zones = {sim.participant_id(a["index"]): a["time_zone"] for a in json.load(r)}
    offsets = {}
    for user, off in duckdb.sql(
            f"SELECT DISTINCT \"user\", CAST(epoch(timestamp) - epoch(timestamp_utc) AS INTEGER) "
            f"FROM read_parquet('{store}/heart_rate/**/*.parquet', hive_partitioning = true)").fetchall():
        offsets.setdefault(user, set()).add(off)
    first = dt.datetime.fromisoformat(START).replace(tzinfo=dt.timezone.utc) - dt.timedelta(days=1)
    for pid in ids:
        zone = zoneinfo.ZoneInfo(zones[pid])
        allowed = {int((first + dt.timedelta(hours=h)).astimezone(zone).utcoffset().total_seconds())
                   for h in range(24 * 9)}
        if not offsets.get(pid) or not offsets[pid] <= allowed:
            failures.append(f"DuckDB study: {pid} ({zones[pid]}) has rows at offsets {offsets.get(pid)}, "
                            f"its zone has {allowed}")
    if len(set(zones[pid] for pid in ids)) != PARTICIPANTS:
        failures.append(f"the emulator's accounts share time zones {zones}: the check above needs three")
    return failures


def main() -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sim.emulator() as url:
        store = Path(tmp) / "store"
        env = os.environ | sim.client_env()
        cmd = [str(sim.bin_dir() / "fitbit"), "--demo", "sync", "--store", str(store),
               "--start", START, "--end", END]
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            print(p.stdout, p.stderr)
            return 1
        ledger = sqlite3.connect(store / "_ledger" / "user=demo.sqlite")
        for table in TABLES:
            want = dict(ledger.execute(
                "SELECT date, rows FROM days WHERE dataset = ? AND rows > 0", (table,)).fetchall())
            glob = f"{store}/{table}/**/*.parquet"
            got = dict(duckdb.sql(
                f"SELECT CAST(date AS VARCHAR), count(*) FROM read_parquet('{glob}', hive_partitioning = true) "
                "WHERE \"user\" = 'demo' GROUP BY ALL").fetchall())
            if got != want or not want:
                failures.append(f"DuckDB {table}: {got} != ledger {want}")
            types = {r[0]: r[1] for r in duckdb.sql(
                f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true)").fetchall()}
            if types.get("date") != "DATE" or "user" not in types:
                failures.append(f"DuckDB {table}: hive keys typed {types}")
            dataset = ds.dataset(store / table, format="parquet", partitioning="hive")
            t = dataset.to_table()
            if t.num_rows != sum(want.values()):
                failures.append(f"pyarrow {table}: {t.num_rows} rows, ledger {sum(want.values())}")
            if "user" not in t.column_names or "date" not in t.column_names:
                failures.append(f"pyarrow {table}: no hive keys in {t.column_names}")
        # The local and UTC times of a day, as DuckDB sees them.
        row = duckdb.sql(
            f"SELECT min(timestamp), min(timestamp_utc) FROM read_parquet('{store}/heart_rate/**/*.parquet', "
            "hive_partitioning = true) WHERE date = DATE '2026-10-25'").fetchall()[0]
        if not (row[0] and row[0] >= dt.datetime(2026, 10, 25) and row[1] < row[0]):
            failures.append(f"DuckDB: local vs UTC on 2026-10-25 (Berlin, DST ends): {row}")
    # The study on an emulator of its own: with several accounts, the demo's sign-in above
    # would get the "Choose an account" page.
    with tempfile.TemporaryDirectory() as tmp, sim.emulator(args=("--accounts", str(PARTICIPANTS))) as url:
        study = check_study(url, Path(tmp), os.environ | sim.client_env())
    for f in failures + study:
        print(f"FAIL {f}")
    passed = (not failures) + (not study)
    print(f"store readers: {passed} passed, {2 - passed} failed")
    return 0 if passed == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
