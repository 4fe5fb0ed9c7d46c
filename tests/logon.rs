//! Profiles and logon through the C entry points (docs/CSUALCT.md, docs/CSUAACI.md): the
//! bootstrap closing itself, passphrase logon per thread, the failure counter and the lock
//! (also against racing threads and processes), dates, the role's strength, roles loaded by
//! INIT-AC, revalidation, fork, audit records, CSUAACM's profile keywords.
//! The profile and role structures are built here by hand from docs/CSUAACI.md and
//! docs/CSUAACM.md, not by the library.
//!
//! The directory's acp.conf is [`lab_roles`]: the shipped SECOFF, KEYCUST and CUSTODY roles
//! the profiles name, and a DEFAULT that also administers profiles (X'0112'-X'0118', as in a
//! legacy directory) so that the tests can change profiles without logging on; the tests
//! that need DEFAULT without a point turn it off.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::profiles::*;
use softcca::access::context;
use softcca::state::Coprocessor;

/// CSUACFQ with one information keyword: the elements, trailing blanks cut.
fn cfq(info: &str) -> Vec<String> {
    let (mut rc, mut rs) = (-1, -1);
    let mut rules = [b' '; 80];
    rules[..8].copy_from_slice(&kws(&[info]));
    let mut count = 1;
    let mut vdl = 0;
    unsafe {
        softcca::ffi::facility::CSUACFQ(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            rules.as_mut_ptr(),
            &mut vdl,
            std::ptr::null_mut(),
        )
    };
    assert_eq!((rc, rs), (0, 0), "CSUACFQ {info}");
    rules[..8 * count as usize]
        .chunks(8)
        .map(|e| String::from_utf8_lossy(e).trim_end().to_string())
        .collect()
}

/// The directory with its first profile (the bootstrap), once per test process: first the
/// bootstrap refuses profile sets nobody could administer with (their roles, KEYCUST and one
/// not in the file, hold no X'0112'; that DEFAULT holds it does not count), then it takes
/// SECOFF's.
fn setup() -> std::sync::MutexGuard<'static, ()> {
    let g = common::verbs::setup("logon");
    static BOOT: std::sync::Once = std::sync::Once::new();
    BOOT.call_once(|| {
        // The first call opens the directory.
        assert_eq!(logoff(), (8, 0xF31A));
        write_lab_roles();
        for role in ["KEYCUST", "NOSUCH"] {
            let set = aggregate(&[simple_in("SECOFF1", "officer one", role)]);
            assert_eq!(
                aaci(&["INIT-AC"], &set, &[]),
                (8, 0xF324),
                "no role able to administer ({role}): refused"
            );
        }
        assert_eq!(
            Coprocessor::global()
                .unwrap()
                .profiles()
                .unwrap()
                .count()
                .unwrap(),
            0
        );
        let admin = aggregate(&[simple_in("SECOFF1", "officer one", "SECOFF")]);
        assert_eq!(aaci(&["INIT-AC"], &admin, &[]), (0, 0), "bootstrap");
    });
    g
}

/// A call every role of [`lab_roles`] may make (CSUAACM Q-NUM-RP, X'0116'): its codes.
fn probe() -> (i32, i32) {
    aacm("Q-NUM-RP", "", 8).0
}

#[test]
fn bootstrap_then_init_ac_closed_to_default() {
    let _g = setup();
    // DEFAULT without X'0112': the store is no longer empty, so INIT-AC needs the point.
    set_point("X'0112'", false);
    let other = aggregate(&[simple("INTRUDER", "mine now")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &other, &[]), (8, 90));
    assert_eq!(
        aaci(
            &["INIT-AC", "REPLACE"],
            &aggregate(&[simple("SECOFF1", "taken over")]),
            &[]
        ),
        (8, 90)
    );
    set_point("X'0112'", true);
    assert_eq!(logon("INTRUDER", "mine now"), (8, 0xF318));
    assert!(!stored("INTRUDER"));
    assert_eq!(
        logon("SECOFF1", "officer one"),
        (0, 0),
        "the first profile kept"
    );
    assert_eq!(logoff(), (0, 0));
    // Without REPLACE an existing user id is refused.
    assert_eq!(
        aaci(&["INIT-AC"], &aggregate(&[simple("SECOFF1", "x")]), &[]),
        (8, 0xF323)
    );
}

