//! Key Token Build (CSNBKTB): assembles a 64-byte internal DES key token from a key type and
//! rule-array keywords, without any cryptographic operation.
//!
//! IBM CCA Basic Services Reference 2.54, "Key_Token_Build (CSNBKTB)" pp. 5-70..5-73 (CCA 2.54
//! p=212-213) and IBM Docs, CCA for Linux on IBM Z, `wskc_r_ktb`, `wskc_r_ktbparameters`,
//! `wskc_r_ktbformat`. IBM's rule-array table leaves the defaults implicit; softcca takes INTERNAL, NO-KEY, NO-CV, default length by
//! key type).
//!
//! | group | keywords | default |
//! |---|---|---|
//! | token type | `INTERNAL` | INTERNAL (`EXTERNAL` is not supported: 8/33) |
//! | key status | `KEY`, `NO-KEY` | NO-KEY: a skeleton without key or MKVP |
//! | key length | `SINGLE`/`KEYLN8`, `DOUBLE`/`KEYLN16`/`MIXED` | SINGLE for DATA, MAC, MACVER; DOUBLE for the others |
//! | key part | `KEY-PART` | off; sets CV bit 44 for Key Part Import |
//! | CV status | `CV`, `NO-CV` | NO-CV; `CV` goes with key type `USE-CV` only |
//! | export | `XPORT-OK`, `NO-XPORT` | XPORT-OK (CV bit 17) |
//! | DKYGENKY level | `DKYL0`..`DKYL7` | DKYL0 |
//! | DKYGENKY usage | `DDATA`, `DMAC`, `DMV`, `DIMP`, `DEXP`, `DPVR`, `DMKEY`, `DMPIN`, `DALL` | DMAC |
//! | SECMSG usage | `SMPIN`, `SMKEY` | required with SECMSG |
//!
//! Key types: `DATA`, `MAC`, `MACVER`, `IPINENC`, `OPINENC`, `DKYGENKY`, `SECMSG`, `USE-CV`;
//! any other is 8/61. IPINENC, OPINENC, DKYGENKY and SECMSG are double-length keys: `SINGLE`
//! with them is 8/2097 (key type and key length not consistent). Level, usage and SECMSG
//! keywords with another key type, or length and export keywords with `USE-CV`, are 8/34.
//! With `KEY`, `key_value` holds the key parts already wrapped under the master key whose
//! pattern is `master_key_verification_pattern` (left-justified, zero padded for single
//! length); both are copied as given. Such a token carries **no token authentication code**
//! (bytes 48-55 stay zero; docs/decisions.md D25): Key Token Build has no way to know that the
//! parts belong together, and authenticating caller-supplied parts would let any caller turn
//! a splice into a usable token. Every verb that unwraps a key refuses it (8/12); a key from
//! elsewhere is brought in with Key Part Import.

use crate::cv::{ControlVector, DkyUsage, templates};
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::token::InternalToken;

const TOKEN_TYPE: &[Keyword] = &[kw("INTERNAL")];
const KEY_STATUS: &[Keyword] = &[kw("KEY"), kw("NO-KEY")];
const LENGTH: &[Keyword] = &[
    kw("SINGLE"),
    kw("KEYLN8"),
    kw("DOUBLE"),
    kw("KEYLN16"),
    kw("MIXED"),
];
const KEY_PART: &[Keyword] = &[kw("KEY-PART")];
const CV_STATUS: &[Keyword] = &[kw("CV"), kw("NO-CV")];
const EXPORT: &[Keyword] = &[kw("XPORT-OK"), kw("NO-XPORT")];
const LEVEL: &[Keyword] = &[
    kw("DKYL0"),
    kw("DKYL1"),
    kw("DKYL2"),
    kw("DKYL3"),
    kw("DKYL4"),
    kw("DKYL5"),
    kw("DKYL6"),
    kw("DKYL7"),
];
const DKY_USAGE: &[(Keyword, DkyUsage)] = &[
    (kw("DDATA"), DkyUsage::DData),
    (kw("DMAC"), DkyUsage::DMac),
    (kw("DMV"), DkyUsage::DMv),
    (kw("DIMP"), DkyUsage::DImp),
    (kw("DEXP"), DkyUsage::DExp),
    (kw("DPVR"), DkyUsage::DPvr),
    (kw("DMKEY"), DkyUsage::DMKey),
    (kw("DMPIN"), DkyUsage::DMPin),
    (kw("DALL"), DkyUsage::DAll),
];
const DKY_USAGE_KW: &[Keyword] = &[
    kw("DDATA"),
    kw("DMAC"),
    kw("DMV"),
    kw("DIMP"),
    kw("DEXP"),
    kw("DPVR"),
    kw("DMKEY"),
    kw("DMPIN"),
    kw("DALL"),
];
const SECMSG_USAGE: &[Keyword] = &[kw("SMPIN"), kw("SMKEY")];

/// The most keywords one CSNBKTB rule array can hold (one per group).
pub const MAX_RULES: usize = 9;

/// The key types CSNBKTB builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    /// `DATA`.
    Data,
    /// `MAC`.
    Mac,
    /// `MACVER`.
    MacVer,
    /// `IPINENC`.
    IpinEnc,
    /// `OPINENC`.
    OpinEnc,
    /// `DKYGENKY`.
    DkyGenKy,
    /// `SECMSG`.
    SecMsg,
    /// `USE-CV`: the control vector comes from the `control_vector` parameter.
    UseCv,
}

