//! A process killed in the middle of a CKDS write or a master-key SET leaves the previous state
//! whole. The child opens the state databases, starts the same kind of write transaction the
//! library makes (replace a record; rewrite the three registers), and is killed by abort()
//! before it commits, leaving SQLite's hot journal behind. The parent then finds the old record
//! and the old registers, and every verb still works.

mod common;
use common::verbs::{TEST_MK, load_master_key, setup, store, token};
use common::*;

use std::process::Command;

use softcca::cv::{ControlVector, DkyUsage};

fn spawn(role: &str) -> std::process::ExitStatus {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_dies_mid_transaction",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("SOFTCCA_CHILD_ROLE", role)
        .status()
        .unwrap()
}

#[test]
#[ignore]
fn child_dies_mid_transaction() {
    let Ok(role) = std::env::var("SOFTCCA_CHILD_ROLE") else {
        return;
    };
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let (db, sql): (&str, &str) = match role.as_str() {
        "ckds" => (
            "ckds.db",
            "UPDATE ckds SET token = zeroblob(64) WHERE label = 'CRASH.KEY'",
        ),
        _ => (
            "masterkey.db",
            "DELETE FROM register; INSERT INTO register VALUES ('current', 'full', zeroblob(24))",
        ),
    };
    let conn = rusqlite::Connection::open(home.join(db)).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    // Enough changed pages that SQLite spills them to the database file before commit.
    conn.pragma_update(None, "cache_size", "1").unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    conn.execute_batch(sql).unwrap();
    conn.execute_batch(
        "CREATE TABLE filler (x BLOB); INSERT INTO filler VALUES (zeroblob(200000))",
    )
    .unwrap();
    std::process::abort();
}

#[test]
fn killed_writers_leave_the_previous_state() {
    let _g = setup("crash");
    load_master_key(TEST_MK);
    let key = hex("0123456789ABCDEFFEDCBA9876543210");
    let t = token(TEST_MK, &key, &ControlVector::dkygenky(0, DkyUsage::DMac));
    store("CRASH.KEY", &t);
    let read = || {
        let (mut rc, mut rs) = (-1, -1);
        let mut l = label("CRASH.KEY");
        let mut out = [0u8; 64];
        unsafe {
            softcca::ffi::keyrec::CSNBKRR(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                l.as_mut_ptr(),
                out.as_mut_ptr(),
            )
        };
        ((rc, rs), out)
    };
    for role in ["ckds", "masterkey"] {
        let status = spawn(role);
        assert!(!status.success(), "{role}: the child must die, not commit");
        let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
        let db = if role == "ckds" {
            "ckds.db"
        } else {
            "masterkey.db"
        };
        assert!(
            home.join(format!("{db}-journal")).exists(),
            "{role}: no hot journal was left"
        );
        // The record is the old one, and the old master key still unwraps it.
        assert_eq!(read(), ((0, 0), t), "{role}");
        let (mut rc, mut rs) = (-1, -1);
        let mut n = 3;
        let mut all = *b"GENERATEKEY-ENCDENC-ZERO";
        let mut id = label("CRASH.KEY");
        let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
        unsafe {
            softcca::ffi::keytest::CSNBKYT(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut n,
                all.as_mut_ptr(),
                id.as_mut_ptr(),
                v1.as_mut_ptr(),
                v2.as_mut_ptr(),
            )
        };
        assert_eq!(
            (rc, rs),
            (0, 0),
            "{role}: the key still works under the old master key"
        );
        // tests/data/kcv.txt (s9-pin-key, `cryptography`): ENC-ZERO of this key starts 08D7B4FB.
        assert_eq!(to_hex(&v2[..4]), "08D7B4FB", "{role}");
    }
}
