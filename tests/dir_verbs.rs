//! A representative set of verbs answers exactly the same before binding and on the bound,
//! active directory (tokens and labels made before binding, and keys made after), through the
//! C entry points in one process; CSUACFQ STATPROT reports the protection; CSUADAC stops them
//! with 12/X'F270' and activation brings the same answers back.

mod common;
use common::child::{run_command, test_secret};
use common::key_slots::{Kind, import, mac_call};
use common::verbs::{TEST_MK, load_master_key, setup, store};
use common::*;

use softcca::custody::{SecretKind, directory};
use softcca::state::Coprocessor;

const NOT_ACTIVE: (i32, i32) = (12, 0xF270);

fn cfq(word: &str) -> (i32, i32, Vec<String>) {
    let (mut n, mut vdl) = (1, 0);
    let (rc, rs, e) = cfq_raw(&mut n, &[word], &mut vdl);
    let n = if rc == 0 { n as usize } else { 0 };
    (
        rc,
        rs,
        e[..n].iter().map(|x| x.trim_end().to_string()).collect(),
    )
}

fn no_rule_verb(
    f: unsafe extern "C" fn(*mut i32, *mut i32, *mut i32, *mut u8, *mut i32, *mut u8),
    count: i32,
) -> (i32, i32) {
    let (mut rc, mut rs, mut n) = (-1, -1, count);
    let mut ra = kw8("ADAPTER1");
    unsafe {
        f(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// The answers of the representative calls: CSNBPCU by label, CSNBMGN by token and by label
/// of a key made before binding, CSNBMVR, CSUACFQ STATMKVP.
fn answers(mac_token: &[u8; 64]) -> Vec<String> {
    let mut out = Vec::new();
    out.push(format!("pcu {:?}", run_command("pcu MDK.A")));
    let mut mac = [0u8; 9];
    out.push(format!(
        "mgn {:?} {}",
        mac_call(false, mac_token, b"0123456789ABCDEF", &mut mac),
        to_hex(&mac)
    ));
    let mut by_label = [0u8; 9];
    out.push(format!(
        "mgn-label {:?} {}",
        mac_call(false, &label("MAC.KEY"), b"0123456789ABCDEF", &mut by_label),
        to_hex(&by_label)
    ));
    out.push(format!(
        "mvr {:?}",
        mac_call(true, mac_token, b"0123456789ABCDEF", &mut mac)
    ));
    out.push(format!("cfq {:?}", cfq("STATMKVP")));
    out
}

#[test]
fn verbs_answer_the_same_on_a_bound_active_directory() {
    let _g = setup("dirverbs");
    load_master_key(TEST_MK);
    assert_eq!(run_command("store-pcu-mdk MDK.A"), (0, 0));
    let mac_token = import(Kind::Mac);
    store("MAC.KEY", &mac_token);
    let before = answers(&mac_token);
    assert!(before.iter().all(|a| !a.contains("-1")), "{before:?}");
    assert_eq!(
        cfq("STATPROT"),
        (
            0,
            0,
            ["UNBOUND", "CLEAR", "NONE", "", "NONE", "NONE", "NONE", ""]
                .map(String::from)
                .to_vec()
        )
    );

    let cp = Coprocessor::global().unwrap();
    directory::bind(cp, &test_secret("S"), SecretKind::ServerMasterKey).unwrap();
    assert_eq!(answers(&mac_token), before);
    // Check value of 32 × 'S' from Python's hmac (D29), independently of this code.
    let bound_active = [
        "BOUND", "ACTIVE", "9F552F2F", "DAB9BA87", "NONE", "NONE", "NONE", "",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(cfq("STATPROT"), (0, 0, bound_active.clone()));
    // A key made after binding works too.
    let later = import(Kind::Mac);
    let mut mac = [0u8; 9];
    assert_eq!(
        mac_call(false, &later, b"0123456789ABCDEF", &mut mac),
        (0, 0)
    );

    // CSUADAC: 12/X'F270' for every verb that needs the master key; STATPROT still answers.
    assert_eq!(no_rule_verb(softcca::ffi::protection::CSUADAC, 1), (8, 35));
    assert_eq!(
        no_rule_verb(softcca::ffi::protection::CSUADAU, 0),
        (8, 0xF284)
    );
    assert_eq!(no_rule_verb(softcca::ffi::protection::CSUADAC, 0), (0, 0));
    assert_eq!(run_command("pcu MDK.A"), NOT_ACTIVE);
    assert_eq!(
        mac_call(false, &mac_token, b"0123456789ABCDEF", &mut mac),
        NOT_ACTIVE
    );
    assert_eq!((cfq("STATMKVP").0, cfq("STATMKVP").1), NOT_ACTIVE);
    let mut inactive = bound_active.clone();
    inactive[1] = "INACTIVE".into();
    assert_eq!(cfq("STATPROT"), (0, 0, inactive));
    // Deactivating an inactive directory is not an error.
    assert_eq!(no_rule_verb(softcca::ffi::protection::CSUADAC, 0), (0, 0));

    directory::activate(cp, &test_secret("S")).unwrap();
    assert_eq!(answers(&mac_token), before);
    assert_eq!(cfq("STATPROT"), (0, 0, bound_active));
    directory::deactivate(cp).unwrap();
}
