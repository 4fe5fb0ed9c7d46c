//! PIN profiles and 8-byte PIN-block formats (docs/pin-blocks.md; IBM CCA "PIN block formats",
//! CCA 2.54 pp. E-9..E-12): recovering a PIN from a clear block, and formatting one.
//!
//! Notation of the layouts (nibbles): P PIN digit, L length, F X'F', f P-or-F, D decimal pad,
//! X profile pad digit, x P-or-X, R random, r P-or-R, z P-or-0, S sequence number.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::crypto::rng;
use crate::error::{Error, Result};
use crate::rule_array::{Keyword, kw};

/// Shortest PIN the verbs accept.
pub const MIN_PIN: usize = 4;
/// Longest PIN the verbs accept (z/OS ICSF APG: "PINs of length 4 - 12 digits are supported").
pub const MAX_PIN: usize = 12;

/// An 8-byte PIN-block format of a PIN profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// ISO-0 (= ANSI X9.8, VISA-1, ECI-1): `0LPPPPffffffffFF` ⊕ `0000`‖PAN12.
    Iso0,
    /// ISO-1: `1LPPPPrrrrrrrrRR`.
    Iso1,
    /// ISO-2: `2LPPPPffffffffFF`.
    Iso2,
    /// ISO-3: `3LPPPPrrrrrrrrRR` (fill X'A'-X'F') ⊕ `0000`‖PAN12.
    Iso3,
    /// VISA-2: `LPPPPzzDDDDDDDDD`, L = 4..6.
    Visa2,
    /// VISA-3: the PIN, a X'F' delimiter, then any pad.
    Visa3,
    /// VISA-4: as ISO-0 with the leftmost 12 PAN digits (the caller supplies them).
    Visa4,
    /// IBM 3621 (= 5906): `SSSSPPPPxxxxxxxx`.
    Ibm3621,
    /// IBM 3624: `PPPPxxxxxxxxxxxx`.
    Ibm3624,
    /// ECI-2: `PPPPRRRRRRRRRRRR` (exactly four digits).
    Eci2,
    /// ECI-3: `LPPPPzzRRRRRRRRR`, L = 4..6.
    Eci3,
    /// ECI-4: the ISO-1 layout.
    Eci4,
    /// IBM 4704 encrypting PIN pad: `LPPPPffffffffFSS`.
    Ibm4704Epp,
}

const FORMATS: &[(Keyword, Format)] = &[
    (kw("ISO-0"), Format::Iso0),
    (kw("ISO-1"), Format::Iso1),
    (kw("ISO-2"), Format::Iso2),
    (kw("ISO-3"), Format::Iso3),
    (kw("VISA-2"), Format::Visa2),
    (kw("VISA-3"), Format::Visa3),
    (kw("VISA-4"), Format::Visa4),
    (kw("3621"), Format::Ibm3621),
    (kw("3624"), Format::Ibm3624),
    (kw("ECI-2"), Format::Eci2),
    (kw("ECI-3"), Format::Eci3),
    (kw("ECI-4"), Format::Eci4),
    (kw("4704-EPP"), Format::Ibm4704Epp),
];

impl Format {
    /// The format for a profile keyword (folded to upper case); `None` when unknown.
    pub fn from_keyword(k: &Keyword) -> Option<Self> {
        FORMATS.iter().find(|(w, _)| w == k).map(|&(_, f)| f)
    }

    /// `true` for the formats that XOR the 12-digit PAN data (docs/decisions.md F16).
    pub fn uses_pan(self) -> bool {
        matches!(self, Format::Iso0 | Format::Iso3 | Format::Visa4)
    }

    /// `true` for the formats whose profile pad digit matters (docs/pin-blocks.md).
    pub fn uses_pad(self) -> bool {
        matches!(self, Format::Ibm3621 | Format::Ibm3624)
    }

    /// `true` for ISO-1 and its twin ECI-4 (ACP X'032F' disallows them).
    pub fn is_iso1(self) -> bool {
        matches!(self, Format::Iso1 | Format::Eci4)
    }

    /// The control nibble of the ISO-layout formats (ISO-0/VISA-4: 0, ISO-1/ECI-4: 1, ISO-2: 2,
    /// ISO-3: 3); `None` for the others.
    pub fn iso_control(self) -> Option<u8> {
        match self {
            Format::Iso0 | Format::Visa4 => Some(0),
            Format::Iso1 | Format::Eci4 => Some(1),
            Format::Iso2 => Some(2),
            Format::Iso3 => Some(3),
            _ => None,
        }
    }

