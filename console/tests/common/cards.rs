//! Helpers of the card, set and custody tests of the console (cli_cards, cli_sets,
//! cli_custody, tui_cards): runs without a controlling terminal, error codes, secret greps.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::common::{CONSOLE, Out};

/// The transport PIN of a fresh or erased card (docs/CSUCCPN.md).
pub const TRANSPORT: &str = "12345678";

/// `softcca-console --home HOME ARGS…` in a new session without a controlling terminal
/// (`setsid`), so that a command that would ask on the terminal cannot find one, also when
/// the tests themselves run on a terminal.
pub fn detached(home: &Path, args: &[&str], stdin: &str) -> Out {
    let mut c = Command::new("setsid");
    c.arg("-w").arg(CONSOLE).arg("--home").arg(home).args(args);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("setsid softcca-console");
    {
        let mut i = child.stdin.take().unwrap();
        let _ = i.write_all(stdin.as_bytes());
    }
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// The (verb, return code, reason code in hex) of a failed `--json` run.
pub fn refusal(o: &Out) -> (String, i64, String) {
    let v = o.json();
    assert_eq!(v["ok"], false, "{o:?}");
    (
        v["verb"].as_str().unwrap_or("").to_string(),
        v["return_code"].as_i64().unwrap_or(-1),
        v["reason_hex"].as_str().unwrap_or("").to_string(),
    )
}

/// Panics if any of `secrets` is in `text` (stdout, stderr, a screen, a log).
pub fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !text.contains(s),
            "a secret ({} bytes) is in {what}",
            s.len()
        );
    }
}

/// The state directory's audit log.
pub fn audit(home: &Path) -> String {
    std::fs::read_to_string(home.join("audit.log")).unwrap_or_default()
}

/// The audit records of `op` (e.g. `CSUCCPN`) that name the card `csn`.
pub fn audit_records<'a>(log: &'a str, op: &str, csn: &str) -> Vec<&'a str> {
    log.lines()
        .filter(|l| l.contains(&format!(" op={op} ")) && l.contains(&format!("csn={csn}")))
        .collect()
}

/// The transport PIN `n` times, one per line (the PINs of `n` fresh cards through one fd).
pub fn pins(n: usize) -> String {
    format!("{TRANSPORT}\n").repeat(n)
}
