//! Access control: which access-control points (ACPs) are enabled, like a CCA role
//! (docs/decisions.md F11), plus softcca's own settings.
//!
//! Kept per state directory in `acp.conf`, a plain-text file read again whenever it changes
//! (size, modification time or inode). One entry per line, `#` starts a comment:
//!
//! ```text
//! X'0290' on              # Diversified Key Generate - DKYGENKY - DALL
//! 0313 off                # PTR Enhanced PIN Security
//! derived-key-parity raw  # docs/decisions.md F6: use card keys without odd-parity adjustment
//! ```
//!
//! Offsets are hexadecimal, with or without `X'…'` or `0x`. A line that cannot be read makes
//! every verb that consults access control fail (rc 12): a typo must not silently fall back to
//! a default. So does a missing, empty or symlinked file: the defaults are written only when
//! the state directory is initialised ([`super::init`]).
//!
//! A process looks at the file (one `statx`) at most every 50 ms, so an edit takes effect
//! within 50 ms in every process; `SOFTCCA_ACP_RECHECK_MS` (read when the state directory is
//! opened) sets another interval, 0 meaning every call. The check costs about as much as the
//! rest of a PIN Change/Unblock call's overhead, which is why it is not made on every call.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::dir::StateDir;
use super::init::ACP_FILE;
use crate::error::{Error, Result};

/// ACP offsets this library consults, with their CCA names.
pub mod points {
    /// MAC Generate (CSNBMGN).
    pub const MAC_GENERATE: u16 = 0x0010;
    /// MAC Verify (CSNBMVR).
    pub const MAC_VERIFY: u16 = 0x0011;
    /// Load First Master Key Part.
    pub const MK_LOAD_FIRST: u16 = 0x0018;
    /// Combine Master Key Parts (MIDDLE, LAST).
    pub const MK_COMBINE: u16 = 0x0019;
    /// Set Master Key.
    pub const MK_SET: u16 = 0x001A;
    /// Load First Key Part (Key Part Import FIRST).
    pub const KPI_FIRST: u16 = 0x001B;
    /// Combine Key Parts (Key Part Import MIDDLE and LAST).
    pub const KPI_COMBINE: u16 = 0x001C;
    /// Compute Verification Pattern (Key Test).
    pub const KEY_TEST: u16 = 0x001D;
    /// Generate Random Master Key.
    pub const MK_RANDOM: u16 = 0x0020;
    /// Clear New Master Key Register.
    pub const MK_CLEAR_NEW: u16 = 0x0032;
    /// Key Part Import - ADD-PART.
    pub const KPI_ADD_PART: u16 = 0x0278;
    /// Key Part Import - complete key (COMPLETE).
    pub const KPI_COMPLETE: u16 = 0x0279;
    /// Key Part Import - Unrestricted: allows double-length keys with replicated halves.
    pub const KPI_UNRESTRICTED: u16 = 0x027A;
    /// Key Generate - OP.
    pub const KEY_GENERATE: u16 = 0x008E;
    /// Re-encipher to Current Master Key (Key Token Change RTCMK).
    pub const RTCMK: u16 = 0x0090;
    /// Clear PIN Encrypt.
    pub const CLEAR_PIN_ENCRYPT: u16 = 0x00AF;
    /// Diversified Key Generate - TDES-ENC.
    pub const DKG_TDES_ENC: u16 = 0x0041;
    /// Diversified Key Generate - TDES-DEC.
    pub const DKG_TDES_DEC: u16 = 0x0042;
    /// Diversified Key Generate - SESS-XOR.
    pub const DKG_SESS_XOR: u16 = 0x0043;
    /// Diversified Key Generate - TDES-XOR.
    pub const DKG_TDES_XOR: u16 = 0x0045;
    /// Diversified Key Generate - TDESEMV2/TDESEMV4.
    pub const DKG_TDESEMV: u16 = 0x0046;
    /// ISO PIN blocks do not check PIN digits.
    pub const ISO_NO_DIGIT_CHECK: u16 = 0x0055;
    /// PIN Change/Unblock - change EMV PIN with OPINENC.
    pub const PCU_OPINENC: u16 = 0x00BC;
    /// PIN Change/Unblock - change EMV PIN with IPINENC.
    pub const PCU_IPINENC: u16 = 0x00BD;
    /// Diversified Key Generate - DKYGENKY - DALL.
    pub const DKYGENKY_DALL: u16 = 0x0290;
    /// PTR Enhanced PIN Security.
    pub const ENHANCED_PIN_SECURITY: u16 = 0x0313;
    /// Disallow PIN block format ISO-1.
    pub const DISALLOW_ISO1: u16 = 0x032F;
    /// General ISO PIN Error Security.
    pub const GENERAL_ISO_PIN_ERROR: u16 = 0x039F;
    /// softcca's own point (offsets X'F000' and up are softcca's, not IBM's): Diversified Key
    /// Generate may make a single-length key (TDES-ENC / TDES-DEC with 8 bytes of data) from a
    /// double-length generating key. Off: such a key is one half of a double-length key the
    /// generating key derives (E_MDK(PAN‖PSN) is the left half of the card key), and a
    /// single-length key falls to one 2^56 search (docs/decisions.md D26).
    pub const DKG_SINGLE_LENGTH: u16 = 0xF001;
    /// softcca's own point: Key parts without dual control. On, one profile (or a caller with
    /// no logon) may load every part of a key (CSNBKPI) or of the new master key (CSNBMKP) and
    /// complete or set it; off, the parts must come from two different logged-on profiles
    /// ([`crate::access::dual`], docs/decisions.md D69). On in the defaults and in a
    /// directory's legacy `acp.conf`, so existing directories keep working.
    pub const KEY_PARTS_SINGLE_CUSTODIAN: u16 = 0xF040;
    /// Initialize access-control system (CSUAACI INIT-AC).
    pub const INIT_AC: u16 = 0x0112;
    /// Change user profile expiration date (CSUAACI CHGEXPDT).
    pub const CHANGE_EXPIRY: u16 = 0x0113;
    /// Change user profile authentication data (CSUAACI CHG-AD).
    pub const CHANGE_AUTH: u16 = 0x0114;
    /// Reset user profile logon-attempt-failure count (CSUAACI RESET-FC).
    pub const RESET_FAILURES: u16 = 0x0115;
    /// Read public access-control information (CSUAACM LSTPROFS, GET-PROF, ...).
    pub const READ_AC: u16 = 0x0116;
    /// Delete user profile (CSUAACM DEL-PROF).
    pub const DELETE_PROFILE: u16 = 0x0117;
    /// Delete role (CSUAACM DEL-ROLE).
    pub const DELETE_ROLE: u16 = 0x0118;

