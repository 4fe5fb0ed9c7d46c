//! One call of a custody ceremony verb through its C entry point, as a C caller makes it
//! (tests/custody_sets.rs, tests/custody_e2e.rs; included with `#[path]` next to
//! common/vcards.rs): the set verbs (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST) and the directory
//! verbs (CSUCBND, CSUCACT, CSUCPBD, CSUCAUT).
#![allow(dead_code)]

use super::vcards::{VCard, name_field};
use softcca::ffi::custody::{CSUCACT, CSUCAUT, CSUCBND, CSUCPBD};
use softcca::ffi::set::{CSUCCST, CSUCPAS, CSUCSVK, CSUCVST};

/// The ceremony buffer's length.
pub const LEN: usize = 4096;
/// The virtual cards' PIN.
pub const PIN: &str = "12345678";
/// A wrong PIN.
pub const WRONG: &str = "00000000";

/// The verb of a call, with the inputs only it has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verb {
    /// CSUCSVK.
    Svmk,
    /// CSUCPAS.
    Part,
    /// CSUCCST.
    Copy,
    /// CSUCVST.
    Verify,
    /// CSUCBND.
    Bind,
    /// CSUCACT.
    Activate,
    /// CSUCPBD with this password.
    PartBind(&'static str),
    /// CSUCAUT with this password and expiry (seconds, 0: none).
    Authorise(&'static str, i32),
}

/// The verbs with only a card, its PIN and the buffer (CSUCVST, CSUCBND, CSUCACT).
type CardOnly = unsafe extern "C" fn(
    *mut i32,
    *mut i32,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
    *mut u8,
    *mut i32,
    *mut u8,
    *mut i32,
    *mut u8,
);

/// An 8-byte blank-padded keyword.
pub fn kw(s: &str) -> [u8; 8] {
    let mut k = [b' '; 8];
    k[..s.len()].copy_from_slice(s.as_bytes());
    k
}

/// One ceremony call; `buf` is updated in place only on success (as the verbs promise).
/// `label`, `m`, `n` are used by the verbs that write cards.
#[allow(clippy::too_many_arguments)]
pub fn call(
    verb: Verb,
    step: &str,
    buf: &mut [u8; LEN],
    card: &VCard,
    pin_text: &str,
    label: &str,
    m: i32,
    n: i32,
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut count = 1;
    let mut rule = kw(step);
    let mut reader = name_field(&card.reader);
    let mut pin_len = pin_text.len() as i32;
    let mut pin_bytes = pin_text.as_bytes().to_vec();
    let mut label_len = label.len() as i32;
    let mut label_bytes = label.as_bytes().to_vec();
    label_bytes.push(0);
    let (mut m, mut n) = (m, n);
    let mut len = LEN as i32;
    let (e1, e2) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: every pointer is to a live local of the documented size.
    unsafe {
        let (r, k, p, pl) = (
            &mut count as *mut i32,
            rule.as_mut_ptr(),
            pin_bytes.as_mut_ptr(),
            &mut pin_len as *mut i32,
        );
        let card_only: Option<CardOnly> = match verb {
            Verb::Verify => Some(CSUCVST),
            Verb::Bind => Some(CSUCBND),
            Verb::Activate => Some(CSUCACT),
            _ => None,
        };
        if let Some(f) = card_only {
            let (c, b) = (reader.as_mut_ptr(), buf.as_mut_ptr());
            f(&mut rc, &mut rs, e1, e2, r, k, c, pl, p, &mut len, b);
            return (rc, rs);
        }
        if let Verb::PartBind(pw) | Verb::Authorise(pw, _) = verb {
            let mut pw_len = pw.len() as i32;
            let mut pw_bytes = pw.as_bytes().to_vec();
            pw_bytes.push(0);
            if let Verb::Authorise(_, expiry) = verb {
                let mut expiry = expiry;
                CSUCAUT(
                    &mut rc,
                    &mut rs,
                    e1,
                    e2,
                    r,
                    k,
                    reader.as_mut_ptr(),
                    pl,
                    p,
                    &mut pw_len,
                    pw_bytes.as_mut_ptr(),
                    &mut expiry,
                    &mut len,
                    buf.as_mut_ptr(),
                );
            } else {
                CSUCPBD(
                    &mut rc,
                    &mut rs,
                    e1,
                    e2,
                    r,
                    k,
                    reader.as_mut_ptr(),
                    pl,
                    p,
                    &mut pw_len,
                    pw_bytes.as_mut_ptr(),
                    &mut len,
                    buf.as_mut_ptr(),
                );
            }
            return (rc, rs);
        }
        let f = match verb {
            Verb::Svmk => CSUCSVK,
            Verb::Part => CSUCPAS,
            _ => CSUCCST,
        };
        f(
            &mut rc,
            &mut rs,
            e1,
            e2,
            r,
            k,
            reader.as_mut_ptr(),
            pl,
            p,
            &mut label_len,
            // An empty label is passed as NULL (the pages allow it with length 0).
            if label.is_empty() {
                std::ptr::null_mut()
            } else {
                label_bytes.as_mut_ptr()
            },
            &mut m,
            &mut n,
            &mut len,
            buf.as_mut_ptr(),
        );
    }
    (rc, rs)
}

/// The header fields: (verb, phase, kind, M, N, done, set id, check value).
pub fn header(buf: &[u8; LEN]) -> (String, String, String, u32, u32, u32, String, String) {
    let t = |a: usize, b: usize| String::from_utf8_lossy(&buf[a..b]).trim().to_string();
    let num = |a: usize| t(a, a + 3).parse().unwrap();
    assert_eq!(&buf[..8], b"SOFTCER1");
    (
        t(8, 16),
        t(16, 24),
        t(24, 28),
        num(28),
        num(31),
        num(34),
        t(37, 69),
        t(69, 85),
    )
}

/// Runs a whole ceremony (one call per card, each with the right PIN), returning the final
/// buffer.
pub fn ceremony(verb: Verb, cards: &[&VCard], label: &str, m: i32, n: i32) -> Box<[u8; LEN]> {
    let mut buf = Box::new([0u8; LEN]);
    for (i, c) in cards.iter().enumerate() {
        let step = if i == 0 { "FIRST" } else { "NEXT" };
        let r = call(verb, step, &mut buf, c, PIN, label, m, n);
        assert_eq!(r, (0, 0), "{verb:?} {step} card {}", c.index);
    }
    buf
}
