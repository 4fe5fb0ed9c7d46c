//! A descriptor the console was started with, duplicated so that a secret can be read from it
//! (`--…-fd N`): the one `unsafe` step outside a verb call, taking a descriptor by its number.
//!
//! A duplicate reads the descriptor itself: a file from where the caller left it, a FIFO
//! whose writer is gone, a socket, all as `read(2)` on N would; and it needs no access to
//! `/proc/self/fd`, which a non-dumpable process (the console, docs/console.md "Secrets")
//! cannot open when it does not run as root.

use std::fs::File;
use std::os::fd::BorrowedFd;

/// Duplicates descriptor `fd` (close-on-exec); the duplicate is the caller's to close.
///
/// `fd` must be one the process inherited and never closes (the caller checks it against the
/// list taken at start, `secret::note_inherited_descriptors`): it is then open for as long as
/// it is borrowed here.
pub fn duplicate(fd: i32) -> std::io::Result<File> {
    // SAFETY: `fd` is a descriptor the process was started with and that nothing in the
    // console closes (checked by the caller), so it stays open for this borrow, which ends
    // with the call; the duplicate is a new descriptor owned by the returned File.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    Ok(File::from(rustix::io::fcntl_dupfd_cloexec(borrowed, 0)?))
}
