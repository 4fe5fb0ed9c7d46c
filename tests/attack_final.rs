//! Final review's attacks on the fixes of the access review (D76, D79): each test performs a
//! break and is ignored with its finding until fixed.

mod common;

use common::profiles::*;
use softcca::access::profile::MECH_PASSPHRASE;
use softcca::state::Coprocessor;

fn setup() -> std::sync::MutexGuard<'static, ()> {
    let g = common::verbs::setup("attack_final");
    static BOOT: std::sync::Once = std::sync::Once::new();
    BOOT.call_once(|| {
        assert_eq!(logoff(), (8, 0xF31A));
        write_lab_roles();
        let admin = aggregate(&[simple_in("SECOFF1", "officer one", "SECOFF")]);
        assert_eq!(aaci(&["INIT-AC"], &admin, &[]), (0, 0), "bootstrap");
    });
    g
}

/// F1: a try that outlived STALE_TRY_SECS (its process stopped, SIGSTOP, while in Argon2) is
/// swept as a failure; its rowid is then reused by the next try (the `tries` table has no
/// INTEGER PRIMARY KEY/AUTOINCREMENT: an empty table gives rowid 1 again), and when the stopped
/// process resumes, `end_try` deletes `WHERE rowid = ?` without the user id: it deletes the
/// **victim's** live try row. The victim's in-flight guess is then counted neither in
/// `failures` nor in the live tries, and a fourth wrong passphrase of VICTIM is verified
/// before the lock. With k stopped processes an attacker gets 3 + k verified guesses.
#[test]
fn a_swept_try_ending_late_frees_another_profiles_try() {
    let _g = setup();
    add("STALLER", "staller's own");
    add("VICTIM", "victim secret");
    let store = Coprocessor::global().unwrap().profiles().unwrap();
    // The attacker's process P1: two wrong tries, then a third that is admitted and then
    // stopped in Argon2 (begin_try done, end_try not yet).
    assert_eq!(logon("STALLER", "no1"), (8, 0xF318));
    assert_eq!(logon("STALLER", "no2"), (8, 0xF318));
    let (_, _, stalled) = store
        .begin_try(&id8("STALLER"), MECH_PASSPHRASE, |_| Ok(()))
        .unwrap();
    // 61 s pass with P1 stopped (the clock is not faked: the row's start is moved back, as
    // tests/logon.rs a_try_never_ended_counts_as_a_failure does).
    let db = rusqlite::Connection::open(home().join("access.db")).unwrap();
    db.execute(
        "UPDATE logon_tries SET started = started - 61 WHERE id = ?1",
        [stalled],
    )
    .unwrap();
    // Any try of STALLER sweeps it (a failure: STALLER locked, the refusal commits the sweep).
    assert_eq!(logon("STALLER", "sweep"), (8, 0xF311));
    // Process P2 guesses VICTIM: its try is admitted, with the swept row's rowid.
    let (_, _, guess1) = store
        .begin_try(&id8("VICTIM"), MECH_PASSPHRASE, |_| Ok(()))
        .unwrap();
    // With row ids reused it got the swept row's id (the finding); ids are never reused now.
    // P1 resumes: its end_try (a wrong one) deletes VICTIM's live try.
    store.end_try(&id8("STALLER"), stalled, false).unwrap();
    let live: i64 = db
        .query_row(
            "SELECT count(*) FROM logon_tries WHERE user_id = ?1",
            [&id8("VICTIM")[..]],
            |r| r.get(0),
        )
        .unwrap();
    // With P2's guess 1 still being verified, three more wrong passphrases are verified
    // (each 8/X'F318', not 8/X'F32B' LogonBusy after 5 s, nor 8/X'F311').
    let mut verified = 1; // guess 1, in flight
    for i in 0..3 {
        if logon("VICTIM", &format!("guess {}", i + 2)) == (8, 0xF318) {
            verified += 1;
        }
    }
    store.end_try(&id8("VICTIM"), guess1, false).unwrap();
    assert_eq!(failures("VICTIM"), 3);
    assert!(
        live == 1 && verified <= 3,
        "VICTIM's live try row deleted by STALLER's end ({live} left); {verified} wrong \
         passphrases verified before the lock"
    );
}

/// F2: D76 answers an unknown user id as a wrong passphrase, but only for PPHRASE: LOGON CARD
/// with an unknown user id is answered 8/X'F310' before the card is read, an existing one
/// with 8/X'F314' (no card mechanism) or a card error; and PPHRASE on a profile holding only a
/// card mechanism answers 8/X'F314'. Any caller (DEFAULT, no logon) learns which user ids
/// exist, without a card and without counting a try.
#[test]
fn card_logon_tells_which_user_ids_exist() {
    let _g = setup();
    add("KNOWN", "some passphrase");
    let mut reader = [b' '; 128];
    reader[..14].copy_from_slice(b"No Such Reader");
    let known = lct(&["LOGON", "CARD"], "KNOWN", &reader, b"12345678");
    let unknown = lct(&["LOGON", "CARD"], "NOBODY", &reader, b"12345678");
    assert_eq!(failures("KNOWN"), 0, "nothing counted");
    assert_eq!(
        known, unknown,
        "an existing user id ({known:?}) and an unknown one ({unknown:?}) answered alike"
    );
}
