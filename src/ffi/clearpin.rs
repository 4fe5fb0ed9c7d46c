//! C entry point of Clear PIN Encrypt (CSNBCPE).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::clearpin;

/// Clear PIN Encrypt: formats `clear_PIN` in the format of `PIN_profile` and encrypts the block
/// under the OPINENC key `PIN_encrypting_key_identifier` (CPINENC bit on).
///
/// Parameters in IBM's order: `return_code`, `reason_code`, `exit_data_length`, `exit_data`
/// (ignored), `PIN_encrypting_key_identifier` (64, token or label), `rule_array_count` (0 or 1),
/// `rule_array` (`ENCRYPT` (default) or `RANDOM`), `clear_PIN` (16: digits, blank padded; for
/// `RANDOM` as many `0`s as digits wanted), `PIN_profile` (24), `PAN_data` (12; ISO-0, ISO-3,
/// VISA-4), `sequence_number` (int; 3621: 0-9999, 4704-EPP: 0-99, 99999 = none),
/// `encrypted_PIN_block` (8, out).
///
/// # Safety
/// Each pointer must make available the number of bytes given above (integers: 4;
/// `rule_array`: 8 × count). On error only `return_code` and `reason_code` are written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBCPE(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    PIN_encrypting_key_identifier: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    clear_PIN: *mut u8,
    PIN_profile: *mut u8,
    PAN_data: *mut u8,
    sequence_number: *mut i32,
    encrypted_PIN_block: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbcpe(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            PIN_encrypting_key_identifier,
            rule_array_count,
            rule_array,
            clear_PIN,
            PIN_profile,
            PAN_data,
            sequence_number,
            encrypted_PIN_block,
        )
    }
}

/// [`CSNBCPE`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBCPE`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbcpe<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    PIN_encrypting_key_identifier: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    clear_PIN: *mut u8,
    PIN_profile: *mut u8,
    PAN_data: *mut u8,
    sequence_number: *mut W,
    encrypted_PIN_block: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBCPE", return_code, reason_code, |notes| {
            let key = args::array::<64>(PIN_encrypting_key_identifier)?;
            let rules = args::rule_array(rule_array_count, rule_array, 0..=1)?;
            let clear = args::secret_array::<16>(clear_PIN)?;
            let profile = args::array::<24>(PIN_profile)?;
            let pan = args::array::<12>(PAN_data)?;
            let seq = args::int_or(sequence_number, crate::Error::SequenceNumber)?;
            let out = args::need(encrypted_PIN_block)?;
            let block = clearpin::encrypt(
                coprocessor()?,
                &key,
                &rules,
                &clear,
                &profile,
                &pan,
                seq,
                notes,
            )?;
            args::put_bytes(out, &block);
            Ok(())
        })
    }
}
