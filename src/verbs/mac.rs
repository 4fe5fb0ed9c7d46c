//! MAC Generate (CSNBMGN) and MAC Verify (CSNBMVR): the safe core.
//!
//! IBM CCA Basic Services Reference 2.54 "MAC_Generate (CSNBMGN)" and "MAC_Verify (CSNBMVR)"
//! (CCA 2.54 p=253-258); IBM Docs, CCA for Linux on IBM Z, `csnbmgn-parameters`,
//! `csnbmvr-parameters`, `wskc_r_mgnrestrictions`, "ANSI X9.9 MAC" (`wskc_c_ansix99mac`),
//! "ANSI X9.19 Optional Procedure 1 MAC" (`wskc_c_ansix919opm`), "EMV MAC"
//! (`methods-emv-mac`); z/OS ICSF APG "MAC Verify" (`mvr.htm`).
//!
//! Rule array (0 to 3 keywords, any order, at most one of each group):
//!
//! | Group | Keywords |
//! |---|---|
//! | method | `X9.9-1` (default for a single-length key), `X9.19OPT` (default for a double-length MAC or MACVER key), `TDES-MAC`, `EMVMAC`, `EMVMACD` |
//! | segmenting | `ONLY` (default), `FIRST`, `MIDDLE`, `LAST` |
//! | MAC length | `MACLEN4` (default), `MACLEN6`, `MACLEN8`, `HEX-8`, `HEX-9` |
//!
//! Methods and keys (a mismatch is a control-vector violation, 8/39):
//!
//! * `X9.9-1`: ISO/IEC 9797-1 algorithm 1, single DES, zero padding; single-length key.
//! * `EMVMAC`: as `X9.9-1` with X'80' padding (ISO/IEC 9797-1 padding method 2).
//! * `X9.19OPT`: ISO/IEC 9797-1 algorithm 3 (retail MAC), zero padding; double-length MAC or
//!   MACVER key (a double-length DATA key is refused, `wskc_r_mgnrestrictions`).
//! * `EMVMACD`: as `X9.19OPT` with X'80' padding: the EMV issuer-script MAC (EMV Book 2 A1.2).
//! * `TDES-MAC`: ISO 16609, algorithm 1 with TDES over every block, zero padding;
//!   double-length key (the only method for a double-length DATA key).
//!
//! Key types: CSNBMGN takes MAC and DATA keys, CSNBMVR MAC, MACVER and DATA keys (CCA 2.54
//! p=253/257; DATAM/DATAMV are not offered by this library). ACPs: X'0010' MAC Generate,
//! X'0011' MAC Verify. The key must be complete (an incomplete key part, KEY-PART bit on, is
//! 8/39) and its control vector must give each wrapped part its own half (8/39; equal wrapped
//! parts 8/442) and the token its authentication code (8/12), so no token can make either
//! verb compute single DES under one key half or under halves spliced from two keys.
//!
//! `text_length` lies in 0 to 32 MiB - 9 (CCA 2.54 p=253: "less than 32MB - 8 bytes"), else 8/25;
//! a FIRST or MIDDLE segment must have at least 8 bytes (8/60); with zero padding a whole
//! message of 0 bytes has no MAC (8/25). The MAC is the leftmost 4, 6 or 8 bytes of the last block; `HEX-8` gives the
//! leftmost 4 bytes as 8 upper-case hexadecimal characters, `HEX-9` as two groups of 4
//! separated by a space. CSNBMVR reads 9 bytes of `MAC` and compares, in constant time, only
//! as many as the length keyword names; a mismatch is 4/8004 and says nothing about how much
//! matched.
//!
//! # The 18-byte chaining vector (softcca's layout)
//!
//! IBM leaves the layout to the implementation ("The application program must not change the
//! data in this variable"). FIRST ignores its content; FIRST and MIDDLE write it; MIDDLE and
//! LAST read it. ONLY neither reads nor writes it (it may be NULL).
//!
//! | offset | length | content |
//! |---|---|---|
//! | 0 | 1 | X'C5': a chain in progress |
//! | 1 | 1 | method: 1 X9.9-1, 2 X9.19OPT, 3 TDES-MAC, 4 EMVMAC, 5 EMVMACD |
//! | 2 | 8 | the CBC chaining value, enciphered (below) |
//! | 10 | 7 | text bytes not yet a whole block (carried to the next segment), zero filled |
//! | 17 | 1 | number of carried bytes, 0 to 7 |
//!
//! The chaining value is the MAC of the text so far, so it is never returned in the clear
//! (IBM protects it with the master key as well): it is enciphered with
//! [`Coprocessor::context_cipher`] bound to the MAC key's wrapped key parts (token bytes
//! 16-31) and the method. Used with another key or method, or after the master key changed,
//! it deciphers to noise, and the MAC comes out wrong. A marker, method, or count that is not
//! as above is 8/2036.

