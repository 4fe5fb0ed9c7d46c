//! Attacks on Directory Backup (CSUABAK), Directory Restore (CSUARST) and the roles-only
//! CSUAACI INIT-AC, through the C entry points and the files a service account can reach
//! (docs/CSUABAK.md, docs/CSUARST.md, docs/security.md). Each test performs one attack and
//! checks that it fails: the backup directory swapped under the copy, paths that are not what
//! they seem, special files inside a backup, a file swapped after it was checked, a logon (in
//! this process or another) of a profile the restore removes, audit text injected through the
//! path, a full disk during a backup, a bound directory's restore without its SVMK, a restore
//! that would give a guesser new tries or lock every officer out, the lock-out rule counting
//! profiles nobody can log on as, DEFAULT given administration points; and one limit pinned (a
//! restore brings back a passphrase changed since). Children are this binary run again with
//! `--ignored --exact <child>`, each on a directory of its own.

mod common;
#[path = "common/path_call.rs"]
mod path_call;
use common::profiles::{aaci, aggregate, auth, date, logon, profile, role_structure, simple_in};
use common::verbs::{TEST_MK, load_master_key, setup};
use path_call::call_bytes;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use softcca::ffi::backup::{CSUABAK, CSUARST};

const OFFICER: &str = "OFFICER";
const PASS: &str = "attack officer passphrase";

/// A path attack: what it is, the path, CSUABAK's and CSUARST's codes.
type PathCase = (&'static str, Vec<u8>, (i32, i32), (i32, i32));

fn bak(path: &Path) -> (i32, i32) {
    call_bytes(CSUABAK, path.as_os_str().as_encoded_bytes())
}

fn rst(path: &Path) -> (i32, i32) {
    call_bytes(CSUARST, path.as_os_str().as_encoded_bytes())
}

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap())
}

/// A fresh path for a backup (its parent exists, it does not).
fn backup_path(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let parent = home().parent().unwrap().join("attack-backups");
    let _ = std::fs::create_dir(&parent);
    parent.join(format!("{tag}-{n}-{}", std::process::id()))
}

static ENROLLED: Once = Once::new();

/// The test binary's directory (legacy form: DEFAULT holds every point), a master key, the
/// officer's profile, and this thread logged on as the officer.
fn ready() -> std::sync::MutexGuard<'static, ()> {
    let g = setup("attack-backup");
    ENROLLED.call_once(|| {
        load_master_key(TEST_MK);
        let p = aggregate(&[simple_in(OFFICER, PASS, "DEFAULT")]);
        assert_eq!(aaci(&["INIT-AC", "REPLACE"], &p, &[]), (0, 0), "INIT-AC");
    });
    assert_eq!(logon(OFFICER, PASS), (0, 0), "logon");
    g
}

/// Every state file but the audit log, byte for byte.
fn state_files() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(home())
        .unwrap()
        .filter_map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (e.file_type().unwrap().is_file()
                && name != "audit.log"
                && !name.starts_with("softcca.gen"))
            .then(|| (name, std::fs::read(e.path()).unwrap()))
        })
        .collect();
    out.sort();
    out
}

/// Rewrites the manifest line of `file` in the backup at `path` with its present length and
/// SHA-256 (an unbound backup: no MAC to forge).
fn rehash(path: &Path, file: &str) {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path.join(file)).unwrap();
    let line = format!(
        "file {file} {} {}",
        bytes.len(),
        common::to_hex(&Sha256::digest(&bytes)).to_ascii_lowercase()
    );
    let text = std::fs::read_to_string(path.join("MANIFEST")).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&format!("file {file} ")) {
                line.clone()
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(path.join("MANIFEST"), out.join("\n") + "\n").unwrap();
}

