//! Recombination: collecting M cards of a set, one call per card, into its [`Secret`]
//! (docs/custody.md §5).
//!
//! ```text
//! let mut c = Collector::new(SecretKind::ServerMasterKey);
//! c.add_from_reader(sets, reader, &pin)?;     // once per card, any order, one reader
//! ...                                         // (between calls: Ceremony { Stage::Read(c) }.seal())
//! let (secret, set) = c.finish(sets)?;        // when c.ready()
//! ```
//!
//! Each card is checked before its PIN is presented (kind, set, index, serial number, the
//! set's record in this directory), then its PIN is verified and its share read. A refused card
//! (wrong PIN included) leaves the collector as it was: the ceremony goes on with another card,
//! or the same card with the right PIN. Only [`Collector::finish`] recombines, and it yields
//! the secret only when its check value is the set's.

use sha2::Digest;
use subtle::ConstantTimeEq;

use super::ceremony::{Ceremony, CeremonyBuffer, Finished, In, Out, Stage, Step, verb_name};
use super::shamir::{self, Share};
use super::ticket::Ticket;
use super::{SECRET_LEN, Secret, SecretKind, check_value};
use crate::card::{CardPin, ContentKind, OperatorCard, Transport};
use crate::error::{Error, Result};
use crate::state::sets::{SetRecord, SetRegistry, SetState};

/// The set the first card named (public facts, as on the card and in the registry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceSet {
    /// Set id.
    pub set_id: [u8; 16],
    /// Cards needed.
    pub m: u8,
    /// Cards in the set.
    pub n: u8,
    /// Check value of the secret.
    pub check_value: [u8; 8],
}

/// One collected card: its share and a tag of its serial number (to refuse the same card
/// twice).
struct Collected {
    csn_tag: [u8; 8],
    share: Share,
}

/// Collects the cards of one set, card by card (see the module documentation).
pub struct Collector {
    /// The kind collected: given, or taken from the first card ([`Collector::any`]).
    kind: Option<SecretKind>,
    source: Option<SourceSet>,
    cards: Vec<Collected>,
}

/// The card content kinds that carry `kind`.
fn kinds_of(kind: SecretKind) -> &'static [ContentKind] {
    match kind {
        SecretKind::ServerMasterKey => &[ContentKind::MasterKey, ContentKind::MasterKeyShare],
        SecretKind::Partition => &[ContentKind::PartitionShare],
    }
}

fn csn_tag(csn: &str) -> [u8; 8] {
    let d = sha2::Sha256::digest(csn.as_bytes());
    let mut t = [0u8; 8];
    t.copy_from_slice(&d[..8]);
    t
}

/// The registry's verdict on a set id: the record of a complete set, else the refusal.
pub fn complete_record(sets: &SetRegistry, set_id: &[u8; 16]) -> Result<SetRecord> {
    let rec = sets.get(set_id)?.ok_or(Error::SetUnknown)?;
    match rec.state {
        SetState::Complete => Ok(rec),
        SetState::Pending => Err(Error::SetPending),
        SetState::Invalid => Err(Error::SetInvalid),
    }
}

impl Collector {
    /// A collector for a secret of `kind`.
    pub fn new(kind: SecretKind) -> Collector {
        Collector {
            kind: Some(kind),
            source: None,
            cards: Vec::new(),
        }
    }

    /// A collector for whatever kind the first card holds (Copy Set, Verify Set).
    pub fn any() -> Collector {
        Collector {
            kind: None,
            source: None,
            cards: Vec::new(),
        }
    }

    /// The kind being collected (`None` before the first card of [`Collector::any`]).
    pub fn kind(&self) -> Option<SecretKind> {
        self.kind
    }

    /// The set named by the first card, once one was accepted.
    pub fn source(&self) -> Option<SourceSet> {
        self.source
    }

    /// Cards accepted so far.
    pub fn count(&self) -> u8 {
        self.cards.len() as u8
    }

    /// Whether M cards were accepted ([`Collector::finish`] may be called).
    pub fn ready(&self) -> bool {
        self.source
            .is_some_and(|s| self.cards.len() >= usize::from(s.m))
    }

    /// Opens a PC/SC session on `reader` and adds its card (see [`Collector::add`]).
    pub fn add_from_reader(
        &mut self,
        sets: &SetRegistry,
        reader: &str,
        pin: &CardPin,
    ) -> Result<()> {
        let pcsc = crate::card::pcsc::Pcsc::establish()?;
        pcsc.session(reader, |t: &mut dyn Transport| {
            Ok(self.add(sets, &mut crate::verbs::card::select(reader, t)?, pin))
        })?
    }

