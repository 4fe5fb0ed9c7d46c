//! An SQLite database file of the state directory, shared by processes.
//!
//! Rollback-journal mode (not WAL): every committed write transaction increments SQLite's
//! "file change counter" (the 4-byte big-endian integer at offset 24 of the database header).
//! [`Db::change_counter`] reads it with one `pread(2)`, so a process can tell in well under a
//! microsecond whether another process changed the database since it last looked, and drop
//! what it cached. A commit in progress holds SQLite's exclusive lock, so a reader that sees
//! the new counter and then reads through SQLite waits for the commit and sees its data.

use std::os::fd::OwnedFd;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::dir::StateDir;
use super::generations::{Generations, Slot};
use crate::error::{Error, Result};
use std::sync::Arc;

/// How long a writer waits for another process's transaction before giving up (about: the
/// count of [`BUSY_POLL`]s).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a waiting connection sleeps between two tries of SQLite's lock.
const BUSY_POLL: Duration = Duration::from_millis(1);

/// SQLite's busy handler: sleeps [`BUSY_POLL`] and tries again, up to [`BUSY_TIMEOUT`].
///
/// SQLite's own `busy_timeout` handler sleeps longer and longer (up to 100 ms) between tries,
/// so under steady contention a writer that has waited long looks rarely and loses every race
/// to newcomers: it starved for the whole 10 s and failed (12/197) in the first-call race of
/// `tests/first_call_race.rs`. Trying at a constant short interval gives every waiter the same
/// chance at each release.
pub(crate) fn busy(tries: i32) -> bool {
    let limit = BUSY_TIMEOUT.as_micros() / BUSY_POLL.as_micros();
    if u128::try_from(tries).unwrap_or(u128::MAX) >= limit {
        return false;
    }
    std::thread::sleep(BUSY_POLL);
    true
}

/// One database file: a connection for queries and the descriptor the change counter is read
/// through.
///
/// On Linux, closing *any* descriptor of a file releases every POSIX lock the process holds on
/// it, SQLite's included. So a `Db` is opened once per process (see
/// [`super::Coprocessor::global`]) and never dropped while in use: `file` is the one descriptor
/// of the file besides SQLite's, opened before SQLite's and kept as long as it.
pub struct Db {
    conn: Mutex<Connection>,
    file: OwnedFd,
    writable: bool,
    /// The shared counter every committed write increments ([`super::generations`]).
    bump: Option<(Arc<Generations>, Slot)>,
}

