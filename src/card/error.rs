//! The card layer's error type.

use core::fmt;

/// A card operation's failure. `Copy`, small, and free of secrets (no PIN, key or share byte).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardError {
    /// pcscd is not running or not reachable.
    NoService,
    /// No reader has this name.
    UnknownReader,
    /// The reader holds no card.
    NoCard,
    /// The card was removed or reset during the operation (PC/SC said so).
    CardRemoved,
    /// Another program holds the card exclusively.
    SharingViolation,
    /// Any other PC/SC failure, or a response shorter than a status word.
    Transport,
    /// The response is well framed but its content breaks the profile (TLV, lengths).
    MalformedResponse,
    /// The card has no operator application (SELECT by AID refused).
    NotOurCard,
    /// The PIN was wrong; this many presentations are left before the card blocks.
    WrongPin {
        /// Presentations left (1..=7).
        tries_left: u8,
    },
    /// The card is blocked for good (seventh consecutive wrong PIN).
    Blocked,
    /// The operation needs the PIN, and it was not verified in this session.
    PinNotVerified,
    /// The PIN was changed once already: the PIN area is sealed.
    PinChangeSealed,
    /// The card already holds a content object (only ERASE makes room).
    ContentNotEmpty,
    /// The PIN is not exactly 8 digits after the E.161 mapping (never sent to a card).
    PinFormat,
    /// A label or content object breaks the profile's rules (host check or card's `6A80`/`6A84`).
    BadData,
    /// The card could not write its memory (`6581`); its state is unchanged.
    WriteFailed,
    /// A status word the profile does not give for this command.
    UnexpectedStatus(u16),
    /// The card (or pcscd) did not answer before the session's deadline.
    Timeout,
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CardError::NoService => f.write_str("the PC/SC service (pcscd) is not available"),
            CardError::UnknownReader => f.write_str("no smart card reader has this name"),
            CardError::NoCard => f.write_str("no card in the reader"),
            CardError::CardRemoved => f.write_str("the card was removed or reset"),
            CardError::SharingViolation => f.write_str("another program holds the card"),
            CardError::Transport => f.write_str("smart card transport failure"),
            CardError::MalformedResponse => f.write_str("the card's response is malformed"),
            CardError::NotOurCard => f.write_str("the card has no operator application"),
            CardError::WrongPin { tries_left } => {
                write!(f, "wrong PIN ({tries_left} presentations left)")
            }
            CardError::Blocked => f.write_str("the card is blocked"),
            CardError::PinNotVerified => f.write_str("the PIN has not been verified"),
            CardError::PinChangeSealed => f.write_str("the PIN was already changed once"),
            CardError::ContentNotEmpty => f.write_str("the card already holds a content"),
            CardError::PinFormat => f.write_str("the PIN is not 8 digits after mapping"),
            CardError::BadData => f.write_str("the label or content is not valid"),
            CardError::WriteFailed => f.write_str("the card could not write its memory"),
            CardError::UnexpectedStatus(sw) => write!(f, "unexpected status word {sw:04X}"),
            CardError::Timeout => f.write_str("the card did not answer in time"),
        }
    }
}

impl std::error::Error for CardError {}
