//! CCA control vectors for DES keys (docs/tokens.md; IBM CCA Basic Services Reference 2.54,
//! appendix C "Control vectors and changing control vectors", pp. C-7..C-13).
//!
//! Bit 0 is the most significant bit of byte 0. The low-order bit of every byte makes the
//! byte's bit count even. A double-length key has a 16-byte control vector whose right half
//! equals the left half with the key-form bits 41-42 set to B'01' instead of B'10'.

use crate::error::{Error, Result};

/// Key form of a control vector (bits 40-42 of the left half, 104-106 of the right).
///
/// Only forms in which every wrapped key part has a control-vector half of its own are
/// accepted: a triple-length key (B'011') would wrap two of its three parts under the same
/// half, so they could be swapped or replicated in the token; softcca refuses it (8/39).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyForm {
    /// B'000': single-length key (right half all zero).
    Single,
    /// B'010' left / B'001' right (or B'110'/B'101', halves guaranteed unique): double length.
    Double,
}

/// Final key type a DKYGENKY key may generate (bits 19-22; ICSF APG CV bit map, docs/CSNBDKG.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DkyUsage {
    /// B'0001' DDATA: data keys.
    DData,
    /// B'0010' DMAC: MAC keys.
    DMac,
    /// B'0011' DMV: MAC-verify keys.
    DMv,
    /// B'0100' DIMP: importer keys.
    DImp,
    /// B'0101' DEXP: exporter keys.
    DExp,
    /// B'0110' DPVR: PIN-verify keys.
    DPvr,
    /// B'1000' DMKEY: secure-messaging keys for keys.
    DMKey,
    /// B'1001' DMPIN: secure-messaging keys for PINs.
    DMPin,
    /// B'1111' DALL: any of the above (needs ACP X'0290').
    DAll,
}

impl DkyUsage {
    /// The 4-bit field value.
    pub const fn bits(self) -> u8 {
        match self {
            DkyUsage::DData => 0b0001,
            DkyUsage::DMac => 0b0010,
            DkyUsage::DMv => 0b0011,
            DkyUsage::DImp => 0b0100,
            DkyUsage::DExp => 0b0101,
            DkyUsage::DPvr => 0b0110,
            DkyUsage::DMKey => 0b1000,
            DkyUsage::DMPin => 0b1001,
            DkyUsage::DAll => 0b1111,
        }
    }

    /// The usage for a 4-bit field value, `None` for reserved values.
    pub const fn from_bits(bits: u8) -> Option<Self> {
        Some(match bits {
            0b0001 => DkyUsage::DData,
            0b0010 => DkyUsage::DMac,
            0b0011 => DkyUsage::DMv,
            0b0100 => DkyUsage::DImp,
            0b0101 => DkyUsage::DExp,
            0b0110 => DkyUsage::DPvr,
            0b1000 => DkyUsage::DMKey,
            0b1001 => DkyUsage::DMPin,
            0b1111 => DkyUsage::DAll,
            _ => return None,
        })
    }
}

/// The key type a control vector describes, as far as this library uses keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// DATA (main type 0000, subtype 000).
    Data,
    /// MAC (subtype 010, MAC generate bit 20 on).
    Mac,
    /// MACVER (subtype 010, MAC generate bit 20 off).
    MacVer,
    /// SECMSG (subtype 101): SMPIN (bit 19) and/or SMKEY (bit 18).
    SecMsg,
    /// IPINENC (main type 0010, subtype 000).
    IpinEnc,
    /// OPINENC (main type 0010, subtype 010).
    OpinEnc,
    /// DKYGENKY (main type 0111) of a level 0..7 with a final-key usage.
    DkyGenKy {
        /// Level DKYL0..DKYL7 (bits 12-14).
        level: u8,
        /// Bits 19-22.
        usage: DkyUsage,
    },
    /// Any other key type (not usable by this library's verbs).
    Other,
}

/// A control vector: left half, and right half (all zero for a single-length key).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ControlVector {
    /// Bits 0-63.
    pub left: [u8; 8],
    /// Bits 64-127; zero for single-length keys.
    pub right: [u8; 8],
}

/// Sets the low-order bit of every byte so that each byte has even parity.
pub fn even_parity(bytes: &mut [u8; 8]) {
    for b in bytes.iter_mut() {
        *b = (*b & 0xFE) | u8::from((*b >> 1).count_ones() % 2 == 1);
    }
}

const FORM_MASK: u8 = 0xE0;
const FORM_LEFT: u8 = 0x40;
const FORM_RIGHT: u8 = 0x20;
const KEY_PART: u8 = 0x08;

