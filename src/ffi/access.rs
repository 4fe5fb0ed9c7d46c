//! C entry points of access control: Access Control Logon (CSUALCT, docs/CSUALCT.md) and
//! Access Control Initialization (CSUAACI, docs/CSUAACI.md). Cores in [`crate::access`].
//! Every call is one audit record (the `audited` wrapper) naming the user id, never a
//! passphrase or PIN.

use super::args;
use super::audit::audited;
use super::card::{reader, required_pin};
use super::coprocessor;
use crate::access::admin;
use crate::access::logon::{self, Credential, MAX_PASSPHRASE};
use crate::access::profile::name8;
use crate::audit::scope;
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, kw};

const ACTION: &[Keyword] = &[kw("LOGON"), kw("LOGOFF"), kw("GET-CNTX"), kw("PUT-CNTX")];
const METHOD: &[Keyword] = &[kw("PPHRASE"), kw("CARD"), kw("FORCE")];
const ADMIN: &[Keyword] = &[kw("INIT-AC"), kw("CHGEXPDT"), kw("CHG-AD"), kw("RESET-FC")];
const REPLACE: &[Keyword] = &[kw("REPLACE")];

/// Longest `verb_data_1`/`verb_data_2` CSUAACI accepts, bytes.
const MAX_VERB_DATA: usize = 1 << 16;

/// Access Control Logon (docs/CSUALCT.md): `LOGON` with `PPHRASE` (auth_data: the passphrase,
/// 1..1024 bytes) or `CARD` (softcca's own: auth_parms the 128-byte reader field,
/// auth_data the card's PIN) logs the calling thread on as `user_id`; `LOGOFF` ends the
/// thread's logon (`user_id` not read). `GET-CNTX`, `PUT-CNTX` and `FORCE` are 8/X'F31B'.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes; `user_id`: 8
/// readable bytes (LOGON; NULL allowed for LOGOFF); `auth_parms_length`, `auth_data_length`:
/// 4 readable bytes (LOGON); `auth_parms`, `auth_data`: that many readable bytes.
/// `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUALCT(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    user_id: *mut u8,
    auth_parms_length: *mut i32,
    auth_parms: *mut u8,
    auth_data_length: *mut i32,
    auth_data: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csualct(
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

/// [`CSUALCT`] for either integer width: `int32_t` (softcca.h) or `long` (csulincl.h,
/// [`super::lp64`]).
///
/// # Safety
/// As [`CSUALCT`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csualct<W: args::Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    user_id: *mut u8,
    auth_parms_length: *mut W,
    auth_parms: *mut u8,
    auth_data_length: *mut W,
    auth_data: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUALCT", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=2)?;
            let [action, method] =
                rules.resolve(&[Group::required(ACTION), Group::optional(METHOD)])?;
            match (action, method) {
                (Some(0), None) => Err(Error::MissingKeyword),
                (Some(0), Some(2)) => Err(Error::LogonContextRefused),
                (Some(0), Some(m)) => {
                    let raw = args::array::<8>(user_id)?;
                    let user = name8(&raw, Error::ProfileUserId)?;
                    scope::detail("user", user.trim_ascii_end());
                    scope::detail("mechanism", if m == 0 { b"PPHRASE" } else { b"CARD" });
                    let parms = args::len_in(auth_parms_length, 0..=128, Error::BadLength)?;
                    let cp = coprocessor()?;
                    if m == 0 {
                        if parms != 0 {
                            return Err(Error::BadLength);
                        }
                        let n = args::len_in(
                            auth_data_length,
                            1..=MAX_PASSPHRASE,
                            Error::PassphraseLength,
                        )?;
                        let pass = args::secret_upto::<MAX_PASSPHRASE>(auth_data, n)?;
                        logon::logon(cp, &user, &Credential::Passphrase(&pass[..n]))
                    } else {
                        if parms != 128 {
                            return Err(Error::BadLength);
                        }
                        let name = reader(auth_parms)?;
                        let pin = required_pin(auth_data_length, auth_data)?;
                        logon::logon(
                            cp,
                            &user,
                            &Credential::Card {
                                reader: &name,
                                pin: &pin,
                            },
                        )
                    }
                }
                (Some(1), None) => logon::logoff(),
                (Some(1), Some(2)) => Err(Error::LogonContextRefused),
                (Some(1), Some(_)) => Err(Error::ConflictingKeywords),
                (Some(_), _) => Err(Error::LogonContextRefused),
                (None, _) => Err(Error::MissingKeyword),
            }
        })
    }
}

/// Access Control Initialization (docs/CSUAACI.md): `INIT-AC` (optionally `REPLACE`) loads
/// the profiles of `verb_data_1` (`verb_data_2`, roles, must be empty); `CHGEXPDT` sets the
/// expiration date (`verb_data_2`, `YYYYMMDD`) of the user id in `verb_data_1`; `CHG-AD`
/// replaces its authentication data (`verb_data_2`); `RESET-FC` resets its failure count.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes;
/// `verb_data_1_length`, `verb_data_2_length`: 4 readable bytes; `verb_data_1`,
/// `verb_data_2`: that many readable bytes (NULL allowed for length 0). `return_code`,
/// `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUAACI(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    verb_data_1_length: *mut i32,
    verb_data_1: *mut u8,
    verb_data_2_length: *mut i32,
    verb_data_2: *mut u8,
) {
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        csuaaci(
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

/// [`CSUAACI`] for either integer width: `int32_t` (softcca.h) or `long` (csulincl.h,
/// [`super::lp64`]).
///
/// # Safety
/// As [`CSUAACI`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn csuaaci<W: args::Fullword>(
    return_code: *mut W,
    reason_code: *mut W,
    exit_data_length: *mut W,
    exit_data: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    verb_data_1_length: *mut W,
    verb_data_1: *mut u8,
    verb_data_2_length: *mut W,
    verb_data_2: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        audited("CSUAACI", return_code, reason_code, |_| {
            let rules = args::rule_array(rule_array_count, rule_array, 1..=2)?;
            let [action, replace] =
                rules.resolve(&[Group::required(ADMIN), Group::optional(REPLACE)])?;
            let data = |len: *mut W, p: *mut u8| -> Result<&[u8]> {
                let n = args::len_in(len, 0..=MAX_VERB_DATA, Error::BadLength)?;
                if n == 0 {
                    return Ok(&[]);
                }
                args::slice(p, n)
            };
            let one = data(verb_data_1_length, verb_data_1)?;
            let two = data(verb_data_2_length, verb_data_2)?;
            if replace.is_some() && action != Some(0) {
                return Err(Error::ConflictingKeywords);
            }
            let cp = coprocessor()?;
            match action {
                Some(0) => admin::init_ac(cp, one, replace.is_some(), two),
                Some(1) => admin::change_expiry(cp, one, two),
                Some(2) => admin::change_auth(cp, one, two),
                Some(3) => {
                    if !two.is_empty() {
                        return Err(Error::BadLength);
                    }
                    admin::reset_failures(cp, one)
                }
                _ => Err(Error::MissingKeyword),
            }
        })
    }
}
