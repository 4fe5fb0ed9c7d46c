//! The profile's state machine, status word by status word (docs/card-profile.md §2-3).

use crate::{AID, Card, CardState, FileStore, Identity, MemoryStore, PinState, Store};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn new_card() -> Card<MemoryStore> {
    let id = Identity::virtual_card("5C0FCCA000000001").unwrap();
    Card::new(CardState::formatted(id), MemoryStore::default())
}

/// Sends `apdu` (hex) and returns the status word.
fn sw(card: &mut Card<MemoryStore>, apdu: &str) -> u16 {
    let r = card.process(&hex(apdu));
    u16::from_be_bytes([r[r.len() - 2], r[r.len() - 1]])
}

fn data(card: &mut Card<MemoryStore>, apdu: &str) -> Vec<u8> {
    let r = card.process(&hex(apdu));
    assert_eq!(&r[r.len() - 2..], [0x90, 0x00], "{apdu}");
    r[..r.len() - 2].to_vec()
}

const SELECT: &str = "00A4040C09 F0534F4654434341 01";
const VERIFY_TRANSPORT: &str = "0020008108 3132333435363738";
const VERIFY_WRONG: &str = "0020008108 3030303030303030";
const VERIFY_EMPTY: &str = "00200081";

fn selected() -> Card<MemoryStore> {
    let mut c = new_card();
    assert_eq!(sw(&mut c, SELECT), 0x9000);
    c
}

fn share_object(kind: u8, m: u8, n: u8, index: u8) -> String {
    format!(
        "C101{kind:02X} C210{} C301{m:02X} C401{n:02X} C501{index:02X} C608{} C721{}",
        "11".repeat(16),
        "22".repeat(8),
        "33".repeat(33)
    )
}