/// The files INIT-AC writes: a refused INIT-AC must leave their bytes alone.
fn ac_files() -> Vec<Option<Vec<u8>>> {
    ["acp.conf", "access.db", "access.db-wal"]
        .iter()
        .map(|f| std::fs::read(home().join(f)).ok())
        .collect()
}

/// INIT-AC with IBM role structures in verb_data_2: the role is written to acp.conf with the
/// profile that names it, which then logs on and gets the role's points (and only them);
/// GET-ROLE returns the structure loaded. Malformed role structures, a malformed profile next
/// to a good role, and roles loaded by DEFAULT without X'0112' are refused and change neither
/// acp.conf nor access.db.
#[test]
fn init_ac_loads_roles_from_verb_data_2() {
    let _g = setup();
    // OPS: strength 1, Mon-Sun all day, X'0115' (RESET-FC) and X'0116' (read), no X'0113'.
    let ops = role_structure(
        "OPS",
        1,
        ((0, 0), (23, 59)),
        0xFE,
        0x0100,
        1,
        &[0x115, 0x116],
    );
    let user = aggregate(&[simple_in("OPS1", "ops pass", "OPS")]);
    let before = ac_files();
    let malformed: Vec<(&str, Vec<u8>)> = vec![
        ("not a structure", b"role".to_vec()),
        ("version 2", {
            let mut r = ops.clone();
            r[1] = 2;
            r
        }),
        ("length past the data", {
            let mut r = ops.clone();
            r[3] += 4;
            r
        }),
        ("cut", ops[..ops.len() - 1].to_vec()),
        ("bad role id", {
            let mut r = ops.clone();
            r[28] = b'o';
            r
        }),
        ("hour 24", {
            let mut r = ops.clone();
            r[40] = 24;
            r
        }),
        ("days bit 0", {
            let mut r = ops.clone();
            r[42] |= 1;
            r
        }),
        ("last point before the first", {
            let mut r = ops.clone();
            r[50..52].copy_from_slice(&[0x00, 0xFF]);
            r
        }),
        ("the same role twice", [ops.clone(), ops.clone()].concat()),
        ("DEFAULT with a strength", {
            role_structure("DEFAULT", 1, ((0, 0), (23, 59)), 0xFE, 0x0100, 1, &[0x116])
        }),
    ];
    for (what, roles) in &malformed {
        assert_eq!(aaci(&["INIT-AC"], &user, roles), (8, 0xF306), "{what}");
        assert_eq!(ac_files(), before, "{what} changed a file");
    }
    // A good role with a malformed profile: nothing written either.
    let mut bad_profile = user.clone();
    bad_profile[8] = 2;
    assert_eq!(aaci(&["INIT-AC"], &bad_profile, &ops), (8, 0xF31F));
    assert_eq!(ac_files(), before, "a refused profile left its role");
    // DEFAULT without X'0112' after the bootstrap: roles refused too.
    set_point("X'0112'", false);
    let before = ac_files();
    assert_eq!(aaci(&["INIT-AC"], &user, &ops), (8, 90));
    assert_eq!(aaci(&["INIT-AC"], &[0, 0, 0, 0, 0, 0, 0, 0], &ops), (8, 90));
    assert_eq!(ac_files(), before);
    assert_eq!(aacm("GET-ROLE", "OPS", 512).0, (8, 0xF303));
    assert_eq!(logon("OPS1", "ops pass"), (8, 0xF318));
    assert!(!stored("OPS1"));
    set_point("X'0112'", true);

    assert_eq!(aaci(&["INIT-AC"], &user, &ops), (0, 0));
    let ((rc, rs), got) = aacm("GET-ROLE", "OPS", 512);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(got, ops, "GET-ROLE returns the structure loaded");
    assert_eq!(logon("OPS1", "ops pass"), (0, 0));
    assert_eq!(cfq("STATLOGN"), ["OPS1", "OPS", "PPHRASE", "1"]);
    assert_eq!(aaci(&["RESET-FC"], &id8("SECOFF1"), &[]), (0, 0), "X'0115'");
    assert_eq!(probe(), (0, 0), "X'0116'");
    assert_eq!(
        aaci(&["CHGEXPDT"], &id8("SECOFF1"), b"20990101"),
        (8, 90),
        "no X'0113'"
    );
    assert_eq!(aaci(&["INIT-AC"], &user, &ops), (8, 90), "no X'0112'");
    assert_eq!(logoff(), (0, 0));
}

