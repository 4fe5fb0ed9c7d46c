//! The state directory: an existing directory open to others is refused (12/197), and once it
//! is private the databases are created with mode 0600; no master key means 12/764.

mod common;
use common::*;

use std::os::unix::fs::PermissionsExt;

#[test]
fn permissions_and_no_master_key() {
    let dir = temp_state("perm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // SAFETY: the only test of this binary, before the library reads the environment.
    unsafe { std::env::set_var("SOFTCCA_HOME", &dir) };
    assert_eq!(
        krc(&label("A.KEY")),
        (12, 197),
        "group/other-accessible state directory"
    );
    assert!(
        !dir.join("masterkey.db").exists(),
        "nothing created in a refused directory"
    );

    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    // Owned by another user (only root can arrange that here): refused too.
    use std::os::unix::fs::MetadataExt;
    let me = std::fs::metadata("/proc/self").unwrap().uid();
    if me == 0 {
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        assert_eq!(
            krc(&label("A.KEY")),
            (12, 197),
            "state directory of another user"
        );
        std::os::unix::fs::chown(&dir, Some(0), None).unwrap();
    }
    assert_eq!(krc(&label("A.KEY")), (0, 0));
    for f in ["masterkey.db", "ckds.db", "acp.conf"] {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
    // No master key loaded: a verb that needs one reports 12/764 (docs/decisions.md F14).
    let (mut rc, mut rs) = (-1, -1);
    let mut n = 2;
    let mut all = *b"GENERATEKEY-KM  ";
    let mut id = [0u8; 64];
    let (mut v1, mut v2) = ([0u8; 8], [0u8; 8]);
    unsafe {
        softcca::ffi::keytest::CSNBKYT(
            &mut rc,
            &mut rs,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut n,
            all.as_mut_ptr(),
            id.as_mut_ptr(),
            v1.as_mut_ptr(),
            v2.as_mut_ptr(),
        )
    };
    assert_eq!((rc, rs), (12, 764));
}
