//! Directory protection: binding a state directory to an SVMK and to a partition, activating
//! and authorising it in the kernel keyring (docs/custody.md, decisions D50-D54).
//!
//! Every function takes the secret as a [`Secret`] already recombined (from one card or M
//! cards of a set; the card ceremonies are not this module's business) together with the kind
//! of set it came from, and the [`Coprocessor`] of the directory.
//!
//! Every operation is audited ([`Operation`], docs/audit.md §1): the log is probed before the
//! operation acts (a log that cannot be appended to refuses it, and nothing changes), and its
//! outcome is recorded with the check values involved, never a secret or password byte, as
//! event `BIND`, `ACTIVATE`, `DEACTIVATE`, `BIND-PARTITION`, `AUTHORISE` or `DEAUTHORISE`
//! (its own record, or details of the calling verb's record).

use super::{Secret, SecretKind, check_value};
use crate::audit::Operation;
use crate::crypto::ct::ct_eq;
use crate::error::{Error, Result};
use crate::hex::hex;
use crate::state::Coprocessor;
use crate::state::generations::Slot;
use crate::state::keyring::{self, Held};
use crate::state::partition;
use crate::state::protection::unix_now_ms;
use crate::state::seal::RegisterKey;

/// Longest authorisation expiry, seconds (one year).
pub const MAX_EXPIRY_S: u32 = 31_536_000;

/// The SVMK side of a directory's protection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// Not bound: the master-key registers are in clear in `masterkey.db` (unprotected).
    Unbound,
    /// Bound and active in this user's kernel keyring.
    Active,
    /// Bound, not active (never activated, deactivated, revoked, rebooted).
    Inactive,
    /// Bound; the kernel keyring cannot be reached from this process.
    NoKeyring,
}

/// The partition side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorisation {
    /// No partition binding: operational keys are usable.
    Unbound,
    /// Authorised, until the Unix time given in milliseconds (`None`: no expiry).
    Authorised(Option<u64>),
    /// Bound and not authorised (never, deauthorised, expired, deactivated, rebooted).
    Unauthorised,
    /// Bound; the kernel keyring cannot be reached from this process.
    NoKeyring,
}

/// A directory's protection as this process sees it now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    /// SVMK binding and activation.
    pub activation: Activation,
    /// The bound SVMK's check value.
    pub svmk_check: Option<[u8; 8]>,
    /// Partition binding and authorisation.
    pub authorisation: Authorisation,
    /// The bound partition secret's check value.
    pub partition_check: Option<[u8; 8]>,
}

fn directory_id(cp: &Coprocessor) -> Result<[u8; 16]> {
    cp.directory_id().ok_or(Error::StateFileDamaged)
}

/// Binds the directory to `svmk` (docs/decisions.md F21): its registers are sealed under a key derived
/// from it, in one transaction, and the SVMK is activated. Refused: a secret of another kind
/// ([`Error::SecretWrongKind`]), a directory already bound ([`Error::DirectoryAlreadyBound`]),
/// no kernel keyring ([`Error::KeyringUnavailable`], checked first so that a directory is
/// never bound where it could not be activated).
pub fn bind(cp: &Coprocessor, svmk: &Secret, kind: SecretKind) -> Result<()> {
    recorded(cp, "BIND", &presented(svmk, kind), || {
        bind_now(cp, svmk, kind)
    })
}

fn bind_now(cp: &Coprocessor, svmk: &Secret, kind: SecretKind) -> Result<()> {
    if kind != SecretKind::ServerMasterKey {
        return Err(Error::SecretWrongKind);
    }
    let id = directory_id(cp)?;
    keyring::get_persistent()?;
    let check = check_value(svmk, SecretKind::ServerMasterKey);
    cp.master_key_store()
        .bind(&RegisterKey::derive(svmk, &id), &check)?;
    activate_now(cp, svmk)
}

/// Activates a bound directory: `svmk` must have the bound check value (compared in constant
/// time, [`Error::WrongSecret`]); it is then put in this user's persistent keyring and every
/// process of the user finds it.
pub fn activate(cp: &Coprocessor, svmk: &Secret) -> Result<()> {
    let detail = presented(svmk, SecretKind::ServerMasterKey);
    recorded(cp, "ACTIVATE", &detail, || activate_now(cp, svmk))
}

fn activate_now(cp: &Coprocessor, svmk: &Secret) -> Result<()> {
    let id = directory_id(cp)?;
    let store = cp.master_key_store();
    let bound = store
        .checked_binding()?
        .svmk
        .ok_or(Error::DirectoryNotBound)?;
    if !ct_eq(&check_value(svmk, SecretKind::ServerMasterKey), &bound) {
        return Err(Error::WrongSecret);
    }
    // A directory bound by an earlier release gets its binding recorded in softcca.id.
    store.record_binding()?;
    keyring::put(Held::Svmk, &id, svmk.as_bytes(), None)?;
    changed(cp, Slot::Activation);
    Ok(())
}

