//! examples/c/pcu_demo.c compiled against the library `make test` has just built and run on a
//! fresh state directory (tests/common/c_build.rs; in CI it fails when it cannot run), a new
//! directory with the shipped roles in which examples/c/demo_profiles.c has enrolled the demo's
//! profiles: the examples log on (CSUALCT) as the key custodians CUST1 and CUST2 or the card
//! operator OPERATOR for what only they may do, and show one call refused on the DEFAULT role.
//! Its output is checked against independent values: the three key check values against
//! tests/data/kcv.txt (`cryptography`, cross-checked with psec) and the PIN change message
//! against tests/data/pcu.txt `s9-set1-pcu2-ffff` (test set 1 (tests/vectors/README.md), pyemv's HSM-checked
//! vector). (examples/c/keys_demo.c runs in the C suite; pin_change_script.c in
//! tests/script.rs.)
//!
//! examples/c/card_demo.c runs on a fresh virtual card of `scripts/virtual-cards.sh run 15`
//! (the set `make test-rust` starts; without it the test skips, in CI it fails): it borrows
//! card [`CARD`] (stopped, started again on a new state file, so it is as manufactured, and
//! afterwards put back on its own state file). Its Inspect output is checked against the
//! virtual card's data in docs/card-profile.md (§1 ATR, §6.2 the manufactured card data, §8
//! the serial numbers), its codes against docs/codes.md. examples/c/custody_demo.c borrows
//! cards 9-11 the same way.

mod common;
#[path = "common/vcards.rs"]
mod vcards;
use common::c_build;
use common::*;

fn kcv(id: &str) -> String {
    let c = cases("kcv.txt").into_iter().find(|c| c.id() == id).unwrap();
    c.text("enc_zero")[..8].to_string()
}

/// The codes printed on the report line of pcu_demo (or keys_demo) that starts with `what`
/// ("  OK   what   rc=R rs=S"), as "rc=R rs=S"; panics when there is no such line.
fn reported(stdout: &str, what: &str) -> String {
    stdout
        .lines()
        .find(|l| {
            l.get(7..)
                .and_then(|r| r.strip_prefix(what))
                .is_some_and(|r| r.starts_with(" "))
        })
        .unwrap_or_else(|| panic!("no {what:?} line:\n{stdout}"))
        .split_whitespace()
        .skip_while(|w| !w.starts_with("rc="))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The steps of `stdout` that are report lines, without their codes, in order.
fn steps(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("  OK   ") || l.starts_with("  FAIL "))
        .filter_map(|l| l[7..].split(" rc=").next())
        .map(|w| w.trim_end().to_string())
        .collect()
}

#[test]
fn demo_profiles_enrols_the_officer_then_the_custodians_and_the_operator() {
    let Some(exe) = c_build::compile_example("demo_profiles example", "demo_profiles") else {
        return;
    };
    let home = fresh_state("demo-profiles");
    let stdout = c_build::enrol_demo_profiles(&exe, &home);
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // FIPS 180's SHA-1("abc"), checked by the program before it hashes a passphrase.
    assert!(stdout.contains("A9993E36...9CD0D89D"), "{stdout}");
    assert_eq!(
        steps(&stdout),
        [
            "SHA-1 gives the FIPS 180 examples (\"abc\": A9993E36...9CD0D89D)",
            "CSUAACI INIT-AC SECOFF1 (bootstrap)",
            "CSUALCT LOGON PPHRASE SECOFF1",
            "CSUAACI INIT-AC CUST1 CUST2 OPERATOR",
            "CSUALCT LOGOFF",
        ],
        "{stdout}"
    );
    for what in [
        "CSUAACI INIT-AC SECOFF1 (bootstrap)",
        "CSUALCT LOGON PPHRASE SECOFF1",
        "CSUAACI INIT-AC CUST1 CUST2 OPERATOR",
        "CSUALCT LOGOFF",
    ] {
        assert_eq!(reported(&stdout, what), "rc=0 rs=0", "{what}:\n{stdout}");
    }
    // Every passphrase is printed as DEMO ONLY.
    for user in ["SECOFF1", "CUST1", "CUST2", "OPERATOR"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(user) && l.contains("passphrase \"DEMO ONLY ")),
            "{user}:\n{stdout}"
        );
    }
    // The bootstrap is over: a second run, on DEFAULT, cannot load profiles (X'0112').
    let again = std::process::Command::new(&exe)
        .env("SOFTCCA_HOME", &home)
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&again.stdout).into_owned();
    assert_eq!(
        reported(&again, "CSUAACI INIT-AC SECOFF1 (bootstrap)"),
        "rc=8 rs=90",
        "{again}"
    );
}

