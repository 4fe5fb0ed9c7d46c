//! Verb calls in a fresh child process (this test binary run again), for tests that need a
//! process's *first* opening of a state directory: `child_script` runs a script of commands
//! given in `SOFTCCA_CHILD_SCRIPT` and prints one `= rc rs` line per command.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

use super::pcu_call::call_for;
use super::verbs::{TEST_MK, token};
use super::*;

/// The token `krw` writes.
pub fn test_token() -> [u8; 64] {
    token(
        TEST_MK,
        &hex("0123456789ABCDEFFEDCBA9876543210"),
        &softcca::cv::ControlVector::dkygenky(0, softcca::cv::DkyUsage::DMac),
    )
}

/// The VISAPCU1 case of tests/data/pcu.txt, its authentication MDK under `label`.
pub fn pcu_case_by_label(label_text: &str) -> (super::pcu_call::Call, String) {
    let cs = cases("pcu.txt");
    let c = cs
        .iter()
        .find(|c| c.text("method_ascii") == "VISAPCU1")
        .unwrap();
    let mut call = call_for(c);
    call.auth = label(label_text);
    (call, c.text("out").to_string())
}

/// Runs one command of a child script; returns (rc, rs).
pub fn run_command(cmd: &str) -> (i32, i32) {
    let mut words = cmd.split_whitespace();
    let verb = words.next().unwrap_or("");
    let arg = words.next().unwrap_or("");
    match verb {
        "krc" => krc(&label(arg)),
        "krw" => krw(&test_token(), &label(arg)),
        "krr" => {
            let (codes, t) = krr_codes(&label(arg));
            if codes == (0, 0) && t != test_token() {
                return (-2, -2);
            }
            codes
        }
        // A verb that consults no access control and no key (CSUACFQ STATCCA).
        "cfq" => {
            let (mut n, mut v) = (1, 0);
            let (rc, rs, _) = super::cfq_raw(&mut n, &["STATCCA"], &mut v);
            (rc, rs)
        }
        // A verb that consults access control (X'0032') and writes the registers.
        "mkp-clear" => mkp(&["CLEAR"], &[0; 24]),
        "load-mk" => {
            load_mk(&hex(TEST_MK));
            (0, 0)
        }
        // CSNBPCU with the authentication MDK read from the CKDS under `arg`.
        "pcu" => {
            let (mut call, out) = pcu_case_by_label(arg);
            let r = call.run(false);
            if r == (0, 0) && call.output() != out {
                return (-2, -2);
            }
            r
        }
        // Stores the VISAPCU1 case's authentication MDK under `arg` (for `pcu`).
        "store-pcu-mdk" => {
            let cs = cases("pcu.txt");
            let c = cs
                .iter()
                .find(|c| c.text("method_ascii") == "VISAPCU1")
                .unwrap();
            let l = label(arg);
            let created = krc(&l);
            if created != (0, 0) {
                return created;
            }
            krw(&call_for(c).auth, &l)
        }
        "wait" => {
            while !Path::new(arg).exists() {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            (0, 0)
        }
        // Directory protection (softcca::custody::directory) with the test secret [arg; 32].
        "bind" | "bind-as-partition" | "activate" | "deactivate" | "pbind" | "pbind-as-svmk"
        | "authorise" | "deauthorise" => protection_command(verb, arg, words.next(), words.next()),
        "csuadact" => no_keyword(softcca::ffi::protection::CSUADAC),
        "csuadaut" => no_keyword(softcca::ffi::protection::CSUADAU),
        "sleep" => {
            std::thread::sleep(std::time::Duration::from_millis(arg.parse().unwrap()));
            (0, 0)
        }
        "touch" => {
            std::fs::write(arg, b"").unwrap();
            (0, 0)
        }
        _ => panic!("unknown child command {cmd:?}"),
    }
}

/// A no-keyword verb of src/ffi/protection.rs (CSUADAC, CSUADAU) through its C entry point.
fn no_keyword(
    verb: unsafe extern "C" fn(*mut i32, *mut i32, *mut i32, *mut u8, *mut i32, *mut u8),
) -> (i32, i32) {
    let (mut rc, mut rs, mut count) = (-1, -1, 0i32);
    // SAFETY (test): count 0, NULL rule array and exit data are allowed.
    unsafe {
        verb(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
        )
    };
    (rc, rs)
}

/// The test secret of one letter: 32 bytes of it.
pub fn test_secret(letter: &str) -> softcca::custody::Secret {
    let mut s = softcca::custody::Secret::zeroed();
    s.as_bytes_mut()
        .fill(letter.as_bytes().first().copied().unwrap_or(b'S'));
    s
}

fn protection_command(verb: &str, arg: &str, pw: Option<&str>, expiry: Option<&str>) -> (i32, i32) {
    use softcca::custody::{SecretKind, directory as d};
    let cp = match softcca::state::Coprocessor::global() {
        Ok(cp) => cp,
        Err(e) => return softcca::codes::of(e),
    };
    let s = test_secret(arg);
    let pw = pw.unwrap_or("").as_bytes();
    let r = match verb {
        "bind" => d::bind(cp, &s, SecretKind::ServerMasterKey),
        "bind-as-partition" => d::bind(cp, &s, SecretKind::Partition),
        "activate" => d::activate(cp, &s),
        "deactivate" => d::deactivate(cp),
        "pbind" => d::bind_partition(cp, &s, SecretKind::Partition, pw),
        "pbind-as-svmk" => d::bind_partition(cp, &s, SecretKind::ServerMasterKey, pw),
        "authorise" => d::authorise(cp, &s, pw, expiry.map(|e| e.parse().unwrap())),
        _ => d::deauthorise(cp),
    };
    match r {
        Ok(()) => (0, 0),
        Err(e) => softcca::codes::of(e),
    }
}

/// The child side: runs `SOFTCCA_CHILD_SCRIPT` (commands separated by `;`).
pub fn child_main() {
    let Ok(script) = std::env::var("SOFTCCA_CHILD_SCRIPT") else {
        return;
    };
    use std::io::Write;
    for cmd in script.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let (rc, rs) = run_command(cmd);
        println!("= {rc} {rs}");
        std::io::stdout().flush().unwrap();
    }
}

