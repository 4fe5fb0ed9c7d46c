//! Running softcca-console as an operator does: the built binary, a state directory of the
//! test's own, secrets through a file descriptor (standard input), never an argument.
#![allow(dead_code)]

pub mod tmux;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The console binary cargo built for these tests.
pub const CONSOLE: &str = env!("CARGO_BIN_EXE_softcca-console");

/// A command's outcome.
#[derive(Debug)]
pub struct Out {
    /// The exit status (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Out {
    /// Standard output as JSON (for `--json` runs).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?} (stderr {:?})",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics unless the command exited 0.
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "failed: {self:?}");
        self
    }
}

/// A new empty directory for a state directory (mode 0700), under cargo's test scratch area.
pub fn scratch(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("console-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    d
}

/// A state directory with the legacy-form acp.conf (an existing directory: every point on,
/// no logon needed), for tests of what a command does rather than who may do it.
pub fn legacy_home(tag: &str) -> PathBuf {
    let d = scratch(tag);
    std::fs::write(
        d.join("acp.conf"),
        include_str!("../../../tests/data/acp-legacy.conf"),
    )
    .unwrap();
    d
}

/// `softcca-console --home HOME ARGS…` with `stdin` as standard input (secrets, one per line).
pub fn run(home: &Path, args: &[&str], stdin: &str) -> Out {
    run_env(home, args, stdin, &[])
}

/// As [`run`], with extra environment variables.
pub fn run_env(home: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Out {
    let mut c = Command::new(CONSOLE);
    c.arg("--home").arg(home).args(args);
    c.envs(env.iter().copied());
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("start softcca-console");
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

/// Passphrases of the test profiles (test data only).
pub const OFFICER: (&str, &str) = ("SECOFF1", "officer passphrase 1");
/// A first key custodian.
pub const CUST1: (&str, &str) = ("CUST1", "custodian one passphrase");
/// A second key custodian.
pub const CUST2: (&str, &str) = ("CUST2", "custodian two passphrase");
/// An operator of the custody role.
pub const OPERATOR: (&str, &str) = ("OPER1", "operator passphrase 1");

/// A new state directory with the shipped roles and four profiles made through the console
/// itself: SECOFF1 (SECOFF, the bootstrap), CUST1 and CUST2 (KEYCUST), OPER1 (CUSTODY).
pub fn roles_home(tag: &str) -> PathBuf {
    let d = scratch(tag);
    let (u, p) = OFFICER;
    run(
        &d,
        &[
            "profile",
            "add",
            u,
            "--role",
            "SECOFF",
            "--passphrase-fd",
            "0",
        ],
        &format!("{p}\n"),
    )
    .ok();
    for ((u, p), role) in [
        (CUST1, "KEYCUST"),
        (CUST2, "KEYCUST"),
        (OPERATOR, "CUSTODY"),
    ] {
        as_user(
            &d,
            OFFICER,
            &["profile", "add", u, "--role", role, "--passphrase-fd", "0"],
            &format!("{p}\n"),
        )
        .ok();
    }
    d
}

/// `ARGS…` logged on as `user` (its passphrase the first line of standard input, `rest` after).
pub fn as_user(home: &Path, user: (&str, &str), args: &[&str], rest: &str) -> Out {
    let mut a = vec!["--user", user.0, "--logon-fd", "0"];
    a.extend_from_slice(args);
    run(home, &a, &format!("{}\n{rest}", user.1))
}

/// Every file of `dir` (recursively) with its bytes, for "nothing changed" checks.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// The snapshot without the files every call may touch (the audit log records refusals too;
/// softcca.gen is a shared page of counters).
pub fn snapshot_but_audit(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| {
            let n = p.file_name().unwrap().to_string_lossy();
            !n.starts_with("audit") && !n.contains("softcca-gen") && n != "softcca.gen"
        })
        .collect()
}
