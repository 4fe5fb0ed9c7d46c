//! Shared test helpers: the vector-file parser (tests/data/*.txt, written by
//! tests/vectors/gen.py from independent sources) and hex.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

/// One case: field name → value (hex fields decoded lazily by [`Case::hex`]).
pub struct Case {
    pub fields: HashMap<String, String>,
}

impl Case {
    pub fn id(&self) -> &str {
        &self.fields["id"]
    }
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
    pub fn hex(&self, name: &str) -> Vec<u8> {
        hex(self
            .fields
            .get(name)
            .unwrap_or_else(|| panic!("{}: no field {name}", self.id())))
    }
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .unwrap_or_else(|| panic!("{}: no field {name}", self.id()))
    }
    pub fn opt(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Reads `tests/data/<name>`.
pub fn cases(name: &str) -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let out: Vec<Case> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| Case {
            fields: l
                .split(' ')
                .map(|kv| {
                    let (k, v) = kv
                        .split_once('=')
                        .unwrap_or_else(|| panic!("bad field {kv:?}"));
                    (k.to_string(), v.to_string())
                })
                .collect(),
        })
        .collect();
    assert!(!out.is_empty(), "{name} has no cases");
    out
}

pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

pub fn arr<const N: usize>(v: &[u8]) -> [u8; N] {
    v.try_into()
        .unwrap_or_else(|_| panic!("want {N} bytes, got {}", v.len()))
}

/// A 64-byte blank-padded label field.
pub fn label(s: &str) -> [u8; 64] {
    let mut f = [b' '; 64];
    f[..s.len()].copy_from_slice(s.as_bytes());
    f
}

pub mod c_build;
pub mod child;
pub mod dual;
pub mod key_slots;
pub mod pcu_call;
pub mod profiles;
pub mod seccomp;
pub mod verbs;

/// A state directory for `tag` and the calling thread.
///
/// It lies in this test process's scratch root, `$TMPDIR/softcca-test-<pid>` (mode 0711: others
/// may pass through it, as the tests that run a child as an unprivileged user need, not list it),
/// which is removed when the process exits: the tests leave no state directories behind.
///
/// It stands for an **existing** directory: created (mode 0700) with the legacy-form
/// `acp.conf` of a directory initialised before roles existed (every point as before, see
/// [`legacy_state`]), until the tests log on as custodians (CSUALCT). Tests of initialisation
/// itself and of the shipped roles use [`fresh_state`].
pub fn temp_state(tag: &str) -> std::path::PathBuf {
    legacy_state(tag)
}

/// A fresh, empty state directory path (not created): the library initialises it on first
/// use, with the roles a new directory ships.
pub fn fresh_state(tag: &str) -> std::path::PathBuf {
    let d = scratch_root().join(format!("{tag}-{:?}", std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// The legacy-form `acp.conf` (tests/data/acp-legacy.conf): every point as a directory
/// initialised before roles had it, plus the points added since (docs/access-control.md).
pub const LEGACY_ACP: &str = include_str!("../data/acp-legacy.conf");

/// A fresh state directory for `tag` that stands for an **existing** directory: created
/// (mode 0700) with the legacy-form `acp.conf` of a directory initialised before roles
/// existed, so the library adopts it on first use (all points as before). The tests that
/// manage keys use it until they log on as custodians (CSUALCT); the tests about roles use
/// [`temp_state`] and the roles a new directory ships.
pub fn legacy_state(tag: &str) -> std::path::PathBuf {
    let d = fresh_state(tag);
    write_legacy_acp(&d);
    d
}

/// Creates `dir` (mode 0700) when missing and writes the legacy-form `acp.conf` into it
/// (see [`legacy_state`]).
pub fn write_legacy_acp(dir: &Path) {
    use std::os::unix::fs::DirBuilderExt;
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir);
    std::fs::write(dir.join("acp.conf"), LEGACY_ACP).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("acp.conf"), std::fs::Permissions::from_mode(0o600)).unwrap();
}

static SCRATCH_ROOT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
static SCRATCH_OWNER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The process's scratch root, created on first use, with an `atexit` handler that removes it.
fn scratch_root() -> &'static std::path::Path {
    SCRATCH_ROOT.get_or_init(|| {
        use std::os::unix::fs::DirBuilderExt;
        let pid = std::process::id();
        let root = std::env::temp_dir().join(format!("softcca-test-{pid}"));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::DirBuilder::new()
            .mode(0o711)
            .create(&root)
            .unwrap_or_else(|e| panic!("scratch root {}: {e}", root.display()));
        SCRATCH_OWNER.store(pid, std::sync::atomic::Ordering::SeqCst);
        // SAFETY: registers a plain `extern "C" fn()`; libc calls it once, at exit().
        unsafe { libc::atexit(remove_scratch_root) };
        root
    })
}

