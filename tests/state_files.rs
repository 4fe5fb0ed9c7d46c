//! The state directory's files (issue 7 items 5, 6, 7): initialisation writes the defaults
//! once; a deleted, truncated, foreign or symlinked state file fails closed (12/197, with its
//! own trace text) in every new process; an earlier release's directory is adopted; a running
//! process keeps using its own directory after the path is swapped. Every scenario runs its
//! verbs in fresh child processes ([`common::child`]), so each one is a process's first opening.

mod common;
use common::child::{self, run};
use common::*;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

const MISSING: &str = "a file of the initialised state directory is missing";
const NOT_REGULAR: &str = "a state file is a symbolic link, not a regular file";
const DAMAGED: &str = "a state file is truncated or not a softcca file";
const ACP_SYNTAX: &str = "acp.conf has a line that cannot be read";

#[test]
#[ignore]
fn child_script() {
    child::child_main();
}

/// Child: leaves a hot journal beside `SOFTCCA_PLANT` (a ckds.db) holding the pages of the
/// database as it is now, by dying in the middle of a transaction that changes them (as
/// tests/crash_safety.rs does); an attacker can write such a journal by hand just as well.
#[test]
#[ignore]
fn child_plant_journal() {
    let Ok(db) = std::env::var("SOFTCCA_PLANT") else {
        return;
    };
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.pragma_update(None, "cache_size", "1").unwrap();
    conn.execute_batch("BEGIN IMMEDIATE; DELETE FROM ckds;")
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE filler (x BLOB); INSERT INTO filler VALUES (zeroblob(200000))",
    )
    .unwrap();
    std::process::abort();
}

/// A fresh directory (path only) under a private scratch directory.
fn scratch(tag: &str) -> PathBuf {
    let d = fresh_state(tag);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700)).unwrap();
    d.join("state")
}

