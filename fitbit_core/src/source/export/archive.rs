//! Where the files are: an extracted folder, `.zip` parts (read by index) or `.tgz` parts
//! (streamed; a tar can only be read front to back). Multi-part Takeout archives
//! (`takeout-…-001.zip`, `-002.zip`, …) are found beside the part given, or inside a folder.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::{Error, Result};

use super::layout::{self, ArchiveKind, FileKind};

/// Files larger than this are not read (a real day file is a few MB): memory stays bounded.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// One container of files.
#[derive(Debug, Clone)]
pub enum Part {
    /// Plain files on disk (an extracted export).
    Folder,
    Zip(PathBuf),
    Tgz(PathBuf),
}

/// How to find an entry again inside its part.
#[derive(Debug, Clone)]
pub enum Locator {
    File(PathBuf),
    ZipIndex(usize),
    /// Position among the tar's entries.
    TarOrdinal(usize),
}

/// One recognised HR/HRV file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub part: usize,
    pub locator: Locator,
    /// Path inside the export, for messages.
    pub path: String,
    pub size: u64,
    pub kind: FileKind,
    pub name_date: Option<NaiveDate>,
}

/// Everything found in the input, without reading file contents.
#[derive(Debug, Default)]
pub struct Inventory {
    pub parts: Vec<Part>,
    pub entries: Vec<Entry>,
    /// Files seen that are not HR/HRV (ignored).
    pub other_files: usize,
    /// Problems met while listing (unreadable parts).
    pub warnings: Vec<String>,
}

fn export_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Export {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Lists the export at `path` (folder, archive, or one part of a multi-part archive).
pub fn inventory(path: &Path) -> Result<Inventory> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let mut inv = Inventory::default();
    if meta.is_dir() {
        inv.parts.push(Part::Folder);
        let mut archives = Vec::new();
        walk(path, path, &mut inv, &mut archives)?;
        archives.sort();
        for a in archives {
            add_archive(&a, &mut inv);
        }
    } else if layout::archive_kind(&path.to_string_lossy()).is_some() {
        for p in sibling_parts(path) {
            add_archive(&p, &mut inv);
        }
        if inv.parts.is_empty() {
            return Err(export_err(path, inv.warnings.join("; ")));
        }
    } else {
        // a single data file
        inv.parts.push(Part::Folder);
        let name = path.to_string_lossy().into_owned();
        match layout::classify(&name) {
            Some(kind) => inv.entries.push(Entry {
                part: 0,
                locator: Locator::File(path.to_path_buf()),
                name_date: layout::name_date(&name),
                path: name,
                size: meta.len(),
                kind,
            }),
            None => inv.other_files += 1,
        }
    }
    Ok(inv)
}

fn walk(root: &Path, dir: &Path, inv: &mut Inventory, archives: &mut Vec<PathBuf>) -> Result<()> {
    let mut items: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok())
        .collect();
    items.sort_by_key(|e| e.file_name());
    for item in items {
        let p = item.path();
        let Ok(ft) = item.file_type() else { continue };
        if ft.is_dir() {
            walk(root, &p, inv, archives)?;
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        if let Some(kind) = layout::classify(&rel) {
            let size = item.metadata().map(|m| m.len()).unwrap_or(0);
            inv.entries.push(Entry {
                part: 0,
                locator: Locator::File(p),
                name_date: layout::name_date(&rel),
                path: rel,
                size,
                kind,
            });
        } else if layout::archive_kind(&rel).is_some() {
            archives.push(p);
        } else {
            inv.other_files += 1;
        }
    }
    Ok(())
}

/// The part itself and, when named `…-NNN.ext`, its sibling parts with the same prefix.
fn sibling_parts(path: &Path) -> Vec<PathBuf> {
    let name = layout::file_name(&path.to_string_lossy()).to_string();
    let (stem, ext) = match name.to_ascii_lowercase() {
        n if n.ends_with(".tar.gz") => {
            (name[..name.len() - 7].to_string(), &name[name.len() - 7..])
        }
        _ => match name.rfind('.') {
            Some(i) => (name[..i].to_string(), &name[i..]),
            None => return vec![path.to_path_buf()],
        },
    };
    let Some((prefix, num)) = stem.rsplit_once('-') else {
        return vec![path.to_path_buf()];
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return vec![path.to_path_buf()];
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let n = layout::file_name(&p.to_string_lossy()).to_string();
                    n.strip_suffix(ext)
                        .and_then(|s| s.strip_prefix(prefix))
                        .and_then(|s| s.strip_prefix('-'))
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                })
                .collect()
        })
        .unwrap_or_default();
    if parts.is_empty() {
        parts.push(path.to_path_buf());
    }
    parts.sort();
    parts
}

