//! C entry point of Access Control Maintenance (CSUAACM, docs/CSUAACM.md). Core in
//! [`crate::verbs::acm`].

use super::args::Fullword;
use super::audit::audited;
use super::{args, coprocessor};
use crate::error::{Error, Result};
use crate::verbs::acm::{self, Request};

/// Access Control Maintenance: `LSTROLES`, `GET-ROLE`, `DEL-ROLE`, `Q-NUM-RP` (IBM's
/// parameter list). `name`: the role id (8 bytes, blank padded) for `GET-ROLE` and
/// `DEL-ROLE`; otherwise not read (may be NULL). `output_data_length`: on input the room in
/// `output_data`; on success the length returned (a multiple of 4; 0 for `DEL-ROLE`). Room
/// too small: 8/72 and nothing written. Every call is audited (one record).
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 1); `rule_array`: 8 readable bytes; `name`:
/// 8 readable bytes for `GET-ROLE` and `DEL-ROLE`; `output_data_length`: 4 readable and
/// writable bytes; `output_data`: `*output_data_length` writable bytes (may be NULL when that
/// is 0). `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUAACM(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    name: *mut u8,
    output_data_length: *mut i32,
    output_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csuaacm(
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

/// [`CSUAACM`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSUAACM`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csuaacm<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    name: *mut u8,
    output_data_length: *mut W,
    output_data: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUAACM", return_code, reason_code, |_| -> Result<_> {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=1)?;
            let request = Request::of(&rules)?;
            let id = if request.takes_name() {
                args::array::<8>(name)?
            } else {
                [b' '; 8]
            };
            let room = args::int(output_data_length)?;
            let room = usize::try_from(room).map_err(|_| Error::BadLength)?;
            let length_out = args::need(output_data_length)?;
            let out = acm::maintain(coprocessor()?, request, &id)?;
            if out.len() > room {
                return Err(Error::OutputTooSmall);
            }
            let data_out = if out.is_empty() {
                output_data
            } else {
                args::need(output_data)?
            };
            Ok(move || {
                args::put_bytes(data_out, &out);
                args::put_int(length_out, out.len() as i32);
            })
        })
    }
}