    /// Every point above with its default state (docs/decisions.md F11) and name, in offset order.
    pub const DEFAULTS: &[(u16, bool, &str)] = &[
        (MAC_GENERATE, true, "MAC Generate"),
        (MAC_VERIFY, true, "MAC Verify"),
        (MK_LOAD_FIRST, true, "Load First Master Key Part"),
        (MK_COMBINE, true, "Combine Master Key Parts"),
        (MK_SET, true, "Set Master Key"),
        (KPI_FIRST, true, "Load First Key Part"),
        (KPI_COMBINE, true, "Combine Key Parts"),
        (KEY_TEST, true, "Compute Verification Pattern"),
        (MK_RANDOM, true, "Generate Random Master Key"),
        (MK_CLEAR_NEW, true, "Clear New Master Key Register"),
        (DKG_TDES_ENC, true, "Diversified Key Generate - TDES-ENC"),
        (DKG_TDES_DEC, true, "Diversified Key Generate - TDES-DEC"),
        (DKG_SESS_XOR, true, "Diversified Key Generate - SESS-XOR"),
        (DKG_TDES_XOR, true, "Diversified Key Generate - TDES-XOR"),
        (
            DKG_TDESEMV,
            true,
            "Diversified Key Generate - TDESEMV2/TDESEMV4",
        ),
        (
            ISO_NO_DIGIT_CHECK,
            true,
            "ISO PIN blocks do not check PIN digits",
        ),
        (KEY_GENERATE, true, "Key Generate - OP"),
        (RTCMK, true, "Reencipher to Current Master Key"),
        (CLEAR_PIN_ENCRYPT, true, "Clear PIN Encrypt"),
        (
            PCU_OPINENC,
            false,
            "PIN Change/Unblock - change EMV PIN with OPINENC",
        ),
        (
            PCU_IPINENC,
            true,
            "PIN Change/Unblock - change EMV PIN with IPINENC",
        ),
        (KPI_ADD_PART, true, "Key Part Import - ADD-PART"),
        (KPI_COMPLETE, true, "Key Part Import - complete key"),
        (KPI_UNRESTRICTED, false, "Key Part Import - Unrestricted"),
        (
            DKYGENKY_DALL,
            false,
            "Diversified Key Generate - DKYGENKY - DALL",
        ),
        (ENHANCED_PIN_SECURITY, false, "PTR Enhanced PIN Security"),
        (DISALLOW_ISO1, false, "Disallow PIN block format ISO-1"),
        (
            GENERAL_ISO_PIN_ERROR,
            false,
            "General ISO PIN Error Security",
        ),
        (
            DKG_SINGLE_LENGTH,
            false,
            "softcca: Diversified Key Generate - single-length key from a double-length key",
        ),
        (
            KEY_PARTS_SINGLE_CUSTODIAN,
            true,
            "softcca: Key parts without dual control",
        ),
    ];
}

