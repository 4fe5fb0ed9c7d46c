//! The operator-card verbs (family `CSUC`, docs/decisions.md): list readers, Inspect, Get
//! Label, Change PIN, Erase and Copy Card, over the [`crate::card`] client and pcscd.
//!
//! Each verb opens one PC/SC session (one transaction, reset at its end, so no PIN stays
//! verified) and returns a fixed, blank-padded byte layout a COBOL group can map: the layouts
//! are defined here once ([`READER_ENTRY_LEN`], [`INSPECT_LEN`]) and documented in
//! docs/CSUCRDL.md and docs/CSUCINS.md. PINs arrive as [`CardPin`]s (mapped and checked before
//! any card is touched) and never leave this module.

use crate::audit;
use crate::card::pcsc::{Pcsc, ReaderInfo};
use zeroize::Zeroizing;

use crate::card::{CardData, CardError, CardPin, ContentKind, OperatorCard, Transport};
use crate::crypto::ct::ct_eq;
use crate::error::{Error, Result};
use crate::hex::hex;

/// Length of a reader-name field (blank padded; PC/SC names are shorter).
pub const READER_NAME_LEN: usize = 128;
/// Length of one entry of the reader list: the name, then an 8-byte status keyword.
pub const READER_ENTRY_LEN: usize = READER_NAME_LEN + 8;
/// Length of the Inspect output (see [`Inspection::layout`]).
pub const INSPECT_LEN: usize = 364;
/// Length of the label output field of Get Label.
pub const LABEL_LEN: usize = crate::card::profile::MAX_LABEL;

/// The text of the Inspect screen's `PIN Locked` line for a card that may still change its PIN.
pub const PIN_UNLOCKED_TEXT: &str = "no (one more PIN change allowed)";

/// Reads the reader name from a [`READER_NAME_LEN`]-byte field: trailing blanks and NULs
/// removed; anything but printable ASCII, or an empty name, is [`Error::CardUnknownReader`].
pub fn reader_name(field: &[u8; READER_NAME_LEN]) -> Result<String> {
    let end = field
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |i| i + 1);
    let name = &field[..end];
    if name.is_empty() || !name.iter().all(|b| (0x20..=0x7E).contains(b)) {
        return Err(Error::CardUnknownReader);
    }
    Ok(name.iter().map(|&b| char::from(b)).collect())
}

/// Writes `text` blank-padded (or cut) into `field`.
fn put_text(field: &mut [u8], text: &[u8]) {
    field.fill(b' ');
    let n = text.len().min(field.len());
    field[..n].copy_from_slice(&text[..n]);
}

/// The reader list of CSUCRDL: one [`READER_ENTRY_LEN`]-byte entry per reader (the name
/// blank-padded to 128 bytes, then `PRESENT ` or `EMPTY   `), in pcscd's order;
/// `only_present` keeps the readers that hold a card.
pub fn list_readers(only_present: bool) -> Result<Vec<[u8; READER_ENTRY_LEN]>> {
    let readers = Pcsc::establish()?.readers()?;
    Ok(readers
        .iter()
        .filter(|r| r.card_present || !only_present)
        .map(reader_entry)
        .collect())
}

fn reader_entry(r: &ReaderInfo) -> [u8; READER_ENTRY_LEN] {
    let mut e = [b' '; READER_ENTRY_LEN];
    // pcscd's name comes from the reader's driver (a USB product string): a byte outside
    // X'20'-X'7E' is listed as '?', so no control sequence reaches a caller's screen (such a
    // reader cannot be named on input anyway: 8/X'F121').
    let shown: Vec<u8> = r
        .name
        .bytes()
        .map(|b| if (0x20..=0x7E).contains(&b) { b } else { b'?' })
        .collect();
    put_text(&mut e[..READER_NAME_LEN], &shown);
    let status: &[u8] = if r.card_present { b"PRESENT" } else { b"EMPTY" };
    put_text(&mut e[READER_NAME_LEN..], status);
    e
}

/// Runs `op` on the selected operator card in `reader`, in one session.
fn on_card<R>(
    reader: &str,
    mut op: impl FnMut(&mut OperatorCard<'_>) -> core::result::Result<R, CardError>,
) -> Result<R> {
    let pcsc = Pcsc::establish()?;
    Ok(pcsc.session(reader, |t: &mut dyn Transport| op(&mut select(reader, t)?))?)
}

/// Selects the operator application on the card of `reader` (session `t`) and notes the
/// card's serial number, read without a PIN (GET DATA), for the call's audit record. Every
/// card session of the library starts here.
pub(crate) fn select<'t>(
    reader: &str,
    t: &'t mut dyn Transport,
) -> core::result::Result<OperatorCard<'t>, CardError> {
    let mut card = OperatorCard::select(t)?;
    if let Ok(d) = card.card_data() {
        audit::scope::csn(reader, &d.csn);
    }
    Ok(card)
}

