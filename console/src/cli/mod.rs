//! The command line: `softcca-console [OPTIONS] <COMMAND>`, one process per command (or a
//! file of commands with `run`), the same calls as the menu.
//!
//! A logon (`--user`) is made before the command and ends with the process: the library keeps
//! a logon per thread of a process (CSUALCT), so a logon cannot outlive the program that made
//! it. `run` executes many commands in one process: its `logon` and `logoff` lines change the
//! logon for the lines that follow.

pub mod access;
pub mod audit;
pub mod backup;
pub mod card;
pub mod custody;
pub mod dual;
pub mod key;
pub mod mk;
pub mod session;
pub mod set;
pub mod status;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::ConsoleError;
use crate::report::Report;

/// softcca's operator console: operator cards, custody sets, the master key, the CKDS, roles,
/// profiles, the audit log and backups of a state directory.
#[derive(Debug, Parser)]
#[command(name = "softcca-console", version, about, long_about = None)]
pub struct Cli {
    /// The state directory (default: $SOFTCCA_HOME, then the library's default).
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Print one JSON object on standard output instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(flatten)]
    pub logon: session::LogonArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The full-screen menu (the default on a terminal when no command is given).
    Menu,
    /// The directory, its protection, the master-key registers and the logon.
    Status,
    /// The PC/SC readers and whether each holds a card.
    Readers,
    /// Operator cards: inspect, get-label, change-pin, erase, copy.
    #[command(subcommand)]
    Card(card::CardCommand),
    /// Custody sets of operator cards: create, copy, verify, status.
    #[command(subcommand)]
    Set(set::SetCommand),
    /// Bind the directory to a server master key set (M cards).
    Bind(custody::BindArgs),
    /// Activate a bound directory with M cards of its set.
    Activate(custody::CardsArgs),
    /// Deactivate the directory (the SVMK leaves the keyring).
    Deactivate,
    /// Bind the directory to a partition set (M cards) and a password.
    PartitionBind(custody::PartitionBindArgs),
    /// Authorise the directory's partition with M cards and its password.
    Authorize(custody::AuthorizeArgs),
    /// End the partition's authorisation.
    Deauthorize,
    /// The master-key registers: status, load-parts, clear, set, change.
    #[command(subcommand)]
    Mk(mk::MkCommand),
    /// Key records of the CKDS: list, show, delete.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Access-control points of a role: show, set.
    #[command(subcommand)]
    Acp(access::AcpCommand),
    /// Roles: list, show, delete.
    #[command(subcommand)]
    Role(access::RoleCommand),
    /// User profiles: list, show, add, delete, reset, expire, passphrase.
    #[command(subcommand)]
    Profile(access::ProfileCommand),
    /// Log on (with --user) and show the profile; in `run`, for the lines after it.
    Logon,
    /// End the logon (in `run` and the menu; a process's logon also ends with it).
    Logoff,
    /// The audit log: tail, verify.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// A consistent online backup of the state directory into a new directory.
    Backup(backup::BackupArgs),
    /// Restore the state directory from a backup of this same directory.
    Restore(backup::RestoreArgs),
    /// Run console commands from a file (`-`: standard input), one per line, in one process.
    Run(session::RunArgs),
}

/// Runs one parsed command line (the logon of `--user` first).
pub fn execute(cli: &Cli) -> Result<Report, ConsoleError> {
    let Some(command) = &cli.command else {
        return Err(ConsoleError::Usage(
            "no command given (try --help, or `menu` on a terminal)".into(),
        ));
    };
    let _logon = session::Logon::begin(&cli.logon)?;
    dispatch(command, cli)
}

fn dispatch(command: &Command, cli: &Cli) -> Result<Report, ConsoleError> {
    // --logon-fd serves --user, or the custodians a master-key ceremony logs on itself.
    let custodians = matches!(
        command,
        Command::Mk(mk::MkCommand::LoadParts(a) | mk::MkCommand::Change { load: a, .. })
            if !a.custodians.is_empty()
    );
    if cli.logon.logon_fd.is_some() && cli.logon.user.is_none() && !custodians {
        return Err(ConsoleError::Usage(
            "--logon-fd needs --user USER (or, for mk load-parts and mk change, --custodian USER)"
                .into(),
        ));
    }
    match command {
        Command::Menu => Err(ConsoleError::Usage(
            "`menu` needs a terminal; it cannot run inside `run`".into(),
        )),
        Command::Status => status::status(),
        Command::Readers => status::readers(),
        Command::Card(c) => card::run(c),
        Command::Set(c) => set::run(c),
        Command::Bind(a) => custody::bind(a),
        Command::Activate(a) => custody::activate(a),
        Command::Deactivate => custody::deactivate(),
        Command::PartitionBind(a) => custody::partition_bind(a),
        Command::Authorize(a) => custody::authorize(a),
        Command::Deauthorize => custody::deauthorize(),
        Command::Mk(c) => mk::run(c, &cli.logon),
        Command::Key(c) => key::run(c),
        Command::Acp(c) => access::acp(c),
        Command::Role(c) => access::role(c),
        Command::Profile(c) => access::profile(c),
        Command::Logon => session::logon(&cli.logon),
        Command::Logoff => session::logoff(),
        Command::Audit(c) => audit::run(c, cli.json),
        Command::Backup(a) => backup::backup(a),
        Command::Restore(a) => backup::restore(a),
        Command::Run(a) => session::run_file(a, cli.json),
    }
}

/// Reads `--yes` or asks on the terminal before a change that cannot be undone.
pub fn confirm(yes: bool, what: &str) -> Result<(), ConsoleError> {
    if yes {
        return Ok(());
    }
    let answer =
        crate::secret::ask_terminal(&format!("{what} Type YES to go on")).map_err(|_| {
            ConsoleError::Usage(format!(
                "{what} Not confirmed: give --yes, or run it on a terminal"
            ))
        })?;
    if answer.trim() == "YES" {
        Ok(())
    } else {
        Err(ConsoleError::Refused(
            "not confirmed: nothing was changed".into(),
        ))
    }
}
