//! Cryptographic Facility Query (CSUACFQ): the state of the coprocessor as rule-array
//! elements.
//!
//! IBM CCA Basic Services Reference 2.54, "Cryptographic_Facility_Query (CSUACFQ)" (CCA 2.54
//! p=73-75, figure 2-3) and IBM Docs, CCA for Linux on IBM Z, `csuacfq-parameters`.
//! Numbers are left-justified characters padded with blanks (`2       `).
//!
//! Rule array in: optional `ADAPTER1` (ignored, as in CCA) and one of
//!
//! * `STATCCA` (6 elements out): 1 NMK status (`1` empty, `2` partially loaded, `3` full),
//!   2 CMK status (`1` empty, `2` loaded), 3 OMK status, 4 version (the crate version), 5
//!   build date (`YYYYMMDD`), 6 role (`DEFAULT`, or the role of the calling thread's logon);
//! * `STATCCAE` (9 elements): the six of STATCCA (the DES registers), then 7-9 the
//!   asymmetric NMK, CMK and OMK status, always `1` (softcca has no asymmetric registers);
//! * `STATMKVP` (softcca's own, 7 elements): 1 NMK status as above, then for the new
//!   (only when full), current and old register two elements each holding the SHA-1 master-key
//!   verification pattern (the token MKVP, docs/decisions.md F13) as 16 upper-case hexadecimal
//!   characters; an empty register gives `NONE` and 8 blanks.
//!
//! * `STATPROT` (softcca's own, 8 elements): the directory's protection
//!   (docs/custody.md): 1 `UNBOUND` (the master-key registers are in clear in
//!   `masterkey.db`: **unprotected**) or `BOUND`; 2 activation: `CLEAR` (unbound), `ACTIVE`,
//!   `INACTIVE` or `NOKEYRNG` (the kernel keyring cannot be reached); 3-4 the bound SVMK's
//!   check value as 16 hexadecimal characters (`NONE` and blanks when unbound); 5 partition
//!   `NONE` or `BOUND`; 6 authorisation: `NONE` (no partition), `AUTH`, `UNAUTH` or
//!   `NOKEYRNG`; 7-8 the partition secret's check value (`NONE` and blanks).
//!
//! * `STATLOGN` (softcca's own, 4 elements): the calling thread's logon (docs/CSUALCT.md):
//!   1 the user id (`NONE` when not logged on), 2 the role id (`DEFAULT` when not), 3 the
//!   mechanism `PPHRASE`, `CARD` or `NONE`, 4 its strength in decimal (`0` when not).
//!
//! Other information keywords (`STATCARD`, `STATDIAG`, `TIMEDATE`, …) are 8/33. No verb data
//! is returned.

use crate::access::context::{self, Logon, Mechanism};
use crate::custody::directory::{self, Activation, Authorisation};
use crate::error::Result;
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::state::Coprocessor;
use crate::state::masterkey::NewRegister;

const ADAPTER: &[Keyword] = &[kw("ADAPTER1")];
const INFO: &[Keyword] = &[
    kw("STATCCA"),
    kw("STATCCAE"),
    kw("STATMKVP"),
    kw("STATPROT"),
    kw("STATLOGN"),
];

/// The most elements any query returns (STATCCAE).
pub const MAX_ELEMENTS: usize = 9;

/// The version element: the crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The build time (Unix seconds, from build.rs; `SOURCE_DATE_EPOCH` when set).
const BUILD_EPOCH: &str = env!("SOFTCCA_BUILD_EPOCH");

/// The build-date element: `YYYYMMDD`, UTC.
pub fn build_date() -> String {
    let c = crate::civil::Civil::from_unix(BUILD_EPOCH.parse().unwrap_or(0));
    format!("{:04}{:02}{:02}", c.year, c.month, c.day)
}
/// The role element.
pub const ROLE: &str = "DEFAULT";

/// An 8-byte element holding `text` (at most 8 characters), blank padded.
fn element(text: &str) -> Keyword {
    let mut b = [b' '; 8];
    let n = text.len().min(8);
    b[..n].copy_from_slice(&text.as_bytes()[..n]);
    Keyword(b)
}

