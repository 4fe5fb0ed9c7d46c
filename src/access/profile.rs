//! User profiles in IBM's byte layouts (docs/CSUAACI.md, docs/access-control.md *Profiles and logon*): the profile
//! structure CSUAACI INIT-AC reads, its authentication data, and the non-secret layout CSUAACM
//! GET-PROF returns. Pure functions: no storage, no card, no hashing.
//!
//! Profile structure (big-endian integers): version X'01' (1), reserved (1), length of the
//! profile (2), comment (20), checksum (2, not checked), logon failure count (1), reserved (1),
//! user id (8), role id (8), activation date (4), expiration date (4), authentication data.
//! A date is year (2), month (1), day (1). Authentication data: total length (2), field type
//! X'0001' (2), then per mechanism: length of the block (2), mechanism id (2), strength (2),
//! expiration date (4), attributes (4), mechanism data.

use core::fmt;

use zeroize::Zeroizing;

use super::context::Name8;
use crate::error::{Error, Result};

/// Passphrase mechanism (IBM): the mechanism data is SHA-1 of the passphrase.
pub const MECH_PASSPHRASE: u16 = 0x0001;
/// Operator-card mechanism (softcca's own): the mechanism data names a reader and the PIN.
pub const MECH_CARD: u16 = 0xF001;
/// Length of the fixed part of a profile, up to the authentication data.
pub const HEADER_LEN: usize = 52;
/// Length of a mechanism block without its data.
pub const MECH_HEADER_LEN: usize = 14;
/// Length of the passphrase mechanism data (a SHA-1 hash).
pub const SHA1_LEN: usize = 20;
/// Length of a card mechanism's reader field (the D28 reader-name field).
pub const READER_LEN: usize = 128;
/// Longest card PIN field in a card mechanism.
pub const MAX_PIN: usize = 64;
/// Consecutive failed logons that lock a profile (IBM: 3).
pub const MAX_FAILURES: u32 = 3;

/// A calendar date as CCA carries it (year, month, day), compared as `YYYYMMDD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub u32);

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Date {
    /// The date of IBM's 4 bytes (year 2, month 1, day 1): 8/X'F31E' unless it is a real day
    /// of the years 1900..9999.
    pub fn from_bytes(b: [u8; 4]) -> Result<Date> {
        let y = u32::from(u16::from_be_bytes([b[0], b[1]]));
        Date::from_ymd(y, u32::from(b[2]), u32::from(b[3]))
    }

    /// The date `YYYYMMDD` of 8 ASCII digits (CSUAACI CHGEXPDT).
    pub fn from_text(t: &[u8; 8]) -> Result<Date> {
        if !t.iter().all(u8::is_ascii_digit) {
            return Err(Error::ProfileDate);
        }
        let n = |r: core::ops::Range<usize>| {
            t[r].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'))
        };
        Date::from_ymd(n(0..4), n(4..6), n(6..8))
    }

    fn from_ymd(y: u32, m: u32, d: u32) -> Result<Date> {
        if !(1900..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
            return Err(Error::ProfileDate);
        }
        let days = days_from_civil(i64::from(y), i64::from(m), i64::from(d));
        let c = crate::civil::Civil::from_unix(days * 86_400);
        if c.day != i64::from(d) {
            return Err(Error::ProfileDate);
        }
        Ok(Date(y * 10_000 + m * 100 + d))
    }

    /// IBM's 4 bytes.
    pub fn to_bytes(self) -> [u8; 4] {
        let y = (self.0 / 10_000) as u16;
        let [a, b] = y.to_be_bytes();
        [a, b, (self.0 / 100 % 100) as u8, (self.0 % 100) as u8]
    }

    /// Today (UTC) at Unix time `now`.
    pub fn of_unix(now: i64) -> Date {
        let c = crate::civil::Civil::from_unix(now);
        Date((c.year * 10_000 + c.month * 100 + c.day) as u32)
    }

    /// The last second (UTC) of this day, as Unix time.
    pub fn end_unix(self) -> i64 {
        let (y, m, d) = (self.0 / 10_000, self.0 / 100 % 100, self.0 % 100);
        (days_from_civil(i64::from(y), i64::from(m), i64::from(d)) + 1) * 86_400 - 1
    }
}

/// Checks an 8-byte user or role id: 1-8 characters of `A-Z 0-9 @ # $ _ -`, blank padded,
/// not starting with a blank (lower case is folded first, as keywords are).
pub fn name8(raw: &[u8; 8], err: Error) -> Result<Name8> {
    let mut n = *raw;
    n.make_ascii_uppercase();
    let len = n.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    let ok = len > 0
        && n[..len]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"@#$_-".contains(&b));
    if ok { Ok(n) } else { Err(err) }
}

