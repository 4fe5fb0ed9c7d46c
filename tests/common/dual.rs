//! Dual-control helpers shared by tests/dual_control.rs and tests/attack_dual.rs: the roles file
//! the tests write (sections form, docs/access-control.md), real logons (CSUAACI INIT-AC of the
//! test profiles, CSUALCT LOGON PPHRASE, LOGOFF), the X'F040' switch, the s9 test key and its
//! parts.
#![allow(dead_code)]

use softcca::state::Coprocessor;
use softcca::state::acp::points::{LEGACY_DEFAULTS, LEGACY_ON};

use std::path::PathBuf;

use super::key_slots::{kpi, kyt};
use super::profiles;
use super::verbs::TEST_MK;
use super::*;

/// Softcca's point Key parts without dual control.
pub const F040: u16 = 0xF040;
/// 8/X'F330', 8/X'F331', 8/X'F332'.
pub const KPI_ONE: (i32, i32) = (8, 0xF330);
pub const MK_PARTS_ONE: (i32, i32) = (8, 0xF331);
pub const MK_SET_ONE: (i32, i32) = (8, 0xF332);
/// 8/X'F333': a profile's second part of one key.
pub const SAME_CUSTODIAN: (i32, i32) = (8, 0xF333);
/// 8/X'F334': a part with an 8-byte segment of parity bits only.
pub const NULL_PART: (i32, i32) = (8, 0xF334);
/// 8/X'F335': no logon, or a partial key no logged-on FIRST started (or whose record is used up).
pub const NO_CUSTODY: (i32, i32) = (8, 0xF335);
/// 8/X'F336': a custody record that is not authentic.
pub const FORGED: (i32, i32) = (8, 0xF336);
/// ENC-ZERO of the s9-ipinenc key (tests/data/kcv.txt s9-pin-key, from `cryptography`).
pub const S9_KCV: &str = "08D7B4FB";
/// The profiles the tests enrol (role KEYCUST) besides the security officer ADMIN.
pub const CUSTODIANS: [&str; 3] = ["CUST1", "CUST2", "CUST3"];

/// The state directory of this test binary.
pub fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap())
}

/// The roles file of the tests (sections form): DEFAULT (no logon) and KEYCUST (the
/// custodians, strength 1) with every point a directory had before roles (the legacy set) but
/// X'F040', which both get only when `single` (dual control lifted); ADMIN (strength 1) the
/// security officer's points X'0112'..X'0118' that enrol the custodians. KEYCUST is the last
/// section (a line appended to the file lands in it).
pub fn roles_text(single: bool) -> String {
    let mut all: Vec<u16> = LEGACY_DEFAULTS
        .iter()
        .filter(|(_, on, _)| *on)
        .map(|(o, _, _)| *o)
        .chain(LEGACY_ON.iter().copied())
        .filter(|&o| single || o != F040)
        .collect();
    all.sort_unstable();
    all.dedup();
    let points =
        |list: &[u16]| -> String { list.iter().map(|o| format!("X'{o:04X}' on\n")).collect() };
    format!(
        "derived-key-parity odd\n\n[DEFAULT]\ncomment no logon\nstrength 0\n{}\n\
         [ADMIN]\ncomment security officer\nstrength 1\n{}\n\
         [KEYCUST]\ncomment key custodians\nstrength 1\n{}",
        points(&all),
        points(&(0x0112..=0x0118).collect::<Vec<_>>()),
        points(&all),
    )
}

/// Writes the roles file ([`roles_text`]), dual control on unless `single`.
pub fn write_roles(single: bool) {
    // The first verb call of the process creates the directory.
    Coprocessor::global().unwrap();
    std::fs::write(home().join("acp.conf"), roles_text(single)).unwrap();
}

/// The passphrase of the test profile `user`.
fn pass(user: &str) -> String {
    format!("pass phrase of {user}")
}

/// Enrols ADMIN and the custodians with CSUAACI INIT-AC (the bootstrap: the store is empty and
/// ADMIN's role holds X'0112') unless the directory has profiles already.
pub fn enrol() {
    let cp = Coprocessor::global().unwrap();
    if cp.profiles().unwrap().count().unwrap() > 0 {
        return;
    }
    let profile = |user: &str, role: &str| {
        profiles::profile(
            user,
            role,
            profiles::date(2020, 1, 1),
            profiles::date(2099, 12, 31),
            &profiles::auth(&[profiles::pass_mech(&pass(user))]),
        )
    };
    let mut all = vec![profile("ADMIN", "ADMIN")];
    all.extend(CUSTODIANS.iter().map(|u| profile(u, "KEYCUST")));
    assert_eq!(
        profiles::aaci(&["INIT-AC"], &profiles::aggregate(&all), &[]),
        (0, 0),
        "INIT-AC of the test profiles"
    );
}

