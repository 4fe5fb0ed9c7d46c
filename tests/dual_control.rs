//! Dual control of key parts (issue 10; docs/CSNBKPI.md and docs/CSNBMKP.md "Dual control"),
//! through the C entry points: two custodian profiles load a master key and a key from parts,
//! and neither alone can; no logon counts for nobody; X'F040' lifts the check; a partial token
//! without a record (made before dual control) cannot be completed; a record counts for its
//! token only; refused calls change nothing; a process killed while loading parts leaves a
//! state that fails closed; a bound directory's record cannot be edited.
//!
//! The custodians are profiles enrolled with CSUAACI INIT-AC and logged on with CSUALCT LOGON
//! PPHRASE; the role the test uses is the directory's `acp.conf` with X'F040' turned off (see
//! `dual_control_on`).

mod common;
use common::key_slots::{kpi, kyt};
use common::verbs::{TEST_MK, setup};
use common::*;

use softcca::state::Coprocessor;

use std::path::PathBuf;

const F040: u16 = 0xF040;
/// 8/X'F330', 8/X'F331', 8/X'F332'.
const KPI_ONE: (i32, i32) = (8, 0xF330);
const MK_PARTS_ONE: (i32, i32) = (8, 0xF331);
const MK_SET_ONE: (i32, i32) = (8, 0xF332);

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap())
}

/// Logs the calling thread on as `user` (what CSUALCT LOGON does once the passphrase checked).
/// When CSUALCT is merged: this becomes CSUALCT `LOGON` `PPHRASE` of profile `user` (role
/// KEYCUST) enrolled by the test, and `logoff` CSUALCT `LOGOFF`; the child of the kill test
/// logs on the same way.
fn logon(user: &str) {
    // The profile is enrolled once per directory (INIT-AC REPLACE), then logged on with
    // CSUALCT LOGON PPHRASE like a custodian's program.
    thread_local! {
        static ENROLLED: std::cell::RefCell<std::collections::BTreeSet<(PathBuf, String)>> =
            const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
    }
    let pass = format!("pass phrase of {user}");
    let key = (home(), user.to_string());
    if !ENROLLED.with(|e| e.borrow().contains(&key)) {
        common::profiles::add(user, &pass);
        ENROLLED.with(|e| e.borrow_mut().insert(key));
    }
    assert_eq!(common::profiles::logon(user, &pass), (0, 0), "CSUALCT LOGON {user}");
}

fn logoff() {
    // LOGOFF when not logged on is 8/X'F31A': both are "logged off" here.
    let r = common::profiles::logoff();
    assert!(r == (0, 0) || r == (8, 0xF31A), "CSUALCT LOGOFF: {r:?}");
}

/// The custodians' role: every key-part and master-key point, X'F040' off (on: `false`, the
/// legacy role, one profile may do everything). Today the directory has one role, so X'F040'
/// is switched in it; with roles merged the test writes the shipped KEYCUST role (no X'F040')
/// and a KEYCUST role with X'F040' for `false`, and the profiles name them.
fn dual_control_on(on: bool) {
    set_acp(&home(), F040, !on);
}

/// A step that must succeed on a copy of `t`: the new token.
fn kpi_ok(word: &str, part: &[u8; 16], t: &[u8; 64]) -> [u8; 64] {
    let mut out = *t;
    let r = kpi(word, part, &mut out);
    assert!(r == (0, 0) || r == (0, 4), "{word}: {r:?}");
    out
}

/// A step that must fail with `want` and leave the token, `ckds.db` and `masterkey.db` as
/// they were.
fn kpi_refused(word: &str, part: &[u8; 16], t: &[u8; 64], want: (i32, i32), what: &str) {
    let before = files();
    let mut out = *t;
    assert_eq!(kpi(word, part, &mut out), want, "{what}");
    assert_eq!(&out, t, "{what}: the token changed");
    assert!(files() == before, "{what}: a state file changed");
}

/// A part step (FIRST, MIDDLE, LAST) that must succeed (a parity warning allowed).
fn mkp_ok(word: &str, part: &[u8; 24]) {
    let r = mkp(&[word], part);
    assert_eq!(r.0, 0, "{word}: {r:?}");
}

