//! The verbs with IBM CCA for Linux's integer type: `long`, 8 bytes on LP64 (csulincl.h).
//!
//! IBM's parameter model defines an integer as a four-byte signed binary number, but the CCA
//! for Linux header `csulincl.h` declares every integer parameter `long *`, so a 64-bit Linux
//! program passes pointers to 8-byte integers. These entry points are that ABI: each one runs
//! the same body as its `int32_t` twin (one generic function per verb, through the same
//! `guard` and [`crate::ffi::args`]), instantiated for `c_long`. Every integer is read
//! whole; one outside the `int32_t` range is the parameter's documented error (8/72 for a
//! length, 8/35 for `rule_array_count`, ...) and is never truncated; integers written back
//! (return and reason codes, counts, lengths) fill all 8 bytes, and only on success.
//!
//! libsoftcca exports them as `softcca_lp64_<VERB>`; libcsulcca.so (csulcca/csulcca.c) defines
//! IBM's names with the prototypes of include/csulincl.h and forwards each call here, so a CCA
//! for Linux program links `-lcsulcca` unchanged. They are not in softcca.h (cbindgen skips this
//! module); tests/csulincl.rs keeps them and include/csulincl.h equal.

use core::ffi::{c_long, c_void};

use crate::verbs::mac::Verb;

/// Clear PIN Encrypt with `long` integers: libcsulcca's `CSNBCPE` (docs/CSNBCPE.md).
///
/// # Safety
/// As [`super::clearpin::CSNBCPE`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBCPE(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    PIN_encrypting_key_identifier: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    clear_PIN: *mut u8,
    PIN_profile: *mut u8,
    PAN_data: *mut u8,
    sequence_number: *mut c_long,
    encrypted_PIN_block: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::clearpin::csnbcpe(
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

/// Diversified Key Generate with `long` integers: libcsulcca's `CSNBDKG` (docs/CSNBDKG.md).
///
/// # Safety
/// As [`super::dkg::CSNBDKG`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBDKG(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    generating_key_identifier: *mut u8,
    data_length: *mut c_long,
    data: *mut u8,
    data_decrypting_key_identifier: *mut u8,
    generated_key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::dkg::csnbdkg(
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

/// Key Generate with `long` integers: libcsulcca's `CSNBKGN` (docs/CSNBKGN.md).
///
/// # Safety
/// As [`super::keygen::CSNBKGN`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBKGN(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_form: *mut u8,
    key_length: *mut u8,
    key_type_1: *mut u8,
    key_type_2: *mut u8,
    KEK_key_identifier_1: *mut u8,
    KEK_key_identifier_2: *mut u8,
    generated_key_identifier_1: *mut u8,
    generated_key_identifier_2: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keygen::csnbkgn(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_form,
            key_length,
            key_type_1,
            key_type_2,
            KEK_key_identifier_1,
            KEK_key_identifier_2,
            generated_key_identifier_1,
            generated_key_identifier_2,
        )
    }
}

/// Key Part Import with `long` integers: libcsulcca's `CSNBKPI` (docs/CSNBKPI.md).
///
/// # Safety
/// As [`super::keypart::CSNBKPI`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBKPI(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_part: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keypart::csnbkpi(
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

/// Key Record Create with `long` integers: libcsulcca's `CSNBKRC` (docs/CSNBKRC.md).
///
/// # Safety
/// As [`super::keyrec::CSNBKRC`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBKRC(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_label: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keyrec::csnbkrc(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_label,
        )
    }
}

/// Key Record Delete with `long` integers: libcsulcca's `CSNBKRD` (docs/CSNBKRD.md).
///
/// # Safety
/// As [`super::keyrec::CSNBKRD`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBKRD(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keyrec::csnbkrd(
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

/// Key Record List with `long` integers: libcsulcca's `CSNBKRL` (docs/CSNBKRL.md).
///
/// # Safety
/// As [`super::keyrec::CSNBKRL`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBKRL(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_label: *mut u8,
    data_set_name_length: *mut c_long,
    data_set_name: *mut u8,
    security_server_name: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keyrec::csnbkrl(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_label,
            data_set_name_length,
            data_set_name,
            security_server_name,
        )
    }
}

/// Key Record Read with `long` integers: libcsulcca's `CSNBKRR` (docs/CSNBKRR.md).
///
/// # Safety
/// As [`super::keyrec::CSNBKRR`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBKRR(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_label: *mut u8,
    key_token: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keyrec::csnbkrr(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_label,
            key_token,
        )
    }
}

/// Key Record Write with `long` integers: libcsulcca's `CSNBKRW` (docs/CSNBKRW.md).
///
/// # Safety
/// As [`super::keyrec::CSNBKRW`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBKRW(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_label: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keyrec::csnbkrw(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_token,
            key_label,
        )
    }
}

