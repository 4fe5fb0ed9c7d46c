//! CSNBPCU through the C entry point with fuzzed parameter contents (lengths, identifiers,
//! blocks, profiles) on a state directory with a master key: never a panic (rc 16), never a
//! write on failure.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use softcca::ffi;

static INIT: Once = Once::new();

fn init() {
    INIT.call_once(|| {
        let dir = std::env::temp_dir().join(format!("softcca-fuzz-{}", std::process::id()));
        // SAFETY: before the library reads the environment, on the fuzzer's one thread.
        unsafe { std::env::set_var("SOFTCCA_HOME", &dir) };
        let mk = *b"\x01\x23\x45\x67\x89\xAB\xCD\xEF\x23\x45\x67\x89\xAB\xCD\xEF\x01\x45\x67\x89\xAB\xCD\xEF\x01\x23";
        for (rule, part) in [(*b"FIRST   ", mk), (*b"LAST    ", [0u8; 24]), (*b"SET     ", [0u8; 24])] {
            let (mut rc, mut rs, mut n) = (0, 0, 1);
            let (mut r, mut p) = (rule, part);
            unsafe { ffi::masterkey::CSNBMKP(&mut rc, &mut rs, std::ptr::null_mut(), std::ptr::null_mut(), &mut n, r.as_mut_ptr(), p.as_mut_ptr()) };
        }
    });
}

fuzz_target!(|data: &[u8]| {
    init();
    // Layout: 16 rule bytes, 5 lengths (4 bytes each), 3 × 64 identifiers, 34 kgd, 8 block,
    // 24 profile, 12 PAN, 24 output profile.
    const NEED: usize = 16 + 20 + 192 + 34 + 8 + 24 + 12 + 24;
    if data.len() < NEED {
        return;
    }
    let mut d = data[..NEED].to_vec();
    let int = |o: usize| i32::from_le_bytes(d[o..o + 4].try_into().unwrap());
    let (mut count, mut al, mut el, mut kl, mut nl, mut zero) = (1 + (d[0] & 1) as i32, int(16), int(20), int(24) % 40, int(28), int(32));
    let (mut rc, mut rs, mut ol) = (-1, -1, 16);
    let mut out = [0x5Au8; 16];
    let (rules, rest) = d.split_at_mut(16);
    let (_, rest) = rest.split_at_mut(20);
    let (auth, rest) = rest.split_at_mut(64);
    let (enc, rest) = rest.split_at_mut(64);
    let (key, rest) = rest.split_at_mut(64);
    let (kgd, rest) = rest.split_at_mut(34);
    let (block, rest) = rest.split_at_mut(8);
    let (prof, rest) = rest.split_at_mut(24);
    let (pan, oprof) = rest.split_at_mut(12);
    unsafe {
        ffi::pcu::CSNBPCU(
            &mut rc, &mut rs, std::ptr::null_mut(), std::ptr::null_mut(), &mut count, rules.as_mut_ptr(), &mut al,
            auth.as_mut_ptr(), &mut el, enc.as_mut_ptr(), &mut kl, kgd.as_mut_ptr(), &mut nl, key.as_mut_ptr(),
            block.as_mut_ptr(), prof.as_mut_ptr(), pan.as_mut_ptr(), &mut zero, std::ptr::null_mut(),
            std::ptr::null_mut(), std::ptr::null_mut(), std::ptr::null_mut(), &mut zero, std::ptr::null_mut(),
            oprof.as_mut_ptr(), &mut ol, out.as_mut_ptr(),
        )
    };
    assert_ne!(rc, 16, "internal error {rs}");
    if rc >= 4 {
        assert_eq!(out, [0x5A; 16]);
        assert_eq!(ol, 16);
    }
});
