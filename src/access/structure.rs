//! IBM's role structure, as CSUAACM `GET-ROLE` returns it and CSUAACI `INIT-AC` takes it
//! (docs/CSUAACM.md). Big-endian integers:
//!
//! | offset | length | field |
//! |---|---|---|
//! | 0 | 2 | version X'0001' |
//! | 2 | 2 | length of the whole structure |
//! | 4 | 20 | comment (ASCII, blank padded) |
//! | 24 | 2 | checksum (not used: 0 on output, ignored on input) |
//! | 26 | 2 | reserved (0) |
//! | 28 | 8 | role id |
//! | 36 | 2 | required authentication strength |
//! | 38 | 2 | lower time limit (hour, minute) |
//! | 40 | 2 | upper time limit (hour, minute) |
//! | 42 | 1 | valid days (bit 7 Sunday … bit 1 Saturday, bit 0 zero) |
//! | 43 | 1 | reserved (0) |
//! | 44 | 4 | access-control-point list: number of segments 2, reserved 2 |
//! | 48 | … | per segment: first point 2, last point 2, number of bytes 2, reserved 2, bitmap |
//!
//! In a bitmap the most significant bit of its first byte is the segment's first point.

use std::collections::BTreeSet;

use super::role::{COMMENT_LEN, Minute, Role};
use crate::error::{Error, Result};

/// The structure version.
pub const VERSION: u16 = 0x0001;
/// Bytes before the access-control-point list.
pub const HEADER_LEN: usize = 44;

/// A segment covers whole groups of 32 points, so every bitmap is a multiple of 4 bytes and
/// the structure's length a multiple of 4.
const GROUP: u16 = 32;

/// The segments of `points`: a new one starts where the next point is more than 256 points
/// beyond the last segment's end. Each is (first, last), aligned to [`GROUP`].
fn segments(points: &BTreeSet<u16>) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &p in points {
        let first = p - p % GROUP;
        let last = first + (GROUP - 1);
        match out.last_mut() {
            Some((_, l)) if u32::from(first) <= u32::from(*l) + 256 => *l = (*l).max(last),
            _ => out.push((first, last)),
        }
    }
    out
}

/// IBM's role structure of `role`.
pub fn encode(role: &Role) -> Vec<u8> {
    let segs = segments(&role.points);
    let mut acl = Vec::new();
    acl.extend_from_slice(&(segs.len() as u16).to_be_bytes());
    acl.extend_from_slice(&[0, 0]);
    for (first, last) in segs {
        let bytes = (usize::from(last - first) + 1) / 8;
        acl.extend_from_slice(&first.to_be_bytes());
        acl.extend_from_slice(&last.to_be_bytes());
        acl.extend_from_slice(&(bytes as u16).to_be_bytes());
        acl.extend_from_slice(&[0, 0]);
        let mut map = vec![0u8; bytes];
        for &p in role.points.range(first..=last) {
            let bit = usize::from(p - first);
            map[bit / 8] |= 0x80 >> (bit % 8);
        }
        acl.extend_from_slice(&map);
    }
    let len = HEADER_LEN + acl.len();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&(len as u16).to_be_bytes());
    let mut comment = [b' '; COMMENT_LEN];
    let c = role.comment.as_bytes();
    comment[..c.len().min(COMMENT_LEN)].copy_from_slice(&c[..c.len().min(COMMENT_LEN)]);
    out.extend_from_slice(&comment);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&role.id);
    out.extend_from_slice(&role.strength.to_be_bytes());
    out.extend_from_slice(&[role.lower.hour(), role.lower.minute()]);
    out.extend_from_slice(&[role.upper.hour(), role.upper.minute()]);
    out.extend_from_slice(&[role.days, 0]);
    out.extend_from_slice(&acl);
    out
}

fn be16(b: &[u8], at: usize) -> Result<u16> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or(Error::RoleStructure)
}