fn mkp_refused(word: &str, part: &[u8; 24], want: (i32, i32), what: &str) {
    let before = files();
    let regs = cfq(&["STATMKVP"]);
    assert_eq!(mkp(&[word], part), want, "{what}");
    assert!(files() == before, "{what}: a state file changed");
    assert_eq!(cfq(&["STATMKVP"]), regs, "{what}: the registers changed");
}

/// The bytes of the two databases.
fn files() -> Vec<Vec<u8>> {
    ["ckds.db", "masterkey.db"]
        .iter()
        .map(|f| std::fs::read(home().join(f)).unwrap())
        .collect()
}

/// ENC-ZERO verification pattern of the key in `t` (CSNBKYT).
fn enc_zero(t: &[u8; 64]) -> String {
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    let r = kyt(&["GENERATE", "KEY-ENC", "ENC-ZERO"], t, &mut v1, &mut v2);
    assert_eq!(r, (0, 0), "CSNBKYT");
    to_hex(&v2[..4])
}

fn xor<const N: usize>(a: &[u8], b: &[u8]) -> [u8; N] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// The s9-ipinenc case of tests/data/tokens.txt (model-built under the test master key):
/// the key and its token; its ENC-ZERO pattern is 08D7B4FB (tests/data/kcv.txt s9-pin-key,
/// from the `cryptography` package).
fn s9_pin_key() -> (Vec<u8>, String) {
    let c = cases("tokens.txt")
        .into_iter()
        .find(|c| c.id() == "s9-ipinenc")
        .unwrap();
    (c.hex("key"), c.text("token").to_string())
}
const S9_KCV: &str = "08D7B4FB";

/// The second key part of the tests (odd parity, halves not equal).
fn part2() -> [u8; 16] {
    arr(&hex("0E0B0D070D0B0E07070E0B0D070D0B0E"))
}

/// Loads the test master key with X'F040' on and no logon (the legacy way), leaves the role
/// with dual control on.
fn test_master_key() {
    // The first verb call of the process creates the directory.
    Coprocessor::global().unwrap();
    logoff();
    dual_control_on(false);
    load_mk(&hex(TEST_MK));
    dual_control_on(true);
}

fn current_mkvp() -> String {
    let e = cfq(&["STATMKVP"]);
    format!("{}{}", e[3].trim(), e[4].trim())
}

fn new_register_state() -> String {
    cfq(&["STATMKVP"])[0].trim().to_string()
}

#[test]
fn two_custodians_load_a_master_key_and_neither_alone_can() {
    let _g = setup("dual-mk");
    test_master_key();
    // Start from another current master key, so the test key's SET is a change.
    logon("CUST1");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
    logon("CUST2");
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0));
    assert_ne!(current_mkvp(), S9_MKVP);

    let mk = hex(TEST_MK);
    let x: [u8; 24] = arr(&hex("0E0B0D070D0B0E070E0B0D070D0B0E070E0B0D070D0B0E07"));
    let p1: [u8; 24] = xor(&mk, &x);

    // One profile loads every part: LAST is refused, the register keeps its part.
    logon("CUST1");
    mkp_ok("FIRST", &p1);
    mkp_refused("LAST", &x, MK_PARTS_ONE, "FIRST and LAST by CUST1");
    mkp_ok("MIDDLE", &[0x01; 24]);
    mkp_refused(
        "LAST",
        &[0x01; 24],
        MK_PARTS_ONE,
        "a second part counts once",
    );
    // No logon: the part counts for nobody.
    logoff();
    mkp_refused("LAST", &x, MK_PARTS_ONE, "LAST without a logon");
    assert_eq!(new_register_state(), "2", "still partial");
    // Nobody's FIRST and one profile's LAST: one profile.
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    mkp_ok("FIRST", &p1);
    logon("CUST2");
    mkp_refused(
        "LAST",
        &x,
        MK_PARTS_ONE,
        "FIRST without a logon, LAST by CUST2",
    );

    // CUST1 FIRST, CUST2 LAST, SET (by either): the master key is the test key (MKVP of
    // tests/data/mkvp.txt s9-test-mk).
    logon("CUST1");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    mkp_ok("FIRST", &p1);
    logon("CUST2");
    mkp_ok("LAST", &x);
    assert_eq!(new_register_state(), "3");
    logon("CUST1");
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0));
    assert_eq!(current_mkvp(), S9_MKVP);
    // The key works: a key imported under it has the published check value.
    let (key, token) = s9_pin_key();
    let sk = skeleton("IPINENC", &["KEY-PART"]);
    let t = kpi_ok("FIRST", &xor(&key, &part2()), &sk);
    logon("CUST2");
    let t = kpi_ok("LAST", &part2(), &t);
    assert_eq!(to_hex(&t), token);
    assert_eq!(enc_zero(&t), S9_KCV);

    // CLEAR clears the record: parts loaded before it do not count after it.
    logon("CUST1");
    mkp_ok("FIRST", &p1);
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    logon("CUST2");
    mkp_ok("FIRST", &p1);
    mkp_refused("LAST", &x, MK_PARTS_ONE, "CUST1's part was cleared");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));

    // X'F040' on lifts it: one profile, or no logon, loads and sets alone.
    dual_control_on(false);
    logoff();
    mkp_ok("FIRST", &x);
    mkp_ok("LAST", &p1);
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    dual_control_on(true);
    logoff();
}

