//! Fast, table-driven DES and two-/three-key TDES (EDE) block operations.
//!
//! This module implements the Data Encryption Algorithm exactly as specified in
//! FIPS PUB 46-3, *Data Encryption Standard (DES)*, NIST, 1999-10-25, and the
//! Triple Data Encryption Algorithm (TDEA, "TDES", encrypt-decrypt-encrypt) as
//! specified in FIPS 46-3 §"Triple DES" / NIST SP 800-67 Rev. 2 §3.
//!
//! It works on single 64-bit blocks held in a `u64` in big-endian order (the
//! first byte of the 8-byte block is the most significant byte, so FIPS 46-3
//! bit 1 is the most significant bit of the `u64`).
//!
//! # How it is fast
//!
//! The structure is the classic software DES of R. Outerbridge's `d3des`
//! (1988) and E. Young's `libdes` (the ancestor of OpenSSL's `des_enc.c`):
//!
//! * **Combined S-box/P-box ("SP") tables.** Each of the eight S-boxes is
//!   merged with the permutation P into a table of 64 `u32` words (8 × 256
//!   bytes = 2 KiB), so one round is eight table loads ORed together. The
//!   tables are *not* typed in as magic numbers: they are computed at compile
//!   time (`const fn`) from the S-box and P tables of FIPS 46-3, which are
//!   reproduced below verbatim.
//! * **No explicit expansion E.** Both 32-bit halves are kept rotated left by
//!   one bit; then the six input bits of every S-box lie contiguously in
//!   either the half itself or the half rotated right by four, at byte
//!   boundaries. The round keys are stored "cooked" in the same layout (two
//!   `u32` words per round), so E followed by the key XOR is one rotate and two
//!   XORs.
//! * **IP and FP by bit-swap networks** (five masked "delta swaps" each)
//!   instead of 64 single-bit moves.
//! * **TDES without the inner FP/IP.** `IP ∘ FP` is the identity, so the
//!   three DES stages of TDES run as IP once, 48 rounds, FP once; between
//!   stages only the two halves are exchanged.
//! * **Table-driven key schedule.** PC-1 is eight lookups in tables indexed by
//!   the seven key bits of each key byte. C and D are kept doubled (`C‖C`,
//!   `D‖D`), so the register for round *i* is one shift by the cumulative
//!   rotation count; PC-2 plus the "cooking" into the round-function layout
//!   is eight lookups on 7-bit chunks. The 16 round keys are thus computed
//!   independently (no serial rotate chain) in fully unrolled code. All tables
//!   are generated at compile time from the FIPS 46-3 PC-1/PC-2 tables.
//!   Decryption walks the same schedule backwards; no second schedule is built.
//! * **Two-block interleaving** ([`TdesKey::encrypt2`], [`TdesKey::decrypt2`])
//!   for callers that have two independent blocks.
//!
//! # Performance and its limit
//!
//! Measured with `examples/bench.rs` on the development machine (2-core AMD
//! EPYC, Zen 1 class, ≈ 2.5 GHz, shared with other builds; best of 25 runs):
//! ≈ 280 ns per two-key TDES block (dependent chain, encrypt or decrypt),
//! ≈ 170 ns per block with `encrypt2`, ≈ 110 ns per single-DES block,
//! ≈ 62 ns per [`DesKey::new`] and ≈ 143 ns per [`TdesKey::new2`] (including
//! drop/zeroize); RustCrypto `des` 0.9 needs ≈ 840 ns per TDES block and
//! ≈ 325 ns per two-key schedule.
//!
//! One DES round is bound by the latency of its eight table loads: on this
//! CPU a round whose f does a *single* lookup already costs ≈ 8 cycles
//! (key XOR, shift, mask, ≈ 5-cycle L1 load, XOR), and eight loads through
//! two load ports cost ≈ 14 cycles. 48 dependent rounds are therefore
//! ≈ 270 ns at 2.5 GHz however the arithmetic around them is arranged, which
//! is the same as OpenSSL's portable C DES. Below that, for one block, only
//! bigger tables (which no longer fit in L1) or a different CPU would help;
//! independent blocks can be interleaved (`encrypt2`), which hides part of
//! the latency.
//!
//! # Side channels (timing) — read this
//!
//! The S-box lookups index tables with values that depend on the key and the
//! data, and so do the key-schedule lookups. On a CPU with data caches this
//! is, in principle, observable through cache-timing attacks by code sharing
//! the machine. This is the **same timing class as the RustCrypto `des`
//! crate** (0.9), which also indexes its S-box tables with key- and
//! data-dependent values, and as OpenSSL's portable DES; it is not a
//! constant-time (bitsliced) implementation. The tables are small (2 KiB of
//! SP tables, 8 KiB + 8 KiB for the key schedule), which keeps them resident
//! in L1 during a call but does not make the accesses uniform.
//!
//! # Key material hygiene
//!
//! [`DesKey`] overwrites its round keys with zeros when dropped (using the
//! `zeroize` crate, whose writes the optimiser cannot remove). Transient
//! copies of key bits in registers or on the stack during [`DesKey::new`],
//! and copies made by moving a key value, are not scrubbed.
//!
//! # Parity
//!
//! The least significant bit of every key byte is the DES parity bit; it is
//! ignored (FIPS 46-3 does not use it in the algorithm) and never checked.

// cite: FIPS PUB 46-3, Data Encryption Standard (DES), NIST, 1999.
// cite: NIST SP 800-67 Rev. 2, Recommendation for the Triple Data Encryption
//       Algorithm (TDEA) Block Cipher, 2017, §3.
// cite: round-function layout after R. Outerbridge, d3des.c (1988, public
//       domain) and E. A. Young, libdes / OpenSSL crypto/des/des_enc.c.

#![forbid(unsafe_code)]

use core::fmt;
use zeroize::Zeroize;

// ---------------------------------------------------------------------------
// FIPS 46-3 tables, 1-based bit numbers exactly as printed in the standard.
// ---------------------------------------------------------------------------

/// The permutation P applied to the S-box outputs (FIPS 46-3, "P").
// cite: FIPS 46-3, definition of the cipher function f, table P.
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, //
    2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];

