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

/// Decrypts with the `des` crate (an implementation independent of softcca's DES).
fn des_decrypt(key: &[u8], block: &[u8; 8]) -> [u8; 8] {
    use des::cipher::{Array, BlockCipherDecrypt, KeyInit};
    let c = des::TdesEde2::new_from_slice(key).unwrap();
    let mut a = Array::from(*block);
    c.decrypt_block(&mut a);
    a.into()
}

/// The clear block as upper-case hex nibbles, with the PAN XOR undone for ISO-0/ISO-3/VISA-4
/// (docs/pin-blocks.md: `0000`‖PAN12 over the block).
fn plain_nibbles(clear: &[u8; 8], fmt: &str, pan: &[u8; 12]) -> Vec<u8> {
    let mut n: Vec<u8> = clear.iter().flat_map(|b| [b >> 4, b & 15]).collect();
    if matches!(fmt, "ISO-0" | "ISO-3" | "VISA-4") {
        for (x, d) in n[4..].iter_mut().zip(pan) {
            *x ^= d - b'0';
        }
    }
    n
}

/// The alphabet of a random-nibble class of a `cpe_ascii` template (tests/data/pinblocks.txt
/// header): r any hex digit, a X'A'-X'F', d decimal; `None` for a fixed nibble.
fn class(t: u8) -> Option<std::ops::RangeInclusive<u8>> {
    match t {
        b'r' => Some(0..=15),
        b'a' => Some(10..=15),
        b'd' => Some(0..=9),
        _ => None,
    }
}

/// Checks CSNBCPE's clear block against the case's independent template: every fixed nibble
/// equal, every random nibble in its class.
fn check_template(plain: &[u8], template: &str, what: &str) {
    for (i, (&got, t)) in plain.iter().zip(template.bytes()).enumerate() {
        match class(t) {
            Some(range) => assert!(
                range.contains(&got),
                "{what}: nibble {i} = {got:X} not in class {}",
                t as char
            ),
            None => assert_eq!(
                got,
                u8::from_str_radix(&(t as char).to_string(), 16).unwrap(),
                "{what}: nibble {i} of {template}"
            ),
        }
    }
}

#[test]
fn formats_against_independent_blocks() {
    let _g = setup("cpe");
    load_master_key(TEST_MK);
    let (mut exact, mut random) = (0, 0);
    for c in cases("pinblocks.txt") {
        let key = c.hex("pin_key");
        let tok = token(TEST_MK, &key, &opinenc());
        let fmt = c.text("format_ascii");
        let prof = profile(fmt, c.opt("pad"));
        let pan: [u8; 12] = arr(c.text("pan_ascii").as_bytes());
        let seq = c.opt("seq_ascii").map_or(99_999, |s| s.parse().unwrap());
        let (codes, out) = cpe(&tok, b"ENCRYPT ", c.text("pin_ascii"), &prof, &pan, seq);
        assert_eq!(codes, (0, 0), "{}", c.id());
        let clear = des_decrypt(&key, &out);
        // The block against the independent template (psec for ISO-0/2/3, the clean-room
        // model elsewhere): fixed nibbles exactly, random ones in their class.
        let template = c.text("cpe_ascii");
        check_template(&plain_nibbles(&clear, fmt, &pan), template, c.id());
        if template.bytes().all(|t| class(t).is_none()) {
            // Nothing random: the whole block is determined. The vector's own block is the same
            // one except for VISA-3, whose vector pads at random ("any pad").
            if fmt != "VISA-3" {
                assert_eq!(to_hex(&out), c.text("enc_block"), "{}", c.id());
                assert_eq!(to_hex(&clear), c.text("clear_block"), "{}", c.id());
            }
            exact += 1;
        } else {
            random += 1;
        }
        // Every format must decode back to the PIN.
        let p = Profile::parse(&prof).unwrap();
        let pan_n = parse_pan(&pan).ok();
        let pin = recover(&clear, &p, pan_n.as_ref(), Checks::default()).unwrap();
        let text: String = pin.digits().iter().map(|d| char::from(b'0' + d)).collect();
        assert_eq!(text, c.text("pin_ascii"), "{}", c.id());
    }
    assert_eq!((exact, random), (24, 18));
}

