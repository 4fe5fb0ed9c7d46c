//! Clear PIN Encrypt (CSNBCPE): formats a clear PIN as a PIN block and encrypts it under an
//! OPINENC key.
//!
//! IBM CCA for Linux "Clear PIN Encrypt (CSNBCPE)" (`wskc_r_cpe`, `wskc_r_cpeparameters`) and
//! CCA 2.54 pp. 8-19..8-21: the key's control vector must be OPINENC with the CPINENC bit (18)
//! on and the key complete (an incomplete key part, KEY-PART bit on, is 8/39); `clear_PIN` is 16 bytes, the PIN left-aligned and blank padded (`RANDOM`: as many
//! leading `0` characters as the PIN is long); `sequence_number` feeds the 3621 (4 digits) and
//! 4704-EPP (2 digits) formats, where 99999 means none (0).

use crate::codes::Notes;
use crate::crypto::rng;
use crate::cv::KeyClass;
use crate::error::{Error, Result};
use crate::pinblock::{self, Pin, Profile};
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::KeyUse;

const SOURCE: &[Keyword] = &[kw("ENCRYPT"), kw("RANDOM")];

/// The sequence number that means "none" (IBM: "Specify a value of 99999").
pub const NO_SEQUENCE: i32 = 99_999;

/// The PIN of a 16-byte `clear_PIN` field (digits, then blanks), or a random one of the length
/// given by leading `0` characters when `random`.
fn clear_pin(field: &[u8; 16], random: bool) -> Result<Pin> {
    let len = field.iter().position(|&b| b == b' ').unwrap_or(16);
    if field[len..].iter().any(|&b| b != b' ') {
        return Err(Error::PinDigits);
    }
    if !random {
        return Pin::from_ascii(&field[..len]);
    }
    if field[..len].iter().any(|&b| b != b'0') {
        return Err(Error::PinDigits);
    }
    if !(pinblock::MIN_PIN..=pinblock::MAX_PIN).contains(&len) {
        return Err(Error::PinLength);
    }
    let mut digits = zeroize::Zeroizing::new([0u8; 12]);
    let mut bytes = zeroize::Zeroizing::new([0u8; 12]);
    rng::fill(&mut bytes[..])?;
    for (d, b) in digits.iter_mut().zip(bytes.iter()).take(len) {
        // 250 = 25 × 10: rejection would be unbiased, modulo of a byte is off by < 2.4 %;
        // re-draw the few bytes ≥ 250 to keep the digits uniform.
        let mut x = *b;
        while x >= 250 {
            let mut one = [0u8; 1];
            rng::fill(&mut one)?;
            x = one[0];
        }
        *d = b'0' + x % 10;
    }
    Pin::from_ascii(&digits[..len])
}

/// CSNBCPE over copied inputs; returns the encrypted PIN block.
#[allow(clippy::too_many_arguments)]
pub fn encrypt(
    cp: &Coprocessor,
    key_id: &[u8; 64],
    rules: &RuleArray,
    clear: &[u8; 16],
    profile: &[u8; 24],
    pan: &[u8; 12],
    sequence_number: i32,
    notes: &mut Notes,
) -> Result<[u8; 8]> {
    let [source] = rules.resolve(&[Group::optional(SOURCE)])?;
    let key = cp.key(key_id, notes)?;
    // The partition's authorisation (docs/decisions.md F22), once the keys resolved: a deactivated
    // directory reports 12 first.
    cp.require_authorised()?;
    let cv = key.token.cv();
    key.token.check_cv(KeyUse::Operational)?;
    if cv.class() != KeyClass::OpinEnc || !cv.bit(18) {
        return Err(Error::CvViolation);
    }
    let acp = cp.acp()?;
    acp.require(points::CLEAR_PIN_ENCRYPT)?;
    let profile = Profile::parse(profile)?;
    if profile.format.is_iso1() && acp.enabled(points::DISALLOW_ISO1) {
        return Err(Error::PinFormat);
    }
    // Enhanced PIN Security (X'0313'): a 3621/3624 block formatted with a decimal pad digit
    // would not decode unambiguously, so it is refused (docs/pin-blocks.md).
    if acp.enabled(points::ENHANCED_PIN_SECURITY)
        && profile.format.uses_pad()
        && profile.pad.is_some_and(|d| d <= 9)
    {
        return Err(Error::PadDigit);
    }
    let pan = if profile.format.uses_pan() {
        Some(pinblock::parse_pan(pan)?)
    } else {
        None
    };
    let sequence = match sequence_number {
        NO_SEQUENCE => 0,
        n => u16::try_from(n).map_err(|_| Error::SequenceNumber)?,
    };
    let pin = clear_pin(clear, source == Some(1))?;
    let block = zeroize::Zeroizing::new(pinblock::format(&pin, &profile, pan.as_ref(), sequence)?);
    Ok(key.cipher.encrypt(&block))
}
