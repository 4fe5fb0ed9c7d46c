//! `audit tail` (the last records of the state directory's `audit.log`, parsed per
//! docs/audit.md §2) and `audit verify` (CSUAAVF).
//!
//! The log is read as a file, not through a verb: it is the directory's documented record
//! format, and reading it changes nothing. Values are percent-decoded for JSON; on the text
//! output a decoded value that holds anything but printable ASCII is shown still encoded, so a
//! hostile card's serial number or label cannot send escape sequences to the operator's
//! terminal.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::{Map, Value, json};

use crate::cca;
use crate::error::ConsoleError;
use crate::report::{Report, table};

/// The audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The last records of the audit log, one per line (--json: as objects).
    Tail {
        /// How many records.
        #[arg(short = 'n', long = "lines", default_value_t = 20)]
        lines: usize,
        /// Then print each new record as it is appended, until stopped (Ctrl-C); with
        /// --json one object per line.
        #[arg(short = 'f', long)]
        follow: bool,
    },
    /// Verify the audit log's chain (CSUAAVF): intact, or the first bad record and why.
    Verify {
        /// Also verify the MAC of every record that carries one (the directory's SVMK active).
        #[arg(long)]
        mac: bool,
    },
}

/// Runs an audit command (`json`: the `--json` option, for `tail --follow`'s lines).
pub fn run(cmd: &AuditCommand, json: bool) -> Result<Report, ConsoleError> {
    match cmd {
        AuditCommand::Tail {
            lines,
            follow: true,
        } => follow(*lines, json),
        AuditCommand::Tail { lines, .. } => tail(*lines),
        AuditCommand::Verify { mac } => verify(*mac),
    }
}

/// One field of a record: its key and value (percent-decoded bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The key (`seq`, `op`, `reader`, `d.user`, …).
    pub key: String,
    /// The value as written (percent-encoded).
    pub raw: String,
    /// The value decoded.
    pub value: Vec<u8>,
}

impl Field {
    /// The value for a person: decoded when it is printable ASCII, else as written.
    pub fn shown(&self) -> String {
        if self.value.iter().all(|b| (0x21..0x7f).contains(b)) {
            String::from_utf8_lossy(&self.value).into_owned()
        } else {
            self.raw.clone()
        }
    }
}

/// One line of the log: its fields, or `None` when it is not `key=value` tokens.
pub fn parse_record(line: &str) -> Option<Vec<Field>> {
    line.split(' ')
        .map(|token| {
            let (k, v) = token.split_once('=')?;
            if k.is_empty()
                || !k
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._".contains(&b))
            {
                return None;
            }
            Some(Field {
                key: k.to_string(),
                raw: v.to_string(),
                value: percent_decode(v)?,
            })
        })
        .collect()
}

fn percent_decode(v: &str) -> Option<Vec<u8>> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The fields a person reads first, then the details; the chain's own fields (`v`, `prev`,
/// `hash`, `mac`, `mack`) only in JSON.
const CHAIN_FIELDS: [&str; 5] = ["v", "prev", "hash", "mac", "mack"];

fn record_text(fields: &[Field]) -> String {
    let get = |k: &str| {
        fields
            .iter()
            .find(|f| f.key == k)
            .map_or_else(|| "-".into(), Field::shown)
    };
    let mut line = format!(
        "{:>5} {} {:<8} {:<4} {}/{}",
        get("seq"),
        get("time"),
        get("op"),
        get("outcome"),
        get("rc"),
        get("rs")
    );
    for f in fields {
        let shown_first = ["seq", "time", "op", "outcome", "rc", "rs"].contains(&f.key.as_str());
        if !shown_first && !CHAIN_FIELDS.contains(&f.key.as_str()) {
            line.push_str(&format!(" {}={}", f.key, f.shown()));
        }
    }
    line
}

fn record_json(fields: &[Field]) -> Value {
    let mut m = Map::new();
    let mut cards: Vec<Value> = Vec::new();
    let mut details = Map::new();
    for f in fields {
        let v = Value::String(String::from_utf8_lossy(&f.value).into_owned());
        match f.key.as_str() {
            "reader" => cards.push(json!({ "reader": v })),
            "csn" | "label" => {
                if let Some(Value::Object(c)) = cards.last_mut() {
                    c.insert(f.key.clone(), v);
                }
            }
            "seq" | "pid" | "rc" => {
                let n = f.raw.parse::<u64>().map(Value::from).unwrap_or(v);
                m.insert(f.key.clone(), n);
            }
            k => match k.strip_prefix("d.") {
                Some(d) => {
                    details.insert(d.to_string(), v);
                }
                None => {
                    m.insert(k.to_string(), v);
                }
            },
        }
    }
    if !cards.is_empty() {
        m.insert("cards".into(), Value::Array(cards));
    }
    m.insert("details".into(), Value::Object(details));
    Value::Object(m)
}

