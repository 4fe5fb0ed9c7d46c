//! Key Token Change (CSNBKTC) with `RTCMK`: re-enciphers DES keys to the current master key.
//!
//! IBM CCA Basic Services Reference 2.54, "Key_Token_Change (CSNBKTC)" (CCA 2.54 p=215) and IBM
//! Docs, CCA for Linux on IBM Z, `wskc_r_bktcparameters`.
//!
//! `key_identifier` is an internal token (re-enciphered in the caller's buffer), a label (that
//! CKDS record), or a label pattern with one `*` (every matching record, in one transaction:
//! all change or none). A key already under the current master key is left as it is (0/0); a
//! key under the old master key is re-enciphered (0/0, not the old-key warning: IBM says so
//! explicitly); a key under neither is 8/10004. Records holding a null token, an external
//! token or a skeleton without key are skipped; when a pattern (or an exact label) leaves no
//! key processed the result is 4/158. A null or skeleton token passed directly is 8/154.
//! Rule array: `RTCMK`, optionally `DES`. ACP X'0090'.
//!
//! Every key is unwrapped, even one already under the current master key, so the checks of
//! [`crate::token::InternalToken::unwrap_key`] apply (8/340, 4/166, 8/39, 8/442, and the token
//! authentication code under the master key that wrapped it, 8/12: a spliced or assembled
//! token is never re-enciphered into an authenticated one); a pattern
//! matching a record that fails them changes nothing. A partial key (KEY-PART bit on) is
//! re-enciphered, as IBM allows. An exact label is read, re-enciphered and written back in one
//! CKDS transaction: a Key Record Write of the label by another thread or process is never
//! reverted.

use crate::error::{Error, Result};
use crate::label::{KeyId, Label, LabelPattern};
use crate::rule_array::{Group, Keyword, RuleArray, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::{self, InternalToken, KeyUse};

const METHOD: &[Keyword] = &[kw("RTCMK")];
const ALGORITHM: &[Keyword] = &[kw("DES")];

/// Re-enciphers one token: `None` when it is already under the current master key. The key is
/// unwrapped either way, so every check of [`InternalToken::unwrap_key`] applies (8/340,
/// 4/166, 8/39, 8/442, 8/12) to a token left as it is too; an incomplete key part is re-enciphered
/// (IBM: "The partial key can be passed to the Key Token Change verb for re-encipherment").
fn rewrap(cp: &Coprocessor, t: &InternalToken) -> Result<Option<InternalToken>> {
    let active = cp.active_master_keys()?;
    let (mk, old) = active.by_mkvp(&t.mkvp())?;
    let key = t.unwrap_key(&mk.key, KeyUse::KeyPart)?;
    if !old {
        return Ok(None);
    }
    cp.wrap(&t.without_key(), &key).map(Some)
}

/// One stored record: `Ok(None)` when it is skipped (no key), else its processing result.
fn record(cp: &Coprocessor, stored: &[u8; 64]) -> Result<Option<Option<InternalToken>>> {
    if stored[0] != token::INTERNAL {
        return Ok(None);
    }
    let t = InternalToken::parse(stored)?;
    if !t.has_key() {
        return Ok(None);
    }
    rewrap(cp, &t).map(Some)
}

/// CSNBKTC. Returns the token to write back when `id` held a token.
pub fn change(cp: &Coprocessor, rules: &RuleArray, id: &[u8; 64]) -> Result<Option<[u8; 64]>> {
    rules.resolve(&[Group::required(METHOD), Group::optional(ALGORITHM)])?;
    if id[0] >= 0x20 && id.contains(&b'*') {
        let pattern = LabelPattern::parse(id)?;
        cp.acp()?.require(points::RTCMK)?;
        let mut processed = 0usize;
        cp.ckds().rewrite_matching(&pattern, |stored| {
            Ok(match record(cp, stored)? {
                None => None,
                Some(new) => {
                    processed += 1;
                    new.map(|t| *t.as_bytes())
                }
            })
        })?;
        return if processed == 0 {
            Err(Error::NoRecordProcessed)
        } else {
            Ok(None)
        };
    }
    match KeyId::classify(id)? {
        KeyId::Token(bytes) => {
            let t = InternalToken::parse(bytes)?;
            if !t.has_key() {
                return Err(Error::NullToken);
            }
            cp.active_master_keys()?.by_mkvp(&t.mkvp())?;
            t.check_cv(KeyUse::KeyPart)?;
            cp.acp()?.require(points::RTCMK)?;
            Ok(Some(*rewrap(cp, &t)?.unwrap_or(t).as_bytes()))
        }
        KeyId::Label(label) => exact(cp, &label).map(|()| None),
    }
}

/// One record by its exact label: read, checked, re-enciphered and written back in one CKDS
/// transaction, so a Key Record Write of the same label by another thread or process lands
/// either before (and is re-enciphered) or after (and stays), never in between to be reverted.
fn exact(cp: &Coprocessor, label: &Label) -> Result<()> {
    let mut unchanged = false;
    let result = cp.ckds().update(label, |stored| {
        // Check the token before access control (docs/decisions.md F9), then process.
        if stored[0] == token::INTERNAL {
            let t = InternalToken::parse(stored)?;
            if t.has_key() {
                cp.active_master_keys()?.by_mkvp(&t.mkvp())?;
                t.check_cv(KeyUse::KeyPart)?;
            }
        }
        cp.acp()?.require(points::RTCMK)?;
        match record(cp, stored)? {
            None => Err(Error::NoRecordProcessed),
            Some(Some(new)) => Ok(*new.as_bytes()),
            // Already under the current master key: nothing to write; leave the transaction
            // without changing the record (or its change counter).
            Some(None) => {
                unchanged = true;
                Err(Error::NoRecordProcessed)
            }
        }
    });
    match result {
        Err(Error::NoRecordProcessed) if unchanged => Ok(()),
        other => other,
    }
}
