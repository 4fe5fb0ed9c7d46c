//! Roles (docs/access-control.md), through the C entry points: a new directory's DEFAULT role
//! runs CSNBPCU but every dangerous call of issue 10 is refused (8/90) and changes no file;
//! the legacy form behaves as before (and there the PIN-decryption attack works); a logon's
//! role missing, too weak or outside its hours is refused; a damaged roles file fails closed;
//! CSUAACM lists, reads and deletes roles; concurrent edits of acp.conf are never read torn.
//!
//! One state directory per process (the coprocessor is opened once), initialised by the
//! library itself: its acp.conf is the shipped roles. The tests swap in the legacy form to load
//! keys, and put the shipped text back. The profiles are enrolled once by the bootstrap
//! INIT-AC (SECOFF1 of SECOFF closes it) and the tests log on with CSUALCT LOGON PPHRASE.
//!
//! A logged-on thread's role is checked at every call by the role selection, after the
//! profile's revalidation (docs/decisions.md D73): a role deleted from acp.conf is refused
//! with 8/X'F300', a role made stronger than the logon with 8/X'F301', outside its hours with
//! 8/X'F302', a damaged file with 12/197, each at every call and without ending the logon
//! (the role put back, the logon works again); revalidation ends a logon only for a change of
//! its profile (8/X'F31C', tests/logon.rs).

mod common;
use common::key_slots::{Kind, cpe, dkg_with, kpi, ktc};
use common::pcu_call::call_for;
use common::profiles::{
    aaci, aacm, aggregate, auth, date, logoff, logon, mech, profile, sha1, simple_in,
};
use common::verbs::TEST_MK;
use common::*;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use des::cipher::{Array, BlockCipherDecrypt, KeyInit};
use softcca::access::context;
use softcca::cv::{ControlVector, templates};
use softcca::state::acp::AcpConfig;

static LOCK: Mutex<()> = Mutex::new(());
/// Serialises the readers' logons in [`concurrent_edits_are_never_read_torn`].
static ONE_LOGON: Mutex<()> = Mutex::new(());
static HOME: OnceLock<PathBuf> = OnceLock::new();
/// The acp.conf the library wrote when it initialised the directory.
static INITIAL: OnceLock<String> = OnceLock::new();

/// The directory (initialised by the first call, so with the shipped roles), serialised.
fn home() -> (MutexGuard<'static, ()>, &'static Path) {
    let g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let h = HOME.get_or_init(|| {
        let d = fresh_state("roles");
        // SAFETY (test): before any thread reads the environment through the library.
        unsafe {
            std::env::set_var("SOFTCCA_HOME", &d);
            std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
            // Revalidation comes due quickly, so the tests see that it does not end a
            // logon for its role's conditions.
            std::env::set_var("SOFTCCA_REVALIDATE_MS", "100");
        }
        assert!(!cfq(&["STATCCA"]).is_empty());
        INITIAL
            .set(std::fs::read_to_string(d.join("acp.conf")).unwrap())
            .unwrap();
        // The legacy form to load the master key and the production keys, then back.
        std::fs::write(d.join("acp.conf"), LEGACY_ACP).unwrap();
        load_mk(&hex(TEST_MK));
        std::fs::write(d.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
        enrol();
        d
    });
    context::clear();
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
    (g, h)
}

/// The passphrase of `user`.
fn pass(user: &str) -> String {
    format!("{user} passphrase")
}

/// A profile of `user` in `role` whose passphrase mechanism has `strength`.
fn with_strength(user: &str, role: &str, strength: u16) -> Vec<u8> {
    profile(
        user,
        role,
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[mech(1, strength, date(2099, 12, 31), &sha1(&pass(user)))]),
    )
}

