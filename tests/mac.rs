//! CSNBMGN / CSNBMVR through the C entry points: tests/data/mac.txt (FIPS 113, ISO/IEC 9797-1
//! Annex B.4, pyemv, cryptography; tests/vectors/gen_emv.py) for every method, MAC length and
//! presentation, in one piece and in segments; then every error row.

mod common;
use common::verbs::{TEST_MK, load_master_key, setup, store, token};
use common::*;

use softcca::cv::{ControlVector, DkyUsage, templates};
use softcca::ffi::mac::{CSNBMGN, CSNBMVR};

const NO_CHAIN: Option<&mut [u8; 18]> = None;

#[allow(clippy::too_many_arguments)]
fn raw(
    verify: bool,
    key: *mut u8,
    len: *mut i32,
    text: *mut u8,
    count: *mut i32,
    rules_p: *mut u8,
    chain: *mut u8,
    mac: *mut u8,
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let f = if verify { CSNBMVR } else { CSNBMGN };
    unsafe {
        f(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            key,
            len,
            text,
            count,
            rules_p,
            chain,
            mac,
        )
    };
    (rc, rs)
}

fn call(
    verify: bool,
    key: &[u8; 64],
    text: &[u8],
    words: &[&str],
    chain: Option<&mut [u8; 18]>,
    mac: &mut [u8; 9],
) -> (i32, i32) {
    let mut k = *key;
    let mut t = text.to_vec();
    let mut len = text.len() as i32;
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let cp = chain.map_or(std::ptr::null_mut(), |c| c.as_mut_ptr());
    raw(
        verify,
        k.as_mut_ptr(),
        &mut len,
        t.as_mut_ptr(),
        &mut n,
        ra.as_mut_ptr(),
        cp,
        mac.as_mut_ptr(),
    )
}

fn mgn(key: &[u8; 64], text: &[u8], words: &[&str]) -> ((i32, i32), [u8; 9]) {
    let mut mac = [0xEE; 9];
    let r = call(false, key, text, words, NO_CHAIN, &mut mac);
    (r, mac)
}

fn mvr(key: &[u8; 64], text: &[u8], words: &[&str], mac: &[u8; 9]) -> (i32, i32) {
    let mut m = *mac;
    let r = call(true, key, text, words, NO_CHAIN, &mut m);
    assert_eq!(&m, mac, "CSNBMVR wrote its MAC field");
    r
}

/// MAC by FIRST, MIDDLE…, LAST with segment boundaries `cuts`.
fn segmented(
    verify: bool,
    key: &[u8; 64],
    text: &[u8],
    cuts: &[usize],
    extra: &[&str],
    mac: &mut [u8; 9],
) -> (i32, i32) {
    let mut chain = [0u8; 18];
    let mut start = 0;
    let n = cuts.len();
    for (i, &end) in cuts.iter().chain(std::iter::once(&text.len())).enumerate() {
        let seg = if i == 0 {
            "FIRST"
        } else if i == n {
            "LAST"
        } else {
            "MIDDLE"
        };
        let mut words = extra.to_vec();
        words.push(seg);
        let r = call(
            verify,
            key,
            &text[start..end],
            &words,
            Some(&mut chain),
            mac,
        );
        if r != (0, 0) {
            return r;
        }
        start = end;
    }
    (0, 0)
}

fn mac_cv(class: &str, double: bool) -> ControlVector {
    let t = match class {
        "MAC" => templates::MAC,
        "MACVER" => templates::MACVER,
        _ => templates::DATA,
    };
    ControlVector::from_template(t, double)
}

fn mac9(b: &[u8]) -> [u8; 9] {
    let mut m = [0u8; 9];
    m[..b.len()].copy_from_slice(b);
    m
}

