//! Parsing a short command APDU (ISO 7816-4 §5.1: cases 1 to 4, short lengths only).

/// A parsed command APDU, borrowing its data field.
pub(crate) struct Command<'a> {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    /// The data field; empty when Lc is absent.
    pub data: &'a [u8],
    /// Whether an Lc field was present (case 3 or 4).
    pub has_lc: bool,
    /// Le as a count (1..=256), or `None` when Le is absent.
    pub le: Option<usize>,
}

impl<'a> Command<'a> {
    /// Parses `apdu`; `None` when its length does not fit any short case (SW 6700).
    pub fn parse(apdu: &'a [u8]) -> Option<Command<'a>> {
        let (header, body) = apdu.split_at_checked(4)?;
        let le_of = |b: u8| if b == 0 { 256 } else { usize::from(b) };
        let (data, has_lc, le) = match body {
            [] => (&body[..0], false, None),
            [le] => (&body[..0], false, Some(le_of(*le))),
            [0, ..] => return None, // extended lengths are not part of the profile
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                match rest.len() {
                    n if n == lc => (rest, true, None),
                    n if n == lc + 1 => (&rest[..lc], true, Some(le_of(rest[lc]))),
                    _ => return None,
                }
            }
        };
        Some(Command {
            cla: header[0],
            ins: header[1],
            p1: header[2],
            p2: header[3],
            data,
            has_lc,
            le,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Command;

    #[test]
    fn cases_one_to_four_and_bad_lengths() {
        let c = Command::parse(&[0, 0x20, 0, 0x81]).unwrap();
        assert!(c.data.is_empty() && !c.has_lc && c.le.is_none());
        let c = Command::parse(&[0, 0xCA, 0, 0x66, 0]).unwrap();
        assert_eq!(c.le, Some(256));
        let c = Command::parse(&[0, 0xDA, 1, 1, 2, b'A', b'B']).unwrap();
        assert_eq!((c.data, c.has_lc, c.le), (&b"AB"[..], true, None));
        let c = Command::parse(&[0, 0xA4, 4, 0, 1, 7, 5]).unwrap();
        assert_eq!((c.data, c.le), (&[7u8][..], Some(5)));
        assert!(Command::parse(&[0, 0xA4, 4]).is_none());
        assert!(Command::parse(&[0, 0xA4, 4, 0, 3, 1]).is_none());
        assert!(Command::parse(&[0, 0xA4, 4, 0, 1, 1, 2, 3]).is_none());
        assert!(Command::parse(&[0, 0xA4, 4, 0, 0, 1, 2]).is_none());
    }
}