/// The eight selection functions S1..S8, each as 4 rows of 16 columns
/// (row = outer bits b1b6, column = inner bits b2b3b4b5).
// cite: FIPS 46-3, "Primitive Functions for the Data Encryption Algorithm", S1-S8.
#[rustfmt::skip]
const SBOX: [[u8; 64]; 8] = [
    [ // S1
        14,  4, 13,  1,  2, 15, 11,  8,  3, 10,  6, 12,  5,  9,  0,  7,
         0, 15,  7,  4, 14,  2, 13,  1, 10,  6, 12, 11,  9,  5,  3,  8,
         4,  1, 14,  8, 13,  6,  2, 11, 15, 12,  9,  7,  3, 10,  5,  0,
        15, 12,  8,  2,  4,  9,  1,  7,  5, 11,  3, 14, 10,  0,  6, 13,
    ],
    [ // S2
        15,  1,  8, 14,  6, 11,  3,  4,  9,  7,  2, 13, 12,  0,  5, 10,
         3, 13,  4,  7, 15,  2,  8, 14, 12,  0,  1, 10,  6,  9, 11,  5,
         0, 14,  7, 11, 10,  4, 13,  1,  5,  8, 12,  6,  9,  3,  2, 15,
        13,  8, 10,  1,  3, 15,  4,  2, 11,  6,  7, 12,  0,  5, 14,  9,
    ],
    [ // S3
        10,  0,  9, 14,  6,  3, 15,  5,  1, 13, 12,  7, 11,  4,  2,  8,
        13,  7,  0,  9,  3,  4,  6, 10,  2,  8,  5, 14, 12, 11, 15,  1,
        13,  6,  4,  9,  8, 15,  3,  0, 11,  1,  2, 12,  5, 10, 14,  7,
         1, 10, 13,  0,  6,  9,  8,  7,  4, 15, 14,  3, 11,  5,  2, 12,
    ],
    [ // S4
         7, 13, 14,  3,  0,  6,  9, 10,  1,  2,  8,  5, 11, 12,  4, 15,
        13,  8, 11,  5,  6, 15,  0,  3,  4,  7,  2, 12,  1, 10, 14,  9,
        10,  6,  9,  0, 12, 11,  7, 13, 15,  1,  3, 14,  5,  2,  8,  4,
         3, 15,  0,  6, 10,  1, 13,  8,  9,  4,  5, 11, 12,  7,  2, 14,
    ],
    [ // S5
         2, 12,  4,  1,  7, 10, 11,  6,  8,  5,  3, 15, 13,  0, 14,  9,
        14, 11,  2, 12,  4,  7, 13,  1,  5,  0, 15, 10,  3,  9,  8,  6,
         4,  2,  1, 11, 10, 13,  7,  8, 15,  9, 12,  5,  6,  3,  0, 14,
        11,  8, 12,  7,  1, 14,  2, 13,  6, 15,  0,  9, 10,  4,  5,  3,
    ],
    [ // S6
        12,  1, 10, 15,  9,  2,  6,  8,  0, 13,  3,  4, 14,  7,  5, 11,
        10, 15,  4,  2,  7, 12,  9,  5,  6,  1, 13, 14,  0, 11,  3,  8,
         9, 14, 15,  5,  2,  8, 12,  3,  7,  0,  4, 10,  1, 13, 11,  6,
         4,  3,  2, 12,  9,  5, 15, 10, 11, 14,  1,  7,  6,  0,  8, 13,
    ],
    [ // S7
         4, 11,  2, 14, 15,  0,  8, 13,  3, 12,  9,  7,  5, 10,  6,  1,
        13,  0, 11,  7,  4,  9,  1, 10, 14,  3,  5, 12,  2, 15,  8,  6,
         1,  4, 11, 13, 12,  3,  7, 14, 10, 15,  6,  8,  0,  5,  9,  2,
         6, 11, 13,  8,  1,  4, 10,  7,  9,  5,  0, 15, 14,  2,  3, 12,
    ],
    [ // S8
        13,  2,  8,  4,  6, 15, 11,  1, 10,  9,  3, 14,  5,  0, 12,  7,
         1, 15, 13,  8, 10,  3,  7,  4, 12,  5,  6, 11,  0, 14,  9,  2,
         7, 11,  4,  1,  9, 12, 14,  2,  0,  6, 10, 13, 15,  3,  5,  8,
         2,  1, 14,  7,  4, 10,  8, 13, 15, 12,  9,  0,  3,  5,  6, 11,
    ],
];

/// Permuted choice 1: selects the 56 key bits into C (first 28) and D.
// cite: FIPS 46-3, "Key Schedule Calculation", table PC-1.
const PC1: [u8; 56] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, //
    10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36, //
    63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, //
    14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

/// Permuted choice 2: selects the 48 round-key bits from C‖D.
// cite: FIPS 46-3, "Key Schedule Calculation", table PC-2.
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, //
    23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, //
    41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, //
    44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/// Number of left shifts of C and D before each of the 16 rounds.
