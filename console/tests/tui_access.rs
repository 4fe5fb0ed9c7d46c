//! The Access Control, Audit Log, Logon and Logoff entries of the menu, driven in a real
//! terminal (tmux): a passphrase logon (the screen shows the passphrase masked, never in
//! clear), the status line naming who is logged on, Profiles, Last Records, Logoff; the
//! scroll-back and the audit log hold no passphrase.

mod common;

use std::time::Duration;

use common::tmux::Screen;
use common::*;

/// The main menu's entries in order (tui/mod.rs): Logon is the 8th, Logoff the 9th.
const ACCESS_CONTROL: usize = 4;
const AUDIT_LOG: usize = 5;
const LOGON: usize = 7;
const LOGOFF: usize = 8;

/// A wrong passphrase the test types (test data only).
const WRONG: &str = "not the officer's words";

fn choose(s: &Screen, downs: usize) {
    for _ in 0..downs {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
}

fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn logon_profiles_audit_and_logoff_in_the_menu() {
    let home = roles_home("tui-access");
    let s = Screen::start("access", &home, &[], &[]);
    let screen = s.wait_for("Main Menu");
    assert!(screen.contains("Logged on: nobody"), "{screen}");
    // Logon with a passphrase: the user id, then the passphrase, masked.
    choose(&s, LOGON);
    s.wait_for("Logon with card");
    choose(&s, 1);
    // A wrong passphrase first: CSUALCT's refusal in an error box, still nobody logged on.
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    s.type_text(WRONG);
    s.keys(&["Enter"]);
    let screen = s.wait_for("X'F318'");
    assert!(screen.contains("Logged on: nobody"), "{screen}");
    s.keys(&["Enter"]); // OK: back in the Logon menu, on "Logon with passphrase"
    settle();
    s.keys(&["Enter"]);
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    s.type_text(OFFICER.1);
    settle();
    let typed = s.capture();
    assert!(
        !typed.contains(OFFICER.1),
        "the passphrase is on the screen:\n{typed}"
    );
    assert!(
        typed.contains(&"*".repeat(OFFICER.1.len())),
        "the passphrase is not shown masked:\n{typed}"
    );
    assert!(!typed.contains("passphrase 1"), "{typed}");
    s.keys(&["Enter"]);
    let screen = s.wait_for("Logged on: SECOFF1 (SECOFF)");
    assert!(screen.contains("Mechanism : PPHRASE"), "{screen}");
    s.keys(&["Enter"]); // OK
    s.wait_for("Main Menu");
    // Access Control > Profiles: the list, then CUST1 > Show.
    s.keys(&["Up", "Up", "Up"]); // back on Access Control from Logon
    settle();
    s.keys(&["Enter"]);
    s.wait_for("Points of a Role");
    choose(&s, 2);
    let screen = s.wait_for("Add a profile");
    for u in ["CUST1", "CUST2", "OPER1", "SECOFF1"] {
        assert!(screen.contains(u), "{u} missing:\n{screen}");
    }
    choose(&s, 2); // ◂, Add a profile, CUST1
    s.wait_for("Profile CUST1");
    choose(&s, 1); // Show
    let screen = s.wait_for("Failed logons");
    assert!(screen.contains("KEYCUST"), "{screen}");
    s.keys(&["Enter"]); // OK
    s.keys(&["Escape"]);
    settle();
    s.keys(&["Escape"]);
    settle();
    // Roles > SECOFF: its points, named.
    s.keys(&["Up"]);
    settle();
    s.keys(&["Enter"]);
    s.wait_for("CUSTODY");
    choose(&s, 2); // ◂, DEFAULT, SECOFF
    let screen = s.wait_for("X'0112'");
    assert!(
        screen.contains("Initialize access-control system"),
        "{screen}"
    );
    s.keys(&["Enter", "Escape"]);
    settle();
    // Points of a Role > KEYCUST > Change: X'0113' on, confirmed, loaded through the library.
    s.keys(&["Down", "Down", "Enter"]);
    s.wait_for("┤ Points of a Role ├");
    choose(&s, 3); // ◂, DEFAULT, SECOFF, KEYCUST
    s.wait_for("Points of KEYCUST");
    s.keys(&["Enter"]); // Change
    s.wait_for("Points to turn ON in KEYCUST");
    s.type_text("X'0113'");
    s.keys(&["Enter"]);
    s.wait_for("Points to turn OFF in KEYCUST");
    s.keys(&["Enter"]);
    s.wait_for("Change role KEYCUST");
    s.keys(&["Enter"]); // Yes
    let screen = s.wait_for("on: X'0113'");
    assert!(screen.contains("off: none"), "{screen}");
    s.keys(&["Enter", "Escape"]);
    settle();
    s.keys(&["Escape"]);
    s.wait_for("Main Menu");
    let v = run(&home, &["--json", "acp", "show", "--role", "KEYCUST"], "")
        .ok()
        .json();
    assert!(v.to_string().contains("X'0113'"), "{v}");
    // Audit Log > Last Records: the logon is on record, under the user's name.
    s.keys(&["Down"]);
    settle();
    s.keys(&["Enter"]);
    s.wait_for("Last Records");
    choose(&s, 1);
    s.wait_for("Audit Log: Last Records");
    // The newest records at the bottom: the points change just made (a long line may wrap
    // between its fields).
    let screen = s.wait_for("d.roles=KEYCUST");
    assert!(screen.contains("d.by=SECOFF1"), "{screen}");
    s.keys(&["Escape"]);
    settle();
    choose(&s, 2); // Verify
    s.wait_for("intact");
    s.keys(&["Enter", "Escape"]);
    s.wait_for("Main Menu");
    // Logoff: the status line says nobody again.
    for _ in 0..(LOGOFF - AUDIT_LOG) {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
    let screen = s.wait_for("Logged off.");
    assert!(screen.contains("Logged on: nobody"), "{screen}");
    s.keys(&["Enter"]);
    // Nothing of the passphrase in the scroll-back or the audit log.
    let history = s.history();
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    for (_, p) in [OFFICER, CUST1, CUST2, OPERATOR, ("", WRONG)] {
        assert!(!history.contains(p), "a passphrase in the scroll-back");
        assert!(!audit.contains(p), "a passphrase in the audit log");
    }
    assert!(audit.contains("op=CSUALCT d.user=SECOFF1 d.mechanism=PPHRASE outcome=OK"));
}

#[path = "common/operator_card.rs"]
mod operator_card;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

#[test]
fn logon_with_card_in_the_menu() {
    const PIN: &str = "31415926";
    let Some(card) = operator_card::operator_card(13, PIN) else {
        return;
    };
    let reader = card.reader().to_string();
    let home = roles_home("tui-card");
    as_user(
        &home,
        OFFICER,
        &[
            "profile", "card", "OPER1", "--reader", &reader, "--pin-fd", "0",
        ],
        &format!("{PIN}\n"),
    )
    .ok();
    let s = Screen::start("card", &home, &[], &[]);
    s.wait_for("Main Menu");
    choose(&s, LOGON);
    s.wait_for("Logon with card");
    choose(&s, 2);
    let screen = s.wait_for("choose the reader");
    let line = screen
        .lines()
        .filter(|l| l.contains("Virtual PCD"))
        .position(|l| l.contains(&reader))
        .expect("the card's reader is listed");
    choose(&s, line);
    s.wait_for("User id:");
    s.type_text("OPER1");
    s.keys(&["Enter"]);
    s.wait_for("PIN of OPER1's card");
    s.type_text(PIN);
    settle();
    let typed = s.capture();
    assert!(!typed.contains(PIN), "the PIN is on the screen:\n{typed}");
    assert!(
        typed.contains("********"),
        "the PIN is not shown masked:\n{typed}"
    );
    s.keys(&["Enter"]);
    let screen = s.wait_for("Logged on: OPER1 (CUSTODY)");
    assert!(screen.contains("Mechanism : CARD"), "{screen}");
    s.keys(&["Enter"]);
    let history = s.history();
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(
        !history.contains(PIN) && !audit.contains(PIN),
        "the PIN is shown or logged"
    );
    assert!(
        audit.contains("d.user=OPER1 d.mechanism=CARD outcome=OK"),
        "{audit}"
    );
}

/// Logs the menu on as the officer (Logon > Logon with passphrase); the cursor is left on
/// Logon in the main menu.
fn officer_logon(s: &Screen) {
    choose(s, LOGON);
    s.wait_for("Logon with card");
    choose(s, 1);
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    s.type_text(OFFICER.1);
    s.keys(&["Enter"]);
    s.wait_for("Logged on: SECOFF1 (SECOFF)");
    s.keys(&["Enter"]);
    s.wait_for("Main Menu");
}

#[test]
fn profiles_added_changed_and_deleted_in_the_menu() {
    const NEW: &str = "new operator passphrase";
    let home = roles_home("tui-profiles");
    let s = Screen::start("profiles", &home, &[], &[]);
    s.wait_for("Main Menu");
    officer_logon(&s);
    // Access Control > Profiles > Add a profile: NEWOP, CUSTODY, the passphrase twice.
    for _ in 0..(LOGON - ACCESS_CONTROL) {
        s.keys(&["Up"]);
    }
    s.keys(&["Enter"]);
    s.wait_for("Points of a Role");
    choose(&s, 2);
    s.wait_for("Add a profile");
    choose(&s, 1);
    s.wait_for("User id:");
    s.type_text("NEWOP");
    s.keys(&["Enter"]);
    s.wait_for("Role (e.g.");
    s.type_text("CUSTODY");
    s.keys(&["Enter"]);
    s.wait_for("New passphrase of NEWOP:");
    s.type_text(NEW);
    settle();
    assert!(!s.capture().contains(NEW));
    s.keys(&["Enter"]);
    s.wait_for("New passphrase of NEWOP, again:");
    s.type_text(NEW);
    s.keys(&["Enter"]);
    s.wait_for("Profile NEWOP (role CUSTODY) added");
    s.keys(&["Enter"]);
    let v = run(&home, &["--json", "profile", "show", "NEWOP"], "")
        .ok()
        .json();
    assert_eq!(v["role"], "CUSTODY");
    // The list is the one opened before the add; back to Access Control and open it again.
    s.keys(&["Escape"]);
    settle();
    s.keys(&["Enter"]);
    let screen = s.wait_for("NEWOP");
    assert!(screen.contains("CUST1"), "{screen}");
    // ◂, Add a profile, CUST1, CUST2, NEWOP: Change expiry of CUST1, then delete NEWOP.
    choose(&s, 2);
    s.wait_for("Profile CUST1");
    choose(&s, 3);
    s.wait_for("New last day of CUST1");
    s.type_text("2031-03-31");
    s.keys(&["Enter"]);
    s.wait_for("now expires after 2031-03-31");
    s.keys(&["Enter", "Escape"]);
    settle();
    s.keys(&["Down", "Down", "Enter"]);
    s.wait_for("Profile NEWOP");
    choose(&s, 5);
    s.wait_for("Delete profile NEWOP?");
    s.keys(&["Tab", "Enter"]); // No first: nothing deleted
    settle();
    assert_eq!(run(&home, &["profile", "show", "NEWOP"], "").code, 0);
    s.keys(&["Enter"]); // Delete again (the cursor is still on it)
    s.wait_for("Delete profile NEWOP?");
    s.keys(&["Enter"]); // Yes
    s.wait_for("Profile NEWOP deleted.");
    s.keys(&["Enter"]);
    let o = run(&home, &["--json", "profile", "show", "NEWOP"], "");
    assert_eq!(o.code, 8, "{o:?}");
    let v = run(&home, &["--json", "profile", "show", "CUST1"], "")
        .ok()
        .json();
    assert_eq!(v["expires"], "2031-03-31");
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(audit.contains("d.by=SECOFF1 d.user=NEWOP"), "{audit}");
    for p in [NEW, OFFICER.1] {
        assert!(
            !s.history().contains(p) && !audit.contains(p),
            "a passphrase shown or logged"
        );
    }
}
