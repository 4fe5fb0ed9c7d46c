//! The ceremony buffer: a multi-card operation's state between calls (docs/custody.md §3).
//!
//! Like CSNBKPI's partial key or the MAC chaining vector, the caller holds the state and passes
//! it back with the next card. The buffer is [`CEREMONY_LEN`] bytes: a clear, blank-padded
//! ASCII header ([`HEADER_LEN`] bytes, what a console shows: "insert card 2 of 5") and the
//! state itself, AES-256-GCM encrypted and authenticated (header as associated data) under a
//! key drawn from the operating system when this process first needs it and kept only in its
//! memory. So no share or secret is ever in clear outside the library, a buffer altered or
//! made by another process (or before a restart) is refused, and an abandoned ceremony is
//! useless once the process ends. Each buffer is also single-use and expiring: its body holds
//! the ceremony id and step, checked against this process's table of running ceremonies
//! ([`super::ticket`]), so a kept buffer cannot be passed again.
//!
//! Header layout (all ASCII, blank padded):
//!
//! | offset | length | field |
//! |---|---|---|
//! | 0 | 8 | eye-catcher `SOFTCER1` |
//! | 8 | 8 | the verb the buffer belongs to (`CSUCSVK`, `CSUCPAS`, `CSUCCST`, `CSUCVST`, …) |
//! | 16 | 8 | phase: `READ` (collecting cards of a set), `WRITE` (writing a new set), `DONE` |
//! | 24 | 4 | kind: `SVMK` or `PART` |
//! | 28 | 3 | M of the phase's set, decimal (`000` before the first card of `READ`) |
//! | 31 | 3 | N of the phase's set |
//! | 34 | 3 | cards done in this phase |
//! | 37 | 32 | set id of the phase's set, hexadecimal (blank before the first card of `READ`) |
//! | 69 | 16 | check value, hexadecimal (blank likewise) |
//! | 85 | 3 | Copy Set (`CSUCCST`): M' of the set to write, decimal, from the `FIRST` call on (blank for the other verbs) |
//! | 88 | 3 | Copy Set: N' of the set to write (blank likewise) |
//! | 91 | 5 | reserved, blanks |
//! | 96 | 12 | nonce (binary) |
//! | 108 | 3972 | encrypted state (binary) |
//! | 4080 | 16 | authentication tag (binary) |

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use super::collect::Collector;
use super::shamir::Share;
use super::ticket::{self, Ticket};
use super::write::Writer;
use super::{SECRET_LEN, SecretKind};
use crate::error::{Error, Result};
use crate::hex::hex;

/// Length of a ceremony buffer.
pub const CEREMONY_LEN: usize = 4096;
/// Length of its clear header.
pub const HEADER_LEN: usize = 96;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const BODY_LEN: usize = CEREMONY_LEN - HEADER_LEN - NONCE_LEN - TAG_LEN;
const EYE: &[u8; 8] = b"SOFTCER1";

/// A ceremony buffer (4096 bytes).
pub type CeremonyBuffer = [u8; CEREMONY_LEN];

/// Whether a call starts a ceremony or goes on with one (rule-array keyword `FIRST` or
/// `NEXT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Start: the buffer passed in is ignored.
    First,
    /// Go on with the buffer the previous call returned.
    Next,
}

/// This process's ceremony key: drawn on first use, never leaves this process's memory.
static KEY: once_cell::sync::OnceCell<Zeroizing<[u8; 32]>> = once_cell::sync::OnceCell::new();

fn cipher() -> Result<Aes256Gcm> {
    let key = KEY.get_or_try_init(|| {
        let mut k = Zeroizing::new([0u8; 32]);
        crate::crypto::rng::fill(&mut k[..])?;
        Ok::<_, Error>(k)
    })?;
    Aes256Gcm::new_from_slice(&key[..]).map_err(|_| Error::Internal)
}

/// Where a ceremony stands.
pub enum Stage {
    /// Collecting the cards of an existing set.
    Read(Collector),
    /// Writing the cards of a new set.
    Write(Writer),
    /// Finished: the set that was written or recombined.
    Done(Finished),
}

/// What a finished ceremony reports (nothing secret).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Finished {
    /// The secret's kind.
    pub kind: SecretKind,
    /// The set's id.
    pub set_id: [u8; 16],
    /// Its M.
    pub m: u8,
    /// Its N.
    pub n: u8,
    /// The secret's check value.
    pub check_value: [u8; 8],
}

