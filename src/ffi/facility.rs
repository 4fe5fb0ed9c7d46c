//! C entry point of Cryptographic Facility Query (CSUACFQ).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::facility;

/// Cryptographic Facility Query: returns the coprocessor's status as rule-array elements;
/// keywords `STATCCA`, `STATCCAE` and softcca's `STATMKVP` (master-key verification
/// patterns) and `STATPROT` (directory protection: `UNBOUND` = master-key registers in clear),
/// see [`crate::verbs::facility`]. IBM CCA 2.54 "Cryptographic_Facility_Query
/// (CSUACFQ)" (CCA 2.54 p. 2-3) and IBM Docs `csuacfq-parameters`.
///
/// On success `rule_array_count` is set to the number of elements returned and `rule_array`
/// holds them; `verb_data_length` is set to 0 and `verb_data` is not used.
///
/// # Safety
/// `rule_array_count`: 4 readable and writable bytes (1 or 2 on input). `rule_array`: 8 ×
/// count readable bytes on input, and room for the output: 48 writable bytes for `STATCCA`
/// (6 elements), 72 for `STATCCAE` (9), 56 for `STATMKVP` (7), 64 for `STATPROT` (8);
/// allocate 72 to be safe.
/// `verb_data_length`: 4 readable and writable bytes. `verb_data`: ignored, may be NULL.
/// `return_code`, `reason_code`: NULL or 4 writable bytes each; `exit_data_length`,
/// `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUACFQ(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    verb_data_length: *mut i32,
    verb_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csuacfq(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            verb_data_length,
            verb_data,
        )
    }
}

/// [`CSUACFQ`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSUACFQ`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csuacfq<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    verb_data_length: *mut W,
    verb_data: *mut u8,
) {
    let _ = (exit_data_length, exit_data, verb_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSUACFQ", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=2)?;
            let _ = args::int(verb_data_length)?;
            let count_out = args::need(rule_array_count)?;
            let array_out = args::need(rule_array)?;
            let length_out = args::need(verb_data_length)?;
            let elements = facility::query(coprocessor()?, &rules)?;
            let bytes: Vec<u8> = elements.iter().flat_map(|k| k.0).collect();
            args::put_bytes(array_out, &bytes);
            args::put_int(count_out, elements.len() as i32);
            args::put_int(length_out, 0);
            Ok(())
        })
    }
}
