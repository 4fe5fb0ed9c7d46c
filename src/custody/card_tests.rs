//! Writer and Collector against in-process virtual cards (softcca-vcard): the Rust interface
//! the directory side uses, card faults the pcscd tests cannot cause (a write fault, a card
//! that reads back other content), and the ceremony buffer between cards.

use softcca_vcard::{ATR, Card, CardState, Identity, MemoryStore};

use super::ceremony::{Ceremony, Stage, verb_name};
use super::collect::Collector;
use super::ticket::Ticket;
use super::write::Writer;
use super::{Secret, SecretKind, check_value};
use crate::card::{Buffer, CardError, CardPin, OperatorCard, Transport};
use crate::error::Error;
use crate::state::dir::StateDir;
use crate::state::sets::{SetRegistry, SetState};

struct InProcess {
    card: Card<MemoryStore>,
    /// Flip a byte of the content GET DATA returns (a lying card).
    lie: bool,
}

impl InProcess {
    fn new(i: u8) -> InProcess {
        let id = Identity::virtual_card(&format!("5C0FCCA00000ABC{i:X}")).unwrap();
        InProcess {
            card: Card::new(CardState::formatted(id), MemoryStore::default()),
            lie: false,
        }
    }

    /// One session, ended by a card reset.
    fn with<R>(&mut self, op: impl FnOnce(&mut OperatorCard<'_>) -> R) -> R {
        let r = op(&mut OperatorCard::select(self).unwrap());
        self.card.reset();
        r
    }
}

impl Transport for InProcess {
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError> {
        let mut r = self.card.process(command);
        if self.lie && command.starts_with(&[0x00, 0xCA, 0x01, 0x02]) && r.len() > 4 {
            let at = r.len() - 3;
            r[at] ^= 1;
        }
        Ok(r)
    }
    fn atr(&self) -> &[u8] {
        &ATR
    }
}

fn pin() -> CardPin {
    CardPin::from_typed(b"12345678").unwrap()
}

/// A registry on a fresh state directory (the directory is kept: SQLite reaches the file
/// through its descriptor).
fn registry(tag: &str) -> (SetRegistry, StateDir, std::path::PathBuf) {
    let base =
        std::env::temp_dir().join(format!("softcca-unit-custody-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = StateDir::open(&base.join("state")).unwrap();
    crate::state::init::prepare(&dir, &[crate::state::ckds::FILE], "X'0032' on\n").unwrap();
    (SetRegistry::open(&dir).unwrap(), dir, base)
}

fn write_all(sets: &SetRegistry, w: &mut Writer, cards: &mut [InProcess]) {
    for c in cards.iter_mut() {
        c.with(|k| w.write_next(sets, k, &pin(), b"UNIT")).unwrap();
    }
}

#[test]
fn written_set_recombines_through_sealed_buffers_in_any_order() {
    let (sets, _dir, base) = registry("flow");
    let secret = Secret::random().unwrap();
    let mut w = Writer::new(SecretKind::ServerMasterKey, &secret, 3, 4, None).unwrap();
    let mut cards: Vec<InProcess> = (0..4).map(InProcess::new).collect();
    write_all(&sets, &mut w, &mut cards);
    let rec = sets.get(&w.spec().set_id).unwrap().unwrap();
    assert_eq!(
        (rec.state, rec.cards, rec.spec.label.as_str()),
        (SetState::Complete, 4, "UNIT")
    );
    let verb = verb_name("CSUCVST");
    for order in [[3, 1, 0], [0, 2, 3], [2, 1, 3]] {
        let mut sealed = Ceremony {
            verb,
            stage: Stage::Read(Collector::new(SecretKind::ServerMasterKey)),
            target: (0, 0),
            ticket: Ticket::fresh().unwrap(),
        }
        .seal()
        .unwrap();
        for (i, &k) in order.iter().enumerate() {
            let Stage::Read(mut c) = Ceremony::open(&sealed, &verb).unwrap().stage else {
                panic!()
            };
            assert_eq!(c.count() as usize, i);
            assert!(!c.ready());
            if i == 2 {
                // Two of three: finish refuses.
                let again = Ceremony::open(&sealed, &verb).unwrap();
                let Stage::Read(fewer) = again.stage else {
                    panic!()
                };
                assert_eq!(fewer.finish(&sets).err(), Some(Error::SetNotEnoughCards));
            }
            cards[k].with(|card| c.add(&sets, card, &pin())).unwrap();
            sealed = Ceremony {
                verb,
                stage: Stage::Read(c),
                target: (0, 0),
                ticket: Ticket::fresh().unwrap(),
            }
            .seal()
            .unwrap();
        }
        let Stage::Read(c) = Ceremony::open(&sealed, &verb).unwrap().stage else {
            panic!()
        };
        assert!(c.ready());
        let (back, r) = c.finish(&sets).unwrap();
        assert_eq!(back.as_bytes(), secret.as_bytes());
        assert_eq!(
            r.spec.check_value,
            check_value(&secret, SecretKind::ServerMasterKey)
        );
    }
    // A fourth card after M is a phase error; a partition collector refuses SVMK shares.
    let mut c = Collector::new(SecretKind::ServerMasterKey);
    for card in cards.iter_mut().take(3) {
        card.with(|k| c.add(&sets, k, &pin())).unwrap();
    }
    assert_eq!(
        cards[3].with(|card| c.add(&sets, card, &pin())).err(),
        Some(Error::CeremonyPhase)
    );
    let mut p = Collector::new(SecretKind::Partition);
    assert_eq!(
        cards[0].with(|card| p.add(&sets, card, &pin())).err(),
        Some(Error::SetKindMismatch)
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_write_fault_or_a_lying_card_makes_the_set_invalid() {
    let (sets, _dir, base) = registry("faults");
    let secret = Secret::random().unwrap();
    // Card 2's content write fails (VERIFY commits twice, the label once, then the content).
    let mut w = Writer::new(SecretKind::Partition, &secret, 2, 3, None).unwrap();
    let mut cards: Vec<InProcess> = (0..4).map(InProcess::new).collect();
    cards[0]
        .with(|k| w.write_next(&sets, k, &pin(), b"P"))
        .unwrap();
    cards[1].card.store_mut().fail_after = Some(3);
    assert_eq!(
        cards[1]
            .with(|k| w.write_next(&sets, k, &pin(), b"P"))
            .err(),
        Some(Error::CardWriteFailed)
    );
    let id = w.spec().set_id;
    assert_eq!(sets.get(&id).unwrap().unwrap().state, SetState::Invalid);
    // Nothing goes on: another card for index 2 is refused, and the set never completes.
    assert_eq!(
        cards[2]
            .with(|k| w.write_next(&sets, k, &pin(), b"P"))
            .err(),
        Some(Error::SetInvalid)
    );
    let mut c = Collector::new(SecretKind::Partition);
    assert_eq!(
        cards[0].with(|k| c.add(&sets, k, &pin())).err(),
        Some(Error::SetInvalid)
    );

    // A card that reads back another share than written.
    let mut w = Writer::new(SecretKind::ServerMasterKey, &secret, 1, 1, None).unwrap();
    cards[3].lie = true;
    assert_eq!(
        cards[3]
            .with(|k| w.write_next(&sets, k, &pin(), b"W"))
            .err(),
        Some(Error::CardReadback)
    );
    assert_eq!(
        sets.get(&w.spec().set_id).unwrap().unwrap().state,
        SetState::Invalid
    );
    let _ = std::fs::remove_dir_all(&base);
}
