//! Issue 7 item 2: threads racing their first call must not drop SQLite's locks.
//!
//! On Linux, closing *any* descriptor of a file releases every POSIX lock the process holds on
//! it, SQLite's included. A library that opens the state directory more than once per process
//! (threads racing their first call, the losers closing their opening) or that opens and closes
//! a database file beside SQLite's own descriptor silently drops the lock of a transaction in
//! progress: another process then writes at the same time, and committed writes are lost or
//! calls fail with 12/197 after stalls.
//!
//! The attack: many fresh processes, each with many threads released together into their first
//! call (a CKDS write), while a witness process creates, writes and reads back records of its
//! own. Every call must succeed and, at the end, every record the witness read back and every
//! record the racers wrote must still hold its value.

mod common;
use common::verbs::{TEST_MK, setup, token};
use common::*;

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

use softcca::cv::{ControlVector, DkyUsage};

/// Fresh processes racing, in total.
const PROCESSES: usize = 48;
/// Of which this many run at once.
const AT_ONCE: usize = 6;
/// Threads per process, released together into their first call.
const THREADS: usize = 12;

fn child(test: &str, role: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--ignored",
        "--exact",
        test,
        "--test-threads=1",
        "--nocapture",
    ])
    .env("SOFTCCA_CHILD_ROLE", role)
    .env("RUST_BACKTRACE", "0");
    c
}

fn role() -> Option<String> {
    std::env::var("SOFTCCA_CHILD_ROLE").ok()
}

fn value(tag: u32, n: u32) -> [u8; 64] {
    let mut k = [0x11u8; 16];
    k[..4].copy_from_slice(&tag.to_be_bytes());
    k[4..8].copy_from_slice(&n.to_be_bytes());
    token(TEST_MK, &k, &ControlVector::dkygenky(0, DkyUsage::DMac))
}

/// Child: THREADS threads, each creating and writing its own record as its first call.
#[test]
#[ignore]
fn child_racer() {
    let Some(role) = role() else { return };
    let p: u32 = role.parse().unwrap();
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS as u32)
        .map(|t| {
            let b = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let l = label(&format!("RACE.P{p}.T{t}"));
                b.wait();
                let c = krc(&l);
                let w = krw(&value(p, t), &l);
                (c, w)
            })
        })
        .collect();
    let mut bad = 0;
    for (t, h) in threads.into_iter().enumerate() {
        let (c, w) = h.join().unwrap();
        if c != (0, 0) || w != (0, 0) {
            eprintln!("process {p} thread {t}: KRC {c:?} KRW {w:?}");
            bad += 1;
        }
    }
    assert_eq!(bad, 0, "process {p}: failed calls");
}

/// Child: creates, writes and reads back records until the file named by the role exists;
/// prints the numbers of the records it committed and read back, and its failed calls.
#[test]
#[ignore]
fn child_witness() {
    let Some(stop) = role() else { return };
    let (mut committed, mut failures) = (Vec::new(), 0u32);
    let mut n = 0u32;
    while !std::path::Path::new(&stop).exists() && failures < 20 {
        let l = label(&format!("WITNESS.N{n}"));
        let (c, w) = (krc(&l), krw(&value(u32::MAX, n), &l));
        let (r, got) = krr_codes(&l);
        if c == (0, 0) && w == (0, 0) && r == (0, 0) && got == value(u32::MAX, n) {
            committed.push(n.to_string());
        } else {
            eprintln!("witness record {n}: KRC {c:?} KRW {w:?} KRR {r:?}");
            failures += 1;
        }
        n += 1;
    }
    println!("WITNESS {failures} {}", committed.join(" "));
}

#[test]
fn racing_first_calls_lose_no_lock_and_no_write() {
    let _g = setup("firstrace");
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    // The directory exists and is initialised before the race (the race is about opening).
    assert_eq!(krc(&label("RACE.SETUP")), (0, 0));
    let stop = home.with_extension("stop");
    let _ = std::fs::remove_file(&stop);
    let mut witness = child("child_witness", stop.to_str().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut failed = Vec::new();
    let mut next = 0;
    let mut running: Vec<(usize, std::process::Child)> = Vec::new();
    while next < PROCESSES || !running.is_empty() {
        while next < PROCESSES && running.len() < AT_ONCE {
            let c = child("child_racer", &next.to_string())
                .stdout(Stdio::null())
                .spawn()
                .unwrap();
            running.push((next, c));
            next += 1;
        }
        let (p, mut c) = running.remove(0);
        if !c.wait().unwrap().success() {
            failed.push(p);
        }
    }
    std::fs::write(&stop, b"").unwrap();
    let mut out = String::new();
    witness
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(witness.wait().unwrap().success());
    // libtest may print "test child_witness ... " on the same line.
    let line = out
        .lines()
        .find_map(|l| l.find("WITNESS ").map(|i| l[i..].trim_end()))
        .unwrap_or_else(|| panic!("no witness report in {out:?}"));
    let mut it = line.split(' ').skip(1).map(|x| x.parse::<u32>().unwrap());
    let witness_failures = it.next().unwrap();
    let committed: Vec<u32> = it.collect();
    let written = committed.len();
    let _ = std::fs::remove_file(&stop);
    // Every committed, read-back record is still there with its value.
    let mut lost = 0;
    for &n in &committed {
        if krr(&label(&format!("WITNESS.N{n}"))) != value(u32::MAX, n) {
            lost += 1;
        }
    }
    let mut lost_racers = 0;
    for p in (0..PROCESSES as u32).filter(|p| !failed.contains(&(*p as usize))) {
        for t in 0..THREADS as u32 {
            let (r, got) = krr_codes(&label(&format!("RACE.P{p}.T{t}")));
            if r != (0, 0) || got != value(p, t) {
                lost_racers += 1;
            }
        }
    }
    eprintln!(
        "{PROCESSES} processes x {THREADS} threads: {} failed processes, witness wrote {written} \
         ({witness_failures} failures), {lost} witness records and {lost_racers} racer records lost",
        failed.len()
    );
    assert!(written > 0, "the witness wrote nothing");
    assert_eq!(
        (failed.len(), witness_failures, lost, lost_racers),
        (0, 0, 0, 0),
        "racing processes {failed:?}"
    );
}
