//! The key-storage verbs the console uses: CSNBKRL (Key Record List), CSNBKRR (Key Record Read)
//! and CSNBKRD (Key Record Delete), over the CKDS (docs/CSNBKRL.md, docs/CSNBKRR.md,
//! docs/CSNBKRD.md).
//!
//! CSNBKRL answers with the name of a list file it wrote. The console points the library at a
//! private directory of its own for those files ([`use_private_list_dir`], `$CSUDESLD`), reads
//! the file and removes it and the directory again: listing the CKDS leaves no file behind,
//! in the state directory or anywhere else.

use std::path::PathBuf;
use std::sync::OnceLock;

use std::os::unix::fs::DirBuilderExt;

use super::{Codes, Failure, Rules, Verb, field, input, text};

/// The environment variable CSNBKRL reads for the list files' directory (docs/CSNBKRL.md).
const LIST_DIR_VAR: &str = "CSUDESLD";

static LIST_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Points CSNBKRL's list files at a directory of this process's own (in the system's
/// temporary directory, created with mode 0700 only while a list is being read). Called from
/// main before any thread is started.
pub fn use_private_list_dir() {
    let base = std::env::temp_dir();
    // CSNBKRL refuses a file name over 64 bytes (8/72): `/tmp` when the temporary directory
    // has a long name.
    let base = if base.as_os_str().len() > 24 {
        PathBuf::from("/tmp")
    } else {
        base
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = base.join(format!("softcca-kl-{}-{nanos:x}", std::process::id()));
    // SAFETY: called from main before any thread is started and before the library is first
    // called, so nothing reads the environment concurrently.
    unsafe { std::env::set_var(LIST_DIR_VAR, &dir) };
    let _ = LIST_DIR.set(dir);
}

/// One record of a key-record-list file (CCA's 154-byte detail record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The record's label.
    pub label: String,
    /// The key type the library names (`DATA`, `MAC`, `IPINENC`, `DKYGENKY` …, `NO-KEY`,
    /// `ERROR`).
    pub key_type: String,
    /// `INTERNAL`, `NO-KEY` or `ERROR`.
    pub token_type: String,
    /// When the record was created (UTC, `ccyy-mm-dd hh:mm:ss`).
    pub created: String,
    /// When its token was last written.
    pub updated: String,
}

/// A failure of the console's own around CSNBKRL (its list file), reported as the verb's.
fn list_file_failure() -> Failure {
    // 12/197: what CSNBKRL answers when its list directory cannot be used.
    Failure {
        verb: "CSNBKRL",
        rc: 12,
        reason: 197,
    }
}

/// CSNBKRL over `pattern` (a label or a pattern with one `*`): the matching records.
pub fn list(pattern: &str) -> Verb<Vec<Listed>> {
    let dir = LIST_DIR.get().cloned();
    if let Some(d) = &dir {
        // Exclusive: a directory (or link) someone else made under this name is not used.
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(d)
            .map_err(|_| list_file_failure())?;
    }
    let result = list_into(pattern);
    if let Some(d) = &dir {
        if let Ok(name) = &result {
            let _ = std::fs::remove_file(&name.1);
        }
        let _ = std::fs::remove_file(d.join("kreclist.dat"));
        let _ = std::fs::remove_dir(d);
    }
    result.map(|r| r.0)
}

fn list_into(pattern: &str) -> Verb<(Vec<Listed>, PathBuf)> {
    let mut label = field::<64>(pattern);
    let mut name_len = 0i32;
    let mut name = [b' '; 64];
    let mut server = [b' '; 8];
    let mut codes = Codes::new();
    // SAFETY: key_label is 64 bytes; data_set_name has 64 bytes of room, security_server_name
    // 8; data_set_name_length is a fullword.
    unsafe {
        softcca::ffi::keyrec::CSNBKRL(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            label.as_mut_ptr(),
            &mut name_len,
            name.as_mut_ptr(),
            server.as_mut_ptr(),
        )
    };
    codes.check("CSNBKRL")?;
    let n = (name_len.max(0) as usize).min(64);
    let path = PathBuf::from(String::from_utf8_lossy(&name[..n]).into_owned());
    let bytes = std::fs::read(&path).map_err(|_| list_file_failure())?;
    Ok((parse_list(&bytes).ok_or_else(list_file_failure)?, path))
}

/// The detail records of a list file: a 154-byte header, then one 154-byte record per label
/// (label at 3, key type at 67, created at 92, updated at 113, token type at 133; CCA 2.54
/// "Key_Record_List").
fn parse_list(bytes: &[u8]) -> Option<Vec<Listed>> {
    const REC: usize = 154;
    if bytes.len() < REC
        || !bytes.len().is_multiple_of(REC)
        || !bytes.starts_with(b"DES KEY-RECORD-LIST")
    {
        return None;
    }
    Some(
        bytes[REC..]
            .chunks(REC)
            .map(|r| Listed {
                label: text(&r[3..67]),
                key_type: text(&r[67..75]),
                created: text(&r[92..111]),
                updated: text(&r[113..132]),
                token_type: text(&r[133..141]),
            })
            .collect(),
    )
}

/// What the console reads of a record's token: the documented fields of the 64-byte internal
/// token (docs/tokens.md), never its wrapped key parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenFacts {
    /// Byte 0: X'00' null, X'01' internal, others.
    pub kind: u8,
    /// Flag byte 1 has X'80': a key and its MKVP are present.
    pub has_key: bool,
    /// Bytes 8-15: the MKVP of the master key the key is wrapped under.
    pub mkvp: [u8; 8],
    /// Bytes 32-47: the control vector (right half zero for a single-length key).
    pub cv: [u8; 16],
}

