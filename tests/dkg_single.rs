//! A card key split into single-DES halves through Diversified Key Generate (decisions D26).
//!
//! CSNBDKG TDES-ENC with 8 bytes of data under an issuer master key (DKYGENKY DKYL0 DMAC) makes
//! a single-length MAC key equal to E_MDK(D). With D = the card's PAN‖PSN block Y, and then
//! with ~Y, those are exactly the two halves of the card-unique key (EMV option A, the key
//! CSNBPCU and CSNBDKG TDES-XOR derive), and CSNBMGN X9.9-1 under each hands out single-DES
//! known-plaintext pairs: each half of any card's key falls to one 2^56 search. IBM's CCA
//! allows this; softcca refuses it unless its own point X'F001' is on (off by default).
//!
//! The attack is run twice in one state directory: with the defaults it is refused at the
//! first CSNBDKG call (8/90, nothing written); with X'F001' on, the same calls give MACs that
//! are single DES under the card-key halves. The expected halves come from the `des` crate
//! (TDES-EDE2 of Y and ~Y under the clear issuer key), not from softcca.
mod common;
use common::key_slots::{Kind, des_encrypt, dkg_with, import, mac_with};
use common::verbs::{TEST_MK, setup};
use common::*;

use des::TdesEde2;
use des::cipher::{Array, BlockCipherEncrypt, KeyInit};

fn dkg8(generating: &[u8; 64], data: [u8; 8]) -> ((i32, i32), [u8; 64]) {
    let mut out = [0u8; 64];
    let codes = dkg_with("TDES-ENC", generating, &data, &mut out);
    (codes, out)
}

fn mgn_x99(id: &[u8; 64], text: &[u8; 8]) -> ((i32, i32), [u8; 8]) {
    let mut mac = [0u8; 9];
    let codes = mac_with(false, &["X9.9-1", "MACLEN8"], id, text, &mut mac);
    (codes, arr(&mac[..8]))
}

/// TDES-EDE2 of one block under a 16-byte key, by the `des` crate.
fn tdes2(key: &[u8], block: &[u8; 8]) -> [u8; 8] {
    let c = TdesEde2::new_from_slice(key).unwrap();
    let mut b = Array::from(*block);
    c.encrypt_block(&mut b);
    b.into()
}

#[test]
fn card_key_halves_are_not_exposed_as_single_des_keys() {
    let _g = setup("dkg-single");
    load_mk(&hex(TEST_MK));
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    // The issuer's DMAC master key (imported here so that the test knows its value).
    let mdk = import(Kind::DMac);
    let mdk_clear = Kind::DMac.clear();
    let y: [u8; 8] = arr(&hex("5413330089020011"));
    let not_y: [u8; 8] = y.map(|b| !b);
    let m: [u8; 8] = *b"KNOWNPT!";

    // Defaults: refused at the first call, nothing written.
    for d in [y, not_y] {
        let (codes, out) = dkg8(&mdk, d);
        assert_eq!(codes, (8, 90), "single-length TDES-ENC with the defaults");
        assert_eq!(out, [0u8; 64], "nothing written on failure");
    }

    // With X'F001' on, the same calls hand out each card-key half as a single-DES MAC key:
    // this is what the default stops.
    set_acp(&home, 0xF001, true);
    for d in [y, not_y] {
        let (codes, single) = dkg8(&mdk, d);
        assert_eq!(codes, (0, 0), "DKG TDES-ENC 8 bytes with X'F001'");
        let (codes, mac) = mgn_x99(&single, &m);
        assert_eq!(codes, (0, 0), "MGN X9.9-1");
        let half = tdes2(&mdk_clear, &d);
        assert_eq!(
            mac,
            des_encrypt(&half, &m),
            "the MAC is single DES under the card-key half"
        );
    }
    set_acp(&home, 0xF001, false);
    assert_eq!(dkg8(&mdk, y).0, (8, 90), "off again");
}