#[test]
fn known_answers_every_method_length_and_segmenting() {
    let _g = setup("mac");
    load_master_key(TEST_MK);
    let mut n = 0;
    for c in cases("mac.txt") {
        let key = c.hex("key");
        let text = if c.has("text") { c.hex("text") } else { vec![] };
        let want = c.hex("mac");
        let method = c.text("method_ascii");
        let double = key.len() == 16;
        let mut classes = vec!["MAC"];
        if method == "TDES-MAC" || !double {
            classes.push("DATA");
        }
        for class in classes {
            let t = token(TEST_MK, &key, &mac_cv(class, double));
            for (len_kw, len) in [("MACLEN4", 4), ("MACLEN6", 6), ("MACLEN8", 8)] {
                let (r, mac) = mgn(&t, &text, &[method, len_kw]);
                assert_eq!(r, (0, 0), "{} {class} {len_kw}", c.id());
                assert_eq!(
                    to_hex(&mac[..len]),
                    to_hex(&want[..len]),
                    "{} {len_kw}",
                    c.id()
                );
                assert!(
                    mac[len..].iter().all(|&b| b == 0xEE),
                    "{}: wrote past the MAC",
                    c.id()
                );
                assert_eq!(
                    mvr(&t, &text, &[len_kw, method], &mac9(&want[..len])),
                    (0, 0)
                );
                // Any single wrong bit fails, at either end.
                for bit in [0, len * 8 - 1] {
                    let mut bad = mac9(&want[..len]);
                    bad[bit / 8] ^= 0x80 >> (bit % 8);
                    assert_eq!(
                        mvr(&t, &text, &[method, len_kw], &bad),
                        (4, 8004),
                        "{}",
                        c.id()
                    );
                }
            }
            // Hexadecimal presentations.
            let hex8 = to_hex(&want[..4]);
            let (r, mac) = mgn(&t, &text, &[method, "HEX-8"]);
            assert_eq!((r, &mac[..8]), ((0, 0), hex8.as_bytes()), "{}", c.id());
            let hex9 = format!("{} {}", &hex8[..4], &hex8[4..]);
            let (r, mac) = mgn(&t, &text, &["HEX-9", method]);
            assert_eq!((r, &mac[..]), ((0, 0), hex9.as_bytes()), "{}", c.id());
            assert_eq!(
                mvr(
                    &t,
                    &text,
                    &[method, "HEX-9"],
                    &mac9(hex9.to_lowercase().as_bytes())
                ),
                (0, 0)
            );
            assert_eq!(
                mvr(&t, &text, &[method, "HEX-8"], &mac9(hex8.as_bytes())),
                (0, 0)
            );
            // Segments, whenever the text allows an 8-byte FIRST.
            if text.len() >= 16 {
                for cuts in [vec![8], vec![9, 17], vec![text.len() - 8]] {
                    if cuts.iter().any(|&c| c > text.len()) {
                        continue;
                    }
                    let mut mac = [0xEE; 9];
                    let r = segmented(false, &t, &text, &cuts, &[method, "MACLEN8"], &mut mac);
                    assert_eq!(
                        (r, &mac[..8]),
                        ((0, 0), &want[..]),
                        "{} cuts {cuts:?}",
                        c.id()
                    );
                    let mut m = mac9(&want[..4]);
                    assert_eq!(segmented(true, &t, &text, &cuts, &[method], &mut m), (0, 0));
                    m[3] ^= 1;
                    assert_eq!(
                        segmented(true, &t, &text, &cuts, &[method], &mut m),
                        (4, 8004)
                    );
                }
            }
            n += 1;
        }
    }
    assert!(n >= 80, "only {n} key/case combinations");
}

