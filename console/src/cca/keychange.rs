//! CSNBKTC (Key Token Change) RTCMK: a CKDS record re-enciphered from the old master key to the
//! current one (docs/CSNBKTC.md).

use super::{Codes, Rules, Verb, field};

/// CSNBKTC RTCMK of one record, by its exact label (one CKDS transaction).
pub fn rtcmk(label: &str) -> Verb<i32> {
    let mut rules = Rules::new(&["RTCMK"]);
    // The identifier is input/output: a label is left as it is.
    let mut id = field::<64>(label);
    let mut codes = Codes::new();
    // SAFETY: key_identifier is 64 writable bytes; the rule array holds one keyword.
    unsafe {
        softcca::ffi::keychange::CSNBKTC(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            id.as_mut_ptr(),
        )
    };
    codes.check("CSNBKTC")
}
