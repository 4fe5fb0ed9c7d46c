//! Review of dual control (issue 10, commit 78c1264; docs/CSNBKPI.md and docs/CSNBMKP.md "Dual
//! control"): attacks through legal call sequences, through the C entry points.
//!
//! Each `dN_…` test PERFORMS an attack that worked on the reviewed code (finding Dn of the
//! review): it asserts what the claim promises ("one profile cannot load every part of a key or
//! of the master key and complete or set it") and failed before the fix (docs/decisions.md
//! D71, D72). The `holds_…` tests perform attacks the reviewed code already stopped.
//!
//! The custodians are real profiles (CSUAACI INIT-AC) logged on with CSUALCT LOGON PPHRASE;
//! the test writes its own roles file (tests/common/dual.rs).

mod common;
use common::dual::*;
use common::key_slots::{kpi, ktc};
use common::verbs::{TEST_MK, setup};
use common::*;

use softcca::access::dual::token_digest;
use softcca::state::Coprocessor;

/// Moves the current master key off the test key by two custodians (CUST1 RANDOM, CUST2 SET),
/// so that setting the test key later is a change.
fn other_current_master_key() {
    logon("CUST1");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
    logon("CUST2");
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0));
    assert_ne!(current_mkvp(), S9_MKVP);
    logoff();
}

/// The partial token of `key` (a key part CUST1 knows) under the current master key, made by
/// CUST1 alone: what CUST1 keeps of his FIRST.
fn first_by_cust1(key: &[u8]) -> [u8; 64] {
    logon("CUST1");
    let t = kpi_ok("FIRST", &arr(key), &skeleton("IPINENC", &["KEY-PART"]));
    logoff();
    t
}

/// The complete token one caller makes of `key` with X'F040' on and no logon (the legacy way):
/// the reference a completed key is compared with, byte for byte.
fn completed_alone(key: &[u8]) -> [u8; 64] {
    dual_control_on(false);
    let t = kpi_ok("FIRST", &arr(key), &skeleton("IPINENC", &["KEY-PART"]));
    let done = kpi_ok("COMPLETE", &[0; 16], &t);
    dual_control_on(true);
    done
}

/// Finding D1 (master key): a part loaded twice cancels out, and the profile counts once. CUST1
/// FIRST p1, CUST2 MIDDLE y, CUST2 MIDDLE y again (a retry after an apparent failure, such as
/// the 12/X'F201' CSNBMKP returns after the registers changed, or being told "it did not
/// take"), CUST1 LAST x, CUST1 SET: the record says CUST1 and CUST2, the master key is p1 ⊕ x,
/// which CUST1 alone chose (here the test key, MKVP 23FB12BC983BE87A of tests/data/mkvp.txt).
#[test]
fn d1_a_master_key_part_entered_twice_cancels_and_one_custodian_knows_the_key() {
    let _g = setup("attack-dual");
    test_master_key();
    other_current_master_key();
    let x: [u8; 24] = arr(&hex("0E0B0D070D0B0E070E0B0D070D0B0E070E0B0D070D0B0E07"));
    let p1: [u8; 24] = xor(&hex(TEST_MK), &x);
    let y = [0x4C; 24];
    logon("CUST1");
    mkp_ok("FIRST", &p1);
    logon("CUST2");
    mkp_ok("MIDDLE", &y);
    let again = mkp(&["MIDDLE"], &y);
    logon("CUST1");
    let last = mkp(&["LAST"], &x);
    let set = mkp(&["SET"], &[0; 24]);
    let mkvp = current_mkvp();
    assert_eq!(mkp(&["CLEAR"], &[0; 24]).0, 0);
    logoff();
    assert_ne!(
        mkvp, S9_MKVP,
        "CUST2's MIDDLE again {again:?}, CUST1's LAST {last:?}, CUST1's SET {set:?}: the \
         current master key is p1 ⊕ x, known to CUST1 alone"
    );
}