/// The environment variable that sets how often (ms) a process re-checks `acp.conf`.
pub const ENV_RECHECK_MS: &str = "SOFTCCA_ACP_RECHECK_MS";
/// Default re-check interval.
pub const DEFAULT_RECHECK_MS: u64 = 50;

/// The name of the setting for docs/decisions.md F6.
pub const SETTING_PARITY: &str = "derived-key-parity";

/// A parsed access-control configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcpConfig {
    points: BTreeMap<u16, bool>,
    /// docs/decisions.md F6: `true` (default) odd-adjusts the authentication code's key and the card
    /// key before use; `false` uses them raw.
    pub adjust_derived_parity: bool,
}

impl Default for AcpConfig {
    fn default() -> Self {
        AcpConfig {
            points: points::DEFAULTS.iter().map(|&(o, on, _)| (o, on)).collect(),
            adjust_derived_parity: true,
        }
    }
}

impl AcpConfig {
    /// `true` when the point at `offset` is enabled (points never mentioned are disabled).
    pub fn enabled(&self, offset: u16) -> bool {
        self.points.get(&offset).copied().unwrap_or(false)
    }

    /// `Ok` when enabled, else 8/90 naming the point.
    pub fn require(&self, offset: u16) -> Result<()> {
        if self.enabled(offset) {
            Ok(())
        } else {
            Err(Error::AccessDenied(offset))
        }
    }

    /// Parses the text of an `acp.conf`. Points the file does not list are off (a role lists
    /// what it permits); `derived-key-parity` defaults to `odd`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut cfg = AcpConfig {
            points: BTreeMap::new(),
            adjust_derived_parity: true,
        };
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut words = line.split_whitespace();
            let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else {
                return Err(Error::AcpConfigSyntax);
            };
            if name == SETTING_PARITY {
                cfg.adjust_derived_parity = match value {
                    "odd" => true,
                    "raw" => false,
                    _ => return Err(Error::AcpConfigSyntax),
                };
                continue;
            }
            let on = match value {
                "on" => true,
                "off" => false,
                _ => return Err(Error::AcpConfigSyntax),
            };
            cfg.points.insert(parse_offset(name)?, on);
        }
        Ok(cfg)
    }

    /// The default file's text, with every known point and its name.
    pub fn default_text() -> String {
        let mut s = String::from(
            "# softcca access control for this state directory (like a CCA role).\n\
             # One entry per line: <offset in hex> on|off. Edits take effect within 50 ms.\n\
             # Points not listed are off. See docs/state.md.\n",
        );
        for &(o, on, name) in points::DEFAULTS {
            s.push_str(&format!(
                "X'{o:04X}' {:<3}  # {name}\n",
                if on { "on" } else { "off" }
            ));
        }
        s.push_str(&format!(
            "# docs/decisions.md F6: odd = parity-adjust the card keys (pyemv, jPOS, HSM-checked); raw = IBM's text\n{SETTING_PARITY} odd\n"
        ));
        s
    }
}

fn parse_offset(s: &str) -> Result<u16> {
    let hex = s
        .strip_prefix("X'")
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| s.strip_prefix("0x"))
        .unwrap_or(s);
    if hex.is_empty() || hex.len() > 4 {
        return Err(Error::AcpConfigSyntax);
    }
    u16::from_str_radix(hex, 16).map_err(|_| Error::AcpConfigSyntax)
}

/// `acp.conf`, read relative to the kept state-directory descriptor (never by path), re-read
/// when its inode, size, mtime or ctime change; each thread looks at it at most once per
/// re-check interval.
pub struct AcpFile {
    dir: Arc<StateDir>,
    /// This file's number (see [`ThreadAcp::owner`]).
    instance: u64,
    epoch: Instant,
    recheck_ns: u64,
}

/// Numbers the `AcpFile`s a process opens.
static INSTANCES: AtomicU64 = AtomicU64::new(1);

/// What one thread last read from `acp.conf`.
struct ThreadAcp {
    /// The `AcpFile` it belongs to.
    owner: u64,
    /// Nanoseconds after the file's epoch of the last look at the file.
    checked_at: u64,
    stamp: FileStamp,
    config: Arc<AcpConfig>,
}

thread_local! {
    /// Per thread, so calls on different cores share no lock.
    static THREAD_ACP: RefCell<Option<ThreadAcp>> = const { RefCell::new(None) };
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_ns: i64,
    ctime: i64,
    ctime_ns: i64,
}

