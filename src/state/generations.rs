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

use std::sync::atomic::Ordering;

use super::dir::{Entry, StateDir};
use crate::error::{Error, Result};
use crate::ffi::shared_page::{LEN, SharedPage};

/// The counters file.
pub const FILE: &str = "softcca.gen";
/// Its name while it is written.
const TEMP: &str = ".softcca-gen.tmp";

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
}

/// The mapped counters.
pub struct Generations {
    page: SharedPage,
    shared: bool,
}

impl Generations {
    /// Opens (creating when missing and the directory is writable) and maps `softcca.gen`.
    /// A read-only directory without the file gets private counters nobody else moves.
    pub fn open(dir: &StateDir) -> Result<Self> {
        let _lock = dir.lock()?;
        if dir.entry(FILE)? == Entry::Missing {
            if !dir.writable() {
                return SharedPage::private()
                    .map(|page| Generations {
                        page,
                        shared: false,
                    })
                    .ok_or(Error::StateDirectory);
            }
            // Complete before it has its name: a process killed while writing it leaves only
            // the temporary name, which the next opening replaces.
            dir.remove(TEMP, false)?;
            dir.create_file(TEMP, &[0u8; LEN])?;
            dir.rename(TEMP, FILE)?;
            dir.sync()?;
        }
        let (fd, writable) = dir.open_file(FILE, true)?;
        let size = rustix::fs::fstat(&fd)
            .map_err(|_| Error::StateDirectory)?
            .st_size;
        if usize::try_from(size).ok() != Some(LEN) {
            return Err(Error::StateFileDamaged);
        }
        let page = SharedPage::map(std::os::fd::AsFd::as_fd(&fd), writable)
            .ok_or(Error::StateDirectory)?;
        Ok(Generations { page, shared: true })
    }

    /// `false` for private counters (a read-only directory without the file): nobody else
    /// moves them, so they say nothing about other processes' changes.
    pub fn shared(&self) -> bool {
        self.shared
    }

    /// The counter `slot` now.
    pub fn get(&self, slot: Slot) -> u64 {
        self.page.slot(slot as usize).load(Ordering::Acquire)
    }

    /// Increments `slot` (a no-op in a process that may only read the directory).
    pub fn bump(&self, slot: Slot) {
        if self.page.writable() {
            self.page.slot(slot as usize).fetch_add(1, Ordering::SeqCst);
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