/// A role that requires strength 2 refuses a passphrase of strength 1 at logon (8/X'F317'),
/// before the try is counted; a mechanism of strength 2 logs on.
#[test]
fn a_role_stronger_than_the_mechanism_refuses_the_logon() {
    let _g = setup();
    let weak = profile(
        "WEAK2",
        "STRONG",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech("weak pass")]),
    );
    let strong = profile(
        "STRONG2",
        "STRONG",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[mech(1, 2, date(2099, 12, 31), &sha1("strong pass"))]),
    );
    assert_eq!(
        aaci(&["INIT-AC", "REPLACE"], &aggregate(&[weak, strong]), &[]),
        (0, 0)
    );
    assert_eq!(logon("WEAK2", "weak pass"), (8, 0xF317));
    assert_eq!(logon("WEAK2", "wrong pass"), (8, 0xF317), "refused before");
    assert_eq!(failures("WEAK2"), 0, "not counted");
    assert!(context::current(&dir_id()).is_none());
    assert_eq!(logon("STRONG2", "strong pass"), (0, 0));
    assert_eq!(context::current(&dir_id()).unwrap().strength, 2);
    assert_eq!(logoff(), (0, 0));
}

#[test]
fn passphrase_logon_is_per_thread_and_ends_at_logoff() {
    let _g = setup();
    add("CUST1", "correct horse battery");
    assert_eq!(logon("cust1", "correct horse battery"), (0, 0));
    let l = context::current(&dir_id()).expect("logged on");
    assert_eq!((&l.user, &l.role), (&id8("CUST1"), &id8("KEYCUST")));
    assert_eq!(l.strength, 1);
    assert_eq!(l.mechanism, context::Mechanism::Passphrase);
    // The end of 2099-12-31 UTC.
    assert_eq!(l.expires, 4_102_444_799);
    assert_eq!(cfq("STATLOGN"), ["CUST1", "KEYCUST", "PPHRASE", "1"]);
    assert_eq!(cfq("STATCCA")[5], "KEYCUST");
    let id = dir_id();
    std::thread::spawn(move || {
        assert!(context::current(&id).is_none(), "another thread");
        assert_eq!(cfq("STATLOGN"), ["NONE", "DEFAULT", "NONE", "0"]);
        assert_eq!(cfq("STATCCA")[5], "DEFAULT");
    })
    .join()
    .unwrap();
    assert_eq!(logoff(), (0, 0));
    assert_eq!(cfq("STATLOGN"), ["NONE", "DEFAULT", "NONE", "0"]);
    assert!(context::current(&dir_id()).is_none());
    assert_eq!(logoff(), (8, 0xF31A), "logoff twice");
    // A failed logon ends the earlier one.
    assert_eq!(logon("CUST1", "correct horse battery"), (0, 0));
    assert_eq!(logon("CUST1", "wrong"), (8, 0xF318));
    assert!(context::current(&dir_id()).is_none());
    assert_eq!(aaci(&["RESET-FC"], &id8("CUST1"), &[]), (0, 0));
}

