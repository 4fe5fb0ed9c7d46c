//! Operator cards through the real PC/SC stack: pcscd, vsmartcard's vpcd driver and softcca's
//! virtual cards (`scripts/virtual-cards.sh run 15 cargo test`, which `make test` does).
//!
//! The script exports `SOFTCCA_VCARDS_DIR` (its directory, with `cards.tsv`). Without it the
//! tests skip, except when `CI` is set: then they fail, so CI can never pass without pcscd.
//! Each test owns one card (by index), so the tests run in parallel without sharing a card.

#[path = "common/vcards.rs"]
mod vcards;

use std::process::Command;
use std::time::{Duration, Instant};

use softcca::card::pcsc::Pcsc;
use softcca::card::{CardError, Content, ContentKind, OperatorCard, PinStatus, SetInfo};
use vcards::{EMPTY_SLOT, VCard, on_card, pcsc, pin, vcard, wait_presence};

/// Median of `runs` timings of `op`, in milliseconds.
fn median_ms(runs: usize, mut op: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            op();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[runs / 2]
}

/// Inspect (one session: SELECT + GET DATA) and VERIFY, timed through pcscd.
fn measure(p: &Pcsc, c: &VCard, label: &str) {
    let inspect = median_ms(20, || {
        on_card(p, c, |card| card.card_data()).unwrap();
    });
    let verify_session = median_ms(20, || {
        on_card(p, c, |card| card.verify(&pin("12345678"))).unwrap();
    });
    let (mut select_get, mut verify_apdu) = (0.0, 0.0);
    p.session(&c.reader, |t| {
        select_get = median_ms(20, || {
            OperatorCard::select(t).unwrap().card_data().unwrap();
        });
        let mut card = OperatorCard::select(t)?;
        verify_apdu = median_ms(20, || card.verify(&pin("12345678")).unwrap());
        Ok(())
    })
    .unwrap();
    println!(
        "latency {label}: Inspect session (connect, SELECT, GET DATA, reset) {inspect:.2} ms \
         (target < 20); SELECT + GET DATA {select_get:.2} ms; VERIFY session {verify_session:.2} \
         ms; VERIFY APDU {verify_apdu:.2} ms (target < 10)"
    );
}

#[test]
fn readers_show_the_cards_and_the_empty_slot() {
    let Some(c0) = vcard(0) else { return };
    let readers = pcsc().readers().unwrap();
    for i in [0, 1, 2, 5, 6, 8] {
        // (cards 3, 4 and 7 are killed and restarted by other tests running in parallel)
        let c = vcard(i).unwrap();
        assert!(
            readers.iter().any(|r| r.name == c.reader && r.card_present),
            "{}",
            c.reader
        );
    }
    let empty = EMPTY_SLOT;
    assert!(
        readers.iter().any(|r| r.name == empty && !r.card_present),
        "{readers:?}"
    );
    let p = pcsc();
    assert_eq!(on_card(&p, &c0, |_| Ok(())).err(), None);
    assert_eq!(p.session(empty, |_| Ok(())).err(), Some(CardError::NoCard));
    assert_eq!(
        p.session("No Such Reader 00 00", |_| Ok(())).err(),
        Some(CardError::UnknownReader)
    );
}

#[test]
fn inspect_through_pcscd_and_latency() {
    let Some(c) = vcard(0) else { return };
    let p = pcsc();
    let d = on_card(&p, &c, |card| card.card_data()).unwrap();
    assert_eq!(d.csn, c.csn);
    assert_eq!(d.atr, softcca_vcard::ATR);
    assert_eq!(
        (d.scr, d.mmpn, d.pin_sealed, d.content.kind),
        (0, 6, false, ContentKind::Empty)
    );
    measure(&p, &c, "with TCP_QUICKACK");
}

#[test]
fn latency_without_quickack() {
    let Some(mut c) = vcard(4) else { return };
    c.kill();
    c.restart(&["--no-quickack"]);
    let p = pcsc();
    measure(&p, &c, "without TCP_QUICKACK");
    c.kill();
    c.restart(&[]);
}

