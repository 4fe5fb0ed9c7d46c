//! Directory Restore (CSUARST): a backup of this same directory written back into the
//! running directory's files (see [`super`]).

use std::os::fd::OwnedFd;

use rusqlite::{Connection, OpenFlags};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::DATABASES;
use super::manifest::{self, Manifest};
use crate::error::{Error, Result};
use crate::state::Coprocessor;
use crate::state::db::busy;
use crate::state::dir::Entry;
use crate::state::generations::Slot;
use crate::state::init::{self, Stage};

/// The staging directory (inside the state directory) a backup's files are copied to, and
/// checked, before they are written into the directory's own files.
const STAGING: &str = ".softcca-restore";
/// `acp.conf`'s new text before it is renamed into place.
const ACP_TEMP: &str = ".acp.conf.restore";

/// Tables a restore leaves as they are in the directory: the logon tries being checked now
/// (and their id sequence, never reused: docs/decisions.md D79).
const KEEP: &[&str] = &["logon_tries", "sqlite_sequence"];

/// The tables each database may hold: those every such file has, then the later ones (with
/// the SQL that creates them), then tables of earlier releases a restore drops.
struct Tables {
    base: &'static [&'static str],
    later: &'static [(&'static str, &'static str)],
    obsolete: &'static [&'static str],
}

fn tables_of(file: &str) -> Tables {
    match file {
        "masterkey.db" => Tables {
            base: &["register"],
            later: crate::state::masterkey::LATER_TABLES,
            obsolete: &[],
        },
        "ckds.db" => Tables {
            base: &["ckds"],
            later: crate::state::ckds::LATER_TABLES,
            obsolete: &["part_custody"],
        },
        "access.db" => Tables {
            base: &["profiles", "mechanisms"],
            later: &[],
            obsolete: &[],
        },
        _ => Tables {
            base: &["sets", "set_cards"],
            later: &[],
            obsolete: &[],
        },
    }
}

/// Opens `name` in `dir` (a regular file, not a symbolic link) for reading: `None` when it
/// does not exist; [`Error::BackupDamaged`] when it is anything but a regular file.
fn open_in(dir: &OwnedFd, name: &str) -> Result<Option<OwnedFd>> {
    let fd = match rfs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(rustix::io::Errno::NOENT) => return Ok(None),
        Err(_) => return Err(Error::BackupDamaged),
    };
    let st = rfs::fstat(&fd).map_err(|_| Error::BackupDamaged)?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        return Err(Error::BackupDamaged);
    }
    Ok(Some(fd))
}

/// Reads the manifest of the backup directory `dir`.
fn read_manifest(dir: &OwnedFd) -> Result<Vec<u8>> {
    let fd = open_in(dir, manifest::FILE)
        .map_err(|_| Error::NotABackup)?
        .ok_or(Error::NotABackup)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = rustix::io::read(&fd, &mut buf).map_err(|_| Error::BackupDamaged)?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.len() > manifest::MAX_LEN {
            return Err(Error::BackupDamaged);
        }
    }
    Ok(out)
}

/// Every name in the backup directory is the manifest or a file it lists, and a regular file.
fn check_listing(dir: &OwnedFd, m: &Manifest) -> Result<()> {
    let fd = rfs::openat(
        dir,
        ".",
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|_| Error::BackupDamaged)?;
    let mut entries = rfs::Dir::read_from(&fd).map_err(|_| Error::BackupDamaged)?;
    while let Some(e) = entries.read() {
        let e = e.map_err(|_| Error::BackupDamaged)?;
        let name = e.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let listed =
            name == manifest::FILE.as_bytes() || m.files.iter().any(|f| f.name.as_bytes() == name);
        let st = rfs::statat(dir, e.file_name(), AtFlags::SYMLINK_NOFOLLOW)
            .map_err(|_| Error::BackupDamaged)?;
        if !listed || FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
            return Err(Error::BackupDamaged);
        }
    }
    Ok(())
}

