//! SQLite's path resolution, made to keep `/proc/self/fd/<n>` paths.
//!
//! softcca opens its databases as `/proc/self/fd/<dirfd>/ckds.db`, so that SQLite reaches the
//! files (and creates its journals) through the state-directory descriptor the process keeps,
//! not through a path another user could swap (docs/state.md, "A swapped directory"). SQLite's
//! unix VFS canonicalises every database name by resolving each symbolic link in it with
//! `lstat` and `readlink`, and would turn that name back into the directory's path of the
//! moment. This installs, through SQLite's documented `xSetSystemCall` interface, an `lstat`
//! that follows the two kinds of "magic" links of such a name (`/proc/self` and
//! `/proc/self/fd/<n>`) and behaves as `lstat` for every other path, so a symlinked state file
//! is still seen as one (and refused with `SQLITE_OPEN_NOFOLLOW`).

use std::ffi::{CStr, c_char, c_int};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::ffi;

/// `true` for `/proc/self` and `/proc/self/fd/<digits>`.
fn magic_link(path: &[u8]) -> bool {
    match path.strip_prefix(b"/proc/self") {
        Some([]) => true,
        Some(rest) => rest
            .strip_prefix(b"/fd/")
            .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit)),
        None => false,
    }
}

/// The replacement `lstat`: `stat` for a magic link, `lstat` otherwise.
unsafe extern "C" fn lstat_keeping_fd_links(path: *const c_char, buf: *mut libc::stat) -> c_int {
    // SAFETY: SQLite passes a NUL-terminated path and a valid `struct stat` buffer, exactly
    // what it passes to the `lstat` this replaces.
    unsafe {
        if !path.is_null() && magic_link(CStr::from_ptr(path).to_bytes()) {
            libc::stat(path, buf)
        } else {
            libc::lstat(path, buf)
        }
    }
}

/// Installs the replacement once per process, before the first database is opened. `false`
/// when SQLite's unix VFS refused it (then softcca opens its databases by path).
pub fn keep_fd_links() -> bool {
    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    INSTALL.call_once(|| {
        // `sqlite3_vfs_find` initialises SQLite, after which its allocator can no longer be
        // configured: the zeroing allocator goes in first.
        super::sqlite_memory::install();
        // SAFETY: `sqlite3_vfs_find(NULL)` returns the default VFS (or NULL); its
        // `xSetSystemCall` takes a NUL-terminated name and a function with the signature of
        // the call it replaces. Called once (under `Once`) before any connection is opened, as
        // SQLite requires.
        unsafe {
            let vfs = ffi::sqlite3_vfs_find(std::ptr::null());
            if vfs.is_null() || (*vfs).iVersion < 3 {
                return;
            }
            let Some(set) = (*vfs).xSetSystemCall else {
                return;
            };
            let f: unsafe extern "C" fn(*const c_char, *mut libc::stat) -> c_int =
                lstat_keeping_fd_links;
            let rc = set(
                vfs,
                c"lstat".as_ptr(),
                Some(std::mem::transmute::<
                    unsafe extern "C" fn(*const c_char, *mut libc::stat) -> c_int,
                    unsafe extern "C" fn(),
                >(f)),
            );
            INSTALLED.store(rc == ffi::SQLITE_OK, Ordering::Release);
        }
    });
    INSTALLED.load(Ordering::Acquire)
}

#[cfg(test)]
mod tests {
    #[test]
    fn magic_links() {
        for p in ["/proc/self", "/proc/self/fd/3", "/proc/self/fd/1234"] {
            assert!(super::magic_link(p.as_bytes()), "{p}");
        }
        for p in [
            "/proc/self/fd",
            "/proc/self/fd/",
            "/proc/self/fd/3/ckds.db",
            "/proc/selfish",
            "/proc/1/fd/3",
            "/tmp/proc/self",
        ] {
            assert!(!super::magic_link(p.as_bytes()), "{p}");
        }
    }
}
