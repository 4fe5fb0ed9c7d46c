//! CKDS records for the console's tests, written and read by a C caller of the library (this
//! test binary run again as a child process, `SOFTCCA_HOME` its state directory: the library
//! opens one directory per process), independently of the console's own code.
//!
//! Tokens and master keys are the published test values (tests/vectors/README.md,
//! tests/data/tokens.txt and mkvp.txt, computed by the clean-room model, never by softcca).
//!
//! A test binary that uses it has the test `ckds_child` calling [`child_main`]: it does
//! nothing unless the binary was started by [`script`].
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The published test master key (tests/vectors/README.md) and its MKVP.
pub const MK_A: &str = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123";
/// MKVP of [`MK_A`] (tests/vectors/README.md).
pub const MKVP_A: &str = "23FB12BC983BE87A";
/// The second master key of tests/data/tokens.txt.
pub const MK_B: &str = "083DF8BC3116FE91F29E439185FD64296879CB94D3164086";
/// MKVP of [`MK_B`] (tests/data/tokens.txt).
pub const MKVP_B: &str = "E3665A78675BE066";
/// tests/data/mkvp.txt rnd-0.
pub const MK_C: &str = "C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1";
/// MKVP of [`MK_C`] (tests/data/mkvp.txt).
pub const MKVP_C: &str = "6A74E3BF4B721C04";

/// The first part of every test key: odd parity in every byte, key bits in every third.
pub const PART_1: &str = "131313131313131326262626262626264A4A4A4A4A4A4A4A";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// The second part of `mk`: `mk` XOR [`PART_1`].
pub fn part_2(mk: &str) -> String {
    let (a, b) = (unhex(mk), unhex(PART_1));
    hex(&a.iter().zip(&b).map(|(x, y)| x ^ y).collect::<Vec<u8>>())
}

/// Three parts of `mk`, each of odd parity: [`PART_1`], a fixed middle part, and the rest.
pub fn three_parts(mk: &str) -> [String; 3] {
    let middle = "2C2C2C2C2C2C2C2C5D5D5D5D5D5D5D5D7F7F7F7F7F7F7F7F";
    let (a, b, c) = (unhex(mk), unhex(PART_1), unhex(middle));
    let last: Vec<u8> = (0..24).map(|i| a[i] ^ b[i] ^ c[i]).collect();
    [PART_1.to_string(), middle.to_string(), hex(&last)]
}

/// A token of tests/data/tokens.txt by id: (token hex, its MKVP, its fields).
pub fn token(id: &str) -> std::collections::HashMap<String, String> {
    let text = include_str!("../../../tests/data/tokens.txt");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("id={id} ")))
        .unwrap_or_else(|| panic!("no token {id}"));
    line.split(' ')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The first token of tokens.txt under the master key `mk` whose id is not in `skip`.
