//! The custody set verbs through their C entry points (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST,
//! CSUCSST) against pcscd and the virtual cards (tests/common/vcards.rs): every card runs on a
//! fresh state file of its own for this binary (test binaries run one after another; each card
//! gets its own state file back at the end). One test, so that SOFTCCA_HOME is set before any
//! other thread exists; the kill -9 part runs this binary again as the child process.

#[path = "common/ceremony.rs"]
mod ceremony;
#[path = "common/vcards.rs"]
mod vcards;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ceremony::{LEN, PIN, Verb, WRONG, call, ceremony, header};
use softcca::card::{Content, ContentKind, SetInfo};
use softcca::ffi::set::CSUCSST;
use vcards::{Fresh, VCard, name_field, on_card, pcsc, pin, signal, vcard};

const PARAMS: i32 = 0xF220;
const BUFFER: i32 = 0xF221;
const PHASE: i32 = 0xF222;
const UNKNOWN: i32 = 0xF230;
const PENDING: i32 = 0xF231;
const INVALID: i32 = 0xF232;
const MISMATCH: i32 = 0xF233;
const KIND: i32 = 0xF234;
const DUPLICATE: i32 = 0xF235;
const CHECK: i32 = 0xF236;
const NO_SHARE: i32 = 0xF237;
const NOT_EMPTY: i32 = 0xF186;
const WRONG_PIN_6: i32 = 0xF1C6;

/// A CSUCSST record: (status, set id, index, check value, label).
type Status = (String, String, String, String, String);

/// CSUCSST.
fn status(card: &VCard) -> Status {
    status_try(card).unwrap_or_else(|r| panic!("CSUCSST {}: {r:?}", card.reader))
}

/// CSUCSST, right after a process was killed in the middle of a card session: pcscd may still
/// be cleaning up that session (a transport error, 12/X'F130'); a console would try again.
fn status_after_kill(card: &VCard) -> Status {
    for _ in 0..50 {
        match status_try(card) {
            Ok(s) => return s,
            Err((12, 0xF130)) => std::thread::sleep(Duration::from_millis(20)),
            Err(r) => panic!("CSUCSST {}: {r:?}", card.reader),
        }
    }
    panic!("CSUCSST {}: transport errors for 1 s", card.reader)
}

fn status_try(card: &VCard) -> Result<Status, (i32, i32)> {
    let (mut rc, mut rs) = (-1, -1);
    let mut count = 0;
    let mut reader = name_field(&card.reader);
    let mut len = 200;
    let mut out = [0u8; 200];
    // SAFETY: live locals of the documented sizes.
    unsafe {
        CSUCSST(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
            reader.as_mut_ptr(),
            &mut len,
            out.as_mut_ptr(),
        )
    };
    if (rc, rs) != (0, 0) {
        return Err((rc, rs));
    }
    assert_eq!(len, 168);
    let t = |a: usize, b: usize| String::from_utf8_lossy(&out[a..b]).trim().to_string();
    Ok((t(0, 8), t(16, 48), t(54, 57), t(60, 76), t(108, 168)))
}

/// The card's content descriptor and SCR (read without a PIN).
fn card_state(c: &VCard) -> (softcca::card::Descriptor, u8) {
    let d = on_card(&pcsc(), c, |k| k.card_data()).unwrap();
    (d.content, d.scr)
}

fn erase(c: &VCard) {
    on_card(&pcsc(), c, |k| {
        k.verify(&pin(PIN))?;
        k.erase()
    })
    .unwrap();
}

/// Erases `c` and writes a hand-made content (the attacker's card).
fn forge(c: &VCard, kind: ContentKind, set: SetInfo, share: &[u8; 32]) {
    erase(c);
    on_card(&pcsc(), c, |k| {
        k.verify(&pin(PIN))?;
        k.put_content(&Content::new(kind, set, share)?)
    })
    .unwrap();
}

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    let v: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

