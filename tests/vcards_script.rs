//! scripts/virtual-cards.sh keeps the cards' state files (PINs, secrets), pcscd's socket and the
//! pid files `stop` signals in one directory, by default the fixed /tmp/softcca-vcards. These
//! tests plant the directories another local user could plant there and check that `start`,
//! `run` and `stop` refuse them before anything is started or signalled, and that a new
//! directory is made with mode 0700. No pcscd is needed: every case ends before one would start.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/virtual-cards.sh")
}

/// A fresh scratch directory of this test (its parent is 0700 and ours).
fn scratch(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("vcards-script-{tag}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    d
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new("timeout")
        .args(["60", "bash"])
        .arg(script())
        .args(args)
        .env("VCARDS_DIR", dir)
        .env("VCARDS_BASE_PORT", "36190")
        .output()
        .unwrap()
}

fn refused(out: &Output, why: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "accepted: {err}");
    assert!(err.contains(why), "{err}");
    assert!(!err.contains("card(s) visible"), "{err}");
}

#[test]
fn a_directory_others_may_write_to_is_refused() {
    let base = scratch("writable");
    for mode in [0o777, 0o770, 0o702, 0o1777] {
        let d = base.join(format!("m{mode:o}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(mode)).unwrap();
        // A pid file planted for `stop`: it must not be read.
        std::fs::write(d.join("pcscd.pid"), "1\n").unwrap();
        for args in [&["start", "1"][..], &["stop"], &["run", "1", "true"]] {
            refused(&run(&d, args), "writable by group or others");
        }
        assert!(
            d.join("pcscd.pid").exists(),
            "run's clean-up removed a foreign directory"
        );
    }
}

#[test]
fn a_symbolic_link_is_refused() {
    let base = scratch("link");
    let target = base.join("elsewhere");
    std::fs::create_dir(&target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o700)).unwrap();
    let link = base.join("softcca-vcards");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for args in [&["start", "1"][..], &["stop"], &["run", "1", "true"]] {
        refused(&run(&link, args), "symbolic link");
    }
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
}

#[test]
fn a_directory_of_another_user_is_refused() {
    let base = scratch("owner");
    let d = base.join("theirs");
    std::fs::create_dir(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    // Only root can give a directory away; as another user the case cannot be set up.
    if std::os::unix::fs::chown(&d, Some(65534), Some(65534)).is_err() {
        eprintln!("skipped: not root, cannot make a directory of another user");
        return;
    }
    assert_eq!(std::fs::metadata(&d).unwrap().uid(), 65534);
    for args in [&["start", "1"][..], &["stop"], &["run", "1", "true"]] {
        refused(&run(&d, args), "belongs to uid 65534");
    }
}

#[test]
fn a_new_directory_is_made_private() {
    let base = scratch("new");
    let d = base.join("softcca-vcards");
    // N = 0 is refused after the directory is made and before anything starts.
    refused(&run(&d, &["start", "0"]), "N must be 1..16");
    let m = std::fs::metadata(&d).unwrap();
    assert!(m.is_dir());
    assert_eq!(m.mode() & 0o777, 0o700);
    assert_eq!(m.uid(), my_uid());
    // Ours and private: accepted (stop with nothing started is a no-op).
    assert!(run(&d, &["stop"]).status.success());
}

fn my_uid() -> u32 {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}
