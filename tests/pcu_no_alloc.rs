//! Once its keys are warm in the cache, CSNBPCU makes no heap allocation per call (issue 3:
//! "no heap allocation per call once keys are warm"). A counting global allocator watches a
//! batch of calls for different cards, keys by label.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

mod common;
use common::pcu_call::call_for;
use common::verbs::{TEST_MK, load_master_key, store};
use common::*;

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn warm_calls_do_not_allocate() {
    let dir = temp_state("noalloc");
    // SAFETY: the only test of this binary, before the library reads the environment.
    unsafe {
        std::env::set_var("SOFTCCA_HOME", &dir);
        std::env::set_var("SOFTCCA_ACP_RECHECK_MS", "600000");
    }
    load_master_key(TEST_MK);
    let c = cases("pcu.txt")
        .into_iter()
        .find(|c| c.text("method_ascii") == "VISAPCU2" && c.text("alg_ascii") == "TDESEMV4")
        .unwrap();
    let mut call = call_for(&c);
    store("NOALLOC.AC", &call.auth);
    store("NOALLOC.SMC", &call.enc);
    store("NOALLOC.PIN", &call.new_key);
    store("NOALLOC.CUR", &call.cur_key);
    call.auth = label("NOALLOC.AC");
    call.enc = label("NOALLOC.SMC");
    call.new_key = label("NOALLOC.PIN");
    call.cur_key = label("NOALLOC.CUR");
    // Warm-up: resolves and caches the keys.
    assert_eq!(call.clone().run(false), (0, 0));
    let before = ALLOCS.load(Ordering::Relaxed);
    for i in 0..1000u32 {
        call.kgd[..4].copy_from_slice(&i.to_be_bytes());
        call.kgd[8..10].copy_from_slice(&(i as u16).to_be_bytes());
        call.out_len = 32;
        assert_eq!(call.run(i % 2 == 0), (0, 0));
    }
    let after = ALLOCS.load(Ordering::Relaxed);
    assert_eq!(after - before, 0, "heap allocations in 1000 warm calls");
}
