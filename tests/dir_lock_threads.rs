//! Threads of one process, each logged on as a security officer, change the roles at once
//! (CSUAACI INIT-AC, roles only: a read-modify-write of `acp.conf`): every change is kept and
//! every call succeeds. The directory's `flock` alone would not give that, because every thread
//! of a program shares the one directory descriptor and `flock` does not exclude its own
//! holders; INIT-AC writes the roles inside the profile store's IMMEDIATE transaction
//! (docs/decisions.md D75), which serialises the writers of every thread and process.

mod common;
use common::profiles::*;
use common::*;

use std::path::PathBuf;

const OK: (i32, i32) = (0, 0);
const THREADS: usize = 4;
const ROLES_EACH: usize = 25;

fn person(user: &str, role: &str, pass: &str) -> Vec<u8> {
    profile(
        user,
        role,
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech(pass)]),
    )
}

/// A role any time, every day, with X'0116' only.
fn reader_role(id: &str) -> Vec<u8> {
    role_structure(id, 1, ((0, 0), (23, 59)), 0xFE, 0x0000, 32, &[0x0116])
}

#[test]
fn threads_of_one_process_changing_roles_at_once_lose_no_change() {
    let h: PathBuf = fresh_state("dir-lock-threads");
    // SAFETY (test): the only test of this binary, before any verb call.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &h);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
    }
    let officers: Vec<(String, String)> = (0..THREADS)
        .map(|t| (format!("SECOFF{t}"), format!("officer {t} passphrase")))
        .collect();
    let agg = aggregate(
        &officers
            .iter()
            .map(|(u, p)| person(u, "SECOFF", p))
            .collect::<Vec<_>>(),
    );
    assert_eq!(aaci(&["INIT-AC"], &agg, &[]), OK, "bootstrap");
    let start = std::sync::Barrier::new(THREADS);
    let failures: Vec<Vec<(usize, (i32, i32))>> = std::thread::scope(|s| {
        let handles: Vec<_> = officers
            .iter()
            .enumerate()
            .map(|(t, (u, p))| {
                let start = &start;
                s.spawn(move || {
                    assert_eq!(logon(u, p), OK);
                    start.wait();
                    let mut bad = Vec::new();
                    for i in 0..ROLES_EACH {
                        let r = aaci(&["INIT-AC"], &[0; 8], &reader_role(&format!("R{t}X{i}")));
                        if r != OK {
                            bad.push((i, r));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (t, bad) in failures.iter().enumerate() {
        assert!(bad.is_empty(), "thread {t}: calls failed: {bad:?}");
    }
    let conf = std::fs::read_to_string(h.join("acp.conf")).unwrap();
    let missing: Vec<String> = (0..THREADS)
        .flat_map(|t| (0..ROLES_EACH).map(move |i| format!("[R{t}X{i}]")))
        .filter(|r| !conf.contains(r.as_str()))
        .collect();
    assert!(missing.is_empty(), "lost role changes: {missing:?}");
}
