//! The manifest of a directory backup (`MANIFEST`, docs/CSUABAK.md): what the backup is of,
//! when it was taken, and each file's name, length and SHA-256; in a bound directory also an
//! HMAC under a key derived from the server master key (SVMK).
//!
//! ```text
//! softcca-backup 1
//! directory <32 hex digits>
//! created <Unix seconds>
//! version <softcca version>
//! file <name> <length> <64 hex digits: SHA-256>
//! ...
//! mack <16 hex digits: the SVMK's check value>      (bound directories only)
//! mac <64 hex digits: HMAC-SHA-256 of every byte before this line>
//! ```

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::ct::ct_eq;
use crate::crypto::hmac::hmac_sha256;
use crate::error::{Error, Result};

/// The manifest's file name in a backup directory.
pub const FILE: &str = "MANIFEST";
/// Its first line: what says a directory is a softcca backup, and of which format.
pub const MAGIC: &str = "softcca-backup 1";
/// The longest manifest read.
pub const MAX_LEN: usize = 64 * 1024;
/// The label of the MAC key's derivation (distinct from the register and audit keys').
const MAC_LABEL: &[u8] = b"softcca/backup-mac/v1";

/// The files a backup may hold, and whether each must be there. Never the keyring, never
/// `softcca.gen`, never `audit.log` (docs/decisions.md D81).
pub const FILES: &[(&str, bool)] = &[
    ("softcca.id", true),
    ("acp.conf", true),
    ("masterkey.db", true),
    ("ckds.db", true),
    ("access.db", false),
    ("sets.db", false),
    ("access.closed", false),
];

/// Where a manifest's MAC line starts (the bytes it covers) and the MAC.
pub type MacLine = (usize, [u8; 32]);

/// One file of a backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEntry {
    /// Its name (one of [`FILES`]).
    pub name: String,
    /// Its length in bytes.
    pub len: u64,
    /// Its SHA-256.
    pub sha256: [u8; 32],
}

/// A parsed manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The state directory's id (`softcca.id`'s first line).
    pub directory: [u8; 16],
    /// When the backup was taken, Unix seconds.
    pub created: i64,
    /// The softcca version that wrote it.
    pub version: String,
    /// The files, in the order of [`FILES`].
    pub files: Vec<FileEntry>,
    /// The SVMK check value of the MAC key, when MAC'd (a bound directory).
    pub mack: Option<[u8; 8]>,
}

/// The MAC key of backups of directory `dir_id` under `svmk`: HMAC-SHA-256(SVMK,
/// `"softcca/backup-mac/v1"` ‖ directory id).
pub fn mac_key(svmk: &[u8; 32], dir_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
    hmac_sha256(svmk, &[MAC_LABEL, dir_id])
}

fn hex(bytes: &[u8]) -> String {
    crate::hex::hex(bytes).to_ascii_lowercase()
}

