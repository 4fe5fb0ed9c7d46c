//! C entry points of the key-record verbs: CSNBKRC, CSNBKRW, CSNBKRR, CSNBKRD, CSNBKRL.
//! Parameter lists: IBM CCA for Linux `csulincl.h` (opencryptoki
//! `usr/lib/cca_stdll/csulincl.h`), with `int32_t` fullwords (docs/decisions.md F1).

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::verbs::keyrec;

/// Key Record Create: adds a CKDS record holding a null key token under `key_label`.
///
/// # Safety
/// `return_code`, `reason_code`: NULL or 4 writable bytes. `exit_data_length`, `exit_data`:
/// ignored. `key_label`: 64 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKRC(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_label: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkrc(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_label,
        )
    }
}

/// [`CSNBKRC`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKRC`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbkrc<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    key_label: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKRC", return_code, reason_code, |_| {
            let label = args::array::<64>(key_label)?;
            keyrec::create(coprocessor()?, &label)
        })
    }
}

/// Key Record Write: replaces the token of the existing record `key_label` with `key_token`
/// (an internal token or a null token).
///
/// # Safety
/// `key_token` and `key_label`: 64 readable bytes each; rc/rs as for [`CSNBKRC`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKRW(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_label: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkrw(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_token,
            key_label,
        )
    }
}

/// [`CSNBKRW`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKRW`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbkrw<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    key_token: *mut u8,
    key_label: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKRW", return_code, reason_code, |_| {
            let token = args::array::<64>(key_token)?;
            let label = args::array::<64>(key_label)?;
            keyrec::write(coprocessor()?, &token, &label)
        })
    }
}

/// Key Record Read: copies the token of record `key_label` to `key_token` (warning 0/8 when it
/// is a null token).
///
/// # Safety
/// `key_label`: 64 readable bytes; `key_token`: 64 writable bytes; rc/rs as for [`CSNBKRC`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKRR(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_label: *mut u8,
    key_token: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkrr(
            return_code,
            reason_code,
            exit_data_length,
            exit_data,
            key_label,
            key_token,
        )
    }
}

/// [`CSNBKRR`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKRR`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbkrr<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    key_label: *mut u8,
    key_token: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKRR", return_code, reason_code, |notes| {
            let label = args::array::<64>(key_label)?;
            let out = args::need(key_token)?;
            let token = keyrec::read(coprocessor()?, &label, notes)?;
            args::put_bytes(out, &token);
            Ok(())
        })
    }
}

/// Key Record Delete: `TOKEN-DL` (default) nulls the token, `LABEL-DL` removes the record;
/// `key_identifier` is a label, which may hold one `*` wildcard.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (0 or 1); `rule_array`: 8 × count bytes;
/// `key_identifier`: 64 readable bytes; rc/rs as for [`CSNBKRC`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKRD(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkrd(
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

/// [`CSNBKRD`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKRD`], with `size_of::<W>()` bytes for each integer.
pub(crate) unsafe fn csnbkrd<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    key_identifier: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKRD", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 0..=1)?;
            let id = args::array::<64>(key_identifier)?;
            keyrec::delete(coprocessor()?, &rules, &id)
        })
    }
}

/// Key Record List: writes a list file of the records matching `key_label` (one `*` wildcard
/// allowed) and returns its path in `data_set_name` (64 bytes, blank padded) and the path's
/// length in `data_set_name_length`. `security_server_name` (8 bytes) is set to blanks.
///
/// # Safety
/// `key_label`: 64 readable bytes; `data_set_name_length`: 4 writable bytes; `data_set_name`:
/// 64 writable bytes; `security_server_name`: 8 writable bytes; rc/rs as for [`CSNBKRC`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSNBKRL(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_label: *mut u8,
    data_set_name_length: *mut i32,
    data_set_name: *mut u8,
    security_server_name: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csnbkrl(
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

/// [`CSNBKRL`] for either integer width ([`Fullword`]): `int32_t` (softcca.h) or `long`
/// (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As [`CSNBKRL`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csnbkrl<W: Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    key_label: *mut u8,
    data_set_name_length: *mut W,
    data_set_name: *mut u8,
    security_server_name: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSNBKRL", return_code, reason_code, |_| {
            let pattern = args::array::<64>(key_label)?;
            let len_out = args::need(data_set_name_length)?;
            let name_out = args::need(data_set_name)?;
            let server_out = args::need(security_server_name)?;
            let r = keyrec::list(coprocessor()?, &pattern)?;
            let mut name = [b' '; 64];
            name[..r.data_set_name.len()].copy_from_slice(r.data_set_name.as_bytes());
            args::put_bytes(name_out, &name);
            args::put_int(len_out, r.data_set_name.len() as i32);
            args::put_bytes(server_out, &[b' '; 8]);
            Ok(())
        })
    }
}
