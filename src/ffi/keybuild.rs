//! C entry point of Key Token Build (CSNBKTB).

use core::ffi::c_void;

use super::args::Fullword;
use super::{args, guard};
use crate::verbs::keybuild::{self, BuildRequest, MAX_RULES};

/// Key Token Build: assembles an internal DES key token (skeleton, or with an already wrapped
/// key under `KEY`) from `key_type` and the rule array; see [`crate::verbs::keybuild`] for the
/// keywords. IBM CCA 2.54 "Key_Token_Build (CSNBKTB)" (CCA 2.54 p. 5-70) and IBM Docs
/// `wskc_r_ktbparameters`; parameter order of `csulincl.h` (17 parameters: `key_token` and
/// `key_type` come before `rule_array_count`).
///
/// # Safety
/// `key_token`: 64 writable bytes (output only; never read, may not hold a label).
/// `key_type`: 8 readable bytes. `rule_array_count`: 4 readable bytes (0 to 9);
/// `rule_array`: 8 × count readable bytes. `key_value`: 16 readable bytes.
/// `reserved_field_1`: 4 readable bytes that must be binary zero. `reserved_field_2` to
/// `reserved_field_6`: ignored, may be NULL. `control_vector`: 16 readable bytes.
/// `master_key_verification_number`: 8 readable bytes. `key_value`, `control_vector` and the
/// pattern are read on every call (used with `KEY` and `CV`). `return_code`, `reason_code`:
/// NULL or 4 writable bytes each; `exit_data_length`, `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKTB(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_type: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_value: *mut u8,
    reserved_field_1: *mut c_void,
    reserved_field_2: *mut i32,
    reserved_field_3: *mut u8,
    control_vector: *mut u8,
    reserved_field_4: *mut u8,
    reserved_field_5: *mut i32,
    reserved_field_6: *mut u8,
    master_key_verification_number: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbktb(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_token,
            key_type,
            rule_array_count,
            rule_array,
            key_value,
            reserved_field_1,
            reserved_field_2,
            reserved_field_3,
            control_vector,
            reserved_field_4,
            reserved_field_5,
            reserved_field_6,
            master_key_verification_number,
        )
    }
}

/// [`CSNBKTB`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKTB`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbktb<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_type: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_value: *mut u8,
    reserved_field_1: *mut c_void,
    reserved_field_2: *mut W,
    reserved_field_3: *mut u8,
    control_vector: *mut u8,
    reserved_field_4: *mut u8,
    reserved_field_5: *mut W,
    reserved_field_6: *mut u8,
    master_key_verification_number: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    let _ = (
        reserved_field_2,
        reserved_field_3,
        reserved_field_4,
        reserved_field_5,
        reserved_field_6,
    );
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKTB", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 0..=MAX_RULES)?;
            let key_type = args::array::<8>(key_type)?;
            let key_value = args::array::<16>(key_value)?;
            let reserved_1 = args::array::<4>(reserved_field_1.cast::<u8>())?;
            let control_vector = args::array::<16>(control_vector)?;
            let mkvp = args::array::<8>(master_key_verification_number)?;
            let out = args::need(key_token)?;
            let token = keybuild::build(&BuildRequest {
                key_type: &key_type,
                rules: &rules,
                key_value: &key_value,
                reserved_1: &reserved_1,
                control_vector: &control_vector,
                mkvp: &mkvp,
            })?;
            args::put_bytes(out, &token);
            Ok(())
        })
    }
}
