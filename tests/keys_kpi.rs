//! CSNBKPI through the C entry point: known parts under the test master key of tests/vectors/README.md must
//! give the tokens of tests/data/tokens.txt; key-part bit, parity, replicated halves, ACPs,
//! labels and every error row.

mod common;
use common::*;

use softcca::ffi::keypart::CSNBKPI;

fn kpi_raw(count: *mut i32, words: &[&str], part: &[u8; 16], id: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut ra = rules(words);
    let mut p = *part;
    unsafe {
        CSNBKPI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            count,
            ra.as_mut_ptr(),
            p.as_mut_ptr(),
            id.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn kpi(word: &str, part: &[u8; 16], id: &mut [u8; 64]) -> (i32, i32) {
    let mut n = 1;
    kpi_raw(&mut n, &[word], part, id)
}

/// Like `kpi`, but the call must fail with `want` and leave `id` unchanged.
fn kpi_err(word: &str, part: &[u8; 16], id: &[u8; 64], want: (i32, i32), what: &str) {
    let mut t = *id;
    assert_eq!(kpi(word, part, &mut t), want, "{what}");
    assert_eq!(&t, id, "{what}: identifier changed on error");
}

fn xor(a: &[u8], b: &[u8]) -> [u8; 16] {
    std::array::from_fn(|i| a[i] ^ b[i])
}

#[test]
fn key_part_import() {
    let home = init_home("kpi");
    let sk = skeleton("IPINENC", &["KEY-PART"]);
    // No master key yet: 12/764.
    kpi_err("FIRST", &[1; 16], &sk, (12, 764), "no master key");
    load_mk(&hex(S9_MK));

    // Every test-set / model token under the test master key whose CV has a CSNBKTB spelling.
    let even2: [u8; 16] = arr(&hex("030506090A0C0F111214171B1D1E2427"));
    let even3: [u8; 16] = arr(&hex("28282B2D2E303336393A3C3F41424447"));
    let mut checked = 0;
    for c in cases("tokens.txt") {
        if c.text("mk") != S9_MK || c.hex("key").len() != 16 {
            continue;
        }
        let (kt, words): (&str, &[&str]) = match c.text("cv_ascii") {
            "IPINENC" => ("IPINENC", &["KEY-PART"]),
            "DKYGENKY-DMAC" => ("DKYGENKY", &["KEY-PART"]),
            "DKYGENKY-DALL" => ("DKYGENKY", &["KEY-PART", "DALL"]),
            "DKYGENKY-DDATA" => ("DKYGENKY", &["KEY-PART", "DDATA"]),
            "MAC" => ("MAC", &["KEY-PART", "DOUBLE"]),
            "SECMSG-SMPIN" => ("SECMSG", &["KEY-PART", "SMPIN"]),
            _ => continue,
        };
        let key = c.hex("key");
        // FIRST + LAST.
        let mut t = skeleton(kt, words);
        assert_eq!(
            kpi("FIRST", &xor(&key, &even2), &mut t),
            (0, 0),
            "{}",
            c.id()
        );
        assert_eq!(t[37] & 0x08, 0x08, "key-part bit stays on");
        assert_eq!(kpi("LAST", &even2, &mut t), (0, 0), "{}", c.id());
        assert_eq!(to_hex(&t), c.text("token"), "{} FIRST/LAST", c.id());
        // FIRST + MIDDLE + LAST.
        let mut t = skeleton(kt, words);
        let p1 = xor(&xor(&key, &even2), &even3);
        assert_eq!(kpi("FIRST", &p1, &mut t), (0, 0));
        assert_eq!(kpi("MIDDLE", &even2, &mut t), (0, 0));
        assert_eq!(kpi("LAST", &even3, &mut t), (0, 0));
        assert_eq!(to_hex(&t), c.text("token"), "{} FIRST/MIDDLE/LAST", c.id());
        // FIRST + ADD-PART + COMPLETE.
        let mut t = skeleton(kt, words);
        assert_eq!(kpi("FIRST", &xor(&key, &even3), &mut t), (0, 0));
        assert_eq!(kpi("ADD-PART", &even3, &mut t), (0, 0));
        assert_eq!(t[37] & 0x08, 0x08);
        assert_eq!(kpi("COMPLETE", &[0xEE; 16], &mut t), (0, 0));
        assert_eq!(to_hex(&t), c.text("token"), "{} ADD-PART/COMPLETE", c.id());
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} token cases");

    // A label: the record is updated, the caller's field is not.
    let s9 = cases("tokens.txt")
        .into_iter()
        .find(|c| c.id() == "s9-ipinenc")
        .unwrap();
    let key = s9.hex("key");
    let lab = label("KPI.PIN.KEY");
    assert_eq!(krc(&lab), (0, 0));
    assert_eq!(krw(&sk, &lab), (0, 0));
    let mut field = lab;
    assert_eq!(kpi("FIRST", &xor(&key, &even2), &mut field), (0, 0));
    assert_eq!(field, lab);
    assert_eq!(krr(&lab)[37] & 0x08, 0x08);
    assert_eq!(kpi("LAST", &even2, &mut field), (0, 0));
    assert_eq!(field, lab);
    assert_eq!(to_hex(&krr(&lab)), s9.text("token"));

    // Parity: a FIRST part with even bytes warns (ICSF 0/4); so does an odd later part.
    let mut t = sk;
    assert_eq!(kpi("FIRST", &even2, &mut t), (0, 4));
    assert_eq!(kpi("MIDDLE", &xor(&key, &even3), &mut t), (0, 0));
    assert_eq!(kpi("ADD-PART", &[0x01; 16], &mut t), (0, 4));

    // Replicated halves at LAST and COMPLETE: 8/442 unless X'027A' is on.
    let mut half = [0u8; 16];
    half[..8].copy_from_slice(&hex("0123456789ABCDEF"));
    half[8..].copy_from_slice(&hex("0123456789ABCDEF"));
    let mut t = sk;
    assert_eq!(kpi("FIRST", &half, &mut t), (0, 0));
    kpi_err("LAST", &[0; 16], &t, (8, 442), "replicated halves LAST");
    kpi_err(
        "COMPLETE",
        &[0; 16],
        &t,
        (8, 442),
        "replicated halves COMPLETE",
    );
    set_acp(&home, 0x027A, true);
    let mut t2 = t;
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut t2), (0, 0));
    set_acp(&home, 0x027A, false);

    // Key-part bit rules.
    let complete: [u8; 64] = arr(&s9.hex("token"));
    kpi_err(
        "FIRST",
        &even2,
        &complete,
        (8, 39),
        "FIRST on a complete key's CV",
    );
    kpi_err(
        "ADD-PART",
        &even2,
        &complete,
        (8, 441),
        "ADD-PART on complete",
    );
    kpi_err("MIDDLE", &even2, &complete, (8, 441), "MIDDLE on complete");
    kpi_err("LAST", &even2, &complete, (8, 441), "LAST on complete");
    kpi_err(
        "COMPLETE",
        &even2,
        &complete,
        (8, 439),
        "COMPLETE on complete",
    );
    kpi_err("ADD-PART", &even2, &sk, (8, 439), "ADD-PART on a skeleton");
    kpi_err("LAST", &even2, &sk, (8, 439), "LAST on a skeleton");
    kpi_err("COMPLETE", &even2, &sk, (8, 439), "COMPLETE on a skeleton");

    // ACPs, each switched off and on again.
    let mut partial = sk;
    assert_eq!(kpi("FIRST", &xor(&key, &even2), &mut partial), (0, 0));
    for (acp, word, id) in [
        (0x001B, "FIRST", sk),
        (0x0278, "ADD-PART", partial),
        (0x001C, "MIDDLE", partial),
        (0x001C, "LAST", partial),
        (0x0279, "COMPLETE", partial),
    ] {
        set_acp(&home, acp, false);
        kpi_err(word, &even2, &id, (8, 90), word);
        set_acp(&home, acp, true);
        let mut t = id;
        assert_eq!(kpi(word, &even2, &mut t).0, 0, "{word} with ACP on");
    }

    // Token errors: tampered TVV, unknown MKVP, null token, external token, bad CV parity.
    let mut bad = partial;
    bad[20] ^= 1;
    kpi_err("LAST", &even2, &bad, (8, 12), "TVV");
    let mut bad = partial;
    bad[8] ^= 1;
    reseal(&mut bad);
    kpi_err("LAST", &even2, &bad, (8, 10004), "unknown MKVP");
    kpi_err("FIRST", &even2, &[0; 64], (8, 154), "null token");
    let mut bad = sk;
    bad[0] = 2;
    kpi_err("FIRST", &even2, &bad, (8, 154), "external token");
    let mut bad = sk;
    bad[33] ^= 1;
    reseal(&mut bad);
    kpi_err("FIRST", &even2, &bad, (8, 340), "CV parity");
    kpi_err(
        "FIRST",
        &even2,
        &label("NO.SUCH.KEY"),
        (8, 10012),
        "label not found",
    );
    kpi_err(
        "FIRST",
        &even2,
        &label("bad label"),
        (8, 32),
        "label syntax",
    );

    // Rule-array errors.
    kpi_err("BOGUS", &even2, &sk, (8, 33), "unknown keyword");
    let mut t = sk;
    let mut two = 2;
    assert_eq!(
        kpi_raw(&mut two, &["FIRST", "LAST"], &even2, &mut t),
        (8, 35)
    );
    let mut zero = 0;
    assert_eq!(kpi_raw(&mut zero, &[], &even2, &mut t), (8, 35));
    assert_eq!(t, sk);

    // A misaligned rule_array_count works.
    let mut buf = [0u8; 8];
    let count = misaligned(&mut buf, 1);
    let mut t = sk;
    assert_eq!(
        kpi_raw(count, &["FIRST"], &xor(&key, &even2), &mut t),
        (0, 0)
    );

    // NULL pointers: 8/184, nothing written.
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&["FIRST"]);
    let mut t = sk;
    unsafe {
        CSNBKPI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            std::ptr::null_mut(),
            t.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (8, 184));
    assert_eq!(t, sk);
    let mut p = [0u8; 16];
    unsafe {
        CSNBKPI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            p.as_mut_ptr(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!((rc, rs), (8, 184));
}