/// One authentication mechanism as a CSUAACI structure gives it.
pub struct MechanismInput {
    /// Mechanism id ([`MECH_PASSPHRASE`] or [`MECH_CARD`]).
    pub id: u16,
    /// Its strength (compared with the role's required strength at logon).
    pub strength: u16,
    /// The last day it may be used.
    pub expires: Date,
    /// IBM's attribute bits (kept, reported, not interpreted).
    pub attributes: u32,
    /// The mechanism data: SHA-1 of the passphrase, or the card field of [`CardEnrolment`].
    pub data: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for MechanismInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MechanismInput")
            .field("id", &self.id)
            .field("strength", &self.strength)
            .field("expires", &self.expires)
            .field("data", &"REDACTED")
            .finish()
    }
}

/// A card mechanism's data (softcca's layout, docs/access-control.md): the 128-byte reader field,
/// the PIN length (2 bytes, 1..=64) and the PIN as typed.
pub struct CardEnrolment {
    /// The reader field.
    pub reader: [u8; READER_LEN],
    /// The PIN as typed.
    pub pin: Zeroizing<Vec<u8>>,
}

impl CardEnrolment {
    /// Reads the layout: 8/X'F31F' when it does not add up.
    pub fn parse(data: &[u8]) -> Result<CardEnrolment> {
        if data.len() < READER_LEN + 2 {
            return Err(Error::ProfileStructure);
        }
        let n = usize::from(u16::from_be_bytes([data[READER_LEN], data[READER_LEN + 1]]));
        if !(1..=MAX_PIN).contains(&n) || data.len() != READER_LEN + 2 + n {
            return Err(Error::ProfileStructure);
        }
        let mut reader = [0u8; READER_LEN];
        reader.copy_from_slice(&data[..READER_LEN]);
        Ok(CardEnrolment {
            reader,
            pin: Zeroizing::new(data[READER_LEN + 2..].to_vec()),
        })
    }
}