    /// `true` for the ISO formats, whose digit check ACP X'0055' turns off.
    pub fn is_iso(self) -> bool {
        matches!(
            self,
            Format::Iso0
                | Format::Iso1
                | Format::Iso2
                | Format::Iso3
                | Format::Visa4
                | Format::Eci4
        )
    }
}

/// A parsed 24-byte PIN profile: format keyword, format control `NONE`, pad digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The PIN-block format.
    pub format: Format,
    /// The pad digit (0..=15) when the profile gives one.
    pub pad: Option<u8>,
}

const NONE: Keyword = kw("NONE");

impl Profile {
    /// Parses a profile: unknown format 8/106, format control other than `NONE` 8/107, a pad
    /// field other than seven blanks and one of `0-9 A-F` or a blank 8/108, and a missing pad
    /// digit for 3621/3624 8/108.
    pub fn parse(profile: &[u8; 24]) -> Result<Self> {
        let mut f = [0u8; 8];
        f.copy_from_slice(&profile[..8]);
        let format = Format::from_keyword(&Keyword::folded(&f)).ok_or(Error::PinFormat)?;
        f.copy_from_slice(&profile[8..16]);
        if Keyword::folded(&f) != NONE {
            return Err(Error::FormatControl);
        }
        if profile[16..23].iter().any(|&b| b != b' ') {
            return Err(Error::PadDigit);
        }
        let pad = match profile[23] {
            b' ' => None,
            c => Some(hex_value(c.to_ascii_uppercase()).ok_or(Error::PadDigit)?),
        };
        if format.uses_pad() && pad.is_none() {
            return Err(Error::PadDigit);
        }
        Ok(Profile { format, pad })
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Twelve PAN digits as nibbles; 8/110 unless all are ASCII decimal digits.
pub fn parse_pan(pan: &[u8; 12]) -> Result<[u8; 12]> {
    let mut out = [0u8; 12];
    for (o, &c) in out.iter_mut().zip(pan) {
        if !c.is_ascii_digit() {
            return Err(Error::PanData);
        }
        *o = c - b'0';
    }
    Ok(out)
}

/// A PIN: 4 to 12 nibbles (normally decimal), zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Pin {
    digits: [u8; 16],
    len: u8,
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(REDACTED)")
    }
}

impl Pin {
    /// The PIN's nibbles.
    pub fn digits(&self) -> &[u8] {
        &self.digits[..self.len as usize]
    }

    /// Number of digits.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true for a recovered PIN.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A PIN from ASCII digits (Clear PIN Encrypt); 8/116 for other characters, 8/100 for a
    /// length outside 4..12.
    pub fn from_ascii(text: &[u8]) -> Result<Self> {
        if !(MIN_PIN..=MAX_PIN).contains(&text.len()) {
            return Err(Error::PinLength);
        }
        let mut p = Pin {
            digits: [0; 16],
            len: text.len() as u8,
        };
        for (d, &c) in p.digits.iter_mut().zip(text) {
            if !c.is_ascii_digit() {
                return Err(Error::PinDigits);
            }
            *d = c - b'0';
        }
        Ok(p)
    }

    fn from_nibbles(n: &[u8]) -> Self {
        let mut p = Pin {
            digits: [0; 16],
            len: n.len() as u8,
        };
        p.digits[..n.len()].copy_from_slice(n);
        p
    }
}

/// The access-control switches that change PIN recovery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checks {
    /// ACP X'0055': ISO PIN blocks do not check that PIN digits are decimal.
    pub iso_no_digit_check: bool,
    /// ACP X'0313': 3621/3624 check only decimal digits and length ≥ 4.
    pub enhanced_pin_security: bool,
}

/// The 16 nibbles of an 8-byte block (zeroized on drop).
struct Nibbles([u8; 16]);

impl Drop for Nibbles {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Nibbles {
    fn of(block: &[u8; 8]) -> Self {
        let mut n = [0u8; 16];
        for (i, b) in block.iter().enumerate() {
            n[2 * i] = b >> 4;
            n[2 * i + 1] = b & 0x0F;
        }
        Nibbles(n)
    }

    fn to_block(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        for (i, o) in b.iter_mut().enumerate() {
            *o = (self.0[2 * i] << 4) | self.0[2 * i + 1];
        }
        b
    }

    fn xor_pan(&mut self, pan: &[u8; 12]) {
        for (n, p) in self.0[4..].iter_mut().zip(pan) {
            *n ^= p;
        }
    }
}

/// 8/100 unless a PIN of `l` digits fits `lo..=hi`.
fn pin_length(l: usize, lo: usize, hi: usize) -> Result<()> {
    if (lo..=hi).contains(&l) {
        Ok(())
    } else {
        Err(Error::PinLength)
    }
}

fn consistent(ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::PinBlockConsistency)
    }
}

