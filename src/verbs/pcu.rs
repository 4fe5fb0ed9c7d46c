//! PIN Change/Unblock (CSNBPCU, CSNEPCU): the safe core.
//!
//! IBM z/OS ICSF Application Programmer's Guide "PIN Change/Unblock (CSNBPCU and CSNEPCU)"
//! (docs/CSNBPCU.md), IBM CCA for Linux `wskc_r_pcu*`, and the appendix
//! "Visa and EMV-related smart card formats and processes" (docs/CSNBPCU.md).
//!
//! Checks run in the order of docs/decisions.md F9: rule array; lengths; key identifiers (resolve,
//! parse, TVV, MKVP); control vectors and MDK halves; the access-control points the key
//! types call for; PIN profiles and PAN data; PIN recovery; then the computation:
//!
//! 1. A = rightmost 4 bytes of E_MAC-MDK(D\[0:8\]) (odd-adjusted first, docs/decisions.md F6);
//! 2. IK = TDES-ENC of D under the ENC-MDK (odd-adjusted, docs/decisions.md F6);
//! 3. SK = TDES-XOR(IK, ATC) or the EMV2000 tree (b = 2, H = 16 / b = 4, H = 8, docs/decisions.md F7);
//! 4. PB = (00000000‖A) ⊕ (0 L P…P F…F) ⊕ (current PIN, 0-filled);
//! 5. VISAPCU1/2: E_SK(08‖PB‖80 00 00 00 00 00 00), 16 bytes, ECB; AMEXPCU1/2: E_SK(PB),
//!    8 bytes (docs/decisions.md F8, unverified against IBM hardware).

use zeroize::Zeroizing;

use crate::codes::Notes;
use crate::crypto::{ClearKey, Tdes};
use crate::cv::{DkyUsage, KeyClass, KeyForm};
use crate::derive::{self, KeyGenerationData, Parity};
use crate::error::{Error, Result};
use crate::pinblock::{self, Checks, Pin, Profile};
use crate::rule_array::{Keyword, RuleArray, Table, kw};
use crate::state::acp::{AcpConfig, points};
use crate::state::{Coprocessor, KeyView, ResolvedKey};
use crate::token::{InternalToken, KeyUse};

/// Session-key derivation selected by the rule array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// `TDES-XOR` (default): Visa session key, ATC XOR-ed into the card key.
    TdesXor,
    /// `TDESEMV2`: EMV2000 tree, branch factor 2, height 16.
    TdesEmv2,
    /// `TDESEMV4`: EMV2000 tree, branch factor 4, height 8.
    TdesEmv4,
}

/// PIN processing method selected by the rule array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `VISAPCU1`: new PIN only.
    VisaPcu1,
    /// `VISAPCU2`: new and current PIN.
    VisaPcu2,
    /// `AMEXPCU1`: new and current PIN (Amex numbering is inverted).
    AmexPcu1,
    /// `AMEXPCU2`: new PIN only.
    AmexPcu2,
}

static ALGORITHMS: Table<Algorithm, 3> = Table::new([
    (kw("TDES-XOR"), Algorithm::TdesXor),
    (kw("TDESEMV2"), Algorithm::TdesEmv2),
    (kw("TDESEMV4"), Algorithm::TdesEmv4),
]);
static METHODS: Table<Method, 4> = Table::new([
    (kw("VISAPCU1"), Method::VisaPcu1),
    (kw("VISAPCU2"), Method::VisaPcu2),
    (kw("AMEXPCU1"), Method::AmexPcu1),
    (kw("AMEXPCU2"), Method::AmexPcu2),
]);

impl Method {
    /// `true` when the method folds in the current PIN.
    pub fn uses_current_pin(self) -> bool {
        matches!(self, Method::VisaPcu2 | Method::AmexPcu1)
    }

    /// Length of the output PIN message.
    pub fn output_len(self) -> usize {
        match self {
            Method::VisaPcu1 | Method::VisaPcu2 => 16,
            Method::AmexPcu1 | Method::AmexPcu2 => 8,
        }
    }

    /// The method's rule-array keyword (also what `output_PIN_profile` must name).
    pub fn keyword(self) -> Keyword {
        METHODS.keyword_of(self).unwrap_or(Keyword([b' '; 8]))
    }
}

/// Parses the rule array (count 1 or 2 is checked by the caller): at most one algorithm, exactly
/// one method.
pub fn parse_rules(rules: &RuleArray) -> Result<(Algorithm, Method)> {
    let [alg, method] = rules.resolve(&[ALGORITHMS.optional(), METHODS.required()])?;
    let alg = ALGORITHMS.value(alg).unwrap_or(Algorithm::TdesXor);
    let method = METHODS.value(method).ok_or(Error::MissingKeyword)?;
    Ok((alg, method))
}

