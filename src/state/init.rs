//! Initialising a state directory, atomically, and adopting one made by an earlier release.
//!
//! A directory is **initialised** when it holds `softcca.id`: 32 hexadecimal digits (16 random
//! bytes, the directory id) and a newline (followed, once the directory is bound, by the
//! binding records of [`BindingRecord`]). That file is written last, by a rename, so it is
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
/// Staging directory of a rewritten id file ([`record_binding`]).
const RECORDING: &str = ".softcca-id";

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
                for name in [STAGING, UPGRADE, RECORDING] {
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
    stage.file(
        ID_FILE,
        format_id(&id, &BindingRecord::default()).as_bytes(),
    )?;
    stage.commit(ID_FILE)?;
    dir.sync()?;
    Ok(id)
}

/// What `softcca.id` records of the directory's bindings besides its id (docs/decisions.md
/// D57): the check values of the SVMK and of the partition secret it is bound to, each on a
/// line of its own after the id (`svmk <16 hex>`, `partition <16 hex>`). A file of the id
/// alone (a directory never bound, or bound by an earlier release) records neither.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BindingRecord {
    /// The bound SVMK's check value.
    pub svmk: Option<[u8; 8]>,
    /// The bound partition secret's check value.
    pub partition: Option<[u8; 8]>,
}

fn parse_hex<const N: usize>(hex: &[u8]) -> Result<[u8; N]> {
    if hex.len() != 2 * N {
        return Err(Error::StateFileDamaged);
    }
    let mut out = [0u8; N];
    for (i, pair) in hex.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).map_err(|_| Error::StateFileDamaged)?;
        out[i] = u8::from_str_radix(s, 16).map_err(|_| Error::StateFileDamaged)?;
    }
    Ok(out)
}

/// Parses `softcca.id`: the id line, then at most one `svmk` and one `partition` line, in
/// that order; anything else is [`Error::StateFileDamaged`].
pub(crate) fn parse_id(text: &[u8]) -> Result<([u8; 16], BindingRecord)> {
    let body = text.strip_suffix(b"\n").ok_or(Error::StateFileDamaged)?;
    let mut lines = body.split(|&b| b == b'\n');
    let id = parse_hex::<16>(lines.next().unwrap_or_default())?;
    let mut record = BindingRecord::default();
    let mut next = lines.next();
    if let Some(hex) = next.and_then(|l| l.strip_prefix(b"svmk ")) {
        record.svmk = Some(parse_hex(hex)?);
        next = lines.next();
    }
    if let Some(hex) = next.and_then(|l| l.strip_prefix(b"partition ")) {
        record.partition = Some(parse_hex(hex)?);
        next = lines.next();
    }
    if next.is_some() {
        return Err(Error::StateFileDamaged);
    }
    Ok((id, record))
}

fn format_id(id: &[u8; 16], record: &BindingRecord) -> String {
    let mut text = String::with_capacity(80);
    let mut line = |prefix: &str, bytes: &[u8]| {
        text.push_str(prefix);
        for b in bytes {
            let _ = write!(text, "{b:02x}");
        }
        text.push('\n');
    };
    line("", id);
    if let Some(c) = &record.svmk {
        line("svmk ", c);
    }
    if let Some(c) = &record.partition {
        line("partition ", c);
    }
    text
}

/// Reads and checks `softcca.id`.
fn read_id(dir: &StateDir) -> Result<[u8; 16]> {
    read_binding(dir).map(|(id, _)| id)
}

/// Reads `softcca.id`: the directory id and the bindings it records.
pub fn read_binding(dir: &StateDir) -> Result<([u8; 16], BindingRecord)> {
    let (text, _) = dir.read_file(ID_FILE)?;
    parse_id(&text)
}

/// Rewrites `softcca.id` of directory `id` to record `record` (docs/decisions.md D57):
/// written whole in `.softcca-id/`, synced, renamed over the old file and the directory
/// synced, so a crash leaves the old file or the new one. The caller holds the directory lock.
pub fn record_binding(dir: &StateDir, id: &[u8; 16], record: &BindingRecord) -> Result<()> {
    let stage = Stage::new(dir, RECORDING)?;
    stage.file(ID_FILE, format_id(id, record).as_bytes())?;
    stage.commit(ID_FILE)?;
    dir.sync()?;
    stage.finish()
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
pub(crate) struct Stage<'a> {
    dir: &'a StateDir,
    name: &'static str,
}

impl<'a> Stage<'a> {
    /// Empties (what an interrupted run left) and creates the staging directory `name`.
    pub(crate) fn new(dir: &'a StateDir, name: &'static str) -> Result<Self> {
        let stage = Stage { dir, name };
        stage.clear()?;
        dir.create_dir(name)?;
        Ok(stage)
    }

    pub(crate) fn path(&self, file: &str) -> String {
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
    pub(crate) fn finish(self) -> Result<()> {
        self.clear()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_file_round_trip_and_damage() {
        let id = [0xA5u8; 16];
        for record in [
            BindingRecord::default(),
            BindingRecord {
                svmk: Some([1; 8]),
                partition: None,
            },
            BindingRecord {
                svmk: None,
                partition: Some([2; 8]),
            },
            BindingRecord {
                svmk: Some([1; 8]),
                partition: Some([2; 8]),
            },
        ] {
            let text = format_id(&id, &record);
            assert_eq!(parse_id(text.as_bytes()).unwrap(), (id, record), "{text}");
        }
        // An earlier release's file: the id alone.
        let old = format!("{}\n", "a5".repeat(16));
        assert_eq!(
            parse_id(old.as_bytes()).unwrap(),
            (id, BindingRecord::default())
        );
        let good = format_id(
            &id,
            &BindingRecord {
                svmk: Some([1; 8]),
                partition: Some([2; 8]),
            },
        );
        for bad in [
            good.trim_end().to_string(),
            good.replace("svmk ", "svmk  "),
            good.replace("partition ", "part "),
            format!("{good}svmk 0101010101010101\n"),
            good.replace("0101010101010101", "01010101010101"),
            good.replace("0101010101010101", "01010101010101zz"),
            format!("{old}partition 0202020202020202\nsvmk 0101010101010101\n"),
            format!("{old}\n"),
        ] {
            assert_eq!(
                parse_id(bad.as_bytes()).err(),
                Some(Error::StateFileDamaged),
                "{bad:?}"
            );
        }
    }
}
