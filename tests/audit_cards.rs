//! The audit log of card use on a virtual card through pcscd (docs/audit.md): each card
//! verb's call appends one record with its reader, CSN, label (when the verb read it) and
//! codes, also for a wrong PIN, an empty reader and a PIN refused before the card is
//! touched; no PIN reaches the file; a log that cannot be opened stops the verb before the
//! card is touched (its PIN counter does not move); and a record that cannot be written after
//! the card answered (a file-size limit standing in for a full disk) leaves the caller's
//! outputs untouched and the log cut back to its previous length.
//!
//! Borrows virtual card 8 (tests/card_pcsc.rs's; test binaries run one after another) on a
//! fresh state file and gives it its own state file back afterwards.

#[path = "common/audit_call.rs"]
mod audit_call;
#[path = "common/vcards.rs"]
mod vcards;

use std::path::PathBuf;
use std::ptr::null_mut;

use softcca::ffi::card::{CSUCCPN, CSUCERA, CSUCGLB, CSUCINS};
use softcca::verbs::card::INSPECT_LEN;
use vcards::{EMPTY_SLOT, VCard, on_card, pcsc, pin, vcard};

const CARD: usize = 8;
const TRANSPORT_PIN: &str = "12345678";
/// The PINs of this test: none of their digit strings may appear in the log.
const WRONG_PIN: &str = "97531864";
const NEW_PIN: &str = "24681357";
/// 9 digits: refused (8/X'F101') before the card is touched.
const LONG_PIN: &str = "864297531";
const LABEL: &[u8] = b"SET A%1";

/// Puts the borrowed card back on its own state file, also when the test fails.
struct Borrowed(VCard, PathBuf);