fn put_content(c: &mut Card<MemoryStore>, object: &str) -> u16 {
    let o = hex(object);
    sw(c, &format!("00DA0102{:02X}{}", o.len(), to_hex(&o)))
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

#[test]
fn select_by_aid_and_fci() {
    let mut c = new_card();
    assert_eq!(sw(&mut c, "00CA006600"), 0x6985, "not selected yet");
    assert_eq!(sw(&mut c, "00A4040C09F0534F465443434102"), 0x6A82);
    assert_eq!(sw(&mut c, "00A4000C023F00"), 0x6A86);
    assert_eq!(sw(&mut c, "00A4040409F0534F4654434341 01"), 0x6A86);
    let fci = data(&mut c, "00A4040009F0534F4654434341 01 00");
    assert_eq!(fci, [&[0x6F, 0x0B, 0x84, 0x09][..], &AID].concat());
    assert_eq!(sw(&mut c, SELECT), 0x9000);
    assert_eq!(
        sw(&mut c, "00A4040C09F0534F46544343"),
        0x6700,
        "Lc mismatch"
    );
}

#[test]
fn class_instruction_and_object_errors() {
    let mut c = selected();
    assert_eq!(sw(&mut c, "00B0000000"), 0x6D00);
    assert_eq!(sw(&mut c, "80CA006600"), 0x6E00);
    assert_eq!(sw(&mut c, "00EE0000"), 0x6E00);
    assert_eq!(sw(&mut c, "00CA00FF00"), 0x6A88);
    assert_eq!(
        sw(&mut c, "00DA006601 00"),
        0x6A88,
        "card data is read-only"
    );
    assert_eq!(sw(&mut c, "00CA"), 0x6700);
}

#[test]
fn card_data_template() {
    let mut c = selected();
    let d = data(&mut c, "00CA006600");
    assert_eq!(d[0], 0x66);
    let body = &d[2..];
    assert_eq!(usize::from(d[1]), body.len());
    assert_eq!(
        &body[..18],
        &[&hex("8010")[..], b"5C0FCCA000000001"].concat()[..]
    );
    let tail = hex("890100 8A0106 8B0100 8C0101 A003C10100");
    assert!(body.ends_with(&tail), "{}", to_hex(body));
    // Le shorter than the data: 6Cxx with the exact length, then the resend works.
    let r = c.process(&hex("00CA006605"));
    assert_eq!(r[..], [0x6C, d.len() as u8]);
    assert_eq!(data(&mut c, &format!("00CA0066{:02X}", d.len())), d);
}

#[test]
fn verify_counts_six_wrong_pins_and_the_seventh_blocks_for_good() {
    let mut c = selected();
    assert_eq!(sw(&mut c, VERIFY_EMPTY), 0x63C7);
    for scr in 1..=6u16 {
        assert_eq!(sw(&mut c, VERIFY_WRONG), 0x63C0 | (7 - scr));
        assert_eq!(c.state().scr(), scr as u8);
        assert_eq!(
            sw(&mut c, VERIFY_EMPTY),
            0x63C0 | (7 - scr),
            "empty VERIFY counts nothing"
        );
    }
    assert_eq!(
        sw(&mut c, VERIFY_WRONG),
        0x6983,
        "the seventh wrong PIN blocks"
    );
    assert!(c.state().blocked());
    for apdu in [
        VERIFY_TRANSPORT,
        VERIFY_EMPTY,
        "0024008110 3132333435363738 3837363534333231",
        "00CA010100",
        "00CA010200",
        "00DA010101 41",
        "80EE0000",
    ] {
        assert_eq!(sw(&mut c, apdu), 0x6983, "{apdu} on a blocked card");
    }
    assert_eq!(c.state().scr(), 7);
    data(&mut c, "00CA006600"); // Inspect still works
}

#[test]
fn a_right_pin_resets_the_counter() {
    let mut c = selected();
    for _ in 0..6 {
        sw(&mut c, VERIFY_WRONG);
    }
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    assert_eq!(c.state().scr(), 0);
    assert_eq!(sw(&mut c, VERIFY_EMPTY), 0x9000);
    for _ in 0..6 {
        assert_ne!(sw(&mut c, VERIFY_WRONG), 0x6983);
    }
    assert_eq!(sw(&mut c, VERIFY_EMPTY), 0x63C1);
}

#[test]
fn malformed_pins_are_not_presentations() {
    let mut c = selected();
    assert_eq!(sw(&mut c, "0020008107 31323334353637"), 0x6700);
    assert_eq!(sw(&mut c, "0020008109 313233343536373839"), 0x6700);
    assert_eq!(sw(&mut c, "0020008108 313233343536373A"), 0x6A80);
    assert_eq!(sw(&mut c, "0020018108 3132333435363738"), 0x6A86);
    assert_eq!(sw(&mut c, "0020008008 3132333435363738"), 0x6A88);
    assert_eq!(c.state().scr(), 0);
    assert!(c.store_mut().history.is_empty(), "nothing written");
}

#[test]
fn wrong_pin_clears_an_earlier_verification_and_reset_clears_it_too() {
    let mut c = selected();
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    assert_eq!(sw(&mut c, VERIFY_WRONG), 0x63C6);
    assert_eq!(sw(&mut c, "00CA010100"), 0x6982);
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    c.reset();
    assert_eq!(sw(&mut c, "00CA010100"), 0x6985, "reset deselects");
    assert_eq!(sw(&mut c, SELECT), 0x9000);
    assert_eq!(sw(&mut c, "00CA010100"), 0x6982, "reset cleared the PIN");
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    assert_eq!(sw(&mut c, SELECT), 0x9000);
    assert_eq!(sw(&mut c, VERIFY_EMPTY), 0x63C7, "SELECT cleared the PIN");
}

#[test]
fn the_counter_is_raised_before_the_pin_is_compared() {
    // A card pulled after the comparison must not give a free try: the raised counter is in
    // persistent memory before the answer is known.
    let mut c = selected();
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    let h = &c.store_mut().history;
    assert_eq!(h.iter().map(CardState::scr).collect::<Vec<_>>(), [1, 0]);
    // The write after a right PIN fails (card pulled): the counter stays raised.
    c.store_mut().fail_after = Some(1);
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x6581);
    assert_eq!(c.state().scr(), 1);
    assert_eq!(sw(&mut c, "00CA010100"), 0x6982, "not verified");
    // The first write fails: nothing changes, not even the counter.
    c.store_mut().fail_after = Some(0);
    assert_eq!(sw(&mut c, VERIFY_WRONG), 0x6581);
    assert_eq!(c.state().scr(), 1);
}