/// Finding D1 (key part): the same cancellation gives CUST1 his own FIRST token back with the
/// record of both profiles (the same key and control vector make the same bytes, and the record
/// of a token is that of the call that made it last). CUST1 FIRST K (kept), CUST2 ADD-PART P2,
/// CUST2 ADD-PART P2 again on what CUST1 hands back (a retry, or the second site of a key loaded
/// twice), CUST1 COMPLETE of his own FIRST token: the s9 IPINENC key, which CUST1 alone knows.
#[test]
fn d1_a_key_part_entered_twice_gives_the_first_custodian_his_own_token_with_two_profiles() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, token) = s9_pin_key();
    let mine = first_by_cust1(&key);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &mine);
    let mut back = t2;
    let again = kpi("ADD-PART", &part2(), &mut back);
    logon("CUST1");
    let mut done = mine;
    let complete = kpi("COMPLETE", &[0; 16], &mut done);
    logoff();
    assert_ne!(
        complete.0,
        0,
        "CUST2's second ADD-PART {again:?} made CUST1's own FIRST token (the same bytes: {}); \
         COMPLETE by CUST1 gave the s9 key CUST1 alone loaded (token {}, published {token})",
        back == mine,
        to_hex(&done)
    );
}

/// Finding D1, why refusing a profile's second part is not enough: CSNBKTC RTCMK gives a
/// partial token without a record (docs/CSNBKPI.md), so the profile that loaded a part of it is
/// no longer on record. CUST1 FIRST K, CUST2 ADD-PART P2, the master key changes (two
/// custodians, routine), RTCMK, CUST2 ADD-PART P2 again ("load its parts again under the current
/// master key"), CUST1 LAST q: the key K ⊕ q, which CUST1 alone knows, with both on record.
#[test]
fn d1_a_re_enciphered_partial_token_lets_a_part_entered_again_cancel() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let mine = first_by_cust1(&key);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &mine);
    logoff();
    other_current_master_key();
    let mut t2n = t2;
    assert_eq!(ktc(&mut t2n), (0, 0), "RTCMK");
    assert_ne!(t2n, t2);
    logon("CUST2");
    let mut t1n = t2n;
    let again = kpi("ADD-PART", &part2(), &mut t1n);
    logon("CUST1");
    let q: [u8; 16] = arr(&hex("1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"));
    let mut done = t1n;
    let last = kpi("LAST", &q, &mut done);
    logoff();
    let reference = completed_alone(&xor::<16>(&key, &q));
    assert_ne!(
        last.0,
        0,
        "CUST2's ADD-PART again {again:?}; CUST1's LAST completed K ⊕ q (the token CUST1 \
         makes alone of K ⊕ q: {})",
        done == reference
    );
}

/// Finding D1 at a second site, with no retry at all: a disaster-recovery site shares the
/// master key (it must, to use the same tokens) but not `ckds.db`'s custody records. CUST1
/// FIRST K and CUST2 ADD-PART P2 at site 1 make T12; at site 2, where the same key is to be
/// loaded, CUST1 hands CUST2 T12 instead of a fresh FIRST token (CUST2 cannot tell partial
/// tokens apart), CUST2 enters P2 once, as told, and CUST1 LASTs a part q of his own: site 2
/// holds K ⊕ q, known to CUST1 alone, completed "by two profiles".
#[test]
fn d1_a_second_site_lets_the_first_custodian_cancel_the_second_part() {
    let _g = setup("attack-dual");
    test_master_key();
    if let Some(t12) = std::env::var_os("SOFTCCA_ATTACK_SITE2") {
        // Site 2 (this child's own directory, the same master key).
        let mut t = arr::<64>(&hex(t12.to_str().unwrap()));
        logon("CUST2");
        let again = kpi("ADD-PART", &part2(), &mut t);
        logon("CUST1");
        let q: [u8; 16] = arr(&hex("1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"));
        let last = kpi("LAST", &q, &mut t);
        logoff();
        let (key, _) = s9_pin_key();
        let known = last.0 == 0 && t == completed_alone(&xor::<16>(&key, &q));
        println!("site2 again={again:?} last={last:?} known={known}");
        return;
    }
    let (key, _) = s9_pin_key();
    let mine = first_by_cust1(&key);
    logon("CUST2");
    let t12 = kpi_ok("ADD-PART", &part2(), &mine);
    logoff();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "d1_a_second_site_lets_the_first_custodian_cancel_the_second_part",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTCCA_ATTACK_SITE2", to_hex(&t12))
        .env_remove("SOFTCCA_HOME")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The harness prints "test … ... " before the child's own line.
    let line = text
        .split("site2 ")
        .nth(1)
        .and_then(|l| l.lines().next())
        .unwrap_or("no site 2 result");
    assert!(out.status.success(), "site 2 failed: {text}");
    assert!(
        !line.contains("known=true"),
        "{line}: site 2 completed a key CUST1 alone knows"
    );
}

