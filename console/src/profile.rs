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

/// A point's hexadecimal spelling as docs/access-control.md writes it: `X'0112'`.
pub fn point_text(p: u16) -> String {
    format!("X'{p:04X}'")
}

/// Parses an access-control point: `X'0112'`, `0x0112` or `0112` (1-4 hex digits).
pub fn parse_point(s: &str) -> Result<u16, ConsoleError> {
    let t = s.trim();
    let hex = if let Some(r) = t.strip_prefix("X'").or_else(|| t.strip_prefix("x'")) {
        r.strip_suffix('\'').unwrap_or("!")
    } else if let Some(r) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        r
    } else {
        t
    };
    if hex.is_empty() || hex.len() > 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ConsoleError::Usage(format!(
            "{s:?} is not an access-control point (X'hhhh', 1-4 hex digits)"
        )));
    }
    u16::from_str_radix(hex, 16).map_err(|_| ConsoleError::Usage(format!("{s:?} is not a point")))
}

/// The names of the access-control points: the table of docs/access-control.md, read from the
/// page itself so that the console and the documentation cannot disagree.
pub fn point_names() -> &'static std::collections::BTreeMap<u16, String> {
    static NAMES: std::sync::OnceLock<std::collections::BTreeMap<u16, String>> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| parse_point_table(include_str!("../../docs/access-control.md")))
}

/// The name of point `p`, or `None` when the table does not list it.
pub fn point_name(p: u16) -> Option<&'static str> {
    point_names().get(&p).map(String::as_str)
}

/// The rows `| X'hhhh' | Name | …` of a points table. A row may name one point, a range
/// `X'F010'..X'F012'` or a list `X'F013', X'F014'`; when its name lists as many parts
/// (`A, B, C (V1, V2, V3)`) as the row has points, each point gets its part and verb.
fn parse_point_table(page: &str) -> std::collections::BTreeMap<u16, String> {
    let mut out = std::collections::BTreeMap::new();
    for line in page.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 3 || !cells[1].starts_with("X'") {
            continue;
        }
        let points: Vec<u16> = if let Some((a, b)) = cells[1].split_once("..") {
            match (parse_point(a), parse_point(b)) {
                (Ok(a), Ok(b)) if a <= b => (a..=b).collect(),
                _ => continue,
            }
        } else {
            match cells[1].split(',').map(parse_point).collect() {
                Ok(v) => v,
                Err(_) => continue,
            }
        };
        let name = cells[2];
        let split = name
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once(" ("))
            .and_then(|(names, verbs)| {
                let (prefix, names) = match names.strip_prefix("softcca: ") {
                    Some(n) => ("softcca: ", n),
                    None => ("", names),
                };
                let names: Vec<&str> = names.split(", ").collect();
                let verbs: Vec<&str> = verbs.split(", ").collect();
                (points.len() > 1 && names.len() == points.len() && verbs.len() == points.len())
                    .then(|| {
                        names
                            .iter()
                            .zip(verbs)
                            .map(|(n, v)| format!("{prefix}{n} ({v})"))
                            .collect::<Vec<_>>()
                    })
            });
        for (i, p) in points.iter().enumerate() {
            let n = match &split {
                Some(parts) => parts[i].clone(),
                None => name.to_string(),
            };
            out.entry(*p).or_insert(n);
        }
    }
    out
}

/// The day names of a role's valid days, bit 7 Sunday … bit 1 Saturday.
pub const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A role in IBM's role structure (docs/CSUAACM.md, *The role structure*).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The role id (1-8 characters).
    pub id: String,
    /// The comment (at most 20 characters).
    pub comment: String,
    /// The required authentication strength.
    pub strength: u16,
    /// The lower time limit, UTC.
    pub lower: Time,
    /// The upper time limit, UTC, inclusive.
    pub upper: Time,
    /// Valid days: bit 7 Sunday … bit 1 Saturday.
    pub days: u8,
    /// The points the role holds.
    pub points: std::collections::BTreeSet<u16>,
}

