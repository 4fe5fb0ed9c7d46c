//! CSUAAVF (Audit Log Verify) through its C entry point, for the audit tests
//! (tests/audit_chain.rs, tests/audit_cards.rs include this file with `#[path]`).

use std::ptr::null_mut;

use softcca::ffi::audit::CSUAAVF;

/// CSUAAVF with no rule array: `(rc, rs, records checked, first bad record, last hash)`.
pub fn verify() -> (i32, i32, i32, i32, String) {
    verify_with(&[])
}

/// CSUAAVF with the rule array `rules` (e.g. `["MAC"]`), as [`verify`].
pub fn verify_with(rules: &[&str]) -> (i32, i32, i32, i32, String) {
    let (mut rc, mut rs, mut count) = (-1, -1, rules.len() as i32);
    let mut ra: Vec<u8> = rules
        .iter()
        .flat_map(|w| format!("{w:<8}").into_bytes())
        .collect();
    let (mut checked, mut bad, mut hl) = (-1, -1, 64);
    let mut hash = [0u8; 64];
    // SAFETY: valid pointers for CSUAAVF's documented lengths.
    unsafe {
        CSUAAVF(
            &mut rc,
            &mut rs,
            null_mut(),
            null_mut(),
            &mut count,
            if ra.is_empty() {
                null_mut()
            } else {
                ra.as_mut_ptr()
            },
            &mut checked,
            &mut bad,
            &mut hl,
            hash.as_mut_ptr(),
        )
    };
    (rc, rs, checked, bad, String::from_utf8_lossy(&hash).into())
}