/// What Inspect read: the card data and, when a PIN was given, the label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The card data (GET DATA `0066`, read after the PIN when one was given).
    pub data: CardData,
    /// The label; `None` when no PIN was given.
    pub label: Option<Vec<u8>>,
}

/// Inspect: the card data of the card in `reader` and, with a PIN (verified first), its label.
pub fn inspect(reader: &str, pin: Option<&CardPin>) -> Result<Inspection> {
    on_card(reader, |card| {
        let label = match pin {
            Some(p) => {
                card.verify(p)?;
                let label = card.label()?;
                audit::scope::label(reader, &label);
                Some(label)
            }
            None => None,
        };
        Ok(Inspection {
            data: card.card_data()?,
            label,
        })
    })
}

impl Inspection {
    /// The [`INSPECT_LEN`]-byte layout of docs/CSUCINS.md (all fields ASCII, blank padded):
    ///
    /// | offset | length | field |
    /// |---|---|---|
    /// | 0 | 66 | ATR, hexadecimal |
    /// | 66 | 32 | CSN |
    /// | 98 | 32 | Family |
    /// | 130 | 32 | Card Name |
    /// | 162 | 16 | Card OS |
    /// | 178 | 2 | Prog Ver (hex) |
    /// | 180 | 2 | Chip Ver (hex) |
    /// | 182 | 2 | LOCK1 (hex) |
    /// | 184 | 2 | LOCK2 (hex) |
    /// | 186 | 8 | Card Type |
    /// | 194 | 32 | PIN Locked: `yes` or `no (one more PIN change allowed)` |
    /// | 226 | 2 | PIN SCR, decimal |
    /// | 228 | 2 | MMPN, decimal |
    /// | 230 | 8 | content kind: `EMPTY`, `SVMK`, `SVMKSHR`, `PARTSHR` |
    /// | 238 | 32 | set id (hex; blank when empty) |
    /// | 270 | 3 | M, decimal (blank when empty) |
    /// | 273 | 3 | N |
    /// | 276 | 3 | index |
    /// | 279 | 16 | check value (hex) |
    /// | 295 | 1 | `Y` when the label field is filled (a PIN was given), else `N` |
    /// | 296 | 2 | label length, decimal (`00` without PIN) |
    /// | 298 | 64 | label |
    /// | 362 | 2 | profile version, decimal |
    pub fn layout(&self) -> [u8; INSPECT_LEN] {
        let d = &self.data;
        let mut out = [b' '; INSPECT_LEN];
        let mut at = 0;
        let mut field = |len: usize, text: &[u8]| {
            put_text(&mut out[at..at + len], text);
            at += len;
        };
        field(66, hex(&d.atr).as_bytes());
        field(32, d.csn.as_bytes());
        field(32, d.family.as_bytes());
        field(32, d.card_name.as_bytes());
        field(16, d.card_os.as_bytes());
        for b in [d.prog_ver, d.chip_ver, d.lock1, d.lock2] {
            field(2, hex(&[b]).as_bytes());
        }
        field(8, d.card_type.as_bytes());
        let locked: &[u8] = if d.pin_sealed {
            b"yes"
        } else {
            PIN_UNLOCKED_TEXT.as_bytes()
        };
        field(32, locked);
        field(2, format!("{:02}", d.scr.min(99)).as_bytes());
        field(2, format!("{:02}", d.mmpn.min(99)).as_bytes());
        let kind: &[u8] = match d.content.kind {
            ContentKind::Empty => b"EMPTY",
            ContentKind::MasterKey => b"SVMK",
            ContentKind::MasterKeyShare => b"SVMKSHR",
            ContentKind::PartitionShare => b"PARTSHR",
        };
        field(8, kind);
        match &d.content.set {
            Some(s) => {
                field(32, hex(&s.set_id).as_bytes());
                for v in [s.m, s.n, s.index] {
                    field(3, format!("{v:03}").as_bytes());
                }
                field(16, hex(&s.check_value).as_bytes());
            }
            None => field(32 + 9 + 16, b""),
        }
        match &self.label {
            Some(l) => {
                field(1, b"Y");
                field(2, format!("{:02}", l.len()).as_bytes());
                field(64, l);
            }
            None => {
                field(1, b"N");
                field(2, b"00");
                field(64, b"");
            }
        }
        field(2, format!("{:02}", d.profile_version.min(99)).as_bytes());
        debug_assert_eq!(at, INSPECT_LEN);
        out
    }
}

