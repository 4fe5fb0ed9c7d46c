//! `mk status`, `mk load-parts`, `mk clear`, `mk set`, `mk change`, `mk reencipher`: the
//! registers, dual control by two custodians (the library refusing one alone), the refusal to
//! strand a CKDS record under the old master key, and a change end to end. Expected MKVPs are
//! the published ones (tests/vectors/README.md, tests/data/mkvp.txt, tokens.txt).

#[path = "common/ckds.rs"]
mod ckds;
mod common;

use std::path::Path;

use ckds::*;
use common::*;

/// Runs only when this binary is started again by `ckds::script`.
#[test]
fn ckds_child() {
    ckds::child_main();
}

/// No part of `parts` is in `texts` (stdout, stderr, the audit log …).
fn no_part_in(parts: &[&str], texts: &[&str]) {
    for p in parts {
        for t in texts {
            assert!(
                !t.to_uppercase().contains(&p.to_uppercase()),
                "a key part is shown or logged: {t}"
            );
            // Nor a third of one (16 hex digits).
            assert!(!t.to_uppercase().contains(&p[..16].to_uppercase()), "{t}");
        }
    }
}

fn audit(home: &Path) -> String {
    std::fs::read_to_string(home.join("audit.log")).unwrap_or_default()
}

#[test]
fn status_and_three_parts_on_a_legacy_directory() {
    let home = legacy_home("mk-legacy");
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["new"]["state"], "empty");
    assert_eq!(v["registers"]["current"]["mkvp"], serde_json::Value::Null);
    let parts = three_parts(MK_A);
    let o = run(
        &home,
        &["mk", "load-parts", "--parts", "3", "--part-fd", "0"],
        &format!("{}\n{}\n{}\n", parts[0], parts[1], parts[2]),
    )
    .ok();
    assert!(o.stdout.contains("FIRST"), "{o:?}");
    assert!(o.stdout.contains("MIDDLE"), "{o:?}");
    assert!(o.stdout.contains(&format!("full (MKVP {MKVP_A})")), "{o:?}");
    assert!(
        !o.stdout.contains("warning"),
        "odd parts, no warning: {o:?}"
    );
    // Loading into a register that is not empty is refused by the console before any part is
    // read (exit 1), and changes nothing.
    let before = keys_state(&home);
    let again = run(
        &home,
        &["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
        &format!("{PART_1}\n{PART_1}\n"),
    );
    assert_eq!(again.code, 1, "{again:?}");
    assert!(again.stderr.contains("mk clear"), "{again:?}");
    assert_same(&before, &keys_state(&home), "refused");
    let o = run(&home, &["--json", "mk", "set", "--yes"], "").ok();
    let v = o.json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_A);
    assert_eq!(v["registers"]["new"]["state"], "empty");
    let t = run(&home, &["mk", "status"], "").ok().stdout;
    assert!(
        t.contains(&format!("Current master key : loaded (MKVP {MKVP_A})")),
        "{t}"
    );
    // Two parts, the second of even parity: the library's warning 0/702 is shown.
    let o = run(
        &home,
        &["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
        &format!("{PART_1}\n{}\n", part_2(MK_B)),
    )
    .ok();
    assert!(o.stdout.contains("0/702"), "{o:?}");
    assert!(o.stdout.contains(MKVP_B), "{o:?}");
    // Clear empties it.
    let v = run(&home, &["--json", "mk", "clear", "--yes"], "")
        .ok()
        .json();
    assert_eq!(v["registers"]["new"]["state"], "empty");
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let p2 = part_2(MK_B);
    no_part_in(
        &[&refs[..], &[p2.as_str()]].concat(),
        &[&o.stdout, &o.stderr, &audit(&home)],
    );
}

