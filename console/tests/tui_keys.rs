//! The Master Key and Keys (CKDS) menus driven in a real terminal (tmux): Status, Load Parts
//! by two custodians each logging on in the dialog with a masked passphrase and a masked part,
//! Logon from the main menu and Set with its confirmation, Keys > List and Show, and Change
//! (parts, summary, confirmation, re-encipherment). No part or passphrase is ever on the
//! screen or in its scroll-back, nor in the audit log.

#[path = "common/ckds.rs"]
mod ckds;
mod common;

use ckds::*;
use common::tmux::Screen;
use common::*;

/// Runs only when this binary is started again by `ckds::script`.
#[test]
fn ckds_child() {
    ckds::child_main();
}

/// Types a line into the focused field and submits it.
fn enter(s: &Screen, text: &str) {
    s.type_text(text);
    s.keys(&["Enter"]);
}

/// Types a secret into the focused (masked) field, checks the screen shows none of it while it
/// is there, and submits it.
fn enter_secret(s: &Screen, secret: &str) {
    s.type_text(secret);
    std::thread::sleep(std::time::Duration::from_millis(150));
    let screen = s.capture();
    for i in 0..=secret.len() - 12 {
        assert!(
            !screen.contains(&secret[i..i + 12]),
            "a secret is shown as it is typed: {screen}"
        );
    }
    assert!(screen.contains("********"), "no masked entry: {screen}");
    s.keys(&["Enter"]);
}

/// One custodian's turn in the Load Parts dialogs.
fn custodian(s: &Screen, n: usize, (user, pass): (&str, &str), part: &str) {
    s.wait_for(&format!("Custodian {n}: user id"));
    enter(s, user);
    s.wait_for(&format!("Passphrase of {user}"));
    enter_secret(s, pass);
    s.wait_for(&format!("Key part of {user}: 48 hex digits"));
    enter_secret(s, part);
    s.wait_for(&format!("Key part of {user}, again"));
    enter_secret(s, part);
    s.wait_for(&format!("Parts entered: {n}"));
}