impl KeyType {
    /// Parses an 8-byte key-type keyword (folded to upper case); unknown types are 8/61.
    pub fn parse(field: &[u8; 8]) -> Result<Self> {
        let k = Keyword::folded(field);
        let table = [
            (kw("DATA"), KeyType::Data),
            (kw("MAC"), KeyType::Mac),
            (kw("MACVER"), KeyType::MacVer),
            (kw("IPINENC"), KeyType::IpinEnc),
            (kw("OPINENC"), KeyType::OpinEnc),
            (kw("DKYGENKY"), KeyType::DkyGenKy),
            (kw("SECMSG"), KeyType::SecMsg),
            (kw("USE-CV"), KeyType::UseCv),
        ];
        table
            .iter()
            .find(|(w, _)| *w == k)
            .map(|&(_, t)| t)
            .ok_or(Error::KeyTypeKeyword)
    }

    /// `true` for the key types that only exist as double-length keys.
    pub fn double_only(self) -> bool {
        matches!(
            self,
            KeyType::IpinEnc | KeyType::OpinEnc | KeyType::DkyGenKy | KeyType::SecMsg
        )
    }
}

/// The inputs of one CSNBKTB call, as copied from the caller.
pub struct BuildRequest<'a> {
    /// `key_type`.
    pub key_type: &'a [u8; 8],
    /// The parsed rule array.
    pub rules: &'a RuleArray,
    /// `key_value` (16 bytes; used with `KEY`).
    pub key_value: &'a [u8; 16],
    /// `reserved_field_1`: four bytes that must be binary zero.
    pub reserved_1: &'a [u8; 4],
    /// `control_vector` (used with `CV`).
    pub control_vector: &'a [u8; 16],
    /// `master_key_verification_pattern` (used with `KEY`).
    pub mkvp: &'a [u8; 8],
}

/// CSNBKTB: the assembled token.
pub fn build(req: &BuildRequest<'_>) -> Result<[u8; 64]> {
    let [
        _,
        status,
        length,
        part,
        cv_status,
        export,
        level,
        usage,
        secmsg,
    ] = req.rules.resolve(&[
        Group::optional(TOKEN_TYPE),
        Group::optional(KEY_STATUS),
        Group::optional(LENGTH),
        Group::optional(KEY_PART),
        Group::optional(CV_STATUS),
        Group::optional(EXPORT),
        Group::optional(LEVEL),
        Group::optional(DKY_USAGE_KW),
        Group::optional(SECMSG_USAGE),
    ])?;
    let key_type = KeyType::parse(req.key_type)?;
    if req.reserved_1 != &[0; 4] {
        return Err(Error::MustBeZero);
    }
    let use_cv = cv_status == Some(0);
    match (key_type == KeyType::UseCv, use_cv) {
        (true, false) => return Err(Error::MissingKeyword),
        (false, true) => return Err(Error::ConflictingKeywords),
        _ => {}
    }
    if key_type != KeyType::DkyGenKy && (level.is_some() || usage.is_some()) {
        return Err(Error::ConflictingKeywords);
    }
    if key_type != KeyType::SecMsg && secmsg.is_some() {
        return Err(Error::ConflictingKeywords);
    }
    let cv = if use_cv {
        if length.is_some() || export.is_some() {
            return Err(Error::ConflictingKeywords);
        }
        let mut left = [0u8; 8];
        let mut right = [0u8; 8];
        left.copy_from_slice(&req.control_vector[..8]);
        right.copy_from_slice(&req.control_vector[8..]);
        let cv = ControlVector { left, right };
        cv.check()?;
        cv.key_form().ok_or(Error::CvViolation)?;
        cv
    } else {
        let mut template = match key_type {
            KeyType::Data => templates::DATA,
            KeyType::Mac => templates::MAC,
            KeyType::MacVer => templates::MACVER,
            KeyType::IpinEnc => templates::IPINENC,
            KeyType::OpinEnc => templates::OPINENC,
            KeyType::DkyGenKy => {
                let level = level.unwrap_or(0) as u8;
                let usage = DKY_USAGE[usage.unwrap_or(1)].1;
                templates::dkygenky(level, usage)
            }
            KeyType::SecMsg => match secmsg {
                Some(0) => templates::SMPIN,
                Some(_) => templates::SMKEY,
                None => return Err(Error::MissingKeyword),
            },
            KeyType::UseCv => return Err(Error::Internal),
        };
        let double = match length.map(|i| i >= 2) {
            None => key_type.double_only(),
            Some(false) if key_type.double_only() => return Err(Error::KeyTypeLength),
            Some(d) => d,
        };
        if export == Some(1) {
            let (byte, bit) = templates::XPORT_OK;
            template[byte] &= !bit;
        }
        ControlVector::from_template(template, double)
    };
    let cv = if part.is_some() {
        cv.with_key_part(true)
    } else {
        cv
    };
    let skeleton = InternalToken::skeleton(&cv);
    let token = if status == Some(0) {
        skeleton.with_wrapped_key(req.key_value, req.mkvp)?
    } else {
        skeleton
    };
    Ok(*token.as_bytes())
}
