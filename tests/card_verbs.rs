//! The operator-card verbs through their C entry points (CSUCRDL, CSUCINS, CSUCGLB, CSUCCPN,
//! CSUCERA) against pcscd and softcca's virtual cards 9-14 (tests/common/vcards.rs): every
//! operation, every card fault, and the NULL / length / keyword paths, each checking that a
//! failure writes nothing but rc and rs.

#[path = "common/vcards.rs"]
mod vcards;

use std::ptr::null_mut;
use std::time::Instant;

use softcca::card::OperatorCard;
use softcca::ffi::card::{CSUCCPN, CSUCERA, CSUCGLB, CSUCINS, CSUCRDL};
use softcca::verbs::card::{INSPECT_LEN, PIN_UNLOCKED_TEXT, READER_ENTRY_LEN, READER_NAME_LEN};
use vcards::{EMPTY_SLOT, VCard, name_field, on_card, pcsc, pin, vcard};

const F: i32 = 8;
const PIN_SYNTAX: i32 = 0xF101;
const NOT_OURS: i32 = 0xF110;
const MALFORMED: i32 = 0xF111;
const NO_CARD: i32 = 0xF120;
const UNKNOWN_READER: i32 = 0xF121;
const REMOVED: i32 = 0xF122;
const BLOCKED: i32 = 0xF183;
const CHANGE_USED: i32 = 0xF185;
const TRANSPORT: i32 = 0xF130;
const fn wrong_pin(left: i32) -> i32 {
    0xF1C0 + left
}

/// Fullwords at odd addresses, as a COBOL group may place them: `(buffer, offset)`.
struct Words([u8; 64]);

impl Words {
    fn new() -> Words {
        Words([0; 64])
    }
    /// The unaligned fullword number `i` (at byte 1 + 4 i).
    fn at(&mut self, i: usize) -> *mut i32 {
        self.0[1 + 4 * i..].as_mut_ptr().cast()
    }
    fn set(&mut self, i: usize, v: i32) -> *mut i32 {
        let p = self.at(i);
        // SAFETY: 4 bytes inside self.0; unaligned write.
        unsafe { p.write_unaligned(v) };
        p
    }
    fn get(&mut self, i: usize) -> i32 {
        // SAFETY: as in set.
        unsafe { self.at(i).read_unaligned() }
    }
}

/// Inspect through CSUCINS: `(rc, rs, output length, output)`; the output starts filled with
/// `0xEE` so an untouched buffer shows.
fn inspect(reader: &str, pin: Option<&str>) -> (i32, i32, i32, Vec<u8>) {
    let mut w = Words::new();
    let mut out = vec![0xEE; INSPECT_LEN + 8];
    let mut field = name_field(reader);
    let mut p = pin.unwrap_or("").as_bytes().to_vec();
    let (rc, rs, count) = (w.set(0, -1), w.set(1, -1), w.set(2, 0));
    let (pl, ol) = (w.set(3, p.len() as i32), w.set(4, out.len() as i32));
    // SAFETY: every pointer is valid for the lengths CSUCINS documents.
    unsafe {
        CSUCINS(
            rc,
            rs,
            null_mut(),
            null_mut(),
            count,
            null_mut(),
            field.as_mut_ptr(),
            pl,
            if pin.is_some() {
                p.as_mut_ptr()
            } else {
                null_mut()
            },
            ol,
            out.as_mut_ptr(),
        )
    };
    (w.get(0), w.get(1), w.get(4), out)
}

/// Get Label through CSUCGLB: `(rc, rs, label length, 64-byte label field)`.
fn get_label(reader: &str, pin: &str) -> (i32, i32, i32, Vec<u8>) {
    let mut w = Words::new();
    let mut out = vec![0xEE; 64];
    let mut field = name_field(reader);
    let mut p = pin.as_bytes().to_vec();
    let (rc, rs, count) = (w.set(0, -1), w.set(1, -1), w.set(2, 0));
    let (pl, ll) = (w.set(3, p.len() as i32), w.set(4, 64));
    // SAFETY: as in inspect.
    unsafe {
        CSUCGLB(
            rc,
            rs,
            null_mut(),
            null_mut(),
            count,
            null_mut(),
            field.as_mut_ptr(),
            pl,
            p.as_mut_ptr(),
            ll,
            out.as_mut_ptr(),
        )
    };
    (w.get(0), w.get(1), w.get(4), out)
}