#[test]
fn six_wrong_pins_tolerated_the_seventh_blocks_through_pcscd() {
    let Some(c) = vcard(1) else { return };
    let p = pcsc();
    for n in 1..=6u8 {
        // Each presentation in its own session: the counter is persistent, not per session.
        let r = on_card(&p, &c, |card| card.verify(&pin("00000000")));
        assert_eq!(r, Err(CardError::WrongPin { tries_left: 7 - n }));
    }
    assert_eq!(on_card(&p, &c, |card| card.card_data()).unwrap().scr, 6);
    assert_eq!(
        on_card(&p, &c, |card| card.verify(&pin("00000000"))),
        Err(CardError::Blocked)
    );
    assert_eq!(
        on_card(&p, &c, |card| card.verify(&pin("12345678"))),
        Err(CardError::Blocked)
    );
    assert_eq!(
        on_card(&p, &c, |card| card.pin_status()),
        Ok(PinStatus::Blocked)
    );
    assert!(on_card(&p, &c, |card| card.card_data()).unwrap().blocked());
}

#[test]
fn pin_change_label_content_erase_and_session_reset_through_pcscd() {
    let Some(c) = vcard(2) else { return };
    let p = pcsc();
    on_card(&p, &c, |card| {
        card.change_pin(&pin("12345678"), &pin("48151623"))
    })
    .unwrap();
    assert_eq!(
        on_card(&p, &c, |card| card
            .change_pin(&pin("48151623"), &pin("11111111"))),
        Err(CardError::PinChangeSealed)
    );
    let share = Content::new(
        ContentKind::PartitionShare,
        SetInfo {
            set_id: [9; 16],
            m: 2,
            n: 3,
            index: 3,
            check_value: [1; 8],
        },
        &[0x42; 33],
    )
    .unwrap();
    on_card(&p, &c, |card| {
        card.verify(&pin("48151623"))?;
        card.put_label(b"PARTITION-SET-1")?;
        card.put_content(&share)
    })
    .unwrap();
    // The next session starts unverified: the previous one ended with a card reset.
    assert_eq!(
        on_card(&p, &c, |card| card.label()),
        Err(CardError::PinNotVerified)
    );
    assert_eq!(
        on_card(&p, &c, |card| card.pin_status()),
        Ok(PinStatus::TriesLeft(7))
    );
    let (label, content) = on_card(&p, &c, |card| {
        card.verify(&pin("48151623"))?;
        Ok((card.label()?, card.content()?))
    })
    .unwrap();
    assert_eq!(label, b"PARTITION-SET-1");
    assert_eq!(
        (content.descriptor(), content.secret()),
        (share.descriptor(), &[0x42; 33][..])
    );
    let d = on_card(&p, &c, |card| card.card_data()).unwrap();
    assert_eq!((d.pin_sealed, d.content), (true, *share.descriptor()));
    assert_eq!(
        on_card(&p, &c, |card| card.erase()),
        Err(CardError::PinNotVerified)
    );
    on_card(&p, &c, |card| {
        card.verify(&pin("48151623"))?;
        card.erase()
    })
    .unwrap();
    on_card(&p, &c, |card| {
        card.verify(&pin("12345678"))?;
        assert_eq!(card.label()?, b"");
        card.change_pin(&pin("12345678"), &pin("22222222"))
    })
    .unwrap();
}

