//! Operator card PINs: typed with digits or letters, sent as exactly 8 ASCII digits.

use core::fmt;
use zeroize::Zeroizing;

use super::CardError;

/// A card PIN after the docs/decisions.md F20 mapping: exactly 8 ASCII digits, zeroized on drop,
/// never shown by `Debug`. Not `Clone`: one owner per PIN.
pub struct CardPin(Zeroizing<[u8; 8]>);

impl fmt::Debug for CardPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardPin(REDACTED)")
    }
}

/// ITU-T E.161 keypad: the digit of a letter (either case), or the digit itself.
fn keypad(c: u8) -> Option<u8> {
    let d = match c.to_ascii_uppercase() {
        d @ b'0'..=b'9' => d,
        b'A'..=b'C' => b'2',
        b'D'..=b'F' => b'3',
        b'G'..=b'I' => b'4',
        b'J'..=b'L' => b'5',
        b'M'..=b'O' => b'6',
        b'P'..=b'S' => b'7',
        b'T'..=b'V' => b'8',
        b'W'..=b'Z' => b'9',
        _ => return None,
    };
    Some(d)
}

impl CardPin {
    /// Maps a PIN as typed (ASCII digits and letters, docs/decisions.md F20) to the physical PIN:
    /// [`CardError::PinFormat`] unless the result is exactly 8 digits. Nothing is sent to a
    /// card here.
    pub fn from_typed(typed: &[u8]) -> Result<CardPin, CardError> {
        if typed.len() != 8 {
            return Err(CardError::PinFormat);
        }
        let mut pin = Zeroizing::new([0u8; 8]);
        for (out, &c) in pin.iter_mut().zip(typed) {
            *out = keypad(c).ok_or(CardError::PinFormat)?;
        }
        Ok(CardPin(pin))
    }

    /// The 8 ASCII digits the card sees.
    pub(crate) fn digits(&self) -> &[u8; 8] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e161_mapping_case_insensitive() {
        let p = CardPin::from_typed(b"softCCA1").unwrap();
        assert_eq!(p.digits(), b"76382221");
        let all = CardPin::from_typed(b"adgjmptw").unwrap();
        assert_eq!(all.digits(), b"23456789");
        let last = CardPin::from_typed(b"CFILOSVZ").unwrap();
        assert_eq!(last.digits(), b"23456789");
        assert_eq!(
            CardPin::from_typed(b"48151623").unwrap().digits(),
            b"48151623"
        );
        // Different logical PINs stand for one physical PIN.
        assert_eq!(
            CardPin::from_typed(b"HSMADMIN").unwrap().digits(),
            CardPin::from_typed(b"476236IO").unwrap().digits()
        );
    }

    #[test]
    fn anything_but_eight_mapped_digits_is_refused() {
        for bad in [
            &b"1234567"[..],
            b"123456789",
            b"",
            b"1234 678",
            b"1234-678",
            b"12345\xc3\xa9",
            b"1234567\0",
        ] {
            assert_eq!(CardPin::from_typed(bad).unwrap_err(), CardError::PinFormat);
        }
        assert_eq!(
            format!("{:?}", CardPin::from_typed(b"12345678").unwrap()),
            "CardPin(REDACTED)"
        );
    }
}