impl FileStamp {
    // The `stat` field types differ between architectures.
    #[allow(clippy::unnecessary_cast)]
    fn of(m: &rustix::fs::Stat) -> Self {
        FileStamp {
            ino: m.st_ino as u64,
            size: m.st_size as u64,
            mtime: m.st_mtime as i64,
            mtime_ns: m.st_mtime_nsec as i64,
            // ctime cannot be set by `touch -r` or `cp -p`, so an edit that restores the
            // modification time is still seen.
            ctime: m.st_ctime as i64,
            ctime_ns: m.st_ctime_nsec as i64,
        }
    }
}

impl AcpFile {
    /// The file of `dir`. Nothing is written: the defaults are written only when the directory
    /// is initialised ([`super::init`]).
    pub fn open(dir: Arc<StateDir>) -> Self {
        let recheck_ms = std::env::var(ENV_RECHECK_MS)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_RECHECK_MS);
        AcpFile {
            dir,
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            epoch: Instant::now(),
            recheck_ns: recheck_ms.saturating_mul(1_000_000),
        }
    }

    /// The configuration as the file said at most the re-check interval ago.
    pub fn get(&self) -> Result<Arc<AcpConfig>> {
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        // `try_with`: once this thread's storage is torn down the file is simply read again.
        let fresh = THREAD_ACP
            .try_with(|t| match &*t.borrow() {
                Some(a)
                    if a.owner == self.instance
                        && now.saturating_sub(a.checked_at) < self.recheck_ns =>
                {
                    Some(Arc::clone(&a.config))
                }
                _ => None,
            })
            .ok()
            .flatten();
        if let Some(cfg) = fresh {
            return Ok(cfg);
        }
        self.read_now(now)
    }

    /// Looks at the file now (one `fstatat` relative to the directory descriptor, not
    /// following a symbolic link); re-parses it when its stamp changed. A missing, symlinked,
    /// empty or unreadable file fails closed (12/197): deleting the role must not re-enable
    /// the defaults.
    fn read_now(&self, now: u64) -> Result<Arc<AcpConfig>> {
        let m = match self.dir.stat(ACP_FILE) {
            Ok(m) => m,
            Err(rustix::io::Errno::NOENT) => return Err(Error::StateFileMissing),
            Err(_) => return Err(Error::StateDirectory),
        };
        if rustix::fs::FileType::from_raw_mode(m.st_mode) != rustix::fs::FileType::RegularFile {
            return Err(Error::StateFileNotRegular);
        }
        let stamp = FileStamp::of(&m);
        let unchanged = THREAD_ACP
            .try_with(|t| match &mut *t.borrow_mut() {
                Some(a) if a.owner == self.instance && a.stamp == stamp => {
                    a.checked_at = now;
                    Some(Arc::clone(&a.config))
                }
                _ => None,
            })
            .ok()
            .flatten();
        if let Some(cfg) = unchanged {
            return Ok(cfg);
        }
        let (bytes, read) = self.dir.read_file(ACP_FILE)?;
        // An empty file is a truncated one (the file written at initialisation is never empty;
        // a role that permits nothing says so in a comment line).
        if bytes.is_empty() {
            return Err(Error::StateFileDamaged);
        }
        let text = String::from_utf8(bytes).map_err(|_| Error::AcpConfigSyntax)?;
        let config = Arc::new(AcpConfig::parse(&text)?);
        let _ = THREAD_ACP.try_with(|t| {
            *t.borrow_mut() = Some(ThreadAcp {
                owner: self.instance,
                checked_at: now,
                // The stamp of the descriptor the text was read through.
                stamp: FileStamp::of(&read),
                config: Arc::clone(&config),
            })
        });
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_parse() {
        let d = AcpConfig::default();
        assert!(d.enabled(points::PCU_IPINENC) && !d.enabled(points::PCU_OPINENC));
        assert!(!d.enabled(points::DKYGENKY_DALL));
        assert!(d.enabled(points::ISO_NO_DIGIT_CHECK));
        assert_eq!(AcpConfig::parse(&AcpConfig::default_text()).unwrap(), d);
        // A point the file does not list is off, whatever its default.
        let listed_one = AcpConfig::parse("X'0290' off\n").unwrap();
        assert!(!listed_one.enabled(points::PCU_OPINENC));
        assert!(!listed_one.enabled(points::ISO_NO_DIGIT_CHECK));
        let c = AcpConfig::parse("X'0290' on\n0x00BD off # x\n032F on\nderived-key-parity raw\n")
            .unwrap();
        assert!(c.enabled(0x0290) && !c.enabled(0x00BD) && c.enabled(0x032F));
        assert!(!c.adjust_derived_parity);
        assert_eq!(c.require(0x00BD), Err(Error::AccessDenied(0x00BD)));
        for bad in [
            "00BC of",
            "XYZ on",
            "00BC",
            "00BC on extra",
            "12345 on",
            "derived-key-parity even",
        ] {
            assert_eq!(AcpConfig::parse(bad), Err(Error::AcpConfigSyntax), "{bad}");
        }
    }
}
