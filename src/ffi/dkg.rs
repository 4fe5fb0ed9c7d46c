//! C entry point of Diversified Key Generate (CSNBDKG).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::dkg::{self, MAX_DATA, MAX_RULES, Request};

/// Diversified Key Generate: derives a key from a DKYGENKY key-generating key and data
/// (`TDES-ENC`, `TDES-DEC`, `TDES-XOR`, `TDESEMV2`, `TDESEMV4`), or XORs data into a session key
/// (`SESS-XOR`), and returns it wrapped under the current master key in the token that
/// `generated_key_identifier` supplies; see [`crate::verbs::dkg`] for the level and key-type
/// rules. IBM CCA 2.54 "Diversified_Key_Generate (CSNBDKG)" (CCA 2.54 p=185-190), IBM Docs
/// `wskc_r_dkgparameters`, z/OS ICSF APG `dkg.htm`. Eleven parameters in IBM's order.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (1 or 2); `rule_array`: 8 × count readable bytes.
/// `generating_key_identifier`: 64 readable bytes (token or label). `data_length`: 4 readable
/// bytes; `data`: `data_length` readable bytes (at most 34 are accepted).
/// `data_decrypting_key_identifier`: 64 readable bytes (must be a null token).
/// `generated_key_identifier`: 64 readable bytes (a skeleton or internal token, a null token
/// for TDES-ENC/TDES-DEC/SESS-XOR, or a label) and, unless it is a label, 64 writable bytes
/// that receive the generated token. `return_code`, `reason_code`: NULL or 4 writable bytes
/// each; `exit_data_length`, `exit_data`: ignored. On any error only `return_code` and
/// `reason_code` are written.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CSNBDKG(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    generating_key_identifier: *mut u8,
    data_length: *mut i32,
    data: *mut u8,
    data_decrypting_key_identifier: *mut u8,
    generated_key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbdkg(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            generating_key_identifier,
            data_length,
            data,
            data_decrypting_key_identifier,
            generated_key_identifier,
        )
    }
}

/// [`CSNBDKG`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBDKG`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbdkg<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    generating_key_identifier: *mut u8,
    data_length: *mut W,
    data: *mut u8,
    data_decrypting_key_identifier: *mut u8,
    generated_key_identifier: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBDKG", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=MAX_RULES)?;
            let process = dkg::parse_rules(&rules)?;
            let n = args::len_in(data_length, 0..=MAX_DATA, crate::Error::BadLength)?;
            let (buf, n) = args::bytes_upto::<MAX_DATA>(data, n)?;
            let data = zeroize::Zeroizing::new(buf);
            let generating = args::array::<64>(generating_key_identifier)?;
            let data_decrypting = args::array::<64>(data_decrypting_key_identifier)?;
            let generated = args::array::<64>(generated_key_identifier)?;
            let out = args::need(generated_key_identifier)?;
            let req = Request {
                process,
                generating,
                data: &data[..n],
                data_decrypting,
                generated,
            };
            if let Some(token) = dkg::generate(coprocessor()?, &req, notes)? {
                args::put_bytes(out, &token);
            }
            Ok(())
        })
    }
}