/// Deactivates a bound directory: the SVMK and any partition authorisation are revoked and
/// unlinked from the keyring, and the counter every process checks is moved: from its next
/// call on, every verb that needs the master key returns 12 ([`Error::NotActivated`]) in
/// every process. Deactivating an inactive directory is not an error. Refused, nothing
/// changed, when the counter cannot be moved for the other processes
/// ([`Error::CountersNotMovable`]: a read-only directory): they would go on serving.
pub fn deactivate(cp: &Coprocessor) -> Result<()> {
    recorded(cp, "DEACTIVATE", &bound(cp), || deactivate_now(cp))
}

fn deactivate_now(cp: &Coprocessor) -> Result<()> {
    let id = directory_id(cp)?;
    let binding = cp.master_key_store().binding()?;
    if binding.svmk.is_none() {
        return Err(Error::DirectoryNotBound);
    }
    let gens = cp.protection().generations();
    // A counters file replaced since it was mapped is mapped again first.
    gens.recheck();
    if !gens.movable() {
        return Err(Error::CountersNotMovable);
    }
    // Revoked first, counters moved after: a process that sees a new counter finds no key.
    // The activation counter moves before the authorisation's, so a call that sees either
    // reports the deactivation (12), not the partition (8).
    keyring::remove(Held::Svmk, &id)?;
    if binding.partition.is_some() {
        keyring::remove(Held::Partition, &id)?;
    }
    changed(cp, Slot::Activation);
    if binding.partition.is_some() {
        changed(cp, Slot::Authorisation);
    }
    Ok(())
}

/// Binds the directory to a partition (docs/decisions.md F22): `secret`'s check value and `password`
/// as an Argon2id hash ([`partition`]). The directory is then unauthorised until
/// [`authorise`]. In a directory bound to an SVMK the registers are sealed again, committing
/// to the partition binding (docs/decisions.md D58), so the SVMK must be active
/// ([`Error::NotActivated`]); the binding is recorded in `softcca.id` too (D57).
pub fn bind_partition(
    cp: &Coprocessor,
    secret: &Secret,
    kind: SecretKind,
    password: &[u8],
) -> Result<()> {
    recorded(cp, "BIND-PARTITION", &presented(secret, kind), || {
        bind_partition_now(cp, secret, kind, password)
    })
}

fn bind_partition_now(
    cp: &Coprocessor,
    secret: &Secret,
    kind: SecretKind,
    password: &[u8],
) -> Result<()> {
    if kind != SecretKind::Partition {
        return Err(Error::SecretWrongKind);
    }
    directory_id(cp)?;
    let (salt, hash) = partition::hash(password)?;
    cp.master_key_store()
        .bind_partition(&crate::state::masterkey::PartitionRecord {
            check: check_value(secret, SecretKind::Partition),
            salt,
            hash,
            params: (partition::M_COST, partition::T_COST, partition::P_COST),
            failures: 0,
            locked_until: 0,
        })?;
    changed(cp, Slot::Authorisation);
    Ok(())
}

/// Authorises the partition: `secret` must be the bound partition secret
/// ([`Error::WrongSecret`]) and `password` the bound password
/// ([`Error::PartitionWrongPassword`], counted; [`Error::PartitionLocked`] while tries are
/// refused). Held in the keyring like the SVMK, for `expiry_s` seconds when given
/// (1..=[`MAX_EXPIRY_S`]).
pub fn authorise(
    cp: &Coprocessor,
    secret: &Secret,
    password: &[u8],
    expiry_s: Option<u32>,
) -> Result<()> {
    let mut detail = presented(secret, SecretKind::Partition);
    detail.push((
        "expiry_s",
        expiry_s.map_or_else(|| "none".into(), |s| s.to_string()),
    ));
    recorded(cp, "AUTHORISE", &detail, || {
        authorise_now(cp, secret, password, expiry_s)
    })
}

