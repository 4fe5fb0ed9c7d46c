//! The command line's frame: `status`, bad arguments, the logon of `--user`, `logon`, `run`.

mod common;

use common::*;

#[test]
fn status_reports_the_fresh_directory() {
    let home = legacy_home("status");
    let v = run(&home, &["--json", "status"], "").ok().json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["binding"], "UNBOUND");
    assert_eq!(v["registers"]["current"]["state"], "empty");
    assert_eq!(v["logon"]["role"], "DEFAULT");
    assert_eq!(v["directory"], home.display().to_string());
    let t = run(&home, &["status"], "").ok().stdout;
    assert!(t.contains("Binding       : UNBOUND"), "{t}");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = legacy_home("badargs");
    run(&home, &["status"], "").ok();
    let before = snapshot(&home);
    for args in [
        &["no-such-command"][..],
        &["card", "inspect"],           // --reader missing
        &["--logon-fd", "0", "status"], // --logon-fd without --user
        &[
            "profile",
            "add",
            "TOOLONGUSER",
            "--role",
            "SECOFF",
            "--passphrase-fd",
            "0",
        ],
        &[
            "profile",
            "add",
            "U1",
            "--role",
            "SECOFF",
            "--expires",
            "2020-13-01",
            "--passphrase-fd",
            "0",
        ],
    ] {
        let o = run(&home, args, "x\n");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty(), "{args:?}: no message");
    }
    assert_eq!(snapshot(&home), before, "a refused command changed a file");
}

#[test]
fn a_secret_never_comes_from_the_command_line() {
    let home = legacy_home("noarg");
    // There is no option that takes a PIN or passphrase itself.
    for opt in ["--pin", "--passphrase", "--password"] {
        let o = run(
            &home,
            &["card", "get-label", "--reader", "R", opt, "12345678"],
            "",
        );
        assert_eq!(o.code, 2, "{opt}: {o:?}");
    }
    // Without a terminal and without a descriptor, the console asks for one rather than
    // reading the secret from anywhere else.
    let o = run(&home, &["--user", "SECOFF1", "logon"], "");
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("file descriptor"), "{o:?}");
}

