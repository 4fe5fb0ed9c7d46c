//! Key Part Import (CSNBKPI): builds a DES key from clear parts, XOR-ed together under the
//! protection of the master key.
//!
//! IBM CCA Basic Services Reference 2.54, "Key_Part_Import (CSNBKPI)" (CCA 2.54 p=204-206) and IBM
//! Docs, CCA for Linux on IBM Z, `wskc_r_kpiparameters`, `wskc_r_kpirequired`.
//!
//! * `FIRST` (ACP X'001B'): the key becomes the first part; the token's key is ignored.
//! * `ADD-PART` (X'0278') and `MIDDLE` (X'001C'): the part is XOR-ed into the key; the
//!   KEY-PART bit 44 stays on.
//! * `LAST` (X'001C'): as MIDDLE, then bit 44 is turned off.
//! * `COMPLETE` (X'0279'): bit 44 is turned off; `key_part` is ignored.
//!
//! Every step needs a token whose control vector has bit 44 on: FIRST on a CV without it is
//! 8/39 (control vector violation); ADD-PART, MIDDLE and LAST 8/441 (key is complete);
//! COMPLETE 8/439 (cannot be completed). ADD-PART, MIDDLE, LAST and COMPLETE on a token with
//! no key accumulated (a skeleton) are 8/439. A double-length key with equal halves is
//! refused with 8/442 at LAST and COMPLETE unless ACP X'027A' (Key Part Import -
//! Unrestricted) is on, and always when the control vector says the halves are guaranteed
//! unique (key form B'110'/B'101'). A token whose control vector does not give each wrapped
//! part its own half is 8/39 at every step, and so is a token without a valid token
//! authentication code 8/12 (ADD-PART, MIDDLE, LAST, COMPLETE: a part cannot be added to a
//! spliced or Key-Token-Build-assembled token to make an authenticated one). A result that does not have odd parity in every byte is returned
//! with the parity warning (ICSF 0/4). The result is always wrapped under the current master
//! key (a key under the old master key is re-enciphered, without the old-key warning). The
//! 16-byte `key_part` carries a single-length part in its first 8 bytes.
//!
//! Dual control (docs/decisions.md D69, [`crate::access::dual`]): every part records the
//! profile the calling thread is logged on as, under the digest of the new partial token; LAST
//! and COMPLETE are refused with 8/X'F330' unless the parts came from two different profiles or
//! X'F040' is on.

use crate::access::context::Name8;
use crate::access::dual::{self, Custodians};
use crate::codes::{Notes, Warning};
use crate::crypto::LockedKey;
use crate::error::{Error, Result};
use crate::label::KeyId;
use crate::rule_array::{RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::{InternalToken, KeyUse};

static PROCESS: Table<Step, 5> = Table::new([
    (kw("FIRST"), Step::First),
    (kw("ADD-PART"), Step::AddPart),
    (kw("MIDDLE"), Step::Middle),
    (kw("LAST"), Step::Last),
    (kw("COMPLETE"), Step::Complete),
]);

/// The processing step of one CSNBKPI call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Load the first part.
    First,
    /// XOR a further part, key stays incomplete.
    AddPart,
    /// XOR an intermediate part.
    Middle,
    /// XOR the last part and complete the key.
    Last,
    /// Complete the key without adding a part.
    Complete,
}

/// Parses the rule array: exactly one process keyword.
pub fn step(rules: &RuleArray) -> Result<Step> {
    let [p] = rules.resolve(&[PROCESS.required()])?;
    PROCESS.value(p).ok_or(Error::MissingKeyword)
}

