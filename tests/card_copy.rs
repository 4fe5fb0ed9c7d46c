//! Copy Card (CSUCCPY) through its C entry point against pcscd and softcca's virtual cards: the
//! copy itself, every refusal (each checked to change nothing, and the refusals found before
//! the PIN checked to move no counter), a target killed mid-copy, and copies racing in
//! opposite directions.
//!
//! Cards: this binary borrows cards 9-14 (tests/card_verbs.rs's, which runs after it: test
//! binaries run one after another) on state files of its own, and gives each back on its own
//! state file afterwards, also when a test fails (tests/common/vcards.rs).

#[path = "common/vcards.rs"]
mod vcards;

use std::ptr::null_mut;
use std::time::{Duration, Instant};

use softcca::card::{CardError, Content, ContentKind, OperatorCard, SetInfo};
use softcca::ffi::card::CSUCCPY;
use softcca::verbs::card::READER_NAME_LEN;
use vcards::{Borrowed, EMPTY_SLOT, name_field, on_card, pcsc, pin, wait_presence};

const F: i32 = 8;
const PIN_SYNTAX: i32 = 0xF101;
const NO_CARD: i32 = 0xF120;
const UNKNOWN_READER: i32 = 0xF121;
const REMOVED: i32 = 0xF122;
const BLOCKED: i32 = 0xF183;
const TRANSPORT: i32 = 0xF130;
const SAME_CARD: i32 = 0xF190;
const TARGET_BLOCKED: i32 = 0xF197;
const TARGET_NOT_ERASED: i32 = 0xF198;
const SOURCE_EMPTY: i32 = 0xF199;
const MISMATCH: i32 = 0xF13A;
const fn wrong_pin(left: i32) -> i32 {
    0xF1C0 + left
}
const fn target_wrong_pin(left: i32) -> i32 {
    0xF190 + left
}

/// The operators' PIN of the tests' sets (both cards of a copy share it).
const SET_PIN: &str = "48151623";
const TRANSPORT_PIN: &str = "12345678";

/// CSUCCPY with fullwords at odd addresses (as a COBOL group may place them): `(rc, rs)`.
fn copy(source: &str, target: &str, pin: &str) -> (i32, i32) {
    copy_with(0, Some(source), Some(target), pin)
}

fn copy_with(count: i32, source: Option<&str>, target: Option<&str>, pin: &str) -> (i32, i32) {
    let mut words = [0u8; 32];
    let at = |w: &mut [u8; 32], i: usize| -> *mut i32 { w[1 + 4 * i..].as_mut_ptr().cast() };
    let mut src = source.map(name_field);
    let mut tgt = target.map(name_field);
    let mut p = pin.as_bytes().to_vec();
    let mut rules = *b"ALL     ";
    // SAFETY: 4 bytes inside `words` each; unaligned writes and reads.
    unsafe {
        at(&mut words, 0).write_unaligned(-1);
        at(&mut words, 1).write_unaligned(-1);
        at(&mut words, 2).write_unaligned(count);
        at(&mut words, 3).write_unaligned(p.len() as i32);
    }
    let (rc, rs, cnt, pl) = (
        at(&mut words, 0),
        at(&mut words, 1),
        at(&mut words, 2),
        at(&mut words, 3),
    );
    let name =
        |f: &mut Option<[u8; READER_NAME_LEN]>| f.as_mut().map_or(null_mut(), |f| f.as_mut_ptr());
    // SAFETY: every pointer is valid for the lengths CSUCCPY documents, or NULL.
    unsafe {
        CSUCCPY(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            rules.as_mut_ptr(),
            name(&mut src),
            name(&mut tgt),
            pl,
            p.as_mut_ptr(),
        );
        (rc.read_unaligned(), rs.read_unaligned())
    }
}

fn share(index: u8, secret_byte: u8) -> Content {
    let set = SetInfo {
        set_id: [0x5E; 16],
        m: 2,
        n: 3,
        index,
        check_value: [0xC5; 8],
    };
    Content::new(ContentKind::MasterKeyShare, set, &[secret_byte; 32]).unwrap()
}

