//! The Visa PIN change issuer script of examples/c/pin_change_script.c against the same script
//! built with pyemv alone (tests/vectors/gen_script.py -> tests/data/script.txt): once through
//! the C entry points from Rust, and once by compiling the C example against the freshly built
//! library and running it (tests/common/c_build.rs: in CI it fails when it cannot run).

mod common;
use common::verbs::{TEST_MK, load_master_key, setup, store};
use common::*;

use common::c_build;

fn import(label_text: &str, key_type: &str, usage: &[&str], key: &[u8], part2: &[u8]) {
    let mut words = vec!["KEY-PART"];
    words.extend_from_slice(usage);
    let mut t = skeleton(key_type, &words);
    let part1: Vec<u8> = key.iter().zip(part2).map(|(a, b)| a ^ b).collect();
    for (kw, part) in [("FIRST", &part1[..]), ("LAST", part2)] {
        let (mut rc, mut rs) = (-1, -1);
        let mut n = 1;
        let mut ra = rules(&[kw]);
        let mut p: [u8; 16] = arr(part);
        unsafe {
            softcca::ffi::keypart::CSNBKPI(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut n,
                ra.as_mut_ptr(),
                p.as_mut_ptr(),
                t.as_mut_ptr(),
            )
        };
        assert_eq!((rc, rs), (0, 0), "CSNBKPI {kw} {label_text}");
    }
    store(label_text, &t);
}

#[test]
fn script_through_the_c_entry_points_equals_pyemv() {
    let _g = setup("script");
    load_master_key(TEST_MK);
    let c = &cases("script.txt")[0];
    let part2 = c.hex("part2");
    import(
        "DEMO.ISSUER.IMK.AC",
        "DKYGENKY",
        &["DMAC"],
        &c.hex("imk_ac"),
        &part2,
    );
    import(
        "DEMO.ISSUER.IMK.SMC",
        "DKYGENKY",
        &["DMPIN"],
        &c.hex("imk_smc"),
        &part2,
    );
    import(
        "DEMO.ISSUER.IMK.SMI",
        "DKYGENKY",
        &["DMAC"],
        &c.hex("imk_smi"),
        &part2,
    );
    import(
        "DEMO.ISSUER.PINKEY",
        "IPINENC",
        &[],
        &c.hex("pin_key"),
        &part2,
    );

    // CSNBPCU with labels.
    let mut kgd = c.hex("d");
    kgd.extend(c.hex("atc"));
    let mut call = common::pcu_call::Call {
        rules: rules(&["TDES-XOR", "VISAPCU2"]),
        count: 2,
        auth_len: 64,
        auth: label("DEMO.ISSUER.IMK.AC"),
        enc_len: 64,
        enc: label("DEMO.ISSUER.IMK.SMC"),
        kgd_len: kgd.len() as i32,
        kgd: kgd.clone(),
        new_len: 64,
        new_key: label("DEMO.ISSUER.PINKEY"),
        new_block: arr(&c.hex("new_block")),
        new_profile: common::pcu_call::profile("ISO-0", None),
        new_pan: arr(c.text("pan12_ascii").as_bytes()),
        cur_len: 64,
        cur_key: label("DEMO.ISSUER.PINKEY"),
        cur_block: arr(&c.hex("cur_block")),
        cur_profile: common::pcu_call::profile("ISO-0", None),
        cur_pan: arr(c.text("pan12_ascii").as_bytes()),
        out_data_len: 0,
        out_profile: common::pcu_call::profile("VISAPCU2", None),
        out_len: 32,
        out: [0; 32],
    };
    assert_eq!(call.run(false), (0, 0), "CSNBPCU");
    assert_eq!(call.output(), c.text("enc"));

    // CSNBDKG TDES-XOR from the script-MAC master key into a MAC skeleton.
    let mut mac_key = skeleton("MAC", &["DOUBLE"]);
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&["TDES-XOR"]);
    let mut smi = label("DEMO.ISSUER.IMK.SMI");
    let mut len = kgd.len() as i32;
    let mut null = [0u8; 64];
    unsafe {
        softcca::ffi::dkg::CSNBDKG(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            smi.as_mut_ptr(),
            &mut len,
            kgd.as_mut_ptr(),
            null.as_mut_ptr(),
            mac_key.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSNBDKG");
    let tok = softcca::token::InternalToken::parse(&mac_key).unwrap();
    let clear = tok
        .unwrap_key(
            &softcca::crypto::ClearKey::from_slice(&hex(TEST_MK)).unwrap(),
            softcca::token::KeyUse::Operational,
        )
        .unwrap();
    assert_eq!(
        to_hex(clear.as_bytes()),
        c.text("sk_smi"),
        "session MAC key"
    );

    // CSNBMGN EMVMACD MACLEN8 over the header, ATC, ARQC and the encrypted PIN data.
    let enc = &call.out[..16];
    let header = [0x84, 0x24, 0x00, 0x01, (enc.len() + 8) as u8];
    let mut text = header.to_vec();
    text.extend(c.hex("atc"));
    text.extend(c.hex("arqc"));
    text.extend(enc);
    assert_eq!(to_hex(&text), c.text("mac_input"));
    let mut n = 2;
    let mut ra = rules(&["EMVMACD", "MACLEN8"]);
    let mut tl = text.len() as i32;
    let mut mac = [0u8; 8];
    let mut chain = [0u8; 18];
    unsafe {
        softcca::ffi::mac::CSNBMGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            mac_key.as_mut_ptr(),
            &mut tl,
            text.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            chain.as_mut_ptr(),
            mac.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSNBMGN");
    let mut apdu = header.to_vec();
    apdu.extend(enc);
    apdu.extend(mac);
    assert_eq!(to_hex(&apdu), c.text("apdu"));
}

/// examples/c/pin_change_script.c compiled against the library `make test` has just built
/// (tests/common/c_build.rs), run on a fresh state directory: its APDU line must be pyemv's.
/// In CI a missing library or compiler fails this test.
#[test]
fn the_built_c_example_prints_the_pyemv_apdu() {
    let c = &cases("script.txt")[0];
    let Some(exe) = c_build::compile_example("pin_change_script example", "pin_change_script")
    else {
        return;
    };
    let stdout = c_build::run_example(&exe);
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let line = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line:\n{stdout}"))
            .trim()
            .to_string()
    };
    assert_eq!(line("MAC input: "), c.text("mac_input"));
    assert_eq!(line("APDU: "), c.text("apdu"));
    assert!(
        stdout.contains(c.text("enc")),
        "encrypted PIN data:\n{stdout}"
    );
    assert!(stdout.contains(c.text("mac")), "script MAC:\n{stdout}");
}
