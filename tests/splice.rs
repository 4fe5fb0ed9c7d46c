//! Key-splitting and dual-control attacks, performed through the C entry points (issue 7,
//! items 1 and 3).
//!
//! * Splicing: a real double-length token is rewritten the way an attacker who can edit
//!   tokens (or read one by label) would: version X'01' with byte 59 = X'10', control vector
//!   (CVL, CVL) and key parts (A, A), TVV resealed, so that it would unwrap to `KL ‖ KL` and
//!   every verb would compute single DES under one secret half. Its variants (the right half
//!   twice, version X'00', a byte 59 that disagrees, a triple-length form, wrapped parts A = B
//!   under the real control vector, a "unique halves" key with equal halves) must all be
//!   refused by every verb that takes a key, as a token and as a CKDS label stored with
//!   CSNBKRC/CSNBKRW, with the documented code and nothing written but rc/rs.
//! * Incomplete key parts: a token whose KEY-PART bit is on (CSNBKPI FIRST or ADD-PART done,
//!   not COMPLETE) must be refused by every operational verb; Key Part Import, Key Test, Key
//!   Token Change and the key-record verbs take it.
//!
//! The clear keys are imported with CSNBKPI; the effect of the attack is computed with the
//! `des` crate from those clear keys, never with softcca.

mod common;
use common::pcu_call::{Call, call_for, profile};
use common::verbs::{TEST_MK, load_master_key, setup, store};
use common::*;

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};

// ---- calling the verbs ----

