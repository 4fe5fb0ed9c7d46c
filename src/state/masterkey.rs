//! The DES master-key registers: new, current and old (CCA "Master Key
//! Process").
//!
//! They live in `masterkey.db` of the state directory, mode 0600: in clear in an *unbound*
//! directory (what protects them at rest is then only the file mode and the directory's, see
//! docs/state.md), sealed under the directory's SVMK in a *bound* one ([`super::seal`],
//! docs/custody.md), where reading or writing them needs the SVMK active. Every change is one SQLite
//! transaction, so a process killed during SET leaves either the old or the new registers,
//! never a mix.
//!
//! In memory each register is a [`LockedKey`]: one page, locked and kept out of core dumps,
//! filled in place from SQLite's row (no intermediate buffer) and wiped when dropped; the values
//! that hold it move a pointer, never the key. SQLite's own copies (its page cache, the
//! statement's value buffers) are freed and wiped after each read and write (see
//! [`Db::release_memory`]); the key is written into the row with incremental blob I/O, so that
//! the record SQLite assembles for the insert (and keeps in a buffer for the connection's life)
//! holds zeros instead of the key.

use rusqlite::OptionalExtension;
use rusqlite::blob::ZeroBlob;
use sha1::{Digest, Sha1};

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::db::Db;
use super::dir::{DirLock, StateDir};
use super::generations::{Generations, Slot};
use super::init::{self, BindingRecord};
use super::seal::RegisterKey;
use crate::access::dual::Loaders;
use crate::crypto::ct::ct_eq;
use crate::crypto::{ClearKey, LockedKey};
use crate::error::{Error, Result};

/// The register file and its schema (created once, when the state directory is initialised).
pub const FILE: init::DbFile = init::DbFile {
    name: "masterkey.db",
    schema: SCHEMA,
};

const SCHEMA: &str = "CREATE TABLE register (
    name  TEXT PRIMARY KEY CHECK (name IN ('new', 'current', 'old')),
    state TEXT NOT NULL CHECK (state IN ('partial', 'full')),
    key   BLOB NOT NULL CHECK (length(key) = 24)
);";

/// The tables of `masterkey.db` created after its first schema, with the SQL that creates
/// each when missing (a restore gives the directory the tables its backup has).
pub(crate) const LATER_TABLES: &[(&str, &str)] = &[
    ("new_register_loaders", LOADERS_SCHEMA),
    ("binding", BOUND_SCHEMA),
    ("sealed_register", BOUND_SCHEMA),
    ("partition", PARTITION_SCHEMA),
];

/// Master-key verification pattern of a 24-byte DES master key: the first 8 bytes of
/// SHA-1(X'01' ‖ MK) (docs/decisions.md F13; IBM "SHA-1 based master key verification method").
pub fn mkvp(master_key: &ClearKey) -> [u8; 8] {
    let mut h = Sha1::new();
    h.update([0x01]);
    h.update(master_key.as_bytes());
    // Finalised in place (not by value, which would copy the buffered key bytes); the state
    // is wiped when `h` drops (sha1's zeroize feature).
    let d = h.finalize_reset();
    let mut out = [0u8; 8];
    out.copy_from_slice(&d[..8]);
    out
}

/// A loaded master key and its verification pattern.
pub struct MasterKey {
    /// The 24-byte key, in its locked page.
    pub key: LockedKey,
    /// Its MKVP.
    pub mkvp: [u8; 8],
}

impl MasterKey {
    /// The register holding `key`, with its MKVP.
    pub fn new(key: LockedKey) -> Self {
        let mkvp = mkvp(&key);
        MasterKey { key, mkvp }
    }
}

/// The new-master-key register.
pub enum NewRegister {
    /// Cleared.
    Empty,
    /// FIRST (and perhaps MIDDLE) parts loaded; not yet usable.
    Partial(LockedKey),
    /// Complete (LAST or RANDOM); SET can make it current.
    Full(MasterKey),
}