#[test]
fn killed_card_fails_cleanly_keeps_old_or_new_state_and_reconnects() {
    let Some(mut c) = vcard(3) else { return };
    let p = pcsc();
    on_card(&p, &c, |card| {
        card.verify(&pin("12345678"))?;
        card.put_label(b"L0")
    })
    .unwrap();
    let mut last = 0u32;
    for kill_after_ms in [150, 97, 211] {
        // Write labels L<n+1>, L<n+2>, ... one per session while the card process is killed.
        let writer = {
            let reader = c.reader.clone();
            std::thread::spawn(move || {
                let p = pcsc();
                let mut acked = last;
                loop {
                    let label = format!("L{}", acked + 1);
                    let r = p.session(&reader, |t| {
                        let mut card = OperatorCard::select(t)?;
                        card.verify(&pin("12345678"))?;
                        card.put_label(label.as_bytes())
                    });
                    match r {
                        Ok(()) => acked += 1,
                        Err(e) => return (acked, e),
                    }
                }
            })
        };
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        c.kill();
        let (acked, err) = writer.join().unwrap();
        assert!(acked > last, "no write before the kill");
        assert!(
            matches!(
                err,
                CardError::CardRemoved | CardError::Transport | CardError::NoCard
            ),
            "{err:?}"
        );
        c.restart(&[]);
        // A kill between VERIFY's raised counter and its reset leaves SCR at 1: the counter
        // never loses a presentation (docs/card-profile.md §2.1).
        let scr = on_card(&p, &c, |card| card.card_data()).unwrap().scr;
        assert!(scr <= 1, "SCR {scr}");
        let label = on_card(&p, &c, |card| {
            card.verify(&pin("12345678"))?;
            card.label()
        })
        .unwrap();
        let label = String::from_utf8(label).unwrap();
        assert!(
            label == format!("L{acked}") || label == format!("L{}", acked + 1),
            "label {label} after {acked} acknowledged writes"
        );
        last = label[1..].parse().unwrap();
    }
}

/// The independent client: opensc-tool sends only APDUs from docs/card-profile.md.
#[test]
fn opensc_tool_drives_the_card_from_the_profile_alone() {
    let Some(c) = vcard(5) else { return };
    let apdus = [
        ("00A4040C09F0534F465443434101", "90 00"),
        ("00CA006600", "90 00"),
        ("00CA010100", "69 82"),
        ("0020008108 3030303030303030", "63 C6"),
        ("00200081", "63 C6"),
        ("0020008108 3132333435363738", "90 00"),
        ("00200081", "90 00"),
        ("00DA010105 5345542D41", "90 00"),
        ("00CA010100", "90 00"),
        ("0024008110 31323334353637383438313531363233", "90 00"),
        ("0024008110 34383135313632333131313131313131", "69 85"),
        ("80EE0000", "90 00"),
        ("00CA010100", "69 82"),
        ("00B0000000", "6D 00"),
    ];
    let mut cmd = Command::new("timeout");
    cmd.args(["20", "opensc-tool", "--reader", &c.reader]);
    for (apdu, _) in &apdus {
        cmd.args(["-s", &apdu.replace(' ', "")]);
    }
    let out = cmd
        .output()
        .expect("opensc-tool (scripts/deps.sh installs opensc)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sws: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Received (SW1=0x"))
        .map(|l| {
            let sw1 = &l[..2];
            let sw2 = &l[l.find("SW2=0x").unwrap() + 6..][..2];
            format!("{sw1} {sw2}").to_uppercase()
        })
        .collect();
    let want: Vec<&str> = apdus.iter().map(|(_, sw)| *sw).collect();
    assert_eq!(sws, want, "{text}");
    assert!(
        text.contains("53 45 54 2D 41"),
        "the label after VERIFY:\n{text}"
    );
}

/// The attack: a second client connects after a PIN-verified session and, without SELECT or
/// VERIFY, asks for the label. The session's closing card reset must have cleared both the
/// selection and the verification (a card leaves its security state alone otherwise).
#[test]
fn no_pin_stays_verified_for_the_next_client() {
    let Some(c) = vcard(6) else { return };
    let p = pcsc();
    on_card(&p, &c, |card| {
        card.verify(&pin("12345678"))?;
        card.put_label(b"SECRET-LABEL")
    })
    .unwrap();
    let raw = p
        .session(&c.reader, |t| t.transmit(&[0x00, 0xCA, 0x01, 0x01, 0x00]))
        .unwrap();
    assert_eq!(
        raw[..],
        [0x69, 0x85],
        "the next client read the label without the PIN"
    );
}

