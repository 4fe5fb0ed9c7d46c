//! Partition authorisation, directory side (docs/custody.md, docs/decisions.md F22):
//! while a directory is bound to a partition and not authorised, the verbs that use
//! operational keys return 8/X'F280' and key management works; authorisation needs the
//! partition secret and the password (Argon2id), counts wrong passwords and locks tries out,
//! may expire, and ends by deauthorisation or deactivation in every process.

mod common;
use common::child::{self, run};
use common::*;

const OK: (i32, i32) = (0, 0);
const UNAUTHORISED: (i32, i32) = (8, 0xF280);
const WRONG_PASSWORD: (i32, i32) = (8, 0xF281);
const LOCKED: (i32, i32) = (8, 0xF282);

#[test]
#[ignore]
fn child_script() {
    child::child_main();
}

#[test]
fn partition_gates_key_use_not_key_management() {
    let home = temp_state("partition");
    let (codes, err) = run(&home, "load-mk; store-pcu-mdk MDK.A; pcu MDK.A");
    assert_eq!(codes, [OK, OK, OK], "{err}");
    // Wrong kind, bad password lengths, nothing bound yet.
    assert_eq!(
        run(
            &home,
            "pbind-as-svmk P pw1; pbind P; authorise P pw1; deauthorise"
        )
        .0,
        [(8, 0xF261), (8, 0xF285), (8, 0xF284), (8, 0xF284)]
    );
    // Bound: use refused, management still works; a second binding refused.
    let (codes, err) = run(
        &home,
        "pbind P pw1; pcu MDK.A; krc NEW.KEY; krw NEW.KEY; pbind Q pw2",
    );
    assert_eq!(codes, [OK, UNAUTHORISED, OK, OK, (8, 0xF283)], "{err}");
    // The wrong secret is refused before the password is tried (not counted); a wrong password
    // is; the right pair authorises every later process.
    assert_eq!(
        run(
            &home,
            "authorise Q pw1; authorise P pw2; pcu MDK.A; authorise P pw1; pcu MDK.A"
        )
        .0,
        [(8, 0xF262), WRONG_PASSWORD, UNAUTHORISED, OK, OK]
    );
    assert_eq!(run(&home, "pcu MDK.A").0, [OK]);
    // Deauthorisation, seen by a running process on its next call.
    let go = home.with_extension("go");
    let warm = home.with_extension("warm");
    let a = child::command(
        &home,
        &format!(
            "pcu MDK.A; touch {}; wait {}; pcu MDK.A",
            warm.display(),
            go.display()
        ),
        &[],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    while !warm.exists() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(run(&home, "deauthorise").0, [OK]);
    std::fs::write(&go, b"").unwrap();
    let out = a.wait_with_output().unwrap();
    assert_eq!(
        child::parse(&out.stdout, &out.stderr).0,
        [OK, OK, OK, UNAUTHORISED]
    );
    // An authorisation with an expiry ends by itself, in a running process too.
    let (codes, err) = run(
        &home,
        "authorise P pw1 1; pcu MDK.A; sleep 1100; pcu MDK.A; authorise P pw1 0",
    );
    assert_eq!(codes, [OK, OK, OK, UNAUTHORISED, (8, 0xF286)], "{err}");
    let _ = std::fs::remove_file(&go);
    let _ = std::fs::remove_file(&warm);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn wrong_passwords_are_counted_across_processes_and_lock_tries_out() {
    let home = temp_state("lockout");
    assert_eq!(run(&home, "load-mk; pbind P right").0, [OK, OK]);
    // Three free mistakes, each in its own process: the count is kept in the directory.
    for _ in 0..2 {
        assert_eq!(run(&home, "authorise P guess").0, [WRONG_PASSWORD]);
    }
    // The third failure starts a 1 s lock-out: even the right password is refused unhashed.
    assert_eq!(
        run(&home, "authorise P guess; authorise P right").0,
        [WRONG_PASSWORD, LOCKED]
    );
    // Parallel guessers are all counted (each try is counted before it is hashed).
    let mut children: Vec<_> = (0..4)
        .map(|_| {
            child::command(&home, "sleep 1100; authorise P guess", &[])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let results: Vec<(i32, i32)> = children
        .drain(..)
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            // The first line is the sleep's.
            child::parse(&out.stdout, &out.stderr).0[1]
        })
        .collect();
    let tried = results.iter().filter(|r| **r == WRONG_PASSWORD).count();
    assert!(
        tried == 1 && results.iter().all(|r| *r == WRONG_PASSWORD || *r == LOCKED),
        "{results:?}"
    );
    // After 3 + tried failures, the lock-out is 2^tried s: the right password is refused now.
    assert_eq!(run(&home, "authorise P right").0, [LOCKED]);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn deactivation_ends_the_authorisation() {
    let home = temp_state("partdeact");
    let (codes, err) = run(
        &home,
        "load-mk; store-pcu-mdk MDK.A; bind S; pbind P pw; authorise P pw; pcu MDK.A; deactivate; pcu MDK.A; activate S; pcu MDK.A",
    );
    assert_eq!(
        codes,
        [OK, OK, OK, OK, OK, OK, OK, (12, 0xF270), OK, UNAUTHORISED],
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&home);
}
