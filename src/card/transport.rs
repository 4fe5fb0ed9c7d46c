//! The seam between card logic and the way APDUs reach a card.

use zeroize::Zeroizing;

use super::CardError;

/// A response or command buffer; zeroized when dropped (it may hold a PIN or a share).
pub type Buffer = Zeroizing<Vec<u8>>;

/// One open card session: an exchange channel to one card, inside one transaction.
///
/// Implementations: [`super::pcsc`] (pcscd) and the in-process virtual card of the unit tests.
/// Whoever opens a session ends it with a card reset, so no PIN stays verified.
pub trait Transport {
    /// Sends one command APDU and returns the whole response (data ‖ SW1 SW2) as the card gave
    /// it. A response shorter than 2 bytes is [`CardError::Transport`].
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError>;

    /// The card's answer to reset.
    fn atr(&self) -> &[u8];
}
