//! CSNBDKG through the C entry point: tests/data/dkg.txt (pyemv 1.5.0 and cryptography,
//! tests/vectors/gen_emv.py) for every process; the DKYGENKY level and key-type rules; every
//! error row.

mod common;
use common::verbs::{TEST_MK, load_master_key, setup, store, token};
use common::*;

use softcca::crypto::ClearKey;
use softcca::cv::{ControlVector, DkyUsage, templates};
use softcca::ffi::dkg::CSNBDKG;
use softcca::token::InternalToken;

#[allow(clippy::too_many_arguments)]
fn raw(
    count: *mut i32,
    rule_array: *mut u8,
    generating: *mut u8,
    data_len: *mut i32,
    data: *mut u8,
    decrypting: *mut u8,
    generated: *mut u8,
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    unsafe {
        CSNBDKG(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            count,
            rule_array,
            generating,
            data_len,
            data,
            decrypting,
            generated,
        )
    };
    (rc, rs)
}

/// Calls CSNBDKG; `generated` is updated in place.
fn dkg(words: &[&str], generating: &[u8; 64], data: &[u8], generated: &mut [u8; 64]) -> (i32, i32) {
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let mut g = *generating;
    let mut len = data.len() as i32;
    let mut d = data.to_vec();
    d.push(0);
    let mut null = [0u8; 64];
    raw(
        &mut n,
        ra.as_mut_ptr(),
        g.as_mut_ptr(),
        &mut len,
        d.as_mut_ptr(),
        null.as_mut_ptr(),
        generated.as_mut_ptr(),
    )
}

/// Like `dkg`, but must fail with `want` and leave `generated` as it was.
fn dkg_err(
    words: &[&str],
    generating: &[u8; 64],
    data: &[u8],
    generated: &[u8; 64],
    want: (i32, i32),
    what: &str,
) {
    let mut g = *generated;
    assert_eq!(dkg(words, generating, data, &mut g), want, "{what}");
    assert_eq!(
        &g, generated,
        "{what}: generated_key_identifier changed on error"
    );
}

fn mk() -> ClearKey {
    ClearKey::from_slice(&hex(TEST_MK)).unwrap()
}

/// The clear key and CV of a generated token.
fn open(t: &[u8; 64]) -> (Vec<u8>, ControlVector) {
    let tok = InternalToken::parse(t).unwrap();
    (
        tok.unwrap_key(&mk(), softcca::token::KeyUse::Operational)
            .unwrap()
            .as_bytes()
            .to_vec(),
        tok.cv(),
    )
}

fn cv(t: [u8; 8], double: bool) -> ControlVector {
    ControlVector::from_template(t, double)
}

fn skel(c: &ControlVector) -> [u8; 64] {
    *InternalToken::skeleton(c).as_bytes()
}

