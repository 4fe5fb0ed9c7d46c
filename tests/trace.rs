//! SOFTCCA_TRACE: one stderr line per call (errors only by default), never key material.

mod common;
use common::*;

use std::process::Command;

#[test]
#[ignore]
fn child_calls() {
    if std::env::var_os("SOFTCCA_CHILD_ROLE").is_none() {
        return;
    }
    // A master key part that is also on the line the test checks is not there.
    assert_eq!(mkp(&["FIRST"], &[0x4B; 24]), (0, 702));
    assert_eq!(krc(&label("A.KEY")), (0, 0));
    assert_eq!(krc(&label("A.KEY")), (8, 44));
}

/// The first line of a process's trace on an unbound directory (docs/custody.md).
const UNPROTECTED: &str = "softcca: state directory ";

#[test]
fn trace_lines() {
    for (level, want) in [
        (
            "errors",
            vec![
                UNPROTECTED,
                "softcca: CSNBKRC rc=8 rs=44 (a CKDS record with this label already exists)",
            ],
        ),
        (
            "all",
            vec![
                UNPROTECTED,
                "softcca: CSNBMKP rc=0 rs=702",
                "softcca: CSNBKRC rc=0 rs=0",
                "softcca: CSNBKRC rc=8 rs=44",
            ],
        ),
        ("", vec![]),
    ] {
        let dir = temp_state(&format!("trace-{level}"));
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--ignored",
                "--exact",
                "child_calls",
                "--test-threads=1",
                "--nocapture",
            ])
            .env("SOFTCCA_CHILD_ROLE", "1")
            .env("SOFTCCA_HOME", &dir)
            .env("SOFTCCA_TRACE", level)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{level}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("softcca: ")).collect();
        assert_eq!(lines.len(), want.len(), "{level}: {lines:?}");
        for (l, w) in lines.iter().zip(&want) {
            assert!(l.starts_with(w), "{level}: {l:?} vs {w:?}");
        }
        assert!(!err.contains("4B4B4B4B"), "key material in the trace");
        if !want.is_empty() {
            assert!(
                lines[0].contains("is UNPROTECTED: its master-key registers are in clear"),
                "{lines:?}"
            );
        }
    }
}
