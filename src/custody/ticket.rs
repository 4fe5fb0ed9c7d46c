//! Single-use ceremony buffers: this process's table of running ceremonies (docs/custody.md
//! §3).
//!
//! The ceremony key authenticates a buffer, but by itself it would let a caller keep any
//! buffer it was given and pass it again: a Copy Set `READ` buffer holding M-1 shares,
//! replayed with one more card, would mint a second set. So every buffer also carries a
//! ceremony id and a step counter inside its authenticated body, and this table holds, per
//! ceremony id, the verb, the step of the one buffer that may come next, and a deadline:
//!
//! - a `NEXT` call claims the entry ([`claim`]): refused ([`Error::CeremonyPhase`]) when the
//!   id is not in the table (ended, never started here, or from before a `fork()`), when the
//!   buffer's step is not the table's (an older buffer replayed, a copy of the buffer used
//!   twice), or when another call holds the claim (two calls racing with one buffer); refused
//!   with [`Error::CeremonyExpired`] after the deadline;
//! - the step advances only when the call hands out its new buffer ([`Ticket::issue`]); a call
//!   that fails (a refused card, a wrong PIN: docs/decisions.md D43) releases its claim and the
//!   caller goes on from its last good buffer, which is still the table's current one;
//! - the entry is deleted when the ceremony is `DONE`, when a failure ends it
//!   ([`Ticket::end`]), on expiry, and in a forked child (the child handler marks the table
//!   stale; the child's first use empties it).
//!
//! The deadline is [`LIFETIME`] after the last buffer was handed out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long a ceremony waits for its next call.
pub const LIFETIME: Duration = Duration::from_secs(15 * 60);

/// One running ceremony.
struct Entry {
    verb: [u8; 8],
    /// The step of the one buffer that may come next.
    step: u32,
    deadline: Instant,
    /// A call holds this ceremony (between its claim and its new buffer or its failure).
    busy: bool,
}

/// Ceremony id → entry, with the process generation it belongs to.
struct Table {
    generation: u64,
    map: HashMap<[u8; 16], Entry>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);
/// Bumped by the `fork()` child handler: a table of another generation is the parent's.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Records that this process is a freshly forked child: the parent's ceremonies are not
/// its own (async-signal-safe: one atomic add). Called from the `pthread_atfork` child
/// handler of [`crate::ffi`].
pub fn note_fork() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Runs `f` on this generation's table (a parent's table is emptied first).
fn with_table<T>(f: impl FnOnce(&mut HashMap<[u8; 16], Entry>) -> T) -> T {
    let generation = GENERATION.load(Ordering::Acquire);
    let mut guard = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
    let table = match guard.as_mut() {
        Some(t) if t.generation == generation => t,
        _ => guard.insert(Table {
            generation,
            map: HashMap::new(),
        }),
    };
    f(&mut table.map)
}

/// A call's hold on a ceremony: fresh (a `FIRST` call: nothing in the table yet) or claimed
/// (a `NEXT` call). Dropped without [`Ticket::issue`] or [`Ticket::end`], a claim is released
/// with the step unchanged.
pub struct Ticket {
    id: [u8; 16],
    step: u32,
    claimed: bool,
}

impl Ticket {
    /// A new ceremony (random id), entered in the table when its first buffer is issued.
    pub fn fresh() -> Result<Ticket> {
        let mut id = [0u8; 16];
        crate::crypto::rng::fill(&mut id)?;
        Ok(Ticket {
            id,
            step: 0,
            claimed: false,
        })
    }

    /// The ceremony id.
    pub fn id(&self) -> [u8; 16] {
        self.id
    }

    /// The step the next buffer carries.
    pub fn next_step(&self) -> u32 {
        self.step.wrapping_add(1)
    }

    /// Hands out the next buffer of the ceremony for `verb`: returns the step to seal into
    /// it, which becomes the table's current one (or, `last`, deletes the entry: the buffer is
    /// `DONE` and can never be passed again).
    pub fn issue(mut self, verb: &[u8; 8], last: bool) -> u32 {
        self.issue_at(verb, last, Instant::now())
    }