#[test]
fn a_random_master_key_is_set_by_another_profile() {
    let _g = setup("dual-mk");
    test_master_key();
    logon("CUST1");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
    let before = current_mkvp();
    mkp_refused("SET", &[0; 24], MK_SET_ONE, "RANDOM and SET by CUST1");
    logoff();
    mkp_refused("SET", &[0; 24], MK_SET_ONE, "SET without a logon");
    logon("CUST2");
    let e = cfq(&["STATMKVP"]);
    let new_mkvp = format!("{}{}", e[1].trim(), e[2].trim());
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0), "SET by CUST2");
    assert_eq!(current_mkvp(), new_mkvp);
    assert_ne!(current_mkvp(), before);
    // RANDOM without a logon: nobody generated it, so nobody else can set it.
    logoff();
    assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
    logon("CUST2");
    mkp_refused("SET", &[0; 24], MK_SET_ONE, "RANDOM without a logon");
    // A key loaded from parts of one profile (under X'F040') cannot be set without it.
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    dual_control_on(false);
    logon("CUST1");
    assert_eq!(mkp(&["FIRST"], &arr(&hex(TEST_MK))), (0, 0));
    mkp_ok("LAST", &[0; 24]);
    dual_control_on(true);
    logon("CUST2");
    mkp_refused("SET", &[0; 24], MK_SET_ONE, "parts of CUST1 only");
    // With X'F040' on, one profile sets it.
    dual_control_on(false);
    logon("CUST1");
    let set = mkp(&["SET"], &[0; 24]);
    assert!(set == (0, 0) || set == (8, 704), "{set:?}");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    dual_control_on(true);
    logoff();
}

