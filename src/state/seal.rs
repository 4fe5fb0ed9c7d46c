//! The master-key registers of a bound state directory, sealed under its SVMK
//! (docs/decisions.md D50).
//!
//! Register key: HMAC-SHA-256(SVMK, `"softcca/register-key/v1"` ‖ directory id), 32 bytes, a
//! one-way derivation (the SVMK itself never keys anything but this and its check value).
//! Each register is sealed with XChaCha20-Poly1305 under that key with a fresh 24-byte
//! random nonce per write; associated data `"softcca/register/v2"` ‖ directory id ‖ register
//! name ‖ X'00' ‖ state (`full`/`partial`) ‖ X'00' ‖ the partition commitment (docs/decisions.md
//! D58): `"none"`, or `"partition"` ‖ the partition binding's fixed fields
//! ([`super::masterkey::PartitionRecord::commitment`]), both of fixed length; then, for the new
//! register when it has one, X'00' ‖ its dual-control record (who loaded its parts,
//! [`crate::access::dual::Loaders`], docs/decisions.md D70). So a sealed register cannot be moved
//! to another directory, another register or another state, and neither the partition binding
//! nor the dual-control record can be removed, added, edited or taken from an earlier write
//! under it, without failing its tag.
//!
//! Registers sealed by an earlier release (associated data `"softcca/register/v1"` ‖ directory
//! id ‖ name ‖ X'00' ‖ state, no commitment) still open; every write seals in v2, and binding a
//! partition re-seals every register.

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

    /// The associated data: v2 when `partition` is `Some` (holding the commitment, `None` for
    /// no partition) followed by the dual-control `record` when it is not empty, an earlier
    /// release's v1 (no commitment, no record) when it is `None`.
    fn ad(
        &self,
        name: &str,
        state: &str,
        partition: Option<Option<&[u8]>>,
        record: &[u8],
    ) -> Vec<u8> {
        let mut ad = Vec::with_capacity(160 + record.len());
        ad.extend_from_slice(match partition {
            None => b"softcca/register/v1",
            Some(_) => b"softcca/register/v2",
        });
        ad.extend_from_slice(&self.dir_id);
        ad.extend_from_slice(name.as_bytes());
        ad.push(0);
        ad.extend_from_slice(state.as_bytes());
        if let Some(partition) = partition {
            ad.push(0);
            match partition {
                None => ad.extend_from_slice(b"none"),
                Some(c) => {
                    ad.extend_from_slice(b"partition");
                    ad.extend_from_slice(c);
                }
            }
            if !record.is_empty() {
                ad.push(0);
                ad.extend_from_slice(record);
            }
        }
        ad
    }

    /// Seals register `name` in `state` holding `key`, committing to the partition binding
    /// `partition` (its commitment; `None`: no partition) and to the register's dual-control
    /// `record` (empty: none): (nonce, ciphertext ‖ tag).
    pub fn seal(
        &self,
        name: &str,
        state: &str,
        partition: Option<&[u8]>,
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
                &self.ad(name, state, Some(partition), record),
                (&mut buf[..]).into(),
            )
            .map_err(|_| Error::KeyStorage)?;
        let mut out = [0u8; SEALED_LEN];
        out[..KEY_LEN].copy_from_slice(&buf[..]);
        out[KEY_LEN..].copy_from_slice(&tag);
        Ok((nonce, out))
    }

    /// Opens a sealed register straight into a locked page, as sealed with the partition
    /// commitment `partition` and the dual-control `record` (or by an earlier release, without
    /// either: only when `record` is empty); a wrong tag (another key, an edited or moved row,
    /// a partition binding or record removed, added or edited since the register was sealed) is
    /// [`Error::SealedRegisterDamaged`].
    pub fn open(
        &self,
        name: &str,
        state: &str,
        partition: Option<&[u8]>,
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
        let cipher = self.cipher();
        // A register of an earlier release has no record: one with a record is v2 only.
        let forms: &[Option<Option<&[u8]>>] = if record.is_empty() {
            &[Some(partition), None]
        } else {
            &[Some(partition)]
        };
        for &form in forms {
            // The tag is checked before anything is decrypted; the ciphertext is put back anyway.
            key.as_bytes_mut().copy_from_slice(&sealed[..KEY_LEN]);
            let ad = self.ad(name, state, form, record);
            if cipher
                .decrypt_inout_detached(nonce, &ad, key.as_bytes_mut().into(), tag)
                .is_ok()
            {
                return Ok(key);
            }
        }
        Err(Error::SealedRegisterDamaged)
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
        let (n, s) = k.seal("current", "full", None, b"", &clear).unwrap();
        assert_ne!(&s[..24], &clear[..]);
        assert_eq!(
            k.open("current", "full", None, b"", &n, &s)
                .unwrap()
                .as_bytes(),
            &clear
        );
        assert_eq!(
            k.open("old", "full", None, b"", &n, &s).err(),
            Some(Error::SealedRegisterDamaged)
        );
        assert_eq!(
            k.open("current", "partial", None, b"", &n, &s).err(),
            Some(Error::SealedRegisterDamaged)
        );
        let other_dir = RegisterKey::derive(&svmk, &[8; 16]);
        assert!(
            other_dir
                .open("current", "full", None, b"", &n, &s)
                .is_err()
        );
        let other_key = RegisterKey::derive(&Secret::random().unwrap(), &[7; 16]);
        assert!(
            other_key
                .open("current", "full", None, b"", &n, &s)
                .is_err()
        );
        let (n2, _) = k.seal("current", "full", None, b"", &clear).unwrap();
        assert_ne!(n, n2, "a fresh nonce per write");
        // The new register's dual-control record is bound too: not added, removed or changed.
        let (n3, s3) = k
            .seal("new", "full", None, b"PCUST1   CUST2   ", &clear)
            .unwrap();
        assert!(
            k.open("new", "full", None, b"PCUST1   CUST2   ", &n3, &s3)
                .is_ok()
        );
        for other in [&b""[..], b"PCUST1   ", b"RCUST1   "] {
            assert_eq!(
                k.open("new", "full", None, other, &n3, &s3).err(),
                Some(Error::SealedRegisterDamaged)
            );
        }
        let (n4, s4) = k.seal("new", "full", None, b"", &clear).unwrap();
        assert!(
            k.open("new", "full", None, b"PCUST1   CUST2   ", &n4, &s4)
                .is_err()
        );
    }

    #[test]
    fn the_partition_commitment_cannot_be_removed_added_or_changed() {
        let k = RegisterKey::derive(&Secret::random().unwrap(), &[7; 16]);
        let clear = [0x5Au8; 24];
        let (n, s) = k.seal("current", "full", Some(b"P1"), b"", &clear).unwrap();
        assert!(k.open("current", "full", Some(b"P1"), b"", &n, &s).is_ok());
        for other in [None, Some(&b"P2"[..]), Some(&b""[..])] {
            assert_eq!(
                k.open("current", "full", other, b"", &n, &s).err(),
                Some(Error::SealedRegisterDamaged)
            );
        }
        let (n, s) = k.seal("current", "full", None, b"", &clear).unwrap();
        assert!(k.open("current", "full", Some(b"P1"), b"", &n, &s).is_err());
    }

    /// A register sealed by the earlier release (v1 associated data, no commitment) opens
    /// whatever the partition binding says; a v2 one never opens as v1.
    #[test]
    fn registers_of_an_earlier_release_still_open() {
        let k = RegisterKey::derive(&Secret::random().unwrap(), &[7; 16]);
        let clear = [0x5Au8; 24];
        let mut buf = clear;
        let mut nonce = [0u8; NONCE_LEN];
        crate::crypto::rng::fill(&mut nonce).unwrap();
        let tag = k
            .cipher()
            .encrypt_inout_detached(
                &XNonce::from(nonce),
                &k.ad("current", "full", None, b""),
                (&mut buf[..]).into(),
            )
            .unwrap();
        let mut s = [0u8; SEALED_LEN];
        s[..KEY_LEN].copy_from_slice(&buf);
        s[KEY_LEN..].copy_from_slice(&tag);
        for p in [None, Some(&b"P1"[..])] {
            assert_eq!(
                k.open("current", "full", p, b"", &nonce, &s)
                    .unwrap()
                    .as_bytes(),
                &clear
            );
        }
    }
}
