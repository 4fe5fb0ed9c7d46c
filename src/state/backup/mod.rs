//! Online backup and restore of a state directory (CSUABAK, CSUARST; docs/CSUABAK.md,
//! docs/CSUARST.md, docs/decisions.md D80-D84).
//!
//! A **backup** is a new directory holding a snapshot of the state directory's databases
//! (each copied by SQLite's online backup API), `acp.conf`, `softcca.id`, `access.closed`
//! when present, and a [`manifest`]. The snapshot is one moment of every file: it is taken
//! under the binding locks (the directory's `flock`, which every binding, the one change of
//! `softcca.id`, and every rewrite of `acp.conf` by softcca hold in any process, and this
//! process's binding mutex, which a binding by another thread holds) while one read
//! transaction holds
//! SQLite's SHARED lock on every database at once, so no commit of any of them falls inside
//! it ([`snapshot`]).
//!
//! A **restore** writes a backup of this same directory (same id, same bindings) back into
//! the running directory's files: every database in one SQLite transaction across the
//! attached files (atomic for every process: each sees the old state or the new), `acp.conf`
//! renamed into place just before the commit, then the shared counters moved so every other
//! process drops its cached keys and registers at its next call ([`restore`]).

pub mod manifest;
pub mod restore;
pub mod snapshot;

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{self as rfs, Mode, OFlags};

use crate::error::{Error, Result};
use crate::state::Coprocessor;

/// A backup written or restored: its manifest and the SHA-256 of the manifest's text.
pub type Identified = (manifest::Manifest, [u8; 32]);

/// A bound directory's backup MAC key and its SVMK's check value.
pub(crate) type BackupKey = (zeroize::Zeroizing<[u8; 32]>, [u8; 8]);

/// The longest backup path, bytes.
pub const MAX_PATH: usize = 1024;

/// The databases of a backup: (file, its schema name in the one connection that attaches
/// them all; `masterkey.db` is the connection's main database).
pub(crate) const DATABASES: &[(&str, &str)] = &[
    ("masterkey.db", "main"),
    ("ckds.db", "ckds"),
    ("access.db", "access"),
    ("sets.db", "sets"),
];

/// The text files of a backup.
pub(crate) const TEXTS: &[&str] = &["softcca.id", "acp.conf", "access.closed"];

/// Checks a backup path (absolute, 1..[`MAX_PATH`] bytes, no NUL, a last component that is a
/// name) and opens its parent (symbolic links in the parent's path are followed, as for the
/// state directory's own parent): the parent's descriptor and the last component.
pub(crate) fn parent_of(path: &[u8]) -> Result<(OwnedFd, &OsStr)> {
    if path.is_empty() || path.len() > MAX_PATH || path[0] != b'/' || path.contains(&0) {
        return Err(Error::BackupPath);
    }
    let p = Path::new(OsStr::from_bytes(path));
    let name = p.file_name().ok_or(Error::BackupPath)?;
    // (`Path` drops a trailing `/.`: "/a/b/." would be taken for "/a/b".)
    if path.ends_with(b"/") || path.ends_with(b"/.") || name.as_bytes() == b".." {
        return Err(Error::BackupPath);
    }
    let parent = p.parent().ok_or(Error::BackupPath)?;
    let fd = rfs::open(
        parent,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|_| Error::BackupPath)?;
    Ok((fd, name))
}

/// The directory's id (a read-only directory of a release before the id has none, and no
/// backup).
pub(crate) fn directory_id(cp: &Coprocessor) -> Result<[u8; 16]> {
    cp.directory_id().ok_or(Error::StateDirectory)
}

/// The backup MAC key of a bound directory (the SVMK active in the keyring, and the one the
/// directory is bound to): `None` for an unbound directory; 12/X'F270' when bound and not
/// active, 12/X'F273' when the keyring holds another SVMK.
pub(crate) fn mac_key(cp: &Coprocessor, id: &[u8; 16]) -> Result<Option<BackupKey>> {
    let Some(bound) = cp.master_key_store().recorded()?.svmk else {
        return Ok(None);
    };
    let svmk = crate::state::keyring::fetch_svmk(id)?;
    if crate::custody::check_value(&svmk, crate::custody::SecretKind::ServerMasterKey) != bound {
        return Err(Error::ActivationMismatch);
    }
    Ok(Some((manifest::mac_key(svmk.as_bytes(), id), bound)))
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    crate::access::context::now_secs()
}

/// Notes in the call's audit record which backup it wrote or restored: the directory it is
/// of, its creation time and the SHA-256 of its manifest (which names every file's SHA-256).
pub(crate) fn note(m: &manifest::Manifest, digest: &[u8; 32]) {
    crate::audit::scope::detail("directory", crate::hex::hex(&m.directory).as_bytes());
    crate::audit::scope::detail("created", m.created.to_string().as_bytes());
    crate::audit::scope::detail("manifest", crate::hex::hex(digest).as_bytes());
}