/// Attack: the backup's parent is writable by the attacker (a shared spool directory, a
/// group-writable parent). The moment the new backup directory appears, the attacker renames
/// it away and puts a directory of their own at the path, holding empty files named like the
/// databases. A backup that opens its databases by path writes every page (clear master-key
/// registers of an unbound directory, passphrase hashes) into the attacker's files, and its
/// manifest and audit record describe a backup that is not there. The copy must go into the
/// directory the call created, whatever is renamed along the path.
#[test]
fn a_backup_directory_swapped_during_the_copy_receives_no_page() {
    let _g = ready();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut tries = 0;
    let mut swapped = 0;
    while tries < 25 && Instant::now() < deadline {
        tries += 1;
        let path = backup_path("swap");
        let moved = path.with_extension("moved");
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let attacker = {
            let (path, moved, stop) = (path.clone(), moved.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if std::fs::rename(&path, &moved).is_ok() {
                        std::fs::create_dir(&path).unwrap();
                        for f in ["masterkey.db", "ckds.db", "access.db", "sets.db"] {
                            let p = path.join(f);
                            std::fs::write(&p, b"").unwrap();
                            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o666))
                                .unwrap();
                        }
                        return true;
                    }
                    std::hint::spin_loop();
                }
                false
            })
        };
        let got = bak(&path);
        stop.store(true, Ordering::SeqCst);
        if !attacker.join().unwrap() {
            continue;
        }
        swapped += 1;
        for f in ["masterkey.db", "ckds.db", "access.db", "sets.db"] {
            let leaked = std::fs::metadata(path.join(f))
                .map(|m| m.len())
                .unwrap_or(0);
            assert_eq!(
                leaked, 0,
                "try {tries}: the backup ({got:?}) wrote {f} into the attacker's directory"
            );
        }
        // The call either wrote its backup where it created it or failed; the attacker's
        // directory holds only what the attacker put there.
        let mut theirs: Vec<String> = std::fs::read_dir(&path)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        theirs.sort();
        assert!(
            theirs.iter().all(|n| n.ends_with(".db")),
            "try {tries}: {got:?} wrote {theirs:?} into the attacker's directory"
        );
        if got == (0, 0) {
            assert!(moved.join("MANIFEST").exists(), "try {tries}: backup lost");
        }
        let _ = std::fs::remove_dir_all(&path);
        let _ = std::fs::remove_dir_all(&moved);
    }
    assert!(
        swapped > 0,
        "the attacker never won the race in {tries} tries"
    );
}

/// Attack: paths that are not what they seem, for both verbs: relative, `..`, a trailing
/// `/`, a NUL byte, overlong, a name longer than a file system allows, a symbolic link or a
/// FIFO as the last component, the state directory itself. Each is refused with its
/// documented code and changes no state file.
#[test]
fn paths_that_are_not_a_new_directory_or_a_backup_are_refused() {
    let _g = ready();
    let before = state_files();
    let base = backup_path("paths");
    std::fs::create_dir(&base).unwrap();
    let good = base.join("good");
    assert_eq!(bak(&good), (0, 0));
    let link = base.join("link");
    std::os::unix::fs::symlink(&good, &link).unwrap();
    let fifo = base.join("fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let g = good.as_os_str().as_encoded_bytes().to_vec();
    let with = |tail: &[u8]| [&g[..], tail].concat();
    let mut nul = g.clone();
    nul.insert(3, 0);
    let long_name = [base.as_os_str().as_encoded_bytes(), b"/", &[b'a'; 300][..]].concat();
    let mut overlong = b"/".to_vec();
    overlong.extend(std::iter::repeat_n(b'a', 1024));
    let state = home().as_os_str().as_encoded_bytes().to_vec();
    let cases: Vec<PathCase> = vec![
        ("relative", b"backups/x".to_vec(), (8, 0xF340), (8, 0xF340)),
        ("dot-dot", with(b"/.."), (8, 0xF340), (8, 0xF343)),
        ("dot", with(b"/."), (8, 0xF340), (8, 0xF343)),
        ("trailing slash", with(b"/"), (8, 0xF340), (8, 0xF343)),
        ("nul", nul, (8, 0xF340), (8, 0xF340)),
        ("overlong", overlong, (8, 72), (8, 72)),
        ("name too long", long_name, (8, 0xF340), (8, 0xF343)),
        (
            "symlink",
            link.as_os_str().as_encoded_bytes().to_vec(),
            (8, 0xF341),
            (8, 0xF343),
        ),
        (
            "fifo",
            fifo.as_os_str().as_encoded_bytes().to_vec(),
            (8, 0xF341),
            (8, 0xF343),
        ),
        ("the state directory", state, (8, 0xF341), (8, 0xF343)),
    ];
    for (what, p, b, r) in &cases {
        assert_eq!(call_bytes(CSUABAK, p), *b, "backup to {what}");
        assert_eq!(call_bytes(CSUARST, p), *r, "restore from {what}");
    }
    // The symbolic link still points at the good backup, untouched; the FIFO is a FIFO.
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_dir(home().join("..")).is_ok());
    assert_eq!(state_files(), before, "a refused path changed a state file");
}

