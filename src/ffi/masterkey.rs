//! C entry point of Master Key Process (CSNBMKP).

use super::args::Fullword;
use super::audit::audited;
use super::{args, coprocessor};
use crate::verbs::masterkey;

/// Master Key Process: loads, generates, clears and sets the DES master-key registers. One
/// audit record per call (docs/audit.md §1; 12/X'F200' or X'F202' and no register change when
/// the log cannot be appended to).
///
/// Rule array (1 to 3 keywords): optional `ADAPTER`, optional `SYM-MK`, and one of `CLEAR`,
/// `FIRST`, `MIDDLE`, `LAST`, `RANDOM`, `SET`.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes; `key_part`:
/// 24 readable bytes (read for every keyword, used by FIRST, MIDDLE and LAST); rc/rs: NULL or
/// 4 writable bytes each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBMKP(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_part: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbmkp(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            key_part,
        )
    }
}

/// [`CSNBMKP`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBMKP`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbmkp<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_part: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSNBMKP", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=3)?;
            let part = args::secret_array::<24>(key_part)?;
            masterkey::process(coprocessor()?, &rules, &part, notes)
        })
    }
}
