//! CSUALCT (Access Control Logon): the operator's logon, for the calling thread (the library
//! keeps a logon per thread of a process: every verb the console calls under a logon runs on
//! the thread that logged on).

use super::{Codes, Rules, Verb, field, input, len32};
use crate::secret::Secret;

fn call(
    rules: &[&str],
    user: Option<&str>,
    reader: Option<&str>,
    auth: Option<&Secret>,
) -> Verb<()> {
    let mut rules = Rules::new(rules);
    let user = user.map(field::<8>);
    let reader = reader.map(field::<128>);
    let mut parms_len = len32(reader.as_ref().map_or(0, |r| r.len()));
    let mut data_len = len32(auth.map_or(0, |a| a.len()));
    let mut codes = Codes::new();
    // SAFETY: user_id is 8 bytes or NULL (LOGOFF does not read it); auth_parms has
    // auth_parms_length bytes; auth_data has auth_data_length bytes (read only).
    unsafe {
        softcca::ffi::access::CSUALCT(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            user.as_ref().map_or(std::ptr::null_mut(), |u| input(u)),
            &mut parms_len,
            reader.as_ref().map_or(std::ptr::null_mut(), |r| input(r)),
            &mut data_len,
            auth.map_or(std::ptr::null_mut(), |a| input(a.bytes())),
        )
    };
    codes.check("CSUALCT").map(|_| ())
}

/// LOGON PPHRASE: logs the calling thread on as `user` with its passphrase.
pub fn passphrase(user: &str, passphrase: &Secret) -> Verb<()> {
    call(&["LOGON", "PPHRASE"], Some(user), None, Some(passphrase))
}

/// LOGON CARD: logs the calling thread on as `user` with the operator card in `reader`, whose
/// PIN the card verifies.
pub fn card(user: &str, reader: &str, pin: &Secret) -> Verb<()> {
    call(&["LOGON", "CARD"], Some(user), Some(reader), Some(pin))
}

/// LOGOFF: ends the calling thread's logon (8/X'F31A' when there is none).
pub fn logoff() -> Verb<()> {
    call(&["LOGOFF"], None, None, None)
}