fn decimal(d: &[u8]) -> bool {
    d.iter().all(|&x| x <= 9)
}

/// Recovers the PIN from a clear 8-byte block in `profile`'s format. `pan` is the parsed PAN
/// data, required by the PAN formats. Errors: PIN length outside what the format and the verb
/// allow 8/100; anything else inconsistent 8/407.
pub fn recover(
    block: &[u8; 8],
    profile: &Profile,
    pan: Option<&[u8; 12]>,
    checks: Checks,
) -> Result<Pin> {
    let mut n = Nibbles::of(block);
    if profile.format.uses_pan() {
        n.xor_pan(pan.ok_or(Error::PanData)?);
    }
    let s = &n.0;
    let pin = match profile.format {
        Format::Iso0
        | Format::Iso1
        | Format::Iso2
        | Format::Iso3
        | Format::Visa4
        | Format::Eci4 => {
            let control = profile.format.iso_control().unwrap_or(0);
            consistent(s[0] == control)?;
            let l = s[1] as usize;
            pin_length(l, MIN_PIN, MAX_PIN)?;
            let fill = &s[2 + l..];
            match control {
                0 | 2 => consistent(fill.iter().all(|&x| x == 0xF))?,
                3 => consistent(fill.iter().all(|&x| x >= 0xA))?,
                _ => {}
            }
            let digits = &s[2..2 + l];
            consistent(checks.iso_no_digit_check || decimal(digits))?;
            Pin::from_nibbles(digits)
        }
        Format::Visa2 | Format::Eci3 => {
            let l = s[0] as usize;
            pin_length(l, 4, 6)?;
            consistent(decimal(&s[1..1 + l]))?;
            consistent(s[1 + l..7].iter().all(|&x| x == 0))?;
            if profile.format == Format::Visa2 {
                consistent(decimal(&s[7..]))?;
            }
            Pin::from_nibbles(&s[1..1 + l])
        }
        Format::Visa3 => {
            let l = s
                .iter()
                .position(|&x| x == 0xF)
                .ok_or(Error::PinBlockConsistency)?;
            pin_length(l, MIN_PIN, MAX_PIN)?;
            consistent(decimal(&s[..l]))?;
            Pin::from_nibbles(&s[..l])
        }
        Format::Ibm3621 | Format::Ibm3624 => {
            let start = if profile.format == Format::Ibm3621 {
                4
            } else {
                0
            };
            let pad = profile.pad.ok_or(Error::PadDigit)?;
            let body = &s[start..];
            let l = body.iter().position(|&x| x == pad).unwrap_or(body.len());
            pin_length(l, MIN_PIN, MAX_PIN)?;
            consistent(decimal(&body[..l]))?;
            if !checks.enhanced_pin_security {
                consistent(body[l..].iter().all(|&x| x == pad))?;
            }
            Pin::from_nibbles(&body[..l])
        }
        Format::Eci2 => {
            consistent(decimal(&s[..4]))?;
            Pin::from_nibbles(&s[..4])
        }
        Format::Ibm4704Epp => {
            let l = s[0] as usize;
            pin_length(l, MIN_PIN, MAX_PIN)?;
            consistent(decimal(&s[1..1 + l]))?;
            consistent(s[1 + l..14].iter().all(|&x| x == 0xF))?;
            Pin::from_nibbles(&s[1..1 + l])
        }
    };
    Ok(pin)
}