fn authorise_now(
    cp: &Coprocessor,
    secret: &Secret,
    password: &[u8],
    expiry_s: Option<u32>,
) -> Result<()> {
    let id = directory_id(cp)?;
    partition::check_password(password)?;
    if matches!(expiry_s, Some(s) if s == 0 || s > MAX_EXPIRY_S) {
        return Err(Error::AuthorisationExpiry);
    }
    let store = cp.master_key_store();
    let record = store
        .checked_binding()?
        .partition
        .ok_or(Error::PartitionNotBound)?;
    if !ct_eq(&check_value(secret, SecretKind::Partition), &record.check) {
        return Err(Error::WrongSecret);
    }
    // The try is counted before the password is hashed, so parallel guesses are all counted.
    let record = store.reserve_password_try(unix_now_ms())?;
    if !partition::verify(&record, password)? {
        return Err(Error::PartitionWrongPassword);
    }
    store.record_password_try(None)?;
    let until = expiry_s.map_or(0, |s| unix_now_ms() + 1000 * u64::from(s));
    let mut payload = zeroize::Zeroizing::new([0u8; super::SECRET_LEN + 8]);
    payload[..super::SECRET_LEN].copy_from_slice(secret.as_bytes());
    payload[super::SECRET_LEN..].copy_from_slice(&until.to_be_bytes());
    keyring::put(Held::Partition, &id, &payload[..], expiry_s)?;
    changed(cp, Slot::Authorisation);
    Ok(())
}

/// Ends the partition authorisation in every process (next call).
pub fn deauthorise(cp: &Coprocessor) -> Result<()> {
    recorded(cp, "DEAUTHORISE", &bound(cp), || deauthorise_now(cp))
}

fn deauthorise_now(cp: &Coprocessor) -> Result<()> {
    let id = directory_id(cp)?;
    if cp.master_key_store().binding()?.partition.is_none() {
        return Err(Error::PartitionNotBound);
    }
    keyring::remove(Held::Partition, &id)?;
    changed(cp, Slot::Authorisation);
    Ok(())
}

/// The directory's protection as this process sees it ([`Error::BindingRecordMismatch`] when
/// `softcca.id` records a binding `masterkey.db` does not hold).
pub fn status(cp: &Coprocessor) -> Result<Status> {
    // A directory whose softcca.id records more than masterkey.db holds is reported as such
    // (12/X'F287'), never as unbound or unpartitioned.
    let binding = cp.master_key_store().checked_binding()?;
    let activation = match &binding.svmk {
        None => Activation::Unbound,
        Some(check) => match cp.register_key(check) {
            Ok(_) => Activation::Active,
            Err(Error::KeyringUnavailable) => Activation::NoKeyring,
            Err(_) => Activation::Inactive,
        },
    };
    let authorisation = match &binding.partition {
        None => Authorisation::Unbound,
        Some(_) => match cp.authorised_until() {
            Ok(crate::state::protection::NEVER) => Authorisation::Authorised(None),
            Ok(t) => Authorisation::Authorised(Some(t)),
            Err(Error::KeyringUnavailable) => Authorisation::NoKeyring,
            Err(_) => Authorisation::Unauthorised,
        },
    };
    Ok(Status {
        activation,
        svmk_check: binding.svmk,
        authorisation,
        partition_check: binding.partition.map(|p| p.check),
    })
}

/// Runs `body` as the audited operation `op` with `detail` ([`Operation`]): refused before
/// it acts when the log cannot be appended to; its outcome recorded before it is returned.
fn recorded(
    cp: &Coprocessor,
    op: &'static str,
    detail: &[(&str, String)],
    body: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let mut rec = Operation::begin(cp.audit(), op)?;
    for (k, v) in detail {
        rec.with(k, v);
    }
    rec.finish(body(), (0, 0))
}

/// The details that name a presented secret: the kind it was presented as and its check
/// value as that kind (a wrong secret is named by its own check value; no secret byte).
fn presented(secret: &Secret, kind: SecretKind) -> Vec<(&'static str, String)> {
    vec![
        ("kind", String::from_utf8_lossy(kind.tag()).into_owned()),
        ("check", hex(&check_value(secret, kind))),
    ]
}

/// The details that name what the directory is bound to: the SVMK's and the partition
/// secret's check values (`-` when not bound or unreadable).
fn bound(cp: &Coprocessor) -> Vec<(&'static str, String)> {
    let b = cp.master_key_store().binding().ok();
    let svmk = b.as_ref().and_then(|b| b.svmk);
    let part = b.and_then(|b| b.partition.map(|p| p.check));
    vec![
        (
            "svmk_check",
            svmk.map_or_else(|| "none".into(), |c| hex(&c)),
        ),
        (
            "partition_check",
            part.map_or_else(|| "none".into(), |c| hex(&c)),
        ),
    ]
}

/// After this process changed the keyring: its own caches go, and every process sees `slot`
/// move.
fn changed(cp: &Coprocessor, slot: Slot) {
    cp.protection().forget();
    cp.protection().generations().bump(slot);
}
