//! The audit log (docs/audit.md) without cards: every card-verb call appends one record (here
//! CSUCGLB refused for its PIN syntax before any card is touched, so no pcscd is needed),
//! no PIN byte reaches the file, tampering is named by CSUAAVF, a log that cannot be opened
//! stops the card verbs, many processes × threads keep one chain, and appenders killed with
//! SIGKILL leave a log that verifies (or a torn last line the next append repairs).
//!
//! Every scenario runs in child processes (this binary again, `child_script`) on a state
//! directory of its own: a process opens its state directory once.

#[path = "common/audit_call.rs"]
mod audit_call;
mod common;
use audit_call::verify;
use common::child;
use common::temp_state;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::ptr::null_mut;
use std::time::{Duration, Instant};

use softcca::audit::Event;
use softcca::ffi::card::CSUCGLB;
use softcca::state::Coprocessor;

/// The typed PIN of every CSUCGLB call: 7 digits, refused (8/X'F101') before a card is
/// touched. The log must never contain it.
const PIN7: &str = "9753186";
const READER: &str = "softcca audit test %reader% hash=00";

const SYNTAX: (i32, i32) = (8, 0xF101);
const UNAVAILABLE: (i32, i32) = (12, 0xF200);
const DAMAGED: (i32, i32) = (12, 0xF202);
const MALFORMED: i32 = 0xF208;
const EDITED: i32 = 0xF209;
const SEQUENCE: i32 = 0xF20A;
const LINK: i32 = 0xF20B;
const GENESIS: i32 = 0xF20C;
const TORN: i32 = 0xF20D;
const MISSING: i32 = 0xF20E;