fn unhex<const N: usize>(s: &str) -> Result<[u8; N]> {
    let b = s.as_bytes();
    if b.len() != 2 * N || !b.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(Error::BackupDamaged);
    }
    let mut out = [0u8; N];
    for (i, pair) in b.chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).map_err(|_| Error::BackupDamaged)?;
        out[i] = u8::from_str_radix(s, 16).map_err(|_| Error::BackupDamaged)?;
    }
    Ok(out)
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl Manifest {
    /// The manifest's text; with `key` (and its SVMK check value) the `mack` and `mac` lines.
    pub fn render(&self, key: Option<(&[u8; 32], [u8; 8])>) -> String {
        let mut s = format!(
            "{MAGIC}\ndirectory {}\ncreated {}\nversion {}\n",
            hex(&self.directory),
            self.created,
            self.version
        );
        for f in &self.files {
            s.push_str(&format!("file {} {} {}\n", f.name, f.len, hex(&f.sha256)));
        }
        if let Some((k, id)) = key {
            s.push_str(&format!("mack {}\n", hex(&id)));
            let tag = hmac_sha256(k, &[s.as_bytes()]);
            s.push_str(&format!("mac {}\n", hex(&tag[..])));
        }
        s
    }

    /// Parses a manifest: [`Error::NotABackup`] when its first line is not [`MAGIC`],
    /// [`Error::BackupDamaged`] for anything else that is not exactly what [`Manifest::render`]
    /// writes (fields in order, each file at most once and in [`FILES`] order, the required
    /// ones present). Returns the manifest and, when MAC'd, the bytes the MAC covers and the
    /// MAC.
    pub fn parse(text: &[u8]) -> Result<(Manifest, Option<MacLine>)> {
        let first = text.split(|&b| b == b'\n').next().unwrap_or_default();
        if first != MAGIC.as_bytes() {
            return Err(Error::NotABackup);
        }
        let text = std::str::from_utf8(text).map_err(|_| Error::BackupDamaged)?;
        let body = text.strip_suffix('\n').ok_or(Error::BackupDamaged)?;
        let mut lines = body.split('\n').skip(1);
        let mut field = |name: &str| -> Result<&str> {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .ok_or(Error::BackupDamaged)
        };
        let directory = unhex::<16>(field("directory")?)?;
        let created = field("created")?;
        if created.is_empty() || !created.bytes().all(|c| c.is_ascii_digit()) || created.len() > 18
        {
            return Err(Error::BackupDamaged);
        }
        let created = created.parse::<i64>().map_err(|_| Error::BackupDamaged)?;
        let version = field("version")?.to_string();
        if version.is_empty()
            || version.len() > 32
            || !version
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b".-+".contains(&c))
        {
            return Err(Error::BackupDamaged);
        }
        let mut files = Vec::new();
        let mut next_allowed = 0;
        let mut mack = None;
        let mut mac = None;
        for line in lines.by_ref() {
            if mac.is_some() {
                // The MAC line is the last one.
                return Err(Error::BackupDamaged);
            }
            if let Some(rest) = line.strip_prefix("file ") {
                if mack.is_some() {
                    return Err(Error::BackupDamaged);
                }
                let mut parts = rest.split(' ');
                let (Some(name), Some(len), Some(hash), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return Err(Error::BackupDamaged);
                };
                let pos = FILES[next_allowed..]
                    .iter()
                    .position(|(n, _)| *n == name)
                    .ok_or(Error::BackupDamaged)?;
                if FILES[next_allowed..next_allowed + pos]
                    .iter()
                    .any(|(_, required)| *required)
                {
                    return Err(Error::BackupDamaged);
                }
                next_allowed += pos + 1;
                if len.is_empty() || len.len() > 19 || !len.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(Error::BackupDamaged);
                }
                files.push(FileEntry {
                    name: name.to_string(),
                    len: len.parse().map_err(|_| Error::BackupDamaged)?,
                    sha256: unhex(hash)?,
                });
            } else if let Some(rest) = line.strip_prefix("mack ") {
                if mack.is_some() {
                    return Err(Error::BackupDamaged);
                }
                mack = Some(unhex::<8>(rest)?);
            } else if let Some(rest) = line.strip_prefix("mac ") {
                if mack.is_none() || mac.is_some() {
                    return Err(Error::BackupDamaged);
                }
                // It covers every byte before its own line, which is the last.
                let covered = text.len() - (line.len() + 1);
                mac = Some((covered, unhex::<32>(rest)?));
            } else {
                return Err(Error::BackupDamaged);
            }
        }
        if FILES[next_allowed..].iter().any(|(_, required)| *required)
            || mack.is_some() != mac.is_some()
        {
            return Err(Error::BackupDamaged);
        }
        let m = Manifest {
            directory,
            created,
            version,
            files,
            mack,
        };
        Ok((m, mac))
    }
}

/// `true` when `mac` is the MAC under `key` of `text[..covered]` (constant time).
pub fn mac_verifies(key: &[u8; 32], text: &[u8], covered: usize, mac: &[u8; 32]) -> bool {
    let tag = hmac_sha256(key, &[&text[..covered]]);
    ct_eq(&tag[..], mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            directory: [0xAB; 16],
            created: 1_700_000_000,
            version: "0.1.0".into(),
            files: FILES
                .iter()
                .filter(|(_, r)| *r)
                .map(|(n, _)| FileEntry {
                    name: (*n).into(),
                    len: 3,
                    sha256: sha256(b"abc"),
                })
                .collect(),
            mack: None,
        }
    }

    #[test]
    fn round_trip_plain_and_macd() {
        let m = sample();
        let text = m.render(None);
        assert_eq!(Manifest::parse(text.as_bytes()).unwrap(), (m.clone(), None));
        let key = [7u8; 32];
        let text = m.render(Some((&key, [1; 8])));
        let (back, mac) = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(back.mack, Some([1; 8]));
        let (covered, tag) = mac.unwrap();
        assert!(mac_verifies(&key, text.as_bytes(), covered, &tag));
        assert!(!mac_verifies(&[8u8; 32], text.as_bytes(), covered, &tag));
        // An edited field under the same MAC line does not verify.
        let edited = text.replace("created 1700000000", "created 1700000001");
        let (_, mac) = Manifest::parse(edited.as_bytes()).unwrap();
        let (covered, tag) = mac.unwrap();
        assert!(!mac_verifies(&key, edited.as_bytes(), covered, &tag));
    }

    #[test]
    fn malformed_manifests_are_refused() {
        let good = sample().render(None);
        assert_eq!(
            Manifest::parse(b"not a backup\n").err(),
            Some(Error::NotABackup)
        );
        for bad in [
            good.trim_end().to_string(),
            good.replace("directory ", "directory  "),
            good.replace("file ckds.db", "file ../ckds.db"),
            good.replace("file acp.conf 3", "file acp.conf 3x"),
            good.replace("file masterkey.db", "file audit.log"),
            good.replace("file softcca.id 3", "file softcca.id 3 3"),
            format!("{good}file ckds.db 3 {}\n", hex(&sha256(b"abc"))),
            good.replace(&format!("file ckds.db 3 {}\n", hex(&sha256(b"abc"))), ""),
            format!("{good}mack 0101010101010101\n"),
            format!("{good}mac {}\n", "00".repeat(32)),
            format!("{good}extra\n"),
        ] {
            assert_eq!(
                Manifest::parse(bad.as_bytes()).err(),
                Some(Error::BackupDamaged),
                "{bad:?}"
            );
        }
    }
}
