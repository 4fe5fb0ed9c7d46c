//! Random and mutated inputs through CSNBPCU: no panic (rc 16), no crash, and on every failure
//! the output buffer and length are untouched. A deterministic xorshift drives the mutations so
//! a failure reproduces.

mod common;
use common::pcu_call::call_for;
use common::verbs::{TEST_MK, load_master_key, setup};
use common::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_calls_never_panic_or_write_on_failure() {
    let _g = setup("robust");
    load_master_key(TEST_MK);
    let base: Vec<_> = cases("pcu.txt").iter().map(call_for).collect();
    let mut rng = Rng(0x5EED_CAFE_F00D_1234);
    let mut outcomes = std::collections::BTreeMap::new();
    for i in 0..4000 {
        let mut c = base[i % base.len()].clone();
        for _ in 0..1 + rng.below(3) {
            let flip = |b: &mut [u8], r: &mut Rng| {
                let j = r.below(b.len());
                b[j] ^= 1 << r.below(8);
            };
            match rng.below(14) {
                0 => flip(&mut c.rules, &mut rng),
                1 => c.count = rng.next() as i32 % 5,
                2 => flip(&mut c.auth, &mut rng),
                3 => flip(&mut c.enc, &mut rng),
                4 => c.kgd_len = [0, 9, 10, 18, 26, 34, 35, -1, i32::MIN][rng.below(9)],
                5 => flip(&mut c.kgd, &mut rng),
                6 => flip(&mut c.new_key, &mut rng),
                7 => flip(&mut c.new_block, &mut rng),
                8 => flip(&mut c.new_profile, &mut rng),
                9 => flip(&mut c.new_pan, &mut rng),
                10 => flip(&mut c.cur_block, &mut rng),
                11 => flip(&mut c.out_profile, &mut rng),
                12 => c.cur_len = [0, 64, -64, 63][rng.below(4)],
                _ => c.new_len = [64, 0, 65, i32::MAX][rng.below(4)],
            }
        }
        c.kgd.resize(40, 0);
        c.out = [0xA5; 32];
        c.out_len = 32;
        let (rc, rs) = c.run(i % 2 == 0);
        assert_ne!(rc, 16, "case {i}: internal error {rs}");
        if rc >= 4 {
            assert_eq!(c.out, [0xA5; 32], "case {i}: output written on {rc}/{rs}");
            assert_eq!(c.out_len, 32, "case {i}");
        }
        *outcomes.entry((rc, rs)).or_insert(0) += 1;
    }
    // The mutations must reach many different checks, and some calls must still succeed.
    assert!(outcomes.len() >= 12, "{outcomes:?}");
    assert!(outcomes.contains_key(&(0, 0)), "{outcomes:?}");
}