#[test]
fn pcu_demo_prints_the_published_answer() {
    let Some(exe) = c_build::compile_example("pcu_demo example", "pcu_demo") else {
        return;
    };
    let stdout = c_build::run_example(&exe);
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // The check values, in the order of the keys: IMK-AC, IMK-SMC, PIN key.
    let values: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("check value "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        values,
        [kcv("s9-mac-mdk"), kcv("s9-enc-mdk"), kcv("s9-pin-key")],
        "{stdout}"
    );
    let pcu = cases("pcu.txt")
        .into_iter()
        .find(|c| c.id() == "s9-set1-pcu2-ffff")
        .unwrap();
    let message = stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("PIN message "))
        .unwrap_or_else(|| panic!("no PIN message line:\n{stdout}"))
        .trim();
    assert_eq!(message, pcu.text("out"));
    // The PIN blocks it passes are the test-set-1 blocks (tests/data/pcu.txt, psec).
    assert!(stdout.contains(pcu.text("new_block")), "{stdout}");
    assert!(stdout.contains(pcu.text("cur_block")), "{stdout}");
    // Who did what: CUST1 the first parts, CUST2 the last parts and SET, both logged off
    // before the DEFAULT role is shown refusing a key part and the PIN change runs.
    let order = steps(&stdout);
    let at = |what: &str| {
        order
            .iter()
            .position(|s| s == what)
            .unwrap_or_else(|| panic!("no {what:?} step:\n{stdout}"))
    };
    let logon_at: Vec<usize> = order
        .iter()
        .enumerate()
        .filter(|(_, s)| s.starts_with("CSUALCT"))
        .map(|(i, _)| i)
        .collect();
    let logons: Vec<&str> = logon_at.iter().map(|&i| order[i].as_str()).collect();
    assert_eq!(
        logons,
        [
            "CSUALCT LOGON CUST1",
            "CSUALCT LOGOFF",
            "CSUALCT LOGON CUST2",
            "CSUALCT LOGOFF",
            "CSUALCT LOGON CUST1",
            "CSUALCT LOGOFF",
            "CSUALCT LOGON CUST2",
            "CSUALCT LOGOFF",
        ],
        "{stdout}"
    );
    assert!(logon_at[0] < at("CSNBMKP FIRST") && at("CSNBMKP FIRST") < logon_at[1]);
    assert!(logon_at[2] < at("CSNBMKP LAST") && at("CSNBMKP SET") < logon_at[3]);
    let in_session = |step: &str, session: usize| {
        order
            .iter()
            .enumerate()
            .filter(|(_, s)| *s == step)
            .all(|(i, _)| logon_at[2 * session] < i && i < logon_at[2 * session + 1])
    };
    assert_eq!(order.iter().filter(|s| *s == "CSNBKPI FIRST").count(), 3);
    assert_eq!(order.iter().filter(|s| *s == "CSNBKPI LAST").count(), 3);
    assert!(in_session("CSNBKPI FIRST", 2), "{stdout}");
    assert!(in_session("CSNBKPI LAST", 3), "{stdout}");
    assert!(in_session("CSNBKRW", 3), "{stdout}");
    assert!(logon_at[7] < at("CSNBKPI FIRST (DEFAULT)"));
    assert_eq!(reported(&stdout, "CSNBKPI FIRST (DEFAULT)"), "rc=8 rs=90");
    assert!(logon_at[7] < at("CSNBPCU"));
    for i in logon_at {
        assert_eq!(reported(&stdout, &order[i]), "rc=0 rs=0", "{stdout}");
    }
    assert_eq!(
        stdout.lines().last(),
        Some("pcu_demo: all calls returned the expected codes")
    );
}

/// The virtual card card_demo borrows (tests/card_pcsc.rs's card 8: test binaries run one
/// after another, and the card gets its own state file back afterwards).
const CARD: usize = 8;

/// Puts the borrowed card back on its own state file, also when the test fails.
struct Borrowed(vcards::VCard, std::path::PathBuf);

