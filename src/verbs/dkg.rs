//! Diversified Key Generate (CSNBDKG): the safe core.
//!
//! IBM CCA Basic Services Reference 2.54 "Diversified_Key_Generate (CSNBDKG)" (CCA 2.54
//! p=185-190); IBM Docs, CCA for Linux on IBM Z, `wskc_r_dkg`, `wskc_r_dkgparameters`,
//! `wskc_r_dkgrequired`; z/OS ICSF APG `dkg.htm` ("The key's parity is adjusted to odd");
//! control-vector levels: IBM Docs `wskc_t_codecv` ("If the subtype is nonzero, the DKYGENKY
//! can generate only another DKYGENKY key with the hierarchy level decremented by one. If the
//! subtype is zero, the DKYGENKY can generate only the final diversified key (a non-DKYGENKY
//! key) with the key type specified by the usage bits"); docs/CSNBDKG.md.
//!
//! Rule array: one process keyword, and optionally `WRAP-ECB` (the only wrapping this library
//! has): `TDES-ENC`, `TDES-DEC`, `TDES-XOR`, `TDESEMV2`, `TDESEMV4`, `SESS-XOR`.
//!
//! | process | `data` | generating key | generated key |
//! |---|---|---|---|
//! | TDES-ENC / TDES-DEC | 8 or 16 bytes, enciphered / deciphered in ECB | DKYGENKY of any level | level n > 0: DKYGENKY level n-1, same usage; level 0: the final type of bits 19-22. Single length for 8 bytes, double for 16. A null token gets the default CV. |
//! | TDES-XOR | D(8 or 16) ‖ ATC(2) | DKYGENKY level 0 | final type of bits 19-22, double length, not null |
//! | TDESEMV2 / TDESEMV4 | D ‖ ATC [‖ IV(16)]: 10, 18, 26 or 34 | DKYGENKY level 0 | as TDES-XOR |
//! | SESS-XOR | 8 or 16 bytes (the key's length) XOR-ed into the key | DATA, MAC or MACVER | must be a null token; gets the generating key's CV |
//!
//! Final types by DKYGENKY bits 19-22: DDATA → DATA; DMAC → MAC or MACVER; DMV → MACVER;
//! DMPIN → SECMSG with SMPIN (bit 19); DMKEY → SECMSG with SMKEY (bit 18); DIMP → IMPORTER;
//! DEXP → EXPORTER; DPVR → PINVER; DALL → any non-DKYGENKY type (and needs ACP X'0290').
//! TDES-XOR and TDESEMVn are the card-key and session-key derivations of [`crate::derive`],
//! the same code CSNBPCU runs (card key parity per docs/decisions.md F6). Every generated key is
//! odd-parity adjusted; a double-length generating key (and a double-length result) must not
//! have replicated halves (8/442). `data_decrypting_key_identifier` must be a null token
//! (8/181): no process takes encrypted data.
//!
//! Errors: count 8/35; keywords 8/33, 8/34; `data_length` 8/72; generating key or generated
//! CV not as above 8/39 (an incomplete generating key part, KEY-PART bit on, or a generated
//! token with the KEY-PART bit, included); a generated identifier that must (not) be null 8/155; ACPs 8/90:
//! X'0041' TDES-ENC, X'0042' TDES-DEC, X'0043' SESS-XOR, X'0045' TDES-XOR, X'0046' TDESEMVn,
//! X'0290' DALL, X'F001' (softcca's) a single-length key from TDES-ENC/TDES-DEC with 8 bytes.
//!
//! The result is wrapped under the current master key into the generated identifier's token
//! (its CV kept, any key it held replaced). When the generated identifier is a label, the
//! CKDS record is updated and the caller's field is left as it is.

use crate::codes::Notes;
use crate::crypto::ClearKey;
use crate::cv::{ControlVector, DkyUsage, KeyClass, KeyForm, templates};
use crate::derive::{self, Direction, KeyGenerationData, Parity};
use crate::error::{Error, Result};
use crate::label::Label;
use crate::rule_array::{Group, Keyword, RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::{self, InternalToken, KeyUse};

/// Most keywords in the rule array.
pub const MAX_RULES: usize = 2;
/// Longest `data` any process takes (TDESEMVn with a 16-byte D and an IV).
pub const MAX_DATA: usize = 34;

static PROCESSES: Table<Process, 6> = Table::new([
    (kw("TDES-ENC"), Process::TdesEnc),
    (kw("TDES-DEC"), Process::TdesDec),
    (kw("TDES-XOR"), Process::TdesXor),
    (kw("TDESEMV2"), Process::TdesEmv2),
    (kw("TDESEMV4"), Process::TdesEmv4),
    (kw("SESS-XOR"), Process::SessXor),
]);
const WRAPPING: &[Keyword] = &[kw("WRAP-ECB")];

/// The process rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    /// `TDES-ENC`.
    TdesEnc,
    /// `TDES-DEC`.
    TdesDec,
    /// `TDES-XOR`: Visa session key.
    TdesXor,
    /// `TDESEMV2`: EMV2000 tree, b = 2, H = 16.
    TdesEmv2,
    /// `TDESEMV4`: EMV2000 tree, b = 4, H = 8.
    TdesEmv4,
    /// `SESS-XOR`: XOR data into a session key.
    SessXor,
}

