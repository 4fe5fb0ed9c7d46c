//! `acp …`, `role …`, `profile …`: roles and their access-control points, user profiles
//! (CSUAACM to list, read and delete; CSUAACI to load and change), docs/console-access.md.
//!
//! Each command gathers its arguments and secrets, then calls one operation function below
//! (`list_roles`, `show_profile`, …), which the menu (tui/access.rs) calls too. The library
//! decides who may do what: a profile administration runs under the `--user` logon of a
//! security officer, and a caller without the point gets the verb's 8/90.

use std::collections::BTreeSet;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::cca;
use crate::error::ConsoleError;
use crate::profile::{self, Date, ProfileInfo, Role};
use crate::report::{Report, table};
use crate::secret::{self, Secret, Source};

/// Access-control point commands.
#[derive(Debug, Subcommand)]
pub enum AcpCommand {
    /// The points of a role, with their names (default: the role of the logon in force).
    Show {
        /// The role (default: the calling logon's role, DEFAULT when not logged on).
        #[arg(long, value_parser = role_id)]
        role: Option<String>,
    },
    /// Turn points of a role on and off (CSUAACI INIT-AC with the changed role structure).
    Set {
        /// The role to change.
        #[arg(long, value_parser = role_id)]
        role: String,
        /// A point to turn on: X'hhhh' (repeat the option, or separate points by commas).
        #[arg(long, value_name = "POINT", value_delimiter = ',', value_parser = point, required_unless_present = "off")]
        on: Vec<u16>,
        /// A point to turn off: X'hhhh'.
        #[arg(long, value_name = "POINT", value_delimiter = ',', value_parser = point)]
        off: Vec<u16>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// Role commands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// The roles of the directory (CSUAACM LSTROLES, GET-ROLE).
    List,
    /// One role: comment, strength, hours, days and its points (CSUAACM GET-ROLE).
    Show {
        /// The role id.
        #[arg(value_parser = role_id)]
        name: String,
    },
    /// Delete a role no profile names (CSUAACM DEL-ROLE).
    Delete {
        /// The role id.
        #[arg(value_parser = role_id)]
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Add a role (CSUAACI INIT-AC with its role structure).
    Add(RoleAddArgs),
}

/// `role add`.
#[derive(Debug, Args)]
pub struct RoleAddArgs {
    /// The role id (1-8 characters A-Z 0-9 @ # $ _ -).
    #[arg(value_parser = role_id)]
    pub name: String,
    /// A comment (at most 20 characters).
    #[arg(long, default_value = "", value_parser = comment)]
    pub comment: String,
    /// The authentication strength a profile needs (0-65535; 1: a passphrase).
    #[arg(long, default_value_t = 1)]
    pub strength: u16,
    /// The hours the role may be used, UTC, inclusive.
    #[arg(long, default_value = "00:00-23:59", value_name = "HH:MM-HH:MM", value_parser = hours)]
    pub hours: (profile::Time, profile::Time),
    /// The days the role may be used.
    #[arg(long, default_value = "SUN MON TUE WED THU FRI SAT", value_parser = days)]
    pub days: u8,
    /// A point the role holds: X'hhhh' (repeat, or separate by commas).
    #[arg(long, value_name = "POINT", value_delimiter = ',', value_parser = point)]
    pub on: Vec<u16>,
    /// Replace a role of the same id.
    #[arg(long)]
    pub replace: bool,
}

/// Profile commands.
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// The user profiles (CSUAACM LSTPROFS, GET-PROF).
    List,
    /// One profile: role, dates, failed logons, mechanisms (CSUAACM GET-PROF; no secret).
    Show {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
    },
    /// Add a user profile (CSUAACI INIT-AC): the directory's first one needs no logon and
    /// must be of a role that administers access control (SECOFF).
    Add(ProfileAddArgs),
    /// Delete a profile (CSUAACM DEL-PROF); its logons end at their next call.
    Delete {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Reset the failed-logon count, which unlocks a locked profile (CSUAACI RESET-FC).
    Reset {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Change a profile's expiration date (CSUAACI CHGEXPDT).
    Expire {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
        /// The new last day (YYYY-MM-DD, UTC).
        #[arg(value_parser = date)]
        date: Date,
    },
    /// Set a new passphrase (CSUAACI CHG-AD): typed twice, or one line from --passphrase-fd.
    Passphrase {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
        /// Read the new passphrase from this file descriptor.
        #[arg(long, value_name = "FD")]
        passphrase_fd: Option<i32>,
        /// The mechanism's expiration date (default: the profile's).
        #[arg(long, value_name = "DATE", value_parser = date)]
        expires: Option<Date>,
    },
    /// Enrol the operator card in READER as the profile's card mechanism (CSUAACI CHG-AD;
    /// the library verifies its PIN on the card).
    Card {
        /// The user id.
        #[arg(value_parser = user_id)]
        user: String,
        /// The reader holding the card.
        #[arg(long)]
        reader: String,
        /// Read the card's PIN from this file descriptor.
        #[arg(long, value_name = "FD")]
        pin_fd: Option<i32>,
        /// The mechanism's expiration date (default: the profile's).
        #[arg(long, value_name = "DATE", value_parser = date)]
        expires: Option<Date>,
    },
}

/// `profile add`.
#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// The user id (1-8 characters A-Z 0-9 @ # $ _ -).
    #[arg(value_parser = user_id)]
    pub user: String,
    /// The profile's role (e.g. SECOFF, KEYCUST, CUSTODY).
    #[arg(long, value_parser = role_id)]
    pub role: String,
    /// A comment kept with the profile (at most 20 characters).
    #[arg(long, default_value = "", value_parser = comment)]
    pub comment: String,
    /// First day the profile may log on (YYYY-MM-DD, UTC; default today).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub activates: Option<Date>,
    /// Last day the profile and its mechanism may log on (default: one year from today).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub expires: Option<Date>,
    /// Read the passphrase from this file descriptor (default: the terminal, twice).
    #[arg(long, value_name = "FD", conflicts_with = "card")]
    pub passphrase_fd: Option<i32>,
    /// Enrol the operator card in this reader instead of a passphrase (its PIN is asked).
    #[arg(long, value_name = "READER")]
    pub card: Option<String>,
    /// Read the card's PIN from this file descriptor.
    #[arg(long, value_name = "FD", requires = "card")]
    pub pin_fd: Option<i32>,
    /// Replace a profile of the same user id.
    #[arg(long)]
    pub replace: bool,
}

/// How a new profile or mechanism authenticates: a passphrase, or the card in a reader and
/// its PIN.
pub enum Mechanism<'a> {
    /// The passphrase (its SHA-1 goes to the library, IBM's mechanism data).
    Passphrase(&'a Secret),
    /// The reader and the card's PIN (the library verifies it on the card).
    Card(&'a str, &'a Secret),
}

impl Mechanism<'_> {
    fn block(&self, expires: Date) -> zeroize::Zeroizing<Vec<u8>> {
        match self {
            Mechanism::Passphrase(p) => profile::passphrase_mechanism(p, expires),
            Mechanism::Card(r, pin) => profile::card_mechanism(r, pin, expires),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Mechanism::Passphrase(_) => "PPHRASE",
            Mechanism::Card(..) => "CARD",
        }
    }
}

/// A new profile's fields, checked.
#[derive(Clone, Debug)]
pub struct NewProfile {
    /// User id.
    pub user: String,
    /// Role id.
    pub role: String,
    /// Comment.
    pub comment: String,
    /// Activation date.
    pub activates: Date,
    /// Expiration date.
    pub expires: Date,
    /// Replace an existing profile.
    pub replace: bool,
}

impl NewProfile {
    /// Checks the fields (dates default to today and a year from today).
    pub fn parse(
        user: &str,
        role: &str,
        comment: &str,
        activates: Option<Date>,
        expires: Option<Date>,
        replace: bool,
    ) -> Result<NewProfile, ConsoleError> {
        let user = profile::id("user id", user)?;
        let role = profile::id("role id", role)?;
        let comment = check_comment(comment)?;
        let activates = activates.unwrap_or_else(Date::today);
        let expires = expires.unwrap_or_else(|| Date::today().plus_years(1));
        if expires < activates {
            return Err(ConsoleError::Usage(
                "the profile would expire before it activates".into(),
            ));
        }
        Ok(NewProfile {
            user,
            role,
            comment,
            activates,
            expires,
            replace,
        })
    }
}

fn check_comment(comment: &str) -> Result<String, ConsoleError> {
    if comment.len() > 20 || !comment.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(ConsoleError::Usage(
            "the comment is at most 20 printable ASCII characters".into(),
        ));
    }
    Ok(comment.to_string())
}

