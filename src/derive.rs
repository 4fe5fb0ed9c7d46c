//! Card-key and session-key derivation for EMV issuer scripts (docs/CSNBPCU.md; z/OS
//! ICSF APG "Visa and EMV-related smart card formats and processes"; EMV 4.0 Book 2 A1.3).
//!
//! One implementation, shared by PIN Change/Unblock (CSNBPCU) and Diversified Key Generate
//! (CSNBDKG): CSNBDKG TDES-XOR is [`card_key`] then [`session_key_xor`], TDESEMVn is
//! [`card_key`] then [`session_key_tree`], exactly the steps CSNBPCU takes for its session key.

use zeroize::Zeroizing;

use crate::crypto::{ClearKey, Tdes};

/// The split `key_generation_data`: D (8 or 16 bytes), ATC, optional 16-byte IV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyGenerationData {
    d: [u8; 16],
    d_len: usize,
    /// Application transaction counter (2 bytes, high-order first).
    pub atc: [u8; 2],
    /// EMV2000 tree IV (16 zero bytes when not supplied).
    pub iv: [u8; 16],
}

impl KeyGenerationData {
    /// Splits 10, 18, 26 or 34 bytes: `D(8|16) ‖ ATC(2) [‖ IV(16)]` (docs/CSNBPCU.md).
    /// `None` for any other length.
    pub fn parse(kgd: &[u8]) -> Option<Self> {
        let d_len = match kgd.len() {
            10 | 26 => 8,
            18 | 34 => 16,
            _ => return None,
        };
        let mut d = [0u8; 16];
        d[..d_len].copy_from_slice(&kgd[..d_len]);
        let atc = [kgd[d_len], kgd[d_len + 1]];
        let mut iv = [0u8; 16];
        if kgd.len() > d_len + 2 {
            iv.copy_from_slice(&kgd[d_len + 2..]);
        }
        Some(KeyGenerationData { d, d_len, atc, iv })
    }

    /// The card-specific data D.
    pub fn d(&self) -> &[u8] {
        &self.d[..self.d_len]
    }
}

/// Whether derived keys are odd-parity adjusted before use (docs/decisions.md F6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parity {
    /// Odd-parity adjusted (pyemv, jPOS, the HSM-checked vectors). The default.
    Adjusted,
    /// Used as computed (IBM's text read literally).
    Raw,
}

/// The two blocks TDES-ENC encrypts for a card key: `D[0:8]` and `D[8:16]`, or `D[0:8] ⊕ FF…FF`
/// when D has 8 bytes.
fn card_key_blocks(d: &[u8]) -> ([u8; 8], [u8; 8]) {
    let mut l = [0u8; 8];
    l.copy_from_slice(&d[..8]);
    let mut r = [0u8; 8];
    if d.len() >= 16 {
        r.copy_from_slice(&d[8..16]);
    } else {
        for (x, y) in r.iter_mut().zip(&l) {
            *x = !y;
        }
    }
    (l, r)
}

fn join_card_key(l: &[u8; 8], r: &[u8; 8], parity: Parity) -> ClearKey {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(l);
    b[8..].copy_from_slice(r);
    let mut key = ClearKey::double(&b);
    zeroize::Zeroize::zeroize(&mut b);
    if parity == Parity::Adjusted {
        key.adjust_parity();
    }
    key
}

fn auth_from_udk(udk: [u8; 8], parity: Parity) -> [u8; 4] {
    let mut u = Zeroizing::new(udk);
    if parity == Parity::Adjusted {
        crate::crypto::parity::adjust_odd(&mut u[..]);
    }
    [u[4], u[5], u[6], u[7]]
}

/// Direction of the CSNBDKG TDES-ENC / TDES-DEC diversification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// TDES-ENC: the data blocks are enciphered.
    Encipher,
    /// TDES-DEC: the data blocks are deciphered.
    Decipher,
}

/// CSNBDKG TDES-ENC / TDES-DEC (CCA 2.54 p=187): each 8-byte block of `data` (8 bytes: a
/// single-length key; 16 bytes: a double-length key) enciphered or deciphered in ECB mode under
/// the generating key. The result is returned as computed (the verb adjusts its parity).
/// `None` unless `data` has 8 or 16 bytes.
pub fn diversify(generating: &Tdes, data: &[u8], direction: Direction) -> Option<ClearKey> {
    if !matches!(data.len(), 8 | 16) {
        return None;
    }
    let mut key = ClearKey::zeroed(data.len())?;
    for (out, block) in key
        .as_bytes_mut()
        .chunks_exact_mut(8)
        .zip(data.chunks_exact(8))
    {
        let mut b = [0u8; 8];
        b.copy_from_slice(block);
        let r = Zeroizing::new(match direction {
            Direction::Encipher => generating.encrypt(&b),
            Direction::Decipher => generating.decrypt(&b),
        });
        out.copy_from_slice(&r[..]);
    }
    Some(key)
}

