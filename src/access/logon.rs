//! Logon and logoff (CSUALCT, docs/CSUALCT.md), the verifiers of the two mechanisms, and the
//! revalidation of a live logon ([`revalidate`]).
//!
//! **Order of the logon checks** (the first that fails is reported; nothing before the
//! failure counter moves it): unknown user (X'F310'), locked (X'F311'), not yet active
//! (X'F312'), expired (X'F313'), no such mechanism (X'F314'), mechanism expired (X'F315'),
//! role missing (X'F316'), mechanism weaker than the role requires (X'F317'); then the try is
//! counted (one IMMEDIATE transaction), then verified: wrong passphrase (X'F318'), card not the
//! enrolled one (X'F319'), or the card's own PIN and transport codes. The role's time window
//! is the role selection's, at each call.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::context::now_secs;
use super::context::{self, Logon, Mechanism, Name8};
use super::profile::{CardEnrolment, Date, MECH_CARD, MECH_PASSPHRASE, ProfileView, SHA1_LEN};
use super::store::Verifier;
use crate::card::CardPin;
use crate::crypto::ct::ct_eq;
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::generations::Slot;
use crate::state::partition::{M_COST, P_COST, T_COST, argon};

/// Longest passphrase CSUALCT accepts, bytes.
pub const MAX_PASSPHRASE: usize = 1024;

/// What a logon presents.
pub enum Credential<'a> {
    /// A passphrase (1..=[`MAX_PASSPHRASE`] bytes).
    Passphrase(&'a [u8]),
    /// An operator card in `reader` and its PIN.
    Card {
        /// The PC/SC reader.
        reader: &'a str,
        /// The card's PIN.
        pin: &'a CardPin,
    },
}

/// SHA-1 of a passphrase: IBM's passphrase mechanism data (what CSUAACI carries).
pub fn passphrase_digest(passphrase: &[u8]) -> Zeroizing<[u8; SHA1_LEN]> {
    let mut h = Sha1::new();
    h.update(passphrase);
    let mut out = Zeroizing::new([0u8; SHA1_LEN]);
    out.copy_from_slice(&h.finalize());
    out
}

fn argon_of(
    params: (u32, u32, u32),
    digest: &[u8],
    salt: &[u8; 16],
) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    argon(params)?
        .hash_password_into(digest, salt, &mut out[..])
        .map_err(|_| Error::Internal)?;
    Ok(out)
}

fn salt() -> Result<[u8; 16]> {
    let mut s = [0u8; 16];
    crate::crypto::rng::fill(&mut s)?;
    Ok(s)
}

/// The stored verifier of a passphrase mechanism whose data is `digest` (SHA-1 of the
/// passphrase): Argon2id at the partition password's parameters (D53), a fresh salt.
pub fn passphrase_verifier(digest: &[u8]) -> Result<Verifier> {
    let salt = salt()?;
    let params = (M_COST, T_COST, P_COST);
    Ok(Verifier {
        salt,
        params,
        csn: None,
        value: argon_of(params, digest, &salt)?,
    })
}

/// The stored verifier of a card mechanism: the card in the enrolment's reader is read after
/// its PIN (a wrong PIN counts on the card); a card without content cannot be enrolled
/// (8/X'F326'). Kept: its CSN and HMAC-SHA-256(fresh salt, content secret).
pub fn card_verifier(enrolment: &CardEnrolment) -> Result<Verifier> {
    let reader = crate::verbs::card::reader_name(&enrolment.reader)?;
    crate::audit::scope::reader(&reader);
    let pin = CardPin::from_typed(&enrolment.pin)?;
    let (csn, content) = crate::verbs::card::verified_content(&reader, &pin)?;
    if content.secret().is_empty() {
        return Err(Error::CardNotEnrollable);
    }
    let salt = salt()?;
    Ok(Verifier {
        salt,
        params: (0, 0, 0),
        value: crate::crypto::hmac::hmac_sha256(&salt, &[content.secret()]),
        csn: Some(csn),
    })
}

/// The authentication strength the role `role` requires, `None` when the role does not
/// exist. This is the one place logon and revalidation learn a role's strength.
///
/// Called inside the profile store's write transaction (the logon checks): it must not call [`Coprocessor::acp`] (which revalidates, and would wait
/// for the store's connection this thread holds) nor touch `access.db`.
pub fn required_strength(cp: &Coprocessor, role: &Name8) -> Result<Option<u16>> {
    // `roles()` reads acp.conf as this thread last saw it, without revalidating a logon.
    Ok(cp.roles()?.conf.role(role).map(|r| r.strength))
}

