//! Secrets in memory (issue 7 item 9): after the calls return, how many copies of a master key,
//! a master-key part, a key part or a key imported from parts are left in the process?
//!
//! Each test runs the library in a child process (this test binary again, running one of the
//! `#[ignore]`d `child_*` functions) and reads the child's memory from the parent through
//! `/proc/<pid>/maps` and `/proc/<pid>/mem`: every readable mapping (heap, anonymous mappings,
//! every thread's stack, the library's data) is scanned while the child waits. The secrets are
//! made in the parent and handed to the child through a pipe, read with `read(2)` straight
//! into one buffer that the child wipes before it reports ready: the only copies the scan can
//! find are the library's. (The parent's own buffers are in another process, so the scan
//! cannot find them.)
//!
//! * `master_key_once`: a master key loaded from two parts with CSNBMKP FIRST/LAST/SET and
//!   then used by CSNBKGN, CSNBKYT and CSNBPCU in four threads (still alive during the scan)
//!   must occur exactly once (its 24 bytes and each of its 8-byte thirds), in a mapping that
//!   is locked (`Locked:` > 0) and excluded from core dumps (`VmFlags` `dd`); its parts zero
//!   times. `master_key_once_unlocked`: the same in a child that cannot lock memory
//!   (RLIMIT_MEMLOCK 0, CAP_IPC_LOCK dropped): still once and `dd`, not locked.
//! * `key_parts_gone`: two clear parts imported with CSNBKPI FIRST/LAST: zero copies of
//!   either part and of the combined key (16 bytes and each 8-byte half); and a clear PIN
//!   encrypted with CSNBCPE: zero copies of its digits, in ASCII or packed as in a PIN block.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::process::{Command, Stdio};

use softcca::crypto::ClearKey;
use softcca::cv::{ControlVector, DkyUsage, templates};
use softcca::token::InternalToken;

const CHILD_ENV: &str = "SOFTCCA_SECRETS_CHILD";
const READY: &str = "SECRETS-SCAN-READY";

// ---------------------------------------------------------------- the parent: scanning

/// One match: where it was found.
#[derive(Debug)]
struct Hit {
    addr: u64,
    mapping: String,
}

/// Every readable mapping of process `pid`: (start, end, description).
fn mappings(pid: u32) -> Vec<(u64, u64, String)> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    maps.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let range = f.next()?;
            let perms = f.next()?;
            if !perms.starts_with('r') {
                return None;
            }
            let (a, b) = range.split_once('-')?;
            let (a, b) = (
                u64::from_str_radix(a, 16).ok()?,
                u64::from_str_radix(b, 16).ok()?,
            );
            let name = f.nth(3).unwrap_or("[anon]").to_string();
            // The vsyscall page cannot be read through /proc/pid/mem.
            (name != "[vsyscall]").then_some((a, b, format!("{range} {perms} {name}")))
        })
        .collect()
}

/// The offsets of every (possibly overlapping) occurrence of `needle` in `hay`, found with
/// the C library's `memmem` (fast even in an unoptimised test build).
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while from + needle.len() <= hay.len() {
        let rest = &hay[from..];
        let p = unsafe {
            libc::memmem(
                rest.as_ptr().cast(),
                rest.len(),
                needle.as_ptr().cast(),
                needle.len(),
            )
        };
        if p.is_null() {
            break;
        }
        let off = from + (p as usize - rest.as_ptr() as usize);
        out.push(off);
        from = off + 1;
    }
    out
}

/// Every occurrence of each needle in the readable memory of `pid`.
fn scan(pid: u32, needles: &[&[u8]]) -> Vec<Vec<Hit>> {
    let mem = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let mut hits: Vec<Vec<Hit>> = needles.iter().map(|_| Vec::new()).collect();
    let mut scanned = 0u64;
    for (start, end, name) in mappings(pid) {
        let mut buf = vec![0u8; (end - start) as usize];
        // Regions that cannot be read (guard pages, [vvar]) are skipped; what is readable is
        // read in one piece, so a secret cannot straddle two reads.
        let Ok(n) = mem.read_at(&mut buf, start) else {
            continue;
        };
        buf.truncate(n);
        scanned += n as u64;
        for (i, needle) in needles.iter().enumerate() {
            for off in find_all(&buf, needle) {
                hits[i].push(Hit {
                    addr: start + off as u64,
                    mapping: name.clone(),
                });
            }
        }
    }
    assert!(scanned > 1 << 20, "scanned only {scanned} bytes of {pid}");
    hits
}

