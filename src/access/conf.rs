//! The text of `acp.conf`: the directory's settings and its roles (docs/access-control.md).
//!
//! **Roles form** (directories initialised since issue 10): settings first, then one section
//! per role:
//!
//! ```text
//! derived-key-parity odd
//!
//! [DEFAULT]
//! comment   Applications          # up to 20 characters
//! strength  0                     # 0..65535; DEFAULT's must be 0
//! hours     00:00-23:59           # UTC, inclusive
//! days      SUN MON TUE WED THU FRI SAT
//! X'0010' on                      # MAC Generate
//! ```
//!
//! **Legacy form** (every `acp.conf` written before): point lines and settings, no section.
//! It is the DEFAULT role with the points it lists on, plus every point of
//! [`points::LEGACY_ON`] it does not list: what such a directory could do before those
//! points existed.
//!
//! Parsing is strict and fails closed (12/197, [`Error::AcpConfigSyntax`]): point lines both
//! outside and inside sections, a setting inside a section, a bad or repeated role name, a
//! missing DEFAULT, DEFAULT with a strength other than 0, a repeated key or point in a
//! section, a bad `hours` or `days`, a comment over 20 characters.

use std::collections::{BTreeMap, BTreeSet};

use super::context::Name8;
use super::role::{self, DAY_NAMES, Minute, Role};
use crate::error::{Error, Result};
use crate::state::acp::points;

/// The name of the setting for docs/decisions.md F6.
pub const SETTING_PARITY: &str = "derived-key-parity";

/// Settings of the directory (outside any role).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// docs/decisions.md F6: `true` (default, `odd`) odd-adjusts the authentication code's key
    /// and the card key before use; `false` (`raw`) uses them raw.
    pub adjust_derived_parity: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            adjust_derived_parity: true,
        }
    }
}

/// A parsed `acp.conf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conf {
    /// The settings.
    pub settings: Settings,
    /// The roles, DEFAULT among them, in file order.
    pub roles: Vec<Role>,
    /// `true` when the file was in the legacy form.
    pub legacy: bool,
}

/// Parses an offset: hexadecimal, with or without `X'…'` or `0x`.
fn parse_offset(s: &str) -> Result<u16> {
    let hex = s
        .strip_prefix("X'")
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| s.strip_prefix("0x"))
        .unwrap_or(s);
    if hex.is_empty() || hex.len() > 4 || !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::AcpConfigSyntax);
    }
    u16::from_str_radix(hex, 16).map_err(|_| Error::AcpConfigSyntax)
}

fn on_off(v: &str) -> Result<bool> {
    match v {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(Error::AcpConfigSyntax),
    }
}

/// A role being read, with what it has said already.
struct Section {
    role: Role,
    keys: BTreeSet<&'static str>,
    listed: BTreeSet<u16>,
}

impl Section {
    fn once(&mut self, key: &'static str) -> Result<()> {
        if self.keys.insert(key) {
            Ok(())
        } else {
            Err(Error::AcpConfigSyntax)
        }
    }

    /// One line of the section (comment already removed, except for `comment`'s own text).
    fn line(&mut self, key: &str, rest: &str) -> Result<()> {
        let words: Vec<&str> = rest.split_whitespace().collect();
        match key {
            "comment" => {
                self.once("comment")?;
                self.role.comment = rest.trim().to_string();
            }
            "strength" => {
                self.once("strength")?;
                let [w] = words[..] else {
                    return Err(Error::AcpConfigSyntax);
                };
                if !w.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(Error::AcpConfigSyntax);
                }
                self.role.strength = w.parse().map_err(|_| Error::AcpConfigSyntax)?;
            }
            "hours" => {
                self.once("hours")?;
                let [w] = words[..] else {
                    return Err(Error::AcpConfigSyntax);
                };
                let (lo, hi) = w.split_once('-').ok_or(Error::AcpConfigSyntax)?;
                self.role.lower = Minute::parse(lo)?;
                self.role.upper = Minute::parse(hi)?;
            }
            "days" => {
                self.once("days")?;
                let mut days = 0u8;
                for w in &words {
                    let i = DAY_NAMES
                        .iter()
                        .position(|d| d == w)
                        .ok_or(Error::AcpConfigSyntax)?;
                    let bit = 0x80 >> i;
                    if days & bit != 0 {
                        return Err(Error::AcpConfigSyntax);
                    }
                    days |= bit;
                }
                if days == 0 {
                    return Err(Error::AcpConfigSyntax);
                }
                self.role.days = days;
            }
            offset => {
                let [v] = words[..] else {
                    return Err(Error::AcpConfigSyntax);
                };
                let p = parse_offset(offset)?;
                if !self.listed.insert(p) {
                    return Err(Error::AcpConfigSyntax);
                }
                if on_off(v)? {
                    self.role.points.insert(p);
                }
            }
        }
        Ok(())
    }
}