fn add_archive(path: &Path, inv: &mut Inventory) {
    let part = inv.parts.len();
    let kind = layout::archive_kind(&path.to_string_lossy());
    let listed = match kind {
        Some(ArchiveKind::Zip) => list_zip(path, part, &mut inv.entries, &mut inv.other_files),
        Some(ArchiveKind::Tgz) => list_tgz(path, part, &mut inv.entries, &mut inv.other_files),
        None => return,
    };
    match listed {
        Ok(()) => inv.parts.push(match kind {
            Some(ArchiveKind::Zip) => Part::Zip(path.to_path_buf()),
            _ => Part::Tgz(path.to_path_buf()),
        }),
        Err(msg) => {
            inv.entries.retain(|e| e.part != part);
            inv.warnings.push(format!(
                "{}: not a readable archive ({msg}); skipped",
                path.display()
            ));
        }
    }
}

fn list_zip(
    path: &Path,
    part: usize,
    out: &mut Vec<Entry>,
    other: &mut usize,
) -> std::result::Result<(), String> {
    let f = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(f)).map_err(|e| e.to_string())?;
    for i in 0..zip.len() {
        let Some(Ok(name)) = zip.name_for_index(i).map(|r| r.map(|n| n.into_owned())) else {
            continue;
        };
        if name.ends_with('/') {
            continue;
        }
        match layout::classify(&name) {
            Some(kind) => {
                let size = zip.by_index_raw(i).map(|f| f.size()).unwrap_or(0);
                out.push(Entry {
                    part,
                    locator: Locator::ZipIndex(i),
                    name_date: layout::name_date(&name),
                    path: name,
                    size,
                    kind,
                });
            }
            None => *other += 1,
        }
    }
    Ok(())
}

fn open_tgz(
    path: &Path,
) -> std::io::Result<tar::Archive<flate2::read::MultiGzDecoder<BufReader<File>>>> {
    let f = File::open(path)?;
    Ok(tar::Archive::new(flate2::read::MultiGzDecoder::new(
        BufReader::new(f),
    )))
}

fn list_tgz(
    path: &Path,
    part: usize,
    out: &mut Vec<Entry>,
    other: &mut usize,
) -> std::result::Result<(), String> {
    let mut ar = open_tgz(path).map_err(|e| e.to_string())?;
    let entries = ar.entries().map_err(|e| e.to_string())?;
    for (ordinal, entry) in entries.enumerate() {
        let entry = match entry {
            Ok(e) => e,
            // a truncated archive: keep what was listed; streaming reports the damage
            Err(_) if ordinal > 0 => break,
            Err(e) => return Err(e.to_string()),
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        match layout::classify(&name) {
            Some(kind) => out.push(Entry {
                part,
                locator: Locator::TarOrdinal(ordinal),
                name_date: layout::name_date(&name),
                path: name,
                size: entry.size(),
                kind,
            }),
            None => *other += 1,
        }
    }
    Ok(())
}

/// Open zip parts, by part index (a multi-part export alternates between parts).
pub type OpenZips = std::collections::HashMap<usize, zip::ZipArchive<BufReader<File>>>;

/// Reads one entry's bytes (random access: folders and zips).
pub fn read_random(part: &Part, zips: &mut OpenZips, e: &Entry) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(e.size.min(MAX_FILE_BYTES) as usize);
    match (&e.locator, part) {
        (Locator::File(p), _) => {
            File::open(p)?
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut buf)?;
        }
        (Locator::ZipIndex(i), Part::Zip(path)) => {
            let ar = match zips.entry(e.part) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let f = File::open(path)?;
                    v.insert(
                        zip::ZipArchive::new(BufReader::new(f)).map_err(std::io::Error::other)?,
                    )
                }
            };
            let f = ar.by_index(*i).map_err(std::io::Error::other)?;
            f.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf)?;
        }
        _ => {
            return Err(std::io::Error::other(
                "entry is not in a random-access part",
            ));
        }
    }
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_FILE_BYTES} bytes"
        )));
    }
    Ok(buf)
}

/// Streams a tgz part, calling `want(ordinal)` per entry and `got(ordinal, bytes)` for the
/// entries wanted. Stops early when `got` returns false.
pub fn stream_tgz(
    path: &Path,
    want: &dyn Fn(usize) -> bool,
    got: &mut dyn FnMut(usize, std::io::Result<Vec<u8>>) -> bool,
) -> std::io::Result<()> {
    let mut ar = open_tgz(path)?;
    for (ordinal, entry) in ar.entries()?.enumerate() {
        let entry = entry?;
        if !want(ordinal) {
            continue;
        }
        let mut buf = Vec::with_capacity(entry.size().min(MAX_FILE_BYTES) as usize);
        let res = entry
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut buf)
            .and_then(|n| {
                if n as u64 > MAX_FILE_BYTES {
                    Err(std::io::Error::other("file too large"))
                } else {
                    Ok(buf)
                }
            });
        if !got(ordinal, res) {
            break;
        }
    }
    Ok(())
}