/// The state directory's audit log: `--home` or `$SOFTCCA_HOME` (the console does not guess
/// the library's default directory for a file it reads itself).
fn log_path() -> Result<PathBuf, ConsoleError> {
    match std::env::var_os("SOFTCCA_HOME").filter(|h| !h.is_empty()) {
        Some(h) => Ok(PathBuf::from(h).join("audit.log")),
        None => Err(ConsoleError::Usage(
            "audit tail reads the state directory's audit.log: give --home DIR or set SOFTCCA_HOME"
                .into(),
        )),
    }
}

/// The log opened for reading as the library opens it: no symbolic link followed, and only a
/// regular file (a FIFO or device is refused at once, never waited on).
fn open_log(path: &std::path::Path) -> Result<std::fs::File, ConsoleError> {
    use rustix::fs::{FileType, Mode, OFlags};
    let fail = |e: rustix::io::Errno| {
        let e: std::io::Error = e.into();
        ConsoleError::Io(format!("cannot read {}: {}", path.display(), e.kind()))
    };
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(fail)?;
    let st = rustix::fs::fstat(&fd).map_err(fail)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(ConsoleError::Io(format!(
            "{} is not a regular file: not read",
            path.display()
        )));
    }
    Ok(std::fs::File::from(fd))
}

/// The log's length, `None` while there is no log.
fn file_len(path: &std::path::Path) -> Result<Option<u64>, ConsoleError> {
    if std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    let f = open_log(path)?;
    f.metadata()
        .map(|m| Some(m.len()))
        .map_err(|e| ConsoleError::Io(format!("cannot read {}: {}", path.display(), e.kind())))
}

/// Bytes `from..to` of the log.
fn read_range(path: &std::path::Path, from: u64, to: u64) -> Result<Vec<u8>, ConsoleError> {
    use std::io::{Read, Seek, SeekFrom};
    let fail = |e: std::io::Error| {
        ConsoleError::Io(format!("cannot read {}: {}", path.display(), e.kind()))
    };
    let mut f = open_log(path)?;
    f.seek(SeekFrom::Start(from)).map_err(fail)?;
    let mut buf = Vec::new();
    f.take(to - from).read_to_end(&mut buf).map_err(fail)?;
    Ok(buf)
}

/// The end of the log holding at least its last `n` lines (the whole file when shorter): the
/// file opened without following a symbolic link and only when it is a regular file (as the
/// library opens it), read backwards from its end in blocks, so a long log is not read whole.
fn read_tail(path: &std::path::Path, n: usize) -> Result<(Vec<u8>, u64), ConsoleError> {
    use std::io::{Read, Seek, SeekFrom};
    let fail = |e: std::io::Error| {
        ConsoleError::Io(format!("cannot read {}: {}", path.display(), e.kind()))
    };
    let mut file = open_log(path)?;
    let size = file.seek(SeekFrom::End(0)).map_err(fail)?;
    const BLOCK: u64 = 64 * 1024;
    let mut start = size;
    let mut buf: Vec<u8> = Vec::new();
    while start > 0 && buf.iter().filter(|b| **b == b'\n').count() <= n {
        let from = start.saturating_sub(BLOCK);
        let mut block = vec![0u8; (start - from) as usize];
        file.seek(SeekFrom::Start(from)).map_err(fail)?;
        file.read_exact(&mut block).map_err(fail)?;
        block.extend_from_slice(&buf);
        buf = block;
        start = from;
    }
    if start > 0 {
        // Drop the partial first line of the window.
        if let Some(i) = buf.iter().position(|b| *b == b'\n') {
            buf.drain(..=i);
        }
    }
    Ok((buf, size))
}

/// One line of the log for a person and for a program.
fn line_report(line: &str) -> (String, Value) {
    match parse_record(line) {
        Some(fields) => (record_text(&fields), record_json(&fields)),
        None => {
            let shown: String = line
                .chars()
                .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
                .collect();
            (
                format!("    ? not a record: {shown}"),
                json!({ "malformed": true, "line": shown }),
            )
        }
    }
}

/// `audit tail -n N`.
pub fn tail(n: usize) -> Result<Report, ConsoleError> {
    tail_at(n).map(|(r, _)| r)
}

