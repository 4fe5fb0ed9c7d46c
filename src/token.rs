//! 64-byte CCA internal DES key tokens (docs/tokens.md; IBM "DES internal key token").
//!
//! | offset | content |
//! |---|---|
//! | 0 | X'01' internal (X'00' null, X'02' external) |
//! | 4 | version X'00' |
//! | 6 | flag 1: X'80' key and MKVP present, X'40' control vector applied |
//! | 7 | flag 2: bits 0-2 wrapping method, B'000' = WRAP-ECB |
//! | 8 | MKVP |
//! | 16, 24 | key parts A, B wrapped under the master key |
//! | 32, 40 | control vector left, right |
//! | 48 | token authentication code (TAC; IBM: part C of a triple-length key) |
//! | 56 | reserved; byte 59 the zero-CV DATA length marker |
//! | 60 | token validation value (TVV) |
//!
//! Keys are single (8 bytes, key form B'000') or double length (16 bytes, B'010'/B'001' or
//! B'110'/B'101'): the key length always comes from a control vector whose halves carry their
//! own key-form bits, and [`InternalToken::unwrap_key`], the one function that decrypts a key,
//! checks it first ([`InternalToken::check_cv`]).
//!
//! Wrapping (WRAP-ECB, docs/decisions.md F13): part x becomes E_K3(D_K2(E_K1(x))) with
//! K1‖K2‖K3 = master key ⊕ (CV half ‖ CV half ‖ CV half); parts A and C use the left CV half,
//! part B the right one.
//!
//! **Token integrity** (docs/decisions.md D25). WRAP-ECB wraps each part on its own, so the
//! wrapped halves of two tokens of the same control vector and master key could be recombined
//! into a token that unwraps to `K1L ‖ K2R`, and the TVV is an unkeyed sum anyone can reseal.
//! Every token that [`InternalToken::with_key`] makes therefore carries a token authentication
//! code in bytes 48-55 (module `tac`): 8 bytes of HMAC-SHA-256, under a key derived one-way from
//! the master key, over bytes 0-47 and 56-59. [`InternalToken::unwrap_key`] verifies it in
//! constant time, after the control-vector checks and before it decrypts anything, for every
//! use; a token without a valid TAC (spliced, re-typed, given another control vector or
//! MKVP, built by Key Token Build from caller-supplied wrapped parts, or made by a softcca
//! build older than the TAC) is refused with 8/12, [`Error::TokenAuthentication`]. There is
//! no migration path: such a key must be imported again (Key Part Import).

mod tac;

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
/// Offsets of wrapped key parts A and B. IBM's part C (offset 48) holds the token
/// authentication code: softcca takes single and double-length keys only.
const KEY_PART_OFFSETS: [usize; 2] = [16, 24];

