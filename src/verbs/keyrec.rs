//! Key-record verbs over the CKDS: Key Record Create (CSNBKRC), Write (CSNBKRW), Read
//! (CSNBKRR), Delete (CSNBKRD) and List (CSNBKRL).
//!
//! IBM CCA Basic Services Reference 2.54, chapter 7 "Key-storage verbs" (pp. 7-1..7-40) and
//! IBM Docs "CCA for Linux on IBM Z", `wskc_r_krc`, `wskc_r_krw`, `wskc_r_krr`, `wskc_r_krd`,
//! `wskc_key_rec_list`. Labels follow docs/decisions.md F5; a new record holds a null key token.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::codes::{Notes, Warning};
use crate::error::{Error, Result};
use crate::label::{Label, LabelPattern};
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::{self, InternalToken};

/// The null key token a created record holds.
pub const NULL_TOKEN: [u8; 64] = [0; 64];

/// CSNBKRC: adds a record holding a null key token.
pub fn create(cp: &Coprocessor, label: &[u8; 64]) -> Result<()> {
    let label = Label::parse(label)?;
    cp.acp()?.require(points::KEY_RECORD_CREATE)?;
    cp.ckds().create(&label, &NULL_TOKEN)
}

/// Checks a token that may be stored: a null token or a valid internal token.
fn storable(token: &[u8; 64]) -> Result<()> {
    match token[0] {
        token::NULL => Ok(()),
        _ => InternalToken::parse(token).map(|_| ()),
    }
}

/// CSNBKRW: replaces the token of an existing record.
pub fn write(cp: &Coprocessor, token: &[u8; 64], label: &[u8; 64]) -> Result<()> {
    storable(token)?;
    let label = Label::parse(label)?;
    cp.acp()?.require(points::KEY_RECORD_WRITE)?;
    cp.ckds().write(&label, token)
}

/// CSNBKRR: reads a record's token; a null token is returned with warning 0/8.
pub fn read(cp: &Coprocessor, label: &[u8; 64], notes: &mut Notes) -> Result<[u8; 64]> {
    let label = Label::parse(label)?;
    cp.acp()?.require(points::KEY_RECORD_READ)?;
    let t = cp.ckds().read(&label)?;
    if t[0] == token::NULL {
        notes.warn(Warning::NullRecord);
    }
    Ok(t)
}

const DELETE_MODE: &[Keyword] = &[kw("TOKEN-DL"), kw("LABEL-DL")];

/// CSNBKRD: `TOKEN-DL` (default) replaces the token with a null token; `LABEL-DL` removes the
/// record. A label with a `*` wildcard acts on every matching record in one transaction; when
/// none matches the result is 4/158. An exact label that does not exist is 8/10012.
pub fn delete(cp: &Coprocessor, rules: &RuleArray, id: &[u8; 64]) -> Result<()> {
    let [mode] = rules.resolve(&[Group::optional(DELETE_MODE)])?;
    let whole_record = mode == Some(1);
    if id[0] < 0x20 {
        // A token is not a label: this verb deletes from key storage only.
        return Err(Error::LabelSyntax);
    }
    let pattern = LabelPattern::parse(id)?;
    if !pattern.as_str().contains('*') {
        Label::parse(id)?;
    }
    cp.acp()?.require(points::KEY_RECORD_DELETE)?;
    if !pattern.as_str().contains('*') {
        let label = Label::parse(id)?;
        return if whole_record {
            cp.ckds().delete(&label)
        } else {
            cp.ckds().write(&label, &NULL_TOKEN)
        };
    }
    let n = if whole_record {
        cp.ckds().delete_matching(&pattern)?
    } else {
        cp.ckds()
            .rewrite_matching(&pattern, |_| Ok(Some(NULL_TOKEN)))?
    };
    if n == 0 {
        Err(Error::NoRecordProcessed)
    } else {
        Ok(())
    }
}

/// What CSNBKRL returns.
pub struct ListResult {
    /// The full path of the list file.
    pub data_set_name: String,
}

/// The environment variable that overrides where list files go (as in CCA for Linux).
pub const ENV_LIST_DIR: &str = "CSUDESLD";

