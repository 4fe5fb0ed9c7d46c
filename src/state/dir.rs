//! The state directory, held open: every state file is reached through one directory
//! descriptor the process keeps for its life, never again through the directory's path.
//!
//! Opening checks, on the descriptors themselves (no check-then-use race):
//!
//! - the **parent** (opened by path, symbolic links in the path followed): owned by this user
//!   or root, and, when the group or others may write to it, with the sticky bit set (as
//!   `/tmp`): otherwise another user could rename the state directory away and put their own
//!   in its place;
//! - the **directory** (opened relative to the parent with `O_DIRECTORY | O_NOFOLLOW`, so not a
//!   symbolic link): a directory, owned by the effective user, mode bits 0077 clear;
//! - each **state file** (opened relative to the directory with `O_NOFOLLOW`): a regular file
//!   (not a symbolic link), owned by the effective user; group and other bits are cleared
//!   through the descriptor (`fchmod`), never by path.
//!
//! SQLite opens its databases by name: it is given `/proc/self/fd/<descriptor>/<file>`, which
//! the kernel resolves through the kept descriptor, so the database and its journals stay in
//! this directory even after the path names another one ([`crate::ffi::sqlite`]).

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use rustix::fs::{self as rfs, Access, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::error::{Error, Result};

/// What a state file is, as seen through the directory descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// No such file.
    Missing,
    /// A regular file.
    File,
    /// Anything else (symbolic link, directory, device…).
    Other,
}

/// `/proc/self/fd/<fd>` for the directory open on `fd`, when it resolves to that directory
/// and SQLite may be given names through it ([`crate::ffi::sqlite::keep_fd_links`]): a name
/// that reaches this directory whatever is renamed along its path afterwards. `None` when
/// `/proc` cannot be used so.
pub(crate) fn fd_path(fd: &OwnedFd) -> Option<PathBuf> {
    let d = rfs::fstat(fd).ok()?;
    let via = PathBuf::from(format!(
        "/proc/self/fd/{}",
        std::os::fd::AsRawFd::as_raw_fd(fd)
    ));
    match rfs::stat(&via) {
        Ok(s)
            if s.st_ino == d.st_ino
                && s.st_dev == d.st_dev
                && crate::ffi::sqlite::keep_fd_links() =>
        {
            Some(via)
        }
        _ => None,
    }
}

/// The state directory, held open (see the module documentation).
pub struct StateDir {
    path: PathBuf,
    fd: OwnedFd,
    /// `/proc/self/fd/<fd>` when it resolves to this directory; `None`: fall back to `path`.
    via_fd: Option<PathBuf>,
    writable: bool,
    euid: u32,
}

fn io(_: Errno) -> Error {
    Error::StateDirectory
}

impl StateDir {
    /// Opens `path` (creating it and its parents, mode 0700, when missing) and checks it and
    /// its parent.
    pub fn open(path: &Path) -> Result<Self> {
        let euid = rustix::process::geteuid().as_raw();
        let name = path.file_name().ok_or(Error::StateDirectory)?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if std::fs::symlink_metadata(path).is_err() {
            // Created 0700, then checked like any existing directory, so one that another
            // user made at the same moment is not accepted unchecked.
            use std::os::unix::fs::DirBuilderExt;
            let _ = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(path);
        }
        let pfd = rfs::open(
            parent,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io)?;
        let p = rfs::fstat(&pfd).map_err(io)?;
        let others_write = p.st_mode & 0o022 != 0;
        let sticky = p.st_mode & 0o1000 != 0;
        if (p.st_uid != euid && p.st_uid != 0) || (others_write && !sticky) {
            return Err(Error::StateDirectory);
        }
        let fd = rfs::openat(
            &pfd,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io)?;
        let d = rfs::fstat(&fd).map_err(io)?;
        // Open to the group or others, a file opened there before its mode is tightened stays
        // readable through that descriptor; owned by someone else, it could be given a
        // master-key file of theirs.
        if FileType::from_raw_mode(d.st_mode) != FileType::Directory
            || d.st_mode & 0o077 != 0
            || d.st_uid != euid
        {
            return Err(Error::StateDirectory);
        }
        let writable = access_w(&fd, ".");
        let via_fd = fd_path(&fd);
        Ok(StateDir {
            path: path.to_path_buf(),
            fd,
            via_fd,
            writable,
            euid,
        })
    }