#[test]
fn two_custodians_import_a_key_and_neither_alone_can() {
    let _g = setup("dual-mk");
    test_master_key();
    let (key, token) = s9_pin_key();
    let sk = skeleton("IPINENC", &["KEY-PART"]);
    let p1: [u8; 16] = xor(&key, &part2());

    // CUST1 FIRST, CUST2 ADD-PART, COMPLETE (by either): the published check value.
    logon("CUST1");
    let t1 = kpi_ok("FIRST", &p1, &sk);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &t1);
    logon("CUST1");
    let done = kpi_ok("COMPLETE", &[0; 16], &t2);
    assert_eq!(to_hex(&done), token);
    assert_eq!(enc_zero(&done), S9_KCV);
    // CUST1 FIRST, CUST2 LAST; and FIRST, MIDDLE by one, LAST by the other.
    logon("CUST2");
    assert_eq!(to_hex(&kpi_ok("LAST", &part2(), &t1)), token);
    logon("CUST1");
    let m = kpi_ok("MIDDLE", &[0x01; 16], &t1);
    logon("CUST2");
    let last: [u8; 16] = xor(&part2(), &[0x01; 16]);
    assert_eq!(to_hex(&kpi_ok("LAST", &last, &m)), token);

    // One profile alone: FIRST and LAST refused; FIRST and ADD-PART by the same profile,
    // COMPLETE refused, by that profile or another (COMPLETE adds no part).
    logon("CUST1");
    kpi_refused("LAST", &part2(), &t1, KPI_ONE, "FIRST and LAST by CUST1");
    let same = kpi_ok("ADD-PART", &part2(), &t1);
    assert_eq!(same, t2, "the same value: the same token");
    let again = kpi_ok("ADD-PART", &[0; 16], &kpi_ok("ADD-PART", &[0; 16], &t1));
    kpi_refused(
        "COMPLETE",
        &[0; 16],
        &again,
        KPI_ONE,
        "two ADD-PARTs by CUST1",
    );
    logon("CUST2");
    let solo = kpi_ok("ADD-PART", &[0x02; 16], &t1);
    let solo = kpi_ok("FIRST", &xor(&p1, &[0x04; 16]), &solo);
    kpi_refused(
        "COMPLETE",
        &[0; 16],
        &solo,
        KPI_ONE,
        "FIRST starts over: CUST1's part no longer counts",
    );
    // No logon counts for nobody: another thread of a logged-on program is not logged on.
    logon("CUST2");
    std::thread::spawn(move || {
        let what = "LAST in CUST2's program, other thread";
        kpi_refused("LAST", &part2(), &t1, KPI_ONE, what);
    })
    .join()
    .unwrap();
    logoff();
    kpi_refused(
        "LAST",
        &part2(),
        &t1,
        KPI_ONE,
        "CUST1 FIRST, LAST without a logon",
    );
    let nobody = kpi_ok("FIRST", &p1, &sk);
    logon("CUST2");
    kpi_refused("LAST", &part2(), &nobody, KPI_ONE, "FIRST without a logon");
    logoff();
    kpi_refused(
        "COMPLETE",
        &[0; 16],
        &t2,
        KPI_ONE,
        "COMPLETE without a logon",
    );

    // A label: the CKDS record and its custody record in one transaction.
    let lab = label("DUAL.PIN.KEY");
    assert_eq!(krc(&lab), (0, 0));
    assert_eq!(krw(&sk, &lab), (0, 0));
    let mut field = lab;
    logon("CUST1");
    assert_eq!(kpi("FIRST", &p1, &mut field).0, 0);
    kpi_refused(
        "LAST",
        &part2(),
        &lab,
        KPI_ONE,
        "label: FIRST and LAST by CUST1",
    );
    logon("CUST2");
    assert_eq!(kpi("ADD-PART", &part2(), &mut field), (0, 0));
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut field), (0, 0));
    assert_eq!(to_hex(&krr(&lab)), token);

    // X'F040' on lifts it.
    dual_control_on(false);
    logoff();
    assert_eq!(to_hex(&kpi_ok("LAST", &part2(), &nobody)), token);
    logon("CUST1");
    let alone = kpi_ok("ADD-PART", &part2(), &kpi_ok("FIRST", &p1, &sk));
    assert_eq!(to_hex(&kpi_ok("COMPLETE", &[0; 16], &alone)), token);
    dual_control_on(true);
    logoff();
}

