//! The activation and authorisation checks cost no system call on the warm path
//! (docs/decisions.md F21, D52; docs/custody.md §8.1): a seccomp filter that kills the process on any system
//! call watches a thousand warm CSNBPCU calls on a bound, active and authorised directory. And
//! deactivation racing many processes × threads of warm calls: every call that starts after the
//! deactivation returned fails, and no thread succeeds after its own first failure.

mod common;
use common::child::{self, pcu_case_by_label, run};
use common::*;

use std::process::{Command, Stdio};
use std::time::Duration;

const OK: (i32, i32) = (0, 0);
const WARM_CALLS: usize = 1000;

#[test]
#[ignore]
fn child_script() {
    child::child_main();
}

/// Monotonic clock, nanoseconds (system-wide, so comparable between processes).
fn now_ns() -> u64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY (test): clock_gettime into a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Child: warm calls, then the same calls under a filter that kills on any system call.
#[test]
#[ignore]
fn child_no_syscalls() {
    if std::env::var("SOFTCCA_WARM_CHILD").is_err() {
        return;
    }
    let (template, want) = pcu_case_by_label("MDK.A");
    for _ in 0..50 {
        let mut c = template.clone();
        assert_eq!(c.run(false), OK);
        assert_eq!(c.output(), want);
    }
    let mut calls: Vec<_> = (0..WARM_CALLS).map(|_| template.clone()).collect();
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.flush().unwrap();
    common::seccomp::allow_only(&[libc::SYS_write, libc::SYS_exit_group]);
    let mut good = 0usize;
    for c in calls.iter_mut() {
        good += usize::from(c.run(false) == OK);
    }
    let _ = writeln!(out, "= {good} {WARM_CALLS}");
    let _ = out.flush();
    // SAFETY (test): ends the process at once (exit_group), past every destructor.
    unsafe { libc::_exit(0) };
}

fn prepared(tag: &str) -> std::path::PathBuf {
    let home = temp_state(tag);
    let (codes, err) = run(
        &home,
        "load-mk; store-pcu-mdk MDK.A; bind S; pbind P pw; authorise P pw; pcu MDK.A",
    );
    assert_eq!(codes, [OK; 6], "{err}");
    home
}

#[test]
fn a_warm_call_makes_no_system_call() {
    let home = prepared("warm");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_no_syscalls",
            "--test-threads=1",
            "--nocapture",
            "--quiet",
        ])
        .env("SOFTCCA_WARM_CHILD", "1")
        .env("SOFTCCA_HOME", &home)
        // Neither periodic check falls inside the watched calls.
        .env("SOFTCCA_REVALIDATE_MS", "3600000")
        .env("SOFTCCA_ACP_RECHECK_MS", "3600000")
        .output()
        .unwrap();
    let (codes, err) = child::parse(&out.stdout, &out.stderr);
    assert!(
        out.status.success(),
        "a warm call made a system call (the seccomp filter killed the child: {:?}) {err}",
        out.status
    );
    assert_eq!(codes, [(WARM_CALLS as i32, WARM_CALLS as i32)], "{err}");
    let _ = run(&home, "deactivate");
    let _ = std::fs::remove_dir_all(&home);
}

const THREADS: usize = 4;
const PROCESSES: usize = 4;

/// Child: THREADS threads of warm calls until the stop file appears; per thread one line: the
/// latest start of a successful call, the first start of a failed one, successes after the
/// first failure, calls.
#[test]
#[ignore]
fn child_racer() {
    let Ok(stop) = std::env::var("SOFTCCA_RACE_STOP") else {
        return;
    };
    let (template, want) = pcu_case_by_label("MDK.A");
    let ready = std::sync::Arc::new(std::sync::Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (template, want, stop, ready) =
                (template.clone(), want.clone(), stop.clone(), ready.clone());
            std::thread::spawn(move || {
                let (mut last_ok, mut first_fail, mut after, mut n) = (0u64, u64::MAX, 0u64, 0u64);
                ready.wait();
                let deadline = std::time::Instant::now() + Duration::from_secs(20);
                while !std::path::Path::new(&stop).exists() && std::time::Instant::now() < deadline
                {
                    for _ in 0..32 {
                        let mut c = template.clone();
                        let t = now_ns();
                        let r = c.run(false);
                        n += 1;
                        if r == OK {
                            assert_eq!(c.output(), want);
                            last_ok = t;
                            after += u64::from(first_fail != u64::MAX);
                        } else {
                            assert_eq!(r, (12, 0xF270));
                            first_fail = first_fail.min(t);
                        }
                    }
                }
                (last_ok, first_fail, after, n)
            })
        })
        .collect();
    for t in threads {
        let (a, b, c, d) = t.join().unwrap();
        println!("R {a} {b} {c} {d}");
    }
}

#[test]
fn deactivation_racing_processes_and_threads_stops_every_later_call() {
    let home = prepared("race");
    let stop = home.with_extension("stop");
    let _ = std::fs::remove_file(&stop);
    let racers: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "child_racer",
                    "--test-threads=1",
                    "--nocapture",
                    "--quiet",
                ])
                .env("SOFTCCA_RACE_STOP", &stop)
                .env("SOFTCCA_HOME", &home)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let (codes, err) = run(&home, "deactivate");
    let returned = now_ns();
    assert_eq!(codes, [OK], "{err}");
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&stop, b"").unwrap();
    let mut calls = 0;
    for r in racers {
        let out = r.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "racer: {:?} {} {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<Vec<u64>> = text
            .lines()
            .filter_map(|l| l.strip_prefix("R "))
            .map(|l| l.split(' ').map(|x| x.parse().unwrap()).collect())
            .collect();
        assert_eq!(lines.len(), THREADS, "{text}");
        for l in lines {
            let (last_ok, first_fail, after, n) = (l[0], l[1], l[2], l[3]);
            calls += n;
            assert!(
                last_ok > 0,
                "a thread made no successful call before the deactivation"
            );
            assert!(
                first_fail != u64::MAX,
                "a thread never saw the deactivation"
            );
            assert!(
                last_ok < returned,
                "a call that started after the deactivation returned succeeded"
            );
            assert_eq!(
                after, 0,
                "a thread used the key after its own first failure"
            );
        }
    }
    eprintln!("deactivation race: {PROCESSES} processes × {THREADS} threads, {calls} calls");
    let _ = std::fs::remove_file(&stop);
    let _ = std::fs::remove_dir_all(&home);
}
