//! Cryptographic building blocks: the one TDES wrapper, DES CBC-MACs, clear-key containers, parity,
//! constant-time comparison and randomness. Nothing here knows about CCA tokens.

pub mod ct;
pub mod des_core;
pub mod hmac;
pub mod kdf;
pub mod key;
pub mod mac;
pub mod parity;
pub mod rng;
pub mod scrub;
pub mod tdes;
pub mod weak;

pub use crate::ffi::locked::LockedKey;
pub use key::ClearKey;
pub use tdes::Tdes;
