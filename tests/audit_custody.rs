//! Custody events in the audit log (docs/audit.md §1, §6; finding R4 of the attack review):
//! binding, activation, deactivation, partition binding, authorisation, deauthorisation and
//! every CSNBMKP register change append one record, with check values, MKVPs and the
//! authorisation's expiry and never a secret byte; a failure is recorded as one; a log that
//! cannot be appended to refuses the event before it acts; the chain verifies after a mixed
//! sequence. Each scenario runs in child processes (this binary again) on its own directory.

#[path = "common/audit_call.rs"]
mod audit_call;
mod common;
use common::child::{self, run};
use common::verbs::TEST_MK;
use common::*;

use std::path::{Path, PathBuf};

use softcca::custody::{SecretKind, check_value};

const OK: (i32, i32) = (0, 0);
const WRONG_SECRET: (i32, i32) = (8, 0xF262);
const WRONG_PASSWORD: (i32, i32) = (8, 0xF281);
const UNAVAILABLE: (i32, i32) = (12, 0xF200);
const NOT_ACTIVE: (i32, i32) = (12, 0xF270);
/// The partition password of these tests: the log must never hold it.
const PASSWORD: &str = "Tr0ub4dor&3-audit";
/// MKVP of [`TEST_MK`] (tests/vectors/README.md).
const TEST_MKVP: &str = "23FB12BC983BE87A";

/// The child side: `aavf` (CSUAAVF: rc rs), `aavf-at` (CSUAAVF: records checked, first bad
/// record), `aavf-mac`, `aavf-mac-at` (the same with `MAC`), else the common commands.
#[test]
#[ignore]
fn child_script() {
    let Ok(script) = std::env::var("SOFTCCA_CHILD_SCRIPT") else {
        return;
    };
    use std::io::Write;
    for cmd in script.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let (rc, rs) = match cmd {
            "aavf" => {
                let v = audit_call::verify();
                (v.0, v.1)
            }
            "aavf-at" => {
                let v = audit_call::verify();
                (v.2, v.3)
            }
            "aavf-mac" => {
                let v = audit_call::verify_with(&["MAC"]);
                (v.0, v.1)
            }
            "aavf-mac-at" => {
                let v = audit_call::verify_with(&["MAC"]);
                (v.2, v.3)
            }
            _ => child::run_command(cmd),
        };
        println!("= {rc} {rs}");
        std::io::stdout().flush().unwrap();
    }
}

