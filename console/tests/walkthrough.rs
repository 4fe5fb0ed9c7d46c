//! The README's console walkthrough (examples/console/walkthrough.sh) runs as written, on three
//! fresh virtual cards: profiles, PINs, a 2-of-3 SVMK set, a dual-control master key, bind,
//! deactivate, activate, the audit log, a backup. Its DEMO ONLY secrets appear nowhere in its
//! output, and the audit log verifies.

mod common;
#[path = "../../tests/common/vcards.rs"]
mod vcards;

use std::process::Command;

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let Some(fresh) = vcards::Fresh::new(&[0, 1, 2]) else {
        return;
    };
    let home = common::scratch("walkthrough");
    std::fs::remove_dir(&home).unwrap();
    let readers: Vec<&str> = fresh.cards.iter().map(|c| c.reader.as_str()).collect();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/console/walkthrough.sh"
    );
    let o = Command::new("bash")
        .arg(script)
        .env("SOFTCCA_CONSOLE", common::CONSOLE)
        .env("WALKTHROUGH_HOME", &home)
        .env("WALKTHROUGH_READERS", readers.join("\n"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "walkthrough failed:\n{out}\n{err}");
    // What each step must have shown.
    for want in [
        "PIN Locked  : no (one more PIN change allowed)",
        "Profile OPER1 (role CUSTODY) added",
        "A new server master key set was written.",
        "M of N      : 2 of 3",
        "FIRST   by CUST1",
        "LAST    by CUST2",
        // The DEMO ONLY parts' MKVP, as examples/c/pcu_demo.c's published output shows it.
        "New master key: full (MKVP D6259D7DFE999540)",
        "Current MK    : loaded (MKVP D6259D7DFE999540)",
        "Activation    : INACTIVE",
        "Activation    : ACTIVE",
        "Audit log        : intact",
        "walkthrough: done",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
    // No secret of the script in its output or the directory's audit log.
    let text = std::fs::read_to_string(script).unwrap();
    let audit = std::fs::read_to_string(home.join("audit.log")).unwrap();
    for secret in [
        "DEMO ONLY officer passphrase",
        "DEMO ONLY cust1 passphrase",
        "DEMO ONLY cust2 passphrase",
        "DEMO ONLY operator passphrase",
        "13572468",
        "0123456789ABCDEFFEDCBA987654321089ABCDEF01234567",
        "F1E0D3C2B5A497862A3B4C5D6E7F80914A5B6D7C8F9EA1B0",
    ] {
        assert!(
            text.contains(secret),
            "the test's list is out of date: {secret}"
        );
        for (what, hay) in [("stdout", &*out), ("stderr", &*err), ("audit.log", &*audit)] {
            assert!(!hay.contains(secret), "a secret is in {what}");
        }
    }
    let backup = std::path::PathBuf::from(format!("{}.backup", home.display()));
    assert!(
        backup.join("MANIFEST").is_file(),
        "no backup at {}",
        backup.display()
    );
    let _ = std::fs::remove_dir_all(&backup);
    let _ = std::fs::remove_dir_all(&home);
}
