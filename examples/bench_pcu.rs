//! CSNBPCU throughput: calls per second on one thread and on all cores, through the exported C
//! entry point, keys by label, a different card (derivation data and ATC) on every call, as in
//! an issuer's batch. Run with `make bench` (which also runs pyemv+psec on the same work).
//!
//! Usage: bench_pcu [seconds-per-run] (default 3) [algorithm] [bound]
//!
//! With `bound` the state directory is bound to an SVMK, activated, bound to a partition and
//! authorised before the runs (docs/custody.md): the figures then include the
//! activation and authorisation checks of every call.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use softcca::crypto::ClearKey;
use softcca::cv::{ControlVector, DkyUsage, templates};
use softcca::ffi;
use softcca::state::masterkey::mkvp;
use softcca::token::InternalToken;

const MK: [u8; 24] = *b"\x01\x23\x45\x67\x89\xAB\xCD\xEF\x23\x45\x67\x89\xAB\xCD\xEF\x01\x45\x67\x89\xAB\xCD\xEF\x01\x23";

fn label(s: &str) -> [u8; 64] {
    let mut f = [b' '; 64];
    f[..s.len()].copy_from_slice(s.as_bytes());
    f
}

fn kw2(a: &str, b: &str) -> [u8; 16] {
    let mut r = [b' '; 16];
    r[..a.len()].copy_from_slice(a.as_bytes());
    r[8..8 + b.len()].copy_from_slice(b.as_bytes());
    r
}