    /// Adds the card `card`: refused before its PIN is presented when it holds no share
    /// ([`Error::CardNoShare`]), another kind ([`Error::SetKindMismatch`]), another set than
    /// the cards before ([`Error::SetMismatch`]), an index or serial number already collected
    /// ([`Error::ShareDuplicate`]), a set this directory does not know or that never completed
    /// ([`Error::SetUnknown`], [`Error::SetPending`], [`Error::SetInvalid`]), or when M cards
    /// are already there ([`Error::CeremonyPhase`]); then the PIN is verified (a wrong PIN is
    /// [`Error::CardWrongPin`]) and the share read. On any error the collector is unchanged.
    pub fn add(
        &mut self,
        sets: &SetRegistry,
        card: &mut OperatorCard<'_>,
        pin: &CardPin,
    ) -> Result<()> {
        if self.ready() {
            return Err(Error::CeremonyPhase);
        }
        let data = card.card_data()?;
        let d = data.content;
        let Some(info) = d.set else {
            return Err(Error::CardNoShare);
        };
        let kind = match (self.kind, d.kind) {
            (Some(k), _) if !kinds_of(k).contains(&d.kind) => return Err(Error::SetKindMismatch),
            (Some(k), _) => k,
            (None, ContentKind::PartitionShare) => SecretKind::Partition,
            (None, _) => SecretKind::ServerMasterKey,
        };
        let claimed = SourceSet {
            set_id: info.set_id,
            m: info.m,
            n: info.n,
            check_value: info.check_value,
        };
        if let Some(s) = self.source
            && s != claimed
        {
            return Err(Error::SetMismatch);
        }
        let tag = csn_tag(&data.csn);
        if self
            .cards
            .iter()
            .any(|c| c.share.index == info.index || c.csn_tag == tag)
        {
            return Err(Error::ShareDuplicate);
        }
        let rec = complete_record(sets, &info.set_id)?;
        let whole = d.kind == ContentKind::MasterKey;
        if rec.spec.kind != kind
            || (rec.spec.m, rec.spec.n) != (info.m, info.n)
            || (rec.spec.m == 1) != whole
            || !bool::from(rec.spec.check_value.ct_eq(&info.check_value))
        {
            return Err(Error::SetMismatch);
        }
        card.verify(pin)?;
        let content = card.content()?;
        if *content.descriptor() != d {
            return Err(Error::CardMalformedResponse);
        }
        let bytes: &[u8; SECRET_LEN] = content
            .secret()
            .try_into()
            .map_err(|_| Error::CardMalformedResponse)?;
        self.kind = Some(kind);
        self.source = Some(claimed);
        self.cards.push(Collected {
            csn_tag: tag,
            share: Share::new(info.index, bytes),
        });
        Ok(())
    }

    /// Recombines the secret from the M cards and checks it against the set's check value,
    /// read again from the registry (the set must still be complete). Fewer than M cards:
    /// [`Error::SetNotEnoughCards`]; a wrong check value (a forged or damaged share):
    /// [`Error::ShareCheckFailed`]. Returns the secret and the set's record.
    pub fn finish(self, sets: &SetRegistry) -> Result<(Secret, SetRecord)> {
        let source = self.source.ok_or(Error::SetNotEnoughCards)?;
        if !self.ready() {
            return Err(Error::SetNotEnoughCards);
        }
        let rec = complete_record(sets, &source.set_id)?;
        let secret = if source.m == 1 {
            let mut s = Secret::zeroed();
            s.as_bytes_mut()
                .copy_from_slice(&self.cards[0].share.bytes[..]);
            s
        } else {
            let shares: Vec<Share> = self
                .cards
                .iter()
                .take(usize::from(source.m))
                .map(|c| Share::new(c.share.index, &c.share.bytes))
                .collect();
            shamir::combine(&shares)?
        };
        let cv = check_value(&secret, rec.spec.kind);
        if !bool::from(cv.ct_eq(&rec.spec.check_value)) {
            return Err(Error::ShareCheckFailed);
        }
        Ok((secret, rec))
    }