/// Attack: special files inside a backup, each with the manifest made to list it where it
/// must: a FIFO as `ckds.db` (a restore that opened it blocking would hang), a symbolic link
/// to the live directory's own file, a directory, a hard link to another file of the backup
/// under an unlisted name. Each is 8/X'F344' and changes no state file; the call returns.
#[test]
fn special_files_inside_a_backup_are_refused_and_never_block() {
    let _g = ready();
    let good = backup_path("special");
    assert_eq!(bak(&good), (0, 0));
    let before = state_files();
    let copy = |tag: &str| {
        let p = backup_path(tag);
        std::fs::create_dir(&p).unwrap();
        for e in std::fs::read_dir(&good).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), p.join(e.file_name())).unwrap();
        }
        p
    };
    // A FIFO as ckds.db.
    let fifo = copy("fifo");
    std::fs::remove_file(fifo.join("ckds.db")).unwrap();
    let c = std::ffi::CString::new(fifo.join("ckds.db").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // A symbolic link to the live file, the hash made to match it.
    let link = copy("link");
    std::fs::remove_file(link.join("access.db")).unwrap();
    std::os::unix::fs::symlink(home().join("access.db"), link.join("access.db")).unwrap();
    rehash(&link, "access.db");
    // A directory as acp.conf.
    let dir = copy("dir");
    std::fs::remove_file(dir.join("acp.conf")).unwrap();
    std::fs::create_dir(dir.join("acp.conf")).unwrap();
    // A hard link under a name the manifest does not list.
    let hard = copy("hard");
    std::fs::hard_link(hard.join("ckds.db"), hard.join("ckds.db-journal")).unwrap();
    for p in [&fifo, &link, &dir, &hard] {
        let t = Instant::now();
        assert_eq!(rst(p), (8, 0xF344), "{}", p.display());
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{} blocked",
            p.display()
        );
    }
    assert_eq!(
        state_files(),
        before,
        "a refused backup changed a state file"
    );
    assert!(
        !home().join(".softcca-restore").exists(),
        "staging left behind"
    );
}

/// Attack (TOCTOU): while restores of a good backup run, another thread keeps swapping its
/// `access.db` (by rename, as an attacker with write access to the backup would) with the
/// `access.db` of a second, genuine backup of the same directory that holds an extra profile
/// (EVIL). The hash is checked on the bytes copied, so a restore either restores the good
/// backup or refuses (8/X'F344'): EVIL never appears.
#[test]
fn a_file_swapped_after_the_check_is_never_restored() {
    let _g = ready();
    let good = backup_path("toctou-good");
    assert_eq!(bak(&good), (0, 0));
    let evil_profile = aggregate(&[simple_in("EVIL", "evil passphrase", "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &evil_profile, &[]), (0, 0));
    let evil = backup_path("toctou-evil");
    assert_eq!(bak(&evil), (0, 0));
    assert_eq!(rst(&good), (0, 0), "EVIL removed again");
    assert_ne!(logon("EVIL", "evil passphrase"), (0, 0));
    assert_eq!(logon(OFFICER, PASS), (0, 0));
    let good_db = std::fs::read(good.join("access.db")).unwrap();
    let evil_db = std::fs::read(evil.join("access.db")).unwrap();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let swapper = {
        let (good, stop) = (good.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let bytes = if n.is_multiple_of(2) {
                    &evil_db
                } else {
                    &good_db
                };
                let tmp = good.join(".swap");
                std::fs::write(&tmp, bytes).unwrap();
                std::fs::rename(&tmp, good.join("access.db")).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_micros(200));
            }
            std::fs::write(good.join("access.db"), &good_db).unwrap();
        })
    };
    let (mut ok, mut refused) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while ok + refused < 20 && Instant::now() < deadline {
        match rst(&good) {
            (0, 0) => ok += 1,
            (8, 0xF344) => refused += 1,
            other => panic!("restore during the swaps: {other:?}"),
        }
        let rc = logon("EVIL", "evil passphrase");
        assert_ne!(rc, (0, 0), "the swapped-in access.db was restored");
        assert_eq!(logon(OFFICER, PASS), (0, 0));
    }
    stop.store(true, Ordering::SeqCst);
    swapper.join().unwrap();
    assert!(refused > 0, "the swaps were never seen ({ok} restores)");
}

/// Attack: a thread logged on as a profile that the backup does not hold keeps its logon
/// after the restore took the profile away (in this process and in another thread), and so
/// keeps using a role through a profile that does not exist. Its next call is refused with
/// 8/X'F31C' and it is on DEFAULT from then on.
#[test]
fn a_logon_of_a_profile_the_restore_removes_ends_at_the_next_call() {
    let _g = ready();
    let path = backup_path("logon");
    assert_eq!(bak(&path), (0, 0), "backup without LATE and LATE2");
    let late = aggregate(&[
        simple_in("LATE", "late passphrase", "DEFAULT"),
        simple_in("LATE2", "late passphrase two", "DEFAULT"),
    ]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &late, &[]), (0, 0));
    // Another thread logged on as LATE2, waiting for the restore.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let (back_tx, back_rx) = std::sync::mpsc::channel::<(i32, i32)>();
    let other = std::thread::spawn(move || {
        assert_eq!(logon("LATE2", "late passphrase two"), (0, 0));
        back_tx.send((0, 0)).unwrap();
        rx.recv().unwrap();
        let probe = backup_path("logon-probe");
        back_tx.send(bak(&probe)).unwrap();
    });
    assert_eq!(back_rx.recv().unwrap(), (0, 0));
    // This thread restores as LATE, whom the backup does not hold.
    assert_eq!(logon("LATE", "late passphrase"), (0, 0));
    assert_eq!(rst(&path), (0, 0));
    let probe = backup_path("logon-probe-self");
    assert_eq!(
        bak(&probe),
        (8, 0xF31C),
        "LATE's logon survived the restore"
    );
    assert_eq!(bak(&probe), (8, 90), "logged off: DEFAULT, no logon");
    tx.send(()).unwrap();
    assert_eq!(
        back_rx.recv().unwrap(),
        (8, 0xF31C),
        "LATE2's logon survived"
    );
    other.join().unwrap();
    assert_ne!(logon("LATE", "late passphrase"), (0, 0));
    // The record names the officer who restored (LATE), not whoever the backup holds.
    let log = std::fs::read_to_string(home().join("audit.log")).unwrap();
    let rec = log
        .lines()
        .rev()
        .find(|l| l.contains("op=CSUARST"))
        .unwrap();
    assert!(rec.contains("d.by=LATE ") && rec.contains("rc=0 "), "{rec}");
}

