//! Key identifiers: a 64-byte field holding either a key token or a CKDS key label
//! (docs/decisions.md F4, F5; docs/tokens.md).
//!
//! First byte X'00'-X'1F': a token; X'20'-X'FE': a label; X'FF': invalid. A label is 1 to 7
//! name tokens of 1 to 8 characters from A-Z, 0-9, `#`, `$`, `@`, joined by `.`, the first
//! character of the label not numeric, left-aligned and blank-padded to 64 bytes. Labels are
//! not folded: lower case is a syntax error (ICSF: "All alphabetic characters must be
//! uppercase").

use core::fmt;

use crate::error::{Error, Result};

/// A key identifier, classified by its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyId<'a> {
    /// A key token (first byte X'00'-X'1F').
    Token(&'a [u8; 64]),
    /// A key label with valid syntax.
    Label(Label),
}

impl<'a> KeyId<'a> {
    /// Classifies a 64-byte key identifier and checks label syntax.
    pub fn classify(id: &'a [u8; 64]) -> Result<Self> {
        match id[0] {
            0x00..=0x1F => Ok(KeyId::Token(id)),
            0xFF => Err(Error::LabelSyntax),
            _ => Label::parse(id).map(KeyId::Label),
        }
    }
}

/// A syntactically valid CCA key label, stored blank-padded to 64 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Label([u8; 64]);

/// Most name tokens in one label.
const MAX_NAME_TOKENS: usize = 7;
/// Most characters in one name token.
const MAX_NAME_LEN: usize = 8;

fn is_label_char(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'#' | b'$' | b'@')
}

impl Label {
    /// Checks label syntax of a 64-byte blank-padded field.
    pub fn parse(field: &[u8; 64]) -> Result<Self> {
        let text = trimmed(field);
        if text.is_empty() || text.contains(&b' ') || text[0].is_ascii_digit() {
            return Err(Error::LabelSyntax);
        }
        let mut names = 0;
        for name in text.split(|&b| b == b'.') {
            names += 1;
            if name.is_empty()
                || name.len() > MAX_NAME_LEN
                || names > MAX_NAME_TOKENS
                || !name.iter().all(|&b| is_label_char(b))
            {
                return Err(Error::LabelSyntax);
            }
        }
        Ok(Label(*field))
    }

    /// Parses label text (without padding).
    pub fn from_text(text: &str) -> Result<Self> {
        if text.len() > 64 {
            return Err(Error::LabelSyntax);
        }
        let mut f = [b' '; 64];
        f[..text.len()].copy_from_slice(text.as_bytes());
        Self::parse(&f)
    }

    /// The label text without trailing blanks.
    pub fn as_str(&self) -> &str {
        // Syntax checking guarantees ASCII.
        core::str::from_utf8(trimmed(&self.0)).unwrap_or("")
    }

    /// The blank-padded 64-byte field.
    pub fn as_field(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Label({:?})", self.as_str())
    }
}

fn trimmed(field: &[u8; 64]) -> &[u8] {
    let end = field.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
    &field[..end]
}

/// A label pattern for Key Record List / delete: a label whose name tokens may contain one
/// `*`, matching any run of characters (including none and including `.`).
#[derive(Clone, Copy, Debug)]
pub struct LabelPattern {
    field: [u8; 64],
}

impl LabelPattern {
    /// Checks the pattern: at most one `*`; with the `*` removed, every other character must
    /// be a label character or `.`.
    pub fn parse(field: &[u8; 64]) -> Result<Self> {
        let text = trimmed(field);
        let stars = text.iter().filter(|&&b| b == b'*').count();
        if text.is_empty()
            || stars > 1
            || text.contains(&b' ')
            || !text
                .iter()
                .all(|&b| b == b'*' || b == b'.' || is_label_char(b))
        {
            return Err(Error::LabelSyntax);
        }
        Ok(LabelPattern { field: *field })
    }

    /// The pattern text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(trimmed(&self.field)).unwrap_or("")
    }

    /// `true` when `label` matches.
    pub fn matches(&self, label: &str) -> bool {
        let p = self.as_str();
        match p.split_once('*') {
            None => p == label,
            Some((pre, post)) => {
                label.len() >= pre.len() + post.len()
                    && label.starts_with(pre)
                    && label.ends_with(post)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(s: &str) -> [u8; 64] {
        let mut f = [b' '; 64];
        f[..s.len()].copy_from_slice(s.as_bytes());
        f
    }

    #[test]
    fn label_syntax() {
        for ok in [
            "A",
            "ISSUER.MDK.AC",
            "#$@.A1",
            "A.B.C.D.E.F.G",
            "ABCDEFGH.X",
        ] {
            assert!(Label::parse(&field(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1ABC",
            "ABC.",
            ".ABC",
            "A..B",
            "ABCDEFGHI",
            "A.B.C.D.E.F.G.H",
            "lower",
            "A B",
            "A-B",
        ] {
            assert_eq!(Label::parse(&field(bad)), Err(Error::LabelSyntax), "{bad}");
        }
    }

    #[test]
    fn classify() {
        let mut t = [0u8; 64];
        t[0] = 1;
        assert!(matches!(KeyId::classify(&t), Ok(KeyId::Token(_))));
        t[0] = 0xFF;
        assert_eq!(KeyId::classify(&t), Err(Error::LabelSyntax));
        assert!(matches!(
            KeyId::classify(&field("MY.KEY")),
            Ok(KeyId::Label(_))
        ));
    }

    #[test]
    fn patterns() {
        let p = LabelPattern::parse(&field("ISSUER.*")).unwrap();
        assert!(p.matches("ISSUER.MDK"));
        assert!(!p.matches("OTHER.MDK"));
        assert!(
            LabelPattern::parse(&field("*"))
                .unwrap()
                .matches("ANY.THING")
        );
        assert!(LabelPattern::parse(&field("A*B*")).is_err());
        let exact = LabelPattern::parse(&field("A.B")).unwrap();
        assert!(exact.matches("A.B") && !exact.matches("A.BC"));
    }
}