#[test]
fn pin_change_once_then_sealed() {
    let mut c = selected();
    let change = "0024008110 3132333435363738 3438313531363233"; // 12345678 -> 48151623
    assert_eq!(sw(&mut c, "0024008108 3132333435363738"), 0x6700);
    assert_eq!(
        sw(
            &mut c,
            "0024008110 3132333435363738 343831353136323X"
                .replace('X', "A")
                .as_str()
        ),
        0x6A80
    );
    assert_eq!(
        sw(&mut c, "0024008110 3030303030303030 3438313531363233"),
        0x63C6
    );
    assert_eq!(sw(&mut c, change), 0x9000);
    assert_eq!(c.state().pin_state(), PinState::Sealed);
    assert_eq!(c.state().scr(), 0);
    assert_eq!(
        sw(&mut c, VERIFY_EMPTY),
        0x9000,
        "the change verified the session"
    );
    assert_eq!(
        sw(&mut c, "0024008110 3438313531363233 3131313131313131"),
        0x6985
    );
    assert_eq!(
        sw(&mut c, "0024008110 3030303030303030 3131313131313131"),
        0x6985
    );
    assert_eq!(c.state().scr(), 0, "a sealed change compares nothing");
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x63C6);
    assert_eq!(sw(&mut c, "0020008108 3438313531363233"), 0x9000);
    let d = data(&mut c, "00CA006600");
    assert!(d.windows(3).any(|w| w == [0x8B, 1, 1]));
}

#[test]
fn label_needs_the_pin() {
    let mut c = selected();
    assert_eq!(sw(&mut c, "00CA010100"), 0x6982);
    assert_eq!(sw(&mut c, "00DA010105 5345542D41"), 0x6982);
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    assert_eq!(data(&mut c, "00CA010100"), b"");
    assert_eq!(sw(&mut c, "00DA010105 5345542D41"), 0x9000);
    assert_eq!(data(&mut c, "00CA010100"), b"SET-A");
    assert_eq!(sw(&mut c, "00CA010102"), 0x6C05);
    assert_eq!(sw(&mut c, "00DA010102 410A"), 0x6A80);
    assert_eq!(
        sw(&mut c, &format!("00DA010141{}", "41".repeat(65))),
        0x6A84
    );
    assert_eq!(
        sw(&mut c, &format!("00DA010140{}", "41".repeat(64))),
        0x9000
    );
    assert_eq!(sw(&mut c, "00DA0101"), 0x9000, "case 1 clears the label");
    assert_eq!(data(&mut c, "00CA010100"), b"");
}

#[test]
fn content_written_once_until_erase() {
    let mut c = selected();
    let object = share_object(2, 2, 3, 1);
    assert_eq!(put_content(&mut c, &object), 0x6982);
    assert_eq!(sw(&mut c, "00CA010200"), 0x6982);
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    assert_eq!(data(&mut c, "00CA010200"), hex("C10100"));
    assert_eq!(put_content(&mut c, "C10100"), 0x9000);
    assert_eq!(put_content(&mut c, &object), 0x9000);
    assert_eq!(data(&mut c, "00CA010200"), hex(&object));
    assert_eq!(
        put_content(&mut c, &share_object(2, 2, 3, 2)),
        0x6985,
        "no overwrite"
    );
    // The descriptor in the card data: everything but the secret.
    let d = data(&mut c, "00CA006600");
    let descriptor = &hex(&object)[..40];
    assert!(d.ends_with(&[&[0xA0, 40][..], descriptor].concat()));
    assert!(
        !d.windows(4).any(|w| w == [0x33; 4]),
        "the secret is not in the card data"
    );
}

