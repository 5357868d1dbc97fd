"""The store that `fitbit sync` writes, read by other tools as it is: DuckDB and pyarrow read the
hive-partitioned Parquet with the `user` and `date` keys, and agree row for row with the
ledger. Runs the release CLI against the emulator (no account needed)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sim  # noqa: E402

TABLES = ["heart_rate", "resting_heart_rate", "hrv_daily", "hrv_intraday"]


def main() -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sim.emulator() as url:
        store = Path(tmp) / "store"
        env = os.environ | sim.client_env()
        cmd = [str(sim.bin_dir() / "fitbit"), "--demo", "sync", "--store", str(store),
               "--start", "2026-10-20", "--end", "2026-10-26"]
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
    for f in failures:
        print(f"FAIL {f}")
    print(f"store readers: {0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
