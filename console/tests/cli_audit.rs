//! `audit tail` and `audit verify` on a directory the test worked in: the records of what it
//! did, who did it, no secret; the chain verifies, and one byte edited in audit.log is found
//! (CSUAAVF 4/X'F209' at that record, exit 4).

mod common;

use common::*;

fn tail_json(home: &std::path::Path, n: &str) -> Vec<serde_json::Value> {
    run(home, &["--json", "audit", "tail", "-n", n], "")
        .ok()
        .json()["records"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn tail_shows_who_did_what_and_no_secret() {
    let home = roles_home("tail");
    as_user(
        &home,
        OFFICER,
        &["profile", "expire", "CUST2", "2030-01-31"],
        "",
    )
    .ok();
    let o = as_user(&home, ("CUST1", "a wrong passphrase"), &["logon"], "");
    assert_eq!(o.code, 8);
    let records = tail_json(&home, "4");
    assert_eq!(records.len(), 4);
    // docs/audit.md: CSUALCT records d.user and d.mechanism; CSUAACI d.by (the officer) and
    // d.user (the profile).
    let ops: Vec<&str> = records.iter().map(|r| r["op"].as_str().unwrap()).collect();
    assert_eq!(
        ops,
        ["CSUALCT", "CSUAACI", "CSUALCT", "CSUALCT"],
        "{records:?}"
    );
    assert_eq!(records[1]["details"]["by"], "SECOFF1");
    assert_eq!(records[1]["details"]["user"], "CUST2");
    assert_eq!(records[1]["outcome"], "OK");
    let last = &records[3];
    assert_eq!(
        (
            last["details"]["user"].as_str(),
            last["outcome"].as_str(),
            last["rc"].as_u64(),
            last["rs"].as_str()
        ),
        (Some("CUST1"), Some("FAIL"), Some(8), Some("F318"))
    );
    assert!(last["seq"].as_u64().unwrap() > 4);
    assert_eq!(last["hash"].as_str().unwrap().len(), 64);
    // Text: one line per record, the user named.
    let t = run(&home, &["audit", "tail", "-n", "2"], "").ok().stdout;
    assert_eq!(t.lines().count(), 2, "{t}");
    assert!(
        t.contains("CSUALCT") && t.contains("d.user=CUST1") && t.contains("FAIL 8/F318"),
        "{t}"
    );
    let all = run(&home, &["audit", "tail", "-n", "1000"], "").ok().stdout;
    assert!(all.contains("GENESIS"), "{all}");
    let log = std::fs::read_to_string(home.join("audit.log")).unwrap();
    for (_, p) in [OFFICER, CUST1, CUST2, OPERATOR, ("", "a wrong passphrase")] {
        assert!(
            !all.contains(p) && !log.contains(p),
            "a passphrase in the log or its tail"
        );
    }
}

#[test]
fn tail_shows_a_hostile_value_encoded() {
    // A record whose label holds an escape sequence (a card chooses its label): the text
    // output keeps it percent-encoded, JSON escapes it.
    let home = legacy_home("hostile");
    run(&home, &["status"], "").ok();
    let mut log = std::fs::read_to_string(home.join("audit.log")).unwrap_or_default();
    log.push_str("v=1 seq=99 time=2026-12-01T23:55:00.123456Z pid=1 op=CSUCGLB reader=R csn=%1B%5D0%3Bx%07 label=%1B%5B2J outcome=OK rc=0 rs=0000 prev=00 hash=00\n");
    log.push_str("garbage \u{1b}[31m line\n");
    std::fs::write(home.join("audit.log"), log).unwrap();
    let o = run(&home, &["audit", "tail", "-n", "2"], "").ok();
    assert!(
        !o.stdout.contains('\u{1b}') && !o.stdout.contains('\u{7}'),
        "{:?}",
        o.stdout
    );
    assert!(o.stdout.contains("label=%1B%5B2J"), "{}", o.stdout);
    assert!(o.stdout.contains("not a record"), "{}", o.stdout);
    let v = run(&home, &["--json", "audit", "tail", "-n", "2"], "").ok();
    assert!(!v.stdout.contains('\u{1b}'));
    let r = v.json();
    assert_eq!(r["records"][0]["cards"][0]["label"], "\u{1b}[2J");
    assert_eq!(r["records"][1]["malformed"], true);
}

#[test]
fn verify_passes_then_finds_an_edited_byte() {
    let home = roles_home("verify");
    as_user(&home, OFFICER, &["profile", "reset", "CUST1", "--yes"], "").ok();
    let v = run(&home, &["--json", "audit", "verify"], "").ok().json();
    assert_eq!(v["intact"], true);
    let n = v["records_checked"].as_u64().unwrap();
    assert!(n > 5, "{v}");
    assert_eq!(v["first_bad_record"], 0);
    let log = std::fs::read(home.join("audit.log")).unwrap();
    let lines = log.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count() as u64;
    // audit verify itself writes no record (CSUAAVF only reads); the library verified every
    // line there was.
    assert_eq!(n, lines);
    let t = run(&home, &["audit", "verify"], "").ok().stdout;
    assert!(t.contains("intact") && t.contains(&format!("{n}")), "{t}");
    // One byte edited in record 4 (the first letter of its op= value): docs/audit.md §4, an
    // edited field is X'F209' at that record, 3 records verified before it.
    let text = String::from_utf8(log.clone()).unwrap();
    let start: usize = text.split_inclusive('\n').take(3).map(str::len).sum();
    let at = start + text[start..].find("op=").unwrap() + 3;
    let mut bad = log.clone();
    bad[at] = if bad[at] == b'C' { b'D' } else { b'C' };
    std::fs::write(home.join("audit.log"), &bad).unwrap();
    let before = snapshot(&home);
    let o = run(&home, &["--json", "audit", "verify"], "");
    assert_eq!(o.code, 4, "{o:?}");
    let v = o.json();
    assert_eq!(
        (v["ok"].as_bool(), v["intact"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(
        (
            v["first_bad_record"].as_u64(),
            v["records_checked"].as_u64()
        ),
        (Some(4), Some(3))
    );
    assert_eq!(
        (v["verb"].as_str(), v["reason_hex"].as_str()),
        (Some("CSUAAVF"), Some("F209"))
    );
    let o = run(&home, &["audit", "verify"], "");
    assert_eq!(o.code, 4);
    assert!(o.stderr.contains("breaks at record 4"), "{o:?}");
    assert_eq!(snapshot(&home), before, "verify changed a file");
}

#[test]
fn bad_arguments_exit_2() {
    let home = roles_home("auditargs");
    let before = snapshot(&home);
    for args in [
        &["audit"][..],
        &["audit", "tail", "-n", "0"],
        &["audit", "tail", "-n", "many"],
        &["audit", "verify", "--chain"],
        &["audit", "nothing"],
    ] {
        let o = run(&home, args, "");
        assert_eq!(o.code, 2, "{args:?}: {o:?}");
        assert!(!o.stderr.is_empty());
    }
    assert!(snapshot(&home) == before, "a file changed");
    // No directory named: tail does not guess one.
    let o = std::process::Command::new(CONSOLE)
        .args(["audit", "tail"])
        .env_remove("SOFTCCA_HOME")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--home"));
    // No log yet: a file error (exit 1).
    let empty = scratch("auditnolog");
    assert_eq!(run(&empty, &["audit", "tail"], "").code, 1);
}

#[test]
fn tail_reads_only_a_regular_file_and_the_end_of_a_long_one() {
    let home = legacy_home("tailfile");
    // A long log (several 64 KiB blocks): the last records, whole, across block boundaries.
    let mut log = String::new();
    for seq in 1..=6000 {
        log.push_str(&format!(
            "v=1 seq={seq} time=2026-12-01T23:55:00.123456Z pid=1 op=CSUAACM d.pad={} outcome=OK rc=0 rs=0000 prev=00 hash=00\n",
            "x".repeat(seq % 97)
        ));
    }
    std::fs::write(home.join("audit.log"), &log).unwrap();
    let seqs = |n: &str| -> Vec<u64> {
        tail_json(&home, n)
            .iter()
            .map(|r| r["seq"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(seqs("3"), [5998, 5999, 6000]);
    let many = seqs("2500");
    assert_eq!(many.len(), 2500);
    assert_eq!(many, (3501..=6000).collect::<Vec<u64>>());
    assert_eq!(seqs("100000").len(), 6000);
    // A symbolic link is not followed (the library refuses one too): a file the link points
    // at is not shown.
    let other = home.join("elsewhere.txt");
    std::fs::write(&other, "v=1 seq=1 op=SECRET-FILE\n").unwrap();
    std::fs::remove_file(home.join("audit.log")).unwrap();
    std::os::unix::fs::symlink(&other, home.join("audit.log")).unwrap();
    let o = run(&home, &["audit", "tail"], "");
    assert_eq!(o.code, 1, "{o:?}");
    assert!(!o.stdout.contains("SECRET-FILE"), "{o:?}");
    // A FIFO is refused at once (never waited on).
    std::fs::remove_file(home.join("audit.log")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(home.join("audit.log"))
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let o = run(&home, &["audit", "tail"], "");
    assert_eq!(o.code, 1, "{o:?}");
    assert!(o.stderr.contains("not a regular file"), "{o:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn tail_follow_prints_new_records_as_they_come() {
    use std::io::BufRead;
    let home = roles_home("follow");
    let last_seq = tail_json(&home, "1")[0]["seq"].as_u64().unwrap();
    let mut child = std::process::Command::new(CONSOLE)
        .arg("--home")
        .arg(&home)
        .args(["--json", "audit", "tail", "-n", "1", "--follow"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Stopped when the test ends, also when it fails (follow never ends by itself).
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = Stop(child);
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a record within 10 s");
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    assert_eq!(
        next()["seq"].as_u64(),
        Some(last_seq),
        "the last record first"
    );
    // A refused logon while it follows: its record arrives, naming the user.
    assert_eq!(as_user(&home, ("CUST1", "guess"), &["logon"], "").code, 8);
    let r = next();
    assert_eq!(r["seq"].as_u64(), Some(last_seq + 1));
    assert_eq!(
        (r["op"].as_str(), r["details"]["user"].as_str()),
        (Some("CSUALCT"), Some("CUST1"))
    );
    assert_eq!(r["outcome"], "FAIL");
}
