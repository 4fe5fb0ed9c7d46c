//! The one TDES wrapper. Every DES/TDES block operation of the crate goes through [`Tdes`].
//!
//! Single-length keys run as EDE with K1 = K2 = K3 (plain DES), double-length as EDE2
//! (K3 = K1), triple-length as EDE3 (ANSI X9.52 / NIST SP 800-67).

use des::TdesEde3;
use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};

use super::key::ClearKey;

/// An expanded DES/TDES key schedule. Zeroized on drop (the `des` crate's `zeroize` feature).
pub struct Tdes {
    cipher: TdesEde3,
}

impl Tdes {
    /// Expands a single-, double- or triple-length key.
    pub fn new(key: &ClearKey) -> Self {
        let mut k = key.expand_to_triple();
        let t = Self::from_triple(&k);
        zeroize::Zeroize::zeroize(&mut k);
        t
    }

    /// Expands a triple-length key K1‖K2‖K3.
    pub fn from_triple(key: &[u8; 24]) -> Self {
        let arr = Array::from(*key);
        Tdes {
            cipher: TdesEde3::new(&arr),
        }
    }

    /// Expands a double-length key K1‖K2 (K3 = K1).
    pub fn from_double(key: &[u8; 16]) -> Self {
        let mut k = [0u8; 24];
        k[..16].copy_from_slice(key);
        k[16..].copy_from_slice(&key[..8]);
        let t = Self::from_triple(&k);
        zeroize::Zeroize::zeroize(&mut k);
        t
    }

    /// Encrypts one 8-byte block (ECB).
    pub fn encrypt(&self, block: &[u8; 8]) -> [u8; 8] {
        let mut b = Array::from(*block);
        self.cipher.encrypt_block(&mut b);
        b.into()
    }

    /// Decrypts one 8-byte block (ECB).
    pub fn decrypt(&self, block: &[u8; 8]) -> [u8; 8] {
        let mut b = Array::from(*block);
        self.cipher.decrypt_block(&mut b);
        b.into()
    }

    /// Encrypts `data` in place in ECB mode. `data.len()` must be a multiple of 8.
    pub fn encrypt_ecb(&self, data: &mut [u8]) {
        debug_assert!(data.len() % 8 == 0);
        for chunk in data.chunks_exact_mut(8) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            chunk.copy_from_slice(&self.encrypt(&b));
        }
    }

    /// Encrypts `data` in place in CBC mode from `iv`; returns the last ciphertext block.
    /// `data.len()` must be a multiple of 8.
    pub fn encrypt_cbc(&self, iv: &[u8; 8], data: &mut [u8]) -> [u8; 8] {
        debug_assert!(data.len() % 8 == 0);
        let mut chain = *iv;
        for chunk in data.chunks_exact_mut(8) {
            for (c, x) in chain.iter_mut().zip(chunk.iter()) {
                *c ^= x;
            }
            chain = self.encrypt(&chain);
            chunk.copy_from_slice(&chain);
        }
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn fips81_single_des() {
        // FIPS 81 appendix B: key 0123456789ABCDEF, "Now is t" -> 3FA40E8A984D4815.
        let k = ClearKey::from_slice(&h("0123456789ABCDEF")).unwrap();
        let t = Tdes::new(&k);
        let out = t.encrypt(b"Now is t");
        assert_eq!(out.to_vec(), h("3FA40E8A984D4815"));
        assert_eq!(&t.decrypt(&out), b"Now is t");
    }
}
