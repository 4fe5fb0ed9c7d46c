//! Several processes on one state directory: concurrent CKDS writers lose nothing, and a
//! record changed by another process is never served stale from a process's key cache.
//! Children are this test binary run again with `--ignored --exact <child>` and an env var.

mod common;
use common::pcu_call::call_for;
use common::verbs::{TEST_MK, load_master_key, setup, store, token};
use common::*;

use std::process::Command;

use softcca::cv::{ControlVector, DkyUsage};

const WRITES: usize = 60;

fn spawn_child(test: &str, role: &str) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            test,
            "--test-threads=1",
            "--nocapture",
        ])
        .env("SOFTCCA_CHILD_ROLE", role)
        .spawn()
        .unwrap()
}

fn child_role() -> Option<String> {
    std::env::var("SOFTCCA_CHILD_ROLE").ok()
}

fn record_token(tag: u8, n: usize) -> [u8; 64] {
    let mut k = [0u8; 16];
    k[0] = tag;
    k[1..9].copy_from_slice(&(n as u64).to_be_bytes());
    k[15] = 0x5A;
    token(TEST_MK, &k, &ControlVector::dkygenky(0, DkyUsage::DMac))
}

/// Child: create and write WRITES records of its own while reading the other writer's.
#[test]
#[ignore]
fn child_writer() {
    let Some(role) = child_role() else { return };
    let tag = role.as_bytes()[0];
    for n in 0..WRITES {
        let l = label(&format!("MP{}.K{n}", tag as char));
        assert_eq!(krc(&l), (0, 0), "create {n}");
        assert_eq!(krw(&record_token(tag, n), &l), (0, 0), "write {n}");
    }
}

#[test]
fn two_processes_write_one_ckds_without_loss() {
    let _g = setup("multiprocess");
    load_master_key(TEST_MK);
    let a = spawn_child("child_writer", "A");
    let b = spawn_child("child_writer", "B");
    for mut c in [a, b] {
        assert!(c.wait().unwrap().success(), "child failed");
    }
    for tag in [b'A', b'B'] {
        for n in 0..WRITES {
            let mut l = label(&format!("MP{}.K{n}", tag as char));
            let mut t = [0u8; 64];
            let (mut rc, mut rs) = (-1, -1);
            unsafe {
                softcca::ffi::keyrec::CSNBKRR(
                    &mut rc,
                    &mut rs,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    l.as_mut_ptr(),
                    t.as_mut_ptr(),
                )
            };
            assert_eq!((rc, rs), (0, 0), "read {} {n}", tag as char);
            assert_eq!(t, record_token(tag, n), "record {} {n}", tag as char);
        }
    }
}

/// Child: replace the authentication MDK under the shared label with another key.
#[test]
#[ignore]
fn child_replace_mdk() {
    let Some(role) = child_role() else { return };
    let key = common::hex(&role);
    let t = token(TEST_MK, &key, &ControlVector::dkygenky(0, DkyUsage::DMac));
    assert_eq!(krw(&t, &label("SHARED.MDK.AC")), (0, 0));
}

#[test]
fn a_record_changed_elsewhere_is_not_served_stale() {
    let _g = setup("multiprocess");
    load_master_key(TEST_MK);
    let cs = cases("pcu.txt");
    let c = cs
        .iter()
        .find(|c| c.text("method_ascii") == "VISAPCU1")
        .unwrap();
    let mut call = call_for(c);
    store("SHARED.MDK.AC", &call.auth);
    call.auth = label("SHARED.MDK.AC");
    let mut first = call.clone();
    assert_eq!(first.run(false), (0, 0));
    assert_eq!(first.output(), c.text("out"));
    // Another process puts a different authentication MDK under the label...
    let other = "0123456789ABCDEFFEDCBA9876543210";
    assert!(
        spawn_child("child_replace_mdk", other)
            .wait()
            .unwrap()
            .success()
    );
    // ...and this process, whose cache holds the old key, must use the new one: the same
    // call with the new key passed as a token is the reference.
    let mut by_label = call.clone();
    assert_eq!(by_label.run(false), (0, 0));
    let mut by_token = call.clone();
    by_token.auth = token(
        TEST_MK,
        &common::hex(other),
        &ControlVector::dkygenky(0, DkyUsage::DMac),
    );
    assert_eq!(by_token.run(false), (0, 0));
    assert_eq!(by_label.output(), by_token.output());
    assert_ne!(by_label.output(), c.text("out"));
}
