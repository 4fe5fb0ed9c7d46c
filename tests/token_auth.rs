//! Token authentication (issue 7; docs/decisions.md D25), attacked through the C entry points.
//!
//! WRAP-ECB wraps each key half on its own, so before the token authentication code (TAC) a
//! caller could recombine the halves of two tokens of the same control vector: the victim's
//! part A with part B of a key whose value the caller knows (imported with CSNBKPI, allowed by
//! default), TVV resealed. That token unwrapped to `K_victim_L ‖ K_known_R`, and a Key Test
//! ENC-ZERO (or a MAC, a PIN block …) under it let the caller search `K_victim_L` in 2^56
//! steps; `(A_known, B_victim)` gave the right half. These tests perform that attack and its
//! variants (control-vector swap and retype with the TVV resealed, Key Token Build `KEY`
//! assembling a token from wrapped parts, laundering through Key Token Change and Key Part
//! Import, a TAC copied from another token) against every verb that takes a key, as a token and
//! as a CKDS label, and check that each is refused with 8/12 and writes nothing.
//!
//! Expected values of the attack's effect come from the `des` crate and the clear keys the
//! test imported, never from softcca.

mod common;
use common::key_slots::*;
use common::verbs::{TEST_MK, load_master_key, setup, store};
use common::*;

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};

/// The code of a token without a valid TAC (`TokenAuthentication`).
const REFUSED: (i32, i32) = (8, 12);

/// A second master key (odd parity, three distinct parts).
const MK2: &str = "FEDCBA987654321089ABCDEF01234567ABCDEF0123456789";

/// A key the attacker knows, distinct from every `Kind::clear()` (XOR with X'06' keeps odd
/// parity).
fn known_clear(kind: Kind) -> [u8; 16] {
    let mut k = kind.clear();
    for b in &mut k {
        *b ^= 0x06;
    }
    k
}

/// The attacker's own key of `kind`'s control vector, imported with CSNBKPI.
fn import_known(kind: Kind) -> [u8; 64] {
    let mut t = first_part(kind, &known_clear(kind));
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut t), (0, 0));
    t
}

/// `(A of a, B of b)`, TVV resealed: what the attacker assembles.
fn splice(a: &[u8; 64], b: &[u8; 64]) -> [u8; 64] {
    assert_eq!(a[32..48], b[32..48], "splice needs one control vector");
    let mut t = *a;
    t[24..32].copy_from_slice(&b[24..32]);
    reseal(&mut t);
    t
}

/// Two-key TDES (EDE2) encryption of `block` under `key`, with the `des` crate.
fn tdes2(key: &[u8; 16], block: &[u8; 8]) -> [u8; 8] {
    let c = des::TdesEde2::new_from_slice(key).unwrap();
    let mut b = Array::from(*block);
    c.encrypt_block(&mut b);
    b.into()
}

fn enc_zero(id: &[u8; 64]) -> ((i32, i32), [u8; 8], [u8; 8]) {
    let (mut v1, mut v2) = ([0x11; 8], [0x22; 8]);
    let codes = kyt(&["GENERATE", "KEY-ENCD", "ENC-ZERO"], id, &mut v1, &mut v2);
    (codes, v1, v2)
}

/// Every slot that unwraps a key (templates, whose key is never unwrapped, left out), with the
/// tokens: `(slot, victim, known)`, both of the slot's control vector.
fn slots_with_keys(base: &common::pcu_call::Call) -> Vec<(Slot<'_>, [u8; 64], [u8; 64])> {
    let pcu_tokens = [base.auth, base.enc, base.new_key, base.cur_key];
    let mut v = Vec::new();
    for (i, slot) in pcu_slots(base).into_iter().enumerate() {
        let known = import_known(slot.kind);
        v.push((slot, pcu_tokens[i % 4], known));
    }
    for slot in other_slots() {
        if slot.template {
            continue;
        }
        let kind = slot.kind;
        v.push((slot, import(kind), import_known(kind)));
    }
    v
}