/// Copies every file the manifest lists from the backup into the stage, checking its length
/// and SHA-256 on the bytes copied (so what is checked is what is used).
fn stage_files(from: &OwnedFd, stage: &Stage<'_>, cp: &Coprocessor, m: &Manifest) -> Result<()> {
    let dir = cp.state_dir();
    for f in &m.files {
        let src = open_in(from, &f.name)?.ok_or(Error::BackupDamaged)?;
        let dst = rfs::openat(
            dir,
            stage.path(&f.name),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|_| Error::StateDirectory)?;
        let mut h = Sha256::new();
        let mut len = 0u64;
        let mut buf = Zeroizing::new([0u8; 65536]);
        loop {
            let n = rustix::io::read(&src, &mut buf[..]).map_err(|_| Error::BackupDamaged)?;
            if n == 0 {
                break;
            }
            len += n as u64;
            if len > f.len {
                return Err(Error::BackupDamaged);
            }
            h.update(&buf[..n]);
            let mut rest = &buf[..n];
            while !rest.is_empty() {
                let w = rustix::io::write(&dst, rest).map_err(|_| Error::StateDirectory)?;
                rest = &rest[w..];
            }
        }
        let digest: [u8; 32] = h.finalize().into();
        if len != f.len || !crate::crypto::ct::ct_eq(&digest, &f.sha256) {
            return Err(Error::BackupDamaged);
        }
        rfs::fsync(&dst).map_err(|_| Error::StateDirectory)?;
    }
    Ok(())
}

/// Reads a staged file.
fn staged(cp: &Coprocessor, stage: &Stage<'_>, name: &str) -> Result<Vec<u8>> {
    cp.state_dir()
        .read_file(&stage.path(name))
        .map(|(b, _)| b)
        .map_err(|_| Error::BackupDamaged)
}

/// Restores the backup at `path` (absolute) into `cp`'s directory. Returns the backup's
/// manifest and the SHA-256 of its text.
pub fn restore(cp: &Coprocessor, path: &[u8]) -> Result<super::Identified> {
    let id = super::directory_id(cp)?;
    let dir = cp.state_dir();
    if !dir.writable() {
        return Err(Error::StateReadOnly);
    }
    let (parent, name) = super::parent_of(path).map_err(|e| match e {
        Error::BackupPath if !path.is_empty() && path[0] == b'/' && !path.contains(&0) => {
            Error::NotABackup
        }
        e => e,
    })?;
    let from = rfs::openat(
        &parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|_| Error::NotABackup)?;
    let text = read_manifest(&from)?;
    let (m, mac) = Manifest::parse(&text)?;
    let digest = manifest::sha256(&text);
    super::note(&m, &digest);
    if m.directory != id {
        return Err(Error::BackupOtherDirectory);
    }
    let recorded = cp.master_key_store().recorded()?;
    if let Some(bound) = recorded.svmk {
        // A bound directory restores only what its own SVMK MAC'd.
        let Some((covered, tag)) = mac else {
            return Err(Error::BackupNotAuthentic);
        };
        if m.mack != Some(bound) {
            return Err(Error::BackupNotAuthentic);
        }
        let (key, _) = super::mac_key(cp, &id)?.ok_or(Error::BackupNotAuthentic)?;
        if !manifest::mac_verifies(&key, &text, covered, &tag) {
            return Err(Error::BackupNotAuthentic);
        }
    }
    check_listing(&from, &m)?;
    let has = |name: &str| m.files.iter().any(|f| f.name == name);
    // The files restore writes into exist before the locks are taken (they are created under
    // the directory lock themselves).
    if has("access.db") {
        cp.profiles()?;
    }
    if has("sets.db") {
        cp.sets()?;
    }
    let _locks = cp.master_key_store().exclusive()?;
    let stage = Stage::new(dir, STAGING)?;
    let out = stage_files(&from, &stage, cp, &m).and_then(|()| {
        let (file_id, record) =
            init::parse_id(&staged(cp, &stage, "softcca.id")?).map_err(|_| Error::BackupDamaged)?;
        if file_id != id {
            return Err(Error::BackupDamaged);
        }
        if record != recorded {
            return Err(Error::BackupBindingDiffers);
        }
        let acp = staged(cp, &stage, "acp.conf")?;
        let acp_text = std::str::from_utf8(&acp).map_err(|_| Error::BackupDamaged)?;
        crate::state::acp::parse_whole(acp_text).map_err(|_| Error::BackupDamaged)?;
        apply(cp, &stage, &m, &acp)
    });
    let cleared = stage.finish();
    out?;
    cleared?;
    Ok((m, digest))
}

/// The column names of `schema.table`.
fn columns(conn: &Connection, schema: &str, table: &str) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(&format!("PRAGMA {schema}.table_info(\"{table}\")"))
        .map_err(|_| Error::KeyStorage)?;
    let mut cols = st
        .query_map([], |r| r.get::<_, String>(1))
        .map_err(|_| Error::KeyStorage)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::BackupDamaged)?;
    cols.sort();
    Ok(cols)
}