// Value parsers: arguments are checked while the command line is parsed, before `--user`
// logs on, so a bad argument calls no verb at all (exit 2).

fn usage_text(e: ConsoleError) -> String {
    e.to_string()
}

fn user_id(s: &str) -> Result<String, String> {
    profile::id("user id", s).map_err(usage_text)
}

fn role_id(s: &str) -> Result<String, String> {
    profile::id("role id", s).map_err(usage_text)
}

fn point(s: &str) -> Result<u16, String> {
    profile::parse_point(s).map_err(usage_text)
}

fn date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(usage_text)
}

fn comment(s: &str) -> Result<String, String> {
    check_comment(s).map_err(usage_text)
}

fn hours(s: &str) -> Result<(profile::Time, profile::Time), String> {
    profile::parse_hours(s).map_err(usage_text)
}

fn days(s: &str) -> Result<u8, String> {
    profile::parse_days(s).map_err(usage_text)
}

/// Runs an `acp` command.
pub fn acp(cmd: &AcpCommand) -> Result<Report, ConsoleError> {
    match cmd {
        AcpCommand::Show { role } => role_points(role.as_deref()),
        AcpCommand::Set { role, on, off, yes } => {
            let on: BTreeSet<u16> = on.iter().copied().collect();
            let off: BTreeSet<u16> = off.iter().copied().collect();
            if on.is_empty() && off.is_empty() {
                return Err(ConsoleError::Usage(
                    "acp set needs --on or --off points".into(),
                ));
            }
            if let Some(p) = on.intersection(&off).next() {
                return Err(ConsoleError::Usage(format!(
                    "{} is both --on and --off",
                    profile::point_text(*p)
                )));
            }
            super::confirm(
                *yes,
                &format!("Change the points of role {role} (every logon of the role)?"),
            )?;
            set_points(role, &on, &off)
        }
    }
}