fn change_pin(reader: &str, old: &str, new: &str) -> (i32, i32) {
    let mut w = Words::new();
    let mut field = name_field(reader);
    let (mut o, mut n) = (old.as_bytes().to_vec(), new.as_bytes().to_vec());
    let (rc, rs, count) = (w.set(0, -1), w.set(1, -1), w.set(2, 0));
    let (ol, nl) = (w.set(3, o.len() as i32), w.set(4, n.len() as i32));
    // SAFETY: as in inspect.
    unsafe {
        CSUCCPN(
            rc,
            rs,
            null_mut(),
            null_mut(),
            count,
            null_mut(),
            field.as_mut_ptr(),
            ol,
            o.as_mut_ptr(),
            nl,
            n.as_mut_ptr(),
        )
    };
    (w.get(0), w.get(1))
}

fn erase(reader: &str, pin: &str) -> (i32, i32) {
    let mut w = Words::new();
    let mut field = name_field(reader);
    let mut p = pin.as_bytes().to_vec();
    let (rc, rs, count) = (w.set(0, -1), w.set(1, -1), w.set(2, 0));
    let pl = w.set(3, p.len() as i32);
    // SAFETY: as in inspect.
    unsafe {
        CSUCERA(
            rc,
            rs,
            null_mut(),
            null_mut(),
            count,
            null_mut(),
            field.as_mut_ptr(),
            pl,
            p.as_mut_ptr(),
        )
    };
    (w.get(0), w.get(1))
}

/// CSUCRDL with `keyword` (or none) and room for `room` entries: `(rc, rs, count, entries)`.
fn list_readers(keyword: Option<&[u8; 8]>, room: i32) -> (i32, i32, i32, Vec<u8>) {
    let mut w = Words::new();
    let mut out = vec![0xEE; READER_ENTRY_LEN * room.max(0) as usize];
    let mut rules = keyword.copied().unwrap_or([b' '; 8]);
    let (rc, rs) = (w.set(0, -1), w.set(1, -1));
    let count = w.set(2, i32::from(keyword.is_some()));
    let n = w.set(3, room);
    // SAFETY: as in inspect.
    unsafe {
        CSUCRDL(
            rc,
            rs,
            null_mut(),
            null_mut(),
            count,
            rules.as_mut_ptr(),
            n,
            out.as_mut_ptr(),
        )
    };
    (w.get(0), w.get(1), w.get(3), out)
}

/// The text of an Inspect field (`offset`, `len`), blanks trimmed.
fn text(layout: &[u8], offset: usize, len: usize) -> &str {
    std::str::from_utf8(&layout[offset..offset + len])
        .unwrap()
        .trim_end()
}

/// The Inspect fields the tests look at: (PIN Locked, SCR, content kind, label flag, label).
fn state(c: &VCard, pin: Option<&str>) -> (String, String, String, String, String) {
    let (rc, rs, len, l) = inspect(&c.reader, pin);
    assert_eq!((rc, rs, len), (0, 0, INSPECT_LEN as i32));
    let label_len: usize = text(&l, 296, 2).parse().unwrap();
    (
        text(&l, 194, 32).into(),
        text(&l, 226, 2).into(),
        text(&l, 230, 8).into(),
        text(&l, 295, 1).into(),
        text(&l, 298, 64)[..label_len.min(text(&l, 298, 64).len())].into(),
    )
}

fn put_label(c: &VCard, pin_text: &str, label: &[u8]) {
    let p = pcsc();
    on_card(&p, c, |card: &mut OperatorCard<'_>| {
        card.verify(&pin(pin_text))?;
        card.put_label(label)
    })
    .unwrap();
}

fn untouched(out: &[u8]) -> bool {
    out.iter().all(|&b| b == 0xEE)
}