impl Drop for Borrowed {
    fn drop(&mut self) {
        self.0.kill();
        self.0.restart(&[]);
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

/// The Inspect records card_demo prints: for each, the fields in the order printed.
fn inspect_records(stdout: &str) -> Vec<Vec<(String, String)>> {
    const NAMES: [&str; 21] = [
        "ATR",
        "CSN",
        "Family",
        "Card Name",
        "Card OS",
        "Prog Ver",
        "Chip Ver",
        "LOCK1",
        "LOCK2",
        "Card Type",
        "PIN Locked",
        "PIN SCR",
        "MMPN",
        "Content",
        "Set id",
        "M",
        "N",
        "Index",
        "Check value",
        "Label given",
        "Label length",
    ];
    let mut records: Vec<Vec<(String, String)>> = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("     ") else {
            continue;
        };
        let field = NAMES
            .iter()
            .chain(["Label", "Profile ver"].iter())
            .find(|n| rest.starts_with(*n) && rest[n.len()..].starts_with("  "));
        let Some(name) = field else { continue };
        let value = rest[name.len()..].trim().to_string();
        if *name == "ATR" {
            records.push(Vec::new());
        }
        records
            .last_mut()
            .unwrap_or_else(|| panic!("a field before the ATR:\n{stdout}"))
            .push((name.to_string(), value));
    }
    records
}

#[test]
fn card_demo_inspects_a_fresh_card_counts_a_wrong_pin_and_seals_the_pin_change() {
    let Some(exe) = c_build::compile_example("card_demo example", "card_demo") else {
        return;
    };
    let Some(mut card) = vcards::vcard(CARD) else {
        return;
    };
    let fresh = temp_state("card-demo-card");
    std::fs::create_dir_all(&fresh).unwrap();
    card.kill();
    card.spawn_on(&fresh.join("card.state"), &[]);
    vcards::wait_presence(&card.reader, true);
    let card = Borrowed(card, fresh);
    let reader = card.0.reader.clone();
    let stdout = c_build::run_example_with(&exe, &[&reader]);
    assert!(!stdout.contains("FAIL"), "{stdout}");

    // CSUCRDL listed the borrowed card's reader with a card in it.
    assert!(
        stdout.lines().any(|l| {
            let l = l.trim();
            l.starts_with(reader.as_str()) && l.ends_with("PRESENT")
        }),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("the card in reader \"{reader}\"")));

    // docs/card-profile.md: §1 the virtual card's ATR; §8 card i's serial 5C0FCCA0 + i in
    // 8 hex digits; §6.2 the card data of a card as manufactured.
    let identity = [
        ("ATR", "3B888001534F46544343413177".to_string()),
        ("CSN", format!("5C0FCCA0{CARD:08X}")),
        ("Family", "softcca virtual card".into()),
        ("Card Name", "softcca-vcard".into()),
        ("Card OS", "vcard 1".into()),
        ("Prog Ver", "01".into()),
        ("Chip Ver", "01".into()),
        ("LOCK1", "02".into()),
        ("LOCK2", "02".into()),
        ("Card Type", "VIRT".into()),
    ];
    let record = |pin_locked: &str, scr: &str, label: &[(&str, &str)]| {
        let mut r: Vec<(String, String)> = identity
            .iter()
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        for (n, v) in [
            ("PIN Locked", pin_locked),
            ("PIN SCR", scr),
            ("MMPN", "06"),
            ("Content", "EMPTY"),
        ]
        .into_iter()
        .chain(label.iter().copied())
        .chain([("Profile ver", "01")])
        {
            r.push((n.to_string(), v.to_string()));
        }
        r
    };
    let no_label = [("Label given", "N")];
    let empty_label = [
        ("Label given", "Y"),
        ("Label length", "00"),
        ("Label", "(none)"),
    ];
    let records = inspect_records(&stdout);
    assert_eq!(
        records,
        [
            // As manufactured: transport PIN, one change allowed, no wrong PIN.
            record("no (one more PIN change allowed)", "00", &no_label),
            // After one wrong PIN: SCR 1.
            record("no (one more PIN change allowed)", "01", &no_label),
            // After the change, Inspect with the new PIN: sealed, SCR back to 0, label read.
            record("yes", "00", &empty_label),
        ],
        "{stdout}"
    );

    // docs/codes.md: the first wrong PIN is X'F1C6' (card-profile §2.1: x = 7 - SCR left);
    // the second Change PIN X'F185'; Change PIN and the Inspects 0/0.
    let code = |what: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(what))
            .unwrap_or_else(|| panic!("no {what} line:\n{stdout}"))
            .split_whitespace()
            .skip_while(|w| !w.starts_with("rc="))
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(code("CSUCRDL ALL"), "rc=0 rs=0 (X'0000')");
    assert_eq!(code("CSUCINS (wrong PIN)"), "rc=8 rs=61894 (X'F1C6')");
    assert!(stdout.contains("wrong PIN: 6 presentation(s) left before the card blocks"));
    assert_eq!(
        code("CSUCCPN (transport PIN -> new PIN)"),
        "rc=0 rs=0 (X'0000')"
    );
    assert_eq!(code("CSUCINS (new PIN)"), "rc=0 rs=0 (X'0000')");
    assert_eq!(code("CSUCCPN (second change)"), "rc=8 rs=61829 (X'F185')");
    // On DEFAULT the change is refused before the card is touched (the Inspects above show
    // the card's counters unchanged by it); OPERATOR (role CUSTODY) logs on for it.
    assert_eq!(
        code("CSUCCPN (DEFAULT role: refused)"),
        "rc=8 rs=90 (X'005A')"
    );
    assert_eq!(code("CSUALCT LOGON OPERATOR"), "rc=0 rs=0 (X'0000')");
    assert_eq!(code("CSUALCT LOGOFF"), "rc=0 rs=0 (X'0000')");
    let line_of = |what: &str| {
        stdout
            .lines()
            .position(|l| l.trim_start().starts_with(what))
            .unwrap()
    };
    assert!(line_of("CSUCCPN (DEFAULT role: refused)") < line_of("CSUALCT LOGON OPERATOR"));
    assert!(line_of("CSUALCT LOGON OPERATOR") < line_of("CSUCCPN (transport PIN -> new PIN)"));
    assert!(line_of("CSUCCPN (second change)") < line_of("CSUALCT LOGOFF"));
    assert_eq!(
        stdout.lines().last(),
        Some("card_demo: all calls returned the expected codes")
    );
    drop(card);
}

