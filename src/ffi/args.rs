//! Raw pointer → owned value, and value → raw pointer. Every function here checks for NULL
//! first and reads or writes unaligned; nothing else in the crate dereferences a pointer.
//!
//! # Unsafety
//! Each function's `# Safety` says how many bytes the pointer must make available. Callers of
//! the verbs promise that (the verbs' own `# Safety` sections list the lengths); these helpers
//! can only check for NULL.

use core::ptr;

use crate::error::{Error, Result};
use crate::rule_array::{MAX_KEYWORDS, RuleArray};

/// An integer parameter as the caller declares it: ICSF's fullword (`int32_t` in softcca.h,
/// `PIC S9(9) COMP-5` in COBOL) or IBM CCA for Linux's `long` (csulincl.h; 8 bytes on LP64,
/// the ABI of libcsulcca, [`super::lp64`]). The verb cores work on `i32`: a wider value that
/// does not fit is the parameter's documented error, never a wrapped value.
pub trait Fullword: Copy + sealed::Sealed {
    /// The value, widened without loss.
    fn widen(self) -> i64;
    /// A fullword result (return and reason codes, counts, lengths), stored without loss.
    fn from_i32(v: i32) -> Self;
}

impl Fullword for i32 {
    fn widen(self) -> i64 {
        i64::from(self)
    }
    fn from_i32(v: i32) -> Self {
        v
    }
}

impl Fullword for i64 {
    fn widen(self) -> i64 {
        self
    }
    fn from_i32(v: i32) -> Self {
        i64::from(v)
    }
}

mod sealed {
    /// Only `i32` and `i64` are integer parameter types.
    pub trait Sealed {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

/// Reads an integer parameter of either width; a value outside `i32` is `err`.
///
/// # Safety
/// `p` must be NULL or point to `size_of::<W>()` readable bytes.
pub unsafe fn int_or<W: Fullword>(p: *const W, err: Error) -> Result<i32> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    // SAFETY: non-NULL and, by the caller's promise, size_of::<W>() readable bytes; unaligned.
    let v = unsafe { p.read_unaligned() }.widen();
    i32::try_from(v).map_err(|_| err)
}

/// Reads a fullword integer (a `long` outside `i32`: 8/72, the length error, since every
/// integer parameter but `sequence_number` and `output_PIN_data_length` is a length or count).
///
/// # Safety
/// `p` must be NULL or point to `size_of::<W>()` readable bytes (4 for a fullword).
pub unsafe fn int<W: Fullword>(p: *const W) -> Result<i32> {
    // SAFETY: forwarded contract.
    unsafe { int_or(p, Error::BadLength) }
}

/// Reads a fullword that must lie in `range` (else `err`, also for a `long` outside `i32`) and
/// returns it as `usize`.
///
/// # Safety
/// As [`int`].
pub unsafe fn len_in<W: Fullword>(
    p: *const W,
    range: core::ops::RangeInclusive<usize>,
    err: Error,
) -> Result<usize> {
    // SAFETY: forwarded contract.
    let v = unsafe { int_or(p, err) }?;
    usize::try_from(v)
        .ok()
        .filter(|v| range.contains(v))
        .ok_or(err)
}

/// Copies `N` bytes.
///
/// # Safety
/// `p` must be NULL or point to `N` readable bytes.
pub unsafe fn array<const N: usize>(p: *const u8) -> Result<[u8; N]> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    let mut out = [0u8; N];
    // SAFETY: non-NULL, N readable bytes by contract; `out` is a distinct local.
    unsafe { ptr::copy_nonoverlapping(p, out.as_mut_ptr(), N) };
    Ok(out)
}

/// Copies `N` secret bytes (clear key parts, clear PINs) straight into a zeroizing buffer, so
/// no plain stack copy is left behind.
///
/// # Safety
/// As [`array()`].
pub unsafe fn secret_array<const N: usize>(p: *const u8) -> Result<zeroize::Zeroizing<[u8; N]>> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    crate::crypto::scrub::note_secret();
    let mut out = zeroize::Zeroizing::new([0u8; N]);
    // SAFETY: non-NULL, N readable bytes by contract; `out` is a distinct heap-free local.
    unsafe { ptr::copy_nonoverlapping(p, out.as_mut_ptr(), N) };
    Ok(out)
}

