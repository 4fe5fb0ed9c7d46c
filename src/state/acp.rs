//! Access control: the access-control points (ACPs) of the calling thread's effective role
//! (docs/access-control.md, docs/decisions.md F11, D60-D63), plus softcca's own settings.
//!
//! Kept per state directory in `acp.conf`, a plain-text file read again whenever it changes
//! (size, modification time, ctime or inode): the directory's settings and its roles
//! ([`crate::access::conf`]; a file written before roles existed is the legacy form, the
//! DEFAULT role). A file that cannot be read makes every verb that consults access control
//! fail (12/197): a typo must not silently fall back to a default. So does a missing, empty
//! or symlinked file: the defaults are written only when the state directory is initialised
//! ([`super::init`]).
//!
//! A process looks at the file (one `statx`) at most every 50 ms, so an edit takes effect
//! within 50 ms in every process; `SOFTCCA_ACP_RECHECK_MS` (read when the state directory is
//! opened) sets another interval, 0 meaning every call. The check costs about as much as the
//! rest of a PIN Change/Unblock call's overhead, which is why it is not made on every call.
//! Choosing the role adds no system call: a thread that has not logged on gets DEFAULT's
//! configuration from the same per-thread cache.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use super::dir::StateDir;
use super::init::ACP_FILE;
use crate::access::conf::{self, Conf, Settings};
use crate::access::context::{Logon, Name8};
use crate::access::role::{DEFAULT, Role};
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
    pub const AC_INIT: u16 = 0x0112;
    /// Change user profile expiration date (CSUAACI CHGEXPDT).
    pub const AC_CHANGE_EXPIRY: u16 = 0x0113;
    /// Change user profile authentication data (CSUAACI CHG-AD).
    pub const AC_CHANGE_AUTH: u16 = 0x0114;
    /// Reset user profile logon-attempt-failure count (CSUAACI RESET-FC).
    pub const AC_RESET_FAILURES: u16 = 0x0115;
    /// Read public access-control information (CSUAACM LSTROLES, GET-ROLE, LSTPROFS, GET-PROF,
    /// Q-NUM-RP).
    pub const AC_READ: u16 = 0x0116;
    /// Delete user profile (CSUAACM DEL-PROF).
    pub const AC_DELETE_PROFILE: u16 = 0x0117;
    /// Delete role (CSUAACM DEL-ROLE).
    pub const AC_DELETE_ROLE: u16 = 0x0118;
    /// softcca: Key Record Create (CSNBKRC).
    pub const KEY_RECORD_CREATE: u16 = 0xF010;
    /// softcca: Key Record Write (CSNBKRW).
    pub const KEY_RECORD_WRITE: u16 = 0xF011;
    /// softcca: Key Record Delete (CSNBKRD).
    pub const KEY_RECORD_DELETE: u16 = 0xF012;
    /// softcca: Key Record Read (CSNBKRR).
    pub const KEY_RECORD_READ: u16 = 0xF013;
    /// softcca: Key Record List (CSNBKRL).
    pub const KEY_RECORD_LIST: u16 = 0xF014;
    /// softcca: Create Server Master Key set (CSUCSVK).
    pub const SET_CREATE_SVMK: u16 = 0xF020;
    /// softcca: Create Partition Authorisation Set (CSUCPAS).
    pub const SET_CREATE_PARTITION: u16 = 0xF021;
    /// softcca: Copy Set (CSUCCST).
    pub const SET_COPY: u16 = 0xF022;
    /// softcca: Bind Directory (CSUCBND).
    pub const DIR_BIND: u16 = 0xF023;
    /// softcca: Activate (CSUCACT).
    pub const DIR_ACTIVATE: u16 = 0xF024;
    /// softcca: Deactivate (CSUADAC).
    pub const DIR_DEACTIVATE: u16 = 0xF025;
    /// softcca: Bind Partition (CSUCPBD).
    pub const DIR_BIND_PARTITION: u16 = 0xF026;
    /// softcca: Authorise (CSUCAUT).
    pub const DIR_AUTHORISE: u16 = 0xF027;
    /// softcca: Deauthorise (CSUADAU).
    pub const DIR_DEAUTHORISE: u16 = 0xF028;
    /// softcca: Card Change PIN (CSUCCPN).
    pub const CARD_CHANGE_PIN: u16 = 0xF030;
    /// softcca: Card Erase (CSUCERA).
    pub const CARD_ERASE: u16 = 0xF031;
    /// softcca: Copy Card (CSUCCPY).
    pub const CARD_COPY: u16 = 0xF032;
    /// softcca: Get Label (CSUCGLB).
    pub const CARD_GET_LABEL: u16 = 0xF033;
    /// softcca: Directory Backup (CSUABAK).
    pub const DIR_BACKUP: u16 = 0xF050;
    /// softcca: Directory Restore (CSUARST).
    pub const DIR_RESTORE: u16 = 0xF051;

    /// The points issue 10 introduced: a legacy-form `acp.conf` (written before them) holds
    /// every one it does not list, which is what such a directory could do before
    /// (docs/access-control.md). X'F040' (key parts without dual control) is among them.
    pub const LEGACY_ON: &[u16] = &[
        AC_INIT,
        AC_CHANGE_EXPIRY,
        AC_CHANGE_AUTH,
        AC_RESET_FAILURES,
        AC_READ,
        AC_DELETE_PROFILE,
        AC_DELETE_ROLE,
        KEY_RECORD_CREATE,
        KEY_RECORD_WRITE,
        KEY_RECORD_DELETE,
        KEY_RECORD_READ,
        KEY_RECORD_LIST,
        SET_CREATE_SVMK,
        SET_CREATE_PARTITION,
        SET_COPY,
        DIR_BIND,
        DIR_ACTIVATE,
        DIR_DEACTIVATE,
        DIR_BIND_PARTITION,
        DIR_AUTHORISE,
        DIR_DEAUTHORISE,
        CARD_CHANGE_PIN,
        CARD_ERASE,
        CARD_COPY,
        CARD_GET_LABEL,
        KEY_PARTS_SINGLE_CUSTODIAN,
        DIR_BACKUP,
        DIR_RESTORE,
    ];

    /// The points a legacy-form `acp.conf` of a directory initialised before issue 10 lists,
    /// with the state they were written with and their names, in the order they were written
    /// (docs/decisions.md F11).
    pub const LEGACY_DEFAULTS: &[(u16, bool, &str)] = &[
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
    ];

    /// Names of the points [`LEGACY_DEFAULTS`] does not list.
    const NAMES: &[(u16, &str)] = &[
        (AC_INIT, "Initialize access-control system"),
        (AC_CHANGE_EXPIRY, "Change user profile expiration date"),
        (AC_CHANGE_AUTH, "Change user profile authentication data"),
        (
            AC_RESET_FAILURES,
            "Reset user profile logon-attempt-failure count",
        ),
        (AC_READ, "Read public access-control information"),
        (AC_DELETE_PROFILE, "Delete user profile"),
        (AC_DELETE_ROLE, "Delete role"),
        (KEY_RECORD_CREATE, "softcca: Key Record Create"),
        (KEY_RECORD_WRITE, "softcca: Key Record Write"),
        (KEY_RECORD_DELETE, "softcca: Key Record Delete"),
        (KEY_RECORD_READ, "softcca: Key Record Read"),
        (KEY_RECORD_LIST, "softcca: Key Record List"),
        (SET_CREATE_SVMK, "softcca: Create Server Master Key set"),
        (SET_CREATE_PARTITION, "softcca: Create Partition Auth Set"),
        (SET_COPY, "softcca: Copy Set"),
        (DIR_BIND, "softcca: Bind directory"),
        (DIR_ACTIVATE, "softcca: Activate"),
        (DIR_DEACTIVATE, "softcca: Deactivate"),
        (DIR_BIND_PARTITION, "softcca: Bind partition"),
        (DIR_AUTHORISE, "softcca: Authorise"),
        (DIR_DEAUTHORISE, "softcca: Deauthorise"),
        (CARD_CHANGE_PIN, "softcca: Card Change PIN"),
        (CARD_ERASE, "softcca: Card Erase"),
        (CARD_COPY, "softcca: Copy Card"),
        (CARD_GET_LABEL, "softcca: Get Label"),
        (0xF040, "softcca: Key parts without dual control"),
        (DIR_BACKUP, "softcca: Directory Backup"),
        (DIR_RESTORE, "softcca: Directory Restore"),
    ];

    /// The name of the point at `offset` ("" for a point softcca does not know).
    pub fn name(offset: u16) -> &'static str {
        LEGACY_DEFAULTS
            .iter()
            .map(|&(o, _, n)| (o, n))
            .chain(NAMES.iter().copied())
            .find(|&(o, _)| o == offset)
            .map_or("", |(_, n)| n)
    }
}

