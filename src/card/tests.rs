//! The host layers against the in-process virtual card (softcca-vcard, a dev-dependency) and
//! against scripted responses for the transport rules the virtual card never triggers.

use std::collections::VecDeque;

use softcca_vcard::{ATR, Card, CardState, Identity, MemoryStore};

use super::apdu::{Command, exchange};
use super::sw::Sw;
use super::*;

/// The in-process card behind the same [`Transport`] trait as pcscd's.
struct InProcess {
    card: Card<MemoryStore>,
}

impl InProcess {
    fn new() -> InProcess {
        let id = Identity::virtual_card("15C000E3A8171006F00FF0010").unwrap();
        InProcess {
            card: Card::new(CardState::formatted(id), MemoryStore::default()),
        }
    }

    /// One session, ended by a card reset like a PC/SC session.
    fn session<R>(&mut self, op: impl FnOnce(&mut dyn Transport) -> R) -> R {
        let r = op(self);
        self.card.reset();
        r
    }
}

impl Transport for InProcess {
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError> {
        Ok(self.card.process(command))
    }
    fn atr(&self) -> &[u8] {
        &ATR
    }
}

fn pin(s: &str) -> CardPin {
    CardPin::from_typed(s.as_bytes()).unwrap()
}

fn with_card<R>(c: &mut InProcess, op: impl FnOnce(&mut OperatorCard<'_>) -> R) -> R {
    c.session(|t| op(&mut OperatorCard::select(t).unwrap()))
}

fn set(m: u8, n: u8, index: u8) -> SetInfo {
    SetInfo {
        set_id: [0xA5; 16],
        m,
        n,
        index,
        check_value: [0x5A; 8],
    }
}

#[test]
fn inspect_reads_every_field_without_the_pin() {
    let mut c = InProcess::new();
    let d = with_card(&mut c, |card| card.card_data()).unwrap();
    assert_eq!(d.atr, ATR);
    assert_eq!(d.csn, "15C000E3A8171006F00FF0010");
    assert_eq!(
        (
            d.family.as_str(),
            d.card_name.as_str(),
            d.card_os.as_str(),
            d.card_type.as_str()
        ),
        ("softcca virtual card", "softcca-vcard", "vcard 1", "VIRT")
    );
    assert_eq!((d.prog_ver, d.chip_ver, d.lock1, d.lock2), (1, 1, 2, 2));
    assert_eq!(
        (d.scr, d.mmpn, d.pin_sealed, d.profile_version),
        (0, 6, false, 1)
    );
    assert_eq!(
        d.content,
        Descriptor {
            kind: ContentKind::Empty,
            set: None
        }
    );
    assert!(!d.blocked());
}

#[test]
fn wrong_pins_count_up_the_seventh_blocks_and_a_right_pin_resets() {
    let mut c = InProcess::new();
    with_card(&mut c, |card| {
        assert_eq!(card.pin_status().unwrap(), PinStatus::TriesLeft(7));
        for n in 1..=6u8 {
            assert_eq!(
                card.verify(&pin("00000000")),
                Err(CardError::WrongPin { tries_left: 7 - n })
            );
            assert_eq!(card.card_data().unwrap().scr, n);
        }
        card.verify(&pin("12345678")).unwrap();
        assert_eq!(card.card_data().unwrap().scr, 0);
        assert_eq!(card.pin_status().unwrap(), PinStatus::Verified);
        for _ in 0..6 {
            assert!(matches!(
                card.verify(&pin("00000000")),
                Err(CardError::WrongPin { .. })
            ));
        }
        assert_eq!(card.verify(&pin("00000000")), Err(CardError::Blocked));
        assert_eq!(card.verify(&pin("12345678")), Err(CardError::Blocked));
        assert_eq!(card.pin_status().unwrap(), PinStatus::Blocked);
        assert_eq!(card.erase(), Err(CardError::Blocked));
        assert_eq!(card.label(), Err(CardError::Blocked));
        let d = card.card_data().unwrap();
        assert!(d.blocked() && d.scr == 7);
    });
}

#[test]
fn every_session_ends_unverified() {
    let mut c = InProcess::new();
    with_card(&mut c, |card| card.verify(&pin("12345678"))).unwrap();
    with_card(&mut c, |card| {
        assert_eq!(card.pin_status().unwrap(), PinStatus::TriesLeft(7));
        assert_eq!(card.label(), Err(CardError::PinNotVerified));
    });
}

#[test]
fn change_pin_once_then_sealed_and_alphanumeric_pins_map() {
    let mut c = InProcess::new();
    with_card(&mut c, |card| {
        assert_eq!(
            card.change_pin(&pin("00000000"), &pin("48151623")),
            Err(CardError::WrongPin { tries_left: 6 })
        );
        card.change_pin(&pin("12345678"), &pin("HSMADMIN")).unwrap();
        assert!(card.card_data().unwrap().pin_sealed);
        assert_eq!(
            card.change_pin(&pin("HSMADMIN"), &pin("11111111")),
            Err(CardError::PinChangeSealed)
        );
    });
    // Another spelling of the same physical PIN (47623646) opens the card.
    with_card(&mut c, |card| card.verify(&pin("476236io"))).unwrap();
    with_card(&mut c, |card| {
        assert_eq!(
            card.verify(&pin("12345678")),
            Err(CardError::WrongPin { tries_left: 6 })
        )
    });
}

#[test]
fn label_and_content_need_the_pin_and_round_trip() {
    let mut c = InProcess::new();
    let share = Content::new(ContentKind::MasterKeyShare, set(2, 3, 2), &[7u8; 33]).unwrap();
    with_card(&mut c, |card| {
        assert_eq!(card.label(), Err(CardError::PinNotVerified));
        assert_eq!(card.put_label(b"SET-A"), Err(CardError::PinNotVerified));
        assert_eq!(card.content().map(|_| ()), Err(CardError::PinNotVerified));
        assert_eq!(card.put_content(&share), Err(CardError::PinNotVerified));
        card.verify(&pin("12345678")).unwrap();
        assert_eq!(
            card.put_label(b"bad\n"),
            Err(CardError::BadData),
            "checked on the host"
        );
        assert_eq!(card.put_label(&[b'x'; 65]), Err(CardError::BadData));
        card.put_label(b"SET-A").unwrap();
        assert_eq!(card.label().unwrap(), b"SET-A");
        assert_eq!(
            card.content().unwrap().descriptor().kind,
            ContentKind::Empty
        );
        card.put_content(&share).unwrap();
        let back = card.content().unwrap();
        assert_eq!(
            (back.descriptor(), back.secret()),
            (share.descriptor(), &[7u8; 33][..])
        );
        let again = Content::new(ContentKind::MasterKeyShare, set(2, 3, 3), &[8u8; 33]).unwrap();
        assert_eq!(card.put_content(&again), Err(CardError::ContentNotEmpty));
        let d = card.card_data().unwrap();
        assert_eq!(d.content, *share.descriptor());
    });
}

#[test]
fn label_and_content_in_one_write() {
    let mut c = InProcess::new();
    let whole = Content::new(ContentKind::MasterKey, set(1, 1, 1), &[9u8; 32]).unwrap();
    with_card(&mut c, |card| {
        assert_eq!(
            card.put_label_and_content(b"SET-A", &whole),
            Err(CardError::PinNotVerified)
        );
        card.verify(&pin("12345678")).unwrap();
        assert_eq!(
            card.put_label_and_content(b"bad\n", &whole),
            Err(CardError::BadData)
        );
        card.put_label_and_content(b"SET-A", &whole).unwrap();
        assert_eq!(card.label().unwrap(), b"SET-A");
        assert_eq!(card.content().unwrap().secret(), &[9u8; 32][..]);
        assert_eq!(
            card.put_label_and_content(b"SET-B", &whole),
            Err(CardError::ContentNotEmpty)
        );
        assert_eq!(card.label().unwrap(), b"SET-A");
    });
}

#[test]
fn content_rules_on_the_host() {
    assert!(Content::new(ContentKind::MasterKey, set(1, 1, 1), &[1; 32]).is_ok());
    for (kind, s, len) in [
        (ContentKind::Empty, set(1, 1, 1), 32),
        (ContentKind::MasterKey, set(2, 2, 1), 32),
        (ContentKind::PartitionShare, set(1, 3, 1), 33),
        (ContentKind::PartitionShare, set(3, 2, 1), 33),
        (ContentKind::PartitionShare, set(2, 3, 4), 33),
        (ContentKind::PartitionShare, set(2, 3, 0), 33),
        (ContentKind::PartitionShare, set(2, 3, 1), 0),
        (ContentKind::PartitionShare, set(2, 3, 1), 65),
    ] {
        assert_eq!(
            Content::new(kind, s, &vec![1; len]).unwrap_err(),
            CardError::BadData
        );
    }
    let text = format!(
        "{:?}",
        Content::new(ContentKind::MasterKey, set(1, 1, 1), &[0xEE; 32]).unwrap()
    );
    assert!(text.contains("REDACTED") && !text.contains("238"), "{text}");
}

#[test]
fn erase_restores_the_transport_pin_and_the_change() {
    let mut c = InProcess::new();
    with_card(&mut c, |card| {
        assert_eq!(card.erase(), Err(CardError::PinNotVerified));
        card.change_pin(&pin("12345678"), &pin("48151623")).unwrap();
        card.put_label(b"SET-B").unwrap();
        let whole = Content::new(ContentKind::MasterKey, set(1, 1, 1), &[3; 32]).unwrap();
        card.put_content(&whole).unwrap();
        card.erase().unwrap();
        let d = card.card_data().unwrap();
        assert_eq!(
            (d.pin_sealed, d.scr, d.content.kind),
            (false, 0, ContentKind::Empty)
        );
        assert_eq!(
            card.label(),
            Err(CardError::PinNotVerified),
            "erase ended the verification"
        );
        card.verify(&pin("12345678")).unwrap();
        assert_eq!(card.label().unwrap(), b"");
        card.change_pin(&pin("12345678"), &pin("22222222")).unwrap();
    });
}

#[test]
fn a_card_without_the_application_is_not_ours() {
    let mut t = Scripted::new(&[("00A4040C09F0534F465443434101", "6A82")]);
    assert_eq!(
        OperatorCard::select(&mut t).err(),
        Some(CardError::NotOurCard)
    );
    let mut t = Scripted::new(&[("00A4040C09F0534F465443434101", "6D00")]);
    assert_eq!(
        OperatorCard::select(&mut t).err(),
        Some(CardError::NotOurCard)
    );
}

/// Replays `(command, response)` pairs in hex and fails on any other command.
struct Scripted {
    steps: VecDeque<(Vec<u8>, Vec<u8>)>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

impl Scripted {
    fn new(steps: &[(&str, &str)]) -> Scripted {
        Scripted {
            steps: steps.iter().map(|(c, r)| (hex(c), hex(r))).collect(),
        }
    }
}

impl Transport for Scripted {
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError> {
        let (want, resp) = self.steps.pop_front().expect("unexpected extra command");
        assert_eq!(command, want, "unexpected command");
        Ok(zeroize::Zeroizing::new(resp))
    }
    fn atr(&self) -> &[u8] {
        &[]
    }
}

#[test]
fn get_response_chaining_and_wrong_le_resend() {
    let mut t = Scripted::new(&[
        ("00CA010100", "41426103"),
        ("00C0000003", "4344456102"),
        ("00C0000002", "46479000"),
    ]);
    let r = exchange(&mut t, &Command::new(0, 0xCA, 1, 1).le(256)).unwrap();
    assert_eq!((&r.data[..], r.sw), (&b"ABCDEFG"[..], Sw::Ok));
    let mut t = Scripted::new(&[("00CA010100", "6C03"), ("00CA010103", "4142439000")]);
    let r = exchange(&mut t, &Command::new(0, 0xCA, 1, 1).le(256)).unwrap();
    assert_eq!(&r.data[..], b"ABC");
    assert!(t.steps.is_empty());
}

#[test]
fn short_and_malformed_responses() {
    for resp in ["", "90"] {
        let mut t = Scripted::new(&[("00A4040C09F0534F465443434101", resp)]);
        assert_eq!(
            OperatorCard::select(&mut t).err(),
            Some(CardError::Transport)
        );
    }
    let mut t = Scripted::new(&[
        ("00A4040C09F0534F465443434101", "9000"),
        ("00CA006600", "66058001419000"),
    ]);
    let mut card = OperatorCard::select(&mut t).unwrap();
    assert_eq!(card.card_data(), Err(CardError::MalformedResponse));
    // An endless 61xx chain is cut off.
    let mut steps = vec![("00CA010200".to_string(), "00".repeat(255) + "6100")];
    for _ in 0..20 {
        steps.push(("00C0000000".into(), "00".repeat(256) + "6100"));
    }
    let steps: Vec<(&str, &str)> = steps
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut t = Scripted::new(&steps);
    assert_eq!(
        exchange(&mut t, &Command::new(0, 0xCA, 1, 2).le(256)).unwrap_err(),
        CardError::MalformedResponse
    );
}

#[test]
fn status_words_round_trip() {
    for code in [
        0x9000u16, 0x6105, 0x6C10, 0x63C3, 0x6581, 0x6700, 0x6982, 0x6983, 0x6985, 0x6A80, 0x6A82,
        0x6A84, 0x6A86, 0x6A88, 0x6D00, 0x6E00, 0x6F00, 0x6282,
    ] {
        assert_eq!(Sw::from(code).code(), code);
    }
    assert_eq!(Sw::from(0x63C3), Sw::WrongPin { tries_left: 3 });
}

#[test]
fn pins_never_appear_in_debug_of_a_command() {
    let p = pin("48151623");
    let cmd =
        Command::new(0, 0x20, 0, 0x81).sensitive(zeroize::Zeroizing::new(p.digits().to_vec()));
    let text = format!("{cmd:?}");
    assert!(
        text.contains("REDACTED") && !text.contains("52, 56"),
        "{text}"
    );
    assert_eq!(
        format!("{}", CardError::WrongPin { tries_left: 3 }),
        "wrong PIN (3 presentations left)"
    );
}
