//! The C entry points that take only a path (CSUABAK, CSUARST: `rule_array_count` 0 and
//! `path_length`, `path`), for the backup tests (tests/backup.rs, tests/attack_backup.rs include
//! this file with `#[path]`).

/// A verb of the CSUABAK form.
pub type PathVerb = unsafe extern "C" fn(
    *mut i32,
    *mut i32,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
);

/// `verb` with no rule array and the path `p` (any bytes): `(rc, rs)`.
pub fn call_bytes(verb: PathVerb, p: &[u8]) -> (i32, i32) {
    let (mut rc, mut rs, mut n) = (-1, -1, 0);
    let mut p = p.to_vec();
    let mut len = p.len() as i32;
    // SAFETY: valid pointers for the documented lengths.
    unsafe {
        verb(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            std::ptr::null_mut(),
            &mut len,
            p.as_mut_ptr(),
        )
    };
    (rc, rs)
}
