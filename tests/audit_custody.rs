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

/// The child side: `aavf` (CSUAAVF: rc rs) and `aavf-at` (CSUAAVF:
/// records checked, first bad record), else the common commands.
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
/// password refused, deauthorised through CSUADAUT, deactivated through CSUADACT.
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
    let daut = with_op(&log, "CSUADAUT");
    assert_eq!(daut.len(), 1, "{log:#?}");
    assert!(
        daut[0].contains(&format!(
            " d.event=DEAUTHORISE d.event_rc=0 d.event_rs=0000 d.svmk_check={s} \
             d.partition_check={p} outcome=OK rc=0 rs=0000 "
        )),
        "{}",
        daut[0]
    );
    let dact = with_op(&log, "CSUADACT");
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
