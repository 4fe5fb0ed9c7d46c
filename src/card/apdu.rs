//! Command APDUs and the exchange rules every command follows (`61xx`, `6Cxx`, short responses).

use core::fmt;
use zeroize::Zeroizing;

use super::sw::Sw;
use super::{Buffer, CardError, Transport};

/// A command's data field: plain, or sensitive (a PIN), which `Debug` never shows.
enum Data {
    Plain(Vec<u8>),
    Sensitive(Buffer),
}

impl Data {
    fn bytes(&self) -> &[u8] {
        match self {
            Data::Plain(d) => d,
            Data::Sensitive(d) => d,
        }
    }
}

/// A short command APDU (ISO 7816-4 §5.1).
pub struct Command {
    header: [u8; 4],
    data: Data,
    /// Le as a count: `Some(256)` is sent as `00`.
    le: Option<u16>,
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Command");
        d.field("header", &self.header);
        match &self.data {
            Data::Plain(b) => d.field("data", b),
            Data::Sensitive(_) => d.field("data", &"REDACTED"),
        };
        d.field("le", &self.le).finish()
    }
}

impl Command {
    /// A case-1 command `CLA INS P1 P2`.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Command {
        Command {
            header: [cla, ins, p1, p2],
            data: Data::Plain(Vec::new()),
            le: None,
        }
    }

    /// With a data field (at most 255 bytes: the profile uses short APDUs only).
    pub fn data(mut self, data: &[u8]) -> Command {
        debug_assert!(data.len() <= 255);
        self.data = Data::Plain(data.to_vec());
        self
    }

    /// With a data field that holds a secret (PIN bytes).
    pub fn sensitive(mut self, data: Buffer) -> Command {
        debug_assert!(data.len() <= 255);
        self.data = Data::Sensitive(data);
        self
    }

    /// With Le (1..=256 bytes expected).
    pub fn le(mut self, le: u16) -> Command {
        self.le = Some(le);
        self
    }

    /// The encoded APDU.
    pub fn to_bytes(&self) -> Buffer {
        let data = self.data.bytes();
        let mut out = Zeroizing::new(Vec::with_capacity(6 + data.len()));
        out.extend_from_slice(&self.header);
        if !data.is_empty() {
            out.push(data.len() as u8);
            out.extend_from_slice(data);
        }
        if let Some(le) = self.le {
            out.push((le & 0xFF) as u8);
        }
        out
    }
}

/// A response: the data field (zeroizing) and the final status word.
#[derive(Debug)]
pub struct Response {
    /// The response data (all parts, when `61xx` chaining was followed).
    pub data: Buffer,
    /// The status word of the last part.
    pub sw: Sw,
}

/// Largest response data accepted through `61xx` chaining.
const MAX_RESPONSE: usize = 4096;

/// Splits a raw response into data and status word; fewer than 2 bytes is a transport fault
/// (a card that died mid-command answers with nothing).
fn split(raw: Buffer) -> Result<(Buffer, Sw), CardError> {
    let n = raw.len();
    if n < 2 {
        return Err(CardError::Transport);
    }
    let sw = Sw::from(u16::from_be_bytes([raw[n - 2], raw[n - 1]]));
    let mut data = raw;
    data.truncate(n - 2);
    Ok((data, sw))
}

/// Most GET RESPONSE rounds one command may take: enough for [`MAX_RESPONSE`] bytes in
/// parts of 256 bytes, plus one.
const MAX_GET_RESPONSE: usize = MAX_RESPONSE / 256 + 1;

/// Sends `cmd`, re-sends it once with the card's Le after `6Cxx`, and follows `61xx` with
/// GET RESPONSE until the card is done.
///
/// A hostile or broken card cannot keep the host (and the reader, held in a transaction) busy
/// for ever: the chain is cut after 17 rounds (`MAX_GET_RESPONSE`), a `61xx` part that carries no
/// data is malformed, and so is a total over 4096 bytes (`MAX_RESPONSE`). A command that carries a
/// secret (a PIN) is never re-sent: `6Cxx` to it is an unexpected status word, so a card cannot
/// make the host present a PIN twice.
pub fn exchange(t: &mut dyn Transport, cmd: &Command) -> Result<Response, CardError> {
    let (mut data, mut sw) = split(t.transmit(&cmd.to_bytes())?)?;
    if let Sw::WrongLe(n) = sw {
        let Data::Plain(d) = &cmd.data else {
            return Err(CardError::UnexpectedStatus(sw.code()));
        };
        let again = Command {
            header: cmd.header,
            data: Data::Plain(d.clone()),
            le: Some(if n == 0 { 256 } else { u16::from(n) }),
        };
        (data, sw) = split(t.transmit(&again.to_bytes())?)?;
    }
    let mut rounds = 0;
    while let Sw::BytesRemaining(n) = sw {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE {
            return Err(CardError::MalformedResponse);
        }
        let le = if n == 0 { 256 } else { u16::from(n) };
        let get = Command::new(0x00, 0xC0, 0x00, 0x00).le(le);
        let (more, next) = split(t.transmit(&get.to_bytes())?)?;
        if data.len() + more.len() > MAX_RESPONSE
            || (more.is_empty() && matches!(next, Sw::BytesRemaining(_)))
        {
            return Err(CardError::MalformedResponse);
        }
        data.extend_from_slice(&more);
        sw = next;
    }
    Ok(Response { data, sw })
}