/// The attack of D25 against every key-taking verb: `(A_victim, B_known)` and
/// `(A_known, B_victim)` are refused with 8/12 as a token and as a label, and nothing is
/// written; the real tokens work through the same harness.
#[test]
fn splice_with_a_known_key_is_refused_by_every_verb() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let base = common::pcu_call::call_for(
        &cases("pcu.txt")
            .into_iter()
            .find(|c| c.has("cur_block") && c.text("method_ascii") == "VISAPCU2")
            .unwrap(),
    );
    let mut label_no = 0;
    let mut refused = 0;
    let mut verbs = std::collections::BTreeSet::new();
    for (slot, victim, known) in slots_with_keys(&base) {
        verbs.insert(slot.verb);
        assert_eq!((slot.run)(&victim).0, slot.ok, "{} victim", slot.verb);
        // (The known key is a different key: CSNBPCU with it fails on the PIN blocks, so it is
        // checked with Key Test only.)
        assert_eq!(enc_zero(&known).0, (0, 0), "{} known", slot.verb);
        for (name, t) in [
            ("(A_victim, B_known)", splice(&victim, &known)),
            ("(A_known, B_victim)", splice(&known, &victim)),
        ] {
            let what = format!("{} {:?} {name}", slot.verb, slot.kind);
            let (codes, unchanged) = (slot.run)(&t);
            assert_eq!(codes, REFUSED, "{what} (token)");
            assert!(unchanged, "{what} (token): output written on error");
            label_no += 1;
            let label_name = format!("TAC.K{label_no}");
            store(&label_name, &t);
            let (codes, unchanged) = (slot.run)(&label(&label_name));
            assert_eq!(codes, REFUSED, "{what} (label)");
            assert!(unchanged, "{what} (label): output written on error");
            assert_eq!(krr(&label(&label_name)), t, "{what}: record changed");
            refused += 2;
        }
    }
    for verb in [
        "CSNBPCU",
        "CSNEPCU",
        "CSNBDKG generating",
        "CSNBMGN",
        "CSNBMVR",
        "CSNBCPE",
        "CSNBKYT",
        "CSNBKTC",
    ] {
        assert!(verbs.contains(verb), "{verb} not attacked");
    }
    assert!(refused >= 80, "only {refused} attack calls");
}

/// Key Part Import cannot launder a splice into an authenticated token: ADD-PART, LAST and
/// COMPLETE on `(A_victim, B_known)` of two key-part tokens (after FIRST) are refused.
#[test]
fn key_part_import_refuses_a_spliced_part() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let mut label_no = 500;
    for kind in KINDS {
        let victim = first_part(kind, &kind.clear());
        let known = first_part(kind, &known_clear(kind));
        let t = splice(&victim, &known);
        for (step, p) in [
            ("ADD-PART", [0x03; 16]),
            ("LAST", [0x03; 16]),
            ("COMPLETE", [0; 16]),
        ] {
            let what = format!("CSNBKPI {step} {kind:?}");
            let mut id = t;
            assert_eq!(kpi(step, &p, &mut id), REFUSED, "{what} (token)");
            assert_eq!(id, t, "{what}: token changed");
            label_no += 1;
            let name = format!("TAC.P{label_no}");
            store(&name, &t);
            let mut l = label(&name);
            assert_eq!(kpi(step, &p, &mut l), REFUSED, "{what} (label)");
            assert_eq!(krr(&label(&name)), t, "{what}: record changed");
        }
        // The harness works: the real part completes.
        let mut real = victim;
        assert_eq!(kpi("COMPLETE", &[0; 16], &mut real), (0, 0), "{kind:?}");
    }
}

/// What the attack gave before the TAC: Key Test ENC-ZERO of `(A_victim, B_known)` answered
/// the first 4 bytes of TDES-EDE2 under `K_victim_L ‖ K_known_R` (computed here with the `des`
/// crate from the imported clear keys), so with `K_known_R` known, `K_victim_L` fell to a
/// 2^56 search. With the TAC the call is refused and writes nothing.
#[test]
fn key_test_of_a_splice_does_not_answer_for_the_mixed_key() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    for kind in KINDS {
        let (victim, known) = (import(kind), import_known(kind));
        let (vc, kc) = (kind.clear(), known_clear(kind));
        // The harness's expected values are right for the real tokens.
        let (codes, _, v2) = enc_zero(&known);
        assert_eq!(codes, (0, 0));
        assert_eq!(v2[..4], tdes2(&kc, &[0; 8])[..4], "{kind:?} known");
        for (t, mixed, name) in [
            (
                splice(&victim, &known),
                [&vc[..8], &kc[8..]].concat(),
                "left",
            ),
            (
                splice(&known, &victim),
                [&kc[..8], &vc[8..]].concat(),
                "right",
            ),
        ] {
            let leak = tdes2(&arr(&mixed), &[0; 8]);
            let (codes, v1, v2) = enc_zero(&t);
            assert_ne!(
                v2[..4],
                leak[..4],
                "{kind:?}: Key Test answered for the victim's {name} half ({codes:?})"
            );
            assert_eq!(codes, REFUSED, "{kind:?} {name}");
            assert_eq!(
                (v1, v2),
                ([0x11; 8], [0x22; 8]),
                "{kind:?}: written on error"
            );
        }
    }
}