/// The table names of `schema`.
fn tables(conn: &Connection, schema: &str) -> Result<Vec<String>> {
    let mut st = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
        ))
        .map_err(|_| Error::KeyStorage)?;
    st.query_map([], |r| r.get::<_, String>(0))
        .map_err(|_| Error::BackupDamaged)?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::BackupDamaged)
}

/// `sql` (softcca's own `CREATE TABLE IF NOT EXISTS` / `DROP TABLE IF EXISTS` text) for the
/// tables of the attached schema `schema`.
fn in_schema(sql: &str, schema: &str) -> String {
    sql.replace(
        "CREATE TABLE IF NOT EXISTS ",
        &format!("CREATE TABLE IF NOT EXISTS {schema}."),
    )
    .replace(
        "DROP TABLE IF EXISTS ",
        &format!("DROP TABLE IF EXISTS {schema}."),
    )
}

/// Inside the restore's transaction: makes every table of the live database `live` hold
/// exactly the rows of the staged `from` (or none when the backup has no such file), but
/// those of [`KEEP`].
fn copy_tables(conn: &Connection, file: &str, live: &str, from: Option<&str>) -> Result<()> {
    let t = tables_of(file);
    let exec = |sql: &str| conn.execute_batch(sql).map_err(|_| Error::KeyStorage);
    let mut wanted: Vec<&str> = Vec::new();
    if let Some(b) = from {
        for name in tables(conn, b)? {
            let known = t.base.contains(&name.as_str())
                || t.later.iter().any(|(n, _)| *n == name)
                || t.obsolete.contains(&name.as_str())
                || KEEP.contains(&name.as_str());
            if !known {
                return Err(Error::BackupDamaged);
            }
            if let Some(&(n, sql)) = t.later.iter().find(|(n, _)| *n == name) {
                exec(&in_schema(sql, live))?;
                wanted.push(n);
            } else if let Some(&n) = t.base.iter().find(|n| **n == name) {
                wanted.push(n);
            }
        }
        for &n in t.base {
            if !wanted.contains(&n) {
                return Err(Error::BackupDamaged);
            }
        }
    }
    for &name in t.obsolete {
        exec(&format!("DROP TABLE IF EXISTS {live}.\"{name}\""))?;
    }
    for name in tables(conn, live)? {
        if KEEP.contains(&name.as_str()) {
            continue;
        }
        let ours = t.base.contains(&name.as_str()) || t.later.iter().any(|(n, _)| *n == name);
        if !ours {
            // A table softcca never made: left as it is.
            continue;
        }
        exec(&format!("DELETE FROM {live}.\"{name}\""))?;
        if let (Some(b), true) = (from, wanted.contains(&name.as_str())) {
            let cols = columns(conn, live, &name)?;
            if columns(conn, b, &name)? != cols {
                return Err(Error::BackupDamaged);
            }
            let list = cols
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            conn.execute_batch(&format!(
                "INSERT INTO {live}.\"{name}\" ({list}) SELECT {list} FROM {b}.\"{name}\""
            ))
            .map_err(|_| Error::BackupDamaged)?;
        }
    }
    Ok(())
}

