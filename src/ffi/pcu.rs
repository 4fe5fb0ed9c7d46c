//! C entry points of PIN Change/Unblock: `CSNBPCU` and its AMODE(64) name `CSNEPCU`, one
//! implementation. IBM's 27 parameters in IBM's order (z/OS ICSF APG "PIN Change/Unblock
//! (CSNBPCU and CSNEPCU)", Format), integers as `int32_t` fullwords (`long` for libcsulcca:
//! [`super::lp64`]).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::derive::KeyGenerationData;
use crate::error::Result;
use crate::verbs::pcu::{self, PinInput, Request};

/// Reads one reference PIN's five parameters.
///
/// # Safety
/// As documented on [`CSNBPCU`] for the new/current reference PIN parameters.
unsafe fn pin_input<W: Fullword>(
    len: *const W,
    key: *const u8,
    block: *const u8,
    profile: *const u8,
    pan: *const u8,
) -> Result<PinInput> {
    // SAFETY: forwarded contracts (4, 64, 8, 24 and 12 readable bytes).
    unsafe {
        Ok(PinInput {
            key_length: args::int(len)?,
            key: args::array::<64>(key)?,
            block: args::array::<8>(block)?,
            profile: args::array::<24>(profile)?,
            pan: args::array::<12>(pan)?,
        })
    }
}

/// The one implementation behind both names, for either integer width ([`Fullword`]):
/// `int32_t` (softcca.h) or `long` (csulincl.h, [`super::lp64`]); `exit_data_length`,
/// `exit_data` and `output_PIN_data` are ignored and not passed.
///
/// # Safety
/// As documented on [`CSNBPCU`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn pin_change_unblock<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    authentication_issuer_master_key_length: *mut W,
    authentication_issuer_master_key_identifier: *mut u8,
    encryption_issuer_master_key_length: *mut W,
    encryption_issuer_master_key_identifier: *mut u8,
    key_generation_data_length: *mut W,
    key_generation_data: *mut u8,
    new_reference_PIN_key_length: *mut W,
    new_reference_PIN_key_identifier: *mut u8,
    new_reference_PIN_block: *mut u8,
    new_reference_PIN_profile: *mut u8,
    new_reference_PIN_PAN_data: *mut u8,
    current_reference_PIN_key_length: *mut W,
    current_reference_PIN_key_identifier: *mut u8,
    current_reference_PIN_block: *mut u8,
    current_reference_PIN_profile: *mut u8,
    current_reference_PIN_PAN_data: *mut u8,
    output_PIN_data_length: *mut W,
    output_PIN_profile: *mut u8,
    output_PIN_message_length: *mut W,
    output_PIN_message: *mut u8,
) {
    // SAFETY: every pointer is read through `args` under the caller's contract of CSNBPCU.
    unsafe {
        guard("CSNBPCU", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=2)?;
            let (algorithm, method) = pcu::parse_rules(&rules)?;
            let kgd_len =
                args::len_in(key_generation_data_length, 0..=34, crate::Error::BadLength)?;
            let (kgd_bytes, n) = args::bytes_upto::<34>(key_generation_data, kgd_len)?;
            let kgd: KeyGenerationData = pcu::key_generation_data(algorithm, &kgd_bytes[..n])?;
            // Every length before any identifier is copied.
            let key_lengths = [
                args::int(authentication_issuer_master_key_length)?,
                args::int(encryption_issuer_master_key_length)?,
                args::int(new_reference_PIN_key_length)?,
            ];
            let current_length = if method.uses_current_pin() {
                Some(args::int(current_reference_PIN_key_length)?)
            } else {
                // docs/decisions.md F16: the length must be 0 (NULL allowed); the rest is ignored.
                if !current_reference_PIN_key_length.is_null()
                    && args::int(current_reference_PIN_key_length)? != 0
                {
                    return Err(crate::Error::BadLength);
                }
                None
            };
            let output_pin_data_length =
                args::int_or(output_PIN_data_length, crate::Error::MustBeZero)?;
            let output_capacity = args::int(output_PIN_message_length)?;
            pcu::check_lengths(
                method,
                key_lengths,
                current_length,
                output_pin_data_length,
                output_capacity,
            )?;
            let current_pin = match current_length {
                Some(_) => Some(pin_input(
                    current_reference_PIN_key_length,
                    current_reference_PIN_key_identifier,
                    current_reference_PIN_block,
                    current_reference_PIN_profile,
                    current_reference_PIN_PAN_data,
                )?),
                None => None,
            };
            let req = Request {
                algorithm,
                method,
                auth_key_length: key_lengths[0],
                auth_key: args::array::<64>(authentication_issuer_master_key_identifier)?,
                enc_key_length: key_lengths[1],
                enc_key: args::array::<64>(encryption_issuer_master_key_identifier)?,
                kgd,
                new_pin: pin_input(
                    new_reference_PIN_key_length,
                    new_reference_PIN_key_identifier,
                    new_reference_PIN_block,
                    new_reference_PIN_profile,
                    new_reference_PIN_PAN_data,
                )?,
                current_pin,
                output_pin_data_length,
                output_profile: args::array::<24>(output_PIN_profile)?,
                output_capacity,
            };
            let out_msg = args::need(output_PIN_message)?;
            let resp = pcu::process(coprocessor()?, &req, notes)?;
            args::put_bytes(out_msg, resp.message());
            args::put_int(output_PIN_message_length, resp.message().len() as i32);
            Ok(())
        })
    }
}

