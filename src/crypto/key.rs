//! [`ClearKey`]: clear DES/TDES key material that zeroizes itself and never prints.

use core::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::ct::ct_eq;
use super::parity;

/// Clear key material of a single (8), double (16) or triple (24) length DES key.
///
/// Lives on the heap of no one: a fixed 24-byte array plus its length, zeroized on drop. Not
/// `Clone` or `Copy`; `Debug` prints `ClearKey(REDACTED)`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct ClearKey {
    bytes: [u8; 24],
    len: u8,
}

impl ClearKey {
    /// Copies `key` (8, 16 or 24 bytes); `None` for any other length.
    pub fn from_slice(key: &[u8]) -> Option<Self> {
        if !matches!(key.len(), 8 | 16 | 24) {
            return None;
        }
        let mut bytes = [0u8; 24];
        bytes[..key.len()].copy_from_slice(key);
        Some(ClearKey {
            bytes,
            len: key.len() as u8,
        })
    }

    /// A double-length key.
    pub fn double(key: &[u8; 16]) -> Self {
        let mut bytes = [0u8; 24];
        bytes[..16].copy_from_slice(key);
        ClearKey { bytes, len: 16 }
    }

    /// A copy of this key (explicit: secret types are not `Clone`).
    pub fn duplicate(&self) -> Self {
        ClearKey {
            bytes: self.bytes,
            len: self.len,
        }
    }

    /// An all-zero key of `len` bytes (8, 16 or 24), to be filled in place.
    pub fn zeroed(len: usize) -> Option<Self> {
        Self::from_slice(&[0u8; 24][..len.min(24)]).filter(|_| matches!(len, 8 | 16 | 24))
    }

    /// Length in bytes: 8, 16 or 24.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true: a key has 8, 16 or 24 bytes.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len()]
    }

    /// The key bytes, writable.
    pub fn as_bytes_mut(&mut self) -> &mut [u8] {
        let len = self.len();
        &mut self.bytes[..len]
    }

    /// The 8-byte part `i` (0 = left, 1 = right, 2 = third); zeros past the key's length.
    pub fn part(&self, i: usize) -> [u8; 8] {
        let mut p = [0u8; 8];
        p.copy_from_slice(&self.bytes[8 * i..8 * i + 8]);
        p
    }

    /// `true` for a double- or triple-length key whose 8-byte parts are all equal
    /// (single-DES strength).
    pub fn has_replicated_halves(&self) -> bool {
        let (a, b, c) = (&self.bytes[..8], &self.bytes[8..16], &self.bytes[16..24]);
        match self.len() {
            16 => ct_eq(a, b),
            // Both comparisons always run: constant time in the key's value.
            24 => ct_eq(a, b) & ct_eq(b, c),
            _ => false,
        }
    }

    /// Forces odd parity on every byte.
    pub fn adjust_parity(&mut self) {
        let len = self.len();
        parity::adjust_odd(&mut self.bytes[..len]);
    }

    /// `true` when every byte has odd parity.
    pub fn has_odd_parity(&self) -> bool {
        parity::is_odd(self.as_bytes())
    }

    /// The key expanded to 24 bytes for TDES-EDE3 (K3 = K1 for double, K1 = K2 = K3 for
    /// single length).
    pub fn expand_to_triple(&self) -> [u8; 24] {
        let mut k = [0u8; 24];
        match self.len() {
            8 => {
                for i in 0..3 {
                    k[8 * i..8 * i + 8].copy_from_slice(&self.bytes[..8]);
                }
            }
            16 => {
                k[..16].copy_from_slice(&self.bytes[..16]);
                k[16..].copy_from_slice(&self.bytes[..8]);
            }
            _ => k.copy_from_slice(&self.bytes),
        }
        k
    }
}

impl fmt::Debug for ClearKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClearKey(REDACTED)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_redaction() {
        assert!(ClearKey::from_slice(&[1; 7]).is_none());
        let k = ClearKey::from_slice(&[0x11; 16]).unwrap();
        assert!(k.has_replicated_halves());
        assert_eq!(format!("{k:?}"), "ClearKey(REDACTED)");
        let e = k.expand_to_triple();
        assert_eq!(&e[16..], &[0x11; 8]);
        assert!(ClearKey::zeroed(12).is_none());
        assert_eq!(ClearKey::zeroed(8).unwrap().len(), 8);
    }
}