impl ControlVector {
    /// A single-length control vector from its 8 bytes.
    pub fn single(left: [u8; 8]) -> Self {
        ControlVector {
            left,
            right: [0; 8],
        }
    }

    /// Builds the control vector of a key of `len` bytes (8 or 16) from a single-length
    /// template (key-form bits 000): for double length the left half gets B'010' and the
    /// right half B'001' (CCA 2.54 p. C-11 "copy bits 0 to 63 into bits 64 to 127 and set bits
    /// 105 and 106 to B'01'"). Parity bits are recomputed.
    pub fn from_template(template: [u8; 8], double: bool) -> Self {
        let mut left = template;
        left[5] &= !FORM_MASK;
        if !double {
            even_parity(&mut left);
            return ControlVector::single(left);
        }
        let mut right = left;
        left[5] |= FORM_LEFT;
        right[5] |= FORM_RIGHT;
        even_parity(&mut left);
        even_parity(&mut right);
        ControlVector { left, right }
    }

    /// The control vector of a DKYGENKY key (double length) of `level` and `usage`, with the
    /// export bit 17 on (the default, docs/tokens.md).
    pub fn dkygenky(level: u8, usage: DkyUsage) -> Self {
        Self::from_template(templates::dkygenky(level, usage), true)
    }

    /// `true` for a 16-byte control vector.
    pub fn is_double(&self) -> bool {
        self.right != [0; 8]
    }

    /// Main type, bits 8-11.
    pub fn main_type(&self) -> u8 {
        self.left[1] >> 4
    }

    /// Subtype, bits 12-14.
    pub fn subtype(&self) -> u8 {
        (self.left[1] >> 1) & 7
    }

    /// Bit `n` (0..63) of the left half.
    pub fn bit(&self, n: usize) -> bool {
        self.left[n / 8] & (0x80 >> (n % 8)) != 0
    }

    /// Key form from bits 40-42 (and the right half's), or `None` when inconsistent: a single
    /// length key has form B'000' and an all-zero right half; a double length key's halves
    /// must be B'010'/B'001' or B'110'/B'101' (halves guaranteed unique), and the right half
    /// must equal the left one in every other bit (CCA 2.54 p. C-11), so the halves of two
    /// different control vectors cannot be spliced into one token, and a token whose two
    /// halves carry the same control vector (the same wrapping key for both key parts) is
    /// refused. Any other form, triple length B'011' included, is `None`.
    pub fn key_form(&self) -> Option<KeyForm> {
        let l = self.left[5] & FORM_MASK;
        let r = self.right[5] & FORM_MASK;
        match (l, r, self.is_double()) {
            (0x00, _, false) => Some(KeyForm::Single),
            (0x40, 0x20, true) | (0xC0, 0xA0, true) if self.halves_match() => Some(KeyForm::Double),
            _ => None,
        }
    }

    /// `true` for the double-length forms B'110'/B'101' ("halves guaranteed unique"): such a
    /// key never has two equal halves (8/442).
    pub fn unique_halves(&self) -> bool {
        self.key_form() == Some(KeyForm::Double) && self.left[5] & FORM_MASK == 0xC0
    }

    /// `true` when the right half equals the left apart from the key-form bits and the parity
    /// bits (parity is [`ControlVector::check_parity`]'s business, 8/340).
    fn halves_match(&self) -> bool {
        self.left
            .iter()
            .zip(&self.right)
            .enumerate()
            .all(|(i, (l, r))| {
                let mask = if i == 5 { !FORM_MASK & 0xFE } else { 0xFE };
                l & mask == r & mask
            })
    }

    /// `true` when the KEY-PART bit 44 is on.
    pub fn is_key_part(&self) -> bool {
        self.left[5] & KEY_PART != 0
    }

    /// This control vector with the KEY-PART bit set or cleared (parity recomputed).
    pub fn with_key_part(&self, on: bool) -> Self {
        let mut cv = *self;
        for half in [&mut cv.left, &mut cv.right] {
            if half == &[0; 8] {
                continue;
            }
            if on {
                half[5] |= KEY_PART;
            } else {
                half[5] &= !KEY_PART;
            }
            even_parity(half);
        }
        cv
    }

    /// Checks that every byte has even parity (8/340).
    pub fn check_parity(&self) -> Result<()> {
        let ok = |h: &[u8; 8]| h.iter().all(|b| b.count_ones() % 2 == 0);
        if ok(&self.left) && ok(&self.right) {
            Ok(())
        } else {
            Err(Error::CvParity)
        }
    }