fn hex_halves(mkvp: Option<&[u8; 8]>) -> [Keyword; 2] {
    match mkvp {
        None => [element("NONE"), element("")],
        Some(v) => {
            let h = crate::hex::hex(v);
            [element(&h[..8]), element(&h[8..])]
        }
    }
}

/// CSUACFQ: the output rule-array elements.
pub fn query(cp: &Coprocessor, rules: &RuleArray) -> Result<Vec<Keyword>> {
    let [_, info] = rules.resolve(&[Group::optional(ADAPTER), Group::required(INFO)])?;
    if info == Some(3) {
        return protection(cp);
    }
    let logon = current_logon(cp)?;
    if info == Some(4) {
        return Ok(logon_elements(logon.as_deref()));
    }
    let regs = cp.master_key_store().load()?;
    let nmk = match regs.new {
        NewRegister::Empty => "1",
        NewRegister::Partial(_) => "2",
        NewRegister::Full(_) => "3",
    };
    let loaded = |b: bool| if b { "2" } else { "1" };
    let mut out = Vec::with_capacity(MAX_ELEMENTS);
    if info == Some(2) {
        out.push(element(nmk));
        let new = match &regs.new {
            NewRegister::Full(m) => Some(&m.mkvp),
            _ => None,
        };
        out.extend(hex_halves(new));
        out.extend(hex_halves(regs.current.as_ref().map(|m| &m.mkvp)));
        out.extend(hex_halves(regs.old.as_ref().map(|m| &m.mkvp)));
        return Ok(out);
    }
    out.extend([
        element(nmk),
        element(loaded(regs.current.is_some())),
        element(loaded(regs.old.is_some())),
        element(VERSION),
        element(&build_date()),
        logon.as_ref().map_or(element(ROLE), |l| Keyword(l.role)),
    ]);
    if info == Some(1) {
        out.extend([element("1"), element("1"), element("1")]);
    }
    Ok(out)
}

/// This thread's live logon, revalidated first (a logon whose profile changed ends here,
/// 8/X'F31C', as in every verb).
fn current_logon(cp: &Coprocessor) -> Result<Option<std::sync::Arc<Logon>>> {
    crate::access::logon::revalidate(cp)?;
    Ok(cp.directory_id().and_then(|id| context::current(&id)))
}

/// STATLOGN: this thread's logon (module documentation).
fn logon_elements(logon: Option<&Logon>) -> Vec<Keyword> {
    match logon {
        None => vec![
            element("NONE"),
            element(ROLE),
            element("NONE"),
            element("0"),
        ],
        Some(l) => vec![
            Keyword(l.user),
            Keyword(l.role),
            element(match l.mechanism {
                Mechanism::Passphrase => "PPHRASE",
                Mechanism::Card => "CARD",
            }),
            element(&l.strength.to_string()),
        ],
    }
}

/// STATPROT: the directory's protection (module documentation).
fn protection(cp: &Coprocessor) -> Result<Vec<Keyword>> {
    let st = directory::status(cp)?;
    let mut out = Vec::with_capacity(8);
    out.push(element(if st.svmk_check.is_some() {
        "BOUND"
    } else {
        "UNBOUND"
    }));
    out.push(element(match st.activation {
        Activation::Unbound => "CLEAR",
        Activation::Active => "ACTIVE",
        Activation::Inactive => "INACTIVE",
        Activation::NoKeyring => "NOKEYRNG",
    }));
    out.extend(hex_halves(st.svmk_check.as_ref()));
    out.push(element(if st.partition_check.is_some() {
        "BOUND"
    } else {
        "NONE"
    }));
    out.push(element(match st.authorisation {
        Authorisation::Unbound => "NONE",
        Authorisation::Authorised(_) => "AUTH",
        Authorisation::Unauthorised => "UNAUTH",
        Authorisation::NoKeyring => "NOKEYRNG",
    }));
    out.extend(hex_halves(st.partition_check.as_ref()));
    Ok(out)
}