/// Finding D2: a part that adds nothing counts its caller. COMPLETE does not count its caller
/// ("COMPLETE adds no part"), but LAST with a part of zeros, or of X'01' bytes (only parity
/// bits: odd parity, no warning; DES ignores them), does: CUST1 FIRST K, CUST2 LAST X'0101…' =
/// a key with the check value of K, which CUST1 alone loaded. The same for the master key:
/// CUST1 FIRST MK, CUST2 LAST X'0101…' (parity-adjusted away), SET: the master key CUST1 chose.
#[test]
fn d2_a_part_that_adds_nothing_counts_its_caller() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let mine = first_by_cust1(&key);
    logon("CUST2");
    let mut done = mine;
    let last = kpi("LAST", &[0x01; 16], &mut done);
    logoff();
    let kcv = (last.0 == 0).then(|| enc_zero(&done));

    other_current_master_key();
    logon("CUST1");
    mkp_ok("FIRST", &arr(&hex(TEST_MK)));
    logon("CUST2");
    let mk_last = mkp(&["LAST"], &[0x01; 24]);
    logon("CUST1");
    let set = mkp(&["SET"], &[0; 24]);
    let mkvp = current_mkvp();
    assert_eq!(mkp(&["CLEAR"], &[0; 24]).0, 0);
    logoff();
    assert!(
        last.0 != 0 && mkvp != S9_MKVP,
        "CSNBKPI LAST X'0101…' by CUST2 {last:?} gave ENC-ZERO {kcv:?} (CUST1's key: \
         {S9_KCV}); CSNBMKP LAST X'0101…' by CUST2 {mk_last:?}, SET {set:?}: current MKVP \
         {mkvp} (CUST1's: {S9_MKVP})"
    );
}

/// Finding D3: completing a key does not end its partial token. After the ceremony (CUST1
/// FIRST, CUST2 ADD-PART, COMPLETE) the partial token keeps its two-profile record for good, so
/// whoever kept a copy (CUST1, or a CKDS backup) completes alone, at any later time, a new key
/// of the production key's type at a difference of his choosing from it (K ⊕ q; q = X'FF…'
/// gives the DES complement key), with both profiles on record.
#[test]
fn d3_a_completed_key_leaves_its_partial_token_completable_by_one_custodian() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, token) = s9_pin_key();
    let p1: [u8; 16] = xor(&key, &part2());
    let t1 = first_by_cust1(&p1);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &t1);
    assert_eq!(
        to_hex(&kpi_ok("COMPLETE", &[0; 16], &t2)),
        token,
        "the ceremony"
    );
    // Later, CUST1 alone with the copy he kept.
    logon("CUST1");
    let mut later = t2;
    let r = kpi("LAST", &[0xFE; 16], &mut later);
    logoff();
    assert_ne!(
        r.0, 0,
        "CUST1 alone completed the ceremony's partial token again, to K ⊕ X'FE…'"
    );
}

/// Finding D3: the custody records of `ckds.db` are never removed: every partial token a
/// logged-on custodian makes adds a row that stays after the key is completed (docs/state.md
/// says so): the rows of every step of every ceremony stay in the file for good, and one
/// custodian grows `ckds.db` without bound. A completed ceremony should leave no row.
#[test]
fn d3_custody_records_are_never_removed() {
    let _g = setup("attack-dual");
    test_master_key();
    // The rows kept for the tokens `ts`, in the first release's table and today's (no table
    // yet: no row). Counted by digest: other tests of this binary leave rows of their own.
    let rows = |ts: &[[u8; 64]]| -> i64 {
        let db = rusqlite::Connection::open(home().join("ckds.db")).unwrap();
        let mut n = 0;
        for t in ts {
            for table in ["part_custody", "part_custody_v2"] {
                n += db
                    .query_row(
                        &format!("SELECT count(*) FROM {table} WHERE digest = ?1"),
                        [&token_digest(t)[..]],
                        |r| r.get::<_, i64>(0),
                    )
                    .unwrap_or(0);
            }
        }
        n
    };
    let (key, token) = s9_pin_key();
    let p1: [u8; 16] = xor(&key, &part2());
    let m: [u8; 16] = arr(&hex("1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"));
    // CUST1 FIRST, CUST2 MIDDLE, CUST3 LAST: one ceremony, two partial tokens.
    let t1 = first_by_cust1(&xor::<16>(&p1, &m));
    assert_eq!(rows(&[t1]), 1, "the record of the FIRST token");
    logon("CUST2");
    let t2 = kpi_ok("MIDDLE", &m, &t1);
    logon("CUST3");
    assert_eq!(to_hex(&kpi_ok("LAST", &part2(), &t2)), token);
    logoff();
    let after = rows(&[t1, t2]);
    assert_eq!(
        after, 0,
        "{after} custody rows of one completed key stay in ckds.db"
    );
}