/// The `smaps` entry of the mapping of `pid` that contains `addr`: (Locked kB, VmFlags).
fn smaps_of(pid: u32, addr: u64) -> (u64, String) {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap();
    let mut inside = false;
    let mut locked = None;
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if let Some((a, b)) = first.split_once('-')
            && let (Ok(a), Ok(b)) = (u64::from_str_radix(a, 16), u64::from_str_radix(b, 16))
        {
            inside = (a..b).contains(&addr);
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(v) = line.strip_prefix("Locked:") {
            locked = v.trim().trim_end_matches("kB").trim().parse().ok();
        }
        if let Some(v) = line.strip_prefix("VmFlags:") {
            return (locked.unwrap_or(0), v.trim().to_string());
        }
    }
    panic!("no smaps entry holds {addr:#x}");
}

/// A child running `child_<which>` of this binary, with its own state directory, fed `input`
/// on its standard input. Returns once it has reported ready (it then waits for the parent).
struct Child {
    proc: std::process::Child,
    stdin: std::process::ChildStdin,
}

impl Child {
    fn start(which: &str, input: &[u8]) -> Child {
        let home = temp_state(&format!("secrets-{which}"));
        let mut proc = Command::new(std::env::current_exe().unwrap())
            .args([
                &format!("child_{}", which.replace('-', "_")),
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .args(["--test-threads", "1"])
            .env(CHILD_ENV, which)
            .env("SOFTCCA_HOME", &home)
            .env("SOFTCCA_ACP_RECHECK_MS", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = proc.stdin.take().unwrap();
        stdin.write_all(input).unwrap();
        stdin.flush().unwrap();
        let mut out = BufReader::new(proc.stdout.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            if out.read_line(&mut line).unwrap() == 0 {
                let status = proc.wait().unwrap();
                panic!("child {which} ended before it was ready: {status}");
            }
            if line.trim_end().ends_with(READY) {
                break;
            }
        }
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Child { proc, stdin }
    }

    fn pid(&self) -> u32 {
        self.proc.id()
    }

    /// Lets the child end; asserts that it ended well.
    fn finish(mut self) {
        self.stdin.write_all(b"x").unwrap();
        drop(self.stdin);
        let status = self.proc.wait().unwrap();
        assert!(status.success(), "child: {status}");
    }
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    softcca::crypto::rng::fill(&mut b).unwrap();
    b
}

fn xor<const N: usize>(a: &[u8; N], b: &[u8; N]) -> [u8; N] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// `(name, bytes)` needles: the whole secret and each of its 8-byte parts.
fn with_thirds(name: &str, s: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut v = vec![(name.to_string(), s.to_vec())];
    for (i, c) in s.chunks(8).enumerate() {
        v.push((format!("{name}[{i}]"), c.to_vec()));
    }
    v
}

/// Scans the child and returns a report line per needle, plus the hits.
fn count(pid: u32, needles: &[(String, Vec<u8>)]) -> (Vec<usize>, String, Vec<Vec<Hit>>) {
    let refs: Vec<&[u8]> = needles.iter().map(|(_, b)| b.as_slice()).collect();
    let hits = scan(pid, &refs);
    let mut report = String::new();
    for ((name, _), h) in needles.iter().zip(&hits) {
        report += &format!("{name}: {} copies\n", h.len());
        for hit in h {
            report += &format!("    at {:#x} in {}\n", hit.addr, hit.mapping);
        }
    }
    (hits.iter().map(Vec::len).collect(), report, hits)
}

/// The first case of tests/data/pcu.txt with a current PIN block, and its four keys as tokens
/// under `mk`: (case index, MAC MDK, ENC MDK, new PIN key, current PIN key).
fn pcu_tokens(mk: &[u8; 24]) -> (usize, [[u8; 64]; 4]) {
    let cs = cases("pcu.txt");
    let (i, c) = cs
        .iter()
        .enumerate()
        .find(|(_, c)| c.has("cur_block"))
        .unwrap();
    let mkk = ClearKey::from_slice(mk).unwrap();
    let mkvp = softcca::state::masterkey::mkvp(&mkk);
    let wrap = |key: Vec<u8>, cv: ControlVector| {
        let k = ClearKey::from_slice(&key).unwrap();
        *InternalToken::skeleton(&cv)
            .with_key(&k, &mkk, &mkvp)
            .unwrap()
            .as_bytes()
    };
    let pin = ControlVector::from_template(templates::IPINENC, true);
    (
        i,
        [
            wrap(c.hex("mac_mdk"), ControlVector::dkygenky(0, DkyUsage::DMac)),
            wrap(
                c.hex("enc_mdk"),
                ControlVector::dkygenky(0, DkyUsage::DMPin),
            ),
            wrap(c.hex("new_pin_key"), pin),
            wrap(c.hex("cur_pin_key"), pin),
        ],
    )
}

#[test]
fn master_key_once() {
    master_key_in("mk", true);
}

/// The same where the lock is refused (RLIMIT_MEMLOCK 0 and, for root, CAP_IPC_LOCK dropped):
/// still one copy, still excluded from core dumps, only not locked.
#[test]
fn master_key_once_unlocked() {
    master_key_in("mk-nolock", false);
}

fn master_key_in(which: &str, expect_locked: bool) {
    // A master key with odd parity and three distinct, non-weak thirds, so that LAST's parity
    // adjustment leaves it as it is (the register before and after adjustment is one value)
    // and no warning is involved; its parts P1 (random) and P2 = MK xor P1.
    let mk = loop {
        let mut k = random::<24>();
        softcca::crypto::parity::adjust_odd(&mut k);
        let t: [[u8; 8]; 3] = std::array::from_fn(|i| arr(&k[8 * i..8 * i + 8]));
        if t.iter().all(|t| !softcca::crypto::weak::is_weak(t)) && t[0] != t[1] && t[1] != t[2] {
            break k;
        }
    };
    let p1 = random::<24>();
    let p2 = xor(&mk, &p1);
    let (case, tokens) = pcu_tokens(&mk);
    let mut input = Vec::new();
    input.extend_from_slice(&p1);
    input.extend_from_slice(&p2);
    input.push(case as u8);
    for t in &tokens {
        input.extend_from_slice(t);
    }
    let child = Child::start(which, &input);
    let mut needles = with_thirds("master key", &mk);
    needles.extend(with_thirds("part 1", &p1));
    needles.extend(with_thirds("part 2", &p2));
    let (counts, report, hits) = count(child.pid(), &needles);
    eprintln!("{report}");
    assert_eq!(
        counts,
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        "master key once, parts never:\n{report}"
    );
    let (locked, flags) = smaps_of(child.pid(), hits[0][0].addr);
    let flags: Vec<&str> = flags.split_whitespace().collect();
    assert!(
        flags.contains(&"dd"),
        "master key mapping not excluded from core dumps: {flags:?}"
    );
    assert_eq!(
        (locked > 0, flags.contains(&"lo")),
        (expect_locked, expect_locked),
        "master key mapping locked? (Locked: {locked} kB, {flags:?})"
    );
    child.finish();
}

#[test]
fn key_parts_gone() {
    let p1 = random::<16>();
    let p2 = random::<16>();
    let key = xor(&p1, &p2);
    // A random 12-digit clear PIN for CSNBCPE, as its 16-byte field (blank padded) and as the
    // packed digits that every PIN block format before encryption holds.
    let digits: Vec<u8> = random::<12>().iter().map(|b| b'0' + b % 10).collect();
    let mut field = [b' '; 16];
    field[..12].copy_from_slice(&digits);
    let packed: Vec<u8> = digits
        .chunks(2)
        .map(|d| ((d[0] - b'0') << 4) | (d[1] - b'0'))
        .collect();
    let mut input = Vec::new();
    input.extend_from_slice(&p1);
    input.extend_from_slice(&p2);
    input.extend_from_slice(&field);
    let child = Child::start("kpi", &input);
    let mut needles = with_thirds("part 1", &p1);
    needles.extend(with_thirds("part 2", &p2));
    needles.extend(with_thirds("combined key", &key));
    needles.push(("clear PIN".into(), digits.clone()));
    needles.push(("packed PIN".into(), packed));
    let (counts, report, _) = count(child.pid(), &needles);
    eprintln!("{report}");
    assert_eq!(
        counts, [0; 11],
        "no key part, no combined key, no clear PIN:\n{report}"
    );
    child.finish();
}

// ---------------------------------------------------------------- the children: the calls

/// Reads exactly `buf.len()` bytes from standard input with `read(2)` (no buffered copy).
fn read_raw(buf: &mut [u8]) {
    let mut got = 0;
    while got < buf.len() {
        let n = unsafe { libc::read(0, buf[got..].as_mut_ptr().cast(), buf.len() - got) };
        assert!(n > 0, "short input");
        got += n as usize;
    }
}

/// Wipes a buffer so the compiler cannot drop the writes.
fn wipe(buf: &mut [u8]) {
    for b in buf.iter_mut() {
        unsafe { std::ptr::write_volatile(b, 0) };
    }
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

/// Reports ready and waits for the parent's scan.
fn ready_and_wait() {
    // Straight to the pipe: the test harness may capture `println!`.
    let line = format!("{READY}\n");
    let n = unsafe { libc::write(1, line.as_ptr().cast(), line.len()) };
    assert_eq!(n, line.len() as isize);
    let mut b = [0u8; 1];
    read_raw(&mut b);
}

fn is_child(which: &str) -> bool {
    std::env::var(CHILD_ENV).as_deref() == Ok(which)
}

/// CSNBMKP with the part at `part` (24 bytes of the caller's buffer, no copy).
fn mkp_at(word: &str, part: *mut u8) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&[word]);
    unsafe {
        softcca::ffi::masterkey::CSNBMKP(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            part,
        )
    };
    (rc, rs)
}

/// CSNBKPI with the part at `part` (16 bytes of the caller's buffer, no copy).
fn kpi_at(word: &str, part: *mut u8, id: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&[word]);
    unsafe {
        softcca::ffi::keypart::CSNBKPI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            part,
            id.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn kgn_op(key_type: &str) -> [u8; 64] {
    let (mut rc, mut rs) = (-1, -1);
    let mut f = *b"OP  ";
    let mut l = kw8("");
    let mut a = kw8(key_type);
    let mut b = kw8("");
    let (mut kek1, mut kek2, mut gen1, mut gen2) = ([0u8; 64], [0u8; 64], [0u8; 64], [0u8; 64]);
    unsafe {
        softcca::ffi::keygen::CSNBKGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            f.as_mut_ptr(),
            l.as_mut_ptr(),
            a.as_mut_ptr(),
            b.as_mut_ptr(),
            kek1.as_mut_ptr(),
            kek2.as_mut_ptr(),
            gen1.as_mut_ptr(),
            gen2.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSNBKGN {key_type}");
    gen1
}

fn kyt(words: &[&str], id: &[u8; 64], v1: &mut [u8; 8], v2: &mut [u8; 8]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let mut k = *id;
    unsafe {
        softcca::ffi::keytest::CSNBKYT(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            k.as_mut_ptr(),
            v1.as_mut_ptr(),
            v2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

#[test]
#[ignore = "child process of master_key_once"]
fn child_mk() {
    if is_child("mk") {
        use_master_key();
    }
}

#[test]
#[ignore = "child process of master_key_once_unlocked"]
fn child_mk_nolock() {
    if is_child("mk-nolock") {
        refuse_mlock();
        use_master_key();
    }
}

/// Makes every later `mlock` of this process fail: RLIMIT_MEMLOCK 0, and CAP_IPC_LOCK (which
/// overrides the limit) dropped from the effective and permitted sets.
fn refuse_mlock() {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy, Default)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const CAP_IPC_LOCK: u32 = 14;
    let mut h = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let mut d = [Data::default(); 2];
    unsafe {
        assert_eq!(libc::syscall(libc::SYS_capget, &mut h, d.as_mut_ptr()), 0);
        d[0].effective &= !(1 << CAP_IPC_LOCK);
        d[0].permitted &= !(1 << CAP_IPC_LOCK);
        assert_eq!(libc::syscall(libc::SYS_capset, &mut h, d.as_ptr()), 0);
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_MEMLOCK, &zero), 0);
        let mut page = vec![0u8; 8192];
        assert_ne!(
            libc::mlock(page.as_mut_ptr().cast(), 4096),
            0,
            "mlock still works"
        );
    }
}

fn use_master_key() {
    // P1 ‖ P2 ‖ case ‖ four tokens; the parts land in this one buffer and nowhere else.
    let mut parts = Box::new([0u8; 48]);
    read_raw(&mut parts[..]);
    let mut rest = [0u8; 1 + 4 * 64];
    read_raw(&mut rest);
    let zero = Box::into_raw(Box::new([0u8; 24])).cast::<u8>();
    assert_eq!(mkp_at("CLEAR", zero), (0, 0));
    assert_eq!(mkp_at("FIRST", parts.as_mut_ptr()).0, 0);
    assert_eq!(mkp_at("LAST", parts[24..].as_mut_ptr()).0, 0);
    assert_eq!(mkp_at("SET", zero), (0, 0));
    wipe(&mut parts[..]);

    let case = rest[0] as usize;
    let tok = |i: usize| -> [u8; 64] { arr(&rest[1 + 64 * i..1 + 64 * (i + 1)]) };
    let tokens = [tok(0), tok(1), tok(2), tok(3)];
    // Four threads use the master key (unwrapping, wrapping) and stay alive for the scan.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let mut release = Vec::new();
    let mut threads = Vec::new();
    for t in 0..4 {
        let done = done_tx.clone();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        release.push(go_tx);
        threads.push(std::thread::spawn(move || {
            let c = &cases("pcu.txt")[case];
            for _ in 0..50 {
                let mut call = pcu_call::call_for(c);
                (call.auth, call.enc, call.new_key, call.cur_key) =
                    (tokens[0], tokens[1], tokens[2], tokens[3]);
                assert_eq!(call.run(false), (0, 0), "CSNBPCU thread {t}");
                assert_eq!(call.output(), c.text("out"), "CSNBPCU thread {t}");
            }
            for key_type in ["IPINENC", "OPINENC", "MAC", "DATA"] {
                let g = kgn_op(key_type);
                let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
                let enc = ["GENERATE", "KEY-ENC", "ENC-ZERO"];
                assert_eq!(kyt(&enc, &g, &mut v1, &mut v2), (0, 0), "KYT {key_type}");
                let enc = ["VERIFY", "KEY-ENC", "ENC-ZERO"];
                assert_eq!(kyt(&enc, &g, &mut v1, &mut v2), (0, 0), "KYT {key_type}");
            }
            // The master key's own verification pattern.
            let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
            assert_eq!(
                kyt(&["GENERATE", "KEY-KM"], &[0; 64], &mut v1, &mut v2),
                (0, 0)
            );
            done.send(()).unwrap();
            // Parked until the scan is over (the sender is dropped then).
            let _ = go_rx.recv();
        }));
    }
    for _ in 0..4 {
        done_rx.recv().unwrap();
    }
    ready_and_wait();
    drop(release);
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
#[ignore = "child process of key_parts_gone"]
fn child_kpi() {
    if !is_child("kpi") {
        return;
    }
    // P1 ‖ P2 ‖ the clear PIN field.
    let mut parts = Box::new([0u8; 48]);
    read_raw(&mut parts[..]);
    let zero = Box::into_raw(Box::new([0u8; 24])).cast::<u8>();
    // A random master key: the test never sees it.
    assert_eq!(mkp_at("RANDOM", zero), (0, 0));
    assert_eq!(mkp_at("SET", zero), (0, 0));
    let mut id = skeleton("IPINENC", &["KEY-PART"]);
    assert_eq!(kpi_at("FIRST", parts.as_mut_ptr(), &mut id).0, 0);
    assert_eq!(kpi_at("LAST", parts[16..].as_mut_ptr(), &mut id).0, 0);
    // CSNBCPE of the clear PIN under an OPINENC key.
    let mut opin = kgn_op("OPINENC");
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&["ENCRYPT"]);
    let mut profile = pcu_call::profile("ISO-0", None);
    let mut pan = *b"123456789012";
    let mut seq = 0;
    let mut block = [0u8; 8];
    unsafe {
        softcca::ffi::clearpin::CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            opin.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            parts[32..].as_mut_ptr(),
            profile.as_mut_ptr(),
            pan.as_mut_ptr(),
            &mut seq,
            block.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSNBCPE");
    wipe(&mut parts[..]);
    // The imported key is complete and usable; used in a thread of its own, whose cache of
    // unwrapped keys is wiped when it ends (a running thread's cache keeps the key, by
    // design: docs/state.md).
    std::thread::spawn(move || {
        let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
        let enc = ["GENERATE", "KEY-ENC", "ENC-ZERO"];
        assert_eq!(kyt(&enc, &id, &mut v1, &mut v2), (0, 0));
    })
    .join()
    .unwrap();
    ready_and_wait();
}