#[test]
fn list_readers_shows_cards_and_the_empty_slot() {
    let Some(c) = vcard(9) else { return };
    let entry = |out: &[u8], reader: &str| -> Option<String> {
        out.chunks(READER_ENTRY_LEN)
            .find(|e| text(e, 0, READER_NAME_LEN) == reader)
            .map(|e| text(e, READER_NAME_LEN, 8).to_string())
    };
    let (rc, rs, n, out) = list_readers(None, 16);
    assert_eq!((rc, rs, n), (0, 0, 16), "8 reader entries, 2 slots each");
    assert_eq!(entry(&out, &c.reader).as_deref(), Some("PRESENT"));
    assert_eq!(entry(&out, EMPTY_SLOT).as_deref(), Some("EMPTY"));
    let (rc, _, n, out) = list_readers(Some(b"PRESENT "), 16);
    assert_eq!(rc, 0);
    assert!((1..16).contains(&n), "{n}");
    assert!(untouched(&out[n as usize * READER_ENTRY_LEN..]));
    let out = &out[..n as usize * READER_ENTRY_LEN];
    assert_eq!(entry(out, EMPTY_SLOT), None);
    assert!(entry(out, &c.reader).is_some());
    // Too little room: 8/72, nothing written (count and list as given).
    let (rc, rs, n, out) = list_readers(Some(b"ALL     "), 3);
    assert_eq!((rc, rs, n), (F, 72, 3));
    assert!(untouched(&out));
    let (rc, rs, n, out) = list_readers(Some(b"EMPTY   "), 16);
    assert_eq!((rc, rs, n), (F, 33, 16));
    assert!(untouched(&out));
}