pub fn token_under(mk: &str, n: usize) -> String {
    let text = include_str!("../../../tests/data/tokens.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && l.contains(&format!(" mk={mk} ")))
        .filter_map(|l| {
            l.split(' ')
                .find_map(|kv| kv.strip_prefix("token="))
                .map(str::to_string)
        })
        .nth(n)
        .expect("enough tokens under this master key")
}

/// The files of `home` a logon may change besides the audit log: `access.db` records logon
/// tries; softcca.gen and .softcca-gen.keep are shared counters. Everything else (registers,
/// CKDS, roles) is compared.
pub fn keys_state(home: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![home.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if !n.starts_with("audit")
                && !n.starts_with("access.db")
                && n != "softcca.gen"
                && !n.contains("softcca-gen")
            {
                files.push((p.clone(), std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    files.sort();
    files
}

/// Asserts two snapshots are equal, naming the files that differ (not their bytes).
pub fn assert_same(
    before: &[(std::path::PathBuf, Vec<u8>)],
    after: &[(std::path::PathBuf, Vec<u8>)],
    what: &str,
) {
    let names =
        |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(before),
        names(after),
        "{what}: files added or removed"
    );
    for ((p, a), (_, b)) in before.iter().zip(after) {
        assert!(a == b, "{what}: {} changed", p.display());
    }
}

/// Loads `mk` from two parts without a logon (a legacy directory: no dual control) and sets it,
/// through the console.
pub fn load_and_set(home: &Path, mk: &str) {
    let input = format!("{PART_1}\n{}\n", part_2(mk));
    crate::common::run(
        home,
        &["mk", "load-parts", "--parts", "2", "--part-fd", "0"],
        &input,
    )
    .ok();
    crate::common::run(home, &["mk", "set", "--yes"], "").ok();
}

/// `mk load-parts --json` by CUST1 (the first part, [`PART_1`]) and CUST2 (the rest of `mk`),
/// their passphrases and parts through standard input; `extra` arguments after.
pub fn custodians_load(home: &Path, mk: &str, extra: &[&str]) -> crate::common::Out {
    use crate::common::{CUST1, CUST2};
    let input = format!("{}\n{PART_1}\n{}\n{}\n", CUST1.1, CUST2.1, part_2(mk));
    let mut args = vec![
        "--json",
        "mk",
        "load-parts",
        "--custodian",
        CUST1.0,
        "--custodian",
        CUST2.0,
        "--logon-fd",
        "0",
        "--part-fd",
        "0",
    ];
    args.extend_from_slice(extra);
    crate::common::run(home, &args, &input)
}

/// `--user CUST1 mk change --json --yes` to `mk`, its parts loaded by CUST1 and CUST2.
pub fn custodians_change(home: &Path, mk: &str) -> crate::common::Out {
    use crate::common::{CUST1, CUST2};
    let input = format!(
        "{}\n{}\n{PART_1}\n{}\n{}\n",
        CUST1.1,
        CUST1.1,
        CUST2.1,
        part_2(mk)
    );
    let args = [
        "--user",
        CUST1.0,
        "--logon-fd",
        "0",
        "--json",
        "mk",
        "change",
        "--custodian",
        CUST1.0,
        "--custodian",
        CUST2.0,
        "--part-fd",
        "0",
        "--yes",
    ];
    crate::common::run(home, &args, &input)
}

const SCRIPT: &str = "SOFTCCA_CONSOLE_CKDS_SCRIPT";

/// Runs `commands` (`logon USER PASSPHRASE…`, `write LABEL TOKENHEX`, `create LABEL`,
/// `mkvp LABEL`) in a child process on `home`; one answer line per command
/// (`rc rs [value]`).
pub fn script(home: &Path, commands: &[String]) -> Vec<String> {
    let exe = std::env::current_exe().unwrap();
    let o = Command::new(exe)
        .args([
            "--exact",
            "ckds_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("SOFTCCA_HOME", home)
        .env(SCRIPT, commands.join("\n"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "child: {out} {:?}", o.stderr);
    out.lines()
        .filter_map(|l| l.strip_prefix("@@ "))
        .map(str::to_string)
        .collect()
}

/// Writes records (label, token hex) into `home`'s CKDS, logged on as `user` when given.
pub fn write(home: &Path, user: Option<(&str, &str)>, records: &[(&str, &str)]) {
    let mut cmds = Vec::new();
    if let Some((u, p)) = user {
        cmds.push(format!("logon {u} {p}"));
    }
    for (l, t) in records {
        cmds.push(format!("create {l}"));
        if !t.is_empty() {
            cmds.push(format!("write {l} {t}"));
        }
    }
    for (i, a) in script(home, &cmds).iter().enumerate() {
        assert!(a.starts_with("0 "), "{}: {a}", cmds[i]);
    }
}

/// The MKVP in the token of record `label`, read with CSNBKRR.
pub fn mkvp(home: &Path, label: &str) -> String {
    let a = script(home, &[format!("mkvp {label}")]);
    let w: Vec<&str> = a[0].split(' ').collect();
    assert_eq!(&w[..2], &["0", "0"], "CSNBKRR {label}: {a:?}");
    w[2].to_string()
}

fn field(text: &str) -> [u8; 64] {
    let mut f = [b' '; 64];
    f[..text.len()].copy_from_slice(text.as_bytes());
    f
}

/// The child's side: runs the script of [`script`], if this process was started by it.
pub fn child_main() {
    let Ok(script) = std::env::var(SCRIPT) else {
        return;
    };
    for line in script.lines() {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let (mut rc, mut rs) = (-1i32, -1i32);
        let mut value = String::new();
        let (n, m) = (std::ptr::null_mut::<i32>(), std::ptr::null_mut::<u8>());
        // SAFETY: every buffer has the size the verb's page gives (64-byte labels and tokens,
        // 8-byte user id); the verbs read their inputs only.
        unsafe {
            match verb {
                "logon" => {
                    let (user, pass) = rest.split_once(' ').unwrap();
                    let mut rules = *b"LOGON   PPHRASE ";
                    let mut count = 2;
                    let mut u = [b' '; 8];
                    u[..user.len()].copy_from_slice(user.as_bytes());
                    let mut plen = 0;
                    let mut dlen = pass.len() as i32;
                    let mut p = pass.as_bytes().to_vec();
                    softcca::ffi::access::CSUALCT(
                        &mut rc,
                        &mut rs,
                        n,
                        m,
                        &mut count,
                        rules.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &mut plen,
                        m,
                        &mut dlen,
                        p.as_mut_ptr(),
                    );
                }
                "create" => {
                    let mut l = field(rest);
                    softcca::ffi::keyrec::CSNBKRC(&mut rc, &mut rs, n, m, l.as_mut_ptr());
                }
                "write" => {
                    let (label, t) = rest.split_once(' ').unwrap();
                    let mut l = field(label);
                    let mut t: [u8; 64] = unhex(t).try_into().unwrap();
                    softcca::ffi::keyrec::CSNBKRW(
                        &mut rc,
                        &mut rs,
                        n,
                        m,
                        t.as_mut_ptr(),
                        l.as_mut_ptr(),
                    );
                }
                "mkvp" => {
                    let mut l = field(rest);
                    let mut t = [0u8; 64];
                    softcca::ffi::keyrec::CSNBKRR(
                        &mut rc,
                        &mut rs,
                        n,
                        m,
                        l.as_mut_ptr(),
                        t.as_mut_ptr(),
                    );
                    value = hex(&t[8..16]);
                }
                other => panic!("unknown command {other}"),
            }
        }
        // A line of its own (libtest writes the test name before it).
        println!("\n@@ {rc} {rs} {value}");
    }
}
