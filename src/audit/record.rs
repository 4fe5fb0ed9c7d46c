//! One audit record: its fields, its line (docs/audit.md §2) and the strict parser.
//!
//! A record is one line of printable ASCII, `key=value` tokens separated by single blanks, in
//! a fixed order:
//!
//! ```text
//! v=1 seq=7 time=2026-12-01T23:55:00.123456Z pid=4711 op=CSUCGLB
//!   reader=Virtual%20PCD%2000%2000 csn=5C0FCCA000000009 label=SET-A
//!   outcome=OK rc=0 rs=0000 prev=<64 hex> hash=<64 hex>
//! ```
//!
//! (one line in the file). `hash` is SHA-256 over the bytes before ` hash=` (the *body*),
//! `prev` the previous record's `hash` (64 zeros in the genesis record). Free text (reader,
//! CSN, label, detail values) is percent-encoded: every byte outside `!`..`~`, and `%`
//! itself, becomes `%XX`, so no value can hold a blank, an end of line or a control
//! character; `-` stands for "not known" (a value that is exactly `-` is written `%2D`).
//! While the server master key is active a record also carries `mack=<16 hex>` (the SVMK's
//! check value, naming the MAC key) between `rs` and `prev`, inside the hashed body, and
//! `mac=<64 hex>` after `hash`: HMAC-SHA-256 under the key of [`super::mac`] over the line up
//! to ` mac=` (docs/audit.md §6). Records without both stay valid; `mac` without `mack` is
//! malformed, `mack` without `mac` parses (the verifier reports the stripped MAC).

use crate::hex::hex;
use sha2::{Digest, Sha256};

use super::mac::MacKey;

/// The record format version written in `v=`.
pub const VERSION: &str = "1";
/// The operation name of the first record of every log.
pub const GENESIS: &str = "GENESIS";
/// The operation name of the record an append writes after cutting a torn last line.
pub const REPAIR: &str = "REPAIR";
/// Longest record line, end of line excluded.
pub const MAX_LINE: usize = 4096;
/// `prev` of the genesis record.
pub const ZERO_HASH: [u8; 32] = [0; 32];

/// A card as one call saw it: the reader named, and the CSN and label when they were read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CardSeen {
    /// The reader name the caller gave.
    pub reader: Option<Vec<u8>>,
    /// The card serial number, when the card answered.
    pub csn: Option<Vec<u8>>,
    /// The label, when the verb read it (after the PIN).
    pub label: Option<Vec<u8>>,
}

/// What an append records: an operation, the cards it saw, its details and its codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The verb (`CSUCGLB`) or event (`GENESIS`, `ACTIVATE`) name: `A`-`Z`, `0`-`9`, `-`,
    /// 1 to 16 characters.
    pub op: String,
    /// The cards seen, in the order the call named them.
    pub cards: Vec<CardSeen>,
    /// Details `(key, value)`: key `a`-`z`, `0`-`9`, `_` (1 to 24), value free text. Never a
    /// secret: no PIN, key or share byte.
    pub detail: Vec<(String, Vec<u8>)>,
    /// The return code reported.
    pub rc: i32,
    /// The reason code reported.
    pub rs: i32,
}

/// A record read back from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// Sequence number, 1 for the genesis record.
    pub seq: u64,
    /// The UTC time as written.
    pub time: String,
    /// The writing process.
    pub pid: u32,
    /// What was recorded.
    pub entry: Entry,
    /// The previous record's hash.
    pub prev: [u8; 32],
    /// The hash this record's line states.
    pub hash: [u8; 32],
    /// The MAC key id (`mack=`, the SVMK's check value) the hashed body names.
    pub mack: Option<[u8; 8]>,
    /// The MAC (`mac=`), checked by the verifier's MAC mode.
    pub mac: Option<[u8; 32]>,
    /// `true` when `hash` is SHA-256 of the line's body.
    pub hash_ok: bool,
}

