//! The audit log at the C boundary: the wrapper every card verb's entry point runs through
//! (`audited`) and Audit Log Verify (CSUAAVF, docs/CSUAAVF.md).

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{args, coprocessor, guard};
use crate::audit::{Entry, scope, verify};
use crate::codes::{self, Notes};
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, kw};

/// What an audited body hands back on success: the writes of its outputs, made only after
/// its audit record is on disk (so a call whose record could not be written writes nothing
/// but rc and rs). `()` for verbs without outputs.
pub(crate) trait Outputs {
    /// Writes the outputs.
    fn write(self);
}

impl Outputs for () {
    fn write(self) {}
}

impl<F: FnOnce()> Outputs for F {
    fn write(self) {
        self()
    }
}

/// [`guard`] for a card verb, and for every verb that changes the directory's protection or
/// its master-key registers (CSUADAC, CSUADAU, CSNBMKP): exactly one audit record per call
/// (docs/audit.md §3); the custody events the body runs ([`crate::audit::Operation`]) are
/// details of that record.
///
/// Before the body runs, the log must open for appending and its last record read back
/// ([`crate::audit::AuditLog::probe`]): otherwise the call fails with that code (12/X'F200'
/// or X'F202') and no card is touched. The body then runs in an audit scope (the readers,
/// CSNs and labels it notes go into the record); its outcome, panics included, is mapped to
/// the (rc, rs) the caller will get and appended with the verb name. When that append fails
/// the call reports the append's code instead, and the body's outputs are not written.
///
/// # Safety
/// As [`guard`].
pub(crate) unsafe fn audited<W: args::Fullword, O: Outputs>(
    verb: &'static str,
    rc: *mut W,
    rs: *mut W,
    body: impl FnOnce(&mut Notes) -> Result<O>,
) {
    // SAFETY: forwarded contract.
    unsafe { audited_at(verb, None, rc, rs, body) }
}

/// [`audited`] for a verb behind the access-control point `point`: the effective role must
/// hold it (else 8/90, or the role's own refusal) **before** anything else, so a refused call
/// reads no argument, touches no card, writes no audit record and changes nothing
/// (docs/decisions.md D62).
///
/// # Safety
/// As [`guard`].
pub(crate) unsafe fn audited_at<W: args::Fullword, O: Outputs>(
    verb: &'static str,
    point: Option<u16>,
    rc: *mut W,
    rs: *mut W,
    body: impl FnOnce(&mut Notes) -> Result<O>,
) {
    // SAFETY: forwarded contract.
    unsafe {
        guard(verb, rc, rs, |notes| {
            if let Some(p) = point {
                coprocessor()?.acp()?.require(p)?;
            }
            let log = coprocessor()?.audit();
            log.probe()?;
            // A call that deactivates the directory still MACs its record.
            let held = log.mac_key();
            scope::begin();
            let outcome =
                catch_unwind(AssertUnwindSafe(|| body(notes))).unwrap_or(Err(Error::Internal));
            let seen = scope::end();
            let (r, s) = match &outcome {
                Ok(_) => notes.codes(),
                Err(e) => codes::of(*e),
            };
            log.append_with(
                &Entry {
                    op: verb.into(),
                    cards: seen.cards,
                    detail: seen.detail,
                    rc: r,
                    rs: s,
                },
                held.as_ref(),
            )?;
            outcome.map(Outputs::write)
        })
    }
}

/// The audit MAC key of `cp`'s bound and active SVMK.
fn mac_key(cp: &crate::state::Coprocessor) -> Result<crate::audit::mac::MacKey> {
    let bound = cp
        .master_key_store()
        .binding()?
        .svmk
        .ok_or(Error::DirectoryNotBound)?;
    let key = cp.audit().mac_key().ok_or(Error::NotActivated)?;
    if key.id() != bound {
        return Err(Error::ActivationMismatch);
    }
    Ok(key)
}

const CHECK: &[Keyword] = &[kw("CHAIN"), kw("MAC")];

/// Length of the `last_hash` output: SHA-256 in hexadecimal.
const HASH_HEX_LEN: usize = 64;

/// Audit Log Verify (docs/CSUAAVF.md): checks the state directory's audit log from its
/// genesis record on and names the first bad record.
///
/// Rule array: 0 or 1 keyword, `CHAIN` (default: the hash chain) or `MAC` (the chain and the
/// MAC of every MAC'd record, under the audit key of the directory's active SVMK: 8/X'F263'
/// when the directory is not bound, 12/X'F270' when its SVMK is not active). Outputs, written on return code 0 and 4: `records_checked` (records that
/// verified), `first_bad_record` (the position, i.e. expected sequence number, of the first
/// bad record; 0 when the chain verified), `last_hash` (64 bytes: the last verified record's
/// hash in hexadecimal; `last_hash_length` in: its room, at least 64; out: 64). Return code
/// 4 with reason X'F208'..X'F20E', X'F210' or X'F211' says what is wrong with the first bad
/// record.
///
/// # Safety
/// `rule_array_count`: 4 readable bytes; `rule_array`: 8 × count readable bytes (NULL when
/// 0); `records_checked`, `first_bad_record`: 4 writable bytes each; `last_hash_length`: 4
/// readable and writable bytes; `last_hash`: `*last_hash_length` writable bytes.
/// `return_code`, `reason_code`: NULL or 4 writable bytes; exit data ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CSUAAVF(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    records_checked: *mut i32,
    first_bad_record: *mut i32,
    last_hash_length: *mut i32,
    last_hash: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: pointer contracts are the caller's, as documented above.
    unsafe {
        guard("CSUAAVF", return_code, reason_code, |notes| {
            let rules = args::rule_array(rule_array_count, rule_array, 0..=1)?;
            let [check] = rules.resolve(&[Group::optional(CHECK)])?;
            let checked_out = args::need(records_checked)?;
            let bad_out = args::need(first_bad_record)?;
            let room = args::int(last_hash_length)?;
            let length_out = args::need(last_hash_length)?;
            let hash_out = args::need(last_hash)?;
            if usize::try_from(room).map_or(true, |r| r < HASH_HEX_LEN) {
                return Err(Error::OutputTooSmall);
            }
            let cp = coprocessor()?;
            let key = match check {
                Some(k) if CHECK[k] == kw("MAC") => Some(mac_key(cp)?),
                _ => None,
            };
            let report = verify::verify(cp.audit(), key.as_ref())?;
            if let Some(f) = report.fault {
                notes.warn(f.warning());
            }
            let fullword = |v: u64| i32::try_from(v).unwrap_or(i32::MAX);
            args::put_int(checked_out, fullword(report.checked));
            args::put_int(bad_out, fullword(report.first_bad));
            args::put_bytes(hash_out, crate::hex::hex(&report.last_hash).as_bytes());
            args::put_int(length_out, HASH_HEX_LEN as i32);
            Ok(())
        })
    }
}