#[test]
fn logon_profiles_and_json_errors() {
    let home = roles_home("logon");
    let v = as_user(&home, CUST1, &["--json", "logon"], "").ok().json();
    assert_eq!(
        (v["user"].as_str(), v["role"].as_str()),
        (Some("CUST1"), Some("KEYCUST"))
    );
    // A wrong passphrase: CSUALCT's code, exit 8, and the JSON says which verb and why.
    let o = as_user(
        &home,
        ("CUST1", "not the passphrase"),
        &["--json", "logon"],
        "",
    );
    assert_eq!(o.code, 8, "{o:?}");
    let v = o.json();
    assert_eq!(
        (
            v["ok"].as_bool(),
            v["verb"].as_str(),
            v["reason_hex"].as_str()
        ),
        (Some(false), Some("CSUALCT"), Some("F318"))
    );
    assert!(v["meaning"].as_str().unwrap().contains("passphrase"), "{v}");
    assert!(!o.stdout.contains("not the passphrase") && !o.stderr.contains("not the passphrase"));
    // Not logged on: DEFAULT may not add a profile (8/90), and nothing is stored.
    let before = snapshot_but_audit(&home);
    let o = run(
        &home,
        &[
            "profile",
            "add",
            "X1",
            "--role",
            "KEYCUST",
            "--passphrase-fd",
            "0",
        ],
        "p\n",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(snapshot_but_audit(&home), before);
    // The audit log names the users and holds no passphrase.
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(audit.contains("CUST1"), "{audit}");
    for (_, p) in [OFFICER, CUST1, CUST2, OPERATOR] {
        assert!(!audit.contains(p), "a passphrase is in the audit log");
    }
}

#[test]
fn run_keeps_a_logon_from_its_logon_line_to_logoff() {
    let home = roles_home("run");
    let script = home.join("script.txt");
    std::fs::write(
        &script,
        "# a ceremony script\nlogon --user CUST1 --logon-fd 0\nstatus\nlogoff\nstatus\n",
    )
    .unwrap();
    let o = run(
        &home,
        &["run", script.to_str().unwrap()],
        &format!("{}\n", CUST1.1),
    )
    .ok();
    let first = o
        .stdout
        .find("CUST1 (role KEYCUST)")
        .expect("logged on for status");
    let after = o.stdout[first..].find("nobody (role DEFAULT)");
    assert!(after.is_some(), "{}", o.stdout);
    // A failing line stops the run with that line's status.
    std::fs::write(&script, "status\nlogoff\nstatus\n").unwrap();
    let o = run(&home, &["run", script.to_str().unwrap()], "");
    assert_eq!(
        o.code, 8,
        "logoff without a logon is CSUALCT 8/X'F31A': {o:?}"
    );
    assert_eq!(o.stdout.matches("Binding").count(), 1, "{o:?}");
}

#[path = "common/operator_card.rs"]
mod operator_card;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

/// The PIN the test gives its card (test data only).
const CARD_PIN: &str = "48151623";

#[test]
fn a_card_enrolled_with_profile_card_logs_on() {
    let Some(card) = operator_card::operator_card(12, CARD_PIN) else {
        return;
    };
    let reader = card.reader().to_string();
    let home = roles_home("cardlogon");
    // Enrol: CSUAACI CHG-AD, the PIN verified on the card by the library.
    let v = as_user(
        &home,
        OFFICER,
        &[
            "--json", "profile", "card", "OPER1", "--reader", &reader, "--pin-fd", "0",
        ],
        &format!("{CARD_PIN}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (v["user"].as_str(), v["mechanism"].as_str()),
        (Some("OPER1"), Some("CARD"))
    );
    let v = run(&home, &["--json", "profile", "show", "OPER1"], "")
        .ok()
        .json();
    let mechs: Vec<&str> = v["mechanisms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mechanism"].as_str().unwrap())
        .collect();
    assert!(mechs.contains(&"CARD"), "{v}");
    // Card logon: user, role and mechanism shown.
    let args = [
        "--user",
        "OPER1",
        "--logon-card",
        &reader,
        "--logon-fd",
        "0",
        "--json",
        "logon",
    ];
    let o = run(&home, &args, &format!("{CARD_PIN}\n")).ok();
    let v = o.json();
    assert_eq!(
        (
            v["user"].as_str(),
            v["role"].as_str(),
            v["mechanism"].as_str()
        ),
        (Some("OPER1"), Some("CUSTODY"), Some("CARD"))
    );
    let t = run(
        &home,
        &args[..6]
            .iter()
            .copied()
            .chain(["logon"])
            .collect::<Vec<_>>(),
        &format!("{CARD_PIN}\n"),
    )
    .ok()
    .stdout;
    assert!(t.contains("CARD") && t.contains("CUSTODY"), "{t}");
    // A profile added with the card as its only mechanism (INIT-AC) logs on with it too.
    let v = as_user(
        &home,
        OFFICER,
        &[
            "--json", "profile", "add", "CARDOP", "--role", "CUSTODY", "--card", &reader,
            "--pin-fd", "0",
        ],
        &format!("{CARD_PIN}\n"),
    )
    .ok()
    .json();
    assert_eq!(v["mechanism"], "CARD");
    let o2 = run(
        &home,
        &[
            "--user",
            "CARDOP",
            "--logon-card",
            &reader,
            "--logon-fd",
            "0",
            "--json",
            "logon",
        ],
        &format!("{CARD_PIN}\n"),
    )
    .ok();
    assert_eq!(o2.json()["user"], "CARDOP");
    assert!(!o2.stdout.contains(CARD_PIN) && !o2.stderr.contains(CARD_PIN));
    // A wrong PIN: refused by the card (CSUALCT 8/X'F1Cx'), counted.
    let bad = run(&home, &args, "87654321\n");
    assert_eq!(bad.code, 8, "{bad:?}");
    assert_eq!(bad.json()["verb"], "CSUALCT");
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    // docs/audit.md: the card logon names the reader, the card's CSN and the user.
    assert!(
        audit.contains(&format!(
            "csn={} label=- d.user=OPER1 d.mechanism=CARD outcome=OK",
            card.card.csn
        )),
        "{audit}"
    );
    assert!(
        audit.contains("d.user=OPER1 d.mechanism=CARD outcome=FAIL rc=8 rs=F1C"),
        "{audit}"
    );
    for out in [&o.stdout, &o.stderr, &bad.stdout, &bad.stderr, &audit] {
        assert!(
            !out.contains(CARD_PIN) && !out.contains("87654321"),
            "a PIN is shown or logged"
        );
    }
}

#[test]
fn a_secret_from_a_descriptor_that_is_a_terminal_is_not_echoed() {
    // `--logon-fd 0` typed at a shell: descriptor 0 is the terminal. The passphrase typed
    // there must not appear (echo off as for the terminal prompt).
    let home = roles_home("fdtty");
    let s = common::tmux::Screen::start(
        "fdtty",
        &home,
        &["--user", OFFICER.0, "--logon-fd", "0", "logon"],
        &[],
    );
    // Time for the console to start and turn echo off before anything is typed.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    s.type_text(OFFICER.1);
    s.keys(&["Enter"]);
    let screen = s.wait_for("Mechanism");
    assert!(screen.contains("SECOFF"), "{screen}");
    assert!(
        !s.history().contains(OFFICER.1),
        "the passphrase was echoed:\n{}",
        s.history()
    );
}