/// Attack: audit text injected through the path. The path is the caller's bytes; one with a
/// space, `d.by=`, a newline and a forged record must appear percent-encoded in one record,
/// which still names the real officer; the log still verifies (CSUAAVF).
#[test]
fn a_path_cannot_forge_audit_fields_or_records() {
    let _g = ready();
    let base = backup_path("audit");
    std::fs::create_dir(&base).unwrap();
    let evil = base.join("x d.by=ROOT\nop=CSUARST rc=0 d.by=ROOT");
    let before = std::fs::read_to_string(home().join("audit.log")).unwrap();
    assert_eq!(bak(&evil), (0, 0));
    let after = std::fs::read_to_string(home().join("audit.log")).unwrap();
    let new: Vec<&str> = after[before.len()..].lines().collect();
    assert_eq!(new.len(), 1, "{new:?}");
    let by: Vec<&str> = new[0]
        .split(' ')
        .filter(|f| f.starts_with("d.by="))
        .collect();
    assert_eq!(by, [format!("d.by={OFFICER}")], "{}", new[0]);
    assert!(
        new[0].contains("%0Aop=CSUARST%20rc=0%20d.by=ROOT"),
        "{}",
        new[0]
    );
    assert_eq!(rst(&evil), (0, 0));
    let all = std::fs::read_to_string(home().join("audit.log")).unwrap();
    assert!(
        !all.lines().any(|l| l.starts_with("op=")),
        "a forged record line"
    );
}