impl Conf {
    /// Parses the text of an `acp.conf` (see the module documentation).
    pub fn parse(text: &str) -> Result<Self> {
        let mut settings = Settings::default();
        let mut legacy: BTreeMap<u16, bool> = BTreeMap::new();
        let mut sections: Vec<Section> = Vec::new();
        for line in text.lines() {
            let t = line.trim();
            if let Some(inner) = t.strip_prefix('[') {
                let (name, after) = inner.split_once(']').ok_or(Error::AcpConfigSyntax)?;
                let after = after.trim_start();
                if !(after.is_empty() || after.starts_with('#')) || !legacy.is_empty() {
                    // A point line outside the sections of a roles file: mixed forms.
                    return Err(Error::AcpConfigSyntax);
                }
                let id = role::id_of(name)?;
                if sections.iter().any(|s| s.role.id == id) {
                    return Err(Error::AcpConfigSyntax);
                }
                sections.push(Section {
                    role: Role::new(id),
                    keys: BTreeSet::new(),
                    listed: BTreeSet::new(),
                });
                continue;
            }
            let content = t.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let (key, rest) = content
                .split_once(char::is_whitespace)
                .unwrap_or((content, ""));
            if let Some(s) = sections.last_mut() {
                s.line(key, rest)?;
                continue;
            }
            let [value] = rest.split_whitespace().collect::<Vec<_>>()[..] else {
                return Err(Error::AcpConfigSyntax);
            };
            if key == SETTING_PARITY {
                settings.adjust_derived_parity = match value {
                    "odd" => true,
                    "raw" => false,
                    _ => return Err(Error::AcpConfigSyntax),
                };
                continue;
            }
            // Legacy form: later lines win, as before.
            legacy.insert(parse_offset(key)?, on_off(value)?);
        }
        if sections.is_empty() {
            // Every legacy file softcca wrote lists its points; one with none is a roles file
            // cut before its first role (a torn write, a truncated copy), which must not read
            // as a legacy DEFAULT holding every new point (review finding A11).
            if legacy.is_empty() {
                return Err(Error::AcpConfigSyntax);
            }
            let mut default = Role::new(role::DEFAULT);
            default.comment = "Legacy acp.conf".into();
            default.points = legacy
                .iter()
                .filter(|(_, on)| **on)
                .map(|(p, _)| *p)
                .collect();
            for &p in points::LEGACY_ON {
                if !legacy.contains_key(&p) {
                    default.points.insert(p);
                }
            }
            return Ok(Conf {
                settings,
                roles: vec![default],
                legacy: true,
            });
        }
        let roles: Vec<Role> = sections.into_iter().map(|s| s.role).collect();
        for r in &roles {
            r.check()?;
        }
        if !roles.iter().any(|r| r.id == role::DEFAULT) {
            return Err(Error::AcpConfigSyntax);
        }
        Ok(Conf {
            settings,
            roles,
            legacy: false,
        })
    }

    /// The role `id`.
    pub fn role(&self, id: &Name8) -> Option<&Role> {
        self.roles.iter().find(|r| &r.id == id)
    }

    /// The file text of this configuration, always in the roles form (a legacy file's
    /// DEFAULT role is written out with the points it held). What [`Conf::parse`] reads back
    /// as an equal configuration (but for `legacy`).
    pub fn render(&self) -> String {
        let mut s = String::from(
            "# softcca access control for this state directory: settings, then one section per\n\
             # role (docs/access-control.md). Edits take effect within 50 ms.\n",
        );
        s.push_str(&format!(
            "{SETTING_PARITY} {}\n",
            if self.settings.adjust_derived_parity {
                "odd"
            } else {
                "raw"
            }
        ));
        for r in &self.roles {
            s.push_str(&render_role(r));
        }
        s
    }
}