/// A profile as a CSUAACI structure gives it.
#[derive(Debug)]
pub struct ProfileInput {
    /// The comment (20 bytes as given).
    pub comment: [u8; 20],
    /// The user id.
    pub user: Name8,
    /// The role id.
    pub role: Name8,
    /// The first day the profile may log on.
    pub activates: Date,
    /// The last day it may log on.
    pub expires: Date,
    /// Its mechanisms (at least one, each id once).
    pub mechanisms: Vec<MechanismInput>,
}

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn date_at(b: &[u8], at: usize) -> Result<Date> {
    Date::from_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads one authentication-data structure (total length, field type X'0001', mechanism
/// blocks) that fills `b` exactly.
pub fn parse_auth_data(b: &[u8]) -> Result<Vec<MechanismInput>> {
    if b.len() < 4 || be16(b, 0) != b.len() || be16(b, 2) != 0x0001 {
        return Err(Error::ProfileStructure);
    }
    let mut out: Vec<MechanismInput> = Vec::new();
    let mut at = 4;
    while at < b.len() {
        if b.len() - at < MECH_HEADER_LEN {
            return Err(Error::ProfileStructure);
        }
        let len = be16(b, at);
        if len < MECH_HEADER_LEN || len > b.len() - at {
            return Err(Error::ProfileStructure);
        }
        let id = be16(b, at + 2) as u16;
        let data = &b[at + MECH_HEADER_LEN..at + len];
        match id {
            MECH_PASSPHRASE if data.len() != SHA1_LEN => return Err(Error::ProfileStructure),
            MECH_PASSPHRASE => {}
            MECH_CARD => {
                CardEnrolment::parse(data)?;
            }
            _ => return Err(Error::ProfileMechanism),
        }
        if out.iter().any(|m| m.id == id) {
            return Err(Error::ProfileStructure);
        }
        crate::crypto::scrub::note_secret();
        out.push(MechanismInput {
            id,
            strength: be16(b, at + 4) as u16,
            expires: date_at(b, at + 6)?,
            attributes: u32::from_be_bytes([b[at + 10], b[at + 11], b[at + 12], b[at + 13]]),
            data: Zeroizing::new(data.to_vec()),
        });
        at += len;
    }
    if out.is_empty() {
        return Err(Error::ProfileStructure);
    }
    Ok(out)
}

/// Reads one profile structure at the start of `b`; returns it and its length.
pub fn parse_profile(b: &[u8]) -> Result<(ProfileInput, usize)> {
    if b.len() < HEADER_LEN + 4 || b[0] != 0x01 {
        return Err(Error::ProfileStructure);
    }
    let len = be16(b, 2);
    if len < HEADER_LEN + 4 || len > b.len() {
        return Err(Error::ProfileStructure);
    }
    let field8 = |at: usize| -> [u8; 8] { b[at..at + 8].try_into().unwrap_or([0; 8]) };
    let mut comment = [0u8; 20];
    comment.copy_from_slice(&b[4..24]);
    let p = ProfileInput {
        comment,
        user: name8(&field8(28), Error::ProfileUserId)?,
        role: name8(&field8(36), Error::ProfileRoleId)?,
        activates: date_at(b, 44)?,
        expires: date_at(b, 48)?,
        mechanisms: parse_auth_data(&b[HEADER_LEN..len])?,
    };
    if p.activates > p.expires {
        return Err(Error::ProfileDate);
    }
    Ok((p, len))
}

/// Reads INIT-AC's `verb_data_1`: a profile count (4 bytes; 0, no profile, is for INIT-AC
/// to refuse or accept), 4 reserved bytes, then that
/// many profile structures filling the field exactly; user ids distinct.
pub fn parse_aggregate(b: &[u8]) -> Result<Vec<ProfileInput>> {
    if b.len() < 8 {
        return Err(Error::ProfileStructure);
    }
    let count = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let mut at = 8;
    let mut out: Vec<ProfileInput> = Vec::new();
    for _ in 0..count {
        let (p, len) = parse_profile(&b[at.min(b.len())..])?;
        if out.iter().any(|q| q.user == p.user) {
            return Err(Error::ProfileStructure);
        }
        out.push(p);
        at += len;
    }
    // A count of 0 (no profile: a change of roles only) is for INIT-AC to accept or refuse.
    if at != b.len() {
        return Err(Error::ProfileStructure);
    }
    Ok(out)
}

/// A stored profile without its secrets: what GET-PROF reports and what logon checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileView {
    /// The comment.
    pub comment: [u8; 20],
    /// Consecutive failed logons.
    pub failures: u32,
    /// The user id.
    pub user: Name8,
    /// The role id.
    pub role: Name8,
    /// First day of use.
    pub activates: Date,
    /// Last day of use.
    pub expires: Date,
    /// The mechanisms: (id, strength, expiration, attributes).
    pub mechanisms: Vec<(u16, u16, Date, u32)>,
}

impl ProfileView {
    /// `true` when the profile is locked (three consecutive failed logons).
    pub fn locked(&self) -> bool {
        self.failures >= MAX_FAILURES
    }

    /// IBM's profile structure without mechanism data (GET-PROF): each mechanism block is
    /// its 14-byte header; the whole padded with zero bytes to a multiple of 4, the profile
    /// length field counting the padding.
    pub fn layout(&self) -> Vec<u8> {
        let auth_len = 4 + MECH_HEADER_LEN * self.mechanisms.len();
        let mut len = HEADER_LEN + auth_len;
        len += (4 - len % 4) % 4;
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&[0x01, 0x00]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(&self.comment);
        out.extend_from_slice(&[0, 0]);
        out.push(self.failures.min(255) as u8);
        out.push(0);
        out.extend_from_slice(&self.user);
        out.extend_from_slice(&self.role);
        out.extend_from_slice(&self.activates.to_bytes());
        out.extend_from_slice(&self.expires.to_bytes());
        out.extend_from_slice(&(auth_len as u16).to_be_bytes());
        out.extend_from_slice(&[0x00, 0x01]);
        for (id, strength, expires, attributes) in &self.mechanisms {
            out.extend_from_slice(&(MECH_HEADER_LEN as u16).to_be_bytes());
            out.extend_from_slice(&id.to_be_bytes());
            out.extend_from_slice(&strength.to_be_bytes());
            out.extend_from_slice(&expires.to_bytes());
            out.extend_from_slice(&attributes.to_be_bytes());
        }
        out.resize(len, 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::from_text(b"20240229").unwrap(), Date(20240229));
        assert_eq!(Date::from_text(b"20230229"), Err(Error::ProfileDate));
        assert_eq!(
            Date::from_bytes([0x07, 0xE8, 12, 31]).unwrap(),
            Date(20241231)
        );
        assert_eq!(Date(20241231).to_bytes(), [0x07, 0xE8, 12, 31]);
        // 2000-02-29 23:59:59 UTC.
        assert_eq!(Date(20000229).end_unix(), 951_868_799);
        assert_eq!(Date::of_unix(951_868_799), Date(20000229));
    }

    #[test]
    fn names() {
        assert_eq!(
            name8(b"cust1   ", Error::ProfileUserId).unwrap(),
            *b"CUST1   "
        );
        for bad in [b"        ", b" CUST1  ", b"CU T1   ", b"CUST\x001  "] {
            assert_eq!(name8(bad, Error::ProfileUserId), Err(Error::ProfileUserId));
        }
    }

    #[test]
    fn auth_data_bounds() {
        let mut b = vec![0, 38, 0, 1, 0, 34, 0, 1, 0, 1, 0x07, 0xE8, 1, 1, 0, 0, 0, 0];
        b.extend_from_slice(&[7; 20]);
        assert_eq!(parse_auth_data(&b).unwrap().len(), 1);
        b[1] = 39;
        assert_eq!(parse_auth_data(&b).unwrap_err(), Error::ProfileStructure);
        b[1] = 38;
        b[5] = 33;
        assert_eq!(parse_auth_data(&b).unwrap_err(), Error::ProfileStructure);
        b[5] = 34;
        b[7] = 2;
        assert_eq!(parse_auth_data(&b).unwrap_err(), Error::ProfileMechanism);
    }
}
