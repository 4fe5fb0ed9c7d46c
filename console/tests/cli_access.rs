//! `role …`, `acp …`, `profile …` on the shipped roles (`roles_home`): the security officer
//! administers, a key custodian and DEFAULT are refused by the library (8/90) with nothing
//! changed, bad arguments exit 2 with every file byte-identical, three wrong passphrases lock
//! a profile and `profile reset` unlocks it, and no passphrase appears anywhere.
//!
//! Expected points are the shipped roles of docs/access-control.md (its table), not what the
//! console printed first.

mod common;

use common::*;

/// Every passphrase these tests type.
const NEW_PASS: &str = "a brand new passphrase 7";

fn officer(home: &std::path::Path, args: &[&str], rest: &str) -> Out {
    as_user(home, OFFICER, args, rest)
}

fn assert_no_secret(o: &Out, home: &std::path::Path) {
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap_or_default();
    for (_, p) in [OFFICER, CUST1, CUST2, OPERATOR, ("", NEW_PASS)] {
        assert!(!o.stdout.contains(p), "a passphrase on stdout: {o:?}");
        assert!(!o.stderr.contains(p), "a passphrase on stderr: {o:?}");
        assert!(!audit.contains(p), "a passphrase in audit.log");
    }
}

/// What a refused call must leave as it was: every file but the audit log, the shared counter
/// page and `access.db` (a logon itself writes its tries there), plus the profiles as
/// CSUAACM reads them (DEFAULT may read them: X'0116').
fn unchanged_state(home: &std::path::Path) -> (Vec<(String, Vec<u8>)>, serde_json::Value) {
    let files = snapshot_but_audit(home)
        .into_iter()
        .filter(|(p, _)| !p.ends_with("access.db"))
        .map(|(p, b)| (p.display().to_string(), b))
        .collect();
    let profiles = run(home, &["--json", "profile", "list"], "").ok().json();
    (files, profiles)
}

