//! The card program's read buffer carries every command APDU, PINs and secrets included: once
//! a command is answered, none of it may stay in the process's memory. The test plays vpcd: it
//! listens on a local port, starts `softcca-vcard` against it, sends a CHANGE REFERENCE DATA
//! with a wrong old PIN (nothing is stored) and a PUT DATA with a secret before any VERIFY
//! (refused, nothing stored), waits for both answers, then reads the card process's memory
//! through /proc/<pid>/mem and looks for the PIN and the secret.
//!
//! The PIN is searched by its last five bytes: the C library's allocator writes its free-list
//! links over the first 16 bytes of a freed buffer, and the new PIN of CHANGE REFERENCE DATA
//! lies at bytes 13 to 20 of the command.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::FileExt;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Sends one vpcd frame (u16 length, payload).
fn send(s: &mut TcpStream, payload: &[u8]) {
    let mut frame = (payload.len() as u16).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    s.write_all(&frame).unwrap();
}

/// Reads one vpcd frame's payload.
fn answer(s: &mut TcpStream) -> Vec<u8> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).unwrap();
    let mut out = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut out).unwrap();
    out
}

/// `n` bytes that occur nowhere by chance: from the clock and the pid, through a xorshift.
fn unlikely(n: usize, digits: bool) -> Vec<u8> {
    let mut x = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        ^ (u64::from(std::process::id()) << 32)
        | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if digits {
                b'0' + (x % 10) as u8
            } else {
                (x >> 24) as u8
            }
        })
        .collect()
}

/// How many times `needle` occurs in the readable memory of process `pid`.
fn occurrences(pid: u32, needle: &[u8]) -> usize {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut found = 0;
    for line in maps.lines() {
        let mut f = line.split_whitespace();
        let (Some(range), Some(perms)) = (f.next(), f.next()) else {
            continue;
        };
        if !perms.starts_with('r') || line.ends_with("[vsyscall]") {
            continue;
        }
        let (a, b) = range.split_once('-').unwrap();
        let (a, b) = (
            u64::from_str_radix(a, 16).unwrap(),
            u64::from_str_radix(b, 16).unwrap(),
        );
        let mut buf = vec![0u8; (b - a) as usize];
        let Ok(n) = mem.read_at(&mut buf, a) else {
            continue;
        };
        found += buf[..n]
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count();
    }
    found
}

#[test]
fn no_pin_or_secret_stays_in_the_card_process_after_its_command() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vcard-read-buffer");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut card = Command::new(env!("CARGO_BIN_EXE_softcca-vcard"))
        .args(["--port", &port.to_string(), "--csn", "5C0FCCA0000000FF"])
        .arg("--state")
        .arg(dir.join("card.state"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    send(&mut s, &[0x01]); // power on (no answer)
    send(
        &mut s,
        &[
            0x00, 0xA4, 0x04, 0x0C, 0x09, 0xF0, 0x53, 0x4F, 0x46, 0x54, 0x43, 0x43, 0x41, 0x01,
        ],
    );
    assert_eq!(answer(&mut s), [0x90, 0x00]);

    // CHANGE REFERENCE DATA: a wrong old PIN, so the new one is never stored.
    let (old, new) = (unlikely(8, true), unlikely(8, true));
    let mut crd = vec![0x00, 0x24, 0x00, 0x81, 0x10];
    crd.extend_from_slice(&old);
    crd.extend_from_slice(&new);
    send(&mut s, &crd);
    assert_eq!(answer(&mut s), [0x63, 0xC6]);

    // PUT DATA content before VERIFY: refused, the secret is never stored.
    let secret = unlikely(32, false);
    let mut object = vec![0xC1, 0x01, 0x01, 0xC2, 0x10];
    object.extend_from_slice(&[0x5E; 16]);
    object.extend_from_slice(&[
        0xC3, 0x01, 0x01, 0xC4, 0x01, 0x01, 0xC5, 0x01, 0x01, 0xC6, 0x08,
    ]);
    object.extend_from_slice(&[0xC5; 8]);
    object.extend_from_slice(&[0xC7, 0x20]);
    object.extend_from_slice(&secret);
    let mut put = vec![0x00, 0xDA, 0x01, 0x02, object.len() as u8];
    put.extend_from_slice(&object);
    send(&mut s, &put);
    assert_eq!(answer(&mut s), [0x69, 0x82]);

    // Both answered: the card now waits for the next command. Nothing of either may be left.
    std::thread::sleep(Duration::from_millis(100));
    let pid = card.id();
    let pin_hits = occurrences(pid, &new[3..]);
    let old_hits = occurrences(pid, &old[3..]);
    let secret_hits = occurrences(pid, &secret[8..]);
    drop(s);
    let _ = card.kill();
    let _ = card.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        (pin_hits, old_hits, secret_hits),
        (0, 0, 0),
        "copies of (new PIN, old PIN, secret) left in the card process"
    );
}