impl Process {
    fn acp(self) -> u16 {
        match self {
            Process::TdesEnc => points::DKG_TDES_ENC,
            Process::TdesDec => points::DKG_TDES_DEC,
            Process::TdesXor => points::DKG_TDES_XOR,
            Process::TdesEmv2 | Process::TdesEmv4 => points::DKG_TDESEMV,
            Process::SessXor => points::DKG_SESS_XOR,
        }
    }

    fn data_len_ok(self, n: usize) -> bool {
        match self {
            Process::TdesEnc | Process::TdesDec | Process::SessXor => matches!(n, 8 | 16),
            Process::TdesXor => matches!(n, 10 | 18),
            Process::TdesEmv2 | Process::TdesEmv4 => matches!(n, 10 | 18 | 26 | 34),
        }
    }
}

/// Parses the rule array (count 1 or 2 checked by the caller).
pub fn parse_rules(rules: &RuleArray) -> Result<Process> {
    let [p, _wrap] = rules.resolve(&[PROCESSES.required(), Group::optional(WRAPPING)])?;
    PROCESSES.value(p).ok_or(Error::MissingKeyword)
}

/// One call's inputs.
pub struct Request<'a> {
    /// The process rule.
    pub process: Process,
    /// `generating_key_identifier`.
    pub generating: [u8; 64],
    /// `data` (`data_length` bytes, at most [`MAX_DATA`]).
    pub data: &'a [u8],
    /// `data_decrypting_key_identifier`.
    pub data_decrypting: [u8; 64],
    /// `generated_key_identifier` on input.
    pub generated: [u8; 64],
}

/// `true` when a DKYGENKY key with `usage` bits may generate a final key of control vector
/// `cv` (level 0).
fn final_type_allowed(usage: DkyUsage, cv: &ControlVector) -> bool {
    let class = cv.class();
    let (main, sub) = (cv.main_type(), cv.subtype());
    match usage {
        DkyUsage::DData => class == KeyClass::Data,
        DkyUsage::DMac => matches!(class, KeyClass::Mac | KeyClass::MacVer),
        DkyUsage::DMv => class == KeyClass::MacVer,
        DkyUsage::DMPin => class == KeyClass::SecMsg && cv.bit(19),
        DkyUsage::DMKey => class == KeyClass::SecMsg && cv.bit(18),
        DkyUsage::DImp => (main, sub) == (0b0100, 0b001),
        DkyUsage::DExp => (main, sub) == (0b0100, 0b000),
        // PINVER: PIN-generating subtype with no generation bits 18-21.
        DkyUsage::DPvr => (main, sub) == (0b0010, 0b001) && !(18..=21).any(|b| cv.bit(b)),
        // Any of the final types the other usages name (never an unrecognised control
        // vector, never another key-generating key).
        DkyUsage::DAll => [
            DkyUsage::DData,
            DkyUsage::DMac,
            DkyUsage::DMv,
            DkyUsage::DMPin,
            DkyUsage::DMKey,
            DkyUsage::DImp,
            DkyUsage::DExp,
            DkyUsage::DPvr,
        ]
        .into_iter()
        .any(|u| final_type_allowed(u, cv)),
    }
}

/// `true` when `child` is `parent` with its level field (bits 12-14) set to `level`, ignoring
/// parity and key-form bits.
fn same_but_level(child: &ControlVector, parent: &ControlVector, level: u8) -> bool {
    let mut want = parent.left;
    want[1] = (want[1] & !0x0E) | (level << 1);
    child
        .left
        .iter()
        .zip(want.iter())
        .enumerate()
        .all(|(i, (c, w))| {
            let mask = match i {
                5 => 0x1E,
                _ => 0xFE,
            };
            c & mask == w & mask
        })
        && child.key_form() == Some(KeyForm::Double)
}

