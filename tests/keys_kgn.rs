//! CSNBKGN through the C entry point: OP keys of every supported type and TOKEN, checked by
//! unwrapping under the known the test master key; every error row.

mod common;
use common::*;

use softcca::crypto::ClearKey;
use softcca::ffi::keygen::CSNBKGN;
use softcca::token::InternalToken;

fn kgn(form: &[u8; 4], length: &str, t1: &str, t2: &str, gen1: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut f = *form;
    let mut l = kw8(length);
    let mut a = kw8(t1);
    let mut b = kw8(t2);
    let mut kek1 = [0u8; 64];
    let mut kek2 = [0u8; 64];
    let mut gen2 = [0u8; 64];
    unsafe {
        CSNBKGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            f.as_mut_ptr(),
            l.as_mut_ptr(),
            a.as_mut_ptr(),
            b.as_mut_ptr(),
            kek1.as_mut_ptr(),
            kek2.as_mut_ptr(),
            gen1.as_mut_ptr(),
            gen2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn err(form: &[u8; 4], length: &str, t1: &str, t2: &str, gen1: &[u8; 64], want: (i32, i32)) {
    let mut g = *gen1;
    assert_eq!(
        kgn(form, length, t1, t2, &mut g),
        want,
        "{length} {t1} {t2}"
    );
    assert_eq!(&g, gen1, "output written on error");
}

/// Unwraps under the test master key and checks parity, distinct halves, MKVP and CV.
fn check(t: &[u8; 64], len: usize, cv_hex: &str) -> Vec<u8> {
    let tok = InternalToken::parse(t).unwrap();
    assert!(tok.has_key());
    assert_eq!(to_hex(&tok.mkvp()), S9_MKVP);
    assert_eq!(to_hex(&t[32..32 + cv_hex.len() / 2]), cv_hex);
    let mk = ClearKey::from_slice(&hex(S9_MK)).unwrap();
    let k = tok
        .unwrap_key(&mk, softcca::token::KeyUse::Operational)
        .unwrap();
    assert_eq!(k.len(), len);
    assert!(k.has_odd_parity());
    if len == 16 {
        assert_ne!(k.part(0), k.part(1));
    }
    k.as_bytes().to_vec()
}

const OP: &[u8; 4] = b"OP  ";

#[test]
fn key_generate() {
    let home = init_home("kgn");
    err(OP, "", "DATA", "", &[0; 64], (12, 764));
    load_mk(&hex(S9_MK));

    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "", "DATA", "", &mut g), (0, 0));
    let k1 = check(&g, 8, "00007D0003000000");
    let mut g = [0u8; 64];
    assert_eq!(kgn(b"op  ", "single", "data", "", &mut g), (0, 0));
    let k2 = check(&g, 8, "00007D0003000000");
    assert_ne!(k1, k2, "two generations give different keys");
    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "KEYLN16", "MAC", "", &mut g), (0, 0));
    check(&g, 16, "00054D000341000000054D0003210000");
    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "KEYLN8", "MACVER", "", &mut g), (0, 0));
    check(&g, 8, "0005440003000000");
    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "", "IPINENC", "", &mut g), (0, 0));
    check(&g, 16, "00215F000341000000215F0003210000");
    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "DOUBLE", "OPINENC", "", &mut g), (0, 0));
    check(&g, 16, "00247700034100000024770003210000");
    // TOKEN: the CV of a CSNBKTB skeleton (DKYGENKY DMPIN), and of an existing key token.
    let mut g = skeleton("DKYGENKY", &["DMPIN"]);
    assert_eq!(kgn(OP, "", "TOKEN", "", &mut g), (0, 0));
    check(&g, 16, "00715300034100000071530003210000");
    let before = g;
    assert_eq!(kgn(OP, "DOUBLE", "TOKEN", "", &mut g), (0, 0));
    assert_ne!(g[16..32], before[16..32]);
    check(&g, 16, "00715300034100000071530003210000");
    // An internal token with a non-TOKEN type is ignored.
    let mut g2 = g;
    assert_eq!(kgn(OP, "", "DATA", "", &mut g2), (0, 0));
    check(&g2, 8, "00007D0003000000");

    // Errors.
    let sk = skeleton("DKYGENKY", &["DMAC"]);
    for form in [b"IM  ", b"EX  ", b"OPIM", b"OPOP", b"XX  "] {
        err(form, "", "DATA", "", &[0; 64], (8, 41));
    }
    err(OP, "TRIPLE", "DATA", "", &[0; 64], (8, 43));
    err(OP, "SINGLE-R", "DATA", "", &[0; 64], (8, 43));
    err(OP, "", "PINGEN", "", &[0; 64], (8, 61));
    err(OP, "", "DATA", "DATA", &[0; 64], (8, 61));
    err(OP, "SINGLE", "IPINENC", "", &[0; 64], (8, 2097));
    err(OP, "KEYLN8", "TOKEN", "", &sk, (8, 2097));
    err(OP, "", "TOKEN", "", &[0; 64], (8, 155));
    err(OP, "", "TOKEN", "", &label("A.LABEL"), (8, 155));
    err(OP, "", "DATA", "", &label("A.LABEL"), (8, 155));
    let mut ext = sk;
    ext[0] = 2;
    err(OP, "", "DATA", "", &ext, (8, 155));
    let mut bad = sk;
    bad[40] ^= 0x80;
    err(OP, "", "TOKEN", "", &bad, (8, 12));
    reseal(&mut bad);
    err(OP, "", "TOKEN", "", &bad, (8, 340));
    set_acp(&home, 0x008E, false);
    err(OP, "", "DATA", "", &[0; 64], (8, 90));
    set_acp(&home, 0x008E, true);
    let mut g = [0u8; 64];
    assert_eq!(kgn(OP, "", "DATA", "", &mut g), (0, 0));

    // NULL pointers: each input and the output.
    for which in 0..8 {
        let (mut rc, mut rs) = (-1, -1);
        let mut f = *OP;
        let mut l = kw8("");
        let mut a = kw8("DATA");
        let mut b = kw8("");
        let mut k1 = [0u8; 64];
        let mut k2 = [0u8; 64];
        let mut g1 = [0xA5u8; 64];
        let mut g2 = [0u8; 64];
        let mut ptrs = [
            f.as_mut_ptr(),
            l.as_mut_ptr(),
            a.as_mut_ptr(),
            b.as_mut_ptr(),
            k1.as_mut_ptr(),
            k2.as_mut_ptr(),
            g1.as_mut_ptr(),
            g2.as_mut_ptr(),
        ];
        ptrs[which] = std::ptr::null_mut();
        unsafe {
            CSNBKGN(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                ptrs[0],
                ptrs[1],
                ptrs[2],
                ptrs[3],
                ptrs[4],
                ptrs[5],
                ptrs[6],
                ptrs[7],
            )
        };
        assert_eq!((rc, rs), (8, 184), "NULL #{which}");
        assert_eq!(g1, [0xA5; 64]);
    }
}