#[test]
fn content_rules() {
    let mut c = selected();
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    for bad in [
        share_object(1, 2, 2, 1),
        share_object(2, 1, 3, 1),
        share_object(2, 3, 2, 1),
        share_object(3, 2, 3, 0),
        share_object(3, 2, 3, 4),
        share_object(4, 2, 3, 1),
        share_object(2, 2, 3, 1) + "00",
        share_object(2, 2, 3, 1).replace("C721", "C700"),
        "C10101".to_string(),
        "C1020000".to_string(),
        "C20100".to_string(),
    ] {
        assert_eq!(put_content(&mut c, &bad), 0x6A80, "{bad}");
    }
    assert_eq!(put_content(&mut c, &share_object(1, 1, 1, 1)), 0x9000);
    assert_eq!(c.state().content_kind(), 1);
}

#[test]
fn erase_restores_the_post_format_state() {
    let mut c = selected();
    assert_eq!(sw(&mut c, "80EE0000"), 0x6982);
    assert_eq!(
        sw(&mut c, "0024008110 3132333435363738 3438313531363233"),
        0x9000
    );
    assert_eq!(sw(&mut c, "00DA010105 5345542D41"), 0x9000);
    assert_eq!(put_content(&mut c, &share_object(3, 2, 2, 2)), 0x9000);
    assert_eq!(sw(&mut c, "80EE0001"), 0x6A86);
    assert_eq!(sw(&mut c, "80EE0000 00"), 0x6700);
    assert_eq!(sw(&mut c, "80EE0000"), 0x9000);
    let s = c.state();
    assert_eq!(
        (s.pin_state(), s.scr(), s.label(), s.content_kind()),
        (PinState::ChangeAllowed, 0, &b""[..], 0)
    );
    assert_eq!(
        sw(&mut c, "00CA010100"),
        0x6982,
        "erase ends the verification"
    );
    assert_eq!(
        sw(&mut c, "0020008108 3438313531363233"),
        0x63C6,
        "old PIN gone"
    );
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000, "transport PIN back");
    assert_eq!(
        sw(&mut c, "0024008110 3132333435363738 3131313131313131"),
        0x9000,
        "change allowed again"
    );
}

#[test]
fn write_faults_change_nothing() {
    let mut c = selected();
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    let before = c.state().clone();
    c.store_mut().fail_after = Some(0);
    assert_eq!(sw(&mut c, "00DA010101 41"), 0x6581);
    assert_eq!(put_content(&mut c, &share_object(2, 2, 3, 1)), 0x6581);
    assert_eq!(sw(&mut c, "80EE0000"), 0x6581);
    assert_eq!(
        sw(&mut c, "0024008110 3132333435363738 3438313531363233"),
        0x6581
    );
    assert_eq!(c.state(), &before);
}