/// PIN Change/Unblock: builds the encrypted PIN message of an EMV issuer script that changes
/// or unblocks the PIN on a chip card (Visa VIS / Amex), from the card keys derived from two
/// DKYGENKY issuer master keys and the new (and current) PIN encrypted under a PIN key.
///
/// Parameters, in IBM's order (every one by reference; integers are `int32_t` and may be
/// misaligned; see docs/CSNBPCU.md):
/// `return_code`, `reason_code` (out; NULL tolerated), `exit_data_length`, `exit_data`
/// (ignored; NULL allowed), `rule_array_count` (1 or 2), `rule_array` (`TDES-XOR` (default) |
/// `TDESEMV2` | `TDESEMV4`, and one of `VISAPCU1` `VISAPCU2` `AMEXPCU1` `AMEXPCU2`),
/// `authentication_issuer_master_key_length` (64), `authentication_issuer_master_key_identifier`
/// (64: DKYGENKY DKYL0 DMAC or DALL), `encryption_issuer_master_key_length` (64),
/// `encryption_issuer_master_key_identifier` (64: DKYGENKY DKYL0 DMPIN or DALL),
/// `key_generation_data_length` (10 or 18; TDESEMVn also 26 or 34), `key_generation_data`,
/// `new_reference_PIN_key_length` (64), `new_reference_PIN_key_identifier` (64: IPINENC or
/// OPINENC), `new_reference_PIN_block` (8), `new_reference_PIN_profile` (24),
/// `new_reference_PIN_PAN_data` (12), the same five `current_reference_PIN_*` (used by
/// VISAPCU2 and AMEXPCU1; for the other methods the length must be 0 and all five may be NULL),
/// `output_PIN_data_length` (must be 0), `output_PIN_data` (reserved, never read; may be NULL),
/// `output_PIN_profile` (24: the method keyword, `NONE`, 8 blanks), `output_PIN_message_length`
/// (in: capacity, at least 16 for VISA and 8 for AMEX; out: bytes written),
/// `output_PIN_message` (out).
///
/// # Safety
/// Each non-NULL pointer must make available the number of bytes given above (integers: 4;
/// `rule_array`: 8 × count; `key_generation_data`: its length; `output_PIN_message`: its
/// capacity). On any error only `return_code` and `reason_code` are written.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CSNBPCU(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    authentication_issuer_master_key_length: *mut i32,
    authentication_issuer_master_key_identifier: *mut u8,
    encryption_issuer_master_key_length: *mut i32,
    encryption_issuer_master_key_identifier: *mut u8,
    key_generation_data_length: *mut i32,
    key_generation_data: *mut u8,
    new_reference_PIN_key_length: *mut i32,
    new_reference_PIN_key_identifier: *mut u8,
    new_reference_PIN_block: *mut u8,
    new_reference_PIN_profile: *mut u8,
    new_reference_PIN_PAN_data: *mut u8,
    current_reference_PIN_key_length: *mut i32,
    current_reference_PIN_key_identifier: *mut u8,
    current_reference_PIN_block: *mut u8,
    current_reference_PIN_profile: *mut u8,
    current_reference_PIN_PAN_data: *mut u8,
    output_PIN_data_length: *mut i32,
    output_PIN_data: *mut u8,
    output_PIN_profile: *mut u8,
    output_PIN_message_length: *mut i32,
    output_PIN_message: *mut u8,
) {
    let _ = (exit_data_length, exit_data, output_PIN_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        pin_change_unblock(
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            authentication_issuer_master_key_length,
            authentication_issuer_master_key_identifier,
            encryption_issuer_master_key_length,
            encryption_issuer_master_key_identifier,
            key_generation_data_length,
            key_generation_data,
            new_reference_PIN_key_length,
            new_reference_PIN_key_identifier,
            new_reference_PIN_block,
            new_reference_PIN_profile,
            new_reference_PIN_PAN_data,
            current_reference_PIN_key_length,
            current_reference_PIN_key_identifier,
            current_reference_PIN_block,
            current_reference_PIN_profile,
            current_reference_PIN_PAN_data,
            output_PIN_data_length,
            output_PIN_profile,
            output_PIN_message_length,
            output_PIN_message,
        )
    }
}