/// Random fill really is random: for every format with random nibbles (ISO-1, ISO-3, VISA-2
/// with a blank pad, ECI-2, ECI-3, ECI-4), N = 600 CSNBCPE blocks of the case's PIN, each
/// checked against its template, must (a) show every value of the class at every random
/// position, and (b) repeat a whole fill at most 3 times. A uniform source fails (a) with
/// probability at most 41 x 16 x (15/16)^600 < 1e-14 for the 41 positions with 16 values
/// (the 19 with 10 or 6 values add less than 1e-25), and (b) at most (C(600,2)/6^10)^4/4! < 4e-12 (ISO-3, the smallest fill
/// space): together < 1e-11. A constant, a repeated nibble, a counter in one position, or
/// fill copied from the PIN all fail.
#[test]
fn random_fill_is_random() {
    const N: usize = 600;
    let _g = setup("cpe");
    load_master_key(TEST_MK);
    let all = cases("pinblocks.txt");
    let mut positions = 0;
    for fmt in ["ISO-1", "ISO-3", "VISA-2", "ECI-2", "ECI-3", "ECI-4"] {
        // The case with the most random nibbles (the shortest PIN).
        let c = all
            .iter()
            .filter(|c| c.text("format_ascii") == fmt)
            .max_by_key(|c| {
                c.text("cpe_ascii")
                    .bytes()
                    .filter(|&t| class(t).is_some())
                    .count()
            })
            .unwrap();
        let template = c.text("cpe_ascii");
        let key = c.hex("pin_key");
        let tok = token(TEST_MK, &key, &opinenc());
        let prof = profile(fmt, c.opt("pad"));
        let pan: [u8; 12] = arr(c.text("pan_ascii").as_bytes());
        let random: Vec<usize> = (0..16)
            .filter(|&i| class(template.as_bytes()[i]).is_some())
            .collect();
        let mut seen = vec![[false; 16]; 16];
        let mut fills = std::collections::HashSet::new();
        for k in 0..N {
            let (codes, out) = cpe(&tok, b"ENCRYPT ", c.text("pin_ascii"), &prof, &pan, 99_999);
            assert_eq!(codes, (0, 0), "{fmt} #{k}");
            let plain = plain_nibbles(&des_decrypt(&key, &out), fmt, &pan);
            check_template(&plain, template, fmt);
            for &i in &random {
                seen[i][plain[i] as usize] = true;
            }
            fills.insert(random.iter().map(|&i| plain[i]).collect::<Vec<u8>>());
        }
        for &i in &random {
            for v in class(template.as_bytes()[i]).unwrap() {
                assert!(
                    seen[i][v as usize],
                    "{fmt}: nibble {i} never {v:X} in {N} blocks"
                );
            }
        }
        assert!(
            fills.len() >= N - 3,
            "{fmt}: only {} distinct fills in {N}",
            fills.len()
        );
        positions += random.len();
    }
    assert_eq!(positions, 10 + 10 + 9 + 12 + 9 + 10);
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
    // X'0313' Enhanced PIN Security refuses a decimal pad digit for 3621/3624 output. Without
    // it the block is the model's (pinblocks.txt 3624-decpad: 1234555555555555 under the
    // test-set PIN key, encrypted by `cryptography`).
    let all = cases("pinblocks.txt");
    let case = |id: &str| all.iter().find(|c| c.id() == id).unwrap();
    let dec = case("3624-decpad");
    assert_eq!(dec.hex("pin_key"), key);
    let (c, o) = cpe(
        &tok,
        b"",
        dec.text("pin_ascii"),
        &profile("3624", Some("5")),
        &pan,
        0,
    );
    assert_eq!(c, (0, 0), "decimal pad allowed without X'0313'");
    assert_eq!(to_hex(&o), dec.text("enc_block"), "decimal pad block");
    set_acp(&home, 0x0313, true);
    let (c, o) = cpe(&tok, b"", "1234", &profile("3624", Some("5")), &pan, 0);
    e(c, o, (8, 108), "decimal pad under X'0313'");
    let hexpad = case("3624-0");
    assert_eq!(hexpad.opt("pad"), Some("F"));
    let t = token(TEST_MK, &hexpad.hex("pin_key"), &opinenc());
    let (c, o) = cpe(
        &t,
        b"",
        hexpad.text("pin_ascii"),
        &profile("3624", Some("F")),
        &pan,
        0,
    );
    assert_eq!(c, (0, 0), "hex pad under X'0313'");
    assert_eq!(
        to_hex(&o),
        hexpad.text("enc_block"),
        "hex pad block under X'0313'"
    );
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
