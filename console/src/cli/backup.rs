//! `backup` and `restore` of the state directory (the library's Directory Backup and Restore
//! verbs).

use std::path::PathBuf;

use clap::Args;

use crate::error::ConsoleError;
use crate::report::Report;

/// `backup DIR`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new directory to write the backup into (must not exist).
    pub dir: PathBuf,
}

/// `restore DIR`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup of this state directory.
    pub dir: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// `backup`.
pub fn backup(a: &BackupArgs) -> Result<Report, ConsoleError> {
    let _ = a;
    Err(ConsoleError::Refused("backup is not built yet".into()))
}

/// `restore`.
pub fn restore(a: &RestoreArgs) -> Result<Report, ConsoleError> {
    let _ = a;
    Err(ConsoleError::Refused("restore is not built yet".into()))
}