/// Token validation value: the 32-bit sum, carries ignored, of the 15 big-endian words at
/// offsets 0, 4, …, 56 (CCA 2.54 p. B-11).
pub fn tvv(bytes: &[u8; 64]) -> u32 {
    bytes[..60]
        .chunks_exact(4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(0u32, u32::wrapping_add)
}

/// What the caller of [`InternalToken::unwrap_key`] will do with the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// A cryptographic operation (PIN, MAC, derivation): the key must be complete, its
    /// KEY-PART bit off (8/39 otherwise).
    Operational,
    /// Key management that IBM allows on a partial key: Key Part Import adding to it, Key Test
    /// checking it, Key Token Change re-enciphering it.
    KeyPart,
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

    /// Key length in bytes (8 or 16) from the control vector's key form; `None` when the form
    /// is not one softcca accepts (see [`ControlVector::key_form`]) or, for a version X'01'
    /// token, when byte 59 does not say X'10' (double length) for a double-length control
    /// vector. The length always comes from the control vector, whose halves the key parts
    /// are wrapped under, never from byte 59 alone: a token claiming double length with one
    /// control-vector half for both parts could otherwise unwrap to `KL ‖ KL`.
    pub fn key_len(&self) -> Option<usize> {
        let len = match self.cv().key_form()? {
            KeyForm::Single => 8,
            KeyForm::Double => 16,
        };
        if self.bytes[4] == 0x01 && (len != 16 || self.bytes[59] != 0x10) {
            return None;
        }
        Some(len)
    }

    /// The control-vector checks every use of a key starts with, in this order: parity
    /// (8/340), anti-variant and reserved bits (4/166), key form consistent with the key
    /// length and the token version (8/39), the KEY-PART bit off unless `use_` is
    /// [`KeyUse::KeyPart`] (8/39, [`Error::IncompleteKey`]), and, for a token holding a
    /// double-length key, wrapped parts A and B that differ (8/442): equal wrapped parts under
    /// the two distinct control-vector halves are the mark of a spliced token. Returns the
    /// key length.
    pub fn check_cv(&self, use_: KeyUse) -> Result<usize> {
        let cv = self.cv();
        cv.check()?;
        let len = self.key_len().ok_or(Error::CvViolation)?;
        if use_ == KeyUse::Operational && cv.is_key_part() {
            return Err(Error::IncompleteKey);
        }
        if self.has_key() && len == 16 && self.bytes[16..24] == self.bytes[24..32] {
            return Err(Error::ReplicatedHalves);
        }
        Ok(len)
    }

    /// The same token holding `key` wrapped under `master_key` (24 bytes) whose MKVP is
    /// `mkvp`. `key` must have the token's key length.
    ///
    /// A complete key (KEY-PART bit off) with equal halves is refused (8/442) when the control
    /// vector says its halves are guaranteed unique.
    ///
    /// The token gets its token authentication code under `master_key` (bytes 48-55, see the
    /// module docs), then its TVV.
    pub fn with_key(&self, key: &ClearKey, master_key: &ClearKey, mkvp: &[u8; 8]) -> Result<Self> {
        if self.key_len() != Some(key.len()) {
            return Err(Error::CvViolation);
        }
        let cv = self.cv();
        if cv.unique_halves() && !cv.is_key_part() && key.has_replicated_halves() {
            return Err(Error::ReplicatedHalves);
        }
        let mut b = self.bytes;
        b[6] |= FLAG_KEY_PRESENT | FLAG_CV;
        b[7] &= !WRAP_METHOD_MASK;
        b[8..16].copy_from_slice(mkvp);
        for (i, off) in KEY_PART_OFFSETS.into_iter().enumerate().take(key.len() / 8) {
            let mut part = zeroize::Zeroizing::new([0u8; 8]);
            part.copy_from_slice(&key.as_bytes()[8 * i..8 * i + 8]);
            let wrapped = part_cipher(master_key, &cv, i).encrypt(&part);
            b[off..off + 8].copy_from_slice(&wrapped);
        }
        let tac = tac::compute(master_key, &b);
        b[tac::RANGE].copy_from_slice(&tac);
        Ok(Self::seal(b))
    }

    /// Unwraps the key under `master_key` (the register whose MKVP matched), for `use_`.
    ///
    /// The one place a wrapped key is decrypted: it first makes the checks of
    /// [`InternalToken::check_cv`], so a token whose control vector does not give each key part
    /// its own half, or an incomplete key part for an operational use, never yields a key.
    /// Then, before anything is decrypted, it verifies the token authentication code under
    /// `master_key` in constant time (8/12, [`Error::TokenAuthentication`]), whatever `use_`:
    /// a spliced, re-typed or re-enciphered-by-hand token, or one that Key Token Build
    /// assembled from wrapped parts, never yields a key.
    /// A complete key whose control vector guarantees unique halves but whose halves are equal
    /// is refused too (8/442).
    pub fn unwrap_key(&self, master_key: &ClearKey, use_: KeyUse) -> Result<ClearKey> {
        if !self.has_key() {
            return Err(Error::NullToken);
        }
        let len = self.check_cv(use_)?;
        if !tac::verify(master_key, &self.bytes) {
            return Err(Error::TokenAuthentication);
        }
        let cv = self.cv();
        let mut key = ClearKey::zeroed(len).ok_or(Error::CvViolation)?;
        for (i, off) in KEY_PART_OFFSETS.into_iter().enumerate().take(len / 8) {
            let mut part = [0u8; 8];
            part.copy_from_slice(&self.bytes[off..off + 8]);
            let clear = zeroize::Zeroizing::new(part_cipher(master_key, &cv, i).decrypt(&part));
            key.as_bytes_mut()[8 * i..8 * i + 8].copy_from_slice(&clear[..]);
        }
        if cv.unique_halves() && !cv.is_key_part() && key.has_replicated_halves() {
            return Err(Error::ReplicatedHalves);
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
    ///
    /// The token gets **no** token authentication code (bytes 48-55 stay zero): computing one
    /// over caller-chosen wrapped parts would make Key Token Build an oracle that
    /// authenticates spliced tokens. [`InternalToken::unwrap_key`] refuses it (8/12).
    /// Equal wrapped parts A and B of a double-length key are refused (8/442, see
    /// [`InternalToken::check_cv`]).
    pub fn with_wrapped_key(&self, wrapped: &[u8], mkvp: &[u8; 8]) -> Result<Self> {
        let len = self.key_len().ok_or(Error::CvViolation)?;
        if wrapped.len() < len {
            return Err(Error::BadLength);
        }
        if len == 16 && wrapped[..8] == wrapped[8..16] {
            return Err(Error::ReplicatedHalves);
        }
        let mut b = self.bytes;
        b[6] |= FLAG_KEY_PRESENT | FLAG_CV;
        b[7] &= !WRAP_METHOD_MASK;
        b[8..16].copy_from_slice(mkvp);
        for (i, off) in KEY_PART_OFFSETS.into_iter().enumerate().take(len / 8) {
            b[off..off + 8].copy_from_slice(&wrapped[8 * i..8 * i + 8]);
        }
        Ok(Self::seal(b))
    }

    /// The same token with control vector `cv` (key kept as wrapped, its token authentication
    /// code no longer valid; use only when the key is re-wrapped afterwards).
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

    fn test_mk() -> ClearKey {
        ClearKey::from_slice(&h("0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123")).unwrap()
    }

    /// A DMAC key wrapped under [`test_mk`]: `(master key, key, control vector, token)`.
    fn wrapped_dmac() -> (ClearKey, ClearKey, ControlVector, InternalToken) {
        let mk = test_mk();
        let key = ClearKey::from_slice(&h("FEDCBA98765432100123456789ABCDEF")).unwrap();
        let cv = ControlVector::dkygenky(0, DkyUsage::DMac);
        let t = InternalToken::skeleton(&cv)
            .with_key(&key, &mk, &[7; 8])
            .unwrap();
        (mk, key, cv, t)
    }

    #[test]
    fn wrap_unwrap() {
        let (mk, key, _, t) = wrapped_dmac();
        assert!(t.has_key());
        assert_eq!(
            t.unwrap_key(&mk, KeyUse::Operational).unwrap().as_bytes(),
            key.as_bytes()
        );
    }

    /// A token carrying every mark of softcca's own, wrapped around `kl ‖ kl` under a
    /// "halves guaranteed unique" control vector (no verb makes one: `with_key` refuses).
    fn authentic_unique_halves_kl_kl(mk: &ClearKey) -> InternalToken {
        let mut cv = ControlVector::dkygenky(0, DkyUsage::DMac);
        cv.left[5] |= 0x80;
        cv.right[5] |= 0x80;
        crate::cv::even_parity(&mut cv.left);
        crate::cv::even_parity(&mut cv.right);
        assert!(cv.unique_halves());
        let kl = [0x13u8, 0x4C, 0x79, 0xB5, 0x2A, 0xE0, 0x5D, 0x91];
        let mut b = *InternalToken::skeleton(&cv).as_bytes();
        b[6] |= FLAG_KEY_PRESENT;
        b[8..16].copy_from_slice(&[7; 8]);
        b[16..24].copy_from_slice(&part_cipher(mk, &cv, 0).encrypt(&kl));
        b[24..32].copy_from_slice(&part_cipher(mk, &cv, 1).encrypt(&kl));
        let tac = tac::compute(mk, &b);
        b[tac::RANGE].copy_from_slice(&tac);
        InternalToken::seal(b)
    }

    #[test]
    fn equal_clear_halves_refused_after_the_tac() {
        // The token authentication code stops every such token made outside softcca; the
        // check of the clear halves stays behind it as a second line.
        let mk = test_mk();
        let t = authentic_unique_halves_kl_kl(&mk);
        assert_eq!(
            t.unwrap_key(&mk, KeyUse::Operational).err(),
            Some(Error::ReplicatedHalves)
        );
    }

    #[test]
    fn tac_binds_every_meaningful_byte() {
        let (mk, _, cv, t) = wrapped_dmac();
        // Every bit of bytes 0-59 except the TVV: flipped (TVV resealed), the token is either
        // refused by the structural and control-vector checks or by the TAC, never unwrapped.
        for byte in 0..60 {
            for bit in 0..8 {
                let mut b = *t.as_bytes();
                b[byte] ^= 1 << bit;
                let sealed = InternalToken::seal(b);
                let Ok(p) = InternalToken::parse(sealed.as_bytes()) else {
                    continue;
                };
                if !p.has_key() {
                    continue;
                }
                let r = p.unwrap_key(&mk, KeyUse::KeyPart);
                assert!(r.is_err(), "byte {byte} bit {bit} unwrapped");
                if p.check_cv(KeyUse::KeyPart).is_ok() {
                    assert_eq!(r.err(), Some(Error::TokenAuthentication), "{byte}/{bit}");
                }
            }
        }
        // Key Token Build's assembly of the same wrapped parts is not authenticated.
        let mut wrapped = [0u8; 16];
        wrapped.copy_from_slice(&t.as_bytes()[16..32]);
        let built = InternalToken::skeleton(&cv)
            .with_wrapped_key(&wrapped, &[7; 8])
            .unwrap();
        assert_eq!(built.as_bytes()[..48], t.as_bytes()[..48]);
        assert_eq!(built.as_bytes()[48..56], [0; 8]);
        assert_eq!(
            built.unwrap_key(&mk, KeyUse::KeyPart).err(),
            Some(Error::TokenAuthentication)
        );
    }
}
