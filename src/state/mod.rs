//! The coprocessor: one state directory = one "coprocessor" (docs/decisions.md F14) with its
//! master-key registers, its CKDS and its access-control configuration, plus each thread's
//! cache of unwrapped keys.
//!
//! Several processes may share one state directory. Master keys and CKDS records are read
//! through SQLite; what a thread caches is checked on every call against the directory's
//! shared generation counters ([`generations`], one memory-mapped page: atomic loads, no
//! system call), so a record, master key, activation or authorisation changed by another
//! process or thread is never served stale.

pub mod acp;
pub mod backup;
pub mod ckds;
pub mod db;
pub mod dir;
pub mod generations;
pub mod home;
pub mod init;
pub mod keyring;
pub mod masterkey;
pub mod partition;
pub mod protection;
pub mod seal;
pub mod sets;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use crate::audit::AuditLog;
use crate::codes::{Notes, Warning};
use crate::crypto::{ClearKey, Tdes};
use crate::error::{Error, Result};
use crate::label::{KeyId, Label};
use crate::token::{InternalToken, KeyUse};
use acp::{AcpConfig, AcpFile};
use ckds::Ckds;
use dir::StateDir;
use generations::{Generations, Stamp};
use masterkey::{MasterKey, MasterKeyStore};
use protection::Protection;

/// The label of [`Coprocessor::context_cipher`]'s key derivation.
const CONTEXT_LABEL: &[u8] = b"softcca/context-cipher/v1";

/// Most unwrapped keys one thread keeps; past this its cache is emptied (and zeroized).
const KEY_CACHE_LIMIT: usize = 4096;

/// Numbers the coprocessors a process opens, so a thread's cache knows whose keys it holds.
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// What the cached master keys were read at: the registers and activation counters and the
/// process's epoch.
type MasterKeyStamp = (u64, u64, u64);

/// This thread's last partition answer: (coprocessor, authorisation, registers, epoch) and
/// the deadline.
type AuthorisedCache = Option<((u64, u64, u64, u64), u64)>;

thread_local! {
    static AUTHORISED: std::cell::Cell<AuthorisedCache> = const { std::cell::Cell::new(None) };
    /// This thread's unwrapped keys. Per thread, so that calls on different cores share no
    /// lock or cache line; dropped (and zeroized) when the thread ends.
    static KEYS: RefCell<KeyCache> = RefCell::new(KeyCache::default());
}

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
    /// The coprocessor instance the keys belong to.
    owner: u64,
    stamp: Option<Stamp>,
    keys: HashMap<[u8; 64], Arc<ResolvedKey>, IdHash>,
}

/// Hashing for 64-byte key identifiers: eight word-wide multiply-rotate steps from a seed drawn
/// per thread. SipHash took 5 % of a warm CSNBPCU call; this takes a fraction of that. The
/// table is per thread and bounded ([`KEY_CACHE_LIMIT`]), so a caller who crafts colliding
/// identifiers can only slow down its own thread.
#[derive(Clone, Copy)]
struct IdHash(u64);

impl Default for IdHash {
    fn default() -> Self {
        let mut seed = [0u8; 8];
        // A failing random source leaves a fixed seed: still correct, only predictable.
        let _ = crate::crypto::rng::fill(&mut seed);
        IdHash(u64::from_ne_bytes(seed) | 1)
    }
}

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.0)
    }
}

/// The hasher of [`IdHash`].
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(23) ^ u64::from_ne_bytes(w))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// The key cache as of one moment (see [`Coprocessor::key_view`]).
pub struct KeyView<'a> {
    cp: &'a Coprocessor,
    /// The shared counters and the process's epoch, read before anything else in the call:
    /// what the call reads afterwards is at least as new, so it may be cached under them.
    stamp: Stamp,
}

