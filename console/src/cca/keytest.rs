//! CSNBKYT (Key Test): the key check value of a CKDS record's key (docs/CSNBKYT.md).

use super::{Codes, Rules, Verb, field};

/// CSNBKYT GENERATE KEY-ENC ENC-ZERO of the record `label`: the first 4 bytes of the key
/// applied to 8 zero bytes (the common key check value) and the reason code (0/10001: the
/// token is under the old master key).
pub fn check_value(label: &str) -> Verb<([u8; 4], i32)> {
    let mut rules = Rules::new(&["GENERATE", "KEY-ENC", "ENC-ZERO"]);
    let mut id = field::<64>(label);
    let mut value_1 = [0u8; 8];
    let mut value_2 = [0u8; 8];
    let mut codes = Codes::new();
    // SAFETY: key_identifier is 64 bytes; value_1 and value_2 have 8 bytes each.
    unsafe {
        softcca::ffi::keytest::CSNBKYT(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            id.as_mut_ptr(),
            value_1.as_mut_ptr(),
            value_2.as_mut_ptr(),
        )
    };
    let warning = codes.check("CSNBKYT")?;
    let mut kcv = [0u8; 4];
    kcv.copy_from_slice(&value_2[..4]);
    Ok((kcv, warning))
}
