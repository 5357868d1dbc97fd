//! The sync lock of one user in a store: an advisory lock on `_ledger/user=<id>.lock`, whose
//! content names the holder (process id, host, start time) for the message a second sync shows.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Held while a sync writes a user's partitions and ledger; released on drop (or when the
/// process dies, so a killed sync never leaves the store locked).
#[derive(Debug)]
pub struct SyncLock {
    file: File,
    path: PathBuf,
}

impl SyncLock {
    fn open(path: &Path) -> Result<File> {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(path).map_err(|e| Error::io(path, e))
    }

    /// Takes the lock or fails at once with [`Error::Locked`].
    pub fn try_acquire(path: &Path) -> Result<SyncLock> {
        let mut file = SyncLock::open(path)?;
        match file.try_lock() {
            Ok(()) => SyncLock::claimed(file, path),
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                Err(Error::Locked {
                    path: path.to_path_buf(),
                    holder: holder.trim().to_string(),
                })
            }
            Err(TryLockError::Error(e)) => Err(Error::io(path, e)),
        }
    }

    /// Takes the lock, waiting for its holder.
    pub fn acquire(path: &Path) -> Result<SyncLock> {
        let file = SyncLock::open(path)?;
        file.lock().map_err(|e| Error::io(path, e))?;
        SyncLock::claimed(file, path)
    }

    fn claimed(mut file: File, path: &Path) -> Result<SyncLock> {
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "this machine".into());
        let text = format!(
            "process {} on {host}, since {} UTC\n",
            std::process::id(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S")
        );
        let io = |e| Error::io(path, e);
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        Ok(SyncLock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