#[test]
fn custody_ceremonies() {
    let home = std::env::temp_dir().join(format!("softcca-test-custody-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    // An existing directory (legacy-form acp.conf) until the tests log on (CSUALCT).
    vcards::write_legacy_acp(&home);
    // SAFETY: the binary's only test (the child entry below is ignored), before any thread.
    unsafe { std::env::set_var("SOFTCCA_HOME", &home) };
    let Some(mut fresh) = Fresh::new(&(0..15).collect::<Vec<_>>()) else {
        return;
    };
    let started = Instant::now();
    card_pulled_during_a_write(&mut fresh);
    let c = &fresh.cards;
    let svmk = create_recombine_and_copy(c);
    eprintln!("create/verify/copy: {:?}", started.elapsed());
    whole_and_partition(c);
    parameter_and_target_faults(c);
    recombination_faults(c, &svmk);
    racing_replays(c);
    eprintln!("faults: {:?}", started.elapsed());
    kill_during_create_and_copy(c, &home, &fresh.dir);
    eprintln!("total: {:?}", started.elapsed());
    every_ceremony_call_is_audited(&home);
    drop(fresh);
    let _ = std::fs::remove_dir_all(&home);
}

/// Every call of the set verbs left one record in the directory's audit log, naming the card
/// it used, and no PIN appears in the log.
fn every_ceremony_call_is_audited(home: &std::path::Path) {
    let log = std::fs::read_to_string(home.join("audit.log")).expect("audit.log");
    for verb in ["CSUCSVK", "CSUCPAS", "CSUCCST", "CSUCVST", "CSUCSST"] {
        let lines: Vec<&str> = log
            .lines()
            .filter(|l| l.contains(&format!(" op={verb} ")))
            .collect();
        assert!(!lines.is_empty(), "no audit record of {verb}");
        assert!(
            lines.iter().any(|l| l.contains(" csn=")),
            "{verb}: no record names a card"
        );
    }
    assert!(!log.contains(PIN), "a PIN in the audit log");
}

/// SVMK 2 of 2 on cards 11 and 12; card 12 is pulled (its process killed) while it is being
/// written, after its PIN and its label were written: the call fails, the set is invalid for
/// good (Set Status says so, Verify Set refuses card 11, the ceremony cannot go on).
fn card_pulled_during_a_write(fresh: &mut Fresh) {
    let state = fresh.dir.join("card-12.state");
    let mut buf = Box::new([0u8; LEN]);
    {
        let c = &fresh.cards;
        assert_eq!(
            call(Verb::Svmk, "FIRST", &mut buf, &c[11], PIN, "PULLED", 2, 2),
            (0, 0)
        );
        let pid = c[12].pid;
        let mut writes = Writes::watch(&state);
        let puller = std::thread::spawn(move || {
            // VERIFY writes the card's memory twice, PUT DATA label once: pull the card then.
            let deadline = Instant::now() + Duration::from_secs(10);
            while writes.poll() < 3 {
                assert!(Instant::now() < deadline, "card 12 not written");
                std::hint::spin_loop();
            }
            signal(pid, libc::SIGSTOP);
            signal(pid, libc::SIGKILL);
        });
        let r = call(Verb::Svmk, "NEXT", &mut buf, &c[12], PIN, "PULLED", 0, 0);
        puller.join().unwrap();
        assert!(
            [(8, 0xF122), (12, 0xF130)].contains(&r),
            "pulled card: {r:x?}"
        );
        assert_eq!(status(&c[11]).0, "INVALID");
        let mut v = Box::new([0u8; LEN]);
        assert_eq!(
            call(Verb::Verify, "FIRST", &mut v, &c[11], PIN, "", 0, 0),
            (8, INVALID)
        );
        // Going on with the ceremony is refused too.
        vcards::wait_presence(&c[12].reader, false);
    }
    let c12 = &mut fresh.cards[12];
    c12.spawn_on(&state, &[]);
    vcards::wait_presence(&c12.reader, true);
    let c = &fresh.cards;
    // No share (the pull came before the content write), or one of the invalid set when two
    // of the card's writes looked like one to the watcher.
    assert!(["EMPTY", "INVALID"].contains(&status(&c[12]).0.as_str()));
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut buf, &c[12], PIN, "PULLED", 0, 0),
        (8, INVALID)
    );
    erase(&c[11]);
    erase(&c[12]);
}

/// A complete set's public facts, for the fault tests.
struct SetFacts {
    set_id: String,
    cv: String,
}