/// The profiles of these tests, enrolled by the bootstrap INIT-AC (no point needed while
/// access.db is empty; SECOFF holds X'0112', so it closes): SECOFF1 (SECOFF), CUST1 (KEYCUST,
/// strength 1), WEAK (KEYCUST, strength 0), NOROLE1 (a role not in the file), NIGHT1
/// (NIGHT, written by the test that needs it), TORN1 (TORN, strength 5).
const PROFILES: usize = 6;

fn enrol() {
    let set = aggregate(&[
        simple_in("SECOFF1", &pass("SECOFF1"), "SECOFF"),
        simple_in("CUST1", &pass("CUST1"), "KEYCUST"),
        with_strength("WEAK", "KEYCUST", 0),
        simple_in("NOROLE1", &pass("NOROLE1"), "NOSUCH"),
        with_strength("NIGHT1", "NIGHT", 0),
        with_strength("TORN1", "TORN", 5),
    ]);
    assert_eq!(aaci(&["INIT-AC"], &set, &[]), (0, 0), "bootstrap");
}

/// Logs the calling thread on as `user` with CSUALCT LOGON PPHRASE.
fn log_on(user: &str) {
    assert_eq!(logon(user, &pass(user)), (0, 0), "logon {user}");
}

/// The shipped roles with `change` applied, as file text.
fn shipped_with(change: impl FnOnce(&mut softcca::access::conf::Conf)) -> String {
    let mut conf = softcca::access::conf::Conf::parse(&AcpConfig::shipped_text()).unwrap();
    change(&mut conf);
    conf.render()
}

fn logged_on() -> bool {
    let id = softcca::state::Coprocessor::global()
        .unwrap()
        .directory_id()
        .unwrap();
    context::current(&id).is_some()
}

/// The bytes of the files a refused call must leave alone (the audit log apart: CSNBMKP and
/// CSUAACM record refused calls too, see [`audit_log`]).
fn files(h: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["acp.conf", "ckds.db", "masterkey.db"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(h.join(f)).ok()))
        .collect()
}

/// The names of the files whose bytes differ between two [`files`] snapshots.
fn changed(a: &[(String, Option<Vec<u8>>)], b: &[(String, Option<Vec<u8>>)]) -> Vec<String> {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0.clone())
        .collect()
}

fn audit_log(h: &Path) -> Vec<u8> {
    std::fs::read(h.join("audit.log")).unwrap_or_default()
}

fn krd(words: &[&str], label_field: &[u8; 64]) -> (i32, i32) {
    let (mut rc, mut rs) = (-1, -1);
    let mut n = words.len() as i32;
    let mut ra = rules(words);
    let mut l = *label_field;
    unsafe {
        softcca::ffi::keyrec::CSNBKRD(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            ra.as_mut_ptr(),
            l.as_mut_ptr(),
        )
    };
    (rc, rs)
}

fn no_keyword(
    f: unsafe extern "C" fn(*mut i32, *mut i32, *mut i32, *mut u8, *mut i32, *mut u8),
) -> (i32, i32) {
    let (mut rc, mut rs, mut n) = (-1, -1, 0);
    unsafe {
        f(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            std::ptr::null_mut(),
        )
    };
    (rc, rs)
}

/// CSUCERA on a reader that does not exist: with the point checked first, no card (and no
/// PC/SC service) is needed to see the refusal.
fn erase_card() -> (i32, i32) {
    let (mut rc, mut rs, mut n) = (-1, -1, 0);
    let mut reader = [b' '; 128];
    reader[..9].copy_from_slice(b"NO READER");
    let (mut pl, mut pin) = (8, *b"12345678");
    unsafe {
        softcca::ffi::card::CSUCERA(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            std::ptr::null_mut(),
            reader.as_mut_ptr(),
            &mut pl,
            pin.as_mut_ptr(),
        )
    };
    (rc, rs)
}

/// An OPINENC key with the CPINENC bit (what CSNBCPE takes).
fn opin_key() -> [u8; 64] {
    common::verbs::token(
        TEST_MK,
        &Kind::OpinEnc.clear(),
        &ControlVector::from_template(templates::OPINENC, true),
    )
}

