//! The logon context: which profile this thread is logged on as (CSUALCT), per thread and per
//! process.
//!
//! A thread that never logged on runs under the DEFAULT role. A logon applies to the calling
//! thread only (docs/decisions.md D60): a custodian's thread lends its role to no other thread
//! of the program, and a child made by `fork()` starts logged off (the context records the
//! process id it was made in). The context holds no secret: the passphrase or card PIN is
//! checked at logon and forgotten.

use std::cell::RefCell;
use std::sync::Arc;

/// An 8-byte CCA name (user id or role id), blank padded, as the caller passed it.
pub type Name8 = [u8; 8];

/// How the profile authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    /// A passphrase (CSUALCT `PPHRASE`).
    Passphrase,
    /// An operator card and its PIN (CSUALCT `CARD`, softcca's own).
    Card,
}

/// One thread's logon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logon {
    /// The state directory's id the profile belongs to.
    pub directory: [u8; 16],
    /// The profile's user id.
    pub user: Name8,
    /// The role the profile named at logon.
    pub role: Name8,
    /// The strength of the mechanism used.
    pub strength: u16,
    /// The mechanism used.
    pub mechanism: Mechanism,
    /// Seconds since the epoch (UTC) after which the context is over: the end of the profile's
    /// (or its authentication data's) expiration day, whichever is earlier.
    pub expires: i64,
    /// The process the logon was made in.
    pub pid: u32,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Logon>>> = const { RefCell::new(None) };
}

/// Seconds since the epoch (UTC), the clock of logon expiries, profile dates and logon tries.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// This thread's logon for the directory `directory`, if it has a live one: `None` when it
/// never logged on, logged off, the logon was made in another process (before a `fork()`),
/// for another directory, or has expired (an expired or inherited context is dropped).
///
/// A thread that is not logged on pays one thread-local read (no system call: the process id,
/// a `getpid(2)` system call, is asked only when there is a context to check).
pub fn current(directory: &[u8; 16]) -> Option<Arc<Logon>> {
    CURRENT
        .try_with(|c| {
            let mut c = c.borrow_mut();
            // No `getpid` (a system call) for a thread that never logged on: the hot path of
            // every verb comes through here.
            match &*c {
                Some(l) if l.pid == std::process::id() && now_secs() <= l.expires => {
                    (&l.directory == directory).then(|| Arc::clone(l))
                }
                Some(_) => {
                    *c = None;
                    None
                }
                None => None,
            }
        })
        .ok()
        .flatten()
}

/// Makes `logon` this thread's context, replacing any earlier one (IBM: logging on again
/// replaces the session).
pub fn set(logon: Logon) {
    let _ = CURRENT.try_with(|c| *c.borrow_mut() = Some(Arc::new(logon)));
}

/// Ends this thread's logon; `true` when there was one in this process.
pub fn clear() -> bool {
    let pid = std::process::id();
    CURRENT
        .try_with(|c| c.borrow_mut().take().is_some_and(|l| l.pid == pid))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logon(expires: i64) -> Logon {
        Logon {
            directory: [7; 16],
            user: *b"CUST1   ",
            role: *b"KEYCUST1",
            strength: 1,
            mechanism: Mechanism::Passphrase,
            expires,
            pid: std::process::id(),
        }
    }

    #[test]
    fn per_thread_per_directory_and_expiry() {
        set(logon(now_secs() + 60));
        assert!(current(&[7; 16]).is_some());
        assert!(current(&[8; 16]).is_none(), "another directory");
        assert!(current(&[7; 16]).is_some());
        std::thread::spawn(|| assert!(current(&[7; 16]).is_none(), "another thread"))
            .join()
            .unwrap();
        assert!(clear());
        assert!(current(&[7; 16]).is_none() && !clear());
        set(logon(now_secs() - 1));
        assert!(current(&[7; 16]).is_none(), "expired");
        let mut other = logon(now_secs() + 60);
        other.pid ^= 1;
        set(other);
        assert!(current(&[7; 16]).is_none(), "made in another process");
    }
}
