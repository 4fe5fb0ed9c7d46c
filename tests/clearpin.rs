//! Clear PIN Encrypt (CSNBCPE) against tests/data/pinblocks.txt (psec 1.3.0 for ISO-0/2/3, the
//! clean-room model for the rest; encrypted blocks by `cryptography`).

mod common;
use common::pcu_call::profile;
use common::verbs::{TEST_MK, load_master_key, setup, token};
use common::*;

use softcca::crypto::{ClearKey, Tdes};
use softcca::cv::{ControlVector, templates};
use softcca::pinblock::{Checks, Profile, parse_pan, recover};

fn cpe(
    key: &[u8; 64],
    rules: &[u8],
    clear: &str,
    prof: &[u8; 24],
    pan: &[u8; 12],
    seq: i32,
) -> ((i32, i32), [u8; 8]) {
    let (mut rc, mut rs) = (-1, -1);
    let mut k = *key;
    let mut n = (rules.len() / 8) as i32;
    let mut r = rules.to_vec();
    let mut c = [b' '; 16];
    c[..clear.len()].copy_from_slice(clear.as_bytes());
    let (mut p, mut pn, mut s) = (*prof, *pan, seq);
    let mut out = [0xEEu8; 8];
    unsafe {
        softcca::ffi::clearpin::CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            k.as_mut_ptr(),
            &mut n,
            r.as_mut_ptr(),
            c.as_mut_ptr(),
            p.as_mut_ptr(),
            pn.as_mut_ptr(),
            &mut s,
            out.as_mut_ptr(),
        )
    };
    ((rc, rs), out)
}

fn opinenc() -> ControlVector {
    ControlVector::from_template(templates::OPINENC, true)
}

#[test]
fn formats_against_independent_blocks() {
    let _g = setup("cpe");
    load_master_key(TEST_MK);
    let mut exact = 0;
    for c in cases("pinblocks.txt") {
        let key = c.hex("pin_key");
        let tok = token(TEST_MK, &key, &opinenc());
        let fmt = c.text("format_ascii");
        let prof = profile(fmt, c.opt("pad"));
        let pan: [u8; 12] = arr(c.text("pan_ascii").as_bytes());
        let seq = c.opt("seq_ascii").map_or(99_999, |s| s.parse().unwrap());
        let (codes, out) = cpe(&tok, b"ENCRYPT ", c.text("pin_ascii"), &prof, &pan, seq);
        assert_eq!(codes, (0, 0), "{}", c.id());
        let clear = Tdes::new(&ClearKey::from_slice(&key).unwrap()).decrypt(&out);
        // Formats without random fill must give the independent block exactly.
        if matches!(
            fmt,
            "ISO-0" | "ISO-2" | "VISA-4" | "3621" | "3624" | "4704-EPP"
        ) {
            assert_eq!(to_hex(&out), c.text("enc_block"), "{}", c.id());
            assert_eq!(to_hex(&clear), c.text("clear_block"), "{}", c.id());
            exact += 1;
        }
        // Every format must decode back to the PIN.
        let p = Profile::parse(&prof).unwrap();
        let pan_n = parse_pan(&pan).ok();
        let pin = recover(&clear, &p, pan_n.as_ref(), Checks::default()).unwrap();
        let text: String = pin.digits().iter().map(|d| char::from(b'0' + d)).collect();
        assert_eq!(text, c.text("pin_ascii"), "{}", c.id());
    }
    assert!(exact >= 15, "{exact}");
}

