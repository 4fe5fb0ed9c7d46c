//! The C ABI: the only module with `unsafe` code.
//!
//! Every exported verb follows the ICSF calling convention (docs/decisions.md F1, F2): every parameter
//! by reference, integers as `int32_t` fullwords read and written unaligned, `void` return.
//! Every entry point runs its body through `guard`:
//!
//! 1. the body reads all inputs through [`args`] first: NULL pointers, counts and lengths are
//!    checked before any work, and inputs are copied into owned values;
//! 2. the safe verb core computes the complete result;
//! 3. outputs are written only when the core succeeded;
//! 4. `guard` catches any panic (`panic = "unwind"`) and maps the outcome through the one
//!    table in [`crate::codes`], writing `return_code` and `reason_code` only when they are not
//!    NULL.
#![allow(unsafe_code)]
#![allow(non_snake_case)]

pub mod access;
pub mod acm;
pub mod args;
pub mod audit;
pub mod backup;
pub mod card;
pub mod clearpin;
pub mod custody;
pub mod dkg;
pub mod facility;
pub mod keybuild;
pub mod keychange;
pub mod keygen;
pub mod keypart;
pub mod keyrec;
pub mod keyring;
pub mod keytest;
pub mod locked;
/// cbindgen:ignore
/// (The `long` entry points of libcsulcca are declared in csulincl.h, not softcca.h.)
pub mod lp64;
pub mod mac;
pub mod masterkey;
pub mod pcu;
pub mod protection;
pub mod set;
pub mod shared_page;
pub mod sqlite;
pub mod sqlite_memory;
pub mod trace;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::codes::{self, Notes};
use crate::error::{Error, Result};
use crate::state::Coprocessor;

/// Runs one verb body at the boundary and reports its outcome in `rc`/`rs`.
///
/// # Safety
/// `rc` and `rs` must each be NULL or point to `size_of::<W>()` writable bytes (any alignment). The body is
/// responsible for its own pointer arguments (through [`args`]).
pub(crate) unsafe fn guard<W: args::Fullword>(
    verb: &'static str,
    rc: *mut W,
    rs: *mut W,
    body: impl FnOnce(&mut Notes) -> Result<()>,
) {
    let mut notes = Notes::default();
    let outcome = catch_unwind(AssertUnwindSafe(|| body(&mut notes)));
    // The body's frames are gone: wipe them when it handled a clear secret (a caller's key
    // part or PIN, the master key), so no spilled copy outlives the call.
    crate::crypto::scrub::after_call();
    let (r, s, error) = match outcome {
        Ok(Ok(())) => {
            let (r, s) = notes.codes();
            (r, s, None)
        }
        Ok(Err(e)) => {
            let (r, s) = codes::of(e);
            (r, s, Some(e))
        }
        Err(payload) => {
            // A payload whose Drop panicked again would abort the caller: leak it instead
            // (a few bytes, and only after a bug).
            std::mem::forget(payload);
            let (r, s) = codes::of(Error::Internal);
            (r, s, Some(Error::Internal))
        }
    };
    trace::call(verb, r, s, error);
    // SAFETY: the caller guarantees rc and rs are NULL or valid for a 4-byte write; NULL ones
    // are skipped (docs/decisions.md F10), and write_unaligned allows COBOL's packed fields.
    unsafe {
        args::put_int(rc, r);
        args::put_int(rs, s);
    }
}

/// The process's coprocessor (state directory), opened on first use.
pub(crate) fn coprocessor() -> Result<&'static Coprocessor> {
    static ATFORK: std::sync::Once = std::sync::Once::new();
    ATFORK.call_once(|| {
        // SAFETY: registers a plain extern "C" function with no captured state; the child
        // handler only stores an atomic flag (async-signal-safe), never allocates or locks.
        unsafe { libc::pthread_atfork(None, None, Some(forked_child)) };
    });
    Coprocessor::global()
}

/// `pthread_atfork` child handler: the child opens its own state connections on its next call,
/// and the parent's running ceremonies are not the child's (their buffers are refused there).
extern "C" fn forked_child() {
    Coprocessor::note_fork();
    crate::custody::ticket::note_fork();
}
