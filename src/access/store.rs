//! The profile store: `access.db` in the state directory (docs/access-control.md *Profiles and logon*, docs/state.md),
//! created on first use like `sets.db`.
//!
//! One row per profile and one per (profile, mechanism). A passphrase mechanism keeps only
//! Argon2id(SHA-1(passphrase)) with its salt and parameters; a card mechanism the card's CSN
//! and HMAC-SHA-256(salt, the card's content secret). Every change is one transaction and
//! moves the shared counter [`Slot::Profiles`], so a logged-on thread of any process sees it
//! on its next call ([`super::logon::revalidate`]).

use rusqlite::OptionalExtension;
use zeroize::Zeroizing;

use super::context::Name8;
use super::context::now_secs;
use super::profile::{Date, MAX_FAILURES, ProfileView};
use crate::error::{Error, Result};
use crate::state::db::Db;
use crate::state::dir::{Entry, StateDir};
use crate::state::generations::{Generations, Slot};
use std::sync::Arc;

/// The store's file and schema.
pub const FILE: crate::state::init::DbFile = crate::state::init::DbFile {
    name: "access.db",
    schema: SCHEMA,
};

const SCHEMA: &str = "CREATE TABLE profiles (
    user_id    BLOB PRIMARY KEY CHECK (length(user_id) = 8),
    comment    BLOB NOT NULL CHECK (length(comment) = 20),
    role_id    BLOB NOT NULL CHECK (length(role_id) = 8),
    activation INTEGER NOT NULL,
    expiration INTEGER NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE mechanisms (
    user_id    BLOB NOT NULL REFERENCES profiles (user_id),
    mechanism  INTEGER NOT NULL,
    strength   INTEGER NOT NULL,
    expiration INTEGER NOT NULL,
    attributes INTEGER NOT NULL,
    salt       BLOB NOT NULL CHECK (length(salt) = 16),
    m_cost     INTEGER NOT NULL,
    t_cost     INTEGER NOT NULL,
    p_cost     INTEGER NOT NULL,
    csn        TEXT,
    verifier   BLOB NOT NULL CHECK (length(verifier) = 32),
    PRIMARY KEY (user_id, mechanism)
);";

/// A mechanism's stored verifier: what a logon recomputes and compares.
pub struct Verifier {
    /// Salt of the Argon2id hash or the HMAC.
    pub salt: [u8; 16],
    /// Argon2id parameters (m, t, p); ignored for a card.
    pub params: (u32, u32, u32),
    /// The card's serial number (card mechanism only).
    pub csn: Option<String>,
    /// Argon2id(SHA-1(passphrase)) or HMAC-SHA-256(salt, content secret).
    pub value: Zeroizing<[u8; 32]>,
}

/// A mechanism to store.
pub struct NewMechanism {
    /// Mechanism id.
    pub id: u16,
    /// Strength.
    pub strength: u16,
    /// Last day of use.
    pub expires: Date,
    /// IBM attribute bits.
    pub attributes: u32,
    /// Its verifier.
    pub verifier: Verifier,
}

/// A profile to store.
pub struct NewProfile {
    /// The comment.
    pub comment: [u8; 20],
    /// User id.
    pub user: Name8,
    /// Role id.
    pub role: Name8,
    /// First day.
    pub activates: Date,
    /// Last day.
    pub expires: Date,
    /// Mechanisms.
    pub mechanisms: Vec<NewMechanism>,
}

fn storage<E>(_: E) -> Error {
    Error::KeyStorage
}

fn date(v: i64) -> Result<Date> {
    u32::try_from(v)
        .map(Date)
        .map_err(|_| Error::StateFileDamaged)
}

/// The marker of a directory whose access control was initialised (its first INIT-AC
/// committed; docs/decisions.md D75): written inside the first profiles' transaction, never
/// removed by softcca. With it the bootstrap is closed for good (an empty store needs X'0112')
/// and a missing `access.db` fails closed ([`Error::AccessStoreMissing`]) instead of being
/// created empty, which would reopen the bootstrap to every application (review finding A4).
pub const CLOSED_MARKER: &str = "access.closed";

