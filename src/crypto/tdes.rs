//! The one TDES wrapper. Every DES/TDES block operation of the crate goes through [`Tdes`].
//!
//! Single-length keys run as EDE with K1 = K2 = K3 (plain DES), double-length as EDE2
//! (K3 = K1), triple-length as EDE3 (ANSI X9.52 / NIST SP 800-67). The block function is the
//! table-driven core in [`super::des_core`] (about 3x the RustCrypto `des` crate here, checked
//! block for block against it and against the NIST SP 800-17 tables; docs/decisions.md F19).

use super::des_core::{self, TdesKey};
use super::key::ClearKey;

/// An expanded DES/TDES key schedule, zeroized on drop.
pub struct Tdes {
    cipher: TdesKey,
}

impl Tdes {
    /// Expands a single-, double- or triple-length key.
    pub fn new(key: &ClearKey) -> Self {
        let b = key.as_bytes();
        if b.len() == 16 {
            let mut k = [0u8; 16];
            k.copy_from_slice(b);
            let t = Self::from_double(&k);
            zeroize::Zeroize::zeroize(&mut k);
            return t;
        }
        let mut k = key.expand_to_triple();
        let t = Self::from_triple(&k);
        zeroize::Zeroize::zeroize(&mut k);
        t
    }

    /// Expands a triple-length key K1‖K2‖K3.
    pub fn from_triple(key: &[u8; 24]) -> Self {
        Tdes {
            cipher: TdesKey::new3(key),
        }
    }

    /// Expands a double-length key K1‖K2 (K3 = K1).
    pub fn from_double(key: &[u8; 16]) -> Self {
        Tdes {
            cipher: TdesKey::new2(key),
        }
    }

    /// Encrypts one 8-byte block (ECB).
    pub fn encrypt(&self, block: &[u8; 8]) -> [u8; 8] {
        self.cipher
            .encrypt(u64::from_be_bytes(*block))
            .to_be_bytes()
    }

    /// Encrypts two independent blocks (ECB), interleaved for speed.
    pub fn encrypt2(&self, a: &[u8; 8], b: &[u8; 8]) -> ([u8; 8], [u8; 8]) {
        let [x, y] = self
            .cipher
            .encrypt2([u64::from_be_bytes(*a), u64::from_be_bytes(*b)]);
        (x.to_be_bytes(), y.to_be_bytes())
    }

    /// Encrypts `N` independent blocks, block `j` under `ciphers[j]`, interleaved for speed.
    pub fn encrypt_lanes<const N: usize>(
        ciphers: [&Tdes; N],
        blocks: [&[u8; 8]; N],
    ) -> [[u8; 8]; N] {
        des_core::encrypt_lanes(
            ciphers.map(|c| &c.cipher),
            blocks.map(|b| u64::from_be_bytes(*b)),
        )
        .map(u64::to_be_bytes)
    }

    /// Decrypts `N` independent blocks, block `j` under `ciphers[j]`, interleaved for speed.
    pub fn decrypt_lanes<const N: usize>(
        ciphers: [&Tdes; N],
        blocks: [&[u8; 8]; N],
    ) -> [[u8; 8]; N] {
        des_core::decrypt_lanes(
            ciphers.map(|c| &c.cipher),
            blocks.map(|b| u64::from_be_bytes(*b)),
        )
        .map(u64::to_be_bytes)
    }

    /// Decrypts one 8-byte block (ECB).
    pub fn decrypt(&self, block: &[u8; 8]) -> [u8; 8] {
        self.cipher
            .decrypt(u64::from_be_bytes(*block))
            .to_be_bytes()
    }

    /// Encrypts `data` in place in ECB mode. `data.len()` must be a multiple of 8.
    pub fn encrypt_ecb(&self, data: &mut [u8]) {
        debug_assert!(data.len().is_multiple_of(8));
        let mut pairs = data.chunks_exact_mut(16);
        for pair in &mut pairs {
            let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
            a.copy_from_slice(&pair[..8]);
            b.copy_from_slice(&pair[8..]);
            let (x, y) = self.encrypt2(&a, &b);
            pair[..8].copy_from_slice(&x);
            pair[8..].copy_from_slice(&y);
        }
        for chunk in pairs.into_remainder().chunks_exact_mut(8) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            chunk.copy_from_slice(&self.encrypt(&b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_hex as h;

    #[test]
    fn fips81_single_des() {
        // FIPS 81 appendix B: key 0123456789ABCDEF, "Now is t" -> 3FA40E8A984D4815.
        let k = ClearKey::from_slice(&h("0123456789ABCDEF")).unwrap();
        let t = Tdes::new(&k);
        let out = t.encrypt(b"Now is t");
        assert_eq!(out.to_vec(), h("3FA40E8A984D4815"));
        assert_eq!(&t.decrypt(&out), b"Now is t");
    }

    #[test]
    fn lanes_match_single_blocks() {
        let a = Tdes::new(&ClearKey::from_slice(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap());
        let b = Tdes::new(&ClearKey::from_slice(&h("FEDCBA98765432100123456789ABCDEF")).unwrap());
        let (x, y, z) = (*b"12345678", *b"abcdefgh", *b"ZYXWVUTS");
        let e = Tdes::encrypt_lanes([&a, &b, &a], [&x, &y, &z]);
        assert_eq!(e, [a.encrypt(&x), b.encrypt(&y), a.encrypt(&z)]);
        let d = Tdes::decrypt_lanes([&a, &b], [&e[0], &e[1]]);
        assert_eq!(d, [x, y]);
    }
}