/// One ceremony: the verb it belongs to, its stage and this call's hold on it.
pub struct Ceremony {
    /// The verb name, blank padded (a buffer of one verb is refused by another).
    pub verb: [u8; 8],
    /// Where it stands.
    pub stage: Stage,
    /// Copy Set: M and N of the set to write once the source is recombined (`(0, 0)` for
    /// the other verbs).
    pub target: (u8, u8),
    /// This call's hold on the ceremony in the process's table: fresh for a new ceremony,
    /// claimed by [`Ceremony::open`]. [`Ceremony::seal`] advances it; dropped unsealed, a
    /// claim is released and the caller's last buffer stays the current one.
    pub ticket: Ticket,
}

/// The verb name field for `name`.
pub fn verb_name(name: &str) -> [u8; 8] {
    let mut v = [b' '; 8];
    v[..name.len().min(8)].copy_from_slice(&name.as_bytes()[..name.len().min(8)]);
    v
}

fn kind_code(k: SecretKind) -> u8 {
    match k {
        SecretKind::ServerMasterKey => 1,
        SecretKind::Partition => 2,
    }
}

fn kind_of(code: u8) -> Result<SecretKind> {
    match code {
        1 => Ok(SecretKind::ServerMasterKey),
        2 => Ok(SecretKind::Partition),
        _ => Err(Error::CeremonyBuffer),
    }
}

/// The kind's header text.
pub fn kind_text(k: SecretKind) -> &'static [u8; 4] {
    k.tag()
}

/// A byte writer into a zeroizing buffer.
pub(crate) struct Out(pub(crate) Zeroizing<Vec<u8>>);

impl Out {
    pub(crate) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(crate) fn bytes(&mut self, v: &[u8]) {
        self.0.extend_from_slice(v);
    }
    pub(crate) fn kind(&mut self, k: SecretKind) {
        self.u8(kind_code(k));
    }
    pub(crate) fn share(&mut self, s: &Share) {
        self.u8(s.index);
        self.bytes(&s.bytes[..]);
    }
}

/// A byte reader over a decrypted body; any overrun is [`Error::CeremonyBuffer`].
pub(crate) struct In<'a>(pub(crate) &'a [u8]);

impl In<'_> {
    pub(crate) fn u8(&mut self) -> Result<u8> {
        let (&b, rest) = self.0.split_first().ok_or(Error::CeremonyBuffer)?;
        self.0 = rest;
        Ok(b)
    }
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        if self.0.len() < N {
            return Err(Error::CeremonyBuffer);
        }
        let (a, rest) = self.0.split_at(N);
        self.0 = rest;
        a.try_into().map_err(|_| Error::CeremonyBuffer)
    }
    pub(crate) fn kind(&mut self) -> Result<SecretKind> {
        kind_of(self.u8()?)
    }
    pub(crate) fn share(&mut self) -> Result<Share> {
        let index = self.u8()?;
        if self.0.len() < SECRET_LEN {
            return Err(Error::CeremonyBuffer);
        }
        let (a, rest) = self.0.split_at(SECRET_LEN);
        self.0 = rest;
        let mut s = Share::new(index, &[0u8; SECRET_LEN]);
        s.bytes.copy_from_slice(a);
        Ok(s)
    }
}

/// The header's phase fields: phase, kind, M, N, done, set id, check value.
struct HeaderView<'a> {
    phase: &'a [u8],
    kind: Option<SecretKind>,
    m: u8,
    n: u8,
    done: u8,
    set: Option<([u8; 16], [u8; 8])>,
}

impl Ceremony {
    /// A new ceremony of `verb` at `stage` (its id is entered in the table when its first
    /// buffer is sealed).
    pub fn start(verb: [u8; 8], stage: Stage, target: (u8, u8)) -> Result<Ceremony> {
        Ok(Ceremony {
            verb,
            stage,
            target,
            ticket: Ticket::fresh()?,
        })
    }

