//! `bind`, `activate`, `deactivate`, `partition-bind`, `authorize`, `deauthorize` (CSUCBND,
//! CSUCACT, CSUADAC, CSUCPBD, CSUCAUT, CSUADAU): the state directory's custody steps.
//!
//! The card steps run the ceremony of [`super::set`] (one card per call); the partition
//! password is read before the first card (from `--password-fd` or the terminal; a new one,
//! for `partition-bind`, twice on the terminal). With one descriptor for both, the password
//! is its first line and the PINs follow.

use clap::Args;
use serde_json::json;

use super::set::{Cards, Ceremony, Op, drive};
use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};
use crate::secret::{self, Source};

/// The cards of a custody step.
pub type CardsArgs = Cards;

/// `bind`.
#[derive(Debug, Args)]
pub struct BindArgs {
    #[command(flatten)]
    pub cards: Cards,
    /// Do not ask for a confirmation (binding is done once; there is no unbinding).
    #[arg(long)]
    pub yes: bool,
}

/// `partition-bind`.
#[derive(Debug, Args)]
pub struct PartitionBindArgs {
    #[command(flatten)]
    pub cards: Cards,
    /// Read the new partition password from this file descriptor (default: the terminal,
    /// twice).
    #[arg(long, value_name = "FD")]
    pub password_fd: Option<i32>,
    /// Do not ask for a confirmation (a directory is bound to one partition, once).
    #[arg(long)]
    pub yes: bool,
}

/// `authorize`.
#[derive(Debug, Args)]
pub struct AuthorizeArgs {
    #[command(flatten)]
    pub cards: Cards,
    /// Read the partition password from this file descriptor (default: the terminal).
    #[arg(long, value_name = "FD")]
    pub password_fd: Option<i32>,
    /// The authorisation ends after this many seconds (0: at deauthorize, deactivate or a
    /// reboot; at most 31536000).
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    pub expiry: i32,
}

/// `bind`.
pub fn bind(a: &BindArgs) -> Result<Report, ConsoleError> {
    super::confirm(
        a.yes,
        "Bind this directory to a server master key set: the master-key registers are sealed \
         under it for good (there is no unbinding).",
    )?;
    with_protection(drive(&mut Ceremony::new(Op::Bind), &a.cards, &[])?)
}

/// `activate`.
pub fn activate(a: &Cards) -> Result<Report, ConsoleError> {
    with_protection(drive(&mut Ceremony::new(Op::Activate), a, &[])?)
}

/// `partition-bind`.
pub fn partition_bind(a: &PartitionBindArgs) -> Result<Report, ConsoleError> {
    super::confirm(
        a.yes,
        "Bind this directory to a partition set and password, once for good.",
    )?;
    let pw = super::card::new_secret(Source::from_fd(a.password_fd), "New partition password")?;
    with_protection(drive(
        &mut Ceremony::new(Op::PartitionBind(pw)),
        &a.cards,
        &[],
    )?)
}

/// `authorize`.
pub fn authorize(a: &AuthorizeArgs) -> Result<Report, ConsoleError> {
    let pw = secret::read(Source::from_fd(a.password_fd), "Partition password")?;
    with_protection(drive(
        &mut Ceremony::new(Op::Authorise(pw, a.expiry)),
        &a.cards,
        &[],
    )?)
}

/// `deactivate`.
pub fn deactivate() -> Result<Report, ConsoleError> {
    cca::custody::deactivate()?;
    with_protection(Report::new(
        "The directory is deactivated: its server master key left the keyring.",
        json!({ "deactivated": true }),
    ))
}

/// `deauthorize`.
pub fn deauthorize() -> Result<Report, ConsoleError> {
    cca::custody::deauthorise()?;
    with_protection(Report::new(
        "The partition's authorisation ended.",
        json!({ "deauthorised": true }),
    ))
}

/// A report with the directory's protection after the step (CSUACFQ STATPROT).
fn with_protection(mut r: Report) -> Result<Report, ConsoleError> {
    let p = cca::facility::protection()?;
    if !r.text.is_empty() && !r.text.ends_with('\n') {
        r.text.push('\n');
    }
    r.text.push_str(&table([
        ("Binding", p.binding.clone()),
        ("Activation", p.activation.clone()),
        ("Partition", p.partition.clone()),
        ("Authorisation", p.authorisation.clone()),
    ]));
    r.json["protection"] = json!({
        "binding": p.binding, "activation": p.activation, "partition": p.partition,
        "authorisation": p.authorisation, "svmk_check_value": p.svmk_check,
        "partition_check_value": p.partition_check,
    });
    Ok(r)
}
