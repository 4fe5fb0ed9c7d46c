//! Directory Backup (CSUABAK): a consistent snapshot of a running state directory written
//! to a new directory (see [`super`]).

use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, DatabaseName, OpenFlags};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::manifest::{self, FileEntry, Manifest};
use super::{DATABASES, TEXTS};
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::db::busy;
use crate::state::dir::Entry;

fn write_err(_: Errno) -> Error {
    Error::BackupWrite
}

/// Writes a backup of `cp`'s directory to the new directory `path` (absolute; it must not
/// exist, its parent must): created 0700, every file 0600 and synced. Returns the manifest
/// written. Nothing is left at `path` when the call fails after creating it.
pub fn backup(cp: &Coprocessor, path: &[u8]) -> Result<super::Identified> {
    let id = super::directory_id(cp)?;
    // A bound directory's backup is MAC'd under its SVMK: it must be active (checked before
    // anything is created).
    let key = super::mac_key(cp, &id)?;
    let (parent, name) = super::parent_of(path)?;
    rfs::mkdirat(&parent, name, Mode::from_raw_mode(0o700)).map_err(|e| match e {
        Errno::EXIST => Error::BackupExists,
        Errno::NOENT | Errno::NOTDIR | Errno::NAMETOOLONG => Error::BackupPath,
        e => write_err(e),
    })?;
    // Opened by name once, then checked to be the directory just made (an attacker who can
    // write the parent may have put another in its place): every later step goes through
    // this descriptor, never the path again.
    let Ok(out) = rfs::openat(
        &parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return Err(Error::BackupWrite);
    };
    // Not the directory just made: nothing of it is touched (it may be an earlier backup of
    // this user's that was renamed into its place).
    ours(&out)?;
    let dest = Dest::of(&out, Path::new(std::ffi::OsStr::from_bytes(path)));
    let written = dest.and_then(|dest| {
        let m = write(cp, &out, &dest, id, key.as_ref().map(|(k, c)| (&**k, *c)))?;
        rfs::fsync(&out).map_err(write_err)?;
        rfs::fsync(&parent).map_err(write_err)?;
        Ok(m)
    });
    if written.is_err() {
        remove_partial(&parent, name, &out);
    }
    written
}

/// The directory open on `out` is one this call made: an empty directory of this user that the
/// group and others cannot enter (created 0700; another user cannot make one of ours, and
/// one of ours renamed into its place is not empty).
fn ours(out: &OwnedFd) -> Result<()> {
    let st = rfs::fstat(out).map_err(write_err)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory
        || st.st_uid != rustix::process::geteuid().as_raw()
        || st.st_mode & 0o077 != 0
    {
        return Err(Error::BackupWrite);
    }
    let mut entries = rfs::Dir::read_from(out).map_err(write_err)?;
    while let Some(e) = entries.read() {
        let name = e.map_err(write_err)?.file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            return Err(Error::BackupWrite);
        }
    }
    Ok(())
}

/// How SQLite is given the backup's database files: by `/proc/self/fd/<out>/<file>`, which
/// the kernel resolves through the backup directory's descriptor, so the pages go into the
/// directory this call made even when its path was renamed to another meanwhile (review
/// finding B1, docs/decisions.md D86). Where `/proc` cannot be used so, by the path, checked
/// before each file to still name that directory.
struct Dest {
    base: std::path::PathBuf,
    flags: OpenFlags,
    /// The backup directory's (device, inode) when opened by path.
    by_path: Option<(u64, u64)>,
}

impl Dest {
    fn of(out: &OwnedFd, path: &Path) -> Result<Dest> {
        if let Some(via) = crate::state::dir::fd_path(out) {
            return Ok(Dest {
                base: via,
                flags: OpenFlags::SQLITE_OPEN_NOFOLLOW,
                by_path: None,
            });
        }
        let st = rfs::fstat(out).map_err(write_err)?;
        Ok(Dest {
            base: path.to_path_buf(),
            flags: OpenFlags::empty(),
            by_path: Some((st.st_dev, st.st_ino)),
        })
    }

    /// The name SQLite opens `file` by.
    fn file(&self, file: &str) -> Result<std::path::PathBuf> {
        if let Some(want) = self.by_path {
            let st = rfs::lstat(&self.base).map_err(write_err)?;
            if (st.st_dev, st.st_ino) != want {
                return Err(Error::BackupWrite);
            }
        }
        Ok(self.base.join(file))
    }
}

/// Removes what a failed backup left in its new directory `out` (through its descriptor), and
/// the directory when its name in `parent` still is that directory.
fn remove_partial(parent: &OwnedFd, name: &std::ffi::OsStr, out: &OwnedFd) {
    for f in TEXTS
        .iter()
        .chain(DATABASES.iter().map(|(f, _)| f))
        .chain([&manifest::FILE])
    {
        let _ = rfs::unlinkat(out, *f, AtFlags::empty());
        let _ = rfs::unlinkat(out, format!("{f}-journal"), AtFlags::empty());
    }
    let same = match (
        rfs::fstat(out),
        rfs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW),
    ) {
        (Ok(a), Ok(b)) => (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino),
        _ => false,
    };
    if same {
        let _ = rfs::unlinkat(parent, name, AtFlags::REMOVEDIR);
    }
}