#[test]
fn three_failures_lock_until_reset_fc() {
    let _g = setup();
    add("LOCKME", "the right one");
    assert_eq!(logon("LOCKME", "wrong 1"), (8, 0xF318));
    assert_eq!(logon("LOCKME", "wrong 2"), (8, 0xF318));
    assert_eq!(failures("LOCKME"), 2);
    assert_eq!(logon("LOCKME", "the right one"), (0, 0), "right one resets");
    assert_eq!(failures("LOCKME"), 0);
    assert_eq!(logoff(), (0, 0));
    for i in 0..3 {
        assert_eq!(logon("LOCKME", &format!("wrong {i}")), (8, 0xF318));
    }
    assert_eq!(failures("LOCKME"), 3);
    assert_eq!(logon("LOCKME", "the right one"), (8, 0xF311), "locked");
    assert_eq!(logon("LOCKME", "wrong again"), (8, 0xF311));
    assert_eq!(failures("LOCKME"), 3);
    assert!(context::current(&dir_id()).is_none());
    // RESET-FC needs X'0115'.
    set_point("X'0115'", false);
    assert_eq!(aaci(&["RESET-FC"], &id8("LOCKME"), &[]), (8, 90));
    set_point("X'0115'", true);
    assert_eq!(aaci(&["RESET-FC"], &id8("NOBODY"), &[]), (8, 0xF310));
    assert_eq!(aaci(&["RESET-FC"], &id8("LOCKME"), &[]), (0, 0));
    assert_eq!(logon("LOCKME", "the right one"), (0, 0));
    assert_eq!(logoff(), (0, 0));
}

/// Threads of this process and of three child processes race wrong passphrases on one
/// profile: exactly three tries are verified (three 8/X'F318'), every other is refused as
/// locked before hashing, and the counter ends at 3.
#[test]
fn racing_wrong_passphrases_never_get_more_than_three_tries() {
    let _g = setup();
    add("RACE", "unguessable");
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..3)
        .map(|_| {
            std::process::Command::new(&exe)
                .args(["--exact", "race_child", "--nocapture", "--test-threads=1"])
                .env("LOGON_RACE_CHILD", "1")
                .env("SOFTCCA_HOME", home())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (mut w, mut l) = guess_in_threads(6);
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find_map(|l| l.split_once("RACE-RESULT ").map(|(_, r)| r))
            .unwrap_or_else(|| panic!("child said {text}"));
        let mut it = line.split(' ').map(|v| v.parse::<u32>().unwrap());
        w += it.next().unwrap();
        l += it.next().unwrap();
    }
    assert_eq!(w, 3, "tries verified");
    assert_eq!(w + l, 24 + 3 * 16);
    assert_eq!(failures("RACE"), 3);
    assert_eq!(logon("RACE", "unguessable"), (8, 0xF311));
}

/// Right logons of one profile racing in many threads are not failures: a try that finds
/// three others of the profile still being checked waits for them instead of being answered
/// "locked" (docs/decisions.md D79). Before, the fourth of four simultaneous right logons got
/// 8/X'F311' because every try was counted as a failure before it was hashed.
#[test]
fn right_logons_racing_are_never_locked() {
    let _g = setup();
    add("CROWD", "all of us");
    let answers = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..3 {
                    let r = logon("CROWD", "all of us");
                    answers.lock().unwrap().push(r);
                    let _ = logoff();
                }
            });
        }
    });
    let answers = answers.into_inner().unwrap();
    assert_eq!(answers.len(), 24);
    assert!(answers.iter().all(|&r| r == (0, 0)), "{answers:?}");
    assert_eq!(failures("CROWD"), 0);
}