/// Runs a `role` command.
pub fn role(cmd: &RoleCommand) -> Result<Report, ConsoleError> {
    match cmd {
        RoleCommand::List => list_roles(),
        RoleCommand::Show { name } => show_role(name),
        RoleCommand::Delete { name, yes } => {
            super::confirm(*yes, &format!("Delete role {name}?"))?;
            delete_role(name)
        }
        RoleCommand::Add(a) => {
            let mut role = Role::new(&a.name);
            role.comment = a.comment.clone();
            role.strength = a.strength;
            (role.lower, role.upper) = a.hours;
            role.days = a.days;
            role.points = a.on.iter().copied().collect();
            add_role(&role, a.replace)
        }
    }
}

/// Runs a `profile` command.
pub fn profile(cmd: &ProfileCommand) -> Result<Report, ConsoleError> {
    match cmd {
        ProfileCommand::List => list_profiles(),
        ProfileCommand::Show { user } => show_profile(user),
        ProfileCommand::Add(a) => {
            let p = NewProfile::parse(
                &a.user,
                &a.role,
                &a.comment,
                a.activates,
                a.expires,
                a.replace,
            )?;
            match &a.card {
                Some(reader) => {
                    let pin = read_pin(a.pin_fd, &p.user)?;
                    add_profile(&p, &Mechanism::Card(reader, &pin))
                }
                None => {
                    let pass = new_passphrase(a.passphrase_fd, &p.user)?;
                    add_profile(&p, &Mechanism::Passphrase(&pass))
                }
            }
        }
        ProfileCommand::Delete { user, yes } => {
            super::confirm(*yes, &format!("Delete profile {user}?"))?;
            delete_profile(user)
        }
        ProfileCommand::Reset { user, yes } => {
            super::confirm(
                *yes,
                &format!("Reset the failed logons of {user} (unlocks it)?"),
            )?;
            reset_profile(user)
        }
        ProfileCommand::Expire { user, date } => expire_profile(user, *date),
        ProfileCommand::Passphrase {
            user,
            passphrase_fd,
            expires,
        } => {
            let pass = new_passphrase(*passphrase_fd, user)?;
            change_mechanism(user, &Mechanism::Passphrase(&pass), *expires)
        }
        ProfileCommand::Card {
            user,
            reader,
            pin_fd,
            expires,
        } => {
            let pin = read_pin(*pin_fd, user)?;
            change_mechanism(user, &Mechanism::Card(reader, &pin), *expires)
        }
    }
}

