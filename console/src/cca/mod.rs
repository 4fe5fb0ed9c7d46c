//! The library's C entry points, called exactly as a C program calls them: the console's only
//! `unsafe` code.
//!
//! Every function here wraps one verb: it lays out the parameters (8-byte blank-padded
//! keywords, fixed-width fields, `int32_t` fullwords, every one by reference), calls the entry
//! point, and turns the return and reason codes into a [`Verb`] result. Nothing here decides
//! anything; the commands (`cli/`) and screens (`tui/`) do. The console adds no cryptography:
//! every key, PIN and card operation is the library's.
//!
//! Secrets (PINs, passphrases, key parts) are passed straight from their zeroizing buffers
//! ([`crate::secret::Secret`]) and never copied here.
#![allow(unsafe_code)]

pub mod access;
pub mod audit;
pub mod backup;
pub mod card;
pub mod custody;
pub mod descriptor;
pub mod facility;
pub mod keychange;
pub mod keyrec;
pub mod keytest;
pub mod logon;
pub mod masterkey;
pub mod set;

use std::fmt;
use std::ptr;

/// A verb that did not end with return code 0: the verb's name and its codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The entry point, e.g. `"CSUCINS"`.
    pub verb: &'static str,
    /// The return code (4, 8, 12 or 16).
    pub rc: i32,
    /// The reason code.
    pub reason: i32,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed: return code {}, reason code {} (X'{:03X}')",
            self.verb, self.rc, self.reason, self.reason
        )
    }
}

/// The answer of one verb call: the value, or the failure.
pub type Verb<T> = Result<T, Failure>;

/// The return and reason codes of one call, set to -1 so that a verb that wrote neither is seen.
#[derive(Debug)]
pub(crate) struct Codes {
    rc: i32,
    reason: i32,
}

impl Codes {
    pub(crate) fn new() -> Self {
        Codes { rc: -1, reason: -1 }
    }

    /// `return_code` for the call.
    pub(crate) fn rc(&mut self) -> *mut i32 {
        &mut self.rc
    }

    /// `reason_code` for the call.
    pub(crate) fn reason(&mut self) -> *mut i32 {
        &mut self.reason
    }

    /// Ok(reason code) when the return code is 0 (a reason code beside 0 is a warning the
    /// caller may show), else the failure.
    pub(crate) fn check(&self, verb: &'static str) -> Verb<i32> {
        if self.rc == 0 {
            Ok(self.reason)
        } else {
            Err(Failure {
                verb,
                rc: self.rc,
                reason: self.reason,
            })
        }
    }
}

/// A rule array: keywords, each blank-padded to 8 bytes.
#[derive(Debug)]
pub(crate) struct Rules {
    bytes: Vec<u8>,
    count: i32,
}

impl Rules {
    /// The keywords given (each at most 8 characters: the console's own constants).
    pub(crate) fn new(words: &[&str]) -> Self {
        let mut bytes = Vec::with_capacity(8 * words.len());
        for w in words {
            debug_assert!(w.len() <= 8, "keyword {w} longer than 8");
            let mut k = [b' '; 8];
            k[..w.len()].copy_from_slice(w.as_bytes());
            bytes.extend_from_slice(&k);
        }
        Rules {
            bytes,
            count: words.len() as i32,
        }
    }

    /// A rule array with room for `elements` output elements (CSUACFQ writes its answer there).
    pub(crate) fn with_room(words: &[&str], elements: usize) -> Self {
        let mut r = Self::new(words);
        r.bytes.resize(8 * elements.max(words.len()), b' ');
        r
    }

    /// `rule_array_count`.
    pub(crate) fn count(&mut self) -> *mut i32 {
        &mut self.count
    }

    /// `rule_array` (NULL when empty).
    pub(crate) fn array(&mut self) -> *mut u8 {
        if self.bytes.is_empty() {
            ptr::null_mut()
        } else {
            self.bytes.as_mut_ptr()
        }
    }

    /// The elements written back (CSUACFQ), trimmed.
    pub(crate) fn elements(&self) -> Vec<String> {
        let n = (self.count.max(0) as usize).min(self.bytes.len() / 8);
        self.bytes[..8 * n]
            .chunks(8)
            .map(|c| String::from_utf8_lossy(c).trim_end().to_string())
            .collect()
    }
}

/// A fixed-width input field, padded on the right with blanks (reader names, user ids, labels).
pub(crate) fn field<const N: usize>(text: &str) -> [u8; N] {
    let mut f = [b' '; N];
    let b = text.as_bytes();
    let n = b.len().min(N);
    f[..n].copy_from_slice(&b[..n]);
    f
}

/// A field's text without its blank or NUL padding.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches([' ', '\0'])
        .to_string()
}

/// A length as the fullword a verb reads (lengths here are the console's own, far below 2^31).
pub(crate) fn len32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A pointer to input bytes the verb only reads. The C prototypes take `uint8_t *` for inputs
/// too; the library never writes through an input parameter (its pages say which are outputs).
pub(crate) fn input(bytes: &[u8]) -> *mut u8 {
    if bytes.is_empty() {
        ptr::null_mut()
    } else {
        bytes.as_ptr().cast_mut()
    }
}

/// Points the library at a state directory: `SOFTCCA_HOME`, set before the first verb call,
/// when the process has no other thread yet (main calls it first thing).
pub fn set_home(dir: &std::path::Path) {
    // SAFETY: called from main before any thread is started and before the library is first
    // called, so nothing reads the environment concurrently.
    unsafe { std::env::set_var("SOFTCCA_HOME", dir) };
}
