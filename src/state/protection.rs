//! A process's view of its state directory's protection: the register key of the active SVMK
//! and the partition authorisation, read from the kernel keyring once and kept while the
//! shared counters ([`super::generations`]) say nothing changed.
//!
//! **Warm path.** A call compares the counters with its caches (atomic loads) and reads the
//! monotonic clock (vDSO, no system call): no system call unless something changed.
//!
//! **Revalidation.** At most every `SOFTCCA_REVALIDATE_MS` milliseconds (default 1000, read
//! once when the directory is opened; 0 = on every call) one call of the process also takes
//! the slow path: it refreshes the persistent keyring's expiry (`KEYCTL_GET_PERSISTENT`),
//! reads the databases' SQLite change counters, reads back the keys it holds from the
//! keyring, and checks that `softcca.gen` is still the file it maps (one `fstatat`; a replaced
//! file is mapped again, [`super::generations`]). When any of them changed (a key revoked outside softcca, a writer killed between
//! its commit and its counter increment, a database changed by another program) it moves the
//! process's epoch, which every cache stamp holds, and everything is read again. A read-only
//! directory without the counters file revalidates on every call.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::generations::{Generations, Slot, Stamp};
use super::keyring::{self, Held};
use super::masterkey::{MasterKeyStore, RegisterKeys};
use super::seal::RegisterKey;
use crate::crypto::ct::ct_eq;
use crate::custody::{SecretKind, check_value};
use crate::error::{Error, Result};

/// Default revalidation interval.
const REVALIDATE_MS: u64 = 1000;
/// Longest revalidation interval accepted from `SOFTCCA_REVALIDATE_MS`.
const REVALIDATE_MAX_MS: u64 = 3_600_000;

/// A deadline that never comes (no expiry).
pub const NEVER: u64 = u64::MAX;

struct HeldSvmk {
    activation: u64,
    epoch: u64,
    check: [u8; 8],
    key: Arc<RegisterKey>,
}

#[derive(Clone, Copy)]
struct HeldAuth {
    authorisation: u64,
    registers: u64,
    epoch: u64,
    /// `Ok(deadline)`: authorised (or not bound) until that Unix time (milliseconds).
    result: std::result::Result<u64, Error>,
    check: Option<[u8; 8]>,
}

#[derive(Default)]
struct Slow {
    counters: (Option<u32>, Option<u32>),
}

/// The process's protection state of one state directory.
pub struct Protection {
    dir_id: Option<[u8; 16]>,
    gens: Arc<Generations>,
    epoch: AtomicU64,
    started: Instant,
    next_check_ms: AtomicU64,
    interval_ms: u64,
    slow: Mutex<Slow>,
    svmk: Mutex<Option<HeldSvmk>>,
    auth: Mutex<Option<HeldAuth>>,
}

/// Now, in Unix milliseconds (the precision of authorisation expiries).
pub fn unix_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