/// One encrypted reference PIN: key identifier, block, profile and PAN data, as passed.
#[derive(Clone, Copy)]
pub struct PinInput {
    /// `*_reference_PIN_key_length`.
    pub key_length: i32,
    /// `*_reference_PIN_key_identifier`.
    pub key: [u8; 64],
    /// `*_reference_PIN_block`.
    pub block: [u8; 8],
    /// `*_reference_PIN_profile`.
    pub profile: [u8; 24],
    /// `*_reference_PIN_PAN_data`.
    pub pan: [u8; 12],
}

/// Every input of one CSNBPCU call, copied from the caller.
pub struct Request {
    /// Algorithm from the rule array.
    pub algorithm: Algorithm,
    /// Method from the rule array.
    pub method: Method,
    /// `authentication_issuer_master_key_length`.
    pub auth_key_length: i32,
    /// `authentication_issuer_master_key_identifier`.
    pub auth_key: [u8; 64],
    /// `encryption_issuer_master_key_length`.
    pub enc_key_length: i32,
    /// `encryption_issuer_master_key_identifier`.
    pub enc_key: [u8; 64],
    /// `key_generation_data` (its length was checked against 10/18/26/34 when copied).
    pub kgd: KeyGenerationData,
    /// The new reference PIN.
    pub new_pin: PinInput,
    /// The current reference PIN, when the method uses it.
    pub current_pin: Option<PinInput>,
    /// `output_PIN_data_length`.
    pub output_pin_data_length: i32,
    /// `output_PIN_profile`.
    pub output_profile: [u8; 24],
    /// `output_PIN_message_length` on input: the capacity of `output_PIN_message`.
    pub output_capacity: i32,
}

/// The result: the encrypted PIN message.
pub struct Response {
    message: [u8; 16],
    len: usize,
}

impl Response {
    /// The output PIN message (16 bytes VISA, 8 bytes AMEX).
    pub fn message(&self) -> &[u8] {
        &self.message[..self.len]
    }
}

/// The length checks of CSNBPCU (after the rule array, before any key identifier is read):
/// the three key-identifier lengths and, when the method uses it, the current PIN key's must be
/// 64 (8/72); `output_PIN_data_length` must be 0 (8/715); the output capacity must hold the
/// method's message (8/72). The C entry point runs them before it copies any identifier, so a
/// short buffer declared with a wrong length is never read.
pub fn check_lengths(
    method: Method,
    key_lengths: [i32; 3],
    current_key_length: Option<i32>,
    output_pin_data_length: i32,
    output_capacity: i32,
) -> Result<()> {
    if key_lengths
        .iter()
        .chain(current_key_length.iter())
        .any(|&l| l != 64)
    {
        return Err(Error::BadLength);
    }
    if output_pin_data_length != 0 {
        return Err(Error::MustBeZero);
    }
    if usize::try_from(output_capacity).map_or(true, |c| c < method.output_len()) {
        return Err(Error::OutputTooSmall);
    }
    Ok(())
}

/// Checks `key_generation_data_length` for the algorithm (TDES-XOR: 10 or 18; TDESEMVn: 10,
/// 18, 26 or 34) and splits the data.
pub fn key_generation_data(algorithm: Algorithm, kgd: &[u8]) -> Result<KeyGenerationData> {
    let ok = match algorithm {
        Algorithm::TdesXor => matches!(kgd.len(), 10 | 18),
        _ => matches!(kgd.len(), 10 | 18 | 26 | 34),
    };
    if !ok {
        return Err(Error::BadLength);
    }
    KeyGenerationData::parse(kgd).ok_or(Error::BadLength)
}

/// Control-vector checks of an issuer master key: parity, reserved bits, DKYGENKY level 0 with
/// `usage` or DALL, double length.
fn check_mdk_cv(t: &InternalToken, usage: DkyUsage) -> Result<()> {
    let cv = t.cv();
    t.check_cv(KeyUse::Operational)?;
    match cv.class() {
        KeyClass::DkyGenKy { level: 0, usage: u } if u == usage || u == DkyUsage::DAll => {}
        _ => return Err(Error::CvViolation),
    }
    if cv.key_form() != Some(KeyForm::Double) {
        return Err(Error::CvViolation);
    }
    Ok(())
}

/// Control-vector checks of a PIN key: parity, reserved bits, IPINENC or OPINENC.
fn check_pin_key_cv(t: &InternalToken) -> Result<KeyClass> {
    let cv = t.cv();
    t.check_cv(KeyUse::Operational)?;
    match cv.class() {
        c @ (KeyClass::IpinEnc | KeyClass::OpinEnc) => Ok(c),
        _ => Err(Error::CvViolation),
    }
}

