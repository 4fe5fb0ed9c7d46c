//! Custody through the console, end to end on the virtual cards: a directory with a master
//! key and a CKDS key record is bound to a 2-of-3 SVMK set made with `set create`,
//! deactivated (the key unusable: 12/X'F270'), refused activation with fewer cards than the
//! set needs, activated with 2 cards (`status` shows it, the record reads back the same), the
//! set copied and the copy activating it; a partition set binds with a password, a wrong
//! password is refused (8/X'F281'), the right one authorises, `deauthorize` ends it. No PIN or
//! password in any output or the audit log. Then DEFAULT refused 8/90 and OPER1 allowed on
//! a roles directory, and bad arguments (exit 2, nothing changed).
//!
//! The master key and the key record are put into the directory by `child_setup` (this test
//! binary run again as a C caller of CSNBMKP, CSNBKGN, CSNBKRC, CSNBKRW: the console's own
//! `mk` and `key` commands are another area's), and read by `child_probe`.

#[path = "common/cards.rs"]
mod cards;
mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use std::path::Path;

use cards::*;
use common::*;

/// The test master key and its MKVP (published: tests/vectors/README.md).
const MK: &str = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123";
const MKVP: &str = "23FB12BC983BE87A";
const LABEL: &str = "CONSOLE.CUSTODY.DATA";
const PASSWORD: &str = "partition password for the console";
const WRONG_PASSWORD: &str = "not the partition password";

fn kw(s: &str, n: usize) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(n, b' ');
    v
}

