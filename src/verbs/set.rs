//! The custody set verbs (family `CSUC`, docs/custody.md): Create Server Master Key
//! (CSUCSVK), Create Partition Auth Set (CSUCPAS), Copy Set (CSUCCST), Verify Set (CSUCVST)
//! and Set Status (CSUCSST), over [`crate::custody`] and the set registry.
//!
//! The multi-card verbs take one card per call and carry their state in a ceremony buffer
//! ([`crate::custody::ceremony`]): `FIRST` starts a ceremony with the first card, `NEXT` goes
//! on with the buffer the previous call returned. A call that fails returns no buffer, so the
//! caller goes on from its last good one (another card, the right PIN).

use crate::audit;
use crate::card::{CardPin, ContentKind, Transport};
pub use crate::custody::ceremony::Step;
use crate::custody::ceremony::{Ceremony, CeremonyBuffer, Finished, Stage, verb_name};
use crate::custody::collect::Collector;
use crate::custody::collect::{self, Progress};
use crate::custody::shamir;
use crate::custody::ticket::Ticket;
use crate::custody::write::{Writer, check_label};
use crate::custody::{Secret, SecretKind};
use crate::error::{Error, Result};
use crate::hex::hex;
use crate::state::sets::{SetRegistry, SetState};

/// One card of a ceremony: the reader, the card's PIN and (for a card being written) its
/// label.
pub struct CardStep<'a> {
    /// The PC/SC reader holding the card.
    pub reader: &'a str,
    /// The card's PIN.
    pub pin: &'a CardPin,
    /// The label to write (cards being written); blank-trimmed by the caller.
    pub label: &'a [u8],
}

fn finished(w: &Writer) -> Finished {
    let s = w.spec();
    Finished {
        kind: s.kind,
        set_id: s.set_id,
        m: s.m,
        n: s.n,
        check_value: s.check_value,
    }
}

/// Checks M and N of a set to write: whole (1, 1) or 2 ≤ M ≤ N ≤ 64.
fn check_shape(m: i32, n: i32) -> Result<(u8, u8)> {
    let (m, n) = (
        u8::try_from(m).map_err(|_| Error::SetParameters)?,
        u8::try_from(n).map_err(|_| Error::SetParameters)?,
    );
    if (m, n) != (1, 1) {
        shamir::check_threshold(m, n)?;
    }
    Ok((m, n))
}

/// Writes the next card of `w` and returns the ceremony's next stage. (A failure that
/// marked the set invalid leaves the ceremony in the table: going on is refused by the
/// registry, 8/X'F232', until the ceremony expires.)
fn write_step(sets: &SetRegistry, mut w: Writer, card: &CardStep<'_>) -> Result<Stage> {
    w.write_on_reader(sets, card.reader, card.pin, card.label)?;
    Ok(if w.done() {
        Stage::Done(finished(&w))
    } else {
        Stage::Write(w)
    })
}

/// Notes the phase the call leaves the ceremony in (`phase` detail: `READ`, `WRITE`, `DONE`).
fn note_phase(stage: &Stage) {
    let phase: &[u8] = match stage {
        Stage::Read(_) => b"READ",
        Stage::Write(_) => b"WRITE",
        Stage::Done(_) => b"DONE",
    };
    audit::scope::detail("phase", phase);
}

/// Opens the buffer of a `NEXT` call for `verb`.
fn resume(buffer: &CeremonyBuffer, verb: &[u8; 8]) -> Result<Ceremony> {
    Ceremony::open(buffer, verb)
}