/// SVMK 2 of 3 on cards 0-2; recombined from every order of two; copied from cards 2 and 0 to
/// 3 of 5 on cards 3-7; the copy recombines from three of its cards, the source still does,
/// and the source cards are unchanged.
fn create_recombine_and_copy(c: &[VCard]) -> SetFacts {
    let mut buf = Box::new([0u8; LEN]);
    for i in 0..3 {
        let step = if i == 0 { "FIRST" } else { "NEXT" };
        let label = format!("SVMK CUSTODIAN {}", i + 1);
        assert_eq!(
            call(Verb::Svmk, step, &mut buf, &c[i], PIN, &label, 2, 3),
            (0, 0)
        );
        let (verb, phase, kind, m, n, done, _, _) = header(&buf);
        assert_eq!(
            (verb.as_str(), kind.as_str(), m, n),
            ("CSUCSVK", "SVMK", 2, 3)
        );
        if i < 2 {
            assert_eq!((phase.as_str(), done), ("WRITE", i as u32 + 1));
            // Mid-ceremony the set is pending: not usable.
            assert_eq!(status(&c[0]).0, "PENDING");
        } else {
            assert_eq!(phase, "DONE");
        }
    }
    let (_, _, _, _, _, _, set_id, cv) = header(&buf);
    assert_eq!(set_id.len(), 32);
    for (i, card) in c[..3].iter().enumerate() {
        let (st, id, index, check, label) = status(card);
        assert_eq!(
            (st.as_str(), id.as_str(), check.as_str()),
            ("COMPLETE", set_id.as_str(), cv.as_str())
        );
        assert_eq!(index, format!("{:03}", i + 1));
        assert_eq!(
            label, "SVMK CUSTODIAN 1",
            "the set's label is the first card's"
        );
        let got = on_card(&pcsc(), card, |k| {
            k.verify(&pin(PIN))?;
            k.label()
        })
        .unwrap();
        assert_eq!(got, format!("SVMK CUSTODIAN {}", i + 1).as_bytes());
    }
    // Any order of any two cards recombines the same secret (same check value).
    for order in [[2, 0], [1, 2], [0, 1], [2, 1], [0, 2], [1, 0]] {
        let v = ceremony(Verb::Verify, &[&c[order[0]], &c[order[1]]], "", 0, 0);
        let (verb, phase, kind, m, n, _, id, check) = header(&v);
        assert_eq!(
            (verb.as_str(), phase.as_str(), kind.as_str(), m, n),
            ("CSUCVST", "DONE", "SVMK", 2, 3)
        );
        assert_eq!(
            (id.as_str(), check.as_str()),
            (set_id.as_str(), cv.as_str()),
            "{order:?}"
        );
    }
    // Copy Set from cards 2 and 0 to 3 of 5 on cards 3-7.
    let before: Vec<_> = c[..3].iter().map(card_state).collect();
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Copy, "FIRST", &mut buf, &c[2], PIN, "", 3, 5),
        (0, 0)
    );
    let (_, phase, _, m, n, done, id, _) = header(&buf);
    assert_eq!(
        (phase.as_str(), m, n, done, id.as_str()),
        ("READ", 2, 3, 1, set_id.as_str())
    );
    assert_eq!(
        call(Verb::Copy, "NEXT", &mut buf, &c[0], PIN, "", 0, 0),
        (0, 0)
    );
    let (_, phase, _, m, n, done, new_id, check) = header(&buf);
    assert_eq!((phase.as_str(), m, n, done), ("WRITE", 3, 5, 0));
    assert_ne!(new_id, set_id, "a copy has a new set id");
    assert_eq!(check, cv, "and the same secret");
    for card in &c[3..8] {
        let r = call(Verb::Copy, "NEXT", &mut buf, card, PIN, "SVMK COPY", 0, 0);
        assert_eq!(r, (0, 0), "copy target {}", card.index);
    }
    assert_eq!(header(&buf).1, "DONE");
    for card in &c[3..8] {
        let (st, id, _, check, _) = status(card);
        assert_eq!(
            (st.as_str(), id.as_str(), check.as_str()),
            ("COMPLETE", new_id.as_str(), cv.as_str())
        );
    }
    let v = ceremony(Verb::Verify, &[&c[7], &c[3], &c[5]], "", 0, 0);
    assert_eq!(header(&v).6, new_id);
    assert_eq!(header(&v).7, cv);
    // The source was only read, and still works.
    let after: Vec<_> = c[..3].iter().map(card_state).collect();
    assert_eq!(before, after);
    let v = ceremony(Verb::Verify, &[&c[1], &c[0]], "", 0, 0);
    assert_eq!(
        (header(&v).1, header(&v).6),
        ("DONE".to_string(), set_id.clone())
    );
    // Two of the copy are not enough: the buffer stays in READ.
    let v = ceremony(Verb::Verify, &[&c[4], &c[6]], "", 0, 0);
    assert_eq!((header(&v).1.as_str(), header(&v).5), ("READ", 2));
    SetFacts { set_id, cv }
}

