//! `backup DIR` and `restore DIR` (CSUABAK, CSUARST): a backup by the security officer, a
//! restore that brings back the registers and records of the backup's moment, the refusal of
//! another directory's backup, refusals for callers without the points or a logon, and bad
//! arguments.

#[path = "common/ckds.rs"]
mod ckds;
mod common;

use std::path::{Path, PathBuf};

use ckds::*;
use common::*;

/// Runs only when this binary is started again by `ckds::script`.
#[test]
fn ckds_child() {
    ckds::child_main();
}

/// A path for a backup next to `home` (not existing yet).
fn backup_path(home: &Path, name: &str) -> PathBuf {
    let p = home.with_file_name(format!(
        "{}-{name}",
        home.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&p);
    p
}

fn custodians_set(home: &Path, mk: &str) {
    custodians_load(home, mk, &[]).ok();
    as_user(home, CUST1, &["mk", "set", "--yes"], "").ok();
}

#[test]
fn backup_then_restore_brings_back_keys_and_registers() {
    let home = roles_home("bak-restore");
    custodians_set(&home, MK_A);
    write(
        &home,
        Some(CUST1),
        &[
            ("BANK.PIN.KEY", &token_under(MK_A, 0)),
            ("BANK.MAC.KEY", &token_under(MK_A, 1)),
        ],
    );
    let bak = backup_path(&home, "bak1");
    let o = as_user(
        &home,
        OFFICER,
        &["--json", "backup", bak.to_str().unwrap()],
        "",
    )
    .ok();
    let v = o.json();
    assert_eq!(v["path"], bak.display().to_string());
    assert_eq!(v["directory"].as_str().unwrap().len(), 32, "{v}");
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "ckds.db"),
        "{v}"
    );
    assert_eq!(v["mac"], false);
    assert!(bak.join("MANIFEST").is_file());
    // After the backup: a record deleted and the master key changed.
    as_user(
        &home,
        CUST1,
        &["key", "delete", "BANK.MAC.KEY", "--yes"],
        "",
    )
    .ok();
    custodians_change(&home, MK_B).ok();
    assert_eq!(mkvp(&home, "BANK.PIN.KEY"), MKVP_B);
    // Not the security officer: a custodian has no X'F051' (8/90), nothing changes.
    let before = keys_state(&home);
    let o = as_user(
        &home,
        CUST1,
        &["--json", "restore", bak.to_str().unwrap(), "--yes"],
        "",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "restore by a custodian");
    // The officer restores: the backup's registers and records are back.
    let v = as_user(
        &home,
        OFFICER,
        &["--json", "restore", bak.to_str().unwrap(), "--yes"],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_A, "{v}");
    assert_eq!(v["registers"]["old"]["state"], "empty", "{v}");
    assert_eq!(mkvp(&home, "BANK.PIN.KEY"), MKVP_A);
    assert_eq!(mkvp(&home, "BANK.MAC.KEY"), MKVP_A);
    let list = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(list["count"], 2);
    for r in list["records"].as_array().unwrap() {
        assert_eq!(r["master_key"], "current", "{r}");
    }
    // The audit log names the officer for both.
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(
        audit.contains("op=CSUABAK") && audit.contains("op=CSUARST"),
        "audit"
    );
}

#[test]
fn a_backup_of_another_directory_is_refused() {
    let home = roles_home("bak-mine");
    let other = roles_home("bak-other");
    custodians_set(&other, MK_B);
    let bak = backup_path(&other, "bak");
    as_user(&other, OFFICER, &["backup", bak.to_str().unwrap()], "").ok();
    let before = keys_state(&home);
    let o = as_user(
        &home,
        OFFICER,
        &["--json", "restore", bak.to_str().unwrap(), "--yes"],
        "",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_hex"], "F345");
    assert!(
        o.json()["meaning"]
            .as_str()
            .unwrap()
            .contains("another directory"),
        "{o:?}"
    );
    assert_same(
        &before,
        &keys_state(&home),
        "restore of another directory's backup",
    );
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["current"]["state"], "empty");
}

#[test]
fn backups_need_the_officer_and_a_logon() {
    // DEFAULT: no X'F050' (8/90), no directory made, nothing changed.
    let home = roles_home("bak-default");
    let bak = backup_path(&home, "bak");
    let before = keys_state(&home);
    for (user, args) in [
        (None, vec!["--json", "backup", bak.to_str().unwrap()]),
        (Some(CUST1), vec!["--json", "backup", bak.to_str().unwrap()]),
    ] {
        let o = match user {
            Some(u) => as_user(&home, u, &args, ""),
            None => run(&home, &args, ""),
        };
        assert_eq!(o.code, 8, "{o:?}");
        assert_eq!(o.json()["reason_code"], 90);
        assert!(!bak.exists());
        assert_same(&before, &keys_state(&home), "refused backup");
    }
    // A legacy directory holds X'F050', but a backup still needs a logon: 8/90.
    let legacy = legacy_home("bak-legacy");
    let bak = backup_path(&legacy, "bak");
    let o = run(&legacy, &["--json", "backup", bak.to_str().unwrap()], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert!(!bak.exists());
    // Into a directory that exists: CSUABAK's 8/X'F341'.
    let home = roles_home("bak-exists");
    let o = as_user(
        &home,
        OFFICER,
        &["--json", "backup", home.to_str().unwrap()],
        "",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_hex"], "F341");
    // Restoring from something that is not a backup: CSUARST's 8/X'F343'.
    let o = as_user(&home, OFFICER, &["--json", "restore", "/", "--yes"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_hex"], "F343");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = roles_home("bak-bad");
    let bak = backup_path(&home, "bak");
    let long = format!("/tmp/{}", "d".repeat(1100));
    let before = snapshot(&home);
    for args in [
        &["backup"][..],
        &["backup", ""],
        &["backup", &long],
        &["backup", "a", "b"],
        &["restore"],
        &["restore", bak.to_str().unwrap()], // no --yes and no terminal
        &["restore", &long, "--yes"],
        &["restore", "", "--yes"],
        &["backup", bak.to_str().unwrap(), "--yes"],
    ] {
        let o = run(&home, args, "");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty(), "{args:?}: no message");
        assert_same(&before, &snapshot(&home), &format!("{args:?}"));
        assert!(!bak.exists());
    }
}
