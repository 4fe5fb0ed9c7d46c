//! The PC/SC transport: the only module that names the `pcsc` crate.
//!
//! A session is one connection in shared mode and one transaction around the whole operation,
//! ended with a card reset *inside* the transaction (`SCardEndTransaction(SCARD_RESET_CARD)`),
//! so no PIN stays verified for the next client. (A reset left to `SCardDisconnect` comes after
//! the lock is released: pcscd then lets another client's transaction run first, on the still
//! verified card, and only resets after it.) Only when ending the transaction fails does the
//! disconnect reset. When the very
//! first command of a session fails because the card was reset, removed or replaced (a card
//! re-inserted while pcscd still held the old connection), the session reconnects and starts
//! over, at most [`ATTEMPTS`] times; nothing reached the card then. A failure after the first
//! command is reported, never retried.

use std::ffi::CString;
use std::time::Duration;

use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use zeroize::Zeroizing;

use super::{Buffer, CardError, Transport};

/// Session attempts when the first command finds the card reset or replaced.
pub const ATTEMPTS: usize = 3;

fn card_error(e: pcsc::Error) -> CardError {
    use pcsc::Error as E;
    match e {
        E::NoService | E::ServiceStopped | E::NoReadersAvailable => CardError::NoService,
        E::UnknownReader | E::ReaderUnavailable => CardError::UnknownReader,
        E::NoSmartcard => CardError::NoCard,
        E::RemovedCard
        | E::ResetCard
        | E::NotTransacted
        | E::UnpoweredCard
        | E::UnresponsiveCard => CardError::CardRemoved,
        E::SharingViolation => CardError::SharingViolation,
        _ => CardError::Transport,
    }
}

/// A reader and whether it holds a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The PC/SC reader name.
    pub name: String,
    /// Whether a card is present.
    pub card_present: bool,
}

/// A connection to pcscd (honours `PCSCLITE_CSOCK_NAME`, as libpcsclite does).
pub struct Pcsc {
    ctx: Context,
}

/// The channel of one session (the transaction's card handle and the ATR).
struct Channel<'a> {
    card: &'a pcsc::Card,
    atr: Vec<u8>,
    /// Commands answered so far in this session.
    answered: usize,
    /// Whether the first command failed with a reset/removed card.
    first_failed: bool,
}

impl Transport for Channel<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError> {
        let mut buf = Zeroizing::new(vec![0u8; pcsc::MAX_BUFFER_SIZE]);
        let result = self.card.transmit(command, &mut buf).map(<[u8]>::len);
        match result {
            Ok(n) if n >= 2 => {
                self.answered += 1;
                buf.truncate(n);
                Ok(buf)
            }
            // A card that died mid-command gives "success" with no status word.
            Ok(_) => Err(CardError::Transport),
            Err(e) => {
                let err = card_error(e);
                self.first_failed = self.answered == 0 && err == CardError::CardRemoved;
                Err(err)
            }
        }
    }

    fn atr(&self) -> &[u8] {
        &self.atr
    }
}

impl Pcsc {
    /// Connects to pcscd: [`CardError::NoService`] when it is not running.
    pub fn establish() -> Result<Pcsc, CardError> {
        Context::establish(Scope::User)
            .map(|ctx| Pcsc { ctx })
            .map_err(card_error)
    }

    /// Every reader, and whether it holds a card.
    pub fn readers(&self) -> Result<Vec<ReaderInfo>, CardError> {
        let names = self.ctx.list_readers_owned().map_err(card_error)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut states: Vec<ReaderState> = names
            .into_iter()
            .map(|n| ReaderState::new(n, State::UNAWARE))
            .collect();
        self.ctx
            .get_status_change(Duration::ZERO, &mut states)
            .map_err(card_error)?;
        Ok(states
            .iter()
            .map(|s| ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: s.event_state().contains(State::PRESENT)
                    && !s.event_state().contains(State::MUTE),
            })
            .collect())
    }

    /// Runs `op` in one session with the card in `reader` (see the module docs for the
    /// reconnect rule); the card is reset at the end whatever `op` returns.
    pub fn session<R>(
        &self,
        reader: &str,
        mut op: impl FnMut(&mut dyn Transport) -> Result<R, CardError>,
    ) -> Result<R, CardError> {
        let name = CString::new(reader).map_err(|_| CardError::UnknownReader)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (result, retry) = self.attempt(&name, &mut op);
            if !(retry && attempt < ATTEMPTS) {
                return result;
            }
            // pcscd notices a replaced card on its next presence poll.
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One session: `(result, whether a fresh connection may succeed)`.
    fn attempt<R>(
        &self,
        name: &CString,
        op: &mut impl FnMut(&mut dyn Transport) -> Result<R, CardError>,
    ) -> (Result<R, CardError>, bool) {
        let mut card = match self.ctx.connect(name, ShareMode::Shared, Protocols::ANY) {
            Ok(c) => c,
            Err(e) => {
                let err = card_error(e);
                return (Err(err), err == CardError::CardRemoved);
            }
        };
        let (result, retry, reset_done) = match card.transaction2() {
            Ok(txn) => {
                let atr = match txn.status2_owned() {
                    Ok(s) => s.atr().to_vec(),
                    Err(e) => {
                        // Nothing was sent; dropping the handle disconnects with a reset.
                        let err = card_error(e);
                        return (Err(err), err == CardError::CardRemoved);
                    }
                };
                let mut ch = Channel {
                    card: &txn,
                    atr,
                    answered: 0,
                    first_failed: false,
                };
                let result = op(&mut ch);
                let retry = ch.first_failed;
                let reset_done = txn.end(Disposition::ResetCard).is_ok();
                (result, retry, reset_done)
            }
            Err((_, e)) => {
                let err = card_error(e);
                (Err(err), err == CardError::CardRemoved, false)
            }
        };
        let disposition = if reset_done {
            Disposition::LeaveCard
        } else {
            Disposition::ResetCard
        };
        // On failure the handle is dropped, and its drop disconnects with a reset.
        let _ = card.disconnect(disposition);
        (result, retry)
    }
}
