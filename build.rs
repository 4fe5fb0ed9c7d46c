//! Gives `libsoftcca.so` its soname, so programs link against `libsoftcca.so.1`, and records
//! the build date (`SOFTCCA_BUILD_DATE`, `YYYYMMDD`, UTC) that CSUACFQ STATCCA reports.
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
    // Days to civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    println!("cargo:rustc-env=SOFTCCA_BUILD_DATE={y:04}{m:02}{d:02}");
}