/// A try whose process was killed while it was being checked (its row left in `logon_tries`)
/// is a failure as soon as its process is gone, and any try once `STALE_TRY_SECS` have
/// passed: killing guessers does not buy extra tries, and a crashed program does not keep
/// its profile's logons waiting.
#[test]
fn a_try_never_ended_counts_as_a_failure() {
    let _g = setup();
    add("KILLED", "right one");
    // The table exists once a logon was tried.
    assert_eq!(logon("KILLED", "wrong"), (8, 0xF318));
    assert_eq!(failures("KILLED"), 1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // A process that has exited (its pid is free), and this live process 61 s ago.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = i64::from(child.id());
    child.wait().unwrap();
    let db = rusqlite::Connection::open(home().join("access.db")).unwrap();
    for (started, pid) in [(now, dead), (now - 61, i64::from(std::process::id()))] {
        db.execute(
            "INSERT INTO logon_tries (user_id, started, pid) VALUES (?1, ?2, ?3)",
            rusqlite::params![&id8("KILLED")[..], started, pid],
        )
        .unwrap();
    }
    drop(db);
    // Two abandoned tries + one failure: locked before anything more is verified.
    assert_eq!(logon("KILLED", "right one"), (8, 0xF311));
    assert_eq!(failures("KILLED"), 3);
    assert_eq!(aaci(&["RESET-FC"], &id8("KILLED"), &[]), (0, 0));
    assert_eq!(logon("KILLED", "right one"), (0, 0));
    assert_eq!(logoff(), (0, 0));
}

/// `threads` threads each try 4 wrong passphrases on RACE: (wrong, locked) answers.
fn guess_in_threads(threads: u32) -> (u32, u32) {
    let wrong = AtomicU32::new(0);
    let locked = AtomicU32::new(0);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (wrong, locked) = (&wrong, &locked);
            s.spawn(move || {
                for i in 0..4 {
                    match logon("RACE", &format!("guess {} {t} {i}", std::process::id())) {
                        (8, 0xF318) => wrong.fetch_add(1, Ordering::SeqCst),
                        (8, 0xF311) => locked.fetch_add(1, Ordering::SeqCst),
                        other => panic!("unexpected {other:?}"),
                    };
                }
            });
        }
    });
    (wrong.into_inner(), locked.into_inner())
}

/// The child of the race above (does nothing unless LOGON_RACE_CHILD is set).
#[test]
fn race_child() {
    if std::env::var_os("LOGON_RACE_CHILD").is_none() {
        return;
    }
    let (w, l) = guess_in_threads(4);
    println!("RACE-RESULT {w} {l}");
}

#[test]
fn dates_unknown_user_and_mechanism_checks() {
    let _g = setup();
    let expired = profile(
        "OLD",
        "KEYCUST",
        date(2020, 1, 1),
        date(2021, 6, 30),
        &auth(&[pass_mech("p")]),
    );
    let future = profile(
        "LATER",
        "KEYCUST",
        date(2098, 1, 1),
        date(2099, 1, 1),
        &auth(&[pass_mech("p")]),
    );
    let mech_old = profile(
        "MECHOLD",
        "KEYCUST",
        date(2020, 1, 1),
        date(2099, 1, 1),
        &auth(&[mech(1, 1, date(2021, 1, 1), &sha1("p"))]),
    );
    assert_eq!(
        aaci(
            &["INIT-AC", "REPLACE"],
            &aggregate(&[expired, future, mech_old]),
            &[]
        ),
        (0, 0)
    );
    assert_eq!(logon("OLD", "p"), (8, 0xF313));
    assert_eq!(logon("LATER", "p"), (8, 0xF312));
    assert_eq!(logon("MECHOLD", "p"), (8, 0xF315));
    assert_eq!(logon("NOSUCH", "p"), (8, 0xF318));
    assert!(!stored("NOSUCH"));
    // None of them was counted: nothing was verified.
    assert_eq!(failures("OLD") + failures("LATER") + failures("MECHOLD"), 0);
    // A card logon of a profile without a card mechanism.
    let mut reader = [b' '; 128];
    reader[..3].copy_from_slice(b"Any");
    assert_eq!(
        lct(&["LOGON", "CARD"], "OLD", &reader, b"12345678"),
        (8, 0xF313)
    );
    add("NOCARD", "p");
    assert_eq!(
        lct(&["LOGON", "CARD"], "NOCARD", &reader, b"12345678"),
        (8, 0xF314)
    );
    // CHGEXPDT brings OLD back, and a bad date is refused.
    assert_eq!(aaci(&["CHGEXPDT"], &id8("OLD"), b"20990101"), (0, 0));
    assert_eq!(aaci(&["CHGEXPDT"], &id8("OLD"), b"20990230"), (8, 0xF31E));
    assert_eq!(aaci(&["CHGEXPDT"], &id8("OLD"), b"2099010"), (8, 0xF31E));
    assert_eq!(logon("OLD", "p"), (0, 0));
    assert_eq!(logoff(), (0, 0));
}