/// Runs at exit(): removes the scratch root, only in the process that made it (a forked
/// child that calls exit() must not remove its parent's directories).
extern "C" fn remove_scratch_root() {
    if SCRATCH_OWNER.load(std::sync::atomic::Ordering::SeqCst) != std::process::id() {
        return;
    }
    if let Some(root) = SCRATCH_ROOT.get() {
        let _ = std::fs::remove_dir_all(root);
    }
}

// ---- Helpers for the key-verb tests (tests/keys_*.rs) ----

/// The test master key of tests/vectors/README.md and its MKVP (tests/data/mkvp.txt `s9-test-mk`).
pub const S9_MK: &str = "0123456789ABCDEF23456789ABCDEF01456789ABCDEF0123";
pub const S9_MKVP: &str = "23FB12BC983BE87A";

/// Points SOFTCCA_HOME at a fresh state directory. Call before the first verb call of the
/// test binary (the coprocessor is opened once per process).
pub fn init_home(tag: &str) -> std::path::PathBuf {
    let d = legacy_state(tag);
    // SAFETY: called once at the start of the binary's only test, before any other thread
    // reads the environment.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &d);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
    }
    d
}

/// An 8-byte blank-padded keyword.
pub fn kw8(s: &str) -> [u8; 8] {
    let mut k = [b' '; 8];
    k[..s.len()].copy_from_slice(s.as_bytes());
    k
}

/// A rule array of blank-padded keywords.
pub fn rules(words: &[&str]) -> Vec<u8> {
    words.iter().flat_map(|w| kw8(w)).collect()
}