#[test]
fn defaults_labels_and_key_types() {
    let _g = setup("mac");
    load_master_key(TEST_MK);
    let c1 = cases("mac.txt")
        .into_iter()
        .find(|c| c.id() == "fips113")
        .unwrap();
    let c3 = cases("mac.txt")
        .into_iter()
        .find(|c| c.id() == "iso9797-b4-1")
        .unwrap();
    // No keyword: X9.9-1 for a single-length key, X9.19OPT for a double-length one, MACLEN4.
    let single = token(TEST_MK, &c1.hex("key"), &mac_cv("MAC", false));
    let (r, mac) = mgn(&single, &c1.hex("text"), &[]);
    assert_eq!((r, to_hex(&mac[..4])), ((0, 0), "F1D30F68".to_string()));
    assert_eq!(mac[4], 0xEE);
    let double = token(TEST_MK, &c3.hex("key"), &mac_cv("MAC", true));
    let (r, mac) = mgn(&double, &c3.hex("text"), &[]);
    assert_eq!((r, to_hex(&mac[..4])), ((0, 0), "A1C72E74".to_string()));
    // Labels, and MACVER for verify only.
    store("MAC.KEY.GEN", &double);
    let ver = token(TEST_MK, &c3.hex("key"), &mac_cv("MACVER", true));
    store("MAC.KEY.VER", &ver);
    let (r, mac) = mgn(&label("MAC.KEY.GEN"), &c3.hex("text"), &["ONLY"]);
    assert_eq!((r, to_hex(&mac[..4])), ((0, 0), "A1C72E74".to_string()));
    assert_eq!(
        mvr(
            &label("MAC.KEY.VER"),
            &c3.hex("text"),
            &[],
            &mac9(&mac[..4])
        ),
        (0, 0)
    );
    // MACVER cannot generate: 8/39.
    assert_eq!(mgn(&ver, &c3.hex("text"), &[]).0, (8, 39));
    assert_eq!(mgn(&label("MAC.KEY.VER"), &c3.hex("text"), &[]).0, (8, 39));
    // Other key types: 8/39 for both verbs.
    let dky = token(
        TEST_MK,
        &c3.hex("key"),
        &ControlVector::dkygenky(0, DkyUsage::DMac),
    );
    assert_eq!(mgn(&dky, &c3.hex("text"), &[]).0, (8, 39));
    assert_eq!(mvr(&dky, &c3.hex("text"), &[], &[0; 9]), (8, 39));
    let pin = token(
        TEST_MK,
        &c3.hex("key"),
        &ControlVector::from_template(templates::IPINENC, true),
    );
    assert_eq!(mgn(&pin, &c3.hex("text"), &[]).0, (8, 39));
    // Method and key length: X9.9-1/EMVMAC need a single key; X9.19OPT/EMVMACD/TDES-MAC a
    // double one; a double DATA key only TDES-MAC.
    for m in ["X9.19OPT", "EMVMACD", "TDES-MAC"] {
        assert_eq!(mgn(&single, b"12345678", &[m]).0, (8, 39), "{m} single");
    }
    for m in ["X9.9-1", "EMVMAC"] {
        assert_eq!(mgn(&double, b"12345678", &[m]).0, (8, 39), "{m} double");
    }
    let ddata = token(TEST_MK, &c3.hex("key"), &mac_cv("DATA", true));
    for m in ["X9.19OPT", "EMVMACD"] {
        assert_eq!(mgn(&ddata, b"12345678", &[m]).0, (8, 39), "{m} double DATA");
    }
    // With no method keyword a double-length DATA key gets TDES-MAC, its only method.
    assert_eq!(
        mgn(&ddata, b"12345678", &[]),
        mgn(&ddata, b"12345678", &["TDES-MAC"]),
        "double DATA default"
    );
    assert_eq!(mgn(&ddata, b"12345678", &["TDES-MAC"]).0, (0, 0));
}