impl Protection {
    /// The protection state of directory `dir_id` whose counters are `gens`.
    pub fn new(dir_id: Option<[u8; 16]>, gens: Arc<Generations>) -> Self {
        let interval_ms = std::env::var("SOFTCCA_REVALIDATE_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(REVALIDATE_MS, |v| v.min(REVALIDATE_MAX_MS));
        // Refreshes the persistent keyring's expiry as the directory is opened; a missing
        // keyring is reported when a key is needed, not here.
        let _ = keyring::get_persistent();
        Protection {
            dir_id,
            gens,
            epoch: AtomicU64::new(0),
            started: Instant::now(),
            next_check_ms: AtomicU64::new(interval_ms),
            interval_ms,
            slow: Mutex::new(Slow::default()),
            svmk: Mutex::new(None),
            auth: Mutex::new(None),
        }
    }

    /// The revalidation interval (`SOFTCCA_REVALIDATE_MS`), milliseconds.
    pub fn revalidate_interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// The shared counters.
    pub fn generations(&self) -> &Generations {
        &self.gens
    }

    /// The process's revalidation epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The stamp caches are compared with now.
    pub fn stamp(&self) -> Stamp {
        self.gens.stamp(self.epoch())
    }

    /// The directory id (bound directories always have one).
    pub fn dir_id(&self) -> Result<&[u8; 16]> {
        self.dir_id.as_ref().ok_or(Error::StateFileDamaged)
    }

    /// Takes the slow path when it is due (see the module documentation): `mk_counter` and
    /// `ckds_counter` read the databases' SQLite change counters.
    pub fn tick(&self, counters: impl FnOnce() -> (Option<u32>, Option<u32>)) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if self.gens.shared() && now < self.next_check_ms.load(Ordering::Relaxed) {
            return;
        }
        let Ok(mut slow) = self.slow.try_lock() else {
            return;
        };
        self.next_check_ms
            .store(now.saturating_add(self.interval_ms), Ordering::Relaxed);
        let _ = keyring::get_persistent();
        let counters = counters();
        // A replaced counters file is a full revalidation (the new one is mapped now).
        let mut changed = self.gens.recheck() | (counters != slow.counters);
        slow.counters = counters;
        if let Some(id) = self.dir_id {
            let held = self
                .svmk
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
                .map(|h| h.check);
            if let Some(check) = held {
                changed |= !matches!(keyring::fetch_svmk(&id),
                    Ok(s) if ct_eq(&check_value(&s, SecretKind::ServerMasterKey), &check));
            }
            let held = *self.auth.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(HeldAuth {
                check: Some(check),
                result: Ok(_),
                ..
            }) = held
            {
                changed |= !matches!(fetch_partition(&id),
                    Ok((s, _)) if ct_eq(&s, &check));
            }
        }
        if changed {
            self.epoch.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// Forgets what this process holds (after it changed the keyring itself).
    pub fn forget(&self) {
        *self.svmk.lock().unwrap_or_else(PoisonError::into_inner) = None;
        *self.auth.lock().unwrap_or_else(PoisonError::into_inner) = None;
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Until when the partition is authorised (Unix milliseconds, [`NEVER`] for no expiry or no
    /// partition binding), or why it is not: the cold path of
    /// [`super::Coprocessor::require_authorised`].
    pub fn authorised_until(&self, mk: &MasterKeyStore) -> Result<u64> {
        let (authorisation, registers, epoch) = (
            self.gens.get(Slot::Authorisation),
            self.gens.get(Slot::Registers),
            self.epoch(),
        );
        let mut held = self.auth.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(h) = &*held
            && (h.authorisation, h.registers, h.epoch) == (authorisation, registers, epoch)
        {
            return h.result;
        }
        let binding = mk.binding()?;
        let (result, check) = match binding.partition {
            None => (Ok(NEVER), None),
            Some(p) => {
                let id = self.dir_id()?;
                let r = match fetch_partition(id) {
                    Ok((check, expiry)) if ct_eq(&check, &p.check) => {
                        if expiry == 0 {
                            Ok(NEVER)
                        } else if unix_now_ms() < expiry {
                            Ok(expiry)
                        } else {
                            Err(Error::PartitionNotAuthorised)
                        }
                    }
                    Ok(_) => Err(Error::PartitionNotAuthorised),
                    Err(e) => Err(e),
                };
                (r, Some(p.check))
            }
        };
        *held = Some(HeldAuth {
            authorisation,
            registers,
            epoch,
            result,
            check,
        });
        result
    }
}

/// The held partition authorisation of `dir_id`: the check value of the partition secret in
/// the keyring and its expiry (Unix milliseconds; 0: none).
fn fetch_partition(dir_id: &[u8; 16]) -> Result<([u8; 8], u64)> {
    let p = keyring::fetch::<{ crate::custody::SECRET_LEN + 8 }>(Held::Partition, dir_id)?;
    let mut s = crate::custody::Secret::zeroed();
    s.as_bytes_mut()
        .copy_from_slice(&p[..crate::custody::SECRET_LEN]);
    let mut e = [0u8; 8];
    e.copy_from_slice(&p[crate::custody::SECRET_LEN..]);
    Ok((
        check_value(&s, SecretKind::Partition),
        u64::from_be_bytes(e),
    ))
}

impl crate::audit::mac::MacKeys for Protection {
    /// The MAC key of the SVMK in the keyring (read afresh: appends are rare and fsync'd).
    fn mac_key(&self) -> Option<crate::audit::mac::MacKey> {
        let id = self.dir_id().ok()?;
        let svmk = keyring::fetch_svmk(id).ok()?;
        Some(crate::audit::mac::MacKey::derive(&svmk, id))
    }
}

impl RegisterKeys for Protection {
    fn register_key(&self, check: &[u8; 8]) -> Result<Arc<RegisterKey>> {
        // The counters are read before the keyring: a deactivation that revoked the key and
        // then moved the counter is seen by the next call whatever this one found.
        let activation = self.gens.get(Slot::Activation);
        let epoch = self.epoch();
        let mut held = self.svmk.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(h) = &*held
            && h.activation == activation
            && h.epoch == epoch
            && h.check == *check
        {
            return Ok(Arc::clone(&h.key));
        }
        *held = None;
        let id = self.dir_id()?;
        let svmk = keyring::fetch_svmk(id)?;
        if !ct_eq(&check_value(&svmk, SecretKind::ServerMasterKey), check) {
            return Err(Error::ActivationMismatch);
        }
        let key = Arc::new(RegisterKey::derive(&svmk, id));
        *held = Some(HeldSvmk {
            activation,
            epoch,
            check: *check,
            key: Arc::clone(&key),
        });
        Ok(key)
    }
}