/// A card pulled and replaced faster than pcscd's presence poll (400 ms): the first command of
/// the next session meets the dead connection (SCARD_W_RESET_CARD / REMOVED_CARD /
/// E_NOT_TRANSACTED). The session must reconnect and start over by itself, not fail.
#[test]
fn a_replaced_card_is_reached_by_the_next_session() {
    let Some(mut c) = vcard(7) else { return };
    let p = pcsc();
    for round in 0..5 {
        on_card(&p, &c, |card| card.card_data()).unwrap();
        Command::new("kill")
            .args(["-KILL", &c.pid.to_string()])
            .status()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20));
        c.spawn(&[]);
        match on_card(&p, &c, |card| card.card_data()) {
            Ok(d) => assert_eq!(d.csn, c.csn),
            // pcscd has not seen the new card yet: it must appear within its polls.
            Err(CardError::NoCard) => {
                wait_presence(&c.reader, true);
                assert_eq!(on_card(&p, &c, |card| card.card_data()).unwrap().csn, c.csn);
            }
            Err(e) => panic!("round {round}: {e:?}: the session did not reconnect"),
        }
    }
}

/// Two clients share one card (shared mode). Each session SELECTs (which clears the other's
/// verification) and then reads the label under its own VERIFY: only the per-session
/// transaction keeps another client's SELECT out of the middle of an operation.
#[test]
fn concurrent_clients_do_not_break_each_others_sessions() {
    let Some(c) = vcard(8) else { return };
    on_card(&pcsc(), &c, |card| {
        card.verify(&pin("12345678"))?;
        card.put_label(b"SHARED")
    })
    .unwrap();
    let workers: Vec<_> = (0..3)
        .map(|_| {
            let reader = c.reader.clone();
            std::thread::spawn(move || {
                let p = pcsc();
                for _ in 0..40 {
                    let label = p
                        .session(&reader, |t| {
                            let mut card = OperatorCard::select(t)?;
                            card.verify(&pin("12345678"))?;
                            card.label()
                        })
                        .unwrap();
                    assert_eq!(label, b"SHARED");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
}

/// The attack on the gap between the end of a session's transaction and its reset: while one
/// client keeps verifying the PIN in sessions, another keeps sending GET DATA label with no
/// SELECT and no VERIFY, hoping to get the card's lock before the first client's reset. It must
/// never read the label. Bounded in time; both sides pause between sessions, because pcscd's
/// transaction lock is polled (about every 100 ms) and unfair: a side that never pauses starves
/// the other. (This test did not catch the former reset-at-disconnect window, which is narrow;
/// see src/card/pcsc.rs for why the reset now happens inside the transaction.)
#[test]
fn no_client_slips_in_between_a_session_and_its_reset() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let Some(c) = vcard(6) else { return };
    let until = Instant::now() + Duration::from_millis(2500);
    let done = std::sync::Arc::new(AtomicBool::new(false));
    let honest = {
        let (reader, done) = (c.reader.clone(), done.clone());
        std::thread::spawn(move || {
            let p = pcsc();
            let mut sessions = 0;
            while Instant::now() < until {
                p.session(&reader, |t| {
                    let mut card = OperatorCard::select(t)?;
                    card.verify(&pin("12345678"))?;
                    card.label()
                })
                .unwrap();
                sessions += 1;
                std::thread::sleep(Duration::from_millis(3));
            }
            done.store(true, Ordering::SeqCst);
            sessions
        })
    };
    let p = pcsc();
    let mut tries = 0;
    // A session that never ends (a transaction pcscd never grants) fails the test instead of
    // hanging the suite.
    let hard_stop = until + Duration::from_secs(30);
    while !done.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < hard_stop,
            "the verified client's sessions stopped ({tries} raw sessions so far)"
        );
        if let Ok(r) = p.session(&c.reader, |t| t.transmit(&[0x00, 0xCA, 0x01, 0x01, 0x00])) {
            assert_ne!(
                &r[r.len() - 2..],
                [0x90, 0x00],
                "label read without the PIN"
            );
        }
        tries += 1;
        std::thread::sleep(Duration::from_micros(200));
    }
    let sessions = honest.join().unwrap();
    println!("{tries} raw sessions against {sessions} verified ones");
    assert!(
        tries >= 20 && sessions >= 20,
        "too little contention: {tries} / {sessions}"
    );
}
