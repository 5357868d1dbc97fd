//! The import driver: plan the file order, run the pipeline, apply the time basis, assemble
//! days, and write the report.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Days, NaiveDate};

use crate::{DailyHr, DailyHrv, Error, Fix, HrSample, HrvSample, Result};

use super::archive::{self, Inventory, Part};
use super::assemble::{DayBuffer, DayData, SLACK_DAYS};
use super::layout::FileKind;
use super::parsed::{ParsedFile, reason};
use super::pipeline;
use super::report::{ImportReport, Progress};
use super::timebasis::{Evidence, JsonBasis, Resolver, TzChoice, Zone};
use super::{ImportOptions, ImportSummary};

/// Enough evidence: this many decisive files, or this many legacy files looked at.
const DECISIVE_FILES: usize = 5;
const MAX_PENDING_FILES: usize = 30;

/// The order files are processed in: random-access files by name date, then each tgz part in
/// its own (tar) order, parts by their earliest name date.
fn plan(inv: &Inventory, selected: &[usize]) -> Vec<usize> {
    let is_tgz = |i: usize| matches!(inv.parts[inv.entries[i].part], Part::Tgz(_));
    let mut random: Vec<usize> = selected.iter().copied().filter(|&i| !is_tgz(i)).collect();
    random.sort_by(|&a, &b| {
        let (x, y) = (&inv.entries[a], &inv.entries[b]);
        (x.name_date, x.kind, &x.path).cmp(&(y.name_date, y.kind, &y.path))
    });
    let mut tgz_parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in selected.iter().filter(|&&i| is_tgz(i)) {
        tgz_parts.entry(inv.entries[i].part).or_default().push(i);
    }
    let mut parts: Vec<Vec<usize>> = tgz_parts.into_values().collect();
    parts.sort_by_key(|p| p.iter().map(|&i| inv.entries[i].name_date).min());
    random
        .into_iter()
        .chain(parts.into_iter().flatten())
        .collect()
}

/// For each plan position k: the earliest name date among files k.. (`None` at the end).
/// `Some(None)` means a file without a name date is still to come: nothing can be flushed.
fn watermarks(inv: &Inventory, plan: &[usize]) -> Vec<Option<Option<NaiveDate>>> {
    let mut out = vec![None; plan.len() + 1];
    let mut acc: Option<Option<NaiveDate>> = None;
    for k in (0..plan.len()).rev() {
        let d = inv.entries[plan[k]].name_date;
        acc = Some(match (acc, d) {
            (Some(None), _) | (_, None) => None,
            (Some(Some(a)), Some(d)) => Some(a.min(d)),
            (None, Some(d)) => Some(d),
        });
        out[k] = acc;
    }
    out
}

struct Importer<'a> {
    opts: &'a ImportOptions,
    resolver: Option<Resolver>,
    pending: Vec<ParsedFile>,
    evidence: Evidence,
    legacy_total: usize,
    legacy_seen: usize,
    days: DayBuffer,
    daily_hr: BTreeMap<NaiveDate, DailyHr>,
    daily_hrv: BTreeMap<NaiveDate, DailyHrv>,
    report: ImportReport,
    decided_json: Option<JsonBasis>,
    /// The previous legacy file's name date and last clock reading.
    last_legacy: Option<(NaiveDate, chrono::NaiveDateTime)>,
}