/// A whole SVMK on card 8 (one card recombines it); a partition set 2 of 2 on cards 9-10.
fn whole_and_partition(c: &[VCard]) {
    let b = ceremony(Verb::Svmk, &[&c[8]], "WHOLE", 1, 1);
    let (_, phase, kind, m, n, _, id, cv) = header(&b);
    assert_eq!(
        (phase.as_str(), kind.as_str(), m, n),
        ("DONE", "SVMK", 1, 1)
    );
    assert_eq!(card_state(&c[8]).0.kind, ContentKind::MasterKey);
    let v = ceremony(Verb::Verify, &[&c[8]], "", 0, 0);
    assert_eq!(
        (header(&v).1, header(&v).6, header(&v).7),
        ("DONE".into(), id, cv)
    );

    let b = ceremony(Verb::Part, &[&c[9], &c[10]], "PARTITION A", 2, 2);
    let (verb, phase, kind, _, _, _, id, cv) = header(&b);
    assert_eq!(
        (verb.as_str(), phase.as_str(), kind.as_str()),
        ("CSUCPAS", "DONE", "PART")
    );
    assert_eq!(card_state(&c[9]).0.kind, ContentKind::PartitionShare);
    assert_eq!(status(&c[10]).4, "PARTITION A");
    let v = ceremony(Verb::Verify, &[&c[10], &c[9]], "", 0, 0);
    assert_eq!(
        (header(&v).2, header(&v).6, header(&v).7),
        ("PART".into(), id, cv)
    );
}

/// M/N out of range, a target card that is not erased, a wrong PIN on a target, a replayed or
/// altered buffer, a buffer of another verb.
fn parameter_and_target_faults(c: &[VCard]) {
    let sentinel = [0x5Au8; LEN];
    for (verb, m, n, label) in [
        (Verb::Svmk, 1, 3, "X"),
        (Verb::Svmk, 3, 2, "X"),
        (Verb::Svmk, 0, 2, "X"),
        (Verb::Svmk, 2, 65, "X"),
        (Verb::Svmk, 65, 65, "X"),
        (Verb::Svmk, 2, 1, "X"),
        (Verb::Svmk, -1, 2, "X"),
        (Verb::Part, 1, 1, "X"),
        (Verb::Part, 2, 3, ""),
        (Verb::Copy, 3, 2, ""),
    ] {
        let mut buf = Box::new(sentinel);
        let r = call(verb, "FIRST", &mut buf, &c[11], WRONG, label, m, n);
        assert_eq!(r, (8, PARAMS), "{verb:?} {m} of {n}");
        assert_eq!(*buf, sentinel, "outputs untouched");
    }
    // Nothing reached the card: no PIN was presented (SCR 0), no set recorded.
    assert_eq!(
        card_state(&c[11]),
        (
            softcca::card::Descriptor {
                kind: ContentKind::Empty,
                set: None
            },
            0
        )
    );

    // A card that holds a share is refused before its PIN is presented (a wrong PIN here
    // would move SCR).
    let mut buf = Box::new(sentinel);
    assert_eq!(
        call(Verb::Svmk, "FIRST", &mut buf, &c[0], WRONG, "", 2, 2),
        (8, NOT_EMPTY)
    );
    assert_eq!(card_state(&c[0]).1, 0);

    // 2 of 3 on cards 11, 12, 14: a wrong PIN on card 12 leaves the buffer as it was, and
    // the ceremony goes on with it.
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Svmk, "FIRST", &mut buf, &c[11], PIN, "F", 2, 3),
        (0, 0)
    );
    let after_first = buf.clone();
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut buf, &c[12], WRONG, "F", 0, 0),
        (8, WRONG_PIN_6)
    );
    assert_eq!(buf, after_first);
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut buf, &c[12], PIN, "F", 0, 0),
        (0, 0)
    );
    let after_second = buf.clone();
    // Replaying the buffer of step 1 would write share 2 onto a third card while the set is
    // still being written: refused, and card 13 stays empty.
    let mut replay = after_first.clone();
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut replay, &c[13], PIN, "F", 0, 0),
        (8, PHASE)
    );
    assert_eq!(card_state(&c[13]).0.kind, ContentKind::Empty);
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut buf, &c[14], PIN, "F", 0, 0),
        (0, 0)
    );
    assert_eq!(header(&buf).1, "DONE");
    // After the last card: a replayed step, or NEXT on the finished buffer, is refused.
    let mut replay = after_second.clone();
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut replay, &c[13], PIN, "F", 0, 0),
        (8, PHASE)
    );
    let mut done = buf.clone();
    assert_eq!(
        call(Verb::Svmk, "NEXT", &mut done, &c[13], PIN, "F", 0, 0),
        (8, PHASE)
    );
    assert_eq!(card_state(&c[13]).0.kind, ContentKind::Empty);
    // An altered buffer (header or body), or one of another verb, is refused.
    for at in [30, 40, 200, 4095] {
        let mut x = after_first.clone();
        x[at] ^= 0x01;
        assert_eq!(
            call(Verb::Svmk, "NEXT", &mut x, &c[13], PIN, "F", 0, 0),
            (8, BUFFER),
            "byte {at}"
        );
    }
    let mut other = after_first.clone();
    assert_eq!(
        call(Verb::Part, "NEXT", &mut other, &c[13], PIN, "F", 0, 0),
        (8, BUFFER)
    );
    assert_eq!(
        call(Verb::Verify, "NEXT", &mut other, &c[13], PIN, "", 0, 0),
        (8, BUFFER)
    );
    assert_eq!(card_state(&c[13]).0.kind, ContentKind::Empty);

    // An abandoned ceremony leaves its set pending for good.
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Svmk, "FIRST", &mut buf, &c[13], PIN, "P", 2, 2),
        (0, 0)
    );
    assert_eq!(status(&c[13]).0, "PENDING");
}