/// The three registers.
pub struct Registers {
    /// New master-key register.
    pub new: NewRegister,
    /// Current master key, used to wrap new tokens.
    pub current: Option<MasterKey>,
    /// Old master key, still accepted for unwrapping until tokens are re-enciphered.
    pub old: Option<MasterKey>,
    /// Who loaded the new register's parts or generated it (dual control, docs/CSNBMKP.md);
    /// nobody for an empty register and for one loaded before dual control.
    pub new_loaders: Loaders,
}

/// The new register's dual-control record (docs/decisions.md D70), beside the register in
/// both forms of the file: a row only while the record is not empty. Created by the first write
/// (directories made before dual control do not have it). In a bound directory the record is
/// also in the sealed new register's associated data, so the row cannot be changed without
/// the register failing to open.
const LOADERS_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS new_register_loaders (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    loaders BLOB NOT NULL CHECK (length(loaders) > 0)
);";

/// Where a bound directory's register key comes from (the SVMK activation,
/// [`super::protection::Protection`]).
pub trait RegisterKeys: Send + Sync {
    /// The register key of the SVMK whose check value is `check`, or why there is none
    /// (not activated, keyring unavailable).
    fn register_key(&self, check: &[u8; 8]) -> Result<Arc<RegisterKey>>;
}

/// The tables of a bound directory (created in the binding transaction).
const BOUND_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS binding (
    one         INTEGER PRIMARY KEY CHECK (one = 1),
    check_value BLOB NOT NULL CHECK (length(check_value) = 8)
);
CREATE TABLE IF NOT EXISTS sealed_register (
    name   TEXT PRIMARY KEY CHECK (name IN ('new', 'current', 'old')),
    state  TEXT NOT NULL CHECK (state IN ('partial', 'full')),
    nonce  BLOB NOT NULL CHECK (length(nonce) = 24),
    sealed BLOB NOT NULL CHECK (length(sealed) = 40)
);";

/// The table of a partition binding (docs/custody.md).
const PARTITION_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS partition (
    one          INTEGER PRIMARY KEY CHECK (one = 1),
    check_value  BLOB NOT NULL CHECK (length(check_value) = 8),
    salt         BLOB NOT NULL CHECK (length(salt) = 16),
    hash         BLOB NOT NULL CHECK (length(hash) = 32),
    m_cost       INTEGER NOT NULL,
    t_cost       INTEGER NOT NULL,
    p_cost       INTEGER NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0
);";

/// A directory's partition binding, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionRecord {
    /// Check value of the partition secret.
    pub check: [u8; 8],
    /// Argon2id salt.
    pub salt: [u8; 16],
    /// Argon2id hash of the password (32 bytes).
    pub hash: [u8; 32],
    /// Argon2id memory (KiB), passes and lanes.
    pub params: (u32, u32, u32),
    /// Wrong passwords since the last right one.
    pub failures: u32,
    /// Unix time in milliseconds before which no password is tried.
    pub locked_until: i64,
}

impl PartitionRecord {
    /// The fields the sealed registers commit to (docs/decisions.md D58): check value, salt,
    /// hash and the Argon2id parameters (big-endian), but not the counts of wrong passwords,
    /// which change with every try.
    pub fn commitment(&self) -> [u8; 68] {
        let mut c = [0u8; 68];
        c[..8].copy_from_slice(&self.check);
        c[8..24].copy_from_slice(&self.salt);
        c[24..56].copy_from_slice(&self.hash);
        c[56..60].copy_from_slice(&self.params.0.to_be_bytes());
        c[60..64].copy_from_slice(&self.params.1.to_be_bytes());
        c[64..68].copy_from_slice(&self.params.2.to_be_bytes());
        c
    }
}

/// Serialises the binding changes of this process (the directory's `flock` serialises those
/// of different processes, but not two threads of one).
static BINDING: Mutex<()> = Mutex::new(());

/// What a directory is bound to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Binding {
    /// The SVMK's check value, when bound to one.
    pub svmk: Option<[u8; 8]>,
    /// The partition binding, when bound to one.
    pub partition: Option<PartitionRecord>,
}

/// The register file.
pub struct MasterKeyStore {
    db: Db,
    keys: Arc<dyn RegisterKeys>,
    dir: Arc<StateDir>,
    id: Option<[u8; 16]>,
}

