//! The Linux kernel key retention service (keyrings(7)) through `syscall(2)`: `add_key(2)` and
//! the few `keyctl(2)` operations softcca uses. Thin wrappers: each returns the kernel's result
//! or its `errno`; what they mean for a state directory is [`crate::state::protection`]'s
//! business.

use std::ffi::CStr;

use libc::{c_long, c_ulong};

/// A key or keyring serial number.
pub type Serial = i32;

/// `KEY_SPEC_PROCESS_KEYRING`: the calling process's keyring (created on demand). Not
/// inherited by a `fork()`ed child, unlike the session keyring, so linking the persistent
/// keyring here gives possession to this process only.
pub const PROCESS_KEYRING: Serial = -2;

const KEYCTL_REVOKE: c_long = 3;
const KEYCTL_SETPERM: c_long = 5;
const KEYCTL_UNLINK: c_long = 9;
const KEYCTL_SEARCH: c_long = 10;
const KEYCTL_READ: c_long = 11;
const KEYCTL_SET_TIMEOUT: c_long = 15;
const KEYCTL_GET_PERSISTENT: c_long = 22;

/// The `errno` of the last failed call.
fn errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn check(r: c_long) -> Result<c_long, i32> {
    if r < 0 { Err(errno()) } else { Ok(r) }
}

fn serial(r: c_long) -> Result<Serial, i32> {
    check(r).and_then(|s| Serial::try_from(s).map_err(|_| libc::EINVAL))
}

/// `keyctl(KEYCTL_GET_PERSISTENT, -1, PROCESS_KEYRING)`: this user's persistent keyring,
/// linked into the process keyring (which also restarts its expiry timer,
/// `/proc/sys/kernel/keys/persistent_keyring_expiry`).
pub fn get_persistent() -> Result<Serial, i32> {
    // SAFETY: KEYCTL_GET_PERSISTENT takes two integer arguments and no pointer.
    serial(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_GET_PERSISTENT,
            -1 as c_long,
            PROCESS_KEYRING as c_long,
        )
    })
}

/// `add_key("user", description, payload, keyring)`: creates the key, or updates the payload
/// of a valid key of that description already linked in `keyring`.
pub fn add_user_key(description: &CStr, payload: &[u8], keyring: Serial) -> Result<Serial, i32> {
    // SAFETY: both strings are NUL-terminated, `payload` is valid for `payload.len()` bytes;
    // the kernel copies all three before returning.
    serial(unsafe {
        libc::syscall(
            libc::SYS_add_key,
            c"user".as_ptr(),
            description.as_ptr(),
            payload.as_ptr(),
            payload.len() as c_ulong,
            keyring as c_long,
        )
    })
}

/// `keyctl(KEYCTL_SETPERM, key, perm)`.
pub fn set_perm(key: Serial, perm: u32) -> Result<(), i32> {
    // SAFETY: integer arguments only.
    check(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_SETPERM,
            key as c_long,
            perm as c_ulong,
        )
    })
    .map(|_| ())
}

/// `keyctl(KEYCTL_SET_TIMEOUT, key, seconds)`: the kernel expires the key after `seconds`.
pub fn set_timeout(key: Serial, seconds: u32) -> Result<(), i32> {
    // SAFETY: integer arguments only.
    check(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_SET_TIMEOUT,
            key as c_long,
            seconds as c_ulong,
        )
    })
    .map(|_| ())
}

/// `keyctl(KEYCTL_SEARCH, keyring, "user", description, 0)`: the key of that description
/// reachable from `keyring`, without linking it anywhere.
pub fn search(keyring: Serial, description: &CStr) -> Result<Serial, i32> {
    // SAFETY: NUL-terminated strings the kernel copies; integer keyring ids.
    serial(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_SEARCH,
            keyring as c_long,
            c"user".as_ptr(),
            description.as_ptr(),
            0 as c_long,
        )
    })
}

/// `keyctl(KEYCTL_READ, key, buf)`: copies at most `buf.len()` bytes of the payload into `buf`
/// and returns the payload's full length.
pub fn read(key: Serial, buf: &mut [u8]) -> Result<usize, i32> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes; the kernel writes no more.
    check(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_READ,
            key as c_long,
            buf.as_mut_ptr(),
            buf.len() as c_ulong,
        )
    })
    .map(|n| n as usize)
}

/// `keyctl(KEYCTL_REVOKE, key)`: every later use of the key fails with `EKEYREVOKED`.
pub fn revoke(key: Serial) -> Result<(), i32> {
    // SAFETY: integer arguments only.
    check(unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_REVOKE, key as c_long) }).map(|_| ())
}

/// `keyctl(KEYCTL_UNLINK, key, keyring)`.
pub fn unlink(key: Serial, keyring: Serial) -> Result<(), i32> {
    // SAFETY: integer arguments only.
    check(unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            KEYCTL_UNLINK,
            key as c_long,
            keyring as c_long,
        )
    })
    .map(|_| ())
}