/// The profile store of one state directory.
pub struct ProfileStore {
    db: Db,
    dir: Arc<StateDir>,
}

impl ProfileStore {
    /// Opens `access.db` in `dir`, creating it when missing (refused when the directory's
    /// access control was initialised: [`CLOSED_MARKER`]); every committed change moves
    /// [`Slot::Profiles`] of `gens`.
    pub fn open(dir: &Arc<StateDir>, gens: Arc<Generations>) -> Result<Self> {
        if dir.entry(FILE.name)? == Entry::Missing && dir.entry(CLOSED_MARKER)? != Entry::Missing {
            return Err(Error::AccessStoreMissing);
        }
        crate::state::init::ensure(dir, &FILE)?;
        let store = ProfileStore {
            db: Db::open(dir, FILE.name, "profiles")?.with_generation(gens, Slot::Profiles),
            dir: Arc::clone(dir),
        };
        // A directory bootstrapped before the marker existed gets it now.
        if dir.writable() && store.count()? > 0 && !store.closed()? {
            store.close()?;
        }
        Ok(store)
    }

    /// `true` when the directory's access control was initialised ([`CLOSED_MARKER`]).
    pub fn closed(&self) -> Result<bool> {
        Ok(self.dir.entry(CLOSED_MARKER)? != Entry::Missing)
    }

    /// Writes [`CLOSED_MARKER`] (synced, the directory synced) unless it is there.
    fn close(&self) -> Result<()> {
        let _lock = self.dir.lock()?;
        if self.closed()? {
            return Ok(());
        }
        self.dir
            .create_file(CLOSED_MARKER, b"access control initialised\n")?;
        self.dir.sync()
    }

    /// How many profiles are stored.
    pub fn count(&self) -> Result<u32> {
        self.db.read(count)
    }

    /// Every user id, in order.
    pub fn users(&self) -> Result<Vec<Name8>> {
        self.db.read(|tx| {
            let mut st = tx
                .prepare("SELECT user_id FROM profiles ORDER BY user_id")
                .map_err(storage)?;
            let rows = st
                .query_map([], |r| r.get::<_, Vec<u8>>(0))
                .map_err(storage)?;
            rows.map(|r| {
                r.map_err(storage)?
                    .try_into()
                    .map_err(|_| Error::StateFileDamaged)
            })
            .collect()
        })
    }

    /// How many profiles name the role `role`.
    pub fn naming_role(&self, role: &Name8) -> Result<u32> {
        self.db.read(|tx| {
            let n: i64 = tx
                .query_row(
                    "SELECT count(*) FROM profiles WHERE role_id = ?1",
                    [&role[..]],
                    |r| r.get(0),
                )
                .map_err(storage)?;
            u32::try_from(n).map_err(|_| Error::StateFileDamaged)
        })
    }

    /// The profile of `user` without secrets, if there is one.
    pub fn view(&self, user: &Name8) -> Result<Option<ProfileView>> {
        self.db.read(|tx| view(tx, user))
    }

    /// The profile of `user` without secrets and the salt of its mechanism `mech` (the
    /// instance a logon was made with: fresh at every INIT-AC and CHG-AD), in one read.
    pub fn instance(
        &self,
        user: &Name8,
        mech: u16,
    ) -> Result<Option<(ProfileView, Option<[u8; 16]>)>> {
        self.db.read(|tx| {
            let Some(p) = view(tx, user)? else {
                return Ok(None);
            };
            Ok(Some((p, verifier(tx, user, mech)?.map(|v| v.salt))))
        })
    }