/// Finding D3, races: a partial token is continued once. CUST1 FIRST; CUST2 and CUST3, each in
/// its own thread, logged on, released together, each LAST the same token with a part of
/// their own: one completes, the other is refused (8/X'F335': the record was used up), round
/// after round. Without the record used up in the step's transaction both would complete, two
/// keys from one FIRST.
#[test]
fn d3_racing_custodians_continue_a_token_once() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    for round in 0..6u8 {
        let t1 = first_by_cust1(&xor::<16>(&key, &[0x10 + 2 * round; 16]));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let racers: Vec<_> = [("CUST2", 0x2Cu8), ("CUST3", 0x4Au8)]
            .into_iter()
            .map(|(user, b)| {
                let barrier = barrier.clone();
                std::thread::spawn(move || {
                    logon(user);
                    barrier.wait();
                    let mut t = t1;
                    let r = kpi("LAST", &[b; 16], &mut t);
                    logoff();
                    r
                })
            })
            .collect();
        let mut results: Vec<(i32, i32)> = racers.into_iter().map(|h| h.join().unwrap()).collect();
        results.sort();
        assert!(
            results[0].0 == 0 && results[1] == NO_CUSTODY,
            "round {round}: {results:?}"
        );
    }
}

/// Finding D3, bounded records: a record older than its lifetime (7 days, docs/decisions.md
/// D71), the trace of an abandoned ceremony, is deleted by the next step that writes records,
/// and the partial token it belonged to can no longer be continued (8/X'F335'): an abandoned
/// ceremony starts again.
#[test]
fn d3_abandoned_records_age_out() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let old = first_by_cust1(&key);
    let db = || rusqlite::Connection::open(home().join("ckds.db")).unwrap();
    let eight_days_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 8 * 24 * 3600;
    // Abandoned rows: CUST1's FIRST of 8 days ago and a row of nobody's token.
    db().execute("UPDATE part_custody_v2 SET created = ?1", [eight_days_ago])
        .unwrap();
    db().execute(
        "INSERT INTO part_custody_v2 (digest, custodians, created, tag) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            &[7u8; 32][..],
            &kw8("CUST3")[..],
            eight_days_ago,
            &[0u8; 32][..]
        ],
    )
    .unwrap();
    let count = || -> i64 {
        db().query_row("SELECT count(*) FROM part_custody_v2", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(), 2);
    // Another ceremony's FIRST writes a record: the two old rows go.
    let fresh = first_by_cust1(&xor::<16>(&key, &part2()));
    assert_eq!(count(), 1, "only the fresh record is left");
    logon("CUST2");
    let mut t = old;
    assert_eq!(
        kpi("ADD-PART", &part2(), &mut t),
        NO_CUSTODY,
        "8 days later"
    );
    assert_eq!(kpi_ok("LAST", &part2(), &fresh).len(), 64);
    logoff();
    assert_eq!(count(), 0, "a completed ceremony leaves no record");
}