/// The default control vector of a generated key when TDES-ENC/DEC gets a null token.
fn default_cv(
    level: u8,
    usage: DkyUsage,
    gen_cv: &ControlVector,
    double: bool,
) -> Result<ControlVector> {
    if level > 0 {
        // The generating key's CV one level down (other bits kept).
        let mut t = gen_cv.left;
        t[1] = (t[1] & !0x0E) | ((level - 1) << 1);
        return Ok(ControlVector::from_template(t, true));
    }
    let t = match usage {
        DkyUsage::DData => templates::DATA,
        DkyUsage::DMac => templates::MAC,
        DkyUsage::DMv => templates::MACVER,
        DkyUsage::DMPin => templates::SMPIN,
        DkyUsage::DMKey => templates::SMKEY,
        _ => return Err(Error::GeneratedKeyIdentifier),
    };
    Ok(ControlVector::from_template(t, double))
}

/// The generated identifier as given: a null token, or a token (from the caller or a CKDS
/// record) and the label it came from.
enum Target {
    Null,
    Token(InternalToken, Option<Label>),
}

fn target(cp: &Coprocessor, id: &[u8; 64]) -> Result<Target> {
    if id[0] == token::NULL {
        return Ok(Target::Null);
    }
    let (t, label) = cp.token_of(id)?;
    Ok(Target::Token(t, label))
}