/// A child running `script` on state directory `home`: the command (not yet spawned).
/// `wrap` runs it through another program first (e.g. `setpriv …`).
pub fn command(home: &Path, script: &str, wrap: &[&str]) -> Command {
    let exe = std::env::current_exe().unwrap();
    let args = [
        "--ignored",
        "--exact",
        "child_script",
        "--test-threads=1",
        "--nocapture",
        "--quiet",
    ];
    let mut c = match wrap.split_first() {
        Some((p, rest)) => {
            let mut c = Command::new(p);
            c.args(rest).arg(&exe).args(args);
            c
        }
        None => {
            let mut c = Command::new(&exe);
            c.args(args);
            c
        }
    };
    c.env("SOFTCCA_HOME", home)
        .env("SOFTCCA_CHILD_SCRIPT", script)
        .env("SOFTCCA_ACP_RECHECK_MS", "0")
        .env("SOFTCCA_TRACE", "errors")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    c
}

/// Runs `script` in a child on `home`: each command's (rc, rs), and the child's trace
/// (standard error).
pub fn run(home: &Path, script: &str) -> (Vec<(i32, i32)>, String) {
    run_wrapped(home, script, &[])
}

/// As [`run`], through `wrap`.
pub fn run_wrapped(home: &Path, script: &str, wrap: &[&str]) -> (Vec<(i32, i32)>, String) {
    let out = command(home, script, wrap).output().unwrap();
    parse(&out.stdout, &out.stderr)
}

/// The (rc, rs) lines of a child's standard output, and its standard error.
pub fn parse(stdout: &[u8], stderr: &[u8]) -> (Vec<(i32, i32)>, String) {
    let text = String::from_utf8_lossy(stdout);
    let codes = text
        .lines()
        .filter_map(|l| l.find("= ").map(|i| &l[i + 2..]))
        .filter_map(|l| {
            let mut it = l.split(' ').map(|x| x.trim().parse::<i32>());
            match (it.next(), it.next()) {
                (Some(Ok(a)), Some(Ok(b))) => Some((a, b)),
                _ => None,
            }
        })
        .collect();
    (codes, String::from_utf8_lossy(stderr).into_owned())
}

/// Every file of `dir` with its contents, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}