#[test]
fn errors_and_outputs_untouched() {
    let _g = setup("mac");
    load_master_key(TEST_MK);
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let key2 = hex("0123456789ABCDEFFEDCBA9876543210");
    let t = token(TEST_MK, &key2, &mac_cv("MAC", true));
    let text = b"Now is the time for all ".to_vec();

    // Rule array.
    assert_eq!(mgn(&t, &text, &["BOGUS"]).0, (8, 33));
    assert_eq!(mgn(&t, &text, &["X9.9-1", "X9.19OPT"]).0, (8, 34));
    assert_eq!(mgn(&t, &text, &["ONLY", "LAST"]).0, (8, 34));
    assert_eq!(mgn(&t, &text, &["MACLEN4", "HEX-8"]).0, (8, 34));
    assert_eq!(mgn(&t, &text, &["ONLY", "ONLY"]).0, (8, 34));
    assert_eq!(
        mgn(&t, &text, &["ONLY", "MACLEN4", "X9.19OPT", "EMVMACD"]).0,
        (8, 35)
    );
    let mut mac = [0xEE; 9];
    let (mut k, mut len, mut n) = (t, text.len() as i32, -1);
    let mut tx = text.clone();
    let mut ra = rules(&["ONLY"]);
    let r = raw(
        false,
        k.as_mut_ptr(),
        &mut len,
        tx.as_mut_ptr(),
        &mut n,
        ra.as_mut_ptr(),
        std::ptr::null_mut(),
        mac.as_mut_ptr(),
    );
    assert_eq!((r, mac), ((8, 35), [0xEE; 9]));

    // Text lengths: negative or 32 MiB - 8 and more: 8/25; zero with zero padding: 8/25; zero with
    // EMV padding: a MAC; FIRST/MIDDLE under 8 bytes: 8/60.
    for bad in [-1, 32 * 1024 * 1024 - 8, 32 * 1024 * 1024 - 7, i32::MIN] {
        let mut len = bad;
        let mut n = 0;
        let r = raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            std::ptr::null_mut(),
            mac.as_mut_ptr(),
        );
        assert_eq!((r, mac), ((8, 25), [0xEE; 9]), "text_length {bad}");
    }
    assert_eq!(mgn(&t, b"", &[]).0, (8, 25));
    assert_eq!(mgn(&t, b"", &["TDES-MAC"]).0, (8, 25));
    assert_eq!(mgn(&t, b"", &["EMVMACD"]).0, (0, 0));
    let mut chain = [0x11u8; 18];
    assert_eq!(
        call(
            false,
            &t,
            b"1234567",
            &["FIRST"],
            Some(&mut chain),
            &mut mac
        ),
        (8, 60)
    );
    assert_eq!(chain, [0x11; 18], "chain written on error");

    // Chaining vectors: garbage, wrong method, carry count > 7: 8/2036, nothing written.
    let mut good = [0u8; 18];
    assert_eq!(
        call(
            false,
            &t,
            &text[..12],
            &["FIRST"],
            Some(&mut good),
            &mut mac
        ),
        (0, 0)
    );
    assert_eq!(good[17], 4, "4 bytes carried");
    assert!(good[10..14] == text[8..12] && good[14..17] == [0, 0, 0]);
    for (what, i, x) in [
        ("marker", 0, 0xFF),
        ("method", 1, 0x03),
        ("count", 17, 0xF8),
    ] {
        let mut c = good;
        c[i] ^= x;
        let before = c;
        let mut m = [0xEE; 9];
        assert_eq!(
            call(false, &t, &text[12..], &["LAST"], Some(&mut c), &mut m),
            (8, 2036),
            "{what}"
        );
        assert_eq!((c, m), (before, [0xEE; 9]), "{what}: outputs changed");
    }
    // LAST with the chain of a different method keyword: 8/2036.
    let mut c = good;
    assert_eq!(
        call(
            false,
            &t,
            &text[12..],
            &["LAST", "EMVMACD"],
            Some(&mut c),
            &mut mac
        ),
        (8, 2036)
    );
    // The chaining value is enciphered: not the CBC state in the clear, and no use with
    // another key (it deciphers to noise, so the MAC is simply wrong).
    let mut c = good;
    let mut m = [0u8; 9];
    assert_eq!(
        call(
            false,
            &t,
            &text[12..],
            &["LAST", "MACLEN8"],
            Some(&mut c),
            &mut m
        ),
        (0, 0)
    );
    assert_eq!(to_hex(&m[..8]), "A1C72E74EA3FA9B6");
    let other = token(
        TEST_MK,
        &hex("FEDCBA98765432100123456789ABCDEF"),
        &mac_cv("MAC", true),
    );
    let mut c = good;
    let mut m2 = [0u8; 9];
    assert_eq!(
        call(
            false,
            &other,
            &text[12..],
            &["LAST", "MACLEN8"],
            Some(&mut c),
            &mut m2
        ),
        (0, 0)
    );
    let (_, direct) = mgn(&other, &text, &["MACLEN8"]);
    assert_ne!(m2[..8], direct[..8]);

    // Verification failure says nothing about how much matched.
    let (_, right) = mgn(&t, &text, &["MACLEN8"]);
    for wrong_from in [0, 3, 7] {
        let mut bad = right;
        bad[wrong_from] ^= 0x01;
        assert_eq!(mvr(&t, &text, &["MACLEN8"], &bad), (4, 8004));
    }
    // A HEX MAC with non-hex characters: 8/168.
    assert_eq!(mvr(&t, &text, &["HEX-8"], b"A1C72E7Z "), (8, 168));
    assert_eq!(mvr(&t, &text, &["HEX-9"], b"A1C72E74 "), (8, 168));

    // ACPs X'0010' and X'0011'.
    set_acp(&home, 0x0010, false);
    let (r, m) = mgn(&t, &text, &[]);
    assert_eq!((r, m), ((8, 90), [0xEE; 9]));
    assert_eq!(mvr(&t, &text, &[], &mac9(&right[..4])), (0, 0));
    set_acp(&home, 0x0010, true);
    set_acp(&home, 0x0011, false);
    assert_eq!(mvr(&t, &text, &[], &mac9(&right[..4])), (8, 90));
    assert_eq!(mgn(&t, &text, &[]).0, (0, 0));
    set_acp(&home, 0x0011, true);

    // Key identifier errors.
    assert_eq!(mgn(&label("NO.SUCH.KEY"), &text, &[]).0, (8, 10012));
    assert_eq!(mgn(&[0; 64], &text, &[]).0, (8, 154));
    let mut bad = t;
    bad[20] ^= 1;
    assert_eq!(mgn(&bad, &text, &[]).0, (8, 12));

    // NULL pointers: 8/184; ONLY takes a NULL chaining vector, FIRST does not; FIRST/MIDDLE
    // of CSNBMGN take a NULL MAC.
    let null = std::ptr::null_mut();
    let mut len = text.len() as i32;
    let mut n1 = 1;
    let mut ra = rules(&["ONLY"]);
    let mut k = t;
    let mut m = [0xEE; 9];
    assert_eq!(
        raw(
            false,
            null,
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (8, 184)
    );
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            null.cast(),
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (8, 184)
    );
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            null,
            &mut n1,
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (8, 184)
    );
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            null.cast(),
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (8, 184)
    );
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            null
        ),
        (8, 184)
    );
    assert_eq!(
        raw(
            true,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            null
        ),
        (8, 184)
    );
    assert_eq!(m, [0xEE; 9]);
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (0, 0)
    );
    let mut first = rules(&["FIRST"]);
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            first.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (8, 184)
    );
    let mut c = [0u8; 18];
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            first.as_mut_ptr(),
            c.as_mut_ptr(),
            null
        ),
        (0, 0)
    );
    // NULL rc/rs: nothing written, no crash.
    unsafe {
        CSNBMGN(
            null.cast(),
            null.cast(),
            null.cast(),
            null,
            k.as_mut_ptr(),
            &mut len,
            tx.as_mut_ptr(),
            &mut n1,
            ra.as_mut_ptr(),
            null,
            m.as_mut_ptr(),
        )
    };

    // Misaligned text_length and rule_array_count.
    let (mut b1, mut b2) = ([0u8; 8], [0u8; 8]);
    let lenp = misaligned(&mut b1, text.len() as i32);
    let np = misaligned(&mut b2, 1);
    let mut ra8 = rules(&["MACLEN8"]);
    let mut m = [0u8; 9];
    assert_eq!(
        raw(
            false,
            k.as_mut_ptr(),
            lenp,
            tx.as_mut_ptr(),
            np,
            ra8.as_mut_ptr(),
            null,
            m.as_mut_ptr()
        ),
        (0, 0)
    );
    assert_eq!(to_hex(&m[..8]), "A1C72E74EA3FA9B6");
    assert_eq!(read_misaligned(&b1), text.len() as i32);
}

