//! Every verb slot that takes a key, called through the C entry points the way a C program
//! does, and the keys the attack tests use (tests/splice.rs, tests/token_auth.rs): clear keys
//! imported with CSNBKPI, wrapping recomputed with the `des` crate, never with softcca.
#![allow(dead_code)]

use super::pcu_call::{Call, call_for, profile};
use super::verbs::TEST_MK;
use super::*;

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};

// ---- calling the verbs ----

pub fn kpi(word: &str, part: &[u8; 16], id: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&[word]);
    let mut p = *part;
    unsafe {
        softcca::ffi::keypart::CSNBKPI(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            p.as_mut_ptr(),
            id.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn kyt(words: &[&str], id: &[u8; 64], v1: &mut [u8; 8], v2: &mut [u8; 8]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let mut k = *id;
    unsafe {
        softcca::ffi::keytest::CSNBKYT(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            k.as_mut_ptr(),
            v1.as_mut_ptr(),
            v2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn ktc(id: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&["RTCMK"]);
    unsafe {
        softcca::ffi::keychange::CSNBKTC(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            id.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn mac_call(verify: bool, id: &[u8; 64], text: &[u8], mac: &mut [u8; 9]) -> (i32, i32) {
    mac_with(verify, &["TDES-MAC"], id, text, mac)
}

/// CSNBMGN (or CSNBMVR) with rule-array `words`.
pub fn mac_with(
    verify: bool,
    words: &[&str],
    id: &[u8; 64],
    text: &[u8],
    mac: &mut [u8; 9],
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut k = *id;
    let mut t = text.to_vec();
    let mut len = t.len() as i32;
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let f = if verify {
        softcca::ffi::mac::CSNBMVR
    } else {
        softcca::ffi::mac::CSNBMGN
    };
    unsafe {
        f(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            k.as_mut_ptr(),
            &mut len,
            t.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            std::ptr::null_mut(),
            mac.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn cpe(id: &[u8; 64], out: &mut [u8; 8]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut k = *id;
    let mut n = 1;
    let mut ra = rules(&["ENCRYPT"]);
    let mut clear = *b"1234            ";
    let mut prof = profile("ISO-0", None);
    let mut pan = *b"456789012345";
    let mut seq = 99_999;
    unsafe {
        softcca::ffi::clearpin::CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            k.as_mut_ptr(),
            &mut n,
            ra.as_mut_ptr(),
            clear.as_mut_ptr(),
            prof.as_mut_ptr(),
            pan.as_mut_ptr(),
            &mut seq,
            out.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn dkg(process: &str, generating: &[u8; 64], generated: &mut [u8; 64]) -> (i32, i32) {
    dkg_with(
        process,
        generating,
        &hex("00112233445566778899AABBCCDDEEFF"),
        generated,
    )
}

/// CSNBDKG with `data`.
pub fn dkg_with(
    process: &str,
    generating: &[u8; 64],
    data: &[u8],
    generated: &mut [u8; 64],
) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&[process]);
    let mut g = *generating;
    let mut data = data.to_vec();
    let mut len = data.len() as i32;
    let mut null = [0u8; 64];
    unsafe {
        softcca::ffi::dkg::CSNBDKG(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            g.as_mut_ptr(),
            &mut len,
            data.as_mut_ptr(),
            null.as_mut_ptr(),
            generated.as_mut_ptr(),
        )
    };
    (rc, rs)
}

pub fn kgn(template: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut form = *b"OP  ";
    let mut length = kw8("");
    let mut t1 = kw8("TOKEN");
    let mut t2 = kw8("");
    let (mut kek1, mut kek2, mut gen2) = ([0u8; 64], [0u8; 64], [0u8; 64]);
    unsafe {
        softcca::ffi::keygen::CSNBKGN(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            form.as_mut_ptr(),
            length.as_mut_ptr(),
            t1.as_mut_ptr(),
            t2.as_mut_ptr(),
            kek1.as_mut_ptr(),
            kek2.as_mut_ptr(),
            template.as_mut_ptr(),
            gen2.as_mut_ptr(),
        )
    };
    (rc, rs)
}

// ---- keys ----

/// Key types used here and their CSNBKTB spellings (with KEY-PART).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    DMac,
    DMPin,
    IpinEnc,
    OpinEnc,
    Mac,
    Data,
}

pub const KINDS: [Kind; 6] = [
    Kind::DMac,
    Kind::DMPin,
    Kind::IpinEnc,
    Kind::OpinEnc,
    Kind::Mac,
    Kind::Data,
];

impl Kind {
    pub fn skeleton(self) -> [u8; 64] {
        match self {
            Kind::DMac => skeleton("DKYGENKY", &["KEY-PART", "DKYL0", "DMAC"]),
            Kind::DMPin => skeleton("DKYGENKY", &["KEY-PART", "DKYL0", "DMPIN"]),
            Kind::IpinEnc => skeleton("IPINENC", &["KEY-PART"]),
            Kind::OpinEnc => skeleton("OPINENC", &["KEY-PART"]),
            Kind::Mac => skeleton("MAC", &["KEY-PART", "DOUBLE"]),
            Kind::Data => skeleton("DATA", &["KEY-PART", "DOUBLE"]),
        }
    }

    /// A distinct odd-parity clear key per kind (XOR with X'03' keeps odd parity).
    pub fn clear(self) -> [u8; 16] {
        let base = hex("0123456789ABCDEFFEDCBA9876543210");
        let mut k: [u8; 16] = arr(&base);
        k[0] ^= 0x03 * (self as u8 + 1);
        k
    }
}

/// The key-part token after CSNBKPI FIRST with `clear` (KEY-PART bit still on).
pub fn first_part(kind: Kind, clear: &[u8; 16]) -> [u8; 64] {
    let mut t = kind.skeleton();
    assert_eq!(kpi("FIRST", clear, &mut t), (0, 0), "FIRST {kind:?}");
    t
}

/// A complete token holding `kind.clear()`, imported with CSNBKPI FIRST + COMPLETE.
pub fn import(kind: Kind) -> [u8; 64] {
    let mut t = first_part(kind, &kind.clear());
    assert_eq!(
        kpi("COMPLETE", &[0; 16], &mut t),
        (0, 0),
        "COMPLETE {kind:?}"
    );
    t
}

pub fn des_encrypt(key: &[u8], block: &[u8; 8]) -> [u8; 8] {
    let c = des::Des::new_from_slice(key).unwrap();
    let mut b = Array::from(*block);
    c.encrypt_block(&mut b);
    b.into()
}

/// WRAP-ECB with the `des` crate (docs/decisions.md F13): part `x` under master key ⊕ CV half, EDE3.
pub fn wrap_independently(half: &[u8], x: &[u8]) -> [u8; 8] {
    let mk = hex(TEST_MK);
    let k: Vec<u8> = mk
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ half[i % 8])
        .collect();
    let c = des::TdesEde3::new_from_slice(&k).unwrap();
    let mut b = Array::from(arr::<8>(x));
    c.encrypt_block(&mut b);
    b.into()
}

pub fn set_parity(b: &mut u8) {
    *b = (*b & 0xFE) | u8::from((*b >> 1).count_ones() % 2 == 1);
}

/// Every verb slot that takes a key: runs the verb with `id` in that slot and returns the
/// codes and whether every output was left as it was.
pub type Run<'a> = Box<dyn Fn(&[u8; 64]) -> ((i32, i32), bool) + 'a>;

pub struct Slot<'a> {
    pub verb: &'static str,
    pub kind: Kind,
    /// The slot's key is a template only (its key is never unwrapped).
    pub template: bool,
    /// The slot takes a CKDS label too.
    pub labels: bool,
    /// A successful call with the real key answers this (0/0, or 4/1 for a failed check).
    pub ok: (i32, i32),
    pub run: Run<'a>,
}

pub fn pcu_call() -> Call {
    let c = cases("pcu.txt")
        .into_iter()
        .find(|c| c.has("cur_block") && c.text("method_ascii") == "VISAPCU2")
        .expect("a VISAPCU2 case");
    call_for(&c)
}

pub fn pcu_slots<'a>(base: &'a Call) -> Vec<Slot<'a>> {
    let mut v: Vec<Slot<'a>> = Vec::new();
    for csne in [false, true] {
        let verb = if csne { "CSNEPCU" } else { "CSNBPCU" };
        type Pick = fn(&mut Call) -> &mut [u8; 64];
        let picks: [(Kind, Pick); 4] = [
            (Kind::DMac, |c| &mut c.auth),
            (Kind::DMPin, |c| &mut c.enc),
            (Kind::IpinEnc, |c| &mut c.new_key),
            (Kind::IpinEnc, |c| &mut c.cur_key),
        ];
        for (kind, pick) in picks {
            v.push(Slot {
                verb,
                kind,
                template: false,
                labels: true,
                ok: (0, 0),
                run: Box::new(move |id| {
                    let mut c = base.clone();
                    *pick(&mut c) = *id;
                    let r = c.run(csne);
                    (r, c.out == [0xEE; 32] && c.out_len == 32)
                }),
            });
        }
    }
    v
}

pub fn other_slots<'a>() -> Vec<Slot<'a>> {
    let mut v: Vec<Slot<'a>> = Vec::new();
    for (kind, process) in [(Kind::DMac, "TDES-ENC"), (Kind::DMPin, "TDES-ENC")] {
        v.push(Slot {
            verb: "CSNBDKG generating",
            kind,
            template: false,
            labels: true,
            ok: (0, 0),
            run: Box::new(move |id| {
                let mut out = [0u8; 64];
                (dkg(process, id, &mut out), out == [0u8; 64])
            }),
        });
    }
    let dmac = import(Kind::DMac);
    v.push(Slot {
        verb: "CSNBDKG generated",
        kind: Kind::Mac,
        template: true,
        labels: true,
        ok: (0, 0),
        run: Box::new(move |id| {
            let mut out = *id;
            (dkg("TDES-ENC", &dmac, &mut out), &out == id)
        }),
    });
    for kind in [Kind::Mac, Kind::Data] {
        v.push(Slot {
            verb: "CSNBMGN",
            kind,
            template: false,
            labels: true,
            ok: (0, 0),
            run: Box::new(|id| {
                let mut mac = [0xEE; 9];
                (
                    mac_call(false, id, b"text of sixteen.", &mut mac),
                    mac == [0xEE; 9],
                )
            }),
        });
        v.push(Slot {
            verb: "CSNBMVR",
            kind,
            template: false,
            labels: true,
            // A wrong MAC against the real key: 4/8004; against an attack token the key
            // must be refused before any MAC is computed.
            ok: (4, 8004),
            run: Box::new(|id| {
                let mut mac = [0x11; 9];
                (
                    mac_call(true, id, b"text of sixteen.", &mut mac),
                    mac == [0x11; 9],
                )
            }),
        });
    }
    v.push(Slot {
        verb: "CSNBCPE",
        kind: Kind::OpinEnc,
        template: false,
        labels: true,
        ok: (0, 0),
        run: Box::new(|id| {
            let mut out = [0xEE; 8];
            (cpe(id, &mut out), out == [0xEE; 8])
        }),
    });
    for kind in KINDS {
        v.push(Slot {
            verb: "CSNBKYT",
            kind,
            template: false,
            labels: true,
            ok: (0, 0),
            run: Box::new(|id| {
                let (mut v1, mut v2) = ([0x11; 8], [0x22; 8]);
                let r = kyt(&["GENERATE", "KEY-ENCD", "ENC-ZERO"], id, &mut v1, &mut v2);
                (r, v1 == [0x11; 8] && v2 == [0x22; 8])
            }),
        });
        v.push(Slot {
            verb: "CSNBKTC",
            kind,
            template: false,
            labels: true,
            ok: (0, 0),
            run: Box::new(|id| {
                let before = if id[0] >= 0x20 { krr(id) } else { *id };
                let mut t = *id;
                let r = ktc(&mut t);
                let after = if id[0] >= 0x20 { krr(id) } else { t };
                (r, before == after && &t == id)
            }),
        });
        v.push(Slot {
            verb: "CSNBKGN template",
            kind,
            template: true,
            labels: false,
            ok: (0, 0),
            run: Box::new(|id| {
                let mut t = *id;
                (kgn(&mut t), &t == id)
            }),
        });
    }
    v
}

pub fn label_of(n: usize) -> [u8; 64] {
    label(&format!("SPLICE.K{n}"))
}