fn read_pin(fd: Option<i32>, user: &str) -> Result<Secret, ConsoleError> {
    secret::read(
        Source::from_fd(fd),
        &format!("PIN of the card to enrol for {user}"),
    )
}

/// A new passphrase: from the descriptor, or typed twice on the terminal.
fn new_passphrase(fd: Option<i32>, user: &str) -> Result<Secret, ConsoleError> {
    let source = Source::from_fd(fd);
    let pass = secret::read(source, &format!("New passphrase of {user}"))?;
    if source == Source::Terminal {
        let again = secret::read(source, &format!("New passphrase of {user}, again"))?;
        if !crate::secret::equal(&pass, &again) {
            return Err(ConsoleError::Usage(
                "the two passphrases differ: nothing was changed".into(),
            ));
        }
    }
    check_passphrase(&pass)?;
    Ok(pass)
}

/// A passphrase CSUALCT can take: 1..1024 bytes (docs/CSUALCT.md).
pub fn check_passphrase(pass: &Secret) -> Result<(), ConsoleError> {
    if pass.is_empty() {
        return Err(ConsoleError::Usage("the passphrase is empty".into()));
    }
    Ok(())
}

// ---- operations (the command line and the menu) ----

/// The role ids of the directory, in file order (CSUAACM LSTROLES).
pub fn role_ids() -> Result<Vec<String>, ConsoleError> {
    Ok(ids(&cca::access::aacm("LSTROLES", None)?))
}

/// The user ids of the directory (CSUAACM LSTPROFS).
pub fn profile_ids() -> Result<Vec<String>, ConsoleError> {
    Ok(ids(&cca::access::aacm("LSTPROFS", None)?))
}

fn ids(list: &[u8]) -> Vec<String> {
    list.chunks(8).map(cca::text).collect()
}

/// One role (CSUAACM GET-ROLE).
pub fn get_role(name: &str) -> Result<Role, ConsoleError> {
    let bytes = cca::access::aacm("GET-ROLE", Some(name))?;
    Role::decode(&bytes).ok_or_else(|| {
        ConsoleError::Refused(format!(
            "CSUAACM GET-ROLE returned a role structure for {name} the console cannot read"
        ))
    })
}

/// One profile (CSUAACM GET-PROF).
pub fn get_profile(user: &str) -> Result<ProfileInfo, ConsoleError> {
    let bytes = cca::access::aacm("GET-PROF", Some(user))?;
    ProfileInfo::decode(&bytes).ok_or_else(|| {
        ConsoleError::Refused(format!(
            "CSUAACM GET-PROF returned a profile for {user} the console cannot read"
        ))
    })
}

fn point_json(p: u16) -> Value {
    json!({ "point": profile::point_text(p), "name": profile::point_name(p) })
}