    /// Stores `profiles` in one transaction. `may_write(existing, closed)` is told how many
    /// profiles the store held before and whether the directory's access control was
    /// initialised ([`CLOSED_MARKER`]), inside the transaction (so two bootstraps cannot both
    /// see an open store), and refuses or allows. A user id already stored is refused
    /// ([`Error::ProfileExists`]) unless `replace`, when it is replaced with its mechanisms.
    /// `last` is given the role ids the profiles name after the write, each with the strongest
    /// mechanism of a profile naming it, and runs still inside
    /// the transaction (INIT-AC refuses to leave no profile able to INIT-AC and writes its
    /// roles there, review findings A4 and A2); then the marker is written when missing,
    /// then the transaction commits.
    pub fn insert(
        &self,
        profiles: &[NewProfile],
        replace: bool,
        may_write: impl FnOnce(u32, bool) -> Result<()>,
        last: impl FnOnce(&[(Name8, u16)]) -> Result<()>,
    ) -> Result<()> {
        self.db.write(|tx| {
            let closed = self.closed()?;
            may_write(count(tx)?, closed)?;
            for p in profiles {
                if view(tx, &p.user)?.is_some() {
                    if !replace {
                        return Err(Error::ProfileExists);
                    }
                    delete(tx, &p.user)?;
                }
                tx.execute(
                    "INSERT INTO profiles (user_id, comment, role_id, activation, expiration,
                     failures) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                    rusqlite::params![
                        &p.user[..],
                        &p.comment[..],
                        &p.role[..],
                        p.activates.0,
                        p.expires.0
                    ],
                )
                .map_err(storage)?;
                for m in &p.mechanisms {
                    put_mechanism(tx, &p.user, m)?;
                }
            }
            last(&roles_reachable(tx)?)?;
            if !closed && !profiles.is_empty() {
                self.close()?;
            }
            Ok(())
        })
    }

    /// Deletes `user`'s profile: [`Error::ProfileUnknownUser`] when there is none. `may_remain`
    /// is given the deleted profile's role and the roles the profiles left can log on into, each with its reach (inside the
    /// transaction, as [`ProfileStore::insert`]'s `last`) and refuses or allows.
    pub fn delete(
        &self,
        user: &Name8,
        may_remain: impl FnOnce(&Name8, &[(Name8, u16)]) -> Result<()>,
    ) -> Result<()> {
        self.db.write(|tx| {
            let role = view(tx, user)?.ok_or(Error::ProfileUnknownUser)?.role;
            delete(tx, user)?;
            may_remain(&role, &roles_reachable(tx)?)
        })
    }

    /// Sets `user`'s expiration date (CHGEXPDT).
    /// `may_remain` is given the roles the profiles can then log on into, each with its reach
    /// (inside the transaction, as [`ProfileStore::delete`]'s), and refuses or allows.
    pub fn set_expiry(
        &self,
        user: &Name8,
        expires: Date,
        may_remain: impl FnOnce(&[(Name8, u16)]) -> Result<()>,
    ) -> Result<()> {
        self.db.write(|tx| {
            let p = view(tx, user)?.ok_or(Error::ProfileUnknownUser)?;
            if p.activates > expires {
                return Err(Error::ProfileDate);
            }
            tx.execute(
                "UPDATE profiles SET expiration = ?2 WHERE user_id = ?1",
                rusqlite::params![&user[..], expires.0],
            )
            .map_err(storage)?;
            may_remain(&roles_reachable(tx)?)
        })
    }

    /// Replaces (or adds) `user`'s mechanisms given (CHG-AD); `may_remain` as
    /// [`ProfileStore::set_expiry`]'s.
    pub fn set_mechanisms(
        &self,
        user: &Name8,
        mechanisms: &[NewMechanism],
        may_remain: impl FnOnce(&[(Name8, u16)]) -> Result<()>,
    ) -> Result<()> {
        self.db.write(|tx| {
            view(tx, user)?.ok_or(Error::ProfileUnknownUser)?;
            for m in mechanisms {
                tx.execute(
                    "DELETE FROM mechanisms WHERE user_id = ?1 AND mechanism = ?2",
                    rusqlite::params![&user[..], m.id],
                )
                .map_err(storage)?;
                put_mechanism(tx, user, m)?;
            }
            may_remain(&roles_reachable(tx)?)
        })
    }

    /// Sets `user`'s failure count to 0 (RESET-FC, and a successful logon).
    pub fn reset_failures(&self, user: &Name8) -> Result<()> {
        self.db.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE profiles SET failures = 0 WHERE user_id = ?1",
                    [&user[..]],
                )
                .map_err(storage)?;
            if n == 1 {
                Ok(())
            } else {
                Err(Error::ProfileUnknownUser)
            }
        })
    }

    /// The first step of a logon, in one IMMEDIATE transaction: reads `user`'s profile and
    /// its mechanism `mechanism`, lets `check` refuse the try (unknown user, locked, dates,
    /// role; nothing is counted then), and **enters the try before anything is hashed**: a
    /// try is admitted only while the profile's failures plus the tries being checked are
    /// below [`MAX_FAILURES`], so however many threads and processes race, at most
    /// [`MAX_FAILURES`] wrong tries of a profile are ever verified until RESET-FC or a right
    /// one. The caller ends the try with [`ProfileStore::end_try`] (a right one resets the
    /// failures, a wrong one adds one); a try never ended (its process killed while hashing)
    /// counts as a failure as soon as its process is gone, or after [`STALE_TRY_SECS`].
    ///
    /// Right tries racing each other are not failures: a try that finds the room taken by
    /// tries still being checked waits for them (up to [`BUSY_WAIT_MS`]) instead of being
    /// answered "locked" (docs/decisions.md D79).
    pub fn begin_try(
        &self,
        user: &Name8,
        mechanism: u16,
        check: impl FnOnce(&ProfileView) -> Result<()>,
    ) -> Result<(ProfileView, Verifier, i64)> {
        // What one transaction decided; a refusal still commits the stale tries it counted.
        enum Step {
            Admitted(ProfileView, Verifier, i64),
            Busy,
            Refused(Error),
        }
        let mut check = Some(check);
        let started = std::time::Instant::now();
        loop {
            let step = self.db.write(|tx| {
                tx.execute_batch(TRIES_SCHEMA).map_err(storage)?;
                let now = now_secs();
                // Tries of killed processes are failures now: those whose process is gone,
                // and any older than STALE_TRY_SECS.
                let me = i64::from(std::process::id());
                let gone: Vec<i64> = {
                    let mut q = tx
                        .prepare("SELECT id, pid FROM logon_tries WHERE user_id = ?1")
                        .map_err(storage)?;
                    let rows = q
                        .query_map([&user[..]], |r| {
                            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                        })
                        .map_err(storage)?;
                    rows.filter_map(|r| r.ok())
                        .filter(|&(_, pid)| pid != me && process_gone(pid))
                        .map(|(id, _)| id)
                        .collect()
                };
                for id in &gone {
                    tx.execute("DELETE FROM logon_tries WHERE id = ?1", [id])
                        .map_err(storage)?;
                }
                let stale = gone.len()
                    + tx.execute(
                        "DELETE FROM logon_tries WHERE user_id = ?1 AND started < ?2",
                        rusqlite::params![&user[..], now - STALE_TRY_SECS],
                    )
                    .map_err(storage)?;
                if stale > 0 {
                    tx.execute(
                        "UPDATE profiles SET failures = min(failures + ?2, ?3) WHERE user_id = ?1",
                        rusqlite::params![&user[..], stale as i64, MAX_FAILURES],
                    )
                    .map_err(storage)?;
                }
                let Some(p) = view(tx, user)? else {
                    return Ok(Step::Refused(Error::ProfileUnknownUser));
                };
                if p.locked() {
                    return Ok(Step::Refused(Error::ProfileLocked));
                }
                if let Some(check) = check.take()
                    && let Err(e) = check(&p)
                {
                    return Ok(Step::Refused(e));
                }
                let Some(v) = verifier(tx, user, mechanism)? else {
                    return Ok(Step::Refused(Error::MechanismMissing));
                };
                let live: i64 = tx
                    .query_row(
                        "SELECT count(*) FROM logon_tries WHERE user_id = ?1",
                        [&user[..]],
                        |r| r.get(0),
                    )
                    .map_err(storage)?;
                if i64::from(p.failures) + live >= i64::from(MAX_FAILURES) {
                    return Ok(Step::Busy);
                }
                tx.execute(
                    "INSERT INTO logon_tries (user_id, started, pid) VALUES (?1, ?2, ?3)",
                    rusqlite::params![&user[..], now, me],
                )
                .map_err(storage)?;
                Ok(Step::Admitted(p, v, tx.last_insert_rowid()))
            })?;
            match step {
                Step::Admitted(p, v, id) => return Ok((p, v, id)),
                Step::Refused(e) => return Err(e),
                Step::Busy => {}
            }
            if started.elapsed() >= std::time::Duration::from_millis(BUSY_WAIT_MS) {
                return Err(Error::LogonBusy);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Ends the try `id` of `user` that [`ProfileStore::begin_try`] admitted: `right` resets
    /// the profile's failures, a wrong one adds one (at most [`MAX_FAILURES`]). A try already
    /// swept as stale was counted as a failure then: a wrong one adds nothing more.
    pub fn end_try(&self, user: &Name8, id: i64, right: bool) -> Result<()> {
        self.db.write(|tx| {
            let ended = tx
                .execute(
                    "DELETE FROM logon_tries WHERE id = ?1 AND user_id = ?2",
                    rusqlite::params![id, &user[..]],
                )
                .map_err(storage)?;
            if !right && ended == 0 {
                return Ok(());
            }
            if right {
                tx.execute(
                    "UPDATE profiles SET failures = 0 WHERE user_id = ?1",
                    [&user[..]],
                )
            } else {
                tx.execute(
                    "UPDATE profiles SET failures = min(failures + 1, ?2) WHERE user_id = ?1",
                    rusqlite::params![&user[..], MAX_FAILURES],
                )
            }
            .map_err(storage)?;
            Ok(())
        })
    }
}

/// The tries being checked: a row per admitted logon try until it ends.
/// `id` is never reused (AUTOINCREMENT): a try swept as stale while its process was only
/// stopped must not, when it ends late, delete another try that took its id (review finding
/// F1).
/// `pid` is the process checking the try: a try of a process that no longer exists is a
/// failure at once, not after [`STALE_TRY_SECS`].
const TRIES_SCHEMA: &str = "CREATE TABLE IF NOT EXISTS logon_tries (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BLOB NOT NULL CHECK (length(user_id) = 8),
    started INTEGER NOT NULL,
    pid     INTEGER NOT NULL
);";

/// `true` when no process `pid` exists (`kill(pid, 0)` answers ESRCH). A process of another
/// user or PID namespace (EPERM), or a pid reused since, counts as alive: its try then ends
/// by [`STALE_TRY_SECS`].
fn process_gone(pid: i64) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// A try not ended this many seconds after it began is a failure (its process was killed
/// while hashing or reading the card).
pub const STALE_TRY_SECS: i64 = 60;

/// How long a try waits for the tries of the same profile being checked to end.
pub const BUSY_WAIT_MS: u64 = 5_000;

fn count(tx: &rusqlite::Transaction<'_>) -> Result<u32> {
    let n: i64 = tx
        .query_row("SELECT count(*) FROM profiles", [], |r| r.get(0))
        .map_err(storage)?;
    u32::try_from(n).map_err(|_| Error::StateFileDamaged)
}

/// The roles of the stored profiles that can log on today, each with the strongest mechanism
/// such a profile can log on with: what a logon into that role can reach. A profile counts
/// only when it is in its dates, not locked, and has a mechanism in its date; one nobody can
/// log on as (no mechanism, expired, locked) reaches nothing (review finding B2,
/// docs/decisions.md D87).
fn roles_reachable(tx: &rusqlite::Transaction<'_>) -> Result<Vec<(Name8, u16)>> {
    roles_reachable_in(tx, "main")
}

/// [`roles_reachable`] of the `access.db` attached to `conn` as `schema` (a restore's
/// transaction, docs/CSUARST.md).
pub(crate) fn roles_reachable_in(
    conn: &rusqlite::Connection,
    schema: &str,
) -> Result<Vec<(Name8, u16)>> {
    let today = Date::of_unix(now_secs()).0;
    let mut st = conn
        .prepare(&format!(
            "SELECT p.role_id, max(m.strength) FROM {schema}.profiles p \
             JOIN {schema}.mechanisms m ON m.user_id = p.user_id \
             WHERE p.activation <= ?1 AND p.expiration >= ?1 AND m.expiration >= ?1 \
             AND p.failures < ?2 GROUP BY p.role_id"
        ))
        .map_err(storage)?;
    let rows = st
        .query_map(rusqlite::params![today, MAX_FAILURES], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)?))
        })
        .map_err(storage)?;
    rows.map(|r| {
        let (role, strength) = r.map_err(storage)?;
        Ok((
            role.try_into().map_err(|_| Error::StateFileDamaged)?,
            u16::try_from(strength).map_err(|_| Error::StateFileDamaged)?,
        ))
    })
    .collect()
}

