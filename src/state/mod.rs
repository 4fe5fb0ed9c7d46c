//! The coprocessor: one state directory = one "coprocessor" (DECISIONS #14) with its
//! master-key registers, its CKDS and its access-control configuration, plus this process's
//! cache of unwrapped keys.
//!
//! Several processes may share one state directory. Master keys and CKDS records are read
//! through SQLite; what a process caches is checked against the databases' change counters on
//! every call (one `pread` each), so a record or master key changed by another process is
//! never served stale.

pub mod acp;
pub mod ckds;
pub mod db;
pub mod home;
pub mod masterkey;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use once_cell::sync::OnceCell;

use crate::codes::{Notes, Warning};
use crate::crypto::{ClearKey, Tdes};
use crate::error::{Error, Result};
use crate::label::{KeyId, Label};
use crate::token::InternalToken;
use acp::{AcpConfig, AcpFile};
use ckds::Ckds;
use masterkey::{MasterKey, MasterKeyStore};

/// Most unwrapped keys one process keeps; past this the cache is emptied (and zeroized).
const KEY_CACHE_LIMIT: usize = 4096;

/// A key resolved from a key identifier and unwrapped under the master key.
pub struct ResolvedKey {
    /// The internal token (from the caller or the CKDS).
    pub token: InternalToken,
    /// The clear key.
    pub key: ClearKey,
    /// Its expanded cipher, ready for use.
    pub cipher: Tdes,
    /// `true` when the token was wrapped under the old master key.
    pub under_old_master_key: bool,
}

/// The current and old master keys, as last read.
pub struct ActiveMasterKeys {
    /// Current master key.
    pub current: Option<MasterKey>,
    /// Old master key.
    pub old: Option<MasterKey>,
}

impl ActiveMasterKeys {
    /// The current master key, or rc 12 when none is loaded.
    pub fn current(&self) -> Result<&MasterKey> {
        self.current.as_ref().ok_or(Error::MasterKeyNotLoaded)
    }

    /// The register whose MKVP is `mkvp`: `(key, is_old)`.
    pub fn by_mkvp(&self, mkvp: &[u8; 8]) -> Result<(&MasterKey, bool)> {
        let current = self.current()?;
        if &current.mkvp == mkvp {
            return Ok((current, false));
        }
        match &self.old {
            Some(old) if &old.mkvp == mkvp => Ok((old, true)),
            _ => Err(Error::MkvpMismatch),
        }
    }
}

#[derive(Default)]
struct KeyCache {
    stamp: (u32, u32),
    keys: HashMap<[u8; 64], Arc<ResolvedKey>>,
}

/// The key cache as of one moment (see [`Coprocessor::key_view`]).
pub struct KeyView<'a> {
    cp: &'a Coprocessor,
    stamp: (u32, u32),
}

impl KeyView<'_> {
    /// Resolves and unwraps the key of identifier `id` (token or label). Cached per process;
    /// the cache is dropped whenever the CKDS or the master-key registers change. Notes a
    /// warning when the token is under the old master key.
    pub fn key(&self, id: &[u8; 64], notes: &mut Notes) -> Result<Arc<ResolvedKey>> {
        self.cp.cached_key(id, self.stamp, notes)
    }
}

/// One state directory, opened.
pub struct Coprocessor {
    dir: PathBuf,
    master_keys: MasterKeyStore,
    ckds: Ckds,
    acp: AcpFile,
    active: RwLock<Option<(u32, Arc<ActiveMasterKeys>)>>,
    cache: RwLock<KeyCache>,
}

static GLOBAL: OnceCell<Coprocessor> = OnceCell::new();