/// A field's text for a terminal: its padding removed and every byte outside printable ASCII
/// shown as `?` (a profile's comment is 20 bytes as a C program gave them: an escape sequence
/// there must not reach the operator's terminal).
pub fn printable(bytes: &[u8]) -> String {
    crate::cca::text(bytes)
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect()
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

const ROLE_HEADER: usize = 44;

impl Role {
    /// A role with no point, no comment, strength 0, all day, every day.
    pub fn new(id: &str) -> Role {
        Role {
            id: id.to_string(),
            comment: String::new(),
            strength: 0,
            lower: (0, 0),
            upper: (23, 59),
            days: 0xFE,
            points: Default::default(),
        }
    }

    /// Decodes the role structure CSUAACM GET-ROLE returns (`None` when it is not one).
    pub fn decode(b: &[u8]) -> Option<Role> {
        if be16(b, 0)? != 1 {
            return None;
        }
        let len = usize::from(be16(b, 2)?);
        if len < ROLE_HEADER + 4 || len > b.len() {
            return None;
        }
        let b = &b[..len];
        let mut role = Role {
            id: printable(&b[28..36]),
            comment: printable(&b[4..24]),
            strength: be16(b, 36)?,
            lower: (b[38], b[39]),
            upper: (b[40], b[41]),
            days: b[42],
            points: Default::default(),
        };
        let count = be16(b, ROLE_HEADER)?;
        let mut at = ROLE_HEADER + 4;
        for _ in 0..count {
            let (first, last, n) = (
                be16(b, at)?,
                be16(b, at + 2)?,
                usize::from(be16(b, at + 4)?),
            );
            at += 8;
            let map = b.get(at..at + n)?;
            for (i, byte) in map.iter().enumerate() {
                for bit in 0..8 {
                    if byte & (0x80 >> bit) != 0 {
                        let p = u32::from(first) + (i * 8 + bit) as u32;
                        if p > u32::from(last) {
                            return None;
                        }
                        role.points.insert(p as u16);
                    }
                }
            }
            at += n;
        }
        (at == len).then_some(role)
    }

    /// The role structure CSUAACI INIT-AC takes in `verb_data_2`: one segment of 256 points
    /// (32 bytes) per block of 256 that holds a point; checksum 0.
    pub fn encode(&self) -> Vec<u8> {
        let blocks: std::collections::BTreeSet<u16> =
            self.points.iter().map(|p| p & 0xFF00).collect();
        let mut acl = Vec::new();
        acl.extend_from_slice(&(blocks.len() as u16).to_be_bytes());
        acl.extend_from_slice(&[0, 0]);
        for first in blocks {
            acl.extend_from_slice(&first.to_be_bytes());
            acl.extend_from_slice(&(first | 0xFF).to_be_bytes());
            acl.extend_from_slice(&32u16.to_be_bytes());
            acl.extend_from_slice(&[0, 0]);
            let mut map = [0u8; 32];
            for p in self.points.range(first..=(first | 0xFF)) {
                let bit = usize::from(p - first);
                map[bit / 8] |= 0x80 >> (bit % 8);
            }
            acl.extend_from_slice(&map);
        }
        let mut out = Vec::with_capacity(ROLE_HEADER + acl.len());
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&((ROLE_HEADER + acl.len()) as u16).to_be_bytes());
        out.extend_from_slice(&crate::cca::field::<20>(&self.comment));
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&crate::cca::field::<8>(&self.id));
        out.extend_from_slice(&self.strength.to_be_bytes());
        out.extend_from_slice(&[self.lower.0, self.lower.1, self.upper.0, self.upper.1]);
        out.extend_from_slice(&[self.days, 0]);
        out.extend_from_slice(&acl);
        out
    }

    /// `HH:MM-HH:MM` (UTC).
    pub fn hours(&self) -> String {
        format!(
            "{:02}:{:02}-{:02}:{:02}",
            self.lower.0, self.lower.1, self.upper.0, self.upper.1
        )
    }

    /// The valid days, `SUN MON …`.
    pub fn day_names(&self) -> Vec<&'static str> {
        DAYS.iter()
            .enumerate()
            .filter(|(i, _)| self.days & (0x80 >> i) != 0)
            .map(|(_, d)| *d)
            .collect()
    }
}

/// A time of day: hour, minute.
pub type Time = (u8, u8);

/// Parses `HH:MM-HH:MM` (UTC): the lower and upper limits.
pub fn parse_hours(s: &str) -> Result<(Time, Time), ConsoleError> {
    let bad = || ConsoleError::Usage(format!("{s:?} is not hours HH:MM-HH:MM (UTC)"));
    let time = |t: &str| -> Result<Time, ConsoleError> {
        let (h, m) = t.split_once(':').ok_or_else(bad)?;
        let (h, m): (u8, u8) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok((h, m))
    };
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    Ok((time(a)?, time(b)?))
}

/// Parses valid days: names `SUN`..`SAT` separated by blanks or commas.
pub fn parse_days(s: &str) -> Result<u8, ConsoleError> {
    let mut bits = 0u8;
    for d in s.split([' ', ',']).filter(|d| !d.is_empty()) {
        let i = DAYS
            .iter()
            .position(|n| n.eq_ignore_ascii_case(d))
            .ok_or_else(|| ConsoleError::Usage(format!("{d:?} is not a day (SUN .. SAT)")))?;
        bits |= 0x80 >> i;
    }
    if bits == 0 {
        return Err(ConsoleError::Usage("no valid day given".into()));
    }
    Ok(bits)
}