/// Recombination refusals, with the complete SVMK set of cards 0-2 (`s`).
fn recombination_faults(c: &[VCard], s: &SetFacts) {
    let verify_pair = |first: &VCard, second: &VCard, pin2: &str| {
        let mut buf = Box::new([0u8; LEN]);
        assert_eq!(
            call(Verb::Verify, "FIRST", &mut buf, first, PIN, "", 0, 0),
            (0, 0)
        );
        let kept = buf.clone();
        let r = call(Verb::Verify, "NEXT", &mut buf, second, pin2, "", 0, 0);
        if r != (0, 0) {
            assert_eq!(buf, kept, "a refused card leaves the buffer as it was");
        }
        (r, buf)
    };
    // The same card twice.
    assert_eq!(verify_pair(&c[0], &c[0], PIN).0, (8, DUPLICATE));
    // A card of another set (cards 11-12: the 2-of-2 set of the faults above).
    assert_eq!(verify_pair(&c[0], &c[11], PIN).0, (8, MISMATCH));
    // A card of another kind (partition card 9, then an SVMK share).
    assert_eq!(verify_pair(&c[9], &c[0], PIN).0, (8, KIND));
    // A card of a pending (interrupted) set, alone.
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Verify, "FIRST", &mut buf, &c[13], PIN, "", 0, 0),
        (8, PENDING)
    );
    // A wrong PIN on one card of M: refused, and the ceremony goes on with another card.
    let (r, mut buf) = verify_pair(&c[0], &c[1], WRONG);
    assert_eq!(r, (8, WRONG_PIN_6));
    assert_eq!(
        call(Verb::Verify, "NEXT", &mut buf, &c[2], PIN, "", 0, 0),
        (0, 0)
    );
    assert_eq!(header(&buf).1, "DONE");
    // An empty card.
    erase(&c[14]);
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Verify, "FIRST", &mut buf, &c[14], PIN, "", 0, 0),
        (8, NO_SHARE)
    );

    let set_id = unhex::<16>(&s.set_id);
    let cv = unhex::<8>(&s.cv);
    let info = |index, m, n| SetInfo {
        set_id,
        m,
        n,
        index,
        check_value: cv,
    };
    // A forged share: the set's id, M, N and check value, a free index, random bytes. The
    // card looks like one of the set; only the check value of the recombination tells.
    forge(
        &c[14],
        ContentKind::MasterKeyShare,
        info(3, 2, 3),
        &[0x42; 32],
    );
    assert_eq!(status(&c[14]).0, "COMPLETE");
    assert_eq!(verify_pair(&c[0], &c[14], PIN).0, (8, CHECK));
    // A copy of card 0's index on another card (another CSN).
    forge(
        &c[14],
        ContentKind::MasterKeyShare,
        info(1, 2, 3),
        &[0x42; 32],
    );
    assert_eq!(verify_pair(&c[0], &c[14], PIN).0, (8, DUPLICATE));
    // The set's id with another M.
    forge(
        &c[14],
        ContentKind::MasterKeyShare,
        info(3, 3, 3),
        &[0x42; 32],
    );
    assert_eq!(status(&c[14]).0, "MISMATCH");
    assert_eq!(verify_pair(&c[0], &c[14], PIN).0, (8, MISMATCH));
    // A set this directory never recorded.
    let mut other = info(1, 2, 3);
    other.set_id = [0x77; 16];
    forge(&c[14], ContentKind::MasterKeyShare, other, &[0x42; 32]);
    assert_eq!(status(&c[14]).0, "UNKNOWN");
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Verify, "FIRST", &mut buf, &c[14], PIN, "", 0, 0),
        (8, UNKNOWN)
    );
    // Copy Set refuses the same cards the same way, and a whole copy of a partition set.
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Copy, "FIRST", &mut buf, &c[13], PIN, "", 2, 2),
        (8, PENDING)
    );
    let mut buf = Box::new([0u8; LEN]);
    assert_eq!(
        call(Verb::Copy, "FIRST", &mut buf, &c[9], PIN, "", 1, 1),
        (0, 0)
    );
    assert_eq!(
        call(Verb::Copy, "NEXT", &mut buf, &c[10], PIN, "", 0, 0),
        (8, PARAMS)
    );
    erase(&c[14]);
}