/// The VISAPCU1 known-answer case: keys, the victim's PIN block and pyemv's session key.
fn victim() -> Case {
    cases("pcu.txt")
        .into_iter()
        .find(|c| c.text("id") == "s9-set1-pcu1-ffff")
        .unwrap()
}

/// The attack of issue 10: import a DKYGENKY of a value the attacker chose from a clear part,
/// run CSNBPCU with it on the victim's PIN block (under the production IPINENC key), decrypt
/// the output with the session key derived from the known key. The PIN, or the refusal.
fn pin_decryption_attack() -> Result<String, (i32, i32)> {
    let c = victim();
    let mut call = call_for(&c); // production keys; we replace the encryption MDK
    let mut enc = Kind::DMPin.skeleton();
    let known: [u8; 16] = arr(&c.hex("enc_mdk"));
    let first = kpi("FIRST", &known, &mut enc);
    if first.0 != 0 {
        return Err(first);
    }
    let done = kpi("COMPLETE", &[0; 16], &mut enc);
    assert_eq!(done.0, 0, "COMPLETE {done:?}");
    call.enc = enc;
    let codes = call.run(false);
    if codes.0 != 0 {
        return Err(codes);
    }
    // The attacker's own computation: the session key from the known MDK (pyemv's `sk`).
    let sk = c.hex("sk");
    let key: [u8; 24] = arr(&[&sk[..], &sk[..8]].concat());
    let tdes = des::TdesEde3::new(&Array::from(key));
    let mut b: [u8; 8] = arr(&call.out[..8]);
    let mut block = Array::from(b);
    tdes.decrypt_block(&mut block);
    b.copy_from_slice(&block);
    let mut b2: [u8; 8] = arr(&call.out[8..16]);
    let mut block = Array::from(b2);
    tdes.decrypt_block(&mut block);
    b2.copy_from_slice(&block);
    // Length byte, then the VIS PIN block: 0 L P P P P ...
    let pb = to_hex(&[&b[1..], &b2[..1]].concat());
    let len = usize::from(pb.as_bytes()[1] - b'0');
    Ok(pb[2..2 + len].to_string())
}

#[test]
fn a_new_directory_ships_the_four_roles() {
    let (_g, _h) = home();
    assert_eq!(INITIAL.get().unwrap(), &AcpConfig::shipped_text());
    let ((rc, rs), out) = aacm("LSTROLES", "", 64);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(out, b"DEFAULT SECOFF  KEYCUST CUSTODY ");
    let ((rc, _), n) = aacm("Q-NUM-RP", "", 8);
    assert_eq!((rc, n), (0, vec![0, 0, 0, 4, 0, 0, 0, PROFILES as u8]));
}

#[test]
fn the_pin_decryption_attack_works_on_the_legacy_form_and_fails_on_the_shipped_default() {
    let (_g, h) = home();
    std::fs::write(h.join("acp.conf"), LEGACY_ACP).unwrap();
    assert_eq!(
        pin_decryption_attack(),
        Ok(victim().text("new_pin_ascii").to_string())
    );
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
    let before = files(h);
    assert_eq!(pin_decryption_attack(), Err((8, 90)));
    assert_eq!(changed(&before, &files(h)), Vec::<String>::new());
}

