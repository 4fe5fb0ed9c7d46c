//! `key list`, `key show`, `key delete`: the CKDS records with their key type and MKVP, one
//! record's control vector and check value (never its key bytes), deletion after confirmation;
//! bad arguments, and refusals by the library (DEFAULT may not delete: 8/90). Tokens, MKVPs
//! and check values are the published ones (tests/data/tokens.txt, kcv.txt).

#[path = "common/ckds.rs"]
mod ckds;
mod common;

use ckds::*;
use common::*;

/// Runs only when this binary is started again by `ckds::script`.
#[test]
fn ckds_child() {
    ckds::child_main();
}

fn tok(id: &str) -> String {
    token(id)["token"].clone()
}

/// The legacy directory with the test master key and four records: two under it, one under
/// another master key, one without a key.
fn ckds_home(tag: &str) -> std::path::PathBuf {
    let home = legacy_home(tag);
    load_and_set(&home, MK_A);
    write(
        &home,
        None,
        &[
            ("ISSUER.PIN.KEY", &tok("s9-ipinenc")),
            ("ISSUER.MAC.MDK", &tok("s9-mac-mdk")),
            ("OTHER.BANK.KEY", &token_under(MK_B, 0)),
            ("ISSUER.EMPTY", ""),
        ],
    );
    home
}

#[test]
fn list_and_show_the_records() {
    let home = ckds_home("keys-list");
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["count"], 4, "{v}");
    let recs = v["records"].as_array().unwrap();
    let by = |l: &str| recs.iter().find(|r| r["label"] == l).unwrap().clone();
    assert_eq!(by("ISSUER.PIN.KEY")["key_type"], "IPINENC");
    assert_eq!(by("ISSUER.PIN.KEY")["mkvp"], MKVP_A);
    assert_eq!(by("ISSUER.PIN.KEY")["master_key"], "current");
    assert_eq!(by("ISSUER.MAC.MDK")["key_type"], "DKYGENKY");
    assert_eq!(by("OTHER.BANK.KEY")["mkvp"], MKVP_B);
    assert_eq!(by("OTHER.BANK.KEY")["master_key"], "neither");
    assert_eq!(by("ISSUER.EMPTY")["master_key"], "none");
    assert_eq!(by("ISSUER.EMPTY")["mkvp"], serde_json::Value::Null);
    // A pattern.
    let v = run(&home, &["--json", "key", "list", "ISSUER.*"], "")
        .ok()
        .json();
    assert_eq!(v["count"], 3);
    let t = run(&home, &["key", "list"], "").ok().stdout;
    assert!(t.contains("ISSUER.PIN.KEY"), "{t}");
    assert!(
        t.contains("4 records (2 under the current master key"),
        "{t}"
    );
    // Listing leaves no list file in the state directory, nor in the temporary directory.
    assert!(!home.join("deslist").exists());

    // Show: type, CV, MKVP, and the key check value of tests/data/kcv.txt (s9-pin-key).
    let ipin = token("s9-ipinenc");
    let o = run(&home, &["--json", "key", "show", "ISSUER.PIN.KEY"], "").ok();
    let v = o.json();
    assert_eq!(v["key_type"], "IPINENC");
    assert_eq!(v["control_vector"], ipin["cv"].as_str());
    assert_eq!(v["mkvp"], MKVP_A);
    assert_eq!(v["master_key"], "current");
    assert_eq!(v["check_value"], "08D7B4FB");
    assert_eq!(v["key_length"], "double");
    let t = run(&home, &["key", "show", "ISSUER.MAC.MDK"], "")
        .ok()
        .stdout;
    assert!(t.contains("Check value    : 7B83586D"), "{t}");
    assert!(t.contains("(the current master key)"), "{t}");
    // Never the wrapped key bytes of the token (bytes 16-31), nor the token.
    for id in ["s9-ipinenc", "s9-mac-mdk"] {
        let token = tok(id);
        let wrapped = &token[32..64];
        for out in [
            &o.stdout,
            &t,
            &run(&home, &["--json", "key", "list"], "").stdout,
        ] {
            assert!(!out.contains(&wrapped[..16]) && !out.contains(&wrapped[16..]));
            assert!(!out.contains(&token[..40]));
        }
    }
    // A key under neither master key: no check value, and the screen says why.
    let t = run(&home, &["key", "show", "OTHER.BANK.KEY"], "")
        .ok()
        .stdout;
    assert!(t.contains("neither master key"), "{t}");
    assert!(t.contains("unavailable (CSNBKYT failed"), "{t}");
    // A record without a key.
    let t = run(&home, &["key", "show", "ISSUER.EMPTY"], "").ok().stdout;
    assert!(t.contains("none (null token)"), "{t}");
    // A label that is not there: CSNBKRR's 8/10012.
    let o = run(&home, &["--json", "key", "show", "NO.SUCH.LABEL"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 10012);
    // A label the library refuses (lower case): 8/32.
    let o = run(&home, &["--json", "key", "show", "issuer.pin.key"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 32);
}

#[test]
fn delete_after_confirmation() {
    let home = ckds_home("keys-delete");
    let v = run(
        &home,
        &["--json", "key", "delete", "OTHER.BANK.KEY", "--yes"],
        "",
    )
    .ok()
    .json();
    assert_eq!(v["deleted"], "LABEL-DL");
    run(
        &home,
        &["key", "delete", "ISSUER.MAC.MDK", "--token-only", "--yes"],
        "",
    )
    .ok();
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    let labels: Vec<&str> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 3, "{v}");
    assert!(!labels.contains(&"OTHER.BANK.KEY"));
    let mdk = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "ISSUER.MAC.MDK")
        .unwrap();
    assert_eq!(mdk["master_key"], "none", "{mdk}");
    // Deleting what is not there: 8/10012, nothing changed.
    let before = keys_state(&home);
    let o = run(&home, &["key", "delete", "NO.SUCH.LABEL", "--yes"], "");
    assert_eq!(o.code, 8, "{o:?}");
    assert!(o.stderr.contains("10012"), "{o:?}");
    assert_same(&before, &keys_state(&home), "delete of a missing label");
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = ckds_home("keys-bad");
    let before = snapshot(&home);
    let long = "A".repeat(65);
    for args in [
        &["key"][..],
        &["key", "show"],
        &["key", "show", "ISSUER.*"],
        &["key", "show", &long],
        &["key", "show", "ISSUER PIN"],
        &["key", "show", "ISSUER.\u{1}"],
        &["key", "list", "A.*", "B.*"],
        &["key", "list", &long],
        &["key", "delete", "ISSUER.PIN.KEY"], // no --yes and no terminal
        &["key", "delete", "ISSUER.*", "--yes"],
        &["key", "delete", "--yes"],
        &["key", "delete", "ISSUER.PIN.KEY", "--yes", "--record"],
        &["key", "rename", "ISSUER.PIN.KEY"],
    ] {
        let o = run(&home, args, "");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty(), "{args:?}: no message");
        assert_same(&before, &snapshot(&home), &format!("{args:?}"));
    }
}