/// Get Label: the PIN is verified, then the label is read (at most [`LABEL_LEN`] bytes).
pub fn get_label(reader: &str, pin: &CardPin) -> Result<Vec<u8>> {
    on_card(reader, |card| {
        card.verify(pin)?;
        let label = card.label()?;
        audit::scope::label(reader, &label);
        Ok(label)
    })
}

/// Change PIN: the card's one PIN change (CHANGE REFERENCE DATA with the old PIN); then the PIN
/// area is sealed and a second change is [`Error::CardPinChangeUsed`].
pub fn change_pin(reader: &str, old: &CardPin, new: &CardPin) -> Result<()> {
    on_card(reader, |card| card.change_pin(old, new))
}

/// Erase: the PIN is verified, then the card returns to its post-format state (transport PIN,
/// one PIN change allowed, no label, no content).
pub fn erase(reader: &str, pin: &CardPin) -> Result<()> {
    on_card(reader, |card| {
        card.verify(pin)?;
        card.erase()
    })
}

/// The card in `reader` after its PIN: VERIFY (a wrong PIN counts on the card), then its
/// serial number and its content object with the secret (GET DATA `0102`), for enrolling and
/// logging on with the card (CSUAACI, CSUALCT `CARD`).
pub fn verified_content(reader: &str, pin: &CardPin) -> Result<(String, crate::card::Content)> {
    on_card(reader, |card| {
        card.verify(pin)?;
        let csn = card.card_data()?.csn;
        Ok((csn, card.content()?))
    })
}

/// Copy Card (docs/CSUCCPY.md): an exact copy of the content object and label of the card in
/// `source` onto the erased card in `target`; both must accept `pin`. The source is only read.
///
/// Order: the reader names (same name: [`Error::CardCopySameCard`] before pcscd is asked);
/// both sessions (in reader-name order, whichever is the source); SELECT and card data of both
/// (same CSN, a blocked card, an empty source, a target with content: refused before any PIN
/// is presented, so no counter moves); VERIFY on the source (its failures keep the usual
/// codes), then on the target ([`Error::CardTargetWrongPin`], [`Error::CardTargetBlocked`]);
/// label and content read from the source; one PUT DATA `0103` writes both onto the target in
/// one atomic step (a target pulled mid-copy holds nothing or the whole copy); then the target
/// is read back and compared with the source (the secret in constant time). A target whose
/// read-back differs is erased again and [`Error::CardCopyMismatch`].
pub fn copy_card(source: &str, target: &str, pin: &CardPin) -> Result<()> {
    if source == target {
        return Err(Error::CardCopySameCard);
    }
    let label = on_two_cards(source, target, |src, tgt| copy_between(src, tgt, pin))?;
    // The audit record names the label on both cards (the source's, now the target's too).
    audit::scope::label(source, &label);
    audit::scope::label(target, &label);
    Ok(())
}

/// Runs `op` on the selected cards in `source` and `target` (source selected first), each in
/// its own session; both sessions stay open for the whole of `op`.
///
/// The sessions are opened in reader-name order, whichever card is the source: two calls
/// copying between the same two readers in opposite directions then queue for the same first
/// transaction instead of each holding one card and waiting for the other's for ever.
fn on_two_cards<R>(
    source: &str,
    target: &str,
    mut op: impl FnMut(&mut OperatorCard<'_>, &mut OperatorCard<'_>) -> Result<R>,
) -> Result<R> {
    let pcsc = Pcsc::establish()?;
    let source_first = source < target;
    let (first, second) = if source_first {
        (source, target)
    } else {
        (target, source)
    };
    let nested = pcsc.session(first, |t1: &mut dyn Transport| {
        pcsc.session(second, |t2: &mut dyn Transport| {
            if source_first {
                select_both((source, t1), (target, t2), &mut op)
            } else {
                select_both((source, t2), (target, t1), &mut op)
            }
        })
    });
    nested?
}

/// [`select`] on the source, then on the target (each reader with its session), then `op`.
fn select_both<R>(
    source: (&str, &mut dyn Transport),
    target: (&str, &mut dyn Transport),
    op: &mut impl FnMut(&mut OperatorCard<'_>, &mut OperatorCard<'_>) -> Result<R>,
) -> core::result::Result<Result<R>, CardError> {
    let mut src = select(source.0, source.1)?;
    let mut tgt = select(target.0, target.1)?;
    Ok(op(&mut src, &mut tgt))
}