#[test]
fn bad_input_changes_nothing() {
    let _g = setup();
    for w in [
        &["GET-CNTX"][..],
        &["PUT-CNTX"],
        &["LOGOFF", "FORCE"],
        &["LOGON", "FORCE"],
    ] {
        assert_eq!(lct(w, "SECOFF1", &[], &[]), (8, 0xF31B), "{w:?}");
    }
    assert_eq!(lct(&["LOGON"], "SECOFF1", &[], b"x"), (8, 34));
    assert_eq!(lct(&["LOGOFF", "PPHRASE"], "SECOFF1", &[], b"x"), (8, 34));
    assert_eq!(lct(&["LOGON", "OTHER"], "SECOFF1", &[], b"x"), (8, 33));
    assert_eq!(lct(&[], "SECOFF1", &[], b"x").0, 8);
    assert_eq!(logon("SECOFF1", ""), (8, 0xF31D));
    assert_eq!(logon("SECOFF1", &"a".repeat(1025)), (8, 0xF31D));
    assert_eq!(logon(" LEADING", "x"), (8, 0xF320));
    assert_eq!(
        lct(&["LOGON", "PPHRASE"], "SECOFF1", b"parm", b"officer one"),
        (8, 72)
    );
    assert_eq!(failures("SECOFF1"), 0, "none of these was counted");
    // Malformed structures.
    let good = simple("MALFORM", "p");
    let mut v = good.clone();
    v[0] = 2;
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[v]), &[]), (8, 0xF31F));
    let mut short = aggregate(std::slice::from_ref(&good));
    short.pop();
    assert_eq!(aaci(&["INIT-AC"], &short, &[]), (8, 0xF31F));
    let mut two = aggregate(std::slice::from_ref(&good));
    two[3] = 2;
    assert_eq!(aaci(&["INIT-AC"], &two, &[]), (8, 0xF31F));
    let weird = profile(
        "MALFORM",
        "KEYCUST",
        date(2020, 1, 1),
        date(2099, 1, 1),
        &auth(&[mech(7, 1, date(2099, 1, 1), b"x")]),
    );
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[weird]), &[]), (8, 0xF322));
    let backwards = profile(
        "MALFORM",
        "KEYCUST",
        date(2099, 1, 1),
        date(2020, 1, 1),
        &auth(&[pass_mech("p")]),
    );
    assert_eq!(
        aaci(&["INIT-AC"], &aggregate(&[backwards]), &[]),
        (8, 0xF31E)
    );
    let badrole = profile(
        "MALFORM",
        "KEY CUST",
        date(2020, 1, 1),
        date(2099, 1, 1),
        &auth(&[pass_mech("p")]),
    );
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[badrole]), &[]), (8, 0xF321));
    assert_eq!(
        aaci(&["CHGEXPDT", "REPLACE"], &id8("SECOFF1"), b"20990101"),
        (8, 34)
    );
    assert_eq!(logon("MALFORM", "p"), (8, 0xF318), "nothing stored");
    assert!(!stored("MALFORM"));
}

