//! Master Key Process (CSNBMKP) for the DES (SYM-MK) registers.
//!
//! IBM Docs, CCA for Linux on IBM Z, "Master Key Process (CSNBMKP)" (`wskc_r_mkp`,
//! `wskc_r_mkpparameters`, `wskc_r_mkprequired`) and CCA 2.54 p. 2-32..2-36: `CLEAR` empties the
//! new-master-key register; `FIRST` loads the first 24-byte part into an empty register;
//! `MIDDLE` and `LAST` XOR further parts into a partially full register (`LAST` makes it full,
//! odd-parity adjusted); `RANDOM` fills an empty register with a random key; `SET` moves
//! current → old and new → current and empties the new register. A register in the wrong
//! state gives 8/707; a weak DES third 8/703; SET with the current key again 8/704. A part
//! without odd parity warns 0/702; a full key with two equal thirds warns 0/701.
//!
//! Dual control (docs/decisions.md D70, [`crate::access::dual`]): FIRST, MIDDLE and LAST record
//! the profile that loaded each part of the new register, RANDOM the one that generated it;
//! LAST is refused (8/X'F331') unless two profiles loaded parts, SET (8/X'F332') unless two
//! profiles loaded parts or another profile than RANDOM's sets it. With X'F040' off, FIRST,
//! MIDDLE, LAST and RANDOM also need a logon, MIDDLE and LAST a register a logged-on FIRST
//! started (8/X'F335'), a profile loads one part (8/X'F333') and a part must have key bits in
//! every third (8/X'F334'; D71). X'F040' lifts all of them.
//!
//! Every call is audited (docs/audit.md §1) as event `MASTER-KEY`: the log is probed before
//! the registers are touched, and the record names the step and, after a change, each
//! register's state and MKVP (`d.new=full d.new_mkvp=… d.current_mkvp=… d.old_mkvp=…`);
//! never a key part.

use crate::access::dual::{self, Loaders};
use crate::audit::Operation;
use crate::codes::{Notes, Warning};
use crate::crypto::ct::ct_eq;
use crate::crypto::{ClearKey, LockedKey, parity, rng, weak};
use crate::error::{Error, Result};
use crate::hex::hex;
use crate::rule_array::{Group, Keyword, RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::state::masterkey::{MasterKey, NewRegister, Registers};

const ADAPTER: &[Keyword] = &[kw("ADAPTER"), kw("ADAPTER1")];
const CLASS: &[Keyword] = &[kw("SYM-MK")];
static PROCESS: Table<Step, 6> = Table::new([
    (kw("CLEAR"), Step::Clear),
    (kw("FIRST"), Step::First),
    (kw("MIDDLE"), Step::Middle),
    (kw("LAST"), Step::Last),
    (kw("RANDOM"), Step::Random),
    (kw("SET"), Step::Set),
]);

/// The processing step of one CSNBMKP call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Clear the new-master-key register.
    Clear,
    /// Load the first key part.
    First,
    /// XOR an intermediate part.
    Middle,
    /// XOR the last part.
    Last,
    /// Generate a random new master key.
    Random,
    /// Promote new → current → old.
    Set,
}

/// Parses the rule array: optional `ADAPTER`, optional `SYM-MK` (the only register class this
/// library has), one process keyword.
pub fn step(rules: &RuleArray) -> Result<Step> {
    let [_, _, p] = rules.resolve(&[
        Group::optional(ADAPTER),
        Group::optional(CLASS),
        PROCESS.required(),
    ])?;
    PROCESS.value(p).ok_or(Error::MissingKeyword)
}

fn check_full_key(key: &ClearKey, notes: &mut Notes) -> Result<()> {
    let parts = zeroize::Zeroizing::new([key.part(0), key.part(1), key.part(2)]);
    if parts.iter().fold(false, |acc, p| acc | weak::is_weak(p)) {
        return Err(Error::WeakMasterKey);
    }
    // Constant time in the key: all three comparisons always run.
    let dup =
        ct_eq(&parts[0], &parts[1]) | ct_eq(&parts[1], &parts[2]) | ct_eq(&parts[0], &parts[2]);
    if dup {
        notes.warn(Warning::MasterKeyDuplicateThirds);
    }
    Ok(())
}

/// The step's name in the audit record.
fn step_name(step: Step) -> &'static str {
    match step {
        Step::Clear => "CLEAR",
        Step::First => "FIRST",
        Step::Middle => "MIDDLE",
        Step::Last => "LAST",
        Step::Random => "RANDOM",
        Step::Set => "SET",
    }
}

/// The registers as the audit record names them: states and MKVPs, no key byte.
fn register_details(regs: &Registers) -> Vec<(&'static str, String)> {
    let mkvp = |k: Option<&MasterKey>| k.map_or_else(|| "none".into(), |k| hex(&k.mkvp));
    let (new, new_mkvp) = match &regs.new {
        NewRegister::Empty => ("empty", None),
        NewRegister::Partial(_) => ("partial", None),
        NewRegister::Full(k) => ("full", Some(k)),
    };
    vec![
        ("new", new.into()),
        ("new_mkvp", mkvp(new_mkvp)),
        ("current_mkvp", mkvp(regs.current.as_ref())),
        ("old_mkvp", mkvp(regs.old.as_ref())),
    ]
}