    fn issue_at(&mut self, verb: &[u8; 8], last: bool, now: Instant) -> u32 {
        let next = self.next_step();
        let id = self.id;
        with_table(|map| {
            map.retain(|_, e| e.busy || e.deadline > now);
            if last {
                map.remove(&id);
            } else {
                map.insert(
                    id,
                    Entry {
                        verb: *verb,
                        step: next,
                        deadline: now + LIFETIME,
                        busy: false,
                    },
                );
            }
        });
        self.claimed = false;
        next
    }

    /// Ends the ceremony after a failure no later call can get past (its entry is deleted).
    pub fn end(mut self) {
        let id = self.id;
        if self.claimed {
            with_table(|map| map.remove(&id));
        }
        self.claimed = false;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if self.claimed {
            let id = self.id;
            with_table(|map| {
                if let Some(e) = map.get_mut(&id) {
                    e.busy = false;
                }
            });
        }
    }
}

/// Claims the ceremony `id` at `step` for a call of `verb` (see the module documentation).
pub fn claim(id: [u8; 16], step: u32, verb: &[u8; 8]) -> Result<Ticket> {
    claim_at(id, step, verb, Instant::now())
}

fn claim_at(id: [u8; 16], step: u32, verb: &[u8; 8], now: Instant) -> Result<Ticket> {
    with_table(|map| {
        let expired = map.get(&id).map(|e| !e.busy && e.deadline <= now);
        map.retain(|_, e| e.busy || e.deadline > now);
        match expired {
            None => return Err(Error::CeremonyPhase),
            Some(true) => return Err(Error::CeremonyExpired),
            Some(false) => {}
        }
        let e = map.get_mut(&id).ok_or(Error::CeremonyPhase)?;
        if &e.verb != verb || e.step != step || e.busy {
            return Err(Error::CeremonyPhase);
        }
        e.busy = true;
        Ok(Ticket {
            id,
            step,
            claimed: true,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &[u8; 8] = b"CSUCCST ";

    fn started() -> ([u8; 16], u32) {
        let t = Ticket::fresh().unwrap();
        let id = t.id();
        (id, t.issue(V, false))
    }

    #[test]
    fn each_buffer_passes_once_and_a_refused_call_keeps_the_last_one() {
        let (id, s1) = started();
        // A call that fails (dropped claim) leaves step 1 current: the caller goes on.
        drop(claim(id, s1, V).unwrap());
        let t = claim(id, s1, V).unwrap();
        // While claimed, the same buffer is refused (two calls racing with one buffer).
        assert_eq!(claim(id, s1, V).err(), Some(Error::CeremonyPhase));
        let s2 = t.issue(V, false);
        assert_ne!(s1, s2);
        // The older buffer (replay or a kept copy) is refused; the new one passes.
        assert_eq!(claim(id, s1, V).err(), Some(Error::CeremonyPhase));
        assert_eq!(claim(id, s2, b"CSUCSVK ").err(), Some(Error::CeremonyPhase));
        let t = claim(id, s2, V).unwrap();
        let s3 = t.issue(V, true);
        // DONE: the entry is gone, no buffer of the ceremony passes again.
        for s in [s1, s2, s3] {
            assert_eq!(claim(id, s, V).err(), Some(Error::CeremonyPhase));
        }
    }

    #[test]
    fn an_ended_or_expired_ceremony_is_refused() {
        let (id, s1) = started();
        claim(id, s1, V).unwrap().end();
        assert_eq!(claim(id, s1, V).err(), Some(Error::CeremonyPhase));

        // Expired: its deadline is put in the past (moving the clock forward instead would
        // sweep the table of every other test running in this process).
        let (id, s1) = started();
        with_table(|map| {
            let e = map.get_mut(&id).unwrap();
            e.deadline = Instant::now().checked_sub(Duration::from_secs(1)).unwrap();
        });
        assert_eq!(claim(id, s1, V).err(), Some(Error::CeremonyExpired));
        // Expiry deletes the entry.
        assert_eq!(claim(id, s1, V).err(), Some(Error::CeremonyPhase));
        // Within the deadline the buffer passes.
        let (id, s1) = started();
        let soon = Instant::now() + LIFETIME - Duration::from_secs(60);
        assert!(claim_at(id, s1, V, soon).is_ok());
    }
}
