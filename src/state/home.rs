//! Where the state directory is (docs/decisions.md F14) and how it is created.
//!
//! `SOFTCCA_HOME` when set; otherwise `/var/lib/softcca` when it exists and is writable;
//! otherwise `$XDG_DATA_HOME/softcca`, or `~/.local/share/softcca`. The state directory itself
//! is opened and checked by [`super::dir`]; [`ensure`] checks the Key Record List directory.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The environment variable naming the state directory.
pub const ENV_HOME: &str = "SOFTCCA_HOME";
/// The system-wide state directory, used when it exists and is writable.
pub const SYSTEM_HOME: &str = "/var/lib/softcca";

/// Resolves the state directory from the environment, without creating it.
pub fn resolve() -> Result<PathBuf> {
    if let Some(h) = std::env::var_os(ENV_HOME).filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(h));
    }
    let system = Path::new(SYSTEM_HOME);
    if system.is_dir() && writable(system) {
        return Ok(system.to_path_buf());
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(x).join("softcca"));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or(Error::StateDirectory)?;
    Ok(PathBuf::from(home).join(".local/share/softcca"))
}

fn writable(dir: &Path) -> bool {
    // A write probe: answers for the user the process runs as, without unsafe access(2).
    let probe = dir.join(format!(".softcca-probe-{}", std::process::id()));
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => fs::remove_file(&probe).is_ok(),
        Err(_) => false,
    }
}

/// Creates `dir` (and parents) with mode 0700 when missing. An existing directory must not be
/// open to the group or others (mode bits 0077 clear): it holds the clear master key, and a
/// file opened there before its mode is tightened stays readable through that descriptor. It
/// must also belong to the user the process runs as: the owner of a directory can replace the
/// files in it, master key included.
pub fn ensure(dir: &Path) -> Result<()> {
    if fs::symlink_metadata(dir).is_err() {
        // Created 0700; then checked like any existing directory, so one that another user
        // made at the same moment is not accepted unchecked.
        let _ = fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {
            if m.permissions().mode() & 0o077 != 0 {
                return Err(Error::StateDirectory);
            }
            // Owned by someone else, it could be given a master-key file of theirs.
            if let Some(me) = effective_uid()
                && m.uid() != me
            {
                return Err(Error::StateDirectory);
            }
            Ok(())
        }
        _ => Err(Error::StateDirectory),
    }
}

/// The effective user id of this process.
fn effective_uid() -> Option<u32> {
    Some(rustix::process::geteuid().as_raw())
}