/// Card-unique key by TDES-ENC (CSNBDKG TDES-ENC; docs/CSNBPCU.md):
/// `E_MDK(D[0:8]) ‖ E_MDK(D[8:16])`, or `E_MDK(D[0:8] ⊕ FF…FF)` for the right half when D has
/// 8 bytes. With 8-byte D equal to PAN‖PSN this is EMV Book 2 A1.4.1 option A.
pub fn card_key(mdk: &Tdes, d: &[u8], parity: Parity) -> ClearKey {
    let (l, r) = card_key_blocks(d);
    let halves = Zeroizing::new(mdk.encrypt2(&l, &r));
    join_card_key(&halves.0, &halves.1, parity)
}

/// The 4-byte authentication code: the rightmost 4 bytes of `E_MAC-MDK(D[0:8])` (UDK-A),
/// odd-parity adjusted first unless `parity` is raw (docs/CSNBPCU.md).
pub fn auth_code(mac_mdk: &Tdes, d8: &[u8; 8], parity: Parity) -> [u8; 4] {
    auth_from_udk(mac_mdk.encrypt(d8), parity)
}

/// [`auth_code`] and [`card_key`] of the same data, their three independent encryptions
/// interleaved (the PIN Change/Unblock hot path).
pub fn auth_code_and_card_key(
    mac_mdk: &Tdes,
    enc_mdk: &Tdes,
    d: &[u8],
    parity: Parity,
) -> ([u8; 4], ClearKey) {
    let (l, r) = card_key_blocks(d);
    let out = Zeroizing::new(Tdes::encrypt_lanes(
        [mac_mdk, enc_mdk, enc_mdk],
        [&l, &l, &r],
    ));
    (
        auth_from_udk(out[0], parity),
        join_card_key(&out[1], &out[2], parity),
    )
}

/// Visa TDES-XOR session key: `SKL = IKL ⊕ (0…0‖ATC)`, `SKR = IKR ⊕ (0…0‖ATC⊕FFFF)`
/// (docs/CSNBPCU.md; z/OS ICSF APG "TDES-XOR").
pub fn session_key_xor(ik: &ClearKey, atc: [u8; 2]) -> ClearKey {
    let mut sk = ik.duplicate();
    let b = sk.as_bytes_mut();
    b[6] ^= atc[0];
    b[7] ^= atc[1];
    b[14] ^= !atc[0];
    b[15] ^= !atc[1];
    sk
}

/// EMV2000 session-key tree (EMV 4.0 Book 2 A1.3; docs/CSNBPCU.md, docs/decisions.md F7): branch
/// factor `b`, height `h`, IV `iv`, starting from the card key `ik` (already parity-adjusted
/// as the caller chose). Intermediate keys are not parity adjusted.
pub fn session_key_tree(ik: &ClearKey, atc: [u8; 2], b: u32, h: u32, iv: &[u8; 16]) -> ClearKey {
    if h == 0 {
        // No tree: the card key itself.
        return ik.duplicate();
    }
    let atc = u32::from(u16::from_be_bytes(atc));
    // IK(i-2, ·) and IK(i-1, ·) along the path to leaf ATC; IK(-1) = IV, IK(0) = card key.
    // Every intermediate key is held in zeroizing storage and overwritten in place.
    let mut prev2 = Zeroizing::new(*iv);
    let mut prev1 = Zeroizing::new([0u8; 16]);
    prev1.copy_from_slice(ik.as_bytes());
    let mut next = Zeroizing::new([0u8; 16]);
    for i in 1..=h {
        let j = atc / b.pow(h - i);
        tree_step(&prev1, &prev2, j % b, &mut next);
        if i < h {
            *prev2 = *prev1;
            *prev1 = *next;
        }
    }
    for (n, p) in next.iter_mut().zip(prev2.iter()) {
        *n ^= p;
    }
    ClearKey::double(&next)
}

/// `F(X, Y, j) = E_X(YL ⊕ j) ‖ E_X(YR ⊕ j ⊕ F0)` with `j` as an 8-byte big-endian integer,
/// written into `out`.
fn tree_step(x: &[u8; 16], y: &[u8; 16], j: u32, out: &mut [u8; 16]) {
    let k = Tdes::from_double(x);
    let mut l = Zeroizing::new([0u8; 8]);
    let mut r = Zeroizing::new([0u8; 8]);
    l.copy_from_slice(&y[..8]);
    r.copy_from_slice(&y[8..]);
    l[7] ^= j as u8;
    r[7] ^= (j as u8) ^ 0xF0;
    let halves = Zeroizing::new(k.encrypt2(&l, &r));
    out[..8].copy_from_slice(&halves.0);
    out[8..].copy_from_slice(&halves.1);
}
