//! CSNBMKP (Master Key Process): the new-master-key register's steps (docs/CSNBMKP.md).

use zeroize::Zeroizing;

use super::{Codes, Rules, Verb};

/// A clear master-key part of 24 bytes, wiped when dropped. On the heap, so that moving it
/// (to a custodian's thread) leaves no copy behind.
pub struct KeyPart(pub Box<Zeroizing<[u8; 24]>>);

impl std::fmt::Debug for KeyPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyPart(..)")
    }
}

/// CSNBMKP with one process keyword (`CLEAR`, `FIRST`, `MIDDLE`, `LAST`, `RANDOM`, `SET`):
/// Ok(reason code), which is a warning when not 0 (0/701, 0/702). `part` is read for every
/// keyword (zeros stand in when the step takes none).
pub fn step(keyword: &str, part: Option<&KeyPart>) -> Verb<i32> {
    let zero = Zeroizing::new([0u8; 24]);
    let bytes: &[u8; 24] = part.map_or(&zero, |p| &p.0);
    let mut rules = Rules::new(&[keyword]);
    let mut codes = Codes::new();
    // SAFETY: key_part is 24 readable bytes (the verb only reads it); the rule array holds one
    // keyword.
    unsafe {
        softcca::ffi::masterkey::CSNBMKP(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            bytes.as_ptr().cast_mut(),
        )
    };
    codes.check("CSNBMKP")
}
