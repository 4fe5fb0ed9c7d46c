//! Gives `libsoftcca.so` its soname, so programs link against `libsoftcca.so.1`.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsoftcca.so.1");
}