#[test]
fn two_custodians_load_and_one_of_them_sets() {
    let home = roles_home("mk-dual");
    let o = custodians_load(&home, MK_A, &[]).ok();
    let v = o.json();
    assert_eq!(v["new"]["state"], "full");
    assert_eq!(v["new"]["mkvp"], MKVP_A);
    assert_eq!(v["steps"][0]["custodian"], "CUST1");
    assert_eq!(v["steps"][0]["step"], "FIRST");
    assert_eq!(v["steps"][1]["custodian"], "CUST2");
    assert_eq!(v["steps"][1]["step"], "LAST");
    let p2 = part_2(MK_A);
    no_part_in(&[PART_1, &p2], &[&o.stdout, &o.stderr, &audit(&home)]);
    // The library recorded each custodian's step.
    let log = audit(&home);
    assert!(
        log.contains("d.step=FIRST") && log.contains("d.user=CUST1"),
        "{log}"
    );
    assert!(
        log.contains("d.step=LAST") && log.contains("d.user=CUST2"),
        "{log}"
    );
    // Not logged on: DEFAULT may not set (8/90), nothing changes.
    let before = keys_state(&home);
    let o = run(&home, &["--json", "mk", "set", "--yes"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "refused");
    let v = as_user(&home, CUST1, &["--json", "mk", "set", "--yes"], "")
        .ok()
        .json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_A);
}