/// An issuer master key must not have replicated halves (8/442).
fn check_halves(k: &ResolvedKey) -> Result<()> {
    if k.key.len() != 16 {
        return Err(Error::CvViolation);
    }
    if k.key.has_replicated_halves() {
        return Err(Error::ReplicatedHalves);
    }
    Ok(())
}

fn acp_for_pin_key(acp: &AcpConfig, class: KeyClass) -> Result<()> {
    acp.require(if class == KeyClass::IpinEnc {
        points::PCU_IPINENC
    } else {
        points::PCU_OPINENC
    })
}

fn is_dall(k: &ResolvedKey) -> bool {
    matches!(
        k.token.cv().class(),
        KeyClass::DkyGenKy {
            usage: DkyUsage::DAll,
            ..
        }
    )
}

fn check_output_profile(profile: &[u8; 24], method: Method) -> Result<()> {
    let mut w = [0u8; 8];
    w.copy_from_slice(&profile[..8]);
    if Keyword::folded(&w) != method.keyword() {
        return Err(Error::PinFormat);
    }
    w.copy_from_slice(&profile[8..16]);
    if Keyword::folded(&w) != kw("NONE") {
        return Err(Error::FormatControl);
    }
    if profile[16..].iter().any(|&b| b != b' ') {
        return Err(Error::PadDigit);
    }
    Ok(())
}

fn parse_pin_side(p: &PinInput, acp: &AcpConfig) -> Result<(Profile, Option<[u8; 12]>)> {
    let profile = Profile::parse(&p.profile)?;
    if profile.format.is_iso1() && acp.enabled(points::DISALLOW_ISO1) {
        return Err(Error::PinFormat);
    }
    let pan = if profile.format.uses_pan() {
        Some(pinblock::parse_pan(&p.pan)?)
    } else {
        None
    };
    Ok((profile, pan))
}

fn recover_pin(
    clear: &[u8; 8],
    profile: &Profile,
    pan: Option<&[u8; 12]>,
    acp: &AcpConfig,
) -> Result<Pin> {
    let checks = Checks {
        iso_no_digit_check: acp.enabled(points::ISO_NO_DIGIT_CHECK),
        enhanced_pin_security: acp.enabled(points::ENHANCED_PIN_SECURITY),
    };
    pinblock::recover(clear, profile, pan, checks).map_err(|e| match e {
        Error::PinBlockConsistency | Error::PinLength
            if profile.format.is_iso() && acp.enabled(points::GENERAL_ISO_PIN_ERROR) =>
        {
            Error::PinBlockGeneral
        }
        e => e,
    })
}

/// CSNBPCU over copied inputs.
pub fn process(cp: &Coprocessor, req: &Request, notes: &mut Notes) -> Result<Response> {
    check_lengths(
        req.method,
        [
            req.auth_key_length,
            req.enc_key_length,
            req.new_pin.key_length,
        ],
        req.current_pin.as_ref().map(|c| c.key_length),
        req.output_pin_data_length,
        req.output_capacity,
    )?;
    // Key identifiers: all four resolved (label, token, TVV, MKVP) before any CV is looked at.
    let view: KeyView<'_> = cp.key_view();
    let mac_mdk = view.resolve(&req.auth_key, notes)?;
    let enc_mdk = view.resolve(&req.enc_key, notes)?;
    let new_key = view.resolve(&req.new_pin.key, notes)?;
    let cur_key = match &req.current_pin {
        Some(c) => Some(view.resolve(&c.key, notes)?),
        None => None,
    };
    // The partition's authorisation (docs/decisions.md F22), once the keys resolved: a deactivated
    // directory reports 12 first.
    cp.require_authorised()?;
    // Control vectors of all four, then the master keys' halves.
    check_mdk_cv(mac_mdk.token(), DkyUsage::DMac)?;
    check_mdk_cv(enc_mdk.token(), DkyUsage::DMPin)?;
    let new_class = check_pin_key_cv(new_key.token())?;
    let cur_class = cur_key
        .as_ref()
        .map(|k| check_pin_key_cv(k.token()))
        .transpose()?;
    let mac_mdk = view.unwrap(mac_mdk)?;
    let enc_mdk = view.unwrap(enc_mdk)?;
    let new_key = view.unwrap(new_key)?;
    let cur_key = cur_key.map(|k| view.unwrap(k)).transpose()?;
    check_halves(&mac_mdk)?;
    check_halves(&enc_mdk)?;
    // Access control.
    let acp = cp.acp()?;
    if is_dall(&mac_mdk) || is_dall(&enc_mdk) {
        acp.require(points::DKYGENKY_DALL)?;
    }
    acp_for_pin_key(&acp, new_class)?;
    if let Some(c) = cur_class {
        acp_for_pin_key(&acp, c)?;
    }
    // PIN profiles and PAN data.
    let (new_profile, new_pan) = parse_pin_side(&req.new_pin, &acp)?;
    let cur_side = req
        .current_pin
        .as_ref()
        .map(|c| parse_pin_side(c, &acp))
        .transpose()?;
    check_output_profile(&req.output_profile, req.method)?;
    // PIN recovery.
    // Both blocks decrypted in one interleaved pass.
    let (new_clear, cur_clear) = match (&req.current_pin, &cur_key) {
        (Some(c), Some(k)) => {
            let [n, c] =
                Tdes::decrypt_lanes([&new_key.cipher, &k.cipher], [&req.new_pin.block, &c.block]);
            (Zeroizing::new(n), Some(Zeroizing::new(c)))
        }
        _ => (
            Zeroizing::new(new_key.cipher.decrypt(&req.new_pin.block)),
            None,
        ),
    };
    let new_pin = recover_pin(&new_clear, &new_profile, new_pan.as_ref(), &acp)?;
    let cur_pin = match (&cur_clear, &cur_side) {
        (Some(clear), Some((profile, pan))) => {
            Some(recover_pin(clear, profile, pan.as_ref(), &acp)?)
        }
        _ => None,
    };
    let parity = if acp.adjust_derived_parity {
        Parity::Adjusted
    } else {
        Parity::Raw
    };
    Ok(compute(
        req.algorithm,
        req.method,
        &mac_mdk.cipher,
        &enc_mdk.cipher,
        &req.kgd,
        &new_pin,
        cur_pin.as_ref(),
        parity,
    ))
}

