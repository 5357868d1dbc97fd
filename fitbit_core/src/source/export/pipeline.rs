//! Reading and parsing in parallel, delivering files in plan order.
//!
//! One reader thread reads file bytes in plan order (zip by index, tgz streamed), N workers
//! parse, and the caller's thread receives parsed files strictly in plan order. A token
//! channel caps the files in flight (read, parsing, or parsed but waiting for an earlier file)
//! at `2 × workers + 1`, so memory is bounded by a few files, whatever the export's size.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use super::archive::{self, Entry, Inventory, Locator, Part};
use super::csv_files;
use super::json_files;
use super::layout::FileKind;
use super::parsed::{ParsedFile, reason};

/// Parses one file's bytes according to its kind.
pub fn parse(entry: &Entry, bytes: &[u8]) -> ParsedFile {
    match entry.kind {
        FileKind::LegacyHrJson => json_files::heart_rate(&entry.path, bytes),
        FileKind::RestingHrJson => json_files::resting_heart_rate(&entry.path, bytes),
        k => csv_files::parse(k, &entry.path, bytes),
    }
}

fn unreadable(entry: &Entry, e: &std::io::Error) -> ParsedFile {
    let mut p = ParsedFile::new(entry.kind);
    p.skip(reason::UNREADABLE_FILE);
    p.warnings
        .push(format!("{}: could not be read ({e})", entry.path));
    p
}

type Job = (usize, std::io::Result<Vec<u8>>);

/// Reads the planned entries in order and hands them to workers.
fn read_in_order(inv: &Inventory, plan: &[usize], jobs: &SyncSender<Job>, tokens: &Receiver<()>) {
    let mut zips = archive::OpenZips::new();
    let mut seq = 0usize;
    let send = |res: std::io::Result<Vec<u8>>, seq: &mut usize| -> bool {
        if tokens.recv().is_err() {
            return false;
        }
        let ok = jobs.send((*seq, res)).is_ok();
        *seq += 1;
        ok
    };
    while seq < plan.len() {
        let e = &inv.entries[plan[seq]];
        match &inv.parts[e.part] {
            Part::Tgz(path) => {
                // the plan holds this part's entries consecutively, in tar order
                let part = e.part;
                let start = seq;
                let end = plan[start..]
                    .iter()
                    .position(|&i| inv.entries[i].part != part)
                    .map_or(plan.len(), |n| start + n);
                let ordinals: Vec<usize> = plan[start..end]
                    .iter()
                    .filter_map(|&i| match inv.entries[i].locator {
                        Locator::TarOrdinal(o) => Some(o),
                        _ => None,
                    })
                    .collect();
                let mut alive = true;
                let streamed = archive::stream_tgz(
                    path,
                    &|o| ordinals.binary_search(&o).is_ok(),
                    &mut |_, res| {
                        alive = send(res, &mut seq);
                        alive
                    },
                );
                if !alive {
                    return;
                }
                // entries the stream never reached (a truncated archive)
                let err = streamed
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "archive ended early".into());
                while seq < end {
                    let msg = format!("archive damaged before this entry: {err}");
                    if !send(Err(std::io::Error::other(msg)), &mut seq) {
                        return;
                    }
                }
            }
            part => {
                let res = archive::read_random(part, &mut zips, e);
                if !send(res, &mut seq) {
                    return;
                }
            }
        }
    }
}

/// Runs the pipeline, calling `each(plan_position, parsed)` in plan order on this thread.
/// `each` returning an error stops everything and returns that error.
pub fn run(
    inv: &Inventory,
    plan: &[usize],
    workers: usize,
    each: &mut dyn FnMut(usize, ParsedFile) -> crate::Result<()>,
) -> crate::Result<()> {
    let workers = workers.clamp(1, 16);
    let in_flight = 2 * workers + 1;
    let (job_tx, job_rx) = sync_channel::<Job>(workers);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (res_tx, res_rx) = sync_channel::<(usize, ParsedFile)>(in_flight);
    let (tok_tx, tok_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        tok_tx.send(()).ok();
    }
    std::thread::scope(|s| {
        s.spawn(move || read_in_order(inv, plan, &job_tx, &tok_rx));
        for _ in 0..workers {
            let rx = Arc::clone(&job_rx);
            let tx = res_tx.clone();
            s.spawn(move || {
                loop {
                    let job = match rx.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, res)) = job else { return };
                    let entry = &inv.entries[plan[seq]];
                    let parsed = match res {
                        Ok(bytes) => parse(entry, &bytes),
                        Err(e) => unreadable(entry, &e),
                    };
                    if tx.send((seq, parsed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(res_tx);
        let mut waiting: BTreeMap<usize, ParsedFile> = BTreeMap::new();
        let mut next = 0usize;
        let mut outcome = Ok(());
        while next < plan.len() {
            let Ok((seq, parsed)) = res_rx.recv() else {
                break;
            };
            waiting.insert(seq, parsed);
            while let Some(p) = waiting.remove(&next) {
                if let Err(e) = each(next, p) {
                    outcome = Err(e);
                    break;
                }
                next += 1;
                tok_tx.send(()).ok();
            }
            if outcome.is_err() {
                break;
            }
        }
        // unblock and stop the threads
        drop(tok_tx);
        drop(res_rx);
        outcome
    })
}
