//! Rule arrays: 8-byte, left-aligned, blank-padded keywords, contiguous in storage.
//!
//! Keywords are folded to upper case before matching (ICSF: "The callable services fold them
//! to uppercase prior to using them"; docs/decisions.md F3). A keyword padded with NUL instead of
//! blanks does not match anything and is reported as an unknown keyword.

use core::fmt;

use crate::error::{Error, Result};

/// The most keywords any verb of this library accepts in one rule array.
pub const MAX_KEYWORDS: usize = 16;

/// One 8-byte rule-array keyword, upper case, blank padded.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Keyword(pub [u8; 8]);

/// Builds a keyword from text of at most 8 characters, padding with blanks, at compile time.
pub const fn kw(text: &str) -> Keyword {
    let src = text.as_bytes();
    assert!(src.len() <= 8, "keyword longer than 8 bytes");
    let mut out = [b' '; 8];
    let mut i = 0;
    while i < src.len() {
        out[i] = src[i];
        i += 1;
    }
    Keyword(out)
}

impl Keyword {
    /// Copies 8 bytes and folds ASCII lower case to upper case.
    pub fn folded(bytes: &[u8; 8]) -> Self {
        let mut k = *bytes;
        k.make_ascii_uppercase();
        Keyword(k)
    }

    /// The keyword text without trailing blanks (lossy for non-ASCII bytes).
    pub fn as_str(&self) -> &str {
        let end = self.0.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
        core::str::from_utf8(&self.0[..end]).unwrap_or("?")
    }
}

impl fmt::Debug for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "kw({:?})", self.as_str())
    }
}

/// A parsed rule array: up to [`MAX_KEYWORDS`] folded keywords, no heap.
#[derive(Clone, Copy, Debug)]
pub struct RuleArray {
    words: [Keyword; MAX_KEYWORDS],
    count: usize,
}

/// One group of mutually exclusive keywords of a verb's rule array.
#[derive(Clone, Copy, Debug)]
pub struct Group {
    /// The keywords of the group, as the manual lists them.
    pub keywords: &'static [Keyword],
    /// Whether exactly one keyword of the group must be given.
    pub required: bool,
}

impl Group {
    /// A group of which at most one keyword may be given.
    pub const fn optional(keywords: &'static [Keyword]) -> Self {
        Group {
            keywords,
            required: false,
        }
    }

    /// A group of which exactly one keyword must be given.
    pub const fn required(keywords: &'static [Keyword]) -> Self {
        Group {
            keywords,
            required: true,
        }
    }
}

/// A group's keywords with the value each stands for, in the manual's order. `keywords` is
/// derived from `entries` at compile time, so the two cannot disagree.
#[derive(Debug)]
pub struct Table<T: 'static, const N: usize> {
    entries: [(Keyword, T); N],
    keywords: [Keyword; N],
}

impl<T: Copy, const N: usize> Table<T, N> {
    /// The table of `entries`.
    pub const fn new(entries: [(Keyword, T); N]) -> Self {
        let mut keywords = [Keyword([b' '; 8]); N];
        let mut i = 0;
        while i < N {
            keywords[i] = entries[i].0;
            i += 1;
        }
        Table { entries, keywords }
    }

    /// The group of which at most one keyword may be given.
    pub const fn optional(&'static self) -> Group {
        Group::optional(&self.keywords)
    }

    /// The group of which exactly one keyword must be given.
    pub const fn required(&'static self) -> Group {
        Group::required(&self.keywords)
    }

    /// The value of the keyword [`RuleArray::resolve`] found for this table's group.
    pub fn value(&self, chosen: Option<usize>) -> Option<T> {
        chosen.and_then(|i| self.entries.get(i)).map(|&(_, v)| v)
    }

    /// The keyword that stands for `value`.
    pub fn keyword_of(&self, value: T) -> Option<Keyword>
    where
        T: PartialEq,
    {
        self.entries
            .iter()
            .find(|(_, v)| *v == value)
            .map(|&(k, _)| k)
    }
}

impl RuleArray {
    /// An empty rule array.
    pub const EMPTY: RuleArray = RuleArray {
        words: [Keyword([b' '; 8]); MAX_KEYWORDS],
        count: 0,
    };