/// CSNBKRL: writes a key-record-list file for the records matching `pattern` and returns its
/// name. Files are `KYRLTnnn.LST` in `$CSUDESLD`, else `<state>/deslist/`; `nnn` runs 001..999
/// and wraps; the next index is kept in `kreclist.dat` beside them. Record layout: CCA 2.54
/// pp. 7-35..7-37 (154-byte header and detail records, CR/LF separated halves). No match
/// gives a file with zero detail records and 0/0.
pub fn list(cp: &Coprocessor, pattern: &[u8; 64]) -> Result<ListResult> {
    let pattern = LabelPattern::parse(pattern)?;
    cp.acp()?.require(points::KEY_RECORD_LIST)?;
    let records = cp.ckds().records(&pattern)?;
    let dir = std::env::var_os(ENV_LIST_DIR)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| cp.dir().join("deslist"));
    // Private like the state directory: softcca writes and truncates files here, so nobody
    // else may be able to plant links in it.
    crate::state::home::ensure(&dir)?;
    // kreclist.dat holds the next index; an exclusive lock on it makes choosing the number,
    // writing the list file and advancing the index one step per process.
    let mut index_file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(dir.join("kreclist.dat"))
        .map_err(|_| Error::KeyStorage)?;
    index_file.lock().map_err(|_| Error::KeyStorage)?;
    let mut text = String::new();
    let _ = index_file.read_to_string(&mut text);
    let index = text
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=999).contains(n))
        .unwrap_or(1);
    let path = dir.join(format!("KYRLT{index:03}.LST"));
    let name = path.to_str().ok_or(Error::StateDirectory)?.to_string();
    if name.len() > 64 {
        return Err(Error::OutputTooSmall);
    }
    let mut out = Vec::with_capacity(154 * (records.len() + 1));
    out.extend_from_slice(&header(&pattern, records.len()));
    for r in &records {
        out.extend_from_slice(&detail(r));
    }
    let mut nonce = [0u8; 8];
    crate::crypto::rng::fill(&mut nonce)?;
    let tmp = dir.join(format!(
        ".KYRLT{index:03}.{:016x}",
        u64::from_ne_bytes(nonce)
    ));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)
        .map_err(|_| Error::KeyStorage)?;
    f.write_all(&out).map_err(|_| Error::KeyStorage)?;
    f.sync_all().map_err(|_| Error::KeyStorage)?;
    fs::rename(&tmp, &path).map_err(|_| Error::KeyStorage)?;
    let next = if index >= 999 { 1 } else { index + 1 };
    index_file.set_len(0).map_err(|_| Error::KeyStorage)?;
    index_file
        .write_all_at(format!("{next:03}\n").as_bytes(), 0)
        .map_err(|_| Error::KeyStorage)?;
    // The lock is released when `index_file` is closed.
    Ok(ListResult {
        data_set_name: name,
    })
}

fn timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    civil(secs)
}

/// `ccyy-mm-dd hh:mm:ss` (UTC) for Unix time `t`.
pub fn civil(t: i64) -> String {
    let c = crate::civil::Civil::from_unix(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

fn put(rec: &mut [u8], off: usize, text: &[u8]) {
    rec[off..off + text.len()].copy_from_slice(text);
}

fn header(pattern: &LabelPattern, n: usize) -> [u8; 154] {
    let mut r = [b' '; 154];
    put(&mut r, 0, b"DES KEY-RECORD-LIST");
    put(&mut r, 26, timestamp().as_bytes());
    put(&mut r, 50, format!("{n:<6}").as_bytes());
    put(&mut r, 58, b"154 ");
    put(&mut r, 62, b"154 ");
    put(&mut r, 75, b"\r\n");
    put(&mut r, 77, pattern.as_str().as_bytes());
    put(&mut r, 152, b"\r\n");
    r
}

fn detail(rec: &crate::state::ckds::Record) -> [u8; 154] {
    let t = &rec.token;
    let mut r = [b' '; 154];
    put(&mut r, 3, rec.label.as_str().as_bytes());
    put(&mut r, 92, civil(rec.created).as_bytes());
    put(&mut r, 113, civil(rec.updated).as_bytes());
    let (key_type, token_type, mkvp) = match t[0] {
        token::NULL => ("NO-KEY".to_string(), "NO-KEY", String::new()),
        _ => match InternalToken::parse(t) {
            Ok(it) if it.has_key() => (
                key_type_name(&it),
                "INTERNAL",
                format!("{:02X}{:02X}", it.mkvp()[0], it.mkvp()[1]),
            ),
            Ok(it) => (key_type_name(&it), "NO-KEY", String::new()),
            Err(_) => {
                r[0] = b'*';
                ("ERROR".to_string(), "ERROR", String::new())
            }
        },
    };
    put(&mut r, 67, key_type.as_bytes());
    put(&mut r, 75, b"\r\n");
    put(&mut r, 77, mkvp.as_bytes());
    put(&mut r, 133, token_type.as_bytes());
    put(&mut r, 152, b"\r\n");
    r
}

fn key_type_name(t: &InternalToken) -> String {
    use crate::cv::KeyClass;
    match t.cv().class() {
        KeyClass::Data => "DATA",
        KeyClass::Mac => "MAC",
        KeyClass::MacVer => "MACVER",
        KeyClass::SecMsg => "SECMSG",
        KeyClass::IpinEnc => "IPINENC",
        KeyClass::OpinEnc => "OPINENC",
        KeyClass::DkyGenKy { .. } => "DKYGENKY",
        KeyClass::Other => "ERROR",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil(0), "1970-01-01 00:00:00");
        assert_eq!(super::civil(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(super::civil(1_795_000_000), "2026-11-18 11:06:40");
    }
}