#[test]
fn a_token_without_a_record_and_a_record_for_another_token_do_not_count() {
    let _g = setup("dual-mk");
    test_master_key();
    let (key, token) = s9_pin_key();
    let sk = skeleton("IPINENC", &["KEY-PART"]);
    let p1: [u8; 16] = xor(&key, &part2());

    // A partial token from before dual control: its parts are nobody's (made here with
    // X'F040' on and no logon, which records nothing, as before this change).
    dual_control_on(false);
    let t0 = kpi_ok("ADD-PART", &[0x01; 16], &kpi_ok("FIRST", &p1, &sk));
    dual_control_on(true);
    logon("CUST1");
    kpi_refused("COMPLETE", &[0; 16], &t0, KPI_ONE, "old token, COMPLETE");
    kpi_refused("LAST", &[0x01; 16], &t0, KPI_ONE, "old token, LAST by one");

    // Another token's record does not count: t2 has parts of CUST1 and CUST2; t3, of CUST1
    // alone, takes the place of t2 in a label (CSNBKRW): the label completes nothing.
    let t1 = kpi_ok("FIRST", &p1, &sk);
    logon("CUST2");
    let t2 = kpi_ok("ADD-PART", &part2(), &t1);
    logon("CUST1");
    let t3 = kpi_ok("ADD-PART", &part2(), &kpi_ok("FIRST", &[0x02; 16], &sk));
    let lab = label("DUAL.MOVED.KEY");
    assert_eq!(krc(&lab), (0, 0));
    assert_eq!(krw(&t2, &lab), (0, 0));
    assert_eq!(krw(&t3, &lab), (0, 0));
    logon("CUST2");
    kpi_refused("COMPLETE", &[0; 16], &lab, KPI_ONE, "t3 in t2's label");
    kpi_refused("COMPLETE", &[0; 16], &t3, KPI_ONE, "t3");
    // t2 with any byte changed is another token: refused (its TAC fails, 8/12, or, where
    // the token authentication code does not reach, it has no record).
    for at in [0, 8, 20, 40, 50, 61] {
        let mut forged = t2;
        forged[at] ^= 0x01;
        let mut out = forged;
        let r = kpi("COMPLETE", &[0; 16], &mut out);
        assert_ne!(r.0, 0, "byte {at} changed: {r:?}");
        assert_eq!(out, forged);
    }
    // t2 itself completes.
    assert_eq!(to_hex(&kpi_ok("COMPLETE", &[0; 16], &t2)), token);
    logoff();
}

/// The child of `a_process_killed_while_loading_parts_fails_closed` (and, mode `trace`, of
/// `the_trace_names_the_condition`): with dual control on, as
/// CUST1 FIRST and as CUST2 ADD-PART on the label, over and over, until killed.
#[test]
#[ignore]
fn dual_child() {
    let Some(mode) = std::env::var_os("SOFTCCA_DUAL_CHILD") else {
        return;
    };
    if mode == "trace" {
        // For `the_trace_names_the_condition`: one refused call of each kind.
        let (key, _) = s9_pin_key();
        logon("CUST1");
        let t = kpi_ok(
            "FIRST",
            &xor(&key, &part2()),
            &skeleton("IPINENC", &["KEY-PART"]),
        );
        assert_eq!(kpi("LAST", &part2(), &mut { t }), KPI_ONE);
        assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
        mkp_ok("FIRST", &[0x4B; 24]);
        assert_eq!(mkp(&["LAST"], &[0x4B; 24]), MK_PARTS_ONE);
        assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
        assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
        assert_eq!(mkp(&["SET"], &[0; 24]), MK_SET_ONE);
        assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
        return;
    }
    let (key, _) = s9_pin_key();
    let p1: [u8; 16] = xor(&key, &part2());
    let lab = label("DUAL.CRASH.KEY");
    println!("ready");
    loop {
        let mut field = lab;
        logon("CUST1");
        assert_eq!(kpi("FIRST", &p1, &mut field).0, 0);
        logon("CUST2");
        assert_eq!(kpi("ADD-PART", &part2(), &mut field), (0, 0));
    }
}

#[test]
fn a_process_killed_while_loading_parts_fails_closed() {
    let _g = setup("dual-mk");
    test_master_key();
    let (_, token) = s9_pin_key();
    let lab = label("DUAL.CRASH.KEY");
    let sk = skeleton("IPINENC", &["KEY-PART"]);
    assert_eq!(krc(&lab), (0, 0));
    assert_eq!(krw(&sk, &lab), (0, 0));
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..8u64 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "dual_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SOFTCCA_HOME", home())
            .env("SOFTCCA_DUAL_CHILD", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it runs, then kill it at a different moment each round.
        use std::io::BufRead;
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        while !line.contains("ready") {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "the child ended");
        }
        std::thread::sleep(std::time::Duration::from_millis(30 + 23 * round));
        assert!(
            child.try_wait().unwrap().is_none(),
            "round {round}: the child stopped before it was killed"
        );
        // SAFETY (test): SIGKILL to the child this test spawned.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
        if home().join("ckds.db-journal").exists() {
            seen.insert("killed in a transaction");
        }
        // Whatever the label holds now: a third profile completes it only when two profiles
        // loaded its parts, and then it is the key of both parts, never CUST1's part alone.
        logon("CUST3");
        let held = krr(&lab);
        let mut t = held;
        match kpi("COMPLETE", &[0; 16], &mut t) {
            (0, 0) => {
                assert_eq!(to_hex(&t), token, "round {round}");
                seen.insert("both parts");
            }
            r => {
                assert_eq!(r, KPI_ONE, "round {round}");
                seen.insert("refused");
            }
        }
        logoff();
    }
    eprintln!("states seen after the kills: {seen:?}");
    assert!(!seen.is_empty());
}

