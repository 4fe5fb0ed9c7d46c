//! `set …`: custody sets of operator cards (CSUCSVK, CSUCPAS, CSUCCST, CSUCVST, CSUCSST).

use clap::Subcommand;

use crate::error::ConsoleError;
use crate::report::Report;

/// The set commands.
#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// The custody sets recorded in the directory.
    Status,
}

/// Runs a set command.
pub fn run(cmd: &SetCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    Err(ConsoleError::Refused(
        "set commands are not built yet".into(),
    ))
}
