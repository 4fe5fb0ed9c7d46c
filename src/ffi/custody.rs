//! C entry points that join custody sets to the state directory (family `CSUC`,
//! docs/custody.md): CSUCBND (Bind Directory), CSUCACT (Activate), CSUCPBD
//! (Partition Bind) and CSUCAUT (Authorise). Cores in [`crate::verbs::custody`]; reference
//! pages docs/CSUC*.md.
//!
//! Each takes one card per call with the `FIRST`/`NEXT` ceremony buffer of Verify Set
//! ([`super::set::CSUCVST`]): `ceremony_length` is on input the room in `ceremony` (at least
//! 4096, else 8/72) and 4096 on success; `ceremony` is read for `NEXT` and written on success
//! only. The secret is recombined with the M-th card and used at once; it never leaves the
//! library. Every call is audited.

use super::args;
use super::audit::audited_at;
use super::coprocessor;
use super::set::ceremony_call;
use crate::error::{Error, Result};
use crate::state::acp::points;
use crate::state::partition::MAX_PASSWORD;
use crate::verbs::custody::{self, Use};

/// What a verb reads besides the card: the partition password (CSUCPBD, CSUCAUT) and the
/// expiry (CSUCAUT).
struct Inputs {
    password: zeroize::Zeroizing<[u8; MAX_PASSWORD]>,
    len: usize,
    expiry: Option<u32>,
}

impl Inputs {
    /// No password, no expiry (CSUCBND, CSUCACT).
    fn none() -> Result<Inputs> {
        Ok(Inputs {
            password: zeroize::Zeroizing::new([0; MAX_PASSWORD]),
            len: 0,
            expiry: None,
        })
    }

    /// A partition password: its length (0..=256, else 8/X'F285'; 0 is refused by the core
    /// with the same code) and its bytes, copied into a zeroizing buffer.
    ///
    /// # Safety
    /// `len`: NULL or 4 readable bytes; `p`: NULL or `*len` readable bytes.
    unsafe fn password(len: *const i32, p: *const u8) -> Result<Inputs> {
        // SAFETY: forwarded contract.
        unsafe {
            let n = args::len_in(len, 0..=MAX_PASSWORD, Error::PartitionPasswordSyntax)?;
            Ok(Inputs {
                password: args::secret_upto::<MAX_PASSWORD>(p, n)?,
                len: n,
                expiry: None,
            })
        }
    }

    fn pw(&self) -> &[u8] {
        &self.password[..self.len]
    }
}

/// The four verbs' common body: `what` is built from the password and expiry the verb read.
///
/// # Safety
/// The pointer contracts of [`CSUCBND`] (and `password_length`, `password` as [`CSUCPBD`]).
#[allow(clippy::too_many_arguments)]
unsafe fn joined(
    verb: &'static str,
    point: u16,
    return_code: *mut i32,
    reason_code: *mut i32,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
    read: impl FnOnce() -> Result<Inputs>,
    what: for<'a> fn(&'a Inputs) -> Use<'a>,
) {
    // SAFETY: pointer contracts are the caller's, forwarded.
    unsafe {
        audited_at(verb, Some(point), return_code, reason_code, |_| {
            let inputs = read()?;
            ceremony_call(
                rule_array_count,
                rule_array,
                reader_name,
                pin_length,
                pin,
                None,
                None,
                ceremony_length,
                ceremony,
                move |step, buf, card, _| {
                    custody::step(coprocessor()?, what(&inputs), step, buf, card)
                },
            )
        })
    }
}

/// Bind Directory (docs/CSUCBND.md): reads M cards of a complete SVMK set of this state
/// directory, one per call (`FIRST`, then `NEXT`, each PIN verified); with the M-th card the
/// SVMK is recombined and checked, the directory's master-key registers are sealed under it in
/// one transaction and the directory is activated. 8/X'F260' when the directory is already
/// bound (before any card is read).
///
/// # Safety
/// `rule_array_count`: 4 readable bytes (must be 1); `rule_array`: 8 readable bytes;
/// `reader_name`: 128 readable bytes; `pin_length`: 4 readable bytes; `pin`: `*pin_length`
/// readable bytes; `ceremony_length`: 4 readable and writable bytes; `ceremony`: 4096 readable
/// (for `NEXT`) and writable bytes. `return_code`, `reason_code`: NULL or 4 writable bytes;
/// exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCBND(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        joined(
            "CSUCBND",
            points::DIR_BIND,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            ceremony_length,
            ceremony,
            Inputs::none,
            |_| Use::Bind,
        )
    }
}

/// Activate (docs/CSUCACT.md): as [`CSUCBND`], and with the M-th card the recombined SVMK
/// (of any complete set of the bound SVMK: the original or a copy) is checked against the
/// directory's bound check value (8/X'F262' otherwise) and held in the user's kernel keyring:
/// every process of the user can then use the directory without cards. 8/X'F263' when the
/// directory is not bound (before any card is read).
///
/// # Safety
/// As [`CSUCBND`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCACT(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        joined(
            "CSUCACT",
            points::DIR_ACTIVATE,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            ceremony_length,
            ceremony,
            Inputs::none,
            |_| Use::Activate,
        )
    }
}

/// Partition Bind (docs/CSUCPBD.md): reads M cards of a complete partition set of this state
/// directory, one per call; with the M-th card the partition secret is recombined and checked
/// and the directory is bound to it and to `password` (1..=256 bytes, kept only as an
/// Argon2id hash). From then on, until [`CSUCAUT`], the verbs that use operational keys
/// return 8/X'F280'. The password is read (and its syntax checked, 8/X'F285') with every
/// call and used with the M-th card.
///
/// # Safety
/// As [`CSUCBND`], and `password_length`: 4 readable bytes; `password`: `*password_length`
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCPBD(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    password_length: *mut i32,
    password: *mut u8,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        joined(
            "CSUCPBD",
            points::DIR_BIND_PARTITION,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            ceremony_length,
            ceremony,
            || Inputs::password(password_length, password),
            |i| Use::PartitionBind(i.pw()),
        )
    }
}

/// Authorise (docs/CSUCAUT.md): reads M cards of the directory's partition set (or a copy),
/// one per call; with the M-th card the partition secret is recombined and checked against
/// the bound one (8/X'F262'), then `password` against the bound hash (8/X'F281', counted;
/// 8/X'F282' while refused after repeated failures), and the authorisation is held in the
/// user's kernel keyring for `expiry_seconds` (0: no expiry; else 1..=31,536,000, 8/X'F286'
/// otherwise). A refused M-th card leaves the caller's buffer valid: the same card can be
/// presented again with the right password.
///
/// # Safety
/// As [`CSUCPBD`], and `expiry_seconds`: 4 readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUCAUT(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    reader_name: *mut u8,
    pin_length: *mut i32,
    pin: *mut u8,
    password_length: *mut i32,
    password: *mut u8,
    expiry_seconds: *mut i32,
    ceremony_length: *mut i32,
    ceremony: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        joined(
            "CSUCAUT",
            points::DIR_AUTHORISE,
            return_code,
            reason_code,
            rule_array_count,
            rule_array,
            reader_name,
            pin_length,
            pin,
            ceremony_length,
            ceremony,
            || {
                let mut inputs = Inputs::password(password_length, password)?;
                inputs.expiry = match args::int(expiry_seconds)? {
                    0 => None,
                    s => Some(u32::try_from(s).map_err(|_| Error::AuthorisationExpiry)?),
                };
                Ok(inputs)
            },
            |i| Use::Authorise(i.pw(), i.expiry),
        )
    }
}
