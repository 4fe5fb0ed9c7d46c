//! Randomised cross-check of `softcca::crypto::des_core` against the RustCrypto `des`
//! crate (0.9): 100,000 random keys/blocks each for DES, two-key TDES and
//! three-key TDES, encrypt and decrypt.

use des::cipher::consts::U8;
use des::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, BlockSizeUser, KeyInit};
use des::{Des, TdesEde2, TdesEde3};
use softcca::crypto::des_core::{DesKey, TdesKey};

const N: usize = 100_000;

/// Marsaglia xorshift64: tiny, deterministic, good enough for test inputs.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn bytes<const L: usize>(&mut self) -> [u8; L] {
        let mut out = [0u8; L];
        for chunk in out.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_be_bytes()[..chunk.len()]);
        }
        out
    }
}

fn enc<C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U8>>(c: &C, x: u64) -> u64 {
    let mut b = Array::from(x.to_be_bytes());
    c.encrypt_block(&mut b);
    u64::from_be_bytes(b.into())
}

fn dec<C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U8>>(c: &C, x: u64) -> u64 {
    let mut b = Array::from(x.to_be_bytes());
    c.decrypt_block(&mut b);
    u64::from_be_bytes(b.into())
}

#[test]
fn des_matches_rustcrypto() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for i in 0..N {
        let key: [u8; 8] = rng.bytes();
        let x = rng.next();
        let ours = DesKey::new(&key);
        let theirs = Des::new_from_slice(&key).unwrap();
        assert_eq!(
            ours.encrypt(x),
            enc(&theirs, x),
            "DES enc #{i} key {key:02x?}"
        );
        assert_eq!(
            ours.decrypt(x),
            dec(&theirs, x),
            "DES dec #{i} key {key:02x?}"
        );
    }
}

#[test]
fn tdes2_matches_rustcrypto() {
    let mut rng = XorShift(0xd1b5_4a32_d192_ed03);
    for i in 0..N {
        let key: [u8; 16] = rng.bytes();
        let x = rng.next();
        let ours = TdesKey::new2(&key);
        let theirs = TdesEde2::new_from_slice(&key).unwrap();
        assert_eq!(ours.encrypt(x), enc(&theirs, x), "TDES-2 enc #{i}");
        assert_eq!(ours.decrypt(x), dec(&theirs, x), "TDES-2 dec #{i}");
    }
}

#[test]
fn tdes3_matches_rustcrypto() {
    let mut rng = XorShift(0x8cb9_2ba7_2f3d_8dd7);
    for i in 0..N {
        let key: [u8; 24] = rng.bytes();
        let x = rng.next();
        let ours = TdesKey::new3(&key);
        let theirs = TdesEde3::new_from_slice(&key).unwrap();
        assert_eq!(ours.encrypt(x), enc(&theirs, x), "TDES-3 enc #{i}");
        assert_eq!(ours.decrypt(x), dec(&theirs, x), "TDES-3 dec #{i}");
    }
}
