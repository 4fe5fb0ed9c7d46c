//! CSUAAVF (Audit Log Verify): the audit log's hash chain (docs/CSUAAVF.md).

use super::{Codes, Failure, Rules, Verb};

/// What CSUAAVF answered with return code 0 (intact) or 4 (a finding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Records that verified, from the genesis record on.
    pub checked: i32,
    /// The position of the first bad record (0: the chain verified).
    pub first_bad: i32,
    /// The hash of the last record that verified (64 hex digits).
    pub last_hash: String,
    /// Return code 4: the reason code naming the finding (X'F208'..X'F211').
    pub finding: Option<i32>,
}

/// CSUAAVF `CHAIN` (or `MAC` with `mac`): outputs on return code 0 and 4, the failure on 8
/// and 12.
pub fn verify(mac: bool) -> Verb<Verified> {
    let mut rules = Rules::new(&[if mac { "MAC" } else { "CHAIN" }]);
    let mut checked = -1i32;
    let mut first_bad = -1i32;
    let mut hash = [b'0'; 64];
    let mut hash_len = 64i32;
    let mut codes = Codes::new();
    // SAFETY: the outputs are fullwords and a 64-byte buffer whose size hash_len gives.
    unsafe {
        softcca::ffi::audit::CSUAAVF(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            &mut checked,
            &mut first_bad,
            &mut hash_len,
            hash.as_mut_ptr(),
        )
    };
    let finding = match codes.check("CSUAAVF") {
        Ok(_) => None,
        Err(Failure { rc: 4, reason, .. }) => Some(reason),
        Err(f) => return Err(f),
    };
    let n = (hash_len.max(0) as usize).min(hash.len());
    Ok(Verified {
        checked,
        first_bad,
        last_hash: String::from_utf8_lossy(&hash[..n]).into_owned(),
        finding,
    })
}
