//! The custody set registry: which operator-card sets this state directory created, and
//! whether each one completed (docs/custody.md §4, docs/state.md).
//!
//! An SQLite database, `sets.db` in the state directory, created on first use. A set is
//! recorded `pending` before its first card is written, each card's row before that card is
//! written, and `complete` only after the last card was written and read back. Nothing ever
//! turns a pending or invalid set complete later, so a set interrupted at any card (a card
//! pulled, a failed write, the process killed) stays incomplete for good; only complete sets
//! are accepted for recombination. Every change is one transaction: a process killed at any
//! moment leaves the previous state or the next one.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::OptionalExtension;

use super::db::Db;
use super::dir::StateDir;
use crate::custody::SecretKind;
use crate::error::{Error, Result};

/// The registry file and its schema.
pub const FILE: super::init::DbFile = super::init::DbFile {
    name: "sets.db",
    schema: SCHEMA,
};

const SCHEMA: &str = "CREATE TABLE sets (
    set_id      BLOB PRIMARY KEY CHECK (length(set_id) = 16),
    kind        TEXT NOT NULL CHECK (kind IN ('SVMK', 'PART')),
    m           INTEGER NOT NULL CHECK (m BETWEEN 1 AND 255),
    n           INTEGER NOT NULL CHECK (n BETWEEN m AND 255),
    check_value BLOB NOT NULL CHECK (length(check_value) = 8),
    label       TEXT NOT NULL,
    copied_from BLOB,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'complete', 'invalid')),
    created     INTEGER NOT NULL,
    completed   INTEGER
);
CREATE TABLE set_cards (
    set_id     BLOB NOT NULL REFERENCES sets (set_id),
    card_index INTEGER NOT NULL,
    csn        TEXT NOT NULL,
    written    INTEGER NOT NULL,
    PRIMARY KEY (set_id, card_index),
    UNIQUE (set_id, csn)
);";

/// A set's state in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetState {
    /// Cards are being written, or the writing was interrupted: never accepted.
    Pending,
    /// Every card was written and read back.
    Complete,
    /// A card write or read-back failed: never accepted.
    Invalid,
}

impl SetState {
    fn text(self) -> &'static str {
        match self {
            SetState::Pending => "pending",
            SetState::Complete => "complete",
            SetState::Invalid => "invalid",
        }
    }

    fn of(text: &str) -> Result<SetState> {
        Ok(match text {
            "pending" => SetState::Pending,
            "complete" => SetState::Complete,
            "invalid" => SetState::Invalid,
            _ => return Err(Error::StateFileDamaged),
        })
    }
}

/// What a set is: the fixed facts recorded when its first card is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetSpec {
    /// The set id (16 random bytes).
    pub set_id: [u8; 16],
    /// The secret's kind.
    pub kind: SecretKind,
    /// Cards needed (1 for a whole SVMK).
    pub m: u8,
    /// Cards in the set (1 for a whole SVMK).
    pub n: u8,
    /// The secret's check value.
    pub check_value: [u8; 8],
    /// The label written on the set's cards (may be empty).
    pub label: String,
    /// The set this one was copied from (Copy Set), if any.
    pub copied_from: Option<[u8; 16]>,
}

/// A set as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetRecord {
    /// Its fixed facts.
    pub spec: SetSpec,
    /// Its state.
    pub state: SetState,
    /// How many of its cards were recorded (each before it was written).
    pub cards: u8,
}