impl Coprocessor {
    /// Opens (creating when needed) the state directory `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        home::ensure(dir)?;
        Ok(Coprocessor {
            dir: dir.to_path_buf(),
            master_keys: MasterKeyStore::open(dir)?,
            ckds: Ckds::open(dir)?,
            acp: AcpFile::open(dir)?,
            active: RwLock::new(None),
            cache: RwLock::new(KeyCache::default()),
        })
    }

    /// The process's coprocessor: the state directory of [`home::resolve`], opened on first
    /// use.
    pub fn global() -> Result<&'static Coprocessor> {
        GLOBAL.get_or_try_init(|| Coprocessor::open(&home::resolve()?))
    }

    /// The state directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The CKDS.
    pub fn ckds(&self) -> &Ckds {
        &self.ckds
    }

    /// The master-key registers.
    pub fn master_key_store(&self) -> &MasterKeyStore {
        &self.master_keys
    }

    /// The access-control configuration as it is now.
    pub fn acp(&self) -> Result<Arc<AcpConfig>> {
        self.acp.get()
    }

    /// The current and old master keys, re-read when the register file changed.
    pub fn active_master_keys(&self) -> Result<Arc<ActiveMasterKeys>> {
        let counter = self.master_keys.change_counter();
        if let Some((c, keys)) = &*self.active.read().unwrap_or_else(PoisonError::into_inner) {
            if *c == counter {
                return Ok(Arc::clone(keys));
            }
        }
        let regs = self.master_keys.load()?;
        let keys = Arc::new(ActiveMasterKeys {
            current: regs.current,
            old: regs.old,
        });
        *self.active.write().unwrap_or_else(PoisonError::into_inner) =
            Some((counter, Arc::clone(&keys)));
        Ok(keys)
    }

    /// Resolves a key identifier to an internal token: a token is parsed; a label is looked up
    /// in the CKDS. Returns the label too, for verbs that write back.
    pub fn token_of(&self, id: &[u8; 64]) -> Result<(InternalToken, Option<Label>)> {
        match KeyId::classify(id)? {
            KeyId::Token(t) => Ok((InternalToken::parse(t)?, None)),
            KeyId::Label(label) => {
                let t = self.ckds.read(&label)?;
                Ok((InternalToken::parse(&t)?, Some(label)))
            }
        }
    }

    /// A view of the key cache for one call: the databases' change counters are read once
    /// here, and every [`KeyView::key`] of the call is checked against them.
    pub fn key_view(&self) -> KeyView<'_> {
        KeyView {
            cp: self,
            stamp: (
                self.ckds.change_counter(),
                self.master_keys.change_counter(),
            ),
        }
    }

    /// Resolves and unwraps the key of identifier `id` (see [`KeyView::key`]).
    pub fn key(&self, id: &[u8; 64], notes: &mut Notes) -> Result<Arc<ResolvedKey>> {
        self.key_view().key(id, notes)
    }

    fn cached_key(
        &self,
        id: &[u8; 64],
        stamp: (u32, u32),
        notes: &mut Notes,
    ) -> Result<Arc<ResolvedKey>> {
        {
            let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
            if cache.stamp == stamp {
                if let Some(k) = cache.keys.get(id) {
                    if k.under_old_master_key {
                        notes.warn(Warning::OldMasterKey);
                    }
                    return Ok(Arc::clone(k));
                }
            }
        }
        let (token, _) = self.token_of(id)?;
        let resolved = Arc::new(self.unwrap(&token)?);
        if resolved.under_old_master_key {
            notes.warn(Warning::OldMasterKey);
        }
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        if cache.stamp != stamp || cache.keys.len() >= KEY_CACHE_LIMIT {
            cache.keys.clear();
            cache.stamp = stamp;
        }
        cache.keys.insert(*id, Arc::clone(&resolved));
        Ok(resolved)
    }

    /// Unwraps a parsed token under the master key its MKVP names.
    pub fn unwrap(&self, token: &InternalToken) -> Result<ResolvedKey> {
        if !token.has_key() {
            return Err(Error::NullToken);
        }
        let active = self.active_master_keys()?;
        let (mk, old) = active.by_mkvp(&token.mkvp())?;
        let key = token.unwrap_key(&mk.key)?;
        let cipher = Tdes::new(&key);
        Ok(ResolvedKey {
            token: *token,
            key,
            cipher,
            under_old_master_key: old,
        })
    }

    /// A cipher that protects state a verb hands back to its caller between calls (the MAC
    /// chaining vector), bound to `binding`: the double-length key
    /// `E_W(binding[0:8]) ‖ E_W(binding[8:16])` with `W` = the current master key ⊕ X'A5' in
    /// every byte. Without the master key the protected state cannot be read, and state made
    /// for one binding decrypts to noise under another. State made before the master key
    /// changed becomes noise too.
    pub fn context_cipher(&self, binding: &[u8; 16]) -> Result<Tdes> {
        let active = self.active_master_keys()?;
        let mk = active.current()?;
        let mut w = mk.key.expand_to_triple();
        for b in w.iter_mut() {
            *b ^= 0xA5;
        }
        let wc = Tdes::from_triple(&w);
        zeroize::Zeroize::zeroize(&mut w);
        let (mut l, mut r) = ([0u8; 8], [0u8; 8]);
        l.copy_from_slice(&binding[..8]);
        r.copy_from_slice(&binding[8..]);
        let (el, er) = wc.encrypt2(&l, &r);
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&el);
        k[8..].copy_from_slice(&er);
        let t = Tdes::from_double(&k);
        zeroize::Zeroize::zeroize(&mut k);
        Ok(t)
    }

    /// Wraps `key` into `skeleton` under the current master key.
    pub fn wrap(&self, skeleton: &InternalToken, key: &ClearKey) -> Result<InternalToken> {
        let active = self.active_master_keys()?;
        let mk = active.current()?;
        skeleton.with_key(key, &mk.key, &mk.mkvp)
    }
}