fn mkp(word: &str, part: &[u8]) -> (i32, i32) {
    let (mut rc, mut rs, mut n) = (-1, -1, 1);
    let mut rules = kw(word, 8);
    let mut p = part.to_vec();
    // SAFETY: the C entry point with a rule array of one keyword and a 24-byte key part.
    unsafe {
        softcca::ffi::masterkey::CSNBMKP(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            rules.as_mut_ptr(),
            p.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn kgn() -> ((i32, i32), [u8; 64]) {
    let (mut rc, mut rs) = (-1, -1);
    let (mut form, mut len, mut t1, mut t2) =
        (kw("OP", 4), kw("SINGLE", 8), kw("DATA", 8), kw("", 8));
    let (mut k1, mut k2, mut g1, mut g2) = ([0u8; 64], [0u8; 64], [0u8; 64], [0u8; 64]);
    // SAFETY: the C entry point with its fixed-width fields.
    unsafe {
        softcca::ffi::keygen::CSNBKGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            form.as_mut_ptr(),
            len.as_mut_ptr(),
            t1.as_mut_ptr(),
            t2.as_mut_ptr(),
            k1.as_mut_ptr(),
            k2.as_mut_ptr(),
            g1.as_mut_ptr(),
            g2.as_mut_ptr(),
        )
    };
    ((rc, rs), g1)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Child: loads MK as the current master key, generates a DATA key and stores it as LABEL.
#[test]
#[ignore]
fn child_setup() {
    if std::env::var_os("CONSOLE_CUSTODY_CHILD").is_none() {
        return;
    }
    let mk: Vec<u8> = (0..24)
        .map(|i| u8::from_str_radix(&MK[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_eq!(mkp("CLEAR", &[0; 24]).0, 0);
    // Return code 0; a reason code beside it is a warning (docs/CSNBMKP.md).
    assert_eq!(mkp("FIRST", &mk).0, 0);
    assert_eq!(mkp("LAST", &[0; 24]).0, 0);
    assert_eq!(mkp("SET", &[0; 24]).0, 0);
    let (codes, token) = kgn();
    assert_eq!(codes, (0, 0));
    let mut label = kw(LABEL, 64);
    let (mut rc, mut rs) = (-1, -1);
    // SAFETY: 64-byte label and token fields.
    unsafe {
        softcca::ffi::keyrec::CSNBKRC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            label.as_mut_ptr(),
        );
    }
    assert_eq!((rc, rs), (0, 0));
    let mut t = token;
    unsafe {
        softcca::ffi::keyrec::CSNBKRW(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            t.as_mut_ptr(),
            label.as_mut_ptr(),
        );
    }
    assert_eq!((rc, rs), (0, 0));
    println!("= token {}", hex(&token));
}

/// Child: reads LABEL back (CSNBKRR) and generates a key (CSNBKGN, which needs the master key).
#[test]
#[ignore]
fn child_probe() {
    if std::env::var_os("CONSOLE_CUSTODY_CHILD").is_none() {
        return;
    }
    let mut label = kw(LABEL, 64);
    let mut token = [0u8; 64];
    let (mut rc, mut rs) = (-1, -1);
    // SAFETY: 64-byte label and token fields.
    unsafe {
        softcca::ffi::keyrec::CSNBKRR(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            label.as_mut_ptr(),
            token.as_mut_ptr(),
        );
    }
    println!("= krr {rc} {rs} {}", hex(&token));
    let ((rc, rs), _) = kgn();
    println!("= kgn {rc} {rs}");
}

/// Runs child `name` on `home`; its `= key value…` lines.
fn child(name: &str, home: &Path) -> Vec<Vec<String>> {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            name,
            "--test-threads=1",
            "--nocapture",
            "--quiet",
        ])
        .env("CONSOLE_CUSTODY_CHILD", "1")
        .env("SOFTCCA_HOME", home)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{name}: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines()
        .filter_map(|l| l.strip_prefix("= "))
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect()
}

fn protection(home: &Path) -> serde_json::Value {
    run(home, &["--json", "status"], "").ok().json()
}

#[test]
fn bind_deactivate_activate_copy_and_a_partition_end_to_end() {
    let Some(cs) = (0..7)
        .map(|i| vcards::Borrowed::new(i, None))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let r: Vec<&str> = cs.iter().map(|c| c.reader()).collect();
    let home = legacy_home("custody-e2e");
    let token = child("child_setup", &home)[0][1].clone();
    let s = protection(&home);
    assert_eq!(s["registers"]["current"]["mkvp"], MKVP, "{s}");
    assert_eq!(s["binding"], "UNBOUND");
    let outputs = std::cell::RefCell::new(String::new());
    let ok = |o: Out| {
        outputs.borrow_mut().push_str(&o.stdout);
        outputs.borrow_mut().push_str(&o.stderr);
        o.ok()
    };
    // The SVMK set, 2 of 3.
    let set = ok(run(
        &home,
        &[
            "--json", "set", "create", "--kind", "svmk", "--m", "2", "--n", "3", "--reader", r[0],
            "--reader", r[1], "--reader", r[2], "--label", "SVMK", "--pin-fd", "0", "--yes",
        ],
        &pins(3),
    ))
    .json();
    // Bind with cards 1 and 3: bound and active, the key record unchanged and usable.
    let v = ok(run(
        &home,
        &[
            "--json", "bind", "--reader", r[0], "--reader", r[2], "--pin-fd", "0", "--yes",
        ],
        &pins(2),
    ))
    .json();
    assert_eq!(v["verb"], "CSUCBND");
    assert_eq!(v["check_value"], set["check_value"]);
    assert_eq!(
        (
            v["protection"]["binding"].as_str(),
            v["protection"]["activation"].as_str()
        ),
        (Some("BOUND"), Some("ACTIVE"))
    );
    let p = child("child_probe", &home);
    assert_eq!(p[0][1..], ["0".to_string(), "0".into(), token.clone()]);
    assert_eq!(p[1][1..], ["0", "0"]);
    // Deactivate: the master key is out of reach (12/X'F270').
    let v = ok(run(&home, &["--json", "deactivate"], "")).json();
    assert_eq!(v["protection"]["activation"], "INACTIVE", "{v}");
    let p = child("child_probe", &home);
    assert_eq!(p[1][1..], ["12", &0xF270.to_string()]);
    // One card of two: the console cannot ask for the second without a terminal; nothing
    // changed (exit 1, the note says so).
    let o = detached(
        &home,
        &["activate", "--reader", r[1], "--pin-fd", "0"],
        &pins(2),
    );
    assert_eq!(o.code, 1, "{o:?}");
    assert!(
        o.stderr
            .contains("1 of 2 cards were read: the directory is unchanged"),
        "{o:?}"
    );
    assert_eq!(protection(&home)["activation"], "INACTIVE");
    // Two cards of the set (2 and 3): active again; status shows it; the key record reads back.
    let t = ok(run(
        &home,
        &[
            "activate", "--reader", r[2], "--reader", r[1], "--pin-fd", "0",
        ],
        &pins(2),
    ))
    .stdout;
    assert!(t.contains("The directory is active."), "{t}");
    let t = ok(run(&home, &["status"], "")).stdout;
    assert!(t.contains("Binding       : BOUND"), "{t}");
    assert!(t.contains("Activation    : ACTIVE"), "{t}");
    assert!(
        t.contains(&format!("Current MK    : loaded (MKVP {MKVP})")),
        "{t}"
    );
    let p = child("child_probe", &home);
    assert_eq!(p[0][1..], ["0".to_string(), "0".into(), token.clone()]);
    // Copy the set to 2 of 2 on cards 4 and 5; the copy activates the directory too.
    let c = ok(run(
        &home,
        &[
            "--json",
            "set",
            "copy",
            "--m",
            "2",
            "--n",
            "2",
            "--reader",
            r[1],
            "--reader",
            r[0],
            "--reader",
            r[3],
            "--reader",
            r[4],
            "--label",
            "SVMK COPY",
            "--pin-fd",
            "0",
            "--yes",
        ],
        &pins(4),
    ))
    .json();
    assert_eq!(c["check_value"], set["check_value"]);
    ok(run(&home, &["deactivate"], ""));
    let v = ok(run(
        &home,
        &[
            "--json", "activate", "--reader", r[4], "--reader", r[3], "--pin-fd", "0",
        ],
        &pins(2),
    ))
    .json();
    assert_eq!(v["set_id"], c["set_id"]);
    assert_eq!(v["protection"]["activation"], "ACTIVE");
    // A partition set 2 of 2 on cards 6 and 7, bound with a password (one descriptor: the
    // password first, then the PINs).
    ok(run(
        &home,
        &[
            "set",
            "create",
            "--kind",
            "partition",
            "--m",
            "2",
            "--n",
            "2",
            "--reader",
            r[5],
            "--reader",
            r[6],
            "--label",
            "PARTITION",
            "--pin-fd",
            "0",
            "--yes",
        ],
        &pins(2),
    ));
    let v = ok(run(
        &home,
        &[
            "--json",
            "partition-bind",
            "--reader",
            r[5],
            "--reader",
            r[6],
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
            "--yes",
        ],
        &format!("{PASSWORD}\n{}", pins(2)),
    ))
    .json();
    assert_eq!(v["protection"]["partition"], "BOUND", "{v}");
    assert_ne!(v["protection"]["authorisation"], "AUTH", "{v}");
    // A wrong password: 8/X'F281' with the second card.
    let o = run(
        &home,
        &[
            "--json",
            "authorize",
            "--reader",
            r[6],
            "--reader",
            r[5],
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
        ],
        &format!("{WRONG_PASSWORD}\n{}", pins(2)),
    );
    outputs.borrow_mut().push_str(&o.stdout);
    assert_eq!(refusal(&o), ("CSUCAUT".into(), 8, "F281".into()));
    assert!(
        o.json()["note"]
            .as_str()
            .unwrap()
            .contains("1 of 2 cards were read"),
        "{o:?}"
    );
    let v = ok(run(
        &home,
        &[
            "--json",
            "authorize",
            "--reader",
            r[6],
            "--reader",
            r[5],
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
            "--expiry",
            "600",
        ],
        &format!("{PASSWORD}\n{}", pins(2)),
    ))
    .json();
    assert_eq!(v["protection"]["authorisation"], "AUTH", "{v}");
    let v = ok(run(&home, &["--json", "deauthorize"], "")).json();
    assert_eq!(v["protection"]["authorisation"], "UNAUTH", "{v}");
    ok(run(&home, &["deactivate"], ""));
    // The audit log names the cards of each step; no PIN or password anywhere.
    let log = audit(&home);
    for (op, i) in [
        ("CSUCBND", 0),
        ("CSUCBND", 2),
        ("CSUCACT", 4),
        ("CSUCPBD", 5),
        ("CSUCAUT", 6),
    ] {
        assert!(
            !audit_records(&log, op, &cs[i].card.csn).is_empty(),
            "{op} card {i}: {log}"
        );
    }
    assert!(log.contains("d.event=DEACTIVATE"), "{log}");
    let outputs = outputs.into_inner();
    for (what, text) in [("audit.log", &log), ("the outputs", &outputs)] {
        assert_no_secret(what, text, &[TRANSPORT, PASSWORD, WRONG_PASSWORD]);
    }
    assert_eq!(files_with(&home, PASSWORD.as_bytes()), Vec::<String>::new());
}

/// The files of `dir` that hold `needle`.
fn files_with(dir: &Path, needle: &[u8]) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, b)| b.windows(needle.len()).any(|w| w == needle))
        .map(|(p, _)| p.display().to_string())
        .collect()
}