/// Runs the ignored test `child` of this binary in a child process with `ATTACK_HOME=home`:
/// its standard output, after checking that it succeeded.
fn run_child(child: &str, home: &Path) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            child,
            "--test-threads=1",
            "--nocapture",
        ])
        .env("ATTACK_HOME", home)
        .env("SOFTCCA_ACP_RECHECK_MS", "0")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{child}: {text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// Child of [`roles_only_init_ac_never_counts_a_profile_that_cannot_log_on`].
#[test]
#[ignore]
fn child_roles_only_lock_out() {
    let Ok(h) = std::env::var("ATTACK_HOME") else {
        return;
    };
    // SAFETY (test): before any verb call of this process.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &h);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
    }
    let secoff: Vec<u16> = vec![0x0112, 0x0113, 0x0114, 0x0115, 0x0116, 0x0117, 0x0118];
    let role = |id: &str, strength: u16, points: &[u16]| {
        role_structure(id, strength, ((0, 0), (23, 59)), 0xFE, 0, 32, points)
    };
    let officer = simple_in("SECOFF1", "officer one", "SECOFF");
    assert_eq!(
        aaci(&["INIT-AC"], &aggregate(&[officer]), &[]),
        (0, 0),
        "bootstrap"
    );
    assert_eq!(logon("SECOFF1", "officer one"), (0, 0));
    // Profiles no one can log on as, each in a role of its own that holds X'0112' at
    // strength 0: one with no mechanism, one expired, one whose only mechanism expired.
    let ghosts = [
        (
            "GHOSTA",
            "GHOSTR1",
            profile(
                "GHOSTA",
                "GHOSTR1",
                date(2020, 1, 1),
                date(2099, 12, 31),
                &auth(&[]),
            ),
        ),
        (
            "GHOSTB",
            "GHOSTR2",
            profile(
                "GHOSTB",
                "GHOSTR2",
                date(2020, 1, 1),
                date(2021, 1, 1),
                &auth(&[common::profiles::pass_mech("ghost b passphrase")]),
            ),
        ),
        (
            "GHOSTC",
            "GHOSTR3",
            profile(
                "GHOSTC",
                "GHOSTR3",
                date(2020, 1, 1),
                date(2099, 12, 31),
                &auth(&[common::profiles::mech(
                    0x0001,
                    1,
                    date(2021, 1, 1),
                    &common::profiles::sha1("ghost c passphrase"),
                )]),
            ),
        ),
    ];
    let stripped: Vec<u16> = secoff.iter().copied().filter(|p| *p != 0x0112).collect();
    for (user, r, p) in &ghosts {
        let loaded = aaci(
            &["INIT-AC"],
            &aggregate(std::slice::from_ref(p)),
            &role(r, 0, &[0x0112]),
        );
        if loaded != (0, 0) {
            println!("{user}: not loadable {loaded:?}");
            continue;
        }
        assert_ne!(logon(user, "ghost b passphrase"), (0, 0));
        assert_ne!(logon(user, "ghost c passphrase"), (0, 0));
        assert_eq!(logon("SECOFF1", "officer one"), (0, 0));
        let acp = std::fs::read(Path::new(&h).join("acp.conf")).unwrap();
        assert_eq!(
            aaci(&["INIT-AC"], &[0; 8], &role("SECOFF", 1, &stripped)),
            (8, 0xF32A),
            "X'0112' stripped from SECOFF while only {user} (who cannot log on) holds it"
        );
        assert_eq!(std::fs::read(Path::new(&h).join("acp.conf")).unwrap(), acp);
        // Its role loses the point again, so the next ghost is the only other holder.
        assert_eq!(aaci(&["INIT-AC"], &[0; 8], &role(r, 0, &[0x0116])), (0, 0));
    }
    // DEL-PROF of the last officer who can log on, while the expired GHOSTB's role holds
    // X'0112': refused as well.
    assert_eq!(
        aaci(&["INIT-AC"], &[0; 8], &role("GHOSTR2", 0, &[0x0112])),
        (0, 0)
    );
    let second = simple_in("SECOFF2", "officer two", "SECOFF");
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[second]), &[]), (0, 0));
    assert_eq!(
        common::profiles::aacm("DEL-PROF", "SECOFF1", 0).0,
        (0, 0),
        "SECOFF2 is left"
    );
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0));
    assert_eq!(
        common::profiles::aacm("DEL-PROF", "SECOFF2", 0).0,
        (8, 0xF32A),
        "the last officer deleted while only the expired GHOSTB holds X'0112'"
    );
    // SECOFF2, the last officer who can log on, dated into the past or given only an expired
    // mechanism (finding B5): refused as well; a valid change is fine.
    let id2 = common::profiles::id8("SECOFF2");
    assert_eq!(
        aaci(&["CHGEXPDT"], &id2, b"20210101"),
        (8, 0xF32A),
        "expired"
    );
    let expired = auth(&[common::profiles::mech(
        0x0001,
        1,
        date(2021, 1, 1),
        &common::profiles::sha1("officer two"),
    )]);
    assert_eq!(
        aaci(&["CHG-AD"], &id2, &expired),
        (8, 0xF32A),
        "mechanism expired"
    );
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0), "SECOFF2 unchanged");
    assert_eq!(aaci(&["CHGEXPDT"], &id2, b"20980101"), (0, 0));
    let renewed = auth(&[common::profiles::pass_mech("officer two")]);
    assert_eq!(aaci(&["CHG-AD"], &id2, &renewed), (0, 0));
    // DEFAULT given X'0112' (or another point that changes profiles or roles) by a roles-only
    // INIT-AC: every caller that has not logged on could then administer, anonymously.
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0));
    for p in [0x0112u16, 0x0113, 0x0114, 0x0115, 0x0117, 0x0118] {
        let acp = std::fs::read(Path::new(&h).join("acp.conf")).unwrap();
        assert_eq!(
            aaci(&["INIT-AC"], &[0; 8], &role("DEFAULT", 0, &[0x0116, p])),
            (8, 0xF348),
            "DEFAULT given X'{p:04X}'"
        );
        assert_eq!(std::fs::read(Path::new(&h).join("acp.conf")).unwrap(), acp);
    }
    common::profiles::logoff();
    let intruder = aggregate(&[simple_in("INTRUDER", "no logon needed", "SECOFF")]);
    assert_eq!(
        aaci(&["INIT-AC"], &intruder, &[]),
        (8, 90),
        "DEFAULT runs INIT-AC"
    );
    // A role that reads only is fine for DEFAULT.
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0));
    assert_eq!(
        aaci(&["INIT-AC"], &[0; 8], &role("DEFAULT", 0, &[0x0116])),
        (0, 0)
    );
    println!("lock-out checks done");
}

/// Attack (D85, D89): the lock-out rule of a roles-only INIT-AC counts a role as able to
/// INIT-AC when a profile names it. An officer loads a profile no one can log on as (no mechanism,
/// expired, or whose only mechanism expired) in a role holding X'0112', then strips X'0112'
/// from SECOFF: if the rule counted the ghost, the edit would leave nobody able to administer
/// the directory. And a roles-only INIT-AC that gives DEFAULT a point changing profiles or
/// roles (every caller without a logon could then administer, anonymously): 8/X'F348'. Run in
/// a child with a directory of the shipped roles.
#[test]
fn roles_only_init_ac_never_counts_a_profile_that_cannot_log_on() {
    let _g = ready();
    let h = common::fresh_state("attack-lockout");
    let text = run_child("child_roles_only_lock_out", &h);
    assert!(text.contains("lock-out checks done"), "{text}");
}