/// Formats `pin` as a clear block of `profile`'s format (Clear PIN Encrypt). Random fill comes
/// from the operating system; `sequence` is the 3621 (4 digits) / 4704-EPP (2 digits) sequence
/// number.
pub fn format(
    pin: &Pin,
    profile: &Profile,
    pan: Option<&[u8; 12]>,
    sequence: u16,
) -> Result<[u8; 8]> {
    let l = pin.len();
    let p = pin.digits();
    let mut random = [0u8; 16];
    rng::fill(&mut random)?;
    let mut n = Nibbles([0u8; 16]);
    let s = &mut n.0;
    match profile.format {
        Format::Iso0
        | Format::Iso1
        | Format::Iso2
        | Format::Iso3
        | Format::Visa4
        | Format::Eci4 => {
            s[0] = profile.format.iso_control().unwrap_or(0);
            s[1] = l as u8;
            s[2..2 + l].copy_from_slice(p);
            for (i, x) in s.iter_mut().enumerate().skip(2 + l) {
                *x = match profile.format {
                    Format::Iso0 | Format::Iso2 | Format::Visa4 => 0xF,
                    Format::Iso3 => 0xA + random[i] % 6,
                    _ => random[i] & 0x0F,
                };
            }
            if profile.format.uses_pan() {
                n.xor_pan(pan.ok_or(Error::PanData)?);
            }
        }
        Format::Visa2 | Format::Eci3 => {
            pin_length(l, 4, 6)?;
            s[0] = l as u8;
            s[1..1 + l].copy_from_slice(p);
            for (i, x) in s.iter_mut().enumerate().skip(7) {
                // VISA-2's D positions: the profile's pad digit (decimal), or random decimal
                // digits when the profile gives none.
                *x = match (profile.format, profile.pad) {
                    (Format::Visa2, Some(d)) if d <= 9 => d,
                    (Format::Visa2, Some(_)) => return Err(Error::PadDigit),
                    (Format::Visa2, None) => random[i] % 10,
                    _ => random[i] & 0x0F,
                };
            }
        }
        Format::Visa3 => {
            s[..l].copy_from_slice(p);
            let pad = profile.pad.unwrap_or(0xF);
            s[l..].fill(pad);
            s[l] = 0xF;
        }
        Format::Ibm3621 | Format::Ibm3624 => {
            let start = if profile.format == Format::Ibm3621 {
                4
            } else {
                0
            };
            let pad = profile.pad.ok_or(Error::PadDigit)?;
            if p.contains(&pad) {
                return Err(Error::PadDigit);
            }
            if start == 4 {
                if sequence > 9999 {
                    return Err(Error::SequenceNumber);
                }
                s[..4].copy_from_slice(&decimal_digits::<4>(sequence));
            }
            s[start..start + l].copy_from_slice(p);
            s[start + l..].fill(pad);
        }
        Format::Eci2 => {
            pin_length(l, 4, 4)?;
            s[..4].copy_from_slice(p);
            for (i, x) in s.iter_mut().enumerate().skip(4) {
                *x = random[i] & 0x0F;
            }
        }
        Format::Ibm4704Epp => {
            if sequence > 99 {
                return Err(Error::SequenceNumber);
            }
            s[0] = l as u8;
            s[1..1 + l].copy_from_slice(p);
            s[1 + l..14].fill(0xF);
            s[14..].copy_from_slice(&decimal_digits::<2>(sequence));
        }
    }
    random.zeroize();
    Ok(n.to_block())
}

fn decimal_digits<const N: usize>(mut v: u16) -> [u8; N] {
    let mut d = [0u8; N];
    for x in d.iter_mut().rev() {
        *x = (v % 10) as u8;
        v /= 10;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(f: &str, pad: u8) -> [u8; 24] {
        let mut p = [b' '; 24];
        p[..f.len()].copy_from_slice(f.as_bytes());
        p[8..12].copy_from_slice(b"NONE");
        p[23] = pad;
        p
    }

    #[test]
    fn profile_errors() {
        assert_eq!(
            Profile::parse(&profile("ISO-9", b' ')),
            Err(Error::PinFormat)
        );
        let mut p = profile("ISO-0", b' ');
        p[8..12].copy_from_slice(b"PBVC");
        assert_eq!(Profile::parse(&p), Err(Error::FormatControl));
        assert_eq!(
            Profile::parse(&profile("ISO-0", b'G')),
            Err(Error::PadDigit)
        );
        assert_eq!(Profile::parse(&profile("3624", b' ')), Err(Error::PadDigit));
        assert_eq!(
            Profile::parse(&profile("iso-0", b' ')).unwrap().format,
            Format::Iso0
        );
        assert_eq!(
            Profile::parse(&profile("3624", b'f')).unwrap().pad,
            Some(15)
        );
    }

    #[test]
    fn round_trip_every_format() {
        let pan = parse_pan(b"456789012345").unwrap();
        for (name, pad) in [
            ("ISO-0", b' '),
            ("ISO-1", b' '),
            ("ISO-2", b' '),
            ("ISO-3", b' '),
            ("VISA-2", b'0'),
            ("VISA-3", b' '),
            ("VISA-4", b' '),
            ("3621", b'F'),
            ("3624", b'F'),
            ("ECI-2", b' '),
            ("ECI-3", b' '),
            ("ECI-4", b' '),
            ("4704-EPP", b' '),
        ] {
            let prof = Profile::parse(&profile(name, pad)).unwrap();
            let text: &[u8] = if matches!(prof.format, Format::Eci2) {
                b"1234"
            } else {
                b"123456"
            };
            let pin = Pin::from_ascii(text).unwrap();
            let block = format(&pin, &prof, Some(&pan), 12).unwrap();
            let back = recover(&block, &prof, Some(&pan), Checks::default()).unwrap();
            assert_eq!(back.digits(), pin.digits(), "{name}");
        }
    }
}