// cite: FIPS 46-3, "Key Schedule Calculation", table of left shifts.
const SHIFTS: [u8; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/// Cumulative left-shift count of C and D before round i+1 (prefix sums of
/// [`SHIFTS`]; the last is 28, a full rotation).
const CUM_SHIFTS: [u8; 16] = cum_shifts();

const fn cum_shifts() -> [u8; 16] {
    let mut t = [0u8; 16];
    let mut acc = 0;
    let mut i = 0;
    while i < 16 {
        acc += SHIFTS[i];
        t[i] = acc;
        i += 1;
    }
    t
}

// ---------------------------------------------------------------------------
// Compile-time table generation.
// ---------------------------------------------------------------------------

/// `SP[j][v]`: output of S-box j+1 on 6-bit input `v` (v's MSB = first input
/// bit), passed through P, in the "rotated left by one" half-block layout.
static SP: [[u32; 64]; 8] = build_sp();

const fn build_sp() -> [[u32; 64]; 8] {
    let mut sp = [[0u32; 64]; 8];
    let mut j = 0;
    while j < 8 {
        let mut v = 0;
        while v < 64 {
            let row = ((v >> 4) & 2) | (v & 1);
            let col = (v >> 1) & 0xf;
            let s = SBOX[j][row * 16 + col] as u32;
            // S-box j produces bits 4j+1..4j+4 (1-based, MSB first) of the
            // 32-bit S output; P then moves input bit P[i] to output bit i+1.
            let mut word = 0u32;
            let mut i = 0;
            while i < 32 {
                let src = P[i] as usize; // 1-based bit of the S output
                if src > 4 * j && src <= 4 * j + 4 {
                    let k = src - 4 * j - 1; // 0 = MSB of this S-box output
                    if (s >> (3 - k)) & 1 == 1 {
                        word |= 1 << (31 - i);
                    }
                }
                i += 1;
            }
            sp[j][v] = word.rotate_left(1);
            v += 1;
        }
        j += 1;
    }
    sp
}

/// `PC1_TAB[b][v]`: contribution of key byte `b` (whose seven non-parity bits
/// are `v`) to C‖D, with C in bits 55..28 and D in bits 27..0 (C's first bit
/// is bit 55).
static PC1_TAB: [[u64; 128]; 8] = build_pc1();

const fn build_pc1() -> [[u64; 128]; 8] {
    let mut t = [[0u64; 128]; 8];
    let mut b = 0;
    while b < 8 {
        let mut v = 0;
        while v < 128 {
            let mut acc = 0u64;
            let mut p = 0;
            while p < 56 {
                let k = PC1[p] as usize - 1; // 0-based key bit (0 = MSB of byte 0)
                if k / 8 == b {
                    let bit_in_byte = k % 8; // 0 = MSB; 7 (parity) never occurs
                    if (v >> (6 - bit_in_byte)) & 1 == 1 {
                        acc |= 1 << (55 - p);
                    }
                }
                p += 1;
            }
            t[b][v] = acc;
            v += 1;
        }
        b += 1;
    }
    t
}

/// `PC2_TAB[c][v]`: contribution of 7-bit chunk `c` of the rotated registers
/// (chunks 0..3 = C bits 1-7, 8-14, 15-21, 22-28; chunks 4..7 the same for D)
/// to the cooked round key. Low 32 bits: key bits for S1,S3,S5,S7 (6-bit
/// fields at bit offsets 28 (wrapping), 20, 12, 4); high 32 bits: S2,S4,S6,S8
/// (offsets 24, 16, 8, 0).
static PC2_TAB: [[u64; 128]; 8] = build_pc2();

const fn build_pc2() -> [[u64; 128]; 8] {
    let mut t = [[0u64; 128]; 8];
    let mut c = 0;
    while c < 8 {
        let mut v = 0;
        while v < 128 {
            let mut acc = 0u64;
            let mut i = 0;
            while i < 48 {
                let q = PC2[i] as usize - 1; // 0-based position in C‖D (0..56)
                if q / 7 == c {
                    let t_in_chunk = q % 7; // 0 = MSB of the chunk
                    if (v >> (6 - t_in_chunk)) & 1 == 1 {
                        let sbox = i / 6; // 0-based S-box the key bit feeds
                        let m = i % 6; // 0 = first (most significant) input bit
                        // Field offset of this S-box's input in its word
                        // (S2,S4,S6,S8: 24,16,8,0 in the high word; S1,S3,S5,S7:
                        // the same offsets plus 4, mod 32, in the low word).
                        let base = 24 - 8 * (sbox / 2) + (5 - m);
                        let shift = if sbox % 2 == 1 {
                            32 + base
                        } else {
                            (base + 4) % 32
                        };
                        acc |= 1 << shift;
                    }
                }
                i += 1;
            }
            t[c][v] = acc;
            v += 1;
        }
        c += 1;
    }
    t
}

// ---------------------------------------------------------------------------
// Core permutations and rounds.
// ---------------------------------------------------------------------------

/// Initial permutation IP by delta swaps; returns both halves rotated left
/// by one bit (the layout the round function works in).
// cite: FIPS 46-3 table IP; swap network after d3des / libdes IP().
#[inline(always)]
fn ip(block: u64) -> (u32, u32) {
    let mut l = (block >> 32) as u32;
    let mut r = block as u32;
    let mut w;
    w = ((l >> 4) ^ r) & 0x0f0f_0f0f;
    r ^= w;
    l ^= w << 4;
    w = ((l >> 16) ^ r) & 0x0000_ffff;
    r ^= w;
    l ^= w << 16;
    w = ((r >> 2) ^ l) & 0x3333_3333;
    l ^= w;
    r ^= w << 2;
    w = ((r >> 8) ^ l) & 0x00ff_00ff;
    l ^= w;
    r ^= w << 8;
    r = r.rotate_left(1);
    w = (l ^ r) & 0xaaaa_aaaa;
    l ^= w;
    r ^= w;
    l = l.rotate_left(1);
    (l, r)
}

/// Final permutation FP = IP⁻¹ applied to the pre-output R16‖L16, where `l`
/// and `r` are the (rotated) halves as left by [`rounds`].
// cite: FIPS 46-3 table IP⁻¹; swap network after d3des / libdes FP().
#[inline(always)]
fn fp(mut l: u32, mut r: u32) -> u64 {
    let mut w;
    r = r.rotate_right(1);
    w = (l ^ r) & 0xaaaa_aaaa;
    l ^= w;
    r ^= w;
    l = l.rotate_right(1);
    w = ((l >> 8) ^ r) & 0x00ff_00ff;
    r ^= w;
    l ^= w << 8;
    w = ((l >> 2) ^ r) & 0x3333_3333;
    r ^= w;
    l ^= w << 2;
    w = ((r >> 16) ^ l) & 0x0000_ffff;
    l ^= w;
    r ^= w << 16;
    w = ((r >> 4) ^ l) & 0x0f0f_0f0f;
    l ^= w;
    r ^= w << 4;
    ((r as u64) << 32) | l as u64
}

/// The cipher function f(R, K) of FIPS 46-3 (E, key XOR, S-boxes, P) on the
/// rotated layout, with the cooked round key `(k0, k1)`.
///
/// `k0` holds the key bits for S1, S3, S5, S7 at the positions of their input
/// bits in the rotated half, `k1` those for S2, S4, S6, S8, so E plus the key
/// XOR is two independent XORs. S1's input bits wrap around the word and are
/// gathered with a rotate. The eight table words are combined as a balanced
/// tree of different operators (the outputs occupy disjoint bits, so `^`,
/// `|` and `+` agree) so that the compiler keeps the tree instead of a
/// serial chain, which shortens the round's critical path.
// cite: FIPS 46-3, "The cipher function f".
#[inline(always)]
fn f(r: u32, k0: u32, k1: u32) -> u32 {
    let a = r ^ k0;
    let b = r ^ k1;
    let t1 = SP[0][(a.rotate_left(4) & 0x3f) as usize] ^ SP[1][((b >> 24) & 0x3f) as usize];
    let t2 = SP[2][((a >> 20) & 0x3f) as usize] ^ SP[3][((b >> 16) & 0x3f) as usize];
    let t3 = SP[4][((a >> 12) & 0x3f) as usize] ^ SP[5][((b >> 8) & 0x3f) as usize];
    let t4 = SP[6][((a >> 4) & 0x3f) as usize] ^ SP[7][(b & 0x3f) as usize];
    (t1 | t2).wrapping_add(t3 | t4)
}

/// Sixteen DES rounds on `N` independent blocks' (rotated) halves, with round
/// keys in forward order (encryption) or backward order (decryption, FIPS
/// 46-3 "Deciphering").
///
/// The halves are not exchanged after the last round: the result is the
/// pre-output in the form [`fp`] expects. With `N > 1` the rounds of the
/// blocks are interleaved so the CPU can overlap their table loads; a single
/// DES round is latency-bound (≈ 14 cycles on the development machine), so
/// two interleaved blocks cost far less than two sequential ones.
#[inline(always)]
fn rounds<const DECRYPT: bool, const N: usize>(l: &mut [u32; N], r: &mut [u32; N], ks: &[u32; 32]) {
    let mut i = 0;
    while i < 8 {
        let (o1, o2) = if DECRYPT {
            (30 - 4 * i, 28 - 4 * i)
        } else {
            (4 * i, 4 * i + 2)
        };
        let (k0, k1, k2, k3) = (ks[o1], ks[o1 + 1], ks[o2], ks[o2 + 1]);
        let mut j = 0;
        while j < N {
            l[j] ^= f(r[j], k0, k1);
            j += 1;
        }
        let mut j = 0;
        while j < N {
            r[j] ^= f(l[j], k2, k3);
            j += 1;
        }
        i += 1;
    }
}

/// As [`rounds`], but lane `j` uses its own key schedule `ks[j]`.
#[inline(always)]
fn rounds_lanes<const DECRYPT: bool, const N: usize>(
    l: &mut [u32; N],
    r: &mut [u32; N],
    ks: [&[u32; 32]; N],
) {
    let mut i = 0;
    while i < 8 {
        let (o1, o2) = if DECRYPT {
            (30 - 4 * i, 28 - 4 * i)
        } else {
            (4 * i, 4 * i + 2)
        };
        let mut j = 0;
        while j < N {
            l[j] ^= f(r[j], ks[j][o1], ks[j][o1 + 1]);
            j += 1;
        }
        let mut j = 0;
        while j < N {
            r[j] ^= f(l[j], ks[j][o2], ks[j][o2 + 1]);
            j += 1;
        }
        i += 1;
    }
}

/// `N` independent TDES blocks, block `j` under key `keys[j]`, interleaved.
#[inline(always)]
fn tdes_lanes<const DECRYPT: bool, const N: usize>(
    blocks: [u64; N],
    keys: [&TdesKey; N],
) -> [u64; N] {
    let mut l = [0u32; N];
    let mut r = [0u32; N];
    let mut j = 0;
    while j < N {
        (l[j], r[j]) = ip(blocks[j]);
        j += 1;
    }
    if DECRYPT {
        rounds_lanes::<true, N>(&mut l, &mut r, keys.map(|k| &k.k3.rk));
        rounds_lanes::<false, N>(&mut r, &mut l, keys.map(|k| &k.k2.rk));
        rounds_lanes::<true, N>(&mut l, &mut r, keys.map(|k| &k.k1.rk));
    } else {
        rounds_lanes::<false, N>(&mut l, &mut r, keys.map(|k| &k.k1.rk));
        rounds_lanes::<true, N>(&mut r, &mut l, keys.map(|k| &k.k2.rk));
        rounds_lanes::<false, N>(&mut l, &mut r, keys.map(|k| &k.k3.rk));
    }
    let mut out = [0u64; N];
    let mut j = 0;
    while j < N {
        out[j] = fp(l[j], r[j]);
        j += 1;
    }
    out
}

/// TDES-encrypts `N` independent blocks, block `j` under `keys[j]`, interleaved (same result
/// as `keys[j].encrypt(blocks[j])` for each `j`).
pub fn encrypt_lanes<const N: usize>(keys: [&TdesKey; N], blocks: [u64; N]) -> [u64; N] {
    tdes_lanes::<false, N>(blocks, keys)
}

/// TDES-decrypts `N` independent blocks, block `j` under `keys[j]`, interleaved.
pub fn decrypt_lanes<const N: usize>(keys: [&TdesKey; N], blocks: [u64; N]) -> [u64; N] {
    tdes_lanes::<true, N>(blocks, keys)
}

/// Single-block DES: IP, 16 rounds, FP.
#[inline(always)]
fn des_block<const DECRYPT: bool>(block: u64, ks: &[u32; 32]) -> u64 {
    let (l, r) = ip(block);
    let (mut l, mut r) = ([l], [r]);
    rounds::<DECRYPT, 1>(&mut l, &mut r, ks);
    fp(l[0], r[0])
}

/// `N`-block TDES EDE: IP once, 48 rounds, FP once. `first`/`last` are the
/// outer stage keys and `mid` the middle one. Encryption is
/// `<false, true, N>` with (K1, K2, K3); decryption `<true, false, N>` with
/// (K3, K2, K1). (`MID` is always `!DECRYPT`; stable Rust cannot derive it.)
#[inline(always)]
fn tdes_blocks<const DECRYPT: bool, const MID: bool, const N: usize>(
    blocks: [u64; N],
    first: &[u32; 32],
    mid: &[u32; 32],
    last: &[u32; 32],
) -> [u64; N] {
    let mut l = [0u32; N];
    let mut r = [0u32; N];
    let mut j = 0;
    while j < N {
        (l[j], r[j]) = ip(blocks[j]);
        j += 1;
    }
    // FP followed by IP between stages is the identity up to exchanging the
    // halves, so each stage simply starts with the halves swapped.
    rounds::<DECRYPT, N>(&mut l, &mut r, first);
    rounds::<MID, N>(&mut r, &mut l, mid);
    rounds::<DECRYPT, N>(&mut l, &mut r, last);
    let mut out = [0u64; N];
    let mut j = 0;
    while j < N {
        out[j] = fp(l[j], r[j]);
        j += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------

/// An expanded single-DES key: the 16 round keys K1..K16 of FIPS 46-3, in a
/// layout specific to this implementation.
///
/// Built by [`DesKey::new`]; the round keys are overwritten with zeros when
/// the value is dropped. `Debug` output never shows key material.
#[derive(Clone)]
pub struct DesKey {
    /// Round key i (0-based) is `rk[2i]` (bits for S1,S3,S5,S7) and
    /// `rk[2i+1]` (bits for S2,S4,S6,S8), as laid out by `PC2_TAB`.
    rk: [u32; 32],
}

impl DesKey {
    /// Expands an 8-byte DES key into its 16 round keys.
    ///
    /// The parity bit (least significant bit) of each byte is ignored, so keys
    /// that differ only in parity bits give identical schedules. Weak and
    /// semi-weak keys are accepted (checking for them is the caller's policy).
    pub fn new(key: &[u8; 8]) -> Self {
        // PC-1: eight lookups, one per key byte (seven key bits each).
        let mut cd = 0u64;
        let mut b = 0;
        while b < 8 {
            cd |= PC1_TAB[b][(key[b] >> 1) as usize];
            b += 1;
        }
        // C‖C and D‖D (56 bits each): a left rotation of the 28-bit register
        // by s is then a single right shift by 28 - s, so every round key is
        // computed directly from C0/D0 with its cumulative shift count and the
        // 16 rounds are independent of each other (no serial rotate chain).
        let c = (cd >> 28) & 0x0fff_ffff;
        let d = cd & 0x0fff_ffff;
        let cc = (c << 28) | c;
        let dd = (d << 28) | d;
        let mut rk = [0u32; 32];
        macro_rules! round_key {
            ($i:expr) => {{
                const SH: u32 = 28 - CUM_SHIFTS[$i] as u32;
                let k = PC2_TAB[0][((cc >> (SH + 21)) & 0x7f) as usize]
                    | PC2_TAB[1][((cc >> (SH + 14)) & 0x7f) as usize]
                    | PC2_TAB[2][((cc >> (SH + 7)) & 0x7f) as usize]
                    | PC2_TAB[3][((cc >> SH) & 0x7f) as usize]
                    | PC2_TAB[4][((dd >> (SH + 21)) & 0x7f) as usize]
                    | PC2_TAB[5][((dd >> (SH + 14)) & 0x7f) as usize]
                    | PC2_TAB[6][((dd >> (SH + 7)) & 0x7f) as usize]
                    | PC2_TAB[7][((dd >> SH) & 0x7f) as usize];
                rk[2 * $i] = k as u32;
                rk[2 * $i + 1] = (k >> 32) as u32;
            }};
        }
        round_key!(0);
        round_key!(1);
        round_key!(2);
        round_key!(3);
        round_key!(4);
        round_key!(5);
        round_key!(6);
        round_key!(7);
        round_key!(8);
        round_key!(9);
        round_key!(10);
        round_key!(11);
        round_key!(12);
        round_key!(13);
        round_key!(14);
        round_key!(15);
        DesKey { rk }
    }

    /// Encrypts one 64-bit block (big-endian: byte 0 of the block is the most
    /// significant byte) with single DES.
    #[inline]
    pub fn encrypt(&self, block: u64) -> u64 {
        des_block::<false>(block, &self.rk)
    }

    /// Decrypts one 64-bit block (big-endian, as for [`DesKey::encrypt`])
    /// with single DES.
    #[inline]
    pub fn decrypt(&self, block: u64) -> u64 {
        des_block::<true>(block, &self.rk)
    }
}

impl Drop for DesKey {
    /// Overwrites the round keys with zeros (not elided by the optimiser).
    fn drop(&mut self) {
        self.rk.zeroize();
    }
}

impl fmt::Debug for DesKey {
    /// Prints no key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DesKey { .. }")
    }
}

/// A two-key or three-key Triple-DES (TDEA) key in EDE mode:
/// `encrypt(x) = E_K3(D_K2(E_K1(x)))`, `decrypt(y) = D_K1(E_K2(D_K3(y)))`.
///
/// For two-key TDES (keying option 2) K3 = K1. The three stages run as one
/// IP, 48 rounds and one FP (the inner FP/IP pairs cancel). Each component
/// key is zeroized on drop. `Debug` output never shows key material.
// cite: NIST SP 800-67 Rev. 2 §3.1-3.2 (TDEA forward/inverse operations, keying options).
#[derive(Clone)]
pub struct TdesKey {
    k1: DesKey,
    k2: DesKey,
    k3: DesKey,
}

impl TdesKey {
    /// Builds a two-key TDES key from 16 bytes `K1‖K2` (K3 = K1).
    ///
    /// Two DES key schedules are computed; K3's schedule is a copy of K1's.
    /// Parity bits are ignored.
    pub fn new2(key: &[u8; 16]) -> Self {
        let k1 = DesKey::new(&part(key, 0));
        let k2 = DesKey::new(&part(key, 1));
        let k3 = k1.clone();
        TdesKey { k1, k2, k3 }
    }

    /// Builds a three-key TDES key from 24 bytes `K1‖K2‖K3`.
    ///
    /// Parity bits are ignored. With K1 = K2 = K3 the result is single DES
    /// under that key.
    pub fn new3(key: &[u8; 24]) -> Self {
        let k1 = DesKey::new(&part(key, 0));
        let k2 = DesKey::new(&part(key, 1));
        let k3 = DesKey::new(&part(key, 2));
        TdesKey { k1, k2, k3 }
    }

    /// TDES-encrypts one 64-bit block (big-endian): `E_K3(D_K2(E_K1(x)))`.
    #[inline]
    pub fn encrypt(&self, block: u64) -> u64 {
        tdes_blocks::<false, true, 1>([block], &self.k1.rk, &self.k2.rk, &self.k3.rk)[0]
    }

    /// TDES-decrypts one 64-bit block (big-endian): `D_K1(E_K2(D_K3(y)))`.
    #[inline]
    pub fn decrypt(&self, block: u64) -> u64 {
        tdes_blocks::<true, false, 1>([block], &self.k3.rk, &self.k2.rk, &self.k1.rk)[0]
    }

    /// TDES-encrypts two *independent* blocks at once; same result as
    /// `[self.encrypt(b[0]), self.encrypt(b[1])]`.
    ///
    /// A DES round is bound by table-load latency, so interleaving the rounds
    /// of two blocks costs much less than two sequential calls (about 0.6×
    /// per block on the development machine). Use it where a verb has two
    /// unrelated encryptions, e.g. the two halves of a key derivation.
    #[inline]
    pub fn encrypt2(&self, blocks: [u64; 2]) -> [u64; 2] {
        tdes_blocks::<false, true, 2>(blocks, &self.k1.rk, &self.k2.rk, &self.k3.rk)
    }

    /// TDES-decrypts two *independent* blocks at once; same result as
    /// `[self.decrypt(b[0]), self.decrypt(b[1])]` (see [`TdesKey::encrypt2`]).
    #[inline]
    pub fn decrypt2(&self, blocks: [u64; 2]) -> [u64; 2] {
        tdes_blocks::<true, false, 2>(blocks, &self.k3.rk, &self.k2.rk, &self.k1.rk)
    }
}

/// The 8-byte part `i` of a key (a stack copy; DES key schedules are zeroized, not these).
#[inline(always)]
fn part(key: &[u8], i: usize) -> [u8; 8] {
    let mut p = [0u8; 8];
    p.copy_from_slice(&key[8 * i..8 * i + 8]);
    p
}

impl fmt::Debug for TdesKey {
    /// Prints no key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TdesKey { .. }")
    }
}

// ---------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    // --- An independent, deliberately naive bit-by-bit reference DES -------
    // cite: FIPS 46-3, tables IP, E and the algorithm description.

    const IP_TABLE: [u8; 64] = [
        58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, //
        62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, //
        57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, //
        61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
    ];
    const E_TABLE: [u8; 48] = [
        32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, //
        8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17, //
        16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, //
        24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
    ];

    /// Generic FIPS-style permutation: output bit i (1-based, MSB first, of an
    /// `out_len`-bit value) = input bit table[i] of an `in_len`-bit value.
    fn permute(x: u64, in_len: u32, table: &[u8]) -> u64 {
        let mut out = 0u64;
        for &src in table {
            out = (out << 1) | ((x >> (in_len - src as u32)) & 1);
        }
        out
    }

    fn ref_ip(x: u64) -> u64 {
        permute(x, 64, &IP_TABLE)
    }

    fn ref_fp(x: u64) -> u64 {
        let mut inv = [0u8; 64];
        for (i, &v) in IP_TABLE.iter().enumerate() {
            inv[v as usize - 1] = i as u8 + 1;
        }
        permute(x, 64, &inv)
    }

    fn ref_schedule(key: u64) -> [u64; 16] {
        let cd = permute(key, 64, &PC1);
        let (mut c, mut d) = (cd >> 28, cd & 0x0fff_ffff);
        let mut ks = [0u64; 16];
        for i in 0..16 {
            for _ in 0..SHIFTS[i] {
                c = ((c << 1) | (c >> 27)) & 0x0fff_ffff;
                d = ((d << 1) | (d >> 27)) & 0x0fff_ffff;
            }
            ks[i] = permute((c << 28) | d, 56, &PC2);
        }
        ks
    }

    fn ref_f(r: u64, k: u64) -> u64 {
        let x = permute(r, 32, &E_TABLE) ^ k;
        let mut s_out = 0u64;
        for (j, sbox) in SBOX.iter().enumerate() {
            let six = (x >> (42 - 6 * j)) & 0x3f;
            let row = ((six >> 4) & 2) | (six & 1);
            let col = (six >> 1) & 0xf;
            s_out = (s_out << 4) | sbox[(row * 16 + col) as usize] as u64;
        }
        permute(s_out, 32, &P)
    }

    fn ref_des(key: u64, block: u64, decrypt: bool) -> u64 {
        let ks = ref_schedule(key);
        let x = ref_ip(block);
        let (mut l, mut r) = (x >> 32, x & 0xffff_ffff);
        for i in 0..16 {
            let k = if decrypt { ks[15 - i] } else { ks[i] };
            let nr = l ^ ref_f(r, k);
            l = r;
            r = nr;
        }
        ref_fp((r << 32) | l)
    }

    fn des_enc(key: u64, pt: u64) -> u64 {
        DesKey::new(&key.to_be_bytes()).encrypt(pt)
    }

    fn des_dec(key: u64, ct: u64) -> u64 {
        DesKey::new(&key.to_be_bytes()).decrypt(ct)
    }

    /// Tiny deterministic PRNG (Marsaglia xorshift64).
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
    }

    // --- Internal consistency ----------------------------------------------

    #[test]
    fn sbox_rows_are_permutations() {
        for (j, sbox) in SBOX.iter().enumerate() {
            for row in 0..4 {
                let mut seen = 0u16;
                for col in 0..16 {
                    seen |= 1 << sbox[row * 16 + col];
                }
                assert_eq!(seen, 0xffff, "S{} row {} is not a permutation", j + 1, row);
            }
        }
    }

    #[test]
    fn ip_fp_networks_match_fips_tables() {
        // IP network returns halves rotated left by 1; undo that and compare.
        for i in 0..64 {
            let x = 1u64 << i;
            let (l, r) = ip(x);
            let got = ((l.rotate_right(1) as u64) << 32) | r.rotate_right(1) as u64;
            assert_eq!(got, ref_ip(x), "IP bit {i}");
            // fp(l, r) must be FP applied to R‖L (the pre-output after 16 rounds).
            let y = ref_ip(x);
            let (yl, yr) = ((y >> 32) as u32, y as u32);
            assert_eq!(
                fp(yr.rotate_left(1), yl.rotate_left(1)),
                ref_fp(y),
                "FP bit {i}"
            );
            assert_eq!(ref_fp(ref_ip(x)), x);
        }
    }

    #[test]
    fn key_schedule_matches_reference() {
        let mut rng = XorShift(0x243f_6a88_85a3_08d3);
        for _ in 0..2000 {
            let key = rng.next();
            let fast = DesKey::new(&key.to_be_bytes());
            let slow = ref_schedule(key);
            for (i, &want) in slow.iter().enumerate() {
                // Un-cook: S1..S8 six-bit groups, MSB first.
                let (k0, k1) = (fast.rk[2 * i].rotate_right(4), fast.rk[2 * i + 1]);
                let groups = [
                    k0 >> 24,
                    k1 >> 24,
                    k0 >> 16,
                    k1 >> 16,
                    k0 >> 8,
                    k1 >> 8,
                    k0,
                    k1,
                ];
                let mut k = 0u64;
                for g in groups {
                    k = (k << 6) | (g & 0x3f) as u64;
                }
                assert_eq!(k, want, "key {key:016x} round {}", i + 1);
                assert_eq!(k0 & 0xc0c0_c0c0, 0);
                assert_eq!(k1 & 0xc0c0_c0c0, 0);
            }
        }
    }

    #[test]
    fn matches_naive_reference() {
        let mut rng = XorShift(0x1319_8a2e_0370_7344);
        for _ in 0..5000 {
            let (k, x) = (rng.next(), rng.next());
            assert_eq!(des_enc(k, x), ref_des(k, x, false));
            assert_eq!(des_dec(k, x), ref_des(k, x, true));
        }
    }

    #[test]
    fn parity_bits_ignored() {
        let mut rng = XorShift(0xa409_3822_299f_31d0);
        for _ in 0..1000 {
            let (k, x) = (rng.next(), rng.next());
            let flip = rng.next() & 0x0101_0101_0101_0101;
            assert_eq!(des_enc(k, x), des_enc(k ^ flip, x));
        }
    }

    // --- Published known-answer tests ---------------------------------------
    //
    // cite: NIST SP 800-17, "Modes of Operation Validation System (MOVS):
    //       Requirements and Procedures", 1998, Appendix B, Tables B.1-B.4
    //       (republished as NIST SP 800-20, 1999, Appendix A, Tables A.1-A.4).
    // Each table is run as single DES and (as the publications intend for
    // TDES) as three-key TDES with K1 = K2 = K3, encrypt and decrypt.

    /// Table B.1 / A.1 - Variable Plaintext Known Answer Test, key
    /// 0101010101010101; plaintext i has only bit i+1 set. Ciphertexts:
    const VAR_PLAINTEXT_CT: [u64; 64] = [
        0x95F8A5E5DD31D900,
        0xDD7F121CA5015619,
        0x2E8653104F3834EA,
        0x4BD388FF6CD81D4F,
        0x20B9E767B2FB1456,
        0x55579380D77138EF,
        0x6CC5DEFAAF04512F,
        0x0D9F279BA5D87260,
        0xD9031B0271BD5A0A,
        0x424250B37C3DD951,
        0xB8061B7ECD9A21E5,
        0xF15D0F286B65BD28,
        0xADD0CC8D6E5DEBA1,
        0xE6D5F82752AD63D1,
        0xECBFE3BD3F591A5E,
        0xF356834379D165CD,
        0x2B9F982F20037FA9,
        0x889DE068A16F0BE6,
        0xE19E275D846A1298,
        0x329A8ED523D71AEC,
        0xE7FCE22557D23C97,
        0x12A9F5817FF2D65D,
        0xA484C3AD38DC9C19,
        0xFBE00A8A1EF8AD72,
        0x750D079407521363,
        0x64FEED9C724C2FAF,
        0xF02B263B328E2B60,
        0x9D64555A9A10B852,
        0xD106FF0BED5255D7,
        0xE1652C6B138C64A5,
        0xE428581186EC8F46,
        0xAEB5F5EDE22D1A36,
        0xE943D7568AEC0C5C,
        0xDF98C8276F54B04B,
        0xB160E4680F6C696F,
        0xFA0752B07D9C4AB8,
        0xCA3A2B036DBC8502,
        0x5E0905517BB59BCF,
        0x814EEB3B91D90726,
        0x4D49DB1532919C9F,
        0x25EB5FC3F8CF0621,
        0xAB6A20C0620D1C6F,
        0x79E90DBC98F92CCA,
        0x866ECEDD8072BB0E,
        0x8B54536F2F3E64A8,
        0xEA51D3975595B86B,
        0xCAFFC6AC4542DE31,
        0x8DD45A2DDF90796C,
        0x1029D55E880EC2D0,
        0x5D86CB23639DBEA9,
        0x1D1CA853AE7C0C5F,
        0xCE332329248F3228,
        0x8405D1ABE24FB942,
        0xE643D78090CA4207,
        0x48221B9937748A23,
        0xDD7C0BBD61FAFD54,
        0x2FBC291A570DB5C4,
        0xE07C30D7E4E26E12,
        0x0953E2258E8E90A1,
        0x5B711BC4CEEBF2EE,
        0xCC083F1E6D9E85F6,
        0xD2FD8867D50D2DFE,
        0x06E7EA22CE92708F,
        0x166B40B44ABA4BD6,
    ];

    /// Table B.2 / A.2 - Variable Key Known Answer Test, plaintext
    /// 0000000000000000; key i has only non-parity key bit i set (others are
    /// the odd-parity filler 01). Ciphertexts:
    const VAR_KEY_CT: [u64; 56] = [
        0x95A8D72813DAA94D,
        0x0EEC1487DD8C26D5,
        0x7AD16FFB79C45926,
        0xD3746294CA6A6CF3,
        0x809F5F873C1FD761,
        0xC02FAFFEC989D1FC,
        0x4615AA1D33E72F10,
        0x2055123350C00858,
        0xDF3B99D6577397C8,
        0x31FE17369B5288C9,
        0xDFDD3CC64DAE1642,
        0x178C83CE2B399D94,
        0x50F636324A9B7F80,
        0xA8468EE3BC18F06D,
        0xA2DC9E92FD3CDE92,
        0xCAC09F797D031287,
        0x90BA680B22AEB525,
        0xCE7A24F350E280B6,
        0x882BFF0AA01A0B87,
        0x25610288924511C2,
        0xC71516C29C75D170,
        0x5199C29A52C9F059,
        0xC22F0A294A71F29F,
        0xEE371483714C02EA,
        0xA81FBD448F9E522F,
        0x4F644C92E192DFED,
        0x1AFA9A66A6DF92AE,
        0xB3C1CC715CB879D8,
        0x19D032E64AB0BD8B,
        0x3CFAA7A7DC8720DC,
        0xB7265F7F447AC6F3,
        0x9DB73B3C0D163F54,
        0x8181B65BABF4A975,
        0x93C9B64042EAA240,
        0x5570530829705592,
        0x8638809E878787A0,
        0x41B9A79AF79AC208,
        0x7A9BE42F2009A892,
        0x29038D56BA6D2745,
        0x5495C6ABF1E5DF51,
        0xAE13DBD561488933,
        0x024D1FFA8904E389,
        0xD1399712F99BF02E,
        0x14C1D7C1CFFEC79E,
        0x1DE5279DAE3BED6F,
        0xE941A33F85501303,
        0xDA99DBBC9A03F379,
        0xB7FC92F91D8E92E9,
        0xAE8E5CAA3CA04E85,
        0x9CC62DF43B6EED74,
        0xD863DBB5C59A91A0,
        0xA1AB2190545B91D7,
        0x0875041E64C570F7,
        0x5A594528BEBEF1CC,
        0xFCDB3291DE21F0C0,
        0x869EFD7F9F265A09,
    ];

    /// Table B.3 / A.3 - Permutation Operation Known Answer Test, plaintext
    /// 0000000000000000: (key, ciphertext).
    const PERMUTATION_KAT: [(u64, u64); 32] = [
        (0x1046913489980131, 0x88D55E54F54C97B4),
        (0x1007103489988020, 0x0C0CC00C83EA48FD),
        (0x10071034C8980120, 0x83BC8EF3A6570183),
        (0x1046103489988020, 0xDF725DCAD94EA2E9),
        (0x1086911519190101, 0xE652B53B550BE8B0),
        (0x1086911519580101, 0xAF527120C485CBB0),
        (0x5107B01519580101, 0x0F04CE393DB926D5),
        (0x1007B01519190101, 0xC9F00FFC74079067),
        (0x3107915498080101, 0x7CFD82A593252B4E),
        (0x3107919498080101, 0xCB49A2F9E91363E3),
        (0x10079115B9080140, 0x00B588BE70D23F56),
        (0x3107911598080140, 0x406A9A6AB43399AE),
        (0x1007D01589980101, 0x6CB773611DCA9ADA),
        (0x9107911589980101, 0x67FD21C17DBB5D70),
        (0x9107D01589190101, 0x9592CB4110430787),
        (0x1007D01598980120, 0xA6B7FF68A318DDD3),
        (0x1007940498190101, 0x4D102196C914CA16),
        (0x0107910491190401, 0x2DFA9F4573594965),
        (0x0107910491190101, 0xB46604816C0E0774),
        (0x0107940491190401, 0x6E7E6221A4F34E87),
        (0x19079210981A0101, 0xAA85E74643233199),
        (0x1007911998190801, 0x2E5A19DB4D1962D6),
        (0x10079119981A0801, 0x23A866A809D30894),
        (0x1007921098190101, 0xD812D961F017D320),
        (0x100791159819010B, 0x055605816E58608F),
        (0x1004801598190101, 0xABD88E8B1B7716F1),
        (0x1004801598190102, 0x537AC95BE69DA1E1),
        (0x1004801598190108, 0xAED0F6AE3C25CDD8),
        (0x1002911598100104, 0xB3E35A5EE53E7B8D),
        (0x1002911598190104, 0x61C79C71921A2EF8),
        (0x1002911598100201, 0xE2F5728F0995013C),
        (0x1002911698100101, 0x1AEAC39A61F0A464),
    ];

    /// Table B.4 / A.4 - Substitution Table Known Answer Test:
    /// (key, plaintext, ciphertext).
    const SUBSTITUTION_KAT: [(u64, u64, u64); 19] = [
        (0x7CA110454A1A6E57, 0x01A1D6D039776742, 0x690F5B0D9A26939B),
        (0x0131D9619DC1376E, 0x5CD54CA83DEF57DA, 0x7A389D10354BD271),
        (0x07A1133E4A0B2686, 0x0248D43806F67172, 0x868EBB51CAB4599A),
        (0x3849674C2602319E, 0x51454B582DDF440A, 0x7178876E01F19B2A),
        (0x04B915BA43FEB5B6, 0x42FD443059577FA2, 0xAF37FB421F8C4095),
        (0x0113B970FD34F2CE, 0x059B5E0851CF143A, 0x86A560F10EC6D85B),
        (0x0170F175468FB5E6, 0x0756D8E0774761D2, 0x0CD3DA020021DC09),
        (0x43297FAD38E373FE, 0x762514B829BF486A, 0xEA676B2CB7DB2B7A),
        (0x07A7137045DA2A16, 0x3BDD119049372802, 0xDFD64A815CAF1A0F),
        (0x04689104C2FD3B2F, 0x26955F6835AF609A, 0x5C513C9C4886C088),
        (0x37D06BB516CB7546, 0x164D5E404F275232, 0x0A2AEEAE3FF4AB77),
        (0x1F08260D1AC2465E, 0x6B056E18759F5CCA, 0xEF1BF03E5DFA575A),
        (0x584023641ABA6176, 0x004BD6EF09176062, 0x88BF0DB6D70DEE56),
        (0x025816164629B007, 0x480D39006EE762F2, 0xA1F9915541020B56),
        (0x49793EBC79B3258F, 0x437540C8698F3CFA, 0x6FBF1CAFCFFD0556),
        (0x4FB05E1515AB73A7, 0x072D43A077075292, 0x2F22E49BAB7CA1AC),
        (0x49E95D6D4CA229BF, 0x02FE55778117F12A, 0x5A6B612CC26CCE4A),
        (0x018310DC409B26D6, 0x1D9D5C5018F728C2, 0x5F4C038ED12B2E41),
        (0x1C587F1C13924FEF, 0x305532286D6F295A, 0x63FAC0D034D9F793),
    ];

    /// Checks one (key, pt, ct) triple as DES and as TDES with K1=K2=K3
    /// (both `new3` and `new2`), encrypt and decrypt.
    fn check_kat(key: u64, pt: u64, ct: u64, what: &str) {
        assert_eq!(des_enc(key, pt), ct, "{what}: DES encrypt");
        assert_eq!(des_dec(key, ct), pt, "{what}: DES decrypt");
        let kb = key.to_be_bytes();
        let mut k3 = [0u8; 24];
        let mut k2 = [0u8; 16];
        for i in 0..3 {
            k3[8 * i..8 * i + 8].copy_from_slice(&kb);
        }
        for i in 0..2 {
            k2[8 * i..8 * i + 8].copy_from_slice(&kb);
        }
        let t3 = TdesKey::new3(&k3);
        let t2 = TdesKey::new2(&k2);
        assert_eq!(t3.encrypt(pt), ct, "{what}: TDES-3 encrypt");
        assert_eq!(t3.decrypt(ct), pt, "{what}: TDES-3 decrypt");
        assert_eq!(t2.encrypt(pt), ct, "{what}: TDES-2 encrypt");
        assert_eq!(t2.decrypt(ct), pt, "{what}: TDES-2 decrypt");
    }

    #[test]
    fn sp800_17_variable_plaintext_kat() {
        for (i, &ct) in VAR_PLAINTEXT_CT.iter().enumerate() {
            let pt = 1u64 << (63 - i);
            check_kat(0x0101010101010101, pt, ct, &format!("B.1 #{i}"));
            // Inverse-permutation / initial-permutation variants (SP 800-17):
            // encrypting the ciphertext under the all-zero-bits key gives the
            // plaintext (the key's round keys are all zero, so E = D).
            assert_eq!(des_enc(0x0101010101010101, ct), pt, "B.1 #{i} inverse");
        }
    }

    #[test]
    fn sp800_17_variable_key_kat() {
        let mut i = 0;
        for byte in 0..8 {
            for bit in 0..7 {
                let key = 0x0101010101010101u64 | (0x80u64 >> bit) << (8 * (7 - byte));
                check_kat(key, 0, VAR_KEY_CT[i], &format!("B.2 #{i}"));
                i += 1;
            }
        }
        assert_eq!(i, 56);
    }

    #[test]
    fn sp800_17_permutation_operation_kat() {
        for (i, &(key, ct)) in PERMUTATION_KAT.iter().enumerate() {
            check_kat(key, 0, ct, &format!("B.3 #{i}"));
        }
    }

    #[test]
    fn sp800_17_substitution_table_kat() {
        for (i, &(key, pt, ct)) in SUBSTITUTION_KAT.iter().enumerate() {
            check_kat(key, pt, ct, &format!("B.4 #{i}"));
        }
    }

    /// FIPS PUB 81 (DES Modes of Operation, 1980), Appendix B, Table B1 (ECB)
    /// and Table C1 (CBC, IV 1234567890ABCDEF): key 0123456789ABCDEF,
    /// plaintext "Now is the time for all ".
    // cite: FIPS PUB 81, Appendix B Table B1 and Appendix C Table C1.
    #[test]
    fn fips81_now_is_the_time() {
        let key = DesKey::new(&0x0123456789ABCDEFu64.to_be_bytes());
        let pt = [
            0x4E6F772069732074u64,
            0x68652074696D6520,
            0x666F7220616C6C20,
        ];
        let ecb = [
            0x3FA40E8A984D4815u64,
            0x6A271787AB8883F9,
            0x893D51EC4B563B53,
        ];
        let cbc = [
            0xE5C7CDDE872BF27Cu64,
            0x43E934008C389C0F,
            0x683788499A7C05F6,
        ];
        for i in 0..3 {
            assert_eq!(key.encrypt(pt[i]), ecb[i]);
            assert_eq!(key.decrypt(ecb[i]), pt[i]);
        }
        let mut chain = 0x1234567890ABCDEFu64;
        for i in 0..3 {
            chain = key.encrypt(pt[i] ^ chain);
            assert_eq!(chain, cbc[i]);
        }
    }

    /// Example from NIST SP 800-67 (Rev. 1 Appendix B / Rev. 2 Appendix A):
    /// three-key TDEA ECB, keys 0123456789ABCDEF 23456789ABCDEF01
    /// 456789ABCDEF0123, plaintext "The qufck brown fox jump".
    // cite: NIST SP 800-67 Rev. 1 (2012) Appendix B, Rev. 2 (2017) Appendix A.
    #[test]
    fn sp800_67_example() {
        let key: [u8; 24] = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, //
            0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, //
            0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23,
        ];
        let t = TdesKey::new3(&key);
        let pt = *b"The qufck brown fox jump";
        let ct = [
            0xA826FD8CE53B855Fu64,
            0xCCE21C8112256FE6,
            0x68D5C05DD9B6B900,
        ];
        for i in 0..3 {
            let p = u64::from_be_bytes(pt[8 * i..8 * i + 8].try_into().unwrap());
            assert_eq!(t.encrypt(p), ct[i]);
            assert_eq!(t.decrypt(ct[i]), p);
        }
    }

    /// Two-key TDES must equal three-key TDES with K3 = K1, and must equal the
    /// composition of single-DES stages.
    #[test]
    fn tdes_structure() {
        let mut rng = XorShift(0xbe54_66cf_34e9_0c6c);
        for _ in 0..2000 {
            let (a, b, c, x) = (rng.next(), rng.next(), rng.next(), rng.next());
            let mut k2 = [0u8; 16];
            k2[..8].copy_from_slice(&a.to_be_bytes());
            k2[8..].copy_from_slice(&b.to_be_bytes());
            let mut k3 = [0u8; 24];
            k3[..16].copy_from_slice(&k2);
            k3[16..].copy_from_slice(&a.to_be_bytes());
            let (t2, t3a) = (TdesKey::new2(&k2), TdesKey::new3(&k3));
            assert_eq!(t2.encrypt(x), t3a.encrypt(x));
            assert_eq!(t2.decrypt(x), t3a.decrypt(x));
            k3[16..].copy_from_slice(&c.to_be_bytes());
            let t3 = TdesKey::new3(&k3);
            let staged = des_enc(c, des_dec(b, des_enc(a, x)));
            assert_eq!(t3.encrypt(x), staged);
            assert_eq!(t3.decrypt(staged), x);
        }
    }

    #[test]
    fn pair_api_matches_single() {
        let mut rng = XorShift(0x452821e638d01377);
        for _ in 0..2000 {
            let mut k = [0u8; 24];
            for c in k.chunks_mut(8) {
                c.copy_from_slice(&rng.next().to_be_bytes());
            }
            let k2: [u8; 16] = k[..16].try_into().unwrap();
            for t in [TdesKey::new3(&k), TdesKey::new2(&k2)] {
                let (x, y) = (rng.next(), rng.next());
                assert_eq!(t.encrypt2([x, y]), [t.encrypt(x), t.encrypt(y)]);
                assert_eq!(t.decrypt2([x, y]), [t.decrypt(x), t.decrypt(y)]);
            }
        }
    }

    /// Ron Rivest's DES single-fault test ("Testing Implementations of DES",
    /// 1985): X0 = 9474B8E8C73BCA7D, X(i+1) = E(Xi, Xi) for even i, D(Xi, Xi)
    /// for odd i; X16 must be 1B1A2DDB4C642438.
    #[test]
    fn rivest_recurrence() {
        let mut x = 0x9474B8E8C73BCA7Du64;
        for i in 0..16 {
            x = if i % 2 == 0 {
                des_enc(x, x)
            } else {
                des_dec(x, x)
            };
        }
        assert_eq!(x, 0x1B1A2DDB4C642438);
    }

    #[test]
    fn debug_does_not_leak() {
        let k = DesKey::new(&[0x13; 8]);
        assert_eq!(format!("{k:?}"), "DesKey { .. }");
        let t = TdesKey::new2(&[0x13; 16]);
        assert_eq!(format!("{t:?}"), "TdesKey { .. }");
    }
}