/// Gives the card the set PIN (its one change) and, when `content` is given, that content
/// and `label`: a card of a set as Create Server Master Key leaves it.
fn make_set_card(c: &Borrowed, content: Option<(&Content, &[u8])>) {
    let p = pcsc();
    p.session(c.reader(), |t| {
        let mut card = OperatorCard::select(t)?;
        card.change_pin(&pin(TRANSPORT_PIN), &pin(SET_PIN))?;
        if let Some((content, label)) = content {
            card.put_content(content)?;
            card.put_label(label)?;
        }
        Ok(())
    })
    .unwrap();
}

/// What the card holds, read with `pin_text`: (label, kind, set, secret).
type Held = (Vec<u8>, ContentKind, Option<SetInfo>, Vec<u8>);

fn held(c: &Borrowed, pin_text: &str) -> Held {
    on_card(&pcsc(), &c.card, |card| {
        card.verify(&pin(pin_text))?;
        let label = card.label()?;
        let content = card.content()?;
        Ok((
            label,
            content.descriptor().kind,
            content.descriptor().set,
            content.secret().to_vec(),
        ))
    })
    .unwrap()
}

/// The card's SCR, read without a PIN.
fn scr(c: &Borrowed) -> u8 {
    on_card(&pcsc(), &c.card, |card| card.card_data())
        .unwrap()
        .scr
}

fn erase(c: &Borrowed, pin_text: &str) {
    on_card(&pcsc(), &c.card, |card| {
        card.verify(&pin(pin_text))?;
        card.erase()
    })
    .unwrap();
}

