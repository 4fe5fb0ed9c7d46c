//! The operator's logon for a command (`--user`), the `logon` and `logoff` commands, and `run`
//! (many commands in one process, so that a logon lasts from its `logon` line to `logoff`).

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Args, Parser};
use serde_json::json;

use super::{Cli, Command};
use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

/// How the command logs on (the library checks the profile, its role and the mechanism).
#[derive(Clone, Debug, Default, Args)]
pub struct LogonArgs {
    /// Log on as this user profile before the command (CSUALCT); off when the process ends.
    #[arg(long = "user", id = "logon_user", global = true, value_name = "USER")]
    pub user: Option<String>,

    /// Log on with the operator card in this reader (its PIN) instead of a passphrase.
    #[arg(long, global = true, value_name = "READER", requires = "logon_user")]
    pub logon_card: Option<String>,

    /// Read the passphrase (or the logon card's PIN) from this file descriptor, one line;
    /// default: the terminal, echo off. Needs --user, or the --custodian of a master-key
    /// ceremony (their passphrases, one line each, after that of --user).
    #[arg(long, global = true, value_name = "FD")]
    pub logon_fd: Option<i32>,
}

/// A logon made for one command: logged off when dropped.
pub struct Logon(bool);

impl Logon {
    /// Logs the calling thread on as `args.user`, if given.
    pub fn begin(args: &LogonArgs) -> Result<Logon, ConsoleError> {
        match &args.user {
            None => Ok(Logon(false)),
            Some(user) => {
                log_on(user, args)?;
                Ok(Logon(true))
            }
        }
    }
}

impl Drop for Logon {
    fn drop(&mut self) {
        if self.0 {
            let _ = cca::logon::logoff();
        }
    }
}

fn log_on(user: &str, args: &LogonArgs) -> Result<(), ConsoleError> {
    let source = Source::from_fd(args.logon_fd);
    let prompt = match &args.logon_card {
        Some(_) => format!("PIN of {user}'s logon card"),
        None => format!("Passphrase of {user}"),
    };
    let secret = secret::read(source, &prompt)?;
    log_on_with(user, args.logon_card.as_deref(), &secret)
}

/// Logs the calling thread on as `user`: with the operator card in `reader` and its PIN, or
/// (no reader) with the passphrase `secret` (CSUALCT).
pub fn log_on_with(user: &str, reader: Option<&str>, secret: &Secret) -> Result<(), ConsoleError> {
    match reader {
        Some(reader) => cca::logon::card(user, reader, secret)?,
        None => cca::logon::passphrase(user, secret)?,
    }
    Ok(())
}

/// The calling thread's logon as a report.
pub fn whoami() -> Result<Report, ConsoleError> {
    let l = cca::facility::logon()?;
    let user = l.user.clone().unwrap_or_else(|| "(none)".into());
    Ok(Report::new(
        table([
            ("User", user),
            ("Role", l.role.clone()),
            ("Mechanism", l.mechanism.clone()),
        ]),
        json!({ "user": l.user, "role": l.role, "mechanism": l.mechanism }),
    ))
}

/// `logon`: the logon `--user` made (the command line logs on before every command).
pub fn logon(args: &LogonArgs) -> Result<Report, ConsoleError> {
    if args.user.is_none() {
        return Err(ConsoleError::Usage("logon needs --user USER".into()));
    }
    whoami()
}

/// `logoff`: ends the thread's logon (8/X'F31A' when there is none).
pub fn logoff() -> Result<Report, ConsoleError> {
    cca::logon::logoff()?;
    Ok(Report::new("Logged off.", json!({ "logged_off": true })))
}

/// `run FILE`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The file of commands (`-`: standard input). One command per line, as on the command
    /// line without the program name; `#` starts a comment; double quotes group words.
    pub file: PathBuf,
}

/// Splits a line into words: blanks separate, double quotes group, `#` outside quotes ends it.
fn words(line: &str) -> Result<Vec<String>, ConsoleError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut any) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            '#' if !quoted => break,
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        // The line is not quoted back: it may hold what an operator should not have typed.
        return Err(ConsoleError::Usage("unbalanced quote".into()));
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// A `run` line that does not parse: what is wrong and with which option, never the words of
/// the line (clap's own message quotes the offending value; a run file's lines are not on the
/// command line, and one may hold what the operator should never have typed there).
fn line_error(n: usize, e: &clap::Error) -> ConsoleError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ConsoleError::Usage(format!("line {n}: {}", e.render()));
    }
    // The option named is the console's own, except for an unknown word (the operator's).
    let unknown = matches!(
        e.kind(),
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand
    );
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) if !unknown => format!(" ({a})"),
        _ => String::new(),
    };
    ConsoleError::Usage(format!(
        "line {n}: {}{arg}; the line is not shown (see --help)",
        e.kind()
    ))
}

/// `run`: each line in turn; stops at the first that fails (its exit status is the run's).
pub fn run_file(args: &RunArgs, json: bool) -> Result<Report, ConsoleError> {
    let input: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        secret::reserve_for_commands(0);
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(&args.file).map_err(|e| {
            ConsoleError::Usage(format!("cannot open {}: {}", args.file.display(), e.kind()))
        })?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut done = 0usize;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| ConsoleError::Io(format!("reading line {}: {}", n + 1, e)))?;
        let w = words(&line).map_err(|e| match e {
            ConsoleError::Usage(m) => ConsoleError::Usage(format!("line {}: {m}", n + 1)),
            other => other,
        })?;
        if w.is_empty() {
            continue;
        }
        let cli = Cli::try_parse_from(std::iter::once("softcca-console".to_string()).chain(w))
            .map_err(|e| line_error(n + 1, &e))?;
        if cli.home.is_some() {
            return Err(ConsoleError::Usage(format!(
                "line {}: --home cannot change inside run",
                n + 1
            )));
        }
        let report = match &cli.command {
            Some(Command::Logon) => match &cli.logon.user {
                Some(user) => log_on(user, &cli.logon).and_then(|()| whoami()),
                None => Err(ConsoleError::Usage("logon needs --user USER".into())),
            },
            Some(Command::Run(_)) => Err(ConsoleError::Usage("run cannot nest".into())),
            Some(_) if cli.logon.user.is_some() => Err(ConsoleError::Usage(
                "inside run, log on with a `logon --user USER` line".into(),
            )),
            Some(c) => super::dispatch(c, &cli),
            None => Err(ConsoleError::Usage("no command".into())),
        };
        match report {
            Ok(r) => r.print(json || cli.json),
            Err(e) => {
                return Err(match e {
                    ConsoleError::Usage(m) => ConsoleError::Usage(format!("line {}: {m}", n + 1)),
                    other => other,
                });
            }
        }
        done += 1;
    }
    Ok(Report::new(
        format!("{done} commands done."),
        json!({ "commands": done }),
    ))
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_split_quote_and_comment() {
        assert_eq!(
            words(r#"card inspect --reader "Virtual PCD 00 00" # the first"#).unwrap(),
            vec!["card", "inspect", "--reader", "Virtual PCD 00 00"]
        );
        assert_eq!(words("   # only a comment").unwrap(), Vec::<String>::new());
        assert!(words(r#"key show "A.B"#).is_err());
        assert_eq!(words(r#"x """#).unwrap(), vec!["x", ""]);
    }
}
