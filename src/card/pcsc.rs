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
//!
//! pcsc-lite bounds none of the calls a session makes: `SCardTransmit` waits for as long as the
//! reader driver does (vpcd: for ever), `SCardBeginTransaction` for as long as another client
//! holds the card, and `SCardCancel` only cancels `SCardGetStatusChange`. So each session's
//! card calls run on a thread of their own and the caller waits for each answer only until the
//! session's [`deadline`]: then the command is [`CardError::Timeout`] and the caller returns,
//! while the thread stays blocked in pcsc-lite until the card answers or is removed, and then
//! ends the transaction with the reset as usual (a later session on that card waits for it,
//! and meets its own deadline meanwhile). Connecting to pcscd and listing readers are not
//! bounded (they do not wait for a card).

use std::ffi::CString;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use zeroize::Zeroizing;

use super::{Buffer, CardError, Transport};

/// Session attempts when the first command finds the card reset or replaced. Another client's
/// session ends with a reset, so on a shared, busy reader a fresh connection often finds the card
/// "reset" before its own transaction begins: the attempts are many and the waits short and
/// growing (10, 20, ... ms: about 0.45 s in all, longer than pcscd's presence poll, so a
/// replaced card is also found).
pub const ATTEMPTS: usize = 10;

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
        | E::UnresponsiveCard
        // pcscd's answer to a handle whose card another client reset (its protocol is no
        // longer negotiated) when it checks the protocol before the reset: the card was reset.
        | E::ProtoMismatch => CardError::CardRemoved,
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

/// The default of [`deadline`]: a verb's whole session on one card.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);
/// Environment variable that sets the session deadline in milliseconds (1 to 600000).
pub const DEADLINE_ENV: &str = "SOFTCCA_CARD_DEADLINE_MS";

/// The session deadline: [`DEADLINE_ENV`] when it holds 1 to 600000 (ms), else
/// [`DEFAULT_DEADLINE`].
pub fn deadline() -> Duration {
    std::env::var(DEADLINE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| (1..=600_000).contains(ms))
        .map_or(DEFAULT_DEADLINE, Duration::from_millis)
}

/// What the session's card thread answers: the ATR first, then one response per command.
type Answer = Result<Buffer, CardError>;

/// The card side of one session, run on a thread of its own (see [`Pcsc::session`]): connect,
/// begin the transaction, report the ATR, transmit each command it receives, and when the
/// session drops its sender end the transaction with a card reset and disconnect. pcsc-lite
/// has no timeout on `SCardTransmit` or `SCardBeginTransaction`, so a card that never answers
/// blocks this thread, not the caller; it finishes (reset included) when pcscd returns.
///
/// The thread has a PC/SC context of its own: pcsc-lite wants one context per thread.
fn serve(name: CString, commands: Receiver<Buffer>, answers: Sender<Answer>) {
    let ctx = match Context::establish(Scope::User) {
        Ok(ctx) => ctx,
        Err(e) => {
            let _ = answers.send(Err(card_error(e)));
            return;
        }
    };
    let mut card = match ctx.connect(&name, ShareMode::Shared, Protocols::ANY) {
        Ok(c) => c,
        Err(e) => {
            let _ = answers.send(Err(card_error(e)));
            return;
        }
    };
    let reset_done = match card.transaction2() {
        Ok(txn) => {
            match txn.status2_owned() {
                Ok(s) => {
                    let _ = answers.send(Ok(Zeroizing::new(s.atr().to_vec())));
                }
                Err(e) => {
                    // Nothing was sent; dropping the handle disconnects with a reset.
                    let _ = answers.send(Err(card_error(e)));
                    return;
                }
            }
            while let Ok(command) = commands.recv() {
                let mut buf = Zeroizing::new(vec![0u8; pcsc::MAX_BUFFER_SIZE]);
                let result = txn.transmit(&command, &mut buf).map(<[u8]>::len);
                drop(command);
                let answer = result.map_err(card_error).map(|n| {
                    buf.truncate(n);
                    buf
                });
                if answers.send(answer).is_err() {
                    break; // the session gave up waiting (its deadline passed)
                }
            }
            txn.end(Disposition::ResetCard).is_ok()
        }
        Err((_, e)) => {
            let _ = answers.send(Err(card_error(e)));
            false
        }
    };
    let disposition = if reset_done {
        Disposition::LeaveCard
    } else {
        Disposition::ResetCard
    };
    // On failure the handle is dropped, and its drop disconnects with a reset.
    let _ = card.disconnect(disposition);
}

