//! pcscd not reachable: a clear error, no crash, and no card touched. libpcsclite reads
//! `PCSCLITE_CSOCK_NAME` for its socket; pointing it at a path where nothing listens is
//! "pcscd not running" for this process (its own binary, so the other card tests keep theirs).

use softcca::card::CardError;
use softcca::card::pcsc::Pcsc;

#[test]
fn no_pcscd_is_no_service() {
    // SAFETY: the only test of this binary sets it before any PC/SC call; no other thread
    // reads the environment meanwhile.
    unsafe { std::env::set_var("PCSCLITE_CSOCK_NAME", "/nonexistent/softcca/pcscd.comm") };
    let r = Pcsc::establish().and_then(|p| p.readers().map(|_| ()));
    assert_eq!(r, Err(CardError::NoService));
}