/// Three threads take the same step of one ceremony at once (the buffer after card 1 of a
/// 2-of-3 set), each on its own empty card: exactly one writes share 2, the others are refused
/// (8/X'F222') and their cards stay empty. Three rounds.
fn racing_replays(c: &[VCard]) {
    for round in 0..3 {
        for t in &c[11..15] {
            erase(t);
        }
        let mut first = Box::new([0u8; LEN]);
        assert_eq!(
            call(Verb::Svmk, "FIRST", &mut first, &c[11], PIN, "RACE", 2, 3),
            (0, 0)
        );
        let barrier = std::sync::Barrier::new(3);
        let results: Vec<(i32, i32)> = std::thread::scope(|s| {
            let handles: Vec<_> = c[12..15]
                .iter()
                .map(|card| {
                    let (barrier, first) = (&barrier, &first);
                    s.spawn(move || {
                        let mut buf = first.clone();
                        barrier.wait();
                        call(Verb::Svmk, "NEXT", &mut buf, card, PIN, "RACE", 0, 0)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won = results.iter().filter(|r| **r == (0, 0)).count();
        assert_eq!(won, 1, "round {round}: {results:x?}");
        assert!(
            results.iter().all(|r| *r == (0, 0) || *r == (8, PHASE)),
            "{results:x?}"
        );
        let written = c[12..15]
            .iter()
            .filter(|t| card_state(t).0.kind != ContentKind::Empty)
            .count();
        assert_eq!(written, 1, "round {round}");
        assert_eq!(status(&c[11]).0, "PENDING");
    }
    for t in &c[11..15] {
        erase(t);
    }
}

// ---- kill -9 of the calling process at every step ----

/// The child side (run by [`kill_during_create_and_copy`]): runs the ceremony named in
/// `SOFTCCA_CUSTODY_CHILD` ("svmk 11 12 13" or "copy 0 2 -> 11 12") and prints one line per
/// call made.
#[test]
#[ignore]
fn child_ceremony() {
    use std::io::Write;
    let Ok(script) = std::env::var("SOFTCCA_CUSTODY_CHILD") else {
        return;
    };
    let mut words = script.split_whitespace();
    let op = words.next().unwrap();
    let mut sources = Vec::new();
    let mut targets = Vec::new();
    let mut side = &mut sources;
    for w in words {
        if w == "->" {
            side = &mut targets;
        } else {
            side.push(vcard(w.parse().unwrap()).unwrap());
        }
    }
    let mut buf = Box::new([0u8; LEN]);
    let (verb, m, n) = if op == "svmk" {
        (Verb::Svmk, 2, sources.len() as i32)
    } else {
        (Verb::Copy, 2, targets.len() as i32)
    };
    for (i, card) in sources.iter().chain(targets.iter()).enumerate() {
        let step = if i == 0 { "FIRST" } else { "NEXT" };
        let r = call(verb, step, &mut buf, card, PIN, "KILLED?", m, n);
        println!("step {i} {} {}", r.0, r.1);
        std::io::stdout().flush().unwrap();
        assert_eq!(r, (0, 0));
    }
    println!("done");
}

fn child(home: &std::path::Path, script: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_ceremony",
            "--nocapture",
            "--quiet",
            "--test-threads=1",
        ])
        .env("SOFTCCA_HOME", home)
        .env("SOFTCCA_CUSTODY_CHILD", script)
        .env("SOFTCCA_TRACE", "errors")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs the child to its end and returns how long its ceremony took.
fn child_duration(home: &std::path::Path, script: &str) -> Duration {
    let t = Instant::now();
    let mut ch = child(home, script);
    let out = BufReader::new(ch.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect::<Vec<_>>();
    assert!(ch.wait().unwrap().success(), "{out:?}");
    assert!(out.iter().any(|l| l == "done"), "{out:?}");
    t.elapsed()
}

/// After a kill: the written cards' set is complete only if every card of it was written
/// (and then it recombines), else it is refused; no card holds a set that looks complete
/// otherwise. Returns whether the set completed.
fn check_after_kill(targets: &[&VCard]) -> bool {
    let states: Vec<_> = targets.iter().map(|c| status_after_kill(c)).collect();
    let complete = states.iter().filter(|s| s.0 == "COMPLETE").count();
    for s in &states {
        assert!(
            ["EMPTY", "PENDING", "COMPLETE"].contains(&s.0.as_str()),
            "{states:?}"
        );
    }
    if complete > 0 {
        assert_eq!(
            complete,
            targets.len(),
            "a set looks complete with a card missing: {states:?}"
        );
        let v = ceremony(Verb::Verify, &[targets[1], targets[0]], "", 0, 0);
        assert_eq!(header(&v).1, "DONE");
    } else if let Some(c) = targets
        .iter()
        .find(|c| card_state(c).0.kind != ContentKind::Empty)
    {
        let mut buf = Box::new([0u8; LEN]);
        assert_eq!(
            call(Verb::Verify, "FIRST", &mut buf, c, PIN, "", 0, 0),
            (8, PENDING)
        );
    }
    complete > 0
}

/// Counts the virtual card's writes of its state file: the card replaces the file (rename) on
/// every write of its memory, and inotify queues one `IN_MOVED_TO` per rename, so no write is
/// missed however late this process looks (polling the inode missed writes under load, and the
/// freeze then landed later than the test believed).
struct Writes {
    fd: i32,
    name: Vec<u8>,
    seen: usize,
}

impl Writes {
    fn watch(state: &std::path::Path) -> Writes {
        use std::os::unix::ffi::OsStrExt;
        let dir = std::ffi::CString::new(state.parent().unwrap().as_os_str().as_bytes()).unwrap();
        // SAFETY: plain system calls on a descriptor this value owns.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        assert!(fd >= 0, "inotify_init1");
        // SAFETY: `dir` is a NUL-terminated path.
        let wd = unsafe { libc::inotify_add_watch(fd, dir.as_ptr(), libc::IN_MOVED_TO) };
        assert!(wd >= 0, "inotify_add_watch");
        Writes {
            fd,
            name: state.file_name().unwrap().as_bytes().to_vec(),
            seen: 0,
        }
    }

    /// Reads the queued events; returns the writes seen so far.
    fn poll(&mut self) -> usize {
        let mut buf = [0u8; 8192];
        loop {
            // SAFETY: `buf` is writable for its length.
            let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return self.seen;
            }
            let mut at = 0usize;
            while at + 16 <= n as usize {
                let len = u32::from_ne_bytes(buf[at + 12..at + 16].try_into().unwrap()) as usize;
                let name = &buf[at + 16..at + 16 + len];
                let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(len)];
                if name == self.name.as_slice() {
                    self.seen += 1;
                }
                at += 16 + len;
            }
        }
    }
}

impl Drop for Writes {
    fn drop(&mut self) {
        // SAFETY: the descriptor is ours.
        unsafe { libc::close(self.fd) };
    }
}

/// Starts the child on `script`, waits until the state file of `card` has been written
/// `writes` times (VERIFY writes twice: SCR up, then down; PUT DATA label once; PUT DATA
/// content once), freezes the card there (SIGSTOP: the child's next command to it waits),
/// lets the child run on to that command, then kills it (SIGKILL) and thaws the card. Returns
/// false when the child finished first, or when the card had already written once more before
/// the freeze took hold (the caller tries again).
fn kill_at(
    home: &std::path::Path,
    script: &str,
    card: &VCard,
    state: &std::path::Path,
    writes: usize,
) -> bool {
    let mut counter = Writes::watch(state);
    let mut ch = child(home, script);
    let deadline = Instant::now() + Duration::from_secs(10);
    while counter.poll() < writes {
        if ch.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "{script}: card {} not written {writes} times",
            card.index
        );
        std::hint::spin_loop();
    }
    signal(card.pid, libc::SIGSTOP);
    // The child goes on (registry steps included) until its next command to the frozen card.
    std::thread::sleep(Duration::from_millis(150));
    let _ = ch.kill(); // SIGKILL
    let _ = ch.wait();
    let exact = counter.poll() == writes;
    signal(card.pid, libc::SIGCONT);
    exact
}

/// `kill -9` of the process running Create Set (SVMK 2 of 3 on cards 11-13) and Copy Set
/// (cards 1 and 2 of the first set to 2 of 2 on cards 11-12): at every step, i.e. with each
/// card frozen after each of its memory writes (PIN presentation, label, content; the source
/// cards' PIN presentations too), and at moments swept over the whole ceremony. Afterwards the
/// target cards hold the old state (empty), or a set that is pending and refused, or a
/// complete set with every card; the source set is unchanged and works.
fn kill_during_create_and_copy(c: &[VCard], home: &std::path::Path, cards_dir: &std::path::Path) {
    for (script, sources, targets) in [
        ("svmk 11 12 13", vec![], vec![&c[11], &c[12], &c[13]]),
        (
            "copy 1 2 -> 11 12",
            vec![&c[1], &c[2]],
            vec![&c[11], &c[12]],
        ),
    ] {
        for t in &targets {
            erase(t);
        }
        let whole = child_duration(home, script);
        assert!(check_after_kill(&targets));
        let source_before: Vec<_> = c[..3].iter().map(card_state).collect();
        let mut outcomes = [0usize; 2];
        // Every step: (card, writes of its memory before the freeze).
        let mut points: Vec<(&VCard, usize)> = Vec::new();
        for s in &sources {
            points.extend([(*s, 1), (*s, 2)]);
        }
        for t in &targets {
            points.extend([(*t, 1), (*t, 2), (*t, 3), (*t, 4)]);
        }
        for (card, writes) in points {
            for t in &targets {
                erase(t);
            }
            let state = cards_dir.join(format!("card-{}.state", card.index));
            // Two writes close together can look like one to the polling loop: try again.
            let hit = (0..5).any(|_| {
                for t in &targets {
                    erase(t);
                }
                kill_at(home, script, card, &state, writes)
            });
            assert!(
                hit,
                "{script}: never froze card {} at write {writes}",
                card.index
            );
            let complete = check_after_kill(&targets);
            // Frozen before the last card's read-back, the set can never be complete.
            assert!(
                !complete,
                "{script}: complete after a kill at card {} write {writes}",
                card.index
            );
            outcomes[0] += 1;
        }
        // How many target cards held content after each swept kill.
        let mut written = vec![0usize; targets.len() + 1];
        let steps = 10u32;
        for k in 0..=steps {
            for t in &targets {
                erase(t);
            }
            let mut ch = child(home, script);
            // From the start of the process to past the end of its ceremony.
            std::thread::sleep(whole * k * 5 / (steps * 4));
            let _ = ch.kill(); // SIGKILL
            let _ = ch.wait();
            outcomes[usize::from(check_after_kill(&targets))] += 1;
            let n = targets
                .iter()
                .filter(|t| card_state(t).0.kind != ContentKind::Empty)
                .count();
            written[n] += 1;
        }
        eprintln!(
            "{script}: ceremony {whole:?}; after the kills: {outcomes:?} (incomplete, complete), \
             swept kills left target cards written: {written:?} (0, 1, ... cards)"
        );
        assert_eq!(
            c[..3].iter().map(card_state).collect::<Vec<_>>(),
            source_before
        );
        for s in &sources {
            assert_eq!(
                card_state(s).1,
                0,
                "a source card's PIN counter is back to 0"
            );
        }
    }
    for t in &c[11..14] {
        erase(t);
    }
}
