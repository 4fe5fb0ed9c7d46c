//! The audit log file `audit.log` in the state directory: appends under an exclusive `flock`,
//! one chain across every process and thread (docs/audit.md §3).
//!
//! Each append opens the file afresh through the state directory's descriptor
//! ([`StateDir::open_append`]: `O_NOFOLLOW`, regular file owned by this user, mode 0600), so
//! every append has its own open file description and `flock` excludes the other threads of
//! this process as well as other processes. Under the lock it reads the last record back
//! (its hash must verify), writes the new line with one `write`, and `fsync`s before the lock
//! is released. A failed write is cut back to the previous length.
//!
//! A torn last line (no end of line: a crash or a full disk during an append) is cut by the
//! next append, which first writes a `REPAIR` record naming the cut bytes' length and
//! SHA-256. Any other damage of the last record stops all appends ([`Error::AuditLogDamaged`]).
//!
//! While the directory's SVMK is active ([`MacKeys`]) every line an append writes is MAC'd
//! ([`super::mac`]).

use std::os::fd::OwnedFd;
use std::sync::Arc;

use rustix::fs::{self as rfs, FlockOperation};

use super::mac::{MacKey, MacKeys};
use super::record::{self, CardSeen, Entry, GENESIS, MAX_LINE, REPAIR, ZERO_HASH};
use crate::error::{Error, Result};
use crate::state::dir::StateDir;

/// The log's file name in the state directory.
pub const FILE: &str = "audit.log";

/// How much of the file's end is read to find the last record.
const TAIL: usize = 2 * MAX_LINE + 2;

/// The audit log of one state directory.
pub struct AuditLog {
    dir: Arc<StateDir>,
    directory_id: Option<[u8; 16]>,
    keys: Option<Arc<dyn MacKeys>>,
}

/// The end of the chain: the last record's sequence number and hash.
struct Head {
    seq: u64,
    hash: [u8; 32],
}

/// An open, locked log (the lock goes with the descriptor).
struct Locked {
    fd: OwnedFd,
    created: bool,
}

/// Any failure to open the log (symbolic link, not a regular file, not ours, read-only
/// directory, I/O error) is [`Error::AuditLogUnavailable`].
fn unavailable(_: Error) -> Error {
    Error::AuditLogUnavailable
}

impl AuditLog {
    /// The log of the state directory `dir`, whose id (`softcca.id`) the genesis record
    /// names.
    pub fn new(dir: Arc<StateDir>, directory_id: Option<[u8; 16]>) -> Self {
        AuditLog {
            dir,
            directory_id,
            keys: None,
        }
    }

    /// The same log, its records MAC'd while `keys` has a key.
    pub fn with_mac_keys(mut self, keys: Arc<dyn MacKeys>) -> Self {
        self.keys = Some(keys);
        self
    }

    /// The MAC key of the active SVMK, when one is active now.
    pub fn mac_key(&self) -> Option<MacKey> {
        self.keys.as_ref().and_then(|k| k.mac_key())
    }

    /// The state directory's id, as the genesis record names it.
    pub fn directory_id(&self) -> Option<[u8; 16]> {
        self.directory_id
    }

    /// The genesis record's entry.
    pub fn genesis(&self) -> Entry {
        Entry {
            op: GENESIS.into(),
            cards: Vec::new(),
            detail: vec![
                ("format".into(), b"softcca-audit".to_vec()),
                (
                    "directory".into(),
                    self.directory_id
                        .map_or_else(|| b"-".to_vec(), |id| crate::hex::hex(&id).into_bytes()),
                ),
            ],
            rc: 0,
            rs: 0,
        }
    }

    fn lock(&self) -> Result<Locked> {
        let (fd, created) = self.dir.open_append(FILE).map_err(unavailable)?;
        rfs::flock(&fd, FlockOperation::LockExclusive).map_err(|_| Error::AuditLogUnavailable)?;
        Ok(Locked { fd, created })
    }

    /// Checks that an append can be made now: the log opens for appending (created when
    /// missing) and its last record reads back. Card verbs call this before they touch a
    /// card.
    pub fn probe(&self) -> Result<()> {
        let l = self.lock()?;
        let (size, tail) = read_tail(&l.fd)?;
        let (keep, torn) = split_torn(size, &tail)?;
        head(keep, &tail[..tail.len() - torn.len()]).map(|_| ())
    }

    /// Appends one record for `entry`; returns its sequence number. The log is created, with
    /// its genesis record, when missing.
    pub fn append(&self, entry: &Entry) -> Result<u64> {
        self.append_with(entry, None)
    }

