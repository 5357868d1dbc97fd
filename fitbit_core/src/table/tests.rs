use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use polars::prelude::{DataType, TimeUnit};

use super::*;
use crate::record::{DailyHr, DailyHrv, HrSample, HrvSample, Timestamp};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, s))
        .expect("valid test time")
}

fn hours(h: i32) -> Option<FixedOffset> {
    FixedOffset::east_opt(h * 3600)
}

fn hr(local: NaiveDateTime, offset: Option<FixedOffset>, bpm: u16) -> HrSample {
    HrSample {
        time: Timestamp::new(local, offset),
        bpm,
        confidence: None,
    }
}

fn dtypes(df: &polars::prelude::DataFrame) -> Vec<(String, DataType)> {
    df.columns()
        .iter()
        .map(|c| (c.name().to_string(), c.dtype().clone()))
        .collect()
}

const MS: DataType = DataType::Datetime(TimeUnit::Milliseconds, None);

#[test]
fn hr_intraday_schema_is_fixed() {
    let df = hr_intraday(&[hr(at(2023, 7, 31, 0, 0, 5), None, 62)]).unwrap();
    assert_eq!(
        dtypes(&df),
        vec![
            ("timestamp".into(), MS),
            ("heartrate".into(), DataType::Int64),
            ("timestamp_utc".into(), MS),
            ("utc_offset".into(), DataType::String),
            ("confidence".into(), DataType::Int64),
        ]
    );
    // The same schema for an empty input.
    assert_eq!(dtypes(&hr_intraday(&[]).unwrap()), dtypes(&df));
}

#[test]
fn hr_intraday_csv_bytes_match_the_original_tool_plus_utc() {
    let mut samples = vec![
        hr(at(2023, 7, 31, 0, 0, 5), hours(9), 62),
        hr(at(2023, 7, 31, 0, 0, 10), hours(9), 63),
    ];
    samples[1].confidence = Some(2);
    let df = hr_intraday(&samples).unwrap();
    assert_eq!(
        csv_string(&df).unwrap(),
        "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n\
         2023-07-31 00:00:05,62,2023-07-30T15:00:05Z,+09:00,\n\
         2023-07-31 00:00:10,63,2023-07-30T15:00:10Z,+09:00,2\n"
    );
}

#[test]
fn unknown_offsets_are_null_not_invented() {
    let df = hr_intraday(&[hr(at(2023, 7, 31, 0, 0, 5), None, 62)]).unwrap();
    assert_eq!(df.column("timestamp_utc").unwrap().null_count(), 1);
    assert_eq!(df.column("utc_offset").unwrap().null_count(), 1);
    assert_eq!(
        csv_string(&df).unwrap(),
        "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n2023-07-31 00:00:05,62,,,\n"
    );
}

#[test]
fn dst_fall_back_keeps_both_rows_in_utc_order() {
    // Europe/Berlin 2026-10-25: 02:30 happens at +02:00, then again at +01:00.
    let samples = [
        hr(at(2026, 10, 25, 2, 30, 0), hours(1), 70), // the second 02:30, given first
        hr(at(2026, 10, 25, 2, 30, 0), hours(2), 60),
    ];
    let df = hr_intraday(&samples).unwrap();
    assert_eq!(df.height(), 2);
    assert_eq!(
        csv_string(&df).unwrap(),
        "timestamp,heartrate,timestamp_utc,utc_offset,confidence\n\
         2026-10-25 02:30:00,60,2026-10-25T00:30:00Z,+02:00,\n\
         2026-10-25 02:30:00,70,2026-10-25T01:30:00Z,+01:00,\n"
    );
}

#[test]
fn a_row_without_offset_after_an_out_of_order_pair_keeps_input_order() {
    // Rows 0 and 1 are out of UTC order, row 2 has no offset: nothing can be sorted, so the
    // table and the direct CSV both keep the input order.
    let samples = [
        hr(at(2023, 7, 31, 0, 0, 10), hours(2), 63),
        hr(at(2023, 7, 31, 0, 0, 5), hours(2), 62),
        hr(at(2023, 7, 31, 0, 0, 1), None, 61),
    ];
    let df = hr_intraday(&samples).unwrap();
    let text = csv_string(&df).unwrap();
    let bpm: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(bpm, vec!["63", "62", "61"]);
    let dir = tempfile::tempdir().unwrap();
    let direct = crate::table::write_hr_intraday_csv(&samples, dir.path().join("x.csv")).unwrap();
    assert_eq!(std::fs::read_to_string(direct).unwrap(), text);
}