/// Asserts two snapshots equal, naming the files that differ (not their bytes).
fn same_files(
    a: &[(std::path::PathBuf, Vec<u8>)],
    b: &[(std::path::PathBuf, Vec<u8>)],
    what: &str,
) {
    let names =
        |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: files added or removed");
    for ((p, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{what}: {} changed", p.display());
    }
}

/// Asserts the command failed with the verb's return code `rc` and reason `hex` (`--json`).
fn assert_verb(o: &Out, rc: i32, hex: &str) {
    assert_eq!(o.code, rc, "{o:?}");
    assert_eq!(o.json()["reason_hex"].as_str(), Some(hex), "{o:?}");
}

/// The `field` of every object of the array `list` of a JSON answer.
fn column(v: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap_or_else(|| panic!("no array {list} in {v}"))
        .iter()
        .map(|p| p[field].as_str().unwrap().to_string())
        .collect()
}

fn points_of(v: &serde_json::Value) -> Vec<String> {
    column(v, "points", "point")
}

#[test]
fn roles_and_points_of_the_shipped_roles() {
    let home = roles_home("roles");
    let v = run(&home, &["--json", "role", "list"], "").ok().json();
    let ids = column(&v, "roles", "role");
    assert_eq!(ids, ["DEFAULT", "SECOFF", "KEYCUST", "CUSTODY"]);
    // docs/access-control.md: SECOFF holds X'0112'..X'0118', X'F050' and X'F051', strength 1.
    let v = run(&home, &["--json", "role", "show", "secoff"], "")
        .ok()
        .json();
    assert_eq!(
        (v["role"].as_str(), v["strength"].as_u64()),
        (Some("SECOFF"), Some(1))
    );
    assert_eq!(
        points_of(&v),
        [
            "X'0112'", "X'0113'", "X'0114'", "X'0115'", "X'0116'", "X'0117'", "X'0118'", "X'F050'",
            "X'F051'"
        ]
    );
    assert_eq!(
        v["points"][0]["name"],
        "Initialize access-control system (CSUAACI INIT-AC)"
    );
    assert_eq!(v["hours"], "00:00-23:59");
    assert_eq!(v["days"].as_array().unwrap().len(), 7);
    let t = run(&home, &["role", "show", "SECOFF"], "").ok().stdout;
    assert!(
        t.contains("X'0117' Delete user profile (CSUAACM DEL-PROF)"),
        "{t}"
    );
    // acp show: the logon's role (KEYCUST for CUST1), DEFAULT without a logon.
    let v = as_user(&home, CUST1, &["--json", "acp", "show"], "")
        .ok()
        .json();
    assert_eq!(v["role"], "KEYCUST");
    let p = points_of(&v);
    for want in ["X'0018'", "X'0019'", "X'001A'", "X'0278'", "X'F010'"] {
        assert!(p.contains(&want.to_string()), "{want} missing: {p:?}");
    }
    assert!(!p.contains(&"X'0112'".to_string()));
    let v = run(&home, &["--json", "acp", "show"], "").ok().json();
    assert_eq!(v["role"], "DEFAULT");
    let p = points_of(&v);
    assert!(p.contains(&"X'00BD'".to_string()) && !p.contains(&"X'0018'".to_string()));
    let v = run(&home, &["--json", "acp", "show", "--role", "CUSTODY"], "")
        .ok()
        .json();
    assert!(points_of(&v).contains(&"X'F020'".to_string()));
    // An unknown role: CSUAACM's 8/X'F303'.
    let o = run(&home, &["--json", "role", "show", "NOSUCH"], "");
    assert_verb(&o, 8, "F303");
}

#[test]
fn role_delete_is_confirmed_and_kept_for_named_roles() {
    let home = roles_home("roledel");
    // CUSTODY is named by OPER1: refused 8/X'F305'; DEFAULT 8/X'F304'.
    for (role, reason) in [("CUSTODY", "F305"), ("DEFAULT", "F304")] {
        let before = unchanged_state(&home);
        let o = officer(&home, &["--json", "role", "delete", role, "--yes"], "");
        assert_verb(&o, 8, reason);
        assert!(unchanged_state(&home) == before);
    }
    // Not confirmed (no --yes, no terminal): exit 2, nothing deleted.
    officer(&home, &["profile", "delete", "OPER1", "--yes"], "").ok();
    let before = unchanged_state(&home);
    let o = officer(&home, &["role", "delete", "CUSTODY"], "");
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("Not confirmed"), "{o:?}");
    assert!(unchanged_state(&home) == before);
    // A custodian may not delete a role (8/90), nor may DEFAULT.
    for o in [
        as_user(&home, CUST1, &["role", "delete", "CUSTODY", "--yes"], ""),
        run(&home, &["role", "delete", "CUSTODY", "--yes"], ""),
    ] {
        assert_eq!(o.code, 8, "{o:?}");
        assert!(o.stderr.contains("X'05A'"), "{o:?}");
    }
    assert!(unchanged_state(&home) == before);
    let v = officer(&home, &["--json", "role", "delete", "custody", "--yes"], "")
        .ok()
        .json();
    assert_eq!(v["deleted_role"], "CUSTODY");
    let v = run(&home, &["--json", "role", "list"], "").ok().json();
    assert_eq!(v["roles"].as_array().unwrap().len(), 3);
}

