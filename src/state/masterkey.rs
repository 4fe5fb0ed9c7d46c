//! The DES master-key registers: new, current and old (cca-spec §5.1; CCA "Master Key
//! Process").
//!
//! They live in `masterkey.db` of the state directory, mode 0600, in clear: what protects them
//! at rest is the file mode and the directory's (see docs/state.md). Every change is one SQLite
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

use super::db::Db;
use super::dir::StateDir;
use crate::crypto::{ClearKey, LockedKey};
use crate::error::{Error, Result};

/// The register file and its schema (created once, when the state directory is initialised).
pub const FILE: super::init::DbFile = super::init::DbFile {
    name: "masterkey.db",
    schema: SCHEMA,
};

const SCHEMA: &str = "CREATE TABLE register (
    name  TEXT PRIMARY KEY CHECK (name IN ('new', 'current', 'old')),
    state TEXT NOT NULL CHECK (state IN ('partial', 'full')),
    key   BLOB NOT NULL CHECK (length(key) = 24)
);";

/// Master-key verification pattern of a 24-byte DES master key: the first 8 bytes of
/// SHA-1(X'01' ‖ MK) (DECISIONS #13; IBM "SHA-1 based master key verification method").
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
}

/// The register file.
pub struct MasterKeyStore {
    db: Db,
}

impl MasterKeyStore {
    /// Opens `masterkey.db` in `dir`.
    pub fn open(dir: &StateDir) -> Result<Self> {
        Ok(MasterKeyStore {
            db: Db::open(dir, FILE.name, "register")?,
        })
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
        let out = self.db.read_counted(load_in);
        self.db.release_memory();
        out
    }

    /// Reads the registers, lets `f` change them, and writes them back in one transaction.
    pub fn update<T>(&self, f: impl FnOnce(&mut Registers) -> Result<T>) -> Result<T> {
        let out = self.db.write(|tx| {
            let mut regs = load_in(tx)?;
            let out = f(&mut regs)?;
            store_in(tx, &regs)?;
            Ok(out)
        });
        self.db.release_memory();
        out
    }
}

fn load_in(tx: &rusqlite::Transaction<'_>) -> Result<Registers> {
    // The key goes from SQLite's value straight into its locked page.
    let get = |name: &str| -> Result<Option<(bool, LockedKey)>> {
        tx.query_row(
            "SELECT state, key FROM register WHERE name = ?1",
            [name],
            |r| {
                let partial = r.get_ref(0)?.as_str()? == "partial";
                let key = LockedKey::from_slice(r.get_ref(1)?.as_blob()?);
                Ok((partial, key))
            },
        )
        .optional()
        .map_err(|_| Error::KeyStorage)?
        .map(|(partial, key)| key.map(|k| (partial, k)).ok_or(Error::KeyStorage))
        .transpose()
    };
    let new = match get("new")? {
        None => NewRegister::Empty,
        Some((true, k)) => NewRegister::Partial(k),
        Some((false, k)) => NewRegister::Full(MasterKey::new(k)),
    };
    Ok(Registers {
        new,
        current: get("current")?.map(|(_, k)| MasterKey::new(k)),
        old: get("old")?.map(|(_, k)| MasterKey::new(k)),
    })
}

fn store_in(tx: &rusqlite::Transaction<'_>, regs: &Registers) -> Result<()> {
    tx.execute("DELETE FROM register", [])
        .map_err(|_| Error::KeyStorage)?;
    // The row is inserted with a zero key and the key written into it in place: the record
    // SQLite builds for an INSERT stays in a per-connection buffer until the connection
    // closes, so it must not hold the key.
    let put = |name: &str, state: &str, key: &ClearKey| -> Result<()> {
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
