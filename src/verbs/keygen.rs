//! Key Generate (CSNBKGN) for operational (`OP`) keys: a random DES key wrapped under the
//! current master key.
//!
//! IBM CCA Basic Services Reference 2.54, "Key_Generate (CSNBKGN)" (CCA 2.54 p=196-199) and IBM
//! Docs, CCA for Linux on IBM Z, `wskc_r_kgnformat`, `csnbkgn-parameters`.
//!
//! * `key_form`: `OP` only; the import/export forms (`IM`, `EX`, `OPIM`, …) need KEKs this
//!   library does not have: 8/41.
//! * `key_length`: `SINGLE`/`KEYLN8`, `DOUBLE`/`KEYLN16`, or eight blanks (the key type or
//!   the skeleton's control vector decides); anything else 8/43.
//! * `key_type_1`: `DATA`, `MAC`, `MACVER` (single by default), `IPINENC`, `OPINENC` (double
//!   only), or `TOKEN`: the control vector of the internal token in
//!   `generated_key_identifier_1` (for example a DKYGENKY skeleton from CSNBKTB). Any other
//!   type is 8/61; a length that the type or CV does not allow is 8/2097.
//! * `key_type_2` must be eight blanks for the single-copy `OP` form (8/61 otherwise).
//! * `generated_key_identifier_1`: a null token or an internal token (only its CV is used,
//!   and only with `TOKEN`); a label, an external token, or a null token with `TOKEN` is
//!   8/155. The KEK identifiers and `generated_key_identifier_2` are not used.
//!
//! Keys have odd parity, no weak or semi-weak 8-byte part, and distinct halves. ACP X'008E'.

use zeroize::Zeroizing;

use crate::crypto::ct::ct_eq;
use crate::crypto::{ClearKey, rng, weak};
use crate::cv::{ControlVector, templates};
use crate::error::{Error, Result};
use crate::rule_array::{Keyword, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::{self, InternalToken};

/// The inputs of one CSNBKGN call that the `OP` form uses.
pub struct GenerateRequest<'a> {
    /// `key_form` (4 bytes).
    pub key_form: &'a [u8; 4],
    /// `key_length`.
    pub key_length: &'a [u8; 8],
    /// `key_type_1`.
    pub key_type_1: &'a [u8; 8],
    /// `key_type_2`.
    pub key_type_2: &'a [u8; 8],
    /// `generated_key_identifier_1` as given.
    pub generated_1: &'a [u8; 64],
}

fn word(field: &[u8; 8]) -> Keyword {
    Keyword::folded(field)
}

/// CSNBKGN: the generated internal token for `generated_key_identifier_1`.
pub fn generate(cp: &Coprocessor, req: &GenerateRequest<'_>) -> Result<[u8; 64]> {
    let mut form = *req.key_form;
    form.make_ascii_uppercase();
    if &form != b"OP  " {
        return Err(Error::KeyFormKeyword);
    }
    let length = match word(req.key_length) {
        k if k == kw("SINGLE") || k == kw("KEYLN8") => Some(8),
        k if k == kw("DOUBLE") || k == kw("KEYLN16") => Some(16),
        k if k == kw("") => None,
        _ => return Err(Error::KeyLengthKeyword),
    };
    let type_1 = word(req.key_type_1);
    let template: Option<([u8; 8], bool)> = match type_1 {
        k if k == kw("DATA") => Some((templates::DATA, false)),
        k if k == kw("MAC") => Some((templates::MAC, false)),
        k if k == kw("MACVER") => Some((templates::MACVER, false)),
        k if k == kw("IPINENC") => Some((templates::IPINENC, true)),
        k if k == kw("OPINENC") => Some((templates::OPINENC, true)),
        k if k == kw("TOKEN") => None,
        _ => return Err(Error::KeyTypeKeyword),
    };
    if word(req.key_type_2) != kw("") {
        return Err(Error::KeyTypeKeyword);
    }
    let skeleton = match req.generated_1[0] {
        token::NULL | token::INTERNAL => match template {
            Some((t, double_only)) => {
                let len = match length {
                    None if double_only => 16,
                    None => 8,
                    Some(8) if double_only => return Err(Error::KeyTypeLength),
                    Some(l) => l,
                };
                InternalToken::skeleton(&ControlVector::from_template(t, len == 16))
            }
            None => {
                if req.generated_1[0] == token::NULL {
                    return Err(Error::GeneratedKeyIdentifier);
                }
                let t = InternalToken::parse(req.generated_1)?;
                t.cv().check()?;
                let len = t.key_len().ok_or(Error::CvViolation)?;
                if length.is_some_and(|l| l != len) {
                    return Err(Error::KeyTypeLength);
                }
                t.without_key()
            }
        },
        _ => return Err(Error::GeneratedKeyIdentifier),
    };
    let len = skeleton.key_len().ok_or(Error::CvViolation)?;
    cp.acp()?.require(points::KEY_GENERATE)?;
    let key = random_key(len)?;
    Ok(*cp.wrap(&skeleton, &key)?.as_bytes())
}

/// A random key of `len` bytes with odd parity, no weak part and pairwise distinct parts.
pub fn random_key(len: usize) -> Result<ClearKey> {
    loop {
        let mut k = ClearKey::zeroed(len).ok_or(Error::Internal)?;
        rng::fill(k.as_bytes_mut())?;
        k.adjust_parity();
        let parts: Zeroizing<Vec<[u8; 8]>> =
            Zeroizing::new((0..len / 8).map(|i| k.part(i)).collect());
        let distinct = parts
            .iter()
            .enumerate()
            .all(|(i, p)| parts[i + 1..].iter().all(|q| !ct_eq(q, p)));
        if distinct && !parts.iter().any(weak::is_weak) {
            return Ok(k);
        }
    }
}