#[test]
fn roles_default_reads_and_only_a_custodian_deletes() {
    let home = roles_home("keys-roles");
    write(
        &home,
        Some(CUST1),
        &[("ISSUER.PIN.KEY", &tok("s9-ipinenc"))],
    );
    // DEFAULT holds Key Record List and Read (X'F013', X'F014'): it lists and shows.
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["count"], 1);
    // No master key loaded: the record is under neither register.
    assert_eq!(v["records"][0]["master_key"], "neither");
    let v = run(&home, &["--json", "key", "show", "ISSUER.PIN.KEY"], "")
        .ok()
        .json();
    assert_eq!(v["key_type"], "IPINENC");
    assert_eq!(v["mkvp"], MKVP_A);
    // DEFAULT may not delete (8/90): nothing changed.
    let before = keys_state(&home);
    let o = run(
        &home,
        &["--json", "key", "delete", "ISSUER.PIN.KEY", "--yes"],
        "",
    );
    assert_eq!(o.code, 8, "{o:?}");
    assert_eq!(o.json()["reason_code"], 90);
    assert_same(&before, &keys_state(&home), "DEFAULT delete");
    // A custodian may.
    as_user(
        &home,
        CUST1,
        &["key", "delete", "ISSUER.PIN.KEY", "--yes"],
        "",
    )
    .ok();
    let v = run(&home, &["--json", "key", "list"], "").ok().json();
    assert_eq!(v["count"], 0);
}