#[test]
fn inspect_label_change_pin_erase_through_the_c_entry_points() {
    let Some(c) = vcard(9) else { return };
    // Inspect without a PIN: every field of the screen, no label.
    let (rc, rs, len, l) = inspect(&c.reader, None);
    assert_eq!((rc, rs, len), (0, 0, INSPECT_LEN as i32));
    let atr: String = softcca_vcard::ATR
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert_eq!(text(&l, 0, 66), atr);
    assert_eq!(text(&l, 66, 32), c.csn);
    assert_eq!(text(&l, 194, 32), PIN_UNLOCKED_TEXT);
    assert_eq!((text(&l, 226, 2), text(&l, 228, 2)), ("00", "06"));
    assert_eq!(text(&l, 230, 8), "EMPTY");
    assert_eq!(&l[295..298], b"N00");
    assert_eq!(&l[INSPECT_LEN..], &[0xEE; 8], "nothing past the layout");
    let d = on_card(&pcsc(), &c, |card| card.card_data()).unwrap();
    let hex = |b: u8| format!("{b:02X}");
    assert_eq!(text(&l, 98, 32), d.family);
    assert_eq!(text(&l, 130, 32), d.card_name);
    assert_eq!(text(&l, 162, 16), d.card_os);
    assert_eq!(
        [178, 180, 182, 184].map(|o| text(&l, o, 2).to_string()),
        [d.prog_ver, d.chip_ver, d.lock1, d.lock2].map(hex)
    );
    assert_eq!(text(&l, 186, 8), d.card_type);

    // Latency through the C entry point (printed, not asserted).
    let mut t: Vec<f64> = (0..20)
        .map(|_| {
            let s = Instant::now();
            assert_eq!(inspect(&c.reader, None).0, 0);
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    println!(
        "latency: CSUCINS (no PIN) median {:.2} ms (target < 20)",
        t[10]
    );

    // With the PIN the label is read too.
    put_label(&c, "12345678", b"SET-A");
    let s = state(&c, Some("12345678"));
    assert_eq!((s.3.as_str(), s.4.as_str()), ("Y", "SET-A"));
    let (rc, rs, n, label) = get_label(&c.reader, "12345678");
    assert_eq!((rc, rs, n), (0, 0, 5));
    assert_eq!(&label[..], format!("SET-A{}", " ".repeat(59)).as_bytes());

    // A wrong PIN: tries left in the reason code, nothing written; the right PIN resets.
    let (rc, rs, n, label) = get_label(&c.reader, "00000000");
    assert_eq!((rc, rs, n), (F, wrong_pin(6), 64));
    assert!(untouched(&label));
    let (rc, rs, ..) = inspect(&c.reader, Some("00000000"));
    assert_eq!((rc, rs), (F, wrong_pin(5)));
    assert_eq!(state(&c, None).1, "02");
    assert_eq!(get_label(&c.reader, "12345678").0, 0);
    assert_eq!(state(&c, None).1, "00");

    // Bad PIN syntax: refused before the card is touched (SCR does not move).
    for (old, new) in [
        ("1234567", "48151623"),
        ("123456789", "48151623"),
        ("1234567*", "48151623"),
        ("12345678", "4815162"),
        ("12345678", "481516234"),
        ("12345678", "4815 623"),
        ("12345678", ""),
    ] {
        assert_eq!(
            change_pin(&c.reader, old, new),
            (F, PIN_SYNTAX),
            "{old} {new}"
        );
    }
    assert_eq!(get_label(&c.reader, "1234567").1, PIN_SYNTAX);
    assert_eq!(erase(&c.reader, "12345678+").1, PIN_SYNTAX);
    assert_eq!(inspect(&c.reader, Some("ABC")).1, PIN_SYNTAX);
    let s = state(&c, None);
    assert_eq!((s.0.as_str(), s.1.as_str()), (PIN_UNLOCKED_TEXT, "00"));

    // Change PIN: a wrong old PIN counts; then the one change, to a PIN typed in letters.
    assert_eq!(
        change_pin(&c.reader, "87654321", "HSMADMIN"),
        (F, wrong_pin(6))
    );
    assert_eq!(state(&c, None).1, "01");
    assert_eq!(change_pin(&c.reader, "12345678", "HSMADMIN"), (0, 0));
    let s = state(&c, None);
    assert_eq!((s.0.as_str(), s.1.as_str()), ("yes", "00"));
    // Sealed: a second change is refused without counting.
    assert_eq!(
        change_pin(&c.reader, "HSMADMIN", "11111111"),
        (F, CHANGE_USED)
    );
    assert_eq!(
        change_pin(&c.reader, "00000000", "11111111"),
        (F, CHANGE_USED)
    );
    assert_eq!(state(&c, None).1, "00");
    // The transport PIN is gone; the digits of the typed PIN (E.161) open the card.
    assert_eq!(get_label(&c.reader, "12345678").1, wrong_pin(6));
    assert_eq!(get_label(&c.reader, "47623646").0, 0);

    // Erase: a wrong PIN changes nothing; the right one restores the post-format state.
    assert_eq!(erase(&c.reader, "12345678"), (F, wrong_pin(6)));
    assert_eq!(state(&c, Some("hsmadmin")).4, "SET-A");
    assert_eq!(erase(&c.reader, "HSMADMIN"), (0, 0));
    let s = state(&c, Some("12345678"));
    assert_eq!(
        (
            s.0.as_str(),
            s.1.as_str(),
            s.2.as_str(),
            s.3.as_str(),
            s.4.as_str()
        ),
        (PIN_UNLOCKED_TEXT, "00", "EMPTY", "Y", "")
    );
    // The allowance is back.
    assert_eq!(change_pin(&c.reader, "12345678", "48151623"), (0, 0));
    assert_eq!(erase(&c.reader, "48151623"), (0, 0));
}

#[test]
fn six_wrong_pins_tolerated_the_seventh_blocks_for_good() {
    let Some(c) = vcard(10) else { return };
    for left in (1..=6).rev() {
        assert_eq!(get_label(&c.reader, "99999999").1, wrong_pin(left));
    }
    assert_eq!(state(&c, None).1, "06");
    assert_eq!(get_label(&c.reader, "12345678").0, 0, "a right PIN resets");
    for left in (1..=6).rev() {
        assert_eq!(erase(&c.reader, "99999999"), (F, wrong_pin(left)));
    }
    assert_eq!(erase(&c.reader, "99999999"), (F, BLOCKED), "the seventh");
    // Blocked for good: the right PIN, Change PIN, Erase and Get Label all refused.
    let (rc, rs, n, label) = get_label(&c.reader, "12345678");
    assert_eq!((rc, rs, n), (F, BLOCKED, 64));
    assert!(untouched(&label));
    assert_eq!(erase(&c.reader, "12345678"), (F, BLOCKED));
    assert_eq!(change_pin(&c.reader, "12345678", "11112222"), (F, BLOCKED));
    let (rc, rs, _, out) = inspect(&c.reader, Some("12345678"));
    assert_eq!((rc, rs), (F, BLOCKED));
    assert!(untouched(&out));
    // Inspect without a PIN still shows why.
    assert_eq!(state(&c, None).1, "07");
}

#[test]
fn no_card_unknown_reader_foreign_and_malformed_cards() {
    let Some(mut foreign) = vcard(11) else { return };
    let mut malformed = vcard(12).unwrap();
    let (rc, rs, _, out) = inspect(EMPTY_SLOT, None);
    assert_eq!((rc, rs), (F, NO_CARD));
    assert!(untouched(&out));
    assert_eq!(get_label(EMPTY_SLOT, "12345678").1, NO_CARD);
    assert_eq!(inspect("No Such Reader 00 00", None).1, UNKNOWN_READER);
    assert_eq!(erase("No Such Reader 00 00", "12345678").1, UNKNOWN_READER);
    assert_eq!(inspect("", None).1, UNKNOWN_READER, "a blank name field");
    assert_eq!(inspect("Virtual\u{1}PCD", None).1, UNKNOWN_READER);

    // A card without the operator application: restarted with --fault foreign.
    foreign.kill();
    foreign.restart(&["--fault", "foreign"]);
    let (rc, rs, _, out) = inspect(&foreign.reader, None);
    assert_eq!((rc, rs), (F, NOT_OURS));
    assert!(untouched(&out));
    assert_eq!(
        change_pin(&foreign.reader, "12345678", "11112222").1,
        NOT_OURS
    );
    foreign.kill();
    foreign.restart(&[]);
    assert_eq!(state(&foreign, None).1, "00");

    // A malformed card-data template: restarted with --fault malformed.
    malformed.kill();
    malformed.restart(&["--fault", "malformed"]);
    let (rc, rs, _, out) = inspect(&malformed.reader, None);
    assert_eq!((rc, rs), (F, MALFORMED));
    assert!(untouched(&out));
    malformed.kill();
    malformed.restart(&[]);
    assert_eq!(inspect(&malformed.reader, None).0, 0);
}

#[test]
fn a_card_removed_mid_operation_fails_cleanly_and_keeps_a_whole_state() {
    let Some(mut c) = vcard(13) else { return };
    put_label(&c, "12345678", b"KEEP");
    // Kill the card process while Get Label calls run back to back on another thread.
    let reader = c.reader.clone();
    let caller = std::thread::spawn(move || {
        let mut outcomes = Vec::new();
        let start = Instant::now();
        while start.elapsed().as_secs() < 3 {
            let (rc, rs, n, label) = get_label(&reader, "12345678");
            if rc == 0 {
                assert_eq!((n, &label[..4]), (4, &b"KEEP"[..]));
            } else {
                assert!(untouched(&label), "a failed call wrote its output");
            }
            outcomes.push((rc, rs));
        }
        outcomes
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    c.kill();
    let outcomes = caller.join().unwrap();
    assert!(outcomes.contains(&(0, 0)));
    let failures: Vec<_> = outcomes.iter().filter(|o| o.0 != 0).collect();
    assert!(!failures.is_empty(), "no call saw the card gone");
    for f in &failures {
        assert!(
            [(F, NO_CARD), (F, REMOVED), (12, TRANSPORT)].contains(f),
            "{f:?}"
        );
    }
    // Back in the reader: the label is whole and the counter did not move.
    c.restart(&[]);
    let s = state(&c, Some("12345678"));
    assert_eq!((s.1.as_str(), s.4.as_str()), ("00", "KEEP"));

    // Writes: Change PIN and Erase in turn while the card is killed. Afterwards the card is
    // wholly before or after the interrupted write: sealed with the new PIN, or unsealed with
    // the transport PIN (and erased, no label), never sealed with the old PIN.
    let reader = c.reader.clone();
    let writer = std::thread::spawn(move || {
        let start = Instant::now();
        let mut failures = Vec::new();
        while start.elapsed().as_secs() < 3 {
            for r in [
                change_pin(&reader, "12345678", "48151623"),
                erase(&reader, "48151623"),
            ] {
                if r != (0, 0) {
                    failures.push(r);
                }
            }
        }
        failures
    });
    std::thread::sleep(std::time::Duration::from_millis(400));
    c.kill();
    let failures = writer.join().unwrap();
    assert!(!failures.is_empty(), "no call saw the card gone");
    for f in &failures {
        // Besides the removal codes: a write whose card was killed after it was done makes the
        // next step of the loop meet the other state (sealed, or the PIN already changed).
        assert!(
            [
                (F, NO_CARD),
                (F, REMOVED),
                (12, TRANSPORT),
                (F, CHANGE_USED),
                (F, wrong_pin(6)),
            ]
            .contains(f),
            "{f:?}"
        );
    }
    c.restart(&[]);
    let s = state(&c, None);
    match s.0.as_str() {
        "yes" => assert_eq!(get_label(&c.reader, "48151623").0, 0),
        _ => {
            assert_eq!(s.0, PIN_UNLOCKED_TEXT);
            assert_eq!(get_label(&c.reader, "12345678").0, 0);
        }
    }
}

#[test]
fn null_length_and_keyword_errors_write_nothing() {
    let Some(c) = vcard(14) else { return };
    let mut w = Words::new();
    let mut field = name_field(&c.reader);
    let mut out = vec![0xEE; INSPECT_LEN];
    let mut p = *b"12345678";
    let mut kw = *b"ALL     ";
    let mut call = |w: &mut Words,
                    count: i32,
                    name: *mut u8,
                    pin_len: i32,
                    pin: *mut u8,
                    room: i32,
                    out: *mut u8| {
        let (rc, rs) = (w.set(0, -1), w.set(1, -1));
        let cnt = w.set(2, count);
        let pl = w.set(3, pin_len);
        let ol = w.set(4, room);
        // SAFETY: the test passes pointers valid for the documented lengths, or NULL.
        unsafe {
            CSUCINS(
                rc,
                rs,
                null_mut(),
                null_mut(),
                cnt,
                kw.as_mut_ptr(),
                name,
                pl,
                pin,
                ol,
                out,
            )
        };
        (w.get(0), w.get(1), w.get(4))
    };
    let name = field.as_mut_ptr();
    let (pin, o) = (p.as_mut_ptr(), out.as_mut_ptr());
    let room = INSPECT_LEN as i32;
    assert_eq!(
        call(&mut w, 0, null_mut(), 0, null_mut(), room, o),
        (F, 184, room)
    );
    assert_eq!(
        call(&mut w, 0, name, 0, null_mut(), room, null_mut()),
        (F, 184, room)
    );
    assert_eq!(
        call(&mut w, 0, name, 8, null_mut(), room, o),
        (F, 184, room)
    );
    assert_eq!(
        call(&mut w, 0, name, 0, null_mut(), room - 1, o),
        (F, 72, room - 1)
    );
    assert_eq!(call(&mut w, 0, name, -1, pin, room, o), (F, 72, room));
    assert_eq!(call(&mut w, 0, name, 65, pin, room, o), (F, 72, room));
    assert_eq!(call(&mut w, 1, name, 0, null_mut(), room, o), (F, 35, room));
    assert_eq!(
        call(&mut w, -1, name, 0, null_mut(), room, o),
        (F, 35, room)
    );
    assert!(untouched(&out));
    // NULL rc/rs are tolerated: the verb runs and cannot report.
    let (cnt, pl, ol) = (w.set(2, 0), w.set(3, 0), w.set(4, room));
    // SAFETY: as above.
    unsafe {
        CSUCINS(
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            name,
            pl,
            null_mut(),
            ol,
            o,
        )
    };
    assert_eq!(text(&out, 66, 32), c.csn);

    // The other verbs: NULL name, NULL PIN, bad counts.
    let (rc, rs) = (w.set(0, -1), w.set(1, -1));
    let (cnt, pl) = (w.set(2, 0), w.set(3, 8));
    // SAFETY: as above.
    unsafe {
        CSUCERA(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            name,
            pl,
            null_mut(),
        )
    };
    assert_eq!((w.get(0), w.get(1)), (F, 184));
    let (rc, rs) = (w.set(0, -1), w.set(1, -1));
    // SAFETY: as above.
    unsafe {
        CSUCCPN(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            null_mut(),
            pl,
            pin,
            pl,
            pin,
        )
    };
    assert_eq!((w.get(0), w.get(1)), (F, 184));
    let (rc, rs, cnt) = (w.set(0, -1), w.set(1, -1), w.set(2, 1));
    // SAFETY: as above.
    unsafe {
        CSUCCPN(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            kw.as_mut_ptr(),
            name,
            pl,
            pin,
            pl,
            pin,
        )
    };
    assert_eq!((w.get(0), w.get(1)), (F, 35));
    let (rc, rs, cnt, ll) = (w.set(0, -1), w.set(1, -1), w.set(2, 0), w.set(4, 63));
    let mut label = [0xEEu8; 64];
    // SAFETY: as above.
    unsafe {
        CSUCGLB(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            name,
            pl,
            pin,
            ll,
            label.as_mut_ptr(),
        )
    };
    assert_eq!((w.get(0), w.get(1), w.get(4)), (F, 72, 63));
    assert!(untouched(&label));
    let (rc, rs, cnt, n) = (w.set(0, -1), w.set(1, -1), w.set(2, 0), w.set(3, 16));
    // SAFETY: as above.
    unsafe {
        CSUCRDL(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            n,
            null_mut(),
        )
    };
    assert_eq!((w.get(0), w.get(1), w.get(3)), (F, 184, 16));
    let (rc, rs, cnt) = (w.set(0, -1), w.set(1, -1), w.set(2, 2));
    // SAFETY: as above (count 2 is refused before the array is read).
    unsafe {
        CSUCRDL(
            rc,
            rs,
            null_mut(),
            null_mut(),
            cnt,
            null_mut(),
            n,
            null_mut(),
        )
    };
    assert_eq!((w.get(0), w.get(1)), (F, 35));
    // None of it touched the card.
    assert_eq!(state(&c, None).1, "00");
}

/// The trace names the card verbs and their codes and never a PIN: a child process with
/// `SOFTCCA_TRACE=all` makes a good call, a refused new PIN and a call on an empty reader.
#[test]
fn trace_shows_codes_and_never_a_pin() {
    let Some(c) = vcard(14) else { return };
    if std::env::var_os("SOFTCCA_CARD_TRACE_CHILD").is_some() {
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "trace_child", "--nocapture"])
        .env("SOFTCCA_CARD_TRACE_CHILD", &c.reader)
        .env("SOFTCCA_TRACE", "all")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // The first call's notice of an unbound (unprotected) directory is not a card verb's line.
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("softcca: ") && !l.contains(" is UNPROTECTED: "))
        .collect();
    assert_eq!(
        lines,
        [
            "softcca: CSUCGLB rc=0 rs=0",
            "softcca: CSUCCPN rc=8 rs=61697 (the card PIN is not 8 digits after mapping)",
            "softcca: CSUCGLB rc=8 rs=61728 (no card in the reader)",
        ]
    );
    for pin in ["12345678", "4815162", "48151623", "3132333435363738"] {
        assert!(!err.contains(pin), "{pin} in the trace");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(pin));
    }
}

#[test]
#[ignore]
fn trace_child() {
    let Some(reader) = std::env::var_os("SOFTCCA_CARD_TRACE_CHILD") else {
        return;
    };
    let reader = reader.into_string().unwrap();
    assert_eq!(get_label(&reader, "12345678").0, 0);
    assert_eq!(change_pin(&reader, "12345678", "4815162").1, PIN_SYNTAX);
    assert_eq!(get_label(EMPTY_SLOT, "48151623").1, NO_CARD);
}