/// PIN Change/Unblock under its ICSF AMODE(64) name: identical to [`CSNBPCU`].
///
/// # Safety
/// As [`CSNBPCU`].
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CSNEPCU(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    authentication_issuer_master_key_length: *mut i32,
    authentication_issuer_master_key_identifier: *mut u8,
    encryption_issuer_master_key_length: *mut i32,
    encryption_issuer_master_key_identifier: *mut u8,
    key_generation_data_length: *mut i32,
    key_generation_data: *mut u8,
    new_reference_PIN_key_length: *mut i32,
    new_reference_PIN_key_identifier: *mut u8,
    new_reference_PIN_block: *mut u8,
    new_reference_PIN_profile: *mut u8,
    new_reference_PIN_PAN_data: *mut u8,
    current_reference_PIN_key_length: *mut i32,
    current_reference_PIN_key_identifier: *mut u8,
    current_reference_PIN_block: *mut u8,
    current_reference_PIN_profile: *mut u8,
    current_reference_PIN_PAN_data: *mut u8,
    output_PIN_data_length: *mut i32,
    output_PIN_data: *mut u8,
    output_PIN_profile: *mut u8,
    output_PIN_message_length: *mut i32,
    output_PIN_message: *mut u8,
) {
    let _ = (exit_data_length, exit_data, output_PIN_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        pin_change_unblock(
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            authentication_issuer_master_key_length,
            authentication_issuer_master_key_identifier,
            encryption_issuer_master_key_length,
            encryption_issuer_master_key_identifier,
            key_generation_data_length,
            key_generation_data,
            new_reference_PIN_key_length,
            new_reference_PIN_key_identifier,
            new_reference_PIN_block,
            new_reference_PIN_profile,
            new_reference_PIN_PAN_data,
            current_reference_PIN_key_length,
            current_reference_PIN_key_identifier,
            current_reference_PIN_block,
            current_reference_PIN_profile,
            current_reference_PIN_PAN_data,
            output_PIN_data_length,
            output_PIN_profile,
            output_PIN_message_length,
            output_PIN_message,
        )
    }
}
