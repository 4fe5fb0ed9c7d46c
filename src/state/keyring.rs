//! What a state directory keeps in the kernel key retention service (keyrings(7)): its active
//! SVMK and its partition authorisation, each a `user`-type key in the service user's
//! persistent keyring (persistent-keyring(7)), never in a file.
//!
//! - description `softcca:svmk:<directory id in hex>` (payload: the 32-byte SVMK) and
//!   `softcca:part:<directory id in hex>` (payload: the 32-byte partition secret and the
//!   8-byte big-endian Unix time in milliseconds it expires at, 0 for never; the kernel also expires the key
//!   then, `KEYCTL_SET_TIMEOUT`);
//! - permissions possessor all, user view only (`0x3f010000`): only a process that possesses
//!   the key (it linked the persistent keyring into its own process keyring, which a process
//!   of another user cannot do) reads it; group and others nothing;
//! - the persistent keyring is linked into the *process* keyring, which a `fork()`ed child
//!   does not inherit (a session keyring would be, also across `setresuid`).
//!
//! Every [`get_persistent`] restarts the persistent keyring's expiry timer
//! (`/proc/sys/kernel/keys/persistent_keyring_expiry`, 259,200 s on Debian): softcca calls it
//! when a directory is opened and at every revalidation ([`super::protection`]).

use std::ffi::CString;

use zeroize::Zeroizing;

use crate::custody::{SECRET_LEN, Secret};
use crate::error::{Error, Result};
use crate::ffi::keyring as sys;

/// Which key of a directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// The active SVMK.
    Svmk,
    /// The partition authorisation.
    Partition,
}

/// Possessor: view, read, write, search, link, setattr; user: view. Nothing for group and
/// others.
pub const PERMISSIONS: u32 = 0x3f01_0000;

/// The key's description for directory `dir_id`.
pub fn description(held: Held, dir_id: &[u8; 16]) -> CString {
    let tag = match held {
        Held::Svmk => "svmk",
        Held::Partition => "part",
    };
    let hex: String = dir_id.iter().map(|b| format!("{b:02x}")).collect();
    CString::new(format!("softcca:{tag}:{hex}")).unwrap_or_default()
}

/// The error for an `errno` of a keyring call: the service itself missing or forbidden
/// (`ENOSYS` from a kernel without keys or a seccomp filter, `EPERM`, `EOPNOTSUPP`) is
/// [`Error::KeyringUnavailable`]; anything else means the key is not there for us.
fn error(held: Held, errno: i32) -> Error {
    match errno {
        libc::ENOSYS | libc::EPERM | libc::EOPNOTSUPP => Error::KeyringUnavailable,
        _ => match held {
            Held::Svmk => Error::NotActivated,
            Held::Partition => Error::PartitionNotAuthorised,
        },
    }
}

/// This user's persistent keyring, linked into the process keyring (restarts its expiry).
pub fn get_persistent() -> Result<sys::Serial> {
    sys::get_persistent().map_err(|e| error(Held::Svmk, e))
}

/// Puts `payload` under `held`'s description of `dir_id`, possessor-only, expiring after
/// `timeout` seconds when given.
pub fn put(held: Held, dir_id: &[u8; 16], payload: &[u8], timeout: Option<u32>) -> Result<()> {
    let ring = get_persistent()?;
    let key =
        sys::add_user_key(&description(held, dir_id), payload, ring).map_err(|e| match e {
            libc::EDQUOT => Error::KeyringUnavailable,
            e => error(held, e),
        })?;
    sys::set_perm(key, PERMISSIONS).map_err(|e| error(held, e))?;
    if let Some(t) = timeout {
        sys::set_timeout(key, t).map_err(|e| error(held, e))?;
    }
    Ok(())
}

/// The payload under `held`'s description of `dir_id`: exactly `N` bytes, or the key is
/// missing, revoked, expired or unreadable ([`Error::NotActivated`] /
/// [`Error::PartitionNotAuthorised`]).
pub fn fetch<const N: usize>(held: Held, dir_id: &[u8; 16]) -> Result<Zeroizing<[u8; N]>> {
    let ring = get_persistent()?;
    let key = sys::search(ring, &description(held, dir_id)).map_err(|e| error(held, e))?;
    let mut buf = Zeroizing::new([0u8; N]);
    let n = sys::read(key, &mut buf[..]).map_err(|e| error(held, e))?;
    if n != N {
        return Err(error(held, libc::ENOKEY));
    }
    Ok(buf)
}

/// The held SVMK of `dir_id`.
pub fn fetch_svmk(dir_id: &[u8; 16]) -> Result<Secret> {
    let payload = fetch::<SECRET_LEN>(Held::Svmk, dir_id)?;
    let mut s = Secret::zeroed();
    s.as_bytes_mut().copy_from_slice(&payload[..]);
    Ok(s)
}

/// Revokes and unlinks `held`'s key of `dir_id`; `Ok(false)` when there was none.
pub fn remove(held: Held, dir_id: &[u8; 16]) -> Result<bool> {
    let ring = get_persistent()?;
    let key = match sys::search(ring, &description(held, dir_id)) {
        Ok(k) => k,
        Err(libc::ENOKEY | libc::EKEYREVOKED | libc::EKEYEXPIRED) => return Ok(false),
        Err(e) => return Err(error(held, e)),
    };
    sys::revoke(key).map_err(|e| error(held, e))?;
    let _ = sys::unlink(key, ring);
    Ok(true)
}