/// The checks before the try is counted (module documentation), on `p` at `today`: the
/// profile's ([`profile_admissible`]), then its role's in `acp.conf`.
fn admissible(cp: &Coprocessor, p: &ProfileView, mech: u16, today: Date) -> Result<(u16, Date)> {
    let (strength, expires) = profile_admissible(p, mech, today)?;
    match required_strength(cp, &p.role)? {
        None => Err(Error::RoleMissing),
        Some(s) if strength < s => Err(Error::StrengthTooLow),
        Some(_) => Ok((strength, expires)),
    }
}

/// The checks of the profile itself (its dates, the mechanism `mech` present and in its
/// date): the mechanism's strength and expiry. They do not read `acp.conf`.
fn profile_admissible(p: &ProfileView, mech: u16, today: Date) -> Result<(u16, Date)> {
    if today < p.activates {
        return Err(Error::ProfileNotActive);
    }
    if today > p.expires {
        return Err(Error::ProfileExpired);
    }
    let &(_, strength, expires, _) = p
        .mechanisms
        .iter()
        .find(|m| m.0 == mech)
        .ok_or(Error::MechanismMissing)?;
    if today > expires {
        return Err(Error::MechanismExpired);
    }
    Ok((strength, expires))
}

thread_local! {
    /// This thread's last revalidation: the profile counter then and when.
    static CHECKED: Cell<Option<(u64, Instant)>> = const { Cell::new(None) };
    /// The mechanism instance this thread's logon was made with: its context and the salt of
    /// the verifier that logon checked (fresh at every INIT-AC and CHG-AD), so revalidation
    /// ends a logon whose passphrase or card was changed, or whose profile was deleted and
    /// loaded again (review finding A3, D76). A context set by anything but [`logon`] has none.
    static INSTANCE: RefCell<Option<(Arc<Logon>, [u8; 16])>> = const { RefCell::new(None) };
}

/// The salt of the verifier this thread's logon `logon` was made with.
fn instance_of(logon: &Arc<Logon>) -> Option<[u8; 16]> {
    INSTANCE
        .try_with(|i| match &*i.borrow() {
            Some((l, salt)) if Arc::ptr_eq(l, logon) => Some(*salt),
            _ => None,
        })
        .ok()
        .flatten()
}

/// Logs the calling thread on as `user` (CSUALCT LOGON). Any earlier logon of the thread ends
/// first, so a failed logon leaves the thread on the DEFAULT role.
pub fn logon(cp: &Coprocessor, user: &Name8, credential: &Credential<'_>) -> Result<()> {
    context::clear();
    let directory = cp.directory_id().ok_or(Error::LogonNoDirectory)?;
    let (mech, mechanism) = match credential {
        Credential::Passphrase(p) => {
            if p.is_empty() || p.len() > MAX_PASSPHRASE {
                return Err(Error::PassphraseLength);
            }
            (MECH_PASSPHRASE, Mechanism::Passphrase)
        }
        Credential::Card { .. } => (MECH_CARD, Mechanism::Card),
    };
    let store = cp.profiles()?;
    let today = Date::of_unix(now_secs());
    let mut chosen = (0, today);
    let tried = store.begin_try(user, mech, |p| {
        chosen = admissible(cp, p, mech, today)?;
        Ok(())
    });
    let (_, verifier, try_id) = match (tried, credential) {
        // An unknown user id, or one with no passphrase (a card-only profile), answers as a
        // wrong passphrase after the same work, so CSUALCT does not tell which user ids exist
        // (review findings A8, F2; D76; CSUAACM still says 8/X'F310' to administrators
        // holding X'0116').
        (Err(Error::ProfileUnknownUser | Error::MechanismMissing), Credential::Passphrase(p)) => {
            let dummy = argon_of(
                (M_COST, T_COST, P_COST),
                &passphrase_digest(p)[..],
                &[0; 16],
            );
            drop(std::hint::black_box(dummy));
            return Err(Error::WrongPassphrase);
        }
        // A card logon of an unknown user id answers as one of a profile with no card
        // enrolled, before any card is read (finding F2).
        (Err(Error::ProfileUnknownUser), Credential::Card { .. }) => {
            return Err(Error::MechanismMissing);
        }
        (tried, _) => tried?,
    };
    let (strength, mech_expires) = chosen;
    let checked = (|| -> Result<()> {
        match credential {
            Credential::Passphrase(p) => {
                let digest = passphrase_digest(p);
                let value = argon_of(verifier.params, &digest[..], &verifier.salt)?;
                if !ct_eq(&value[..], &verifier.value[..]) {
                    return Err(Error::WrongPassphrase);
                }
            }
            Credential::Card { reader, pin } => {
                let (csn, content) = crate::verbs::card::verified_content(reader, pin)?;
                let mac = crate::crypto::hmac::hmac_sha256(&verifier.salt, &[content.secret()]);
                let same_csn = ct_eq(
                    csn.as_bytes(),
                    verifier.csn.as_deref().unwrap_or("").as_bytes(),
                );
                if !(ct_eq(&mac[..], &verifier.value[..]) & same_csn) {
                    return Err(Error::CardNotEnrolled);
                }
            }
        }
        Ok(())
    })();
    // Every admitted try ends here: a wrong one (any card failure too) is a failure, a right
    // one resets the count (docs/decisions.md D67, D79).
    store.end_try(user, try_id, checked.is_ok())?;
    checked?;
    let view = store.view(user)?.ok_or(Error::ProfileUnknownUser)?;
    let expires = view.expires.min(mech_expires).end_unix();
    CHECKED.set(None);
    context::set(Logon {
        directory,
        user: *user,
        role: view.role,
        strength,
        mechanism,
        expires,
        pid: std::process::id(),
    });
    let made = context::current(&directory);
    let _ = INSTANCE.try_with(|i| *i.borrow_mut() = made.map(|l| (l, verifier.salt)));
    Ok(())
}

