//! A seccomp filter for a child process (tests only): chosen system calls fail with ENOSYS,
//! as in a sandbox that lacks them.
#![allow(dead_code)]

/// Installs a filter under which every system call in `calls` fails with ENOSYS; every other
/// one is allowed. Irreversible for the process.
pub fn deny_with_enosys(calls: &[i64]) {
    filter(
        calls,
        libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
        libc::SECCOMP_RET_ALLOW,
        &[],
    );
}

/// Installs a filter under which any system call not in `allowed` kills the process
/// (SIGSYS).
pub fn allow_only(allowed: &[i64]) {
    filter(
        allowed,
        libc::SECCOMP_RET_ALLOW,
        libc::SECCOMP_RET_KILL_PROCESS,
        &[],
    );
}

fn filter(calls: &[i64], hit: u32, miss: u32, _: &[()]) {
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jeq = |k: u32, jt: u8| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf: 0,
        k,
    };
    let mut prog = vec![stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0)];
    let n = calls.len();
    for (i, c) in calls.iter().enumerate() {
        // Jump to the `hit` return after the remaining comparisons and the `miss` return.
        prog.push(jeq(*c as u32, (n - i) as u8));
    }
    prog.push(stmt(libc::BPF_RET | libc::BPF_K, miss));
    prog.push(stmt(libc::BPF_RET | libc::BPF_K, hit));
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // SAFETY (test): prctl with a valid filter program that outlives the call.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                &fprog as *const _
            ),
            0
        );
    }
}