#[test]
fn the_default_role_runs_pcu_but_no_dangerous_call_and_changes_nothing() {
    let (_g, h) = home();
    // Production keys and a record, made under the legacy form.
    std::fs::write(h.join("acp.conf"), LEGACY_ACP).unwrap();
    let c = victim();
    let prod = common::pcu_call::call_for(&c);
    let lbl = label("PROD.PIN.KEY");
    let r = krc(&lbl);
    assert!(r == (0, 0) || r == (8, 44));
    assert_eq!(krw(&prod.new_key, &lbl), (0, 0));
    let dall = common::verbs::token(
        TEST_MK,
        &Kind::DMac.clear(),
        &ControlVector::dkygenky(0, softcca::cv::DkyUsage::DAll),
    );
    let mut mac_skeleton = *softcca::token::InternalToken::skeleton(&ControlVector::from_template(
        templates::MAC,
        true,
    ))
    .as_bytes();
    let opin = opin_key();
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();

    // DEFAULT: CSNBPCU works, and so does reading the record.
    let mut call = prod.clone();
    assert_eq!(call.run(false), (0, 0));
    assert_eq!(call.output(), c.text("out"));
    assert_eq!(krr_codes(&lbl).0, (0, 0));

    let before = files(h);
    let refused: Vec<(&str, (i32, i32))> = vec![
        (
            "CSNBKPI FIRST",
            kpi("FIRST", &Kind::DMPin.clear(), &mut Kind::DMPin.skeleton()),
        ),
        ("CSNBKRW", krw(&[0; 64], &lbl)),
        ("CSNBKRC", krc(&label("NEW.RECORD"))),
        ("CSNBKRD TOKEN-DL", krd(&["TOKEN-DL"], &lbl)),
        ("CSNBKRD LABEL-DL", krd(&["LABEL-DL"], &lbl)),
        ("CSNBMKP RANDOM", mkp(&["RANDOM"], &[0; 24])),
        ("CSNBMKP SET", mkp(&["SET"], &[0; 24])),
        ("CSNBMKP FIRST", mkp(&["FIRST"], &[0x01; 24])),
        ("CSNBMKP CLEAR", mkp(&["CLEAR"], &[0; 24])),
        ("CSNBKTC RTCMK", ktc(&mut prod.new_key.clone())),
        ("CSNBCPE", cpe(&opin, &mut [0; 8])),
        (
            "CSNBDKG DKYGENKY DALL",
            dkg_with("TDES-XOR", &dall, &c.hex("kgd"), &mut mac_skeleton.clone()),
        ),
        ("CSUADAC", no_keyword(softcca::ffi::protection::CSUADAC)),
        ("CSUADAU", no_keyword(softcca::ffi::protection::CSUADAU)),
        ("CSUCERA", erase_card()),
        ("CSUAACM DEL-ROLE", aacm("DEL-ROLE", "KEYCUST", 0).0),
    ];
    for (what, codes) in &refused {
        assert_eq!(*codes, (8, 90), "{what}");
    }
    assert_eq!(changed(&before, &files(h)), Vec::<String>::new());
    // The card and custody verbs are refused before the audit probe: no record either.
    let log = audit_log(h);
    assert_eq!(erase_card(), (8, 90));
    assert_eq!(no_keyword(softcca::ffi::protection::CSUADAC), (8, 90));
    assert_eq!(no_keyword(softcca::ffi::protection::CSUADAU), (8, 90));
    assert_eq!(
        audit_log(h),
        log,
        "a refused card or custody call wrote an audit record"
    );
    // The same calls on the legacy form are not refused for access control.
    std::fs::write(h.join("acp.conf"), LEGACY_ACP).unwrap();
    assert_eq!(
        kpi("FIRST", &Kind::DMPin.clear(), &mut Kind::DMPin.skeleton()).0,
        0
    );
    assert_eq!(krw(&prod.new_key, &lbl), (0, 0));
    assert_ne!(erase_card(), (8, 90));
    assert_eq!(cpe(&opin, &mut [0; 8]), (0, 0));
    // DALL keeps its own point off in the legacy defaults (X'0290'), as before.
    assert_eq!(
        dkg_with("TDES-XOR", &dall, &c.hex("kgd"), &mut mac_skeleton),
        (8, 90)
    );
}

/// Waits past the revalidation interval (SOFTCCA_REVALIDATE_MS 100 here), so the next call
/// revalidates the logon.
fn revalidation_due() {
    std::thread::sleep(std::time::Duration::from_millis(150));
}