/// A bound directory: the new register's record is in the sealed register's associated data;
/// an edited record row (a profile that generated a key alone claims a second one) makes the
/// register fail to open instead of letting SET through.
#[test]
fn a_bound_directory_refuses_an_edited_record() {
    let _g = setup("dual-mk");
    let cp = Coprocessor::global().unwrap();
    if cp.master_key_store().binding().unwrap().svmk.is_none() {
        // Run in a child bound to an SVMK (tests/common/verbs.rs SOFTCCA_TEST_BOUND).
        let st = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_bound_directory_refuses_an_edited_record",
                "--test-threads=1",
            ])
            .env("SOFTCCA_TEST_BOUND", "1")
            .env_remove("SOFTCCA_HOME")
            .status()
            .unwrap();
        assert!(st.success(), "the bound run failed");
        return;
    }
    test_master_key();
    logon("CUST1");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    assert_eq!(mkp(&["RANDOM"], &[0; 24]), (0, 0));
    mkp_refused(
        "SET",
        &[0; 24],
        MK_SET_ONE,
        "bound: RANDOM and SET by CUST1",
    );
    let before = current_mkvp();
    {
        let db = rusqlite::Connection::open(home().join("masterkey.db")).unwrap();
        let n = db
            .execute(
                "UPDATE new_register_loaders SET loaders = ?1",
                [[&b"P"[..], &kw8("CUST1"), &kw8("CUST2")].concat()],
            )
            .unwrap();
        assert_eq!(n, 1, "the record row");
    }
    let set = mkp(&["SET"], &[0; 24]);
    assert_eq!(
        set,
        (12, 0xF272),
        "an edited record: the sealed register fails"
    );
    // The rows restored, the register opens and SET is refused again.
    {
        let db = rusqlite::Connection::open(home().join("masterkey.db")).unwrap();
        db.execute(
            "UPDATE new_register_loaders SET loaders = ?1",
            [[&b"R"[..], &kw8("CUST1")].concat()],
        )
        .unwrap();
    }
    mkp_refused("SET", &[0; 24], MK_SET_ONE, "bound: the record restored");
    assert_eq!(current_mkvp(), before);
    logon("CUST2");
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0), "bound: SET by CUST2");
    logoff();
}

/// SOFTCCA_TRACE names the condition of each refusal (never a part, a key, or more than the
/// reason code's text).
#[test]
fn the_trace_names_the_condition() {
    let _g = setup("dual-mk");
    test_master_key();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "dual_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SOFTCCA_HOME", home())
        .env("SOFTCCA_DUAL_CHILD", "trace")
        .env("SOFTCCA_TRACE", "errors")
        .output()
        .unwrap();
    assert!(out.status.success(), "the child failed");
    let trace = String::from_utf8_lossy(&out.stderr);
    for want in [
        "softcca: CSNBKPI rc=8 rs=62256 (dual control: the key parts did not come from two different logged-on profiles)",
        "softcca: CSNBMKP rc=8 rs=62257 (dual control: the master key parts did not come from two different logged-on profiles)",
        "softcca: CSNBMKP rc=8 rs=62258 (dual control: the new master key was not loaded by two different logged-on profiles)",
    ] {
        assert!(trace.contains(want), "{want:?} not in {trace}");
    }
    assert!(
        !trace.contains("4B4B4B4B"),
        "a key part in the trace: {trace}"
    );
}