    /// Parses `bytes` (a multiple of 8 bytes, at most [`MAX_KEYWORDS`] keywords).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if !bytes.len().is_multiple_of(8) || bytes.len() / 8 > MAX_KEYWORDS {
            return Err(Error::RuleArrayCount);
        }
        let mut ra = RuleArray::EMPTY;
        for (i, chunk) in bytes.chunks_exact(8).enumerate() {
            let mut k = [0u8; 8];
            k.copy_from_slice(chunk);
            ra.words[i] = Keyword::folded(&k);
        }
        ra.count = bytes.len() / 8;
        Ok(ra)
    }

    /// The keywords, in the caller's order.
    pub fn keywords(&self) -> &[Keyword] {
        &self.words[..self.count]
    }

    /// Number of keywords.
    pub fn len(&self) -> usize {
        self.count
    }

    /// `true` when the rule array has no keyword.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Sorts the keywords into `groups`: for each group, the index (within the group's
    /// keyword list) of the one keyword given, or `None`. Unknown keyword: 8/33; two of one
    /// group or a repeated keyword: 8/34; a required group left empty: 8/34 (missing).
    pub fn resolve<const G: usize>(&self, groups: &[Group; G]) -> Result<[Option<usize>; G]> {
        let mut chosen = [None; G];
        for word in self.keywords() {
            let (g, i) = groups
                .iter()
                .enumerate()
                .find_map(|(g, grp)| grp.keywords.iter().position(|k| k == word).map(|i| (g, i)))
                .ok_or(Error::UnknownKeyword)?;
            if chosen[g].is_some() {
                return Err(Error::ConflictingKeywords);
            }
            chosen[g] = Some(i);
        }
        for (g, grp) in groups.iter().enumerate() {
            if grp.required && chosen[g].is_none() {
                return Err(Error::MissingKeyword);
            }
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALG: &[Keyword] = &[kw("TDES-XOR"), kw("TDESEMV2"), kw("TDESEMV4")];
    const METHOD: &[Keyword] = &[kw("VISAPCU1"), kw("VISAPCU2")];
    const GROUPS: [Group; 2] = [Group::optional(ALG), Group::required(METHOD)];

    #[test]
    fn folds_and_resolves() {
        let ra = RuleArray::parse(b"visapcu2tdesemv4").unwrap();
        assert_eq!(ra.resolve(&GROUPS).unwrap(), [Some(2), Some(1)]);
        let ra = RuleArray::parse(b"VISAPCU1").unwrap();
        assert_eq!(ra.resolve(&GROUPS).unwrap(), [None, Some(0)]);
    }

    #[test]
    fn errors() {
        let r = |b: &[u8]| RuleArray::parse(b).and_then(|ra| ra.resolve(&GROUPS));
        assert_eq!(r(b"BOGUS   "), Err(Error::UnknownKeyword));
        assert_eq!(r(b"VISAPCU1VISAPCU2"), Err(Error::ConflictingKeywords));
        assert_eq!(r(b"VISAPCU1VISAPCU1"), Err(Error::ConflictingKeywords));
        assert_eq!(r(b"TDES-XOR"), Err(Error::MissingKeyword));
        assert_eq!(r(b"VISAPCU1\0\0\0\0\0\0\0\0"), Err(Error::UnknownKeyword));
        assert_eq!(r(b"VISAPCU\0"), Err(Error::UnknownKeyword));
        assert_eq!(RuleArray::parse(b"abc").err(), Some(Error::RuleArrayCount));
    }

    #[test]
    fn typed_tables() {
        static T: Table<u8, 2> = Table::new([(kw("ONE"), 1), (kw("TWO"), 2)]);
        let ra = RuleArray::parse(b"TWO     ").unwrap();
        let [c] = ra.resolve(&[T.optional()]).unwrap();
        assert_eq!(T.value(c), Some(2));
        assert_eq!(T.value(None), None);
        assert_eq!(T.keyword_of(1), Some(kw("ONE")));
    }

    #[test]
    fn kw_pads() {
        assert_eq!(kw("SET").0, *b"SET     ");
        assert_eq!(kw("SET").as_str(), "SET");
    }
}
