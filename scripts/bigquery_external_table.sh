#!/usr/bin/env bash
# A study's store as BigQuery external tables: copy the store's Parquet to Cloud Storage, then
# one external table per table of the store, with the hive keys `user` (STRING) and `date`
# (DATE) as partition columns, so BigQuery reads the files where they are (no load job) and a
# filter on `user` or `date` reads only those folders.
#
#   scripts/bigquery_external_table.sh STORE gs://BUCKET/PATH PROJECT:DATASET
#
# Needs the Google Cloud CLI (`gcloud`, `bq`) signed in to an account that may write the bucket
# and create tables in the dataset (`bq mk --dataset PROJECT:DATASET` creates it; choose the
# dataset's location to match the bucket's). What it runs, per table, is BigQuery's documented
# hive-partitioned external table:
#
#   bq mkdef --source_format=PARQUET --hive_partitioning_mode=CUSTOM \
#     --hive_partitioning_source_uri_prefix=gs://BUCKET/PATH/heart_rate/{user:STRING}/{date:DATE} \
#     --require_hive_partition_filter=false 'gs://BUCKET/PATH/heart_rate/*' > heart_rate.json
#   bq mk --external_table_definition=heart_rate.json PROJECT:DATASET.heart_rate
#
# CUSTOM mode spells the keys' types out: AUTO would infer them, and a pseudonym such as 0042
# would become the integer 42. The ledgers (`_ledger/`, what was fetched; no tokens) stay on
# the machine. Rerun after each sync: `gcloud storage rsync` uploads only new or changed files,
# and an existing table reads them at the next query (its `uris` is a wildcard).
#
# The same in SQL (BigQuery's DDL), e.g. in the console:
#
#   CREATE OR REPLACE EXTERNAL TABLE `PROJECT.DATASET.heart_rate`
#   WITH PARTITION COLUMNS (user STRING, date DATE)
#   OPTIONS (format = 'PARQUET', uris = ['gs://BUCKET/PATH/heart_rate/*'],
#            hive_partition_uri_prefix = 'gs://BUCKET/PATH/heart_rate',
#            require_hive_partition_filter = false);
#
# Then: SELECT user, date, AVG(heartrate) FROM `PROJECT.DATASET.heart_rate` GROUP BY ALL.
# Both time columns are Parquet timestamps without a zone: `timestamp` is the local wall-clock
# time, `timestamp_utc` the same instant on the UTC clock, `utc_offset` the difference.
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,9p' "$0"; exit 2; }
STORE=${1%/}
GCS=${2%/}
DATASET=$3
TABLES="heart_rate resting_heart_rate hrv_daily hrv_intraday"
case "$GCS" in gs://*) ;; *) echo "error: $GCS: give a Cloud Storage folder, gs://BUCKET/PATH" >&2; exit 2 ;; esac
[ -d "$STORE/_ledger" ] || { echo "error: $STORE is not a store (no _ledger/): give the folder of fitbit sync --store" >&2; exit 2; }
for tool in gcloud bq; do
  command -v "$tool" > /dev/null || { echo "error: $tool not found: install the Google Cloud CLI (cloud.google.com/sdk) and run gcloud auth login" >&2; exit 2; }
done

# The Parquet only: not the ledgers, nor a file a running sync is writing.
gcloud storage rsync "$STORE" "$GCS" --recursive --exclude='^_ledger/.*|.*\.tmp$'

def=$(mktemp -d)
trap 'rm -rf "$def"' EXIT
for table in $TABLES; do
  [ -d "$STORE/$table" ] || continue
  bq mkdef --source_format=PARQUET --hive_partitioning_mode=CUSTOM \
    "--hive_partitioning_source_uri_prefix=$GCS/$table/{user:STRING}/{date:DATE}" \
    --require_hive_partition_filter=false "$GCS/$table/*" > "$def/$table.json"
  if bq show "$DATASET.$table" > /dev/null 2>&1; then
    echo "$DATASET.$table exists: it reads the new files at query time"
  else
    bq mk --external_table_definition="$def/$table.json" "$DATASET.$table" > /dev/null
    echo "$DATASET.$table  <-  $GCS/$table/user=…/date=…/part-0.parquet"
  fi
done
echo "Query it: bq query --use_legacy_sql=false 'SELECT user, COUNT(*) AS samples FROM \`${DATASET/:/.}.heart_rate\` GROUP BY user'"
