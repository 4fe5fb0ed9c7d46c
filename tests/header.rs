//! The committed C header must be what cbindgen generates from the sources now.
//! `make header` (SOFTCCA_BLESS_HEADER=1) rewrites it.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
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
