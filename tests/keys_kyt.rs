//! CSNBKYT through the C entry point. Expected values: tests/data/kcv.txt (ENC-ZERO, first 4
//! bytes), tests/data/kyt.txt (default CCA method, from tests/vectors/kyt_default.py with
//! `cryptography`), and SHA-1(X'01' ‖ MK) of the test master key (hashlib:
//! `23FB12BC983BE87A` ‖ `F15766AAD4BCA6CB`).

mod common;
use common::*;

use softcca::ffi::keytest::CSNBKYT;

/// SHA-1(X'01' ‖ the test master key)[8..16], from Python hashlib.
const S9_SHA1_NEXT: &str = "F15766AAD4BCA6CB";

fn kyt_raw(
    count: *mut i32,
    words: &[&str],
    id: &[u8; 64],
    v1: &mut [u8; 8],
    v2: &mut [u8; 8],
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut ra = rules(words);
    let mut k = *id;
    unsafe {
        CSNBKYT(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            count,
            ra.as_mut_ptr(),
            k.as_mut_ptr(),
            v1.as_mut_ptr(),
            v2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn kyt(words: &[&str], id: &[u8; 64], v1: &mut [u8; 8], v2: &mut [u8; 8]) -> (i32, i32) {
    let mut n = words.len() as i32;
    kyt_raw(&mut n, words, id, v1, v2)
}

/// The call must give `want` and leave both values unchanged.
fn kyt_err(words: &[&str], id: &[u8; 64], want: (i32, i32), what: &str) {
    let (mut v1, mut v2) = ([0xA5u8; 8], [0x5Au8; 8]);
    assert_eq!(kyt(words, id, &mut v1, &mut v2), want, "{what}");
    assert_eq!((v1, v2), ([0xA5; 8], [0x5A; 8]), "{what}: values written");
}

fn clear_id(key: &[u8]) -> [u8; 64] {
    let mut id = [0u8; 64];
    id[..key.len()].copy_from_slice(key);
    id
}

#[test]
fn key_test() {
    let home = init_home("kyt");
    kyt_err(
        &["GENERATE", "KEY-KM"],
        &[0; 64],
        (12, 764),
        "no current MK",
    );

    // ENC-ZERO on clear keys: kcv.txt, 4 bytes; the low 4 bytes of value_2 pass through.
    for c in cases("kcv.txt") {
        let key = c.hex("key");
        let word = match key.len() {
            8 => "KEY-CLR",
            16 => "KEY-CLRD",
            _ => continue,
        };
        let id = clear_id(&key);
        let (mut v1, mut v2) = ([0x11u8; 8], [0x22u8; 8]);
        assert_eq!(
            kyt(&["GENERATE", word, "ENC-ZERO"], &id, &mut v1, &mut v2),
            (0, 0)
        );
        assert_eq!(to_hex(&v2[..4]), c.text("enc_zero")[..8], "{}", c.id());
        assert_eq!(v2[4..], [0x22; 4]);
        assert_eq!(v1, [0x11; 8]);
        let mut v2b = v2;
        v2b[4..].copy_from_slice(&[0x99; 4]);
        assert_eq!(
            kyt(&["VERIFY", word, "ENC-ZERO"], &id, &mut v1, &mut v2b),
            (0, 0)
        );
        v2b[0] ^= 1;
        assert_eq!(
            kyt(&["VERIFY", word, "ENC-ZERO"], &id, &mut v1, &mut v2b),
            (4, 1)
        );
    }

    // Default CCA method: kyt.txt.
    for c in cases("kyt.txt") {
        let key = c.hex("key");
        let word = if key.len() == 8 {
            "KEY-CLR"
        } else {
            "KEY-CLRD"
        };
        let id = clear_id(&key);
        let mut v1: [u8; 8] = arr(&c.hex("rn"));
        let mut v2: [u8; 8] = arr(&c.hex("vp"));
        assert_eq!(
            kyt(&["VERIFY", word], &id, &mut v1, &mut v2),
            (0, 0),
            "{}",
            c.id()
        );
        assert_eq!(to_hex(&v2), c.text("vp"), "VERIFY writes nothing");
        let mut bad = v2;
        bad[7] ^= 0x80;
        assert_eq!(
            kyt(&["VERIFY", word], &id, &mut v1, &mut bad),
            (4, 1),
            "{}",
            c.id()
        );
        let mut bad_rn = v1;
        bad_rn[0] ^= 1;
        assert_eq!(kyt(&["VERIFY", word], &id, &mut bad_rn, &mut v2), (4, 1));
        // GENERATE: a fresh random number whose pattern VERIFY accepts.
        let (mut g1, mut g2) = ([0u8; 8], [0u8; 8]);
        assert_eq!(kyt(&["GENERATE", word], &id, &mut g1, &mut g2), (0, 0));
        assert_ne!(g1, [0; 8]);
        assert_eq!(kyt(&["VERIFY", word], &id, &mut g1, &mut g2), (0, 0));
    }

    // Enciphered keys: tokens under the test master key, by token and by label.
    load_mk(&hex(S9_MK));
    let s9 = cases("tokens.txt")
        .into_iter()
        .find(|c| c.id() == "s9-ipinenc")
        .unwrap();
    let token: [u8; 64] = arr(&s9.hex("token"));
    let lab = label("KYT.PIN");
    assert_eq!(krc(&lab), (0, 0));
    assert_eq!(krw(&token, &lab), (0, 0));
    for id in [token, lab] {
        for word in ["KEY-ENC", "KEY-ENCD"] {
            let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
            assert_eq!(
                kyt(&["GENERATE", word, "ENC-ZERO"], &id, &mut v1, &mut v2),
                (0, 0)
            );
            assert_eq!(to_hex(&v2[..4]), "08D7B4FB", "kcv.txt s9-pin-key");
            assert_eq!(
                kyt(&["VERIFY", word, "ENC-ZERO"], &id, &mut v1, &mut v2),
                (0, 0)
            );
        }
        let mut v1: [u8; 8] = arr(&hex("0000000000000000"));
        let mut v2: [u8; 8] = arr(&hex("BA0D133880AE14EC")); // kyt.txt s9-pin-key
        assert_eq!(kyt(&["VERIFY", "KEY-ENCD"], &id, &mut v1, &mut v2), (0, 0));
    }

    // Master-key registers: SHA-1 method (default and explicit).
    for words in [
        &["GENERATE", "KEY-KM"][..],
        &["GENERATE", "KEY-KM", "SYM-MK"],
        &["GENERATE", "SHA-1", "SYM-MK", "KEY-KM"],
    ] {
        let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
        assert_eq!(kyt(words, &[0; 64], &mut v1, &mut v2), (0, 0), "{words:?}");
        assert_eq!(to_hex(&v1), S9_MKVP);
        assert_eq!(to_hex(&v2), S9_SHA1_NEXT);
    }
    let mut v1: [u8; 8] = arr(&hex(S9_MKVP));
    let mut v2: [u8; 8] = arr(&hex(S9_SHA1_NEXT));
    assert_eq!(
        kyt(&["VERIFY", "KEY-KM"], &[0; 64], &mut v1, &mut v2),
        (0, 0)
    );
    v2[0] ^= 1;
    assert_eq!(
        kyt(&["VERIFY", "KEY-KM"], &[0; 64], &mut v1, &mut v2),
        (4, 1)
    );
    kyt_err(&["GENERATE", "KEY-NKM"], &[0; 64], (8, 707), "empty NMK");
    kyt_err(&["GENERATE", "KEY-OKM"], &[0; 64], (8, 707), "empty OMK");
    assert_eq!(mkp(&["FIRST"], &arr(&hex(S9_MK))), (0, 0));
    kyt_err(&["GENERATE", "KEY-NKM"], &[0; 64], (8, 707), "partial NMK");
    // Load a second MK: the test master key becomes the old one; mkvp.txt rnd-0.
    assert_eq!(mkp(&["CLEAR"], &[0; 24]), (0, 0));
    let mk2 = hex("C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1");
    assert_eq!(mkp(&["FIRST"], &arr(&mk2)), (0, 0));
    assert_eq!(mkp(&["LAST"], &[0; 24]).0, 0);
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    assert_eq!(
        kyt(&["GENERATE", "KEY-NKM"], &[0; 64], &mut v1, &mut v2),
        (0, 0)
    );
    assert_eq!(to_hex(&v1), "6A74E3BF4B721C04");
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0));
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    assert_eq!(
        kyt(&["GENERATE", "KEY-OKM"], &[0; 64], &mut v1, &mut v2),
        (0, 0)
    );
    assert_eq!(
        (to_hex(&v1), to_hex(&v2)),
        (S9_MKVP.into(), S9_SHA1_NEXT.into())
    );
    // A token under the old MK still tests, with the old-MK warning.
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    assert_eq!(
        kyt(
            &["GENERATE", "KEY-ENCD", "ENC-ZERO"],
            &token,
            &mut v1,
            &mut v2
        ),
        (0, 10001)
    );

    // Errors.
    let clr = clear_id(&hex("0123456789ABCDEF"));
    kyt_err(
        &["GENERATE", "KEY-CLR", "SYM-MK"],
        &clr,
        (8, 34),
        "SYM-MK with a key",
    );
    kyt_err(
        &["GENERATE", "KEY-CLR", "SHA-1"],
        &clr,
        (8, 34),
        "SHA-1 with a key",
    );
    kyt_err(
        &["GENERATE", "KEY-KM", "ENC-ZERO"],
        &clr,
        (8, 34),
        "ENC-ZERO with KEY-KM",
    );
    kyt_err(
        &["GENERATE", "VERIFY", "KEY-CLR"],
        &clr,
        (8, 34),
        "two processes",
    );
    kyt_err(
        &["GENERATE", "KEY-CLR", "KEY-CLRD"],
        &clr,
        (8, 34),
        "two keys",
    );
    kyt_err(&["GENERATE", "ENC-ZERO"], &clr, (8, 34), "no key rule");
    kyt_err(&["KEY-CLR", "ENC-ZERO"], &clr, (8, 34), "no process rule");
    kyt_err(&["GENERATE", "KEY-CLR", "MDC-4"], &clr, (8, 33), "MDC-4");
    kyt_err(&["GENERATE"], &clr, (8, 35), "count 1");
    kyt_err(
        &["GENERATE", "KEY-CLR", "ENC-ZERO", "SYM-MK", "SHA-1"],
        &clr,
        (8, 35),
        "count 5",
    );
    kyt_err(
        &["GENERATE", "KEY-ENC"],
        &label("NO.SUCH"),
        (8, 10012),
        "label not found",
    );
    let mut bad = token;
    bad[16] ^= 1;
    kyt_err(&["GENERATE", "KEY-ENC"], &bad, (8, 12), "TVV");
    let mut bad = token;
    bad[9] ^= 1;
    reseal(&mut bad);
    kyt_err(&["GENERATE", "KEY-ENC"], &bad, (8, 10004), "unknown MKVP");
    kyt_err(&["GENERATE", "KEY-ENC"], &[0; 64], (8, 154), "null token");
    set_acp(&home, 0x001D, false);
    kyt_err(
        &["GENERATE", "KEY-CLR", "ENC-ZERO"],
        &clr,
        (8, 90),
        "ACP X'001D' off",
    );
    set_acp(&home, 0x001D, true);

    // Misaligned count; NULL pointers.
    let mut buf = [0u8; 8];
    let count = misaligned(&mut buf, 3);
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    assert_eq!(
        kyt_raw(
            count,
            &["GENERATE", "KEY-CLR", "ENC-ZERO"],
            &clr,
            &mut v1,
            &mut v2
        ),
        (0, 0)
    );
    assert_eq!(to_hex(&v2[..4]), "D5D44FF7");
    for which in 0..3 {
        let (mut rc, mut rs) = (-1, -1);
        let mut n = 3;
        let mut ra = rules(&["GENERATE", "KEY-CLR", "ENC-ZERO"]);
        let mut id = clr;
        let (mut v1, mut v2) = ([0xA5u8; 8], [0xA5u8; 8]);
        let mut p = [id.as_mut_ptr(), v1.as_mut_ptr(), v2.as_mut_ptr()];
        p[which] = std::ptr::null_mut();
        unsafe {
            CSNBKYT(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut n,
                ra.as_mut_ptr(),
                p[0],
                p[1],
                p[2],
            )
        };
        assert_eq!((rc, rs), (8, 184), "NULL #{which}");
        assert_eq!((v1, v2), ([0xA5; 8], [0xA5; 8]));
    }
}
