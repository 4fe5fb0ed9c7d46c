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
use super::structure;
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::acp::points;

/// `true` when the role `role` of `acp.conf` holds the point `offset` (a missing role holds
/// none). A legacy-form file has one role, DEFAULT, with its legacy points.
pub fn role_holds(cp: &Coprocessor, role: &Name8, offset: u16) -> Result<bool> {
    Ok(cp
        .roles()?
        .conf
        .role(role)
        .is_some_and(|r| r.points.contains(&offset)))
}

/// Notes in the call's audit record the user id the calling thread is logged on as (`by`):
/// who loaded, changed or deleted a profile (review finding A6, docs/decisions.md D78). A
/// call without a logon (the bootstrap, a legacy directory) notes none.
fn note_officer(cp: &Coprocessor) {
    if let Some(l) = cp
        .directory_id()
        .and_then(|id| super::context::current(&id))
    {
        crate::audit::scope::detail("by", l.user.trim_ascii_end());
    }
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

/// The points that change profiles or roles: never given to DEFAULT through INIT-AC (D89).
const ADMIN_POINTS: &[u16] = &[
    points::AC_INIT,
    points::AC_CHANGE_EXPIRY,
    points::AC_CHANGE_AUTH,
    points::AC_RESET_FAILURES,
    points::AC_DELETE_PROFILE,
    points::AC_DELETE_ROLE,
];

/// CSUAACI INIT-AC: loads the profiles of `profiles` (IBM's aggregate, docs/CSUAACI.md); a
/// user id already stored is 8/X'F323' unless `replace`. `roles`: IBM role structures
/// ([`structure::decode_all`], 8/X'F306'), written to `acp.conf` before the profiles, after
/// everything was checked (docs/decisions.md D74). X'0112' unless the store is empty
/// (bootstrap); in the bootstrap one of the profiles' roles must hold X'0112' (8/X'F324').
pub fn init_ac(cp: &Coprocessor, profiles: &[u8], replace: bool, roles: &[u8]) -> Result<()> {
    // IBM's role structures (docs/CSUAACM.md), each replacing the role of its id or added;
    // decoded and checked before anything is written.
    let new_roles = structure::decode_all(roles)?;
    for r in &new_roles {
        r.check().map_err(|_| Error::RoleStructure)?;
    }
    if !new_roles.is_empty() {
        // The audit record names the roles loaded (review finding A10).
        let ids: Vec<&[u8]> = new_roles.iter().map(|r| r.id.trim_ascii_end()).collect();
        crate::audit::scope::detail("roles", &ids.join(&b","[..]));
    }
    note_officer(cp);
    let store = cp.profiles()?;
    let acp = cp.acp()?;
    // Before any card is read or passphrase hashed: a closed store needs the point.
    if store.count()? > 0 || store.closed()? {
        acp.require(points::AC_INIT)?;
    }
    // DEFAULT is every caller who has not logged on: a point that changes profiles or roles
    // there makes administration anonymous (no `d.by`) and open to every process of the
    // service account (review finding B4, docs/decisions.md D89).
    if new_roles.iter().any(|r| {
        r.id == crate::access::role::DEFAULT && ADMIN_POINTS.iter().any(|p| r.points.contains(p))
    }) {
        return Err(Error::DefaultAdminPoint);
    }
    let input = parse_aggregate(profiles)?;
    // A profile count of 0 is a change of roles only (the console's role edits): it needs
    // roles, and, as it loads no profile, it cannot be the bootstrap (8/X'F324' below).
    if input.is_empty() && new_roles.is_empty() {
        return Err(Error::ProfileStructure);
    }
    if !input.is_empty() {
        let users: Vec<&[u8]> = input.iter().map(|p| p.user.trim_ascii_end()).collect();
        crate::audit::scope::detail("user", &users.join(&b","[..]));
    }
    // A profile's role: loaded in this call, else the file's (a role not defined yet may be
    // named, as IBM allows: logon refuses it until it is, 8/X'F316'). In the bootstrap one of
    // them must hold X'0112'.
    let mut closes = false;
    for p in &input {
        closes |= match new_roles.iter().find(|r| r.id == p.role) {
            Some(r) => r.points.contains(&points::AC_INIT),
            None => role_holds(cp, &p.role, points::AC_INIT)?,
        };
    }
    // Hashed (and cards read) before anything is written; a user id already stored is refused
    // here too (and again in the store's transaction), so a refusal leaves the roles unwritten.
    let new = input
        .iter()
        .map(stored_profile)
        .collect::<Result<Vec<_>>>()?;
    if !replace {
        for p in &input {
            if store.view(&p.user)?.is_some() {
                return Err(Error::ProfileExists);
            }
        }
    }
    // The roles are written inside the profiles' transaction, after the same check, as its
    // last step (review finding A2): no other INIT-AC can commit between "the store is open"
    // and the roles' write, and a refusal writes neither. (If the COMMIT itself fails after
    // acp.conf was renamed, the roles stay written without the profiles: docs/decisions.md
    // D75.)
    let write_roles = |named: &[(Name8, u16)]| {
        // What would be left able to INIT-AC (the roles of this call first, else the file's):
        // not nobody, unless DEFAULT holds X'0112' (review finding A4, D75). A role counts
        // when it holds X'0112' and a profile naming it has a mechanism as strong as the role
        // requires: a role edit that raises the strength beyond every officer's mechanism
        // locks out as surely as one that drops the point (docs/decisions.md D85).
        let inits = |role: &Name8, reach: u16| -> Result<bool> {
            match new_roles.iter().find(|r| r.id == *role) {
                Some(r) => Ok(r.points.contains(&points::AC_INIT) && r.strength <= reach),
                None => inits_at(cp, role, reach),
            }
        };
        if !inits(&crate::access::role::DEFAULT, 0)? {
            let mut any = false;
            for (r, reach) in named {
                any |= inits(r, *reach)?;
            }
            if !any {
                return Err(Error::LastInitProfile);
            }
        }
        if new_roles.is_empty() {
            return Ok(());
        }
        cp.update_roles(|conf| {
            for r in &new_roles {
                conf.roles.retain(|old| old.id != r.id);
                conf.roles.push(r.clone());
            }
            Ok(())
        })
    };
    store.insert(
        &new,
        replace,
        |existing, closed| {
            if existing > 0 || closed {
                acp.require(points::AC_INIT)
            } else if closes {
                Ok(())
            } else {
                Err(Error::BootstrapRole)
            }
        },
        write_roles,
    )
}

/// `true` when the role `role` of `acp.conf` holds X'0112' at a strength a logon of strength
/// `reach` meets: a profile logged on into it could run INIT-AC.
fn inits_at(cp: &Coprocessor, role: &Name8, reach: u16) -> Result<bool> {
    Ok(role_inits(&cp.roles()?.conf, role, reach))
}

/// `true` when the role `role` of `conf` holds X'0112' at a strength a logon of strength
/// `reach` meets.
fn role_inits(conf: &super::conf::Conf, role: &Name8, reach: u16) -> bool {
    conf.role(role)
        .is_some_and(|r| r.points.contains(&points::AC_INIT) && r.strength <= reach)
}

/// After a CHGEXPDT or CHG-AD: someone must still be able to INIT-AC under the directory's
/// roles with the profiles as changed (8/X'F32A' otherwise, nothing written): dating the last
/// officers into the past or giving them only expired or too weak mechanisms locks out as
/// surely as deleting them (review finding B5, docs/decisions.md D87).
fn still_administrable(cp: &Coprocessor, left: &[(Name8, u16)]) -> Result<()> {
    if administrable(&cp.roles()?.conf, left) {
        Ok(())
    } else {
        Err(Error::LastInitProfile)
    }
}

/// `true` when someone can run INIT-AC under the roles `conf` with the stored profiles that
/// can log on into the roles `reachable` (each with its reach, [`super::store`]): DEFAULT holds
/// X'0112', or one of those roles does at a strength its profiles meet (docs/decisions.md D75,
/// D85, D87). What a restore must leave (D88).
pub(crate) fn administrable(conf: &super::conf::Conf, reachable: &[(Name8, u16)]) -> bool {
    role_inits(conf, &crate::access::role::DEFAULT, 0)
        || reachable
            .iter()
            .any(|(r, reach)| role_inits(conf, r, *reach))
}

/// CSUAACI CHGEXPDT: `user` (8 bytes) gets the expiration date `date` (`YYYYMMDD`). X'0113'.
pub fn change_expiry(cp: &Coprocessor, user: &[u8], date: &[u8]) -> Result<()> {
    cp.acp()?.require(points::AC_CHANGE_EXPIRY)?;
    note_officer(cp);
    let user = user_field(user)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    let raw: [u8; 8] = date.try_into().map_err(|_| Error::ProfileDate)?;
    cp.profiles()?
        .set_expiry(&user, profile::Date::from_text(&raw)?, |left| {
            still_administrable(cp, left)
        })
}

/// CSUAACI CHG-AD: `user`'s mechanisms named in `auth` (one authentication-data structure)
/// are replaced (or added). X'0114'.
pub fn change_auth(cp: &Coprocessor, user: &[u8], auth: &[u8]) -> Result<()> {
    cp.acp()?.require(points::AC_CHANGE_AUTH)?;
    note_officer(cp);
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
    store.set_mechanisms(&user, &mechs, |left| still_administrable(cp, left))
}

/// CSUAACI RESET-FC: `user`'s failure count to 0 (unlocks it). X'0115'.
pub fn reset_failures(cp: &Coprocessor, user: &[u8]) -> Result<()> {
    cp.acp()?.require(points::AC_RESET_FAILURES)?;
    note_officer(cp);
    let user = user_field(user)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    cp.profiles()?.reset_failures(&user)
}

/// CSUAACM LSTPROFS: every user id, 8 bytes each, in order. X'0116'.
pub fn list_profiles(cp: &Coprocessor) -> Result<Vec<u8>> {
    cp.acp()?.require(points::AC_READ)?;
    Ok(cp.profiles()?.users()?.concat())
}

/// CSUAACM GET-PROF: the non-secret profile layout of `user`
/// ([`profile::ProfileView::layout`], a multiple of 4 bytes). X'0116'.
pub fn get_profile(cp: &Coprocessor, user: &Name8) -> Result<Vec<u8>> {
    cp.acp()?.require(points::AC_READ)?;
    let user = name8(user, Error::ProfileUserId)?;
    Ok(cp
        .profiles()?
        .view(&user)?
        .ok_or(Error::ProfileUnknownUser)?
        .layout())
}

/// CSUAACM DEL-PROF: deletes `user`'s profile (its logons end at their next call). X'0117'.
pub fn delete_profile(cp: &Coprocessor, user: &Name8) -> Result<()> {
    cp.acp()?.require(points::AC_DELETE_PROFILE)?;
    note_officer(cp);
    let user = name8(user, Error::ProfileUserId)?;
    crate::audit::scope::detail("user", user.trim_ascii_end());
    // The last profile able to INIT-AC is not deleted (review finding A4), unless DEFAULT
    // itself holds X'0112' (a legacy directory: no profile is needed to administer it).
    let default_inits = role_holds(cp, &crate::access::role::DEFAULT, points::AC_INIT)?;
    // A profile left counts only when someone can log on as it into a role that holds
    // X'0112' at a strength its mechanism reaches (as INIT-AC's rule, docs/decisions.md D87).
    cp.profiles()?.delete(&user, |role, left| {
        if default_inits || !role_holds(cp, role, points::AC_INIT)? {
            return Ok(());
        }
        for (r, reach) in left {
            if inits_at(cp, r, *reach)? {
                return Ok(());
            }
        }
        Err(Error::LastInitProfile)
    })
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
