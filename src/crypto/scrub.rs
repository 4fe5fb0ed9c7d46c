//! Stack scrubbing after a call that handled a clear secret.
//!
//! Rust moves values with `memcpy` and the compiler spills registers to the stack as it sees
//! fit, so a clear key part, PIN or master key can leave bytes in a stack frame that no
//! `Zeroize` ever sees (the value was dropped, and zeroized, somewhere else). Code that handles
//! secrets here passes them by reference into zeroizing buffers, but that cannot reach the
//! compiler's own temporaries. So a call that touched a secret says so
//! ([`note_secret`]: the caller's secret argument was read, or a master-key register was
//! used), and the C boundary, once the verb's frames have returned, overwrites the
//! [`DEPTH`] bytes of stack below its own frame ([`after_call`]) — the classic "burn stack" of
//! libgcrypt and HSM host software. A call that touched no secret (a warm CSNBPCU served from
//! the thread's key cache) pays one thread-local read.

use std::cell::Cell;

use zeroize::Zeroize;

/// How much stack below the C entry point is overwritten: more than the deepest verb uses
/// (SQLite's statement engine included): 16 KiB was enough in a debug build, twice that
/// is kept as margin. Small enough for any thread stack a C caller gives (musl: 128 KiB).
pub const DEPTH: usize = 32 * 1024;

thread_local! {
    static TOUCHED: Cell<bool> = const { Cell::new(false) };
}

/// Records that the current call handled a clear secret.
#[inline]
pub fn note_secret() {
    let _ = TOUCHED.try_with(|t| t.set(true));
}

/// At the end of a call: overwrites the stack the call used when it handled a secret.
#[inline]
pub fn after_call() {
    if TOUCHED.try_with(|t| t.replace(false)).unwrap_or(true) {
        burn();
    }
}

/// Overwrites [`DEPTH`] bytes of stack below the caller's frame.
#[inline(never)]
pub fn burn() {
    let mut area = [0u64; DEPTH / 8];
    // Volatile writes (word-wide): not optimised away although `area` is never read.
    area.zeroize();
    core::hint::black_box(&area);
}