#[test]
fn a_logon_gets_its_role_unless_missing_too_weak_or_outside_its_hours() {
    let (_g, h) = home();
    let first = || kpi("FIRST", &Kind::DMPin.clear(), &mut Kind::DMPin.skeleton());
    log_on("CUST1");
    assert_eq!(first().0, 0);
    // KEYCUST cannot change PINs: its role is all it has.
    assert_eq!(call_for(&victim()).run(false), (8, 90));

    // Too weak: at logon (8/X'F317'), and for a live logon whose role was made stronger
    // (8/X'F301' at every call, the logon kept; the role back, it works again).
    assert_eq!(logon("WEAK", &pass("WEAK")), (8, 0xF317));
    assert!(!logged_on(), "a failed logon ends the earlier one");
    assert_eq!(first(), (8, 90), "DEFAULT");
    log_on("CUST1");
    assert_eq!(first().0, 0);
    let stronger = shipped_with(|c| {
        c.roles
            .iter_mut()
            .find(|r| r.name() == "KEYCUST")
            .unwrap()
            .strength = 2
    });
    std::fs::write(h.join("acp.conf"), &stronger).unwrap();
    assert_eq!(first(), (8, 0xF301));
    revalidation_due();
    assert_eq!(first(), (8, 0xF301), "after revalidation too");
    assert!(logged_on());
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
    assert_eq!(first().0, 0);

    // Missing: at logon (8/X'F316'), and removed from the file while logged on: the next call
    // ends the logon (8/X'F31C', docs/decisions.md D78), whether or not revalidation is due,
    // and the thread is on DEFAULT from then on; the role back, the logon does not resume.
    assert_eq!(logon("NOROLE1", &pass("NOROLE1")), (8, 0xF316));
    log_on("CUST1");
    assert_eq!(first().0, 0);
    let without: String = AcpConfig::shipped_text().replace("[KEYCUST]", "[KEYCUST2]");
    std::fs::write(h.join("acp.conf"), without).unwrap();
    assert_eq!(krr_codes(&label("X")).0, (8, 0xF31C));
    assert!(!logged_on());
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
    assert!(!logged_on(), "the role back, the ended logon stays ended");
    log_on("CUST1");
    assert_eq!(first().0, 0);
    let without: String = AcpConfig::shipped_text().replace("[KEYCUST]", "[KEYCUST2]");
    std::fs::write(h.join("acp.conf"), without).unwrap();
    revalidation_due();
    assert_eq!(first(), (8, 0xF31C), "with revalidation due too");
    assert!(!logged_on());
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();

    // A window that excludes now (UTC): the minute an hour ahead, for one minute.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let m = (now / 60 + 60) % 1440;
    let text = format!(
        "{}\n[NIGHT]\nstrength 0\nhours {:02}:{:02}-{:02}:{:02}\nX'F013' on\n",
        AcpConfig::shipped_text(),
        m / 60,
        m % 60,
        m / 60,
        m % 60
    );
    std::fs::write(h.join("acp.conf"), &text).unwrap();
    // The hours are the role selection's, at each call (docs/CSUALCT.md).
    log_on("NIGHT1");
    assert_eq!(krr_codes(&label("X")).0, (8, 0xF302));
    revalidation_due();
    assert_eq!(krr_codes(&label("X")).0, (8, 0xF302));
    // Another day of the week only.
    let wd = ((now / 86_400 + 4) % 7) as usize;
    let other = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"][(wd + 3) % 7];
    let text = format!(
        "{}\n[NIGHT]\ndays {other}\nX'F013' on\n",
        AcpConfig::shipped_text()
    );
    std::fs::write(h.join("acp.conf"), &text).unwrap();
    assert_eq!(krr_codes(&label("X")).0, (8, 0xF302));
    // Open now: the role's one point works (no such record), nothing else.
    let text = format!("{}\n[NIGHT]\nX'F013' on\n", AcpConfig::shipped_text());
    std::fs::write(h.join("acp.conf"), &text).unwrap();
    assert_eq!(krr_codes(&label("X")).0, (8, 10012));
    assert_eq!(first(), (8, 90));
    assert_eq!(logoff(), (0, 0));

    // A logon is the calling thread's only (D60).
    std::fs::write(h.join("acp.conf"), AcpConfig::shipped_text()).unwrap();
    log_on("CUST1");
    std::thread::spawn(move || assert_eq!(first(), (8, 90)))
        .join()
        .unwrap();
    assert_eq!(first().0, 0);
    assert_eq!(logoff(), (0, 0));
}

