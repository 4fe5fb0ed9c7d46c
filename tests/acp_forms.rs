//! The legacy-form `acp.conf` the test fixtures, C tests and example runners write
//! (tests/data/acp-legacy.conf) is exactly what directories initialised before roles were given.

#[test]
fn fixture_is_the_legacy_text() {
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/acp-legacy.conf"
    ))
    .unwrap();
    let text = softcca::state::acp::AcpConfig::legacy_text();
    if std::env::var_os("SOFTCCA_WRITE_FIXTURE").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/acp-legacy.conf"),
            &text,
        )
        .unwrap();
        return;
    }
    assert_eq!(file, text);
}
