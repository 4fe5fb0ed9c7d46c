//! The audit record MAC (docs/audit.md §6): while the directory's server master key (SVMK) is
//! active, every record carries `mack=<SVMK check value>` inside its hashed body and
//! `mac=<HMAC-SHA-256>` after its hash, under a key derived from the SVMK for this purpose
//! only (never the SVMK itself, never the register key).

use core::fmt;

use crate::crypto::ct::ct_eq;
use crate::crypto::hmac::hmac_sha256;
use crate::custody::{Secret, SecretKind, check_value};

/// The label of the MAC key's derivation (distinct from the register key's).
const LABEL: &[u8] = b"softcca/audit-mac/v1";

/// The MAC key of one directory's audit log, wiped on drop.
pub struct MacKey {
    key: Secret,
    id: [u8; 8],
}

impl MacKey {
    /// The MAC key of directory `dir_id` under `svmk`: HMAC-SHA-256(SVMK,
    /// `"softcca/audit-mac/v1"` ‖ directory id); its id is the SVMK's check value.
    pub fn derive(svmk: &Secret, dir_id: &[u8; 16]) -> MacKey {
        let d = hmac_sha256(svmk.as_bytes(), &[LABEL, dir_id]);
        let mut key = Secret::zeroed();
        key.as_bytes_mut().copy_from_slice(&d[..]);
        MacKey {
            key,
            id: check_value(svmk, SecretKind::ServerMasterKey),
        }
    }

    /// The key id a record names in `mack=`: the SVMK's check value.
    pub fn id(&self) -> [u8; 8] {
        self.id
    }

    /// The MAC of `text` (a record line up to, not including, ` mac=`).
    pub fn tag(&self, text: &[u8]) -> [u8; 32] {
        *hmac_sha256(self.key.as_bytes(), &[text])
    }

    /// `true` when `mac` is the MAC of `text` (constant time).
    pub fn verify(&self, text: &[u8], mac: &[u8; 32]) -> bool {
        ct_eq(&self.tag(text), mac)
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MacKey({})", crate::hex::hex(&self.id))
    }
}

/// Where an audit log finds its MAC key: the SVMK active in the kernel keyring, if any.
pub trait MacKeys: Send + Sync {
    /// The MAC key of the directory's active SVMK; `None` when no SVMK is active (unbound,
    /// inactive, no keyring).
    fn mac_key(&self) -> Option<MacKey>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_hex as h;

    #[test]
    fn mac_key_from_python_hmac() {
        // Computed with Python's standard library, independently of this code:
        // k = hmac.new(bytes(range(32)), b"softcca/audit-mac/v1" + bytes(16), sha256).digest()
        // hmac.new(k, b"v=1 seq=1", sha256).hexdigest()
        let mut s = Secret::zeroed();
        for (i, b) in s.as_bytes_mut().iter_mut().enumerate() {
            *b = i as u8;
        }
        let k = MacKey::derive(&s, &[0; 16]);
        assert_eq!(k.id().to_vec(), h("B3CB40C24F52BD5B"));
        let t = k.tag(b"v=1 seq=1");
        assert_eq!(t.to_vec(), h(EXPECTED));
        assert!(k.verify(b"v=1 seq=1", &t));
        assert!(!k.verify(b"v=1 seq=2", &t));
        assert_eq!(format!("{k:?}"), "MacKey(B3CB40C24F52BD5B)");
    }

    const EXPECTED: &str = "8ED6CF987F7DB26189548C6C9947E8828F3F092CF3868AFA2748CF10EE4F3445";
}
