//! C entry point of Key Test (CSNBKYT).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::keytest;

/// Key Test: generates (`GENERATE`) or verifies (`VERIFY`) the verification pattern of a clear
/// key, an enciphered key (token or label) or a master-key register; see
/// [`crate::verbs::keytest`] for keywords and methods. IBM CCA 2.54 "Key_Test (CSNBKYT)"
/// (CCA 2.54 p. 5-67) and IBM Docs `keys-key-test-csnbkyt`. A VERIFY that does not match returns
/// 4/1 and writes nothing.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (2 to 4); `rule_array`: 8 × count readable bytes;
/// `key_identifier`: 64 readable bytes (read for every keyword; a clear key sits in its first
/// 8 or 16 bytes); `value_1` (`random_number`) and `value_2` (`verification_pattern`): 8
/// readable bytes each, and 8 writable bytes each on GENERATE; `return_code`,
/// `reason_code`: NULL or 4 writable bytes each; `exit_data_length`, `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKYT(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_identifier: *mut u8,
    value_1: *mut u8,
    value_2: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkyt(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            key_identifier,
            value_1,
            value_2,
        )
    }
}

/// [`CSNBKYT`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKYT`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbkyt<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_identifier: *mut u8,
    value_1: *mut u8,
    value_2: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKYT", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 2..=4)?;
            let id = args::secret_array::<64>(key_identifier)?;
            let v1 = args::array::<8>(value_1)?;
            let v2 = args::array::<8>(value_2)?;
            let out_1 = args::need(value_1)?;
            let out_2 = args::need(value_2)?;
            if let Some(v) = keytest::test(coprocessor()?, &rules, &id, &v1, &v2, notes)? {
                args::put_bytes(out_1, &v.value_1);
                args::put_bytes(out_2, &v.value_2);
            }
            Ok(())
        })
    }
}
