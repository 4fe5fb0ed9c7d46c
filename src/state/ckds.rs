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
use crate::access::dual::{self, Custodians};
use crate::crypto::ct::ct_eq;
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

/// The custody records of partial key tokens (Key Part Import, docs/decisions.md D69, D71,
/// D72): which profiles loaded the parts of the token whose SHA-256 is `digest`, when the record
/// was made, and its authentication code ([`dual::record_tag`]). Kept in `ckds.db` so that a
/// label's new token and its record are one transaction. Created by the first write that needs
/// it (directories made before dual control do not have it); the unauthenticated table of the
/// first dual-control release (`part_custody`) is dropped then: its rows cannot be trusted.
const PART_CUSTODY_SCHEMA: &str = "DROP TABLE IF EXISTS part_custody;
CREATE TABLE IF NOT EXISTS part_custody_v2 (
    digest     BLOB PRIMARY KEY CHECK (length(digest) = 32),
    custodians BLOB NOT NULL CHECK (length(custodians) % 8 = 0 AND length(custodians) > 0),
    created    INTEGER NOT NULL,
    tag        BLOB NOT NULL CHECK (length(tag) = 32)
) WITHOUT ROWID;";

/// The tables of `ckds.db` created after its first schema (see
/// [`super::masterkey::LATER_TABLES`]).
pub(crate) const LATER_TABLES: &[(&str, &str)] = &[("part_custody_v2", PART_CUSTODY_SCHEMA)];

/// How long a custody record lives (docs/decisions.md D71): a partial token whose last step is
/// older is an abandoned ceremony; its record is deleted and the token cannot be continued.
pub const PART_RECORD_LIFETIME_S: i64 = 7 * 24 * 3600;

/// The custody records as seen from inside one CKDS write transaction.
pub struct PartLedger<'a, 'b>(&'a rusqlite::Transaction<'b>);

impl PartLedger<'_, '_> {
    /// Uses up the record of the token of digest `digest`: returns the profiles that loaded its
    /// parts and deletes the record (the step that continues a partial token consumes it, in the
    /// step's transaction). Nobody when there is no record or it is older than
    /// [`PART_RECORD_LIFETIME_S`]; [`Error::KeyPartRecordForged`] when its authentication code
    /// under `record_key` (of the master key that wraps the token) is not right. Records past
    /// their lifetime are deleted first.
    pub fn take(&self, digest: &[u8; 32], record_key: &[u8; 32]) -> Result<Custodians> {
        if !self.has_table()? {
            return Ok(Custodians::none());
        }
        self.expire()?;
        let row: Option<(Vec<u8>, i64, Vec<u8>)> = self
            .0
            .query_row(
                "SELECT custodians, created, tag FROM part_custody_v2 WHERE digest = ?1",
                [&digest[..]],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|_| Error::KeyStorage)?;
        let Some((stored, created, tag)) = row else {
            return Ok(Custodians::none());
        };
        // Whatever it holds, a record is used once.
        self.0
            .execute(
                "DELETE FROM part_custody_v2 WHERE digest = ?1",
                [&digest[..]],
            )
            .map_err(|_| Error::KeyStorage)?;
        let custodians = Custodians::decode(&stored).map_err(|_| Error::KeyPartRecordForged)?;
        let want = dual::record_tag(record_key, digest, created, &custodians);
        if !ct_eq(&want[..], &tag) {
            return Err(Error::KeyPartRecordForged);
        }
        Ok(custodians)
    }

    /// Records that `custodians` (not nobody) loaded the parts of the token of digest `digest`,
    /// now, authenticated under `record_key` (of the master key that wraps the token), replacing
    /// an earlier record of the same token.
    pub fn put(
        &self,
        digest: &[u8; 32],
        custodians: &Custodians,
        record_key: &[u8; 32],
    ) -> Result<()> {
        if custodians.is_empty() {
            return Err(Error::Internal);
        }
        self.0
            .execute_batch(PART_CUSTODY_SCHEMA)
            .map_err(|_| Error::KeyStorage)?;
        self.expire()?;
        let created = now();
        let tag = dual::record_tag(record_key, digest, created, custodians);
        self.0
            .execute(
                "INSERT OR REPLACE INTO part_custody_v2 (digest, custodians, created, tag) \
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![&digest[..], custodians.encode(), created, &tag[..]],
            )
            .map_err(|_| Error::KeyStorage)?;
        Ok(())
    }

    /// Deletes the records past their lifetime (and any dated in the future by more than it:
    /// a clock set back does not keep a record alive).
    fn expire(&self) -> Result<()> {
        let t = now();
        self.0
            .execute(
                "DELETE FROM part_custody_v2 WHERE created < ?1 OR created > ?2",
                rusqlite::params![t - PART_RECORD_LIFETIME_S, t + PART_RECORD_LIFETIME_S],
            )
            .map(|_| ())
            .map_err(|_| Error::KeyStorage)
    }

    fn has_table(&self) -> Result<bool> {
        self.0
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'part_custody_v2'",
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

    /// Runs `f` with the key-part custody records in one write transaction (a partial token
    /// given by value, not by label: its record is used up and its successor's written together).
    pub fn with_parts<T>(&self, f: impl FnOnce(&PartLedger<'_, '_>) -> Result<T>) -> Result<T> {
        self.db.write(|tx| f(&PartLedger(tx)))
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
