//! DES-based CBC-MACs of ISO/IEC 9797-1 over [`Tdes`], with the state kept outside so that a
//! message can be MAC-ed in segments (CSNBMGN / CSNBMVR FIRST, MIDDLE, LAST).
//!
//! * Algorithm 1 with single DES: ANSI X9.9-1 option 1 (binary data), CCA `X9.9-1`, `EMVMAC`
//!   (IBM Docs "ANSI X9.9 MAC", `wskc_c_ansix99mac`).
//! * Algorithm 1 with TDES over every block: ISO 16609, CCA `TDES-MAC`.
//! * Algorithm 3 (ANSI X9.19 optional procedure 1, the "retail MAC"): single-DES CBC with the
//!   left key half, then the last output deciphered with the right half and enciphered with the
//!   left half; CCA `X9.19OPT`, `EMVMACD` (IBM Docs `wskc_c_ansix919opm`).
//!
//! Padding: method 1 (append zeros up to a multiple of 8; nothing when already a multiple, as
//! IBM's X9.9 text says "If Tn is less than 64 bits long, binary zeros are appended") or
//! method 2 (append X'80', then zeros up to a multiple of 8: the EMV padding, IBM Docs
//! "EMV MAC", EMV 4.x Book 2 A1.2).

use super::{ClearKey, Tdes};

/// How the CBC chain is finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// ISO/IEC 9797-1 algorithm 1: the last CBC block is the MAC.
    One,
    /// ISO/IEC 9797-1 algorithm 3: the last CBC block is deciphered with the right key half and
    /// enciphered with the left one.
    Three,
}

/// Padding method of ISO/IEC 9797-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// Method 1: zeros to a multiple of 8 (none when already a multiple).
    Zeros,
    /// Method 2: X'80' then zeros to a multiple of 8.
    Iso2,
}

/// The expanded key(s) of one MAC computation.
pub struct MacKey {
    chain: Tdes,
    right: Option<Tdes>,
}

impl MacKey {
    /// Algorithm 1 with `key` used as it is: single DES for an 8-byte key (X9.9-1, EMVMAC),
    /// TDES for a 16- or 24-byte key (TDES-MAC).
    pub fn algorithm1(key: &ClearKey) -> Self {
        MacKey {
            chain: Tdes::new(key),
            right: None,
        }
    }

    /// Algorithm 3 with a double-length key: CBC under the left half, output transformation
    /// with the right half. `None` unless `key` has 16 bytes.
    pub fn algorithm3(key: &ClearKey) -> Option<Self> {
        if key.len() != 16 {
            return None;
        }
        let half = |i: usize| {
            let mut p = zeroize::Zeroizing::new(key.part(i));
            let k = ClearKey::from_slice(&p[..]);
            zeroize::Zeroize::zeroize(&mut *p);
            k.map(|k| Tdes::new(&k))
        };
        Some(MacKey {
            chain: half(0)?,
            right: Some(half(1)?),
        })
    }

    /// Which algorithm this key runs.
    pub fn algorithm(&self) -> Algorithm {
        if self.right.is_some() {
            Algorithm::Three
        } else {
            Algorithm::One
        }
    }
}

/// The running state of a CBC-MAC: the last chained block and up to 7 bytes not yet a whole
/// block.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct MacState {
    /// The CBC chaining value (starts at zero).
    pub chain: [u8; 8],
    /// Bytes waiting for a whole block; only the first `carry_len` are meaningful.
    pub carry: [u8; 8],
    /// Number of bytes in `carry` (0..=7).
    pub carry_len: usize,
}

impl core::fmt::Debug for MacState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MacState(REDACTED)")
    }
}

impl zeroize::Zeroize for MacState {
    fn zeroize(&mut self) {
        self.chain.zeroize();
        self.carry.zeroize();
        self.carry_len = 0;
    }
}

impl MacState {
    fn block(&mut self, key: &MacKey, block: &[u8]) {
        for (c, x) in self.chain.iter_mut().zip(block) {
            *c ^= x;
        }
        self.chain = key.chain.encrypt(&self.chain);
    }

    /// Chains `data` in, keeping any incomplete last block for later.
    pub fn update(&mut self, key: &MacKey, mut data: &[u8]) {
        if self.carry_len > 0 {
            let take = (8 - self.carry_len).min(data.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&data[..take]);
            self.carry_len += take;
            data = &data[take..];
            if self.carry_len < 8 {
                return;
            }
            let carry = self.carry;
            self.block(key, &carry);
            self.carry_len = 0;
        }
        let mut blocks = data.chunks_exact(8);
        for b in &mut blocks {
            self.block(key, b);
        }
        let rest = blocks.remainder();
        self.carry[..rest.len()].copy_from_slice(rest);
        self.carry_len = rest.len();
    }

    /// Pads, chains the last block and applies the output transformation: the full 8-byte MAC.
    pub fn finish(mut self, key: &MacKey, padding: Padding) -> [u8; 8] {
        match padding {
            Padding::Zeros => {
                if self.carry_len > 0 {
                    self.carry[self.carry_len..].fill(0);
                    let carry = self.carry;
                    self.block(key, &carry);
                }
            }
            Padding::Iso2 => {
                self.carry[self.carry_len] = 0x80;
                self.carry[self.carry_len + 1..].fill(0);
                let carry = self.carry;
                self.block(key, &carry);
            }
        }
        let mac = match &key.right {
            None => self.chain,
            Some(right) => key.chain.encrypt(&right.decrypt(&self.chain)),
        };
        zeroize::Zeroize::zeroize(&mut self);
        mac
    }
}

/// The MAC of `data` in one piece.
pub fn mac(key: &MacKey, padding: Padding, data: &[u8]) -> [u8; 8] {
    let mut s = MacState::default();
    s.update(key, data);
    s.finish(key, padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_hex as h;

    #[test]
    fn segments_equal_one_piece() {
        let key = MacKey::algorithm3(
            &ClearKey::from_slice(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap(),
        )
        .unwrap();
        let data: Vec<u8> = (0u8..53).collect();
        for pad in [Padding::Zeros, Padding::Iso2] {
            let whole = mac(&key, pad, &data);
            for cut in [1usize, 7, 8, 9, 16, 30] {
                let mut s = MacState::default();
                s.update(&key, &data[..cut]);
                s.update(&key, &data[cut..]);
                assert_eq!(s.finish(&key, pad), whole, "cut {cut}");
            }
        }
    }

    #[test]
    fn pyemv_doc_examples() {
        // pyemv 1.5.0 sm.generate_command_mac docstrings: ISO/IEC 9797-1 algorithm 3, padding 2.
        let k = ClearKey::from_slice(&h("0123456789ABCDEFFEDCBA9876543210")).unwrap();
        let key = MacKey::algorithm3(&k).unwrap();
        assert_eq!(
            mac(&key, Padding::Iso2, &h("8424000008")).to_vec(),
            h("0BFFF5DF3FAA24E1")
        );
        assert_eq!(
            mac(&key, Padding::Iso2, &h("8424000008FFFF1234567890123456")).to_vec(),
            h("E07B8DF1B4184282")
        );
    }
}
