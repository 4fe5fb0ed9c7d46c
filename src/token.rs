//! 64-byte CCA internal DES key tokens (cca-spec §5.1; IBM "DES internal key token").
//!
//! | offset | content |
//! |---|---|
//! | 0 | X'01' internal (X'00' null, X'02' external) |
//! | 4 | version X'00' |
//! | 6 | flag 1: X'80' key and MKVP present, X'40' control vector applied |
//! | 7 | flag 2: bits 0-2 wrapping method, B'000' = WRAP-ECB |
//! | 8 | MKVP |
//! | 16, 24, 48 | key parts A, B, C wrapped under the master key |
//! | 32, 40 | control vector left, right |
//! | 60 | token validation value (TVV) |
//!
//! Wrapping (WRAP-ECB, DECISIONS #13): part x becomes E_K3(D_K2(E_K1(x))) with
//! K1‖K2‖K3 = master key ⊕ (CV half ‖ CV half ‖ CV half); parts A and C use the left CV half,
//! part B the right one.

use crate::crypto::{ClearKey, Tdes};
use crate::cv::{ControlVector, KeyForm};
use crate::error::{Error, Result};

/// Token type byte of a null token.
pub const NULL: u8 = 0x00;
/// Token type byte of an internal token.
pub const INTERNAL: u8 = 0x01;
/// Token type byte of an external token.
pub const EXTERNAL: u8 = 0x02;

const FLAG_KEY_PRESENT: u8 = 0x80;
const FLAG_CV: u8 = 0x40;
const WRAP_METHOD_MASK: u8 = 0xE0;

/// Token validation value: the 32-bit sum, carries ignored, of the 15 big-endian words at
/// offsets 0, 4, …, 56 (M254 p. B-11).
pub fn tvv(bytes: &[u8; 64]) -> u32 {
    bytes[..60]
        .chunks_exact(4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(0u32, u32::wrapping_add)
}

/// A structurally valid internal DES key token (type, version, TVV checked).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct InternalToken {
    bytes: [u8; 64],
}

impl core::fmt::Debug for InternalToken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Wrapped key parts are not secret, but there is no reason to print them either.
        f.debug_struct("InternalToken")
            .field("mkvp", &self.mkvp())
            .field("cv", &self.cv())
            .field("has_key", &self.has_key())
            .finish()
    }
}