fn point_lines(points: &BTreeSet<u16>) -> String {
    if points.is_empty() {
        return "  (no point)\n".into();
    }
    points
        .iter()
        .map(|p| {
            format!(
                "  {} {}\n",
                profile::point_text(*p),
                profile::point_name(*p).unwrap_or("(not in docs/access-control.md)")
            )
        })
        .collect()
}

fn role_json(r: &Role) -> Value {
    json!({
        "role": r.id, "comment": r.comment, "strength": r.strength,
        "hours": r.hours(), "days": r.day_names(),
        "points": r.points.iter().map(|p| point_json(*p)).collect::<Vec<_>>(),
    })
}

/// `role list`.
pub fn list_roles() -> Result<Report, ConsoleError> {
    let roles = role_ids()?
        .iter()
        .map(|r| get_role(r))
        .collect::<Result<Vec<_>, _>>()?;
    let mut text = format!(
        "{:<8}  {:<20}  {:>8}  {:<11}  {:<27}  {:>6}\n",
        "Role", "Comment", "Strength", "Hours", "Days", "Points"
    );
    for r in &roles {
        text.push_str(&format!(
            "{:<8}  {:<20}  {:>8}  {:<11}  {:<27}  {:>6}\n",
            r.id,
            r.comment,
            r.strength,
            r.hours(),
            r.day_names().join(" "),
            r.points.len()
        ));
    }
    Ok(Report::new(
        text,
        json!({ "roles": roles.iter().map(role_json).collect::<Vec<_>>() }),
    ))
}

/// `role show NAME`.
pub fn show_role(name: &str) -> Result<Report, ConsoleError> {
    let r = get_role(name)?;
    let mut text = table([
        ("Role", r.id.clone()),
        ("Comment", r.comment.clone()),
        ("Strength", r.strength.to_string()),
        ("Hours (UTC)", r.hours()),
        ("Days", r.day_names().join(" ")),
        ("Points", r.points.len().to_string()),
    ]);
    text.push_str(&point_lines(&r.points));
    Ok(Report::new(text, role_json(&r)))
}

/// `acp show [--role R]`: the points of `role`, or of the calling logon's role.
pub fn role_points(role: Option<&str>) -> Result<Report, ConsoleError> {
    let name = match role {
        Some(r) => r.to_string(),
        None => cca::facility::logon()?.role,
    };
    let r = get_role(&name)?;
    Ok(Report::new(
        format!(
            "Points of role {} ({}):\n{}",
            r.id,
            r.points.len(),
            point_lines(&r.points)
        ),
        json!({
            "role": r.id,
            "points": r.points.iter().map(|p| point_json(*p)).collect::<Vec<_>>(),
        }),
    ))
}

/// CSUAACI INIT-AC with no profile and the role structures `roles` (docs/CSUAACI.md).
fn load_roles(roles: &[Role]) -> Result<(), ConsoleError> {
    let structures: Vec<u8> = roles.iter().flat_map(Role::encode).collect();
    let no_profile = [0u8; 8];
    cca::access::aaci(&["INIT-AC"], &no_profile, &structures)?;
    Ok(())
}

/// The role as the library has it now, after `loaded` was loaded: the library shows the
/// thread that changed `acp.conf` its own change at once (another officer's change may have
/// come after ours, so this read, not `loaded`, is the answer).
fn read_back(loaded: &Role) -> Result<Role, ConsoleError> {
    get_role(&loaded.id)
}

