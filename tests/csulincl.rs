//! IBM CCA for Linux compatibility (include/csulincl.h, src/ffi/lp64.rs, libcsulcca): the
//! prototypes agree with softcca.h's, and the `long` entry points read and write whole 8-byte
//! integers, reject a value outside `int32_t` with the parameter's documented error instead of
//! truncating it, and write outputs only on success.

mod common;
use common::*;

use core::ffi::c_long;
use std::collections::BTreeMap;
use std::path::Path;

use softcca::ffi::lp64::*;

/// softcca's own verbs outside the `CSUC` family (no IBM CCA for Linux program calls them).
const SOFTCCA_OWN: &[&str] = &["CSUAAVF", "CSUADAC", "CSUADAU", "CSUABAK", "CSUARST"];

/// `verb -> parameter types` of every `extern void [SECURITYAPI] VERB(...)` in a C header.
fn prototypes(header: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let header = header.replace("extern void SECURITYAPI ", "\nvoid ");
    for chunk in header.split("\nvoid ").skip(1) {
        let Some(open) = chunk.find('(') else {
            continue;
        };
        let name = chunk[..open].trim();
        let is_verb = name.len() == 7 && name.bytes().all(|b| b.is_ascii_uppercase());
        if !is_verb || name.starts_with("CSUC") || SOFTCCA_OWN.contains(&name) {
            continue;
        }
        let close = chunk.find(");").expect("prototype ends");
        let types = chunk[open + 1..close]
            .split(',')
            .map(|p| {
                let p = p.trim();
                let star = p.rfind('*').expect("every parameter is a pointer");
                p[..=star].split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect();
        out.insert(name.to_string(), types);
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect(path)
}

/// csulincl.h declares every IBM verb of softcca.h (not CSNEPCU, an ICSF-only name; not the
/// CSUC card verbs and CSUAAVF, softcca's own) with the same parameters, `long` for `int32_t`; lp64.rs has
/// an entry point for each, and no other.
#[test]
fn csulincl_matches_softcca_h_and_the_lp64_entry_points() {
    let ours = prototypes(&read("include/softcca.h"));
    let cca = prototypes(&read("include/csulincl.h"));
    let want: BTreeMap<String, Vec<String>> = ours
        .into_iter()
        .filter(|(v, _)| v != "CSNEPCU")
        .map(|(v, types)| {
            let types = types
                .iter()
                .map(|t| {
                    t.replace("int32_t", "long")
                        .replace("uint8_t", "unsigned char")
                })
                .collect();
            (v, types)
        })
        .collect();
    assert_eq!(
        cca, want,
        "include/csulincl.h differs from include/softcca.h"
    );
    let lp64 = read("src/ffi/lp64.rs");
    let exported: Vec<&str> = lp64
        .split("pub unsafe extern \"C\" fn softcca_lp64_")
        .skip(1)
        .map(|s| &s[..s.find('(').unwrap()])
        .collect();
    assert_eq!(exported, cca.keys().map(String::as_str).collect::<Vec<_>>());
    let shim = read("csulcca/csulcca.c");
    for verb in cca.keys() {
        assert!(
            shim.contains(&format!("FORWARD({verb},")),
            "csulcca.c lacks {verb}"
        );
    }
}

/// Key Token Build with `long` integers; the token is the same as the `int32_t` entry point's.
fn ktb(rc: *mut c_long, rs: *mut c_long, count: *mut c_long, token: &mut [u8; 64]) {
    let mut ty = kw8("DATA");
    let mut ra = rules(&["INTERNAL"]);
    let (mut value, mut cv, mut mkvp) = ([0u8; 16], [0u8; 16], [0u8; 8]);
    let mut reserved = [0u8; 8];
    unsafe {
        softcca_lp64_CSNBKTB(
            rc,
            rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            token.as_mut_ptr(),
            ty.as_mut_ptr(),
            count,
            ra.as_mut_ptr(),
            value.as_mut_ptr(),
            reserved.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            cv.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            mkvp.as_mut_ptr(),
        )
    }
}

#[test]
fn long_integers_are_read_and_written_whole() {
    // rc and rs start as -1: every byte set. Success must clear all 8 bytes.
    let (mut rc, mut rs, mut count): (c_long, c_long, c_long) = (-1, -1, 1);
    let mut token = [0u8; 64];
    ktb(&mut rc, &mut rs, &mut count, &mut token);
    assert_eq!((rc, rs), (0, 0), "rc/rs written as whole longs");
    let (codes32, token32) = common::ktb("DATA", &["INTERNAL"], &[0; 16], &[0; 16], &[0; 8]);
    assert_eq!(codes32, (0, 0));
    assert_eq!(token, token32, "same core, same token");

    // Misaligned 8-byte integers (a COBOL record, a packed C struct) are read and written.
    let mut buf = [0xEEu8; 3 * 8 + 1];
    let base = buf.as_mut_ptr().wrapping_add(1).cast::<c_long>();
    let (prc, prs, pcount) = (base, base.wrapping_add(1), base.wrapping_add(2));
    unsafe { pcount.write_unaligned(1) };
    let mut token2 = [0u8; 64];
    ktb(prc, prs, pcount, &mut token2);
    assert_eq!(
        unsafe { (prc.read_unaligned(), prs.read_unaligned()) },
        (0, 0)
    );
    assert_eq!(token2, token32);
}

/// A count that is 1 in its low 32 bits: a truncating library would build the token.
#[test]
fn rule_array_count_outside_int32_is_8_35_not_truncated() {
    for count in [1 + (1 << 32), (1 << 32), -1, c_long::MIN + 1, c_long::MAX] {
        let (mut rc, mut rs, mut n): (c_long, c_long, c_long) = (-1, -1, count);
        let mut token = [0xA5u8; 64];
        ktb(&mut rc, &mut rs, &mut n, &mut token);
        assert_eq!((rc, rs), (8, 35), "count {count:#x}");
        assert_eq!(n, count, "count untouched");
        assert_eq!(token, [0xA5; 64], "token untouched on error");
    }
}

/// CSNBPCU's integers: a key length of 64 + 2^32 (64 when truncated) is 8/72, an
/// output_PIN_data_length of 2^32 (0 when truncated) is the must-be-zero error 8/715
/// (docs/codes.md), a capacity of 16 + 2^32 is 8/72; nothing is written. No key is needed: the lengths are
/// checked before any identifier is read.
#[test]
fn pcu_lengths_outside_int32_are_errors_not_truncated() {
    let wide = 1 << 32;
    let cases: [(usize, c_long, (i32, i32)); 5] = [
        (0, 64 + wide, (8, 72)),
        (1, 64 - wide, (8, 72)),
        (2, 64 + wide, (8, 72)),
        (3, wide, (8, 715)),
        (4, 16 + wide, (8, 72)),
    ];
    for (which, value, want) in cases {
        let mut ints: [c_long; 5] = [64, 64, 64, 0, 16];
        ints[which] = value;
        let [
            mut auth_len,
            mut enc_len,
            mut pin_len,
            mut out_data_len,
            mut msg_len,
        ] = ints;
        let (mut rc, mut rs): (c_long, c_long) = (-1, -1);
        let (mut count, mut kgd_len, mut zero): (c_long, c_long, c_long) = (2, 10, 0);
        let mut ra = rules(&["TDES-XOR", "VISAPCU1"]);
        let mut kgd = [0x11u8; 10];
        let mut auth = label("X.AC");
        let mut enc = label("X.SMC");
        let mut pin_key = label("X.PIN");
        let mut block = [0u8; 8];
        let mut profile = *b"ISO-0   NONE            ";
        let mut pan = *b"456789012345";
        let mut out_profile = *b"VISAPCU1NONE            ";
        let mut message = [0xA5u8; 16];
        unsafe {
            softcca_lp64_CSNBPCU(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut count,
                ra.as_mut_ptr(),
                &mut auth_len,
                auth.as_mut_ptr(),
                &mut enc_len,
                enc.as_mut_ptr(),
                &mut kgd_len,
                kgd.as_mut_ptr(),
                &mut pin_len,
                pin_key.as_mut_ptr(),
                block.as_mut_ptr(),
                profile.as_mut_ptr(),
                pan.as_mut_ptr(),
                &mut zero,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut out_data_len,
                std::ptr::null_mut(),
                out_profile.as_mut_ptr(),
                &mut msg_len,
                message.as_mut_ptr(),
            )
        };
        assert_eq!(
            (rc, rs),
            (c_long::from(want.0), c_long::from(want.1)),
            "parameter {which} = {value:#x}"
        );
        assert_eq!(message, [0xA5; 16], "message untouched on error");
        assert_eq!(msg_len, ints[4], "message length untouched on error");
    }
}

/// MAC Generate's text_length and Clear PIN Encrypt's sequence_number: 8 + 2^32 and 5 + 2^32
/// are their documented errors (8/25, 8/111), checked before any key is looked up.
#[test]
fn text_length_and_sequence_number_outside_int32() {
    let (mut rc, mut rs): (c_long, c_long) = (-1, -1);
    let mut text_len: c_long = 8 + (1 << 32);
    let mut count: c_long = 0;
    let mut key = label("NO.SUCH.KEY");
    let mut text = [0u8; 8];
    let mut mac = [0xA5u8; 9];
    unsafe {
        softcca_lp64_CSNBMGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            key.as_mut_ptr(),
            &mut text_len,
            text.as_mut_ptr(),
            &mut count,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            mac.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (8, 25));
    assert_eq!(mac, [0xA5; 9]);

    let (mut rc, mut rs): (c_long, c_long) = (-1, -1);
    let mut seq: c_long = 5 + (1 << 32);
    let mut count: c_long = 0;
    let mut clear = *b"1234            ";
    let mut profile = *b"3621    NONE    F       ";
    let mut pan = *b"456789012345";
    let mut out = [0xA5u8; 8];
    unsafe {
        softcca_lp64_CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            key.as_mut_ptr(),
            &mut count,
            std::ptr::null_mut(),
            clear.as_mut_ptr(),
            profile.as_mut_ptr(),
            pan.as_mut_ptr(),
            &mut seq,
            out.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (8, 111));
    assert_eq!(out, [0xA5; 8]);
}