/// Logs the calling thread on as `user` with CSUALCT LOGON PPHRASE (enrolling the test
/// profiles first when the directory has none).
pub fn logon(user: &str) {
    enrol();
    assert_eq!(
        profiles::logon(user, &pass(user)),
        (0, 0),
        "CSUALCT LOGON {user}"
    );
}

/// Ends the calling thread's logon (CSUALCT LOGOFF; not logged on, 8/X'F31A', is logged off
/// too).
pub fn logoff() {
    let r = profiles::logoff();
    assert!(r == (0, 0) || r == (8, 0xF31A), "CSUALCT LOGOFF: {r:?}");
}

/// The custodians' role and DEFAULT: every key-part and master-key point, X'F040' off (on:
/// `false`, one profile, or no logon, may do everything).
pub fn dual_control_on(on: bool) {
    write_roles(!on);
}

/// A step that must succeed on a copy of `t`: the new token.
pub fn kpi_ok(word: &str, part: &[u8; 16], t: &[u8; 64]) -> [u8; 64] {
    let mut out = *t;
    let r = kpi(word, part, &mut out);
    assert!(r == (0, 0) || r == (0, 4), "{word}: {r:?}");
    out
}

/// A part step (FIRST, MIDDLE, LAST) that must succeed (a parity warning allowed).
pub fn mkp_ok(word: &str, part: &[u8; 24]) {
    let r = mkp(&[word], part);
    assert_eq!(r.0, 0, "{word}: {r:?}");
}

/// ENC-ZERO verification pattern of the key in `t` (CSNBKYT).
pub fn enc_zero(t: &[u8; 64]) -> String {
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    let r = kyt(&["GENERATE", "KEY-ENC", "ENC-ZERO"], t, &mut v1, &mut v2);
    assert_eq!(r, (0, 0), "CSNBKYT");
    to_hex(&v2[..4])
}

/// `a` XOR `b`, the first `N` bytes.
pub fn xor<const N: usize>(a: &[u8], b: &[u8]) -> [u8; N] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

/// The s9-ipinenc case of tests/data/tokens.txt (model-built under the test master key):
/// the key and its token; its ENC-ZERO pattern is [`S9_KCV`].
pub fn s9_pin_key() -> (Vec<u8>, String) {
    let c = cases("tokens.txt")
        .into_iter()
        .find(|c| c.id() == "s9-ipinenc")
        .unwrap();
    (c.hex("key"), c.text("token").to_string())
}

/// The second key part of the tests (odd parity, halves not equal).
pub fn part2() -> [u8; 16] {
    arr(&hex("0E0B0D070D0B0E07070E0B0D070D0B0E"))
}

/// Loads the test master key with X'F040' on and no logon (the legacy way), leaves the roles
/// with dual control on.
pub fn test_master_key() {
    Coprocessor::global().unwrap();
    logoff();
    dual_control_on(false);
    load_mk(&hex(TEST_MK));
    dual_control_on(true);
}

/// The current master key's MKVP (CSUACFQ STATMKVP).
pub fn current_mkvp() -> String {
    let e = cfq(&["STATMKVP"]);
    format!("{}{}", e[3].trim(), e[4].trim())
}

/// The new register's state (CSUACFQ STATMKVP: 1 empty, 2 partial, 3 full).
pub fn new_register_state() -> String {
    cfq(&["STATMKVP"])[0].trim().to_string()
}

/// `true` when this process runs on a directory bound to an SVMK; otherwise runs test `name`
/// of this binary again in a child bound to one (tests/common/verbs.rs SOFTCCA_TEST_BOUND,
/// with `--ignored` for an ignored test), asserts that it passed, and returns `false`.
pub fn in_bound_child(name: &str, ignored: bool) -> bool {
    let cp = Coprocessor::global().unwrap();
    if cp.master_key_store().binding().unwrap().svmk.is_some() {
        return true;
    }
    let mut args = vec!["--exact", name, "--test-threads=1"];
    if ignored {
        args.insert(0, "--ignored");
    }
    let st = std::process::Command::new(std::env::current_exe().unwrap())
        .args(args)
        .env("SOFTCCA_TEST_BOUND", "1")
        .env_remove("SOFTCCA_HOME")
        .status()
        .unwrap();
    assert!(st.success(), "the bound run of {name} failed");
    false
}
