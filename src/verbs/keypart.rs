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
use crate::audit::Operation;
use crate::codes::{Notes, Warning};
use crate::crypto::LockedKey;
use crate::error::{Error, Result};
use crate::hex::hex;
use crate::label::KeyId;
use crate::rule_array::{RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::AcpConfig;
use crate::state::acp::points;
use crate::state::ckds::PartLedger;
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
/// `None` when `id` was a label (the CKDS record was updated). Audited (event `KEY-PART`,
/// docs/audit.md): the step, the logged-on user, the digests of the token given and made.
///
/// Dual control (docs/CSNBKPI.md, D69, D71): with X'F040' off every step needs a logon; the
/// record of the partial token a step continues is used up in the step's transaction and its
/// successor's written in the same one (a label: with the CKDS record too).
pub fn import(
    cp: &Coprocessor,
    rules: &RuleArray,
    key_part: &[u8; 16],
    id: &[u8; 64],
    notes: &mut Notes,
) -> Result<Option<[u8; 64]>> {
    let mut rec = Operation::begin(cp.audit(), "KEY-PART")?;
    let outcome = import_audited(cp, rules, key_part, id, notes, &mut rec);
    rec.finish(outcome, notes.codes())
}

fn import_audited(
    cp: &Coprocessor,
    rules: &RuleArray,
    key_part: &[u8; 16],
    id: &[u8; 64],
    notes: &mut Notes,
    rec: &mut Operation<'_>,
) -> Result<Option<[u8; 64]>> {
    let step = step(rules)?;
    rec.with("step", step_name(step));
    // The role first: revalidation in acp() can end this thread's logon, and the caller is
    // read after it.
    let acp = cp.acp()?;
    let caller = dual::caller(cp);
    if let Some(user) = &caller {
        rec.with("user", user.trim_ascii_end());
    }
    let single = dual::single_custodian_allowed(&acp);
    let mut digests = ([0u8; 32], None);
    let call = Call {
        cp,
        acp: &acp,
        step,
        key_part,
        caller,
    };
    let out = match KeyId::classify(id)? {
        KeyId::Token(t) => {
            let token = InternalToken::parse(t)?;
            digests.0 = dual::token_digest(t);
            let new = if single {
                call.apply(&token, None, notes)?
            } else {
                cp.ckds()
                    .with_parts(|ledger| call.apply(&token, Some(ledger), notes))?
            };
            digests.1 = Some(dual::token_digest(new.as_bytes()));
            Some(*new.as_bytes())
        }
        // Read, combine and write back in one CKDS transaction, the custody records with it: a
        // part another process adds to the same record at the same moment is not lost, and a
        // process killed in the middle leaves the old token and its record.
        KeyId::Label(label) => {
            rec.with("label", label.as_str());
            cp.ckds().update_with_parts(&label, |old, ledger| {
                digests.0 = dual::token_digest(old);
                let new = call.apply(&InternalToken::parse(old)?, Some(ledger), notes)?;
                digests.1 = Some(dual::token_digest(new.as_bytes()));
                Ok(*new.as_bytes())
            })?;
            None
        }
    };
    rec.with("token", hex(&digests.0));
    if let Some(d) = digests.1 {
        rec.with("new_token", hex(&d));
    }
    Ok(out)
}

/// The step's name in the audit record.
fn step_name(step: Step) -> &'static str {
    match step {
        Step::First => "FIRST",
        Step::AddPart => "ADD-PART",
        Step::Middle => "MIDDLE",
        Step::Last => "LAST",
        Step::Complete => "COMPLETE",
    }
}

/// One CSNBKPI call: its step, part and caller, under the effective role `acp`.
struct Call<'a> {
    cp: &'a Coprocessor,
    acp: &'a AcpConfig,
    step: Step,
    key_part: &'a [u8; 16],
    caller: Option<Name8>,
}

impl Call<'_> {
    /// The step on a parsed token: the new token. With dual control (`ledger`: the custody
    /// records, in the transaction of the step; `None` only when X'F040' is on) the record of
    /// `token` is used up and, for a partial result, the new token's written.
    fn apply(
        &self,
        token: &InternalToken,
        ledger: Option<&PartLedger<'_, '_>>,
        notes: &mut Notes,
    ) -> Result<InternalToken> {
        let (cp, acp, step) = (self.cp, self.acp, self.step);
        let cv = token.cv();
        let len = token.check_cv(KeyUse::KeyPart)?;
        if len > self.key_part.len() {
            return Err(Error::CvViolation);
        }
        if !cv.is_key_part() {
            return Err(match step {
                Step::First => Error::CvViolation,
                Step::Complete => Error::KeyCannotComplete,
                _ => Error::KeyAlreadyComplete,
            });
        }
        acp.require(match step {
            Step::First => points::KPI_FIRST,
            Step::AddPart => points::KPI_ADD_PART,
            Step::Middle | Step::Last => points::KPI_COMBINE,
            Step::Complete => points::KPI_COMPLETE,
        })?;
        // The part and the key it combines into live in locked pages, filled in place: no
        // by-value copy of either (what the compiler still spills, the C boundary scrubs).
        let part = LockedKey::from_slice(&self.key_part[..len]).ok_or(Error::Internal)?;
        let key = if step == Step::First {
            LockedKey::from_slice(part.as_bytes()).ok_or(Error::Internal)?
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
        let custodians = if dual::single_custodian_allowed(acp) {
            None
        } else {
            let ledger = ledger.ok_or(Error::Internal)?;
            Some(self.custodians(token, part.as_bytes(), ledger)?)
        };
        if completes && custodians.as_ref().is_some_and(|c| c.count() < 2) {
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
        // The record is committed with the step: a process killed before the token is handed
        // back leaves a record for a token nobody holds, never a token without one.
        if let (Some(c), Some(l), false) = (&custodians, ledger, completes) {
            l.put(
                &dual::token_digest(new.as_bytes()),
                c,
                &*cp.part_record_key(&new.mkvp())?,
            )?;
        }
        Ok(new)
    }

    /// Dual control (X'F040' off): the profiles that loaded the parts of the token this step
    /// makes. The caller must be logged on; every step but FIRST uses up the record of `token`
    /// (none: refused) and, when it adds `part`, must come from a profile not on it and add key
    /// bits to every 8-byte segment; FIRST's part too. COMPLETE adds no part: its caller does
    /// not count.
    fn custodians(
        &self,
        token: &InternalToken,
        part: &[u8],
        ledger: &PartLedger<'_, '_>,
    ) -> Result<Custodians> {
        let user = self.caller.ok_or(Error::KeyPartNoCustody)?;
        let before = if self.step == Step::First {
            Custodians::none()
        } else {
            let b = ledger.take(
                &dual::token_digest(token.as_bytes()),
                &*self.cp.part_record_key(&token.mkvp())?,
            )?;
            if b.is_empty() {
                return Err(Error::KeyPartNoCustody);
            }
            b
        };
        if self.step == Step::Complete {
            return Ok(before);
        }
        if before.contains(&user) {
            return Err(Error::KeyPartSameCustodian);
        }
        if dual::is_null_part(part) {
            return Err(Error::KeyPartNull);
        }
        Ok(before.with(Some(user)))
    }
}