/// CSNBMKP with a parsed rule array and the 24-byte key part; audited (event `MASTER-KEY`).
pub fn process(
    cp: &Coprocessor,
    rules: &RuleArray,
    key_part: &[u8; 24],
    notes: &mut Notes,
) -> Result<()> {
    let mut rec = Operation::begin(cp.audit(), "MASTER-KEY")?;
    let outcome = change(cp, rules, key_part, notes, &mut rec);
    rec.finish(outcome, notes.codes())
}

fn change(
    cp: &Coprocessor,
    rules: &RuleArray,
    key_part: &[u8; 24],
    notes: &mut Notes,
    rec: &mut Operation<'_>,
) -> Result<()> {
    let step = step(rules)?;
    rec.with("step", step_name(step));
    let acp = cp.acp()?;
    acp.require(match step {
        Step::Clear => points::MK_CLEAR_NEW,
        Step::First => points::MK_LOAD_FIRST,
        Step::Middle | Step::Last => points::MK_COMBINE,
        Step::Random => points::MK_RANDOM,
        Step::Set => points::MK_SET,
    })?;
    if matches!(step, Step::First | Step::Middle | Step::Last) && !parity::is_odd(key_part) {
        notes.warn(Warning::MasterKeyPartParity);
    }
    // Dual control (docs/CSNBMKP.md): who loads each part, who generates, who sets.
    let caller = dual::caller(cp);
    let single = dual::single_custodian_allowed(&acp);
    if let Some(user) = &caller {
        rec.with("user", user.trim_ascii_end());
    }
    // Straight into a locked page: FIRST keeps it as the partial register.
    let part = LockedKey::from_slice(key_part).ok_or(Error::BadLength)?;
    cp.master_key_store()
        .update(|regs| {
            match step {
                Step::Clear => {
                    regs.new = NewRegister::Empty;
                    regs.new_loaders = Loaders::default();
                }
                Step::First => match regs.new {
                    NewRegister::Empty => {
                        if !single {
                            caller.ok_or(Error::KeyPartNoCustody)?;
                            if dual::is_null_part(key_part) {
                                return Err(Error::KeyPartNull);
                            }
                        }
                        regs.new = NewRegister::Partial(part);
                        regs.new_loaders = Loaders::default().with_part(caller);
                    }
                    _ => return Err(Error::MasterKeyRegisterState),
                },
                Step::Middle | Step::Last => {
                    let NewRegister::Partial(acc) = &mut regs.new else {
                        return Err(Error::MasterKeyRegisterState);
                    };
                    // Dual control (D71): a logon, a register a logged-on FIRST started, one
                    // part per profile (two equal parts would cancel), key bits in every third.
                    if !single {
                        let user = caller.ok_or(Error::KeyPartNoCustody)?;
                        match &regs.new_loaders {
                            Loaders::Parts(c) if !c.is_empty() => {
                                if c.contains(&user) {
                                    return Err(Error::KeyPartSameCustodian);
                                }
                            }
                            _ => return Err(Error::KeyPartNoCustody),
                        }
                        if dual::is_null_part(key_part) {
                            return Err(Error::KeyPartNull);
                        }
                    }
                    for (a, p) in acc.as_bytes_mut().iter_mut().zip(part.as_bytes()) {
                        *a ^= p;
                    }
                    regs.new_loaders = regs.new_loaders.with_part(caller);
                    if step == Step::Last {
                        // Parts: settable only when two profiles loaded them.
                        if !single && !regs.new_loaders.may_set(None) {
                            return Err(Error::MasterKeyPartsOneCustodian);
                        }
                        let mut full =
                            LockedKey::from_slice(acc.as_bytes()).ok_or(Error::Internal)?;
                        full.adjust_parity();
                        check_full_key(&full, notes)?;
                        regs.new = NewRegister::Full(MasterKey::new(full));
                    }
                }
                Step::Random => {
                    if !matches!(regs.new, NewRegister::Empty) {
                        return Err(Error::MasterKeyRegisterState);
                    }
                    if !single && caller.is_none() {
                        return Err(Error::KeyPartNoCustody);
                    }
                    let key = loop {
                        let mut k = LockedKey::zeroed(24).ok_or(Error::Internal)?;
                        rng::fill(k.as_bytes_mut())?;
                        k.adjust_parity();
                        let mut scratch = Notes::default();
                        if check_full_key(&k, &mut scratch).is_ok() && scratch.warning().is_none() {
                            break k;
                        }
                    };
                    regs.new = NewRegister::Full(MasterKey::new(key));
                    regs.new_loaders = Loaders::Random(caller);
                }
                Step::Set => {
                    let NewRegister::Full(new) =
                        core::mem::replace(&mut regs.new, NewRegister::Empty)
                    else {
                        return Err(Error::MasterKeyRegisterState);
                    };
                    if !single && !regs.new_loaders.may_set(caller.as_ref()) {
                        return Err(Error::MasterKeySetOneCustodian);
                    }
                    regs.new_loaders = Loaders::default();
                    if regs.current.as_ref().is_some_and(|c| c.mkvp == new.mkvp) {
                        return Err(Error::MasterKeySameAsCurrent);
                    }
                    regs.old = regs.current.take();
                    regs.current = Some(new);
                }
            }
            Ok(register_details(regs))
        })?
        .into_iter()
        .for_each(|(k, v)| rec.with(k, v));
    Ok(())
}