fn block(c: &Borrowed) {
    let p = pcsc();
    for _ in 0..7 {
        let r = on_card(&p, &c.card, |card| card.verify(&pin("99999999")));
        assert!(
            matches!(r, Err(CardError::WrongPin { .. } | CardError::Blocked)),
            "{r:?}"
        );
    }
    assert_eq!(scr(c), 7);
}

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn copies_content_and_label_exactly_and_refuses_everything_else_unchanged() {
    let Some(src) = Borrowed::new(9, None) else {
        return;
    };
    let tgt = Borrowed::new(10, None).unwrap();
    let content = share(2, 0x3C);
    make_set_card(&src, Some((&content, b"SET-A operator 2")));
    make_set_card(&tgt, None);
    let src_file = read(&src.state_file());

    // The parameters first: nothing touched.
    assert_eq!(copy(src.reader(), src.reader(), SET_PIN), (F, SAME_CARD));
    assert_eq!(copy(src.reader(), tgt.reader(), "4815162"), (F, PIN_SYNTAX));
    assert_eq!(
        copy(src.reader(), tgt.reader(), "4815162X*"),
        (F, PIN_SYNTAX)
    );
    assert_eq!(
        copy_with(1, Some(src.reader()), Some(tgt.reader()), SET_PIN),
        (F, 35)
    );
    assert_eq!(copy_with(0, None, Some(tgt.reader()), SET_PIN), (F, 184));
    assert_eq!(copy_with(0, Some(src.reader()), None, SET_PIN), (F, 184));
    assert_eq!(
        copy_with(0, Some(""), Some(tgt.reader()), SET_PIN),
        (F, UNKNOWN_READER)
    );
    assert_eq!(
        copy("No Such Reader 00 00", tgt.reader(), SET_PIN),
        (F, UNKNOWN_READER)
    );
    assert_eq!(
        copy(src.reader(), "No Such Reader 00 00", SET_PIN),
        (F, UNKNOWN_READER)
    );
    assert_eq!(copy(EMPTY_SLOT, tgt.reader(), SET_PIN), (F, NO_CARD));
    assert_eq!(copy(src.reader(), EMPTY_SLOT, SET_PIN), (F, NO_CARD));
    // A wrong PIN on the source: the source counts it, the target never sees a PIN.
    assert_eq!(
        copy(src.reader(), tgt.reader(), "11111111"),
        (F, wrong_pin(6))
    );
    assert_eq!((scr(&src), scr(&tgt)), (1, 0));
    assert_eq!(held(&tgt, SET_PIN).1, ContentKind::Empty);

    // The copy: label, kind, set and secret exactly; the source's state file unchanged.
    assert_eq!(copy(src.reader(), tgt.reader(), SET_PIN), (0, 0));
    let expected: Held = (
        b"SET-A operator 2".to_vec(),
        ContentKind::MasterKeyShare,
        content.descriptor().set,
        vec![0x3C; 32],
    );
    assert_eq!(held(&tgt, SET_PIN), expected);
    assert_eq!(held(&src, SET_PIN), expected);
    assert_eq!(read(&src.state_file()), src_file, "the source was altered");
    assert_eq!((scr(&src), scr(&tgt)), (0, 0));

    // Onto a card that is not erased: refused before any PIN (a wrong one here: no counter
    // moves on either card), target unchanged.
    let tgt_file = read(&tgt.state_file());
    assert_eq!(
        copy(src.reader(), tgt.reader(), "11111111"),
        (F, TARGET_NOT_ERASED)
    );
    assert_eq!(
        copy(src.reader(), tgt.reader(), SET_PIN),
        (F, TARGET_NOT_ERASED)
    );
    assert_eq!((scr(&src), scr(&tgt)), (0, 0));
    assert_eq!(read(&tgt.state_file()), tgt_file);

    // From an empty card: refused before any PIN.
    erase(&tgt, SET_PIN);
    assert_eq!(
        copy(tgt.reader(), src.reader(), "11111111"),
        (F, SOURCE_EMPTY)
    );
    assert_eq!((scr(&src), scr(&tgt)), (0, 0));

    // The erased target has the transport PIN again: the source accepts the set PIN, the
    // target refuses it, and the code says it was the target (X'F196', not X'F1C6').
    let tgt_file = read(&tgt.state_file());
    assert_eq!(
        copy(src.reader(), tgt.reader(), SET_PIN),
        (F, target_wrong_pin(6))
    );
    assert_eq!((scr(&src), scr(&tgt)), (0, 1));
    assert_eq!(
        copy(src.reader(), tgt.reader(), SET_PIN),
        (F, target_wrong_pin(5))
    );
    let after = held(&tgt, TRANSPORT_PIN);
    assert_eq!(
        (after.0.as_slice(), after.1),
        (&b""[..], ContentKind::Empty)
    );
    assert_eq!(
        read(&tgt.state_file()),
        tgt_file,
        "SCR back at 0, nothing else changed"
    );
    assert_eq!(read(&src.state_file()), src_file);
    // Target PINs wrong until it blocks: the seventh is the target's block, not the source's.
    for left in (1..=6).rev() {
        assert_eq!(
            copy(src.reader(), tgt.reader(), SET_PIN),
            (F, target_wrong_pin(left))
        );
    }
    assert_eq!(
        copy(src.reader(), tgt.reader(), SET_PIN),
        (F, TARGET_BLOCKED)
    );
    assert_eq!(scr(&tgt), 7);
    assert_eq!(scr(&src), 0);
    // Blocked target found before the PIN; blocked source is the source's X'F183'.
    assert_eq!(
        copy(src.reader(), tgt.reader(), SET_PIN),
        (F, TARGET_BLOCKED)
    );
    assert_eq!(copy(tgt.reader(), src.reader(), SET_PIN), (F, BLOCKED));
    assert_eq!(scr(&src), 0);
    assert_eq!(read(&src.state_file()), src_file);
}

#[test]
fn a_blocked_source_and_a_card_with_the_same_serial_number_are_refused() {
    let Some(src) = Borrowed::new(11, None) else {
        return;
    };
    // Card 12 started with card 11's serial number: another reader, the same card for CSUCCPY.
    let twin = Borrowed::new(12, Some(&src.card.csn)).unwrap();
    let content = share(1, 0x77);
    make_set_card(&src, Some((&content, b"TWIN")));
    make_set_card(&twin, None);
    assert_eq!(copy(src.reader(), twin.reader(), SET_PIN), (F, SAME_CARD));
    assert_eq!(copy(twin.reader(), src.reader(), SET_PIN), (F, SAME_CARD));
    assert_eq!((scr(&src), scr(&twin)), (0, 0), "refused before the PIN");
    assert_eq!(held(&twin, SET_PIN).1, ContentKind::Empty);
    block(&src);
    // A blocked source is refused before the target's PIN: the target's counter stays.
    let mut tgt = twin;
    tgt.replace_by_new_card();
    make_set_card(&tgt, None);
    let file = read(&tgt.state_file());
    assert_eq!(copy(src.reader(), tgt.reader(), SET_PIN), (F, BLOCKED));
    assert_eq!(copy(src.reader(), tgt.reader(), "11111111"), (F, BLOCKED));
    assert_eq!(read(&tgt.state_file()), file);
}

