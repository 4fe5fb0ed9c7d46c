//! Key Test (CSNBKYT): generates or verifies a verification pattern of a key, a key part or
//! a master-key register.
//!
//! IBM CCA Basic Services Reference 2.54, "Key_Test (CSNBKYT)" (CCA 2.54 p=209-210) and
//! "Cryptographic key-verification techniques" (CCA 2.54 p=443); IBM Docs, CCA for Linux on IBM Z,
//! `keys-key-test-csnbkyt`, `wskc_r_kytparameters`, `techniques-cca-des-key-verification`.
//!
//! Rule array (2 to 4 keywords): `GENERATE` or `VERIFY`; one of `KEY-CLR` (clear key in bytes
//! 0-7 of `key_identifier`), `KEY-CLRD` (bytes 0-15), `KEY-ENC`, `KEY-ENCD` (token or label;
//! the control vector gives the length, as in IBM's products), `KEY-KM`, `KEY-NKM`, `KEY-OKM`
//! (current, new, old master-key register); optional `SYM-MK` (register keywords only);
//! optional method `ENC-ZERO` (key keywords only) or `SHA-1` (register keywords only). Other
//! combinations are 8/34.
//!
//! Methods:
//! * default for keys, the CCA DES key-verification algorithm (CCA's text, not the z/OS
//!   variant whose final XOR differs): `KKR' = KKR ⊕ RN`, `X1 = DES_{4545454545454545}(KKL)`,
//!   `K2 = X1 ⊕ KKL`, `VP = DES_{K2}(KKR') ⊕ KKR'`, with KKR = 0 for a single-length key.
//!   `value_1` = RN (random on GENERATE, the caller's on VERIFY), `value_2` = VP; all 8
//!   bytes are compared. Triple-length keys have no defined pattern here: 8/39.
//! * `ENC-ZERO`: the key encrypts 8 zero bytes (DES, or TDES-EDE2/EDE3); `value_2` bytes 0-3
//!   are the pattern, bytes 4-7 and `value_1` pass through unchanged; 4 bytes are compared.
//! * registers (default and `SHA-1`): SHA-1(X'01' ‖ MK): `value_1` = bytes 0-7 (the MKVP),
//!   `value_2` = bytes 8-15; all 16 bytes are compared.
//!
//! A VERIFY mismatch is 4/1. An empty current register is 12/764; an empty or partial new
//! register, or an empty old one, 8/707. ACP X'001D'.
//!
//! An enciphered key's control vector is checked like every other verb checks it, before the
//! key is unwrapped: parity 8/340, anti-variant and reserved bits 4/166, a key form that gives
//! each wrapped part its own CV half (8/39), wrapped parts A ≠ B (8/442), then the token
//! authentication code (8/12): a token spliced from the halves of two keys gets no check
//! value. A partial key (KEY-PART bit on) may be tested, as IBM allows.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use crate::codes::Notes;
use crate::crypto::{ClearKey, Tdes, ct, rng};
use crate::error::{Error, Result};
use crate::rule_array::{Group, Keyword, RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::state::masterkey::NewRegister;
use crate::token::KeyUse;

const PROCESS: &[Keyword] = &[kw("GENERATE"), kw("VERIFY")];
static KEY: Table<Source, 7> = Table::new([
    (kw("KEY-CLR"), Source::Clear(8)),
    (kw("KEY-CLRD"), Source::Clear(16)),
    (kw("KEY-ENC"), Source::Enciphered),
    (kw("KEY-ENCD"), Source::Enciphered),
    (kw("KEY-KM"), Source::Register(Register::Current)),
    (kw("KEY-NKM"), Source::Register(Register::New)),
    (kw("KEY-OKM"), Source::Register(Register::Old)),
]);
const MK_CLASS: &[Keyword] = &[kw("SYM-MK")];
const METHOD: &[Keyword] = &[kw("ENC-ZERO"), kw("SHA-1")];

/// The key a test is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Clear(usize),
    Enciphered,
    Register(Register),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Register {
    Current,
    New,
    Old,
}

/// The two values of a Key Test call, as they go back to the caller on GENERATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Values {
    /// `value_1` (random number, or the first 8 bytes of a register's SHA-1 pattern).
    pub value_1: [u8; 8],
    /// `value_2` (verification pattern).
    pub value_2: [u8; 8],
}

const K1: [u8; 8] = [0x45; 8];

fn des(key: &[u8; 8], block: &[u8; 8]) -> Result<[u8; 8]> {
    let k = ClearKey::from_slice(key).ok_or(Error::Internal)?;
    Ok(Tdes::new(&k).encrypt(block))
}

fn xor8(a: &[u8; 8], b: &[u8; 8]) -> [u8; 8] {
    core::array::from_fn(|i| a[i] ^ b[i])
}