impl InternalToken {
    /// Checks a 64-byte token: type X'01' (X'00' → null token, anything else → not
    /// internal), version X'00' or X'01', TVV, and the WRAP-ECB method.
    pub fn parse(bytes: &[u8; 64]) -> Result<Self> {
        match bytes[0] {
            INTERNAL => {}
            NULL => return Err(Error::NullToken),
            _ => return Err(Error::NotInternalToken),
        }
        if !matches!(bytes[4], 0x00 | 0x01) {
            return Err(Error::TokenVersion);
        }
        if tvv(bytes) != u32::from_be_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]) {
            return Err(Error::TokenTvv);
        }
        if bytes[7] & WRAP_METHOD_MASK != 0 {
            return Err(Error::WrapMethod);
        }
        Ok(InternalToken { bytes: *bytes })
    }

    /// A token with no key (a skeleton, as Key Token Build makes) for control vector `cv`.
    pub fn skeleton(cv: &ControlVector) -> Self {
        let mut b = [0u8; 64];
        b[0] = INTERNAL;
        b[6] = FLAG_CV;
        b[32..48].copy_from_slice(&cv.to_bytes());
        Self::seal(b)
    }

    fn seal(mut b: [u8; 64]) -> Self {
        let t = tvv(&b);
        b[60..64].copy_from_slice(&t.to_be_bytes());
        InternalToken { bytes: b }
    }

    /// The 64 bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.bytes
    }

    /// `true` when the token carries a wrapped key and an MKVP (flag X'80').
    pub fn has_key(&self) -> bool {
        self.bytes[6] & FLAG_KEY_PRESENT != 0
    }

    /// The master-key verification pattern.
    pub fn mkvp(&self) -> [u8; 8] {
        let mut m = [0u8; 8];
        m.copy_from_slice(&self.bytes[8..16]);
        m
    }

    /// The control vector (offsets 32-47).
    pub fn cv(&self) -> ControlVector {
        let mut left = [0u8; 8];
        let mut right = [0u8; 8];
        left.copy_from_slice(&self.bytes[32..40]);
        right.copy_from_slice(&self.bytes[40..48]);
        ControlVector { left, right }
    }

    /// Key length in bytes (8, 16, 24) from the control vector's key form, or from byte 59 for
    /// a version X'01' token; `None` when the form is inconsistent.
    pub fn key_len(&self) -> Option<usize> {
        if self.bytes[4] == 0x01 {
            return match self.bytes[59] {
                0x10 => Some(16),
                0x20 => Some(24),
                _ => None,
            };
        }
        match self.cv().key_form()? {
            KeyForm::Single => Some(8),
            KeyForm::Double => Some(16),
            KeyForm::Triple => Some(24),
        }
    }

    /// The same token holding `key` wrapped under `master_key` (24 bytes) whose MKVP is
    /// `mkvp`. `key` must have the token's key length.
    pub fn with_key(&self, key: &ClearKey, master_key: &ClearKey, mkvp: &[u8; 8]) -> Result<Self> {
        if self.key_len() != Some(key.len()) {
            return Err(Error::CvViolation);
        }
        let cv = self.cv();
        let mut b = self.bytes;
        b[6] |= FLAG_KEY_PRESENT | FLAG_CV;
        b[7] &= !WRAP_METHOD_MASK;
        b[8..16].copy_from_slice(mkvp);
        for (i, off) in [16usize, 24, 48]
            .into_iter()
            .enumerate()
            .take(key.len() / 8)
        {
            let mut part = zeroize::Zeroizing::new([0u8; 8]);
            part.copy_from_slice(&key.as_bytes()[8 * i..8 * i + 8]);
            let wrapped = part_cipher(master_key, &cv, i).encrypt(&part);
            b[off..off + 8].copy_from_slice(&wrapped);
        }
        Ok(Self::seal(b))
    }

    /// Unwraps the key under `master_key` (the register whose MKVP matched).
    pub fn unwrap_key(&self, master_key: &ClearKey) -> Result<ClearKey> {
        let len = self.key_len().ok_or(Error::CvViolation)?;
        let cv = self.cv();
        let mut key = ClearKey::zeroed(len).ok_or(Error::CvViolation)?;
        for (i, off) in [16usize, 24, 48].into_iter().enumerate().take(len / 8) {
            let mut part = [0u8; 8];
            part.copy_from_slice(&self.bytes[off..off + 8]);
            let clear = zeroize::Zeroizing::new(part_cipher(master_key, &cv, i).decrypt(&part));
            key.as_bytes_mut()[8 * i..8 * i + 8].copy_from_slice(&clear[..]);
        }
        Ok(key)
    }

    /// The same token with the key and MKVP removed (flag X'80' off).
    pub fn without_key(&self) -> Self {
        let mut b = self.bytes;
        b[6] &= !FLAG_KEY_PRESENT;
        b[8..32].fill(0);
        b[48..56].fill(0);
        Self::seal(b)
    }

    /// The same token holding `wrapped` (8, 16 or 24 bytes of key parts A, B, C already
    /// wrapped under a master key) and the MKVP `mkvp`, as Key Token Build `KEY` makes it.
    /// The token's key length decides how many parts are copied; the rest must be supplied
    /// by the caller as zeros and is ignored.
    pub fn with_wrapped_key(&self, wrapped: &[u8], mkvp: &[u8; 8]) -> Result<Self> {
        let len = self.key_len().ok_or(Error::CvViolation)?;
        if wrapped.len() < len {
            return Err(Error::BadLength);
        }
        let mut b = self.bytes;
        b[6] |= FLAG_KEY_PRESENT | FLAG_CV;
        b[7] &= !WRAP_METHOD_MASK;
        b[8..16].copy_from_slice(mkvp);
        for (i, off) in [16usize, 24, 48].into_iter().enumerate().take(len / 8) {
            b[off..off + 8].copy_from_slice(&wrapped[8 * i..8 * i + 8]);
        }
        Ok(Self::seal(b))
    }

    /// The same token with control vector `cv` (key kept as wrapped; use only when the key is
    /// re-wrapped afterwards).
    pub fn with_cv(&self, cv: &ControlVector) -> Self {
        let mut b = self.bytes;
        b[32..48].copy_from_slice(&cv.to_bytes());
        Self::seal(b)
    }
}

/// The TDES cipher that wraps key part `i` (0 = A, 1 = B, 2 = C): the master key XOR-ed with
/// the CV half of that part in each of its three 8-byte words.
fn part_cipher(master_key: &ClearKey, cv: &ControlVector, i: usize) -> Tdes {
    let half = if i == 1 { &cv.right } else { &cv.left };
    // Built in place from the register's bytes: no by-value copy of the master key.
    let mk = master_key.as_bytes();
    let mut k = zeroize::Zeroizing::new([0u8; 24]);
    for (j, b) in k.iter_mut().enumerate() {
        *b = mk[j % mk.len()] ^ half[j % 8];
    }
    Tdes::from_triple(&k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cv::{DkyUsage, templates};

    use crate::test_hex as h;

    #[test]
    fn skeleton_round_trip() {
        let cv = ControlVector::from_template(templates::IPINENC, true);
        let sk = InternalToken::skeleton(&cv);
        let parsed = InternalToken::parse(sk.as_bytes()).unwrap();
        assert!(!parsed.has_key());
        assert_eq!(parsed.key_len(), Some(16));
        let mut bad = *sk.as_bytes();
        bad[63] ^= 1;
        assert_eq!(InternalToken::parse(&bad), Err(Error::TokenTvv));
        bad = *sk.as_bytes();
        bad[0] = 2;
        assert_eq!(InternalToken::parse(&bad), Err(Error::NotInternalToken));
        bad[0] = 0;
        assert_eq!(InternalToken::parse(&bad), Err(Error::NullToken));
    }

    #[test]
    fn wrap_unwrap() {
        let mk =
            ClearKey::from_slice(&h("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123")).unwrap();
        let key = ClearKey::from_slice(&h("FEDCBA98765432100123456789ABCDEF")).unwrap();
        let cv = ControlVector::dkygenky(0, DkyUsage::DMac);
        let t = InternalToken::skeleton(&cv)
            .with_key(&key, &mk, &[7; 8])
            .unwrap();
        assert!(t.has_key());
        assert_eq!(t.unwrap_key(&mk).unwrap().as_bytes(), key.as_bytes());
    }
}
