//! `set create`, `set copy`, `set verify`, `set status` on the virtual cards: a 2-of-3 SVMK
//! set and its copy to 2 of 2, a partition set, an interrupted set reported as one that must
//! not be used, a wrong PIN, bad arguments (exit 2, nothing changed) and DEFAULT refused.
//! Each test has its own cards: 0-4, 5-7, 8-9.

#[path = "common/cards.rs"]
mod cards;
mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use cards::*;
use common::*;

#[test]
fn create_verify_status_and_copy_a_2_of_3_set() {
    let Some(cs) = (0..5)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let r: Vec<&str> = cs.iter().map(|c| c.reader()).collect();
    let home = legacy_home("sets-create");
    let o = run(
        &home,
        &[
            "--json", "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r[0],
            "--reader", r[1], "--reader", r[2], "--label", "SVMK-A1", "--label", "SVMK-A2",
            "--label", "SVMK-A3", "--pin-fd", "0", "--yes",
        ],
        &pins(3),
    )
    .ok();
    let v = o.json();
    assert_eq!(
        (v["verb"].as_str(), v["kind"].as_str()),
        (Some("CSUCSVK"), Some("SVMK"))
    );
    assert_eq!((v["m"].as_u64(), v["n"].as_u64()), (Some(2), Some(3)));
    let set_id = v["set_id"].as_str().unwrap().to_string();
    assert_eq!(set_id.len(), 32, "{v}");
    assert_eq!(v["cards"].as_array().unwrap().len(), 3);
    assert_eq!(v["cards"][1]["label"], "SVMK-A2");
    // Every card's set is complete, its index and the set's label as recorded.
    let v = run(
        &home,
        &[
            "--json", "set", "status", "--reader", r[0], "--reader", r[2],
        ],
        "",
    )
    .ok()
    .json();
    for (k, index) in [(0, "001"), (1, "003")] {
        let c = &v["cards"][k];
        assert_eq!(c["status"], "COMPLETE", "{v}");
        assert_eq!(c["kind"], "SVMKSHR", "{v}");
        assert_eq!(c["set_id"], set_id.as_str());
        assert_eq!(c["index"], index, "{v}");
        assert_eq!(c["label"], "SVMK-A1");
    }
    // Inspect agrees (the card itself, no directory).
    let t = run(&home, &["card", "inspect", "--reader", r[1]], "")
        .ok()
        .stdout;
    assert!(t.contains(&format!("Set Id      : {set_id}")), "{t}");
    // Two cards verify it (in any order); the text says so.
    let t = run(
        &home,
        &[
            "set", "verify", "--reader", r[2], "--reader", r[0], "--pin-fd", "0",
        ],
        &pins(2),
    )
    .ok()
    .stdout;
    assert!(t.contains("verified"), "{t}");
    assert!(t.contains("card 2 of 2"), "{t}");
    // Copy to 2 of 2 onto cards 3 and 4: the new set has its own id, the same check value,
    // and says where it came from.
    let o = run(
        &home,
        &[
            "--json", "set", "copy", "--m", "2", "--n", "2", "--reader", r[1], "--reader", r[0],
            "--reader", r[3], "--reader", r[4], "--label", "SVMK-B", "--pin-fd", "0", "--yes",
        ],
        &pins(4),
    )
    .ok();
    let c = o.json();
    assert_eq!(c["verb"], "CSUCCST");
    assert_ne!(c["set_id"], set_id.as_str());
    let cards = c["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 4);
    assert_eq!(cards[0]["card"], "source card 1");
    assert_eq!(cards[1]["card"], "source card 2 of 2");
    assert_eq!(cards[3]["card"], "new card 2 of 2");
    assert_eq!(cards[3]["label"], "SVMK-B");
    let s = run(&home, &["--json", "set", "status", "--reader", r[4]], "")
        .ok()
        .json();
    assert_eq!(s["cards"][0]["status"], "COMPLETE");
    assert_eq!(s["cards"][0]["copied_from"], set_id.as_str());
    assert_eq!(s["cards"][0]["check_value"], c["check_value"]);
    // The copy verifies too; the source set still does.
    run(
        &home,
        &[
            "set", "verify", "--reader", r[3], "--reader", r[4], "--pin-fd", "0",
        ],
        &pins(2),
    )
    .ok();
    // A card of the set that is not erased cannot take a new set: F186, nothing recorded.
    let o = run(
        &home,
        &[
            "--json",
            "set",
            "create",
            "--kind",
            "partition",
            "--m",
            "2",
            "--n",
            "2",
            "--reader",
            r[0],
            "--reader",
            r[3],
            "--label",
            "P",
            "--pin-fd",
            "0",
            "--yes",
        ],
        &pins(2),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(refusal(&o), ("CSUCPAS".into(), 8, "F186".into()));
    assert!(o.json().get("note").is_none(), "no card was written: {o:?}");
    // The audit log names each card written (its CSN) and the set; the PINs are in no record
    // (the only PIN used is the transport PIN, which the cards' CSNs never contain).
    let log = audit(&home);
    for c in &cs[..3] {
        let recs = audit_records(&log, "CSUCSVK", &c.card.csn);
        assert_eq!(recs.len(), 1, "{log}");
        assert!(recs[0].contains(&format!("d.set={set_id}")), "{log}");
    }
    assert_no_secret("audit.log", &log, &[TRANSPORT]);
}

#[test]
fn an_interrupted_set_is_reported_as_one_never_to_use() {
    let Some(cs) = (5..8)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let r: Vec<&str> = cs.iter().map(|c| c.reader()).collect();
    let home = legacy_home("sets-interrupted");
    // Card 7 gets content first (a whole SVMK, 1 of 1): it cannot be card 2 of a new set.
    run(
        &home,
        &[
            "set", "create", "--kind", "svmk", "--m", "1", "--n", "1", "--reader", r[2], "--label",
            "WHOLE", "--pin-fd", "0", "--yes",
        ],
        &pins(1),
    )
    .ok();
    // A wrong PIN on the first card: 8/X'F1C6' (six more tries), nothing recorded, no note.
    let o = run(
        &home,
        &[
            "set",
            "create",
            "--kind",
            "partition",
            "--m",
            "2",
            "--n",
            "3",
            "--reader",
            r[0],
            "--reader",
            r[2],
            "--reader",
            r[1],
            "--label",
            "PART",
            "--pin-fd",
            "0",
            "--yes",
        ],
        "11111111\n",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert!(o.stderr.contains("X'F1C6'"), "{}", o.stderr);
    assert!(
        o.stderr.contains("allows 6 more presentations"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("interrupted"), "{}", o.stderr);
    let s = run(&home, &["--json", "set", "status", "--reader", r[0]], "")
        .ok()
        .json();
    assert_eq!(s["cards"][0]["status"], "EMPTY");
    // Now card 1 is written and card 2 (with content) refused: the set is interrupted.
    let o = run(
        &home,
        &[
            "--json",
            "set",
            "create",
            "--kind",
            "partition",
            "--m",
            "2",
            "--n",
            "3",
            "--reader",
            r[0],
            "--reader",
            r[2],
            "--reader",
            r[1],
            "--label",
            "PART",
            "--pin-fd",
            "0",
            "--yes",
        ],
        &pins(3),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(refusal(&o), ("CSUCPAS".into(), 8, "F186".into()));
    let note = o.json()["note"].as_str().unwrap().to_string();
    assert!(note.contains("interrupted after 1 of 3 cards"), "{note}");
    assert!(note.contains("Do not use its cards"), "{note}");
    // The library records it pending; set status says it must not be used.
    let t = run(&home, &["set", "status", "--reader", r[0]], "")
        .ok()
        .stdout;
    assert!(
        t.contains("PENDING (pending: never completed, never accepted: do not use)"),
        "{t}"
    );
    // And verify refuses its card: 8/X'F231'.
    let o = run(
        &home,
        &["--json", "set", "verify", "--reader", r[0], "--pin-fd", "0"],
        &pins(1),
    );
    assert_eq!(refusal(&o), ("CSUCVST".into(), 8, "F231".into()));
    // Fewer readers than cards for verify of the whole set: card 1 is the whole key, done.
    let o = run(
        &home,
        &["--json", "set", "verify", "--reader", r[2], "--pin-fd", "0"],
        &pins(1),
    )
    .ok();
    assert_eq!(o.json()["kind"], "SVMK");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = legacy_home("sets-bad");
    run(&home, &["status"], "").ok();
    let before = snapshot(&home);
    let r = "Virtual PCD 00 00";
    let long_label = "L".repeat(65);
    for args in [
        &[
            "set", "create", "--kind", "svmk", "--m", "x", "--n", "3", "--reader", r, "--label",
            "L",
        ][..],
        &[
            "set", "create", "--kind", "other", "--m", "2", "--n", "3", "--reader", r, "--label",
            "L",
        ],
        &[
            "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--label", "L",
        ],
        &[
            "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r,
        ],
        // two readers for three cards, two labels for three cards
        &[
            "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r, "--reader",
            r, "--label", "L", "--yes",
        ],
        &[
            "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r, "--label",
            "L", "--label", "M", "--yes",
        ],
        // one reader for three cards needs a terminal to ask for each card
        &[
            "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r, "--label",
            "L", "--yes", "--pin-fd", "0",
        ],
        // not confirmed, no terminal to ask
        &[
            "set", "create", "--kind", "svmk", "--m", "1", "--n", "1", "--reader", r, "--label",
            "L", "--pin-fd", "0",
        ],
        &[
            "set", "copy", "--m", "2", "--n", "2", "--reader", r, "--reader", r, "--label", "L",
            "--yes",
        ],
        &[
            "set", "copy", "--m", "2", "--n", "2", "--reader", r, "--yes",
        ],
        &["set", "verify", "--pin-fd", "0"],
        &[
            "set",
            "create",
            "--kind",
            "svmk",
            "--m",
            "1",
            "--n",
            "1",
            "--reader",
            r,
            "--label",
            &long_label,
            "--yes",
            "--pin-fd",
            "0",
        ],
        &[
            "set",
            "create",
            "--kind",
            "svmk",
            "--m",
            "1",
            "--n",
            "1",
            "--reader",
            r,
            "--label",
            "tab\there",
            "--yes",
            "--pin-fd",
            "0",
        ],
        &["set", "status"],
        &["set", "verify", "--reader", r, "--pin", "12345678"],
    ] {
        let o = detached(&home, args, "12345678\n12345678\n12345678\n");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.trim().is_empty(), "{args:?}: no message");
    }
    assert_eq!(snapshot(&home), before, "a refused command changed a file");
}

#[test]
fn default_may_not_create_a_set_the_custody_operator_may() {
    let Some(cs) = (8..10)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let home = roles_home("sets-roles");
    let before = snapshot_but_audit(&home);
    let args = [
        "--json",
        "set",
        "create",
        "--kind",
        "svmk",
        "--m",
        "2",
        "--n",
        "2",
        "--reader",
        cs[0].reader(),
        "--reader",
        cs[1].reader(),
        "--label",
        "R",
        "--pin-fd",
        "0",
        "--yes",
    ];
    let o = run(&home, &args, &pins(2));
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(refusal(&o), ("CSUCSVK".into(), 8, "05A".into()));
    assert_eq!(snapshot_but_audit(&home), before);
    let v = as_user(&home, OPERATOR, &args, &pins(2)).ok().json();
    assert_eq!(v["m"], 2);
}