/// CSNBKPI. Returns the new token when `id` held a token (the caller's buffer is updated);
/// `None` when `id` was a label (the CKDS record was updated).
///
/// Dual control (docs/CSNBKPI.md): the profiles that loaded the parts of a partial token are
/// recorded under the token's digest ([`dual::token_digest`]) in `ckds.db`; LAST and COMPLETE
/// need two of them unless X'F040' is on.
pub fn import(
    cp: &Coprocessor,
    rules: &RuleArray,
    key_part: &[u8; 16],
    id: &[u8; 64],
    notes: &mut Notes,
) -> Result<Option<[u8; 64]>> {
    let step = step(rules)?;
    let caller = dual::caller(cp);
    match KeyId::classify(id)? {
        KeyId::Token(t) => {
            let token = InternalToken::parse(t)?;
            // FIRST starts a new key: what the token held before does not count.
            let before = if step == Step::First {
                Custodians::none()
            } else {
                cp.ckds().part_custodians(&dual::token_digest(t))?
            };
            let (new, custodians) = apply(cp, step, &token, key_part, before, caller, notes)?;
            // The record is committed before the token is handed back: a process killed in
            // between leaves a record for a token nobody holds, never a token without one.
            if let Some(c) = custodians {
                cp.ckds()
                    .record_part_custodians(&dual::token_digest(new.as_bytes()), &c)?;
            }
            Ok(Some(*new.as_bytes()))
        }
        // Read, combine and write back in one CKDS transaction, the custody record with it: a
        // part another process adds to the same record at the same moment is not lost, and a
        // process killed in the middle leaves the old token and its record.
        KeyId::Label(label) => {
            cp.ckds().update_with_parts(&label, |old, ledger| {
                let token = InternalToken::parse(old)?;
                let before = if step == Step::First {
                    Custodians::none()
                } else {
                    ledger.get(&dual::token_digest(old))?
                };
                let (new, custodians) = apply(cp, step, &token, key_part, before, caller, notes)?;
                if let Some(c) = custodians {
                    ledger.set(&dual::token_digest(new.as_bytes()), &c)?;
                }
                Ok(*new.as_bytes())
            })?;
            Ok(None)
        }
    }
}

/// One Key Part Import step on a parsed token whose parts `before` loaded, called by `caller`:
/// the new token and, when it is a partial token, the custodians to record for it (a complete
/// token needs no record).
fn apply(
    cp: &Coprocessor,
    step: Step,
    token: &InternalToken,
    key_part: &[u8; 16],
    before: Custodians,
    caller: Option<Name8>,
    notes: &mut Notes,
) -> Result<(InternalToken, Option<Custodians>)> {
    let cv = token.cv();
    let len = token.check_cv(KeyUse::KeyPart)?;
    if len > key_part.len() {
        return Err(Error::CvViolation);
    }
    if !cv.is_key_part() {
        return Err(match step {
            Step::First => Error::CvViolation,
            Step::Complete => Error::KeyCannotComplete,
            _ => Error::KeyAlreadyComplete,
        });
    }
    let acp = cp.acp()?;
    acp.require(match step {
        Step::First => points::KPI_FIRST,
        Step::AddPart => points::KPI_ADD_PART,
        Step::Middle | Step::Last => points::KPI_COMBINE,
        Step::Complete => points::KPI_COMPLETE,
    })?;
    // The part and the key it combines into live in locked pages, filled in place: no
    // by-value copy of either (what the compiler still spills, the C boundary scrubs).
    let part = LockedKey::from_slice(&key_part[..len]).ok_or(Error::Internal)?;
    let key = if step == Step::First {
        part
    } else {
        if !token.has_key() {
            return Err(Error::KeyCannotComplete);
        }
        let mut key = LockedKey::from_slice(cp.unwrap(token, KeyUse::KeyPart)?.key.as_bytes())
            .ok_or(Error::Internal)?;
        if step != Step::Complete {
            for (k, p) in key.as_bytes_mut().iter_mut().zip(part.as_bytes()) {
                *k ^= p;
            }
        }
        key
    };
    let completes = matches!(step, Step::Last | Step::Complete);
    // COMPLETE adds no part, so its caller does not count.
    let custodians = if step == Step::Complete {
        before
    } else {
        before.with(caller)
    };
    if completes && custodians.count() < 2 && !dual::single_custodian_allowed(&acp) {
        return Err(Error::KeyPartsOneCustodian);
    }
    if completes && key.has_replicated_halves() && !acp.enabled(points::KPI_UNRESTRICTED) {
        return Err(Error::ReplicatedHalves);
    }
    let skeleton = token.without_key().with_cv(&cv.with_key_part(!completes));
    let new = cp.wrap(&skeleton, &key)?;
    if !key.has_odd_parity() {
        notes.warn(Warning::KeyParity);
    }
    let record = (!completes).then_some(custodians);
    Ok((new, record))
}
