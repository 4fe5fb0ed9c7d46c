//! The Smart Card and Custody menus driven for real in a terminal (tmux), on the virtual
//! cards: Inspect in the seed's layout, a wrong PIN (the tries left), Change PIN (masked,
//! twice, the once-only warning), creating a 2-of-3 set card by card, Copy Card, a set
//! abandoned after its first card (reported as one never to use), and the Custody menu. No
//! PIN is ever on the screen or in the scroll-back, nor in the audit log, which names each
//! card by its CSN. The command line in a terminal: `set create` through one reader asks for
//! each card and reads the PINs with echo off; `card change-pin` refuses two different new PINs.
//! Each test has its own cards: 0, 1-4, 5-6, 7, 8.

#[path = "common/cards.rs"]
mod cards;
mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use std::time::Duration;

use cards::*;
use common::tmux::Screen;
use common::*;

const NEW_PIN: &str = "87654321";
const WRONG: &str = "11112222";

/// Opens entry `sub` of main-menu entry `main` (indices as on the screen; `◂` is 0 in a
/// submenu).
fn open(s: &Screen, main: usize, sub: usize) {
    s.keys(&["Escape", "Escape", "Escape"]);
    s.wait_for("Main Menu");
    s.keys(&["Home"]);
    for _ in 0..main {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
    s.wait_for("◂");
    for _ in 0..sub {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
}

/// Picks `reader` in the reader list (titled `title`).
fn choose(s: &Screen, title: &str, reader: &str) {
    let screen = s.wait_for(title);
    let items: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("card   Virtual PCD") || l.contains("empty  Virtual PCD"))
        .collect();
    let at = items
        .iter()
        .position(|l| l.contains(&format!("  {reader} ")) || l.contains(&format!("  {reader}│")))
        .unwrap_or_else(|| panic!("{reader} not listed:\n{screen}"));
    for _ in 0..at {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
}

/// Types a line into the focused field, then Enter.
fn enter(s: &Screen, text: &str) {
    s.type_text(text);
    s.keys(&["Enter"]);
}

/// Types a secret into the focused field and checks the screen before Enter: never the
/// secret; in the menu's masked field one `*` per character (`masked`), on the command line's
/// echo-off prompt nothing at all.
fn enter_secret(s: &Screen, secret: &str, masked: bool) {
    s.type_text(secret);
    settle();
    let screen = s.capture();
    assert_no_secret("the screen", &screen, &[secret]);
    if masked {
        assert!(
            screen.contains(&"*".repeat(secret.len())),
            "not masked:\n{screen}"
        );
    }
    s.keys(&["Enter"]);
}

fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
fn inspect_a_wrong_pin_and_change_pin() {
    let Some(card) = vcards::Borrowed::new(0, None) else {
        return;
    };
    let r = card.reader();
    let home = legacy_home("tui-pin");
    let s = Screen::start("tui-pin", &home, &[], &[]);
    s.wait_for("Main Menu");
    // Inspect: the seed's layout, a box without a title, OK.
    open(&s, 0, 1);
    choose(&s, "Inspect: choose the reader", r);
    let screen = s.wait_for("PIN Locked");
    assert!(screen.contains("ATR         : 3B:"), "{screen}");
    assert!(
        screen.contains(&format!("CSN         : {}", card.card.csn)),
        "{screen}"
    );
    assert!(
        screen.contains("PIN Locked  : no (one more PIN change allowed)"),
        "{screen}"
    );
    assert!(screen.contains("PIN SCR     : 0 "), "{screen}");
    assert!(screen.contains("<OK>"), "{screen}");
    s.keys(&["Enter"]);
    // Get Label with a wrong PIN: masked entry, then the card's refusal with the tries left.
    open(&s, 0, 6);
    choose(&s, "Get Label: choose the reader", r);
    s.wait_for("PIN of the card in");
    enter_secret(&s, WRONG, true);
    let screen = s.wait_for("X'F1C6'");
    assert!(screen.contains("6 more presentations"), "{screen}");
    s.keys(&["Enter"]);
    // Change PIN with two different new PINs: refused, nothing sent to the card.
    open(&s, 0, 2);
    choose(&s, "Change PIN: choose the reader", r);
    s.wait_for("changed only once");
    s.keys(&["Enter"]);
    s.wait_for("Current PIN of the card in");
    enter_secret(&s, TRANSPORT, true);
    s.wait_for("New PIN (8 digits");
    enter_secret(&s, NEW_PIN, true);
    s.wait_for("New PIN again");
    enter_secret(&s, WRONG, true);
    s.wait_for("the two entries differ: nothing was changed");
    s.keys(&["Enter"]);
    // Change PIN: the once-only warning first, then the current PIN and the new one twice.
    open(&s, 0, 2);
    choose(&s, "Change PIN: choose the reader", r);
    let screen = s.wait_for("changed only once");
    assert!(
        screen.contains("<Yes>") && screen.contains("<No>"),
        "{screen}"
    );
    s.keys(&["Enter"]);
    s.wait_for("Current PIN of the card in");
    enter_secret(&s, TRANSPORT, true);
    s.wait_for("New PIN (8 digits");
    enter_secret(&s, NEW_PIN, true);
    s.wait_for("New PIN again");
    enter_secret(&s, NEW_PIN, true);
    s.wait_for("was changed");
    s.keys(&["Enter"]);
    // Inspect again: the one change is used.
    open(&s, 0, 1);
    choose(&s, "Inspect: choose the reader", r);
    let screen = s.wait_for("PIN Locked");
    assert!(screen.contains("PIN Locked  : yes"), "{screen}");
    s.keys(&["Enter"]);
    // Get Label with the new PIN works.
    open(&s, 0, 6);
    choose(&s, "Get Label: choose the reader", r);
    s.wait_for("PIN of the card in");
    enter_secret(&s, NEW_PIN, true);
    s.wait_for("Label");
    s.keys(&["Enter"]);
    settle();
    let history = s.history();
    assert_no_secret("the scroll-back", &history, &[TRANSPORT, NEW_PIN, WRONG]);
    let log = audit(&home);
    assert_eq!(
        audit_records(&log, "CSUCCPN", &card.card.csn).len(),
        1,
        "{log}"
    );
    assert_eq!(
        audit_records(&log, "CSUCGLB", &card.card.csn).len(),
        2,
        "{log}"
    );
    assert_no_secret("audit.log", &log, &[TRANSPORT, NEW_PIN, WRONG]);
}

/// One card of a ceremony: the prompt, the reader, the PIN, the label when written.
fn card_step(s: &Screen, title: &str, turn: &str, reader: &str, label: Option<&str>) {
    s.wait_for(&format!("Insert {turn} into a reader, then press Enter"));
    s.keys(&["Enter"]);
    choose(s, &format!("{title}: {turn}: choose the reader"), reader);
    s.wait_for(&format!("PIN of {turn}"));
    enter_secret(s, TRANSPORT, true);
    if let Some(l) = label {
        s.wait_for(&format!("Label of {turn}"));
        enter(s, l);
    }
}

#[test]
fn create_a_2_of_3_set_and_copy_card() {
    let Some(cs) = (1..5)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let r: Vec<&str> = cs.iter().map(|c| c.reader()).collect();
    let home = legacy_home("tui-set");
    let s = Screen::start("tui-set", &home, &[], &[]);
    s.wait_for("Main Menu");
    let title = "Create Server Master Key";
    open(&s, 0, 3);
    s.wait_for("M: cards needed");
    enter(&s, "2");
    s.wait_for("N: cards to write");
    enter(&s, "3");
    card_step(&s, title, "card 1 of 3", r[0], Some("TUI SET 1"));
    let screen = s.wait_for("Insert card 2 of 3");
    assert!(
        screen.contains(&format!("Card 1 of 3 written in {}", r[0])),
        "{screen}"
    );
    card_step(&s, title, "card 2 of 3", r[1], Some("TUI SET 2"));
    card_step(&s, title, "card 3 of 3", r[2], Some("TUI SET 3"));
    let screen = s.wait_for("A new server master key set was written.");
    assert!(screen.contains("2 of 3"), "{screen}");
    let set_id = screen
        .lines()
        .find_map(|l| l.split("Set Id      : ").nth(1))
        .map(|t| t.trim_end_matches([' ', '│', '|']).trim().to_string())
        .unwrap();
    assert_eq!(set_id.len(), 32, "{screen}");
    s.keys(&["Enter"]);
    // Copy Card: card 2 of the set onto the erased card 4, after a confirmation.
    open(&s, 0, 8);
    choose(&s, "the reader of the card to copy", r[1]);
    choose(&s, "the reader of the erased card to write", r[3]);
    s.wait_for("onto the erased card in");
    s.keys(&["Enter"]);
    s.wait_for("PIN of both cards");
    enter_secret(&s, TRANSPORT, true);
    s.wait_for("was copied onto the card in");
    s.keys(&["Enter"]);
    // The copy is the same member of the same set (the command line's Inspect).
    // (with the PIN: the label too, which the library's audit record of Inspect names).
    let v = run(
        &home,
        &[
            "--json", "card", "inspect", "--reader", r[3], "--pin-fd", "0",
        ],
        &format!("{TRANSPORT}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (
            v["set_id"].as_str(),
            v["index"].as_str(),
            v["label"].as_str()
        ),
        (Some(set_id.as_str()), Some("002"), Some("TUI SET 2"))
    );
    // The Custody menu: Set Status of the copy.
    open(&s, 1, 1);
    choose(&s, "Set Status: choose the reader", r[3]);
    let screen = s.wait_for("COMPLETE");
    assert!(screen.contains(&set_id[..16]), "{screen}");
    s.keys(&["Enter"]);
    // Custody > Verify Set with cards 3 and 1 (the count is known after the first card).
    open(&s, 1, 2);
    card_step(&s, "Verify Set", "card 1", r[2], None);
    let screen = s.wait_for("Insert card 2 of 2");
    assert!(
        screen.contains(&format!("Card 1 read in {}", r[2])),
        "{screen}"
    );
    card_step(&s, "Verify Set", "card 2 of 2", r[0], None);
    s.wait_for("The set gives its secret back: verified.");
    s.keys(&["Enter"]);
    settle();
    assert_no_secret("the scroll-back", &s.history(), &[TRANSPORT]);
    let log = audit(&home);
    for c in &cs[..3] {
        assert_eq!(
            audit_records(&log, "CSUCSVK", &c.card.csn).len(),
            1,
            "{log}"
        );
    }
    assert!(
        log.contains(&cs[3].card.csn),
        "the copy's target is named: {log}"
    );
    assert!(
        log.contains("label=TUI%20SET%202"),
        "the copy's label is named: {log}"
    );
    assert_no_secret("audit.log", &log, &[TRANSPORT]);
}

#[test]
fn a_set_abandoned_after_its_first_card_is_never_to_be_used() {
    let Some(cs) = (5..7)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let r: Vec<&str> = cs.iter().map(|c| c.reader()).collect();
    let home = legacy_home("tui-abandon");
    let s = Screen::start("tui-abandon", &home, &[], &[]);
    s.wait_for("Main Menu");
    let title = "Create Partition Auth Set";
    open(&s, 0, 5);
    s.wait_for("M: cards needed");
    enter(&s, "2");
    s.wait_for("N: cards to write");
    enter(&s, "2");
    card_step(&s, title, "card 1 of 2", r[0], Some("HALF"));
    // Card 2: a wrong PIN, the tries left, Try again; then Esc on the prompt abandons.
    s.wait_for("Insert card 2 of 2");
    s.keys(&["Enter"]);
    choose(
        &s,
        &format!("{title}: card 2 of 2: choose the reader"),
        r[1],
    );
    s.wait_for("PIN of card 2 of 2");
    enter_secret(&s, WRONG, true);
    s.wait_for("Label of card 2 of 2");
    enter(&s, "HALF 2");
    let screen = s.wait_for("X'F1C6'");
    assert!(
        screen.contains("Try again") && screen.contains("Abandon"),
        "{screen}"
    );
    s.keys(&["Enter"]); // Try again: the prompt for card 2 is still there
    s.wait_for("Insert card 2 of 2");
    s.keys(&["Escape"]);
    let screen = s.wait_for("stopped");
    assert!(
        screen.contains("interrupted after 1 of 2 cards"),
        "{screen}"
    );
    assert!(screen.contains("Do not use its cards"), "{screen}");
    s.keys(&["Enter"]);
    // The directory records it pending: Set Status says so.
    let t = run(&home, &["set", "status", "--reader", r[0]], "")
        .ok()
        .stdout;
    assert!(t.contains("PENDING"), "{t}");
    // Custody > Deactivate on an unbound directory: the verb's refusal in a box.
    open(&s, 1, 5);
    let screen = s.wait_for("X'F263'");
    assert!(screen.contains("CSUADAC"), "{screen}");
    s.keys(&["Enter"]);
    settle();
    assert_no_secret("the scroll-back", &s.history(), &[TRANSPORT, WRONG]);
    assert_no_secret("audit.log", &audit(&home), &[TRANSPORT, WRONG]);
}

#[test]
fn set_create_through_one_reader_asks_for_each_card_on_the_terminal() {
    let Some(mut first) = vcards::Borrowed::new(7, None) else {
        return;
    };
    let r = first.reader().to_string();
    let home = legacy_home("tui-one-reader");
    let args = [
        "set",
        "create",
        "--kind",
        "svmk",
        "--m",
        "2",
        "--n",
        "2",
        "--reader",
        &r,
        "--label",
        "ONE READER",
    ];
    let s = Screen::start("tui-one-reader", &home, &args, &[]);
    s.wait_for("Type YES to go on");
    enter(&s, "YES");
    s.wait_for(&format!("PIN of card 1 of 2 (in {r}):"));
    enter_secret(&s, TRANSPORT, false);
    s.wait_for(&format!("Insert card 2 of 2 into {r}, then press Enter"));
    // The operator swaps the card: another card (its own serial number) in the same reader.
    let csn1 = first.card.csn.clone();
    first.card.kill();
    first.card.csn = "5C0FCCA0000000F7".into();
    let state = first.dir.join("second.state");
    first.card.spawn_on(&state, &[]);
    first.card.csn = csn1.clone();
    vcards::wait_presence(&r, true);
    s.keys(&["Enter"]);
    s.wait_for(&format!("PIN of card 2 of 2 (in {r}):"));
    enter_secret(&s, TRANSPORT, false);
    let screen = s.wait_for("A new server master key set was written.");
    assert!(screen.contains("card 2 of 2"), "{screen}");
    // Echo was off for both PINs: neither is on the screen or in the scroll-back.
    assert_no_secret("the scroll-back", &s.history(), &[TRANSPORT]);
    let log = audit(&home);
    assert_eq!(audit_records(&log, "CSUCSVK", &csn1).len(), 1, "{log}");
    assert_eq!(
        audit_records(&log, "CSUCSVK", "5C0FCCA0000000F7").len(),
        1,
        "{log}"
    );
    assert_no_secret("audit.log", &log, &[TRANSPORT]);
}

#[test]
fn change_pin_on_a_terminal_refuses_two_different_new_pins() {
    let Some(card) = vcards::Borrowed::new(8, None) else {
        return;
    };
    let r = card.reader().to_string();
    let home = legacy_home("tui-twice");
    let s = Screen::start(
        "tui-twice",
        &home,
        &["card", "change-pin", "--reader", &r],
        &[],
    );
    let screen = s.wait_for("Type YES to go on");
    assert!(screen.contains("can be changed only once"), "{screen}");
    enter(&s, "YES");
    s.wait_for("Current PIN of the card in");
    enter_secret(&s, TRANSPORT, false);
    s.wait_for("New PIN (8 digits or E.161 letters):");
    enter_secret(&s, NEW_PIN, false);
    s.wait_for("again:");
    enter_secret(&s, "87654320", false);
    s.wait_for("the two entries differ: nothing was changed");
    // The card's one change is still there: the mistyped PIN was never sent.
    let t = run(&home, &["card", "inspect", "--reader", &r], "")
        .ok()
        .stdout;
    assert!(
        t.contains("PIN Locked  : no (one more PIN change allowed)"),
        "{t}"
    );
    assert!(audit_records(&audit(&home), "CSUCCPN", &card.card.csn).is_empty());
    assert_no_secret(
        "the scroll-back",
        &s.history(),
        &[TRANSPORT, NEW_PIN, "87654320"],
    );
}
