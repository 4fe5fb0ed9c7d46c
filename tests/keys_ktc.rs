//! CSNBKTC RTCMK through the C entry point: tokens, labels and wildcards across master-key
//! changes (the test master key, then mkvp.txt rnd-0, then rnd-1), with every error row.

mod common;
use common::*;

use softcca::crypto::ClearKey;
use softcca::ffi::keychange::CSNBKTC;
use softcca::token::InternalToken;

const MK2: &str = "C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1";
const MK2_VP: &str = "6A74E3BF4B721C04";
const MK3: &str = "9DC1DAA48531DF675279206D76BFB6D5B5A808853EC14073";

fn ktc_raw(count: *mut i32, words: &[&str], id: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut ra = rules(words);
    unsafe {
        CSNBKTC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            count,
            ra.as_mut_ptr(),
            id.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn ktc(id: &mut [u8; 64]) -> (i32, i32) {
    let mut n = 1;
    ktc_raw(&mut n, &["RTCMK"], id)
}

fn ktc_err(id: &[u8; 64], want: (i32, i32), what: &str) {
    let mut t = *id;
    assert_eq!(ktc(&mut t), want, "{what}");
    assert_eq!(&t, id, "{what}: changed on error");
}

fn key_under(t: &[u8; 64], mk: &str) -> Vec<u8> {
    let mk = ClearKey::from_slice(&hex(mk)).unwrap();
    InternalToken::parse(t)
        .unwrap()
        .unwrap_key(&mk, softcca::token::KeyUse::KeyPart)
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[test]
fn key_token_change() {
    let home = init_home("ktc");
    let toks: Vec<([u8; 64], Vec<u8>)> = cases("tokens.txt")
        .into_iter()
        .filter(|c| c.text("mk") == S9_MK)
        .map(|c| (arr(&c.hex("token")), c.hex("key")))
        .collect();
    let (t0, k0) = toks[0].clone();
    ktc_err(&t0, (12, 764), "no master key");
    load_mk(&hex(S9_MK));

    // Under the current MK: unchanged, 0/0.
    let mut t = t0;
    assert_eq!(ktc(&mut t), (0, 0));
    assert_eq!(t, t0);

    // Records: three keys, a null record, a skeleton.
    for (i, (tok, _)) in toks.iter().take(3).enumerate() {
        let l = label(&format!("KTC.K{i}"));
        assert_eq!(krc(&l), (0, 0));
        assert_eq!(krw(tok, &l), (0, 0));
    }
    assert_eq!(krc(&label("KTC.NULL")), (0, 0));
    assert_eq!(krc(&label("KTC.SKEL")), (0, 0));
    assert_eq!(krw(&skeleton("DATA", &[]), &label("KTC.SKEL")), (0, 0));
    assert_eq!(krc(&label("ONLY.NULL")), (0, 0));
    let mut pat = label("KTC.*");
    assert_eq!(ktc(&mut pat), (0, 0), "all current: processed, unchanged");

    // New MK: the test master key becomes old.
    load_mk(&hex(MK2));
    let mut t = t0;
    assert_eq!(ktc(&mut t), (0, 0), "old -> current is 0/0, not 0/10001");
    assert_eq!(to_hex(&t[8..16]), MK2_VP);
    assert_eq!(key_under(&t, MK2), k0);
    assert_eq!(t[32..48], t0[32..48], "CV kept");
    let rewrapped = t;
    assert_eq!(ktc(&mut t), (0, 0));
    assert_eq!(t, rewrapped, "second call leaves it");

    // An exact label.
    let mut l0 = label("KTC.K0");
    assert_eq!(ktc(&mut l0), (0, 0));
    assert_eq!(l0, label("KTC.K0"));
    assert_eq!(krr(&l0), rewrapped);
    // A wildcard: K1 and K2 rewrapped; null and skeleton skipped.
    let mut pat = label("KTC.*");
    assert_eq!(ktc(&mut pat), (0, 0));
    for (i, (_, key)) in toks.iter().enumerate().take(3).skip(1) {
        let r = krr(&label(&format!("KTC.K{i}")));
        assert_eq!(to_hex(&r[8..16]), MK2_VP);
        assert_eq!(&key_under(&r, MK2), key);
    }
    assert_eq!(krr(&label("KTC.NULL")), [0; 64]);
    let mut p = label("NOPE.*");
    assert_eq!(ktc(&mut p), (4, 158), "no match");
    let mut p = label("ONLY.*");
    assert_eq!(ktc(&mut p), (4, 158), "only null records");
    ktc_err(&label("KTC.NULL"), (4, 158), "exact null record");
    ktc_err(&label("KTC.SKEL"), (4, 158), "exact skeleton record");

    // A third MK: test-set tokens match neither register; a wildcard over a bad record changes
    // nothing at all.
    load_mk(&hex(MK3));
    ktc_err(&t0, (8, 10004), "neither MK");
    let (t3, _) = toks[3].clone();
    assert_eq!(krc(&label("MIX.A")), (0, 0));
    assert_eq!(krw(&rewrapped, &label("MIX.A")), (0, 0)); // under MK2 = old
    assert_eq!(krc(&label("MIX.B")), (0, 0));
    assert_eq!(krw(&t3, &label("MIX.B")), (0, 0)); // under under the test MK = unknown
    let mut p = label("MIX.*");
    assert_eq!(ktc(&mut p), (8, 10004));
    assert_eq!(krr(&label("MIX.A")), rewrapped, "transaction rolled back");

    // Other errors.
    let mut bad = rewrapped;
    bad[20] ^= 1;
    ktc_err(&bad, (8, 12), "TVV");
    ktc_err(&[0; 64], (8, 154), "null token");
    ktc_err(&skeleton("DATA", &[]), (8, 154), "skeleton token");
    let mut ext = rewrapped;
    ext[0] = 2;
    ktc_err(&ext, (8, 154), "external token");
    ktc_err(&label("NO.SUCH"), (8, 10012), "label not found");
    ktc_err(&label("A*B*"), (8, 32), "two wildcards");
    set_acp(&home, 0x0090, false);
    ktc_err(&rewrapped, (8, 90), "ACP X'0090' off");
    ktc_err(&label("MIX.A"), (8, 90), "ACP off, label");
    ktc_err(&label("MIX.*"), (8, 90), "ACP off, wildcard");
    set_acp(&home, 0x0090, true);
    let mut t = rewrapped;
    let mut n = 1;
    assert_eq!(ktc_raw(&mut n, &["RTNMK"], &mut t), (8, 33));
    let mut n = 0;
    assert_eq!(ktc_raw(&mut n, &[], &mut t), (8, 35));
    let mut n = 3;
    assert_eq!(ktc_raw(&mut n, &["RTCMK", "DES", "DES"], &mut t), (8, 35));
    let mut n = 2;
    assert_eq!(ktc_raw(&mut n, &["RTCMK", "RTCMK"], &mut t), (8, 34));
    assert_eq!(t, rewrapped);
    // Misaligned count and optional DES.
    let mut buf = [0u8; 8];
    let count = misaligned(&mut buf, 2);
    assert_eq!(ktc_raw(count, &["DES", "RTCMK"], &mut t), (0, 0));
    assert_ne!(t, rewrapped, "rewrapped under MK3");
    // NULL key_identifier.
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&["RTCMK"]);
    unsafe {
        CSNBKTC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!((rc, rs), (8, 184));
}
