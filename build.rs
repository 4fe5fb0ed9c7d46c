//! Gives `libsoftcca.so` its soname, so programs link against `libsoftcca.so.1`, and records
//! the build time (`SOFTCCA_BUILD_EPOCH`, Unix seconds) whose date CSUACFQ STATCCA reports.
//! `SOURCE_DATE_EPOCH` overrides the clock for reproducible builds.
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsoftcca.so.1");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    // Formatted by the library (civil::date) so the calendar arithmetic exists once.
    println!("cargo:rustc-env=SOFTCCA_BUILD_EPOCH={secs}");
}
