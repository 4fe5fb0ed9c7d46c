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
    assert!(s.len() % 2 == 0, "odd hex {s:?}");
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

/// A fresh, empty state directory under the system temp dir.
pub mod pcu_call;
pub mod verbs;

pub fn temp_state(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "softcca-test-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}
