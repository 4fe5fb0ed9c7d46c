//! The committed C header must be what cbindgen generates from the sources now.
//! `make header` (SOFTCCA_BLESS_HEADER=1) rewrites it. The version macros come from
//! Cargo.toml (the `@SOFTCCA_VERSION…@` placeholders of cbindgen.toml).

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = config.after_includes.map(|text| with_version(&text));
    let bindings = cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut fresh = Vec::new();
    bindings.write(&mut fresh);
    let path = root.join("include/softcca.h");
    if std::env::var_os("SOFTCCA_BLESS_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/softcca.h");
        return;
    }
    let committed = std::fs::read(&path).expect("include/softcca.h exists");
    assert!(
        committed == fresh,
        "include/softcca.h differs from what cbindgen generates: run `make header` and commit"
    );
}

/// Fills in cbindgen.toml's version placeholders from Cargo.toml's version.
fn with_version(text: &str) -> String {
    text.replace("@SOFTCCA_VERSION_MAJOR@", env!("CARGO_PKG_VERSION_MAJOR"))
        .replace("@SOFTCCA_VERSION_MINOR@", env!("CARGO_PKG_VERSION_MINOR"))
        .replace("@SOFTCCA_VERSION_PATCH@", env!("CARGO_PKG_VERSION_PATCH"))
        .replace("@SOFTCCA_VERSION@", env!("CARGO_PKG_VERSION"))
}
