//! C entry points of directory protection that need no card: Deactivate (CSUADAC) and
//! Deauthorise (CSUADAU) (docs/custody.md). Binding, activation and
//! authorisation need the SVMK or partition secret recombined from operator cards: their C
//! entry points are the card ceremonies of [`super::custody`] (the Rust cores are
//! [`crate::custody::directory`]).

use super::audit::audited_at;
use super::{args, coprocessor};
use crate::custody::directory;
use crate::error::Result;
use crate::state::Coprocessor;
use crate::state::acp::points;

/// The body both verbs share: no keyword, then `action` on the process's coprocessor; one
/// audit record per call (`op=CSUADAC` or `CSUADAU`, the event `DEACTIVATE` or
/// `DEAUTHORISE` in its details; refused with 12/X'F200' or X'F202' before anything changes
/// when the log cannot be appended to).
///
/// # Safety
/// As [`CSUADAC`].
unsafe fn no_keyword_verb(
    verb: &'static str,
    point: u16,
    return_code: *mut i32,
    reason_code: *mut i32,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    action: fn(&Coprocessor) -> Result<()>,
) {
    // SAFETY: pointer contracts are the caller's, forwarded.
    unsafe {
        audited_at(verb, Some(point), return_code, reason_code, |_| {
            let _ = args::rule_array(rule_array_count, rule_array, 0..=0)?;
            action(coprocessor()?)
        })
    }
}

/// Directory Deactivate: revokes the state directory's SVMK (and any partition
/// authorisation) in the kernel keyring; from its next call on, every verb that needs the
/// master key returns 12/X'F270' in every process of the user, until the directory is
/// activated again with its cards. 8/X'F263' when the directory is not bound to an SVMK.
///
/// Rule array: none (`rule_array_count` 0; `rule_array` may be NULL).
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes (count is 0);
/// `return_code`, `reason_code`: NULL or 4 writable bytes each; `exit_data_length`,
/// `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUADAC(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        no_keyword_verb(
            "CSUADAC",
            points::DIR_DEACTIVATE,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            directory::deactivate,
        )
    }
}

/// Directory Deauthorise: ends the partition authorisation of the state directory in every
/// process of the user (their next CSNBPCU, CSNBDKG, CSNBMGN, CSNBMVR or CSNBCPE returns
/// 8/X'F280'). 8/X'F284' when the directory is not bound to a partition.
///
/// Rule array: none (`rule_array_count` 0; `rule_array` may be NULL).
///
/// # Safety
/// As [`CSUADAC`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUADAU(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        no_keyword_verb(
            "CSUADAU",
            points::DIR_DEAUTHORISE,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            directory::deauthorise,
        )
    }
}
