//! Dual control: several custodians logged on at once, each on a thread of its own.
//!
//! The library keeps a logon per thread (CSUALCT). A ceremony of two custodians therefore
//! runs each custodian's steps on a thread logged on as that custodian (a [`Desk`]), while
//! the thread of the command (or of the menu) keeps its own logon, if any: the operator of the
//! menu stays logged on through a master-key ceremony. Every custodian is logged on before the
//! first step, so a wrong passphrase stops the ceremony before any register changes.

use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::cca;
use crate::error::ConsoleError;
use crate::secret::Secret;

/// A custodian of the ceremony: the profile and its passphrase (wiped when dropped).
#[derive(Debug)]
pub struct Custodian {
    /// The user id (upper case, 1-8 characters).
    pub user: String,
    /// The profile's passphrase.
    pub passphrase: Secret,
}

type Job = Box<dyn FnOnce() + Send>;

/// A thread logged on as one custodian, running the steps given to it; logged off when dropped.
pub struct Desk {
    user: String,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

fn lost(user: &str) -> ConsoleError {
    ConsoleError::Io(format!("the thread of custodian {user} ended unexpectedly"))
}

impl Desk {
    /// Starts the thread and logs it on as `c.user` (CSUALCT LOGON PPHRASE); the passphrase is
    /// wiped as soon as the logon is done.
    pub fn open(c: Custodian) -> Result<Desk, ConsoleError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (ready, logged_on) = mpsc::channel();
        let user = c.user.clone();
        let thread = std::thread::Builder::new()
            .name(format!("custodian {user}"))
            .spawn(move || {
                let Custodian { user, passphrase } = c;
                let r = cca::logon::passphrase(&user, &passphrase);
                drop(passphrase);
                let ok = r.is_ok();
                let _ = ready.send(r);
                if ok {
                    for job in queue {
                        job();
                    }
                    let _ = cca::logon::logoff();
                }
            })
            .map_err(|e| ConsoleError::Io(format!("cannot start a thread: {}", e.kind())))?;
        let mut desk = Desk {
            user,
            jobs: Some(jobs),
            thread: Some(thread),
        };
        match logged_on.recv() {
            Ok(Ok(())) => Ok(desk),
            Ok(Err(f)) => Err(f.into()),
            Err(_) => Err(lost(&std::mem::take(&mut desk.user))),
        }
    }

    /// The custodian's user id.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// Runs `f` on the custodian's thread (under its logon) and returns what it returns.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ConsoleError> {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs
            .as_ref()
            .ok_or_else(|| lost(&self.user))?
            .send(job)
            .map_err(|_| lost(&self.user))?;
        rx.recv().map_err(|_| lost(&self.user))
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop: it logs off and ends.
        drop(self.jobs.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Logs every custodian on, in order, each on its own thread; the first failure logs the
/// others off again and is returned.
pub fn open_all(custodians: Vec<Custodian>) -> Result<Vec<Desk>, ConsoleError> {
    let mut desks = Vec::with_capacity(custodians.len());
    for c in custodians {
        desks.push(Desk::open(c)?);
    }
    Ok(desks)
}
