//! `softcca-vcard`: one virtual operator card behind pcscd's vpcd driver.
//!
//! ```text
//! softcca-vcard --port PORT --state FILE --csn HEX [--host 127.0.0.1] [--no-quickack]
//!               [--fault foreign|malformed|die-after-write|silent|bad-readback]
//! ```
//!
//! Connects to vpcd's TCP slot PORT (the card is "inserted" while connected), keeps its
//! persistent memory in FILE (created at the first start with serial number HEX; a later start
//! must give the same serial) and answers vpcd's messages: every message is a big-endian u16
//! length and a payload; a 1-byte payload is a control byte (00 power off, 01 power on,
//! 02 reset, 04 send the ATR), anything longer is a command APDU answered in the same framing.
//! Exits 0 when pcscd closes the connection. A fresh connection that gets nothing but ATR polls
//! for [`UNSEEN_POLLS`] polls is closed and made again (see there). `TCP_QUICKACK` is set before every read: vpcd
//! sends each message in two writes, and without the quick ACK Nagle's algorithm on pcscd's
//! side waits for the card's delayed ACK, ~40-50 ms per APDU. `--no-quickack` turns that off
//! (only to measure it).
//!
//! `--fault` makes the card misbehave on purpose, for the host's fault tests: `foreign` answers
//! every APDU with `6A82` (a card without the operator application), `malformed` answers GET DATA
//! `0066` with a truncated template (`66 05 80 01 41 90 00`: its length says 5, 3 follow),
//! `die-after-write` ends the process right after a PUT DATA has been committed to the state
//! file, before its answer is sent (a card pulled the instant its write landed), and `silent`
//! takes every command APDU and never answers it (a card that hangs: only power, reset and ATR
//! polls are still served, by vpcd's reader side, until the process is killed), and
//! `bad-readback` answers GET DATA `0102` with the last byte of the secret flipped (a card
//! whose memory does not keep what it was given).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use softcca_vcard::{ATR, Card, CardState, FileStore, Identity};
use zeroize::Zeroizing;

struct Options {
    host: String,
    port: u16,
    state: String,
    csn: String,
    quickack: bool,
    fault: Option<Fault>,
}

/// A deliberate misbehaviour (`--fault`).
#[derive(Clone, Copy)]
enum Fault {
    /// No operator application: every APDU is answered `6A82`.
    Foreign,
    /// GET DATA `0066` gives a truncated template.
    Malformed,
    /// The process ends after a PUT DATA is committed, before it answers.
    DieAfterWrite,
    /// No command APDU is ever answered.
    Silent,
    /// GET DATA `0102` answers with the secret's last byte flipped.
    BadReadback,
}

impl Fault {
    /// The faulty answer to `apdu`, or `None` to answer it as the card does.
    fn answer(self, apdu: &[u8]) -> Option<Vec<u8>> {
        match self {
            Fault::Foreign => Some(vec![0x6A, 0x82]),
            Fault::Malformed if apdu.starts_with(&[0x00, 0xCA, 0x00, 0x66]) => {
                Some(vec![0x66, 0x05, 0x80, 0x01, 0x41, 0x90, 0x00])
            }
            Fault::Malformed | Fault::DieAfterWrite | Fault::Silent | Fault::BadReadback => None,
        }
    }
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        host: "127.0.0.1".into(),
        port: 35963,
        state: String::new(),
        csn: String::new(),
        quickack: true,
        fault: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--host" => o.host = value("--host")?,
            "--port" => {
                o.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port must be a TCP port".to_string())?
            }
            "--state" => o.state = value("--state")?,
            "--csn" => o.csn = value("--csn")?,
            "--no-quickack" => o.quickack = false,
            "--fault" => {
                o.fault = Some(match value("--fault")?.as_str() {
                    "foreign" => Fault::Foreign,
                    "malformed" => Fault::Malformed,
                    "die-after-write" => Fault::DieAfterWrite,
                    "silent" => Fault::Silent,
                    "bad-readback" => Fault::BadReadback,
                    f => return Err(format!("unknown --fault {f:?}")),
                })
            }
            _ => return Err(format!("unknown argument {a:?}")),
        }
    }
    if o.state.is_empty() || o.csn.is_empty() {
        return Err("--state and --csn are required".into());
    }
    Ok(o)
}

/// TCP_QUICKACK is not sticky on Linux: it has to be set again before each read.
fn quickack(s: &TcpStream) -> io::Result<()> {
    let one: libc::c_int = 1;
    // SAFETY: a valid socket descriptor, a pointer to a live c_int and its exact size.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            core::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn open_card(o: &Options) -> Result<Card<FileStore>, String> {
    let identity = Identity::virtual_card(&o.csn).map_err(|e| e.to_string())?;
    let mut store = FileStore::new(&o.state);
    let state = match store.load().map_err(|e| format!("{}: {e}", o.state))? {
        Some(s) if s.identity().csn() == o.csn => s,
        Some(s) => {
            return Err(format!(
                "{} holds card {}, not {}",
                o.state,
                s.identity().csn(),
                o.csn
            ));
        }
        None => {
            let s = CardState::formatted(identity);
            softcca_vcard::Store::commit(&mut store, &s).map_err(|e| e.to_string())?;
            s
        }
    };
    Ok(Card::new(state, store))
}

