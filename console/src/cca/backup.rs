//! CSUABAK (Directory Backup) and CSUARST (Directory Restore): a consistent online backup of
//! the state directory into a new directory, and its restore (docs/CSUABAK.md,
//! docs/CSUARST.md).

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{Codes, Rules, Verb, input, len32};

/// The C prototype both verbs share.
type PathVerb = unsafe extern "C" fn(
    *mut i32,
    *mut i32,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
);

fn call(name: &'static str, verb: PathVerb, path: &Path) -> Verb<()> {
    let bytes = path.as_os_str().as_bytes();
    let mut rules = Rules::new(&[]);
    let mut path_len = len32(bytes.len());
    let mut codes = Codes::new();
    // SAFETY: path has path_length bytes (read only); the rule array is empty (count 0, NULL).
    unsafe {
        verb(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            &mut path_len,
            input(bytes),
        )
    };
    codes.check(name).map(|_| ())
}

/// CSUABAK: backs the state directory up into the new directory `path` (absolute).
pub fn backup(path: &Path) -> Verb<()> {
    call("CSUABAK", softcca::ffi::backup::CSUABAK, path)
}

/// CSUARST: restores the state directory from the backup in `path` (absolute).
pub fn restore(path: &Path) -> Verb<()> {
    call("CSUARST", softcca::ffi::backup::CSUARST, path)
}