/// Decodes one role structure at the start of `bytes`; returns the role and the structure's
/// length. Refused (8/X'F306'): another version, a length that does not match its segments
/// or runs past `bytes`, a role id or comment [`Role::check`] refuses, a time that is not a
/// time of day, bit 0 of the days set, a segment whose first point is after its last, whose
/// byte count does not cover it, or with a bit set past its last point.
pub fn decode(bytes: &[u8]) -> Result<(Role, usize)> {
    if be16(bytes, 0)? != VERSION {
        return Err(Error::RoleStructure);
    }
    let len = usize::from(be16(bytes, 2)?);
    if len < HEADER_LEN + 4 || len > bytes.len() {
        return Err(Error::RoleStructure);
    }
    let b = &bytes[..len];
    let comment = std::str::from_utf8(&b[4..24])
        .map_err(|_| Error::RoleStructure)?
        .trim_end_matches(' ')
        .to_string();
    let mut id = [0u8; 8];
    id.copy_from_slice(&b[28..36]);
    let time = |at: usize| Minute::new(b[at], b[at + 1]).ok_or(Error::RoleStructure);
    let mut role = Role {
        id,
        comment,
        strength: be16(b, 36)?,
        lower: time(38)?,
        upper: time(40)?,
        days: b[42],
        points: BTreeSet::new(),
    };
    role.check().map_err(|_| Error::RoleStructure)?;
    let count = be16(b, HEADER_LEN)?;
    let mut at = HEADER_LEN + 4;
    for _ in 0..count {
        let (first, last, n) = (
            be16(b, at)?,
            be16(b, at + 2)?,
            usize::from(be16(b, at + 4)?),
        );
        at += 8;
        if first > last || n * 8 < usize::from(last - first) + 1 || at + n > len {
            return Err(Error::RoleStructure);
        }
        for (i, &byte) in b[at..at + n].iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) == 0 {
                    continue;
                }
                let p = u32::from(first) + (i * 8 + bit) as u32;
                if p > u32::from(last) {
                    return Err(Error::RoleStructure);
                }
                role.points.insert(p as u16);
            }
        }
        at += n;
    }
    if at != len {
        return Err(Error::RoleStructure);
    }
    Ok((role, len))
}

/// Decodes a sequence of role structures filling `bytes` exactly (CSUAACI INIT-AC
/// verb_data_2); a repeated role id is refused.
pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Role>> {
    let mut roles: Vec<Role> = Vec::new();
    while !bytes.is_empty() {
        let (role, n) = decode(bytes)?;
        if roles.iter().any(|r| r.id == role.id) {
            return Err(Error::RoleStructure);
        }
        roles.push(role);
        bytes = &bytes[n..];
    }
    Ok(roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_layout() {
        let mut r = Role::new(*b"KEYCUST ");
        r.comment = "Key custodians".into();
        r.strength = 1;
        r.lower = Minute::new(8, 30).unwrap();
        r.upper = Minute::new(17, 0).unwrap();
        r.days = 0x7C; // MON..FRI
        r.points = [0x0018, 0x001B, 0x0116, 0xF010, 0xF014]
            .into_iter()
            .collect();
        let s = encode(&r);
        assert_eq!(s.len() % 4, 0);
        assert_eq!(&s[0..2], &[0, 1]);
        assert_eq!(usize::from(u16::from_be_bytes([s[2], s[3]])), s.len());
        assert_eq!(&s[28..36], b"KEYCUST ");
        assert_eq!(&s[36..44], &[0, 1, 8, 30, 17, 0, 0x7C, 0]);
        // Segments: X'0000'-X'011F' and X'F000'-X'F01F'.
        assert_eq!(&s[44..48], &[0, 2, 0, 0]);
        assert_eq!(&s[48..56], &[0x00, 0x00, 0x01, 0x1F, 0, 36, 0, 0]);
        assert_eq!(s[56 + 3], 0x90); // X'0018' and X'001B'
        assert_eq!(decode(&s).unwrap(), (r.clone(), s.len()));
        let two = [s.clone(), encode(&Role::new(*b"DEFAULT "))].concat();
        assert_eq!(decode_all(&two).unwrap().len(), 2);
        assert!(decode_all(&[s.clone(), s.clone()].concat()).is_err());
        // Damaged structures.
        let mut bad = s.clone();
        bad[1] = 2;
        assert!(decode(&bad).is_err(), "version");
        let mut bad = s.clone();
        bad[40] = 24;
        assert!(decode(&bad).is_err(), "hour");
        let mut bad = s.clone();
        bad[42] |= 1;
        assert!(decode(&bad).is_err(), "day bit 0");
        assert!(decode(&s[..s.len() - 4]).is_err(), "short");
        let mut bad = s.clone();
        bad[51] = 0x00; // segment ends at X'0100', bitmap still 36 bytes with X'0116' set
        assert!(decode(&bad).is_err(), "bit past last");
    }
}
