//! What can go wrong in a console command, its message and its exit status.
//!
//! Exit statuses (docs/console.md): 0 done; 1 the console refused or could not do it (a file,
//! a check of its own such as `mk change` finding records it would strand); 2 bad arguments
//! (nothing was called); 4, 8, 12 or 16: a verb's return code (the message names the verb,
//! the reason code and its meaning from docs/codes.md).

use std::fmt;

use crate::cca::Failure;

/// A command's failure.
#[derive(Debug)]
pub enum ConsoleError {
    /// Bad arguments or input (exit 2): nothing was changed.
    Usage(String),
    /// A verb failed (exit = its return code).
    Verb(Failure),
    /// The console refused the operation itself (exit 1): nothing was changed.
    Refused(String),
    /// A file or terminal could not be read or written (exit 1).
    Io(String),
    /// A verb answered with a finding (return code 4, e.g. CSUAAVF: the audit log breaks):
    /// exit = its return code; `detail` and `facts` say where.
    Finding {
        /// The verb and its codes.
        failure: Failure,
        /// What it found, for a person.
        detail: String,
        /// The same facts for `--json`.
        facts: serde_json::Value,
    },
    /// A verb failed part-way through a multi-card ceremony (exit = its return code); the
    /// note says what the steps already done left behind (e.g. a set that must not be used).
    Stopped(Failure, String),
}

impl From<Failure> for ConsoleError {
    fn from(f: Failure) -> Self {
        ConsoleError::Verb(f)
    }
}

impl ConsoleError {
    /// The process exit status.
    pub fn exit_code(&self) -> i32 {
        match self {
            ConsoleError::Usage(_) => 2,
            ConsoleError::Refused(_) | ConsoleError::Io(_) => 1,
            ConsoleError::Verb(f)
            | ConsoleError::Stopped(f, _)
            | ConsoleError::Finding { failure: f, .. } => match f.rc {
                4 | 8 | 12 | 16 => f.rc,
                _ => 16,
            },
        }
    }

    /// The error as a JSON object (`--json`).
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "ok": false,
            "exit_code": self.exit_code(),
            "message": self.to_string(),
        });
        if let ConsoleError::Finding { facts, .. } = self
            && let (Some(m), serde_json::Value::Object(f)) = (v.as_object_mut(), facts)
        {
            m.extend(f.clone());
        }
        if let ConsoleError::Stopped(_, note) = self {
            v["note"] = note.as_str().into();
        }
        if let ConsoleError::Verb(f)
        | ConsoleError::Stopped(f, _)
        | ConsoleError::Finding { failure: f, .. } = self
        {
            v["verb"] = f.verb.into();
            v["return_code"] = f.rc.into();
            v["reason_code"] = f.reason.into();
            v["reason_hex"] = format!("{:03X}", f.reason).into();
            if let Some(m) = meaning(f.rc, f.reason) {
                v["meaning"] = m.into();
            }
        }
        v
    }
}

impl fmt::Display for ConsoleError {
    /// The message, made safe for a terminal (`report::on_screen`): it may quote a `run` line,
    /// a reader name or a path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::report::on_screen(&Plain(self).to_string()))
    }
}

/// The message as the variants compose it, before it is made safe for a terminal.
struct Plain<'a>(&'a ConsoleError);

impl fmt::Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ConsoleError::Usage(m) | ConsoleError::Refused(m) | ConsoleError::Io(m) => {
                f.write_str(m)
            }
            ConsoleError::Verb(v) => verb_text(f, v),
            ConsoleError::Stopped(v, note) => {
                verb_text(f, v)?;
                write!(f, "\n{note}")
            }
            ConsoleError::Finding {
                failure, detail, ..
            } => {
                write!(f, "{detail}: ")?;
                verb_text(f, failure)
            }
        }
    }
}

fn verb_text(f: &mut fmt::Formatter<'_>, v: &Failure) -> fmt::Result {
    write!(f, "{v}")?;
    if let Some(m) = meaning(v.rc, v.reason) {
        write!(f, ": {m}")?;
    }
    Ok(())
}

/// The condition docs/codes.md gives for (rc, reason), its first sentence, markup removed.
pub fn meaning(rc: i32, reason: i32) -> Option<String> {
    const CODES: &str = include_str!("../../docs/codes.md");
    let want_rc = rc.to_string();
    let want_reason = format!("{reason} (");
    for line in CODES.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | rc | reason dec (hex) | Name | Condition | Also |
        if cells.len() >= 5 && cells[1] == want_rc && cells[2].starts_with(&want_reason) {
            let text = cells[4].replace('`', "").replace("*fail* ", "");
            let first = match text.find(". ") {
                Some(i) => &text[..=i],
                None => text.as_str(),
            };
            return Some(first.trim().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings_come_from_the_codes_table() {
        let m = meaning(8, 0xF121).expect("X'F121' is in docs/codes.md");
        assert!(m.to_lowercase().contains("reader"), "{m}");
        assert_eq!(meaning(8, 0x7FFF_FFF0), None);
    }

    #[test]
    fn exit_codes() {
        let verb = |rc| {
            ConsoleError::Verb(Failure {
                verb: "CSUCINS",
                rc,
                reason: 0,
            })
        };
        assert_eq!(verb(8).exit_code(), 8);
        assert_eq!(verb(12).exit_code(), 12);
        assert_eq!(verb(-1).exit_code(), 16);
        assert_eq!(ConsoleError::Usage(String::new()).exit_code(), 2);
        assert_eq!(ConsoleError::Refused(String::new()).exit_code(), 1);
    }
}