/// Child of [`a_restore_never_leaves_nobody_able_to_administer`].
#[test]
#[ignore]
fn child_restore_lock_out() {
    let Ok(h) = std::env::var("ATTACK_HOME") else {
        return;
    };
    // SAFETY (test): before any verb call of this process.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &h);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "0");
    }
    let h = PathBuf::from(h);
    let one = simple_in("SECOFF1", "officer one", "SECOFF");
    assert_eq!(
        aaci(&["INIT-AC"], &aggregate(&[one]), &[]),
        (0, 0),
        "bootstrap"
    );
    assert_eq!(logon("SECOFF1", "officer one"), (0, 0));
    let path = h.with_extension(format!("bak-{}", std::process::id()));
    assert_eq!(bak(&path), (0, 0), "backup with SECOFF1 only");
    let two = simple_in("SECOFF2", "officer two", "SECOFF");
    assert_eq!(aaci(&["INIT-AC"], &aggregate(&[two]), &[]), (0, 0));
    // SECOFF1 locked by three wrong guesses (a guesser's or a mistake).
    for _ in 0..3 {
        assert_ne!(logon("SECOFF1", "a guess"), (0, 0));
    }
    assert_eq!(logon("SECOFF1", "officer one"), (8, 0xF311), "locked");
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0));
    // The backup holds only SECOFF1, who stays locked (a restore keeps failure counts): it
    // would leave nobody able to log on into a role with X'0112'.
    let before = (
        std::fs::read(h.join("acp.conf")).unwrap(),
        std::fs::read(h.join("access.db")).unwrap(),
    );
    assert_eq!(rst(&path), (8, 0xF32A), "a restore that locks everyone out");
    let after = (
        std::fs::read(h.join("acp.conf")).unwrap(),
        std::fs::read(h.join("access.db")).unwrap(),
    );
    assert!(
        before == after,
        "a refused restore changed acp.conf or access.db"
    );
    assert_eq!(logon("SECOFF2", "officer two"), (0, 0), "SECOFF2 kept");
    // With SECOFF1 unlocked the same restore is fine.
    assert_eq!(
        aaci(&["RESET-FC"], &common::profiles::id8("SECOFF1"), &[]),
        (0, 0)
    );
    assert_eq!(rst(&path), (0, 0));
    assert_eq!(logon("SECOFF1", "officer one"), (0, 0));
    println!("restore lock-out checks done");
}

/// Attack: a restore as a lock-out. The backup holds only officers who are locked now (a
/// restore keeps the higher failure count, so they stay locked) or have expired: restoring it
/// would leave nobody able to log on into a role holding X'0112', so nobody able to RESET-FC or
/// administer the directory (recovery offline only). Refused 8/X'F32A', nothing changed, like
/// the edits of D75/D87. Run in a child with a directory of the shipped roles.
#[test]
fn a_restore_never_leaves_nobody_able_to_administer() {
    let _g = ready();
    let h = common::fresh_state("attack-restore-lockout");
    let text = run_child("child_restore_lock_out", &h);
    assert!(text.contains("restore lock-out checks done"), "{text}");
}

