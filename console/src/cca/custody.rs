//! The directory's custody verbs: CSUCBND (Bind Directory), CSUCACT (Activate), CSUCPBD
//! (Partition Bind), CSUCAUT (Authorise), CSUADAC (Directory Deactivate), CSUADAU (Directory
//! Deauthorise). The card verbs take one card per call with the ceremony buffer of
//! [`super::set`].

use super::set::{BUFFER_LEN, Buffer, Step};
use super::{Codes, Rules, Verb, field, input, len32};
use crate::secret::Secret;

/// One card of CSUCVST, CSUCBND or CSUCACT (the same parameter list).
pub(crate) fn reading_call(
    verb: &'static str,
    step: Step,
    reader: &str,
    pin: &Secret,
    buffer: &mut Buffer,
) -> Verb<()> {
    let f = match verb {
        "CSUCVST" => softcca::ffi::set::CSUCVST,
        "CSUCBND" => softcca::ffi::custody::CSUCBND,
        _ => softcca::ffi::custody::CSUCACT,
    };
    let mut rules = Rules::new(&[step.keyword()]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    let mut buf_len = len32(BUFFER_LEN);
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin has pin_length bytes (read only); ceremony has
    // ceremony_length (4096) bytes.
    unsafe {
        f(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            input(pin.bytes()),
            &mut buf_len,
            buffer.ptr(),
        )
    };
    codes.check(verb).map(|_| ())
}

/// CSUCBND: one card of the SVMK set the directory is bound to.
pub fn bind(step: Step, reader: &str, pin: &Secret, buffer: &mut Buffer) -> Verb<()> {
    reading_call("CSUCBND", step, reader, pin, buffer)
}

/// CSUCACT: one card of the directory's SVMK set.
pub fn activate(step: Step, reader: &str, pin: &Secret, buffer: &mut Buffer) -> Verb<()> {
    reading_call("CSUCACT", step, reader, pin, buffer)
}

/// CSUCPBD: one card of the partition set the directory is bound to, with its password.
pub fn partition_bind(
    step: Step,
    reader: &str,
    pin: &Secret,
    password: &Secret,
    buffer: &mut Buffer,
) -> Verb<()> {
    let mut rules = Rules::new(&[step.keyword()]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    let mut pw_len = len32(password.len());
    let mut buf_len = len32(BUFFER_LEN);
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin and password have their lengths' bytes (read
    // only); ceremony has ceremony_length (4096) bytes.
    unsafe {
        softcca::ffi::custody::CSUCPBD(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            input(pin.bytes()),
            &mut pw_len,
            input(password.bytes()),
            &mut buf_len,
            buffer.ptr(),
        )
    };
    codes.check("CSUCPBD").map(|_| ())
}

/// CSUCAUT: one card of the partition set, the password, the expiry (0: none).
pub fn authorise(
    step: Step,
    reader: &str,
    pin: &Secret,
    password: &Secret,
    expiry_seconds: i32,
    buffer: &mut Buffer,
) -> Verb<()> {
    let mut rules = Rules::new(&[step.keyword()]);
    let name = field::<128>(reader);
    let mut pin_len = len32(pin.len());
    let mut pw_len = len32(password.len());
    let mut expiry = expiry_seconds;
    let mut buf_len = len32(BUFFER_LEN);
    let mut codes = Codes::new();
    // SAFETY: reader_name is 128 bytes; pin and password have their lengths' bytes (read
    // only); ceremony has ceremony_length (4096) bytes.
    unsafe {
        softcca::ffi::custody::CSUCAUT(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&name),
            &mut pin_len,
            input(pin.bytes()),
            &mut pw_len,
            input(password.bytes()),
            &mut expiry,
            &mut buf_len,
            buffer.ptr(),
        )
    };
    codes.check("CSUCAUT").map(|_| ())
}

fn no_card_call(
    verb: &'static str,
    f: unsafe extern "C" fn(*mut i32, *mut i32, *mut i32, *mut u8, *mut i32, *mut u8),
) -> Verb<()> {
    let mut rules = Rules::new(&[]);
    let mut codes = Codes::new();
    // SAFETY: the verb reads only the rule-array count (0) besides the codes.
    unsafe {
        f(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
        )
    };
    codes.check(verb).map(|_| ())
}

/// CSUADAC: the SVMK leaves the keyring (every process of the user).
pub fn deactivate() -> Verb<()> {
    no_card_call("CSUADAC", softcca::ffi::protection::CSUADAC)
}

/// CSUADAU: the partition's authorisation ends.
pub fn deauthorise() -> Verb<()> {
    no_card_call("CSUADAU", softcca::ffi::protection::CSUADAU)
}
