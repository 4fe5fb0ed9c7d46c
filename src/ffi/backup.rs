//! C entry points of directory backup and restore: Directory Backup (CSUABAK,
//! docs/CSUABAK.md) and Directory Restore (CSUARST, docs/CSUARST.md). Cores in
//! [`crate::state::backup`].

use super::audit::audited_at;
use super::{args, coprocessor};
use crate::audit::scope;
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::state::backup::{self, MAX_PATH};

/// The body both verbs share, in one audit record per call (`op=` the verb; the point is
/// checked before anything else, docs/decisions.md D62): no keyword; a logon (8/90 without
/// one, whatever the role of a caller that has not logged on holds); the path (1..1024
/// bytes); then `action`.
///
/// # Safety
/// As [`CSUABAK`].
#[allow(clippy::too_many_arguments)]
unsafe fn path_verb(
    verb: &'static str,
    point: u16,
    return_code: *mut i32,
    reason_code: *mut i32,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    path_length: *mut i32,
    path: *mut u8,
    action: fn(&Coprocessor, &[u8]) -> Result<backup::Identified>,
) {
    // SAFETY: pointer contracts are the caller's, forwarded.
    unsafe {
        audited_at(verb, Some(point), return_code, reason_code, |_| {
            let cp = coprocessor()?;
            let logon = cp
                .directory_id()
                .and_then(|id| crate::access::context::current(&id))
                .ok_or(Error::AccessDenied(point))?;
            scope::detail("by", logon.user.trim_ascii_end());
            let _ = args::rule_array(rule_array_count, rule_array, 0..=0)?;
            let n = args::len_in(path_length, 1..=MAX_PATH, Error::BadLength)?;
            let (buf, n) = args::bytes_upto::<MAX_PATH>(path, n)?;
            let path = &buf[..n];
            scope::detail("path", path);
            crate::crypto::scrub::note_secret();
            action(cp, path).map(|_| ())
        })
    }
}

/// Directory Backup: writes a consistent snapshot of the state directory (its databases by
/// SQLite's online backup API, `acp.conf`, `softcca.id`, a manifest of each file's length and
/// SHA-256; MAC'd under the SVMK in a bound directory) to the new directory `path` (absolute,
/// 1..1024 bytes; it must not exist, its parent must), while other processes keep working.
/// Needs a logon and X'F050'.
///
/// Rule array: none (`rule_array_count` 0; `rule_array` may be NULL).
///
/// # Safety
/// `rule_array_count`, `path_length`: 4 readable bytes; `rule_array`: 8 × count readable
/// bytes (count is 0); `path`: `*path_length` readable bytes; `return_code`, `reason_code`:
/// NULL or 4 writable bytes each; `exit_data_length`, `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUABAK(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    path_length: *mut i32,
    path: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        path_verb(
            "CSUABAK",
            points::DIR_BACKUP,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            path_length,
            path,
            backup::snapshot::backup,
        )
    }
}

/// Directory Restore: replaces the state directory's databases and `acp.conf` by those of the
/// backup at `path` (a CSUABAK backup of this same directory: same id, same bindings; in a
/// bound directory MAC'd under its SVMK), atomically for every process, which drop their
/// cached keys and registers at their next call. Needs a logon and X'F051'.
///
/// Rule array: none (`rule_array_count` 0; `rule_array` may be NULL).
///
/// # Safety
/// As [`CSUABAK`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUARST(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    path_length: *mut i32,
    path: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        path_verb(
            "CSUARST",
            points::DIR_RESTORE,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            path_length,
            path,
            backup::restore::restore,
        )
    }
}
