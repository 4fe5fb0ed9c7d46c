//! PINs, passphrases and key parts: read from the terminal with echo off, or from a file
//! descriptor for automation; never from an argument, never printed.
//!
//! A [`Secret`] is a zeroizing buffer with no `Debug` or `Display` of its contents. One line is
//! one secret: the line feed (and a carriage return before it) is not part of it, so several
//! secrets can come one per line through one descriptor (`--pin-fd 3` for the PINs of every card
//! of a set, in order).

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::sync::Mutex;

use zeroize::{Zeroize, Zeroizing};

use crate::error::ConsoleError;

/// The longest secret the console reads (a passphrase may be up to 1024 bytes).
pub const MAX_LEN: usize = 1024;

/// A secret in memory that is wiped when dropped.
pub struct Secret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// Takes the bytes (the caller's copy is the caller's to wipe).
    pub fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        Secret(bytes)
    }

    /// Copies the text of a screen's entry field (the TUI wipes the field itself).
    pub fn from_text(text: &str) -> Self {
        Secret(Zeroizing::new(text.as_bytes().to_vec()))
    }

    /// The bytes, for a verb's input parameter.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No byte at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Where a secret comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The controlling terminal (`/dev/tty`), echo off, after a prompt written to it.
    Terminal,
    /// An open file descriptor of the process (a pipe or a file), one line per secret.
    Fd(i32),
}

impl Source {
    /// `--…-fd N` given or not.
    pub fn from_fd(fd: Option<i32>) -> Self {
        fd.map_or(Source::Terminal, Source::Fd)
    }
}

/// Descriptors already opened: one reader per descriptor, so successive secrets come off
/// successive lines.
static FDS: Mutex<Option<HashMap<i32, File>>> = Mutex::new(None);

/// Reads one secret from `source`; `prompt` (e.g. "PIN of card 2 of 3") is written to the
/// terminal only.
pub fn read(source: Source, prompt: &str) -> Result<Secret, ConsoleError> {
    match source {
        Source::Fd(fd) => read_fd(fd, prompt),
        Source::Terminal => read_terminal(prompt),
    }
}

/// Descriptors open when the console started (before it or the library opened anything): the
/// only ones a `--…-fd` option may name.
static INHERITED: std::sync::OnceLock<Vec<i32>> = std::sync::OnceLock::new();

/// The descriptor `run -` reads its commands from (standard input), or -1: never a secret's.
static COMMANDS_FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// Notes the descriptors the process was started with; called first thing in `main`. A
/// `--…-fd` naming any other descriptor (one the console or the library opened: a database
/// of the state directory, the audit log, `run`'s own file) is refused.
pub fn note_inherited_descriptors() {
    let own = format!("/proc/{}/fd", std::process::id());
    let fds = std::fs::read_dir("/proc/self/fd")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| {
                    // The listing's own descriptor (the directory being read) is not inherited.
                    std::fs::read_link(e.path()).map_or(true, |t| t.as_os_str() != own.as_str())
                })
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let _ = INHERITED.set(fds);
}

/// `run -` reads its commands from `fd`: no secret may come from it (a secret line would be
/// taken for a command, or a command line for a secret).
pub fn reserve_for_commands(fd: i32) {
    COMMANDS_FD.store(fd, std::sync::atomic::Ordering::Relaxed);
}

/// Checks that `fd` may carry a secret: open when the console started, not `run -`'s.
fn check_descriptor(fd: i32, what: &str) -> Result<(), ConsoleError> {
    if fd < 0 {
        return Err(ConsoleError::Usage(format!(
            "file descriptor {fd} is not valid"
        )));
    }
    if fd == COMMANDS_FD.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ConsoleError::Usage(format!(
            "file descriptor {fd} carries the commands of `run -`; give {what} through another descriptor"
        )));
    }
    if !INHERITED.get().is_some_and(|fds| fds.contains(&fd)) {
        return Err(ConsoleError::Usage(format!(
            "file descriptor {fd} was not open when the console started; cannot read {what} from it"
        )));
    }
    Ok(())
}

/// The descriptor `fd` for reading (a duplicate: the secret is read from the descriptor
/// itself, where its writer or the caller left it); a directory is a bad argument.
fn open_descriptor(fd: i32, what: &str) -> Result<File, ConsoleError> {
    let cannot = |e: std::io::Error| {
        ConsoleError::Usage(format!(
            "cannot read {what} from file descriptor {fd}: {}",
            e.kind()
        ))
    };
    let f = crate::cca::descriptor::duplicate(fd).map_err(cannot)?;
    if f.metadata().map_err(cannot)?.is_dir() {
        return Err(ConsoleError::Usage(format!(
            "cannot read {what} from file descriptor {fd}: it is a directory"
        )));
    }
    use rustix::fs::OFlags;
    let mode = rustix::fs::fcntl_getfl(&f).map_err(|e| cannot(e.into()))? & OFlags::RWMODE;
    if mode == OFlags::WRONLY {
        return Err(ConsoleError::Usage(format!(
            "cannot read {what} from file descriptor {fd}: it is open for writing only"
        )));
    }
    Ok(f)
}

