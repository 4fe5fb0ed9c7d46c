//! The token authentication code (TAC): softcca's keyed check that binds every byte of an
//! internal token that means something (type, version, flags, MKVP, wrapped parts A and B,
//! control vector, bytes 56-59) to the master key that wrapped it (docs/decisions.md D25).
//!
//! WRAP-ECB wraps each 8-byte key part on its own, so without it the halves of two tokens of
//! the same control vector could be recombined, and nothing but the TVV (an unkeyed sum)
//! would guard the control vector. The TAC lives in the part-C slot (bytes 48-55), which
//! single- and double-length keys (the only ones softcca accepts) leave unused.
//!
//! * TAC key `KT` = HMAC-SHA-256(master key, `"softcca/token-auth/v1"`), 32 bytes: one-way,
//!   so it is none of the `master key ⊕ CV` variants that wrap key parts, whatever the
//!   control vector.
//! * TAC = the first 8 bytes of HMAC-SHA-256(`KT`, bytes 0-47 ‖ bytes 56-59).
//!
//! The TVV (bytes 60-63) is computed after the TAC, over it, so the token stays a well-formed
//! CCA token. HMAC-SHA-256 comes from the RustCrypto `hmac` and `sha2` crates with their
//! `zeroize` feature: the HMAC states, as good as the key, are wiped on drop; `KT` is
//! `Zeroizing`. It is derived on demand: a token is unwrapped only on a key-cache miss.

use crate::crypto::ClearKey;
use crate::crypto::ct::ct_eq;
use crate::crypto::hmac::hmac_sha256 as hmac;

/// The derivation label of the TAC key.
const LABEL: &[u8] = b"softcca/token-auth/v1";
/// Where the TAC sits in the token (the part-C slot).
pub(super) const RANGE: core::ops::Range<usize> = 48..56;

/// The TAC of `token` (its bytes 48-55 and 60-63 are not read) under `master_key`.
pub(super) fn compute(master_key: &ClearKey, token: &[u8; 64]) -> [u8; 8] {
    let kt = hmac(master_key.as_bytes(), &[LABEL]);
    let d = hmac(&kt[..], &[&token[..RANGE.start], &token[RANGE.end..60]]);
    let mut tac = [0u8; 8];
    tac.copy_from_slice(&d[..8]);
    tac
}

/// `true` when bytes 48-55 of `token` are its TAC under `master_key`; constant time.
pub(super) fn verify(master_key: &ClearKey, token: &[u8; 64]) -> bool {
    ct_eq(&compute(master_key, token), &token[RANGE])
}