use zeroize::Zeroizing;

use crate::codes::Notes;
use crate::crypto::ct::ct_eq;
use crate::crypto::mac::{MacKey, MacState, Padding};
use crate::cv::KeyClass;
use crate::error::{Error, Result};
use crate::rule_array::{RuleArray, Table, kw};
use crate::state::Coprocessor;
use crate::state::acp::points;
use crate::token::KeyUse;

/// Length of the chaining vector.
pub const CHAINING_VECTOR_LEN: usize = 18;
/// Length of the MAC field CSNBMVR reads (CCA 2.54 p=258: "nine bytes are always sent").
pub const VERIFY_MAC_LEN: usize = 9;
/// Largest `text_length`, 33,554,423 (CCA 2.54 p=253: "less than 32MB - 8 bytes").
pub const MAX_TEXT: usize = 32 * 1024 * 1024 - 9;
/// Most keywords in the rule array.
pub const MAX_RULES: usize = 3;

const CHAIN_MARKER: u8 = 0xC5;

static METHODS: Table<Method, 5> = Table::new([
    (kw("X9.9-1"), Method::X99),
    (kw("X9.19OPT"), Method::X919Opt),
    (kw("TDES-MAC"), Method::TdesMac),
    (kw("EMVMAC"), Method::EmvMac),
    (kw("EMVMACD"), Method::EmvMacD),
]);
static SEGMENTS: Table<Segment, 4> = Table::new([
    (kw("ONLY"), Segment::Only),
    (kw("FIRST"), Segment::First),
    (kw("MIDDLE"), Segment::Middle),
    (kw("LAST"), Segment::Last),
]);
static LENGTHS: Table<MacForm, 5> = Table::new([
    (kw("MACLEN4"), MacForm::Binary(4)),
    (kw("MACLEN6"), MacForm::Binary(6)),
    (kw("MACLEN8"), MacForm::Binary(8)),
    (kw("HEX-8"), MacForm::Hex8),
    (kw("HEX-9"), MacForm::Hex9),
]);

/// MAC ciphering method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `X9.9-1`: algorithm 1, single DES, zero padding.
    X99,
    /// `X9.19OPT`: algorithm 3, zero padding.
    X919Opt,
    /// `TDES-MAC`: algorithm 1 with TDES, zero padding.
    TdesMac,
    /// `EMVMAC`: algorithm 1, single DES, X'80' padding.
    EmvMac,
    /// `EMVMACD`: algorithm 3, X'80' padding.
    EmvMacD,
}

impl Method {
    fn code(self) -> u8 {
        match self {
            Method::X99 => 1,
            Method::X919Opt => 2,
            Method::TdesMac => 3,
            Method::EmvMac => 4,
            Method::EmvMacD => 5,
        }
    }

    fn padding(self) -> Padding {
        match self {
            Method::EmvMac | Method::EmvMacD => Padding::Iso2,
            _ => Padding::Zeros,
        }
    }
}

/// Segmenting control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// The whole text in one call.
    Only,
    /// The first segment.
    First,
    /// A middle segment.
    Middle,
    /// The last segment.
    Last,
}

impl Segment {
    /// `true` for ONLY and LAST: the calls that produce (or verify) a MAC.
    pub fn finishes(self) -> bool {
        matches!(self, Segment::Only | Segment::Last)
    }

    /// `true` for MIDDLE and LAST: the calls that read the chaining vector.
    pub fn continues(self) -> bool {
        matches!(self, Segment::Middle | Segment::Last)
    }
}

/// MAC length and presentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacForm {
    /// `MACLEN4`, `MACLEN6`, `MACLEN8`: this many binary bytes.
    Binary(usize),
    /// `HEX-8`: 4 bytes as 8 hexadecimal characters.
    Hex8,
    /// `HEX-9`: 4 bytes as "XXXX XXXX".
    Hex9,
}

impl MacForm {
    /// Number of bytes of the `MAC` field the form uses.
    pub fn len(self) -> usize {
        match self {
            MacForm::Binary(n) => n,
            MacForm::Hex8 => 8,
            MacForm::Hex9 => 9,
        }
    }

    /// Never true: every form has at least 4 bytes.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The presented MAC (first [`MacForm::len`] bytes are meaningful).
    fn present(self, mac: &[u8; 8]) -> [u8; 9] {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [0u8; 9];
        match self {
            MacForm::Binary(n) => out[..n].copy_from_slice(&mac[..n]),
            MacForm::Hex8 | MacForm::Hex9 => {
                let mut j = 0;
                for (i, b) in mac[..4].iter().enumerate() {
                    if i == 2 && self == MacForm::Hex9 {
                        out[j] = b' ';
                        j += 1;
                    }
                    out[j] = HEX[usize::from(b >> 4)];
                    out[j + 1] = HEX[usize::from(b & 0xF)];
                    j += 2;
                }
            }
        }
        out
    }

