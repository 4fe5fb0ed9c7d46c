//! The verbs that join custody sets to a state directory (family `CSUC`,
//! docs/custody.md): Bind Directory (CSUCBND), Activate (CSUCACT), Partition
//! Bind (CSUCPBD) and Authorise (CSUCAUT). Each collects M cards of a set, one per call, with
//! the one recombination path ([`crate::custody::collect::step`]), and with the M-th card
//! hands the recombined secret to [`crate::custody::directory`]; the secret never leaves the
//! library and is dropped (zeroized) before the call returns.

use super::set::CardStep;
use crate::custody::ceremony::{CeremonyBuffer, Step};
use crate::custody::collect::{self, Progress};
use crate::custody::directory::{self, MAX_EXPIRY_S};
use crate::custody::{Secret, SecretKind};
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::{keyring, partition};

/// What the recombined secret is used for.
#[derive(Clone, Copy)]
pub enum Use<'a> {
    /// CSUCBND: bind the directory to the SVMK (and activate it).
    Bind,
    /// CSUCACT: activate the bound directory.
    Activate,
    /// CSUCPBD: bind the directory to the partition secret with this password.
    PartitionBind(&'a [u8]),
    /// CSUCAUT: authorise the partition with this password, for this many seconds
    /// (`None`: until deauthorised, deactivated or a reboot).
    Authorise(&'a [u8], Option<u32>),
}

impl Use<'_> {
    /// The verb name (it binds the ceremony buffer to the verb).
    pub fn verb(&self) -> &'static str {
        match self {
            Use::Bind => "CSUCBND",
            Use::Activate => "CSUCACT",
            Use::PartitionBind(_) => "CSUCPBD",
            Use::Authorise(..) => "CSUCAUT",
        }
    }

    /// The kind of set whose cards this verb takes.
    pub fn kind(&self) -> SecretKind {
        match self {
            Use::Bind | Use::Activate => SecretKind::ServerMasterKey,
            Use::PartitionBind(_) | Use::Authorise(..) => SecretKind::Partition,
        }
    }

    /// What can be refused before any card is touched: the password's syntax, the expiry's
    /// range, the directory's binding (already bound, not bound, `softcca.id` and
    /// `masterkey.db` disagreeing for activation and authorisation, the SVMK not active for a
    /// partition binding of a bound directory) and, for the verbs that put a secret in it, the
    /// kernel keyring ([`Error::KeyringUnavailable`]).
    fn precheck(&self, cp: &Coprocessor) -> Result<()> {
        self.precheck_binding(cp)?;
        if !matches!(self, Use::PartitionBind(_)) {
            keyring::get_persistent()?;
        }
        Ok(())
    }

    fn precheck_binding(&self, cp: &Coprocessor) -> Result<()> {
        let store = cp.master_key_store();
        // A binding may complete one that softcca.id records and masterkey.db does not hold
        // yet (docs/custody.md §7.3); activation and authorisation need the two to agree.
        let binding = match self {
            Use::Bind | Use::PartitionBind(_) => store.binding()?,
            Use::Activate | Use::Authorise(..) => store.checked_binding()?,
        };
        match self {
            Use::Bind if binding.svmk.is_some() => Err(Error::DirectoryAlreadyBound),
            Use::Activate if binding.svmk.is_none() => Err(Error::DirectoryNotBound),
            Use::PartitionBind(pw) => {
                partition::check_password(pw)?;
                if binding.partition.is_some() {
                    return Err(Error::PartitionAlreadyBound);
                }
                // The registers are sealed again committing to the partition: the SVMK must
                // be active.
                if let Some(check) = &binding.svmk {
                    cp.register_key(check)?;
                }
                Ok(())
            }
            Use::Authorise(pw, expiry) => {
                partition::check_password(pw)?;
                if matches!(expiry, Some(s) if *s == 0 || *s > MAX_EXPIRY_S) {
                    return Err(Error::AuthorisationExpiry);
                }
                if binding.partition.is_none() {
                    return Err(Error::PartitionNotBound);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Hands the recombined secret to the directory.
    fn apply(&self, cp: &Coprocessor, secret: &Secret, kind: SecretKind) -> Result<()> {
        match *self {
            Use::Bind => directory::bind(cp, secret, kind),
            Use::Activate => directory::activate(cp, secret),
            Use::PartitionBind(pw) => directory::bind_partition(cp, secret, kind, pw),
            Use::Authorise(pw, expiry) => directory::authorise(cp, secret, pw, expiry),
        }
    }
}

/// One card of a Bind / Activate / Partition Bind / Authorise ceremony: `FIRST` starts with
/// this card, `NEXT` goes on with `buffer`. Until the M-th card, returns the buffer (phase
/// `READ`); with it, recombines and checks the secret, applies `what` to the directory and
/// returns the buffer in phase `DONE`. Any refusal (of the card, or of the directory step
/// with the M-th card: a wrong password, the wrong set) is an error, and the caller's
/// previous buffer stays valid: the ceremony goes on from it.
pub fn step(
    cp: &Coprocessor,
    what: Use<'_>,
    step: Step,
    buffer: &CeremonyBuffer,
    card: &CardStep<'_>,
) -> Result<Box<CeremonyBuffer>> {
    what.precheck(cp)?;
    let sets = cp.sets()?;
    let kind = what.kind();
    match collect::step(
        sets,
        what.verb(),
        Some(kind),
        step,
        buffer,
        card.reader,
        card.pin,
    )? {
        Progress::More(next) => Ok(next),
        Progress::Done { secret, set, done } => {
            // Sealed only once the directory step succeeded: after a refusal (a wrong
            // password) the caller's last buffer still takes the M-th card again.
            what.apply(cp, &secret, set.spec.kind)?;
            done.seal()
        }
    }
}