    /// Checks the anti-variant bits (bit 30 = 0 and bit 38 = 1 in each half) and that the
    /// reserved bits 59-62 are 0: else 4/166 (CCA "The control vector is not valid because of
    /// parity bits, anti-variant bits, or inconsistent KEK bits, or because bits 59 to 62 are
    /// not zero").
    pub fn check_reserved(&self) -> Result<()> {
        let ok = |h: &[u8; 8]| h[3] & 0x02 == 0 && h[4] & 0x02 != 0 && h[7] & 0x1E == 0;
        if ok(&self.left) && (!self.is_double() || ok(&self.right)) {
            Ok(())
        } else {
            Err(Error::CvReservedBits)
        }
    }

    /// Parity (8/340), then anti-variant and reserved bits (4/166): the checks every verb makes
    /// on a control vector it is given.
    pub fn check(&self) -> Result<()> {
        self.check_parity()?;
        self.check_reserved()
    }

    /// What kind of key this control vector describes.
    pub fn class(&self) -> KeyClass {
        match (self.main_type(), self.subtype()) {
            (0b0000, 0b000) => KeyClass::Data,
            (0b0000, 0b010) if self.bit(20) => KeyClass::Mac,
            (0b0000, 0b010) => KeyClass::MacVer,
            (0b0000, 0b101) => KeyClass::SecMsg,
            (0b0010, 0b000) => KeyClass::IpinEnc,
            (0b0010, 0b010) => KeyClass::OpinEnc,
            (0b0111, level) => match DkyUsage::from_bits((self.left[2] >> 1) & 0x0F) {
                Some(usage) => KeyClass::DkyGenKy { level, usage },
                None => KeyClass::Other,
            },
            _ => KeyClass::Other,
        }
    }

    /// The 16 bytes as stored in a token (right half zero for single length).
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.left);
        b[8..].copy_from_slice(&self.right);
        b
    }
}

