//! An SQLite database file of the state directory, shared by processes.
//!
//! Rollback-journal mode (not WAL): every committed write transaction increments SQLite's
//! "file change counter" (the 4-byte big-endian integer at offset 24 of the database header).
//! [`Db::change_counter`] reads it with one `pread(2)`, so a process can tell in well under a
//! microsecond whether another process changed the database since it last looked, and drop
//! what it cached. A commit in progress holds SQLite's exclusive lock, so a reader that sees
//! the new counter and then reads through SQLite waits for the commit and sees its data.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::home;
use crate::error::{Error, Result};

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// One database file: a connection for queries and a plain handle for the change counter.
pub struct Db {
    conn: Mutex<Connection>,
    file: File,
}

impl Db {
    /// Opens (creating if needed, mode 0600) the database at `path` and runs `schema`.
    pub fn open(path: &Path, schema: &str) -> Result<Self> {
        // Before the process's first connection: SQLite's freed memory is wiped from now on.
        crate::ffi::sqlite_memory::install();
        home::create_private(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| Error::KeyStorage)?;
        home::restrict(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|_| Error::KeyStorage)?;
        // DELETE journal: the header change counter moves on every commit; FULL sync: a commit
        // survives power loss; a crash mid-transaction rolls back from the hot journal.
        conn.pragma_update(None, "journal_mode", "DELETE")
            .map_err(|_| Error::KeyStorage)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|_| Error::KeyStorage)?;
        // Overwrite deleted content, so a replaced key or register leaves no copy in free pages.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|_| Error::KeyStorage)?;
        with_immediate(&conn, |tx| {
            tx.execute_batch(schema).map_err(|_| Error::KeyStorage)
        })?;
        let file = File::open(path).map_err(|_| Error::KeyStorage)?;
        Ok(Db {
            conn: Mutex::new(conn),
            file,
        })
    }

    /// SQLite's file change counter (header offset 24), read without any lock; `None` when it
    /// cannot be read (then nothing may be cached).
    pub fn change_counter(&self) -> Option<u32> {
        let mut b = [0u8; 4];
        match self.file.read_at(&mut b, 24) {
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

    /// Runs `f` in a write transaction (BEGIN IMMEDIATE); commits when it returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        with_immediate(&self.conn(), f)
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