/// One mechanism of a profile as CSUAACM GET-PROF returns it (no mechanism data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MechanismInfo {
    /// X'0001' passphrase, X'F001' operator card.
    pub id: u16,
    /// Its strength.
    pub strength: u16,
    /// Its expiration date.
    pub expires: Option<Date>,
    /// IBM's attribute bits (kept, not interpreted).
    pub attributes: u32,
}

impl MechanismInfo {
    /// `PPHRASE`, `CARD` or the id in hex.
    pub fn name(&self) -> String {
        match self.id {
            PASSPHRASE => "PPHRASE".into(),
            CARD => "CARD".into(),
            other => point_text(other),
        }
    }
}

/// A user profile as CSUAACM GET-PROF returns it (docs/CSUAACM.md, *The profile layout*).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileInfo {
    /// The user id.
    pub user: String,
    /// The comment.
    pub comment: String,
    /// Consecutive failed logons (3: locked).
    pub failures: u8,
    /// The role it logs on into.
    pub role: String,
    /// First day it may log on.
    pub activates: Option<Date>,
    /// Last day it may log on.
    pub expires: Option<Date>,
    /// Its mechanisms.
    pub mechanisms: Vec<MechanismInfo>,
}

/// Failed logons that lock a profile (docs/access-control.md: three).
pub const LOCKED_AT: u8 = 3;

impl ProfileInfo {
    /// Decodes GET-PROF's output (`None` when it is not a profile structure).
    pub fn decode(b: &[u8]) -> Option<ProfileInfo> {
        if *b.first()? != 1 || b.len() < 56 {
            return None;
        }
        let len = usize::from(be16(b, 2)?);
        if len > b.len() || len < 56 {
            return None;
        }
        let auth_len = usize::from(be16(b, 52)?);
        let end = 52 + auth_len;
        if end > len || auth_len < 4 || be16(b, 54)? != 1 {
            return None;
        }
        let mut mechanisms = Vec::new();
        let mut at = 56;
        while at < end {
            let ml = usize::from(be16(b, at)?);
            if ml < 14 || at + ml > end {
                return None;
            }
            mechanisms.push(MechanismInfo {
                id: be16(b, at + 2)?,
                strength: be16(b, at + 4)?,
                expires: Date::from_bytes(&b[at + 6..at + 10]),
                attributes: u32::from_be_bytes(b[at + 10..at + 14].try_into().ok()?),
            });
            at += ml;
        }
        Some(ProfileInfo {
            user: printable(&b[28..36]),
            comment: printable(&b[4..24]),
            failures: b[26],
            role: printable(&b[36..44]),
            activates: Date::from_bytes(&b[44..48]),
            expires: Date::from_bytes(&b[48..52]),
            mechanisms,
        })
    }

    /// Whether three failed logons locked it.
    pub fn locked(&self) -> bool {
        self.failures >= LOCKED_AT
    }
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

    #[test]
    fn point_names_come_from_the_page() {
        assert_eq!(
            point_name(0x0112),
            Some("Initialize access-control system (CSUAACI INIT-AC)")
        );
        assert_eq!(point_name(0x0010), Some("MAC Generate (CSNBMGN)"));
        assert_eq!(point_name(0xF011), Some("softcca: Write (CSNBKRW)"));
        assert_eq!(point_name(0xF014), Some("softcca: List (CSNBKRL)"));
        assert_eq!(point_name(0xF028), Some("softcca: Deauthorise (CSUADAU)"));
        assert_eq!(point_name(0xF033), Some("softcca: Get Label (CSUCGLB)"));
        assert_eq!(point_name(0x1234), None);
        assert_eq!(parse_point("X'00bd'").unwrap(), 0x00BD);
        assert_eq!(parse_point("0xF001").unwrap(), 0xF001);
        assert_eq!(parse_point("112").unwrap(), 0x0112);
        for bad in ["", "X'12345'", "X'0112", "G1", "X''"] {
            assert!(parse_point(bad).is_err(), "{bad}");
        }
    }