/// Create Server Master Key (`kind` SVMK, verb CSUCSVK) or Create Partition Auth Set
/// (`kind` partition, CSUCPAS): `FIRST` draws a new 256-bit secret from the operating system,
/// splits it M of N (or keeps it whole for M = N = 1, SVMK only) and writes card 1; each
/// `NEXT` writes the next card. Returns the new buffer (phase `DONE` after card N).
pub fn create(
    sets: &SetRegistry,
    kind: SecretKind,
    step: Step,
    buffer: &CeremonyBuffer,
    card: &CardStep<'_>,
    m: i32,
    n: i32,
) -> Result<Box<CeremonyBuffer>> {
    let verb = verb_name(match kind {
        SecretKind::ServerMasterKey => "CSUCSVK",
        SecretKind::Partition => "CSUCPAS",
    });
    check_label(card.label)?;
    let (writer, ticket) = match step {
        Step::First => {
            let (m, n) = check_shape(m, n)?;
            if kind == SecretKind::Partition && card.label.is_empty() {
                return Err(Error::SetParameters);
            }
            (
                Writer::new(kind, &Secret::random()?, m, n, None)?,
                Ticket::fresh()?,
            )
        }
        Step::Next => {
            let c = resume(buffer, &verb)?;
            match c.stage {
                Stage::Write(w) => (w, c.ticket),
                _ => return Err(Error::CeremonyPhase),
            }
        }
    };
    audit::scope::detail("set", hex(&writer.spec().set_id).as_bytes());
    let stage = write_step(sets, writer, card)?;
    note_phase(&stage);
    Ceremony {
        verb,
        stage,
        target: (0, 0),
        ticket,
    }
    .seal()
}

/// Copy Set (CSUCCST): `FIRST` and the following `NEXT` calls read M cards of a complete set
/// (each PIN verified; the cards are only read); the call that adds the M-th card recombines
/// the secret, checks it and splits it anew M' of N' (`m`, `n` of the `FIRST` call) under a new
/// set id; the next `NEXT` calls write the new cards as Create does.
pub fn copy(
    sets: &SetRegistry,
    step: Step,
    buffer: &CeremonyBuffer,
    card: &CardStep<'_>,
    m: i32,
    n: i32,
) -> Result<Box<CeremonyBuffer>> {
    let verb = verb_name("CSUCCST");
    check_label(card.label)?;
    let Ceremony {
        stage,
        target,
        ticket,
        ..
    } = match step {
        Step::First => Ceremony::start(verb, Stage::Read(Collector::any()), check_shape(m, n)?)?,
        Step::Next => resume(buffer, &verb)?,
    };
    audit::scope::detail(
        "target",
        format!("{:03}{:03}", target.0, target.1).as_bytes(),
    );
    let (stage, ticket) = match stage {
        Stage::Read(mut c) => {
            if let Some(s) = c.source() {
                audit::scope::detail("source", hex(&s.set_id).as_bytes());
            }
            c.add_from_reader(sets, card.reader, card.pin)?;
            if let Some(s) = c.source() {
                audit::scope::detail("source", hex(&s.set_id).as_bytes());
            }
            if c.ready() {
                let (secret, rec) = c.finish(sets)?;
                if target == (1, 1) && rec.spec.kind != SecretKind::ServerMasterKey {
                    // No card of this set can fit the target: the ceremony ends.
                    ticket.end();
                    return Err(Error::SetParameters);
                }
                let w = Writer::new(
                    rec.spec.kind,
                    &secret,
                    target.0,
                    target.1,
                    Some(rec.spec.set_id),
                )?;
                audit::scope::detail("set", hex(&w.spec().set_id).as_bytes());
                (Stage::Write(w), ticket)
            } else {
                (Stage::Read(c), ticket)
            }
        }
        Stage::Write(w) => {
            audit::scope::detail("set", hex(&w.spec().set_id).as_bytes());
            (write_step(sets, w, card)?, ticket)
        }
        Stage::Done(_) => return Err(Error::CeremonyPhase),
    };
    note_phase(&stage);
    Ceremony {
        verb,
        stage,
        target,
        ticket,
    }
    .seal()
}

/// Verify Set (CSUCVST): reads M cards of a complete set, one per call (`FIRST`, then
/// `NEXT`), recombines the secret, checks it against the set's check value and forgets it.
/// The buffer's phase is `DONE` once the set verified; any refusal is an error.
pub fn verify(
    sets: &SetRegistry,
    step: Step,
    buffer: &CeremonyBuffer,
    card: &CardStep<'_>,
) -> Result<Box<CeremonyBuffer>> {
    Ok(
        match collect::step(sets, "CSUCVST", None, step, buffer, card.reader, card.pin)? {
            Progress::More(b) => {
                audit::scope::detail("phase", b"READ");
                b
            }
            Progress::Done { done, set, .. } => {
                audit::scope::detail("set", hex(&set.spec.set_id).as_bytes());
                audit::scope::detail("phase", b"DONE");
                done.seal()?
            }
        },
    )
}

