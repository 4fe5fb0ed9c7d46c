//! One audited library operation: a custody event (binding, activation, deactivation,
//! partition binding, authorisation, deauthorisation) or a master-key register change
//! (CSNBMKP), failing closed like the card verbs (docs/audit.md §1).
//!
//! [`Operation::begin`] probes the log before the operation acts ([`AuditLog::probe`]: a log
//! that cannot be appended to refuses the operation, which then changes nothing);
//! [`Operation::finish`] records its outcome and details and only then hands the outcome
//! back. Where it is recorded depends on who called:
//!
//! - from a verb that has its own record (an audited card verb, or CSUADAC, CSUADAU and
//!   CSNBMKP, all run through `crate::ffi::audit::audited`): the call's one record carries the
//!   event as details `d.event=<name> d.event_rc= d.event_rs=` followed by the event's own
//!   details (the verb's wrapper probed the log before its body and appends after it), so a
//!   call never writes two records that could contradict each other;
//! - from Rust directly (outside any audited verb): a record of its own, `op=<name>`, with the
//!   event's codes and details.

use super::mac::MacKey;
use super::{AuditLog, Event, scope};
use crate::codes;
use crate::error::Result;

/// An operation under way: probed, not yet recorded.
#[must_use = "an operation is recorded by finish"]
pub struct Operation<'a> {
    log: &'a AuditLog,
    op: &'static str,
    detail: Vec<(String, Vec<u8>)>,
    in_call: bool,
    /// The MAC key active when the operation began (a deactivation's record is MAC'd).
    held: Option<MacKey>,
}

impl<'a> Operation<'a> {
    /// Starts the operation `op` (an event name, docs/audit.md §2): outside an audited verb
    /// the log must be appendable now (its error otherwise, and the operation must not act).
    pub fn begin(log: &'a AuditLog, op: &'static str) -> Result<Self> {
        let in_call = scope::open();
        let mut held = None;
        if !in_call {
            log.probe()?;
            held = log.mac_key();
        }
        Ok(Operation {
            log,
            op,
            detail: Vec::new(),
            in_call,
            held,
        })
    }

    /// Adds the detail `key` = `value` (never a secret: name keys by check value or MKVP).
    pub fn with(&mut self, key: &str, value: impl AsRef<[u8]>) {
        self.detail.push((key.into(), value.as_ref().to_vec()));
    }

    /// Records `outcome` (`ok`: the codes of a success, e.g. a warning) and returns it, or the
    /// log's error when the record could not be written (the operation has then happened: its
    /// state is the truth and the missing record the only gap, as for the card verbs).
    pub fn finish<T>(self, outcome: Result<T>, ok: (i32, i32)) -> Result<T> {
        let (rc, rs) = match &outcome {
            Ok(_) => ok,
            Err(e) => codes::of(*e),
        };
        if self.in_call {
            scope::detail("event", self.op.as_bytes());
            scope::detail("event_rc", rc.to_string().as_bytes());
            scope::detail("event_rs", format!("{rs:04X}").as_bytes());
            for (k, v) in &self.detail {
                scope::detail(k, v);
            }
        } else {
            let event = self
                .detail
                .iter()
                .fold(Event::new(self.op).codes(rc, rs), |e, (k, v)| e.with(k, v));
            self.log.event_with(&event, self.held.as_ref())?;
        }
        outcome
    }
}
