//! One version everywhere (issue 12): Cargo.toml's `version`, the header's
//! `SOFTCCA_VERSION*` macros (generated from it, tests/header.rs) and the version element of
//! CSUACFQ STATCCA (element 4) are the same. A release that bumps Cargo.toml without
//! regenerating the header, or a library that reports another version, fails here.

mod common;
use common::*;

fn root_file(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// The `version = "…"` line of Cargo.toml's `[package]` table, read from the file itself.
fn cargo_toml_version() -> String {
    let text = root_file("Cargo.toml");
    let package = text.split("[package]").nth(1).expect("[package]");
    let line = package
        .lines()
        .find(|l| l.trim_start().starts_with("version"))
        .expect("version line");
    line.split('"').nth(1).expect("quoted version").to_string()
}

/// The value of `#define NAME value` in include/softcca.h.
fn header_define(name: &str) -> String {
    let header = root_file("include/softcca.h");
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("include/softcca.h has no {name}"))
        .trim()
        .to_string()
}

#[test]
fn cargo_toml_header_and_csuacfq_report_one_version() {
    let _home = init_home("version");
    let cargo = cargo_toml_version();
    assert_eq!(cargo, env!("CARGO_PKG_VERSION"));

    assert_eq!(header_define("SOFTCCA_VERSION"), format!("\"{cargo}\""));
    let parts: Vec<&str> = cargo.split('.').collect();
    assert_eq!(parts.len(), 3, "semver without pre-release: {cargo}");
    assert_eq!(header_define("SOFTCCA_VERSION_MAJOR"), parts[0]);
    assert_eq!(header_define("SOFTCCA_VERSION_MINOR"), parts[1]);
    assert_eq!(header_define("SOFTCCA_VERSION_PATCH"), parts[2]);

    let elements = cfq(&["STATCCA"]);
    assert_eq!(elements.len(), 6);
    let element = &elements[3];
    assert_eq!(element.trim_end(), cargo, "CSUACFQ STATCCA element 4");
}