fn kind_text(k: SecretKind) -> &'static str {
    match k {
        SecretKind::ServerMasterKey => "SVMK",
        SecretKind::Partition => "PART",
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn storage<E>(_: E) -> Error {
    Error::KeyStorage
}

/// The set registry of one state directory.
pub struct SetRegistry {
    db: Db,
}

impl SetRegistry {
    /// Opens `sets.db` in `dir`, creating it when missing (see [`super::init::ensure`]).
    pub fn open(dir: &StateDir) -> Result<Self> {
        super::init::ensure(dir, &FILE)?;
        Ok(SetRegistry {
            db: Db::open(dir, FILE.name, "sets")?,
        })
    }

    /// Records that card `index` (serial number `csn`) of `spec` is about to be written: for
    /// index 1 the set is created `pending` (it must not exist); for a later index the set must
    /// be pending with exactly `index - 1` cards recorded, and the card not one of them. So a
    /// replayed step, a set already complete or invalid, or the same card twice is refused
    /// before the card is touched.
    pub fn begin_card(&self, spec: &SetSpec, index: u8, csn: &str) -> Result<()> {
        self.db.write(|tx| {
            if index == 1 {
                let n = tx
                    .execute(
                        "INSERT OR IGNORE INTO sets (set_id, kind, m, n, check_value, label,
                         copied_from, state, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)",
                        rusqlite::params![
                            &spec.set_id[..],
                            kind_text(spec.kind),
                            spec.m,
                            spec.n,
                            &spec.check_value[..],
                            spec.label,
                            spec.copied_from.as_ref().map(|c| c.to_vec()),
                            now()
                        ],
                    )
                    .map_err(storage)?;
                if n == 0 {
                    return Err(Error::CeremonyPhase);
                }
            } else {
                let state: Option<String> = tx
                    .query_row(
                        "SELECT state FROM sets WHERE set_id = ?1",
                        [&spec.set_id[..]],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(storage)?;
                match state.as_deref() {
                    Some("pending") => {}
                    Some("invalid") => return Err(Error::SetInvalid),
                    _ => return Err(Error::CeremonyPhase),
                }
            }
            let (count, same_card): (i64, i64) = tx
                .query_row(
                    "SELECT count(*), coalesce(sum(csn = ?2), 0) FROM set_cards WHERE set_id = ?1",
                    rusqlite::params![&spec.set_id[..], csn],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(storage)?;
            if same_card != 0 {
                return Err(Error::ShareDuplicate);
            }
            if count != i64::from(index) - 1 {
                return Err(Error::CeremonyPhase);
            }
            tx.execute(
                "INSERT INTO set_cards (set_id, card_index, csn, written) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![&spec.set_id[..], index, csn, now()],
            )
            .map_err(storage)?;
            Ok(())
        })
    }

    /// Marks the set complete: it must be pending with all N cards recorded.
    pub fn complete(&self, set_id: &[u8; 16]) -> Result<()> {
        self.db.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE sets SET state = 'complete', completed = ?2 WHERE set_id = ?1
                     AND state = 'pending'
                     AND n = (SELECT count(*) FROM set_cards WHERE set_id = ?1)",
                    rusqlite::params![&set_id[..], now()],
                )
                .map_err(storage)?;
            if n == 1 {
                Ok(())
            } else {
                Err(Error::CeremonyPhase)
            }
        })
    }

    /// Marks a pending set invalid (after a failed card write); complete sets are untouched.
    pub fn invalidate(&self, set_id: &[u8; 16]) -> Result<()> {
        self.db.write(|tx| {
            tx.execute(
                "UPDATE sets SET state = ?2 WHERE set_id = ?1 AND state = 'pending'",
                rusqlite::params![&set_id[..], SetState::Invalid.text()],
            )
            .map_err(storage)?;
            Ok(())
        })
    }

    /// The record of `set_id`, or `None` when this directory never recorded it.
    pub fn get(&self, set_id: &[u8; 16]) -> Result<Option<SetRecord>> {
        self.db.read(|tx| {
            let row = tx
                .query_row(
                    "SELECT kind, m, n, check_value, label, copied_from, state,
                     (SELECT count(*) FROM set_cards c WHERE c.set_id = s.set_id)
                     FROM sets s WHERE set_id = ?1",
                    [&set_id[..]],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, u8>(1)?,
                            r.get::<_, u8>(2)?,
                            r.get::<_, Vec<u8>>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<Vec<u8>>>(5)?,
                            r.get::<_, String>(6)?,
                            r.get::<_, u8>(7)?,
                        ))
                    },
                )
                .optional()
                .map_err(storage)?;
            let Some((kind, m, n, cv, label, from, state, cards)) = row else {
                return Ok(None);
            };
            let damaged = |_| Error::StateFileDamaged;
            Ok(Some(SetRecord {
                spec: SetSpec {
                    set_id: *set_id,
                    kind: match kind.as_str() {
                        "SVMK" => SecretKind::ServerMasterKey,
                        "PART" => SecretKind::Partition,
                        _ => return Err(Error::StateFileDamaged),
                    },
                    m,
                    n,
                    check_value: cv.as_slice().try_into().map_err(damaged)?,
                    label,
                    copied_from: from
                        .map(|f| <[u8; 16]>::try_from(f.as_slice()))
                        .transpose()
                        .map_err(damaged)?,
                },
                state: SetState::of(&state)?,
                cards,
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry, with the directory whose descriptor its SQLite path goes through.
    fn registry(tag: &str) -> (SetRegistry, (StateDir, std::path::PathBuf)) {
        let base =
            std::env::temp_dir().join(format!("softcca-unit-sets-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = StateDir::open(&base.join("state")).unwrap();
        super::super::init::prepare(&dir, &[super::super::ckds::FILE], "X'0032' on\n").unwrap();
        (SetRegistry::open(&dir).unwrap(), (dir, base))
    }

    fn spec(n: u8) -> SetSpec {
        SetSpec {
            set_id: [7; 16],
            kind: SecretKind::ServerMasterKey,
            m: 2,
            n,
            check_value: [1; 8],
            label: "SET A".into(),
            copied_from: None,
        }
    }

    #[test]
    fn pending_until_the_last_card_then_complete() {
        let (r, base) = registry("life");
        let s = spec(3);
        assert_eq!(r.get(&s.set_id).unwrap(), None);
        assert_eq!(r.begin_card(&s, 2, "A"), Err(Error::CeremonyPhase));
        r.begin_card(&s, 1, "A").unwrap();
        assert_eq!(r.begin_card(&s, 1, "B"), Err(Error::CeremonyPhase));
        assert_eq!(r.begin_card(&s, 2, "A"), Err(Error::ShareDuplicate));
        assert_eq!(r.begin_card(&s, 3, "B"), Err(Error::CeremonyPhase));
        r.begin_card(&s, 2, "B").unwrap();
        assert_eq!(r.complete(&s.set_id), Err(Error::CeremonyPhase));
        let rec = r.get(&s.set_id).unwrap().unwrap();
        assert_eq!((rec.state, rec.cards), (SetState::Pending, 2));
        r.begin_card(&s, 3, "C").unwrap();
        r.complete(&s.set_id).unwrap();
        let rec = r.get(&s.set_id).unwrap().unwrap();
        assert_eq!(
            (rec.state, rec.cards, &rec.spec),
            (SetState::Complete, 3, &s)
        );
        // Nothing more can be added, and invalidate leaves a complete set alone.
        assert_eq!(r.begin_card(&s, 4, "D"), Err(Error::CeremonyPhase));
        r.invalidate(&s.set_id).unwrap();
        assert_eq!(r.get(&s.set_id).unwrap().unwrap().state, SetState::Complete);
        let _ = std::fs::remove_dir_all(&base.1);
    }

    #[test]
    fn an_invalid_set_never_completes() {
        let (r, base) = registry("invalid");
        let s = spec(2);
        r.begin_card(&s, 1, "A").unwrap();
        r.invalidate(&s.set_id).unwrap();
        assert_eq!(r.begin_card(&s, 2, "B"), Err(Error::SetInvalid));
        assert_eq!(r.complete(&s.set_id), Err(Error::CeremonyPhase));
        assert_eq!(r.get(&s.set_id).unwrap().unwrap().state, SetState::Invalid);
        let _ = std::fs::remove_dir_all(&base.1);
    }
}