#[test]
fn without_offsets_input_order_is_kept() {
    let samples = [
        hr(at(2023, 7, 31, 0, 0, 10), None, 63),
        hr(at(2023, 7, 31, 0, 0, 5), None, 62),
    ];
    let df = hr_intraday(&samples).unwrap();
    let bpm: Vec<Option<i64>> = df
        .column("heartrate")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(bpm, vec![Some(63), Some(62)]);
}

#[test]
fn daily_tables_schema_and_nulls() {
    let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).unwrap();
    let df = hr_daily(&[
        DailyHr {
            date: d(2),
            resting_bpm: None,
        },
        DailyHr {
            date: d(1),
            resting_bpm: Some(59.0),
        },
    ])
    .unwrap();
    assert_eq!(
        dtypes(&df),
        vec![
            ("date".into(), DataType::Date),
            ("resting_heart_rate".into(), DataType::Float64)
        ]
    );
    assert_eq!(
        csv_string(&df).unwrap(),
        "date,resting_heart_rate\n2026-09-01,59.0\n2026-09-02,\n"
    );

    let df = hrv_daily(&[DailyHrv {
        date: d(1),
        daily_rmssd: Some(29.232),
        non_rem_hr: Some(49.623),
        entropy: Some(2.472),
        ..Default::default()
    }])
    .unwrap();
    assert_eq!(
        csv_string(&df).unwrap(),
        "date,daily_rmssd,deep_rmssd,entropy,non_rem_heart_rate\n2026-09-01,29.232,,2.472,49.623\n"
    );
}

#[test]
fn hrv_intraday_schema_and_values() {
    let sample = HrvSample {
        time: Timestamp::new(at(2026, 9, 25, 1, 5, 0), hours(9)),
        rmssd: Some(26.617),
        coverage: Some(0.935),
        hf: Some(126.514),
        lf: Some(433.261),
        sdnn: None,
    };
    let df = hrv_intraday(&[sample]).unwrap();
    let names: Vec<String> = dtypes(&df).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "timestamp",
            "rmssd",
            "coverage",
            "hf",
            "lf",
            "timestamp_utc",
            "utc_offset",
            "sdnn"
        ]
    );
    assert_eq!(df.column("sdnn").unwrap().dtype(), &DataType::Float64);
    assert_eq!(
        csv_string(&df).unwrap(),
        "timestamp,rmssd,coverage,hf,lf,timestamp_utc,utc_offset,sdnn\n\
         2026-09-25 01:05:00,26.617,0.935,126.514,433.261,2026-09-24T16:05:00Z,+09:00,\n"
    );
}

#[test]
fn write_csv_is_atomic_and_returns_an_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir
        .path()
        .join("sub")
        .join(hr_csv_name(NaiveDate::from_ymd_opt(2023, 7, 31).unwrap()));
    let df = hr_intraday(&[hr(at(2023, 7, 31, 0, 0, 5), None, 62)]).unwrap();
    let written = write_csv(&df, &target).unwrap();
    assert!(written.is_absolute());
    assert!(written.ends_with("sub/Fitbit_HR_2023-07-31.csv"));
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.starts_with("timestamp,heartrate,"));
    // No temporary file is left behind.
    let leftovers = std::fs::read_dir(dir.path().join("sub")).unwrap().count();
    assert_eq!(leftovers, 1);
}

#[test]
fn write_csv_to_a_directory_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let df = hr_daily(&[]).unwrap();
    let err = write_csv(&df, dir.path().join("..")).unwrap_err();
    assert!(matches!(err, crate::Error::InvalidInput { .. }), "{err}");
}