    /// The caller's MAC as this form compares it: binary bytes as they are; hexadecimal
    /// characters folded to upper case and checked (8/168).
    fn normalize(self, supplied: &[u8; 9]) -> Result<[u8; 9]> {
        let mut out = *supplied;
        if let MacForm::Binary(_) = self {
            return Ok(out);
        }
        for (i, c) in out[..self.len()].iter_mut().enumerate() {
            if self == MacForm::Hex9 && i == 4 {
                if *c != b' ' {
                    return Err(Error::HexMac);
                }
                continue;
            }
            c.make_ascii_uppercase();
            if !c.is_ascii_hexdigit() {
                return Err(Error::HexMac);
            }
        }
        Ok(out)
    }
}

/// The parsed rule array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// The method keyword, when one was given (else the key's length decides).
    pub method: Option<Method>,
    /// Segmenting control.
    pub segment: Segment,
    /// MAC length and presentation.
    pub form: MacForm,
}

/// Parses the rule array (its count, 0 to 3, is checked by the caller).
pub fn parse_rules(rules: &RuleArray) -> Result<Rules> {
    let [m, s, l] =
        rules.resolve(&[METHODS.optional(), SEGMENTS.optional(), LENGTHS.optional()])?;
    let method = METHODS.value(m);
    let segment = SEGMENTS.value(s).unwrap_or(Segment::Only);
    let form = LENGTHS.value(l).unwrap_or(MacForm::Binary(4));
    Ok(Rules {
        method,
        segment,
        form,
    })
}

/// Which of the two verbs runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// CSNBMGN.
    Generate,
    /// CSNBMVR.
    Verify,
}

/// One call's inputs, copied or borrowed from the caller.
pub struct Request<'a> {
    /// The verb.
    pub verb: Verb,
    /// The rule array.
    pub rules: Rules,
    /// `key_identifier`.
    pub key: [u8; 64],
    /// `text` (`text_length` already checked against [`MAX_TEXT`]).
    pub text: &'a [u8],
    /// `chaining_vector`, read for MIDDLE and LAST.
    pub chaining_vector: Option<[u8; CHAINING_VECTOR_LEN]>,
    /// CSNBMVR's `MAC`, read for ONLY and LAST.
    pub mac: Option<[u8; VERIFY_MAC_LEN]>,
}

/// What a successful call writes back.
#[derive(Debug)]
pub struct Response {
    /// CSNBMGN ONLY/LAST: the MAC as presented, and its length.
    pub mac: Option<([u8; 9], usize)>,
    /// FIRST/MIDDLE: the new chaining vector.
    pub chaining_vector: Option<[u8; CHAINING_VECTOR_LEN]>,
}

/// The method a key of `class` and `len` bytes runs, given the rule array's choice.
fn method_for(verb: Verb, class: KeyClass, len: usize, chosen: Option<Method>) -> Result<Method> {
    let class_ok = match verb {
        Verb::Generate => matches!(class, KeyClass::Mac | KeyClass::Data),
        Verb::Verify => matches!(class, KeyClass::Mac | KeyClass::MacVer | KeyClass::Data),
    };
    if !class_ok {
        return Err(Error::CvViolation);
    }
    let method = match (chosen, len) {
        (Some(m), _) => m,
        (None, 8) => Method::X99,
        // "The only available MAC algorithm for a 16-byte or 24-byte DATA key" (IBM CCA for
        // Linux, wskc_r_mgnrestrictions): so it is that key's default too.
        (None, _) if class == KeyClass::Data => Method::TdesMac,
        (None, _) => Method::X919Opt,
    };
    let ok = match method {
        Method::X99 | Method::EmvMac => len == 8,
        Method::X919Opt | Method::EmvMacD => len == 16 && class != KeyClass::Data,
        Method::TdesMac => len == 16,
    };
    if ok {
        Ok(method)
    } else {
        Err(Error::CvViolation)
    }
}

fn chain_cipher(
    cp: &Coprocessor,
    token: &crate::token::InternalToken,
    method: Method,
) -> Result<crate::crypto::Tdes> {
    let mut binding = [0u8; 16];
    binding.copy_from_slice(&token.as_bytes()[16..32]);
    binding[15] ^= method.code();
    cp.context_cipher(&binding)
}