impl Db {
    /// Opens the existing database `name` of `dir`, whose schema must hold `table`: a missing
    /// file is [`Error::StateFileMissing`], an empty, non-SQLite or foreign one
    /// [`Error::StateFileDamaged`]. Read-only when this process may not write the file or the
    /// directory.
    pub fn open(dir: &StateDir, name: &str, table: &str) -> Result<Self> {
        // Before the process's first connection: SQLite's freed memory is wiped from now on.
        crate::ffi::sqlite_memory::install();
        let (file, writable) = dir.open_file(name, true)?;
        let size = rustix::fs::fstat(&file)
            .map_err(|_| Error::StateDirectory)?
            .st_size;
        // SQLite takes an empty file for an empty database: here it is a truncated one.
        if size == 0 {
            return Err(Error::StateFileDamaged);
        }
        let access = if writable {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        } else {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        };
        let conn = Connection::open_with_flags(
            dir.sqlite_path(name),
            access | dir.sqlite_flags() | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| damaged_or(e, Error::KeyStorage))?;
        conn.busy_handler(Some(busy))
            .map_err(|_| Error::KeyStorage)?;
        if writable {
            // DELETE journal: the header change counter moves on every commit; FULL sync: a
            // commit survives power loss; a crash mid-transaction rolls back from the hot
            // journal.
            conn.pragma_update(None, "journal_mode", "DELETE")
                .map_err(|e| damaged_or(e, Error::KeyStorage))?;
            conn.pragma_update(None, "synchronous", "FULL")
                .map_err(|_| Error::KeyStorage)?;
            // Overwrite deleted content, so a replaced key or register leaves no copy in free
            // pages.
            conn.pragma_update(None, "secure_delete", "ON")
                .map_err(|_| Error::KeyStorage)?;
        }
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| damaged_or(e, Error::KeyStorage))?;
        if tables != 1 {
            return Err(Error::StateFileDamaged);
        }
        Ok(Db {
            conn: Mutex::new(conn),
            file,
            writable,
            bump: None,
        })
    }

    /// From now on every committed write increments `slot` of `gens`.
    pub fn with_generation(mut self, gens: Arc<Generations>, slot: Slot) -> Self {
        self.bump = Some((gens, slot));
        self
    }

    /// SQLite's file change counter (header offset 24), read without any lock; `None` when it
    /// cannot be read (then nothing may be cached).
    pub fn change_counter(&self) -> Option<u32> {
        let mut b = [0u8; 4];
        match rustix::io::pread(&self.file, &mut b, 24) {
            Ok(4) => Some(u32::from_be_bytes(b)),
            _ => None,
        }
    }

    /// The connection, recovered from a poisoned lock (a panic elsewhere does not leave the
    /// connection in a torn state: SQLite rolls back an unfinished transaction).
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Frees every page SQLite caches for this connection that no statement is using (with
    /// [`crate::ffi::sqlite_memory`] installed the freed pages are wiped): called after the
    /// master-key registers were read or written, so the page cache keeps no copy of them.
    pub fn release_memory(&self) {
        let _ = self.conn().release_memory();
    }

    /// Runs `f` in a write transaction (BEGIN IMMEDIATE); commits when it returns `Ok`. On a
    /// database this process may only read: [`Error::StateReadOnly`].
    pub fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        if !self.writable {
            return Err(Error::StateReadOnly);
        }
        let out = with_immediate(&self.conn(), f);
        // After the commit: a process that sees the new counter reads the committed data.
        if let Some((gens, slot)) = &self.bump {
            gens.bump(*slot);
        }
        out
    }

    /// Runs `f` in a read transaction (a consistent snapshot across its queries).
    pub fn read<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        self.read_counted(f).map(|(out, _)| out)
    }

    /// As [`Db::read`], and also the change counter of the snapshot `f` read: taken after
    /// `f`'s queries, while the transaction still holds SQLite's SHARED lock, so no commit can
    /// be half-written to the file at that moment and the value belongs to committed data. A
    /// lock-free [`Db::change_counter`] can see a commit that later fails and rolls back; this
    /// one cannot, which is what makes it safe to stamp cached data with.
    pub fn read_counted<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<(T, Option<u32>)> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(|_| Error::KeyStorage)?;
        // Take the SHARED lock even when `f` reads nothing.
        tx.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .map_err(|_| Error::KeyStorage)?;
        let out = f(&tx)?;
        let counter = self.change_counter();
        tx.finish().map_err(|_| Error::KeyStorage)?;
        Ok((out, counter))
    }
}

fn with_immediate<T>(
    conn: &Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|_| Error::KeyStorage)?;
    let out = f(&tx)?;
    tx.commit().map_err(|_| Error::KeyStorage)?;
    Ok(out)
}

/// `StateFileDamaged` for SQLite's "not a database" and "corrupt", else `other`.
fn damaged_or(e: rusqlite::Error, other: Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::StateFileDamaged
        }
        _ => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite keeps the `/proc/self/fd/<dirfd>/…` name (its journals are named after it), so
    /// the database and journals are reached through the kept directory descriptor.
    #[test]
    fn sqlite_keeps_the_descriptor_path() {
        let base = std::env::temp_dir().join(format!("softcca-unit-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = StateDir::open(&base.join("state")).unwrap();
        super::super::init::prepare(&dir, &[super::super::ckds::FILE], "X'0032' on\n").unwrap();
        let db = Db::open(&dir, "ckds.db", "ckds").unwrap();
        let path = db.conn().path().unwrap().to_string();
        assert!(path.starts_with("/proc/self/fd/"), "{path}");
        assert!(path.ends_with("/ckds.db"), "{path}");
        let _ = std::fs::remove_dir_all(&base);
    }
}