/// The report of `audit tail -n N` and the log's length it was read at.
fn tail_at(n: usize) -> Result<(Report, u64), ConsoleError> {
    if n == 0 {
        return Err(ConsoleError::Usage("-n must be at least 1".into()));
    }
    let path = log_path()?;
    let (bytes, size) = read_tail(&path, n)?;
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let last = &lines[lines.len().saturating_sub(n)..];
    let mut out = String::new();
    let mut records = Vec::new();
    for line in last {
        let (t, j) = line_report(line);
        out.push_str(&t);
        out.push('\n');
        records.push(j);
    }
    if records.is_empty() {
        out = "The audit log has no record.".into();
    }
    Ok((
        Report::new(
            out,
            json!({ "log": path.display().to_string(), "records": records }),
        ),
        size,
    ))
}

/// `audit tail --follow`: the last `n` records, then each new record as it is appended, one
/// per line (`--json`: one object per line), until the process is stopped or its output is
/// closed. The log is opened again at every look (every 300 ms), with the checks of
/// [`read_tail`]; a log that became shorter (moved away after damage, docs/audit.md §7) is
/// read again from its start, and a missing one waited for.
pub fn follow(n: usize, json_out: bool) -> Result<Report, ConsoleError> {
    use std::io::Write;
    let (first, mut seen) = tail_at(n)?;
    let path = log_path()?;
    let mut out = std::io::stdout().lock();
    let mut emit = |text: &str, j: &Value| -> bool {
        let r = if json_out {
            writeln!(out, "{j}")
        } else {
            writeln!(out, "{text}")
        };
        r.and_then(|()| out.flush()).is_ok()
    };
    let records = first.json["records"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (t, j) in first.text.lines().zip(&records) {
        if !emit(t, j) {
            return Ok(Report::new("", json!({})));
        }
    }
    let mut partial: Vec<u8> = Vec::new();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(300));
        // A log moved away (docs/audit.md §7) is waited for: the next append starts a new one.
        let len = file_len(&path)?.unwrap_or(0);
        if len < seen {
            seen = 0;
            partial.clear();
        }
        if len == seen {
            continue;
        }
        let mut bytes = partial;
        bytes.extend(read_range(&path, seen, len)?);
        seen = len;
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        partial = bytes.split_off(complete);
        for line in String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.is_empty())
        {
            let (t, j) = line_report(line);
            if !emit(&t, &j) {
                return Ok(Report::new("", json!({})));
            }
        }
    }
}

/// `audit verify`: exit 0 when the chain verified, else the finding (exit 4: CSUAAVF's return
/// code) with the first bad record.
pub fn verify(mac: bool) -> Result<Report, ConsoleError> {
    let v = cca::audit::verify(mac)?;
    let facts = json!({
        "intact": v.finding.is_none(),
        "records_checked": v.checked,
        "first_bad_record": v.first_bad,
        "last_hash": v.last_hash,
        "check": if mac { "MAC" } else { "CHAIN" },
    });
    match v.finding {
        None => Ok(Report::new(
            table([
                ("Audit log", "intact".to_string()),
                ("Records verified", v.checked.to_string()),
                ("Last hash", v.last_hash.clone()),
            ]) + "Note the count and the last hash: a later cut or rewritten tail is found only against them (docs/audit.md §5).\n",
            facts,
        )),
        Some(reason) => Err(ConsoleError::Finding {
            failure: cca::Failure {
                verb: "CSUAAVF",
                rc: 4,
                reason,
            },
            detail: format!(
                "the audit log breaks at record {} ({} records verified before it)",
                v.first_bad, v.checked
            ),
            facts,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_and_hostile_values_stay_encoded() {
        let line = "v=1 seq=3 time=2026-12-01T23:55:00.123456Z pid=4711 op=CSUCGLB \
                    reader=Virtual%20PCD%2000%2000 csn=5C0FCCA000000009 label=%1B%5B2J \
                    d.user=CUST1 outcome=OK rc=0 rs=0000 prev=00 hash=AB";
        let f = parse_record(line).unwrap();
        let t = record_text(&f);
        assert!(!t.contains('\u{1b}'), "{t:?}");
        assert!(t.contains("label=%1B%5B2J"), "{t}");
        assert!(t.contains("reader=Virtual%20PCD%2000%2000"), "{t}");
        assert!(t.contains("d.user=CUST1"), "{t}");
        assert!(!t.contains("hash="), "{t}");
        let j = record_json(&f);
        assert_eq!(j["seq"], 3);
        assert_eq!(j["cards"][0]["reader"], "Virtual PCD 00 00");
        assert_eq!(j["cards"][0]["label"], "\u{1b}[2J");
        assert_eq!(j["details"]["user"], "CUST1");
        assert_eq!(j["rs"], "0000");
        assert!(parse_record("not a record").is_none());
        assert!(parse_record("a=%G1").is_none());
    }
}