#[test]
fn known_answers_every_process() {
    let _g = setup("dkg");
    load_master_key(TEST_MK);
    // The single-length TDES-ENC/TDES-DEC cases need softcca's point X'F001' (off by
    // default: `single_length_keys_need_their_point` below).
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    set_acp(&home, 0xF001, true);
    let mut seen = std::collections::BTreeMap::new();
    for c in cases("dkg.txt") {
        let process = c.text("process_ascii");
        let gk = c.hex("gk");
        let data = c.hex("data");
        let want = c.hex("key");
        let (gen_token, mut out, out_cv) = if process == "SESS-XOR" {
            let mac = cv(templates::MAC, gk.len() == 16);
            (token(TEST_MK, &gk, &mac), [0u8; 64], mac)
        } else {
            let double = !(matches!(process, "TDES-ENC" | "TDES-DEC") && data.len() == 8);
            let mac = cv(templates::MAC, double);
            (
                token(TEST_MK, &gk, &ControlVector::dkygenky(0, DkyUsage::DMac)),
                skel(&mac),
                mac,
            )
        };
        assert_eq!(
            dkg(&[process], &gen_token, &data, &mut out),
            (0, 0),
            "{}",
            c.id()
        );
        let (key, got_cv) = open(&out);
        assert_eq!(to_hex(&key), to_hex(&want), "{}", c.id());
        assert_eq!(got_cv, out_cv, "{}", c.id());
        assert!(softcca::crypto::parity::is_odd(&key), "{}: parity", c.id());
        *seen.entry(process.to_string()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.values().all(|&n| n >= 4), "{seen:?}");
    // Back to the default: the tests share one state directory (serialised by `setup`), and
    // `errors` checks that X'F001' off refuses single-length keys.
    set_acp(&home, 0xF001, false);
}

#[test]
fn levels_types_labels() {
    let _g = setup("dkg");
    load_master_key(TEST_MK);
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let c = cases("dkg.txt")
        .into_iter()
        .find(|c| c.id() == "xor-0")
        .unwrap();
    let mdk = c.hex("gk");
    let kgd = c.hex("data");
    let d16 = hex("00112233445566778899AABBCCDDEEFF");
    let dky = |level, usage| token(TEST_MK, &mdk, &ControlVector::dkygenky(level, usage));

    // Level n > 0 makes level n-1 of the same usage (TDES-ENC, 16 bytes), never a final key.
    let l2 = dky(2, DkyUsage::DMac);
    let mut out = skel(&ControlVector::dkygenky(1, DkyUsage::DMac));
    assert_eq!(dkg(&["TDES-ENC"], &l2, &d16, &mut out), (0, 0));
    let (k1, cv1) = open(&out);
    assert_eq!(cv1, ControlVector::dkygenky(1, DkyUsage::DMac));
    let l1 = out;
    for bad in [
        ControlVector::dkygenky(0, DkyUsage::DMac),
        ControlVector::dkygenky(2, DkyUsage::DMac),
        ControlVector::dkygenky(1, DkyUsage::DMPin),
        cv(templates::MAC, true),
    ] {
        dkg_err(
            &["TDES-ENC"],
            &l2,
            &d16,
            &skel(&bad),
            (8, 39),
            "level 2 -> not level 1 DMAC",
        );
    }
    // A null token gets the level below (TDES-ENC / TDES-DEC only).
    let mut out = [0u8; 64];
    assert_eq!(dkg(&["TDES-DEC"], &l2, &d16, &mut out), (0, 0));
    assert_eq!(open(&out).1, ControlVector::dkygenky(1, DkyUsage::DMac));
    // Level 1 -> level 0 -> the final MAC key by TDES-XOR.
    let mut l0 = skel(&ControlVector::dkygenky(0, DkyUsage::DMac));
    assert_eq!(dkg(&["TDES-ENC"], &l1, &d16, &mut l0), (0, 0));
    let mut sk = skel(&cv(templates::MAC, true));
    assert_eq!(dkg(&["TDES-XOR"], &l0, &kgd, &mut sk), (0, 0));
    assert_eq!(open(&sk).1, cv(templates::MAC, true));
    // TDES-XOR/TDESEMVn need level 0: 8/39.
    for p in ["TDES-XOR", "TDESEMV2", "TDESEMV4"] {
        dkg_err(
            &[p],
            &l1,
            &kgd,
            &skel(&cv(templates::MAC, true)),
            (8, 39),
            "level 1",
        );
    }
    let _ = k1;

    // Final types by usage bits.
    let smpin = cv(templates::SMPIN, true);
    let smkey = cv(templates::SMKEY, true);
    let mac = cv(templates::MAC, true);
    let macver = cv(templates::MACVER, true);
    let data = cv(templates::DATA, true);
    let ipin = cv(templates::IPINENC, true);
    let table: &[(DkyUsage, &[&ControlVector], &[&ControlVector])] = &[
        (DkyUsage::DMac, &[&mac, &macver], &[&smpin, &data, &ipin]),
        (DkyUsage::DMv, &[&macver], &[&mac, &data]),
        (DkyUsage::DData, &[&data], &[&mac, &smpin]),
        (DkyUsage::DMPin, &[&smpin], &[&smkey, &mac]),
        (DkyUsage::DMKey, &[&smkey], &[&smpin, &data]),
    ];
    for (usage, ok, bad) in table {
        let g = dky(0, *usage);
        for c in *ok {
            let mut o = skel(c);
            assert_eq!(
                dkg(&["TDES-XOR"], &g, &kgd, &mut o),
                (0, 0),
                "{usage:?} {c:?}"
            );
            assert_eq!(open(&o).1, **c);
        }
        for c in *bad {
            dkg_err(
                &["TDES-XOR"],
                &g,
                &kgd,
                &skel(c),
                (8, 39),
                &format!("{usage:?} {c:?}"),
            );
        }
    }
    // Level 0 never makes a DKYGENKY.
    dkg_err(
        &["TDES-ENC"],
        &dky(0, DkyUsage::DMac),
        &d16,
        &skel(&ControlVector::dkygenky(0, DkyUsage::DMac)),
        (8, 39),
        "level 0 -> DKYGENKY",
    );
    // DALL: any final type, but only with ACP X'0290'.
    let dall = dky(0, DkyUsage::DAll);
    for c in [&mac, &smpin, &data] {
        dkg_err(
            &["TDES-XOR"],
            &dall,
            &kgd,
            &skel(c),
            (8, 90),
            "DALL without X'0290'",
        );
    }
    set_acp(&home, 0x0290, true);
    for c in [&mac, &smpin, &data] {
        let mut o = skel(c);
        assert_eq!(
            dkg(&["TDES-XOR"], &dall, &kgd, &mut o),
            (0, 0),
            "DALL {c:?}"
        );
    }
    // DALL permits "all of the above" usages' final types (IBM CSNBDKG), not an IPINENC key.
    dkg_err(
        &["TDES-XOR"],
        &dall,
        &kgd,
        &skel(&ipin),
        (8, 39),
        "DALL -> IPINENC",
    );
    // A generated-key CV that no CCA key type has (here one whose halves are the byte X'A5'
    // repeated, a pattern that once made a wrapping key equal to an internal key): refused
    // for its anti-variant bit (4/166) before any derivation.
    let odd = ControlVector {
        left: [0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xC5, 0xA5, 0xA5],
        right: [0xA5; 8],
    };
    dkg_err(
        &["TDES-ENC"],
        &dall,
        &d16,
        &skel(&odd),
        (4, 166),
        "unrecognised CV",
    );
    set_acp(&home, 0x0290, false);

    // The generated identifier may hold a key already (it is replaced) or be a label (the
    // record is updated, the field left alone).
    let mut o = sk;
    assert_eq!(
        dkg(&["TDES-XOR"], &dky(0, DkyUsage::DMac), &kgd, &mut o),
        (0, 0)
    );
    assert_eq!(to_hex(&open(&o).0), c.text("key"));
    store("DKG.OUT.MAC", &skel(&mac));
    store("DKG.MDK.MAC", &dky(0, DkyUsage::DMac));
    let mut field = label("DKG.OUT.MAC");
    assert_eq!(
        dkg(&["TDES-XOR"], &label("DKG.MDK.MAC"), &kgd, &mut field),
        (0, 0)
    );
    assert_eq!(field, label("DKG.OUT.MAC"));
    assert_eq!(to_hex(&open(&krr(&label("DKG.OUT.MAC"))).0), c.text("key"));
    // WRAP-ECB is accepted.
    let mut o = skel(&mac);
    assert_eq!(
        dkg(
            &["WRAP-ECB", "TDES-XOR"],
            &dky(0, DkyUsage::DMac),
            &kgd,
            &mut o
        ),
        (0, 0)
    );
}

#[test]
fn errors() {
    let _g = setup("dkg");
    load_master_key(TEST_MK);
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let c = cases("dkg.txt")
        .into_iter()
        .find(|c| c.id() == "xor-0")
        .unwrap();
    let mdk = c.hex("gk");
    let kgd = c.hex("data");
    let g = token(TEST_MK, &mdk, &ControlVector::dkygenky(0, DkyUsage::DMac));
    let mac = skel(&cv(templates::MAC, true));

    // Rule array.
    dkg_err(&["BOGUS"], &g, &kgd, &mac, (8, 33), "unknown");
    dkg_err(
        &["TDES-XOR", "TDES-ENC"],
        &g,
        &kgd,
        &mac,
        (8, 34),
        "two processes",
    );
    dkg_err(&["WRAP-ECB"], &g, &kgd, &mac, (8, 34), "no process");
    dkg_err(
        &["WRAP-ENH", "TDES-XOR"],
        &g,
        &kgd,
        &mac,
        (8, 33),
        "WRAP-ENH",
    );
    dkg_err(&[], &g, &kgd, &mac, (8, 35), "count 0");
    dkg_err(
        &["TDES-XOR", "WRAP-ECB", "WRAP-ECB"],
        &g,
        &kgd,
        &mac,
        (8, 35),
        "count 3",
    );

    // Data lengths per process: 8/72.
    for (p, bad) in [
        ("TDES-XOR", 8usize),
        ("TDES-XOR", 26),
        ("TDESEMV2", 16),
        ("TDES-ENC", 10),
        ("TDES-DEC", 18),
        ("SESS-XOR", 10),
    ] {
        dkg_err(
            &[p],
            &g,
            &vec![0x11; bad],
            &mac,
            (8, 72),
            &format!("{p} {bad}"),
        );
    }
    // TDES-ENC: data length must match the generated key's length.
    dkg_err(
        &["TDES-ENC"],
        &g,
        &[0x22; 8],
        &mac,
        (8, 72),
        "8 bytes for a double key",
    );
    dkg_err(
        &["TDES-ENC"],
        &g,
        &[0x22; 16],
        &skel(&cv(templates::MAC, false)),
        (8, 72),
        "16 bytes for a single key",
    );
    for bad in [-1, 35, i32::MIN] {
        let mut n = 1;
        let mut ra = rules(&["TDES-XOR"]);
        let (mut gg, mut d, mut z, mut o) = (g, [0u8; 40], [0u8; 64], mac);
        let mut len = bad;
        let r = raw(
            &mut n,
            ra.as_mut_ptr(),
            gg.as_mut_ptr(),
            &mut len,
            d.as_mut_ptr(),
            z.as_mut_ptr(),
            o.as_mut_ptr(),
        );
        assert_eq!((r, o), ((8, 72), mac), "data_length {bad}");
    }

    // data_decrypting_key_identifier must be a null token: 8/181.
    {
        let mut n = 1;
        let mut ra = rules(&["TDES-XOR"]);
        let (mut gg, mut d, mut o) = (g, kgd.clone(), mac);
        let mut len = kgd.len() as i32;
        for mut dk in [g, label("SOME.KEY")] {
            let r = raw(
                &mut n,
                ra.as_mut_ptr(),
                gg.as_mut_ptr(),
                &mut len,
                d.as_mut_ptr(),
                dk.as_mut_ptr(),
                o.as_mut_ptr(),
            );
            assert_eq!((r, o), ((8, 181), mac));
        }
    }

    // Generating key: not DKYGENKY, single length, replicated halves, unknown, bad token.
    let macgen = token(TEST_MK, &mdk, &cv(templates::MAC, true));
    dkg_err(
        &["TDES-XOR"],
        &macgen,
        &kgd,
        &mac,
        (8, 39),
        "MAC as generating key",
    );
    dkg_err(
        &["TDES-ENC"],
        &macgen,
        &[1; 16],
        &mac,
        (8, 39),
        "MAC as generating key (ENC)",
    );
    let mut half = mdk.clone();
    half.copy_within(0..8, 8);
    let rep = token(TEST_MK, &half, &ControlVector::dkygenky(0, DkyUsage::DMac));
    for p in ["TDES-XOR", "TDESEMV2", "TDES-ENC"] {
        let d: &[u8] = if p == "TDES-ENC" { &[3; 16] } else { &kgd };
        dkg_err(&[p], &rep, d, &mac, (8, 442), "replicated halves");
    }
    let sess_rep = token(TEST_MK, &half, &cv(templates::MAC, true));
    dkg_err(
        &["SESS-XOR"],
        &sess_rep,
        &[1; 16],
        &[0; 64],
        (8, 442),
        "SESS-XOR replicated halves",
    );
    dkg_err(
        &["TDES-XOR"],
        &label("NO.SUCH.MDK"),
        &kgd,
        &mac,
        (8, 10012),
        "label not found",
    );
    dkg_err(
        &["TDES-XOR"],
        &[0; 64],
        &kgd,
        &mac,
        (8, 154),
        "null generating token",
    );
    let mut bad = g;
    bad[20] ^= 1;
    dkg_err(&["TDES-XOR"], &bad, &kgd, &mac, (8, 12), "TVV");
    let mut bad = g;
    bad[33] ^= 1;
    reseal(&mut bad);
    dkg_err(&["TDES-XOR"], &bad, &kgd, &mac, (8, 340), "CV parity");

    // Generated identifier: null where a token is needed and vice versa (8/155); single
    // length for TDES-XOR (8/39); a bad token (8/12).
    for p in ["TDES-XOR", "TDESEMV2", "TDESEMV4"] {
        dkg_err(&[p], &g, &kgd, &[0; 64], (8, 155), "null generated");
    }
    let sess = token(TEST_MK, &mdk, &cv(templates::MAC, true));
    dkg_err(
        &["SESS-XOR"],
        &sess,
        &[1; 16],
        &mac,
        (8, 155),
        "SESS-XOR needs a null token",
    );
    dkg_err(
        &["SESS-XOR"],
        &sess,
        &[1; 8],
        &[0; 64],
        (8, 72),
        "SESS-XOR length",
    );
    dkg_err(
        &["SESS-XOR"],
        &g,
        &[1; 16],
        &[0; 64],
        (8, 39),
        "SESS-XOR with a DKYGENKY",
    );
    dkg_err(
        &["TDES-XOR"],
        &g,
        &kgd,
        &skel(&cv(templates::MAC, false)),
        (8, 39),
        "single for TDES-XOR",
    );
    let mut bad = mac;
    bad[63] ^= 1;
    dkg_err(&["TDES-XOR"], &g, &kgd, &bad, (8, 12), "generated TVV");
    // TDES-ENC with a null token and a DMAC level-0 key: the default MAC CV (single length for
    // 8 bytes, which needs X'F001'); DALL: no default.
    let mut o = [0u8; 64];
    dkg_err(
        &["TDES-ENC"],
        &g,
        &[5; 8],
        &o,
        (8, 90),
        "single length without X'F001'",
    );
    set_acp(&home, 0xF001, true);
    assert_eq!(dkg(&["TDES-ENC"], &g, &[5; 8], &mut o), (0, 0));
    assert_eq!(open(&o).1, cv(templates::MAC, false));
    set_acp(&home, 0xF001, false);
    set_acp(&home, 0x0290, true);
    let dall = token(TEST_MK, &mdk, &ControlVector::dkygenky(0, DkyUsage::DAll));
    dkg_err(
        &["TDES-ENC"],
        &dall,
        &[5; 8],
        &[0; 64],
        (8, 155),
        "DALL null token",
    );
    set_acp(&home, 0x0290, false);
    // A result with replicated halves (equal data halves under TDES-ENC): 8/442.
    dkg_err(
        &["TDES-ENC"],
        &g,
        &[7; 16],
        &mac,
        (8, 442),
        "replicated result",
    );

    // Process ACPs.
    for (acp, p, d) in [
        (0x0041u16, "TDES-ENC", (0u8..16).collect()),
        (0x0042, "TDES-DEC", (0u8..16).collect()),
        (0x0045, "TDES-XOR", kgd.clone()),
        (0x0046, "TDESEMV2", kgd.clone()),
        (0x0046, "TDESEMV4", kgd.clone()),
    ] {
        set_acp(&home, acp, false);
        dkg_err(&[p], &g, &d, &mac, (8, 90), p);
        set_acp(&home, acp, true);
        let mut o = mac;
        assert_eq!(dkg(&[p], &g, &d, &mut o), (0, 0), "{p} with the ACP on");
        // The session-key processes on xor-0's key and data: dkg.txt's pyemv keys.
        let want = match p {
            "TDES-XOR" => Some("xor-0"),
            "TDESEMV2" => Some("emv2-0"),
            "TDESEMV4" => Some("emv4-0"),
            _ => None,
        };
        if let Some(id) = want {
            let v = cases("dkg.txt").into_iter().find(|v| v.id() == id).unwrap();
            assert_eq!(
                (v.hex("gk"), v.hex("data")),
                (mdk.clone(), d.clone()),
                "{id}"
            );
            assert_eq!(
                to_hex(&open(&o).0),
                v.text("key"),
                "{p} with the ACP on: key"
            );
        }
    }
    set_acp(&home, 0x0043, false);
    dkg_err(
        &["SESS-XOR"],
        &sess,
        &[1; 16],
        &[0; 64],
        (8, 90),
        "SESS-XOR ACP",
    );
    set_acp(&home, 0x0043, true);

    // NULL pointers: 8/184, nothing written.
    let null = std::ptr::null_mut();
    let mut n = 1;
    let mut ra = rules(&["TDES-XOR"]);
    let (mut gg, mut d, mut z, mut o) = (g, kgd.clone(), [0u8; 64], mac);
    let mut len = kgd.len() as i32;
    let cases: [(&str, [bool; 6]); 6] = [
        ("count", [true, false, false, false, false, false]),
        ("generating", [false, false, true, false, false, false]),
        ("data_length", [false, false, false, true, false, false]),
        ("data", [false, false, false, false, true, false]),
        ("decrypting", [false, false, false, false, false, true]),
        ("rule_array", [false, true, false, false, false, false]),
    ];
    for (what, nulls) in cases {
        let p = |i: usize, v: *mut u8| if nulls[i] { null } else { v };
        let r = raw(
            if nulls[0] { null.cast() } else { &mut n },
            p(1, ra.as_mut_ptr()),
            p(2, gg.as_mut_ptr()),
            if nulls[3] { null.cast() } else { &mut len },
            p(4, d.as_mut_ptr()),
            p(5, z.as_mut_ptr()),
            o.as_mut_ptr(),
        );
        assert_eq!((r, o), ((8, 184), mac), "NULL {what}");
    }
    let r = raw(
        &mut n,
        ra.as_mut_ptr(),
        gg.as_mut_ptr(),
        &mut len,
        d.as_mut_ptr(),
        z.as_mut_ptr(),
        null,
    );
    assert_eq!(r, (8, 184), "NULL generated");

    // Misaligned fullwords.
    let (mut b1, mut b2) = ([0u8; 8], [0u8; 8]);
    let np = misaligned(&mut b1, 1);
    let lp = misaligned(&mut b2, kgd.len() as i32);
    let r = raw(
        np,
        ra.as_mut_ptr(),
        gg.as_mut_ptr(),
        lp,
        d.as_mut_ptr(),
        z.as_mut_ptr(),
        o.as_mut_ptr(),
    );
    assert_eq!(r, (0, 0));
    assert_eq!(to_hex(&open(&o).0), c.text("key"));
}
