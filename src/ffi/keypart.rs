//! C entry point of Key Part Import (CSNBKPI).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::keypart;

/// Key Part Import: loads (`FIRST`), combines (`ADD-PART`, `MIDDLE`, `LAST`) or completes
/// (`COMPLETE`) a DES key from clear parts; see [`crate::verbs::keypart`]. IBM CCA 2.54
/// "Key_Part_Import (CSNBKPI)" (CCA 2.54 p. 5-62) and IBM Docs `wskc_r_kpiparameters`.
///
/// `key_identifier` is an internal token (updated in place) or the label of a CKDS record
/// (the record is updated; the caller's field is left as it is).
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 1); `rule_array`: 8 readable bytes;
/// `key_part`: 16 readable bytes (read for every keyword; ignored by COMPLETE);
/// `key_identifier`: 64 readable bytes, and 64 writable bytes when it holds a token;
/// `return_code`, `reason_code`: NULL or 4 writable bytes each; `exit_data_length`,
/// `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKPI(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_part: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkpi(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            key_part,
            key_identifier,
        )
    }
}

/// [`CSNBKPI`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKPI`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbkpi<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_part: *mut u8,
    key_identifier: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKPI", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=1)?;
            let part = args::secret_array::<16>(key_part)?;
            let id = args::array::<64>(key_identifier)?;
            let out = args::need(key_identifier)?;
            if let Some(token) = keypart::import(coprocessor()?, &rules, &part, &id, notes)? {
                args::put_bytes(out, &token);
            }
            Ok(())
        })
    }
}
