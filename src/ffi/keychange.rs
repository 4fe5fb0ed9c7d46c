//! C entry point of Key Token Change (CSNBKTC).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::keychange;

/// Key Token Change, `RTCMK`: re-enciphers a DES key token, a CKDS record, or every record
/// matching a label with one `*`, from the old to the current master key; see
/// [`crate::verbs::keychange`]. IBM CCA 2.54 "Key_Token_Change (CSNBKTC)" (CCA 2.54 p. 5-74) and
/// IBM Docs `wskc_r_bktcparameters`.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (1 or 2); `rule_array`: 8 × count readable bytes;
/// `key_identifier`: 64 readable bytes, and 64 writable bytes when it holds a token;
/// `return_code`, `reason_code`: NULL or 4 writable bytes each; `exit_data_length`,
/// `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKTC(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbktc(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            key_identifier,
        )
    }
}

/// [`CSNBKTC`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKTC`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbktc<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKTC", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=2)?;
            let id = args::array::<64>(key_identifier)?;
            let out = args::need(key_identifier)?;
            if let Some(token) = keychange::change(coprocessor()?, &rules, &id)? {
                args::put_bytes(out, &token);
            }
            Ok(())
        })
    }
}
