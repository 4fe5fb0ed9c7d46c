//! The shared generation counters of a state directory: `softcca.gen`, one page mapped shared
//! by every process that opens the directory ([`crate::ffi::shared_page`]).
//!
//! Each counter names one kind of state: the master-key registers (and the directory's
//! binding), the CKDS, the SVMK activation and the partition authorisation. Whoever changes
//! that state increments its counter (after the change is committed); every call compares the
//! counters with the ones its caches were filled at: an atomic load each, no system call.
//! A process that sees a counter move drops what it cached and reads the state again.
//!
//! The file is created (4096 zero bytes, under the directory's lock, synced, renamed into place) when a directory
//! is opened and it is missing; a file of another size is refused (a shorter one would fault
//! when read). A process killed between a commit and its increment leaves the others' caches
//! stale until they revalidate by their slow path ([`super::protection`]: at most
//! `SOFTCCA_REVALIDATE_MS` later).
//!
//! **A replaced file.** A process maps the file it opened; a file deleted or replaced under
//! the same name would detach it from every later counter move (a deactivation included). So
//! the file has a second name, `.softcca-gen.keep` (a hard link to the same inode): an opening
//! that finds `softcca.gen` missing gives it back that inode instead of creating a new file,
//! and every running process stays attached. And each process's slow path compares the
//! name's (device, inode) with the mapped file's ([`Generations::recheck`], one `fstatat`
//! through the directory descriptor, never on the warm path): when they differ it maps the
//! file now under the name and revalidates everything. A directory where the counters cannot
//! be moved for the other processes (read-only) refuses deactivation
//! ([`Generations::movable`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::dir::{Entry, StateDir};
use crate::error::{Error, Result};
use crate::ffi::shared_page::{LEN, SharedPage};

/// The counters file.
pub const FILE: &str = "softcca.gen";
/// Its name while it is written.
const TEMP: &str = ".softcca-gen.tmp";
/// Its second name (the same inode), which gives a deleted `softcca.gen` back.
const KEEP: &str = ".softcca-gen.keep";
/// Files mapped again after a replacement before the process stops trusting the counters
/// (then it revalidates on every call, as with private counters).
const REMAPS: usize = 7;

/// Which counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `masterkey.db`: registers, SVMK binding, partition binding.
    Registers = 1,
    /// `ckds.db`.
    Ckds = 2,
    /// The SVMK activation (kernel keyring).
    Activation = 3,
    /// The partition authorisation (kernel keyring).
    Authorisation = 4,
    /// `access.db`: user profiles (a logged-on thread revalidates at once).
    Profiles = 5,
}

/// A file's identity: (device, inode).
type Identity = (u64, u64);

/// The mapped counters.
pub struct Generations {
    first: SharedPage,
    /// The files mapped after a replacement (never unmapped: a call may be reading one).
    later: [OnceLock<SharedPage>; REMAPS],
    /// 0: `first`; i: `later[i - 1]`.
    current: AtomicUsize,
    shared: AtomicBool,
    dir: Arc<StateDir>,
    /// The identity of the mapped file (`None` for private counters).
    identity: Mutex<Option<Identity>>,
}

fn identity_of(s: &rustix::fs::Stat) -> Identity {
    #[allow(clippy::unnecessary_cast)] // the field types differ between targets
    (s.st_dev as u64, s.st_ino as u64)
}

/// Opens `softcca.gen` (checked, 4096 bytes) and maps it: the page and the file's identity.
fn map_file(dir: &StateDir) -> Result<(SharedPage, Identity)> {
    let (fd, writable) = dir.open_file(FILE, true)?;
    let st = rustix::fs::fstat(&fd).map_err(|_| Error::StateDirectory)?;
    if usize::try_from(st.st_size).ok() != Some(LEN) {
        return Err(Error::StateFileDamaged);
    }
    let page =
        SharedPage::map(std::os::fd::AsFd::as_fd(&fd), writable).ok_or(Error::StateDirectory)?;
    Ok((page, identity_of(&st)))
}

