//! Shamir secret sharing of a 256-bit [`Secret`] over GF(2^8) (docs/custody.md §2).
//!
//! The field arithmetic and the interpolation are `vsss-rs`'s (`Gf256`: the Rijndael field
//! x^8 + x^4 + x^3 + x + 1, multiplication and inversion without tables or secret-dependent
//! branches, coefficients drawn uniformly over the whole field, zero included); this module
//! only fixes the share numbering (share `i` is the polynomial's value at x = `i`, the card's
//! index), feeds the crate the operating system's random source and keeps every byte it
//! handles in zeroizing buffers.

use vsss_rs::{Gf256, IdentifierGf256, Polynomial};
use zeroize::{Zeroize, Zeroizing};

use super::{SECRET_LEN, Secret};
use crate::error::{Error, Result};

/// Most shares in a set (N). The card profile allows 255; 64 keeps the ceremony buffer small
/// and is what the HSM console this follows offers.
pub const MAX_SHARES: u8 = 64;

/// One share: the card index (x, 1..=N) and the polynomial's values there, one byte per byte
/// of the secret. Wiped on drop, never in `Debug`.
pub struct Share {
    /// The x coordinate, the card's index in its set (1..=N).
    pub index: u8,
    /// The share bytes.
    pub bytes: Zeroizing<[u8; SECRET_LEN]>,
}

impl core::fmt::Debug for Share {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Share({}, ..)", self.index)
    }
}

impl Share {
    /// A share from its index and bytes.
    pub fn new(index: u8, bytes: &[u8; SECRET_LEN]) -> Share {
        Share {
            index,
            bytes: Zeroizing::new(*bytes),
        }
    }
}

/// Checks M and N: 2 ≤ M ≤ N ≤ [`MAX_SHARES`], else [`Error::SetParameters`].
pub fn check_threshold(m: u8, n: u8) -> Result<()> {
    if m < 2 || m > n || n > MAX_SHARES {
        return Err(Error::SetParameters);
    }
    Ok(())
}

/// The operating system's random source for `vsss-rs`. Its traits cannot fail, so a failure
/// is remembered and reported by [`split`] after the crate returns (the shares are then thrown
/// away).
struct OsRandom {
    failed: bool,
}

impl rand_core::TryRng for OsRandom {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        if crate::crypto::rng::fill(dst).is_err() {
            self.failed = true;
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for OsRandom {}

/// The crate's share type for GF(2^8): x and y are both field elements.
type GfShare = vsss_rs::DefaultShare<IdentifierGf256, IdentifierGf256>;

/// Splits `secret` into `n` shares, any `m` of which recombine it (indices 1..=n).
///
/// The same steps as the crate's `Gf256::split_bytes` (its `Polynomial::fill` draws the
/// coefficients, `evaluate_in_place` evaluates by Horner's rule), but with the polynomial in a
/// buffer of ours that is wiped when dropped: the crate's own one is freed unwiped, with the
/// last secret byte as its constant term.
pub fn split(secret: &Secret, m: u8, n: u8) -> Result<Vec<Share>> {
    check_threshold(m, n)?;
    crate::crypto::scrub::note_secret();
    let threshold = usize::from(m);
    let mut rng = OsRandom { failed: false };
    let mut poly: Zeroizing<Vec<GfShare>> =
        Zeroizing::new(<Vec<GfShare> as Polynomial<GfShare>>::create(threshold));
    let mut shares: Vec<Share> = (1..=n).map(|i| Share::new(i, &[0u8; SECRET_LEN])).collect();
    let mut value = Zeroizing::new(IdentifierGf256::default());
    for (k, &b) in secret.as_bytes().iter().enumerate() {
        poly.fill(&IdentifierGf256(Gf256(b)), &mut rng, threshold)
            .map_err(|_| Error::Internal)?;
        for s in shares.iter_mut() {
            poly.evaluate_in_place(&IdentifierGf256(Gf256(s.index)), threshold, &mut value);
            s.bytes[k] = value.0.0;
        }
    }
    if rng.failed {
        return Err(Error::Random);
    }
    Ok(shares)
}

/// Recombines the secret from `shares` (at least 2, distinct non-zero indices). With fewer
/// shares than the set's M the result is a wrong secret, which only its check value reveals:
/// callers compare [`super::check_value`] before using it.
pub fn combine(shares: &[Share]) -> Result<Secret> {
    crate::crypto::scrub::note_secret();
    if shares.len() < 2 {
        return Err(Error::SetNotEnoughCards);
    }
    let mut raw: Vec<Vec<u8>> = shares
        .iter()
        .map(|s| {
            let mut v = Vec::with_capacity(SECRET_LEN + 1);
            v.push(s.index);
            v.extend_from_slice(&s.bytes[..]);
            v
        })
        .collect();
    let result = Gf256::combine_bytes(&raw);
    for r in raw.iter_mut() {
        r.zeroize();
    }
    let mut bytes = Zeroizing::new(result.map_err(|e| match e {
        vsss_rs::Error::SharingDuplicateIdentifier => Error::ShareDuplicate,
        _ => Error::Internal,
    })?);
    if bytes.len() != SECRET_LEN {
        return Err(Error::Internal);
    }
    let mut secret = Secret::zeroed();
    secret.as_bytes_mut().copy_from_slice(&bytes);
    bytes.zeroize();
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custody::{SecretKind, check_value};
    use crate::test_hex as h;

    struct Case {
        m: usize,
        secret: Vec<u8>,
        shares: Vec<Vec<u8>>,
    }

    /// tests/data/shamir.txt: shares computed by shamir-mnemonic (tests/vectors/gen_shamir.py).
    fn cases() -> Vec<Case> {
        include_str!("../../tests/data/shamir.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                let field = |k: &str| {
                    l.split(' ')
                        .find_map(|f| f.strip_prefix(&format!("{k}=")))
                        .unwrap()
                        .to_string()
                };
                let n: usize = field("n").parse().unwrap();
                Case {
                    m: field("m").parse().unwrap(),
                    secret: h(&field("secret")),
                    shares: (1..=n).map(|i| h(&field(&format!("s{i}")))).collect(),
                }
            })
            .collect()
    }