/// The computation below all checks: derivations, PIN block, encryption (docs/CSNBPCU.md steps
/// 4-8). Public so that known-answer tests whose keys CSNBPCU must refuse (jPOS's replicated
/// halves) can still check the arithmetic.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    algorithm: Algorithm,
    method: Method,
    mac_mdk: &Tdes,
    enc_mdk: &Tdes,
    kgd: &KeyGenerationData,
    new_pin: &Pin,
    current_pin: Option<&Pin>,
    parity: Parity,
) -> Response {
    let (a, ik) = derive::auth_code_and_card_key(mac_mdk, enc_mdk, kgd.d(), parity);
    let sk: ClearKey = match algorithm {
        Algorithm::TdesXor => derive::session_key_xor(&ik, kgd.atc),
        Algorithm::TdesEmv2 => derive::session_key_tree(&ik, kgd.atc, 2, 16, &kgd.iv),
        Algorithm::TdesEmv4 => derive::session_key_tree(&ik, kgd.atc, 4, 8, &kgd.iv),
    };
    let pb = Zeroizing::new(vis_pin_block(&a, new_pin, current_pin));
    let cipher = Tdes::new(&sk);
    let mut message = [0u8; 16];
    let len = method.output_len();
    if len == 16 {
        let mut m = Zeroizing::new([0u8; 16]);
        m[0] = 0x08;
        m[1..9].copy_from_slice(&pb[..]);
        m[9] = 0x80;
        message.copy_from_slice(&m[..]);
        cipher.encrypt_ecb(&mut message);
    } else {
        message[..8].copy_from_slice(&cipher.encrypt(&pb));
    }
    Response { message, len }
}

/// PB = (00000000‖A) ⊕ (0 L P…P F…F) ⊕ (current PIN left-aligned, 0-filled) (docs/CSNBPCU.md
/// step 7; Visa/Thales formats 41 and 42).
pub fn vis_pin_block(a: &[u8; 4], new_pin: &Pin, current_pin: Option<&Pin>) -> [u8; 8] {
    let mut nib = Zeroizing::new([0u8; 16]);
    nib[1] = new_pin.len() as u8;
    nib[2..].fill(0xF);
    nib[2..2 + new_pin.len()].copy_from_slice(new_pin.digits());
    if let Some(c) = current_pin {
        for (n, d) in nib.iter_mut().zip(c.digits()) {
            *n ^= d;
        }
    }
    let mut pb = [0u8; 8];
    for (i, b) in pb.iter_mut().enumerate() {
        *b = (nib[2 * i] << 4) | nib[2 * i + 1];
    }
    for (b, x) in pb[4..].iter_mut().zip(a) {
        *b ^= x;
    }
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_keywords_round_trip() {
        for k in ["VISAPCU1", "VISAPCU2", "AMEXPCU1", "AMEXPCU2"].map(kw) {
            let ra = RuleArray::parse(&k.0).unwrap();
            let (alg, m) = parse_rules(&ra).unwrap();
            assert_eq!(alg, Algorithm::TdesXor);
            assert_eq!(m.keyword(), k);
        }
    }
}