/// Under the directory's lock: makes `softcca.gen` exist (given back from its second name
/// when deleted, else created) and its second name point to it.
fn prepare(dir: &StateDir) -> Result<()> {
    if dir.entry(FILE)? == Entry::Missing {
        if dir.entry(KEEP)? == Entry::File {
            dir.link(KEEP, FILE)?;
        } else {
            // Complete before it has its name: a process killed while writing it leaves only
            // the temporary name, which the next opening replaces.
            dir.remove(TEMP, false)?;
            dir.create_file(TEMP, &[0u8; LEN])?;
            dir.rename(TEMP, FILE)?;
        }
        dir.sync()?;
    }
    let same = match (dir.stat(FILE), dir.stat(KEEP)) {
        (Ok(a), Ok(b)) => identity_of(&a) == identity_of(&b),
        _ => false,
    };
    if !same {
        dir.remove(KEEP, false)?;
        dir.link(FILE, KEEP)?;
        dir.sync()?;
    }
    Ok(())
}

impl Generations {
    /// Opens (creating when missing and the directory is writable) and maps `softcca.gen`.
    /// A read-only directory without the file gets private counters nobody else moves.
    pub fn open(dir: &Arc<StateDir>) -> Result<Self> {
        let _lock = dir.lock()?;
        let (first, identity) = if dir.writable() {
            prepare(dir)?;
            let (p, i) = map_file(dir)?;
            (p, Some(i))
        } else if dir.entry(FILE)? == Entry::Missing {
            (SharedPage::private().ok_or(Error::StateDirectory)?, None)
        } else {
            let (p, i) = map_file(dir)?;
            (p, Some(i))
        };
        Ok(Generations {
            first,
            later: Default::default(),
            current: AtomicUsize::new(0),
            shared: AtomicBool::new(identity.is_some()),
            dir: Arc::clone(dir),
            identity: Mutex::new(identity),
        })
    }

    fn page(&self) -> &SharedPage {
        match self.current.load(Ordering::Acquire) {
            0 => &self.first,
            i => self.later[i - 1].get().unwrap_or(&self.first),
        }
    }

    /// `false` for private counters (a read-only directory without the file, or a file
    /// replaced more often than this process maps again): they say nothing about other
    /// processes' changes.
    pub fn shared(&self) -> bool {
        self.shared.load(Ordering::Acquire)
    }

    /// Whether this process's increments reach every other process: shared counters it may
    /// write.
    pub fn movable(&self) -> bool {
        self.shared() && self.page().writable()
    }

    /// The slow path's check that `softcca.gen` is still the mapped file (one `fstatat`):
    /// `true` when it is not (deleted, or replaced: the file now under the name is mapped and
    /// used from now on), and the caller revalidates everything.
    pub fn recheck(&self) -> bool {
        let mut held = self.identity.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(mapped) = *held else {
            return false;
        };
        let now = match self.dir.stat(FILE) {
            Ok(s) => identity_of(&s),
            Err(_) => return true,
        };
        if now == mapped {
            return false;
        }
        let next = self.current.load(Ordering::Acquire) + 1;
        let mapped_now = match (next <= REMAPS).then(|| map_file(&self.dir)) {
            Some(Ok((page, ident))) => self.later[next - 1].set(page).is_ok().then_some(ident),
            _ => None,
        };
        match mapped_now {
            Some(ident) => {
                self.current.store(next, Ordering::Release);
                *held = Some(ident);
            }
            // Out of room or unreadable: this process no longer trusts the counters.
            None => self.shared.store(false, Ordering::Release),
        }
        true
    }

    /// The counter `slot` now.
    pub fn get(&self, slot: Slot) -> u64 {
        self.page().slot(slot as usize).load(Ordering::Acquire)
    }

    /// Increments `slot` (a no-op in a process that may only read the directory).
    pub fn bump(&self, slot: Slot) {
        let page = self.page();
        if page.writable() {
            page.slot(slot as usize).fetch_add(1, Ordering::SeqCst);
        }
    }

    /// All counters at once, as caches are stamped.
    pub fn stamp(&self, epoch: u64) -> Stamp {
        Stamp {
            registers: self.get(Slot::Registers),
            ckds: self.get(Slot::Ckds),
            activation: self.get(Slot::Activation),
            authorisation: self.get(Slot::Authorisation),
            epoch,
        }
    }
}

/// The counters a cache was filled at, with the process's own revalidation epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// [`Slot::Registers`].
    pub registers: u64,
    /// [`Slot::Ckds`].
    pub ckds: u64,
    /// [`Slot::Activation`].
    pub activation: u64,
    /// [`Slot::Authorisation`].
    pub authorisation: u64,
    /// The process's revalidation epoch ([`super::protection::Protection::epoch`]).
    pub epoch: u64,
}