impl Drop for Borrowed {
    fn drop(&mut self) {
        self.0.kill();
        self.0.restart(&[]);
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn name_field(reader: &str) -> [u8; 128] {
    let mut f = [b' '; 128];
    f[..reader.len()].copy_from_slice(reader.as_bytes());
    f
}

/// CSUCINS: `(rc, rs, layout)`.
fn inspect(reader: &str, pin: Option<&str>) -> (i32, i32, Vec<u8>) {
    let (mut rc, mut rs, mut count) = (-1, -1, 0);
    let mut field = name_field(reader);
    let mut p = pin.unwrap_or("").as_bytes().to_vec();
    let (mut pl, mut ol) = (p.len() as i32, INSPECT_LEN as i32);
    let mut out = vec![0xEEu8; INSPECT_LEN];
    let pp = if pin.is_some() {
        p.as_mut_ptr()
    } else {
        null_mut()
    };
    // SAFETY: valid pointers for CSUCINS's documented lengths.
    unsafe {
        CSUCINS(
            &mut rc,
            &mut rs,
            null_mut(),
            null_mut(),
            &mut count,
            null_mut(),
            field.as_mut_ptr(),
            &mut pl,
            pp,
            &mut ol,
            out.as_mut_ptr(),
        )
    };
    (rc, rs, out)
}

/// CSUCGLB, CSUCERA (one PIN) and CSUCCPN (two): `(rc, rs)`.
fn one_pin(verb: &str, reader: &str, pins: &[&str]) -> (i32, i32) {
    let (mut rc, mut rs, mut count) = (-1, -1, 0);
    let mut field = name_field(reader);
    let mut a = pins[0].as_bytes().to_vec();
    let mut b = pins.get(1).unwrap_or(&"").as_bytes().to_vec();
    let (mut al, mut bl) = (a.len() as i32, b.len() as i32);
    let mut label_len = 64;
    let mut label = [0u8; 64];
    let (rcp, rsp, f) = (&mut rc as *mut i32, &mut rs as *mut i32, field.as_mut_ptr());
    // SAFETY: valid pointers for each verb's documented lengths.
    unsafe {
        match verb {
            "CSUCGLB" => CSUCGLB(
                rcp,
                rsp,
                null_mut(),
                null_mut(),
                &mut count,
                null_mut(),
                f,
                &mut al,
                a.as_mut_ptr(),
                &mut label_len,
                label.as_mut_ptr(),
            ),
            "CSUCERA" => CSUCERA(
                rcp,
                rsp,
                null_mut(),
                null_mut(),
                &mut count,
                null_mut(),
                f,
                &mut al,
                a.as_mut_ptr(),
            ),
            "CSUCCPN" => CSUCCPN(
                rcp,
                rsp,
                null_mut(),
                null_mut(),
                &mut count,
                null_mut(),
                f,
                &mut al,
                a.as_mut_ptr(),
                &mut bl,
                b.as_mut_ptr(),
            ),
            v => panic!("{v}"),
        }
    };
    (rc, rs)
}

/// The PIN SCR field of Inspect.
fn scr(reader: &str) -> String {
    let (rc, rs, l) = inspect(reader, None);
    assert_eq!((rc, rs), (0, 0));
    String::from_utf8_lossy(&l[226..228]).into()
}

/// Runs `f` with this process's file-size limit at `bytes` (SIGXFSZ ignored, so a write past
/// it fails with EFBIG as on a full disk), then lifts the limit again.
fn with_file_size_limit<R>(bytes: u64, f: impl FnOnce() -> R) -> R {
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on valid, owned structures; this binary's only test runs
    // alone, and no other thread writes files meanwhile.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::getrlimit(libc::RLIMIT_FSIZE, &mut old), 0);
        let limit = libc::rlimit {
            rlim_cur: bytes,
            rlim_max: old.rlim_max,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let r = f();
    // SAFETY: as above.
    unsafe { assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &old), 0) };
    r
}

/// `key=value` tokens of a record line, in order.
fn fields(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|t| {
            let (k, v) = t.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// What the test expects of a record: op, (reader, csn, label), rc, rs.
fn expect(line: &str, op: &str, card: (&str, &str, &str), rc: i32, rs: i32) {
    let f = fields(line);
    let get = |k: &str| {
        f.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {k} in {line}"))
    };
    assert_eq!(get("op"), op, "{line}");
    assert_eq!((get("reader"), get("csn"), get("label")), card, "{line}");
    assert_eq!(
        (get("rc"), get("rs")),
        (rc.to_string().as_str(), format!("{rs:04X}").as_str()),
        "{line}"
    );
    assert_eq!(f.iter().filter(|(k, _)| k == "reader").count(), 1, "{line}");
}

#[test]
fn every_card_verb_is_audited_and_an_unusable_log_leaves_the_card_untouched() {
    let Some(mut card) = vcard(CARD) else {
        return;
    };
    let fresh = std::env::temp_dir().join(format!("softcca-audit-card-{}", std::process::id()));
    std::fs::create_dir_all(&fresh).unwrap();
    card.kill();
    card.spawn_on(&fresh.join("card.state"), &[]);
    vcards::wait_presence(&card.reader, true);
    let card = Borrowed(card, fresh);
    let c = &card.0;
    let r = c.reader.as_str();
    let home = PathBuf::from(std::env::var_os("SOFTCCA_HOME").unwrap());
    let log = home.join("audit.log");
    on_card(&pcsc(), c, |k| {
        k.verify(&pin(TRANSPORT_PIN))?;
        k.put_label(LABEL)
    })
    .unwrap();

    let reader = r.replace(' ', "%20");
    let csn = c.csn.as_str();
    assert_eq!(inspect(r, None).0, 0);
    assert_eq!(inspect(r, Some(TRANSPORT_PIN)).0, 0);
    assert_eq!(one_pin("CSUCGLB", r, &[WRONG_PIN]), (8, 0xF1C6));
    assert_eq!(one_pin("CSUCGLB", r, &[TRANSPORT_PIN]), (0, 0));
    assert_eq!(
        one_pin("CSUCCPN", r, &[TRANSPORT_PIN, LONG_PIN]),
        (8, 0xF101)
    );
    assert_eq!(one_pin("CSUCCPN", r, &[TRANSPORT_PIN, NEW_PIN]), (0, 0));
    assert_eq!(one_pin("CSUCERA", r, &[WRONG_PIN]), (8, 0xF1C6));
    assert_eq!(inspect(EMPTY_SLOT, None).0, 8);
    assert_eq!(scr(r), "01", "one wrong PIN counted");

    // The log cannot be opened (a symbolic link planted in its place): CSUCERA with the
    // wrong PIN is refused before the card is touched; the card's counter stays at 1.
    let aside = home.join("audit.log.aside");
    std::fs::rename(&log, &aside).unwrap();
    std::os::unix::fs::symlink(&aside, &log).unwrap();
    assert_eq!(one_pin("CSUCERA", r, &[WRONG_PIN]), (12, 0xF200));
    assert_eq!(one_pin("CSUCGLB", r, &[WRONG_PIN]), (12, 0xF200));
    assert_eq!(inspect(r, None).0, 12);
    std::fs::remove_file(&log).unwrap();
    std::fs::rename(&aside, &log).unwrap();
    assert_eq!(scr(r), "01", "the refused calls did not reach the card");

    // The record cannot be written after the card answered (a file-size limit stands in for a
    // full disk): 12/X'F201', the Inspect output untouched, the log cut back to its length.
    let size = std::fs::metadata(&log).unwrap().len();
    let (rc, rs, out) = with_file_size_limit(size + 10, || inspect(r, None));
    assert_eq!((rc, rs), (12, 0xF201));
    assert!(
        out.iter().all(|&b| b == 0xEE),
        "outputs written without a record"
    );
    assert_eq!(
        std::fs::metadata(&log).unwrap().len(),
        size,
        "the log was not cut back"
    );
    assert_eq!(one_pin("CSUCERA", r, &[NEW_PIN]), (0, 0));

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let label = "SET%20A%251";
    // (verb, (reader, csn, label), rc, rs) of each record after the genesis record.
    type Want<'a> = (&'a str, (&'a str, &'a str, &'a str), i32, i32);
    let want: &[Want] = &[
        ("CSUCINS", (&reader, csn, "-"), 0, 0),
        ("CSUCINS", (&reader, csn, label), 0, 0),
        ("CSUCGLB", (&reader, csn, "-"), 8, 0xF1C6),
        ("CSUCGLB", (&reader, csn, label), 0, 0),
        ("CSUCCPN", (&reader, "-", "-"), 8, 0xF101),
        ("CSUCCPN", (&reader, csn, "-"), 0, 0),
        ("CSUCERA", (&reader, csn, "-"), 8, 0xF1C6),
        (
            "CSUCINS",
            (&EMPTY_SLOT.replace(' ', "%20"), "-", "-"),
            8,
            0xF120,
        ),
        ("CSUCINS", (&reader, csn, "-"), 0, 0),
        ("CSUCINS", (&reader, csn, "-"), 0, 0),
        ("CSUCERA", (&reader, csn, "-"), 0, 0),
    ];
    assert_eq!(lines.len(), 1 + want.len(), "{text}");
    assert!(lines[0].contains(" op=GENESIS "), "{text}");
    for (line, (op, card, rc, rs)) in lines[1..].iter().zip(want) {
        expect(line, op, *card, *rc, *rs);
    }
    for secret in [TRANSPORT_PIN, WRONG_PIN, NEW_PIN, LONG_PIN] {
        assert!(!text.contains(secret), "a PIN is in the log:\n{text}");
    }
    let (rc, rs, checked, bad, _) = audit_call::verify();
    assert_eq!((rc, rs, checked, bad), (0, 0, lines.len() as i32, 0));
}