#[test]
fn random_pins_and_errors() {
    let _g = setup("cpe");
    load_master_key(TEST_MK);
    let key = hex("0123456789ABCDEFFEDCBA9876543210");
    let tok = token(TEST_MK, &key, &opinenc());
    let iso0 = profile("ISO-0", None);
    let pan = *b"456789012345";
    // RANDOM: six zeros ask for a six-digit PIN.
    let (codes, out) = cpe(&tok, b"RANDOM  ", "000000", &iso0, &pan, 99_999);
    assert_eq!(codes, (0, 0));
    let clear = Tdes::new(&ClearKey::from_slice(&key).unwrap()).decrypt(&out);
    let pin = recover(
        &clear,
        &Profile::parse(&iso0).unwrap(),
        Some(&parse_pan(&pan).unwrap()),
        Checks::default(),
    )
    .unwrap();
    assert_eq!(pin.len(), 6);
    assert!(pin.digits().iter().all(|&d| d <= 9));

    let e = |codes: (i32, i32), out: [u8; 8], want: (i32, i32), what: &str| {
        assert_eq!(codes, want, "{what}");
        assert_eq!(out, [0xEE; 8], "{what}: output written");
    };
    let (c, o) = cpe(&tok, b"ENCRYPT RANDOM  ", "1234", &iso0, &pan, 0);
    e(c, o, (8, 35), "count 2");
    let (c, o) = cpe(&tok, b"DECRYPT ", "1234", &iso0, &pan, 0);
    e(c, o, (8, 33), "keyword");
    let ipin = token(
        TEST_MK,
        &key,
        &ControlVector::from_template(templates::IPINENC, true),
    );
    let (c, o) = cpe(&ipin, b"", "1234", &iso0, &pan, 0);
    e(c, o, (8, 39), "IPINENC key");
    let mut no_cpinenc = opinenc();
    no_cpinenc.left[2] &= !0x20;
    no_cpinenc.right[2] &= !0x20;
    softcca::cv::even_parity(&mut no_cpinenc.left);
    softcca::cv::even_parity(&mut no_cpinenc.right);
    let t = token(TEST_MK, &key, &no_cpinenc);
    let (c, o) = cpe(&t, b"", "1234", &iso0, &pan, 0);
    e(c, o, (8, 39), "OPINENC without CPINENC");
    let (c, o) = cpe(&tok, b"", "12A4", &iso0, &pan, 0);
    e(c, o, (8, 116), "non-digit PIN");
    let (c, o) = cpe(&tok, b"", "123", &iso0, &pan, 0);
    e(c, o, (8, 100), "3-digit PIN");
    let (c, o) = cpe(&tok, b"", "1234567890123", &iso0, &pan, 0);
    e(c, o, (8, 100), "13-digit PIN");
    let (c, o) = cpe(&tok, b"RANDOM  ", "0101", &iso0, &pan, 0);
    e(c, o, (8, 116), "RANDOM with digits other than 0");
    let (c, o) = cpe(&tok, b"", "1234", &profile("ISO-7", None), &pan, 0);
    e(c, o, (8, 106), "format");
    let (c, o) = cpe(&tok, b"", "1234", &iso0, b"45678901234X", 0);
    e(c, o, (8, 110), "PAN");
    let (c, o) = cpe(&tok, b"", "1234", &profile("4704-EPP", None), &pan, 100);
    e(c, o, (8, 111), "4704-EPP sequence 100");
    let (c, o) = cpe(&tok, b"", "1234", &profile("3621", Some("F")), &pan, -1);
    e(c, o, (8, 111), "negative sequence");
    let (c, o) = cpe(&tok, b"", "1234", &profile("3624", None), &pan, 0);
    e(c, o, (8, 108), "3624 without pad digit");
    let (c, o) = cpe(&tok, b"", "1234", &profile("3624", Some("4")), &pan, 0);
    e(c, o, (8, 108), "pad digit inside the PIN");
    let (c, o) = cpe(&label("NO.SUCH"), b"", "1234", &iso0, &pan, 0);
    e(c, o, (8, 10012), "label not found");
    // ACP X'00AF' off.
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    set_acp(&home, 0x00AF, false);
    let (c, o) = cpe(&tok, b"", "1234", &iso0, &pan, 0);
    e(c, o, (8, 90), "X'00AF' off");
    set_acp(&home, 0x00AF, true);
    // X'0313' Enhanced PIN Security refuses a decimal pad digit for 3621/3624 output.
    let (c, _) = cpe(&tok, b"", "1234", &profile("3624", Some("5")), &pan, 0);
    assert_eq!(c, (0, 0), "decimal pad allowed without X'0313'");
    set_acp(&home, 0x0313, true);
    let (c, o) = cpe(&tok, b"", "1234", &profile("3624", Some("5")), &pan, 0);
    e(c, o, (8, 108), "decimal pad under X'0313'");
    let (c, _) = cpe(&tok, b"", "1234", &profile("3624", Some("F")), &pan, 0);
    assert_eq!(c, (0, 0), "hex pad under X'0313'");
    set_acp(&home, 0x0313, false);
    // NULL output.
    let (mut rc, mut rs) = (-1, -1);
    let (mut k, mut n, mut s) = (tok, 0, 0);
    let (mut cl, mut p, mut pn) = (*b"1234            ", iso0, pan);
    unsafe {
        softcca::ffi::clearpin::CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            k.as_mut_ptr(),
            &mut n,
            std::ptr::null_mut(),
            cl.as_mut_ptr(),
            p.as_mut_ptr(),
            pn.as_mut_ptr(),
            &mut s,
            std::ptr::null_mut(),
        )
    };
    assert_eq!((rc, rs), (8, 184));
}
