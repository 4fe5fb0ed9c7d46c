//! Access Control Maintenance (CSUAACM): list, read and delete roles (docs/CSUAACM.md).
//!
//! One keyword: `LSTROLES` (the role ids, 8 bytes each), `GET-ROLE` (IBM's role structure
//! of the role `name`, [`crate::access::structure`]), `DEL-ROLE` (removes the role `name` from
//! `acp.conf`), `Q-NUM-RP` (two 4-byte big-endian integers: the number of roles, then of
//! profiles). The reads need X'0116', `DEL-ROLE` X'0118'. The profile keywords `LSTPROFS`,
//! `GET-PROF` (X'0116') and `DEL-PROF` (X'0117') are the profile store's
//! ([`crate::access::admin`]); `DEL-ROLE` refuses a role a profile names (8/X'F305').

use crate::access::admin;
use crate::access::context::Name8;
use crate::access::role::{self, DEFAULT};
use crate::access::structure;
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;

/// The keywords, in [`Request`] order.
const KEYWORDS: &[Keyword] = &[
    kw("LSTROLES"),
    kw("GET-ROLE"),
    kw("DEL-ROLE"),
    kw("Q-NUM-RP"),
    kw("LSTPROFS"),
    kw("GET-PROF"),
    kw("DEL-PROF"),
];

/// What the caller asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `LSTROLES`.
    ListRoles,
    /// `GET-ROLE`.
    GetRole,
    /// `DEL-ROLE`.
    DeleteRole,
    /// `Q-NUM-RP`.
    CountRolesProfiles,
    /// `LSTPROFS`.
    ListProfiles,
    /// `GET-PROF`.
    GetProfile,
    /// `DEL-PROF`.
    DeleteProfile,
}

impl Request {
    /// The request the rule array names (exactly one keyword).
    pub fn of(rules: &RuleArray) -> Result<Self> {
        let [k] = rules.resolve(&[Group::required(KEYWORDS)])?;
        Ok(match k {
            Some(0) => Request::ListRoles,
            Some(1) => Request::GetRole,
            Some(2) => Request::DeleteRole,
            Some(3) => Request::CountRolesProfiles,
            Some(4) => Request::ListProfiles,
            Some(5) => Request::GetProfile,
            Some(6) => Request::DeleteProfile,
            _ => return Err(Error::MissingKeyword),
        })
    }

    /// The rule-array keyword of the request.
    pub fn keyword(self) -> &'static [u8; 8] {
        match self {
            Request::ListRoles => b"LSTROLES",
            Request::GetRole => b"GET-ROLE",
            Request::DeleteRole => b"DEL-ROLE",
            Request::CountRolesProfiles => b"Q-NUM-RP",
            Request::ListProfiles => b"LSTPROFS",
            Request::GetProfile => b"GET-PROF",
            Request::DeleteProfile => b"DEL-PROF",
        }
    }

    /// `true` when the request reads `name`.
    pub fn takes_name(self) -> bool {
        matches!(
            self,
            Request::GetRole | Request::DeleteRole | Request::GetProfile | Request::DeleteProfile
        )
    }
}

/// Runs `request`; returns the output data. `name` is the role id for `GET-ROLE` and
/// `DEL-ROLE` (an id that is not a valid role name is an unknown role, 8/X'F303'), the user id
/// for `GET-PROF` and `DEL-PROF`.
pub fn maintain(cp: &Coprocessor, request: Request, name: &Name8) -> Result<Vec<u8>> {
    // The audit record says what was asked and of whom (review finding A10).
    crate::audit::scope::detail("keyword", request.keyword().trim_ascii_end());
    if request.takes_name() {
        crate::audit::scope::detail("name", name.trim_ascii_end());
    }
    let acp = cp.acp()?;
    match request {
        Request::DeleteRole => acp.require(points::AC_DELETE_ROLE)?,
        Request::ListProfiles | Request::GetProfile | Request::DeleteProfile => {}
        _ => acp.require(points::AC_READ)?,
    }
    match request {
        // The profile requests check their own points (src/access/admin.rs).
        Request::ListProfiles => admin::list_profiles(cp),
        Request::GetProfile => admin::get_profile(cp, name),
        Request::DeleteProfile => admin::delete_profile(cp, name).map(|()| Vec::new()),
        Request::ListRoles => Ok(cp.roles()?.conf.roles.iter().flat_map(|r| r.id).collect()),
        Request::GetRole => {
            let roles = cp.roles()?;
            let r = roles.conf.role(name).ok_or(Error::RoleNotFound)?;
            Ok(structure::encode(r))
        }
        Request::CountRolesProfiles => {
            let n = cp.roles()?.conf.roles.len() as u32;
            Ok([n.to_be_bytes(), admin::profile_count(cp)?.to_be_bytes()].concat())
        }
        Request::DeleteRole => {
            if role::name_of(name).is_none() {
                return Err(Error::RoleNotFound);
            }
            if *name == DEFAULT {
                return Err(Error::RoleDefaultNotDeletable);
            }
            // A role not in the file is "not found" even when a profile names it (INIT-AC
            // allows naming a role not defined yet): the in-use check is for roles that exist.
            if cp.roles()?.conf.role(name).is_none() {
                return Err(Error::RoleNotFound);
            }
            if admin::role_in_use(cp, name)? {
                return Err(Error::RoleInUse);
            }
            cp.update_roles(|conf| {
                let before = conf.roles.len();
                conf.roles.retain(|r| r.id != *name);
                if conf.roles.len() == before {
                    return Err(Error::RoleNotFound);
                }
                Ok(())
            })?;
            Ok(Vec::new())
        }
    }
}