/// One role's section.
pub fn render_role(r: &Role) -> String {
    let mut s = format!("\n[{}]\n", r.name());
    if !r.comment.is_empty() {
        s.push_str(&format!("comment   {}\n", r.comment));
    }
    s.push_str(&format!("strength  {}\n", r.strength));
    s.push_str(&format!("hours     {}-{}\n", r.lower, r.upper));
    let days: Vec<&str> = (0..7)
        .filter(|i| r.days & (0x80 >> i) != 0)
        .map(|i| DAY_NAMES[i])
        .collect();
    s.push_str(&format!("days      {}\n", days.join(" ")));
    for &p in &r.points {
        s.push_str(&format!("X'{p:04X}' on   # {}\n", points::name(p)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_strictness() {
        let legacy = Conf::parse("X'0290' on\n0x00BD off # x\n032F on\n0290 off\n").unwrap();
        assert!(legacy.legacy);
        let d = &legacy.roles[0];
        assert_eq!(d.id, role::DEFAULT);
        assert!(!d.points.contains(&0x0290) && d.points.contains(&0x032F));
        assert!(d.points.contains(&0xF011) && d.points.contains(&0xF040));
        // A new point a legacy file lists off stays off.
        let off = Conf::parse("X'F011' off\n").unwrap();
        assert!(!off.roles[0].points.contains(&0xF011));
        let roles = "derived-key-parity raw\n[DEFAULT]\nstrength 0\nX'0010' on\n\
                     [KEY#CUST] # custodians\ncomment Key custodians # c\nstrength 2\n\
                     hours 22:00-02:00\ndays MON FRI\nX'0018' on\nX'0019' off\n";
        let c = Conf::parse(roles).unwrap();
        assert!(!c.legacy && !c.settings.adjust_derived_parity);
        let k = c.role(b"KEY#CUST").unwrap();
        assert_eq!(k.comment, "Key custodians");
        assert_eq!((k.strength, k.days), (2, 0x40 | 0x04));
        assert_eq!(k.points.iter().copied().collect::<Vec<_>>(), [0x0018]);
        assert_eq!(Conf::parse(&c.render()).unwrap(), c);
        let mut l2 = Conf::parse(&legacy.render()).unwrap();
        l2.legacy = true;
        assert_eq!(l2, legacy);
        for bad in [
            "X'0010' on\n[DEFAULT]\n",                    // mixed forms
            "[DEFAULT]\n[DEFAULT]\n",                     // repeated role
            "[KEYCUST]\nX'0010' on\n",                    // no DEFAULT
            "[DEFAULT]\nstrength 1\n",                    // DEFAULT strength
            "[DEFAULT]\n[lower]\n",                       // bad name
            "[DEFAULT]\n[TOOLONGNAME]\n",                 // bad name
            "[DEFAULT]\n[]\n",                            // empty name
            "[DEFAULT] x\n",                              // text after the name
            "[DEFAULT\n",                                 // no bracket
            "[DEFAULT]\nhours 08:00-24:00\n",             // bad hours
            "[DEFAULT]\nhours 08:00\n",                   // bad hours
            "[DEFAULT]\ndays MON MON\n",                  // repeated day
            "[DEFAULT]\ndays MONDAY\n",                   // bad day
            "[DEFAULT]\ndays\n",                          // no day
            "[DEFAULT]\nstrength 65536\n",                // strength range
            "[DEFAULT]\nstrength -1\n",                   // strength
            "[DEFAULT]\nstrength 0\nstrength 0\n",        // repeated key
            "[DEFAULT]\nX'0010' on\nX'0010' off\n",       // repeated point
            "[DEFAULT]\nX'0010' of\n",                    // bad value
            "[DEFAULT]\nderived-key-parity odd\n",        // setting in a section
            "[DEFAULT]\ncomment 123456789012345678901\n", // comment too long
            "00BC of",
            "XYZ on",
            "00BC",
            "00BC on extra",
            "12345 on",
            "+1 on",
            "derived-key-parity even",
        ] {
            assert_eq!(Conf::parse(bad), Err(Error::AcpConfigSyntax), "{bad}");
        }
    }
}
