//! The tests leave no state directories behind (issue 12): a test process's state
//! directories (`common::temp_state`) live in its scratch root, which is removed at exit,
//! however many directories the tests made and whatever they put in them.
//!
//! The attack on the property: run a test process that initialises state directories (an
//! initialised one with a CKDS and a master-key file, and a plain one) in a private `TMPDIR`,
//! let it exit, and look for anything it left there.

mod common;

use std::process::Command;

/// Run as a child by the test below: makes state directories and exits normally.
#[test]
#[ignore]
fn child_makes_state_directories() {
    let home = common::init_home("scratch-child");
    // A verb call initialises the directory (softcca.id, masterkey.db, ckds.db, acp.conf).
    assert_eq!(common::krc(&common::label("SCRATCH.A")), (0, 0));
    assert!(home.join("ckds.db").exists());
    let other = common::temp_state("scratch-other");
    std::fs::create_dir_all(other.join("nested")).unwrap();
    std::fs::write(other.join("nested/file"), b"x").unwrap();
}

#[test]
fn a_test_process_removes_its_state_directories_at_exit() {
    let tmp = std::env::temp_dir().join(format!("softcca-scratch-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_makes_state_directories",
            "--test-threads=1",
        ])
        .env("TMPDIR", &tmp)
        .env_remove("SOFTCCA_HOME")
        .status()
        .unwrap();
    assert!(status.success(), "the child test failed");
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    std::fs::remove_dir_all(&tmp).unwrap();
    assert!(
        left.is_empty(),
        "the test process left {left:?} in its TMPDIR"
    );
}
