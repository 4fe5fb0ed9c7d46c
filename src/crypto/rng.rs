//! Random bytes from the operating system (getrandom(2)).

use crate::error::{Error, Result};

/// Fills `buf` with random bytes from the operating system.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| Error::Random)
}