/// Both binding locks: this process's and the directory's.
type Exclusive<'a> = (MutexGuard<'static, ()>, DirLock<'a>);

impl MasterKeyStore {
    /// Opens `masterkey.db` in `dir` of id `id` (`None`: a read-only directory of a release
    /// before the id); every committed write increments the registers counter of `gens`; a
    /// bound directory's register key comes from `keys`.
    pub fn open(
        dir: &Arc<StateDir>,
        id: Option<[u8; 16]>,
        gens: Arc<Generations>,
        keys: Arc<dyn RegisterKeys>,
    ) -> Result<Self> {
        Ok(MasterKeyStore {
            db: Db::open(dir, FILE.name, "register")?.with_generation(gens, Slot::Registers),
            keys,
            dir: Arc::clone(dir),
            id,
        })
    }

    /// The bindings `softcca.id` records (docs/decisions.md D57), read afresh: nothing for a
    /// directory without an id; [`Error::StateFileDamaged`] for an id file that names another
    /// directory than the one opened.
    pub fn recorded(&self) -> Result<BindingRecord> {
        let Some(id) = self.id else {
            return Ok(BindingRecord::default());
        };
        let (file_id, record) = init::read_binding(&self.dir)?;
        if file_id != id {
            return Err(Error::StateFileDamaged);
        }
        Ok(record)
    }