/// Finding D4 (bound directory, the service account): the key-part records of `ckds.db` were
/// not protected at all: a `part_custody` row claiming CUST1 and CUST2, inserted for the digest
/// of CUST1's own FIRST token, let CUST1 COMPLETE it. Records are now authenticated under a key
/// derived one-way from the master key that wraps the token (D72), which the service account
/// does not have. In a child bound to an SVMK (the service-account threat of docs/custody.md):
/// the review's row in the table of the first release counts for nothing; a row with a made-up
/// code, and a genuine two-profile row copied to another token's digest, are refused 8/X'F336'.
/// (The roles file is a policy file against the service account like every file of the
/// directory: one appended `X'F040' on` lifts dual control, documented in docs/security.md.)
#[test]
fn d4_bound_directory_forged_custody_rows_do_not_count() {
    let _g = setup("attack-dual");
    if !in_bound_child("d4_bound_directory_forged_custody_rows_do_not_count", false) {
        return;
    }
    test_master_key();
    let (key, token) = s9_pin_key();
    let db = || rusqlite::Connection::open(home().join("ckds.db")).unwrap();
    let pair = [kw8("CUST1"), kw8("CUST2")].concat();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // The review's attack: a row in the first release's table.
    let mine = first_by_cust1(&key);
    db().execute_batch(
        "CREATE TABLE IF NOT EXISTS part_custody (digest BLOB PRIMARY KEY, custodians BLOB NOT NULL)",
    )
    .unwrap();
    db().execute(
        "INSERT OR REPLACE INTO part_custody (digest, custodians) VALUES (?1, ?2)",
        rusqlite::params![&token_digest(&mine)[..], &pair],
    )
    .unwrap();
    logon("CUST1");
    let mut done = mine;
    let old_table = kpi("COMPLETE", &[0; 16], &mut done);
    // A row of the current table with a made-up authentication code.
    db().execute(
        "UPDATE part_custody_v2 SET custodians = ?2, tag = ?3 WHERE digest = ?1",
        rusqlite::params![&token_digest(&mine)[..], &pair, &[0x5Au8; 32][..]],
    )
    .unwrap();
    let mut done2 = mine;
    let made_up = kpi("COMPLETE", &[0; 16], &mut done2);
    // A genuine two-profile row (CUST1 FIRST, CUST2 ADD-PART) copied to CUST1's own token.
    let q: [u8; 16] = arr(&hex("1C1C1C1C1C1C1C1C2A2A2A2A2A2A2A2A"));
    let other = first_by_cust1(&xor::<16>(&key, &q));
    logon("CUST2");
    let genuine = kpi_ok("ADD-PART", &part2(), &other);
    let mine2 = first_by_cust1(&key);
    let (c, created, tag): (Vec<u8>, i64, Vec<u8>) = db()
        .query_row(
            "SELECT custodians, created, tag FROM part_custody_v2 WHERE digest = ?1",
            [&token_digest(&genuine)[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(c, pair, "the genuine record");
    assert!((created - now).abs() < 600);
    db().execute(
        "UPDATE part_custody_v2 SET custodians = ?2, created = ?3, tag = ?4 WHERE digest = ?1",
        rusqlite::params![&token_digest(&mine2)[..], &c, created, &tag],
    )
    .unwrap();
    logon("CUST1");
    let mut done3 = mine2;
    let copied = kpi("COMPLETE", &[0; 16], &mut done3);
    logoff();
    assert_eq!(
        (old_table, made_up, copied),
        (KPI_ONE, FORGED, FORGED),
        "bound: COMPLETE by CUST1 after an inserted row (the s9 key: {}), a made-up code, a \
         copied row",
        to_hex(&done) == token || to_hex(&done2) == token || to_hex(&done3) == token
    );
}

/// Finding D5 (compatibility): an `acp.conf` written before dual control does not list X'F040',
/// and a point a file does not list is off (src/state/acp.rs), so such a directory, without
/// any logon possible yet, can no longer complete a key from parts or load a master key, while
/// docs/CSNBKPI.md says X'F040' is "on in a legacy acp.conf". (Fails closed; engineer A's legacy
/// form, which turns every new point on, would fix it at merge.)
#[test]
fn d5_an_acp_conf_of_before_dual_control_still_completes_keys() {
    let _g = setup("attack-dual");
    test_master_key();
    // The file an earlier release wrote: every point of the time, X'F040' not among them.
    let path = home().join("acp.conf");
    let saved = std::fs::read_to_string(&path).unwrap();
    let old: String = softcca::state::acp::AcpConfig::legacy_text()
        .lines()
        .filter(|l| !l.starts_with("X'F040'"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, old).unwrap();
    let (key, token) = s9_pin_key();
    let t = kpi_ok(
        "FIRST",
        &xor(&key, &part2()),
        &skeleton("IPINENC", &["KEY-PART"]),
    );
    let mut done = t;
    let last = kpi("LAST", &part2(), &mut done);
    std::fs::write(&path, saved).unwrap();
    assert_eq!((last, to_hex(&done)), ((0, 0), token), "a legacy directory");
}

// ---- What holds: attacks the reviewed code stops (not ignored). ----

/// A child made by `fork()` of a logged-on custodian's process is not logged on: its part
/// counts for nobody, so a program CUST2 logged on in cannot fork a CUST2 that completes
/// CUST1's key after CUST2 left.
#[test]
fn holds_a_forked_child_of_a_logged_on_custodian_counts_for_nobody() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let t1 = first_by_cust1(&xor::<16>(&key, &part2()));
    logon("CUST2");
    // SAFETY (test): the child only calls the library and then _exit()s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let mut t = t1;
        let ok = kpi("LAST", &part2(), &mut t) == NO_CUSTODY && t == t1;
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child created above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    logoff();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the forked child completed CUST1's key as CUST2: {status}"
    );
}

/// A logon made for another state directory counts for nobody here.
#[test]
fn holds_a_logon_for_another_directory_counts_for_nobody() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let t1 = first_by_cust1(&xor::<16>(&key, &part2()));
    // A context of another directory cannot be made through the C entry points (CSUALCT logs
    // on in this process's directory): made here with the library's own setter.
    let mut dir = Coprocessor::global().unwrap().directory_id().unwrap();
    dir[0] ^= 1;
    softcca::access::context::set(softcca::access::context::Logon {
        directory: dir,
        user: kw8("CUST2"),
        role: kw8("KEYCUST"),
        strength: 1,
        mechanism: softcca::access::context::Mechanism::Passphrase,
        expires: i64::MAX / 2,
        pid: std::process::id(),
    });
    let mut t = t1;
    assert_eq!(kpi("LAST", &part2(), &mut t), NO_CUSTODY);
    logoff();
}

/// A partial token's record survives a master-key change for the token as it is (unwrapped
/// under the old register), its RTCMK copy has none (fails closed), and a token made under the
/// old master key by one profile stays one profile's.
#[test]
fn holds_the_old_master_key_register_and_rtcmk_fail_closed() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let t1 = first_by_cust1(&xor::<16>(&key, &part2()));
    other_current_master_key();
    let mut t = t1;
    logon("CUST1");
    assert_eq!(
        kpi("LAST", &part2(), &mut t),
        SAME_CUSTODIAN,
        "one profile, old MK"
    );
    let mut r = t1;
    assert_eq!(ktc(&mut r), (0, 0));
    logon("CUST2");
    let mut c = r;
    assert_eq!(
        kpi("COMPLETE", &[0; 16], &mut c),
        NO_CUSTODY,
        "RTCMK: no record"
    );
    let mut ok = t1;
    let last = kpi("LAST", &part2(), &mut ok);
    assert!(
        last == (0, 0) || last == (0, 4),
        "two profiles across the change: {last:?}"
    );
    logoff();
}