/// Creates `name` (0600, `O_EXCL`) in the backup directory `out` with `bytes`, synced.
fn create(out: &OwnedFd, name: &str, bytes: &[u8]) -> Result<()> {
    let fd = rfs::openat(
        out,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(write_err)?;
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = rustix::io::write(&fd, rest).map_err(write_err)?;
        rest = &rest[n..];
    }
    rfs::fsync(&fd).map_err(write_err)
}

/// The length and SHA-256 of `name` in `out`, synced first (a database SQLite just wrote).
fn hash(out: &OwnedFd, name: &str) -> Result<FileEntry> {
    let fd = rfs::openat(
        out,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(write_err)?;
    rfs::fsync(&fd).map_err(write_err)?;
    let mut h = Sha256::new();
    let mut len = 0u64;
    let mut buf = Zeroizing::new([0u8; 65536]);
    loop {
        let n = rustix::io::read(&fd, &mut buf[..]).map_err(write_err)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        len += n as u64;
    }
    Ok(FileEntry {
        name: name.into(),
        len,
        sha256: h.finalize().into(),
    })
}

/// Takes the snapshot into `out` (see [`super`]) and writes the manifest last.
fn write(
    cp: &Coprocessor,
    out: &OwnedFd,
    dest: &Dest,
    id: [u8; 16],
    key: Option<(&[u8; 32], [u8; 8])>,
) -> Result<super::Identified> {
    let dir = cp.state_dir();
    let present = |f: &str| -> Result<bool> {
        match dir.entry(f)? {
            Entry::File => Ok(true),
            Entry::Missing => Ok(false),
            Entry::Other => Err(Error::StateFileNotRegular),
        }
    };
    let mut names = Vec::new();
    {
        // Every change of softcca.id (a binding) and of acp.conf holds these; the read
        // transaction below keeps every database's commits out while it lasts.
        let _locks = cp.master_key_store().exclusive()?;
        let conn = Connection::open_with_flags(
            dir.sqlite_path(DATABASES[0].0),
            OpenFlags::SQLITE_OPEN_READ_ONLY | dir.sqlite_flags() | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|_| Error::KeyStorage)?;
        conn.busy_handler(Some(busy))
            .map_err(|_| Error::KeyStorage)?;
        let mut dbs = vec![DATABASES[0]];
        for &(file, schema) in &DATABASES[1..] {
            if present(file)? {
                let p = dir.sqlite_path(file);
                conn.execute(
                    &format!("ATTACH DATABASE ?1 AS {schema}"),
                    [p.to_str().ok_or(Error::StateDirectory)?],
                )
                .map_err(|_| Error::KeyStorage)?;
                dbs.push((file, schema));
            }
        }
        conn.execute_batch("BEGIN").map_err(|_| Error::KeyStorage)?;
        // SHARED on every database at once: from here on none of them changes.
        for (_, schema) in &dbs {
            conn.query_row(
                &format!("SELECT count(*) FROM {schema}.sqlite_master"),
                [],
                |_| Ok(()),
            )
            .map_err(|_| Error::KeyStorage)?;
        }
        for &name in TEXTS {
            if present(name)? {
                let (bytes, _) = dir.read_file(name)?;
                create(out, name, &bytes)?;
                names.push(name);
            }
        }
        for &(file, schema) in &dbs {
            create(out, file, b"")?;
            let mut dst = Connection::open_with_flags(
                dest.file(file)?,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_NOFOLLOW
                    | dest.flags
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|_| Error::BackupWrite)?;
            dst.pragma_update(None, "synchronous", "FULL")
                .map_err(|_| Error::BackupWrite)?;
            let from = if schema == "main" {
                DatabaseName::Main
            } else {
                DatabaseName::Attached(schema)
            };
            {
                let b = Backup::new_with_names(&conn, from, &mut dst, DatabaseName::Main)
                    .map_err(|_| Error::BackupWrite)?;
                match b.step(-1).map_err(|_| Error::BackupWrite)? {
                    StepResult::Done => {}
                    _ => return Err(Error::BackupWrite),
                }
            }
            dst.close().map_err(|_| Error::BackupWrite)?;
            names.push(file);
        }
        conn.execute_batch("COMMIT")
            .map_err(|_| Error::KeyStorage)?;
        let _ = conn.release_memory();
        conn.close().map_err(|_| Error::KeyStorage)?;
    }
    // In the manifest's order.
    let mut files = Vec::new();
    for (name, _) in manifest::FILES {
        if names.contains(name) {
            files.push(hash(out, name)?);
        }
    }
    let m = Manifest {
        directory: id,
        created: super::now(),
        version: env!("CARGO_PKG_VERSION").into(),
        files,
        mack: key.map(|(_, c)| c),
    };
    let text = m.render(key);
    create(out, manifest::FILE, text.as_bytes())?;
    let digest = manifest::sha256(text.as_bytes());
    super::note(&m, &digest);
    Ok((m, digest))
}