/// Logs the calling thread off (CSUALCT LOGOFF): 8/X'F31A' when it is not logged on.
pub fn logoff() -> Result<()> {
    CHECKED.set(None);
    let _ = INSTANCE.try_with(|i| i.borrow_mut().take());
    if context::clear() {
        Ok(())
    } else {
        Err(Error::NotLoggedOn)
    }
}

/// The logon hook of every access-control decision ([`Coprocessor::acp`]): when this thread is
/// logged on, checks at most once per `SOFTCCA_REVALIDATE_MS` (and at once after any profile
/// change, through the shared counter [`Slot::Profiles`]) that its profile still exists,
/// names the same role, is in its dates, and that the mechanism used is still the instance the
/// logon checked (its salt) and in its date (the role's conditions are not this check's: the
/// role selection refuses them at every call, D73; a lock refuses new logons only, D77). When
/// it is not, the logon ends (the thread is on
/// the DEFAULT role from now on) and this call is refused with 8/X'F31C' (docs/CSUALCT.md).
///
/// Warm and logged off: one thread-local read; logged on and checked recently: one atomic load
/// and the monotonic clock, no system call.
pub fn revalidate(cp: &Coprocessor) -> Result<()> {
    let Some(directory) = cp.directory_id() else {
        return Ok(());
    };
    let Some(logon) = context::current(&directory) else {
        return Ok(());
    };
    let generation = cp.protection().generations().get(Slot::Profiles);
    let interval = Duration::from_millis(cp.protection().revalidate_interval_ms());
    if let Some((g, at)) = CHECKED.get()
        && g == generation
        && at.elapsed() < interval
    {
        return Ok(());
    }
    if still_valid(cp, &logon)? {
        CHECKED.set(Some((generation, Instant::now())));
        Ok(())
    } else {
        end();
        Err(Error::LogonEnded)
    }
}

/// Ends this thread's logon (revalidation failed, or its role left `acp.conf`): the thread
/// is on the DEFAULT role from its next call.
pub fn end() {
    CHECKED.set(None);
    let _ = INSTANCE.try_with(|i| i.borrow_mut().take());
    context::clear();
}

fn still_valid(cp: &Coprocessor, logon: &Arc<Logon>) -> Result<bool> {
    let mech = match logon.mechanism {
        Mechanism::Passphrase => MECH_PASSPHRASE,
        Mechanism::Card => MECH_CARD,
    };
    let Some((p, salt)) = cp.profiles()?.instance(&logon.user, mech)? else {
        return Ok(false);
    };
    // The mechanism instance the logon was made with is still the stored one (A3).
    if salt.is_none() || salt != instance_of(logon) {
        return Ok(false);
    }
    // A lock refuses new logons and leaves live ones (review finding A5: three wrong tries
    // by anyone must not end the officer's session that would RESET-FC; D77).
    if p.role != logon.role {
        return Ok(false);
    }
    // The profile's own checks only: the role's (missing 8/X'F300', stronger 8/X'F301',
    // hours 8/X'F302', a damaged file 12/197) are the role selection's at every call, which
    // keeps the logon (docs/decisions.md D73).
    match profile_admissible(&p, mech, Date::of_unix(now_secs())) {
        Ok((strength, _)) => Ok(strength >= logon.strength),
        Err(_) => Ok(false),
    }
}
