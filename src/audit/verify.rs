//! Verification of the chain (docs/audit.md §4): record by record from the genesis record,
//! stopping at the first bad one and saying why; with the MAC key of the active SVMK, also
//! every MAC'd record's MAC (docs/audit.md §6).

use std::io::{BufRead, BufReader, Read};

use super::log::AuditLog;
use super::mac::MacKey;
use super::record::{self, GENESIS, MAX_LINE, ZERO_HASH};
use crate::codes::Warning;
use crate::error::{Error, Result};

/// Why a record is bad, in the order the verifier checks a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The line cannot be read as a record (or is longer than a record may be).
    Malformed,
    /// The record's hash is not SHA-256 of its body: a field was edited.
    Edited,
    /// The sequence number is not the record's position (a record removed, inserted or moved).
    Sequence,
    /// `prev` is not the previous record's hash.
    Link,
    /// The first record is not this directory's genesis record, or a later one is a genesis.
    Genesis,
    /// The last line has no end of line.
    Torn,
    /// There is no log.
    Missing,
    /// The record's hashed body names a MAC key (`mack=`) but the record has no `mac=`: the
    /// MAC was stripped.
    MacMissing,
    /// MAC check: the record's MAC does not verify under the active SVMK's key, or it names
    /// another key: the record was forged or rewritten.
    MacForged,
}

impl Fault {
    /// The finding's warning (its return and reason code, src/codes.rs).
    pub fn warning(self) -> Warning {
        match self {
            Fault::Malformed => Warning::AuditMalformedRecord,
            Fault::Edited => Warning::AuditRecordEdited,
            Fault::Sequence => Warning::AuditSequence,
            Fault::Link => Warning::AuditBrokenLink,
            Fault::Genesis => Warning::AuditGenesis,
            Fault::Torn => Warning::AuditTornTail,
            Fault::Missing => Warning::AuditLogMissing,
            Fault::MacMissing => Warning::AuditMacMissing,
            Fault::MacForged => Warning::AuditMacForged,
        }
    }
}

/// What the verification found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// Records that verified, from the genesis record on (all of them when `fault` is `None`).
    pub checked: u64,
    /// The position (= expected sequence number) of the first bad record; 0 when none.
    pub first_bad: u64,
    /// Why that record is bad.
    pub fault: Option<Fault>,
    /// The hash of the last record that verified (zeros when none): an auditor who notes it
    /// with `checked` can later tell whether the log was cut or rewritten (docs/audit.md §5).
    pub last_hash: [u8; 32],
}

/// Verifies the log of `log`'s directory; with `mac` (the MAC key of the directory's active
/// SVMK), also the MAC of every record that names a MAC key.
pub fn verify(log: &AuditLog, mac: Option<&MacKey>) -> Result<Report> {
    match log.open_read()? {
        None => Ok(Report {
            checked: 0,
            first_bad: 1,
            fault: Some(Fault::Missing),
            last_hash: ZERO_HASH,
        }),
        Some(fd) => verify_lines(
            BufReader::new(std::fs::File::from(fd)),
            log.directory_id(),
            &log.genesis().detail,
            mac,
        ),
    }
}

/// Verifies the lines of `input`; the genesis record must carry `genesis` as its details
/// (its `directory` detail is not compared when `directory_id` is `None`); with `mac`, every
/// record that names a MAC key must carry a MAC that verifies under it.
pub fn verify_lines(
    mut input: impl BufRead,
    directory_id: Option<[u8; 16]>,
    genesis: &[(String, Vec<u8>)],
    mac: Option<&MacKey>,
) -> Result<Report> {
    let mut checked = 0u64;
    let mut last = ZERO_HASH;
    let mut buf = Vec::with_capacity(512);
    loop {
        let n = checked + 1;
        let bad = |fault| Report {
            checked,
            first_bad: n,
            fault: Some(fault),
            last_hash: last,
        };
        buf.clear();
        (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|_| Error::AuditLogUnavailable)?;
        let Some(line) = buf.strip_suffix(b"\n") else {
            return Ok(match buf.len() {
                0 => Report {
                    checked,
                    first_bad: 0,
                    fault: None,
                    last_hash: last,
                },
                l if l > MAX_LINE => bad(Fault::Malformed),
                _ => bad(Fault::Torn),
            });
        };
        let Some(r) = record::parse(line) else {
            return Ok(bad(Fault::Malformed));
        };
        if !r.hash_ok {
            return Ok(bad(Fault::Edited));
        }
        if let Some(id) = r.mack {
            let Some(tag) = r.mac else {
                return Ok(bad(Fault::MacMissing));
            };
            if let Some(key) = mac {
                let signed = line
                    .windows(5)
                    .rposition(|w| w == b" mac=")
                    .map_or(line, |i| &line[..i]);
                if id != key.id() || !key.verify(signed, &tag) {
                    return Ok(bad(Fault::MacForged));
                }
            }
        }
        if r.seq != n {
            return Ok(bad(Fault::Sequence));
        }
        if r.prev != last {
            return Ok(bad(Fault::Link));
        }
        let is_genesis = r.entry.op == GENESIS;
        let genesis_ok = is_genesis
            && r.entry.cards.is_empty()
            && (r.entry.rc, r.entry.rs) == (0, 0)
            && r.entry.detail.len() == genesis.len()
            && r.entry.detail.iter().zip(genesis).all(|(got, want)| {
                got.0 == want.0
                    && (got.1 == want.1 || (got.0 == "directory" && directory_id.is_none()))
            });
        if (n == 1 && !genesis_ok) || (n > 1 && is_genesis) {
            return Ok(bad(Fault::Genesis));
        }
        checked = n;
        last = r.hash;
    }
}
