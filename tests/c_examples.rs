//! examples/c/pcu_demo.c compiled against the library `make test` has just built and run on a
//! fresh state directory (tests/common/c_build.rs; in CI it fails when it cannot run). Its
//! output is checked against independent values: the three key check values against
//! tests/data/kcv.txt (`cryptography`, cross-checked with psec) and the PIN change message
//! against tests/data/pcu.txt `s9-set1-pcu2-ffff` (cca-spec §9 set 1, pyemv's HSM-checked
//! vector). (examples/c/keys_demo.c runs in the C suite; pin_change_script.c in
//! tests/script.rs.)

mod common;
use common::c_build;
use common::*;

fn kcv(id: &str) -> String {
    let c = cases("kcv.txt").into_iter().find(|c| c.id() == id).unwrap();
    c.text("enc_zero")[..8].to_string()
}

#[test]
fn pcu_demo_prints_the_published_answer() {
    let Some(exe) = c_build::compile_example("pcu_demo example", "pcu_demo") else {
        return;
    };
    let stdout = c_build::run_example(&exe);
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // The check values, in the order of the keys: IMK-AC, IMK-SMC, PIN key.
    let values: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("check value "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        values,
        [kcv("s9-mac-mdk"), kcv("s9-enc-mdk"), kcv("s9-pin-key")],
        "{stdout}"
    );
    let pcu = cases("pcu.txt")
        .into_iter()
        .find(|c| c.id() == "s9-set1-pcu2-ffff")
        .unwrap();
    let message = stdout
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("PIN message "))
        .unwrap_or_else(|| panic!("no PIN message line:\n{stdout}"))
        .trim();
    assert_eq!(message, pcu.text("out"));
    // The PIN blocks it passes are the §9 blocks (tests/data/pcu.txt, psec).
    assert!(stdout.contains(pcu.text("new_block")), "{stdout}");
    assert!(stdout.contains(pcu.text("cur_block")), "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("pcu_demo: all calls returned the expected codes")
    );
}