/// A control vector swapped or retyped, a reserved byte or the MKVP changed, with the TVV
/// resealed: refused by the verbs that would take the new type.
#[test]
fn retyped_and_altered_tokens_are_refused() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let ipinenc = import(Kind::IpinEnc);
    let opinenc = import(Kind::OpinEnc);
    let data = import(Kind::Data);
    let mac = import(Kind::Mac);
    // IPINENC re-typed as OPINENC (the CPINENC key CSNBCPE wants): its CV copied in.
    let mut t = ipinenc;
    t[32..48].copy_from_slice(&opinenc[32..48]);
    reseal(&mut t);
    let mut out = [0xEE; 8];
    assert_eq!(cpe(&opinenc, &mut out), (0, 0), "harness");
    let mut out = [0xEE; 8];
    assert_eq!(cpe(&t, &mut out), REFUSED, "IPINENC as OPINENC");
    assert_eq!(out, [0xEE; 8]);
    // DATA re-typed as MAC.
    let mut t = data;
    t[32..48].copy_from_slice(&mac[32..48]);
    reseal(&mut t);
    let mut m = [0xEE; 9];
    assert_eq!(mac_call(false, &t, b"text of sixteen.", &mut m), REFUSED);
    assert_eq!(m, [0xEE; 9]);
    // A byte no check but the TAC reads (reserved byte 57), and the TAC itself.
    for byte in [57usize, 48, 55] {
        let mut t = mac;
        t[byte] ^= 0x01;
        reseal(&mut t);
        let mut m = [0xEE; 9];
        assert_eq!(
            mac_call(false, &t, b"text of sixteen.", &mut m),
            REFUSED,
            "byte {byte}"
        );
        assert_eq!(enc_zero(&t).0, REFUSED, "byte {byte} CSNBKYT");
    }
}

/// Key Token Build `KEY` assembles a token from caller-supplied wrapped parts without a TAC:
/// even with the wrapped parts and MKVP of a real token, and so for a splice, every verb
/// refuses it (Key Token Change and Key Part Import too: no laundering).
#[test]
fn key_token_build_key_tokens_are_refused() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let mkvp: [u8; 8] = arr(&hex(S9_MKVP));
    let victim = import(Kind::IpinEnc);
    let known = import_known(Kind::IpinEnc);
    for (name, parts) in [
        ("real parts", arr::<16>(&victim[16..32])),
        (
            "spliced parts",
            arr::<16>(&[&victim[16..24], &known[24..32]].concat()),
        ),
    ] {
        let cv: [u8; 16] = arr(&victim[32..48]);
        let (codes, t) = ktb("USE-CV", &["CV", "KEY"], &parts, &cv, &mkvp);
        assert_eq!(codes, (0, 0), "{name}: KTB");
        assert_eq!(t[..48], [&victim[..16], &parts[..], &cv[..]].concat()[..]);
        assert_eq!(t[48..56], [0; 8], "{name}: KTB made a TAC");
        assert_eq!(enc_zero(&t).0, REFUSED, "{name}: CSNBKYT");
        let mut out = [0xEE; 8];
        assert_eq!(cpe(&t, &mut out), REFUSED, "{name}: CSNBCPE");
        let mut id = t;
        assert_eq!(ktc(&mut id), REFUSED, "{name}: CSNBKTC");
        assert_eq!(id, t);
        store(&format!("TAC.KTB{}", name.len()), &t);
        let mut l = label(&format!("TAC.KTB{}", name.len()));
        assert_eq!(ktc(&mut l), REFUSED, "{name}: CSNBKTC label");
        assert_eq!(krr(&label(&format!("TAC.KTB{}", name.len()))), t);
    }
    // A key-part token built by KTB KEY cannot take a part either.
    let part = first_part(Kind::IpinEnc, &Kind::IpinEnc.clear());
    let cv: [u8; 16] = arr(&part[32..48]);
    let (codes, t) = ktb(
        "USE-CV",
        &["CV", "KEY"],
        &arr(&part[16..32]),
        &cv,
        &part[8..16].try_into().unwrap(),
    );
    assert_eq!(codes, (0, 0));
    let mut id = t;
    assert_eq!(kpi("COMPLETE", &[0; 16], &mut id), REFUSED);
    assert_eq!(id, t);
}