    /// Takes both binding locks (see [`BINDING`]).
    pub(crate) fn exclusive(&self) -> Result<Exclusive<'_>> {
        let guard = BINDING.lock().unwrap_or_else(PoisonError::into_inner);
        Ok((guard, self.dir.lock()?))
    }

    /// Runs `f`; when it finds `masterkey.db` and `softcca.id` disagreeing
    /// ([`Error::BindingRecordMismatch`]) it runs again under the binding locks, so that a
    /// binding in progress (id file written, transaction not yet committed) is waited for
    /// instead of reported.
    fn settled<T>(&self, f: impl Fn() -> Result<T>) -> Result<T> {
        match f() {
            Err(Error::BindingRecordMismatch) => {
                let _locks = self.exclusive()?;
                f()
            }
            out => out,
        }
    }

    /// The change counter of the register file (see [`Db::change_counter`]).
    pub fn change_counter(&self) -> Option<u32> {
        self.db.change_counter()
    }

    /// Reads all three registers.
    pub fn load(&self) -> Result<Registers> {
        self.load_counted().map(|(regs, _)| regs)
    }

    /// Reads all three registers and the change counter of that snapshot (see
    /// [`Db::read_counted`]).
    pub fn load_counted(&self) -> Result<(Registers, Option<u32>)> {
        let out = self.settled(|| {
            let record = self.recorded()?;
            self.db.read_counted(|tx| load_in(tx, &*self.keys, &record))
        });
        self.db.release_memory();
        out
    }

    /// Reads the registers, lets `f` change them, and writes them back in one transaction
    /// (sealed when the directory is bound).
    pub fn update<T>(&self, f: impl FnOnce(&mut Registers) -> Result<T>) -> Result<T> {
        // The check runs (and is settled) before `f`, which runs once.
        let record = self.settled(|| {
            let record = self.recorded()?;
            self.db.read(|tx| agrees(&record, tx))?;
            Ok(record)
        })?;
        let out = self.db.write(|tx| {
            let partition = agrees(&record, tx)?;
            let sealing = match binding_in(tx)? {
                None => None,
                Some(check) => Some(self.keys.register_key(&check)?),
            };
            let commit = partition.as_ref().map(PartitionRecord::commitment);
            let commit = commit.as_ref().map(|c| &c[..]);
            let mut regs = load_with(tx, sealing.as_deref(), commit)?;
            let out = f(&mut regs)?;
            store_in(tx, &regs, sealing.as_deref(), commit)?;
            Ok(out)
        });
        self.db.release_memory();
        out
    }

    /// What the directory is bound to, as `masterkey.db` says (whatever `softcca.id` records:
    /// see [`MasterKeyStore::checked_binding`]).
    pub fn binding(&self) -> Result<Binding> {
        self.db.read(whole_binding_in)
    }

    /// What `masterkey.db` is bound to, once it holds what `record` records.
    fn binding_agreeing(&self, record: &BindingRecord) -> Result<Binding> {
        self.db.read(|tx| {
            agrees(record, tx)?;
            whole_binding_in(tx)
        })
    }

    /// What the directory is bound to, once `masterkey.db` and `softcca.id` agree
    /// ([`Error::BindingRecordMismatch`] when they do not).
    pub fn checked_binding(&self) -> Result<Binding> {
        self.settled(|| self.binding_agreeing(&self.recorded()?))
    }

    /// Writes into `softcca.id` what `masterkey.db` is bound to when the id file records
    /// nothing (a directory bound by an earlier release): from then on the checks of
    /// docs/decisions.md D57 cover it too. Nothing when the id file already records the
    /// binding or the directory is not bound; [`Error::BindingRecordMismatch`] when the two
    /// disagree.
    pub fn record_binding(&self) -> Result<()> {
        let Some(id) = self.id else {
            return Ok(());
        };
        let _locks = self.exclusive()?;
        let record = self.recorded()?;
        let binding = self.binding_agreeing(&record)?;
        let full = BindingRecord {
            svmk: binding.svmk,
            partition: binding.partition.map(|p| p.check),
        };
        if full == record || !self.dir.writable() {
            return Ok(());
        }
        init::record_binding(&self.dir, &id, &full)
    }

    /// Binds the directory to the SVMK of check value `check` whose register key is `key`
    /// (docs/decisions.md D50, D57): in one transaction the clear registers are sealed, the
    /// clear rows deleted (overwritten: `secure_delete`) and the binding recorded; inside it,
    /// just before the commit, `softcca.id` is rewritten to record the binding, so a crash
    /// between the two leaves an id file that says bound over clear registers, which every
    /// verb refuses ([`Error::BindingRecordMismatch`]) until this binding is made again with
    /// the same SVMK. Refused: [`Error::DirectoryAlreadyBound`] when bound,
    /// [`Error::WrongSecret`] when the id file records a binding to another SVMK.
    pub fn bind(&self, key: &RegisterKey, check: &[u8; 8]) -> Result<()> {
        let id = self.id.ok_or(Error::StateFileDamaged)?;
        let locks = self.exclusive()?;
        let mut record = self.recorded()?;
        let out = self.db.write(|tx| {
            if binding_in(tx)?.is_some() {
                return Err(Error::DirectoryAlreadyBound);
            }
            if record.svmk.is_some_and(|c| c != *check) {
                return Err(Error::WrongSecret);
            }
            let partition = agrees(
                &BindingRecord {
                    svmk: None,
                    ..record
                },
                tx,
            )?;
            tx.execute_batch(BOUND_SCHEMA)
                .map_err(|_| Error::KeyStorage)?;
            let commit = partition.as_ref().map(PartitionRecord::commitment);
            let commit = commit.as_ref().map(|c| &c[..]);
            let regs = load_with(tx, None, None)?;
            tx.execute("DELETE FROM register", [])
                .map_err(|_| Error::KeyStorage)?;
            tx.execute(
                "INSERT INTO binding (one, check_value) VALUES (1, ?1)",
                [&check[..]],
            )
            .map_err(|_| Error::KeyStorage)?;
            store_in(tx, &regs, Some(key), commit)?;
            if record.svmk.is_none() {
                record.svmk = Some(*check);
                init::record_binding(&self.dir, &id, &record)?;
            }
            Ok(())
        });
        drop(locks);
        self.db.release_memory();
        out?;
        self.compact()
    }

    /// Rebuilds the file (`VACUUM`): no page of it keeps a byte of what was deleted, and the
    /// free pages go.
    fn compact(&self) -> Result<()> {
        let out = self
            .db
            .conn()
            .execute_batch("VACUUM")
            .map_err(|_| Error::KeyStorage);
        self.db.release_memory();
        out
    }

    /// Records the partition binding `record` (docs/decisions.md D57, D58): in one
    /// transaction the partition row is written and, in a directory bound to an SVMK, every
    /// sealed register sealed again committing to it (the register key is needed:
    /// [`Error::NotActivated`] when the SVMK is not active); inside it, just before the commit,
    /// `softcca.id` is rewritten to record the partition, so a crash between the two leaves a
    /// directory every verb refuses ([`Error::BindingRecordMismatch`]) until this binding is
    /// made again with the same partition secret. Refused: [`Error::PartitionAlreadyBound`]
    /// when bound, [`Error::WrongSecret`] when the id file records another partition.
    pub fn bind_partition(&self, record: &PartitionRecord) -> Result<()> {
        let id = self.id.ok_or(Error::StateFileDamaged)?;
        let locks = self.exclusive()?;
        let mut recorded = self.recorded()?;
        let out = self.db.write(|tx| {
            if partition_in(tx)?.is_some() {
                return Err(Error::PartitionAlreadyBound);
            }
            if recorded.partition.is_some_and(|c| c != record.check) {
                return Err(Error::WrongSecret);
            }
            agrees(
                &BindingRecord {
                    partition: None,
                    ..recorded
                },
                tx,
            )?;
            let sealing = match binding_in(tx)? {
                None => None,
                Some(check) => Some(self.keys.register_key(&check)?),
            };
            let regs = load_with(tx, sealing.as_deref(), None)?;
            tx.execute_batch(PARTITION_SCHEMA)
                .map_err(|_| Error::KeyStorage)?;
            tx.execute(
                "INSERT INTO partition (one, check_value, salt, hash, m_cost, t_cost, p_cost)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    &record.check[..],
                    &record.salt[..],
                    &record.hash[..],
                    record.params.0,
                    record.params.1,
                    record.params.2
                ],
            )
            .map_err(|_| Error::KeyStorage)?;
            if sealing.is_some() {
                store_in(tx, &regs, sealing.as_deref(), Some(&record.commitment()))?;
            }
            if recorded.partition.is_none() {
                recorded.partition = Some(record.check);
                init::record_binding(&self.dir, &id, &recorded)?;
            }
            Ok(())
        });
        drop(locks);
        self.db.release_memory();
        out
    }

    /// Counts a password try before it is made (docs/custody.md): refused with
    /// [`Error::PartitionLocked`] while `now` is before the lock-out's end, else counted as a
    /// failure with the lock-out that follows it; returns the record to verify against.
    pub fn reserve_password_try(&self, now_ms: u64) -> Result<PartitionRecord> {
        self.db.write(|tx| {
            let rec = partition_in(tx)?.ok_or(Error::PartitionNotBound)?;
            let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
            if now < rec.locked_until {
                return Err(Error::PartitionLocked);
            }
            let failures = rec.failures.saturating_add(1);
            let until =
                now.saturating_add(super::partition::delay_after(failures).saturating_mul(1000));
            tx.execute(
                "UPDATE partition SET failures = ?1, locked_until = ?2 WHERE one = 1",
                rusqlite::params![failures, until],
            )
            .map_err(|_| Error::KeyStorage)?;
            Ok(rec)
        })
    }

    /// Records the outcome of a password try: `Some((failures, locked_until))` after a wrong
    /// one, `None` after a right one (the counter goes back to 0).
    pub fn record_password_try(&self, failed: Option<(u32, i64)>) -> Result<()> {
        let (failures, until) = failed.unwrap_or((0, 0));
        self.db.write(|tx| {
            tx.execute(
                "UPDATE partition SET failures = ?1, locked_until = ?2 WHERE one = 1",
                rusqlite::params![failures, until],
            )
            .map_err(|_| Error::KeyStorage)?;
            Ok(())
        })
    }
}