#[test]
fn a_damaged_roles_file_fails_closed_for_every_verb() {
    let (_g, h) = home();
    let shipped = AcpConfig::shipped_text();
    let skeleton = Kind::DMPin.skeleton();
    for bad in [
        format!("X'0010' on\n{shipped}"),              // mixed forms
        shipped.replace("strength  0", "strength  1"), // DEFAULT strength
        shipped.replace("[DEFAULT]", "[APPS]"),        // no DEFAULT
        shipped.replace("[KEYCUST]", "[keycust]"),     // bad name
        shipped.replace("00:00-23:59", "00:00-24:00"), // bad hours
        shipped.replace("SUN MON", "SUN MONDAY"),      // bad days
        shipped.replace("[SECOFF]", "[DEFAULT]"),      // repeated role
        shipped.trim_end().to_string(),                // cut mid-line
    ] {
        // Logged on before the damage: refused, also once revalidation is due.
        std::fs::write(h.join("acp.conf"), &shipped).unwrap();
        log_on("CUST1");
        assert_eq!(
            kpi("FIRST", &Kind::DMPin.clear(), &mut skeleton.clone()).0,
            0
        );
        std::fs::write(h.join("acp.conf"), &bad).unwrap();
        assert_eq!(
            kpi("FIRST", &Kind::DMPin.clear(), &mut skeleton.clone()),
            (12, 197)
        );
        revalidation_due();
        assert_eq!(
            kpi("FIRST", &Kind::DMPin.clear(), &mut skeleton.clone()),
            (12, 197)
        );
        assert_eq!(krr_codes(&label("X")).0, (12, 197));
        // A logon needs the role's strength from the file: refused too.
        assert_eq!(logon("CUST1", &pass("CUST1")), (12, 197));
        assert!(!logged_on());
        // DEFAULT.
        let mut call = call_for(&victim());
        assert_eq!(call.run(false), (12, 197));
        assert_eq!(krr_codes(&label("X")).0, (12, 197));
        assert_eq!(aacm("LSTROLES", "", 64).0, (12, 197));
        assert_eq!(erase_card(), (12, 197));
        assert_eq!(cpe(&opin_key(), &mut [0; 8]), (12, 197));
    }
}

