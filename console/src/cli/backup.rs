//! `backup` and `restore` of the state directory (CSUABAK, CSUARST: docs/CSUABAK.md,
//! docs/CSUARST.md).
//!
//! The library takes the backup (a consistent online copy, SQLite's backup API) and decides
//! the restore (only a backup of this same directory, intact, with the same bindings). The
//! console makes the path absolute, asks for confirmation before a restore, and shows what the
//! backup's manifest says it is (the directory id, when, which version, which files): read as
//! text, never trusted for anything (the library checks the manifest itself).

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};

/// `backup DIR`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new directory to write the backup into (must not exist; its parent must).
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

/// The longest path the verbs take (bytes).
const MAX_PATH: usize = 1024;

/// `dir` as an absolute path (relative to the working directory), without a trailing `/`;
/// at most 1024 bytes.
pub fn absolute(dir: &Path) -> Result<PathBuf, ConsoleError> {
    if dir.as_os_str().is_empty() {
        return Err(ConsoleError::Usage("the directory is empty".into()));
    }
    let p = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| ConsoleError::Io(format!("the working directory: {}", e.kind())))?
            .join(dir)
    };
    // A trailing `/` (a shell's completion) names the same directory.
    let p: PathBuf = p.components().collect();
    if p.as_os_str().len() > MAX_PATH {
        return Err(ConsoleError::Usage(format!(
            "the path is longer than {MAX_PATH} bytes"
        )));
    }
    Ok(p)
}

/// What a backup's `MANIFEST` says (docs/CSUABAK.md "The manifest").
#[derive(Debug, Default)]
pub struct Manifest {
    /// The directory id the backup is of.
    pub directory: String,
    /// When it was made (UTC).
    pub created: String,
    /// The softcca version that made it.
    pub version: String,
    /// The files it holds.
    pub files: Vec<String>,
    /// Whether the manifest carries a MAC (a bound directory's backup).
    pub mac: bool,
}

/// Reads the manifest of the backup in `dir`, if there is a readable one.
pub fn manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join("MANIFEST")).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "softcca-backup 1" {
        return None;
    }
    let mut m = Manifest::default();
    for line in lines {
        let mut w = line.split(' ');
        match (w.next(), w.next()) {
            (Some("directory"), Some(id)) => m.directory = id.to_string(),
            (Some("created"), Some(t)) => m.created = utc(t),
            (Some("version"), Some(v)) => m.version = v.to_string(),
            (Some("file"), Some(name)) => m.files.push(name.to_string()),
            (Some("mac"), Some(_)) => m.mac = true,
            _ => {}
        }
    }
    Some(m)
}

/// Unix seconds as `YYYY-MM-DD hh:mm:ss UTC` (the text itself when it is not a number).
fn utc(secs: &str) -> String {
    match secs.parse::<i64>() {
        Ok(t) => {
            let d = crate::profile::Date::from_days(t.div_euclid(86_400));
            let s = t.rem_euclid(86_400);
            format!("{d} {:02}:{:02}:{:02} UTC", s / 3600, s % 3600 / 60, s % 60)
        }
        Err(_) => secs.to_string(),
    }
}

fn manifest_rows(m: &Manifest) -> Vec<(&'static str, String)> {
    vec![
        ("Of directory", m.directory.clone()),
        ("Made", m.created.clone()),
        ("By softcca", m.version.clone()),
        ("Files", m.files.join(" ")),
        (
            "Manifest MAC",
            if m.mac {
                "yes (bound directory)".into()
            } else {
                "none (unbound directory)".into()
            },
        ),
    ]
}

fn manifest_json(m: &Manifest) -> serde_json::Value {
    json!({
        "directory": m.directory, "created": m.created, "version": m.version,
        "files": m.files, "mac": m.mac,
    })
}

/// `backup`.
pub fn backup(a: &BackupArgs) -> Result<Report, ConsoleError> {
    backup_to(&absolute(&a.dir)?)
}

/// CSUABAK into `path` (absolute), and what the backup holds.
pub fn backup_to(path: &Path) -> Result<Report, ConsoleError> {
    cca::backup::backup(path)?;
    let m = manifest(path).unwrap_or_default();
    let mut rows = vec![("Backup", path.display().to_string())];
    rows.extend(manifest_rows(&m));
    let mut j = manifest_json(&m);
    j["path"] = path.display().to_string().into();
    Ok(Report::new(table(rows), j))
}

/// What a restore from `path` will do, for the confirmation.
pub fn restore_summary(path: &Path) -> String {
    let what = match manifest(path) {
        Some(m) => format!(
            "the backup {} (of directory {}, made {} by softcca {})",
            path.display(),
            m.directory,
            m.created,
            m.version
        ),
        None => format!("{} (no readable backup manifest there)", path.display()),
    };
    format!(
        "Restore the state directory from {what}? Its master-key registers, CKDS, profiles, custody sets \
         and roles become the backup's; the audit log and higher failure counts are kept."
    )
}

/// `restore`.
pub fn restore(a: &RestoreArgs) -> Result<Report, ConsoleError> {
    let path = absolute(&a.dir)?;
    super::confirm(a.yes, &restore_summary(&path))?;
    restore_from(&path)
}

/// CSUARST from `path` (absolute; confirmed by the caller), then the registers restored.
pub fn restore_from(path: &Path) -> Result<Report, ConsoleError> {
    cca::backup::restore(path)?;
    let m = manifest(path).unwrap_or_default();
    let r = cca::facility::registers()?;
    let reg = super::mk::register_text;
    let mut rows = vec![("Restored from", path.display().to_string())];
    rows.extend(manifest_rows(&m));
    rows.push(("Current master key", reg(&r.current)));
    rows.push(("Old master key", reg(&r.old)));
    let mut j = manifest_json(&m);
    j["path"] = path.display().to_string().into();
    j["registers"] = super::mk::registers_json(&r);
    Ok(Report::new(table(rows), j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_absolute_and_bounded() {
        let p = absolute(Path::new("/tmp/backup-1/")).unwrap();
        assert_eq!(p, PathBuf::from("/tmp/backup-1"));
        assert!(absolute(Path::new("rel")).unwrap().is_absolute());
        assert!(absolute(Path::new("")).is_err());
        let long = format!("/{}", "a".repeat(MAX_PATH));
        assert_eq!(absolute(Path::new(&long)).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn unix_seconds_in_utc() {
        assert_eq!(utc("0"), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc("1795000000"), "2026-11-18 11:06:40 UTC");
        assert_eq!(utc("x"), "x");
    }
}
