//! Master-key custody: the 256-bit secrets that live only on operator cards (the server master
//! key, SVMK, and a partition authorisation secret), their check values and set ids
//! (docs/decisions.md D29).
//!
//! A [`Secret`] is created from the operating system's random source, recombined from card
//! shares, or read back from the kernel keyring; it is wiped when dropped, never printed, and
//! compared only through its [`check_value`].

pub mod ceremony;
pub mod collect;
pub mod directory;
pub mod shamir;
pub mod ticket;
pub mod write;

use core::fmt;

use zeroize::Zeroizing;

use crate::crypto::hmac::hmac_sha256;
use crate::crypto::rng;
use crate::error::Result;

/// Length of a custody secret in bytes (256 bits).
pub const SECRET_LEN: usize = 32;

/// Which secret: the kind is part of the check value, so an SVMK and a partition secret of the
/// same bytes never share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// The server master key (SVMK) that protects a state directory's master-key registers.
    ServerMasterKey,
    /// A partition authorisation secret.
    Partition,
}

impl SecretKind {
    /// The four ASCII bytes that name the kind in its check value: `SVMK` or `PART`.
    pub fn tag(self) -> &'static [u8; 4] {
        match self {
            SecretKind::ServerMasterKey => b"SVMK",
            SecretKind::Partition => b"PART",
        }
    }
}

/// A 256-bit custody secret, boxed (moves move a pointer, never the bytes) and wiped on drop.
pub struct Secret {
    bytes: Box<Zeroizing<[u8; SECRET_LEN]>>,
}

impl Secret {
    /// A new secret from the operating system's random source.
    pub fn random() -> Result<Secret> {
        let mut s = Secret::zeroed();
        rng::fill(s.as_bytes_mut())?;
        Ok(s)
    }

    /// An all-zero secret, to be filled in place through [`Secret::as_bytes_mut`].
    pub fn zeroed() -> Secret {
        Secret {
            bytes: Box::new(Zeroizing::new([0u8; SECRET_LEN])),
        }
    }

    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8; SECRET_LEN] {
        &self.bytes
    }

    /// The secret's bytes, to fill in place.
    pub fn as_bytes_mut(&mut self) -> &mut [u8; SECRET_LEN] {
        &mut self.bytes
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The check value of a secret: the first 8 bytes of HMAC-SHA-256(secret, `"softcca check"` ‖
/// kind tag) (docs/decisions.md D29). It identifies the secret in Inspect, the console and the
/// state directory and is no help in recovering it.
pub fn check_value(secret: &Secret, kind: SecretKind) -> [u8; 8] {
    let d = hmac_sha256(secret.as_bytes(), &[b"softcca check", kind.tag()]);
    let mut cv = [0u8; 8];
    cv.copy_from_slice(&d[..8]);
    cv
}

/// A set id: 16 random bytes, shown as 32 hexadecimal digits.
pub fn new_set_id() -> Result<[u8; 16]> {
    let mut id = [0u8; 16];
    rng::fill(&mut id)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_hex as h;

    #[test]
    fn check_values_from_python_hmac() {
        // Expected values computed with Python's standard library, independently of this code:
        // hmac.new(bytes(range(32)), b"softcca check" + tag, hashlib.sha256).digest()[:8]
        let mut s = Secret::zeroed();
        for (i, b) in s.as_bytes_mut().iter_mut().enumerate() {
            *b = i as u8;
        }
        assert_eq!(
            check_value(&s, SecretKind::ServerMasterKey).to_vec(),
            h("B3CB40C24F52BD5B")
        );
        assert_eq!(
            check_value(&s, SecretKind::Partition).to_vec(),
            h("FCF00A9A86BF8E8C")
        );
    }

    #[test]
    fn debug_shows_no_byte() {
        let s = Secret::random().unwrap();
        assert_eq!(format!("{s:?}"), "Secret(..)");
    }
}

#[cfg(test)]
mod card_tests;