impl TokenFacts {
    fn of(t: &[u8; 64]) -> Self {
        let mut mkvp = [0u8; 8];
        mkvp.copy_from_slice(&t[8..16]);
        let mut cv = [0u8; 16];
        cv.copy_from_slice(&t[32..48]);
        TokenFacts {
            kind: t[0],
            has_key: t[0] == 0x01 && t[6] & 0x80 != 0,
            mkvp,
            cv,
        }
    }
}

/// CSNBKRR of `label`: the facts of its token (the token itself is wiped here).
pub fn read(label: &str) -> Verb<TokenFacts> {
    let mut label = field::<64>(label);
    let mut token = zeroize::Zeroizing::new([0u8; 64]);
    let mut codes = Codes::new();
    // SAFETY: key_label is 64 bytes; key_token has 64 bytes of room.
    unsafe {
        softcca::ffi::keyrec::CSNBKRR(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            label.as_mut_ptr(),
            token.as_mut_ptr(),
        )
    };
    codes.check("CSNBKRR")?;
    Ok(TokenFacts::of(&token))
}

/// CSNBKRD of one `label`: `LABEL-DL` removes the record, `TOKEN-DL` empties its token.
pub fn delete(label: &str, whole_record: bool) -> Verb<()> {
    let mut rules = Rules::new(&[if whole_record { "LABEL-DL" } else { "TOKEN-DL" }]);
    let label = field::<64>(label);
    let mut codes = Codes::new();
    // SAFETY: key_identifier is 64 bytes (read only); the rule array holds one keyword.
    unsafe {
        softcca::ffi::keyrec::CSNBKRD(
            codes.rc(),
            codes.reason(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            rules.count(),
            rules.array(),
            input(&label),
        )
    };
    codes.check("CSNBKRD").map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_file_is_read_record_by_record() {
        let mut file = vec![b' '; 154 * 2];
        file[..19].copy_from_slice(b"DES KEY-RECORD-LIST");
        let r = &mut file[154..];
        r[3..3 + 9].copy_from_slice(b"A.B.LABEL");
        r[67..67 + 7].copy_from_slice(b"IPINENC");
        r[92..111].copy_from_slice(b"2026-12-02 05:00:00");
        r[113..132].copy_from_slice(b"2026-12-02 05:00:01");
        r[133..141].copy_from_slice(b"INTERNAL");
        let got = parse_list(&file).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].label, "A.B.LABEL");
        assert_eq!(got[0].key_type, "IPINENC");
        assert_eq!(got[0].token_type, "INTERNAL");
        assert_eq!(got[0].updated, "2026-12-02 05:00:01");
        assert_eq!(parse_list(&file[..200]), None);
        assert_eq!(parse_list(b"nonsense"), None);
    }
}
