//! `card inspect`, `card get-label`, `card change-pin`, `card erase`, `card copy` on the
//! virtual cards: the Inspect layout, a wrong PIN (8/X'F1Cx', the tries left), the one PIN
//! change, Erase and Copy Card with their confirmations, the audit records (CSN and label,
//! never a PIN), bad arguments (exit 2, nothing changed), DEFAULT refused 8/90 and the
//! custody operator allowed. Each test has its own cards: 0, 1-2, 3.

#[path = "common/cards.rs"]
mod cards;
mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use cards::*;
use common::*;

const NEW_PIN: &str = "HSMADMIN"; // E.161: 47623646
const NEW_DIGITS: &str = "47623646";
const WRONG: &str = "11112222";

#[test]
fn inspect_wrong_pin_change_pin_and_get_label() {
    let Some(card) = vcards::Borrowed::new(0, None) else {
        return;
    };
    let r = card.reader();
    let home = legacy_home("cards-pin");
    // Inspect in the seed's layout: "ATR : 3B:…" with colons, the CSN, the PIN state.
    let t = run(&home, &["card", "inspect", "--reader", r], "")
        .ok()
        .stdout;
    let atr = t.lines().find(|l| l.starts_with("ATR")).unwrap();
    assert!(atr.contains(" : 3B:"), "{t}");
    assert!(
        t.contains(&format!("CSN         : {}", card.card.csn)),
        "{t}"
    );
    assert!(
        t.contains("PIN Locked  : no (one more PIN change allowed)"),
        "{t}"
    );
    assert!(t.contains("PIN SCR     : 0\n"), "{t}");
    assert!(t.contains("Content     : EMPTY"), "{t}");
    assert!(!t.contains("Label"), "no label without the PIN: {t}");
    let v = run(&home, &["--json", "card", "inspect", "--reader", r], "")
        .ok()
        .json();
    assert_eq!(v["csn"], card.card.csn.as_str());
    assert_eq!(v["pin_scr"], "00");
    // A wrong PIN: CSUCGLB 8/X'F1C6' (six more presentations), the counter shows it.
    let o = run(
        &home,
        &[
            "--json",
            "card",
            "get-label",
            "--reader",
            r,
            "--pin-fd",
            "0",
        ],
        &format!("{WRONG}\n"),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(refusal(&o), ("CSUCGLB".into(), 8, "F1C6".into()));
    assert!(
        o.json()["meaning"]
            .as_str()
            .unwrap()
            .contains("6 more presentations"),
        "{o:?}"
    );
    let o = run(
        &home,
        &["card", "get-label", "--reader", r, "--pin-fd", "0"],
        &format!("{WRONG}\n"),
    );
    assert!(
        o.stderr.contains("X'F1C5'") && o.stderr.contains("5 more presentations"),
        "{o:?}"
    );
    let t = run(&home, &["card", "inspect", "--reader", r], "")
        .ok()
        .stdout;
    assert!(t.contains("PIN SCR     : 2\n"), "{t}");
    // Change PIN: old, then new (E.161 letters), from the descriptor.
    let o = run(
        &home,
        &[
            "card",
            "change-pin",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--yes",
        ],
        &format!("{TRANSPORT}\n{NEW_PIN}\n"),
    )
    .ok();
    assert!(o.stdout.contains("was changed"), "{o:?}");
    let t = run(&home, &["card", "inspect", "--reader", r], "")
        .ok()
        .stdout;
    assert!(t.contains("PIN Locked  : yes"), "{t}");
    assert!(
        t.contains("PIN SCR     : 0\n"),
        "the right PIN reset the counter: {t}"
    );
    // Only once: 8/X'F185', nothing compared.
    let o = run(
        &home,
        &[
            "--json",
            "card",
            "change-pin",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--yes",
        ],
        &format!("{NEW_PIN}\n{TRANSPORT}\n"),
    );
    assert_eq!(refusal(&o), ("CSUCCPN".into(), 8, "F185".into()));
    // The new PIN in digits is the same PIN; the label of a fresh card is empty.
    let v = run(
        &home,
        &[
            "--json",
            "card",
            "get-label",
            "--reader",
            r,
            "--pin-fd",
            "0",
        ],
        &format!("{NEW_DIGITS}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (v["label"].as_str(), v["reader"].as_str()),
        (Some(""), Some(r))
    );
    // Inspect with the PIN shows the label line.
    let t = run(
        &home,
        &["card", "inspect", "--reader", r, "--pin-fd", "0"],
        &format!("{NEW_PIN}\n"),
    )
    .ok()
    .stdout;
    assert!(t.contains("Label"), "{t}");
    // The audit log: one CSUCCPN record per call naming the card, no PIN anywhere.
    let log = audit(&home);
    assert_eq!(
        audit_records(&log, "CSUCCPN", &card.card.csn).len(),
        2,
        "{log}"
    );
    assert_eq!(
        audit_records(&log, "CSUCGLB", &card.card.csn).len(),
        3,
        "{log}"
    );
    assert_no_secret("audit.log", &log, &[NEW_PIN, NEW_DIGITS, WRONG, TRANSPORT]);
}

#[test]
fn copy_card_then_erase_with_confirmations() {
    let Some(src) = vcards::Borrowed::new(1, None) else {
        return;
    };
    let Some(dst) = vcards::Borrowed::new(2, None) else {
        return;
    };
    let (s, d) = (src.reader(), dst.reader());
    let home = legacy_home("cards-copy");
    let v = run(
        &home,
        &[
            "--json",
            "set",
            "create",
            "--kind",
            "svmk",
            "--m",
            "1",
            "--n",
            "1",
            "--reader",
            s,
            "--label",
            "WHOLE KEY 1",
            "--pin-fd",
            "0",
            "--yes",
        ],
        &format!("{TRANSPORT}\n"),
    )
    .ok()
    .json();
    let set_id = v["set_id"].as_str().unwrap().to_string();
    // Without --yes and without a terminal there is no confirmation: exit 2, nothing done.
    let before = snapshot(&home);
    let o = detached(
        &home,
        &[
            "card", "copy", "--source", s, "--target", d, "--pin-fd", "0",
        ],
        &format!("{TRANSPORT}\n"),
    );
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("Not confirmed"), "{o:?}");
    assert_eq!(snapshot(&home), before);
    // The copy: the same member of the same set, with its label.
    let o = run(
        &home,
        &[
            "--json", "card", "copy", "--source", s, "--target", d, "--pin-fd", "0", "--yes",
        ],
        &format!("{TRANSPORT}\n"),
    )
    .ok();
    assert_eq!(o.json()["copied"], true);
    let v = run(
        &home,
        &["--json", "card", "inspect", "--reader", d, "--pin-fd", "0"],
        &format!("{TRANSPORT}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (v["content"].as_str(), v["set_id"].as_str()),
        (Some("SVMK"), Some(set_id.as_str()))
    );
    assert_eq!(v["label"], "WHOLE KEY 1");
    // Again: the target holds content now (8/X'F198'); the same reader twice (8/X'F190').
    let o = run(
        &home,
        &[
            "--json", "card", "copy", "--source", s, "--target", d, "--pin-fd", "0", "--yes",
        ],
        &format!("{TRANSPORT}\n"),
    );
    assert_eq!(refusal(&o), ("CSUCCPY".into(), 8, "F198".into()));
    let o = run(
        &home,
        &[
            "--json", "card", "copy", "--source", s, "--target", s, "--pin-fd", "0", "--yes",
        ],
        &format!("{TRANSPORT}\n"),
    );
    assert_eq!(refusal(&o), ("CSUCCPY".into(), 8, "F190".into()));
    // Erase the copy: a wrong PIN erases nothing; the right one empties the card.
    let o = run(
        &home,
        &[
            "--json", "card", "erase", "--reader", d, "--pin-fd", "0", "--yes",
        ],
        &format!("{WRONG}\n"),
    );
    assert_eq!(refusal(&o), ("CSUCERA".into(), 8, "F1C6".into()));
    let v = run(&home, &["--json", "card", "inspect", "--reader", d], "")
        .ok()
        .json();
    assert_eq!(v["content"], "SVMK");
    run(
        &home,
        &["card", "erase", "--reader", d, "--pin-fd", "0", "--yes"],
        &format!("{TRANSPORT}\n"),
    )
    .ok();
    let v = run(&home, &["--json", "card", "inspect", "--reader", d], "")
        .ok()
        .json();
    assert_eq!(
        (v["content"].as_str(), v["set_id"].as_str()),
        (Some("EMPTY"), Some(""))
    );
    // An empty source: 8/X'F199'.
    let o = run(
        &home,
        &[
            "--json", "card", "copy", "--source", d, "--target", s, "--pin-fd", "0", "--yes",
        ],
        &format!("{TRANSPORT}\n"),
    );
    assert_eq!(refusal(&o), ("CSUCCPY".into(), 8, "F199".into()));
    // The audit log names both cards of the copy and the label read.
    let log = audit(&home);
    let copy = log
        .lines()
        .find(|l| l.contains(" op=CSUCCPY ") && l.contains("outcome=OK"))
        .unwrap();
    assert!(
        copy.contains(&src.card.csn) && copy.contains(&dst.card.csn),
        "{copy}"
    );
    assert!(log.contains("label=WHOLE%20KEY%201"), "{log}");
    assert_no_secret("audit.log", &log, &[TRANSPORT, WRONG]);
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = legacy_home("cards-bad");
    run(&home, &["status"], "").ok();
    let before = snapshot(&home);
    let r = "Virtual PCD 00 00";
    for args in [
        &["card", "get-label"][..],
        &["card", "get-label", "--reader", r, "--pin-fd", "x"],
        &["card", "get-label", "--reader", r, "--pin-fd", "-1"],
        &["card", "get-label", "--reader", r, "--pin-fd", "9"],
        &["card", "get-label", "--reader", r], // no terminal, no descriptor
        &["card", "change-pin", "--reader", r, "--pin-fd", "0"], // not confirmed
        &["card", "change-pin", "--yes", "--pin-fd", "0"],
        &["card", "erase", "--reader", r, "--pin-fd", "0"], // not confirmed
        &["card", "erase", "--reader", r, "--pin", "12345678", "--yes"],
        &["card", "copy", "--source", r, "--pin-fd", "0", "--yes"],
        &["card", "copy", "--target", r, "--pin-fd", "0", "--yes"],
        &["card", "wipe", "--reader", r],
    ] {
        let o = detached(&home, args, "");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.trim().is_empty(), "{args:?}: no message");
    }
    assert_eq!(snapshot(&home), before, "a refused command changed a file");
}

#[test]
fn default_is_refused_the_custody_operator_is_not() {
    let Some(card) = vcards::Borrowed::new(3, None) else {
        return;
    };
    let r = card.reader();
    let home = roles_home("cards-roles");
    let before = snapshot(&home);
    for args in [
        &[
            "--json",
            "card",
            "get-label",
            "--reader",
            r,
            "--pin-fd",
            "0",
        ][..],
        &[
            "--json", "card", "erase", "--reader", r, "--pin-fd", "0", "--yes",
        ],
        &[
            "--json",
            "card",
            "change-pin",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--yes",
        ],
        &[
            "--json",
            "card",
            "copy",
            "--source",
            r,
            "--target",
            vcards::EMPTY_SLOT,
            "--pin-fd",
            "0",
            "--yes",
        ],
    ] {
        let o = run(&home, args, &format!("{TRANSPORT}\n{TRANSPORT}\n"));
        assert_eq!(o.code, 8, "{args:?}: {o:?}");
        assert_eq!(refusal(&o).2, "05A", "{args:?}: {o:?}");
    }
    // Refused before anything: no card touched, no audit record, no file changed.
    assert_eq!(snapshot(&home), before);
    let t = run(&home, &["card", "inspect", "--reader", r], "")
        .ok()
        .stdout;
    assert!(t.contains("PIN SCR     : 0\n"), "{t}");
    // OPER1 (CUSTODY) may.
    let v = as_user(
        &home,
        OPERATOR,
        &[
            "--json",
            "card",
            "get-label",
            "--reader",
            r,
            "--pin-fd",
            "0",
        ],
        &format!("{TRANSPORT}\n"),
    )
    .ok()
    .json();
    assert_eq!(v["label"], "");
    let log = audit(&home);
    assert_eq!(
        audit_records(&log, "CSUCGLB", &card.card.csn).len(),
        1,
        "{log}"
    );
    assert_no_secret("audit.log", &log, &[TRANSPORT, OPERATOR.1]);
}
