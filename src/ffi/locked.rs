//! [`LockedKey`]: a [`ClearKey`] alone in a page of its own that is locked in RAM (`mlock`,
//! kept out of swap) and excluded from core dumps (`MADV_DONTDUMP`), through `memsec`'s
//! `mlock`/`munlock` (libsodium's `sodium_mlock`/`sodium_munlock`, which also wipe the page
//! before unlocking it).
//!
//! The key is built in place (zeros first, then filled through [`ClearKey::as_bytes_mut`]),
//! never moved: moving a `LockedKey` moves a pointer, so no stack or heap copy of the key is
//! left behind by the moves of the values that hold it. Where the kernel refuses the lock
//! (RLIMIT_MEMLOCK reached, an unprivileged process in a container), the page is still used,
//! still excluded from core dumps (`madvise` needs no privilege) and still wiped on drop; only the
//! protection from swap is missing ([`LockedKey::is_locked`] says which).

use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;
use std::alloc::{Layout, alloc_zeroed, dealloc, handle_alloc_error};
use std::sync::OnceLock;

use zeroize::Zeroize;

use crate::crypto::ClearKey;

/// A [`ClearKey`] in a locked, non-dumpable page of its own, wiped when dropped.
pub struct LockedKey {
    key: NonNull<ClearKey>,
    locked: bool,
}

// SAFETY: a `LockedKey` owns its page exclusively (like a `Box<ClearKey>`), and `ClearKey` is
// plain bytes, `Send` and `Sync`.
unsafe impl Send for LockedKey {}
// SAFETY: as above; shared access only hands out `&ClearKey`.
unsafe impl Sync for LockedKey {}

/// The page layout of every `LockedKey`: one whole page, page-aligned, so that the lock and the
/// core-dump flag cover the key and nothing else.
fn page() -> Layout {
    static PAGE: OnceLock<usize> = OnceLock::new();
    let size = *PAGE.get_or_init(|| {
        // SAFETY: sysconf has no memory-safety preconditions.
        let s = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(s)
            .ok()
            .filter(|s| s.is_power_of_two() && *s >= 4096)
            .unwrap_or(4096)
    });
    debug_assert!(size >= size_of::<ClearKey>());
    Layout::from_size_align(size, size).unwrap_or(Layout::new::<ClearKey>())
}

impl LockedKey {
    /// An all-zero key of `len` bytes (8, 16 or 24), to be filled in place; `None` for any
    /// other length.
    pub fn zeroed(len: usize) -> Option<Self> {
        let zero = ClearKey::zeroed(len)?;
        let layout = page();
        // SAFETY: `layout` has a non-zero size.
        let p = unsafe { alloc_zeroed(layout) };
        let Some(page) = NonNull::new(p) else {
            handle_alloc_error(layout)
        };
        // SAFETY: `page` is a fresh allocation of `layout.size()` bytes that we own; memsec's
        // mlock only calls madvise(MADV_DONTDUMP) and mlock(2) on that range.
        let locked = unsafe { memsec::mlock(page.as_ptr(), layout.size()) };
        let key = page.cast::<ClearKey>();
        // SAFETY: the page is page-aligned (so aligned for `ClearKey`), large enough and
        // uninitialised as a `ClearKey`; `zero` holds no secret, so writing it leaves none.
        unsafe { key.as_ptr().write(zero) };
        Some(LockedKey { key, locked })
    }

    /// A copy of `key` (8, 16 or 24 bytes) written straight into a locked page.
    pub fn from_slice(key: &[u8]) -> Option<Self> {
        let mut k = Self::zeroed(key.len())?;
        k.as_bytes_mut().copy_from_slice(key);
        Some(k)
    }

    /// `true` when the page is locked in RAM; `false` when the kernel refused the lock (the
    /// page is still excluded from core dumps where `madvise` allows, and wiped when dropped).
    pub fn is_locked(&self) -> bool {
        self.locked
    }
}

impl Deref for LockedKey {
    type Target = ClearKey;
    fn deref(&self) -> &ClearKey {
        crate::crypto::scrub::note_secret();
        // SAFETY: `key` points to the initialised `ClearKey` this value owns until drop.
        unsafe { self.key.as_ref() }
    }
}

impl DerefMut for LockedKey {
    fn deref_mut(&mut self) -> &mut ClearKey {
        crate::crypto::scrub::note_secret();
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { self.key.as_mut() }
    }
}

impl Drop for LockedKey {
    fn drop(&mut self) {
        self.deref_mut().zeroize();
        let layout = page();
        let p = self.key.as_ptr().cast::<u8>();
        // SAFETY: `p` is the page allocated in `zeroed` with `layout`, owned by this value and
        // no longer referenced. memsec's munlock wipes the range (volatile writes), clears
        // MADV_DONTDUMP (set even when the lock was refused) and unlocks it (a no-op for a
        // page that was never locked).
        unsafe {
            memsec::munlock(p, layout.size());
            dealloc(p, layout);
        }
    }
}

impl core::fmt::Debug for LockedKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LockedKey(REDACTED)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_lengths_and_redaction() {
        assert!(LockedKey::zeroed(12).is_none());
        let mut k = LockedKey::from_slice(&[0x5A; 24]).unwrap();
        assert_eq!(k.as_bytes(), &[0x5A; 24]);
        k.as_bytes_mut()[0] = 1;
        assert_eq!(k.part(0)[0], 1);
        assert_eq!(format!("{k:?}"), "LockedKey(REDACTED)");
        // A page of its own, page-aligned.
        assert_eq!(k.key.as_ptr() as usize % page().align(), 0);
        // Moving the value moves the pointer, not the key.
        let at = k.as_bytes().as_ptr();
        let moved = Box::new(k);
        assert_eq!(moved.as_bytes().as_ptr(), at);
    }
}