/// Writes the staged backup into the directory's files: one transaction over every database
/// (attached to one connection, so SQLite commits them atomically together through a
/// super-journal), `acp.conf` renamed into place just before the commit, then the shared
/// counters moved.
fn apply(cp: &Coprocessor, stage: &Stage<'_>, m: &Manifest, acp: &[u8]) -> Result<()> {
    let dir = cp.state_dir();
    let has = |name: &str| m.files.iter().any(|f| f.name == name);
    let conn = Connection::open_with_flags(
        dir.sqlite_path(DATABASES[0].0),
        OpenFlags::SQLITE_OPEN_READ_WRITE | dir.sqlite_flags() | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| Error::KeyStorage)?;
    conn.busy_handler(Some(busy))
        .map_err(|_| Error::KeyStorage)?;
    // A staged file SQLite cannot attach is a damaged backup; a live one, 12/197.
    let attach = |path: std::path::PathBuf, schema: &str, err: Error| -> Result<()> {
        conn.execute(
            &format!("ATTACH DATABASE ?1 AS {schema}"),
            [path.to_str().ok_or(Error::StateDirectory)?],
        )
        .map(|_| ())
        .map_err(|_| err)
    };
    // (file, live schema, staged schema)
    let mut pairs: Vec<(&str, String, Option<String>)> = Vec::new();
    for &(file, schema) in DATABASES {
        let live = if schema == "main" {
            "main".to_string()
        } else {
            format!("live_{schema}")
        };
        if schema != "main" {
            if dir.entry(file)? != Entry::File {
                if has(file) {
                    return Err(Error::StateFileMissing);
                }
                continue;
            }
            attach(dir.sqlite_path(file), &live, Error::KeyStorage)?;
        }
        let from = if has(file) {
            let b = format!("backup_{schema}");
            attach(dir.sqlite_path(&stage.path(file)), &b, Error::BackupDamaged)?;
            let ok: String = conn
                .query_row(&format!("PRAGMA {b}.quick_check"), [], |r| r.get(0))
                .map_err(|_| Error::BackupDamaged)?;
            if ok != "ok" {
                return Err(Error::BackupDamaged);
            }
            Some(b)
        } else {
            None
        };
        conn.execute_batch(&format!(
            "PRAGMA {live}.secure_delete = ON; PRAGMA {live}.synchronous = FULL;"
        ))
        .map_err(|_| Error::KeyStorage)?;
        pairs.push((file, live, from));
    }
    let exec = |sql: &str| conn.execute_batch(sql).map_err(|_| Error::KeyStorage);
    exec("BEGIN IMMEDIATE")?;
    // `mechanisms` references `profiles`: checked at the commit, when both are whole.
    exec("PRAGMA defer_foreign_keys = ON")?;
    let body = || -> Result<()> {
        // A restore never lowers a count of wrong logons or partition passwords: the
        // counts now are kept where they are higher than the backup's.
        let access = pairs
            .iter()
            .find(|p| p.0 == "access.db")
            .map(|p| p.1.clone());
        if let Some(a) = &access {
            exec(&format!(
                "CREATE TEMP TABLE keep_failures AS SELECT user_id, failures FROM {a}.profiles"
            ))?;
        }
        let partition = tables(&conn, "main")?.iter().any(|t| t == "partition");
        if partition {
            exec(
                "CREATE TEMP TABLE keep_partition AS SELECT failures, locked_until FROM main.partition",
            )?;
        }
        for (file, live, from) in &pairs {
            copy_tables(&conn, file, live, from.as_deref())?;
        }
        if let Some(a) = &access {
            exec(&format!(
                "UPDATE {a}.profiles SET failures = max(failures, coalesce((SELECT k.failures \
                 FROM temp.keep_failures k WHERE k.user_id = profiles.user_id), 0))"
            ))?;
        }
        if partition && tables(&conn, "main")?.iter().any(|t| t == "partition") {
            exec(
                "UPDATE main.partition SET \
                 failures = max(failures, (SELECT coalesce(max(failures), 0) FROM temp.keep_partition)), \
                 locked_until = max(locked_until, (SELECT coalesce(max(locked_until), 0) FROM temp.keep_partition))",
            )?;
        }
        // Someone must still be able to administer the restored directory: the backup's
        // roles with the profiles as restored (their failure counts kept), counted as the
        // lock-out rule of INIT-AC and DEL-PROF counts them (review finding B3, D88).
        if let Some(a) = &access {
            let text = std::str::from_utf8(acp).map_err(|_| Error::BackupDamaged)?;
            let conf = crate::state::acp::parse_whole(text).map_err(|_| Error::BackupDamaged)?;
            let reach = crate::access::store::roles_reachable_in(&conn, a)?;
            if !crate::access::admin::administrable(&conf, &reach) {
                return Err(Error::LastInitProfile);
            }
        }
        // The roles before the commit, as CSUAACI INIT-AC writes them (docs/decisions.md D75).
        dir.remove(ACP_TEMP, false)?;
        dir.create_file(ACP_TEMP, acp)?;
        dir.rename(ACP_TEMP, init::ACP_FILE)?;
        dir.sync()
    };
    let out = body().and_then(|()| exec("COMMIT"));
    if out.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    // Whatever happened, every process re-reads (a failed commit changed nothing, and
    // re-reading costs one cache fill).
    let gens = cp.protection().generations();
    for slot in [
        Slot::Registers,
        Slot::Ckds,
        Slot::Profiles,
        Slot::Authorisation,
    ] {
        gens.bump(slot);
    }
    let _ = conn.release_memory();
    let _ = conn.close();
    out?;
    if has("access.closed") && dir.entry("access.closed")? == Entry::Missing {
        let text = staged(cp, stage, "access.closed")?;
        dir.create_file("access.closed", &text)?;
        dir.sync()?;
    }
    Ok(())
}
