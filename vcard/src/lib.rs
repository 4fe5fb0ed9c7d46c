//! softcca's virtual operator card.
//!
//! The card side of `docs/card-profile.md`: [`Card`] is the profile's state machine (SELECT,
//! GET DATA, VERIFY, CHANGE REFERENCE DATA, PUT DATA, ERASE) over a [`CardState`] that a
//! [`Store`] keeps. The `softcca-vcard` program puts one card behind pcscd through vsmartcard's
//! vpcd driver with a [`FileStore`] (one state file per card, replaced atomically); softcca's unit
//! tests drive a card in process with a [`MemoryStore`]. This crate is never linked into
//! libsoftcca: softcca names it as a dev-dependency only.
#![forbid(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms, unused_qualifications)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod apdu;
mod card;
mod state;
mod store;
mod tlv;

pub use card::{AID, ATR, Card, TRANSPORT_PIN};
pub use state::{CardState, Identity, IdentityError, MMPN, PinState};
pub use store::{FileStore, MemoryStore, Store, StoreError};

#[cfg(test)]
mod tests;
