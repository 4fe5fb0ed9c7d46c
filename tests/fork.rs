//! fork() after the first call (a C or COBOL server that forks workers): the child opens its
//! own SQLite connections and works; the parent keeps working and sees the child's record.

mod common;
use common::*;

#[test]
fn child_after_fork_uses_its_own_connections() {
    let dir = temp_state("fork");
    // SAFETY: the only test of this binary, before the library reads the environment.
    unsafe { std::env::set_var("SOFTCCA_HOME", &dir) };
    assert_eq!(krc(&label("PARENT.KEY")), (0, 0));
    // SAFETY: the child only calls the library and then _exit()s, without returning to the
    // test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let ok = krc(&label("CHILD.KEY")) == (0, 0) && krc(&label("PARENT.KEY")) == (8, 44);
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
}
