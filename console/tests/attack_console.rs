//! An auditor's attacks on the console itself (session 16 review): the process's memory seen
//! from outside, the `--…-fd` descriptors pointed at what they should not be, and escape
//! sequences sent to the operator's terminal. Each test performs the attack.

mod common;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{CONSOLE, OFFICER, legacy_home, roles_home, run, scratch, snapshot};

/// Waits for `child` up to `limit`; kills it (and fails) if it is still running.
fn wait_bounded(mut child: Child, limit: Duration) -> (i32, String, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let (mut out, mut err) = (String::new(), String::new());
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code().unwrap_or(-1), out, err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the console still runs after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether `pid` is the console, asleep (blocked reading its secret).
fn blocked_console(pid: u32) -> bool {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    comm.trim() == "softcca-console" && status.contains("State:\tS")
}

/// Another process of the operator's own user reads the console's environment (and could
/// read its memory, /proc/<pid>/mem, or ptrace it) while it waits for a passphrase; and a crash
/// would leave a core file with the secrets in it. The console makes itself non-dumpable
/// first thing: /proc/<pid>/environ is then closed to the same user. Both processes run as
/// `nobody` (the tests run as root, who may read anything).
#[test]
fn another_process_of_the_same_user_cannot_read_the_consoles_memory() {
    let home = scratch("dumpable");
    let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let mut child = Command::new("setpriv")
        .args(nobody)
        .arg(CONSOLE)
        .arg("--home")
        .arg(&home)
        .args(["--user", "SECOFF1", "--logon-fd", "0", "status"])
        .env("ATTACK_MARK", "marker-in-the-environment")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("setpriv");
    let pid = child.id();
    let start = Instant::now();
    while !blocked_console(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the console never waited"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let spy = Command::new("setpriv")
        .args(nobody)
        .args(["cat", &format!("/proc/{pid}/environ")])
        .output()
        .unwrap();
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        !String::from_utf8_lossy(&spy.stdout).contains("marker-in-the-environment"),
        "a process of the same user read the console's environment"
    );
    assert!(!spy.status.success(), "reading /proc/<pid>/environ worked");
}

/// `--logon-fd 3` names a FIFO whose writer has already written the passphrase and gone: the
/// console opened /proc/self/fd/3 again, and opening a FIFO for reading with no writer blocks
/// for ever. It must read the line and go on (here: the logon of an unknown user is refused).
#[test]
fn a_fifo_whose_writer_has_gone_does_not_hang_the_console() {
    let home = legacy_home("fifo");
    let fifo = home.join("..").join(format!("fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, b"a passphrase\n").unwrap())
    };
    let child = Command::new("sh")
        .arg("-c")
        .arg(r#"exec 3<"$1"; sleep 0.5; exec "$0" --home "$2" --user NOBODY1 --logon-fd 3 status"#)
        .arg(CONSOLE)
        .arg(&fifo)
        .arg(&home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, _, err) = wait_bounded(child, Duration::from_secs(15));
    writer.join().unwrap();
    let _ = std::fs::remove_file(&fifo);
    assert_eq!(code, 8, "the logon is the library's to refuse: {err}");
    assert!(err.contains("CSUALCT"), "{err}");
}

/// `run -` reads its commands from standard input; a line asking for a secret from descriptor
/// 0 too made the console open standard input again: from a file, at its start, so the
/// passphrase sent to CSUALCT was the first command line, and every such run counted a failed
/// logon (three lock the officer out). Refused now: exit 2, nothing changed.
#[test]
fn run_from_standard_input_refuses_a_secret_from_standard_input() {
    let home = roles_home("run-fd0");
    let script = home
        .join("..")
        .join(format!("run-fd0-{}", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "logon --user {} --logon-fd 0\n{}\nstatus\n",
            OFFICER.0, OFFICER.1
        ),
    )
    .unwrap();
    let before = snapshot(&home);
    let out = Command::new(CONSOLE)
        .arg("--home")
        .arg(&home)
        .args(["run", "-"])
        .stdin(std::fs::File::open(&script).unwrap())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("run -"), "{err}");
    assert!(!err.contains(OFFICER.1) && !String::from_utf8_lossy(&out.stdout).contains(OFFICER.1));
    assert!(snapshot(&home) == before, "a failed logon was recorded");
    let _ = std::fs::remove_file(&script);
}

/// A `run FILE` line gives `--logon-fd 3`: descriptor 3 is the console's own (here the run
/// file; it could be a database of the state directory or the audit log). The first line of
/// the script was sent as the passphrase. Only descriptors open when the console started may
/// carry a secret: exit 2, nothing changed.
#[test]
fn a_secret_cannot_come_from_a_descriptor_the_console_opened_itself() {
    let home = roles_home("own-fd");
    let script = home
        .join("..")
        .join(format!("own-fd-{}", std::process::id()));
    std::fs::write(
        &script,
        format!("logon --user {} --logon-fd 3\nstatus\n", OFFICER.0),
    )
    .unwrap();
    let before = snapshot(&home);
    let out = run(&home, &["run", script.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("not open when the console started"),
        "{out:?}"
    );
    assert!(snapshot(&home) == before, "a failed logon was recorded");
    // A descriptor the caller did open still works (the passphrase through 0, as ever).
    let ok = run(
        &home,
        &["--user", OFFICER.0, "--logon-fd", "0", "logon"],
        &format!("{}\n", OFFICER.1),
    );
    assert_eq!(ok.code, 0, "{ok:?}");
    let _ = std::fs::remove_file(&script);
}

/// `--pin-fd` naming a directory is a bad argument (exit 2), not a read error later.
#[test]
fn a_directory_as_a_secret_descriptor_is_a_bad_argument() {
    let home = legacy_home("dir-fd");
    let before = snapshot(&home);
    let out = Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" --home "$1" --user NOBODY1 --logon-fd 3 status 3<"$1""#)
        .arg(CONSOLE)
        .arg(&home)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("directory"), "{err}");
    assert!(snapshot(&home) == before);
}

/// `/dev/zero` as a secret's descriptor: the read is bounded (a secret is at most 1024
/// bytes), a bad argument, not a console reading for ever.
#[test]
fn dev_zero_as_a_secret_descriptor_is_bounded() {
    let home = legacy_home("zero-fd");
    let child = Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" --home "$1" --user NOBODY1 --logon-fd 3 status 3</dev/zero"#)
        .arg(CONSOLE)
        .arg(&home)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (code, _, err) = wait_bounded(child, Duration::from_secs(15));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("longer than 1024"), "{err}");
}

/// A `run` file someone else prepared carries an OSC 52 sequence (write the operator's
/// clipboard) and a CSI that clears the screen in a word the command line does not know: the
/// parse error quoted the word, raw, to the operator's terminal. A state directory whose name
/// holds a window-title sequence did the same through `status`. Every control character now
/// reaches the terminal as `?`, in errors and reports alike.
#[test]
fn escape_sequences_do_not_reach_the_operators_terminal() {
    let base = legacy_home("escape");
    let script = base
        .join("..")
        .join(format!("escape-{}", std::process::id()));
    std::fs::write(&script, "status \"\u{1b}]52;c;cHduZWQ=\u{7}\u{9b}2J\"\n").unwrap();
    let out = run(&base, &["run", script.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("line 1"), "{out:?}");
    for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(
            !out.stderr.contains(c) && !out.stdout.contains(c),
            "{out:?}"
        );
    }
    let hostile = base
        .join("..")
        .join(format!("dir\u{1b}]0;pwned\u{7}-{}", std::process::id()));
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::copy(base.join("acp.conf"), hostile.join("acp.conf")).unwrap();
    let out = run(&hostile, &["status"], "");
    assert!(out.stdout.contains("Directory") || out.code != 0, "{out:?}");
    assert!(
        !out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'),
        "{out:?}"
    );
    let _ = std::fs::remove_dir_all(&hostile);
    let _ = std::fs::remove_file(&script);
}

/// A `run` line with an unbalanced quote was quoted back whole in the error: a line that
/// holds what the operator should never have typed (a passphrase pasted on the wrong line)
/// went to the terminal and any log of the run. The error names the line, not its text.
#[test]
fn a_malformed_run_line_is_not_echoed() {
    let home = legacy_home("unbalanced");
    let script = home
        .join("..")
        .join(format!("unbalanced-{}", std::process::id()));
    std::fs::write(
        &script,
        "status\nlogon --user SECOFF1 \"pasted passphrase 42\n",
    )
    .unwrap();
    let out = run(&home, &["run", script.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("line 2") && out.stderr.contains("unbalanced quote"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("pasted passphrase") && !out.stdout.contains("pasted passphrase"));
    let _ = std::fs::remove_file(&script);
}

/// A `run` line that does not parse was answered with clap's message, which quotes the
/// offending word or value: a PIN typed where a descriptor number goes, or a passphrase left
/// on a line, went from the file to the terminal. The error names the line and the option,
/// never the value.
#[test]
fn a_run_line_that_does_not_parse_does_not_quote_its_values() {
    let home = legacy_home("run-values");
    let secret_like = "87654321x";
    for line in [
        format!("card change-pin --reader R --pin-fd {secret_like}"),
        format!("status {secret_like}"),
        format!("card inspect --reader R --pin={secret_like}"),
        secret_like.to_string(),
        format!("status --{secret_like}"),
    ] {
        let script = home
            .join("..")
            .join(format!("run-values-{}", std::process::id()));
        std::fs::write(&script, format!("{line}\n")).unwrap();
        let before = snapshot(&home);
        let out = run(&home, &["run", script.to_str().unwrap()], "");
        assert_eq!(out.code, 2, "{line}: {out:?}");
        assert!(out.stderr.contains("line 1"), "{line}: {out:?}");
        assert!(
            !out.stderr.contains("87654321") && !out.stdout.contains("87654321"),
            "{line}: {out:?}"
        );
        assert!(snapshot(&home) == before);
        let _ = std::fs::remove_file(&script);
    }
}

/// A confirmation is typed on the terminal, never read from standard input: standard input
/// may carry secrets, and a piped line `YES` must not confirm a delete. Without a terminal
/// (setsid: no controlling terminal) the piped YES is ignored: exit 2, nothing changed.
#[test]
fn a_piped_yes_does_not_confirm() {
    let home = legacy_home("piped-yes");
    let before = snapshot(&home);
    let out = Command::new("setsid")
        .arg(CONSOLE)
        .arg("--home")
        .arg(&home)
        .args(["key", "delete", "ATTACK.KEY.ONE"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b"YES\n")?;
            c.wait_with_output()
        })
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("Not confirmed"), "{err}");
    assert!(snapshot(&home) == before);
}

/// Dual control: the descriptor of the custodians' passphrases runs out after the first. The
/// second custodian's prompt must not reuse the first one's passphrase (or part): exit 2
/// before anyone is logged on, nothing changed; and a malformed part is not quoted.
#[test]
fn a_second_custodian_gets_no_secret_of_the_first() {
    let home = roles_home("dual-fd");
    let part = "0123456789ABCDEFFEDCBA98765432100123456789ABCDEF";
    let before = snapshot(&home);
    let out = run(
        &home,
        &[
            "--logon-fd",
            "0",
            "mk",
            "load-parts",
            "--custodian",
            common::CUST1.0,
            "--custodian",
            common::CUST2.0,
            "--part-fd",
            "0",
        ],
        &format!("{}\n{part}\n", common::CUST1.1),
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("ended before") && out.stderr.contains("CUST2"),
        "{out:?}"
    );
    assert!(snapshot(&home) == before, "something changed");
    let bad = "0123456789ABCDEFFEDCBA9876543210Z123456789ABCDEF";
    let out = run(
        &home,
        &[
            "--logon-fd",
            "0",
            "mk",
            "load-parts",
            "--custodian",
            common::CUST1.0,
            "--custodian",
            common::CUST2.0,
            "--part-fd",
            "0",
        ],
        &format!("{}\n{bad}\n{}\n{part}\n", common::CUST1.1, common::CUST2.1),
    );
    assert_eq!(out.code, 2, "{out:?}");
    for s in [bad, common::CUST1.1, common::CUST2.1, "0123456789AB"] {
        assert!(
            !out.stderr.contains(s) && !out.stdout.contains(s),
            "{out:?}"
        );
    }
    assert!(snapshot(&home) == before, "something changed");
}

/// `--home` naming a symbolic link to a directory, or a directory of another user (world
/// writable): the library refuses both before it writes anything (docs/state.md); the console
/// passes the refusal on with the verb's code and creates nothing there.
#[test]
fn a_home_that_is_a_link_or_another_users_is_refused() {
    let base = scratch("home-attack");
    let real = base.join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let link = base.join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let other = base.join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::set_permissions(&other, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    assert!(
        Command::new("chown")
            .arg("65534")
            .arg(&other)
            .status()
            .unwrap()
            .success()
    );
    for home in [&link, &other] {
        let out = run(home, &["status"], "");
        assert_eq!(out.code, 12, "{home:?}: {out:?}");
        assert!(out.stderr.contains("CSUACFQ"), "{out:?}");
        assert_eq!(
            std::fs::read_dir(home).unwrap().count(),
            0,
            "{home:?} was written"
        );
    }
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
}

/// clap does not complete abbreviations nor read options from the environment: `--pin`
/// (a prefix of `--pin-fd`) and `--pin=1234` are unknown arguments, exit 2, nothing called.
#[test]
fn no_abbreviation_of_a_descriptor_option_is_accepted() {
    let home = legacy_home("abbrev");
    let before = snapshot(&home);
    for arg in ["--pin", "--pin=5", "--pin-f=5"] {
        let out = run(&home, &["card", "inspect", "--reader", "R", arg], "");
        assert_eq!(out.code, 2, "{arg}: {out:?}");
        assert!(snapshot(&home) == before);
    }
}

/// `--logon-fd 1`: standard output (a pipe, open for writing only) named as a secret's
/// descriptor failed late with 'reading a secret: uncategorized error' (exit 1). A descriptor
/// that cannot be read is a bad argument: exit 2, nothing called.
#[test]
fn a_write_only_descriptor_is_a_bad_argument() {
    let home = legacy_home("wronly-fd");
    let before = snapshot(&home);
    let out = run(
        &home,
        &["--user", "NOBODY1", "--logon-fd", "1", "status"],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("writing only"), "{out:?}");
    assert!(snapshot(&home) == before);
}

/// A `run` whose logon line succeeded and whose next line fails: the run stops there, so the
/// logon cannot serve a later line (here a profile delete the officer's logon would allow);
/// the run's exit status is the failing line's, not 0.
#[test]
fn a_failed_run_line_ends_the_run_and_its_logon() {
    let home = roles_home("run-stops");
    let script = home
        .join("..")
        .join(format!("run-stops-{}", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "logon --user {} --logon-fd 0\nkey show NO.SUCH.KEY\nprofile delete {} --yes\n",
            OFFICER.0,
            common::OPERATOR.0
        ),
    )
    .unwrap();
    let out = run(
        &home,
        &["run", script.to_str().unwrap()],
        &format!("{}\n", OFFICER.1),
    );
    assert_eq!(out.code, 8, "{out:?}");
    assert!(
        out.stderr.contains("CSNBKRR") || out.stderr.contains("CSNB"),
        "{out:?}"
    );
    let shown = common::as_user(&home, OFFICER, &["profile", "show", common::OPERATOR.0], "");
    assert_eq!(
        shown.code, 0,
        "the profile after the failed line was deleted: {shown:?}"
    );
    let _ = std::fs::remove_file(&script);
}