fn read_fd(fd: i32, what: &str) -> Result<Secret, ConsoleError> {
    check_descriptor(fd, what)?;
    let mut fds = FDS.lock().unwrap_or_else(|p| p.into_inner());
    let map = fds.get_or_insert_with(HashMap::new);
    let file = match map.entry(fd) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(v) => v.insert(open_descriptor(fd, what)?),
    };
    // A descriptor that is a terminal (`--…-fd 0` typed at a shell) gets echo off too, as
    // the terminal prompt does: otherwise the secret would be shown as it is typed.
    let file: &File = file;
    let _quiet = if rustix::termios::isatty(file) {
        Some(echo_off(file).map_err(|_| {
            ConsoleError::Usage(format!(
                "cannot turn echo off on file descriptor {fd} (a terminal) for {what}"
            ))
        })?)
    } else {
        None
    };
    let mut reader = file;
    let line = read_line(&mut reader)?;
    match line {
        Some(s) => Ok(s),
        None => Err(ConsoleError::Usage(format!(
            "file descriptor {fd} ended before {what}"
        ))),
    }
}

/// One line, byte by byte (so nothing past the line is taken from a shared pipe); `None` at
/// the end of input before any byte.
fn read_line(r: &mut impl Read) -> Result<Option<Secret>, ConsoleError> {
    let mut buf = Zeroizing::new(Vec::with_capacity(64));
    let mut byte = [0u8; 1];
    let mut any = false;
    loop {
        match r.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                any = true;
                if byte[0] == b'\n' {
                    break;
                }
                if buf.len() == MAX_LEN {
                    byte.zeroize();
                    return Err(ConsoleError::Usage(format!(
                        "a secret is longer than {MAX_LEN} bytes"
                    )));
                }
                buf.push(byte[0]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ConsoleError::Io(format!("reading a secret: {}", e.kind()))),
        }
    }
    byte.zeroize();
    if !any {
        return Ok(None);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Secret::new(buf)))
}

/// Restores the terminal's modes when dropped (also when reading fails).
struct EchoOff<'a> {
    tty: &'a File,
    saved: rustix::termios::Termios,
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(
            self.tty,
            rustix::termios::OptionalActions::Now,
            &self.saved,
        );
    }
}

/// Turns echo off on `tty` (a newline is still echoed) until the guard is dropped.
fn echo_off(tty: &File) -> rustix::io::Result<EchoOff<'_>> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let saved = tcgetattr(tty)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    quiet.local_modes.insert(LocalModes::ECHONL);
    tcsetattr(tty, OptionalActions::Flush, &quiet)?;
    Ok(EchoOff { tty, saved })
}

fn read_terminal(prompt: &str) -> Result<Secret, ConsoleError> {
    let no_tty = || {
        ConsoleError::Usage(format!(
            "{prompt}: no terminal to read it from with echo off; give it through a file descriptor (--…-fd)"
        ))
    };
    let mut tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_tty())?;
    let _ = write!(tty, "{prompt}: ");
    let _ = tty.flush();
    let guard = echo_off(&tty).map_err(|_| no_tty())?;
    let mut reader = &tty;
    let line = read_line(&mut reader);
    drop(guard);
    line?.ok_or_else(|| ConsoleError::Usage(format!("{prompt}: end of input")))
}

/// Whether two secrets are equal, in time that does not depend on where they differ (two
/// entries of a new PIN or passphrase).
pub fn equal(a: &Secret, b: &Secret) -> bool {
    let (a, b) = (a.bytes(), b.bytes());
    let mut diff = (a.len() ^ b.len()) as u8 | u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    std::hint::black_box(diff) == 0
}

/// Asks a question on the terminal (echo on) and returns the answer line: for confirmations,
/// never for secrets.
pub fn ask_terminal(prompt: &str) -> Result<String, ConsoleError> {
    let mut tty = File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| ConsoleError::Usage(format!("{prompt}: no terminal")))?;
    let _ = write!(tty, "{prompt}: ");
    let _ = tty.flush();
    let mut reader = &tty;
    let line = read_line(&mut reader)?
        .ok_or_else(|| ConsoleError::Usage(format!("{prompt}: end of input")))?;
    Ok(String::from_utf8_lossy(line.bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_secrets_without_their_line_end() {
        let mut input: &[u8] = b"12345678\r\nabc\n\nlast";
        let got: Vec<Vec<u8>> = std::iter::from_fn(|| read_line(&mut input).unwrap())
            .map(|s| s.bytes().to_vec())
            .collect();
        assert_eq!(
            got,
            vec![
                b"12345678".to_vec(),
                b"abc".to_vec(),
                b"".to_vec(),
                b"last".to_vec()
            ]
        );
    }

    #[test]
    fn an_overlong_secret_is_refused() {
        let long = vec![b'1'; MAX_LEN + 1];
        let mut input: &[u8] = &long;
        assert!(read_line(&mut input).is_err());
    }

    #[test]
    fn debug_shows_no_byte() {
        let s = Secret::from_text("12345678");
        assert_eq!(format!("{s:?}"), "Secret(..)");
    }
}