fn table_exists(tx: &rusqlite::Transaction<'_>, name: &str) -> Result<bool> {
    tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n == 1)
    .map_err(|_| Error::KeyStorage)
}

/// The SVMK check value when the directory is bound.
fn binding_in(tx: &rusqlite::Transaction<'_>) -> Result<Option<[u8; 8]>> {
    if !table_exists(tx, "binding")? {
        return Ok(None);
    }
    let v: Option<Vec<u8>> = tx
        .query_row("SELECT check_value FROM binding WHERE one = 1", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|_| Error::KeyStorage)?;
    v.map(|v| v.try_into().map_err(|_| Error::StateFileDamaged))
        .transpose()
}

fn partition_in(tx: &rusqlite::Transaction<'_>) -> Result<Option<PartitionRecord>> {
    if !table_exists(tx, "partition")? {
        return Ok(None);
    }
    type Row = (Vec<u8>, Vec<u8>, Vec<u8>, u32, u32, u32, u32, i64);
    let row: Option<Row> = tx
        .query_row(
            "SELECT check_value, salt, hash, m_cost, t_cost, p_cost, failures, locked_until
             FROM partition WHERE one = 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .optional()
        .map_err(|_| Error::KeyStorage)?;
    let Some((check, salt, hash, m, t, p, failures, locked_until)) = row else {
        return Ok(None);
    };
    let damaged = |_| Error::StateFileDamaged;
    Ok(Some(PartitionRecord {
        check: check.try_into().map_err(damaged)?,
        salt: salt.try_into().map_err(damaged)?,
        hash: hash.try_into().map_err(damaged)?,
        params: (m, t, p),
        failures,
        locked_until,
    }))
}

fn whole_binding_in(tx: &rusqlite::Transaction<'_>) -> Result<Binding> {
    Ok(Binding {
        svmk: binding_in(tx)?,
        partition: partition_in(tx)?,
    })
}

/// Checks that `masterkey.db` holds every binding `softcca.id` records (docs/decisions.md
/// D57): [`Error::BindingRecordMismatch`] when the id file records an SVMK or a partition the
/// file does not hold, or holds with another check value. Returns the partition binding.
fn agrees(
    record: &BindingRecord,
    tx: &rusqlite::Transaction<'_>,
) -> Result<Option<PartitionRecord>> {
    let held = |recorded: Option<[u8; 8]>, stored: Option<[u8; 8]>| {
        recorded.is_none_or(|r| stored.is_some_and(|s| ct_eq(&r, &s)))
    };
    let partition = partition_in(tx)?;
    if held(record.svmk, binding_in(tx)?)
        && held(record.partition, partition.as_ref().map(|p| p.check))
    {
        Ok(partition)
    } else {
        Err(Error::BindingRecordMismatch)
    }
}

fn load_in(
    tx: &rusqlite::Transaction<'_>,
    keys: &dyn RegisterKeys,
    record: &BindingRecord,
) -> Result<Registers> {
    let partition = agrees(record, tx)?;
    let sealing = match binding_in(tx)? {
        None => None,
        Some(check) => Some(keys.register_key(&check)?),
    };
    let commit = partition.as_ref().map(PartitionRecord::commitment);
    load_with(tx, sealing.as_deref(), commit.as_ref().map(|c| &c[..]))
}

/// Reads the registers: clear ones when `sealing` is `None`, else the sealed ones opened
/// under it, as sealed committing to the partition binding `commit` (or by an earlier release)
/// and, for the new register, to its dual-control record.
fn load_with(
    tx: &rusqlite::Transaction<'_>,
    sealing: Option<&RegisterKey>,
    commit: Option<&[u8]>,
) -> Result<Registers> {
    let record: Vec<u8> = if table_exists(tx, "new_register_loaders")? {
        tx.query_row(
            "SELECT loaders FROM new_register_loaders WHERE one = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(|_| Error::KeyStorage)?
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    // The key goes from SQLite's value straight into its locked page.
    let get = |name: &str| -> Result<Option<(bool, LockedKey)>> {
        let record: &[u8] = if name == "new" { &record } else { &[] };
        match sealing {
            None => tx
                .query_row(
                    "SELECT state, key FROM register WHERE name = ?1",
                    [name],
                    |r| {
                        let partial = r.get_ref(0)?.as_str()? == "partial";
                        let key = LockedKey::from_slice(r.get_ref(1)?.as_blob()?);
                        Ok((partial, key.ok_or(Error::KeyStorage)))
                    },
                )
                .optional()
                .map_err(|_| Error::KeyStorage)?
                .map(|(partial, key)| key.map(|k| (partial, k)))
                .transpose(),
            Some(k) => tx
                .query_row(
                    "SELECT state, nonce, sealed FROM sealed_register WHERE name = ?1",
                    [name],
                    |r| {
                        let state = r.get_ref(0)?.as_str()?;
                        let key = k.open(
                            name,
                            state,
                            commit,
                            record,
                            r.get_ref(1)?.as_blob()?,
                            r.get_ref(2)?.as_blob()?,
                        );
                        Ok((state == "partial", key))
                    },
                )
                .optional()
                .map_err(|_| Error::KeyStorage)?
                .map(|(partial, key)| key.map(|k| (partial, k)))
                .transpose(),
        }
    };
    let new = match get("new")? {
        None => NewRegister::Empty,
        Some((true, k)) => NewRegister::Partial(k),
        Some((false, k)) => NewRegister::Full(MasterKey::new(k)),
    };
    // A record without a new register is a damaged file (store_in never writes one).
    if matches!(new, NewRegister::Empty) && !record.is_empty() {
        return Err(Error::StateFileDamaged);
    }
    Ok(Registers {
        new,
        current: get("current")?.map(|(_, k)| MasterKey::new(k)),
        old: get("old")?.map(|(_, k)| MasterKey::new(k)),
        new_loaders: Loaders::decode(&record)?,
    })
}

/// Writes the registers: clear when `sealing` is `None`, else sealed under it committing to
/// the partition binding `commit`.
fn store_in(
    tx: &rusqlite::Transaction<'_>,
    regs: &Registers,
    sealing: Option<&RegisterKey>,
    commit: Option<&[u8]>,
) -> Result<()> {
    let table = if sealing.is_some() {
        "sealed_register"
    } else {
        "register"
    };
    tx.execute(&format!("DELETE FROM {table}"), [])
        .map_err(|_| Error::KeyStorage)?;
    // An empty register has no record, whatever the caller left in `new_loaders`.
    let record = match regs.new {
        NewRegister::Empty => Vec::new(),
        _ => regs.new_loaders.encode(),
    };
    if !record.is_empty() || table_exists(tx, "new_register_loaders")? {
        tx.execute_batch(LOADERS_SCHEMA)
            .map_err(|_| Error::KeyStorage)?;
        tx.execute("DELETE FROM new_register_loaders", [])
            .map_err(|_| Error::KeyStorage)?;
    }
    if !record.is_empty() {
        tx.execute(
            "INSERT INTO new_register_loaders (one, loaders) VALUES (1, ?1)",
            [&record],
        )
        .map_err(|_| Error::KeyStorage)?;
    }
    // Clear: the row is inserted with a zero key and the key written into it in place: the
    // record SQLite builds for an INSERT stays in a per-connection buffer until the connection
    // closes, so it must not hold the key. Sealed: only the sealed bytes reach SQLite.
    let put = |name: &str, state: &str, key: &ClearKey| -> Result<()> {
        if let Some(k) = sealing {
            let bound: &[u8] = if name == "new" { &record } else { &[] };
            let (nonce, sealed) = k.seal(name, state, commit, bound, key.as_bytes())?;
            tx.execute(
                "INSERT INTO sealed_register (name, state, nonce, sealed) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![name, state, &nonce[..], &sealed[..]],
            )
            .map_err(|_| Error::KeyStorage)?;
            return Ok(());
        }
        tx.execute(
            "INSERT INTO register (name, state, key) VALUES (?1, ?2, ?3)",
            rusqlite::params![name, state, ZeroBlob(24)],
        )
        .map_err(|_| Error::KeyStorage)?;
        let mut blob = tx
            .blob_open(
                rusqlite::DatabaseName::Main,
                "register",
                "key",
                tx.last_insert_rowid(),
                false,
            )
            .map_err(|_| Error::KeyStorage)?;
        blob.write_at(key.as_bytes(), 0)
            .map_err(|_| Error::KeyStorage)?;
        blob.close().map_err(|_| Error::KeyStorage)
    };
    match &regs.new {
        NewRegister::Empty => {}
        NewRegister::Partial(k) => put("new", "partial", k)?,
        NewRegister::Full(m) => put("new", "full", &m.key)?,
    }
    if let Some(m) = &regs.current {
        put("current", "full", &m.key)?;
    }
    if let Some(m) = &regs.old {
        put("old", "full", &m.key)?;
    }
    Ok(())
}
