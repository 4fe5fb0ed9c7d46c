//! `key …`: records of the CKDS (CSNBKRL, CSNBKRR, CSNBKYT, CSNBKRD).
//!
//! The console lists the labels with CSNBKRL, reads each record's token with CSNBKRR and shows
//! the token's documented fields (docs/tokens.md): the control vector, the MKVP of the master
//! key it is wrapped under, and whether that is the current or the old master key. It never
//! shows the token's wrapped key bytes; the key check value comes from the library (CSNBKYT
//! ENC-ZERO).

use clap::Subcommand;
use serde_json::json;

use crate::cca;
use crate::cca::facility::Registers;
use crate::error::ConsoleError;
use crate::report::{Report, table};

/// The key-record commands.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// The records of the CKDS: label, key type, MKVP and which master key it is.
    List {
        /// Only the labels matching this pattern (one `*`, e.g. `ISSUER.*`); default: all.
        pattern: Option<String>,
    },
    /// One record: key type, control vector, MKVP, key check value (never key bytes).
    Show {
        /// The record's label.
        label: String,
    },
    /// Delete a record (CSNBKRD LABEL-DL), after confirmation.
    Delete {
        /// The record's label (no wildcard).
        label: String,
        /// Only empty its token (CSNBKRD TOKEN-DL): the label stays, holding no key.
        #[arg(long)]
        token_only: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs a key-record command.
pub fn run(cmd: &KeyCommand) -> Result<Report, ConsoleError> {
    match cmd {
        KeyCommand::List { pattern } => {
            let pattern = match pattern {
                Some(p) => label_arg(p, true)?,
                None => "*".to_string(),
            };
            list(&pattern)
        }
        KeyCommand::Show { label } => show(&label_arg(label, false)?),
        KeyCommand::Delete {
            label,
            token_only,
            yes,
        } => {
            let label = label_arg(label, false)?;
            let what = if *token_only {
                format!("Empty the token of CKDS record {label} (the label stays)?")
            } else {
                format!("Delete CKDS record {label} and the key it holds?")
            };
            super::confirm(*yes, &what)?;
            delete(&label, !*token_only)
        }
    }
}

/// A label (or, with `pattern`, a pattern) as given: 1-64 printable ASCII characters without
/// blanks (the library checks the label syntax itself: 8/32).
pub fn label_arg(s: &str, pattern: bool) -> Result<String, ConsoleError> {
    let ok = !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| (0x21..0x7f).contains(&b));
    if !ok {
        return Err(ConsoleError::Usage(format!(
            "{s:?} is not a key label: 1 to 64 printable characters without blanks"
        )));
    }
    if !pattern && s.contains('*') {
        return Err(ConsoleError::Usage(format!(
            "{s:?}: give one label, not a pattern"
        )));
    }
    Ok(s.to_string())
}

/// Which master key a record's key is wrapped under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Under {
    /// The current master key.
    Current,
    /// The old master key (usable with a warning until the next SET; re-encipher it).
    Old,
    /// Neither: the key cannot be used (8/10004).
    Neither,
    /// The record holds no key.
    NoKey,
}

impl Under {
    /// The master key of a token whose MKVP is `mkvp` (None: no key), given the registers.
    pub fn of(mkvp: Option<&str>, regs: &Registers) -> Under {
        match mkvp {
            None => Under::NoKey,
            Some(m) if regs.current.mkvp.as_deref() == Some(m) => Under::Current,
            Some(m) if regs.old.mkvp.as_deref() == Some(m) => Under::Old,
            Some(_) => Under::Neither,
        }
    }

    /// Its name in text and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Under::Current => "current",
            Under::Old => "old",
            Under::Neither => "neither",
            Under::NoKey => "none",
        }
    }
}

/// One CKDS record as the console shows it.
#[derive(Clone, Debug)]
pub struct Record {
    /// What CSNBKRL says of it.
    pub listed: cca::keyrec::Listed,
    /// The MKVP, when the token holds a key.
    pub mkvp: Option<String>,
    /// Which master key that is.
    pub under: Under,
}

/// Upper-case hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Every record matching `pattern`, with the master key it is under (`regs`).
pub fn records(pattern: &str, regs: &Registers) -> Result<Vec<Record>, ConsoleError> {
    let mut out = Vec::new();
    for listed in cca::keyrec::list(pattern)? {
        let token = cca::keyrec::read(&listed.label)?;
        let mkvp = token.has_key.then(|| hex(&token.mkvp));
        let under = Under::of(mkvp.as_deref(), regs);
        out.push(Record {
            listed,
            mkvp,
            under,
        });
    }
    Ok(out)
}

/// The labels of the records under `which`.
pub fn labels(records: &[Record], which: Under) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.under == which)
        .map(|r| r.listed.label.clone())
        .collect()
}