impl Importer<'_> {
    fn in_range(&self, d: NaiveDate) -> bool {
        self.opts.start.is_none_or(|s| d >= s) && self.opts.end.is_none_or(|e| d <= e)
    }

    /// Fixes the resolver from the option and the evidence so far.
    fn decide(&mut self) {
        let ev = &self.evidence;
        let (resolver, text) = match self.opts.tz {
            TzChoice::Utc(z) => (
                Resolver {
                    zone: Some(Zone::Named(z)),
                    json: JsonBasis::Utc,
                },
                format!("heart_rate JSON read as UTC (as chosen: utc:{z}); local times in {z}"),
            ),
            TzChoice::Local(z) => (
                Resolver {
                    zone: Some(Zone::Named(z)),
                    json: JsonBasis::Local,
                },
                format!("heart_rate JSON read as local {z} wall-clock (as chosen: local:{z})"),
            ),
            TzChoice::Auto(zone) => {
                let decided = ev.decide();
                let json = decided.unwrap_or(JsonBasis::Utc);
                let mut zone = zone.map(Zone::Named);
                if let Some(off) = ev
                    .implied_offset()
                    .filter(|_| zone.is_none() && json == JsonBasis::Utc)
                {
                    zone = Some(Zone::Fixed(off));
                    self.report.warn(format!(
                        "no time zone given: using the offset {off} implied by the files; it \
                         ignores daylight saving time"
                    ));
                    self.report.suggest(Fix::SetTimeZone);
                }
                let how = match (decided, json) {
                    (None, _) => "no evidence in the data, defaulting to UTC (the documented \
                                  duckdb-fitbit finding)"
                        .to_string(),
                    (Some(_), _) => format!(
                        "decided from the first {} file(s): {}",
                        self.legacy_seen,
                        if json == JsonBasis::Utc {
                            "they start before or end after their name date"
                        } else {
                            "their samples lie on their name date"
                        }
                    ),
                };
                let basis = match json {
                    JsonBasis::Utc => "UTC",
                    JsonBasis::Local => "local wall-clock",
                };
                if self.legacy_total > 0 {
                    self.report.suggest(Fix::ChooseExportClock);
                }
                (
                    Resolver { zone, json },
                    format!("heart_rate JSON read as {basis} (auto; {how})"),
                )
            }
        };
        if self.legacy_total == 0 {
            self.report.time_basis =
                "no heart_rate JSON; `Z` times are UTC, HRV CSV times local".to_string();
        } else {
            self.report.time_basis = text;
        }
        match resolver.zone {
            Some(z) => self.report.time_basis.push_str(&format!("; user zone {z}")),
            None => {
                self.report
                    .warn("no time zone given: local times of UTC data are shown in UTC".into());
                self.report.suggest(Fix::SetTimeZone);
            }
        }
        self.decided_json = Some(resolver.json);
        self.resolver = Some(resolver);
        for p in std::mem::take(&mut self.pending) {
            self.place(p);
        }
    }

    /// Converts a file's samples with the resolver and puts them into their local days.
    fn place(&mut self, p: ParsedFile) {
        let Some(res) = self.resolver else {
            self.pending.push(p);
            return;
        };
        let json = p.kind == Some(FileKind::LegacyHrJson);
        let (mut late, mut gap) = (0, 0);
        let mut clock = res.for_file();
        for r in p.hr {
            let Some(time) = clock.timestamp(r.time, json) else {
                gap += 1;
                continue;
            };
            if self.in_range(time.local.date())
                && !self.days.push_hr(HrSample {
                    time,
                    bpm: r.bpm,
                    confidence: r.confidence,
                })
            {
                late += 1;
            }
        }
        let mut clock = res.for_file();
        for r in p.hrv {
            let Some(time) = clock.timestamp(r.time, false) else {
                gap += 1;
                continue;
            };
            let s = HrvSample {
                time,
                rmssd: r.rmssd,
                coverage: r.coverage,
                hf: r.hf,
                lf: r.lf,
                sdnn: r.sdnn,
            };
            if self.in_range(time.local.date()) && !self.days.push_hrv(s) {
                late += 1;
            }
        }
        self.report.skip(reason::LATE, late);
        self.report.skip(reason::DST_GAP, gap);
    }

    fn accept(&mut self, name_date: Option<NaiveDate>, mut p: ParsedFile) {
        self.report.files += 1;
        self.report.rows += p.rows;
        for (why, n) in std::mem::take(&mut p.skipped) {
            self.report.skip(why, n);
        }
        for w in std::mem::take(&mut p.warnings) {
            self.report.warn(w);
        }
        for d in p.daily_hr.drain(..) {
            self.daily_hr.entry(d.date).or_insert(d);
        }
        for d in p.daily_hrv.drain(..) {
            let e = self.daily_hrv.entry(d.date).or_insert_with(|| DailyHrv {
                date: d.date,
                ..Default::default()
            });
            e.daily_rmssd = e.daily_rmssd.or(d.daily_rmssd);
            e.deep_rmssd = e.deep_rmssd.or(d.deep_rmssd);
            e.entropy = e.entropy.or(d.entropy);
            e.non_rem_hr = e.non_rem_hr.or(d.non_rem_hr);
        }
        if p.kind == Some(FileKind::LegacyHrJson) {
            self.legacy_seen += 1;
            let first = p.hr.iter().map(|r| r.time.clock()).min();
            let last = p.hr.iter().map(|r| r.time.clock()).max();
            if let (Some(d), Some(first), Some(last)) = (name_date, first, last) {
                self.evidence.add(d, first, last);
                if let Some((prev, prev_last)) = self.last_legacy
                    && prev.succ_opt() == Some(d)
                {
                    self.evidence.add_boundary(prev, prev_last, first);
                }
                self.last_legacy = Some((d, last));
            }
        }
        self.place(p);
        let ev = &self.evidence;
        if self.resolver.is_none()
            && (ev.decisive() >= DECISIVE_FILES
                || self.legacy_seen >= MAX_PENDING_FILES
                || self.legacy_seen >= self.legacy_total)
        {
            self.decide();
        }
    }
}