/// Whether the target shows exactly the erased state or exactly the copy of `expected`.
fn erased_or_whole_copy(tgt: &Borrowed, expected: &Held) {
    let now = held(tgt, SET_PIN);
    let erased = (Vec::new(), ContentKind::Empty, None, Vec::new());
    assert!(
        now == erased || now == *expected,
        "a half copy: label {:?}, kind {:?}",
        String::from_utf8_lossy(&now.0),
        now.1
    );
}

#[test]
fn a_target_removed_mid_copy_holds_nothing_or_the_whole_copy() {
    let Some(src) = Borrowed::new(13, None) else {
        return;
    };
    let mut tgt = Borrowed::new(14, None).unwrap();
    let content = share(3, 0xA9);
    make_set_card(&src, Some((&content, b"SET-B operator 3")));
    make_set_card(&tgt, None);
    let expected: Held = (
        b"SET-B operator 3".to_vec(),
        ContentKind::MasterKeyShare,
        content.descriptor().set,
        vec![0xA9; 32],
    );

    // The target dies the instant its first write lands (before it answers): the one atomic
    // write leaves the whole copy; label and content written apart would leave half of it.
    tgt.restart(&["--fault", "die-after-write"]);
    let r = copy(src.reader(), tgt.reader(), SET_PIN);
    assert!(
        [(F, REMOVED), (F, NO_CARD), (12, TRANSPORT)].contains(&r),
        "{r:?}"
    );
    wait_presence(tgt.reader(), false);
    tgt.start(&[]);
    assert_eq!(
        held(&tgt, SET_PIN),
        expected,
        "the landed write is the whole copy"
    );

    // The target killed at a random point of copies and erases run back to back.
    erase(&tgt, SET_PIN);
    make_set_card(&tgt, None);
    let (s, t) = (src.reader().to_string(), tgt.reader().to_string());
    let worker = std::thread::spawn(move || {
        let start = Instant::now();
        let mut outcomes = Vec::new();
        while start.elapsed() < Duration::from_secs(3) {
            let r = copy(&s, &t, SET_PIN);
            outcomes.push(r);
            if r == (0, 0) {
                // Erase and give the set PIN back (through the host layers, as the setup).
                let p = pcsc();
                let _ = p.session(&t, |tr| {
                    let mut card = OperatorCard::select(tr)?;
                    card.verify(&pin(SET_PIN))?;
                    card.erase()?;
                    card.change_pin(&pin(TRANSPORT_PIN), &pin(SET_PIN))
                });
            }
        }
        outcomes
    });
    std::thread::sleep(Duration::from_millis(700));
    tgt.card.kill();
    let outcomes = worker.join().unwrap();
    assert!(outcomes.contains(&(0, 0)), "{outcomes:?}");
    for r in outcomes.iter().filter(|r| **r != (0, 0)) {
        assert!(
            [
                (F, REMOVED),
                (F, NO_CARD),
                (12, TRANSPORT),
                // The erase/PIN step of the loop was cut: the next copy meets its state.
                (F, TARGET_NOT_ERASED),
                (F, target_wrong_pin(6)),
            ]
            .contains(r),
            "{r:?}"
        );
    }
    tgt.start(&[]);
    // The loop's own erase may have been cut after ERASE and before the PIN change: then the
    // target has the transport PIN.
    if held_pin_is_transport(&tgt) {
        let now = held(&tgt, TRANSPORT_PIN);
        assert_eq!((now.0.as_slice(), now.1), (&b""[..], ContentKind::Empty));
    } else {
        erased_or_whole_copy(&tgt, &expected);
    }
    // The source killed mid-copy: it is only read, so it holds what it held.
    let src_file = read(&src.state_file());
    let mut src = src;
    let (s, t) = (src.reader().to_string(), tgt.reader().to_string());
    erase(
        &tgt,
        if held_pin_is_transport(&tgt) {
            TRANSPORT_PIN
        } else {
            SET_PIN
        },
    );
    make_set_card(&tgt, None);
    let worker = std::thread::spawn(move || {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            if copy(&s, &t, SET_PIN) == (0, 0) {
                let _ = pcsc().session(&t, |tr| {
                    let mut card = OperatorCard::select(tr)?;
                    card.verify(&pin(SET_PIN))?;
                    card.erase()?;
                    card.change_pin(&pin(TRANSPORT_PIN), &pin(SET_PIN))
                });
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    src.card.kill();
    worker.join().unwrap();
    src.start(&[]);
    assert_eq!(read(&src.state_file()), src_file, "the source was altered");
    assert_eq!(held(&src, SET_PIN), expected);
}

/// Whether the card still has the transport PIN (its one change unused: read without a PIN,
/// so nothing is counted).
fn held_pin_is_transport(c: &Borrowed) -> bool {
    !on_card(&pcsc(), &c.card, |card| card.card_data())
        .unwrap()
        .pin_sealed
}

/// Two callers copy between the same two cards in opposite directions at once, over and
/// over. Each call holds both cards' transactions; taken in caller order (source first) the
/// two would each hold one card and wait for the other's for ever. Both must finish.
#[test]
fn copies_in_opposite_directions_never_deadlock() {
    let Some(a) = Borrowed::new(7, None) else {
        return;
    };
    let b = Borrowed::new(8, None).unwrap();
    make_set_card(&a, Some((&share(1, 0x11), b"RACE")));
    make_set_card(&b, None);
    let (ra, rb) = (a.reader().to_string(), b.reader().to_string());
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    for (from, to) in [(ra.clone(), rb.clone()), (rb, ra)] {
        let done = done_tx.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            let (mut calls, mut refused) = (0, 0);
            while start.elapsed() < Duration::from_secs(2) {
                let r = copy(&from, &to, SET_PIN);
                // Until the one copy lands, B is an empty source; after it, each target holds
                // a content. A card reset by the other caller's session end just before this
                // call's transaction began is reconnected (3 attempts), then reported. Any
                // answer will do but a hang: this test is about the two calls finishing.
                assert!(
                    [
                        (0, 0),
                        (F, TARGET_NOT_ERASED),
                        (F, SOURCE_EMPTY),
                        (F, REMOVED),
                    ]
                    .contains(&r),
                    "{from} -> {to}: {r:?}"
                );
                if r.1 == TARGET_NOT_ERASED {
                    refused += 1;
                }
                // pcscd's transaction lock is polled and unfair: a caller that never pauses
                // starves the other (tests/card_pcsc.rs).
                std::thread::sleep(Duration::from_millis(3));
                calls += 1;
            }
            done.send((calls, refused)).unwrap();
        });
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let (calls, refused) = done_rx
            .recv_timeout(left)
            .expect("a copy hung: the two calls deadlocked on the two cards");
        // Refusals after both cards' data were read: the calls really held both cards.
        assert!(calls > 3 && refused > 0, "{calls} calls, {refused} refused");
    }
    assert_eq!(
        held(&b, SET_PIN).0,
        b"RACE",
        "the one copy that could happen did"
    );

    // A target that does not keep what it was given (its read-back differs in the secret's
    // last byte): the copy is refused and the target erased again, never left holding it.
    let mut b = b;
    erase(&b, SET_PIN);
    b.restart(&["--fault", "bad-readback"]);
    make_set_card(&b, None);
    assert_eq!(copy(a.reader(), b.reader(), SET_PIN), (12, MISMATCH));
    b.restart(&[]);
    assert!(
        held_pin_is_transport(&b),
        "erased: the transport PIN is back"
    );
    let now = held(&b, TRANSPORT_PIN);
    assert_eq!((now.0.as_slice(), now.1), (&b""[..], ContentKind::Empty));
    assert_eq!(held(&a, SET_PIN).0, b"RACE");
}
