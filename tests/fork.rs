//! fork() after the first call (a C or COBOL server that forks workers): the child opens its
//! own SQLite connections and works; the parent keeps working and sees the child's record.
//! The parent's running ceremonies are not the child's: a ceremony buffer the parent holds is
//! refused in the child (8/X'F222'), which would otherwise be a second process able to go on
//! with (fork) the parent's ceremony, and the parent goes on with it.

use softcca::Error;
use softcca::custody::ceremony::{Ceremony, Stage, verb_name};
use softcca::custody::collect::Collector;

mod common;
use common::*;

#[test]
fn child_after_fork_uses_its_own_connections() {
    let dir = temp_state("fork");
    // SAFETY: the only test of this binary, before the library reads the environment.
    unsafe { std::env::set_var("SOFTCCA_HOME", &dir) };
    assert_eq!(krc(&label("PARENT.KEY")), (0, 0));
    let verb = verb_name("CSUCCST");
    let read = || Stage::Read(Collector::any());
    let held = Ceremony::start(verb, read(), (2, 3))
        .and_then(Ceremony::seal)
        .unwrap();
    // SAFETY: the child only calls the library and then _exit()s, without returning to the
    // test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = krc(&label("CHILD.KEY")) == (0, 0) && krc(&label("PARENT.KEY")) == (8, 44);
        let parents = Ceremony::open(&held, &verb).err() == Some(Error::CeremonyPhase);
        let own = Ceremony::start(verb, read(), (2, 3))
            .and_then(Ceremony::seal)
            .is_ok_and(|b| Ceremony::open(&b, &verb).is_ok());
        let ok = ok && parents && own;
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child created above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed: {status}"
    );
    assert_eq!(
        krc(&label("CHILD.KEY")),
        (8, 44),
        "parent sees the child's record"
    );
    assert_eq!(krc(&label("PARENT.AGAIN")), (0, 0));
    assert!(
        Ceremony::open(&held, &verb).is_ok(),
        "the parent goes on with its ceremony"
    );
}