/// `key list [PATTERN]`.
pub fn list(pattern: &str) -> Result<Report, ConsoleError> {
    let regs = cca::facility::registers()?;
    let recs = records(pattern, &regs)?;
    let width = recs
        .iter()
        .map(|r| r.listed.label.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut text = format!(
        "{:<width$}  {:<8}  {:<16}  MASTER KEY\n",
        "LABEL", "TYPE", "MKVP"
    );
    for r in &recs {
        text.push_str(&format!(
            "{:<width$}  {:<8}  {:<16}  {}\n",
            r.listed.label,
            r.listed.key_type,
            r.mkvp.as_deref().unwrap_or("-"),
            r.under.name()
        ));
    }
    text.push_str(&format!(
        "{} records ({} under the current master key, {} under the old, {} under neither, {} without a key).\n",
        recs.len(),
        labels(&recs, Under::Current).len(),
        labels(&recs, Under::Old).len(),
        labels(&recs, Under::Neither).len(),
        labels(&recs, Under::NoKey).len(),
    ));
    let rows: Vec<_> = recs
        .iter()
        .map(|r| {
            json!({
                "label": r.listed.label, "key_type": r.listed.key_type,
                "token_type": r.listed.token_type, "mkvp": r.mkvp,
                "master_key": r.under.name(),
                "created": r.listed.created, "updated": r.listed.updated,
            })
        })
        .collect();
    Ok(Report::new(
        text,
        json!({ "pattern": pattern, "count": recs.len(), "records": rows }),
    ))
}

/// Key form of a control vector (bits 40-42) and its KEY-PART bit (44), docs/tokens.md.
fn key_form(cv: &[u8; 16]) -> (&'static str, bool) {
    let form = match cv[5] >> 5 {
        0 => "single",
        2 | 6 => "double",
        3 => "triple",
        _ => "unknown",
    };
    (form, cv[5] & 0x08 != 0)
}

/// `key show LABEL`.
pub fn show(label: &str) -> Result<Report, ConsoleError> {
    let regs = cca::facility::registers()?;
    // CSNBKRR first: it answers 8/10012 for a label that is not there.
    let token = cca::keyrec::read(label)?;
    let listed = cca::keyrec::list(label)?.into_iter().next();
    let mkvp = token.has_key.then(|| hex(&token.mkvp));
    let under = Under::of(mkvp.as_deref(), &regs);
    let (key_type, token_type, created, updated) = match &listed {
        Some(l) => (
            l.key_type.clone(),
            l.token_type.clone(),
            l.created.clone(),
            l.updated.clone(),
        ),
        None => Default::default(),
    };
    let mut rows = vec![
        ("Label", label.to_string()),
        ("Key type", key_type.clone()),
        ("Token", token_type.clone()),
    ];
    let mut j = json!({
        "label": label, "key_type": key_type, "token_type": token_type,
        "created": created, "updated": updated, "master_key": under.name(),
    });
    if token.has_key {
        let (form, part) = key_form(&token.cv);
        let cv = if form == "single" {
            hex(&token.cv[..8])
        } else {
            format!("{} {}", hex(&token.cv[..8]), hex(&token.cv[8..]))
        };
        let m = mkvp.clone().unwrap_or_default();
        let note = match under {
            Under::Current => "the current master key",
            Under::Old => "the OLD master key: re-encipher it (mk reencipher)",
            _ => "neither master key: the key cannot be used",
        };
        let (kcv, kcv_json) = match cca::keytest::check_value(label) {
            Ok((v, _)) => (hex(&v), json!(hex(&v))),
            Err(f) => (
                format!("unavailable ({})", ConsoleError::Verb(f)),
                serde_json::Value::Null,
            ),
        };
        rows.push(("Control vector", cv.clone()));
        rows.push(("Key length", form.to_string()));
        if part {
            rows.push(("Key part", "yes (incomplete: KEY-PART)".into()));
        }
        rows.push(("MKVP", format!("{m} ({note})")));
        rows.push(("Check value", kcv));
        j["control_vector"] = cv.replace(' ', "").into();
        j["key_length"] = form.into();
        j["key_part"] = part.into();
        j["mkvp"] = m.into();
        j["check_value"] = kcv_json;
    } else {
        rows.push(("Key", "none (null token)".into()));
    }
    rows.push(("Created", created));
    rows.push(("Updated", updated));
    Ok(Report::new(table(rows), j))
}

/// `key delete LABEL` (confirmed by the caller).
pub fn delete(label: &str, whole_record: bool) -> Result<Report, ConsoleError> {
    cca::keyrec::delete(label, whole_record)?;
    let (text, mode) = if whole_record {
        (format!("Record {label} deleted."), "LABEL-DL")
    } else {
        (
            format!("The token of record {label} is now a null token."),
            "TOKEN-DL",
        )
    };
    Ok(Report::new(
        text,
        json!({ "label": label, "deleted": mode }),
    ))
}