fn connect(o: &Options) -> io::Result<TcpStream> {
    // vpcd listens as soon as pcscd loaded it; allow a few seconds for a card started early.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpStream::connect((o.host.as_str(), o.port)) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() >= deadline => return Err(e),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Reads one message. The buffer is zeroized when dropped: it carries every command APDU,
/// the PINs of VERIFY and CHANGE REFERENCE DATA and the secrets of PUT DATA included.
fn read_frame(s: &mut TcpStream, o: &Options) -> io::Result<Option<Zeroizing<Vec<u8>>>> {
    let mut len = [0u8; 2];
    if o.quickack {
        quickack(s)?;
    }
    match s.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut msg = Zeroizing::new(vec![0u8; usize::from(u16::from_be_bytes(len))]);
    if o.quickack {
        quickack(s)?;
    }
    s.read_exact(&mut msg)?;
    Ok(Some(msg))
}

/// ATR polls without any power-up, reset or APDU after which a fresh connection is made again.
///
/// When a card is replaced within one of pcscd's presence polls (400 ms), pcscd may never see
/// the slot empty: observed, it powers the new card off (finishing the old card's removal),
/// then keeps polling its ATR but never powers it up and reports no card, for good. Closing the
/// connection makes one poll see an empty slot; the new connection is then powered up like any
/// inserted card.
const UNSEEN_POLLS: u32 = 5;

/// Why [`serve`] returned.
enum End {
    /// pcscd closed the connection.
    Closed,
    /// pcscd never took the card up on this connection.
    Unseen,
}

fn serve(o: &Options, card: &mut Card<FileStore>) -> io::Result<End> {
    let mut s = connect(o)?;
    s.set_nodelay(true)?;
    let mut seen = false;
    let mut polls = 0;
    while let Some(msg) = read_frame(&mut s, o)? {
        seen |= !matches!(msg.as_slice(), [0x04] | [0x00]);
        let out = match msg.as_slice() {
            [0x04] if !seen && polls + 1 >= UNSEEN_POLLS => return Ok(End::Unseen),
            [0x04] => {
                polls += 1;
                Zeroizing::new(ATR.to_vec())
            }
            [0x00] | [0x01] | [0x02] => {
                card.reset();
                continue;
            }
            [_] | [] => continue,
            _ if matches!(o.fault, Some(Fault::Silent)) => hang(),
            apdu => match o.fault.and_then(|f| f.answer(apdu)) {
                Some(faulty) => Zeroizing::new(faulty),
                None => card.process(apdu),
            },
        };
        let mut out = out;
        if matches!(o.fault, Some(Fault::BadReadback))
            && msg.starts_with(&[0x00, 0xCA, 0x01, 0x02])
            && out.len() > 3
            && out.ends_with(&[0x90, 0x00])
        {
            let last = out.len() - 3;
            out[last] ^= 0x01;
        }
        if matches!(o.fault, Some(Fault::DieAfterWrite))
            && msg.get(1) == Some(&0xDA)
            && out.ends_with(&[0x90, 0x00])
        {
            eprintln!("softcca-vcard: --fault die-after-write: written, ending before the answer");
            std::process::exit(3);
        }
        let len = u16::try_from(out.len()).map_err(io::Error::other)?;
        let mut frame = Vec::with_capacity(out.len() + 2);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&out);
        s.write_all(&frame)?;
        zeroize::Zeroize::zeroize(&mut frame);
    }
    Ok(End::Closed)
}

/// `--fault silent`: the command is taken and never answered; the process waits to be killed.
fn hang() -> ! {
    eprintln!("softcca-vcard: --fault silent: not answering");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn main() -> ExitCode {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("softcca-vcard: {e}");
            eprintln!(
                "usage: softcca-vcard --port PORT --state FILE --csn HEX [--host H] [--no-quickack] [--fault foreign|malformed|die-after-write|silent|bad-readback]"
            );
            return ExitCode::from(2);
        }
    };
    let mut card = match open_card(&o) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("softcca-vcard: {e}");
            return ExitCode::from(2);
        }
    };
    eprintln!("softcca-vcard: card {} on {}:{}", o.csn, o.host, o.port);
    loop {
        match serve(&o, &mut card) {
            Ok(End::Closed) => return ExitCode::SUCCESS,
            Ok(End::Unseen) => {
                eprintln!("softcca-vcard: pcscd polls but never powers the card up: reconnecting");
                card.reset();
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(e) => {
                eprintln!("softcca-vcard: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
}
