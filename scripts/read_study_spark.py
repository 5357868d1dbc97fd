"""Read a study's store with Apache Spark (pyspark): every table of the store is hive-partitioned
Parquet, `<table>/user=<id>/date=YYYY-MM-DD/part-0.parquet`, which Spark's partition discovery
reads as it is, the keys becoming the columns `user` and `date`.

    pip install pyspark            # needs Java 17 or later
    python scripts/read_study_spark.py STORE [TABLE]     # TABLE: heart_rate (default), resting_heart_rate, hrv_daily, hrv_intraday

Prints the schema, the rows and days per participant, and checks the rows per participant and day
against the store's ledgers (`_ledger/user=<id>.sqlite`, what the sync recorded); exits non-zero
when they differ. On a cluster, point `STORE` at the copy on shared storage (`hdfs://`, `gs://`,
`s3a://`) and drop `.master("local[*]")`; the ledger check then needs the ledgers copied too.

The options that matter:
- `basePath` = the table's folder: what is below it is partitions (reading one participant's
  folder still yields the `user` column).
- `spark.sql.sources.partitionColumnTypeInference.enabled` = false: partition values stay
  strings (a pseudonym like 0042 must not become the number 42); `date` is then cast to DATE.
- `spark.sql.session.timeZone` = UTC. Both time columns are Parquet timestamps without a zone,
  read as TIMESTAMP_NTZ and shown as written: `timestamp` is the local wall-clock time,
  `timestamp_utc` the same instant on the UTC clock, `utc_offset` the difference.
- `spark.sql.shuffle.partitions` = 8 here, for one machine (Spark's default, 200, is for clusters).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

TABLES = ["heart_rate", "resting_heart_rate", "hrv_daily", "hrv_intraday"]


def ledger_rows(store: Path, table: str) -> dict[tuple[str, str], int]:
    """(user, date) -> rows, as the ledgers recorded them (days with data only)."""
    out: dict[tuple[str, str], int] = {}
    for path in sorted((store / "_ledger").glob("user=*.sqlite")):
        user = path.stem.removeprefix("user=")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for date, rows in db.execute(
                "SELECT date, rows FROM days WHERE dataset = ? AND rows > 0", (table,)):
            out[(user, date)] = rows
        db.close()
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 2 or (len(argv) > 2 and argv[2] not in TABLES):
        print(__doc__)
        return 2
    store = Path(argv[1])
    table = argv[2] if len(argv) > 2 else "heart_rate"
    folder = store / table
    if not folder.is_dir():
        print(f"error: {folder} not found: give the folder of `fitbit sync --store` (it holds {table}/)")
        return 2
    spark = (SparkSession.builder.appName("fitbit-study").master("local[*]")
             .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "8")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = (spark.read.option("basePath", str(folder)).parquet(str(folder))
          .withColumn("date", F.to_date("date")))
    df.printSchema()
    per_day = df.groupBy("user", "date").count().collect()
    got = {(r["user"], r["date"].isoformat()): r["count"] for r in per_day}
    summary = (df.groupBy("user").agg(F.countDistinct("date").alias("days"), F.count("*").alias("rows"))
               .orderBy("user"))
    summary.show(20, truncate=False)
    want = ledger_rows(store, table)
    spark.stop()
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))[:10]
        print(f"FAIL {table}: Spark and the ledgers disagree on {len(set(got.items()) ^ set(want.items()))} "
              f"(user, date) counts, e.g. {diff}")
        return 1
    print(f"{table}: {sum(got.values()):,} rows of {len({u for u, _ in got})} participants, "
          f"as the ledgers recorded them")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