/// While logged on, a change of the profile ends the logon at the thread's next call: that
/// call is refused with 8/X'F31C', the following ones run on the DEFAULT role.
#[test]
fn profile_changes_end_a_live_logon() {
    let _g = setup();
    let cp = Coprocessor::global().unwrap();
    // Expired meanwhile (CHGEXPDT from another thread).
    add("LIVE", "alive");
    assert_eq!(logon("LIVE", "alive"), (0, 0));
    std::thread::spawn(|| assert_eq!(aaci(&["CHGEXPDT"], &id8("LIVE"), b"20210101"), (0, 0)))
        .join()
        .unwrap();
    assert_eq!(probe(), (8, 0xF31C));
    assert!(context::current(&dir_id()).is_none());
    assert_eq!(
        aaci(&["RESET-FC"], &id8("SECOFF1"), &[]),
        (0, 0),
        "now DEFAULT"
    );
    // Another role.
    add("LIVE", "alive");
    assert_eq!(logon("LIVE", "alive"), (0, 0));
    let other = profile(
        "LIVE",
        "SECOFF",
        date(2020, 1, 1),
        date(2099, 12, 31),
        &auth(&[pass_mech("alive")]),
    );
    std::thread::spawn(move || {
        assert_eq!(
            aaci(&["INIT-AC", "REPLACE"], &aggregate(&[other]), &[]),
            (0, 0)
        )
    })
    .join()
    .unwrap();
    assert_eq!(probe(), (8, 0xF31C));
    // Locked by three failures elsewhere: new logons are refused, the live one goes on
    // (docs/decisions.md D77: anyone can lock a profile, so a lock must not end sessions).
    assert_eq!(logon("LIVE", "alive"), (0, 0));
    std::thread::spawn(|| {
        for _ in 0..3 {
            assert_eq!(logon("LIVE", "nope"), (8, 0xF318));
        }
        assert_eq!(logon("LIVE", "alive"), (8, 0xF311));
    })
    .join()
    .unwrap();
    assert_eq!(probe(), (0, 0));
    assert_eq!(aaci(&["RESET-FC"], &id8("LIVE"), &[]), (0, 0));
    // Deleted (CSUAACM DEL-PROF, by DEFAULT in another thread).
    assert_eq!(logon("LIVE", "alive"), (0, 0));
    assert_eq!(probe(), (0, 0));
    std::thread::spawn(|| assert_eq!(aacm("DEL-PROF", "LIVE", 0).0, (0, 0)))
        .join()
        .unwrap();
    assert_eq!(probe(), (8, 0xF31C));
    // A change of another profile does not end this one.
    add("LIVE", "alive");
    assert_eq!(logon("LIVE", "alive"), (0, 0));
    std::thread::spawn(|| assert_eq!(aaci(&["CHGEXPDT"], &id8("SECOFF1"), b"20990101"), (0, 0)))
        .join()
        .unwrap();
    assert_eq!(probe(), (0, 0));
    assert!(context::current(&dir_id()).is_some());
    // KEYCUST's own points apply (no X'0115'): refused for access control, logon kept.
    assert_eq!(aaci(&["RESET-FC"], &id8("SECOFF1"), &[]), (8, 90));
    assert!(context::current(&dir_id()).is_some());
    assert_eq!(logoff(), (0, 0));
    let _ = cp;
}

/// A child made by fork() starts logged off (the parent stays logged on).
#[test]
fn logon_is_gone_after_fork_in_the_child() {
    let _g = setup();
    add("FORKER", "fork me");
    assert_eq!(logon("FORKER", "fork me"), (0, 0));
    let id = dir_id();
    // SAFETY (test): the child only reads the thread-local context and its pid, then _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = if context::current(&id).is_none() {
            0
        } else {
            1
        };
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child logged on"
    );
    assert!(context::current(&id).is_some(), "parent still logged on");
    assert_eq!(logoff(), (0, 0));
}

/// Every logon, logoff and failed logon is an audit record naming the user, never the
/// passphrase or its SHA-1.
#[test]
fn logons_are_audited_without_the_passphrase() {
    let _g = setup();
    add("AUDITED", "sekrit passphrase 42");
    assert_eq!(logon("AUDITED", "sekrit passphrase 42"), (0, 0));
    assert_eq!(logoff(), (0, 0));
    assert_eq!(logon("AUDITED", "wrong passphrase 43"), (8, 0xF318));
    assert_eq!(aaci(&["RESET-FC"], &id8("AUDITED"), &[]), (0, 0));
    let log = std::fs::read_to_string(home().join("audit.log")).unwrap();
    let lct: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CSUALCT") && l.contains("AUDITED"))
        .collect();
    assert!(lct.len() >= 2, "logon and failed logon records: {log}");
    assert!(
        lct.iter().any(|l| l.contains("outcome=OK rc=0 rs=0000")),
        "{lct:?}"
    );
    assert!(
        lct.iter().any(|l| l.contains("outcome=FAIL rc=8 rs=F318")),
        "{lct:?}"
    );
    let logoffs = log.lines().filter(|l| l.contains("CSUALCT")).count();
    assert!(logoffs >= 3);
    for secret in ["sekrit", "wrong passphrase", "passphrase 4"] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    for p in ["sekrit passphrase 42", "wrong passphrase 43"] {
        let h = sha1(p);
        assert!(
            !log.to_lowercase().contains(&hex(&h)),
            "SHA-1 of {p} in the log"
        );
    }
}

