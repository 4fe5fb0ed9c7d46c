//! The safe cores of the verbs, one module per verb family. Each core takes owned or borrowed
//! inputs (already copied from the caller by [`crate::ffi`]) and returns its outputs; it never
//! sees a pointer.

pub mod acm;
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
pub mod keytest;
pub mod mac;
pub mod masterkey;
pub mod pcu;
pub mod set;
