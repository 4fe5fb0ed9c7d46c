//! IBM's user-profile structures (docs/CSUAACI.md), built for CSUAACI, and the calendar dates
//! they carry.
//!
//! The passphrase mechanism's data is the SHA-1 of the passphrase, as IBM's host software
//! computes it before calling CSUAACI; the library never stores it (it hashes it again with
//! Argon2id). That hash is the only computation the console does on a secret.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::error::ConsoleError;
use crate::secret::Secret;

/// Mechanism X'0001': passphrase.
pub const PASSPHRASE: u16 = 0x0001;
/// Mechanism X'F001': softcca's operator card.
pub const CARD: u16 = 0xF001;

/// A calendar day (the profile's 4-byte dates: year, month, day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, 1900..=9999.
    pub year: u16,
    /// Month, 1..=12.
    pub month: u8,
    /// Day, 1..=31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (or `YYYYMMDD`); the library checks that the day exists.
    pub fn parse(s: &str) -> Result<Date, ConsoleError> {
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        let bad = || ConsoleError::Usage(format!("{s:?} is not a date YYYY-MM-DD"));
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n = |r: std::ops::Range<usize>| digits[r].parse::<u16>().map_err(|_| bad());
        let d = Date {
            year: n(0..4)?,
            month: n(4..6)? as u8,
            day: n(6..8)? as u8,
        };
        if !(1..=12).contains(&d.month) || !(1..=31).contains(&d.day) {
            return Err(bad());
        }
        Ok(d)
    }

    /// Today (UTC), from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days((secs / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// The same day `years` later (29 February becomes 28 February).
    pub fn plus_years(self, years: u16) -> Date {
        let leap =
            |y: u16| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let year = self.year.saturating_add(years).min(9999);
        let day = if self.month == 2 && self.day == 29 && !leap(year) {
            28
        } else {
            self.day
        };
        Date {
            year,
            month: self.month,
            day,
        }
    }

    /// The 4 bytes of a profile structure.
    pub fn bytes(self) -> [u8; 4] {
        let [a, b] = self.year.to_be_bytes();
        [a, b, self.month, self.day]
    }

    /// From the 4 bytes of a profile structure.
    pub fn from_bytes(b: &[u8]) -> Option<Date> {
        (b.len() >= 4).then(|| Date {
            year: u16::from_be_bytes([b[0], b[1]]),
            month: b[2],
            day: b[3],
        })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A mechanism block: mechanism, strength, expiry, mechanism data (a secret while built).
pub fn mechanism(id: u16, strength: u16, expires: Date, data: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut m = Zeroizing::new(Vec::with_capacity(14 + data.len()));
    m.extend_from_slice(&((14 + data.len()) as u16).to_be_bytes());
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&strength.to_be_bytes());
    m.extend_from_slice(&expires.bytes());
    m.extend_from_slice(&[0; 4]);
    m.extend_from_slice(data);
    m
}

/// The passphrase mechanism: SHA-1 of the passphrase (IBM's mechanism data), strength 1.
pub fn passphrase_mechanism(pass: &Secret, expires: Date) -> Zeroizing<Vec<u8>> {
    let digest = Zeroizing::new(Sha1::digest(pass.bytes()).to_vec());
    mechanism(PASSPHRASE, 1, expires, &digest)
}

/// The operator-card mechanism: the reader field, the PIN's length, the PIN (the library
/// verifies it on the card and stores neither), strength 2.
pub fn card_mechanism(reader: &str, pin: &Secret, expires: Date) -> Zeroizing<Vec<u8>> {
    let mut data = Zeroizing::new(Vec::with_capacity(130 + pin.len()));
    let mut f = [b' '; 128];
    let r = reader.as_bytes();
    f[..r.len().min(128)].copy_from_slice(&r[..r.len().min(128)]);
    data.extend_from_slice(&f);
    data.extend_from_slice(&(pin.len() as u16).to_be_bytes());
    data.extend_from_slice(pin.bytes());
    mechanism(CARD, 2, expires, &data)
}

/// An authentication-data structure of mechanism blocks.
pub fn authentication(mechanisms: &[Zeroizing<Vec<u8>>]) -> Zeroizing<Vec<u8>> {
    let body: usize = mechanisms.iter().map(|m| m.len()).sum();
    let mut a = Zeroizing::new(Vec::with_capacity(4 + body));
    a.extend_from_slice(&((4 + body) as u16).to_be_bytes());
    a.extend_from_slice(&[0, 1]);
    for m in mechanisms {
        a.extend_from_slice(m);
    }
    a
}

/// A user id or role id as the library takes it (1-8 characters `A-Z 0-9 @ # $ _ -`).
pub fn id(kind: &str, s: &str) -> Result<String, ConsoleError> {
    let up = s.to_ascii_uppercase();
    let ok = !up.is_empty()
        && up.len() <= 8
        && up
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"@#$_-".contains(&b));
    if ok {
        Ok(up)
    } else {
        Err(ConsoleError::Usage(format!(
            "{kind} {s:?} is not 1-8 characters A-Z 0-9 @ # $ _ -"
        )))
    }
}

/// A profile aggregate of one profile structure (INIT-AC's `verb_data_1`).
pub fn aggregate(
    user: &str,
    role: &str,
    comment: &str,
    activates: Date,
    expires: Date,
    auth: &[u8],
) -> Zeroizing<Vec<u8>> {
    let mut p = Zeroizing::new(Vec::with_capacity(60 + auth.len()));
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&[0; 4]);
    p.extend_from_slice(&[0x01, 0x00]);
    p.extend_from_slice(&((52 + auth.len()) as u16).to_be_bytes());
    let mut c = [b' '; 20];
    let cb = comment.as_bytes();
    c[..cb.len().min(20)].copy_from_slice(&cb[..cb.len().min(20)]);
    p.extend_from_slice(&c);
    p.extend_from_slice(&[0; 4]);
    p.extend_from_slice(&crate::cca::field::<8>(user));
    p.extend_from_slice(&crate::cca::field::<8>(role));
    p.extend_from_slice(&activates.bytes());
    p.extend_from_slice(&expires.bytes());
    p.extend_from_slice(auth);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        // 2000-03-01 is day 11017; 2024-02-29 is day 19782 (Unix epoch days).
        assert_eq!(Date::from_days(11_017).to_string(), "2000-03-01");
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert_eq!(
            Date::from_days(19_782).plus_years(1).to_string(),
            "2025-02-28"
        );
        assert_eq!(
            Date::parse("2026-12-02").unwrap().bytes(),
            [0x07, 0xEA, 12, 2]
        );
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("26-1-1").is_err());
    }

    #[test]
    fn ids() {
        assert_eq!(id("user id", "cust1").unwrap(), "CUST1");
        assert!(id("user id", "").is_err());
        assert!(id("user id", "TOOLONGID").is_err());
        assert!(id("user id", "A B").is_err());
    }
}