/// Two threads of one program logged on as the same profile are one profile; a thread logged
/// on as CUST2 lends nothing to CUST1's other thread.
#[test]
fn holds_threads_of_one_profile_are_one_profile() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let t1 = first_by_cust1(&xor::<16>(&key, &part2()));
    let worker = std::thread::spawn(move || {
        logon("CUST1");
        let mut t = t1;
        let r = kpi("LAST", &part2(), &mut t);
        logoff();
        r
    });
    assert_eq!(
        worker.join().unwrap(),
        SAME_CUSTODIAN,
        "CUST1's second thread"
    );
    let helper = std::thread::spawn(|| logon("CUST2"));
    helper.join().unwrap();
    let mut t = t1;
    assert_eq!(
        kpi("LAST", &part2(), &mut t),
        NO_CUSTODY,
        "CUST2 in another thread"
    );
}

/// A Key Token Build skeleton, a label written with CSNBKRW and read back with CSNBKRR, and
/// FIRST on a partial token with a richer record: none carries custody a profile did not earn.
#[test]
fn holds_skeletons_labels_and_first_carry_no_custody() {
    let _g = setup("attack-dual");
    test_master_key();
    let (key, _) = s9_pin_key();
    let p1: [u8; 16] = xor(&key, &part2());
    let t1 = first_by_cust1(&p1);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &t1);
    // CUST1 takes the two-profile token and starts over with FIRST on it: his part alone.
    logon("CUST1");
    let restart = kpi_ok("FIRST", &arr(&key), &t2);
    let mut c = restart;
    assert_eq!(
        kpi("COMPLETE", &[0; 16], &mut c),
        KPI_ONE,
        "FIRST on a richer token"
    );
    // Through a label: written, read back, completed: custody is the token's, not the label's.
    let lab = label("ATTACK.DUAL.ONE");
    let k = krc(&lab);
    assert!(k == (0, 0) || k == (8, 44), "{k:?}");
    assert_eq!(krw(&restart, &lab), (0, 0));
    let mut field = lab;
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut field), KPI_ONE, "label");
    assert_eq!(krr(&lab), restart);
    // A fresh skeleton: ADD-PART and COMPLETE have no key to work on (8/439).
    let mut sk = skeleton("IPINENC", &["KEY-PART"]);
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut sk), (8, 439));
    logoff();
}
