//! `mk …`: the master-key registers (CSUACFQ STATMKVP, CSNBMKP, and CSNBKTC RTCMK over the
//! CKDS for `mk change`).

use clap::Subcommand;

use crate::error::ConsoleError;
use crate::report::Report;

/// The master-key commands.
#[derive(Debug, Subcommand)]
pub enum MkCommand {
    /// The new, current and old registers and their MKVPs.
    Status,
}

/// Runs a master-key command.
pub fn run(cmd: &MkCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    Err(ConsoleError::Refused(
        "mk commands are not built yet".into(),
    ))
}