fn op_ok(op: &str) -> bool {
    (1..=16).contains(&op.len())
        && op
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

fn key_ok(k: &str) -> bool {
    (1..=24).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Entry {
    /// `true` when the operation name and every detail key have the documented syntax.
    pub fn well_formed(&self) -> bool {
        op_ok(&self.op) && self.detail.iter().all(|(k, _)| key_ok(k))
    }
}

/// Percent-encodes a known value (see the module documentation).
pub fn encode(bytes: &[u8]) -> String {
    if bytes == b"-" {
        return "%2D".into();
    }
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x21..=0x7E).contains(&b) && b != b'%' {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn encode_opt(v: Option<&[u8]>) -> String {
    v.map_or_else(|| "-".into(), encode)
}

/// Decodes a value written by [`encode`]; `None` for anything [`encode`] would not write.
fn decode(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = b.get(i + 1..i + 3)?;
            if !h
                .iter()
                .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
            {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    (encode(&out) == text).then_some(out)
}

fn decode_opt(text: &str) -> Option<Option<Vec<u8>>> {
    if text == "-" {
        Some(None)
    } else {
        decode(text).map(Some)
    }
}

fn unhex32(text: &str) -> Option<[u8; 32]> {
    unhex(text)
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N
        || !text
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c))
    {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The outcome word of a return code.
fn outcome(rc: i32) -> &'static str {
    match rc {
        0 => "OK",
        4 => "WARN",
        _ => "FAIL",
    }
}

/// SHA-256 of a record body.
pub fn digest(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// The record's body (everything before ` hash=`); `mack`: the MAC key id when a MAC follows.
pub fn body(
    seq: u64,
    time: &str,
    pid: u32,
    e: &Entry,
    mack: Option<&[u8; 8]>,
    prev: &[u8; 32],
) -> String {
    let mut s = format!("v={VERSION} seq={seq} time={time} pid={pid} op={}", e.op);
    for c in &e.cards {
        s.push_str(&format!(
            " reader={} csn={} label={}",
            encode_opt(c.reader.as_deref()),
            encode_opt(c.csn.as_deref()),
            encode_opt(c.label.as_deref())
        ));
    }
    for (k, v) in &e.detail {
        s.push_str(&format!(" d.{k}={}", encode(v)));
    }
    s.push_str(&format!(
        " outcome={} rc={} rs={:04X}",
        outcome(e.rc),
        e.rc,
        e.rs
    ));
    if let Some(id) = mack {
        s.push_str(&format!(" mack={}", hex(id)));
    }
    s.push_str(&format!(" prev={}", hex(prev)));
    s
}

/// The whole line (no end of line) and its hash; with `mac`, MAC'd (`mack=` in the body,
/// `mac=` at the end).
pub fn line(
    seq: u64,
    time: &str,
    pid: u32,
    e: &Entry,
    prev: &[u8; 32],
    mac: Option<&MacKey>,
) -> (String, [u8; 32]) {
    let id = mac.map(MacKey::id);
    let b = body(seq, time, pid, e, id.as_ref(), prev);
    let h = digest(b.as_bytes());
    let mut l = format!("{b} hash={}", hex(&h));
    if let Some(k) = mac {
        let t = k.tag(l.as_bytes());
        l.push_str(&format!(" mac={}", hex(&t)));
    }
    (l, h)
}

/// `true` for a time written as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
fn time_ok(t: &str) -> bool {
    let pattern = b"dddd-dd-ddTdd:dd:dd.ddddddZ";
    t.len() == pattern.len()
        && t.bytes().zip(pattern.iter()).all(|(c, &p)| {
            if p == b'd' {
                c.is_ascii_digit()
            } else {
                c == p
            }
        })
}

/// A decimal number without sign or leading zero.
fn number(t: &str) -> Option<u64> {
    let ok = !t.is_empty()
        && t.len() <= 19
        && t.bytes().all(|c| c.is_ascii_digit())
        && (t == "0" || !t.starts_with('0'));
    ok.then(|| t.parse().ok()).flatten()
}

/// The value of the next token, which must be `key=value`.
fn field<'a>(tokens: &mut impl Iterator<Item = &'a str>, key: &str) -> Option<&'a str> {
    tokens.next()?.strip_prefix(key)?.strip_prefix('=')
}

/// Parses one line (without its end of line). `None`: malformed (any deviation from what
/// [`line()`] writes, checked by writing the body again and comparing the bytes).
pub fn parse(text: &[u8]) -> Option<Record> {
    if text.len() > MAX_LINE {
        return None;
    }
    let text = std::str::from_utf8(text).ok()?;
    let (body_text, tail) = text.split_once(" hash=")?;
    let (hash_text, mac_text) = match tail.split_once(" mac=") {
        Some((h, m)) => (h, Some(m)),
        None => (tail, None),
    };
    let hash = unhex32(hash_text)?;
    let mac = match mac_text {
        Some(m) => Some(unhex32(m)?),
        None => None,
    };
    let mut tokens = body_text.split(' ');
    if field(&mut tokens, "v")? != VERSION {
        return None;
    }
    let seq = number(field(&mut tokens, "seq")?)?;
    let time = field(&mut tokens, "time")?.to_string();
    let pid = u32::try_from(number(field(&mut tokens, "pid")?)?).ok()?;
    let op = field(&mut tokens, "op")?.to_string();
    if !time_ok(&time) || !op_ok(&op) {
        return None;
    }
    let mut cards = Vec::new();
    let mut detail = Vec::new();
    loop {
        let t = tokens.next()?;
        let (k, v) = t.split_once('=')?;
        match k {
            "reader" if detail.is_empty() => {
                let csn = tokens.next()?.strip_prefix("csn=")?;
                let label = tokens.next()?.strip_prefix("label=")?;
                cards.push(CardSeen {
                    reader: decode_opt(v)?,
                    csn: decode_opt(csn)?,
                    label: decode_opt(label)?,
                });
            }
            "outcome" => {
                let rc = i32::try_from(number(field(&mut tokens, "rc")?)?).ok()?;
                if v != outcome(rc) {
                    return None;
                }
                let rs = i32::from_str_radix(field(&mut tokens, "rs")?, 16).ok()?;
                let mut next = tokens.next()?;
                let mack = match next.strip_prefix("mack=") {
                    Some(id) => {
                        next = tokens.next()?;
                        Some(unhex::<8>(id)?)
                    }
                    None => None,
                };
                if mac.is_some() && mack.is_none() {
                    return None;
                }
                let prev = unhex32(next.strip_prefix("prev=")?)?;
                if tokens.next().is_some() {
                    return None;
                }
                let entry = Entry {
                    op,
                    cards,
                    detail,
                    rc,
                    rs,
                };
                let again = body(seq, &time, pid, &entry, mack.as_ref(), &prev);
                if again != body_text {
                    return None;
                }
                let hash_ok = digest(body_text.as_bytes()) == hash;
                return Some(Record {
                    seq,
                    time,
                    pid,
                    entry,
                    prev,
                    hash,
                    mack,
                    mac,
                    hash_ok,
                });
            }
            _ => {
                let key = k.strip_prefix("d.")?;
                if !key_ok(key) {
                    return None;
                }
                detail.push((key.to_string(), decode(v)?));
            }
        }
    }
}

/// The UTC time `t` as written in records.
pub fn time_text(t: std::time::SystemTime) -> String {
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let c = crate::civil::Civil::from_unix(i64::try_from(d.as_secs()).unwrap_or(0));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        d.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            op: "CSUCGLB".into(),
            cards: vec![CardSeen {
                reader: Some(b"Virtual PCD 00 00".to_vec()),
                csn: Some(b"5C0FCCA000000009".to_vec()),
                label: Some(b"a b\n%-\x01\xFF hash=00".to_vec()),
            }],
            detail: vec![("why".into(), b"-".to_vec())],
            rc: 8,
            rs: 0xF1C6,
        }
    }

    #[test]
    fn line_round_trips_and_escapes() {
        let (l, h) = line(
            7,
            "2026-12-01T23:55:00.000001Z",
            42,
            &entry(),
            &[0xAB; 32],
            None,
        );
        assert!(l.bytes().all(|b| (0x20..=0x7E).contains(&b)));
        assert!(l.contains("label=a%20b%0A%25-%01%FF%20hash=00 "), "{l}");
        assert!(l.contains(" d.why=%2D outcome=FAIL rc=8 rs=F1C6 "), "{l}");
        let r = parse(l.as_bytes()).unwrap();
        assert_eq!((r.seq, r.pid, r.hash, r.hash_ok), (7, 42, h, true));
        assert_eq!(r.entry, entry());
        let edited = l.replace("rc=8", "rc=0");
        assert!(
            parse(edited.as_bytes()).is_none(),
            "outcome no longer matches"
        );
        let edited = l.replace("pid=42", "pid=43");
        assert!(!parse(edited.as_bytes()).unwrap().hash_ok);
        for bad in [
            l.replace("%0A", "%0a"),
            l.replace("%2D", "-x"),
            l.replace("seq=7", "seq=07"),
            l.replace(" op=", "  op="),
            format!("{l} "),
        ] {
            let r = parse(bad.as_bytes());
            assert!(r.is_none() || !r.unwrap().hash_ok, "{bad}");
        }
    }

    #[test]
    fn a_macd_line_names_its_key_inside_the_hash() {
        let mut s = crate::custody::Secret::zeroed();
        s.as_bytes_mut().fill(7);
        let k = MacKey::derive(&s, &[1; 16]);
        let (l, h) = line(
            2,
            "2026-12-01T23:55:00.000001Z",
            1,
            &entry(),
            &[1; 32],
            Some(&k),
        );
        let id = hex(&k.id());
        assert!(l.contains(&format!(" rs=F1C6 mack={id} prev=")), "{l}");
        let r = parse(l.as_bytes()).unwrap();
        assert_eq!((r.hash, r.hash_ok, r.mack), (h, true, Some(k.id())));
        let (signed, mac) = l.rsplit_once(" mac=").unwrap();
        assert!(k.verify(signed.as_bytes(), &unhex32(mac).unwrap()));
        assert_eq!(r.mac, unhex32(mac));
        // The MAC stripped: parses (the verifier names it); `mack` and `mac` stripped: the
        // hash breaks; a MAC without `mack`: malformed.
        assert_eq!(parse(signed.as_bytes()).unwrap().mac, None);
        let no_id = signed.replace(&format!(" mack={id}"), "");
        assert!(!parse(no_id.as_bytes()).unwrap().hash_ok);
        let mac_only = l.replace(&format!(" mack={id}"), "");
        assert!(parse(mac_only.as_bytes()).is_none());
        let (plain, _) = line(
            2,
            "2026-12-01T23:55:00.000001Z",
            1,
            &entry(),
            &[1; 32],
            None,
        );
        assert!(parse(format!("{plain} mac={mac}").as_bytes()).is_none());
    }

    #[test]
    fn unknown_fields_are_dashes() {
        let mut e = entry();
        e.cards[0] = CardSeen::default();
        e.detail.clear();
        let (l, _) = line(1, "2026-12-01T23:55:00.000001Z", 1, &e, &ZERO_HASH, None);
        assert!(l.contains(" reader=- csn=- label=- outcome="), "{l}");
        assert_eq!(parse(l.as_bytes()).unwrap().entry, e);
    }

    #[test]
    fn time_format() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::new(1_796_083_200, 5_000);
        assert_eq!(time_text(t), "2026-12-01T00:00:00.000005Z");
        assert!(time_ok(&time_text(std::time::SystemTime::now())));
    }
}