    /// A role structure written byte by byte from the layout of docs/CSUAACM.md (not by
    /// [`Role::encode`]): KEYCUST, strength 1, 08:30-17:00 MON..FRI, X'0018', X'001B',
    /// X'F010' in two segments of 32 points.
    fn handmade_role() -> Vec<u8> {
        let mut s = vec![0x00, 0x01, 0x00, 0x00];
        s.extend_from_slice(b"Key custodians      ");
        s.extend_from_slice(&[0, 0, 0, 0]);
        s.extend_from_slice(b"KEYCUST ");
        s.extend_from_slice(&[0, 1, 8, 30, 17, 0, 0x7C, 0]);
        s.extend_from_slice(&[0, 2, 0, 0]);
        s.extend_from_slice(&[0x00, 0x00, 0x00, 0x1F, 0, 4, 0, 0, 0, 0, 0, 0x90]);
        s.extend_from_slice(&[0xF0, 0x00, 0xF0, 0x1F, 0, 4, 0, 0, 0, 0, 0x80, 0]);
        let n = s.len() as u16;
        s[2..4].copy_from_slice(&n.to_be_bytes());
        s
    }

    #[test]
    fn role_structures() {
        let r = Role::decode(&handmade_role()).expect("decodes");
        assert_eq!(r.id, "KEYCUST");
        assert_eq!(r.comment, "Key custodians");
        assert_eq!((r.strength, r.hours()), (1, "08:30-17:00".to_string()));
        assert_eq!(r.day_names(), vec!["MON", "TUE", "WED", "THU", "FRI"]);
        assert_eq!(
            r.points.iter().copied().collect::<Vec<_>>(),
            vec![0x0018, 0x001B, 0xF010]
        );
        let e = r.encode();
        assert_eq!(&e[..2], &[0, 1]);
        assert_eq!(&e[4..44], &handmade_role()[4..44]);
        assert_eq!(usize::from(u16::from_be_bytes([e[2], e[3]])), e.len());
        // Two segments of 256 points: X'0000'-X'00FF', X'F000'-X'F0FF'.
        assert_eq!(&e[44..56], &[0, 2, 0, 0, 0, 0, 0, 0xFF, 0, 32, 0, 0]);
        assert_eq!(e[56 + 3], 0x90);
        assert_eq!(Role::decode(&e), Some(r.clone()));
        // Damaged: a bit past the segment's last point, a short structure, another version.
        let mut bad = handmade_role();
        bad[59] |= 0x01; // X'001F' is the last point: still inside
        assert!(Role::decode(&bad).is_some());
        let mut bad = handmade_role();
        bad[51] = 0x1B; // last point X'001B' but X'001B' set: fine; X'001F' would not be
        bad[59] |= 0x01;
        assert!(Role::decode(&bad).is_none());
        assert!(Role::decode(&handmade_role()[..50]).is_none());
        let mut bad = handmade_role();
        bad[1] = 2;
        assert!(Role::decode(&bad).is_none());
        assert_eq!(parse_hours("22:00-02:30").unwrap(), ((22, 0), (2, 30)));
        assert!(parse_hours("24:00-01:00").is_err());
        assert_eq!(parse_days("mon,TUE sat").unwrap(), 0x40 | 0x20 | 0x02);
        assert!(parse_days("MONDAY").is_err());
    }

    #[test]
    fn get_prof_layout() {
        // docs/CSUAACM.md: a profile of user U1, role KEYCUST, 2 failures, one passphrase
        // mechanism of strength 1 expiring 2027-01-31.
        let mut b = vec![0x01, 0x00, 0, 0];
        b.extend_from_slice(b"a comment           ");
        b.extend_from_slice(&[0, 0, 2, 0]);
        b.extend_from_slice(b"U1      KEYCUST ");
        b.extend_from_slice(&[0x07, 0xEA, 12, 2, 0x07, 0xEB, 1, 31]);
        b.extend_from_slice(&[0, 18, 0, 1]);
        b.extend_from_slice(&[0, 14, 0, 1, 0, 1, 0x07, 0xEB, 1, 31, 0, 0, 0, 0]);
        b.extend_from_slice(&[0, 0]);
        let n = b.len() as u16;
        b[2..4].copy_from_slice(&n.to_be_bytes());
        let p = ProfileInfo::decode(&b).expect("decodes");
        assert_eq!((p.user.as_str(), p.role.as_str()), ("U1", "KEYCUST"));
        assert_eq!((p.comment.as_str(), p.failures), ("a comment", 2));
        assert!(!p.locked());
        assert_eq!(p.expires.unwrap().to_string(), "2027-01-31");
        assert_eq!(p.mechanisms.len(), 1);
        assert_eq!(p.mechanisms[0].name(), "PPHRASE");
        assert_eq!(p.mechanisms[0].strength, 1);
        let mut hostile = b.clone();
        hostile[4..8].copy_from_slice(b"\x1b[2J");
        let p = ProfileInfo::decode(&hostile).unwrap();
        assert_eq!(p.comment, "?[2Jmment");
        b[53] = 40; // authentication data longer than the structure
        assert!(ProfileInfo::decode(&b).is_none());
    }
}
