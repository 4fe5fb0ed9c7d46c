//! CSNBKTC RTCMK on a label racing CSNBKRW of the same label (issue 7, item 4): the record is
//! read, re-enciphered and written back in one CKDS transaction, so a write that lands while
//! a re-encipherment is under way is never reverted.
//!
//! Records are written under the old master key, so every CSNBKTC call has something to
//! re-encipher (and to write). Three child processes (this binary run again) and two threads of
//! this process re-encipher the label in a loop while another thread writes a new token with
//! CSNBKRW and checks, twice, that the record holds that token's key: CSNBKYT ENC-ZERO on the
//! label against the check value computed with the `des` crate from the clear key. A write
//! reverted by a stale re-encipherment shows the previous key.

mod common;
use common::key_slots;
use common::verbs::{TEST_MK, load_master_key, setup, token};
use common::*;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};
use softcca::cv::{ControlVector, templates};

/// The master key loaded after TEST_MK (which becomes the old one).
const NEW_MK: &str = "FEDCBA987654321023456789ABCDEF01456789ABCDEF0123";
const LABEL: &str = "RACE.KTC.KEY";
const ROUNDS: usize = 500;
/// No round is started after this (the suite must stay fast on 2 cores).
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// CSNBKTC RTCMK on `id` (a label: the caller's field is not changed).
fn ktc(id: &[u8; 64]) -> (i32, i32) {
    key_slots::ktc(&mut id.clone())
}

/// The 4-byte ENC-ZERO pattern of the key the record under `id` holds now.
fn check_value(id: &[u8; 64]) -> [u8; 4] {
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    let (rc, rs) = key_slots::kyt(&["GENERATE", "KEY-ENCD", "ENC-ZERO"], id, &mut v1, &mut v2);
    assert!(rc == 0, "CSNBKYT {rc}/{rs}");
    arr(&v2[..4])
}

/// Clear key of round `n`: odd parity, distinct halves.
fn key_of(n: usize) -> [u8; 16] {
    let mut k: [u8; 16] = arr(&hex("0123456789ABCDEFFEDCBA9876543210"));
    // Seven bits of `n` per byte, the low bit making the byte's weight even: XOR-ing it in
    // keeps odd parity.
    for (i, bits) in [n & 0x7F, (n >> 7) & 0x7F].into_iter().enumerate() {
        let x = (bits as u8) << 1;
        k[2 + i] ^= x | u8::from(x.count_ones() % 2 == 1);
    }
    k
}

/// ENC-ZERO of a double-length key with the `des` crate (EDE2).
fn kcv(key: &[u8; 16]) -> [u8; 4] {
    let c = des::TdesEde2::new_from_slice(key).unwrap();
    let mut b = Array::from([0u8; 8]);
    c.encrypt_block(&mut b);
    arr(&b[..4])
}

fn stop_file() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap()).join("race-stop")
}

/// Child: re-encipher the label until the parent says stop (or the time limit passes).
#[test]
#[ignore]
fn child_reencipher() {
    if std::env::var_os("SOFTCCA_CHILD_ROLE").is_none() {
        return;
    }
    let l = label(LABEL);
    let start = Instant::now();
    while !stop_file().exists() && start.elapsed() < TIME_LIMIT + Duration::from_secs(10) {
        assert_eq!(ktc(&l), (0, 0), "child CSNBKTC");
    }
}

#[test]
fn reencipher_by_label_never_reverts_a_concurrent_write() {
    let _g = setup("ktc-race");
    load_master_key(TEST_MK);
    let cv = ControlVector::from_template(templates::MAC, true);
    // Every round's token, wrapped under TEST_MK, which is the old master key from now on.
    let tokens: Vec<[u8; 64]> = (0..ROUNDS)
        .map(|n| token(TEST_MK, &key_of(n), &cv))
        .collect();
    let kcvs: Vec<[u8; 4]> = (0..ROUNDS).map(|n| kcv(&key_of(n))).collect();
    assert!(kcvs.windows(2).all(|w| w[0] != w[1]));
    load_master_key(NEW_MK);
    let l = label(LABEL);
    assert_eq!(krc(&l), (0, 0));
    assert_eq!(krw(&tokens[0], &l), (0, 0));
    assert_eq!(
        check_value(&l),
        kcvs[0],
        "harness: KYT reads the record's key"
    );
    // Re-encipherment works at all: the record is rewritten under the new master key.
    assert_eq!(ktc(&l), (0, 0));
    assert_ne!(krr(&l), tokens[0]);
    assert_eq!(check_value(&l), kcvs[0]);

    let _ = std::fs::remove_file(stop_file());
    let children: Vec<_> = (0..3)
        .map(|i| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "child_reencipher",
                    "--test-threads=1",
                ])
                .env("SOFTCCA_CHILD_ROLE", format!("{i}"))
                .spawn()
                .unwrap()
        })
        .collect();
    let stop = AtomicBool::new(false);
    let reenciphered = AtomicUsize::new(0);
    let start = Instant::now();
    let (rounds, lost) = std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(ktc(&l), (0, 0), "thread CSNBKTC");
                    reenciphered.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let mut lost = Vec::new();
        let mut rounds = 0;
        for n in 1..ROUNDS {
            if start.elapsed() > TIME_LIMIT {
                break;
            }
            assert_eq!(krw(&tokens[n], &l), (0, 0), "CSNBKRW {n}");
            // Right after the write, and once more after the re-encipherers had time to write
            // back whatever they read before it.
            for pass in 0..2 {
                if check_value(&l) != kcvs[n] {
                    lost.push((n, pass));
                    break;
                }
                std::thread::sleep(Duration::from_micros(300));
            }
            rounds += 1;
        }
        stop.store(true, Ordering::Relaxed);
        (rounds, lost)
    });
    std::fs::write(stop_file(), b"").unwrap();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "child failed");
    }
    eprintln!(
        "{rounds} rounds in {:?}, {} re-encipherments in this process, {} writes reverted",
        start.elapsed(),
        reenciphered.load(Ordering::Relaxed),
        lost.len()
    );
    assert!(rounds >= 50, "only {rounds} rounds");
    assert!(
        reenciphered.load(Ordering::Relaxed) > 0,
        "the re-encipher thread never ran"
    );
    assert!(lost.is_empty(), "writes reverted (round, pass): {lost:?}");
}