impl KeyView<'_> {
    /// Resolves and unwraps the key of identifier `id` (token or label) for a cryptographic
    /// operation: [`KeyView::resolve`] then [`KeyView::unwrap`].
    pub fn key(&self, id: &[u8; 64], notes: &mut Notes) -> Result<Arc<ResolvedKey>> {
        self.key_for(id, KeyUse::Operational, notes)
    }

    /// As [`KeyView::key`], for `use_`.
    pub fn key_for(
        &self,
        id: &[u8; 64],
        use_: KeyUse,
        notes: &mut Notes,
    ) -> Result<Arc<ResolvedKey>> {
        let pending = self.resolve(id, notes)?;
        self.unwrap_for(pending, use_)
    }

    /// The first half of key resolution, with the checks that come before any control-vector
    /// check (docs/decisions.md F9): label syntax and lookup, token type, version, TVV, key present,
    /// MKVP of the current or old master key. Served from the cache when the key is there.
    /// Notes the old-master-key warning.
    pub fn resolve(&self, id: &[u8; 64], notes: &mut Notes) -> Result<Pending> {
        {
            // `try_with`: after this thread's storage is torn down (a verb called from an
            // atexit handler) the call still works, uncached.
            let hit = KEYS
                .try_with(|c| {
                    let c = c.borrow();
                    if c.owner == self.cp.instance && c.stamp == Some(self.stamp) {
                        c.keys.get(id).cloned()
                    } else {
                        None
                    }
                })
                .ok()
                .flatten();
            if let Some(k) = hit {
                if k.under_old_master_key {
                    notes.warn(Warning::OldMasterKey);
                }
                return Ok(Pending::Ready(k));
            }
        }
        let token = match KeyId::classify(id)? {
            KeyId::Token(t) => InternalToken::parse(t)?,
            KeyId::Label(label) => InternalToken::parse(&self.cp.ckds.read(&label)?)?,
        };
        if !token.has_key() {
            return Err(Error::NullToken);
        }
        let active = self.cp.active_master_keys()?;
        let (_, old) = active.by_mkvp(&token.mkvp())?;
        if old {
            notes.warn(Warning::OldMasterKey);
        }
        Ok(Pending::Fresh(Box::new(FreshKey {
            id: *id,
            token,
            active,
        })))
    }

    /// The second half, for a cryptographic operation: unwraps a resolved token (a no-op for
    /// a cached key) and caches it, but only when the data it came from is exactly what this
    /// view's counters describe. The control-vector checks of
    /// [`InternalToken::unwrap_key`] come first; an incomplete key part is refused.
    pub fn unwrap(&self, pending: Pending) -> Result<Arc<ResolvedKey>> {
        self.unwrap_for(pending, KeyUse::Operational)
    }

    /// As [`KeyView::unwrap`], for `use_`. Incomplete key parts are never cached.
    pub fn unwrap_for(&self, pending: Pending, use_: KeyUse) -> Result<Arc<ResolvedKey>> {
        let fresh = match pending {
            // Only keys that passed every check of `unwrap_key` for an operational use are
            // cached; the check below keeps that true whatever the cache holds.
            Pending::Ready(k) => {
                k.token.check_cv(use_)?;
                return Ok(k);
            }
            Pending::Fresh(f) => f,
        };
        let (mk, old) = fresh.active.by_mkvp(&fresh.token.mkvp())?;
        let key = fresh.token.unwrap_key(&mk.key, use_)?;
        let cipher = Tdes::new(&key);
        let resolved = Arc::new(ResolvedKey {
            token: fresh.token,
            key,
            cipher,
            under_old_master_key: old,
        });
        let cacheable = !resolved.token.cv().is_key_part();
        if cacheable {
            let _ = KEYS.try_with(|c| {
                let mut c = c.borrow_mut();
                if c.owner == self.cp.instance && c.stamp == Some(self.stamp) {
                    if c.keys.len() >= KEY_CACHE_LIMIT {
                        c.keys.clear();
                    }
                    c.keys.insert(fresh.id, Arc::clone(&resolved));
                }
            });
        }
        Ok(resolved)
    }
}

/// A key identifier after [`KeyView::resolve`]: cached and ready, or a checked token still to
/// be unwrapped.
pub enum Pending {
    /// From the cache, unwrapped.
    Ready(Arc<ResolvedKey>),
    /// Read and checked now; not unwrapped yet.
    Fresh(Box<FreshKey>),
}

impl Pending {
    /// The key's internal token.
    pub fn token(&self) -> &InternalToken {
        match self {
            Pending::Ready(k) => &k.token,
            Pending::Fresh(f) => &f.token,
        }
    }
}