/// From the main menu, the entry `downs` below the first, Enter.
fn main_entry(s: &Screen, downs: usize) {
    s.wait_for("Main Menu");
    s.keys(&["Home"]);
    for _ in 0..downs {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
}

#[test]
fn master_key_menu_two_custodians_set_list_and_change() {
    let home = roles_home("tui-keys");
    write(
        &home,
        Some(CUST1),
        &[("ISSUER.PIN.KEY", &token("s9-ipinenc")["token"])],
    );
    let s = Screen::start("keys", &home, &[], &[]);
    // Master Key > Status.
    main_entry(&s, 2);
    let screen = s.wait_for("Load Parts");
    for e in ["Status", "Clear New", "Set", "Change"] {
        assert!(screen.contains(e), "{e}: {screen}");
    }
    s.keys(&["Down", "Enter"]);
    let screen = s.wait_for("New master key");
    assert!(screen.contains("Current master key : empty"), "{screen}");
    s.keys(&["Enter"]);
    // Load Parts: CUST1 then CUST2, then Load.
    s.keys(&["Down", "Enter"]);
    let p2 = part_2(MK_A);
    custodian(&s, 1, CUST1, PART_1);
    let screen = s.capture();
    assert!(screen.contains("(CUST1)"), "{screen}");
    assert!(
        !screen.contains("<Load>"),
        "Load before two parts: {screen}"
    );
    s.keys(&["Enter"]); // Next custodian
    custodian(&s, 2, CUST2, &p2);
    s.keys(&["Right", "Enter"]); // Load
    let screen = s.wait_for_any(&["loaded from 2 parts", "Error"]);
    assert!(screen.contains(MKVP_A), "{screen}");
    assert!(
        screen.contains("by CUST1") && screen.contains("by CUST2"),
        "{screen}"
    );
    assert!(screen.contains("MK new full"), "status line: {screen}");
    assert!(screen.contains("Logged on: nobody"), "{screen}");
    s.keys(&["Enter"]);
    // Set while nobody is logged on: the library refuses it (8/90).
    s.keys(&["Down", "Down", "Enter"]);
    s.wait_for("as current?");
    s.keys(&["Enter"]); // Yes
    let screen = s.wait_for("Error");
    assert!(screen.contains("reason code 90"), "{screen}");
    s.keys(&["Enter", "Escape"]);
    // Logon as CUST1 from the main menu, then Set.
    main_entry(&s, 7);
    s.wait_for("Logon with card");
    s.keys(&["Down", "Enter"]); // Logon with passphrase
    s.wait_for("User id");
    enter(&s, CUST1.0);
    s.wait_for("Passphrase of CUST1");
    enter_secret(&s, CUST1.1);
    let screen = s.wait_for("Logged on: CUST1");
    assert!(screen.contains("KEYCUST"), "{screen}");
    s.keys(&["Enter"]);
    main_entry(&s, 2);
    s.wait_for("Load Parts");
    s.keys(&["Down", "Down", "Down", "Down", "Enter"]); // Set
    s.wait_for("as current?");
    s.keys(&["Enter"]);
    let screen = s.wait_for("The new master key is current");
    assert!(
        screen.contains(&format!("loaded (MKVP {MKVP_A})")),
        "{screen}"
    );
    s.keys(&["Enter", "Escape"]);
    // Keys (CKDS) > List, Show.
    main_entry(&s, 3);
    s.wait_for("Delete");
    s.keys(&["Down", "Enter"]);
    let screen = s.wait_for("ISSUER.PIN.KEY");
    assert!(
        screen.contains("IPINENC") && screen.contains("current"),
        "{screen}"
    );
    s.keys(&["Enter", "Down", "Enter"]);
    s.wait_for("Label:");
    enter(&s, "ISSUER.PIN.KEY");
    let screen = s.wait_for("Check value");
    assert!(screen.contains("08D7B4FB"), "{screen}");
    s.keys(&["Enter", "Escape"]);
    // Master Key > Change: parts for the second key, the summary, Yes.
    main_entry(&s, 2);
    s.wait_for("Load Parts");
    s.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    let p2b = part_2(MK_B);
    custodian(&s, 1, CUST1, PART_1);
    s.keys(&["Enter"]);
    custodian(&s, 2, CUST2, &p2b);
    s.keys(&["Right", "Enter"]);
    let screen = s.wait_for("Master-key change");
    assert!(screen.contains("ISSUER.PIN.KEY"), "{screen}");
    s.keys(&["Enter"]); // Yes
    let screen = s.wait_for_any(&["Re-enciphered", "Error"]);
    assert!(screen.contains("Re-enciphered: 1"), "{screen}");
    // The custodians logged on and off on threads of their own: the menu's logon stays.
    assert!(screen.contains("Logged on: CUST1 (KEYCUST)"), "{screen}");
    assert!(screen.contains(MKVP_B), "{screen}");
    assert_eq!(mkvp(&home, "ISSUER.PIN.KEY"), MKVP_B);
    // Nothing secret on the screen, in its scroll-back or in the audit log.
    let history = s.history();
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    for secret in [PART_1, &p2, &p2b, CUST1.1, CUST2.1] {
        assert!(!history.contains(secret), "on the screen: {history}");
        assert!(!audit.contains(secret), "in the audit log");
    }
    for part in [PART_1, &p2, &p2b] {
        for third in [&part[..16], &part[16..32], &part[32..]] {
            assert!(!history.contains(third), "a third of a part on the screen");
            assert!(!audit.contains(third), "a third of a part in the audit log");
        }
    }
}

#[test]
fn backup_and_restore_menu_with_confirmation() {
    let home = roles_home("tui-bak");
    let bak = home.with_file_name(format!(
        "{}-bak",
        home.file_name().unwrap().to_string_lossy()
    ));
    let _ = std::fs::remove_dir_all(&bak);
    let s = Screen::start("bak", &home, &[], &[]);
    // Logon as the security officer (X'F050', X'F051').
    main_entry(&s, 7);
    s.wait_for("Logon with card");
    s.keys(&["Down", "Enter"]); // Logon with passphrase
    s.wait_for("User id");
    enter(&s, OFFICER.0);
    s.wait_for("Passphrase of SECOFF1");
    enter_secret(&s, OFFICER.1);
    s.wait_for("Logged on: SECOFF1");
    s.keys(&["Enter"]);
    // Backup / Restore > Backup.
    main_entry(&s, 6);
    s.wait_for("Restore");
    s.keys(&["Down", "Enter"]);
    s.wait_for("New directory for the backup");
    enter(&s, bak.to_str().unwrap());
    let screen = s.wait_for_any(&["Of directory", "Error"]);
    assert!(screen.contains("Manifest MAC"), "{screen}");
    assert!(bak.join("MANIFEST").is_file());
    s.keys(&["Enter"]);
    // A key record written after the backup goes away with the restore.
    write(
        &home,
        Some(CUST1),
        &[("AFTER.BACKUP", &token_under(MK_A, 0))],
    );
    // Restore: the confirmation first; No changes nothing.
    s.keys(&["Down", "Enter"]);
    s.wait_for("Directory of the backup");
    enter(&s, bak.to_str().unwrap());
    let screen = s.wait_for("Restore the state directory from");
    assert!(
        screen.contains("<Yes>") && screen.contains("<No>"),
        "{screen}"
    );
    s.keys(&["Right", "Enter"]); // No
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!s.capture().contains("Restored from"));
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["count"], 1, "No restored: {v}");
    s.keys(&["Enter"]); // Restore again
    s.wait_for("Directory of the backup");
    enter(&s, bak.to_str().unwrap());
    s.wait_for("Restore the state directory from");
    s.keys(&["Enter"]); // Yes
    let screen = s.wait_for_any(&["Restored from", "Error"]);
    assert!(screen.contains("Restored from"), "{screen}");
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["count"], 0, "{v}");
    let history = s.history();
    assert!(!history.contains(OFFICER.1), "the passphrase on the screen");
}

