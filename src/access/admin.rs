//! Profile administration: CSUAACI (INIT-AC, CHGEXPDT, CHG-AD, RESET-FC; docs/CSUAACI.md)
//! and the profile functions of CSUAACM (LSTPROFS, GET-PROF, DEL-PROF and the profile count
//! of Q-NUM-RP), each behind its access-control point.
//!
//! **Bootstrap** (IBM's initial state): while `access.db` holds no profile, INIT-AC needs no
//! access-control point, and must load at least one profile whose role holds X'0112', so the
//! first INIT-AC closes the door behind it.

use super::context::Name8;
use super::logon::{card_verifier, passphrase_verifier};
use super::profile::{
    self, CardEnrolment, MECH_CARD, MechanismInput, ProfileInput, name8, parse_aggregate,
    parse_auth_data,
};
use super::store::{NewMechanism, NewProfile};
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::acp::points;

/// `true` when the role `role` holds the point `offset`.
///
/// This branch reads the legacy `acp.conf` (one role, DEFAULT): every role is taken to hold
/// what the file enables (docs/profiles.md).
pub fn role_holds(cp: &Coprocessor, _role: &Name8, offset: u16) -> Result<bool> {
    Ok(cp.acp()?.enabled(offset))
}

/// The stored form of one mechanism: the passphrase's SHA-1 hashed with Argon2id, or the card
/// read (its PIN verified) and its secret MACed.
fn stored(m: &MechanismInput) -> Result<NewMechanism> {
    let verifier = if m.id == MECH_CARD {
        card_verifier(&CardEnrolment::parse(&m.data)?)?
    } else {
        passphrase_verifier(&m.data)?
    };
    Ok(NewMechanism {
        id: m.id,
        strength: m.strength,
        expires: m.expires,
        attributes: m.attributes,
        verifier,
    })
}

fn stored_profile(p: &ProfileInput) -> Result<NewProfile> {
    Ok(NewProfile {
        comment: p.comment,
        user: p.user,
        role: p.role,
        activates: p.activates,
        expires: p.expires,
        mechanisms: p.mechanisms.iter().map(stored).collect::<Result<_>>()?,
    })
}

/// An 8-byte user id field.
pub fn user_field(b: &[u8]) -> Result<Name8> {
    let raw: [u8; 8] = b.try_into().map_err(|_| Error::ProfileUserId)?;
    name8(&raw, Error::ProfileUserId)
}

/// CSUAACI INIT-AC: loads the profiles of `profiles` (IBM's aggregate, docs/CSUAACI.md); a
/// user id already stored is 8/X'F323' unless `replace`. `roles` must be empty in this
/// release (8/X'F325'). X'0112' unless the store is empty (bootstrap); in the bootstrap one of
/// the profiles' roles must hold X'0112' (8/X'F324').
pub fn init_ac(cp: &Coprocessor, profiles: &[u8], replace: bool, roles: &[u8]) -> Result<()> {
    if !roles.is_empty() {
        return Err(Error::RolesNotSupported);
    }
    let store = cp.profiles()?;
    let acp = cp.acp()?;
    // Before any card is read or passphrase hashed: a closed store needs the point.
    if store.count()? > 0 {
        acp.require(points::INIT_AC)?;
    }
    let input = parse_aggregate(profiles)?;
    let users: Vec<&[u8]> = input.iter().map(|p| p.user.trim_ascii_end()).collect();
    crate::audit::scope::detail("user", &users.join(&b","[..]));
    let mut closes = false;
    for p in &input {
        closes |= role_holds(cp, &p.role, points::INIT_AC)?;
    }
    let new = input
        .iter()
        .map(stored_profile)
        .collect::<Result<Vec<_>>>()?;
    store.insert(&new, replace, |existing| {
        if existing > 0 {
            acp.require(points::INIT_AC)
        } else if closes {
            Ok(())
        } else {
            Err(Error::BootstrapRole)
        }
    })
}

/// CSUAACI CHGEXPDT: `user` (8 bytes) gets the expiration date `date` (`YYYYMMDD`). X'0113'.
pub fn change_expiry(cp: &Coprocessor, user: &[u8], date: &[u8]) -> Result<()> {
    cp.acp()?.require(points::CHANGE_EXPIRY)?;
    let user = user_field(user)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    let raw: [u8; 8] = date.try_into().map_err(|_| Error::ProfileDate)?;
    cp.profiles()?
        .set_expiry(&user, profile::Date::from_text(&raw)?)
}

/// CSUAACI CHG-AD: `user`'s mechanisms named in `auth` (one authentication-data structure)
/// are replaced (or added). X'0114'.
pub fn change_auth(cp: &Coprocessor, user: &[u8], auth: &[u8]) -> Result<()> {
    cp.acp()?.require(points::CHANGE_AUTH)?;
    let user = user_field(user)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    let store = cp.profiles()?;
    if store.view(&user)?.is_none() {
        return Err(Error::ProfileUnknownUser);
    }
    let mechs = parse_auth_data(auth)?
        .iter()
        .map(stored)
        .collect::<Result<Vec<_>>>()?;
    store.set_mechanisms(&user, &mechs)
}

/// CSUAACI RESET-FC: `user`'s failure count to 0 (unlocks it). X'0115'.
pub fn reset_failures(cp: &Coprocessor, user: &[u8]) -> Result<()> {
    cp.acp()?.require(points::RESET_FAILURES)?;
    let user = user_field(user)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    cp.profiles()?.reset_failures(&user)
}

/// CSUAACM LSTPROFS: every user id, 8 bytes each, in order. X'0116'.
pub fn list_profiles(cp: &Coprocessor) -> Result<Vec<u8>> {
    cp.acp()?.require(points::READ_AC)?;
    Ok(cp.profiles()?.users()?.concat())
}

/// CSUAACM GET-PROF: the non-secret profile layout of `user`
/// ([`profile::ProfileView::layout`], a multiple of 4 bytes). X'0116'.
pub fn get_profile(cp: &Coprocessor, user: &Name8) -> Result<Vec<u8>> {
    cp.acp()?.require(points::READ_AC)?;
    let user = name8(user, Error::ProfileUserId)?;
    Ok(cp
        .profiles()?
        .view(&user)?
        .ok_or(Error::ProfileUnknownUser)?
        .layout())
}

/// CSUAACM DEL-PROF: deletes `user`'s profile (its logons end at their next call). X'0117'.
pub fn delete_profile(cp: &Coprocessor, user: &Name8) -> Result<()> {
    cp.acp()?.require(points::DELETE_PROFILE)?;
    let user = name8(user, Error::ProfileUserId)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    cp.profiles()?.delete(&user)
}

/// The number of profiles (CSUAACM Q-NUM-RP's second integer); not gated here (Q-NUM-RP's
/// point is checked by CSUAACM).
pub fn profile_count(cp: &Coprocessor) -> Result<u32> {
    cp.profiles()?.count()
}

/// `true` when a profile names the role `role` (CSUAACM DEL-ROLE refuses to delete such a
/// role).
pub fn role_in_use(cp: &Coprocessor, role: &Name8) -> Result<bool> {
    Ok(cp.profiles()?.naming_role(role)? > 0)
}
