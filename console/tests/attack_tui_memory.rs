//! An auditor's attack on the menu's memory: after a passphrase was typed into the masked
//! field and the logon is done, the process's writable memory (heap, stacks) is read as root
//! (/proc/<pid>/mem) and searched for the passphrase. Nothing of the console's own copies may
//! be left: the field's text is wiped, not only dropped.

mod common;

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use common::tmux::Screen;
use common::*;

const LOGON: usize = 7;

/// A passphrase typed and then abandoned with Esc (test data only).
/// Long enough that its end is only in the field's last buffer (the buffers a growing text
/// left behind hold its start: docs/console.md "Limits"), and well past the bytes a freed
/// block's allocator links overwrite.
const ABANDONED: &str = "abandoned words typed then Esc 0123456789 qwertyuiop zx";

/// A wrong passphrase, submitted (CSUALCT refuses it), as long.
const SUBMITTED: &str = "submitted words typed then OK 9876543210 poiuytrewq xz";

/// The part of `secret` only the field's last buffer held.
fn end_of(secret: &str) -> &[u8] {
    &secret.as_bytes()[36..]
}

/// Every writable mapping of `pid`, read as root.
fn writable_memory(pid: u32) -> Vec<u8> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let mut mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut all = Vec::new();
    for line in maps.lines() {
        let mut f = line.split_whitespace();
        let (range, perms) = (f.next().unwrap(), f.next().unwrap());
        if !perms.starts_with("rw") {
            continue;
        }
        let (a, b) = range.split_once('-').unwrap();
        let (a, b) = (
            u64::from_str_radix(a, 16).unwrap(),
            u64::from_str_radix(b, 16).unwrap(),
        );
        let mut buf = vec![0u8; (b - a) as usize];
        if mem.seek(SeekFrom::Start(a)).is_ok() && mem.read_exact(&mut buf).is_ok() {
            all.extend_from_slice(&buf);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_passphrase_typed_in_the_menu_is_not_left_in_memory() {
    let home = roles_home("tui-memory");
    let s = Screen::start("memory", &home, &[], &[]);
    s.wait_for("Main Menu");
    for _ in 0..LOGON {
        s.keys(&["Down"]);
    }
    s.keys(&["Enter"]);
    s.wait_for("Logon with card");
    s.keys(&["Down", "Enter"]);
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    // First abandoned with Esc halfway through the ceremony: typed, then Esc.
    for c in ABANDONED.chars() {
        s.type_text(&c.to_string());
        std::thread::sleep(Duration::from_millis(15));
    }
    s.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    let mem = writable_memory(s.pid());
    assert!(
        !contains(&mem, end_of(ABANDONED)),
        "the passphrase abandoned with Esc is in the menu's memory"
    );
    s.keys(&["Enter"]); // the Logon menu again: "Logon with passphrase"
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    for c in SUBMITTED.chars() {
        s.type_text(&c.to_string());
        std::thread::sleep(Duration::from_millis(15));
    }
    s.keys(&["Enter"]);
    s.wait_for("X'F318'");
    std::thread::sleep(Duration::from_millis(300));
    let mem = writable_memory(s.pid());
    assert!(
        !contains(&mem, end_of(SUBMITTED)),
        "a submitted passphrase is in the menu's memory"
    );
    s.keys(&["Enter"]); // OK
    std::thread::sleep(Duration::from_millis(300));
    s.keys(&["Enter"]);
    s.wait_for("User id:");
    s.type_text(OFFICER.0);
    s.keys(&["Enter"]);
    s.wait_for("Passphrase of SECOFF1");
    // Key by key, as a person types (a paste arrives in one read of the terminal, and the
    // terminal library's read buffer keeps it: docs/console.md "Limits").
    for c in OFFICER.1.chars() {
        s.type_text(&c.to_string());
        std::thread::sleep(Duration::from_millis(15));
    }
    std::thread::sleep(Duration::from_millis(300));
    s.keys(&["Enter"]);
    s.wait_for("Logged on: SECOFF1 (SECOFF)");
    std::thread::sleep(Duration::from_millis(300));
    let mem = writable_memory(s.pid());
    assert!(mem.len() > 100_000, "memory not read: {} bytes", mem.len());
    // The first 16 bytes of a freed small block are overwritten by the allocator's own
    // links: search for the passphrase's tail as well as the whole.
    let tail = &OFFICER.1.as_bytes()[8..];
    assert!(
        !contains(&mem, OFFICER.1.as_bytes()) && !contains(&mem, tail),
        "the passphrase (or its tail {:?}) is in the menu's memory after the logon",
        String::from_utf8_lossy(tail)
    );
}
