//! The cryptographic key data set (CKDS): 64-byte key tokens under unique labels.
//!
//! An SQLite database, `ckds.db` in the state directory. Labels are unique (primary key);
//! every change is one transaction, so concurrent processes never lose a write and a process
//! killed mid-write leaves the previous record whole.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::OptionalExtension;

use super::db::Db;
use super::dir::StateDir;
use super::generations::{Generations, Slot};
use crate::access::dual::Custodians;
use crate::error::{Error, Result};
use crate::label::{Label, LabelPattern};
use std::sync::Arc;

/// The CKDS file and its schema (created once, when the state directory is initialised).
pub const FILE: super::init::DbFile = super::init::DbFile {
    name: "ckds.db",
    schema: SCHEMA,
};

const SCHEMA: &str = "CREATE TABLE ckds (
    label   TEXT PRIMARY KEY,
    token   BLOB NOT NULL CHECK (length(token) = 64),
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL
);";

/// The custody records of partial key tokens (Key Part Import, docs/decisions.md D69): which
/// profiles loaded the parts of the token whose SHA-256 is `digest`. Kept in `ckds.db` so that a
/// label's new token and its record are one transaction. Created by the first write that needs
/// it (directories made before dual control do not have it).
const PART_CUSTODY_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS part_custody (
    digest     BLOB PRIMARY KEY CHECK (length(digest) = 32),
    custodians BLOB NOT NULL CHECK (length(custodians) % 8 = 0 AND length(custodians) > 0)
) WITHOUT ROWID;";

/// The custody records as seen from inside one CKDS transaction.
pub struct PartLedger<'a, 'b>(&'a rusqlite::Transaction<'b>);

impl PartLedger<'_, '_> {
    /// The profiles that loaded the parts of the token of digest `digest`; nobody when there
    /// is no record.
    pub fn get(&self, digest: &[u8; 32]) -> Result<Custodians> {
        if !self.has_table()? {
            return Ok(Custodians::none());
        }
        let v: Option<Vec<u8>> = self
            .0
            .query_row(
                "SELECT custodians FROM part_custody WHERE digest = ?1",
                [&digest[..]],
                |r| r.get(0),
            )
            .optional()
            .map_err(|_| Error::KeyStorage)?;
        v.map_or_else(|| Ok(Custodians::none()), |v| Custodians::decode(&v))
    }

    /// Records that `custodians` loaded the parts of the token of digest `digest`, replacing an
    /// earlier record of the same token (the same key and control vector make the same token:
    /// the record is that of the call that made it last); nobody: no record.
    pub fn set(&self, digest: &[u8; 32], custodians: &Custodians) -> Result<()> {
        if custodians.is_empty() {
            if self.has_table()? {
                self.0
                    .execute("DELETE FROM part_custody WHERE digest = ?1", [&digest[..]])
                    .map_err(|_| Error::KeyStorage)?;
            }
            return Ok(());
        }
        self.0
            .execute_batch(PART_CUSTODY_SCHEMA)
            .map_err(|_| Error::KeyStorage)?;
        self.0
            .execute(
                "INSERT OR REPLACE INTO part_custody (digest, custodians) VALUES (?1, ?2)",
                rusqlite::params![&digest[..], custodians.encode()],
            )
            .map_err(|_| Error::KeyStorage)?;
        Ok(())
    }

    fn has_table(&self) -> Result<bool> {
        self.0
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'part_custody'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n == 1)
            .map_err(|_| Error::KeyStorage)
    }
}

/// One CKDS record.
pub struct Record {
    /// Its label.
    pub label: Label,
    /// Its key token (possibly a null token).
    pub token: [u8; 64],
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last update, Unix seconds.
    pub updated: i64,
}