/// The records of `home`'s log.
fn records(home: &Path) -> Vec<String> {
    std::fs::read_to_string(home.join("audit.log"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect()
}

/// The records whose operation is `op`.
fn with_op(log: &[String], op: &str) -> Vec<String> {
    let tag = format!(" op={op} ");
    log.iter().filter(|l| l.contains(&tag)).cloned().collect()
}

fn cv(letter: &str, kind: SecretKind) -> String {
    to_hex(&check_value(&child::test_secret(letter), kind))
}

/// Clears what a test left in the keyring.
fn cleanup(home: &Path) {
    let _ = run(home, "deactivate");
    let _ = std::fs::remove_dir_all(home);
}

/// No byte string of a secret the tests used is in the log: the SVMKs and partition secrets
/// (raw and in hexadecimal), the master key and each part of it, the password.
fn assert_no_secret(home: &Path) {
    let log = std::fs::read(home.join("audit.log")).unwrap();
    let mk = hex(TEST_MK);
    let mut needles: Vec<Vec<u8>> = vec![
        mk.clone(),
        mk[..8].to_vec(),
        mk[8..16].to_vec(),
        mk[16..].to_vec(),
        TEST_MK.as_bytes().to_vec(),
        TEST_MK.as_bytes()[..16].to_vec(),
        PASSWORD.as_bytes().to_vec(),
    ];
    for letter in [b'S', b'T', b'P', b'Q'] {
        needles.push(vec![letter; 32]);
        needles.push(to_hex(&[letter; 16]).into_bytes());
    }
    for n in needles {
        assert!(
            !log.windows(n.len()).any(|w| w == &n[..]),
            "secret bytes {:?} in audit.log",
            String::from_utf8_lossy(&n)
        );
    }
}

/// The mixed sequence: master key loaded (CSNBMKP), bound, deactivated through the Rust core,
/// a wrong SVMK refused, activated, partition bound, authorised with an expiry, a wrong
/// password refused, deauthorised through CSUADAU, deactivated through CSUADAC.
fn mixed(tag: &str) -> PathBuf {
    let home = temp_state(tag);
    let script = format!(
        "load-mk; bind S; deactivate; activate T; activate S; pbind P {PASSWORD}; \
         authorise P {PASSWORD} 600; authorise P wrong-password; csuadaut; csuadact"
    );
    let (codes, err) = run(&home, &script);
    assert_eq!(
        codes,
        [OK, OK, OK, WRONG_SECRET, OK, OK, OK, WRONG_PASSWORD, OK, OK],
        "{err}"
    );
    home
}

#[test]
fn every_custody_event_has_its_record_with_check_values_and_no_secret() {
    let home = mixed("aud-cust-events");
    let log = records(&home);
    let s = cv("S", SecretKind::ServerMasterKey);
    let p = cv("P", SecretKind::Partition);
    let bind = with_op(&log, "BIND");
    assert_eq!(bind.len(), 1, "{log:#?}");
    assert!(
        bind[0].contains(&format!(
            " d.kind=SVMK d.check={s} outcome=OK rc=0 rs=0000 "
        )),
        "{}",
        bind[0]
    );
    let deact = with_op(&log, "DEACTIVATE");
    assert_eq!(deact.len(), 1, "{log:#?}");
    assert!(
        deact[0].contains(&format!(
            " d.svmk_check={s} d.partition_check=none outcome=OK "
        )),
        "{}",
        deact[0]
    );
    let act = with_op(&log, "ACTIVATE");
    assert_eq!(act.len(), 2, "{log:#?}");
    assert!(act[1].contains(&format!(" d.kind=SVMK d.check={s} outcome=OK ")));
    let pbind = with_op(&log, "BIND-PARTITION");
    assert_eq!(pbind.len(), 1, "{log:#?}");
    assert!(pbind[0].contains(&format!(" d.kind=PART d.check={p} outcome=OK ")));
    let auth = with_op(&log, "AUTHORISE");
    assert_eq!(auth.len(), 2, "{log:#?}");
    assert!(
        auth[0].contains(&format!(
            " d.kind=PART d.check={p} d.expiry_s=600 outcome=OK "
        )),
        "{}",
        auth[0]
    );
    assert!(
        auth[1].contains(" d.expiry_s=none outcome=FAIL rc=8 rs=F281 "),
        "the wrong password is a failure: {}",
        auth[1]
    );
    // The C entry points: one record each, the event its details.
    let daut = with_op(&log, "CSUADAU");
    assert_eq!(daut.len(), 1, "{log:#?}");
    assert!(
        daut[0].contains(&format!(
            " d.event=DEAUTHORISE d.event_rc=0 d.event_rs=0000 d.svmk_check={s} \
             d.partition_check={p} outcome=OK rc=0 rs=0000 "
        )),
        "{}",
        daut[0]
    );
    let dact = with_op(&log, "CSUADAC");
    assert_eq!(dact.len(), 1, "{log:#?}");
    assert!(dact[0].contains(" d.event=DEACTIVATE d.event_rc=0 d.event_rs=0000 "));
    assert!(with_op(&log, "DEAUTHORISE").is_empty(), "no second record");
    assert_no_secret(&home);
    cleanup(&home);
}

#[test]
fn a_failed_activation_is_recorded_as_a_failure() {
    let home = mixed("aud-cust-fail");
    let log = records(&home);
    let act = with_op(&log, "ACTIVATE");
    let t = cv("T", SecretKind::ServerMasterKey);
    assert!(
        act[0].contains(&format!(
            " d.kind=SVMK d.check={t} outcome=FAIL rc=8 rs=F262 "
        )),
        "the wrong SVMK, named by its own check value: {}",
        act[0]
    );
    cleanup(&home);
}

#[test]
fn every_master_key_register_change_has_its_record_with_the_mkvp() {
    let home = mixed("aud-cust-mkp");
    let log = records(&home);
    let mkp = with_op(&log, "CSNBMKP");
    let steps: Vec<&str> = mkp
        .iter()
        .map(|l| {
            assert!(l.contains(" d.event=MASTER-KEY "), "{l}");
            l.split(" d.step=")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        steps,
        ["CLEAR", "FIRST", "LAST", "SET", "CLEAR"],
        "{mkp:#?}"
    );
    assert!(
        mkp[1].contains(" d.new=partial d.new_mkvp=none "),
        "{}",
        mkp[1]
    );
    assert!(
        mkp[2].contains(&format!(" d.new=full d.new_mkvp={TEST_MKVP} ")),
        "{}",
        mkp[2]
    );
    assert!(
        mkp[3].contains(&format!(
            " d.new=empty d.new_mkvp=none d.current_mkvp={TEST_MKVP} d.old_mkvp=none "
        )),
        "{}",
        mkp[3]
    );
    assert_no_secret(&home);
    cleanup(&home);
}

#[test]
fn the_chain_verifies_after_a_mixed_sequence() {
    let home = mixed("aud-cust-chain");
    let n = records(&home).len() as i32;
    assert!(n >= 15, "{n}");
    assert_eq!(run(&home, "aavf; aavf-at").0, [OK, (n, 0)]);
    cleanup(&home);
}

/// Fail closed: with the log a symbolic link, a deactivation (C entry point or Rust core) and
/// a register change are refused before they act: the directory stays active and the
/// registers as they were.
#[test]
fn a_log_that_cannot_be_appended_to_refuses_the_event_before_it_acts() {
    let home = temp_state("aud-cust-closed");
    assert_eq!(
        run(&home, "load-mk; store-pcu-mdk MDK.A; bind S").0,
        [OK, OK, OK]
    );
    let log = home.join("audit.log");
    let kept = home.with_extension("kept-log");
    std::fs::rename(&log, &kept).unwrap();
    std::os::unix::fs::symlink(&kept, &log).unwrap();
    let before = std::fs::read(&kept).unwrap();
    assert_eq!(
        run(&home, "csuadact; deactivate; mkp-clear; activate S").0,
        [UNAVAILABLE; 4]
    );
    assert_eq!(std::fs::read(&kept).unwrap(), before, "nothing appended");
    std::fs::remove_file(&log).unwrap();
    std::fs::rename(&kept, &log).unwrap();
    // Still active: the refused deactivations did not act.
    assert_eq!(
        run(&home, "pcu MDK.A; csuadact; pcu MDK.A").0,
        [OK, OK, NOT_ACTIVE]
    );
    let _ = std::fs::remove_file(&kept);
    cleanup(&home);
}

// ---- The MAC of docs/audit.md §6 ----

const NOT_BOUND: (i32, i32) = (8, 0xF263);
const LINK: i32 = 0xF20B;
const MAC_MISSING: i32 = 0xF210;
const MAC_FORGED: i32 = 0xF211;

/// `line` with its hash recomputed (what a forger who knows the format does); a MAC it
/// carried is kept as it was (the forger cannot compute it).
fn rehash(line: &str) -> String {
    use sha2::Digest;
    let (body, rest) = line.split_once(" hash=").unwrap();
    let h = sha2::Sha256::digest(body.as_bytes());
    let mac = rest.split_once(" mac=").map(|(_, m)| format!(" mac={m}"));
    format!("{body} hash={}{}", to_hex(&h), mac.unwrap_or_default())
}

/// Replaces record `k` (1-based) of the log by `edit(record)`.
fn edit_record(home: &Path, k: usize, edit: impl FnOnce(&str) -> String) {
    let mut log = records(home);
    log[k - 1] = edit(&log[k - 1]);
    std::fs::write(home.join("audit.log"), log.join("\n") + "\n").unwrap();
}

/// The position of the first record holding `needle`.
fn position(home: &Path, needle: &str) -> usize {
    1 + records(home)
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no record with {needle}"))
}

/// A bound, active directory with a mixed log: unbound records first, MAC'd ones after.
fn macd(tag: &str) -> PathBuf {
    let home = temp_state(tag);
    let script = format!(
        "load-mk; aavf-mac; bind S; pbind P {PASSWORD}; authorise P {PASSWORD} 600; \
         authorise P wrong-password; mkp-clear; csuadaut; aavf-mac; aavf-mac-at"
    );
    let (codes, err) = run(&home, &script);
    let n = records(&home).len() as i32;
    assert_eq!(
        codes,
        [
            OK,
            NOT_BOUND,
            OK,
            OK,
            OK,
            WRONG_PASSWORD,
            OK,
            OK,
            OK,
            (n, 0)
        ],
        "{err}"
    );
    home
}

#[test]
fn records_are_macd_once_the_svmk_is_active_and_the_key_is_named_inside_the_hash() {
    let home = macd("aud-mac-on");
    let log = records(&home);
    let s = cv("S", SecretKind::ServerMasterKey);
    let bind = position(&home, " op=BIND ");
    for (i, l) in log.iter().enumerate() {
        let macd = l.contains(&format!(" mack={s} prev=")) && l.contains(" mac=");
        assert_eq!(macd, i + 1 >= bind, "record {}: {l}", i + 1);
    }
    // A deactivation's record is MAC'd (the key held when the call began); the records
    // after it, with no SVMK active, are not; MAC verification then needs the cards.
    assert_eq!(
        run(&home, "csuadact; activate T; aavf-mac; aavf").0,
        [OK, WRONG_SECRET, NOT_ACTIVE, OK]
    );
    let log = records(&home);
    let n = log.len();
    assert!(log[n - 2].contains(" op=CSUADAC ") && log[n - 2].contains(" mac="));
    assert!(log[n - 1].contains(" op=ACTIVATE ") && !log[n - 1].contains(" mac="));
    assert_eq!(run(&home, "activate S; aavf-mac").0, [OK, OK]);
    assert_no_secret(&home);
    cleanup(&home);
}

/// The attack: edit a MAC'd record (an authorisation's expiry) and recompute its hash. The
/// chain alone names the next record (broken link); the MAC check names the forged record.
#[test]
fn an_edited_record_with_a_recomputed_hash_fails_the_mac_check() {
    let home = macd("aud-mac-forged");
    let k = position(&home, " d.expiry_s=600 ");
    edit_record(&home, k, |l| {
        rehash(&l.replace(" d.expiry_s=600 ", " d.expiry_s=6 "))
    });
    let k = k as i32;
    assert_eq!(
        run(&home, "aavf; aavf-at; aavf-mac; aavf-mac-at").0,
        [(4, LINK), (k, k + 1), (4, MAC_FORGED), (k - 1, k)]
    );
    cleanup(&home);
}

/// The attack: strip a record's MAC. `mack=` is inside the hash: the chain check names the
/// record (X'F210'); stripping `mack=` too needs a new hash, which breaks the next link.
#[test]
fn a_stripped_mac_is_reported() {
    let home = macd("aud-mac-strip");
    let k = position(&home, " op=BIND-PARTITION ");
    let original = records(&home)[k - 1].clone();
    let strip = |l: &str| l.split(" mac=").next().unwrap().to_string();
    edit_record(&home, k, strip);
    let ki = k as i32;
    assert_eq!(
        run(&home, "aavf; aavf-at; aavf-mac").0,
        [(4, MAC_MISSING), (ki - 1, ki), (4, MAC_MISSING)]
    );
    edit_record(&home, k, |_| {
        let s = cv("S", SecretKind::ServerMasterKey);
        rehash(&strip(&original).replace(&format!(" mack={s}"), ""))
    });
    assert_eq!(
        run(&home, "aavf; aavf-at; aavf-mac-at").0,
        [(4, LINK), (ki, ki + 1), (ki, ki + 1)]
    );
    cleanup(&home);
}