#[test]
fn text_with_commas_is_quoted() {
    use polars::prelude::{Column, DataFrame};
    let df = DataFrame::new(
        1,
        vec![Column::new(
            "note, with comma".into(),
            vec!["say \"hi\", ok"],
        )],
    )
    .unwrap();
    assert_eq!(
        csv_string(&df).unwrap(),
        "\"note, with comma\"\n\"say \"\"hi\"\", ok\"\n"
    );
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_round_trips_schema_and_rows() {
    use polars::prelude::{ParquetReader, SerReader};
    let dir = tempfile::tempdir().unwrap();
    let samples = [
        hr(at(2026, 10, 25, 2, 30, 0), hours(2), 60),
        hr(at(2026, 10, 25, 2, 30, 0), hours(1), 70),
    ];
    let df = hr_intraday(&samples).unwrap();
    let path = write_parquet(&df, dir.path().join("hr.parquet")).unwrap();
    let back = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    assert_eq!(dtypes(&back), dtypes(&df));
    assert!(back.equals_missing(&df));
}

#[test]
fn coverage_uses_utc_instants_across_dst() {
    // Fall-back: 02:59 (+02:00) then 02:00 (+01:00) is one minute later, not a gap.
    let samples = [
        hr(at(2026, 10, 25, 2, 0, 0), hours(1), 60),
        hr(at(2026, 10, 25, 2, 59, 0), hours(2), 60),
    ];
    let c = hr_coverage(&samples);
    assert_eq!(c.samples, 2);
    assert_eq!(c.gaps, 0);
    assert_eq!(c.longest_gap.map(|g| g.2), Some(60));
    assert_eq!(c.first.map(|t| t.offset), Some(hours(2)));
    assert_eq!(hr_coverage(&[]).to_string(), "no samples");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> impl Strategy<Value = HrSample> {
        (0i64..86_400, prop::option::of(-12i32..=14), 30u16..220).prop_map(|(s, off, bpm)| {
            let local = at(2026, 10, 25, 0, 0, 0) + chrono::Duration::seconds(s);
            hr(local, off.and_then(hours), bpm)
        })
    }

    proptest! {
        #[test]
        fn csv_keeps_every_row_and_reads_back(samples in prop::collection::vec(sample(), 0..60)) {
            let df = hr_intraday(&samples).unwrap();
            let text = csv_string(&df).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let direct = crate::table::write_hr_intraday_csv(&samples, dir.path().join("x.csv")).unwrap();
            prop_assert_eq!(&std::fs::read_to_string(direct).unwrap(), &text, "records path = DataFrame path");
            let lines: Vec<&str> = text.lines().collect();
            prop_assert_eq!(lines.len(), samples.len() + 1);
            let mut utc_seen = Vec::new();
            for line in &lines[1..] {
                let fields: Vec<&str> = line.split(',').collect();
                prop_assert_eq!(fields.len(), 5);
                let local = NaiveDateTime::parse_from_str(fields[0], "%Y-%m-%d %H:%M:%S").unwrap();
                let bpm: u16 = fields[1].parse().unwrap();
                prop_assert!(samples.iter().any(|s| s.time.local == local && s.bpm == bpm));
                prop_assert_eq!(fields[2].is_empty(), fields[3].is_empty());
                if !fields[2].is_empty() {
                    utc_seen.push(NaiveDateTime::parse_from_str(fields[2], "%Y-%m-%dT%H:%M:%SZ").unwrap());
                }
            }
            if samples.iter().all(|s| s.time.offset.is_some()) {
                prop_assert!(utc_seen.is_sorted());
            }
        }
    }
}

#[test]
fn a_large_table_written_to_a_file_equals_its_csv_string() {
    use crate::record::{HrSample, Timestamp};
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 25)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let samples: Vec<HrSample> = (0..50_001)
        .map(|i| HrSample {
            time: Timestamp::new(
                start + chrono::Duration::seconds(i),
                (i % 7 != 0).then(|| chrono::FixedOffset::east_opt(7200).unwrap()),
            ),
            bpm: (50 + i % 90) as u16,
            confidence: (i % 3 == 0).then_some((i % 4) as i8),
        })
        .collect();
    let df = crate::table::hr_intraday(&samples).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = crate::table::write_csv(&df, dir.path().join("big.csv")).unwrap();
    let text = crate::table::csv_string(&df).unwrap();
    assert_eq!(std::fs::read_to_string(path).unwrap(), text);
    let direct =
        crate::table::write_hr_intraday_csv(&samples, dir.path().join("direct.csv")).unwrap();
    assert_eq!(
        std::fs::read_to_string(direct).unwrap(),
        text,
        "records path = DataFrame path"
    );
    assert_eq!(text.lines().count(), 50_002);
}
