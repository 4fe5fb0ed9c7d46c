//! Calling the exported verbs from Rust tests the way a C program does (raw pointers).
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard, Once};

use softcca::crypto::ClearKey;
use softcca::cv::ControlVector;
use softcca::ffi;
use softcca::token::InternalToken;

/// The test master key of cca-spec §9 (MKVP 23FB12BC983BE87A).
pub const TEST_MK: &str = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123";

static INIT: Once = Once::new();
static LOCK: Mutex<()> = Mutex::new(());

/// Serialises the tests of one binary and points SOFTCCA_HOME at a fresh directory before the
/// first verb call of the process (the coprocessor is opened once per process).
pub fn setup(tag: &str) -> MutexGuard<'static, ()> {
    let g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    INIT.call_once(|| {
        let dir = super::temp_state(tag);
        // SAFETY (test): set before any thread reads the environment through the library.
        unsafe {
            std::env::set_var("SOFTCCA_HOME", &dir);
            // Tests edit acp.conf and call at once: re-read it on every call.
            std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
        }
    });
    g
}

/// rc, rs of a call.
pub type Codes = (i32, i32);

pub fn mkp(rules: &[u8], part: &[u8; 24]) -> Codes {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = (rules.len() / 8) as i32;
    let mut r = rules.to_vec();
    let mut p = *part;
    unsafe {
        ffi::masterkey::CSNBMKP(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            r.as_mut_ptr(),
            p.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// Loads `mk` (hex, 24 bytes) as the current master key: CLEAR, FIRST, LAST (zeros), SET.
/// When `mk` is current already, SET answers 8/704 and the registers stay as they are.
pub fn load_master_key(mk: &str) {
    let part: [u8; 24] = super::arr(&super::hex(mk));
    assert_eq!(mkp(b"CLEAR   ", &[0; 24]).0, 0);
    assert_eq!(mkp(b"FIRST   ", &part).0, 0);
    assert_eq!(mkp(b"LAST    ", &[0; 24]).0, 0);
    let set = mkp(b"SET     ", &[0; 24]);
    assert!(set == (0, 0) || set == (8, 704), "SET {set:?}");
    assert_eq!(mkp(b"CLEAR   ", &[0; 24]).0, 0);
}

/// An internal token for clear `key` with control vector `cv`, wrapped under `mk` (both hex).
/// (Our wrapping is checked against independently built tokens in tests/tokens.rs.)
pub fn token(mk: &str, key: &[u8], cv: &ControlVector) -> [u8; 64] {
    let mkk = ClearKey::from_slice(&super::hex(mk)).unwrap();
    let k = ClearKey::from_slice(key).unwrap();
    let mkvp = softcca::state::masterkey::mkvp(&mkk);
    *InternalToken::skeleton(cv)
        .with_key(&k, &mkk, &mkvp)
        .unwrap()
        .as_bytes()
}

pub fn krc(label: &[u8; 64]) -> Codes {
    let (mut rc, mut rs) = (-1, -1);
    let mut l = *label;
    unsafe {
        ffi::keyrec::CSNBKRC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            l.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn krw(token: &[u8; 64], label: &[u8; 64]) -> Codes {
    let (mut rc, mut rs) = (-1, -1);
    let mut l = *label;
    let mut t = *token;
    unsafe {
        ffi::keyrec::CSNBKRW(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            t.as_mut_ptr(),
            l.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// Stores `token` under `label`, creating the record if needed.
pub fn store(label: &str, token: &[u8; 64]) {
    let l = super::label(label);
    let c = krc(&l);
    assert!(c == (0, 0) || c == (8, 44), "KRC {label}: {c:?}");
    assert_eq!(krw(token, &l), (0, 0), "KRW {label}");
}
