//! CSNBKTB through the C entry point: control vectors against tests/data/tokens.txt (CVs of
//! docs/tokens.md, tokens from the clean-room model), KEY tokens byte for byte, and every
//! error row.

mod common;
use common::*;

use softcca::ffi::keybuild::CSNBKTB;

struct Call {
    key_type: [u8; 8],
    rules: Vec<u8>,
    count: i32,
    key_value: [u8; 16],
    reserved_1: [u8; 4],
    cv: [u8; 16],
    mkvp: [u8; 8],
}

impl Call {
    fn new(key_type: &str, words: &[&str]) -> Self {
        Call {
            key_type: kw8(key_type),
            rules: rules(words),
            count: words.len() as i32,
            key_value: [0; 16],
            reserved_1: [0; 4],
            cv: [0; 16],
            mkvp: [0; 8],
        }
    }

    /// (rc, rs, key_token) with key_token prefilled with a sentinel.
    fn run(&mut self) -> (i32, i32, [u8; 64]) {
        let (mut rc, mut rs) = (-1, -1);
        let mut out = [0xA5u8; 64];
        unsafe {
            CSNBKTB(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                out.as_mut_ptr(),
                self.key_type.as_mut_ptr(),
                &mut self.count,
                self.rules.as_mut_ptr(),
                self.key_value.as_mut_ptr(),
                self.reserved_1.as_mut_ptr().cast(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                self.cv.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                self.mkvp.as_mut_ptr(),
            )
        };
        (rc, rs, out)
    }
}

fn ok(key_type: &str, words: &[&str]) -> [u8; 64] {
    let (rc, rs, t) = Call::new(key_type, words).run();
    assert_eq!((rc, rs), (0, 0), "{key_type} {words:?}");
    t
}

fn err(mut c: Call, want: (i32, i32), what: &str) {
    let (rc, rs, t) = c.run();
    assert_eq!((rc, rs), want, "{what}");
    assert_eq!(t, [0xA5; 64], "{what}: output written on error");
}

/// Key type and keywords for each cv_ascii of tokens.txt.
fn spec(cv_ascii: &str) -> Option<(&'static str, Vec<&'static str>)> {
    Some(match cv_ascii {
        "DKYGENKY-DMAC" => ("DKYGENKY", vec!["DKYL0", "DMAC"]),
        "DKYGENKY-DMPIN" => ("DKYGENKY", vec!["DMPIN"]),
        "DKYGENKY-DALL" => ("DKYGENKY", vec!["DALL", "DKYL0"]),
        "DKYGENKY-DMKEY" => ("DKYGENKY", vec!["DMKEY"]),
        "DKYGENKY-DDATA" => ("DKYGENKY", vec!["DDATA"]),
        "DKYGENKY-DMV" => ("DKYGENKY", vec!["DMV", "INTERNAL"]),
        "DKYGENKY-DMAC-NOXPORT" => ("DKYGENKY", vec!["NO-XPORT"]),
        "DKYGENKY-DMPIN-NOXPORT" => ("DKYGENKY", vec!["DMPIN", "NO-XPORT"]),
        "DKYGENKY-DALL-NOXPORT" => ("DKYGENKY", vec!["DALL", "NO-XPORT", "DOUBLE"]),
        "IPINENC" => ("IPINENC", vec![]),
        "OPINENC" => ("OPINENC", vec!["KEYLN16"]),
        "MAC" => ("MAC", vec!["DOUBLE"]),
        "MACVER" => ("MACVER", vec!["MIXED"]),
        "SECMSG-SMPIN" => ("SECMSG", vec!["SMPIN"]),
        "SECMSG-SMKEY" => ("SECMSG", vec!["SMKEY", "XPORT-OK"]),
        "MAC-single" => ("MAC", vec![]),
        "MACVER-single" => ("MACVER", vec!["SINGLE", "NO-CV"]),
        _ => return None,
    })
}

#[test]
fn key_token_build() {
    // Skeletons: CV as in tokens.txt, no key, valid TVV.
    let mut n = 0;
    for c in cases("tokens.txt") {
        let Some((kt, words)) = spec(c.text("cv_ascii")) else {
            continue;
        };
        let expected: [u8; 64] = arr(&c.hex("token"));
        let t = ok(kt, &words);
        assert_eq!(t[0], 1);
        assert_eq!(t[6], 0x40, "{}: skeleton flag", c.id());
        let cv = c.hex("cv");
        assert_eq!(to_hex(&t[32..32 + cv.len()]), c.text("cv"), "{}", c.id());
        assert!(t[8..32].iter().all(|&b| b == 0));
        let mut resealed = t;
        reseal(&mut resealed);
        assert_eq!(resealed, t, "{}: TVV", c.id());

        // KEY: the already-wrapped parts and MKVP give the model's token in bytes 0-47, with
        // no token authentication code (bytes 48-55 zero, TVV over them): Key Token Build
        // must not authenticate caller-supplied parts (decisions D25), so such a token is
        // refused when used (tests/token_auth.rs).
        let mut unauthenticated = expected;
        unauthenticated[48..56].fill(0);
        reseal(&mut unauthenticated);
        let mut words_key = words.clone();
        words_key.push("KEY");
        let mut call = Call::new(kt, &words_key);
        call.key_value[..16].copy_from_slice(&expected[16..32]);
        call.mkvp.copy_from_slice(&expected[8..16]);
        let (rc, rs, t) = call.run();
        assert_eq!((rc, rs), (0, 0));
        assert_eq!(t, unauthenticated, "{} KEY", c.id());

        // USE-CV + CV + KEY gives the same token.
        let mut call = Call::new("USE-CV", &["CV", "KEY"]);
        call.cv[..cv.len()].copy_from_slice(&cv);
        call.key_value.copy_from_slice(&expected[16..32]);
        call.mkvp.copy_from_slice(&expected[8..16]);
        let (rc, rs, t) = call.run();
        assert_eq!((rc, rs), (0, 0));
        assert_eq!(t, unauthenticated, "{} USE-CV", c.id());
        n += 1;
    }
    assert!(n >= 17, "only {n} token cases");

    // Defaults: DATA single; lower-case keywords are folded.
    let t = ok("data", &["internal", "keyln8"]);
    assert_eq!(to_hex(&t[32..48]), "00007D00030000000000000000000000");
    let t = ok("DATA", &["DOUBLE"]);
    assert_eq!(to_hex(&t[32..48]), "00007D000341000000007D0003210000");
    // KEY-PART sets bit 44 in both halves (parity kept even).
    let t = ok("IPINENC", &["KEY-PART"]);
    assert_eq!(to_hex(&t[32..48]), "00215F000348000000215F0003280000");
    let t = ok("MAC", &["KEY-PART", "SINGLE"]);
    assert_eq!(to_hex(&t[32..40]), "00054D0003090000");

    // Error rows; the output keeps its sentinel.
    let mut c = Call::new("DATA", &[]);
    c.count = 10;
    err(c, (8, 35), "count 10");
    let mut c = Call::new("DATA", &[]);
    c.count = -1;
    err(c, (8, 35), "count -1");
    err(Call::new("DATA", &["EXTERNAL"]), (8, 33), "EXTERNAL");
    err(Call::new("DATA", &["BOGUS"]), (8, 33), "unknown keyword");
    err(
        Call::new("DATA", &["SINGLE", "DOUBLE"]),
        (8, 34),
        "two lengths",
    );
    err(Call::new("DATA", &["KEY", "NO-KEY"]), (8, 34), "KEY NO-KEY");
    err(Call::new("MAC", &["DKYL1"]), (8, 34), "level on MAC");
    err(Call::new("DATA", &["DMAC"]), (8, 34), "usage on DATA");
    err(
        Call::new("DKYGENKY", &["SMPIN"]),
        (8, 34),
        "SMPIN on DKYGENKY",
    );
    err(Call::new("SECMSG", &[]), (8, 34), "SECMSG without usage");
    err(Call::new("USE-CV", &[]), (8, 34), "USE-CV without CV");
    err(Call::new("DATA", &["CV"]), (8, 34), "CV with DATA");
    err(
        Call::new("USE-CV", &["CV", "DOUBLE"]),
        (8, 34),
        "CV with a length",
    );
    err(
        Call::new("IPINENC", &["SINGLE"]),
        (8, 2097),
        "IPINENC single",
    );
    err(
        Call::new("DKYGENKY", &["KEYLN8"]),
        (8, 2097),
        "DKYGENKY single",
    );
    err(Call::new("PINGEN", &[]), (8, 61), "unsupported key type");
    let mut c = Call::new("DATA", &[]);
    c.reserved_1 = [0, 0, 0, 1];
    err(c, (8, 715), "reserved_1 not zero");
    let mut c = Call::new("USE-CV", &["CV"]);
    c.cv[..8].copy_from_slice(&hex("00215F0003410001"));
    c.cv[8..].copy_from_slice(&hex("00215F0003210000"));
    err(c, (8, 340), "CV parity");
    let mut c = Call::new("USE-CV", &["CV"]);
    c.cv[..8].copy_from_slice(&hex("00215F0003410000"));
    err(c, (8, 39), "CV key form left double, right missing");

    // NULL pointers.
    let (mut rc, mut rs) = (-1, -1);
    let mut out = [0xA5u8; 64];
    let mut n = 0i32;
    let mut zero = [0u8; 16];
    let mut kt = kw8("DATA");
    unsafe {
        CSNBKTB(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            out.as_mut_ptr(),
            std::ptr::null_mut(),
            &mut n,
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
            zero.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (8, 184), "NULL key_type");
    assert_eq!(out, [0xA5; 64]);
    for which in 0..2 {
        let (mut rc, mut rs) = (-1, -1);
        let mut z2 = [0u8; 16];
        unsafe {
            CSNBKTB(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                if which == 0 {
                    std::ptr::null_mut()
                } else {
                    out.as_mut_ptr()
                },
                kt.as_mut_ptr(),
                &mut n,
                std::ptr::null_mut(),
                zero.as_mut_ptr(),
                if which == 1 {
                    std::ptr::null_mut()
                } else {
                    z2.as_mut_ptr().cast()
                },
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                zero.as_mut_ptr(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                zero.as_mut_ptr(),
            )
        };
        assert_eq!((rc, rs), (8, 184), "NULL #{which}");
    }
    assert_eq!(out, [0xA5; 64]);

    // A misaligned rule_array_count; NULL rc/rs are skipped.
    let mut buf = [0u8; 8];
    let count = misaligned(&mut buf, 2);
    let mut ra = rules(&["DOUBLE", "KEY-PART"]);
    let (mut rc, mut rs) = (-1, -1);
    unsafe {
        CSNBKTB(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            out.as_mut_ptr(),
            kt.as_mut_ptr(),
            count,
            ra.as_mut_ptr(),
            zero.as_mut_ptr(),
            zero.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(to_hex(&out[32..48]), "00007D000348000000007D0003280000");
    unsafe {
        CSNBKTB(
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            out.as_mut_ptr(),
            kt.as_mut_ptr(),
            count,
            ra.as_mut_ptr(),
            zero.as_mut_ptr(),
            zero.as_mut_ptr().cast(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            zero.as_mut_ptr(),
        )
    };
}