/// Key Token Build with `long` integers: libcsulcca's `CSNBKTB` (docs/CSNBKTB.md).
///
/// # Safety
/// As [`super::keybuild::CSNBKTB`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBKTB(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_type: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_value: *mut u8,
    reserved_field_1: *mut c_void,
    reserved_field_2: *mut c_long,
    reserved_field_3: *mut u8,
    control_vector: *mut u8,
    reserved_field_4: *mut u8,
    reserved_field_5: *mut c_long,
    reserved_field_6: *mut u8,
    master_key_verification_number: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keybuild::csnbktb(
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

/// Key Token Change with `long` integers: libcsulcca's `CSNBKTC` (docs/CSNBKTC.md).
///
/// # Safety
/// As [`super::keychange::CSNBKTC`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBKTC(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keychange::csnbktc(
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

/// Key Test with `long` integers: libcsulcca's `CSNBKYT` (docs/CSNBKYT.md).
///
/// # Safety
/// As [`super::keytest::CSNBKYT`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBKYT(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_identifier: *mut u8,
    value_1: *mut u8,
    value_2: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::keytest::csnbkyt(
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

/// MAC Generate with `long` integers: libcsulcca's `CSNBMGN` (docs/CSNBMGN.md).
///
/// # Safety
/// As [`super::mac::CSNBMGN`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBMGN(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_identifier: *mut u8,
    text_length: *mut c_long,
    text: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    chaining_vector: *mut u8,
    MAC: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    let _ = (exit_data_length, exit_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::mac::mac_verb(
            Verb::Generate,
            return_code,
            reason_code,
            key_identifier,
            text_length,
            text,
            rule_array_count,
            rule_array,
            chaining_vector,
            MAC,
        )
    }
}

/// Master Key Process with `long` integers: libcsulcca's `CSNBMKP` (docs/CSNBMKP.md).
///
/// # Safety
/// As [`super::masterkey::CSNBMKP`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn softcca_lp64_CSNBMKP(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    key_part: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::masterkey::csnbmkp(
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

/// MAC Verify with `long` integers: libcsulcca's `CSNBMVR` (docs/CSNBMVR.md).
///
/// # Safety
/// As [`super::mac::CSNBMVR`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBMVR(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    key_identifier: *mut u8,
    text_length: *mut c_long,
    text: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    chaining_vector: *mut u8,
    MAC: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    let _ = (exit_data_length, exit_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::mac::mac_verb(
            Verb::Verify,
            return_code,
            reason_code,
            key_identifier,
            text_length,
            text,
            rule_array_count,
            rule_array,
            chaining_vector,
            MAC,
        )
    }
}

/// PIN Change/Unblock with `long` integers: libcsulcca's `CSNBPCU` (docs/CSNBPCU.md).
///
/// # Safety
/// As [`super::pcu::CSNBPCU`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSNBPCU(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    authentication_issuer_master_key_length: *mut c_long,
    authentication_issuer_master_key_identifier: *mut u8,
    encryption_issuer_master_key_length: *mut c_long,
    encryption_issuer_master_key_identifier: *mut u8,
    key_generation_data_length: *mut c_long,
    key_generation_data: *mut u8,
    new_reference_PIN_key_length: *mut c_long,
    new_reference_PIN_key_identifier: *mut u8,
    new_reference_PIN_block: *mut u8,
    new_reference_PIN_profile: *mut u8,
    new_reference_PIN_PAN_data: *mut u8,
    current_reference_PIN_key_length: *mut c_long,
    current_reference_PIN_key_identifier: *mut u8,
    current_reference_PIN_block: *mut u8,
    current_reference_PIN_profile: *mut u8,
    current_reference_PIN_PAN_data: *mut u8,
    output_PIN_data_length: *mut c_long,
    output_PIN_data: *mut u8,
    output_PIN_profile: *mut u8,
    output_PIN_message_length: *mut c_long,
    output_PIN_message: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    let _ = (exit_data_length, exit_data, output_PIN_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::pcu::pin_change_unblock(
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

/// Access Control Initialization with `long` integers: libcsulcca's `CSUAACI`
/// (docs/CSUAACI.md).
///
/// # Safety
/// As [`super::access::CSUAACI`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSUAACI(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    verb_data_1_length: *mut c_long,
    verb_data_1: *mut u8,
    verb_data_2_length: *mut c_long,
    verb_data_2: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::access::csuaaci(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            verb_data_1_length,
            verb_data_1,
            verb_data_2_length,
            verb_data_2,
        )
    }
}

/// Access Control Maintenance with `long` integers: libcsulcca's `CSUAACM` (docs/CSUAACM.md).
///
/// # Safety
/// As [`super::acm::CSUAACM`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSUAACM(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    name: *mut u8,
    output_data_length: *mut c_long,
    output_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::acm::csuaacm(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            name,
            output_data_length,
            output_data,
        )
    }
}

/// Cryptographic Facility Query with `long` integers: libcsulcca's `CSUACFQ` (docs/CSUACFQ.md).
///
/// # Safety
/// As [`super::facility::CSUACFQ`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSUACFQ(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    verb_data_length: *mut c_long,
    verb_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::facility::csuacfq(
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

/// Access Control Logon with `long` integers: libcsulcca's `CSUALCT` (docs/CSUALCT.md).
///
/// # Safety
/// As [`super::access::CSUALCT`], with 8 bytes (`long`) for each integer.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn softcca_lp64_CSUALCT(
    return_code: *mut c_long,
    reason_code: *mut c_long,
    exit_data_length: *mut c_long,
    exit_data: *mut u8,
    rule_array_count: *mut c_long,
    rule_array: *mut u8,
    user_id: *mut u8,
    auth_parms_length: *mut c_long,
    auth_parms: *mut u8,
    auth_data_length: *mut c_long,
    auth_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        super::access::csualct(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            rule_array_count,
            rule_array,
            user_id,
            auth_parms_length,
            auth_parms,
            auth_data_length,
            auth_data,
        )
    }
}