fn read_chain(
    cv: &[u8; CHAINING_VECTOR_LEN],
    method: Method,
    cipher: &crate::crypto::Tdes,
) -> Result<MacState> {
    let carry_len = usize::from(cv[17]);
    if cv[0] != CHAIN_MARKER || cv[1] != method.code() || carry_len > 7 {
        return Err(Error::ChainingVector);
    }
    let mut enc = [0u8; 8];
    enc.copy_from_slice(&cv[2..10]);
    let mut state = MacState {
        chain: cipher.decrypt(&enc),
        carry_len,
        ..MacState::default()
    };
    state.carry[..7].copy_from_slice(&cv[10..17]);
    state.carry[carry_len..].fill(0);
    Ok(state)
}

fn write_chain(
    state: &MacState,
    method: Method,
    cipher: &crate::crypto::Tdes,
) -> [u8; CHAINING_VECTOR_LEN] {
    let mut cv = [0u8; CHAINING_VECTOR_LEN];
    cv[0] = CHAIN_MARKER;
    cv[1] = method.code();
    cv[2..10].copy_from_slice(&cipher.encrypt(&state.chain));
    cv[10..10 + state.carry_len].copy_from_slice(&state.carry[..state.carry_len]);
    cv[17] = state.carry_len as u8;
    cv
}

/// CSNBMGN / CSNBMVR over copied inputs. A failed verification is `Err(MacMismatch)`.
pub fn process(cp: &Coprocessor, req: &Request<'_>, notes: &mut Notes) -> Result<Response> {
    let Rules {
        method: chosen,
        segment,
        form,
    } = req.rules;
    if !segment.finishes() && req.text.len() < 8 {
        return Err(Error::SegmentTooShort);
    }
    // Key identifier and control vector.
    let key = cp.key_view().key(&req.key, notes)?;
    // The partition's authorisation (docs/decisions.md F22), once the keys resolved: a deactivated
    // directory reports 12 first.
    cp.require_authorised()?;
    let cv = key.token.cv();
    key.token.check_cv(KeyUse::Operational)?;
    let method = method_for(req.verb, cv.class(), key.key.len(), chosen)?;
    if segment == Segment::Only && req.text.is_empty() && method.padding() == Padding::Zeros {
        return Err(Error::TextLength);
    }
    // Access control.
    cp.acp()?.require(match req.verb {
        Verb::Generate => points::MAC_GENERATE,
        Verb::Verify => points::MAC_VERIFY,
    })?;
    let mac_key = match method {
        Method::X919Opt | Method::EmvMacD => {
            MacKey::algorithm3(&key.key).ok_or(Error::CvViolation)?
        }
        _ => MacKey::algorithm1(&key.key),
    };
    // Chaining vector and the verify MAC field.
    let chain_cipher = if segment == Segment::Only {
        None
    } else {
        Some(chain_cipher(cp, &key.token, method)?)
    };
    let mut state = Zeroizing::new(match (&chain_cipher, segment.continues()) {
        (Some(c), true) => read_chain(
            req.chaining_vector.as_ref().ok_or(Error::NullPointer)?,
            method,
            c,
        )?,
        _ => MacState::default(),
    });
    let supplied = match (req.verb, segment.finishes()) {
        (Verb::Verify, true) => Some(form.normalize(req.mac.as_ref().ok_or(Error::NullPointer)?)?),
        _ => None,
    };
    // Compute.
    state.update(&mac_key, req.text);
    if !segment.finishes() {
        let c = chain_cipher.as_ref().ok_or(Error::Internal)?;
        return Ok(Response {
            mac: None,
            chaining_vector: Some(write_chain(&state, method, c)),
        });
    }
    let full = Zeroizing::new(state.finish(&mac_key, method.padding()));
    let presented = Zeroizing::new(form.present(&full));
    let n = form.len();
    match supplied {
        None => Ok(Response {
            mac: Some((*presented, n)),
            chaining_vector: None,
        }),
        Some(s) => {
            if ct_eq(&presented[..n], &s[..n]) {
                Ok(Response {
                    mac: None,
                    chaining_vector: None,
                })
            } else {
                Err(Error::MacMismatch)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let mac = [0xA1, 0xC7, 0x2E, 0x74, 1, 2, 3, 4];
        assert_eq!(&MacForm::Hex8.present(&mac)[..8], b"A1C72E74");
        assert_eq!(&MacForm::Hex9.present(&mac), b"A1C7 2E74");
        assert_eq!(&MacForm::Binary(6).present(&mac)[..6], &mac[..6]);
        assert_eq!(
            MacForm::Hex9.normalize(b"a1c7 2e74").unwrap(),
            *b"A1C7 2E74"
        );
        assert_eq!(MacForm::Hex9.normalize(b"A1C7-2E74"), Err(Error::HexMac));
        assert_eq!(MacForm::Hex8.normalize(b"A1C72E7G "), Err(Error::HexMac));
    }
}
