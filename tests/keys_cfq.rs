//! CSUACFQ through the C entry point: STATCCA, STATCCAE and STATMKVP across master-key
//! loads, and every error row.

mod common;
use common::*;

use softcca::ffi::facility::CSUACFQ;

fn err(count: i32, words: &[&str], want: (i32, i32)) {
    let mut n = count;
    let mut vdl = 99;
    let (rc, rs, e) = cfq_raw(&mut n, words, &mut vdl);
    assert_eq!((rc, rs), want, "{words:?}");
    assert_eq!((n, vdl), (count, 99), "outputs written on error");
    let r = rules(words);
    assert_eq!(e.concat().as_bytes()[r.len()..], [b'#'; 96][r.len()..]);
}

#[test]
fn facility_query() {
    let _home = init_home("cfq");
    let e = cfq(&["STATCCA"]);
    assert_eq!(e.len(), 6);
    assert_eq!(&e[..3], ["1       ", "1       ", "1       "]);
    assert_eq!(e[3].trim_end(), env!("CARGO_PKG_VERSION"));
    assert!(
        e[4].len() == 8 && e[4].bytes().all(|b| b.is_ascii_digit()),
        "{:?}",
        e[4]
    );
    assert_eq!(e[5], "DEFAULT ");
    assert_eq!(
        cfq(&["STATMKVP"]),
        [
            "1       ", "NONE    ", "        ", "NONE    ", "        ", "NONE    ", "        "
        ]
    );

    assert_eq!(mkp(&["FIRST"], &arr(&hex(S9_MK))), (0, 0));
    assert_eq!(cfq(&["statcca"])[0], "2       ");
    assert_eq!(
        cfq(&["STATMKVP"])[1],
        "NONE    ",
        "partial NMK has no pattern"
    );
    assert_eq!(mkp(&["LAST"], &[0; 24]).0, 0);
    let e = cfq(&["ADAPTER1", "STATMKVP"]);
    assert_eq!(e[0], "3       ");
    assert_eq!(e[1..3].concat(), S9_MKVP);
    assert_eq!(mkp(&["SET"], &[0; 24]), (0, 0));
    assert_eq!(
        &cfq(&["STATCCA", "ADAPTER1"])[..3],
        ["1       ", "2       ", "1       "]
    );
    load_mk(&hex("C262A47968DF3232AD64F80E6D70D97308E68652323D7FA1"));
    let e = cfq(&["STATCCAE"]);
    assert_eq!(e.len(), 9);
    assert_eq!(&e[..3], ["1       ", "2       ", "2       "]);
    assert_eq!(&e[6..], ["1       ", "1       ", "1       "]);
    let e = cfq(&["STATMKVP"]);
    assert_eq!(e.len(), 7);
    assert_eq!(e[1..3], ["NONE    ", "        "]);
    assert_eq!(e[3..5].concat(), "6A74E3BF4B721C04", "mkvp.txt rnd-0");
    assert_eq!(e[5..7].concat(), S9_MKVP);

    // Errors.
    err(0, &[], (8, 35));
    err(3, &["STATCCA", "ADAPTER1", "STATCCAE"], (8, 35));
    err(1, &["STATCARD"], (8, 33));
    err(2, &["STATCCA", "STATCCAE"], (8, 34));
    err(1, &["ADAPTER1"], (8, 34));
    let mut n = 1;
    let (rc, rs, _) = cfq_raw(&mut n, &["STATCCA"], std::ptr::null_mut());
    assert_eq!((rc, rs), (8, 184));
    let mut vdl = 5;
    let (rc, rs, _) = cfq_raw(std::ptr::null_mut(), &["STATCCA"], &mut vdl);
    assert_eq!((rc, rs, vdl), (8, 184, 5));
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 1;
    unsafe {
        CSUACFQ(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            std::ptr::null_mut(),
            &mut vdl,
            std::ptr::null_mut(),
        )
    };
    assert_eq!((rc, rs, vdl), (8, 184, 5));

    // Misaligned In/Out count and verb_data_length.
    let mut b1 = [0u8; 8];
    let mut b2 = [0u8; 8];
    let count = misaligned(&mut b1, 1);
    let vdl = misaligned(&mut b2, 77);
    let (rc, rs, e) = cfq_raw(count, &["STATCCAE"], vdl);
    assert_eq!((rc, rs), (0, 0));
    assert_eq!(read_misaligned(&b1), 9);
    assert_eq!(read_misaligned(&b2), 0);
    assert_eq!(e[8], "1       ");
}