/// Default control-vector templates (single-length form, key-form bits 000) of the key types
/// CSNBKTB builds (ICSF APG table "Default control vector values", via docs/tokens.md).
pub mod templates {
    /// DATA: `00007D0003000000` (double `..0341..`/`..0321..`).
    pub const DATA: [u8; 8] = [0x00, 0x00, 0x7D, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// MAC: `00054D0003000000`.
    pub const MAC: [u8; 8] = [0x00, 0x05, 0x4D, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// MACVER: `0005440003000000`.
    pub const MACVER: [u8; 8] = [0x00, 0x05, 0x44, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// IPINENC: `00215F0003000000` (always double length).
    pub const IPINENC: [u8; 8] = [0x00, 0x21, 0x5F, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// OPINENC: `0024770003000000` (always double length).
    pub const OPINENC: [u8; 8] = [0x00, 0x24, 0x77, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// SECMSG with SMPIN: `000A500003000000` (docs/tokens.md, derived from the bit rules).
    pub const SMPIN: [u8; 8] = [0x00, 0x0A, 0x50, 0x00, 0x03, 0x00, 0x00, 0x00];
    /// SECMSG with SMKEY: `000A600003000000`.
    pub const SMKEY: [u8; 8] = [0x00, 0x0A, 0x60, 0x00, 0x03, 0x00, 0x00, 0x00];

    /// The XPORT-OK bit 17 (byte 2, X'40'): on in every template above; NO-XPORT clears it.
    pub const XPORT_OK: (usize, u8) = (2, 0x40);

    /// DKYGENKY of `level` (0..7, bits 12-14) and final-key `usage` (bits 19-22), with
    /// XPORT-OK (docs/tokens.md): `0071440003000000` for DKYL0 + DMAC.
    pub const fn dkygenky(level: u8, usage: super::DkyUsage) -> [u8; 8] {
        [
            0x00,
            0x70 | ((level & 7) << 1),
            0x40 | (usage.bits() << 1),
            0x00,
            0x03,
            0x00,
            0x00,
            0x00,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h8(s: &str) -> [u8; 8] {
        let mut o = [0u8; 8];
        for i in 0..8 {
            o[i] = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        o
    }

    #[test]
    fn table_values_cca_spec_4_2() {
        let cases = [
            (
                ControlVector::dkygenky(0, DkyUsage::DMac),
                "0071440003410000",
                "0071440003210000",
            ),
            (
                ControlVector::dkygenky(0, DkyUsage::DMPin),
                "0071530003410000",
                "0071530003210000",
            ),
            (
                ControlVector::dkygenky(0, DkyUsage::DAll),
                "00715F0003410000",
                "00715F0003210000",
            ),
            (
                ControlVector::from_template(templates::IPINENC, true),
                "00215F0003410000",
                "00215F0003210000",
            ),
            (
                ControlVector::from_template(templates::OPINENC, true),
                "0024770003410000",
                "0024770003210000",
            ),
            (
                ControlVector::from_template(templates::MAC, true),
                "00054D0003410000",
                "00054D0003210000",
            ),
            (
                ControlVector::from_template(templates::MACVER, true),
                "0005440003410000",
                "0005440003210000",
            ),
            (
                ControlVector::from_template(templates::SMPIN, true),
                "000A500003410000",
                "000A500003210000",
            ),
        ];
        for (cv, l, r) in cases {
            assert_eq!(cv.left, h8(l), "{l}");
            assert_eq!(cv.right, h8(r), "{r}");
            cv.check_parity().unwrap();
            assert_eq!(cv.key_form(), Some(KeyForm::Double));
        }
    }

    #[test]
    fn classes() {
        assert_eq!(
            ControlVector::dkygenky(0, DkyUsage::DMPin).class(),
            KeyClass::DkyGenKy {
                level: 0,
                usage: DkyUsage::DMPin
            }
        );
        assert_eq!(
            ControlVector::dkygenky(3, DkyUsage::DMac).class(),
            KeyClass::DkyGenKy {
                level: 3,
                usage: DkyUsage::DMac
            }
        );
        assert_eq!(
            ControlVector::from_template(templates::MAC, false).class(),
            KeyClass::Mac
        );
        assert_eq!(
            ControlVector::from_template(templates::MACVER, true).class(),
            KeyClass::MacVer
        );
        assert_eq!(
            ControlVector::from_template(templates::DATA, true).class(),
            KeyClass::Data
        );
        assert_eq!(
            ControlVector::from_template(templates::IPINENC, true).class(),
            KeyClass::IpinEnc
        );
        assert_eq!(
            ControlVector::from_template(templates::OPINENC, true).class(),
            KeyClass::OpinEnc
        );
        assert_eq!(
            ControlVector::from_template(templates::SMPIN, true).class(),
            KeyClass::SecMsg
        );
        assert_eq!(
            ControlVector::from_template(templates::MAC, false).key_form(),
            Some(KeyForm::Single)
        );
    }

    #[test]
    fn key_part_bit() {
        let cv = ControlVector::from_template(templates::IPINENC, true).with_key_part(true);
        assert_eq!(cv.left, h8("00215F0003480000"));
        assert_eq!(cv.right, h8("00215F0003280000"));
        assert!(cv.is_key_part());
        cv.check_parity().unwrap();
        assert_eq!(
            cv.with_key_part(false),
            ControlVector::from_template(templates::IPINENC, true)
        );
    }

    #[test]
    fn reserved_and_anti_variant_bits() {
        let good = ControlVector::dkygenky(0, DkyUsage::DMac);
        good.check().unwrap();
        for (byte, bit) in [(3usize, 0x02u8), (4, 0x02), (7, 0x10), (7, 0x02)] {
            let mut cv = good;
            cv.left[byte] ^= bit;
            even_parity(&mut cv.left);
            assert_eq!(
                cv.check(),
                Err(Error::CvReservedBits),
                "byte {byte} bit {bit:#x}"
            );
        }
    }

    #[test]
    fn key_forms_and_spliced_halves() {
        let mut unique = ControlVector::dkygenky(0, DkyUsage::DMac);
        unique.left[5] |= 0x80;
        unique.right[5] |= 0x80;
        even_parity(&mut unique.left);
        even_parity(&mut unique.right);
        assert_eq!(unique.key_form(), Some(KeyForm::Double), "110/101");
        let mut wrong = unique;
        wrong.right[5] = (wrong.right[5] & !FORM_MASK) | 0x60;
        even_parity(&mut wrong.right);
        assert_eq!(wrong.key_form(), None, "110/011");
        // Left half of a DMAC DKYGENKY, right half of an IPINENC key: refused.
        let mut spliced = ControlVector::dkygenky(0, DkyUsage::DMac);
        spliced.right = ControlVector::from_template(templates::IPINENC, true).right;
        assert_eq!(spliced.key_form(), None);
        // Both halves the left half's CV (one wrapping key for both key parts): refused.
        let dmac = ControlVector::dkygenky(0, DkyUsage::DMac);
        let same = ControlVector {
            left: dmac.left,
            right: dmac.left,
        };
        assert_eq!(same.key_form(), None, "010/010");
        assert!(unique.unique_halves());
        assert!(!dmac.unique_halves());
        // Triple length (B'011'): two parts would share a CV half.
        let mut triple = ControlVector::from_template(templates::DATA, false);
        triple.left[5] |= 0x60;
        even_parity(&mut triple.left);
        assert_eq!(triple.key_form(), None, "011");
    }

    #[test]
    fn parity_violation() {
        let mut cv = ControlVector::dkygenky(0, DkyUsage::DMac);
        cv.left[2] ^= 0x01;
        assert_eq!(cv.check_parity(), Err(Error::CvParity));
    }
}