/// Copies `len` (≤ `N`) secret bytes (a PIN as typed) into the front of a zeroizing, zeroed
/// `[u8; N]`, so no plain copy is left behind.
///
/// # Safety
/// `p` must be NULL or point to `len` readable bytes.
pub unsafe fn secret_upto<const N: usize>(
    p: *const u8,
    len: usize,
) -> Result<zeroize::Zeroizing<[u8; N]>> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    if len > N {
        return Err(Error::BadLength);
    }
    crate::crypto::scrub::note_secret();
    let mut out = zeroize::Zeroizing::new([0u8; N]);
    // SAFETY: non-NULL, len ≤ N readable bytes by contract; `out` is a distinct local.
    unsafe { ptr::copy_nonoverlapping(p, out.as_mut_ptr(), len) };
    Ok(out)
}

/// Borrows `len` bytes (for inputs too large to copy, such as MAC text).
///
/// # Safety
/// `p` must be NULL or point to `len` readable bytes that stay valid and are not written for
/// `'a`. With `len == 0` the pointer may be anything non-NULL.
pub unsafe fn slice<'a>(p: *const u8, len: usize) -> Result<&'a [u8]> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, len readable bytes valid for 'a by contract.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Copies `len` (≤ `N`) bytes into the front of a zeroed `[u8; N]`.
///
/// # Safety
/// `p` must be NULL or point to `len` readable bytes.
pub unsafe fn bytes_upto<const N: usize>(p: *const u8, len: usize) -> Result<([u8; N], usize)> {
    if p.is_null() {
        return Err(Error::NullPointer);
    }
    if len > N {
        return Err(Error::BadLength);
    }
    let mut out = [0u8; N];
    // SAFETY: non-NULL, len ≤ N readable bytes by contract.
    unsafe { ptr::copy_nonoverlapping(p, out.as_mut_ptr(), len) };
    Ok((out, len))
}

/// Reads `rule_array_count` (which must lie in `counts`) and that many 8-byte keywords.
///
/// # Safety
/// `count` must be NULL or point to 4 readable bytes; `array` NULL or `8 × count` readable
/// bytes. `array` may be NULL when the count is 0.
pub unsafe fn rule_array<W: Fullword>(
    count: *const W,
    array: *const u8,
    counts: core::ops::RangeInclusive<usize>,
) -> Result<RuleArray> {
    // SAFETY: forwarded contract.
    let n = unsafe { len_in(count, counts, Error::RuleArrayCount) }?;
    if n == 0 {
        return Ok(RuleArray::EMPTY);
    }
    // SAFETY: forwarded contract: 8 × n readable bytes, n ≤ MAX_KEYWORDS checked below.
    let (buf, len) =
        unsafe { bytes_upto::<{ 8 * MAX_KEYWORDS }>(array, 8 * n) }.map_err(|e| match e {
            Error::BadLength => Error::RuleArrayCount,
            e => e,
        })?;
    RuleArray::parse(&buf[..len])
}

/// Checks that an output pointer is not NULL (done before any work).
pub fn need<T>(p: *mut T) -> Result<*mut T> {
    if p.is_null() {
        Err(Error::NullPointer)
    } else {
        Ok(p)
    }
}

/// Writes a fullword (all of a `long`'s bytes, sign-extended); does nothing when `p` is NULL.
///
/// # Safety
/// `p` must be NULL or point to `size_of::<W>()` writable bytes (4 for a fullword).
pub unsafe fn put_int<W: Fullword>(p: *mut W, v: i32) {
    if !p.is_null() {
        // SAFETY: non-NULL, size_of::<W>() writable bytes by contract; unaligned write.
        unsafe { p.write_unaligned(W::from_i32(v)) };
    }
}

/// Copies `data` to `p`; does nothing when `p` is NULL (outputs are checked with [`need`]
/// before any work, so NULL here means an optional output).
///
/// # Safety
/// `p` must be NULL or point to `data.len()` writable bytes.
pub unsafe fn put_bytes(p: *mut u8, data: &[u8]) {
    if !p.is_null() {
        // SAFETY: non-NULL, data.len() writable bytes by contract; `data` is our own memory.
        unsafe { ptr::copy_nonoverlapping(data.as_ptr(), p, data.len()) };
    }
}
