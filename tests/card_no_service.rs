//! pcscd not reachable: a clear error, no crash, and no card touched. libpcsclite reads
//! `PCSCLITE_CSOCK_NAME` for its socket; pointing it at a path where nothing listens is
//! "pcscd not running" for this process (its own binary, so the other card tests keep theirs).

use softcca::card::CardError;
use softcca::card::pcsc::Pcsc;

#[test]
fn no_pcscd_is_no_service() {
    // SAFETY: the only test of this binary sets it before any PC/SC call; no other thread
    // reads the environment meanwhile.
    unsafe {
        std::env::set_var("PCSCLITE_CSOCK_NAME", "/nonexistent/softcca/pcscd.comm");
        // Card verbs append to the audit log of the state directory: a private one.
        let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("no-service-home-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        // An existing directory (legacy-form acp.conf): the card verbs' points are on.
        std::fs::create_dir_all(&home).unwrap();
        std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .unwrap();
        std::fs::write(home.join("acp.conf"), include_str!("data/acp-legacy.conf")).unwrap();
        std::env::set_var("SOFTCCA_HOME", home);
    }
    let r = Pcsc::establish().and_then(|p| p.readers().map(|_| ()));
    assert_eq!(r, Err(CardError::NoService));

    // Through the C entry points: 12/X'F131', and nothing but rc and rs written.
    let (mut rc, mut rs, mut count) = (-1, -1, 0);
    let mut room = 16;
    let mut list = vec![0xEEu8; 16 * 136];
    // SAFETY: valid pointers for CSUCRDL's documented lengths.
    unsafe {
        softcca::ffi::card::CSUCRDL(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
            &mut room,
            list.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs, room), (12, 0xF131, 16));
    assert!(list.iter().all(|&b| b == 0xEE));
    let mut name = [b' '; 128];
    name[..14].copy_from_slice(b"Virtual PCD 00");
    let (mut pin_len, mut out_len) = (0, 364);
    let mut out = vec![0xEEu8; 364];
    // SAFETY: valid pointers for CSUCINS's documented lengths (no PIN: pin may be NULL).
    unsafe {
        softcca::ffi::card::CSUCINS(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
            name.as_mut_ptr(),
            &mut pin_len,
            std::ptr::null_mut(),
            &mut out_len,
            out.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs, out_len), (12, 0xF131, 364));
    assert!(out.iter().all(|&b| b == 0xEE));
    // Copy Card: the same, for two readers.
    let mut target = [b' '; 128];
    target[..17].copy_from_slice(b"Virtual PCD 00 01");
    let (mut pin_len, mut pin) = (8, *b"48151623");
    // SAFETY: valid pointers for CSUCCPY's documented lengths.
    unsafe {
        softcca::ffi::card::CSUCCPY(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut count,
            std::ptr::null_mut(),
            name.as_mut_ptr(),
            target.as_mut_ptr(),
            &mut pin_len,
            pin.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (12, 0xF131));
}