#[test]
fn the_officer_administers_profiles() {
    let home = roles_home("profiles");
    let v = officer(&home, &["--json", "profile", "list"], "")
        .ok()
        .json();
    let users = column(&v, "profiles", "user");
    assert_eq!(users, ["CUST1", "CUST2", "OPER1", "SECOFF1"]);
    let v = officer(&home, &["--json", "profile", "show", "CUST1"], "")
        .ok()
        .json();
    assert_eq!(v["role"], "KEYCUST");
    assert_eq!(
        (v["failures"].as_u64(), v["locked"].as_bool()),
        (Some(0), Some(false))
    );
    assert_eq!(v["mechanisms"][0]["mechanism"], "PPHRASE");
    assert_eq!(v["mechanisms"][0]["strength"], 1);
    // Expiry.
    let v = officer(
        &home,
        &["--json", "profile", "expire", "CUST1", "2030-06-30"],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["expires"], "2030-06-30");
    let v = run(&home, &["--json", "profile", "show", "CUST1"], "")
        .ok()
        .json();
    assert_eq!(v["expires"], "2030-06-30");
    // A new passphrase: the old one no longer logs on, the new one does.
    let v = officer(
        &home,
        &[
            "--json",
            "profile",
            "passphrase",
            "CUST2",
            "--passphrase-fd",
            "0",
        ],
        &format!("{NEW_PASS}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (v["user"].as_str(), v["mechanism"].as_str()),
        (Some("CUST2"), Some("PPHRASE"))
    );
    let o = as_user(&home, CUST2, &["logon"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_no_secret(&o, &home);
    let o = as_user(&home, ("CUST2", NEW_PASS), &["--json", "logon"], "").ok();
    assert_eq!(o.json()["user"], "CUST2");
    // Delete (confirmed): gone from the list; deleting again is CSUAACM 8/X'F310'.
    let v = officer(
        &home,
        &["--json", "profile", "delete", "OPER1", "--yes"],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["deleted_profile"], "OPER1");
    let o = officer(
        &home,
        &["--json", "profile", "delete", "OPER1", "--yes"],
        "",
    );
    assert_verb(&o, 8, "F310");
    let t = officer(&home, &["profile", "list"], "").ok().stdout;
    assert!(!t.contains("OPER1") && t.contains("SECOFF1"), "{t}");
    // A second officer added, with a comment and dates.
    let v = officer(
        &home,
        &[
            "--json",
            "profile",
            "add",
            "SECOFF2",
            "--role",
            "SECOFF",
            "--comment",
            "second officer",
            "--activates",
            "2026-01-01",
            "--expires",
            "2031-12-31",
            "--passphrase-fd",
            "0",
        ],
        &format!("{NEW_PASS}\n"),
    )
    .ok()
    .json();
    assert_eq!(
        (v["user"].as_str(), v["expires"].as_str()),
        (Some("SECOFF2"), Some("2031-12-31"))
    );
    let v = run(&home, &["--json", "profile", "show", "SECOFF2"], "")
        .ok()
        .json();
    assert_eq!(
        (v["comment"].as_str(), v["activates"].as_str()),
        (Some("second officer"), Some("2026-01-01"))
    );
    // Without --replace an existing user id is CSUAACI's 8/X'F323'.
    let before = unchanged_state(&home);
    let o = officer(
        &home,
        &[
            "--json",
            "profile",
            "add",
            "SECOFF2",
            "--role",
            "KEYCUST",
            "--passphrase-fd",
            "0",
        ],
        &format!("{NEW_PASS}\n"),
    );
    assert_verb(&o, 8, "F323");
    assert!(unchanged_state(&home) == before);
    assert_no_secret(&o, &home);
    // The audit log says who did each change (docs/access-control.md: d.by, d.user).
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(
        audit.contains("op=CSUAACI d.by=SECOFF1 d.user=SECOFF2"),
        "{audit}"
    );
}

#[test]
fn a_custodian_and_default_are_refused_profile_administration() {
    let home = roles_home("refused");
    let before = unchanged_state(&home);
    let admin: [&[&str]; 6] = [
        &[
            "profile",
            "add",
            "X1",
            "--role",
            "KEYCUST",
            "--passphrase-fd",
            "0",
        ],
        &["profile", "delete", "CUST2", "--yes"],
        &["profile", "reset", "CUST2", "--yes"],
        &["profile", "expire", "CUST2", "2030-01-01"],
        &["profile", "passphrase", "CUST2", "--passphrase-fd", "0"],
        &["role", "delete", "CUSTODY", "--yes"],
    ];
    for args in admin {
        for o in [
            as_user(&home, CUST1, args, &format!("{NEW_PASS}\n")),
            run(&home, args, &format!("{NEW_PASS}\n")),
        ] {
            assert_eq!(o.code, 8, "{args:?}: {o:?}");
            assert!(
                o.stderr.contains("reason code 90 (X'05A')"),
                "{args:?}: {o:?}"
            );
            assert_no_secret(&o, &home);
        }
        assert!(
            unchanged_state(&home) == before,
            "{args:?} changed the state"
        );
    }
    // The library refused them: the audit log has the refusals, naming the custodian.
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(audit.contains("op=CSUAACI d.by=CUST1"), "{audit}");
    assert!(audit.contains("rc=8 rs=005A"), "{audit}");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = roles_home("badargs");
    let before = snapshot(&home);
    let cases: [&[&str]; 22] = [
        &["role"],
        &["role", "show"],
        &["role", "show", "TOO-LONG-ROLE"],
        &["role", "delete", "a b", "--yes"],
        &["role", "add", "R1", "--hours", "25:00-01:00"],
        &["role", "add", "R1", "--days", "MONDAY"],
        &["role", "add", "R1", "--on", "X'12345'"],
        &[
            "role",
            "add",
            "R1",
            "--comment",
            "a comment that is far too long",
        ],
        &["acp", "show", "--role", ""],
        &["acp", "set", "--role", "KEYCUST", "--yes"],
        &[
            "acp", "set", "--role", "KEYCUST", "--on", "X'0018'", "--off", "X'0018'", "--yes",
        ],
        &[
            "acp", "set", "--role", "KEYCUST", "--on", "nonsense", "--yes",
        ],
        &["profile", "show"],
        &["profile", "show", "NOT VALID"],
        &["profile", "delete", "TOOLONGUSER", "--yes"],
        &["profile", "reset", "", "--yes"],
        &["profile", "expire", "CUST1", "2030-02-31x"],
        &["profile", "expire", "CUST1"],
        &["profile", "passphrase", "CUST1", "--passphrase-fd=-1"],
        &["profile", "card", "CUST1"],
        &[
            "profile",
            "add",
            "U1",
            "--role",
            "KEYCUST",
            "--comment",
            "\u{7}bell",
            "--passphrase-fd",
            "0",
        ],
        &[
            "profile",
            "add",
            "U1",
            "--role",
            "KEYCUST",
            "--activates",
            "2030-01-01",
            "--expires",
            "2029-01-01",
            "--passphrase-fd",
            "0",
        ],
    ];
    for args in cases {
        let o = run(&home, args, "x\n");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(
            o.stderr.trim().len() > 10,
            "{args:?}: no clear message: {o:?}"
        );
        same_files(&snapshot(&home), &before, &format!("{args:?}"));
    }
    // Under a logon too: the arguments are checked while the command line is parsed, before
    // CSUALCT, so not even a logon record is written.
    // (Checks that compare two arguments or read a descriptor come after the logon: --on and
    // --off naming one point, the dates' order, an unreadable descriptor.)
    let after_logon = |a: &&&[&str]| {
        a.contains(&"--off") || a.contains(&"--activates") || a.contains(&"--passphrase-fd=-1")
    };
    for args in cases.iter().filter(|a| a.len() > 2 && !after_logon(a)) {
        let o = officer(&home, args, "x\n");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        same_files(
            &snapshot(&home),
            &before,
            &format!("--user SECOFF1 {args:?}"),
        );
    }
    // An empty passphrase from the descriptor.
    let o = run(
        &home,
        &["profile", "passphrase", "CUST1", "--passphrase-fd", "0"],
        "\n",
    );
    assert_eq!(o.code, 2, "{o:?}");
    assert!(o.stderr.contains("empty"), "{o:?}");
    same_files(&snapshot(&home), &before, "empty passphrase");
    // --json errors of the console's own checks are objects.
    let o = run(
        &home,
        &[
            "--json", "acp", "set", "--role", "KEYCUST", "--on", "X'0018'", "--off", "18", "--yes",
        ],
        "",
    );
    assert_eq!(o.code, 2);
    let v = o.json();
    assert_eq!(
        (v["ok"].as_bool(), v["exit_code"].as_i64()),
        (Some(false), Some(2))
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("both --on and --off"),
        "{v}"
    );
}

#[test]
fn three_wrong_passphrases_lock_and_reset_unlocks() {
    let home = roles_home("lock");
    for _try in 1..=3 {
        let o = as_user(&home, ("CUST1", "wrong guess"), &["--json", "logon"], "");
        assert_verb(&o, 8, "F318");
    }
    // Locked: the right passphrase is refused too (8/X'F311').
    let o = as_user(&home, CUST1, &["--json", "logon"], "");
    assert_verb(&o, 8, "F311");
    let v = officer(&home, &["--json", "profile", "show", "CUST1"], "")
        .ok()
        .json();
    assert_eq!(
        (v["failures"].as_u64(), v["locked"].as_bool()),
        (Some(3), Some(true))
    );
    let t = officer(&home, &["profile", "list"], "").ok().stdout;
    assert!(t.contains("3 LOCKED"), "{t}");
    // Not confirmed: still locked.
    let o = officer(&home, &["profile", "reset", "CUST1"], "");
    assert_eq!(o.code, 2, "{o:?}");
    assert_eq!(as_user(&home, CUST1, &["logon"], "").code, 8);
    let v = officer(&home, &["--json", "profile", "reset", "CUST1", "--yes"], "")
        .ok()
        .json();
    assert_eq!(v["failures"], 0);
    let o = as_user(&home, CUST1, &["--json", "logon"], "").ok();
    assert_eq!(o.json()["role"], "KEYCUST");
    assert_no_secret(&o, &home);
    let v = run(&home, &["--json", "profile", "show", "CUST1"], "")
        .ok()
        .json();
    assert_eq!(v["failures"], 0);
}

#[test]
fn acp_set_changes_a_role_through_the_library() {
    let home = roles_home("acpset");
    // KEYCUST lacks X'0113' (CHGEXPDT): CUST1 is refused, then the officer turns it on.
    let expire = ["profile", "expire", "CUST2", "2030-01-31"];
    assert_eq!(as_user(&home, CUST1, &expire, "").code, 8);
    // Refused to a custodian and to DEFAULT (8/90), unconfirmed (exit 2): nothing changes.
    let set = ["acp", "set", "--role", "KEYCUST", "--on", "X'0113'"];
    let before = unchanged_state(&home);
    let yes: Vec<&str> = set.iter().copied().chain(["--yes"]).collect();
    for o in [as_user(&home, CUST1, &yes, ""), run(&home, &yes, "")] {
        assert_eq!(o.code, 8, "{o:?}");
        assert!(o.stderr.contains("X'05A'"), "{o:?}");
    }
    let o = as_user(&home, OFFICER, &set, "");
    assert_eq!(o.code, 2, "{o:?}");
    assert!(unchanged_state(&home) == before);
    let mut args = vec!["--json"];
    args.extend_from_slice(&yes);
    let v = as_user(&home, OFFICER, &args, "").ok().json();
    assert_eq!(v["turned_on"], serde_json::json!(["X'0113'"]));
    assert_eq!(v["turned_off"], serde_json::json!([]));
    assert!(points_of(&v).contains(&"X'0113'".to_string()));
    // Read back by another process, and in force: CUST1 may now change an expiry.
    let v = run(&home, &["--json", "acp", "show", "--role", "KEYCUST"], "")
        .ok()
        .json();
    let p = points_of(&v);
    assert!(
        p.contains(&"X'0113'".to_string()) && p.contains(&"X'0018'".to_string()),
        "{p:?}"
    );
    as_user(&home, CUST1, &expire, "").ok();
    // Off again: refused again.
    let v = as_user(
        &home,
        OFFICER,
        &[
            "--json", "acp", "set", "--role", "KEYCUST", "--off", "0x0113", "--yes",
        ],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["turned_off"], serde_json::json!(["X'0113'"]));
    assert_eq!(as_user(&home, CUST1, &expire, "").code, 8);
    // The library keeps someone able to administer: X'0112' off SECOFF is 8/X'F32A'.
    let before = unchanged_state(&home);
    let o = as_user(
        &home,
        OFFICER,
        &[
            "--json", "acp", "set", "--role", "SECOFF", "--off", "X'0112'", "--yes",
        ],
        "",
    );
    assert_verb(&o, 8, "F32A");
    assert!(unchanged_state(&home) == before);
    // An unknown role: 8/X'F303'.
    let o = as_user(
        &home,
        OFFICER,
        &[
            "--json", "acp", "set", "--role", "NOSUCH", "--on", "X'0116'", "--yes",
        ],
        "",
    );
    assert_verb(&o, 8, "F303");
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(
        audit.contains("op=CSUAACI d.roles=KEYCUST d.by=SECOFF1 outcome=OK"),
        "{audit}"
    );
    // Asking for what the role already is loads nothing (no CSUAACI record).
    let records = audit.lines().count();
    let v = as_user(
        &home,
        OFFICER,
        &[
            "--json", "acp", "set", "--role", "KEYCUST", "--off", "X'0113'", "--yes",
        ],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["unchanged"], true);
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    assert!(
        !audit
            .lines()
            .skip(records)
            .any(|l| l.contains("op=CSUAACI")),
        "{audit}"
    );
}

#[test]
fn role_add_loads_a_role_profiles_can_use() {
    let home = roles_home("roleadd");
    let add = [
        "--json",
        "role",
        "add",
        "AUDITOR",
        "--comment",
        "Auditors",
        "--strength",
        "1",
        "--days",
        "MON TUE WED THU FRI SAT SUN",
        "--on",
        "X'0116'",
    ];
    // A custodian may not add a role.
    let before = unchanged_state(&home);
    let o = as_user(&home, CUST1, &add, "");
    assert_eq!(o.code, 8, "{o:?}");
    assert!(unchanged_state(&home) == before);
    let v = as_user(&home, OFFICER, &add, "").ok().json();
    assert_eq!(
        (v["role"].as_str(), v["comment"].as_str()),
        (Some("AUDITOR"), Some("Auditors"))
    );
    assert_eq!(points_of(&v), ["X'0116'"]);
    let v = run(&home, &["--json", "role", "show", "AUDITOR"], "")
        .ok()
        .json();
    assert_eq!(
        (v["strength"].as_u64(), v["hours"].as_str()),
        (Some(1), Some("00:00-23:59"))
    );
    assert_eq!(v["days"].as_array().unwrap().len(), 7);
    // It exists now: refused by the console without --replace (exit 1), nothing changed.
    let before = unchanged_state(&home);
    let o = as_user(&home, OFFICER, &add, "");
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.json()["message"].as_str().unwrap().contains("--replace"),
        "{o:?}"
    );
    assert!(unchanged_state(&home) == before);
    let mut replace = add.to_vec();
    replace.extend_from_slice(&["--on", "X'0113'", "--replace"]);
    let v = as_user(&home, OFFICER, &replace, "").ok().json();
    assert_eq!(points_of(&v), ["X'0113'", "X'0116'"]);
    // A profile of the new role logs on into it and has its points.
    as_user(
        &home,
        OFFICER,
        &[
            "profile",
            "add",
            "AUD1",
            "--role",
            "AUDITOR",
            "--passphrase-fd",
            "0",
        ],
        "auditor passphrase 1\n",
    )
    .ok();
    let v = as_user(
        &home,
        ("AUD1", "auditor passphrase 1"),
        &["--json", "acp", "show"],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["role"], "AUDITOR");
    assert_eq!(points_of(&v), ["X'0113'", "X'0116'"]);
    // Named by AUD1: not deleted.
    let o = as_user(
        &home,
        OFFICER,
        &["--json", "role", "delete", "AUDITOR", "--yes"],
        "",
    );
    assert_verb(&o, 8, "F305");
}
