//! Card keys and session keys against tests/data/derive.txt (pyemv 1.5.0 and `cryptography`,
//! see tests/vectors/README.md) and the jPOS known-answer intermediates (pcu_jpos.txt).

mod common;
use common::*;

use softcca::crypto::{ClearKey, Tdes};
use softcca::derive::{self, Parity};

fn sk_matches(sk: &ClearKey, expected: &[u8]) -> bool {
    // pyemv returns session keys parity-adjusted; parity bits do not change a DES key.
    sk.as_bytes()
        .iter()
        .zip(expected)
        .all(|(a, b)| (a ^ b) & 0xFE == 0)
}

#[test]
fn derive_vectors() {
    let mut seen = [0usize; 4];
    for c in cases("derive.txt") {
        let mdk = Tdes::new(&ClearKey::from_slice(&c.hex("mdk")).unwrap());
        let d = c.hex("d");
        let ik = derive::card_key(&mdk, &d, Parity::Adjusted);
        assert_eq!(to_hex(ik.as_bytes()), c.text("ik"), "{} ik", c.id());
        if let Some(raw) = c.opt("ik_raw") {
            assert_eq!(
                to_hex(derive::card_key(&mdk, &d, Parity::Raw).as_bytes()),
                raw,
                "{} raw",
                c.id()
            );
        }
        let iv: [u8; 16] = if c.has("iv") {
            arr(&c.hex("iv"))
        } else {
            [0; 16]
        };
        let (sk, slot) = match c.text("kind_ascii") {
            "icc_mk" => {
                seen[0] += 1;
                continue;
            }
            "sk_xor" => (derive::session_key_xor(&ik, arr(&c.hex("atc"))), 1),
            "sk_emv2" => (
                derive::session_key_tree(&ik, arr(&c.hex("atc")), 2, 16, &iv),
                2,
            ),
            "sk_emv4" => (
                derive::session_key_tree(&ik, arr(&c.hex("atc")), 4, 8, &iv),
                3,
            ),
            k => panic!("unknown kind {k}"),
        };
        seen[slot] += 1;
        assert!(
            sk_matches(&sk, &c.hex("sk")),
            "{}: sk {} != {}",
            c.id(),
            to_hex(sk.as_bytes()),
            c.text("sk")
        );
    }
    assert!(seen.iter().all(|&n| n >= 5), "coverage {seen:?}");
}