/// An initialised directory: one child made it (and a record `A.KEY`).
fn initialised(tag: &str) -> PathBuf {
    let home = scratch(tag);
    // Initialised by the library (the shipped roles: DEFAULT reads records, writes none)...
    assert_eq!(run(&home, "krr A.KEY; krc A.KEY").0, [(8, 10012), (8, 90)]);
    // ...then made "an existing directory" (legacy-form acp.conf, all points as before) until
    // the tests log on as custodians (CSUALCT).
    std::fs::write(home.join("acp.conf"), include_str!("data/acp-legacy.conf")).unwrap();
    assert_eq!(run(&home, "krc A.KEY; krw A.KEY").0, [(0, 0), (0, 0)]);
    home
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn initialisation_writes_a_complete_directory_with_an_id() {
    let home = initialised("init");
    for f in ["softcca.id", "masterkey.db", "ckds.db", "acp.conf"] {
        let m = std::fs::metadata(home.join(f)).unwrap();
        assert!(m.len() > 0, "{f} is empty");
        assert_eq!(m.permissions().mode() & 0o777, 0o600, "{f}");
    }
    let id = std::fs::read_to_string(home.join("softcca.id")).unwrap();
    assert_eq!(id.len(), 33);
    assert!(id[..32].bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!home.join(".softcca-init").exists(), "staging left behind");
    // The id is stable: a second process neither rewrites it nor the defaults.
    let acp = std::fs::read(home.join("acp.conf")).unwrap();
    assert_eq!(run(&home, "krr A.KEY; mkp-clear").0, [(0, 0), (0, 0)]);
    assert_eq!(
        std::fs::read_to_string(home.join("softcca.id")).unwrap(),
        id
    );
    assert_eq!(std::fs::read(home.join("acp.conf")).unwrap(), acp);
}

#[test]
fn a_deleted_acp_conf_fails_closed_in_every_new_process() {
    let home = initialised("noacp");
    std::fs::remove_file(home.join("acp.conf")).unwrap();
    for _ in 0..2 {
        let (codes, trace) = run(&home, "mkp-clear; krr A.KEY; cfq");
        // Access control fails closed (Key Record Read consults it: X'F013'); a verb that does
        // not consult it still works.
        assert_eq!(codes, [(12, 197), (12, 197), (0, 0)], "{trace}");
        assert!(trace.contains(MISSING), "{trace}");
        assert!(
            !home.join("acp.conf").exists(),
            "the defaults were written again"
        );
    }
}

/// A directory as the release before `softcca.id` left it: both databases (its schema) and
/// the default acp.conf, no id.
fn legacy(tag: &str, with_acp: bool) -> PathBuf {
    let home = scratch(tag);
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    for (f, sql) in [
        (
            "masterkey.db",
            "CREATE TABLE IF NOT EXISTS register (name TEXT PRIMARY KEY CHECK (name IN ('new', \
             'current', 'old')), state TEXT NOT NULL CHECK (state IN ('partial', 'full')), key \
             BLOB NOT NULL CHECK (length(key) = 24));",
        ),
        (
            "ckds.db",
            "CREATE TABLE IF NOT EXISTS ckds (label TEXT PRIMARY KEY, token BLOB NOT NULL CHECK \
             (length(token) = 64), created INTEGER NOT NULL, updated INTEGER NOT NULL); INSERT \
             INTO ckds VALUES ('OLD.KEY', zeroblob(64), 0, 0);",
        ),
    ] {
        let c = rusqlite::Connection::open(home.join(f)).unwrap();
        c.execute_batch(sql).unwrap();
        drop(c);
        std::fs::set_permissions(home.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    if with_acp {
        std::fs::write(
            home.join("acp.conf"),
            softcca::state::acp::AcpConfig::legacy_text(),
        )
        .unwrap();
        std::fs::set_permissions(
            home.join("acp.conf"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    home
}

#[test]
fn an_earlier_releases_directory_is_adopted() {
    let home = legacy("legacy", true);
    let acp = std::fs::read(home.join("acp.conf")).unwrap();
    let (codes, trace) = run(&home, "krr OLD.KEY; mkp-clear; krc NEW.KEY");
    // OLD.KEY holds a null token: 0/8.
    assert_eq!(codes, [(0, 8), (0, 0), (0, 0)], "{trace}");
    assert!(
        home.join("softcca.id").exists(),
        "upgraded directories get an id"
    );
    assert_eq!(std::fs::read(home.join("acp.conf")).unwrap(), acp);
    assert!(!home.join(".softcca-upgrade").exists());
}

#[test]
fn an_earlier_releases_directory_without_acp_conf_fails_closed() {
    let home = legacy("legacy-noacp", false);
    for _ in 0..2 {
        let (codes, trace) = run(&home, "mkp-clear; krr OLD.KEY");
        assert_eq!(codes, [(12, 197), (12, 197)], "{trace}");
        assert!(trace.contains(MISSING), "{trace}");
        assert!(!home.join("acp.conf").exists(), "the defaults were written");
        assert!(!home.join("softcca.id").exists());
    }
}

#[test]
fn truncated_or_foreign_state_files_are_reported() {
    let garbage = b"this is not an SQLite database, just some bytes of a foreign file".repeat(20);
    let foreign = |p: &Path| {
        let _ = std::fs::remove_file(p);
        let c = rusqlite::Connection::open(p).unwrap();
        c.execute_batch("CREATE TABLE other (x);").unwrap();
        drop(c);
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    for file in ["masterkey.db", "ckds.db"] {
        for (what, text) in [
            ("empty", &b""[..]),
            ("garbage", &garbage[..]),
            ("foreign", &b""[..]),
        ] {
            let home = initialised(&format!("damaged-{file}-{what}"));
            let p = home.join(file);
            if what == "foreign" {
                foreign(&p);
            } else {
                std::fs::write(&p, text).unwrap();
            }
            let (codes, trace) = run(&home, "krr A.KEY; mkp-clear");
            assert_eq!(codes, [(12, 197), (12, 197)], "{file} {what}: {trace}");
            assert!(trace.contains(DAMAGED), "{file} {what}: {trace}");
            if what == "empty" {
                assert_eq!(std::fs::metadata(&p).unwrap().len(), 0, "left as found");
            }
        }
        let home = initialised(&format!("missing-{file}"));
        std::fs::remove_file(home.join(file)).unwrap();
        let (codes, trace) = run(&home, "krr A.KEY");
        assert_eq!(codes, [(12, 197)], "{file} missing: {trace}");
        assert!(trace.contains(MISSING), "{file} missing: {trace}");
        assert!(!home.join(file).exists(), "{file} was re-created");
    }
    for (what, text, expect) in [
        ("empty", "", DAMAGED),
        ("unparsable", "X'0032' maybe\n", ACP_SYNTAX),
        ("binary", "\u{FFFD}\0\0", ACP_SYNTAX),
    ] {
        let home = initialised(&format!("acp-{what}"));
        std::fs::write(home.join("acp.conf"), text).unwrap();
        let (codes, trace) = run(&home, "mkp-clear; krr A.KEY; cfq");
        assert_eq!(
            codes,
            [(12, 197), (12, 197), (0, 0)],
            "acp.conf {what}: {trace}"
        );
        assert!(trace.contains(expect), "acp.conf {what}: {trace}");
    }
    let home = initialised("id-damaged");
    std::fs::write(home.join("softcca.id"), "not an id\n").unwrap();
    let (codes, trace) = run(&home, "krr A.KEY");
    assert_eq!(codes, [(12, 197)], "{trace}");
    assert!(trace.contains(DAMAGED), "{trace}");
}

#[test]
fn symlinked_state_files_are_refused_and_their_targets_untouched() {
    for file in ["masterkey.db", "ckds.db", "acp.conf", "softcca.id"] {
        let home = initialised(&format!("link-{file}"));
        // The link points at a copy of the real file elsewhere, open to everyone: softcca must
        // neither use it nor chmod it.
        let target = home.with_file_name(format!("target-{file}"));
        std::fs::copy(home.join(file), &target).unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::remove_file(home.join(file)).unwrap();
        symlink(&target, home.join(file)).unwrap();
        let script = if file == "acp.conf" {
            "mkp-clear"
        } else {
            "krr A.KEY"
        };
        let (codes, trace) = run(&home, script);
        assert_eq!(codes, [(12, 197)], "{file}: {trace}");
        assert!(trace.contains(NOT_REGULAR), "{file}: {trace}");
        assert_eq!(
            mode(&target),
            0o644,
            "{file}: the link's target was chmodded"
        );
    }
    // A state file of another user (only root can arrange that here).
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").unwrap().uid() == 0 {
        for file in ["masterkey.db", "ckds.db", "acp.conf"] {
            let home = initialised(&format!("owner-{file}"));
            std::os::unix::fs::chown(home.join(file), Some(65534), None).unwrap();
            let script = if file == "acp.conf" {
                "cfq; mkp-clear"
            } else {
                "krr A.KEY; mkp-clear"
            };
            let (codes, trace) = run(&home, script);
            let expect = if file == "acp.conf" {
                [(0, 0), (12, 197)]
            } else {
                [(12, 197), (12, 197)]
            };
            assert_eq!(codes, expect, "{file} of another user: {trace}");
            assert!(trace.contains(NOT_REGULAR), "{file}: {trace}");
        }
    }
    // The state directory itself as a symbolic link to a private directory.
    let home = initialised("link-dir");
    let link = home.with_file_name("link");
    symlink(&home, &link).unwrap();
    assert_eq!(run(&link, "krr A.KEY").0, [(12, 197)]);
}

#[test]
fn a_parent_others_may_write_without_sticky_bit_is_refused() {
    let home = scratch("parent");
    let parent = home.parent().unwrap();
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(run(&home, "krc A.KEY").0, [(12, 197)]);
    // With the sticky bit (as /tmp) others cannot rename the directory away: accepted.
    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o1777)).unwrap();
    assert_eq!(run(&home, "krr A.KEY").0, [(8, 10012)]);
}

/// The attack: a running process has opened its directory; the directory is renamed away and
/// an impostor is put at the path, with a permissive acp.conf, a CKDS of its own and a hot
/// journal beside it whose pages hold the impostor's record. The process must keep using its
/// own files: its restrictive access control, its own CKDS (the impostor's journal never
/// rolled into it; its new writes land in its own directory), nothing changed in the impostor.
#[test]
fn a_running_process_keeps_its_directory_after_a_swap() {
    let home = initialised("swap");
    // The victim's own role denies X'0032' (Clear New Master Key Register).
    set_acp(&home, 0x0032, false);
    let ready = home.with_file_name("ready");
    let go = home.with_file_name("go");
    let victim = child::command(
        &home,
        &format!(
            "mkp-clear; krr A.KEY; touch {}; wait {}; mkp-clear; krr IMPOSTOR.KEY; krr A.KEY; \
             krc AFTER.SWAP; krw AFTER.SWAP",
            ready.display(),
            go.display()
        ),
        &[],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    // The impostor: every point on, its own record, and a hot journal with that record.
    let impostor = initialised("swap-impostor");
    assert_eq!(
        run(&impostor, "krc IMPOSTOR.KEY; krw IMPOSTOR.KEY").0,
        [(0, 0), (0, 0)]
    );
    std::fs::write(impostor.join("acp.conf"), "X'0032' on\n").unwrap();
    let planted = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_plant_journal", "--nocapture"])
        .env("SOFTCCA_PLANT", impostor.join("ckds.db"))
        .env("RUST_BACKTRACE", "0")
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!planted.success());
    assert!(
        impostor.join("ckds.db-journal").exists(),
        "no journal planted"
    );
    while !ready.exists() {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // The swap.
    let moved = home.with_file_name("moved");
    std::fs::rename(&home, &moved).unwrap();
    std::fs::rename(&impostor, &home).unwrap();
    let before = child::snapshot(&home);
    std::fs::write(&go, b"").unwrap();
    let out = victim.wait_with_output().unwrap();
    let (codes, trace) = child::parse(&out.stdout, &out.stderr);
    assert_eq!(
        codes,
        [
            (8, 90),
            (0, 0),
            (0, 0),
            (0, 0),
            (8, 90),    // still its own acp.conf, not the impostor's
            (8, 10012), // its own CKDS: not the impostor's, nor its journal
            (0, 0),     // its own record
            (0, 0),
            (0, 0),
        ],
        "{trace}"
    );
    assert!(
        child::snapshot(&home) == before,
        "the impostor directory was changed"
    );
    // The write went to the victim's own (moved) CKDS.
    assert_eq!(run(&moved, "krr AFTER.SWAP").0, [(0, 0)]);
    assert_eq!(run(&moved, "krr IMPOSTOR.KEY").0, [(8, 10012)]);
}
