//! Initialising a state directory, atomically, and adopting one made by an earlier release.
//!
//! A directory is **initialised** when it holds `softcca.id`: 32 hexadecimal digits (16 random
//! bytes, the directory id) and a newline. That file is written last, by a rename, so it is
//! the commit point: before it exists the directory holds nothing a verb uses; after, it holds
//! a complete `masterkey.db`, `ckds.db` and `acp.conf`.
//!
//! - **Fresh directory** (none of the state files): each file is built complete in the staging
//!   directory `.softcca-init/` (SQLite schema committed, `acp.conf` with the shipped roles, every
//!   file `fsync`ed), renamed into place, the directory `fsync`ed, then `softcca.id` renamed
//!   into place and the directory `fsync`ed again. A process killed at any moment leaves
//!   either no `softcca.id` and a staging directory (the next process starts the
//!   initialisation over, replacing whatever was renamed already) or a complete directory.
//! - **Upgrade** (no `softcca.id`, no `.softcca-init/`, but a state file: a directory of a
//!   release before the id, or an administrator's pre-written `acp.conf`): its `acp.conf` must
//!   exist (a missing one fails closed, 12/197, as in every initialised directory; defaults are
//!   never written here); a missing database is created empty as the earlier release did
//!   (through `.softcca-upgrade/`); then `softcca.id` is written. A read-only such directory is
//!   used as it is, without an id.
//!
//! All of this runs under the directory's `flock` ([`StateDir::lock`]): a second process
//! opening the directory meanwhile waits, then sees the complete directory.

use std::fmt::Write as _;

use rusqlite::{Connection, OpenFlags};

use super::dir::{Entry, StateDir};
use crate::error::{Error, Result};

/// The id file, the commit point of initialisation.
pub const ID_FILE: &str = "softcca.id";
/// The access-control file.
pub const ACP_FILE: &str = "acp.conf";
/// Staging directory of a fresh initialisation.
const STAGING: &str = ".softcca-init";
/// Staging directory of an upgrade.
const UPGRADE: &str = ".softcca-upgrade";

/// A database file of the state directory: its name and the SQL that creates its schema.
pub struct DbFile {
    /// File name in the state directory.
    pub name: &'static str,
    /// `CREATE TABLE …` statements.
    pub schema: &'static str,
}

/// Makes sure `dir` is initialised (see the module documentation); returns the directory id
/// (`None` for a read-only directory of an earlier release).
pub fn prepare(dir: &StateDir, dbs: &[DbFile], acp_defaults: &str) -> Result<Option<[u8; 16]>> {
    let _lock = dir.lock()?;
    match dir.entry(ID_FILE)? {
        Entry::File => {
            let id = read_id(dir)?;
            if dir.writable() {
                // What a process killed after the commit point left.
                for name in [STAGING, UPGRADE] {
                    Stage { dir, name }.clear()?;
                }
            }
            return Ok(Some(id));
        }
        Entry::Other => return Err(Error::StateFileNotRegular),
        Entry::Missing => {}
    }
    let interrupted = dir.entry(STAGING)? != Entry::Missing;
    let mut present = false;
    for name in dbs.iter().map(|d| d.name).chain([ACP_FILE]) {
        present |= dir.entry(name)? != Entry::Missing;
    }
    if !dir.writable() {
        return if present && !interrupted {
            // An earlier release's directory, read-only: used as it is.
            Ok(None)
        } else {
            Err(Error::StateReadOnly)
        };
    }
    if interrupted || !present {
        initialise(dir, dbs, acp_defaults)
    } else {
        upgrade(dir, dbs)
    }
}

fn initialise(dir: &StateDir, dbs: &[DbFile], acp_defaults: &str) -> Result<Option<[u8; 16]>> {
    let stage = Stage::new(dir, STAGING)?;
    for db in dbs {
        stage.database(db)?;
    }
    stage.file(ACP_FILE, acp_defaults.as_bytes())?;
    for name in dbs.iter().map(|d| d.name).chain([ACP_FILE]) {
        stage.commit(name)?;
    }
    dir.sync()?;
    let id = commit_id(dir, &stage)?;
    stage.finish()?;
    Ok(Some(id))
}

fn upgrade(dir: &StateDir, dbs: &[DbFile]) -> Result<Option<[u8; 16]>> {
    match dir.entry(ACP_FILE)? {
        Entry::Missing => return Err(Error::StateFileMissing),
        Entry::Other => return Err(Error::StateFileNotRegular),
        Entry::File => {}
    }
    let stage = Stage::new(dir, UPGRADE)?;
    for db in dbs {
        if dir.entry(db.name)? == Entry::Missing {
            stage.database(db)?;
            stage.commit(db.name)?;
        }
    }
    dir.sync()?;
    let id = commit_id(dir, &stage)?;
    stage.finish()?;
    Ok(Some(id))
}

