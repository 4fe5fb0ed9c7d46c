//! softcca: IBM ICSF/CCA-style cryptographic callable services for Linux programs in C and
//! COBOL.
//!
//! The C ABI lives in [`ffi`], the only module with `unsafe` code. Below it every verb is safe
//! Rust over owned or borrowed byte arrays: [`verbs`] holds one module per verb, built from the
//! concepts [`rule_array`], [`cv`] (control vectors), [`token`] (internal DES key tokens),
//! [`label`] (key identifiers), [`state`] (master-key registers, the CKDS, access control) and
//! [`crypto`]. Every failure is an [`Error`]; [`codes`] maps it to ICSF return and reason
//! codes.
//!
//! The safe core can be used from Rust directly. The PIN Change/Unblock arithmetic below all
//! checks, on test set 1 of tests/vectors/README.md (pyemv's HSM-checked vector):
//!
//! ```
//! use softcca::crypto::{ClearKey, Tdes};
//! use softcca::derive::{KeyGenerationData, Parity};
//! use softcca::verbs::pcu::{compute, Algorithm, Method};
//! use softcca::pinblock::Pin;
//!
//! let key = |h: &str| Tdes::new(&ClearKey::from_slice(&hex(h)).unwrap());
//! let mac_mdk = key("FEDCBA98765432100123456789ABCDEF");
//! let enc_mdk = key("11111111111111112222222222222222");
//! let kgd = KeyGenerationData::parse(&hex("3456789012345601FFFF")).unwrap();
//! let new_pin = Pin::from_ascii(b"9999").unwrap();
//! let out = compute(Algorithm::TdesXor, Method::VisaPcu1, &mac_mdk, &enc_mdk, &kgd, &new_pin, None, Parity::Adjusted);
//! assert_eq!(out.message(), &hex("D421231A6FD2F0FAEE671384F0D3A7B9")[..]);
//! # fn hex(s: &str) -> Vec<u8> {
//! #     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
//! # }
//! ```
#![deny(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, rust_2018_idioms, unused_qualifications)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
pub mod audit;
pub mod civil;
pub mod codes;
pub mod crypto;
pub mod custody;
pub mod error;

pub use error::{Error, Result};
pub mod card;
pub mod cv;
pub mod derive;
pub mod ffi;
pub mod hex;
pub mod label;
pub mod pinblock;
pub mod rule_array;
pub mod state;
pub mod token;
pub mod verbs;

/// Hex decoding for the unit tests' literals.
#[cfg(test)]
pub(crate) fn test_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