/// The environment variable that sets how often (ms) a process re-checks `acp.conf`.
pub const ENV_RECHECK_MS: &str = "SOFTCCA_ACP_RECHECK_MS";
/// Default re-check interval.
pub const DEFAULT_RECHECK_MS: u64 = 50;

/// The name of the setting for docs/decisions.md F6.
pub const SETTING_PARITY: &str = conf::SETTING_PARITY;

/// What a call may do: the points of its effective role and the directory's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcpConfig {
    points: BTreeSet<u16>,
    /// The role these points are of.
    pub role: Name8,
    /// docs/decisions.md F6: `true` (default) odd-adjusts the authentication code's key and the card
    /// key before use; `false` uses them raw.
    pub adjust_derived_parity: bool,
}

impl AcpConfig {
    /// The configuration of `role` under `settings`.
    pub fn of(role: &Role, settings: &Settings) -> Self {
        AcpConfig {
            points: role.points.clone(),
            role: role.id,
            adjust_derived_parity: settings.adjust_derived_parity,
        }
    }

    /// `true` when the point at `offset` is enabled (points never mentioned are disabled).
    pub fn enabled(&self, offset: u16) -> bool {
        self.points.contains(&offset)
    }

    /// `Ok` when enabled, else 8/90 naming the point.
    pub fn require(&self, offset: u16) -> Result<()> {
        if self.enabled(offset) {
            Ok(())
        } else {
            Err(Error::AccessDenied(offset))
        }
    }