#[test]
fn one_custodian_alone_is_refused_by_the_library() {
    let home = roles_home("mk-alone");
    // No logon at all: DEFAULT has no master-key point (8/90); nothing changes.
    let before = keys_state(&home);
    let o = run(
        &home,
        &[
            "--json",
            "mk",
            "load-parts",
            "--parts",
            "2",
            "--part-fd",
            "0",
        ],
        &format!("{PART_1}\n{}\n", part_2(MK_A)),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "refused");
    // CUST1 entering both parts: the library takes the first and refuses the second
    // (8/X'F333': a profile loads one part); the register keeps CUST1's part only.
    let o = as_user(
        &home,
        CUST1,
        &["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
        &format!("{PART_1}\n{}\n", part_2(MK_A)),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert!(o.stderr.contains("X'F333'"), "{o:?}");
    assert!(o.stderr.contains("partial"), "{o:?}");
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["new"]["state"], "partial");
    as_user(&home, CUST1, &["mk", "clear", "--yes"], "").ok();
    // A random key by CUST1 cannot be set by CUST1 (8/X'F332'), and can by CUST2.
    let o = as_user(
        &home,
        CUST1,
        &["--json", "mk", "load-parts", "--random"],
        "",
    )
    .ok();
    let random_mkvp = o.json()["new"]["mkvp"].as_str().unwrap().to_string();
    assert_eq!(random_mkvp.len(), 16);
    let before = keys_state(&home);
    let o = as_user(&home, CUST1, &["--json", "mk", "set", "--yes"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_hex"], "F332");
    assert_same(&before, &keys_state(&home), "refused");
    let v = as_user(&home, CUST2, &["--json", "mk", "set", "--yes"], "")
        .ok()
        .json();
    assert_eq!(v["registers"]["current"]["mkvp"], random_mkvp.as_str());
    // A custodian with a wrong passphrase: refused at the logon, before any part is loaded.
    let before = keys_state(&home);
    let o = run(
        &home,
        &[
            "mk",
            "load-parts",
            "--custodian",
            "CUST1",
            "--custodian",
            "CUST2",
            "--logon-fd",
            "0",
            "--part-fd",
            "0",
        ],
        &format!(
            "{}\n{PART_1}\nnot the passphrase\n{}\n",
            CUST1.1,
            part_2(MK_B)
        ),
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert!(o.stderr.contains("CSUALCT"), "{o:?}");
    // The failed logon is counted in access.db; registers and CKDS did not change.
    assert_same(&before, &keys_state(&home), "wrong passphrase");
    let v = run(&home, &["--json", "mk", "status"], "").ok().json();
    assert_eq!(v["registers"]["new"]["state"], "empty");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = roles_home("mk-bad");
    run(&home, &["mk", "status"], "").ok();
    let before = snapshot(&home);
    let good = format!("{PART_1}\n{}\n", part_2(MK_A));
    let short = format!("{}\n{}\n", &PART_1[..47], part_2(MK_A));
    let not_hex = format!("{}Z\n{}\n", &PART_1[..47], part_2(MK_A));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["mk", "load-parts"], ""),
        (
            vec!["mk", "load-parts", "--parts", "1", "--part-fd", "0"],
            &good,
        ),
        (
            vec!["mk", "load-parts", "--parts", "10", "--part-fd", "0"],
            &good,
        ),
        (
            vec![
                "mk",
                "load-parts",
                "--custodian",
                "CUST1",
                "--custodian",
                "cust1",
            ],
            &good,
        ),
        (vec!["mk", "load-parts", "--custodian", "CUST1"], &good),
        (
            vec![
                "mk",
                "load-parts",
                "--custodian",
                "CUST1",
                "--custodian",
                "CUST2",
                "--parts",
                "2",
            ],
            &good,
        ),
        (
            vec![
                "mk",
                "load-parts",
                "--random",
                "--custodian",
                "CUST1",
                "--custodian",
                "CUST2",
            ],
            "",
        ),
        (vec!["mk", "load-parts", "--random", "--part-fd", "0"], ""),
        (
            vec![
                "mk",
                "load-parts",
                "--custodian",
                "TOOLONGID9",
                "--custodian",
                "CUST2",
            ],
            "",
        ),
        (
            vec!["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
            &short,
        ),
        (
            vec!["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
            &not_hex,
        ),
        (
            vec!["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
            PART_1,
        ),
        (vec!["mk", "set"], ""),
        (vec!["mk", "clear"], ""),
        (vec!["mk", "change", "--part-fd", "0"], ""),
        (vec!["mk", "status", "extra"], ""),
        (vec!["mk", "reencipher", "extra"], ""),
        (
            vec!["mk", "change", "--parts", "2", "--custodian", "CUST1"],
            "",
        ),
        (vec!["--logon-fd", "0", "mk", "status"], "x\n"),
        (
            vec!["mk", "load-parts", "--parts", "2", "--part", "0123"],
            "",
        ),
    ];
    for (args, input) in &cases {
        let o = run(&home, args, input);
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty(), "{args:?}: no message");
        no_part_in(&[PART_1, &part_2(MK_A)], &[&o.stdout, &o.stderr]);
        assert_same(&before, &snapshot(&home), &format!("{args:?}"));
    }
}

#[test]
fn change_refuses_to_strand_a_record_under_the_old_key() {
    let home = legacy_home("mk-strand");
    load_and_set(&home, MK_A);
    write(
        &home,
        None,
        &[
            ("BANK.UNDER.A", &token_under(MK_A, 0)),
            ("BANK.UNDER.B", &token_under(MK_B, 0)),
            ("BANK.EMPTY", ""),
        ],
    );
    load_and_set(&home, MK_B);
    // Now current = B, old = A: BANK.UNDER.A is under the old key.
    let before = keys_state(&home);
    let parts_c = format!("{PART_1}\n{}\n", part_2(MK_C));
    for args in [
        &["mk", "change", "--parts", "2", "--part-fd", "0", "--yes"][..],
        &["mk", "set", "--yes"][..],
    ] {
        let o = run(&home, args, &parts_c);
        assert_eq!(o.code, 1, "{args:?}: {o:?}");
        assert!(o.stderr.contains("BANK.UNDER.A"), "{o:?}");
        assert!(o.stderr.contains("nothing was changed"), "{o:?}");
        assert!(!o.stderr.contains("BANK.UNDER.B"), "{o:?}");
        assert_same(&before, &keys_state(&home), "{args:?}");
    }
    assert_eq!(mkvp(&home, "BANK.UNDER.A"), MKVP_A);
    // Re-encipher, then the change goes through and every record is under C.
    let v = run(&home, &["--json", "mk", "reencipher"], "").ok().json();
    assert_eq!(v["reenciphered"], 1);
    assert_eq!(mkvp(&home, "BANK.UNDER.A"), MKVP_B);
    let o = run(
        &home,
        &[
            "--json",
            "mk",
            "change",
            "--parts",
            "2",
            "--part-fd",
            "0",
            "--yes",
        ],
        &parts_c,
    )
    .ok();
    let v = o.json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_C);
    assert_eq!(v["registers"]["old"]["mkvp"], MKVP_B);
    assert_eq!(v["reenciphered"], 2);
    assert_eq!(v["records"]["current"], 2);
    assert_eq!(v["records"]["no_key"], 1);
    for l in ["BANK.UNDER.A", "BANK.UNDER.B"] {
        assert_eq!(mkvp(&home, l), MKVP_C, "{l}");
    }
    no_part_in(
        &[PART_1, &part_2(MK_C)],
        &[&o.stdout, &o.stderr, &audit(&home)],
    );
}

#[test]
fn change_end_to_end_with_two_custodians() {
    let home = roles_home("mk-change");
    custodians_load(&home, MK_A, &[]).ok();
    as_user(&home, CUST1, &["mk", "set", "--yes"], "").ok();
    let records: Vec<(String, String)> = (0..3)
        .map(|i| (format!("ISSUER.KEY{i}"), token_under(MK_A, i)))
        .collect();
    let refs: Vec<(&str, &str)> = records
        .iter()
        .map(|(l, t)| (l.as_str(), t.as_str()))
        .collect();
    write(&home, Some(CUST1), &refs);
    // The plan, refused for DEFAULT: with the parts loaded by the custodians, SET is 8/90.
    custodians_load(&home, MK_B, &[]).ok();
    let before = keys_state(&home);
    let o = run(&home, &["--json", "mk", "change", "--yes"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "refused");
    as_user(&home, CUST2, &["mk", "clear", "--yes"], "").ok();
    // The change: CUST1 (the command's logon) sets and re-enciphers; both custodians load.
    let o = custodians_change(&home, MK_B).ok();
    let v = o.json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_B, "{v}");
    assert_eq!(v["registers"]["old"]["mkvp"], MKVP_A);
    assert_eq!(v["reenciphered"], 3);
    assert_eq!(v["records"]["current"], 3);
    assert_eq!(v["records"]["old"], 0);
    for (l, _) in &records {
        assert_eq!(mkvp(&home, l), MKVP_B, "{l}");
    }
    let list = run(&home, &["--json", "key", "list"], "").ok().json();
    for r in list["records"].as_array().unwrap() {
        assert_eq!(r["mkvp"], MKVP_B, "{r}");
        assert_eq!(r["master_key"], "current", "{r}");
    }
    let p2 = part_2(MK_B);
    no_part_in(&[PART_1, &p2], &[&o.stdout, &o.stderr, &audit(&home)]);
    // Changing again with the register empty and no parts: refused by the console (exit 1).
    let o = as_user(&home, CUST1, &["mk", "change", "--yes"], "");
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("empty"), "{o:?}");
}

#[test]
fn set_then_reencipher_by_a_custodian_only() {
    let home = roles_home("mk-reenc");
    custodians_load(&home, MK_A, &[]).ok();
    as_user(&home, CUST1, &["mk", "set", "--yes"], "").ok();
    write(&home, Some(CUST1), &[("ISSUER.KEY", &token_under(MK_A, 0))]);
    custodians_load(&home, MK_B, &[]).ok();
    // SET alone: the record is now under the old master key, and the report says so.
    let o = as_user(&home, CUST2, &["--json", "mk", "set", "--yes"], "").ok();
    let v = o.json();
    assert_eq!(v["registers"]["current"]["mkvp"], MKVP_B);
    assert_eq!(v["to_reencipher"][0], "ISSUER.KEY", "{v}");
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["records"][0]["master_key"], "old");
    // DEFAULT may not re-encipher (CSNBKTC 8/90): nothing changed.
    let before = keys_state(&home);
    let o = run(&home, &["--json", "mk", "reencipher"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["verb"], "CSNBKTC");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "DEFAULT reencipher");
    assert_eq!(mkvp(&home, "ISSUER.KEY"), MKVP_A);
    // A custodian does.
    let v = as_user(&home, CUST1, &["--json", "mk", "reencipher"], "")
        .ok()
        .json();
    assert_eq!(v["reenciphered"], 1);
    assert_eq!(v["records"]["current"], 1);
    assert_eq!(mkvp(&home, "ISSUER.KEY"), MKVP_B);
}