/// The cards custody_demo borrows (tests/card_verbs.rs's cards 9-11), each on a fresh state
/// file and given back afterwards.
const CUSTODY_CARDS: [usize; 3] = [9, 10, 11];

/// examples/c/custody_demo.c on three fresh virtual cards: `setup` makes an SVMK 2 of 3,
/// binds its state directory, deactivates and activates it with cards 3 and 1 (a wrong PIN on
/// the way); the directory then holds its registers sealed only; `end` deactivates it.
#[test]
fn custody_demo_binds_deactivates_and_activates_with_cards_3_and_1() {
    let Some(exe) = c_build::compile_example("custody_demo example", "custody_demo") else {
        return;
    };
    let mut cards = Vec::new();
    for i in CUSTODY_CARDS {
        let Some(b) = vcards::Borrowed::new(i, None) else {
            return;
        };
        cards.push(b);
    }
    // A new directory (the shipped roles) with the demo's profiles: custody_demo logs on as
    // OPERATOR for the custody verbs and as CUST1 for its CSNBMKP probes.
    let home = fresh_state("custody-demo");
    c_build::enrol_demo_profiles(&exe, &home);
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&exe)
            .args(args)
            .env("SOFTCCA_HOME", &home)
            .env_remove("SOFTCCA_TRACE")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "custody_demo {args:?}:\n{stdout}");
        assert!(!stdout.contains("FAIL"), "{stdout}");
        assert_eq!(
            stdout.lines().last(),
            Some("custody_demo: all calls returned the expected codes")
        );
        stdout
    };
    let readers: Vec<&str> = cards.iter().map(|c| c.reader()).collect();
    let setup = run(&["setup", readers[0], readers[1], readers[2]]);
    let code = |what: &str| {
        setup
            .lines()
            .find(|l| l.trim_start().starts_with(what))
            .unwrap_or_else(|| panic!("no {what} line:\n{setup}"))
            .split_whitespace()
            .skip_while(|w| !w.starts_with("rc="))
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (i, r) in readers.iter().enumerate() {
        assert!(
            setup.contains(&format!("card {} in \"{r}\"", i + 1)),
            "{setup}"
        );
    }
    assert_eq!(code("CSUCBND NEXT card 2"), "rc=0 rs=0 (X'0000')");
    assert_eq!(
        code("CSUCACT NEXT card 1, wrong PIN"),
        "rc=8 rs=61894 (X'F1C6')"
    );
    assert_eq!(code("CSUCACT NEXT card 1 (active)"), "rc=0 rs=0 (X'0000')");
    // Four CSNBMKP lines: active after binding, refused twice while inactive, active again.
    let mkp: Vec<String> = setup
        .lines()
        .filter(|l| l.trim_start().starts_with("CSNBMKP"))
        .map(|l| l.split("rc=").nth(1).unwrap().to_string())
        .collect();
    assert_eq!(
        mkp,
        [
            "0 rs=0 (X'0000')",
            "12 rs=62064 (X'F270')",
            "12 rs=62064 (X'F270')",
            "0 rs=0 (X'0000')"
        ],
        "{setup}"
    );
    // The headers show the ceremony: three cards written, then two read for each step.
    assert_eq!(setup.matches("ceremony: CSUCSVK").count(), 3, "{setup}");
    // Every logon succeeded: OPERATOR first, then CUST1 around each of the four probes.
    let logons: Vec<String> = setup
        .lines()
        .filter(|l| l.trim_start().starts_with("CSUALCT"))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(logons.len(), 1 + 4 * 2 + 1, "{setup}");
    assert!(
        logons.iter().all(|l| l.contains("rc=0 rs=0 (X'0000')")),
        "{setup}"
    );
    assert!(logons[0].starts_with("CSUALCT LOGON OPERATOR"), "{setup}");
    assert!(setup.contains("CSUCACT  DONE"), "{setup}");
    let end = run(&["end"]);
    assert!(end.contains("CSNBMKP CLEAR (refused: inactive)"), "{end}");
    drop(cards);
}