    /// The legacy-form file every directory initialised before issue 10 was given: every point
    /// of [`points::LEGACY_DEFAULTS`] with its state. Such a file is the DEFAULT role with
    /// [`points::LEGACY_ON`] on as well (an existing directory; tests and examples use it for
    /// "a directory as it was").
    pub fn legacy_text() -> String {
        let mut s = String::from(
            "# softcca access control for this state directory (like a CCA role).\n\
             # One entry per line: <offset in hex> on|off. Edits take effect within 50 ms.\n\
             # Points not listed are off. See docs/state.md.\n",
        );
        for &(o, on, name) in points::LEGACY_DEFAULTS {
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

    /// The file a new directory is given: the four roles of docs/access-control.md.
    pub fn shipped_text() -> String {
        use points::*;
        let role = |name: &str, comment: &str, strength: u16, on: &[u16]| {
            let mut r = Role::new(crate::access::role::id_of(name).unwrap_or(DEFAULT));
            r.comment = comment.into();
            r.strength = strength;
            r.points = on.iter().copied().collect();
            r
        };
        let default = role(
            "DEFAULT",
            "Applications",
            0,
            &[
                MAC_GENERATE,
                MAC_VERIFY,
                KEY_TEST,
                DKG_SESS_XOR,
                DKG_TDES_XOR,
                DKG_TDESEMV,
                ISO_NO_DIGIT_CHECK,
                PCU_IPINENC,
                AC_READ,
                KEY_RECORD_READ,
                KEY_RECORD_LIST,
            ],
        );
        let secoff = role(
            "SECOFF",
            "Security officers",
            1,
            &[
                AC_INIT,
                AC_CHANGE_EXPIRY,
                AC_CHANGE_AUTH,
                AC_RESET_FAILURES,
                AC_READ,
                AC_DELETE_PROFILE,
                AC_DELETE_ROLE,
                DIR_BACKUP,
                DIR_RESTORE,
            ],
        );
        let keycust = role(
            "KEYCUST",
            "Key custodians",
            1,
            &[
                MK_LOAD_FIRST,
                MK_COMBINE,
                MK_SET,
                KPI_FIRST,
                KPI_COMBINE,
                KEY_TEST,
                MK_RANDOM,
                MK_CLEAR_NEW,
                KEY_GENERATE,
                RTCMK,
                AC_READ,
                KPI_ADD_PART,
                KPI_COMPLETE,
                KEY_RECORD_CREATE,
                KEY_RECORD_WRITE,
                KEY_RECORD_DELETE,
                KEY_RECORD_READ,
                KEY_RECORD_LIST,
            ],
        );
        // Custody: X'0116' and every set, directory and card point (X'F020'..X'F033').
        let custody_points: Vec<u16> = std::iter::once(AC_READ)
            .chain(
                LEGACY_ON
                    .iter()
                    .copied()
                    .filter(|p| (SET_CREATE_SVMK..=CARD_GET_LABEL).contains(p)),
            )
            .collect();
        let custody = role("CUSTODY", "Custody ceremonies", 1, &custody_points);
        let mut s = String::from(
            "# softcca access control for this state directory (docs/access-control.md).\n\
             # Settings first, then one section per role: [NAME], its comment (up to 20\n\
             # characters), the authentication strength a profile needs, the hours (UTC,\n\
             # inclusive) and days it may be used, and the access-control points it holds\n\
             # (points not listed are off). A caller that has not logged on (CSUALCT) runs\n\
             # under DEFAULT. Edits take effect within 50 ms; write a new file and rename it\n\
             # over this one rather than editing it in place. A line softcca cannot read\n\
             # makes every verb fail (12/197).\n\
             # docs/decisions.md F6: odd = parity-adjust the card keys (pyemv, jPOS, HSM-checked); raw = IBM's text\n",
        );
        s.push_str(&format!("{SETTING_PARITY} odd\n"));
        s.push_str(
            "\n# Applications: use keys (PIN change, MAC, session keys, key test, read records);\n\
             # manage none: no key parts, master keys, re-enciphering, record writes, Clear PIN\n\
             # Encrypt, DALL keys, custody or card writes.",
        );
        let mut text = conf::render_role(&default);
        // The PIN rules keep the states every directory had (off), written out so an
        // administrator sees them.
        for p in [
            PCU_OPINENC,
            DKYGENKY_DALL,
            ENHANCED_PIN_SECURITY,
            DISALLOW_ISO1,
            GENERAL_ISO_PIN_ERROR,
            DKG_SINGLE_LENGTH,
        ] {
            text.push_str(&format!("X'{p:04X}' off  # {}\n", name(p)));
        }
        s.push_str(&text);
        s.push_str("\n# Security officers: profiles and roles (CSUAACI, CSUAACM), directory backup and\n# restore (CSUABAK, CSUARST); no key.");
        s.push_str(&conf::render_role(&secoff));
        s.push_str(
            "\n# Key custodians: master keys and key parts (each key completed by a second\n\
             # custodian: dual control), key generation, re-enciphering, CKDS records.",
        );
        s.push_str(&conf::render_role(&keycust));
        s.push_str(
            "\n# Custody: SVMK and partition sets, binding, activation, authorisation, cards.",
        );
        s.push_str(&conf::render_role(&custody));
        s
    }
}

/// A parsed file with each role's configuration made once.
pub struct Parsed {
    /// The file's roles and settings.
    pub conf: Conf,
    default: Arc<AcpConfig>,
    others: Vec<Arc<AcpConfig>>,
    /// DEFAULT has hours or days (derived from `conf` once, read on every call).
    default_window: bool,
}

impl Parsed {
    fn new(conf: Conf) -> Self {
        let configs = |keep: bool| {
            conf.roles
                .iter()
                .filter(|r| (r.id == DEFAULT) == keep)
                .map(|r| Arc::new(AcpConfig::of(r, &conf.settings)))
                .collect::<Vec<_>>()
        };
        let default = configs(true)
            .pop()
            .unwrap_or_else(|| Arc::new(AcpConfig::of(&Role::new(DEFAULT), &conf.settings)));
        let others = configs(false);
        let default_window = conf.role(&DEFAULT).is_some_and(|r| !r.always());
        Parsed {
            conf,
            default,
            others,
            default_window,
        }
    }

    /// `true` when the DEFAULT role has hours or days: a call without a logon then needs the
    /// time too (otherwise it reads no clock).
    pub fn default_has_window(&self) -> bool {
        self.default_window
    }

    /// The configuration a call runs under: DEFAULT without a logon (refused outside DEFAULT's
    /// hours and days at `now`, 8/X'F302', when it has any); with one, the role it names,
    /// refused when the file no longer has it (8/X'F300'), when the logon's strength is below
    /// the role's (8/X'F301') or outside the role's hours and days at `now` (8/X'F302').
    pub fn select(&self, logon: Option<&Logon>, now: i64) -> Result<Arc<AcpConfig>> {
        let Some(l) = logon else {
            if self.default_has_window()
                && !self.conf.role(&DEFAULT).is_some_and(|r| r.open_at(now))
            {
                return Err(Error::RoleOutsideHours);
            }
            return Ok(Arc::clone(&self.default));
        };
        let role = self.conf.role(&l.role).ok_or(Error::RoleNotDefined)?;
        if l.strength < role.strength {
            return Err(Error::RoleStrength);
        }
        if !role.open_at(now) {
            return Err(Error::RoleOutsideHours);
        }
        if role.id == DEFAULT {
            return Ok(Arc::clone(&self.default));
        }
        self.others
            .iter()
            .find(|c| c.role == role.id)
            .cloned()
            .ok_or(Error::RoleNotDefined)
    }
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
    parsed: Arc<Parsed>,
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

/// How often a read that raced a change of the file is tried again before failing closed.
const READ_TRIES: usize = 3;

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

    /// The configuration of the role `logon` names (DEFAULT without one), as the file said at
    /// most the re-check interval ago (see [`Parsed::select`]).
    pub fn get(&self, logon: Option<&Logon>) -> Result<Arc<AcpConfig>> {
        let parsed = self.parsed()?;
        // The clock is read only when a role's window can matter (a logon, or a DEFAULT role
        // with hours or days): the warm CSNBPCU of an application reads none.
        let now = if logon.is_some() || parsed.default_has_window() {
            crate::access::context::now_secs()
        } else {
            0
        };
        parsed.select(logon, now)
    }

    /// The file as it was at most the re-check interval ago.
    pub fn parsed(&self) -> Result<Arc<Parsed>> {
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        // `try_with`: once this thread's storage is torn down the file is simply read again.
        let fresh = THREAD_ACP
            .try_with(|t| match &*t.borrow() {
                Some(a)
                    if a.owner == self.instance
                        && now.saturating_sub(a.checked_at) < self.recheck_ns =>
                {
                    Some(Arc::clone(&a.parsed))
                }
                _ => None,
            })
            .ok()
            .flatten();
        if let Some(p) = fresh {
            return Ok(p);
        }
        self.read_now(now)
    }

    /// The file's stamp now (one `fstatat` relative to the directory descriptor, not
    /// following a symbolic link). A missing, symlinked or unreadable file fails closed
    /// (12/197): deleting the roles must not re-enable the defaults.
    fn stamp(&self) -> Result<FileStamp> {
        let m = match self.dir.stat(ACP_FILE) {
            Ok(m) => m,
            Err(rustix::io::Errno::NOENT) => return Err(Error::StateFileMissing),
            Err(_) => return Err(Error::StateDirectory),
        };
        if rustix::fs::FileType::from_raw_mode(m.st_mode) != rustix::fs::FileType::RegularFile {
            return Err(Error::StateFileNotRegular);
        }
        Ok(FileStamp::of(&m))
    }

    /// Looks at the file now; re-parses it when its stamp changed.
    fn read_now(&self, now: u64) -> Result<Arc<Parsed>> {
        let stamp = self.stamp()?;
        let unchanged = THREAD_ACP
            .try_with(|t| match &mut *t.borrow_mut() {
                Some(a) if a.owner == self.instance && a.stamp == stamp => {
                    a.checked_at = now;
                    Some(Arc::clone(&a.parsed))
                }
                _ => None,
            })
            .ok()
            .flatten();
        if let Some(p) = unchanged {
            return Ok(p);
        }
        let (text, stamp) = self.read_whole()?;
        let parsed = Arc::new(Parsed::new(parse_whole(&text)?));
        let _ = THREAD_ACP.try_with(|t| {
            *t.borrow_mut() = Some(ThreadAcp {
                owner: self.instance,
                checked_at: now,
                stamp,
                parsed: Arc::clone(&parsed),
            })
        });
        Ok(parsed)
    }

    /// Reads the whole file, refusing a torn read: the text is taken only when the file had
    /// the same stamp before and after it was read, and as many bytes as its size (else it is
    /// read again, [`READ_TRIES`] times, then 12/197). An empty file is a truncated one (the
    /// file written at initialisation is never empty; a role that permits nothing says so in
    /// a comment line).
    fn read_whole(&self) -> Result<(String, FileStamp)> {
        for _ in 0..READ_TRIES {
            let (bytes, read) = self.dir.read_file(ACP_FILE)?;
            let stamp = FileStamp::of(&read);
            if bytes.len() as u64 != stamp.size || self.stamp()? != stamp {
                continue;
            }
            if bytes.is_empty() {
                return Err(Error::StateFileDamaged);
            }
            let text = String::from_utf8(bytes).map_err(|_| Error::AcpConfigSyntax)?;
            return Ok((text, stamp));
        }
        Err(Error::StateFileDamaged)
    }

    /// Changes the roles: reads the file, lets `change` edit its configuration, and writes the
    /// result (always in the roles form, [`Conf::render`]) as a new file renamed over the old
    /// one relative to the directory descriptor (synced, then the directory synced), under the
    /// directory's lock so that two editors do not lose each other's change. Nothing is
    /// written when `change` fails, the file cannot be read, or the roles `change` left are
    /// not a valid file (no DEFAULT, DEFAULT with a strength, a bad or repeated role:
    /// 8/X'F306').
    pub fn update(&self, change: impl FnOnce(&mut Conf) -> Result<()>) -> Result<()> {
        if !self.dir.writable() {
            return Err(Error::StateReadOnly);
        }
        let _lock = self.dir.lock()?;
        let (text, _) = self.read_whole()?;
        let mut conf = parse_whole(&text)?;
        change(&mut conf)?;
        // What the file format requires of the result (a role structure from CSUAACI may name
        // no DEFAULT or repeat a role): refused before anything is written.
        let mut ids = BTreeSet::new();
        let valid = conf
            .roles
            .iter()
            .all(|r| r.check().is_ok() && ids.insert(r.id));
        if !valid || !ids.contains(&DEFAULT) {
            return Err(Error::RoleStructure);
        }
        let out = conf.render();
        // What we write must read back as what we meant.
        if Conf::parse(&out).map(|c| c.roles) != Ok(conf.roles.clone()) {
            return Err(Error::Internal);
        }
        self.dir.remove(TEMP_FILE, false)?;
        self.dir.create_file(TEMP_FILE, out.as_bytes())?;
        self.dir.rename(TEMP_FILE, ACP_FILE)?;
        self.dir.sync()
    }
}

/// Parses a whole file: a text that reads as a configuration but whose last line has no end
/// of line was cut mid-line (a torn read of a file being written in place, or a truncated
/// file): refused, 12/197 ([`Error::StateFileDamaged`]), whatever its prefix says.
pub(crate) fn parse_whole(text: &str) -> Result<Conf> {
    let conf = Conf::parse(text)?;
    if !text.ends_with('\n') {
        return Err(Error::StateFileDamaged);
    }
    Ok(conf)
}

/// The new file [`AcpFile::update`] writes before renaming it over `acp.conf`.
const TEMP_FILE: &str = ".acp.conf.new";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::context::Mechanism;

    fn logon(role: &Name8, strength: u16) -> Logon {
        Logon {
            directory: [0; 16],
            user: *b"CUST1   ",
            role: *role,
            strength,
            mechanism: Mechanism::Passphrase,
            expires: i64::MAX,
            pid: 0,
        }
    }

    #[test]
    fn legacy_and_shipped() {
        let legacy = Parsed::new(Conf::parse(&AcpConfig::legacy_text()).unwrap());
        let d = legacy.select(None, 0).unwrap();
        for &(o, on, _) in points::LEGACY_DEFAULTS {
            assert_eq!(d.enabled(o), on, "X'{o:04X}'");
        }
        for &o in points::LEGACY_ON {
            assert!(d.enabled(o), "X'{o:04X}'");
        }
        assert!(d.adjust_derived_parity);
        let shipped = Parsed::new(Conf::parse(&AcpConfig::shipped_text()).unwrap());
        let d = shipped.select(None, 0).unwrap();
        assert!(d.enabled(points::PCU_IPINENC) && d.enabled(points::KEY_RECORD_READ));
        for p in [
            points::KPI_FIRST,
            points::MK_RANDOM,
            points::MK_SET,
            points::RTCMK,
            points::CLEAR_PIN_ENCRYPT,
            points::DKYGENKY_DALL,
            points::KEY_RECORD_WRITE,
            points::KEY_RECORD_DELETE,
            points::DIR_BIND,
            points::CARD_ERASE,
            points::AC_INIT,
            points::KEY_GENERATE,
            points::DKG_TDES_ENC,
            0xF040,
        ] {
            assert_eq!(d.require(p), Err(Error::AccessDenied(p)), "X'{p:04X}'");
        }
        assert_eq!(shipped.conf.roles.len(), 4);
        let k = shipped.select(Some(&logon(b"KEYCUST ", 1)), 0).unwrap();
        assert!(k.enabled(points::KPI_FIRST) && !k.enabled(points::PCU_IPINENC));
        assert_eq!(
            shipped.select(Some(&logon(b"KEYCUST ", 0)), 0),
            Err(Error::RoleStrength)
        );
        assert_eq!(
            shipped.select(Some(&logon(b"NOROLE  ", 9)), 0),
            Err(Error::RoleNotDefined)
        );
        let night = Parsed::new(
            Conf::parse("[DEFAULT]\n[NIGHT]\nhours 22:00-23:00\nX'0010' on\n").unwrap(),
        );
        assert_eq!(
            night.select(Some(&logon(b"NIGHT   ", 0)), 12 * 3600),
            Err(Error::RoleOutsideHours)
        );
        assert!(
            night
                .select(Some(&logon(b"NIGHT   ", 0)), 22 * 3600)
                .is_ok()
        );
        // DEFAULT's own hours apply to calls without a logon too (they were accepted in the
        // file and then ignored); a DEFAULT without hours or days needs no clock.
        assert!(!night.default_has_window());
        let office = Parsed::new(
            Conf::parse("[DEFAULT]\nhours 08:00-18:00\ndays MON TUE WED THU FRI\nX'0010' on\n")
                .unwrap(),
        );
        assert!(office.default_has_window());
        // 1970-01-01 was a Thursday; 1970-01-03 a Saturday.
        assert!(office.select(None, 12 * 3600).unwrap().enabled(0x0010));
        assert_eq!(
            office.select(None, 20 * 3600).err(),
            Some(Error::RoleOutsideHours)
        );
        assert_eq!(
            office.select(None, 2 * 86_400 + 12 * 3600).err(),
            Some(Error::RoleOutsideHours)
        );
    }
}
