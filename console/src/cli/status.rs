//! `status` (the facts of the menu's status line) and `readers`.

use serde_json::json;

use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};

/// The directory in use: `$SOFTCCA_HOME`, else the library's default.
pub fn home_text() -> String {
    std::env::var("SOFTCCA_HOME")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "(the library's default: see docs/state.md)".into())
}

/// `status`.
pub fn status() -> Result<Report, ConsoleError> {
    let p = cca::facility::protection()?;
    // An inactive bound directory keeps its registers sealed (STATMKVP: 12/X'F270'): the
    // protection is still shown, the registers as unknown.
    let r = cca::facility::registers().map_err(ConsoleError::from);
    let l = cca::facility::logon()?;
    // STATCCA reads the registers too (12/X'F270' while inactive).
    let unknown = |f: &cca::Failure| {
        format!(
            "unknown ({} {}/X'{:03X}'{})",
            f.verb,
            f.rc,
            f.reason,
            if f.reason == 0xF270 {
                ": the directory is not active"
            } else {
                ""
            }
        )
    };
    let version = cca::facility::version().unwrap_or_else(|f| unknown(&f));
    let reg = |x: &cca::facility::Register| match &x.mkvp {
        Some(m) => format!("{} (MKVP {m})", x.state),
        None => x.state.to_string(),
    };
    let regs = |pick: fn(&cca::facility::Registers) -> &cca::facility::Register| match &r {
        Ok(r) => reg(pick(r)),
        Err(ConsoleError::Verb(f)) => unknown(f),
        Err(e) => format!("unknown ({e})"),
    };
    let text = table([
        ("Directory", home_text()),
        ("Library", version.clone()),
        ("Binding", p.binding.clone()),
        ("Activation", p.activation.clone()),
        ("Partition", p.partition.clone()),
        ("Authorisation", p.authorisation.clone()),
        ("New MK", regs(|r| &r.new)),
        ("Current MK", regs(|r| &r.current)),
        ("Old MK", regs(|r| &r.old)),
        (
            "Logged on",
            match &l.user {
                Some(u) => format!("{u} (role {})", l.role),
                None => format!("nobody (role {})", l.role),
            },
        ),
    ]);
    let regj = |x: &cca::facility::Register| json!({ "state": x.state, "mkvp": x.mkvp });
    Ok(Report::new(
        text,
        json!({
            "directory": std::env::var("SOFTCCA_HOME").ok(),
            "library_version": version,
            "binding": p.binding, "activation": p.activation,
            "svmk_check_value": p.svmk_check,
            "partition": p.partition, "authorisation": p.authorisation,
            "partition_check_value": p.partition_check,
            "registers": match &r {
                Ok(r) => json!({ "new": regj(&r.new), "current": regj(&r.current), "old": regj(&r.old) }),
                Err(e) => json!({ "unknown": e.to_string() }),
            },
            "logon": { "user": l.user, "role": l.role, "mechanism": l.mechanism },
        }),
    ))
}

/// `readers`.
pub fn readers() -> Result<Report, ConsoleError> {
    let list = cca::card::readers()?;
    let text: String = list
        .iter()
        .map(|r| {
            format!(
                "{:<8} {}\n",
                if r.present { "PRESENT" } else { "EMPTY" },
                r.name
            )
        })
        .collect();
    Ok(Report::new(
        if text.is_empty() {
            "No reader.".into()
        } else {
            text
        },
        json!({ "readers": list.iter().map(|r| json!({"name": r.name, "present": r.present})).collect::<Vec<_>>() }),
    ))
}
