//! `key …`: records of the CKDS (CSNBKRL, CSNBKRR, CSNBKRD).

use clap::Subcommand;

use crate::error::ConsoleError;
use crate::report::Report;

/// The key-record commands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// The labels of the CKDS.
    List,
}

/// Runs a key-record command.
pub fn run(cmd: &KeyCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    Err(ConsoleError::Refused(
        "key commands are not built yet".into(),
    ))
}