/// A failure of a PIN presented to the target, told apart from the source's.
fn target_pin(e: CardError) -> Error {
    match e {
        CardError::WrongPin { tries_left } => Error::CardTargetWrongPin(tries_left.min(15)),
        CardError::Blocked => Error::CardTargetBlocked,
        other => other.into(),
    }
}

/// The Copy Card steps on two selected cards (see [`copy_card`]); the label copied.
fn copy_between(
    src: &mut OperatorCard<'_>,
    tgt: &mut OperatorCard<'_>,
    pin: &CardPin,
) -> Result<Zeroizing<Vec<u8>>> {
    let from = src.card_data()?;
    let to = tgt.card_data()?;
    if from.csn == to.csn {
        return Err(Error::CardCopySameCard);
    }
    if from.blocked() {
        return Err(Error::CardBlocked);
    }
    if to.blocked() {
        return Err(Error::CardTargetBlocked);
    }
    if from.content.kind == ContentKind::Empty {
        return Err(Error::CardCopySourceEmpty);
    }
    if to.content.kind != ContentKind::Empty {
        return Err(Error::CardCopyTargetNotErased);
    }
    src.verify(pin)?;
    tgt.verify(pin).map_err(target_pin)?;
    let label = Zeroizing::new(src.label()?);
    let content = src.content()?;
    if *content.descriptor() != from.content {
        return Err(Error::CardMalformedResponse);
    }
    tgt.put_label_and_content(&label, &content)
        .map_err(|e| match e {
            CardError::ContentNotEmpty => Error::CardCopyTargetNotErased,
            CardError::Blocked => Error::CardTargetBlocked,
            other => other.into(),
        })?;
    let label_back = Zeroizing::new(tgt.label()?);
    let back = tgt.content()?;
    let same = ct_eq(back.secret(), content.secret())
        & (back.descriptor() == content.descriptor())
        & (*label_back == *label);
    if !same {
        // The target holds something else than the source: take it back to erased.
        let _ = tgt.erase();
        return Err(Error::CardCopyMismatch);
    }
    Ok(label)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reader_name_with_control_bytes_is_listed_printable() {
        let r = ReaderInfo {
            name: "Evil\u{1b}]52;c;aGk=\u{7}Reader \u{e9}".to_string(),
            card_present: true,
        };
        let e = reader_entry(&r);
        assert!(e.iter().all(|b| (0x20..=0x7E).contains(b)), "{e:?}");
        assert!(
            e.starts_with(b"Evil?]52;c;aGk=?Reader ??"),
            "{:?}",
            String::from_utf8_lossy(&e)
        );
        assert!(e[128..].starts_with(b"PRESENT"));
    }

    use super::*;
    use crate::card::Descriptor;

    fn data() -> CardData {
        CardData {
            atr: vec![0x3B, 0x88],
            csn: "5C0FCCA000000009".into(),
            family: "SOFTCCA".into(),
            card_name: "Operator".into(),
            card_os: "vcard".into(),
            prog_ver: 1,
            chip_ver: 0x1A,
            lock1: 0,
            lock2: 0xFF,
            card_type: "OPER".into(),
            scr: 2,
            mmpn: 6,
            pin_sealed: false,
            profile_version: 1,
            content: Descriptor {
                kind: ContentKind::Empty,
                set: None,
            },
        }
    }

    #[test]
    fn inspect_layout_offsets() {
        let i = Inspection {
            data: data(),
            label: Some(b"SET-A".to_vec()),
        };
        let l = i.layout();
        assert_eq!(&l[0..6], b"3B88  ");
        assert_eq!(&l[66..82], b"5C0FCCA000000009");
        assert_eq!(&l[178..186], b"011A00FF");
        assert_eq!(&l[186..190], b"OPER");
        assert_eq!(&l[194..226], PIN_UNLOCKED_TEXT.as_bytes());
        assert_eq!(&l[226..230], b"0206");
        assert_eq!(&l[230..238], b"EMPTY   ");
        assert_eq!(&l[238..295], &[b' '; 57][..]);
        assert_eq!(&l[295..303], b"Y05SET-A");
        assert_eq!(&l[362..364], b"01");
    }

    #[test]
    fn reader_name_field() {
        let mut f = [b' '; READER_NAME_LEN];
        assert_eq!(reader_name(&f), Err(Error::CardUnknownReader));
        f[..11].copy_from_slice(b"Virtual PCD");
        assert_eq!(reader_name(&f).unwrap(), "Virtual PCD");
        f[3] = 0x01;
        assert_eq!(reader_name(&f), Err(Error::CardUnknownReader));
    }
}
