//! `bind`, `activate`, `deactivate`, `authorize`, `deauthorize` (CSUCBND, CSUCACT, CSUADAC,
//! CSUCAUT, CSUADAU).

use clap::Args;

use crate::error::ConsoleError;
use crate::report::Report;

/// The cards of a custody step: one reader per card, or one reader given M times (the card is
/// changed between them).
#[derive(Debug, Args)]
pub struct CardsArgs {
    /// A reader holding one card of the set; repeat it for each card.
    #[arg(long = "reader", required = true)]
    pub readers: Vec<String>,
    /// Read the cards' PINs from this file descriptor, one line per card in order.
    #[arg(long, value_name = "FD")]
    pub pin_fd: Option<i32>,
}

/// `bind`.
#[derive(Debug, Args)]
pub struct BindArgs {
    #[command(flatten)]
    pub cards: CardsArgs,
}

/// `authorize`.
#[derive(Debug, Args)]
pub struct AuthorizeArgs {
    #[command(flatten)]
    pub cards: CardsArgs,
    /// Read the partition password from this file descriptor (default: the terminal).
    #[arg(long, value_name = "FD")]
    pub password_fd: Option<i32>,
}

fn not_yet() -> Result<Report, ConsoleError> {
    Err(ConsoleError::Refused(
        "custody commands are not built yet".into(),
    ))
}

/// `bind`.
pub fn bind(a: &BindArgs) -> Result<Report, ConsoleError> {
    let _ = a;
    not_yet()
}

/// `activate`.
pub fn activate(a: &CardsArgs) -> Result<Report, ConsoleError> {
    let _ = a;
    not_yet()
}

/// `deactivate`.
pub fn deactivate() -> Result<Report, ConsoleError> {
    not_yet()
}

/// `authorize`.
pub fn authorize(a: &AuthorizeArgs) -> Result<Report, ConsoleError> {
    let _ = a;
    not_yet()
}

/// `deauthorize`.
pub fn deauthorize() -> Result<Report, ConsoleError> {
    not_yet()
}