    fn share(i: usize, bytes: &[u8]) -> Share {
        Share::new(i as u8, bytes.try_into().unwrap())
    }

    /// A small deterministic generator for picking subsets (not for keys).
    fn lcg(state: &mut u64) -> usize {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 33) as usize
    }

    fn pick(state: &mut u64, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..n {
            let j = i + lcg(state) % (n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }

    #[test]
    fn known_answers_from_slip39() {
        let cases = cases();
        assert_eq!(cases.len(), 8);
        let mut st = 7;
        for c in &cases {
            let n = c.shares.len();
            for _ in 0..20 {
                let idx = pick(&mut st, n, c.m);
                let got: Vec<Share> = idx.iter().map(|&i| share(i + 1, &c.shares[i])).collect();
                assert_eq!(&combine(&got).unwrap().as_bytes()[..], &c.secret[..]);
                // M-1 of them recombine something else.
                if c.m > 2 {
                    let fewer = &got[..c.m - 1];
                    assert_ne!(&combine(fewer).unwrap().as_bytes()[..], &c.secret[..]);
                }
            }
        }
    }

    #[test]
    fn any_m_of_n_recombine_and_m_minus_1_do_not() {
        let mut st = 99;
        for (m, n) in [
            (2u8, 2u8),
            (2, 3),
            (3, 5),
            (4, 16),
            (16, 16),
            (5, 64),
            (2, 64),
        ] {
            let secret = Secret::random().unwrap();
            let cv = check_value(&secret, SecretKind::ServerMasterKey);
            let shares = split(&secret, m, n).unwrap();
            assert_eq!(shares.len(), usize::from(n));
            for (i, s) in shares.iter().enumerate() {
                assert_eq!(usize::from(s.index), i + 1);
            }
            for _ in 0..25 {
                let mut idx = pick(&mut st, usize::from(n), usize::from(m));
                let got: Vec<Share> = idx
                    .iter()
                    .map(|&i| Share::new(shares[i].index, &shares[i].bytes))
                    .collect();
                let back = combine(&got).unwrap();
                assert_eq!(check_value(&back, SecretKind::ServerMasterKey), cv);
                // More than M also recombine it.
                if m < n {
                    let extra = (0..usize::from(n)).find(|i| !idx.contains(i)).unwrap();
                    idx.push(extra);
                    let more: Vec<Share> = idx
                        .iter()
                        .map(|&i| Share::new(shares[i].index, &shares[i].bytes))
                        .collect();
                    assert_eq!(
                        check_value(&combine(&more).unwrap(), SecretKind::ServerMasterKey),
                        cv
                    );
                }
                if m > 2 {
                    let fewer = combine(&got[..usize::from(m) - 1]).unwrap();
                    assert_ne!(check_value(&fewer, SecretKind::ServerMasterKey), cv);
                }
            }
        }
    }

    #[test]
    fn duplicate_index_and_bad_parameters() {
        let secret = Secret::random().unwrap();
        let shares = split(&secret, 2, 3).unwrap();
        let twice = [
            Share::new(2, &shares[1].bytes),
            Share::new(2, &shares[1].bytes),
        ];
        assert_eq!(combine(&twice).unwrap_err(), Error::ShareDuplicate);
        assert_eq!(combine(&shares[..1]).unwrap_err(), Error::SetNotEnoughCards);
        for (m, n) in [(1, 3), (0, 2), (4, 3), (2, 1), (2, 65), (65, 65)] {
            assert_eq!(split(&secret, m, n).unwrap_err(), Error::SetParameters);
        }
        assert!(split(&secret, 64, 64).is_ok());
    }

    #[test]
    fn shares_differ_between_splits() {
        let secret = Secret::random().unwrap();
        let a = split(&secret, 2, 2).unwrap();
        let b = split(&secret, 2, 2).unwrap();
        assert_ne!(&a[0].bytes[..], &b[0].bytes[..]);
    }
}