/// `acp set`: the role read, `on` added and `off` removed, loaded again.
pub fn set_points(
    role: &str,
    on: &BTreeSet<u16>,
    off: &BTreeSet<u16>,
) -> Result<Report, ConsoleError> {
    let mut r = get_role(role)?;
    let before = r.points.clone();
    r.points.extend(on);
    r.points.retain(|p| !off.contains(p));
    if r.points == before {
        return Ok(Report::new(
            format!(
                "Role {role} already is so ({} points): nothing loaded.",
                before.len()
            ),
            json!({
                "role": role, "turned_on": [], "turned_off": [], "unchanged": true,
                "points": before.iter().map(|p| point_json(*p)).collect::<Vec<_>>(),
            }),
        ));
    }
    load_roles(std::slice::from_ref(&r))?;
    let now = read_back(&r)?;
    let added: Vec<u16> = now.points.difference(&before).copied().collect();
    let removed: Vec<u16> = before.difference(&now.points).copied().collect();
    let list = |v: &[u16]| {
        v.iter()
            .map(|p| profile::point_text(*p))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Ok(Report::new(
        format!(
            "Role {role}: {} points; on: {}; off: {}.\n",
            now.points.len(),
            if added.is_empty() {
                "none".into()
            } else {
                list(&added)
            },
            if removed.is_empty() {
                "none".into()
            } else {
                list(&removed)
            },
        ),
        json!({
            "role": role,
            "turned_on": added.iter().map(|p| profile::point_text(*p)).collect::<Vec<_>>(),
            "turned_off": removed.iter().map(|p| profile::point_text(*p)).collect::<Vec<_>>(),
            "points": now.points.iter().map(|p| point_json(*p)).collect::<Vec<_>>(),
        }),
    ))
}

/// `role add`: refused when the role exists, unless `replace`.
pub fn add_role(role: &Role, replace: bool) -> Result<Report, ConsoleError> {
    if !replace && role_ids()?.contains(&role.id) {
        return Err(ConsoleError::Refused(format!(
            "role {} exists: give --replace to replace it; nothing was changed",
            role.id
        )));
    }
    load_roles(std::slice::from_ref(role))?;
    let r = read_back(role)?;
    Ok(Report::new(
        format!("Role {} loaded with {} points.", r.id, r.points.len()),
        role_json(&r),
    ))
}

/// `role delete NAME` (confirmed by the caller).
pub fn delete_role(name: &str) -> Result<Report, ConsoleError> {
    cca::access::aacm("DEL-ROLE", Some(name))?;
    Ok(Report::new(
        format!("Role {name} deleted."),
        json!({ "deleted_role": name }),
    ))
}

fn profile_json(p: &ProfileInfo) -> Value {
    json!({
        "user": p.user, "role": p.role, "comment": p.comment,
        "failures": p.failures, "locked": p.locked(),
        "activates": p.activates.map(|d| d.to_string()),
        "expires": p.expires.map(|d| d.to_string()),
        "mechanisms": p.mechanisms.iter().map(|m| json!({
            "mechanism": m.name(), "strength": m.strength,
            "expires": m.expires.map(|d| d.to_string()),
            "attributes": format!("{:08X}", m.attributes),
        })).collect::<Vec<_>>(),
    })
}

fn date_text(d: Option<Date>) -> String {
    d.map_or_else(|| "-".into(), |d| d.to_string())
}

fn mechanisms_text(p: &ProfileInfo) -> String {
    p.mechanisms
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// `profile list`.
pub fn list_profiles() -> Result<Report, ConsoleError> {
    let list = profile_ids()?
        .iter()
        .map(|u| get_profile(u))
        .collect::<Result<Vec<_>, _>>()?;
    let mut text = format!(
        "{:<8}  {:<8}  {:<10}  {:<10}  {:<8}  {:<14}  {}\n",
        "User", "Role", "Activates", "Expires", "Failures", "Mechanisms", "Comment"
    );
    for p in &list {
        text.push_str(&format!(
            "{:<8}  {:<8}  {:<10}  {:<10}  {:<8}  {:<14}  {}\n",
            p.user,
            p.role,
            date_text(p.activates),
            date_text(p.expires),
            if p.locked() {
                format!("{} LOCKED", p.failures)
            } else {
                p.failures.to_string()
            },
            mechanisms_text(p),
            p.comment
        ));
    }
    if list.is_empty() {
        text = "No profile.".into();
    }
    Ok(Report::new(
        text,
        json!({ "profiles": list.iter().map(profile_json).collect::<Vec<_>>() }),
    ))
}

/// `profile show USER`.
pub fn show_profile(user: &str) -> Result<Report, ConsoleError> {
    let p = get_profile(user)?;
    let mut rows = vec![
        ("User", p.user.clone()),
        ("Role", p.role.clone()),
        ("Comment", p.comment.clone()),
        ("Activates", date_text(p.activates)),
        ("Expires", date_text(p.expires)),
        (
            "Failed logons",
            if p.locked() {
                format!("{} (LOCKED: profile reset unlocks it)", p.failures)
            } else {
                p.failures.to_string()
            },
        ),
    ];
    for m in &p.mechanisms {
        rows.push((
            "Mechanism",
            format!(
                "{} strength {} expires {}",
                m.name(),
                m.strength,
                date_text(m.expires)
            ),
        ));
    }
    Ok(Report::new(table(rows), profile_json(&p)))
}

/// `profile add` (CSUAACI INIT-AC of one profile, REPLACE when asked).
pub fn add_profile(p: &NewProfile, mechanism: &Mechanism<'_>) -> Result<Report, ConsoleError> {
    let auth = profile::authentication(&[mechanism.block(p.expires)]);
    let aggregate = profile::aggregate(&p.user, &p.role, &p.comment, p.activates, p.expires, &auth);
    let words: &[&str] = if p.replace {
        &["INIT-AC", "REPLACE"]
    } else {
        &["INIT-AC"]
    };
    cca::access::aaci(words, &aggregate, &[])?;
    Ok(Report::new(
        format!(
            "Profile {} (role {}) added, valid {} to {}.",
            p.user, p.role, p.activates, p.expires
        ),
        json!({
            "user": p.user, "role": p.role, "activates": p.activates.to_string(),
            "expires": p.expires.to_string(), "mechanism": mechanism.name(),
        }),
    ))
}

/// `profile delete USER` (confirmed by the caller).
pub fn delete_profile(user: &str) -> Result<Report, ConsoleError> {
    cca::access::aacm("DEL-PROF", Some(user))?;
    Ok(Report::new(
        format!("Profile {user} deleted."),
        json!({ "deleted_profile": user }),
    ))
}

/// `profile reset USER` (confirmed by the caller): CSUAACI RESET-FC.
pub fn reset_profile(user: &str) -> Result<Report, ConsoleError> {
    cca::access::aaci(&["RESET-FC"], &cca::field::<8>(user), &[])?;
    Ok(Report::new(
        format!("Failed logons of {user} reset to 0."),
        json!({ "user": user, "failures": 0 }),
    ))
}

/// `profile expire USER DATE`: CSUAACI CHGEXPDT.
pub fn expire_profile(user: &str, date: Date) -> Result<Report, ConsoleError> {
    let yyyymmdd = format!("{:04}{:02}{:02}", date.year, date.month, date.day);
    cca::access::aaci(&["CHGEXPDT"], &cca::field::<8>(user), yyyymmdd.as_bytes())?;
    Ok(Report::new(
        format!("Profile {user} now expires after {date}."),
        json!({ "user": user, "expires": date.to_string() }),
    ))
}

/// `profile passphrase` and `profile card`: CSUAACI CHG-AD with one mechanism, expiring
/// on `expires` or, by default, with the profile.
pub fn change_mechanism(
    user: &str,
    mechanism: &Mechanism<'_>,
    expires: Option<Date>,
) -> Result<Report, ConsoleError> {
    let expires = match expires {
        Some(d) => d,
        None => get_profile(user)?
            .expires
            .ok_or_else(|| ConsoleError::Refused(format!("{user}: no expiration date")))?,
    };
    let auth = profile::authentication(&[mechanism.block(expires)]);
    cca::access::aaci(&["CHG-AD"], &cca::field::<8>(user), &auth)?;
    Ok(Report::new(
        format!(
            "{} of {user} set (expires {expires}).",
            match mechanism {
                Mechanism::Passphrase(_) => "Passphrase",
                Mechanism::Card(..) => "Operator card",
            }
        ),
        json!({ "user": user, "mechanism": mechanism.name(), "expires": expires.to_string() }),
    ))
}