fn glb() -> (i32, i32) {
    let (mut rc, mut rs, mut count) = (-1, -1, 0);
    let mut field = [b' '; 128];
    field[..READER.len()].copy_from_slice(READER.as_bytes());
    let mut pin = PIN7.as_bytes().to_vec();
    let (mut pl, mut ll) = (pin.len() as i32, 64);
    let mut label = [0u8; 64];
    // SAFETY: valid pointers for CSUCGLB's documented lengths.
    unsafe {
        CSUCGLB(
            &mut rc,
            &mut rs,
            null_mut(),
            null_mut(),
            &mut count,
            null_mut(),
            field.as_mut_ptr(),
            &mut pl,
            pin.as_mut_ptr(),
            &mut ll,
            label.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn event(n: u64) -> (i32, i32) {
    let r = Coprocessor::global().and_then(|cp| {
        cp.audit()
            .event(&Event::new("TEST-EVENT").with("n", n.to_string()))
    });
    match r {
        Ok(_) => (0, 0),
        Err(e) => softcca::codes::of(e),
    }
}

/// The commands of a child: `glb`, `event`, `verify` (prints `# checked bad hash` too),
/// `threads T K` (T threads, each K × (glb, event); prints one `= rc rs` per call) and
/// `forever` (appends until killed).
fn run(cmd: &str) {
    let mut w = cmd.split_whitespace();
    match w.next().unwrap() {
        "glb" => print_codes(glb()),
        "event" => print_codes(event(0)),
        "verify" => {
            let (rc, rs, checked, bad, hash) = verify();
            println!("# {checked} {bad} {hash}");
            print_codes((rc, rs));
        }
        "threads" => {
            let t: usize = w.next().unwrap().parse().unwrap();
            let k: u64 = w.next().unwrap().parse().unwrap();
            let all: Vec<_> = (0..t)
                .map(|_| {
                    std::thread::spawn(move || {
                        (0..k).flat_map(|i| [glb(), event(i)]).collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in all {
                for c in h.join().unwrap() {
                    print_codes(c);
                }
            }
        }
        "forever" => {
            for i in 0.. {
                assert_eq!(if i % 2 == 0 { glb() } else { event(i) }.0 & !8, 0);
            }
        }
        c => panic!("unknown command {c}"),
    }
}

fn print_codes((rc, rs): (i32, i32)) {
    use std::io::Write;
    println!("= {rc} {rs}");
    std::io::stdout().flush().unwrap();
}

#[test]
#[ignore]
fn child_script() {
    let Ok(script) = std::env::var("SOFTCCA_CHILD_SCRIPT") else {
        return;
    };
    for cmd in script.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        run(cmd);
    }
}

/// A scratch directory (0700) with the state directory `state` in it.
fn home(tag: &str) -> PathBuf {
    let scratch = temp_state(tag);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::set_permissions(&scratch, std::fs::Permissions::from_mode(0o700)).unwrap();
    // An existing directory (legacy-form acp.conf) until the tests log on (CSUALCT).
    common::write_legacy_acp(&scratch.join("state"));
    scratch.join("state")
}

fn log_of(home: &Path) -> PathBuf {
    home.join("audit.log")
}

/// A child's `(rc, rs)` per call, and the `(checked, bad, hash)` of each `verify`.
type Outcome = (Vec<(i32, i32)>, Vec<(i32, i32, String)>);

/// Runs `script` in a child: its codes, and the `(checked, bad, hash)` of its `verify`s.
fn go(home: &Path, script: &str) -> Outcome {
    go_wrapped(home, script, &[])
}

fn go_wrapped(home: &Path, script: &str, wrap: &[&str]) -> Outcome {
    let out = child::command(home, script, wrap).output().unwrap();
    let (codes, trace) = child::parse(&out.stdout, &out.stderr);
    assert!(out.status.success(), "{script}: {trace}");
    let reports = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("# ").map(|i| l[i + 2..].to_string()))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            (f[0].parse().unwrap(), f[1].parse().unwrap(), f[2].into())
        })
        .collect();
    (codes, reports)
}

/// Runs CSUAAVF in a child: `(rc, rs, checked, first bad)`.
fn verified(home: &Path) -> (i32, i32, i32, i32) {
    let (codes, reports) = go(home, "verify");
    let (checked, bad, _) = reports[0].clone();
    (codes[0].0, codes[0].1, checked, bad)
}

fn lines(home: &Path) -> Vec<String> {
    std::fs::read_to_string(log_of(home))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_lines(home: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(log_of(home), text).unwrap();
}

/// The value of `key` in a record line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split(' ')
        .find_map(|t| t.strip_prefix(key).and_then(|t| t.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

/// `line` with its hash recomputed (what a forger who knows the format does).
fn rehash(line: &str) -> String {
    use sha2::Digest;
    let body = line.split(" hash=").next().unwrap();
    let h = sha2::Sha256::digest(body.as_bytes());
    let hex: String = h.iter().map(|b| format!("{b:02X}")).collect();
    format!("{body} hash={hex}")
}

#[test]
fn every_call_appends_one_record_with_its_fields_and_no_pin() {
    let home = home("audit-fields");
    let (codes, reports) = go(&home, "glb; event; glb; verify");
    assert_eq!(codes, [SYNTAX, (0, 0), SYNTAX, (0, 0)]);
    assert_eq!((reports[0].0, reports[0].1), (4, 0));
    let l = lines(&home);
    assert_eq!(l.len(), 4, "{l:#?}");
    assert_eq!(field(&l[0], "op"), "GENESIS");
    assert_eq!(field(&l[0], "seq"), "1");
    assert_eq!(field(&l[0], "prev"), "0".repeat(64));
    assert_eq!(reports[0].2, field(&l[3], "hash"), "last hash reported");
    for (i, line) in l.iter().enumerate() {
        assert_eq!(field(line, "seq"), (i + 1).to_string());
        assert!(field(line, "pid").parse::<u32>().is_ok());
        assert!(field(line, "time").ends_with('Z'), "{line}");
    }
    for n in [1, 3] {
        let r = &l[n];
        assert_eq!(field(r, "op"), "CSUCGLB");
        // The reader name percent-encoded: its blanks, `%` and the `hash=` it holds
        // cannot pose as fields of their own.
        assert_eq!(
            field(r, "reader"),
            "softcca%20audit%20test%20%25reader%25%20hash=00"
        );
        assert_eq!(field(r, "csn"), "-");
        assert_eq!(field(r, "label"), "-");
        assert_eq!(
            (field(r, "outcome"), field(r, "rc"), field(r, "rs")),
            ("FAIL", "8", "F101")
        );
        assert_eq!(field(r, "prev"), field(&l[n - 1], "hash"));
    }
    assert_eq!(field(&l[2], "op"), "TEST-EVENT");
    assert_eq!(field(&l[2], "d.n"), "0");
    let bytes = std::fs::read(log_of(&home)).unwrap();
    assert!(
        !bytes.windows(PIN7.len()).any(|w| w == PIN7.as_bytes()),
        "the PIN digits are in the log"
    );
    let mode = std::fs::metadata(log_of(&home))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// A log of 8 records: genesis, then glb, event, glb, event, ...
fn eight(tag: &str) -> (PathBuf, Vec<String>) {
    let home = home(tag);
    let (codes, _) = go(&home, "glb; event; glb; event; glb; event; glb");
    assert_eq!(codes.len(), 7);
    let l = lines(&home);
    assert_eq!(l.len(), 8);
    assert_eq!(verified(&home), (0, 0, 8, 0));
    (home, l)
}

#[test]
fn edit_delete_reorder_insert_are_named() {
    let (home, l) = eight("audit-tamper");
    let check = |name: &str, tampered: Vec<String>, want: (i32, i32, i32, i32)| {
        write_lines(&home, &tampered);
        assert_eq!(verified(&home), want, "{name}");
    };
    // An edited field (the outcome of record 4 turned into a success, hash left alone).
    let mut t = l.clone();
    t[3] = t[3]
        .replace("rs=F101", "rs=0000")
        .replace("outcome=FAIL rc=8", "outcome=OK rc=0");
    check("edit", t, (4, EDITED, 3, 4));
    // The same edit by someone who recomputes the record's hash: the next link breaks.
    let mut t = l.clone();
    t[3] = rehash(&t[3].replace("rs=F101", "rs=F100"));
    check("edit and rehash", t, (4, LINK, 4, 5));
    // Record 4 removed.
    let mut t = l.clone();
    t.remove(3);
    check("delete", t, (4, SEQUENCE, 3, 4));
    // Record 4 removed and record 5 renumbered 4 (rehashed): its prev is not record 3's hash.
    let mut t = l.clone();
    t.remove(3);
    t[3] = rehash(&t[3].replace("seq=5 ", "seq=4 "));
    check("delete and renumber", t, (4, LINK, 3, 4));
    // Records 5 and 6 swapped.
    let mut t = l.clone();
    t.swap(4, 5);
    check("reorder", t, (4, SEQUENCE, 4, 5));
    // A copy of record 2 inserted after record 6.
    let mut t = l.clone();
    t.insert(6, l[1].clone());
    check("insert", t, (4, SEQUENCE, 6, 7));
    // A line that is not a record.
    let mut t = l.clone();
    t[2] = "v=1 seq=3 op=CSUCERA rc=0".into();
    check("malformed", t, (4, MALFORMED, 2, 3));
    // A genesis of another directory, rehashed: record 1 itself is bad.
    let mut t = l.clone();
    let dir = field(&t[0], "d.directory").to_string();
    t[0] = rehash(&t[0].replace(&dir, &"0".repeat(32)));
    check("genesis", t, (4, GENESIS, 0, 1));
    // The whole log removed.
    std::fs::remove_file(log_of(&home)).unwrap();
    assert_eq!(verified(&home), (4, MISSING, 0, 1));
    // Back to the original: it verifies again (the verifier changed nothing).
    write_lines(&home, &l);
    assert_eq!(verified(&home), (0, 0, 8, 0));
}

#[test]
fn a_damaged_last_record_stops_the_card_verbs() {
    let (home, l) = eight("audit-damaged");
    let mut t = l.clone();
    t[7] = t[7].replace("rc=8", "rc=9");
    write_lines(&home, &t);
    let before = std::fs::read(log_of(&home)).unwrap();
    let (codes, _) = go(&home, "glb; event");
    assert_eq!(codes, [DAMAGED, DAMAGED]);
    assert_eq!(std::fs::read(log_of(&home)).unwrap(), before);
}

#[test]
fn a_torn_last_line_is_reported_then_repaired_by_the_next_append() {
    let (home, l) = eight("audit-torn");
    let full = std::fs::read(log_of(&home)).unwrap();
    let torn = full.len() - 40;
    std::fs::write(log_of(&home), &full[..torn]).unwrap();
    assert_eq!(verified(&home), (4, TORN, 7, 8));
    let (codes, _) = go(&home, "glb");
    assert_eq!(codes, [SYNTAX]);
    let after = lines(&home);
    assert_eq!(after.len(), 9, "{after:#?}");
    assert_eq!(after[..7], l[..7]);
    assert_eq!(field(&after[7], "op"), "REPAIR");
    assert_eq!(field(&after[7], "seq"), "8");
    let cut = l[7].len() - 39;
    assert_eq!(field(&after[7], "d.torn_bytes"), cut.to_string());
    assert_eq!(field(&after[8], "op"), "CSUCGLB");
    assert_eq!(verified(&home), (0, 0, 9, 0));
}

#[test]
fn a_log_that_cannot_be_opened_stops_the_card_verbs() {
    // A symbolic link planted as audit.log (to a file of the attacker's choice).
    let (home, l) = eight("audit-symlink");
    let elsewhere = home.parent().unwrap().join("elsewhere.log");
    std::fs::rename(log_of(&home), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, log_of(&home)).unwrap();
    let (codes, _) = go(&home, "glb; event; verify");
    assert_eq!(codes, [UNAVAILABLE, UNAVAILABLE, UNAVAILABLE]);
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap().lines().count(),
        l.len()
    );
    // A dangling one: the log is not created through it.
    std::fs::remove_file(log_of(&home)).unwrap();
    let target = home.parent().unwrap().join("created-through-link");
    std::os::unix::fs::symlink(&target, log_of(&home)).unwrap();
    let (codes, _) = go(&home, "glb");
    assert_eq!(codes, [UNAVAILABLE]);
    assert!(!target.exists());
    // A FIFO (an append would block or vanish).
    std::fs::remove_file(log_of(&home)).unwrap();
    let ok = std::process::Command::new("mkfifo")
        .arg(log_of(&home))
        .status()
        .unwrap();
    assert!(ok.success());
    let (codes, _) = go(&home, "glb");
    assert_eq!(codes, [UNAVAILABLE]);
}

/// A command that runs a child with the state directory mounted read-only (its own mount
/// namespace), or `None` when this machine cannot (fails under CI).
fn read_only_wrapper(home: &Path) -> Option<Vec<String>> {
    let probe = std::process::Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but unshare -m is not available"
        );
        eprintln!("skipped: unshare -m not available");
        return None;
    }
    let h = home.display().to_string();
    Some(vec![
        "unshare".into(),
        "-m".into(),
        "--propagation".into(),
        "private".into(),
        "sh".into(),
        "-c".into(),
        format!("mount --bind '{h}' '{h}' && mount -o remount,bind,ro '{h}' && exec \"$@\""),
        "sh".into(),
    ])
}

#[test]
fn a_read_only_state_directory_stops_the_card_verbs_and_still_verifies() {
    let (home, _) = eight("audit-readonly");
    let Some(wrap) = read_only_wrapper(&home) else {
        return;
    };
    let wrap: Vec<&str> = wrap.iter().map(String::as_str).collect();
    let before = child::snapshot(&home);
    let (codes, reports) = go_wrapped(&home, "glb; event; verify", &wrap);
    assert_eq!(codes, [UNAVAILABLE, UNAVAILABLE, (0, 0)]);
    assert_eq!((reports[0].0, reports[0].1), (8, 0));
    assert_eq!(child::snapshot(&home), before);
}

#[test]
fn sixteen_processes_of_four_threads_keep_one_chain() {
    const P: usize = 16;
    const T: usize = 4;
    const K: usize = 6;
    let home = home("audit-race");
    let _ = go(&home, "event");
    let start = Instant::now();
    let children: Vec<_> = (0..P)
        .map(|_| {
            child::command(&home, &format!("threads {T} {K}"), &[])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        let (codes, trace) = child::parse(&out.stdout, &out.stderr);
        assert!(out.status.success(), "{trace}");
        assert_eq!(codes.len(), T * K * 2, "{trace}");
        assert!(
            codes.iter().all(|c| *c == SYNTAX || *c == (0, 0)),
            "{codes:?}"
        );
    }
    eprintln!(
        "{} appends from {P} processes × {T} threads in {:?}",
        P * T * K * 2,
        start.elapsed()
    );
    let n = (2 + P * T * K * 2) as i32;
    assert_eq!(verified(&home), (0, 0, n, 0));
}

#[test]
fn appenders_killed_at_random_leave_a_log_that_verifies() {
    let home = home("audit-kill");
    let _ = go(&home, "event");
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let deadline = Instant::now() + Duration::from_secs(8);
    let mut rounds = 0;
    while Instant::now() < deadline {
        let mut kids: Vec<_> = (0..6)
            .map(|_| {
                child::command(&home, "forever", &[])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        std::thread::sleep(Duration::from_millis(150 + next(200)));
        while !kids.is_empty() {
            let mut k = kids.swap_remove(next(kids.len() as u64) as usize);
            k.kill().unwrap();
            k.wait().unwrap();
            std::thread::sleep(Duration::from_millis(next(15)));
        }
        rounds += 1;
        let (rc, rs, checked, bad) = verified(&home);
        if (rc, rs) == (4, TORN) {
            // Only the last line may be torn; the next append cuts it (with a REPAIR record).
            let (codes, _) = go(&home, "event");
            assert_eq!(codes, [(0, 0)]);
            let (rc, rs, _, _) = verified(&home);
            assert_eq!((rc, rs), (0, 0), "round {rounds}: after the repair");
        } else {
            assert_eq!((rc, rs, bad), (0, 0, 0), "round {rounds}");
        }
        assert!(checked > 1);
    }
    let l = lines(&home);
    eprintln!("{rounds} rounds of 6 appenders killed, {} records", l.len());
}

/// examples/c/audit_verify.c, the auditor's program: chain intact, then the first bad record.
#[test]
fn the_auditor_program_names_the_first_bad_record() {
    let Some(exe) = common::c_build::compile_example("audit_verify example", "audit_verify") else {
        return;
    };
    let (home, l) = eight("audit-example");
    let run = |want: i32| {
        let out = std::process::Command::new(&exe)
            .env("SOFTCCA_HOME", &home)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(want));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ok = run(0);
    assert!(
        ok.contains("audit log: 8 records verified, chain intact"),
        "{ok}"
    );
    assert!(ok.contains(field(&l[7], "hash")), "{ok}");
    let mut t = l.clone();
    t[4] = t[4].replace("d.n=0", "d.n=7");
    write_lines(&home, &t);
    let bad = run(1);
    assert!(
        bad.contains("4 records verified; record 5 is bad: X'F209' a field was edited"),
        "{bad}"
    );
}