    pub(crate) fn encode(&self, out: &mut Out) {
        match self.kind {
            Some(k) => out.kind(k),
            None => out.u8(0),
        }
        match &self.source {
            Some(s) => {
                out.u8(1);
                out.bytes(&s.set_id);
                out.u8(s.m);
                out.u8(s.n);
                out.bytes(&s.check_value);
            }
            None => out.u8(0),
        }
        out.u8(self.cards.len() as u8);
        for c in &self.cards {
            out.bytes(&c.csn_tag);
            out.share(&c.share);
        }
    }

    pub(crate) fn decode(r: &mut In<'_>) -> Result<Collector> {
        let kind = match r.u8()? {
            0 => None,
            1 => Some(SecretKind::ServerMasterKey),
            2 => Some(SecretKind::Partition),
            _ => return Err(Error::CeremonyBuffer),
        };
        let source = match r.u8()? {
            0 => None,
            1 => Some(SourceSet {
                set_id: r.array()?,
                m: r.u8()?,
                n: r.u8()?,
                check_value: r.array()?,
            }),
            _ => return Err(Error::CeremonyBuffer),
        };
        let count = r.u8()?;
        let mut cards = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let csn_tag = r.array()?;
            cards.push(Collected {
                csn_tag,
                share: r.share()?,
            });
        }
        Ok(Collector {
            kind,
            source,
            cards,
        })
    }
}

/// What one recombination step ([`step`]) gives.
pub enum Progress {
    /// More cards are needed: the buffer to pass back with the next card (phase `READ`).
    More(Box<CeremonyBuffer>),
    /// M cards were collected, recombined and checked.
    Done {
        /// The secret (zeroizing; the caller uses it and drops it).
        secret: Secret,
        /// The set's record (set id, kind, M, N, check value, label).
        set: SetRecord,
        /// The end of the ceremony, to seal once the secret was used: [`Finish::seal`] hands
        /// out the finished buffer and ends the ceremony for good. Dropped unsealed (the step
        /// that used the secret failed: a wrong partition password, say), the ceremony stays
        /// at the caller's last buffer, which may be passed again with the M-th card.
        done: Finish,
    },
}

/// The unsealed end of a recombination ceremony (see [`Progress::Done`]).
pub struct Finish {
    ceremony: Box<Ceremony>,
}

impl Finish {
    /// The finished buffer (phase `DONE`: kind, set id, check value in its header); the
    /// ceremony's ticket is deleted, so no buffer of it passes again.
    pub fn seal(self) -> Result<Box<CeremonyBuffer>> {
        self.ceremony.seal()
    }
}

/// One card of a recombination ceremony run by the verb `verb` (its name binds the buffer:
/// one verb's buffer is refused by another): `Step::First` starts one with the card in
/// `reader`, `Step::Next` goes on with `buffer`. `kind` is the secret the verb needs (`None`:
/// whatever the first card holds). Each buffer passes once ([`super::ticket`]): the one
/// returned replaces the one passed in, which is refused from then on. On any error the
/// caller's buffer stays valid (a wrong PIN or a refused card: go on with another card). Used by Verify Set (CSUCVST) and by the
/// directory's bind / activate / authorise verbs.
pub fn step(
    sets: &SetRegistry,
    verb: &str,
    kind: Option<SecretKind>,
    step: Step,
    buffer: &CeremonyBuffer,
    reader: &str,
    pin: &CardPin,
) -> Result<Progress> {
    let verb = verb_name(verb);
    let (mut c, ticket) = match step {
        Step::First => (
            match kind {
                Some(k) => Collector::new(k),
                None => Collector::any(),
            },
            Ticket::fresh()?,
        ),
        Step::Next => {
            let open = Ceremony::open(buffer, &verb)?;
            match open.stage {
                Stage::Read(c) => (c, open.ticket),
                _ => return Err(Error::CeremonyPhase),
            }
        }
    };
    c.add_from_reader(sets, reader, pin)?;
    if !c.ready() {
        let buffer = Ceremony {
            verb,
            stage: Stage::Read(c),
            target: (0, 0),
            ticket,
        }
        .seal()?;
        return Ok(Progress::More(buffer));
    }
    let (secret, set) = c.finish(sets)?;
    let ceremony = Ceremony {
        verb,
        stage: Stage::Done(Finished {
            kind: set.spec.kind,
            set_id: set.spec.set_id,
            m: set.spec.m,
            n: set.spec.n,
            check_value: set.spec.check_value,
        }),
        target: (0, 0),
        ticket,
    };
    Ok(Progress::Done {
        secret,
        set,
        done: Finish {
            ceremony: Box::new(ceremony),
        },
    })
}