#[test]
fn csuaacm_reads_and_deletes_roles() {
    let (_g, h) = home();
    let ((rc, rs), s) = aacm("GET-ROLE", "KEYCUST", 512);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(s.len() % 4, 0);
    let (role, n) = softcca::access::structure::decode(&s).unwrap();
    assert_eq!(n, s.len());
    let conf = softcca::access::conf::Conf::parse(&AcpConfig::shipped_text()).unwrap();
    assert_eq!(&role, conf.role(&kw8("KEYCUST")).unwrap());
    assert_eq!(aacm("GET-ROLE", "KEYCUST", 8).0, (8, 72));
    assert_eq!(aacm("GET-ROLE", "NOSUCH", 512).0, (8, 0xF303));
    assert_eq!(aacm("LSTROLES", "", 8).0, (8, 72));
    // The profile keywords: DEFAULT reads (X'0116') but deletes nothing (X'0117').
    let ((rc, rs), users) = aacm("LSTPROFS", "", 512);
    assert_eq!((rc, rs), (0, 0));
    let mut names: Vec<&[u8]> = users.chunks(8).collect();
    names.sort();
    let mut want: Vec<[u8; 8]> = ["CUST1", "NIGHT1", "NOROLE1", "SECOFF1", "TORN1", "WEAK"]
        .iter()
        .map(|u| kw8(u))
        .collect();
    want.sort();
    assert_eq!(names, want.iter().map(|u| &u[..]).collect::<Vec<_>>());
    let ((rc, rs), p) = aacm("GET-PROF", "CUST1", 512);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(
        (&p[28..36], &p[36..44]),
        (&kw8("CUST1")[..], &kw8("KEYCUST")[..])
    );
    assert_eq!(aacm("GET-PROF", "NOBODY", 512).0, (8, 0xF310));
    let before_db = std::fs::read(h.join("access.db")).unwrap();
    assert_eq!(aacm("DEL-PROF", "CUST1", 0).0, (8, 90));
    assert_eq!(std::fs::read(h.join("access.db")).unwrap(), before_db);
    // Only a role with X'0118' deletes roles.
    let before = std::fs::read(h.join("acp.conf")).unwrap();
    assert_eq!(aacm("DEL-ROLE", "CUSTODY", 0).0, (8, 90));
    log_on("SECOFF1");
    assert_eq!(aacm("DEL-ROLE", "DEFAULT", 0).0, (8, 0xF304));
    assert_eq!(aacm("DEL-ROLE", "NOSUCH", 0).0, (8, 0xF303));
    assert_eq!(
        aacm("DEL-ROLE", "KEYCUST", 0).0,
        (8, 0xF305),
        "CUST1 names it"
    );
    assert_eq!(std::fs::read(h.join("acp.conf")).unwrap(), before);
    // SECOFF deletes a profile (X'0117'); its logon cannot come back.
    let temp = aggregate(&[simple_in("TEMP", &pass("TEMP"), "KEYCUST")]);
    assert_eq!(
        aaci(&["INIT-AC"], &temp, &[]),
        (0, 0),
        "SECOFF holds X'0112'"
    );
    assert_eq!(aacm("DEL-PROF", "TEMP", 0).0, (0, 0));
    assert_eq!(aacm("DEL-PROF", "TEMP", 0).0, (8, 0xF310));
    assert_eq!(logon("TEMP", &pass("TEMP")), (8, 0xF318));
    assert!(!common::profiles::stored("TEMP"));
    log_on("SECOFF1");
    assert_eq!(aacm("DEL-ROLE", "CUSTODY", 0).0, (0, 0));
    let after =
        softcca::access::conf::Conf::parse(&std::fs::read_to_string(h.join("acp.conf")).unwrap())
            .unwrap();
    let mut want = conf.clone();
    want.roles.retain(|r| r.name() != "CUSTODY");
    assert_eq!(after, want);
    assert_eq!(aacm("LSTROLES", "", 64).1, b"DEFAULT SECOFF  KEYCUST ");
    assert!(!h.join(".acp.conf.new").exists());
    assert_eq!(logoff(), (0, 0));

    // The API the profile store uses to write roles: a result without DEFAULT (or with a
    // repeated role) is refused and nothing is written.
    let cp = softcca::state::Coprocessor::global().unwrap();
    let before = std::fs::read(h.join("acp.conf")).unwrap();
    let no_default = cp.update_roles(|c| {
        c.roles.retain(|r| r.name() != "DEFAULT");
        Ok(())
    });
    assert_eq!(no_default, Err(softcca::Error::RoleStructure));
    let twice = cp.update_roles(|c| {
        let again = c.roles[1].clone();
        c.roles.push(again);
        Ok(())
    });
    assert_eq!(twice, Err(softcca::Error::RoleStructure));
    assert_eq!(std::fs::read(h.join("acp.conf")).unwrap(), before);
    // A legacy-form file rewritten keeps its DEFAULT exactly (in the roles form).
    std::fs::write(h.join("acp.conf"), LEGACY_ACP).unwrap();
    let legacy = softcca::access::conf::Conf::parse(LEGACY_ACP).unwrap();
    cp.update_roles(|_| Ok(())).unwrap();
    let text = std::fs::read_to_string(h.join("acp.conf")).unwrap();
    let rewritten = softcca::access::conf::Conf::parse(&text).unwrap();
    assert!(!rewritten.legacy && text.contains("[DEFAULT]"));
    assert_eq!(rewritten.roles, legacy.roles);
    assert_eq!(rewritten.settings, legacy.settings);
}

