//! CSUAACI INIT-AC with a profile count of 0: a change of roles only (what the console's
//! `acp set` and `role add` send, docs/CSUAACI.md). Needs roles in `verb_data_2`, X'0112'
//! under a logon, never opens the bootstrap, and refuses (8/X'F32A', nothing written) an edit
//! that leaves no profile able to INIT-AC: a role stripped of X'0112', or raised to a
//! strength no profile naming it can log on with. Every call is audited.

mod common;
use common::profiles::*;
use common::*;

use std::path::PathBuf;

const OK: (i32, i32) = (0, 0);

/// A profile aggregate of no profile: count 0, reserved.
const NO_PROFILE: [u8; 8] = [0; 8];

fn person(user: &str, role: &str, pass: &str) -> Vec<u8> {
    profile(
        user,
        role,
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech(pass)]),
    )
}

/// A role any time, every day, with `points` of X'0000'..X'03FF' or X'F000'..X'F01F'.
fn role(id: &str, strength: u16, points: &[u16]) -> Vec<u8> {
    let first = if points.iter().all(|p| *p >= 0xF000) {
        0xF000
    } else {
        0x0000
    };
    let groups = if first == 0 { 32 } else { 1 };
    role_structure(
        id,
        strength,
        ((0, 0), (23, 59)),
        0xFE,
        first,
        groups,
        points,
    )
}

/// The points of the shipped SECOFF role.
const SECOFF_POINTS: &[u16] = &[0x0112, 0x0113, 0x0114, 0x0115, 0x0116, 0x0117, 0x0118];

fn acp(h: &std::path::Path) -> String {
    std::fs::read_to_string(h.join("acp.conf")).unwrap()
}

fn db(h: &std::path::Path) -> Vec<u8> {
    std::fs::read(h.join("access.db")).unwrap()
}

fn last_record(h: &std::path::Path) -> String {
    let log = std::fs::read_to_string(h.join("audit.log")).unwrap();
    log.lines().last().unwrap().to_string()
}

#[test]
fn init_ac_with_no_profile_changes_roles_only_and_never_locks_out() {
    let h: PathBuf = fresh_state("roles-edit");
    // SAFETY (test): the only test of this binary, before any verb call.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &h);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
    }
    assert_eq!(aacm("Q-NUM-RP", "", 64).0, OK, "initialise the directory");
    let shipped = acp(&h);
    let auditor = role("AUDITOR", 1, &[0x0116]);

    // Bootstrap: roles alone do not close it (a profile with X'0112' must be loaded).
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &auditor), (8, 0xF324));
    assert_eq!(acp(&h), shipped, "roles written in the bootstrap");
    // No profile and no role: nothing to do.
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &[]), (8, 0xF31F));
    let agg = aggregate(&[
        person("SECOFF1", "SECOFF", "officer one"),
        person("CUST1", "KEYCUST", "custodian one"),
    ]);
    assert_eq!(aaci(&["INIT-AC"], &agg, &[]), OK, "bootstrap");

    // After it: X'0112' (DEFAULT has not).
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &auditor), (8, 90));
    assert_eq!(acp(&h), shipped);

    assert_eq!(logon("SECOFF1", "officer one"), OK);
    assert_eq!(
        aaci(&["INIT-AC"], &NO_PROFILE, &[]),
        (8, 0xF31F),
        "nothing to load"
    );
    let profiles = db(&h);
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &auditor), OK, "role add");
    assert!(acp(&h).contains("[AUDITOR]"), "{}", acp(&h));
    assert_eq!(
        db(&h),
        profiles,
        "access.db changed by a roles-only INIT-AC"
    );
    let rec = last_record(&h);
    assert!(
        rec.contains("op=CSUAACI")
            && rec.contains("d.roles=AUDITOR")
            && rec.contains("d.by=SECOFF1")
            && rec.contains("rc=0 ")
            && !rec.contains("d.user="),
        "{rec}"
    );
    // A role's points replaced (acp set): KEYCUST loses the record points.
    let keycust = {
        let conf = softcca::access::conf::Conf::parse(&acp(&h)).unwrap();
        let r = conf
            .roles
            .iter()
            .find(|r| r.name() == "KEYCUST")
            .unwrap()
            .clone();
        r.points
            .iter()
            .copied()
            .filter(|p| *p != 0xF012)
            .collect::<Vec<_>>()
    };
    // One segment, X'0000'..X'03FF': the softcca points (X'F010'..X'F014') are left out.
    let low: Vec<u16> = keycust.iter().copied().filter(|p| *p < 0xF000).collect();
    let edited = role("KEYCUST", 1, &low);
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &edited), OK, "acp set");
    let conf = softcca::access::conf::Conf::parse(&acp(&h)).unwrap();
    let k = conf.roles.iter().find(|r| r.name() == "KEYCUST").unwrap();
    assert!(!k.points.contains(&0xF012) && k.points.contains(&0x0018));

    // SECOFF stripped of X'0112': no profile left able to INIT-AC.
    let before = (acp(&h), db(&h));
    let stripped: Vec<u16> = SECOFF_POINTS
        .iter()
        .copied()
        .filter(|p| *p != 0x0112)
        .collect();
    assert_eq!(
        aaci(&["INIT-AC"], &NO_PROFILE, &role("SECOFF", 1, &stripped)),
        (8, 0xF32A),
        "X'0112' dropped from the only role that holds it"
    );
    assert_eq!((acp(&h), db(&h)), before, "a refused edit wrote");
    // SECOFF raised to a strength no officer's mechanism has (SECOFF1 logs on with 1).
    assert_eq!(
        aaci(&["INIT-AC"], &NO_PROFILE, &role("SECOFF", 2, SECOFF_POINTS)),
        (8, 0xF32A),
        "SECOFF made stronger than every officer's logon"
    );
    assert_eq!((acp(&h), db(&h)), before, "a refused edit wrote");
    assert!(last_record(&h).contains("rs=F32A"), "{}", last_record(&h));
    // The same strength with a profile that reaches it is fine: here none, so a second
    // officer with a strength-2 mechanism comes first.
    let strong = profile(
        "SECOFF2",
        "SECOFF",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[mech(0x0001, 2, date(2099, 12, 31), &sha1("officer two"))]),
    );
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[strong]), &[]), OK);
    assert_eq!(
        aaci(&["INIT-AC"], &NO_PROFILE, &role("SECOFF", 2, SECOFF_POINTS)),
        OK,
        "SECOFF2 can still log on to SECOFF"
    );
    assert_eq!(logon("SECOFF2", "officer two"), OK);
    // X'0112' moved to KEYCUST (CUST1 can still INIT-AC): allowed, SECOFF loses it.
    let mut with_init = low.clone();
    with_init.push(0x0112);
    assert_eq!(
        aaci(
            &["INIT-AC"],
            &NO_PROFILE,
            &[role("KEYCUST", 1, &with_init), role("SECOFF", 2, &stripped)].concat()
        ),
        OK
    );
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &auditor), (8, 90));
    assert_eq!(logon("CUST1", "custodian one"), OK);
    assert_eq!(aaci(&["INIT-AC"], &NO_PROFILE, &auditor), OK);
}