/// A resolved but not yet unwrapped key (see [`Pending`]).
pub struct FreshKey {
    id: [u8; 64],
    token: InternalToken,
    active: Arc<ActiveMasterKeys>,
}

/// One state directory, opened.
pub struct Coprocessor {
    dir: Arc<StateDir>,
    id: Option<[u8; 16]>,
    master_keys: MasterKeyStore,
    ckds: Ckds,
    acp: AcpFile,
    audit: AuditLog,
    protection: Arc<Protection>,
    /// The master keys as last read, with the (registers, activation, epoch) counters read
    /// before they were.
    active: RwLock<Option<(MasterKeyStamp, Arc<ActiveMasterKeys>)>>,
    /// This instance's number (see [`KeyCache::owner`]).
    instance: u64,
    /// The custody set registry, opened (and created) on first use.
    sets: once_cell::sync::OnceCell<sets::SetRegistry>,
    /// The profile store, opened (and created) on first use.
    profiles: once_cell::sync::OnceCell<crate::access::store::ProfileStore>,
    /// The shared counters.
    gens: Arc<Generations>,
}

/// The process's coprocessor. Leaked on purpose: it lives as long as the process, and after a
/// `fork()` the child must not touch (or drop) the parent's SQLite connections.
static GLOBAL: RwLock<Option<(u64, &'static Coprocessor)>> = RwLock::new(None);
/// Held while a thread opens the process's coprocessor, so that exactly one opening is made
/// per process generation: an opening made and then dropped would close descriptors of
/// database files that the published one's SQLite holds POSIX locks on, and on Linux closing
/// any descriptor of a file releases all of the process's locks on it.
static OPENING: Mutex<()> = Mutex::new(());
/// The process generation: bumped in a forked child by the `pthread_atfork` handler
/// [`crate::ffi`] installs, so the child's next call opens the state directory afresh instead
/// of using the parent's connections. Only read on the hot path.
static GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// This thread's copy of [`GLOBAL`] with the generation it was read at: the hot path reads
    /// it without touching a lock shared with other threads.
    static CURRENT: std::cell::Cell<Option<(u64, &'static Coprocessor)>> =
        const { std::cell::Cell::new(None) };
}

impl Coprocessor {
    /// Opens the state directory `path`, initialising it when it is new (see [`init`]).
    ///
    /// Every state file is opened relative to one directory descriptor kept for the
    /// coprocessor's life ([`dir`]). Dropping a `Coprocessor` closes its database
    /// descriptors: only do so when no other `Coprocessor` of this process has the same
    /// directory open (see [`Coprocessor::global`]).
    pub fn open(path: &Path) -> Result<Self> {
        let dir = Arc::new(StateDir::open(path)?);
        let id = init::prepare(
            &dir,
            &[masterkey::FILE, ckds::FILE],
            &AcpConfig::shipped_text(),
        )?;
        let gens = Arc::new(Generations::open(&dir)?);
        let protection = Arc::new(Protection::new(id, Arc::clone(&gens)));
        let keys: Arc<dyn masterkey::RegisterKeys> = protection.clone();
        Ok(Coprocessor {
            master_keys: MasterKeyStore::open(&dir, id, Arc::clone(&gens), keys)?,
            ckds: Ckds::open(&dir, Arc::clone(&gens))?,
            acp: AcpFile::open(Arc::clone(&dir)),
            audit: AuditLog::new(Arc::clone(&dir), id).with_mac_keys(protection.clone()),
            protection,
            dir,
            id,
            active: RwLock::new(None),
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            sets: once_cell::sync::OnceCell::new(),
            profiles: once_cell::sync::OnceCell::new(),
            gens,
        })
    }

    /// The process's coprocessor: the state directory of [`home::resolve`], opened on first
    /// use, once per process: threads racing their first call wait for the one opening (a
    /// failed opening is not kept, and the next call tries again).
    ///
    /// Fork-safe: in a child process the first call opens its own connections (SQLite forbids
    /// using a connection across `fork()`); the parent's are left untouched, never closed.
    pub fn global() -> Result<&'static Coprocessor> {
        let generation = GENERATION.load(Ordering::Acquire);
        if let Some((g, cp)) = CURRENT.get()
            && g == generation
        {
            return Ok(cp);
        }
        let published = || match *GLOBAL.read().unwrap_or_else(PoisonError::into_inner) {
            Some((g, cp)) if g == generation => Some(cp),
            _ => None,
        };
        let cp = match published() {
            Some(cp) => cp,
            None => {
                let _opening = OPENING.lock().unwrap_or_else(PoisonError::into_inner);
                match published() {
                    Some(cp) => cp,
                    None => {
                        let cp: &'static Coprocessor =
                            Box::leak(Box::new(Coprocessor::open(&home::resolve()?)?));
                        cp.note_unprotected();
                        *GLOBAL.write().unwrap_or_else(PoisonError::into_inner) =
                            Some((generation, cp));
                        cp
                    }
                }
            }
        };
        CURRENT.set(Some((generation, cp)));
        Ok(cp)
    }

    /// Says in the trace, once per opening, that an unbound directory is unprotected.
    fn note_unprotected(&self) {
        if let Err(Error::BindingRecordMismatch) = self.master_keys.checked_binding() {
            crate::ffi::trace::note(&format!(
                "state directory {}: softcca.id records a binding that masterkey.db does not \
                 hold (an interrupted binding, or masterkey.db edited or restored): every verb \
                 that needs the master key is refused, 12/X'F287' (see docs/custody.md)",
                self.dir.path().display()
            ));
        } else if let Ok(b) = self.master_keys.binding()
            && b.svmk.is_none()
        {
            crate::ffi::trace::note(&format!(
                "state directory {} is UNPROTECTED: its master-key registers are in clear in \
                 masterkey.db (not bound to an SVMK; see docs/custody.md)",
                self.dir.path().display()
            ));
        }
    }

    /// Records that this process is a freshly forked child (async-signal-safe: one atomic
    /// add; no other thread exists yet). Called from the `pthread_atfork` child handler.
    pub fn note_fork() {
        GENERATION.fetch_add(1, Ordering::AcqRel);
    }

    /// The state directory, held open ([`dir`]).
    pub(crate) fn state_dir(&self) -> &Arc<StateDir> {
        &self.dir
    }

    /// The state directory's path.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The state directory's id (`softcca.id`, docs/decisions.md F21): 16 random bytes drawn when the
    /// directory was initialised. `None` only for a read-only directory of a release before
    /// the id.
    pub fn directory_id(&self) -> Option<[u8; 16]> {
        self.id
    }

    /// The audit log (`audit.log`, [`crate::audit`]).
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// The CKDS.
    pub fn ckds(&self) -> &Ckds {
        &self.ckds
    }

    /// The custody set registry (`sets.db`), opened on first use: one opening per coprocessor
    /// (racing threads wait for it), so no second descriptor of the file is ever closed.
    pub fn sets(&self) -> Result<&sets::SetRegistry> {
        self.sets
            .get_or_try_init(|| sets::SetRegistry::open(&self.dir))
    }

    /// The profile store (`access.db`), opened (and created) on first use, once per
    /// coprocessor like [`Coprocessor::sets`].
    pub fn profiles(&self) -> Result<&crate::access::store::ProfileStore> {
        self.profiles.get_or_try_init(|| {
            crate::access::store::ProfileStore::open(&self.dir, Arc::clone(&self.gens))
        })
    }

    /// The master-key registers.
    pub fn master_key_store(&self) -> &MasterKeyStore {
        &self.master_keys
    }

    /// The access-control configuration of the calling thread's effective role as it is now
    /// (docs/access-control.md): DEFAULT when the thread has not logged on to this directory;
    /// else the role its logon names, refused when `acp.conf` no longer has that role
    /// (8/X'F300'), when the logon is weaker than the role requires (8/X'F301') or outside
    /// the role's hours and days (8/X'F302'). A directory without an id (read-only, of an
    /// earlier release) has no logon: DEFAULT.
    ///
    /// Without a logon this costs what it did before roles: one thread-local look-up, and
    /// one `statx` at most every re-check interval.
    pub fn acp(&self) -> Result<Arc<AcpConfig>> {
        let logon = self.id.as_ref().and_then(crate::access::context::current);
        let logon = self.revalidated_logon(logon)?;
        match self.acp.get(logon.as_deref()) {
            // The role a logon names is gone from acp.conf: the logon ends now, so it cannot
            // resume when the role comes back (review finding A9; docs/decisions.md D78).
            Err(Error::RoleNotDefined) if logon.is_some() => {
                crate::access::logon::end();
                Err(Error::LogonEnded)
            }
            r => r,
        }
    }

    /// A live logon whose profile still exists, is not expired, and still names the
    /// same role ([`crate::access::logon::revalidate`]: at most once per revalidation
    /// interval, at once after a profile change); a logon whose profile changed is ended and
    /// this call refused (8/X'F31C', docs/decisions.md D64). No logon: nothing to check, no
    /// system call.
    fn revalidated_logon(
        &self,
        logon: Option<Arc<crate::access::context::Logon>>,
    ) -> Result<Option<Arc<crate::access::context::Logon>>> {
        if logon.is_some() {
            crate::access::logon::revalidate(self)?;
        }
        Ok(logon)
    }

    /// The parsed `acp.conf` (all its roles and settings), as this thread last read it.
    pub fn roles(&self) -> Result<Arc<acp::Parsed>> {
        self.acp.parsed()
    }

    /// Changes the roles in `acp.conf` (see [`AcpFile::update`]): written as a new file renamed
    /// over the old one, under the directory lock.
    pub fn update_roles(
        &self,
        change: impl FnOnce(&mut crate::access::conf::Conf) -> Result<()>,
    ) -> Result<()> {
        self.acp.update(change)
    }

    /// The current and old master keys, re-read when the registers, the activation or the
    /// process's epoch moved (see [`generations`]).
    ///
    /// Every master-key path (CSNBKGN, CSNBKTC, CSNBKPI, CSNBMKP, the key views) comes
    /// through here, so each takes the rate-limited revalidation ([`Protection::tick`]):
    /// a key revoked outside softcca is seen by a process that never opens a key view.
    pub fn active_master_keys(&self) -> Result<Arc<ActiveMasterKeys>> {
        self.revalidate();
        let s = self.protection.stamp();
        let now = (s.registers, s.activation, s.epoch);
        if let Some((c, keys)) = &*self.active.read().unwrap_or_else(PoisonError::into_inner)
            && *c == now
        {
            return Ok(Arc::clone(keys));
        }
        let regs = self.master_keys.load()?;
        let keys = Arc::new(ActiveMasterKeys {
            current: regs.current,
            old: regs.old,
        });
        *self.active.write().unwrap_or_else(PoisonError::into_inner) =
            Some((now, Arc::clone(&keys)));
        Ok(keys)
    }

    /// Takes the protection's slow path when it is due ([`Protection::tick`]; warm: atomic
    /// loads and the monotonic clock, no system call).
    fn revalidate(&self) {
        self.protection.tick(|| {
            (
                self.master_keys.change_counter(),
                self.ckds.change_counter(),
            )
        });
    }

    /// The directory's protection state in this process.
    pub fn protection(&self) -> &Protection {
        &self.protection
    }

    /// The register key of the active SVMK of check value `check` (see
    /// [`masterkey::RegisterKeys`]).
    pub fn register_key(&self, check: &[u8; 8]) -> Result<Arc<seal::RegisterKey>> {
        masterkey::RegisterKeys::register_key(&*self.protection, check)
    }

    /// Until when the partition is authorised (see [`Protection::authorised_until`]).
    pub fn authorised_until(&self) -> Result<u64> {
        self.protection.authorised_until(&self.master_keys)
    }

    /// For the verbs that use operational keys (CSNBPCU, CSNBDKG, CSNBMGN, CSNBMVR, CSNBCPE):
    /// `Ok` unless the directory is bound to a partition that is not authorised
    /// ([`Error::PartitionNotAuthorised`]). Warm: the counters and, only with an expiry, the
    /// clock, compared with this thread's last answer; no system call.
    pub fn require_authorised(&self) -> Result<()> {
        let g = self.protection.generations();
        let key = (
            self.instance,
            g.get(generations::Slot::Authorisation),
            g.get(generations::Slot::Registers),
            self.protection.epoch(),
        );
        let hit = AUTHORISED.try_with(|c| c.get()).ok().flatten();
        let deadline = match hit {
            Some((k, d)) if k == key => d,
            _ => {
                // A call racing a deactivation can see the authorisation end before the
                // activation: the activation's 12 is reported first either way.
                let d = self
                    .authorised_until()
                    .or_else(|e| self.active_master_keys().and(Err(e)))?;
                let _ = AUTHORISED.try_with(|c| c.set(Some((key, d))));
                d
            }
        };
        if deadline != protection::NEVER && protection::unix_now_ms() >= deadline {
            let _ = AUTHORISED.try_with(|c| c.set(None));
            return Err(Error::PartitionNotAuthorised);
        }
        Ok(())
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
    /// here (one `pread` each). When either moved since the cache was filled, the cache is
    /// emptied now, its clear keys zeroized, before anything is used.
    pub fn key_view(&self) -> KeyView<'_> {
        self.revalidate();
        let stamp = self.protection.stamp();
        let _ = KEYS.try_with(|c| {
            let mut c = c.borrow_mut();
            if c.owner != self.instance || c.stamp != Some(stamp) {
                c.keys.clear();
                c.owner = self.instance;
                c.stamp = Some(stamp);
            }
        });
        KeyView { cp: self, stamp }
    }

    /// Resolves and unwraps the key of identifier `id` (see [`KeyView::key`]).
    pub fn key(&self, id: &[u8; 64], notes: &mut Notes) -> Result<Arc<ResolvedKey>> {
        self.key_view().key(id, notes)
    }

    /// Resolves and unwraps the key of identifier `id` for `use_` (see [`KeyView::key_for`]).
    pub fn key_for(
        &self,
        id: &[u8; 64],
        use_: KeyUse,
        notes: &mut Notes,
    ) -> Result<Arc<ResolvedKey>> {
        self.key_view().key_for(id, use_, notes)
    }

    /// Unwraps a parsed token for `use_` under the master key its MKVP names (the checks of
    /// [`InternalToken::unwrap_key`] included).
    pub fn unwrap(&self, token: &InternalToken, use_: KeyUse) -> Result<ResolvedKey> {
        if !token.has_key() {
            return Err(Error::NullToken);
        }
        let active = self.active_master_keys()?;
        let (mk, old) = active.by_mkvp(&token.mkvp())?;
        let key = token.unwrap_key(&mk.key, use_)?;
        let cipher = Tdes::new(&key);
        Ok(ResolvedKey {
            token: *token,
            key,
            cipher,
            under_old_master_key: old,
        })
    }

    /// A cipher that protects state a verb hands back to its caller between calls (the MAC
    /// chaining vector), bound to `binding`: the double-length key made of the first 16 bytes
    /// of HMAC-SHA-1(current master key, "softcca/context-cipher/v1" ‖ binding). A one-way
    /// derivation, so no control vector can turn a key-wrapping key (master key ⊕ CV) into it;
    /// without the master key the protected state cannot be read, state made for one binding
    /// decrypts to noise under another, and so does state made before the master key changed.
    pub fn context_cipher(&self, binding: &[u8; 16]) -> Result<Tdes> {
        let active = self.active_master_keys()?;
        let mk = active.current()?;
        let d = crate::crypto::kdf::hmac_sha1(mk.key.as_bytes(), &[CONTEXT_LABEL, binding]);
        let mut k = zeroize::Zeroizing::new([0u8; 16]);
        k.copy_from_slice(&d[..16]);
        Ok(Tdes::from_double(&k))
    }

    /// The key that authenticates the custody records of partial key tokens wrapped under the
    /// master key of MKVP `mkvp` (current or old; docs/decisions.md D72):
    /// HMAC-SHA-256(master key, "softcca/part-custody/v1"), one-way.
    pub fn part_record_key(&self, mkvp: &[u8; 8]) -> Result<zeroize::Zeroizing<[u8; 32]>> {
        let active = self.active_master_keys()?;
        let (mk, _) = active.by_mkvp(mkvp)?;
        Ok(crate::crypto::hmac::hmac_sha256(
            mk.key.as_bytes(),
            &[crate::access::dual::RECORD_KEY_LABEL],
        ))
    }

    /// Wraps `key` into `skeleton` under the current master key.
    pub fn wrap(&self, skeleton: &InternalToken, key: &ClearKey) -> Result<InternalToken> {
        let active = self.active_master_keys()?;
        let mk = active.current()?;
        skeleton.with_key(key, &mk.key, &mk.mkvp)
    }
}
