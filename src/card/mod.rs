//! Operator smart cards (docs/card-profile.md) reached through PC/SC.
//!
//! Layers, lowest first, each only talking to the one below:
//! * [`Transport`]: sends one command APDU and returns the raw response. [`pcsc`] implements it
//!   over pcscd (the only module that names the `pcsc` crate); the unit tests implement it over
//!   the in-process virtual card.
//! * [`apdu`] and [`sw`]: command APDUs (PIN bytes kept zeroizing and out of `Debug`), status
//!   words, `61xx` GET RESPONSE and `6Cxx` re-send.
//! * [`profile`]: the operator card's typed operations ([`OperatorCard`]): select, card data,
//!   verify, tries left, change PIN, label, content, erase.
//! * [`pin`], [`content`] and [`tlv`]: the values those operations carry.
//!
//! Every failure is a [`CardError`]; none carries a PIN or key byte.

pub mod apdu;
pub mod content;
mod error;
pub mod pcsc;
pub mod pin;
pub mod profile;
pub mod sw;
pub mod tlv;
mod transport;

pub use content::{Content, ContentKind, Descriptor, SetInfo};
pub use error::CardError;
pub use pin::CardPin;
pub use profile::{CardData, OperatorCard, PinStatus};
pub use transport::{Buffer, Transport};

#[cfg(test)]
mod tests;
