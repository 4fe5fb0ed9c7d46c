//! CSUACFQ (Cryptographic Facility Query): the master-key registers, the directory's
//! protection and the calling thread's logon, for `mk status`, `status` and the menu's status
//! line.

use super::{Codes, Rules, Verb};

/// One information keyword's elements (at most 9, as STATCCAE has).
pub fn query(keyword: &str) -> Verb<Vec<String>> {
    let mut rules = Rules::with_room(&[keyword], 9);
    let mut length = 0i32;
    let mut codes = Codes::new();
    // SAFETY: rule_array has room for 9 elements (72 bytes, the most any keyword writes);
    // verb_data_length is 0 so verb_data is not read; the other pointers are valid fullwords.
    unsafe {
        softcca::ffi::facility::CSUACFQ(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            &mut length,
            std::ptr::null_mut(),
        )
    };
    codes.check("CSUACFQ")?;
    Ok(rules.elements())
}

/// The state of one master-key register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// `empty`, `partial` (new register only) or `full` / `loaded`.
    pub state: &'static str,
    /// Its MKVP (16 hex digits) when loaded (the new register: when full).
    pub mkvp: Option<String>,
}

/// The three registers (STATMKVP): new, current, old.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registers {
    /// The new-master-key register.
    pub new: Register,
    /// The current master key.
    pub current: Register,
    /// The old master key.
    pub old: Register,
}

fn mkvp(hi: &str, lo: &str) -> Option<String> {
    (hi != "NONE").then(|| format!("{hi}{lo}"))
}

/// STATMKVP: the registers and their MKVPs.
pub fn registers() -> Verb<Registers> {
    let e = query("STATMKVP")?;
    let get = |i: usize| e.get(i).map(String::as_str).unwrap_or("");
    let new_state = match get(0) {
        "2" => "partial",
        "3" => "full",
        _ => "empty",
    };
    let reg = |hi: usize| {
        let m = mkvp(get(hi), get(hi + 1));
        Register {
            state: if m.is_some() { "loaded" } else { "empty" },
            mkvp: m,
        }
    };
    Ok(Registers {
        new: Register {
            state: new_state,
            mkvp: mkvp(get(1), get(2)),
        },
        current: reg(3),
        old: reg(5),
    })
}

/// The directory's protection (STATPROT).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Protection {
    /// `UNBOUND` or `BOUND`.
    pub binding: String,
    /// `CLEAR`, `ACTIVE`, `INACTIVE` or `NOKEYRNG`.
    pub activation: String,
    /// The bound SVMK's check value.
    pub svmk_check: Option<String>,
    /// `NONE` or `BOUND`.
    pub partition: String,
    /// `NONE`, `AUTH`, `UNAUTH` or `NOKEYRNG`.
    pub authorisation: String,
    /// The partition secret's check value.
    pub partition_check: Option<String>,
}

/// STATPROT.
pub fn protection() -> Verb<Protection> {
    let e = query("STATPROT")?;
    let get = |i: usize| e.get(i).cloned().unwrap_or_default();
    Ok(Protection {
        binding: get(0),
        activation: get(1),
        svmk_check: mkvp(&get(2), &get(3)),
        partition: get(4),
        authorisation: get(5),
        partition_check: mkvp(&get(6), &get(7)),
    })
}

/// The calling thread's logon (STATLOGN).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logon {
    /// The user id, or `None` when not logged on.
    pub user: Option<String>,
    /// The role in force (`DEFAULT` when not logged on).
    pub role: String,
    /// `PPHRASE`, `CARD` or `NONE`.
    pub mechanism: String,
}

/// STATLOGN.
pub fn logon() -> Verb<Logon> {
    let e = query("STATLOGN")?;
    let get = |i: usize| e.get(i).cloned().unwrap_or_default();
    let user = get(0);
    Ok(Logon {
        user: (user != "NONE" && !user.is_empty()).then_some(user),
        role: get(1),
        mechanism: get(2),
    })
}

/// The library's version (STATCCA element 4).
pub fn version() -> Verb<String> {
    Ok(query("STATCCA")?.get(3).cloned().unwrap_or_default())
}