/// Limit, pinned (docs/CSUARST.md "Rollback", D83): a restore brings back what the backup
/// holds, also a passphrase changed since (the response to a leak) and a profile deleted since.
/// The leaked passphrase logs on again after the restore; the audit records of the CHG-AD and
/// the CSUARST are what shows it. When this test fails, a restore stopped rolling credentials
/// back: update docs/CSUARST.md.
#[test]
fn limit_a_restore_brings_back_a_passphrase_changed_since() {
    let _g = ready();
    let p = aggregate(&[simple_in("LEAKED", "the leaked one", "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &p, &[]), (0, 0));
    let path = backup_path("passphrase");
    assert_eq!(bak(&path), (0, 0));
    // The leak is answered: a new passphrase.
    let new = auth(&[common::profiles::pass_mech("the new one")]);
    assert_eq!(
        aaci(&["CHG-AD"], &common::profiles::id8("LEAKED"), &new),
        (0, 0)
    );
    assert_ne!(logon("LEAKED", "the leaked one"), (0, 0));
    assert_eq!(logon(OFFICER, PASS), (0, 0));
    assert_eq!(rst(&path), (0, 0));
    assert_eq!(
        logon("LEAKED", "the leaked one"),
        (0, 0),
        "the restore no longer brings back the old passphrase: update docs/CSUARST.md"
    );
    let log = std::fs::read_to_string(home().join("audit.log")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("op=CSUAACI") && l.contains("d.user=LEAKED"))
    );
    assert!(
        log.lines()
            .any(|l| l.contains("op=CSUARST") && l.contains("rc=0 "))
    );
    assert_eq!(logon(OFFICER, PASS), (0, 0));
}

/// Child of [`a_logon_in_another_process_ends_when_the_restore_removes_its_profile`]: logs on
/// as LATE3 in the parent's directory (`ATTACK_HOME`), signals, waits, then calls CSUABAK and
/// prints its codes.
#[test]
#[ignore]
fn child_logged_on_elsewhere() {
    let (Ok(h), Ok(sig)) = (
        std::env::var("ATTACK_HOME"),
        std::env::var("ATTACK_SIGNALS"),
    ) else {
        return;
    };
    // SAFETY (test): before any verb call of this process.
    unsafe { std::env::set_var("SOFTCCA_HOME", &h) };
    let sig = PathBuf::from(sig);
    assert_eq!(logon("LATE3", "late passphrase three"), (0, 0));
    // A warm call first: this process's caches and its logon check are fresh.
    let warm = sig.join("warm-backup");
    assert_eq!(bak(&warm), (0, 0));
    std::fs::write(sig.join("ready"), b"").unwrap();
    let t = Instant::now();
    while !sig.join("go").exists() {
        assert!(t.elapsed() < Duration::from_secs(30), "no go signal");
        std::thread::sleep(Duration::from_millis(5));
    }
    let (rc, rs) = bak(&sig.join("after-restore"));
    println!("codes {rc} {rs}");
}

/// Attack: another process logged on as a profile the backup does not hold (its logon checked
/// a moment ago, its revalidation interval an hour) keeps its role after the restore removed
/// the profile. Its next call is refused 8/X'F31C': the restore moves the profiles counter
/// every process reads at each call.
#[test]
fn a_logon_in_another_process_ends_when_the_restore_removes_its_profile() {
    let _g = ready();
    let path = backup_path("elsewhere");
    assert_eq!(bak(&path), (0, 0), "backup without LATE3");
    let late = aggregate(&[simple_in("LATE3", "late passphrase three", "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &late, &[]), (0, 0));
    let sig = backup_path("elsewhere-signals");
    std::fs::create_dir(&sig).unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_logged_on_elsewhere",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("ATTACK_HOME", home())
        .env("ATTACK_SIGNALS", &sig)
        .env("SOFTCCA_REVALIDATE_MS", "3600000")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !sig.join("ready").exists() {
        assert!(t.elapsed() < Duration::from_secs(30), "child never ready");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(rst(&path), (0, 0));
    std::fs::write(sig.join("go"), b"").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("codes 8 {}", 0xF31C)),
        "the other process's logon survived the restore: {text}"
    );
    assert!(!sig.join("after-restore").exists());
}

/// Child of [`a_restore_never_gives_a_partition_password_guesser_new_tries`]: its own
/// directory (`ATTACK_HOME`, legacy form), bound to a partition.
#[test]
#[ignore]
fn child_partition_tries() {
    let Ok(h) = std::env::var("ATTACK_HOME") else {
        return;
    };
    common::write_legacy_acp(Path::new(&h));
    // SAFETY (test): before any verb call of this process.
    unsafe { std::env::set_var("SOFTCCA_HOME", &h) };
    use softcca::custody::{SecretKind, directory as d};
    let cp = softcca::state::Coprocessor::global().unwrap();
    load_master_key(TEST_MK);
    let part = common::child::test_secret("P");
    d::bind_partition(cp, &part, SecretKind::Partition, b"right").unwrap();
    let p = aggregate(&[simple_in(OFFICER, PASS, "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &p, &[]), (0, 0));
    assert_eq!(logon(OFFICER, PASS), (0, 0));
    let path = PathBuf::from(format!("{h}.bak"));
    assert_eq!(bak(&path), (0, 0), "backup with no wrong password counted");
    // Two wrong guesses (free), then the backup restored: the count must stay at 2.
    for _ in 0..2 {
        assert_eq!(
            d::authorise(cp, &part, b"guess", None).err(),
            Some(softcca::Error::PartitionWrongPassword)
        );
    }
    assert_eq!(rst(&path), (0, 0));
    assert_eq!(
        d::authorise(cp, &part, b"guess", None).err(),
        Some(softcca::Error::PartitionWrongPassword)
    );
    assert_eq!(
        d::authorise(cp, &part, b"right", None).err(),
        Some(softcca::Error::PartitionLocked),
        "the restore reset the partition password's failure count"
    );
    println!("partition checks done");
}

/// Attack: a guesser of the partition password uses its free tries, then has an officer
/// restore a backup taken before them, to get the tries back. The restore keeps the higher
/// count and the lock (docs/CSUARST.md): the third wrong guess still locks.
#[test]
fn a_restore_never_gives_a_partition_password_guesser_new_tries() {
    let _g = ready();
    let h = common::fresh_state("attack-partition");
    let text = run_child("child_partition_tries", &h);
    assert!(text.contains("partition checks done"), "{text}");
}

/// Child of [`a_backup_that_cannot_be_written_leaves_nothing`]: its own directory
/// (`ATTACK_HOME`, legacy form) and a file-size limit below `masterkey.db`'s size.
#[test]
#[ignore]
fn child_full_disk() {
    let Ok(h) = std::env::var("ATTACK_HOME") else {
        return;
    };
    common::write_legacy_acp(Path::new(&h));
    // SAFETY (test): before any verb call of this process.
    unsafe { std::env::set_var("SOFTCCA_HOME", &h) };
    load_master_key(TEST_MK);
    let p = aggregate(&[simple_in(OFFICER, PASS, "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &p, &[]), (0, 0));
    assert_eq!(logon(OFFICER, PASS), (0, 0));
    let mk = std::fs::metadata(Path::new(&h).join("masterkey.db"))
        .unwrap()
        .len();
    let log = std::fs::metadata(Path::new(&h).join("audit.log"))
        .unwrap()
        .len();
    let limit = mk - 1;
    assert!(
        log + 2048 < limit,
        "audit.log {log} too large for the limit {limit}"
    );
    let path = PathBuf::from(format!("{h}.full"));
    // SAFETY: plain system calls on valid, owned structures; this child runs one thread.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let mut old = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut old), 0);
        let lim = libc::rlimit {
            rlim_cur: limit,
            rlim_max: old.rlim_max,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
    assert_eq!(bak(&path), (12, 0xF342), "a backup on a full disk");
    assert!(!path.exists(), "a failed backup left {}", path.display());
    let rec = std::fs::read_to_string(Path::new(&h).join("audit.log")).unwrap();
    let rec = rec.lines().last().unwrap();
    assert!(
        rec.contains("op=CSUABAK") && rec.contains("rc=12 "),
        "{rec}"
    );
    println!("full disk checks done");
}

/// Attack: a backup that fails half way (a full disk: a file-size limit below
/// `masterkey.db`'s size) leaves part of a backup behind, which a later restore or a careless
/// operator might take for a whole one. 12/X'F342', nothing at the path, one audit record.
#[test]
fn a_backup_that_cannot_be_written_leaves_nothing() {
    let _g = ready();
    let h = common::fresh_state("attack-full");
    let text = run_child("child_full_disk", &h);
    assert!(text.contains("full disk checks done"), "{text}");
}

/// Child of [`a_bound_directory_restores_only_while_its_svmk_is_active`]: its own directory
/// (`ATTACK_HOME`, legacy form) bound to an SVMK. Prints `skipped` without a kernel keyring.
#[test]
#[ignore]
fn child_bound_inactive() {
    let Ok(h) = std::env::var("ATTACK_HOME") else {
        return;
    };
    common::write_legacy_acp(Path::new(&h));
    // SAFETY (test): before any verb call of this process.
    unsafe { std::env::set_var("SOFTCCA_HOME", &h) };
    use softcca::custody::{SecretKind, directory as d};
    let cp = softcca::state::Coprocessor::global().unwrap();
    let svmk = common::child::test_secret("K");
    match d::bind(cp, &svmk, SecretKind::ServerMasterKey) {
        Ok(()) => {}
        Err(softcca::Error::KeyringUnavailable) => {
            println!("skipped: no kernel keyring");
            return;
        }
        Err(e) => panic!("bind: {e}"),
    }
    load_master_key(TEST_MK);
    let p = aggregate(&[simple_in(OFFICER, PASS, "DEFAULT")]);
    assert_eq!(aaci(&["INIT-AC", "REPLACE"], &p, &[]), (0, 0));
    assert_eq!(logon(OFFICER, PASS), (0, 0));
    let path = PathBuf::from(format!("{h}.bak"));
    assert_eq!(bak(&path), (0, 0));
    let files = |dir: &str| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                e.file_type().unwrap().is_file()
                    && n != "audit.log"
                    && !n.starts_with("softcca.gen")
            })
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    d::deactivate(cp).unwrap();
    let before = files(&h);
    assert_eq!(rst(&path), (12, 0xF270), "restore without the SVMK");
    assert!(
        files(&h) == before,
        "a refused restore changed a state file"
    );
    d::activate(cp, &svmk).unwrap();
    assert_eq!(rst(&path), (0, 0), "restore with the SVMK active again");
    // Nothing of this directory left in the keyring.
    d::deactivate(cp).unwrap();
    println!("bound inactive checks done");
}

/// Attack: restore a bound directory's backup while its SVMK is not active (after a
/// deactivation or a reboot), hoping the MAC check is skipped when its key cannot be derived.
/// 12/X'F270', no state file changed; once activated again the restore works.
#[test]
fn a_bound_directory_restores_only_while_its_svmk_is_active() {
    let _g = ready();
    let h = common::fresh_state("attack-bound-inactive");
    let text = run_child("child_bound_inactive", &h);
    assert!(
        text.contains("bound inactive checks done") || text.contains("skipped: no kernel keyring"),
        "{text}"
    );
}
