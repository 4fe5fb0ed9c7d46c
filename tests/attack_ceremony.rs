//! Review attack on the ceremony buffer (session 14 review, finding R6), against pcscd and the
//! virtual cards (tests/common/vcards.rs; cards 0-3 borrowed on fresh state files).
//!
//! A `READ` buffer of Copy Set (CSUCCST) holding M-1 shares stays valid for the life of the
//! process: replayed with one more card it recombines the secret again and mints a second,
//! complete set (here a whole SVMK on one card) from one presentation of M-1 cards. The test
//! asserts the defence (the replay refused, 8/X'F222': every buffer passes once):
//! `... virtual-cards.sh run 15 cargo test --test attack_ceremony`.

#[path = "common/vcards.rs"]
mod vcards;

use softcca::custody::{Secret, SecretKind, check_value};
use softcca::ffi::set::{CSUCCST, CSUCSST, CSUCSVK};
use vcards::{Borrowed, name_field, on_card, pcsc, pin};

const LEN: usize = 4096;
const PIN: &str = "12345678";

fn kw(s: &str) -> [u8; 8] {
    let mut k = [b' '; 8];
    k[..s.len()].copy_from_slice(s.as_bytes());
    k
}

/// One CSUCSVK (`copy` false) or CSUCCST (`copy` true) call; `buf` updated on success only.
fn call(copy: bool, step: &str, buf: &mut [u8; LEN], reader: &str, m: i32, n: i32) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut count = 1;
    let mut rule = kw(step);
    let mut name = name_field(reader);
    let mut pin_len = PIN.len() as i32;
    let mut pin = PIN.as_bytes().to_vec();
    let mut label_len = 3;
    let mut label = b"R6X\0".to_vec();
    let (mut m, mut n) = (m, n);
    let mut len = LEN as i32;
    let f = if copy { CSUCCST } else { CSUCSVK };
    // SAFETY (test): every pointer is to a live local of the documented size.
    unsafe {
        f(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            rule.as_mut_ptr(),
            name.as_mut_ptr(),
            &mut pin_len,
            pin.as_mut_ptr(),
            &mut label_len,
            label.as_mut_ptr(),
            &mut m,
            &mut n,
            &mut len,
            buf.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// Set Status of the card in `reader`: (state, kind, set id, M, N, check value).
fn status(reader: &str) -> (String, String, String, String, String, String) {
    let (mut rc, mut rs) = (-1, -1);
    let mut count = 0;
    let mut name = name_field(reader);
    let mut len = 168;
    let mut out = [0u8; 168];
    // SAFETY (test): as above.
    unsafe {
        CSUCSST(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
            name.as_mut_ptr(),
            &mut len,
            out.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSUCSST {reader}");
    let t = |a: usize, b: usize| String::from_utf8_lossy(&out[a..b]).trim().to_string();
    (
        t(0, 8),
        t(8, 16),
        t(16, 48),
        t(48, 51),
        t(51, 54),
        t(60, 76),
    )
}

#[test]
fn r6_a_copy_set_read_buffer_cannot_be_replayed_to_mint_a_second_set() {
    let home = std::env::temp_dir().join(format!("softcca-test-r6-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    // An existing directory (legacy-form acp.conf) until the tests log on (CSUALCT).
    vcards::write_legacy_acp(&home);
    // SAFETY: the binary's only test, before any other thread.
    unsafe { std::env::set_var("SOFTCCA_HOME", &home) };
    let cards: Vec<Borrowed> = match (0..4).map(|i| Borrowed::new(i, None)).collect() {
        Some(c) => c,
        None => return,
    };
    let r: Vec<&str> = cards.iter().map(|c| c.reader()).collect();

    // A 2-of-2 SVMK set on cards 0 and 1.
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(call(false, "FIRST", &mut buf, r[0], 2, 2), (0, 0));
    assert_eq!(call(false, "NEXT", &mut buf, r[1], 0, 0), (0, 0));
    let (_, _, source_id, _, _, source_cv) = status(r[0]);

    // A legitimate Copy Set to a whole SVMK on card 2 (custodians 0 and 1 present once).
    let mut copy = Box::new([0u8; LEN]);
    assert_eq!(call(true, "FIRST", &mut copy, r[0], 1, 1), (0, 0));
    // The target shape is in the clear header from FIRST on (offsets 85 and 88).
    assert_eq!(&copy[85..96], b"001001     ");
    let read_one = copy.clone(); // the caller keeps the READ buffer holding share 1
    assert_eq!(call(true, "NEXT", &mut copy, r[1], 0, 0), (0, 0));
    assert_eq!(call(true, "NEXT", &mut copy, r[2], 0, 0), (0, 0));
    let first = status(r[2]);
    assert_eq!((first.0.as_str(), first.1.as_str()), ("COMPLETE", "SVMK"));

    // The attack: the kept READ buffer and one more presentation of card 1.
    let mut replay = read_one;
    let replayed = call(true, "NEXT", &mut replay, r[1], 0, 0);
    let mut minted = None;
    let mut stolen = false;
    if replayed == (0, 0) && call(true, "NEXT", &mut replay, r[3], 0, 0) == (0, 0) {
        minted = Some(status(r[3]));
        // Card 3 is the attacker's (its PIN is known): it now holds the whole SVMK.
        let content = on_card(&pcsc(), &cards[3].card, |k| {
            k.verify(&pin(PIN))?;
            k.content()
        })
        .unwrap();
        let mut svmk = Secret::zeroed();
        svmk.as_bytes_mut().copy_from_slice(content.secret());
        let cv: String = check_value(&svmk, SecretKind::ServerMasterKey)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        stolen = cv == source_cv;
    }
    drop(cards);
    // The Copy Set records say what each call did: target shape, source set, phase.
    let log = std::fs::read_to_string(home.join("audit.log")).unwrap_or_default();
    let copies: Vec<&str> = log.lines().filter(|l| l.contains("op=CSUCCST")).collect();
    let _ = std::fs::remove_dir_all(&home);
    assert!(copies.len() >= 3, "{log}");
    assert!(copies[0].contains("d.target=001001") && copies[0].contains("d.phase=READ"));
    assert!(copies[1].contains(&format!("d.source={source_id}")));
    assert!(copies[1].contains("d.phase=WRITE") && copies[2].contains("d.phase=DONE"));
    assert!(copies[2].contains(&format!("d.set={}", first.2)));
    assert_ne!(source_id, first.2);
    assert_eq!(
        (replayed, minted, stolen),
        ((8, 0xF222), None, false),
        "a replayed READ buffer minted another whole SVMK card (stolen: the attacker's card \
         holds the SVMK of the source set's check value)"
    );
}