/// The channel of one session: the card thread's two queues, the ATR and the deadline.
struct Channel {
    commands: Option<Sender<Buffer>>,
    answers: Receiver<Answer>,
    atr: Vec<u8>,
    deadline: Instant,
    /// Commands answered so far in this session.
    answered: usize,
    /// Whether the first command failed with a reset/removed card.
    first_failed: bool,
}

impl Channel {
    /// Starts the card thread and waits (until `deadline`) for the ATR.
    fn open(name: &CString, deadline: Instant) -> Result<Channel, CardError> {
        let (commands, queue) = mpsc::channel();
        let (reply, answers) = mpsc::channel();
        let name = name.clone();
        std::thread::Builder::new()
            .name("softcca-card".into())
            .spawn(move || serve(name, queue, reply))
            .map_err(|_| CardError::Transport)?;
        let mut ch = Channel {
            commands: Some(commands),
            answers,
            atr: Vec::new(),
            deadline,
            answered: 0,
            first_failed: false,
        };
        ch.atr = ch.wait()?.to_vec();
        Ok(ch)
    }

    /// The card thread's next answer, or [`CardError::Timeout`] at the deadline (the thread is
    /// then left to finish on its own, and this channel sends nothing more).
    fn wait(&mut self) -> Answer {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.answers.recv_timeout(left) {
            Ok(answer) => answer,
            Err(RecvTimeoutError::Timeout) => {
                self.commands = None;
                Err(CardError::Timeout)
            }
            Err(RecvTimeoutError::Disconnected) => Err(CardError::Transport),
        }
    }

    /// Ends the session: the card thread resets the card inside the transaction; waits for it
    /// until the deadline.
    fn close(mut self) {
        self.commands = None;
        let left = self.deadline.saturating_duration_since(Instant::now());
        // Returns when the thread ends (its sender is dropped) or at the deadline.
        while self.answers.recv_timeout(left).is_ok() {}
    }
}

impl Transport for Channel {
    fn transmit(&mut self, command: &[u8]) -> Result<Buffer, CardError> {
        let sent = match &self.commands {
            Some(c) => c.send(Zeroizing::new(command.to_vec())).is_ok(),
            None => return Err(CardError::Timeout),
        };
        let result = if sent {
            self.wait()
        } else {
            Err(CardError::Transport)
        };
        match result {
            Ok(buf) if buf.len() >= 2 => {
                self.answered += 1;
                Ok(buf)
            }
            // A card that died mid-command gives "success" with no status word.
            Ok(_) => Err(CardError::Transport),
            Err(err) => {
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
    /// reconnect rule); the card is reset at the end whatever `op` returns. The whole session
    /// (reconnects included) has one [`deadline`]: a card or pcscd that has not answered by
    /// then makes the pending command [`CardError::Timeout`].
    pub fn session<R>(
        &self,
        reader: &str,
        mut op: impl FnMut(&mut dyn Transport) -> Result<R, CardError>,
    ) -> Result<R, CardError> {
        let name = CString::new(reader).map_err(|_| CardError::UnknownReader)?;
        let deadline = Instant::now() + deadline();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (result, retry) = self.attempt(&name, deadline, &mut op);
            if !(retry && attempt < ATTEMPTS) {
                return result;
            }
            // pcscd notices a replaced card on its next presence poll; another client's reset
            // is over as soon as its transaction ends.
            std::thread::sleep(Duration::from_millis(10 * attempt as u64));
        }
    }

    /// One session: `(result, whether a fresh connection may succeed)`.
    fn attempt<R>(
        &self,
        name: &CString,
        deadline: Instant,
        op: &mut impl FnMut(&mut dyn Transport) -> Result<R, CardError>,
    ) -> (Result<R, CardError>, bool) {
        let mut ch = match Channel::open(name, deadline) {
            Ok(ch) => ch,
            Err(err) => return (Err(err), err == CardError::CardRemoved),
        };
        let result = op(&mut ch);
        let retry = ch.first_failed;
        ch.close();
        (result, retry)
    }
}