fn delete(tx: &rusqlite::Transaction<'_>, user: &Name8) -> Result<bool> {
    tx.execute("DELETE FROM mechanisms WHERE user_id = ?1", [&user[..]])
        .map_err(storage)?;
    let n = tx
        .execute("DELETE FROM profiles WHERE user_id = ?1", [&user[..]])
        .map_err(storage)?;
    Ok(n == 1)
}

fn put_mechanism(tx: &rusqlite::Transaction<'_>, user: &Name8, m: &NewMechanism) -> Result<()> {
    let v = &m.verifier;
    tx.execute(
        "INSERT INTO mechanisms (user_id, mechanism, strength, expiration, attributes, salt,
         m_cost, t_cost, p_cost, csn, verifier)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            &user[..],
            m.id,
            m.strength,
            m.expires.0,
            m.attributes,
            &v.salt[..],
            v.params.0,
            v.params.1,
            v.params.2,
            v.csn,
            &v.value[..]
        ],
    )
    .map_err(storage)?;
    Ok(())
}

fn view(tx: &rusqlite::Transaction<'_>, user: &Name8) -> Result<Option<ProfileView>> {
    let row = tx
        .query_row(
            "SELECT comment, role_id, activation, expiration, failures FROM profiles
             WHERE user_id = ?1",
            [&user[..]],
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()
        .map_err(storage)?;
    let Some((comment, role, act, exp, failures)) = row else {
        return Ok(None);
    };
    let mut st = tx
        .prepare(
            "SELECT mechanism, strength, expiration, attributes FROM mechanisms
             WHERE user_id = ?1 ORDER BY mechanism",
        )
        .map_err(storage)?;
    let mechanisms = st
        .query_map([&user[..]], |r| {
            Ok((
                r.get::<_, u16>(0)?,
                r.get::<_, u16>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })
        .map_err(storage)?
        .map(|r| {
            let (id, s, e, a) = r.map_err(storage)?;
            Ok((id, s, date(e)?, a))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(ProfileView {
        comment: comment.try_into().map_err(|_| Error::StateFileDamaged)?,
        failures: u32::try_from(failures).map_err(|_| Error::StateFileDamaged)?,
        user: *user,
        role: role.try_into().map_err(|_| Error::StateFileDamaged)?,
        activates: date(act)?,
        expires: date(exp)?,
        mechanisms,
    }))
}

fn verifier(tx: &rusqlite::Transaction<'_>, user: &Name8, mech: u16) -> Result<Option<Verifier>> {
    let row = tx
        .query_row(
            "SELECT salt, m_cost, t_cost, p_cost, csn, verifier FROM mechanisms
             WHERE user_id = ?1 AND mechanism = ?2",
            rusqlite::params![&user[..], mech],
            |r| {
                Ok((
                    r.get::<_, Vec<u8>>(0)?,
                    (
                        r.get::<_, u32>(1)?,
                        r.get::<_, u32>(2)?,
                        r.get::<_, u32>(3)?,
                    ),
                    r.get::<_, Option<String>>(4)?,
                    Zeroizing::new(r.get::<_, Vec<u8>>(5)?),
                ))
            },
        )
        .optional()
        .map_err(storage)?;
    let Some((salt, params, csn, value)) = row else {
        return Ok(None);
    };
    let mut v = Zeroizing::new([0u8; 32]);
    if value.len() != 32 {
        return Err(Error::StateFileDamaged);
    }
    v.copy_from_slice(&value);
    Ok(Some(Verifier {
        salt: salt.try_into().map_err(|_| Error::StateFileDamaged)?,
        params,
        csn,
        value: v,
    }))
}