/// IBM (CCA 2.54 p. 6-11, MAC_Generate restrictions): `text_length` must be "less than 32MB - 8
/// bytes". So 32 MiB - 9 bytes is the longest text (CSNBMGN and CSNBMVR), and exactly
/// 32 MiB - 8 is 8/25 with nothing written. The MAC at the limit is checked against X9.9-1
/// computed here with the `des` crate (a second DES implementation).
#[test]
fn text_length_limit_both_sides() {
    use des::cipher::{Array, BlockCipherEncrypt, KeyInit};
    let _g = setup("mac");
    load_master_key(TEST_MK);
    let key = hex("0123456789ABCDEF");
    let t = token(TEST_MK, &key, &mac_cv("MAC", false));
    let limit = 32 * 1024 * 1024 - 9;
    assert_eq!(limit, softcca::verbs::mac::MAX_TEXT);
    let mut text: Vec<u8> = (0..limit + 1).map(|i| (i % 251) as u8).collect();

    // Over the limit: 8/25, MAC field untouched, for both verbs.
    let over = mgn(&t, &text, &["X9.9-1"]);
    assert_eq!(over, ((8, 25), [0xEE; 9]), "text_length 32 MiB - 8");
    assert_eq!(mvr(&t, &text, &["X9.9-1"], &[0; 9]), (8, 25));

    // At the limit: the X9.9-1 MAC (zero padding, leftmost 4 bytes of the last CBC block).
    text.truncate(limit);
    let (codes, mac) = mgn(&t, &text, &["X9.9-1"]);
    assert_eq!(codes, (0, 0), "text_length 32 MiB - 9");
    let cipher = des::Des::new_from_slice(&key).unwrap();
    let mut chain = [0u8; 8];
    for block in text.chunks(8) {
        let mut b = [0u8; 8];
        b[..block.len()].copy_from_slice(block);
        for (x, c) in b.iter_mut().zip(&chain) {
            *x ^= c;
        }
        let mut a = Array::from(b);
        cipher.encrypt_block(&mut a);
        chain.copy_from_slice(&a);
    }
    assert_eq!(to_hex(&mac[..4]), to_hex(&chain[..4]), "MAC at the limit");
    assert_eq!(
        mvr(&t, &text, &["X9.9-1"], &mac),
        (0, 0),
        "CSNBMVR at the limit"
    );
}