    fn header_view(&self) -> HeaderView<'_> {
        match &self.stage {
            Stage::Read(c) => {
                let s = c.source();
                HeaderView {
                    phase: b"READ",
                    kind: c.kind(),
                    m: s.map_or(0, |s| s.m),
                    n: s.map_or(0, |s| s.n),
                    done: c.count(),
                    set: s.map(|s| (s.set_id, s.check_value)),
                }
            }
            Stage::Write(w) => HeaderView {
                phase: b"WRITE",
                kind: Some(w.spec().kind),
                m: w.spec().m,
                n: w.spec().n,
                done: w.written(),
                set: Some((w.spec().set_id, w.spec().check_value)),
            },
            Stage::Done(f) => HeaderView {
                phase: b"DONE",
                kind: Some(f.kind),
                m: f.m,
                n: f.n,
                done: f.n,
                set: Some((f.set_id, f.check_value)),
            },
        }
    }

    fn header(&self) -> [u8; HEADER_LEN] {
        let v = self.header_view();
        let mut h = [b' '; HEADER_LEN];
        let mut put = |at: usize, text: &[u8]| h[at..at + text.len()].copy_from_slice(text);
        put(0, EYE);
        put(8, &self.verb);
        put(16, v.phase);
        if let Some(k) = v.kind {
            put(24, kind_text(k));
        }
        put(28, format!("{:03}", v.m).as_bytes());
        put(31, format!("{:03}", v.n).as_bytes());
        put(34, format!("{:03}", v.done).as_bytes());
        if let Some((id, cv)) = v.set {
            put(37, hex(&id).as_bytes());
            put(69, hex(&cv).as_bytes());
        }
        if self.target != (0, 0) {
            put(85, format!("{:03}", self.target.0).as_bytes());
            put(88, format!("{:03}", self.target.1).as_bytes());
        }
        h
    }

    /// Encrypts the ceremony into a buffer for the caller: the ceremony's next step, the only
    /// buffer of it that a later call accepts (a `DONE` buffer ends the ceremony: none).
    pub fn seal(self) -> Result<Box<CeremonyBuffer>> {
        crate::crypto::scrub::note_secret();
        let mut body = Out(Zeroizing::new(Vec::with_capacity(BODY_LEN)));
        body.bytes(&self.verb);
        body.bytes(&self.ticket.id());
        body.bytes(&self.ticket.next_step().to_be_bytes());
        body.u8(self.target.0);
        body.u8(self.target.1);
        match &self.stage {
            Stage::Read(c) => {
                body.u8(1);
                c.encode(&mut body);
            }
            Stage::Write(w) => {
                body.u8(2);
                w.encode(&mut body);
            }
            Stage::Done(f) => {
                body.u8(3);
                body.kind(f.kind);
                body.bytes(&f.set_id);
                body.u8(f.m);
                body.u8(f.n);
                body.bytes(&f.check_value);
            }
        }
        if body.0.len() > BODY_LEN {
            return Err(Error::Internal);
        }
        body.0.resize(BODY_LEN, 0);
        let header = self.header();
        let mut nonce = [0u8; NONCE_LEN];
        crate::crypto::rng::fill(&mut nonce)?;
        let tag = cipher()?
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), &header, &mut body.0[..])
            .map_err(|_| Error::Internal)?;
        let mut out = Box::new([0u8; CEREMONY_LEN]);
        out[..HEADER_LEN].copy_from_slice(&header);
        out[HEADER_LEN..HEADER_LEN + NONCE_LEN].copy_from_slice(&nonce);
        out[HEADER_LEN + NONCE_LEN..CEREMONY_LEN - TAG_LEN].copy_from_slice(&body.0);
        out[CEREMONY_LEN - TAG_LEN..].copy_from_slice(&tag);
        let last = matches!(self.stage, Stage::Done(_));
        self.ticket.issue(&self.verb, last);
        Ok(out)
    }

    /// Decrypts and checks a buffer this process sealed for `verb`: anything else (altered,
    /// another process's, another verb's) is [`Error::CeremonyBuffer`]. Then claims the
    /// ceremony ([`ticket::claim`]): a buffer that is not the ceremony's current step (an
    /// older one replayed, a copy passed twice or by two calls at once, a `DONE` one, one
    /// from before a `fork()`) is [`Error::CeremonyPhase`], an expired ceremony
    /// [`Error::CeremonyExpired`].
    pub fn open(buffer: &CeremonyBuffer, verb: &[u8; 8]) -> Result<Ceremony> {
        crate::crypto::scrub::note_secret();
        let header: [u8; HEADER_LEN] = buffer[..HEADER_LEN]
            .try_into()
            .map_err(|_| Error::Internal)?;
        if &header[..8] != EYE || &header[8..16] != verb {
            return Err(Error::CeremonyBuffer);
        }
        let nonce = &buffer[HEADER_LEN..HEADER_LEN + NONCE_LEN];
        let mut body =
            Zeroizing::new(buffer[HEADER_LEN + NONCE_LEN..CEREMONY_LEN - TAG_LEN].to_vec());
        let tag = Tag::from_slice(&buffer[CEREMONY_LEN - TAG_LEN..]);
        cipher()?
            .decrypt_in_place_detached(Nonce::from_slice(nonce), &header, &mut body[..], tag)
            .map_err(|_| Error::CeremonyBuffer)?;
        let mut r = In(&body[..]);
        if &r.array::<8>()? != verb {
            return Err(Error::CeremonyBuffer);
        }
        let id = r.array::<16>()?;
        let step = u32::from_be_bytes(r.array()?);
        let target = (r.u8()?, r.u8()?);
        let stage = match r.u8()? {
            1 => Stage::Read(Collector::decode(&mut r)?),
            2 => Stage::Write(Writer::decode(&mut r)?),
            3 => Stage::Done(Finished {
                kind: r.kind()?,
                set_id: r.array()?,
                m: r.u8()?,
                n: r.u8()?,
                check_value: r.array()?,
            }),
            _ => return Err(Error::CeremonyBuffer),
        };
        let mut c = Ceremony {
            verb: *verb,
            stage,
            target,
            ticket: Ticket::fresh()?,
        };
        // The header is authenticated, so it matches; checked again as a guard against a bug.
        if c.header() != header {
            return Err(Error::CeremonyBuffer);
        }
        c.ticket = ticket::claim(id, step, verb)?;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done() -> Ceremony {
        Ceremony {
            verb: verb_name("CSUCVST"),
            stage: Stage::Done(Finished {
                kind: SecretKind::Partition,
                set_id: [0xAB; 16],
                m: 2,
                n: 3,
                check_value: [0x12; 8],
            }),
            target: (0, 0),
            ticket: Ticket::fresh().unwrap(),
        }
    }

    #[test]
    fn header_is_readable_and_a_buffer_passes_once() {
        let b = done().seal().unwrap();
        assert_eq!(&b[..24], b"SOFTCER1CSUCVST DONE    ");
        assert_eq!(&b[24..37], b"PART002003003");
        assert_eq!(&b[37..69], "AB".repeat(16).as_bytes());
        assert_eq!(&b[69..85], b"1212121212121212");
        assert_eq!(&b[85..96], b"           ");
        // A DONE buffer ends its ceremony: it is never accepted again.
        assert_eq!(
            Ceremony::open(&b, &verb_name("CSUCVST")).err(),
            Some(Error::CeremonyPhase)
        );
        // Copy Set shows its target M'/N' from FIRST on; a READ buffer round-trips once.
        let verb = verb_name("CSUCCST");
        let read = Ceremony::start(verb, Stage::Read(Collector::any()), (3, 5))
            .unwrap()
            .seal()
            .unwrap();
        assert_eq!(&read[16..24], b"READ    ");
        assert_eq!(&read[85..96], b"003005     ");
        let c = Ceremony::open(&read, &verb).unwrap();
        assert_eq!(c.target, (3, 5));
        // Claimed: the same buffer again (a racing call) is refused; released by a failed
        // call (dropped unsealed), it passes again; once its successor is sealed, never.
        assert_eq!(
            Ceremony::open(&read, &verb).err(),
            Some(Error::CeremonyPhase)
        );
        drop(c);
        let c = Ceremony::open(&read, &verb).unwrap();
        let next = c.seal().unwrap();
        assert_eq!(
            Ceremony::open(&read, &verb).err(),
            Some(Error::CeremonyPhase)
        );
        assert!(Ceremony::open(&next, &verb).is_ok());
    }

    #[test]
    fn altered_or_foreign_buffers_are_refused() {
        let b = done().seal().unwrap();
        assert_eq!(
            Ceremony::open(&b, &verb_name("CSUCCST")).err(),
            Some(Error::CeremonyBuffer)
        );
        for at in [5, 30, 40, 100, 2000, 4095] {
            let mut x = b.clone();
            x[at] ^= 1;
            assert_eq!(
                Ceremony::open(&x, &verb_name("CSUCVST")).err(),
                Some(Error::CeremonyBuffer),
                "byte {at}"
            );
        }
        // The clear header shows no secret: the body is not the plaintext layout.
        assert_ne!(
            &b[HEADER_LEN + NONCE_LEN..HEADER_LEN + NONCE_LEN + 8],
            b"CSUCVST "
        );
    }
}
