//! One page of a state file mapped shared (`mmap(2)` `MAP_SHARED`), seen as 64-bit atomic
//! counters: every process that maps the file sees the others' increments at once, through
//! the page cache, with no system call (see [`crate::state::generations`]).

use std::os::fd::{AsRawFd, BorrowedFd};
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

/// Bytes mapped: one page holding [`SLOTS`] counters.
pub const LEN: usize = 4096;
/// Counters in the page.
pub const SLOTS: usize = LEN / 8;

/// The mapped page (unmapped on drop).
pub struct SharedPage {
    base: NonNull<AtomicU64>,
    writable: bool,
}

// SAFETY: the page is only ever accessed through atomics, which are Sync; the mapping itself
// is process-wide and not tied to a thread.
unsafe impl Send for SharedPage {}
// SAFETY: as above.
unsafe impl Sync for SharedPage {}

impl SharedPage {
    /// Maps the first [`LEN`] bytes of `fd` shared, read-write when `writable`. The caller has
    /// checked the file is at least [`LEN`] bytes long (a shorter one would fault on access).
    pub fn map(fd: BorrowedFd<'_>, writable: bool) -> Option<Self> {
        let prot = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: a fresh mapping chosen by the kernel (NULL hint) of a descriptor we hold; no
        // existing memory is affected.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        NonNull::new(p.cast()).map(|base| SharedPage { base, writable })
    }

    /// A private, zeroed page no other process sees (for a read-only directory without the
    /// counters file).
    pub fn private() -> Option<Self> {
        // SAFETY: an anonymous private mapping chosen by the kernel.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return None;
        }
        NonNull::new(p.cast()).map(|base| SharedPage {
            base,
            writable: true,
        })
    }

    /// `true` when this process may increment the counters.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// Counter `i` (< [`SLOTS`]).
    pub fn slot(&self, i: usize) -> &AtomicU64 {
        assert!(i < SLOTS);
        // SAFETY: `i` is within the mapped page, which is page-aligned (so 8-byte aligned) and
        // lives as long as `self`; every access to it is atomic.
        unsafe { &*self.base.as_ptr().add(i) }
    }
}

impl Drop for SharedPage {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `map`/`private`, no longer referenced (`&self` borrows
        // of slots ended).
        unsafe { libc::munmap(self.base.as_ptr().cast(), LEN) };
    }
}