#[test]
fn default_is_refused_the_custody_operator_is_not() {
    let home = roles_home("custody-roles");
    let before = snapshot(&home);
    let r = "Virtual PCD 00 00";
    for args in [
        &["--json", "deactivate"][..],
        &["--json", "deauthorize"],
        &["--json", "bind", "--reader", r, "--pin-fd", "0", "--yes"],
        &["--json", "activate", "--reader", r, "--pin-fd", "0"],
        &[
            "--json",
            "partition-bind",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
            "--yes",
        ],
        &[
            "--json",
            "authorize",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
        ],
    ] {
        let o = run(&home, args, &format!("{PASSWORD}\n{TRANSPORT}\n"));
        assert_eq!(o.code, 8, "{args:?}: {o:?}");
        assert_eq!(refusal(&o).2, "05A", "{args:?}: {o:?}");
    }
    assert_eq!(snapshot(&home), before, "a refused call changed a file");
    // OPER1 (CUSTODY) passes the access check: the directory is not bound (8/X'F263').
    let o = as_user(&home, OPERATOR, &["--json", "deactivate"], "");
    assert_eq!(refusal(&o), ("CSUADAC".into(), 8, "F263".into()));
    let o = as_user(&home, OPERATOR, &["--json", "deauthorize"], "");
    assert_eq!(refusal(&o), ("CSUADAU".into(), 8, "F284".into()));
}

#[test]
fn bad_arguments_exit_2_and_change_nothing() {
    let home = legacy_home("custody-bad");
    run(&home, &["status"], "").ok();
    let before = snapshot(&home);
    let r = "Virtual PCD 00 00";
    for args in [
        &["bind", "--pin-fd", "0", "--yes"][..],
        &["bind", "--reader", r, "--pin-fd", "0"], // not confirmed
        &["activate", "--reader", r, "--pin-fd", "-1"],
        &["activate", "--reader", r], // no terminal for the PIN
        &["deactivate", "--reader", r],
        &[
            "authorize",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
            "--expiry",
            "soon",
        ],
        &[
            "authorize",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password-fd",
            "9",
        ],
        &[
            "authorize",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password",
            "x",
        ],
        &[
            "partition-bind",
            "--reader",
            r,
            "--pin-fd",
            "0",
            "--password-fd",
            "0",
        ], // not confirmed
        &["partition-bind", "--reader", r, "--pin-fd", "0", "--yes"], // no terminal for the password
    ] {
        let o = detached(&home, args, "");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.trim().is_empty(), "{args:?}: no message");
    }
    assert_eq!(snapshot(&home), before, "a refused command changed a file");
}
