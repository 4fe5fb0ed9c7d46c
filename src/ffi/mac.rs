//! C entry points of MAC Generate (CSNBMGN) and MAC Verify (CSNBMVR). Parameter order of
//! IBM's `csulincl.h` and CCA 2.54 p=253/256: `key_identifier`, `text_length` and `text` come
//! before `rule_array_count`.

use super::args::Fullword;
use super::{args, coprocessor, guard};
use crate::error::Error;
use crate::verbs::mac::{
    self, CHAINING_VECTOR_LEN, MAX_RULES, MAX_TEXT, Request, Response, Rules, Segment,
    VERIFY_MAC_LEN, Verb,
};

/// The common body of both verbs, for either integer width ([`Fullword`]): `int32_t`
/// (softcca.h) or `long` (csulincl.h, [`super::lp64`]).
///
/// # Safety
/// As documented on [`CSNBMGN`] and [`CSNBMVR`], with `size_of::<W>()` bytes for each integer.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mac_verb<W: Fullword>(
    verb: Verb,
    return_code: *mut W,
    reason_code: *mut W,
    key_identifier: *mut u8,
    text_length: *mut W,
    text: *mut u8,
    rule_array_count: *mut W,
    rule_array: *mut u8,
    chaining_vector: *mut u8,
    mac: *mut u8,
) {
    // SAFETY: every pointer is read through `args` under the caller's contract.
    unsafe {
        let name = match verb {
            Verb::Generate => "CSNBMGN",
            Verb::Verify => "CSNBMVR",
        };
        guard(name, return_code, reason_code, |notes| {
            let ra = args::rule_array(rule_array_count, rule_array, 0..=MAX_RULES)?;
            let rules: Rules = mac::parse_rules(&ra)?;
            let len = args::len_in(text_length, 0..=MAX_TEXT, Error::TextLength)?;
            let text = args::slice(text, len)?;
            let key = args::array::<64>(key_identifier)?;
            let seg = rules.segment;
            let chain_out = if seg == Segment::Only {
                None
            } else {
                Some(args::need(chaining_vector)?)
            };
            let chain_in = if seg.continues() {
                Some(args::array::<CHAINING_VECTOR_LEN>(chaining_vector)?)
            } else {
                None
            };
            let (mac_in, mac_out) = match (verb, seg.finishes()) {
                (Verb::Verify, true) => (Some(args::array::<VERIFY_MAC_LEN>(mac)?), None),
                (Verb::Generate, true) => (None, Some(args::need(mac)?)),
                _ => (None, None),
            };
            let resp: Response = mac::process(
                coprocessor()?,
                &Request {
                    verb,
                    rules,
                    key,
                    text,
                    chaining_vector: chain_in,
                    mac: mac_in,
                },
                notes,
            )?;
            write(resp, chain_out, mac_out);
            Ok(())
        })
    }
}

/// Writes a successful call's outputs.
///
/// # Safety
/// `chain` NULL or 18 writable bytes; `mac` NULL or writable for the MAC's length.
unsafe fn write(resp: Response, chain: Option<*mut u8>, mac: Option<*mut u8>) {
    // SAFETY: forwarded contract; lengths are those documented on the verbs.
    unsafe {
        if let (Some(p), Some(cv)) = (chain, resp.chaining_vector) {
            args::put_bytes(p, &cv);
        }
        if let (Some(p), Some((m, n))) = (mac, resp.mac) {
            args::put_bytes(p, &m[..n]);
        }
    }
}

/// MAC Generate: the 4-, 6- or 8-byte MAC (or its 8/9-character hexadecimal form) of `text`
/// under a MAC or DATA key, by ANSI X9.9-1, ANSI X9.19 optional procedure, ISO 16609 TDES-MAC
/// or the EMV padding rules, in one call (`ONLY`) or in segments (`FIRST`, `MIDDLE`, `LAST`);
/// see [`crate::verbs::mac`] for keywords, methods and the chaining-vector layout. IBM CCA 2.54
/// "MAC_Generate (CSNBMGN)" (CCA 2.54 p=253-255), IBM Docs `csnbmgn-parameters`.
///
/// # Safety
/// `key_identifier`: 64 readable bytes (token or label). `text_length`: 4 readable bytes
/// (0 to 32 MiB - 9). `text`: `text_length` readable bytes. `rule_array_count`: 4 readable
/// bytes (0 to 3); `rule_array`: 8 × count readable bytes. `chaining_vector`: 18 bytes,
/// readable for MIDDLE and LAST, writable for FIRST and MIDDLE; not used (may be NULL) for
/// ONLY. `MAC`: writable for the MAC's length (4, 6, 8, or 8/9 characters for HEX-8/HEX-9) for
/// ONLY and LAST; not used (may be NULL) for FIRST and MIDDLE. `return_code`, `reason_code`:
/// NULL or 4 writable bytes each; `exit_data_length`, `exit_data`: ignored. On any error only
/// `return_code` and `reason_code` are written.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CSNBMGN(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_identifier: *mut u8,
    text_length: *mut i32,
    text: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    chaining_vector: *mut u8,
    MAC: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        mac_verb(
            Verb::Generate,
            return_code,
            reason_code,
            key_identifier,
            text_length,
            text,
            rule_array_count,
            rule_array,
            chaining_vector,
            MAC,
        )
    }
}

/// MAC Verify: recomputes the MAC of `text` as [`CSNBMGN`] would and compares it, in constant
/// time, with the leftmost 4, 6 or 8 bytes (or 8/9 hexadecimal characters) of `MAC`. A
/// mismatch returns 4/8004 (ICSF; CCA 4/1). Keys: MAC, MACVER or DATA. IBM CCA 2.54
/// "MAC_Verify (CSNBMVR)" (CCA 2.54 p=256-258), IBM Docs `csnbmvr-parameters`, z/OS ICSF APG
/// `mvr.htm`.
///
/// # Safety
/// As [`CSNBMGN`], except `MAC`: 9 readable bytes for ONLY and LAST ("nine bytes are always
/// sent", CCA 2.54 p=258), never written; not used (may be NULL) for FIRST and MIDDLE.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CSNBMVR(
    return_code: *mut i32,
    reason_code: *mut i32,
    exit_data_length: *mut i32,
    exit_data: *mut u8,
    key_identifier: *mut u8,
    text_length: *mut i32,
    text: *mut u8,
    rule_array_count: *mut i32,
    rule_array: *mut u8,
    chaining_vector: *mut u8,
    MAC: *mut u8,
) {
    let _ = (exit_data_length, exit_data);
    // SAFETY: the caller's contract, as documented above, is forwarded unchanged.
    unsafe {
        mac_verb(
            Verb::Verify,
            return_code,
            reason_code,
            key_identifier,
            text_length,
            text,
            rule_array_count,
            rule_array,
            chaining_vector,
            MAC,
        )
    }
}
