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

use hmac::digest::FixedOutput;
use hmac::digest::array::Array;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::crypto::ClearKey;
use crate::crypto::ct::ct_eq;

/// The derivation label of the TAC key.
const LABEL: &[u8] = b"softcca/token-auth/v1";
/// Where the TAC sits in the token (the part-C slot).
pub(super) const RANGE: core::ops::Range<usize> = 48..56;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA-256 of `parts` under `key`.
fn hmac(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail.
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        m.update(p);
    }
    // Written in place: no copy of the output (the TAC key, for the first call) is left behind.
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is SHA-256's output size: the conversion cannot fail.
    let array: &mut Array<u8, _> = (&mut out[..]).try_into().unwrap_or_else(|_| unreachable!());
    m.finalize_into(array);
    out
}

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

#[cfg(test)]
mod tests {
    use super::hmac;
    use crate::test_hex as h;

    #[test]
    fn rfc4231_case_2() {
        // RFC 4231 test case 2 (HMAC-SHA-256, key "Jefe").
        assert_eq!(
            hmac(b"Jefe", &[b"what do ya want ", b"for nothing?"]).to_vec(),
            h("5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843")
        );
    }
}