    /// As [`AuditLog::append`]; MAC'd under the key active now or, when none is (the call
    /// deactivated the directory), under `held`, the key the caller held when it began.
    pub fn append_with(&self, entry: &Entry, held: Option<&MacKey>) -> Result<u64> {
        if !entry.well_formed() {
            return Err(Error::Internal);
        }
        let l = self.lock()?;
        let (size, tail) = read_tail(&l.fd)?;
        let (keep, torn) = split_torn(size, &tail)?;
        let mut at = head(keep, &tail[..tail.len() - torn.len()])?;
        let now = self.mac_key();
        let mac = now.as_ref().or(held);
        let torn = (!torn.is_empty()).then(|| torn.to_vec());
        let mut out = String::new();
        let mut add = |at: &mut Head, e: &Entry| -> Result<()> {
            let time = record::time_text(std::time::SystemTime::now());
            let (line, hash) =
                record::line(at.seq + 1, &time, std::process::id(), e, &at.hash, mac);
            if line.len() > MAX_LINE {
                return Err(Error::AuditLogWrite);
            }
            out.push_str(&line);
            out.push('\n');
            *at = Head {
                seq: at.seq + 1,
                hash,
            };
            Ok(())
        };
        if at.seq == 0 {
            add(&mut at, &self.genesis())?;
        }
        if let Some(t) = &torn {
            add(&mut at, &repair(t))?;
        }
        add(&mut at, entry)?;
        if torn.is_some() {
            rfs::ftruncate(&l.fd, keep).map_err(|_| Error::AuditLogWrite)?;
        }
        if let Err(e) = write_all(&l.fd, out.as_bytes()) {
            let _ = rfs::ftruncate(&l.fd, keep);
            let _ = rfs::fsync(&l.fd);
            return Err(e);
        }
        if l.created {
            self.dir.sync().map_err(|_| Error::AuditLogWrite)?;
        }
        Ok(at.seq)
    }

    /// Opens the log for reading (for the verifier), with a shared `flock` held as long as
    /// the descriptor (appends wait, so no line is read half-written); `Ok(None)` when there
    /// is none.
    pub fn open_read(&self) -> Result<Option<OwnedFd>> {
        match self.dir.open_file(FILE, false) {
            Ok((fd, _)) => {
                rfs::flock(&fd, FlockOperation::LockShared)
                    .map_err(|_| Error::AuditLogUnavailable)?;
                Ok(Some(fd))
            }
            Err(Error::StateFileMissing) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// The `REPAIR` record for a cut torn line.
fn repair(torn: &[u8]) -> Entry {
    Entry {
        op: REPAIR.into(),
        cards: Vec::<CardSeen>::new(),
        detail: vec![
            ("torn_bytes".into(), torn.len().to_string().into_bytes()),
            (
                "torn_sha256".into(),
                crate::hex::hex(&record::digest(torn)).into_bytes(),
            ),
        ],
        rc: 0,
        rs: 0,
    }
}

/// Splits a torn last line (bytes after the last end of line) off the `tail` of a file of
/// `size` bytes: `(size without it, the torn bytes)`, the torn part empty when the file ends
/// with an end of line.
fn split_torn(size: u64, tail: &[u8]) -> Result<(u64, &[u8])> {
    let cut = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if cut == 0 && !tail.is_empty() && size > tail.len() as u64 {
        return Err(Error::AuditLogDamaged);
    }
    let torn = &tail[cut..];
    Ok((size - torn.len() as u64, torn))
}

/// The file's size and its last [`TAIL`] bytes.
fn read_tail(fd: &OwnedFd) -> Result<(u64, Vec<u8>)> {
    let size = rfs::fstat(fd)
        .map_err(|_| Error::AuditLogUnavailable)?
        .st_size;
    let size = u64::try_from(size).unwrap_or(0);
    let n = usize::try_from(size.min(TAIL as u64)).unwrap_or(TAIL);
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        let k = rustix::io::pread(fd, &mut buf[got..], size - n as u64 + got as u64)
            .map_err(|_| Error::AuditLogUnavailable)?;
        if k == 0 {
            return Err(Error::AuditLogDamaged);
        }
        got += k;
    }
    Ok((size, buf))
}

/// The chain's end from the last `tail` bytes of a file of `size` bytes that ends with an
/// end of line (or is empty: sequence 0, the genesis record comes next).
fn head(size: u64, tail: &[u8]) -> Result<Head> {
    if size == 0 {
        return Ok(Head {
            seq: 0,
            hash: ZERO_HASH,
        });
    }
    let tail = tail.strip_suffix(b"\n").unwrap_or(tail);
    let start = tail.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if start == 0 && size > tail.len() as u64 + 1 {
        return Err(Error::AuditLogDamaged);
    }
    match record::parse(&tail[start..]) {
        Some(r) if r.hash_ok => Ok(Head {
            seq: r.seq,
            hash: r.hash,
        }),
        _ => Err(Error::AuditLogDamaged),
    }
}

/// Writes `bytes` (one `write` unless the kernel takes less) and syncs the file.
fn write_all(fd: &OwnedFd, bytes: &[u8]) -> Result<()> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = rustix::io::write(fd, rest).map_err(|_| Error::AuditLogWrite)?;
        if n == 0 {
            return Err(Error::AuditLogWrite);
        }
        rest = &rest[n..];
    }
    rfs::fsync(fd).map_err(|_| Error::AuditLogWrite)
}