/// Calls CSNBMKP; returns (rc, rs).
pub fn mkp(words: &[&str], part: &[u8; 24]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let mut p = *part;
    unsafe {
        softcca::ffi::masterkey::CSNBMKP(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            p.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// Loads `mk` (24 bytes, odd parity) as the new current master key (current → old). When `mk`
/// is current already, SET answers 8/704 and the registers stay as they were.
pub fn load_mk(mk: &[u8]) {
    assert_eq!(mkp(&["CLEAR"], &[0; 24]).0, 0);
    assert_eq!(mkp(&["FIRST"], &arr(mk)), (0, 0));
    assert_eq!(mkp(&["LAST"], &[0; 24]).0, 0);
    let set = mkp(&["SET"], &[0; 24]);
    assert!(set == (0, 0) || set == (8, 704), "SET {set:?}");
    assert_eq!(mkp(&["CLEAR"], &[0; 24]).0, 0);
}

/// Appends `X'offset' on|off` to the state directory's acp.conf (later lines win).
pub fn set_acp(home: &Path, offset: u16, on: bool) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(home.join("acp.conf"))
        .unwrap();
    writeln!(f, "X'{offset:04X}' {}", if on { "on" } else { "off" }).unwrap();
}

/// Recomputes the TVV of a 64-byte token (after a test changed it on purpose).
pub fn reseal(t: &mut [u8; 64]) {
    let sum = t[..60]
        .chunks_exact(4)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
        .fold(0u32, u32::wrapping_add);
    t[60..].copy_from_slice(&sum.to_be_bytes());
}

/// An i32 stored at an odd address inside `buf` (for misaligned-pointer tests).
pub fn misaligned(buf: &mut [u8; 8], v: i32) -> *mut i32 {
    buf[1..5].copy_from_slice(&v.to_ne_bytes());
    buf[1..].as_mut_ptr().cast::<i32>()
}

pub fn read_misaligned(buf: &[u8; 8]) -> i32 {
    i32::from_ne_bytes([buf[1], buf[2], buf[3], buf[4]])
}

/// Calls CSNBKTB with `key_value`, `control_vector` and MKVP; returns the codes and the token
/// field.
pub fn ktb(
    key_type: &str,
    words: &[&str],
    key_value: &[u8; 16],
    control_vector: &[u8; 16],
    mkvp: &[u8; 8],
) -> ((i32, i32), [u8; 64]) {
    let (mut rc, mut rs) = (-1, -1);
    let mut out = [0u8; 64];
    let mut kt = kw8(key_type);
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let (mut v, mut cv, mut m) = (*key_value, *control_vector, *mkvp);
    let mut r1 = [0u8; 4];
    unsafe {
        softcca::ffi::keybuild::CSNBKTB(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            out.as_mut_ptr(),
            kt.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            v.as_mut_ptr(),
            r1.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            cv.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            m.as_mut_ptr(),
        )
    };
    ((rc, rs), out)
}

/// CSUACFQ with `words`: (rc, rs, the 12 eight-byte elements of a 96-byte rule array that
/// starts as `#`s); the caller's `count` and `vdl` are passed through.
pub fn cfq_raw(count: *mut i32, words: &[&str], vdl: *mut i32) -> (i32, i32, Vec<String>) {
    let (mut rc, mut rs) = (-1, -1);
    let mut ra = [b'#'; 96];
    let r = rules(words);
    ra[..r.len()].copy_from_slice(&r);
    unsafe {
        softcca::ffi::facility::CSUACFQ(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            count,
            ra.as_mut_ptr(),
            vdl,
            std::ptr::null_mut(),
        )
    };
    let elements = ra
        .chunks(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    (rc, rs, elements)
}

/// CSUACFQ with `words`, asserting 0/0 and verb_data_length 0: the elements returned.
pub fn cfq(words: &[&str]) -> Vec<String> {
    let mut n = words.len() as i32;
    let mut vdl = 99;
    let (rc, rs, e) = cfq_raw(&mut n, words, &mut vdl);
    assert_eq!((rc, rs), (0, 0), "{words:?}");
    assert_eq!(vdl, 0);
    e[..n as usize].to_vec()
}

/// A CSNBKTB skeleton (asserts 0/0).
pub fn skeleton(key_type: &str, words: &[&str]) -> [u8; 64] {
    let (codes, out) = ktb(key_type, words, &[0; 16], &[0; 16], &[0; 8]);
    assert_eq!(codes, (0, 0), "CSNBKTB {key_type} {words:?}");
    out
}

/// Calls a key-record verb taking (label) or (token, label); returns (rc, rs).
pub fn krc(label_field: &[u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut l = *label_field;
    unsafe {
        softcca::ffi::keyrec::CSNBKRC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            l.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn krw(token: &[u8; 64], label_field: &[u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut t = *token;
    let mut l = *label_field;
    unsafe {
        softcca::ffi::keyrec::CSNBKRW(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            t.as_mut_ptr(),
            l.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn krr(label_field: &[u8; 64]) -> [u8; 64] {
    let (codes, t) = krr_codes(label_field);
    assert_eq!(codes.0, 0, "CSNBKRR");
    t
}

/// Calls CSNBKRR; returns (rc, rs) and the token.
pub fn krr_codes(label_field: &[u8; 64]) -> ((i32, i32), [u8; 64]) {
    let (mut rc, mut rs) = (-1, -1);
    let mut t = [0u8; 64];
    let mut l = *label_field;
    unsafe {
        softcca::ffi::keyrec::CSNBKRR(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            l.as_mut_ptr(),
            t.as_mut_ptr(),
        )
    };
    ((rc, rs), t)
}

/// Every file of the directory (recursively) holding `needle`.
pub fn files_holding(dir: &Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            hits.extend(files_holding(&p, needle));
        } else if let Ok(bytes) = std::fs::read(&p)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            hits.push(p);
        }
    }
    hits
}
