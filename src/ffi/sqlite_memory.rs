//! SQLite's memory, wiped when freed: a zeroing allocator installed with
//! `sqlite3_config(SQLITE_CONFIG_MALLOC)` before SQLite initialises, and no memory that SQLite
//! keeps back from it.
//!
//! SQLite copies what it reads and writes: the page cache holds `masterkey.db`'s pages (the
//! clear registers) after a read, statement registers and bound parameters hold copies of the
//! values. With the C library's allocator those bytes stay in freed heap memory until it is
//! reused. Installed here, every block SQLite frees is overwritten first (its whole usable size,
//! `malloc_usable_size`), and a reallocation always moves and wipes the old block. Two of
//! SQLite's own pools would bypass the allocator, so both are turned off before SQLite
//! initialises: the per-connection lookaside slots (`SQLITE_CONFIG_LOOKASIDE` 0, 0) and the
//! page cache's bulk preallocation (`SQLITE_CONFIG_PAGECACHE` NULL, 0, 0). Freeing a page is
//! then a real `free`, which [`crate::state::db::Db::release_memory`] triggers after the
//! registers are read or written.
//!
//! The functions use the C library's `malloc`/`free` only, so they stay valid in a forked
//! child. Installed once per process, before the first connection; when SQLite was initialised
//! earlier by someone else in the process, `sqlite3_config` refuses (SQLITE_MISUSE) and SQLite
//! keeps its own allocator: [`installed`] then says `false` (documented in docs/state.md).

use std::os::raw::{c_int, c_void};
use std::sync::OnceLock;

use rusqlite::ffi;

static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Installs the zeroing allocator (once; before any SQLite connection of the process).
pub fn install() -> bool {
    *INSTALLED.get_or_init(|| {
        let methods = METHODS;
        // SAFETY: sqlite3_config is called before any connection of this library exists;
        // SQLite copies `methods` before returning, and its functions are valid for the whole
        // process (and in a forked child).
        unsafe {
            let malloc = ffi::sqlite3_config(ffi::SQLITE_CONFIG_MALLOC, &methods);
            if malloc != ffi::SQLITE_OK {
                return false;
            }
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_LOOKASIDE, 0 as c_int, 0 as c_int);
            ffi::sqlite3_config(
                ffi::SQLITE_CONFIG_PAGECACHE,
                core::ptr::null_mut::<c_void>(),
                0 as c_int,
                0 as c_int,
            );
        }
        true
    })
}

/// `true` when SQLite's memory is wiped on free in this process.
pub fn installed() -> bool {
    INSTALLED.get().copied().unwrap_or(false)
}

/// The allocator's methods (SQLite copies the struct when it is configured).
const METHODS: ffi::sqlite3_mem_methods = ffi::sqlite3_mem_methods {
    xMalloc: Some(x_malloc),
    xFree: Some(x_free),
    xRealloc: Some(x_realloc),
    xSize: Some(x_size),
    xRoundup: Some(x_roundup),
    xInit: Some(x_init),
    xShutdown: Some(x_shutdown),
    pAppData: core::ptr::null_mut(),
};

unsafe extern "C" fn x_malloc(n: c_int) -> *mut c_void {
    match usize::try_from(n) {
        // SAFETY: plain malloc; SQLite needs 8-byte alignment, malloc gives 16.
        Ok(n) if n > 0 => unsafe { libc::malloc(n) },
        _ => core::ptr::null_mut(),
    }
}

unsafe extern "C" fn x_free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` came from x_malloc/x_realloc (SQLite frees only what it allocated); its
    // usable size is ours to overwrite before it goes back to malloc.
    unsafe {
        memsec::memzero(p.cast(), libc::malloc_usable_size(p));
        libc::free(p);
    }
}

unsafe extern "C" fn x_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: forwarded to x_malloc/x_free; the copy stays within both blocks' sizes.
    unsafe {
        let q = x_malloc(n);
        if q.is_null() || p.is_null() {
            return q;
        }
        let keep = libc::malloc_usable_size(p).min(n as usize);
        core::ptr::copy_nonoverlapping(p.cast::<u8>(), q.cast::<u8>(), keep);
        x_free(p);
        q
    }
}

unsafe extern "C" fn x_size(p: *mut c_void) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: `p` is a live block from x_malloc.
    let n = unsafe { libc::malloc_usable_size(p) };
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

unsafe extern "C" fn x_roundup(n: c_int) -> c_int {
    n.saturating_add(7) & !7
}

unsafe extern "C" fn x_init(_: *mut c_void) -> c_int {
    ffi::SQLITE_OK
}

unsafe extern "C" fn x_shutdown(_: *mut c_void) {}