/// The key data set.
pub struct Ckds {
    db: Db,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn to_token(v: Vec<u8>) -> Result<[u8; 64]> {
    <[u8; 64]>::try_from(v.as_slice()).map_err(|_| Error::KeyStorage)
}

impl Ckds {
    /// Opens `ckds.db` in `dir`.
    pub fn open(dir: &StateDir, gens: Arc<Generations>) -> Result<Self> {
        Ok(Ckds {
            db: Db::open(dir, FILE.name, "ckds")?.with_generation(gens, Slot::Ckds),
        })
    }

    /// The change counter of the CKDS file (see [`Db::change_counter`]).
    pub fn change_counter(&self) -> Option<u32> {
        self.db.change_counter()
    }

    /// Adds a record; 8/DuplicateLabel when the label exists.
    pub fn create(&self, label: &Label, token: &[u8; 64]) -> Result<()> {
        self.db.write(|tx| {
            let t = now();
            let n = tx
                .execute(
                    "INSERT OR IGNORE INTO ckds (label, token, created, updated) VALUES (?1, ?2, ?3, ?3)",
                    rusqlite::params![label.as_str(), &token[..], t],
                )
                .map_err(|_| Error::KeyStorage)?;
            if n == 0 { Err(Error::DuplicateLabel) } else { Ok(()) }
        })
    }

