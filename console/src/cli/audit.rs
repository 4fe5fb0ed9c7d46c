//! `audit …`: the audit log (its records, and CSUAAVF to verify its chain).

use clap::Subcommand;

use crate::error::ConsoleError;
use crate::report::Report;

/// The audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the audit log's chain (CSUAAVF).
    Verify,
}

/// Runs an audit command.
pub fn run(cmd: &AuditCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    Err(ConsoleError::Refused(
        "audit commands are not built yet".into(),
    ))
}