/// CSNBDKG. Returns the generated token when the caller's identifier is to be overwritten;
/// `None` when a CKDS record (named by label) was updated instead.
pub fn generate(
    cp: &Coprocessor,
    req: &Request<'_>,
    notes: &mut Notes,
) -> Result<Option<[u8; 64]>> {
    let process = req.process;
    if !process.data_len_ok(req.data.len()) {
        return Err(Error::BadLength);
    }
    if req.data_decrypting[0] != token::NULL {
        return Err(Error::NullTokenRequired);
    }
    // Key identifiers: both resolved before any control vector is looked at.
    let view = cp.key_view();
    let gen_pending = view.resolve(&req.generating, notes)?;
    // The partition's authorisation (docs/decisions.md F22), once the keys resolved: a deactivated
    // directory reports 12 first.
    cp.require_authorised()?;
    let target = target(cp, &req.generated)?;
    // Control vectors: the generating key's form, key-part bit and wrapped parts first, then
    // it is unwrapped.
    gen_pending.token().check_cv(KeyUse::Operational)?;
    let gen_key = view.unwrap(gen_pending)?;
    let gen_cv = gen_key.token.cv();
    let class = gen_cv.class();
    let (skeleton, label) = if process == Process::SessXor {
        if !matches!(class, KeyClass::Data | KeyClass::Mac | KeyClass::MacVer) {
            return Err(Error::CvViolation);
        }
        if !matches!(target, Target::Null) {
            return Err(Error::GeneratedKeyIdentifier);
        }
        if req.data.len() != gen_key.key.len() {
            return Err(Error::BadLength);
        }
        (gen_key.token.without_key(), None)
    } else {
        let KeyClass::DkyGenKy { level, usage } = class else {
            return Err(Error::CvViolation);
        };
        if gen_cv.key_form() != Some(KeyForm::Double) || gen_key.key.len() != 16 {
            return Err(Error::CvViolation);
        }
        let tree = !matches!(process, Process::TdesEnc | Process::TdesDec);
        if tree && level != 0 {
            return Err(Error::CvViolation);
        }
        let (skeleton, label) = match target {
            Target::Null if tree => return Err(Error::GeneratedKeyIdentifier),
            Target::Null => (
                InternalToken::skeleton(&default_cv(level, usage, &gen_cv, req.data.len() == 16)?),
                None,
            ),
            Target::Token(t, label) => (t.without_key(), label),
        };
        let cv = skeleton.cv();
        cv.check()?;
        // A derived key is complete: it does not go into a key-part token, where a custodian
        // could XOR parts of their choosing into it with CSNBKPI.
        if cv.is_key_part() {
            return Err(Error::CvViolation);
        }
        let allowed = if level > 0 {
            // One level down and nothing else changed: a child cannot gain export or other
            // bits its parent lacks.
            same_but_level(&cv, &gen_cv, level - 1)
        } else {
            final_type_allowed(usage, &cv)
        };
        if !allowed {
            return Err(Error::CvViolation);
        }
        let want = match cv.key_form() {
            Some(KeyForm::Single) => 8,
            Some(KeyForm::Double) => 16,
            _ => return Err(Error::CvViolation),
        };
        let double_only =
            tree || matches!(cv.class(), KeyClass::SecMsg | KeyClass::DkyGenKy { .. });
        if double_only && want != 16 {
            return Err(Error::CvViolation);
        }
        if !tree && req.data.len() != want {
            return Err(Error::BadLength);
        }
        (skeleton, label)
    };
    if gen_key.key.has_replicated_halves() {
        return Err(Error::ReplicatedHalves);
    }
    // Access control.
    let acp = cp.acp()?;
    acp.require(process.acp())?;
    // A generated key written to a CKDS record is a record write (review finding A1: a role
    // without Key Record Write replaced production records through CSNBDKG).
    if label.is_some() {
        acp.require(points::KEY_RECORD_WRITE)?;
    }
    // A single-length result of a double-length generating key is one half of a key the same
    // generating key derives (TDES-ENC of PAN‖PSN is the card key's left half): one 2^56
    // search away, so only with softcca's point X'F001' (off by default; decisions D26).
    if matches!(process, Process::TdesEnc | Process::TdesDec)
        && skeleton.cv().key_form() == Some(KeyForm::Single)
    {
        acp.require(points::DKG_SINGLE_LENGTH)?;
    }
    if matches!(
        class,
        KeyClass::DkyGenKy {
            usage: DkyUsage::DAll,
            ..
        }
    ) {
        acp.require(points::DKYGENKY_DALL)?;
    }
    let parity = if acp.adjust_derived_parity {
        Parity::Adjusted
    } else {
        Parity::Raw
    };
    // Compute.
    let mut key: ClearKey = match process {
        Process::TdesEnc | Process::TdesDec => {
            let dir = if process == Process::TdesEnc {
                Direction::Encipher
            } else {
                Direction::Decipher
            };
            derive::diversify(&gen_key.cipher, req.data, dir).ok_or(Error::BadLength)?
        }
        Process::SessXor => {
            let mut k = gen_key.key.duplicate();
            for (b, d) in k.as_bytes_mut().iter_mut().zip(req.data) {
                *b ^= d;
            }
            k
        }
        Process::TdesXor | Process::TdesEmv2 | Process::TdesEmv4 => {
            let kgd = KeyGenerationData::parse(req.data).ok_or(Error::BadLength)?;
            let ik = derive::card_key(&gen_key.cipher, kgd.d(), parity);
            match process {
                Process::TdesXor => derive::session_key_xor(&ik, kgd.atc),
                Process::TdesEmv2 => derive::session_key_tree(&ik, kgd.atc, 2, 16, &kgd.iv),
                _ => derive::session_key_tree(&ik, kgd.atc, 4, 8, &kgd.iv),
            }
        }
    };
    key.adjust_parity();
    if key.has_replicated_halves() {
        return Err(Error::ReplicatedHalves);
    }
    let token = cp.wrap(&skeleton, &key)?;
    match label {
        Some(label) => {
            // One transaction, and only onto a record that still holds a token of the
            // control vector the key was made for (another process may have rewritten it).
            let used = skeleton.cv();
            cp.ckds().update(&label, |current| {
                if InternalToken::parse(current)?.cv() != used {
                    return Err(Error::CvViolation);
                }
                Ok(*token.as_bytes())
            })?;
            Ok(None)
        }
        None => Ok(Some(*token.as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_types() {
        let mac = ControlVector::from_template(templates::MAC, true);
        let macver = ControlVector::from_template(templates::MACVER, true);
        let smpin = ControlVector::from_template(templates::SMPIN, true);
        let smkey = ControlVector::from_template(templates::SMKEY, true);
        let data = ControlVector::from_template(templates::DATA, true);
        assert!(final_type_allowed(DkyUsage::DMac, &mac));
        assert!(final_type_allowed(DkyUsage::DMac, &macver));
        assert!(!final_type_allowed(DkyUsage::DMv, &mac));
        assert!(final_type_allowed(DkyUsage::DMPin, &smpin));
        assert!(!final_type_allowed(DkyUsage::DMPin, &smkey));
        assert!(final_type_allowed(DkyUsage::DMKey, &smkey));
        assert!(final_type_allowed(DkyUsage::DData, &data));
        assert!(!final_type_allowed(DkyUsage::DData, &mac));
        assert!(final_type_allowed(DkyUsage::DAll, &smkey));
        assert!(!final_type_allowed(
            DkyUsage::DAll,
            &ControlVector::dkygenky(0, DkyUsage::DMac)
        ));
    }

    #[test]
    fn default_level_down() {
        let g = ControlVector::dkygenky(3, DkyUsage::DMPin);
        let cv = default_cv(3, DkyUsage::DMPin, &g, true).unwrap();
        assert_eq!(cv, ControlVector::dkygenky(2, DkyUsage::DMPin));
    }
}
