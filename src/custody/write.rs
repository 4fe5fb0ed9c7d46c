//! Writing a new set, one card per call (docs/custody.md §4): Create Server Master Key,
//! Create Partition Auth Set and the second half of Copy Set.
//!
//! Per card, in this order: the card must be empty (checked before its PIN is presented), its
//! PIN is verified, the card is recorded in the set registry (the set itself `pending` with
//! the first card), the label and the content are written, and both are read back and
//! compared. After the last card the set is marked complete. A refusal before the registry
//! step leaves the ceremony as it was (try another card); a failure from the write on marks
//! the set invalid, and the registry refuses any further card of it.

use subtle::ConstantTimeEq;

use super::ceremony::{In, Out};
use super::shamir::{self, Share};
use super::{SECRET_LEN, Secret, SecretKind, check_value, new_set_id};
use crate::card::{CardPin, Content, ContentKind, OperatorCard, SetInfo, Transport};
use crate::error::{Error, Result};
use crate::state::sets::{SetRegistry, SetSpec};

/// Longest set label (the card profile's label).
pub const MAX_LABEL: usize = crate::card::profile::MAX_LABEL;

/// A new set being written: its facts and the shares still to write.
pub struct Writer {
    spec: SetSpec,
    /// Share i is for card i (for a whole SVMK, the one "share" is the key).
    shares: Vec<Share>,
    written: u8,
}

/// Checks a label: at most 64 printable ASCII bytes ([`Error::CardBadData`]).
pub fn check_label(label: &[u8]) -> Result<()> {
    if label.len() > MAX_LABEL || !label.iter().all(|b| (0x20..=0x7E).contains(b)) {
        return Err(Error::CardBadData);
    }
    Ok(())
}

impl Writer {
    /// A new set of `secret`: whole on one card (`m` = `n` = 1, SVMK only) or split `m` of `n`
    /// (2 ≤ M ≤ N ≤ 64), with a new set id. The label given with the first card is recorded
    /// as the set's label. Bad M/N: [`Error::SetParameters`].
    pub fn new(
        kind: SecretKind,
        secret: &Secret,
        m: u8,
        n: u8,
        copied_from: Option<[u8; 16]>,
    ) -> Result<Writer> {
        let shares = if (m, n) == (1, 1) {
            if kind != SecretKind::ServerMasterKey {
                return Err(Error::SetParameters);
            }
            vec![Share::new(1, secret.as_bytes())]
        } else {
            shamir::split(secret, m, n)?
        };
        Ok(Writer {
            spec: SetSpec {
                set_id: new_set_id()?,
                kind,
                m,
                n,
                check_value: check_value(secret, kind),
                label: String::new(),
                copied_from,
            },
            shares,
            written: 0,
        })
    }

    /// The set's facts.
    pub fn spec(&self) -> &SetSpec {
        &self.spec
    }

    /// Cards written so far.
    pub fn written(&self) -> u8 {
        self.written
    }

    /// Whether every card was written (and the set marked complete).
    pub fn done(&self) -> bool {
        self.written == self.spec.n
    }

    fn content_kind(&self) -> ContentKind {
        match (self.spec.kind, self.spec.m) {
            (SecretKind::ServerMasterKey, 1) => ContentKind::MasterKey,
            (SecretKind::ServerMasterKey, _) => ContentKind::MasterKeyShare,
            (SecretKind::Partition, _) => ContentKind::PartitionShare,
        }
    }

    /// Opens a PC/SC session on `reader` and writes the next card there (see
    /// [`Writer::write_next`]).
    pub fn write_on_reader(
        &mut self,
        sets: &SetRegistry,
        reader: &str,
        pin: &CardPin,
        label: &[u8],
    ) -> Result<()> {
        let pcsc = crate::card::pcsc::Pcsc::establish()?;
        pcsc.session(reader, |t: &mut dyn Transport| {
            Ok(self.write_next(
                sets,
                &mut crate::verbs::card::select(reader, t)?,
                pin,
                label,
            ))
        })??;
        // The call's audit record names the label written (and read back) on this card.
        crate::audit::scope::label(reader, label);
        Ok(())
    }

    /// Writes the next card of the set onto `card` with `label` (see the module
    /// documentation for the order of the steps). After the last card the set is complete.
    pub fn write_next(
        &mut self,
        sets: &SetRegistry,
        card: &mut OperatorCard<'_>,
        pin: &CardPin,
        label: &[u8],
    ) -> Result<()> {
        if self.done() {
            return Err(Error::CeremonyPhase);
        }
        check_label(label)?;
        let index = self.written + 1;
        let share = &self.shares[usize::from(index) - 1];
        let content = Content::new(
            self.content_kind(),
            SetInfo {
                set_id: self.spec.set_id,
                m: self.spec.m,
                n: self.spec.n,
                index,
                check_value: self.spec.check_value,
            },
            &share.bytes[..],
        )?;
        let data = card.card_data()?;
        if data.blocked() {
            return Err(Error::CardBlocked);
        }
        if data.content.kind != ContentKind::Empty {
            return Err(Error::CardContentNotEmpty);
        }
        card.verify(pin)?;
        if index == 1 {
            self.spec.label = label.iter().map(|&b| char::from(b)).collect();
        }
        sets.begin_card(&self.spec, index, &data.csn)?;
        let written = (|| -> Result<()> {
            card.put_label(label)?;
            card.put_content(&content)?;
            let back = card.content()?;
            let same = back.descriptor() == content.descriptor()
                && bool::from(back.secret().ct_eq(content.secret()));
            if !same || card.label()? != label {
                return Err(Error::CardReadback);
            }
            Ok(())
        })();
        if let Err(e) = written {
            let _ = sets.invalidate(&self.spec.set_id);
            return Err(e);
        }
        self.written = index;
        if self.done() {
            sets.complete(&self.spec.set_id)?;
        }
        Ok(())
    }

    pub(crate) fn encode(&self, out: &mut Out) {
        let s = &self.spec;
        out.kind(s.kind);
        out.bytes(&s.set_id);
        out.u8(s.m);
        out.u8(s.n);
        out.bytes(&s.check_value);
        out.u8(s.label.len() as u8);
        out.bytes(s.label.as_bytes());
        match &s.copied_from {
            Some(f) => {
                out.u8(1);
                out.bytes(f);
            }
            None => out.u8(0),
        }
        out.u8(self.written);
        out.u8(self.shares.len() as u8);
        for sh in &self.shares {
            out.share(sh);
        }
    }

    pub(crate) fn decode(r: &mut In<'_>) -> Result<Writer> {
        let kind = r.kind()?;
        let set_id = r.array()?;
        let m = r.u8()?;
        let n = r.u8()?;
        let check_value = r.array()?;
        let len = r.u8()?;
        let mut label = String::new();
        for _ in 0..len {
            label.push(char::from(r.u8()?));
        }
        let copied_from = match r.u8()? {
            0 => None,
            1 => Some(r.array()?),
            _ => return Err(Error::CeremonyBuffer),
        };
        let written = r.u8()?;
        let count = r.u8()?;
        let mut shares = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            shares.push(r.share()?);
        }
        if count != n || written > n || shares.iter().any(|s| s.bytes.len() != SECRET_LEN) {
            return Err(Error::CeremonyBuffer);
        }
        Ok(Writer {
            spec: SetSpec {
                set_id,
                kind,
                m,
                n,
                check_value,
                label,
                copied_from,
            },
            shares,
            written,
        })
    }
}
