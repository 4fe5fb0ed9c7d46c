//! The audit log of card use and of custody events (docs/audit.md): an append-only,
//! hash-chained file `audit.log` in the state directory.
//!
//! - [`record`]: one record and its line (the format, the encoding, the parser);
//! - [`mac`]: the records' MAC under a key derived from the active server master key;
//! - [`log`]: the file, appends under a lock from any number of processes and threads;
//! - [`verify`]: the chain check behind `CSUAAVF`;
//! - [`scope`]: what the running card verb saw (reader, CSN, label), for its record;
//! - [`operation`]: a custody event or master-key register change, probed before it acts and
//!   recorded after.
//!
//! Every card verb appends exactly one record through the audited wrapper of its entry point
//! (`crate::ffi::audit::audited`), which refuses before the card is touched when the log
//! cannot be appended to. The rest of the library records events with [`Event`] and
//! [`AuditLog::event`].

pub mod log;
pub mod mac;
pub mod operation;
pub mod record;
pub mod scope;
pub mod verify;

pub use log::AuditLog;
pub use operation::Operation;
pub use record::{CardSeen, Entry};

use crate::error::Result;

/// A non-card event for the audit log (master-key register changes, activation, binding,
/// logon, ...): a name, details and the outcome codes. Details are free text and must never
/// hold a secret (a key, a share, a PIN or password); a key is named by its verification
/// pattern or check value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    entry: Entry,
}

impl Event {
    /// An event named `op` (`A`-`Z`, `0`-`9`, `-`, 1 to 16 characters, e.g. `CSNBMKP` or
    /// `ACTIVATE`), outcome 0/0 until [`Event::codes`] says otherwise.
    pub fn new(op: &str) -> Self {
        Event {
            entry: Entry {
                op: op.into(),
                cards: Vec::new(),
                detail: Vec::new(),
                rc: 0,
                rs: 0,
            },
        }
    }

    /// Adds the detail `key` (`a`-`z`, `0`-`9`, `_`, 1 to 24 characters) = `value`.
    pub fn with(mut self, key: &str, value: impl AsRef<[u8]>) -> Self {
        self.entry
            .detail
            .push((key.into(), value.as_ref().to_vec()));
        self
    }

    /// Adds a card the event involved (reader, CSN, label as far as known).
    pub fn card(mut self, card: CardSeen) -> Self {
        self.entry.cards.push(card);
        self
    }

    /// Sets the outcome: the return and reason code the operation reported.
    pub fn codes(mut self, rc: i32, rs: i32) -> Self {
        self.entry.rc = rc;
        self.entry.rs = rs;
        self
    }

    /// The record entry this event appends.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }
}

impl AuditLog {
    /// Appends `event`; returns its sequence number. A malformed name or key is
    /// [`crate::Error::Internal`] (a programming error); a log that cannot be written is
    /// [`crate::Error::AuditLogUnavailable`], [`crate::Error::AuditLogWrite`] or
    /// [`crate::Error::AuditLogDamaged`]: an operation that must be audited does not go ahead
    /// (call [`AuditLog::probe`] first) or reports the failure.
    pub fn event(&self, event: &Event) -> Result<u64> {
        self.append(&event.entry)
    }

    /// As [`AuditLog::event`], MAC'd under `held` when no SVMK is active any more (see
    /// [`AuditLog::append_with`]).
    pub fn event_with(&self, event: &Event, held: Option<&mac::MacKey>) -> Result<u64> {
        self.append_with(&event.entry, held)
    }
}