    /// The path the directory was opened by (for messages and the Key Record List default).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `false` when this process may not create files in the directory (mode, read-only
    /// mount): it then opens the databases read-only and never initialises.
    pub fn writable(&self) -> bool {
        self.writable
    }

    /// The name SQLite opens `name` by (see the module documentation).
    pub fn sqlite_path(&self, name: &str) -> PathBuf {
        self.via_fd.as_ref().unwrap_or(&self.path).join(name)
    }

    /// The SQLite open flags that go with [`StateDir::sqlite_path`]: `SQLITE_OPEN_NOFOLLOW`
    /// (no symbolic link anywhere in the name) when the name goes through the descriptor.
    /// By path, the directory's path may hold symbolic links (`/var/lib` → …); SQLite still
    /// opens the file itself with `O_NOFOLLOW`, and it was checked through the descriptor.
    pub fn sqlite_flags(&self) -> rusqlite::OpenFlags {
        if self.via_fd.is_some() {
            rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW
        } else {
            rusqlite::OpenFlags::empty()
        }
    }

    /// What `name` is, without following a symbolic link.
    pub fn entry(&self, name: &str) -> Result<Entry> {
        match rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(s) if FileType::from_raw_mode(s.st_mode) == FileType::RegularFile => Ok(Entry::File),
            Ok(_) => Ok(Entry::Other),
            Err(Errno::NOENT) => Ok(Entry::Missing),
            Err(e) => Err(io(e)),
        }
    }

    /// `lstat` of `name` relative to the directory.
    pub fn stat(&self, name: &str) -> rustix::io::Result<rfs::Stat> {
        rfs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
    }

    /// Opens the state file `name` (`O_NOFOLLOW`), read-write when `write` and the file is
    /// writable for this process, else read-only; checks it is a regular file owned by this
    /// user and clears its group and other mode bits. Returns the descriptor and whether it
    /// is writable. A missing file is [`Error::StateFileMissing`], a symbolic link or a file
    /// that is not ours [`Error::StateFileNotRegular`].
    pub fn open_file(&self, name: &str, write: bool) -> Result<(OwnedFd, bool)> {
        match self.entry(name)? {
            Entry::Missing => return Err(Error::StateFileMissing),
            Entry::Other => return Err(Error::StateFileNotRegular),
            Entry::File => {}
        }
        let write = write && self.writable && access_w(&self.fd, name);
        let mode = if write { OFlags::RDWR } else { OFlags::RDONLY };
        let fd = rfs::openat(
            &self.fd,
            name,
            mode | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
            Mode::empty(),
        )
        .map_err(|e| match e {
            Errno::LOOP => Error::StateFileNotRegular,
            Errno::NOENT => Error::StateFileMissing,
            e => io(e),
        })?;
        self.check_file(&fd)?;
        Ok((fd, write))
    }

    /// Checks an opened state file: a regular file owned by this user; clears its group and
    /// other mode bits.
    fn check_file(&self, fd: &OwnedFd) -> Result<()> {
        let s = rfs::fstat(fd).map_err(io)?;
        if FileType::from_raw_mode(s.st_mode) != FileType::RegularFile || s.st_uid != self.euid {
            return Err(Error::StateFileNotRegular);
        }
        if s.st_mode & 0o077 != 0 {
            rfs::fchmod(fd, Mode::from_raw_mode(s.st_mode & 0o700))
                .map_err(|_| Error::StateFileNotRegular)?;
        }
        Ok(())
    }

    /// Opens the append-only state file `name` for reading and appending (`O_APPEND`),
    /// creating it with mode 0600 when missing; with the checks of [`StateDir::open_file`]
    /// (`O_NOFOLLOW`: a symbolic link, dangling or not, is refused; a regular file owned by
    /// this user; group and other bits cleared). Refused with [`Error::StateReadOnly`] when
    /// this process may not write the directory. Returns whether the file was created.
    pub fn open_append(&self, name: &str) -> Result<(OwnedFd, bool)> {
        if !self.writable {
            return Err(Error::StateReadOnly);
        }
        let existed = self.entry(name)? != Entry::Missing;
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::RDWR
                | OFlags::APPEND
                | OFlags::CREATE
                | OFlags::NOFOLLOW
                | OFlags::CLOEXEC
                | OFlags::NOCTTY
                | OFlags::NONBLOCK,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|e| match e {
            Errno::LOOP | Errno::ISDIR | Errno::NXIO => Error::StateFileNotRegular,
            Errno::ROFS | Errno::ACCESS | Errno::PERM => Error::StateReadOnly,
            e => io(e),
        })?;
        self.check_file(&fd)?;
        Ok((fd, !existed))
    }

    /// Creates `name` (mode 0600, `O_EXCL`), writes `bytes` and syncs it.
    pub fn create_file(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let fd = rfs::openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(io)?;
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = rustix::io::write(&fd, rest).map_err(io)?;
            rest = &rest[n..];
        }
        rfs::fsync(&fd).map_err(io)
    }

    /// Creates the subdirectory `name` (mode 0700).
    pub fn create_dir(&self, name: &str) -> Result<()> {
        rfs::mkdirat(&self.fd, name, Mode::from_raw_mode(0o700)).map_err(io)
    }

    /// Removes `name` (a file, or with `dir` an empty directory); a missing one is fine.
    pub fn remove(&self, name: &str, dir: bool) -> Result<()> {
        let flags = if dir {
            AtFlags::REMOVEDIR
        } else {
            AtFlags::empty()
        };
        match rfs::unlinkat(&self.fd, name, flags) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(e) => Err(io(e)),
        }
    }

    /// Renames `from` to `to` (both relative to the directory; `to` is replaced atomically).
    pub fn rename(&self, from: &str, to: &str) -> Result<()> {
        rfs::renameat(&self.fd, from, &self.fd, to).map_err(io)
    }

    /// Gives the file `from` the second name `to` (a hard link; `to` must not exist).
    pub fn link(&self, from: &str, to: &str) -> Result<()> {
        rfs::linkat(&self.fd, from, &self.fd, to, AtFlags::empty()).map_err(io)
    }

    /// Makes the directory's entries durable (after renames).
    pub fn sync(&self) -> Result<()> {
        rfs::fsync(&self.fd).map_err(io)
    }

    /// Reads the whole state file `name` (checked as [`StateDir::open_file`]), with the `fstat`
    /// of the descriptor it was read through.
    pub fn read_file(&self, name: &str) -> Result<(Vec<u8>, rfs::Stat)> {
        let (fd, _) = self.open_file(name, false)?;
        let s = rfs::fstat(&fd).map_err(io)?;
        let mut out = Vec::with_capacity(usize::try_from(s.st_size).unwrap_or(0));
        let mut buf = [0u8; 4096];
        loop {
            let n = rustix::io::read(&fd, &mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        Ok((out, s))
    }

    /// Holds the directory's initialisation lock (`flock` on the directory descriptor) until
    /// the guard is dropped: processes opening the directory wait for one another there, so a
    /// process never sees a directory half-initialised by another.
    pub fn lock(&self) -> Result<DirLock<'_>> {
        rfs::flock(&self.fd, FlockOperation::LockExclusive).map_err(io)?;
        Ok(DirLock(self))
    }
}

impl AsFd for StateDir {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// The lock of [`StateDir::lock`].
pub struct DirLock<'a>(&'a StateDir);

impl Drop for DirLock<'_> {
    fn drop(&mut self) {
        let _ = rfs::flock(&self.0.fd, FlockOperation::Unlock);
    }
}

/// `true` when this process (effective ids) may write `name` relative to `dir`.
fn access_w<Fd: AsFd>(dir: Fd, name: &str) -> bool {
    match rfs::accessat(
        &dir,
        name,
        Access::WRITE_OK,
        AtFlags::EACCESS | AtFlags::SYMLINK_NOFOLLOW,
    ) {
        Ok(()) => true,
        // Kernels without faccessat2: the real ids, which are the effective ones unless the
        // program is set-user-id.
        Err(Errno::NOSYS | Errno::INVAL) => {
            rfs::accessat(&dir, name, Access::WRITE_OK, AtFlags::empty()).is_ok()
        }
        Err(_) => false,
    }
}