/// A roles file in which the role TORN (Key Record Read) needs strength 12; a reader logged
/// on as TORN1 with strength 5 (while the role needed 5) must be refused (8/X'F301'). Every
/// 2 ms the writer rewrites the file:
/// in place in two writes, the first ending one byte into the last line ("strength 1"
/// without its "2\n"), or as a new file renamed over it. A torn read would be a KEYCUST of
/// strength 1 and let the reader through (8/10012: no such record); it must be refused
/// (12/197) instead.
#[test]
fn concurrent_edits_are_never_read_torn() {
    let (_g, h) = home();
    let torn = |strength: u32| {
        format!(
            "{}\n[TORN]\nX'F013' on\nstrength {strength}\n",
            AcpConfig::shipped_text()
        )
    };
    let file = torn(12);
    std::fs::write(h.join("acp.conf"), torn(5)).unwrap();
    // The readers log on while TORN needs 5, then the file needs 12.
    let logged = std::sync::Arc::new(std::sync::Barrier::new(5));
    let go = std::sync::Arc::new(std::sync::Barrier::new(5));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, path, file) = (stop.clone(), h.join("acp.conf"), file.clone());
        let (logged, go) = (logged.clone(), go.clone());
        std::thread::spawn(move || {
            use std::io::Write;
            logged.wait();
            std::fs::write(&path, &file).unwrap();
            go.wait();
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if i.is_multiple_of(2) {
                    let mut f = std::fs::File::create(&path).unwrap();
                    f.write_all(&file.as_bytes()[..file.len() - 2]).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    f.write_all(b"2\n").unwrap();
                } else {
                    let tmp = path.with_extension("tmp");
                    std::fs::write(&tmp, &file).unwrap();
                    std::fs::rename(&tmp, &path).unwrap();
                }
                i += 1;
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (logged, go) = (logged.clone(), go.clone());
            std::thread::spawn(move || {
                // One logon at a time: concurrent tries of one profile are each counted
                // before they are verified (D67), so a fourth would find it locked.
                let codes = {
                    let _one = ONE_LOGON.lock().unwrap_or_else(|p| p.into_inner());
                    logon("TORN1", &pass("TORN1"))
                };
                logged.wait();
                go.wait();
                assert_eq!(codes, (0, 0), "logon TORN1");
                let mut seen = std::collections::BTreeMap::new();
                let end = std::time::Instant::now() + std::time::Duration::from_secs(3);
                while std::time::Instant::now() < end {
                    *seen.entry(krr_codes(&label("X")).0).or_insert(0u32) += 1;
                }
                assert!(logged_on(), "the logon ended");
                seen
            })
        })
        .collect();
    let mut all = std::collections::BTreeMap::new();
    for r in readers {
        for (k, v) in r.join().unwrap() {
            *all.entry(k).or_insert(0) += v;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    for k in all.keys() {
        assert!(
            *k == (8, 0xF301) || *k == (12, 197),
            "accepted a torn read: {all:?}"
        );
    }
    assert!(all.contains_key(&(8, 0xF301)), "{all:?}");
}
