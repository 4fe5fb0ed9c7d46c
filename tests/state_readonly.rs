//! Issue 7 item 8: a process that may only read the state directory can still use the keys in
//! it (CSNBKRR, CSNBPCU with a CKDS label); verbs that write state get 12/197
//! (`StateReadOnly`), and nothing in the directory changes.
//!
//! Root ignores file modes, so as root the read-only process is made real another way: a child
//! run as an unprivileged user (`setpriv`) on a directory chowned to it with modes 0500/0400,
//! and a child in its own mount namespace (`unshare -m`) with the directory bind-mounted
//! read-only. As another user, `chmod` suffices. When none of these can run the test fails if
//! `CI` is set (it must not pass without testing) and says so otherwise.

mod common;
use common::child::{self, run, run_wrapped};
use common::*;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const READ_ONLY: &str = "the state directory is read-only for this process";
const NOBODY: u32 = 65534;

#[test]
#[ignore]
fn child_script() {
    child::child_main();
}

/// An initialised directory with a master key, a record and the PCU case's MDK, under a
/// private scratch directory. Returns (scratch, home).
fn prepared(tag: &str) -> (PathBuf, PathBuf) {
    let scratch = temp_state(tag);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o700)).unwrap();
    let home = scratch.join("state");
    // An existing directory (legacy-form acp.conf) until the tests log on (CSUALCT).
    write_legacy_acp(&home);
    let (codes, trace) = run(&home, "load-mk; krc A.KEY; krw A.KEY; store-pcu-mdk RO.MDK");
    assert_eq!(codes, [(0, 0); 4], "{trace}");
    (scratch, home)
}

fn set_modes(home: &Path, dir: u32, file: u32) {
    for e in std::fs::read_dir(home).unwrap() {
        std::fs::set_permissions(e.unwrap().path(), std::fs::Permissions::from_mode(file)).unwrap();
    }
    std::fs::set_permissions(home, std::fs::Permissions::from_mode(dir)).unwrap();
}

/// The readers work, the writers get 12/197, nothing changes.
fn check(home: &Path, wrap: &[&str], how: &str) {
    let before = child::snapshot(home);
    let (codes, trace) = run_wrapped(
        home,
        "krr A.KEY; pcu RO.MDK; pcu RO.MDK; krw A.KEY; krc NEW.KEY; mkp-clear",
        wrap,
    );
    assert_eq!(
        codes,
        [(0, 0), (0, 0), (0, 0), (12, 197), (12, 197), (12, 0xF200)],
        "{how}: {trace}"
    );
    assert!(trace.contains(READ_ONLY), "{how}: {trace}");
    assert!(
        child::snapshot(home) == before,
        "{how}: the directory changed"
    );
}

fn euid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").unwrap().uid()
}

fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn read_only_directories_serve_readers_and_refuse_writers() {
    let mut ran = Vec::new();
    if euid() != 0 {
        let (_scratch, home) = prepared("ro-mode");
        set_modes(&home, 0o500, 0o400);
        check(&home, &[], "modes 0500/0400");
        set_modes(&home, 0o700, 0o600);
        ran.push("modes");
    } else {
        if have("setpriv") {
            // The directory and its files belong to an unprivileged user who may only read.
            let (scratch, home) = prepared("ro-user");
            for p in std::iter::once(scratch.clone())
                .chain(std::iter::once(home.clone()))
                .chain(std::fs::read_dir(&home).unwrap().map(|e| e.unwrap().path()))
            {
                std::os::unix::fs::chown(&p, Some(NOBODY), Some(NOBODY)).unwrap();
            }
            set_modes(&home, 0o500, 0o400);
            let user = NOBODY.to_string();
            let wrap = [
                "setpriv",
                "--reuid",
                &user,
                "--regid",
                &user,
                "--clear-groups",
            ];
            check(&home, &wrap, "unprivileged user, modes 0500/0400");
            ran.push("setpriv");
        }
        let probe = std::process::Command::new("unshare")
            .args(["-m", "true"])
            .status()
            .is_ok_and(|s| s.success());
        if probe {
            // A read-only bind mount of the directory, in a mount namespace of the child's own.
            let (_scratch, home) = prepared("ro-mount");
            let d = home.to_str().unwrap();
            let script =
                r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@""#;
            let wrap = ["unshare", "-m", "sh", "-c", script, "sh", d];
            check(&home, &wrap, "read-only bind mount");
            ran.push("mount");
        }
    }
    eprintln!("read-only variants run: {ran:?}");
    if ran.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "no way to make a read-only state directory here (root without setpriv or \
             unshare): this test must not pass in CI without testing"
        );
        eprintln!("SKIPPED: no way to make a read-only state directory here");
    }
}
