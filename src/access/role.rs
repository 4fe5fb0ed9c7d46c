//! A CCA role: a named set of access-control points, the authentication strength a profile
//! needs to run under it, and the UTC time of day and days of the week it may be used
//! (docs/access-control.md).

use std::collections::BTreeSet;

use crate::access::context::Name8;
use crate::error::{Error, Result};

/// The role every caller runs under when it has not logged on.
pub const DEFAULT: Name8 = *b"DEFAULT ";

/// The longest role comment (IBM's role structure holds 20 bytes).
pub const COMMENT_LEN: usize = 20;

/// The valid-days byte with every day of the week (bit 7 Sunday … bit 1 Saturday).
pub const ALL_DAYS: u8 = 0xFE;

/// The day names in the order of the valid-days bits (bit 7 first).
pub const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Checks a role name (1-8 characters `A-Z 0-9 @ # $ _ -`) and returns its blank-padded id.
pub fn id_of(name: &str) -> Result<Name8> {
    let ok = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit() || b"@#$_-".contains(&c);
    if name.is_empty() || name.len() > 8 || !name.bytes().all(ok) {
        return Err(Error::AcpConfigSyntax);
    }
    let mut id = [b' '; 8];
    id[..name.len()].copy_from_slice(name.as_bytes());
    Ok(id)
}

/// The name of a blank-padded role id (`None` when the id is not a valid role id).
pub fn name_of(id: &Name8) -> Option<&str> {
    let s = std::str::from_utf8(id).ok()?.trim_end_matches(' ');
    id_of(s).ok().map(|_| s)
}

/// A time of day, in minutes after 00:00 UTC (0..=1439).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minute(u16);

impl Minute {
    /// `hour:minute`; `None` outside 00:00..23:59.
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        (hour < 24 && minute < 60).then(|| Minute(u16::from(hour) * 60 + u16::from(minute)))
    }

    /// The hour (0..=23).
    pub fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    /// The minute (0..=59).
    pub fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// Parses `HH:MM`.
    pub fn parse(s: &str) -> Result<Self> {
        let (h, m) = s.split_once(':').ok_or(Error::AcpConfigSyntax)?;
        if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|c| c.is_ascii_digit())
        {
            return Err(Error::AcpConfigSyntax);
        }
        let (h, m) = (h.parse().ok(), m.parse().ok());
        h.zip(m)
            .and_then(|(h, m)| Minute::new(h, m))
            .ok_or(Error::AcpConfigSyntax)
    }
}

impl std::fmt::Display for Minute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// A role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The role id, blank padded.
    pub id: Name8,
    /// IBM's comment (ASCII, at most [`COMMENT_LEN`] characters).
    pub comment: String,
    /// The authentication strength a profile's mechanism needs to use the role (0..=65535).
    pub strength: u16,
    /// The first minute (UTC) of the day the role may be used in.
    pub lower: Minute,
    /// The last minute (UTC, inclusive). Earlier than `lower`: the window spans midnight.
    pub upper: Minute,
    /// Valid days: bit 7 Sunday … bit 1 Saturday; bit 0 zero.
    pub days: u8,
    /// The access-control points the role holds.
    pub points: BTreeSet<u16>,
}

impl Role {
    /// A role `id` that may be used at any time, strength 0, no comment, no point.
    pub fn new(id: Name8) -> Self {
        Role {
            id,
            comment: String::new(),
            strength: 0,
            lower: Minute(0),
            upper: Minute(23 * 60 + 59),
            days: ALL_DAYS,
            points: BTreeSet::new(),
        }
    }

    /// The role's name (its id without the padding).
    pub fn name(&self) -> &str {
        std::str::from_utf8(&self.id)
            .unwrap_or("")
            .trim_end_matches(' ')
    }

    /// Checks what the file format and IBM's structure both require: a valid id, an ASCII
    /// printable comment of at most 20 characters, bit 0 of the days zero, DEFAULT of
    /// strength 0.
    pub fn check(&self) -> Result<()> {
        let name_ok = name_of(&self.id).is_some();
        let comment_ok = self.comment.len() <= COMMENT_LEN
            && self
                .comment
                .bytes()
                .all(|c| (0x20..0x7F).contains(&c) && c != b'#');
        if !name_ok || !comment_ok || self.days & 1 != 0 || self.id == DEFAULT && self.strength != 0
        {
            return Err(Error::AcpConfigSyntax);
        }
        Ok(())
    }

    /// `true` when the role may be used at any time: all day, every day.
    pub fn always(&self) -> bool {
        self.lower == Minute(0) && self.upper == Minute(23 * 60 + 59) && self.days == ALL_DAYS
    }

    /// `true` when the role may be used at Unix time `t` (seconds, UTC): inside the hours
    /// (both ends inclusive, to the minute) of a window that opened on a valid day. A window
    /// across midnight (`22:00-02:00`) belongs to the day it opens on: with `days MON` it is
    /// open from Monday 22:00 to Tuesday 02:00, not on Monday 01:00 (review finding A7).
    pub fn open_at(&self, t: i64) -> bool {
        let day = t.div_euclid(86_400);
        let minute = Minute((t.rem_euclid(86_400) / 60) as u16);
        // 1970-01-01 was a Thursday: weekday 0 = Sunday.
        let valid = |day: i64| self.days & (0x80 >> ((day + 4).rem_euclid(7) as u32)) != 0;
        if self.lower <= self.upper {
            valid(day) && self.lower <= minute && minute <= self.upper
        } else if minute >= self.lower {
            valid(day)
        } else {
            // After midnight: the window opened the day before.
            minute <= self.upper && valid(day - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_minutes_and_windows() {
        assert_eq!(id_of("KEYCUST").unwrap(), *b"KEYCUST ");
        for bad in ["", "TOOLONGID", "lower", "A B", "É"] {
            assert!(id_of(bad).is_err(), "{bad}");
        }
        assert_eq!(id_of("A@#$_-9").unwrap(), *b"A@#$_-9 ");
        assert_eq!(name_of(b"DEFAULT "), Some("DEFAULT"));
        assert_eq!(name_of(b" DEFAULT"), None);
        assert_eq!(Minute::parse("23:59").unwrap(), Minute(1439));
        for bad in ["24:00", "12:60", "1:00", "12-00", "ab:cd"] {
            assert!(Minute::parse(bad).is_err(), "{bad}");
        }
        let mut r = Role::new(*b"NIGHT   ");
        r.lower = Minute::parse("22:00").unwrap();
        r.upper = Minute::parse("02:00").unwrap();
        // 1970-01-01 (Thursday) 23:00 and 01:59 are inside, 12:00 outside.
        assert!(r.open_at(23 * 3600) && r.open_at(3600 + 59 * 60) && !r.open_at(12 * 3600));
        r.days = 0x80 >> 4; // Thursday only
        assert!(r.open_at(23 * 3600) && !r.open_at(86_400 + 23 * 3600));
        // After midnight the window is Thursday night's: open on Friday 01:00, not Thursday's.
        assert!(r.open_at(86_400 + 3600) && !r.open_at(3600));
        r.days = 0x80 >> 5; // Friday only
        assert!(!r.open_at(23 * 3600) && r.open_at(86_400 + 23 * 3600));
    }
}
