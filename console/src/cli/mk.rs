//! `mk …`: the master-key registers (CSUACFQ STATMKVP, CSNBMKP), and `mk change`: load, set
//! and re-encipher every CKDS record (CSNBKTC RTCMK), refusing to strand a record.
//!
//! Dual control (docs/CSNBMKP.md): with `--custodian` given, each custodian is logged on on a
//! thread of its own ([`super::dual`]) and loads one part; the library checks that the parts
//! come from different profiles. Key parts are 48 hex digits read with echo off (typed twice)
//! or from `--part-fd`; they are never an argument and never printed.

use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use super::dual::{self, Custodian, Desk};
use super::key::{self, Under};
use super::session::LogonArgs;
use crate::cca;
use crate::cca::facility::{Register, Registers};
use crate::cca::masterkey::KeyPart;
use crate::error::{ConsoleError, meaning};
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

/// The master-key commands.
#[derive(Debug, Subcommand)]
pub enum MkCommand {
    /// The new, current and old registers and their MKVPs.
    Status,
    /// Load the new-master-key register from parts (FIRST, MIDDLE…, LAST) or at random.
    LoadParts(LoadArgs),
    /// Empty the new-master-key register (CSNBMKP CLEAR).
    Clear {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Make the new master key current (CSNBMKP SET), unless a record would be stranded.
    Set {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Load (or use the full new register), set, and re-encipher every CKDS record.
    Change {
        #[command(flatten)]
        load: LoadArgs,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Re-encipher every CKDS record still under the old master key (CSNBKTC RTCMK).
    Reencipher,
}

/// How the new register is loaded.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// A key custodian who loads one part (repeat: the first loads FIRST, the last LAST);
    /// each logs on with its passphrase (from --logon-fd, else the terminal).
    #[arg(long = "custodian", value_name = "USER")]
    pub custodians: Vec<String>,
    /// The number of parts entered under the command's own logon (--user) or none (a
    /// directory without dual control), instead of custodians.
    #[arg(long, value_name = "N", conflicts_with = "custodians")]
    pub parts: Option<usize>,
    /// Read the key parts from this file descriptor (one line of 48 hex digits each, in
    /// order); default: the terminal, echo off, each typed twice.
    #[arg(long, value_name = "FD", conflicts_with = "random")]
    pub part_fd: Option<i32>,
    /// A random new master key (CSNBMKP RANDOM), by one custodian or the command's logon.
    #[arg(long, conflicts_with = "parts")]
    pub random: bool,
}

impl LoadArgs {
    fn given(&self) -> bool {
        !self.custodians.is_empty() || self.parts.is_some() || self.random
    }
}

/// How many parts at most (FIRST, up to seven MIDDLE, LAST).
pub const MAX_PARTS: usize = 9;

/// What loads the new register: parts (each by a custodian, or all under the caller's own
/// logon), or a random key.
#[derive(Debug)]
pub enum Loading {
    /// Parts in order; the custodian who enters each one, or none (the calling thread's logon).
    Parts(Vec<(Option<Custodian>, KeyPart)>),
    /// A random key, generated under the custodian's logon or the calling thread's.
    Random(Option<Custodian>),
}

impl Loading {
    fn count(&self) -> usize {
        match self {
            Loading::Parts(p) => p.len(),
            Loading::Random(_) => 1,
        }
    }
}

/// Runs a master-key command; `logon` gives the descriptor of the custodians' passphrases.
pub fn run(cmd: &MkCommand, logon: &LogonArgs) -> Result<Report, ConsoleError> {
    match cmd {
        MkCommand::Status => status(),
        MkCommand::LoadParts(a) => {
            if !a.given() {
                return Err(ConsoleError::Usage(
                    "give the custodians (--custodian USER, twice or more), --parts N or --random"
                        .into(),
                ));
            }
            check_args(a)?;
            ready_to_load()?;
            let loading = gather(a, logon)?;
            with_note(load_parts(loading))
        }
        MkCommand::Clear { yes } => {
            super::confirm(
                *yes,
                "Empty the new-master-key register (its parts are lost)?",
            )?;
            clear()
        }
        MkCommand::Set { yes } => {
            let plan = plan_set()?;
            super::confirm(*yes, &plan)?;
            set()
        }
        MkCommand::Change { load, yes } => {
            if load.given() {
                check_args(load)?;
            } else if load.part_fd.is_some() {
                return Err(ConsoleError::Usage(
                    "--part-fd needs --custodian, --parts or --random".into(),
                ));
            }
            let plan = plan_change(load.given().then(|| expected_parts(load)))?;
            super::confirm(*yes, &plan.summary)?;
            let loading = if load.given() {
                Some(gather(load, logon)?)
            } else {
                None
            };
            with_note(change(&plan, loading))
        }
        MkCommand::Reencipher => reencipher(),
    }
}

/// The number of parts (1 for a random key) the arguments load.
fn expected_parts(a: &LoadArgs) -> usize {
    if a.random {
        1
    } else {
        a.parts.unwrap_or(a.custodians.len())
    }
}

/// Checks the loading arguments before anything is read or called.
fn check_args(a: &LoadArgs) -> Result<(), ConsoleError> {
    let mut seen = Vec::new();
    for c in &a.custodians {
        let id = crate::profile::id("custodian", c)?;
        if seen.contains(&id) {
            return Err(ConsoleError::Usage(format!(
                "custodian {id} is named twice: each custodian loads one part (dual control)"
            )));
        }
        seen.push(id);
    }
    if a.random {
        if a.custodians.len() > 1 {
            return Err(ConsoleError::Usage(
                "a random key is generated by one custodian (--custodian once, or none)".into(),
            ));
        }
        return Ok(());
    }
    let n = expected_parts(a);
    if !(2..=MAX_PARTS).contains(&n) {
        return Err(ConsoleError::Usage(format!(
            "a master key is loaded from 2 to {MAX_PARTS} parts (FIRST, MIDDLE…, LAST); {n} given"
        )));
    }
    Ok(())
}

/// Reads the passphrases and key parts the arguments call for, in order: for each custodian
/// its passphrase, then its part.
fn gather(a: &LoadArgs, logon: &LogonArgs) -> Result<Loading, ConsoleError> {
    let pass_source = Source::from_fd(logon.logon_fd);
    let part_source = Source::from_fd(a.part_fd);
    let take_custodian = |user: &str| -> Result<Custodian, ConsoleError> {
        let user = crate::profile::id("custodian", user)?;
        let passphrase = secret::read(pass_source, &format!("Passphrase of {user}"))?;
        Ok(Custodian { user, passphrase })
    };
    if a.random {
        let c = match a.custodians.first() {
            Some(u) => Some(take_custodian(u)?),
            None => None,
        };
        return Ok(Loading::Random(c));
    }
    let n = expected_parts(a);
    let mut parts = Vec::with_capacity(n);
    for i in 0..n {
        let c = match a.custodians.get(i) {
            Some(u) => Some(take_custodian(u)?),
            None => None,
        };
        let who = c.as_ref().map_or(format!("part {} of {n}", i + 1), |c| {
            format!("part of {} ({} of {n})", c.user, i + 1)
        });
        let part = read_part(part_source, &who)?;
        parts.push((c, part));
    }
    Ok(Loading::Parts(parts))
}

/// One key part: 48 hex digits (blanks ignored); on the terminal typed twice.
fn read_part(source: Source, who: &str) -> Result<KeyPart, ConsoleError> {
    let first = parse_part(&secret::read(source, &format!("Key {who}, 48 hex digits"))?)?;
    if source == Source::Terminal {
        let again = parse_part(&secret::read(source, &format!("Key {who}, again"))?)?;
        let a = Secret::new(Zeroizing::new(first.0.to_vec()));
        let b = Secret::new(Zeroizing::new(again.0.to_vec()));
        if !secret::equal(&a, &b) {
            return Err(ConsoleError::Usage(format!(
                "the two entries of the key {who} differ: nothing was loaded"
            )));
        }
    }
    Ok(first)
}

/// A key part from its text: exactly 48 hex digits, blanks between them ignored. The message
/// of a bad part says what is wrong, never which digits were typed.
pub fn parse_part(s: &Secret) -> Result<KeyPart, ConsoleError> {
    let mut part = KeyPart(Box::new(Zeroizing::new([0u8; 24])));
    let mut digits = 0usize;
    for &c in s.bytes() {
        if c == b' ' {
            continue;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => {
                return Err(ConsoleError::Usage(
                    "a key part is 48 hexadecimal digits (0-9, A-F; blanks allowed between them): it holds another character".into(),
                ));
            }
        };
        if digits < 48 {
            part.0[digits / 2] |= if digits.is_multiple_of(2) { v << 4 } else { v };
        }
        digits += 1;
    }
    if digits != 48 {
        return Err(ConsoleError::Usage(format!(
            "a key part is 48 hexadecimal digits; {digits} were given"
        )));
    }
    Ok(part)
}

/// A register as text: its state and, when loaded, its MKVP.
pub fn register_text(r: &Register) -> String {
    match &r.mkvp {
        Some(m) => format!("{} (MKVP {m})", r.state),
        None => r.state.to_string(),
    }
}

fn register_json(r: &Register) -> serde_json::Value {
    json!({ "state": r.state, "mkvp": r.mkvp })
}

/// The three registers as JSON.
pub fn registers_json(r: &Registers) -> serde_json::Value {
    json!({ "new": register_json(&r.new), "current": register_json(&r.current), "old": register_json(&r.old) })
}

/// `mk status`.
pub fn status() -> Result<Report, ConsoleError> {
    let r = cca::facility::registers()?;
    Ok(Report::new(
        table([
            ("New master key", register_text(&r.new)),
            ("Current master key", register_text(&r.current)),
            ("Old master key", register_text(&r.old)),
        ]),
        json!({ "registers": registers_json(&r) }),
    ))
}

/// Refuses a load into a new register that is not empty (FIRST and RANDOM need it empty).
pub fn ready_to_load() -> Result<(), ConsoleError> {
    let r = cca::facility::registers()?;
    if r.new.state != "empty" {
        return Err(ConsoleError::Refused(format!(
            "the new-master-key register is {}: `mk clear` empties it before new parts are loaded",
            r.new.state
        )));
    }
    Ok(())
}

/// A warning code of a step, as text.
fn warning_text(reason: i32) -> String {
    let m = meaning(0, reason).unwrap_or_default();
    format!("warning 0/{reason} (X'{reason:03X}') {m}")
}

/// What a load did: per step, who, the keyword and any warning.
struct Loaded {
    steps: Vec<(Option<String>, &'static str, i32)>,
}

/// Runs `keyword` with `part` on the desk's thread, or on this thread.
fn step_on(
    desk: Option<&Desk>,
    keyword: &'static str,
    part: Option<KeyPart>,
) -> Result<i32, ConsoleError> {
    match desk {
        Some(d) => Ok(d.run(move || cca::masterkey::step(keyword, part.as_ref()))??),
        None => Ok(cca::masterkey::step(keyword, part.as_ref())?),
    }
}

fn load(loading: Loading) -> Result<Loaded, ConsoleError> {
    let mut steps = Vec::new();
    match loading {
        Loading::Random(c) => {
            let desk = c.map(Desk::open).transpose()?;
            let w = step_on(desk.as_ref(), "RANDOM", None)?;
            steps.push((desk.as_ref().map(|d| d.user().to_string()), "RANDOM", w));
        }
        Loading::Parts(parts) => {
            let n = parts.len();
            let (people, parts): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
            // Every custodian logs on before the first part is loaded.
            let desks = dual::open_all(people.into_iter().flatten().collect())?;
            for (i, part) in parts.into_iter().enumerate() {
                let keyword = match i {
                    0 => "FIRST",
                    i if i + 1 == n => "LAST",
                    _ => "MIDDLE",
                };
                let desk = desks.get(i);
                let w = step_on(desk, keyword, Some(part))?;
                steps.push((desk.map(|d| d.user().to_string()), keyword, w));
            }
        }
    }
    Ok(Loaded { steps })
}

fn loaded_lines(l: &Loaded) -> (String, serde_json::Value) {
    let mut text = String::new();
    let mut j = Vec::new();
    for (who, keyword, w) in &l.steps {
        let who_text = who.as_deref().unwrap_or("(no custodian named)");
        text.push_str(&format!("  {keyword:<7} by {who_text}"));
        if *w != 0 {
            text.push_str(&format!(": {}", warning_text(*w)));
        }
        text.push('\n');
        j.push(json!({ "step": keyword, "custodian": who, "warning": (*w != 0).then_some(*w) }));
    }
    (text, json!(j))
}

/// `mk load-parts`: loads the new register (which must be empty) and shows its MKVP.
pub fn load_parts(loading: Loading) -> Result<Report, ConsoleError> {
    let n = loading.count();
    let random = matches!(loading, Loading::Random(_));
    let l = load(loading)?;
    let r = cca::facility::registers()?;
    let (steps, steps_json) = loaded_lines(&l);
    let what = if random {
        "a random key".to_string()
    } else {
        format!("{n} parts")
    };
    let text = format!(
        "The new master-key register was loaded from {what}:\n{steps}New master key: {}\n\
         Custodians: compare this MKVP with the one of your ceremony record before `mk set`.\n",
        register_text(&r.new)
    );
    Ok(Report::new(
        text,
        json!({ "steps": steps_json, "new": register_json(&r.new), "registers": registers_json(&r) }),
    ))
}

/// On a failure in the middle of a ceremony, says on standard error what the registers hold.
fn with_note(outcome: Result<Report, ConsoleError>) -> Result<Report, ConsoleError> {
    if outcome.is_err()
        && let Ok(r) = cca::facility::registers()
        && r.new.state == "partial"
    {
        eprintln!(
            "softcca-console: the new-master-key register holds the parts loaded so far (partial); `mk clear` empties it"
        );
    }
    outcome
}

/// `mk clear`.
pub fn clear() -> Result<Report, ConsoleError> {
    cca::masterkey::step("CLEAR", None)?;
    let r = cca::facility::registers()?;
    Ok(Report::new(
        format!("The new-master-key register is {}.", r.new.state),
        json!({ "registers": registers_json(&r) }),
    ))
}

/// The records SET would strand: those under the old master key, which SET discards.
fn refuse_stranding(records: &[key::Record], regs: &Registers) -> Result<(), ConsoleError> {
    let old = key::labels(records, Under::Old);
    if old.is_empty() {
        return Ok(());
    }
    Err(ConsoleError::Refused(format!(
        "refused, nothing was changed: {} CKDS record(s) are still under the old master key (MKVP {}), \
         which SET would discard, leaving them unusable: {}. Re-encipher them first (`mk reencipher`) \
         or delete them.",
        old.len(),
        regs.old.mkvp.as_deref().unwrap_or("?"),
        old.join(", ")
    )))
}

/// What `mk set` will do, for the confirmation (refused when a record would be stranded).
pub fn plan_set() -> Result<String, ConsoleError> {
    let regs = cca::facility::registers()?;
    let recs = key::records("*", &regs)?;
    refuse_stranding(&recs, &regs)?;
    let current = key::labels(&recs, Under::Current).len();
    Ok(format!(
        "Set the new master key ({}) as current? The current one ({}) becomes old and the old one ({}) \
         is discarded; {current} CKDS record(s) will need re-enciphering (`mk reencipher`).",
        register_text(&regs.new),
        register_text(&regs.current),
        register_text(&regs.old),
    ))
}

/// `mk set` (after [`plan_set`]): SET, checked again against stranding just before.
pub fn set() -> Result<Report, ConsoleError> {
    let regs = cca::facility::registers()?;
    let recs = key::records("*", &regs)?;
    refuse_stranding(&recs, &regs)?;
    cca::masterkey::step("SET", None)?;
    let after = cca::facility::registers()?;
    let waiting = key::labels(&recs, Under::Current);
    Ok(Report::new(
        format!(
            "The new master key is current: {}.\nOld master key: {}.\n{} CKDS record(s) are under the old master key now: \
             `mk reencipher` re-enciphers them.\n",
            register_text(&after.current),
            register_text(&after.old),
            waiting.len()
        ),
        json!({ "registers": registers_json(&after), "to_reencipher": waiting }),
    ))
}

/// A master-key change, checked and summarised before it is confirmed.
#[derive(Debug)]
pub struct ChangePlan {
    /// What will happen, for the confirmation.
    pub summary: String,
    /// Whether the new register is loaded by the change (else it is full already).
    pub loads: bool,
}

/// Checks a change and says what it will do: refused (nothing changed) when a record is under
/// the old master key, or the new register is not as the change needs it (`loads`: the
/// number of parts to load, or None to use the full new register).
pub fn plan_change(loads: Option<usize>) -> Result<ChangePlan, ConsoleError> {
    let regs = cca::facility::registers()?;
    let recs = key::records("*", &regs)?;
    refuse_stranding(&recs, &regs)?;
    match loads {
        Some(_) if regs.new.state != "empty" => {
            return Err(ConsoleError::Refused(format!(
                "the new-master-key register is {}: give no parts to use it as it is (when full), or `mk clear` it",
                register_text(&regs.new)
            )));
        }
        None if regs.new.state != "full" => {
            return Err(ConsoleError::Refused(format!(
                "the new-master-key register is {}: give the parts (--custodian USER …, --parts N or --random)",
                regs.new.state
            )));
        }
        _ => {}
    }
    let to_reencipher = key::labels(&recs, Under::Current);
    let neither = key::labels(&recs, Under::Neither);
    let new = match loads {
        Some(1) => "a random new master key".to_string(),
        Some(n) => format!("a new master key loaded from {n} parts"),
        None => format!("the new master key ({})", register_text(&regs.new)),
    };
    let mut summary = format!(
        "Master-key change: {new} becomes current; the current one ({}) becomes old; the old one ({}) is discarded. \
         {} CKDS record(s) will be re-enciphered to the new master key{}.",
        register_text(&regs.current),
        register_text(&regs.old),
        to_reencipher.len(),
        preview(&to_reencipher),
    );
    let nokey = key::labels(&recs, Under::NoKey).len();
    if nokey > 0 {
        summary.push_str(&format!(" {nokey} record(s) hold no key."));
    }
    if !neither.is_empty() {
        summary.push_str(&format!(
            " {} record(s) are under neither master key and stay unusable: {}.",
            neither.len(),
            neither.join(", ")
        ));
    }
    summary.push_str(" Tokens that applications keep outside the CKDS are not seen here.");
    Ok(ChangePlan {
        summary,
        loads: loads.is_some(),
    })
}

fn preview(labels: &[String]) -> String {
    match labels.len() {
        0 => String::new(),
        n if n <= 10 => format!(" ({})", labels.join(", ")),
        n => format!(" ({}, and {} more)", labels[..10].join(", "), n - 10),
    }
}

/// Re-enciphers `labels` (under the old master key now) one by one; the failures.
fn reencipher_labels(labels: &[String]) -> Vec<(String, ConsoleError)> {
    labels
        .iter()
        .filter_map(|l| {
            cca::keychange::rtcmk(l)
                .err()
                .map(|f| (l.clone(), f.into()))
        })
        .collect()
}

/// The state of the CKDS after a change or re-encipherment: counts, and a refusal (exit 1)
/// naming the records still under the old master key.
fn verify(
    regs: &Registers,
    done: usize,
    failed: &[(String, ConsoleError)],
    neither_before: &[String],
    head: String,
) -> Result<Report, ConsoleError> {
    let recs = key::records("*", regs)?;
    let current = key::labels(&recs, Under::Current);
    let old = key::labels(&recs, Under::Old);
    let neither = key::labels(&recs, Under::Neither);
    let nokey = key::labels(&recs, Under::NoKey);
    let new_neither: Vec<&String> = neither
        .iter()
        .filter(|l| !neither_before.contains(l))
        .collect();
    let mut text = format!(
        "{head}Re-enciphered: {done}. CKDS now: {} record(s) under the current master key ({}), {} under the old, \
         {} under neither, {} without a key.\n",
        current.len(),
        regs.current.mkvp.as_deref().unwrap_or("-"),
        old.len(),
        neither.len(),
        nokey.len()
    );
    for (l, e) in failed {
        text.push_str(&format!("  {l}: {e}\n"));
    }
    if !old.is_empty() || !new_neither.is_empty() {
        return Err(ConsoleError::Refused(format!(
            "{text}Not every record is under the current master key: {}. Run `mk reencipher` (records under the old key) \
             and check these records.",
            old.iter()
                .chain(new_neither.iter().copied())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !neither.is_empty() {
        text.push_str(&format!(
            "Under neither master key before and after (unusable): {}.\n",
            neither.join(", ")
        ));
    }
    Ok(Report::new(
        text,
        json!({
            "registers": registers_json(regs),
            "reenciphered": done,
            "records": { "current": current.len(), "old": old.len(), "neither": neither, "no_key": nokey.len() },
        }),
    ))
}

/// `mk change` (after [`plan_change`] and its confirmation): load (when `loading`), check
/// again, SET, re-encipher the records that were under the current master key, and check that
/// every record is under the new one.
pub fn change(plan: &ChangePlan, loading: Option<Loading>) -> Result<Report, ConsoleError> {
    let mut head = String::new();
    let mut steps_json = json!([]);
    if let Some(l) = loading {
        if !plan.loads {
            return Err(ConsoleError::Usage(
                "this change uses the full new register".into(),
            ));
        }
        let loaded = load(l)?;
        let (steps, j) = loaded_lines(&loaded);
        head.push_str(&format!("Loaded the new master-key register:\n{steps}"));
        steps_json = j;
    }
    // Just before SET, again: a record written under the old key since the plan is not lost.
    let regs = cca::facility::registers()?;
    let recs = key::records("*", &regs)?;
    refuse_stranding(&recs, &regs)?;
    let to_reencipher = key::labels(&recs, Under::Current);
    let neither_before = key::labels(&recs, Under::Neither);
    let new_mkvp = regs.new.mkvp.clone();
    cca::masterkey::step("SET", None)?;
    let after = cca::facility::registers()?;
    head.push_str(&format!(
        "Set: the current master key is {}, the old one {}.\n",
        after
            .current
            .mkvp
            .as_deref()
            .or(new_mkvp.as_deref())
            .unwrap_or("-"),
        after.old.mkvp.as_deref().unwrap_or("-"),
    ));
    let failed = reencipher_labels(&to_reencipher);
    let mut report = verify(
        &after,
        to_reencipher.len() - failed.len(),
        &failed,
        &neither_before,
        head,
    )?;
    report.json["steps"] = steps_json;
    Ok(report)
}

/// `mk reencipher`: every record under the old master key, to the current one.
pub fn reencipher() -> Result<Report, ConsoleError> {
    let regs = cca::facility::registers()?;
    let recs = key::records("*", &regs)?;
    let old = key::labels(&recs, Under::Old);
    let neither = key::labels(&recs, Under::Neither);
    let mut failed = reencipher_labels(&old);
    if !old.is_empty() && failed.len() == old.len() {
        // Not one record moved (e.g. a role without X'0090'): the verb's answer is the command's.
        return Err(failed.swap_remove(0).1);
    }
    verify(
        &regs,
        old.len() - failed.len(),
        &failed,
        &neither,
        String::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_48_hex_digits() {
        let p = parse_part(&Secret::from_text(
            "0123456789abcdef 23456789ABCDEF01 456789ABCDEF0123",
        ))
        .unwrap();
        assert_eq!(p.0[0], 0x01);
        assert_eq!(p.0[8], 0x23);
        assert_eq!(p.0[23], 0x23);
        for bad in ["", "0123", &"0".repeat(49), &format!("{}G", "0".repeat(47))] {
            let e = parse_part(&Secret::from_text(bad)).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(!e.to_string().contains("0123"), "{e}");
        }
        assert_eq!(format!("{p:?}"), "KeyPart(..)");
    }
}