/// Length of the Set Status record.
pub const STATUS_LEN: usize = 168;

/// Set Status (CSUCSST): what this state directory knows of the set of the card in `reader`
/// (no PIN: read from the card data). The [`STATUS_LEN`]-byte record (ASCII, blank padded):
///
/// | offset | length | field |
/// |---|---|---|
/// | 0 | 8 | `EMPTY` (no content), `UNKNOWN` (set not recorded here), `PENDING` (never completed: being written or interrupted), `INVALID` (a card write failed), `COMPLETE`, or `MISMATCH` (the card's M, N, kind or check value differ from the record: a forged or foreign card) |
/// | 8 | 8 | the card's content kind: `EMPTY`, `SVMK`, `SVMKSHR`, `PARTSHR` |
/// | 16 | 32 | set id (hex) |
/// | 48 | 3 | M |
/// | 51 | 3 | N |
/// | 54 | 3 | this card's index |
/// | 57 | 3 | cards of the set recorded as written (or begun) in this directory |
/// | 60 | 16 | check value (hex) |
/// | 76 | 32 | the set it was copied from (hex; blank for a new secret) |
/// | 108 | 60 | the set's label as recorded (blank padded, cut at 60) |
pub fn status(sets: &SetRegistry, reader: &str) -> Result<[u8; STATUS_LEN]> {
    let pcsc = crate::card::pcsc::Pcsc::establish()?;
    let data = pcsc.session(reader, |t: &mut dyn Transport| {
        super::card::select(reader, t)?.card_data()
    })?;
    let mut out = [b' '; STATUS_LEN];
    let mut put = |at: usize, len: usize, text: &[u8]| {
        let n = text.len().min(len);
        out[at..at + n].copy_from_slice(&text[..n]);
    };
    let kind: &[u8] = match data.content.kind {
        ContentKind::Empty => b"EMPTY",
        ContentKind::MasterKey => b"SVMK",
        ContentKind::MasterKeyShare => b"SVMKSHR",
        ContentKind::PartitionShare => b"PARTSHR",
    };
    put(8, 8, kind);
    let Some(info) = data.content.set else {
        put(0, 8, b"EMPTY");
        return Ok(out);
    };
    put(16, 32, hex(&info.set_id).as_bytes());
    put(48, 3, format!("{:03}", info.m).as_bytes());
    put(51, 3, format!("{:03}", info.n).as_bytes());
    put(54, 3, format!("{:03}", info.index).as_bytes());
    put(60, 16, hex(&info.check_value).as_bytes());
    let state: &[u8] = match sets.get(&info.set_id)? {
        None => b"UNKNOWN",
        Some(rec) => {
            put(57, 3, format!("{:03}", rec.cards).as_bytes());
            if let Some(f) = rec.spec.copied_from {
                put(76, 32, hex(&f).as_bytes());
            }
            put(108, 60, rec.spec.label.as_bytes());
            let kind_ok = match rec.spec.kind {
                SecretKind::ServerMasterKey => matches!(
                    data.content.kind,
                    ContentKind::MasterKey | ContentKind::MasterKeyShare
                ),
                SecretKind::Partition => data.content.kind == ContentKind::PartitionShare,
            };
            if !kind_ok
                || (rec.spec.m, rec.spec.n) != (info.m, info.n)
                || rec.spec.check_value != info.check_value
            {
                b"MISMATCH"
            } else {
                match rec.state {
                    SetState::Pending => b"PENDING",
                    SetState::Invalid => b"INVALID",
                    SetState::Complete => b"COMPLETE",
                }
            }
        }
    };
    put(0, 8, state);
    Ok(out)
}
