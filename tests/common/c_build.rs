//! Building and running the C examples against the library `make test` has just built.
//!
//! `make test` builds the release library (`make lib`) first and passes its directory in
//! `SOFTCCA_C_LIB`; without it the tests look in `build/lib`. The library must be newer than
//! every source file, so a stale one is never tested. A test that cannot run (no library, a
//! stale one, no C compiler) fails when the environment variable `CI` is set (CI runs
//! `bash .ci/run` with `CI=true`) and otherwise says "NOT RUN" on standard error.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `true` when running in CI (`CI` set, not empty, not `false`/`0`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A test that cannot run: a failure in CI, a loud "NOT RUN" elsewhere. Returns `None`.
pub fn cannot_run<T>(test: &str, why: &str) -> Option<T> {
    if in_ci() {
        panic!("{test} cannot run in CI: {why}");
    }
    eprintln!("NOT RUN: {test}: {why} (`make test` builds and passes the library)");
    None
}

fn newest_source(dir: &Path, newest: &mut SystemTime) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            newest_source(&p, newest);
        } else if let Ok(t) = e.metadata().and_then(|m| m.modified()) {
            *newest = (*newest).max(t);
        }
    }
}

/// The directory holding a `libsoftcca.so` built from the current sources.
pub fn library_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SOFTCCA_C_LIB")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("build/lib"));
    let lib = dir.join("libsoftcca.so");
    let Ok(built) = std::fs::metadata(&lib).and_then(|m| m.modified()) else {
        return cannot_run(test, &format!("no {}", lib.display()));
    };
    let mut newest = SystemTime::UNIX_EPOCH;
    newest_source(&root().join("src"), &mut newest);
    for f in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        if let Ok(t) = std::fs::metadata(root().join(f)).and_then(|m| m.modified()) {
            newest = newest.max(t);
        }
    }
    if built < newest {
        return cannot_run(
            test,
            &format!("{} is older than the sources (run make lib)", lib.display()),
        );
    }
    Some(dir)
}

/// Compiles examples/c/`name`.c with the strict flags against the current library into a
/// fresh directory, with examples/c/demo_profiles.c beside it (see [`enrol_demo_profiles`]);
/// returns the executable.
pub fn compile_example(test: &str, name: &str) -> Option<PathBuf> {
    let lib = library_dir(test)?;
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    if Command::new(&cc).arg("--version").output().is_err() {
        return cannot_run(test, &format!("no C compiler ({cc})"));
    }
    let dir = super::fresh_state(&format!("cexample-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    compile(&cc, &lib, "demo_profiles", &dir.join("demo_profiles"));
    let exe = dir.join(name);
    compile(&cc, &lib, name, &exe);
    Some(exe)
}

/// `cc` examples/c/`name`.c with the strict flags against the library in `lib` into `exe`.
fn compile(cc: &str, lib: &Path, name: &str, exe: &Path) {
    let out = Command::new(cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I"])
        .arg(root().join("include"))
        .arg("-o")
        .arg(exe)
        .arg(root().join(format!("examples/c/{name}.c")))
        .arg(format!("-L{}", lib.display()))
        .arg("-lsoftcca")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cc {name}.c: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs examples/c/demo_profiles.c (compiled beside `exe` by [`compile_example`]) on the state
/// directory `home`, new (the shipped roles) or without profiles: it enrols the demo's profiles
/// SECOFF1, CUST1, CUST2 and OPERATOR, with which the examples log on. Returns its standard
/// output, after checking it exited 0.
pub fn enrol_demo_profiles(exe: &Path, home: &Path) -> String {
    run_on(&exe.with_file_name("demo_profiles"), home, &[])
}

/// Runs a compiled example on a fresh state directory next to it (a new directory, the shipped
/// roles, the demo's profiles enrolled by [`enrol_demo_profiles`]); returns its standard
/// output, after checking it exited 0.
pub fn run_example(exe: &Path) -> String {
    run_example_with(exe, &[])
}

/// [`run_example`] with command-line arguments.
pub fn run_example_with(exe: &Path, args: &[&str]) -> String {
    let home = exe.with_extension("home");
    let _ = std::fs::remove_dir_all(&home);
    enrol_demo_profiles(exe, &home);
    let stdout = run_on(exe, &home, args);
    let _ = std::fs::remove_dir_all(exe.parent().unwrap());
    stdout
}

/// Runs `exe` with `args` on the state directory `home`; returns its standard output, after
/// checking it exited 0.
fn run_on(exe: &Path, home: &Path, args: &[&str]) -> String {
    let run = Command::new(exe)
        .args(args)
        .env("SOFTCCA_HOME", home)
        .env_remove("CSUDESLD")
        .env_remove("SOFTCCA_TRACE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{} failed:\n{stdout}\n{}",
        exe.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}
