//! A card that never answers cannot hang a caller: every card verb's session has a deadline
//! (`SOFTCCA_CARD_DEADLINE_MS`, docs/card-verbs.md), after which the verb returns 12/X'F13B'.
//! One test (its own binary: it sets the deadline in the environment before any call). It
//! borrows card 13 (tests/card_verbs.rs's) and restarts it with `--fault silent`: the card takes
//! every command APDU and never answers, so pcsc-lite's SCardTransmit (and vpcd under it) waits
//! for ever.

#[path = "common/vcards.rs"]
mod vcards;

use std::ptr::null_mut;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use softcca::ffi::card::CSUCINS;
use softcca::verbs::card::INSPECT_LEN;
use vcards::{Borrowed, name_field, vcard};

const DEADLINE_MS: u64 = 1500;
const TIMEOUT: (i32, i32) = (12, 0xF13B);

/// CSUCINS without a PIN on a thread of its own: `(rc, rs, seconds taken, output untouched)`,
/// or `None` when it has not returned after `bound` (the caller hangs).
fn inspect_within(reader: &str, bound: Duration) -> Option<(i32, i32, f64, bool)> {
    let reader = reader.to_string();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut field = name_field(&reader);
        let (mut rc, mut rs, mut count, mut pin_len) = (-1, -1, 0, 0);
        let mut len = INSPECT_LEN as i32;
        let mut out = vec![0xEEu8; INSPECT_LEN];
        let start = Instant::now();
        // SAFETY: valid pointers for CSUCINS's documented lengths (no PIN: NULL).
        unsafe {
            CSUCINS(
                &mut rc,
                &mut rs,
                null_mut(),
                null_mut(),
                &mut count,
                null_mut(),
                field.as_mut_ptr(),
                &mut pin_len,
                null_mut(),
                &mut len,
                out.as_mut_ptr(),
            )
        };
        let took = start.elapsed().as_secs_f64();
        let _ = tx.send((rc, rs, took, out.iter().all(|&b| b == 0xEE)));
    });
    rx.recv_timeout(bound).ok()
}

#[test]
fn a_silent_card_gets_the_deadline_code_and_never_hangs_the_caller() {
    // SAFETY: the only test of this binary sets it before any card call; no other thread
    // reads the environment meanwhile.
    unsafe { std::env::set_var("SOFTCCA_CARD_DEADLINE_MS", DEADLINE_MS.to_string()) };
    let Some(mut card) = Borrowed::new(13, None) else {
        return;
    };
    let bound = Duration::from_millis(DEADLINE_MS + 8000);
    let deadline = DEADLINE_MS as f64 / 1000.0;
    let (rc, rs, _, _) = inspect_within(card.reader(), bound).expect("inspect hung");
    assert_eq!((rc, rs), (0, 0), "the card answers before the fault");

    card.restart(&["--fault", "silent"]);
    // The first call's command is never answered: the deadline code, outputs untouched.
    let first = inspect_within(card.reader(), bound).expect("a silent card hung the caller");
    println!(
        "silent card: rc {} rs {:X} after {:.2} s (deadline {deadline} s)",
        first.0, first.1, first.2
    );
    assert_eq!((first.0, first.1), TIMEOUT);
    assert!(first.3, "a failed call wrote its output");
    assert!(
        first.2 >= deadline - 0.05 && first.2 < deadline + 2.0,
        "{}",
        first.2
    );
    // A second call now waits for the first's transaction (still held in pcsc-lite): its own
    // deadline bounds it too.
    let second = inspect_within(card.reader(), bound).expect("the second caller hung");
    assert_eq!((second.0, second.1), TIMEOUT);
    assert!(second.2 < deadline + 2.0, "{}", second.2);
    // Another card is served meanwhile (only the silent card's reader is held).
    if let Some(other) = vcard(12) {
        let r = inspect_within(&other.reader, bound).expect("another card hung");
        assert_eq!((r.0, r.1), (0, 0));
    }

    // Pulled and put back answering: the blocked session ends (its reset included) and the
    // card works again.
    card.restart(&[]);
    let (rc, rs, took, _) = inspect_within(card.reader(), bound).expect("inspect hung");
    assert_eq!((rc, rs), (0, 0));
    assert!(took < deadline, "{took}");
}
