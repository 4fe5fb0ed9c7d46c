//! Calling the exported verbs from Rust tests the way a C program does (raw pointers).
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard, Once};

use softcca::crypto::ClearKey;
use softcca::cv::ControlVector;
use softcca::token::InternalToken;

/// The test master key of tests/vectors/README.md (MKVP 23FB12BC983BE87A).
pub const TEST_MK: &str = super::S9_MK;

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
        // SOFTCCA_TEST_BOUND=1: the same tests on a directory bound to an SVMK and active
        // (docs/custody.md), before any master key is loaded.
        if std::env::var_os("SOFTCCA_TEST_BOUND").is_some() {
            let cp = softcca::state::Coprocessor::global().unwrap();
            match softcca::custody::directory::bind(
                cp,
                &super::child::test_secret("B"),
                softcca::custody::SecretKind::ServerMasterKey,
            ) {
                Ok(()) | Err(softcca::Error::DirectoryAlreadyBound) => {}
                Err(e) => panic!("binding the test directory: {e}"),
            }
        }
    });
    g
}

/// Loads `mk` (hex, 24 bytes) as the current master key (see [`super::load_mk`]).
pub fn load_master_key(mk: &str) {
    super::load_mk(&super::hex(mk));
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

/// Stores `token` under `label`, creating the record if needed.
pub fn store(label: &str, token: &[u8; 64]) {
    let l = super::label(label);
    let c = super::krc(&l);
    assert!(c == (0, 0) || c == (8, 44), "KRC {label}: {c:?}");
    assert_eq!(super::krw(token, &l), (0, 0), "KRW {label}");
}
