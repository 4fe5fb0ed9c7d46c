//! The Access Control and Audit Log menus, Logon (passphrase or operator card) and Logoff.
//!
//! Every screen collects its inputs and calls the operation functions of `cli::access`,
//! `cli::audit` and `cli::session`, as the command line does; the library decides who may
//! do what under the logon made here (the menu's thread).

use cursive::Cursive;
use cursive::traits::Scrollable;
use cursive::views::{Dialog, SelectView, TextView};

use super::{ask_secret, ask_text, choose_reader, confirm, error, open_menu, refresh_status, show};
use crate::cli;
use crate::cli::access::{Mechanism, NewProfile};
use crate::error::ConsoleError;
use crate::profile;
use crate::report::Report;
use crate::secret::{self, Secret};

/// Access Control: roles, profiles, points.
pub fn menu(s: &mut Cursive) {
    open_menu(
        s,
        "Access Control",
        &[
            ("Roles", roles),
            ("Profiles", profiles),
            ("Points of a Role", points),
        ],
        true,
    );
}

/// Audit Log: the last records, verify.
pub fn audit_menu(s: &mut Cursive) {
    open_menu(
        s,
        "Audit Log",
        &[("Last Records", last_records), ("Verify", verify)],
        true,
    );
}

/// A list of names to pick from (`◂` goes back); `then` gets the name chosen.
fn pick(
    s: &mut Cursive,
    title: &str,
    names: Result<Vec<String>, ConsoleError>,
    extra: &[&'static str],
    then: impl Fn(&mut Cursive, String) + 'static + Send + Sync,
) {
    let names = match names {
        Ok(n) => n,
        Err(e) => return error(s, &e),
    };
    let mut select: SelectView<Option<String>> = SelectView::new();
    select.add_item("◂", None);
    for n in extra {
        select.add_item(*n, Some((*n).to_string()));
    }
    for n in names {
        select.add_item(n.clone(), Some(n));
    }
    select.set_on_submit(move |s, choice: &Option<String>| match choice {
        Some(n) => then(s, n.clone()),
        None => {
            s.pop_layer();
        }
    });
    s.add_layer(Dialog::around(select.scrollable()).title(title));
}

fn roles(s: &mut Cursive) {
    pick(s, "Roles", cli::access::role_ids(), &[], |s, role| {
        show(s, "Role", cli::access::show_role(&role))
    });
}

fn points(s: &mut Cursive) {
    pick(
        s,
        "Points of a Role",
        cli::access::role_ids(),
        &[],
        |s, role| {
            let outcome = cli::access::role_points(Some(&role));
            let Ok(report) = outcome else {
                return show(s, "Points", outcome);
            };
            s.add_layer(
                Dialog::around(TextView::new(report.text).scrollable())
                    .title(format!("Points of {role}"))
                    .button("Change", move |s| {
                        s.pop_layer();
                        change_points(s, role.clone());
                    })
                    .button("OK", |s| {
                        s.pop_layer();
                    }),
            );
        },
    );
}

fn parse_points(text: &str) -> Result<std::collections::BTreeSet<u16>, ConsoleError> {
    text.split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(profile::parse_point)
        .collect()
}

fn change_points(s: &mut Cursive, role: String) {
    let prompt = format!("Points to turn ON in {role} (X'hhhh', blank-separated; may be empty):");
    ask_text(s, "Change Points", &prompt, move |s, on_text| {
        let role = role.clone();
        let prompt = format!("Points to turn OFF in {role}:");
        ask_text(s, "Change Points", &prompt, move |s, off_text| {
            let (on, off) = match (parse_points(&on_text), parse_points(&off_text)) {
                (Ok(on), Ok(off)) => (on, off),
                (Err(e), _) | (_, Err(e)) => return error(s, &e),
            };
            if on.is_empty() && off.is_empty() {
                return error(s, &ConsoleError::Usage("no point given".into()));
            }
            let role = role.clone();
            confirm(
                s,
                "Change Points",
                &format!(
                    "Change role {role}: on {on_text}, off {off_text}?\nEvery logon of the role is affected."
                ),
                move |s| show(s, "Points", cli::access::set_points(&role, &on, &off)),
            );
        });
    });
}

fn profiles(s: &mut Cursive) {
    pick(
        s,
        "Profiles",
        cli::access::profile_ids(),
        &["Add a profile"],
        |s, user| {
            if user == "Add a profile" {
                add_profile(s)
            } else {
                profile_actions(s, user)
            }
        },
    );
}

fn profile_actions(s: &mut Cursive, user: String) {
    let mut select: SelectView<u8> = SelectView::new();
    for (i, t) in [
        "◂",
        "Show",
        "Reset failed logons",
        "Change expiry",
        "Change passphrase",
        "Delete",
    ]
    .iter()
    .enumerate()
    {
        select.add_item(*t, i as u8);
    }
    let title = format!("Profile {user}");
    select.set_on_submit(move |s, choice: &u8| {
        let user = user.clone();
        match choice {
            1 => show(s, "Profile", cli::access::show_profile(&user)),
            2 => confirm(
                s,
                "Reset",
                &format!("Reset the failed logons of {user} (unlocks it)?"),
                move |s| show(s, "Reset", cli::access::reset_profile(&user)),
            ),
            3 => ask_text(
                s,
                "Change expiry",
                &format!("New last day of {user} (YYYY-MM-DD, UTC):"),
                move |s, date| match profile::Date::parse(date.trim()) {
                    Ok(d) => show(s, "Expiry", cli::access::expire_profile(&user, d)),
                    Err(e) => error(s, &e),
                },
            ),
            4 => new_passphrase(s, &user.clone(), move |s, pass| {
                show(
                    s,
                    "Passphrase",
                    cli::access::change_mechanism(&user, &Mechanism::Passphrase(&pass), None),
                )
            }),
            5 => confirm(
                s,
                "Delete",
                &format!("Delete profile {user}? Its logons end at their next call."),
                move |s| {
                    let outcome = cli::access::delete_profile(&user);
                    if outcome.is_ok() {
                        s.pop_layer(); // this profile's menu
                        s.pop_layer(); // the list, now stale
                    }
                    show(s, "Delete", outcome);
                },
            ),
            _ => {
                s.pop_layer();
            }
        }
    });
    s.add_layer(Dialog::around(select).title(title));
}

/// A new passphrase typed twice (masked), compared; `then` gets it.
fn new_passphrase(
    s: &mut Cursive,
    user: &str,
    then: impl Fn(&mut Cursive, Secret) + 'static + Send + Sync,
) {
    let then = std::sync::Arc::new(then);
    let again = format!("New passphrase of {user}, again:");
    ask_secret(
        s,
        "Passphrase",
        &format!("New passphrase of {user}:"),
        move |s, first| {
            let then = then.clone();
            let first = std::sync::Mutex::new(Some(first));
            ask_secret(s, "Passphrase", &again, move |s, second| {
                let Some(first) = first.lock().ok().and_then(|mut f| f.take()) else {
                    return;
                };
                if !secret::equal(&first, &second) {
                    return error(
                        s,
                        &ConsoleError::Usage(
                            "the two passphrases differ: nothing was changed".into(),
                        ),
                    );
                }
                if let Err(e) = cli::access::check_passphrase(&first) {
                    return error(s, &e);
                }
                then(s, first);
            });
        },
    );
}

fn add_profile(s: &mut Cursive) {
    ask_text(s, "Add a profile", "User id:", |s, user| {
        ask_text(
            s,
            "Add a profile",
            "Role (e.g. KEYCUST, CUSTODY, SECOFF):",
            move |s, role| {
                let p = match NewProfile::parse(user.trim(), role.trim(), "", None, None, false) {
                    Ok(p) => p,
                    Err(e) => return error(s, &e),
                };
                let user = p.user.clone();
                new_passphrase(s, &user, move |s, pass| {
                    show(
                        s,
                        "Add a profile",
                        cli::access::add_profile(&p, &Mechanism::Passphrase(&pass)),
                    )
                });
            },
        )
    });
}

fn last_records(s: &mut Cursive) {
    match cli::audit::tail(200) {
        Ok(r) => s.add_layer(
            Dialog::around(
                TextView::new(r.text)
                    .scrollable()
                    .scroll_strategy(cursive::view::ScrollStrategy::StickToBottom),
            )
            .title("Audit Log: Last Records")
            .button("OK", |s| {
                s.pop_layer();
            }),
        ),
        Err(e) => error(s, &e),
    }
}

fn verify(s: &mut Cursive) {
    show(s, "Audit Log: Verify", cli::audit::verify(false));
}

/// Logon: with a passphrase, or with an operator card.
pub fn logon(s: &mut Cursive) {
    open_menu(
        s,
        "Logon",
        &[
            ("Logon with passphrase", logon_passphrase),
            ("Logon with card", logon_card),
        ],
        true,
    );
}

fn logged_on(s: &mut Cursive, outcome: Result<(), ConsoleError>) {
    let outcome: Result<Report, ConsoleError> = outcome.and_then(|()| cli::session::whoami());
    if outcome.is_ok() {
        s.pop_layer(); // the Logon menu
    }
    show(s, "Logon", outcome);
    refresh_status(s);
}

/// The user id, then the passphrase (masked).
fn logon_passphrase(s: &mut Cursive) {
    ask_text(s, "Logon", "User id:", |s, user| {
        let user = user.trim().to_string();
        ask_secret(
            s,
            "Logon",
            &format!("Passphrase of {user}:"),
            move |s, pass| {
                let outcome = cli::session::log_on_with(&user, None, &pass);
                drop(pass);
                logged_on(s, outcome);
            },
        );
    });
}

/// The reader, the user id, then the card's PIN (masked).
fn logon_card(s: &mut Cursive) {
    choose_reader(s, "Logon with card: choose the reader", |s, reader| {
        ask_text(s, "Logon with card", "User id:", move |s, user| {
            let user = user.trim().to_string();
            let reader = reader.clone();
            ask_secret(
                s,
                "Logon with card",
                &format!("PIN of {user}'s card:"),
                move |s, pin| {
                    let outcome = cli::session::log_on_with(&user, Some(&reader), &pin);
                    drop(pin);
                    logged_on(s, outcome);
                },
            );
        });
    });
}

/// Logoff.
pub fn logoff(s: &mut Cursive) {
    show(s, "Logoff", cli::session::logoff());
}