/// See [`super::import`].
pub(super) fn run(
    path: &Path,
    opts: &ImportOptions,
    on_day: &mut dyn FnMut(DayData) -> Result<()>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary> {
    if let (Some(s), Some(e)) = (opts.start, opts.end) {
        crate::time::check_range(s, e)?;
    }
    let inv = archive::inventory(path)?;
    let mut report = ImportReport {
        other_files: inv.other_files,
        ..Default::default()
    };
    for w in &inv.warnings {
        report.warn(w.clone());
    }
    if inv.entries.is_empty() {
        let looked: Vec<&str> = FileKind::ALL.iter().map(|k| k.label()).collect();
        return Err(Error::Export {
            path: path.to_path_buf(),
            message: format!(
                "no heart-rate or HRV files found ({} other file(s) seen{}). Looked anywhere in \
                 the tree for: {}. Point to the extracted Takeout folder (it contains \
                 `Takeout/Fitbit/` or `Google Health/`) or to the .zip/.tgz archive itself",
                inv.other_files,
                if inv.warnings.is_empty() {
                    String::new()
                } else {
                    format!("; {}", inv.warnings.join("; "))
                },
                looked.join(", ")
            ),
        });
    }
    for e in &inv.entries {
        *report
            .layouts
            .entry(e.kind.label().to_string())
            .or_default() += 1;
    }
    let slack = Days::new(SLACK_DAYS);
    let lo = opts.start.and_then(|d| d.checked_sub_days(slack));
    let hi = opts.end.and_then(|d| d.checked_add_days(slack));
    let selected: Vec<usize> = (0..inv.entries.len())
        .filter(|&i| match inv.entries[i].name_date {
            Some(d) => lo.is_none_or(|lo| d >= lo) && hi.is_none_or(|hi| d <= hi),
            None => true,
        })
        .collect();
    report.files_outside_range = inv.entries.len() - selected.len();
    let plan = plan(&inv, &selected);
    let marks = watermarks(&inv, &plan);
    let legacy_total = plan
        .iter()
        .filter(|&&i| inv.entries[i].kind == FileKind::LegacyHrJson)
        .count();
    let mut st = Importer {
        opts,
        resolver: None,
        pending: Vec::new(),
        evidence: Evidence::default(),
        legacy_total,
        legacy_seen: 0,
        days: DayBuffer::default(),
        daily_hr: BTreeMap::new(),
        daily_hrv: BTreeMap::new(),
        report,
        decided_json: None,
        last_legacy: None,
    };
    if legacy_total == 0 || !matches!(opts.tz, TzChoice::Auto(_)) {
        st.decide();
    }
    let mut prog = Progress {
        files_total: plan.len(),
        bytes_total: plan.iter().map(|&i| inv.entries[i].size).sum(),
        ..Default::default()
    };
    let threads = if opts.threads == 0 { 2 } else { opts.threads };
    pipeline::run(&inv, &plan, threads, &mut |k, parsed| {
        let entry = &inv.entries[plan[k]];
        st.accept(entry.name_date, parsed);
        // marks[k + 1]: None = no file left (flushed after the loop), Some(None) = a file
        // without a name date is still to come (hold everything)
        if st.resolver.is_some()
            && let Some(Some(w)) = marks[k + 1]
        {
            let dups = st.days.flush(Some(w), on_day)?;
            st.report.skip(reason::DUPLICATE, dups);
        }
        prog.files_done = k + 1;
        prog.bytes_done += entry.size;
        prog.days_emitted = st.days.emitted;
        progress(prog);
        Ok(())
    })?;
    if st.resolver.is_none() {
        st.decide();
    }
    let dups = st.days.flush(None, on_day)?;
    st.report.skip(reason::DUPLICATE, dups);
    if st.legacy_total > 0 {
        let ev = st.evidence.clone();
        st.report
            .time_basis
            .push_str(&format!("; evidence over all files: {ev}"));
        if ev.decide().is_some_and(|d| Some(d) != st.decided_json) {
            st.report.warn(match opts.tz {
                TzChoice::Auto(_) => {
                    format!("the evidence over all files ({ev}) disagrees with the early decision")
                }
                _ => format!(
                    "the chosen time zone setting overrides the evidence in the data ({ev})"
                ),
            });
            if matches!(opts.tz, TzChoice::Auto(_)) {
                st.report.suggest(Fix::ChooseExportClock);
            }
        }
    }
    st.report.days = st.days.emitted;
    let Importer {
        daily_hr,
        daily_hrv,
        report,
        ..
    } = st;
    let keep =
        |d: &NaiveDate| opts.start.is_none_or(|s| *d >= s) && opts.end.is_none_or(|e| *d <= e);
    let daily_hr: Vec<DailyHr> = daily_hr
        .into_iter()
        .filter(|(d, _)| keep(d))
        .map(|(_, v)| v)
        .collect();
    let daily_hrv: Vec<DailyHrv> = daily_hrv
        .into_iter()
        .filter(|(d, _)| keep(d))
        .map(|(_, v)| v)
        .collect();
    Ok(ImportSummary {
        daily_hr,
        daily_hrv,
        report,
    })
}
