//! Durable atomic file replacement: the bytes go to a temporary sibling, are flushed to disk,
//! and the temporary is renamed over the target, then the folder is flushed. Readers see the
//! old file or the new one, never a torn or missing one, and a crash at any point leaves one of
//! the two (plus, at worst, a `.tmp` sibling that [`remove_stale_temps`] clears).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The suffix of temporary siblings.
const TMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` durably and atomically with mode `mode` (0600 for secrets, 0644 for
/// data). Creates missing parent folders (0700).
pub fn write_durably(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = parent(path);
    create_private_dir(&dir)?;
    let tmp = temp_sibling(path);
    let result = (|| -> std::io::Result<()> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(&dir);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Removes `*.tmp` files that an interrupted writer left in `dir` (not recursive). Call it only
/// while holding the lock that excludes other writers of `dir`.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.ends_with(TMP_SUFFIX) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Creates `dir` and its missing parents with mode 0700.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| Error::io(dir, e))
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_sibling(path: &Path) -> PathBuf {
    let mut b = [0u8; 6];
    let nonce = if getrandom::fill(&mut b).is_ok() {
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    } else {
        format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        )
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent(path).join(format!(
        ".{name}.{}-{nonce}{TMP_SUFFIX}",
        std::process::id()
    ))
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_with_the_mode_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/x.parquet");
        write_durably(&p, b"one", 0o644).unwrap();
        write_durably(&p, b"two", 0o644).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), 0o644);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
        std::fs::write(p.parent().unwrap().join(".x.parquet.1-ab.tmp"), b"torn").unwrap();
        remove_stale_temps(p.parent().unwrap());
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        write_durably(&p, b"old", 0o600).unwrap();
        // A folder in the way of the rename: the write fails, the old content stays.
        let blocked = dir.path().join("d");
        std::fs::create_dir_all(blocked.join("inner")).unwrap();
        assert!(write_durably(&blocked, b"new", 0o600).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