    /// Replaces the token of an existing record; 8/LabelNotFound when there is none.
    pub fn write(&self, label: &Label, token: &[u8; 64]) -> Result<()> {
        self.db.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE ckds SET token = ?2, updated = ?3 WHERE label = ?1",
                    rusqlite::params![label.as_str(), &token[..], now()],
                )
                .map_err(|_| Error::KeyStorage)?;
            if n == 0 {
                Err(Error::LabelNotFound)
            } else {
                Ok(())
            }
        })
    }

    /// Reads a record, lets `f` compute its new token, and writes it, in one write transaction:
    /// a concurrent change to the same record cannot be lost between the read and the write.
    /// `f` must not use the CKDS itself (its connection is held).
    pub fn update(
        &self,
        label: &Label,
        f: impl FnOnce(&[u8; 64]) -> Result<[u8; 64]>,
    ) -> Result<()> {
        self.update_with_parts(label, |old, _| f(old))
    }

    /// As [`Ckds::update`], with the key-part custody records in the same transaction: the
    /// record of the new token is committed with it or not at all.
    pub fn update_with_parts(
        &self,
        label: &Label,
        f: impl FnOnce(&[u8; 64], &PartLedger<'_, '_>) -> Result<[u8; 64]>,
    ) -> Result<()> {
        self.db.write(|tx| {
            let old: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT token FROM ckds WHERE label = ?1",
                    [label.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|_| Error::KeyStorage)?;
            let new = f(
                &to_token(old.ok_or(Error::LabelNotFound)?)?,
                &PartLedger(tx),
            )?;
            tx.execute(
                "UPDATE ckds SET token = ?2, updated = ?3 WHERE label = ?1",
                rusqlite::params![label.as_str(), &new[..], now()],
            )
            .map_err(|_| Error::KeyStorage)?;
            Ok(())
        })
    }

    /// The profiles that loaded the parts of the token of digest `digest` (a read).
    pub fn part_custodians(&self, digest: &[u8; 32]) -> Result<Custodians> {
        self.db.read(|tx| PartLedger(tx).get(digest))
    }

    /// Records the profiles that loaded the parts of the token of digest `digest` (see
    /// [`PartLedger::set`]): a write, unless it would change nothing (nobody, and no record).
    pub fn record_part_custodians(&self, digest: &[u8; 32], custodians: &Custodians) -> Result<()> {
        if custodians.is_empty() && self.part_custodians(digest)?.is_empty() {
            return Ok(());
        }
        self.db.write(|tx| PartLedger(tx).set(digest, custodians))
    }

    /// Reads a record's token.
    pub fn read(&self, label: &Label) -> Result<[u8; 64]> {
        self.read_counted(label).map(|(t, _)| t)
    }

    /// Reads a record's token and the change counter of the snapshot it came from (see
    /// [`Db::read_counted`]).
    pub fn read_counted(&self, label: &Label) -> Result<([u8; 64], Option<u32>)> {
        let (v, counter): (Option<Vec<u8>>, _) = self.db.read_counted(|tx| {
            tx.query_row(
                "SELECT token FROM ckds WHERE label = ?1",
                [label.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|_| Error::KeyStorage)
        })?;
        Ok((to_token(v.ok_or(Error::LabelNotFound)?)?, counter))
    }

    /// Deletes a record.
    pub fn delete(&self, label: &Label) -> Result<()> {
        self.db.write(|tx| {
            let n = tx
                .execute("DELETE FROM ckds WHERE label = ?1", [label.as_str()])
                .map_err(|_| Error::KeyStorage)?;
            if n == 0 {
                Err(Error::LabelNotFound)
            } else {
                Ok(())
            }
        })
    }

    /// Every record whose label matches `pattern`, sorted by label, from one snapshot.
    pub fn records(&self, pattern: &LabelPattern) -> Result<Vec<Record>> {
        self.db.read(|tx| {
            let mut st = tx
                .prepare("SELECT label, token, created, updated FROM ckds ORDER BY label")
                .map_err(|_| Error::KeyStorage)?;
            let rows = st
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .map_err(|_| Error::KeyStorage)?;
            let mut out = Vec::new();
            for row in rows {
                let (label, token, created, updated) = row.map_err(|_| Error::KeyStorage)?;
                if pattern.matches(&label) {
                    out.push(Record {
                        label: Label::from_text(&label).map_err(|_| Error::KeyStorage)?,
                        token: to_token(token)?,
                        created,
                        updated,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Deletes every record whose label matches `pattern`, in one transaction; returns how many.
    pub fn delete_matching(&self, pattern: &LabelPattern) -> Result<usize> {
        let labels = self.list(pattern)?;
        self.db.write(|tx| {
            let mut n = 0;
            for l in &labels {
                n += tx
                    .execute("DELETE FROM ckds WHERE label = ?1", [l])
                    .map_err(|_| Error::KeyStorage)?;
            }
            Ok(n)
        })
    }

    /// The labels matching `pattern`, sorted.
    pub fn list(&self, pattern: &LabelPattern) -> Result<Vec<String>> {
        self.db.read(|tx| {
            let mut st = tx
                .prepare("SELECT label FROM ckds ORDER BY label")
                .map_err(|_| Error::KeyStorage)?;
            let rows = st
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(|_| Error::KeyStorage)?;
            let mut out = Vec::new();
            for label in rows {
                let label = label.map_err(|_| Error::KeyStorage)?;
                if pattern.matches(&label) {
                    out.push(label);
                }
            }
            Ok(out)
        })
    }

    /// Reads every record whose label matches `pattern`, lets `f` compute a replacement token
    /// (`None` keeps the record), and writes all replacements in one transaction: either
    /// every record changes or none does. Returns how many records `f` replaced.
    pub fn rewrite_matching(
        &self,
        pattern: &LabelPattern,
        mut f: impl FnMut(&[u8; 64]) -> Result<Option<[u8; 64]>>,
    ) -> Result<usize> {
        self.db.write(|tx| {
            let rows: Vec<(String, Vec<u8>)> = {
                let mut st = tx
                    .prepare("SELECT label, token FROM ckds ORDER BY label")
                    .map_err(|_| Error::KeyStorage)?;
                let it = st
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(|_| Error::KeyStorage)?;
                it.collect::<rusqlite::Result<_>>()
                    .map_err(|_| Error::KeyStorage)?
            };
            let mut changed = 0;
            for (label, token) in rows {
                if !pattern.matches(&label) {
                    continue;
                }
                if let Some(new) = f(&to_token(token)?)? {
                    tx.execute(
                        "UPDATE ckds SET token = ?2, updated = ?3 WHERE label = ?1",
                        rusqlite::params![label, &new[..], now()],
                    )
                    .map_err(|_| Error::KeyStorage)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }
}