#[test]
fn command_line_parts_typed_on_the_terminal_are_not_echoed() {
    let home = legacy_home("tty-parts");
    let p2 = part_2(MK_A);
    // Typed twice each, echo off; the register is loaded.
    let s = Screen::start(
        "tty-parts",
        &home,
        &["mk", "load-parts", "--parts", "2"],
        &[],
    );
    for (i, part) in [PART_1, p2.as_str()].iter().enumerate() {
        s.wait_for(&format!("Key part {} of 2, 48 hex digits:", i + 1));
        enter(&s, part);
        s.wait_for(&format!("Key part {} of 2, again:", i + 1));
        enter(&s, part);
    }
    let screen = s.wait_for("New master key: full");
    assert!(screen.contains(MKVP_A), "{screen}");
    let history = s.history();
    for part in [PART_1, p2.as_str()] {
        for third in [&part[..16], &part[16..32], &part[32..]] {
            assert!(!history.contains(third), "echoed: {history}");
        }
    }
    drop(s);
    // The confirmation of mk clear: anything but YES refuses (exit 1), nothing changes.
    let s = Screen::start("tty-clear", &home, &["mk", "clear"], &[]);
    s.wait_for("Type YES to go on:");
    enter(&s, "yes please");
    s.wait_for("not confirmed");
    drop(s);
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["new"]["state"], "full");
    run(&home, &["mk", "clear", "--yes"], "").ok();
    // Two entries that differ: nothing is loaded (exit 2).
    let s = Screen::start(
        "tty-differ",
        &home,
        &["mk", "load-parts", "--parts", "2"],
        &[],
    );
    s.wait_for("Key part 1 of 2, 48 hex digits:");
    enter(&s, PART_1);
    s.wait_for("Key part 1 of 2, again:");
    enter(&s, &p2);
    let screen = s.wait_for("differ");
    assert!(!screen.contains(&PART_1[..16]), "{screen}");
    drop(s);
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["new"]["state"], "empty");
}
