//! Where a card's persistent state lives: in memory (tests) or in one state file per card.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::state::CardState;

/// Failure to keep a state (the card answers `6581` and keeps its previous state).
#[derive(Debug)]
pub struct StoreError(pub io::Error);

impl core::fmt::Display for StoreError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "card state not written: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Persistent memory of a card: `commit` makes `state` the stored state atomically (after it
/// returns `Ok`, a restart sees `state`; after an error or a crash, the old state or `state`).
pub trait Store {
    /// Stores `state` in one atomic step.
    fn commit(&mut self, state: &CardState) -> Result<(), StoreError>;
}

/// A store in memory that records every committed state; `fail_after` makes the n-th next
/// commit (and the ones after it) fail, to test that a card keeps its state on a write fault.
#[derive(Debug, Default)]
pub struct MemoryStore {
    /// Every state committed, oldest first.
    pub history: Vec<CardState>,
    /// `Some(0)`: the next commit fails; `Some(n)`: n more commits succeed first.
    pub fail_after: Option<usize>,
}

impl Store for MemoryStore {
    fn commit(&mut self, state: &CardState) -> Result<(), StoreError> {
        match self.fail_after {
            Some(0) => return Err(StoreError(io::Error::other("injected write fault"))),
            Some(ref mut n) => *n -= 1,
            None => {}
        }
        self.history.push(state.clone());
        Ok(())
    }
}

/// One state file per card, replaced atomically: the new text goes to `<file>.tmp`, is flushed
/// to disk, renamed over the file, and the directory is flushed, so a process killed at any
/// point leaves the old or the new file, never a mix.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
}

impl FileStore {
    /// A store writing `path`.
    pub fn new(path: impl Into<PathBuf>) -> FileStore {
        FileStore { path: path.into() }
    }

    /// Reads the stored state: `Ok(None)` when the file does not exist yet, an error when it
    /// exists but is not a complete state (never a partial state).
    pub fn load(&self) -> io::Result<Option<CardState>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => zeroize::Zeroizing::new(t),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        CardState::decode(&text).map(Some).ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidData, "the card state file is damaged")
        })
    }

    /// A temporary name of this process's own (`<file>.<pid>.<n>.tmp`): two card processes
    /// started on one state file by mistake never write into each other's temporary file.
    fn temp_path(&self) -> PathBuf {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(
            ".{}.{}.tmp",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        self.path.with_file_name(name)
    }

    fn dir(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }
}

impl Store for FileStore {
    fn commit(&mut self, state: &CardState) -> Result<(), StoreError> {
        let tmp = self.temp_path();
        let write = || -> io::Result<()> {
            // create_new (O_EXCL): never through a symbolic link planted at the name, never
            // into a file someone else made; 0600: the state holds the PIN and the content.
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(state.encode().as_bytes())?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &self.path)?;
            File::open(self.dir())?.sync_all()
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            StoreError(e)
        })
    }
}
