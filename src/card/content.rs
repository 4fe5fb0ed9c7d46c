//! The content object (docs/card-profile.md §2.3, §6.3): what a card holds for the HSM.

use core::fmt;
use zeroize::Zeroizing;

use super::{Buffer, CardError, tlv};

/// What a card holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    /// Nothing (post-format state).
    Empty,
    /// A whole server master key.
    MasterKey,
    /// One share of a server master key.
    MasterKeyShare,
    /// One share of a partition authorisation secret.
    PartitionShare,
}

impl ContentKind {
    fn code(self) -> u8 {
        match self {
            ContentKind::Empty => 0,
            ContentKind::MasterKey => 1,
            ContentKind::MasterKeyShare => 2,
            ContentKind::PartitionShare => 3,
        }
    }

    fn of(code: u8) -> Option<ContentKind> {
        Some(match code {
            0 => ContentKind::Empty,
            1 => ContentKind::MasterKey,
            2 => ContentKind::MasterKeyShare,
            3 => ContentKind::PartitionShare,
            _ => return None,
        })
    }
}

/// The set a non-empty content belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetInfo {
    /// The set id (docs/decisions.md F23: 16 random bytes).
    pub set_id: [u8; 16],
    /// Shares needed (1 for a whole key).
    pub m: u8,
    /// Shares in the set (1 for a whole key).
    pub n: u8,
    /// This card's index in the set, 1..=N.
    pub index: u8,
    /// Check value of the whole secret.
    pub check_value: [u8; 8],
}

/// The public part of a content object: kind and set, without the secret (template `A0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// What the card holds.
    pub kind: ContentKind,
    /// The set; `None` exactly when the kind is [`ContentKind::Empty`].
    pub set: Option<SetInfo>,
}

impl Descriptor {
    /// Whether `kind` and `set` follow the profile's rules.
    fn valid(&self) -> bool {
        match (self.kind, self.set) {
            (ContentKind::Empty, None) => true,
            (ContentKind::MasterKey, Some(s)) => (s.m, s.n, s.index) == (1, 1, 1),
            (ContentKind::MasterKeyShare | ContentKind::PartitionShare, Some(s)) => {
                2 <= s.m && s.m <= s.n && 1 <= s.index && s.index <= s.n
            }
            _ => false,
        }
    }

    /// Reads C1..C6 from `items` (the content object or template A0).
    fn from_items(items: &[(u16, &[u8])]) -> Result<Descriptor, CardError> {
        let bad = CardError::MalformedResponse;
        let byte = |tag| match tlv::find(items, tag) {
            Some([b]) => Ok(*b),
            _ => Err(bad),
        };
        let kind = ContentKind::of(byte(0xC1)?).ok_or(bad)?;
        let set = if kind == ContentKind::Empty {
            None
        } else {
            let fixed = |tag| tlv::find(items, tag).ok_or(bad);
            Some(SetInfo {
                set_id: fixed(0xC2)?.try_into().map_err(|_| bad)?,
                m: byte(0xC3)?,
                n: byte(0xC4)?,
                index: byte(0xC5)?,
                check_value: fixed(0xC6)?.try_into().map_err(|_| bad)?,
            })
        };
        let d = Descriptor { kind, set };
        if d.valid() { Ok(d) } else { Err(bad) }
    }

    /// Parses the content descriptor (the value of template `A0`).
    pub fn parse(value: &[u8]) -> Result<Descriptor, CardError> {
        Descriptor::from_items(&tlv::parse(value)?)
    }
}

/// A content object with its secret (zeroized on drop, never in `Debug`).
pub struct Content {
    descriptor: Descriptor,
    secret: Buffer,
}

impl fmt::Debug for Content {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Content")
            .field("descriptor", &self.descriptor)
            .field("secret", &"REDACTED")
            .finish()
    }
}

impl Content {
    /// The empty content.
    pub fn empty() -> Content {
        Content {
            descriptor: Descriptor {
                kind: ContentKind::Empty,
                set: None,
            },
            secret: Zeroizing::new(Vec::new()),
        }
    }

    /// A non-empty content: [`CardError::BadData`] unless it follows the profile (kind not
    /// empty, M/N/index rules, secret of 1 to 64 bytes).
    pub fn new(kind: ContentKind, set: SetInfo, secret: &[u8]) -> Result<Content, CardError> {
        let descriptor = Descriptor {
            kind,
            set: Some(set),
        };
        if kind == ContentKind::Empty || !descriptor.valid() || !(1..=64).contains(&secret.len()) {
            return Err(CardError::BadData);
        }
        Ok(Content {
            descriptor,
            secret: Zeroizing::new(secret.to_vec()),
        })
    }

    /// Kind and set.
    pub fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    /// The key or share bytes (empty for the empty content).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The TLV object PUT DATA `0102` writes.
    pub fn encode(&self) -> Buffer {
        let mut out = Zeroizing::new(Vec::with_capacity(110));
        tlv::put(&mut out, 0xC1, &[self.descriptor.kind.code()]);
        if let Some(s) = &self.descriptor.set {
            tlv::put(&mut out, 0xC2, &s.set_id);
            tlv::put(&mut out, 0xC3, &[s.m]);
            tlv::put(&mut out, 0xC4, &[s.n]);
            tlv::put(&mut out, 0xC5, &[s.index]);
            tlv::put(&mut out, 0xC6, &s.check_value);
            tlv::put(&mut out, 0xC7, &self.secret);
        }
        out
    }

    /// Parses the object GET DATA `0102` returns.
    pub fn decode(object: &[u8]) -> Result<Content, CardError> {
        let items = tlv::parse(object)?;
        let descriptor = Descriptor::from_items(&items)?;
        let secret = match (descriptor.kind, tlv::find(&items, 0xC7)) {
            (ContentKind::Empty, None) => &[][..],
            (ContentKind::Empty, Some(_)) | (_, None) => {
                return Err(CardError::MalformedResponse);
            }
            (_, Some(s)) if (1..=64).contains(&s.len()) => s,
            _ => return Err(CardError::MalformedResponse),
        };
        Ok(Content {
            descriptor,
            secret: Zeroizing::new(secret.to_vec()),
        })
    }
}