/// Writes a new random id in the stage and renames it into place: the commit point.
fn commit_id(dir: &StateDir, stage: &Stage<'_>) -> Result<[u8; 16]> {
    let mut id = [0u8; 16];
    crate::crypto::rng::fill(&mut id)?;
    let mut text = String::with_capacity(33);
    for b in id {
        let _ = write!(text, "{b:02x}");
    }
    text.push('\n');
    stage.file(ID_FILE, text.as_bytes())?;
    stage.commit(ID_FILE)?;
    dir.sync()?;
    Ok(id)
}

/// Reads and checks `softcca.id`.
fn read_id(dir: &StateDir) -> Result<[u8; 16]> {
    let (text, _) = dir.read_file(ID_FILE)?;
    let hex = text
        .strip_suffix(b"\n")
        .filter(|h| h.len() == 32)
        .ok_or(Error::StateFileDamaged)?;
    let mut id = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).map_err(|_| Error::StateFileDamaged)?;
        id[i] = u8::from_str_radix(s, 16).map_err(|_| Error::StateFileDamaged)?;
    }
    Ok(id)
}

/// Staging directory of [`ensure`].
const ADDING: &str = ".softcca-add";

/// Creates the database `db` in an initialised state directory where it is missing (a file a
/// later feature added, such as the custody set registry): made in a staging directory and
/// renamed into place under the directory lock, so racing processes create it once and no
/// process ever opens a half-made file. A read-only directory: [`Error::StateReadOnly`].
pub fn ensure(dir: &StateDir, db: &DbFile) -> Result<()> {
    let _lock = dir.lock()?;
    match dir.entry(db.name)? {
        Entry::File => return Ok(()),
        Entry::Other => return Err(Error::StateFileNotRegular),
        Entry::Missing => {}
    }
    if !dir.writable() {
        return Err(Error::StateReadOnly);
    }
    let stage = Stage::new(dir, ADDING)?;
    stage.database(db)?;
    stage.commit(db.name)?;
    dir.sync()?;
    stage.finish()
}

/// A staging directory inside the state directory.
struct Stage<'a> {
    dir: &'a StateDir,
    name: &'static str,
}

impl<'a> Stage<'a> {
    /// Empties (what an interrupted run left) and creates the staging directory `name`.
    fn new(dir: &'a StateDir, name: &'static str) -> Result<Self> {
        let stage = Stage { dir, name };
        stage.clear()?;
        dir.create_dir(name)?;
        Ok(stage)
    }

    fn path(&self, file: &str) -> String {
        format!("{}/{file}", self.name)
    }

    fn clear(&self) -> Result<()> {
        if self.dir.entry(self.name)? == Entry::Missing {
            return Ok(());
        }
        let fd = rustix::fs::openat(
            self.dir,
            self.name,
            rustix::fs::OFlags::RDONLY
                | rustix::fs::OFlags::DIRECTORY
                | rustix::fs::OFlags::NOFOLLOW
                | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|_| Error::StateDirectory)?;
        let mut names = Vec::new();
        let mut entries = rustix::fs::Dir::read_from(&fd).map_err(|_| Error::StateDirectory)?;
        while let Some(e) = entries.read() {
            let e = e.map_err(|_| Error::StateDirectory)?;
            let n = e.file_name().to_string_lossy().into_owned();
            if n != "." && n != ".." {
                names.push(n);
            }
        }
        for n in names {
            self.dir.remove(&self.path(&n), false)?;
        }
        self.dir.remove(self.name, true)
    }

    /// Creates the database `db` in the stage with its schema committed.
    fn database(&self, db: &DbFile) -> Result<()> {
        let file = self.path(db.name);
        self.dir.create_file(&file, b"")?;
        // The connection is closed before the file is renamed into place: no other connection
        // of any process has it open yet, so closing it releases nobody's locks.
        let conn = Connection::open_with_flags(
            self.dir.sqlite_path(&file),
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | self.dir.sqlite_flags()
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| Error::StateDirectory)?;
        conn.pragma_update(None, "journal_mode", "DELETE")
            .map_err(|_| Error::StateDirectory)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|_| Error::StateDirectory)?;
        conn.execute_batch(&format!("BEGIN IMMEDIATE; {} COMMIT;", db.schema))
            .map_err(|_| Error::StateDirectory)?;
        conn.close().map_err(|_| Error::StateDirectory)
    }

    /// Creates `file` in the stage with `bytes`, synced.
    fn file(&self, file: &str, bytes: &[u8]) -> Result<()> {
        self.dir.create_file(&self.path(file), bytes)
    }

    /// Renames `file` from the stage into the state directory.
    fn commit(&self, file: &str) -> Result<()> {
        self.dir.rename(&self.path(file), file)
    }

    /// Removes the (now empty or leftover) staging directory.
    fn finish(self) -> Result<()> {
        self.clear()
    }
}