#[test]
fn state_file_round_trip_and_damage() {
    let dir = std::env::temp_dir().join(format!("softcca-vcard-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("card.state");
    let mut store = FileStore::new(&path);
    assert!(store.load().unwrap().is_none());
    let mut c = selected();
    sw(&mut c, "0024008110 3132333435363738 3438313531363233");
    sw(&mut c, "00DA010105 5345542D41");
    put_content(&mut c, &share_object(2, 2, 3, 1));
    sw(&mut c, VERIFY_WRONG);
    store.commit(c.state()).unwrap();
    assert_eq!(store.load().unwrap().as_ref(), Some(c.state()));
    assert!(!dir.join("card.state.tmp").exists());
    // A half-written temporary file (a kill before the rename) is ignored.
    std::fs::write(dir.join("card.state.tmp"), "softcca-vcard-state=01\ncsn=").unwrap();
    assert_eq!(store.load().unwrap().as_ref(), Some(c.state()));
    // A truncated or altered state file is refused whole, never half-used.
    let text = std::fs::read_to_string(&path).unwrap();
    for damaged in [
        text[..text.len() - 5].to_string(),
        text.replace("scr=01", "scr=09"),
        text.replace("end=\n", ""),
        text.clone() + "extra=00\n",
    ] {
        std::fs::write(&path, damaged).unwrap();
        assert!(store.load().is_err());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn identity_rules() {
    assert!(Identity::virtual_card("15C000E3A8171006F00FF0010").is_ok());
    assert!(Identity::virtual_card("").is_err());
    assert!(Identity::virtual_card("5c0f").is_err());
    assert!(Identity::virtual_card(&"A".repeat(33)).is_err());
    assert!(Identity::new("01", &"x".repeat(33), "", "", "", 0, 0, 0, 0).is_err());
}

#[test]
fn debug_never_shows_the_pin_or_the_secret() {
    let mut c = selected();
    sw(&mut c, VERIFY_TRANSPORT);
    put_content(&mut c, &share_object(2, 2, 3, 1));
    let text = format!("{:?}", c);
    assert!(text.contains("REDACTED"));
    assert!(
        !text.contains("12345678") && !text.contains("51, 51"),
        "{text}"
    );
}

#[test]
fn state_file_writes_never_follow_a_planted_link_and_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("softcca-vcard-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("card.state");
    let victim = dir.join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    // Links at the old fixed temporary name and at the next names this process could use.
    std::os::unix::fs::symlink(&victim, dir.join("card.state.tmp")).unwrap();
    for n in 0..4 {
        let name = format!("card.state.{}.{n}.tmp", std::process::id());
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let mut store = FileStore::new(&path);
    let c = selected();
    // Each commit either fails (its name was taken) or writes a file of its own.
    for _ in 0..6 {
        let _ = store.commit(c.state());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert_eq!(store.load().unwrap().as_ref(), Some(c.state()));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the state holds the PIN");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn label_and_content_written_in_one_step_only_onto_an_empty_card() {
    let mut c = selected();
    let object = share_object(2, 2, 3, 1);
    let put = |c: &mut Card<MemoryStore>, label: &[u8], object: &str| {
        let mut data = vec![0xC0, label.len() as u8];
        data.extend_from_slice(label);
        data.extend_from_slice(&hex(object));
        sw(c, &format!("00DA0103{:02X}{}", data.len(), to_hex(&data)))
    };
    assert_eq!(put(&mut c, b"SET-A", &object), 0x6982, "PIN first");
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    let commits = c.store_mut().history.len();
    // Refused whole: a bad label, a bad object, a missing label TLV; nothing written.
    assert_eq!(put(&mut c, b"SET\x01A", &object), 0x6A80);
    assert_eq!(put(&mut c, &[b'L'; 65], &object), 0x6A84);
    assert_eq!(put(&mut c, b"SET-A", &(object.clone() + "00")), 0x6A80);
    let bare = hex(&object);
    let no_label = format!("00DA0103{:02X}{}", bare.len(), to_hex(&bare));
    assert_eq!(sw(&mut c, &no_label), 0x6A80, "the label TLV is required");
    assert_eq!(c.store_mut().history.len(), commits);
    // One commit holds both.
    assert_eq!(put(&mut c, b"SET-A", &object), 0x9000);
    assert_eq!(c.store_mut().history.len(), commits + 1);
    let last = c.store_mut().history.last().unwrap().clone();
    assert_eq!((last.label(), last.content_kind()), (&b"SET-A"[..], 2));
    assert_eq!(data(&mut c, "00CA010200"), hex(&object));
    assert_eq!(data(&mut c, "00CA010100"), b"SET-A");
    // Only onto an empty content.
    assert_eq!(put(&mut c, b"SET-B", &share_object(2, 2, 3, 2)), 0x6985);
    assert_eq!(c.state().label(), b"SET-A");
    // A write fault keeps both old.
    assert_eq!(sw(&mut c, "80EE0000"), 0x9000);
    assert_eq!(sw(&mut c, VERIFY_TRANSPORT), 0x9000);
    c.store_mut().fail_after = Some(0);
    assert_eq!(put(&mut c, b"SET-A", &object), 0x6581);
    assert_eq!((c.state().label(), c.state().content_kind()), (&b""[..], 0));
}