fn setup() {
    let dir = std::env::temp_dir().join(format!("softcca-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // SAFETY: single-threaded here, before the library reads the environment.
    unsafe { std::env::set_var("SOFTCCA_HOME", &dir) };
    // The benchmark's scratch directory stands for an existing (pre-roles) directory: its
    // acp.conf in the legacy form holds every point, so the set-up below (master key, keys)
    // needs no profiles and logons (docs/access-control.md); CSNBPCU is measured as the
    // application on DEFAULT calls it either way.
    softcca::state::Coprocessor::global().expect("the scratch state directory");
    std::fs::write(
        dir.join("acp.conf"),
        softcca::state::acp::AcpConfig::legacy_text(),
    )
    .expect("acp.conf");
    // acp.conf is looked at again within 50 ms.
    std::thread::sleep(Duration::from_millis(120));
    let (mut rc, mut rs) = (0, 0);
    for (rule, part) in [
        (*b"FIRST   ", MK),
        (*b"LAST    ", [0u8; 24]),
        (*b"SET     ", [0u8; 24]),
    ] {
        let mut n = 1;
        let (mut r, mut p) = (rule, part);
        unsafe {
            ffi::masterkey::CSNBMKP(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut n,
                r.as_mut_ptr(),
                p.as_mut_ptr(),
            )
        };
        assert_eq!(rc, 0, "CSNBMKP {rs}");
    }
    let mk = ClearKey::from_slice(&MK).expect("24 bytes");
    let vp = mkvp(&mk);
    let keys: [(&str, &str, ControlVector); 3] = [
        (
            "BENCH.MDK.AC",
            "FEDCBA98765432100123456789ABCDEF",
            ControlVector::dkygenky(0, DkyUsage::DMac),
        ),
        (
            "BENCH.MDK.SMC",
            "1111111111111111222222222222222F",
            ControlVector::dkygenky(0, DkyUsage::DMPin),
        ),
        (
            "BENCH.PIN.KEY",
            "0123456789ABCDEFFEDCBA9876543210",
            ControlVector::from_template(templates::IPINENC, true),
        ),
    ];
    for (l, hex, cv) in keys {
        let bytes: Vec<u8> = (0..32)
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
            .collect();
        let k = ClearKey::from_slice(&bytes).expect("16 bytes");
        let mut t = *InternalToken::skeleton(&cv)
            .with_key(&k, &mk, &vp)
            .expect("wrap")
            .as_bytes();
        let mut lb = label(l);
        unsafe {
            ffi::keyrec::CSNBKRC(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                lb.as_mut_ptr(),
            )
        };
        unsafe {
            ffi::keyrec::CSNBKRW(
                &mut rc,
                &mut rs,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                t.as_mut_ptr(),
                lb.as_mut_ptr(),
            )
        };
        assert_eq!(rc, 0, "CSNBKRW {rs}");
    }
}

/// Binds the bench directory to an SVMK (activated) and to a partition (authorised).
fn protect() {
    use softcca::custody::{Secret, SecretKind, directory};
    let cp = softcca::state::Coprocessor::global().expect("state directory");
    directory::bind(
        cp,
        &Secret::random().expect("random"),
        SecretKind::ServerMasterKey,
    )
    .expect("bind");
    let part = Secret::random().expect("random");
    directory::bind_partition(cp, &part, SecretKind::Partition, b"bench password")
        .expect("bind partition");
    directory::authorise(cp, &part, b"bench password", Some(3600)).expect("authorise");
}

/// One worker: VISAPCU2 with `alg`, a new card every call; returns calls made.
fn worker(alg: &'static str, seed: u64, stop: Arc<AtomicBool>, count: Arc<AtomicU64>) {
    let mut rules = kw2(alg, "VISAPCU2");
    let mut auth = label("BENCH.MDK.AC");
    let mut enc = label("BENCH.MDK.SMC");
    let mut pin_key = label("BENCH.PIN.KEY");
    let mut cur_key = pin_key;
    // test set 1 (tests/vectors/README.md) ISO-0 blocks under BENCH.PIN.KEY: new 9999, current 8888.
    let mut new_block = *b"\x27\x8C\xE4\x30\x8B\xF9\x84\x4D";
    let mut cur_block = *b"\x00\xAC\x61\x59\x81\x37\x74\x0A";
    let mut profile = *b"ISO-0   NONE            ";
    let mut cur_profile = profile;
    let mut pan = *b"456789012345";
    let mut cur_pan = pan;
    let mut out_profile = kw2("VISAPCU2", "NONE");
    let mut out_profile24 = [b' '; 24];
    out_profile24[..16].copy_from_slice(&out_profile);
    let _ = &mut out_profile;
    let (mut count_rules, mut l64, mut l64b, mut l64c, mut l64d, mut zero) = (2, 64, 64, 64, 64, 0);
    let mut kgd = [0u8; 10];
    let mut out = [0u8; 16];
    let mut x = seed | 1;
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            kgd[..8].copy_from_slice(&x.to_be_bytes());
            kgd[8] = (x >> 8) as u8;
            kgd[9] = x as u8;
            let (mut rc, mut rs, mut kl, mut ol) = (0, 0, 10, 16);
            unsafe {
                ffi::pcu::CSNBPCU(
                    &mut rc,
                    &mut rs,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut count_rules,
                    rules.as_mut_ptr(),
                    &mut l64,
                    auth.as_mut_ptr(),
                    &mut l64b,
                    enc.as_mut_ptr(),
                    &mut kl,
                    kgd.as_mut_ptr(),
                    &mut l64c,
                    pin_key.as_mut_ptr(),
                    new_block.as_mut_ptr(),
                    profile.as_mut_ptr(),
                    pan.as_mut_ptr(),
                    &mut l64d,
                    cur_key.as_mut_ptr(),
                    cur_block.as_mut_ptr(),
                    cur_profile.as_mut_ptr(),
                    cur_pan.as_mut_ptr(),
                    &mut zero,
                    std::ptr::null_mut(),
                    out_profile24.as_mut_ptr(),
                    &mut ol,
                    out.as_mut_ptr(),
                )
            };
            assert_eq!((rc, rs), (0, 0));
            std::hint::black_box(&out);
        }
        n += 64;
    }
    count.fetch_add(n, Ordering::Relaxed);
}

fn run(alg: &'static str, threads: usize, secs: f64) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let (s, c) = (Arc::clone(&stop), Arc::clone(&count));
            std::thread::spawn(move || worker(alg, 0x9E37_79B9_7F4A_7C15 ^ t as u64, s, c))
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for h in hs {
        h.join().expect("worker");
    }
    count.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let secs: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    setup();
    let bound = std::env::args().nth(3).as_deref() == Some("bound");
    let name = if bound {
        protect();
        "softcca-bound"
    } else {
        "softcca"
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("softcca CSNBPCU VISAPCU2, keys by label, new card per call ({secs} s per run)");
    let only = std::env::args().nth(2).filter(|a| a != "all");
    for alg in ["TDES-XOR", "TDESEMV4"] {
        if only.as_deref().is_some_and(|o| o != alg) {
            continue;
        }
        run(alg, 1, 0.3); // warm the key cache
        let one = run(alg, 1, secs);
        let all = run(alg, cores, secs);
        println!(
            "{name} {alg:<8} 1 thread: {one:>10.0} calls/s   {cores} threads: {all:>10.0} calls/s ({:.2}x)",
            all / one
        );
    }
}
