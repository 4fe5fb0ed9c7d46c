//! C entry point of Key Generate (CSNBKGN).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::keygen::{self, GenerateRequest};

/// Key Generate, operational form: generates a random DES key and returns it wrapped under
/// the current master key in `generated_key_identifier_1`; see [`crate::verbs::keygen`] for
/// the accepted keywords. IBM CCA 2.54 "Key_Generate (CSNBKGN)" (CCA 2.54 p. 5-54) and IBM Docs
/// `csnbkgn-parameters`. There is no rule array.
///
/// # Safety
/// `key_form`: 4 readable bytes. `key_length`, `key_type_1`, `key_type_2`: 8 readable bytes
/// each. `KEK_key_identifier_1`, `KEK_key_identifier_2`: 64 readable bytes each (read, not
/// used by `OP`). `generated_key_identifier_1`: 64 readable and writable bytes.
/// `generated_key_identifier_2`: 64 readable bytes (not written by `OP`). `return_code`,
/// `reason_code`: NULL or 4 writable bytes each; `exit_data_length`, `exit_data`: ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKGN(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
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
        csnbkgn(
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

/// [`CSNBKGN`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKGN`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbkgn<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
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
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKGN", return_code, reason_code, |_| {
            let key_form = args::array::<4>(key_form)?;
            let key_length = args::array::<8>(key_length)?;
            let key_type_1 = args::array::<8>(key_type_1)?;
            let key_type_2 = args::array::<8>(key_type_2)?;
            let _kek_1 = args::array::<64>(KEK_key_identifier_1)?;
            let _kek_2 = args::array::<64>(KEK_key_identifier_2)?;
            let generated_1 = args::array::<64>(generated_key_identifier_1)?;
            let _generated_2 = args::array::<64>(generated_key_identifier_2)?;
            let out = args::need(generated_key_identifier_1)?;
            let token = keygen::generate(
                coprocessor()?,
                &GenerateRequest {
                    key_form: &key_form,
                    key_length: &key_length,
                    key_type_1: &key_type_1,
                    key_type_2: &key_type_2,
                    generated_1: &generated_1,
                },
            )?;
            args::put_bytes(out, &token);
            Ok(())
        })
    }
}