/// CSUAACM's profile keywords through the C entry point: LSTPROFS, GET-PROF in IBM's layout
/// without secrets, DEL-PROF, Q-NUM-RP's profile count, each behind its point; DEL-ROLE of a
/// role a profile names is refused (8/X'F305').
#[test]
fn csuaacm_profile_functions() {
    let _g = setup();
    use softcca::access::admin;
    let cp = Coprocessor::global().unwrap();
    add("LISTED", "listed pass");
    let ((rc, rs), list) = aacm("LSTPROFS", "", 8 * 64);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(list.len() % 8, 0);
    assert!(list.chunks(8).any(|u| u == id8("LISTED")));
    assert!(list.chunks(8).any(|u| u == id8("SECOFF1")));
    let ((rc, _), n) = aacm("Q-NUM-RP", "", 8);
    assert_eq!(rc, 0);
    assert_eq!(
        u32::from_be_bytes(n[4..8].try_into().unwrap()) as usize,
        list.len() / 8,
        "the profile count"
    );
    assert_eq!(aacm("LSTPROFS", "", list.len() as i32 - 8).0, (8, 72));
    assert!(admin::role_in_use(cp, &id8("KEYCUST")).unwrap());
    assert!(!admin::role_in_use(cp, &id8("NOROLE")).unwrap());
    let ((rc, rs), p) = aacm("GET-PROF", "LISTED", 512);
    assert_eq!((rc, rs), (0, 0));
    // 52 + authentication data 4 + one 14-byte mechanism header = 70, padded to 72.
    assert_eq!(p.len(), 72);
    assert_eq!(&p[0..4], &[0x01, 0x00, 0, 72]);
    assert_eq!(&p[4..24], format!("{:<20}", "test LISTED").as_bytes());
    assert_eq!(p[26], 0, "failure count");
    assert_eq!(&p[28..36], &id8("LISTED"));
    assert_eq!(&p[36..44], &id8("KEYCUST"));
    assert_eq!(&p[44..52], &[0x07, 0xE4, 1, 1, 0x08, 0x33, 12, 31]);
    assert_eq!(&p[52..56], &[0, 18, 0, 1]);
    assert_eq!(&p[56..70], &mech(1, 1, date(2099, 12, 31), &[])[..]);
    assert_eq!(&p[70..], &[0, 0]);
    let hash = sha1("listed pass");
    assert!(!p.windows(20).any(|w| w == hash), "no SHA-1 in GET-PROF");
    assert_eq!(aacm("GET-PROF", "LISTED", 68).0, (8, 72));
    assert_eq!(aacm("GET-PROF", "NOBODY", 512).0, (8, 0xF310));
    // A role a profile names is not deleted.
    let roles = std::fs::read(home().join("acp.conf")).unwrap();
    assert_eq!(aacm("DEL-ROLE", "KEYCUST", 0).0, (8, 0xF305));
    assert_eq!(std::fs::read(home().join("acp.conf")).unwrap(), roles);
    set_point("X'0116'", false);
    assert_eq!(aacm("GET-PROF", "LISTED", 512).0, (8, 90));
    assert_eq!(aacm("LSTPROFS", "", 512).0, (8, 90));
    assert_eq!(aacm("Q-NUM-RP", "", 8).0, (8, 90));
    set_point("X'0116'", true);
    set_point("X'0117'", false);
    assert_eq!(aacm("DEL-PROF", "LISTED", 0).0, (8, 90));
    assert_eq!(logon("LISTED", "listed pass"), (0, 0), "not deleted");
    assert_eq!(logoff(), (0, 0));
    set_point("X'0117'", true);
    assert_eq!(aacm("DEL-PROF", "LISTED", 0).0, (0, 0));
    assert_eq!(aacm("DEL-PROF", "LISTED", 0).0, (8, 0xF310));
    assert_eq!(aacm("DEL-PROF", " LISTED", 0).0, (8, 0xF320));
    assert_eq!(logon("LISTED", "listed pass"), (8, 0xF318));
    assert!(!stored("LISTED"));
    assert!(
        !aacm("LSTPROFS", "", 512)
            .1
            .chunks(8)
            .any(|u| u == id8("LISTED"))
    );
}