/// Master-key change: tokens under the old master key still verify (0/10001) and are
/// re-enciphered by CSNBKTC into tokens whose TAC verifies under the new one; a spliced
/// old-master-key token is not laundered by CSNBKTC; a TAC copied from another token, or kept
/// while the MKVP is changed, is refused.
#[test]
fn master_key_change_keeps_tokens_authenticated() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let kind = Kind::Mac;
    let victim = import(kind);
    let known = import_known(kind);
    let spliced_old = splice(&victim, &known);
    let (codes, _, before) = enc_zero(&victim);
    assert_eq!(codes, (0, 0));
    assert_eq!(before[..4], tdes2(&kind.clear(), &[0; 8])[..4]);
    load_master_key(MK2);
    // Under the old master key: usable, with the warning.
    let (codes, _, v2) = enc_zero(&victim);
    assert_eq!((codes, v2), ((0, 10001), before));
    // Re-enciphered: a new MKVP and TAC, the same key.
    let mut t = victim;
    assert_eq!(ktc(&mut t), (0, 0));
    assert_ne!(t[8..16], victim[8..16]);
    assert_ne!(t[48..56], victim[48..56]);
    let (codes, _, v2) = enc_zero(&t);
    assert_eq!((codes, v2), ((0, 0), before));
    // CSNBKTC refuses the old-master-key splice and leaves it as it was.
    let mut s = spliced_old;
    assert_eq!(ktc(&mut s), REFUSED);
    assert_eq!(s, spliced_old);
    // A TAC copied from another token of the same CV and master key.
    let mut other = known;
    assert_eq!(ktc(&mut other), (0, 0));
    assert_eq!(enc_zero(&other).0, (0, 0));
    let mut copied = splice(&t, &other);
    copied[48..56].copy_from_slice(&other[48..56]);
    reseal(&mut copied);
    assert_eq!(enc_zero(&copied).0, REFUSED, "splice with a copied TAC");
    let mut copied = t;
    copied[48..56].copy_from_slice(&other[48..56]);
    reseal(&mut copied);
    assert_eq!(enc_zero(&copied).0, REFUSED, "TAC of another token");
    // The old token's TAC kept under the new MKVP (and the other way round).
    let mut moved = victim;
    moved[8..16].copy_from_slice(&t[8..16]);
    reseal(&mut moved);
    assert_eq!(enc_zero(&moved).0, REFUSED, "old token, new MKVP");
    let mut moved = t;
    moved[48..56].copy_from_slice(&victim[48..56]);
    reseal(&mut moved);
    assert_eq!(enc_zero(&moved).0, REFUSED, "new token, old TAC");
}

/// Every verb that wraps a key writes a TAC that verifies: Key Generate's and Diversified Key
/// Generate's outputs (Key Part Import's and Key Token Change's are used above) test with
/// CSNBKYT, and with any bit of the TAC changed (TVV resealed) they are refused.
#[test]
fn every_wrapping_verb_writes_a_valid_tac() {
    let _g = setup("token-auth");
    load_master_key(TEST_MK);
    let mut generated = skeleton("MAC", &["DOUBLE"]);
    assert_eq!(kgn(&mut generated), (0, 0), "CSNBKGN");
    let mut derived = skeleton("MAC", &["DOUBLE"]);
    assert_eq!(
        dkg("TDES-ENC", &import(Kind::DMac), &mut derived),
        (0, 0),
        "CSNBDKG"
    );
    for (verb, t) in [("CSNBKGN", generated), ("CSNBDKG", derived)] {
        assert_ne!(t[48..56], [0; 8], "{verb}: no TAC");
        assert_eq!(enc_zero(&t).0, (0, 0), "{verb}");
        for bit in 0..64 {
            let mut bad = t;
            bad[48 + bit / 8] ^= 1 << (bit % 8);
            reseal(&mut bad);
            assert_eq!(enc_zero(&bad).0, REFUSED, "{verb}: TAC bit {bit}");
        }
    }
}
