//! The master-key registers of a bound state directory, sealed under its SVMK
//! (docs/decisions.md D50).
//!
//! Register key: HMAC-SHA-256(SVMK, `"softcca/register-key/v1"` ‖ directory id), 32 bytes, a
//! one-way derivation (the SVMK itself never keys anything but this and its check value).
//! Each register is sealed with XChaCha20-Poly1305 under that key with a fresh 24-byte
//! random nonce per write; associated data `"softcca/register/v1"` ‖ directory id ‖ register
//! name ‖ X'00' ‖ state (`full`/`partial`), so a sealed register cannot be moved to another
//! directory, another register or another state without failing its tag. The new register's
//! dual-control record (who loaded its parts, [`crate::access::dual::Loaders`]), when it has
//! one, follows as X'00' ‖ record (docs/decisions.md D70): the record cannot be changed, removed
//! or taken from an earlier write without failing the tag either.

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::crypto::LockedKey;
use crate::crypto::hmac::hmac_sha256;
use crate::custody::Secret;
use crate::error::{Error, Result};

/// Nonce length (XChaCha20-Poly1305).
pub const NONCE_LEN: usize = 24;
/// Tag length.
pub const TAG_LEN: usize = 16;
/// A register's key length.
pub const KEY_LEN: usize = 24;
/// Sealed register: ciphertext ‖ tag.
pub const SEALED_LEN: usize = KEY_LEN + TAG_LEN;

/// The key that seals one directory's registers (wiped when dropped).
pub struct RegisterKey {
    key: Secret,
    dir_id: [u8; 16],
}

impl RegisterKey {
    /// Derives the register key of directory `dir_id` from its SVMK.
    pub fn derive(svmk: &Secret, dir_id: &[u8; 16]) -> RegisterKey {
        let d = hmac_sha256(svmk.as_bytes(), &[b"softcca/register-key/v1", dir_id]);
        let mut key = Secret::zeroed();
        key.as_bytes_mut().copy_from_slice(&d[..]);
        RegisterKey {
            key,
            dir_id: *dir_id,
        }
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_bytes().into())
    }

    fn ad(&self, name: &str, state: &str, record: &[u8]) -> Vec<u8> {
        let mut ad = Vec::with_capacity(64 + record.len());
        ad.extend_from_slice(b"softcca/register/v1");
        ad.extend_from_slice(&self.dir_id);
        ad.extend_from_slice(name.as_bytes());
        ad.push(0);
        ad.extend_from_slice(state.as_bytes());
        // A register without a record has the associated data it had before dual control
        // (the state never holds X'00', so the two forms cannot meet).
        if !record.is_empty() {
            ad.push(0);
            ad.extend_from_slice(record);
        }
        ad
    }

    /// Seals register `name` in `state` holding `key`, bound to its dual-control `record`
    /// (empty: none): (nonce, ciphertext ‖ tag).
    pub fn seal(
        &self,
        name: &str,
        state: &str,
        record: &[u8],
        key: &[u8],
    ) -> Result<([u8; NONCE_LEN], [u8; SEALED_LEN])> {
        if key.len() != KEY_LEN {
            return Err(Error::KeyStorage);
        }
        let mut nonce = [0u8; NONCE_LEN];
        crate::crypto::rng::fill(&mut nonce)?;
        let mut buf = Zeroizing::new([0u8; KEY_LEN]);
        buf.copy_from_slice(key);
        let tag = self
            .cipher()
            .encrypt_inout_detached(
                &XNonce::from(nonce),
                &self.ad(name, state, record),
                (&mut buf[..]).into(),
            )
            .map_err(|_| Error::KeyStorage)?;
        let mut out = [0u8; SEALED_LEN];
        out[..KEY_LEN].copy_from_slice(&buf[..]);
        out[KEY_LEN..].copy_from_slice(&tag);
        Ok((nonce, out))
    }

    /// Opens a sealed register with its dual-control `record` straight into a locked page; a
    /// wrong tag (another key, an edited or moved row, another record) is
    /// [`Error::SealedRegisterDamaged`].
    pub fn open(
        &self,
        name: &str,
        state: &str,
        record: &[u8],
        nonce: &[u8],
        sealed: &[u8],
    ) -> Result<LockedKey> {
        if nonce.len() != NONCE_LEN || sealed.len() != SEALED_LEN {
            return Err(Error::SealedRegisterDamaged);
        }
        let mut key = LockedKey::from_slice(&sealed[..KEY_LEN]).ok_or(Error::KeyStorage)?;
        let tag: &Tag = sealed[KEY_LEN..]
            .try_into()
            .map_err(|_| Error::SealedRegisterDamaged)?;
        let nonce: &XNonce = nonce.try_into().map_err(|_| Error::SealedRegisterDamaged)?;
        self.cipher()
            .decrypt_inout_detached(
                nonce,
                &self.ad(name, state, record),
                key.as_bytes_mut().into(),
                tag,
            )
            .map_err(|_| Error::SealedRegisterDamaged)?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_and_every_binding_of_the_associated_data() {
        let svmk = Secret::random().unwrap();
        let k = RegisterKey::derive(&svmk, &[7; 16]);
        let clear = [0x5Au8; 24];
        let (n, s) = k.seal("current", "full", b"", &clear).unwrap();
        assert_ne!(&s[..24], &clear[..]);
        assert_eq!(
            k.open("current", "full", b"", &n, &s).unwrap().as_bytes(),
            &clear
        );
        assert_eq!(
            k.open("old", "full", b"", &n, &s).err(),
            Some(Error::SealedRegisterDamaged)
        );
        assert_eq!(
            k.open("current", "partial", b"", &n, &s).err(),
            Some(Error::SealedRegisterDamaged)
        );
        let other_dir = RegisterKey::derive(&svmk, &[8; 16]);
        assert!(other_dir.open("current", "full", b"", &n, &s).is_err());
        let other_key = RegisterKey::derive(&Secret::random().unwrap(), &[7; 16]);
        assert!(other_key.open("current", "full", b"", &n, &s).is_err());
        let (n2, _) = k.seal("current", "full", b"", &clear).unwrap();
        assert_ne!(n, n2, "a fresh nonce per write");
        // The new register's dual-control record is bound too: not added, removed or changed.
        let (n3, s3) = k.seal("new", "full", b"PCUST1   CUST2   ", &clear).unwrap();
        assert!(
            k.open("new", "full", b"PCUST1   CUST2   ", &n3, &s3)
                .is_ok()
        );
        for other in [&b""[..], b"PCUST1   ", b"RCUST1   "] {
            assert_eq!(
                k.open("new", "full", other, &n3, &s3).err(),
                Some(Error::SealedRegisterDamaged)
            );
        }
        let (n4, s4) = k.seal("new", "full", b"", &clear).unwrap();
        assert!(
            k.open("new", "full", b"PCUST1   CUST2   ", &n4, &s4)
                .is_err()
        );
    }
}