/// The CCA DES key-verification pattern of an 8- or 16-byte key for random number `rn`.
pub fn cca_pattern(key: &ClearKey, rn: &[u8; 8]) -> Result<[u8; 8]> {
    let kkl = Zeroizing::new(key.part(0));
    let kkr = Zeroizing::new(match key.len() {
        8 => [0; 8],
        16 => key.part(1),
        _ => return Err(Error::CvViolation),
    });
    let kkr2 = Zeroizing::new(xor8(&kkr, rn));
    let x1 = Zeroizing::new(des(&K1, &kkl)?);
    let k2 = Zeroizing::new(xor8(&x1, &kkl));
    let x2 = des(&k2, &kkr2)?;
    Ok(xor8(&x2, &kkr2))
}

/// The ENC-ZERO pattern: the key (DES or TDES) applied to 8 zero bytes.
pub fn enc_zero(key: &ClearKey) -> [u8; 8] {
    Tdes::new(key).encrypt(&[0; 8])
}

/// SHA-1(X'01' ‖ MK), first 16 bytes: (MKVP, next 8 bytes).
pub fn register_pattern(mk: &ClearKey) -> Values {
    let mut h = Sha1::new();
    h.update([0x01]);
    h.update(mk.as_bytes());
    // In place: finalising by value would copy the buffered key bytes.
    let d = h.finalize_reset();
    let mut v = Values {
        value_1: [0; 8],
        value_2: [0; 8],
    };
    v.value_1.copy_from_slice(&d[..8]);
    v.value_2.copy_from_slice(&d[8..16]);
    v
}

/// CSNBKYT. On GENERATE returns the values to write back; on VERIFY returns `None` when the
/// pattern matches and 4/1 when it does not.
pub fn test(
    cp: &Coprocessor,
    rules: &RuleArray,
    id: &[u8; 64],
    value_1: &[u8; 8],
    value_2: &[u8; 8],
    notes: &mut Notes,
) -> Result<Option<Values>> {
    let [process, key, class, method] = rules.resolve(&[
        Group::required(PROCESS),
        KEY.required(),
        Group::optional(MK_CLASS),
        Group::optional(METHOD),
    ])?;
    let generate = process == Some(0);
    let source = KEY.value(key).ok_or(Error::MissingKeyword)?;
    let is_register = matches!(source, Source::Register(_));
    let enc_zero_method = method == Some(0);
    // SYM-MK and SHA-1 go with the register keywords only, ENC-ZERO with the key keywords.
    let register_only = class.is_some() || method == Some(1);
    if (register_only && !is_register) || (enc_zero_method && is_register) {
        return Err(Error::ConflictingKeywords);
    }
    // Borrowed where it lives (the caller's clear key, the thread's key cache, the register's
    // locked page): no copy of a master key or an operational key on this frame.
    let (clear, resolved, regs);
    let key: &ClearKey = match source {
        Source::Clear(len) => {
            clear = ClearKey::from_slice(&id[..len]).ok_or(Error::Internal)?;
            &clear
        }
        Source::Enciphered => {
            // Parity, reserved bits and key form are checked on the way (8/340, 4/166,
            // 8/39); a partial key may be tested (IBM: "Partial keys can also be passed to
            // the Key Test ... verbs").
            resolved = cp.key_for(id, KeyUse::KeyPart, notes)?;
            &resolved.key
        }
        Source::Register(r) => {
            regs = cp.master_key_store().load()?;
            let mk = match r {
                Register::Current => regs.current.as_ref().ok_or(Error::MasterKeyNotLoaded)?,
                Register::Old => regs.old.as_ref().ok_or(Error::MasterKeyRegisterState)?,
                Register::New => match &regs.new {
                    NewRegister::Full(m) => m,
                    _ => return Err(Error::MasterKeyRegisterState),
                },
            };
            &mk.key
        }
    };
    cp.acp()?.require(points::KEY_TEST)?;
    let (computed, compare): (Values, usize) = if is_register {
        (register_pattern(key), 16)
    } else if enc_zero_method {
        let z = enc_zero(key);
        let mut v2 = *value_2;
        v2[..4].copy_from_slice(&z[..4]);
        (
            Values {
                value_1: *value_1,
                value_2: v2,
            },
            4,
        )
    } else {
        let mut rn = *value_1;
        if generate {
            rng::fill(&mut rn)?;
        }
        let vp = cca_pattern(key, &rn)?;
        (
            Values {
                value_1: rn,
                value_2: vp,
            },
            8,
        )
    };
    if generate {
        return Ok(Some(computed));
    }
    let ok = match compare {
        16 => ct::ct_eq(&computed.value_1, value_1) & ct::ct_eq(&computed.value_2, value_2),
        n => ct::ct_eq(&computed.value_2[..n], &value_2[..n]),
    };
    if ok {
        Ok(None)
    } else {
        Err(Error::VerificationMismatch)
    }
}
