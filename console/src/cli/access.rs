//! `acp …`, `role …`, `profile …` (CSUAACM, CSUAACI).

use clap::Subcommand;
use serde_json::json;

use crate::cca;
use crate::error::ConsoleError;
use crate::profile::{self, Date};
use crate::report::Report;
use crate::secret::{self, Secret, Source};

/// Access-control point commands.
#[derive(Debug, Subcommand)]
pub enum AcpCommand {
    /// The points of a role.
    Show,
}

/// Role commands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// The roles of the directory.
    List,
}

/// Profile commands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a user profile (CSUAACI INIT-AC): the directory's first one needs no logon and
    /// must be of a role that administers access control (SECOFF).
    Add {
        /// The user id (1-8 characters A-Z 0-9 @ # $ _ -).
        user: String,
        /// The profile's role (e.g. SECOFF, KEYCUST, CUSTODY).
        #[arg(long)]
        role: String,
        /// A comment kept with the profile (at most 20 characters).
        #[arg(long, default_value = "")]
        comment: String,
        /// First day the profile may log on (YYYY-MM-DD, UTC; default today).
        #[arg(long, value_name = "DATE")]
        activates: Option<String>,
        /// Last day the profile and its mechanism may log on (default: one year from today).
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        /// Read the passphrase from this file descriptor (default: the terminal, twice).
        #[arg(long, value_name = "FD", conflicts_with = "card")]
        passphrase_fd: Option<i32>,
        /// Enrol the operator card in this reader instead of a passphrase (its PIN is asked).
        #[arg(long, value_name = "READER")]
        card: Option<String>,
        /// Read the card's PIN from this file descriptor.
        #[arg(long, value_name = "FD", requires = "card")]
        pin_fd: Option<i32>,
        /// Replace a profile of the same user id.
        #[arg(long)]
        replace: bool,
    },
}

fn not_yet() -> Result<Report, ConsoleError> {
    Err(ConsoleError::Refused(
        "access-control commands are not built yet".into(),
    ))
}

/// Runs an `acp` command.
pub fn acp(cmd: &AcpCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    not_yet()
}

/// Runs a `role` command.
pub fn role(cmd: &RoleCommand) -> Result<Report, ConsoleError> {
    let _ = cmd;
    not_yet()
}

/// Runs a `profile` command.
pub fn profile(cmd: &ProfileCommand) -> Result<Report, ConsoleError> {
    match cmd {
        ProfileCommand::Add {
            user,
            role,
            comment,
            activates,
            expires,
            passphrase_fd,
            card,
            pin_fd,
            replace,
        } => {
            let user = profile::id("user id", user)?;
            let role = profile::id("role id", role)?;
            if comment.len() > 20 || !comment.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return Err(ConsoleError::Usage(
                    "the comment is at most 20 printable ASCII characters".into(),
                ));
            }
            let activates = match activates {
                Some(d) => Date::parse(d)?,
                None => Date::today(),
            };
            let expires = match expires {
                Some(d) => Date::parse(d)?,
                None => Date::today().plus_years(1),
            };
            if expires < activates {
                return Err(ConsoleError::Usage(
                    "the profile would expire before it activates".into(),
                ));
            }
            let mechanism = match card {
                Some(reader) => {
                    let pin = secret::read(
                        Source::from_fd(*pin_fd),
                        &format!("PIN of the card to enrol for {user}"),
                    )?;
                    profile::card_mechanism(reader, &pin, expires)
                }
                None => {
                    let pass = new_passphrase(*passphrase_fd, &user)?;
                    profile::passphrase_mechanism(&pass, expires)
                }
            };
            let auth = profile::authentication(&[mechanism]);
            let aggregate = profile::aggregate(&user, &role, comment, activates, expires, &auth);
            let words: &[&str] = if *replace {
                &["INIT-AC", "REPLACE"]
            } else {
                &["INIT-AC"]
            };
            cca::access::aaci(words, &aggregate, &[])?;
            Ok(Report::new(
                format!("Profile {user} (role {role}) added, valid {activates} to {expires}."),
                json!({
                    "user": user, "role": role, "activates": activates.to_string(),
                    "expires": expires.to_string(),
                    "mechanism": if card.is_some() { "CARD" } else { "PPHRASE" },
                }),
            ))
        }
    }
}

/// A new passphrase: from the descriptor, or typed twice on the terminal.
fn new_passphrase(fd: Option<i32>, user: &str) -> Result<Secret, ConsoleError> {
    let source = Source::from_fd(fd);
    let pass = secret::read(source, &format!("New passphrase of {user}"))?;
    if pass.is_empty() {
        return Err(ConsoleError::Usage("the passphrase is empty".into()));
    }
    if source == Source::Terminal {
        let again = secret::read(source, &format!("New passphrase of {user}, again"))?;
        if !crate::secret::equal(&pass, &again) {
            return Err(ConsoleError::Usage(
                "the two passphrases differ: nothing was changed".into(),
            ));
        }
    }
    Ok(pass)
}