fn kpi(word: &str, part: &[u8; 16], id: &mut [u8; 64]) -> (i32, i32) {
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

fn kyt(words: &[&str], id: &[u8; 64], v1: &mut [u8; 8], v2: &mut [u8; 8]) -> (i32, i32) {
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

fn ktc(id: &mut [u8; 64]) -> (i32, i32) {
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

fn mac_call(verify: bool, id: &[u8; 64], text: &[u8], mac: &mut [u8; 9]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut k = *id;
    let mut t = text.to_vec();
    let mut len = t.len() as i32;
    let mut n = 1;
    let mut ra = rules(&["TDES-MAC"]);
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

fn cpe(id: &[u8; 64], out: &mut [u8; 8]) -> (i32, i32) {
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

fn dkg(process: &str, generating: &[u8; 64], generated: &mut [u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    let mut ra = rules(&[process]);
    let mut g = *generating;
    let mut data = hex("00112233445566778899AABBCCDDEEFF");
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

fn kgn(template: &mut [u8; 64]) -> (i32, i32) {
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
enum Kind {
    DMac,
    DMPin,
    IpinEnc,
    OpinEnc,
    Mac,
    Data,
}

const KINDS: [Kind; 6] = [
    Kind::DMac,
    Kind::DMPin,
    Kind::IpinEnc,
    Kind::OpinEnc,
    Kind::Mac,
    Kind::Data,
];

impl Kind {
    fn skeleton(self) -> [u8; 64] {
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
    fn clear(self) -> [u8; 16] {
        let base = hex("0123456789ABCDEFFEDCBA9876543210");
        let mut k: [u8; 16] = arr(&base);
        k[0] ^= 0x03 * (self as u8 + 1);
        k
    }
}

/// The key-part token after CSNBKPI FIRST with `clear` (KEY-PART bit still on).
fn first_part(kind: Kind, clear: &[u8; 16]) -> [u8; 64] {
    let mut t = kind.skeleton();
    assert_eq!(kpi("FIRST", clear, &mut t), (0, 0), "FIRST {kind:?}");
    t
}

/// A complete token holding `kind.clear()`, imported with CSNBKPI FIRST + COMPLETE.
fn import(kind: Kind) -> [u8; 64] {
    let mut t = first_part(kind, &kind.clear());
    assert_eq!(
        kpi("COMPLETE", &[0; 16], &mut t),
        (0, 0),
        "COMPLETE {kind:?}"
    );
    t
}

fn des_encrypt(key: &[u8], block: &[u8; 8]) -> [u8; 8] {
    let c = des::Des::new_from_slice(key).unwrap();
    let mut b = Array::from(*block);
    c.encrypt_block(&mut b);
    b.into()
}

/// WRAP-ECB with the `des` crate (DECISIONS #13): part `x` under master key ⊕ CV half, EDE3.
fn wrap_independently(half: &[u8], x: &[u8]) -> [u8; 8] {
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

fn set_parity(b: &mut u8) {
    *b = (*b & 0xFE) | u8::from((*b >> 1).count_ones() % 2 == 1);
}

// ---- the attacks ----

/// One rewritten token and the code every verb must answer it with.
struct Attack {
    name: &'static str,
    token: [u8; 64],
    want: (i32, i32),
    /// `true` when the control vector's form no longer fits the token (a template whose key
    /// is never unwrapped is refused too); `false` when only the wrapped key is wrong.
    form_broken: bool,
}

fn attacks(real: &[u8; 64]) -> Vec<Attack> {
    let mut out = Vec::new();
    let mut add = |name, f: &dyn Fn(&mut [u8; 64]), want, form_broken| {
        let mut t = *real;
        f(&mut t);
        reseal(&mut t);
        out.push(Attack {
            name,
            token: t,
            want,
            form_broken,
        });
    };
    let cvl = |t: &mut [u8; 64]| {
        let l: [u8; 8] = arr(&t[32..40]);
        t[40..48].copy_from_slice(&l);
        let a: [u8; 8] = arr(&t[16..24]);
        t[24..32].copy_from_slice(&a);
    };
    add(
        "v1 X'10' CV (CVL,CVL) parts (A,A)",
        &|t| {
            t[4] = 0x01;
            t[59] = 0x10;
            cvl(t);
        },
        (8, 39),
        true,
    );
    add(
        "v1 X'10' CV (CVR,CVR) parts (B,B)",
        &|t| {
            t[4] = 0x01;
            t[59] = 0x10;
            let r: [u8; 8] = arr(&t[40..48]);
            t[32..40].copy_from_slice(&r);
            let b: [u8; 8] = arr(&t[24..32]);
            t[16..24].copy_from_slice(&b);
        },
        (8, 39),
        true,
    );
    add("v0 CV (CVL,CVL) parts (A,A)", &cvl, (8, 39), true);
    add(
        "v1 byte 59 X'20', CV kept",
        &|t| {
            t[4] = 0x01;
            t[59] = 0x20;
        },
        (8, 39),
        true,
    );
    add("v1 byte 59 X'00', CV kept", &|t| t[4] = 0x01, (8, 39), true);
    add(
        "triple form B'011', parts (A,B,A)",
        &|t| {
            t[37] = (t[37] & 0x1F) | 0x60;
            set_parity(&mut t[37]);
            t[40..48].fill(0);
            let a: [u8; 8] = arr(&t[16..24]);
            t[48..56].copy_from_slice(&a);
        },
        (8, 39),
        true,
    );
    add(
        "parts (A,A), CV kept",
        &|t| {
            let a: [u8; 8] = arr(&t[16..24]);
            t[24..32].copy_from_slice(&a);
        },
        (8, 442),
        false,
    );
    add(
        "parts (B,B), CV kept",
        &|t| {
            let b: [u8; 8] = arr(&t[24..32]);
            t[16..24].copy_from_slice(&b);
        },
        (8, 442),
        false,
    );
    // A "halves guaranteed unique" CV (B'110'/B'101') holding KL ‖ KL, wrapped with the `des`
    // crate (no softcca release makes such a token; another system or an editor could).
    let mut t = *real;
    t[37] |= 0x80;
    set_parity(&mut t[37]);
    t[45] |= 0x80;
    set_parity(&mut t[45]);
    out.push(Attack {
        name: "unique-halves CV, clear halves equal",
        token: t,
        want: (8, 442),
        form_broken: false,
    });
    out
}

/// As [`attacks`] but the unique-halves token is rewrapped around `kl ‖ kl`.
fn attacks_for(real: &[u8; 64], clear: &[u8; 16]) -> Vec<Attack> {
    let mut v = attacks(real);
    let last = v.last_mut().unwrap();
    let t = &mut last.token;
    let a = wrap_independently(&t[32..40], &clear[..8]);
    let b = wrap_independently(&t[40..48], &clear[..8]);
    t[16..24].copy_from_slice(&a);
    t[24..32].copy_from_slice(&b);
    reseal(t);
    v
}

/// Every verb slot that takes a key: runs the verb with `id` in that slot and returns the
/// codes and whether every output was left as it was.
type Run<'a> = Box<dyn Fn(&[u8; 64]) -> ((i32, i32), bool) + 'a>;

struct Slot<'a> {
    verb: &'static str,
    kind: Kind,
    /// The slot's key is a template only (its key is never unwrapped).
    template: bool,
    /// The slot takes a CKDS label too.
    labels: bool,
    /// A successful call with the real key answers this (0/0, or 4/1 for a failed check).
    ok: (i32, i32),
    run: Run<'a>,
}

fn pcu_call() -> Call {
    let c = cases("pcu.txt")
        .into_iter()
        .find(|c| c.has("cur_block") && c.text("method_ascii") == "VISAPCU2")
        .expect("a VISAPCU2 case");
    call_for(&c)
}

fn pcu_slots<'a>(base: &'a Call) -> Vec<Slot<'a>> {
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

fn other_slots<'a>() -> Vec<Slot<'a>> {
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

fn label_of(n: usize) -> [u8; 64] {
    label(&format!("SPLICE.K{n}"))
}

#[test]
fn spliced_and_replicated_tokens_are_refused_by_every_verb() {
    let _g = setup("splice");
    load_master_key(TEST_MK);
    let base = pcu_call();
    // The real tokens: PCU's from its vector case, the others imported with CSNBKPI.
    let mut real = std::collections::HashMap::new();
    for kind in KINDS {
        real.insert(kind, (import(kind), kind.clear()));
    }
    let pcu_clear = |name: &str| -> [u8; 16] {
        let c = cases("pcu.txt")
            .into_iter()
            .find(|c| c.has("cur_block") && c.text("method_ascii") == "VISAPCU2")
            .unwrap();
        arr(&c.hex(name))
    };
    let mut slots = pcu_slots(&base);
    let pcu_real: Vec<([u8; 64], [u8; 16])> = vec![
        (base.auth, pcu_clear("mac_mdk")),
        (base.enc, pcu_clear("enc_mdk")),
        (base.new_key, pcu_clear("new_pin_key")),
        (base.cur_key, pcu_clear("cur_pin_key")),
    ];
    slots.extend(other_slots());
    let mut refused = 0;
    let mut label_no = 0;
    for (i, slot) in slots.iter().enumerate() {
        let (token, clear) = if slot.verb.ends_with("PCU") {
            pcu_real[i % 4]
        } else {
            real[&slot.kind]
        };
        // The harness works: the real token succeeds, as a token and as a label.
        assert_eq!(
            (slot.run)(&token).0,
            slot.ok,
            "{} {:?} real token",
            slot.verb,
            slot.kind
        );
        if slot.labels {
            label_no += 1;
            let l = label_of(label_no);
            store(&format!("SPLICE.K{label_no}"), &token);
            assert_eq!(
                (slot.run)(&l).0,
                slot.ok,
                "{} {:?} real label",
                slot.verb,
                slot.kind
            );
        }
        for a in attacks_for(&token, &clear) {
            if slot.template && !a.form_broken {
                continue;
            }
            let what = format!("{} {:?} {}", slot.verb, slot.kind, a.name);
            let (codes, unchanged) = (slot.run)(&a.token);
            assert_eq!(codes, a.want, "{what} (token)");
            assert!(unchanged, "{what} (token): output written on error");
            refused += 1;
            if !slot.labels {
                continue;
            }
            // Stored with CSNBKRC/CSNBKRW, then named by label.
            label_no += 1;
            let l = label_of(label_no);
            store(&format!("SPLICE.K{label_no}"), &a.token);
            assert_eq!(krr(&l), a.token, "{what}: KRR");
            let (codes, unchanged) = (slot.run)(&l);
            assert_eq!(codes, a.want, "{what} (label)");
            assert!(unchanged, "{what} (label): output written on error");
            refused += 1;
        }
    }
    assert!(refused > 400, "only {refused} attack calls");
}

/// CSNBKPI on spliced and replicated key-part tokens (after FIRST): ADD-PART, LAST and
/// COMPLETE refuse them, as a token and as a label, and change nothing.
#[test]
fn key_part_import_refuses_spliced_key_parts() {
    let _g = setup("splice");
    load_master_key(TEST_MK);
    let mut label_no = 2000;
    let mut refused = 0;
    for kind in KINDS {
        let clear = kind.clear();
        let part = first_part(kind, &clear);
        for a in attacks_for(&part, &clear) {
            let unique = a.name.starts_with("unique");
            for (step, p) in [
                ("ADD-PART", [0x03; 16]),
                ("LAST", [0x03; 16]),
                ("COMPLETE", [0; 16]),
            ] {
                // A part may have equal halves until the key is completed.
                if unique && step == "ADD-PART" {
                    continue;
                }
                let what = format!("CSNBKPI {step} {kind:?} {}", a.name);
                let mut t = a.token;
                assert_eq!(kpi(step, &p, &mut t), a.want, "{what} (token)");
                assert_eq!(t, a.token, "{what}: token changed on error");
                label_no += 1;
                let name = format!("SPLICE.K{label_no}");
                store(&name, &a.token);
                let mut l = label(&name);
                assert_eq!(kpi(step, &p, &mut l), a.want, "{what} (label)");
                assert_eq!(
                    krr(&label(&name)),
                    a.token,
                    "{what}: record changed on error"
                );
                refused += 2;
            }
        }
    }
    assert!(refused > 250, "{refused}");
}

/// CSNBKTB with `KEY` will not make a token whose wrapped parts A and B are equal (8/442).
#[test]
fn key_token_build_refuses_equal_wrapped_parts() {
    let _g = setup("splice");
    let mkvp: [u8; 8] = arr(&hex(common::S9_MKVP));
    let build = |value: &[u8; 16]| ktb("IPINENC", &["INTERNAL", "KEY"], value, &[0; 16], &mkvp);
    let mut distinct = [0x11u8; 16];
    distinct[8..].fill(0x22);
    assert_eq!(build(&distinct).0, (0, 0), "harness");
    let (codes, out) = build(&[0x11; 16]);
    assert_eq!(codes, (8, 442));
    assert_eq!(out, [0u8; 64], "token written on error");
}

/// The attack as it worked before the fix: CSNBKYT ENC-ZERO on the spliced token answered
/// DES_KL(0), single DES under the left half, so KL fell to a 2^56 search. Expected value from
/// the `des` crate and the clear key imported with CSNBKPI.
#[test]
fn key_test_of_a_spliced_token_does_not_leak_single_des_of_a_half() {
    let _g = setup("splice");
    load_master_key(TEST_MK);
    for kind in KINDS {
        let real = import(kind);
        let clear = kind.clear();
        let single_des_left = des_encrypt(&clear[..8], &[0; 8]);
        let single_des_right = des_encrypt(&clear[8..], &[0; 8]);
        // Sanity: the real token's pattern is two-key TDES, not the single-DES one.
        let (mut v1, mut v2) = ([0; 8], [0; 8]);
        let words = ["GENERATE", "KEY-ENCD", "ENC-ZERO"];
        assert_eq!(kyt(&words, &real, &mut v1, &mut v2), (0, 0));
        assert_ne!(v2[..4], single_des_left[..4], "{kind:?}");
        for a in attacks(&real).into_iter().take(3) {
            let (mut v1, mut v2) = ([0; 8], [0; 8]);
            let codes = kyt(&words, &a.token, &mut v1, &mut v2);
            assert!(
                v2[..4] != single_des_left[..4] && v2[..4] != single_des_right[..4],
                "{kind:?} {}: CSNBKYT answered single DES of one key half ({codes:?})",
                a.name
            );
            assert_eq!(codes, (8, 39), "{kind:?} {}", a.name);
        }
    }
}

/// Key Part Import refuses a "halves guaranteed unique" key whose halves end up equal, even
/// with X'027A' (Key Part Import - Unrestricted) on; a plain double-length key may then have
/// them.
#[test]
fn unique_halves_key_never_completes_with_equal_halves() {
    let _g = setup("splice");
    load_master_key(TEST_MK);
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    set_acp(&home, 0x027A, true);
    let half = hex("0123456789ABCDEF");
    let mut kl_kl = [0u8; 16];
    kl_kl[..8].copy_from_slice(&half);
    kl_kl[8..].copy_from_slice(&half);
    // Plain double length with X'027A' on: allowed.
    let mut t = first_part(Kind::Data, &kl_kl);
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut t), (0, 0));
    // Unique halves (CV B'110'/B'101' from CSNBKTB with the CV given): refused at COMPLETE.
    let mut sk = Kind::Data.skeleton();
    sk[37] |= 0x80;
    set_parity(&mut sk[37]);
    sk[45] |= 0x80;
    set_parity(&mut sk[45]);
    reseal(&mut sk);
    assert_eq!(
        kpi("FIRST", &kl_kl, &mut sk),
        (0, 0),
        "a part may have equal halves"
    );
    let before = sk;
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut sk), (8, 442));
    assert_eq!(sk, before, "token changed on error");
    set_acp(&home, 0x027A, false);
}

#[test]
fn incomplete_key_parts_are_refused_by_every_operational_verb() {
    let _g = setup("splice");
    load_master_key(TEST_MK);
    let base = pcu_call();
    let mut slots = pcu_slots(&base);
    slots.extend(other_slots());
    let mut label_no = 1000;
    let mut checked = 0;
    for slot in &slots {
        // Only CSNBKPI FIRST done, and FIRST + ADD-PART: both still incomplete.
        let mut part = first_part(slot.kind, &slot.kind.clear());
        let mut after_add = part;
        assert_eq!(kpi("ADD-PART", &[0x03; 16], &mut after_add), (0, 0));
        for (step, t) in [("FIRST", &mut part), ("ADD-PART", &mut after_add)] {
            label_no += 1;
            let name = format!("PART.K{label_no}");
            store(&name, t);
            assert_eq!(&krr(&label(&name)), t, "KRR returns the stored part");
            let ids = if slot.labels {
                vec![*t, label(&name)]
            } else {
                vec![*t]
            };
            for id in ids {
                let what = format!("{} {:?} after {step}", slot.verb, slot.kind);
                let (codes, unchanged) = (slot.run)(&id);
                let key_management = slot.verb == "CSNBKGN template"
                    || slot.verb == "CSNBKYT"
                    || slot.verb == "CSNBKTC";
                if key_management {
                    // Key Test, Key Token Change and Key Generate's template take a partial
                    // key (IBM); a derived key never goes into a key-part token.
                    assert_eq!(codes, (0, 0), "{what}");
                } else {
                    assert_eq!(codes, (8, 39), "{what}");
                    assert!(unchanged, "{what}: output written on error");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "{checked}");
}
